"""Issue #15.8: from_pandapipes kept only the junction indices as node ids; the junctions'
names become the node ids where every in-service junction has one and they are unique,
else the ids stay the indices and the names are in the alias column (a note says why)."""

from __future__ import annotations

import logging
import warnings

import pytest

pp = pytest.importorskip("pandapipes")

import linepack  # noqa: E402
from linepack.io.pandapipes import from_pandapipes  # noqa: E402


def net(names):
    """Four junctions (named ``names``), a valve on a pipe end (an auxiliary node), a sink."""
    n = pp.create_empty_network(fluid="hgas")
    for name in names:
        pp.create_junction(n, pn_bar=40.0, tfluid_k=283.15, name=name)
    pp.create_pipe_from_parameters(n, 0, 1, length_km=20.0, inner_diameter_mm=500.0, k_mm=0.05)
    pp.create_pipe_from_parameters(n, 1, 2, length_km=15.0, inner_diameter_mm=400.0, k_mm=0.05)
    pp.create_pipe_from_parameters(n, 1, 3, length_km=10.0, inner_diameter_mm=300.0, k_mm=0.05)
    pp.create_valve(n, 1, 2, et="pi", inner_diameter_mm=300.0)
    pp.create_ext_grid(n, 0, p_bar=40.0, t_k=283.15)
    pp.create_sink(n, 2, mdot_kg_per_s=3.0)
    pp.create_sink(n, 3, mdot_kg_per_s=1.0)
    return n


def solve(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            return linepack.simulate(case.network, case.scenario, case.controls,
                                     friction="nikuradse-stanet", **case.options)
        finally:
            logging.disable(logging.NOTSET)


def test_unique_junction_names_become_the_node_ids():
    named = from_pandapipes(net(["Astana", "Karaganda", "Almaty", "Shymkent"]))
    nodes, conns = named.network.nodes, named.network.connections
    assert {"Astana", "Karaganda", "Almaty", "Shymkent"} <= set(nodes.index)
    assert nodes.at["Almaty", "alias"] == "pandapipes junction 2"
    assert (conns.at["pipe_0", "from_node"], conns.at["pipe_0", "to_node"]) == ("Astana",
                                                                                 "Karaganda")
    assert conns.at["valve_0", "from_node"] == "Karaganda"
    assert named.scenario.nodes.at["Almaty", "inflow_kg_s"] == -3.0
    assert named.network.meta["junction_ids"] == {0: "Astana", 1: "Karaganda", 2: "Almaty",
                                                  3: "Shymkent"}
    # the same physics as the unnamed net, junction by junction
    plain = from_pandapipes(net([None] * 4))
    assert list(plain.network.nodes.index[:4]) == ["0", "1", "2", "3"]
    a, b = solve(named), solve(plain)
    for j, name in named.network.meta["junction_ids"].items():
        assert a.nodes.at[name, "p_bar"] == b.nodes.at[str(j), "p_bar"]


@pytest.mark.parametrize("names, why", [
    (["A", "B", "A", "C"], "the name 'A' is used by 2 junctions"),
    (["A", "B", None, "C"], "1 junction(s) have no name (e.g. 2)"),
])
def test_names_that_cannot_be_ids_stay_in_the_alias_column(names, why):
    case = from_pandapipes(net(names))
    nodes = case.network.nodes
    assert list(nodes.index[:4]) == ["0", "1", "2", "3"]
    assert list(nodes["alias"][:4]) == [n or "" for n in names]
    assert any(why in note and "alias column" in note for note in case.network.meta["notes"])
