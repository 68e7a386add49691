"""The transient HTML report: one self-contained file with the chosen nodes' pressures over time,
the linepack series and the violations; ``linepack transient --report`` writes it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import linepack
from linepack.cli import main
from linepack.report.transient import (
    LINEPACK_DIV_ID,
    POWER_DIV_ID,
    PRESSURE_DIV_ID,
    default_report_nodes,
    write_transient_report,
)

_G11 = Path(__file__).resolve().parents[1] / "data" / "gaslib" / "GasLib-11"
NET, SCN = _G11 / "GasLib-11.net", _G11 / "GasLib-11.scn"


@pytest.fixture(scope="module")
def run():
    """GasLib-11 for 3 h with an evening-like step in exit01's withdrawal (drafts the pipes)."""
    case = linepack.open_case(str(NET), str(SCN))
    prof = pd.DataFrame({"time_h": [0, 1, 3], "exit01.inflow_kg_s": [-60, -75, -60]})
    res = linepack.simulate_transient(case.network, case.scenario, case.controls,
                                      duration=3 * 3600.0, dt="10min", profile=prof)
    assert res.completed
    return case, res


def _figure(html: str, div_id: str) -> list[dict]:
    """The traces plotly.newPlot receives for the div ``div_id`` (parsed from the page)."""
    call = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', html)
    assert call, f"no plot for {div_id}"
    data, _ = json.JSONDecoder().raw_decode(html, call.end())
    return data


def test_report_is_self_contained_with_nodes_and_linepack(run, tmp_path):
    _, res = run
    path = write_transient_report(res, tmp_path / "t.html", ["exit01", "entry01"])
    html = path.read_text(encoding="utf-8")
    assert path == tmp_path / "t.html"
    assert not re.search(r"<script[^>]+src=", html)          # plotly inlined, nothing fetched
    assert "http://" not in html.split("<script", 2)[0] and "default-src 'none'" in html
    assert not list(tmp_path.glob("*.tmp*"))                 # atomic: no temporary left
    pressure = {t["name"]: t for t in _figure(html, PRESSURE_DIV_ID)}
    assert set(pressure) == {"exit01", "entry01"}
    assert pressure["exit01"]["y"] == pytest.approx(res.pressure_bar["exit01"].tolist(), rel=1e-12)
    lp = _figure(html, LINEPACK_DIV_ID)[0]
    assert lp["y"] == pytest.approx(res.totals["linepack_mcm"].tolist(), rel=1e-12)
    assert lp["x"] == pytest.approx([0.0, 1.0, 2.0, 3.0])


def test_default_nodes_held_lowest_and_exits(run):
    _, res = run
    nodes = default_report_nodes(res)
    use = res.inflow_kg_s.abs().mean()
    held = sorted((n for n, h in zip(res.final_state["nodes"], res.final_state["held"])
                   if h and use[n] > 0), key=lambda n: -use[n])
    assert held
    assert nodes[: min(2, len(held))] == held[:2]
    assert res.pressure_bar.min().idxmin() in nodes
    assert "exit01" in nodes and 1 <= len(nodes) <= 6 and len(set(nodes)) == len(nodes)


def test_unknown_node_and_missing_folder_are_input_errors(run, tmp_path):
    _, res = run
    with pytest.raises(linepack.InputError, match="node 'nowhere' is not in the result"):
        write_transient_report(res, tmp_path / "t.html", ["exit01", "nowhere"])
    with pytest.raises(linepack.InputError, match="does not exist"):
        write_transient_report(res, tmp_path / "no" / "t.html")
    assert not (tmp_path / "t.html").exists()


def test_chosen_pipes_linepack_and_station_power(run, tmp_path):
    """linepack_pipes adds the summed linepack of those pipes (mcm at 0 °C, the total's own
    conversion); the power section draws the stations that compress (GasLib-11's station,
    read from the result's table) or the chosen ones; unknown ids are named."""
    _, res = run
    pipes = [c for c in res.linepack_kg.columns][:2]
    html = write_transient_report(res, tmp_path / "t.html", ["exit01"], linepack_pipes=pipes,
                                  linepack_label="two pipes").read_text(encoding="utf-8")
    total, part = _figure(html, LINEPACK_DIV_ID)[:2]
    kg_per_mcm = res.totals["linepack_kg"].iloc[0] / res.totals["linepack_mcm"].iloc[0]
    assert part["name"] == "two pipes"
    assert part["y"] == pytest.approx((res.linepack_kg[pipes].sum(axis=1) / kg_per_mcm).tolist(),
                                      rel=1e-12)
    compressing = [c for c in res.station_power_mw.columns
                   if (res.station_power_mw[c].fillna(0) > 0).any()]
    assert compressing
    power = {t["name"]: t for t in _figure(html, POWER_DIV_ID)}
    assert set(power) == set(compressing)
    c = compressing[0]
    assert power[c]["y"] == pytest.approx(res.station_power_mw[c].fillna(0).tolist(), rel=1e-12)
    with pytest.raises(linepack.InputError, match="linepack_pipes: 'nope' is not in the result"):
        write_transient_report(res, tmp_path / "u.html", linepack_pipes=["nope"])
    with pytest.raises(linepack.InputError, match="stations: 'CSX' is not in the result"):
        write_transient_report(res, tmp_path / "u.html", stations=["CSX"])
    assert not (tmp_path / "u.html").exists()


def test_cli_report(tmp_path, capsys):
    out = tmp_path / "r.html"
    rc = main(["transient", str(NET), "-s", str(SCN), "--hours", "2", "--dt", "20min",
               "--report", str(out), "--report-nodes", "exit02,entry01"])
    got = capsys.readouterr()
    assert rc == 0, got.err
    assert "report written" in got.out
    html = out.read_text(encoding="utf-8")
    assert {t["name"] for t in _figure(html, PRESSURE_DIV_ID)} == {"exit02", "entry01"}
    # a missing folder is refused before the run (exit 2, nothing written)
    rc = main(["transient", str(NET), "-s", str(SCN), "--hours", "2",
               "--report", str(tmp_path / "none" / "r.html")])
    err = " ".join(capsys.readouterr().err.split())
    assert rc == 2 and "does not exist" in err and "Traceback" not in err
