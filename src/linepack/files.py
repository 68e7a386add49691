"""Writing files atomically, and opening input files safely.

Writing: a failed or interrupted write leaves the previous file intact.

Every file linepack writes (results, reports, native cases) goes through here: the text
is written to a temporary file in the same folder, flushed to disk, given the previous
file's permission bits, and renamed over the target (``os.replace`` is atomic on POSIX
and Windows within one file system).

The temporary file is removed on every exit Python can catch (an error, Ctrl-C, the
command line's SIGTERM handler). One the process could not remove (SIGKILL, a power cut) is
named ``.<target name>.<pid>.<random>.tmp``; the next write of the same target removes those
whose process is gone (POSIX; others are left alone). A failed write raises ``OSError``
naming the target file.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write_text", "atomic_write_texts", "atomic_write_bytes", "open_input"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except OSError:              # e.g. another user's process: alive
        return True
    return True


def _remove_stale(path: Path) -> None:
    """Remove temporary files of earlier writes of ``path`` whose process is gone."""
    if os.name != "posix":       # os.kill(pid, 0) is no liveness probe on Windows
        return
    own = re.compile(re.escape(f".{path.name}.") + r"(\d+)\.[A-Za-z0-9_]+\.tmp")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        m = own.fullmatch(name)
        if m is None or int(m.group(1)) == os.getpid() or _alive(int(m.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path.parent / name)


def _write_temp(path: Path, text: str | bytes) -> str:
    _remove_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp",
                               dir=path.parent)
    try:
        binary = isinstance(text, bytes)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
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


def _special(path: Path) -> bool:
    """An existing target that is neither a regular file nor a folder (/dev/null, a FIFO)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write_texts(files: Mapping[str | os.PathLike, str]) -> list[Path]:
    """Write several files, all or none: every text goes to a temporary file first, and the
    renames happen only once all of them are on disk. A target that is a device or a pipe
    (``/dev/stdout``) is written straight into, after the others; it is never replaced."""
    paths = [Path(p) for p in files]
    texts = list(files.values())
    tmps: list[str | None] = []
    current = paths[0] if paths else None
    try:
        for path, text in zip(paths, texts):
            current = path
            if _special(path):
                tmps.append(None)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmps.append(_write_temp(path, text))
        for path, tmp in zip(paths, tmps):
            current = path
            if tmp is not None:
                os.replace(tmp, path)
        for path, text, tmp in zip(paths, texts, tmps):
            current = path
            if tmp is None:
                with open(path, "w", encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
    except BaseException as exc:
        for tmp in tmps:
            if tmp is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
        if isinstance(exc, OSError) and exc.errno is not None and current is not None:
            # name the file asked for, not the temporary one
            raise OSError(exc.errno, exc.strerror or str(exc), str(current)) from exc
        raise
    return paths


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    return atomic_write_texts({path: text})[0]


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (e.g. a Parquet table)."""
    return atomic_write_texts({path: data})[0]


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

