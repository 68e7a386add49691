"""Transient (time-dependent) isothermal simulation of a gas network.

Model
-----
Isothermal one-dimensional flow in every pipe (e.g. Osiadacz, *Simulation and Analysis of
Gas Networks*, 1987, ch. 4; Koch et al., *Evaluating Gas Network Capacities*, SIAM 2015,
ch. 2):

.. math::

    A\\,\\partial_t \\rho + \\partial_x m = 0, \\qquad
    \\frac{1}{A}\\partial_t m + \\partial_x p
      + \\frac{\\lambda\\, m|m|}{2 D A^2 \\rho} + \\rho g \\sin\\alpha = 0,
    \\qquad \\rho = \\frac{p}{Z(p) R T},

the inertia term :math:`\\partial_t m / A` only with ``TransientOptions(inertia=True)``
(the convective term is neglected, as in GasTranSim.jl and MORGEN's isothermal Euler model).
λ comes from the same friction law as :func:`linepack.simulate`, Z from the same
equation of state.

Discretisation (staggered finite volumes)
-----------------------------------------
Each pipe is cut into ``ceil(L / dx_max)`` equal segments. Pressures live at *points*
(the network nodes and the interior cut points), mass flows on segments. A point stores the
gas of half of each segment it touches, V_i = Σ A·Δx/2, and its balance

.. math::  V_i \\frac{\\rho_i^{n+1} - \\rho_i^n}{\\Delta t}
          = \\theta\\, q_i^{n+1} + (1-\\theta)\\, q_i^{n}

(q: flows in − out + injection) telescopes over the network: the change of the total
linepack Σ V_i ρ_i equals the θ-weighted boundary flows exactly (to the Newton tolerance).
A segment obeys the integrated steady momentum law of :func:`linepack.physics.element_laws.
isothermal_pipe` over its length Δx (Z at the segment's mean pressure), written per unit of
(p₁ + p₂) so that with inertia it reads (Δx/A)·dm/dt = G(p₁, p₂, m); a pipe's local loss
ζ sits on its first segment. The steady limit is therefore the steady pipe law chained over
the segments: exactly :func:`linepack.simulate`'s answer for an ideal gas, and within the
variation of Z along one segment otherwise. Compressor stations, regulators, valves,
short pipes and resistors are the algebraic pressure relations of the steady model
(:func:`linepack.problems.model.edge_states`), with their states changing at scheduled
events.

Time stepping: the θ-scheme (θ = 1 backward Euler, first order and L-stable; θ = ½
Crank–Nicolson, second order, the box scheme of the staggered grid), each step solved by
Newton's method on the whole sparse system with SuperLU. The LU factors are reused from step
to step (a chord iteration) and refreshed when the convergence rate falls below one half; a
step that does not converge is halved (up to 6 times) before the run is declared broken
down.

Automatic elements (the regulators, stations and check valves whose controls the user did
not give, as in :func:`linepack.simulate`) follow the steady model's control rule
(:func:`linepack.problems.model.apply_control_rule`) after every time step: a regulator whose
inlet falls below its set point opens (bypass), a station whose inlet rises above its set
point bypasses, both return to their set point when it can be held again, check valves close
against reverse flow; a step with a switch is solved again (at most 4 rounds). Elements with
given controls keep them until an event changes them; a station pushed outside its ratios or
a given regulator that would have to raise the pressure is reported as a violation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from linepack import jit
from linepack.errors import InputError, NotConverged, did_you_mean
from linepack.network.network import Controls, Network, Scenario
from linepack.numerics.linsolve import FactorSolve, _lu_solve
from linepack.physics import compiled
# the kernels the compiled time loop calls (plain functions; numba compiles them into it)
from linepack.physics.compiled import _isothermal_pipes, _quadratic_resistors
from linepack.physics import element_laws as laws
from linepack.problems.model import (ALG, FLOW, LAW, OFF, NetworkModel, apply_control_rule,
                                     apply_controls, controls_from_final, edge_states,
                                     resolve_controls, resolve_physics, station_power)
from linepack.results.transient import TransientResult
from linepack.units import BAR

__all__ = ["simulate_transient", "TransientOptions"]

_RE_TINY = 1e-8          # Reynolds number standing in for zero flow (λ·Re stays finite)
_MAX_HALVINGS = 6        # a failing step is halved at most this often before breakdown
_P_BREAKDOWN = 1e3       # a pressure at or below this is a breakdown [Pa]
_P_TOL = 0.1             # pressure tolerance of the limit checks [Pa] (1e-6 bar, as steady)
# Every algebraic pressure relation (open valve, short pipe, station or regulator set point)
# carries a droop of this share of the reference pressure at the flow scale: zero-loss
# connections in parallel or in loops then split their flow evenly instead of leaving it
# undetermined (a singular matrix); the steady model eliminates them by reduction instead.
# At 1e-9 the pressures move by less than 1e-9 relative.
_DROOP = 1e-9
# SuperLU's column ordering: COLAMD keeps the fill of these saddle-point-like matrices low
# under partial pivoting (GasLib-4197, 8,677 unknowns: fill 46k vs 100k with MMD_AT_PLUS_A,
# factor 7 vs 25 ms, solve 0.33 vs 0.69 ms; equal on GasLib-134)
_ORDERING = "COLAMD"
_RULE_ROUNDS = 4         # control-rule rounds (re-solves) per time step at most
_CHORD_RATE = 0.5        # reuse the LU factors while the residual falls at least this fast
_CHORD_MAX = 10          # and for at most this many iterations on one factor
_PROFILE_TABLE_MAX = 4_000_000   # profile values kept for all grid times at most (32 MB)
_TIME_UNITS = {"time_s": 1.0, "time_min": 60.0, "time_h": 3600.0}


@dataclass(frozen=True)
class TransientOptions:
    """Scheme options of :func:`simulate_transient`.

    Attributes
    ----------
    theta : float
        Weight of the new time level, ½ ≤ θ ≤ 1: 1 = backward Euler (first order, damps
        every oscillation; the default), ½ = Crank–Nicolson / box scheme (second order,
        may ring after a discontinuity).
    dx_max : float
        Longest pipe segment. [m] Each pipe gets ``ceil(length / dx_max)`` equal segments.
    inertia : bool
        Keep ∂m/∂t in the momentum equation (needed for fast transients, seconds to
        minutes; negligible for hourly operation).
    tol : float
        Newton tolerance on the scaled residual (balances / flow scale, pressure
        relations / reference pressure). The default leaves balances closed to 1e-8 of
        the flow scale per step; mass-balance checks to 1e-9 use 1e-12.
    max_iter : int
        Newton iterations per attempt of a step.
    reynolds_floor : float
        As in :class:`linepack.SteadyOptions`: floor of the friction derivative in the
        Newton matrix (not in the residual).
    interpolation : str
        ``"linear"`` or ``"step"`` (the last listed value holds) between profile times.
    compiled : bool or None
        Evaluate the segments' momentum law with the compiled pipe law of
        :mod:`linepack.physics.compiled` (needs numba, extra ``fast``; for the models it
        fuses, others stay numpy), and then the whole residual, the resistors' law, the LU
        solves and the control-rule test in compiled loops (the same formulas as the numpy
        path), and the time loop itself over the steps between output and event times while
        the LU factors hold (the same iteration; Python takes over for refactorisations,
        halvings, control switches and limit reports). ``None``: where numba is already
        loaded, or installed and the run is long (segments × steps ≥ 10⁶, where the ~0.4 s
        numba import pays back).
    """

    theta: float = 1.0
    dx_max: float = 10_000.0
    inertia: bool = False
    tol: float = 1e-8
    max_iter: int = 25
    reynolds_floor: float = 2000.0
    interpolation: str = "linear"
    compiled: bool | None = None

    def __post_init__(self):
        if not (0.5 <= float(self.theta) <= 1.0):
            raise InputError(f"TransientOptions: theta must be in [0.5, 1] (got {self.theta})")
        if not (np.isfinite(self.dx_max) and self.dx_max > 0):
            raise InputError(f"TransientOptions: dx_max must be > 0 m (got {self.dx_max})")
        if self.interpolation not in ("linear", "step"):
            raise InputError("TransientOptions: interpolation must be 'linear' or 'step' "
                             f"(got {self.interpolation!r})")
        if not (self.tol > 0):
            raise InputError(f"TransientOptions: tol must be > 0 (got {self.tol})")


# --------------------------------------------------------------------------------------
# input translation: durations, profiles, events
# --------------------------------------------------------------------------------------
def _seconds(value, name: str) -> float:
    """A duration in seconds from a number [s], a Timedelta or a string such as '5min'."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        s = float(value)
    else:
        try:
            s = pd.to_timedelta(value).total_seconds()
        except (ValueError, TypeError):
            raise InputError(f"{name}: not a duration (got {value!r}); give seconds or a "
                             "string such as '5min', '30s', '1h'") from None
    if not np.isfinite(s) or s <= 0:
        raise InputError(f"{name} must be > 0 (got {value!r})")
    return s


def _time_column(df: pd.DataFrame, what: str) -> tuple[str, np.ndarray]:
    """The time column of a profile or event table as seconds from the start."""
    cols = [c for c in df.columns if str(c) in _TIME_UNITS or str(c) == "time"]
    if len(cols) != 1:
        raise InputError(f"{what}: needs exactly one time column, one of "
                         f"{', '.join(list(_TIME_UNITS) + ['time'])} (got columns "
                         f"{', '.join(map(str, df.columns[:8]))})")
    c = str(cols[0])
    col = df[cols[0]]
    if c in _TIME_UNITS:
        t = pd.to_numeric(col, errors="coerce").to_numpy(float) * _TIME_UNITS[c]
    else:
        try:
            t = pd.to_timedelta(col).dt.total_seconds().to_numpy(float)
        except (ValueError, TypeError):
            try:
                stamps = pd.to_datetime(col)
                t = (stamps - stamps.iloc[0]).dt.total_seconds().to_numpy(float)
            except (ValueError, TypeError):
                raise InputError(f"{what}: column 'time' holds neither durations ('01:30:00', "
                                 "'90min') nor timestamps") from None
    bad = np.flatnonzero(~np.isfinite(t))
    if bad.size:
        r = int(bad[0])
        raise InputError(f"{what}: row {r + 1}: time {_cell(col.iloc[r])} in column '{c}' is not "
                         "a finite number")
    return c, t


def _cell(v: Any) -> str:
    """A table cell as the user wrote it: 'empty' for a missing value, text quoted."""
    if v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)) or (
            isinstance(v, str) and not v.strip()):
        return "empty"
    if isinstance(v, str):
        return repr(v)
    return str(v.item() if isinstance(v, np.generic) else v)


def _numbers(col: pd.Series, what: str, name: str) -> np.ndarray:
    """A column of numbers; a cell that holds something else than a number or nothing is
    named (row and column). Empty cells are NaN."""
    v = pd.to_numeric(col, errors="coerce").to_numpy(float)
    given = ~col.isna().to_numpy() & ~col.astype(str).str.strip().isin(["", "nan", "NaN"]).to_numpy()
    bad = np.flatnonzero(given & ~np.isfinite(v))
    if bad.size:
        r = int(bad[0])
        raise InputError(f"{what}: row {r + 1}, column '{name}': not a number ({_cell(col.iloc[r])})")
    return v


def _check_increasing(t: np.ndarray, col: str, what: str, strict: bool = True) -> None:
    d = np.diff(t)
    bad = np.flatnonzero(d <= 0 if strict else d < 0)
    if bad.size:
        r = int(bad[0]) + 1
        raise InputError(f"{what}: time column '{col}' is not increasing at row {r + 1} "
                         f"({t[r]:g} s after {t[r - 1]:g} s)")


@dataclass
class _Profile:
    node: np.ndarray     # node positions
    held: np.ndarray     # bool: held pressure (True) or inflow (False)
    times: np.ndarray    # [s]
    values: np.ndarray   # (len(times), len(node)) SI


def _parse_profile(profile, md: NetworkModel) -> _Profile | None:
    if profile is None:
        return None
    if not isinstance(profile, pd.DataFrame):
        raise InputError(f"profile must be a pandas DataFrame (got {type(profile).__name__}); "
                         "read a CSV with pandas.read_csv")
    what = "profile"
    if len(profile) == 0:
        raise InputError("profile: no rows")
    col, t = _time_column(profile, what)
    _check_increasing(t, col, what)
    nodes, held, values = [], [], []
    for c in profile.columns:
        c = str(c)
        if c == col:
            continue
        nid, dot, qty = c.rpartition(".")
        if not dot or qty not in ("p_bar", "inflow_kg_s"):
            raise InputError(f"profile: column '{c}': expected '<node>.p_bar' (held pressure, "
                             "absolute) or '<node>.inflow_kg_s' (+ into the network)")
        i = md.node_ids.get_indexer([nid])[0]
        if i < 0:
            raise InputError(f"profile: column '{c}': node '{nid}' is not in the network"
                             f"{did_you_mean(nid, md.node_ids)}")
        if i in nodes:
            raise InputError(f"profile: node '{nid}' has more than one column (a node either "
                             "holds a pressure or takes an inflow)")
        v = pd.to_numeric(profile[c], errors="coerce").to_numpy(float)
        bad = np.flatnonzero(~np.isfinite(v))
        if bad.size:
            r = int(bad[0])
            raise InputError(f"profile: row {r + 1}, column '{c}': not a number "
                             f"({_cell(profile[c].iloc[r])})")
        if qty == "p_bar":
            bad = np.flatnonzero(v <= 0)
            if bad.size:
                r = int(bad[0])
                raise InputError(f"profile: row {r + 1}, column '{c}': pressure must be > 0 bar "
                                 f"absolute (got {v[r]:g})")
            v = v * BAR
        nodes.append(i)
        held.append(qty == "p_bar")
        values.append(v)
    if not nodes:
        raise InputError("profile: no node columns ('<node>.p_bar' or '<node>.inflow_kg_s')")
    return _Profile(np.asarray(nodes, dtype=np.int64), np.asarray(held, dtype=bool), t,
                    np.column_stack(values))


def _profile_at(prof: _Profile, t: float, interpolation: str) -> np.ndarray:
    times = prof.times
    if interpolation == "step" or times.size == 1:
        k = int(np.searchsorted(times, t, side="right")) - 1
        return prof.values[max(k, 0)]
    k = min(max(int(np.searchsorted(times, t, side="right")) - 1, 0), times.size - 2)
    w = (t - times[k]) / (times[k + 1] - times[k])
    w = min(max(w, 0.0), 1.0)
    return prof.values[k] * (1.0 - w) + prof.values[k + 1] * w


def _profile_table(prof: _Profile, t: np.ndarray, interpolation: str) -> np.ndarray:
    """:func:`_profile_at` at every time of ``t`` (one row each), with the same arithmetic."""
    times = prof.times
    k = np.searchsorted(times, t, side="right") - 1
    if interpolation == "step" or times.size == 1:
        return prof.values[np.maximum(k, 0)]
    k = np.clip(k, 0, times.size - 2)
    w = np.clip((t - times[k]) / (times[k + 1] - times[k]), 0.0, 1.0)[:, None]
    return prof.values[k] * (1.0 - w) + prof.values[k + 1] * w


def _parse_events(events, md: NetworkModel) -> list[tuple[float, pd.DataFrame]]:
    """Events grouped by time: ``[(t, controls table)]`` with values in SI."""
    if events is None:
        return []
    if isinstance(events, Controls):
        raise InputError("events need a time column: give a DataFrame with time_s/time_min/"
                         "time_h, element, mode, setpoint, value")
    if not isinstance(events, pd.DataFrame):
        events = pd.DataFrame(list(events))
    what = "events"
    if len(events) == 0:
        return []
    col, t = _time_column(events, what)
    # several events may share a time (they act together); a time that goes back is a typo
    _check_increasing(t, col, what, strict=False)
    if "element" not in events.columns:
        raise InputError("events: needs a column 'element' (connection id)")
    ids = events["element"].astype(str).to_numpy()
    pos = md.edge_ids.get_indexer(ids)
    bad = np.flatnonzero(pos < 0)
    if bad.size:
        r = int(bad[0])
        raise InputError(f"events: row {r + 1}: connection '{ids[r]}' is not in the network"
                         f"{did_you_mean(ids[r], md.edge_ids)}")
    twice = pd.DataFrame({"t": t, "id": ids}).duplicated(keep="first").to_numpy()
    if twice.any():
        r = int(np.flatnonzero(twice)[0])
        first = int(np.flatnonzero((t == t[r]) & (ids == ids[r]))[0])
        raise InputError(f"events: row {r + 1}: a second event for '{ids[r]}' at {t[r]:g} s "
                         f"(row {first + 1} is the first); give one event per element and time")
    neg = np.flatnonzero(t < 0)
    if neg.size:
        r = int(neg[0])
        raise InputError(f"events: row {r + 1}: time {t[r]:g} s is before the start")
    tab = pd.DataFrame({"mode": events.get("mode", pd.Series(["active"] * len(events))).astype(str),
                        "setpoint": events.get("setpoint", pd.Series([""] * len(events)))
                        .fillna("").astype(str),
                        "value": _numbers(events["value"], what, "value")
                        if "value" in events.columns else np.full(len(events), np.nan)})
    tab.index = pd.Index(ids, name="id")
    if "value_bar" in events.columns:
        vb = _numbers(events["value_bar"], what, "value_bar")
        tab["value"] = np.where(np.isfinite(vb), vb * BAR, tab["value"].to_numpy(float))
    out = []
    order = np.argsort(t, kind="stable")
    for tk in np.unique(t):
        rows = order[t[order] == tk]
        out.append((float(tk), tab.iloc[rows]))
    return out


# --------------------------------------------------------------------------------------
# the grid
# --------------------------------------------------------------------------------------
class _Grid:
    """Points (nodes + interior cut points) and segments of every pipe."""

    def __init__(self, md: NetworkModel, dx_max: float):
        pipes = np.flatnonzero(md.is_pipe)
        L = md.length[pipes]
        bad = np.flatnonzero(~np.isfinite(L) | (L <= 0))
        if bad.size:
            i = int(pipes[bad[0]])
            raise InputError(f"pipe '{md.edge_ids[i]}': length must be > 0 m (got {md.length[i]:g})")
        loops = np.flatnonzero(md.u == md.v)
        if loops.size:
            i = int(loops[0])
            raise InputError(f"{md.kind[i]} '{md.edge_ids[i]}': starts and ends at node "
                             f"'{md.node_ids[md.u[i]]}'")
        nseg = np.maximum(1, np.ceil(L / dx_max - 1e-9).astype(np.int64))
        self.pipes, self.nseg = pipes, nseg
        ns = int(nseg.sum())
        self.ns = ns
        seg_pipe = np.repeat(np.arange(pipes.size), nseg)          # pipe position of each segment
        first = np.concatenate([[0], np.cumsum(nseg)[:-1]])
        j = np.arange(ns) - first[seg_pipe]                        # index within its pipe
        n_int = nseg - 1
        base = md.n + np.concatenate([[0], np.cumsum(n_int)[:-1]]).astype(np.int64)
        self.npt = md.n + int(n_int.sum())
        nsg = nseg[seg_pipe]
        pu, pv = md.u[pipes][seg_pipe], md.v[pipes][seg_pipe]
        self.start = np.where(j == 0, pu, base[seg_pipe] + j - 1).astype(np.int64)
        self.end = np.where(j == nsg - 1, pv, base[seg_pipe] + j).astype(np.int64)
        self.seg_pipe, self.seg_j = seg_pipe, j
        self.first_seg, self.last_seg = first, first + nseg - 1
        self.dx = L[seg_pipe] / nsg
        D = md.diameter[pipes][seg_pipe]
        self.D = D
        self.A = np.pi * D * D / 4.0
        self.rr = md.roughness[pipes][seg_pipe] / D
        hu, hv = md.height[md.u[pipes]], md.height[md.v[pipes]]
        self.dh = ((hv - hu) / nseg)[seg_pipe]
        self.zeta = np.where(j == 0, md.zeta[pipes][seg_pipe], 0.0)
        # interior points: owner pipe and distance from its from-node (for names)
        self.int_pipe = np.repeat(pipes, n_int)
        self.int_x = np.concatenate([np.arange(1, k) * (lk / k) for lk, k in zip(L, nseg)]) \
            if n_int.sum() else np.zeros(0)
        # gas volume of each point (half of each segment it touches) and per pipe
        half = self.A * self.dx / 2.0
        self.volume = (np.bincount(self.start, half, self.npt) + np.bincount(self.end, half, self.npt))
        rows = np.concatenate([seg_pipe, seg_pipe])
        cols = np.concatenate([self.start, self.end])
        self.pipe_volume = sp.csr_matrix((np.concatenate([half, half]), (rows, cols)),
                                         shape=(pipes.size, self.npt))

    def point_name(self, md: NetworkModel, i: int) -> str:
        if i < md.n:
            return md.net.element_name(md.node_ids[i])
        k = i - md.n
        return f"pipe '{md.edge_ids[self.int_pipe[k]]}' at {self.int_x[k] / 1e3:.3g} km"


# --------------------------------------------------------------------------------------
# the discrete system
# --------------------------------------------------------------------------------------
class _System:
    """Residual and Jacobian of one time step (or of the steady state, ``dt=None``)."""

    def __init__(self, md: NetworkModel, grid: _Grid, opts: TransientOptions):
        self.md, self.g, self.opts = md, grid, opts
        g = grid
        self.sp = md.special
        nsp = self.sp.size
        self.npt, self.ns, self.nsp = g.npt, g.ns, nsp
        self.N = g.npt + g.ns + nsp
        self.su, self.sv = md.u[self.sp], md.v[self.sp]
        self.T, self.R = md.T, md.R
        T, gas = md.T, md.gas
        # friction law prepared for the segments
        if g.ns:
            try:
                self.friction_re = md.friction_at(g.rr, g.D)
                self.c_re_floor = self.friction_re(np.full(g.ns, opts.reynolds_floor))[0]
            except InputError:
                md._check_friction_domain()
                raise
        self.a_over_d = g.A / g.D
        # Z as a polynomial in p where the model has that form (no per-call checks)
        self.zpoly = md.eos.z_polynomial(T, gas) if hasattr(md.eos, "z_polynomial") else None
        self.pipe_kernel = None
        self.fused = None
        self.law_kernel = None
        self.compiled_solve = False
        self.is_res = md.kind[self.sp] == "resistor"
        self._gas = gas
        self._T = T
        # sparsity pattern (fixed for the run: every possible entry is present)
        npt, ns = g.npt, g.ns
        mcol = npt + np.arange(ns)
        scol = npt + ns + np.arange(nsp)
        mrow = npt + np.arange(ns)
        srow = npt + ns + np.arange(nsp)
        rows = [np.arange(npt), g.start, g.end, self.su, self.sv,
                mrow, mrow, mrow, srow, srow, srow]
        cols = [np.arange(npt), mcol, mcol, scol, scol,
                g.start, g.end, mcol, self.su, self.sv, scol]
        self.rows = np.concatenate(rows).astype(np.int64)
        self.cols = np.concatenate(cols).astype(np.int64)
        probe = sp.csc_matrix((np.arange(1, self.rows.size + 1, dtype=float), (self.rows, self.cols)),
                              shape=(self.N, self.N))
        if probe.nnz != self.rows.size:   # pragma: no cover - the pattern has no duplicates
            raise RuntimeError("transient: duplicate Jacobian entries")
        self.perm = probe.data.astype(np.int64) - 1
        self.matrix = probe
        self.flow_scale = max(md.flow_scale, 1.0)
        self.droop = _DROOP * float(md.p_ref) / self.flow_scale
        self._zeros_ns = np.zeros(ns)
        self._zeros_pt = np.zeros(npt)
        self._v_dt_of = None
        # incidence of the flows (segments, then elements) on the points: + in, − out
        fcols = np.arange(ns + nsp)
        self.incidence = sp.csr_matrix(
            (np.concatenate([np.ones(ns + nsp), -np.ones(ns + nsp)]),
             (np.concatenate([g.end, self.sv, g.start, self.su]), np.concatenate([fcols, fcols]))),
            shape=(npt, ns + nsp))
        self.p_ref = md.p_ref

    # ----- element states -------------------------------------------------------------
    def set_states(self, state, a, b, q):
        s = self.sp
        self.st, self.a, self.b, self.q = state[s], a[s], b[s], q[s]
        st = self.st
        self.i_alg = np.flatnonzero(st == ALG)
        self.i_fl = np.flatnonzero((st == FLOW) | (st == OFF))
        self.q_fl = np.where(st[self.i_fl] == FLOW, self.q[self.i_fl], 0.0)
        self.i_law = np.flatnonzero(st == LAW)
        self.row_scale_sp = np.where((self.st == FLOW) | (self.st == OFF), 1.0 / self.flow_scale,
                                     1.0 / self.p_ref)
        # the same relations per element for the compiled residual: 0 algebraic, 1 flow,
        # 2 pressure-loss law (evaluated in numpy), 3 none
        code = np.full(self.nsp, 3, dtype=np.int64)
        code[self.i_alg], code[self.i_fl], code[self.i_law] = 0, 1, 2
        self.sp_code = code
        self.sp_q = np.zeros(self.nsp)
        self.sp_q[self.i_fl] = self.q_fl
        self.sp_a = np.ascontiguousarray(self.a, dtype=float)
        self.sp_b = np.ascontiguousarray(self.b, dtype=float)

    def set_held(self, held: np.ndarray):
        """Points whose pressure is held (bool over points)."""
        self.held = held
        self.held_idx = np.flatnonzero(held)
        self.row_scale_pt = np.where(held, 1.0 / self.p_ref, 1.0 / self.flow_scale)

    # ----- physics on the points and segments ------------------------------------------
    def use_compiled(self, flag) -> None:
        """Take the compiled pipe law for the segments where it fuses these models."""
        if not flag or self.g.ns == 0:
            return
        if not jit.available():
            raise InputError("TransientOptions(compiled=True) needs numba (pip install "
                             "'linepack[fast]'); got no importable numba")
        g, md = self.g, self.md
        self.compiled_solve = True   # the LU solves by compiled triangular sweeps
        law = compiled.pipe_law(md.friction, md.eos, md.visc, self._T, self._gas, g.rr, g.D, g.dx,
                                g.zeta, g.dh, self.opts.reynolds_floor, _RE_TINY)
        if law is not None:
            start, end = g.start.astype(np.int64), g.end.astype(np.int64)
            self.pipe_kernel = lambda p, m: law(p, start, end, m)
            self.law_arguments = law.arguments
            if self.zpoly is not None:
                # the whole residual in one compiled pass (after the pipe law's), resistors
                # by their compiled law
                self.fused = jit.compiled(_fused_residual)
                self.law_kernel = compiled.resistor_law(md.eos, self._T, self._gas, self.R,
                                                        md.drag[self.sp], md.diameter[self.sp])
                self._start, self._end = start, end
                self._su, self._sv = self.su.astype(np.int64), self.sv.astype(np.int64)
                self._buf = {k: np.empty(n) for k, n in (
                    ("rho", g.npt), ("drho", g.npt), ("q", g.npt), ("G", g.ns), ("G1", g.ns),
                    ("G2", g.ns), ("Gm", g.ns), ("su", self.nsp), ("sv", self.nsp),
                    ("sm", self.nsp))}

    def density(self, p):
        if self.zpoly is not None:
            c0, c1, c2 = self.zpoly
            z = c0 + p * (c1 + c2 * p)
            dz = c1 + 2.0 * c2 * p
        else:
            z, dz = self.md.z_and_dz_dp(p)
        rt = self.R * self.T
        return p / (z * rt), (z - p * dz) / (z * z * rt)

    def momentum(self, p, m):
        """G = F/(p₁+p₂) of every segment [Pa] and its partial derivatives."""
        g, md = self.g, self.md
        if g.ns == 0:
            e = np.zeros(0)
            return e, e, e, e
        p1, p2 = p[g.start], p[g.end]
        if self.pipe_kernel is not None:
            F, F1, F2, Fm = self.pipe_kernel(p, m)
            s = p1 + p2
            G = F / s
            return G, (F1 - G) / s, (F2 - G) / s, Fm / s
        mean = laws.mean_pressure(p1, p2)
        z, dz = md.z_and_dz_dp(mean[0])
        mu = md.visc.mu(mean[0], self._T, self._gas)
        c_re = mu * self.a_over_d
        re = np.maximum(np.abs(m) / c_re, _RE_TINY)
        fre, dfre = self.friction_re(re)
        mabs = re * c_re
        lam = fre / re
        dterm = np.maximum(c_re * (fre + re * dfre), self.c_re_floor * c_re)
        F, F1, F2, Fm = laws.isothermal_pipe(p1, p2, m, mabs, lam, dterm, z, dz, g.dx, g.D,
                                             g.zeta, g.dh, self._T, self.R, mean, g.A)
        s = p1 + p2
        G = F / s
        return G, (F1 - G) / s, (F2 - G) / s, Fm / s

    def specials(self, p, ms):
        """Residual of the non-pipe connections and its partials (u, v, m)."""
        n = self.nsp
        r, du, dv, dm = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
        if n == 0:
            return r, du, dv, dm
        pu, pv = p[self.su], p[self.sv]
        alg = self.i_alg
        r[alg] = pv[alg] - self.a[alg] * pu[alg] - self.b[alg] + self.droop * ms[alg]
        du[alg], dv[alg], dm[alg] = -self.a[alg], 1.0, self.droop
        fl = self.i_fl
        r[fl] = ms[fl] - self.q_fl
        dm[fl] = 1.0
        law = self.i_law
        if law.size:
            r[law], du[law], dv[law], dm[law] = self._law(p, ms)
        return r, du, dv, dm

    def _law(self, p, ms):
        """Residual and partials (u, v, m) of the elements with a pressure-loss law."""
        law = self.i_law
        if self.law_kernel is not None:
            return self.law_kernel(p, self._su, self._sv, ms, law)
        e = self.sp[law]
        md = self.md
        pu, pv, m = p[self.su[law]], p[self.sv[law]], ms[law]
        up = m >= 0
        z_up = md.eos.z(np.where(up, pu, pv), self._T, self._gas)
        mabs = np.maximum(np.abs(m), 1e-9)
        return laws.quadratic_resistor(pu, pv, m, mabs, md.drag[e], md.diameter[e], z_up,
                                       self._T, self.R, up)

    def netflow(self, m, ms):
        g = self.g
        out = np.bincount(g.end, m, self.npt) - np.bincount(g.start, m, self.npt)
        if self.nsp:
            out += np.bincount(self.sv, ms, self.npt) - np.bincount(self.su, ms, self.npt)
        return out

    def split(self, x):
        return x[:self.npt], x[self.npt:self.npt + self.ns], x[self.npt + self.ns:]

    # ----- one step ---------------------------------------------------------------------
    def prepare(self, dt, theta, old, inj_new, held_value):
        """Fix the data of the next solve. ``dt=None``: the steady state (no storage).
        ``old``: dict of the state at the old level (rho, q = netflow + injection, G, m)."""
        self.dt, self.theta = dt, theta
        self.old, self.inj_new, self.held_value = old, inj_new, held_value
        inertia = self.opts.inertia and dt is not None
        self.c_in = self.g.dx / self.g.A / dt if inertia else self._zeros_ns
        self.theta_m = theta if inertia else 1.0
        # the parts of the point balances fixed for this solve
        if dt is not None:
            if dt != self._v_dt_of:
                self.v_dt, self._v_dt_of = self.g.volume / dt, dt
            self.r_const = -self.v_dt * old["rho"] - (1 - theta) * old["q"] - theta * inj_new

    def residual(self, x):
        """``(raw, scaled residual, (ρ, net flow + injection, G), max |scaled|)``; the
        arrays of the compiled path are buffers, valid until the next call."""
        if self.fused is not None:
            return self._residual_fused(x)
        raw, scaled, aux = self._residual_numpy(x)
        norm = float(np.max(np.abs(scaled))) if scaled.size else 0.0
        return raw, scaled, aux, norm

    def _residual_fused(self, x):
        b = self._buf
        F, F1, F2, Fm = self.pipe_kernel(x[:self.npt], x[self.npt:self.npt + self.ns])
        transient = self.dt is not None
        inertia = transient and self.opts.inertia
        old = self.old
        out = np.empty(self.N)
        c0, c1, c2 = self.zpoly
        norm = self.fused(
            x, self.npt, self.ns, self._start, self._end, self._su, self._sv, F, F1, F2, Fm,
            float(c0), float(c1), float(c2), float(self.R * self.T), transient,
            self.v_dt if transient else self._zeros_pt, float(self.theta),
            self.r_const if transient else self._zeros_pt, self.inj_new, self.held,
            self.held_value, self.sp_code, self.sp_a, self.sp_b, self.sp_q, float(self.droop),
            inertia, self.c_in, float(self.theta_m), old["m"] if inertia else self._zeros_ns,
            old["G"] if inertia else self._zeros_ns, self.row_scale_pt, 1.0 / self.p_ref,
            self.row_scale_sp, out, b["rho"], b["drho"], b["q"], b["G"], b["G1"], b["G2"],
            b["Gm"], b["su"], b["sv"], b["sm"], True)
        if self.i_law.size:   # pressure-loss elements: numpy (few), patched in
            law = self.i_law
            rs, du, dv, dm = self._law(x[:self.npt], x[self.npt + self.ns:])
            k = self.npt + self.ns + law
            out[k] = rs * self.row_scale_sp[law]
            b["su"][law], b["sv"][law], b["sm"][law] = du, dv, dm
            sub = np.abs(out[k])
            norm = max(norm, float(np.max(sub))) if np.all(np.isfinite(sub)) else math.nan
        self._cache = (b["drho"], b["G1"], b["G2"], b["Gm"], b["su"], b["sv"], b["sm"])
        return None, out, (b["rho"], b["q"], b["G"]), norm

    def _residual_numpy(self, x):
        p, m, ms = self.split(x)
        rho, drho = self.density(p)
        G, G1, G2, Gm = self.momentum(p, m)
        rs, su_, sv_, sm_ = self.specials(p, ms)
        net = self.incidence @ x[self.npt:]        # net flow of pipes and elements into each point
        if self.dt is None:
            r_pt = -(net + self.inj_new)
        else:
            r_pt = self.v_dt * rho - self.theta * net + self.r_const
        h = self.held_idx
        r_pt[h] = p[h] - self.held_value[h]
        if self.dt is not None and self.opts.inertia:
            r_m = self.c_in * (m - self.old["m"]) - self.theta_m * G - (1 - self.theta_m) * self.old["G"]
        else:
            r_m = -G
        self._cache = (drho, G1, G2, Gm, su_, sv_, sm_)
        scaled = np.concatenate([r_pt * self.row_scale_pt, r_m * (1.0 / self.p_ref),
                                 rs * self.row_scale_sp])
        return None, scaled, (rho, net + self.inj_new, G)

    def jacobian(self):
        """The scaled Jacobian at the last residual's point (CSC, fixed pattern)."""
        drho, G1, G2, Gm, su_, sv_, sm_ = self._cache
        held = self.held
        th = 1.0 if self.dt is None else self.theta
        diag = np.where(held, 1.0, 0.0 if self.dt is None else self.g.volume / self.dt * drho)
        fl = np.where(held, 0.0, th)
        tm = self.theta_m
        vals = np.concatenate([
            diag * self.row_scale_pt,
            fl[self.g.start] * self.row_scale_pt[self.g.start],      # +θ at the start (out)
            -fl[self.g.end] * self.row_scale_pt[self.g.end],         # −θ at the end (in)
            fl[self.su] * self.row_scale_pt[self.su],
            -fl[self.sv] * self.row_scale_pt[self.sv],
            -tm * G1 / self.p_ref, -tm * G2 / self.p_ref, (self.c_in - tm * Gm) / self.p_ref,
            su_ * self.row_scale_sp, sv_ * self.row_scale_sp, sm_ * self.row_scale_sp,
        ])
        A = self.matrix
        A.data[:] = vals[self.perm]
        return A


def _newton(sysm: _System, x0: np.ndarray, lu_box: dict, stats: dict, full: bool = False):
    """Chord/Newton iteration from ``x0``. The LU factors in ``lu_box['lu']`` are reused while
    the residual falls by at least ``_CHORD_RATE`` per iteration, and refreshed otherwise (or
    after ``_CHORD_MAX`` iterations on one factor); ``full``: a fresh factor every iteration."""
    opts = sysm.opts
    x = x0.copy()
    last = math.inf
    age = 0
    for it in range(opts.max_iter + 1):
        raw, r, aux, norm = sysm.residual(x)
        if not np.isfinite(norm):
            return None, raw
        if norm <= opts.tol:
            return x, tuple(a.copy() for a in aux)
        if it == opts.max_iter:
            break
        if full or lu_box.get("lu") is None or norm > _CHORD_RATE * last or age >= _CHORD_MAX:
            try:
                lu_box["lu"] = FactorSolve(splu(sysm.jacobian(), permc_spec=_ORDERING),
                                           sysm.compiled_solve)
            except RuntimeError:   # singular
                lu_box["lu"] = None
                return None, raw
            stats["factorizations"] += 1
            age = 0
        last = norm
        dx = lu_box["lu"].solve(r)
        age += 1
        stats["iterations"] += 1
        x = x - dx
        if not x[:sysm.npt].min() > 0:
            # damp the step to keep pressures positive (a full step through zero pressure)
            pos = dx[:sysm.npt] > 0
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.min(np.where(pos, 0.9 * (x[:sysm.npt] + dx[:sysm.npt]) / dx[:sysm.npt],
                                       np.inf))
            if not np.isfinite(frac) or frac <= 1e-6:
                return None, raw
            x = x + dx - frac * dx
            lu_box["lu"] = None
    return None, None


# --------------------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------------------
def simulate_transient(network: Network, scenario: Scenario | None = None,
                       controls: Controls | None = None, *, duration: Any = "24h",
                       dt: Any = "5min", profile: pd.DataFrame | None = None,
                       events: Any = None, initial: Any = None, output_dt: Any = None,
                       friction: Any = "nikuradse", eos: Any = "papay", viscosity: Any = None,
                       gas: Any = None, temperature: float | None = None,
                       record_pipes: Any = None, progress: Any = None,
                       options: TransientOptions | None = None) -> TransientResult:
    """Simulate the network over time from a steady state.

    Parameters
    ----------
    network, scenario, controls
        As for :func:`linepack.simulate`. The scenario's held pressures and inflows are
        the boundary values wherever ``profile`` does not override them.
    duration, dt, output_dt
        Simulated time, time step and spacing of the output times: seconds, a
        ``pandas.Timedelta`` or a string such as ``"24h"``, ``"5min"``. ``output_dt``
        defaults to one hour (or ``dt`` if larger); the end time is always an output.
    profile : DataFrame, optional
        Boundary values over time: one time column (``time_s``, ``time_min``, ``time_h``
        as numbers from the start, or ``time`` with durations or timestamps), then
        ``<node>.p_bar`` (the node holds this absolute pressure) or
        ``<node>.inflow_kg_s`` (+ into the network, − withdrawal) columns. Values are
        interpolated between rows (``options.interpolation``) and held beyond the last row.
    events : DataFrame or list of dicts, optional
        Control events: a time column as for ``profile``, ``element`` (connection id),
        ``mode``, ``setpoint``, ``value`` (SI as in :class:`linepack.Controls`; or
        ``value_bar`` for an outlet pressure in bar). The time grid steps exactly onto
        every event time.
    initial : SteadyResult or TransientResult, optional
        The steady state to start from (the default: :func:`linepack.simulate` of
        ``network, scenario, controls`` with the same physics). Its held pressures stay
        held and its station and valve states are kept until an event changes them.
        A ``TransientResult`` continues that run from its last state (same network and
        ``dx_max``; the new run's times count from 0 again).
    friction, eos, viscosity, gas, temperature
        The physics, as for :func:`linepack.simulate`.
    record_pipes : list of str, optional
        Pipes whose pressure profile along their length is kept at the output times
        (``TransientResult.pipe_pressure_bar``).
    progress : callable, optional
        Called as ``progress(t, duration)`` [s] after every output time (e.g. to drive a
        progress bar).
    options : TransientOptions, optional

    Returns
    -------
    TransientResult
        ``status == "breakdown"`` (with ``message``) when a pressure reaches zero or a
        step has no solution: the tables then hold the states up to that time.

    Raises
    ------
    InputError
        Bad input, naming the row, column or element.
    """
    from linepack.problems.steady import simulate

    opts = options or TransientOptions()
    if not isinstance(opts, TransientOptions):
        raise InputError(f"options must be TransientOptions (got {type(opts).__name__})")
    if not isinstance(network, Network):
        raise InputError(f"network must be a linepack Network (got {type(network).__name__})")
    if scenario is None:
        raise InputError("a scenario (boundary conditions) is needed for the initial state")
    duration_s = _seconds(duration, "duration")
    dt_s = _seconds(dt, "dt")
    out_s = _seconds(output_dt, "output_dt") if output_dt is not None else max(3600.0, dt_s)

    physics = resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = NetworkModel(network, scenario, physics, opts)
    prof = _parse_profile(profile, md)
    ev = _parse_events(events, md)

    saved = initial.final_state if isinstance(initial, TransientResult) else None
    # constant-loss resistors: the flow direction their loss acts in (as the start left it)
    const_dir = np.ones(md.m)
    if isinstance(initial, TransientResult):
        _check_saved(md, initial, opts)
        ctl = resolve_controls(md, controls)
        ctl.mode[:], ctl.setpoint[:], ctl.value[:] = (saved["mode"], saved["setpoint"],
                                                       saved["value"])
        if "automatic" in saved:
            ctl.auto &= saved["automatic"]
            const_dir[:] = saved["direction"]
        held_value0 = np.where(saved["held"], saved["held_value"], np.nan)
    else:
        if initial is None:
            initial = simulate(network, scenario, controls, friction=friction, eos=eos,
                               viscosity=viscosity, gas=gas, temperature=temperature)
        _check_initial(md, initial)
        ctl = _controls_from(md, controls, initial, const_dir)
        # held as the steady state held them (a default reference lowered by the control
        # rule at its lowered value)
        held_value0 = initial.nodes["p_fixed_bar"].reindex(md.node_ids).to_numpy(float) * BAR
    _check_events(md, ctl, ev)

    # boundary roles over the whole run
    held_node = np.isfinite(held_value0)
    inj_base = md.inj.copy()
    if prof is not None:
        held_node[prof.node] = prof.held
        inj_base[prof.node[prof.held]] = 0.0

    grid = _Grid(md, opts.dx_max)
    sysm = _System(md, grid, opts)
    if prof is not None and (~prof.held).any():   # balances scaled by the largest flows met
        sysm.flow_scale = max(sysm.flow_scale,
                              float(np.max(np.sum(np.abs(prof.values[:, ~prof.held]), axis=1))) / 2)
    n_steps = duration_s / dt_s
    sysm.use_compiled(opts.compiled if opts.compiled is not None else (
        jit.loaded() or (grid.ns * n_steps >= 1e6 and jit.available())))
    held_pt = np.zeros(grid.npt, dtype=bool)
    held_pt[:md.n] = held_node
    sysm.set_held(held_pt)
    state, a, b, q = edge_states(md, ctl, const_dir)
    sysm.set_states(state, a, b, q)

    inj_fixed = np.zeros(grid.npt)
    inj_fixed[:md.n] = np.where(held_node, 0.0, inj_base)
    hv_fixed = np.zeros(grid.npt)
    hv_fixed[:md.n] = np.where(held_node, np.nan_to_num(held_value0), 0.0)

    if prof is not None:
        prof_hn, prof_hc = prof.node[prof.held], np.flatnonzero(prof.held)
        prof_in, prof_ic = prof.node[~prof.held], np.flatnonzero(~prof.held)
    prof_rows: dict = {}   # the profile at the grid times (filled below)

    def boundary(t):
        inj, hv = inj_fixed.copy(), hv_fixed.copy()
        if prof is not None:
            v = prof_rows.get(t)
            if v is None:
                v = _profile_at(prof, t, opts.interpolation)
            hv[prof_hn] = v[prof_hc]
            inj[prof_in] = v[prof_ic]
        return inj, hv

    stats = {"iterations": 0, "factorizations": 0}
    if saved is not None:   # continue a saved run: its state is the start
        x = saved["x"].copy()
    else:
        x = _steady_start(md, grid, sysm, initial, held_value0, stats)
    sysm.set_held(held_pt)

    # time grid: uniform steps, plus every output and event time
    grid_t = np.arange(0.0, duration_s, dt_s)
    outs = np.arange(0.0, duration_s, out_s)
    ev_times = np.array([t for t, _ in ev if 0 < t < duration_s])
    grid_t = np.unique(np.concatenate([grid_t, outs, ev_times, [duration_s]]))
    grid_t = grid_t[np.concatenate([[True], np.diff(grid_t) > 1e-9 * dt_s])]
    out_times = np.unique(np.concatenate([outs, [duration_s]]))
    if prof is not None and grid_t.size * prof.values.shape[1] <= _PROFILE_TABLE_MAX:
        prof_rows.update(zip(grid_t.tolist(), _profile_table(prof, grid_t, opts.interpolation)))
    # each event at the grid time it was merged into (exact keys for the loop's lookups)
    ev_at: dict = {}
    for t_ev, tab in ev:
        if t_ev < duration_s:
            key = float(grid_t[int(np.argmin(np.abs(grid_t - t_ev)))]) if t_ev > 0 else 0.0
            ev_at[key] = pd.concat([ev_at[key], tab]) if key in ev_at else tab

    inj0, _ = boundary(0.0)
    p, m, ms = sysm.split(x)
    rho, _ = sysm.density(p)
    if not held_pt.any():
        _check_not_emptied(prof, grid_t, boundary, float(np.dot(grid.volume, rho)))

    # the old level: ρ, N (net pipe and element flow into each point), s (injection; at held
    # points the supply that closes their balance, s⁰ = −N⁰ in the steady start)
    N = sysm.netflow(m, ms)
    s = np.where(held_pt, -N, inj0)
    if saved is not None:
        s = np.where(held_pt, saved["supply"], inj0)
    old = {"rho": rho, "q": N + s, "G": sysm.momentum(p, m)[0], "m": m.copy()}
    rec = _Recorder(md, grid, sysm, out_times, _pipe_points(md, grid, record_pipes))
    viol = _Violations()
    if 0.0 in ev_at:
        _apply_event(md, ctl, ev_at.pop(0.0), sysm, const_dir)
    rec.record(0.0, x, s, 0.0, ctl)
    viol.check(0.0, p, md, ctl)

    lu_box: dict = {}
    prev = None   # (state, step) before the last step, for the predictor
    auto_pos = np.flatnonzero(ctl.auto[md.special])
    auto_sp = md.special[auto_pos]   # the elements the control rule may switch
    rule_on = auto_sp.size > 0
    gate = _RuleGate(md, auto_sp, compiled=sysm.compiled_solve)
    gate.rebuild(ctl, const_dir)
    rule_flows = np.zeros(md.m)
    rounds = 0    # control-rule rounds of the current step
    log: list = []   # (time, element, from, to) of every automatic switch
    ctl.switches[:] = 0
    status, message = "completed", ""
    cum = 0.0
    steps = 0
    t = 0.0
    theta = float(opts.theta)
    wanted = np.zeros(grid_t.size, dtype=bool)
    k_out = np.searchsorted(grid_t, out_times - 1e-6)
    ok = k_out < grid_t.size
    wanted[k_out[ok][np.abs(grid_t[k_out[ok]] - out_times[ok])
                     <= 1e-6 * np.maximum(1.0, grid_t[k_out[ok]])]] = True
    # the compiled loop over spans of steps (see _span_loop): it stops at every output and
    # event time, where the loop below records and applies them
    span = _Span(sysm, grid, prof, grid_t, inj_fixed, hv_fixed, opts) if (
        sysm.fused is not None and sysm.law_kernel is not None) else None
    if span is not None:
        stop = wanted.copy()
        stop[np.searchsorted(grid_t, [k for k in ev_at if k > 0.0])] = True
        stop[-1] = True
        span.set_stops(stop)
    i_next = 1
    pending = None
    while i_next < grid_t.size:
        t_next = float(grid_t[i_next])
        if t in ev_at:   # an event at t acts on the steps after t
            _apply_event(md, ctl, ev_at[t], sysm, const_dir)
            gate.rebuild(ctl, const_dir)
            viol.modes_changed()
            lu_box["lu"] = None
            prev = None
        lu = lu_box.get("lu")
        if span is not None and lu is not None and lu.arguments is not None and \
                getattr(viol, "_fast", None) is not None:
            done, outcome, t, cum, x, prev, old, s, pending = span.run(
                i_next, t, x, prev, old, s, cum, lu, gate if rule_on else None, auto_pos,
                viol._fast, stats)
            steps += done
            i_next += done
            if outcome == _SPAN_LIMITS:
                viol.check(t, x[:grid.npt], md, ctl)
            if done and wanted[i_next - 1]:
                rec.record(t, x, s, cum, ctl)
                if progress is not None:
                    progress(t, duration_s)
            if outcome not in (_SPAN_HANDBACK, _SPAN_RULE):
                continue
            t_next = float(grid_t[i_next])
        # advance from t to t_next, halving the step where Newton fails
        sub_end = t_next
        halvings = 0
        while t < t_next - 1e-9 * dt_s:
            h = sub_end - t
            inj, hv = boundary(t + h)
            sysm.prepare(h, theta, old, inj, hv)
            if pending is not None:   # solved by the compiled loop, for the rule below
                (x_new, aux), pending = pending, None
            else:
                # predictor: the last step's change, scaled to this step (not across an event)
                guess = x if prev is None else x + (x - prev[0]) * (h / prev[1])
                if not guess[:grid.npt].min() > 0:   # extrapolated through zero: no predictor
                    guess = x
                x_new, aux = _newton(sysm, guess, lu_box, stats)
            if x_new is None and lu_box.get("lu") is not None:
                lu_box["lu"] = None
                x_new, aux = _newton(sysm, x, lu_box, stats)
            if x_new is None or x_new[:grid.npt].min() <= _P_BREAKDOWN:
                halvings += 1
                if halvings > _MAX_HALVINGS:
                    status = "breakdown"
                    message = _breakdown_message(md, grid, x if x_new is None else x_new, t, h)
                    break
                sub_end = t + h / 2
                lu_box["lu"] = None
                continue
            rho_n, q_n, G_n = aux
            p_n, m_n, ms_n = sysm.split(x_new)
            if rule_on and rounds < _RULE_ROUNDS and gate.maybe(p_n, ms_n[auto_pos]):
                # the control rule of the steady model on the new state: an automatic
                # regulator or station that switches makes the step be solved again
                before = ctl.mode[auto_sp]
                rule_flows[md.special] = ms_n
                if apply_control_rule(md, ctl, _State(p_n[:md.n], rule_flows), const_dir, auto_sp):
                    rounds += 1
                    for k in np.flatnonzero(ctl.mode[auto_sp] != before):
                        i = auto_sp[k]
                        log.append((t + h, str(md.edge_ids[i]), str(before[k]), str(ctl.mode[i])))
                    sysm.set_states(*edge_states(md, ctl, const_dir))
                    gate.rebuild(ctl, const_dir)
                    viol.modes_changed()
                    lu_box["lu"] = None
                    prev = None
                    continue
            rounds = 0
            ctl.switches[:] = 0
            N_n = q_n - inj            # net flow of pipes and elements into each point
            # held points: the supply that closes the θ-balance (elsewhere the injection)
            s_n = inj.copy()
            hi = sysm.held_idx
            stored = grid.volume[hi] * (rho_n[hi] - old["rho"][hi]) / h
            s_n[hi] = (stored - theta * N_n[hi] - (1 - theta) * old["q"][hi]) / theta
            # supplies sit on the nodes only (interior points take none)
            cum += h * float((theta * s_n[:md.n] + (1 - theta) * s[:md.n]).sum())
            s = s_n
            old = {"rho": rho_n, "q": N_n + s_n, "G": G_n, "m": m_n.copy()}
            prev = (x, h)
            x = x_new
            t = t + h
            steps += 1
            viol.check(t, p_n, md, ctl)
            if abs(t - sub_end) < 1e-9 * dt_s:
                sub_end = t_next
        if status != "completed":
            break
        t = t_next
        if wanted[i_next]:
            rec.record(t, x, s, cum, ctl)
            if progress is not None:
                progress(t, duration_s)
        i_next += 1
    if status != "completed":
        rec.record(t, x, s, cum, ctl)

    options_used = {
        "friction": friction if isinstance(friction, str) else type(friction).__name__,
        "eos": eos if isinstance(eos, str) else type(eos).__name__,
        "temperature_k": md.T, "gas_constant": md.R, "normal_density": md.rho_n,
        "dt_s": dt_s, "duration_s": duration_s, "output_dt_s": out_s,
        "points": grid.npt, "segments": grid.ns, "unknowns": sysm.N, **asdict(opts),
    }
    final = {"x": x.copy(), "supply": s.copy(), "held": held_node.copy(),
             "held_value": np.where(held_node, boundary(t)[1][:md.n], np.nan),
             "mode": ctl.mode.copy(), "setpoint": ctl.setpoint.copy(), "value": ctl.value.copy(),
             "automatic": ctl.auto.copy(), "direction": const_dir.copy(),
             "nodes": list(md.node_ids), "edges": list(md.edge_ids), "dx_max": opts.dx_max,
             "time_s": t}
    res = rec.result(status, message, viol.table(), steps, stats, options_used, final)
    object.__setattr__(res, "control_log", pd.DataFrame(
        log, columns=["time_s", "element", "from_mode", "to_mode"]))
    return res


# --------------------------------------------------------------------------------------
# helpers of simulate_transient
# --------------------------------------------------------------------------------------
def _steady_start(md, grid, sysm, initial, held_value0, stats) -> np.ndarray:
    """The discrete steady state on the grid that matches the initial steady result."""
    x = _initial_guess(md, grid, sysm, initial)
    held0 = np.zeros(grid.npt, dtype=bool)
    held0[:md.n] = np.isfinite(held_value0)
    hv_init = np.zeros(grid.npt)
    hv_init[:md.n] = np.nan_to_num(held_value0)
    inj_init = np.zeros(grid.npt)
    inj_result = initial.nodes["inflow_kg_s"].reindex(md.node_ids).to_numpy(float)
    inj_init[:md.n] = np.where(held0[:md.n], 0.0, np.nan_to_num(inj_result))
    sysm.set_held(held0)
    sysm.prepare(None, 1.0, None, inj_init, hv_init)
    x, aux = _newton(sysm, x, {}, stats, full=True)
    if x is None:
        raise NotConverged("transient: the initial steady state could not be reproduced on the "
                           "pipe grid (Newton did not converge from the initial result)")
    return x


def _check_saved(md: NetworkModel, initial, opts) -> None:
    """A saved transient state fits only the same network on the same grid."""
    st = initial.final_state
    if not st:
        raise InputError("initial: this TransientResult keeps no final state")
    if st["nodes"] != list(md.node_ids) or st["edges"] != list(md.edge_ids):
        raise InputError("initial: the saved transient state belongs to another network")
    if st["dx_max"] != opts.dx_max:
        raise InputError(f"initial: the saved state is on a grid with dx_max = {st['dx_max']:g} m; "
                         f"continue with TransientOptions(dx_max={st['dx_max']:g})")


def _check_initial(md: NetworkModel, initial) -> None:
    """The initial state must be a steady result of this network."""
    nodes = getattr(initial, "nodes", None)
    edges = getattr(initial, "edges", None)
    if not isinstance(nodes, pd.DataFrame) or not isinstance(edges, pd.DataFrame):
        raise InputError(f"initial must be a SteadyResult of linepack.simulate "
                         f"(got {type(initial).__name__})")
    for tab, ids, cols, what in ((nodes, md.node_ids, ("p_bar", "p_fixed_bar", "inflow_kg_s"), "node"),
                                 (edges, md.edge_ids, ("m_kg_s", "mode"), "connection")):
        missing = [c for c in cols if c not in tab.columns]
        if missing:
            raise InputError(f"initial: the result has no column {missing[0]!r}")
        absent = ids[~ids.isin(tab.index)]
        if len(absent):
            raise InputError(f"initial: {what} '{absent[0]}' of the network is not in the initial "
                             "result (a result of another network?)")
    p = nodes["p_bar"].reindex(md.node_ids).to_numpy(float)
    bad = np.flatnonzero(~(p > 0))
    if bad.size:
        raise InputError(f"initial: node '{md.node_ids[bad[0]]}' has no positive pressure "
                         f"(got {p[bad[0]]!r} bar)")


def _controls_from(md: NetworkModel, controls, initial, const_dir: np.ndarray):
    """The user's controls with the element states the initial steady state ended with.

    A :class:`~linepack.SteadyResult` carries them (``final_controls``: modes, set points
    as the control rule left them, lowered ones included, which elements stay automatic,
    constant-loss directions); they are taken over exactly, so the first step starts from
    the steady operating point. A result without that table (another object with ``nodes``
    and ``edges``) gives its modes in ``edges.mode``; an active element then holds what the
    result shows (its outlet pressure, ratio or flow), one in bypass keeps the default set
    point of :func:`~linepack.problems.model.resolve_controls` (the table does not show it)."""
    ctl = resolve_controls(md, controls)
    s = md.special
    if s.size == 0:
        return ctl
    table = getattr(initial, "final_controls", None)
    if isinstance(table, pd.DataFrame) and len(table):
        controls_from_final(md, ctl, table, const_dir)
        return ctl
    edges = initial.edges.reindex(md.edge_ids)
    modes = edges["mode"].astype(str).to_numpy()[s]
    for k, i in enumerate(s):
        mode, _, spt = modes[k].partition(":")
        if mode not in ("open", "closed", "active", "bypass", "auto"):
            continue
        ctl.mode[i] = mode
        if mode == "active" and spt:
            ctl.setpoint[i] = spt
            if spt == "p_out":
                ctl.value[i] = float(edges["p_out_bar"].iat[i]) * BAR
            elif spt == "ratio":
                ctl.value[i] = float(edges["ratio"].iat[i])
            elif spt == "flow":
                ctl.value[i] = float(edges["m_kg_s"].iat[i])
    return ctl


def _initial_guess(md, grid, sysm, initial) -> np.ndarray:
    p_node = initial.nodes["p_bar"].reindex(md.node_ids).to_numpy(float) * BAR
    flow = initial.edges["m_kg_s"].reindex(md.edge_ids).to_numpy(float)
    x = np.zeros(sysm.N)
    p = np.zeros(grid.npt)
    p[:md.n] = p_node
    if grid.npt > md.n:
        k = grid.int_pipe
        L = md.length[k]
        w = grid.int_x / L
        p1, p2 = p_node[md.u[k]], p_node[md.v[k]]
        p[md.n:] = np.sqrt(np.maximum(p1 ** 2 * (1 - w) + p2 ** 2 * w, 1.0))
    x[:grid.npt] = p
    x[grid.npt:grid.npt + grid.ns] = flow[grid.pipes][grid.seg_pipe]
    x[grid.npt + grid.ns:] = flow[md.special]
    return x


def _apply_event(md, ctl, table, sysm, const_dir) -> None:
    """Write one time's events into the controls and the system's element states (checked
    as controls are: a missing element or a bad mode or set point is named)."""
    apply_controls(table, md.edge_ids, md.kind, ctl.mode, ctl.setpoint, ctl.value, ctl.auto)
    sysm.set_states(*edge_states(md, ctl, const_dir))


def _check_events(md, ctl, ev) -> None:
    """Apply every event to a scratch copy of the controls, so that a bad one is reported
    before the run starts."""
    scratch = [a.copy() for a in (ctl.mode, ctl.setpoint, ctl.value, ctl.auto)]
    for t, tab in ev:
        try:
            apply_controls(tab, md.edge_ids, md.kind, *scratch)
        except InputError as exc:
            raise InputError(f"events at t = {t:g} s: {exc}") from None


def _check_not_emptied(prof, grid_t, boundary, linepack0: float) -> None:
    """With no held pressure the network is a closed store: a profile whose cumulative net
    withdrawal reaches the initial linepack empties it (no state exists beyond that time)."""
    net = np.array([float(np.sum(boundary(t)[0])) for t in grid_t])
    cum = np.concatenate([[0.0], np.cumsum(np.diff(grid_t) * 0.5 * (net[1:] + net[:-1]))])
    hit = np.flatnonzero(linepack0 + cum <= 0.0)
    if hit.size:
        t = grid_t[int(hit[0])]
        row = int(np.searchsorted(prof.times, t, side="left")) if prof is not None else 0
        raise InputError(
            f"profile: no node holds a pressure, and the net withdrawal empties the network's "
            f"{linepack0:.6g} kg of linepack by t = {t / 3600:.4g} h (profile row "
            f"{min(row, prof.times.size - 1 if prof is not None else 0) + 1}); hold a pressure "
            "at an entry or reduce the withdrawals")


def _breakdown_message(md, grid, x, t, h) -> str:
    p = x[:grid.npt]
    i = int(np.argmin(p))
    where = grid.point_name(md, i)
    return (f"physics breakdown at t = {t / 3600:.4g} h ({t:.6g} s): the time step has no "
            f"solution (tried down to {h:.3g} s); the pressure falls towards zero near {where} "
            f"(last {p[i] / BAR:.4g} bar); results are kept up to t = {t:.6g} s")


class _RuleGate:
    """A cheap necessary condition for :func:`~linepack.problems.model.apply_control_rule`
    to change anything: the rule's float comparisons of the automatic elements, with the
    thresholds their current modes, set points and directions select (computed by
    :meth:`rebuild` after every switch or event), in a few vectorised passes instead of
    the rule's sixty. Each comparison is the rule's own expression, so where the gate says
    no, the rule would return ``False`` and change nothing; where it says maybe, the rule
    is called. (A rule that gains a new trigger must gain it here too; the tests compare
    both on random states.)"""

    def __init__(self, md: NetworkModel, which: np.ndarray, compiled: bool = False):
        self.md, self.s = md, which
        self._loop = jit.compiled(_gate_loop) if compiled and which.size else None
        self.u, self.v = md.u[which], md.v[which]
        self.loss_in, self.loss_out = md.loss_in[which], md.loss_out[which]
        self.tol_f = 1e-6 * md.flow_scale     # as in apply_control_rule
        self.tol_p = 1e-3

    def rebuild(self, ctl, const_dir) -> None:
        md, s, tol_p, tol_f = self.md, self.s, self.tol_p, self.tol_f
        k, mode, spt, val = md.kind[s], ctl.mode[s], ctl.setpoint[s], ctl.value[s]
        inf = np.full(s.size, np.inf)
        act = (mode == "active") & (spt == "p_out")
        reg = act & (k == "controlValve")
        cs = act & (k == "compressorStation")
        # pu − loss_in below / above these: to bypass
        self.a_lo = np.where(reg, val + self.loss_out - tol_p, -inf)
        self.a_hi = np.where(cs, val + self.loss_out + tol_p, inf)
        # reverse flow closes or bypasses; constant-loss resistors flip against their direction
        cr = md.const_resistor[s]
        cd = const_dir[s]
        chk = k == "checkValve"
        neg = reg | cs | (chk & (mode != "closed")) | (cr & (cd > 0))
        pos = cr & (cd < 0)
        self.f_lo = np.where(neg, -tol_f, -inf)
        self.f_hi = np.where(pos, tol_f, inf)
        # bypassed elements with forward flow return to their set point
        byp = mode == "bypass"
        self.b_hi = np.where(byp & (k == "controlValve"), val + tol_p, inf)
        self.b_lo = np.where(byp & (k == "compressorStation"), val - tol_p, -inf)
        # closed check valves reopen when the inlet is higher
        self.c_on = chk & (mode == "closed")
        # stations at a set point that would need more than their largest ratio
        rmax = md.ratio_max[s]
        self.i_ratio = np.flatnonzero(cs & np.isfinite(rmax))
        self.r_max = rmax[self.i_ratio] * (1 + 1e-9)
        self.r_max_all = np.full(s.size, np.inf)
        self.r_max_all[self.i_ratio] = self.r_max

    def maybe(self, p, flow_sp) -> bool:
        """Whether the rule may switch something at pressures ``p`` [Pa] (nodes) and the flows
        of the gate's elements ``flow_sp`` [kg/s]."""
        if self._loop is not None:
            return self._loop(p, flow_sp, self.u, self.v, self.loss_in, self.loss_out, self.a_lo,
                              self.a_hi, self.f_lo, self.f_hi, self.b_lo, self.b_hi, self.c_on,
                              self.r_max_all, self.tol_f, self.tol_p)
        pu, pv, f = p[self.u], p[self.v], flow_sp
        x = pu - self.loss_in
        if np.any((x < self.a_lo) | (x > self.a_hi) | (f < self.f_lo) | (f > self.f_hi)
                  | ((f > self.tol_f) & ((pv > self.b_hi) | (pv < self.b_lo)))):
            return True
        if self.c_on.any() and np.any(self.c_on & (pu > pv + self.tol_p)):
            return True
        if self.i_ratio.size:
            i = self.i_ratio
            den = x[i]
            if not np.all(den > 0):
                return True
            if np.any((pv[i] + self.loss_out[i]) / den > self.r_max):
                return True
        return False


def _gate_loop(p, f, u, v, loss_in, loss_out, a_lo, a_hi, f_lo, f_hi, b_lo, b_hi, c_on, r_max,
               tol_f, tol_p):  # pragma: no cover - runs compiled
    """:meth:`_RuleGate.maybe` as one loop (compiled)."""
    for e in range(f.shape[0]):
        pu = p[u[e]]
        pv = p[v[e]]
        fe = f[e]
        x = pu - loss_in[e]
        if x < a_lo[e] or x > a_hi[e] or fe < f_lo[e] or fe > f_hi[e]:
            return True
        if fe > tol_f and (pv > b_hi[e] or pv < b_lo[e]):
            return True
        if c_on[e] and pu > pv + tol_p:
            return True
        if r_max[e] < np.inf:
            if not x > 0:
                return True
            if (pv + loss_out[e]) / x > r_max[e]:
                return True
    return False


@dataclass
class _State:
    """Node pressures [Pa] and connection flows [kg/s] for the control rule."""
    p: np.ndarray
    flow: np.ndarray


class _Violations:
    """First time each limit is violated: node pressure bounds; station ratios above
    ``ratio_max`` or below 1; regulators whose outlet is above their inlet (their set point is
    kept during the run, which a real regulator could not do)."""

    def __init__(self):
        self.first: dict = {}
        self.lo = self.hi = self.cs = None

    def check(self, t, p, md, ctl):
        pn = p[:md.n]
        # the common case, nothing new: the limits not yet reported, each compared as
        # :meth:`_check` compares it (for the modes of the last :meth:`modes_changed`)
        fast = getattr(self, "_fast", None)
        if fast is not None:
            lo, hi, u, v, r_hi, tol_lo, tol_hi = fast
            if not ((pn < lo) | (pn > hi)).any():
                if u.size == 0:
                    return
                pu, pv = pn[u], pn[v]
                if not ((pv / pu > r_hi) | (pv < pu - tol_lo) | (pv > pu + tol_hi)).any():
                    return
        self._check(t, pn, md, ctl)
        self._fast = self._thresholds(md, ctl)

    def modes_changed(self) -> None:
        """The element modes changed (an event or a switch): the fast test is rebuilt."""
        self._fast = None

    def _thresholds(self, md, ctl):
        """Node bounds not yet violated; per active station or regulator, the largest ratio
        and the pressure tolerances of the limits not yet reported (∞ where none is left)."""
        lo = np.where(self.seen_lo, -np.inf, self.lo)
        hi = np.where(self.seen_hi, np.inf, self.hi)
        cs = self.cs
        active = ctl.mode[cs] == "active"
        r_hi = np.where(active & ~self.seen_cs[0], self.cs_max, np.inf)
        tol_lo = np.where(active & ~self.reg & ~self.seen_cs[1], _P_TOL, np.inf)
        tol_hi = np.where(active & self.reg & ~self.seen_cs[2], _P_TOL, np.inf)
        keep = np.isfinite(r_hi) | np.isfinite(tol_lo) | np.isfinite(tol_hi)
        return (lo, hi, md.u[cs][keep], md.v[cs][keep], r_hi[keep], tol_lo[keep],
                tol_hi[keep])

    def _check(self, t, pn, md, ctl):
        if self.lo is None:
            # the steady results' pressure tolerance (linepack.results.limits, 1e-6 bar): a
            # pressure packed up to a set point equal to the bound is not a violation
            self.lo = np.nan_to_num(md.p_min - _P_TOL, nan=-np.inf)
            self.hi = np.nan_to_num(md.p_max + _P_TOL, nan=np.inf)
            self.seen_lo = np.zeros(md.n, dtype=bool)
            self.seen_hi = np.zeros(md.n, dtype=bool)
        new_lo = (pn < self.lo) & ~self.seen_lo
        new_hi = (pn > self.hi) & ~self.seen_hi
        if new_lo.any() or new_hi.any():
            self.seen_lo |= new_lo
            self.seen_hi |= new_hi
            for idx, lim, bound in ((np.flatnonzero(new_lo), "p_min", md.p_min),
                                    (np.flatnonzero(new_hi), "p_max", md.p_max)):
                for i in idx:
                    self.first[(md.node_ids[i], lim)] = ("node", t, pn[i] / BAR, bound[i] / BAR)
        if self.cs is None:
            # stations (ratio above ratio_max or below 1) and regulators (outlet above inlet:
            # a regulator cannot raise the pressure; the run keeps its set point, see the notes)
            sp_ = md.special
            self.cs = sp_[np.isin(md.kind[sp_], ("compressorStation", "controlValve"))]
            self.cs_max = np.where(md.kind[self.cs] == "compressorStation",
                                   np.nan_to_num(md.ratio_max[self.cs] * (1 + 1e-9), nan=np.inf),
                                   np.inf)
            self.reg = md.kind[self.cs] == "controlValve"
            self.seen_cs = np.zeros((3, self.cs.size), dtype=bool)
        cs = self.cs
        if cs.size == 0:
            return
        active = ctl.mode[cs] == "active"
        ratio = pn[md.v[cs]] / pn[md.u[cs]]
        # outlet below / above the inlet by more than the pressure tolerance of the checks
        lower = pn[md.v[cs]] < pn[md.u[cs]] - _P_TOL
        higher = pn[md.v[cs]] > pn[md.u[cs]] + _P_TOL
        new = np.stack([active & (ratio > self.cs_max), active & ~self.reg & lower,
                        active & self.reg & higher]) & ~self.seen_cs
        if new.any():
            self.seen_cs |= new
            for k in np.flatnonzero(new[0]):
                self.first[(md.edge_ids[cs[k]], "ratio_max")] = (md.kind[cs[k]], t, ratio[k],
                                                                  md.ratio_max[cs[k]])
            for k in np.flatnonzero(new[1]):
                self.first[(md.edge_ids[cs[k]], "ratio < 1")] = (md.kind[cs[k]], t, ratio[k], 1.0)
            for k in np.flatnonzero(new[2]):   # a regulator cannot raise the pressure
                self.first[(md.edge_ids[cs[k]], "p_out > p_in")] = (md.kind[cs[k]], t, ratio[k], 1.0)

    def table(self) -> pd.DataFrame:
        rows = [{"element": k[0], "kind": v[0], "limit": k[1], "first_time_s": v[1],
                 "value": v[2], "bound": v[3]} for k, v in self.first.items()]
        return pd.DataFrame(rows, columns=["element", "kind", "limit", "first_time_s", "value", "bound"])


def _pipe_points(md, grid, record_pipes) -> dict:
    """``{pipe id: (point indices from → to, distances [m])}`` of the pipes to record."""
    if record_pipes is None:
        return {}
    if isinstance(record_pipes, str):
        record_pipes = [record_pipes]
    out = {}
    for pid in record_pipes:
        i = md.edge_ids.get_indexer([str(pid)])[0]
        if i < 0 or not md.is_pipe[i]:
            raise InputError(f"record_pipes: '{pid}' is not a pipe of the network"
                             f"{did_you_mean(str(pid), md.edge_ids[md.is_pipe])}")
        k = int(np.searchsorted(grid.pipes, i))
        segs = np.arange(grid.first_seg[k], grid.last_seg[k] + 1)
        pts = np.concatenate([[grid.start[segs[0]]], grid.end[segs]])
        x = np.concatenate([[0.0], np.cumsum(grid.dx[segs])])
        out[str(pid)] = (pts, x)
    return out


class _Recorder:
    """Keeps the states at the output times only."""

    def __init__(self, md, grid, sysm, out_times, pipe_points=None):
        self.md, self.g, self.sysm = md, grid, sysm
        self.out_times = out_times
        self.rows: list = []
        self.pipe_points = pipe_points or {}
        self.profiles: dict = {k: [] for k in self.pipe_points}

    def record(self, t, x, supply, cum, ctl, force=False):
        md, g, sysm = self.md, self.g, self.sysm
        if self.rows and abs(self.rows[-1][0] - t) < 1e-9:
            return
        p, m, ms = sysm.split(x)
        rho, _ = sysm.density(p)
        f_in = np.zeros(md.m)
        f_out = np.zeros(md.m)
        f_in[g.pipes] = m[g.first_seg]
        f_out[g.pipes] = m[g.last_seg]
        f_in[md.special] = ms
        f_out[md.special] = ms
        lp_pipe = g.pipe_volume @ rho
        pn = p[:md.n]
        power = np.full(md.m, np.nan)
        if md.stations.size:
            cs = md.stations
            power = station_power(md, f_in, pn[md.u], pn[md.v])
            off = ctl.mode[cs] != "active"
            power[cs[off]] = np.nan
        inflow = supply[:md.n].copy()
        for k, (pts, _) in self.pipe_points.items():
            self.profiles[k].append(p[pts] / BAR)
        self.rows.append((t, pn / BAR, inflow, f_in, f_out, lp_pipe, power[md.stations] / 1e6,
                          float(np.dot(g.volume, rho)), float(np.sum(supply)), cum))

    def result(self, status, message, violations, steps, stats, options, final=None):
        md, g = self.md, self.g
        idx = pd.Index([r[0] for r in self.rows], name="time_s")

        def table(k, cols):
            return pd.DataFrame(np.array([r[k] for r in self.rows]).reshape(len(self.rows), len(cols)),
                                index=idx, columns=pd.Index(cols, name="id"))
        lp_total = np.array([r[7] for r in self.rows])
        totals = pd.DataFrame({"linepack_kg": lp_total, "linepack_mcm": lp_total / md.rho_n / 1e6,
                               "net_inflow_kg_s": [r[8] for r in self.rows],
                               "inflow_cumulative_kg": [r[9] for r in self.rows]}, index=idx)
        return TransientResult(
            status, message,
            pressure_bar=table(1, list(md.node_ids)), inflow_kg_s=table(2, list(md.node_ids)),
            flow_in_kg_s=table(3, list(md.edge_ids)), flow_out_kg_s=table(4, list(md.edge_ids)),
            linepack_kg=table(5, list(md.edge_ids[g.pipes])),
            station_power_mw=table(6, list(md.edge_ids[md.stations])),
            totals=totals, violations=violations,
            pipe_pressure_bar={k: pd.DataFrame(np.array(v), index=idx,
                                               columns=pd.Index(self.pipe_points[k][1] / 1e3,
                                                                name="x_km"))
                               for k, v in self.profiles.items()},
            steps=steps,
            newton_iterations=stats["iterations"], factorizations=stats["factorizations"],
            options=options, final_state=final or {})


def _fused_residual(x, npt, ns, start, end, su, sv, F, F1, F2, Fm, c0, c1, c2, rt, transient,
                    v_dt, theta, r_const, inj, held, held_value, sp_code, sp_a, sp_b, sp_q,
                    droop, inertia, c_in, theta_m, old_m, old_G, row_scale_pt, inv_pref,
                    row_scale_sp, out, rho, drho, q, G, G1, G2, Gm, su_, sv_, sm_,
                    derivatives):  # pragma: no cover - runs compiled
    """:meth:`_System._residual_numpy` in one compiled pass, term by term the same
    formulas (the pipe law ``F, F1, F2, Fm`` of the segments given; pressure-loss elements,
    code 2, left at zero for the caller). Fills ``out`` (scaled residual) and the buffers;
    returns max |out| (NaN if any entry is not finite). ``derivatives=False``: the
    residual, ρ, q and G alone (``drho``, ``G1``, ``G2``, ``Gm``, ``su_``, ``sv_``, ``sm_``
    and ``F1``, ``F2``, ``Fm`` untouched)."""
    nsp = su.shape[0]
    # point densities (Z a polynomial in p) and the net flow into each point
    for i in range(npt):
        p = x[i]
        z = c0 + p * (c1 + c2 * p)
        dz = c1 + 2.0 * c2 * p
        rho[i] = p / (z * rt)
        if derivatives:
            drho[i] = (z - p * dz) / (z * z * rt)
        q[i] = 0.0
    for k in range(ns):
        mk = x[npt + k]
        q[end[k]] += mk
        q[start[k]] -= mk
    for e in range(nsp):
        me = x[npt + ns + e]
        q[sv[e]] += me
        q[su[e]] -= me
    norm = 0.0
    bad = False
    for i in range(npt):
        if held[i]:
            r = x[i] - held_value[i]
        elif transient:
            r = v_dt[i] * rho[i] - theta * q[i] + r_const[i]
        else:
            r = -(q[i] + inj[i])
        q[i] += inj[i]
        v = r * row_scale_pt[i]
        out[i] = v
        a = abs(v)
        if a > norm:
            norm = a
        elif not a <= norm:
            bad = True
    # segments: G = F/(p1 + p2) and its partials
    for k in range(ns):
        s = x[start[k]] + x[end[k]]
        gk = F[k] / s
        G[k] = gk
        if derivatives:
            G1[k] = (F1[k] - gk) / s
            G2[k] = (F2[k] - gk) / s
            Gm[k] = Fm[k] / s
        if inertia:
            r = c_in[k] * (x[npt + k] - old_m[k]) - theta_m * gk - (1 - theta_m) * old_G[k]
        else:
            r = -gk
        v = r * inv_pref
        out[npt + k] = v
        a = abs(v)
        if a > norm:
            norm = a
        elif not a <= norm:
            bad = True
    # non-pipe connections
    for e in range(nsp):
        me = x[npt + ns + e]
        c = sp_code[e]
        if c == 0:
            r = x[sv[e]] - sp_a[e] * x[su[e]] - sp_b[e] + droop * me
            if derivatives:
                su_[e], sv_[e], sm_[e] = -sp_a[e], 1.0, droop
        elif c == 1:
            r = me - sp_q[e]
            if derivatives:
                su_[e], sv_[e], sm_[e] = 0.0, 0.0, 1.0
        else:
            r = 0.0
            if derivatives:
                su_[e], sv_[e], sm_[e] = 0.0, 0.0, 0.0
        v = r * row_scale_sp[e]
        out[npt + ns + e] = v
        a = abs(v)
        if a > norm:
            norm = a
        elif not a <= norm:
            bad = True
    return math.nan if bad else norm


# outcome of :func:`_span_loop`
_SPAN_END, _SPAN_LIMITS, _SPAN_HANDBACK, _SPAN_RULE = 0, 1, 2, 3


class _Span:
    """The compiled time loop (:func:`_span_loop`) of one run: what stays fixed over the run,
    and one call over the steps from a grid index to the next stop (output or event time)."""

    def __init__(self, sysm: _System, grid: _Grid, prof, grid_t, inj_fixed, hv_fixed, opts):

        self.kernel = jit.compiled(_span_loop, _isothermal_pipes=_isothermal_pipes,
                                   _quadratic_resistors=_quadratic_resistors,
                                   _fused_residual=_fused_residual, _lu_solve=_lu_solve,
                                   _gate_loop=_gate_loop)
        self.res_arguments = sysm.law_kernel.arguments
        self.sysm, self.g, self.prof, self.grid_t, self.opts = sysm, grid, prof, grid_t, opts
        self.inj_fixed, self.hv_fixed = inj_fixed, hv_fixed
        i0 = np.zeros(0, dtype=np.int64)
        if prof is not None:
            self.hn = prof.node[prof.held].astype(np.int64)
            self.hc = np.flatnonzero(prof.held).astype(np.int64)
            self.in_ = prof.node[~prof.held].astype(np.int64)
            self.ic = np.flatnonzero(~prof.held).astype(np.int64)
        else:
            self.hn = self.hc = self.in_ = self.ic = i0
        self.cand = (np.empty(sysm.N), np.empty(sysm.npt), np.empty(sysm.npt),
                     np.empty(sysm.ns))
        self.no_gate = (False, i0, i0, i0) + (np.zeros(0),) * 8 + (np.zeros(0, dtype=bool),
                                                                   np.zeros(0), 0.0, 0.0)

    def set_stops(self, stop: np.ndarray) -> None:
        """``stop``: the grid indices a span ends at (bool over the grid)."""
        idx = np.flatnonzero(stop)
        self.next_stop = idx[np.searchsorted(idx, np.arange(stop.size))]

    def run(self, i0, t, x, prev, old, s, cum, lu, gate, auto_pos, fast, stats):
        """Steps from grid index ``i0`` to the next stop; returns ``(steps, outcome, t, cum,
        x, prev, old, s, pending)`` with the state after the last step done; ``pending``:
        with ``_SPAN_RULE``, the next step's solution ``(x, (ρ, q, G))`` for the rule."""
        sysm, g, opts = self.sysm, self.g, self.opts
        i1 = int(self.next_stop[i0])
        tab = (_profile_table(self.prof, self.grid_t[i0:i1 + 1], opts.interpolation)
               if self.prof is not None else np.zeros((i1 + 1 - i0, 0)))
        c0, c1, c2 = (float(c) for c in sysm.zpoly)
        fz = (sysm.held, sysm.sp_code, sysm.sp_a, sysm.sp_b, sysm.sp_q, float(sysm.droop),
              sysm.row_scale_pt, 1.0 / sysm.p_ref, sysm.row_scale_sp, c0, c1, c2,
              float(sysm.R * sysm.T))
        if gate is None:
            gate_args = self.no_gate
        else:
            gate_args = (True, auto_pos.astype(np.int64), gate.u, gate.v, gate.loss_in,
                         gate.loss_out, gate.a_lo, gate.a_hi, gate.f_lo, gate.f_hi, gate.b_lo,
                         gate.b_hi, gate.c_on, gate.r_max_all, float(gate.tol_f),
                         float(gate.tol_p))
        x = x.copy()
        xp, hp = (prev[0].copy(), float(prev[1])) if prev is not None else (np.empty_like(x), 1.0)
        old = {k: old[k].copy() for k in ("rho", "q", "G", "m")}
        s = s.copy()
        done, outcome, t, cum, hp, has_prev, its, its_next = self.kernel(
            i0, i1, self.grid_t, float(t), x, xp, hp, prev is not None, old["rho"], old["q"],
            old["G"], old["m"], s, float(cum), self.inj_fixed, self.hv_fixed, tab, self.hn,
            self.hc, self.in_, self.ic, g.volume, g.dx, g.A, float(opts.theta),
            bool(opts.inertia), sysm.md.n, sysm.npt, sysm.ns, sysm._start, sysm._end, sysm._su,
            sysm._sv, sysm.law_arguments, fz, sysm.i_law.astype(np.int64), self.res_arguments,
            lu.arguments, gate_args, fast, float(opts.tol),
            int(opts.max_iter), _CHORD_RATE, _CHORD_MAX, _P_BREAKDOWN, *self.cand)
        stats["iterations"] += its
        pending = None
        if outcome == _SPAN_RULE:
            stats["iterations"] += its_next
            pending = (self.cand[0].copy(), tuple(a.copy() for a in self.cand[1:]))
        return done, outcome, t, cum, x, ((xp, hp) if has_prev else None), old, s, pending


def _span_loop(i0, i1, grid_t, t, x, xp, hp, has_prev, old_rho, old_q, old_G, old_m, s, cum,
               inj_fixed, hv_fixed, tab, hn, hc, in_, ic, volume, dx, area, theta, inertia,
               n_nodes, npt, ns, start, end, su, sv, law, fz, res_idx, res, lu, gate, lim, tol,
               max_iter, chord_rate, chord_max, p_breakdown, guess, rho, q,
               G):  # pragma: no cover - runs compiled
    """The time loop of :func:`simulate_transient` over the grid steps ``i0 … i1`` on the
    current LU factors, compiled (the chord iteration of :func:`_newton`, the predictor, the
    supplies and the cumulative inflow of the loop, term by term the same formulas).

    It stops before a step that needs Python (``_SPAN_HANDBACK``: new factors, a Newton
    failure or damping, a pressure at breakdown), before accepting a step where the
    control-rule gate says *maybe* (``_SPAN_RULE``: the step's solution is left in ``guess``,
    ``rho``, ``q``, ``G`` for the caller to run the rule on and accept), after a step whose
    pressures fail the limits' fast test (``_SPAN_LIMITS``: the caller runs the full check
    at that time), or after step ``i1`` (``_SPAN_END``). The state arrays (``x``, the
    predictor's ``xp``, the old level, ``s``) are updated in place. Returns ``(steps done,
    outcome, t, cum, hp, has_prev, Newton iterations of the steps done, Newton iterations
    of the step left to the caller)``."""
    fa, fb, d, length, zeta, dh, a_stride, mu, re_floor, rt_law, lc0, lc1, lc2, re_tiny, two_g = law
    r_zeta, r_d, rc0, rc1, rc2, r_gas, r_temp = res
    (held, sp_code, sp_a, sp_b, sp_q, droop, row_scale_pt, inv_pref, row_scale_sp, c0, c1, c2,
     rt) = fz
    perm_r, perm_c, lp, li, lx, up, ui, ux, diag_pos, work = lu
    (gate_on, auto_pos, g_u, g_v, loss_in, loss_out, a_lo, a_hi, f_lo, f_hi, b_lo, b_hi, c_on,
     r_max, tol_f, tol_p) = gate
    lo, hi, l_u, l_v, r_hi, tol_lo, tol_hi = lim
    n = x.shape[0]
    nsp = n - npt - ns
    inj = np.empty(npt)
    hv = np.empty(npt)
    v_dt = np.empty(npt)
    r_const = np.empty(npt)
    c_in = np.zeros(ns)
    out = np.empty(n)
    step = np.empty(n)
    drho = np.empty(npt)
    G1 = np.empty(ns)
    G2 = np.empty(ns)
    Gm = np.empty(ns)
    s_u = np.empty(nsp)
    s_v = np.empty(nsp)
    s_m = np.empty(nsp)
    theta_m = theta if inertia else 1.0
    iterations = 0
    done = 0
    for i in range(i0, i1 + 1):
        h = grid_t[i] - t
        # boundary values and the fixed part of the balances (_System.prepare)
        row = i - i0
        for k in range(npt):
            inj[k] = inj_fixed[k]
            hv[k] = hv_fixed[k]
        for k in range(in_.shape[0]):
            inj[in_[k]] = tab[row, ic[k]]
        for k in range(hn.shape[0]):
            hv[hn[k]] = tab[row, hc[k]]
        for k in range(npt):
            v_dt[k] = volume[k] / h
            r_const[k] = -v_dt[k] * old_rho[k] - (1 - theta) * old_q[k] - theta * inj[k]
        if inertia:
            for k in range(ns):
                c_in[k] = dx[k] / area[k] / h
        # predictor: the last step's change, scaled to this step
        if has_prev:
            ratio = h / hp
            positive = True
            for k in range(n):
                guess[k] = x[k] + (x[k] - xp[k]) * ratio
                if k < npt and not guess[k] > 0:
                    positive = False
            if not positive:
                guess[:] = x
        else:
            guess[:] = x
        # chord iteration on the current factors (_newton without refactorisation)
        last = math.inf
        age = 0
        its = 0
        ok = False
        for it in range(max_iter + 1):
            F, F1, F2, Fm = _isothermal_pipes(guess[:npt], start, end, guess[npt:npt + ns], fa,
                                              fb, d, length, zeta, dh, a_stride, mu, re_floor,
                                              rt_law, lc0, lc1, lc2, re_tiny, two_g, False)
            norm = _fused_residual(
                guess, npt, ns, start, end, su, sv, F, F1, F2, Fm, c0, c1, c2, rt, True, v_dt,
                theta, r_const, inj, held, hv, sp_code, sp_a, sp_b, sp_q, droop, inertia, c_in,
                theta_m, old_m, old_G, row_scale_pt, inv_pref, row_scale_sp, out, rho, drho, q,
                G, G1, G2, Gm, s_u, s_v, s_m, False)
            if res_idx.shape[0]:   # pressure-loss elements (as _System._residual_fused)
                rs = _quadratic_resistors(guess[:npt], su, sv, guess[npt + ns:], res_idx, r_zeta,
                                          r_d, rc0, rc1, rc2, r_gas, r_temp)[0]
                for j in range(res_idx.shape[0]):
                    e = res_idx[j]
                    v = rs[j] * row_scale_sp[e]
                    out[npt + ns + e] = v
                    if not np.isfinite(v):
                        norm = math.nan
                    elif abs(v) > norm:
                        norm = abs(v)
            if not np.isfinite(norm):
                break
            if norm <= tol:
                ok = True
                break
            if it == max_iter or norm > chord_rate * last or age >= chord_max:
                break
            last = norm
            _lu_solve(out, perm_r, perm_c, lp, li, lx, up, ui, ux, diag_pos, work, step)
            age += 1
            its += 1
            positive = True
            for k in range(n):
                guess[k] -= step[k]
                if k < npt and not guess[k] > 0:
                    positive = False
            if not positive:
                break
        if not ok:
            return done, _SPAN_HANDBACK, t, cum, hp, has_prev, iterations, its
        p_min = math.inf
        for k in range(npt):
            p_min = min(p_min, guess[k])
        if p_min <= p_breakdown:
            return done, _SPAN_HANDBACK, t, cum, hp, has_prev, iterations, its
        if gate_on:
            flows = guess[npt + ns:][auto_pos]
            if _gate_loop(guess[:npt], flows, g_u, g_v, loss_in, loss_out, a_lo, a_hi, f_lo,
                          f_hi, b_lo, b_hi, c_on, r_max, tol_f, tol_p):
                return done, _SPAN_RULE, t, cum, hp, has_prev, iterations, its
        # accept: supplies at the held points, cumulative inflow, the new old level
        total = 0.0
        for k in range(npt):
            net_k = q[k] - inj[k]
            s_k = inj[k]
            if held[k]:
                stored = volume[k] * (rho[k] - old_rho[k]) / h
                s_k = (stored - theta * net_k - (1 - theta) * old_q[k]) / theta
            if k < n_nodes:
                total += theta * s_k + (1 - theta) * s[k]
            s[k] = s_k
            old_rho[k] = rho[k]
            old_q[k] = net_k + s_k
        cum += h * total
        for k in range(ns):
            old_G[k] = G[k]
            old_m[k] = guess[npt + k]
        xp[:] = x
        x[:] = guess
        hp = h
        has_prev = True
        t = grid_t[i]
        iterations += its
        done += 1
        # the limits' fast test (_Violations.check)
        flag = False
        for k in range(n_nodes):
            if x[k] < lo[k] or x[k] > hi[k]:
                flag = True
        for k in range(l_u.shape[0]):
            pu = x[l_u[k]]
            pv = x[l_v[k]]
            if pv / pu > r_hi[k] or pv < pu - tol_lo[k] or pv > pu + tol_hi[k]:
                flag = True
        if flag:
            return done, _SPAN_LIMITS, t, cum, hp, has_prev, iterations, its
    return done, _SPAN_END, t, cum, hp, has_prev, iterations, 0
