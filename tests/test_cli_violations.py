"""The CLI never reports a violated limit as a clean success (issue #15, finding 3): the
violations lead the summary (count, worst first, "and N more"), the lowest margin is negative,
the status says so, the files carry them, and ``--fail-on-violation`` gives exit code 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from linepack.cli import main

SRC = Path(__file__).resolve().parents[1] / "src"


def _case(folder: Path, n_exits: int = 1) -> Path:
    """An entry the user holds at 70 bar feeding ``n_exits`` exits 10 km away through DN500
    pipes; every exit may take at most 60 bar, which no control can give (the entry's pressure
    is the user's): each exit is violated by about 10 bar."""
    nodes = [{"id": "S", "kind": "source", "p_min_bar": 40, "p_max_bar": 70}]
    conns, flows = [], [{"id": "S", "p_fixed_bar": 70}]
    for k in range(n_exits):
        nodes.append({"id": f"X{k}", "kind": "sink", "p_min_bar": 20, "p_max_bar": 60 - 0.1 * k})
        conns.append({"id": f"P{k}", "kind": "pipe", "from": "S", "to": f"X{k}", "length_km": 10,
                      "diameter_mm": 500, "roughness_mm": 0.05})
        flows.append({"id": f"X{k}", "inflow_kg_s": -5})
    doc = {"linepack": 1, "name": "over", "nodes": nodes, "connections": conns,
           "scenarios": {"s": {"nodes": flows}}}
    path = folder / "over.json"
    path.write_text(json.dumps(doc))
    return path


def _cli(capsys, *argv):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return rc, got.out, got.err


def test_violations_lead_the_summary_with_a_negative_margin(capsys, tmp_path):
    """The first line counts the violations; the worst is listed first; the status does not
    read as a success; the lowest margin is negative. Exit 0 without --fail-on-violation."""
    rc, out, err = _cli(capsys, "simulate", _case(tmp_path, 2))
    assert rc == 0, err
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines[0].startswith("2 limit violation(s), worst first")
    # X1 (max 59.9 bar) is further above its maximum than X0 (max 60): listed first
    assert lines[1].lstrip().startswith("- sink 'X1': pressure") and "above its maximum 59.9" in lines[1]
    assert lines[2].lstrip().startswith("- sink 'X0': pressure")
    text = " ".join(out.split())
    cells = " ".join(out.replace("│", " ").split())    # table cells may wrap: read them unframed
    assert "Newton iterations; 2 limit(s) violated" in cells and "every limit holds" not in text
    assert "lowest pressure margin │ -" in text and "above p_max" in text


def test_many_violations_are_cut_with_and_n_more(capsys, tmp_path):
    """12 violated exits: the first 10 are listed, then "… and 2 more"."""
    rc, out, _ = _cli(capsys, "simulate", _case(tmp_path, 12))
    assert rc == 0
    assert out.startswith("12 limit violation(s)")
    assert sum(ln.lstrip().startswith("- sink 'X") for ln in out.splitlines()) == 10
    assert "… and 2 more" in out


def test_within_limits_says_so(capsys):
    """The flagship's default scenario keeps every limit: the status says so."""
    rc, out, err = _cli(capsys, "simulate", "central-asia")
    assert rc == 0, err
    text = " ".join(out.split())
    assert "every limit holds" in text and "violat" not in text


@pytest.mark.slow
def test_fail_on_violation_exit_1_in_a_process_with_the_files_written(tmp_path):
    """`linepack simulate case --fail-on-violation -o r.json` in a real process: exit 1, a
    message on stderr, and the JSON (and, in a second run, the CSV folder) still written with
    the violations."""
    case = _case(tmp_path, 1)
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "linepack.cli", "simulate", str(case), *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)

    p = run("--fail-on-violation", "--output", "r.json")
    assert p.returncode == 1, p.stderr
    assert "1 limit violation(s); exit code 1 (--fail-on-violation)" in p.stderr
    assert "Traceback" not in p.stderr
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["n_violations"] == 1 and doc["violations"][0]["element"] == "X0"
    p = run("--fail-on-violation", "--output", "tables")
    assert p.returncode == 1
    table = pd.read_csv(tmp_path / "tables" / "violations.csv")
    assert list(table["element"]) == ["X0"] and list(table["limit_kind"]) == ["p_max"]
    assert run("--output", "r2.json").returncode == 0   # without the flag: exit 0


def test_fail_on_violation_without_violations_exits_0(capsys):
    rc, _, err = _cli(capsys, "simulate", "central-asia", "--fail-on-violation")
    assert rc == 0, err


def test_help_documents_the_exit_codes(capsys):
    rc, out, _ = _cli(capsys, "simulate", "--help")
    text = " ".join(out.split())
    assert rc == 0
    assert "--fail-on-violation" in text and "Exit codes" in text


def test_capacity_fail_on_violation_when_the_target_is_not_feasible(capsys):
    """central-asia's 11 bcm/y target is not feasible (the flagship tests): exit 1 with the
    flag, 0 without."""
    rc, out, err = _cli(capsys, "capacity", "central-asia", "--fail-on-violation")
    assert rc == 1 and "not feasible" in out
    assert "--fail-on-violation" in err
    rc, _, _ = _cli(capsys, "capacity", "central-asia")
    assert rc == 0
