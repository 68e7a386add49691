"""Issue #20.3: the public API refuses arguments of the wrong type by name (an ArgumentError,
both InputError and TypeError) instead of an AttributeError deep inside, accepts a mapping
where it is the natural form (controls in the file format, solver options), and refuses
nonsense option values before solving instead of ending in NotConverged/Infeasible."""

import math

import pytest

import linepack
from linepack import Controls, Network, Scenario, SteadyOptions
from linepack.errors import ArgumentError, InputError
from linepack.physics.gas import Gas

T = 288.15
GAS = Gas.from_normal_density(0.75)


def chain():
    """Source → pipe → station → pipe → sink; the station holds 70 bar by default."""
    nodes = [{"id": f"n{i}", "kind": "innode", "p_max_pa": 70e5} for i in range(4)]
    nodes[0]["kind"], nodes[-1]["kind"] = "source", "sink"
    conns = [{"id": "p0", "kind": "pipe", "from_node": "n0", "to_node": "n1", "length_m": 50e3,
              "diameter_m": 0.7, "roughness_m": 1e-5},
             {"id": "cs", "kind": "compressorStation", "from_node": "n1", "to_node": "n2"},
             {"id": "p1", "kind": "pipe", "from_node": "n2", "to_node": "n3", "length_m": 50e3,
              "diameter_m": 0.7, "roughness_m": 1e-5}]
    scn = Scenario([{"id": "n0", "p_fixed_pa": 60e5}, {"id": "n3", "inflow_kg_s": -100.0}],
                   temperature=T)
    return Network(nodes, conns, gas={"normal_density": 0.75}), scn


@pytest.mark.parametrize("kwargs, words", [
    (dict(scenario=5), ("simulate()", "scenario", "linepack.Scenario", "int 5")),
    (dict(scenario="winter"), ("scenario", "str 'winter'", "open_case")),
    (dict(controls=[("cs", "bypass")]), ("controls", "linepack.Controls", "mapping", "list")),
    (dict(options=5), ("options", "SteadyOptions", "int 5")),
    (dict(gas=5), ("gas", "Gas", "int 5")),
    (dict(temperature="hot"), ("temperature", "a number", "str 'hot'")),
])
def test_simulate_names_an_argument_of_the_wrong_type(kwargs, words):
    net, scn = chain()
    args = dict(scenario=scn, **{k: v for k, v in kwargs.items() if k != "scenario"})
    if "scenario" in kwargs:
        args["scenario"] = kwargs["scenario"]
    with pytest.raises(TypeError) as e:     # was AttributeError (or ValueError) deep inside
        linepack.simulate(net, **args)
    assert isinstance(e.value, InputError) and isinstance(e.value, ArgumentError)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_simulate_names_a_network_of_the_wrong_type():
    _, scn = chain()
    with pytest.raises(ArgumentError, match=r"simulate\(\): network must be a linepack.Network"):
        linepack.simulate({"nodes": []}, scn)


def test_controls_as_a_mapping_in_the_file_format_equal_controls_from_the_file(tmp_path):
    """A dict in the file format (ratio, p_out_bar) is read by the same code as --controls."""
    net, scn = chain()
    doc = {"cs": {"mode": "active", "ratio": 1.3}}
    as_dict = linepack.simulate(net, scn, doc, gas=GAS)
    path = tmp_path / "ctl.json"
    path.write_text('{"cs": {"mode": "active", "ratio": 1.3}}')
    from_file = linepack.simulate(net, scn, linepack.read_controls(path, net), gas=GAS)
    assert as_dict.edges.at["cs", "ratio"] == pytest.approx(1.3, rel=1e-12)
    assert as_dict.nodes["p_bar"].equals(from_file.nodes["p_bar"])
    bar = linepack.simulate(net, scn, {"cs": {"mode": "active", "p_out_bar": 66}}, gas=GAS)
    assert bar.nodes.at["n2", "p_bar"] == pytest.approx(66.0, abs=1e-9)


def test_controls_mapping_with_a_bad_entry_names_the_connection_and_field():
    net, scn = chain()
    with pytest.raises(InputError, match=r"'cs': unknown field 'ration' \(did you mean 'ratio'\?\)"):
        linepack.simulate(net, scn, {"cs": {"mode": "active", "ration": 1.3}})
    with pytest.raises(InputError, match=r"'cs': ratio must be a number \(got 'high'\)"):
        linepack.simulate(net, scn, {"cs": {"mode": "active", "ratio": "high"}})
    with pytest.raises(InputError, match="connection 'nothere' is not in the network"):
        linepack.simulate(net, scn, {"nothere": "closed"})


def test_controls_from_dict_reads_the_file_format_and_keeps_the_table_form():
    """One format: edge units (p_out_bar, ratio, flow_kg_s, flow_mcm_d) and the table's
    setpoint/value (SI) both give the same table."""
    a = Controls.from_dict({"cs": {"mode": "active", "p_out_bar": 70}, "v": "closed"})
    b = Controls.from_dict({"cs": {"mode": "active", "setpoint": "p_out", "value": 70e5},
                            "v": {"mode": "closed"}})
    assert a.table.equals(b.table)
    assert a.table.at["cs", "value"] == 70e5 and a.table.at["cs", "setpoint"] == "p_out"
    q = Controls.from_dict({"cs": {"mode": "active", "flow_mcm_d": 8.64}}, normal_density=0.75)
    assert q.table.at["cs", "value"] == pytest.approx(8.64e6 * 0.75 / 86400, rel=1e-12)
    with pytest.raises(InputError, match="give one setpoint, not"):
        Controls.from_dict({"cs": {"mode": "active", "ratio": 1.2, "p_out_bar": 70}})
    with pytest.raises(InputError, match="flow_mcm_d needs the gas normal_density"):
        Controls.from_dict({"cs": {"mode": "active", "flow_mcm_d": 8.0}})
    with pytest.raises(InputError, match=r"'cs': a control must be a mode .* \(got int 5\)"):
        Controls.from_dict({"cs": 5})
    with pytest.raises(InputError, match="controls must be a mapping"):
        Controls.from_dict([("cs", "closed")])


def test_options_as_a_mapping_and_unknown_option_named():
    net, scn = chain()
    res = linepack.simulate(net, scn, gas=GAS, options={"tol": 1e-11, "max_iter": 30})
    assert res.converged
    with pytest.raises(InputError, match=r"unknown option 'max_iters' \(did you mean 'max_iter'\?\)"):
        linepack.simulate(net, scn, gas=GAS, options={"max_iters": 30})


@pytest.mark.parametrize("kwargs, words", [
    (dict(tol=-1.0), ("tol must be > 0", "-1.0")),          # was Infeasible after a full solve
    (dict(tol=math.nan), ("tol must be a finite number", "nan")),
    (dict(tol=0.5), ("tol must be ≤ 0.01", "0.5")),
    (dict(max_iter=0), ("max_iter must be an integer ≥ 1", "0")),   # was NotConverged
    (dict(max_iter="many"), ("max_iter must be an integer", "str 'many'")),  # was a TypeError on '+'
    (dict(max_rounds=-2), ("max_rounds", "-2")),
    (dict(linear_solver="lu"), ("linear_solver must be one of", "'lu'", "did you mean 'splu'")),
    (dict(reynolds_floor=-1.0), ("reynolds_floor must be ≥ 0", "-1.0")),   # was accepted
    (dict(compiled="yes"), ("compiled", "str 'yes'")),                       # was accepted
    (dict(keep_initial_factor=None), ("keep_initial_factor", "None")),
])
def test_steady_options_refuse_nonsense_values(kwargs, words):
    with pytest.raises(InputError) as e:
        SteadyOptions(**kwargs)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_a_viscosity_no_gas_has_is_refused_before_solving():
    """viscosity=5 (a unit slip: Pa·s for cP) ended in NotConverged after 50 iterations."""
    net, scn = chain()
    with pytest.raises(InputError, match=r"within 1e-06…0.001 Pa·s for a gas \(got 5 Pa·s"):
        linepack.simulate(net, scn, viscosity=5)


@pytest.mark.parametrize("kwargs, words", [
    (dict(scenario=5), ("transit_capacity()", "scenario", "int 5")),
    (dict(controls={"cs": {"mode": "spin"}}), ("mode must be one of", "'spin'")),
    (dict(entry=3), ("entry must be a string", "int 3")),
    (dict(target_mcm_d=math.nan), ("target_mcm_d must be a finite number", "nan")),
    (dict(target_mcm_d=-5.0), ("target_mcm_d must be > 0 mcm/d", "-5.0")),
    (dict(start_mcm_d=0.0), ("start_mcm_d must be > 0", "0.0")),
    (dict(rtol=0.0), ("rtol must be > 0", "0.0")),
    (dict(max_solves=1), ("max_solves must be an integer ≥ 2", "1")),
    (dict(frictio="hofer"), ("unexpected keyword argument 'frictio'", "did you mean 'friction'")),
    (dict(options={"tol": -1}), ("tol must be > 0", "-1")),
])
def test_transit_capacity_checks_its_arguments_first(kwargs, words):
    """Each was Infeasible ('even a zero transit …') or an AttributeError before."""
    net, scn = chain()
    args = dict(scenario=scn, entry="n0", exit="n3", gas=GAS)
    args.update(kwargs)
    with pytest.raises(InputError) as e:
        linepack.transit_capacity(net, args.pop("scenario"), **args)
    for w in words:
        assert w in str(e.value), str(e.value)


@pytest.mark.parametrize("kwargs, words", [
    (dict(scenario=5), ("validate_nomination()", "scenario", "int 5")),
    (dict(controls=7), ("controls", "int 7")),
    (dict(max_choices=0), ("max_choices must be an integer ≥ 1", "0")),
    (dict(margin_bar=math.nan), ("margin_bar must be a finite number", "nan")),
    (dict(margin_bar=-1.0), ("margin_bar must be ≥ 0 bar", "-1.0")),
])
def test_validate_nomination_checks_its_arguments_first(kwargs, words):
    net, scn = chain()
    args = dict(scenario=scn)
    args.update(kwargs)
    with pytest.raises(InputError) as e:
        linepack.validate_nomination(net, args.pop("scenario"), **args)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_validate_checks_its_arguments_and_takes_a_controls_mapping():
    net, scn = chain()
    with pytest.raises(ArgumentError, match=r"validate\(\): scenario must be .* \(got int 5\)"):
        linepack.validate(net, 5)
    issues = linepack.validate(net, scn, {"cs": {"mode": "active", "ratio": 0.5}})
    assert any("ratio must be ≥ 1" in str(i) for i in issues)


@pytest.mark.parametrize("call, words", [
    (lambda: Network(5, None), ("nodes: expected a pandas DataFrame, a list of records",
                                "int 5")),
    (lambda: Network([1, 2], None), ("nodes", "int 1")),
    (lambda: Scenario(5), ("scenario: expected a pandas DataFrame", "int 5")),
    (lambda: Scenario(None, temperature="hot"), ("temperature must be a number", "str 'hot'")),
    (lambda: Controls(5), ("controls: expected", "int 5")),
    (lambda: linepack.write_native(5, "x.json"), ("write_native()", "Case or Network", "int 5")),
    (lambda: linepack.read_native(5), ("read_native()", "path", "int 5")),
    (lambda: linepack.parse_native(5), ("parse_native()", "int 5")),
    (lambda: linepack.read_gaslib(None), ("read_gaslib()", "net_path", "NoneType None")),
    (lambda: linepack.read_controls("c.json", 5), ("read_controls()", "network", "int 5")),
    (lambda: linepack.summarize(chain()[0], 5), ("summarize()", "result", "int 5")),
])
def test_constructors_and_readers_name_an_argument_of_the_wrong_type(call, words):
    """Each was a bare TypeError/AttributeError ('int' object is not iterable, …)."""
    with pytest.raises(ArgumentError) as e:
        call()
    assert isinstance(e.value, TypeError) and isinstance(e.value, InputError)
    for w in words:
        assert w in str(e.value), str(e.value)


def test_from_pandapipes_names_a_net_of_the_wrong_type():
    pytest.importorskip("pandapipes")
    with pytest.raises(ArgumentError, match=r"from_pandapipes\(\): net must be a pandapipesNet"):
        linepack.from_pandapipes({"pipe": []})


def test_controls_as_their_table():
    import pandas as pd

    net, scn = chain()
    table = pd.DataFrame({"mode": ["active"], "setpoint": ["ratio"], "value": [1.3]},
                         index=pd.Index(["cs"], name="id"))
    res = linepack.simulate(net, scn, table, gas=GAS)
    assert res.edges.at["cs", "ratio"] == pytest.approx(1.3, rel=1e-12)
