"""One self-contained, offline HTML report of a network result.

:func:`write_report` writes a single ``.html`` file that opens without a network
connection: plotly.js is inlined (its basic bundle of 1.2 MB, vendored in ``assets/``, when
every trace is a scatter, bar or pie trace; else plotly's full bundle of 4.8 MB), the
country outlines come from a GeoJSON file shipped in the package and are drawn as plain
lines (no map tiles, no topojson download, no web fonts), and a Content-Security-Policy
forbids the page to load anything at all. The file holds

1. a KPI header (delivered flow, entries, lowest pressure margin and where, total
   linepack, violations, solver status) and the corridor transit of a corridor case,
2. a map of the network: pipes with line width by |flow| and colour by mean pressure,
   compressor stations, control valves, valves, entries and exits marked, entries, exits
   and stations named, hover texts with ids, names and figures, country outlines under it,
3. the pressure profile along a route with the p_min (dashed red) and p_max (dotted dark)
   bounds,
4. the station table,
5. sortable node and pipe tables (absolute pressures, bounds, margin, supply/demand and flows
   in mcm/d at 0 °C and 20 °C, length, diameter, velocity, pressure drop, linepack) with the
   provenance labels of each figure (see :mod:`linepack.report.provenance`),
6. the path to the transit target and the options compared, when the caller passes them,
7. the limit-violation table and
8. the labelled assumptions and the cited sources of the case, when it carries them.

The report reads a network and a result (see :func:`linepack.report.summarize` for the
columns); it never calls a solver. plotly (the ``[plot]`` extra) is imported only when
a report is written.
"""

from __future__ import annotations

from linepack.files import atomic_write_text

import html
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError
from linepack.report.summary import _check_arguments  # noqa: I001 (kept apart: one line)
from linepack.report.summary import (
    default_route,
    edge_table,
    largest_exit,
    node_table,
    reference_node,
    route_profile,
    summarize,
    transit_summary,
)

__all__ = ["write_report", "write_tables_report", "MAP_DIV_ID", "PROFILE_DIV_ID",
           "COUNTRIES_GEOJSON", "PLOTLY_BASIC_JS"]

#: ``id`` of the map's ``<div>`` in the report.
MAP_DIV_ID = "linepack-map"
#: ``id`` of the pressure profile's ``<div>`` in the report.
PROFILE_DIV_ID = "linepack-profile"
#: Country outlines drawn under lon/lat maps (Natural Earth, public domain; see its README).
COUNTRIES_GEOJSON = Path(__file__).resolve().parents[1] / "data" / "geo" / \
    "central-asia-countries.geojson"

#: plotly.js's basic partial bundle (npm ``plotly.js-basic-dist-min``, MIT; see the README beside
#: it): a quarter of the full bundle, enough for the report's ``scatter`` traces.
PLOTLY_BASIC_JS = Path(__file__).resolve().parent / "assets" / "plotly-basic.min.js"
#: The trace types the basic bundle holds (its package README: bar, pie and scatter).
_BASIC_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})

_PRESSURE_SCALE = "Viridis"
#: Line styles of the pressure bounds in the profile: p_min dashed red, p_max dotted dark.
_P_MIN_LINE = {"color": "#b42318", "dash": "dash", "width": 2.0}
_P_MAX_LINE = {"color": "#1d2733", "dash": "dot", "width": 2.0}
_N_COLOURS = 16            # pipe colour classes along the pressure scale
_WIDTH_RANGE = (1.0, 10.0)  # pipe line width for zero and for the largest |flow| [px]
_MAX_MAP_LABELS = 60        # entries/exits named on the map (more: hover texts only)


def _short_name(alias: Any, nid: str) -> str:
    """A short place name for a map label: the alias up to its first ':', ',', ' (' or
    ' offtake' or ' city', when that leaves 3 to 28 characters; else the node id."""
    text = "" if alias is None or (isinstance(alias, float) and math.isnan(alias)) else str(alias)
    short = re.split(r":|,| \(| offtake| city", text, maxsplit=1)[0].strip()
    return short if 3 <= len(short) <= 28 else str(nid)

#: The page may load nothing: every script, style and image is inline or a data: URL.
_CSP = ("default-src 'none'; script-src 'unsafe-inline'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'")

_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

_CSS = """
:root { --ink: #1d2733; --muted: #5b6877; --line: #d5dbe3; --bad: #b42318; --ok: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
       Arial, sans-serif; color: var(--ink); background: #f6f8fa; }
header, section, footer { max-width: 1320px; margin: 0 auto; padding: 12px 24px; }
header h1 { margin: 16px 0 4px; font-size: 26px; }
.subtitle { color: var(--muted); margin: 0 0 12px; }
.banner { background: #fff4e5; border: 1px solid #f5b25b; padding: 8px 12px; border-radius: 6px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; }
.kpi { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.kpi .label { color: var(--muted); font-size: 13px; }
.kpi .value { font-size: 24px; font-weight: 600; margin-top: 2px; white-space: nowrap; }
.kpi .unit { font-size: 15px; font-weight: 500; }
.kpi .detail { color: var(--muted); font-size: 13px; margin-top: 2px; }
.kpi.bad .value { color: var(--bad); }
.kpi.good .value { color: var(--ok); }
h2 { font-size: 19px; margin: 18px 0 8px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
.note { color: var(--muted); font-size: 13px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: right; }
th { background: #eef1f5; position: sticky; top: 0; }
td.text, th.text { text-align: left; }
tr.bad td { color: var(--bad); }
footer { color: var(--muted); font-size: 12px; padding-bottom: 32px; }
.scroll { max-height: 560px; overflow: auto; }
table.compact { font-size: 12px; }
table.compact th, table.compact td { padding: 3px 6px; white-space: nowrap; }
table.compact th { white-space: normal; vertical-align: bottom; min-width: 54px; }
table.compact td.text { white-space: normal; max-width: 260px; }
table.compact td.wrap { min-width: 320px; max-width: 560px; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[data-dir="asc"]::after { content: " ▲"; }
table.sortable th[data-dir="desc"]::after { content: " ▼"; }
table.compact td.first { white-space: nowrap; }
table.compact td.wide { min-width: 240px; }
table.compact td.small { font-size: 11px; color: var(--muted); }
sup.m { font-size: 9px; color: #8a4b00; margin-left: 2px; font-weight: 600; }
table.compact td.basis { color: var(--muted); min-width: 440px; max-width: 640px; font-size: 11px; }
.badge { display: inline-block; border: 1px solid #f5b25b; background: #fff4e5; color: #8a4b00;
         border-radius: 4px; padding: 0 5px; font-size: 12px; }
"""

#: Click a header of a ``table.sortable`` to sort by that column (numbers as numbers).
_SORT_JS = (
    "document.addEventListener('click',function(e){var th=e.target.closest&&"
    "e.target.closest('table.sortable th');if(!th)return;var t=th.closest('table'),"
    "b=t.tBodies[0],i=Array.prototype.indexOf.call(th.parentNode.children,th),"
    "d=th.getAttribute('data-dir')==='asc'?-1:1;"
    "Array.prototype.forEach.call(th.parentNode.children,function(h){h.removeAttribute('data-dir')});"
    "th.setAttribute('data-dir',d>0?'asc':'desc');"
    "function v(c){var s=c.firstChild?c.firstChild.textContent:'';"
    "var n=parseFloat(s.replace(/[\\u2009\\s]/g,'').replace('\\u2212','-'));"
    "return isNaN(n)?null:n}"
    "var r=Array.prototype.slice.call(b.rows);r.sort(function(x,y){var a=v(x.cells[i]),"
    "c=v(y.cells[i]);if(a!==null||c!==null){if(a===null)return 1;if(c===null)return -1;"
    "return d*(a-c)}return d*x.cells[i].textContent.localeCompare(y.cells[i].textContent)});"
    "r.forEach(function(x){b.appendChild(x)})});")


# -- small helpers ---------------------------------------------------------------------------
def _plotly():
    """Import plotly lazily, with an actionable message when the extra is missing."""
    try:
        import plotly
        import plotly.graph_objects as go
        import plotly.io as pio
        import plotly.offline
    except ImportError:
        raise ImportError("linepack.report.write_report needs plotly; install the [plot] extra: "
                          "pip install 'linepack[plot]'") from None
    return plotly, go, pio


def _fmt(value: Any, digits: int = 2, unit: str = "") -> str:
    """A number with ``digits`` decimals (and a unit), or an en dash when missing."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "–"
    if not math.isfinite(v):
        return "–"
    text = f"{v:,.{digits}f}".replace(",", "\u2009")
    return f"{text} {unit}".rstrip() if unit else text


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _load_outlines(geo: Any) -> dict[str, Any] | None:
    """The GeoJSON of the country outlines to draw (``None``: none)."""
    if geo is False:
        return None
    if isinstance(geo, Mapping):
        return dict(geo)
    source = COUNTRIES_GEOJSON if geo in (None, True) else Path(geo)
    try:
        return json.loads(Path(source).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if geo in (None, True):
            return None
        raise InputError(f"write_report: geo file '{source}' does not exist; pass a GeoJSON "
                         "file, a GeoJSON mapping, True/None (built-in outlines) or False") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"write_report: geo file '{source}' is not valid JSON ({exc})") from None


def _outline_rings(geojson: Mapping[str, Any]) -> list[tuple[str, list[np.ndarray]]]:
    """``(name, rings)`` per feature; rings of (Multi)Polygons and LineStrings as (n, 2) arrays."""
    out = []
    features = geojson.get("features", [geojson] if geojson.get("type") == "Feature" else [])
    for feature in features:
        geom = feature.get("geometry") or {}
        kind, coords = geom.get("type"), geom.get("coordinates") or []
        if kind == "Polygon":
            rings = list(coords)
        elif kind == "MultiPolygon":
            rings = [ring for poly in coords for ring in poly]
        elif kind == "LineString":
            rings = [coords]
        elif kind == "MultiLineString":
            rings = list(coords)
        else:
            continue
        arrays = [np.asarray(r, dtype=float)[:, :2] for r in rings if len(r) >= 2]
        if arrays:
            out.append((str((feature.get("properties") or {}).get("name") or ""), arrays))
    return out


def _inside(px: np.ndarray, py: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd point-in-polygon test of points against all rings of one feature."""
    inside = np.zeros(px.shape, dtype=bool)
    for ring in rings:
        xa, ya = ring[:, 0], ring[:, 1]
        xb, yb = np.roll(xa, -1), np.roll(ya, -1)
        keep = ya != yb
        xa, ya, xb, yb = xa[keep], ya[keep], xb[keep], yb[keep]
        for k in range(0, len(xa), 256):   # edges × points in chunks
            x1, y1 = xa[k:k + 256, None], ya[k:k + 256, None]
            x2, y2 = xb[k:k + 256, None], yb[k:k + 256, None]
            crosses = (y1 > py) != (y2 > py)
            x_at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            inside ^= np.logical_xor.reduce(crosses & (px < x_at), axis=0)
    return inside


def _label_points(features: list[tuple[str, list[np.ndarray]]], xr: Sequence[float],
                  yr: Sequence[float]) -> list[tuple[str, float, float]]:
    """Where to write each country name so that it falls inside the country and the view."""
    gx, gy = np.meshgrid(np.linspace(xr[0], xr[1], 48)[1:-1], np.linspace(yr[0], yr[1], 28)[1:-1])
    px, py = gx.ravel(), gy.ravel()
    labels = []
    for name, rings in features:
        pts = np.concatenate(rings)
        if not name or pts[:, 0].max() < xr[0] or pts[:, 0].min() > xr[1] \
                or pts[:, 1].max() < yr[0] or pts[:, 1].min() > yr[1]:
            continue
        inside = _inside(px, py, rings)
        if inside.mean() < 0.03:
            continue
        cx, cy = px[inside].mean(), py[inside].mean()
        k = np.argmin((px[inside] - cx) ** 2 + (py[inside] - cy) ** 2)
        labels.append((name, float(px[inside][k]), float(py[inside][k])))
    return labels


# -- coordinates -----------------------------------------------------------------------------
def _coordinates(network: Any, index: pd.Index, geo: Any) -> tuple[pd.DataFrame, bool, str]:
    """Drawing coordinates ``(xy, is_lonlat, note)``; ``xy`` has columns x, y for drawable nodes."""
    net = network.nodes.reindex(index)

    def num(name: str) -> pd.Series:
        if name in net.columns:
            return pd.to_numeric(net[name], errors="coerce").astype(float)
        return pd.Series(math.nan, index=index)

    lon, lat, x, y = num("lon"), num("lat"), num("x"), num("y")
    has_geo = lon.notna() & lat.notna()
    has_xy = x.notna() & y.notna()
    if geo is False:
        use_geo = False
    elif geo is None:
        use_geo = bool(has_geo.any()) and has_geo.sum() >= has_xy.sum()
    else:
        if not has_geo.any():
            raise InputError("write_report: geo outlines were asked for but no node has lon/lat; "
                             "pass geo=None to fall back to x/y or geo=False")
        use_geo = True
    if use_geo:
        xy = pd.DataFrame({"x": lon, "y": lat})[has_geo]
    else:
        xy = pd.DataFrame({"x": x, "y": y})[has_xy]
    missing = len(index) - len(xy)
    system = "longitude/latitude" if use_geo else "x/y drawing coordinates"
    note = f"Positions: {system}."
    if missing:
        note += f" {missing} of {len(index)} nodes have no coordinates and are not drawn."
    return xy, use_geo, note


# -- hover texts -----------------------------------------------------------------------------
def _node_hover(nid: str, r: Mapping[str, Any]) -> str:
    alias = f" ({_e(r['alias'])})" if r.get("alias") else ""
    lines = [f"<b>{_e(r['kind'])} {_e(nid)}</b>{alias}",
             f"p {_fmt(r['p_bar'], 2, 'bar')} "
             f"[{_fmt(r['p_min_bar'], 1)} – {_fmt(r['p_max_bar'], 1)}]",
             f"margin to p_min {_fmt(r['margin_bar'], 2, 'bar')}"]
    q = r["inflow_mcm_d"]
    if math.isfinite(q) and q > 0:
        lines.append(f"injection {_fmt(q, 3, 'mcm/d')} ({_fmt(r['inflow_kg_s'], 1, 'kg/s')})")
    elif math.isfinite(q) and q < 0:
        lines.append(f"withdrawal {_fmt(-q, 3, 'mcm/d')} ({_fmt(-r['inflow_kg_s'], 1, 'kg/s')})")
    elif math.isfinite(r["inflow_kg_s"]) and r["inflow_kg_s"] != 0:
        lines.append(f"inflow {_fmt(r['inflow_kg_s'], 1, 'kg/s')}")
    if r["violation_bar"] > 0:
        lines.append(f"<b>outside bounds by {_fmt(r['violation_bar'], 3, 'bar')}</b>")
    if math.isfinite(r["height_m"]):
        lines.append(f"height {_fmt(r['height_m'], 0, 'm')}")
    return "<br>".join(lines)


def _edge_hover(cid: str, r: Mapping[str, Any], net: Mapping[str, Any]) -> str:
    a, b = r["from_node"], r["to_node"]
    m = r["m_kg_s"]
    if math.isfinite(m) and m < 0:
        a, b = b, a
    mode = f" – {_e(r['mode'])}" if r["mode"] else ""
    alias = net.get("alias")
    alias = f"<br>{_e(alias)}" if isinstance(alias, str) and alias else ""
    lines = [f"<b>{_e(r['kind'])} {_e(cid)}</b>{mode}{alias}", f"flow {_e(a)} → {_e(b)}",
             f"|q| {_fmt(abs(r['q_mcm_d']), 3, 'mcm/d')} ({_fmt(abs(m), 1, 'kg/s')})",
             f"p {_fmt(r['p_in_bar'], 2)} → {_fmt(r['p_out_bar'], 2, 'bar')} (from → to)"]
    if r["kind"] == "pipe":
        length = net.get("length_m", math.nan) / 1000.0
        d = net.get("diameter_m", math.nan) * 1000.0
        lines.append(f"L {_fmt(length, 1, 'km')}, D {_fmt(d, 0, 'mm')}")
        if math.isfinite(r["v_max_m_s"]):
            lines.append(f"v max {_fmt(r['v_max_m_s'], 2, 'm/s')}")
        if math.isfinite(r["linepack_mcm"]):
            lines.append(f"linepack {_fmt(r['linepack_mcm'], 3, 'mcm')}")
    if math.isfinite(r["ratio"]):
        lines.append(f"ratio {_fmt(r['ratio'], 3)}")
    if math.isfinite(r["power_mw"]):
        lines.append(f"power {_fmt(r['power_mw'], 2, 'MW')}")
    return "<br>".join(lines)


# -- figures ---------------------------------------------------------------------------------
def _map_figure(go: Any, network: Any, nodes: pd.DataFrame, edges: pd.DataFrame,
                geo: Any) -> tuple[Any | None, str, bool]:
    """The network map ``(figure or None, note, outlines drawn)``."""
    from plotly.colors import sample_colorscale

    xy, use_geo, note = _coordinates(network, nodes.index, geo)
    if xy.empty:
        return None, ("No node has coordinates (lon/lat or x/y), so the network cannot be "
                      "drawn."), False
    fig = go.Figure()
    drawn = edges[edges["from_node"].isin(xy.index) & edges["to_node"].isin(xy.index)]
    x0 = xy["x"].reindex(drawn["from_node"]).to_numpy()
    y0 = xy["y"].reindex(drawn["from_node"]).to_numpy()
    x1 = xy["x"].reindex(drawn["to_node"]).to_numpy()
    y1 = xy["y"].reindex(drawn["to_node"]).to_numpy()
    xmid, ymid = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    net_conn = network.connections.reindex(drawn.index)

    # View window: the network plus a margin, widened to a landscape plot area; lon/lat
    # outlines outside it are clipped by the axes.
    xmin, xmax = float(xy["x"].min()), float(xy["x"].max())
    ymin, ymax = float(xy["y"].min()), float(xy["y"].max())
    xscale = math.cos(math.radians(float(np.clip(xy["y"].mean(), -80.0, 80.0)))) if use_geo \
        else 1.0
    span = max((xmax - xmin) * xscale, ymax - ymin)
    pad = max(0.06 * span, 0.3 if use_geo else 0.0) or 1.0
    width, height = (xmax - xmin) * xscale + 2 * pad, (ymax - ymin) + 2 * pad
    aspect = 1.8  # plot area width / height of the map
    if width / height > aspect:
        height = width / aspect
    else:
        width = height * aspect
    xc, yc = (xmin + xmax) / 2.0, (ymin + ymax) / 2.0
    xr = [xc - width / (2 * xscale), xc + width / (2 * xscale)]
    yr = [yc - height / 2.0, yc + height / 2.0]

    outlines = False
    if use_geo:
        gj = _load_outlines(geo)
        features = _outline_rings(gj) if gj is not None else []
        if features:
            outlines = True
            ox: list[float | None] = []
            oy: list[float | None] = []
            for _, rings in features:
                for ring in rings:
                    ox += ring[:, 0].tolist() + [None]
                    oy += ring[:, 1].tolist() + [None]
            fig.add_trace(go.Scatter(x=ox, y=oy, mode="lines", name="country borders",
                                     line=dict(color="#9aa5b1", width=1),
                                     hoverinfo="skip", legendrank=900))
            labels = _label_points(features, xr, yr)
            if labels:
                fig.add_trace(go.Scatter(
                    x=[lx for _, lx, _ in labels], y=[ly for _, _, ly in labels],
                    text=[_e(n).upper() for n, _, _ in labels], mode="text",
                    textfont=dict(color="#aab4bf", size=13), hoverinfo="skip",
                    showlegend=False))

    # Pipes: width by |flow|, colour by mean pressure, grouped into classes (few traces).
    is_pipe = (drawn["kind"] == "pipe").to_numpy()
    pmean = ((drawn["p_in_bar"] + drawn["p_out_bar"]) / 2.0).to_numpy()
    qabs = drawn["q_mcm_d"].abs().fillna(drawn["m_kg_s"].abs()).to_numpy()
    finite_p = pmean[is_pipe & np.isfinite(pmean)]
    if finite_p.size == 0:
        finite_p = nodes["p_bar"].dropna().to_numpy()
    cmin = float(finite_p.min()) if finite_p.size else 0.0
    cmax = float(finite_p.max()) if finite_p.size else 1.0
    if cmax - cmin < 1e-9:
        cmin, cmax = cmin - 1.0, cmax + 1.0
    qmax = float(np.nanmax(qabs[is_pipe])) if is_pipe.any() and np.isfinite(qabs[is_pipe]).any() \
        else 0.0
    w_lo, w_hi = _WIDTH_RANGE
    widths = np.where(np.isfinite(qabs) & (qmax > 0), w_lo + (w_hi - w_lo) * qabs / (qmax or 1),
                      w_lo)
    widths = np.round(widths)  # whole pixels: at most 10 × 16 pipe traces
    level = np.where(np.isfinite(pmean),
                     np.round((pmean - cmin) / (cmax - cmin) * (_N_COLOURS - 1)), -1).astype(int)
    palette = sample_colorscale(_PRESSURE_SCALE, [k / (_N_COLOURS - 1) for k in range(_N_COLOURS)])
    groups: dict[tuple[float, int], list[int]] = {}
    for k in np.flatnonzero(is_pipe):
        groups.setdefault((float(widths[k]), int(level[k])), []).append(int(k))
    first = True
    for (line_width, lev), members in sorted(groups.items()):
        gx: list[float | None] = []
        gy: list[float | None] = []
        for k in members:
            gx += [x0[k], x1[k], None]
            gy += [y0[k], y1[k], None]
        fig.add_trace(go.Scatter(
            x=gx, y=gy, mode="lines", name="pipes (width ∝ |flow|)", legendgroup="pipes",
            showlegend=first, hoverinfo="skip", legendrank=100,
            line=dict(width=line_width, color=palette[lev] if lev >= 0 else "#8c96a0")))
        first = False

    # Other connections: thin dark lines, dotted when closed.
    others = drawn[~is_pipe]
    is_closed = others["mode"].astype(str).str.split(":", n=1).str[0] == "closed"
    for (kind, closed), part in others.groupby([others["kind"], is_closed]):
        pos = [drawn.index.get_loc(c) for c in part.index]
        gx, gy = [], []
        for k in pos:
            gx += [x0[k], x1[k], None]
            gy += [y0[k], y1[k], None]
        fig.add_trace(go.Scatter(
            x=gx, y=gy, mode="lines", name=f"{kind}{' (closed)' if closed else ''}",
            legendgroup=f"conn-{kind}", showlegend=False, hoverinfo="skip",
            line=dict(width=2.5, color="#3d4753", dash="dot" if closed else "solid")))

    # Hover points in the middle of each connection; stations get a visible marker.
    edge_rows, conn_rows = drawn.to_dict("index"), net_conn.to_dict("index")
    hover = [_edge_hover(c, edge_rows[c], conn_rows[c]) for c in drawn.index]
    marks = {"compressorStation": ("compressor stations", "triangle-right", "#d62728", 15),
             "controlValve": ("control valves", "diamond", "#e377c2", 12),
             "valve": ("valves", "square", "#ffffff", 9),
             "resistor": ("resistors", "square-x", "#ffffff", 9),
             "checkValve": ("check valves", "triangle-right-open", "#3d4753", 9)}
    plain = np.ones(len(drawn), dtype=bool)
    for rank, (kind, (label, symbol, colour, size)) in enumerate(marks.items()):
        sel = (drawn["kind"] == kind).to_numpy()
        if not sel.any():
            continue
        plain &= ~sel
        fig.add_trace(go.Scatter(
            x=xmid[sel], y=ymid[sel], mode="markers", name=label, legendrank=300 + rank,
            text=[hover[k] for k in np.flatnonzero(sel)], hovertemplate="%{text}<extra></extra>",
            marker=dict(symbol=symbol, size=size, color=colour, opacity=1.0,
                        line=dict(color="#1d2733", width=1.2))))
    if plain.any():
        fig.add_trace(go.Scatter(
            x=xmid[plain], y=ymid[plain], mode="markers", name="connection info",
            showlegend=False, text=[hover[k] for k in np.flatnonzero(plain)],
            hovertemplate="%{text}<extra></extra>",
            marker=dict(size=10, color="rgba(0,0,0,0)")))

    # Names of the compressor stations (small, beside their markers).
    cs = np.flatnonzero((drawn["kind"] == "compressorStation").to_numpy())
    if 0 < len(cs) <= _MAX_MAP_LABELS:
        fig.add_trace(go.Scatter(
            x=xmid[cs], y=ymid[cs], mode="markers+text", name="station names",
            text=[_e(_short_name(conn_rows[drawn.index[k]].get("alias"), drawn.index[k]))
                  for k in cs], textposition="middle left",
            marker=dict(size=18, color="rgba(0,0,0,0)"),
            textfont=dict(color="#8a2a1f", size=9), hoverinfo="skip", showlegend=False))

    # Colour bar of the pipe pressure (an invisible trace carries it).
    fig.add_trace(go.Scatter(
        x=[xy["x"].iloc[0]], y=[xy["y"].iloc[0]], mode="markers", showlegend=False,
        hoverinfo="skip",
        marker=dict(size=0.1, opacity=0, color=[cmin], cmin=cmin, cmax=cmax,
                    colorscale=_PRESSURE_SCALE, showscale=True,
                    colorbar=dict(title=dict(text="mean pipe<br>pressure [bar]"), thickness=16,
                                  len=0.8, x=1.01))))

    # Nodes: junctions, entries, exits; violated nodes ringed in red.
    drawn_nodes = nodes.loc[xy.index]
    node_rows = drawn_nodes.to_dict("index")
    inflow = drawn_nodes["inflow_mcm_d"].fillna(drawn_nodes["inflow_kg_s"]).abs()
    fmax = float(inflow.max()) if inflow.notna().any() and inflow.max() > 0 else 1.0
    styles = [("innode", "junctions", "circle", "#5b6877", None),
              ("source", "entries (sources)", "triangle-up", "#2ca02c", 11),
              ("sink", "exits (sinks)", "square", "#ff7f0e", 9)]
    known = {k for k, *_ in styles}
    for rank, (kind, label, symbol, colour, base) in enumerate(styles):
        sel = drawn_nodes["kind"] == kind if kind != "innode" else ~drawn_nodes["kind"].isin(
            known - {"innode"})
        part = drawn_nodes[sel]
        if part.empty:
            continue
        if base is None:
            size: Any = 5
        else:
            size = (base + 12 * np.sqrt(inflow[part.index].fillna(0.0) / fmax)).round(1).tolist()
        fig.add_trace(go.Scatter(
            x=xy.loc[part.index, "x"], y=xy.loc[part.index, "y"], mode="markers", name=label,
            legendrank=200 + rank, text=[_node_hover(n, node_rows[n]) for n in part.index],
            hovertemplate="%{text}<extra></extra>",
            marker=dict(symbol=symbol, size=size, color=colour, opacity=1.0,
                        line=dict(color="#1d2733", width=1 if base else 0))))
    # Names of the entries and exits (and the case's transit entry and exit) on the map.
    meta = getattr(network, "meta", None) or {}
    named = drawn_nodes[drawn_nodes["kind"].isin(("source", "sink"))
                        | drawn_nodes.index.isin([meta.get("transit_entry"),
                                                  meta.get("transit_exit")])]
    if 0 < len(named) <= _MAX_MAP_LABELS:
        lx, ly, lt, lpos, seen = [], [], [], [], []
        for nid, r in named.iterrows():
            label = _short_name(r.get("alias", ""), nid)
            x_, y_ = float(xy.at[nid, "x"]), float(xy.at[nid, "y"])
            # one label per name and place (co-located offtakes of two options)
            if any(t == label and abs(x_ - a) < 0.5 and abs(y_ - b) < 0.5 for t, a, b in seen):
                continue
            pos = "bottom" if r["kind"] == "sink" else "top"
            near = [p_ for (_, a, b), p_ in zip(seen, lpos)
                    if abs(x_ - a) < 2.5 and abs(y_ - b) < 0.9]
            if any(p_.startswith(pos) for p_ in near):
                pos = "top" if pos == "bottom" else "bottom"
            seen.append((label, x_, y_))
            lx.append(x_)
            ly.append(y_)
            lt.append(_e(label))
            lpos.append(f"{pos} right")
        # invisible markers the size of the symbols keep each name beside its symbol
        fig.add_trace(go.Scatter(
            x=lx, y=ly, text=lt, mode="markers+text", name="names", textposition=lpos,
            marker=dict(size=16, color="rgba(0,0,0,0)"),
            textfont=dict(color="#1d2733", size=11), hoverinfo="skip", showlegend=False))
    bad = drawn_nodes[drawn_nodes["violation_bar"] > 0]
    if len(bad):
        fig.add_trace(go.Scatter(
            x=xy.loc[bad.index, "x"], y=xy.loc[bad.index, "y"], mode="markers",
            name="pressure outside bounds", legendrank=250,
            text=[_node_hover(n, node_rows[n]) for n in bad.index],
            hovertemplate="%{text}<extra></extra>",
            marker=dict(symbol="circle-open", size=20, color="#b42318", opacity=1.0,
                        line=dict(width=3))))

    layout: dict[str, Any] = dict(
        height=720, margin=dict(l=60, r=20, t=30, b=60), plot_bgcolor="#ffffff",
        hovermode="closest", hoverlabel=dict(align="left"),
        legend=dict(orientation="h", yanchor="top", y=-0.07, x=0.0),
        xaxis=dict(range=xr, showgrid=True, gridcolor="#eef1f5", zeroline=False,
                   title=dict(text="longitude [°E]" if use_geo else "x")),
        yaxis=dict(range=yr, showgrid=True, gridcolor="#eef1f5", zeroline=False,
                   title=dict(text="latitude [°N]" if use_geo else "y"),
                   scaleanchor="x", scaleratio=1.0))
    if use_geo:
        # Equirectangular with the aspect of the map's mean latitude.
        layout["yaxis"]["scaleratio"] = 1.0 / xscale
    fig.update_layout(**layout)
    if use_geo:
        note += " Equirectangular view scaled for the mean latitude."
    return fig, note, outlines


def _profile_figure(go: Any, profile: pd.DataFrame, title: str) -> Any:
    """Pressure along the route (km vs bar absolute) with dashed bounds."""
    fig = go.Figure()
    x = profile["distance_km"]
    names = profile["name"] if "name" in profile.columns else pd.Series("", index=profile.index)
    hover = [f"<b>{_e(r.kind)} {_e(r.node)}</b>"
             + (f"<br>{_e(name)}" if isinstance(name, str) and name else "")
             + f"<br>{_fmt(r.distance_km, 1, 'km')} from start"
             f"<br>p {_fmt(r.p_bar, 2, 'bar')} [{_fmt(r.p_min_bar, 1)} – {_fmt(r.p_max_bar, 1)}]"
             + (f"<br>via {_e(r.via_kind)} {_e(r.via)}" if r.via else "")
             for r, name in zip(profile.itertuples(), names)]
    for col, label, style in (("p_max_bar", "p_max (upper bound)", _P_MAX_LINE),
                              ("p_min_bar", "p_min (lower bound)", _P_MIN_LINE)):
        if profile[col].notna().any():
            fig.add_trace(go.Scatter(x=x, y=profile[col], mode="lines", name=label,
                                     line=dict(style),
                                     hovertemplate=f"{label.split()[0]} %{{y:.2f}} bar"
                                                   "<extra></extra>"))
    fig.add_trace(go.Scatter(x=x, y=profile["p_bar"], mode="lines+markers", name="pressure",
                             line=dict(color="#1f4e79", width=2.5), marker=dict(size=6),
                             text=hover, hovertemplate="%{text}<extra></extra>"))
    st = profile[profile["via_kind"] == "compressorStation"]
    if len(st):
        fig.add_trace(go.Scatter(
            x=st["distance_km"], y=st["p_bar"], mode="markers+text", name="compressor stations",
            text=[_e(v) for v in st["via"]], textposition="top center",
            marker=dict(symbol="triangle-up", size=13, color="#d62728", opacity=1.0,
                        line=dict(color="#1d2733", width=1)),
            hovertemplate="compressor station %{text}<br>p out %{y:.2f} bar<extra></extra>"))
    fig.update_layout(
        height=460, margin=dict(l=60, r=20, t=40, b=90), plot_bgcolor="#ffffff",
        title=dict(text=title, x=0.01, font=dict(size=14)), hovermode="closest",
        hoverlabel=dict(align="left"), legend=dict(orientation="h", y=-0.2, x=0.0,
                                                    yanchor="top"),
        xaxis=dict(title=dict(text="distance along route [km]"), gridcolor="#eef1f5",
                   zeroline=False),
        yaxis=dict(title=dict(text="pressure [bar, absolute]"), gridcolor="#eef1f5",
                   zeroline=False))
    return fig


# -- HTML pieces -----------------------------------------------------------------------------
def _kpi(label: str, value: str, detail: str = "", state: str = "") -> str:
    cls = f"kpi {state}".strip()
    detail_html = f'<div class="detail">{detail}</div>' if detail else ""
    return (f'<div class="{cls}"><div class="label">{_e(label)}</div>'
            f'<div class="value">{value}</div>{detail_html}</div>')


def _number(value: Any, digits: int, unit: str) -> str:
    """A KPI value as HTML: the number large, the unit smaller."""
    text = _fmt(value, digits)
    return _e(text) if text == "–" else f'{_e(text)} <span class="unit">{_e(unit)}</span>'


def _kpi_block(s: Mapping[str, Any]) -> str:
    def flow(mcm: Any, kg: Any) -> str:
        return _number(mcm, 2, "mcm/d (0 °C)") if mcm is not None else _number(kg, 1, "kg/s")

    cards = [
        _kpi("Delivered to exits", flow(s["delivered_mcm_d"], s["delivered_kg_s"]),
             f"{s['n_exits']} exit(s)"),
        _kpi("Entries", flow(s["entries_mcm_d"], s["entries_kg_s"]),
             f"{s['n_entries']} entr{'y' if s['n_entries'] == 1 else 'ies'}"),
    ]
    margin = s["min_margin_bar"]
    if margin is None:
        cards.append(_kpi("Lowest pressure margin", "–", "no node has pressure bounds"))
    else:
        nearest = "p_max − p" if s.get("min_margin_limit") == "p_max" else "p − p_min"
        cards.append(_kpi("Lowest pressure margin", _number(margin, 2, "bar"),
                          f"at node {_e(s['min_margin_node'])} ({nearest}, to the nearest bound)",
                          "bad" if margin < 0 else ""))
    cards.append(_kpi("Total linepack", _number(s["linepack_mcm"], 2, "mcm (0 °C)"),
                      "gas in every pipe of the model, normal m³ (0 °C, 1.01325 bar)"))
    n = s["n_violations"]
    cards.append(_kpi("Limit violations", str(n), "see the table below" if n else "all limits met",
                      "bad" if n else "good"))
    status = s["status"] or "–"
    iters = f"{s['iterations']} iteration(s)" if s["iterations"] is not None else ""
    cards.append(_kpi("Solver", _e(status), _e(iters),
                      "" if status.lower() in ("converged", "ok", "optimal", "solved", "–")
                      else "bad"))
    return f'<div class="kpis">{"".join(cards)}</div>'


def _transit_section(network: Any, result: Any) -> str:
    """The corridor transit headline (see :func:`linepack.report.summary.transit_summary`)."""
    k = transit_summary(network, result)
    if k is None:
        return ""
    tr, lp, fu, co2, cost = k["transit"], k["linepack"], k["fuel"], k["co2"], k["cost"]
    rows = [
        ("Transit delivered at " + k["exit"],
         f"{tr['q_mcm_d_20c']:.2f} mcm/d (20 °C) ≈ {tr['bcm_y_20c']:.2f} bcm/y (20 °C); "
         f"{tr['q_mcm_d_0c']:.2f} mcm/d (0 °C)"),
        ("Entry / border pressure (absolute)",
         f"{tr['entry_p_bar']:.2f} bar at {k['entry']} / {tr['border_p_bar']:.2f} bar at {k['exit']}"
         + (f" (minimum {tr['border_p_min_bar']:.2f}, margin {tr['border_margin_bar']:.2f} bar)"
            if tr.get("border_p_min_bar") is not None else "")),
    ]
    if lp["transit_path_mcm_0c"] is not None:
        rows.append(("Linepack, transit path",
                     f"{lp['transit_path_mcm_0c']:.1f} million m³ (0 °C) = "
                     f"{lp['transit_path_mcm_20c']:.1f} million m³ (20 °C); "
                     f"{len(lp['transit_path_pipes'])} pipes in service on the route"))
    if lp["whole_model_mcm_0c"] is not None:
        rows.append(("Linepack, whole model",
                     f"{lp['whole_model_mcm_0c']:.1f} million m³ (0 °C), every pipe incl. closed-off "
                     f"and unbuilt sections; pipes carrying flow {lp['flowing_pipes_mcm_0c']:.1f}"))
    rows.append(("Compressor fuel, transit path",
                 f"{fu['transit_path_mcm_d_20c']:.3f} mcm/d (20 °C) = {fu['transit_path_pct']:.2f} % "
                 f"of the transit; all stations {fu['all_stations_mcm_d_20c']:.3f} mcm/d (20 °C)"))
    if cost is not None and cost["transit_fuel_usd_per_bcm"] is not None:
        rows.append(("Fuel cost of the transit",
                     f"{cost['transit_fuel_usd_per_bcm'] / 1e6:.2f} million USD per bcm transported "
                     f"(fuel at {cost['price_usd_per_1000m3_20c']:g} USD per 1000 m³ (20 °C), "
                     "assumption A_FUEL_PRICE)"))
    if co2 is not None:
        rows.append(("CO₂", f"transit fuel {co2['transit_fuel_mt_y']:.3f} Mt/y, all stations "
                     f"{co2['all_stations_fuel_mt_y']:.3f} Mt/y; burning the delivered transit gas "
                     f"{co2['delivered_transit_gas_mt_y']:.2f} Mt/y; {co2['t_per_tj_net']:.1f} t/TJ "
                     f"(net, from the composition; IPCC 2006 default "
                     f"{co2['ipcc_2006_default_t_per_tj']:.1f})"))
    body = "".join(f'<tr><td class="text">{_e(a)}</td><td class="text">{_e(b)}</td></tr>'
                   for a, b in rows)
    out = ['<section id="transit-section"><h2>Corridor transit</h2>',
           f'<div class="card"><table><tbody>{body}</tbody></table></div>']
    active = pd.DataFrame([s_ for s_ in k["stations"] if s_["power_mw"] > 0])
    if len(active):
        out.append(_table(active, [
            ("id", "station", None), ("on_transit_path", "transit path", None),
            ("power_mw", "power [MW]", 2), ("drive_efficiency", "drive efficiency [-]", 2),
            ("fuel_mcm_d_20c", "fuel [mcm/d, 20 °C]", 4),
            ("fuel_pct_of_throughput", "fuel [% of throughput]", 2),
            ("fuel_co2_t_d", "CO₂ [t/d]", 0)]))
    meta = getattr(network, "meta", None) or {}
    labels = ""
    if meta.get("economics_note"):
        labels = f" Labelled assumptions: {meta['economics_note']}."
    if meta.get("assumption_set") or meta.get("assumption_sets"):
        labels += f" Assumption set: {meta.get('assumption_set') or 'central'}."
    out.append(f'<p class="note">Volume basis: {_e(k["basis"]["0c"])}; {_e(k["basis"]["20c"])}; '
               f'bcm/y = {_e(k["basis"]["bcm_y"])}. Fuel = shaft power / (drive efficiency × net '
               f"calorific value).{_e(labels)}</p></section>")
    return "".join(out)


def _table(df: pd.DataFrame, columns: Sequence[tuple[str, str, Any]],
           bad: pd.Series | None = None) -> str:
    """An HTML table; ``columns`` are ``(column, header, digits or None for text)``."""
    head = "".join(f'<th class="{"text" if d is None else ""}">{_e(h)}</th>'
                   for _, h, d in columns)
    body = []
    for i, (_, row) in enumerate(df.iterrows()):
        cells = []
        for col, _, digits in columns:
            v = row[col]
            if digits is None:
                cells.append(f'<td class="text">{_e("" if pd.isna(v) else v)}</td>')
            else:
                cells.append(f"<td>{_e(_fmt(v, digits))}</td>")
        cls = ' class="bad"' if bad is not None and bool(bad.iloc[i]) else ""
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (f'<div class="card" style="overflow-x:auto"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


# -- node and pipe tables with their provenance labels -----------------------------------------
_MARKER_NOTE = ("Markers beside a figure: A = it rests on a labelled assumption (A_…); H, M, L = "
                "on a fact row of high, medium or low confidence (the weakest one cited); hover "
                "a marker for its provenance. The basis column lists every label of the "
                "element; each is explained under Assumptions and sources. Click a column "
                "heading to sort.")

#: Short names of provenance fields in the basis column.
_FIELD_NAMES = {"p_min_bar": "p_min", "p_max_bar": "p_max", "height_m": "height",
                "length_km": "length", "diameter_mm": "diameter", "roughness_mm": "roughness",
                "scenario": "boundary value", "power_max_mw": "power max",
                "p_in_min_bar": "p_in min", "p_out_max_bar": "p_out max"}


class _Provenance:
    """Provenance texts of one case, looked up by element and field."""

    def __init__(self, network: Any, scenario: Any) -> None:
        from linepack.report.provenance import element_provenance

        df = element_provenance(network, scenario)
        self.text = {(r.element, r.field): r.text for r in df.itertuples()}
        self.labels = {(r.element, r.field): r.labels for r in df.itertuples()}
        self.marker = {(r.element, r.field): r.marker for r in df.itertuples()}
        self.fields: dict[str, list[str]] = {}
        for r in df.itertuples():
            self.fields.setdefault(r.element, []).append(r.field)

    def __bool__(self) -> bool:
        return bool(self.text)

    def sup(self, element: str, field: str) -> str:
        """The marker of one figure as a ``<sup>`` with its provenance as a tooltip."""
        key = (element, field)
        if not self.marker.get(key):
            return ""
        return (f'<sup class="m" title="{_e(self.text[key])}">'
                f"{_e(self.marker[key])}</sup>")

    def basis(self, element: str) -> str:
        """Every label of an element: ``field: labels; …`` (lon/lat merged)."""
        parts: list[str] = []
        seen: dict[str, str] = {}
        for field in self.fields.get(element, []):
            labels = self.labels[(element, field)]
            if not labels:
                continue
            name = "position" if field in ("lon", "lat") else _FIELD_NAMES.get(field, field)
            if seen.get(name) == labels:
                continue
            seen[name] = labels
            parts.append(f"{name}: {labels}")
        return "; ".join(parts)


#: Units of the network's gas properties (SI, as linepack keeps them).
_GAS_UNITS = {"normal_density": "kg/m³ at 0 °C", "molar_mass": "kg/mol",
              "pseudo_critical_pressure": "Pa", "pseudo_critical_temperature": "K",
              "calorific_value": "J per m³ at 0 °C, gross", "temperature": "K"}


def _is_number(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _num_cell(value: Any, digits: int, sup: str = "") -> str:
    text = _fmt(value, digits)
    if text.startswith("-") and not text.strip("-0.\u2009"):
        text = text[1:]   # no "-0.000"
    return f"<td>{_e(text)}{sup}</td>"


def _sortable(head: Sequence[tuple[str, bool]], rows: Sequence[str], table_id: str,
              scroll: bool = True) -> str:
    """A compact, sortable table (scrolling when ``scroll``); ``head`` is ``(header,
    is_text)``."""
    th = "".join(f'<th class="{"text" if t else ""}">{_e(h)}</th>' for h, t in head)
    box = "card scroll" if scroll else "card"
    return (f'<div class="{box}" style="overflow-x:auto"><table id="{_e(table_id)}" '
            'class="compact sortable">'
            f"<thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _std_to_normal(network: Any) -> float:
    meta = getattr(network, "meta", None) or {}
    try:
        v = float(meta.get("standard_to_normal", 273.15 / 293.15))
    except (TypeError, ValueError):
        v = 273.15 / 293.15
    return v if math.isfinite(v) and v > 0 else 273.15 / 293.15


def _node_section(network: Any, result: Any, nodes: pd.DataFrame, prov: _Provenance) -> str:
    """Every node: name, pressure and bounds (absolute bar), margin, supply/demand."""
    std = _std_to_normal(network)
    held = _column_or_nan(result.nodes, "p_fixed_bar")
    rows = []
    order = nodes["kind"].map({"source": 0, "sink": 1}).fillna(2)
    for nid, r in nodes.loc[order.sort_values(kind="stable").index].iterrows():
        q = r["inflow_mcm_d"]
        boundary = prov.sup(nid, "scenario")
        is_held = math.isfinite(held.get(nid, math.nan))
        cls = ' class="bad"' if r["violation_bar"] > 0 else ""
        rows.append(
            f"<tr{cls}>"
            f'<td class="text">{_e(nid)}</td><td class="text">{_e(r["alias"])}</td>'
            f'<td class="text">{_e(r["kind"])}{" (held p)" if is_held else ""}</td>'
            + _num_cell(r["p_bar"], 2, boundary if is_held else "")
            + _num_cell(r["p_min_bar"], 1, prov.sup(nid, "p_min_bar"))
            + _num_cell(r["p_max_bar"], 1, prov.sup(nid, "p_max_bar"))
            + _num_cell(r["margin_bar"], 2)
            + _num_cell(q if q != 0 else 0.0, 3, "" if is_held else boundary)
            + _num_cell(q / std if math.isfinite(q) else q, 3)
            + f'<td class="basis text">{_e(prov.basis(nid))}</td></tr>')
    head = [("id", True), ("name", True), ("kind", True), ("p [bar abs]", False),
            ("p_min [bar abs]", False), ("p_max [bar abs]", False),
            ("margin p − p_min [bar]", False), ("supply + / demand − [mcm/d, 0 °C]", False),
            ("supply + / demand − [mcm/d, 20 °C]", False), ("basis (labels)", True)]
    note = ("Pressures are absolute bar. Supply and demand in million m³ per day at 0 °C, "
            "1.01325 bar (normal m³, linepack's unit) and at 20 °C (standard m³, as Russian, "
            f"Kazakh and Uzbek figures are published; 1 m³ at 20 °C = {std:.6f} m³ at 0 °C). "
            "Entries and exits first; rows in red are outside their pressure bounds.")
    return ('<section id="nodes-section"><h2>Nodes</h2>'
            + _sortable(head, rows, "node-table")
            + f'<p class="note">{_e(note)}{" " + _e(_MARKER_NOTE) if prov else ""}</p></section>')


def _pipe_section(network: Any, edges: pd.DataFrame, prov: _Provenance) -> str:
    """Every pipe: ends, length, diameter, flow, velocity, pressure drop, linepack."""
    std = _std_to_normal(network)
    pipes = edges[edges["kind"] == "pipe"]
    if pipes.empty:
        return ""
    net = network.connections.reindex(pipes.index)
    rows = []
    for cid, r in pipes.iterrows():
        q, m = r["q_mcm_d"], r["m_kg_s"]
        sign = -1.0 if (math.isfinite(m) and m < 0) or (not math.isfinite(m) and q < 0) else 1.0
        dp = (r["p_in_bar"] - r["p_out_bar"]) * sign
        length = float(net.at[cid, "length_m"]) / 1000.0 if "length_m" in net else math.nan
        d_mm = float(net.at[cid, "diameter_m"]) * 1000.0 if "diameter_m" in net else math.nan
        rows.append(
            f'<tr><td class="text">{_e(cid)}</td><td class="text">{_e(r["from_node"])}</td>'
            f'<td class="text">{_e(r["to_node"])}</td>'
            + _num_cell(length, 1, prov.sup(cid, "length_km"))
            + _num_cell(d_mm, 0, prov.sup(cid, "diameter_mm"))
            + _num_cell(q, 3) + _num_cell(q / std if math.isfinite(q) else q, 3)
            + _num_cell(r["v_max_m_s"], 2) + _num_cell(dp, 2) + _num_cell(r["linepack_mcm"], 2)
            + f'<td class="basis text">{_e(prov.basis(cid))}</td></tr>')
    head = [("id", True), ("from", True), ("to", True), ("length [km]", False),
            ("inner diameter [mm]", False), ("flow [mcm/d, 0 °C]", False),
            ("flow [mcm/d, 20 °C]", False), ("v max [m/s]", False),
            ("pressure drop [bar]", False), ("linepack [million m³, 0 °C]", False),
            ("basis (labels)", True)]
    note = ("Flow is positive from → to; the pressure drop is taken in the direction of flow "
            "(inlet minus outlet, absolute bar; it includes the height difference). Linepack is "
            "the gas held in the pipe in normal m³ (0 °C, 1.01325 bar).")
    return ('<section id="pipes-section"><h2>Pipes</h2>' + _sortable(head, rows, "pipe-table")
            + f'<p class="note">{_e(note)}</p></section>')


def _column_or_nan(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        out = pd.to_numeric(df[name], errors="coerce").astype(float)
    else:
        out = pd.Series(math.nan, index=df.index, dtype=float)
    out.index = out.index.astype(str)
    return out


def _assumption_section(network: Any, scenario: Any) -> str:
    """Every labelled assumption (value in force, text, reason, what rests on it) and every
    cited source with its confidence."""
    from linepack.report.provenance import assumption_table, source_table

    assumptions = assumption_table(network, scenario)
    sources = source_table(network, scenario)
    if assumptions.empty and sources.empty:
        return ""
    meta = getattr(network, "meta", None) or {}
    aset = meta.get("assumption_set") or ("central" if meta.get("assumption_sets") else "")
    out = ['<section id="assumptions-section"><h2>Assumptions and sources</h2>']
    intro = []
    if aset:
        sets = ", ".join(meta.get("assumption_sets") or [])
        intro.append(f"Assumption set in force: {aset} (sets of the case: {sets}; "
                     "--assumptions low|central|high).")
    if meta.get("economics_note"):
        intro.append(f"Economics: {meta['economics_note']}.")
    if meta.get("units"):
        intro.append(str(meta["units"]))
    if intro:
        out.append(f'<p class="note">{_e(" ".join(intro))}</p>')
    if not assumptions.empty:
        rows = []
        for r in assumptions.itertuples():
            changed = "" if str(r.value) == str(r.central) else \
                f' <span class="badge">central {_e(r.central)}</span>'
            rows.append(
                f'<tr id="{_e(r.id)}"><td class="text"><b>{_e(r.id)}</b></td>'
                f'<td class="text">{_e(r.value)}{changed}</td>'
                f'<td class="text wrap">{_e(r.text)}<br><span class="note">{_e(r.reason)}'
                f'</span></td><td>{r.used_by}</td><td class="small text">{_e(r.elements)}</td>'
                "</tr>")
        head = [("assumption", True), ("value in force", True), ("what and why", True),
                ("fields resting on it", False), ("elements (first six)", True)]
        out.append(f"<h3>Labelled assumptions ({len(assumptions)})</h3>")
        out.append(_sortable(head, rows, "assumption-table"))
        out.append('<p class="note">Fields resting on it: element fields of the model and '
                   "boundary values of this scenario whose provenance names the assumption; 0 "
                   "means it is used by other scenarios, controls, the plan candidates or the "
                   "option costs (meta.*, listed in elements when named there).</p>")
    gas_prov = meta.get("gas_provenance") or {}
    if gas_prov:
        from linepack.report.provenance import cell_marker, provenance_labels

        gas = getattr(network, "gas", None) or {}
        rows = []
        for field, text in gas_prov.items():
            lab = provenance_labels(text)
            labels = ", ".join(lab["assumptions"] + [f"{k} ({c})" if c else k
                                                     for k, c in lab["sources"]])
            value = gas.get(field, "")
            unit = _GAS_UNITS.get(field, "")
            rows.append(f'<tr><td class="text">{_e(field)}{" [" + unit + "]" if unit else ""}</td>'
                        f'<td>{_e(f"{float(value):.6g}" if _is_number(value) else "–")}'
                        f'<sup class="m" title="{_e(text)}">{_e(cell_marker([text]))}</sup></td>'
                        f'<td class="text small">{_e(labels)}</td></tr>')
        out.append("<h3>Gas properties</h3>")
        out.append(_sortable([("property", True), ("value", False), ("labels", True)],
                             rows, "gas-table", scroll=False))
    if not sources.empty:
        rows = [f'<tr><td class="text"><b>{_e(r.key)}</b></td>'
                f'<td class="text">{_e(r.confidence) or "–"}</td>'
                f'<td class="text wrap">{_e(r.citation)}</td><td>{r.used_by}</td></tr>'
                for r in sources.itertuples()]
        head = [("source key", True), ("confidence of the fact rows", True),
                ("citation", True), ("fields citing it", False)]
        out.append(f"<h3>Sources ({len(sources)})</h3>")
        out.append(_sortable(head, rows, "source-table"))
        out.append('<p class="note">Fact rows and their confidence come from the case\'s fact '
                   "sheets (meta.sources); a field citing several rows shows the weakest "
                   "confidence as its marker.</p>")
    out.append("</section>")
    return "".join(out)


# -- the path to the transit target and the options compared (computed by the caller) -------
def _frame_table(df: pd.DataFrame, columns: Sequence[tuple[str, str, Any]], table_id: str,
                 bad: pd.Series | None = None) -> str:
    """A sortable table of the ``columns`` of ``df`` that exist: ``(column, header, digits or
    None for text or a callable value → text)``; every column when fewer than two exist."""
    cols = [c for c in columns if c[0] in df.columns]
    if len(cols) < 2:
        cols = [(c, str(c), None if df[c].dtype == object or df[c].dtype == bool else 2)
                for c in df.columns]
    rows = []
    for i, (_, r) in enumerate(df.iterrows()):
        cells = []
        for k, (col, _, how) in enumerate(cols):
            v = r[col]
            cls = "text first" if k == 0 else ("text wide" if col in _WIDE else "text")
            if callable(how):
                cells.append(f'<td class="{cls}">{_e(how(v))}</td>')
            elif how is None:
                text = ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else \
                    ("" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
                cells.append(f'<td class="{cls}">{_e(text)}</td>')
            else:
                cells.append(_num_cell(v, how))
        cls = ' class="bad"' if bad is not None and bool(bad.iloc[i]) else ""
        rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
    head = [(h, how is None or callable(how)) for _, h, how in cols]
    return _sortable(head, rows, table_id, scroll=len(rows) > 20)


#: Text columns of the plan and options tables given room to wrap less.
_WIDE = frozenset({"binding", "action", "cost_basis"})


def _plan_section(plan: Any, std: float, title: str = "") -> str:
    """The path to the transit target (a :class:`linepack.problems.plan.PlanResult`)."""
    def flow(q: Any) -> str:
        try:
            q = float(q)
        except (TypeError, ValueError):
            return "–"
        return (f"{q / std:.2f} mcm/d (20 °C) ≈ {q / std * 365 / 1e3:.2f} bcm/y (20 °C); "
                f"{q:.2f} mcm/d (0 °C)")

    screen = plan.screen.copy()
    steps = plan.steps.copy()
    for df in (screen, steps):
        for c in ("capacity_mcm_d", "gain_mcm_d", "fuel_mcm_d"):
            if c in df.columns:
                df[c + "_20c"] = pd.to_numeric(df[c], errors="coerce") / std
        if "musd_per_mcm_d" in df.columns:
            df["musd_per_mcm_d_20c"] = pd.to_numeric(df["musd_per_mcm_d"], errors="coerce") * std
            df.loc[~np.isfinite(df["musd_per_mcm_d_20c"]), "musd_per_mcm_d_20c"] = math.nan
    head = [("Target", flow(plan.target_mcm_d)), ("Base capacity", flow(plan.base_mcm_d)),
            ("Binding in the base", str(plan.base_binding)),
            ("Target reached", f"yes, in {len(steps)} step(s)" if plan.reached
             else "no, not with the candidate steps"),
            ("Method", str(plan.method))]
    body = "".join(f'<tr><td class="text">{_e(a)}</td><td class="text">{_e(b)}</td></tr>'
                   for a, b in head)
    out = [f'<section id="plan-section"><h2>Path to the transit target{_e(title)}</h2>',
           f'<div class="card"><table><tbody>{body}</tbody></table></div>',
           "<h3>Path (greedy: each step the best remaining candidate)</h3>",
           _frame_table(steps, [
               ("step", "step", 0), ("id", "candidate", None), ("action", "action", None),
               ("capacity_mcm_d_20c", "capacity after [mcm/d, 20 °C]", 2),
               ("capacity_mcm_d", "capacity after [mcm/d, 0 °C]", 2),
               ("capex_musd_central", "capex [M USD, central]", 0),
               ("capex_musd_low", "low", 0), ("capex_musd_high", "high", 0),
               ("total_capex_musd_central", "cumulative [M USD, central]", 0),
               ("fuel_mcm_d_20c", "fuel [mcm/d, 20 °C]", 3), ("fuel_pct", "fuel [%]", 2),
               ("binding", "binding after", None), ("cost_basis", "cost basis", None)],
               "plan-steps"),
           "<h3>Each candidate alone on the base</h3>",
           _frame_table(screen, [
               ("id", "candidate", None), ("action", "action", None),
               ("capacity_mcm_d_20c", "capacity [mcm/d, 20 °C]", 2),
               ("gain_mcm_d_20c", "gain [mcm/d, 20 °C]", 2),
               ("capex_musd_central", "capex [M USD, central]", 0),
               ("musd_per_mcm_d_20c", "M USD per mcm/d (20 °C) gained", 1),
               ("binding", "binding after", None)], "plan-screen"),
           '<p class="note">Capacity: the largest transit with every node, station and flow '
           "limit held. Capex and the fuel price are labelled assumptions (A_COST_*, "
           "A_FUEL_PRICE; see Assumptions and sources); low–high is their range.</p>",
           "</section>"]
    return "".join(out)


def _options_section(options: Mapping[str, Any], network: Any) -> str:
    """The gasification options compared (tables of
    :func:`linepack.problems.options.compare_options`, one per family)."""
    fams = ((getattr(network, "meta", None) or {}).get("options_compared") or {}).get(
        "families") or {}
    out = ['<section id="options-section"><h2>Gasification options compared</h2>']
    for name, table in options.items():
        title = (fams.get(name) or {}).get("title", "")
        demand = ""
        if "demand_mcm_d_20c" in table.columns and len(table):
            demand = f" — design demand {float(table['demand_mcm_d_20c'].iloc[0]):.2f} mcm/d (20 °C)"
        out.append(f"<h3>{_e(name)}{': ' + _e(title) if title else ''}{_e(demand)}</h3>")
        bad = ~table["feasible"].astype(bool) if "feasible" in table.columns else None
        out.append(_frame_table(table, [
            ("id", "variant", None), ("option", "option", None),
            ("published", "model's design", lambda v: "yes" if v is True else ""),
            ("feasible", "all limits at design",
             lambda v: "yes" if bool(v) else "no"), ("binding", "binding", None),
            ("capacity_bcm_y_20c", "capacity [bcm/y, 20 °C]", 2),
            ("capacity_factor", "× design demand", 2),
            ("p_min_bar", "lowest delivery p [bar abs]", 1), ("p_min_node", "at", None),
            ("fuel_mcm_d_20c", "fuel [mcm/d, 20 °C]", 3),
            ("fuel_co2_kt_y", "fuel CO₂ [kt/y]", 1),
            ("delivered_co2_mt_y", "delivered gas CO₂ [Mt/y]", 2),
            ("capex_musd_central", "capex [M USD, central]", 0),
            ("capex_musd_low", "low", 0), ("capex_musd_high", "high", 0),
            ("least_cost", "least cost", None)], f"options-{name}", bad=bad))
    out.append('<p class="note">Each variant simulated at its design demand; capacity = the '
               "largest multiple of that demand with every limit held. Capex: labelled "
               "assumptions A_COST_PIPE_PER_MM_KM, A_COST_CS_PER_MW, A_COST_OPTION_RANGE "
               "(low–high). Rows in red do not hold every limit at the design demand.</p>"
               "</section>")
    return "".join(out)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("linepack")
    except PackageNotFoundError:
        return "unknown"


def _template(pio: Any) -> dict[str, Any]:
    """plotly's default look for 2-D plots only (no geo/mapbox/3-D defaults in the file)."""
    keep = ("autotypenumbers", "colorway", "font", "hoverlabel", "paper_bgcolor", "xaxis",
            "yaxis", "shapedefaults", "annotationdefaults", "title")
    base = pio.templates["plotly"].layout.to_plotly_json()
    layout = {k: v for k, v in base.items() if k in keep}
    layout["font"] = dict(layout.get("font", {}), family=_FONTS)
    return {"layout": layout}


def _basic_bundle() -> tuple[str, str] | None:
    """``(script, version)`` of the vendored basic bundle, or ``None`` when it is missing."""
    try:
        script = PLOTLY_BASIC_JS.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    m = re.search(r"plotly\.js \(basic - minified\) v(\d+\.\d+\.\d+)", script[:400])
    return (script, m.group(1)) if m else None


def _plotly_bundle(plotly: Any, figures: Sequence[Any]) -> tuple[str, str]:
    """The plotly.js to inline for ``figures`` and a label of it for the footer.

    The basic bundle when every trace is of a type it holds and its major version is the
    one the installed Python plotly writes figures for; else plotly's full bundle.
    """
    types = {trace.type or "scatter" for fig in figures for trace in fig.data}
    full_version = plotly.offline.get_plotlyjs_version()
    basic = _basic_bundle()
    if basic is not None and types <= _BASIC_TRACE_TYPES \
            and basic[1].split(".")[0] == full_version.split(".")[0]:
        return basic[0], f"plotly.js {basic[1]} (basic bundle: scatter, bar, pie)"
    return plotly.offline.get_plotlyjs(), f"plotly.js {full_version}"


def _figure_div(pio: Any, fig: Any, div_id: str) -> str:
    fig.layout.template = _template(pio)
    return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=div_id,
                       default_width="100%", default_height=f"{fig.layout.height}px",
                       config={"displaylogo": False, "responsive": True,
                               "toImageButtonOptions": {"filename": div_id}})


def _plotly_script(plotly: Any, figures: Sequence[Any] = (), *, bundle: str | None = None) -> str:
    """The inlined plotly.js (``<script>`` tags) every report with plots carries: ``bundle``,
    else the one :func:`_plotly_bundle` chooses for ``figures``."""
    if bundle is None:
        bundle = _plotly_bundle(plotly, figures)[0]
    return ('<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: "local"};'
            f'</script>\n<script type="text/javascript">{bundle}</script>')


# -- the public function ---------------------------------------------------------------------
def write_report(network: Any, result: Any, path: str | os.PathLike[str], *,
                 route: Sequence[Any] | None = None, title: str | None = None,
                 geo: bool | str | os.PathLike[str] | Mapping[str, Any] | None = None,
                 scenario: Any = None, plan: Any = None,
                 options: Mapping[str, pd.DataFrame] | None = None,
                 plan_note: str = "") -> Path:
    """Write one self-contained offline HTML report of a network result.

    Parameters
    ----------
    network
        The :class:`linepack.network.Network` that was simulated (positions, bounds,
        lengths and station limits are read from it).
    result
        The result: ``nodes`` and ``edges`` tables plus ``status``, ``iterations``,
        ``linepack_mcm`` and ``scenario_name`` (see :func:`linepack.report.summarize`).
    path
        The ``.html`` file to write (missing folders are created). It is written
        atomically: a temporary file in the same folder replaces it only when complete,
        so a failure leaves any previous report untouched.
    route
        Node ids from start to end (neighbours joined by connections) for the pressure
        profile. ``None``: the shortest path (by pipe length) from the pressure
        reference node to the largest exit.
    title
        The page title; default: the network's name and the scenario's.
    geo
        Positions and outlines of the map. ``None``: longitude/latitude with the
        built-in Central Asia country outlines when the nodes have lon/lat, else the
        x/y drawing coordinates without outlines. ``True``: lon/lat with the built-in
        outlines (an error when no node has lon/lat). ``False``: x/y, no outlines. A
        path or a mapping: lon/lat with the outlines of that GeoJSON
        (Polygon/MultiPolygon/LineString features; ``properties.name`` labels them).
    scenario
        The :class:`linepack.network.Scenario` that was simulated: the provenance of its
        boundary values (``scenario.meta["provenance"]``) is labelled in the node table.
    plan
        A :class:`linepack.problems.plan.PlanResult` (from :func:`linepack.corridor_plan`)
        shown as the section "Path to the transit target"; ``plan_note`` is added to its
        heading (e.g. its base scenario).
    options
        ``{family: table}`` of :func:`linepack.compare_options`, shown as the section
        "Gasification options compared".

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        An invalid ``route`` or ``geo``.
    ImportError
        plotly (the ``[plot]`` extra) is not installed.

    Notes
    -----
    The report holds sortable node and pipe tables with the provenance labels of each figure
    (labelled assumptions ``A_…`` and cited fact rows with their confidence) when the network
    carries them (``meta["provenance"]``), and the section "Assumptions and sources" listing
    every labelled assumption and source (``meta["assumptions"]``, ``meta["references"]``).
    This function computes nothing itself: the plan and the options are passed in.
    """
    plotly, go, pio = _plotly()
    path = Path(path)
    _check_arguments("write_report", network, result)
    summary = summarize(network, result)
    nodes = node_table(network, result)
    edges = edge_table(network, result)

    # Profile route: the caller's (errors raised) or the automatic one (omitted if none).
    if route is not None:
        route = [str(n) for n in route]
        profile = route_profile(network, result, route)
        profile_title = f"Pressure along the route {route[0]} → {route[-1]}"
        profile_note = f"Route given by the caller: {len(route)} nodes."
    else:
        auto = default_route(network, result)
        profile = route_profile(network, result, auto) if auto else None
        if auto:
            profile_title = f"Pressure from {auto[0]} to {auto[-1]}"
            profile_note = (f"Automatic route: shortest path by pipe length from the pressure "
                            f"reference node {auto[0]} to the largest exit {auto[-1]} "
                            f"({len(auto)} nodes). Pass route=[...] to choose another.")
        else:
            profile_title = ""
            ref, exit_ = reference_node(network, result), largest_exit(network, result)
            profile_note = (f"No route from the pressure reference ({ref or '–'}) to the largest "
                            f"exit ({exit_ or '–'}); pass route=[...] to draw a profile.")

    if profile is not None:
        profile = profile.assign(name=nodes["alias"].reindex(profile["node"]).to_numpy())
    map_fig, map_note, outlines = _map_figure(go, network, nodes, edges, geo)
    profile_fig = _profile_figure(go, profile, profile_title) if profile is not None else None
    bundle, bundle_label = _plotly_bundle(
        plotly, [f for f in (map_fig, profile_fig) if f is not None])
    if profile is not None:
        length = profile["distance_km"].iloc[-1]
        profile_note += f" Length {_fmt(length, 1, 'km')}; connections other than pipes add 0 km."

    name = getattr(network, "name", "") or "Network"
    scen = summary["scenario_name"]
    page_title = title or (f"{name} — {scen}" if scen else name)
    count = f"{summary['n_nodes']} nodes, {summary['n_connections']} connections"
    sub = " · ".join(x for x in (f"network {name}", f"scenario {scen}" if scen else "", count)
                     if x)
    banner = ""
    if summary["status"] and summary["status"].lower() not in ("converged", "ok", "optimal",
                                                                 "solved"):
        banner = (f'<p class="banner">Solver status <b>{_e(summary["status"])}</b>: the figures '
                  "below may not be a valid operating point.</p>")

    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="linepack {_e(_version())}">',
        f"<title>{_e(page_title)}</title>", f"<style>{_CSS}</style>",
        _plotly_script(plotly, bundle=bundle),
        "</head><body>",
        f'<header><h1 id="report-title">{_e(page_title)}</h1><p class="subtitle">{_e(sub)}</p>',
        banner, _kpi_block(summary), "</header>",
        _transit_section(network, result),
        '<section id="map-section"><h2>Network map</h2>',
    ]
    if map_fig is not None:
        parts.append(f'<div class="card">{_figure_div(pio, map_fig, MAP_DIV_ID)}</div>')
    parts.append(f'<p class="note">{_e(map_note)} Pipe width grows with |flow|; pipe colour is '
                 "the mean of inlet and outlet pressure. Hover over nodes and the middle of "
                 "connections for figures.</p></section>")
    parts.append('<section id="profile-section"><h2>Pressure profile</h2>')
    if profile is not None:
        parts.append(f'<div class="card">{_figure_div(pio, profile_fig, PROFILE_DIV_ID)}</div>')
    parts.append(f'<p class="note">{_e(profile_note)}</p></section>')

    prov = _Provenance(network, scenario)
    parts.append('<section id="stations-section"><h2>Stations</h2>')
    if summary["stations"]:
        st = pd.DataFrame(summary["stations"])
        columns = [
            ("id", "id", None), ("kind", "kind", None), ("mode", "mode", None),
            ("from_node", "from", None), ("to_node", "to", None),
            ("q_mcm_d", "flow [mcm/d, 0 °C]", 3), ("p_in_bar", "p in [bar abs]", 2),
            ("p_out_bar", "p out [bar abs]", 2), ("ratio", "ratio [-]", 3),
            ("power_mw", "power [MW]", 2), ("power_max_mw", "power max [MW]", 1)]
        if prov:
            st["basis"] = [prov.basis(str(i)) for i in st["id"]]
            columns.append(("basis", "basis (labels)", None))
        parts.append(_table(st, columns))
        parts.append('<p class="note">Flow is positive from → to; ratio is p out / p in '
                     "(absolute).</p>")
    else:
        parts.append('<p class="note">The network has no compressor stations or control '
                     "valves.</p>")
    parts.append("</section>")

    parts.append(_node_section(network, result, nodes, prov))
    parts.append(_pipe_section(network, edges, prov))
    if plan is not None:
        parts.append(_plan_section(plan, _std_to_normal(network), plan_note))
    if options:
        parts.append(_options_section(options, network))

    violations = pd.DataFrame(summary["violations"])
    parts.append('<section id="violations-section"><h2>Limit violations</h2>')
    if len(violations):
        parts.append(_table(violations, [
            ("element", "element", None), ("kind", "kind", None), ("quantity", "quantity", None),
            ("value", "value", 3), ("limit", "limit", 3), ("amount", "outside by", 3),
            ("unit", "unit", None)], bad=pd.Series(True, index=violations.index)))
    else:
        parts.append('<p class="note">None: every node pressure is within its bounds and every '
                     "station within its limits.</p>")
    parts.append("</section>")
    parts.append(_assumption_section(network, scenario))

    credit = (" Country outlines: Made with Natural Earth (public domain)." if outlines else "")
    parts.append(f"<footer>Written by linepack {_e(_version())} with {_e(bundle_label)} "
                 "inlined; this file loads "
                 f"nothing from the network.{_e(credit)}</footer>"
                 f'<script type="text/javascript">{_SORT_JS}</script></body></html>')
    document = "\n".join(p for p in parts if p)
    atomic_write_text(path, document)
    return path




def write_tables_report(path: str | os.PathLike[str], title: str,
                        sections: Sequence[tuple[str, pd.DataFrame, str]],
                        subtitle: str = "") -> Path:
    """Write a small self-contained HTML page of tables (no plots, no scripts).

    Used for the outputs of ``linepack plan``, ``peak`` and ``options``: small enough to mail.

    Parameters
    ----------
    path
        The ``.html`` file to write (atomically).
    title, subtitle
        Page heading and the line under it.
    sections
        ``(heading, table, note)`` per section; every column of the table is shown, numbers
        with 2 decimals (column names carry their units).
    """
    path = Path(path)
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
             f'<meta name="generator" content="linepack {_e(_version())}">',
             f"<title>{_e(title)}</title>", f"<style>{_CSS}</style>", "</head><body>",
             f'<header><h1>{_e(title)}</h1><p class="subtitle">{_e(subtitle)}</p></header>']
    for heading, df, note in sections:
        df = df.apply(lambda col: col.map(lambda v: ", ".join(map(str, v))
                                          if isinstance(v, (list, tuple)) else v)
                      if col.dtype == object else col)
        columns = [(c, str(c), None if df[c].dtype == object or df[c].dtype == bool else 2)
                   for c in df.columns]
        parts.append(f"<section><h2>{_e(heading)}</h2>{_table(df, columns)}")
        if note:
            parts.append(f'<p class="note">{_e(note)}</p>')
        parts.append("</section>")
    parts.append(f"<footer>Written by linepack {_e(_version())}.</footer></body></html>")
    atomic_write_text(path, "\n".join(parts))
    return path
