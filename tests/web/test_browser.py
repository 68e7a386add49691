"""The viewer in a real browser (issue #19, item 3): Playwright drives Debian's chromium, loads
the page, moves a control, checks the new figures, saves a screenshot and measures the what-if
round trip (request, solve, redraw; goal < 100 ms on the flagship)."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import threading
import time
from pathlib import Path

import pytest

import linepack

pytest.importorskip("fastapi", reason="the viewer needs the extra 'web'")
uvicorn = pytest.importorskip("uvicorn", reason="the viewer needs the extra 'web'")
sync_api = pytest.importorskip("playwright.sync_api", reason="the browser test needs playwright (extra 'web')")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
pytestmark = [pytest.mark.chromium, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no chromium at {CHROMIUM} "
                                 "(.ci/run installs Debian's chromium with apt)")]


@pytest.fixture(scope="module")
def server():
    """The viewer of the flagship case on a free port of 127.0.0.1, in a thread."""
    from linepack.web.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(linepack.load_case("central-asia")), log_level="warning"))
    th = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    th.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    th.join(10)
    sock.close()


def test_viewer_in_chromium(server, tmp_path):
    """Load the page, move the demand slider of Karakalpakiya (the transit exit at the end of the profile), see the delivered flow and the pressures
    change, save a screenshot, and time ten what-ifs in the browser."""
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            outside = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None)
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready='1']", timeout=30000)
            kpis = page.locator("#kpis")
            before = kpis.inner_text()
            assert "converged" in before
            profile_before = page.evaluate("document.getElementById('profile').data[2].y.slice()")
            v0 = int(kpis.get_attribute("data-version"))

            slider = page.locator("input[data-field='demands_mcm_d'][data-id='karakalpakiya']")
            base = float(slider.get_attribute("data-base"))
            slider.fill(str(round(base * 0.5, 1)))
            page.wait_for_function(f"() => +document.getElementById('kpis').dataset.version > {v0}")
            page.wait_for_function("() => window.linepackTimings.length >= 1")
            after = kpis.inner_text()
            assert after != before
            profile_after = page.evaluate("document.getElementById('profile').data[2].y.slice()")
            assert profile_after != profile_before
            assert profile_after[-1] > profile_before[-1]   # less offtake: a higher pressure at the exit
            shot = tmp_path / "viewer.png"
            page.screenshot(path=str(shot), full_page=True)
            keep = os.environ.get("LINEPACK_ARTIFACTS")
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, Path(keep) / "viewer.png")
            assert shot.stat().st_size > 20_000

            # the what-if round trip, measured in the browser: ten moves, one after the other
            n0 = page.evaluate("window.linepackTimings.length")
            for i in range(10):
                slider.fill(str(round(base * (0.6 + 0.08 * i), 1)))
                page.wait_for_function(f"() => window.linepackTimings.length >= {n0 + i + 1}")
            times = page.evaluate(f"window.linepackTimings.slice({n0})")
            split = page.evaluate(f"window.linepackSplit.slice({n0})")
            median = statistics.median(times)
            answer = statistics.median(a for a, _ in split)
            print(f"\nviewer what-if round trip (flagship, in chromium): median {median:.0f} ms, "
                  f"min {min(times):.0f} ms, max {max(times):.0f} ms over {len(times)}, of which the answer "
                  f"(request + solve) median {answer:.0f} ms (goal < 100 ms; "
                  f"load average {os.getloadavg()[0]:.1f})")
            assert outside == []
            assert page.locator("#message").inner_text() == ""
        finally:
            browser.close()
