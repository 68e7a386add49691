"""Tests for linepack.physics.compressor."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from linepack.errors import InputError
from linepack.physics import compressor as c

HYP = settings(max_examples=60, deadline=None)
R_S = 518.28   # methane, R/M [J/(kg·K)]


def test_head_equals_integral_of_v_dp_along_isentrope():
    """H_ad = ∫ v dp along p·v^κ = const with v_in = Z·R_s·T/p_in (Menon 2005, Ch. 8 derivation)."""
    p_in, p_out, t_in, z_in, kappa = 45e5, 70e5, 288.15, 0.9, 1.3
    v_in = z_in * R_S * t_in / p_in
    integral, _ = quad(lambda p: v_in * (p_in / p) ** (1 / kappa), p_in, p_out, epsabs=0,
                       epsrel=1e-13)
    assert c.specific_head(p_in, p_out, t_in, z_in, R_S, kappa) == pytest.approx(integral,
                                                                                 rel=1e-10)


def test_power_and_outlet_temperature_energy_balance():
    """P = ṁ·H/η; for Z = 1, cp·(T_out − T_in) = H/η with cp = κ·R_s/(κ−1) (first law)."""
    m, p_in, p_out, t_in, kappa, eta = 250.0, 50e5, 75e5, 283.15, 1.31, 0.82
    h = c.specific_head(p_in, p_out, t_in, 1.0, R_S, kappa)
    assert c.power(m, p_in, p_out, t_in, 1.0, R_S, kappa, eta) == pytest.approx(m * h / eta)
    t_out = c.outlet_temperature(p_in, p_out, t_in, kappa, eta)
    cp = kappa * R_S / (kappa - 1)
    assert cp * (t_out - t_in) == pytest.approx(h / eta, rel=1e-12)
    # isentropic outlet temperature: T·p^((1−κ)/κ) constant
    t_s = c.outlet_temperature(p_in, p_out, t_in, kappa)
    assert t_s * p_out ** ((1 - kappa) / kappa) == pytest.approx(t_in * p_in ** ((1 - kappa) / kappa))


def test_typical_station_figure():
    """100 kg/s methane 50→70 bar at 15 °C, Z 0.9, κ 1.3, η 0.8: about 5.88 MW (by hand)."""
    # by hand: e = 0.3/1.3 = 0.230769; 1.4^e = exp(0.230769·0.336472) = 1.080741;
    #          H = 0.9·518.28·288.15/e·0.080741 = 47.03 kJ/kg; P = 100·47.03/0.8 = 5.878 MW
    p = c.power(100.0, 50e5, 70e5, 288.15, 0.9, R_S, 1.3, 0.8)
    assert p == pytest.approx(5.878e6, rel=1e-3)


def test_no_compression_no_power():
    """π = 1 gives zero head and power, T_out = T_in."""
    assert c.power(100.0, 60e5, 60e5, 288.0, 0.9, R_S, 1.3, 0.8) == 0.0
    assert c.outlet_temperature(60e5, 60e5, 288.0, 1.3, 0.8) == 288.0


@HYP
@given(m=st.floats(0.0, 500.0), p_in=st.floats(10e5, 80e5), ratio=st.floats(1.0, 2.0),
       t=st.floats(270.0, 320.0), z=st.floats(0.8, 1.0), kappa=st.floats(1.15, 1.4),
       eta=st.floats(0.6, 1.0), dz=st.floats(-3e-8, 0.0))
def test_power_derivatives_match_central_differences(m, p_in, ratio, t, z, kappa, eta, dz):
    """∂P/∂ṁ, ∂P/∂p_in (incl. dZ_in/dp_in), ∂P/∂p_out equal central differences."""
    p_out = p_in * ratio
    d = c.power_derivatives(m, p_in, p_out, t, z, R_S, kappa, eta, dz_in_dp_in=dz)

    def pw(m_, pi_, po_):
        return c.power(m_, pi_, po_, t, z + dz * (pi_ - p_in), R_S, kappa, eta)

    hm, hp = 1e-3, 1.0
    fd_m = (pw(m + hm, p_in, p_out) - pw(max(m - hm, 0.0), p_in, p_out)) / (m + hm - max(m - hm, 0.0))
    fd_in = (pw(m, p_in + hp, p_out) - pw(m, p_in - hp, p_out)) / (2 * hp)
    fd_out = (pw(m, p_in, p_out + hp) - pw(m, p_in, p_out - hp)) / (2 * hp)
    scale = abs(pw(m, p_in, p_out)) + 1.0
    assert d.d_mass_flow == pytest.approx(fd_m, rel=1e-6, abs=1e-9 * scale)
    assert d.d_p_in == pytest.approx(fd_in, rel=1e-5, abs=1e-9 * scale)
    assert d.d_p_out == pytest.approx(fd_out, rel=1e-5, abs=1e-9 * scale)


def test_vectorised():
    """(n,) arrays in, (n,) arrays out."""
    n = 50
    m = np.linspace(0, 300, n)
    p_out = np.linspace(50e5, 80e5, n)
    assert c.power(m, 45e5, p_out, 288.0, 0.9, R_S, 1.3, 0.8).shape == (n,)
    d = c.power_derivatives(m, 45e5, p_out, 288.0, 0.9, R_S, 1.3, 0.8)
    assert d.d_p_in.shape == (n,) and d.d_mass_flow.shape == (n,)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(kappa=1.0), "kappa must be a finite number > 1 (got 1.0)"),
        (dict(p_in=0.0), "p_in must be a finite number > 0 Pa (got 0.0)"),
        (dict(efficiency=1.2), "efficiency must be in (0, 1] (got 1.2)"),
        (dict(mass_flow=-1.0), "mass_flow must be a finite number >= 0 kg/s (got -1.0)"),
    ],
)
def test_bad_arguments(kwargs, message):
    """Bad compressor arguments raise InputError naming argument, value and expectation."""
    args = dict(mass_flow=100.0, p_in=50e5, p_out=70e5, t_in=288.0, z_in=0.9,
                specific_gas_constant=R_S, kappa=1.3, efficiency=0.8)
    args.update(kwargs)
    with pytest.raises(InputError) as exc:
        c.power(**args)
    assert str(exc.value) == message


def test_fuel_gas_flow_by_hand():
    """Driver energy balance: 10 MW shaft at 30 % with 33.5 MJ/m³ → 10e6/(0.3·33.5e6) m³/s."""
    from linepack.physics.compressor import fuel_gas_flow

    q = fuel_gas_flow(10e6, 0.30, 33.5e6)
    assert q == pytest.approx(0.99502, rel=1e-5)
    assert q * 86400 / 1e6 == pytest.approx(0.08597, rel=1e-4)       # million m³/day
    assert fuel_gas_flow(0.0, 0.3, 33.5e6) == 0.0
    np.testing.assert_allclose(fuel_gas_flow(np.array([1e6, 2e6]), 0.35, 35e6),
                               [1e6 / (0.35 * 35e6), 2e6 / (0.35 * 35e6)])


def test_fuel_gas_flow_rejects_bad_efficiency():
    """Efficiency outside (0, 1] and negative power are input errors naming the argument."""
    from linepack.physics.compressor import fuel_gas_flow

    with pytest.raises(InputError, match="drive_efficiency"):
        fuel_gas_flow(1e6, 1.2, 35e6)
    with pytest.raises(InputError, match="drive_efficiency"):
        fuel_gas_flow(1e6, 0.0, 35e6)
    with pytest.raises(InputError, match="shaft_power"):
        fuel_gas_flow(-1.0, 0.3, 35e6)
