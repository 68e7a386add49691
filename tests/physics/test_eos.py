"""Tests for linepack.physics.eos."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linepack.errors import InputError
from linepack.physics import eos
from linepack.physics.eos import AGA, GERG2008, Constant, Ideal, Linear, Papay, get_eos
from linepack.physics.gas import DEFAULT_GAS, Gas

HYP = settings(max_examples=60, deadline=None)
ANALYTIC = [Ideal(), Constant(0.9), Linear.stanet(), Papay(), AGA()]

LEAN_GASES = [
    DEFAULT_GAS,
    Gas.from_composition({"CH4": 0.90, "C2H6": 0.05, "C3H8": 0.01, "N2": 0.03, "CO2": 0.01},
                         name="North Sea H-gas"),
    Gas.from_composition({"CH4": 0.85, "C2H6": 0.03, "N2": 0.10, "CO2": 0.02}, name="L-gas"),
    Gas.from_composition({"CH4": 1.0}, name="methane"),
]

# GERG-2008 example mixture of AGA Report No. 8 Part 2 (2017), as in NIST's reference code
# usnistgov/AGA8, AGA8CODE/C/GERG2008_test_01.cpp (component order of GERG-2008).
AGA8_KEYS = ["CH4", "N2", "CO2", "C2H6", "C3H8", "IC4H10", "NC4H10", "IC5H12", "NC5H12",
             "NC6H14", "NC7H16", "NC8H18", "NC9H20", "NC10H22", "H2", "O2", "CO", "H2O", "H2S",
             "HE", "AR"]
AGA8_X = [0.77824, 0.02, 0.06, 0.08, 0.03, 0.0015, 0.003, 0.0005, 0.00165, 0.00215, 0.00088,
          0.00024, 0.00015, 0.00009, 0.004, 0.005, 0.002, 0.0001, 0.0025, 0.007, 0.001]


@pytest.fixture(scope="module")
def aga8_gas():
    # bulk fields are not used by GERG-2008 (molar mass 20.5427445016 g/mol from the reference)
    return Gas(molar_mass=20.5427445016e-3, pseudo_critical_pressure=4.6e6,
               pseudo_critical_temperature=210.0, normal_density=0.92,
               composition=dict(zip(AGA8_KEYS, AGA8_X)), name="AGA8 example")


def test_gerg2008_against_nist_aga8_reference(aga8_gas):
    """GERG-2008 (CoolProp) vs NIST AGA8 reference code at 400 K, 50 MPa."""
    pytest.importorskip("CoolProp")
    # Reference values: usnistgov/AGA8 GERG2008_test_01.cpp (Kunz & Wagner 2012 equation).
    # CoolProp uses its own pure-fluid equations with GERG-2008 mixing, hence rel 1e-4.
    assert GERG2008().z(50e6, 400.0, aga8_gas) == pytest.approx(1.174690666383717, rel=1e-4)
    # isentropic exponent and Joule-Thomson coefficient (7.1556e-5 K/kPa) from the same file
    kappa = eos.isentropic_exponent(50e6, 400.0, aga8_gas, method="coolprop")
    assert kappa == pytest.approx(2.683820255058032, rel=1e-3)
    jt = eos.joule_thomson_coefficient(50e6, 400.0, aga8_gas, eos="gerg2008")
    assert jt == pytest.approx(7.155629581480913e-05 / 1e3, rel=0.015)


@pytest.mark.parametrize("gas", LEAN_GASES, ids=lambda g: g.name)
def test_papay_and_aga_against_gerg2008(gas):
    """Papay ≤ 2 % (1-100 bar) and AGA ≤ 2.5 % (1-70 bar) of GERG-2008 for lean gas at 0-40 °C.

    Accuracy bounds: Papay's fit of the Standing-Katz chart and the AGA formula's stated
    range (p ≤ 70 bar) as discussed in Schmidt et al. 2015 (doi:10.1007/s11081-014-9246-x).
    """
    pytest.importorskip("CoolProp")
    p, t = np.meshgrid(np.linspace(1e5, 100e5, 12), np.linspace(273.15, 313.15, 5))
    p, t = p.ravel(), t.ravel()
    z_ref = GERG2008().z(p, t, gas)
    assert np.abs(Papay().z(p, t, gas) / z_ref - 1).max() <= 0.02
    low = p <= 70e5
    assert np.abs(AGA().z(p[low], t[low], gas) / z_ref[low] - 1).max() <= 0.025


def test_papay_formula_by_hand():
    """Papay (1968) at pr = 1, Tr = 1.5: 1 − 3.52·e^−3.39 + 0.274·e^−2.817 = 0.897727."""
    g = Gas(molar_mass=0.017, pseudo_critical_pressure=4.6e6, pseudo_critical_temperature=190.0,
            normal_density=0.76)
    expected = 1 - 3.52 * math.exp(-2.260 * 1.5) + 0.274 * math.exp(-1.878 * 1.5)
    assert Papay().z(4.6e6, 285.0, g) == pytest.approx(expected, rel=1e-14)
    # by hand: e^-3.39 = 0.0337087, e^-2.817 = 0.0597850 -> 1 - 0.118655 + 0.016381
    assert expected == pytest.approx(0.897727, abs=2e-6)


def test_aga_formula_by_hand():
    """AGA (GasLib form) at pr = 1, Tr = 1.5: 1 + 0.257 − 0.533/1.5 = 0.901667."""
    g = Gas(molar_mass=0.017, pseudo_critical_pressure=4.6e6, pseudo_critical_temperature=190.0,
            normal_density=0.76)
    assert AGA().z(4.6e6, 285.0, g) == pytest.approx(1 + 0.257 - 0.533 / 1.5, rel=1e-14)


def test_stanet_linear():
    """STANET/pandapipes: Z = 1 − 0.0022·p[bar] → Z(10 bar) = 0.978, dZ/dp = −2.2e-8 1/Pa."""
    model = Linear.stanet()
    assert model.z(10e5, 288.15, DEFAULT_GAS) == pytest.approx(0.978, rel=1e-14)
    assert model.dz_dp(10e5, 288.15, DEFAULT_GAS) == pytest.approx(-2.2e-8, rel=1e-14)
    assert model.dz_dt(10e5, 288.15, DEFAULT_GAS) == 0.0


def test_ideal_and_constant():
    """Ideal gives 1, Constant its value; both have zero derivatives."""
    p = np.array([1e5, 5e6])
    np.testing.assert_array_equal(Ideal().z(p, 280.0, DEFAULT_GAS), [1.0, 1.0])
    np.testing.assert_array_equal(Constant(0.88).z(p, 280.0, DEFAULT_GAS), [0.88, 0.88])
    np.testing.assert_array_equal(Constant(0.88).dz_dp(p, 280.0, DEFAULT_GAS), [0.0, 0.0])


@HYP
@given(p=st.floats(1e4, 1.2e7), t=st.floats(250.0, 350.0))
def test_analytic_derivatives_match_central_differences(p, t):
    """dz_dp and dz_dt equal central finite differences for every analytic model."""
    for model in ANALYTIC:
        hp, ht = 1e-4 * p, 1e-4 * t
        fd_p = (model.z(p + hp, t, DEFAULT_GAS) - model.z(p - hp, t, DEFAULT_GAS)) / (2 * hp)
        fd_t = (model.z(p, t + ht, DEFAULT_GAS) - model.z(p, t - ht, DEFAULT_GAS)) / (2 * ht)
        assert model.dz_dp(p, t, DEFAULT_GAS) == pytest.approx(fd_p, rel=1e-6, abs=1e-16)
        assert model.dz_dt(p, t, DEFAULT_GAS) == pytest.approx(fd_t, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize("p, t", [(5e5, 275.0), (60e5, 288.15), (95e5, 310.0)])
def test_gerg_derivatives_match_central_differences(p, t):
    """GERG-2008 dZ/dp and dZ/dT (from CoolProp density derivatives) equal finite differences."""
    pytest.importorskip("CoolProp")
    m = GERG2008()
    hp, ht = 1e-4 * p, 1e-3 * t
    fd_p = (m.z(p + hp, t, DEFAULT_GAS) - m.z(p - hp, t, DEFAULT_GAS)) / (2 * hp)
    fd_t = (m.z(p, t + ht, DEFAULT_GAS) - m.z(p, t - ht, DEFAULT_GAS)) / (2 * ht)
    assert m.dz_dp(p, t, DEFAULT_GAS) == pytest.approx(fd_p, rel=1e-5)
    assert m.dz_dt(p, t, DEFAULT_GAS) == pytest.approx(fd_t, rel=1e-4)


@HYP
@given(p=st.floats(0.0, 1.2e7), t=st.floats(250.0, 350.0))
def test_z_is_continuous(p, t):
    """Z changes by O(δ) under a small pressure perturbation δ (no jumps)."""
    for model in ANALYTIC:
        dz = abs(model.z(p + 1.0, t, DEFAULT_GAS) - model.z(p, t, DEFAULT_GAS))
        assert dz <= 1e-6


def test_vectorised_shapes():
    """(n,) arrays in, (n,) out; scalars broadcast; 0-d out for scalar in."""
    n = 500
    p = np.linspace(1e5, 80e5, n)
    t = np.linspace(273.15, 313.15, n)
    for model in ANALYTIC:
        assert model.z(p, t, DEFAULT_GAS).shape == (n,)
        assert model.dz_dp(p, 288.15, DEFAULT_GAS).shape == (n,)
        assert model.dz_dt(60e5, t, DEFAULT_GAS).shape == (n,)
        assert np.ndim(model.z(60e5, 288.15, DEFAULT_GAS)) == 0
    pytest.importorskip("CoolProp")
    assert GERG2008().z(p[:5], t[:5], DEFAULT_GAS).shape == (5,)


@pytest.mark.parametrize(
    "p, t, message",
    [
        (-5.0, 288.0, "pressure must be >= 0 Pa (absolute) and finite (got -5.0)"),
        ([1e5, np.inf], 288.0, "pressure must be >= 0 Pa (absolute) and finite (got inf)"),
        (1e5, 0.0, "temperature must be > 0 K and finite (got 0.0)"),
        (1e5, [280.0, -3.0], "temperature must be > 0 K and finite (got -3.0)"),
    ],
)
def test_bad_state_messages(p, t, message):
    """Bad pressure/temperature raise InputError naming argument, value and expectation."""
    with pytest.raises(InputError) as exc:
        Papay().z(p, t, DEFAULT_GAS)
    assert str(exc.value) == message


def test_gerg_rejects_zero_pressure_and_missing_composition():
    """GERG-2008 needs p > 0 and a composition; messages say so."""
    pytest.importorskip("CoolProp")
    with pytest.raises(InputError, match=r"pressure must be > 0 Pa \(absolute\) and finite \(got 0.0\)"):
        GERG2008().z(0.0, 288.0, DEFAULT_GAS)
    bulk = Gas.from_normal_density(0.78)
    with pytest.raises(InputError, match="has no composition; GERG-2008 needs mole fractions"):
        GERG2008().z(50e5, 288.0, bulk)
    neo = Gas.from_composition({"CH4": 0.99, "neoC5H12": 0.01})
    with pytest.raises(InputError, match="'NEOC5H12' is not one of the 21 GERG-2008 components"):
        GERG2008().z(50e5, 288.0, neo)


def test_gas_argument_checked():
    """Passing something that is not a Gas is an InputError."""
    with pytest.raises(InputError, match="gas must be a linepack.physics.gas.Gas"):
        Papay().z(1e5, 288.0, {"molar_mass": 0.016})


def test_get_eos_registry():
    """get_eos maps names, passes models through and suggests on typos."""
    for name, cls in eos.EOS_MODELS.items():
        assert isinstance(get_eos(name), cls)
    assert isinstance(get_eos("GERG-2008"), GERG2008)
    model = Linear(slope=-1e-8)
    assert get_eos(model) is model
    with pytest.raises(InputError) as exc:
        get_eos("papy")
    assert str(exc.value) == ("eos: unknown model 'papy'; expected one of ideal, papay, aga, "
                              "gerg2008 (did you mean 'papay'?)")
    with pytest.raises(InputError, match="eos must be a model name"):
        get_eos(3.0)


def test_constructor_validation():
    """Constant(value <= 0) and a non-finite Linear slope are rejected."""
    with pytest.raises(InputError, match=r"Constant: value must be a finite number > 0 \(got -1\)"):
        Constant(-1)
    with pytest.raises(InputError, match=r"Linear: slope must be finite \(got nan\)"):
        Linear(slope=float("nan"))


def test_ideal_heat_capacity_against_coolprop():
    """The cp polynomial of methane matches CoolProp's ideal-gas cp0 within 0.7 % (fit bound)."""
    cp_mod = pytest.importorskip("CoolProp.CoolProp")
    methane = LEAN_GASES[-1]
    for t in (260.0, 300.0, 400.0):
        state = cp_mod.AbstractState("HEOS", "Methane")
        state.update(cp_mod.DmolarT_INPUTS, 1e-6, t)
        ref = state.cp0mass()
        assert eos.ideal_heat_capacity(t, methane) == pytest.approx(ref, rel=0.007)


def test_heat_capacity_ratio_and_isentropic_exponent():
    """Ideal κ = cp0/(cp0 − R_s); methane at 280 K ≈ 1.31 (real κ at 50 bar from CoolProp ≈ 1.36)."""
    methane = LEAN_GASES[-1]
    cp0 = eos.ideal_heat_capacity(280.0, methane)
    kappa = eos.isentropic_exponent(50e5, 280.0, methane)
    assert kappa == pytest.approx(cp0 / (cp0 - methane.specific_gas_constant), rel=1e-14)
    assert kappa == pytest.approx(1.31, abs=0.005)
    assert eos.heat_capacity_ratio([1e5, 50e5], 280.0, methane).shape == (2,)
    pytest.importorskip("CoolProp")
    real = eos.isentropic_exponent(50e5, 280.0, methane, method="coolprop")
    assert 1.3 < real < 1.42


def test_joule_thomson():
    """μ_JT = R_s T²/(p cp)·∂Z/∂T: zero for an ideal gas; Papay with real cp within 15 % of GERG.

    ∂Z/∂T of a 2 %-accurate Z correlation is much less accurate than Z itself; 15 % is
    what Papay achieves for methane at 20-70 bar (the worst case, 11.5 %, is at 20 bar).
    """
    methane = LEAN_GASES[-1]
    assert eos.joule_thomson_coefficient(50e5, 280.0, methane, eos=Ideal()) == 0.0
    pytest.importorskip("CoolProp")
    p, t = np.array([20e5, 50e5, 70e5]), np.array([280.0, 280.0, 290.0])
    ref = eos.joule_thomson_coefficient(p, t, methane, eos="gerg2008")
    cp_real = eos.heat_capacity_cp(p, t, methane, method="coolprop")
    approx = eos.joule_thomson_coefficient(p, t, methane, eos="papay", cp=cp_real)
    np.testing.assert_allclose(approx, ref, rtol=0.15)
    # methane near 280 K: about 4.5 K/MPa (GERG-2008 through CoolProp)
    assert 3.5e-6 < ref[1] < 5.5e-6


def test_missing_heat_capacity_message():
    """A gas without cp coefficients gives a message that says how to fix it."""
    bulk = Gas.from_normal_density(0.78, name="stanet gas")
    with pytest.raises(InputError, match="gas 'stanet gas' has no heat_capacity_coefficients"):
        eos.isentropic_exponent(50e5, 280.0, bulk)
    with pytest.raises(InputError, match=r"method must be one of ideal, coolprop \(got 'refprop'\)"):
        eos.isentropic_exponent(50e5, 280.0, DEFAULT_GAS, method="refprop")


@pytest.mark.parametrize("model", [Ideal(), Constant(0.9), Linear.stanet(), Papay(), AGA()],
                         ids=lambda m: m.name)
def test_paired_evaluation_equals_the_separate_ones(model):
    """``z_and_dz_dp`` (the solver's one-call path) returns exactly ``(z, dz_dp)``."""
    gas = DEFAULT_GAS
    p = np.array([1e5, 40e5, 85e5])
    z, dz = model.z_and_dz_dp(p, 283.15, gas)
    np.testing.assert_array_equal(z, model.z(p, 283.15, gas))
    np.testing.assert_array_equal(dz, model.dz_dp(p, 283.15, gas))
