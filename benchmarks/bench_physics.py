"""Throughput of the physics room: evaluations per second for 1e6 pipes.

Run: ``python benchmarks/bench_physics.py [n]``. Each line times one call on arrays
of n (default 1e6) elements (best of 3) and prints elements per second. GERG-2008
(CoolProp, one flash per state) is timed on 2000 states and extrapolated.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from linepack.physics import eos, friction, viscosity
from linepack.physics.gas import DEFAULT_GAS


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def report(label, n, seconds):
    print(f"{label:<44s} {n / seconds:14.3e} evals/s   ({seconds * 1e3:8.1f} ms for {n:.0e})")


def main(n: int = 1_000_000) -> None:
    rng = np.random.default_rng(0)
    re = 10.0 ** rng.uniform(0, 8, n)            # laminar to fully turbulent
    diameter = rng.uniform(0.1, 1.4, n)           # m
    rr = rng.uniform(5e-6, 1e-4, n)               # k/D
    p = rng.uniform(1e5, 100e5, n)                # Pa
    t = rng.uniform(273.15, 313.15, n)            # K
    print(f"linepack physics benchmark, n = {n:.0e} pipes")
    print("-- friction: factor_and_derivative (λ and ∂λ/∂Re together)")
    for name in friction.FRICTION_LAWS:
        law = friction.get_friction(name)
        report(name, n, best_of(lambda law=law: law.factor_and_derivative(re, rr, diameter)))
    print("-- eos: z and dz_dp")
    for name, model in [("ideal", eos.Ideal()), ("linear (STANET)", eos.Linear.stanet()),
                        ("papay", eos.Papay()), ("aga", eos.AGA())]:
        report(f"{name} z", n, best_of(lambda model=model: model.z(p, t, DEFAULT_GAS)))
        report(f"{name} dz_dp", n, best_of(lambda model=model: model.dz_dp(p, t, DEFAULT_GAS)))
    print("-- viscosity")
    lge = viscosity.LeeGonzalezEakin()
    report("lee-gonzalez-eakin (Papay Z)", n, best_of(lambda: lge.mu(p, t, DEFAULT_GAS)))
    try:
        import CoolProp  # noqa: F401
    except ImportError:
        print("gerg2008: CoolProp not installed, skipped")
        return
    m = 2000
    gerg = eos.GERG2008()
    gerg.z(p[:10], t[:10], DEFAULT_GAS)  # build the mixture once
    report("gerg2008 z (CoolProp, extrapolated)", m,
           best_of(lambda: gerg.z(p[:m], t[:m], DEFAULT_GAS), repeat=1))


if __name__ == "__main__":
    main(int(float(sys.argv[1])) if len(sys.argv) > 1 else 1_000_000)
