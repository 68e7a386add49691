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

Fields ending in ``_bar`` are absolute bar (converted to Pa), ``_mm`` and ``_km`` are
converted to metres. The capacity of a case is
:func:`linepack.problems.capacity.transit_capacity` (every node, station and flow limit
held). From the base case:

1. *Screen*: each candidate alone; its capacity gain and capex per unit of gain.
2. *Greedy path*: at each step every remaining candidate is tried on top of the steps
   taken; the one with the lowest central capex per mcm/d gained is taken (``rank="cost"``),
   the one with the lowest capex plus ``years`` of the added fuel cost per mcm/d gained
   (``rank="lifecycle"``; fuel of the configuration when it carries min(target, capacity),
   undiscounted), or the one with the largest gain (``rank="capacity"``); stop when the
   target is met or
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
from linepack.physics.compressor import DEFAULT_DRIVE_EFFICIENCY, fuel_gas_flow
from linepack.problems.capacity import transit_capacity
from linepack.problems.steady import simulate
from linepack.units import BAR, DAY

__all__ = ["PlanResult", "apply_candidate", "corridor_peak_check", "corridor_plan",
           "stations_needed", "transit_plan"]

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
        step), ``fuel_musd_y`` (its cost per year, with a price), ``ranking_cost_musd`` (the
        cost the ranking used for the step), ``cost_basis``.
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


def _si_field(name: str) -> tuple[str, float]:
    """An edge field name with its unit suffix → (SI column, factor): ``p_max_bar`` →
    (``p_max_pa``, 1e5), ``diameter_mm`` → (``diameter_m``, 1e-3), ``length_km`` →
    (``length_m``, 1e3); other names unchanged."""
    for suffix, si, factor in (("_bar", "_pa", BAR), ("_mm", "_m", 1e-3), ("_km", "_m", 1e3)):
        if name.endswith(suffix):
            return name[: -len(suffix)] + si, factor
    return name, 1.0


def _set_fields(table: pd.DataFrame, changes: dict, what: str) -> pd.DataFrame:
    out = table.copy()
    for eid, fields in (changes or {}).items():
        if eid not in out.index:
            raise InputError(f"plan candidate: unknown {what} '{eid}'{did_you_mean(eid, out.index)}")
        for name, value in fields.items():
            col, factor = _si_field(name)
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
                 fuel_price_usd_per_1000m3: float | None = None, years: float = 10.0,
                 standard_to_normal: float = 273.15 / 293.15,
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
    rank : {"cost", "lifecycle", "capacity"}
        Greedy choice: least central capex per mcm/d gained; least capex + ``years`` × added
        fuel cost per mcm/d gained; or largest gain.
    rtol : float
        Relative width of each capacity search.
    max_steps : int, optional
        At most this many steps (default: as many as candidates).
    drive_efficiency, net_calorific_value
        With both given, each step also reports the compressor fuel gas when the case
        carries ``min(target, capacity)``: ``fuel_mcm_d`` (0 °C) and ``fuel_pct`` of the
        transit (:func:`linepack.physics.compressor.fuel_gas_flow`; efficiency [-] as one
        number or ``{station id: value}``, calorific value per normal m³ [J/m³]).
    fuel_price_usd_per_1000m3, years, standard_to_normal
        Value of fuel per 1000 standard m³ [USD], the years of fuel counted by
        ``rank="lifecycle"`` [a], and the standard (20 °C) to normal (0 °C) volume ratio [-];
        with a price each step also reports ``fuel_musd_y`` (million USD per year).
    **simulate_kwargs
        Passed to :func:`linepack.simulate` (friction, eos, …).
    """
    if rank not in ("cost", "lifecycle", "capacity"):
        raise InputError(f"plan: rank must be 'cost', 'lifecycle' or 'capacity' (got {rank!r})")
    if rank == "lifecycle" and (fuel_price_usd_per_1000m3 is None or drive_efficiency is None
                                or net_calorific_value is None):
        raise InputError("plan: rank='lifecycle' needs a fuel price, the drive efficiency and the "
                         "net calorific value")

    def musd_y(fuel_mcm_d: float) -> float:
        """Fuel cost [million USD per year] of a fuel flow [mcm/d, 0 °C]."""
        if fuel_price_usd_per_1000m3 is None or not math.isfinite(fuel_mcm_d):
            return math.nan
        return fuel_mcm_d / standard_to_normal * 365.0 * 1e3 * fuel_price_usd_per_1000m3 / 1e6
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
            eta = (drive_efficiency.get(cid, DEFAULT_DRIVE_EFFICIENCY) if isinstance(drive_efficiency, dict)
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
    first_round = {}    # the screen is the greedy path's first round: keep its answers
    for c in live:
        cap, why, _ = capacity(*apply_candidate(network, scenario, controls, c))
        first_round[c["id"]] = (cap, why)
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
    cap_now = base_cap
    fuel_now = (fuel_at(*case, min(target_mcm_d, cap_now), to_kg_s) if rank == "lifecycle"
                else math.nan)
    steps, totals = [], {"low": 0.0, "central": 0.0, "high": 0.0}
    remaining = list(live)
    limit = len(remaining) if max_steps is None else max_steps
    while cap_now < target_mcm_d * (1 - 1e-9) and remaining and len(steps) < limit:
        tried = []
        for c in remaining:
            trial = apply_candidate(*case, c)
            if not steps:
                cap, why = first_round[c["id"]]
            else:
                cap, why, _ = capacity(*trial)
                solves += 1
            gain = cap - cap_now
            if gain > rtol * cap_now:
                cost = float(c["capex_musd"]["central"])
                if rank == "lifecycle":
                    extra = fuel_at(*trial, min(target_mcm_d, cap), to_kg_s) - fuel_now
                    cost += years * musd_y(extra)
                tried.append((c, trial, cap, why, gain, cost))
        if not tried:
            break
        if rank in ("cost", "lifecycle"):
            key = lambda t: (t[5] / t[4], -t[4])  # noqa: E731
        else:
            key = lambda t: (-t[4], t[5])  # noqa: E731
        c, trial, cap, why, gain, cost = min(tried, key=key)
        for k in totals:
            totals[k] += float(c["capex_musd"][k])
        q_fuel = min(target_mcm_d, cap)
        fuel = fuel_at(*trial, q_fuel, to_kg_s)
        fuel_now = fuel
        steps.append({"step": len(steps) + 1, "id": c["id"], "action": c["action"],
                      "capacity_mcm_d": cap, "gain_mcm_d": gain,
                      **{f"capex_musd_{k}": float(c["capex_musd"][k]) for k in totals},
                      **{f"total_capex_musd_{k}": v for k, v in totals.items()},
                      "fuel_mcm_d": fuel, "fuel_pct": 100.0 * fuel / q_fuel,
                      "fuel_musd_y": musd_y(fuel), "ranking_cost_musd": cost,
                      "binding": why, "cost_basis": c.get("cost_basis", "")})
        case, cap_now = trial, cap
        remaining.remove(c)
    cols = ["step", "id", "action", "capacity_mcm_d", "gain_mcm_d", "capex_musd_low",
            "capex_musd_central", "capex_musd_high", "total_capex_musd_low",
            "total_capex_musd_central", "total_capex_musd_high", "fuel_mcm_d", "fuel_pct",
            "fuel_musd_y", "ranking_cost_musd", "binding", "cost_basis"]
    how = {"cost": "least central capex per mcm/d gained",
           "lifecycle": f"least central capex + {years:g} years of added fuel cost per mcm/d gained",
           "capacity": "largest gain"}[rank]
    method = (f"greedy by {how}"
              f" over {len(live)} candidates; capacity by transit_capacity (rtol {rtol:g}); "
              f"{solves} capacity searches")
    return PlanResult(base_cap, base_binding, float(target_mcm_d),
                      bool(cap_now >= target_mcm_d * (1 - 1e-9)), pd.DataFrame(steps, columns=cols),
                      screen_df, method, *case)


def corridor_plan(network: Network, scenario: Scenario, controls: Controls | None, *,
                  target_mcm_d: float | None = None, rank: str = "cost", rtol: float = 1e-3,
                  years: float = 10.0, **simulate_kwargs: Any) -> PlanResult:
    """:func:`transit_plan` with everything taken from a corridor case's ``meta``.

    Reads ``transit_entry``, ``transit_exit``, ``plan.candidates``, the target
    (``transit_target_mcm_d`` unless given), the drivers' efficiency
    (``station_drive_efficiency``), the central fuel price (``fuel_price_usd_per_1000m3``)
    and the gas composition (``gas_composition``, for the net calorific value of the fuel,
    ISO 6976).

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
    price = (meta.get("fuel_price_usd_per_1000m3") or {}).get("central")
    return transit_plan(network, scenario, controls, plan["candidates"], entry=entry, exit=exit_,
                        target_mcm_d=float(target), rank=rank, rtol=rtol,
                        drive_efficiency=eff, net_calorific_value=ncv,
                        fuel_price_usd_per_1000m3=price, years=years,
                        standard_to_normal=float(meta.get("standard_to_normal", 273.15 / 293.15)),
                        **simulate_kwargs)


def stations_needed(network: Network, scenario: Scenario, controls: Controls | None,
                    station_candidates: list[dict], *, exit: str, flow_mcm_d: float,
                    ignore_flow_limits: tuple[str, ...] = (),
                    drive_efficiency: dict | float | None = None,
                    net_calorific_value: float | None = None,
                    **simulate_kwargs: Any) -> dict[str, Any]:
    """The fewest stations that carry ``flow_mcm_d`` to ``exit`` with every limit held.

    Every subset of ``station_candidates`` (candidate dicts that switch a station on, see
    :func:`apply_candidate`) is tried, smallest first: a steady-state simulation with the
    exit taking ``flow_mcm_d`` [million normal m³/day, 0 °C] and the limit check of
    :func:`linepack.problems.capacity.check_limits`. ``ignore_flow_limits`` lists
    connections whose flow bounds are dropped (e.g. to ask what one side of a border
    needs on its own).

    Returns
    -------
    dict
        ``feasible`` (bool), ``stations`` (ids of the candidates of the feasible subset of
        the smallest size that burns least fuel, or ``None``), ``alternatives`` (the other
        feasible subsets of that size, least fuel first), ``binding`` (the first limit violated with every station on, when
        none carries it), ``fuel_mcm_d`` (0 °C, of the chosen subset, when efficiency and
        calorific value are given), ``tried`` (subsets simulated).
    """
    from itertools import combinations

    from linepack.errors import LinepackError
    from linepack.problems.capacity import check_limits

    net = network
    if ignore_flow_limits:
        conns = net.connections.copy()
        for cid in ignore_flow_limits:
            if cid not in conns.index:
                raise InputError(f"stations_needed: unknown connection '{cid}'"
                                 f"{did_you_mean(cid, conns.index)}")
            conns.loc[cid, ["flow_min_kg_s", "flow_max_kg_s"]] = np.nan
        net = net.evolve(connections=conns)
    rho_to_kg_s = None
    tried = 0

    def run(subset):
        nonlocal rho_to_kg_s
        case = (net, scenario, controls)
        for c in subset:
            case = apply_candidate(*case, c)
        n_, s_, c_ = case
        if rho_to_kg_s is None:
            from linepack.problems.capacity import _normal_density

            rho_to_kg_s = 1e6 * _normal_density(n_, s_, simulate_kwargs.get("gas")) / DAY
        nodes = s_.nodes.copy()
        if exit not in nodes.index:
            nodes.loc[exit] = np.nan
        nodes.at[exit, "inflow_kg_s"] = -flow_mcm_d * rho_to_kg_s
        try:
            res = simulate(n_, s_.evolve(nodes=nodes), c_, **simulate_kwargs)
        except LinepackError as exc:
            return None, str(exc).split(";")[0]
        viol = check_limits(n_, res)
        return (res if not viol else None), (viol[0] if viol else "")

    found, why_all = [], ""
    for k in range(len(station_candidates) + 1):
        for subset in combinations(station_candidates, k):
            tried += 1
            res, why = run(subset)
            if res is not None:
                found.append((subset, res))
            elif k == len(station_candidates):
                why_all = why
        if found:
            break
    if not found:
        return {"feasible": False, "stations": None, "alternatives": [], "binding": why_all,
                "fuel_mcm_d": math.nan, "tried": tried}
    mine = {cid for c in station_candidates for cid in (c.get("controls") or {})}

    def fuel_of(res) -> float:
        if drive_efficiency is None or net_calorific_value is None:
            return math.nan
        e = res.edges
        active = (e["kind"] == "compressorStation") & e["mode"].astype(str).str.startswith("active")
        total = 0.0
        for cid in e.index[active.to_numpy() & e.index.isin(sorted(mine))]:
            eta = (drive_efficiency.get(cid, DEFAULT_DRIVE_EFFICIENCY) if isinstance(drive_efficiency, dict)
                   else drive_efficiency)
            pw = float(e.at[cid, "power_mw"]) * 1e6
            if math.isfinite(pw) and pw > 0:
                total += float(fuel_gas_flow(pw, eta, net_calorific_value)) * DAY / 1e6
        return total

    # of the smallest feasible subsets, the one that burns least fuel
    ranked = sorted(((fuel_of(res), i, sub) for i, (sub, res) in enumerate(found)),
                    key=lambda t: (t[0] if t[0] == t[0] else 0.0, t[1]))
    fuel, _, subset = ranked[0]
    found = [(sub, None) for _, _, sub in ranked]
    return {"feasible": True, "stations": [c["id"] for c in subset],
            "alternatives": [[c["id"] for c in s] for s, _ in found[1:]], "binding": "",
            "fuel_mcm_d": fuel, "tried": tried}


def corridor_peak_check(case: Any, *, assumptions_note: str = "",
                        **simulate_kwargs: Any) -> pd.DataFrame:
    """Can the corridor carry its peak-day flows, and with which stations running?

    Reads ``case.network.meta["peak_check"]``: a winter ``scenario``, the ``control_sets``
    (route configurations) to test, the ``flows_mcm_d_20c`` to carry ({label: mcm/d of
    20 °C m³}) and the ``border_limit`` connection; the station candidates are the
    ``kind == "station"`` entries of ``meta["plan"]["candidates"]``. For every
    configuration and flow, :func:`stations_needed` is asked twice: with every limit, and
    with the border limit's flow bound dropped (what the upstream side needs on its own).

    ``case`` is a native case (``.network``, ``.scenarios``, ``.controls``).

    Returns
    -------
    DataFrame
        ``control_set``, ``flow``, ``q_mcm_d_20c``, ``feasible``, ``stations``,
        ``fuel_mcm_d_20c``, ``binding``, ``upstream_feasible``, ``upstream_stations``,
        ``upstream_fuel_mcm_d_20c``, ``upstream_binding``.
    """
    from linepack.physics.gas import Gas

    net = case.network
    meta = dict(net.meta or {})
    pc = meta.get("peak_check")
    if not pc:
        raise InputError("peak check: this case carries no meta.peak_check")
    std = float(meta.get("standard_to_normal", 273.15 / 293.15))
    stations = [c for c in (meta.get("plan") or {}).get("candidates", []) if c.get("kind") == "station"]
    comp = meta.get("gas_composition")
    ncv = Gas.from_composition(comp).net_calorific_value if comp else None
    eff = meta.get("station_drive_efficiency") or None
    scn = case.scenarios[pc["scenario"]]
    rows = []
    for cset in pc["control_sets"]:
        ctl = case.control_set(cset)
        for label, q20 in pc["flows_mcm_d_20c"].items():
            row = {"control_set": cset, "flow": label, "q_mcm_d_20c": float(q20)}
            for prefix, ignore in (("", ()), ("upstream_", (pc["border_limit"],))):
                r = stations_needed(net, scn, ctl, stations, exit=meta["transit_exit"],
                                    flow_mcm_d=float(q20) * std, ignore_flow_limits=ignore,
                                    drive_efficiency=eff, net_calorific_value=ncv,
                                    **simulate_kwargs)
                row.update({f"{prefix}feasible": r["feasible"], f"{prefix}stations": r["stations"],
                            f"{prefix}fuel_mcm_d_20c": r["fuel_mcm_d"] / std,
                            f"{prefix}binding": r["binding"]})
            rows.append(row)
    return pd.DataFrame(rows)
