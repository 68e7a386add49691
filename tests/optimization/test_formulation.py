"""The optimisation room (linepack.optimization): the exact NLP against simulate, the relaxation's
proof of infeasibility, and the status of validate_nomination / optimize_operation on GasLib.

Expected values: the NLP at fixed states must reproduce ``linepack.simulate`` (same laws, λ and Z
refreshed to their fixed point); the infeasible case's least violation is written out from the
isothermal law (ideal gas, rough-pipe Nikuradse): p_src² ≥ p_sink² + 2Δ, Δ = λ L R T m²/(D A²).
"""

import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("casadi", reason="needs the 'minlp' extra (CasADi)")
pytest.importorskip("pyscipopt", reason="needs the 'minlp' extra (PySCIPOpt)")

import linepack  # noqa: E402
from linepack import Controls, Network, Scenario  # noqa: E402
from linepack.physics.gas import Gas  # noqa: E402
from linepack.problems.capacity import check_limits  # noqa: E402

GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"
need_gaslib = pytest.mark.skipif(not GASLIB.exists(), reason="GasLib data in tests/data/gaslib not present")
T = 288.15
GAS = Gas.from_normal_density(0.75)
R = GAS.specific_gas_constant
L, D, K, M = 100e3, 0.5, 5e-5, 50.0
PHYS = dict(eos="ideal", gas=GAS, friction="nikuradse")


def drop_sq_bar2(m=M):
    lam = (2.0 * np.log10(D / K) + 1.138) ** -2
    a = np.pi * D ** 2 / 4
    return lam * L * R * T * m * m / (D * a * a) / 1e10


def line(flow=M, sink="sink", gas=None, name=""):
    """Source (≤ 70 bar) — pipe — valve — pipe — sink (≥ 55 bar), 50 kg/s: infeasible
    (``flow`` kg/s from the source to ``sink``; ``gas``: the network's gas record)."""
    nodes = [{"id": "src", "kind": "source", "p_min_pa": 40e5, "p_max_pa": 70e5},
             {"id": "n1", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "n2", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "sink", "kind": "sink", "p_min_pa": 55e5, "p_max_pa": 80e5}]
    pipe = lambda i, a, b: {"id": i, "kind": "pipe", "from_node": a, "to_node": b,  # noqa: E731
                            "length_m": L, "diameter_m": D, "roughness_m": K}
    conns = [pipe("p1", "src", "n1"), pipe("p2", "n2", "sink"),
             {"id": "v", "kind": "valve", "from_node": "n1", "to_node": "n2"}]
    scn = Scenario([{"id": "src", "inflow_kg_s": flow}, {"id": sink, "inflow_kg_s": -flow}],
                   temperature=T, name=name)
    return Network(nodes, conns, gas=gas), scn


def test_relaxation_proves_infeasibility_and_names_the_limit():
    """No state carries 50 kg/s within the bounds (√(55² + 2Δ) > 70 bar): the relaxation is
    infeasible, and its least violation is at the source's maximum, by √(55² + 2Δ) − 70 bar
    (to the relaxation's coefficient widening, 10⁻⁴)."""
    net, scn = line()
    out = linepack.validate_nomination(net, scn, time_limit=30, **PHYS)
    assert out.status == "infeasible" and not out.feasible
    amount, what = out.infeasible_limits[0]
    assert what == "node 'src' pressure above its maximum [bar]"
    assert amount == pytest.approx(np.sqrt(55.0 ** 2 + 2 * drop_sq_bar2()) - 70.0, rel=2e-3)


@need_gaslib
def test_nlp_at_fixed_states_reproduces_simulate():
    """GasLib-40 with every station bypassed and one entry held at simulate's pressure: the NLP at
    these states has one solution, the steady state, and gives simulate's pressures to 1e-6 bar."""
    from linepack.optimization.nlp import FixedStateNLP, prepare
    from linepack.problems import model, steady

    case = linepack.open_case(str(GASLIB / "GasLib-40" / "GasLib-40.net"))
    net = case.network
    cs = net.connections.index[net.connections["kind"].isin(["compressorStation", "controlValve"])]
    ctl = Controls.from_dict({c: "bypass" for c in cs})
    sim = linepack.simulate(net, case.scenario, ctl)
    ref = sim.nodes["p_fixed_bar"].dropna()
    ref = ref.index[0] if len(ref) else sim.nodes["inflow_kg_s"].idxmax()
    nodes = case.scenario.nodes.copy()
    nodes.loc[ref, "p_fixed_pa"] = sim.nodes.at[ref, "p_bar"] * 1e5
    nodes.loc[ref, "inflow_kg_s"] = np.nan
    scn = case.scenario.evolve(nodes=nodes)
    sim = linepack.simulate(net, scn, ctl)
    physics = model.resolve_physics(net, scn, "nikuradse", "papay", None, None, None)
    md = model.NetworkModel(net, scn, physics, steady.SteadyOptions())
    prepare(md)
    mode = np.full(md.m, "", dtype=object)
    mode[np.isin(md.kind, ["compressorStation", "controlValve"])] = "bypass"
    mode[md.kind == "valve"] = "open"
    p0 = sim.nodes["p_bar"].reindex(md.node_ids).to_numpy() + 0.5
    prog = FixedStateNLP(md, mode, 0.0, p0, np.zeros(md.m))
    p, m, viol, ok = prog.solve(p0, np.zeros(md.m))
    assert ok
    np.testing.assert_allclose(p, sim.nodes["p_bar"].reindex(md.node_ids).to_numpy(), atol=1e-6)
    np.testing.assert_allclose(m[md.kind == "pipe"],
                               sim.edges["m_kg_s"].reindex(md.edge_ids).to_numpy()[md.kind == "pipe"],
                               atol=1e-6 * md.flow_scale)


def _validated_holds(out, net):
    assert out.status == "validated" and out.feasible, (out.status, out.shortfalls[:3])
    res = linepack.simulate(net, out.scenario, out.controls)
    assert check_limits(net, res, tol_bar=1e-6) == []


@need_gaslib
@pytest.mark.parametrize("name", ["GasLib-11/GasLib-11.net", "GasLib-24/GasLib-24.net",
                                  "GasLib-40/GasLib-40.net"])
def test_gaslib_small_nominations_are_validated(name):
    case = linepack.open_case(str(GASLIB / name))
    out = linepack.validate_nomination(case.network, case.scenario, time_limit=60)
    _validated_holds(out, case.network)


@need_gaslib
@pytest.mark.parametrize("scn", ["2011-11-01", "2012-12-05", "2013-10-02"])
def test_gaslib_134_nominations_are_validated(scn, tmp_path):
    zpath = GASLIB / "GasLib-134" / "GasLib-134.zip"
    with zipfile.ZipFile(zpath) as z:
        z.extract("GasLib-134-v2.net", tmp_path)
        z.extract(f"Nominations-134-v2/{scn}.scn", tmp_path)
    case = linepack.open_case(str(tmp_path / "GasLib-134-v2.net"),
                              str(tmp_path / "Nominations-134-v2" / f"{scn}.scn"))
    out = linepack.validate_nomination(case.network, case.scenario, time_limit=60)
    _validated_holds(out, case.network)


@need_gaslib
@pytest.mark.slow
def test_gaslib_582_doubled_nomination_is_proved_infeasible():
    """GasLib-582 nomination_cold_5 with every entry and exit doubled: the relaxation is
    infeasible (a proof) well within 8 s, and limits are named in that time: the elastic
    relaxation finds no solution in its 3 s here, so they are those the exact programme gives
    up at the best default states (controlValve_5 short of its pressure reduction, in the
    benchmark), each by a positive amount."""
    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    nodes = case.scenario.nodes.copy()
    nodes["inflow_kg_s"] *= 2.0
    out = linepack.validate_nomination(case.network, case.scenario.evolve(nodes=nodes), time_limit=30)
    assert out.status == "infeasible"
    assert out.timings["relaxation"] < 8
    assert out.infeasible_limits and all(a > 0 for a, _ in out.infeasible_limits)


@need_gaslib
def test_optimize_operation_holds_every_limit_and_reports_fuel():
    case = linepack.open_case(str(GASLIB / "GasLib-24" / "GasLib-24.net"))
    res = linepack.optimize_operation(case.network, case.scenario, time_limit=60)
    assert res.status == "optimal" and res.violations == []
    assert check_limits(case.network, linepack.simulate(case.network, res.scenario, res.controls)) == []
    assert list(res.stations.columns) == ["state", "ratio", "power_mw", "drive_efficiency", "fuel_kg_s", "fuel_mcm_d", "fuel_pct"]
    # fuel = power / (0.35 × LHV): the columns agree with each other
    from linepack.optimization.formulation import fuel_kg_s
    lhv = GAS_LHV = res.stations["power_mw"] * 1e6 / (0.35 * res.stations["fuel_kg_s"].where(res.stations["fuel_kg_s"] > 0))
    assert GAS_LHV.dropna().nunique() <= 1 and (lhv.dropna() > 3e7).all()
    assert fuel_kg_s(1e6, 0.5, 5e7) == pytest.approx(0.04)


# ---- bad input -------------------------------------------------------------------------
def test_time_limit_must_be_positive():
    net, scn = line()
    with pytest.raises(linepack.InputError, match="time limit must be > 0"):
        linepack.validate_nomination(net, scn, time_limit=0, **PHYS)


def test_unbalanced_nomination_is_named():
    net, _ = line()
    scn = Scenario([{"id": "src", "inflow_kg_s": M}, {"id": "sink", "inflow_kg_s": -M / 2}], temperature=T)
    with pytest.raises(linepack.InputError, match="do not balance"):
        linepack.validate_nomination(net, scn, **PHYS)


def test_unknown_node_is_named():
    net, _ = line()
    scn = Scenario([{"id": "src", "inflow_kg_s": M}, {"id": "snik", "inflow_kg_s": -M}], temperature=T)
    with pytest.raises(linepack.InputError, match="snik"):
        linepack.validate_nomination(net, scn, **PHYS)


def test_missing_solver_extra_names_the_install_line(monkeypatch):
    net, scn = line()
    monkeypatch.setitem(sys.modules, "pyscipopt", None)
    with pytest.raises(linepack.InputError, match=r'pip install -e "\.\[minlp\]"'):
        linepack.validate_nomination(net, scn, **PHYS)


def test_cli_bad_time_limit_exits_2(capsys):
    from linepack.cli import main

    assert main(["nominate", str(GASLIB / "GasLib-11" / "GasLib-11.net"), "--time-limit", "-1"]) == 2
    assert "time limit must be > 0" in capsys.readouterr().err


def test_exact_minlp_gives_the_closed_form_least_ratio_set_point():
    """The exact MINLP (SCIP) on source — pipe — station — pipe — sink, ideal gas (the frozen
    coefficients are then exact): least ratio puts the source at its maximum and the sink at its
    minimum (each less the margin), p_in² = p_src² − Δ, p_out² = p_sink² + Δ."""
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.minlp import solve_minlp
    from linepack.optimization.nlp import prepare
    from linepack.problems import model, steady

    net, scn = line()
    conns = net.connections.reset_index()
    conns.loc[conns["id"] == "v", ["kind", "ratio_max"]] = ["compressorStation", 2.0]
    net = Network(net.nodes.reset_index(), conns)
    md = model.NetworkModel(net, scn, model.resolve_physics(net, scn, "nikuradse", "ideal", None, GAS, None),
                            steady.SteadyOptions())
    prepare(md)
    form = build_formulation(md, margin_bar=0.01)
    form.refresh(np.full(md.n, 60.0), np.full(md.m, M))
    sol = solve_minlp(form, "exact", objective="ratio", time_limit=30, gap=1e-9)
    assert sol.status == "optimal"
    i = {n: k for k, n in enumerate(md.node_ids)}
    d2 = drop_sq_bar2()
    assert sol.p_bar[i["src"]] == pytest.approx(70.0 - 0.01, abs=1e-4)
    assert sol.p_bar[i["sink"]] == pytest.approx(55.0 + 0.01, abs=1e-4)
    assert sol.p_bar[i["n1"]] == pytest.approx(np.sqrt(69.99 ** 2 - d2), abs=1e-4)
    assert sol.p_bar[i["n2"]] == pytest.approx(np.sqrt(55.01 ** 2 + d2), abs=1e-4)
    assert list(sol.modes[md.kind == "compressorStation"]) == ["active"]


@pytest.mark.slow
def test_capacity_with_free_controls_is_at_least_that_with_fixed_ones():
    """A source held at 70 bar, a station (ratio ≤ 2, 10 MW) and a sink ≥ 55 bar: with the
    station's default rule the transit is what the fixed set point allows; with the controls free
    the station may raise more, so the capacity is at least as large, and the simulation at the
    largest flow found holds every limit."""
    nodes = [{"id": "src", "kind": "source"},
             {"id": "n1", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 100e5},
             {"id": "n2", "kind": "innode", "p_min_pa": 1e5, "p_max_pa": 80e5},
             {"id": "sink", "kind": "sink", "p_min_pa": 55e5, "p_max_pa": 80e5}]
    pipe = lambda i, a, b: {"id": i, "kind": "pipe", "from_node": a, "to_node": b,  # noqa: E731
                            "length_m": L, "diameter_m": D, "roughness_m": K}
    conns = [pipe("p1", "src", "n1"), pipe("p2", "n2", "sink"),
             {"id": "cs", "kind": "compressorStation", "from_node": "n1", "to_node": "n2",
              "ratio_max": 2.0, "power_max_w": 10e6}]
    net = Network(nodes, conns)
    scn = Scenario([{"id": "src", "p_fixed_pa": 70e5}, {"id": "sink", "inflow_kg_s": -M}], temperature=T)
    fixed = linepack.transit_capacity(net, scn, entry="src", exit="sink", rtol=1e-2, **PHYS)
    free = linepack.transit_capacity(net, scn, entry="src", exit="sink", rtol=1e-2, free_controls=True,
                                     time_limit=20, **PHYS)
    assert free.max_mcm_d >= fixed.max_mcm_d * (1 - 1e-2)
    assert free.result is not None and check_limits(net, free.result) == []
    assert "nomination validations" in free.method


@need_gaslib
def test_cli_optimize_prints_the_station_table_and_rejects_an_unknown_objective(capsys):
    from linepack.cli import main

    net = str(GASLIB / "GasLib-24" / "GasLib-24.net")
    assert main(["optimize", net, "--objective", "lift"]) == 2
    assert "objective must be one of fuel, power" in capsys.readouterr().err
    assert main(["optimize", net, "--time-limit", "60"]) == 0
    out = capsys.readouterr().out
    assert "fuel mcm/d" in out and "status: optimal" in out and "CS1" in out


def _station_line(power_max_w):
    """line() with the valve a compressor station (ratio ≤ 2, shaft power ≤ ``power_max_w``)."""
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.nlp import prepare
    from linepack.problems import model, steady

    net, scn = line()
    conns = net.connections.reset_index()
    conns.loc[conns["id"] == "v", ["kind", "ratio_max", "power_max_w"]] = ["compressorStation", 2.0,
                                                                           power_max_w]
    net = Network(net.nodes.reset_index(), conns)
    md = model.NetworkModel(net, scn, model.resolve_physics(net, scn, "nikuradse", "ideal", None, GAS, None),
                            steady.SteadyOptions())
    prepare(md)
    return build_formulation(md)


def _least_station_power_w():
    """Least shaft power of the station in _station_line: the least ratio
    r = √(55² + Δ)/√(70² − Δ) (source at its maximum, sink at its minimum), ideal gas (Z = 1),
    κ = 1.3 and η = 0.8 (linepack's defaults without heat capacities or an efficiency), and the
    isentropic power P = R T/(η·ex)·m·(r^ex − 1), ex = (κ − 1)/κ
    (:func:`linepack.physics.compressor.power`; Koch et al. 2015, ch. 2)."""
    from linepack.problems.model import DEFAULT_EFFICIENCY, DEFAULT_ISENTROPIC_EXPONENT

    d2 = drop_sq_bar2()
    r = np.sqrt(55.0 ** 2 + d2) / np.sqrt(70.0 ** 2 - d2)
    ex = (DEFAULT_ISENTROPIC_EXPONENT - 1.0) / DEFAULT_ISENTROPIC_EXPONENT
    return R * T / (DEFAULT_EFFICIENCY * ex) * M * (r ** ex - 1.0)


def test_relaxation_holds_the_station_power_limit():
    """The relaxation bounds r^ex − 1 from below (by its chord over [1, r_max]); with the station's
    power limit at half the least power the nomination needs, it proves infeasibility (before,
    the power row let r^ex − 1 fall to 0 and held at any ratio); at 1.2 × the least power it
    stays feasible (a relaxation must not cut off a true point)."""
    from linepack.optimization.minlp import solve_minlp

    p_min = _least_station_power_w()
    assert 1e5 < p_min < 1e8          # the test's premise: a real, finite lift
    low = solve_minlp(_station_line(0.5 * p_min), "relaxation", objective="none", time_limit=30)
    assert low.status == "infeasible"
    high = solve_minlp(_station_line(1.2 * p_min), "relaxation", objective="none", time_limit=30)
    assert high.has_solution


def test_relaxation_on_the_power_curve_is_tight_to_the_least_power():
    """With the station power row on r^ex itself (``power_curve=True``, what validate_nomination
    uses on tightened bounds), the relaxation proves infeasibility at 0.99 × the least power the
    nomination needs (closed form, _least_station_power_w) and stays feasible at 1.001 ×; the
    chord of r^ex − 1 (the default) lets 0.97 × pass (r ≈ 1.40 here, where the chord over [1, 2]
    is below the curve)."""
    from linepack.optimization.minlp import solve_minlp

    p_min = _least_station_power_w()
    tight = dict(objective="none", time_limit=30, power_curve=True)
    assert solve_minlp(_station_line(0.99 * p_min), "relaxation", **tight).status == "infeasible"
    assert solve_minlp(_station_line(1.001 * p_min), "relaxation", **tight).has_solution
    chord = solve_minlp(_station_line(0.97 * p_min), "relaxation", objective="none", time_limit=30)
    assert chord.has_solution


def test_lines_under_papay_z_are_below_it_and_close():
    """The lines the relaxation puts under a station's Z(p_s) (formulation._lines_below) lie at
    or below Papay's Z (Koch et al. 2015, eq. 2.8; linepack.physics) at 2,001 points of
    40–71 bar (samples widened by 1e-4 as the formulation does), GasLib-582's suction range at compressorStation_5 on tightened bounds, and their
    maximum is within 5e-4 of Z there (Papay's Z is convex in p, so tangents are tight)."""
    from linepack.optimization.formulation import RANGE_WIDEN, _lines_below
    from linepack.physics.eos import get_eos

    z = get_eos("papay")
    gas = Gas.from_normal_density(0.82)
    xs = np.linspace(40.0, 71.0, 65)
    # as coefficient_ranges does: the samples widened by RANGE_WIDEN (1e-4), which covers the
    # ~1e-7 by which a line from finite-difference slopes may pass Z between samples
    lines = _lines_below(xs, z.z(xs * 1e5, 286.7, gas) * (1 - RANGE_WIDEN))
    fine = np.linspace(40.0, 71.0, 2001)
    zf = z.z(fine * 1e5, 286.7, gas)
    under = np.max([sl * fine + b0 for sl, b0 in lines], axis=0)
    assert len(lines) == 5
    assert (under <= zf + 1e-12).all()
    assert np.max(zf - under) < 5e-4      # vs 0.06 = Z(40) − Z(71): the least Z over the range
    assert 0.80 < zf.min() < zf.max() < 0.95        # a real gas at these pressures


@need_gaslib
def test_ratio_model_drops_the_power_limit_and_bounds_the_ratio_by_the_pressure_limits():
    """compressor_model="ratio" (GasModels.jl's GasLib reader): compressorStation_5 of
    GasLib-582-v2.net has pressureInMin 40.00325168 bar and pressureOutMax 84.11324847 bar, so its
    ratio limit is 84.11324847/40.00325168 = 2.1027; its .cs power limit (25.38 MW: drive_1 at
    6,500 rpm and 15 °C plus drive_2 at 350 rpm) is dropped."""
    from linepack.problems.nomination import ratio_model_network

    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    before = case.network.connections.loc["compressorStation_5"]
    assert before["power_max_w"] / 1e6 == pytest.approx(25.381, abs=1e-3)
    after = ratio_model_network(case.network).connections.loc["compressorStation_5"]
    assert np.isnan(after["power_max_w"])
    assert after["ratio_max"] == pytest.approx(84.11324847 / 40.00325168, rel=1e-9)
    assert np.isnan(case.network.connections.at["compressorStation_5", "ratio_max"])   # untouched


def test_unknown_compressor_model_is_named():
    net, scn = line()
    with pytest.raises(linepack.InputError, match="compressor_model must be one of detailed, ratio"):
        linepack.validate_nomination(net, scn, time_limit=5, compressor_model="maps", **PHYS)


def test_one_way_bypasses_in_a_lossless_loop_keep_the_programmes_flows():
    """Two lossless regulators, one way each (flow_min 0), between the same two nodes in opposite
    directions, both bypassed: the laws leave the flow around that loop open, so the simulation
    may send gas back through one of them. The controls hand each over in operation at the
    programme's flow (20 and 0 kg/s here: the net 20 kg/s of the nomination), and the simulation
    under them holds every limit, flow directions included."""
    from linepack.optimization.nlp import prepare
    from linepack.problems import model, steady
    from linepack.problems.nomination import _controls_and_scenario

    net, scn = line()
    conns = net.connections.reset_index()
    conns = conns[conns["id"] != "v"]
    reg = {"kind": "controlValve", "flow_min_kg_s": 0.0, "dp_min_pa": 0.0}
    conns = conns.to_dict("records") + [
        {"id": "r1", "from_node": "n1", "to_node": "n2", **reg},
        {"id": "r2", "from_node": "n2", "to_node": "n1", **reg}]
    nodes = net.nodes.reset_index()
    nodes.loc[nodes["id"] == "sink", "p_min_pa"] = 40e5
    net = Network(nodes, conns)
    flow = 20.0
    scn = Scenario([{"id": "src", "inflow_kg_s": flow}, {"id": "sink", "inflow_kg_s": -flow}], temperature=T)
    md = model.NetworkModel(net, scn, model.resolve_physics(net, scn, "nikuradse", "ideal", None, GAS, None),
                            steady.SteadyOptions())
    prepare(md)
    mode = np.array(["" if k == "pipe" else "bypass" for k in md.kind], dtype=object)
    d2 = drop_sq_bar2(flow)
    p_mid = np.sqrt(65.0 ** 2 - d2)
    p = {"src": 65.0, "n1": p_mid, "n2": p_mid, "sink": np.sqrt(p_mid ** 2 - d2)}
    p_bar = np.array([p[n] for n in md.node_ids])
    q = {"p1": flow, "p2": flow, "r1": flow, "r2": 0.0}
    m = np.array([q[e] for e in md.edge_ids])
    ctl, scn2 = _controls_and_scenario(md, mode, p_bar, m, scn)
    assert set(ctl.table.loc[["r1", "r2"], "setpoint"]) == {"flow"}
    res = linepack.simulate(net, scn2, ctl, **PHYS)
    assert check_limits(net, res, tol_bar=1e-6) == []
    assert res.edges.at["r1", "m_kg_s"] == pytest.approx(flow, rel=1e-6)
    assert res.edges.at["r2", "m_kg_s"] == pytest.approx(0.0, abs=1e-6)
