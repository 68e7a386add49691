"""Damped Newton–Raphson on callables; returns a record, knows nothing of gas.

The caller supplies

* ``residual(x) -> (r, aux)``: the scaled residual vector and anything the
  step needs (e.g. partial derivatives computed with it);
* ``step(x, r, aux) -> dx``: the Newton step (typically a sparse solve);
* optionally ``admissible(x) -> bool``: whether an iterate is acceptable
  (e.g. all pressures positive); the line search backtracks until it is;
* optionally ``hopeless(x) -> bool``: after a strongly damped step (shorter than
  or equal to 1/16), whether the iterate shows that no solution is near (e.g. a pressure
  pinned at almost zero); the iteration then stops at once;
* optionally ``path(x, dx, t) -> x(t)``: a curved search path with ``x(0) = x`` and
  ``x'(0) = dx`` (e.g. a step that is linear in some function of the unknowns); default
  the straight line ``x + t·dx``;
* optionally ``floor(x, r, aux) -> ndarray``: per component, the residual that round-off
  alone leaves at ``x`` (in the units of r). An iterate whose every |r_i| is within
  ``max(tol, floor_i)`` is converged: the residual cannot be made smaller in floating
  point, whatever the tolerance asks. Evaluated only when max|r| is already below
  ``options.floor_check`` and above ``tol``.

Globalisation: Armijo backtracking on the merit ½‖r‖² (Nocedal & Wright, *Numerical
Optimization*, 2nd ed., Springer 2006, §3.1 and §11.2) along ``path``. The merit's slope
at t = 0 along the path is that along the Newton direction dx, −‖r‖² for an exact step
(−(1 − η²)‖r‖² at most for an inexact one with relative linear residual η < 1), so small
enough steps always reduce it; where the full step along a curved path fails the test,
the straight full step x + dx is tried before the path is cut back (one residual
evaluation). A failed line search therefore means that the Newton direction itself no
longer reduces the merit at any tried length (a stall), never a wrongly bent direction.
Where the caller's step is not an exact Newton step (a regularised matrix), it need not be
a descent direction: once per run the full step is then taken anyway (a watchdog,
Chamberlain, Powell, Lemarechal & Pedersen, Math. Prog. Study 16, 1982), and the run goes
back to the point before it unless a few steps bring the merit below its value there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["NewtonOptions", "NewtonResult", "newton"]


@dataclass(frozen=True)
class NewtonOptions:
    """Options of :func:`newton`.

    Attributes
    ----------
    tol : float
        Convergence when max |r_i| ≤ tol (r is scaled by the caller).
    max_iter : int
        Largest number of Newton steps.
    armijo : float
        Sufficient-decrease constant.
    min_step : float
        Smallest step length of the line search before giving up.
    stall_step : float
        ``stall_count`` steps in a row shorter than this with the residual falling by
        less than 1 % over them end the iteration as stalled (the usual sign of a case
        with no solution; it saves iterations before the diagnosis). Far from the
        solution a run may need a few very short steps before the full ones (three
        were seen on networks with stations in loops), so one or two are not enough.
    floor_check : float
        Below this max|r| (and above ``tol``) the caller's round-off floor, if given, is
        asked whether the iterate is converged at round-off.
    watchdog : int
        When no step length reduces the merit, the full step is taken once anyway and the
        iteration gets this many steps to bring the merit below its value before it; if it
        does not, the run ends there as a failed line search (0: no such trial).
    """

    tol: float = 1e-10
    max_iter: int = 60
    armijo: float = 1e-4
    min_step: float = 1e-6
    stall_step: float = 1e-2
    stall_count: int = 3
    floor_check: float = 1e-4
    watchdog: int = 6


@dataclass(frozen=True)
class NewtonResult:
    """Outcome of :func:`newton`."""

    x: np.ndarray
    converged: bool
    iterations: int
    residual_norms: list = field(default_factory=list)
    step_lengths: list = field(default_factory=list)
    message: str = ""
    residual: np.ndarray | None = None


def newton(residual: Callable, step: Callable, x0: np.ndarray,
           options: NewtonOptions = NewtonOptions(),
           admissible: Callable[[np.ndarray], bool] | None = None,
           hopeless: Callable[[np.ndarray], bool] | None = None,
           path: Callable[[np.ndarray, np.ndarray, float], np.ndarray] | None = None,
           floor: Callable | None = None) -> NewtonResult:
    """Solve r(x) = 0 by damped Newton steps; see the module docstring."""
    x = np.asarray(x0, dtype=float)   # never modified in place: iterates are new arrays
    r, aux = residual(x)
    norms = [float(np.max(np.abs(r))) if r.size else 0.0]
    steps: list[float] = []
    merit = 0.5 * float(r @ r)
    watch = None       # the state before a non-monotone full step (watchdog), while on trial
    watched = False    # one watchdog trial per run

    def fail(it, message):
        if watch is not None:   # back to the best point before the trial
            wx, wr, _waux, _wm, wit, nn, ns = watch
            return NewtonResult(wx, False, wit, norms[:nn], steps[:ns],
                                message + f" (and a trial of {options.watchdog} non-monotone "
                                "steps did not reduce it either)", wr)
        return NewtonResult(x, False, it, norms, steps, message, r)

    for it in range(1, options.max_iter + 1):
        if norms[-1] <= options.tol:
            return NewtonResult(x, True, it - 1, norms, steps, "converged", r)
        if _at_floor(floor, x, r, aux, norms[-1], options):
            return NewtonResult(x, True, it - 1, norms, steps,
                                "converged at round-off (the residual is within what floating "
                                "point leaves at this solution)", r)
        if not np.all(np.isfinite(r)):
            return fail(it - 1, "residual is not finite")
        dx = step(x, r, aux)
        if not np.all(np.isfinite(dx)):
            return fail(it - 1, "Newton step is not finite")
        t = 1.0
        straight = path is not None   # the straight full step is still to be tried
        while True:
            xn = x + t * dx if path is None else path(x, dx, t)
            trial = _armijo(xn, t, merit, residual, admissible, options.armijo)
            if trial is None and straight:
                straight = False
                xn = x + dx
                trial = _armijo(xn, 1.0, merit, residual, admissible, options.armijo)
            if trial is not None:
                rn, auxn, mn = trial
                break
            t *= 0.5
            if t < options.min_step:
                # No length reduces the merit: the step is no descent direction of it (the
                # caller's matrix may be regularised). Watchdog (Chamberlain et al. 1982):
                # take the full step once anyway and give it a few steps to get below the
                # merit here; else go back here and report the failure.
                xn = x + dx if path is None else path(x, dx, 1.0)
                trial = None
                if not watched and options.watchdog > 0 and (admissible is None or admissible(xn)):
                    trial = _armijo(xn, 1.0, np.inf, residual, None, 0.0)
                if trial is None:
                    return fail(it - 1, "line search failed: no step reduces the residual")
                watch, watched, t = (x, r, aux, merit, it - 1, len(norms), len(steps)), True, 1.0
                rn, auxn, mn = trial
                break
        x, r, aux, merit = xn, rn, auxn, mn
        steps.append(t)
        norms.append(float(np.max(np.abs(r))) if r.size else 0.0)
        if watch is not None:
            if merit <= (1.0 - 2.0 * options.armijo) * watch[3]:
                watch = None           # the trial got below where it started: carry on
            elif it - watch[4] > options.watchdog:
                return fail(it, "line search failed: no step reduces the residual")
            continue
        if hopeless is not None and t <= 1.0 / 16.0 and hopeless(x):
            return fail(it, "stalled: a strongly damped step left an iterate with no "
                            "solution near (a pressure pinned near zero)")
        k = options.stall_count
        if (len(steps) >= k and max(steps[-k:]) < options.stall_step
                and norms[-1] > 0.99 * norms[-1 - k]):
            return fail(it, "stalled: the line search keeps cutting the step and the residual "
                            "no longer falls")
    if norms[-1] <= options.tol or _at_floor(floor, x, r, aux, norms[-1], options):
        return NewtonResult(x, True, options.max_iter, norms, steps, "converged", r)
    return fail(options.max_iter, f"no convergence in {options.max_iter} iterations")


def _armijo(xn, t, merit, residual, admissible, armijo):
    """``(r, aux, merit)`` at ``xn`` if it passes the Armijo test at step length ``t``, else None."""
    if admissible is not None and not admissible(xn):
        return None
    rn, auxn = residual(xn)
    mn = 0.5 * float(rn @ rn)
    if np.isfinite(mn) and mn <= (1.0 - 2.0 * armijo * t) * merit:
        return rn, auxn, mn
    return None


def _at_floor(floor, x, r, aux, norm, options) -> bool:
    """Whether every residual is within the larger of the tolerance and its round-off floor."""
    if floor is None or not options.tol < norm <= options.floor_check:
        return False
    return bool(np.all(np.abs(r) <= np.maximum(options.tol, floor(x, r, aux))))
