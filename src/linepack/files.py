"""Writing files atomically, and opening input files safely.

Writing: a failed or interrupted write leaves the previous file intact.

Every file linepack writes (results, reports, native cases) goes through here: the text
is written to a temporary file in the same folder, flushed to disk, given the previous
file's permission bits, and renamed over the target (``os.replace`` is atomic on POSIX
and Windows within one file system).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write_text", "atomic_write_texts", "open_input"]


def _write_temp(path: Path, text: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def atomic_write_texts(files: Mapping[str | os.PathLike, str]) -> list[Path]:
    """Write several files, all or none: every text goes to a temporary file first, and the
    renames happen only once all of them are on disk."""
    paths = [Path(p) for p in files]
    tmps: list[str] = []
    try:
        for path, text in zip(paths, files.values()):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmps.append(_write_temp(path, text))
        for path, tmp in zip(paths, tmps):
            os.replace(tmp, path)
    except BaseException:
        for tmp in tmps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    return paths


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    return atomic_write_texts({path: text})[0]


_NOT_REGULAR = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _refuse_not_regular(mode: int, path: str) -> None:
    from linepack.errors import InputError

    if stat.S_ISREG(mode):
        return
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "not a regular file")
    raise InputError(f"cannot read the file: it is {what}, not a regular file; linepack reads "
                     "input only from regular files (a pipe or a device could block or never "
                     "end)", path=path)


def open_input(path: str | os.PathLike, *, max_bytes: int, limit: str) -> BinaryIO:
    """Open an input file for binary reading, refusing before any byte is read: a path
    that is not a regular file (a directory, FIFO, device or socket: opening a FIFO
    would block until a writer comes, a device may never end) and a file larger than
    ``max_bytes`` (``limit`` names the constant in the message). Every refusal is an
    :class:`~linepack.errors.InputError` naming the path."""
    from linepack.errors import InputError

    name = os.fspath(path)
    try:
        st = os.stat(name)
        _refuse_not_regular(st.st_mode, name)
        if st.st_size > max_bytes:
            raise InputError(f"refused: the file has {st.st_size / 2 ** 20:.1f} MiB, more than "
                             f"linepack's limit of {max_bytes / 2 ** 20:.0f} MiB ({limit})",
                             path=name)
        # O_NONBLOCK: should the path have become a FIFO since stat(), open() does not wait
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as e:
        raise InputError(f"cannot read the file: {e.strerror or e}", path=name) from None
    try:
        _refuse_not_regular(os.fstat(fd).st_mode, name)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise

