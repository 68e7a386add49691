"""Steady-state simulation of a gas network (isothermal, with elevation).

Formulation
-----------
Unknowns are the mass flows of the connections that obey a pressure–flow law
(pipes, quadratic resistors) and the pressures of the nodes. Connections that
impose a pressure *relation* instead (open valves, short pipes, bypassed
stations, compressors holding a ratio or an outlet pressure, regulators,
constant-loss resistors) are eliminated exactly by
:mod:`linepack.numerics.reduction`: nodes they join share one pressure unknown
(``p = α·x + β``) and one mass balance. Newton's method is applied to the
remaining mixed system (law residual per connection, mass balance per group);
each step eliminates the flow corrections (a Schur complement), which leaves a
sparse system in the pressure unknowns alone whose matrix is a weighted graph
Laplacian times a diagonal — symmetric for horizontal networks with constant
compressibility — and recovers the flow corrections edge by edge.

Controls that are not given are chosen by a documented active-set rule (see
:func:`simulate`): regulators and compressors try to hold their outlet pressure
and fall back to bypass where they cannot, check valves close against reverse
flow, and the set points the rule chooses are lowered where they would push a
node above its maximum. Every limit the result still violates is listed in
``SteadyResult.violations`` (:mod:`linepack.results.limits`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from linepack import jit
from linepack.errors import Infeasible, InputError, LinepackError, NotConverged
from linepack.network.case import Case, unpack_case
from linepack.network.network import Controls, Network, Scenario
from linepack.numerics.assembly import EdgeAssembler, Incidence
from linepack.numerics.linsolve import (Factorizer, SingularMatrix, cholmod_available,
                                        preconditioned_solve)
from linepack.numerics.newton import NewtonOptions, newton
from linepack.numerics.reduction import RelationConflict, internal_flows, reduce_affine
from linepack.physics import compiled
from linepack.problems.model import (  # noqa: F401  (the shared model; steady names kept)
    ALG as _ALG, DEFAULT_EFFICIENCY, DEFAULT_ISENTROPIC_EXPONENT, DEFAULT_VISCOSITY, FLOW as _FLOW,
    FRICTION_NAMES, LAW as _LAW, OFF as _OFF, EdgeControl as _EdgeControl, NetworkModel as _Model,
    edge_states as _edge_states, island_references as _island_references,
    apply_control_rule as _switch, resolve_controls as _resolve_controls,
    resolve_physics as _resolve_physics, station_power as _station_power,
    final_controls as _final_controls)
from linepack.physics import element_laws as laws
from linepack.physics.friction import Nikuradse
from linepack.results.limits import limit_violations
from linepack.results.records import SteadyResult
from linepack.units import ATM, BAR, DAY

__all__ = ["simulate", "SteadyOptions", "FRICTION_NAMES"]

#: Along the Newton search path no pressure unknown falls below this share of its value.
_KEEP = 0.25
#: A pipe's flow derivative in the Newton matrix is replaced by the secant slope where that
#: is this many times steeper (flow far below what the pressures drive; see ``step``).
_STIFF = 4.0
_RE_TINY = 1e-8  # Reynolds number standing in for zero flow (λ·Re stays finite there)
# An earlier Newton step's Cholesky factor is tried as the preconditioner when fewer than
# _REUSE_SHARE of the Laplacian's weights moved by more than 10 % since it was computed, with
# at most _REUSE_APPLICATIONS applications (triangular solve pairs) before the Laplacian is
# refactorised. One application costs 1/20–1/26 of a numeric factorisation on lattices of
# 10k–50k nodes (CHOLMOD simplicial, measured), and the reused factor needs 6–13.
_REUSE_SHARE = 0.005
_REUSE_APPLICATIONS = 16
# with a fresh factor: the first try, one minimal-residual correction, then at most two GMRES
# cycles of 40 and the map back (SuperLU on the exact Jacobian when even that falls short)
_FRESH_APPLICATIONS = 83
# with compiled=None the compiled loops (pipe law, graph products) are used from this many
# pipes on where numba is installed, and on every network once numba is loaded (see SteadyOptions)
_COMPILED_MIN_PIPES = 10_000


@dataclass(frozen=True)
class SteadyOptions:
    """Solver options of :func:`simulate`.

    Attributes
    ----------
    tol : float
        Convergence tolerance on the scaled residuals: pipe laws divided by
        the square of the reference pressure, balances by the flow scale
        (half the total nominated flow). The default 1e-9 leaves pressures
        correct to about 1e-9 relative and balances to 1e-9 of the flow scale.
    max_iter : int
        Newton iterations per control round.
    max_rounds : int
        Rounds of the control active-set rule.
    linear_solver : str
        ``"auto"``, ``"splu"`` or ``"cholmod"`` (see :mod:`linepack.numerics.linsolve`).
    reynolds_floor : float
        In the Newton matrix only, the flow derivative of a pipe's friction term
        is not allowed below its value at this Reynolds number. This keeps the
        matrix well conditioned where pipes carry almost no flow (a law without
        a laminar branch has a zero derivative at zero flow); the residual, and
        so the solution, is the exact law at every flow.
    compiled : bool or None
        Evaluate the pipe law (:mod:`linepack.physics.compiled`, for the models it
        fuses; others stay numpy) and assemble the Newton matrices and graph products
        (:mod:`linepack.numerics.assembly`) in compiled loops (needs numba, extra
        ``fast``). ``None`` (default): where numba is installed and the network has
        at least 10,000 pipes (below that the numpy passes cost less than loading
        numba once, about 0.4 s), or on any network once numba is loaded in the
        process (e.g. by an earlier large solve). ``True``: always (an error without
        numba). ``False``: numpy. Both give the same solution within the tolerance;
        not the same last bits.
    keep_initial_factor : bool
        Keep the factor of the initial guess's Laplacian (it depends on the network
        alone, not on the scenario) for the next steady state of the same network:
        one factorisation fewer per solve in scenario sweeps, capacity searches and
        control rounds, for the memory of one factor between solves (about 14 MB at
        50,000 nodes). The answers are the same to the last bit.
    fuel_gas : bool
        Withdraw each station's fuel gas, shaft power / (η_drive · LHV), at its fuel node
        (GasLib ``fuelGasVertex``, else its inlet); the nodes holding a pressure supply it
        (:mod:`linepack.problems.fuel`). Default False: nominations balance without it and
        the fuel is only reported.
    drive_efficiency : float or None
        η_drive of every station with ``fuel_gas`` (None: the case's labelled per-station
        ``meta["station_drive_efficiency"]``, else 0.35;
        :func:`linepack.problems.fuel.station_drive_efficiencies`). [-]
    lhv_j_kg : float or None
        Lower heating value of the fuel with ``fuel_gas`` (None: the gas's net calorific
        value per kg, else 47 MJ/kg). [J/kg]
    """

    tol: float = 1e-9
    max_iter: int = 50
    max_rounds: int = 12
    linear_solver: str = "auto"
    reynolds_floor: float = 2000.0
    compiled: bool | None = None
    keep_initial_factor: bool = True
    fuel_gas: bool = False
    drive_efficiency: float | None = None
    lhv_j_kg: float | None = None

    def __post_init__(self) -> None:
        from linepack.errors import did_you_mean
        from linepack.network.arguments import argument_error, check_integer, check_number

        f = "SteadyOptions"
        object.__setattr__(self, "tol", check_number(f, "tol", self.tol, lower=0.0, strict=True,
                                                     upper=1e-2))
        object.__setattr__(self, "max_iter", check_integer(f, "max_iter", self.max_iter, lower=1))
        object.__setattr__(self, "max_rounds", check_integer(f, "max_rounds", self.max_rounds,
                                                             lower=1))
        solvers = ("auto", "splu", "cholmod")
        if not isinstance(self.linear_solver, str):
            raise argument_error(f, "linear_solver", self.linear_solver, f"one of {list(solvers)}")
        if self.linear_solver not in solvers:
            raise InputError(f"SteadyOptions(): linear_solver must be one of {list(solvers)} "
                             f"(got {self.linear_solver!r})"
                             f"{did_you_mean(str(self.linear_solver), solvers)}")
        object.__setattr__(self, "reynolds_floor",
                           check_number(f, "reynolds_floor", self.reynolds_floor, lower=0.0))
        for name, allowed in (("compiled", (True, False, None)), ("keep_initial_factor",
                                                                   (True, False)),
                              ("fuel_gas", (True, False))):
            v = getattr(self, name)
            if not any(v is a for a in allowed):
                raise argument_error(f, name, v, " or ".join(map(str, allowed)))
        if self.drive_efficiency is not None:
            object.__setattr__(self, "drive_efficiency", check_number(
                f, "drive_efficiency", self.drive_efficiency, lower=0.0, strict=True, upper=1.0))
        if self.lhv_j_kg is not None:
            object.__setattr__(self, "lhv_j_kg", check_number(f, "lhv_j_kg", self.lhv_j_kg, lower=0.0,
                                                              strict=True, unit="J/kg"))

    @classmethod
    def coerce(cls, options: Any, function: str = "simulate") -> "SteadyOptions":
        """``options`` as SteadyOptions: None gives the defaults, a mapping gives
        ``SteadyOptions(**options)`` with unknown keys named; anything else is refused."""
        import dataclasses
        from collections.abc import Mapping

        from linepack.errors import did_you_mean
        from linepack.network.arguments import argument_error

        if options is None:
            return cls()
        if isinstance(options, cls):
            return options
        if isinstance(options, Mapping):
            names = [f.name for f in dataclasses.fields(cls)]
            for k in options:
                if k not in names:
                    raise InputError(f"{function}(): options: unknown option {k!r}"
                                     f"{did_you_mean(str(k), names)}; expected some of {names}")
            return cls(**options)
        raise argument_error(function, "options", options,
                             "a linepack.SteadyOptions, a mapping of its fields (e.g. "
                             "{'tol': 1e-10, 'max_iter': 80}) or None")




# --------------------------------------------------------------------------------------
# one solve with the element states fixed
# --------------------------------------------------------------------------------------
@dataclass
class _Solution:
    p: np.ndarray
    flow: np.ndarray   # all edges
    iterations: int
    norms: list
    message: str
    fixed: np.ndarray = None        # reference nodes of this solve
    fixed_value: np.ndarray = None  # their held pressures [Pa]
    notes: list = None              # references chosen per island


#: Sparsity structures of recent solves: (assembler, factoriser) by pattern. Repeated solves of
#: one network (capacity searches, scenario sweeps, warm benchmarks) reuse the pattern analysis
#: and CHOLMOD's symbolic factorisation; a few entries bound the memory.
_STRUCTURES: "OrderedDict[tuple, tuple]" = OrderedDict()
_STRUCTURES_MAX = 6
# The factor of the initial guess's Laplacian C·W·Cᵀ depends on the network alone (pattern and
# pipe data, not the scenario): the last one is kept, so that the next steady state of the same
# network (a scenario sweep, a capacity search, a control round) skips that factorisation. One
# numeric factor at most (about 14 MB for a 50,000-node lattice); solves with it are serialised.
_INITIAL: dict = {}
_INITIAL_LOCK = threading.Lock()


def _initial_solve(key: tuple, factorizer: Factorizer, matrix, rhs: np.ndarray,
                   keep: bool = True) -> np.ndarray:
    """``matrix()⁻¹·rhs`` with the kept factor when ``key`` matches it, else a new one (kept
    unless ``keep`` is false)."""
    if not keep:
        return factorizer.factor(matrix())(rhs)
    with _INITIAL_LOCK:
        if _INITIAL.get("key") != key:
            _INITIAL.clear()   # the old factor goes before the new one is made (memory)
            _INITIAL.update(key=key, solve=factorizer.factor(matrix()))
        return _INITIAL["solve"](rhs)


def _structure(tag: tuple, fingerprint: tuple, ends, make_factorizer):
    """(assembler, factoriser) of the edge-block pattern ``ends()`` returns as (ru, rv, cu, cv)
    (see :class:`~linepack.numerics.assembly.EdgeAssembler`), cached by ``tag + fingerprint``.

    ``fingerprint`` identifies the pattern: a digest of the arrays it is built from
    (it is built only when not already held).
    """
    n = tag[-1]
    key = tag + fingerprint
    hit = _STRUCTURES.get(key)
    if hit is not None:
        _STRUCTURES.move_to_end(key)
        return hit
    entry = (EdgeAssembler(*ends(), (n, n)), make_factorizer())
    _STRUCTURES[key] = entry
    while len(_STRUCTURES) > _STRUCTURES_MAX:
        _STRUCTURES.popitem(last=False)
    return entry


def _check_anchored(md: _Model, red, law: np.ndarray, alg: np.ndarray, a: np.ndarray) -> None:
    """Every free pressure must be tied to a boundary pressure through pipes and resistors.

    In the reduced Newton matrix each column sums to zero except where a pipe
    or resistor reaches a group that holds a boundary pressure; a pipe from
    class c to a class held by a station or regulator acts on that station's
    group balance. The matrix is regular only when every free class reaches a
    boundary pressure along such links (a column-diagonally-dominant chain).
    A region that fails this is fed by given flows and left only through
    stations or regulators holding their outlets: its pressure level is not
    determined (and its balance over-determines the rest).
    """
    from scipy.sparse.csgraph import breadth_first_order

    n_x = red.n_unknowns
    if n_x == 0 or alg.size == 0:
        # without algebraic connections every class is one node and every connected part
        # already holds a reference (_island_references): anchored by construction
        return
    ground = n_x
    ncls = red.class_fixed.size
    class_group = np.empty(ncls, dtype=np.int64)
    class_group[red.node_class] = red.node_group
    rowv = red.class_unknown.copy()
    fixed = np.flatnonzero(red.class_fixed)
    g = class_group[fixed]
    rowv[fixed] = np.where(red.group_has_reference[g], ground, red.group_row[g])
    ca, cb = red.node_class[md.u[law]], red.node_class[md.v[law]]
    ua, ub = red.class_unknown[ca], red.class_unknown[cb]
    src = np.concatenate([rowv[cb][ua >= 0], rowv[ca][ub >= 0]])   # reversed edges
    dst = np.concatenate([ua[ua >= 0], ub[ub >= 0]])
    keep = src >= 0
    graph = sp.csr_matrix((np.ones(keep.sum()), (src[keep], dst[keep])), shape=(n_x + 1, n_x + 1))
    reached = np.zeros(n_x + 1, dtype=bool)
    reached[breadth_first_order(graph, ground, directed=True, return_predecessors=False)] = True
    if reached[:n_x].all():
        return
    loose_cls = red.free_classes[~reached[:n_x]]
    members = np.flatnonzero(np.isin(red.node_class, loose_cls))
    cand = alg[(a[alg] == 0.0) & np.isin(md.u[alg], members)]
    raise _Conflict("the pressure level of these nodes is not determined: they are fed by given "
                    "flows and left only through stations or regulators that hold their outlet "
                    "pressure", cand, members)


def _solve_fixed(md: _Model, state, a, b, q, p_guess: np.ndarray | None, share: float = 1.0,
                 m_guess: np.ndarray | None = None):
    opts = md.opts
    fixed, fixed_value, island_notes = _island_references(md, state)
    alg = np.flatnonzero(state == _ALG)
    try:
        red = reduce_affine(md.n, md.u[alg], md.v[alg], a[alg], b[alg], fixed, fixed_value)
    except RelationConflict as exc:
        raise _Conflict(str(exc), alg[np.asarray(exc.edges, dtype=np.int64)],
                        np.asarray(exc.nodes, dtype=np.int64)) from None

    law = np.flatnonzero(state == _LAW)
    _check_anchored(md, red, law, alg, a)
    is_pipe = md.is_pipe[law]
    pipe, res = law[is_pipe], law[~is_pipe]
    law = np.concatenate([pipe, res])
    n_p, n_l = pipe.size, law.size
    lu_, lv_ = md.u[law], md.v[law]
    n_x = red.n_unknowns

    # injections per node incl. fixed-flow connections
    inj = md.inj_eff * share
    inj[fixed] = 0.0
    fl = np.flatnonzero(state == _FLOW)
    np.add.at(inj, md.u[fl], -q[fl])
    np.add.at(inj, md.v[fl], q[fl])
    # balance rows: group of each node → row (−1 for reference groups)
    node_row = red.group_row[red.node_group]
    b_inj = np.zeros(n_x)
    np.add.at(b_inj, node_row[node_row >= 0], inj[node_row >= 0])
    ru, rv = node_row[lu_], node_row[lv_]
    # compiled loops (numba) for the pipe law and the graph products on large networks
    if opts.compiled and not jit.available():
        raise InputError("SteadyOptions(compiled=True) needs numba (pip install "
                         "'linepack[fast]'); got no importable numba")
    use_jit = bool(opts.compiled) if opts.compiled is not None else (
        jit.loaded() or (pipe.size >= _COMPILED_MIN_PIPES and jit.available()))
    # C (rows × law edges): +1 at the from-group, −1 at the to-group; internal edges cancel.
    # Applied by scatter and gather (C·m, Cᵀ·y) rather than built as a sparse matrix.
    inc = Incidence(ru, rv, n_x, compiled=use_jit)
    C_times, CT_times = inc.times, inc.transpose_times
    unk = red.node_unknown()
    cu, cv = unk[lu_], unk[lv_]
    al_u, al_v = red.alpha[lu_], red.alpha[lv_]

    # geometry
    D = md.diameter[law]
    A = np.pi * D * D / 4.0
    L = md.length[pipe]
    rr = md.roughness[pipe] / md.diameter[pipe]
    dh = md.height[md.v[pipe]] - md.height[md.u[pipe]]
    zeta = md.zeta[pipe]
    drag = md.drag[res]
    T, R, gas = md.T, md.R, md.gas

    re_floor = opts.reynolds_floor
    if n_p:
        # The floor follows the problem's flow scale: no higher than the Reynolds number of
        # 1 % of the flow scale in the widest pipe (viscosity at the reference pressure). On
        # networks of tiny flows a fixed floor would replace the law's derivative on every
        # pipe and slow Newton to a crawl (linear convergence at 1 − Re/Re_floor per step);
        # from a flow scale of a few kg/s up it is the option's value.
        mu_ref = float(np.max(md.visc.mu(np.array([md.p_ref]), T, gas)))
        re_scale = 4.0 * 0.01 * md.flow_scale / (np.pi * float(np.max(D[:n_p])) * mu_ref)
        re_floor = float(min(re_floor, max(re_scale, 1.0)))
        re_f = np.full(n_p, re_floor)
        m_floor = re_floor * mu_ref * np.pi * D[:n_p] / 4.0   # flow at the floor [kg/s]
        try:  # the first evaluation of the law on every pipe: a refusal is named by pipe
            friction_re = md.friction_at(rr, D[:n_p])
            c_re_floor = friction_re(re_f)[0]
        except InputError:
            md._check_friction_domain()
            raise
    else:
        c_re_floor = np.zeros(0)

    a_over_d = A[:n_p] / D[:n_p]
    pipe_kernel = None
    if n_p and use_jit:
        law_f = compiled.pipe_law(md.friction, md.eos, md.visc, T, gas, rr, D[:n_p], L, zeta, dh,
                                  re_floor, _RE_TINY)
        if law_f is not None:
            pu_, pv_ = lu_[:n_p].astype(np.int64, copy=False), lv_[:n_p].astype(np.int64, copy=False)

            def pipe_kernel(p, mp):
                return law_f(p, pu_, pv_, mp)
            friction_re = c_re_floor = a_over_d = None   # the numpy path's arrays (memory)

    def pressures(x):
        return red.node_values(x)

    def evaluate(state_vec):
        m = state_vec[:n_l]
        x = state_vec[n_l:]
        p = pressures(x)
        if n_l > n_p:
            F, F1, F2, Fm = np.empty(n_l), np.empty(n_l), np.empty(n_l), np.empty(n_l)
        if n_p and pipe_kernel is not None:
            f, f1, f2, fm = pipe_kernel(p, m[:n_p])
            if n_l == n_p:
                F, F1, F2, Fm = f, f1, f2, fm
            else:
                F[:n_p], F1[:n_p], F2[:n_p], Fm[:n_p] = f, f1, f2, fm
        elif n_p:
            pp1, pp2, mp = p[lu_[:n_p]], p[lv_[:n_p]], m[:n_p]
            mean = laws.mean_pressure(pp1, pp2)
            pm = mean[0]
            z, dz = md.z_and_dz_dp(pm)
            mu = md.visc.mu(pm, T, gas)
            Dp = D[:n_p]
            # λ·m·|m| = (λ·Re)·(μA/D)·m: exact at every flow, finite at zero flow
            c_re = mu * a_over_d
            re = np.maximum(np.abs(mp) / c_re, _RE_TINY)
            fre, dfre = friction_re(re)
            mabs = re * c_re
            lam = fre / re
            # d(λ m|m|)/dm; in the Newton matrix only, floored at its value at the
            # Reynolds floor (regularises pipes near zero flow; the residual stays exact)
            dterm = np.maximum(c_re * (fre + re * dfre), c_re_floor * c_re)
            f, f1, f2, fm = laws.isothermal_pipe(pp1, pp2, mp, mabs, lam, dterm, z, dz, L, Dp,
                                                  zeta, dh, T, R, mean, A[:n_p])
            if n_l == n_p:
                F, F1, F2, Fm = f, f1, f2, fm
            else:
                F[:n_p], F1[:n_p], F2[:n_p], Fm[:n_p] = f, f1, f2, fm
        if n_l > n_p:
            rp1, rp2, mr = p[lu_[n_p:]], p[lv_[n_p:]], m[n_p:]
            up = mr >= 0
            z_up = md.eos.z(np.where(up, rp1, rp2), T, gas)
            mabs = np.maximum(np.abs(mr), 1e-9)
            f, f1, f2, fm = laws.quadratic_resistor(rp1, rp2, mr, mabs, drag, D[n_p:], z_up, T, R, up)
            F[n_p:], F1[n_p:], F2[n_p:], Fm[n_p:] = f, f1, f2, fm
        Rb = b_inj - C_times(m)
        return F, F1, F2, Fm, Rb, p

    scale_F = np.concatenate([np.full(n_p, 1.0 / md.p_ref ** 2), np.full(n_l - n_p, 1.0 / md.p_ref)])

    def residual(sv):
        F, F1, F2, Fm, Rb, p = evaluate(sv)
        r = np.concatenate([F * scale_F, Rb / md.flow_scale])
        return r, (F, F1, F2, Fm, Rb)

    # Jacobian J = −C·diag(1/Fm)·P: four entries per law edge (rows of its ends' groups,
    # columns of their pressure classes); every matrix pattern below is a function of them
    fingerprint = (n_l,) + tuple(hash(arr.tobytes()) for arr in (ru, rv, cu, cv))
    J_asm, fac = _structure(("J", opts.linear_solver, n_x), fingerprint, lambda: (ru, rv, cu, cv),
                            lambda: Factorizer(opts.linear_solver, symmetric=False))
    unit_alpha = bool(np.all(al_u == 1.0)) and bool(np.all(al_v == 1.0))
    # law-edge ends that are not unknowns gather a zero appended to dx
    cu_e = np.where(cu >= 0, cu, n_x).astype(np.int32)
    cv_e = np.where(cv >= 0, cv, n_x).astype(np.int32)

    # Symmetric path. Where every pipe end is its own balance row and shares its class's
    # pressure (no station or regulator at the pipe ends), J ≈ L_w·diag(2p) with L_w a
    # weighted graph Laplacian (exact for constant Z on flat ground). L_w is factorised by
    # CHOLMOD (one symbolic analysis, then numeric refactorisations) and preconditions GMRES
    # on the exact J, so each step is still an exact Newton step.
    own_u = (ru == cu) & (al_u == 1.0) & (red.beta[lu_] == 0.0)
    own_v = (rv == cv) & (al_v == 1.0) & (red.beta[lv_] == 0.0)
    sym = (n_x > 0 and opts.linear_solver in ("auto", "cholmod") and cholmod_available()
           and bool(np.all(own_u | (cu < 0))) and bool(np.all(own_v | (cv < 0)))
           and bool(np.all(ru[cu < 0] < 0)) and bool(np.all(rv[cv < 0] < 0)))
    if sym:
        L_asm, sfac = _structure(("L", n_x), fingerprint, lambda: (cu, cv, cu, cv),
                                 lambda: Factorizer("cholmod", symmetric=True))
    if unit_alpha:
        al_u = al_v = None   # every α is 1: the steps need no α arrays (memory)

    def laplacian(weights):
        """The symmetric path's weighted Laplacian with one weight per law edge."""
        return L_asm.matrix(weights, -weights, reuse=True, compiled=use_jit)   # factorised at once

    # the last Cholesky factor of the symmetric path's Laplacian and its weights; a later
    # step first tries it as the preconditioner (scaled to the new weights) and refactorises
    # only when GMRES does not meet the tolerance within _REUSE_APPLICATIONS applications
    held: dict = {}

    def linear_solve(J, rhs, Dinv, x, rnorm):
        if sym:
            two_p = 2.0 * x
            wts = -Dinv
            # right preconditioning: GMRES then minimises the true residual ‖J·dx − rhs‖,
            # which is the mass-balance error the step leaves [kg/s]. Inexact Newton
            # (Eisenstat & Walker 1996): that error is kept below a tenth of the current
            # scaled residual, so the step stays a descent direction, and below
            # min(1e-2, ‖r‖) relative, which keeps the convergence superlinear. It is
            # never asked below a tenth of the convergence tolerance: the balance error
            # the step leaves is then already within it (no oversolving in the last step).
            atol = max(min(0.1 * rnorm * md.flow_scale,
                           min(1e-2, rnorm) * float(np.linalg.norm(rhs))),
                       0.1 * opts.tol * md.flow_scale)
            if held:
                # the old factor, scaled by the median weight ratio, preconditions well once
                # almost every weight is within 10 % of its value at the factorisation (the
                # last one or two Newton steps on lattices: 0.1 % of the edges beyond that,
                # 2–60 % before, measured); otherwise trying it only costs solves
                ratio = wts / held["w"]
                # the median of at most ≈ 4,000 evenly spaced ratios (a full one costs ≈ 1 ms
                # at 100k edges, measured; the scale need not be exact, GMRES corrects it)
                s = float(np.median(ratio[::max(1, ratio.size // 4096)]))
                if (np.isfinite(s) and s > 0.0
                        and np.count_nonzero(np.abs(ratio - s) > 0.1 * s) < _REUSE_SHARE * ratio.size):
                    old = held["chol"]
                    dx, _ = preconditioned_solve(J, rhs, lambda b: old(b) / (s * two_p), atol,
                                                 _REUSE_APPLICATIONS)
                    if dx is not None:
                        return dx
                held.clear()   # one numeric factor at a time (memory)
            try:
                chol = sfac.factor(laplacian(wts))
            except SingularMatrix:
                chol = None
            if chol is not None:
                held.update(chol=chol, w=wts)
                # the fresh factor alone often meets the tolerance (exact for constant Z
                # on flat ground)
                dx, _ = preconditioned_solve(J, rhs, lambda b: chol(b) / two_p, atol,
                                             _FRESH_APPLICATIONS)
                if dx is not None:
                    return dx
        try:
            solve = fac.factor(J)
        except SingularMatrix:
            raise _Singular() from None
        return solve(rhs)

    def step(sv, r, aux):
        F, F1, F2, Fm, Rb = aux
        if n_p:
            # A pipe whose flow is far below what its pressure drop drives (a start with
            # no flow where the pressures differ) has a flat law there: the tangent would
            # send its flow far beyond. Its flow derivative is then replaced by the secant
            # slope to the flow m* that the present pressures drive (p₁² − e^S·p₂² = c·m*|m*|)
            # where that is more than _STIFF times steeper (|m*| ≳ 7|m|); near the solution
            # m ≈ m* and the step is Newton's. c is read from the derivative: |Fm| = c·max(2|m|, m_f), m_f the
            # flow at the Reynolds floor (exact for a friction factor independent of Re).
            m = sv[:n_p]
            fm = Fm[:n_p]
            c = np.abs(fm) / np.maximum(2.0 * np.abs(m), m_floor)
            drive = F[:n_p] + c * m * np.abs(m)
            m_star = np.sign(drive) * np.sqrt(np.abs(drive) / c)
            gap = m_star - m
            with np.errstate(divide="ignore", invalid="ignore"):
                secant = -c * (m_star * np.abs(m_star) - m * np.abs(m)) / gap
            stiff = np.isfinite(secant) & (np.abs(secant) > _STIFF * np.abs(fm)) & (np.abs(gap) > 0.0)
            if stiff.any():
                Fm = Fm.copy()
                Fm[:n_p][stiff] = secant[stiff]
        Dinv = 1.0 / Fm
        # contributions of dp at the from and to node, per edge
        nD = -Dinv
        if unit_alpha:
            J = J_asm.matrix(nD * F1, nD * F2, reuse=True, compiled=use_jit)   # this step only
        else:
            J = J_asm.matrix(nD * F1 * al_u, nD * F2 * al_v, reuse=True, compiled=use_jit)
        rhs = Rb + C_times(Dinv * F)
        if n_x:
            dx = linear_solve(J, rhs, Dinv, sv[n_l:], float(np.max(np.abs(r))))
        else:
            dx = np.zeros(0)
        # P·dx: the pipe laws' change with the class pressures (P = ∂F/∂x, two entries per edge)
        dx_e = np.append(dx, 0.0)
        if unit_alpha:
            Pdx = F1 * dx_e[cu_e] + F2 * dx_e[cv_e]
        else:
            Pdx = F1 * al_u * dx_e[cu_e] + F2 * al_v * dx_e[cv_e]
        dm = -Dinv * (F + Pdx)
        return np.concatenate([dm, dx])

    def path(sv, d, t):
        # The search path is linear in p² where p = α·x (pipe laws are nearly linear in p²):
        # x(t) = √(x² + 2t·x·dx), whose slope at t = 0 is the Newton step dx (so the line
        # search descends the merit), and whose full step leaves no (dp)² error in the pipe
        # laws (halves the Newton iterations on long chains). No class value falls below
        # _KEEP of its current value along the path (a projected path: where the linear
        # model asks for p² ≤ 0, far from the solution, the step is not cut to nothing for
        # the sake of one node). Flows and classes with a pressure offset move along the
        # straight line, with the same floor.
        out = sv + t * d
        if n_x:
            xs, dx = sv[n_l:], d[n_l:]
            sq = np.maximum(xs * xs + 2.0 * t * xs * dx, (_KEEP * xs) ** 2)
            out[n_l:] = np.where(sq_ok, np.sqrt(sq), np.maximum(out[n_l:], _KEEP * xs))
        return out

    # classes whose nodes all have p = α·x (no offset): p² is α²·x², update in x²
    sq_ok = np.ones(n_x, dtype=bool)
    if n_x:
        bad = (unk >= 0) & (red.beta != 0.0)
        sq_ok[unk[bad]] = False

    # what round-off alone leaves in the scaled residuals (a hundred units of it): in a pipe
    # law, of its terms p₁², e^S·p₂² and the friction term; in a balance, of the flows it
    # sums and of the flow change a one-ulp change of the end pressures makes (large where
    # pipes carry almost no flow, whose law is flat in the flow)
    ulp = 100.0 * np.finfo(float).eps

    def floor(sv, r, aux):
        F, F1, F2, Fm, Rb = aux
        m = sv[:n_l]
        p = pressures(sv[n_l:])
        pu, pv = p[lu_], p[lv_]
        law_floor = ulp * (np.abs(F1 * pu) + np.abs(F2 * pv) + np.abs(Fm * m)) * scale_F
        per_edge = np.abs(m) + (np.abs(F1 * pu) + np.abs(F2 * pv)) / np.abs(Fm)
        bal = np.abs(b_inj).copy()
        ok_u, ok_v = ru >= 0, rv >= 0
        bal += np.bincount(ru[ok_u], per_edge[ok_u], minlength=n_x)
        bal += np.bincount(rv[ok_v], per_edge[ok_v], minlength=n_x)
        return np.concatenate([law_floor, ulp * bal / md.flow_scale])

    def admissible(sv):
        p = pressures(sv[n_l:])
        return bool(np.all(p > 0.0))

    def hopeless(sv):
        # the line search had to cut hard and some pressure sits below 2 % of the reference
        return bool(np.min(pressures(sv[n_l:])) < 0.02 * md.p_ref)

    # initial guess: weighted minimum-norm flows that close the balances; flat pressures.
    # The weight is the conductance 1/√K of a quadratic law, K ∝ λ·L/D⁵, with λ the fully
    # rough (Nikuradse) value of the pipe (relative roughness clipped to 1e-6…0.05)
    w = np.ones(n_l)
    if n_p:
        lam0 = Nikuradse().factor(1e5, np.clip(rr, 1e-6, 0.05), md.diameter[pipe])
        w[:n_p] = md.diameter[pipe] ** 2.5 / np.sqrt(np.maximum(md.length[pipe], 1.0) * lam0)
    if n_l > n_p:
        w[n_p:] = D[n_p:] ** 2 / np.sqrt(np.maximum(drag, 1e-3))
    if n_x:
        # C·W·Cᵀ is a grounded weighted Laplacian (symmetric positive definite), assembled on
        # its cached pattern; its factoriser (and CHOLMOD's symbolic analysis) is cached too
        if sym:   # the same pattern as the Newton Laplacian (balance rows are the classes)
            Lw, f0 = (lambda: laplacian(w)), sfac
        else:
            L0_asm, f0 = _structure(("L0", opts.linear_solver, n_x), fingerprint, lambda: (ru, rv, ru, rv),
                                    lambda: Factorizer(opts.linear_solver, symmetric=True))
            Lw = lambda: L0_asm.matrix(w, -w, compiled=use_jit)   # noqa: E731
        try:
            y = _initial_solve((sym, f0.method, n_x) + fingerprint + (hash(w.tobytes()),), f0, Lw, b_inj,
                               opts.keep_initial_factor)
        except SingularMatrix:
            raise InputError("the network cannot carry the nominated flows: a group of nodes has "
                             "no path to a pressure reference") from None
        m0 = w * CT_times(y)
    else:
        m0 = np.zeros(n_l)
    x0 = np.full(n_x, md.p_ref)
    if p_guess is not None and n_x:
        # class value from any member node: x = (p − β)/α
        roots = np.full(n_x, np.nan)
        mem = unk >= 0
        roots[unk[mem]] = (p_guess[mem] - red.beta[mem]) / red.alpha[mem]
        x0 = np.where(np.isfinite(roots) & (roots > 0), roots, x0)
    if m_guess is not None and n_l:
        # flows of a nearby solution where given (the diagnosis's scaled solves) [kg/s]
        mg = m_guess[law]
        m0 = np.where(np.isfinite(mg), mg, m0)
    sv0 = np.concatenate([m0, x0])
    w = m0 = x0 = Lw = y = None   # the initial guess's arrays are not needed further (memory)
    nopt = NewtonOptions(tol=opts.tol, max_iter=opts.max_iter)
    try:
        res = newton(residual, step, sv0, nopt, admissible, hopeless, path, floor)
    except _Singular:
        raise NotConverged("the Newton matrix is singular: part of the network has no pressure "
                           "path to a reference through pipes or resistors") from None
    m = res.x[:n_l]
    p = pressures(res.x[n_l:])
    if not res.converged:
        return None, res, (law, m, p, red, inj)
    # flows of algebraic connections close every node's balance
    flow = np.zeros(md.m)
    flow[law] = m
    flow[fl] = q[fl]
    outflow = np.zeros(md.n)
    np.add.at(outflow, lu_, m)
    np.add.at(outflow, lv_, -m)
    imbalance = inj - outflow
    flow[alg] = internal_flows(md.n, md.u[alg], md.v[alg], imbalance, red.node_group,
                               red.group_has_reference, fixed)
    return (_Solution(p, flow, res.iterations, res.residual_norms, res.message, fixed, fixed_value,
                      island_notes), res, None)


class _Singular(Exception):
    pass


class _Conflict(Exception):
    """Controls that cannot hold together; ``edges`` and ``nodes`` are positions."""

    def __init__(self, message, edges, nodes):
        super().__init__(message)
        self.edges = np.asarray(edges, dtype=np.int64)
        self.nodes = np.asarray(nodes, dtype=np.int64)


def _repair(md: _Model, ctl: _EdgeControl, conflict: _Conflict) -> bool:
    """Resolve a conflict among automatically controlled elements (documented rule).

    * Elements that would hold one pressure at different values: the one
      with the lower set point closes (a regulator or station cannot push
      into a higher pressure).
    * More free pressures than balances in a group (stations or regulators
      in parallel from different inlets, or an entry feeding a station
      directly): the last such element goes to bypass.
    Returns whether anything changed.
    """
    e = conflict.edges
    cand = e[ctl.auto[e] & (ctl.mode[e] == "active") & (ctl.setpoint[e] == "p_out")]
    if cand.size == 0:
        return False
    if "different values" in str(conflict):
        i = cand[np.argmin(ctl.value[cand])]
        ctl.mode[i] = "closed"
    else:
        i = cand[-1]
        ctl.mode[i] = "bypass"
    ctl.switches[i] += 1
    return True


def _conflict_error(md: _Model, conflict: _Conflict) -> InputError:
    names = [f"{md.kind[i]} '{md.edge_ids[i]}'" for i in conflict.edges[:6]]
    names += [f"node '{md.node_ids[n]}'" for n in conflict.nodes[:6]]
    more = " …" if conflict.edges.size > 6 or conflict.nodes.size > 6 else ""
    return InputError(f"{conflict}: {', '.join(names)}{more}; give these elements' controls explicitly")


# --------------------------------------------------------------------------------------
# active-set rule for automatic controls
# --------------------------------------------------------------------------------------
# rounds of the second part of the control rule (lowering set points that push a node above
# its maximum), and the clearance it aims below a maximum [Pa]
_LOWER_ROUNDS = 8
_LOWER_CLEARANCE = 100.0


def _pressure_bounds(md: _Model, ctl: _EdgeControl, p: np.ndarray):
    """Per node, the upper and lower pressure bounds a steady state must keep [Pa]: the node's
    own, a passing station's or regulator's outlet maximum and inlet minimum, and an active
    regulator's pressure-reduction range (its inlet at most ``p_out + dp_max``).

    A bypassed element's outlet maximum and inlet minimum are not limits (they bound the
    element's working range in operation: :mod:`linepack.results.limits`); the rule still
    aims to keep them where a set point can, the conservative choice for an operator."""
    conns = md.net.connections
    hi = np.where(np.isfinite(md.p_max), md.p_max, np.inf)
    lo = np.where(np.isfinite(md.p_min), md.p_min, 0.0)
    s = md.special
    k = md.kind[s]
    passing = s[np.isin(k, ("controlValve", "compressorStation")) & (ctl.mode[s] != "closed")]
    if passing.size:
        out_max = md.p_out_max[passing]
        np.minimum.at(hi, md.v[passing], np.where(np.isfinite(out_max), out_max, np.inf))
        in_min = conns["p_in_min_pa"].to_numpy(float)[passing]
        np.maximum.at(lo, md.u[passing], np.where(np.isfinite(in_min), in_min, 0.0))
    reg = s[(k == "controlValve") & (ctl.mode[s] == "active")]
    if reg.size:
        dp_max = conns["dp_max_pa"].to_numpy(float)[reg]
        dp_min = conns["dp_min_pa"].to_numpy(float)[reg]
        pv = p[md.v[reg]]
        np.minimum.at(hi, md.u[reg], np.where(np.isfinite(dp_max), pv + dp_max, np.inf))
        np.maximum.at(lo, md.u[reg], np.where(np.isfinite(dp_min), pv + dp_min, 0.0))
    return hi, lo


def _lower_set_points(md: _Model, ctl: _EdgeControl, sol: _Solution, const_dir: np.ndarray,
                      log: dict) -> _Solution:
    """Second part of the default control rule: no chosen set point pushes a node above its
    maximum where a lower one avoids it.

    Under the settled states, the nodes joined by pipes, open valves, bypassed elements,
    resistors and stations at a fixed ratio form *parts*, each held by the outlets of
    regulators and stations that keep a set point and by reference nodes. Where a part has a
    node above its upper bound (:func:`_pressure_bounds`) and every holder of the part is a
    default choice of linepack (an automatic outlet set point, or the entry chosen as
    reference when the scenario fixes no pressure), every holder is lowered by the same
    step in squared pressure, the one that brings the worst node 1 mbar below its bound
    (isothermal flow at fixed flows shifts p² uniformly), but never so far that a node of
    the part falls below its lower bound. The control rule then settles again (a station
    whose inlet is now above its set point bypasses; a bypassed one whose outlet falls
    below it resumes), and this repeats for at most :data:`_LOWER_ROUNDS` rounds. Set
    points only ever fall, so the rule ends; a state it cannot improve is returned as it is
    and its violations are reported (``SteadyResult.violations``).
    """
    from scipy.sparse.csgraph import connected_components

    controlled = np.flatnonzero(np.isin(md.kind, ("controlValve", "compressorStation")))
    if controlled.size == 0 and not md.reference_note:
        return sol
    tol = 0.1  # Pa (1e-6 bar, the tolerance of the limit check)
    for _round in range(_LOWER_ROUNDS):
        p = sol.p
        hi, lo = _pressure_bounds(md, ctl, p)
        over = p > hi + tol
        if not over.any():
            return sol
        state, a, b, _q = _edge_states(md, ctl, const_dir)
        couple = (state == _LAW) | ((state == _ALG) & (a != 0.0))
        adj = sp.coo_matrix((np.ones(int(couple.sum())), (md.u[couple], md.v[couple])),
                            shape=(md.n, md.n))
        _nc, lab = connected_components(adj, directed=False)
        held = controlled[(state[controlled] == _ALG) & (a[controlled] == 0.0)]
        free_held = (ctl.auto[held] & (ctl.mode[held] == "active") & (ctl.setpoint[held] == "p_out"))
        saved = (ctl.mode.copy(), ctl.setpoint.copy(), ctl.value.copy(), md.hold_cap.copy())
        moves = []   # (edge or -1 - node, held pressure now [Pa], step in p² [Pa²])
        for c in np.unique(lab[over]):
            members = np.flatnonzero(lab == c)
            edges_c = held[lab[md.v[held]] == c]
            refs_c = sol.fixed[lab[sol.fixed] == c]
            if edges_c.size + refs_c.size == 0:
                continue
            if not free_held[np.isin(held, edges_c)].all() or (refs_c.size and not md.reference_note):
                continue   # a pressure the user gave holds this part: it is obeyed
            bad = members[over[members]]
            target = np.maximum(hi[bad] - _LOWER_CLEARANCE, 0.5 * hi[bad])
            step = min(float(np.max(p[bad] ** 2 - target ** 2)),
                       float(np.min(p[members] ** 2 - lo[members] ** 2)))
            if step <= 2.0 * tol * float(np.max(p[members])):
                continue
            moves += [(int(e), float(ctl.value[e]), step) for e in edges_c]
            moves += [(-1 - int(i), float(p[i]), step) for i in refs_c]
        if not moves:
            return sol
        new = None
        bypassed = controlled[ctl.auto[controlled] & (ctl.mode[controlled] == "bypass")]
        # a shorter step where the full one finds no solution; then the same with the
        # stations and regulators now bypassed held in bypass (resuming them may leave no
        # solution at the lower pressures)
        for share, hold in ((1.0, False), (0.5, False), (0.25, False), (1.0, True), (0.5, True)):
            if hold and bypassed.size == 0:
                break
            ctl.mode[:], ctl.setpoint[:], ctl.value[:], md.hold_cap[:] = (x.copy() for x in saved)
            ctl.auto[bypassed] = not hold
            for where, now, step in moves:
                lowered = np.sqrt(max(now ** 2 - share * step, 1.0))
                if where >= 0:
                    ctl.value[where] = lowered
                else:
                    md.hold_cap[-1 - where] = lowered
            ctl.switches[:] = 0
            try:
                new, _nres, _fail = _settle(md, ctl, const_dir, 1.0, p, log)
            except LinepackError:
                new = None
            if new is not None:
                break
        if new is None:   # the lowered set points have no solution: keep the last state
            ctl.mode[:], ctl.setpoint[:], ctl.value[:], md.hold_cap[:] = saved
            ctl.auto[bypassed] = True
            return sol
        sol = new
    return sol


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------
#: Physics of :func:`simulate` when neither the call nor the case names them.
SIMULATE_DEFAULTS = {"friction": "nikuradse", "eos": "papay"}


def simulate(network: Network | Case, scenario: Scenario | None = None, controls: Controls | None = None,
             *, friction: Any = None, eos: Any = None, viscosity: Any = None,
             gas: Any = None, temperature: float | None = None,
             options: SteadyOptions | None = None) -> SteadyResult:
    """Steady-state isothermal simulation with elevation.

    ``simulate(case)`` runs a :class:`~linepack.Case` (what every reader returns):
    its network, selected scenario, that scenario's controls and the case's
    options; arguments given here take precedence over the case's.

    Parameters
    ----------
    network : Network or Case
    scenario : Scenario
        Boundary conditions. Nodes with ``p_fixed_pa`` hold their pressure
        and balance the network; every other node takes its ``inflow_kg_s``.
        With no fixed pressure, the entry with the largest inflow is held at
        its upper pressure bound (documented default for GasLib nominations),
        lowered by the control rule below where that pushes a node above its
        maximum.
    controls : Controls or mapping, optional
        Operating decisions; a mapping in the file format (``{"CS1": {"mode": "active",
        "p_out_bar": 75}, "V1": "closed"}``) is read by :meth:`Controls.from_dict`.
        Listed controls are obeyed as given. Defaults
        where a connection is not listed (*the default control rule*):

        1. valves open; check valves close against reverse flow;
        2. control valves and compressor stations *active*, holding their
           outlet at ``min(p_out_max, lowest p_max of the outlet's region)``,
           the region being the nodes the outlet reaches through pipes,
           valves, short pipes and resistors (not through other regulators
           or stations); a regulator whose inlet is already below that value
           and a station whose inlet is already above it bypass (a regulator
           whose flow would reverse closes; a station bypasses); a station
           that would exceed ``ratio_max`` runs at that ratio;
        3. no set point chosen by this rule pushes a node above its maximum
           where a lower one avoids it: where a node stays above its upper
           bound (its ``p_max``, a passing station's or regulator's
           ``p_out_max``, or an active regulator's inlet above
           ``p_out + dp_max``), and every pressure that holds its part of the
           network (joined by pipes, open valves, bypassed elements, fixed
           ratios) is a default — an automatic outlet set point, or the
           default reference entry — those set points are lowered together by
           the squared-pressure step that brings the worst node 1 mbar below
           its bound, never so far that a node of the part falls below its
           minimum, and the rule settles again (at most 8 rounds; set points
           only fall). Stations and regulators bypassed on the way stay bypassed if resuming
           them leaves no solution.

        What the rule cannot avoid (a pressure the user fixed, a demand the
        network cannot carry within its bounds) is reported, worst first, in
        ``SteadyResult.violations``; the result is returned all the same. A GasLib network read with its ``.cdf`` combined decisions
        (``network.meta["combined_decisions"]``) takes its valve, regulator and
        station states from those decisions, chosen by the bounded search of
        :mod:`linepack.problems.decisions`.
    friction : str or friction model
        One of :data:`FRICTION_NAMES` or a model from :mod:`linepack.physics.friction`.
        Default (None): the case's option, else ``"nikuradse"``.
    eos : str or compressibility model
        ``"ideal"``, ``"papay"``, ``"aga"``, ``"gerg2008"`` or a model object.
        Default (None): the case's option, else ``"papay"``.
    viscosity : viscosity model, optional
        Default: constant :data:`DEFAULT_VISCOSITY`.
    gas : Gas or mapping, optional
        Default: the scenario's or network's bulk gas data, else the default gas.
    temperature : float, optional
        Gas temperature. [K] Default: the scenario's.
    options : SteadyOptions or mapping, optional
        A mapping is ``SteadyOptions(**options)`` (unknown keys are named).

    Returns
    -------
    SteadyResult
        Converged; ``violations`` lists the limits it violates (empty when
        ``within_limits``).

    Raises
    ------
    ArgumentError
        An argument of the wrong type (an InputError and a TypeError naming the
        argument, what it got and what it accepts).
    InputError
        Bad or inconsistent input (the message names the element).
    NotConverged
        Newton's method stopped without meeting the tolerance.
    Infeasible
        No physical solution exists (e.g. a pressure would fall to zero).
    """
    network, scenario, controls, kwargs = unpack_case(
        network, scenario, controls, dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas,
                                          temperature=temperature, options=options),
        SIMULATE_DEFAULTS)
    from linepack.network import arguments as arg

    # the arguments' types first (an ArgumentError naming them, not an AttributeError later)
    arg.check_network("simulate", network)
    arg.check_scenario("simulate", scenario)
    controls = arg.check_controls("simulate", controls, network)
    arg.check_physics("simulate", gas=kwargs["gas"], temperature=kwargs["temperature"])
    kwargs["options"] = SteadyOptions.coerce(kwargs["options"], "simulate")
    groups = network.meta.get("combined_decisions") if isinstance(network, Network) else None
    run = _simulate
    if kwargs["options"].fuel_gas and scenario is not None:
        run = _simulate_fuel
    if controls is None and groups and scenario is not None:
        from linepack.problems.decisions import choose_decisions

        pick = choose_decisions(network, scenario, groups,
                                lambda ctl: run(network, scenario, ctl, **kwargs))
        if pick.result is not None:
            pick.result.options["controls"] = (
                f"GasLib combined decisions {pick.choice} (heuristic of "
                f"linepack.problems.decisions, {pick.solves} solves; score {pick.score:g})")
            return pick.result
        controls = pick.controls  # no solution with any tried: diagnose the first choice
    try:
        return run(network, scenario, controls, **kwargs)
    except Infeasible as exc:
        if exc.detail.get("diagnosed") or scenario is None:
            raise
        verdict = _diagnose_by_scaling(exc, network, scenario, controls, kwargs)
    if isinstance(verdict, SteadyResult):
        return verdict
    raise verdict from None


#: Where a node gives no minimum pressure, the diagnosis takes the standard atmosphere as its
#: limit: a network cannot deliver gas below it (and a solve at zero pressure is singular).
_P_FLOOR = ATM
#: The share of the demand is bracketed to within this (relative) by the diagnosis ...
_SHARE_TOL = 0.005
#: ... or the binding node found within this of its limit, in (p² − p_lim²)/p_lim² (0.5 %
#: of its limit pressure).
_MARGIN_TOL = 1e-2
#: Largest number of scaled solves of one diagnosis after the first that converges.
_DIAGNOSIS_SOLVES = 10


def _diagnose_by_scaling(exc: Infeasible, network, scenario, controls, kwargs):
    """Check a suspected infeasibility by solves at scaled demand; return the verdict.

    The full demand failed to converge with an iterate whose pressure collapsed (or a
    stalled line search): a *suspicion*, not a proof. Every nominated flow is scaled by a
    share t, and the largest t is sought at which a steady state exists with every node
    (except those held at a fixed pressure) at or above its minimum pressure (the standard
    atmosphere where none is given). Feasible means *a converged solve with every such
    margin ≥ 0*. The search brackets t between the largest feasible share and the smallest
    share above it that fails or violates a limit (at first the full demand). Each new
    share extrapolates every node's p² linearly in t² through the two converged solves
    nearest the bracket (exact for ideal gas, constant friction and a single pressure
    reference, p_i² = a_i − b_i·t²; from one solve, towards its highest pressure) and takes
    the smallest root over the nodes, bisecting where that leaves the bracket; each solve
    starts from the extrapolated pressures (a few Newton steps). The search stops when a
    node is at its limit in the solve at the largest feasible share (within 0.5 % of the limit
    pressure), or when the two solves nearest the largest feasible share put a node's limit
    within 0.5 % (relative) above it, or when the bracket is narrower than that.

    Returns a diagnosed :class:`Infeasible` naming the node whose limit binds (smallest
    margin at the largest feasible share, or the most violated one at the share above it)
    when a converged solve shows it, a :class:`NotConverged` when no scaled solve converges
    or no limit binds below the full demand, or the :class:`SteadyResult` when the full
    demand converges from the continued start.
    """
    nodes = scenario.nodes
    inflow = nodes["inflow_kg_s"].to_numpy(float)
    held = nodes.index[np.isfinite(nodes["p_fixed_pa"].to_numpy(float))]
    demand = float(-np.nansum(np.clip(inflow, None, 0.0)))
    newton_why = exc.detail.get("newton") or str(exc)
    worst = exc.detail.get("largest_residual") or exc.bottleneck

    def solve(t, p_guess=None, m_guess=None):
        scaled = nodes.copy()
        scaled["inflow_kg_s"] = scaled["inflow_kg_s"] * t
        try:
            return _simulate(network, scenario.evolve(nodes=scaled), controls, **kwargs,
                             p_guess=p_guess, m_guess=m_guess)
        except LinepackError:
            return None

    def record(res):
        """(result, g, p, p_lim): g = (p² − p_lim²)/p_lim² per node, +inf where held. [Pa]"""
        p = res.nodes["p_bar"].to_numpy() * BAR
        lim = np.fmax(np.nan_to_num(res.nodes["p_min_bar"].to_numpy() * BAR, nan=0.0), _P_FLOOR)
        g = np.where(res.nodes.index.isin(held), np.inf, (p * p - lim * lim) / (lim * lim))
        return res, g, p, lim

    done: dict[float, tuple] = {}   # converged solves by share
    failed = {1.0}                   # shares that did not converge
    solves = 0
    shares = (0.5, 0.2, 0.05, 0.01, 1e-3, 1e-4)
    for t0 in shares:
        res = solve(t0)
        solves += 1
        if res is not None:
            done[t0] = record(res)
            break
        # a failure from the cold start bounds nothing: the search below approaches these
        # shares from converged solves (continuation)
    if not done:
        kinds = set(network.connections["kind"])
        held_by = sorted(kinds & {"compressorStation", "controlValve"})
        why = ("check the controls: a " + " or ".join(
            {"compressorStation": "compressor station", "controlValve": "regulator"}[k]
            for k in held_by) + " may hold a pressure that the pressure references cannot "
            "support" if held_by else "check the pressure references and the pipe data")
        return NotConverged(
            f"steady state did not converge: {newton_why}. Solves at 50 % down to 0.01 % of the "
            f"demand did not converge either, so this is no proof of infeasibility; "
            f"{why}", worst=worst)

    def bracket():
        ok = [t for t in done if np.min(done[t][1]) >= 0.0]
        lo = max(ok, default=0.0)
        hi = min([t for t in failed | {t for t in done if t not in ok} if t > lo], default=1.0)
        return lo, hi

    def extrapolate(lo, hi):
        """(share where the first node reaches its limit, that node, the solve the estimate
        starts from and its share, p²'s rate in t², whether two solves gave it)."""
        near = sorted(done, key=lambda t: abs(t - (lo if lo > 0.0 else hi)))[:2]
        ta = near[0]
        base, ga, pa, lim = done[ta]
        sa = ta * ta
        if len(near) == 2:
            tb = near[1]
            _, gb, pb, _ = done[tb]
            sb = tb * tb
            with np.errstate(divide="ignore", invalid="ignore"):
                slope = (gb - ga) / (sb - sa)
                roots = np.where(slope < 0.0, sa - ga / slope, np.inf)
            rate = (pb * pb - pa * pa) / (sb - sa)
        else:   # one solve: p² falls from its highest pressure as t² grows
            top = float(np.max(pa)) ** 2
            rate = -(top - pa * pa) / sa
            with np.errstate(divide="ignore", invalid="ignore"):
                roots = np.where(np.isfinite(ga) & (rate < 0.0), (top - lim * lim) / -rate, np.inf)
        roots = np.where(roots > lo * lo * (1.0 - 1e-12), roots, np.inf)
        i = int(np.argmin(roots)) if roots.size else 0
        t_root = float(np.sqrt(roots[i])) if roots.size and np.isfinite(roots[i]) else np.inf
        return t_root, i, base, ta, pa, rate, len(near) == 2 and lo in near

    full_from = 0.0   # the largest feasible share the full demand was last tried from
    warm_failed: set = set()   # shares that failed from a start near a converged solve
    binding = None   # node position whose limit binds, once found
    first = solves
    while solves - first < _DIAGNOSIS_SOLVES:
        lo, hi = bracket()
        t_root, i_root, base, ta, pa, rate, local = extrapolate(lo, hi)
        if lo > 0.0 and np.min(done[lo][1]) <= _MARGIN_TOL:
            binding = int(np.argmin(done[lo][1]))     # at its limit at the largest feasible share
            break
        tol_t = _SHARE_TOL * hi   # relative: a feasible share of 1 % is bracketed as finely
        # the share above the bracket counts once a solve from a nearby start failed there or
        # converged with a limit violated (the first failure, from the cold start, does not)
        verified = hi in done or hi in warm_failed
        if lo > 0.0 and local and t_root - lo <= tol_t:
            if verified:
                binding = i_root                      # reaches it within 0.5 % more demand
                break
            t_new = min(hi, t_root + tol_t)           # check just above the estimate
        elif hi - lo <= tol_t:
            if verified:
                break
            t_new = hi
        elif lo == 0.0:
            # every converged share violates a limit: is it the demand at all?
            if min(done) <= 0.01:
                break
            t_new = 0.01
        elif t_root >= hi:
            if hi == 1.0 and lo > full_from:
                t_new, full_from = 1.0, lo            # no limit binds before the full demand
            else:
                t_new = 0.5 * (lo + hi)
        else:
            gap = t_root - lo
            # aim just inside the estimate; short of it while it is far and the share above
            # failed (an overshoot beyond a fold costs a failed solve)
            t_new = t_root - 0.5 * tol_t if (gap <= 2 * tol_t or hi not in failed) \
                else lo + 0.8 * gap
            if hi - lo > 4 * tol_t:   # a safeguarded step: off the bracket's ends
                t_new = min(max(t_new, lo + 0.05 * (hi - lo)), hi - 0.01 * (hi - lo))
        # the start: p² extrapolated as above, flows scaled with the share (exact for a
        # tree, and for any network where friction does not depend on the flow)
        p2 = pa * pa + rate * (t_new * t_new - ta * ta)
        res = solve(t_new, pd.Series(np.sqrt(np.maximum(p2, (0.05 * float(np.max(pa))) ** 2)),
                                     index=base.nodes.index),
                    base.edges["m_kg_s"] * (t_new / ta))
        solves += 1
        if res is None:
            failed.add(t_new)
            warm_failed.add(t_new)
        elif t_new >= 1.0:
            return res   # the full demand converges from the continued start
        else:
            done[t_new] = record(res)

    lo, hi = bracket()
    if lo == 0.0:
        t = min(done)   # every converged share violates a limit: the smallest one shows it
        res, g, p, lim = done[t]
        i = int(np.argmin(g))
        name = network.element_name(res.nodes.index[i])
        return Infeasible(
            f"no physical solution within the pressure limits: even at {_pct(t)} of the "
            f"nominated demand the pressure at {name} is {p[i] / BAR:.4g} bar, below its limit "
            f"{lim[i] / BAR:.4g} bar ({solves} scaled solves); {_advice(network, False)}",
            bottleneck=name, detail={"diagnosed": True, "feasible_share": 0.0,
                                     "feasible_demand_kg_s": 0.0, "scale_solved": t,
                                     "solves": solves, "bracket": (0.0, t), "newton": newton_why})
    res, g, p, lim = done[lo]
    if binding is not None:
        i = binding
    elif hi in done:
        i = int(np.argmin(done[hi][1]))  # the node that crossed its limit within the bracket
    else:
        i = int(np.argmin(g))
        return NotConverged(
            f"steady state did not converge: {newton_why}. Scaled solves converge up to "
            f"{_pct(lo)} of the demand with every pressure within its limits (smallest "
            f"margin {(p[i] - lim[i]) / BAR:.3g} bar at {network.element_name(res.nodes.index[i])}) "
            f"and fail from {_pct(hi)} on without a limit reached, so this is a convergence "
            "failure, no proof of infeasibility", worst=worst)
    name = network.element_name(res.nodes.index[i])
    bound = (f"its minimum pressure {lim[i] / BAR:.4g} bar" if lim[i] > _P_FLOOR
             else "atmospheric pressure (no minimum given)")
    conns = network.connections
    ctrl_ids = conns.index[conns["kind"].isin(["controlValve", "compressorStation", "checkValve"])]
    given = controls.table.index if controls is not None else []
    chosen = len(ctrl_ids) > 0 and (bool(network.meta.get("combined_decisions"))
                                    or not ctrl_ids.isin(given).all())
    auto = " with the controls linepack chose (the documented default rule)" if chosen else ""
    above = "" if hi >= 1.0 or hi not in done else f", below it at {_pct(hi)}"
    return Infeasible(
        f"no physical solution{auto}: the pressure at {name} would fall below {bound}. "
        f"About {_pct(lo, 2)} of the nominated demand ({lo * demand:.4g} of {demand:.4g} kg/s) "
        f"is feasible: at {_pct(lo)} {name} is {(p[i] - lim[i]) / BAR:.3g} bar above its "
        f"limit{above} ({solves} scaled solves); {_advice(network, True)}",
        bottleneck=name,
        detail={"diagnosed": True, "feasible_share": lo, "feasible_demand_kg_s": lo * demand,
                "scale_solved": lo, "solves": solves, "bracket": (lo, hi),
                "margin_bar": float((p[i] - lim[i]) / BAR), "newton": newton_why,
                **{k: v for k, v in exc.detail.items() if k not in ("diagnosed", "proven", "newton")}})


def _pct(share: float, digits: int = 3) -> str:
    """A share as a percentage with ``digits`` significant digits: '87.3 %', '0.0512 %'."""
    return f"{100 * share:.{digits}g} %"


def _advice(network, demand_binds: bool) -> str:
    """What to change, naming only element kinds the network has."""
    kinds = set(network.connections["kind"])
    levers = ["raise the pressure held at the entries"]
    if "compressorStation" in kinds:
        levers.append("raise a compressor station's outlet pressure or ratio")
    if "controlValve" in kinds:
        levers.append("raise a regulator's outlet set point")
    if kinds & {"valve", "controlValve", "compressorStation", "checkValve"} and not demand_binds:
        levers.append("check the valve and station settings")
    head = "reduce the demand or " if demand_binds else ""
    return head + ", ".join(levers[:-1]) + (" or " if len(levers) > 1 else "") + levers[-1]


def _simulate_fuel(network, scenario, controls, **kwargs) -> SteadyResult:
    """:func:`_simulate` with the stations' fuel gas withdrawn (:mod:`linepack.problems.fuel`)."""
    from linepack.problems.fuel import simulate_with_fuel

    physics = _resolve_physics(network, scenario, kwargs["friction"], kwargs["eos"], kwargs["viscosity"],
                               kwargs["gas"], kwargs["temperature"])
    g = physics[3]
    return simulate_with_fuel(
        lambda scn, p, m: _simulate(network, scn, controls, **kwargs, p_guess=p, m_guess=m),
        network, scenario, kwargs["options"], g, float(g.normal_density))


def _simulate(network, scenario, controls, *, friction, eos, viscosity, gas, temperature,
              options, p_guess: pd.Series | None = None,
              m_guess: pd.Series | None = None) -> SteadyResult:
    if not isinstance(network, Network):
        raise InputError(f"network must be a linepack Network (got {type(network).__name__})")
    if scenario is None:
        raise InputError("a scenario (boundary conditions) is needed to simulate")
    opts = options or SteadyOptions()
    physics = _resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = _Model(network, scenario, physics, opts)
    ctl = _resolve_controls(md, controls)
    log = {"iterations": 0, "norms": [], "rounds": []}
    const_dir = np.ones(md.m)
    if p_guess is not None:   # a start near the solution (the diagnosis's scaled solves) [Pa]
        p_guess = p_guess.reindex(md.node_ids).to_numpy(float)
    if m_guess is not None:   # and flows [kg/s]
        m_guess = m_guess.reindex(md.edge_ids).to_numpy(float)
    sol, nres, fail = _settle(md, ctl, const_dir, 1.0, p_guess, log, m_guess)
    auto = np.zeros(md.m, dtype=bool)
    auto[md.stations] = True
    auto[md.special[md.kind[md.special] == "controlValve"]] = True
    auto &= ctl.auto
    if sol is None and auto.any():
        # Continuation: start from the passive network (automatic stations and regulators
        # bypassed) at a small share of the demand, let the control rule settle, and raise
        # the demand in steps, each from the last settled state.
        ctl = _resolve_controls(md, controls)
        ctl.mode[auto] = "bypass"
        const_dir = np.ones(md.m)
        p_guess = None
        for share in (0.1, 0.3, 0.6, 1.0):
            ctl.switches[:] = 0
            sol, nres, fail = _settle(md, ctl, const_dir, share, p_guess, log)
            if sol is None:
                break
            p_guess = sol.p
    if sol is None:
        _diagnose_failure(md, nres, fail)
    sol = _lower_set_points(md, ctl, sol, const_dir, log)
    _check_station_ratios(md, ctl, sol)
    return _build_result(md, ctl, sol, log["iterations"], log["norms"], log["rounds"], friction, eos,
                         const_dir)


def _check_station_ratios(md: _Model, ctl: _EdgeControl, sol: _Solution) -> None:
    """A station told to hold a set point it can only reach beyond its largest pressure
    ratio has no physical solution: raise Infeasible naming it (the automatic rule caps
    its own stations at their largest ratio instead)."""
    cs = md.stations
    if cs.size == 0:
        return
    need = np.full(md.m, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        need[cs] = (sol.p[md.v[cs]] + md.loss_out[cs]) / (sol.p[md.u[cs]] - md.loss_in[cs])
    bad = cs[(ctl.mode[cs] == "active") & np.isfinite(md.ratio_max[cs])
             & (need[cs] > md.ratio_max[cs] * (1 + 1e-9))]
    if bad.size:
        i = int(bad[np.argmax(need[bad] / md.ratio_max[bad])])
        name = f"compressorStation '{md.edge_ids[i]}'"
        limit = f"{name} pressure ratio ({need[i]:.3f} > {md.ratio_max[i]:.3f})"
        raise Infeasible(
            f"no physical solution: {name} would need a pressure ratio of {need[i]:.3f} to hold "
            f"its set point ({ctl.setpoint[i]} = {ctl.value[i] / (BAR if ctl.setpoint[i] == 'p_out' else 1):.4g}"
            f"{' bar' if ctl.setpoint[i] == 'p_out' else ''}), above its largest ratio "
            f"{md.ratio_max[i]:.3f}; lower the set point or raise the inlet pressure",
            bottleneck=name, detail={"diagnosed": True, "limit": limit,
                                     "ratio_needed": float(need[i]),
                                     "ratio_max": float(md.ratio_max[i])})


def _settle(md: _Model, ctl: _EdgeControl, const_dir: np.ndarray, share: float, p_guess,
            log: dict, m_guess: np.ndarray | None = None):
    """Solve, apply the control rule, and repeat until no automatic element switches.

    ``share`` scales every nominated flow (continuation). Returns ``(solution, newton
    record, failure evidence)``; the solution is None when a solve failed.
    """
    opts = md.opts
    for _round in range(opts.max_rounds):
        for _ in range(md.m + 1):
            state, a, b, q = _edge_states(md, ctl, const_dir)
            try:
                sol, nres, fail = _solve_fixed(md, state, a, b, q, p_guess, share, m_guess)
                break
            except _Conflict as conflict:
                if not _repair(md, ctl, conflict):
                    raise _conflict_error(md, conflict) from None
        log["iterations"] += nres.iterations
        log["norms"].extend(nres.residual_norms)
        if sol is None:
            return None, nres, fail
        log["rounds"].append({"round": len(log["rounds"]), "share": share,
                              "iterations": sol.iterations})
        # the next round starts from this one's pressures and flows (the law edges' flows
        # fit its pressures; flows of switched elements are taken where they are law edges)
        p_guess, m_guess = sol.p, sol.flow
        if not _switch(md, ctl, sol, const_dir):
            return sol, nres, None
    raise NotConverged(f"the control rule did not settle in {opts.max_rounds} rounds "
                       "(valves or stations keep switching); give their controls explicitly",
                       history=log["norms"])


def _largest_residual(md: _Model, nres, fail) -> str | None:
    """``"<element> (<what> residual r)"`` where the last Newton iterate's scaled residual is
    largest: a pipe or resistor law, or a node balance (the first node of its group)."""
    law, _m, _p, red, _inj = fail
    r = nres.residual
    if r is None or r.size == 0:
        return None
    r = np.nan_to_num(np.abs(r), nan=np.inf)
    k = int(np.argmax(r))
    if k < law.size:
        e = int(law[k])
        return f"{md.kind[e]} '{md.edge_ids[e]}' (pressure-drop law, scaled residual {r[k]:.3g})"
    row = k - law.size
    node_row = red.group_row[red.node_group]
    members = np.flatnonzero(node_row == row)
    if members.size == 0:
        return None
    name = md.net.element_name(md.node_ids[int(members[0])])
    more = f" and {members.size - 1} node(s) joined to it" if members.size > 1 else ""
    return f"{name}{more} (mass balance, scaled residual {r[k]:.3g})"


def _diagnose_failure(md: _Model, nres, fail) -> None:
    """Raise NotConverged, or an undiagnosed Infeasible when the failure looks like a demand
    beyond the network's reach (an iterate's pressure near zero, a stalled line search):
    :func:`simulate` then checks that suspicion by scaled solves (:func:`_diagnose_by_scaling`)
    and reports NotConverged where they do not bear it out."""
    law, m, p, red, inj = fail
    worst = None
    where = _largest_residual(md, nres, fail)
    why = (f"{nres.message} (residual {nres.residual_norms[-1]:.3g} after {nres.iterations} "
           f"iterations{'; largest at ' + where if where else ''})")
    if p is not None and p.size:
        i = int(np.argmin(p))
        worst = md.net.element_name(md.node_ids[i])
        if p[i] <= 0.05 * md.p_ref or "line search" in nres.message or "stalled" in nres.message:
            raise Infeasible(
                f"no physical solution: the pressure would fall to zero near {worst} "
                f"(lowest iterate {p[i] / BAR:.3g} bar; {nres.message})",
                bottleneck=worst, detail={"lowest_p_bar": float(p[i] / BAR), "newton": why,
                                          "largest_residual": where, "proven": False})
    raise NotConverged(f"steady state did not converge: {why}",
                       history=nres.residual_norms, worst=where or worst, result=nres)


def _lowered_note(md: _Model, sol: _Solution) -> str:
    """The default references the control rule held below their upper bound, if any."""
    low = [i for i in sol.fixed if np.isfinite(md.hold_cap[i])]
    if not low:
        return ""
    held = dict(zip(sol.fixed.tolist(), sol.fixed_value.tolist()))
    return ("; lowered by the control rule so that no node rises above its maximum: "
            + ", ".join(f"'{md.node_ids[i]}' to {held[i] / BAR:.5g} bar" for i in low))


def _build_result(md: _Model, ctl: _EdgeControl, sol: _Solution, iterations, norms, rounds,
                  friction, eos, const_dir: np.ndarray) -> SteadyResult:
    p, f = sol.p, sol.flow
    net = md.net
    # slack inflow at reference nodes: what leaves through connections
    out = np.zeros(md.n)
    np.add.at(out, md.u, f)
    np.add.at(out, md.v, -f)
    inflow = md.inj.copy()
    inflow[sol.fixed] = out[sol.fixed]
    to_mcm = DAY / (1e6 * md.rho_n)
    p_fixed = np.full(md.n, np.nan)
    p_fixed[sol.fixed] = sol.fixed_value
    p_bar = p / BAR
    pmin_bar = md.p_min / BAR
    pmax_bar = md.p_max / BAR
    viol = np.fmax(np.nan_to_num(pmin_bar - p_bar, nan=0.0), 0.0) + \
        np.fmax(np.nan_to_num(p_bar - pmax_bar, nan=0.0), 0.0)
    # copy=False: pandas would copy (and block-stack) every column; the arrays here are fresh,
    # and those that may alias the network's tables are copied explicitly
    nodes = pd.DataFrame({
        "kind": net.nodes["kind"].to_numpy(copy=True), "p_bar": p_bar, "p_min_bar": pmin_bar,
        "p_max_bar": pmax_bar, "margin_bar": p_bar - pmin_bar, "violation_bar": viol,
        "inflow_kg_s": inflow, "inflow_mcm_d": inflow * to_mcm, "height_m": md.height.copy(),
        "p_fixed_bar": p_fixed / BAR,
    }, index=md.node_ids, copy=False)
    pu, pv = p[md.u], p[md.v]
    T, R, gas = md.T, md.R, md.gas
    zu = md.eos.z(pu, T, gas)
    zv = md.eos.z(pv, T, gas)
    A = np.pi * md.diameter ** 2 / 4.0
    with np.errstate(invalid="ignore", divide="ignore"):
        v_in = f * R * zu * T / (pu * A)
        v_out = f * R * zv * T / (pv * A)
        cs = md.stations
        ratio = np.full(md.m, np.nan)
        ratio[cs] = pv[cs] / pu[cs]
    pipe = np.ones(md.m, dtype=bool)
    pipe[md.special] = False
    pm, _, _ = laws.mean_pressure(pu, pv)
    zm = md.eos.z(pm, T, gas)
    lp = np.where(pipe, pm / (R * zm * T) * A * md.length / md.rho_n / 1e6, np.nan)
    power = _station_power(md, f, pu, pv)
    mode = ctl.mode.copy()
    sp_ = md.special[(ctl.mode[md.special] == "active") & (ctl.setpoint[md.special] != "")]
    mode[sp_] = ctl.mode[sp_] + ":" + ctl.setpoint[sp_]
    edges = pd.DataFrame({
        "kind": md.kind.copy(), "from_node": net.connections["from_node"].to_numpy(copy=True),
        "to_node": net.connections["to_node"].to_numpy(copy=True), "m_kg_s": f, "q_mcm_d": f * to_mcm,
        "p_in_bar": pu / BAR, "p_out_bar": pv / BAR, "v_in_m_s": v_in, "v_out_m_s": v_out,
        "v_max_m_s": np.fmax(np.abs(v_in), np.abs(v_out)), "ratio": ratio, "power_mw": power / 1e6,
        "mode": mode, "linepack_mcm": lp,
    }, index=md.edge_ids, copy=False)
    options = {
        "friction": friction if isinstance(friction, str) else type(friction).__name__,
        "eos": eos if isinstance(eos, str) else type(eos).__name__,
        "temperature_k": md.T, "gas_constant": md.R, "normal_density": md.rho_n,
        "reference": md.reference_note + (
            f"; other parts held at their largest entry's upper bound: {', '.join(sol.notes)}"
            if sol.notes else "") + _lowered_note(md, sol),
        **asdict(md.opts),
    }
    return SteadyResult("converged", iterations, norms, nodes, edges, float(np.nansum(lp)),
                        md.scn.name, options, rounds, limit_violations(net, nodes, edges),
                        _final_controls(md, ctl, const_dir))
