"""Random gas networks whose steady state is built first (for the convergence property test).

Recipe (issue #15, finding 1): choose the pressures, consistent with every element, then
derive each pipe's flow from the pipe law with the solver's own friction and compressibility
(Nikuradse and Papay, the defaults of :func:`linepack.simulate`; the physics functions of
:mod:`linepack.physics`, not the solver), choose the flows of the stations and regulators,
and take every node's nominated inflow from its mass balance. One node (the root) is held at
its pressure. The network and scenario are then solved from linepack's default start and
compared with the built pressures.

* Topology: a random recursive tree (each node hangs on one of the ``window`` nodes numbered
  just before it, so that both bushy and long, chain-like trees arise); a mesh adds chords
  (pipes) between nodes a few tree steps apart.
* Compressor stations (1–30) at fixed ratios 1.1–1.6 and regulators (control valves) holding
  a fixed outlet pressure sit on tree edges; their flows are chosen (1–40 kg/s, positive).
* Pressures stay between 20 and 150 bar (absolute); pipes lose 0–3 % (some gain up to 1 %,
  i.e. carry gas back towards the root); regulators reduce by 5–30 %.
* Pipes: 2–60 km, DN 300–1000, k = 0.01–0.05 mm, flat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import linepack
from linepack.physics import element_laws as laws
from linepack.physics.eos import get_eos
from linepack.physics.friction import get_friction
from linepack.physics.gas import DEFAULT_GAS

T = 288.15            # gas temperature [K]
P_ROOT = 60e5         # pressure held at the root [Pa]
P_LOW, P_HIGH = 20e5, 150e5


@dataclass
class Built:
    network: linepack.Network
    scenario: linepack.Scenario
    controls: linepack.Controls
    p_pa: dict             # node id → built pressure [Pa]
    m_kg_s: dict           # connection id → built mass flow [kg/s]
    mesh: bool
    n_stations: int
    n_regulators: int


def pipe_flows(p1, p2, length, diameter, roughness):
    """Mass flows [kg/s] that satisfy the isothermal pipe law (flat, no local loss) between
    the given end pressures [Pa], with Nikuradse friction and Papay compressibility at the
    mean pressure: p₁² − p₂² = k·m|m|."""
    lam = get_friction("nikuradse").factor(np.full(length.size, 1e7), roughness / diameter, diameter)
    pm = laws.mean_pressure(p1, p2)[0]
    z = get_eos("papay").z(pm, T, DEFAULT_GAS)
    _, k = laws.isothermal_pipe_coefficients(lam, z, length, diameter, 0.0, 0.0, T,
                                             DEFAULT_GAS.specific_gas_constant)
    d2 = p1 * p1 - p2 * p2
    return np.sign(d2) * np.sqrt(np.abs(d2) / k)


def build(seed: int, n: int | None = None, mesh: bool | None = None) -> Built:
    """One random network with its built steady state (see the module docstring)."""
    rng = np.random.default_rng(seed)
    if n is None:
        n = int(np.exp(rng.uniform(np.log(10), np.log(2000))))
    if mesh is None:
        mesh = bool(rng.random() < 0.5)
    window = int(rng.choice([1, 2, 3, 8, 50]))
    parent = np.array([-1] + [int(rng.integers(max(0, i - window), i)) for i in range(1, n)])
    # element kind of each tree edge (parent[i] → i): 0 pipe, 1 station, 2 regulator
    n_cs = int(rng.integers(1, min(30, max(1, n // 4)) + 1))
    n_reg = int(rng.integers(0, min(10, max(1, n // 8)) + 1))
    kind = np.zeros(n, dtype=int)
    edges = rng.permutation(np.arange(1, n))
    kind[edges[:n_cs]] = 1
    kind[edges[n_cs:n_cs + n_reg]] = 2
    ratio = np.where(kind == 1, rng.uniform(1.1, 1.6, n), np.nan)
    p = np.empty(n)
    p[0] = P_ROOT
    for i in range(1, n):
        pp = p[parent[i]]
        if kind[i] == 1 and pp * ratio[i] > P_HIGH:
            kind[i] = 0   # a station here would leave the pressure band: a pipe instead
        if kind[i] == 2 and pp * 0.95 < P_LOW:
            kind[i] = 0
        if kind[i] == 1:
            p[i] = pp * ratio[i]
        elif kind[i] == 2:
            p[i] = pp * (1.0 - rng.uniform(0.05, 0.3))
        else:
            p[i] = min(max(pp * (1.0 - rng.uniform(-0.01, 0.03)), P_LOW), P_HIGH)
    nodes = [{"id": f"n{i}", "kind": "innode"} for i in range(n)]
    nodes[0]["kind"] = "source"
    conns, flow_at = [], []   # flow_at: (from, to, flow)
    flows = {}
    pu, pv, L, D, k, ids = [], [], [], [], [], []
    for i in range(1, n):
        a = int(parent[i])
        if kind[i] == 0:
            pu.append(a)
            pv.append(i)
            ids.append(f"p{i}")
        else:
            q = float(rng.uniform(1.0, 40.0))
            tag = "cs" if kind[i] == 1 else "cv"
            conns.append({"id": f"{tag}{i}", "kind": "compressorStation" if kind[i] == 1 else "controlValve",
                          "from_node": f"n{a}", "to_node": f"n{i}"})
            flow_at.append((a, i, q))
            flows[f"{tag}{i}"] = q
    if mesh:
        n_chord = max(1, int(rng.uniform(0.02, 0.3) * n))
        for c in range(n_chord):
            i = int(rng.integers(1, n))
            j = i
            for _ in range(int(rng.integers(2, 5))):   # a few steps up the tree
                j = int(parent[j]) if parent[j] >= 0 else j
            if j != i and j != parent[i]:
                pu.append(j)
                pv.append(i)
                ids.append(f"c{c}")
    m_pipe = len(pu)
    pu, pv = np.array(pu, dtype=int), np.array(pv, dtype=int)
    L = rng.uniform(2e3, 60e3, m_pipe)
    D = rng.uniform(0.3, 1.0, m_pipe)
    k = rng.uniform(1e-5, 5e-5, m_pipe)
    m = pipe_flows(p[pu], p[pv], L, D, k)
    for e in range(m_pipe):
        conns.append({"id": ids[e], "kind": "pipe", "from_node": f"n{pu[e]}", "to_node": f"n{pv[e]}",
                      "length_m": float(L[e]), "diameter_m": float(D[e]), "roughness_m": float(k[e])})
        flow_at.append((int(pu[e]), int(pv[e]), float(m[e])))
        flows[ids[e]] = float(m[e])
    inflow = np.zeros(n)   # what enters each node from outside = out − in
    for a, b, q in flow_at:
        inflow[a] += q
        inflow[b] -= q
    for i in range(1, n):
        nodes[i]["kind"] = "sink" if inflow[i] < 0 else ("source" if inflow[i] > 0 else "innode")
    net = linepack.Network(nodes, conns)
    rows = [{"id": "n0", "p_fixed_pa": P_ROOT}]
    rows += [{"id": f"n{i}", "inflow_kg_s": float(inflow[i])} for i in range(1, n) if inflow[i] != 0.0]
    scn = linepack.Scenario(rows, temperature=T)
    ctl = {}
    for c in conns:
        i = int(c["to_node"][1:])
        if c["kind"] == "compressorStation":
            ctl[c["id"]] = {"mode": "active", "setpoint": "ratio", "value": float(ratio[i])}
        elif c["kind"] == "controlValve":
            ctl[c["id"]] = {"mode": "active", "setpoint": "p_out", "value": float(p[i])}
    return Built(net, scn, linepack.Controls.from_dict(ctl), {f"n{i}": float(p[i]) for i in range(n)},
                 flows, mesh, int((kind == 1).sum()), int((kind == 2).sum()))


def check(built: Built, rtol: float = 1e-6) -> tuple[str, float]:
    """Solve ``built`` from the default start: ``("ok", err)`` when it converges to the
    built pressures within ``rtol`` (largest relative error ``err``), else the outcome's
    name (``"wrong"``, ``"NotConverged"``, ``"Infeasible"``, …) and the error (nan)."""
    try:
        res = linepack.simulate(built.network, built.scenario, built.controls, temperature=T)
    except linepack.LinepackError as exc:
        return type(exc).__name__, float("nan")
    want = np.array([built.p_pa[i] for i in res.nodes.index])
    err = float(np.max(np.abs(res.nodes["p_bar"].to_numpy() * 1e5 - want) / want))
    return ("ok" if err <= rtol else "wrong"), err
