"""The isothermal pipe law compiled into one loop (optional: needs numba, extra ``fast``).

A steady-state Newton iteration evaluates the pipe law and its partial derivatives on
every pipe at every iterate. In numpy that is about sixty passes over arrays of the
pipe count (mean pressure, Z, Reynolds number, friction, the law, four derivatives);
on a 100,000-pipe network each pass costs 0.1–0.8 ms. :func:`pipe_law` returns the
same evaluation as one compiled loop over the pipes.

Only models with closed coefficient forms fuse, and the formulas are the numpy
ones term by term (:func:`linepack.physics.element_laws.isothermal_pipe`,
:func:`~linepack.physics.element_laws.mean_pressure`, the solver's friction term
λ·m|m| = (λ·Re)·(μA/D)·m):

* friction laws with λ·Re affine in Re (``affine_in_re``): Nikuradse,
  Nikuradse-STANET, Weymouth;
* equations of state with Z quadratic in p at the gas temperature
  (``z_polynomial``): ideal, constant, linear, Papay, AGA;
* constant viscosity.

For any other model (Colebrook-White, Hofer, GERG-2008, Lee-Gonzalez-Eakin, …),
or without numba, :func:`pipe_law` returns ``None`` and the caller uses the numpy
laws. The compiled functions are cached on disk by numba (``cache=True``): the
first use in a fresh environment compiles them (a few seconds), later processes
load them; importing numba itself takes about 0.3–0.5 s and 50 MB.
"""

from __future__ import annotations

import math

import numpy as np

from linepack import jit
from linepack.physics.viscosity import ConstantViscosity
from linepack.units import G

__all__ = ["available", "pipe_law", "resistor_law", "load"]


def available() -> bool:
    """Whether numba can be imported here (see :mod:`linepack.jit`)."""
    return jit.available()


def load():
    """Import numba and compile (or load from numba's cache) the kernel; returns it.

    Raises ``ImportError`` where numba is not installed.
    """
    return jit.compiled(_isothermal_pipes)


def pipe_law(friction, eos, viscosity, temperature: float, gas, relative_roughness, diameter,
             length, loss_coefficient, height_difference, reynolds_floor: float,
             reynolds_tiny: float):
    """The pipe law of a fixed set of pipes as one compiled function, or ``None``.

    Parameters
    ----------
    friction, eos, viscosity
        Physics models (see the module docstring for the ones that fuse).
    temperature : float
        [K]
    gas : Gas
    relative_roughness, diameter, length, loss_coefficient, height_difference : ndarray
        Per pipe: k/D [-], D [m], L [m], ζ [-], h_to − h_from [m].
    reynolds_floor : float
        The flow derivative of the friction term is not taken below its value at
        this Reynolds number (the steady solver's regularisation of the Newton
        matrix; the residual stays exact).
    reynolds_tiny : float
        Reynolds number standing in for zero flow.

    Returns
    -------
    callable or None
        ``f(p, u, v, m) -> (F, dF_dp_from, dF_dp_to, dF_dm)``: node pressures ``p``
        [Pa, absolute], from/to node index per pipe, mass flows [kg/s]; the
        residual and derivatives of :func:`~linepack.physics.element_laws.isothermal_pipe`.
    """
    affine = getattr(friction, "affine_in_re", None)
    poly = getattr(eos, "z_polynomial", None)
    if affine is None or poly is None or not isinstance(viscosity, ConstantViscosity):
        return None
    ab = affine(relative_roughness, diameter)
    coeffs = poly(temperature, gas)
    if ab is None or coeffs is None or not available():
        return None
    kernel = load()
    a, b = (np.asarray(x, dtype=float) for x in ab)
    # a uniform term (e.g. the laminar 64 of Nikuradse-STANET) is passed once, stride 0
    uniform = a.size > 0 and bool(np.all(a == a.flat[0]))
    fa = np.array([a.flat[0]]) if uniform else np.ascontiguousarray(a)
    fb = np.ascontiguousarray(b)
    c0, c1, c2 = (float(c) for c in coeffs)
    d = np.ascontiguousarray(diameter, dtype=float)
    length = np.ascontiguousarray(length, dtype=float)
    zeta = np.ascontiguousarray(loss_coefficient, dtype=float)
    dh = np.ascontiguousarray(height_difference, dtype=float)
    scalars = (0 if uniform else 1, float(viscosity.value), float(reynolds_floor),
               float(gas.specific_gas_constant) * float(temperature), c0, c1, c2,
               float(reynolds_tiny), 2.0 * G)

    def f(p, u, v, m):
        return kernel(p, u, v, m, fa, fb, d, length, zeta, dh, *scalars, True)
    # for compiled callers that call the kernel (``_isothermal_pipes(p, u, v, m, *arguments,
    # derivatives)``) themselves
    f.arguments = (fa, fb, d, length, zeta, dh) + scalars
    return f


def resistor_law(eos, temperature: float, gas, gas_constant: float, drag_factor, diameter):
    """The quadratic resistor law of a fixed set of elements compiled, or ``None``.

    The formulas of :func:`linepack.physics.element_laws.quadratic_resistor` term by
    term, with Z at the upstream pressure from the equation of state's polynomial form
    (``z_polynomial``; other equations of state, or no numba: ``None``). No domain checks:
    the caller keeps the pressures positive.

    Parameters
    ----------
    eos, temperature, gas
        Equation of state, [K], gas.
    gas_constant : float
        Specific gas constant R [J/(kg·K)].
    drag_factor, diameter : ndarray
        ζ [-] and D [m] of every candidate element.

    Returns
    -------
    callable or None
        ``f(p, u, v, m, idx) -> (F, dF_dp_from, dF_dp_to, dF_dm)`` for the elements
        ``idx`` (positions in ``drag_factor``), node pressures ``p`` [Pa, absolute],
        from/to node of every candidate, mass flows ``m`` of every candidate [kg/s];
        ``|m|`` is taken no smaller than 1e-9 kg/s.
    """
    poly = getattr(eos, "z_polynomial", None)
    coeffs = poly(temperature, gas) if poly is not None else None
    if coeffs is None or not available():
        return None
    kernel = jit.compiled(_quadratic_resistors)
    c0, c1, c2 = (float(c) for c in coeffs)
    zeta = np.ascontiguousarray(drag_factor, dtype=float)
    d = np.ascontiguousarray(diameter, dtype=float)
    rt = (float(gas_constant), float(temperature))

    def f(p, u, v, m, idx):
        return kernel(p, u, v, m, idx, zeta, d, c0, c1, c2, *rt)
    # for compiled callers that call the kernel (``_quadratic_resistors``) themselves
    f.arguments = (zeta, d, c0, c1, c2) + rt
    return f


def _quadratic_resistors(p, u, v, m, idx, zeta, d, c0, c1, c2, r_gas,
                         temperature):  # pragma: no cover - runs compiled
    n = idx.size
    F = np.empty(n)
    F1 = np.empty(n)
    F2 = np.empty(n)
    Fm = np.empty(n)
    for k in range(n):
        e = idx[k]
        p1 = p[u[e]]
        p2 = p[v[e]]
        me = m[e]
        up = me >= 0
        p_up = p1 if up else p2
        z_up = c0 + p_up * (c1 + c2 * p_up)
        mabs = max(abs(me), 1e-9)
        de = d[e]
        coef = 8.0 * zeta[e] * r_gas * z_up * temperature / (np.pi ** 2 * de ** 4)
        drop = coef * me * mabs / p_up
        F[k] = p1 - p2 - drop
        d_up = drop / p_up
        F1[k] = 1.0 + (d_up if up else 0.0)
        F2[k] = -1.0 + (0.0 if up else d_up)
        Fm[k] = -2.0 * coef * mabs / p_up
    return F, F1, F2, Fm


def _isothermal_pipes(p, u, v, m, fa, fb, d, length, zeta, dh, a_stride, mu, re_floor, rt,
                      c0, c1, c2, re_tiny, two_g, derivatives):  # pragma: no cover - compiled
    """``derivatives=False``: F alone (the same formulas; F1, F2, Fm are returned empty)."""
    n = m.size
    nd = n if derivatives else 0
    F = np.empty(n)
    F1 = np.empty(nd)
    F2 = np.empty(nd)
    Fm = np.empty(nd)
    for i in range(n):
        p1 = p[u[i]]
        p2 = p[v[i]]
        mi = m[i]
        di = d[i]
        area = np.pi * di * di / 4.0
        # mean pressure (Schmidt et al. 2015, eq. (9))
        s = p1 + p2
        pm = 2.0 / 3.0 * (s - p1 * p2 / s)
        z = c0 + c1 * pm + c2 * pm * pm
        # friction term λ·m·|m| = (λ·Re)·(μA/D)·m, exact at every flow
        cre = mu * (area / di)                  # μ·A/D: |m| = Re·μA/D
        re = max(abs(mi) / cre, re_tiny)
        ai = fa[i * a_stride]
        fre = ai + fb[i] * re
        mabs = re * cre
        lam = fre / re
        l_over_d = length[i] / di
        resist = lam * l_over_d + zeta[i]
        c = rt * z / (area * area)
        flow_term = mi * mabs
        sl = 0.0
        if dh[i] != 0.0:
            sl = two_g * dh[i] / (rt * z)
            es = math.exp(sl)
            if abs(sl) < 1e-5:
                phi = 1.0 + sl / 2.0 + sl * sl / 6.0
            else:
                phi = (es - 1.0) / sl
        else:
            es, phi = 1.0, 1.0
        c_phi = c * phi
        k = resist * c_phi
        F[i] = p1 * p1 - es * p2 * p2 - k * flow_term
        if not derivatives:
            continue
        # derivatives of the mean pressure (eq. (9)), of Z, and of the friction term
        q2 = p2 / s
        q1 = p1 / s
        d1 = 2.0 / 3.0 * (1.0 - q2 * q2)
        d2 = 2.0 / 3.0 * (1.0 - q1 * q1)
        dz = c1 + 2.0 * c2 * pm
        dterm = max(cre * (fre + re * fb[i]), (ai + fb[i] * re_floor) * cre)
        if dh[i] != 0.0:
            if abs(sl) < 1e-5:
                dphi = 0.5 + sl / 3.0
            else:
                dphi = (sl * es - es + 1.0) / (sl * sl)
            ds_dz = -sl / z
            dk_dz = resist * c * dphi * ds_dz
            dF_dz = -es * ds_dz * p2 * p2
        else:
            dk_dz, dF_dz = 0.0, 0.0
        g = (dF_dz - (k / z + dk_dz) * flow_term) * dz
        F1[i] = 2.0 * p1 + g * d1
        F2[i] = -2.0 * es * p2 + g * d2
        Fm[i] = -c_phi * (l_over_d * dterm + (2.0 * zeta[i]) * mabs)
    return F, F1, F2, Fm
