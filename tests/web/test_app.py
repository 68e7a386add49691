"""The viewer's server (issue #19, item 3): what-ifs re-solve, bad values get a 422 naming the
field (never a 500 or a traceback), every asset is served from the package."""

from __future__ import annotations

import re

import pytest

import linepack

pytest.importorskip("fastapi", reason="the viewer needs the extra 'web' (FastAPI)")
from fastapi.testclient import TestClient  # noqa: E402

from linepack.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client():
    """The viewer over the built-in flagship case."""
    return TestClient(create_app(linepack.load_case("central-asia")))


def test_case_description_and_base_solution(client):
    """/api/case gives positions, controls with their base values and the base solution, which is
    linepack.simulate's own answer for the case."""
    info = client.get("/api/case").json()
    case = linepack.load_case("central-asia")
    direct = linepack.simulate(case)
    assert info["scenario"] == case.scenario_name
    assert info["base"]["p_bar"]["karakalpakiya"] == float(direct.nodes.at["karakalpakiya", "p_bar"])
    assert len(info["positions"]) == len(case.network.nodes)
    ids = {c["id"] for c in info["controls"]["setpoints_bar"]}
    active = case.controls.table.query("mode == 'active' and setpoint == 'p_out'").index
    assert ids == set(active)


def test_whatif_resolves_with_the_change(client):
    """A lower station set point gives the same pressures as simulate with that set point."""
    r = client.post("/api/whatif", json={"setpoints_bar": {"cs_bozoi": 85.0}})
    assert r.status_code == 200
    got = r.json()
    case = linepack.load_case("central-asia")
    t = case.controls.table.copy()
    t.at["cs_bozoi", "value"] = 85e5
    direct = linepack.simulate(case.network, case.scenario, linepack.Controls(t))
    assert got["p_bar"]["karakalpakiya"] == float(direct.nodes.at["karakalpakiya", "p_bar"])
    assert got["status"] == "converged"


def test_infeasible_whatif_is_an_answer_not_an_error(client):
    """Asking for far more gas than the line carries: 200 with the solver's verdict and its reason
    (Shymkent has no minimum pressure, so the verdict may be a stated convergence failure with
    the feasible share of the demand rather than a proof of infeasibility)."""
    r = client.post("/api/whatif", json={"demands_mcm_d": {"shymkent_akbulak": 400.0}})
    assert r.status_code == 200
    assert r.json()["status"] in ("infeasible", "not converged")
    assert "% of the demand" in r.json()["error"] or "feasible" in r.json()["error"]


@pytest.mark.parametrize("body, field", [
    ({"demands_mcm_d": {"shymkent_akbulk": 10}}, "demands_mcm_d['shymkent_akbulk']"),
    ({"demands_mcm_d": {"shymkent_akbulak": -1}}, "demands_mcm_d['shymkent_akbulak']"),
    ({"entry_p_bar": {"beineu_bbs": 0}}, "entry_p_bar['beineu_bbs']"),
    ({"setpoints_bar": {"cs_bozoi": "high"}}, "setpoints_bar['cs_bozoi']"),
    ({"setpoints_bar": {"cs_beineu": 80}}, "setpoints_bar['cs_beineu']"),
    ({"pressures": {}}, "pressures"),
])
def test_bad_values_get_422_naming_the_field(client, body, field):
    """Unknown ids, negative demands, non-positive or non-numeric pressures, unknown keys: 422."""
    r = client.post("/api/whatif", json=body)
    assert r.status_code == 422
    assert field in r.json()["detail"]
    assert "Traceback" not in r.text


def test_not_json_and_not_finite(client):
    """A body that is not JSON, or NaN/Infinity, is refused with a 422 too."""
    r = client.post("/api/whatif", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    r = client.post("/api/whatif", content=b'{"entry_p_bar": {"beineu_bbs": NaN}}',
                    headers={"content-type": "application/json"})
    assert r.status_code == 422 and "entry_p_bar['beineu_bbs']" in r.json()["detail"]


def test_assets_ship_with_the_package(client):
    """The page, its script and plotly.js come from the server; nothing points to the internet."""
    page = client.get("/").text
    for src in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert src.startswith("/static/"), src
        assert client.get(src).status_code == 200
    js = client.get("/static/viewer.js").text
    assert "http://" not in js and "https://" not in js
    assert client.get("/static/plotly.min.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../cli.py").status_code == 404


def test_a_base_case_without_solution_is_shown_not_refused():
    """A case whose base scenario has no steady state opens: the base answer says why, and a
    what-if that lowers the demand gets a solution."""
    doc = {"linepack": 1, "name": "line",
           "nodes": [{"id": "S", "kind": "source"}, {"id": "X", "kind": "sink", "p_min_bar": 40}],
           "connections": [{"id": "P", "kind": "pipe", "from": "S", "to": "X", "length_km": 100,
                            "diameter_mm": 300, "roughness_mm": 0.01}],
           "scenarios": {"s": {"nodes": [{"id": "S", "p_fixed_bar": 60}, {"id": "X", "inflow_kg_s": -400}]}}}
    c = TestClient(create_app(linepack.parse_native(doc)))
    info = c.get("/api/case").json()
    assert info["base"]["status"] == "infeasible" and info["base"]["error"]
    r = c.post("/api/whatif", json={"demands_mcm_d": {"X": 1.0}})
    assert r.status_code == 200 and r.json()["status"] == "converged"
