"""Nomination validation (linepack.problems.nomination): closed-form cases and GasLib.

The expected numbers of the small cases come from the isothermal pipe law written out
here (ideal gas, GasLib's rough-pipe Nikuradse law, horizontal pipes):
p_out² = p_in² − λ L R T m² / (D A²) (Koch et al. 2015, eq. 2.27 with S = 0), and from
the programme's objective (least total station lift; L1 total bound violation).
"""

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("casadi", reason="nomination validation needs the 'optimize' extra (CasADi)")

import linepack  # noqa: E402
from linepack import Controls, Network, Scenario  # noqa: E402
from linepack.physics.gas import Gas  # noqa: E402

T = 288.15
GAS = Gas.from_normal_density(0.75)
R = GAS.specific_gas_constant
L, D, K, M = 100e3, 0.5, 5e-5, 50.0
MARGIN = 0.01
PHYS = dict(eos="ideal", gas=GAS, friction="nikuradse")
GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"


def drop_sq_bar2(m=M):
    """λ L R T m² / (D A²) of one test pipe, in bar² (λ: GasLib's Nikuradse law)."""
    lam = (2.0 * np.log10(D / K) + 1.138) ** -2
    a = np.pi * D ** 2 / 4
    return lam * L * R * T * m * m / (D * a * a) / 1e10


def pipe(i, a, b):
    return {"id": i, "kind": "pipe", "from_node": a, "to_node": b, "length_m": L,
            "diameter_m": D, "roughness_m": K}


def line(with_station: bool, p_max_src=70.0, p_min_sink=55.0):
    nodes = [{"id": "src", "kind": "source", "p_min_pa": 40e5, "p_max_pa": p_max_src * 1e5},
             {"id": "n1", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "n2", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "sink", "kind": "sink", "p_min_pa": p_min_sink * 1e5, "p_max_pa": 80e5}]
    conns = [pipe("p1", "src", "n1"), pipe("p2", "n2", "sink")]
    if with_station:
        conns.append({"id": "cs", "kind": "compressorStation", "from_node": "n1", "to_node": "n2",
                      "ratio_max": 2.0})
    else:
        conns.append({"id": "v", "kind": "valve", "from_node": "n1", "to_node": "n2"})
    scn = Scenario([{"id": "src", "inflow_kg_s": M}, {"id": "sink", "inflow_kg_s": -M}],
                   temperature=T)
    return Network(nodes, conns), scn


def test_station_set_point_is_the_least_lift_in_closed_form():
    """With least lift the source sits at its upper bound and the sink at its lower bound
    (each tightened by the margin); the station's suction and discharge follow from the
    pipe law: p_in² = p_src² − Δ, p_out² = p_sink² + Δ."""
    net, scn = line(with_station=True)
    out = linepack.validate_nomination(net, scn, margin_bar=MARGIN, **PHYS)
    assert out.feasible and out.violations == [] and out.shortfalls == []
    d2 = drop_sq_bar2()
    p_src, p_sink = 70.0 - MARGIN, 55.0 + MARGIN
    res = out.result
    p = res.nodes["p_bar"]
    assert p["src"] == pytest.approx(p_src, abs=1e-5)
    assert p["sink"] == pytest.approx(p_sink, abs=1e-5)
    assert p["n1"] == pytest.approx(np.sqrt(p_src ** 2 - d2), abs=1e-5)
    assert p["n2"] == pytest.approx(np.sqrt(p_sink ** 2 + d2), abs=1e-5)
    assert res.edges.at["cs", "m_kg_s"] == pytest.approx(M, rel=1e-9)
    row = out.controls.table.loc["cs"]
    assert row["mode"] == "active" and row["setpoint"] == "p_out"
    assert row["value"] / 1e5 == pytest.approx(p["n2"], abs=1e-9)
    # the source had no held pressure in the nomination: the validation holds it where the
    # programme put it, and the simulation reproduces the programme's pressures
    assert out.scenario.nodes.at["src", "p_fixed_pa"] / 1e5 == pytest.approx(p_src, abs=1e-5)
    np.testing.assert_allclose(out.p_bar[p.index].to_numpy(), p.to_numpy(), atol=1e-6)


def test_infeasible_nomination_reports_the_least_total_violation():
    """Without a station the sink's minimum is reachable only by raising the source above its
    maximum; one bar at the source buys more than one bar at the sink (p_src/p_sink > 1), so the
    least L1 violation holds the sink at its minimum and puts the source at
    √(p_sink² + 2Δ): the violation is that less the source's (tightened) maximum."""
    net, scn = line(with_station=False)
    out = linepack.validate_nomination(net, scn, margin_bar=MARGIN, **PHYS)
    assert not out.feasible
    expect = np.sqrt((55.0 + MARGIN) ** 2 + 2 * drop_sq_bar2()) - (70.0 - MARGIN)
    assert out.violation_bar == pytest.approx(expect, rel=1e-6)
    amount, what = out.shortfalls[0]
    assert what == "node 'src' pressure above its maximum [bar]"
    assert amount == pytest.approx(expect, rel=1e-6)
    # the simulation under the programme's state shows the same violation
    assert out.violations and out.violations[0].startswith("source 'src': pressure")
    assert "above its maximum" in out.violations[0]


def test_regulator_holds_the_sink_below_its_maximum_with_the_source_held():
    """A held source at 70 bar and a regulator whose outlet may not exceed 50 bar: after the
    first pipe the gas arrives at √(70² − Δ) ≈ 51.8 bar, and the sink needs ≥ 10 bar, so the
    regulator must hold its outlet between √(10² + Δ) ≈ 48.1 and 50 bar; the held pressure
    stays held."""
    nodes = [{"id": "src", "kind": "source"},
             {"id": "a", "kind": "innode"}, {"id": "b", "kind": "innode"},
             {"id": "sink", "kind": "sink", "p_min_pa": 10e5, "p_max_pa": 45e5}]
    conns = [pipe("p1", "src", "a"), pipe("p2", "b", "sink"),
             {"id": "rv", "kind": "controlValve", "from_node": "a", "to_node": "b",
              "p_out_max_pa": 50e5}]
    scn = Scenario([{"id": "src", "p_fixed_pa": 70e5}, {"id": "sink", "inflow_kg_s": -M}],
                   temperature=T)
    out = linepack.validate_nomination(Network(nodes, conns), scn, **PHYS)
    assert out.feasible, out.shortfalls
    p = out.result.nodes["p_bar"]
    assert p["src"] == 70.0
    assert p["a"] == pytest.approx(np.sqrt(70.0 ** 2 - drop_sq_bar2()), abs=1e-5)
    d2 = drop_sq_bar2()
    assert np.sqrt(10.0 ** 2 + d2) < p["b"] < 50.0
    assert p["sink"] == pytest.approx(np.sqrt(p["b"] ** 2 - d2), abs=1e-5)
    assert out.controls.table.at["rv", "mode"] == "active"


def test_controls_given_are_kept():
    """A valve the user closes stays closed: the station line then cannot deliver."""
    net, scn = line(with_station=False)
    closed = Controls.from_dict({"v": "closed"})
    with pytest.raises(linepack.InputError, match="do not balance"):
        linepack.validate_nomination(net, scn, closed, **PHYS)


@pytest.mark.skipif(not (GASLIB / "GasLib-582").exists(), reason="GasLib data in tests/data/gaslib not present")
def test_gaslib_582_programme_and_simulation_agree():
    """On GasLib-582 (cold nomination) the programme, with λ and Z refreshed to their fixed
    point, and the simulation under the controls it yields agree on every pressure (the state
    validated under GasModels.jl's station model); and in a state that breaks limits (the
    coordinate search's best after two decisions) the limit the programme gives up most is one
    the simulation names.

    The pressures are compared in the validated state only: in the search's state (controlValve_5
    65 bar short of its reduction) a part of the network fed by given inflows and drained by
    regulators in operation has no pressure level of its own, the programme picks one and the
    simulation another (1.07 bar apart on this machine, equal on others)."""
    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    out = linepack.validate_nomination(case.network, case.scenario, compressor_model="ratio",
                                       time_limit=120)
    assert out.status == "validated" and out.result is not None, out.error
    p = out.result.nodes["p_bar"]
    np.testing.assert_allclose(out.p_bar[p.index].to_numpy(), p.to_numpy(), atol=1e-4)

    out = linepack.validate_nomination(case.network, case.scenario, max_choices=2, method="search")
    assert out.result is not None, out.error
    assert out.programmes <= 2 + 4 and len(out.choice) == 2   # choices + repairs
    assert bool(out.violations) == (not out.feasible)
    if out.shortfalls:
        top = out.shortfalls[0][1].split(" ")[1]
        assert any(top in v for v in out.violations)


def test_a_bypassed_regulator_keeps_only_the_node_limits():
    """A regulator's outlet maximum is its working range: it holds in operation, not in bypass
    (GasLib's convention; the TRR154 code of Pfetsch et al. switches these rows with the
    element's on/off variable, docs/guide/decisions.md "Element limits in bypass"). With the
    source held at 70 bar a bypassed regulator passes √(70² − Δ) ≈ 51.8 bar to its outlet:
    above its own 50 bar maximum, which is then no violation; a 50 bar maximum of the outlet
    node is, and the programme gives up exactly that much (plus the margin). In operation the
    regulator keeps its outlet at or below 50 bar."""
    nodes = [{"id": "src", "kind": "source"},
             {"id": "a", "kind": "innode"}, {"id": "b", "kind": "innode"},
             {"id": "sink", "kind": "sink", "p_min_pa": 10e5}]
    conns = [pipe("p1", "src", "a"), pipe("p2", "b", "sink"),
             {"id": "rv", "kind": "controlValve", "from_node": "a", "to_node": "b",
              "p_out_max_pa": 50e5}]
    scn = Scenario([{"id": "src", "p_fixed_pa": 70e5}, {"id": "sink", "inflow_kg_s": -M}],
                   temperature=T)
    outlet = np.sqrt(70.0 ** 2 - drop_sq_bar2())
    assert outlet > 51.0

    out = linepack.validate_nomination(Network(nodes, conns), scn, Controls.from_dict({"rv": "bypass"}),
                                       margin_bar=MARGIN, **PHYS)
    assert out.feasible, out.violations
    assert out.controls.table.at["rv", "mode"] == "bypass"
    assert out.result.nodes.at["b", "p_bar"] == pytest.approx(outlet, rel=1e-6)
    assert not out.violations

    capped = [dict(n, p_max_pa=50e5) if n["id"] == "b" else n for n in nodes]
    out = linepack.validate_nomination(Network(capped, conns), scn, Controls.from_dict({"rv": "bypass"}),
                                       margin_bar=MARGIN, **PHYS)
    assert not out.feasible
    assert out.shortfalls == [(pytest.approx(outlet - (50.0 - MARGIN), rel=1e-6),
                               "node 'b' pressure above its maximum [bar]")]
    assert any("'b'" in v and "maximum" in v for v in out.violations), out.violations

    out = linepack.validate_nomination(Network(nodes, conns), scn, Controls.from_dict({"rv": "active"}),
                                       margin_bar=MARGIN, **PHYS)
    assert out.feasible, out.violations
    assert out.result.nodes.at["b", "p_bar"] <= 50.0 + 1e-6


def test_a_check_valve_against_the_flow_is_the_limit_given_up():
    """A check valve mounted against the only path: the programme can deliver only by passing
    gas against it, and names it (50 kg/s = 5 units of 10 kg/s)."""
    net, scn = line(with_station=False, p_min_sink=1.0)
    conns = net.connections.reset_index()
    conns.loc[conns["id"] == "v", ["kind", "from_node", "to_node"]] = ["checkValve", "n2", "n1"]
    out = linepack.validate_nomination(Network(net.nodes.reset_index(), conns), scn, **PHYS)
    assert not out.feasible
    amount, what = out.shortfalls[0]
    assert what == "checkValve 'v' flow against its direction [10 kg/s]"
    assert amount == pytest.approx(M / 10.0, rel=1e-6)


def test_a_free_regulator_whose_losses_cannot_be_met_is_closed():
    """A regulator with 0.5 bar inlet and outlet losses beside a short wide pipe: in operation
    it needs a 1 bar drop between its ends, which the pipe (a few mbar at 50 kg/s) never has;
    the repair closes it and the nomination is validated in a second programme."""
    nodes = [{"id": "src", "kind": "source"}, {"id": "a", "kind": "innode"},
             {"id": "b", "kind": "innode"}, {"id": "sink", "kind": "sink", "p_min_pa": 10e5}]
    conns = [pipe("p1", "src", "a"), pipe("p2", "b", "sink"),
             {"id": "p3", "kind": "pipe", "from_node": "a", "to_node": "b", "length_m": 100.0,
              "diameter_m": 1.0, "roughness_m": K},
             {"id": "rv", "kind": "controlValve", "from_node": "a", "to_node": "b",
              "pressure_loss_in_pa": 0.5e5, "pressure_loss_out_pa": 0.5e5}]
    scn = Scenario([{"id": "src", "p_fixed_pa": 70e5}, {"id": "sink", "inflow_kg_s": -M}],
                   temperature=T)
    net = Network(nodes, conns)
    out = linepack.validate_nomination(net, scn, max_repairs=0, method="search", **PHYS)
    assert not out.feasible
    assert out.shortfalls[0][1] == "controlValve 'rv' pressure reduction below its minimum [bar]"
    out = linepack.validate_nomination(net, scn, method="search", **PHYS)
    assert out.feasible and out.programmes == 2
    assert out.controls.table.at["rv", "mode"] == "closed"
    assert out.result.edges.at["p3", "m_kg_s"] == pytest.approx(M, rel=1e-9)
    # the MINLP method may also bypass it (no losses in bypass): either way not in operation,
    # and the simulation under the controls found holds every limit
    out = linepack.validate_nomination(net, scn, time_limit=30, **PHYS)
    assert out.status == "validated" and out.feasible and out.violations == []
    assert out.controls.table.at["rv", "mode"] in ("bypass", "closed")


def test_a_case_is_accepted_with_its_options():
    """validate_nomination(case) takes the case's scenario and physics options: the same station
    set point as the closed form above, with the options coming from the case."""
    net, scn = line(with_station=True)
    case = linepack.Case(net, {"n": scn}, options=PHYS)
    out = linepack.validate_nomination(case, margin_bar=MARGIN)
    p_sink = 55.0 + MARGIN
    assert out.feasible
    assert out.result.nodes["p_bar"]["n2"] == pytest.approx(np.sqrt(p_sink ** 2 + drop_sq_bar2()), abs=1e-5)
