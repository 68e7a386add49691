"""The numerics room: fixed-pattern assembly, linear solvers (both paths), affine reduction, Newton."""

import numpy as np
import pytest
import scipy.sparse as sp

from linepack.numerics import linsolve
from linepack.numerics.assembly import EdgeAssembler, Incidence, PatternAssembler
from linepack.numerics.linsolve import Factorizer, SingularMatrix, cholmod_available
from linepack.numerics.newton import NewtonOptions, newton
from linepack.numerics.reduction import RelationConflict, internal_flows, reduce_affine


def laplacian(n=50, seed=0):
    rng = np.random.default_rng(seed)
    i = np.arange(n - 1)
    w = rng.uniform(1, 2, n - 1)
    rows = np.concatenate([i, i + 1, i, i + 1])
    cols = np.concatenate([i, i + 1, i + 1, i])
    vals = np.concatenate([w, w, -w, -w])
    L = sp.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsc() + sp.eye(n) * 0.1
    return sp.csc_matrix(L), rows, cols, vals


def test_pattern_assembler_equals_coo_summation():
    """Duplicates are summed exactly as scipy's COO → CSC conversion does."""
    L, rows, cols, vals = laplacian()
    asm = PatternAssembler(rows, cols, L.shape)
    ref = sp.coo_matrix((vals, (rows, cols)), shape=L.shape).tocsc()
    assert abs(asm.matrix(vals) - ref).max() == 0.0


def test_pattern_assembler_reuse_replaces_values_per_thread():
    """reuse=True hands back the same matrix object with the new values (one per thread);
    reuse=False always builds a new matrix, which later reuse calls do not touch."""
    import threading

    L, rows, cols, vals = laplacian(20)
    asm = PatternAssembler(rows, cols, L.shape)
    ref = lambda v: sp.coo_matrix((v, (rows, cols)), shape=L.shape).tocsc()  # noqa: E731
    kept = asm.matrix(vals)
    a = asm.matrix(vals, reuse=True)
    b = asm.matrix(3.0 * vals, reuse=True)
    assert a is b and abs(b - ref(3.0 * vals)).max() == 0.0
    assert abs(kept - ref(vals)).max() == 0.0 and kept is not b
    other = []
    t = threading.Thread(target=lambda: other.append(asm.matrix(5.0 * vals, reuse=True)))
    t.start()
    t.join()
    assert other[0] is not b and abs(b - ref(3.0 * vals)).max() == 0.0
    assert abs(other[0] - ref(5.0 * vals)).max() == 0.0


@pytest.mark.parametrize("method", ["splu", "cholmod"])
def test_factorizer_solves_an_spd_system(method):
    """Both linear-solver paths solve L x = b to rounding; CHOLMOD only where it is installed."""
    if method == "cholmod" and not cholmod_available():
        pytest.skip("scikit-sparse (CHOLMOD) not installed: the 'cholmod' extra needs libsuitesparse-dev")
    L, *_ = laplacian()
    b = np.arange(L.shape[0], dtype=float)
    f = Factorizer(method, symmetric=True)
    x = f.factor(L)(b)
    assert np.allclose(L @ x, b, rtol=0, atol=1e-10)
    x2 = f.factor(L * 2.0)(b)  # numeric refactorisation with the same pattern
    assert np.allclose(x2, x / 2.0, atol=1e-12)
    assert f.factorizations == 2


def test_auto_falls_back_to_superlu_without_cholmod(monkeypatch):
    """Without scikit-sparse, 'auto' picks SuperLU and asking for 'cholmod' is a clear error."""
    monkeypatch.setattr(linsolve, "_cholmod_analyze", None)
    assert Factorizer("auto", symmetric=True).method == "splu"
    with pytest.raises(ValueError, match="cholmod"):
        Factorizer("cholmod", symmetric=True)


def test_singular_matrix_is_reported():
    """A singular matrix raises SingularMatrix, not a bare RuntimeError."""
    A = sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 1.0]]))
    with pytest.raises(SingularMatrix):
        Factorizer("splu").factor(A)


def test_reduce_affine_classes_and_fixed_values():
    """0 →(ratio 2) 1 →(held at 7) 2, node 0 free: classes {0,1} and {2}; 2 fixed at 7."""
    red = reduce_affine(3, [0, 1], [1, 2], [2.0, 0.0], [0.0, 7.0], [], [])
    assert red.node_class[0] == red.node_class[1] != red.node_class[2]
    assert red.n_unknowns == 1
    p = red.node_values(np.array([3.0]))
    assert p[0] == pytest.approx(red.alpha[0] * 3.0) and p[1] == pytest.approx(2.0 * p[0])
    assert p[2] == 7.0


def test_reduce_affine_refuses_disagreeing_loops():
    """Two parallel relations with ratios 1.2 and 1.3 between the same nodes disagree."""
    with pytest.raises(RelationConflict):
        reduce_affine(2, [0, 0], [1, 1], [1.2, 1.3], [0.0, 0.0], [0], [5.0])


def test_internal_flows_split_parallel_edges_evenly():
    """Minimum-norm flows: 10 units through two parallel edges → 5 each."""
    red = reduce_affine(2, [0, 0], [1, 1], [1.0, 1.0], [0.0, 0.0], [0], [5.0])
    f = internal_flows(2, [0, 0], [1, 1], np.array([0.0, -10.0]), red.node_group,
                       red.group_has_reference, [0])
    assert np.allclose(f, [5.0, 5.0])


@pytest.mark.parametrize("seed", range(6))
def test_internal_flows_fast_path_equals_the_general_solve(seed):
    """Edges that touch no other algebraic edge take their flow directly; mixed with larger
    groups (with and without a reference, parallel edges, chains) the result equals the one
    sparse minimum-norm solve of every edge, and it closes every kept node's balance."""
    from linepack.numerics.reduction import _group_flows

    rng = np.random.default_rng(seed)
    n = 40
    ef, et = [], []
    nodes = rng.permutation(n)
    k = 0
    while k + 2 <= n:   # isolated pairs, chains of 3 and parallel pairs, in either direction
        kind = rng.integers(3)
        if kind == 0 or k + 3 > n:
            a, b = nodes[k], nodes[k + 1]
            ef.append(a)
            et.append(b)
            k += 2
        elif kind == 1:
            a, b, c = nodes[k:k + 3]
            ef += [a, c]
            et += [b, b]
            k += 3
        else:
            a, b = nodes[k], nodes[k + 1]
            ef += [a, b]
            et += [b, a]
            k += 2
    swap = rng.random(len(ef)) < 0.5
    ef, et = np.where(swap, et, ef), np.where(swap, ef, et)
    refs = rng.choice(n, size=6, replace=False)
    red = reduce_affine(n, ef, et, np.ones(len(ef)), np.zeros(len(ef)), refs, np.full(6, 5.0))
    imb = rng.normal(size=n)
    # groups without a reference must balance: move their total to their lowest node
    for g in np.unique(red.node_group):
        members = np.flatnonzero(red.node_group == g)
        if not red.group_has_reference[g]:
            imb[members[0]] -= imb[members].sum()
    f = internal_flows(n, ef, et, imb, red.node_group, red.group_has_reference, refs)
    drop = np.zeros(n, dtype=bool)
    drop[refs] = True
    general = _group_flows(n, np.asarray(ef), np.asarray(et), imb, red.node_group,
                           red.group_has_reference, drop)
    assert np.allclose(f, general, rtol=0, atol=1e-12)
    out = np.zeros(n)
    np.add.at(out, ef, f)
    np.add.at(out, et, -f)
    free = np.ones(n, dtype=bool)
    free[refs] = False
    assert np.allclose(out[free], imb[free], atol=1e-12)


def test_newton_converges_and_reports():
    """x² = 2 from 1: converged record with a falling residual history."""
    def residual(x):
        return np.array([x[0] ** 2 - 2.0]), None

    def step(x, r, aux):
        return np.array([-r[0] / (2 * x[0])])

    res = newton(residual, step, np.array([1.0]), NewtonOptions(tol=1e-14))
    assert res.converged and res.x[0] == pytest.approx(np.sqrt(2.0), rel=1e-14)
    assert res.residual_norms[0] > res.residual_norms[-1]


def test_newton_says_when_it_cannot_converge():
    """x² + 1 = 0 has no real root: not converged, with a message and history."""
    def residual(x):
        return np.array([x[0] ** 2 + 1.0]), None

    def step(x, r, aux):
        return np.array([-r[0] / (2 * x[0] if x[0] != 0 else 1.0)])

    res = newton(residual, step, np.array([1.0]), NewtonOptions(max_iter=30))
    assert not res.converged and res.message and len(res.residual_norms) >= 1


def test_reduce_affine_is_memoised_read_only_and_still_raises():
    """Equal inputs give the same (read-only) reduction; different inputs a different one;
    a conflict is raised on every call, not cached away."""
    args = (4, [0, 2], [1, 3], [1.5, 1.0], [0.0, 0.0], [0], [5.0])
    r1 = reduce_affine(*args)
    r2 = reduce_affine(*[list(a) if isinstance(a, list) else a for a in args])
    assert r1 is r2
    assert not r1.alpha.flags.writeable
    with pytest.raises(ValueError):
        r1.alpha[0] = 2.0
    r3 = reduce_affine(4, [0, 2], [1, 3], [1.25, 1.0], [0.0, 0.0], [0], [5.0])
    assert r3 is not r1 and r3.alpha[1] == pytest.approx(1.25)
    for _ in range(2):   # loop 0→1→0 with disagreeing relations
        with pytest.raises(RelationConflict):
            reduce_affine(2, [0, 1], [1, 0], [2.0, 2.0], [0.0, 0.0], [], [])


def test_reduce_affine_forest_composes_long_chains_and_parallel_edges():
    """Random forests of affine relations (deep chains, parallel duplicates, several classes):
    every relation p_to = a·p_from + b holds for the returned α, β, and each class has one
    root with α = 1, β = 0. Independent check: the relations themselves."""
    rng = np.random.default_rng(7)
    n = 400
    # three chains of depth ~130 (deep trees test the pointer jumping) plus random branches
    ef, et = [], []
    for start in (0, 130, 260):
        for i in range(start, start + 129):
            ef.append(i)
            et.append(i + 1)
    for _ in range(60):
        c = rng.integers(0, 3) * 130
        ef.append(int(rng.integers(c, c + 130)))
        et.append(int(rng.integers(390, 400)) if c == 0 else int(rng.integers(c, c + 130)))
    ef, et = np.array(ef), np.array(et)
    keep = ef != et
    ef, et = ef[keep], et[keep]
    # consistent relations from hidden node values: around a loop the factors a must multiply
    # to 1 (else the loop pins the pressure), so a = s_to/s_from for hidden node scales s
    # (each chain steps s by a random 0.8…1.25 in one link of ten); b from hidden pressures
    p_true = rng.uniform(20e5, 80e5, n)
    steps = np.where(rng.random(n) < 0.1, rng.uniform(0.8, 1.25, n), 1.0)
    scale = np.ones(n)
    for start in (0, 130, 260):
        scale[start:start + 130] = np.cumprod(steps[start:start + 130])
    a = scale[et] / scale[ef]
    b = p_true[et] - a * p_true[ef]
    ef, et = np.concatenate([ef, ef[:5]]), np.concatenate([et, et[:5]])   # parallel duplicates
    a, b = np.concatenate([a, a[:5]]), np.concatenate([b, b[:5]])
    red = reduce_affine(n, ef, et, a, b, [], [])
    np.testing.assert_allclose(red.alpha[et], a * red.alpha[ef], rtol=1e-12)
    np.testing.assert_allclose(red.beta[et], a * red.beta[ef] + b, rtol=1e-9, atol=1e-3)
    for c in np.unique(red.node_class):
        members = np.flatnonzero(red.node_class == c)
        assert np.any((red.alpha[members] == 1.0) & (red.beta[members] == 0.0))
    # the hidden pressures are reproduced from each class root's pressure
    xc = np.empty(red.node_class.max() + 1)
    roots = np.flatnonzero((red.alpha == 1.0) & (red.beta == 0.0))
    xc[red.node_class[roots]] = p_true[roots]
    np.testing.assert_allclose(red.alpha * xc[red.node_class] + red.beta, p_true, rtol=1e-9)
    # breaking one relation on a loop is a conflict
    b_bad = b.copy()
    b_bad[-1] += 1e4
    with pytest.raises(RelationConflict):
        reduce_affine(n, ef, et, a, b_bad, [], [])


def test_preconditioned_solve_exact_inverse_takes_one_application():
    """With the exact inverse as preconditioner the first application solves the system."""
    L, *_ = laplacian(80)
    b = np.linspace(-1.0, 1.0, 80)
    solve = Factorizer("splu").factor(L)
    x, used = linsolve.preconditioned_solve(L, b, solve, atol=1e-10, max_apply=5)
    assert used == 1
    np.testing.assert_allclose(L @ x, b, atol=1e-10)


def test_preconditioned_solve_with_a_stale_factor_meets_the_tolerance_or_says_no():
    """A factor of the same Laplacian with weights off by up to ±20 % preconditions GMRES:
    the true residual meets atol within the budget; with a budget of 1 it gives up (None)."""
    L, rows, cols, vals = laplacian(200, seed=1)
    rng = np.random.default_rng(2)
    w_new = rng.uniform(0.8, 1.2, vals.size // 4)
    vals_new = vals * np.tile(w_new, 4)
    L_new = sp.csc_matrix(sp.coo_matrix((vals_new, (rows, cols)), shape=L.shape)) + sp.eye(200) * 0.1
    b = rng.normal(size=200)
    stale = Factorizer("splu").factor(L)
    x, used = linsolve.preconditioned_solve(L_new, b, stale, atol=1e-9 * np.linalg.norm(b),
                                            max_apply=40)
    assert x is not None and 2 < used <= 40
    assert np.linalg.norm(L_new @ x - b) <= 1e-9 * np.linalg.norm(b)
    x1, used1 = linsolve.preconditioned_solve(L_new, b, stale, atol=1e-9, max_apply=1)
    assert x1 is None and used1 == 1


def _edges(seed, n_edges=300, n_rows=40):
    rng = np.random.default_rng(seed)
    ends = [rng.integers(-1, n_rows, n_edges) for _ in range(4)]   # −1: an end without row/column
    return ends, rng.normal(size=n_edges), rng.normal(size=n_edges), n_rows


def _dense_edge_blocks(ru, rv, cu, cv, a, b, n):
    """Σₑ (e_ru − e_rv)(a·e_cu + b·e_cv)ᵀ, written out entry by entry."""
    M = np.zeros((n, n))
    for e in range(a.size):
        for r, sr in ((ru[e], 1.0), (rv[e], -1.0)):
            for c, v in ((cu[e], a[e]), (cv[e], b[e])):
                if r >= 0 and c >= 0:
                    M[r, c] += sr * v
    return M


@pytest.mark.parametrize("compiled", [False, True])
def test_edge_assembler_equals_the_sum_of_edge_blocks(compiled):
    """Both assembly paths reproduce the dense sum of the per-edge blocks, ends at −1 dropped;
    with ru = cu, rv = cv, a = w, b = −w it is the weighted graph Laplacian (rows sum to 0)."""
    if compiled:
        pytest.importorskip("numba", reason="numba not installed: the compiled loops are the optional extra 'fast'")
    (ru, rv, cu, cv), a, b, n = _edges(3)
    asm = EdgeAssembler(ru, rv, cu, cv, (n, n))
    dense = _dense_edge_blocks(ru, rv, cu, cv, a, b, n)
    np.testing.assert_allclose(asm.matrix(a, b, compiled=compiled).toarray(), dense, atol=1e-12)
    # the other path on the same assembler (the compiled one releases the numpy path's map)
    np.testing.assert_allclose(asm.matrix(a, b, compiled=False).toarray(), dense, atol=1e-12)
    u, v = np.arange(n - 1), np.arange(1, n)
    w = np.linspace(1.0, 2.0, n - 1)
    lap = EdgeAssembler(u, v, u, v, (n, n)).matrix(w, -w, compiled=compiled).toarray()
    np.testing.assert_allclose(lap.sum(axis=1), 0.0, atol=1e-12)
    assert lap[0, 1] == -w[0] and lap[1, 1] == w[0] + w[1]


@pytest.mark.parametrize("compiled", [False, True])
def test_incidence_products_equal_the_dense_incidence(compiled):
    """C·m and Cᵀ·y against the dense signed incidence (+1 at the from row, −1 at the to row)."""
    if compiled:
        pytest.importorskip("numba", reason="numba not installed: the compiled loops are the optional extra 'fast'")
    (ru, rv, _, _), m, _, n = _edges(5)
    C = np.zeros((n, m.size))
    for e in range(m.size):
        if ru[e] >= 0:
            C[ru[e], e] += 1.0
        if rv[e] >= 0:
            C[rv[e], e] -= 1.0
    inc = Incidence(ru, rv, n, compiled=compiled)
    y = np.random.default_rng(6).normal(size=n)
    np.testing.assert_allclose(inc.times(m), C @ m, atol=1e-12)
    np.testing.assert_allclose(inc.transpose_times(y), C.T @ y, atol=1e-12)
