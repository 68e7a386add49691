"""Key figures, station and violation tables, and route profiles of a network result.

Everything here READS a network and a result; nothing calls a solver and nothing
needs plotting libraries. The CLI prints :func:`summarize`; the HTML report
(:mod:`linepack.report.html`) draws from the same dictionary, so both always
show the same numbers.

The result object is read by duck typing. It must have ``nodes`` and ``edges``
DataFrames (columns listed in :func:`summarize`); every column except
``p_bar`` is optional, and missing pressure bounds are taken from the network.
Units at this edge carry their names: ``_bar`` is absolute bar, ``_mcm_d`` is
million normal cubic metres (0 °C, 1.01325 bar) per day, ``_mw`` is megawatt.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, did_you_mean
from linepack.results.limits import VIOLATION_COLUMNS, limit_violations
from linepack.units import BAR, DAY

__all__ = [
    "summarize",
    "node_table",
    "edge_table",
    "station_table",
    "violation_table",
    "reference_node",
    "largest_exit",
    "shortest_route",
    "default_route",
    "route_profile",
    "transit_summary",
    "VOLUME_BASIS",
]

#: How linepack states the reference conditions of a volume.
VOLUME_BASIS = {
    "normal": "0 °C, 1.01325 bar (normal m³; linepack's unit)",
    "standard": "20 °C, 1.01325 bar (standard m³ of Russian/Kazakh/Uzbek statistics, GOST 2939-63)",
}
#: 1 standard m³ (20 °C) in normal m³ (0 °C), ideal gas at the same pressure. [-]
_STD_TO_NORMAL = 273.15 / 293.15

#: Connection kinds listed in the station table.
STATION_KINDS = ("compressorStation", "controlValve")

_STATION_COLUMNS = ["kind", "mode", "from_node", "to_node", "q_mcm_d", "m_kg_s", "p_in_bar",
                    "p_out_bar", "ratio", "power_mw", "power_max_mw", "ratio_max"]


# -- reading the result tolerantly -----------------------------------------------------------
def _column(df: pd.DataFrame, name: str, default: float = math.nan) -> pd.Series:
    """``df[name]`` as floats, or a Series of ``default`` when the column is missing."""
    if name in df.columns:
        return pd.to_numeric(df[name], errors="coerce").astype(float)
    return pd.Series(default, index=df.index, dtype=float)


def _text(df: pd.DataFrame, name: str, default: str = "") -> pd.Series:
    """``df[name]`` as strings (NaN → ``default``), or ``default`` everywhere."""
    if name in df.columns:
        return df[name].where(df[name].notna(), default).astype(str)
    return pd.Series(default, index=df.index, dtype=object)


def _normal_density(network: Any) -> float:
    """The network's normal density [kg/m³], NaN when unknown."""
    gas = getattr(network, "gas", None) or {}
    return float(gas.get("normal_density", math.nan))


def node_table(network: Any, result: Any) -> pd.DataFrame:
    """Node results with every column the report uses (bar, mcm/d), gaps filled from the network.

    Columns: ``kind``, ``alias``, ``p_bar``, ``p_min_bar``, ``p_max_bar``, ``margin_bar``
    (p − p_min), ``violation_bar`` (≥ 0), ``inflow_kg_s``, ``inflow_mcm_d`` (+ entry, − exit),
    ``height_m``.
    """
    res = result.nodes
    net = network.nodes.reindex(res.index)
    out = pd.DataFrame(index=res.index.astype(str))
    out.index.name = "id"
    kind = _text(res, "kind")
    out["kind"] = kind.where(kind != "", _text(net, "kind")).to_numpy()
    out["alias"] = _text(net, "alias").to_numpy()
    out["p_bar"] = _column(res, "p_bar").to_numpy()
    for bound in ("p_min", "p_max"):
        given = _column(res, f"{bound}_bar")
        from_net = _column(net, f"{bound}_pa") / BAR
        out[f"{bound}_bar"] = given.fillna(from_net).to_numpy()
    margin = _column(res, "margin_bar")
    out["margin_bar"] = margin.fillna(out["p_bar"] - out["p_min_bar"]).to_numpy()
    below = (out["p_min_bar"] - out["p_bar"]).clip(lower=0.0)
    above = (out["p_bar"] - out["p_max_bar"]).clip(lower=0.0)
    computed = below.fillna(0.0) + above.fillna(0.0)
    out["violation_bar"] = _column(res, "violation_bar").fillna(computed).to_numpy()
    rho_n = _normal_density(network)
    m = _column(res, "inflow_kg_s")
    q = _column(res, "inflow_mcm_d")
    out["inflow_kg_s"] = m.to_numpy()
    out["inflow_mcm_d"] = q.fillna(m * DAY / (1e6 * rho_n)).to_numpy()
    out["height_m"] = _column(res, "height_m").fillna(_column(net, "height_m")).to_numpy()
    return out


def edge_table(network: Any, result: Any) -> pd.DataFrame:
    """Connection results with every column the report uses, gaps filled from the network.

    Columns: ``kind``, ``from_node``, ``to_node``, ``length_m``, ``m_kg_s``, ``q_mcm_d``,
    ``v_max_m_s``, ``p_in_bar``, ``p_out_bar``, ``ratio``, ``power_mw``, ``mode``,
    ``linepack_mcm``. ``p_in_bar``/``p_out_bar`` default to the pressures of the from/to
    nodes.
    """
    res = result.edges
    net = network.connections.reindex(res.index)
    out = pd.DataFrame(index=res.index.astype(str))
    out.index.name = "id"
    for name in ("kind", "from_node", "to_node"):
        given = _text(res, name)
        out[name] = given.where(given != "", _text(net, name)).to_numpy()
    out["length_m"] = _column(net, "length_m").to_numpy()
    rho_n = _normal_density(network)
    m = _column(res, "m_kg_s")
    out["m_kg_s"] = m.to_numpy()
    out["q_mcm_d"] = _column(res, "q_mcm_d").fillna(m * DAY / (1e6 * rho_n)).to_numpy()
    out["v_max_m_s"] = _column(res, "v_max_m_s").to_numpy()
    p_node = _column(result.nodes, "p_bar")
    p_node.index = p_node.index.astype(str)
    out["p_in_bar"] = _column(res, "p_in_bar").fillna(
        pd.Series(out["from_node"].map(p_node).to_numpy(), index=res.index)).to_numpy()
    out["p_out_bar"] = _column(res, "p_out_bar").fillna(
        pd.Series(out["to_node"].map(p_node).to_numpy(), index=res.index)).to_numpy()
    out["ratio"] = _column(res, "ratio").to_numpy()
    out["power_mw"] = _column(res, "power_mw").to_numpy()
    out["mode"] = _text(res, "mode").to_numpy()
    out["linepack_mcm"] = _column(res, "linepack_mcm").to_numpy()
    return out


def _base_mode(mode: pd.Series) -> pd.Series:
    """The operating mode without its detail: ``"active:p_out"`` → ``"active"``."""
    return mode.astype(str).str.split(":", n=1).str[0].str.strip()


def _finite(x: Any) -> float | None:
    """``float(x)`` when finite, else ``None`` (for JSON-friendly dictionaries)."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


# -- tables ----------------------------------------------------------------------------------
def station_table(network: Any, result: Any) -> pd.DataFrame:
    """Compressor stations and control valves: flow, pressures, ratio, power and mode.

    Index: connection id. Columns: ``kind``, ``mode``, ``from_node``, ``to_node``,
    ``q_mcm_d``, ``m_kg_s``, ``p_in_bar``, ``p_out_bar``, ``ratio`` (p_out/p_in),
    ``power_mw``, ``power_max_mw``, ``ratio_max``.
    """
    edges = edge_table(network, result)
    st = edges[edges["kind"].isin(STATION_KINDS)].copy()
    ratio = st["ratio"]
    st["ratio"] = ratio.fillna(st["p_out_bar"] / st["p_in_bar"])
    net = network.connections.reindex(st.index)
    st["power_max_mw"] = (_column(net, "power_max_w") / 1e6).to_numpy()
    st["ratio_max"] = _column(net, "ratio_max").to_numpy()
    return st[_STATION_COLUMNS]


def violation_table(network: Any, result: Any, *, tol_bar: float = 1e-6) -> pd.DataFrame:
    """Limit violations, worst first: :func:`linepack.results.limits.limit_violations` (the
    one checker, also behind ``SteadyResult.violations`` and the capacity search) applied to
    the result with its gaps filled from the network (:func:`node_table`, :func:`edge_table`).

    A result that carries its own ``violations`` table (a :class:`SteadyResult`) is read as
    it is when ``tol_bar`` is the default.

    Columns: :data:`linepack.results.limits.VIOLATION_COLUMNS` (``element``, ``kind``,
    ``limit_kind``, ``quantity``, ``value``, ``limit``, ``unit``, ``amount`` ≥ 0,
    ``relative``, ``message``).
    """
    own = getattr(result, "violations", None)
    if isinstance(own, pd.DataFrame) and tol_bar == 1e-6 and set(VIOLATION_COLUMNS) <= set(own.columns):
        return own.reset_index(drop=True)
    return limit_violations(network, node_table(network, result), edge_table(network, result),
                            tol_bar=tol_bar)


# -- the KPI dictionary ----------------------------------------------------------------------
def _check_arguments(function: str, network: Any, result: Any) -> None:
    """A Network and a result with ``nodes`` and ``edges`` tables, or an ArgumentError."""
    from linepack.network.arguments import argument_error, check_network

    check_network(function, network)
    if not all(isinstance(getattr(result, t, None), pd.DataFrame) for t in ("nodes", "edges")):
        raise argument_error(function, "result", result,
                             "a result with nodes and edges tables (a linepack.SteadyResult)")


def summarize(network: Any, result: Any, *, tol_bar: float = 1e-6) -> dict[str, Any]:
    """Key figures of a result, shared by the CLI and the HTML report.

    Parameters
    ----------
    network
        The :class:`linepack.network.Network` that was simulated.
    result
        A result with ``nodes`` (``p_bar`` and optionally ``p_min_bar``, ``p_max_bar``,
        ``margin_bar``, ``violation_bar``, ``inflow_kg_s``, ``inflow_mcm_d``, ``kind``,
        ``height_m``) and ``edges`` (``kind``, ``from_node``, ``to_node``, ``m_kg_s``,
        ``q_mcm_d``, ``p_in_bar``, ``p_out_bar``, ``ratio``, ``power_mw``, ``mode``,
        ``linepack_mcm``, …) tables, and optionally ``status``, ``iterations``,
        ``linepack_mcm`` and ``scenario_name``.
    tol_bar
        Pressure tolerance of the violation check. [bar]

    Returns
    -------
    dict
        ``status``, ``iterations``, ``scenario_name``, ``n_nodes``, ``n_connections``,
        ``delivered_mcm_d`` (sum of withdrawals at exits), ``delivered_kg_s``, ``n_exits``,
        ``entries_mcm_d`` (sum of injections), ``entries_kg_s``, ``n_entries``,
        ``min_margin_bar``, ``min_margin_node`` and ``min_margin_limit`` (the smallest signed
        distance of a node pressure to its nearest bound, min(p − p_min, p_max − p): negative
        where a pressure bound is violated; the limit is ``"p_min"`` or ``"p_max"``),
        ``min_margin_low_bar``/``_node`` (lowest p − p_min) and ``min_margin_high_bar``/``_node``
        (lowest p_max − p), ``p_min_bar`` /
        ``p_max_bar`` (lowest/highest node pressure) with their nodes, ``linepack_mcm``
        (total), ``stations`` (list of dicts, see :func:`station_table`), ``violations``
        (list of dicts, see :func:`violation_table`) and ``n_violations``. Figures that
        cannot be computed are ``None``.
    """
    _check_arguments("summarize", network, result)
    nodes = node_table(network, result)
    q, m = nodes["inflow_mcm_d"], nodes["inflow_kg_s"]
    sign = np.sign(m.where(m.notna(), q))
    exits, entries = sign < 0, sign > 0

    def total(values: pd.Series, mask: pd.Series, factor: float) -> float | None:
        v = values[mask]
        if v.isna().all() and len(v):
            return None
        return factor * float(v.sum())

    # signed distance to the nearest pressure limit: negative where a bound is violated
    to_min = nodes["p_bar"] - nodes["p_min_bar"]
    to_max = nodes["p_max_bar"] - nodes["p_bar"]
    nearest = pd.concat([to_min, to_max], axis=1).min(axis=1, skipna=True)
    margin = nearest.dropna()
    margin_limit = (to_max < to_min.fillna(np.inf)).map({True: "p_max", False: "p_min"})
    low, high = to_min.dropna(), to_max.dropna()
    p = nodes["p_bar"].dropna()
    total_lp = _finite(getattr(result, "linepack_mcm", None))
    if total_lp is None:
        lp = _column(result.edges, "linepack_mcm")
        total_lp = float(lp.sum()) if lp.notna().any() else None
    stations = station_table(network, result)
    violations = violation_table(network, result, tol_bar=tol_bar)
    iterations = getattr(result, "iterations", None)

    def records(df: pd.DataFrame, id_name: str | None) -> list[dict[str, Any]]:
        out = []
        for idx, row in df.iterrows():
            rec = {id_name: idx} if id_name else {}
            for k, v in row.items():
                rec[k] = _finite(v) if isinstance(v, (float, np.floating)) else v
            out.append(rec)
        return out

    return {
        "status": str(getattr(result, "status", "") or ""),
        "iterations": None if iterations is None else int(iterations),
        "scenario_name": str(getattr(result, "scenario_name", "") or ""),
        "n_nodes": int(len(nodes)),
        "n_connections": int(len(result.edges)),
        "delivered_mcm_d": total(q, exits, -1.0) if exits.any() else 0.0,
        "delivered_kg_s": total(m, exits, -1.0) if exits.any() else 0.0,
        "n_exits": int(exits.sum()),
        "entries_mcm_d": total(q, entries, 1.0) if entries.any() else 0.0,
        "entries_kg_s": total(m, entries, 1.0) if entries.any() else 0.0,
        "n_entries": int(entries.sum()),
        "min_margin_bar": float(margin.min()) if len(margin) else None,
        "min_margin_node": str(margin.idxmin()) if len(margin) else None,
        "min_margin_limit": str(margin_limit[margin.idxmin()]) if len(margin) else None,
        "min_margin_low_bar": float(low.min()) if len(low) else None,
        "min_margin_low_node": str(low.idxmin()) if len(low) else None,
        "min_margin_high_bar": float(high.min()) if len(high) else None,
        "min_margin_high_node": str(high.idxmin()) if len(high) else None,
        "p_min_bar": float(p.min()) if len(p) else None,
        "p_min_node": str(p.idxmin()) if len(p) else None,
        "p_max_bar": float(p.max()) if len(p) else None,
        "p_max_node": str(p.idxmax()) if len(p) else None,
        "linepack_mcm": total_lp,
        "stations": records(stations, "id"),
        "violations": records(violations, None),
        "n_violations": int(len(violations)),
    }


# -- routes ----------------------------------------------------------------------------------
def reference_node(network: Any, result: Any) -> str | None:
    """The pressure-reference node of a result, or the best stand-in.

    In this order: ``result.reference_node`` when the result names one; a node with a
    finite ``p_fixed_bar`` in ``result.nodes`` (the largest entry among several); the
    entry with the largest injection; the node with the highest pressure. ``None`` for
    an empty result.
    """
    nodes = node_table(network, result)
    named = getattr(result, "reference_node", None)
    if named is not None and str(named) in nodes.index:
        return str(named)
    flow = nodes["inflow_kg_s"].fillna(nodes["inflow_mcm_d"])
    if "p_fixed_bar" in result.nodes.columns:
        fixed = _column(result.nodes, "p_fixed_bar")
        fixed.index = fixed.index.astype(str)
        cand = fixed.index[fixed.notna().to_numpy()]
        if len(cand):
            return str(flow[cand].fillna(-math.inf).idxmax())
    if (flow > 0).any():
        return str(flow.idxmax())
    p = nodes["p_bar"].dropna()
    return str(p.idxmax()) if len(p) else None


def largest_exit(network: Any, result: Any) -> str | None:
    """The exit with the largest withdrawal, else the node with the lowest pressure."""
    nodes = node_table(network, result)
    flow = nodes["inflow_kg_s"].fillna(nodes["inflow_mcm_d"])
    if (flow < 0).any():
        return str(flow.idxmin())
    p = nodes["p_bar"].dropna()
    return str(p.idxmin()) if len(p) else None


def _check_node(network: Any, node: Any, what: str) -> str:
    node = str(node)
    if node not in network.nodes.index:
        raise InputError(f"{what}: unknown node '{node}'"
                         f"{did_you_mean(node, network.nodes.index)}")
    return node


def _weights(connections: pd.DataFrame) -> np.ndarray:
    """Route length of each connection [m]: pipe length, a millimetre for the rest."""
    length = _column(connections, "length_m").to_numpy()
    is_pipe = (connections["kind"] == "pipe").to_numpy()
    w = np.where(is_pipe & np.isfinite(length), length, 0.0)
    return np.maximum(w, 1e-3)   # csgraph needs positive weights; parallel paths stay ordered


def shortest_route(network: Any, start: Any, end: Any, *, avoid: Sequence[str] = ()) -> list[str]:
    """Node ids of the shortest path from ``start`` to ``end``, by pipe length.

    Every connection is walkable in both directions; pipes count their length, every
    other connection a millimetre. Connections listed in ``avoid`` (e.g. closed
    valves) are used only when no path exists without them. Dijkstra on a sparse
    graph (:func:`scipy.sparse.csgraph.dijkstra`).

    Raises
    ------
    InputError
        An unknown node, or ``start`` and ``end`` are not connected.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    start = _check_node(network, start, "route")
    end = _check_node(network, end, "route")
    if start == end:
        return [start]
    ids = list(network.nodes.index)
    pos = {n: i for i, n in enumerate(ids)}
    conns = network.connections
    conns = conns[conns["from_node"].isin(pos) & conns["to_node"].isin(pos)]
    avoid = {str(a) for a in avoid}
    for usable in (~conns.index.isin(avoid), np.ones(len(conns), dtype=bool)):
        c = conns[usable]
        # Keep the shortest of parallel connections (a COO→CSR conversion would add them).
        best: dict[tuple[int, int], float] = {}
        for a, b, w in zip(c["from_node"].map(pos), c["to_node"].map(pos), _weights(c)):
            key = (min(a, b), max(a, b))
            if a != b and w < best.get(key, math.inf):
                best[key] = w
        if not best:
            continue
        ij = np.array(list(best), dtype=np.int64)
        w = np.fromiter(best.values(), float, len(best))
        graph = coo_matrix((w, (ij[:, 0], ij[:, 1])), shape=(len(ids), len(ids))).tocsr()
        dist, pred = dijkstra(graph, directed=False, indices=pos[start],
                              return_predecessors=True)
        if math.isfinite(dist[pos[end]]):
            path = [pos[end]]
            while path[-1] != pos[start]:
                path.append(int(pred[path[-1]]))
            return [ids[i] for i in reversed(path)]
    raise InputError(f"route: no path from node '{start}' to node '{end}' "
                     "(they lie in different parts of the network)")


def default_route(network: Any, result: Any) -> list[str] | None:
    """The shortest route from :func:`reference_node` to :func:`largest_exit`.

    Closed connections (mode ``closed`` in the result) are avoided where possible.
    ``None`` when there is no such pair or no path.
    """
    start, end = reference_node(network, result), largest_exit(network, result)
    if start is None or end is None or start == end:
        return None
    if start not in network.nodes.index or end not in network.nodes.index:
        return None
    mode = _base_mode(_text(result.edges, "mode"))
    closed = [str(i) for i in mode.index[(mode == "closed").to_numpy()]]
    try:
        return shortest_route(network, start, end, avoid=closed)
    except InputError:
        return None


def route_profile(network: Any, result: Any, route: Sequence[Any]) -> pd.DataFrame:
    """Pressure and bounds along a route of neighbouring nodes.

    Parameters
    ----------
    route
        Node ids from start to end; each consecutive pair must be joined by a
        connection (either direction).

    Returns
    -------
    pandas.DataFrame
        One row per route node: ``node``, ``distance_km`` (cumulative pipe length from the
        start; other connections add nothing), ``p_bar``, ``p_min_bar``, ``p_max_bar``,
        ``kind`` (node kind), ``via`` and ``via_kind`` (the connection that leads to the
        node; empty for the first).

    Raises
    ------
    InputError
        Fewer than two nodes, an unknown node, or two consecutive nodes that no
        connection joins.
    """
    route = [_check_node(network, n, "route") for n in route]
    if len(route) < 2:
        raise InputError(f"route: needs at least two nodes from start to end (got {route})")
    nodes = node_table(network, result).reindex(route)
    conns = network.connections
    mode = _base_mode(_text(result.edges, "mode"))
    mode.index = mode.index.astype(str)
    closed = set(mode.index[(mode == "closed").to_numpy()])
    weights = pd.Series(_weights(conns), index=conns.index)
    rows, distance, via, via_kind = [], 0.0, "", ""
    for k, node in enumerate(route):
        if k:
            prev = route[k - 1]
            joins = conns[((conns["from_node"] == prev) & (conns["to_node"] == node))
                          | ((conns["from_node"] == node) & (conns["to_node"] == prev))]
            if not len(joins):
                raise InputError(f"route: nodes '{prev}' and '{node}' (positions {k - 1} and "
                                 f"{k}) are not joined by a connection; a route lists "
                                 "neighbouring nodes from start to end")
            order = sorted(joins.index, key=lambda c: (c in closed, weights[c]))
            via = order[0]
            via_kind = str(conns.at[via, "kind"])
            length = float(conns.at[via, "length_m"]) if via_kind == "pipe" else 0.0
            distance += length / 1000.0 if math.isfinite(length) else 0.0
        r = nodes.loc[node]
        rows.append({"node": node, "distance_km": distance, "p_bar": r["p_bar"],
                     "p_min_bar": r["p_min_bar"], "p_max_bar": r["p_max_bar"],
                     "kind": r["kind"], "via": via, "via_kind": via_kind})
    return pd.DataFrame(rows)


# -- the transit headline of a corridor case -------------------------------------------------
def _meta_float(meta: dict, key: str, default: float) -> float:
    try:
        v = float(meta.get(key, default))
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) and v > 0 else default


def transit_summary(network: Any, result: Any, *, drive_efficiency: dict | float | None = None,
                    fuel_price_usd_per_1000m3: float | None = None) -> dict[str, Any] | None:
    """Corridor transit headline, transit-path linepack, station fuel, cost and CO₂.

    For a case whose ``meta`` names ``transit_entry`` and ``transit_exit`` (the built-in
    central-asia case does); ``None`` otherwise.

    Parameters
    ----------
    network, result
        As for :func:`summarize`.
    drive_efficiency
        Thermal efficiency of the compressor drivers, one number or ``{station id:
        value}``; default ``meta["station_drive_efficiency"]`` (a labelled assumption
        of the case), else
        :data:`linepack.physics.compressor.DEFAULT_DRIVE_EFFICIENCY` (0.35). [-]
    fuel_price_usd_per_1000m3
        Value of fuel gas per 1000 standard m³ (20 °C); default
        ``meta["fuel_price_usd_per_1000m3"]["central"]``, else none (no cost figure).
        [USD/1000 m³]

    Returns
    -------
    dict
        ``transit``: exit flow in mcm/d at 0 °C (``q_mcm_d_0c``) and 20 °C
        (``q_mcm_d_20c``), ``bcm_y_20c`` (365 days of 20 °C m³), entry and border
        pressures [bar, absolute] with the border's margin to its minimum; ``linepack``:
        ``transit_path_mcm_0c`` (the pipes of ``meta["transit_path"]``: the route string and
        the parallel sections whose valve is open) and ``whole_model_mcm_0c`` (every pipe,
        including closed-off and unbuilt sections), each also at 20 °C, and
        ``flowing_pipes_mcm_0c`` (pipes that carry flow); ``stations``: per compressor station the flow, shaft power, driver
        efficiency, fuel (mcm/d at 0 and 20 °C, % of the station's throughput), fuel CO₂
        (t/d) and whether it is on the transit path; ``fuel``: totals for the transit path
        and for the whole model; ``co2``: emission factor (t/TJ, from the composition, with
        the IPCC 2006 default beside it), CO₂ of the fuel and of burning the delivered
        transit gas (Mt/y); ``cost``: fuel cost per day and per bcm transported (USD, with
        the price used); ``basis``: the reference conditions of each volume.

    Notes
    -----
    Fuel = shaft power / (η_drive · NCV) (:func:`linepack.physics.compressor.fuel_gas_flow`),
    NCV per normal m³ from the composition ``meta["gas_composition"]`` (ISO 6976); CO₂ from
    the same composition (:func:`linepack.physics.gas.co2_per_normal_m3`). Without a
    composition the fuel uses the network's gross calorific value × 0.9 (net ≈ 0.90 ×
    gross for natural gas) and no CO₂ figure is given.
    """
    from linepack.physics import compressor as comp_law
    from linepack.physics import gas as gas_law

    meta = dict(getattr(network, "meta", None) or {})
    entry, exit_ = meta.get("transit_entry"), meta.get("transit_exit")
    nodes = node_table(network, result)
    if not entry or not exit_ or exit_ not in nodes.index or entry not in nodes.index:
        return None
    std = _meta_float(meta, "standard_to_normal", _STD_TO_NORMAL)
    q0 = -float(nodes.at[exit_, "inflow_mcm_d"])
    edges = edge_table(network, result)
    mode = _base_mode(edges["mode"])
    # transit path: the route string and the open parallel sections
    path = meta.get("transit_path") or {}
    pipes = [str(pid) for pid in path.get("pipes", []) if str(pid) in edges.index]
    loops_open = [str(pid) for pid, lp in (path.get("loops") or {}).items()
                  if str(pid) in edges.index and mode.get(str(lp.get("valve")), "") == "open"]
    lp = edges["linepack_mcm"]
    lp_path = float(lp[pipes + loops_open].sum()) if pipes else None
    lp_all = _finite(getattr(result, "linepack_mcm", None))
    if lp_all is None and lp.notna().any():
        lp_all = float(lp.sum())
    flowing = edges["q_mcm_d"].abs() > 1e-6
    lp_flowing = float(lp[flowing].sum()) if lp.notna().any() else None
    # gas, fuel and CO₂
    comp = meta.get("gas_composition")
    g = gas_law.Gas.from_composition(comp) if comp else None
    if g is not None:
        ncv = g.net_calorific_value
        co2_m3 = gas_law.co2_per_normal_m3(g)
        ef = gas_law.co2_per_net_energy(g)
    else:
        gcv = float((getattr(network, "gas", None) or {}).get("calorific_value", math.nan))
        ncv = 0.9 * gcv if math.isfinite(gcv) and gcv > 0 else 35.0e6
        co2_m3 = ef = None
    eff_meta = meta.get("station_drive_efficiency") or {}
    route_nodes = set(meta.get("transit_route") or [])
    stations = []
    for cid, row in station_table(network, result).iterrows():
        if row["kind"] != "compressorStation":
            continue
        if isinstance(drive_efficiency, dict):
            eta = float(drive_efficiency.get(cid, eff_meta.get(cid, comp_law.DEFAULT_DRIVE_EFFICIENCY)))
        elif drive_efficiency is not None:
            eta = float(drive_efficiency)
        else:
            eta = float(eff_meta.get(cid, comp_law.DEFAULT_DRIVE_EFFICIENCY))
        active = _base_mode(pd.Series([row["mode"]])).iloc[0] in ("active", "")
        power_w = float(row["power_mw"]) * 1e6 if active and math.isfinite(row["power_mw"]) else 0.0
        fuel0 = float(comp_law.fuel_gas_flow(max(power_w, 0.0), eta, ncv)) * DAY / 1e6
        q_st = abs(float(row["q_mcm_d"])) if math.isfinite(row["q_mcm_d"]) else math.nan
        stations.append({
            "id": cid, "mode": row["mode"], "on_transit_path": (row["from_node"] in route_nodes
                                                                and row["to_node"] in route_nodes),
            "q_mcm_d_0c": q_st, "power_mw": power_w / 1e6, "drive_efficiency": eta,
            "fuel_mcm_d_0c": fuel0, "fuel_mcm_d_20c": fuel0 / std,
            "fuel_pct_of_throughput": 100.0 * fuel0 / q_st if q_st and q_st > 0 else 0.0,
            "fuel_co2_t_d": fuel0 * 1e6 * co2_m3 / 1e3 if co2_m3 is not None else None,
        })
    fuel_transit = sum(s_["fuel_mcm_d_0c"] for s_ in stations if s_["on_transit_path"])
    fuel_all = sum(s_["fuel_mcm_d_0c"] for s_ in stations)
    price = fuel_price_usd_per_1000m3
    if price is None:
        price = ((meta.get("fuel_price_usd_per_1000m3") or {}).get("central"))
    cost = None
    if price is not None:
        usd_d = fuel_transit / std * 1e3 * float(price)          # mcm/d (20 °C) → 1000 m³/d
        cost = {"price_usd_per_1000m3_20c": float(price), "transit_fuel_usd_per_day": usd_d,
                "transit_fuel_usd_per_bcm": (usd_d / (q0 / std) * 1e3 if q0 > 0 else None),
                "all_stations_fuel_usd_per_day": fuel_all / std * 1e3 * float(price)}
    co2 = None
    if co2_m3 is not None:
        co2 = {"kg_per_normal_m3": co2_m3, "t_per_tj_net": ef * 1e12 / 1e3,
               "ipcc_2006_default_t_per_tj": gas_law.IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ / 1e3,
               "transit_fuel_mt_y": fuel_transit * 1e6 * co2_m3 * 365 / 1e9,
               "all_stations_fuel_mt_y": fuel_all * 1e6 * co2_m3 * 365 / 1e9,
               "delivered_transit_gas_mt_y": max(q0, 0.0) * 1e6 * co2_m3 * 365 / 1e9}
    p_border = float(nodes.at[exit_, "p_bar"])
    return {
        "entry": str(entry), "exit": str(exit_),
        "transit": {"q_mcm_d_0c": q0, "q_mcm_d_20c": q0 / std, "bcm_y_20c": q0 / std * 365 / 1e3,
                    "entry_p_bar": float(nodes.at[entry, "p_bar"]), "border_p_bar": p_border,
                    "border_p_min_bar": _finite(nodes.at[exit_, "p_min_bar"]),
                    "border_margin_bar": _finite(nodes.at[exit_, "margin_bar"])},
        "linepack": {"transit_path_mcm_0c": lp_path,
                     "transit_path_mcm_20c": None if lp_path is None else lp_path / std,
                     "whole_model_mcm_0c": lp_all,
                     "whole_model_mcm_20c": None if lp_all is None else lp_all / std,
                     "flowing_pipes_mcm_0c": lp_flowing,
                     "transit_path_pipes": pipes + loops_open},
        "stations": stations,
        "fuel": {"transit_path_mcm_d_0c": fuel_transit, "transit_path_mcm_d_20c": fuel_transit / std,
                 "transit_path_pct": 100.0 * fuel_transit / q0 if q0 > 0 else 0.0,
                 "all_stations_mcm_d_0c": fuel_all, "all_stations_mcm_d_20c": fuel_all / std,
                 "net_calorific_value_mj_per_normal_m3": ncv / 1e6},
        "co2": co2, "cost": cost,
        "basis": {"0c": VOLUME_BASIS["normal"], "20c": VOLUME_BASIS["standard"],
                  "bcm_y": "10⁹ standard m³ (20 °C) per year of 365 days",
                  "pressure": "absolute bar"},
    }
