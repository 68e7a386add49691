"""Optimal operation: the least station power (or fuel) that carries a nomination within every limit.

Method
------
1. **Feasible states** from :func:`linepack.validate_nomination` (relaxation, NLP-driven local
   search over the discrete states, exact NLP; see there).
2. **Least power for those states**: the exact NLP of :mod:`linepack.optimization.nlp` with the
   objective "total isentropic shaft power" (λ and Z refreshed to their fixed point).
3. **Fewer stations**: each station in operation that no combined decision and no given control
   sets, least power first, is tried bypassed with the others held; kept where the NLP still
   holds every limit at lower power.
4. **Check by simulation**: the set points become controls, :func:`linepack.simulate` runs under
   them and every limit is checked.

Fuel: a station's drive burns P / (η_drive · LHV) (:func:`linepack.optimization.formulation.fuel_kg_s`;
η_drive as given, else the case's labelled per-station figure (``meta["station_drive_efficiency"]``,
the same one the report and the plan use), else 0.35; LHV = the gas's net calorific value per kg,
else 47 MJ/kg, unless given). ``objective="fuel"`` weighs each station's power by 1/η_drive; with
one η_drive for every station the least-fuel and least-power operations are the same. By default (``fuel_gas=False``) the fuel is
reported, not withdrawn from the gas balance (nominations balance without it). With
``fuel_gas=True`` both the least-power programme and the check by :func:`linepack.simulate`
(``SteadyOptions(fuel_gas=True)``) withdraw it at each station's fuel node (GasLib
``fuelGasVertex``, else the inlet; :mod:`linepack.problems.fuel`), and the largest entry of each
part of the network (or its held node) supplies it.

Steps 1 and 3 are heuristics: the operation found is the least power for the states found, not a
proven global optimum over every state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, LinepackError
from linepack.network.network import Controls, Network, Scenario

__all__ = ["optimize_operation", "OperationResult", "station_table"]

_OBJECTIVES = ("fuel", "power")


@dataclass(frozen=True)
class OperationResult:
    """Outcome of :func:`optimize_operation`.

    Attributes
    ----------
    status : str
        ``"optimal"`` (every limit held by the simulation under ``controls``; least power for the
        states found), ``"infeasible"`` (proved by the relaxation: no operation exists) or
        ``"undecided"``.
    objective : str
    controls, scenario, result
        The operation found, the nomination with its held pressures, its simulation.
    stations : DataFrame
        Per station: ``state``, ``ratio``, ``power_mw``, ``fuel_kg_s``, ``fuel_mcm_d``,
        ``fuel_pct`` (share of the throughput).
    power_mw, fuel_mcm_d, fuel_pct : float
        Totals.
    violations : list of str
    nomination : NominationResult
        The validation the operation started from.
    seconds : float
    drive_efficiency : pandas.Series
        The drive efficiency of each station [-] the fuel figures use (the value given, else the
        case's labelled per-station figure, else the default).
    lhv_j_kg : float
        The fuel's lower heating value [J/kg].
    """

    status: str
    objective: str
    controls: Controls
    scenario: Scenario
    result: Any = field(repr=False)
    stations: pd.DataFrame = field(repr=False)
    power_mw: float
    fuel_mcm_d: float
    fuel_pct: float
    violations: list
    nomination: Any = field(repr=False)
    seconds: float
    drive_efficiency: Any = None
    lhv_j_kg: float = float("nan")


def station_table(network: Network, result, drive_efficiency, lhv_j_kg: float,
                  rho_n: float) -> tuple[pd.DataFrame, float]:
    """Per-station state, ratio, power, drive efficiency and fuel of a simulation; and the
    throughput [kg/s] (the total taken at the exits). ``drive_efficiency``: one number, a
    ``{station id: η}`` dict or Series, or None (:func:`linepack.problems.fuel.station_drive_efficiencies`)."""
    from linepack.optimization.formulation import fuel_kg_s
    from linepack.problems.fuel import station_drive_efficiencies

    e = result.edges[result.edges["kind"] == "compressorStation"]
    if isinstance(drive_efficiency, pd.Series):
        drive_efficiency = drive_efficiency.to_dict()
    eta = station_drive_efficiencies(network, drive_efficiency).reindex(e.index).to_numpy(float)
    drive_efficiency = eta
    state = e["mode"].astype(str).str.split(":", n=1).str[0].to_numpy()
    # a station bypassed or closed draws no power (the result's figure for it is the losses')
    power = np.where(state == "active", np.nan_to_num(e["power_mw"].to_numpy(float)), 0.0)
    fuel = fuel_kg_s(power * 1e6, drive_efficiency, lhv_j_kg)
    inflow = result.nodes["inflow_kg_s"].to_numpy(float)
    through = float(np.sum(np.maximum(-inflow, 0.0)))
    tab = pd.DataFrame({"state": state,
                        "ratio": e["ratio"].to_numpy(float), "power_mw": power,
                        "drive_efficiency": eta, "fuel_kg_s": fuel,
                        "fuel_mcm_d": fuel * 86400.0 / rho_n / 1e6,
                        "fuel_pct": 100.0 * fuel / through if through > 0 else np.nan},
                       index=e.index)
    return tab, through


def optimize_operation(network: Network, scenario: Scenario | None = None, controls: Controls | None = None, *,
                       objective: str = "fuel", time_limit: float = 300.0, margin_bar: float = 0.01,
                       drive_efficiency: float | None = None, lhv_j_kg: float | None = None,
                       fuel_gas: bool = False, friction: Any = None, eos: Any = None, viscosity: Any = None,
                       gas: Any = None, temperature: float | None = None) -> OperationResult:
    """The least station power (fuel) under which a nomination is carried within every limit.

    See the module notes for the method and what in it is heuristic.

    Parameters
    ----------
    objective : "fuel" or "power"
    time_limit : float
        Wall-clock budget [s], > 0.
    drive_efficiency, lhv_j_kg : float, optional
        Station drive efficiency [-] and fuel lower heating value [J/kg] (defaults: module notes).
    fuel_gas : bool
        Withdraw the fuel from the mass balance (module notes); default False.
    controls, margin_bar, friction, eos, viscosity, gas, temperature
        As in :func:`linepack.validate_nomination`.

    Notes
    -----
    ``network`` may be a :class:`~linepack.Case`: its network, selected scenario (where
    ``scenario`` is None), controls and options are used.
    """
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.nlp import NO_VIOLATION, FixedStateNLP, prepare
    from linepack.problems import model, steady
    from linepack.problems.capacity import check_limits
    from linepack.problems.nomination import _controls_and_scenario, validate_nomination

    from linepack.network.case import unpack_case

    t0 = time.perf_counter()
    network, scenario, controls, kw = unpack_case(
        network, scenario, controls, dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas,
                                          temperature=temperature), steady.SIMULATE_DEFAULTS)
    friction, eos, viscosity, gas, temperature = (kw[k] for k in ("friction", "eos", "viscosity", "gas",
                                                                  "temperature"))
    if scenario is None:
        raise InputError("optimize_operation needs a scenario (the nomination)")
    if objective not in _OBJECTIVES:
        raise InputError(f"objective must be one of {', '.join(_OBJECTIVES)} (got {objective!r})")
    if fuel_gas not in (True, False):
        raise InputError(f"fuel_gas must be True or False (got {fuel_gas!r})")
    phys = dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas, temperature=temperature)
    nom = validate_nomination(network, scenario, controls, time_limit=time_limit,
                              margin_bar=margin_bar, **phys)
    physics = model.resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = model.NetworkModel(network, scenario, physics, steady.SteadyOptions())
    prepare(md)
    groups = network.meta.get("combined_decisions") or []
    form = build_formulation(md, groups, None, margin_bar, drive_efficiency, lhv_j_kg)
    etas = pd.Series(form.station_eta, index=md.edge_ids).dropna()
    named = {int(i) for g in groups for d in g["decisions"]
             for i in md.edge_ids.get_indexer(list(d["controls"])) if i >= 0}
    if controls is not None and len(controls.table):
        named |= {int(i) for i in md.edge_ids.get_indexer(controls.table.index) if i >= 0}

    def finish(status, ctl, scn, result, viols):
        if result is not None:
            tab, _ = station_table(network, result, etas, form.lhv, md.rho_n)
        else:
            tab = pd.DataFrame(columns=["state", "ratio", "power_mw", "drive_efficiency", "fuel_kg_s", "fuel_mcm_d",
                                        "fuel_pct"])
        pw = float(tab["power_mw"].sum()) if len(tab) else 0.0
        fm = float(tab["fuel_mcm_d"].sum()) if len(tab) else 0.0
        fp = float(tab["fuel_pct"].sum()) if len(tab) else 0.0
        return OperationResult(status, objective, ctl, scn, result, tab, pw, fm, fp, list(viols), nom,
                               time.perf_counter() - t0, etas, form.lhv)

    if nom.status != "validated" or nom.modes is None:
        status = "infeasible" if nom.status == "infeasible" else "undecided"
        return finish(status, nom.controls, nom.scenario, nom.result, nom.violations)
    fuel = None
    sim_opts = None
    if fuel_gas:
        from linepack.problems.fuel import fuel_nodes

        where = fuel_nodes(network)
        fnode = np.full(md.m, -1, dtype=np.int64)
        pos = md.edge_ids.get_indexer(where.index)
        fnode[pos] = md.node_ids.get_indexer(where.to_numpy())
        fuel = (np.nan_to_num(form.station_eta, nan=1.0), form.lhv, fnode)
        sim_opts = steady.SteadyOptions(fuel_gas=True, drive_efficiency=drive_efficiency,
                                        lhv_j_kg=form.lhv)

    def validated_operation():
        """The validated operation (its simulation redone with the fuel drawn, if asked)."""
        if not fuel_gas:
            return finish("optimal", nom.controls, nom.scenario, nom.result, nom.violations)
        try:
            res = steady.simulate(network, nom.scenario, nom.controls, **phys, options=sim_opts)
            v = check_limits(network, res, tol_bar=1e-6)
        except LinepackError as exc:
            return finish("undecided", nom.controls, nom.scenario, None, [str(exc)])
        return finish("undecided" if v else "optimal", nom.controls, nom.scenario, res, v)
    deadline = t0 + time_limit
    mode = np.asarray(nom.modes, dtype=object).copy()
    p0 = nom.p_bar.reindex(md.node_ids).to_numpy(float)
    m0 = nom.result.edges["m_kg_s"].reindex(md.edge_ids).to_numpy(float)

    # least fuel weighs each station's power by 1/η_drive (normalised to the mean η): with one
    # η for every station it is the least power
    weight = None
    if objective == "fuel" and len(etas):
        w = np.ones(md.m)
        w[md.edge_ids.get_indexer(etas.index)] = float(etas.mean()) / etas.to_numpy(float)
        weight = w if np.ptp(w) > 0 else None

    def least_power(mode, p, m):
        left = deadline - time.perf_counter()
        if left <= 0:
            return None
        try:
            prog = FixedStateNLP(md, mode, margin_bar, p, m, objective="power", max_seconds=left,
                                 fuel=fuel, station_weight=weight)
        except InputError:
            return None
        p2, m2, viol, ok = prog.solve(p, m)
        if not ok or viol > NO_VIOLATION:
            return None
        return _power_w(form, md, mode, p2, m2, weight=weight), p2, m2

    best = least_power(mode, p0, m0)
    if best is None:   # keep the validated operation
        return validated_operation()
    # fewer stations: bypass one at a time, least power first
    # (stations a combined decision or the caller's controls set keep their mode)
    active = [e for e in md.stations if mode[e] == "active" and "bypass" in form.modes[e]
              and e not in named]
    order = sorted(active, key=lambda e: _power_w(form, md, mode, best[1], best[2], only=e,
                                                  weight=weight))
    for e in order:
        trial = mode.copy()
        trial[e] = "bypass"
        got = least_power(trial, best[1], best[2])
        if got is not None and got[0] < best[0] - 1e-3:
            mode, best = trial, got
    _, p, m = best
    ctl, scn = _controls_and_scenario(md, mode, p, m, scenario)
    try:
        result = steady.simulate(network, scn, ctl, **phys, options=sim_opts)
        viols = check_limits(network, result, tol_bar=1e-6)
    except LinepackError:
        return validated_operation()
    if viols:   # the validated operation holds; the cheaper one does not: keep the former
        return validated_operation()
    return finish("optimal", ctl, scn, result, viols)


def _power_w(form, md, mode, p_bar, m, only=None, weight=None) -> float:
    """Total isentropic shaft power of the stations in operation at pressures ``p_bar`` [W]
    (each station's times ``weight[e]`` where a weight by connection is given)."""
    form.refresh(p_bar, m)
    total = 0.0
    for e in ([only] if only is not None else md.stations):
        if mode[e] != "active" or m[e] <= 0:
            continue
        pin = p_bar[md.u[e]] - form.loss_in[e]
        pout = p_bar[md.v[e]] + form.loss_out[e]
        r = max(pout / max(pin, 1e-9), 1.0)
        w = 1.0 if weight is None else float(weight[e])
        total += w * float(form.pw[e] * m[e] * (r ** form.ex[e] - 1.0))
    return total

