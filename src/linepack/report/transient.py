"""One self-contained, offline HTML report of a transient simulation.

:func:`write_transient_report` writes a single ``.html`` file, offline like
:func:`linepack.report.write_report` (plotly.js inlined the same way, a
Content-Security-Policy that forbids loading anything). It holds

1. key figures (status, linepack at start and end, the lowest pressure and when),
2. pressure over time at chosen nodes,
3. the total linepack (million m³ at 0 °C, 1.01325 bar), optionally with the linepack of a
   chosen set of pipes (e.g. a transit path), and the packing (+) / drafting (−) rate,
4. the power of the compressor stations over time (those that compress at some output time,
   or the chosen ones), and
5. the table of limit violations with the first time each occurred.

It reads a :class:`linepack.TransientResult` only and never calls a solver.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError
from linepack.files import atomic_write_text
from linepack.report.html import (
    _CSP,
    _CSS,
    _e,
    _figure_div,
    _fmt,
    _kpi,
    _plotly,
    _plotly_script,
    _table,
    _version,
)

__all__ = ["write_transient_report", "default_report_nodes", "PRESSURE_DIV_ID",
           "LINEPACK_DIV_ID", "POWER_DIV_ID"]

#: ``id`` of the pressure-over-time plot's ``<div>``.
PRESSURE_DIV_ID = "linepack-transient-pressure"
#: ``id`` of the linepack and packing-rate plot's ``<div>``.
LINEPACK_DIV_ID = "linepack-transient-linepack"
#: ``id`` of the station-power plot's ``<div>``.
POWER_DIV_ID = "linepack-transient-power"
#: At most this many nodes are drawn by default.
MAX_DEFAULT_NODES = 6


def default_report_nodes(result: Any, limit: int = MAX_DEFAULT_NODES) -> list[str]:
    """The nodes drawn when none are chosen: the pressure-held nodes that carry flow (at most
    two, the largest mean flow first), the node with the lowest pressure over the run, then
    the largest exits by mean withdrawal, at most ``limit`` nodes, without repeats.

    The result carries no pressure bounds, so the lowest pressure stands for the lowest
    margin (they are the same node when the bounds are the same everywhere).
    """
    p = result.pressure_bar
    chosen: list[str] = []

    def add(node: Any) -> None:
        node = str(node)
        if node not in chosen and len(chosen) < limit:
            chosen.append(node)

    final = getattr(result, "final_state", None) or {}
    if "held" in final and "nodes" in final:
        # held nodes that supply or take gas, the busiest first (an idle island's is skipped)
        use = result.inflow_kg_s.abs().mean()
        held = [n for n, h in zip(final["nodes"], final["held"]) if h and use.get(n, 0.0) > 0]
        for node in sorted(held, key=lambda n: -use[n])[:2]:
            add(node)
    if p.shape[0] and p.shape[1]:
        add(p.min().idxmin())
    withdrawal = -result.inflow_kg_s.mean()
    for node in withdrawal[withdrawal > 0].sort_values(ascending=False, kind="stable").index:
        add(node)
    return chosen


def _check_nodes(result: Any, nodes: Sequence[Any] | None) -> list[str]:
    if nodes is None:
        return default_report_nodes(result)
    if isinstance(nodes, (str, bytes)):
        raise InputError(f"write_transient_report: nodes must be a list of node ids, "
                         f"not the string {nodes!r}")
    chosen = [str(n) for n in nodes]
    known = {str(c) for c in result.pressure_bar.columns}
    missing = [n for n in chosen if n not in known]
    if missing:
        raise InputError(f"write_transient_report: node '{missing[0]}' is not in the result "
                         f"({len(known)} nodes)")
    if not chosen:
        raise InputError("write_transient_report: nodes is empty; give at least one node id "
                         "or None for the default choice")
    return list(dict.fromkeys(chosen))


def _check_ids(what: str, ids: Sequence[Any] | None, known: Sequence[Any]) -> list[str] | None:
    if ids is None:
        return None
    if isinstance(ids, (str, bytes)):
        raise InputError(f"write_transient_report: {what} must be a list of ids, not the "
                         f"string {ids!r}")
    chosen = list(dict.fromkeys(str(i) for i in ids))
    names = {str(c) for c in known}
    missing = [i for i in chosen if i not in names]
    if missing:
        raise InputError(f"write_transient_report: {what}: '{missing[0]}' is not in the "
                         f"result ({len(names)} listed)")
    return chosen


def write_transient_report(result: Any, path: str | os.PathLike[str],
                           nodes: Sequence[Any] | None = None, *,
                           title: str | None = None,
                           linepack_pipes: Sequence[Any] | None = None,
                           linepack_label: str | None = None,
                           stations: Sequence[Any] | None = None) -> Path:
    """Write one self-contained offline HTML report of a transient result.

    Parameters
    ----------
    result
        A :class:`linepack.TransientResult`.
    path
        The ``.html`` file to write. Its folder must exist. The file is written atomically
        (a temporary file replaces it only when complete).
    nodes
        Node ids whose pressure over time is drawn. ``None``: :func:`default_report_nodes`
        (held nodes, the lowest-pressure node and the largest exits, at most six).
    title
        The page title (default: "Transient simulation").
    linepack_pipes
        Pipe ids whose summed linepack is drawn beside the total (e.g. a transit path),
        labelled ``linepack_label``. ``None``: the total only.
    stations
        Compressor stations whose power over time is drawn (0 where they do not compress).
        ``None``: every station that compresses at some output time (the section is left out
        when none does).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        An unknown node, pipe or station, or a folder that does not exist.
    ImportError
        plotly (the ``[plot]`` extra) is not installed.
    """
    for attr in ("pressure_bar", "inflow_kg_s", "totals", "violations"):
        if not hasattr(result, attr):
            raise InputError(f"write_transient_report: result must be a TransientResult "
                             f"(got {type(result).__name__}, no '{attr}')")
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"write_transient_report: the folder '{path.parent}' of '{path}' does "
                         "not exist; create it first")
    chosen = _check_nodes(result, nodes)
    lp_lines = getattr(result, "linepack_kg", pd.DataFrame())
    pipes = _check_ids("linepack_pipes", linepack_pipes, lp_lines.columns)
    power = getattr(result, "station_power_mw", pd.DataFrame())
    st = _check_ids("stations", stations, power.columns)
    if st is None:
        st = [str(c) for c in power.columns if (power[c].fillna(0.0) > 0).any()]
    plotly, go, pio = _plotly()
    from plotly.subplots import make_subplots

    p = result.pressure_bar
    tot = result.totals
    hours = p.index.to_numpy(float) / 3600.0

    fig_p = go.Figure()
    for node in chosen:
        col = next(c for c in p.columns if str(c) == node)
        fig_p.add_trace(go.Scatter(x=hours.tolist(), y=p[col].to_numpy(float).tolist(), mode="lines+markers",
                                   name=node, marker=dict(size=4),
                                   hovertemplate=f"{_e(node)}<br>t = %{{x:.2f}} h<br>"
                                                 "p = %{y:.2f} bar<extra></extra>"))
    fig_p.update_layout(height=440, margin=dict(l=60, r=20, t=30, b=50),
                        plot_bgcolor="#ffffff", hovermode="x unified",
                        xaxis=dict(title="time [h]", gridcolor="#e5e9ef"),
                        yaxis=dict(title="pressure [bar, absolute]", gridcolor="#e5e9ef"))

    # packing rate in million normal m³ per day, with the result's own normal density
    lp_mcm = tot["linepack_mcm"].to_numpy(float)
    lp_kg = tot["linepack_kg"].to_numpy(float)
    rho_n = float(result.options.get("normal_density", np.nan)) if getattr(
        result, "options", None) else np.nan
    if not np.isfinite(rho_n) and len(lp_mcm) and lp_mcm[0] > 0:
        rho_n = lp_kg[0] / (lp_mcm[0] * 1e6)
    rate_mcm_d = tot["net_inflow_kg_s"].to_numpy(float) * 86400.0 / rho_n / 1e6
    fig_l = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    fig_l.add_trace(go.Scatter(x=hours.tolist(), y=lp_mcm.tolist(), mode="lines+markers", name="linepack",
                               marker=dict(size=4),
                               hovertemplate="t = %{x:.2f} h<br>%{y:.4f} mcm<extra></extra>"),
                    row=1, col=1)
    if pipes:
        kg_per_mcm = lp_kg[0] / lp_mcm[0] if len(lp_mcm) and lp_mcm[0] > 0 else rho_n * 1e6
        part = lp_lines[[c for c in lp_lines.columns if str(c) in pipes]].sum(axis=1)
        label = linepack_label or f"{len(pipes)} chosen pipes"
        fig_l.add_trace(go.Scatter(x=hours.tolist(), y=(part.to_numpy(float) / kg_per_mcm).tolist(),
                                   mode="lines+markers", name=label, marker=dict(size=4),
                                   hovertemplate=f"{_e(label)}<br>t = %{{x:.2f}} h<br>"
                                                 "%{y:.4f} mcm<extra></extra>"),
                        row=1, col=1)
    fig_l.add_trace(go.Bar(x=hours.tolist(), y=rate_mcm_d.tolist(), name="packing (+) / drafting (−)",
                           marker_color=np.where(rate_mcm_d >= 0, "#2ca02c", "#d62728").tolist(),
                           hovertemplate="t = %{x:.2f} h<br>%{y:.3f} mcm/d<extra></extra>"),
                    row=2, col=1)
    fig_l.update_layout(height=520, margin=dict(l=60, r=20, t=30, b=50),
                        plot_bgcolor="#ffffff", showlegend=bool(pipes))
    fig_w = None
    if st:
        fig_w = go.Figure()
        for sid in st:
            col = next(c for c in power.columns if str(c) == sid)
            fig_w.add_trace(go.Scatter(x=hours.tolist(),
                                       y=power[col].fillna(0.0).to_numpy(float).tolist(),
                                       mode="lines+markers", name=sid, marker=dict(size=4),
                                       hovertemplate=f"{_e(sid)}<br>t = %{{x:.2f}} h<br>"
                                                     "%{y:.2f} MW<extra></extra>"))
        fig_w.update_layout(height=400, margin=dict(l=60, r=20, t=30, b=50),
                            plot_bgcolor="#ffffff", hovermode="x unified",
                            xaxis=dict(title="time [h]", gridcolor="#e5e9ef"),
                            yaxis=dict(title="station power [MW]", gridcolor="#e5e9ef"))
    fig_l.update_yaxes(title_text="linepack [mcm, 0 °C]", gridcolor="#e5e9ef", row=1, col=1)
    fig_l.update_yaxes(title_text="packing rate [mcm/d]", gridcolor="#e5e9ef", row=2, col=1)
    fig_l.update_xaxes(title_text="time [h]", gridcolor="#e5e9ef", row=2, col=1)

    page_title = title or "Transient simulation"
    duration_h = hours[-1] if len(hours) else 0.0
    sub = (f"{p.shape[1]} nodes · {_fmt(duration_h, 2, 'h')} · {result.steps} time steps · "
           f"status {result.status}")
    kpis = []
    if len(lp_mcm):
        kpis.append(_kpi("linepack start → end", f"{lp_mcm[0]:.3f} → {lp_mcm[-1]:.3f} "
                         '<span class="unit">mcm</span>', "million m³ at 0 °C, 1.01325 bar"))
    if p.shape[0] and p.shape[1]:
        low = p.min().idxmin()
        kpis.append(_kpi("lowest pressure", f'{p[low].min():.2f} <span class="unit">bar</span>',
                         f"{_e(low)} at t = {p[low].idxmin() / 3600:.2f} h"))
    viol = result.violations
    kpis.append(_kpi("limit violations", str(len(viol)), "elements; first times in the table below",
                     "bad" if len(viol) else "good"))
    banner = ""
    if result.status != "completed":
        banner = (f'<p class="banner">Run stopped: <b>{_e(result.status)}</b>. '
                  f"{_e(result.message)} The curves end at the last computed state.</p>")

    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="linepack {_e(_version())}">',
        f"<title>{_e(page_title)}</title>", f"<style>{_CSS}</style>",
        _plotly_script(plotly, [f for f in (fig_p, fig_l, fig_w) if f is not None]),
        "</head><body>",
        f'<header><h1 id="report-title">{_e(page_title)}</h1><p class="subtitle">{_e(sub)}</p>',
        banner, f'<div class="kpis">{"".join(kpis)}</div>', "</header>",
        '<section id="pressure-section"><h2>Pressure over time</h2>',
        f'<div class="card">{_figure_div(pio, fig_p, PRESSURE_DIV_ID)}</div>',
        f'<p class="note">Nodes: {_e(", ".join(chosen))}. '
        + ("Chosen by the caller." if nodes is not None else
           "Default choice: pressure-held nodes, the node with the lowest pressure and the "
           "largest exits.") + " Pressures are absolute.</p></section>",
        '<section id="linepack-section"><h2>Linepack and packing rate</h2>',
        f'<div class="card">{_figure_div(pio, fig_l, LINEPACK_DIV_ID)}</div>',
        '<p class="note">Linepack: gas stored in all pipes, million normal m³ (0 °C, '
        "1.01325 bar). Packing rate: net inflow into the network (+ packing, − drafting), "
        "the scheme's step value at each output time."
        + (f" The second curve: the linepack of {_e(', '.join(pipes))}." if pipes else "")
        + "</p></section>",
    ]
    if fig_w is not None:
        parts += ['<section id="power-section"><h2>Compressor station power</h2>',
                  f'<div class="card">{_figure_div(pio, fig_w, POWER_DIV_ID)}</div>',
                  '<p class="note">Isentropic shaft power at each output time (0 where the '
                  "station does not compress: bypass, closed, or ratio 1).</p></section>"]
    parts.append('<section id="violations-section"><h2>Limit violations</h2>')
    if len(viol):
        v = viol.copy()
        v["first_time_h"] = v["first_time_s"].astype(float) / 3600.0
        v = v.sort_values("first_time_s", kind="stable")
        parts.append(_table(v, [("element", "element", None), ("kind", "kind", None),
                                ("limit", "limit", None), ("first_time_h", "first time [h]", 2),
                                ("value", "value", 3), ("bound", "bound", 3)],
                            bad=pd.Series(True, index=v.index)))
        parts.append('<p class="note">Checked at every internal time step; pressures in bar '
                     "(absolute).</p>")
    else:
        parts.append('<p class="note">None: no limit was violated at any time step.</p>')
    parts.append("</section>")
    parts.append(f"<footer>Written by linepack {_e(_version())} with plotly.js "
                 f"{_e(plotly.offline.get_plotlyjs_version())} inlined; this file loads "
                 "nothing from the network.</footer></body></html>")
    atomic_write_text(path, "\n".join(x for x in parts if x))
    return path
