"""Issue #15.8: a gas composition travels in the native format (network and scenario gas),
in a gas file for the command line (--gas-composition), and reaches the equation of state:
`--eos gerg2008` was offered but no file could carry the composition it needs."""

from __future__ import annotations

import json

import pytest

import linepack
from linepack import Network, Scenario
from linepack.errors import InputError
from linepack.io import parse_native, write_native
from linepack.io.native import Case
from linepack.physics.gas import Gas

COMP = {"methane": 0.95, "ethane": 0.03, "nitrogen": 0.02}


def case(gas=None, scenario_gas=None):
    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "sink"}],
                  [{"id": "p", "kind": "pipe", "from_node": "a", "to_node": "b",
                    "length_m": 50e3, "diameter_m": 0.5, "roughness_m": 1e-5}], gas=gas)
    scn = Scenario([{"id": "a", "p_fixed_pa": 60e5}, {"id": "b", "inflow_kg_s": -40.0}],
                   temperature=283.15, gas=scenario_gas, name="s")
    return net, scn


def test_native_round_trip_keeps_the_composition(tmp_path):
    net, scn = case({"normal_density": 0.75, "composition": COMP},
                    {"composition": {"CH4": 0.9, "C2H6": 0.1}})
    path = write_native(Case(net, {"s": scn}), tmp_path / "c.json")
    back = linepack.read_native(path)
    assert back.network.gas == {"normal_density": 0.75, "composition": COMP}
    assert back.scenarios["s"].gas == {"composition": {"CH4": 0.9, "C2H6": 0.1}}
    doc = json.loads(path.read_text())
    assert doc["gas"]["composition"] == COMP


def test_the_composition_of_the_file_is_the_gas_of_the_simulation():
    """A native case with a composition simulates exactly as with gas=Gas.from_composition(...)
    passed, and not as with the default gas (GERG-2008 on it: the CLI test below)."""
    text = json.dumps({"linepack": 1, "gas": {"composition": COMP},
                       "nodes": [{"id": "a", "kind": "source"}, {"id": "b", "kind": "sink"}],
                       "connections": [{"id": "p", "kind": "pipe", "from": "a", "to": "b",
                                        "length_km": 50, "diameter_mm": 500,
                                        "roughness_mm": 0.01}],
                       "scenarios": {"s": {"temperature_k": 283.15,
                                           "nodes": [{"id": "a", "p_fixed_bar": 60},
                                                     {"id": "b", "inflow_kg_s": -40}]}}})
    c = parse_native(text)
    got = linepack.simulate(c.network, c.scenarios["s"])
    net, scn = case()
    ref = linepack.simulate(net, scn, gas=Gas.from_composition(COMP))
    assert got.nodes.at["b", "p_bar"] == ref.nodes.at["b", "p_bar"]
    default = linepack.simulate(net, scn)
    assert abs(default.nodes.at["b", "p_bar"] - got.nodes.at["b", "p_bar"]) > 1e-3


@pytest.mark.parametrize("doc, words", [
    ({"gas": {"composition": {}}}, ("composition must name at least one component",)),
    ({"gas": {"composition": {"methane": "lots"}}}, ("composition", "methane must be a number",
                                                     "'lots'")),
    ({"gas": {"compositon": COMP}}, ("unknown field 'compositon'", "did you mean 'composition'")),
])
def test_native_composition_errors_name_the_field(doc, words):
    text = json.dumps({"linepack": 1, **doc})
    with pytest.raises(InputError) as e:
        parse_native(text, name="c.json")
    for w in words:
        assert w in str(e.value), str(e.value)


def test_validation_checks_the_mole_fractions():
    net, scn = case({"composition": {"methane": 0.9, "ethane": 0.2}})
    issues = [str(i) for i in linepack.validate(net, scn)]
    assert any("network gas: composition: mole fractions must sum to 1 within 1e-6 (got 1.1)"
               in i for i in issues), issues
    net, scn = case({"composition": {"methane": 1.5}})
    assert any("composition 'methane' must be a mole fraction in [0, 1] (got 1.5)" in str(i)
               for i in linepack.validate(net, scn))


@pytest.mark.parametrize("content", [
    {"methane": 0.95, "ethane": 0.03, "nitrogen": 0.02},
    {"composition": {"methane": 0.95, "ethane": 0.03, "nitrogen": 0.02}},
])
def test_read_gas_composition_takes_fractions_or_a_gas_block(tmp_path, content):
    f = tmp_path / "gas.json"
    f.write_text(json.dumps(content))
    assert linepack.read_gas_composition(f) == {"composition": COMP}


def _gaslib11():
    from pathlib import Path

    return str(Path(__file__).parents[1] / "data" / "gaslib" / "GasLib-11" / "GasLib-11.net")


def test_cli_gerg2008_on_gaslib_without_a_composition_says_how_to_give_one(capsys):
    """GasLib files give bulk gas data only: --eos gerg2008 names the way to give one."""
    pytest.importorskip("CoolProp")
    from linepack.cli import main

    assert main(["simulate", _gaslib11(), "--eos", "gerg2008"]) == 2
    assert "--gas-composition FILE.json" in " ".join(capsys.readouterr().err.split())


@pytest.mark.slow
def test_cli_gerg2008_on_gaslib_takes_a_composition_file(tmp_path, monkeypatch):
    pytest.importorskip("CoolProp")
    from linepack.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "gas.json").write_text(json.dumps(COMP))
    assert main(["simulate", _gaslib11(), "--eos", "gerg2008", "--gas-composition", "gas.json",
                 "-o", "r.json"]) == 0
    assert json.loads((tmp_path / "r.json").read_text())
