"""The command line's contract: exit codes 0/1/2 (3 for a bug), one message and no traceback,
``--debug`` shows the traceback, ``python -m linepack.cli`` works as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import linepack
from linepack.cli import main

HOSTILE = Path(__file__).parent / "hostile"
sys.path.insert(0, str(HOSTILE))
from hostile_cases import XML, conn, native  # noqa: E402


def _cli(capsys, *argv):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return rc, got.out, got.err, " ".join(got.err.split())


def _proc(*argv, cwd):
    """Run ``python -m linepack.cli`` as a real process."""
    return subprocess.run([sys.executable, "-m", "linepack.cli", *map(str, argv)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _line_case(folder: Path, flow_kg_s: float) -> Path:
    """A 300 km DN500 line held at 40 bar at its inlet, one exit drawing ``flow_kg_s``."""
    n = 10
    doc = {"linepack": 1, "name": "line",
           "nodes": [{"id": "S", "kind": "source", "p_max_bar": 80}]
           + [{"id": f"N{i}", "kind": "sink" if i == n else "innode"} for i in range(1, n + 1)],
           "connections": [{"id": f"P{i}", "kind": "pipe", "from": "S" if i == 1 else f"N{i - 1}",
                            "to": f"N{i}", "length_km": 30, "diameter_mm": 500,
                            "roughness_mm": 0.01} for i in range(1, n + 1)],
           "scenarios": {"s": {"nodes": [{"id": "S", "p_fixed_bar": 40},
                                         {"id": f"N{n}", "inflow_kg_s": -flow_kg_s}]}}}
    path = folder / "line.json"
    path.write_text(json.dumps(doc))
    return path


# -- real processes --------------------------------------------------------------------

def test_python_m_linepack_cli_runs(tmp_path):
    """`python -m linepack.cli --help` works and exits 0."""
    p = _proc("--help", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "simulate" in p.stdout


def test_process_success_writes_output(tmp_path):
    """A good case: exit 0 and the output file written."""
    (tmp_path / "case.json").write_bytes(native()["case.json"])
    p = _proc("simulate", "case.json", "--output", "out.json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads((tmp_path / "out.json").read_text())["status"] == "converged"


@pytest.mark.parametrize("name, files, expect", [
    ("billion-laughs", {"x.net": (XML / "billion_laughs.net").read_bytes()},
     ("x.net:2", "refused", "DTD or entities")),
    ("truncated-xml", {"x.net": (HOSTILE.parent / "data/gaslib/GasLib-11/GasLib-11.net").read_bytes()[:5000]},
     ("x.net:85", "malformed XML")),
    ("negative-diameter", native(lambda d: conn(d, "P1").update(diameter_mm=-500), name="x.json"),
     ("x.json", "pipe 'P1': diameter must be > 0 mm (got -500)")),
])
def test_process_bad_input_exit_2_without_traceback(tmp_path, name, files, expect):
    """Bad input in a real process: exit 2, the message on stderr, no traceback, no output."""
    for fname, data in files.items():
        (tmp_path / fname).write_bytes(data)
    target = next(iter(files))
    p = _proc("simulate", target, "--output", "out.json", "--report", "r.html", cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    msg = " ".join(p.stderr.split())
    for words in expect:
        assert words in msg
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "r.html").exists()


def test_process_infeasible_exit_1(tmp_path):
    """An over-demanded line in a real process: exit 1, "infeasible:", the far end named."""
    _line_case(tmp_path, 200.0)
    p = _proc("simulate", "line.json", "--output", "out.json", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert "Traceback" not in p.stderr
    assert p.stderr.startswith("infeasible: ") and "'N10'" in p.stderr
    assert not (tmp_path / "out.json").exists()


def test_process_debug_shows_the_traceback(tmp_path):
    """`--debug`: the same bad input raises, so Python prints the traceback (exit 1)."""
    (tmp_path / "x.net").write_bytes((XML / "billion_laughs.net").read_bytes())
    p = _proc("--debug", "simulate", "x.net", cwd=tmp_path)
    assert p.returncode == 1
    assert "Traceback" in p.stderr and "InputError" in p.stderr


# -- in-process -------------------------------------------------------------------------

def test_info_builtin_exit_0(capsys):
    """`info central-asia`: exit 0."""
    rc, out, err, _ = _cli(capsys, "info", "central-asia", "--json")
    assert rc == 0, err
    assert json.loads(out)["nodes"] > 0


def test_usage_error_exit_2(capsys):
    """An unknown option is bad input: exit 2 (click's usage message)."""
    rc, _, err, _ = _cli(capsys, "simulate", "central-asia", "--no-such-option")
    assert rc == 2
    assert "No such option" in err


def test_validate_prints_each_error_once(capsys, tmp_path, monkeypatch):
    """`validate` with an error: exit 2, one message listing it once."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(
        native(lambda d: conn(d, "P1").update(diameter_mm=-500))["case.json"])
    rc, out, err, msg = _cli(capsys, "validate", "case.json")
    assert rc == 2
    assert msg.count("diameter must be > 0 mm (got -500)") == 1
    assert msg.startswith("error: case.json: 1 error(s) in the input")


def test_validate_ok_exit_0(capsys, tmp_path, monkeypatch):
    """`validate` of the good base case: exit 0, "ok"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(native()["case.json"])
    rc, out, err, _ = _cli(capsys, "validate", "case.json")
    assert rc == 0, err
    assert "ok" in out


def test_validate_checks_the_case_controls(capsys, tmp_path, monkeypatch):
    """`validate` checks the scenario's controls too (a ratio above ratio_max is an error)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(native(
        lambda d: d["controls"]["c"].update({"CS": {"mode": "active", "ratio": 3}}))["case.json"])
    rc, _, _, msg = _cli(capsys, "validate", "case.json")
    assert rc == 2
    assert "compressorStation 'CS': controls: ratio 3 is above the station's ratio_max 1.5" in msg


def test_not_converged_exit_1(capsys, tmp_path, monkeypatch):
    """A NotConverged from the solver: exit 1, "not converged:", no traceback."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(native()["case.json"])

    def fail(*a, **k):
        raise linepack.NotConverged("steady state did not converge (residual 1e-3 after 50 iterations)")

    monkeypatch.setattr(linepack, "simulate", fail)
    rc, _, err, msg = _cli(capsys, "simulate", "case.json", "--output", "out.json")
    assert rc == 1
    assert msg.startswith("not converged: steady state did not converge")
    assert "Traceback" not in err and not (tmp_path / "out.json").exists()


def test_unexpected_exception_is_an_internal_error_exit_3(capsys, tmp_path, monkeypatch):
    """A bug (an exception linepack did not mean to raise): exit 3, one line asking for a
    report, no traceback; with --debug the exception propagates."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(native()["case.json"])

    def bug(*a, **k):
        raise ZeroDivisionError("float division by zero")

    monkeypatch.setattr(linepack, "simulate", bug)
    rc, _, err, msg = _cli(capsys, "simulate", "case.json", "--output", "out.json")
    assert rc == 3
    assert msg.startswith("internal error: ZeroDivisionError: float division by zero")
    assert "--debug" in msg and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "simulate", "case.json"])


def test_debug_reraises_input_errors(tmp_path, monkeypatch):
    """In-process `--debug`: the InputError propagates to the caller."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.net").write_bytes((XML / "billion_laughs.net").read_bytes())
    with pytest.raises(linepack.InputError, match="refused"):
        main(["--debug", "simulate", "x.net"])
    assert main(["validate", "x.net"]) == 2  # and the next run without --debug is quiet again


def test_violations_are_printed_as_messages(capsys, tmp_path, monkeypatch):
    """Bound violations print as readable sentences naming the element (not as dicts)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "case.json").write_bytes(native(
        lambda d: d["scenarios"]["base"]["nodes"][1].update(inflow_kg_s=-150))["case.json"])
    rc, out, err, _ = _cli(capsys, "simulate", "case.json")
    assert rc in (0, 1), err
    if rc == 0:
        text = " ".join(out.split())
        assert "{'element'" not in text
        assert "limit violation(s)" in text and "sink 'D'" in text


def _station_case(folder: Path, sink_min_bar: float) -> Path:
    """Two 100 km DN500 pipes with a compressor station (ratio ≤ 1.5) between them; the entry
    may run at 40–70 bar, the exit must receive ≥ ``sink_min_bar``; 50 kg/s nominated."""
    doc = {"linepack": 1, "name": "station line",
           "nodes": [{"id": "S", "kind": "source", "p_min_bar": 40, "p_max_bar": 70},
                     {"id": "A", "kind": "innode"}, {"id": "B", "kind": "innode"},
                     {"id": "X", "kind": "sink", "p_min_bar": sink_min_bar, "p_max_bar": 80}],
           "connections": [{"id": "P1", "kind": "pipe", "from": "S", "to": "A", "length_km": 100,
                            "diameter_mm": 500, "roughness_mm": 0.05},
                           {"id": "CS", "kind": "compressorStation", "from": "A", "to": "B",
                            "ratio_max": 1.5},
                           {"id": "P2", "kind": "pipe", "from": "B", "to": "X", "length_km": 100,
                            "diameter_mm": 500, "roughness_mm": 0.05}],
           "scenarios": {"s": {"nodes": [{"id": "S", "inflow_kg_s": 50}, {"id": "X", "inflow_kg_s": -50}]}}}
    path = folder / "station.json"
    path.write_text(json.dumps(doc))
    return path


def test_nominate_writes_a_case_that_simulates_within_limits(capsys, tmp_path):
    """`linepack nominate` finds the station's set point, exits 0 and writes a case whose
    simulation keeps every limit."""
    pytest.importorskip("casadi")
    case = _station_case(tmp_path, 55.0)
    rc, out, err, _ = _cli(capsys, "nominate", case, "--output", tmp_path / "v.json")
    assert rc == 0, err
    assert "validated: every limit holds" in out
    rc, out, err, _ = _cli(capsys, "simulate", tmp_path / "v.json")
    assert rc == 0, err
    assert "all pressures and station limits within bounds" in out


def test_nominate_not_validated_exits_1_and_names_the_limit(capsys, tmp_path):
    """An exit minimum no set point reaches (ratio ≤ 1.5): exit 1, the binding limits named,
    no traceback."""
    pytest.importorskip("casadi")
    case = _station_case(tmp_path, 79.0)
    rc, out, err, _ = _cli(capsys, "nominate", case)
    assert rc == 1
    assert "not validated" in out and "Traceback" not in out + err
    # one bar at the entry buys more than one at the exit: the least violation raises the entry
    assert "node 'S' pressure above its maximum" in out
    assert "source 'S': pressure" in out and "{'element'" not in out
