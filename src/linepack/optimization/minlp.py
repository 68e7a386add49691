"""The discrete decisions by a mixed-integer nonlinear programme: SCIP through PySCIPOpt.

Two models are built from one :class:`~linepack.optimization.formulation.Formulation`, with the
same variables and constraint names:

* ``variant="exact"`` — the network's equations with λ, Z and κ frozen at the formulation's
  reference point (:meth:`Formulation.refresh`): the pipe law π_u − e^S·π_v = k·q|q| and
  π = p² as nonlinear equalities, station power as P = pw·q·(r^ex − 1); SCIP solves it to
  global optimality by spatial branch and bound [1]. With frozen coefficients it is the model
  of one reference point; the NLP (:mod:`linepack.optimization.nlp`) then solves the exact laws
  at the states it chooses, and :func:`linepack.simulate` checks the result.
* ``variant="relaxation"`` — every point that satisfies the exact laws for *some* λ, Z, κ in
  their ranges (formulation notes) satisfies it: per law element a flow-direction binary d,
  q = q⁺ − q⁻, and in the direction taken
  π_u − e^S_lo·π_v ≥ k_lo·(q⁺)² (a convex quadratic, second-order-cone representable) and
  π_u − e^S_hi·π_v ≤ k_hi·q⁺_max·q⁺ (the secant of k·q² over [0, q⁺_max], or over
  [q⁺_min, q⁺_max] where the flow bounds fix the direction), mirrored backwards;
  π ≥ p² (convex) and π ≤ (p_lo + p_hi)·p − p_lo·p_hi (its secant), at every node; and, since
  p_u = p_v > 0 gives p_u² = p_v², π_u = π_v across short pipes, open valves and bypasses
  (big-M on the mode), π_u − π_v ≥ (loss_in + loss_out + Δp_min)·(p_u,lo + p_v,lo) across a
  regulator in operation, and its inlet minimum and outlet maximum on π too (without these
  links the secants let π, the pressure the pipe laws see, jump by up to 20 bar across a short
  pipe on GasLib-582's 1–86 bar ranges); station power with the
  smallest power factor and exponent of the ranges (P only grows with both) and r^ex − 1
  bounded below by its chord over [1, r_max] (r^ex − 1 is concave in r); pressure bounds
  as given (no margin), or as narrowed by :mod:`linepack.optimization.tighten` (bound
  tightening valid for every feasible point). The pipes make it a MISOCP; the station power constraints (one per
  station) are the only nonconvex rows, which SCIP branches on. If SCIP reports it
  infeasible, no state of the network carries the nomination within its limits (to SCIP's
  feasibility tolerance, 10⁻⁶): the proof of infeasibility.

* ``variant="guide"`` — the relaxation's form with the coefficients frozen at the reference
  point and the exact model's margins (objective ``"tight"``: least total |π_u − π_v|). Measured
  on GasLib-582 ``nomination_cold_5``: the states it gives score no better in the NLP than the
  relaxation's, so :func:`linepack.validate_nomination` does not use it.

``elastic=True`` turns each limit (node pressure bounds, element inlet/outlet limits, station
power, the direction of check valves, flow bounds of pipes, short pipes and resistors below the
total nominated flow) into a soft one with a slack ≥ 0, minimising
their weighted sum: the limits with a positive slack at the optimum of the relaxation are the
ones named as binding an infeasible nomination.

Regulators and stations switch between ``active``, ``bypass`` and ``closed`` by binaries
(a, b; closed = 1 − a − b) and big-M rows; valves by o (open); combined decisions by one
binary per decision, exactly one per group, each forcing the modes it names.

References
----------
.. [1] Vigerske, S., Gleixner, A. (2018). SCIP: global optimization of mixed-integer nonlinear
   programs in a branch-and-cut framework. *Optimization Methods and Software* 33(3), 563–593.
.. [2] Pfetsch, M. E., et al. (2015). Validation of nominations in gas network optimization:
   models, methods, and solutions. *Optimization Methods and Software* 30(1), 15–53.
.. [3] Borraz-Sánchez, C., et al. (2016). Convex relaxations for gas expansion planning.
   *INFORMS Journal on Computing* 28(4), 645–656 (the second-order-cone pipe relaxation).
"""

from __future__ import annotations

import atexit
import os
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np

from linepack import interrupts
from linepack.errors import InputError

__all__ = ["solve_minlp", "add_network", "new_model", "minimize", "run_scip", "MinlpSolution",
           "NetworkRows", "require_scip", "INSTALL_HINT"]

#: The one install line of the solver extra (as the README gives it).
INSTALL_HINT = 'pip install -e ".[minlp]"'
_FLOW_UNIT = 10.0   # kg/s of flow beyond a bound that weigh as 1 bar in the elastic objective


def require_scip():
    """PySCIPOpt's ``Model``, or an :class:`InputError` naming the extra to install."""
    try:
        from pyscipopt import Model
    except ImportError:
        raise InputError("the optimisation problems need SCIP (PySCIPOpt), from the extra 'minlp': "
                         f"{INSTALL_HINT}") from None
    return Model


#: Ipopt options for the NLPs SCIP solves inside its heuristics: MUMPS with AMD ordering, not
#: METIS. With the METIS ordering the PySCIPOpt 6.3.0 wheel corrupted the heap on GasLib-582
#: models (the process aborted: "free(): invalid pointer", "corrupted size vs. prev_size",
#: several times in 5 runs of the elastic relaxation of the doubled cold_5 nomination; the
#: SCIP issue scipopt/scip#211 traces it to METIS in the nonlinear heuristics); with AMD, none.
_SCIP_IPOPT_OPTIONS = "mumps_pivot_order 0\n"
_IPOPT_OPTFILE: dict = {}


def _ipopt_optfile() -> str:
    """The path of the Ipopt options file SCIP reads (written once per process)."""
    path = _IPOPT_OPTFILE.get("path")
    if path is None or not os.path.exists(path):
        fd, path = tempfile.mkstemp(prefix="linepack-scip-ipopt-", suffix=".opt")
        with os.fdopen(fd, "w") as f:
            f.write(_SCIP_IPOPT_OPTIONS)
        atexit.register(lambda p=path: os.path.exists(p) and os.remove(p))
        _IPOPT_OPTFILE["path"] = path
    return path


def new_model(name: str, *, time_limit: float, gap: float = 1e-4, verbose: bool = False):
    """A SCIP model with linepack's settings: one thread, feasibility tolerance 10⁻⁷, the time
    limit [s] and relative gap given, and Ipopt inside SCIP on MUMPS's AMD ordering
    (:data:`_SCIP_IPOPT_OPTIONS`)."""
    Model = require_scip()
    S = Model(name)
    if not verbose:
        S.hideOutput()
    S.setParam("limits/time", max(float(time_limit), 0.01))
    S.setParam("limits/gap", gap)
    S.setParam("parallel/maxnthreads", 1)
    S.setParam("lp/threads", 1)
    S.setParam("numerics/feastol", 1e-7)
    S.setParam("nlpi/ipopt/optfile", _ipopt_optfile())
    return S


@dataclass
class MinlpSolution:
    """What SCIP returned."""

    status: str                   # SCIP's status: optimal, infeasible, timelimit, …
    has_solution: bool
    modes: np.ndarray = field(repr=False, default=None)   # per connection ("" for law elements)
    choice: list = field(default_factory=list)             # decision index per group
    p_bar: np.ndarray = field(repr=False, default=None)
    q: np.ndarray = field(repr=False, default=None)
    ratio: np.ndarray = field(repr=False, default=None)    # stations (NaN elsewhere)
    objective: float = float("nan")
    dual_bound: float = float("nan")
    slacks: list = field(default_factory=list)             # (amount, label), largest first
    seconds: float = 0.0
    nodes: int = 0


def minimize(S, expr) -> None:
    """Make ``expr`` (linear or not) SCIP's objective, to be minimised: SCIP takes linear
    objectives only, so through a variable bounded below by it."""
    oz = S.addVar(lb=-1e20, ub=1e20, name="obj")
    S.addCons(oz >= expr)
    S.setObjective(oz, "minimize")


def run_scip(S, record, t0: float):
    """Optimise the SCIP model ``S`` (a Ctrl-C or SIGTERM during the solve is raised after
    it); return ``record(status, has_solution, seconds, nodes)`` with ``dual_bound`` and, where
    a solution exists, ``objective`` filled in, and the value of a variable (or number) in the
    best solution as a function."""
    with interrupts.watched():
        S.optimize()
    status = S.getStatus()
    has = S.getNSols() > 0 and status != "infeasible"
    out = record(status=status, has_solution=has, seconds=time.perf_counter() - t0,
                 nodes=int(S.getNNodes()))
    try:
        out.dual_bound = float(S.getDualbound())
    except Exception:  # pragma: no cover
        pass
    if not has:
        return out, None
    best = S.getBestSol()
    out.objective = float(S.getSolObjVal(best))
    return out, (lambda x: float(x) if isinstance(x, (int, float))
                 else float(S.getSolVal(best, x)))


def solve_minlp(form, variant: str = "exact", *, elastic: bool = False, objective: str = "ratio",
                time_limit: float = 60.0, gap: float = 1e-4, exclude=(), first: bool = False,
                verbose: bool = False, exact_squares: bool = True, links: bool = True,
                power_curve: bool = False) -> MinlpSolution:
    """Build and solve the SCIP model (module notes).

    Parameters
    ----------
    variant : "exact" or "relaxation"
    elastic : bool
        Soft limits, least weighted violation (the objective is then that sum).
    objective : "ratio", "power", "none"
        Least total station ratio above 1 (validation), least total shaft power (W; fuel is
        proportional to it with one drive efficiency and LHV), or feasibility only.
    exact_squares : bool
        In the elastic relaxation, π = p² exactly (else its convex hull, as in the relaxation:
        faster, but with wide pressure ranges the violations it names are lower bounds).
    first : bool
        Stop at the first feasible solution (validation needs no optimum).
    links : bool
        The relaxation's links of π across lossless connections and regulators
        (:func:`add_network`): tighter, slower (GasLib-582 cold_5: 2.7 s → 31 s).
    exclude : iterable of mode arrays
        Discrete states to cut off (no-good cuts on the valve/regulator/station modes).
    power_curve : bool
        In the relaxation, the station power row on w + 1 ≥ r^ex itself instead of its chord
        over [1, r_max] (nonconvex; SCIP branches on r), and with Z at the suction pressure
        (lines under Z(p_s), :attr:`Formulation.z_lines`) instead of its least value over the
        range. Still valid for every feasible point; tighter and slower. ``validate_nomination``
        uses it on the tightened bounds (GasLib-582 cold_5 under the detailed model: infeasible
        in 10 s, feasible with the chord and the least Z).
    """
    require_scip()
    from pyscipopt import quicksum

    t0 = time.perf_counter()
    md = form.md
    m, cls = md.m, form.cls
    if variant not in ("exact", "relaxation", "guide"):
        raise InputError(f"variant must be 'exact', 'relaxation' or 'guide' (got {variant!r})")
    S = new_model("linepack", time_limit=time_limit, gap=gap, verbose=verbose)
    if first:
        S.setParam("limits/solutions", 1)

    rows = add_network(S, form, variant, elastic=elastic, exact_squares=exact_squares, links=links,
                       power_curve=power_curve)
    p, q, ind, binaries, ydec = rows.p, rows.q, rows.ind, rows.binaries, rows.ydec
    ratio_var, slack_terms, labels = rows.ratio_var, rows.slack_terms, rows.labels
    power_terms, ratio_terms, drop_terms = list(rows.power.values()), rows.ratio_terms, rows.drop_terms
    for st in exclude:
        terms = []
        for e in binaries:
            terms.append(ind[(e, st[e])] if (e, st[e]) in ind else 0.0)
        if terms:   # at least one mode differs
            S.addCons(quicksum(terms) <= len(terms) - 1)

    # ---- objective
    if elastic:
        obj = quicksum(w * s for w, s in slack_terms)
    elif objective == "power" and power_terms:
        obj = quicksum(t * 1e-6 for t in power_terms)    # MW
    elif objective == "ratio" and ratio_terms:
        obj = quicksum(ratio_terms)
    elif objective == "tight":
        # least total |π_u − π_v| over the law elements: with π_u − π_v ≥ k·q² the laws hold
        # with equality where nothing else binds (the guide's way to an exact point)
        obj = quicksum(drop_terms) * (1.0 / rows.top ** 2) + 1e-3 * quicksum(ratio_terms)
    else:
        obj = 0.0
    if not isinstance(obj, float):
        minimize(S, obj)
    out, val = run_scip(S, MinlpSolution, t0)
    if not out.has_solution:
        return out
    out.p_bar = np.array([val(x) for x in p])
    out.q = np.array([val(x) for x in q])
    out.ratio = np.full(m, np.nan)
    for e, r in ratio_var.items():
        out.ratio[e] = val(r)
    modes = np.full(m, "", dtype=object)
    for e in range(m):
        if not form.modes[e]:
            continue
        if cls[e] in ("valve", "check"):
            modes[e] = "open" if val(ind[(e, "open")]) > 0.5 else "closed"
        else:
            a, b = val(ind[(e, "active")]), val(ind[(e, "bypass")])
            modes[e] = "active" if a > 0.5 else ("bypass" if b > 0.5 else "closed")
    out.modes = modes
    out.choice = [int(np.argmax([val(y) for y in ys])) for ys in ydec]
    if elastic:
        sl = [(w * val(s), lab) for (w, s), lab in zip(slack_terms, labels)]
        out.slacks = sorted([t for t in sl if t[0] > 1e-6], key=lambda t: -t[0])
    return out



@dataclass
class NetworkRows:
    """Handles of one network's variables and rows in a SCIP model (:func:`add_network`)."""

    p: list                      # node pressure variables [bar]
    q: list                      # connection flow variables [kg/s]
    ind: dict                    # (edge, mode) -> 0/1 expression
    binaries: dict               # edge -> its mode binaries
    ydec: list                   # combined-decision binaries per group
    ratio_var: dict              # station -> ratio variable
    power: dict                  # station -> shaft power expression [W]
    ratio_terms: list
    drop_terms: list
    top: float                   # the largest pressure of the model [bar]
    slack_terms: list            # (weight, slack variable) of the elastic model
    labels: list                 # what each slack relaxes


def add_network(S, form, variant: str = "exact", *, elastic: bool = False, exact_squares: bool = True,
                prefix: str = "", built: dict | None = None, pins: dict | None = None,
                alternatives: list | None = None, links: bool = True,
                power_curve: bool = False) -> NetworkRows:
    """Add one network's variables and rows (module notes) to the SCIP model ``S``.

    :func:`solve_minlp` adds one network; the expansion problem
    (:mod:`linepack.optimization.expansion`) adds one per demand scenario, all tied to the same
    build decisions.

    Parameters
    ----------
    prefix : str
        Prepended to every variable name (one network per scenario in one model).
    built : dict, optional
        Station or regulator position → a 0/1 SCIP expression: the element is *in operation*
        exactly when it is 1; else it takes another of its allowed modes (bypass, or closed).
    alternatives : list of dict, optional
        Groups of parallel law elements of which at most one is built:
        ``{"edges": [positions], "x": [0/1 expressions], "required": bool}``. Element j carries
        flow only where x_j = 1, and the group has one law π_u − e^S·π_v = Σ_j k_j·q_j|q_j| —
        the law of the element built (the disaggregated form); when none is built (optional
        groups) the law is lifted (big-M).
    pins : dict, optional
        Connection position → (set point, value): ``("p_out", bar)`` holds the outlet node's
        pressure, ``("ratio", -)`` the ratio, ``("flow", kg/s)`` the flow, while the element is
        in operation (the set points of the controls :func:`linepack.simulate` uses).
    links : bool
        In the (non-elastic) relaxation, π at every node and linked across lossless
        connections and regulators (module notes).
    """
    from pyscipopt import quicksum

    md = form.md
    n, m, cls = md.n, md.m, form.cls
    u, v = md.u, md.v
    relax = variant in ("relaxation", "guide")
    if variant not in ("exact", "relaxation", "guide"):
        raise InputError(f"variant must be 'exact', 'relaxation' or 'guide' (got {variant!r})")
    guide = variant == "guide"
    built = built or {}
    pins = pins or {}
    alternatives = {g["edges"][0]: g for g in (alternatives or [])}
    alt_of = {e: first for first, g in alternatives.items() for e in g["edges"]}
    proof = variant == "relaxation"
    p_lo = form.p_lo_true.copy() if proof else form.p_lo.copy()
    p_hi = form.p_hi_true.copy() if proof else form.p_hi.copy()
    p_lo = np.maximum(p_lo, 1.0)
    # the elastic model lets pressures go well past every bound (its slacks say by how much)
    top = form.p_top * (4.0 if elastic else 1.0)
    slack_terms, labels = [], []

    def soft(expr_le, rhs, weight, label):
        """expr ≤ rhs, with a slack in the elastic model."""
        if elastic:
            s = S.addVar(lb=0.0, name=f"{prefix}s{len(labels)}")
            S.addCons(expr_le - s <= rhs)
            slack_terms.append((weight, s))
            labels.append(label)
        else:
            S.addCons(expr_le <= rhs)

    # ---- nodes
    vlo, vhi = p_lo, p_hi
    if elastic:
        vhi = np.full(n, top)
        vlo = np.full(n, 1.0)
        vlo[form.held], vhi[form.held] = form.held_bar, form.held_bar
    p = [S.addVar(lb=float(vlo[i]), ub=float(vhi[i]), name=f"{prefix}p{i}") for i in range(n)]
    if elastic:
        free = np.ones(n, dtype=bool)
        free[form.held] = False
        for i in np.flatnonzero(free):
            nm = md.node_ids[i]
            if p_lo[i] > 1.0 + 1e-12:
                soft(-p[i], -p_lo[i], 1.0, f"node '{nm}' pressure below its minimum [bar]")
            if p_hi[i] < top - 1e-12:
                soft(p[i], p_hi[i], 1.0, f"node '{nm}' pressure above its maximum [bar]")
    law = form.law
    touch = np.zeros(n, dtype=bool)
    touch[u[law]] = touch[v[law]] = True
    # a station's end nodes take π = p² exactly (SCIP branches on them): with only the secant
    # π ≤ (p_lo + p_hi)·p − p_lo·p_hi there, the outlet's p could sit far below √π and the
    # ratio, hence the power, would be bounded by next to nothing
    at_station = np.zeros(n, dtype=bool)
    st = cls == "cs"
    at_station[u[st]] = at_station[v[st]] = True
    touch |= at_station
    links = bool(links) and proof and not elastic
    if links:
        touch[:] = True
    pi = {}
    for i in np.flatnonzero(touch):
        a, b = float(vlo[i]), float(vhi[i])
        pi[i] = S.addVar(lb=a * a, ub=b * b, name=f"{prefix}pi{i}")
        if relax and not at_station[i] and not (elastic and exact_squares):
            S.addCons(pi[i] >= p[i] * p[i])
            if b > a:
                S.addCons(pi[i] <= (a + b) * p[i] - a * b)
        else:
            # exact; in the elastic model too, where the pressure range is wide open and the
            # secant would let π drift far above p² (no violation would show)
            S.addCons(pi[i] == p[i] * p[i])
    # ---- flows and balances
    q = [S.addVar(lb=float(form.f_lo[e]), ub=float(form.f_hi[e]), name=f"{prefix}q{e}") for e in range(m)]
    # the flow bounds the rows below use: the element's own, or (elastic) wide open where a
    # soft row holds the element's flow limit
    f_lo, f_hi = form.f_lo.copy(), form.f_hi.copy()
    if elastic:
        # flow bounds that can bind (below the total nominated flow: one-way connections to a
        # load, a regulator's or valve's flow maximum) become soft: every flow limit is a limit
        # the elastic model may give up, so that it always has a solution (what it gives up
        # names the limits that bind)
        total = max(float(np.sum(np.maximum(md.inj, 0.0))), float(np.sum(np.maximum(-md.inj, 0.0))))
        wide = max(2.0 * total, 1.0)
        for e in np.flatnonzero(np.isin(cls, ("pipe", "drag", "const", "equal", "valve", "check",
                                              "reg", "cs"))):
            label = f"{md.kind[e]} '{md.edge_ids[e]}'"
            lo_t, hi_t = form.f_lo_true[e], form.f_hi_true[e]
            if np.isfinite(lo_t) and lo_t > -total and cls[e] not in ("check", "reg", "cs"):
                S.chgVarLb(q[e], -wide)
                f_lo[e] = -wide
                soft(-q[e] * (1.0 / _FLOW_UNIT), -lo_t / _FLOW_UNIT, 1.0,
                     f"{label} flow below its minimum [{_FLOW_UNIT:g} kg/s]")
            if np.isfinite(hi_t) and hi_t < total:
                S.chgVarUb(q[e], wide)
                f_hi[e] = wide
                soft(q[e] * (1.0 / _FLOW_UNIT), hi_t / _FLOW_UNIT, 1.0,
                     f"{label} flow above its maximum [{_FLOW_UNIT:g} kg/s]")
    inc = [[] for _ in range(n)]
    for e in range(m):
        inc[u[e]].append((-1.0, q[e]))
        inc[v[e]].append((1.0, q[e]))
    balance_drop = _balance_drop(form)
    for i in range(n):
        if balance_drop[i]:
            continue
        S.addCons(quicksum(c * x for c, x in inc[i]) + float(md.inj[i]) == 0.0, name=f"{prefix}bal{i}")

    # ---- mode indicators
    ind = {}          # (edge, mode) -> expression (0/1)
    binaries = {}
    for e in range(m):
        allowed = form.modes[e]
        if not allowed:
            continue
        if cls[e] in ("valve", "check"):
            if len(allowed) == 1:
                o = 1.0 if allowed[0] == "open" else 0.0
            else:
                o = S.addVar(vtype="B", name=f"{prefix}o{e}")
                binaries[e] = (o,)
            ind[(e, "open")], ind[(e, "closed")] = o, 1 - o
        else:
            a = (1.0 if "active" in allowed else 0.0) if len(allowed) == 1 else (
                S.addVar(vtype="B", name=f"{prefix}a{e}") if "active" in allowed else 0.0)
            b = (1.0 if "bypass" in allowed else 0.0) if len(allowed) == 1 else (
                S.addVar(vtype="B", name=f"{prefix}b{e}") if "bypass" in allowed else 0.0)
            if len(allowed) > 1:
                binaries[e] = (a, b)
                if "closed" not in allowed:
                    S.addCons(a + b == 1)
                else:
                    S.addCons(a + b <= 1)
            ind[(e, "active")], ind[(e, "bypass")], ind[(e, "closed")] = a, b, 1 - a - b
    # combined decisions
    ydec = []
    for g, grp in enumerate(form.groups):
        ys = [S.addVar(vtype="B", name=f"{prefix}y{g}_{k}") for k in range(len(grp["decisions"]))]
        S.addCons(quicksum(ys) == 1)
        ydec.append(ys)
        for k, dec in enumerate(grp["decisions"]):
            for eid, mode in dec["controls"].items():
                e = md.edge_ids.get_indexer([eid])[0]
                if e < 0:
                    continue
                key = (e, "open" if mode == "auto" else mode)
                if key not in ind:
                    continue
                x = ind[key]
                if isinstance(x, float) or isinstance(x, int):
                    if x < 0.5:
                        S.addCons(ys[k] == 0)
                else:
                    S.addCons(x - ys[k] >= 0)
    Mp = top
    # ---- connections
    ratio_var = {}
    power_terms, ratio_terms, drop_terms = {}, [], []
    for e in range(m):
        c, a_, b_ = cls[e], u[e], v[e]
        label = f"{md.kind[e]} '{md.edge_ids[e]}'"
        if c == "equal":
            S.addCons(p[a_] == p[b_])
            if links:
                S.addCons(pi[a_] == pi[b_])
        elif c == "const":
            d = S.addVar(vtype="B", name=f"{prefix}d{e}")
            dp = float(form.dp_const[e])
            S.addCons(p[a_] - p[b_] == dp * (2 * d - 1))
            S.addCons(q[e] <= max(f_hi[e], 0.0) * d)
            S.addCons(q[e] >= min(f_lo[e], 0.0) * (1 - d))
        elif c in ("pipe", "drag") and e in alt_of:
            if alt_of[e] == e:
                _alternative_rows(S, form, alternatives[e], p, pi, q, relax, vlo, vhi)
        elif c in ("pipe", "drag"):
            j = int(np.searchsorted(law, e))
            t = _law_rows(S, form, j, e, p, pi, q, relax, guide, 2.0 * top ** 2, prefix)
            if t is not None:
                drop_terms.append(t)
        elif c in ("valve", "check"):
            o = ind[(e, "open")]
            S.addCons(q[e] <= max(f_hi[e], 0.0) * o)
            lo_f = 0.0 if (c == "check" and not elastic) else min(f_lo[e], 0.0)
            S.addCons(q[e] >= lo_f * o)
            if c == "check" and elastic:
                soft(-q[e] * (1.0 / _FLOW_UNIT), 0.0, 1.0,
                     f"{label} flow against its direction [{_FLOW_UNIT:g} kg/s]")
            dpc = float(min(form.dp_closed[e], Mp))
            S.addCons(p[a_] - p[b_] <= dpc * (1 - o))
            S.addCons(p[b_] - p[a_] <= dpc * (1 - o))
            if links:
                _equal_squares(S, pi, a_, b_, o, vlo, vhi)
        elif c in ("reg", "cs"):
            a, b = ind[(e, "active")], ind[(e, "bypass")]
            if e in built:      # in operation exactly when built
                S.addCons(built[e] - a == 0.0)
            S.addCons(q[e] <= max(f_hi[e], 0.0) * (a + b))
            pin = pins.get(e)
            if pin is not None and pin[0] == "p_out" and (_var(a) or a == 1.0):
                S.addCons(p[b_] - float(pin[1]) <= Mp * (1 - a))
                S.addCons(float(pin[1]) - p[b_] <= Mp * (1 - a))
            elif pin is not None and pin[0] == "flow" and (_var(a) or a == 1.0):
                fb = max(float(f_hi[e]), -float(f_lo[e]), abs(float(pin[1])))
                S.addCons(q[e] - float(pin[1]) <= 2 * fb * (1 - a))
                S.addCons(float(pin[1]) - q[e] <= 2 * fb * (1 - a))
            elif pin is not None and pin[0] not in ("p_out", "flow", "ratio"):
                raise InputError(f"{md.kind[e]} '{md.edge_ids[e]}': set point '{pin[0]}' is not "
                                 "p_out, ratio or flow")
            if elastic:   # gas against the direction of a regulator or station, by its slack
                soft(-q[e] * (1.0 / _FLOW_UNIT) + min(f_lo[e], 0.0) * b * (1.0 / _FLOW_UNIT), 0.0, 1.0,
                     f"{label} flow against its direction [{_FLOW_UNIT:g} kg/s]")
                S.chgVarLb(q[e], min(float(f_lo[e]), -max(float(f_hi[e]), 1.0)))
            else:
                S.addCons(q[e] >= min(f_lo[e], 0.0) * b)
            if _var(b):
                S.addCons(p[a_] - p[b_] <= Mp * (1 - b))
                S.addCons(p[b_] - p[a_] <= Mp * (1 - b))
            elif b == 1.0:
                S.addCons(p[a_] == p[b_])
            if links:
                _equal_squares(S, pi, a_, b_, b, vlo, vhi)
            li, lo = float(form.loss_in[e]), float(form.loss_out[e])
            # the working range (inlet minimum, outlet maximum) holds in operation only; a
            # bypassed element keeps its ends to the node limits (GasLib's convention)
            pin_min = form.p_in_min[e]
            if np.isfinite(pin_min):
                lim = pin_min + (0 if proof else _margin(form, e))
                if _var(a) or a == 1.0:
                    soft(-p[a_] - Mp * (1 - a), -lim, 1.0, f"{label} inlet pressure below its minimum [bar]")
            pout_max = form.p_out_max[e]
            if np.isfinite(pout_max):
                lim = pout_max - (0 if proof else _margin(form, e))
                if _var(a) or a == 1.0:
                    soft(p[b_] - Mp * (1 - a), lim, 1.0, f"{label} outlet pressure above its maximum [bar]")
            if not (_var(a) or a == 1.0):
                continue
            if c == "reg":
                if links:
                    # in operation p_u − p_v ≥ li + lo + max(Δp_min, 0) ≥ 0, so
                    # π_u − π_v = (p_u − p_v)(p_u + p_v) ≥ (li + lo + Δp_min)·(p_u,lo + p_v,lo)
                    least = (li + lo + float(form.dp_min[e])) * float(vlo[a_] + vlo[b_])
                    S.addCons(pi[a_] - pi[b_] >= least - (least + float(vhi[b_]) ** 2) * (1 - a))
                    if np.isfinite(pout_max):
                        S.addCons(pi[b_] <= float(pout_max) ** 2 + float(vhi[b_]) ** 2 * (1 - a))
                    if np.isfinite(pin_min):
                        S.addCons(pi[a_] >= float(pin_min) ** 2 - float(pin_min) ** 2 * (1 - a))
                drop = (p[a_] - li) - (p[b_] + lo)
                S.addCons(drop >= form.dp_min[e] - (Mp + form.dp_min[e]) * (1 - a))
                if np.isfinite(form.dp_max[e]) and form.dp_max[e] < Mp:
                    S.addCons(drop <= form.dp_max[e] + 2 * Mp * (1 - a))
            else:
                rmax = float(form.rmax_eff()[e])
                rmin = float(form.ratio_min[e])
                if rmin > rmax:
                    if a == 1.0:
                        S.addCons(q[e] <= -1.0)   # infeasible by data: the model says so
                    else:
                        S.addCons(a == 0)
                    continue
                if elastic:   # the ratio limit becomes soft: r may go up to the pressure range
                    r_lim, rmax = rmax, max(rmax, top + form.loss_out[e])
                r = S.addVar(lb=1.0, ub=max(rmax, 1.0), name=f"{prefix}r{e}")
                ratio_var[e] = r
                if pin is not None and pin[0] == "ratio":
                    S.addCons(r - float(pin[1]) <= (rmax + float(pin[1])) * (1 - a))
                    S.addCons(float(pin[1]) - r <= (rmax + float(pin[1])) * (1 - a))
                if elastic and r_lim < rmax:
                    soft(r, r_lim, 1.0, f"{label} pressure ratio above its maximum [-]")
                pin_ = p[a_] - li
                pout_ = p[b_] + lo
                Mr = Mp * (rmax + 1.0)
                S.addCons(pin_ >= 1.0 - Mp * (1 - a))
                S.addCons(pout_ - r * pin_ <= Mr * (1 - a))
                S.addCons(r * pin_ - pout_ <= Mr * (1 - a))
                S.addCons(r >= rmin - (rmin - 1.0) * (1 - a))
                if _var(a):
                    S.addCons(r - 1.0 <= (rmax - 1.0) * a)     # r = 1 when not in operation
                pw = float(form.pw_lo[e] if proof else form.pw[e])
                ex = float(form.ex_lo[e] if proof else form.ex[e])
                qa = S.addVar(lb=0.0, ub=max(f_hi[e], 0.0), name=f"{prefix}qa{e}")   # flow in operation
                S.addCons(qa <= q[e] + max(-f_lo[e], 0.0) * (1 - a))
                S.addCons(qa >= q[e] - max(f_hi[e], 0.0) * (1 - a))
                S.addCons(qa <= max(f_hi[e], 0.0) * a)
                w = S.addVar(lb=0.0, ub=float(rmax ** ex - 1.0) + 1e-9, name=f"{prefix}w{e}")   # r^ex − 1
                if relax and (elastic or power_curve):
                    # the elastic model's ratio range is wide open (its slack says by how much
                    # the limit is passed), and the chord over it would put next to no power on
                    # any ratio: w ≥ r^ex − 1 itself (nonconvex; SCIP branches on r), so that
                    # the station power limits can be named
                    S.addCons(w + 1.0 >= r ** ex)
                elif relax:
                    # w ≥ r^ex − 1 is what the power row needs (w below it would let the row
                    # hold at any ratio); r^ex − 1 is concave in r, so it lies above its chord
                    # over [1, r_max], and w ≥ chord is the linear row every true point meets
                    S.addCons(w >= (rmax ** ex - 1.0) / max(rmax - 1.0, 1e-12) * (r - 1.0))
                else:
                    S.addCons(w + 1.0 == r ** ex)
                power = pw * qa * w
                power_terms[e] = power
                ratio_terms.append(r - 1.0)
                if np.isfinite(form.power_max[e]) and proof and power_curve and form.z_lines.get(e):
                    # Z at the suction pressure p_s = p_u − loss_in instead of its least value
                    # over the range: z ≥ each line under Z(p_s) (formulation._lines_below);
                    # P = (R T/(η ex_lo))·qa·w·z ≤ P_max (trilinear; SCIP branches)
                    lines = form.z_lines[e]
                    ends = (float(vlo[a_]) - li, float(vhi[a_]) - li)
                    z_hi = max(sl * x + b0 for sl, b0 in lines for x in ends)
                    z_lo = float(form.pw_lo[e] / form.pw_noz[e])
                    z = S.addVar(lb=z_lo, ub=max(z_hi, z_lo), name=f"{prefix}z{e}")
                    for sl, b0 in lines:
                        S.addCons(z >= b0 + sl * (p[a_] - li))
                    soft(qa * w * z * (float(form.pw_noz[e]) / form.power_max[e]), 1.0, 10.0,
                         f"{label} power above its maximum [share]")
                elif np.isfinite(form.power_max[e]):
                    soft(qa * w * (pw / form.power_max[e]), 1.0 - (0 if proof else 1e-4), 10.0,
                         f"{label} power above its maximum [share]")

    return NetworkRows(p=p, q=q, ind=ind, binaries=binaries, ydec=ydec, ratio_var=ratio_var,
                       power=power_terms, ratio_terms=ratio_terms, drop_terms=drop_terms,
                       slack_terms=slack_terms, labels=labels, top=top)


def _equal_squares(S, pi, a_, b_, on, vlo, vhi) -> None:
    """π_u = π_v where ``on`` (0/1) is 1: p_u = p_v > 0 there, so their squares agree."""
    if not _var(on) and on < 0.5:
        return
    M = float(max(vhi[a_] ** 2 - vlo[b_] ** 2, vhi[b_] ** 2 - vlo[a_] ** 2, 0.0))
    if _var(on):
        S.addCons(pi[a_] - pi[b_] <= M * (1 - on))
        S.addCons(pi[b_] - pi[a_] <= M * (1 - on))
    else:
        S.addCons(pi[a_] == pi[b_])


def _var(x) -> bool:
    return not isinstance(x, (int, float))


def _margin(form, e) -> float:
    """The margin the exact model keeps from an element's pressure limit [bar]."""
    return float(form.margin_bar)


def _law_rows(S, form, j, e, p, pi, q, relax, guide=False, big=None, prefix=""):
    md = form.md
    a_, b_ = int(md.u[e]), int(md.v[e])
    if not relax:
        S.addCons(pi[a_] - float(form.es[j]) * pi[b_] - float(form.k[j]) * q[e] * abs(q[e]) == 0.0)
        return None
    qp_max = max(form.f_hi[e], 0.0)
    qn_max = max(-form.f_lo[e], 0.0)
    if guide:     # coefficients frozen at the reference point
        es_lo = es_hi = float(form.es[j])
        k_lo = k_hi = float(form.k[j])
    else:
        es_lo, es_hi = float(form.es_lo[j]), float(form.es_hi[j])
        k_lo, k_hi = float(form.k_lo[j]), float(form.k_hi[j])
    M = big if big is not None else form.p_top ** 2 * 2.0
    qp = S.addVar(lb=0.0, ub=qp_max, name=f"{prefix}qp{e}")
    qn = S.addVar(lb=0.0, ub=qn_max, name=f"{prefix}qn{e}")
    S.addCons(q[e] == qp - qn)
    if qp_max > 0 and qn_max > 0:
        d = S.addVar(vtype="B", name=f"{prefix}d{e}")
        S.addCons(qp <= qp_max * d)
        S.addCons(qn <= qn_max * (1 - d))
        fwd, bwd = 1 - d, d         # relaxation terms: M·(1 − d) forward, M·d backward
    elif qp_max > 0:
        fwd, bwd = 0.0, None
    else:
        fwd, bwd = None, 0.0
    ua, vb = pi[a_], pi[b_]
    # the secant of k·q² over the flow's range in the direction taken: [q_min, q_max] where the
    # direction is known (flow bounds of one sign, e.g. after bound tightening), else [0, q_max]
    qp_min = max(float(form.f_lo[e]), 0.0)
    qn_min = max(-float(form.f_hi[e]), 0.0)
    if qp_min > 0:
        S.chgVarLb(qp, qp_min)
    if qn_min > 0:
        S.chgVarLb(qn, qn_min)
    if fwd is not None:
        S.addCons(k_lo * qp * qp - ua + es_lo * vb <= M * fwd)
        S.addCons(ua - es_hi * vb - k_hi * ((qp_min + qp_max) * qp - qp_min * qp_max) <= M * fwd)
    if bwd is not None:
        S.addCons(k_lo * qn * qn - es_hi * vb + ua <= M * bwd)
        S.addCons(es_lo * vb - ua - k_hi * ((qn_min + qn_max) * qn - qn_min * qn_max) <= M * bwd)
    t = S.addVar(lb=0.0, name=f"{prefix}t{e}")
    S.addCons(t >= ua - vb)
    S.addCons(t >= vb - ua)
    return t


def _alternative_rows(S, form, g, p, pi, q, relax, vlo, vhi) -> None:
    """Rows of one group of alternative parallel law elements (``add_network`` notes)."""
    from pyscipopt import quicksum

    if relax:
        raise InputError("alternative law elements (expansion) need the exact variant")
    md = form.md
    edges, xs = list(g["edges"]), list(g["x"])
    e0 = edges[0]
    a_, b_ = int(md.u[e0]), int(md.v[e0])
    js = [int(np.searchsorted(form.law, e)) for e in edges]
    es = float(form.es[js[0]])         # e^S: elevation and Z, not the diameter
    # tight bounds (loose ones make SCIP's spatial branching fragile): an element's flow is at
    # most what the widest pressure difference drives through it, and 0 unless it is built
    # (vlo, vhi: the pressure variables' bounds, wide open in the elastic model)
    lo_u, lo_v = max(float(vlo[a_]), 1.0) ** 2, max(float(vlo[b_]), 1.0) ** 2
    hi_u, hi_v = float(vhi[a_]) ** 2, float(vhi[b_]) ** 2
    fwd_max, bwd_max = max(hi_u - es * lo_v, 0.0), max(es * hi_v - lo_u, 0.0)
    terms = []
    for e, j, x in zip(edges, js, xs):
        k = float(form.k[j])
        q_hi = min(max(float(form.f_hi[e]), 0.0), np.sqrt(fwd_max / k) if k > 0 else np.inf)
        q_lo = max(min(float(form.f_lo[e]), 0.0), -np.sqrt(bwd_max / k) if k > 0 else -np.inf)
        S.chgVarLb(q[e], q_lo)
        S.chgVarUb(q[e], q_hi)
        S.addCons(q[e] <= q_hi * x)
        S.addCons(q[e] >= q_lo * x)
        terms.append(k * q[e] * abs(q[e]))
    gap = pi[a_] - es * pi[b_] - quicksum(terms)
    if g.get("required"):
        S.addCons(gap == 0.0)
    else:
        on = quicksum(xs)
        M = max(fwd_max, bwd_max) * (1.0 + 1e-9) + 1e-6
        S.addCons(gap <= M * (1 - on))
        S.addCons(gap >= -M * (1 - on))


def _balance_drop(form) -> np.ndarray:
    """One balance row per connected part is implied by the others (the nominations balance,
    checked up front) and is left out; so are held nodes (they take any inflow)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    md = form.md
    drop = np.zeros(md.n, dtype=bool)
    drop[form.held] = True
    adj = coo_matrix((np.ones(md.m), (md.u, md.v)), shape=(md.n, md.n))
    nc, lab = connected_components(adj, directed=False)
    for c in range(nc):
        members = np.flatnonzero(lab == c)
        if not drop[members].any():
            drop[members[np.argmax(np.abs(md.inj[members]))]] = True
    return drop
