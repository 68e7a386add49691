"""The one limit checker: every bound a steady-state result can violate, worst first.

:func:`limit_violations` is used by the steady-state result (``SteadyResult.violations``),
the CLI summary and the HTML report (:mod:`linepack.report.summary`), the capacity search
(:mod:`linepack.problems.capacity`), the nomination check and the GasLib decision heuristic,
so that all of them agree on what "within limits" means.

Checked limits (``limit_kind``):

* every node: ``p_min`` ≤ p ≤ ``p_max`` (the result's bounds, which include the scenario's,
  else the network's);
* compressor stations and control valves that are not closed: outlet pressure ≤
  ``p_out_max``, inlet pressure ≥ ``p_in_min`` (the node pressures at their ends);
* active compressor stations: ``ratio_min`` ≤ p_out/p_in ≤ ``ratio_max``, shaft power ≤
  ``power_max``;
* active control valves: ``dp_min`` ≤ p_in − p_out ≤ ``dp_max``, and no pressure increase
  (p_out ≤ p_in less the inlet and outlet losses) — limit kind ``no_increase``;
* active stations and regulators: no flow against their direction — ``direction``;
* every connection: ``flow_min`` ≤ m ≤ ``flow_max``.

Tolerances: ``tol_bar`` (default 1e-6 bar) on pressures and pressure reductions, 1e-9
relative on ratios and power, 1e-9 relative plus 1e-9 kg/s on flow bounds, 1e-6 kg/s on the
flow direction. Units at this edge carry their names: pressures in bar (absolute), flows in
kg/s, power in MW, ratios dimensionless.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from linepack.units import BAR

__all__ = ["limit_violations", "VIOLATION_COLUMNS", "violation_messages"]

#: Columns of the violation table: ``element`` (id), ``kind`` (element kind), ``limit_kind``
#: (``p_max``, ``p_min``, ``p_out_max``, ``p_in_min``, ``ratio_max``, ``ratio_min``,
#: ``power_max``, ``dp_max``, ``dp_min``, ``no_increase``, ``direction``, ``flow_max``,
#: ``flow_min``), ``quantity`` (in words), ``value``, ``limit``, ``unit``, ``amount`` (≥ 0,
#: how far outside), ``relative`` (amount / max(|limit|, 1), the order: worst first) and
#: ``message`` (one line naming the element, the value and the limit).
VIOLATION_COLUMNS = ["element", "kind", "limit_kind", "quantity", "value", "limit", "unit",
                     "amount", "relative", "message"]

_CONTROLLED = ("compressorStation", "controlValve")


def _num(df: pd.DataFrame, name: str) -> np.ndarray:
    if name in df.columns:
        return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)
    return np.full(len(df), np.nan)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def limit_violations(network: Any, nodes: pd.DataFrame, edges: pd.DataFrame,
                     *, tol_bar: float = 1e-6) -> pd.DataFrame:
    """Limits a steady state violates, one row each, worst (largest relative amount) first.

    Parameters
    ----------
    network
        The :class:`~linepack.network.Network` (its ``connections`` carry the station and
        flow limits; its ``nodes`` the pressure bounds where ``nodes`` lacks them).
    nodes, edges
        The result tables (``SteadyResult.nodes`` / ``.edges``): ``p_bar``, ``p_min_bar``,
        ``p_max_bar``, ``kind``; ``kind``, ``mode``, ``m_kg_s``, ``p_in_bar``,
        ``p_out_bar``, ``ratio``, ``power_mw``.
    tol_bar
        Pressure tolerance. [bar]

    Returns
    -------
    pandas.DataFrame
        Columns :data:`VIOLATION_COLUMNS`; empty when every limit holds.
    """
    parts: list[pd.DataFrame] = []

    def add(ids, kinds, mask, limit_kind, quantity, value, limit, unit, above):
        mask = np.asarray(mask, dtype=bool) & np.isfinite(value) & np.isfinite(limit)
        if not mask.any():
            return
        v, lim = np.asarray(value, float)[mask], np.asarray(limit, float)[mask]
        amount = np.abs(v - lim)
        parts.append(pd.DataFrame({
            "element": np.asarray(ids, dtype=object)[mask], "kind": np.asarray(kinds, dtype=object)[mask],
            "limit_kind": limit_kind, "quantity": quantity, "value": v, "limit": lim, "unit": unit,
            "amount": amount, "relative": amount / np.maximum(np.abs(lim), 1.0),
            "is_above": above}))

    # -- nodes -------------------------------------------------------------------------------
    nid = nodes.index.astype(str).to_numpy(dtype=object)
    net_nodes = network.nodes.reindex(nodes.index)
    nkind = (nodes["kind"] if "kind" in nodes.columns else net_nodes["kind"]).astype(str).to_numpy()
    p = _num(nodes, "p_bar")
    lo = _num(nodes, "p_min_bar")
    hi = _num(nodes, "p_max_bar")
    lo = np.where(np.isfinite(lo), lo, _num(net_nodes, "p_min_pa") / BAR)
    hi = np.where(np.isfinite(hi), hi, _num(net_nodes, "p_max_pa") / BAR)
    add(nid, nkind, p < lo - tol_bar, "p_min", "pressure", p, lo, "bar", False)
    add(nid, nkind, p > hi + tol_bar, "p_max", "pressure", p, hi, "bar", True)

    # -- connections -------------------------------------------------------------------------
    if len(edges):
        conns = network.connections.reindex(edges.index)
        eid = edges.index.astype(str).to_numpy(dtype=object)
        ekind = (edges["kind"] if "kind" in edges.columns else conns["kind"]).astype(str).to_numpy()
        mode = (edges["mode"].astype(str).str.split(":", n=1).str[0].str.strip().to_numpy()
                if "mode" in edges.columns else np.full(len(edges), ""))
        m = _num(edges, "m_kg_s")
        pin, pout = _num(edges, "p_in_bar"), _num(edges, "p_out_bar")
        ctl = np.isin(ekind, _CONTROLLED)
        passing = ctl & (mode != "closed")
        active = ctl & np.isin(mode, ("active", ""))
        cs = active & (ekind == "compressorStation")
        cv = active & (ekind == "controlValve")
        add(eid, ekind, passing & (pout > _num(conns, "p_out_max_pa") / BAR + tol_bar), "p_out_max",
            "outlet pressure", pout, _num(conns, "p_out_max_pa") / BAR, "bar", True)
        add(eid, ekind, passing & (pin < _num(conns, "p_in_min_pa") / BAR - tol_bar), "p_in_min",
            "inlet pressure", pin, _num(conns, "p_in_min_pa") / BAR, "bar", False)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = _num(edges, "ratio")
            ratio = np.where(np.isfinite(ratio), ratio, pout / pin)
        r_max, r_min = _num(conns, "ratio_max"), _num(conns, "ratio_min")
        add(eid, ekind, cs & (ratio > r_max * (1 + 1e-9)), "ratio_max", "pressure ratio",
            ratio, r_max, "-", True)
        add(eid, ekind, cs & (ratio < r_min * (1 - 1e-9)), "ratio_min", "pressure ratio",
            ratio, r_min, "-", False)
        pw, pw_max = _num(edges, "power_mw"), _num(conns, "power_max_w") / 1e6
        add(eid, ekind, cs & (pw > pw_max * (1 + 1e-9)), "power_max", "power", pw, pw_max, "MW", True)
        dp = pin - pout
        dp_max, dp_min = _num(conns, "dp_max_pa") / BAR, _num(conns, "dp_min_pa") / BAR
        add(eid, ekind, cv & (dp > dp_max + tol_bar), "dp_max", "pressure reduction", dp, dp_max,
            "bar", True)
        add(eid, ekind, cv & (dp < dp_min - tol_bar), "dp_min", "pressure reduction", dp, dp_min,
            "bar", False)
        loss = (np.nan_to_num(_num(conns, "pressure_loss_in_pa")) +
                np.nan_to_num(_num(conns, "pressure_loss_out_pa"))) / BAR
        add(eid, ekind, cv & (pout > pin - loss + tol_bar), "no_increase", "outlet pressure", pout,
            pin - loss, "bar", True)
        add(eid, ekind, active & (m < -1e-6), "direction", "mass flow", m, np.zeros(len(m)), "kg/s",
            False)
        f_max, f_min = _num(conns, "flow_max_kg_s"), _num(conns, "flow_min_kg_s")
        add(eid, ekind, m > f_max * (1 + 1e-9) + 1e-9, "flow_max", "mass flow", m, f_max, "kg/s", True)
        add(eid, ekind, m < f_min - 1e-9 - 1e-9 * np.abs(f_min), "flow_min", "mass flow", m, f_min,
            "kg/s", False)

    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "limit", "amount", "relative")
                                          else object) for c in VIOLATION_COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    table = table.sort_values("relative", ascending=False, kind="stable").reset_index(drop=True)
    table["message"] = [_message(r) for r in table.itertuples(index=False)]
    return table[VIOLATION_COLUMNS]


def _message(r) -> str:
    unit = "" if r.unit == "-" else f" {r.unit}"
    who = f"{r.kind} '{r.element}'"
    if r.limit_kind == "direction":
        return f"{who}: in operation but passes gas against its direction ({r.value:.4g} kg/s)"
    if r.limit_kind == "no_increase":
        return (f"{who}: a regulator would raise the pressure: outlet {_fmt(r.value)} bar above "
                f"the inlet less its losses {_fmt(r.limit)} bar (by {r.amount:.3g} bar)")
    side = "above its maximum" if r.is_above else "below its minimum"
    digits = 6
    while digits < 12 and f"{r.value:.{digits}g}" == f"{r.limit:.{digits}g}":
        digits += 2   # enough digits to tell the value from the limit
    return (f"{who}: {r.quantity} {r.value:.{digits}g}{unit} {side} {r.limit:.{digits}g}{unit} "
            f"(by {r.amount:.3g}{unit})")


def violation_messages(table: pd.DataFrame) -> list[str]:
    """The ``message`` column as a list (worst first)."""
    return [str(m) for m in table["message"]] if len(table) else []
