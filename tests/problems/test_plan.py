"""problems.plan: candidate steps to a transit target on a small corridor.

The corridor: S (60 bar held) — pipe A (150 km) — station CS — pipe B (150 km) — X (exit,
p_min 40 bar), with a parallel pipe L beside B behind valve V. Candidates: switch CS on
(outlet 60 bar), open V. Expected values come from independent transit_capacity runs of the
same configurations, and from the ordering the costs imply.
"""

import math

import pytest

import linepack
from linepack.problems.plan import apply_candidate, stations_needed, transit_plan

CASE = {
    "linepack": 1, "name": "plan-corridor",
    "gas": {"normal_density": 0.73},
    "nodes": [
        {"id": "S", "kind": "source", "p_max_bar": 60.5, "p_min_bar": 1},
        {"id": "M_in", "kind": "innode", "p_max_bar": 60.5, "p_min_bar": 30},
        {"id": "M_out", "kind": "innode", "p_max_bar": 60.5, "p_min_bar": 30},
        {"id": "L_head", "kind": "innode", "p_max_bar": 60.5, "p_min_bar": 1},
        {"id": "X", "kind": "sink", "p_max_bar": 60.5, "p_min_bar": 40},
    ],
    "connections": [
        {"id": "A", "kind": "pipe", "from": "S", "to": "M_in", "length_km": 150,
         "diameter_mm": 900, "roughness_mm": 0.02},
        {"id": "CS", "kind": "compressorStation", "from": "M_in", "to": "M_out",
         "p_out_max_bar": 60.5, "power_max_mw": 40, "ratio_max": 1.6, "efficiency": 0.8},
        {"id": "B", "kind": "pipe", "from": "M_out", "to": "X", "length_km": 150,
         "diameter_mm": 900, "roughness_mm": 0.02},
        {"id": "V", "kind": "valve", "from": "M_out", "to": "L_head"},
        {"id": "L", "kind": "pipe", "from": "L_head", "to": "X", "length_km": 150,
         "diameter_mm": 900, "roughness_mm": 0.02},
    ],
    "scenarios": {"base": {"controls": "base", "temperature_k": 283.15,
                           "nodes": [{"id": "S", "p_fixed_bar": 60}, {"id": "X", "inflow_mcm_d": -10}]}},
    "controls": {"base": {"CS": {"mode": "bypass"}, "V": {"mode": "closed"}}},
}
CS_ON = {"id": "cs", "action": "station on", "kind": "station",
         "controls": {"CS": {"mode": "active", "p_out_bar": 60}},
         "capex_musd": {"low": 5, "central": 10, "high": 20}}
LOOP = {"id": "loop", "action": "open the loop", "kind": "loop",
        "controls": {"V": {"mode": "open"}}, "capex_musd": {"low": 50, "central": 100, "high": 200}}


@pytest.fixture(scope="module")
def case():
    return linepack.parse_native(CASE)


def _cap(net, scn, ctl):
    return linepack.transit_capacity(net, scn, ctl, entry="S", exit="X", rtol=1e-3).max_mcm_d


def test_apply_candidate_changes_what_it_says(case):
    """Controls, node fields (bar → Pa) and scenario entries are applied; the rest is unchanged."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    cand = {"id": "x", "controls": {"CS": {"mode": "active", "p_out_bar": 58}},
            "nodes": {"X": {"p_min_bar": 41}}, "scenario_nodes": {"S": {"p_fixed_bar": 59}}}
    n2, s2, c2 = apply_candidate(net, scn, ctl, cand)
    assert c2.table.at["CS", "mode"] == "active" and c2.table.at["CS", "setpoint"] == "p_out"
    assert c2.table.at["CS", "value"] == pytest.approx(58e5)
    assert n2.nodes.at["X", "p_min_pa"] == pytest.approx(41e5)
    assert s2.nodes.at["S", "p_fixed_pa"] == pytest.approx(59e5)
    assert ctl.table.at["CS", "mode"] == "bypass"          # the inputs are not modified
    with pytest.raises(linepack.InputError, match="unknown connection 'CX'"):
        apply_candidate(net, scn, ctl, {"id": "y", "controls": {"CX": {"mode": "open"}}})


def test_plan_steps_match_independent_capacity_runs(case):
    """Each step's capacity equals transit_capacity of the cumulative configuration; with the
    station cheaper per mcm/d gained it comes first; the binding limit is recorded."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    base = _cap(net, scn, ctl)
    with_cs = _cap(*apply_candidate(net, scn, ctl, CS_ON))
    both = _cap(*apply_candidate(*apply_candidate(net, scn, ctl, CS_ON), LOOP))
    assert base < with_cs < both
    res = transit_plan(net, scn, ctl, [LOOP, CS_ON], entry="S", exit="X",
                       target_mcm_d=both * 0.999, rtol=1e-3)
    assert res.base_mcm_d == pytest.approx(base, rel=3e-3)
    assert list(res.steps["id"]) == ["cs", "loop"]
    assert res.steps["capacity_mcm_d"].tolist() == pytest.approx([with_cs, both], rel=3e-3)
    assert res.steps["total_capex_musd_central"].tolist() == [10, 110]
    assert res.steps["total_capex_musd_high"].tolist() == [20, 220]
    assert res.reached
    assert all(res.steps["binding"].str.len() > 0)
    assert set(res.screen["id"]) == {"cs", "loop"}


def test_plan_stops_at_the_target_and_says_when_it_cannot_reach_it(case):
    """A target the first step meets takes one step; an unreachable one is reported, not faked."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    with_cs = _cap(*apply_candidate(net, scn, ctl, CS_ON))
    one = transit_plan(net, scn, ctl, [LOOP, CS_ON], entry="S", exit="X",
                       target_mcm_d=with_cs * 0.99, rtol=1e-3)
    assert len(one.steps) == 1 and one.reached
    far = transit_plan(net, scn, ctl, [LOOP, CS_ON], entry="S", exit="X",
                       target_mcm_d=with_cs * 10, rtol=1e-3)
    assert not far.reached and len(far.steps) == 2


def test_plan_rank_by_capacity_takes_the_largest_gain_first(case):
    """rank='capacity' ignores cost: the candidate with the larger stand-alone gain comes first."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    res = transit_plan(net, scn, ctl, [LOOP, CS_ON], entry="S", exit="X",
                       target_mcm_d=1e6, rank="capacity", rtol=1e-3)
    first = res.screen.sort_values("gain_mcm_d", ascending=False)["id"].iloc[0]
    assert res.steps["id"].iloc[0] == first
    with pytest.raises(linepack.InputError, match="rank"):
        transit_plan(net, scn, ctl, [LOOP], entry="S", exit="X", target_mcm_d=1, rank="cheap")


def test_stations_needed_finds_the_smallest_set(case):
    """Below the bypass capacity no station is needed; between it and the compressed capacity the
    station is; above the compressed capacity nothing carries it and the limit is named."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    base = _cap(net, scn, ctl)
    with_cs = _cap(*apply_candidate(net, scn, ctl, CS_ON))
    r0 = stations_needed(net, scn, ctl, [CS_ON], exit="X", flow_mcm_d=0.9 * base)
    assert r0["feasible"] and r0["stations"] == []
    r1 = stations_needed(net, scn, ctl, [CS_ON], exit="X", flow_mcm_d=0.5 * (base + with_cs),
                         drive_efficiency=0.3, net_calorific_value=36e6)
    assert r1["feasible"] and r1["stations"] == ["cs"] and r1["fuel_mcm_d"] > 0
    r2 = stations_needed(net, scn, ctl, [CS_ON], exit="X", flow_mcm_d=1.05 * with_cs)
    assert not r2["feasible"] and r2["binding"] and math.isnan(r2["fuel_mcm_d"])


def test_plan_lifecycle_rank_counts_the_fuel(case):
    """rank='lifecycle': a station that burns fuel costs its capex plus years × its fuel cost, so
    with a high enough fuel price the fuel-free loop comes first although its capex is 10× the
    station's; without a price the rank is refused."""
    net, scn, ctl = case.network, case.scenarios["base"], case.control_set("base")
    kw = dict(entry="S", exit="X", target_mcm_d=1e6, rtol=1e-3, max_steps=1,
              drive_efficiency=0.3, net_calorific_value=36e6)
    cheap_fuel = transit_plan(net, scn, ctl, [LOOP, CS_ON], rank="lifecycle",
                              fuel_price_usd_per_1000m3=1e-6, **kw)
    dear_fuel = transit_plan(net, scn, ctl, [LOOP, CS_ON], rank="lifecycle",
                             fuel_price_usd_per_1000m3=1e5, years=30, **kw)
    assert cheap_fuel.steps["id"].iloc[0] == "cs"
    assert dear_fuel.steps["id"].iloc[0] == "loop"
    assert dear_fuel.steps["fuel_musd_y"].iloc[0] == 0.0
    with pytest.raises(linepack.InputError, match="lifecycle"):
        transit_plan(net, scn, ctl, [LOOP], entry="S", exit="X", target_mcm_d=1, rank="lifecycle")
