"""The report's node and pipe tables, provenance labels, assumptions, map names and the plan and
options sections (HTML read back with the standard library's parser; no browser).

Expected numbers come from the hand-made result of test_html.py (pressures, flows, linepack
given there) and from the ideal-gas ratio of the two volume bases, 273.15 K / 293.15 K
(1 m³ at 20 °C holds as much gas as 0.931776 m³ at 0 °C, same pressure).
"""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from linepack.network import Network, Scenario
from linepack.report import write_report
from linepack.report.provenance import (
    assumption_table,
    cell_marker,
    element_provenance,
    provenance_labels,
    source_table,
)

pytest.importorskip("plotly")

STD = 273.15 / 293.15   # m³ (0 °C) per m³ (20 °C), ideal gas


def _t():
    spec = importlib.util.spec_from_file_location("_report_test_html_tables",
                                                  Path(__file__).with_name("test_html.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


T = _t()


def labelled_network() -> Network:
    """The test line of test_html.py with names, provenance, assumptions and sources."""
    net = T.small_network()
    nodes = net.nodes.copy()
    nodes["alias"] = ""
    nodes.loc["E2", "alias"] = "GIS Karakalpakiya (delivery to Uzbekistan)"
    nodes.loc["E1", "alias"] = "Kyzylorda city and region offtake (at Karaozek)"
    nodes.loc["S1", "alias"] = "CS Alexandrov Gai (Gazprom), head of the reverse route"
    meta = {
        "provenance": {
            "E2": {"p_min_bar": "A_TEST_BORDER", "lon": "nodes.csv X/2 [SRC_GEO] (medium)",
                   "lat": "nodes.csv X/2 [SRC_GEO] (medium)"},
            "P5": {"length_km": "pipelines.csv X/len [SRC_LEN] (low) + A_TEST_FACTOR",
                   "diameter_mm": "pipelines.csv X/d [SRC_D] (high)"},
        },
        "assumptions": [
            {"id": "A_TEST_BORDER", "text": "Lowest border pressure. [bar abs]", "value": 40.0,
             "reason": "Contract not found."},
            {"id": "A_TEST_FACTOR", "text": "Route factor. [-]", "value": 1.1,
             "reason": "Typical of steppe routes."},
            {"id": "A_TEST_DEMAND", "text": "Demand split. [-]", "value": 0.6, "reason": "–"},
        ],
        "references": {"SRC_GEO": "An atlas (2020)", "SRC_LEN": "A news item (2019)",
                       "SRC_D": "The operator's annual report (2024)"},
    }
    return Network(nodes.reset_index(), net.connections.reset_index(), gas=net.gas,
                   name=net.name, meta=meta)


def labelled_scenario(network: Network) -> Scenario:
    nodes = pd.DataFrame({"inflow_kg_s": {"E1": -1.0, "E2": -2.0}})
    nodes.index.name = "id"
    return Scenario(nodes=nodes, name="winter peak",
                    meta={"provenance": {"E2": "A_TEST_DEMAND × a published total [SRC_D] (high)"}})


class _Tables(HTMLParser):
    """Rows of each ``<table id=...>``: cell texts, and the ``<sup>`` markers with titles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.heads: dict[str, list[str]] = {}
        self.sups: dict[str, list[tuple[str, str]]] = {}  # table id -> (marker, title)
        self._table = None
        self._row = None
        self._cell = None
        self._sup = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table], self.heads[self._table] = [], []
            self.sups[self._table] = []
        elif self._table and tag == "thead":
            self._in_head = True
        elif self._table and tag == "tr" and not self._in_head:
            self._row = []
        elif self._table and tag in ("td", "th"):
            self._cell = []
        elif self._table and tag == "sup":
            self._sup = [a.get("title", ""), []]

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "thead":
            self._in_head = False
        elif self._table and tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.heads[self._table] if self._in_head else self._row).append(text)
            self._cell = None
        elif self._table and tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif self._table and tag == "sup" and self._sup is not None:
            self.sups[self._table].append(("".join(self._sup[1]), self._sup[0]))
            self._sup = None

    def handle_data(self, data):
        if self._sup is not None:
            self._sup[1].append(data)
        elif self._cell is not None:
            self._cell.append(data)


def _read(text: str) -> _Tables:
    p = _Tables()
    p.feed(text)
    return p


def _num(cell: str) -> float:
    return float(cell.replace("\u2009", "").replace(",", ""))


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    net = labelled_network()
    path = write_report(net, T.fake_result(), tmp_path_factory.mktemp("tables") / "r.html",
                        scenario=labelled_scenario(net))
    text = path.read_text(encoding="utf-8")
    return text, _read(text)


# -- the provenance reader -------------------------------------------------------------------
def test_provenance_labels_and_markers():
    """Assumption ids and ``[KEY] (confidence)`` pairs are read from the texts the case
    builder writes; the marker names an assumption first, then the weakest confidence."""
    text = ("pipelines.csv CAC/len [GEMREPO_SARY1] (high) × great circle [GENERAL] (medium) "
            "+ A_PRORATE; A_T_SEASON[annual]")
    lab = provenance_labels(text)
    assert lab["assumptions"] == ["A_PRORATE", "A_T_SEASON"]
    assert lab["sources"] == [("GEMREPO_SARY1", "high"), ("GENERAL", "medium")]
    assert lab["weakest"] == "medium"
    # "ADD_A10" is a source key, not an assumption; a key without a confidence is kept
    assert provenance_labels("FACTS row A10 [ADD_A10]") == {
        "assumptions": [], "sources": [("ADD_A10", "")], "weakest": ""}
    assert cell_marker([text]) == "A·M"
    assert cell_marker(["x [K1] (high)", "y [K2] (low)"]) == "L"
    assert cell_marker(["A_CAC_MAOP"]) == "A"
    assert cell_marker(["a plain note", None]) == ""


def test_provenance_tables_of_a_case():
    """Element fields and scenario entries are listed; each assumption counts the fields
    resting on it; each source carries the confidence its fact rows give."""
    net = labelled_network()
    scn = labelled_scenario(net)
    prov = element_provenance(net, scn)
    assert len(prov) == 6  # E2: p_min, lon, lat; P5: length, diameter; scenario: E2
    row = prov[(prov.element == "E2") & (prov.owner == "scenario")].iloc[0]
    assert row.field == "scenario" and row.marker == "A·H"
    a = assumption_table(net, scn).set_index("id")
    assert a.loc["A_TEST_BORDER", "used_by"] == 1 and a.loc["A_TEST_FACTOR", "used_by"] == 1
    assert a.loc["A_TEST_DEMAND", "used_by"] == 1 and a.loc["A_TEST_BORDER", "value"] == 40.0
    s = source_table(net, scn).set_index("key")
    assert s.loc["SRC_LEN", "confidence"] == "low" and s.loc["SRC_D", "used_by"] == 2
    assert s.loc["SRC_GEO", "citation"] == "An atlas (2020)"


def test_assumption_set_in_force_is_shown():
    """With an assumption set applied, the value in force is the set's and the central value
    is kept beside it."""
    net = labelled_network()
    meta = dict(net.meta, assumption_set="low",
                assumption_sets={"low": {"assumptions": {"A_TEST_BORDER": 43.0}},
                                 "central": {"assumptions": {}}})
    net = Network(net.nodes.reset_index(), net.connections.reset_index(), gas=net.gas,
                  name=net.name, meta=meta)
    a = assumption_table(net).set_index("id")
    assert a.loc["A_TEST_BORDER", "value"] == 43.0 and a.loc["A_TEST_BORDER", "central"] == 40.0


# -- node and pipe tables --------------------------------------------------------------------
def test_node_table_figures_and_bases(labelled):
    """Every node once, entries and exits first; pressures absolute with bounds and margin;
    supply/demand in mcm/d at 0 °C and at 20 °C (÷ 273.15/293.15)."""
    text, t = labelled
    head = t.heads["node-table"]
    assert head[:4] == ["id", "name", "kind", "p [bar abs]"]
    assert "supply + / demand − [mcm/d, 0 °C]" in head
    assert "supply + / demand − [mcm/d, 20 °C]" in head
    rows = {r[0]: dict(zip(head, r)) for r in t.tables["node-table"]}
    assert set(rows) == {"S1", "N1", "N2", "N3", "E1", "N4", "E2"}
    assert [r[0] for r in t.tables["node-table"]][:3] == ["S1", "E1", "E2"]
    e2 = rows["E2"]
    assert e2["name"] == "GIS Karakalpakiya (delivery to Uzbekistan)"
    assert _num(e2["p [bar abs]"]) == 38.0 and _num(e2["p_min [bar abs]"]) == 40.0
    assert _num(e2["margin p − p_min [bar]"]) == -2.0
    assert _num(e2["supply + / demand − [mcm/d, 0 °C]"]) == pytest.approx(-18.0, abs=1e-3)
    assert _num(e2["supply + / demand − [mcm/d, 20 °C]"]) == pytest.approx(-18.0 / STD, abs=1e-3)
    assert _num(rows["S1"]["supply + / demand − [mcm/d, 0 °C]"]) == pytest.approx(30.0, abs=1e-3)
    assert "Pressures are absolute bar" in text
    # E2 is below its bound: its row is marked bad
    assert re.search(r'<tr class="bad"><td class="text">E2</td>', text)


def test_pipe_table_figures(labelled):
    """Pipes only, with length, diameter, flows in both bases, velocity, the pressure drop in
    the direction of flow and the linepack (values of the hand-made result)."""
    _, t = labelled
    head = t.heads["pipe-table"]
    rows = {r[0]: dict(zip(head, r)) for r in t.tables["pipe-table"]}
    assert set(rows) == {"P1", "P2", "P3", "P4", "P5"}   # no station, no valve
    p5 = rows["P5"]
    assert (p5["from"], p5["to"]) == ("N4", "E2")
    assert _num(p5["length [km]"]) == 500.0 and _num(p5["inner diameter [mm]"]) == 700.0
    assert _num(p5["flow [mcm/d, 0 °C]"]) == 18.0
    assert _num(p5["flow [mcm/d, 20 °C]"]) == pytest.approx(18.0 / STD, abs=1e-3)
    assert _num(p5["v max [m/s]"]) == 9.9
    assert _num(p5["pressure drop [bar]"]) == 14.0          # 52 − 38 bar
    assert _num(p5["linepack [million m³, 0 °C]"]) == 4.5


def test_pressure_drop_follows_the_flow(tmp_path):
    """A pipe carrying gas against its from → to direction: the drop is still inlet − outlet
    of the flow (positive), not from − to."""
    r = T.fake_result()
    r.edges.loc["P5", ["q_mcm_d", "m_kg_s"]] = -r.edges.loc["P5", ["q_mcm_d", "m_kg_s"]]
    r.edges.loc["P5", ["p_in_bar", "p_out_bar"]] = [38.0, 52.0]
    text = write_report(T.small_network(), r, tmp_path / "r.html").read_text(encoding="utf-8")
    t = _read(text)
    head = t.heads["pipe-table"]
    p5 = next(dict(zip(head, row)) for row in t.tables["pipe-table"] if row[0] == "P5")
    assert _num(p5["pressure drop [bar]"]) == 14.0
    assert _num(p5["flow [mcm/d, 0 °C]"]) == -18.0


def test_provenance_markers_and_labels_in_the_tables(labelled):
    """Each figure with a provenance carries its marker (tooltip: the full text); the basis
    column names every label of the element."""
    text, t = labelled
    node_sups = dict((title, m) for m, title in t.sups["node-table"])
    assert node_sups["A_TEST_BORDER"] == "A"                                  # E2 p_min
    assert node_sups["A_TEST_DEMAND × a published total [SRC_D] (high)"] == "A·H"  # E2 demand
    pipe_sups = dict((title, m) for m, title in t.sups["pipe-table"])
    assert pipe_sups["pipelines.csv X/len [SRC_LEN] (low) + A_TEST_FACTOR"] == "A·L"
    assert pipe_sups["pipelines.csv X/d [SRC_D] (high)"] == "H"
    head = t.heads["node-table"]
    e2 = next(dict(zip(head, r)) for r in t.tables["node-table"] if r[0] == "E2")
    assert e2["basis (labels)"] == ("p_min: A_TEST_BORDER; position: SRC_GEO (medium); "
                                    "boundary value: A_TEST_DEMAND, SRC_D (high)")
    # the marker is beside the figure: E2's p_min cell reads 40.0 then A
    assert re.search(r"<td>40\.0<sup class=\"m\" title=\"A_TEST_BORDER\">A</sup></td>", text)


def test_assumptions_and_sources_section(labelled):
    """Every assumption with its value and reason and how many fields rest on it; every
    source with its citation and confidence."""
    text, t = labelled
    head = t.heads["assumption-table"]
    rows = {r[0]: dict(zip(head, r)) for r in t.tables["assumption-table"]}
    assert set(rows) == {"A_TEST_BORDER", "A_TEST_FACTOR", "A_TEST_DEMAND"}
    assert rows["A_TEST_BORDER"]["value in force"] == "40.0"
    assert "Contract not found." in rows["A_TEST_BORDER"]["what and why"]
    assert rows["A_TEST_FACTOR"]["fields resting on it"] == "1"
    assert rows["A_TEST_FACTOR"]["elements (first six)"] == "P5"
    shead = t.heads["source-table"]
    src = {r[0]: dict(zip(shead, r)) for r in t.tables["source-table"]}
    assert src["SRC_LEN"]["confidence of the fact rows"] == "low"
    assert src["SRC_D"]["citation"] == "The operator's annual report (2024)"
    assert src["SRC_D"]["fields citing it"] == "2"
    assert '<section id="assumptions-section">' in text


def test_no_provenance_no_assumption_section(tmp_path):
    """A network without provenance gets the tables without markers and no empty section."""
    text = write_report(T.small_network(), T.fake_result(), tmp_path / "r.html").read_text(
        encoding="utf-8")
    t = _read(text)
    assert t.sups["node-table"] == [] and t.sups["pipe-table"] == []
    assert "assumptions-section" not in text and "Markers beside a figure" not in text


def test_tables_are_sortable(labelled):
    """The tables carry the sortable class and the page one inline sort script (no source)."""
    text, _ = labelled
    assert text.count('class="compact sortable"') == 4   # nodes, pipes, assumptions, sources
    assert text.count("table.sortable th") >= 2 and "localeCompare" in text


# -- names on the map ------------------------------------------------------------------------
def test_entry_and_exit_names_on_the_map(labelled):
    """Entries, exits and compressor stations are named on the map: short names from the alias
    (up to ':', ',', ' (', ' offtake', ' city'), else the id; each beside its symbol."""
    text, _ = labelled
    data, _ = T._figure(text, T.MAP_DIV_ID)
    names = next(tr for tr in data if tr.get("name") == "names")
    assert names["mode"] == "markers+text"
    assert sorted(names["text"]) == ["CS Alexandrov Gai", "GIS Karakalpakiya", "Kyzylorda"]
    stations = next(tr for tr in data if tr.get("name") == "station names")
    assert stations["text"] == ["CS1"]          # no alias: the id
    hover = " ".join(" ".join(tr["text"]) for tr in data
                     if tr.get("hovertemplate") and isinstance(tr.get("text"), list))
    assert "(GIS Karakalpakiya (delivery to Uzbekistan))" in hover


# -- plan and options sections ---------------------------------------------------------------
def _plan() -> SimpleNamespace:
    """A PlanResult-shaped object (0 °C flows) as corridor_plan returns it."""
    steps = pd.DataFrame([{"step": 1, "id": "restart-a", "action": "restart CS A",
                           "capacity_mcm_d": 27.95, "gain_mcm_d": 5.0,
                           "capex_musd_low": 10.0, "capex_musd_central": 25.0,
                           "capex_musd_high": 50.0, "total_capex_musd_low": 10.0,
                           "total_capex_musd_central": 25.0, "total_capex_musd_high": 50.0,
                           "fuel_mcm_d": 0.2, "fuel_pct": 0.7, "binding": "border p_min",
                           "fuel_musd_y": 11.7, "ranking_cost_musd": 25.0,
                           "cost_basis": "A_COST_CS_RESTART"}])
    screen = pd.DataFrame([{"id": "restart-a", "action": "restart CS A", "capacity_mcm_d": 27.95,
                            "gain_mcm_d": 5.0, "capex_musd_central": 25.0, "musd_per_mcm_d": 5.0,
                            "binding": "border p_min"},
                           {"id": "loop-b", "action": "loop B", "capacity_mcm_d": 22.95,
                            "gain_mcm_d": 0.0, "capex_musd_central": 99.0,
                            "musd_per_mcm_d": float("inf"), "binding": "border p_min"}])
    return SimpleNamespace(base_mcm_d=22.95, base_binding="border p_min", target_mcm_d=27.95,
                           reached=True, steps=steps, screen=screen, method="greedy (test)")


def test_plan_and_options_sections(tmp_path):
    """The plan section states target and base capacity in 20 °C and 0 °C, lists the steps
    and the screen (20 °C flows: ÷ 273.15/293.15); the options table marks variants that
    miss a limit."""
    options = {"north": pd.DataFrame([
        {"id": "A 530", "option": "A", "published": True, "feasible": True, "binding": "",
         "demand_mcm_d_20c": 3.34, "capacity_factor": 1.1, "capacity_bcm_y_20c": 1.34,
         "p_min_bar": 42.5, "p_min_node": "pavlodar", "fuel_mcm_d_20c": 0.0, "fuel_pct": 0.0,
         "fuel_co2_kt_y": 0.0, "delivered_co2_mt_y": 2.3, "capex_musd_low": 700.0,
         "capex_musd_central": 900.0, "capex_musd_high": 1300.0, "least_cost": "family"},
        {"id": "A 426", "option": "A", "published": False, "feasible": False,
         "binding": "pressure at petropavl", "demand_mcm_d_20c": 3.34, "capacity_factor": 0.86,
         "capacity_bcm_y_20c": 1.05, "p_min_bar": float("nan"), "p_min_node": "",
         "fuel_mcm_d_20c": float("nan"), "fuel_pct": float("nan"),
         "fuel_co2_kt_y": float("nan"), "delivered_co2_mt_y": 2.3, "capex_musd_low": 600.0,
         "capex_musd_central": 800.0, "capex_musd_high": 1200.0, "least_cost": ""}])}
    net = labelled_network()
    text = write_report(net, T.fake_result(), tmp_path / "r.html", plan=_plan(),
                        plan_note=" (base scenario test)", options=options).read_text(
        encoding="utf-8")
    t = _read(text)
    assert "Path to the transit target (base scenario test)" in text
    target = 27.95 / STD
    assert f"{target:.2f} mcm/d (20 °C) ≈ {target * 365 / 1e3:.2f} bcm/y (20 °C); 27.95 mcm/d (0 °C)" \
        in text
    head = t.heads["plan-steps"]
    step = dict(zip(head, t.tables["plan-steps"][0]))
    assert step["candidate"] == "restart-a"
    assert _num(step["capacity after [mcm/d, 20 °C]"]) == pytest.approx(27.95 / STD, abs=5e-3)
    assert _num(step["capacity after [mcm/d, 0 °C]"]) == 27.95
    assert _num(step["fuel [mcm/d, 20 °C]"]) == pytest.approx(0.2 / STD, abs=5e-4)
    shead = t.heads["plan-screen"]
    screen = {r[0]: dict(zip(shead, r)) for r in t.tables["plan-screen"]}
    assert _num(screen["restart-a"]["M USD per mcm/d (20 °C) gained"]) == pytest.approx(5.0 * STD,
                                                                                         abs=0.05)
    assert screen["loop-b"]["M USD per mcm/d (20 °C) gained"] == "–"   # no gain: no figure
    ohead = t.heads["options-north"]
    opt = {r[0]: dict(zip(ohead, r)) for r in t.tables["options-north"]}
    assert opt["A 530"]["all limits at design"] == "yes" and opt["A 530"]["model's design"] == "yes"
    assert opt["A 426"]["all limits at design"] == "no"
    assert opt["A 426"]["binding"] == "pressure at petropavl"
    assert re.search(r'<tr class="bad"><td class="text first">A 426</td>', text)
    assert "north — design demand 3.34 mcm/d (20 °C)" in text


def test_gas_properties_with_their_labels(tmp_path):
    """The gas properties the case cites (meta.gas_provenance) are listed with value, unit,
    marker and labels; their sources count in the sources table."""
    net = labelled_network()
    meta = dict(net.meta, gas_provenance={
        "normal_density": "a composition [SRC_GAS] (low) + A_TEST_FACTOR; ISO 6976"})
    net = Network(net.nodes.reset_index(), net.connections.reset_index(), gas=net.gas,
                  name=net.name, meta=meta)
    text = write_report(net, T.fake_result(), tmp_path / "r.html").read_text(encoding="utf-8")
    t = _read(text)
    (row,) = t.tables["gas-table"]
    assert row == ["normal_density [kg/m³ at 0 °C]", "0.73", "A_TEST_FACTOR, SRC_GAS (low)"]
    assert t.sups["gas-table"] == [("A·L", "a composition [SRC_GAS] (low) + A_TEST_FACTOR; "
                                           "ISO 6976")]
    src = {r[0]: r for r in t.tables["source-table"]}
    assert src["SRC_GAS"][1] == "low" and src["SRC_GAS"][3] == "1"
