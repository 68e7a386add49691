"""Transit capacity: the largest flow from an entry to an exit with every limit respected.

Method
------
Repeated steady-state simulation with a bracketing search. The scenario's
other nominations (domestic offtakes) are held. The transit flow Q is
withdrawn at the exit and supplied at the entry (when the entry holds a
fixed pressure it supplies Q as the balancing node). A flow is *feasible*
when the simulation converges and violates no limit of
:func:`linepack.results.limits.limit_violations` (the one checker the result, the summary
and the report use): node pressure bounds; station and regulator outlet maximum and inlet
minimum; station ratio and power; regulator pressure-reduction range; flow direction of
active elements; flow bounds.

The search doubles Q until a case is infeasible, then bisects to a relative
width of ``rtol``. The *binding limit* is the constraint violated (or, if the
solver reports no physical solution, the bottleneck it names) just above the
largest feasible flow. Feasibility must be monotone in Q along the bracket for
the answer to be the true maximum, which holds for a transit through a
radial corridor; for meshed networks with switching controls it is the
largest flow found by the search.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import (ArgumentError, Infeasible, InputError, LinepackError, NotConverged,
                             did_you_mean)
from linepack.network.network import Controls, Network, Scenario
from linepack.problems.steady import simulate
from linepack.results.limits import limit_violations, violation_messages
from linepack.units import DAY

__all__ = ["transit_capacity", "CapacityResult", "check_limits"]


@dataclass(frozen=True)
class CapacityResult:
    """Outcome of :func:`transit_capacity`.

    Attributes
    ----------
    max_mcm_d : float
        Largest feasible transit flow. [million normal m³/day, 0 °C]
    max_kg_s : float
        The same in kg/s.
    binding : str
        The limit that binds first above ``max_mcm_d``.
    method : str
        How it was found.
    target_mcm_d : float or None
        The flow asked about, if any.
    target_feasible : bool or None
        Whether the target flow is feasible.
    history : DataFrame
        Every flow tried with its verdict and the violated limit.
    result : SteadyResult
        The simulation at the largest feasible flow.
    """

    max_mcm_d: float
    max_kg_s: float
    binding: str
    method: str
    target_mcm_d: float | None
    target_feasible: bool | None
    history: pd.DataFrame
    result: Any = field(repr=False, default=None)


def check_limits(network: Network, result, tol_bar: float = 1e-6) -> list[str]:
    """Limits a steady-state result violates, most severe first (one line naming each element).

    The messages of :func:`linepack.results.limits.limit_violations`, the one limit checker
    shared with the result's ``violations`` table, the CLI summary and the report.
    """
    table = getattr(result, "violations", None)
    if table is None or tol_bar != 1e-6:
        table = limit_violations(network, result.nodes, result.edges, tol_bar=tol_bar)
    return violation_messages(table)


def transit_capacity(network: Network, scenario: Scenario | None = None, controls: Controls | None = None, *,
                     entry: str, exit: str, target_mcm_d: float | None = None,
                     rtol: float = 1e-4, start_mcm_d: float | None = None, max_solves: int = 80,
                     free_controls: bool = False, time_limit: float = 60.0,
                     **simulate_kwargs: Any) -> CapacityResult:
    """Largest transit flow from ``entry`` to ``exit``; see the module docstring for the method.

    Parameters
    ----------
    network, scenario, controls
        The case; the scenario's other flows are held.
    entry, exit : str
        Node ids. The exit's nomination is replaced by the transit flow.
    target_mcm_d : float, optional
        A flow to judge (e.g. 30.1 mcm/d for 11 bcm/y); a finite number > 0.
    rtol : float
        Relative width of the final bracket.
    start_mcm_d : float, optional
        First flow tried (default: the scenario's exit nomination, else 1 mcm/d).
    free_controls : bool
        Let the operator re-set the stations, regulators and valves at every flow tried: a flow
        is feasible when :func:`linepack.validate_nomination` validates it (``controls`` then
        give only the modes to keep). The bracket's upper end is *proved* infeasible where the
        validation's relaxation proves it; else it is the smallest flow not validated.
    time_limit : float
        Per flow tried, with ``free_controls``. [s]
    **simulate_kwargs
        Passed to :func:`linepack.simulate` (friction, eos, …).

    Notes
    -----
    ``network`` may be a :class:`~linepack.Case`: its network, selected scenario
    (where ``scenario`` is None), controls and options are used.
    """
    from linepack.network.case import unpack_case

    network, scenario, controls, simulate_kwargs = unpack_case(network, scenario, controls,
                                                               simulate_kwargs)
    from linepack.network import arguments as arg

    f = "transit_capacity"
    arg.check_network(f, network)
    arg.check_scenario(f, scenario, required=True)
    controls = arg.check_controls(f, controls, network)
    arg.check_text(f, "entry", entry)
    arg.check_text(f, "exit", exit)
    target_mcm_d = arg.check_number(f, "target_mcm_d", target_mcm_d, lower=0.0, strict=True,
                                    optional=True, unit="mcm/d")
    start_mcm_d = arg.check_number(f, "start_mcm_d", start_mcm_d, lower=0.0, strict=True,
                                   optional=True, unit="mcm/d")
    rtol = arg.check_number(f, "rtol", rtol, lower=0.0, strict=True, upper=0.5)
    max_solves = arg.check_integer(f, "max_solves", max_solves, lower=2)
    time_limit = arg.check_number(f, "time_limit", time_limit, lower=0.0, strict=True, unit="s")
    allowed = ("friction", "eos", "viscosity", "gas", "temperature", "options")
    for k in simulate_kwargs:
        if k not in allowed:
            raise ArgumentError(f"{f}(): unexpected keyword argument {k!r}"
                                f"{did_you_mean(k, allowed)}; the keywords passed on to "
                                f"simulate are {', '.join(allowed)}")
    for nid, what in ((entry, "entry"), (exit, "exit")):
        if nid not in network.nodes.index:
            raise InputError(f"transit {what} '{nid}' is not a node of the network"
                             f"{did_you_mean(nid, network.nodes.index)}")
    if entry == exit:
        raise InputError(f"transit entry and exit are the same node '{entry}'")

    probe = simulate_kwargs.get("gas")
    rho_n = _normal_density(network, scenario, probe)
    to_kg_s = 1e6 * rho_n / DAY
    base = scenario.nodes.copy()
    for nid in (entry, exit):
        if nid not in base.index:
            base.loc[nid] = np.nan
    base["inflow_kg_s"] = base["inflow_kg_s"].fillna(0.0)
    entry_fixed = np.isfinite(base.at[entry, "p_fixed_pa"])
    base_entry = float(base.at[entry, "inflow_kg_s"])
    base_exit = float(-base.at[exit, "inflow_kg_s"])

    def scenario_at(q_kg_s: float) -> Scenario:
        nodes = base.copy()
        nodes.at[exit, "inflow_kg_s"] = -q_kg_s
        if not entry_fixed:
            nodes.at[entry, "inflow_kg_s"] = base_entry + (q_kg_s - base_exit)
        return scenario.evolve(nodes=nodes)

    rows = []
    best = None

    def trial(q_mcm_d: float):
        nonlocal best
        if free_controls:
            from linepack.problems.nomination import validate_nomination

            out = validate_nomination(network, scenario_at(q_mcm_d * to_kg_s), controls,
                                      time_limit=time_limit, **simulate_kwargs)
            named = out.infeasible_limits or out.shortfalls
            if out.feasible:
                why = ""
            elif out.status == "infeasible":
                why = "proved infeasible: " + (named[0][1] if named else "by the relaxation (no limit "
                                               "named within the time)")
            else:
                why = "not validated: " + (named[0][1] if named else (
                    out.violations[0] if out.violations else "no operation found in the time"))
            rows.append({"q_mcm_d": q_mcm_d, "feasible": out.feasible, "limit": why})
            if out.feasible and (best is None or q_mcm_d > best[0]):
                best = (q_mcm_d, out.result)
            return out.feasible, why
        try:
            res = simulate(network, scenario_at(q_mcm_d * to_kg_s), controls, **simulate_kwargs)
        except Infeasible as exc:
            why = exc.detail.get("limit") or f"no physical solution: pressure falls to zero near {exc.bottleneck}"
            rows.append({"q_mcm_d": q_mcm_d, "feasible": False, "limit": why})
            return False, why
        except NotConverged as exc:
            rows.append({"q_mcm_d": q_mcm_d, "feasible": False, "limit": f"not converged ({exc})"})
            return False, f"solver did not converge ({exc})"
        viol = check_limits(network, res)
        rows.append({"q_mcm_d": q_mcm_d, "feasible": not viol, "limit": viol[0] if viol else ""})
        if not viol and (best is None or q_mcm_d > best[0]):
            best = (q_mcm_d, res)
        return not viol, (viol[0] if viol else "")

    q = start_mcm_d or (base_exit / to_kg_s if base_exit > 0 else 1.0)
    ok, why = trial(q)
    lo, hi, hi_why = (q, None, "") if ok else (0.0, q, why)
    n = 1
    while hi is None and n < max_solves:
        q *= 2.0
        ok, why = trial(q)
        n += 1
        if ok:
            lo = q
        else:
            hi, hi_why = q, why
    if hi is None:
        raise LinepackError(f"transit capacity: no limit found up to {q:.4g} mcm/d; is the exit connected "
                            "to the entry, and does the network carry bounds?")
    if lo == 0.0:
        ok0, why0 = trial(1e-6)
        n += 1
        if not ok0:
            raise Infeasible(f"transit capacity: even a zero transit violates a limit: {why0}",
                             bottleneck=why0)
    while (hi - lo) > rtol * max(hi, 1e-9) and n < max_solves:
        mid = 0.5 * (lo + hi)
        ok, why = trial(mid)
        n += 1
        if ok:
            lo = mid
        else:
            hi, hi_why = mid, why
    target_ok = None
    if target_mcm_d is not None:
        target_ok = bool(target_mcm_d <= lo * (1 + 1e-12))
    method = (f"bracketing search (doubling, then bisection to {rtol:g} relative) over {n} steady-state "
              "solves; limits: node pressure bounds, station/regulator outlet and inlet pressure, "
              "ratio, power, pressure reduction, flow bounds")
    if free_controls:
        method = (f"bracketing search (doubling, then bisection to {rtol:g} relative) over {n} nomination "
                  "validations (controls re-set at every flow: relaxation, search over the discrete "
                  "states, exact NLP, check by simulation)")
    return CapacityResult(lo, lo * to_kg_s, hi_why, method, target_mcm_d, target_ok,
                          pd.DataFrame(rows), best[1] if best else None)


def _normal_density(network: Network, scenario: Scenario, gas) -> float:
    from linepack.physics import gas as gas_mod

    if gas is not None and not isinstance(gas, dict):
        return float(gas.normal_density)
    bulk = gas or (scenario.gas if scenario.gas else None) or network.gas
    g = gas_mod.Gas.from_bulk(bulk) if bulk else gas_mod.DEFAULT_GAS
    return float(g.normal_density)
