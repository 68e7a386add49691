"""Benchmark networks, built from numpy arrays so that both tools get the same case.

Every builder returns a :class:`CaseArrays`: plain numpy arrays (junctions,
pipes, compressors, one pressure reference, injections). ``to_linepack`` and
``to_pandapipes`` turn one ``CaseArrays`` into each tool's model; node ``i`` is
pandapipes junction ``i`` and linepack node ``str(i)``. The two converters are
kept apart so that a benchmark can time the build of each tool on its own and
so that the linepack side never imports pandapipes.

Cases (the recipes of the project's ``shared/reference/pandapipes-anchor.md`` §3):

* ``lattice(n, total_demand)``: n×n junctions, pipes between grid neighbours,
  length uniform 1–5 km, inner diameter uniform 0.3–1.0 m, k = 0.05 mm
  (``numpy.random.default_rng(1)``: all lengths first, then all diameters, in
  pipe order: the horizontal pipes row by row, then the vertical ones); one
  pressure reference at the centre junction (60 bar gauge in pandapipes, i.e.
  61.01325 bar absolute at height 0), 288.15 K; a sink at every other junction,
  the demand split equally. Totals: 1,500 kg/s (32×32), 1,000 kg/s (100×100),
  2,000 kg/s (224×224) per the anchor; 2,000 kg/s at 100×100 is infeasible.
* ``chain(compressors=0)``: 2,000 pipes of 0.25 km (500 km), D = 1.0 m,
  k = 0.05 mm, 60 bar (gauge) at the inlet, a 0.05 kg/s sink at every other
  junction and another 100 kg/s at the end. ``compressors=3`` puts a
  compressor with pressure ratio 1.25 (absolute outlet/inlet pressure) after
  pipes 500, 1,000 and 1,500 (each compressor adds a junction).
* ``near_tree(n, total_demand, seed)``: n junctions uniformly in a square with
  5 km mean spacing; pipes are the Euclidean minimum spanning tree of the
  Delaunay triangulation plus 5 % of n extra Delaunay edges (short loops);
  length = 1.1 × distance; diameters sized by the tree flow each pipe carries
  (0.2–1.4 m, trunk lines larger, like a transmission system); the pressure
  reference is the junction nearest the centre; every other junction is a sink.

"Every other junction" is read as *every junction except the pressure
reference*; the anchor's p_min ≈ 49–51 bar at the anchor's totals confirms
this reading (checked by ``run.py``, which prints p_min).

The fluid is pandapipes' ``hgas``: normal density 0.73294 kg/m³ (its density
at 273.15 K, which pandapipes uses as ρn), viscosity 1.08607e-5 Pa·s at
288.15 K, Z = 1 − 0.0022·p_abs[bar]. ``HGAS`` holds these numbers so the
linepack side needs no pandapipes import; ``run.py`` checks them against the
installed pandapipes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: pandapipes 0.16.0 ``hgas`` at 288.15 K (checked against pandapipes by run.py).
HGAS = {
    "normal_density": 0.7329404506632858,   # [kg/m³] fluid.get_density(273.15)
    "viscosity": 1.0860672426223465e-05,    # [Pa·s] fluid.get_viscosity(288.15)
    "z_slope_per_bar": -0.0022,             # Z = 1 + slope · p_abs[bar]
    "z_offset": 1.0,
}
#: pandapipes' ambient pressure at height 0 (gauge → absolute). [bar]
P_AMB_BAR = 1.01325
T_GAS = 288.15  # [K]
P_SET_BAR = 60.0  # gauge at the reference [bar]


@dataclass
class CaseArrays:
    """One benchmark network as arrays (SI except where a name says otherwise)."""

    name: str
    n_junctions: int
    pipe_from: np.ndarray
    pipe_to: np.ndarray
    length_m: np.ndarray
    diameter_m: np.ndarray
    roughness_m: np.ndarray
    ref_node: int                      # junction holding the pressure
    p_ref_gauge_bar: float             # its pressure, gauge (pandapipes) [bar]
    inflow_kg_s: np.ndarray            # per junction: + supply, − demand (0 at the reference)
    comp_from: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    comp_to: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    comp_ratio: np.ndarray = field(default_factory=lambda: np.zeros(0))
    temperature_k: float = T_GAS
    note: str = ""

    @property
    def n_pipes(self) -> int:
        return int(self.pipe_from.size)

    @property
    def n_compressors(self) -> int:
        return int(self.comp_from.size)

    @property
    def total_demand_kg_s(self) -> float:
        return float(-self.inflow_kg_s[self.inflow_kg_s < 0].sum())


# --------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------
def _demand_everywhere_but(n: int, ref: int, total: float) -> np.ndarray:
    inflow = np.full(n, -total / (n - 1))
    inflow[ref] = 0.0
    return inflow


def lattice(side: int, total_demand_kg_s: float, seed: int = 1, name: str | None = None) -> CaseArrays:
    """side×side lattice (see the module docstring)."""
    idx = np.arange(side * side).reshape(side, side)
    h_from, h_to = idx[:, :-1].ravel(), idx[:, 1:].ravel()
    v_from, v_to = idx[:-1, :].ravel(), idx[1:, :].ravel()
    u = np.concatenate([h_from, v_from]).astype(np.int64)
    v = np.concatenate([h_to, v_to]).astype(np.int64)
    rng = np.random.default_rng(seed)
    length_m = rng.uniform(1.0, 5.0, u.size) * 1e3
    diameter_m = rng.uniform(0.3, 1.0, u.size)
    ref = int(idx[side // 2, side // 2])
    n = side * side
    return CaseArrays(name or f"lattice {side}x{side}", n, u, v, length_m, diameter_m,
                      np.full(u.size, 0.05e-3), ref, P_SET_BAR,
                      _demand_everywhere_but(n, ref, total_demand_kg_s),
                      note=f"{total_demand_kg_s:g} kg/s total demand")


def chain(compressors: int = 0, n_pipes: int = 2000, length_km: float = 0.25,
          per_node_kg_s: float = 0.05, end_kg_s: float = 100.0, ratio: float = 1.25) -> CaseArrays:
    """The 500 km chain, optionally with compressors (see the module docstring)."""
    # junction sequence along the line; a compressor inserts one extra junction
    cuts = {n_pipes * (k + 1) // (compressors + 1) for k in range(compressors)}
    pf, pt, cf, ct = [], [], [], []
    j = 0
    for i in range(n_pipes):
        pf.append(j)
        pt.append(j + 1)
        j += 1
        if (i + 1) in cuts:
            cf.append(j)
            ct.append(j + 1)
            j += 1
    n = j + 1
    inflow = np.full(n, -per_node_kg_s)
    inflow[0] = 0.0
    inflow[n - 1] -= end_kg_s
    m = len(pf)
    name = "chain 500 km" + (f" + {compressors} compressors" if compressors else "")
    return CaseArrays(name, n, np.array(pf), np.array(pt), np.full(m, length_km * 1e3),
                      np.full(m, 1.0), np.full(m, 0.05e-3), 0, P_SET_BAR, inflow,
                      np.array(cf, dtype=np.int64), np.array(ct, dtype=np.int64),
                      np.full(len(cf), ratio),
                      note=f"{per_node_kg_s} kg/s per node + {end_kg_s} kg/s at the end")


def near_tree(n: int, total_demand_kg_s: float = 1.0, seed: int = 1, extra_fraction: float = 0.05,
              spacing_km: float = 5.0) -> CaseArrays:
    """Random spanning tree plus ~5 % extra edges (see the module docstring)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree
    from scipy.spatial import Delaunay

    rng = np.random.default_rng(seed)
    side = spacing_km * 1e3 * np.sqrt(n)
    xy = rng.uniform(0.0, side, (n, 2))
    tri = Delaunay(xy)
    s = tri.simplices
    e = np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    e.sort(axis=1)
    e = np.unique(e, axis=0)
    d = np.hypot(*(xy[e[:, 0]] - xy[e[:, 1]]).T)
    g = coo_matrix((d, (e[:, 0], e[:, 1])), shape=(n, n)).tocsr()
    mst = minimum_spanning_tree(g).tocoo()
    tree = np.stack([mst.row, mst.col], axis=1)
    tree.sort(axis=1)
    # extra edges: Delaunay edges not in the tree
    key = lambda a: a[:, 0].astype(np.int64) * n + a[:, 1]  # noqa: E731
    non_tree = e[~np.isin(key(e), key(tree))]
    k = int(round(extra_fraction * n))
    extra = non_tree[rng.choice(non_tree.shape[0], size=min(k, non_tree.shape[0]), replace=False)]
    edges = np.concatenate([tree, extra])
    length_m = np.maximum(1.1 * np.hypot(*(xy[edges[:, 0]] - xy[edges[:, 1]]).T), 100.0)
    ref = int(np.argmin(np.hypot(xy[:, 0] - side / 2, xy[:, 1] - side / 2)))
    # orient from the reference outward (BFS on the tree) and size diameters by tree flow
    tg = coo_matrix((np.ones(len(tree)), (tree[:, 0], tree[:, 1])), shape=(n, n))
    tg = (tg + tg.T).tocsr()
    order, pred = breadth_first_order(tg, ref, directed=False, return_predecessors=True)
    share = np.ones(n)
    share[ref] = 0.0
    for node in order[::-1]:
        if pred[node] >= 0:
            share[pred[node]] += share[node]
    share /= (n - 1)                                 # fraction of the total carried
    child = np.where(pred[tree[:, 0]] == tree[:, 1], tree[:, 0], tree[:, 1])
    tree_share = share[child]
    # trunk ~1.4 m for the whole flow, D ∝ share^0.4 (constant velocity would be 0.5), ≥ 0.2 m
    diam_tree = np.clip(1.4 * tree_share ** 0.4, 0.2, 1.4)
    diam_extra = np.full(len(extra), 0.3)
    diameter_m = np.round(np.concatenate([diam_tree, diam_extra]), 2)
    u, v = edges[:, 0].astype(np.int64), edges[:, 1].astype(np.int64)
    return CaseArrays(f"near-tree {n}", n, u, v, length_m, diameter_m,
                      np.full(u.size, 0.05e-3), ref, P_SET_BAR,
                      _demand_everywhere_but(n, ref, total_demand_kg_s),
                      note=f"{total_demand_kg_s:g} kg/s total demand, {len(extra)} extra edges")


# --------------------------------------------------------------------------------------
# the named cases of run.py
# --------------------------------------------------------------------------------------
LATTICE_DEMAND = {32: 1500.0, 100: 1000.0, 224: 2000.0}


def build(name: str) -> CaseArrays:
    """A named case of the runner."""
    if name == "lattice_1k":
        return lattice(32, LATTICE_DEMAND[32])
    if name == "lattice_10k":
        return lattice(100, LATTICE_DEMAND[100])
    if name == "lattice_50k":
        return lattice(224, LATTICE_DEMAND[224])
    if name == "chain":
        return chain(0)
    if name == "chain_compressors":
        return chain(3)
    if name == "lattice_10k_infeasible":
        return lattice(100, 2000.0, name="lattice 100x100 infeasible")
    raise KeyError(name)


# --------------------------------------------------------------------------------------
# converters
# --------------------------------------------------------------------------------------
def linepack_physics(case: CaseArrays | None = None) -> dict:
    """``simulate`` keyword arguments that reproduce pandapipes' hgas + nikuradse."""
    from linepack.physics.eos import Linear
    from linepack.physics.gas import Gas
    from linepack.physics.viscosity import ConstantViscosity

    return {
        "friction": "nikuradse-stanet",
        "eos": Linear(slope=HGAS["z_slope_per_bar"] * 1e-5, offset=HGAS["z_offset"]),
        "viscosity": ConstantViscosity(HGAS["viscosity"]),
        "gas": Gas.from_normal_density(HGAS["normal_density"]),
        "temperature": case.temperature_k if case is not None else T_GAS,
    }


def to_linepack(case: CaseArrays):
    """(Network, Scenario, Controls or None) for linepack."""
    import pandas as pd

    import linepack

    n = case.n_junctions
    ids = np.arange(n).astype(str)
    kind = np.where(case.inflow_kg_s < 0, "sink", "innode").astype(object)
    kind[case.ref_node] = "source"
    nodes = pd.DataFrame({"kind": kind}, index=pd.Index(ids, name="id"))
    m, c = case.n_pipes, case.n_compressors
    conn_ids = np.concatenate([np.char.add("pipe_", np.arange(m).astype(str)),
                               np.char.add("compressor_", np.arange(c).astype(str))])
    conns = pd.DataFrame({
        "kind": np.array(["pipe"] * m + ["compressorStation"] * c, dtype=object),
        "from_node": ids[np.concatenate([case.pipe_from, case.comp_from])],
        "to_node": ids[np.concatenate([case.pipe_to, case.comp_to])],
        "length_m": np.concatenate([case.length_m, np.full(c, np.nan)]),
        "diameter_m": np.concatenate([case.diameter_m, np.full(c, np.nan)]),
        "roughness_m": np.concatenate([case.roughness_m, np.full(c, np.nan)]),
    }, index=pd.Index(conn_ids, name="id"))
    p_fixed = np.full(n, np.nan)
    p_fixed[case.ref_node] = (case.p_ref_gauge_bar + P_AMB_BAR) * 1e5
    scn_nodes = pd.DataFrame({"p_fixed_pa": p_fixed, "inflow_kg_s": case.inflow_kg_s},
                             index=pd.Index(ids, name="id"))
    net = linepack.Network(nodes, conns, name=case.name)
    scn = linepack.Scenario(scn_nodes, temperature=case.temperature_k, name=case.name)
    controls = None
    if c:
        controls = linepack.Controls.from_dict(
            {f"compressor_{k}": {"mode": "active", "setpoint": "ratio", "value": float(case.comp_ratio[k])}
             for k in range(c)})
    return net, scn, controls


def to_pandapipes(case: CaseArrays):
    """A pandapipes net (fluid hgas), built with the bulk ``create_*s`` calls."""
    import pandapipes as pp

    net = pp.create_empty_network(fluid="hgas")
    pp.create_junctions(net, case.n_junctions, pn_bar=case.p_ref_gauge_bar, tfluid_k=case.temperature_k)
    pp.create_pipes_from_parameters(net, case.pipe_from, case.pipe_to, length_km=case.length_m / 1e3,
                                    inner_diameter_mm=case.diameter_m * 1e3,
                                    k_mm=case.roughness_m * 1e3)
    pp.create_ext_grid(net, case.ref_node, p_bar=case.p_ref_gauge_bar, t_k=case.temperature_k)
    sinks = np.flatnonzero(case.inflow_kg_s < 0)
    pp.create_sinks(net, sinks, -case.inflow_kg_s[sinks])
    sources = np.flatnonzero(case.inflow_kg_s > 0)
    if sources.size:
        pp.create_sources(net, sources, case.inflow_kg_s[sources])
    for f, t, r in zip(case.comp_from, case.comp_to, case.comp_ratio):
        pp.create_compressor(net, int(f), int(t), pressure_ratio=float(r))
    return net


def check_pandapipes_fluid(net) -> None:
    """Assert that :data:`HGAS` matches the installed pandapipes' hgas."""
    f = net.fluid
    rho_n = float(np.asarray(f.get_density(273.15)).ravel()[0])
    mu = float(np.asarray(f.get_viscosity(T_GAS)).ravel()[0])
    z60 = float(np.asarray(f.get_compressibility(60.0)).ravel()[0])
    assert abs(rho_n - HGAS["normal_density"]) < 1e-12, rho_n
    assert abs(mu - HGAS["viscosity"]) < 1e-16, mu
    assert abs(z60 - (HGAS["z_offset"] + 60.0 * HGAS["z_slope_per_bar"])) < 1e-12, z60
