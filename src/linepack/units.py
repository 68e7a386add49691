"""SI constants and converters for the edges of linepack.

Inside linepack every quantity is SI (Pa, m, kg/s, K, J, W). Non-SI units
appear only at the edges (file formats, CLI, reports), always with the unit in
the name (``p_bar``, ``length_km``). The constants are the exact values of the SI
(2019) and of the unit definitions, the same floats as :mod:`scipy.constants` gives;
they are written out so that importing linepack's I/O does not import SciPy.

Reference conditions
--------------------
*Normal* conditions are 0 °C and 1.01325 bar (GasLib, DIN 1343, European
practice). *Standard* conditions as used in Russian and Kazakh statistics
(GOST 2939-63, Gazprom) are 20 °C and 1.01325 bar. Both are defined here.
"""

from __future__ import annotations

#: Avogadro constant (SI 2019, exact). [1/mol]
_N_A = 6.02214076e23
#: Boltzmann constant (SI 2019, exact). [J/K]
_K_B = 1.380649e-23

#: Standard acceleration of gravity (CGPM 1901, exact). [m/s²]
G = 9.80665
#: Molar gas constant R = N_A·k (exact since 2019). [J/(mol·K)]
R_MOLAR = _N_A * _K_B
#: One standard atmosphere (exact). [Pa]
ATM = 101325.0
#: One bar (exact). [Pa]
BAR = 1e5
#: 0 °C. [K]
T_ZERO_C = 273.15

#: Normal reference pressure (DIN 1343). [Pa]
P_NORMAL = ATM
#: Normal reference temperature, 0 °C. [K]
T_NORMAL = T_ZERO_C
#: Standard reference temperature of Russian/Kazakh statistics (GOST 2939), 20 °C. [K]
T_STANDARD_20C = T_ZERO_C + 20.0
#: One pound-force per square inch (exact: international pound 0.45359237 kg × standard gravity
#: / international inch 0.0254 m squared; NIST SP 811, appendix B). [Pa]
PSI = 0.45359237 * G / 0.0254**2
#: Seconds per day. [s]
DAY = 86400.0
#: Seconds per hour. [s]
HOUR = 3600.0


def bar_to_pa(p_bar):
    """Convert bar to pascal."""
    return p_bar * BAR


def pa_to_bar(p_pa):
    """Convert pascal to bar."""
    return p_pa / BAR


def barg_to_pa(p_barg, ambient_pa=ATM):
    """Convert gauge bar to absolute pascal (``ambient_pa`` [Pa] defaults to 1 atm)."""
    return p_barg * BAR + ambient_pa


def celsius_to_kelvin(t_c):
    """Convert °C to K."""
    return t_c + T_ZERO_C


def _density(normal_density):
    """``normal_density`` itself if it is a finite number > 0 (or an array of them); an
    InputError (a ValueError) naming the value otherwise: a negative or NaN density would
    turn every flow into nonsense without a word."""
    try:
        values = [float(normal_density)]
    except TypeError:  # an array or a Series: every entry
        values = [float(v) for v in getattr(normal_density, "flat", normal_density)]
    for v in values:
        if not 0.0 < v < float("inf"):
            from linepack.errors import InputError

            raise InputError(f"normal_density must be a finite number > 0 kg/m³ (got {v!r})")
    return normal_density


def mcm_per_day_to_kg_s(q_mcm_d, normal_density):
    """Million normal m³ per day → kg/s, given the normal density [kg/m³] (> 0)."""
    return q_mcm_d * 1e6 * _density(normal_density) / DAY


def kg_s_to_mcm_per_day(m_kg_s, normal_density):
    """kg/s → million normal m³ per day, given the normal density [kg/m³] (> 0)."""
    return m_kg_s * DAY / (1e6 * _density(normal_density))


def knm3_per_hour_to_kg_s(q_1000m3_h, normal_density):
    """1000 normal m³/h (GasLib's flow unit) → kg/s, given the normal density [kg/m³] (> 0)."""
    return q_1000m3_h * 1000.0 * _density(normal_density) / HOUR


def bcm_per_year_to_mcm_per_day(q_bcm_y, days_per_year=365.0):
    """bcm per year → mcm per day (365-day year unless told otherwise)."""
    return q_bcm_y * 1000.0 / days_per_year
