"""Steady-state engine: analytic cases, balances, controls and errors."""

import numpy as np
import pytest

import linepack
from linepack import Controls, Network, Scenario
from linepack.numerics.linsolve import cholmod_available
from linepack.physics.gas import Gas
from linepack.units import G

T = 288.15
GAS = Gas.from_normal_density(0.75)   # R_s from ρ_n only (ideal at normal conditions)
R = GAS.specific_gas_constant
#: the closed-form checks converge Newton to 1e-12 (the default 1e-9 gives ~1e-10 relative)
TIGHT = linepack.SteadyOptions(tol=1e-12)


def nikuradse(d, k):
    """GasLib rough-pipe law, written out independently of linepack.physics."""
    return (2.0 * np.log10(d / k) + 1.138) ** -2


def one_pipe(length=100e3, d=0.5, k=5e-5, dh=0.0, p_in=60e5, m=50.0, **node_kw):
    net = Network([{"id": "a", "kind": "source", "height_m": 0.0},
                   {"id": "b", "kind": "sink", "height_m": dh, **node_kw}],
                  [{"id": "p", "kind": "pipe", "from_node": "a", "to_node": "b",
                    "length_m": length, "diameter_m": d, "roughness_m": k}])
    scn = Scenario([{"id": "a", "p_fixed_pa": p_in}, {"id": "b", "inflow_kg_s": -m}], temperature=T)
    return net, scn


def test_single_pipe_matches_closed_form():
    """Ideal gas, constant λ: p2² = p1² − λ L R T m² / (D A²) to 1e-10 relative (isothermal Weymouth form)."""
    L, D, k, m, p1 = 100e3, 0.5, 5e-5, 50.0, 60e5
    net, scn = one_pipe(L, D, k, 0.0, p1, m)
    res = linepack.simulate(net, scn, eos="ideal", gas=GAS, friction="nikuradse", options=TIGHT)
    A = np.pi * D ** 2 / 4
    p2 = np.sqrt(p1 ** 2 - nikuradse(D, k) * L * R * T * m * m / (D * A * A))
    assert res.nodes.at["b", "p_bar"] * 1e5 == pytest.approx(p2, rel=1e-10)
    assert res.edges.at["p", "m_kg_s"] == pytest.approx(m, rel=1e-12)


def test_single_pipe_with_elevation_matches_closed_form():
    """Rising pipe: p2² = (p1² − λ L R T m² (e^S−1)/(S D A²)) e^{−S}, S = 2gΔh/(RT) (Koch et al. 2015, eq. 2.27)."""
    L, D, k, m, p1, dh = 80e3, 0.7, 1e-5, 120.0, 70e5, 400.0
    net, scn = one_pipe(L, D, k, dh, p1, m)
    res = linepack.simulate(net, scn, eos="ideal", gas=GAS, friction="nikuradse", options=TIGHT)
    A = np.pi * D ** 2 / 4
    S = 2 * G * dh / (R * T)
    p2 = np.sqrt((p1 ** 2 - nikuradse(D, k) * L * R * T * m * m / (D * A * A) * np.expm1(S) / S) * np.exp(-S))
    assert res.nodes.at["b", "p_bar"] * 1e5 == pytest.approx(p2, rel=1e-10)


def test_tree_with_constant_friction_converges_in_one_newton_step():
    """On a tree the balances fix every flow (the initial minimum-norm flows are exact), and
    with ideal gas and a Reynolds-free law each pipe law is linear in p²; the Newton step,
    taken in p², is then exact: one iteration, and every node matches the closed form
    p_{i+1}² = p_i² − λ L R T m_i² / (D A²) applied pipe by pipe."""
    n, L, D, k, q = 40, 12.5e3, 0.8, 5e-5, 2.0
    nodes = [{"id": f"n{i}", "kind": "innode"} for i in range(n + 1)]
    nodes[0]["kind"] = "source"
    conns = [{"id": f"p{i}", "kind": "pipe", "from_node": f"n{i}", "to_node": f"n{i + 1}",
              "length_m": L, "diameter_m": D, "roughness_m": k} for i in range(n)]
    scn = Scenario([{"id": "n0", "p_fixed_pa": 70e5}]
                   + [{"id": f"n{i}", "inflow_kg_s": -q} for i in range(1, n + 1)], temperature=T)
    res = linepack.simulate(Network(nodes, conns), scn, eos="ideal", gas=GAS, friction="nikuradse",
                            options=TIGHT)
    assert res.iterations == 1
    A = np.pi * D ** 2 / 4
    p2 = [70e5 ** 2]
    for i in range(n):
        m = q * (n - i)
        p2.append(p2[-1] - nikuradse(D, k) * L * R * T * m * m / (D * A * A))
    expected = np.sqrt(p2) / 1e5
    got = res.nodes.loc[[f"n{i}" for i in range(n + 1)], "p_bar"].to_numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def lattice(n=12, seed=3):
    rng = np.random.default_rng(seed)
    ids = [f"n{i}_{j}" for i in range(n) for j in range(n)]
    nodes = [{"id": x, "kind": "innode", "height_m": float(rng.uniform(0, 50))} for x in ids]
    nodes[0]["kind"] = "source"
    conns = []
    for i in range(n):
        for j in range(n):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < n and j + dj < n:
                    conns.append({"id": f"p{i}_{j}_{di}{dj}", "kind": "pipe", "from_node": f"n{i}_{j}",
                                  "to_node": f"n{i + di}_{j + dj}", "length_m": rng.uniform(1e3, 5e3),
                                  "diameter_m": rng.uniform(0.3, 1.0), "roughness_m": 5e-5})
    scn_nodes = [{"id": ids[0], "p_fixed_pa": 60e5}] + [{"id": x, "inflow_kg_s": -1.5} for x in ids[1:]]
    return Network(nodes, conns), Scenario(scn_nodes, temperature=T)


def test_mass_balance_closes_and_results_are_deterministic():
    """Every node balance closes to 1e-6 relative on a meshed lattice; two runs give identical numbers."""
    net, scn = lattice()
    r1 = linepack.simulate(net, scn, friction="colebrook-white", eos="papay", gas=GAS)
    r2 = linepack.simulate(net, scn, friction="colebrook-white", eos="papay", gas=GAS)
    e = r1.edges
    out = e.groupby("from_node")["m_kg_s"].sum().reindex(r1.nodes.index, fill_value=0) \
        - e.groupby("to_node")["m_kg_s"].sum().reindex(r1.nodes.index, fill_value=0)
    scale = r1.nodes["inflow_kg_s"].abs().sum()
    assert np.max(np.abs(out - r1.nodes["inflow_kg_s"])) <= 1e-6 * scale
    assert r1.iterations <= 8
    assert np.array_equal(r1.nodes["p_bar"].to_numpy(), r2.nodes["p_bar"].to_numpy())


def chain_with_station(mode=None):
    nodes = [{"id": f"n{i}", "kind": "innode", "p_max_pa": 70e5} for i in range(6)]
    nodes[0]["kind"], nodes[-1]["kind"] = "source", "sink"
    conns = [{"id": f"p{i}", "kind": "pipe", "from_node": f"n{i}", "to_node": f"n{i + 1}",
              "length_m": 50e3, "diameter_m": 0.7, "roughness_m": 1e-5} for i in (0, 1, 3, 4)]
    conns.append({"id": "cs", "kind": "compressorStation", "from_node": "n2", "to_node": "n3",
                  "efficiency": 0.8})
    scn = Scenario([{"id": "n0", "p_fixed_pa": 60e5}, {"id": "n5", "inflow_kg_s": -150.0},
                    {"id": "n2", "inflow_kg_s": -10.0}], temperature=T)
    return Network(nodes, conns), scn


def test_compressor_holds_outlet_pressure_by_default():
    """Default control: the station holds its outlet at the outlet node's p_max (70 bar)."""
    net, scn = chain_with_station()
    res = linepack.simulate(net, scn, gas=GAS)
    assert res.nodes.at["n3", "p_bar"] == pytest.approx(70.0, abs=1e-9)
    assert res.edges.at["cs", "m_kg_s"] == pytest.approx(150.0, rel=1e-9)
    assert res.edges.at["cs", "mode"] == "active:p_out"
    assert res.edges.at["cs", "power_mw"] > 0


def test_compressor_ratio_set_point():
    """An active ratio set point gives p_out = r·p_in exactly."""
    net, scn = chain_with_station()
    ctl = Controls.from_dict({"cs": {"mode": "active", "setpoint": "ratio", "value": 2.0}})
    res = linepack.simulate(net, scn, ctl, gas=GAS)
    assert res.edges.at["cs", "ratio"] == pytest.approx(2.0, rel=1e-12)


def test_bypassed_station_is_an_open_connection_and_can_be_infeasible():
    """Without the station the 200 km line cannot carry 160 kg/s from 60 bar: Infeasible names a node."""
    net, scn = chain_with_station()
    with pytest.raises(linepack.Infeasible) as exc:
        linepack.simulate(net, scn, Controls.from_dict({"cs": "bypass"}), gas=GAS)
    assert "node" in str(exc.value) or "sink" in str(exc.value)


def test_regulator_opens_when_inlet_is_below_its_set_point():
    """A control valve whose inlet is below the set point goes to bypass (documented rule)."""
    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "innode"},
                   {"id": "c", "kind": "innode", "p_max_pa": 80e5}, {"id": "d", "kind": "sink"}],
                  [{"id": "p1", "kind": "pipe", "from_node": "a", "to_node": "b", "length_m": 20e3,
                    "diameter_m": 0.5, "roughness_m": 5e-5},
                   {"id": "cv", "kind": "controlValve", "from_node": "b", "to_node": "c"},
                   {"id": "p2", "kind": "pipe", "from_node": "c", "to_node": "d", "length_m": 20e3,
                    "diameter_m": 0.5, "roughness_m": 5e-5}])
    scn = Scenario([{"id": "a", "p_fixed_pa": 60e5}, {"id": "d", "inflow_kg_s": -30.0}], temperature=T)
    res = linepack.simulate(net, scn, gas=GAS)
    assert res.edges.at["cv", "mode"] == "bypass"
    assert res.nodes.at["b", "p_bar"] == pytest.approx(res.nodes.at["c", "p_bar"], abs=1e-12)
    ctl = Controls.from_dict({"cv": {"mode": "active", "setpoint": "p_out", "value": 40e5}})
    res = linepack.simulate(net, scn, ctl, gas=GAS)
    assert res.nodes.at["c", "p_bar"] == pytest.approx(40.0, abs=1e-12)


def test_parallel_short_pipes_share_the_flow_and_close_balances():
    """Two parallel short pipes: equal pressures, flows adding up to the through-flow."""
    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "innode"}, {"id": "c", "kind": "sink"}],
                  [{"id": "s1", "kind": "shortPipe", "from_node": "a", "to_node": "b"},
                   {"id": "s2", "kind": "shortPipe", "from_node": "a", "to_node": "b"},
                   {"id": "p", "kind": "pipe", "from_node": "b", "to_node": "c", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5}])
    scn = Scenario([{"id": "a", "p_fixed_pa": 50e5}, {"id": "c", "inflow_kg_s": -20.0}], temperature=T)
    res = linepack.simulate(net, scn, gas=GAS)
    assert res.edges.loc[["s1", "s2"], "m_kg_s"].sum() == pytest.approx(20.0, rel=1e-12)
    assert res.nodes.at["b", "p_bar"] == 50.0


def test_conflicting_parallel_compressors_are_refused_by_name():
    """Two parallel stations with different ratios cannot both hold: InputError names them."""
    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "innode"}, {"id": "c", "kind": "sink"}],
                  [{"id": "cs1", "kind": "compressorStation", "from_node": "a", "to_node": "b"},
                   {"id": "cs2", "kind": "compressorStation", "from_node": "a", "to_node": "b"},
                   {"id": "p", "kind": "pipe", "from_node": "b", "to_node": "c", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5}])
    scn = Scenario([{"id": "a", "p_fixed_pa": 50e5}, {"id": "c", "inflow_kg_s": -20.0}], temperature=T)
    ctl = Controls.from_dict({"cs1": {"mode": "active", "setpoint": "ratio", "value": 1.2},
                              "cs2": {"mode": "active", "setpoint": "ratio", "value": 1.3}})
    with pytest.raises(linepack.InputError, match="cs"):
        linepack.simulate(net, scn, ctl, gas=GAS)


def test_island_without_pressure_reference_is_named():
    """A closed valve cuts off a consumer: the error names the island's nodes."""
    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "innode"}, {"id": "c", "kind": "sink"}],
                  [{"id": "p", "kind": "pipe", "from_node": "a", "to_node": "b", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5},
                   {"id": "v", "kind": "valve", "from_node": "b", "to_node": "c"}])
    scn = Scenario([{"id": "a", "p_fixed_pa": 50e5}, {"id": "c", "inflow_kg_s": -20.0}], temperature=T)
    with pytest.raises(linepack.InputError, match="'c'"):
        linepack.simulate(net, scn, Controls.from_dict({"v": "closed"}), gas=GAS)


def test_network_changed_in_place_is_seen_by_the_next_solve():
    """The solver remembers each network's connection ends and connected parts between
    solves; a table changed in place must not be served from that memory: re-pointing the
    only pipe into the consumer leaves it an island, which the next solve names."""
    import pickle

    net = Network([{"id": "a", "kind": "source"}, {"id": "b", "kind": "innode"},
                   {"id": "c", "kind": "sink"}, {"id": "d", "kind": "innode"}],
                  [{"id": "p", "kind": "pipe", "from_node": "a", "to_node": "b", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5},
                   {"id": "q", "kind": "pipe", "from_node": "b", "to_node": "c", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5},
                   {"id": "r", "kind": "pipe", "from_node": "a", "to_node": "d", "length_m": 10e3,
                    "diameter_m": 0.4, "roughness_m": 5e-5}])
    scn = Scenario([{"id": "a", "p_fixed_pa": 50e5}, {"id": "c", "inflow_kg_s": -20.0}], temperature=T)
    first = linepack.simulate(net, scn, gas=GAS)
    u, v = net.endpoints()
    assert net.endpoints()[0] is u and not u.flags.writeable          # remembered, read-only
    assert linepack.simulate(net, scn, gas=GAS).nodes.equals(first.nodes)
    assert "_endpoints" not in pickle.loads(pickle.dumps(net)).__dict__
    net.connections.loc["q", "from_node"] = "d"     # now a → b and a → d → c … via r and q
    net.connections.loc["r", "to_node"] = "b"       # … and r no longer reaches d: c, d cut off
    assert list(net.endpoints()[0]) == [0, 3, 0]
    with pytest.raises(linepack.InputError, match="'c'"):
        linepack.simulate(net, scn, gas=GAS)


def test_unknown_friction_name_suggests_the_closest():
    """A misspelt friction law gets a did-you-mean."""
    net, scn = one_pipe()
    with pytest.raises(linepack.InputError, match="did you mean 'nikuradse'"):
        linepack.simulate(net, scn, friction="nikuradze")


def test_capacity_of_one_pipe_matches_closed_form():
    """Largest flow at which the outlet reaches p_min: m = A·sqrt((p1² − pmin²)·D/(λ L R T)) (ideal gas)."""
    L, D, k = 100e3, 0.5, 5e-5
    net, scn = one_pipe(L, D, k, 0.0, 60e5, 10.0, p_min_pa=40e5)
    cap = linepack.transit_capacity(net, scn, entry="a", exit="b", eos="ideal", gas=GAS, rtol=1e-8)
    A = np.pi * D ** 2 / 4
    m = A * np.sqrt((60e5 ** 2 - 40e5 ** 2) * D / (nikuradse(D, k) * L * R * T))
    assert cap.max_kg_s == pytest.approx(m, rel=1e-6)
    assert cap.binding.startswith("sink 'b': pressure") and "below its minimum" in cap.binding
    # the same from a Case carrying the scenario and the physics options
    case = linepack.Case(net, {"s": scn}, options={"eos": "ideal", "gas": GAS})
    assert linepack.transit_capacity(case, entry="a", exit="b", rtol=1e-8).max_kg_s == cap.max_kg_s


def test_tables_refuse_a_column_given_twice_and_never_alias_the_callers_frame():
    """Network tables: a repeated column is an InputError naming it; the network's tables are
    copies (editing them leaves the caller's DataFrame alone)."""
    import pandas as pd

    twice = pd.DataFrame([["a", "source", 1.0, 2.0]], columns=["id", "kind", "height_m", "height_m"])
    with pytest.raises(linepack.InputError, match="column 'height_m' appears more than once"):
        Network(twice, None)
    df = pd.DataFrame({"id": ["a", "b"], "kind": ["source", "sink"], "height_m": [1.0, 2.0]})
    net = Network(df, None)
    net.nodes.loc["a", "height_m"] = 5.0
    assert df["height_m"].tolist() == [1.0, 2.0]


@pytest.mark.skipif(not cholmod_available(), reason="needs CHOLMOD (extra 'cholmod')")
def test_reusing_an_earlier_factor_changes_cost_not_answer(monkeypatch):
    """Late Newton steps precondition with the previous Cholesky factor: the same pressures
    (1e-9 bar) as refactorising every step, in fewer factorisations (40×40 lattice)."""
    import linepack.numerics.linsolve as ls
    import linepack.problems.steady as steady

    net, scn = lattice(n=40, seed=5)
    ids = list(net.nodes.index)
    scn = Scenario([{"id": ids[0], "p_fixed_pa": 60e5}] + [{"id": x, "inflow_kg_s": -0.5} for x in ids[1:]],
                   temperature=T)
    counts = []
    real = ls.Factorizer.factor

    def counting(self, A):
        counts[-1] += 1
        return real(self, A)
    monkeypatch.setattr(ls.Factorizer, "factor", counting)
    results = []
    for share in (0.0, steady._REUSE_SHARE):   # 0: never reuse
        monkeypatch.setattr(steady, "_REUSE_SHARE", share)
        steady._STRUCTURES.clear()
        steady._INITIAL.clear()
        counts.append(0)
        results.append(linepack.simulate(net, scn, friction="colebrook-white", eos="papay", gas=GAS))
    never, reuse = results
    np.testing.assert_allclose(reuse.nodes["p_bar"], never.nodes["p_bar"], atol=1e-9, rtol=0)
    assert counts[1] < counts[0], counts
    assert 45.0 < never.nodes["p_bar"].min() < 59.0   # a loaded lattice, not a trivial case


def test_scenario_naming_a_node_the_network_lacks_is_refused_by_name():
    """A scenario row for an unknown node is an InputError naming it (with a suggestion)."""
    net, scn = chain_with_station()
    rows = [{"id": "n0", "p_fixed_pa": 60e5}, {"id": "n5", "inflow_kg_s": -150.0},
            {"id": "n55", "inflow_kg_s": -10.0}]
    with pytest.raises(linepack.InputError, match=r"node 'n55' is not in the network"):
        linepack.simulate(net, Scenario(rows, temperature=T), gas=GAS)


def test_partial_scenario_equals_the_full_one():
    """Nodes a scenario leaves out take no flow and the network's limits: the same answer
    as a scenario that lists every node with zero inflow."""
    net, scn = chain_with_station()
    listed = set(scn.nodes.index)
    full = Scenario([{"id": x, "inflow_kg_s": 0.0} for x in net.nodes.index if x not in listed]
                    + [{"id": "n0", "p_fixed_pa": 60e5}, {"id": "n5", "inflow_kg_s": -150.0},
                       {"id": "n2", "inflow_kg_s": -10.0}], temperature=T)
    a = linepack.simulate(net, scn, gas=GAS)
    b = linepack.simulate(net, full, gas=GAS)
    np.testing.assert_allclose(a.nodes["p_bar"], b.nodes.loc[a.nodes.index, "p_bar"], rtol=1e-12)


def test_compiled_pipe_law_gives_the_numpy_answer():
    """The compiled pipe law (numba, optional) converges in the same iterations to the same
    pressures (1e-9 bar) and flows as the numpy laws, on a lattice with elevations."""
    pytest.importorskip("numba", reason="numba not installed: the compiled loops are the optional extra 'fast'")
    net, scn = lattice(n=20, seed=11)
    opts = linepack.SteadyOptions
    res = [linepack.simulate(net, scn, friction=f, eos=e, gas=GAS, options=opts(compiled=c))
           for f, e in (("nikuradse", "papay"), ("nikuradse-stanet", "aga")) for c in (False, True)]
    for numpy_res, compiled_res in (res[:2], res[2:]):
        assert compiled_res.iterations == numpy_res.iterations
        np.testing.assert_allclose(compiled_res.nodes["p_bar"], numpy_res.nodes["p_bar"], atol=1e-9, rtol=0)
        np.testing.assert_allclose(compiled_res.edges["m_kg_s"], numpy_res.edges["m_kg_s"], atol=1e-7, rtol=0)
        assert compiled_res.nodes["p_bar"].min() < 59.0


def test_compiled_without_numba_is_refused_with_the_remedy(monkeypatch):
    """SteadyOptions(compiled=True) where numba cannot be imported: an InputError naming the extra."""
    import linepack.jit as jit

    monkeypatch.setattr(jit, "available", lambda: False)
    net, scn = lattice(n=4)
    with pytest.raises(linepack.InputError, match=r"linepack\[fast\]"):
        linepack.simulate(net, scn, options=linepack.SteadyOptions(compiled=True))
    assert linepack.simulate(net, scn, options=linepack.SteadyOptions(compiled=None)).converged


def test_initial_factor_is_kept_for_the_same_network_only(monkeypatch):
    """A second steady state of the same network (another scenario) reuses the initial guess's
    factor: one factorisation fewer and the same pressures, to the last bit, as with a fresh
    factor; changed pipe data (one diameter) is a different network and is factorised anew."""
    import linepack.numerics.linsolve as ls
    import linepack.problems.steady as steady

    net, scn = lattice(n=15, seed=2)
    ids = list(net.nodes.index)
    other = Scenario([{"id": ids[0], "p_fixed_pa": 60e5}] + [{"id": x, "inflow_kg_s": -1.0} for x in ids[1:]],
                     temperature=T)
    counts = [0]
    real = ls.Factorizer.factor

    def counting(self, A):
        counts[0] += 1
        return real(self, A)
    monkeypatch.setattr(ls.Factorizer, "factor", counting)

    def solve(network, scenario, clear):
        if clear:
            steady._INITIAL.clear()
        counts[0] = 0
        res = linepack.simulate(network, scenario, eos="papay", gas=GAS)
        return res, counts[0]
    solve(net, scn, clear=True)
    kept, n_kept = solve(net, other, clear=False)
    fresh, n_fresh = solve(net, other, clear=True)
    assert n_kept == n_fresh - 1
    assert np.array_equal(kept.nodes["p_bar"].to_numpy(), fresh.nodes["p_bar"].to_numpy())
    conns = net.connections.copy()
    conns.iloc[0, conns.columns.get_loc("diameter_m")] *= 1.1
    changed = Network(net.nodes.reset_index(), conns.reset_index())
    solve(net, other, clear=False)
    _, n_changed = solve(changed, other, clear=False)
    assert n_changed == n_fresh


def test_compiled_by_default_on_large_networks_or_once_numba_is_loaded(monkeypatch):
    """compiled=None: a small network takes the numpy laws while numba is not loaded (its import
    would cost more than it saves) and the compiled law once it is; the answer is the same."""
    pytest.importorskip("numba", reason="numba not installed: the compiled loops are the optional extra 'fast'")
    import linepack.jit as jit
    import linepack.physics.compiled as compiled

    calls = []
    real = compiled.pipe_law
    monkeypatch.setattr(compiled, "pipe_law", lambda *a, **k: calls.append(1) or real(*a, **k))
    net, scn = lattice(n=6)
    monkeypatch.setattr(jit, "loaded", lambda: False)
    cold = linepack.simulate(net, scn, gas=GAS)
    assert calls == []
    monkeypatch.setattr(jit, "loaded", lambda: True)
    warm = linepack.simulate(net, scn, gas=GAS)
    assert calls == [1]
    np.testing.assert_allclose(warm.nodes["p_bar"], cold.nodes["p_bar"], atol=1e-9, rtol=0)
