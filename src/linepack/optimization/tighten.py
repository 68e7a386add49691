"""Bound tightening for the relaxation of :mod:`linepack.optimization.minlp`.

The relaxation (``variant="relaxation"``) replaces p² by its secant over each node's pressure
range, k·q² by its secant over [0, q_max], r^ex − 1 by its chord over [1, r_max], and λ, Z, κ
by their ranges over the element's pressure and flow range: the narrower the bounds, the
tighter every one of them. This module narrows the bounds by steps that hold for *every*
feasible point of the network (any λ, Z, κ in their ranges), so the relaxation built on them
still proves infeasibility:

* **flow bounds of law elements** (feasibility-based): forward flow q > 0 needs
  π_u − e^S·π_v = k·q² with e^S ≥ e^S_lo and k ≥ k_lo, so
  q ≤ √((π_u,max − e^S_lo·π_v,min)/k_lo), and the mirror image backwards;
* **optimisation-based bound tightening** (OBBT) of node pressures and flows: each π = p² and
  each flow is minimised and maximised over an LP relaxation of the network (:func:`obbt_round`,
  HiGHS), and its bounds are moved to those optima, :data:`OBBT_EPS` outside them for the LP's
  tolerances (Gleixner, Berthold, Müller, Weltge 2017 [1]; bound tightening for nomination
  validation: Pfetsch et al. 2015 [2]);
* after each round the coefficient ranges are recomputed over the narrower pressure and flow
  ranges (:func:`linepack.optimization.formulation.coefficient_ranges`), and the rounds repeat
  while a bound moves.

References
----------
.. [1] Gleixner, A. M., Berthold, T., Müller, B., Weltge, S. (2017). Three enhancements for
   optimization-based bound tightening. *Journal of Global Optimization* 67, 731–757.
.. [2] Pfetsch, M. E., et al. (2015). Validation of nominations in gas network optimization:
   models, methods, and solutions. *Optimization Methods and Software* 30(1), 15–53.
"""

from __future__ import annotations

import numpy as np

__all__ = ["law_flow_bounds", "obbt_round", "tighten_bounds", "tightened"]


def law_flow_bounds(form) -> tuple[np.ndarray, np.ndarray]:
    """Flow bounds of the law elements (pipes, drag resistors) implied by the node pressure
    bounds (module notes), as arrays by connection (other connections keep theirs) [kg/s]."""
    md, law = form.md, form.law
    lo = np.maximum(form.p_lo_true, 1.0)
    hi = form.p_hi_true
    u, v = md.u[law], md.v[law]
    fwd = np.maximum(hi[u] ** 2 - form.es_lo * lo[v] ** 2, 0.0)
    bwd = np.maximum(form.es_hi * hi[v] ** 2 - lo[u] ** 2, 0.0)
    with np.errstate(divide="ignore"):
        q_fwd = np.where(form.k_lo > 0, np.sqrt(fwd / form.k_lo), np.inf)
        q_bwd = np.where(form.k_lo > 0, np.sqrt(bwd / form.k_lo), np.inf)
    f_lo, f_hi = form.f_lo.copy(), form.f_hi.copy()
    f_hi[law] = np.minimum(f_hi[law], q_fwd)
    f_lo[law] = np.maximum(f_lo[law], -q_bwd)
    return f_lo, f_hi


#: An LP optimum moves a bound only by more than this (absolute, in the variable's unit), and a
#: bound is set this far outside the optimum (the LP's tolerances). [kg/s or bar]
OBBT_EPS = 1e-6


def _highs():
    try:
        import highspy
    except ImportError:
        from linepack.errors import InputError
        from linepack.optimization.minlp import INSTALL_HINT

        raise InputError("bound tightening needs HiGHS (highspy), from the extra 'minlp': "
                         f"{INSTALL_HINT}") from None
    return highspy


def _lp_rows(form):
    """The rows of the LP relaxation (module notes) over the columns [π (n), q (m)]: as
    (row indices, column indices, values, lower, upper)."""
    from linepack.optimization.minlp import _balance_drop

    md, n, m = form.md, form.md.n, form.md.m
    R, C, V, L, U = [], [], [], [], []
    r = 0

    def row(cols, vals, lo, hi):
        nonlocal r
        R.extend([r] * len(cols))
        C.extend(cols)
        V.extend(vals)
        L.append(lo)
        U.append(hi)
        r += 1

    inc = [[] for _ in range(n)]
    for e in range(m):
        inc[md.u[e]].append((n + e, -1.0))
        inc[md.v[e]].append((n + e, 1.0))
    for i in np.flatnonzero(~_balance_drop(form)):
        cols, vals = zip(*inc[i]) if inc[i] else ((), ())
        row(list(cols), list(vals), -md.inj[i], -md.inj[i])
    for e in np.flatnonzero(form.cls == "equal"):
        row([md.u[e], md.v[e]], [1.0, -1.0], 0.0, 0.0)
    # valves, regulators and stations whose flow bounds exclude 0 pass gas, so are not closed:
    # an open valve or a bypass has p_u = p_v; a regulator in operation p_u ≥ p_v (its
    # reduction ≥ 0 after losses ≥ 0), a station without losses p_v ≥ p_u (ratio ≥ 1); gas
    # against a regulator's or station's direction passes only bypassed; and an element that
    # can only be in operation keeps its inlet minimum and outlet maximum (bypassed, it does
    # not: GasLib's convention)
    for e in np.flatnonzero(np.isin(form.cls, ("valve", "check", "reg", "cs"))):
        a_, b_ = int(md.u[e]), int(md.v[e])
        if form.cls[e] in ("reg", "cs") and tuple(form.modes[e]) == ("active",):
            if np.isfinite(form.p_in_min[e]):
                row([a_], [1.0], float(form.p_in_min[e]) ** 2, np.inf)
            if np.isfinite(form.p_out_max[e]):
                row([b_], [1.0], -np.inf, float(form.p_out_max[e]) ** 2)
        fwd, bwd = form.f_lo[e] > 0.0, form.f_hi[e] < 0.0
        if not (fwd or bwd):
            continue
        c = form.cls[e]
        if c in ("valve", "check") or bwd:
            row([a_, b_], [1.0, -1.0], 0.0, 0.0)
        elif c == "reg":
            row([a_, b_], [1.0, -1.0], 0.0, np.inf)
        elif form.loss_in[e] == 0.0 and form.loss_out[e] == 0.0:
            row([a_, b_], [1.0, -1.0], -np.inf, 0.0)
    for j, e in enumerate(form.law):
        a_, b_, qc = int(md.u[e]), int(md.v[e]), n + int(e)
        lo_q, hi_q = float(form.f_lo[e]), float(form.f_hi[e])
        es_lo, es_hi, k_lo, k_hi = (float(form.es_lo[j]), float(form.es_hi[j]),
                                    float(form.k_lo[j]), float(form.k_hi[j]))
        if lo_q >= 0.0:        # forward only: k_lo·q² ≤ π_u − e^S_lo·π_v, π_u − e^S_hi·π_v ≤ k_hi·q²
            for t in np.linspace(lo_q, hi_q, _TANGENTS):       # q² ≥ 2tq − t²
                row([a_, b_, qc], [1.0, -es_lo, -2.0 * k_lo * t], -k_lo * t * t, np.inf)
            row([a_, b_, qc], [1.0, -es_hi, -k_hi * (lo_q + hi_q)], -np.inf, -k_hi * lo_q * hi_q)
        elif hi_q <= 0.0:      # backward only, mirrored (s = −q ≥ 0)
            lo_s, hi_s = -hi_q, -lo_q
            for t in np.linspace(lo_s, hi_s, _TANGENTS):
                row([b_, a_, qc], [es_hi, -1.0, 2.0 * k_lo * t], -k_lo * t * t, np.inf)
            row([b_, a_, qc], [es_lo, -1.0, k_hi * (lo_s + hi_s)], -np.inf, -k_hi * lo_s * hi_s)
    return R, C, V, np.array(L, float), np.array(U, float), r


#: Tangents of q² per law element with a known direction in the LP of :func:`obbt_round`.
_TANGENTS = 5


def obbt_round(form, deadline: float | None = None) -> tuple[float, float]:
    """One round of optimisation-based bound tightening (module notes) over the LP relaxation
    of the network in π = p² and q, solved by HiGHS: the nominated balance at every node, every
    flow's bounds (a regulator or station may pass gas backwards only bypassed, a check valve
    never), π_u = π_v across short pipes, and for every law element whose flow bounds fix its
    direction the outer tangents of k_lo·q² and the secant of k_hi·q² in that direction.
    A valve, regulator or station couples pressures only where its flow bounds exclude 0 (it
    then passes gas: see :func:`_lp_rows`); any other may be closed.
    Each node's π and each connection's q is minimised and maximised and its bounds move to
    the optima; Gleixner et al.'s trivial filter [1] skips a bound that an earlier optimum
    already attained. Updates ``form``'s node pressure bounds (``p_lo_true``, ``p_hi_true``)
    and flow bounds (``f_lo``, ``f_hi``); returns (narrowing of the pressures [bar], of the
    flows [kg/s])."""
    import time

    import scipy.sparse as sp

    highspy = _highs()
    n, m = form.md.n, form.md.m
    R, C, V, L, U, nr = _lp_rows(form)
    A = sp.csc_matrix((np.asarray(V, float), (np.asarray(R), np.asarray(C))), shape=(nr, n + m))
    plo, phi = np.maximum(form.p_lo_true, 1.0), form.p_hi_true
    qlo = form.f_lo.copy()
    qlo[form.cls == "check"] = np.maximum(qlo[form.cls == "check"], 0.0)
    lo = np.r_[plo ** 2, qlo]
    hi = np.r_[phi ** 2, form.f_hi]
    inf = highspy.kHighsInf
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n + m, nr
    lp.col_cost_ = np.zeros(n + m)
    lp.col_lower_, lp.col_upper_ = lo, hi
    lp.row_lower_ = np.where(np.isfinite(L), L, -inf)
    lp.row_upper_ = np.where(np.isfinite(U), U, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr
    lp.a_matrix_.index_ = A.indices
    lp.a_matrix_.value_ = A.data
    h.passModel(lp)
    # π in bar², flows in kg/s: a bound moves only by more than the LP's tolerance
    eps = np.r_[np.full(n, OBBT_EPS) * np.maximum(phi, 1.0) ** 2, np.full(m, OBBT_EPS)]
    done_lo, done_hi = np.zeros(n + m, dtype=bool), np.zeros(n + m, dtype=bool)
    done_lo[form.held] = done_hi[form.held] = True
    new_lo, new_hi = lo.copy(), hi.copy()
    for x_ in range(n + m):
        if deadline is not None and time.perf_counter() > deadline:
            break
        for sense in (1.0, -1.0):
            done = done_lo if sense > 0 else done_hi
            if done[x_]:
                continue
            h.changeColCost(x_, sense)
            h.run()
            st = h.getModelStatus()
            h.changeColCost(x_, 0.0)
            if st == highspy.HighsModelStatus.kInfeasible:
                raise _Infeasible
            if st != highspy.HighsModelStatus.kOptimal:
                continue
            x = np.asarray(h.getSolution().col_value)
            done_lo |= x <= lo + eps
            done_hi |= x >= hi - eps
            if sense > 0:
                new_lo[x_] = max(lo[x_], x[x_] - eps[x_])
            else:
                new_hi[x_] = min(hi[x_], x[x_] + eps[x_])
    new_lo, new_hi = np.minimum(new_lo, new_hi), np.maximum(new_lo, new_hi)
    p_lo_new, p_hi_new = np.sqrt(new_lo[:n]), np.sqrt(new_hi[:n])
    dp = float(np.sum(p_lo_new - plo) + np.sum(phi - p_hi_new))
    dq = float(np.sum(new_lo[n:] - qlo) + np.sum(form.f_hi - new_hi[n:]))
    form.p_lo_true = np.maximum(form.p_lo_true, p_lo_new)
    form.p_hi_true = np.minimum(form.p_hi_true, p_hi_new)
    form.f_lo, form.f_hi = np.maximum(form.f_lo, new_lo[n:]), new_hi[n:]
    return dp, dq


class _Infeasible(Exception):
    """The LP relaxation has no solution: neither has the network."""


def tighten_bounds(form, time_limit: float = 60.0, max_rounds: int = 8,
                   min_move_bar: float = 0.1, min_move_kg_s: float = 1.0):
    """Narrow ``form``'s pressure and flow bounds in place (module notes); returns a dict of
    what moved."""
    import time

    from linepack.optimization.formulation import coefficient_ranges

    deadline = time.perf_counter() + time_limit
    out = {"rounds": 0, "pressure_bar": 0.0, "flow_kg_s": 0.0, "infeasible": False}
    for _ in range(max_rounds):
        if time.perf_counter() > deadline:
            break
        try:
            dp, dq = obbt_round(form, deadline)
        except _Infeasible:
            out["infeasible"] = True
            break
        f_lo, f_hi = law_flow_bounds(form)
        dq += float(np.sum(form.f_hi - f_hi) + np.sum(f_lo - form.f_lo))
        form.f_lo, form.f_hi = f_lo, f_hi
        coefficient_ranges(form)
        out["rounds"] += 1
        out["pressure_bar"] += dp
        out["flow_kg_s"] += dq
        if dp < min_move_bar and dq < min_move_kg_s:
            break
    return out


def tightened(form, time_limit: float = 60.0):
    """A copy of ``form`` with its bounds narrowed by :func:`tighten_bounds` (``form`` itself
    is left as it is: the exact models and the elastic relaxation keep the limits as given),
    and the dict of what moved (``"infeasible": True`` where the LP relaxation already has no
    solution)."""
    import copy

    out = copy.copy(form)
    info = tighten_bounds(out, time_limit=time_limit)
    return out, info
