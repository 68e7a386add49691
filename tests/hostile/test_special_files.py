"""Issue #15.5: input paths that are not regular files. A FIFO given as input hung (open()
waits for a writer), /dev/zero never ends; now each is refused before it is opened for
reading: exit 2, one message naming the path, no traceback, no output written."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from conftest import write_files
from hostile_cases import g11, native

PREVIOUS = '{"previous": "results of an earlier run"}'


def _run_within(cli, argv, seconds, fifos):
    out = {}
    t = threading.Thread(target=lambda: out.update(run=cli(*argv)), daemon=True)
    t.start()
    t.join(seconds)
    if t.is_alive():
        for f in fifos:   # release the hung reader
            os.close(os.open(f, os.O_WRONLY | os.O_NONBLOCK))
        t.join(5)
        pytest.fail(f"linepack {' '.join(argv)} still running after {seconds} s")
    return out["run"]


CASES = [
    # (files, fifo name or special path, target, extra args)
    (g11(), "fifo.net", "fifo.net", ()),
    (native(), "fifo.json", "fifo.json", ()),
    (g11(), "fifo.scn", "GasLib-11.net", ("--scenario", "fifo.scn")),
    (native(), "fifo-ctl.json", "case.json", ("--controls", "fifo-ctl.json")),
    (native(), "fifo-gas.json", "case.json", ("--gas-composition", "fifo-gas.json")),
    (native(), "/dev/zero", "case.json", ("--controls", "/dev/zero")),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo (POSIX)")
@pytest.mark.parametrize("files, special, target, args", CASES,
                         ids=[f"{c[1]}{'-' + c[3][0] if c[3] else ''}" for c in CASES])
def test_special_files_are_refused_at_once(cli, tmp_path, monkeypatch, files, special, target,
                                           args):
    write_files(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    fifos = []
    if not special.startswith("/"):
        os.mkfifo(tmp_path / special)
        fifos.append(tmp_path / special)
    elif not Path(special).exists():
        pytest.skip(f"{special} is missing: this case needs a POSIX system's character device")
    (tmp_path / "out.json").write_text(PREVIOUS)
    run = _run_within(cli, ["simulate", target, *args, "--output", "out.json"], 10.0, fifos)
    assert run.rc == 2, run.err + run.out
    assert "Traceback" not in run.err + run.out
    assert special in run.message and "not a regular file" in run.message, run.message
    assert (tmp_path / "out.json").read_text() == PREVIOUS
