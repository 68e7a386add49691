"""``linepack transient``: a run writes its table; bad input exits 2 naming the row or element
with no traceback and no output file; a physics breakdown exits 1 and keeps the results."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from linepack.cli import main

_G11 = Path(__file__).resolve().parents[1] / "data" / "gaslib" / "GasLib-11"
GASLIB11 = [str(_G11 / "GasLib-11.net"), "-s", str(_G11 / "GasLib-11.scn")]


def _cli(capsys, *argv):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return rc, got.out, " ".join(got.err.split())


def test_run_writes_the_table(tmp_path, capsys):
    """A 3 h run with an hourly demand profile writes pressures, flows and totals per hour."""
    prof = tmp_path / "p.csv"
    pd.DataFrame({"time_h": [0, 1, 3], "exit01.inflow_kg_s": [-60, -75, -60]}).to_csv(prof, index=False)
    out = tmp_path / "out.csv"
    rc, stdout, err = _cli(capsys, "transient", *GASLIB11, "--profile", prof, "--hours", 3,
                           "--dt", "10min", "--output", out)
    assert rc == 0, err
    tab = pd.read_csv(out, index_col=0)
    assert list(tab.index) == [0.0, 3600.0, 7200.0, 10800.0]
    assert "exit01.p_bar" in tab.columns and "linepack_mcm" in tab.columns
    assert tab["exit01.p_bar"].iloc[1] < tab["exit01.p_bar"].iloc[0]   # the peak drafts it


@pytest.mark.parametrize("rows, expect", [
    ({"time_h": [0, 2, 1], "exit01.inflow_kg_s": [-60, -60, -60]},
     "time column 'time_h' is not increasing at row 3"),
    ({"time_h": [0, 1], "exit9.inflow_kg_s": [-60, -60]}, "node 'exit9' is not in the network"),
])
def test_bad_profile_exit_2(tmp_path, capsys, rows, expect):
    """A bad profile: exit 2, the row or node named, no traceback, no output written."""
    prof = tmp_path / "p.csv"
    pd.DataFrame(rows).to_csv(prof, index=False)
    out = tmp_path / "out.csv"
    rc, _, err = _cli(capsys, "transient", *GASLIB11, "--profile", prof, "--hours", 2, "--output", out)
    assert rc == 2
    assert expect in err and "Traceback" not in err
    assert not out.exists()


def test_negative_dt_and_missing_event_element_exit_2(tmp_path, capsys):
    """A negative Δt and an event on a missing element are input errors (exit 2)."""
    rc, _, err = _cli(capsys, "transient", *GASLIB11, "--dt", "-5min")
    assert rc == 2 and "dt must be > 0" in err
    ev = tmp_path / "e.csv"
    pd.DataFrame({"time_h": [1], "element": ["CS09"], "mode": ["bypass"]}).to_csv(ev, index=False)
    rc, _, err = _cli(capsys, "transient", *GASLIB11, "--events", ev, "--hours", 2)
    assert rc == 2 and "connection 'CS09' is not in the network" in err


def test_breakdown_exit_1_keeps_results(tmp_path, capsys):
    """A withdrawal the network cannot carry: exit 1, time and node named, results written."""
    prof = tmp_path / "p.csv"
    pd.DataFrame({"time_h": [0, 1], "exit01.inflow_kg_s": [-60, -2000]}).to_csv(prof, index=False)
    out = tmp_path / "out.csv"
    rc, _, err = _cli(capsys, "transient", *GASLIB11, "--profile", prof, "--hours", 6, "--dt", "5min",
                      "--output-dt", "5min", "--output", out)
    assert rc == 1
    assert "physics breakdown at t =" in err and "bar" in err
    assert len(pd.read_csv(out)) > 2
