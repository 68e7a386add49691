"""Sparse assembly with a fixed pattern: scatter per-element values into a CSC matrix.

Newton iterations assemble matrices of one sparsity pattern many times. The
pattern (row, column pairs, duplicates allowed) is analysed once; each
assembly is then a single weighted ``bincount`` — no sorting, no COO→CSC
conversion per iteration.

:class:`EdgeAssembler` and :class:`Incidence` serve graphs: matrices and
products built from one or two values per edge. Each has a compiled loop
(numba, :mod:`linepack.jit`) that the caller may ask for with ``compiled=True``
on large graphs, where it replaces several numpy passes (gathers, signs,
``bincount``) by one.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.sparse as sp

from linepack import jit

__all__ = ["PatternAssembler", "EdgeAssembler", "Incidence"]


class PatternAssembler:
    """Assemble CSC matrices of a fixed pattern.

    Parameters
    ----------
    rows, cols : array_like of int
        Positions of the entries, duplicates summed.
    shape : tuple of int
    """

    def __init__(self, rows, cols, shape):
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        n_rows, n_cols = shape
        key = cols * n_rows + rows                       # column-major: CSC order
        del rows, cols
        # the distinct positions, then each entry's position among them (np.unique with
        # return_inverse holds several more index arrays of the entries' length at once)
        uniq = np.unique(key)
        slot = np.searchsorted(uniq, key)
        del key
        self._slot = slot.astype(np.int32) if uniq.size < 2 ** 31 else slot   # position in data
        del slot
        self._nnz = uniq.size
        self._indices = (uniq % n_rows).astype(np.int32)
        counts = np.bincount(uniq // n_rows, minlength=n_cols)
        self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
        self.shape = (int(n_rows), int(n_cols))
        self._local = threading.local()

    def matrix(self, values, reuse: bool = False) -> sp.csc_matrix:
        """The matrix with ``values`` (one per entry of the pattern) summed into place.

        With ``reuse=True`` the calling thread's matrix object of this pattern is
        returned with its values replaced, which skips SciPy's constructor (tens of
        microseconds, a noticeable share of a small network's Newton step); the
        matrix is then valid only until this thread's next ``reuse=True`` call.
        """
        return self.from_data(np.bincount(self._slot, weights=values, minlength=self._nnz), reuse)

    def from_data(self, data, reuse: bool = False) -> sp.csc_matrix:
        """The matrix with its stored entries ``data`` (in the pattern's CSC order)."""
        if reuse:
            m = getattr(self._local, "m", None)
            if m is not None:
                m.data = data
                return m
        m = sp.csc_matrix((data, self._indices, self._indptr), shape=self.shape)
        m.has_sorted_indices = True
        if reuse:
            self._local.m = m
        return m


class EdgeAssembler:
    """Assemble ``M = Σₑ (e_{ru(e)} − e_{rv(e)})·(aₑ·e_{cu(e)} + bₑ·e_{cv(e)})ᵀ`` on a fixed pattern.

    Every edge ``e`` adds ``aₑ`` at (ru, cu), ``bₑ`` at (ru, cv), ``−aₑ`` at
    (rv, cu) and ``−bₑ`` at (rv, cv); an end with index −1 (a row or column that
    is not an unknown) drops its entries. With ``ru = cu``, ``rv = cv``,
    ``a = w`` and ``b = −w`` this is the weighted graph Laplacian; with signed
    incidence rows and pressure columns, a network Jacobian.

    Parameters
    ----------
    ru, rv, cu, cv : array_like of int
        Row and column index of each edge's two ends (−1: none).
    shape : tuple of int
    """

    def __init__(self, ru, rv, cu, cv, shape):
        ru, rv, cu, cv = (np.asarray(x, dtype=np.int64) for x in (ru, rv, cu, cv))
        ok = ((ru >= 0) & (cu >= 0), (ru >= 0) & (cv >= 0), (rv >= 0) & (cu >= 0), (rv >= 0) & (cv >= 0))
        rows = np.concatenate([ru[ok[0]], ru[ok[1]], rv[ok[2]], rv[ok[3]]])
        cols = np.concatenate([cu[ok[0]], cv[ok[1]], cu[ok[2]], cv[ok[3]]])
        self._pattern = PatternAssembler(rows, cols, shape)
        self.n_edges = ru.size
        self.shape = self._pattern.shape
        self._ok = ok
        self._take = None    # numpy path, built on first use
        self._slots = None   # compiled path, built on first use

    def _numpy_map(self):
        # entry k = ±[a, b][take[k]], + for the first n_plus entries
        if self._pattern._slot is None:   # released by the compiled path: the same order
            self._pattern._slot = np.concatenate([s_e[mask] for s_e, mask in zip(self._slots, self._ok)])
        if self._take is None:
            n, ok = self.n_edges, self._ok
            self._take = np.concatenate([np.flatnonzero(ok[0]), n + np.flatnonzero(ok[1]),
                                         np.flatnonzero(ok[2]), n + np.flatnonzero(ok[3])]).astype(np.int32)
            self._n_plus = int(ok[0].sum() + ok[1].sum())
        return self._take, self._n_plus

    def _edge_slots(self):
        # the CSC position of each edge's four entries (−1: none)
        if self._slots is None:
            slots, start, slot = [], 0, self._pattern._slot
            for mask in self._ok:
                s_e = np.full(self.n_edges, -1, dtype=np.int32)
                cnt = int(mask.sum())
                s_e[mask] = slot[start:start + cnt]
                start += cnt
                slots.append(s_e)
            self._slots = slots
            if self._take is None:
                self._pattern._slot = None   # rebuilt from the edge slots if numpy needs it
        return self._slots

    def matrix(self, a, b, reuse: bool = False, compiled: bool = False) -> sp.csc_matrix:
        """The matrix for edge values ``a``, ``b`` (see the class docstring).

        ``reuse`` as :meth:`PatternAssembler.matrix`; ``compiled=True`` assembles in one
        compiled loop (needs numba).
        """
        pat = self._pattern
        if compiled:
            data = jit.compiled(_edge_blocks)(*self._edge_slots(), np.ascontiguousarray(a, dtype=float),
                                               np.ascontiguousarray(b, dtype=float), pat._nnz)
            return pat.from_data(data, reuse)
        take, n_plus = self._numpy_map()
        values = np.concatenate([a, b])[take]
        values[n_plus:] *= -1.0
        return pat.matrix(values, reuse)


class Incidence:
    """Products with the signed incidence ``C`` (rows × edges) of a graph's edges.

    ``C[ru(e), e] = +1`` and ``C[rv(e), e] = −1``; an end with index −1 has no
    row (e.g. a node whose balance is not an equation).

    Parameters
    ----------
    ru, rv : array_like of int
        Row of each edge's from and to end (−1: none).
    n_rows : int
    compiled : bool
        Use the compiled loops (needs numba).
    """

    def __init__(self, ru, rv, n_rows: int, compiled: bool = False):
        self._ru = np.asarray(ru, dtype=np.int64)
        self._rv = np.asarray(rv, dtype=np.int64)
        self.n_rows, self.n_edges = int(n_rows), self._ru.size
        self._compiled = compiled
        if not compiled:
            self._eu, self._ev = np.flatnonzero(self._ru >= 0), np.flatnonzero(self._rv >= 0)
            self._ru_k, self._rv_k = self._ru[self._eu], self._rv[self._ev]

    def times(self, m) -> np.ndarray:
        """``C·m``: per row, the sum of its edges' values, + at from ends, − at to ends."""
        if self._compiled:
            return jit.compiled(_incidence_times)(self._ru, self._rv,
                                                  np.ascontiguousarray(m, dtype=float), self.n_rows)
        return (np.bincount(self._ru_k, weights=m[self._eu], minlength=self.n_rows)
                - np.bincount(self._rv_k, weights=m[self._ev], minlength=self.n_rows))

    def transpose_times(self, y) -> np.ndarray:
        """``Cᵀ·y``: per edge, the value of its from row minus its to row (0 for no row)."""
        y_e = np.append(np.asarray(y, dtype=float), 0.0)   # index −1 reads the appended zero
        return y_e[self._ru] - y_e[self._rv]


def _edge_blocks(s_uu, s_uv, s_vu, s_vv, a, b, nnz):  # pragma: no cover - runs compiled
    data = np.zeros(nnz)
    for e in range(a.size):
        ae = a[e]
        be = b[e]
        k = s_uu[e]
        if k >= 0:
            data[k] += ae
        k = s_uv[e]
        if k >= 0:
            data[k] += be
        k = s_vu[e]
        if k >= 0:
            data[k] -= ae
        k = s_vv[e]
        if k >= 0:
            data[k] -= be
    return data


def _incidence_times(ru, rv, m, n_rows):  # pragma: no cover - runs compiled
    out = np.zeros(n_rows)
    for e in range(m.size):
        r = ru[e]
        if r >= 0:
            out[r] += m[e]
        r = rv[e]
        if r >= 0:
            out[r] -= m[e]
    return out
