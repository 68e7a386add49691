"""problems.expansion: least-cost choice of candidate diameters and stations (MINLP, verified).

Where the expected values come from:

* the single line: by hand. Ideal gas (Z = 1), Nikuradse's rough-pipe friction
  λ = (2·log10(3.71·D/ε))⁻², flat isothermal pipe p_S² − p_A² = 16·λ·L·R·T/(π²·D⁵)·q²
  (e.g. Menon, *Gas Pipeline Hydraulics*, 2005, ch. 2), R = R_u/M with M from the normal
  density (ideal gas at 0 °C, 1.01325 bar). The largest flow of each diameter with p_A ≥ 40 bar
  follows; the least-cost design is the cheapest diameter that carries the demand; its annual
  cost is capex × r/(1 − (1 + r)^−n).
* the line with a station: which designs hold every limit is decided by linepack.simulate of
  each design (a Newton solve, no optimisation: the enumeration), and the cheaper of
  "bigger pipe" and "smaller pipe + station" follows from the costs given.
"""

from __future__ import annotations

import copy
import json
import math

import pytest

import linepack
from linepack.cli import main
from linepack.problems.expansion import annuity_factor, plan_expansion

pytest.importorskip("pyscipopt", reason="expansion planning needs SCIP (the 'minlp' extra)")

P_N, T_N, R_U = 101325.0, 273.15, 8.314462618
RHO_N = 0.73
L_M, EPS, T = 100e3, 2e-5, 283.15
P_S, P_MIN = 60e5, 40e5

LINE = {
    "linepack": 1, "name": "expand-line",
    "gas": {"normal_density": RHO_N},
    "nodes": [
        {"id": "S", "kind": "source", "p_max_bar": 60.5, "p_min_bar": 1},
        {"id": "A", "kind": "sink", "p_max_bar": 60.5, "p_min_bar": 40},
    ],
    "connections": [
        {"id": "R", "kind": "pipe", "from": "S", "to": "A", "length_km": 100,
         "diameter_mm": 400, "roughness_mm": 0.02},
    ],
    "scenarios": {"base": {"temperature_k": T,
                           "nodes": [{"id": "S", "p_fixed_bar": 60}, {"id": "A", "inflow_kg_s": -20}]}},
}
PRICES = {300: 0.6, 400: 0.8, 500: 1.0}        # capex, M USD per km
LINE_CAND = {"id": "line", "scenario": "base", "demand_nodes": ["A"],
             "routes": [{"id": "R", "pipes": ["R"], "diameters": [
                 {"diameter_mm": d, "capex_musd_per_km": c} for d, c in PRICES.items()]}]}
COSTS = {"discount_rate": 0.08, "life_years": 30}
KW = {"friction": "nikuradse", "eos": "ideal"}


def hand_k(d_m: float) -> float:
    """p_S² − p_A² = k·q² [Pa²/(kg/s)²], by hand (module notes)."""
    lam = (2.0 * math.log10(3.71 * d_m / EPS)) ** -2
    r_gas = R_U / (RHO_N * R_U * T_N / P_N)
    return 16.0 * lam * L_M * r_gas * T / (math.pi ** 2 * d_m ** 5)


def hand_q_max(d_m: float) -> float:
    return math.sqrt((P_S ** 2 - P_MIN ** 2) / hand_k(d_m))


@pytest.fixture(scope="module")
def line():
    return linepack.parse_native(copy.deepcopy(LINE))


def test_hand_numbers_bracket_the_demands():
    """The demands of the test sit well inside the hand brackets (a 1 % error in R or λ cannot
    move a choice): 300 mm carries ≈13.7 kg/s, 400 mm ≈28.9, 500 mm ≈52."""
    q = {d: hand_q_max(d / 1e3) for d in PRICES}
    assert q[300] < 0.8 * 20 and 20 < 0.8 * q[400]
    assert q[400] < 0.9 * 35 and 35 < 0.8 * q[500]


@pytest.mark.parametrize("demand, expected", [({"design": 1.0}, 400), ({"high": 1.75}, 500),
                                              ({"design": 1.0, "high": 1.75}, 500)])
def test_line_takes_the_cheapest_diameter_that_carries_every_demand(line, demand, expected):
    res = plan_expansion(line, LINE_CAND, demand, costs=COSTS, enumerate_designs=True,
                         capacity=True, **KW)
    assert res.verified and res.status == "optimal"
    assert res.design == {"R": f"{expected} mm"}
    capex = PRICES[expected] * 100.0
    crf = 0.08 / (1.0 - 1.08 ** -30)
    assert res.capex_musd["central"] == pytest.approx(capex)
    assert res.annual_cost_musd == pytest.approx(capex * crf, rel=1e-9)
    assert res.enumeration_agrees is True
    # the delivery pressure of the design, by hand (ideal gas, rough-pipe λ)
    for _, row in res.table.iterrows():
        q = 20.0 * row["factor"]
        p_hand = math.sqrt(P_S ** 2 - hand_k(expected / 1e3) * q * q) / 1e5
        assert row["p_min_bar"] == pytest.approx(p_hand, rel=2e-3)
        assert row["p_min_bar"] >= 40.0
        # capacity: the hand's largest flow with p_A ≥ 40 bar, over this row's demand (bisection 1 %)
        assert row["capacity_factor"] == pytest.approx(hand_q_max(expected / 1e3) / q, rel=1.5e-2)
        assert row["capacity_factor"] <= hand_q_max(expected / 1e3) / q * 1.002


def test_annuity_factor_by_hand():
    # 8 %, 30 years: 0.08 / (1 − 1.08⁻³⁰) = 0.088827 (standard capital recovery factor tables)
    assert annuity_factor(0.08, 30) == pytest.approx(0.0888274, abs=1e-6)
    assert annuity_factor(0.0, 20) == pytest.approx(0.05)


STATION = {
    "linepack": 1, "name": "expand-station",
    "gas": {"normal_density": RHO_N},
    "nodes": [
        {"id": "S", "kind": "source", "p_max_bar": 60.5, "p_min_bar": 1},
        {"id": "M_in", "kind": "innode", "p_max_bar": 60.5, "p_min_bar": 20},
        {"id": "M_out", "kind": "innode", "p_max_bar": 60.5, "p_min_bar": 20},
        {"id": "X", "kind": "sink", "p_max_bar": 60.5, "p_min_bar": 40},
    ],
    "connections": [
        {"id": "A", "kind": "pipe", "from": "S", "to": "M_in", "length_km": 100,
         "diameter_mm": 400, "roughness_mm": 0.02},
        {"id": "CS", "kind": "compressorStation", "from": "M_in", "to": "M_out",
         "p_out_max_bar": 60.5, "power_max_mw": 20, "ratio_max": 2.0, "efficiency": 0.8},
        {"id": "B", "kind": "pipe", "from": "M_out", "to": "X", "length_km": 100,
         "diameter_mm": 400, "roughness_mm": 0.02},
    ],
    "scenarios": {"base": {"temperature_k": T, "controls": "base",
                           "nodes": [{"id": "S", "p_fixed_bar": 60}, {"id": "X", "inflow_kg_s": -25}]}},
    "controls": {"base": {"CS": {"mode": "active", "p_out_bar": 60}}},
}


def station_cand(cs_per_mw: float) -> dict:
    return {"id": "st", "scenario": "base", "demand_nodes": ["X"],
            "routes": [{"id": "A", "pipes": ["A"], "diameters": [
                {"diameter_mm": d, "capex_musd_per_km": c} for d, c in ((400, 0.8), (500, 1.0))]}],
            "stations": [{"id": "CS", "stations": ["CS"], "sizes": [
                {"power_mw": mw, "capex_musd_per_mw": cs_per_mw} for mw in (1.0, 10.0)]}]}


@pytest.mark.parametrize("cs_per_mw, expected", [
    # station 10 MW at 0.5 M USD/MW = 5 M USD < 20 M USD for 100 km of 500 instead of 400 mm
    (0.5, {"A": "400 mm", "CS": "1 × 10 MW"}),
    # station at 3 M USD/MW = 30 M USD > 20 M USD: the bigger pipe
    (3.0, {"A": "500 mm", "CS": "none"}),
])
def test_station_or_bigger_pipe_agrees_with_the_enumeration(cs_per_mw, expected):
    """Of the six designs, simulate finds: 400 mm without a station fails (25 kg/s through
    200 km of 400 mm: p_X ≈ 7 bar by hand, far below 40), the 1 MW station is beyond its power
    with 400 mm, 10 MW carries it; 500 mm carries it alone. The costs pick one of the two."""
    case = linepack.parse_native(copy.deepcopy(STATION))
    res = plan_expansion(case, station_cand(cs_per_mw), None, costs={**COSTS, "opex_share_station": 0.0},
                         enumerate_designs=True, **KW)
    assert res.verified
    assert res.design == expected
    assert res.enumeration_agrees is True
    en = res.enumeration.set_index("design")
    assert not en.loc["A: 400 mm, CS: none", "feasible"]
    assert not en.loc["A: 400 mm, CS: 1 × 1 MW", "feasible"]
    assert en.loc["A: 400 mm, CS: 1 × 10 MW", "feasible"]
    assert en.loc["A: 500 mm, CS: none", "feasible"]


@pytest.mark.parametrize("change, words", [
    (lambda c: c["routes"][0].update(pipes=["Rx"]), ["'Rx'", "not a pipe"]),
    (lambda c: c["routes"][0].update(pipes=None, from_node="S", to_node="Q", length_km=5),
     ["to_node 'Q'", "not a node"]),
    (lambda c: c["routes"][0]["diameters"][1].update(capex_musd_per_km=-0.8), ["capex", "≥ 0", "-0.8"]),
    (lambda c: c.update(demand_nodes=["Z"]), ["unknown node 'Z'"]),
    (lambda c: c.update(scenario="nope"), ["unknown scenario 'nope'"]),
])
def test_bad_candidates_are_named(line, change, words):
    cand = copy.deepcopy(LINE_CAND)
    change(cand)
    with pytest.raises(linepack.InputError) as exc:
        plan_expansion(line, cand, costs=COSTS, **KW)
    for w in words:
        assert w in str(exc.value)


def test_new_route_between_nodes_is_built(line):
    """A new pipe S → A beside the existing one: it may stay unbuilt (optional) when the
    existing 400 mm line carries the demand alone — the cheapest design builds nothing."""
    cand = {"id": "loop", "scenario": "base", "demand_nodes": ["A"],
            "routes": [{"id": "loop", "from_node": "S", "to_node": "A", "length_km": 100,
                        "required": False,
                        "diameters": [{"diameter_mm": 300, "capex_musd_per_km": 0.6}]}]}
    res = plan_expansion(line, cand, {"design": 1.0}, costs=COSTS, enumerate_designs=True, **KW)
    assert res.design == {"loop": "none"} and res.verified and res.enumeration_agrees
    # at 1.75 × demand (35 kg/s) 400 mm alone fails (hand bracket above); 400 ∥ 300 carries it
    res = plan_expansion(line, cand, {"high": 1.75}, costs=COSTS, enumerate_designs=True, **KW)
    assert res.design == {"loop": "300 mm"} and res.verified and res.enumeration_agrees


def _cli(capsys, *argv):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return rc, got.out, got.err


def _case_file(tmp_path, cand):
    doc = copy.deepcopy(LINE)
    doc["meta"] = {"options_compared": {"expansion": {
        "costs": COSTS, "demand_scenarios": {"central": 1.0}, "options": [cand]}}}
    path = tmp_path / "line.json"
    path.write_text(json.dumps(doc))
    return path


def test_cli_expand_prints_the_choice_and_the_cross_check(capsys, tmp_path):
    cand = {**copy.deepcopy(LINE_CAND), "family": "line"}
    report = tmp_path / "expand.html"
    rc, out, err = _cli(capsys, "expand", _case_file(tmp_path, cand), "--friction", "nikuradse",
                        "--eos", "ideal", "--report", report)
    assert rc == 0, err
    assert "400" in out and "│ yes" in out      # the table wraps at the console width
    html = report.read_text()
    assert "R: 400 mm" in html and "optimal" in html and "every design simulated" in html


def test_cli_expand_table_fits_the_console(capsys, tmp_path, monkeypatch):
    """An 80-column console gets the columns that answer the question (design, cost, capacity,
    lowest pressure, agreement) and says how to see the rest; a wide one gets every column."""
    cand = {**copy.deepcopy(LINE_CAND), "family": "line"}
    args = ("expand", _case_file(tmp_path, cand), "--friction", "nikuradse", "--eos", "ideal")
    from linepack import cli

    # the console's width (rich fixes it from COLUMNS when the module is imported, else reads
    # the terminal each time): set on the console itself, restored afterwards
    monkeypatch.setattr(cli.out, "_width", 80)
    rc, out, err = _cli(capsys, *args)
    assert rc == 0, err
    assert "M USD/y" in out and "agree" in out and "enumeration" not in out.split("(a console")[0]
    assert "7 of the 14 columns" in out
    assert max(len(line) for line in out.splitlines() if "│" in line) <= 80
    monkeypatch.setattr(cli.out, "_width", 240)
    rc, out, err = _cli(capsys, *args)
    assert rc == 0, err
    assert "enumeration" in out and "capex" in out and "columns shows" not in out


def test_cli_expand_bad_cost_exits_2_without_output(capsys, tmp_path):
    cand = copy.deepcopy(LINE_CAND)
    cand["routes"][0]["diameters"][0]["capex_musd_per_km"] = -1
    report = tmp_path / "expand.html"
    rc, out, err = _cli(capsys, "expand", _case_file(tmp_path, cand), "--report", report)
    assert rc == 2
    assert "capex" in err and "≥ 0" in err and "Traceback" not in err
    assert not report.exists()
    rc, out, err = _cli(capsys, "expand", _case_file(tmp_path, LINE_CAND), "--option", "Z")
    assert rc == 2 and "unknown option 'Z'" in err


def test_local_check_replaces_a_design_the_programme_missed(line, monkeypatch):
    """If the programme misses the cheapest design (here forced: the 400 mm design is cut off
    in every programme), the local check finds it by simulate and says the result is not
    proved optimal."""
    import linepack.optimization.expansion as opt

    real = opt.solve_expansion

    def missing_400(*args, exclude=(), **kw):
        return real(*args, exclude=list(exclude) + [{"R": 1}], **kw)

    monkeypatch.setattr(opt, "solve_expansion", missing_400)
    res = plan_expansion(line, LINE_CAND, {"design": 1.0}, costs=COSTS, **KW)
    assert res.design == {"R": "400 mm"} and res.verified
    assert res.status == "feasible"
    assert res.log[-1]["then"].startswith("local check")
    assert any(e["design"] == {"R": "500 mm"} for e in res.log)
