"""Tests for linepack.physics.gas."""

import dataclasses
import math

import pytest

from linepack.errors import InputError
from linepack.physics.gas import (
    AIR_MOLAR_MASS,
    AIR_NORMAL_DENSITY,
    COMPONENTS,
    DEFAULT_GAS,
    Gas,
    canonical_component,
    mix,
    sutton_pseudo_critical,
)
from linepack.units import P_NORMAL, R_MOLAR, T_NORMAL

METHANE = Gas.from_composition({"CH4": 1.0}, name="methane")
HYDROGEN = Gas.from_composition({"H2": 1.0}, name="hydrogen")


def test_methane_normal_density_iso6976():
    """Methane real density at 0 °C, 1.01325 bar: 0.7175 kg/m³ (ISO 6976:1995 Table 3)."""
    assert METHANE.normal_density == pytest.approx(0.7175, rel=2e-4)


def test_methane_standard_density_20c():
    """Methane at 20 °C, 1.01325 bar: 0.6682 kg/m³ (GOST 30319.1-2015 / ISO 6976 at 20 °C)."""
    assert METHANE.standard_density == pytest.approx(0.6682, rel=5e-4)


def test_air_density_iso6976():
    """Dry air at 0 °C, 1.01325 bar: 1.2930 kg/m³ (ISO 6976:1995 Table 3)."""
    assert AIR_NORMAL_DENSITY == pytest.approx(1.2930, rel=1e-4)


def test_hydrogen_normal_density():
    """Hydrogen at 0 °C, 1.01325 bar: 0.08988 kg/m³ (ISO 6976:1995 Table 3: 0.0899)."""
    assert HYDROGEN.normal_density == pytest.approx(0.08988, rel=1e-3)


def test_methane_calorific_values_from_iso_tables():
    """Real Hs = ideal Hs / Z with 39.840 MJ/m³ and √b = 0.0490 (ISO 6976:1995 Tables 5, 2)."""
    z = 1 - 0.0490 ** 2
    assert METHANE.calorific_value == pytest.approx(39.840e6 / z, rel=1e-12)
    assert METHANE.net_calorific_value == pytest.approx(35.818e6 / z, rel=1e-12)
    assert METHANE.normal_compressibility == pytest.approx(z, rel=1e-12)


def test_specific_gas_constant_and_relative_density():
    """R_s of methane = 8.314462618/0.01604246 = 518.28 J/(kg·K); d = 0.7175/1.2930 = 0.5549."""
    assert METHANE.specific_gas_constant == pytest.approx(518.28, rel=1e-5)
    assert METHANE.relative_density == pytest.approx(0.7175 / 1.2930, rel=3e-4)


def test_wobbe_index_definition():
    """Wobbe index = Hs / √d (ISO 6976 definition)."""
    g = DEFAULT_GAS
    assert g.wobbe_index == pytest.approx(g.calorific_value / math.sqrt(g.relative_density))


def test_default_gas_documented_composition():
    """DEFAULT_GAS: 97.5 % CH4 lean H-gas, d ≈ 0.570, ρn ≈ 0.737 kg/m³, Hs ≈ 40.2 MJ/m³."""
    g = DEFAULT_GAS
    assert dict(g.composition)["CH4"] == 0.975
    assert sum(g.composition.values()) == pytest.approx(1.0, abs=1e-12)
    assert g.relative_density == pytest.approx(0.570, abs=0.001)
    assert g.normal_density == pytest.approx(0.737, abs=0.001)
    assert g.calorific_value == pytest.approx(40.2e6, rel=2e-3)
    assert g.has_heat_capacity


def test_molar_mass_mole_fraction_average():
    """M = Σ xᵢ Mᵢ with ISO 6976:2016 molar masses (CH4 16.04246, N2 28.0134 g/mol)."""
    g = Gas.from_composition({"CH4": 0.9, "N2": 0.1})
    assert g.molar_mass == pytest.approx(0.9 * 16.04246e-3 + 0.1 * 28.0134e-3, rel=1e-14)
    # Kay's rule pseudo-critical temperature (Poling et al. 2001: 190.56 K, 126.20 K)
    assert g.pseudo_critical_temperature == pytest.approx(0.9 * 190.56 + 0.1 * 126.20)


def test_component_critical_points_agree_with_coolprop():
    """Poling et al. critical constants agree with CoolProp's reference EOS within 1 % (H2: 2 %)."""
    cp = pytest.importorskip("CoolProp.CoolProp")
    for key, comp in COMPONENTS.items():
        tol = 0.02 if key == "H2" else 0.01
        assert comp.critical_temperature == pytest.approx(cp.PropsSI("Tcrit", comp.coolprop), rel=tol)
        assert comp.critical_pressure == pytest.approx(cp.PropsSI("pcrit", comp.coolprop), rel=tol)
        assert comp.molar_mass == pytest.approx(cp.PropsSI("M", comp.coolprop), rel=1e-4)


def test_component_aliases():
    """Component names are case/dash-insensitive and accept common names."""
    assert canonical_component("n-C4H10") == "NC4H10"
    assert canonical_component("methane") == "CH4"
    assert canonical_component("iC4") == "IC4H10"
    g1 = Gas.from_composition({"methane": 0.95, "ethane": 0.05})
    g2 = Gas.from_composition({"CH4": 0.95, "C2H6": 0.05})
    assert g1 == g2


def test_composition_must_sum_to_one():
    """Mole fractions must sum to 1 within 1e-6; the message gives the sum."""
    with pytest.raises(InputError) as exc:
        Gas.from_composition({"CH4": 0.9, "C2H6": 0.05})
    assert str(exc.value) == "composition: mole fractions must sum to 1 within 1e-6 (got 0.9500000000000001)"
    Gas.from_composition({"CH4": 0.9999995, "C2H6": 0.0})  # within 1e-6: accepted


def test_unknown_component_did_you_mean():
    """Unknown components are named, with a suggestion."""
    with pytest.raises(InputError) as exc:
        Gas.from_composition({"C2H5": 1.0})
    assert "unknown component 'C2H5'" in str(exc.value)
    assert "did you mean 'C2H6'?" in str(exc.value)


def test_negative_fraction_rejected():
    """A fraction outside [0, 1] is rejected with its value."""
    with pytest.raises(InputError, match=r"composition\['N2'\] must be in \[0, 1\] \(got -0.1\)"):
        Gas.from_composition({"N2": -0.1, "CH4": 1.1})


def test_from_normal_density_stanet_case():
    """Only ρn known: M = ρn·R·Tn/pn (ideal at normal conditions), Sutton pseudo-criticals."""
    g = Gas.from_normal_density(0.73)
    assert g.molar_mass == pytest.approx(0.73 * R_MOLAR * T_NORMAL / P_NORMAL, rel=1e-14)
    assert g.normal_compressibility == pytest.approx(1.0, rel=1e-14)
    t_s, p_s = sutton_pseudo_critical(g.molar_mass / AIR_MOLAR_MASS)
    assert g.pseudo_critical_temperature == t_s and g.pseudo_critical_pressure == p_s
    assert math.isnan(g.calorific_value) and g.heat_capacity_coefficients is None


def test_sutton_correlation_by_hand_and_against_kay():
    """Sutton (1985): γ = 0.65 → Tpc = 365.11 °R = 202.84 K, ppc = 670.13 psia = 4.6204 MPa."""
    t, p = sutton_pseudo_critical(0.65)
    # by hand: 169.2 + 349.5·0.65 − 74.0·0.4225 = 365.11; 756.8 − 131.0·0.65 − 3.6·0.4225 = 670.129
    assert t == pytest.approx(365.11 * 5 / 9, rel=1e-6)
    assert p == pytest.approx(670.129 * 6894.757293168, rel=1e-6)
    # against Kay's rule for the default gas: 1 % (T) and 3 % (p)
    t_d, p_d = sutton_pseudo_critical(DEFAULT_GAS.molar_mass / AIR_MOLAR_MASS)
    assert t_d == pytest.approx(DEFAULT_GAS.pseudo_critical_temperature, rel=0.01)
    assert p_d == pytest.approx(DEFAULT_GAS.pseudo_critical_pressure, rel=0.03)


def test_psi_is_scipy_constants_psi():
    """linepack.units.PSI (written out from the definitions of pound, inch and standard gravity)
    is the value SciPy's CODATA-based `scipy.constants.psi` gives, to the last bit."""
    from scipy.constants import psi

    from linepack.units import PSI

    assert PSI == psi


def test_from_bulk_gaslib_values():
    """from_bulk keeps given values, derives missing ones and ignores 'temperature'."""
    g = Gas.from_bulk({"normal_density": 0.785, "molar_mass": 0.01857,
                       "pseudo_critical_pressure": 4.6e6, "pseudo_critical_temperature": 202.4,
                       "calorific_value": 41.34e6, "heat_capacity_a": 31.0,
                       "heat_capacity_b": -0.01, "heat_capacity_c": 1e-4,
                       "temperature": 288.15}, name="GasLib")
    assert g.normal_density == 0.785 and g.molar_mass == 0.01857
    assert g.heat_capacity_coefficients == (31.0, -0.01, 1e-4)
    assert g.calorific_value == 41.34e6 and g.name == "GasLib"
    only_m = Gas.from_bulk({"molar_mass": 0.018})
    assert only_m.normal_density == pytest.approx(0.018 * P_NORMAL / (R_MOLAR * T_NORMAL))


def test_from_bulk_errors():
    """Unknown keys get a suggestion; neither density nor molar mass is an error."""
    with pytest.raises(InputError) as exc:
        Gas.from_bulk({"normal_densty": 0.78})
    assert "unknown key 'normal_densty'" in str(exc.value)
    assert "did you mean 'normal_density'?" in str(exc.value)
    with pytest.raises(InputError, match=r"need 'normal_density' \[kg/m³\] or 'molar_mass'"):
        Gas.from_bulk({"calorific_value": 40e6})
    with pytest.raises(InputError, match=r"normal_density must be > 0 kg/m³ \(got -0.7\)"):
        Gas.from_bulk({"normal_density": -0.7})


def test_gas_is_frozen_and_validated():
    """Gas is immutable; constructor rejects non-positive values naming the field."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_GAS.molar_mass = 0.02
    with pytest.raises(InputError, match=r"gas 'x': molar_mass must be > 0 kg/mol \(got 0\)"):
        Gas(molar_mass=0, pseudo_critical_pressure=4.6e6, pseudo_critical_temperature=190.0,
            normal_density=0.7, name="x")
    hash(DEFAULT_GAS)  # usable as a cache key


def test_mix_volume_basis_hydrogen_blend():
    """10 vol-% H2 in methane: ρn ≈ 0.9·ρn,CH4 + 0.1·ρn,H2.

    Normal volumes are not exactly additive for real gases: the ISO 6976 compression
    factor of the blend differs from the volume-weighted one by about 3e-4.
    """
    blend = mix([METHANE, HYDROGEN], [0.9, 0.1], basis="volume")
    expected = 0.9 * METHANE.normal_density + 0.1 * HYDROGEN.normal_density
    assert blend.normal_density == pytest.approx(expected, rel=5e-4)
    assert dict(blend.composition)["H2"] == pytest.approx(0.1, abs=5e-4)
    # energy content per m³ falls roughly in proportion (12.8 vs 39.9 MJ/m³)
    expected_hs = 0.9 * METHANE.calorific_value + 0.1 * HYDROGEN.calorific_value
    assert blend.calorific_value == pytest.approx(expected_hs, rel=1e-3)


def test_mix_mass_and_energy_basis():
    """Mass basis: 1/M = Σ wᵢ/Mᵢ; energy basis: shares of the gross energy flow."""
    blend = mix([METHANE, HYDROGEN], [0.98, 0.02], basis="mass")
    assert blend.molar_mass == pytest.approx(1 / (0.98 / METHANE.molar_mass + 0.02 / HYDROGEN.molar_mass),
                                             rel=1e-12)
    e_blend = mix([METHANE, HYDROGEN], [0.5, 0.5], basis="energy")
    # equal energy: normal volumes in ratio 1/Hs
    v_ch4, v_h2 = 0.5 / METHANE.calorific_value, 0.5 / HYDROGEN.calorific_value
    assert e_blend.calorific_value == pytest.approx(1.0 / (v_ch4 + v_h2), rel=1e-3)


def test_mix_bulk_gases():
    """Gases without composition mix by bulk values (normal volumes add)."""
    a, b = Gas.from_normal_density(0.70), Gas.from_normal_density(0.80)
    m = mix([a, b], [0.5, 0.5], basis="volume")
    assert m.composition is None
    assert m.normal_density == pytest.approx(0.75, rel=1e-12)


def test_mix_errors():
    """Bad basis, fractions, and energy basis without calorific value are rejected."""
    with pytest.raises(InputError, match=r"basis must be one of mass, volume, energy \(got 'vol'\)"):
        mix([METHANE], [1.0], basis="vol")
    with pytest.raises(InputError, match="fractions must sum to 1 within 1e-6"):
        mix([METHANE, HYDROGEN], [0.5, 0.6])
    with pytest.raises(InputError, match="need one fraction per gas"):
        mix([METHANE, HYDROGEN], [1.0])
    with pytest.raises(InputError, match="basis='energy' needs calorific_value"):
        mix([METHANE, Gas.from_normal_density(0.8)], [0.5, 0.5], basis="energy")


def test_co2_of_methane_by_hand():
    """CO₂ of pure methane: 1 C per molecule; moles per normal m³ = p_n/(Z_n R T_n) with the
    ISO 6976:1995 Table 2 summation factor 0.0490 (Z_n = 0.997599); M_CO2 44.0095 g/mol."""
    from linepack.physics.gas import co2_per_net_energy, co2_per_normal_m3

    m = Gas.from_composition({"CH4": 1.0})
    moles = 101325.0 / ((1 - 0.049 ** 2) * 8.314462618 * 273.15)       # 44.722 mol/m³
    assert co2_per_normal_m3(m) == pytest.approx(moles * 0.0440095, rel=1e-9)
    assert co2_per_normal_m3(m) == pytest.approx(1.9682, abs=1e-4)
    # per net energy: ISO 6976:1995 Table 5 net CV of methane 35.818 MJ/m³ (ideal, 0 °C/0 °C)
    nc_real = 35.818e6 / (1 - 0.049 ** 2)                                # J per real normal m³
    assert co2_per_net_energy(m) == pytest.approx(moles * 0.0440095 / nc_real, rel=1e-9)
    assert 54.0e3 < co2_per_net_energy(m) * 1e12 < 56.1e3  # kg/TJ, just under the IPCC default


def test_co2_of_a_mixture_counts_carbon_and_inert_co2():
    """Composition A of the central-asia fact sheet (98.156 % CH₄ …): carbon per molecule by hand,
    and the emission factor within the IPCC 2006 95 % interval 54.3–58.3 t/TJ."""
    from linepack.physics.gas import (IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ, co2_per_net_energy,
                                      co2_per_normal_m3)

    x = {"CH4": 0.98156, "C2H6": 0.00728, "C3H8": 0.00212, "IC4H10": 0.00039, "NC4H10": 0.00035,
         "IC5H12": 0.00007, "NC5H12": 0.00006, "NC6H14": 0.00001, "N2": 0.00786, "CO2": 0.00030}
    g = Gas.from_composition(x)
    carbon = (0.98156 + 2 * 0.00728 + 3 * 0.00212 + 4 * (0.00039 + 0.00035)
              + 5 * (0.00007 + 0.00006) + 6 * 0.00001 + 0.00030)        # 1.00725 C per molecule
    moles = 101325.0 / (g.normal_compressibility * 8.314462618 * 273.15)
    assert co2_per_normal_m3(g) == pytest.approx(moles * carbon * 0.0440095, rel=1e-9)
    assert 54.3e3 < co2_per_net_energy(g) * 1e12 < 58.3e3
    assert IPCC_2006_NATURAL_GAS_CO2_KG_PER_TJ == 56100.0


def test_co2_needs_a_composition():
    """A gas from bulk values has no carbon count: a clear InputError."""
    from linepack.physics.gas import co2_per_normal_m3

    with pytest.raises(InputError, match="composition"):
        co2_per_normal_m3(Gas.from_normal_density(0.73))
