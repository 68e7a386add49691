"""Isentropic (adiabatic) compressor: specific head, power, outlet temperature.

Pure, vectorised functions of the inlet state, the pressure ratio and the gas
constants. The compressibility ``z_in`` and isentropic exponent ``kappa`` are
arguments, so the caller picks the models (e.g.
:func:`linepack.physics.eos.isentropic_exponent`).

Notes
-----
With pressure ratio π = p_out/p_in and e = (κ−1)/κ, the isentropic specific
head (adiabatic head) is

.. math:: H_{ad} = Z_{in} R_s T_{in} \\frac{\\kappa}{\\kappa - 1}
          \\left(\\pi^{e} - 1\\right)

and the shaft power with isentropic efficiency η is P = ṁ·H_ad/η. The outlet
temperature of the real (irreversible) compression is
T_out = T_in·(1 + (π^e − 1)/η); for η = 1 it is the isentropic T_in·π^e.

References
----------
.. [1] M. Schmidt, M. C. Steinbach, B. M. Willert, "High detail stationary
   optimization models for gas networks: model components", Optim. Eng. 16
   (2015) 131-164, Sect. 2.4 (compressor machines). doi:10.1007/s11081-014-9246-x
.. [2] T. Koch, B. Hiller, M. E. Pfetsch, L. Schewe (eds.), *Evaluating Gas
   Network Capacities*, SIAM, 2015, Ch. 2. doi:10.1137/1.9781611973693
.. [3] E. S. Menon, *Gas Pipeline Hydraulics*, CRC Press, 2005, Ch. 8
   (adiabatic compression, head, power, discharge temperature).
   doi:10.1201/9781420038224
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from linepack.errors import InputError

__all__ = [
    "specific_head",
    "specific_head_derivatives",
    "power",
    "power_derivatives",
    "outlet_temperature",
    "PowerDerivatives",
    "fuel_gas_flow",
]


def _first_bad(values, ok):
    return values.ravel()[np.flatnonzero(~ok.ravel())[0]].item()


def _arr(name, value, *, lower=0.0, strict=True, unit=""):
    a = np.asarray(value, dtype=float)
    ok = ((a > lower) if strict else (a >= lower)) & np.isfinite(a)
    if not ok.all():
        op = ">" if strict else ">="
        u = f" {unit}" if unit else ""
        raise InputError(f"{name} must be a finite number {op} {lower:g}{u} "
                         f"(got {_first_bad(a, ok)!r})")
    return a


def _out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _common(p_in, p_out, t_in, z_in, specific_gas_constant, kappa):
    p_in = _arr("p_in", p_in, unit="Pa")
    p_out = _arr("p_out", p_out, unit="Pa")
    t_in = _arr("t_in", t_in, unit="K")
    z_in = _arr("z_in", z_in)
    r_s = _arr("specific_gas_constant", specific_gas_constant, unit="J/(kg·K)")
    kappa = _arr("kappa", kappa, lower=1.0)
    return p_in, p_out, t_in, z_in, r_s, kappa


def specific_head(p_in, p_out, t_in, z_in, specific_gas_constant, kappa):
    """Isentropic specific head H_ad (work per unit mass at η = 1). [J/kg]

    Parameters
    ----------
    p_in, p_out
        Absolute suction and discharge pressure. [Pa]
    t_in
        Suction temperature. [K]
    z_in
        Compressibility factor at suction. [-]
    specific_gas_constant
        R/M. [J/(kg·K)]
    kappa
        Isentropic exponent, > 1. [-]
    """
    p_in, p_out, t_in, z_in, r_s, kappa = _common(p_in, p_out, t_in, z_in,
                                                  specific_gas_constant, kappa)
    e = (kappa - 1.0) / kappa
    return _out(z_in * r_s * t_in / e * ((p_out / p_in) ** e - 1.0))


def specific_head_derivatives(p_in, p_out, t_in, z_in, specific_gas_constant, kappa,
                              dz_in_dp_in=0.0):
    """``(∂H_ad/∂p_in, ∂H_ad/∂p_out)`` [J/(kg·Pa)].

    ``dz_in_dp_in`` [1/Pa] is ∂Z_in/∂p_in from the compressibility model
    (0 if Z_in is held fixed).
    """
    p_in, p_out, t_in, z_in, r_s, kappa = _common(p_in, p_out, t_in, z_in,
                                                  specific_gas_constant, kappa)
    e = (kappa - 1.0) / kappa
    pi_e = (p_out / p_in) ** e
    c = r_s * t_in / e
    dh_dpout = z_in * c * e * pi_e / p_out
    dh_dpin = -z_in * c * e * pi_e / p_in + np.asarray(dz_in_dp_in, float) * c * (pi_e - 1.0)
    return _out(dh_dpin), _out(dh_dpout)


def power(mass_flow, p_in, p_out, t_in, z_in, specific_gas_constant, kappa, efficiency=1.0):
    """Shaft power of an isentropic compression, P = ṁ·H_ad/η. [W]

    Parameters
    ----------
    mass_flow
        Mass flow through the machine, ≥ 0. [kg/s]
    p_in, p_out, t_in, z_in, specific_gas_constant, kappa
        As in :func:`specific_head`.
    efficiency
        Isentropic (adiabatic) efficiency η in (0, 1]. [-]
    """
    m = _arr("mass_flow", mass_flow, strict=False, unit="kg/s")
    eta = _check_efficiency(efficiency)
    h = np.asarray(specific_head(p_in, p_out, t_in, z_in, specific_gas_constant, kappa))
    return _out(m * h / eta)


def _check_efficiency(efficiency):
    eta = np.asarray(efficiency, dtype=float)
    ok = (eta > 0.0) & (eta <= 1.0)
    if not ok.all():
        raise InputError(f"efficiency must be in (0, 1] (got {_first_bad(eta, ok)!r})")
    return eta


class PowerDerivatives(NamedTuple):
    """Partial derivatives of the compressor power."""

    #: ∂P/∂ṁ. [W/(kg/s)] = [J/kg]
    d_mass_flow: object
    #: ∂P/∂p_in. [W/Pa]
    d_p_in: object
    #: ∂P/∂p_out. [W/Pa]
    d_p_out: object


def power_derivatives(mass_flow, p_in, p_out, t_in, z_in, specific_gas_constant, kappa,
                      efficiency=1.0, dz_in_dp_in=0.0) -> PowerDerivatives:
    """∂P/∂ṁ, ∂P/∂p_in and ∂P/∂p_out of :func:`power` (analytic).

    ``dz_in_dp_in`` [1/Pa] adds the dependence of Z_in on p_in.
    """
    m = _arr("mass_flow", mass_flow, strict=False, unit="kg/s")
    eta = _check_efficiency(efficiency)
    h = np.asarray(specific_head(p_in, p_out, t_in, z_in, specific_gas_constant, kappa))
    dh_in, dh_out = specific_head_derivatives(p_in, p_out, t_in, z_in, specific_gas_constant,
                                              kappa, dz_in_dp_in)
    return PowerDerivatives(_out(h / eta + 0.0 * m), _out(m * np.asarray(dh_in) / eta),
                            _out(m * np.asarray(dh_out) / eta))


def outlet_temperature(p_in, p_out, t_in, kappa, efficiency=1.0):
    """Discharge temperature T_out = T_in·(1 + (π^((κ−1)/κ) − 1)/η). [K]

    Ideal-gas relation for the temperature rise (Menon 2005, Ch. 8 [3]_);
    η = 1 gives the isentropic outlet temperature.
    """
    p_in = _arr("p_in", p_in, unit="Pa")
    p_out = _arr("p_out", p_out, unit="Pa")
    t_in = _arr("t_in", t_in, unit="K")
    kappa = _arr("kappa", kappa, lower=1.0)
    eta = _check_efficiency(efficiency)
    e = (kappa - 1.0) / kappa
    return _out(t_in * (1.0 + ((p_out / p_in) ** e - 1.0) / eta))


#: Efficiency of a station's drive (shaft power / fuel heat at the net calorific value) where a
#: case gives none: industrial gas turbines of 5–30 MW in simple cycle are rated at 30–40 % at
#: ISO conditions (the built-in central-asia case labels 0.28 and 0.34 per station). [-]
DEFAULT_DRIVE_EFFICIENCY = 0.35


def fuel_gas_flow(shaft_power, drive_efficiency, net_calorific_value):
    """Fuel gas burnt by the drive of a compressor: shaft power / (η_drive · NCV). [m³/s]

    Parameters
    ----------
    shaft_power
        Shaft power delivered to the compressor, ≥ 0. [W]
    drive_efficiency
        Thermal efficiency of the driver (fuel heat → shaft work) in (0, 1]: simple-cycle
        pipeline gas turbines ≈ 0.25–0.30 (1970s–80s units) to ≈ 0.35–0.40 (modern). [-]
    net_calorific_value
        Net (lower) calorific value of the fuel per unit volume, > 0. [J/m³]

    Returns
    -------
    Volumetric fuel flow in the volume unit of ``net_calorific_value`` (per normal m³
    when the calorific value is per normal m³). [m³/s]

    Notes
    -----
    Energy balance of the driver: the heat released by the fuel at its net calorific
    value times the driver efficiency is the shaft work (Menon 2005, Ch. 8 [3]_).
    Example: 10 MW at η = 0.30 with 33.5 MJ/m³ burns 10e6 / (0.30 · 33.5e6) =
    0.995 m³/s = 0.0860 million m³/day.
    """
    pw = _arr("shaft_power", shaft_power, strict=False, unit="W")
    eta = _arr("drive_efficiency", drive_efficiency)
    if (eta > 1.0).any():
        raise InputError(f"drive_efficiency must be in (0, 1] (got {_first_bad(eta, eta <= 1.0)!r})")
    cv = _arr("net_calorific_value", net_calorific_value, unit="J/m³")
    return _out(pw / (eta * cv))
