"""Tests for linepack.physics.friction."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from linepack.errors import InputError
from linepack.physics import friction
from linepack.physics.friction import (
    FRICTION_LAWS,
    RE_FLOOR,
    ColebrookWhite,
    Hofer,
    Nikuradse,
    NikuradseStanet,
    PanhandleA,
    PanhandleB,
    SwameeJain,
    Weymouth,
    colebrook_white,
    get_friction,
)

ALL_LAWS = [cls() for cls in FRICTION_LAWS.values()]
LAMINAR_LAWS = [ColebrookWhite(), Hofer(), SwameeJain(), PanhandleA(), PanhandleB(),
                NikuradseStanet()]
TURBULENT_RE_LAWS = [ColebrookWhite(), Hofer(), SwameeJain(), PanhandleA(), PanhandleB()]
HYP = settings(max_examples=60, deadline=None)


def colebrook_brentq(re, rr):
    """Independent scalar solution of Colebrook (1939) eq. with brentq."""
    def g(lam):
        return 1.0 / math.sqrt(lam) + 2.0 * math.log10(rr / 3.71 + 2.51 / (re * math.sqrt(lam)))
    return brentq(g, 1e-5, 1.0, xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=500)


@pytest.mark.parametrize("re", [4e3, 1e4, 1e5, 1e6, 1e7, 1e8])
@pytest.mark.parametrize("rr", [0.0, 1e-6, 1e-4, 1e-3, 1e-2, 5e-2])
def test_colebrook_matches_independent_brentq(re, rr):
    """Colebrook-White equals an independent brentq root to ~machine precision."""
    ref = colebrook_brentq(re, rr)
    assert ColebrookWhite().factor(re, rr, 0.5) == pytest.approx(ref, rel=1e-13)
    assert colebrook_white(re, rr) == pytest.approx(ref, rel=1e-13)


@pytest.mark.parametrize(
    "re, rr, moody",
    [
        # Moody (1944), Trans. ASME 66, Fig. 1, read to about ±2 %:
        (1e5, 0.0, 0.018),     # smooth pipe
        (1e6, 1e-4, 0.0134),   # transitional region
        (1e7, 1e-3, 0.0196),   # fully rough region, k/D = 0.001
        (1e4, 1e-2, 0.043),    # rough pipe, low Re
    ],
)
def test_colebrook_against_moody_chart(re, rr, moody):
    """Colebrook-White reproduces readings of the Moody chart."""
    assert ColebrookWhite().factor(re, rr, 1.0) == pytest.approx(moody, rel=0.02)


def test_laminar_branch_is_hagen_poiseuille():
    """Below Re = 2320 the laminar laws give 64/Re (Hagen-Poiseuille)."""
    re = np.array([1.0, 10.0, 500.0, 2000.0, 2320.0])
    for law in [ColebrookWhite(), Hofer(), SwameeJain(), PanhandleA(), PanhandleB()]:
        np.testing.assert_allclose(law.factor(re, 1e-4, 0.5), 64.0 / re, rtol=1e-14)
        np.testing.assert_allclose(law.factor_re(re, 1e-4, 0.5), 64.0, rtol=1e-14)


@pytest.mark.parametrize("law", ALL_LAWS, ids=lambda law: law.name)
def test_zero_flow_is_finite(law):
    """At Re = 0 every law returns a finite positive λ and a finite λ·Re (solver contract)."""
    lam = np.asarray(law.factor([0.0, 1e-12], 1e-4, 0.6))
    assert np.all(np.isfinite(lam)) and np.all(lam > 0)
    assert np.all(np.isfinite(law.d_dre([0.0, 1e-12], 1e-4, 0.6)))
    fre = np.asarray(law.factor_re([0.0, 1e-12, 1e-3], 1e-4, 0.6))
    assert np.all(np.isfinite(fre))
    if law in LAMINAR_LAWS:
        # laminar limit λ·Re → 64
        np.testing.assert_allclose(fre, 64.0, rtol=1e-6)
    assert np.all(np.isfinite(law.d_factor_re_dre([0.0, 1e-3], 1e-4, 0.6)))


def test_re_floor_caps_laminar_factor():
    """Below RE_FLOOR the laminar λ is 64/RE_FLOOR with zero slope."""
    assert ColebrookWhite().factor(0.0, 1e-4, 1.0) == pytest.approx(64.0 / RE_FLOOR)
    assert ColebrookWhite().d_dre(0.0, 1e-4, 1.0) == 0.0


@pytest.mark.parametrize("law", LAMINAR_LAWS[:-1], ids=lambda law: law.name)
def test_transition_blend_is_c1(law):
    """The Hermite blend matches value and slope of both branches at 2320 and 4000."""
    rr, d = 1e-4, 0.5
    for re0 in (law.re_laminar, law.re_turbulent):
        h = 1e-7 * re0
        lo, hi = law.factor(re0 - h, rr, d), law.factor(re0 + h, rr, d)
        assert lo == pytest.approx(hi, rel=1e-6)
        dlo, dhi = law.d_dre(re0 - h, rr, d), law.d_dre(re0 + h, rr, d)
        assert dlo == pytest.approx(dhi, rel=1e-5, abs=1e-4 * lo / re0)


def test_nikuradse_is_rough_limit_of_colebrook():
    """GasLib's Nikuradse law is Colebrook's Re → ∞ limit (1.138 vs 2·log10(3.71) = 1.1387)."""
    rr = np.array([1e-5, 1e-4, 1e-3, 1e-2])
    np.testing.assert_allclose(Nikuradse().factor(1e6, rr, 1.0),
                               colebrook_white(1e14, rr), rtol=2e-3)


def test_nikuradse_gaslib_value():
    """λ = (2·log10(D/k) + 1.138)^-2 (Koch et al. 2015, Ch. 2): D = 1 m, k = 0.012 mm."""
    expected = (2 * math.log10(1.0 / 1.2e-5) + 1.138) ** -2
    assert Nikuradse().factor(1e7, 1.2e-5, 1.0) == pytest.approx(expected, rel=1e-14)
    # by hand: log10(83333.3) = 4.92082; 2·4.92082 + 1.138 = 10.97964; 10.97964^-2 = 0.0082951
    assert Nikuradse().factor(1e7, 1.2e-5, 1.0) == pytest.approx(0.0082951, rel=1e-4)


def test_nikuradse_stanet_reproduces_pandapipes():
    """Cross-tool: equals the installed pandapipes calc_lambda_nikuradse_comp_np."""
    toolbox = pytest.importorskip("pandapipes.pf.derivative_toolbox")
    m = np.array([0.01, 0.5, 3.0, 40.0, 300.0])
    d = np.array([0.1, 0.2, 0.5, 0.8, 1.2])
    k = np.array([1e-5, 1e-4, 5e-5, 2e-5, 1.2e-5])
    eta = np.full(5, 1.1e-5)
    area = np.pi * d ** 2 / 4
    re, lam_lam, lam_nik = toolbox.calc_lambda_nikuradse_comp_np(m, d, k, eta, area)
    ours = NikuradseStanet().factor(re, k / d, d)
    np.testing.assert_allclose(ours, lam_lam + lam_nik, rtol=1e-12)


def _grid():
    re = np.logspace(np.log10(5e3), 8, 120)
    rr = np.logspace(-6, -2, 25)
    r, k = np.meshgrid(re, rr)
    return r.ravel(), k.ravel()


def test_swamee_jain_against_colebrook():
    """Swamee & Jain (1976) vs Colebrook: ≤ 3 % on 5e3-1e8, 1e-6-1e-2 (Brkić 2011 review), ≤ 1.2 % for Re ≥ 1e5."""
    re, rr = _grid()
    err = np.abs(SwameeJain().factor(re, rr, 1.0) / colebrook_white(re, rr) - 1)
    assert err.max() <= 0.03
    assert err[re >= 1e5].max() <= 0.012


def test_hofer_against_colebrook():
    """Hofer (1973) vs Colebrook: ≤ 2.1 % on 5e3-1e8 and k/D ≤ 1e-2, ≤ 1.2 % for Re ≥ 1e5."""
    re, rr = _grid()
    err = np.abs(Hofer().factor(re, rr, 1.0) / colebrook_white(re, rr) - 1)
    assert err.max() <= 0.021
    assert err[re >= 1e5].max() <= 0.012
    smooth = np.abs(Hofer().factor(re, 0.0, 1.0) / colebrook_white(re, 0.0) - 1)
    assert smooth.max() <= 0.003


def test_weymouth_matches_menon_uscs_form():
    """Menon (2005) Ch. 2: Weymouth λ = 0.032/D^(1/3), D in inches (F = 11.18·D^(1/6))."""
    for d_in in (1.0, 12.0, 36.0):
        lam_uscs = 4.0 / (11.18 * d_in ** (1 / 6)) ** 2  # = 0.032/d_in^(1/3)
        assert Weymouth().factor(1e6, 0.0, d_in * 0.0254) == pytest.approx(lam_uscs, rel=1e-12)
    assert Weymouth().factor(1e6, 0.0, 0.0254) == pytest.approx(0.032, rel=1e-3)


@pytest.mark.parametrize("law, coef, expo", [(PanhandleA(), 7.2111, 0.07305),
                                              (PanhandleB(), 19.08, 0.01961)])
def test_panhandle_matches_menon_transmission_factor(law, coef, expo):
    """Menon (2005) Ch. 2: F = c·(Q·G/D)^e with Re = 0.0004778·(Pb/Tb)·G·Q/(μ·D) (USCS)."""
    q, g, d_in = 150e6, 0.6, 24.0          # SCFD, -, inch
    mu = 7.0e-6                            # lb/(ft·s), Menon's typical gas viscosity
    re = 0.0004778 * (14.73 / 520.0) * g * q / (mu * d_in)
    f_menon = coef * (q * g / d_in) ** expo
    assert law.factor(re, 1e-5, d_in * 0.0254) == pytest.approx(4.0 / f_menon ** 2, rel=1e-10)


@HYP
@given(re=st.floats(4.1e3, 1e9), rr=st.floats(0.0, 0.05), ratio=st.floats(1.01, 10.0))
def test_turbulent_lambda_decreases_with_re(re, rr, ratio):
    """In the turbulent regime λ is non-increasing in Re for every Re-dependent law."""
    for law in TURBULENT_RE_LAWS:
        assert law.factor(re * ratio, rr, 0.5) <= law.factor(re, rr, 0.5) * (1 + 1e-14)


@HYP
@given(re=st.one_of(st.floats(1.0, 2300.0), st.floats(2330.0, 3990.0),
                    st.floats(4010.0, 1e8)),
       rr=st.floats(1e-7, 0.05), d=st.floats(0.05, 1.5))
def test_derivatives_match_central_differences(re, rr, d):
    """d_dre and d_factor_re_dre equal central finite differences for every law."""
    h = 1e-6 * re
    for law in ALL_LAWS:
        fd = (law.factor(re + h, rr, d) - law.factor(re - h, rr, d)) / (2 * h)
        an = law.d_dre(re, rr, d)
        scale = abs(law.factor(re, rr, d)) / re
        assert an == pytest.approx(fd, rel=1e-5, abs=1e-7 * scale)
        fd2 = (law.factor_re(re + h, rr, d) - law.factor_re(re - h, rr, d)) / (2 * h)
        an2 = law.d_factor_re_dre(re, rr, d)
        assert an2 == pytest.approx(fd2, rel=1e-5, abs=1e-7 * abs(law.factor(re, rr, d)))


@pytest.mark.parametrize("law", ALL_LAWS, ids=lambda law: law.name)
def test_vectorised_shapes(law):
    """Arrays of shape (n,) in give shape (n,) out; scalars broadcast; 2-D works."""
    n = 1000
    re = np.logspace(0, 8, n)
    rr = np.full(n, 1e-4)
    d = np.linspace(0.1, 1.4, n)
    lam = law.factor(re, rr, d)
    assert lam.shape == (n,)
    lam_b, dlam_b = law.factor_and_derivative(re, 1e-4, d)
    np.testing.assert_array_equal(lam, lam_b)
    assert dlam_b.shape == (n,)
    assert law.factor(re.reshape(10, 100), 1e-4, 0.5).shape == (10, 100)
    scalar = law.factor(1e6, 1e-4, 0.5)
    assert np.ndim(scalar) == 0


def test_no_python_loop_over_elements():
    """1e5 Colebrook evaluations run in well under a second (vectorised)."""
    import time
    re = np.logspace(3, 8, 100_000)
    t0 = time.perf_counter()
    ColebrookWhite().factor(re, 1e-5, 0.5)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1.0, 1e-4, 0.5), "reynolds must be a finite number >= 0 (got -1.0)"),
        ((1e5, -1e-4, 0.5), "relative_roughness must be a finite number >= 0 (k/D) (got -0.0001)"),
        ((1e5, 1e-4, 0.0), "diameter must be a finite number > 0 m (got 0.0)"),
        ((1e5, 1e-4, [0.5, -2.0]), "diameter must be a finite number > 0 m (got -2.0)"),
        ((np.nan, 1e-4, 0.5), "reynolds must be a finite number >= 0 (got nan)"),
    ],
)
def test_bad_arguments_name_the_argument(args, message):
    """Bad inputs raise InputError naming argument, value and expectation."""
    with pytest.raises(InputError) as exc:
        ColebrookWhite().factor(*args)
    assert str(exc.value) == message
    assert isinstance(exc.value, ValueError)


def test_rough_law_needs_roughness():
    """Nikuradse is a rough-pipe law: k = 0 is rejected with a clear message."""
    with pytest.raises(InputError, match=r"relative_roughness must be > 0 for the 'nikuradse' "
                                         r"law, which is a rough-pipe law \(got 0.0\)"):
        Nikuradse().factor(1e6, 0.0, 0.5)


def test_registry_names_and_did_you_mean():
    """get_friction maps names (and aliases), passes objects through, suggests on typos."""
    for name, cls in FRICTION_LAWS.items():
        assert isinstance(get_friction(name), cls)
    assert isinstance(get_friction("Colebrook"), ColebrookWhite)
    assert isinstance(get_friction("swamee_jain"), SwameeJain)
    law = Hofer(re_laminar=2000.0)
    assert get_friction(law) is law
    with pytest.raises(InputError) as exc:
        get_friction("colebrok-white")
    assert "unknown law 'colebrok-white'" in str(exc.value)
    assert "(did you mean 'colebrook-white'?)" in str(exc.value)
    with pytest.raises(InputError, match="friction must be a law name"):
        get_friction(42)


def test_transition_bounds_validated():
    """re_laminar must be below re_turbulent."""
    with pytest.raises(InputError, match="need 0 < re_laminar < re_turbulent"):
        ColebrookWhite(re_laminar=5000.0, re_turbulent=4000.0)


def test_colebrook_white_function_needs_positive_re():
    """The plain turbulent colebrook_white() rejects Re = 0."""
    with pytest.raises(InputError, match=r"reynolds must be > 0 .* \(got 0.0\)"):
        friction.colebrook_white(0.0, 1e-4)


def test_sharp_switch_variant_matches_plain_colebrook_above_2320():
    """blend=False: 64/Re below 2320, plain Colebrook from 2320 on (STANET-compatible)."""
    law = ColebrookWhite(blend=False)
    re = np.array([2320.0, 2900.0, 3500.0, 1e5])
    np.testing.assert_allclose(law.factor(re, 2e-3, 0.05), colebrook_white(re, 2e-3), rtol=1e-14)
    assert law.factor(2000.0, 2e-3, 0.05) == pytest.approx(64 / 2000.0, rel=1e-14)
    assert law.factor_re(0.0, 2e-3, 0.05) == 64.0
    h = 1e-3
    fd = (law.factor(2900.0 + h, 2e-3, 0.05) - law.factor(2900.0 - h, 2e-3, 0.05)) / (2 * h)
    assert law.d_dre(2900.0, 2e-3, 0.05) == pytest.approx(fd, rel=1e-6)


@pytest.mark.parametrize("law", ALL_LAWS, ids=lambda law: law.name)
def test_paired_evaluation_equals_the_separate_ones(law):
    """``factor_re_and_derivative`` (the solver's one-call path) returns exactly
    ``(factor_re, d_factor_re_dre)``, on every branch (laminar, transition, turbulent)."""
    re = np.array([0.0, 300.0, 2500.0, 3500.0, 1e5, 5e7])
    rr, d = np.full(re.size, 1e-4), np.full(re.size, 0.5)
    a, b = law.factor_re_and_derivative(re, rr, d)
    np.testing.assert_array_equal(a, law.factor_re(re, rr, d))
    np.testing.assert_array_equal(b, law.d_factor_re_dre(re, rr, d))


@pytest.mark.parametrize("name", sorted(FRICTION_LAWS))
def test_prepared_law_equals_the_law(name):
    """``law.at(rr, d)(re)`` gives exactly ``factor_re_and_derivative(re, rr, d)`` for every
    law, across the laminar, transition and turbulent ranges and at the Re floor."""
    law = FRICTION_LAWS[name]()
    rng = np.random.default_rng(7)
    d = rng.uniform(0.1, 1.4, 300)
    rr = rng.uniform(1e-6, 1e-3, 300)
    f = law.at(rr, d)
    for re in (np.full(300, RE_FLOOR), rng.uniform(10, 4000, 300), 10 ** rng.uniform(3, 8, 300)):
        a, b = f(re)
        a0, b0 = law.factor_re_and_derivative(re, rr, d)
        np.testing.assert_array_equal(a, a0)
        np.testing.assert_array_equal(b, b0)


@pytest.mark.parametrize("name", ["nikuradse", "nikuradse-stanet"])
def test_prepared_rough_pipe_law_refuses_smooth_pipes_at_once(name):
    """The rough-pipe laws refuse k = 0 when prepared, naming the law."""
    with pytest.raises(InputError, match=name):
        FRICTION_LAWS[name]().at(np.array([1e-5, 0.0]), np.array([0.5, 0.5]))
