"""`linepack expand central-asia`: the gasification options' least-cost expansion.

Expected values: the capex per km of the candidates is the calibration of
``A_COST_PIPE_PER_MM_KM`` (cost ∝ OD × length) on the one published cost with its diameters —
Saryarka II+III, 182.1 bn KZT (2025) for 276 km of 630 mm and 177 km of 426 mm
[pipelines.csv SARYARKA/phases II+III/cost] at 500 KZT/USD (``A_KZT_USD``); the stations per MW
from the published phase IV cost, 180.7 bn KZT for 2 × 16 MW (``A_COST_CS_PER_MW``). The
least-cost design is checked against an independent method: each design simulated
(linepack.simulate, every limit held) and costed — the enumeration.
"""

import math

import pytest

import linepack
from linepack.problems.capacity import check_limits
from linepack.problems.expansion import plan_expansion

KZT_USD = 500.0


@pytest.fixture(scope="module")
def case():
    return linepack.load_case("central-asia")


@pytest.fixture(scope="module")
def expansion(case):
    return case.network.meta["options_compared"]["expansion"]


def test_candidates_carry_labelled_costs(case, expansion):
    """Every diameter and size has a capex range (low ≤ central ≤ high), a source and a
    confidence; the costs name their assumption; the demand scenarios are A_GASIF_DEMAND."""
    ids = {a["id"] for a in case.network.meta.get("assumptions", [])} or None
    for o in expansion["options"]:
        for r in o["routes"]:
            for d in r["diameters"]:
                c = d["capex_musd_per_km"]
                assert 0 < c["low"] <= c["central"] <= c["high"], (o["id"], r["id"], d)
                assert d["source"] and d["confidence"]
        for s in o.get("stations", []):
            for z in s["sizes"]:
                c = z["capex_musd_per_mw"]
                assert 0 < c["low"] <= c["central"] <= c["high"]
                assert z["source"] and z["confidence"]
    src = expansion["costs"]["sources"]
    for k in ("discount_rate", "life_years", "opex_share_pipe", "opex_share_station",
              "fuel_price_usd_per_1000m3_20c"):
        assert k in expansion["costs"] and src[k].startswith("A_")
        if ids:
            assert src[k] in ids
    assert expansion["demand_scenarios"] == {"low": 0.7, "central": 1.0, "high": 1.4}


def test_capex_per_km_is_the_published_calibration(expansion):
    """630 mm × 276 km + 426 mm × 177 km at the central capex per km = the published
    182.1 bn KZT; a 16 MW station costs 180.7 bn KZT / 32 MW × 16 MW."""
    a = next(o for o in expansion["options"] if o["id"] == "A")
    per = {r["id"]: {d["od_mm"]: d["capex_musd_per_km"]["central"] for d in r["diameters"]}
           for r in a["routes"]}
    total = per["Saryarka II"][630] * 276 + per["Saryarka III"][426] * 177
    assert total == pytest.approx(182.1e3 / KZT_USD, rel=1e-3)
    mw = a["stations"][0]["sizes"][0]["capex_musd_per_mw"]["central"]
    assert mw == pytest.approx(180.7e3 / KZT_USD / 32.0, rel=1e-3)


@pytest.mark.slow
def test_east_least_cost_design_is_verified_and_agrees_with_the_enumeration(case, expansion):
    """Option C (Altai) at the central demand: the optimiser's design is the enumeration's
    cheapest feasible one, and simulating it again here holds every limit."""
    pytest.importorskip("pyscipopt", reason="expansion planning needs SCIP (the 'minlp' extra)")
    opt = next(o for o in expansion["options"] if o["id"] == "C")
    costs = {k: v for k, v in expansion["costs"].items() if k not in ("sources", "confidence")}
    costs["drive_efficiency"] = case.network.meta["station_drive_efficiency"]
    res = plan_expansion(case, opt, {"central": 1.0}, costs=costs, enumerate_designs=True,
                         friction="nikuradse", eos="papay")
    assert res.verified and res.status == "optimal"
    assert res.enumeration_agrees is True
    best = res.enumeration[res.enumeration["feasible"]].iloc[0]
    assert best["design"] == ", ".join(f"{k}: {v}" for k, v in res.design.items())
    # independent re-simulation of the chosen design
    net = case.network
    conns = net.connections.copy()
    by_route = {r["id"]: r for r in opt["routes"]}
    for rid, label in res.design.items():
        d = next(x for x in by_route[rid]["diameters"] if x["label"] == label)
        conns.loc[by_route[rid]["pipes"], "diameter_m"] = d["diameter_mm"] / 1e3
    built = net.evolve(connections=conns)
    result = linepack.simulate(built, case.scenarios["gasification-altai"],
                               case.controls_for("gasification-altai"), friction="nikuradse", eos="papay")
    assert check_limits(built, result) == []
    p = result.nodes.loc[["semey", "oskemen", "pavlodar"], "p_bar"]
    assert float(p.min()) == pytest.approx(float(res.table["p_min_bar"].iloc[0]), abs=1e-6)
    assert math.isfinite(res.annual_cost_musd) and res.annual_cost_musd > 0
