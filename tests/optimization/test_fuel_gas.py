"""Compressor fuel gas drawn from the network (linepack.problems.fuel): simulate and the exact
programme of the optimisation room withdraw the same fuel at the same node.

Expected values: fuel = shaft power / (η_drive · LHV) (the driver's energy balance, Menon 2005,
ch. 8; linepack.physics.compressor.fuel_gas_flow), here η_drive = 0.35 and LHV = 47 MJ/kg (the
documented defaults; the test gas has no composition). The node balance at the station's inlet:
flow in through the pipe = flow through the station + fuel; the held source supplies the
nomination plus the fuel. GasLib-40's fuel nodes are the ``fuelGasVertex`` attributes of its .net
file (compressorStation_1: sink_25, its outlet; compressorStation_2: sink_11, its inlet).
"""

from pathlib import Path

import numpy as np
import pytest

import linepack
from linepack import Controls, Network, Scenario
from linepack.problems.fuel import fuel_nodes

GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"
T = 288.15
L, D, K = 100e3, 0.5, 5e-5
ETA, LHV = 0.35, 47.0e6


def _net(held=True):
    nodes = [{"id": "src", "kind": "source", "p_min_pa": 40e5, "p_max_pa": 60e5},
             {"id": "n1", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "n2", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 80e5},
             {"id": "sink", "kind": "sink", "p_min_pa": 50e5, "p_max_pa": 80e5}]
    pipe = lambda i, a, b: {"id": i, "kind": "pipe", "from_node": a, "to_node": b,  # noqa: E731
                            "length_m": L, "diameter_m": D, "roughness_m": K}
    conns = [pipe("p1", "src", "n1"), pipe("p2", "n2", "sink"),
             {"id": "cs", "kind": "compressorStation", "from_node": "n1", "to_node": "n2",
              "ratio_max": 2.0, "power_max_w": 20e6}]
    net = Network(nodes, conns, gas={"normal_density": 0.75})
    src = {"id": "src", "p_fixed_pa": 60e5} if held else {"id": "src", "inflow_kg_s": 50.0}
    return net, Scenario([src, {"id": "sink", "inflow_kg_s": -50.0}], temperature=T)


def test_simulate_draws_the_fuel_at_the_station_inlet_and_the_node_balance_closes():
    net, scn = _net()
    ctl = Controls.from_dict({"cs": {"mode": "active", "p_out_bar": 70}})
    off = linepack.simulate(net, scn, ctl, eos="ideal")
    on = linepack.simulate(net, scn, ctl, eos="ideal", options={"fuel_gas": True})
    # default: no fuel drawn, the source supplies the sink's 50 kg/s
    assert off.nodes.at["src", "inflow_kg_s"] == pytest.approx(50.0, rel=1e-9)
    drawn = on.options["fuel_gas_drawn"]
    assert drawn["fuel_node"] == {"cs": "n1"} and drawn["drive_efficiency"] == {"cs": ETA}
    fuel = drawn["fuel_kg_s"]["cs"]
    # fuel = P / (η · LHV) with the station's power in this steady state (to the fixed point's 1e-9)
    assert fuel == pytest.approx(on.edges.at["cs", "power_mw"] * 1e6 / (ETA * LHV), rel=1e-8)
    assert 0.3 < fuel < 0.45           # ≈ 6.2 MW / (0.35 · 47 MJ/kg) = 0.376 kg/s
    m = on.edges["m_kg_s"]
    assert m["p1"] - m["cs"] - fuel == pytest.approx(0.0, abs=1e-9 * 50)       # node n1
    assert on.nodes.at["n1", "inflow_kg_s"] == pytest.approx(-fuel, rel=1e-12)
    assert on.nodes.at["src", "inflow_kg_s"] == pytest.approx(50.0 + fuel, rel=1e-9)
    assert m["cs"] == pytest.approx(50.0, rel=1e-9) and m["p2"] == pytest.approx(50.0, rel=1e-9)
    # more flow through p1 lowers the suction pressure, so the station works harder
    assert on.nodes.at["n1", "p_bar"] < off.nodes.at["n1", "p_bar"]
    assert on.edges.at["cs", "power_mw"] > off.edges.at["cs", "power_mw"]


def test_simulate_fuel_options_are_checked():
    net, scn = _net()
    with pytest.raises(linepack.InputError, match="drive_efficiency"):
        linepack.simulate(net, scn, options={"fuel_gas": True, "drive_efficiency": 1.5})
    with pytest.raises(linepack.InputError, match="lhv_j_kg"):
        linepack.simulate(net, scn, options={"fuel_gas": True, "lhv_j_kg": -1.0})


def test_gaslib_fuel_gas_vertex_is_the_fuel_node():
    case = linepack.open_case(str(GASLIB / "GasLib-40" / "GasLib-40.net"))
    where = fuel_nodes(case.network)
    assert where["compressorStation_1"] == "sink_25"
    assert where["compressorStation_2"] == "sink_11"


def test_formulation_fuel_is_the_physics_fuel_gas_flow():
    """One definition: the optimisation room's fuel is linepack.physics' fuel_gas_flow."""
    from linepack.optimization.formulation import fuel_kg_s
    from linepack.physics.compressor import fuel_gas_flow

    assert fuel_kg_s(10e6, 0.3, 50e6) == pytest.approx(float(fuel_gas_flow(10e6, 0.3, 50e6)))
    assert fuel_kg_s(10e6, 0.3, 50e6) == pytest.approx(10e6 / (0.3 * 50e6))




@pytest.mark.parametrize("fuel_gas", [False, True])
def test_exact_programme_with_fuel_reproduces_simulate_with_fuel(fuel_gas):
    """The NLP at the station's state (objective: least power) and simulate under its set points
    (with the same fuel option) give the same pressures to 1e-6 bar and the same flows."""
    pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.nlp import FixedStateNLP, prepare
    from linepack.problems import model, steady
    from linepack.problems.nomination import _controls_and_scenario

    net, scn = _net(held=False)
    md = model.NetworkModel(net, scn, model.resolve_physics(net, scn, "nikuradse", "ideal", None, None,
                                                            None), steady.SteadyOptions())
    prepare(md)
    form = build_formulation(md)
    where = fuel_nodes(net)
    fnode = np.full(md.m, -1)
    fnode[md.edge_ids.get_indexer(where.index)] = md.node_ids.get_indexer(where.to_numpy())
    mode = np.where(md.kind == "compressorStation", "active", "").astype(object)
    p0 = np.full(md.n, 55.0)
    prog = FixedStateNLP(md, mode, 0.01, p0, np.zeros(md.m), objective="power",
                         fuel=(form.drive_efficiency, form.lhv, fnode) if fuel_gas else None)
    p, m, viol, ok = prog.solve(p0, np.zeros(md.m))
    assert ok and viol < 1e-6
    ctl, scn2 = _controls_and_scenario(md, mode, p, m, scn)
    res = linepack.simulate(net, scn2, ctl, eos="ideal", options={"fuel_gas": fuel_gas})
    np.testing.assert_allclose(res.nodes["p_bar"].reindex(md.node_ids).to_numpy(), p, atol=1e-6)
    np.testing.assert_allclose(res.edges["m_kg_s"].reindex(md.edge_ids).to_numpy(), m, atol=1e-6)
    i = md.edge_ids.get_loc
    fuel = m[i("p1")] - m[i("cs")]
    if fuel_gas:
        assert fuel == pytest.approx(res.options["fuel_gas_drawn"]["fuel_kg_s"]["cs"], rel=1e-6)
        assert fuel > 0.3
    else:
        assert fuel == pytest.approx(0.0, abs=1e-6)


def test_optimize_operation_with_fuel_drawn_holds_every_limit_and_the_entry_supplies_the_fuel():
    pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
    pytest.importorskip("pyscipopt", reason="needs the 'minlp' extra (PySCIPOpt)")
    from linepack.problems.capacity import check_limits

    net, scn = _net(held=False)
    off = linepack.optimize_operation(net, scn, eos="ideal", time_limit=30)
    on = linepack.optimize_operation(net, scn, eos="ideal", time_limit=30, fuel_gas=True)
    assert off.status == on.status == "optimal" and on.violations == []
    res = on.result
    assert check_limits(net, res) == []
    fuel = res.options["fuel_gas_drawn"]["fuel_kg_s"]["cs"]
    assert on.stations.at["cs", "fuel_kg_s"] == pytest.approx(fuel, rel=1e-8)
    assert res.nodes.at["src", "inflow_kg_s"] == pytest.approx(50.0 + fuel, rel=1e-9)
    assert off.result.nodes.at["src", "inflow_kg_s"] == pytest.approx(50.0, rel=1e-9)
    # drawing the fuel costs power: the station lifts the extra flow's pressure drop too
    assert on.power_mw > off.power_mw


@pytest.mark.slow
def test_cli_optimize_fuel_gas_prints_the_fuel_the_api_draws(tmp_path, capsys):
    pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
    pytest.importorskip("pyscipopt", reason="needs the 'minlp' extra (PySCIPOpt)")
    from linepack import Case
    from linepack.cli import main

    net, scn = _net(held=False)
    path = tmp_path / "cs.json"
    linepack.write_native(Case(net, {"nom": scn}, {"nom": Controls(None)}, {"nom": "nom"}), path)
    api = linepack.optimize_operation(linepack.open_case(str(path)), time_limit=30, fuel_gas=True)
    assert main(["optimize", str(path), "--fuel-gas", "--time-limit", "30"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "│ cs " in line or line.strip().startswith("cs "))
    assert f"{api.stations.at['cs', 'fuel_mcm_d']:.4f}" in row
    assert "status: optimal" in out


def test_station_efficiency_is_the_cases_labelled_figure_everywhere():
    """One station burns the same fuel for the same power in every output: with no efficiency
    given, optimize_operation's station table, the fuel drawn by simulate and the report's
    transit summary all take the built-in central-asia case's labelled per-station figure
    (meta["station_drive_efficiency"]: 0.28 for the transit route's stations, an assumption of
    tools/build_central_asia.py), and a number given overrides it for every station."""
    from linepack.problems.fuel import station_drive_efficiencies

    case = linepack.open_case("central-asia")
    labelled = case.network.meta["station_drive_efficiency"]
    eta = station_drive_efficiencies(case.network)
    assert eta.to_dict() == {c: labelled[c] for c in eta.index}
    assert eta["cs_beineu"] == 0.28
    assert set(station_drive_efficiencies(case.network, 0.4)) == {0.4}
    assert station_drive_efficiencies(case.network, {"cs_beineu": 0.5})["cs_beineu"] == 0.5
    with pytest.raises(linepack.InputError, match="cs_nowhere"):
        station_drive_efficiencies(case.network, {"cs_nowhere": 0.5})
