"""Elimination of algebraic connections: node classes with affine pressure relations.

A connection whose law fixes a pressure relation instead of relating pressure
to flow (an open valve, a short pipe, a compressor holding a ratio, a regulator
holding its outlet pressure, a constant-loss resistor) carries an unknown flow
that no law determines. Such connections are eliminated:

* *pressure classes*: nodes joined by relations ``p_v = a·p_u + b`` with a ≠ 0
  share one unknown, ``p_i = alpha_i·x_c + beta_i``;
* a relation with ``a = 0`` (outlet pressure held) or a boundary pressure fixes
  a class (it has no unknown);
* *balance groups*: nodes joined by any algebraic connection share one mass
  balance (the connection's flow is internal to the group and is recovered
  afterwards by :func:`internal_flows`).

This module knows graphs and linear algebra only; it does not know gas.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from linepack.numerics.linsolve import Factorizer

__all__ = ["Reduction", "reduce_affine", "RelationConflict", "internal_flows"]


class RelationConflict(Exception):
    """Two relations disagree. ``edges`` are the indices of the connections involved,
    ``nodes`` the node indices (a fixed node counts as a relation too)."""

    def __init__(self, message: str, edges=(), nodes=()):
        super().__init__(message)
        self.edges = list(edges)
        self.nodes = list(nodes)


@dataclass(frozen=True)
class Reduction:
    """Result of :func:`reduce_affine`.

    Attributes
    ----------
    node_class : ndarray (n_nodes,)
        Class index of every node.
    alpha, beta : ndarray (n_nodes,)
        ``p_i = alpha_i·x[class_i] + beta_i`` with ``x`` the class unknowns.
    class_fixed : ndarray of bool (n_classes,)
        Whether a class's value is known.
    class_value : ndarray (n_classes,)
        The known value where fixed (NaN elsewhere).
    free_classes : ndarray (n_free,)
        Indices of the classes that are unknowns, in the order of the unknown vector.
    node_group : ndarray (n_nodes,)
        Balance group of every node.
    group_has_reference : ndarray of bool (n_groups,)
        Groups that contain a fixed class (their balance is the slack).
    group_row : ndarray (n_groups,)
        Row of each group's balance in the reduced system (−1 for reference groups).
    """

    node_class: np.ndarray
    alpha: np.ndarray
    beta: np.ndarray
    class_fixed: np.ndarray
    class_value: np.ndarray
    free_classes: np.ndarray
    class_unknown: np.ndarray
    node_group: np.ndarray
    group_has_reference: np.ndarray
    group_row: np.ndarray

    @property
    def n_unknowns(self) -> int:
        return int(self.free_classes.size)

    def node_values(self, x: np.ndarray) -> np.ndarray:
        """Node values ``alpha·x[class] + beta`` (fixed classes use their value)."""
        xc = np.where(self.class_fixed, self.class_value, 0.0)
        xc[self.free_classes] = x
        return self.alpha * xc[self.node_class] + self.beta

    def node_unknown(self) -> np.ndarray:
        """Index of each node's unknown in x (−1 where the node's class is fixed)."""
        return self.class_unknown[self.node_class]


#: Recent reductions by a digest of their inputs: searches over element states (control
#: rounds, decision searches, continuation, diagnosis) meet the same states again. The cached
#: arrays are read-only.
_CACHE: "OrderedDict[bytes, Reduction]" = OrderedDict()
_CACHE_MAX = 32
_CACHE_LOCK = threading.Lock()


def reduce_affine(n_nodes: int, edge_from, edge_to, edge_a, edge_b, fixed_nodes, fixed_values,
                  rtol: float = 1e-9) -> Reduction:
    """Build pressure classes and balance groups from affine relations (memoised).

    Parameters
    ----------
    n_nodes : int
    edge_from, edge_to : array_like of int
        End nodes of the algebraic connections.
    edge_a, edge_b : array_like of float
        Relation ``p_to = a·p_from + b``; ``a = 0`` holds the outlet at ``b``.
    fixed_nodes : array_like of int
        Nodes whose value is given (boundary pressures).
    fixed_values : array_like of float
        Those values.
    rtol : float
        Relative tolerance when checking that relations around a cycle agree.

    Raises
    ------
    RelationConflict
        When relations around a cycle disagree, or a class is fixed twice with
        different values, or a balance group would have more than one unknown.
    """
    parts = [np.asarray(x, dtype=t) for x, t in ((edge_from, np.int64), (edge_to, np.int64),
                                                  (edge_a, float), (edge_b, float),
                                                  (fixed_nodes, np.int64), (fixed_values, float))]
    h = hashlib.blake2b(digest_size=20)
    h.update(repr((int(n_nodes), float(rtol), [p.size for p in parts])).encode())
    for p in parts:
        h.update(np.ascontiguousarray(p).tobytes())
    key = h.digest()
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    red = _reduce_affine(n_nodes, *parts, rtol=rtol)
    for f in fields(red):
        v = getattr(red, f.name)
        if isinstance(v, np.ndarray):
            v.setflags(write=False)
    with _CACHE_LOCK:
        _CACHE[key] = red
        while len(_CACHE) > _CACHE_MAX:
            _CACHE.popitem(last=False)
    return red


def _reduce_affine(n_nodes: int, edge_from, edge_to, edge_a, edge_b, fixed_nodes, fixed_values,
                   rtol: float = 1e-9) -> Reduction:
    ef = np.asarray(edge_from, dtype=np.int64)
    et = np.asarray(edge_to, dtype=np.int64)
    ea = np.asarray(edge_a, dtype=float)
    eb = np.asarray(edge_b, dtype=float)
    fixed_nodes = np.asarray(fixed_nodes, dtype=np.int64)
    fixed_values = np.asarray(fixed_values, dtype=float)

    # --- pressure classes: components over relations with a != 0 --------------
    coupling = ea != 0.0
    cf, ct = ef[coupling], et[coupling]
    adj = sp.coo_matrix((np.ones(cf.size), (cf, ct)), shape=(n_nodes, n_nodes)).tocsr()
    n_classes, node_class = connected_components(adj, directed=False)

    alpha = np.full(n_nodes, np.nan)
    beta = np.full(n_nodes, np.nan)
    # A spanning forest of the coupling edges (breadth-first from one root per class: the
    # class's node met first in edge order), then p = α·p_root + β composed along the tree
    # by pointer jumping (log₂ depth vectorised rounds); finally every coupling edge, in or
    # out of the forest, is checked at once.
    if cf.size:
        from scipy.sparse.csgraph import breadth_first_order

        ca, cb = ea[coupling], eb[coupling]
        k1 = np.arange(1, cf.size + 1, dtype=float)
        rows, cols = np.concatenate([cf, ct]), np.concatenate([ct, cf])
        vals = np.concatenate([k1, -k1])            # +k: p_col = a·p_row + b; −k: reversed
        _, first = np.unique(rows * n_nodes + cols, return_index=True)   # parallel edges once
        seq = np.column_stack([cf, ct]).ravel()
        _, at = np.unique(node_class[seq], return_index=True)
        roots = seq[np.sort(at)]
        sup = n_nodes                                # super-root joined to every class root
        g = sp.csr_matrix((np.concatenate([vals[first], np.zeros(roots.size) + 0.5]),
                           (np.concatenate([rows[first], np.full(roots.size, sup)]),
                            np.concatenate([cols[first], roots]))),
                          shape=(n_nodes + 1, n_nodes + 1))
        order, pred = breadth_first_order(g, sup, directed=True, return_predecessors=True)
        nodes = order[1:]
        par = pred[nodes]
        parent = np.arange(n_nodes)
        A = np.ones(n_nodes)
        B = np.zeros(n_nodes)
        tree = par != sup
        v, u = nodes[tree], par[tree]
        e = np.asarray(g[u, v]).ravel()
        k = np.abs(e).astype(np.int64) - 1
        fwd = e > 0
        parent[v] = u
        A[v] = np.where(fwd, ca[k], 1.0 / ca[k])
        B[v] = np.where(fwd, cb[k], -cb[k] / ca[k])
        while True:
            gp = parent[parent]
            if np.array_equal(gp, parent):
                break
            B = A * B[parent] + B
            A = A * A[parent]
            parent = gp
        alpha[nodes], beta[nodes] = A[nodes], B[nodes]
        av, bv = ca * alpha[cf], ca * beta[cf] + cb
        scale = np.abs(bv) + np.abs(beta[ct]) + np.abs(av) + np.abs(alpha[ct])
        off = (np.abs(av - alpha[ct]) > rtol * (np.abs(av) + np.abs(alpha[ct]))) \
            | (np.abs(bv - beta[ct]) > rtol * np.maximum(scale, 1.0) * 1e3)
        if off.any():
            k = int(np.flatnonzero(off)[0])
            raise RelationConflict("the relations around a loop of algebraic connections disagree",
                                   edges=[int(np.flatnonzero(coupling)[k])],
                                   nodes=[int(cf[k]), int(ct[k])])
    lone = np.isnan(alpha)
    alpha[lone], beta[lone] = 1.0, 0.0

    # --- fixing: boundary pressures and a = 0 relations ------------------------
    class_value = np.full(n_classes, np.nan)
    class_src: dict[int, tuple[str, int]] = {}

    def _fix(c: int, value: float, src: tuple[str, int]) -> None:
        if c not in class_src:
            class_value[c] = value
            class_src[c] = src
        elif abs(class_value[c] - value) > 1e-9 * max(abs(value), 1.0):
            prev = class_src[c]
            edges = [i for kind, i in (prev, src) if kind == "edge"]
            nodes = [i for kind, i in (prev, src) if kind == "node"]
            raise RelationConflict("a pressure is held by two elements with different values",
                                   edges=edges, nodes=nodes)

    fv = (fixed_values - beta[fixed_nodes]) / alpha[fixed_nodes]
    for n, c, val in zip(fixed_nodes.tolist(), node_class[fixed_nodes].tolist(), fv.tolist()):
        _fix(c, val, ("node", n))
    held = np.flatnonzero(~coupling)
    hv = et[held]
    ev = (eb[held] - beta[hv]) / alpha[hv]
    for k, c, val in zip(held.tolist(), node_class[hv].tolist(), ev.tolist()):
        _fix(c, val, ("edge", k))
    class_fixed = ~np.isnan(class_value)

    # --- balance groups: components over all algebraic edges --------------------
    adj_all = sp.coo_matrix((np.ones(ef.size), (ef, et)), shape=(n_nodes, n_nodes)).tocsr()
    n_groups, node_group = connected_components(adj_all, directed=False)
    # each group has one balance: exactly one free class, or none where the
    # group holds a boundary pressure (that node takes the slack)
    class_group = np.empty(n_classes, dtype=np.int64)
    class_group[node_class] = node_group
    free_per_group = np.bincount(class_group[~class_fixed], minlength=n_groups)
    has_ref = np.zeros(n_groups, dtype=bool)
    has_ref[node_group[fixed_nodes]] = True
    bad = np.flatnonzero((has_ref & (free_per_group > 0)) | (free_per_group > 1)
                         | (~has_ref & (free_per_group == 0)))
    if bad.size:
        g = bad[0]
        members = np.flatnonzero(node_group == g)
        in_group = np.isin(ef, members)
        raise RelationConflict(
            "nodes joined by valves, short pipes, regulators or compressors hold their "
            "pressures in a way that leaves their common mass balance over- or "
            "under-determined (e.g. two pressure set points or a set point and a "
            "pressure reference without a pipe between them)",
            edges=list(np.flatnonzero(in_group)), nodes=list(members))
    free_classes = np.flatnonzero(~class_fixed)
    class_unknown = np.full(n_classes, -1, dtype=np.int64)
    class_unknown[free_classes] = np.arange(free_classes.size)
    # the row of a non-reference group is the unknown of its free class
    group_row = np.full(n_groups, -1, dtype=np.int64)
    group_row[class_group[free_classes]] = class_unknown[free_classes]
    return Reduction(node_class, alpha, beta, class_fixed, class_value, free_classes,
                     class_unknown, node_group, has_ref, group_row)


def internal_flows(n_nodes: int, edge_from, edge_to, imbalance, node_group, group_has_reference,
                   reference_nodes) -> np.ndarray:
    """Flows on algebraic connections that close every node's balance.

    Solves ``B f = imbalance`` (B: node–edge incidence, +1 at the from node)
    for the minimum-norm f, node by node within each balance group. In a group
    with a pressure reference, the reference nodes' rows are dropped (they take
    the slack); in the other groups one row per group is dropped (the group's
    total imbalance is zero at a solution).

    Parameters
    ----------
    imbalance : ndarray (n_nodes,)
        Net outflow each node must send through its algebraic connections
        (injection minus outflow through the other connections). [any flow unit]
    reference_nodes : array_like of int
        Nodes that absorb the slack.
    """
    ef = np.asarray(edge_from, dtype=np.int64)
    et = np.asarray(edge_to, dtype=np.int64)
    ne = ef.size
    if ne == 0:
        return np.zeros(0)
    imbalance = np.asarray(imbalance, dtype=float)
    drop = np.zeros(n_nodes, dtype=bool)
    drop[np.asarray(reference_nodes, dtype=np.int64)] = True
    # An edge that touches no other algebraic edge is a group of its own two nodes: its
    # flow is the imbalance of the end that keeps its row (the from end enters with +1).
    # Stations and regulators in series with pipes are usually such edges.
    deg = np.bincount(ef, minlength=n_nodes) + np.bincount(et, minlength=n_nodes)
    alone = (deg[ef] == 1) & (deg[et] == 1)
    if alone.any():
        a_f, a_t = ef[alone], et[alone]
        no_ref = ~np.asarray(group_has_reference, dtype=bool)[node_group[a_f]]
        keep_f = ~drop[a_f] & ~(no_ref & (a_f < a_t))   # without a reference the lower node drops
        keep_t = ~drop[a_t] & ~(no_ref & (a_t < a_f))
        f = np.zeros(ne)
        f[alone] = np.where(keep_f, imbalance[a_f], np.where(keep_t, -imbalance[a_t], 0.0))
        rest = np.flatnonzero(~alone)
        if rest.size:
            f[rest] = _group_flows(n_nodes, ef[rest], et[rest], imbalance, node_group,
                                   group_has_reference, drop)
        return f
    return _group_flows(n_nodes, ef, et, imbalance, node_group, group_has_reference, drop)


def _group_flows(n_nodes, ef, et, imbalance, node_group, group_has_reference, drop):
    """Minimum-norm flows of ``internal_flows`` by one sparse solve (any group shape);
    ``drop`` marks the reference nodes."""
    ne = ef.size
    drop = drop.copy()
    involved = np.zeros(n_nodes, dtype=bool)
    involved[ef] = True
    involved[et] = True
    # groups without a reference: drop their lowest involved node
    n_groups = int(node_group.max()) + 1 if node_group.size else 0
    first = np.full(n_groups, n_nodes, dtype=np.int64)
    cand = np.flatnonzero(involved)
    np.minimum.at(first, node_group[cand], cand)
    f = first[np.flatnonzero(~group_has_reference)]
    drop[f[f < n_nodes]] = True
    keep = np.flatnonzero(involved & ~drop)
    row_of = np.full(n_nodes, -1, dtype=np.int64)
    row_of[keep] = np.arange(keep.size)
    rows = np.concatenate([row_of[ef], row_of[et]])
    cols = np.concatenate([np.arange(ne), np.arange(ne)])
    vals = np.concatenate([np.ones(ne), -np.ones(ne)])
    ok = rows >= 0
    B = sp.csr_matrix((vals[ok], (rows[ok], cols[ok])), shape=(keep.size, ne))
    if keep.size == 0:
        return np.zeros(ne)
    L = (B @ B.T).tocsc()   # a grounded graph Laplacian: symmetric positive definite
    y = Factorizer("auto", symmetric=True).factor(L)(imbalance[keep])
    return B.T @ y
