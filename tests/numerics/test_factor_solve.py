"""numerics.linsolve.FactorSolve: the compiled triangular solves with SuperLU's factors give
SuperLU's own solution (the reference: scipy.sparse.linalg.SuperLU.solve)."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from linepack import jit
from linepack.numerics.linsolve import FactorSolve

needs_numba = pytest.mark.skipif(not jit.available(), reason="numba (extra 'fast') not installed")


def _matrix(n, seed):
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=4.0 / n, random_state=seed, format="csc")
    return sp.csc_matrix(A + sp.diags(rng.uniform(0.1, 1.0, n) * rng.choice([-1, 1], n))), rng


@needs_numba
@pytest.mark.parametrize("order", ["COLAMD", "MMD_AT_PLUS_A", "NATURAL"])
@pytest.mark.parametrize("options", [{}, dict(diag_pivot_thresh=0.1, panel_size=1, relax=1,
                                              options={"SymmetricMode": True})])
def test_compiled_solve_equals_superlu(order, options):
    """Unsymmetric matrices with off-diagonal pivots: the same x as SuperLU to 1e-12 of |x|,
    and A·x = b to 1e-10, for several right-hand sides on one factor."""
    A, rng = _matrix(400, 11)
    lu = splu(A, permc_spec=order, **options)
    fs = FactorSolve(lu, compiled=True)
    for _ in range(3):
        b = rng.normal(size=A.shape[0])
        x = fs.solve(b)
        ref = lu.solve(b)
        assert np.max(np.abs(x - ref)) <= 1e-12 * np.max(np.abs(ref))
        assert np.max(np.abs(A @ x - b)) <= 1e-10 * np.max(np.abs(b))


def test_without_compilation_it_is_superlu():
    A, rng = _matrix(50, 2)
    lu = splu(A)
    b = rng.normal(size=50)
    np.testing.assert_array_equal(FactorSolve(lu, compiled=False).solve(b), lu.solve(b))
