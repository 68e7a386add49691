"""The flagship day (``linepack.transient_day``): the corridor's 24 h with the Uzbek demand swing
and the loss of entry supply conserves mass, follows its stated assumptions, and prints the
figures docs/transient.md quotes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import linepack
from linepack import transient_day as td

DOC = Path(__file__).resolve().parents[2] / "docs" / "transient.md"


@pytest.fixture(scope="module")
def day():
    return td.run_corridor_day()


def test_profile_is_the_stated_assumption():
    """±15 % around the mean, peak in the 19:00 hour, daily mean kept, supply lost at 06:00."""
    prof = td.corridor_day_profile(100.0)
    demand = -prof[f"{td.BORDER}.inflow_kg_s"].to_numpy()
    supply = prof[f"{td.ENTRY}.inflow_kg_s"].to_numpy()
    assert demand[:24].mean() == pytest.approx(100.0, rel=1e-12)
    assert demand.max() == pytest.approx(115.0) and int(np.argmax(demand)) == 19
    assert demand.min() == pytest.approx(85.0) and int(np.argmin(demand)) == 7
    assert np.array_equal(supply[:6], demand[:6]) and not supply[6:].any()


def test_day_conserves_mass_and_crosses_the_border_minimum(day):
    res = day.result
    assert res.completed
    tot = res.totals
    dlp = tot["linepack_kg"].iloc[-1] - tot["linepack_kg"].iloc[0]
    assert tot["inflow_cumulative_kg"].iloc[-1] == pytest.approx(dlp, rel=1e-9)
    assert day.mass_balance_error < 1e-9
    # the border minimum is the network's bound, and the output table agrees with the first time
    case = linepack.load_case(td.CASE)
    assert day.border_p_limit_bar == pytest.approx(case.network.nodes.loc[td.BORDER, "p_min_pa"] / 1e5)
    p = res.pressure_bar[td.BORDER]
    hours = p.index.to_numpy() / 3600.0
    assert day.limit_time_h is not None and day.buffer_h == pytest.approx(day.limit_time_h - td.TRIP_HOUR)
    assert (p[hours < day.limit_time_h] >= day.border_p_limit_bar).all()
    assert (p[hours >= day.limit_time_h + 0.25] < day.border_p_limit_bar).all()
    # after the loss of supply the network only drafts: its linepack falls at every output time
    lp = tot["linepack_mcm"][hours >= td.TRIP_HOUR + 0.25].to_numpy()
    assert (np.diff(lp) < 0).all()


def test_docs_quote_what_the_run_prints(day):
    """Every line the run prints (but the mass-balance round-off) is in docs/transient.md."""
    text = DOC.read_text(encoding="utf-8")
    lines = td.format_corridor_day(day).splitlines()
    assert len(lines) == 6
    for line in lines[:-1]:
        assert line in text, line
    assert "mass balance error:" in text


def test_default_report_nodes_of_the_day(day):
    """The report's default nodes: the busy held head, the border (lowest), the largest exits;
    the idle Altai island's held head (no flow) is left out."""
    from linepack.report.transient import default_report_nodes

    nodes = default_report_nodes(day.result)
    assert nodes[0] == "beineu_bbs" and td.BORDER in nodes and "barnaul" not in nodes
    assert len(nodes) == 6
