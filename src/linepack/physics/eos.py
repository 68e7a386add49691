"""Compressibility factor Z(p, T) and the thermodynamic properties derived from it.

Every model is a small frozen object with

``z(pressure, temperature, gas)``
    compressibility factor Z = p / (ρ·R_s·T) [-],
``dz_dp(pressure, temperature, gas)``
    ∂Z/∂p at constant T, analytic [1/Pa],
``dz_dt(pressure, temperature, gas)``
    ∂Z/∂T at constant p, analytic [1/K].

Arguments broadcast like numpy ufuncs: ``pressure`` is absolute [Pa],
``temperature`` [K], ``gas`` a :class:`~linepack.physics.gas.Gas`. The models
are pure; :class:`GERG2008` is the only one with a (lazily imported) optional
dependency, CoolProp.

References
----------
.. [1] J. Papay, "A termelési technológiai paraméterek változása a gáztelepek
   művelése során", OGIL Műszaki Tudományos Közlemények, Budapest, 1968,
   pp. 267-273 (as quoted in [3], Sect. 2.3.2).
.. [2] Compressibility formula "AGA" (American Gas Association, for
   p < 70 bar) in the form used in GasLib-based studies, as quoted in [3].
.. [3] M. Schmidt, M. C. Steinbach, B. M. Willert, "High detail stationary
   optimization models for gas networks: model components", Optim. Eng. 16
   (2015) 131-164, doi:10.1007/s11081-014-9246-x; and T. Koch, B. Hiller,
   M. E. Pfetsch, L. Schewe (eds.), *Evaluating Gas Network Capacities*,
   SIAM, 2015, Chapter 2, doi:10.1137/1.9781611973693.
.. [4] O. Kunz, W. Wagner, "The GERG-2008 wide-range equation of state for
   natural gases and other mixtures: an expansion of GERG-2004", J. Chem. Eng.
   Data 57 (2012) 3032-3091. doi:10.1021/je300655b
.. [5] I. H. Bell, J. Wronski, S. Quoilin, V. Lemort, "Pure and pseudo-pure
   fluid thermophysical property evaluation and the open-source
   thermophysical property library CoolProp", Ind. Eng. Chem. Res. 53 (2014)
   2498-2508. doi:10.1021/ie4033999
"""

from __future__ import annotations

from collections.abc import Mapping

import functools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from linepack.errors import InputError, did_you_mean
from linepack.physics.gas import _ALIASES, Gas

__all__ = [
    "Ideal",
    "Constant",
    "Linear",
    "Papay",
    "AGA",
    "GERG2008",
    "EOS_MODELS",
    "get_eos",
    "ideal_heat_capacity",
    "heat_capacity_cp",
    "heat_capacity_cv",
    "heat_capacity_ratio",
    "isentropic_exponent",
    "joule_thomson_coefficient",
]


# --------------------------------------------------------------------------- checks
def _first_bad(values: np.ndarray, ok: np.ndarray):
    bad = np.flatnonzero(~ok.ravel())
    return values.ravel()[bad[0]].item()


def _check_state(pressure, temperature, *, strict_pressure: bool = False):
    """Return float arrays (p, T); InputError for p < 0 (or ≤ 0) Pa or T ≤ 0 K."""
    p = np.asarray(pressure, dtype=float)
    t = np.asarray(temperature, dtype=float)
    ok_p = (p > 0.0) if strict_pressure else (p >= 0.0)
    if not ok_p.all() or not np.isfinite(p).all():
        ok = ok_p & np.isfinite(p)
        op = ">" if strict_pressure else ">="
        raise InputError(f"pressure must be {op} 0 Pa (absolute) and finite "
                         f"(got {_first_bad(p, ok)!r})")
    ok_t = (t > 0.0) & np.isfinite(t)
    if not ok_t.all():
        raise InputError(f"temperature must be > 0 K and finite (got {_first_bad(t, ok_t)!r})")
    return p, t


def _check_gas(gas) -> Gas:
    if not isinstance(gas, Gas):
        raise InputError(f"gas must be a linepack.physics.gas.Gas (got {type(gas).__name__})")
    return gas


def _out(x):
    """0-d arrays become numpy scalars; everything else stays an array."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# --------------------------------------------------------------------------- models
@dataclass(frozen=True)
class _EquationOfState:
    """Common interface; subclasses implement ``_z``, ``_dz_dp`` and ``_dz_dt``."""

    name: ClassVar[str] = ""
    strict_pressure: ClassVar[bool] = False

    def z(self, pressure, temperature, gas):
        """Compressibility factor. [-]"""
        p, t = _check_state(pressure, temperature, strict_pressure=self.strict_pressure)
        return _out(self._z(p, t, _check_gas(gas)))

    def dz_dp(self, pressure, temperature, gas):
        """∂Z/∂p at constant temperature. [1/Pa]"""
        p, t = _check_state(pressure, temperature, strict_pressure=self.strict_pressure)
        return _out(self._dz_dp(p, t, _check_gas(gas)))

    def z_and_dz_dp(self, pressure, temperature, gas):
        """``(Z, ∂Z/∂p)`` with one input check (what a Newton solver needs). [-], [1/Pa]"""
        p, t = _check_state(pressure, temperature, strict_pressure=self.strict_pressure)
        g = _check_gas(gas)
        return _out(self._z(p, t, g)), _out(self._dz_dp(p, t, g))

    def dz_dt(self, pressure, temperature, gas):
        """∂Z/∂T at constant pressure. [1/K]"""
        p, t = _check_state(pressure, temperature, strict_pressure=self.strict_pressure)
        return _out(self._dz_dt(p, t, _check_gas(gas)))

    def z_polynomial(self, temperature, gas):
        """``(c0, c1, c2)`` with Z = c0 + c1·p + c2·p² at this temperature [-, 1/Pa, 1/Pa²],
        where the model has that form; ``None`` otherwise.

        The compiled pipe law (:mod:`linepack.physics.compiled`) fuses only models
        that have it.
        """
        return None


@dataclass(frozen=True)
class Ideal(_EquationOfState):
    """Ideal gas, Z = 1."""

    name: ClassVar[str] = "ideal"

    def z_polynomial(self, temperature, gas):
        return 1.0, 0.0, 0.0

    def _z(self, p, t, gas):
        return np.ones(np.broadcast(p, t).shape)

    def _dz_dp(self, p, t, gas):
        return np.zeros(np.broadcast(p, t).shape)

    _dz_dt = _dz_dp


@dataclass(frozen=True)
class Constant(_EquationOfState):
    """Constant compressibility factor Z = ``value`` (> 0)."""

    value: float = 1.0
    name: ClassVar[str] = "constant"

    def __post_init__(self):
        v = float(self.value)
        if not (math.isfinite(v) and v > 0.0):
            raise InputError(f"Constant: value must be a finite number > 0 (got {self.value!r})")
        object.__setattr__(self, "value", v)

    def z_polynomial(self, temperature, gas):
        return self.value, 0.0, 0.0

    def _z(self, p, t, gas):
        return np.full(np.broadcast(p, t).shape, self.value)

    def _dz_dp(self, p, t, gas):
        return np.zeros(np.broadcast(p, t).shape)

    _dz_dt = _dz_dp


@dataclass(frozen=True)
class Linear(_EquationOfState):
    """Z linear in absolute pressure: ``Z = offset + slope·p``.

    Parameters
    ----------
    slope
        [1/Pa]. STANET and pandapipes use ``Z = 1 − 0.0022·p[bar]``, i.e.
        ``slope = -0.0022e-5`` (see :meth:`stanet`).
    offset
        Z at zero pressure. [-]

    Notes
    -----
    Temperature is ignored (∂Z/∂T = 0). Z reaches 0 at ``p = −offset/slope``
    (455 bar for STANET's slope); beyond that the model is meaningless.
    """

    slope: float = 0.0
    offset: float = 1.0
    name: ClassVar[str] = "linear"

    def __post_init__(self):
        for f in ("slope", "offset"):
            v = float(getattr(self, f))
            if not math.isfinite(v):
                raise InputError(f"Linear: {f} must be finite (got {getattr(self, f)!r})")
            object.__setattr__(self, f, v)

    @classmethod
    def stanet(cls) -> Linear:
        """The STANET/pandapipes default for natural gas, Z = 1 − 0.0022·p[bar]."""
        return cls(slope=-0.0022e-5, offset=1.0)

    def z_polynomial(self, temperature, gas):
        return self.offset, self.slope, 0.0

    def _z(self, p, t, gas):
        return self.offset + self.slope * p + 0.0 * t

    def _dz_dp(self, p, t, gas):
        return np.full(np.broadcast(p, t).shape, self.slope)

    def _dz_dt(self, p, t, gas):
        return np.zeros(np.broadcast(p, t).shape)


@dataclass(frozen=True)
class Papay(_EquationOfState):
    """Papay (1968) explicit Z correlation.

    Notes
    -----
    With reduced pressure ``pr = p/ppc`` and temperature ``Tr = T/Tpc``
    (the gas's pseudo-critical point) [1]_, [3]_:

    .. math:: Z = 1 - 3.52\\,p_r\\,e^{-2.260 T_r} + 0.274\\,p_r^2\\,e^{-1.878 T_r}

    Coefficients as given by Schmidt et al. (2015) [3]_. Papay fitted the
    Standing-Katz chart; for lean pipeline gas at 1-100 bar and 0-40 °C it is
    within 2 % of GERG-2008 (1.3-1.6 % worst case for the gases in the tests).
    """

    name: ClassVar[str] = "papay"

    @staticmethod
    def _terms(p, t, gas):
        pr = p / gas.pseudo_critical_pressure
        tr = t / gas.pseudo_critical_temperature
        return pr, np.exp(-2.260 * tr), np.exp(-1.878 * tr)

    def z_polynomial(self, temperature, gas):
        g = _check_gas(gas)
        _, e1, e2 = self._terms(0.0, float(temperature), g)
        ppc = g.pseudo_critical_pressure
        return 1.0, float(-3.52 * e1 / ppc), float(0.274 * e2 / (ppc * ppc))

    def _z(self, p, t, gas):
        pr, e1, e2 = self._terms(p, t, gas)
        return 1.0 - 3.52 * pr * e1 + 0.274 * pr * pr * e2

    def _dz_dp(self, p, t, gas):
        pr, e1, e2 = self._terms(p, t, gas)
        return (-3.52 * e1 + 0.548 * pr * e2) / gas.pseudo_critical_pressure

    def _dz_dt(self, p, t, gas):
        pr, e1, e2 = self._terms(p, t, gas)
        return (3.52 * 2.260 * pr * e1 - 0.274 * 1.878 * pr * pr * e2) / gas.pseudo_critical_temperature


@dataclass(frozen=True)
class AGA(_EquationOfState):
    """The "AGA" formula of GasLib-based work, Z = 1 + 0.257·pr − 0.533·pr/Tr.

    Notes
    -----
    ``pr = p/ppc``, ``Tr = T/Tpc`` [2]_, [3]_. Stated for pressures up to
    about 70 bar (within 2.5 % of GERG-2008 there for lean gas at 0-40 °C);
    it is linear in p and drifts above (≈ 5 % at 100 bar).
    """

    name: ClassVar[str] = "aga"

    def z_polynomial(self, temperature, gas):
        g = _check_gas(gas)
        tr = float(temperature) / g.pseudo_critical_temperature
        return 1.0, float((0.257 - 0.533 / tr) / g.pseudo_critical_pressure), 0.0

    def _z(self, p, t, gas):
        pr = p / gas.pseudo_critical_pressure
        tr = t / gas.pseudo_critical_temperature
        return 1.0 + 0.257 * pr - 0.533 * pr / tr

    def _dz_dp(self, p, t, gas):
        tr = t / gas.pseudo_critical_temperature
        return (0.257 - 0.533 / tr) / gas.pseudo_critical_pressure + 0.0 * p

    def _dz_dt(self, p, t, gas):
        pr = p / gas.pseudo_critical_pressure
        return 0.533 * pr * gas.pseudo_critical_temperature / (t * t)


# ---- GERG-2008 through CoolProp --------------------------------------------------------
# GERG-2008's 21 components, by canonical linepack key -> CoolProp fluid name.
_GERG_COOLPROP = {
    "CH4": "Methane", "N2": "Nitrogen", "CO2": "CarbonDioxide", "C2H6": "Ethane",
    "C3H8": "n-Propane", "IC4H10": "IsoButane", "NC4H10": "n-Butane",
    "IC5H12": "Isopentane", "NC5H12": "n-Pentane", "NC6H14": "n-Hexane",
    "NC7H16": "n-Heptane", "NC8H18": "n-Octane", "NC9H20": "n-Nonane",
    "NC10H22": "n-Decane", "H2": "Hydrogen", "O2": "Oxygen", "CO": "CarbonMonoxide",
    "H2O": "Water", "H2S": "HydrogenSulfide", "HE": "Helium", "AR": "Argon",
}


def _coolprop():
    try:
        import CoolProp.CoolProp as CP  # noqa: N814
    except ImportError:  # pragma: no cover - depends on the environment
        raise InputError("this model needs the optional dependency CoolProp, which is not "
                         "installed; install it with 'pip install CoolProp' or choose "
                         "eos='papay'") from None
    return CP


def _composition_key(gas: Gas) -> tuple[tuple[str, float], ...]:
    if gas.composition is None:
        raise InputError(f"gas {gas.name!r} has no composition; GERG-2008 needs mole "
                         f"fractions: give them (Gas.from_composition, a \"composition\" in the "
                         f"gas of a native file, or linepack --gas-composition FILE.json; GasLib "
                         f"files give bulk data only) or choose eos='papay'")
    merged: dict[str, float] = {}
    for raw, x in gas.composition.items():
        key = str(raw).upper().replace("-", "").replace("_", "").replace(" ", "")
        key = _ALIASES.get(key, key)
        if key not in _GERG_COOLPROP:
            raise InputError(f"gas {gas.name!r}: component {raw!r} is not one of the 21 "
                             f"GERG-2008 components ({', '.join(_GERG_COOLPROP)})"
                             f"{did_you_mean(key, _GERG_COOLPROP)}")
        if float(x) > 0.0:
            merged[key] = merged.get(key, 0.0) + float(x)
    return tuple(sorted(merged.items()))


@functools.lru_cache(maxsize=32)
def _abstract_state(key: tuple[tuple[str, float], ...]):
    CP = _coolprop()
    names = "&".join(_GERG_COOLPROP[k] for k, _ in key)
    try:
        state = CP.AbstractState("HEOS", names)
        if len(key) > 1:
            state.set_mole_fractions([x for _, x in key])
    except ValueError as exc:
        raise InputError(f"CoolProp cannot build the mixture {names}: {exc}") from None
    return state


def _coolprop_eval(gas: Gas, p: np.ndarray, t: np.ndarray, what: str) -> np.ndarray:
    """Evaluate ``what`` for every (p, T) with CoolProp (one flash per point)."""
    CP = _coolprop()
    state = _abstract_state(_composition_key(gas))
    pb, tb = np.broadcast_arrays(p, t)
    out = np.empty(pb.shape)
    flat_p, flat_t, flat_o = pb.ravel(), tb.ravel(), out.reshape(-1)
    for i in range(flat_p.size):  # CoolProp has no vectorised mixture flash
        try:
            state.specify_phase(CP.iphase_gas)
            state.update(CP.PT_INPUTS, flat_p[i], flat_t[i])
        except ValueError:
            state.unspecify_phase()
            try:
                state.update(CP.PT_INPUTS, flat_p[i], flat_t[i])
            except ValueError as exc:
                raise InputError(f"CoolProp failed at p={flat_p[i]!r} Pa, T={flat_t[i]!r} K "
                                 f"for gas {gas.name!r}: {exc}") from None
        if what == "z":
            v = state.compressibility_factor()
        elif what == "dz_dp":
            rho = state.rhomolar()
            v = state.compressibility_factor() * (
                1.0 / flat_p[i] - state.first_partial_deriv(CP.iDmolar, CP.iP, CP.iT) / rho)
        elif what == "dz_dt":
            rho = state.rhomolar()
            v = state.compressibility_factor() * (
                -1.0 / flat_t[i] - state.first_partial_deriv(CP.iDmolar, CP.iT, CP.iP) / rho)
        elif what == "cp":
            v = state.cpmass()
        elif what == "cv":
            v = state.cvmass()
        elif what == "kappa":
            v = state.keyed_output(CP.iisentropic_expansion_coefficient)
        elif what == "jt":
            v = state.first_partial_deriv(CP.iT, CP.iP, CP.iHmass)
        elif what == "mu":
            v = state.viscosity()
        else:  # pragma: no cover - internal
            raise ValueError(what)
        flat_o[i] = v
    return out


@dataclass(frozen=True)
class GERG2008(_EquationOfState):
    """GERG-2008 (Kunz & Wagner 2012) through CoolProp's HEOS backend.

    Notes
    -----
    Needs ``gas.composition`` (components among GERG-2008's 21) and the
    optional dependency CoolProp, imported on first use. CoolProp combines the
    GERG-2008 mixing rules and binary departure functions [4]_ with its own
    reference equations for the pure fluids [5]_, which are at least as
    accurate as GERG-2008's; results therefore agree with a strict GERG-2008
    implementation to within a few 0.1 % in Z over pipeline states.
    ∂Z/∂p and ∂Z/∂T are analytic (from CoolProp's density derivatives).
    CoolProp has no vectorised mixture flash: this costs about 0.1 ms per
    state, so use it for reference runs, not for 10⁶-pipe networks.
    """

    name: ClassVar[str] = "gerg2008"
    strict_pressure: ClassVar[bool] = True

    def _z(self, p, t, gas):
        return _coolprop_eval(gas, p, t, "z")

    def _dz_dp(self, p, t, gas):
        return _coolprop_eval(gas, p, t, "dz_dp")

    def _dz_dt(self, p, t, gas):
        return _coolprop_eval(gas, p, t, "dz_dt")


#: Registered model names → classes (used by :func:`get_eos`).
EOS_MODELS = {"ideal": Ideal, "papay": Papay, "aga": AGA, "gerg2008": GERG2008}


def get_eos(name_or_model):
    """Return an equation-of-state model from a registered name or pass a model through.

    Parameters
    ----------
    name_or_model
        ``"ideal"``, ``"papay"``, ``"aga"``, ``"gerg2008"`` (case-insensitive;
        ``"gerg-2008"`` accepted), a plain specification such as
        ``{"model": "linear", "slope": -2.2e-8, "offset": 1.0}`` or
        ``{"model": "constant", "value": 0.9}`` (what file readers produce), or any
        object with ``z`` and ``dz_dp``.
    """
    if isinstance(name_or_model, Mapping):
        spec = dict(name_or_model)
        model = str(spec.pop("model", "")).strip().lower()
        params = {"linear": Linear, "constant": Constant}
        if model in params:
            try:
                return params[model](**spec)
            except TypeError as exc:
                raise InputError(f"eos {model!r}: bad parameters {sorted(spec)} ({exc})") from None
        if model in EOS_MODELS and not spec:
            return EOS_MODELS[model]()
        raise InputError(f"eos: unknown model specification {name_or_model!r}; expected "
                         "{'model': 'linear', 'slope': …, 'offset': …}, {'model': 'constant', "
                         f"'value': …}} or a name among {', '.join(EOS_MODELS)}")
    if isinstance(name_or_model, str):
        key = name_or_model.strip().lower().replace("-", "").replace("_", "")
        if key not in EOS_MODELS:
            raise InputError(f"eos: unknown model {name_or_model!r}; expected one of "
                             f"{', '.join(EOS_MODELS)}{did_you_mean(key, EOS_MODELS)}")
        return EOS_MODELS[key]()
    if callable(getattr(name_or_model, "z", None)) and callable(getattr(name_or_model, "dz_dp", None)):
        return name_or_model
    raise InputError(f"eos must be a model name ({', '.join(EOS_MODELS)}) or an object with "
                     f"z() and dz_dp() methods (got {name_or_model!r})")


# --------------------------------------------------------------------------- heat capacities
_METHODS = ("ideal", "coolprop")


def _check_method(method: str) -> str:
    if method not in _METHODS:
        raise InputError(f"method must be one of {', '.join(_METHODS)} (got {method!r})"
                         f"{did_you_mean(method, _METHODS)}")
    return method


def ideal_heat_capacity(temperature, gas):
    """Ideal-gas isobaric specific heat capacity from the gas's cp polynomial.

    ``cp0 = (A + B·T + C·T²) / M`` with ``(A, B, C) = gas.heat_capacity_coefficients``.

    Parameters
    ----------
    temperature
        [K]
    gas
        Needs ``heat_capacity_coefficients``.

    Returns
    -------
    cp0 [J/(kg·K)]
    """
    _check_gas(gas)
    _, t = _check_state(0.0, temperature)
    if gas.heat_capacity_coefficients is None:
        raise InputError(f"gas {gas.name!r} has no heat_capacity_coefficients; build it with "
                         f"Gas.from_composition, pass heat_capacity_a/_b/_c to Gas.from_bulk, "
                         f"or use method='coolprop'")
    a, b, c = gas.heat_capacity_coefficients
    return _out((a + t * (b + c * t)) / gas.molar_mass)


def heat_capacity_cp(pressure, temperature, gas, method: str = "ideal"):
    """Isobaric specific heat capacity. [J/(kg·K)]

    ``method="ideal"`` uses the ideal-gas polynomial (pressure ignored; at
    70 bar and 10 °C the real cp of natural gas is about 20 % higher);
    ``method="coolprop"`` evaluates the real-gas value with CoolProp (needs a
    composition).
    """
    if _check_method(method) == "ideal":
        p, t = _check_state(pressure, temperature)
        return _out(np.broadcast_to(ideal_heat_capacity(t, gas), np.broadcast(p, t).shape).copy())
    p, t = _check_state(pressure, temperature, strict_pressure=True)
    return _out(_coolprop_eval(_check_gas(gas), p, t, "cp"))


def heat_capacity_cv(pressure, temperature, gas, method: str = "ideal"):
    """Isochoric specific heat capacity; ideal: ``cv0 = cp0 − R_s``. [J/(kg·K)]"""
    if _check_method(method) == "ideal":
        return _out(np.asarray(heat_capacity_cp(pressure, temperature, gas, "ideal"))
                    - gas.specific_gas_constant)
    p, t = _check_state(pressure, temperature, strict_pressure=True)
    return _out(_coolprop_eval(_check_gas(gas), p, t, "cv"))


def heat_capacity_ratio(pressure, temperature, gas, method: str = "ideal"):
    """Ratio of specific heats cp/cv. [-]"""
    cp = np.asarray(heat_capacity_cp(pressure, temperature, gas, method))
    cv = np.asarray(heat_capacity_cv(pressure, temperature, gas, method))
    return _out(cp / cv)


def isentropic_exponent(pressure, temperature, gas, method: str = "ideal"):
    """Isentropic exponent κ for compressor calculations. [-]

    ``method="ideal"``: κ = cp0/cv0 of the ideal gas, the usual approximation
    in compressor-station models (Koch et al. 2015, Ch. 2 [3]_).
    ``method="coolprop"``: the real-gas isentropic expansion coefficient
    κ = −(v/p)(∂p/∂v)_s from CoolProp (GERG-2008 mixing), which for natural
    gas at 50-70 bar is close to cp/cv but not equal to it.
    """
    if _check_method(method) == "ideal":
        return heat_capacity_ratio(pressure, temperature, gas, "ideal")
    p, t = _check_state(pressure, temperature, strict_pressure=True)
    return _out(_coolprop_eval(_check_gas(gas), p, t, "kappa"))


def joule_thomson_coefficient(pressure, temperature, gas, eos=None, cp=None):
    """Joule-Thomson coefficient μ_JT = (∂T/∂p)_h. [K/Pa]

    Parameters
    ----------
    pressure
        Absolute pressure, > 0. [Pa]
    temperature
        [K]
    gas
        The gas.
    eos
        A compressibility model (default :class:`Papay`). With
        :class:`GERG2008` the exact CoolProp value is returned.
    cp
        Isobaric specific heat capacity [J/(kg·K)]; default the ideal-gas
        value from the gas's polynomial.

    Notes
    -----
    From ``v = Z·R_s·T/p`` and ``μ_JT = (T(∂v/∂T)_p − v)/cp``:

    .. math:: \\mu_{JT} = \\frac{R_s T^2}{p\\,c_p}\\left(\\frac{\\partial Z}{\\partial T}\\right)_p

    (e.g. Schmidt et al. 2015 [3]_). Using the ideal-gas cp overestimates
    μ_JT at pipeline pressures by the ratio of real to ideal cp (≈ 10-20 %
    at 50-70 bar); pass a real ``cp`` to avoid that.
    """
    eos = Papay() if eos is None else get_eos(eos)
    p, t = _check_state(pressure, temperature, strict_pressure=True)
    _check_gas(gas)
    if isinstance(eos, GERG2008) and cp is None:
        return _out(_coolprop_eval(gas, p, t, "jt"))
    cp_val = ideal_heat_capacity(t, gas) if cp is None else np.asarray(cp, dtype=float)
    dzdt = np.asarray(eos.dz_dt(p, t, gas))
    return _out(gas.specific_gas_constant * t * t * dzdt / (p * cp_val))
