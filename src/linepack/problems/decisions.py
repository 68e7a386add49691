"""Default controls from GasLib combined decisions: a bounded search over the allowed states.

GasLib-582 and -4197 ship ``.cdf`` files: decision groups of which exactly one
decision each must be taken (the allowed joint states of a station's valves,
regulators and compressors). Choosing them well is the nomination-validation
problem (a mixed-integer programme, Pfetsch et al. 2015); linepack's default is
a documented heuristic, not an optimiser:

1. take the first decision of every group (single-decision groups are fixed);
2. simulate; a case *scores* 0 when it converges with every limit respected,
   1 + (total violation) when it converges with violations, and 10 when it has
   no solution;
3. coordinate search: for each group with several decisions, in file order, try
   its other decisions with the rest held and keep the best; stop at the first
   score 0, after one pass, or after ``max_solves`` simulations.

A decision fixes which elements are closed, open or bypassed. A regulator or
station that a decision puts in operation (``active``) keeps the automatic rule
of :func:`linepack.simulate` (hold the outlet at its upper bound, or bypass
where that is impossible), because the ``.cdf`` gives no set points; so do
the elements that no decision mentions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import LinepackError
from linepack.network.network import Controls, Network, Scenario

__all__ = ["controls_from_decisions", "choose_decisions", "DecisionChoice"]


def controls_from_decisions(groups: list[dict], choice: list[int], network: Network) -> Controls:
    """Controls for the chosen decision of every group (see the module notes on ``active``)."""
    rows = {}
    for g, k in zip(groups, choice):
        for eid, mode in g["decisions"][k]["controls"].items():
            if eid in network.connections.index and mode != "active":
                rows[eid] = mode
    return Controls(pd.DataFrame([{"id": k, "mode": v} for k, v in rows.items()]) if rows else None)


@dataclass(frozen=True)
class DecisionChoice:
    """Outcome of :func:`choose_decisions`."""

    controls: Controls
    choice: list
    score: float
    solves: int
    result: Any = field(repr=False, default=None)
    error: Exception | None = field(repr=False, default=None)


def _score(network, res) -> float:
    from linepack.problems.capacity import check_limits

    viol = check_limits(network, res)
    if not viol:
        return 0.0
    return 1.0 + float(np.nansum(res.nodes["violation_bar"].to_numpy()))


def choose_decisions(network: Network, scenario: Scenario, groups: list[dict], solve,
                     max_solves: int = 12) -> DecisionChoice:
    """Pick one decision per group by the heuristic of the module docstring.

    Parameters
    ----------
    solve : callable
        ``solve(controls) -> SteadyResult``; raises a LinepackError when the case
        has no solution.
    """
    choice = [0] * len(groups)
    n = 0

    def evaluate(ch):
        nonlocal n
        n += 1
        ctl = controls_from_decisions(groups, ch, network)
        try:
            res = solve(ctl)
        except LinepackError as exc:
            return 10.0, None, exc, ctl
        return _score(network, res), res, None, ctl

    best_score, best_res, best_err, best_ctl = evaluate(choice)
    for gi, g in enumerate(groups):
        if best_score == 0.0 or n >= max_solves:
            break
        for k in range(1, len(g["decisions"])):
            if n >= max_solves:
                break
            trial = list(choice)
            trial[gi] = k
            sc, res, err, ctl = evaluate(trial)
            if sc < best_score:
                choice, best_score, best_res, best_err, best_ctl = trial, sc, res, err, ctl
                if sc == 0.0:
                    break
    return DecisionChoice(best_ctl, choice, best_score, n, best_res, best_err)
