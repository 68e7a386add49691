"""Sparse linear solvers: one place to choose and swap them.

``Factorizer`` factorises a sequence of matrices with the same sparsity
pattern (Newton iterations) and reuses what it can:

* ``"cholmod"``: CHOLMOD (SuiteSparse) through scikit-sparse, for symmetric
  positive definite matrices; the symbolic analysis (fill-reducing ordering)
  is done once and only the numeric factorisation is repeated. Optional: it
  needs Debian's ``libsuitesparse-dev`` and the ``cholmod`` extra.
* ``"splu"``: SciPy's SuperLU, for any square matrix; the default ordering is
  minimum degree on AᵀA + … (``MMD_AT_PLUS_A``), which suits the nearly
  symmetric pattern of network matrices (COLAMD is several times slower on them).

``method="auto"`` takes CHOLMOD for symmetric matrices when it is installed,
SuperLU otherwise.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import splu

__all__ = ["Factorizer", "FactorSolve", "cholmod_available", "SingularMatrix",
           "preconditioned_solve"]

try:  # optional speed-up
    from sksparse.cholmod import analyze as _cholmod_analyze  # type: ignore
    from sksparse.cholmod import CholmodNotPositiveDefiniteError as _CholNotPD  # type: ignore
except Exception:  # pragma: no cover - depends on the machine
    _cholmod_analyze = None
    _CholNotPD = None


class SingularMatrix(Exception):
    """The matrix could not be factorised (singular or numerically so)."""


def cholmod_available() -> bool:
    """Whether CHOLMOD (scikit-sparse) can be used here."""
    return _cholmod_analyze is not None


class Factorizer:
    """Factorise matrices of one sparsity pattern repeatedly.

    Parameters
    ----------
    method : {"auto", "cholmod", "splu"}
    symmetric : bool
        Whether the matrices are symmetric positive definite (enables CHOLMOD).
    """

    def __init__(self, method: str = "auto", symmetric: bool = False,
                 permc_spec: str = "MMD_AT_PLUS_A"):
        if method not in ("auto", "cholmod", "splu"):
            raise ValueError(f"linear solver must be 'auto', 'cholmod' or 'splu' (got {method!r})")
        if method == "cholmod" and not cholmod_available():
            raise ValueError("linear solver 'cholmod' needs scikit-sparse (extra 'cholmod') "
                             "built against libsuitesparse-dev")
        use_chol = symmetric and method in ("auto", "cholmod") and cholmod_available()
        self.method = "cholmod" if use_chol else "splu"
        self._symbolic = None
        self.factorizations = 0
        self.permc_spec = permc_spec

    def factor(self, matrix: sp.spmatrix):
        """Factorise ``matrix``; returns a callable ``solve(b)``.

        CHOLMOD factorises a copy of the symbolic analysis each time. (Refactorising
        one numeric factor in place is a few per cent faster but holds two numeric
        factors at once while it works: 11 MB more at 50k nodes, measured.)
        """
        self.factorizations += 1
        A = matrix if isinstance(matrix, sp.csc_matrix) else sp.csc_matrix(matrix)
        if self.method == "cholmod":
            try:
                if self._symbolic is None:
                    # AMD for small matrices; CHOLMOD's nested dissection (METIS partitions,
                    # constrained minimum degree on the parts) pays for its slower analysis on
                    # large ones (lattice Laplacians, in-place refactorisation: 25k nodes
                    # 22.0 vs 22.5 ms for plain METIS and 24.6 for AMD; 50k 58.6 vs 60.4
                    # and 82.8; 100k 166 vs 190 and 234). Only where the graph is meshed
                    # (off-diagonal entries per row > 3, i.e. more than 1.5 edges per node):
                    # on tree-like networks AMD leaves almost no fill and analyses ten
                    # times faster (near-trees of 50k nodes: 4.3 ms vs 4.6 ms a factorisation).
                    n = A.shape[0]
                    meshed = (A.nnz - n) > 3 * n
                    order = "nesdis" if n > 20000 and meshed else "amd"
                    try:
                        self._symbolic = _cholmod_analyze(A, mode="simplicial", ordering_method=order)
                    except Exception:  # pragma: no cover - CHOLMOD built without METIS
                        self._symbolic = _cholmod_analyze(A, mode="simplicial", ordering_method="amd")
                f = self._symbolic.cholesky(A)
            except _CholNotPD as exc:  # pragma: no cover - numerical corner
                raise SingularMatrix(str(exc)) from None
            return f
        with warnings.catch_warnings():
            warnings.simplefilter("error", sp.linalg.MatrixRankWarning)
            try:
                # the matrices are nearly symmetric with a strong diagonal (network Jacobians):
                # SuperLU's symmetric mode keeps the diagonal as pivot unless an entry below it
                # is 10× larger (threshold 0.1, as UMFPACK's symmetric strategy); on GasLib-4197
                # 2.2 instead of 2.8 ms a factorisation (measured, n = 3464). Their factors are
                # so sparse (GasLib-4197: 7.4k entries in L) that SuperLU's panels and relaxed
                # supernodes only cost set-up: one-column panels, no relaxation, measured
                # interleaved against its defaults (medians): GasLib-4197 2.67 → 1.64 ms,
                # GasLib-582 0.115 → 0.086 ms, the 2,000-pipe chain 0.50 → 0.39 ms, lattices
                # 1k 1.48 → 1.05 ms and 10k 16.0 → 12.3 ms; the same solutions (1e-10)
                lu = splu(A, permc_spec=self.permc_spec, diag_pivot_thresh=0.1,
                          panel_size=1, relax=1, options={"SymmetricMode": True})
            except (RuntimeError, sp.linalg.MatrixRankWarning) as exc:
                raise SingularMatrix(str(exc)) from None
        return lu.solve


def preconditioned_solve(A, b, minv, atol: float, max_apply: int):
    """Solve ``A·x = b`` to ``‖b − A·x‖₂ ≤ atol`` with right preconditioning.

    ``minv(v)`` applies an approximate inverse of ``A``. The first try is
    ``x = minv(b)``; then one minimal-residual correction along ``minv(r)``
    (GMRES's first iteration without its set-up); then restarted GMRES on the
    correction, ``A·minv(y) = r`` (Saad & Schultz 1986; right preconditioning
    keeps the true residual as GMRES's measure). ``max_apply`` bounds the
    applications of ``minv``.

    Returns ``(x, applications)``, with ``x = None`` when the budget ran out,
    the iterate is not finite, or ``max_apply`` < 1.
    """
    if max_apply < 1:
        return None, 0
    x0 = minv(b)
    used = 1
    if not np.all(np.isfinite(x0)):
        return None, used
    r0 = b - A @ x0
    if float(np.linalg.norm(r0)) <= atol:
        return x0, used
    if used >= max_apply:
        return None, used
    z = minv(r0)
    used += 1
    w = A @ z
    ww = float(w @ w)
    if ww > 0.0 and np.all(np.isfinite(z)):
        alpha = float(w @ r0) / ww
        if float(np.linalg.norm(r0 - alpha * w)) <= atol:
            return x0 + alpha * z, used
    inner = max_apply - used - 1   # the last application maps GMRES's y back
    if inner < 1:
        return None, used
    n = A.shape[0]
    count = [0]

    def matvec(y):
        count[0] += 1
        return A @ minv(y)

    op = spla.LinearOperator((n, n), matvec=matvec, dtype=float)
    y, info = spla.gmres(op, r0, rtol=1e-14, atol=atol, restart=min(inner, 40),
                         maxiter=max(1, inner // 40))
    used += count[0]
    if info != 0 or not np.all(np.isfinite(y)):
        return None, used
    x = x0 + minv(y)
    used += 1
    return (x, used) if np.all(np.isfinite(x)) else (None, used)


class FactorSolve:
    """Repeated solves with one SuperLU factorisation, by compiled triangular solves.

    SciPy's ``SuperLU.solve`` costs a fixed 50–150 µs a call on top of the work (argument
    checks, a copy, SuperLU's own driver), which dominates when the factors are small and
    one factor serves many right-hand sides (chord iterations). With numba (extra
    ``fast``) this class takes the factors once, ``Pr·A·Pc = L·U`` (SciPy's
    ``perm_r``, ``perm_c``, ``L``, ``U``), and solves ``A·x = b`` as
    ``x = Pc·U⁻¹·L⁻¹·Pr·b`` in one compiled loop over their entries; without numba (or
    with ``compiled=False``) it calls ``lu.solve``.

    Parameters
    ----------
    lu : scipy.sparse.linalg.SuperLU
    compiled : bool
    """

    def __init__(self, lu, compiled: bool):
        self.lu = lu
        self._kernel = None
        self.arguments = None   # the compiled solve's factor arguments (for compiled callers)
        if compiled:
            from linepack import jit

            n = lu.shape[0]
            L, U = lu.L, lu.U          # CSC; L with its unit diagonal stored
            up, ui = U.indptr, U.indices
            diag_pos = jit.compiled(_diagonal_positions)(up, ui, n)
            if n and diag_pos.min() < 0:   # pragma: no cover - SuperLU stores every pivot
                return
            self._args = (lu.perm_r, lu.perm_c, L.indptr, L.indices, L.data, up, ui, U.data,
                          diag_pos)
            self._work = np.empty(n)
            self._kernel = jit.compiled(_lu_solve)
            # ``_lu_solve(b, *arguments, x)`` solves A·x = b (its work array included)
            self.arguments = self._args + (self._work,)

    def solve(self, b: np.ndarray) -> np.ndarray:
        """``x`` with ``A·x = b`` (a new array)."""
        if self._kernel is None:
            return self.lu.solve(b)
        out = np.empty(b.shape[0])
        self._kernel(np.ascontiguousarray(b, dtype=float), *self._args, self._work, out)
        return out


def _diagonal_positions(up, ui, n):  # pragma: no cover - runs compiled
    """Position of each column's diagonal entry in a CSC matrix (-1 where none)."""
    pos = np.full(n, -1, dtype=np.int64)
    for j in range(n):
        for k in range(up[j], up[j + 1]):
            if ui[k] == j:
                pos[j] = k
                break
    return pos


def _lu_solve(b, perm_r, perm_c, lp, li, lx, up, ui, ux, diag_pos, y, x):  # pragma: no cover - compiled
    n = b.shape[0]
    # y = Pr·b: row i of A is row perm_r[i] of L·U
    for i in range(n):
        y[perm_r[i]] = b[i]
    # L (unit diagonal): forward, by columns, over the entries below the diagonal
    for j in range(n):
        yj = y[j]
        if yj != 0.0:
            for k in range(lp[j], lp[j + 1]):
                r = li[k]
                if r > j:
                    y[r] -= lx[k] * yj
    # U: backward, by columns, over the entries above the diagonal
    for j in range(n - 1, -1, -1):
        yj = y[j] / ux[diag_pos[j]]
        y[j] = yj
        if yj != 0.0:
            for k in range(up[j], up[j + 1]):
                r = ui[k]
                if r < j:
                    y[r] -= ux[k] * yj
    # x = Pc·y: column perm_c[i] of L·U is unknown i
    for i in range(n):
        x[i] = y[perm_c[i]]
