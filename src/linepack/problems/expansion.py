"""Least-cost expansion planning: which pipe diameters, routes and stations to build.

The question: of the candidate pipes (a route with a list of diameters, each with a cost per
km) and stations (with a list of sizes, each with a cost per MW), which should be built so
that every demand scenario is carried with every node, station and flow limit held, at the
least annual cost — annualised capital plus operation and maintenance plus the fuel of the
stations?

Method
------
1. *Superset network*: every diameter of every route is a parallel pipe of its own (an
   existing route pipe is replaced by its copies; a new route is added), every candidate
   station stays in place. One :class:`~linepack.problems.model.NetworkModel` and one
   :func:`~linepack.optimization.formulation.build_formulation` per demand scenario: the
   equations :func:`linepack.simulate` solves, with λ(Re) and Z(p) from
   :mod:`linepack.physics` frozen at a reference point. Elements the scenario's controls set
   keep their mode and set point (outlet pressure, ratio or flow); a candidate station is in
   operation (with the candidate's or the scenario's set point) when built, else bypassed.
2. *MINLP* (:mod:`linepack.optimization.expansion`, SCIP): one binary per option; each route
   takes exactly one diameter (or at most one, if optional); the pipe law holds exactly on
   the pipes built; least Σ annual cost + fuel cost. Global optimum for the frozen
   coefficients.
3. *Fixed point*: the coefficients are refreshed at the solution's pressures and flows (every
   copy of a route pipe at the flow the built copy carries) and the MINLP solved again, until
   the design repeats and the built pipes' coefficients move by less than 10⁻³ (at most
   ``max_refresh`` rounds).
4. *Verification*: the design is applied to the case (route diameters set, optional routes
   not built removed, stations not built bypassed) and every scenario is run with
   :func:`linepack.simulate`; a design that violates a limit there is cut off (no-good cut)
   and the MINLP solved again (at most ``max_cuts`` times). A design that fails
   verification is never reported as the answer. A *local check* then simulates every design
   one decision away that could cost less (a safety net: SCIP with its default presolve was
   measured to miss feasible designs here); a cheaper feasible one replaces the programme's
   and the status says ``"feasible"``, not ``"optimal"``.
5. *Cross-check* (``enumerate_designs=True``): every combination of options is simulated and
   costed the same way; where the optimiser's design is verified, the cheapest feasible
   design of the enumeration must cost the same (the CLI prints both).

Annual cost of an option = capex × (CRF + opex share), CRF = r / (1 − (1 + r)^−n) with the
discount rate r and life n; fuel = Σ stations P / (η_drive · LHV) valued at the fuel price
(per 1000 m³ at 20 °C), weighted over the demand scenarios (equal weights).

Limits of the method: with frozen coefficients SCIP's "infeasible" is not a proof that no
design exists (the coefficients of designs far from the reference point are approximate);
such a result is reported as ``status="no design found"`` and the enumeration is the check.

References: Borraz-Sánchez et al. (2016), *INFORMS J. Comput.* 28(4) 645–656; GasModels.jl
network expansion ("ne"); see :mod:`linepack.optimization.expansion`.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, LinepackError, did_you_mean
from linepack.network.network import Controls, Network
from linepack.problems.options import _scaled
from linepack.units import BAR, DAY

__all__ = ["ExpansionResult", "annuity_factor", "compare_expansion", "plan_expansion"]

#: Money unit of the costs: million USD.
_YEAR_S = 365.0 * DAY


def annuity_factor(rate: float, life_years: float) -> float:
    """Capital recovery factor r / (1 − (1 + r)^−n): the annual payment per unit of capex. [1/y]"""
    if not (life_years > 0) or not (rate >= 0):
        raise InputError(f"expansion costs: discount rate must be ≥ 0 and life > 0 "
                         f"(got {rate}, {life_years})")
    return 1.0 / life_years if rate == 0 else rate / (1.0 - (1.0 + rate) ** -life_years)


@dataclass
class ExpansionResult:
    """Outcome of :func:`plan_expansion`.

    Attributes
    ----------
    option : str
        The candidate set's id.
    status : str
        ``"optimal"`` (SCIP proved the optimum of the last programme, and the design passed
        verification), ``"feasible"`` (verified, optimum not proved within the time limit),
        ``"no design found"``.
    design : dict
        Decision id → label of the option built (``"none"`` if nothing).
    choice : dict
        Decision id → option index (−1: none).
    verified : bool
        Every demand scenario simulated with the design holds every limit.
    capex_musd : dict
        ``low``/``central``/``high`` capex of the design [million USD].
    annual_cost_musd : float
        Annualised capex + opex + fuel of the design at ``cost_case`` [million USD per year].
    fuel_cost_musd_y : float
        The fuel part of it.
    table : DataFrame
        One row per demand scenario (the design simulated): ``scenario``, ``factor``,
        ``demand_mcm_d_20c``, ``feasible``, ``binding``, ``p_min_bar``/``p_min_node``
        (lowest pressure at a demand node, absolute), ``power_mw``, ``fuel_mcm_d_20c``,
        ``fuel_pct`` and ``fuel_co2_kt_y`` (the candidate stations), ``case_fuel_mcm_d_20c``
        (every station of the case, whose fuel the objective counts), ``delivered_co2_mt_y``;
        with ``capacity=True`` also ``capacity_bcm_y_20c`` and ``capacity_factor``.
    log : list of dict
        Each MINLP solved: round, design, objective, SCIP status, seconds, and what followed.
    enumeration : DataFrame or None
        Every design (``enumerate_designs=True``), cheapest first: ``design``,
        ``annual_cost_musd``, ``capex_musd_central``, ``fuel_cost_musd_y``, ``feasible``,
        ``binding``.
    seconds : float
    """

    option: str
    status: str
    design: dict
    choice: dict
    verified: bool
    capex_musd: dict
    annual_cost_musd: float
    fuel_cost_musd_y: float
    table: pd.DataFrame
    log: list = field(default_factory=list)
    enumeration: pd.DataFrame | None = None
    seconds: float = 0.0

    @property
    def enumeration_agrees(self) -> bool | None:
        """The enumeration's cheapest feasible design costs what the optimiser's does (to 10⁻⁶
        relative); None without an enumeration."""
        if self.enumeration is None:
            return None
        ok = self.enumeration[self.enumeration["feasible"]]
        if not len(ok):
            return not self.verified
        if not self.verified:
            return False
        best = float(ok["annual_cost_musd"].iloc[0])
        return math.isclose(best, self.annual_cost_musd, rel_tol=1e-6, abs_tol=1e-9)


# --------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------
def _pick(value, case: str, what: str) -> float:
    if isinstance(value, dict):
        if case not in value:
            raise InputError(f"expansion: {what}: no '{case}' value (has {', '.join(value)})")
        value = value[case]
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"expansion: {what}: expected a number (got {value!r})") from None
    if not math.isfinite(x) or x < 0:
        raise InputError(f"expansion: {what}: expected a number ≥ 0 (got {value!r})")
    return x


def _check_costs(value, what: str) -> dict:
    """A cost given as a number or as {low, central, high}: every value a number ≥ 0."""
    vals = value if isinstance(value, dict) else {"low": value, "central": value, "high": value}
    return {k: _pick(v, k, what) for k, v in vals.items()}


@dataclass
class _Decision:
    id: str
    kind: str                    # "route" | "station"
    required: bool
    labels: list                 # per option
    capex: list                  # per option: {low, central, high} [M USD]
    opex_share: float
    # routes
    pipes: list = field(default_factory=list)        # existing pipe ids (replaced by copies)
    new: dict | None = None                          # a new pipe: from_node, to_node, length_m, roughness_m
    diameters_m: list = field(default_factory=list)  # per option
    # stations
    stations: list = field(default_factory=list)
    power_w: list = field(default_factory=list)      # per option (None: as in the network)
    control: dict | None = None


def _decisions(net: Network, cand: dict, costs: dict) -> list[_Decision]:
    conns = net.connections
    out = []
    oid = cand.get("id", "?")
    for r in cand.get("routes", []):
        rid = str(r.get("id", "?"))
        where = f"candidate '{oid}' route '{rid}'"
        ds = r.get("diameters") or []
        if not ds:
            raise InputError(f"expansion: {where}: no diameters given")
        d = _Decision(rid, "route", bool(r.get("required", True)), [], [], 0.0)
        d.opex_share = _pick(r.get("opex_share", costs.get("opex_share_pipe", 0.0)), costs["_case"],
                             f"{where} opex share")
        if r.get("pipes"):
            length_km = 0.0
            for pid in r["pipes"]:
                if pid not in conns.index or conns.at[pid, "kind"] != "pipe":
                    raise InputError(f"expansion: {where}: '{pid}' is not a pipe of the network"
                                     f"{did_you_mean(pid, conns.index[conns['kind'] == 'pipe'])}")
                length_km += float(conns.at[pid, "length_m"]) / 1e3
            d.pipes = list(r["pipes"])
        else:
            for end in ("from_node", "to_node"):
                nid = r.get(end)
                if nid not in net.nodes.index:
                    raise InputError(f"expansion: {where}: {end} '{nid}' is not a node of the network"
                                     f"{did_you_mean(str(nid), net.nodes.index)}")
            length_km = _pick(r.get("length_km"), costs["_case"], f"{where} length_km")
            if length_km <= 0:
                raise InputError(f"expansion: {where}: length_km must be > 0 (got {length_km})")
            d.new = {"from_node": r["from_node"], "to_node": r["to_node"], "length_m": length_km * 1e3,
                     "roughness_m": _pick(r.get("roughness_mm", 0.02), "central",
                                          f"{where} roughness_mm") / 1e3}
        for k, opt in enumerate(ds):
            dmm = _pick(opt.get("diameter_mm"), "central", f"{where} diameter {k} diameter_mm")
            if dmm <= 0:
                raise InputError(f"expansion: {where}: diameter {k}: diameter_mm must be > 0 (got {dmm})")
            d.diameters_m.append(dmm / 1e3)
            d.labels.append(str(opt.get("label") or f"{opt.get('od_mm', dmm):g} mm"))
            if "capex_musd_per_km" in opt:
                per = _check_costs(opt["capex_musd_per_km"], f"{where} diameter {d.labels[-1]} capex_musd_per_km")
                d.capex.append({c: v * length_km for c, v in per.items()})
            else:
                d.capex.append(_check_costs(opt.get("capex_musd"), f"{where} diameter {d.labels[-1]} capex_musd"))
        out.append(d)
    for s in cand.get("stations", []):
        sid = str(s.get("id", "?"))
        where = f"candidate '{oid}' station '{sid}'"
        ids = list(s.get("stations") or [])
        if not ids:
            raise InputError(f"expansion: {where}: no stations named")
        for cid in ids:
            if cid not in conns.index or conns.at[cid, "kind"] != "compressorStation":
                raise InputError(f"expansion: {where}: '{cid}' is not a compressor station of the network"
                                 f"{did_you_mean(cid, conns.index[conns['kind'] == 'compressorStation'])}")
        d = _Decision(sid, "station", bool(s.get("required", False)), [], [], 0.0, stations=ids,
                      control=s.get("control"))
        d.opex_share = _pick(s.get("opex_share", costs.get("opex_share_station", 0.0)), costs["_case"],
                             f"{where} opex share")
        sizes = s.get("sizes") or []
        if not sizes:
            raise InputError(f"expansion: {where}: no sizes given")
        for k, opt in enumerate(sizes):
            mw = _pick(opt.get("power_mw"), "central", f"{where} size {k} power_mw")
            if mw <= 0:
                raise InputError(f"expansion: {where}: size {k}: power_mw must be > 0 (got {mw})")
            d.power_w.append(mw * 1e6)
            d.labels.append(str(opt.get("label") or f"{len(ids)} × {mw:g} MW"))
            if "capex_musd_per_mw" in opt:
                per = _check_costs(opt["capex_musd_per_mw"], f"{where} size {d.labels[-1]} capex_musd_per_mw")
                d.capex.append({c: v * mw * len(ids) for c, v in per.items()})
            else:
                d.capex.append(_check_costs(opt.get("capex_musd"), f"{where} size {d.labels[-1]} capex_musd"))
        out.append(d)
    if not out:
        raise InputError(f"expansion: candidate '{oid}' has no routes and no stations")
    seen = set()
    for d in out:
        for pid in d.pipes + d.stations:
            if pid in seen:
                raise InputError(f"expansion: candidate '{oid}': '{pid}' is in two decisions")
            seen.add(pid)
    return out


def _copy_id(pid: str, k: int, d: _Decision) -> str:
    return f"{pid}@{k}:{d.labels[k]}"


def _superset(net: Network, decs: list[_Decision]) -> tuple[Network, dict]:
    """The network with every candidate diameter as its own pipe; copies: id → (decision, k, key)."""
    conns = net.connections
    drop, rows, copies = [], [], {}
    for d in decs:
        if d.kind != "route":
            continue
        bases = ([(pid, conns.loc[pid].to_dict()) for pid in d.pipes] if d.pipes else
                 [(f"new_{d.id}", {"kind": "pipe", **d.new})])
        drop += d.pipes
        for key, base in bases:
            for k, dm in enumerate(d.diameters_m):
                cid = _copy_id(key, k, d)
                rows.append({**base, "id": cid, "diameter_m": dm})
                copies[cid] = (d, k, key)
    extra = pd.DataFrame(rows).set_index("id")
    new = pd.concat([conns.drop(index=drop), extra.reindex(columns=conns.columns)])
    return net.evolve(connections=new), copies


def _apply(net: Network, ctl: Controls, decs: list[_Decision], choice: dict) -> tuple[Network, Controls]:
    """The case's network and controls with one design built."""
    conns = net.connections.copy()
    table = ctl.table.copy() if ctl is not None else pd.DataFrame(columns=["mode", "setpoint", "value"])
    add = []
    for d in decs:
        k = choice.get(d.id, -1)
        if d.kind == "route":
            if d.pipes:
                if k < 0:
                    conns = conns.drop(index=d.pipes)
                else:
                    conns.loc[d.pipes, "diameter_m"] = d.diameters_m[k]
            elif k >= 0:
                add.append({"id": f"new_{d.id}", "kind": "pipe", **d.new, "diameter_m": d.diameters_m[k]})
        else:
            for cid in d.stations:
                if k < 0:
                    table.loc[cid, ["mode", "setpoint", "value"]] = ["bypass", "", math.nan]
                else:
                    conns.at[cid, "power_max_w"] = d.power_w[k]
                    if d.control:
                        table.loc[cid, ["mode", "setpoint", "value"]] = _control_row(d.control, cid)
    if add:
        conns = pd.concat([conns, pd.DataFrame(add).set_index("id").reindex(columns=conns.columns)])
    return net.evolve(connections=conns), Controls(table)


def _control_row(entry: dict, cid: str) -> list:
    mode = entry.get("mode", "active")
    for key, (sp, f) in {"p_out_bar": ("p_out", BAR), "ratio": ("ratio", 1.0),
                         "flow_kg_s": ("flow", 1.0)}.items():
        if key in entry:
            return [mode, sp, float(entry[key]) * f]
    if mode == "active":
        raise InputError(f"expansion: station '{cid}': an active control needs p_out_bar, ratio or flow_kg_s")
    return [mode, "", math.nan]




# --------------------------------------------------------------------------------------
# the problem
# --------------------------------------------------------------------------------------
def plan_expansion(case: Any, candidates: dict, demand_scenarios: dict | None = None, *,
                   costs: dict | None = None, cost_case: str = "central",
                   enumerate_designs: bool = False, capacity: bool = False, local_check: bool = True,
                   time_limit: float = 120.0, margin_bar: float = 0.0, max_refresh: int = 8, max_cuts: int = 4,
                   **simulate_kwargs: Any) -> ExpansionResult:
    """Least-cost choice of candidate pipes and stations (module notes).

    Parameters
    ----------
    case
        A :class:`linepack.Case` (network, scenarios, controls).
    candidates
        One candidate set::

            {"id": "A", "scenario": "<scenario of the case>",
             "demand_nodes": [...], "balance_entry": None,
             "routes": [{"id": "r1", "pipes": ["<existing pipe>", ...]       # or a new pipe:
                         # "from_node": .., "to_node": .., "length_km": .., "roughness_mm": ..
                         "required": True,
                         "diameters": [{"diameter_mm": 614, "od_mm": 630,   # inner, outer
                                        "capex_musd_per_km": {"low": .., "central": .., "high": ..}}]}],
             "stations": [{"id": "s1", "stations": ["<station>", ...], "required": False,
                           "control": {"mode": "active", "p_out_bar": 74},  # else the scenario's
                           "sizes": [{"power_mw": 16, "capex_musd_per_mw": {...}}]}],
             "fixed_capex_musd": {...}}        # built in every design (e.g. a station that must be)
    demand_scenarios
        Name → factor on the withdrawals of ``demand_nodes`` (the entry ``balance_entry``, if
        given, supplies the difference); default ``{"design": 1.0}``. The design must carry
        every one of them.
    costs
        ``discount_rate``, ``life_years``, ``opex_share_pipe``, ``opex_share_station`` (per
        year, share of capex), ``fuel_price_usd_per_1000m3_20c``, ``drive_efficiency``
        (number or station id → number); each a number or ``{low, central, high}``.
    cost_case
        Which of low/central/high the objective uses.
    enumerate_designs
        Also simulate and cost every combination of options (the cross-check).
    local_check
        After verification, simulate every design one decision away that could cost less; a
        cheaper feasible one replaces the programme's (status ``"feasible"``, noted in ``log``).
    capacity
        Also find the design's capacity: the largest multiple of the demand of
        ``demand_nodes`` (the case's scenario) with every limit held (bisection to 1 %), as
        ``capacity_bcm_y_20c`` and ``capacity_factor`` (× the row's demand) in ``table``.
    time_limit
        SCIP's time limit per programme [s].
    margin_bar
        Pressure margin the programme keeps from every limit [bar].
    **simulate_kwargs
        ``friction``, ``eos``, … as in :func:`linepack.simulate` (used by the programme too).
    """
    from linepack.network.case import Case, unpack_case
    from linepack.optimization.expansion import solve_expansion
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.nlp import prepare
    from linepack.problems import model, steady

    t0 = time.perf_counter()
    if not isinstance(case, Case):
        raise InputError(f"plan_expansion: expected a linepack.Case (got {type(case).__name__})")
    costs = dict(costs or {})
    if cost_case not in ("low", "central", "high"):
        raise InputError(f"plan_expansion: cost_case must be low, central or high (got {cost_case!r})")
    costs["_case"] = cost_case
    net0 = case.network
    sname = candidates.get("scenario") or case.scenario_name
    if sname not in case.scenarios:
        raise InputError(f"expansion: candidate '{candidates.get('id')}': unknown scenario '{sname}'"
                         f"{did_you_mean(str(sname), case.scenarios)}")
    decs = _decisions(net0, candidates, costs)
    rate = _pick(costs.get("discount_rate", 0.08), cost_case, "discount_rate")
    life = _pick(costs.get("life_years", 30.0), cost_case, "life_years")
    crf = annuity_factor(rate, life)
    price = _pick(costs.get("fuel_price_usd_per_1000m3_20c", 0.0), cost_case, "fuel price")
    fixed = _check_costs(candidates.get("fixed_capex_musd", 0.0), "fixed_capex_musd")
    fixed_opex = _pick(candidates.get("fixed_opex_share", costs.get("opex_share_station", 0.0)),
                       cost_case, "fixed opex share")
    demand = list(candidates.get("demand_nodes") or [])
    for nid in demand + ([candidates["balance_entry"]] if candidates.get("balance_entry") else []):
        if nid not in net0.nodes.index:
            raise InputError(f"expansion: candidate '{candidates.get('id')}': unknown node '{nid}'"
                             f"{did_you_mean(str(nid), net0.nodes.index)}")
    dem = dict(demand_scenarios or {"design": 1.0})
    for nm, f in dem.items():
        _pick(f, "central", f"demand scenario '{nm}' factor")
    scn0 = case.scenarios[sname]
    ctl0 = case.controls_for(sname)
    _, _, _, kw = unpack_case(case, scn0, ctl0, dict(simulate_kwargs), steady.SIMULATE_DEFAULTS)
    phys_kw = {k: kw.get(k) for k in ("friction", "eos", "viscosity", "gas", "temperature")}
    sim_kw = {k: v for k, v in kw.items() if v is not None}
    demand_here = [n for n in demand if n in scn0.nodes.index and scn0.nodes.at[n, "inflow_kg_s"] < 0]
    scns = {nm: _scaled(scn0, demand_here, float(f), candidates.get("balance_entry")) for nm, f in dem.items()}
    eff = costs.get("drive_efficiency")
    cs_dec = {cid: d for d in decs if d.kind == "station" for cid in d.stations}

    def annual(choice):
        cap = {c: fixed[c] for c in fixed}
        ann = fixed[cost_case] * (crf + fixed_opex)
        for d in decs:
            k = choice.get(d.id, -1)
            if k >= 0:
                for c in cap:
                    cap[c] += d.capex[k][c]
                ann += d.capex[k][cost_case] * (crf + d.opex_share)
        return cap, ann

    # ---- superset, formulations, pins
    sup, copies = _superset(net0, decs)
    ctl_sup = ctl0
    for d in decs:
        if d.kind == "station" and d.control:
            t = ctl_sup.table.copy()
            for cid in d.stations:
                t.loc[cid, ["mode", "setpoint", "value"]] = _control_row(d.control, cid)
            ctl_sup = Controls(t)
    forms, pins, fuel_cost, mds = [], [], [], []
    for scn in scns.values():
        physics = model.resolve_physics(sup, scn, *(phys_kw[k] for k in ("friction", "eos", "viscosity",
                                                                          "gas", "temperature")))
        md = model.NetworkModel(sup, scn, physics, steady.SteadyOptions())
        prepare(md)
        ec = model.resolve_controls(md, ctl_sup)
        fixed_modes, pin = {}, {}
        for e in md.special:
            cid = md.edge_ids[e]
            mode = ec.mode[e]
            if cid in cs_dec:
                if mode != "active" or ec.setpoint[e] not in ("p_out", "ratio", "flow"):
                    raise InputError(f"expansion: station '{cid}' of candidate '{cs_dec[cid].id}': "
                                     "give it a control (mode active with p_out_bar, ratio or flow_kg_s); "
                                     f"scenario '{sname}' has it {mode or 'without a mode'}")
            elif mode and mode != "auto":
                fixed_modes[int(e)] = mode
            if mode == "active" and ec.setpoint[e] in ("p_out", "ratio", "flow"):
                val = float(ec.value[e])
                pin[int(e)] = (ec.setpoint[e], val / BAR if ec.setpoint[e] == "p_out" else val)
        form = build_formulation(md, [], fixed_modes, margin_bar)
        for cid in cs_dec:
            e = int(md.edge_ids.get_loc(cid))
            form.modes[e] = ("active", "bypass")
            form.power_max[e] = max(cs_dec[cid].power_w)
        fc = np.zeros(md.m)
        for e in md.stations:
            cid = md.edge_ids[e]
            eta = (eff.get(cid) if isinstance(eff, dict) else eff) or form.drive_efficiency
            eta = _pick(eta, cost_case, f"drive efficiency of '{cid}'")
            # W → kg/s → normal m³/s → m³ (20 °C)/s → USD per year → M USD per year
            std = float((net0.meta or {}).get("standard_to_normal", 273.15 / 293.15))
            fc[e] = 1.0 / (eta * form.lhv) / md.rho_n / std * _YEAR_S * price / 1e3 / 1e6
        forms.append(form)
        pins.append(pin)
        fuel_cost.append(fc)
        mds.append(md)

    # ---- decisions in positions
    pos = {cid: i for i, cid in enumerate(mds[0].edge_ids)}
    by_key = {}
    for cid, (d, k, key) in copies.items():
        by_key.setdefault((d.id, key), {})[k] = pos[cid]
    prog = []
    for d in decs:
        opts = []
        for k in range(len(d.labels)):
            o = {"cost": d.capex[k][cost_case] * (crf + d.opex_share)}
            if d.kind == "station":
                o["stations"] = [pos[c] for c in d.stations]
                o["power_w"] = d.power_w[k]
            opts.append(o)
        pipes = [[ks[k] for k in range(len(d.labels))] for (did, _), ks in by_key.items() if did == d.id]
        prog.append({"id": d.id, "required": d.required, "options": opts, "pipes": pipes})

    # ---- simulate and cost a design (verification and enumeration)
    lhv, rho_n = forms[0].lhv, mds[0].rho_n
    std = float((net0.meta or {}).get("standard_to_normal", 273.15 / 293.15))
    comp = (net0.meta or {}).get("gas_composition")
    co2 = _co2_factor(_gas_of(comp) if comp else mds[0].gas)

    def evaluate(choice):
        net, ctl = _apply(net0, ctl0, decs, choice)
        rows, fuel_musd = [], 0.0
        for (nm, scn), fc_s in zip(scns.items(), fuel_cost):
            row = {"scenario": nm, "factor": float(dem[nm]), "feasible": False, "binding": "",
                   "demand_mcm_d_20c": -float(scn.nodes.loc[demand_here, "inflow_kg_s"].sum())
                   * DAY / rho_n / 1e6 / std,
                   "p_min_bar": math.nan, "p_min_node": "", "power_mw": math.nan,
                   "fuel_mcm_d_20c": math.nan, "fuel_pct": math.nan, "fuel_co2_kt_y": math.nan,
                   "delivered_co2_mt_y": math.nan, "case_fuel_mcm_d_20c": math.nan}
            try:
                res = steady.simulate(net, scn, ctl, **sim_kw)
            except LinepackError as exc:
                row["binding"] = str(exc).split(";")[0]
                rows.append(row)
                fuel_musd = math.inf
                continue
            from linepack.problems.capacity import check_limits

            viol = check_limits(net, res)
            row["feasible"], row["binding"] = not viol, (viol[0] if viol else "")
            if demand_here:
                p = res.nodes.loc[demand_here, "p_bar"]
                row["p_min_bar"], row["p_min_node"] = float(p.min()), str(p.idxmin())
            e = res.edges
            act = e.index[(e["kind"] == "compressorStation") & e["mode"].astype(str).str.startswith("active")]
            pw = e.loc[act, "power_mw"].astype(float).clip(lower=0).fillna(0.0)

            def fuel_n_of(ids, pw=pw):                         # normal mcm/d
                return sum(float(pw[c]) * 1e6 / (_eta(eff, c, cost_case, forms[0]) * lhv)
                           for c in ids) / rho_n * DAY / 1e6
            own = [c for c in act if c in cs_dec]
            fuel_n = fuel_n_of(own)
            row["power_mw"] = float(pw[own].sum())
            row["fuel_mcm_d_20c"] = fuel_n / std
            row["case_fuel_mcm_d_20c"] = fuel_n_of(act) / std
            row["fuel_pct"] = (100.0 * fuel_n / (row["demand_mcm_d_20c"] * std)
                               if row["demand_mcm_d_20c"] else math.nan)
            row["fuel_co2_kt_y"] = fuel_n * 1e6 * co2 * 365 / 1e6
            row["delivered_co2_mt_y"] = row["demand_mcm_d_20c"] * std * 1e6 * co2 * 365 / 1e9
            fuel_musd += sum(float(pw[c]) * 1e6 * fc_s[pos[c]] for c in act if c in pos) / len(scns)
            rows.append(row)
        return pd.DataFrame(rows), fuel_musd

    # ---- reference point: the case's own design, simulated
    p_ref, q_ref = [], []
    key_flow = [{} for _ in scns]
    for s, scn in enumerate(scns.values()):
        md, form = mds[s], forms[s]
        p = 0.5 * (np.maximum(form.p_lo, 1.0) + form.p_hi)
        q = np.zeros(md.m)
        total = max(-float(scn.nodes.loc[demand_here, "inflow_kg_s"].sum()) if demand_here else 0.0,
                    float(np.sum(np.maximum(md.inj, 0.0))), 1.0)
        for _d, _k, key in copies.values():
            key_flow[s][key] = total
        try:
            res = steady.simulate(net0, scn, ctl0, **sim_kw)
            p = res.nodes["p_bar"].reindex(md.node_ids).to_numpy(float)
            p = np.where(np.isfinite(p), p, 0.5 * (np.maximum(form.p_lo, 1.0) + form.p_hi))
            m = res.edges["m_kg_s"]
            for cid in md.edge_ids:
                if cid in m.index:
                    q[pos[cid]] = float(m[cid])
            for _d, _k, key in copies.values():
                if key in m.index and abs(float(m[key])) > 0:
                    key_flow[s][key] = abs(float(m[key]))
        except LinepackError:
            pass
        p_ref.append(p)
        q_ref.append(q)

    def refresh():
        ks = []
        for s in range(len(forms)):
            q = q_ref[s].copy()
            for cid, (_d, _k, key) in copies.items():
                q[pos[cid]] = key_flow[s][key]
            forms[s].refresh(p_ref[s], q)
            ks.append(forms[s].k.copy())
        return ks

    log, cuts = [], []
    design, status, table, fuel_musd = None, "no design found", None, math.nan
    prev, ks_prev, refreshes = None, None, 0
    for rounds in range(1, max_refresh + 2 * (max_cuts + 1) + 1):
        ks = refresh()
        sol = solve_expansion(forms, prog, pins=pins, fuel_cost=fuel_cost, time_limit=time_limit,
                              exclude=cuts)
        entry = {"round": rounds, "scip_status": sol.status, "seconds": round(sol.seconds, 2),
                 "objective_musd_y": sol.objective, "design": None, "then": ""}
        log.append(entry)
        if not sol.has_solution:
            entry["then"] = "no design with the frozen coefficients"
            el = solve_expansion(forms, prog, pins=pins, fuel_cost=fuel_cost, time_limit=time_limit,
                                 exclude=cuts, elastic=True)
            if not el.has_solution:
                entry["then"] += ("; with every limit relaxed (λ and Z frozen) still none: the demand "
                                  "exceeds what the candidates carry at any pressure")
            elif el.slacks:
                names = list(scns)
                entry["then"] += ("; limits no design holds: " + "; ".join(
                    f"{lab} by {a:.3g} (scenario {names[s_]})" for a, s_, lab in el.slacks[:3]))
            break
        choice = dict(sol.choice)
        entry["design"] = _labels(decs, choice)
        # the solution is the next reference point (each route copy at its built copy's flow)
        for s in range(len(forms)):
            p_ref[s], q_ref[s] = sol.p_bar[s], sol.q[s]
            flow = {}
            for cid, (_d, _k, key) in copies.items():
                flow[key] = flow.get(key, 0.0) + abs(float(sol.q[s][pos[cid]]))
            for key, f in flow.items():
                if f > 0:
                    key_flow[s][key] = f
        built_law = np.array([j for j, e in enumerate(forms[0].law)
                              if not (mds[0].edge_ids[e] in copies
                                      and choice.get(copies[mds[0].edge_ids[e]][0].id, -1)
                                      != copies[mds[0].edge_ids[e]][1])], dtype=np.int64)
        moved = math.inf
        if ks_prev is not None:
            moved = max((float(np.max(np.abs(k1[built_law] - k0[built_law])
                                      / np.maximum(np.abs(k0[built_law]), 1e-300)))
                         if built_law.size else 0.0) for k0, k1 in zip(ks_prev, ks))
        ks_prev = ks
        if (choice != prev or moved > 1e-3) and refreshes < max_refresh:
            refreshes += 1
            prev = choice
            entry["then"] = "refresh the coefficients at this solution"
            continue
        table, fuel_musd = evaluate(choice)
        if bool(table["feasible"].all()):
            design = choice
            status = "optimal" if sol.status in ("optimal", "gaplimit") else "feasible"
            entry["then"] = "verified by simulate"
            break
        entry["then"] = f"fails verification ({next((b for b in table['binding'] if b), 'limit')}): cut off"
        cuts.append(choice)
        if len(cuts) > max_cuts:
            break
        prev, ks_prev = None, None
    if design is not None and local_check:
        # safety net: a design one decision away with a lower cost that simulate carries means
        # SCIP missed it (measured with SCIP's default presolve; see optimization.expansion)
        improved = True
        while improved:
            improved = False
            total = annual(design)[1] + fuel_musd
            for d in decs:
                for k in range(-1 if not d.required else 0, len(d.labels)):
                    ch = {**design, d.id: k}
                    if k == design.get(d.id, -1) or annual(ch)[1] >= total - 1e-9:
                        continue
                    tab, fm = evaluate(ch)
                    if bool(tab["feasible"].all()) and annual(ch)[1] + fm < total - 1e-9:
                        log.append({"round": len(log) + 1, "scip_status": "", "seconds": 0.0,
                                    "objective_musd_y": annual(ch)[1] + fm, "design": _labels(decs, ch),
                                    "then": "local check: cheaper than the programme's design and "
                                            "verified by simulate (the programme missed it)"})
                        design, table, fuel_musd, status = ch, tab, fm, "feasible"
                        improved = True
                        break
                if improved:
                    break
    if design is not None and capacity:
        cap_abs = _capacity(net0, ctl0, decs, design, scn0, demand_here, candidates.get("balance_entry"),
                            sim_kw, rho_n, std)
        table["capacity_bcm_y_20c"] = cap_abs
        table["capacity_factor"] = cap_abs / (table["demand_mcm_d_20c"] * 365 / 1e3)
    enum = None
    if enumerate_designs:
        rows = []
        choices = [range(-1 if not d.required else 0, len(d.labels)) for d in decs]
        for combo in itertools.product(*choices):
            ch = {d.id: k for d, k in zip(decs, combo)}
            tab, fm = evaluate(ch)
            cap, ann = annual(ch)
            ok = bool(tab["feasible"].all())
            rows.append({"design": ", ".join(f"{k}: {v}" for k, v in _labels(decs, ch).items()),
                         "annual_cost_musd": ann + (fm if ok else 0.0),
                         "capex_musd_central": cap["central"], "fuel_cost_musd_y": fm if ok else math.nan,
                         "feasible": ok,
                         "binding": "" if ok else next((b for b in tab["binding"] if b), "")})
        enum = (pd.DataFrame(rows).sort_values(["feasible", "annual_cost_musd"], ascending=[False, True])
                .reset_index(drop=True))
    if design is None:
        cap, ann = {c: math.nan for c in ("low", "central", "high")}, math.nan
        why = log[-1]["then"] if log else ""
        table = pd.DataFrame([{
            "scenario": nm, "factor": float(dem[nm]), "feasible": False, "binding": why,
            "demand_mcm_d_20c": -float(scn.nodes.loc[demand_here, "inflow_kg_s"].sum()) * DAY / rho_n / 1e6 / std,
            "p_min_bar": math.nan, "p_min_node": "", "power_mw": math.nan, "fuel_mcm_d_20c": math.nan,
            "fuel_pct": math.nan, "fuel_co2_kt_y": math.nan, "delivered_co2_mt_y": math.nan}
            for nm, scn in scns.items()])
        return ExpansionResult(str(candidates.get("id", "")), status, {}, {}, False, cap, ann,
                               math.nan, table, log, enum, time.perf_counter() - t0)
    cap, ann = annual(design)
    return ExpansionResult(str(candidates.get("id", "")), status, _labels(decs, design), design, True,
                           cap, ann + fuel_musd, fuel_musd, table, log, enum, time.perf_counter() - t0)


def _capacity(net0, ctl0, decs, choice, scn0, demand, entry, sim_kw, rho_n, std,
              tol: float = 1e-2) -> float:
    """Largest demand of ``demand`` [bcm/y, 20 °C] the design carries with every limit held."""
    from linepack.problems.capacity import check_limits
    from linepack.problems.steady import simulate

    if not demand:
        return math.nan
    net, ctl = _apply(net0, ctl0, decs, choice)

    def ok(f):
        try:
            res = simulate(net, _scaled(scn0, demand, f, entry), ctl, **sim_kw)
        except LinepackError:
            return False
        return not check_limits(net, res)

    lo, hi = 0.0, 1.0
    while ok(hi) and hi < 64:
        lo, hi = hi, hi * 2.0
    if lo == 0.0 and not ok(tol):
        return 0.0
    while hi - lo > tol * hi:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if ok(mid) else (lo, mid)
    q0 = -float(scn0.nodes.loc[demand, "inflow_kg_s"].sum()) * DAY / rho_n / 1e6 / std
    return lo * q0 * 365 / 1e3


def _labels(decs, choice) -> dict:
    return {d.id: (d.labels[choice[d.id]] if choice.get(d.id, -1) >= 0 else "none") for d in decs}


def _eta(eff, cid, case, form) -> float:
    v = (eff.get(cid) if isinstance(eff, dict) else eff) or form.drive_efficiency
    return _pick(v, case, f"drive efficiency of '{cid}'")


def _gas_of(composition):
    from linepack.physics.gas import Gas

    return Gas.from_composition(composition)


def _co2_factor(gas) -> float:
    """CO₂ per normal m³ burnt, where the gas's composition is known. [kg/m³]"""
    from linepack.physics.gas import co2_per_normal_m3

    try:
        return float(co2_per_normal_m3(gas))
    except (LinepackError, AttributeError, TypeError, ValueError):
        return math.nan


def compare_expansion(case: Any, *, option: str | None = None, demand: str | None = None,
                      cost_case: str = "central", enumerate_designs: bool = True,
                      capacity: bool = True, time_limit: float = 120.0,
                      **simulate_kwargs: Any) -> tuple[pd.DataFrame, dict]:
    """The least-cost design of each candidate set of a case, per demand scenario.

    Reads ``meta["options_compared"]["expansion"]`` (the central-asia case: options A, B —
    the north — and C — the east; costs and demand scenarios with their sources) and runs
    :func:`plan_expansion` for each option and demand scenario.

    Returns
    -------
    (DataFrame, dict)
        One row per option and demand scenario: ``family``, ``option``, ``title``,
        ``demand``, ``factor``, ``demand_mcm_d_20c``, ``status``, ``design``, ``verified``,
        ``annual_cost_musd``, ``capex_musd_low|central|high``, ``fuel_cost_musd_y``,
        ``p_min_bar``/``p_min_node`` (absolute), ``power_mw``, ``fuel_mcm_d_20c``, ``fuel_pct``,
        ``fuel_co2_kt_y`` (the option's own stations), ``delivered_co2_mt_y``,
        ``case_fuel_mcm_d_20c``, ``capacity_bcm_y_20c`` and ``capacity_factor`` (with
        ``capacity``), ``why_none``, ``enumeration_design``,
        ``enumeration_cost_musd``, ``agree`` (the enumeration's cheapest feasible design costs
        the same), ``rounds`` (programmes solved), ``seconds``, ``least_cost`` ("family" for
        the cheapest verified option of its family at that demand); and the
        :class:`ExpansionResult` of each (key ``(option, demand)``).
    """
    meta = case.network.meta or {}
    ex = (meta.get("options_compared") or {}).get("expansion")
    if not ex:
        raise InputError("expansion: the case carries no candidates (meta.options_compared.expansion)")
    opts = ex["options"]
    ids = [o["id"] for o in opts]
    if option is not None and option not in ids:
        raise InputError(f"expansion: unknown option '{option}'; options: {', '.join(ids)}"
                         f"{did_you_mean(option, ids)}")
    dem = dict(ex.get("demand_scenarios") or {"design": 1.0})
    if demand is not None and demand not in dem:
        raise InputError(f"expansion: unknown demand scenario '{demand}'; scenarios: {', '.join(dem)}")
    costs = dict(ex.get("costs") or {})
    costs.pop("sources", None)
    costs.pop("confidence", None)
    costs.setdefault("drive_efficiency", meta.get("station_drive_efficiency"))
    rows, results = [], {}
    for o in opts:
        if option is not None and o["id"] != option:
            continue
        for dn, f in dem.items():
            if demand is not None and dn != demand:
                continue
            res = plan_expansion(case, o, {dn: f}, costs=costs, cost_case=cost_case,
                                 enumerate_designs=enumerate_designs, capacity=capacity,
                                 time_limit=time_limit, **simulate_kwargs)
            results[(o["id"], dn)] = res
            t = res.table.iloc[0] if len(res.table) else {}
            row = {"family": o.get("family", ""), "option": o["id"], "title": o.get("title", ""),
                   "demand": dn, "factor": float(f),
                   "demand_mcm_d_20c": float(t["demand_mcm_d_20c"]) if len(res.table) else math.nan,
                   "status": res.status,
                   "design": ", ".join(f"{k}: {v}" for k, v in res.design.items()),
                   "verified": res.verified, "annual_cost_musd": res.annual_cost_musd,
                   "why_none": "" if res.verified else (str(t["binding"]) if len(res.table) else ""),
                   **{f"capex_musd_{k}": v for k, v in res.capex_musd.items()},
                   "fuel_cost_musd_y": res.fuel_cost_musd_y}
            for c in ("p_min_bar", "p_min_node", "power_mw", "fuel_mcm_d_20c", "fuel_pct",
                      "fuel_co2_kt_y", "delivered_co2_mt_y", "case_fuel_mcm_d_20c",
                      "capacity_bcm_y_20c", "capacity_factor"):
                ok = res.verified and len(res.table) and c in res.table
                row[c] = t[c] if ok else (math.nan if c != "p_min_node" else "")
            en = res.enumeration
            ok = en[en["feasible"]] if en is not None else None
            row["enumeration_design"] = (ok["design"].iloc[0] if ok is not None and len(ok) else
                                         ("none feasible" if ok is not None else ""))
            row["enumeration_cost_musd"] = float(ok["annual_cost_musd"].iloc[0]) if ok is not None and len(ok) else math.nan
            row["agree"] = res.enumeration_agrees
            row["rounds"] = len(res.log)
            row["seconds"] = res.seconds
            rows.append(row)
    out = pd.DataFrame(rows)
    out["least_cost"] = ""
    if len(out):
        for _, grp in out[out["verified"]].groupby(["family", "demand"]):
            out.loc[grp["annual_cost_musd"].idxmin(), "least_cost"] = "family"
    return out, results
