"""The compiled pipe law (optional, numba) against the numpy laws it fuses.

The reference is built here from the numpy physics the solver uses otherwise:
``friction.factor_re_and_derivative`` for λ·Re, ``eos.z``/``eos.dz_dp`` at the
mean pressure of ``element_laws.mean_pressure``, and ``element_laws.isothermal_pipe``.
"""

import numpy as np
import pytest

from linepack.physics import compiled, eos, friction, viscosity
from linepack.physics import element_laws as laws
from linepack.physics.gas import DEFAULT_GAS

T = 283.15
RE_FLOOR, RE_TINY = 2000.0, 1e-8
EOS = [eos.Ideal(), eos.Constant(0.9), eos.Linear.stanet(), eos.Papay(), eos.AGA()]
FRICTION = [friction.Nikuradse(), friction.NikuradseStanet(), friction.Weymouth()]


@pytest.mark.parametrize("model", EOS, ids=lambda m: m.name)
def test_z_polynomial_is_the_model_at_this_temperature(model):
    """Z = c0 + c1·p + c2·p² reproduces the model's Z and ∂Z/∂p from 1 to 120 bar."""
    p = np.linspace(1e5, 120e5, 50)
    c0, c1, c2 = model.z_polynomial(T, DEFAULT_GAS)
    np.testing.assert_allclose(c0 + c1 * p + c2 * p * p, model.z(p, T, DEFAULT_GAS), rtol=1e-13)
    np.testing.assert_allclose(c1 + 2 * c2 * p, model.dz_dp(p, T, DEFAULT_GAS), rtol=1e-12, atol=1e-22)


@pytest.mark.parametrize("law", FRICTION, ids=lambda m: m.name)
def test_affine_in_re_is_the_law(law):
    """λ·Re = a + b·Re and ∂(λ·Re)/∂Re = b, against the law's own evaluation, Re 1e-3 … 1e8."""
    rng = np.random.default_rng(0)
    d = rng.uniform(0.2, 1.4, 40)
    rr = 5e-5 / d
    re = np.geomspace(1e-3, 1e8, 40)
    a, b = law.affine_in_re(rr, d)
    lre, dlre = law.factor_re_and_derivative(re, rr, d)
    np.testing.assert_allclose(a + b * re, lre, rtol=1e-13)
    np.testing.assert_allclose(b, dlre, rtol=1e-13)


def test_laws_without_closed_forms_are_not_fused():
    """Colebrook-White, Hofer, GERG-2008 and Lee-Gonzalez-Eakin viscosity keep the numpy path."""
    d = np.array([0.5])
    args = (T, DEFAULT_GAS, 5e-5 / d, d, np.array([1e4]), np.zeros(1), np.zeros(1), RE_FLOOR, RE_TINY)
    const = viscosity.ConstantViscosity()
    assert friction.ColebrookWhite().affine_in_re(5e-5 / d, d) is None
    assert eos.GERG2008().z_polynomial(T, DEFAULT_GAS) is None
    assert compiled.pipe_law(friction.ColebrookWhite(), eos.Papay(), const, *args) is None
    assert compiled.pipe_law(friction.Hofer(), eos.Papay(), const, *args) is None
    assert compiled.pipe_law(friction.Nikuradse(), eos.GERG2008(), const, *args) is None
    assert compiled.pipe_law(friction.Nikuradse(), eos.Papay(), viscosity.LeeGonzalezEakin(), *args) is None


def _reference(law, model, mu, p, u, v, m, rr, d, length, zeta, dh):
    """The numpy evaluation, step by step as the steady solver does it without the kernel."""
    r_gas = DEFAULT_GAS.specific_gas_constant
    area = np.pi * d * d / 4
    p1, p2 = p[u], p[v]
    mean = laws.mean_pressure(p1, p2)
    z = model.z(mean[0], T, DEFAULT_GAS)
    dz = model.dz_dp(mean[0], T, DEFAULT_GAS)
    c_re = mu * area / d
    re = np.maximum(np.abs(m) / c_re, RE_TINY)
    fre, dfre = law.factor_re_and_derivative(re, rr, d)
    floor = law.factor_re_and_derivative(np.full(d.size, RE_FLOOR), rr, d)[0]
    dterm = np.maximum(c_re * (fre + re * dfre), floor * c_re)
    return laws.isothermal_pipe(p1, p2, m, re * c_re, fre / re, dterm, z, dz, length, d, zeta, dh,
                                T, r_gas, mean, area)


@pytest.mark.parametrize("model", EOS, ids=lambda m: m.name)
@pytest.mark.parametrize("law", FRICTION, ids=lambda m: m.name)
def test_compiled_pipe_law_equals_the_numpy_laws(law, model):
    """F, ∂F/∂p_from, ∂F/∂p_to, ∂F/∂m within 1e-12 relative of the numpy laws, on flat, rising
    and falling pipes, flows of both signs, zero flow and flows under the Reynolds floor."""
    pytest.importorskip("numba", reason="numba not installed: the compiled loops are the optional extra 'fast'")
    rng = np.random.default_rng(7)
    n_nodes, n = 60, 400
    p = rng.uniform(30e5, 80e5, n_nodes)
    u = rng.integers(0, n_nodes, n)
    v = (u + rng.integers(1, n_nodes, n)) % n_nodes
    d = rng.uniform(0.2, 1.4, n)
    rr = rng.uniform(1e-5, 1e-3, n) / d
    length = rng.uniform(100.0, 80e3, n)
    zeta = np.where(rng.random(n) < 0.3, rng.uniform(0, 5, n), 0.0)
    dh = np.where(rng.random(n) < 0.5, rng.uniform(-300, 300, n), 0.0)
    dh[:3] = [1e-9, -1e-9, 0.0]                        # the series branch of (e^S − 1)/S
    m = rng.uniform(-300, 300, n)
    m[3:8] = [0.0, 1e-12, -1e-6, 1e-3, -1e-2]          # zero and under the Reynolds floor
    mu = 1.1e-5
    f = compiled.pipe_law(law, model, viscosity.ConstantViscosity(mu), T, DEFAULT_GAS, rr, d, length,
                          zeta, dh, RE_FLOOR, RE_TINY)
    assert f is not None
    got = f(p, u, v, m)
    want = _reference(law, model, mu, p, u, v, m, rr, d, length, zeta, dh)
    for name, g, w in zip(("F", "dF/dp_from", "dF/dp_to", "dF/dm"), got, want):
        scale = np.max(np.abs(w))
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-13 * scale, err_msg=name)
