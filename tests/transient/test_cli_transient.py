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


def _no_outputs(tmp_path):
    return not (tmp_path / "out.csv").exists() and not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("kind, rows, expect", [
    # the list (#17, "Done when"): a time column that goes back, a profile for an
    # unknown node, a profile that empties the network, an event on a missing element
    ("profile", {"time_h": [0, 1, 1], "exit01.inflow_kg_s": [-60, -60, -60]},
     "time column 'time_h' is not increasing at row 3"),
    ("profile", {"time_h": [0, 1], "exit01.inflow_kg_s": [-60, None]},
     "profile: row 2, column 'exit01.inflow_kg_s': not a number (empty)"),
    ("profile", {"time_h": [0], **{f"entry0{k}.inflow_kg_s": [0.0] for k in (1, 2, 3)},
                 **{f"exit0{k}.inflow_kg_s": [-300.0] for k in (1, 2, 3)}},
     "no node holds a pressure, and the net withdrawal empties the network"),
    ("events", {"time_h": [2, 1], "element": ["CS01_entry03_N01"] * 2, "mode": ["bypass", "active"]},
     "events: time column 'time_h' is not increasing at row 2"),
    ("events", {"time_h": [1, 1], "element": ["CS01_entry03_N01"] * 2, "mode": ["bypass", "active"]},
     "events: row 2: a second event for 'CS01_entry03_N01' at 3600 s (row 1 is the first)"),
    ("events", {"time_h": [1], "element": ["CS01_entry03_N01"], "mode": ["active"],
                "setpoint": ["p_out"], "value_bar": ["sixty"]},
     "events: row 1, column 'value_bar': not a number ('sixty')"),
    ("events", {"time_h": [1], "element": ["CS09"], "mode": ["bypass"]},
     "connection 'CS09' is not in the network"),
])
def test_bad_tables_exit_2_and_write_nothing(tmp_path, capsys, kind, rows, expect):
    """Each bad table: exit 2, the row, column or element named, no traceback, neither the
    output nor the report written."""
    path = tmp_path / f"{kind}.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    rc, _, err = _cli(capsys, "transient", *GASLIB11, f"--{kind}", path, "--hours", 2,
                      "--output", tmp_path / "out.csv", "--report", tmp_path / "r.html")
    assert rc == 2, err
    assert expect in err and "Traceback" not in err
    assert _no_outputs(tmp_path)


@pytest.mark.parametrize("args, expect", [
    (["--dt", "0"], "dt must be > 0 (got '0')"),
    (["--dt", "0s"], "dt must be > 0"),
    (["--dt", "-5min"], "dt must be > 0"),
    (["--dt", "5 parsecs"], "dt: not a duration"),
    (["--output-dt", "0"], "output_dt must be > 0"),
    (["--hours", "0"], "--hours must be a finite number > 0"),
    (["--hours", "nan"], "--hours must be a finite number > 0"),
    (["--dx-km", "0"], "dx_max must be > 0"),
    (["--interpolation", "cubic"], "interpolation must be 'linear' or 'step'"),
])
def test_bad_options_exit_2_and_write_nothing(tmp_path, capsys, args, expect):
    """Zero or negative steps and other bad numbers: exit 2, named, nothing written."""
    rc, _, err = _cli(capsys, "transient", *GASLIB11, *args,
                      "--output", tmp_path / "out.csv", "--report", tmp_path / "r.html")
    assert rc == 2, err
    assert expect in err and "Traceback" not in err
    assert _no_outputs(tmp_path)


def test_output_into_a_missing_folder_is_refused_before_the_run(tmp_path, capsys):
    rc, _, err = _cli(capsys, "transient", *GASLIB11, "--hours", 1,
                      "--output", tmp_path / "nope" / "out.csv")
    assert rc == 2 and "the folder" in err and "does not exist" in err
    assert not (tmp_path / "nope").exists()


def test_breakdown_names_time_and_node_and_writes_every_output(tmp_path, capsys):
    """A pressure reaching zero: exit 1, the message names the time and the node, the table,
    the Parquet table and the report hold the states up to then."""
    prof = tmp_path / "p.csv"
    pd.DataFrame({"time_h": [0, 1], "exit01.inflow_kg_s": [-60, -2000]}).to_csv(prof, index=False)
    for out in (tmp_path / "out.csv", tmp_path / "out.parquet"):
        rc, stdout, err = _cli(capsys, "transient", *GASLIB11, "--profile", prof, "--hours", 6,
                               "--output-dt", "5min", "--output", out, "--report", tmp_path / "r.html")
        assert rc == 1
        assert "physics breakdown at t = 0.1302 h" in err and "near sink 'exit01'" in err
        assert "Traceback" not in err and "breakdown" in stdout
        tab = pd.read_csv(out, index_col=0) if out.suffix == ".csv" else pd.read_parquet(out)
        assert 2 <= len(tab) and tab.index[-1] < 6 * 3600
        assert (tmp_path / "r.html").stat().st_size > 0


def test_violations_lead_the_summary_and_fail_on_violation(tmp_path, capsys):
    """A run that breaks a limit is no clean success: the violations lead the summary with
    their first times; --fail-on-violation exits 1 after writing the output."""
    prof = tmp_path / "p.csv"
    pd.DataFrame({"time_h": [0, 1], "exit01.inflow_kg_s": [-60, -85]}).to_csv(prof, index=False)
    argv = ["transient", *GASLIB11, "--profile", prof, "--hours", 2, "--dt", "10min"]
    rc, stdout, err = _cli(capsys, *argv)
    assert rc == 0, err
    lines = stdout.splitlines()
    assert lines[0] == "1 limit violation(s), earliest first:"
    # GasLib-11's exit01 has a 40 bar minimum (GasLib-11.net)
    assert lines[1].strip().startswith("- node 'exit01': p_min 40 bar first violated at t = ")
    assert "completed; 1 limit(s) violated" in " ".join(stdout.split())
    out = tmp_path / "out.csv"
    rc, _, err = _cli(capsys, *argv, "--fail-on-violation", "--output", out)
    assert rc == 1 and "--fail-on-violation" in err and out.exists()


def test_progress_bar_on_a_terminal(monkeypatch, tmp_path, capsys):
    """On a terminal the run shows a rich progress bar once it has taken longer than
    _PROGRESS_AFTER_S (here set to 0 so that a short run shows it); off a terminal none."""
    import io

    from rich.console import Console

    import linepack.cli as cli

    term = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=term, force_terminal=True, width=100,
                                            markup=False, highlight=False))
    monkeypatch.setattr(cli, "_PROGRESS_AFTER_S", 0.0)
    rc, _, _ = _cli(capsys, "transient", *GASLIB11, "--hours", 3, "--dt", "10min")
    assert rc == 0
    shown = term.getvalue()
    assert "simulating" in shown and "100%" in shown
    plain = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=plain, force_terminal=False, markup=False))
    rc, _, _ = _cli(capsys, "transient", *GASLIB11, "--hours", 3, "--dt", "10min")
    assert rc == 0 and "simulating" not in plain.getvalue()
