"""Bound tightening of the relaxation (linepack.optimization.tighten) on test_formulation's line:
source (40–70 bar) — pipe p1 — n1 — valve — n2 — pipe p2 — sink (55–80 bar), ideal gas and
rough-pipe Nikuradse, so each pipe's law is exactly p_u² − p_v² = Δ with Δ = λ L R T m²/(D A²)
(``test_formulation.drop_sq_bar2``).

Expected bounds, by hand: the flow m passes every connection (a line), so the valve is open and
p_n1 = p_n2; then p_sink ≤ √(70² − 2Δ), p_src ≥ √(55² + 2Δ), and n1 (= n2) lies in
[√(55² + Δ), √(70² − Δ)]. At 50 kg/s, 55² + 2Δ > 70²: no bounds exist (infeasible).
"""

import numpy as np
import pytest

pytest.importorskip("highspy", reason="needs the 'minlp' extra (HiGHS)")

from linepack.optimization.formulation import build_formulation  # noqa: E402
from linepack.optimization.tighten import law_flow_bounds, tighten_bounds, tightened  # noqa: E402
from linepack.problems import model, steady  # noqa: E402

from .test_formulation import GAS, T, drop_sq_bar2, line  # noqa: E402


def _form(flow):
    net, scn = line(flow=flow)
    physics = model.resolve_physics(net, scn, "nikuradse", "ideal", None, GAS, T)
    md = model.NetworkModel(net, scn, physics, steady.SteadyOptions())
    from linepack.optimization.nlp import prepare

    prepare(md)
    return build_formulation(md), md


def test_line_bounds_follow_in_closed_form():
    flow = 20.0
    form, md = _form(flow)
    d = drop_sq_bar2(flow)
    info = tighten_bounds(form, time_limit=30)
    assert not info["infeasible"] and info["rounds"] >= 2
    ids = list(md.node_ids)
    lo = dict(zip(ids, form.p_lo_true))
    hi = dict(zip(ids, form.p_hi_true))
    # tolerance: the relaxation widens e^S and k by 10⁻⁴ (RANGE_WIDEN), so π may move by
    # ≈ 10⁻⁴ per pipe (2·10⁻⁴ over two), p by half of that
    tol = 1.5e-4
    assert hi["sink"] == pytest.approx(np.sqrt(70.0 ** 2 - 2 * d), rel=tol)
    assert lo["src"] == pytest.approx(np.sqrt(55.0 ** 2 + 2 * d), rel=tol)
    for n in ("n1", "n2"):
        assert lo[n] == pytest.approx(np.sqrt(55.0 ** 2 + d), rel=tol)
        assert hi[n] == pytest.approx(np.sqrt(70.0 ** 2 - d), rel=tol)
    # every flow is the nominated one
    np.testing.assert_allclose(form.f_lo, flow, atol=1e-5)
    np.testing.assert_allclose(form.f_hi, flow, atol=1e-5)


def test_flow_bounds_of_a_pipe_follow_from_its_pressure_bounds():
    """Forward flow through p1 needs p_src² − p_n1² = Δ(q) ≤ 70² − 1²: q ≤ M·√((70² − 1)/Δ(M))
    (Δ grows with q²); n1's range is 1–100 bar. (At 50 kg/s the flows' own bounds are
    ±100 kg/s, twice the nominated supply: wider than these.)"""
    form, md = _form(50.0)
    f_lo, f_hi = law_flow_bounds(form)
    e = list(md.edge_ids).index("p1")
    m = 50.0
    # e^S and k widened by 10⁻⁴ (RANGE_WIDEN): up to ≈ 1.2·10⁻⁴ on these flows
    assert f_hi[e] == pytest.approx(m * np.sqrt((70.0 ** 2 - 1.0) / drop_sq_bar2(m)), rel=2e-4)
    assert f_lo[e] == pytest.approx(-m * np.sqrt((100.0 ** 2 - 40.0 ** 2) / drop_sq_bar2(m)), rel=2e-4)


def test_infeasible_line_is_found_by_the_tightening_and_the_given_form_is_kept():
    form, _ = _form(50.0)
    before = form.p_hi_true.copy()
    out, info = tightened(form, time_limit=30)
    assert info["infeasible"]
    np.testing.assert_array_equal(form.p_hi_true, before)


def test_links_of_p_squared_across_a_valve_close_the_secant_gap():
    """At 45 kg/s the line needs p_src² ≥ 55² + 2Δ = 6611 bar² > 70² (infeasible). Without the
    links, n1 and n2 (1–100 bar, one p across the open valve) each take π anywhere between p² and
    the secant 101·p − 100: at p = 50, π_n1 = 2500 (src: 2500 + Δ = 4293 ≤ 70²) and
    π_n2 = 4950 ≥ 55² + Δ = 4818, so that relaxation is feasible; with π_n1 = π_n2 it is not."""
    from pyscipopt import Model

    from linepack.optimization.minlp import add_network, solve_minlp

    form, _ = _form(45.0)
    d = drop_sq_bar2(45.0)
    assert 55.0 ** 2 + 2 * d > 70.0 ** 2                      # infeasible, by hand
    assert 2500 + d <= 70.0 ** 2 and 101 * 50 - 100 >= 55.0 ** 2 + d   # the secant's way round
    assert solve_minlp(form, "relaxation", objective="none", time_limit=30).status == "infeasible"
    S = Model()
    S.hideOutput()
    add_network(S, form, "relaxation", links=False)
    S.optimize()
    assert S.getStatus() == "optimal"
