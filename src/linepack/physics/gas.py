"""Gas quality: molar mass, pseudo-critical point, densities, calorific values.

A :class:`Gas` is a small frozen record of the bulk properties the network
equations need. It can be built from a molar composition (component data from
ISO 6976 and Poling et al.), from the bulk values a GasLib ``.scn``/``.net``
file or a STANET/pandapipes model provides, or from the normal density alone.

Reference conditions (see :mod:`linepack.units`): *normal* = 0 °C and
1.01325 bar; *standard* = 20 °C and 1.01325 bar (GOST 2939-63).

References
----------
.. [1] ISO 6976:1995, *Natural gas -- Calculation of calorific values, density,
   relative density and Wobbe index from composition*, Tables 2 (summation
   factors) and 5 (ideal calorific values on a volumetric basis, 0 °C/0 °C).
.. [2] ISO 6976:2016, same title, Table 1 (molar masses).
.. [3] B. E. Poling, J. M. Prausnitz, J. P. O'Connell, *The Properties of Gases
   and Liquids*, 5th ed., McGraw-Hill, 2001, Appendix A (critical constants).
   doi:10.1036/0070116822
.. [4] R. P. Sutton, "Compressibility factors for high-molecular-weight
   reservoir gases", SPE Annual Technical Conference, 1985, SPE-14265-MS.
   doi:10.2118/14265-MS
.. [5] W. B. Kay, "Density of hydrocarbon gases and vapors at high temperature
   and pressure", Ind. Eng. Chem. 28 (1936) 1014-1019. doi:10.1021/ie50321a008
.. [6] IPCC, *2006 IPCC Guidelines for National Greenhouse Gas Inventories*,
   Vol. 2 (Energy), Ch. 1, Table 1.4: default CO₂ emission factor of natural gas
   56 100 kg/TJ on a net calorific value basis (95 % interval 54 300–58 300).
   https://www.ipcc-nggip.iges.or.jp/public/2006gl/vol2.html
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from linepack.errors import InputError, did_you_mean
from linepack.units import P_NORMAL, PSI, R_MOLAR, T_NORMAL, T_STANDARD_20C

__all__ = [
    "Gas",
    "Component",
    "COMPONENTS",
    "DEFAULT_GAS",
    "AIR_MOLAR_MASS",
    "AIR_NORMAL_DENSITY",
    "canonical_component",
    "sutton_pseudo_critical",
    "mix",
    "CARBON_ATOMS",
    "IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ",
    "co2_per_normal_m3",
    "co2_per_net_energy",
]

#: Carbon atoms per molecule of each component (CO₂ counts its own carbon: it leaves
#: the burner as CO₂ unchanged). [-]
CARBON_ATOMS: Mapping[str, int] = types.MappingProxyType({
    "CH4": 1, "C2H6": 2, "C3H8": 3, "IC4H10": 4, "NC4H10": 4, "IC5H12": 5, "NC5H12": 5,
    "NEOC5H12": 5, "NC6H14": 6, "N2": 0, "CO2": 1, "H2": 0, "O2": 0,
})
#: Molar mass of CO₂, ISO 6976:2016 Table 1. [kg/mol]
_M_CO2 = 44.0095e-3
#: IPCC 2006 default CO₂ emission factor of natural gas, net calorific value basis [6]_.
#: [kg/TJ]
IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ = 56100.0

#: Molar mass of dry air, ISO 6976:1995 Table 1. [kg/mol]
AIR_MOLAR_MASS = 28.9626e-3
#: Compression factor of dry air at 0 °C, 1.01325 bar, ISO 6976:1995 Table 2. [-]
AIR_NORMAL_Z = 0.99941
#: Density of dry air at normal conditions (from the two constants above). [kg/m³]
AIR_NORMAL_DENSITY = AIR_MOLAR_MASS * P_NORMAL / (AIR_NORMAL_Z * R_MOLAR * T_NORMAL)

#: Molar volume of an ideal gas at normal conditions. [m³/mol]
_V_NORMAL_IDEAL = R_MOLAR * T_NORMAL / P_NORMAL


class Component(NamedTuple):
    """Data of one pure component.

    Attributes
    ----------
    molar_mass
        ISO 6976:2016 Table 1. [kg/mol]
    critical_temperature
        Poling et al. (2001) Appendix A. [K]
    critical_pressure
        Poling et al. (2001) Appendix A. [Pa]
    gross_cv
        Ideal gross (superior) calorific value on a volumetric basis, combustion
        at 0 °C, volume at 0 °C and 1.01325 bar, ISO 6976:1995 Table 5. [J/m³]
    net_cv
        Ideal net (inferior) calorific value, same basis. [J/m³]
    summation_factor_0c
        ISO 6976:1995 Table 2 summation factor √b at 0 °C. [-]
    summation_factor_15c
        ISO 6976:1995 Table 2 summation factor √b at 15 °C. [-]
    cp
        Coefficients (A, B, C) of the ideal-gas molar heat capacity
        cp = A + B·T + C·T², least-squares fit (250-450 K, relative error
        ≤ 0.7 %) to the ideal-gas part of the reference equations of state in
        CoolProp 8.0 (Bell et al. 2014, doi:10.1021/ie4033999). [J/(mol·K)],
        [J/(mol·K²)], [J/(mol·K³)]
    coolprop
        The fluid name in CoolProp.
    """

    molar_mass: float
    critical_temperature: float
    critical_pressure: float
    gross_cv: float
    net_cv: float
    summation_factor_0c: float
    summation_factor_15c: float
    cp: tuple[float, float, float]
    coolprop: str


# Critical constants: Poling et al. 2001 Appendix A (Tc [K], pc [bar] -> Pa).
# Calorific values: ISO 6976:1995 Table 5, 0 °C / 0 °C, [MJ/m³] ideal -> J/m³.
# Summation factors: ISO 6976:1995 Table 2 at 0 °C and 15 °C.
COMPONENTS: Mapping[str, Component] = types.MappingProxyType({
    "CH4": Component(16.04246e-3, 190.56, 45.99e5, 39.840e6, 35.818e6, 0.0490, 0.0447,
                     (32.7527, -0.0174477, 9.23772e-05), "Methane"),
    "C2H6": Component(30.06904e-3, 305.32, 48.72e5, 69.790e6, 63.760e6, 0.1000, 0.0922,
                      (20.2761, 0.0954589, 4.30687e-05), "Ethane"),
    "C3H8": Component(44.09562e-3, 369.83, 42.48e5, 99.220e6, 91.180e6, 0.1453, 0.1338,
                      (15.5513, 0.192387, 6.22005e-06), "n-Propane"),
    "IC4H10": Component(58.1222e-3, 407.80, 36.40e5, 128.230e6, 118.180e6, 0.2049, 0.1789,
                        (13.0578, 0.289125, -2.7607e-05), "IsoButane"),
    "NC4H10": Component(58.1222e-3, 425.12, 37.96e5, 128.660e6, 118.610e6, 0.2069, 0.1871,
                        (23.644, 0.249371, 7.6096e-06), "n-Butane"),
    "IC5H12": Component(72.14878e-3, 460.39, 33.81e5, 157.760e6, 145.690e6, 0.2510, 0.2280,
                        (7.22883, 0.406221, -0.000105605), "Isopentane"),
    "NC5H12": Component(72.14878e-3, 469.70, 33.70e5, 158.070e6, 146.000e6, 0.2864, 0.2510,
                        (29.695, 0.296494, 2.50925e-05), "n-Pentane"),
    "NEOC5H12": Component(72.14878e-3, 433.75, 31.96e5, 157.120e6, 145.060e6, 0.2387, 0.2121,
                          (-11.6236, 0.516556, -0.000242482), "Neopentane"),
    "NC6H14": Component(86.17536e-3, 507.60, 30.25e5, 187.530e6, 173.450e6, 0.3286, 0.2950,
                        (26.4654, 0.392955, -5.42098e-06), "n-Hexane"),
    "N2": Component(28.0134e-3, 126.20, 33.98e5, 0.0, 0.0, 0.0224, 0.0173,
                    (29.7289, -0.0045192, 8.32387e-06), "Nitrogen"),
    "CO2": Component(44.0095e-3, 304.12, 73.74e5, 0.0, 0.0, 0.0819, 0.0748,
                     (19.5723, 0.0721239, -4.42758e-05), "CarbonDioxide"),
    "H2": Component(2.01588e-3, 33.25, 12.97e5, 12.788e6, 10.777e6, -0.0040, -0.0048,
                    (23.9465, 0.0254351, -3.06809e-05), "Hydrogen"),
    "O2": Component(31.9988e-3, 154.58, 50.43e5, 0.0, 0.0, 0.0316, 0.0283,
                    (29.6726, -0.00693464, 1.99968e-05), "Oxygen"),
})

# Other spellings accepted by Gas.from_composition (upper case, without "-", "_", " ").
_ALIASES = {
    "METHANE": "CH4", "C1": "CH4",
    "ETHANE": "C2H6", "C2": "C2H6",
    "PROPANE": "C3H8", "C3": "C3H8",
    "ISOBUTANE": "IC4H10", "IC4": "IC4H10", "IBUTANE": "IC4H10",
    "NBUTANE": "NC4H10", "BUTANE": "NC4H10", "C4H10": "NC4H10", "NC4": "NC4H10",
    "ISOPENTANE": "IC5H12", "IC5": "IC5H12", "IPENTANE": "IC5H12",
    "NPENTANE": "NC5H12", "PENTANE": "NC5H12", "C5H12": "NC5H12", "NC5": "NC5H12",
    "NEOPENTANE": "NEOC5H12", "NEOC5": "NEOC5H12",
    "NHEXANE": "NC6H14", "HEXANE": "NC6H14", "C6H14": "NC6H14", "NC6": "NC6H14",
    "C6": "NC6H14", "C6+": "NC6H14",
    "NITROGEN": "N2", "CARBONDIOXIDE": "CO2", "HYDROGEN": "H2", "OXYGEN": "O2",
}


def canonical_component(name: str) -> str:
    """Return the canonical key of component ``name`` (e.g. ``"n-C4H10"`` → ``"NC4H10"``).

    Spelling is case-insensitive; ``-``, ``_`` and spaces are ignored; common
    names (``"methane"``) and short forms (``"C1"``, ``"iC4"``) are accepted.
    Raises :class:`~linepack.errors.InputError` for unknown names.
    """
    key = str(name).upper().replace("-", "").replace("_", "").replace(" ", "")
    key = _ALIASES.get(key, key)
    if key not in COMPONENTS:
        hint = did_you_mean(key, COMPONENTS) or did_you_mean(key, _ALIASES)
        raise InputError(
            f"composition: unknown component {name!r}; expected one of "
            f"{', '.join(COMPONENTS)}{hint}"
        )
    return key


def sutton_pseudo_critical(relative_density):
    """Pseudo-critical temperature and pressure of a natural gas from its relative density.

    Parameters
    ----------
    relative_density
        Ideal-gas relative density γ = M / M_air. [-]

    Returns
    -------
    (temperature, pressure)
        Pseudo-critical temperature [K] and pressure [Pa].

    Notes
    -----
    Sutton (1985) [4]_ for sweet hydrocarbon gases, fitted for 0.57 < γ < 1.68:
    ``Tpc = 169.2 + 349.5 γ − 74.0 γ²`` [°R] and
    ``ppc = 756.8 − 131.0 γ − 3.6 γ²`` [psia].

    References
    ----------
    .. [4] R. P. Sutton, SPE-14265-MS (1985). doi:10.2118/14265-MS

    Raises
    ------
    InputError
        (a ValueError) if ``relative_density`` is not a finite number > 0.
    """
    g = np.asarray(relative_density, dtype=float)
    ok = (g > 0.0) & (g < np.inf)
    if not ok.all():
        bad = g.ravel()[np.flatnonzero(~ok.ravel())[0]].item()
        raise InputError(f"relative_density must be a finite number > 0 (got {bad!r})")
    if g.ndim == 0:
        g = float(g)
    t_rankine = 169.2 + 349.5 * g - 74.0 * g * g
    p_psia = 756.8 - 131.0 * g - 3.6 * g * g
    return t_rankine * (5.0 / 9.0), p_psia * PSI


def _finite_positive(name: str, value: Any, unit: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number > 0 {unit} (got {value!r})") from None
    if not math.isfinite(v) or v <= 0.0:
        raise InputError(f"{name} must be > 0 {unit} (got {value!r})")
    return v


def _iso6976_z(fractions: Mapping[str, float], summation_factor: Mapping[str, float]) -> float:
    """ISO 6976 compression factor Z = 1 − (Σ xᵢ √bᵢ)²."""
    s = sum(x * summation_factor[c] for c, x in fractions.items())
    return 1.0 - s * s


def _summation_factors(temperature_c: float) -> dict[str, float]:
    """√b at 0 °C, 15 °C, or linearly inter/extrapolated in T (used for 20 °C)."""
    w = temperature_c / 15.0
    return {k: c.summation_factor_0c + w * (c.summation_factor_15c - c.summation_factor_0c)
            for k, c in COMPONENTS.items()}


# Methane's √b at 20 °C relative to 0 °C (ISO 6976:1995 values, linear in T):
# used to move the normal compression factor of a gas of unknown composition to 20 °C.
_CH4_S20_OVER_S0 = _summation_factors(20.0)["CH4"] / COMPONENTS["CH4"].summation_factor_0c


@dataclass(frozen=True)
class Gas:
    """Bulk properties of a natural gas (or hydrogen blend).

    Attributes
    ----------
    molar_mass
        Molar mass. [kg/mol]
    pseudo_critical_pressure
        Pseudo-critical pressure (Kay's rule or a correlation). [Pa]
    pseudo_critical_temperature
        Pseudo-critical temperature. [K]
    normal_density
        Density at 0 °C and 1.01325 bar (real gas). [kg/m³]
    calorific_value
        Gross (superior) calorific value per normal cubic metre, combustion at
        0 °C; ``nan`` when unknown. [J/m³]
    heat_capacity_coefficients
        ``(A, B, C)`` of the ideal-gas molar isobaric heat capacity
        ``cp = A + B·T + C·T²``, or ``None``. [J/(mol·K)], [J/(mol·K²)], [J/(mol·K³)]
    composition
        Mole fractions by canonical component key (see :data:`COMPONENTS`),
        read-only, or ``None`` when unknown. [-]
    name
        A label used in messages and reports.
    """

    molar_mass: float
    pseudo_critical_pressure: float
    pseudo_critical_temperature: float
    normal_density: float
    calorific_value: float = math.nan
    heat_capacity_coefficients: tuple[float, float, float] | None = None
    composition: Mapping[str, float] | None = field(default=None, hash=False, compare=True)
    name: str = "gas"

    def __post_init__(self):
        for fname, unit in (("molar_mass", "kg/mol"), ("pseudo_critical_pressure", "Pa"),
                            ("pseudo_critical_temperature", "K"), ("normal_density", "kg/m³")):
            object.__setattr__(self, fname, _finite_positive(f"gas {self.name!r}: {fname}",
                                                             getattr(self, fname), unit))
        cv = float(self.calorific_value)
        if not (math.isnan(cv) or (math.isfinite(cv) and cv >= 0.0)):
            raise InputError(f"gas {self.name!r}: calorific_value must be >= 0 J/m³ or nan "
                             f"(got {self.calorific_value!r})")
        object.__setattr__(self, "calorific_value", cv)
        if self.heat_capacity_coefficients is not None:
            coeffs = tuple(float(c) for c in self.heat_capacity_coefficients)
            if len(coeffs) != 3 or not all(math.isfinite(c) for c in coeffs):
                raise InputError(f"gas {self.name!r}: heat_capacity_coefficients must be three "
                                 f"finite numbers (A, B, C) (got {self.heat_capacity_coefficients!r})")
            object.__setattr__(self, "heat_capacity_coefficients", coeffs)
        if self.composition is not None and not isinstance(self.composition,
                                                           types.MappingProxyType):
            object.__setattr__(self, "composition",
                               types.MappingProxyType(dict(self.composition)))

    # -- derived properties -------------------------------------------------------
    @property
    def specific_gas_constant(self) -> float:
        """Specific gas constant R / M. [J/(kg·K)]"""
        return R_MOLAR / self.molar_mass

    @property
    def relative_density(self) -> float:
        """Real-gas relative density to dry air, both at normal conditions (ISO 6976). [-]"""
        return self.normal_density / AIR_NORMAL_DENSITY

    @property
    def normal_compressibility(self) -> float:
        """Compression factor at normal conditions, Z_n = M·p_n / (ρ_n·R·T_n). [-]"""
        return self.molar_mass * P_NORMAL / (self.normal_density * R_MOLAR * T_NORMAL)

    @property
    def standard_density(self) -> float:
        """Density at 20 °C and 1.01325 bar (GOST 2939-63 "standard" conditions). [kg/m³]

        With a known composition the compression factor at 20 °C follows
        ISO 6976 (summation factors linearly extrapolated from 0 °C and 15 °C
        to 20 °C). Otherwise the normal compression factor ``Z_n`` is moved to
        20 °C as for methane: ``1 − Z_s = (1 − Z_n)·(√b_CH4(20 °C)/√b_CH4(0 °C))²``.
        """
        if self.composition is not None:
            z_s = _iso6976_z(self.composition, _summation_factors(20.0))
        else:
            z_s = 1.0 - (1.0 - self.normal_compressibility) * _CH4_S20_OVER_S0 ** 2
        return self.molar_mass * P_NORMAL / (z_s * R_MOLAR * T_STANDARD_20C)

    @property
    def net_calorific_value(self) -> float:
        """Net (inferior) calorific value per normal m³, ISO 6976; ``nan`` without composition. [J/m³]"""
        if self.composition is None:
            return math.nan
        hi = sum(x * COMPONENTS[c].net_cv for c, x in self.composition.items())
        return hi / self.normal_compressibility

    @property
    def wobbe_index(self) -> float:
        """Gross Wobbe index, calorific_value / √(relative_density). [J/m³]"""
        return self.calorific_value / math.sqrt(self.relative_density)

    @property
    def has_heat_capacity(self) -> bool:
        """Whether :attr:`heat_capacity_coefficients` is set."""
        return self.heat_capacity_coefficients is not None

    # -- constructors --------------------------------------------------------------
    @classmethod
    def from_composition(cls, composition: Mapping[str, float], name: str = "gas") -> Gas:
        """Build a gas from mole fractions.

        Parameters
        ----------
        composition
            Component name → mole fraction [-]. Names as in :data:`COMPONENTS`
            or an alias (see :func:`canonical_component`). Fractions must be
            ≥ 0 and sum to 1 within 1e-6.
        name
            Label of the gas.

        Notes
        -----
        Molar mass and ideal calorific values are mole-fraction averages;
        the normal density and the real calorific value use the ISO 6976
        compression factor ``Z = 1 − (Σ xᵢ √bᵢ)²`` [1]_; the pseudo-critical
        point follows Kay's rule [5]_ (``Tpc = Σ xᵢ Tc,i``, ``ppc = Σ xᵢ pc,i``);
        the heat-capacity coefficients are mole-fraction averages.
        """
        if not isinstance(composition, Mapping) or not composition:
            raise InputError(f"composition must be a non-empty mapping of component -> mole "
                             f"fraction (got {composition!r})")
        fractions: dict[str, float] = {}
        for raw, value in composition.items():
            key = canonical_component(raw)
            try:
                x = float(value)
            except (TypeError, ValueError):
                raise InputError(f"composition[{raw!r}] must be a number in [0, 1] "
                                 f"(got {value!r})") from None
            if not (0.0 <= x <= 1.0):
                raise InputError(f"composition[{raw!r}] must be in [0, 1] (got {value!r})")
            fractions[key] = fractions.get(key, 0.0) + x
        total = sum(fractions.values())
        if abs(total - 1.0) > 1e-6:
            raise InputError(f"composition: mole fractions must sum to 1 within 1e-6 "
                             f"(got {total!r})")
        fractions = {k: v for k, v in fractions.items() if v > 0.0}
        comps = {k: COMPONENTS[k] for k in fractions}
        molar_mass = sum(x * comps[k].molar_mass for k, x in fractions.items())
        z_n = _iso6976_z(fractions, _summation_factors(0.0))
        normal_density = molar_mass * P_NORMAL / (z_n * R_MOLAR * T_NORMAL)
        gross = sum(x * comps[k].gross_cv for k, x in fractions.items()) / z_n
        tpc = sum(x * comps[k].critical_temperature for k, x in fractions.items())
        ppc = sum(x * comps[k].critical_pressure for k, x in fractions.items())
        cp = tuple(sum(x * comps[k].cp[i] for k, x in fractions.items()) for i in range(3))
        return cls(molar_mass=molar_mass, pseudo_critical_pressure=ppc,
                   pseudo_critical_temperature=tpc, normal_density=normal_density,
                   calorific_value=gross, heat_capacity_coefficients=cp,
                   composition=fractions, name=name)

    _BULK_KEYS = ("normal_density", "molar_mass", "pseudo_critical_pressure",
                  "pseudo_critical_temperature", "calorific_value", "heat_capacity_a",
                  "heat_capacity_b", "heat_capacity_c", "temperature", "name", "composition")

    @classmethod
    def from_bulk(cls, values: Mapping[str, Any], name: str | None = None) -> Gas:
        """Build a gas from bulk values, as GasLib scenario/network files give them.

        Parameters
        ----------
        values
            Any of ``normal_density`` [kg/m³], ``molar_mass`` [kg/mol],
            ``pseudo_critical_pressure`` [Pa], ``pseudo_critical_temperature``
            [K], ``calorific_value`` [J/m³], ``heat_capacity_a`` [J/(mol·K)],
            ``heat_capacity_b`` [J/(mol·K²)], ``heat_capacity_c``
            [J/(mol·K³)], ``temperature`` [K] (accepted and ignored: the gas
            temperature belongs to the scenario, not to the gas), ``name``,
            ``composition`` (component → mole fraction: the gas is then
            :meth:`from_composition` of it, and the other values are not used).
            At least one of ``normal_density``, ``molar_mass`` and ``composition``
            is required.
        name
            Label; overrides ``values["name"]``.

        Notes
        -----
        A missing molar mass is derived assuming the gas is ideal at normal
        conditions (``M = ρ_n·R·T_n/p_n``); a missing normal density likewise
        (``ρ_n = M·p_n/(R·T_n)``). Missing pseudo-critical values come from
        Sutton's correlation [4]_ of the relative density ``γ = M/M_air``.
        The heat-capacity coefficients are used only if all three are given.
        """
        if not isinstance(values, Mapping):
            raise InputError(f"from_bulk expects a mapping (got {type(values).__name__})")
        for key in values:
            if key not in cls._BULK_KEYS:
                raise InputError(f"from_bulk: unknown key {key!r}; expected some of "
                                 f"{', '.join(cls._BULK_KEYS)}{did_you_mean(key, cls._BULK_KEYS)}")

        def get(key):
            v = values.get(key)
            return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

        label = name if name is not None else str(values.get("name", "gas"))
        if values.get("composition") is not None:
            return cls.from_composition(values["composition"], name=label)
        rho_n, molar_mass = get("normal_density"), get("molar_mass")
        if rho_n is None and molar_mass is None:
            raise InputError("from_bulk: need 'normal_density' [kg/m³] or 'molar_mass' "
                             "[kg/mol] (got neither)")
        if molar_mass is None:
            rho_n = _finite_positive("normal_density", rho_n, "kg/m³")
            molar_mass = rho_n * R_MOLAR * T_NORMAL / P_NORMAL
        molar_mass = _finite_positive("molar_mass", molar_mass, "kg/mol")
        if rho_n is None:
            rho_n = molar_mass * P_NORMAL / (R_MOLAR * T_NORMAL)
        tpc, ppc = get("pseudo_critical_temperature"), get("pseudo_critical_pressure")
        if tpc is None or ppc is None:
            t_s, p_s = sutton_pseudo_critical(molar_mass / AIR_MOLAR_MASS)
            tpc = t_s if tpc is None else tpc
            ppc = p_s if ppc is None else ppc
        coeffs = [get(k) for k in ("heat_capacity_a", "heat_capacity_b", "heat_capacity_c")]
        cp = tuple(float(c) for c in coeffs) if all(c is not None for c in coeffs) else None
        cv = get("calorific_value")
        return cls(molar_mass=molar_mass, pseudo_critical_pressure=ppc,
                   pseudo_critical_temperature=tpc, normal_density=rho_n,
                   calorific_value=math.nan if cv is None else cv,
                   heat_capacity_coefficients=cp, composition=None, name=label)

    @classmethod
    def from_normal_density(cls, normal_density: float, name: str = "gas") -> Gas:
        """Build a gas from its normal density alone (the STANET/pandapipes case).

        The molar mass is ``ρ_n·R·T_n/p_n`` (ideal at normal conditions), the
        pseudo-critical point from Sutton (1985). [kg/m³] in.
        """
        return cls.from_bulk({"normal_density": normal_density}, name=name)


def mix(gases: Sequence[Gas], fractions: Sequence[float], basis: str = "mass",
        name: str = "mix") -> Gas:
    """Mix gases in given proportions.

    Parameters
    ----------
    gases
        The gases to mix.
    fractions
        Share of each gas on ``basis``; each ≥ 0, summing to 1 within 1e-6. [-]
    basis
        ``"mass"`` (mass fractions), ``"volume"`` (normal-volume fractions) or
        ``"energy"`` (fractions of the gross energy flow; needs calorific values).
    name
        Label of the result.

    Returns
    -------
    Gas
        If every gas has a composition, the mixture is rebuilt with
        :meth:`Gas.from_composition`. Otherwise bulk values are mixed: molar
        mass, pseudo-critical point (Kay's rule) and heat-capacity coefficients
        on a molar basis; normal density as total mass over total normal
        volume; calorific value as energy over normal volume.
    """
    bases = ("mass", "volume", "energy")
    if basis not in bases:
        raise InputError(f"basis must be one of {', '.join(bases)} (got {basis!r})"
                         f"{did_you_mean(basis, bases)}")
    gases = list(gases)
    fr = [float(f) for f in fractions]
    if not gases or len(gases) != len(fr):
        raise InputError(f"mix: need one fraction per gas (got {len(gases)} gases and "
                         f"{len(fr)} fractions)")
    if any(not (f >= 0.0) for f in fr):
        raise InputError(f"mix: fractions must be >= 0 (got {fr})")
    if abs(sum(fr) - 1.0) > 1e-6:
        raise InputError(f"mix: fractions must sum to 1 within 1e-6 (got {sum(fr)!r})")
    # amount of substance per unit of the basis: n_i ∝ f_i / (basis quantity per mole)
    if basis == "mass":
        moles = [f / g.molar_mass for f, g in zip(fr, gases)]
    else:
        if basis == "energy":
            bad = [g.name for f, g in zip(fr, gases) if f > 0 and not g.calorific_value > 0]
            if bad:
                raise InputError(f"mix: basis='energy' needs calorific_value > 0 J/m³ for "
                                 f"every gas (missing for {', '.join(map(repr, bad))})")
            vols = [f / g.calorific_value if f > 0 else 0.0 for f, g in zip(fr, gases)]
        else:
            vols = fr
        moles = [v * g.normal_density / g.molar_mass for v, g in zip(vols, gases)]
    n_tot = sum(moles)
    x = [n / n_tot for n in moles]
    if all(g.composition is not None for g in gases):
        comp: dict[str, float] = {}
        for xi, g in zip(x, gases):
            for k, v in g.composition.items():
                comp[k] = comp.get(k, 0.0) + xi * v
        s = sum(comp.values())
        return Gas.from_composition({k: v / s for k, v in comp.items()}, name=name)
    molar_mass = sum(xi * g.molar_mass for xi, g in zip(x, gases))
    volume = sum(xi * g.molar_mass / g.normal_density for xi, g in zip(x, gases))
    normal_density = molar_mass / volume
    energy = sum(xi * g.molar_mass / g.normal_density * g.calorific_value
                 for xi, g in zip(x, gases) if xi > 0)
    cv = energy / volume
    tpc = sum(xi * g.pseudo_critical_temperature for xi, g in zip(x, gases))
    ppc = sum(xi * g.pseudo_critical_pressure for xi, g in zip(x, gases))
    cp = None
    if all(g.heat_capacity_coefficients is not None for xi, g in zip(x, gases) if xi > 0):
        cp = tuple(sum(xi * g.heat_capacity_coefficients[i] for xi, g in zip(x, gases) if xi > 0)
                   for i in range(3))
    return Gas(molar_mass=molar_mass, pseudo_critical_pressure=ppc,
               pseudo_critical_temperature=tpc, normal_density=normal_density,
               calorific_value=cv, heat_capacity_coefficients=cp, composition=None, name=name)


#: A representative lean H-gas of the kind delivered by Russian/Central Asian
#: transit pipelines (mole fractions: CH4 97.5 %, C2H6 1.2 %, C3H8 0.3 %,
#: i-C4H10 0.05 %, n-C4H10 0.05 %, N2 0.7 %, CO2 0.2 %). Illustrative, not a
#: measured gas; relative density ≈ 0.570, normal density ≈ 0.737 kg/m³, gross
#: calorific value ≈ 40.2 MJ/m³ (0 °C combustion and metering).
DEFAULT_GAS = Gas.from_composition(
    {"CH4": 0.975, "C2H6": 0.012, "C3H8": 0.003, "iC4H10": 0.0005, "nC4H10": 0.0005,
     "N2": 0.007, "CO2": 0.002},
    name="default H-gas",
)


def co2_per_normal_m3(gas: Gas) -> float:
    """CO₂ from burning one normal m³ (0 °C, 1.01325 bar) of the gas completely. [kg/m³]

    Notes
    -----
    Every carbon atom leaves as CO₂, and the gas's own CO₂ passes through:
    ``m_CO2 = n · Σ xᵢ cᵢ · M_CO2`` with ``cᵢ`` the carbon atoms of component i
    (:data:`CARBON_ATOMS`) and ``n = p_n / (Z_n R T_n)`` the moles in one normal
    cubic metre of the real gas (ISO 6976 compression factor). Pure methane
    (Z_n = 1 − 0.049² = 0.997 599, ideal molar volume 0.022 414 m³/mol):
    0.044 0095 / (0.997 599 · 0.022 414) ≈ 1.968 kg/m³.

    Raises
    ------
    InputError
        The gas has no composition (bulk values alone do not give its carbon).
    """
    if gas.composition is None:
        raise InputError(f"gas {gas.name!r}: CO₂ per m³ needs the composition (give the gas "
                         "as Gas.from_composition)")
    carbon = sum(x * CARBON_ATOMS[c] for c, x in gas.composition.items())
    moles = P_NORMAL / (gas.normal_compressibility * R_MOLAR * T_NORMAL)
    return moles * carbon * _M_CO2


def co2_per_net_energy(gas: Gas) -> float:
    """CO₂ emission factor of the gas per unit of net (lower) heat released. [kg/J]

    ``co2_per_normal_m3 / net_calorific_value`` (both per normal m³). Pure methane:
    1.968 / 35.904e6 ≈ 5.48e-8 kg/J = 54.8 t/TJ, against the IPCC 2006 default for
    natural gas of 56.1 t/TJ (:data:`IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ`) [6]_.
    """
    return co2_per_normal_m3(gas) / gas.net_calorific_value
