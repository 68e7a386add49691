"""Path to a transit target: rank candidate steps by capacity gained and by cost.

The question: which steps — restart a station, put a parallel section in service, raise
a pressure rating — lift the transit capacity of a corridor to a target, in which
order, at what cost, and which limit binds after each step?

Method
------
A *candidate* is a small change of the case, written as data (the central-asia case
carries its candidates in ``meta["plan"]["candidates"]``)::

    {"id": "loop-s2", "action": "recommission ...", "capex_musd": {"low": .., "central": ..,
     "high": ..}, "cost_basis": "A_COST_SECTION × 165 km",
     "controls": {"v_cac_loop_x": {"mode": "open"}},            # control entries
     "nodes": {"n1": {"p_max_bar": 60}},                          # network node fields
     "connections": {"cs1": {"p_out_max_bar": 60}},               # network connection fields
     "scenario_nodes": {"n0": {"p_fixed_bar": 60}}}               # scenario entries

Fields ending in ``_bar`` are absolute bar (converted to Pa). The capacity of a case is
:func:`linepack.problems.capacity.transit_capacity` (every node, station and flow limit
held). From the base case:

1. *Screen*: each candidate alone; its capacity gain and capex per unit of gain.
2. *Greedy path*: at each step every remaining candidate is tried on top of the steps
   taken; the one with the lowest central capex per mcm/d gained is taken (``rank="cost"``)
   or the one with the largest gain (``rank="capacity"``); stop when the target is met or
   no candidate adds capacity. Each step records the capacity after it, the cumulative
   capex (low/central/high) and the binding limit.

Greedy order is a heuristic (steps interact: a station helps more once the sections
around it are looped); the screen table shows every candidate's stand-alone effect
beside it. Enumerating every subset is exact but 2ⁿ capacity searches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, did_you_mean
from linepack.network.network import Controls, Network, Scenario
from linepack.physics.compressor import fuel_gas_flow
from linepack.problems.capacity import transit_capacity
from linepack.problems.steady import simulate
from linepack.units import BAR, DAY

__all__ = ["PlanResult", "apply_candidate", "corridor_plan", "transit_plan"]

_CONTROL_VALUE = {"p_out_bar": ("p_out", BAR), "ratio": ("ratio", 1.0), "flow_kg_s": ("flow", 1.0)}


@dataclass(frozen=True)
class PlanResult:
    """Outcome of :func:`transit_plan`.

    Attributes
    ----------
    base_mcm_d : float
        Capacity of the base case. [million normal m³/day, 0 °C]
    base_binding : str
        The limit that binds in the base case.
    target_mcm_d : float
        The target. [million normal m³/day, 0 °C]
    reached : bool
        Whether the path meets the target.
    steps : DataFrame
        One row per step taken: ``step``, ``id``, ``action``, ``capacity_mcm_d`` (after the
        step), ``gain_mcm_d``, ``capex_musd_low|central|high``, cumulative
        ``total_capex_musd_low|central|high``, ``fuel_mcm_d`` and ``fuel_pct`` (station fuel
        when carrying min(target, capacity), NaN unless asked for), ``binding`` (after the
        step), ``cost_basis``.
    screen : DataFrame
        Each candidate alone on the base case: ``id``, ``action``, ``capacity_mcm_d``,
        ``gain_mcm_d``, ``capex_musd_central``, ``musd_per_mcm_d`` (central capex per
        mcm/d gained; ``inf`` without gain), ``binding``.
    method : str
        How it was found.
    network, scenario, controls
        The case after every step taken.
    """

    base_mcm_d: float
    base_binding: str
    target_mcm_d: float
    reached: bool
    steps: pd.DataFrame
    screen: pd.DataFrame
    method: str
    network: Network = field(repr=False, default=None)
    scenario: Scenario = field(repr=False, default=None)
    controls: Controls | None = field(repr=False, default=None)


def _set_fields(table: pd.DataFrame, changes: dict, what: str) -> pd.DataFrame:
    out = table.copy()
    for eid, fields in (changes or {}).items():
        if eid not in out.index:
            raise InputError(f"plan candidate: unknown {what} '{eid}'{did_you_mean(eid, out.index)}")
        for name, value in fields.items():
            col, factor = (name[:-4] + "_pa", BAR) if name.endswith("_bar") else (name, 1.0)
            if col not in out.columns:
                raise InputError(f"plan candidate: {what} '{eid}' has no field '{name}'")
            out.at[eid, col] = float(value) * factor
    return out


def apply_candidate(network: Network, scenario: Scenario, controls: Controls | None,
                    candidate: dict) -> tuple[Network, Scenario, Controls]:
    """The case with one candidate's changes applied (see the module docstring)."""
    net = network
    if candidate.get("nodes"):
        net = net.evolve(nodes=_set_fields(net.nodes, candidate["nodes"], "node"))
    if candidate.get("connections"):
        net = net.evolve(connections=_set_fields(net.connections, candidate["connections"],
                                                 "connection"))
    scn = scenario
    if candidate.get("scenario_nodes"):
        nodes = scn.nodes.copy()
        for nid in candidate["scenario_nodes"]:
            if nid not in nodes.index:
                nodes.loc[nid] = np.nan
        scn = scn.evolve(nodes=_set_fields(nodes, candidate["scenario_nodes"], "scenario node"))
    table = (controls.table.copy() if controls is not None
             else pd.DataFrame(columns=["mode", "setpoint", "value"]))
    for cid, entry in (candidate.get("controls") or {}).items():
        if cid not in net.connections.index:
            raise InputError(f"plan candidate '{candidate.get('id')}': unknown connection "
                             f"'{cid}'{did_you_mean(cid, net.connections.index)}")
        setpoint, value = "", math.nan
        for key, (sp, factor) in _CONTROL_VALUE.items():
            if key in entry:
                setpoint, value = sp, float(entry[key]) * factor
        table.loc[cid, ["mode", "setpoint", "value"]] = [entry["mode"], setpoint, value]
    return net, scn, Controls(table)


def _changes_anything(network, scenario, controls, candidate) -> bool:
    """False when the candidate's control entries are already in force and it changes nothing else."""
    if any(candidate.get(k) for k in ("nodes", "connections", "scenario_nodes")):
        return True
    table = controls.table if controls is not None else pd.DataFrame()
    for cid, entry in (candidate.get("controls") or {}).items():
        if cid not in table.index or str(table.at[cid, "mode"]) != entry["mode"]:
            return True
        for key, (sp, factor) in _CONTROL_VALUE.items():
            if key in entry and not (str(table.at[cid, "setpoint"]) == sp
                                     and math.isclose(float(table.at[cid, "value"]),
                                                      float(entry[key]) * factor)):
                return True
    return False


def transit_plan(network: Network, scenario: Scenario, controls: Controls | None,
                 candidates: list[dict], *, entry: str, exit: str, target_mcm_d: float,
                 rank: str = "cost", rtol: float = 1e-3, max_steps: int | None = None,
                 drive_efficiency: dict | float | None = None,
                 net_calorific_value: float | None = None,
                 **simulate_kwargs: Any) -> PlanResult:
    """Rank candidate steps to a transit target (see the module docstring).

    Parameters
    ----------
    network, scenario, controls
        The base case.
    candidates
        Candidate steps (dicts, see the module docstring); each needs ``id``, ``action``
        and ``capex_musd`` (``low``/``central``/``high``, million USD).
    entry, exit : str
        Transit entry and exit nodes.
    target_mcm_d : float
        Target transit. [million normal m³/day, 0 °C]
    rank : {"cost", "capacity"}
        Greedy choice: least central capex per mcm/d gained, or largest gain.
    rtol : float
        Relative width of each capacity search.
    max_steps : int, optional
        At most this many steps (default: as many as candidates).
    drive_efficiency, net_calorific_value
        With both given, each step also reports the compressor fuel gas when the case
        carries ``min(target, capacity)``: ``fuel_mcm_d`` (0 °C) and ``fuel_pct`` of the
        transit (:func:`linepack.physics.compressor.fuel_gas_flow`; efficiency [-] as one
        number or ``{station id: value}``, calorific value per normal m³ [J/m³]).
    **simulate_kwargs
        Passed to :func:`linepack.simulate` (friction, eos, …).
    """
    if rank not in ("cost", "capacity"):
        raise InputError(f"plan: rank must be 'cost' or 'capacity' (got {rank!r})")
    if not (isinstance(target_mcm_d, (int, float)) and math.isfinite(target_mcm_d)
            and target_mcm_d > 0):
        raise InputError(f"plan: target must be a flow > 0 mcm/d (got {target_mcm_d!r})")
    ids = [c.get("id") for c in candidates]
    if len(set(ids)) != len(ids) or any(not i for i in ids):
        raise InputError("plan: every candidate needs a unique 'id'")
    for c in candidates:
        capex = c.get("capex_musd") or {}
        if not all(isinstance(capex.get(k), (int, float)) for k in ("low", "central", "high")):
            raise InputError(f"plan candidate '{c['id']}': capex_musd needs low, central and "
                             "high (million USD)")

    def capacity(net, scn, ctl):
        cap = transit_capacity(net, scn, ctl, entry=entry, exit=exit, rtol=rtol,
                               **simulate_kwargs)
        return cap.max_mcm_d, cap.binding, cap.max_kg_s / max(cap.max_mcm_d, 1e-12)

    def fuel_at(net, scn, ctl, q_mcm_d, to_kg_s):
        """Fuel [mcm/d, 0 °C] of the active stations when the exit takes q_mcm_d."""
        if drive_efficiency is None or net_calorific_value is None:
            return math.nan
        nodes = scn.nodes.copy()
        if exit not in nodes.index:
            nodes.loc[exit] = np.nan
        nodes.at[exit, "inflow_kg_s"] = -q_mcm_d * to_kg_s
        res = simulate(net, scn.evolve(nodes=nodes), ctl, **simulate_kwargs)
        e = res.edges
        active = (e["kind"] == "compressorStation") & e["mode"].astype(str).str.startswith("active")
        total = 0.0
        for cid in e.index[active.to_numpy()]:
            eta = (drive_efficiency.get(cid, 0.30) if isinstance(drive_efficiency, dict)
                   else drive_efficiency)
            pw = float(e.at[cid, "power_mw"]) * 1e6
            if math.isfinite(pw) and pw > 0:
                total += float(fuel_gas_flow(pw, eta, net_calorific_value)) * DAY / 1e6
        return total

    solves = 0
    base_cap, base_binding, to_kg_s = capacity(network, scenario, controls)
    solves += 1
    live = [c for c in candidates if _changes_anything(network, scenario, controls, c)]
    screen = []
    for c in live:
        cap, why, _ = capacity(*apply_candidate(network, scenario, controls, c))
        solves += 1
        gain = cap - base_cap
        screen.append({"id": c["id"], "action": c["action"], "capacity_mcm_d": cap,
                       "gain_mcm_d": gain, "capex_musd_central": float(c["capex_musd"]["central"]),
                       "musd_per_mcm_d": (float(c["capex_musd"]["central"]) / gain
                                          if gain > rtol * base_cap else math.inf),
                       "binding": why})
    screen_df = pd.DataFrame(screen, columns=["id", "action", "capacity_mcm_d", "gain_mcm_d",
                                              "capex_musd_central", "musd_per_mcm_d", "binding"])
    screen_df = screen_df.sort_values(["musd_per_mcm_d", "gain_mcm_d"],
                                      ascending=[True, False]).reset_index(drop=True)

    case = (network, scenario, controls)
    cap_now, why_now = base_cap, base_binding
    steps, totals = [], {"low": 0.0, "central": 0.0, "high": 0.0}
    remaining = list(live)
    limit = len(remaining) if max_steps is None else max_steps
    while cap_now < target_mcm_d * (1 - 1e-9) and remaining and len(steps) < limit:
        tried = []
        for c in remaining:
            trial = apply_candidate(*case, c)
            cap, why, _ = capacity(*trial)
            solves += 1
            gain = cap - cap_now
            if gain > rtol * cap_now:
                tried.append((c, trial, cap, why, gain))
        if not tried:
            break
        if rank == "cost":
            key = lambda t: (float(t[0]["capex_musd"]["central"]) / t[4], -t[4])  # noqa: E731
        else:
            key = lambda t: (-t[4], float(t[0]["capex_musd"]["central"]))  # noqa: E731
        c, trial, cap, why, gain = min(tried, key=key)
        for k in totals:
            totals[k] += float(c["capex_musd"][k])
        q_fuel = min(target_mcm_d, cap)
        fuel = fuel_at(*trial, q_fuel, to_kg_s)
        steps.append({"step": len(steps) + 1, "id": c["id"], "action": c["action"],
                      "capacity_mcm_d": cap, "gain_mcm_d": gain,
                      **{f"capex_musd_{k}": float(c["capex_musd"][k]) for k in totals},
                      **{f"total_capex_musd_{k}": v for k, v in totals.items()},
                      "fuel_mcm_d": fuel, "fuel_pct": 100.0 * fuel / q_fuel,
                      "binding": why, "cost_basis": c.get("cost_basis", "")})
        case, cap_now, why_now = trial, cap, why
        remaining.remove(c)
    cols = ["step", "id", "action", "capacity_mcm_d", "gain_mcm_d", "capex_musd_low",
            "capex_musd_central", "capex_musd_high", "total_capex_musd_low",
            "total_capex_musd_central", "total_capex_musd_high", "fuel_mcm_d", "fuel_pct",
            "binding", "cost_basis"]
    method = (f"greedy by {'least central capex per mcm/d gained' if rank == 'cost' else 'largest gain'}"
              f" over {len(live)} candidates; capacity by transit_capacity (rtol {rtol:g}); "
              f"{solves} capacity searches")
    return PlanResult(base_cap, base_binding, float(target_mcm_d),
                      bool(cap_now >= target_mcm_d * (1 - 1e-9)), pd.DataFrame(steps, columns=cols),
                      screen_df, method, *case)


def corridor_plan(network: Network, scenario: Scenario, controls: Controls | None, *,
                  target_mcm_d: float | None = None, rank: str = "cost", rtol: float = 1e-3,
                  **simulate_kwargs: Any) -> PlanResult:
    """:func:`transit_plan` with everything taken from a corridor case's ``meta``.

    Reads ``transit_entry``, ``transit_exit``, ``plan.candidates``, the target
    (``transit_target_mcm_d`` unless given), the drivers' efficiency
    (``station_drive_efficiency``) and the gas composition (``gas_composition``, for the
    net calorific value of the fuel, ISO 6976).

    Raises
    ------
    InputError
        The case carries no plan candidates or no transit entry and exit.
    """
    from linepack.physics.gas import Gas

    meta = dict(network.meta or {})
    plan = meta.get("plan") or {}
    entry, exit_ = meta.get("transit_entry"), meta.get("transit_exit")
    if not plan.get("candidates") or not entry or not exit_:
        raise InputError("plan: this case carries no candidate steps (meta.plan.candidates) or no "
                         "transit entry and exit (meta.transit_entry, meta.transit_exit)")
    target = meta.get("transit_target_mcm_d") if target_mcm_d is None else target_mcm_d
    if target is None:
        raise InputError("plan: give a target (this case names none)")
    comp = meta.get("gas_composition")
    ncv = Gas.from_composition(comp).net_calorific_value if comp else None
    eff = meta.get("station_drive_efficiency") or None
    return transit_plan(network, scenario, controls, plan["candidates"], entry=entry, exit=exit_,
                        target_mcm_d=float(target), rank=rank, rtol=rtol,
                        drive_efficiency=eff, net_calorific_value=ncv, **simulate_kwargs)
