"""Element laws: closed forms and analytic derivatives against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linepack.physics import element_laws as laws
from linepack.units import G

R, T = 500.0, 288.15


def test_mean_pressure_equals_the_integral_mean_of_the_horizontal_profile():
    """p̄ = 2/3 (p1 + p2 − p1p2/(p1+p2)) is the length-mean of p(x) = sqrt(p1² − (p1²−p2²)x/L)."""
    p1, p2 = 70e5, 40e5
    x = np.linspace(0.0, 1.0, 200001)
    p = np.sqrt(p1 ** 2 - (p1 ** 2 - p2 ** 2) * x)
    mean = np.sum((p[1:] + p[:-1]) / 2) * (x[1] - x[0])
    assert laws.mean_pressure(p1, p2)[0] == pytest.approx(mean, rel=1e-9)


def test_horizontal_pipe_residual_vanishes_on_the_closed_form():
    """With S = 0, F = 0 exactly when p2² = p1² − (λL/D + ζ) R Z T m|m| / A² (Koch et al. 2015, eq. 2.27)."""
    L, D, lam, zeta, m, z = 50e3, 0.6, 0.009, 2.0, 80.0, 0.9
    A = np.pi * D * D / 4
    p1 = 60e5
    p2 = np.sqrt(p1 ** 2 - (lam * L / D + zeta) * R * z * T * m * m / A ** 2)
    F, *_ = laws.isothermal_pipe(p1, p2, m, m, lam, 2 * lam * m, z, 0.0, L, D, zeta, 0.0, T, R)
    assert abs(F) <= 1e-12 * p1 ** 2


def test_rising_pipe_uses_the_elevation_exponent():
    """F = p1² − e^S p2² − K (e^S − 1)/S m|m| with S = 2gΔh/(RZT)."""
    L, D, lam, m, z, dh = 30e3, 0.5, 0.01, 40.0, 1.0, 250.0
    A = np.pi * D * D / 4
    S = 2 * G * dh / (R * z * T)
    K = lam * L / D * R * z * T / A ** 2
    p1 = 50e5
    p2 = np.sqrt((p1 ** 2 - K * np.expm1(S) / S * m * m) * np.exp(-S))
    F, *_ = laws.isothermal_pipe(p1, p2, m, m, lam, 2 * lam * m, z, 0.0, L, D, 0.0, dh, T, R)
    assert abs(F) <= 1e-12 * p1 ** 2


@settings(max_examples=60, deadline=None, derandomize=True)
@given(p1=st.floats(10e5, 100e5), p2=st.floats(10e5, 100e5), m=st.floats(-300, 300).filter(lambda x: abs(x) > 1e-2),
       dh=st.floats(-500, 500))
def test_pipe_derivatives_match_finite_differences(p1, p2, m, dh):
    """∂F/∂p1, ∂F/∂p2 (with Z(p̄) linear in p̄) and ∂F/∂m match central differences."""
    L, D, lam, zeta, slope = 40e3, 0.7, 0.01, 1.0, -2.2e-8

    def F(a, b, q):
        pm, _, _ = laws.mean_pressure(a, b)
        z = 1 + slope * pm
        return laws.isothermal_pipe(a, b, q, abs(q), lam, 2 * lam * abs(q), z, slope, L, D, zeta, dh, T, R)

    f, f1, f2, fm = F(p1, p2, m)
    # steps large enough that rounding in F (|F| up to ~1e15 Pa²) stays far below the
    # difference, small enough that the O(h²) truncation error is negligible
    h1, h2 = 1e-3 * p1, 1e-3 * p2
    noise = 1e-13 * abs(f)
    d1 = (F(p1 + h1, p2, m)[0] - F(p1 - h1, p2, m)[0]) / (2 * h1)
    d2 = (F(p1, p2 + h2, m)[0] - F(p1, p2 - h2, m)[0]) / (2 * h2)
    assert f1 == pytest.approx(d1, rel=1e-5, abs=noise / h1 + 1e-3)
    assert f2 == pytest.approx(d2, rel=1e-5, abs=noise / h2 + 1e-3)
    hm = 1e-3 * abs(m)  # stays on one side of m = 0, where m|m| is smooth
    assert fm == pytest.approx((F(p1, p2, m + hm)[0] - F(p1, p2, m - hm)[0]) / (2 * hm), rel=1e-5, abs=1e3)


def test_resistor_law_and_derivatives():
    """Δp = 8ζ m|m| /(π² D⁴ ρ_up), ρ_up = p_up/(R Z T); derivatives by central differences."""
    zeta, D, z = 60.0, 0.8, 0.9
    p1, m = 50e5, 120.0
    rho = p1 / (R * z * T)
    dp = 8 * zeta * m * m / (np.pi ** 2 * D ** 4 * rho)
    F, f1, f2, fm = laws.quadratic_resistor(p1, p1 - dp, m, m, zeta, D, z, T, R, True)
    assert abs(F) <= 1e-9 * p1
    h = 1.0
    Fp = lambda a: laws.quadratic_resistor(a, p1 - dp, m, m, zeta, D, z, T, R, True)[0]  # noqa: E731
    assert f1 == pytest.approx((Fp(p1 + h) - Fp(p1 - h)) / (2 * h), rel=1e-6)
    assert f2 == -1.0
    Fm = lambda q: laws.quadratic_resistor(p1, p1 - dp, q, abs(q), zeta, D, z, T, R, True)[0]  # noqa: E731
    assert fm == pytest.approx((Fm(m + 1e-3) - Fm(m - 1e-3)) / 2e-3, rel=1e-6)


def test_pipe_law_with_precomputed_area_and_mean_is_the_same():
    """The optional ``mean`` and ``area`` arguments only save work: identical results, sloped
    and flat pipes in one call."""
    rng = np.random.default_rng(4)
    n = 50
    p1, p2 = rng.uniform(30e5, 80e5, n), rng.uniform(30e5, 80e5, n)
    m = rng.uniform(-200, 200, n)
    D, L = rng.uniform(0.3, 1.2, n), rng.uniform(1e3, 60e3, n)
    dh = np.where(rng.random(n) < 0.5, 0.0, rng.uniform(-300, 300, n))
    lam, z = 0.011, rng.uniform(0.85, 0.95, n)
    args = (p1, p2, m, abs(m), lam, 2 * lam * abs(m), z, -2e-8, L, D, 0.5, dh, T, R)
    plain = laws.isothermal_pipe(*args)
    given = laws.isothermal_pipe(*args, mean=laws.mean_pressure(p1, p2), area=np.pi * D * D / 4.0)
    for a, b in zip(plain, given):
        assert np.array_equal(a, b)
