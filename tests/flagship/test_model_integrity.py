"""Integrity of the flagship Central Asia model data (src/linepack/data/central-asia.json).

The file is read with plain :mod:`json`; where the native reader exists it must load too.
The data are built by tools/build_central_asia.py from the fact sheet; these checks guard
provenance, geography, topology and scenario references.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import deque
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "src" / "linepack" / "data" / "central-asia.json"
FACTS = REPO / "tests" / "data" / "central-asia"

SOURCE_KEY = re.compile(r"\[([A-Z0-9_]+)\]")
ASSUMPTION_ID = re.compile(r"\bA_[A-Z0-9_]+\b")
NUMERIC_NODE = ("lon", "lat", "height_m", "p_min_bar", "p_max_bar")
NON_NUMERIC = ("id", "kind", "from", "to", "alias", "provenance")
REQUIRED_SCENARIOS = ("transit-2023-contract", "transit-2024-average",
                      "transit-2023-december-peak", "transit-11bcm-target",
                      "gasification-saryarka-2-3", "gasification-altai",
                      "gasification-ishim-astana")


@pytest.fixture(scope="module")
def model() -> dict:
    return json.loads(MODEL.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def assumption_ids(model) -> set[str]:
    return {a["id"] for a in model["assumptions"]}


@pytest.fixture(scope="module")
def source_keys(model) -> set[str]:
    """Keys the model may cite: its own reference list, checked against sources.csv if present."""
    keys = set(model["meta"]["references"])
    if (FACTS / "sources.csv").exists():
        with open(FACTS / "sources.csv", newline="", encoding="utf-8") as fh:
            known = {r["source_key"] for r in csv.DictReader(fh)}
        # rows of the December 2026 review addendum are cited as ADD_A1, ADD_A2, ...
        addendum = FACTS / "FACTS-addendum-2026-12.md"
        if addendum.exists():
            known |= {f"ADD_{m}" for m in re.findall(r"^\| (A\d+) \|", addendum.read_text(
                encoding="utf-8"), flags=re.M)}
        assert keys <= known, f"references not in sources.csv or the addendum: {sorted(keys - known)}"
    return keys


def _check_provenance(text: str, where: str, source_keys: set[str], assumption_ids: set[str]):
    assert isinstance(text, str) and text.strip(), f"{where}: empty provenance"
    cited = SOURCE_KEY.findall(text)
    used = ASSUMPTION_ID.findall(text)
    assert cited or used, f"{where}: provenance names neither a source key nor an assumption: {text!r}"
    for k in cited:
        assert k in source_keys, f"{where}: source key [{k}] is not a known source"
    for a in used:
        assert a in assumption_ids, f"{where}: assumption {a} is not in the assumptions list"


def _graph(model, skip_closed: dict | None = None):
    adj = {n["id"]: set() for n in model["nodes"]}
    for c in model["connections"]:
        if skip_closed and skip_closed.get(c["id"], {}).get("mode") == "closed":
            continue
        adj[c["from"]].add(c["to"])
        adj[c["to"]].add(c["from"])
    return adj


def _components(adj) -> list[set[str]]:
    seen, comps = set(), []
    for start in sorted(adj):
        if start in seen:
            continue
        comp, todo = set(), deque([start])
        while todo:
            n = todo.popleft()
            if n in comp:
                continue
            comp.add(n)
            todo.extend(adj[n] - comp)
        seen |= comp
        comps.append(comp)
    return comps


def test_format_header(model):
    """The file is native format version 1 with a default scenario that exists."""
    assert model["linepack"] == 1
    assert model["name"] == "central-asia"
    assert model["meta"]["default_scenario"] in model["scenarios"]
    for k in ("description", "sources", "licence"):
        assert model["meta"][k]


def test_ids_unique(model):
    """Node, connection and assumption ids are unique, also across nodes and connections."""
    nodes = [n["id"] for n in model["nodes"]]
    conns = [c["id"] for c in model["connections"]]
    assumptions = [a["id"] for a in model["assumptions"]]
    assert len(nodes) == len(set(nodes))
    assert len(conns) == len(set(conns))
    assert len(assumptions) == len(set(assumptions))
    assert not set(nodes) & set(conns)


def test_assumptions_complete(model):
    """Every assumption has a text, a value and a reason."""
    for a in model["assumptions"]:
        assert set(a) == {"id", "text", "value", "reason"}, a["id"]
        assert a["text"].strip() and a["reason"].strip() and a["value"] is not None, a["id"]


def test_node_provenance(model, source_keys, assumption_ids):
    """Every numeric node field names a fact (with a known source key) or an assumption."""
    for n in model["nodes"]:
        for field in NUMERIC_NODE:
            assert isinstance(n[field], (int, float)), f"node {n['id']}: {field} missing"
            _check_provenance(n["provenance"].get(field, ""), f"node {n['id']} {field}",
                              source_keys, assumption_ids)


def test_connection_provenance(model, source_keys, assumption_ids):
    """Every numeric connection field names a fact or an assumption; valves and short pipes say why they exist."""
    for c in model["connections"]:
        numeric = [k for k, v in c.items() if k not in NON_NUMERIC and isinstance(v, (int, float))]
        prov = c.get("provenance", {})
        for field in numeric:
            _check_provenance(prov.get(field, ""), f"connection {c['id']} {field}",
                              source_keys, assumption_ids)
        if not numeric:
            _check_provenance(prov.get("topology", ""), f"connection {c['id']} topology",
                              source_keys, assumption_ids)
        if c["kind"] == "pipe":
            assert c["length_km"] > 0 and c["diameter_mm"] > 0 and c["roughness_mm"] > 0, c["id"]


def test_gas_and_scenario_provenance(model, source_keys, assumption_ids):
    """Gas properties and every scenario pressure and flow carry provenance."""
    for k in model["gas"]:
        _check_provenance(model["meta"]["gas_provenance"][k], f"gas {k}", source_keys, assumption_ids)
    for name, s in model["scenarios"].items():
        prov = s["meta"]["provenance"]
        for e in s["nodes"]:
            _check_provenance(prov.get(e["id"], ""), f"scenario {name} node {e['id']}",
                              source_keys, assumption_ids)
        _check_provenance(s["meta"]["temperature_provenance"], f"scenario {name} temperature",
                          source_keys, assumption_ids)


def test_gas_properties_plausible(model):
    """Bulk gas data are SI and inside the fact sheet's computed ranges."""
    g = model["gas"]
    assert 0.731 <= round(g["normal_density"], 3) <= 0.742       # kg/m³ at 0 °C (gas_quality.csv)
    assert 40.0e6 <= g["calorific_value"] <= 40.3e6               # J/m³, metering 0 °C
    assert 0.016 < g["molar_mass"] < 0.017                        # kg/mol
    assert 4.4e6 < g["pseudo_critical_pressure"] < 4.8e6          # Pa
    assert 185 < g["pseudo_critical_temperature"] < 200           # K


def test_coordinates_in_region(model):
    """Every node lies inside lon 45–90 °E, lat 35–56 °N (Ishim, the Russian entry of option B, at 56.11 °N)."""
    for n in model["nodes"]:
        lat_max = 56.2 if n["id"] in ("ishim", "ishim_out") else 56.0  # route_nodes.csv OPT_ISHIM_ASTANA/1
        assert 45 <= n["lon"] <= 90 and 35 <= n["lat"] <= lat_max, (n["id"], n["lon"], n["lat"])


def test_pressure_bounds_consistent(model):
    """Node pressure bounds are ordered and scenario reference pressures respect them."""
    nodes = {n["id"]: n for n in model["nodes"]}
    for n in nodes.values():
        assert 0 < n["p_min_bar"] < n["p_max_bar"], n["id"]
    for name, s in model["scenarios"].items():
        for e in s["nodes"]:
            if "p_fixed_bar" in e:
                n = nodes[e["id"]]
                assert n["p_min_bar"] <= e["p_fixed_bar"] <= n["p_max_bar"], (name, e["id"])


def test_connectivity(model):
    """Every node is reachable from an entry (source) node; every island has one."""
    kinds = {n["id"]: n["kind"] for n in model["nodes"]}
    comps = _components(_graph(model))
    for comp in comps:
        assert any(kinds[n] == "source" for n in comp), f"island without an entry: {sorted(comp)}"
    assert sum(len(c) for c in comps) == len(kinds)
    # the transit route and the domestic system form one graph (joined by the Beineu crossover);
    # the Altai option is its own island
    assert len(comps) == 2


def test_transit_route_is_a_path(model):
    """A path Alexandrov Gai → Karakalpakiya exists through every named CAC station, with valves and stations as in the 2023 controls."""
    ctl = model["controls"]["default"]
    adj = _graph(model, skip_closed=ctl)
    # breadth-first search keeping the path
    prev = {"alexandrov_gai": None}
    todo = deque(["alexandrov_gai"])
    while todo:
        n = todo.popleft()
        for m in sorted(adj[n]):
            if m not in prev:
                prev[m] = n
                todo.append(m)
    assert "karakalpakiya" in prev
    path, n = [], "karakalpakiya"
    while n is not None:
        path.append(n)
        n = prev[n]
    path.reverse()
    for station in ("zhangala", "makat", "kulsary", "opornaya", "beineu"):
        assert f"{station}_in" in path and f"{station}_out" in path, station
    # the domestic system is not reachable with the crossover closed
    assert "beineu_bbs" not in prev


def test_scenarios_present_and_consistent(model):
    """Required scenarios exist; flows reference existing nodes; controls exist; groups are set."""
    node_ids = {n["id"] for n in model["nodes"]}
    conn_ids = {c["id"] for c in model["connections"]}
    for name in REQUIRED_SCENARIOS:
        assert name in model["scenarios"], name
    for name, s in model["scenarios"].items():
        assert s["controls"] in model["controls"], name
        assert s["meta"]["group"] in ("transit", "domestic", "gasification"), name
        assert 260 < s["temperature_k"] < 310, name
        ids = [e["id"] for e in s["nodes"]]
        assert len(ids) == len(set(ids)), name
        for e in s["nodes"]:
            assert e["id"] in node_ids, (name, e["id"])
            assert set(e) - {"id"} <= {"p_fixed_bar", "inflow_mcm_d"}, (name, e)
        karak = [e for e in s["nodes"] if e["id"] == "karakalpakiya"]
        assert karak and karak[0]["inflow_mcm_d"] < 0, name
    for cname, ctl in model["controls"].items():
        for cid in ctl:
            assert cid in conn_ids, (cname, cid)


def test_one_reference_per_island(model):
    """With each scenario's controls, every hydraulic island has exactly one p_fixed node."""
    for name, s in model["scenarios"].items():
        ctl = model["controls"][s["controls"]]
        fixed = {e["id"] for e in s["nodes"] if "p_fixed_bar" in e}
        for comp in _components(_graph(model, skip_closed=ctl)):
            assert len(comp & fixed) == 1, (name, sorted(comp)[:5], sorted(comp & fixed))


def test_published_transit_flows(model):
    """Transit nominations are the published 20 °C figures converted to 0 °C normal m³."""
    conv = 273.15 / 293.15
    # December 2023: "twice our daily obligations" = 2 × 9 mcm/d (addendum A5; the earlier
    # 19 mcm/d stood for an 18–25 band whose upper end had no source); Jan–Feb 2024: 1.114 bcm
    # in 60 days (A6); 2025 forecast 7.3 bcm (A3)
    expect = {"transit-2023-contract": 9.0, "transit-2024-average": 5640.0 / 366,
              "transit-11bcm-target": 11000.0 / 365, "transit-2023-december-peak": 18.0,
              "transit-2024-jan-feb": 1114.0 / 60, "transit-2025-forecast": 7300.0 / 365,
              "transit-2024-summer-derated": (3473.0 - 1114.0) / 184}
    for name, q20 in expect.items():
        s = model["scenarios"][name]
        q = next(e["inflow_mcm_d"] for e in s["nodes"] if e["id"] == "karakalpakiya")
        assert q == pytest.approx(-q20 * conv, abs=1e-4), name
        assert s["meta"]["transit_published_mcm_d_20c"] == pytest.approx(q20, abs=1e-4)


def test_docs_list_every_assumption(model):
    """docs/central-asia.md names every assumption id of the data file."""
    doc = (REPO / "docs" / "central-asia.md").read_text(encoding="utf-8")
    missing = [a["id"] for a in model["assumptions"] if f"`{a['id']}`" not in doc]
    assert not missing, f"assumptions missing from docs/central-asia.md: {missing}"


@pytest.mark.skipif(importlib.util.find_spec("linepack.io.native") is None,
                    reason="linepack.io.native is not there yet")
def test_loads_with_native_reader(model):
    """linepack.io.native.read_native reads the file with every scenario and control set."""
    from linepack.io.native import read_native

    case = read_native(MODEL)
    assert set(case.scenarios) == set(model["scenarios"])
    assert set(case.control_sets) == set(model["controls"])
    assert len(case.network.nodes) == len(model["nodes"])
    assert len(case.network.connections) == len(model["connections"])


@pytest.mark.skipif(not (FACTS / "sources.csv").exists() or
                    not (REPO / "tools" / "build_central_asia.py").exists(),
                    reason="fact sheet or build script not available")
def test_build_is_reproducible(tmp_path):
    """Rebuilding from the fact sheet gives the committed file byte for byte."""
    spec = importlib.util.spec_from_file_location("build_central_asia",
                                                  REPO / "tools" / "build_central_asia.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "central-asia.json"
    assert mod.main([str(FACTS), "--out", str(out)]) == 0
    assert out.read_bytes() == MODEL.read_bytes()
