"""Gasification options compared: every candidate variant simulated, least cost with every limit held.

The question: which of the candidate pipes and stations for a region's gas supply carries its
design demand with every node, station and flow limit held, at the least capital cost, and what
are its capacity, pressures, fuel and CO₂?

Method
------
A case lists *families* of variants in ``meta["options_compared"]["families"]`` (the
central-asia case: the north — Saryarka phases II–III with or without the phase IV stations at
standard diameters, or the Ishim–Astana import line — and the east — the Altai route). A variant
is a candidate dict as in :mod:`linepack.problems.plan` (connection fields such as
``diameter_mm``, control entries) with the scenario it is simulated in, its stations and its
capex (``low``/``central``/``high``, million USD). Each variant is simulated at its scenario's
design demand (feasible when every limit holds), and its *capacity* is the largest factor on
the family's demand nodes' withdrawals with every limit held (bisection; an entry named
``balance_entry`` supplies the added demand). Enumeration is exact here: the families have 3 to
12 variants.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from linepack.errors import Infeasible, InputError, LinepackError
from linepack.physics.compressor import fuel_gas_flow
from linepack.physics.gas import Gas, co2_per_normal_m3
from linepack.problems.capacity import check_limits
from linepack.problems.plan import apply_candidate
from linepack.problems.steady import simulate
from linepack.units import DAY

__all__ = ["compare_options"]


def _scaled(scn, demand, factor, entry):
    nodes = scn.nodes.copy()
    base = nodes.loc[demand, "inflow_kg_s"]
    nodes.loc[demand, "inflow_kg_s"] = base * factor
    if entry is not None:
        nodes.at[entry, "inflow_kg_s"] = nodes.at[entry, "inflow_kg_s"] - float(base.sum()) * (factor - 1.0)
    return scn.evolve(nodes=nodes)


def compare_options(case: Any, family: str, *, tol: float = 5e-3,
                    **simulate_kwargs: Any) -> pd.DataFrame:
    """Every variant of one family of ``meta["options_compared"]``, simulated and costed.

    Parameters
    ----------
    case
        A native case (``.network``, ``.scenarios``, ``.controls``, ``.scenario_controls``).
    family
        The family name (central-asia: ``"north"``, ``"east"``).
    tol
        Relative width of the capacity bisection.
    **simulate_kwargs
        Passed to :func:`linepack.simulate`.

    Returns
    -------
    DataFrame
        One row per variant, cheapest first: ``id``, ``option``, ``published`` (the design the
        model carries: published diameters, or the assumed one where none is published),
        ``feasible`` (every limit held at the design demand), ``binding``
        (the first limit violated, if any), ``demand_mcm_d_20c`` (design demand of the family's
        nodes), ``capacity_factor`` and ``capacity_bcm_y_20c`` (largest multiple of that demand
        with every limit held), ``p_min_bar`` and ``p_min_node`` (lowest pressure at a demand
        node, absolute), ``fuel_mcm_d_20c`` and ``fuel_pct`` (the variant's stations),
        ``fuel_co2_kt_y``, ``delivered_co2_mt_y`` (burning the design demand),
        ``capex_musd_low|central|high`` and ``least_cost`` (the cheapest feasible variant of
        the family, and of its option).
    """
    net0 = case.network
    meta = dict(net0.meta or {})
    fams = (meta.get("options_compared") or {}).get("families") or {}
    if family not in fams:
        raise InputError(f"options: unknown family '{family}'; families: {', '.join(fams) or '(none)'}")
    fam = fams[family]
    std = float(meta.get("standard_to_normal", 273.15 / 293.15))
    comp = meta.get("gas_composition")
    gas = Gas.from_composition(comp) if comp else None
    eff = meta.get("station_drive_efficiency") or {}
    rho_n = float(net0.gas["normal_density"]) if net0.gas else math.nan
    rows = []
    for v in fam["variants"]:
        scn0 = case.scenarios[v["scenario"]]
        ctl0 = case.controls_for(v["scenario"])
        net, scn, ctl = apply_candidate(net0, scn0, ctl0, v)
        demand = [n for n in fam["demand_nodes"]
                  if n in scn.nodes.index and scn.nodes.at[n, "inflow_kg_s"] < 0]
        entry = v.get("balance_entry")

        def run(factor, net=net, scn=scn, ctl=ctl, demand=demand, entry=entry):
            try:
                res = simulate(net, _scaled(scn, demand, factor, entry), ctl, **simulate_kwargs)
            except Infeasible:
                return None, "no physical solution at this demand (a pressure falls to zero)"
            except LinepackError as exc:
                return None, str(exc).split(";")[0]
            viol = check_limits(net, res)
            return res, (viol[0] if viol else "")

        res, why = run(1.0)
        feasible = res is not None and not why
        lo, hi = (1.0, None) if feasible else (0.0, 1.0)
        while hi is None:
            r_, w_ = run(lo * 2.0)
            if r_ is not None and not w_:
                lo *= 2.0
                if lo > 64:
                    hi = lo
            else:
                hi = lo * 2.0
        while hi - lo > tol * max(hi, 1e-9):
            mid = 0.5 * (lo + hi)
            r_, w_ = run(mid)
            lo, hi = (mid, hi) if (r_ is not None and not w_) else (lo, mid)
        q_kg_s = -float(scn.nodes.loc[demand, "inflow_kg_s"].sum())
        q0 = q_kg_s * DAY / rho_n / 1e6
        row = {"id": v["id"], "option": v["option"], "published": bool(v.get("published")),
               "feasible": feasible, "binding": why, "demand_mcm_d_20c": q0 / std,
               "capacity_factor": lo, "capacity_bcm_y_20c": lo * q0 / std * 365 / 1e3,
               "p_min_bar": math.nan, "p_min_node": "", "fuel_mcm_d_20c": math.nan,
               "fuel_pct": math.nan, "fuel_co2_kt_y": math.nan, "delivered_co2_mt_y": math.nan,
               **{f"capex_musd_{k}": float(x) for k, x in v["capex_musd"].items()}}
        if res is not None:
            p = res.nodes.loc[demand, "p_bar"]
            row["p_min_bar"], row["p_min_node"] = float(p.min()), str(p.idxmin())
            fuel = 0.0
            if gas is not None:
                for cid in v.get("stations", []):
                    if str(res.edges.at[cid, "mode"]).startswith("active"):
                        pw = float(res.edges.at[cid, "power_mw"]) * 1e6
                        if math.isfinite(pw) and pw > 0:
                            fuel += float(fuel_gas_flow(pw, eff.get(cid, 0.30),
                                                        gas.net_calorific_value)) * DAY / 1e6
                co2 = co2_per_normal_m3(gas)
                row.update({"fuel_mcm_d_20c": fuel / std, "fuel_pct": 100.0 * fuel / q0,
                            "fuel_co2_kt_y": fuel * 1e6 * co2 * 365 / 1e6,
                            "delivered_co2_mt_y": q0 * 1e6 * co2 * 365 / 1e9})
        rows.append(row)
    out = pd.DataFrame(rows).sort_values(["capex_musd_central", "id"]).reset_index(drop=True)
    out["least_cost"] = ""
    ok = out[out["feasible"]]
    if len(ok):
        out.loc[ok.index[0], "least_cost"] = "family"
        for _, grp in ok.groupby("option"):
            i = grp.index[0]
            out.loc[i, "least_cost"] = out.loc[i, "least_cost"] or "option"
    return out
