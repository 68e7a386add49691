"""Cross-tool reference: networks built and solved in pandapipes, then solved by linepack.

pandapipes 0.16.0 (BSD-3-Clause) is solved with
``pipeflow(net, mode="hydraulics", friction_model="nikuradse", tol_p=1e-8, tol_m=1e-8,
max_iter_hyd=50)``; the net is translated with :func:`linepack.io.pandapipes.from_pandapipes`
and solved with ``linepack.simulate(..., friction="nikuradse-stanet", **case.options)``;
linepack's "nikuradse-stanet" is pandapipes' "nikuradse" (λ = 64/Re + 1/(2·log10(D/k) +
1.14)²). Both tools use the same isothermal squared-pressure pipe law with Z at the mean
pressure, so the pressures must agree to the solvers' tolerance. The networks follow
shared/reference/pandapipes-anchor.md, section 3.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest

pp = pytest.importorskip("pandapipes")

from linepack.errors import InputError  # noqa: E402
from linepack.io.pandapipes import from_pandapipes, pandapipes_ambient_pressure  # noqa: E402
from linepack.units import BAR  # noqa: E402

#: Agreement required between the two tools. [bar]
P_TOL_BAR = 1e-3
#: pandapipes' ambient pressure at sea level, 1.01325 bar. [Pa]
P_AMB_SEA_LEVEL = 101325.0

# Measured max |Δp| [bar], linepack vs pandapipes 0.16.0 (one warm solve each, same machine):
#   lattice 32×32 (1,024 junctions, 1,984 pipes, p 49.9–60.0 bar)  1.4e-12; pandapipes 0.17 s,
#                                                         linepack 0.23 s, 6 Newton iterations
#   compressor chain (2,004 junctions, 2,000 pipes, 3 × 1.25)       3.1e-12; 0.08 s / 0.41 s, 4
#   hilly net with controls (11 junctions, heights 0–200 m)         2.0e-04; all of it is
#     gravity: pandapipes takes g = 9.81 m/s², linepack scipy's 9.80665 (ρ·Δg·Δh =
#     30 kg/m³ · 0.00335 m/s² · 200 m = 2.0e-4 bar at the 200 m junction);
#     with every height set to 0 the two tools agree to 3.2e-8 bar.


def _quiet():
    """Silence pandapipes' per-call log notices and deprecation warnings."""
    logging.getLogger("pandapipes").setLevel(logging.ERROR)
    warnings.simplefilter("ignore")


def _pandapipes_solve(net) -> None:
    """Solve ``net`` in place with pandapipes' hydraulics and tight tolerances."""
    with warnings.catch_warnings():
        _quiet()
        pp.pipeflow(net, mode="hydraulics", friction_model="nikuradse", tol_p=1e-8, tol_m=1e-8,
                    max_iter_hyd=50)


def _linepack_solve(net, friction="nikuradse-stanet"):
    import linepack

    case = from_pandapipes(net)
    return case, linepack.simulate(case.network, case.scenario, case.controls,
                                   friction=friction, **case.options)


def _max_dp_bar(net, result) -> float:
    """Max |Δp| over the in-service junctions, linepack's absolute pressure made gauge [bar]."""
    junc = net.junction[net.junction.in_service.astype(bool)]
    ids = [str(i) for i in junc.index]
    p_lp = (result.nodes.loc[ids, "p_bar"].to_numpy(float)
            - pandapipes_ambient_pressure(junc.height_m.to_numpy()) / BAR)
    p_pp = net.res_junction.loc[junc.index, "p_bar"].to_numpy(float)
    return float(np.max(np.abs(p_lp - p_pp)))


def net_fluid_density(fluid: str) -> float:
    """pandapipes' normal density of a library fluid at 273.15 K. [kg/m³]"""
    net = pp.create_empty_network(fluid=fluid)
    return float(np.asarray(net.fluid.get_density(273.15)).reshape(-1)[0])


def lattice(n=32, demand_kg_s=1600.0, seed=1):
    """n×n lattice: 1–5 km pipes, D 0.3–1.0 m, k 0.05 mm, 60 bar at the centre, a sink on
    every other node. 1,600 kg/s brings p_min to 49.9 bar at n = 32 (hgas, 288.15 K)."""
    rng = np.random.default_rng(seed)
    net = pp.create_empty_network(fluid="hgas")
    pp.create_junctions(net, n * n, pn_bar=60.0, tfluid_k=288.15)
    idx = np.arange(n * n).reshape(n, n)
    fr = np.r_[idx[:, :-1].ravel(), idx[:-1, :].ravel()]
    to = np.r_[idx[:, 1:].ravel(), idx[1:, :].ravel()]
    pp.create_pipes_from_parameters(net, fr, to, length_km=rng.uniform(1.0, 5.0, len(fr)),
                                    inner_diameter_mm=rng.uniform(300.0, 1000.0, len(fr)),
                                    k_mm=0.05)
    centre = int(idx[n // 2, n // 2])
    pp.create_ext_grid(net, centre, p_bar=60.0, t_k=288.15)
    others = np.delete(np.arange(n * n), centre)
    pp.create_sinks(net, others, mdot_kg_per_s=demand_kg_s / len(others))
    return net


def compressor_chain(n_pipes=2000, n_compressors=3, ratio=1.25, end_demand_kg_s=150.0):
    """500 km chain of 0.25 km pipes (D 1.0 m, k 0.05 mm), 60 bar at the inlet, cut into
    equal segments by compressors of fixed ratio; 0.05 kg/s per node plus a large end
    demand. 150 kg/s keeps p between 45.3 and 60.0 bar (175 kg/s drives pandapipes to a
    negative pressure)."""
    net = pp.create_empty_network(fluid="hgas")
    seg = n_pipes // (n_compressors + 1)
    n_junctions = n_pipes + 1 + n_compressors
    pp.create_junctions(net, n_junctions, pn_bar=60.0, tfluid_k=288.15)
    starts = np.arange(n_compressors + 1) * (seg + 1)          # first junction of each segment
    fr = (starts[:, None] + np.arange(seg)[None, :]).ravel()
    pp.create_pipes_from_parameters(net, fr, fr + 1, length_km=0.25, inner_diameter_mm=1000.0,
                                    k_mm=0.05)
    for s in starts[1:]:
        pp.create_compressor(net, int(s - 1), int(s), pressure_ratio=ratio)
    pp.create_ext_grid(net, 0, p_bar=60.0, t_k=288.15)
    pp.create_sinks(net, np.arange(1, n_junctions), mdot_kg_per_s=0.05)
    pp.create_sink(net, n_junctions - 1, mdot_kg_per_s=end_demand_kg_s)
    return net


def test_lattice_1024_junctions_matches_pandapipes():
    """32×32 lattice (1,024 junctions, 1,984 pipes): |Δp| ≤ 1e-3 bar everywhere."""
    net = lattice()
    _pandapipes_solve(net)
    assert 49.0 < net.res_junction.p_bar.min() < 51.0
    _, result = _linepack_solve(net)
    dp = _max_dp_bar(net, result)
    assert dp <= P_TOL_BAR, f"lattice: max |Δp| = {dp:.2e} bar"


def test_compressor_chain_matches_pandapipes():
    """500 km chain, 2,000 pipes, 3 compressors at ratio 1.25: |Δp| ≤ 1e-3 bar everywhere."""
    net = compressor_chain()
    _pandapipes_solve(net)
    case, result = _linepack_solve(net)
    assert case.network.count()["compressorStation"] == 3
    dp = _max_dp_bar(net, result)
    assert dp <= P_TOL_BAR, f"compressor chain: max |Δp| = {dp:.2e} bar"
    ratio = result.edges.loc[[f"compressor_{i}" for i in net.compressor.index], "ratio"]
    np.testing.assert_allclose(ratio.to_numpy(float), 1.25, rtol=1e-9)


def hilly_net_with_controls():
    """A small hgas net that uses every translated feature: heights 0–200 m (ambient pressure
    and gravity), a mesh, a valve between a junction and a pipe end (``et="pi"``) with a loss
    coefficient, a closed valve, a pressure control, a flow control, a source, a scaled sink
    and out-of-service elements."""
    net = pp.create_empty_network(fluid="hgas")
    heights = [0.0, 50.0, 120.0, 80.0, 200.0, 150.0, 30.0, 60.0, 90.0, 10.0]
    pp.create_junctions(net, len(heights), pn_bar=40.0, tfluid_k=283.15, height_m=heights)
    pp.create_junction(net, pn_bar=40.0, tfluid_k=283.15, height_m=0.0, in_service=False)  # 10
    pipes = [(0, 1, 20.0, 500.0), (1, 2, 15.0, 400.0), (2, 3, 10.0, 400.0), (1, 3, 25.0, 300.0),
             (3, 4, 5.0, 300.0), (5, 6, 10.0, 300.0), (6, 7, 8.0, 250.0), (8, 9, 5.0, 300.0),
             (7, 9, 12.0, 200.0)]
    for f, t, length, d in pipes:
        pp.create_pipe_from_parameters(net, f, t, length_km=length, inner_diameter_mm=d,
                                       k_mm=0.05)
    pp.create_pipe_from_parameters(net, 0, 4, length_km=30.0, inner_diameter_mm=300.0,
                                   k_mm=0.05, in_service=False)                    # pipe 9
    pp.create_pipe_from_parameters(net, 9, 10, length_km=1.0, inner_diameter_mm=300.0,
                                   k_mm=0.05)                     # pipe 10, to junction 10
    # valve between junction 2 and the start of pipe 2 (2 → 3), with a loss
    pp.create_valve(net, 2, 2, et="pi", inner_diameter_mm=400.0, loss_coefficient=5.0)
    pp.create_valve(net, 3, 7, et="ju", inner_diameter_mm=200.0, opened=False)
    pp.create_pressure_control(net, 4, 5, 5, controlled_p_bar=30.0)
    pp.create_flow_control(net, 3, 8, controlled_mdot_kg_per_s=4.0)
    pp.create_ext_grid(net, 0, p_bar=40.0, t_k=283.15)
    pp.create_sink(net, 2, mdot_kg_per_s=2.0)
    pp.create_sink(net, 3, mdot_kg_per_s=1.5, scaling=2.0)
    pp.create_sink(net, 7, mdot_kg_per_s=1.0)
    pp.create_sink(net, 9, mdot_kg_per_s=6.0)
    pp.create_sink(net, 1, mdot_kg_per_s=50.0, in_service=False)
    pp.create_source(net, 6, mdot_kg_per_s=0.5)
    return net


def test_hilly_net_with_controls_translates_every_feature():
    """Heights, internal valve nodes, loss resistors, regulators and skips are translated."""
    net = hilly_net_with_controls()
    case = from_pandapipes(net)
    nodes, conns = case.network.nodes, case.network.connections
    assert "10" not in nodes.index                                   # out of service
    assert {"valve_node_2_2", "valve_0_loss_node"} <= set(nodes.index)
    assert conns.at["pipe_2", "from_node"] == "valve_node_2_2"       # pipe end moved
    assert conns.at["valve_0", "kind"] == "valve"
    assert conns.at["valve_0_loss", "kind"] == "resistor"
    assert conns.at["valve_0_loss", "drag_factor"] == 5.0
    assert "pipe_9" not in conns.index and "pipe_10" not in conns.index
    ctl = case.controls.table
    assert ctl.at["valve_1", "mode"] == "closed"
    assert (ctl.at["press_control_0", "setpoint"], ctl.at["flow_control_0", "setpoint"]) == (
        "p_out", "flow")
    p_amb_5 = float(pandapipes_ambient_pressure(150.0))
    assert ctl.at["press_control_0", "value"] == pytest.approx(30.0 * BAR + p_amb_5, abs=1e-6)
    assert ctl.at["flow_control_0", "value"] == 4.0
    sc = case.scenario.nodes
    assert sc.at["0", "p_fixed_pa"] == pytest.approx(40.0 * BAR + P_AMB_SEA_LEVEL, abs=1e-6)
    assert sc.at["3", "inflow_kg_s"] == -3.0 and sc.at["6", "inflow_kg_s"] == 0.5
    assert sc.at["1", "inflow_kg_s"] == 0.0
    assert nodes.at["4", "height_m"] == 200.0
    assert case.scenario.temperature == 283.15


def test_hilly_net_with_controls_matches_pandapipes():
    """Heights, valve loss, pressure and flow control: |Δp| ≤ 1e-3 bar at every junction."""
    net = hilly_net_with_controls()
    _pandapipes_solve(net)
    _, result = _linepack_solve(net)
    dp = _max_dp_bar(net, result)
    assert dp <= P_TOL_BAR, f"hilly net: max |Δp| = {dp:.2e} bar"


def test_ambient_pressure_is_pandapipes_barometric_formula():
    """pandapipes_ambient_pressure reproduces pandapipes' own height correction."""
    from pandapipes.component_models.component_toolbox import p_correction_height_air

    h = np.array([0.0, 100.0, 500.0, 2000.0])
    np.testing.assert_allclose(pandapipes_ambient_pressure(h),
                               p_correction_height_air(h) * BAR, rtol=1e-14)


def test_hgas_compressibility_is_linear_in_absolute_pressure():
    """hgas Z = 1 − 0.0022·p_abs[bar] becomes a linear eos with a slope per pascal."""
    from linepack.physics.eos import Linear, get_eos

    case = from_pandapipes(lattice(n=2, demand_kg_s=1.0))
    spec = case.options["eos"]
    assert spec == {"model": "linear", "slope": pytest.approx(-0.0022 / BAR, rel=1e-12),
                    "offset": pytest.approx(1.0)}
    eos = get_eos(spec)
    assert isinstance(eos, Linear) and eos.slope == pytest.approx(-0.0022 / BAR, rel=1e-12)
    assert case.network.gas["normal_density"] == pytest.approx(
        float(net_fluid_density("hgas")), rel=1e-12)


def test_pressure_control_of_a_remote_junction_is_rejected():
    """A pressure control holding a junction other than its outlet raises InputError."""
    net = pp.create_empty_network(fluid="hgas")
    pp.create_junctions(net, 3, pn_bar=10.0, tfluid_k=283.15)
    pp.create_pressure_control(net, 0, 1, 2, controlled_p_bar=5.0, check_controllability=False)
    pp.create_pipe_from_parameters(net, 1, 2, length_km=1.0, diameter_m=0.2)
    pp.create_ext_grid(net, 0, p_bar=10.0, t_k=283.15)
    with pytest.raises(InputError, match=r"press_control '0'.*controlled_junction 2 is not its "
                                         r"to_junction 1"):
        from_pandapipes(net)


def test_pump_is_rejected_unless_out_of_service():
    """An in-service pump raises InputError; an out-of-service one is skipped."""
    net = pp.create_empty_network(fluid="hgas")
    pp.create_junctions(net, 2, pn_bar=10.0, tfluid_k=283.15)
    pp.create_ext_grid(net, 0, p_bar=10.0, t_k=283.15)
    pp.create_pump(net, 0, 1, std_type="P1", name="booster")
    with pytest.raises(InputError, match=r"pump '0' \('booster'\): pandapipes pumps are not "
                                         r"supported"):
        from_pandapipes(net)
    net.pump["in_service"] = False
    assert from_pandapipes(net).network.count()["compressorStation"] == 0
