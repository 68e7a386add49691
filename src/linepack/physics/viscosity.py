"""Dynamic viscosity of natural gas.

Every model is a small frozen object with ``mu(pressure, temperature, gas)``
returning the dynamic viscosity [Pa·s]; ``pressure`` absolute [Pa],
``temperature`` [K], arrays broadcast.

References
----------
.. [1] A. L. Lee, M. H. Gonzalez, B. E. Eakin, "The viscosity of natural
   gases", J. Pet. Technol. 18 (1966) 997-1000. doi:10.2118/1340-PA
.. [2] I. H. Bell, J. Wronski, S. Quoilin, V. Lemort, Ind. Eng. Chem. Res. 53
   (2014) 2498-2508 (CoolProp). doi:10.1021/ie4033999
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from linepack.errors import InputError, did_you_mean
from linepack.physics.eos import Papay, _check_gas, _check_state, _coolprop_eval, _out, get_eos
from linepack.units import R_MOLAR

__all__ = [
    "ConstantViscosity",
    "LeeGonzalezEakin",
    "CoolPropViscosity",
    "VISCOSITY_MODELS",
    "get_viscosity",
]


#: Dynamic viscosities a gas can have [Pa·s]: hydrogen has 8.8e-6 at 15 °C, dense CO₂
#: about 1e-4; 1e-3 is water's. A constant outside is a unit slip (e.g. cP or μPa·s).
_GAS_VISCOSITY_RANGE = (1e-6, 1e-3)


@dataclass(frozen=True)
class ConstantViscosity:
    """A constant dynamic viscosity ``value`` [Pa·s] (> 0).

    The default, 1.1e-5 Pa·s, is typical of natural gas at 0-20 °C and
    moderate pressure (GasLib-era studies often take 1e-5 Pa·s).
    """

    value: float = 1.1e-5
    name: ClassVar[str] = "constant"

    def __post_init__(self):
        try:
            v = float(self.value)
        except (TypeError, ValueError):
            raise InputError(f"ConstantViscosity: value must be a number [Pa·s] "
                             f"(got {self.value!r})") from None
        if not (math.isfinite(v) and v > 0.0):
            raise InputError(f"ConstantViscosity: value must be > 0 Pa·s (got {self.value!r})")
        lo, hi = _GAS_VISCOSITY_RANGE
        if not lo <= v <= hi:
            raise InputError(f"ConstantViscosity: value must be within {lo:g}…{hi:g} Pa·s for a "
                             f"gas (got {self.value!r} Pa·s; natural gas has about 1.1e-5)")
        object.__setattr__(self, "value", v)

    def mu(self, pressure, temperature, gas):
        """Dynamic viscosity. [Pa·s]"""
        p, t = _check_state(pressure, temperature)
        return _out(np.full(np.broadcast(p, t).shape, self.value))


@dataclass(frozen=True)
class LeeGonzalezEakin:
    """Lee-Gonzalez-Eakin (1966) correlation for natural-gas viscosity.

    Parameters
    ----------
    eos
        Compressibility model (or registered name) giving the density
        ``ρ = p·M/(Z·R·T)``; default :class:`~linepack.physics.eos.Papay`.

    Notes
    -----
    In the original field units [1]_ (T in °R, ρ in g/cm³, M in g/mol,
    μ in cP):

    .. math::
        \\mu = 10^{-4} K \\exp(X \\rho^Y),\\quad
        K = \\frac{(9.4 + 0.02 M)\\,T^{1.5}}{209 + 19 M + T},\\quad
        X = 3.5 + \\frac{986}{T} + 0.01 M,\\quad Y = 2.4 - 0.2 X.

    Lee et al. report a standard deviation of 2.7 % (maximum 9 %) against
    their measurements on natural gases. For methane at 1-100 bar and
    0-40 °C it is within 4 % of CoolProp's reference correlation (tests).
    """

    eos: Any = field(default_factory=Papay)
    name: ClassVar[str] = "lee-gonzalez-eakin"

    def __post_init__(self):
        object.__setattr__(self, "eos", get_eos(self.eos))

    def mu(self, pressure, temperature, gas):
        """Dynamic viscosity. [Pa·s]"""
        p, t = _check_state(pressure, temperature)
        _check_gas(gas)
        z = np.asarray(self.eos.z(p, t, gas))
        rho_g_cm3 = p * gas.molar_mass / (z * R_MOLAR * t) * 1e-3
        m = gas.molar_mass * 1e3
        t_r = t * 1.8
        k = (9.4 + 0.02 * m) * t_r ** 1.5 / (209.0 + 19.0 * m + t_r)
        x = 3.5 + 986.0 / t_r + 0.01 * m
        y = 2.4 - 0.2 * x
        return _out(1e-7 * k * np.exp(x * rho_g_cm3 ** y))  # 1e-4 cP = 1e-7 Pa·s


@dataclass(frozen=True)
class CoolPropViscosity:
    """Viscosity from CoolProp for the gas's composition (optional dependency).

    Pure fluids use CoolProp's reference correlations (for methane, Quiñones-
    Cisneros & Deiters 2006); mixtures use CoolProp's extended corresponding-
    states/mixing treatment [2]_. Needs ``gas.composition``; one evaluation
    per state (not vectorised).
    """

    name: ClassVar[str] = "coolprop"

    def mu(self, pressure, temperature, gas):
        """Dynamic viscosity. [Pa·s]"""
        p, t = _check_state(pressure, temperature, strict_pressure=True)
        return _out(_coolprop_eval(_check_gas(gas), p, t, "mu"))


#: Registered viscosity model names → classes (used by :func:`get_viscosity`).
VISCOSITY_MODELS = {"constant": ConstantViscosity, "lee-gonzalez-eakin": LeeGonzalezEakin,
                    "coolprop": CoolPropViscosity}
_VISCOSITY_ALIASES = {"lge": "lee-gonzalez-eakin", "lee": "lee-gonzalez-eakin"}


def get_viscosity(name_or_model):
    """Return a viscosity model from a name, a number, or pass a model through.

    Parameters
    ----------
    name_or_model
        ``"constant"``, ``"lee-gonzalez-eakin"`` (alias ``"lge"``),
        ``"coolprop"``; a positive number (a :class:`ConstantViscosity` of
        that value [Pa·s]); or any object with a ``mu`` method.
    """
    if isinstance(name_or_model, str):
        key = name_or_model.strip().lower().replace("_", "-")
        key = _VISCOSITY_ALIASES.get(key, key)
        if key not in VISCOSITY_MODELS:
            names = list(VISCOSITY_MODELS) + list(_VISCOSITY_ALIASES)
            raise InputError(f"viscosity: unknown model {name_or_model!r}; expected one of "
                             f"{', '.join(VISCOSITY_MODELS)}{did_you_mean(key, names)}")
        return VISCOSITY_MODELS[key]()
    if isinstance(name_or_model, (int, float)) and not isinstance(name_or_model, bool):
        return ConstantViscosity(name_or_model)
    if callable(getattr(name_or_model, "mu", None)):
        return name_or_model
    raise InputError(f"viscosity must be a model name ({', '.join(VISCOSITY_MODELS)}), a "
                     f"number [Pa·s] or an object with a mu() method (got {name_or_model!r})")
