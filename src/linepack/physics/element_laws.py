"""Element laws: the residual of each connection's pressure–flow law and its partial derivatives.

Pure, vectorised functions over numpy arrays, SI in and SI out. The steady-state
solver calls them; they know nothing of matrices or networks.

References
----------
.. [1] Koch, T., Hiller, B., Pfetsch, M. E., Schewe, L. (eds.) (2015).
   *Evaluating Gas Network Capacities*. SIAM, MOS-SIAM Series on Optimization 21.
   doi:10.1137/1.9781611973693 (chapter 2: the isothermal pipe law with
   elevation, eq. (2.24)–(2.27); the resistor law, eq. (2.30)).
.. [2] Schmidt, M., Steinbach, M. C., Willert, B. M. (2015). High detail stationary
   optimization models for gas networks. *Optimization and Engineering* 16, 131–164.
   doi:10.1007/s11081-014-9246-x (mean pressure, eq. (9)).
"""

from __future__ import annotations

import numpy as np

from linepack.errors import InputError
from linepack.units import G

__all__ = ["mean_pressure", "isothermal_pipe", "isothermal_pipe_coefficients", "quadratic_resistor",
           "elevation_exponent"]


def _domain(name, value, *, lower=0.0, strict=True, unit=""):
    """``value`` as a float array; InputError naming ``name`` and the first value that is
    not finite or not above (``strict``) / at least ``lower``. One cheap pass when all is well."""
    if type(value) is float and (value > lower if strict else value >= lower) \
            and value < np.inf:
        return value   # a plain number in the domain: no array needed
    a = np.asarray(value, dtype=float)
    if a.size == 0:
        return a
    lo, hi = a.min(), a.max()   # two passes, no temporary arrays; NaN fails both tests below
    if (lo > lower if strict else lo >= lower) and hi < np.inf:
        return a
    ok = ((a > lower) if strict else (a >= lower)) & (a < np.inf)
    if not ok.all():
        bad = a.ravel()[np.flatnonzero(~ok.ravel())[0]].item()
        op = ">" if strict else ">="
        u = f" {unit}" if unit else ""
        raise InputError(f"{name} must be a finite number {op} {lower:g}{u} (got {bad!r})")
    return a


def _finite(name, value, unit=""):
    """``value`` as a float array; InputError naming ``name`` and the first non-finite value."""
    a = np.asarray(value, dtype=float)
    if a.size == 0 or np.isfinite(a.min() + a.max()):
        return a
    ok = np.isfinite(a)
    if not ok.all():
        bad = a.ravel()[np.flatnonzero(~ok.ravel())[0]].item()
        u = f" [{unit}]" if unit else ""
        raise InputError(f"{name}{u} must be finite (got {bad!r})")
    return a


def mean_pressure(p_in, p_out):
    """Mean pressure of an isothermal pipe and its partial derivatives.

    Notes
    -----
    .. math:: \\bar p = \\tfrac{2}{3}\\left(p_1 + p_2 - \\frac{p_1 p_2}{p_1 + p_2}\\right)

    the exact mean of p(x) for a horizontal pipe with constant friction
    (reference [2] of the module).

    Parameters
    ----------
    p_in, p_out : array_like
        Absolute pressures at the two ends. [Pa]

    Returns
    -------
    pm, dpm_dpin, dpm_dpout : ndarray
        Mean pressure [Pa] and its derivatives [-].

    Raises
    ------
    InputError
        (a ValueError) if a pressure is negative, NaN or infinite, or both are zero.
    """
    p1 = _domain("p_in", p_in, strict=False, unit="Pa (absolute)")
    p2 = _domain("p_out", p_out, strict=False, unit="Pa (absolute)")
    s = p1 + p2
    if not np.all(s > 0.0):
        raise InputError("p_in + p_out must be > 0 Pa: the mean pressure of a pipe with both "
                         "ends at 0 Pa is undefined (got p_in = p_out = 0.0)")
    pm = 2.0 / 3.0 * (s - p1 * p2 / s)
    d1 = 2.0 / 3.0 * (1.0 - (p2 / s) ** 2)
    d2 = 2.0 / 3.0 * (1.0 - (p1 / s) ** 2)
    return pm, d1, d2


def elevation_exponent(height_difference, z, temperature, gas_constant):
    """Elevation exponent S = 2·g·Δh / (R·Z·T) of the isothermal pipe law [-].

    Parameters
    ----------
    height_difference : array_like
        Height of the outlet minus height of the inlet. [m]
    z : array_like
        Compressibility factor at mean pressure. [-]
    temperature : array_like
        Gas temperature. [K]
    gas_constant : float or array_like
        Specific gas constant. [J/(kg·K)]

    Raises
    ------
    InputError
        (a ValueError) if ``z``, ``temperature`` or ``gas_constant`` is not a finite
        number > 0, or ``height_difference`` is not finite.
    """
    dh = _finite("height_difference", height_difference, "m")
    z = _domain("z", z)
    temperature = _domain("temperature", temperature, unit="K")
    gas_constant = _domain("gas_constant", gas_constant, unit="J/(kg·K)")
    return 2.0 * G * dh / (gas_constant * z * temperature)


def _phi(s):
    """(e^S − 1)/S and its derivative, continuous at S = 0 (series below |S| < 1e-5)."""
    small = np.abs(s) < 1e-5
    s_safe = np.where(small, 1.0, s)
    es = np.exp(s_safe)
    phi = np.where(small, 1.0 + s / 2.0 + s * s / 6.0, (es - 1.0) / s_safe)
    dphi = np.where(small, 0.5 + s / 3.0, (s_safe * es - es + 1.0) / (s_safe * s_safe))
    return phi, dphi


def isothermal_pipe(p_in, p_out, m, m_abs, friction_factor, dfriction_term_dm, z, dz_dpm,
                    length, diameter, loss_coefficient, height_difference, temperature,
                    gas_constant, mean=None, area=None):
    """Residual of the isothermal pipe law with elevation, and its partial derivatives.

    Notes
    -----
    Integrating the steady momentum equation dp/dx = −λ ρ v|v| / (2D) − ρ g sinα
    with ρ = p/(R Z T) along a pipe of constant slope gives ([1] eq. (2.27))

    .. math::

        F = p_1^2 - e^{S} p_2^2
            - \\left(\\frac{\\lambda L}{D} + \\zeta\\right)
              \\frac{R Z T}{A^2}\\,\\frac{e^{S}-1}{S}\\; m\\,|m| = 0,
        \\qquad S = \\frac{2 g (h_2 - h_1)}{R Z T},

    with Z evaluated at the mean pressure (:func:`mean_pressure`). For S → 0
    this is the horizontal law p₁² − p₂² = (λL/D + ζ)·R Z T·m|m|/A². The
    kinetic-energy term is neglected, as in [1]. ``m_abs`` is |m| as the
    caller regularises it near zero flow (see the steady solver); with
    ``m_abs = |m|`` the law is exact.

    Parameters
    ----------
    p_in, p_out : array_like
        Absolute pressure at the from and to ends. [Pa]
    m : array_like
        Mass flow, positive from → to. [kg/s]
    m_abs : array_like
        |m|, possibly floored by the caller. [kg/s]
    friction_factor : array_like
        Darcy friction factor λ at this flow. [-]
    dfriction_term_dm : array_like
        Derivative of λ·m·m_abs with respect to m (λ may depend on m through
        the Reynolds number): m_abs·(2λ + Re·dλ/dRe) for |m| above the floor. [kg/s]
    z, dz_dpm : array_like
        Compressibility at mean pressure [-] and dZ/dp there [1/Pa].
    length, diameter : array_like
        [m]
    loss_coefficient : array_like
        Extra local loss ζ. [-]
    height_difference : array_like
        h_out − h_in. [m]
    temperature : float or array_like
        [K]
    gas_constant : float
        Specific gas constant. [J/(kg·K)]
    mean : tuple of ndarray, optional
        ``mean_pressure(p_in, p_out)`` when the caller has it already (that call has
        checked the pressures; they are not checked again).
    area : array_like, optional
        Cross-section π·D²/4 when the caller has it already. [m²]

    Returns
    -------
    F, dF_dpin, dF_dpout, dF_dm : ndarray
        Residual [Pa²] and partial derivatives [Pa, Pa, Pa²·s/kg].

    Raises
    ------
    InputError
        (a ValueError) naming the argument and the value, if a pressure is negative or
        not finite, or a length, diameter, Z, temperature or gas constant is not a finite
        number > 0.
    """
    if mean is None:   # checks the pressures (a given ``mean`` came from that same check)
        mean = mean_pressure(p_in, p_out)
    p1 = np.asarray(p_in, dtype=float)
    p2 = np.asarray(p_out, dtype=float)
    diameter = _domain("diameter", diameter, unit="m")
    length = _domain("length", length, unit="m")
    z = _domain("z", z)
    temperature = _domain("temperature", temperature, unit="K")
    gas_constant = _domain("gas_constant", gas_constant, unit="J/(kg·K)")
    if area is None:
        area = np.pi * diameter * diameter / 4.0
    _, dpm1, dpm2 = mean
    l_over_d = length / diameter
    resist = friction_factor * l_over_d + loss_coefficient
    c = (gas_constant * temperature) * z / (area * area)
    flow_term = m * m_abs
    # dF/dZ goes through c (∝ Z) and, on sloped pipes, through S (∝ 1/Z)
    if np.any(height_difference):
        s = elevation_exponent(height_difference, z, temperature, gas_constant)
        es = np.exp(s)
        phi, dphi = _phi(s)
        ds_dz = -s / z
        dk_dz_slope = resist * c * dphi * ds_dz
        dF_dz_slope = -es * ds_dz * p2 * p2
    else:  # horizontal everywhere: S = 0, e^S = 1, (e^S − 1)/S = 1, no S terms
        es, phi, dk_dz_slope, dF_dz_slope = 1.0, 1.0, 0.0, 0.0
    c_phi = c * phi
    k = resist * c_phi
    F = p1 * p1 - es * p2 * p2 - k * flow_term
    g = (dF_dz_slope - (k / z + dk_dz_slope) * flow_term) * dz_dpm   # dF/dZ · dZ/dp̄
    dF_dp1 = 2.0 * p1 + g * dpm1
    dF_dp2 = -2.0 * es * p2 + g * dpm2
    # d((λL/D + ζ)·m·m_abs)/dm = (L/D)·d(λ·m·m_abs)/dm + ζ·2·m_abs
    dF_dm = -c_phi * (l_over_d * dfriction_term_dm + (2.0 * loss_coefficient) * m_abs)
    return F, dF_dp1, dF_dp2, dF_dm


def isothermal_pipe_coefficients(friction_factor, z, length, diameter, loss_coefficient,
                                 height_difference, temperature, gas_constant):
    """The coefficients of the isothermal pipe law written as p₁² − e^S·p₂² = k·m|m|.

    The same law as :func:`isothermal_pipe` with λ and Z frozen at their
    current values: optimisation models (nomination validation) hold them as
    parameters and refresh them from the solution until they agree with it.

    Parameters
    ----------
    friction_factor, z : array_like
        Darcy friction factor λ [-] and compressibility at mean pressure [-].
    length, diameter : array_like
        [m]
    loss_coefficient : array_like
        Extra local loss ζ. [-]
    height_difference : array_like
        h_out − h_in. [m]
    temperature, gas_constant : float or array_like
        [K], [J/(kg·K)]

    Returns
    -------
    e_s, k : ndarray
        e^S [-] and k = (λL/D + ζ)·R Z T/A²·(e^S − 1)/S [Pa²·s²/kg²].

    Raises
    ------
    InputError
        (a ValueError) naming the argument and the value, if a pressure is negative or
        not finite, or a length, diameter, Z, temperature or gas constant is not a finite
        number > 0.
    """
    d = _domain("diameter", diameter, unit="m")
    length = _domain("length", length, unit="m")
    area = np.pi * d * d / 4.0
    s = elevation_exponent(height_difference, z, temperature, gas_constant)
    phi, _ = _phi(s)
    resist = np.asarray(friction_factor, dtype=float) * (np.asarray(length, dtype=float) / d) \
        + loss_coefficient
    k = resist * (gas_constant * temperature) * np.asarray(z, dtype=float) / (area * area) * phi
    return np.exp(s), k


def quadratic_resistor(p_in, p_out, m, m_abs, drag_factor, diameter, z_up, temperature,
                       gas_constant, upstream_is_in):
    """Residual of the quadratic (ζ) resistor and its partial derivatives.

    Notes
    -----
    ([1] eq. (2.30)) with the density at the upstream end ρ = p_up/(R Z T):

    .. math:: F = p_1 - p_2 - \\frac{8\\,\\zeta}{\\pi^2 D^4}\\,\\frac{m|m|}{\\rho_{up}} = 0

    Parameters
    ----------
    p_in, p_out : array_like
        Absolute pressures at the from/to ends. [Pa]
    m, m_abs : array_like
        Mass flow (from → to) and its regularised magnitude. [kg/s]
    drag_factor : array_like
        ζ. [-]
    diameter : array_like
        [m]
    z_up : array_like
        Compressibility at the upstream end (held constant in the derivative). [-]
    temperature, gas_constant : float
        [K], [J/(kg·K)]
    upstream_is_in : array_like of bool
        Whether the from end is upstream (m ≥ 0).

    Returns
    -------
    F, dF_dpin, dF_dpout, dF_dm : ndarray
        Residual [Pa] and partial derivatives [-, -, Pa·s/kg].

    Raises
    ------
    InputError
        (a ValueError) naming the argument and the value, if a pressure is negative or
        not finite, or a length, diameter, Z, temperature or gas constant is not a finite
        number > 0.
    """
    p1 = _domain("p_in", p_in, strict=False, unit="Pa (absolute)")
    p2 = _domain("p_out", p_out, strict=False, unit="Pa (absolute)")
    diameter = _domain("diameter", diameter, unit="m")
    drag_factor = _domain("drag_factor", drag_factor, strict=False)
    z_up = _domain("z_up", z_up)
    temperature = _domain("temperature", temperature, unit="K")
    gas_constant = _domain("gas_constant", gas_constant, unit="J/(kg·K)")
    p_up = _domain("upstream pressure", np.where(upstream_is_in, p1, p2), unit="Pa (absolute)")
    coef = 8.0 * drag_factor * gas_constant * z_up * temperature / (np.pi ** 2 * diameter ** 4)
    drop = coef * m * m_abs / p_up
    F = p1 - p2 - drop
    d_up = drop / p_up
    dF_dp1 = 1.0 + np.where(upstream_is_in, d_up, 0.0)
    dF_dp2 = -1.0 + np.where(upstream_is_in, 0.0, d_up)
    dF_dm = -2.0 * coef * m_abs / p_up
    return F, dF_dp1, dF_dp2, dF_dm
