"""Nomination validation: operating decisions under which a nomination can be carried.

A *nomination* gives the flow of every entry and exit. Validating it means finding
the states of the valves and the states and set points of the control valves
(regulators) and compressor stations under which a steady state exists with every
pressure, pressure ratio, station power and flow within its limits — or showing
that none was found and by how much the best attempt misses (the problem of
Pfetsch et al. 2015 [1]; GasLib [2] ships its networks with such nominations).

Method
------
The problem is a mixed-integer nonlinear programme. linepack splits it:

* **Discrete states.** Where the network carries GasLib combined decisions
  (``network.meta["combined_decisions"]``, read from a ``.cdf`` file), one decision
  per group fixes which valves, regulators and stations are open, closed, bypassed
  or in operation; they are chosen by coordinate search (first decision of every
  group, then each group's alternatives in turn with the others held, keeping the
  best), scored by the continuous problem below. Elsewhere valves are open (or as
  the ``controls`` argument says) and regulators and stations are *free*: in
  operation, which includes passing gas without changing its pressure.
* **Continuous set points** for one choice of states: a nonlinear programme solved
  by IPOPT [3] through CasADi [4]. Unknowns: the pressure of every node and the mass
  flow of every conducting connection, plus a slack on every pressure bound.
  Constraints: mass balance at every node; the isothermal pipe law with elevation
  and the resistor laws of :mod:`linepack.physics.element_laws`; equal pressures
  across short pipes, open valves and bypasses; for a regulator in operation a
  pressure reduction in [max(Δp_min, 0), Δp_max] after its inlet and outlet losses,
  forward flow, inlet pressure ≥ p_in_min and outlet ≤ p_out_max; for a station in
  operation a pressure ratio in [max(ratio_min, 1), ratio_max], forward flow, the
  isentropic shaft power (as :func:`linepack.physics.compressor.power`) ≤ its limit,
  inlet pressure ≥ p_in_min; flow limits of every connection. Objective: the total
  pressure-bound violation in bar (zero when the nomination is carried), plus
  10⁻³ × the total station pressure lift in bar (least compression among the
  feasible set points). Bounds are tightened by ``margin_bar`` so that the check
  by simulation below does not fail on rounding.
* **Exact physics.** λ and Z enter the pipe law as parameters
  (:func:`~linepack.physics.element_laws.isothermal_pipe_coefficients`) and are
  refreshed from the solution until no law changes by more than 10⁻⁹·p_ref²
  (about 10⁻⁷ bar); at that fixed point the programme satisfies the same laws as
  :func:`linepack.simulate`.
* **Check by simulation.** The set points become :class:`~linepack.Controls`
  (one station or regulator holding its outlet pressure per part of the network
  between stations and regulators, the others their flow; a part with no such
  element gets a held pressure at one node, from the programme) and the case is
  simulated. The result reported is that simulation's.

* **Repair.** Where the best choice still gives up a limit of a regulator or station
  that no decision and no user control sets (a regulator in operation always loses its
  inlet and outlet losses, say), that element is tried closed, largest shortfall first,
  at most ``max_repairs`` times; a closure is kept where it lowers the violation.

The discrete search is a heuristic: a nomination it cannot validate may still be
feasible with other decisions. With combined decisions the search stops at the
first choice without violation or after ``max_choices`` programmes.

References
----------
.. [1] Pfetsch, M. E., et al. (2015). Validation of nominations in gas network
   optimization: models, methods, and solutions. *Optimization Methods and
   Software* 30(1), 15–53. doi:10.1080/10556788.2014.888426
.. [2] Schmidt, M., et al. (2017). GasLib — A Library of Gas Network Instances.
   *Data* 2(4), 40. doi:10.3390/data2040040
.. [3] Wächter, A., Biegler, L. T. (2006). On the implementation of an
   interior-point filter line-search algorithm for large-scale nonlinear
   programming. *Mathematical Programming* 106, 25–57.
.. [4] Andersson, J. A. E., et al. (2019). CasADi: a software framework for
   nonlinear optimization and optimal control. *Mathematical Programming
   Computation* 11, 1–36.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from linepack import interrupts
from linepack.errors import InputError, LinepackError
from linepack.network.network import Controls, Network, Scenario
from linepack.physics import element_laws as laws
from linepack.units import BAR

__all__ = ["validate_nomination", "NominationResult"]

_LAW_GAP = 1e-9            # refresh of λ, Z: stop when no law changes by more than this × p_ref²
_MAX_REFRESH = 8
_LIFT_WEIGHT = 1e-3        # objective weight of the station lift [per bar]
_FREE = ("controlValve", "compressorStation")
_FLOW_UNIT = 10.0          # kg/s of wrong-way flow that weigh as much as 1 bar of violation


@dataclass(frozen=True)
class NominationResult:
    """Outcome of :func:`validate_nomination`.

    Attributes
    ----------
    feasible : bool
        The simulation with ``controls`` converged and respects every limit.
    controls : Controls
        The states and set points found (for the best choice tried).
    scenario : Scenario
        The nomination with the held pressures the controls need (a part of the
        network without a station or regulator holding a pressure gets one node
        held at the programme's pressure).
    result : SteadyResult or None
        The simulation under ``controls``; None when it failed (see ``error``).
    violation_bar : float
        The programme's total pressure-bound violation for the best choice [bar].
    violations : list of str
        Limits the simulation violates (empty when feasible).
    shortfalls : list of (float, str)
        The programme's view of what binds: each limit it had to give up, with the
        amount (weighted as in the objective: bar; a station's power as a share of its
        maximum × 10; wrong-way flow per 10 kg/s), largest first.
    p_bar : Series
        The programme's pressures by node [bar, absolute].
    choice : list of int
        The decision taken in each combined-decision group (empty without groups).
    programmes : int
        Nonlinear programmes solved (each with its λ, Z refreshes).
    seconds : float
        Wall time of the whole validation.
    error : LinepackError or None
        Why the simulation under ``controls`` failed, if it did.
    """

    feasible: bool
    controls: Controls
    scenario: Scenario
    result: Any = field(repr=False)
    violation_bar: float
    violations: list
    shortfalls: list
    p_bar: pd.Series = field(repr=False)
    choice: list
    programmes: int
    seconds: float
    error: Exception | None = field(repr=False, default=None)


def _casadi():
    try:
        import casadi
    except ImportError:  # pragma: no cover - exercised where the extra is absent
        raise LinepackError("nomination validation needs CasADi (IPOPT): "
                            "pip install 'linepack[optimize]'") from None
    return casadi


# --------------------------------------------------------------------------------------
# one choice of discrete states: the nonlinear programme
# --------------------------------------------------------------------------------------
class _Programme:
    """The continuous programme for fixed element modes (``mode`` per connection)."""

    def __init__(self, md, mode: np.ndarray, margin_bar: float, p_start, m_start):
        ca = _casadi()
        self.md, self.mode = md, mode
        kind = md.kind
        conducting = mode != "closed"
        self.edges = np.flatnonzero(conducting)
        e = self.edges
        n, ne = md.n, e.size
        u, v = md.u[e], md.v[e]
        self.fs = md.flow_scale                          # kg/s per unit of the flow unknown
        p_ref = md.p_ref / BAR
        P = ca.SX.sym("p", n)                            # bar, absolute
        M = ca.SX.sym("m", ne)                           # flow / fs
        k_e = kind[e]
        md_ = mode[e]
        pipe = np.flatnonzero(k_e == "pipe")
        drag = np.flatnonzero((k_e == "resistor") & np.isfinite(md.drag[e]) & (md.drag[e] > 0))
        const = np.flatnonzero((k_e == "resistor") & np.isfinite(md.dp_const[e])
                               & ~np.isfinite(md.drag[e]))
        law = np.concatenate([pipe, drag])
        self.pipe, self.drag, self.law = pipe, drag, law
        active = md_ == "active"
        reg = np.flatnonzero(active & (k_e == "controlValve"))
        cs = np.flatnonzero(active & (k_e == "compressorStation"))
        equal = np.flatnonzero(~np.isin(np.arange(ne), np.concatenate([law, const, reg, cs])))
        self.reg, self.cs = reg, cs
        ES = ca.SX.sym("es", law.size)
        K = ca.SX.sym("k", law.size)                     # bar² per (flow unit)²
        PW = ca.SX.sym("pw", cs.size)                    # W per (flow unit) per (r^e − 1)
        EXP = ca.SX.sym("ex", cs.size)                   # (κ − 1)/κ
        EPS2 = ca.SX.sym("eps2")                         # |m| ≈ √(m² + ε²) (flow units²)
        g, lbg, ubg = [], [], []

        slacks, weights = [], []

        def rows(expr, lo, hi):
            g.append(expr)
            lbg.append(np.broadcast_to(lo, (expr.shape[0],)).astype(float))
            ubg.append(np.broadcast_to(hi, (expr.shape[0],)).astype(float))

        self.labels, self.row_edge = [], []

        def at_least(expr, lo, weight, what, edges=None, nodes=None):
            """expr ≥ lo, elastic: a slack ≥ 0 makes up any shortfall at ``weight`` per unit
            (the connection or node of each row and ``what`` limit it is, for the report)."""
            sl = ca.SX.sym("s", expr.shape[0])
            slacks.append(sl)
            if edges is not None:
                names = [f"{md.kind[i]} '{md.edge_ids[i]}'" for i in edges]
                self.row_edge += [int(i) for i in edges]
            else:
                names = [f"node '{md.node_ids[i]}'" for i in nodes]
                self.row_edge += [-1] * len(nodes)
            self.labels += [f"{nm} {what}" for nm in names]
            weights.append(np.full(expr.shape[0], weight))
            rows(expr + sl, lo, np.inf)

        # mass balance: one row per node, except held nodes and one node per part (the
        # balance of a part is implied by its nominations; it is checked up front)
        A = sp.csr_matrix((np.r_[np.ones(ne), -np.ones(ne)],
                           (np.r_[v, u], np.r_[np.arange(ne), np.arange(ne)])), shape=(n, ne))
        keep = self._balance_rows(md, u, v)
        if keep.size:
            Ak = A[keep].tocsc()
            rows(ca.mtimes(ca.DM(Ak), M) + md.inj[keep] / self.fs, 0.0, 0.0)
        if law.size:
            mu_, mv_ = u[law], v[law]
            ml = M[law.tolist()]
            rows((P[mu_.tolist()] ** 2 - ES * P[mv_.tolist()] ** 2
                  - K * ml * ca.sqrt(ml ** 2 + EPS2)) / p_ref ** 2, 0.0, 0.0)
        if const.size:
            mc = M[const.tolist()]
            dp = md.dp_const[e[const]] / BAR
            rows(P[u[const].tolist()] - P[v[const].tolist()] - dp * mc / ca.sqrt(mc ** 2 + EPS2),
                 0.0, 0.0)
        if equal.size:
            rows(P[u[equal].tolist()] - P[v[equal].tolist()], 0.0, 0.0)
        li = np.nan_to_num(md.loss_in[e] / BAR)
        lo = np.nan_to_num(md.loss_out[e] / BAR)
        conns = md.net.connections
        col = lambda c, idx: conns[c].to_numpy(float)[e[idx]]  # noqa: E731
        if reg.size:
            dmin = np.fmax(np.nan_to_num(col("dp_min_pa", reg) / BAR), 0.0)
            dmax = np.where(np.isfinite(col("dp_max_pa", reg)), col("dp_max_pa", reg) / BAR, np.inf)
            drop = P[u[reg].tolist()] - li[reg] - P[v[reg].tolist()] - lo[reg]
            at_least(drop, dmin, 1.0, "pressure reduction below its minimum [bar]", edges=e[reg])
            rows(drop, -np.inf, dmax)
        if cs.size:
            pin = P[u[cs].tolist()] - li[cs]
            pout = P[v[cs].tolist()] + lo[cs]
            rmin = np.fmax(np.nan_to_num(col("ratio_min", cs), nan=1.0), 1.0)
            rmax = col("ratio_max", cs) * (1.0 - 1e-6)
            at_least(pout - rmin * pin, 0.0, 1.0, "pressure ratio below its minimum [bar]", edges=e[cs])
            fin = np.flatnonzero(np.isfinite(rmax))
            if fin.size:
                at_least(rmax[fin] * pin[fin.tolist()] - pout[fin.tolist()], 0.0, 1.0,
                         "pressure ratio above its maximum [bar]", edges=e[cs[fin]])
            rows(pin, 1.0, np.inf)
            pmax = col("power_max_w", cs)
            fin = np.flatnonzero(np.isfinite(pmax))
            if fin.size:
                ratio = pout[fin.tolist()] / pin[fin.tolist()]
                power = PW[fin.tolist()] * M[cs[fin].tolist()] * (ratio ** EXP[fin.tolist()] - 1.0)
                at_least(1.0 - 1e-4 - power / pmax[fin], 0.0, 10.0, "power above its maximum [share]",
                         edges=e[cs[fin]])
        # element pressure limits wherever gas passes (in operation or bypassed)
        passed = np.flatnonzero(np.isin(k_e, _FREE) & (md_ == "bypass"))
        for idx in (reg, cs, passed):
            if not idx.size:
                continue
            pin_min = col("p_in_min_pa", idx) / BAR
            f = np.flatnonzero(np.isfinite(pin_min))
            if f.size:
                at_least(P[u[idx[f]].tolist()], pin_min[f] + margin_bar, 1.0,
                         "inlet pressure below its minimum [bar]", edges=e[idx[f]])
            pout_max = col("p_out_max_pa", idx) / BAR
            f = np.flatnonzero(np.isfinite(pout_max))
            if f.size:
                at_least(-P[v[idx[f]].tolist()], margin_bar - pout_max[f], 1.0,
                         "outlet pressure above its maximum [bar]", edges=e[idx[f]])
        closed_valve = np.flatnonzero((kind == "valve") & (mode == "closed")
                                      & np.isfinite(conns["dp_max_pa"].to_numpy(float)))
        if closed_valve.size:
            dpm = conns["dp_max_pa"].to_numpy(float)[closed_valve] / BAR
            dif = P[md.u[closed_valve].tolist()] - P[md.v[closed_valve].tolist()]
            what = "closed: pressure difference above its maximum [bar]"
            at_least(dif, -dpm, 1.0, what, edges=closed_valve)
            at_least(-dif, -dpm, 1.0, what, edges=closed_valve)

        # pressure bounds with slacks (bar), tightened by the margin where the range allows
        pmin, pmax = md.p_min / BAR, md.p_max / BAR
        width = np.where(np.isfinite(pmin) & np.isfinite(pmax), pmax - pmin, np.inf)
        mg = np.minimum(margin_bar, 0.25 * width)
        lo_b = np.flatnonzero(np.isfinite(pmin))
        hi_b = np.flatnonzero(np.isfinite(pmax))
        if lo_b.size:
            at_least(P[lo_b.tolist()], pmin[lo_b] + mg[lo_b], 1.0, "pressure below its minimum [bar]",
                     nodes=lo_b)
        if hi_b.size:
            at_least(-P[hi_b.tolist()], mg[hi_b] - pmax[hi_b], 1.0, "pressure above its maximum [bar]",
                     nodes=hi_b)

        # variable bounds
        fmin = conns["flow_min_kg_s"].to_numpy(float)[e] / self.fs
        fmax = conns["flow_max_kg_s"].to_numpy(float)[e] / self.fs
        m_lb = np.where(np.isfinite(fmin), fmin, -np.inf)
        m_ub = np.where(np.isfinite(fmax), fmax, np.inf)
        check = np.flatnonzero((k_e == "checkValve") & (md_ != "closed"))
        fwd = np.concatenate([reg, cs, check])
        if fwd.size:  # regulators and stations in operation, and check valves, pass gas forward only
            at_least(M[fwd.tolist()] * (self.fs / _FLOW_UNIT), 0.0, 1.0,
                     f"flow against its direction [{_FLOW_UNIT:g} kg/s]", edges=e[fwd])
        lift = ca.sum1(P[v[cs].tolist()] - P[u[cs].tolist()]) if cs.size else 0.0
        S = ca.vertcat(*slacks)
        self.weights = np.concatenate(weights) if weights else np.zeros(0)
        obj = ca.dot(ca.DM(self.weights), S) + _LIFT_WEIGHT * lift
        p_top = np.nanmax(np.r_[pmax, md.fixed_value / BAR, p_ref]) * 2.0
        p_lb = np.full(n, 1.0)
        p_ub = np.full(n, p_top)
        held = md.held
        p_lb[held] = p_ub[held] = md.held_value[held] / BAR
        ns = self.weights.size
        x = ca.vertcat(P, M, S)
        self.lbx = np.r_[p_lb, m_lb, np.zeros(ns)]
        self.ubx = np.r_[p_ub, m_ub, np.full(ns, np.inf)]
        self.lbg, self.ubg = np.concatenate(lbg), np.concatenate(ubg)
        par = ca.vertcat(ES, K, PW, EXP, EPS2)
        nlp = {"x": x, "f": obj, "g": ca.vertcat(*g), "p": par}
        opts = {"ipopt.print_level": 0, "print_time": False, "ipopt.sb": "yes",
                "ipopt.tol": 1e-9, "ipopt.constr_viol_tol": 1e-9, "ipopt.max_iter": 3000,
                "ipopt.mu_strategy": "adaptive"}
        self.cold = ca.nlpsol("nomination", "ipopt", nlp, opts)
        # the refresh rounds start from the previous optimum and its multipliers
        self.warm = ca.nlpsol("nomination_warm", "ipopt", nlp, {
            **opts, "ipopt.warm_start_init_point": "yes", "ipopt.mu_init": 1e-6,
            "ipopt.warm_start_bound_push": 1e-9, "ipopt.warm_start_mult_bound_push": 1e-9})
        if not np.any(m_start[e]) and keep.size:   # minimum-norm flows that meet the balances
            m_start = np.zeros(md.m)
            m_start[e] = spla.lsqr(Ak, -md.inj[keep], atol=1e-10, btol=1e-10)[0]
        self.x0 = np.r_[np.clip(p_start, p_lb, p_ub), np.clip(m_start[e] / self.fs, m_lb, m_ub),
                        np.zeros(ns)]

    @staticmethod
    def _balance_rows(md, u, v) -> np.ndarray:
        lab = _parts(md.n, u, v)
        nc = lab.max() + 1
        drop = np.zeros(md.n, dtype=bool)
        drop[md.held] = True
        for c in range(nc):
            members = np.flatnonzero(lab == c)
            if drop[members].any():
                continue
            total = float(np.sum(md.inj[members]))
            if abs(total) > 1e-6 * md.flow_scale + 1e-9:
                names = ", ".join(f"'{md.node_ids[i]}'" for i in members[:5])
                raise InputError(f"nodes {names}{' and more' if members.size > 5 else ''} form a part "
                                 f"of the network (under these valve states) whose nominations do not "
                                 f"balance: {total:+.6g} kg/s; entries must equal exits")
            drop[members[np.argmax(np.abs(md.inj[members]))]] = True
        return np.flatnonzero(~drop)

    def coefficients(self, p_bar, m):
        """(e^S, k, power factor, exponent) of the laws at pressures ``p_bar`` and flows ``m`` (SI)."""
        md, e = self.md, self.edges
        el = e[self.law]
        es, k = np.ones(self.law.size), np.zeros(self.law.size)
        pu, pv = p_bar[md.u[el]] * BAR, p_bar[md.v[el]] * BAR
        mm = m[el]
        ip = slice(0, self.pipe.size)
        ep = el[ip]
        if ep.size:
            pm = laws.mean_pressure(pu[ip], pv[ip])[0]
            z = md.eos.z(pm, md.T, md.gas)
            mu = md.visc.mu(pm, md.T, md.gas)
            d = md.diameter[ep]
            re = np.maximum(4.0 * np.abs(mm[ip]) / (np.pi * d * mu), 1e3)
            lam = md.friction.factor_re(re, md.roughness[ep] / d, d) / re
            es[ip], k[ip] = laws.isothermal_pipe_coefficients(
                lam, z, md.length[ep], d, md.zeta[ep], md.height[md.v[ep]] - md.height[md.u[ep]],
                md.T, md.R)
        ir = slice(self.pipe.size, None)
        er = el[ir]
        if er.size:
            up = mm[ir] >= 0
            p_up = np.where(up, pu[ir], pv[ir])
            z_up = md.eos.z(p_up, md.T, md.gas)
            coef = 8.0 * md.drag[er] * md.R * z_up * md.T / (np.pi ** 2 * md.diameter[er] ** 4)
            k[ir] = coef * (pu[ir] + pv[ir]) / p_up       # (p₁ − p₂)·p_up = coef·m|m| in p² form
        k = k * self.fs ** 2 / BAR ** 2
        ec = e[self.cs]
        p_s = np.maximum(p_bar[md.u[ec]] * BAR - md.loss_in[ec], BAR)
        kappa = md.kappa(p_s)
        ex = (kappa - 1.0) / kappa
        eta = np.where(np.isfinite(md.efficiency[ec]), md.efficiency[ec], md.default_efficiency)
        pw = md.eos.z(p_s, md.T, md.gas) * md.R * md.T / ex / eta * self.fs
        return es, k, pw, ex

    def solve(self, p_bar, m):
        """Solve, refreshing λ and Z from the solution until the frozen laws hold with the
        refreshed ones (to :data:`_LAW_GAP` of p_ref², at most :data:`_MAX_REFRESH` rounds: where
        the optimum is not unique, e.g. flows round a loop of an infeasible case, the rounds may
        not settle further); returns (p_bar, m, violation, IPOPT's success)."""
        md = self.md
        x0 = self.x0
        coef = self.coefficients(p_bar, m)
        success = False
        lam = {}
        for k in range(_MAX_REFRESH):
            # the first solve smooths |m| over 0.1 % of the flow scale, the rounds after it over 1e-6
            eps2 = 1e-6 if k == 0 else 1e-12
            solver = self.cold if k == 0 else self.warm
            with interrupts.watched():    # CasADi drops Ctrl-C/SIGTERM: raise it after the solve
                sol = solver(x0=x0, p=np.r_[np.concatenate(coef), eps2], lbx=self.lbx, ubx=self.ubx,
                             lbg=self.lbg, ubg=self.ubg, **lam)
            success = bool(solver.stats()["success"])
            x0 = np.asarray(sol["x"]).ravel()
            lam = {"lam_x0": sol["lam_x"], "lam_g0": sol["lam_g"]}
            p_bar = x0[:md.n]
            m = np.zeros(md.m)
            m[self.edges] = x0[md.n:md.n + self.edges.size] * self.fs
            new = self.coefficients(p_bar, m)
            # the change of each law (bar²) when λ, Z, e^S take their values at this solution
            el = self.edges[self.law]
            mm = m[el] / self.fs
            gap = np.abs((new[0] - coef[0]) * p_bar[md.v[el]] ** 2 + (new[1] - coef[1]) * mm * np.abs(mm))
            coef = new
            if k > 0 and (not gap.size or gap.max() <= _LAW_GAP * (md.p_ref / BAR) ** 2):
                break
        slack = x0[md.n + self.edges.size:]
        viol = float(self.weights @ slack)
        given = sorted(((float(w * x), lab, el) for w, x, lab, el
                        in zip(self.weights, slack, self.labels, self.row_edge) if w * x > 1e-6),
                       key=lambda t: -t[0])
        self.shortfalls = [(a, lab) for a, lab, _ in given]
        self.shortfall_edges = [el for _, _, el in given]   # connection of each (−1: a node)
        return p_bar, m, viol, success


# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def _modes(md, groups, choice, controls: Controls | None, closed=()) -> np.ndarray:
    """Mode per connection: the user's controls, then the chosen decisions, then the free
    regulators and stations the repair closed (``closed``: positions); valves open and
    regulators/stations free ("active") elsewhere; law elements ""."""
    mode = np.full(md.m, "", dtype=object)
    mode[md.kind == "valve"] = "open"
    mode[np.isin(md.kind, _FREE)] = "active"
    mode[md.kind == "checkValve"] = "open"
    ids = md.edge_ids
    if controls is not None and len(controls.table):
        tab = controls.table
        where = ids.get_indexer(tab.index)
        for i, cid, m_ in zip(where.tolist(), tab.index, tab["mode"]):
            if i < 0:
                raise InputError(f"controls: connection '{cid}' is not in the network")
            mode[i] = "open" if m_ == "auto" else m_
    for g, k in zip(groups, choice):
        for eid, m_ in g["decisions"][k]["controls"].items():
            i = ids.get_indexer([eid])[0]
            if i >= 0:
                mode[i] = m_
    mode[list(closed)] = "closed"
    return mode


def _parts(n, u, v) -> np.ndarray:
    """Label of the connected part of every node, joined by the connections (u, v)."""
    from scipy.sparse.csgraph import connected_components

    adj = sp.coo_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    return connected_components(adj, directed=False)[1]


def _controls_and_scenario(md, mode, p_bar, m, scenario: Scenario):
    """Controls holding the programme's set points, and the scenario with the held pressures
    the parts without a pressure-holding element need (see the module notes)."""
    # IPOPT meets bounds to its tolerance: a flow a hair outside its element's limits is put on them
    conns = md.net.connections
    m = np.clip(m, np.nan_to_num(conns["flow_min_kg_s"].to_numpy(float), nan=-np.inf),
                np.nan_to_num(conns["flow_max_kg_s"].to_numpy(float), nan=np.inf))
    active = np.flatnonzero(mode == "active")
    tiny = active[(m[active] < 0) & (m[active] > -1e-5 * md.flow_scale)]
    m[tiny] = 0.0    # in operation: forward only (the programme's tolerance aside)
    passing = np.flatnonzero((mode != "closed") & (mode != "active"))
    lab = _parts(md.n, md.u[passing], md.v[passing])
    anchored = np.zeros(lab.max() + 1, dtype=bool)
    anchored[lab[md.held]] = True
    rows, holding = [], []
    for i in active[np.argsort(-m[active], kind="stable")]:
        c = lab[md.v[i]]
        if not anchored[c] and m[i] >= 0:
            anchored[c] = True
            holding.append((i, len(rows)))
            rows.append({"id": md.edge_ids[i], "mode": "active", "setpoint": "p_out",
                         "value": float(p_bar[md.v[i]] * BAR)})
        else:
            rows.append({"id": md.edge_ids[i], "mode": "active", "setpoint": "flow",
                         "value": float(m[i])})
    for i in np.flatnonzero(np.isin(mode, ("closed", "bypass", "open"))):
        if md.kind[i] in ("valve", "controlValve", "compressorStation"):
            rows.append({"id": md.edge_ids[i], "mode": mode[i]})
    # the simulation joins the two sides of an element holding its outlet pressure into one
    # part, and wants a held pressure in each such part: one node, at the programme's pressure
    joined = np.r_[passing, np.asarray([h for h, _ in holding], dtype=np.int64)]
    island = _parts(md.n, md.u[joined], md.v[joined])
    has = np.zeros(island.max() + 1, dtype=bool)
    has[island[md.held]] = True
    nodes = scenario.nodes.copy()
    for c in np.flatnonzero(~has):
        members = np.flatnonzero(island == c)
        free = members[~anchored[lab[members]]]
        if free.size:   # the one part of the island that no element holds
            i = int(free[np.argmax(md.inj[free])])
        else:           # the holding elements form a loop: one of them passes its flow instead
            e, r = next((h, r) for h, r in holding if island[md.v[h]] == c)
            rows[r].update(setpoint="flow", value=float(m[e]))
            i = int(md.v[e])
        nodes.loc[md.node_ids[i], "p_fixed_pa"] = float(p_bar[i] * BAR)
    return Controls(pd.DataFrame(rows) if rows else None), scenario.evolve(nodes=nodes)


def validate_nomination(network: Network, scenario: Scenario | None = None, controls: Controls | None = None,
                        *, max_choices: int = 16, max_repairs: int = 4, margin_bar: float = 0.01,
                        friction: Any = None, eos: Any = None, viscosity: Any = None,
                        gas: Any = None, temperature: float | None = None) -> NominationResult:
    """Find valve states and regulator/station set points that carry a nomination.

    See the module notes for the method, its references and its limits.

    Parameters
    ----------
    network, scenario : Network, Scenario
        The nomination: inflows at entries and exits; held pressures where given
        (a GasLib nomination gives none: the pressures are the programme's to choose
        within their bounds).
    controls : Controls or mapping, optional
        States to keep (e.g. valves known to be closed); modes only, set points are chosen.
        A mapping in the file format is read by :meth:`Controls.from_dict`.
    max_choices : int
        Programmes tried over the combined decisions (GasLib ``.cdf``).
    max_repairs : int
        Free regulators and stations (set by no decision and no control) tried closed after
        that, where the best programme gives up one of their own limits.
    margin_bar : float
        Pressure bounds are tightened by this much in the programme. [bar]
    friction, eos, viscosity, gas, temperature
        Physics, as in :func:`linepack.simulate` (the check simulation uses the same);
        friction and eos default to the case's options, else ``"nikuradse"`` and ``"papay"``.

    ``network`` may be a :class:`~linepack.Case`: its network, selected scenario
    (where ``scenario`` is None), controls and options are used.

    Returns
    -------
    NominationResult

    Raises
    ------
    InputError
        Bad input (named), or a part of the network whose nominations do not balance.
    LinepackError
        CasADi is not installed (``pip install 'linepack[optimize]'``).
    """
    from linepack.network import arguments as arg
    from linepack.problems import model, steady
    from linepack.problems.capacity import check_limits

    from linepack.network.case import unpack_case

    network, scenario, controls, kw = unpack_case(
        network, scenario, controls, dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas,
                                          temperature=temperature), steady.SIMULATE_DEFAULTS)
    friction, eos, viscosity, gas, temperature = (kw[k] for k in ("friction", "eos", "viscosity", "gas",
                                                                  "temperature"))
    f = "validate_nomination"
    arg.check_network(f, network)
    arg.check_scenario(f, scenario)
    controls = arg.check_controls(f, controls, network)
    max_choices = arg.check_integer(f, "max_choices", max_choices, lower=1)
    max_repairs = arg.check_integer(f, "max_repairs", max_repairs, lower=0)
    margin_bar = arg.check_number(f, "margin_bar", margin_bar, lower=0.0, unit="bar")
    arg.check_physics(f, gas=gas, temperature=temperature)
    _casadi()
    t0 = time.perf_counter()
    if scenario is None:
        raise InputError("nomination validation needs a scenario (the nomination)")
    physics = model.resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = model.NetworkModel(network, scenario, physics, steady.SteadyOptions())
    _prepare(md)
    groups = network.meta.get("combined_decisions") or []
    choice = [0] * len(groups)
    p0 = np.where(np.isfinite(md.p_max) & np.isfinite(md.p_min), 0.5 * (md.p_min + md.p_max),
                  md.p_ref) / BAR
    p0[md.held] = md.held_value[md.held] / BAR
    m0 = np.zeros(md.m)
    n_prog = 0

    def run(ch, p_start, m_start, closed=()):
        nonlocal n_prog
        mode = _modes(md, groups, ch, controls, closed)
        try:
            prog = _Programme(md, mode, margin_bar, p_start, m_start)
        except InputError:
            if groups:   # a decision that splits off a part with unbalanced nominations
                return np.inf, None
            raise
        n_prog += 1
        p, m, viol, ok = prog.solve(p_start, m_start)
        return (viol if ok else np.inf), (mode, p, m, prog.shortfalls, prog.shortfall_edges)

    best, state = run(choice, p0, m0)
    for gi, g in enumerate(groups):
        if best <= 1e-6 or n_prog >= max_choices:
            break
        for k in range(1, len(g["decisions"])):
            if n_prog >= max_choices:
                break
            trial = list(choice)
            trial[gi] = k
            start = (state[1], state[2]) if state is not None else (p0, m0)
            viol, st = run(trial, *start)
            if viol < best:
                choice, best, state = trial, viol, st
                if best <= 1e-6:
                    break
    if state is None:
        raise LinepackError("nomination validation: the programme failed for every choice of "
                            "decisions tried (IPOPT did not converge)")
    # repair: a regulator or station that no decision and no user control sets, whose own
    # limits the best programme gives up (e.g. a reduction below its inlet and outlet losses),
    # is tried closed, largest shortfall first
    named = {i for g in groups for d in g["decisions"] for i in md.edge_ids.get_indexer(list(d["controls"]))}
    if controls is not None and len(controls.table):
        named |= set(md.edge_ids.get_indexer(controls.table.index))
    free = set(np.flatnonzero(np.isin(md.kind, _FREE)).tolist()) - named
    closed, tried = [], set()
    while best > 1e-6 and len(tried) < max_repairs:
        cand = next((i for i in state[4] if i in free and i not in tried), None)
        if cand is None:
            break
        tried.add(cand)
        viol, st = run(choice, state[1], state[2], closed + [cand])
        if viol < best:
            best, state = viol, st
            closed.append(cand)
    mode, p, m, shortfalls, _ = state
    ctl, scn = _controls_and_scenario(md, mode, p, m, scenario)
    result, err, viols = None, None, []
    try:
        result = steady.simulate(network, scn, ctl, friction=friction, eos=eos, viscosity=viscosity,
                                 gas=gas, temperature=temperature)
        viols = check_limits(network, result, tol_bar=1e-6)
    except LinepackError as exc:
        err = exc
    feasible = result is not None and not viols
    return NominationResult(feasible, ctl, scn, result, best, viols, shortfalls,
                            pd.Series(p, index=md.node_ids, name="p_bar"),
                            choice if groups else [], n_prog, time.perf_counter() - t0, err)


def _prepare(md) -> None:
    """Held pressures (only the scenario's own), κ and η defaults on the model."""
    from linepack.physics import eos as eos_mod
    from linepack.problems import steady

    md.held = np.asarray(md.fixed if not md.reference_note else [], dtype=np.int64)
    md.held_value = np.full(md.n, np.nan)
    md.held_value[md.held] = md.fixed_value if not md.reference_note else []
    md.default_efficiency = steady.DEFAULT_EFFICIENCY
    if getattr(md.gas, "heat_capacity_coefficients", None) is None:
        md.kappa = lambda p: np.full(np.shape(p), steady.DEFAULT_ISENTROPIC_EXPONENT)
    else:
        md.kappa = lambda p: eos_mod.isentropic_exponent(p, md.T, md.gas)
