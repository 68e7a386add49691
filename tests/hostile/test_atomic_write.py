"""Issue #6: no partial output. Results, reports and native files are written to a
temporary file and renamed; an interrupted or failed write leaves the previous file
intact (or none) and no temporary file behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import write_files
from hostile_cases import native

import linepack

PREVIOUS = "previous contents\n"


@pytest.fixture(scope="module")
def solved():
    """The corpus's base native case and its steady result."""
    case = linepack.parse_native(native()["case.json"], name="case.json")
    scn = case.scenarios["base"]
    return case, linepack.simulate(case.network, scn, case.control_sets["c"])


def _fail_rename(monkeypatch, exc: BaseException):
    """Make os.replace fail as if the process died or the disk failed between write and rename."""
    def boom(src, dst, *a, **k):
        assert Path(src).exists(), "the temporary file should be complete before the rename"
        raise exc
    monkeypatch.setattr(os, "replace", boom)


class _HalfWriter:
    """A text file that writes half of what it is given, then fails (disk full)."""

    def __init__(self, fh):
        self._fh = fh

    def write(self, text):
        self._fh.write(text[: len(text) // 2])
        self._fh.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._fh.close()
        return False


def _fail_midway(monkeypatch, module):
    real = os.fdopen
    monkeypatch.setattr(module.os, "fdopen", lambda *a, **k: _HalfWriter(real(*a, **k)))


def _only(folder: Path, *names: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)


@pytest.mark.parametrize("exc", [OSError(errno.EIO, "I/O error"), KeyboardInterrupt()],
                         ids=["io-error", "interrupt"])
def test_result_json_interrupted_at_rename(solved, tmp_path, monkeypatch, exc):
    """to_json: a failure at the rename keeps the previous file and removes the temporary one."""
    _, res = solved
    out = tmp_path / "out.json"
    out.write_text(PREVIOUS)
    _fail_rename(monkeypatch, exc)
    with pytest.raises(type(exc)):
        res.to_json(out)
    assert out.read_text() == PREVIOUS
    _only(tmp_path, "out.json")


def test_result_json_interrupted_midway_through_the_write(solved, tmp_path, monkeypatch):
    """to_json: the disk fills half-way through the text: previous file intact, no temporary."""
    from linepack.results import records

    _, res = solved
    out = tmp_path / "out.json"
    out.write_text(PREVIOUS)
    _fail_midway(monkeypatch, records)
    with pytest.raises(OSError, match="No space left"):
        res.to_json(out)
    assert out.read_text() == PREVIOUS
    _only(tmp_path, "out.json")


def test_result_json_failed_first_write_leaves_no_file(solved, tmp_path, monkeypatch):
    """to_json with no previous file: a failed write leaves no file at all."""
    _, res = solved
    _fail_rename(monkeypatch, OSError(errno.EIO, "I/O error"))
    with pytest.raises(OSError):
        res.to_json(tmp_path / "out.json")
    _only(tmp_path)


def test_result_csv_tables_interrupted(solved, tmp_path, monkeypatch):
    """to_csv: each table is written atomically; a failed write keeps the previous table."""
    _, res = solved
    (tmp_path / "nodes.csv").write_text(PREVIOUS)
    _fail_rename(monkeypatch, OSError(errno.EIO, "I/O error"))
    with pytest.raises(OSError):
        res.to_csv(tmp_path)
    assert (tmp_path / "nodes.csv").read_text() == PREVIOUS
    _only(tmp_path, "nodes.csv")


def test_report_interrupted(solved, tmp_path, monkeypatch):
    """write_report: a failed rename keeps the previous report and no temporary file."""
    case, res = solved
    rep = tmp_path / "r.html"
    rep.write_text(PREVIOUS)
    _fail_rename(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        linepack.write_report(case.network, res, rep)
    assert rep.read_text() == PREVIOUS
    _only(tmp_path, "r.html")


def test_native_file_interrupted(solved, tmp_path, monkeypatch):
    """write_native: the disk fills midway: the previous file is intact, no temporary."""
    from linepack.io import native as native_mod

    case, _ = solved
    path = tmp_path / "case.json"
    path.write_text(PREVIOUS)
    _fail_midway(monkeypatch, native_mod)
    with pytest.raises(OSError, match="No space left"):
        linepack.write_native(case, path)
    assert path.read_text() == PREVIOUS
    _only(tmp_path, "case.json")


def test_cli_output_interrupted_keeps_previous(cli, tmp_path, monkeypatch):
    """`simulate --output` when the write fails: exit 2 with the reason, previous output kept."""
    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.json").write_text(PREVIOUS)
    _fail_rename(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    run = cli("simulate", "case.json", "--output", "out.json")
    assert run.rc == 2
    assert "No space left on device" in run.message and "Traceback" not in run.err
    assert (tmp_path / "out.json").read_text() == PREVIOUS
    _only(tmp_path, "case.json", "out.json")


def test_cli_interrupted_by_ctrl_c_keeps_previous(cli, tmp_path, monkeypatch):
    """Ctrl-C during the write of `--output`: exit 130, previous output kept, no temporary."""
    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.json").write_text(PREVIOUS)
    _fail_rename(monkeypatch, KeyboardInterrupt())
    run = cli("simulate", "case.json", "--output", "out.json")
    assert run.rc == 130
    assert (tmp_path / "out.json").read_text() == PREVIOUS
    _only(tmp_path, "case.json", "out.json")


@pytest.mark.skipif(os.name != "posix", reason="stale temporaries are recognised by pid on POSIX")
def test_stale_temporaries_of_dead_runs_are_removed(solved, tmp_path):
    """Issue #20.2: leftovers of this output from a process that is gone are removed by the
    next write; a live process's temporary, other outputs' and foreign files are kept."""
    import subprocess
    import sys

    _, res = solved
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {f".out.json.{dead.pid}.ab12_xyz.tmp": "gone",          # removed
                 f".out.json.{alive.pid}.cd34_xyz.tmp": "live writer",  # kept
                 f".out.json.5.{dead.pid}.ef56_xyz.tmp": "out.json.5's",  # another target: kept
                 f".other.json.{dead.pid}.gh78_xyz.tmp": "other",       # another target: kept
                 ".out.json.old_mkstemp.tmp": "no pid",                 # not ours to judge: kept
                 "notes.txt": "mine"}
        for name, text in names.items():
            (tmp_path / name).write_text(text)
        res.to_json(tmp_path / "out.json")
        left = sorted(p.name for p in tmp_path.iterdir())
        assert left == sorted(set(names) - {f".out.json.{dead.pid}.ab12_xyz.tmp"} | {"out.json"})
    finally:
        alive.kill()
        alive.wait()


def test_failed_write_names_the_file(solved, tmp_path, monkeypatch):
    """Issue #15.7: the disk fills midway: the OSError names the file asked for (not the
    temporary one) and keeps the cause."""
    from linepack.results import records

    _, res = solved
    _fail_midway(monkeypatch, records)
    with pytest.raises(OSError) as info:
        res.to_json(tmp_path / "out.json")
    assert info.value.errno == errno.ENOSPC
    assert info.value.filename == str(tmp_path / "out.json")
    assert "No space left on device" in str(info.value)
    _only(tmp_path)
