"""The one limit checker: every bound a steady-state result can violate, worst first.

:func:`limit_violations` is used by the steady-state result (``SteadyResult.violations``),
the CLI summary and the HTML report (:mod:`linepack.report.summary`), the capacity search
(:mod:`linepack.problems.capacity`), the nomination check and the GasLib decision heuristic,
so that all of them agree on what "within limits" means.

Checked limits (``limit_kind``):

* every node: ``p_min`` ≤ p ≤ ``p_max`` (the result's bounds, which include the scenario's,
  else the network's);
* compressor stations and control valves in operation: outlet pressure ≤ ``p_out_max``,
  inlet pressure ≥ ``p_in_min`` (the node pressures at their ends). These are the element's
  working range; a bypassed element does not regulate and its ends are held only by the node
  limits (GasLib's convention: see docs/guide/decisions.md, "Element limits in bypass");
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
_FLOAT_COLUMNS = ("value", "limit", "amount", "relative")


def _num(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.full(len(df), np.nan)
    col = df[name]
    if col.dtype.kind == "f":
        return col.to_numpy(dtype=float)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)


class _Columns:
    """Columns of a network table (nodes or connections) in the order of a result's index,
    fetched one at a time (a reindex only when the orders differ)."""

    def __init__(self, table: pd.DataFrame, index: pd.Index, rows: np.ndarray | None = None):
        self.table, self.index, self.rows = table, index, rows
        self.same = table.index.equals(index)

    def __call__(self, name: str) -> np.ndarray:
        if name not in self.table.columns:
            n = len(self.index) if self.rows is None else len(self.rows)
            return np.full(n, np.nan)
        col = self.table[name]
        if not self.same:
            col = col.reindex(self.index)
        out = col.to_numpy() if col.dtype.kind != "f" else col.to_numpy(dtype=float)
        if out.dtype == object and name != "kind":
            out = pd.to_numeric(pd.Series(out), errors="coerce").to_numpy(dtype=float)
        return out if self.rows is None else out[self.rows]


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
    found: list[tuple] = []   # (positions, ids, kinds, limit_kind, quantity, value, limit, unit, above)

    def add(ids, kinds, mask, limit_kind, quantity, value, limit, unit, above):
        with np.errstate(invalid="ignore"):
            hit = np.flatnonzero(np.asarray(mask, dtype=bool) & np.isfinite(value) & np.isfinite(limit))
        if hit.size:
            found.append((hit, ids, kinds, limit_kind, quantity, np.asarray(value, float)[hit],
                          np.asarray(limit, float)[hit], unit, above))

    # -- nodes -------------------------------------------------------------------------------
    net_nodes = _Columns(network.nodes, nodes.index)
    nkind = nodes["kind"].to_numpy() if "kind" in nodes.columns else net_nodes("kind")
    p = _num(nodes, "p_bar")
    lo = _num(nodes, "p_min_bar")
    hi = _num(nodes, "p_max_bar")
    if not np.isfinite(lo).all():
        lo = np.where(np.isfinite(lo), lo, net_nodes("p_min_pa") / BAR)
    if not np.isfinite(hi).all():
        hi = np.where(np.isfinite(hi), hi, net_nodes("p_max_pa") / BAR)
    with np.errstate(invalid="ignore"):
        add(nodes.index, nkind, p < lo - tol_bar, "p_min", "pressure", p, lo, "bar", False)
        add(nodes.index, nkind, p > hi + tol_bar, "p_max", "pressure", p, hi, "bar", True)

    # -- connections -------------------------------------------------------------------------
    if len(edges):
        conns = _Columns(network.connections, edges.index)
        ekind_all = edges["kind"].to_numpy() if "kind" in edges.columns else conns("kind")
        m_all = _num(edges, "m_kg_s")
        f_max, f_min = conns("flow_max_kg_s"), conns("flow_min_kg_s")
        with np.errstate(invalid="ignore"):
            if np.isfinite(f_max).any():
                add(edges.index, ekind_all, m_all > f_max * (1 + 1e-9) + 1e-9, "flow_max",
                    "mass flow", m_all, f_max, "kg/s", True)
            if np.isfinite(f_min).any():
                add(edges.index, ekind_all, m_all < f_min - 1e-9 - 1e-9 * np.abs(f_min), "flow_min",
                    "mass flow", m_all, f_min, "kg/s", False)
        sel = np.flatnonzero(np.isin(ekind_all, _CONTROLLED))
        if sel.size:
            c = _Columns(network.connections, edges.index, sel)
            ids, ekind = edges.index[sel], ekind_all[sel]
            mode = (np.array([str(x).split(":", 1)[0].strip() for x in edges["mode"].to_numpy()[sel]],
                             dtype=object)
                    if "mode" in edges.columns else np.full(sel.size, "", dtype=object))
            m = m_all[sel]
            pin, pout = _num(edges, "p_in_bar")[sel], _num(edges, "p_out_bar")[sel]
            active = np.isin(mode, ("active", "", "nan"))
            cs = active & (ekind == "compressorStation")
            cv = active & (ekind == "controlValve")
            with np.errstate(divide="ignore", invalid="ignore"):
                out_max, in_min = c("p_out_max_pa") / BAR, c("p_in_min_pa") / BAR
                add(ids, ekind, active & (pout > out_max + tol_bar), "p_out_max", "outlet pressure",
                    pout, out_max, "bar", True)
                add(ids, ekind, active & (pin < in_min - tol_bar), "p_in_min", "inlet pressure",
                    pin, in_min, "bar", False)
                ratio = _num(edges, "ratio")[sel]
                ratio = np.where(np.isfinite(ratio), ratio, pout / pin)
                r_max, r_min = c("ratio_max"), c("ratio_min")
                add(ids, ekind, cs & (ratio > r_max * (1 + 1e-9)), "ratio_max", "pressure ratio",
                    ratio, r_max, "-", True)
                add(ids, ekind, cs & (ratio < r_min * (1 - 1e-9)), "ratio_min", "pressure ratio",
                    ratio, r_min, "-", False)
                pw, pw_max = _num(edges, "power_mw")[sel], c("power_max_w") / 1e6
                add(ids, ekind, cs & (pw > pw_max * (1 + 1e-9)), "power_max", "power", pw, pw_max,
                    "MW", True)
                dp = pin - pout
                dp_max, dp_min = c("dp_max_pa") / BAR, c("dp_min_pa") / BAR
                add(ids, ekind, cv & (dp > dp_max + tol_bar), "dp_max", "pressure reduction", dp,
                    dp_max, "bar", True)
                add(ids, ekind, cv & (dp < dp_min - tol_bar), "dp_min", "pressure reduction", dp,
                    dp_min, "bar", False)
                loss = (np.nan_to_num(c("pressure_loss_in_pa"))
                        + np.nan_to_num(c("pressure_loss_out_pa"))) / BAR
                add(ids, ekind, cv & (pout > pin - loss + tol_bar), "no_increase", "outlet pressure",
                    pout, pin - loss, "bar", True)
                add(ids, ekind, active & (m < -1e-6), "direction", "mass flow", m,
                    np.zeros(sel.size), "kg/s", False)

    if not found:
        return pd.DataFrame({c: pd.Series(dtype=float if c in _FLOAT_COLUMNS else object)
                             for c in VIOLATION_COLUMNS})
    cols: dict[str, list] = {k: [] for k in ("element", "kind", "limit_kind", "quantity", "value",
                                             "limit", "unit", "is_above")}
    for hit, ids, kinds, limit_kind, quantity, value, limit, unit, above in found:
        cols["element"].append(np.asarray(ids)[hit].astype(str).astype(object))
        cols["kind"].append(np.asarray(kinds, dtype=object)[hit].astype(str).astype(object))
        for k, v in (("limit_kind", limit_kind), ("quantity", quantity), ("unit", unit),
                     ("is_above", above)):
            cols[k].append(np.full(hit.size, v, dtype=object))
        cols["value"].append(value)
        cols["limit"].append(limit)
    arr = {k: np.concatenate(v) for k, v in cols.items()}
    arr["amount"] = np.abs(arr["value"] - arr["limit"])
    arr["relative"] = arr["amount"] / np.maximum(np.abs(arr["limit"]), 1.0)
    order = np.argsort(-arr["relative"], kind="stable")
    arr = {k: v[order] for k, v in arr.items()}
    arr["message"] = np.array([_message(*row) for row in zip(
        arr["element"], arr["kind"], arr["limit_kind"], arr["quantity"], arr["value"],
        arr["limit"], arr["unit"], arr["amount"], arr["is_above"])], dtype=object)
    return pd.DataFrame({k: arr[k] for k in VIOLATION_COLUMNS})


def _message(element, kind, limit_kind, quantity, value, limit, unit, amount, above) -> str:
    unit_ = "" if unit == "-" else f" {unit}"
    who = f"{kind} '{element}'"
    if limit_kind == "direction":
        return f"{who}: in operation but passes gas against its direction ({value:.4g} kg/s)"
    if limit_kind == "no_increase":
        return (f"{who}: a regulator would raise the pressure: outlet {value:.6g} bar above "
                f"the inlet less its losses {limit:.6g} bar (by {amount:.3g} bar)")
    side = "above its maximum" if above else "below its minimum"
    digits = 6
    while digits < 12 and f"{value:.{digits}g}" == f"{limit:.{digits}g}":
        digits += 2   # enough digits to tell the value from the limit
    return (f"{who}: {quantity} {value:.{digits}g}{unit_} {side} {limit:.{digits}g}{unit_} "
            f"(by {amount:.3g}{unit_})")


def violation_messages(table: pd.DataFrame) -> list[str]:
    """The ``message`` column as a list (worst first)."""
    return [str(m) for m in table["message"]] if len(table) else []
