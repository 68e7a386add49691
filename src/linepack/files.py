"""Writing files atomically: a failed or interrupted write leaves the previous file intact.

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

__all__ = ["atomic_write_text", "atomic_write_texts", "atomic_write_bytes"]


def _write_temp(path: Path, text: str | bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (e.g. a Parquet table)."""
    return atomic_write_texts({path: data})[0]
