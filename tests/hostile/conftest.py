"""Helpers of the hostile-input tests: run the CLI in-process and read what it printed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from linepack.cli import main


@dataclass
class Run:
    """What one CLI run returned and printed."""

    rc: int
    out: str
    err: str

    @property
    def message(self) -> str:
        """stderr on one line, whitespace collapsed (so wrapped text still matches)."""
        return " ".join(self.err.split())


@pytest.fixture
def cli(capsys):
    """``cli(*argv) -> Run``: ``linepack.cli.main`` in-process, output captured."""
    def run(*argv: str) -> Run:
        capsys.readouterr()
        rc = main([str(a) for a in argv])
        got = capsys.readouterr()
        return Run(rc, got.out, got.err)
    return run


def write_files(folder: Path, files: dict[str, bytes], sparse: dict[str, int] | None = None) -> None:
    """Write ``files`` (name -> bytes) into ``folder``; ``sparse`` files get a size, no data."""
    for name, data in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    for name, size in (sparse or {}).items():
        with open(folder / name, "wb") as fh:
            fh.truncate(size)  # a sparse file: the size without the disk use
