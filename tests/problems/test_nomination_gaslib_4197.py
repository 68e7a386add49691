"""GasLib-4197 ``nomination_mild_0006``: the operation ``validate_nomination`` found (issue #16)
holds every limit under ``simulate``, with controlValve_28 bypassed, as the instance's ``.cdf``
requires, and its outlet above the valve's own 21.01325 bar maximum.

That maximum is the regulator's working range, which holds in operation only: GasLib's
convention as the TRR154 SCIP code of Pfetsch et al. models it (its control valve's
inlet-minimum and outlet-maximum rows are switched by the valve's on/off variable); the outlet
node sink_178 keeps its own 47.01325 bar maximum (GasLib-4197.net). docs/guide/decisions.md,
"Element limits in bypass", has the chain of bridges that makes this decide the nomination.

The controls and held pressures in ``tests/data/gaslib/GasLib-4197/mild_0006_controls.json``
come from ``linepack.validate_nomination`` (the file says which commit); the search itself takes
a minute and is a benchmark (``python benchmarks/nomination.py --only 4197``), not a test.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import linepack
from linepack.network import Controls

G = Path(__file__).resolve().parents[1] / "data" / "gaslib" / "GasLib-4197"
pytestmark = pytest.mark.skipif(not (G / "mild_0006_controls.json").is_file(),
                                reason="GasLib-4197 test data not found")


@pytest.fixture(scope="module")
def found():
    case = linepack.open_case(str(G / "GasLib-4197.net"))
    fx = json.loads((G / "mild_0006_controls.json").read_text(encoding="utf-8"))
    nodes = case.scenario.nodes.copy()
    for node, p in fx["held_p_pa"].items():
        nodes.loc[node, "p_fixed_pa"] = p
    controls = Controls.from_dict(fx["controls"])
    res = linepack.simulate(case.network, case.scenario.evolve(nodes=nodes), controls)
    return case, controls, res


def test_the_operation_found_holds_every_limit(found):
    case, controls, res = found
    assert res.within_limits, res.violations.head()
    assert len(res.violations) == 0
    inj = case.scenario.nodes["inflow_kg_s"].dropna()
    assert np.isfinite(res.nodes["p_bar"]).all() and (res.nodes["p_bar"] > 0).all()
    assert abs(float(inj.sum())) < 1e-6 * float(inj.abs().sum())   # the nomination balances


def test_control_valve_28_is_bypassed_above_its_own_outlet_maximum(found):
    """The .cdf's group dG_42 has one decision: controlValve_28 in bypass. Its outlet is then
    at its inlet's pressure, above its own 21.01325 bar outlet maximum (a limit of the valve in
    operation) and within sink_178's 47.01325 bar."""
    case, controls, res = found
    net = case.network
    cv = "controlValve_28"
    assert controls.table.at[cv, "mode"] == "bypass"
    assert net.connections.at[cv, "p_out_max_pa"] / 1e5 == pytest.approx(21.01325)
    p_out = float(res.edges.at[cv, "p_out_bar"])
    assert p_out > 21.01325 + 1.0
    assert p_out == pytest.approx(float(res.edges.at[cv, "p_in_bar"]), abs=1e-6)
    assert p_out <= net.nodes.at["sink_178", "p_max_pa"] / 1e5
    # sink_176's minimum, which the chain of bridges from sink_112 must deliver
    assert res.nodes.at["sink_176", "p_bar"] >= net.nodes.at["sink_176", "p_min_pa"] / 1e5 - 1e-6
