"""Issue #20.4: physics functions refuse arguments outside their domain with an InputError
(a ValueError) that names the argument and the value, instead of returning ±inf or NaN."""

import numpy as np
import pytest

from linepack.errors import InputError
from linepack.physics import element_laws as laws
from linepack.physics.gas import sutton_pseudo_critical

R, T = 500.0, 288.15
PIPE = dict(m=10.0, m_abs=10.0, friction_factor=0.01, dfriction_term_dm=0.2, z=0.9, dz_dpm=0.0,
            length=1e4, diameter=0.5, loss_coefficient=0.0, height_difference=0.0,
            temperature=T, gas_constant=R)
RES = dict(m=10.0, m_abs=10.0, drag_factor=1.0, diameter=0.5, z_up=0.9, temperature=T,
           gas_constant=R, upstream_is_in=True)


@pytest.mark.parametrize("p_in, p_out, words", [
    (-50e5, 50e5, ("p_in", "-5000000.0")),       # gave ±inf before
    (50e5, -20e5, ("p_out", "-2000000.0")),
    (np.nan, 50e5, ("p_in", "nan")),
    (50e5, np.inf, ("p_out", "inf")),
    ([60e5, -1.0], [50e5, 40e5], ("p_in", "-1.0")),  # the first bad entry of an array
    (0.0, 0.0, ("p_in + p_out", "0")),
])
def test_mean_pressure_refuses_pressures_out_of_domain(p_in, p_out, words):
    with pytest.raises(ValueError) as e:
        laws.mean_pressure(p_in, p_out)
    assert isinstance(e.value, InputError)
    for w in words:
        assert w in str(e.value)


def test_mean_pressure_accepts_one_end_at_zero():
    """p_out = 0 (the limit of a choked pipe) is in the domain: p̄ = 2/3 p_in."""
    assert laws.mean_pressure(60e5, 0.0)[0] == pytest.approx(40e5)


@pytest.mark.parametrize("change, words", [
    (dict(p_in=-1e5), ("p_in", "-100000.0")),
    (dict(diameter=0.0), ("diameter", "0.0")),     # ZeroDivisionError before
    (dict(length=-5.0), ("length", "-5.0")),
    (dict(z=-0.9), ("z", "-0.9")),
    (dict(temperature=0.0), ("temperature", "0.0")),
    (dict(gas_constant=np.nan), ("gas_constant", "nan")),
])
def test_isothermal_pipe_refuses_arguments_out_of_domain(change, words):
    args = dict(p_in=50e5, p_out=40e5, **PIPE)
    args.update(change)
    with pytest.raises(InputError) as e:
        laws.isothermal_pipe(**args)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("change, words", [
    (dict(p_in=0.0), ("upstream pressure", "0.0")),   # gave -inf before
    (dict(p_in=-1.0), ("p_in", "-1.0")),               # gave a finite wrong residual before
    (dict(diameter=0.0), ("diameter", "0.0")),
    (dict(drag_factor=-2.0), ("drag_factor", "-2.0")),
])
def test_quadratic_resistor_refuses_arguments_out_of_domain(change, words):
    args = dict(p_in=50e5, p_out=40e5, **RES)
    args.update(change)
    with pytest.raises(InputError) as e:
        laws.quadratic_resistor(**args)
    for w in words:
        assert w in str(e.value)


@pytest.mark.parametrize("args, words", [
    ((10.0, -1.0, T, R), ("z", "-1.0")),       # gave a finite value with the wrong sign
    ((10.0, 1.0, -T, R), ("temperature", "-288.15")),
    ((10.0, 1.0, T, 0.0), ("gas_constant", "0.0")),   # gave inf
    ((np.nan, 1.0, T, R), ("height_difference", "nan")),
])
def test_elevation_exponent_refuses_arguments_out_of_domain(args, words):
    with pytest.raises(InputError) as e:
        laws.elevation_exponent(*args)
    for w in words:
        assert w in str(e.value)


def test_pipe_coefficients_refuse_a_zero_diameter():
    with pytest.raises(InputError, match=r"diameter must be a finite number > 0 m \(got 0.0\)"):
        laws.isothermal_pipe_coefficients(0.01, 0.9, 1e4, 0.0, 0.0, 0.0, T, R)


@pytest.mark.parametrize("gamma", [-0.6, 0.0, np.nan, np.inf])
def test_sutton_refuses_a_relative_density_out_of_domain(gamma):
    with pytest.raises(InputError, match="relative_density must be a finite number > 0"):
        sutton_pseudo_critical(gamma)


def test_sutton_still_vectorises():
    t, p = sutton_pseudo_critical(np.array([0.6, 0.7]))
    t6, p6 = sutton_pseudo_critical(0.6)
    assert t[0] == pytest.approx(t6) and p[0] == pytest.approx(p6)


@pytest.mark.parametrize("rho", [-0.7, 0.0, np.nan, np.inf])
def test_flow_unit_conversions_refuse_a_density_that_is_not_positive(rho):
    """Issue #15.6: a negative normal density turned every flow negative without a word."""
    from linepack import units

    for convert in (units.mcm_per_day_to_kg_s, units.kg_s_to_mcm_per_day,
                    units.knm3_per_hour_to_kg_s):
        with pytest.raises(InputError, match=r"normal_density must be a finite number > 0 "
                                             rf"kg/m³ \(got {rho!r}\)"):
            convert(1.0, rho)
    with pytest.raises(InputError, match=r"\(got -0.5\)"):
        units.mcm_per_day_to_kg_s(1.0, np.array([0.7, -0.5]))


def test_a_negative_normal_density_for_gaslib_flows_is_refused_with_its_value():
    from pathlib import Path

    from linepack.io import read_gaslib

    net = Path(__file__).parents[1] / "data" / "gaslib" / "GasLib-11" / "GasLib-11.net"
    with pytest.raises(InputError, match=r"normal_density must be > 0 kg/m³ \(got -0.7\)"):
        read_gaslib(net, normal_density=-0.7)   # was accepted: every flow bound negative
