"""Tests of linepack.report: the KPI summary and the self-contained offline HTML report."""

from __future__ import annotations

import json
import math
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from linepack.errors import InputError
from linepack.network import Network
from linepack.report import summarize, write_report
from linepack.report.html import COUNTRIES_GEOJSON, MAP_DIV_ID, PLOTLY_BASIC_JS, PROFILE_DIV_ID
from linepack.report.summary import route_profile, shortest_route

pytest.importorskip("plotly")

RHO_N = 0.73  # normal density of the test gas [kg/m³]
DAY = 86400.0


# -- a small network and a hand-made result --------------------------------------------------
def small_network(with_lonlat: bool = True) -> Network:
    """Seven nodes in Central Asia: an entry, a compressor station, two exits, a closed valve."""
    coords = {  # lon, lat, x, y
        "S1": (58.9, 41.4, 0.0, 0.0), "N1": (61.5, 40.9, 2.6, -0.5),
        "N2": (61.9, 40.85, 3.0, -0.55), "N3": (66.0, 40.6, 7.1, -0.8),
        "E1": (69.3, 41.3, 10.4, -0.1), "N4": (69.6, 42.3, 10.7, 0.9),
        "E2": (76.9, 43.25, 18.0, 1.85),
    }
    kinds = {"S1": "source", "E1": "sink", "E2": "sink"}
    nodes = []
    for nid, (lon, lat, x, y) in coords.items():
        row = {"id": nid, "kind": kinds.get(nid, "innode"), "p_min_pa": 40e5, "p_max_pa": 75e5,
               "height_m": 200.0, "x": x, "y": y}
        if with_lonlat:
            row.update(lon=lon, lat=lat)
        nodes.append(row)
    conns = [
        {"id": "P1", "kind": "pipe", "from_node": "S1", "to_node": "N1", "length_m": 250e3,
         "diameter_m": 1.0, "roughness_m": 2e-5},
        {"id": "CS1", "kind": "compressorStation", "from_node": "N1", "to_node": "N2",
         "ratio_max": 1.6, "power_max_w": 20e6, "p_out_max_pa": 75e5},
        {"id": "P2", "kind": "pipe", "from_node": "N2", "to_node": "N3", "length_m": 350e3,
         "diameter_m": 1.0, "roughness_m": 2e-5},
        {"id": "P3", "kind": "pipe", "from_node": "N3", "to_node": "E1", "length_m": 300e3,
         "diameter_m": 0.7, "roughness_m": 2e-5},
        {"id": "P4", "kind": "pipe", "from_node": "N3", "to_node": "N4", "length_m": 400e3,
         "diameter_m": 0.7, "roughness_m": 2e-5},
        {"id": "P5", "kind": "pipe", "from_node": "N4", "to_node": "E2", "length_m": 500e3,
         "diameter_m": 0.7, "roughness_m": 2e-5},
        {"id": "V1", "kind": "valve", "from_node": "E1", "to_node": "E2"},
    ]
    return Network(pd.DataFrame(nodes), pd.DataFrame(conns), gas={"normal_density": RHO_N},
                   name="Central Asia test line")


def fake_result(**changes) -> SimpleNamespace:
    """A result with the solver's columns; E2 is 2 bar below p_min, CS1 above its power."""
    p = {"S1": 60.0, "N1": 52.0, "N2": 70.0, "N3": 62.0, "E1": 55.0, "N4": 52.0, "E2": 38.0}
    inflow_kg_s = {"S1": 30e6 * RHO_N / DAY, "E1": -12e6 * RHO_N / DAY,
                   "E2": -18e6 * RHO_N / DAY}
    kinds = {"S1": "source", "E1": "sink", "E2": "sink"}
    nodes = pd.DataFrame({
        "p_bar": p,
        "p_min_bar": {k: 40.0 for k in p},
        "p_max_bar": {k: 75.0 for k in p},
        "inflow_kg_s": {k: inflow_kg_s.get(k, 0.0) for k in p},
        "kind": {k: kinds.get(k, "innode") for k in p},
        "height_m": {k: 200.0 for k in p},
    })
    nodes["margin_bar"] = nodes["p_bar"] - nodes["p_min_bar"]
    nodes["violation_bar"] = (nodes["p_min_bar"] - nodes["p_bar"]).clip(lower=0.0)
    nodes["inflow_mcm_d"] = nodes["inflow_kg_s"] * DAY / (1e6 * RHO_N)
    q = {"P1": 30.0, "CS1": 30.0, "P2": 30.0, "P3": 12.0, "P4": 18.0, "P5": 18.0, "V1": 0.0}
    ends = {"P1": ("S1", "N1"), "CS1": ("N1", "N2"), "P2": ("N2", "N3"), "P3": ("N3", "E1"),
            "P4": ("N3", "N4"), "P5": ("N4", "E2"), "V1": ("E1", "E2")}
    kind = {k: "pipe" for k in q} | {"CS1": "compressorStation", "V1": "valve"}
    edges = pd.DataFrame({
        "kind": kind,
        "from_node": {k: a for k, (a, _) in ends.items()},
        "to_node": {k: b for k, (_, b) in ends.items()},
        "q_mcm_d": q,
        "m_kg_s": {k: v * 1e6 * RHO_N / DAY for k, v in q.items()},
        "v_max_m_s": {"P1": 7.1, "CS1": np.nan, "P2": 6.0, "P3": 5.2, "P4": 8.1, "P5": 9.9,
                      "V1": np.nan},
        "p_in_bar": {k: p[a] for k, (a, _) in ends.items()},
        "p_out_bar": {k: p[b] for k, (_, b) in ends.items()},
        "ratio": {k: (70.0 / 52.0 if k == "CS1" else np.nan) for k in q},
        "power_mw": {k: (23.5 if k == "CS1" else np.nan) for k in q},
        "mode": {k: "" for k in q} | {"CS1": "active", "V1": "closed"},
        "linepack_mcm": {"P1": 9.0, "CS1": np.nan, "P2": 11.5, "P3": 4.0, "P4": 5.0,
                         "P5": 4.5, "V1": np.nan},
    })
    fields = dict(nodes=nodes, edges=edges, status="converged", iterations=6,
                  linepack_mcm=34.0, scenario_name="winter peak")
    fields.update(changes)
    return SimpleNamespace(**fields)


# -- reading the HTML ------------------------------------------------------------------------
class _Resources(HTMLParser):
    """Collects every tag attribute that can make a browser fetch something."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []   # (tag, attribute, value)
        self.scripts_with_src: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("src", "href", "data", "poster", "action", "srcset", "background"):
            if a.get(name):
                self.refs.append((tag, name, a[name]))
        if tag == "script" and "src" in a:
            self.scripts_with_src.append(a["src"] or "")
        if tag == "link":
            self.links.append(a)
        if a.get("id"):
            self.ids.add(a["id"])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _parse(text: str) -> _Resources:
    parser = _Resources()
    parser.feed(text)
    return parser


def _without_plotlyjs(text: str) -> str:
    """The document minus the inlined plotly.js bundle (its inert URL strings are not ours)."""
    bundle = PLOTLY_BASIC_JS.read_text(encoding="utf-8")
    assert text.count(bundle) == 1
    return text.replace(bundle, "")


def _newplot_json(text: str, div_id: str) -> str:
    """The arguments of the Plotly.newPlot(...) call that fills ``div_id`` (JSON text)."""
    m = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",(.*?)\)\s*};?', text, re.S)
    assert m, f"no Plotly.newPlot for {div_id}"
    return m.group(1)


def _values(v) -> list:
    """A trace array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


def _figure(text: str, div_id: str) -> tuple[list[dict], dict]:
    """The traces and the layout of the plot in ``div_id``, decoded."""
    args = _newplot_json(text, div_id)
    dec = json.JSONDecoder()
    data, end = dec.raw_decode(args.strip())
    layout, _ = dec.raw_decode(args.strip()[end:].lstrip(" ,\n"))
    return data, layout


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    path = tmp_path_factory.mktemp("report") / "report.html"
    out = write_report(small_network(), fake_result(), path)
    return out, out.read_text(encoding="utf-8")


# -- the file is self-contained --------------------------------------------------------------
def test_write_report_returns_the_path_of_one_html_file(report):
    """write_report returns the Path it wrote, and no temporary file stays beside it."""
    path, text = report
    assert isinstance(path, Path) and path.is_file()
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_report_loads_nothing_from_the_network(report):
    """No <script src>, no <link href=http…>, no external src/href, no @import, no tiles."""
    _, text = report
    res = _parse(text)
    assert res.scripts_with_src == []
    assert not [link for link in res.links if (link.get("href") or "").startswith(("http", "//"))]
    external = [r for r in res.refs if re.match(r"\s*(https?:|//|ftp:)", r[2], re.I)]
    assert external == []
    ours = _without_plotlyjs(text)
    assert not re.search(r"""src\s*=\s*["']?\s*(https?:)?//""", ours, re.I)
    assert not re.search(r"""href\s*=\s*["']?\s*(https?:)?//""", ours, re.I)
    assert not re.search(r"@import", ours, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", ours, re.I)
    for word in ("mapbox", "tile", "topojson", "cdn.plot.ly", "fonts.googleapis", "scattergeo",
                 "choropleth"):
        assert word not in ours.lower(), word
    # Outside the plotly.js bundle there is no URL at all.
    assert not re.search(r"https?://", ours)


def test_report_forbids_loading_with_a_content_security_policy(report):
    """A CSP meta tag with default-src 'none' makes the browser refuse any fetch."""
    _, text = report
    m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
    assert m and "default-src 'none'" in m.group(1) and "connect-src 'none'" in m.group(1)


def test_report_inlines_plotly_js(report):
    """plotly.js's basic bundle (scatter traces only in the report) is inlined once, the full
    bundle not at all, so the file opens offline and stays small."""
    import plotly.offline

    _, text = report
    assert text.count(PLOTLY_BASIC_JS.read_text(encoding="utf-8")) == 1
    assert plotly.offline.get_plotlyjs() not in text
    assert 1_100_000 < len(text.encode("utf-8")) < 1_500_000
    assert "plotly.js 4.1.1 (basic bundle: scatter, bar, pie) inlined" in text


def test_full_bundle_when_a_trace_needs_it(monkeypatch, tmp_path):
    """The full bundle is the fallback: for a trace type the basic bundle lacks, and when the
    vendored bundle's major version is not the one the installed plotly writes for."""
    import plotly
    import plotly.graph_objects as go

    from linepack.report import html as report_html

    scatter = go.Figure(go.Scatter(x=[0, 1], y=[1, 2]))
    heatmap = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    basic = PLOTLY_BASIC_JS.read_text(encoding="utf-8")
    full = plotly.offline.get_plotlyjs()
    assert report_html._plotly_bundle(plotly, [scatter])[0] == basic
    assert report_html._plotly_bundle(plotly, [go.Figure(go.Bar(x=[1], y=[2]))])[0] == basic
    script, label = report_html._plotly_bundle(plotly, [scatter, heatmap])
    assert script == full and label == f"plotly.js {plotly.offline.get_plotlyjs_version()}"
    old = tmp_path / "plotly-basic.min.js"
    old.write_text(basic[:400].replace("v4.1.1", "v3.0.0") + basic[400:], encoding="utf-8")
    monkeypatch.setattr(report_html, "PLOTLY_BASIC_JS", old)
    assert report_html._plotly_bundle(plotly, [scatter])[0] == full
    monkeypatch.setattr(report_html, "PLOTLY_BASIC_JS", tmp_path / "missing.js")
    assert report_html._plotly_bundle(plotly, [scatter])[0] == full


def test_vendored_basic_bundle_matches_its_readme():
    """The vendored file is the one its README names (version, size, sha256), with the MIT
    licence beside it, and matches the plotly.js version of the installed plotly."""
    import hashlib

    import plotly.offline

    readme = (PLOTLY_BASIC_JS.parent / "README.md").read_text(encoding="utf-8")
    data = PLOTLY_BASIC_JS.read_bytes()
    version = re.search(rb"plotly\.js \(basic - minified\) v([\d.]+)", data[:400]).group(1)
    assert f"plotly.js-basic-dist-min` version {version.decode()}" in readme
    assert hashlib.sha256(data).hexdigest() in readme
    assert f"size {len(data):,} bytes".replace(",", " ") in readme
    licence = (PLOTLY_BASIC_JS.parent / "plotly.js-LICENSE.txt").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "Plotly" in licence
    assert version.decode().split(".")[0] == plotly.offline.get_plotlyjs_version().split(".")[0]


def test_flagship_report_is_small_and_self_contained(tmp_path):
    """The central-asia report, as ``linepack simulate central-asia --report`` writes it, is
    small enough to mail (< 1.5 MB; 4.9 MB with the full bundle) and loads no script."""
    import linepack

    opened = linepack.open_case("central-asia", None, None)
    result = linepack.simulate(opened.network, opened.scenario, opened.controls)
    path = write_report(opened.network, result, tmp_path / "central-asia.html",
                        route=opened.network.meta.get("transit_route"))
    size = path.stat().st_size
    assert size < 1_500_000, size
    text = path.read_text(encoding="utf-8")
    res = _parse(text)
    assert res.scripts_with_src == []
    assert not re.search(r"""<script[^>]*\bsrc\s*=""", text, re.I)
    assert [r for r in res.refs if re.match(r"\s*(https?:|//|ftp:)", r[2], re.I)] == []
    # The one place with URLs is the text of the cited sources (never a link or a resource).
    ours = _without_plotlyjs(text)
    start = ours.index('<section id="assumptions-section">')
    end = ours.index("</section>", start)
    assert not re.search(r"https?://", ours[:start] + ours[end:])
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*https?:""", ours[start:end], re.I)
    assert {MAP_DIV_ID, PROFILE_DIV_ID, "transit-section", "nodes-section", "pipes-section",
            "assumptions-section"} <= res.ids


# -- contents --------------------------------------------------------------------------------
def test_map_and_profile_are_present(report):
    """The map and the profile each have their div, traces and axis titles."""
    _, text = report
    res = _parse(text)
    assert {MAP_DIV_ID, PROFILE_DIV_ID, "map-section", "profile-section", "stations-section",
            "violations-section", "report-title"} <= res.ids
    data, layout = _figure(text, MAP_DIV_ID)
    names = {t.get("name") for t in data}
    assert {"country borders", "pipes (width ∝ |flow|)", "compressor stations",
            "entries (sources)", "exits (sinks)", "pressure outside bounds", "valves",
            "junctions"} <= names
    labels = next(t["text"] for t in data if t.get("mode") == "text")
    assert {"KAZAKHSTAN", "UZBEKISTAN", "TURKMENISTAN"} <= set(labels)
    bars = [t["marker"] for t in data if t.get("marker", {}).get("showscale")]
    assert len(bars) == 1 and "pressure [bar]" in bars[0]["colorbar"]["title"]["text"]
    assert bars[0]["cmin"] == pytest.approx(45.0) and bars[0]["cmax"] == pytest.approx(66.0)
    assert layout["xaxis"]["title"]["text"] == "longitude [°E]"
    assert layout["yaxis"]["scaleanchor"] == "x"
    # Equirectangular: one degree of latitude is 1/cos(mean latitude) degrees of longitude.
    mean_lat = np.mean([41.4, 40.9, 40.85, 40.6, 41.3, 42.3, 43.25])
    assert layout["yaxis"]["scaleratio"] == pytest.approx(1 / math.cos(math.radians(mean_lat)))
    hover = " ".join(" ".join(t["text"]) for t in data
                     if t.get("hovertemplate") and isinstance(t.get("text"), list))
    for needle in ("compressorStation CS1", "ratio 1.346", "power 23.50 MW", "sink E2",
                   "outside bounds by 2.000 bar", "pipe P5", "|q| 18.000 mcm/d", "L 500.0 km"):
        assert needle in hover, needle
    pdata, playout = _figure(text, PROFILE_DIV_ID)
    by_name = {t["name"]: t for t in pdata}
    assert {"pressure", "p_min (lower bound)", "p_max (upper bound)",
            "compressor stations"} <= set(by_name)
    # distinct bound styles, both in the legend: p_min dashed red, p_max dotted dark
    low, high = by_name["p_min (lower bound)"]["line"], by_name["p_max (upper bound)"]["line"]
    assert (low["dash"], low["color"]) == ("dash", "#b42318")
    assert (high["dash"], high["color"]) == ("dot", "#1d2733")
    assert playout.get("showlegend") is not False
    assert playout["xaxis"]["title"]["text"] == "distance along route [km]"
    assert playout["yaxis"]["title"]["text"] == "pressure [bar, absolute]"


def test_map_has_no_geo_traces(report):
    """The map is a plain cartesian Scatter (Scattergeo would fetch topojson from a CDN)."""
    _, text = report
    for div in (MAP_DIV_ID, PROFILE_DIV_ID):
        data, layout = _figure(text, div)
        assert {t["type"] for t in data} == {"scatter"}
        assert not {"geo", "mapbox", "map"} & set(layout)
        assert "data" not in layout["template"]


def test_pipe_width_follows_flow_and_profile_follows_route(report):
    """Pipe line width grows with |flow|; the automatic profile runs reference → largest exit."""
    _, text = report
    data, _ = _figure(text, MAP_DIV_ID)
    pipes = [t for t in data if t.get("legendgroup") == "pipes"]
    width_of = {}
    for t in pipes:
        xs = [x for x in _values(t["x"]) if x is not None]
        for x0 in xs[::2]:
            width_of[x0] = t["line"]["width"]
    # P1/P2 carry 30 mcm/d (widest), P4 18, P3 12 (start longitudes 58.9, 61.9, 66.0).
    assert width_of[58.9] == width_of[61.9] == 10.0
    assert width_of[58.9] > 1.0 + 9.0 * 18 / 30 - 0.5 >= 1.0
    pdata, playout = _figure(text, PROFILE_DIV_ID)
    assert playout["title"]["text"] == "Pressure from S1 to E2"
    pressure = next(t for t in pdata if t["name"] == "pressure")
    # 250 + 350 + 400 + 500 km: the closed valve E1–E2 is avoided.
    assert _values(pressure["x"]) == [0.0, 250.0, 250.0, 600.0, 1000.0, 1500.0]
    assert _values(pressure["y"]) == [60.0, 52.0, 70.0, 62.0, 52.0, 38.0]


def test_kpis_tables_and_credit_in_the_page(report):
    """KPI header, station row, violation rows and the Natural Earth credit are in the page."""
    _, text = report
    page = _without_plotlyjs(text)
    assert "<title>Central Asia test line — winter peak</title>" in page
    kpis = re.sub(r"<[^>]+>", " ", page.split('<div class="kpis">')[1].split("</header>")[0])
    kpis = re.sub(r"\s+", " ", kpis)
    # the volume basis is stated with every volume (issue #18)
    assert "Delivered to exits 30.00 mcm/d (0 °C) 2 exit(s)" in kpis
    assert "Entries 30.00 mcm/d (0 °C) 1 entry" in kpis
    assert "Lowest pressure margin -2.00 bar at node E2" in kpis
    assert "Total linepack 34.00 mcm (0 °C)" in kpis
    assert "Limit violations 2" in kpis and "Solver converged 6 iteration(s)" in kpis
    stations = page.split('id="stations-section"')[1].split("</section>")[0]
    assert "CS1" in stations and "active" in stations and "1.346" in stations
    assert "23.50" in stations
    violations = page.split('id="violations-section"')[1].split("</section>")[0]
    assert "E2" in violations and "pressure" in violations
    assert "CS1" in violations and "power" in violations
    assert "Made with Natural Earth" in page


def test_html_is_escaped(tmp_path):
    """Ids and titles with markup are escaped in the page and in the plot data."""
    net = small_network()
    nodes = net.nodes.rename(index={"E1": "<b>E1</b>"})
    conns = net.connections.replace({"E1": "<b>E1</b>"})
    res = fake_result()
    res.nodes = res.nodes.rename(index={"E1": "<b>E1</b>"})
    res.edges = res.edges.replace({"E1": "<b>E1</b>"})
    out = write_report(net.evolve(nodes=nodes, connections=conns), res, tmp_path / "r.html",
                       title="</script><script>alert(1)</script>")
    page = _without_plotlyjs(out.read_text(encoding="utf-8"))
    assert "<script>alert(1)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in page
    assert "<b>E1</b>" not in page.replace("\\u003cb\\u003e", "")


# -- coordinates and routes ------------------------------------------------------------------
def test_xy_fallback_has_no_country_outlines(tmp_path):
    """Without lon/lat the map uses x/y and draws no country outlines (and gives no credit)."""
    out = write_report(small_network(with_lonlat=False), fake_result(), tmp_path / "xy.html")
    text = out.read_text(encoding="utf-8")
    data, layout = _figure(text, MAP_DIV_ID)
    assert "country borders" not in {t.get("name") for t in data}
    assert not [t for t in data if t.get("mode") == "text"]
    assert layout["xaxis"]["title"]["text"] == "x" and layout["yaxis"]["scaleratio"] == 1.0
    assert "Made with Natural Earth" not in _without_plotlyjs(text)


def test_geo_false_and_custom_geojson(tmp_path):
    """geo=False forces x/y; a GeoJSON mapping replaces the built-in outlines."""
    text = write_report(small_network(), fake_result(), tmp_path / "a.html",
                        geo=False).read_text(encoding="utf-8")
    assert "country borders" not in _newplot_json(text, MAP_DIV_ID)
    square = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Testland"},
        "geometry": {"type": "Polygon",
                     "coordinates": [[[60, 40], [70, 40], [70, 42], [60, 42], [60, 40]]]}}]}
    text = write_report(small_network(), fake_result(), tmp_path / "b.html",
                        geo=square).read_text(encoding="utf-8")
    map_json = _newplot_json(text, MAP_DIV_ID)
    assert "TESTLAND" in map_json and "KAZAKHSTAN" not in map_json
    with pytest.raises(InputError, match="no node has lon/lat"):
        write_report(small_network(with_lonlat=False), fake_result(), tmp_path / "c.html",
                     geo=True)


def test_explicit_route_and_bad_route(tmp_path):
    """A given route is drawn; neighbours that no connection joins are an InputError."""
    text = write_report(small_network(), fake_result(), tmp_path / "r.html",
                        route=["S1", "N1", "N2", "N3", "E1"]).read_text(encoding="utf-8")
    data, layout = _figure(text, PROFILE_DIV_ID)
    assert layout["title"]["text"] == "Pressure along the route S1 → E1"
    assert _values(next(t for t in data if t["name"] == "pressure")["x"])[-1] == 900.0
    with pytest.raises(InputError, match="'S1' and 'N3'.*not joined"):
        write_report(small_network(), fake_result(), tmp_path / "bad.html", route=["S1", "N3"])
    with pytest.raises(InputError, match="unknown node 'E22'.*did you mean 'E2'"):
        write_report(small_network(), fake_result(), tmp_path / "bad.html", route=["S1", "E22"])
    assert not (tmp_path / "bad.html").exists()


def test_shortest_route_and_profile():
    """Dijkstra by pipe length; non-pipe connections add no distance; avoid is a preference."""
    net = small_network()
    # Through the valve V1 the way is 900 km, via P4 and P5 1500 km.
    assert shortest_route(net, "S1", "E2") == ["S1", "N1", "N2", "N3", "E1", "E2"]
    assert shortest_route(net, "S1", "E2", avoid=["V1"]) == ["S1", "N1", "N2", "N3", "N4", "E2"]
    assert shortest_route(net, "E1", "E2") == ["E1", "E2"]
    assert shortest_route(net, "E1", "E2", avoid=["V1"]) == ["E1", "N3", "N4", "E2"]
    prof = route_profile(net, fake_result(), ["S1", "N1", "N2", "N3", "N4", "E2"])
    assert prof["distance_km"].tolist() == [0.0, 250.0, 250.0, 600.0, 1000.0, 1500.0]
    assert prof["via"].tolist() == ["", "P1", "CS1", "P2", "P4", "P5"]
    assert prof["via_kind"].tolist() == ["", "pipe", "compressorStation", "pipe", "pipe", "pipe"]
    assert prof["p_bar"].tolist() == [60.0, 52.0, 70.0, 62.0, 52.0, 38.0]


def test_shortest_route_disconnected():
    """Nodes in different parts of the network give an InputError naming both."""
    net = small_network()
    net = net.evolve(connections=net.connections.drop(["P5", "V1"]).assign(
        to_node=lambda c: c["to_node"]))
    with pytest.raises(InputError, match="no path from node 'S1' to node 'E2'"):
        shortest_route(net, "S1", "E2")


def test_report_without_route_candidates(tmp_path):
    """No exits and no coordinates: the page still renders, with notes instead of plots."""
    res = fake_result()
    res.nodes = res.nodes.assign(inflow_kg_s=0.0, inflow_mcm_d=0.0)
    net = small_network(with_lonlat=False)
    net = net.evolve(nodes=net.nodes.assign(x=np.nan, y=np.nan))
    text = write_report(net, res, tmp_path / "r.html").read_text(encoding="utf-8")
    ids = _parse(text).ids
    # The highest-pressure node N2 is the stand-in reference; the lowest, E2, the stand-in exit.
    assert PROFILE_DIV_ID in ids and "Pressure from N2 to E2" in text
    assert MAP_DIV_ID not in ids and "cannot be drawn" in text


# -- atomic writing --------------------------------------------------------------------------
def test_atomic_write_keeps_the_previous_file(tmp_path, monkeypatch):
    """If os.replace fails, the old report is intact and no temporary file is left."""
    path = tmp_path / "report.html"
    path.write_text("previous report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk on fire"):
        write_report(small_network(), fake_result(), path)
    assert path.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_atomic_write_leaves_no_partial_new_file(tmp_path, monkeypatch):
    """If os.replace fails on a first write, no file (partial or temporary) exists."""
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError("no")))
    with pytest.raises(OSError):
        write_report(small_network(), fake_result(), tmp_path / "new.html")
    assert list(tmp_path.iterdir()) == []


def test_overwrite_keeps_file_mode(tmp_path):
    """Rewriting a report replaces it completely and keeps its permission bits."""
    path = tmp_path / "r.html"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o640)
    write_report(small_network(), fake_result(), path)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert path.stat().st_mode & 0o777 == 0o640


# -- the summary -----------------------------------------------------------------------------
def test_summarize_kpis():
    """Delivered flow, entries, lowest margin, linepack, stations and violations."""
    s = summarize(small_network(), fake_result())
    assert s["status"] == "converged" and s["iterations"] == 6
    assert s["scenario_name"] == "winter peak"
    assert s["delivered_mcm_d"] == pytest.approx(30.0)
    assert s["entries_mcm_d"] == pytest.approx(30.0)
    assert s["n_exits"] == 2 and s["n_entries"] == 1
    assert s["min_margin_node"] == "E2" and s["min_margin_bar"] == pytest.approx(-2.0)
    assert s["linepack_mcm"] == pytest.approx(34.0)
    assert [st["id"] for st in s["stations"]] == ["CS1"]
    assert s["stations"][0]["ratio"] == pytest.approx(70 / 52)
    assert s["stations"][0]["power_max_mw"] == pytest.approx(20.0)
    got = {(v["element"], v["quantity"]) for v in s["violations"]}
    assert got == {("E2", "pressure"), ("CS1", "power")}
    assert s["n_violations"] == 2
    e2 = next(v for v in s["violations"] if v["element"] == "E2")
    assert e2["amount"] == pytest.approx(2.0) and e2["limit"] == pytest.approx(40.0)
    assert e2["limit_kind"] == "p_min"
    assert "below its minimum" in e2["message"]


def test_summarize_tolerates_missing_optional_columns():
    """Only p_bar, flows and ends given: bounds come from the network, mcm/d from kg/s."""
    full = fake_result()
    res = SimpleNamespace(nodes=full.nodes[["p_bar", "inflow_kg_s"]],
                          edges=full.edges[["from_node", "to_node", "m_kg_s"]])
    s = summarize(small_network(), res)
    assert s["delivered_mcm_d"] == pytest.approx(30.0)
    assert s["min_margin_bar"] == pytest.approx(-2.0)
    assert s["linepack_mcm"] is None and s["status"] == "" and s["iterations"] is None
    assert s["stations"][0]["ratio"] == pytest.approx(70 / 52)
    assert {v["element"] for v in s["violations"]} == {"E2"}


def test_summarize_station_limits():
    """Ratio above ratio_max and outlet above p_out_max are flagged; a bypass has no ratio and
    no working range (GasLib's convention: p_out_max holds in operation only)."""
    res = fake_result()
    res.nodes.loc["N2", "p_bar"] = 90.0
    res.edges.loc["CS1", ["p_out_bar", "ratio", "power_mw"]] = [90.0, 90.0 / 52.0, 10.0]
    res.edges.loc["CS1", "mode"] = "active:p_out"  # the solver adds what the station holds
    got = {v["quantity"] for v in summarize(small_network(), res)["violations"]
           if v["element"] == "CS1"}
    assert got == {"pressure ratio", "outlet pressure"}
    res.edges.loc["CS1", "mode"] = "bypass"
    got = {v["quantity"] for v in summarize(small_network(), res)["violations"]
           if v["element"] == "CS1"}
    assert got == set()


def test_summary_module_needs_no_plotly():
    """linepack.report and its summary import without plotly (plotting is a lazy extra)."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['plotly'] = None\n"
            "import linepack.report, linepack.report.summary\n"
            "assert 'plotly.graph_objects' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_packaged_outlines_and_readme():
    """The Natural Earth GeoJSON ships with the package, with its credit README."""
    assert COUNTRIES_GEOJSON.is_file()
    readme = (COUNTRIES_GEOJSON.parent / "README.md").read_text(encoding="utf-8")
    assert "Made with Natural Earth" in readme and "public domain" in readme


# -- with the real solver ----------------------------------------------------------------------
def five_node_network_and_scenario():
    """Entry S, P1, A, compressor CS, B, P2, C, P3, exit X: five nodes, one compressor."""
    from linepack.network import Controls, Scenario

    pos = {"S": (60.0, 41.0), "A": (62.0, 41.2), "B": (62.1, 41.2), "C": (65.0, 41.6),
           "X": (68.0, 42.0)}
    kinds = {"S": "source", "X": "sink"}
    nodes = pd.DataFrame([{"id": n, "kind": kinds.get(n, "innode"), "lon": lon, "lat": lat,
                           "p_min_pa": 30e5, "p_max_pa": 80e5} for n, (lon, lat) in pos.items()])
    pipe = {"kind": "pipe", "diameter_m": 0.8, "roughness_m": 2e-5}
    conns = pd.DataFrame([
        {"id": "P1", "from_node": "S", "to_node": "A", "length_m": 150e3, **pipe},
        {"id": "CS", "kind": "compressorStation", "from_node": "A", "to_node": "B",
         "ratio_max": 1.8, "power_max_w": 50e6},
        {"id": "P2", "from_node": "B", "to_node": "C", "length_m": 200e3, **pipe},
        {"id": "P3", "from_node": "C", "to_node": "X", "length_m": 150e3, **pipe},
    ])
    net = Network(nodes, conns, gas={"normal_density": RHO_N}, name="five nodes")
    scen = Scenario(pd.DataFrame([{"id": "S", "p_fixed_pa": 60e5},
                                  {"id": "X", "inflow_kg_s": -100.0}]), name="base")
    controls = Controls.from_dict({"CS": {"mode": "active", "setpoint": "p_out", "value": 70e5}})
    return net, scen, controls


def test_report_of_a_real_result(tmp_path):
    """A real steady result on five nodes with one compressor renders with map and profile."""
    import linepack

    net, scen, controls = five_node_network_and_scenario()
    result = linepack.simulate(net, scen, controls)
    s = summarize(net, result)
    assert s["delivered_kg_s"] == pytest.approx(100.0, rel=1e-6)
    assert s["n_exits"] == 1 and [st["id"] for st in s["stations"]] == ["CS"]
    assert s["linepack_mcm"] is not None and s["linepack_mcm"] > 0
    text = write_report(net, result, tmp_path / "real.html").read_text(encoding="utf-8")
    assert {MAP_DIV_ID, PROFILE_DIV_ID} <= _parse(text).ids
    pdata, playout = _figure(text, PROFILE_DIV_ID)
    assert playout["title"]["text"] == "Pressure from S to X"
    assert "compressor stations" in {t["name"] for t in pdata}
    assert math.isfinite(s["min_margin_bar"])
