"""Darcy friction factor laws λ(Re, k/D, D) with analytic derivatives.

Every law is a small frozen object with

``factor(reynolds, relative_roughness, diameter)``
    the Darcy (Moody) friction factor λ [-];
``d_dre(reynolds, relative_roughness, diameter)``
    ∂λ/∂Re [-];
``factor_re(reynolds, relative_roughness, diameter)``
    the product λ·Re [-], finite at Re = 0 (64 in the laminar branch);
``d_factor_re_dre(reynolds, relative_roughness, diameter)``
    ∂(λ·Re)/∂Re [-].

``reynolds`` ≥ 0 [-], ``relative_roughness`` = k/D ≥ 0 [-], ``diameter`` > 0
[m]; arguments broadcast like numpy ufuncs. Bad values raise
:class:`~linepack.errors.InputError` naming the argument.

Zero flow
---------
The pressure-drop term of a pipe is ``λ(Re)·ṁ|ṁ|``. Laws that ignore Re
(``nikuradse``, ``weymouth``) return a finite positive λ at Re = 0. Laws with a
laminar branch (``colebrook-white``, ``hofer``, ``swamee-jain``,
``panhandle-a``, ``panhandle-b``, ``nikuradse-stanet``) behave like 64/Re as
Re → 0, so λ·Re stays finite (→ 64). With Re = |ṁ|·D/(μ·A), a solver can
write the friction term as ``λ·ṁ|ṁ| = factor_re(Re)·(μ·A/D)·ṁ``, which is
smooth through ṁ = 0 (use ``d_factor_re_dre`` for its derivative). For
Re < :data:`RE_FLOOR` the laminar λ is evaluated at ``RE_FLOOR`` (finite,
about 6.4e9; ∂λ/∂Re = 0 there), so ``factor`` never returns inf or nan.

Laminar-turbulent transition
----------------------------
For the laws with a laminar branch: λ = 64/Re for Re ≤ ``re_laminar``
(default 2320), the turbulent formula for Re ≥ ``re_turbulent`` (default
4000), and in between a cubic Hermite interpolation in Re that matches value
and slope of both branches at both ends (C¹; the same idea as the cubic
transition interpolation of Dunlop (1991) used in EPANET [8]_). λ rises
through the transition, as on the Moody chart.

With ``blend=False`` the turbulent formula is used from ``re_laminar`` on
and 64/Re below it, a sharp (discontinuous) switch. This is what reproduces
STANET's Prandtl-Colebrook results for pipes in the transition region (the
pandapipes STANET case ``gas_3parallel``, method ``"pc"``, has pipes at
Re ≈ 2900: with the blend the node pressures differ from STANET by up to
1.1e-3 bar, with ``blend=False`` by 5e-5 bar). pandapipes' own
``"colebrook"`` option has no laminar branch at all.

References
----------
.. [1] C. F. Colebrook, "Turbulent flow in pipes, with particular reference to
   the transition region between the smooth and rough pipe laws", J. ICE 11
   (1939) 133-156. doi:10.1680/ijoti.1939.13150
.. [2] L. F. Moody, "Friction factors for pipe flow", Trans. ASME 66 (1944)
   671-684.
.. [3] P. Hofer, "Beurteilung von Fehlern in Rohrnetzberechnungen", GWF
   Gas/Erdgas 114 (1973) 113-119; formula as quoted in Schmidt, Steinbach,
   Willert, Optim. Eng. 16 (2015) 131-164, doi:10.1007/s11081-014-9246-x, and
   Koch et al. (eds.), *Evaluating Gas Network Capacities*, SIAM 2015, Ch. 2,
   doi:10.1137/1.9781611973693.
.. [4] J. Nikuradse, "Strömungsgesetze in rauhen Rohren", VDI-Forschungsheft
   361 (1933); rough-pipe law in the GasLib form of [3] (Koch et al., Ch. 2).
.. [5] P. K. Swamee, A. K. Jain, "Explicit equations for pipe-flow problems",
   J. Hydraul. Div. ASCE 102 (1976) 657-664. doi:10.1061/JYCEAJ.0004542
.. [6] E. S. Menon, *Gas Pipeline Hydraulics*, CRC Press, 2005, Ch. 2
   (Weymouth and Panhandle A/B transmission factors, Reynolds number in USCS
   units). doi:10.1201/9781420038224
.. [7] pandapipes (e2nIEE), ``pf/derivative_toolbox.py``:
   ``calc_lambda_nikuradse_comp_np``, read from the installed package
   (``pandapipes/pf/derivative_calculation.py`` dispatches to it).
.. [8] L. A. Rossman, *EPANET 2 Users Manual*, EPA/600/R-00/057, 2000,
   Appendix D (Darcy-Weisbach transition region after Dunlop 1991).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from linepack.errors import InputError, NotConverged, did_you_mean

__all__ = [
    "RE_FLOOR",
    "Nikuradse",
    "NikuradseStanet",
    "ColebrookWhite",
    "Hofer",
    "SwameeJain",
    "Weymouth",
    "PanhandleA",
    "PanhandleB",
    "FRICTION_LAWS",
    "get_friction",
    "colebrook_white",
]

#: Below this Reynolds number the laminar 64/Re is evaluated at RE_FLOOR. [-]
RE_FLOOR = 1e-8

_LN10 = math.log(10.0)


def _first_bad(values: np.ndarray, ok: np.ndarray):
    return values.ravel()[np.flatnonzero(~ok.ravel())[0]].item()


def _check(reynolds, relative_roughness, diameter):
    re = np.asarray(reynolds, dtype=float)
    rr = np.asarray(relative_roughness, dtype=float)
    d = np.asarray(diameter, dtype=float)
    ok = (re >= 0.0) & np.isfinite(re)
    if not ok.all():
        raise InputError(f"reynolds must be a finite number >= 0 (got {_first_bad(re, ok)!r})")
    ok = (rr >= 0.0) & np.isfinite(rr)
    if not ok.all():
        raise InputError(f"relative_roughness must be a finite number >= 0 (k/D) "
                         f"(got {_first_bad(rr, ok)!r})")
    ok = (d > 0.0) & np.isfinite(d)
    if not ok.all():
        raise InputError(f"diameter must be a finite number > 0 m (got {_first_bad(d, ok)!r})")
    return re, rr, d


def _out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _shape(*arrays):
    return np.broadcast(*arrays).shape


@dataclass(frozen=True)
class _FrictionLaw:
    """Interface; subclasses implement ``_factor_and_derivative(re, rr, d)``."""

    name: ClassVar[str] = ""

    def factor(self, reynolds, relative_roughness, diameter):
        """Darcy friction factor λ. [-]"""
        lam, _ = self._factor_and_derivative(*_check(reynolds, relative_roughness, diameter))
        return _out(lam)

    def d_dre(self, reynolds, relative_roughness, diameter):
        """∂λ/∂Re. [-]"""
        _, dlam = self._factor_and_derivative(*_check(reynolds, relative_roughness, diameter))
        return _out(dlam)

    def factor_and_derivative(self, reynolds, relative_roughness, diameter):
        """``(λ, ∂λ/∂Re)`` in one evaluation (what a Newton solver needs). [-]"""
        lam, dlam = self._factor_and_derivative(*_check(reynolds, relative_roughness, diameter))
        return _out(lam), _out(dlam)

    def factor_re(self, reynolds, relative_roughness, diameter):
        """λ·Re, finite as Re → 0 (64 on the laminar branch). [-]"""
        re, rr, d = _check(reynolds, relative_roughness, diameter)
        return _out(self._factor_re(re, rr, d)[0])

    def d_factor_re_dre(self, reynolds, relative_roughness, diameter):
        """∂(λ·Re)/∂Re. [-]"""
        re, rr, d = _check(reynolds, relative_roughness, diameter)
        return _out(self._factor_re(re, rr, d)[1])

    def factor_re_and_derivative(self, reynolds, relative_roughness, diameter):
        """``(λ·Re, ∂(λ·Re)/∂Re)`` in one evaluation (what a Newton solver needs). [-]"""
        re, rr, d = _check(reynolds, relative_roughness, diameter)
        a, b = self._factor_re(re, rr, d)
        return _out(a), _out(b)

    def at(self, relative_roughness, diameter):
        """The law for a fixed set of pipes: ``f(reynolds) -> (λ·Re, ∂(λ·Re)/∂Re)``.

        The pipes' data are checked once, here; ``f`` takes finite Re ≥ 0 of the
        same shape without checking them again (a Newton loop evaluates the same
        pipes at new Reynolds numbers, and a NaN there is the loop's to report).
        """
        _, rr, d = _check(0.0, relative_roughness, diameter)
        return self._prepared(rr, d)

    def _prepared(self, rr, d):
        def f(reynolds):
            return self._factor_re(np.asarray(reynolds, dtype=float), rr, d)
        return f

    def affine_in_re(self, relative_roughness, diameter):
        """``(a, b)`` with λ·Re = a + b·Re for these pipes, where the law has that form.

        Laws whose Re-dependence is not affine return ``None``; the compiled pipe
        law (:mod:`linepack.physics.compiled`) fuses only laws that have it.
        """
        return None

    def _factor_re(self, re, rr, d):
        lam, dlam = self._factor_and_derivative(re, rr, d)
        return lam * re, lam + re * dlam


# --------------------------------------------------------------------- Re-independent laws
def _require_rough(rr, law):
    ok = rr > 0.0
    if not ok.all():
        raise InputError(f"relative_roughness must be > 0 for the {law!r} law, which is a "
                         f"rough-pipe law (got {_first_bad(rr, ok)!r})")


@dataclass(frozen=True)
class _RoughPipeLaw(_FrictionLaw):
    """Laws whose Re-independent part is Nikuradse's rough-pipe term
    (2·log10(D/k) + ``constant``)⁻², with ``laminar_re`` added to λ·Re. Need k > 0."""

    constant: ClassVar[float]
    laminar_re: ClassVar[float] = 0.0

    def _rough(self, rr):
        _require_rough(rr, self.name)
        return (2.0 * np.log10(1.0 / rr) + self.constant) ** -2

    def _prepared(self, rr, d):
        # the rough term depends on the pipes only: computed once
        rough = np.broadcast_to(self._rough(rr), _shape(rr, d))
        lam_re0 = self.laminar_re

        def f(reynolds):
            return lam_re0 + rough * reynolds, np.array(np.broadcast_to(rough, np.shape(reynolds)))
        return f

    def affine_in_re(self, relative_roughness, diameter):
        """λ·Re = ``laminar_re`` + (2·log10(D/k) + ``constant``)⁻²·Re."""
        _, rr, d = _check(0.0, relative_roughness, diameter)
        rough = np.broadcast_to(self._rough(rr), _shape(rr, d))
        return np.full(rough.shape, float(self.laminar_re)), np.array(rough, dtype=float)


@dataclass(frozen=True)
class Nikuradse(_RoughPipeLaw):
    """Nikuradse's rough-pipe law in the GasLib form, independent of Re.

    .. math:: \\lambda = \\left(2\\log_{10}(D/k) + 1.138\\right)^{-2}

    (Koch et al. 2015, Ch. 2 [3]_, [4]_). It is the Re → ∞ limit of
    Colebrook-White (whose constant is 2·log10(3.71) = 1.1387). Needs k > 0.
    """

    name: ClassVar[str] = "nikuradse"
    constant: ClassVar[float] = 1.138

    def _factor_and_derivative(self, re, rr, d):
        lam = self._rough(rr)
        shape = _shape(re, rr, d)
        return np.broadcast_to(lam, shape).copy(), np.zeros(shape)


@dataclass(frozen=True)
class Weymouth(_FrictionLaw):
    """Weymouth (1912) friction factor, a function of the diameter only.

    Notes
    -----
    Menon (2005) [6]_ gives the Weymouth transmission factor
    ``F = 2/√λ = 11.18·D^(1/6)`` with D in inches, i.e. ``λ = 0.032/D_in^(1/3)``.
    With D in metres:

    .. math:: \\lambda = \\frac{4}{11.18^2}\\left(\\frac{0.0254}{D}\\right)^{1/3}
              = 0.0094068\\,D^{-1/3}

    (pipeline efficiency 1). Re and roughness are ignored.
    """

    name: ClassVar[str] = "weymouth"
    #: 4/11.18² · 0.0254^(1/3). [m^(1/3)]
    COEFFICIENT: ClassVar[float] = 4.0 / 11.18 ** 2 * 0.0254 ** (1.0 / 3.0)

    def _factor_and_derivative(self, re, rr, d):
        shape = _shape(re, rr, d)
        lam = self.COEFFICIENT * np.cbrt(1.0 / d)
        return np.broadcast_to(lam, shape).copy(), np.zeros(shape)

    def affine_in_re(self, relative_roughness, diameter):
        """λ·Re = λ(D)·Re."""
        _, rr, d = _check(0.0, relative_roughness, diameter)
        lam, _ = self._factor_and_derivative(0.0, rr, d)
        return np.zeros(lam.shape), lam


# --------------------------------------------------------------------- laminar + turbulent
@dataclass(frozen=True)
class _WithLaminar(_FrictionLaw):
    """Laminar 64/Re, cubic Hermite transition, turbulent law ``_turbulent``."""

    re_laminar: float = 2320.0
    re_turbulent: float = 4000.0
    blend: bool = True

    def __post_init__(self):
        lo, hi = float(self.re_laminar), float(self.re_turbulent)
        if not (0.0 < lo < hi and math.isfinite(hi)):
            raise InputError(f"need 0 < re_laminar < re_turbulent (got re_laminar={self.re_laminar!r}, "
                             f"re_turbulent={self.re_turbulent!r})")
        object.__setattr__(self, "re_laminar", lo)
        object.__setattr__(self, "re_turbulent", hi)

    def _turbulent(self, re, rr, d):  # pragma: no cover - every subclass defines it
        raise TypeError(f"{type(self).__name__} defines no turbulent branch")

    def _factor_and_derivative(self, re, rr, d):
        re, rr, d = np.broadcast_arrays(re, rr, d)
        lo, hi = self.re_laminar, self.re_turbulent
        if not self.blend:
            # sharp switch at re_laminar (discontinuous λ), the STANET-compatible variant
            lam_t, dlam_t = self._turbulent(np.maximum(re, lo), rr, d)
            re_l = np.maximum(re, RE_FLOOR)
            turb = re >= lo
            return (np.where(turb, lam_t, 64.0 / re_l),
                    np.where(turb, dlam_t, np.where(re >= RE_FLOOR, -64.0 / (re_l * re_l), 0.0)))
        # turbulent branch evaluated with Re >= re_turbulent everywhere (no invalid logs)
        re_t = np.maximum(re, hi)
        lam_t, dlam_t = self._turbulent(re_t, rr, d)
        # laminar branch
        re_l = np.maximum(re, RE_FLOOR)
        lam_l = 64.0 / re_l
        dlam_l = np.where(re >= RE_FLOOR, -64.0 / (re_l * re_l), 0.0)
        lam = np.where(re >= hi, lam_t, lam_l)
        dlam = np.where(re >= hi, dlam_t, dlam_l)
        mid = (re > lo) & (re < hi)
        if mid.any():
            h = hi - lo
            s = (re - lo) / h
            s2, s3 = s * s, s * s * s
            l0, dl0 = 64.0 / lo, -64.0 / (lo * lo)
            # at Re = hi, lam_t / dlam_t are exactly the turbulent values there
            l1, dl1 = lam_t, dlam_t
            blend = ((2 * s3 - 3 * s2 + 1) * l0 + (s3 - 2 * s2 + s) * h * dl0
                     + (-2 * s3 + 3 * s2) * l1 + (s3 - s2) * h * dl1)
            dblend = ((6 * s2 - 6 * s) * l0 + (3 * s2 - 4 * s + 1) * h * dl0
                      + (-6 * s2 + 6 * s) * l1 + (3 * s2 - 2 * s) * h * dl1) / h
            # in the transition re_t == hi, so lam_t/dlam_t above are the end values
            lam = np.where(mid, blend, lam)
            dlam = np.where(mid, dblend, dlam)
        return lam, dlam

    def _factor_re(self, re, rr, d):
        lam, dlam = self._factor_and_derivative(re, rr, d)
        laminar = (re <= self.re_laminar) if self.blend else (re < self.re_laminar)
        return (np.where(laminar, 64.0, lam * re),
                np.where(laminar, 0.0, lam + re * dlam))


def _colebrook_x(re, rr, max_iter=50):
    """Solve Colebrook for x = 1/√λ by vectorised Newton; returns (x, a + b·x, b).

    Newton runs until every relative step is below 1e-10, then takes one more
    step (quadratic convergence takes the error to rounding level).
    """
    a = rr / 3.71
    b = 2.51 / re
    # start: Swamee-Jain estimate (within a few per cent of the root)
    x = np.maximum(-2.0 * np.log10(rr / 3.7 + 5.74 / re ** 0.9), 1.0)
    c = 2.0 / _LN10

    def newton_step(x):
        u = a + b * x
        return (x + c * np.log(u)) / (1.0 + c * b / u)

    for _ in range(max_iter):
        step = newton_step(x)
        x = x - step
        if np.all(np.abs(step) <= 1e-10 * np.abs(x)):
            x = x - newton_step(x)
            break
    else:  # pragma: no cover - Newton on this concave, increasing f always converges
        raise NotConverged("Colebrook-White Newton iteration did not converge "
                           f"in {max_iter} iterations")
    return x, a + b * x, b


def colebrook_white(reynolds, relative_roughness):
    """Turbulent Colebrook-White friction factor, no laminar branch. [-]

    Solves ``1/√λ = −2·log10(k/(3.71·D) + 2.51/(Re·√λ))`` [1]_ to machine
    precision by Newton's method on x = 1/√λ (f(x) = x + 2·log10(a + b·x) is
    increasing and concave, so Newton converges monotonically after the first
    step), vectorised over all elements. Requires Re > 0.
    """
    re = np.asarray(reynolds, dtype=float)
    rr = np.asarray(relative_roughness, dtype=float)
    ok = (re > 0.0) & np.isfinite(re)
    if not ok.all():
        raise InputError(f"reynolds must be > 0 for the turbulent Colebrook-White equation "
                         f"(got {_first_bad(re, ok)!r})")
    _check(re, rr, 1.0)
    x, _, _ = _colebrook_x(*np.broadcast_arrays(re, rr))
    return _out(1.0 / (x * x))


@dataclass(frozen=True)
class ColebrookWhite(_WithLaminar):
    """Colebrook-White (1939), solved to machine precision, with a laminar branch.

    .. math:: \\frac{1}{\\sqrt\\lambda} = -2\\log_{10}\\left(\\frac{k}{3.71 D}
              + \\frac{2.51}{Re\\sqrt\\lambda}\\right)

    Turbulent for Re ≥ ``re_turbulent``; see the module notes for the laminar
    branch and the transition. ∂λ/∂Re follows from the implicit function
    theorem on F(x, Re) = x + 2·log10(a + b·x), x = 1/√λ, b = 2.51/Re.
    """

    name: ClassVar[str] = "colebrook-white"

    def _turbulent(self, re, rr, d):
        x, u, b = _colebrook_x(re, rr)
        c = 2.0 / _LN10
        f_x = 1.0 + c * b / u
        f_re = -c * x * b / (re * u)
        dx = -f_re / f_x
        return 1.0 / (x * x), -2.0 * dx / (x * x * x)


@dataclass(frozen=True)
class Hofer(_WithLaminar):
    """Hofer (1973) explicit approximation of Colebrook-White.

    .. math:: \\lambda = \\left(-2\\log_{10}\\left(\\frac{4.518}{Re}
              \\log_{10}\\frac{Re}{7} + \\frac{k}{3.71 D}\\right)\\right)^{-2}

    as used in GasLib work [3]_; turbulent for Re ≥ ``re_turbulent``, laminar
    branch and transition as in the module notes. Against Colebrook-White
    (tests): within 2.1 % for 5e3 ≤ Re ≤ 1e8 and 0 ≤ k/D ≤ 1e-2, within
    1.2 % for Re ≥ 1e5 (the pipeline range).
    """

    name: ClassVar[str] = "hofer"

    def _turbulent(self, re, rr, d):
        lg = np.log10(re / 7.0)
        u = 4.518 * lg / re + rr / 3.71
        big_l = np.log10(u)
        du = 4.518 * (1.0 / _LN10 - lg) / (re * re)
        lam = 0.25 / (big_l * big_l)
        dlam = -0.5 / big_l ** 3 * du / (u * _LN10)
        return lam, dlam


@dataclass(frozen=True)
class SwameeJain(_WithLaminar):
    """Swamee-Jain (1976) explicit approximation of Colebrook-White.

    .. math:: \\lambda = \\frac{0.25}{\\left[\\log_{10}\\left(\\frac{k}{3.7 D}
              + \\frac{5.74}{Re^{0.9}}\\right)\\right]^2}

    Swamee & Jain state ±1 % against Colebrook for 5e3 ≤ Re ≤ 1e8 and
    1e-6 ≤ k/D ≤ 1e-2 [5]_; independent reviews find up to about 3 % near
    Re = 5e3, k/D = 1e-2 (Brkić, J. Pet. Sci. Eng. 77 (2011) 34-48,
    doi:10.1016/j.petrol.2011.02.006). The tests assert ≤ 3 % over the stated
    range and ≤ 1.2 % for Re ≥ 1e5. Laminar branch and transition as in the
    module notes.
    """

    name: ClassVar[str] = "swamee-jain"

    def _turbulent(self, re, rr, d):
        u = rr / 3.7 + 5.74 * re ** -0.9
        big_l = np.log10(u)
        du = -0.9 * 5.74 * re ** -1.9
        return 0.25 / (big_l * big_l), -0.5 / big_l ** 3 * du / (u * _LN10)


# Menon (2005) Reynolds number in USCS units: Re = 0.0004778·(Pb/Tb)·G·Q/(μ·D),
# Pb [psia], Tb [°R], Q [standard ft³/day], μ [lb/(ft·s)], D [in]. With Menon's
# base conditions Pb = 14.73 psia, Tb = 520 °R and his typical natural-gas
# viscosity μ = 7e-6 lb/(ft·s), G·Q/D = Re·_QGD_PER_RE.
_QGD_PER_RE = 7.0e-6 * 520.0 / (0.0004778 * 14.73)


@dataclass(frozen=True)
class _PowerLaw(_WithLaminar):
    """λ = coefficient·Re^(−exponent) in the turbulent branch."""

    coefficient: ClassVar[float] = 0.0
    exponent: ClassVar[float] = 0.0

    def _turbulent(self, re, rr, d):
        lam = self.coefficient * re ** -self.exponent
        return lam, -self.exponent * lam / re


@dataclass(frozen=True)
class PanhandleA(_PowerLaw):
    """Panhandle A as a Darcy friction factor (efficiency 1).

    Notes
    -----
    Menon (2005) [6]_: ``F = 2/√λ = 7.2111·E·(Q·G/D)^0.07305`` in USCS units.
    Substituting Menon's Reynolds number (see ``_QGD_PER_RE``: base 14.73 psia
    and 520 °R, μ = 7e-6 lb/(ft·s)) gives, with E = 1,

    .. math:: \\lambda = \\frac{4}{7.2111^2\\,(0.51719\\,Re)^{0.1461}}
              = 0.08470\\,Re^{-0.1461}

    i.e. ``F = 6.872·Re^0.07305``. Turbulent for Re ≥ ``re_turbulent``;
    roughness ignored. The conversion is exact only for the viscosity and
    base conditions assumed.
    """

    name: ClassVar[str] = "panhandle-a"
    exponent: ClassVar[float] = 2 * 0.07305
    coefficient: ClassVar[float] = 4.0 / (7.2111 ** 2 * _QGD_PER_RE ** (2 * 0.07305))


@dataclass(frozen=True)
class PanhandleB(_PowerLaw):
    """Panhandle B as a Darcy friction factor (efficiency 1).

    Notes
    -----
    Menon (2005) [6]_: ``F = 2/√λ = 19.08·E·(Q·G/D)^0.01961`` in USCS units;
    with the same Reynolds-number substitution as :class:`PanhandleA`,

    .. math:: \\lambda = \\frac{4}{19.08^2\\,(0.51719\\,Re)^{0.03922}}
              = 0.011275\\,Re^{-0.03922}
    """

    name: ClassVar[str] = "panhandle-b"
    exponent: ClassVar[float] = 2 * 0.01961
    coefficient: ClassVar[float] = 4.0 / (19.08 ** 2 * _QGD_PER_RE ** (2 * 0.01961))


@dataclass(frozen=True)
class NikuradseStanet(_RoughPipeLaw):
    """pandapipes'/STANET's gas-pipe law: laminar term plus Nikuradse, everywhere.

    .. math:: \\lambda = \\frac{64}{Re} + \\left(2\\log_{10}(D/k) + 1.14\\right)^{-2}

    Constants as in pandapipes ``calc_lambda_nikuradse_comp_np`` (installed
    pandapipes, ``pf/derivative_toolbox.py``, reached from
    ``pf/derivative_calculation.py:calc_lambda``) [7]_, which sums the two
    terms for every Re without a switch (its liquid variant uses
    ``(−2·log10(k/(3.71·D)))^-2``, i.e. 1.1387 instead of 1.14). At exactly
    zero flow pandapipes drops the 64/Re term (``np.isclose(re, 0)``); here
    Re is floored at :data:`RE_FLOOR` instead, so λ·Re → 64 continuously.
    The pressure drop is zero at zero flow either way. Needs k > 0.
    """

    name: ClassVar[str] = "nikuradse-stanet"
    constant: ClassVar[float] = 1.14
    laminar_re: ClassVar[float] = 64.0

    def _factor_and_derivative(self, re, rr, d):
        rough = self._rough(rr)
        re, rough = np.broadcast_arrays(re, rough, d)[:2]
        re_l = np.maximum(re, RE_FLOOR)
        return 64.0 / re_l + rough, np.where(re >= RE_FLOOR, -64.0 / (re_l * re_l), 0.0)

    def _factor_re(self, re, rr, d):
        rough = self._rough(rr)
        re, rough = np.broadcast_arrays(re, rough, d)[:2]
        return 64.0 + rough * re, rough.copy()


@dataclass(frozen=True)
class ColebrookWhiteStanet(_FrictionLaw):
    r"""STANET's "Prandtl-Colebrook": the larger of 64/Re and Colebrook-White, no blend.

    .. math:: \lambda = \max\left(\frac{64}{Re},\ \lambda_{CW}(Re, k/D)\right)

    Reproduces the STANET gas reference cases shipped with pandapipes (see
    tests/reference/test_stanet.py), whose low-Reynolds pipes (Re 560–4000)
    follow this rule rather than a transition blend. λ jumps where the two
    branches cross only in slope, not in value.
    """

    name: ClassVar[str] = "colebrook-white-stanet"

    def _branches(self, re, rr, d):
        re, rr, d = np.broadcast_arrays(re, rr, d)
        lam_t, dlam_t = ColebrookWhite()._turbulent(np.maximum(re, 1.0), rr, d)
        re_l = np.maximum(re, RE_FLOOR)
        lam_l = 64.0 / re_l
        dlam_l = np.where(re >= RE_FLOOR, -64.0 / (re_l * re_l), 0.0)
        return re, lam_l, dlam_l, lam_t, dlam_t

    def _factor_and_derivative(self, re, rr, d):
        re, lam_l, dlam_l, lam_t, dlam_t = self._branches(re, rr, d)
        laminar = (lam_l >= lam_t) | (re < 1.0)
        return np.where(laminar, lam_l, lam_t), np.where(laminar, dlam_l, dlam_t)

    def _factor_re(self, re, rr, d):
        re, lam_l, dlam_l, lam_t, dlam_t = self._branches(re, rr, d)
        laminar = (lam_l >= lam_t) | (re < 1.0)
        return (np.where(laminar, 64.0, lam_t * re),
                np.where(laminar, 0.0, lam_t + re * dlam_t))


#: Registered friction-law names → classes (used by :func:`get_friction`).
FRICTION_LAWS = {
    "nikuradse": Nikuradse,
    "nikuradse-stanet": NikuradseStanet,
    "colebrook-white": ColebrookWhite,
    "colebrook-white-stanet": ColebrookWhiteStanet,
    "hofer": Hofer,
    "swamee-jain": SwameeJain,
    "weymouth": Weymouth,
    "panhandle-a": PanhandleA,
    "panhandle-b": PanhandleB,
}
_FRICTION_ALIASES = {"colebrook": "colebrook-white", "prandtl-colebrook": "colebrook-white",
                     "stanet": "nikuradse-stanet", "pandapipes": "nikuradse-stanet"}


def get_friction(name_or_model):
    """Return a friction law from a registered name, or pass a law object through.

    Parameters
    ----------
    name_or_model
        One of ``nikuradse``, ``nikuradse-stanet``, ``colebrook-white``
        (alias ``colebrook``), ``hofer``, ``swamee-jain``, ``weymouth``,
        ``panhandle-a``, ``panhandle-b`` (case-insensitive, ``_`` = ``-``),
        or any object with ``factor`` and ``d_dre`` methods.
    """
    if isinstance(name_or_model, str):
        key = name_or_model.strip().lower().replace("_", "-").replace(" ", "-")
        key = _FRICTION_ALIASES.get(key, key)
        if key not in FRICTION_LAWS:
            names = list(FRICTION_LAWS) + list(_FRICTION_ALIASES)
            raise InputError(f"friction: unknown law {name_or_model!r}; expected one of "
                             f"{', '.join(FRICTION_LAWS)}{did_you_mean(key, names)}")
        return FRICTION_LAWS[key]()
    if callable(getattr(name_or_model, "factor", None)) and callable(
            getattr(name_or_model, "d_dre", None)):
        return name_or_model
    raise InputError(f"friction must be a law name ({', '.join(FRICTION_LAWS)}) or an object "
                     f"with factor() and d_dre() methods (got {name_or_model!r})")
