"""Transient engine, fast paths: the compiled residual and LU solves against the numpy ones,
the control-rule gate against the rule, the violation fast test against the full check, the
precomputed profile rows against the per-time interpolation.

No expected number here comes from outside: each test compares a fast path with the plain
path it replaces (which tests/transient/test_transient.py checks against published cases,
mass balance and orders of accuracy)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linepack
from linepack import Controls, Network, Scenario, TransientOptions, jit
from linepack.physics.gas import Gas
from linepack.problems import model as M
from linepack.problems import transient as tr

from .test_transient import regulator_line

T = 288.15
GAS = Gas.from_normal_density(0.75)
GASLIB = str(Path(__file__).resolve().parents[1] / "data" / "gaslib")
needs_numba = pytest.mark.skipif(not jit.available(), reason="numba (extra 'fast') not installed")


def regulator_net():
    """A source, a pipe, an automatic regulator, a pipe and a sink (as in test_transient's
    regulator tests): with a demand peak the regulator opens and closes again."""
    net, scn = regulator_line(outlet_p_max_pa=50e5)
    prof = pd.DataFrame({"time_h": [0, 1, 2, 5, 6], "c.inflow_kg_s": [-30, -30, -70, -70, -20]})
    return net, scn, prof


def gaslib11():
    net, scn = linepack.read_gaslib(f"{GASLIB}/GasLib-11/GasLib-11.net",
                                    f"{GASLIB}/GasLib-11/GasLib-11.scn")
    exits = scn.nodes.index[scn.nodes["inflow_kg_s"] < 0]
    base = scn.nodes.loc[exits, "inflow_kg_s"].to_numpy(float)
    cols = {"time_h": [0, 1, 2, 3]}
    for k, nid in enumerate(exits):
        cols[f"{nid}.inflow_kg_s"] = base[k] * np.array([1.0, 1.15, 0.9, 1.0])
    return net, scn, pd.DataFrame(cols)


def gaslib24():
    """GasLib-24: a resistor with a drag factor (the quadratic law), stations, valves."""
    net, scn = linepack.read_gaslib(f"{GASLIB}/GasLib-24/GasLib-24.net",
                                    f"{GASLIB}/GasLib-24/GasLib-24.scn")
    exits = scn.nodes.index[scn.nodes["inflow_kg_s"] < 0]
    base = scn.nodes.loc[exits, "inflow_kg_s"].to_numpy(float)
    cols = {"time_h": [0, 1, 2, 3]}
    for k, nid in enumerate(exits):
        cols[f"{nid}.inflow_kg_s"] = base[k] * np.array([1.0, 1.1, 0.95, 1.0])
    return net, scn, pd.DataFrame(cols)


CASES = {"gaslib11": gaslib11, "gaslib24": gaslib24, "regulator": lambda: regulator_net()}


def _capture_systems(monkeypatch):
    """Every (system, iterate) _newton sees during a run."""
    seen = []
    orig = tr._newton

    def spy(sysm, x0, lu_box, stats, full=False):
        seen.append((sysm, x0.copy(), sysm.dt))
        return orig(sysm, x0, lu_box, stats, full)
    monkeypatch.setattr(tr, "_newton", spy)
    return seen


# ------------------------------------------------------------------------ compiled residual
@needs_numba
@pytest.mark.parametrize("case, options", [
    ("gaslib11", TransientOptions(compiled=True)),
    ("gaslib11", TransientOptions(compiled=True, theta=0.5, inertia=True, dx_max=5e3)),
    ("regulator", TransientOptions(compiled=True, inertia=True)),
    ("gaslib24", TransientOptions(compiled=True)),
])
def test_compiled_residual_and_jacobian_equal_numpy(monkeypatch, case, options):
    """The fused residual (and the Jacobian values it leaves) agree with the numpy residual to
    1e-12 of the residual scale, at the iterates of a run and 1 % away from them, in the steady
    start (no storage) and in time steps (θ, inertia), with the resistor's compiled law."""
    net, scn, prof = CASES[case]()
    seen = _capture_systems(monkeypatch)
    res = linepack.simulate_transient(net, scn, duration="3h", dt="10min", profile=prof,
                                      options=options)
    assert res.completed
    sysm = seen[0][0]
    assert sysm.fused is not None
    if case == "gaslib24":
        assert sysm.i_law.size and sysm.law_kernel is not None
    rng = np.random.default_rng(3)
    picks = [0, 1, len(seen) // 2, len(seen) - 1]
    for i in picks:
        _, x, dt = seen[i]
        # the system keeps its last preparation (a time step): both residuals must agree
        # at any state
        for xx in (x, x * (1 + 0.01 * rng.uniform(-1, 1, x.size))):
            _, r_fast, aux_fast, norm = sysm.residual(xx)
            r_fast = r_fast.copy()
            aux_fast = [a.copy() for a in aux_fast]
            J_fast = sysm.jacobian().copy()
            _, r_np, aux_np = sysm._residual_numpy(xx)
            J_np = sysm.jacobian().copy()
            scale = max(np.max(np.abs(r_np)), 1.0)
            assert np.max(np.abs(r_fast - r_np)) <= 1e-12 * scale
            assert norm == pytest.approx(np.max(np.abs(r_np)), rel=1e-12, abs=1e-12 * scale)
            for a, b in zip(aux_fast, aux_np):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.max(np.abs(b)))
            d = np.abs((J_fast - J_np).data)
            assert d.size == 0 or np.max(d) <= 1e-12 * max(np.max(np.abs(J_np.data)), 1.0)


@needs_numba
def test_compiled_residual_in_the_steady_start(monkeypatch):
    """The steady re-solve on the grid (dt None: balances without storage) agrees too."""
    net, scn, prof = gaslib11()
    seen = _capture_systems(monkeypatch)
    linepack.simulate_transient(net, scn, duration="1h", dt="30min", profile=prof,
                                options=TransientOptions(compiled=True))
    sysm = seen[0][0]
    x = seen[0][1]
    assert seen[0][2] is None            # the first solve is the steady start
    sysm.prepare(None, 1.0, None, sysm.inj_new, sysm.held_value)
    _, r_fast, _, _ = sysm.residual(x)
    r_fast = r_fast.copy()
    _, r_np, _ = sysm._residual_numpy(x)
    assert np.max(np.abs(r_fast - r_np)) <= 1e-12 * max(np.max(np.abs(r_np)), 1.0)


@needs_numba
@pytest.mark.parametrize("case, options", [
    ("gaslib11", dict()),
    ("gaslib11", dict(theta=0.5, inertia=True, dx_max=5e3)),
    ("regulator", dict()),
    ("gaslib24", dict()),
])
def test_compiled_and_numpy_runs_agree(case, options):
    """A whole run with the compiled residual, LU solves and rule gate gives the numpy run's
    answer within the Newton tolerance (tol 1e-12: pressures to 1e-9, the same switches at
    the same times, the same violations)."""
    net, scn, prof = CASES[case]()
    kw = dict(duration="8h" if case == "regulator" else "3h", dt="10min", output_dt="10min",
              profile=prof)
    if case == "regulator":
        kw.update(eos="ideal", gas=GAS)
    runs = [linepack.simulate_transient(net, scn, **kw, options=TransientOptions(
        compiled=c, tol=1e-12, **options)) for c in (True, False)]
    a, b = runs
    assert a.completed and b.completed
    np.testing.assert_allclose(a.pressure_bar, b.pressure_bar, rtol=1e-9)
    np.testing.assert_allclose(a.flow_in_kg_s, b.flow_in_kg_s, rtol=1e-7,
                               atol=1e-7 * np.max(np.abs(b.flow_in_kg_s.to_numpy())))
    pd.testing.assert_frame_equal(a.control_log, b.control_log)
    pd.testing.assert_frame_equal(a.violations, b.violations)
    if case == "regulator":
        assert list(a.control_log["to_mode"][:2]) == ["bypass", "active"]


# ------------------------------------------------------------------------ compiled time loop
def boost_net():
    """The regulator line with a given regulator (as test_transient's boost test): a demand
    peak pulls its inlet below its set point, a 'p_out > p_in' violation and a p_min one."""
    net, scn = regulator_line()
    net.nodes.loc["b", "p_min_pa"] = 49e5
    ctl = Controls.from_dict({"r": {"mode": "active", "setpoint": "p_out", "value": 50e5}})
    prof = pd.DataFrame({"time_h": [0, 1, 2], "c.inflow_kg_s": [-30, -30, -95]})
    return net, scn, prof, ctl


@needs_numba
@pytest.mark.parametrize("case, events, options", [
    ("gaslib24", [{"time_min": 50, "element": "CS2", "mode": "bypass"}], dict()),
    ("gaslib11", [], dict(theta=0.5, inertia=True, dx_max=5e3)),
    ("regulator", [], dict(inertia=True)),
    ("boost", [], dict()),
])
def test_span_loop_and_step_loop_agree(monkeypatch, case, events, options):
    """The compiled loop over spans of steps (_span_loop) against the Python loop over single
    steps it replaces, both on the compiled kernels: the same pressures (it runs the same
    kernels in the same order), the same steps, Newton iterations, factorisations, switches
    at the same times and violations; the cumulative inflow summed in another order."""
    ctl = None
    if case == "boost":
        net, scn, prof, ctl = boost_net()
    else:
        net, scn, prof = CASES[case]()
    kw = dict(duration="8h" if case == "regulator" else "3h", dt="5min",
              output_dt="25min", profile=prof, events=pd.DataFrame(events) if events else None)
    if not case.startswith("gaslib"):
        kw.update(eos="ideal", gas=GAS)
    solved = []
    run = tr._Span.run

    def counted(self, *args):
        out = run(self, *args)
        solved.append(out[0] + (out[-1] is not None))   # steps done, and one left to the rule
        return out
    monkeypatch.setattr(tr._Span, "run", counted)
    a = linepack.simulate_transient(net, scn, ctl, **kw,
                                    options=TransientOptions(compiled=True, **options))
    assert sum(solved) > a.steps / 2      # most steps were solved in the compiled loop
    monkeypatch.setattr(tr, "_Span", lambda *args: None)
    b = linepack.simulate_transient(net, scn, ctl, **kw,
                                    options=TransientOptions(compiled=True, **options))
    assert a.completed and b.completed
    assert (a.steps, a.newton_iterations, a.factorizations) == (b.steps, b.newton_iterations,
                                                                b.factorizations)
    np.testing.assert_allclose(a.pressure_bar, b.pressure_bar, rtol=1e-13)
    np.testing.assert_allclose(a.inflow_kg_s, b.inflow_kg_s, rtol=1e-9,
                               atol=1e-9 * np.max(np.abs(b.inflow_kg_s.to_numpy())))
    np.testing.assert_allclose(a.totals, b.totals, rtol=1e-12)
    pd.testing.assert_frame_equal(a.control_log, b.control_log)
    pd.testing.assert_frame_equal(a.violations, b.violations)
    if case == "regulator":
        assert len(a.control_log) >= 2
    if case == "boost":
        assert set(a.violations["limit"]) == {"p_out > p_in", "p_min"}


def test_no_numba_switch_takes_the_numpy_path(monkeypatch):
    """LINEPACK_NO_NUMBA=1 (how the suite's first CI pass, without numba, is reproduced in a
    full environment): numba counts as absent even where it is imported, so a run asking for
    the compiled path is refused as it is without numba, and the default run is numpy's."""
    monkeypatch.setenv("LINEPACK_NO_NUMBA", "1")
    monkeypatch.setattr(jit, "_STATE", {})
    assert not jit.available() and not jit.loaded()
    net, scn, prof = gaslib11()
    with pytest.raises(linepack.InputError, match="needs numba"):
        linepack.simulate_transient(net, scn, duration="1h", dt="10min", profile=prof,
                                    options=TransientOptions(compiled=True))
    res = linepack.simulate_transient(net, scn, duration="1h", dt="10min", profile=prof)
    assert res.completed


# ------------------------------------------------------------------------ stale LU
def test_chord_iteration_meets_the_newton_answer(monkeypatch):
    """Steps solved on reused (stale) LU factors give the answer of a fresh factor every
    iteration (full Newton) within the Newton tolerance."""
    net, scn, prof = gaslib11()
    kw = dict(duration="3h", dt="10min", output_dt="10min", profile=prof,
              options=TransientOptions(tol=1e-10))
    chord = linepack.simulate_transient(net, scn, **kw)
    orig = tr._newton
    monkeypatch.setattr(tr, "_newton", lambda s, x, box, st, full=False: orig(s, x, box, st, True))
    monkeypatch.setattr(tr, "_Span", lambda *args: None)   # (its compiled loop is a chord)
    full = linepack.simulate_transient(net, scn, **kw)
    assert chord.factorizations < full.factorizations / 5      # the factors were reused
    np.testing.assert_allclose(chord.pressure_bar, full.pressure_bar, rtol=1e-8)


# ------------------------------------------------------------------------ control-rule gate
def gate_net():
    """One of each automatic element: regulator, compressor station, check valve, and a
    resistor with a constant pressure loss."""
    nodes = [{"id": n, "kind": "innode"} for n in "bcdef"]
    nodes = [{"id": "a", "kind": "source"}] + nodes + [{"id": "g", "kind": "sink"}]
    pipe = dict(kind="pipe", length_m=10e3, diameter_m=0.5, roughness_m=2e-5)
    edges = [dict(pipe, id="p1", from_node="a", to_node="b"),
             {"id": "r", "kind": "controlValve", "from_node": "b", "to_node": "c",
              "pressure_loss_in_pa": 0.2e5, "pressure_loss_out_pa": 0.1e5},
             {"id": "cs", "kind": "compressorStation", "from_node": "c", "to_node": "d",
              "ratio_max": 1.6, "pressure_loss_in_pa": 0.1e5},
             {"id": "cv", "kind": "checkValve", "from_node": "d", "to_node": "e"},
             {"id": "res", "kind": "resistor", "from_node": "e", "to_node": "f",
              "pressure_loss_pa": 0.5e5},
             dict(pipe, id="p2", from_node="f", to_node="g")]
    net = Network(nodes, edges)
    scn = Scenario([{"id": "a", "p_fixed_pa": 60e5}, {"id": "g", "inflow_kg_s": -30.0}],
                   temperature=T)
    return net, scn


@pytest.mark.parametrize("compiled", [False, pytest.param(True, marks=needs_numba)])
def test_rule_gate_never_hides_a_switch(compiled):
    """On 600 random states (modes, set points, directions, pressures, flows, many of them
    near the rule's thresholds) the gate says 'maybe' wherever the control rule changes
    something; it says 'no' on a good share of the rest (it is a real filter)."""
    net, scn = gate_net()
    md = M.NetworkModel(net, scn, M.resolve_physics(net, scn, "nikuradse", "papay", None, None,
                                                    None))
    ctl0 = M.resolve_controls(md, Controls.from_dict({"r": {"mode": "active", "setpoint": "p_out",
                                                            "value": 50e5},
                                                      "cs": {"mode": "active", "setpoint": "p_out",
                                                             "value": 70e5}}))
    sp_ = md.special
    ctl0.auto[sp_] = True
    gate = tr._RuleGate(md, sp_, compiled=compiled)
    rng = np.random.default_rng(17)
    tol_f = 1e-6 * md.flow_scale
    modes = {"controlValve": ["active", "bypass", "closed"],
             "compressorStation": ["active", "bypass"], "checkValve": ["auto", "closed"],
             "resistor": [""]}
    said_no = changed_count = 0
    numpy_gate = tr._RuleGate(md, sp_, compiled=False)
    for _ in range(600):
        ctl = M.EdgeControl(ctl0.mode.copy(), ctl0.setpoint.copy(), ctl0.value.copy(),
                            ctl0.auto.copy(), ctl0.switches.copy())
        for i in sp_:
            ctl.mode[i] = rng.choice(modes[md.kind[i]])
        ctl.value[sp_] = rng.uniform(40e5, 70e5, sp_.size)
        if rng.uniform() < 0.3:      # a station at a ratio set point
            i = sp_[md.kind[sp_] == "compressorStation"][0]
            ctl.setpoint[i], ctl.value[i] = "ratio", 1.3
        const_dir = rng.choice([-1.0, 0.0, 1.0], md.m)
        p = rng.uniform(40e5, 70e5, md.n)
        # put some pressures and flows right at the thresholds the rule compares with
        for i in sp_:
            if rng.uniform() < 0.3:
                p[md.v[i]] = ctl.value[i] + rng.choice([-1, 1]) * rng.uniform(0, 2e-3)
            if rng.uniform() < 0.3:
                p[md.u[i]] = ctl.value[i] + md.loss_in[i] + md.loss_out[i] \
                    + rng.choice([-1, 1]) * rng.uniform(0, 2e-3)
        flow = np.zeros(md.m)
        flow[sp_] = rng.choice([-1, 1], sp_.size) * rng.choice([0.5, 2.0, 1e3], sp_.size) * tol_f
        gate.rebuild(ctl, const_dir)
        maybe = gate.maybe(p, flow[sp_])
        numpy_gate.rebuild(ctl, const_dir)
        assert maybe == numpy_gate.maybe(p, flow[sp_])
        changed = M.apply_control_rule(md, ctl, tr._State(p, flow), const_dir.copy(), sp_)
        changed_count += changed
        if changed:
            assert maybe
        else:
            said_no += not maybe
    assert changed_count > 200 and said_no > 60     # about 73 % and 27 % (seed 17)


# ------------------------------------------------------------------------ violations, profile
def test_violation_fast_test_reports_what_the_full_check_reports():
    """Random pressure histories (bounds, station ratios and outlet-above/below-inlet crossed
    at random steps, some within the 0.1 Pa tolerance, modes changed now and then) give the same first-violation table with the fast test as with the
    full check at every step."""
    net, scn = gate_net()
    md = M.NetworkModel(net, scn, M.resolve_physics(net, scn, "nikuradse", "papay", None, None,
                                                    None))
    md.p_min = np.full(md.n, 45e5)
    md.p_max = np.full(md.n, 68e5)
    ctl = M.resolve_controls(md, Controls.from_dict({"r": {"mode": "active", "setpoint": "p_out",
                                                           "value": 50e5}}))
    rng = np.random.default_rng(5)
    fast, full = tr._Violations(), tr._Violations()
    ends = {int(md.u[e]) for e in md.special[:2]} | {int(md.v[e]) for e in md.special[:2]}
    others = [i for i in range(md.n) if i not in ends]
    for step in range(400):
        if rng.uniform() < 0.05:
            for i in md.special[np.isin(md.kind[md.special], ("controlValve", "compressorStation"))]:
                ctl.mode[i] = rng.choice(["active", "bypass"])
            fast.modes_changed()
        p = rng.uniform(46e5, 67e5, md.n)
        reg, cs = md.special[0], md.special[1]       # within their limits ...
        p[md.u[reg]], p[md.u[cs]] = 60e5, 46e5
        p[md.v[reg]] = p[md.u[reg]] * rng.uniform(0.8, 0.99)
        p[md.v[cs]] = p[md.u[cs]] * rng.uniform(1.01, 1.4)
        if rng.uniform() < 0.02:   # ... a node away from them out of its bounds now and then
            p[rng.choice(others)] = rng.choice([40e5, 70e5])
        if rng.uniform() < 0.02:   # a station above its largest ratio
            p[md.v[cs]] = p[md.u[cs]] * 1.7
        if rng.uniform() < 0.05:   # outlet and inlet within or just beyond the 0.1 Pa tolerance
            e = rng.choice([reg, cs])
            p[md.v[e]] = p[md.u[e]] + rng.choice([-0.2, -0.05, 0.05, 0.2])
        fast.check(step * 60.0, p, md, ctl)
        full._check(step * 60.0, p, md, ctl)
    pd.testing.assert_frame_equal(fast.table(), full.table())
    tab = full.table()
    assert {"p_min", "p_max", "ratio_max", "ratio < 1", "p_out > p_in"} <= set(tab["limit"])


@pytest.mark.parametrize("interpolation", ["linear", "step"])
def test_profile_rows_equal_the_interpolation(interpolation):
    """The profile rows precomputed for the grid times are bit for bit the per-time values
    (before, between, on and after the profile's rows)."""
    times = np.array([600.0, 3600.0, 4000.0, 9000.0])
    prof = tr._Profile(np.array([0, 1]), np.array([False, True]), times,
                       np.array([[1.0, 5e6], [2.5, 5.1e6], [-1.0, 4.9e6], [0.3, 5.05e6]]))
    t = np.concatenate([[0.0, 600.0], np.arange(601.0, 12000.0, 37.3), [3600.0, 9000.0]])
    table = tr._profile_table(prof, t, interpolation)
    for k, tk in enumerate(t):
        np.testing.assert_array_equal(table[k], tr._profile_at(prof, float(tk), interpolation))
