"""Issue #20.1/#20.2: an interrupted run stops promptly, exits 130 (SIGINT) or 143 (SIGTERM),
writes no new output (a previous file stays intact) and leaves no temporary file; a run
killed outright (SIGKILL) leaves one, which the next write of the same file removes.

Every test runs the real command line (``linepack.cli.run``) in a subprocess and sends it a
real signal. ``signal_driver.py`` only says where the run is (a line on stderr) so that the
signal arrives at a known point: inside an IPOPT solve (CasADi calls Python's handler there
and used to drop the ``KeyboardInterrupt``), inside the atomic writer, or in the solver."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_files
from hostile_cases import g24, native

HERE = Path(__file__).parent
DRIVER = HERE / "signal_driver.py"
PREVIOUS = '{"previous": "results of an earlier run"}'
PROMPT_S = 10.0     # a generous bound on a loaded machine; the runs measured stop in ~0.5-1 s


def _start(hook: str, *args, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.Popen([sys.executable, str(DRIVER), hook, *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _signal_at(proc: subprocess.Popen, marker: str, sig: int, timeout: float = 120.0,
               delay: float = 0.0):
    """Wait for ``marker`` on the child's stderr, then ``delay`` s, send ``sig``; return (exit
    code, seconds from the signal to the exit, stderr, the marker line)."""
    seen, lines = None, []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith(marker):
            seen = line
            break
    if seen is None:
        proc.kill()
        pytest.fail(f"the run never reached {marker!r}: {''.join(lines)[-2000:]}")
    time.sleep(delay)
    proc.send_signal(sig)
    t0 = time.monotonic()
    try:
        rest = proc.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        rest = proc.communicate()[1]
        pytest.fail("the run did not stop within 120 s of the signal")
    return proc.returncode, time.monotonic() - t0, "".join(lines) + rest, seen


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.slow
@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"),
                                             (signal.SIGTERM, 143, "terminated (SIGTERM)")],
                         ids=["sigint", "sigterm"])
def test_nominate_stops_inside_ipopt(tmp_path, sig, code, word):
    """Ctrl-C/SIGTERM while IPOPT solves (GasLib-24 of the corpus, nominate -o): the run stops
    at once (CasADi stopped IPOPT and dropped the exception, and the run went on to the next
    programme, wrote found.json and exited 1), exit 130/143, the previous found.json intact,
    no temporary file."""
    pytest.importorskip("casadi")
    write_files(tmp_path, g24())
    (tmp_path / "found.json").write_text(PREVIOUS)
    proc = _start("casadi", "nominate", "GasLib-24.net", "-o", "found.json", cwd=tmp_path)
    rc, after, err, _ = _signal_at(proc, "@@casadi", sig, delay=0.1)
    assert "KeyboardInterruptException" in err, "the signal did not arrive inside IPOPT"
    assert rc == code, err[-2000:]
    assert after < PROMPT_S, f"stopped {after:.1f} s after the signal"
    assert word in err and "Traceback" not in err
    assert (tmp_path / "found.json").read_text() == PREVIOUS
    assert _temporaries(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["sigint", "sigterm"])
def test_signal_during_the_write_keeps_previous_and_no_temporary(tmp_path, sig, code):
    """A signal while the result file is being written (the text in the temporary file, not
    yet renamed): exit 130/143, the previous file intact, the temporary file removed (SIGTERM
    used to leave `.out.json.*.tmp` behind)."""
    write_files(tmp_path, native())
    (tmp_path / "out.json").write_text(PREVIOUS)
    proc = _start("write", "simulate", "case.json", "--output", "out.json", cwd=tmp_path)
    rc, after, err, seen = _signal_at(proc, "@@write", sig)
    temporary = Path(seen.split(maxsplit=1)[1].strip())
    assert temporary.name.startswith(".out.json.") and temporary.parent == tmp_path.resolve()
    assert rc == code, err
    assert after < PROMPT_S
    assert "Traceback" not in err
    assert (tmp_path / "out.json").read_text() == PREVIOUS
    assert _temporaries(tmp_path) == []


@pytest.mark.slow
def test_sigkill_leftover_is_removed_by_the_next_run(tmp_path):
    """SIGKILL cannot be caught: its temporary file stays (named with the dead run's pid);
    the next write of the same output removes it and writes the file."""
    write_files(tmp_path, native())
    (tmp_path / "out.json").write_text(PREVIOUS)
    proc = _start("write", "simulate", "case.json", "--output", "out.json", cwd=tmp_path)
    rc, _, _, seen = _signal_at(proc, "@@write", signal.SIGKILL)
    assert rc == -signal.SIGKILL
    left = _temporaries(tmp_path)
    assert left == [Path(seen.split(maxsplit=1)[1].strip()).name]
    assert f".out.json.{proc.pid}." in left[0]
    assert (tmp_path / "out.json").read_text() == PREVIOUS
    again = _start("none", "simulate", "case.json", "--output", "out.json", cwd=tmp_path)
    assert again.wait(timeout=120) == 0, again.stderr.read()
    again.stderr.close()
    assert _temporaries(tmp_path) == []
    assert json.loads((tmp_path / "out.json").read_text())["status"] == "converged"


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["sigint", "sigterm"])
def test_capacity_stops_in_the_solver(tmp_path, sig, code):
    """A signal during the capacity search (central-asia, 16 steady solves): exit 130/143
    promptly, no traceback."""
    proc = _start("solve", "capacity", "central-asia", cwd=tmp_path)
    rc, after, err, _ = _signal_at(proc, "@@solve", sig)
    assert rc == code, err
    assert after < PROMPT_S
    assert "Traceback" not in err
