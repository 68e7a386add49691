"""Physics room: pure, vectorised property and element laws, SI in and SI out.

Modules
-------
gas
    :class:`~linepack.physics.gas.Gas` (molar mass, pseudo-critical point,
    densities, calorific values), constructors and :func:`~linepack.physics.gas.mix`.
eos
    Compressibility models Z(p, T) with ∂Z/∂p, ∂Z/∂T; heat capacities,
    isentropic exponent, Joule-Thomson coefficient.
viscosity
    Dynamic viscosity models.
friction
    Darcy friction factor laws λ(Re, k/D, D) with ∂λ/∂Re.
compressor
    Isentropic compressor head, power (with partial derivatives) and outlet
    temperature.

compiled
    The isothermal pipe law as one compiled loop (optional, numba) for the
    models with closed coefficient forms.

Physics imports only numpy, scipy, :mod:`linepack.units`, :mod:`linepack.errors`
and :mod:`linepack.jit` (CoolProp lazily, for GERG-2008 and CoolProp viscosity;
numba lazily, where installed).
"""

from linepack.physics import compressor, eos, friction, gas, viscosity

__all__ = ["compressor", "eos", "friction", "gas", "viscosity"]
