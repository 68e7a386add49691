"""The HTML report rendered by headless Chromium (Debian's ``chromium``), fully offline.

One Chromium run renders the report with ``--dump-dom`` (the DOM after plotly.js ran)
and ``--screenshot`` (a 1400 × 2400 PNG, decoded here with zlib and numpy only). The
flagship (central-asia) report, with plotly.js's basic bundle inlined, is rendered through
Playwright (extra ``web``) to see console errors, requests and what is visible, and its
full-page screenshot is kept in ``$LINEPACK_ARTIFACTS`` when that is set.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

CHROMIUM = Path("/usr/bin/chromium")
WIDTH, HEIGHT = 1400, 2400

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed"),
]
pytest.importorskip("plotly")


def _load_test_html():
    """The network and result builders of test_html.py (loaded by path, not by module name)."""
    spec = importlib.util.spec_from_file_location("_report_test_html",
                                                  Path(__file__).with_name("test_html.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chromium(html: Path, profile: Path, *mode: str) -> list[str]:
    return [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}",
            "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", *mode,
            html.resolve().as_uri()]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """``(dom, stderr, png path)`` of the test report rendered by one Chromium run."""
    from linepack.report import write_report

    t = _load_test_html()
    tmp = tmp_path_factory.mktemp("chromium")
    html = write_report(t.small_network(), t.fake_result(), tmp / "report.html")
    png = tmp / "report.png"
    cmd = _chromium(html, tmp / "profile", "--dump-dom", f"--screenshot={png}")
    try:
        run = subprocess.run(cmd, capture_output=True, timeout=90, cwd=tmp)
    except subprocess.TimeoutExpired:
        pytest.fail("chromium did not finish within 90 s")
    stderr = run.stderr.decode(errors="replace")
    assert run.returncode == 0, stderr[-2000:]
    assert png.is_file(), f"chromium wrote no screenshot: {stderr[-2000:]}"
    return run.stdout.decode("utf-8", errors="replace"), stderr, png


# -- the DOM after plotly.js ran -------------------------------------------------------------
class _PlotContents(HTMLParser):
    """SVG classes and visible text inside each plot ``<div id=...>``."""

    def __init__(self, ids):
        super().__init__(convert_charrefs=True)
        self.ids = set(ids)
        self.classes = {i: [] for i in ids}
        self.text = {i: [] for i in ids}
        self._stack: list[str | None] = []   # the plot id each open element belongs to

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        owner = self._stack[-1] if self._stack else None
        if a.get("id") in self.ids:
            owner = a["id"]
        if owner and a.get("class"):
            self.classes[owner].append(f"{tag}.{a['class']}")
        if tag not in ("br", "img", "input", "meta", "link", "hr", "path", "rect", "line",
                       "circle", "stop", "use", "image"):
            self._stack.append(owner)

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        owner = self._stack[-1] if self._stack else None
        if owner and a.get("class"):
            self.classes[owner].append(f"{tag}.{a['class']}")

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "path", "rect", "line",
                       "circle", "stop", "use", "image") and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        owner = self._stack[-1] if self._stack else None
        if owner and data.strip():
            self.text[owner].append(data.strip())


def test_plotly_drew_the_map_and_the_profile(rendered):
    """Both plot divs hold plotly's SVG (class main-svg) with their traces, labels and titles."""
    from linepack.report.html import MAP_DIV_ID, PROFILE_DIV_ID

    dom, _, _ = rendered
    assert dom.count('class="main-svg"') >= 4
    found = _PlotContents([MAP_DIV_ID, PROFILE_DIV_ID])
    found.feed(dom)
    for div in (MAP_DIV_ID, PROFILE_DIV_ID):
        assert "svg.main-svg" in found.classes[div], div
    map_traces = [c for c in found.classes[MAP_DIV_ID] if c.startswith("g.trace scatter")]
    assert len(map_traces) >= 10  # borders, labels, pipe classes, stations, nodes, …
    map_text = " ".join(found.text[MAP_DIV_ID])
    for needle in ("KAZAKHSTAN", "UZBEKISTAN", "longitude [°E]", "latitude [°N]",
                   "compressor stations", "entries (sources)", "exits (sinks)"):
        assert needle in map_text, needle
    profile_text = " ".join(found.text[PROFILE_DIV_ID])
    for needle in ("Pressure from S1 to E2", "distance along route [km]",
                   "pressure [bar, absolute]", "p_min", "p_max", "CS1"):
        assert needle in profile_text, needle
    assert "<title>Central Asia test line — winter peak</title>" in dom


def test_page_loaded_nothing_and_logged_no_errors(rendered):
    """Chromium reports no blocked load (CSP), no failed request and no script error."""
    _, stderr, _ = rendered
    console = [line for line in stderr.splitlines() if ":CONSOLE" in line]
    bad = [line for line in console
           if re.search(r"Security Policy|Refused|Failed|Uncaught|Error|net::", line, re.I)]
    assert bad == []
    assert not re.search(r"ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION|FILE_NOT_FOUND)",
                         stderr)


# -- the screenshot --------------------------------------------------------------------------
def read_png(path: Path) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB/RGBA PNG to an (h, w, channels) uint8 array."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
    w, h, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), header
    bpp = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(idat)), dtype=np.uint8).reshape(h, 1 + w * bpp)
    out = np.zeros((h, w * bpp), dtype=np.uint8)
    prev = np.zeros(w * bpp, dtype=np.int64)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int64)
        if f == 0:      # None
            cur = line
        elif f == 1:    # Sub: a running sum per channel
            cur = np.cumsum(line.reshape(w, bpp), axis=0).ravel() & 255
        elif f == 2:    # Up
            cur = (line + prev) & 255
        else:           # Average (3) and Paeth (4) depend on the pixel just decoded
            filt, up, dec = line.tolist(), prev.tolist(), [0] * (w * bpp)
            for i in range(w * bpp):
                a = dec[i - bpp] if i >= bpp else 0
                b = up[i]
                if f == 3:
                    dec[i] = (filt[i] + ((a + b) >> 1)) & 255
                else:
                    c = up[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    dec[i] = (filt[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) \
                        & 255
            cur = np.array(dec, dtype=np.int64)
        out[y] = cur
        prev = cur
    return out.reshape(h, w, bpp)


def _hex(colour: str) -> np.ndarray:
    return np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)], dtype=np.int16)


def _near(rgb: np.ndarray, colour: str, tol: int) -> np.ndarray:
    """Mask of pixels within ``tol`` of ``colour`` in every channel (``rgb`` as int16)."""
    return (np.abs(rgb - _hex(colour)) <= tol).all(axis=-1)


def test_screenshot_shows_network_outlines_and_profile(rendered):
    """The PNG is a full-size, non-blank page with pipes, borders, stations and the profile."""
    from plotly.colors import sample_colorscale

    from linepack.report.html import _N_COLOURS, _PRESSURE_SCALE

    _, _, png = rendered
    assert png.stat().st_size > 50_000
    img = read_png(png)[:, :, :3]
    assert img.shape == (HEIGHT, WIDTH, 3)
    key = (img[..., 0].astype(np.int32) << 16) | (img[..., 1].astype(np.int32) << 8) | img[..., 2]
    colours, counts = np.unique(key, return_counts=True)
    assert len(colours) > 500 and counts.max() < 0.7 * key.size  # not blank, not one colour
    # Pipes: the pressure-class colours, left of the colour bar (which holds every colour).
    palette = [[int(v) for v in re.findall(r"\d+", c)] for c in sample_colorscale(
        _PRESSURE_SCALE, [k / (_N_COLOURS - 1) for k in range(_N_COLOURS)])]
    palette_keys = [(r << 16) | (g << 8) | b for r, g, b in palette]
    pipe_px = int(np.isin(key[:, : int(WIDTH * 0.75)], palette_keys).sum())
    assert pipe_px > 3000, pipe_px
    rgb = img.astype(np.int16)
    borders = _near(rgb, "#9aa5b1", 6)
    profile_line = _near(rgb, "#1f4e79", 8)
    assert borders.sum() > 300                            # country borders
    assert _near(rgb, "#d62728", 10).sum() > 80           # compressor station (map + profile)
    assert _near(rgb, "#2ca02c", 10).sum() > 40           # the entry
    assert _near(rgb, "#ff7f0e", 10).sum() > 40           # the exits
    assert profile_line.sum() > 300                       # the pressure profile line
    # The map (borders) lies above the profile.
    assert np.median(np.flatnonzero(borders.any(1))) < np.median(
        np.flatnonzero(profile_line.any(1)))


@contextlib.contextmanager
def _report_page(sync_api, html: Path, console: list, errors: list, requests: list):
    """A headless Chromium page (Playwright) with ``html`` loaded and both plots drawn; the
    console lines, page errors and requested URLs are appended to the lists given."""
    from linepack.report.html import MAP_DIV_ID, PROFILE_DIV_ID

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.resolve().as_uri())
            for div in (MAP_DIV_ID, PROFILE_DIV_ID):
                page.wait_for_selector(f"#{div} svg.main-svg", timeout=30000)
            yield page
        finally:
            browser.close()


# -- the flagship report with the basic plotly.js bundle, in a real browser ------------------
@pytest.mark.slow
def test_flagship_report_in_chromium(tmp_path):
    """The central-asia report (plotly.js basic bundle inlined) renders in Chromium: both plots
    drew their SVG, no console or page error, nothing requested from outside the file, the
    corridor transit section is visible above the map with its headline figures; a full-page
    screenshot is saved (to ``$LINEPACK_ARTIFACTS`` when set)."""
    import os
    import shutil

    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="this test drives chromium with playwright (extra 'web')")
    import linepack
    from linepack.report.html import MAP_DIV_ID, PLOTLY_BASIC_JS, PROFILE_DIV_ID
    from linepack.report.summary import transit_summary

    opened = linepack.open_case("central-asia", None, None)
    result = linepack.simulate(opened.network, opened.scenario, opened.controls)
    html = linepack.write_report(opened.network, result, tmp_path / "central-asia.html",
                                 route=opened.network.meta.get("transit_route"))
    text = html.read_text(encoding="utf-8")
    assert PLOTLY_BASIC_JS.read_text(encoding="utf-8") in text   # the basic bundle, not the full
    k = transit_summary(opened.network, result)
    tr, lp = k["transit"], k["linepack"]

    console, errors, requests = [], [], []
    with _report_page(sync_api, html, console, errors, requests) as page:
        assert page.evaluate("typeof Plotly") == "object"
        n_svg = page.locator(".main-svg").count()
        n_map_traces = page.locator(f"#{MAP_DIV_ID} g.trace.scatter").count()
        n_profile_traces = page.locator(f"#{PROFILE_DIV_ID} g.trace.scatter").count()
        n_points = page.locator(f"#{MAP_DIV_ID} path.point").count()
        section = page.locator("#transit-section")
        visible = section.is_visible()
        box = section.bounding_box()
        map_box = page.locator(f"#{MAP_DIV_ID}").bounding_box()
        section_text = section.inner_text()
        map_text = page.locator(f"#{MAP_DIV_ID}").inner_text()
        shot = tmp_path / "central-asia-report.png"
        page.screenshot(path=str(shot), full_page=True)

    bad = [line for line in console
           if re.search(r"Security Policy|Refused|Failed|Uncaught|error", line, re.I)]
    assert bad == [] and errors == []
    assert [u for u in requests if not u.startswith("file://")] == []
    assert n_svg >= 4 and n_map_traces >= 10 and n_profile_traces >= 3 and n_points >= 10
    assert "KAZAKHSTAN" in map_text and "UZBEKISTAN" in map_text
    # The transit headline: shown first (above the map), with the figures transit_summary gives.
    assert visible and box["height"] > 100 and box["y"] + box["height"] <= map_box["y"]
    assert "Corridor transit" in section_text
    for figure in (f"{tr['q_mcm_d_20c']:.2f} mcm/d (20 °C)", f"{tr['bcm_y_20c']:.2f} bcm/y",
                   f"{tr['q_mcm_d_0c']:.2f} mcm/d (0 °C)", f"{tr['border_p_bar']:.2f} bar",
                   f"{lp['transit_path_mcm_0c']:.1f} million m³ (0 °C)", "Linepack, transit path",
                   "Compressor fuel, transit path"):
        assert figure in section_text, figure
    assert tr["q_mcm_d_20c"] > 1.0 and tr["q_mcm_d_20c"] > tr["q_mcm_d_0c"]  # 20 °C m³ are larger

    img = read_png(shot)[:, :, :3]
    assert img.shape[1] == WIDTH and img.shape[0] > 2000
    rgb = img.astype(np.int16)
    assert _near(rgb, "#9aa5b1", 6).sum() > 300          # country borders drawn
    assert _near(rgb, "#d62728", 10).sum() > 80          # compressor stations drawn
    keep = os.environ.get("LINEPACK_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


# -- the new sections of the flagship report (tables, plan, options, assumptions) ------------
_SECTIONS = ("map-section", "profile-section", "nodes-section", "pipes-section", "plan-section",
             "options-section", "assumptions-section")


@pytest.mark.slow
def test_flagship_report_sections_in_chromium(tmp_path, capsys):
    """``linepack simulate central-asia --report r.html --with-plan`` writes a report whose
    new sections render in Chromium: the node table has a row per node and the pipe table one
    per pipe, both sort on a click, the assumptions list every labelled assumption of the
    case, the plan and options tables are there, the map names the border point, the profile
    legend names both bounds, two plots drew, no console or page error; a PNG of each section
    is saved under ``tmp_path`` (and ``$LINEPACK_ARTIFACTS`` when set) and is not blank."""
    import os
    import shutil

    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="this test drives chromium with playwright (extra 'web')")
    import linepack
    from linepack.cli import main
    from linepack.report.html import MAP_DIV_ID, PROFILE_DIV_ID

    html = tmp_path / "central-asia.html"
    rc = main(["simulate", "central-asia", "--report", str(html), "--with-plan"])
    printed = capsys.readouterr().out
    assert rc == 0 and html.is_file(), printed[-2000:]
    assert "plan and options for the report computed in" in printed
    assert html.stat().st_size < 1_500_000          # still small enough to mail
    opened = linepack.open_case("central-asia", None, None)
    n_nodes = len(opened.network.nodes)
    n_pipes = int((opened.network.connections["kind"] == "pipe").sum())
    n_assumptions = len(opened.network.meta["assumptions"])

    console, errors, requests, shots = [], [], [], {}
    with _report_page(sync_api, html, console, errors, requests) as page:
        n_plots = page.locator(".js-plotly-plot").count()
        visible = {s: page.locator(f"#{s}").is_visible() for s in _SECTIONS}
        rows = {t: page.locator(f"#{t} tbody tr").count()
                for t in ("node-table", "pipe-table", "assumption-table", "plan-steps",
                          "plan-screen", "options-north", "options-east")}
        map_text = page.locator(f"#{MAP_DIV_ID}").inner_text()
        legend = page.locator(f"#{PROFILE_DIV_ID} g.legend").text_content()
        # sort the node table by pressure: ascending, then descending
        page.locator("#node-table th", has_text="p [bar abs]").first.click()
        col = page.eval_on_selector_all(
            "#node-table tbody tr", "rs => rs.map(r => parseFloat(r.cells[3].firstChild"
            ".textContent.replace(/\\s/g, '')))")
        page.locator("#node-table th", has_text="p [bar abs]").first.click()
        col_desc = page.eval_on_selector_all(
            "#node-table tbody tr", "rs => rs.map(r => parseFloat(r.cells[3].firstChild"
            ".textContent.replace(/\\s/g, '')))")
        markers = page.locator("#node-table sup.m").count()
        for s in _SECTIONS:
            shots[s] = tmp_path / f"central-asia-{s}.png"
            page.locator(f"#{s}").screenshot(path=str(shots[s]))

    bad = [line for line in console
           if re.search(r"Security Policy|Refused|Failed|Uncaught|error", line, re.I)]
    assert bad == [] and errors == []
    assert [u for u in requests if not u.startswith("file://")] == []
    assert n_plots == 2 and all(visible.values()), visible
    assert rows["node-table"] == n_nodes and rows["pipe-table"] == n_pipes
    assert rows["assumption-table"] == n_assumptions
    assert rows["plan-steps"] >= 1 and rows["plan-screen"] >= 1
    assert rows["options-north"] >= 2 and rows["options-east"] >= 1
    assert markers > n_nodes                        # bounds and demands carry their labels
    assert "GIS Karakalpakiya" in map_text and "Shymkent" in map_text
    assert "p_min (lower bound)" in legend and "p_max (upper bound)" in legend
    assert col == sorted(col) and col_desc == sorted(col, reverse=True)
    keep = os.environ.get("LINEPACK_ARTIFACTS")
    for s, png in shots.items():
        img = read_png(png)[:, :, :3]
        assert img.shape[1] > 1000 and img.shape[0] > 150, (s, img.shape)
        key = (img[..., 0].astype(np.int32) << 16) | (img[..., 1].astype(np.int32) << 8) \
            | img[..., 2]
        assert len(np.unique(key)) > 20, s       # text and lines, not a blank box
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(png, Path(keep) / png.name)
