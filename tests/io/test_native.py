"""linepack's native JSON format: exact round trip, edge units, scenarios, controls, errors."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linepack
from linepack.errors import InputError
from linepack.io import Case, parse_native, read_gaslib, read_native, write_native
from linepack.network import Controls, Network, Scenario
from linepack.units import BAR, mcm_per_day_to_kg_s

DATA = Path(__file__).resolve().parents[1] / "data" / "gaslib"


def same_bits(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Tables are identical: index, columns, dtypes, text, and every float bit for bit."""
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for col in a.columns:
        if a[col].dtype == float:
            assert np.array_equal(a[col].to_numpy().view(np.int64),
                                  b[col].to_numpy().view(np.int64)), col


HAND = {
    "linepack": 1,
    "name": "Hand",
    "meta": {"source": "hand-written test file"},
    "gas": {"normal_density": 0.73, "temperature": 288.15},
    "nodes": [
        {"id": "N1", "kind": "source", "height_m": 0, "p_min_bar": 30, "p_max_bar": 75.5,
         "lon": 50.1, "lat": 47.2, "alias": "Entry",
         "provenance": {"p_max_bar": "pipelines.csv row 12 [GEMREPO_BBS1] (high)"}},
        {"id": "N2", "kind": "innode", "height_m": 120.0},
        {"id": "N3", "kind": "innode"},
        {"id": "N9", "kind": "sink", "p_min_pa": 3.0e6},
    ],
    "connections": [
        {"id": "P1", "kind": "pipe", "from": "N1", "to": "N2", "length_km": 120.5,
         "diameter_mm": 1420, "roughness_mm": 0.05},
        {"id": "CS1", "kind": "compressorStation", "from": "N2", "to": "N3",
         "power_max_mw": 20, "p_out_max_bar": 80},
        {"id": "V1", "kind": "valve", "from": "N3", "to": "N9", "dp_max_bar": 50},
        {"id": "P2", "kind": "pipe", "from": "N3", "to": "N9", "length_m": 1000.0,
         "diameter_m": 0.5, "roughness_m": 1e-5, "flow_max_kg_s": "inf"},
    ],
    "assumptions": [{"id": "A1", "text": "roughness of P1", "value": 0.05,
                     "reason": "typical coated steel"}],
    "scenarios": {
        "winter": {"description": "cold day", "temperature_k": 278.15, "controls": "base",
                   "nodes": [{"id": "N1", "p_fixed_bar": 74}, {"id": "N9", "inflow_mcm_d": -9.0}]},
        "summer": {"nodes": [{"id": "N9", "inflow_kg_s": -50.0, "p_min_bar": 40}]},
    },
    "controls": {
        "base": {"CS1": {"mode": "active", "p_out_bar": 75}, "V1": {"mode": "closed"}},
        "ratio": {"CS1": {"mode": "active", "ratio": 1.4}, "V1": "open"},
        "flow": {"CS1": {"mode": "active", "flow_kg_s": 100}},
        "flow_mcm": {"CS1": {"mode": "active", "flow_mcm_d": 24}},
    },
}


def hand(**changes):
    """A deep copy of HAND with top-level keys replaced."""
    d = copy.deepcopy(HAND)
    d.update(changes)
    return d


# -- round trip -------------------------------------------------------------------------

@pytest.mark.skipif(not DATA.is_dir(), reason=f"GasLib instances not found at {DATA}")
def test_gaslib582_round_trip_is_exact(tmp_path):
    """GasLib-582 (network, .cs and a nomination) through the native format: identical tables."""
    g = DATA / "GasLib-582"
    net, scn = read_gaslib(g / "GasLib-582-v2.net", g / "nomination_cold_5.scn",
                           g / "GasLib-582-v2.cs")
    ctl = Controls.from_dict({"compressorStation_1": {"mode": "active", "setpoint": "p_out",
                                                      "value": 7.0e6 + 0.1},
                              "valve_1": "closed"})
    case = Case(net, {scn.name: scn}, {"c": ctl}, {scn.name: "c"})
    path = write_native(case, tmp_path / "582.json")
    back = read_native(path)
    same_bits(net.nodes, back.network.nodes)
    same_bits(net.connections, back.network.connections)
    same_bits(scn.nodes, back.scenarios[scn.name].nodes)
    same_bits(ctl.table, back.control_sets["c"].table)
    assert back.network.gas == net.gas
    assert back.network.name == net.name
    assert back.network.meta == net.meta
    assert back.scenarios[scn.name].temperature == scn.temperature
    assert back.scenarios[scn.name].meta == scn.meta
    assert back.scenario_controls == {scn.name: "c"}
    # written again, the text is the same
    again = write_native(back, tmp_path / "582b.json")
    assert again.read_text() == path.read_text()


def test_value_that_is_not_exact_in_bar_falls_back_to_si(tmp_path):
    """A pressure whose bar form would not read back exactly is written as p_max_pa."""
    v = math.nextafter(7.5e6, math.inf)   # 7500000.000000001 Pa: no decimal bar value gives it
    assert (v / BAR) * BAR != v
    net = Network(pd.DataFrame([{"id": "A", "kind": "source", "p_max_pa": v, "p_min_pa": 7.5e6},
                                {"id": "B", "kind": "sink", "height_m": -0.0}]), None)
    text = write_native(net, tmp_path / "x.json").read_text()
    assert '"p_max_pa": 7500000.000000001' in text and '"p_min_bar": 75' in text
    back = read_native(tmp_path / "x.json").network
    same_bits(net.nodes, back.nodes)
    assert math.copysign(1.0, back.nodes.at["B", "height_m"]) == -1.0


def test_hand_written_round_trip_keeps_provenance_and_assumptions(tmp_path):
    """Provenance and assumptions go to meta and come back onto the elements."""
    case = parse_native(json.dumps(HAND))
    assert case.network.meta["provenance"] == {
        "N1": {"p_max_bar": "pipelines.csv row 12 [GEMREPO_BBS1] (high)"}}
    assert case.network.meta["assumptions"][0]["id"] == "A1"
    path = write_native(case, tmp_path / "hand.json")
    data = json.loads(path.read_text())
    assert data["nodes"][0]["provenance"] == HAND["nodes"][0]["provenance"]
    assert data["assumptions"] == HAND["assumptions"]
    assert "provenance" not in data["meta"]
    back = read_native(path)
    same_bits(case.network.nodes, back.network.nodes)
    same_bits(case.network.connections, back.network.connections)
    for name in case.scenarios:
        same_bits(case.scenarios[name].nodes, back.scenarios[name].nodes)
    for name in case.control_sets:
        same_bits(case.control_sets[name].table, back.control_sets[name].table)
    assert back.scenario_controls == {"winter": "base"}
    assert back.scenarios["winter"].meta == {"description": "cold day"}
    assert data["scenarios"]["winter"]["description"] == "cold day"


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path):
    """Writing replaces the file in one step; a refused case leaves the old file untouched."""
    case = parse_native(HAND)
    target = tmp_path / "case.json"
    write_native(case, target)
    first = target.read_text()
    write_native(case.network, target)               # overwrite with a bare network
    assert json.loads(target.read_text())["name"] == "Hand"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]
    bad = Case(case.network, {}, {"x": Controls.from_dict({"P1": "closed"})})  # a pipe
    target.write_text(first)
    with pytest.raises(InputError, match="a pipe has no controls"):
        write_native(bad, target)
    assert target.read_text() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


# -- units and values --------------------------------------------------------------------

def test_hand_written_units_are_converted_to_si():
    """bar, km, mm and MW at the edge become Pa, m, m and W; SI names are accepted too."""
    net = parse_native(HAND).network
    n, c = net.nodes, net.connections
    assert n.at["N1", "p_min_pa"] == 30e5 and n.at["N1", "p_max_pa"] == 75.5e5
    assert n.at["N9", "p_min_pa"] == 3.0e6
    assert n.at["N1", "alias"] == "Entry" and n.at["N1", "lon"] == 50.1
    assert n.at["N2", "height_m"] == 120.0 and n.at["N3", "height_m"] == 0.0
    assert c.at["P1", "length_m"] == 120_500.0
    assert c.at["P1", "diameter_m"] == 1.42
    assert c.at["P1", "roughness_m"] == 5e-5
    assert c.at["CS1", "power_max_w"] == 20e6
    assert c.at["CS1", "p_out_max_pa"] == 80e5
    assert c.at["V1", "dp_max_pa"] == 50e5
    assert c.at["P2", "length_m"] == 1000.0 and c.at["P2", "diameter_m"] == 0.5
    assert c.at["P2", "flow_max_kg_s"] == math.inf
    assert math.isnan(c.at["P1", "flow_max_kg_s"])
    assert net.gas == {"normal_density": 0.73, "temperature": 288.15}


def test_scenarios_and_mcm_per_day_inflows():
    """inflow_mcm_d is converted with the gas normal density; p_fixed_bar is absolute."""
    case = parse_native(HAND)
    w = case.scenarios["winter"]
    assert w.name == "winter" and w.temperature == 278.15
    assert w.nodes.at["N1", "p_fixed_pa"] == 74e5
    assert w.nodes.at["N9", "inflow_kg_s"] == mcm_per_day_to_kg_s(-9.0, 0.73)
    assert w.nodes.at["N9", "inflow_kg_s"] == pytest.approx(-9e6 * 0.73 / 86400, rel=1e-15)
    s = case.scenarios["summer"]
    assert s.temperature == 288.15
    assert s.nodes.at["N9", "inflow_kg_s"] == -50.0 and s.nodes.at["N9", "p_min_pa"] == 40e5


def test_mcm_per_day_needs_normal_density():
    """Without a gas normal density, inflow_mcm_d is refused with a clear message."""
    d = hand(gas={"temperature": 288.15})
    del d["controls"]["flow_mcm"]
    with pytest.raises(InputError, match=r"scenario 'winter' node 'N9': inflow_mcm_d needs the "
                                         r"gas normal_density"):
        parse_native(d)


def test_controls_parsing():
    """Control sets: p_out_bar → p_out [Pa], ratio, flow_kg_s / flow_mcm_d → flow [kg/s]."""
    case = parse_native(HAND)
    base = case.control_sets["base"].table
    assert tuple(base.loc["CS1"]) == ("active", "p_out", 7.5e6)
    assert base.at["V1", "mode"] == "closed" and base.at["V1", "setpoint"] == ""
    assert math.isnan(base.at["V1", "value"])
    ratio = case.control_sets["ratio"].table
    assert tuple(ratio.loc["CS1"]) == ("active", "ratio", 1.4)
    assert ratio.at["V1", "mode"] == "open"
    assert tuple(case.control_sets["flow"].table.loc["CS1"]) == ("active", "flow", 100.0)
    assert case.control_sets["flow_mcm"].table.at["CS1", "value"] == mcm_per_day_to_kg_s(24, 0.73)
    assert case.scenario_controls == {"winter": "base"}


# -- error messages -------------------------------------------------------------------------

def _conn(**fields):
    d = hand()
    d["connections"][0].update(fields)
    return d


@pytest.mark.parametrize("data, message", [
    (_conn(length_km="abc"), "connection 'P1': length_km must be a number (got 'abc')"),
    (_conn(length_km=True), "connection 'P1': length_km must be a number (got True)"),
    (_conn(lenght_km=3), "connection 'P1': unknown field 'lenght_km' (did you mean 'length_km'?)"),
    (_conn(length_m=3.0), "connection 'P1': give length_km or length_m, not both"),
    (_conn(to="N99"), "connection 'P1': to node 'N99' does not exist (did you mean 'N9'?)"),
    (_conn(kind="pipee"), "connection 'P1': unknown kind 'pipee' (did you mean 'pipe'?)"),
    (_conn(dp_max_bar=3), "connection 'P1': dp_max_bar does not apply to a pipe"),
    (_conn(alias=5), "connection 'P1': alias must be a string (got 5)"),
    (hand(nodes=[{"id": "N1", "kind": "source", "p_max_bar": "high"}]),
     "node 'N1': p_max_bar must be a number (got 'high')"),
    (hand(nodes=[{"id": "N1"}]), "node 'N1': 'kind' is required"),
    (hand(nodes=[{"kind": "sink"}]), "node #1: 'id' must be a non-empty string"),
    (hand(noodles=[]), "file: unknown field 'noodles' (did you mean 'nodes'?)"),
    (hand(linepack=2), "unsupported format version linepack=2"),
    (hand(gas={"norm_density": 0.7}), "unknown field 'norm_density' (did you mean "
                                      "'normal_density'?)"),
    (hand(scenarios={"s": {"controls": "bsae", "nodes": []}}),
     "scenario 's': controls 'bsae' is not defined (did you mean 'base'?)"),
    (hand(scenarios={"s": {"nodes": [{"id": "N99", "inflow_kg_s": 1}]}}),
     "scenario 's' node 'N99': no such node in the network (did you mean 'N9'?)"),
    (hand(scenarios={"s": {"temperature_k": -5}}), "scenario 's': temperature_k must be > 0 K"),
    (hand(controls={"c": {"CS1": {"mode": "actve"}}}),
     "controls 'c': 'CS1': mode 'actve' is not allowed for a compressorStation (did you mean "
     "'active'?)"),
    (hand(controls={"c": {"CS9": "active"}}),
     "controls 'c': 'CS9' is not a connection of the network (did you mean 'CS1'?)"),
    (hand(controls={"c": {"CS1": {"mode": "active", "p_out_bar": 70, "ratio": 1.2}}}),
     "controls 'c': 'CS1': give one setpoint"),
    (hand(controls={"c": {"CS1": {"mode": "active", "p_outlet_bar": 70}}}),
     "unknown field 'p_outlet_bar' (did you mean 'p_out_bar'?)"),
])
def test_error_messages(data, message):
    """Each bad input raises InputError naming element, field and value."""
    with pytest.raises(InputError) as e:
        parse_native(data, name="case.json")
    assert message in str(e.value)
    assert str(e.value).startswith("case.json: ")


def test_missing_version_key():
    """A JSON object without the 'linepack' key is not a native file."""
    with pytest.raises(InputError, match="not a linepack native file"):
        parse_native('{"nodes": []}')


def test_json_syntax_error_has_line_number(tmp_path):
    """A JSON syntax error gives the file and line."""
    p = tmp_path / "broken.json"
    p.write_text('{\n  "linepack": 1,\n  "name": "x"\n  "nodes": []\n}\n')
    with pytest.raises(InputError, match=r"broken\.json:4: invalid JSON") as e:
        read_native(p)
    assert e.value.line == 4 and e.value.path == str(p)


def test_empty_network_round_trip(tmp_path):
    """A file with only the version key gives an empty network, and writes back."""
    case = parse_native('{"linepack": 1}')
    assert len(case.network.nodes) == 0 and case.scenarios == {} and case.control_sets == {}
    back = read_native(write_native(case, tmp_path / "e.json"))
    assert len(back.network.connections) == 0


def test_scenario_object_written_from_gaslib_style_scenario(tmp_path):
    """A Scenario with rows that hold only defaults keeps those rows through the file."""
    net = parse_native(HAND).network
    scn = Scenario(pd.DataFrame([{"id": "N2"}, {"id": "N9", "inflow_kg_s": -1.0}]),
                   temperature=280.0, name="s")
    back = read_native(write_native(Case(net, {"s": scn}), tmp_path / "s.json"))
    same_bits(scn.nodes, back.scenarios["s"].nodes)


def test_example_in_the_docs_parses():
    """The complete example in docs/native-format.md is a valid native file."""
    doc = Path(__file__).parents[2] / "docs" / "native-format.md"
    text = doc.read_text(encoding="utf-8")
    start = text.index("```json\n") + len("```json\n")
    case = parse_native(text[start:text.index("```", start)])
    assert case.network.count()["compressorStation"] == 1
    assert case.scenarios["winter"].nodes.at["N3", "inflow_kg_s"] == mcm_per_day_to_kg_s(-9, 0.73)
    assert case.control_sets["by_ratio"].table.at["CS1", "setpoint"] == "ratio"


def test_si_setpoint_value_form_and_numpy_meta(tmp_path):
    """Controls may use the table's own setpoint/value (SI); numpy scalars in meta are written."""
    d = hand(controls={"c": {"CS1": {"mode": "active", "setpoint": "p_out", "value": 7.1e6}}},
             scenarios={})
    case = parse_native(d)
    assert tuple(case.control_sets["c"].table.loc["CS1"]) == ("active", "p_out", 7.1e6)
    net = case.network.evolve(meta={"count": np.int64(3), "ratio": np.float64(0.5)})
    back = read_native(write_native(Case(net), tmp_path / "m.json"))
    assert back.network.meta == {"count": 3, "ratio": 0.5}


def test_a_repeated_key_is_refused_with_its_line_and_object():
    """Issue #15.6: json.loads keeps the last of two equal keys silently; the reader refuses,
    naming the key, the object's id and the line of the second key."""
    text = ('{"linepack": 1,\n "nodes": [{"id": "A", "kind": "source"},\n'
            '  {"id": "B", "kind": "sink", "p_max_bar": 70,\n   "p_max_bar": 80}]}')
    with pytest.raises(InputError) as e:
        parse_native(text, name="dup.json")
    assert str(e.value).startswith("dup.json:4: duplicate key 'p_max_bar' in the object with "
                                   "id 'B'")
    # the same key in different objects is fine
    ok = '{"linepack": 1, "nodes": [{"id": "A", "kind": "source"}, {"id": "B", "kind": "sink"}]}'
    assert list(parse_native(ok).network.nodes.index) == ["A", "B"]


def test_a_file_with_too_many_json_values_is_refused_before_decoding(tmp_path):
    """Issue #15.5: decoded JSON takes about 170 bytes per value; a file with more than
    MAX_JSON_VALUES is refused from a count, before json builds it."""
    from linepack.io.native import MAX_JSON_VALUES

    f = tmp_path / "many.json"
    f.write_bytes(b'{"linepack": 1, "meta": {"x": [' + b"0," * (MAX_JSON_VALUES + 10) + b"0]}}")
    with pytest.raises(InputError, match=r"many.json: refused: the file has about 2,000,01\d "
                                         r"JSON values, more than 2,000,000"):
        read_native(f)


def test_assumption_sets_are_read_through_the_safe_loader(tmp_path):
    """A case opened with an assumption set goes through the native reader's checks too: a
    repeated key is refused (it was read with plain json.loads before), and the set is
    applied (its field wins over the case as written)."""
    doc = ('{"linepack": 1, "name": "line",\n'
           ' "nodes": [{"id": "S", "kind": "source"}, {"id": "X", "kind": "sink"}],\n'
           ' "connections": [{"id": "P", "kind": "pipe", "from": "S", "to": "X", "length_km": 50,'
           ' "diameter_mm": 500, "roughness_mm": 0.01}],\n'
           ' "meta": {"assumption_sets": {"low": {"connections": {"P": {"diameter_mm": 400}}}}}}')
    good = tmp_path / "good.json"
    good.write_text(doc)
    low = linepack.open_case(str(good), assumptions="low")
    assert low.network.connections.at["P", "diameter_m"] == pytest.approx(0.4)
    assert low.network.meta["assumption_set"] == "low"
    bad = tmp_path / "bad.json"
    bad.write_text(doc.replace('"name": "line"', '"name": "line", "name": "again"'))
    with pytest.raises(linepack.InputError, match="duplicate key 'name'"):
        linepack.open_case(str(bad), assumptions="low")
