"""The exact programme for fixed discrete states: IPOPT through CasADi.

For one choice of modes (valves open/closed, regulators and stations in operation, bypassed or
closed) the continuous set points are the solution of a nonlinear programme [1, 2]. Unknowns:
the pressure of every node and the mass flow of every conducting connection, plus a slack on
every limit. Constraints: mass balance at every node; the isothermal pipe law with elevation and
the resistor laws of :mod:`linepack.physics.element_laws`; equal pressures across short pipes,
open valves and bypasses; for a regulator in operation a pressure reduction in
[max(Δp_min, 0), Δp_max] after its inlet and outlet losses, forward flow, inlet pressure ≥
p_in_min and outlet ≤ p_out_max; for a station in operation a pressure ratio in
[max(ratio_min, 1), ratio_max], forward flow, the isentropic shaft power (as
:func:`linepack.physics.compressor.power`) ≤ its limit, inlet pressure ≥ p_in_min; flow limits of
every connection. Objective: the total limit violation (bar; power as a share of its maximum
× 10; wrong-way flow per 10 kg/s), zero when every limit holds, plus 10⁻³ × the total station
lift in bar (``objective="lift"``) or 10⁻³ × the total shaft power in MW (``"power"``).

λ and Z enter the pipe law as parameters
(:func:`~linepack.physics.element_laws.isothermal_pipe_coefficients`) and are refreshed from
the solution until no law changes by more than 10⁻⁹·p_ref² (about 10⁻⁷ bar); at that fixed point
the programme satisfies the same laws as :func:`linepack.simulate`.

References
----------
.. [1] Wächter, A., Biegler, L. T. (2006). On the implementation of an interior-point filter
   line-search algorithm for large-scale nonlinear programming. *Mathematical Programming* 106,
   25–57.
.. [2] Andersson, J. A. E., et al. (2019). CasADi: a software framework for nonlinear
   optimization and optimal control. *Mathematical Programming Computation* 11, 1–36.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from linepack import interrupts
from linepack.errors import InputError
from linepack.optimization.formulation import law_coefficients
from linepack.units import BAR

__all__ = ["FixedStateNLP", "prepare", "parts"]

_LAW_GAP = 1e-9            # refresh of λ, Z: stop when no law changes by more than this × p_ref²
_MAX_REFRESH = 8
#: IPOPT iterations of a refresh round (a warm start from the previous round's optimum needs
#: 5–40 on GasLib-582; a round that needs more is stopped, and the last round's point kept)
_WARM_MAX_ITER = 300
_LIFT_WEIGHT = 1e-3        # objective weight of the station lift [per bar]
_POWER_WEIGHT = 1e-3       # objective weight of the station shaft power [per MW]
_FREE = ("controlValve", "compressorStation")
#: A part of the network balances when entries and exits agree to this share of the flow scale
#: (GasLib nominations are rounded: GasLib-134's differ by up to ~10⁻⁴); the node left out of
#: the balance rows (or the held one) takes the rest. [-]
BALANCE_TOL = 1e-3
_FLOW_UNIT = 10.0          # kg/s of wrong-way flow that weigh as much as 1 bar of violation
#: A programme's weighted total violation (bar, shares, flow units) at or below this counts as
#: none: above the programmes' accuracy (IPOPT's tolerances 1e-9), below any limit worth naming.
NO_VIOLATION = 1e-6
#: Solvers a sweep's cache keeps (structures of modes and bounds; the oldest is dropped).
CACHE_SIZE = 64


def _casadi():
    try:
        import casadi
    except ImportError:
        from linepack.optimization.minlp import INSTALL_HINT

        raise InputError("the optimisation problems need CasADi (IPOPT), from the extra 'minlp': "
                         f"{INSTALL_HINT}") from None
    return casadi


def parts(n, u, v) -> np.ndarray:
    """Label of the connected part of every node, joined by the connections (u, v)."""
    from scipy.sparse.csgraph import connected_components

    adj = sp.coo_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    return connected_components(adj, directed=False)[1]


def prepare(md) -> None:
    """Held pressures (only the scenario's own), κ and η defaults on the model."""
    from linepack.physics import eos as eos_mod
    from linepack.problems import model

    md.held = np.asarray(md.fixed if not md.reference_note else [], dtype=np.int64)
    md.held_value = np.full(md.n, np.nan)
    md.held_value[md.held] = md.fixed_value if not md.reference_note else []
    md.default_efficiency = model.DEFAULT_EFFICIENCY
    if getattr(md.gas, "heat_capacity_coefficients", None) is None:
        md.kappa = lambda p: np.full(np.shape(p), model.DEFAULT_ISENTROPIC_EXPONENT)
    else:
        md.kappa = lambda p: eos_mod.isentropic_exponent(p, md.T, md.gas)


class FixedStateNLP:
    """The continuous programme for fixed element modes (``mode`` per connection)."""

    def __init__(self, md, mode: np.ndarray, margin_bar: float, p_start, m_start, objective: str = "lift",
                 max_seconds: float | None = None, cache: dict | None = None, fuel=None,
                 station_weight=None):
        """``cache``: a dict shared by the programmes of one network (a sweep of nominations):
        IPOPT's solvers are built once per structure (the modes, the balance rows, the nodes
        with pressure bounds, the held nodes) and reused; the nomination's flows, its flow scale
        and reference pressure enter them as parameters, its bounds as numbers. A cached solver
        keeps the wall-time limit of ``cache["max_seconds"]`` (else that of its first use).

        ``fuel``: (η_drive — one number, or an array by connection —, LHV [J/kg], fuel node
        position per connection) — every station in
        operation then draws shaft power / (η_drive · LHV) at its fuel node in the mass balance
        (:mod:`linepack.problems.fuel`), supplied by the held node, else by the largest entry of
        its part (the node simulate's check holds).

        ``station_weight``: with ``objective="power"``, a weight per connection on each
        station's shaft power (least fuel with a drive efficiency per station: ∝ 1/η_drive)."""
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
        FS = ca.SX.sym("fs")                             # kg/s per flow unit
        IPREF2 = ca.SX.sym("ipref2")                     # 1 / p_ref² [bar⁻²]
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
        keep = self._balance_rows(md, u, v, supply_first=fuel is not None)
        if keep.size:
            Ak = A[keep].tocsc()
            INJ = ca.SX.sym("inj", keep.size)            # nominated inflow / fs
            bal = ca.mtimes(ca.DM(Ak), M) + INJ
            if fuel is not None and cs.size:
                eta_d, lhv, fnode = fuel
                eta_d = np.broadcast_to(np.asarray(eta_d, dtype=float), (md.m,))[e[cs]]
                li0 = np.nan_to_num(md.loss_in[e[cs]] / BAR)
                lo0 = np.nan_to_num(md.loss_out[e[cs]] / BAR)
                r_ = (P[v[cs].tolist()] + lo0) / (P[u[cs].tolist()] - li0)
                burnt = PW * M[cs.tolist()] * (r_ ** EXP - 1.0) / ca.DM(eta_d * lhv) / FS   # flow units
                pos = {int(k): i for i, k in enumerate(keep)}
                rr = [(pos[int(fnode[e[c]])], j) for j, c in enumerate(cs) if int(fnode[e[c]]) in pos]
                if rr:
                    B = sp.csc_matrix((np.ones(len(rr)), ([a for a, _ in rr], [b for _, b in rr])),
                                      shape=(keep.size, cs.size))
                    bal = bal - ca.mtimes(ca.DM(B), burnt)
            rows(bal, 0.0, 0.0)
        else:
            INJ = ca.SX.sym("inj", 0)
        self.inj_par = md.inj[keep] / self.fs
        if law.size:
            mu_, mv_ = u[law], v[law]
            ml = M[law.tolist()]
            rows((P[mu_.tolist()] ** 2 - ES * P[mv_.tolist()] ** 2
                  - K * ml * ca.sqrt(ml ** 2 + EPS2)) * IPREF2, 0.0, 0.0)
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
        # element pressure limits of regulators and stations in operation (bypassed, an element
        # does not regulate: its ends keep only the node limits)
        for idx in (reg, cs):
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
        free_node = np.ones(n, dtype=bool)
        free_node[md.held] = False      # a held pressure is given: the simulation checks its bounds
        lo_b = np.flatnonzero(np.isfinite(pmin) & free_node)
        hi_b = np.flatnonzero(np.isfinite(pmax) & free_node)
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
            at_least(M[fwd.tolist()] * (FS / _FLOW_UNIT), 0.0, 1.0,
                     f"flow against its direction [{_FLOW_UNIT:g} kg/s]", edges=e[fwd])
        lift = ca.sum1(P[v[cs].tolist()] - P[u[cs].tolist()]) if cs.size else 0.0
        S = ca.vertcat(*slacks)
        self.weights = np.concatenate(weights) if weights else np.zeros(0)
        obj = ca.dot(ca.DM(self.weights), S)
        if objective == "power" and cs.size:
            ratio_all = (P[v[cs].tolist()] + lo[cs]) / (P[u[cs].tolist()] - li[cs])
            shaft = PW * M[cs.tolist()] * (ratio_all ** EXP - 1.0) * 1e-6       # MW
            if station_weight is not None:
                shaft = shaft * ca.DM(np.asarray(station_weight, dtype=float)[e[cs]])
            obj = obj + _POWER_WEIGHT * ca.sum1(shaft)
        else:
            obj = obj + _LIFT_WEIGHT * lift
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
        par = ca.vertcat(ES, K, PW, EXP, EPS2, INJ, FS, IPREF2)
        self.extra_par = np.r_[self.inj_par, self.fs, 1.0 / p_ref ** 2]
        nlp = {"x": x, "f": obj, "g": ca.vertcat(*g), "p": par}
        self.deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        key = None
        if cache is not None:
            # everything else in the expressions is the network's own (one network per cache)
            key = (objective, None if station_weight is None else
                   np.asarray(station_weight, dtype=float).tobytes(), None if fuel is None else
                   (np.asarray(fuel[0], dtype=float).tobytes(), fuel[1]), tuple(mode), keep.tobytes(), lo_b.tobytes(), hi_b.tobytes(),
                   held.tobytes(), ns, self.lbg.size)
            if "max_seconds" in cache:
                max_seconds = cache["max_seconds"]
        opts = {"ipopt.print_level": 0, "print_time": False, "ipopt.sb": "yes",
                "ipopt.tol": 1e-9, "ipopt.constr_viol_tol": 1e-9, "ipopt.max_iter": 3000,
                "ipopt.mu_strategy": "adaptive", "ipopt.mu_oracle": "probing"}
        # the cold start (from the relaxation's or the previous point) without IPOPT's gradient
        # scaling and with the quality-function μ oracle: the rows are already in bar² and
        # flow units; on GasLib-582 cold_5 (ratio model) the first programme took 390–545
        # iterations scaled, 267 unscaled with the probing oracle, 133 with this one (the
        # nomination 5.60 → 3.36 s median; 13 GasLib-134 nominations 0.187 → 0.184 s). The
        # warm refresh rounds keep the scaling and probing (unscaled they end "solved to
        # acceptable").
        if max_seconds is not None:
            opts["ipopt.max_wall_time"] = max(float(max_seconds), 0.05)
        copts = {**opts, "ipopt.nlp_scaling_method": "none", "ipopt.mu_oracle": "quality-function"}
        if key is not None and key in cache:
            self.cold, self.warm = cache[key]
            self.reused = True
        else:
            self.cold = ca.nlpsol("nomination", "ipopt", nlp, copts)
            # the refresh rounds start from the previous optimum and its multipliers
            self.warm = ca.nlpsol("nomination_warm", "ipopt", nlp, {
                **opts, "ipopt.max_iter": _WARM_MAX_ITER, "ipopt.warm_start_init_point": "yes",
                "ipopt.mu_init": 1e-6,
                "ipopt.warm_start_bound_push": 1e-9, "ipopt.warm_start_mult_bound_push": 1e-9})
            self.reused = False
            if key is not None:
                solvers = [k for k in cache if isinstance(k, tuple)]
                if len(solvers) >= CACHE_SIZE:      # the oldest structure goes
                    del cache[solvers[0]]
                cache[key] = (self.cold, self.warm)
        if not np.any(m_start[e]) and keep.size:   # minimum-norm flows that meet the balances
            m_start = np.zeros(md.m)
            m_start[e] = spla.lsqr(Ak, -md.inj[keep], atol=1e-10, btol=1e-10)[0]
        self.x0 = np.r_[np.clip(p_start, p_lb, p_ub), np.clip(m_start[e] / self.fs, m_lb, m_ub),
                        np.zeros(ns)]

    @staticmethod
    def _balance_rows(md, u, v, supply_first: bool = False) -> np.ndarray:
        lab = parts(md.n, u, v)
        nc = lab.max() + 1
        drop = np.zeros(md.n, dtype=bool)
        drop[md.held] = True
        for c in range(nc):
            members = np.flatnonzero(lab == c)
            if drop[members].any():
                continue
            total = float(np.sum(md.inj[members]))
            if abs(total) > BALANCE_TOL * md.flow_scale + 1e-9:
                names = ", ".join(f"'{md.node_ids[i]}'" for i in members[:5])
                raise InputError(f"nodes {names}{' and more' if members.size > 5 else ''} form a part "
                                 f"of the network (under these valve states) whose nominations do not "
                                 f"balance: {total:+.6g} kg/s; entries must equal exits")
            # the node left out takes the rest: the largest flow, or (fuel drawn) the largest entry
            drop[members[np.argmax(md.inj[members] if supply_first else np.abs(md.inj[members]))]] = True
        return np.flatnonzero(~drop)

    def coefficients(self, p_bar, m):
        """(e^S, k, power factor, exponent) of the laws at pressures ``p_bar`` and flows ``m`` (SI)."""
        md, e = self.md, self.edges
        el = e[self.law]
        cls = np.where(md.kind == "pipe", "pipe", "drag").astype(object)
        es, k = law_coefficients(md, el, cls, p_bar, m)     # k in bar²/(kg/s)²
        k = k * self.fs ** 2
        ec = e[self.cs]
        p_s = np.maximum(p_bar[md.u[ec]] * BAR - md.loss_in[ec], BAR)
        kappa = md.kappa(p_s)
        ex = (kappa - 1.0) / kappa
        eta = np.where(np.isfinite(md.efficiency[ec]), md.efficiency[ec], md.default_efficiency)
        pw = md.eos.z(p_s, md.T, md.gas) * md.R * md.T / ex / eta * self.fs
        return es, k, pw, ex

    def solve(self, p_bar, m, lam0=None, law_gap: float = _LAW_GAP):
        """Solve, refreshing λ and Z from the solution until the frozen laws hold with the
        refreshed ones (to :data:`_LAW_GAP` of p_ref², at most :data:`_MAX_REFRESH` rounds: where
        the optimum is not unique, e.g. flows round a loop of an infeasible case, the rounds may
        not settle further); returns (p_bar, m, violation, IPOPT's success).

        ``lam0``: multipliers of a programme of the same structure (``self.lam`` after its solve;
        a sweep's previous nomination): the first round is then a warm start without the
        smoothing of |m|, and may be the last where λ and Z do not move. ``law_gap``: the refresh
        tolerance (× p_ref²)."""
        md = self.md
        x0 = self.x0
        coef = self.coefficients(p_bar, m)
        success = False
        warm0 = (lam0 is not None and np.size(lam0.get("lam_x0", [])) == self.lbx.size
                 and np.size(lam0.get("lam_g0", [])) == self.lbg.size)
        lam = dict(lam0) if warm0 else {}
        for k in range(_MAX_REFRESH):
            if k > 0 and self.deadline is not None and time.perf_counter() > self.deadline:
                break
            # the first solve smooths |m| over 0.1 % of the flow scale, the rounds after it over 1e-6
            eps2 = 1e-6 if k == 0 and not warm0 else 1e-12
            solver = self.cold if k == 0 and not warm0 else self.warm
            with interrupts.watched():    # CasADi drops Ctrl-C/SIGTERM: raise it after the solve
                sol = solver(x0=x0, p=np.r_[np.concatenate(coef), eps2, self.extra_par], lbx=self.lbx, ubx=self.ubx,
                             lbg=self.lbg, ubg=self.ubg, **lam)
            ok = bool(solver.stats()["success"])
            if not ok and k > 0 and success:
                break         # a refresh round that fails: keep the last round's optimum
            success = ok
            self.rounds = k + 1
            x0 = np.asarray(sol["x"]).ravel()
            lam = {"lam_x0": np.asarray(sol["lam_x"]).ravel(), "lam_g0": np.asarray(sol["lam_g"]).ravel()}
            p_bar = x0[:md.n]
            m = np.zeros(md.m)
            m[self.edges] = x0[md.n:md.n + self.edges.size] * self.fs
            new = self.coefficients(p_bar, m)
            # the change of each law (bar²) when λ, Z, e^S take their values at this solution
            el = self.edges[self.law]
            mm = m[el] / self.fs
            gap = np.abs((new[0] - coef[0]) * p_bar[md.v[el]] ** 2 + (new[1] - coef[1]) * mm * np.abs(mm))
            coef = new
            if (k > 0 or warm0) and (not gap.size or gap.max() <= law_gap * (md.p_ref / BAR) ** 2):
                break
        self.lam = lam
        slack = x0[md.n + self.edges.size:]
        viol = float(self.weights @ slack)
        given = sorted(((float(w * x), lab, el) for w, x, lab, el
                        in zip(self.weights, slack, self.labels, self.row_edge) if w * x > NO_VIOLATION),
                       key=lambda t: -t[0])
        self.shortfalls = [(a, lab) for a, lab, _ in given]
        self.shortfall_edges = [el for _, _, el in given]   # connection of each (−1: a node)
        return p_bar, m, viol, success


