"""One description of a gas network's equations and limits for optimisation.

:func:`build_formulation` turns a :class:`~linepack.problems.model.NetworkModel` (the arrays
:func:`linepack.simulate` uses) into a :class:`Formulation`: per connection its class of
equation, its discrete modes, its limits in bar and kg/s, and the coefficients of its law;
per node its pressure range. Every solver of this room reads the same record:

* :mod:`linepack.optimization.nlp` — the exact programme for fixed discrete states
  (IPOPT through CasADi);
* :mod:`linepack.optimization.minlp` — the discrete decisions (SCIP through PySCIPOpt) on the
  model with frozen coefficients, and the relaxation that bounds every coefficient by its
  range and so proves infeasibility.

Equations (pressures p in bar absolute, π = p², flows q in kg/s, forward from → to)
------------------------------------------------------------------------------------
* **pipe**: π_u − e^S·π_v = k·q|q|, the isothermal law with elevation of
  :func:`linepack.physics.element_laws.isothermal_pipe_coefficients` — the law
  :func:`linepack.simulate` solves — with λ(Re) and Z(p̄) frozen at a reference point
  (refreshed by the NLP to their fixed point);
* **resistor** with a drag factor ζ: the same form with k = 8ζRZT/(π²D⁴)·(p_u + p_v)/p_up;
  with a constant loss Δp: p_u − p_v = Δp·sign(q);
* **short pipe**, open **valve**, **bypassed** regulator or station: p_u = p_v;
* closed valve, regulator or station: q = 0 (a closed valve's pressure difference ≤ its
  ``dp_max``);
* **regulator in operation** (control valve ``active``): q ≥ 0,
  max(Δp_min, 0) ≤ (p_u − loss_in) − (p_v + loss_out) ≤ Δp_max;
* **station in operation**: q ≥ 0, max(ratio_min, 1) ≤ r ≤ ratio_max with
  r = (p_v + loss_out)/(p_u − loss_in), and isentropic shaft power
  P = Z R T/(η·ex)·q·(r^ex − 1) ≤ P_max, ex = (κ − 1)/κ (as :func:`linepack.physics.compressor.power`);
* a regulator or station in operation: p_u ≥ p_in_min, p_v ≤ p_out_max (its working range;
  bypassed, its ends keep only the node limits: GasLib's convention, docs/guide/decisions.md,
  "Element limits in bypass"); every connection: flow_min ≤ q ≤ flow_max;
* **combined decisions** (GasLib ``.cdf``): exactly one decision per group; a decision fixes
  the modes of the elements it names.

Fuel: a station's drive burns fuel = P / (η_drive · LHV) [kg/s]; LHV is the gas's net
calorific value per kg (ISO 6976, where the composition is known), else
:data:`DEFAULT_LHV`; η_drive is :data:`DEFAULT_DRIVE_EFFICIENCY` unless given.

Ranges (for the relaxation)
---------------------------
Z is sampled on 65 points of each element's pressure range (its end nodes' bounds), λ on 65
Reynolds numbers from 10³ to that of the element's largest flow, κ over the station's suction
range; each coefficient's range is the smallest and largest value over those samples, widened
by :data:`RANGE_WIDEN` (relative). The coefficients are monotone in Z, λ and κ, so the range of
the coefficient follows from theirs. A drag resistor's factor (p_u + p_v)/p_up = 1 + p_down/p_up
lies in [1 + a/b, 2] over its pressure range [a, b]. :func:`coefficient_ranges` recomputes them
(after bound tightening, :mod:`linepack.optimization.tighten`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linepack.errors import InputError
from linepack.physics import element_laws as laws
from linepack.units import BAR

__all__ = ["Formulation", "build_formulation", "DEFAULT_DRIVE_EFFICIENCY", "DEFAULT_LHV",
           "RANGE_WIDEN", "fuel_kg_s"]

# fuel gas: one definition, in linepack.problems.fuel (defaults documented there)
from linepack.problems.fuel import DEFAULT_DRIVE_EFFICIENCY, DEFAULT_LHV, fuel_kg_s  # noqa: E402,F401
#: Relative widening of each sampled coefficient range in the relaxation. [-]
RANGE_WIDEN = 1e-4
_SAMPLES = 65
#: lines under a station's Z(p_s) in the relaxation's power row
_LINES = 5
_FREE = ("controlValve", "compressorStation")


@dataclass
class Formulation:
    """The network's equations and limits (see the module notes). Pressures in bar absolute,
    flows in kg/s, powers in W; arrays by node or connection position of ``md``."""

    md: object = field(repr=False)
    groups: list
    # nodes
    p_lo: np.ndarray          # lower pressure bound (tightened by the margin) [bar]
    p_hi: np.ndarray          # upper pressure bound (tightened by the margin) [bar]
    p_lo_true: np.ndarray     # the bounds as given [bar]
    p_hi_true: np.ndarray
    held: np.ndarray          # positions of nodes with a held pressure
    held_bar: np.ndarray
    p_top: float              # upper pressure of nodes without one [bar]
    # connections
    cls: np.ndarray           # "pipe" | "drag" | "const" | "equal" | "valve" | "reg" | "cs" | "check"
    modes: list               # allowed modes per connection (tuple; () for law elements)
    f_lo: np.ndarray          # flow bounds, finite [kg/s]
    f_hi: np.ndarray
    f_lo_true: np.ndarray     # flow bounds as given (±inf where none)
    f_hi_true: np.ndarray
    loss_in: np.ndarray       # [bar]
    loss_out: np.ndarray
    dp_min: np.ndarray        # regulators [bar]
    dp_max: np.ndarray
    ratio_min: np.ndarray     # stations [-]
    ratio_max: np.ndarray
    p_in_min: np.ndarray      # [bar]
    p_out_max: np.ndarray
    power_max: np.ndarray     # [W]
    dp_closed: np.ndarray     # a closed valve's largest pressure difference [bar]
    dp_const: np.ndarray      # constant-loss resistors [bar]
    # coefficients (law elements: pipes and drag resistors; stations)
    law: np.ndarray = field(default=None, repr=False)     # positions of law elements
    es: np.ndarray = field(default=None, repr=False)      # e^S at the reference point
    k: np.ndarray = field(default=None, repr=False)       # bar² per (kg/s)²
    es_lo: np.ndarray = field(default=None, repr=False)
    es_hi: np.ndarray = field(default=None, repr=False)
    k_lo: np.ndarray = field(default=None, repr=False)
    k_hi: np.ndarray = field(default=None, repr=False)
    pw: np.ndarray = field(default=None, repr=False)      # W per kg/s per (r^ex − 1), by connection
    ex: np.ndarray = field(default=None, repr=False)
    pw_lo: np.ndarray = field(default=None, repr=False)
    ex_lo: np.ndarray = field(default=None, repr=False)
    #: by station: lines (slope per bar, value at 0 bar) under Z of the suction pressure
    #: p_s = p_u − loss_in [bar] over its range, and the power factor without Z
    #: (R T/(η ex_lo)); the relaxation's power row may use Z(p_s) ≥ max of the lines
    z_lines: dict = field(default_factory=dict, repr=False)
    pw_noz: np.ndarray = field(default=None, repr=False)
    margin_bar: float = 0.0
    drive_efficiency: float = DEFAULT_DRIVE_EFFICIENCY
    lhv: float = DEFAULT_LHV
    #: η_drive by connection (NaN where not a station): the value given, else the case's
    #: labelled per-station figure, else the default (problems.fuel.station_drive_efficiencies)
    station_eta: np.ndarray = field(default=None, repr=False)

    # ----------------------------------------------------------------------------------
    def refresh(self, p_bar, q) -> None:
        """Freeze the coefficients at pressures ``p_bar`` [bar] and flows ``q`` [kg/s]."""
        self.es, self.k = law_coefficients(self.md, self.law, self.cls, p_bar, q)
        self.pw, self.ex = station_coefficients(self.md, self.cls, p_bar, self.loss_in)

    def rmax_eff(self) -> np.ndarray:
        """A finite upper bound of every station's ratio (its limit, else the pressure range)."""
        pin = np.maximum(np.fmax(self.p_in_min, self.p_lo_true[self.md.u]) - self.loss_in, 1.0)
        top = np.fmin(np.where(np.isfinite(self.p_out_max), self.p_out_max, self.p_top),
                      self.p_hi_true[self.md.v]) + self.loss_out
        return np.where(np.isfinite(self.ratio_max), self.ratio_max, np.maximum(top / pin, 1.0))


def law_coefficients(md, law, cls, p_bar, q):
    """(e^S, k) of the law elements at ``p_bar`` [bar] and ``q`` [kg/s]; k in bar²/(kg/s)²
    (the same computation as the NLP's refresh, from :mod:`linepack.physics`)."""
    es, k = np.ones(law.size), np.zeros(law.size)
    pu, pv = p_bar[md.u[law]] * BAR, p_bar[md.v[law]] * BAR
    qq = q[law]
    pipe = cls[law] == "pipe"
    ep = law[pipe]
    if ep.size:
        pm = laws.mean_pressure(pu[pipe], pv[pipe])[0]
        z = md.eos.z(pm, md.T, md.gas)
        mu = md.visc.mu(pm, md.T, md.gas)
        d = md.diameter[ep]
        re = np.maximum(4.0 * np.abs(qq[pipe]) / (np.pi * d * mu), 1e3)
        lam = md.friction.factor_re(re, md.roughness[ep] / d, d) / re
        es[pipe], k[pipe] = laws.isothermal_pipe_coefficients(
            lam, z, md.length[ep], d, md.zeta[ep], md.height[md.v[ep]] - md.height[md.u[ep]],
            md.T, md.R)
    dr = ~pipe
    er = law[dr]
    if er.size:
        up = qq[dr] >= 0
        p_up = np.where(up, pu[dr], pv[dr])
        z_up = md.eos.z(p_up, md.T, md.gas)
        coef = 8.0 * md.drag[er] * md.R * z_up * md.T / (np.pi ** 2 * md.diameter[er] ** 4)
        k[dr] = coef * (pu[dr] + pv[dr]) / p_up
    return es, k / BAR ** 2


def _kappa(md, p):
    from linepack.physics import eos as eos_mod
    from linepack.problems.model import DEFAULT_ISENTROPIC_EXPONENT

    if getattr(md.gas, "heat_capacity_coefficients", None) is None:
        return np.full(np.shape(p), DEFAULT_ISENTROPIC_EXPONENT)
    return eos_mod.isentropic_exponent(p, md.T, md.gas)


def _eta(md):
    from linepack.problems.model import DEFAULT_EFFICIENCY

    return np.where(np.isfinite(md.efficiency), md.efficiency, DEFAULT_EFFICIENCY)


def station_coefficients(md, cls, p_bar, loss_in):
    """(pw, ex) per connection (NaN but at stations): P = pw·q·(r^ex − 1) at suction p_u − loss_in."""
    pw, ex = np.full(md.m, np.nan), np.full(md.m, np.nan)
    cs = np.flatnonzero(cls == "cs")
    if cs.size:
        p_s = np.maximum(p_bar[md.u[cs]] - loss_in[cs], 1.0) * BAR
        kap = _kappa(md, p_s)
        ex[cs] = (kap - 1.0) / kap
        pw[cs] = md.eos.z(p_s, md.T, md.gas) * md.R * md.T / ex[cs] / _eta(md)[cs]
    return pw, ex


def _sample(lo, hi, n=_SAMPLES):
    t = np.linspace(0.0, 1.0, n)
    return lo[:, None] + (hi - lo)[:, None] * t[None, :]


def _lines_below(x, y, n_lines=_LINES):
    """Lines under the samples ``y`` of a smooth function at ``x`` (sorted): its tangents at
    ``n_lines`` points (slopes by central differences), each lowered until it is at or below
    every sample, so that max of the lines ≤ the function on the sampled range (tight where it is
    convex, as Papay's Z is in p). A list of (slope, intercept)."""
    if x.size < 3 or not np.all(np.isfinite(y)) or x[-1] - x[0] <= 0.0:
        return [(0.0, float(np.min(y)))]
    d = np.gradient(y, x)
    out = []
    for k in np.unique(np.linspace(0, x.size - 1, n_lines).round().astype(int)):
        b0 = float(y[k] - d[k] * x[k])
        shift = float(np.max(d[k] * x + b0 - y))
        out.append((float(d[k]), b0 - max(shift, 0.0)))
    return out


def coefficient_ranges(form: Formulation) -> None:
    """Coefficient ranges over each element's pressure and flow range (module notes)."""
    md, law, cls = form.md, form.law, form.cls
    w = RANGE_WIDEN
    plo = np.maximum(form.p_lo_true, 1.0)
    phi = np.where(np.isfinite(form.p_hi_true), form.p_hi_true, form.p_top)
    es_lo, es_hi = np.ones(law.size), np.ones(law.size)
    k_lo, k_hi = np.zeros(law.size), np.zeros(law.size)
    a, b = np.minimum(plo[md.u[law]], plo[md.v[law]]), np.maximum(phi[md.u[law]], phi[md.v[law]])
    P = _sample(a, b) * BAR
    Z = md.eos.z(P.ravel(), md.T, md.gas).reshape(P.shape)
    z_lo, z_hi = Z.min(axis=1), Z.max(axis=1)
    pipe = cls[law] == "pipe"
    ep = law[pipe]
    if ep.size:
        d = md.diameter[ep]
        mu = md.visc.mu(P[pipe].ravel(), md.T, md.gas).reshape(P[pipe].shape)
        qmax = np.maximum(np.abs(form.f_lo[ep]), np.abs(form.f_hi[ep]))
        re_hi = np.maximum(4.0 * qmax / (np.pi * d * mu.min(axis=1)), 1e3)
        RE = np.exp(_sample(np.full(ep.size, np.log(1e3)), np.log(re_hi)))
        rr = np.repeat((md.roughness[ep] / d)[:, None], RE.shape[1], axis=1)
        dd = np.repeat(d[:, None], RE.shape[1], axis=1)
        LAM = (md.friction.factor_re(RE.ravel(), rr.ravel(), dd.ravel()) / RE.ravel()).reshape(RE.shape)
        lam_lo, lam_hi = LAM.min(axis=1), LAM.max(axis=1)
        dh = md.height[md.v[ep]] - md.height[md.u[ep]]
        cand = [laws.isothermal_pipe_coefficients(lam, z, md.length[ep], d, md.zeta[ep], dh, md.T, md.R)
                for lam in (lam_lo, lam_hi) for z in (z_lo[pipe], z_hi[pipe])]
        E = np.array([c[0] for c in cand])
        K = np.array([c[1] for c in cand])
        es_lo[pipe], es_hi[pipe] = E.min(axis=0), E.max(axis=0)
        k_lo[pipe], k_hi[pipe] = K.min(axis=0), K.max(axis=0)
    er = law[~pipe]
    if er.size:
        coef = 8.0 * md.drag[er] * md.R * md.T / (np.pi ** 2 * md.diameter[er] ** 4)
        # k = coef·Z·(p_u + p_v)/p_up = coef·Z·(1 + p_down/p_up), and p_down/p_up ≥ a/b
        k_lo[~pipe] = coef * z_lo[~pipe] * (1.0 + a[~pipe] / b[~pipe])
        k_hi[~pipe] = coef * z_hi[~pipe] * 2.0
    form.es_lo, form.es_hi = es_lo * (1 - w), es_hi * (1 + w)
    form.k_lo, form.k_hi = k_lo / BAR ** 2 * (1 - w), k_hi / BAR ** 2 * (1 + w)
    # stations: the power factor's smallest value (Z and ex both lower the power as they fall)
    cs = np.flatnonzero(cls == "cs")
    form.pw_lo, form.ex_lo = np.full(md.m, np.nan), np.full(md.m, np.nan)
    if cs.size:
        ps_lo = np.maximum(np.fmax(form.p_in_min[cs], plo[md.u[cs]]) - form.loss_in[cs], 1.0)
        ps_hi = np.maximum(phi[md.u[cs]] - form.loss_in[cs], ps_lo)
        PS = _sample(ps_lo, ps_hi) * BAR
        Z = md.eos.z(PS.ravel(), md.T, md.gas).reshape(PS.shape)
        KAP = _kappa(md, PS.ravel()).reshape(PS.shape)
        EX = (KAP - 1.0) / KAP
        ex_lo = EX.min(axis=1) * (1 - w)
        form.ex_lo[cs] = ex_lo
        # P = Z R T/η · q · (r^ex − 1)/ex, and (r^ex − 1)/ex grows with ex: least at ex_lo
        form.pw_lo[cs] = Z.min(axis=1) * md.R * md.T / _eta(md)[cs] / ex_lo * (1 - w)
        form.pw_noz = np.full(md.m, np.nan)
        form.pw_noz[cs] = md.R * md.T / _eta(md)[cs] / ex_lo * (1 - w)
        form.z_lines = {int(e): _lines_below(PS[k] / BAR, Z[k] * (1 - w))
                        for k, e in enumerate(cs)}


def build_formulation(md, groups=(), fixed_modes=None, margin_bar: float = 0.0,
                      drive_efficiency: float | dict | None = None, lhv_j_kg: float | None = None
                      ) -> Formulation:
    """The formulation of ``md`` (a :class:`~linepack.problems.model.NetworkModel`).

    Parameters
    ----------
    groups : list of dict
        GasLib combined decisions (:func:`linepack.io.read_gaslib_decisions` records).
    fixed_modes : dict, optional
        Connection position → mode the caller keeps (e.g. a valve known closed).
    margin_bar : float
        Node pressure bounds and element pressure limits are tightened by this much (at most a
        quarter of a node's range) in the exact models; the relaxation uses them as given. [bar]
    """
    conns = md.net.connections
    kind = md.kind
    col = lambda c: conns[c].to_numpy(float)  # noqa: E731
    m = md.m
    cls = np.full(m, "equal", dtype=object)
    cls[kind == "pipe"] = "pipe"
    is_res = kind == "resistor"
    drag_ok = np.isfinite(md.drag) & (md.drag > 0)
    cls[is_res & drag_ok] = "drag"
    cls[is_res & ~drag_ok & np.isfinite(md.dp_const) & (md.dp_const > 0)] = "const"
    cls[kind == "valve"] = "valve"
    cls[kind == "controlValve"] = "reg"
    cls[kind == "compressorStation"] = "cs"
    cls[kind == "checkValve"] = "check"
    all_modes = {"valve": ("open", "closed"), "reg": ("active", "bypass", "closed"),
                 "cs": ("active", "bypass", "closed"), "check": ("open", "closed")}
    modes = [all_modes.get(c, ()) for c in cls]
    for i, mode in (fixed_modes or {}).items():
        mode = "open" if mode == "auto" else mode
        if mode not in all_modes.get(cls[i], ()):
            raise InputError(f"controls: {kind[i]} '{md.edge_ids[i]}': mode '{mode}' is not one of "
                             f"{all_modes.get(cls[i], ())}")
        modes[i] = (mode,)
    # nodes
    p_lo_t, p_hi_t = md.p_min / BAR, md.p_max / BAR
    p_top = float(np.nanmax(np.r_[p_hi_t[np.isfinite(p_hi_t)], md.fixed_value / BAR, 1.0])) * 1.5
    width = np.where(np.isfinite(p_lo_t) & np.isfinite(p_hi_t), p_hi_t - p_lo_t, np.inf)
    mg = np.minimum(margin_bar, 0.25 * width)
    p_lo = np.where(np.isfinite(p_lo_t), p_lo_t + mg, 1.0)
    p_lo = np.maximum(p_lo, 1.0)
    p_hi = np.where(np.isfinite(p_hi_t), p_hi_t - mg, p_top)
    held = np.asarray(md.fixed if not md.reference_note else [], dtype=np.int64)
    held_bar = md.fixed_value / BAR if not md.reference_note else np.zeros(0)
    if held.size:
        p_lo[held] = p_hi[held] = held_bar
        p_top = max(p_top, float(held_bar.max()) * 1.5)
    # flows: a connection without a bound gets ± twice the larger of the total nominated supply
    # and the total nominated demand (held nodes supply or take the difference)
    supply = max(float(np.sum(np.maximum(md.inj, 0.0))), float(np.sum(np.maximum(-md.inj, 0.0))))
    big = max(2.0 * supply, 1.0)
    f_lo_t, f_hi_t = col("flow_min_kg_s"), col("flow_max_kg_s")
    f_lo = np.where(np.isfinite(f_lo_t), np.maximum(f_lo_t, -big), -big)
    f_hi = np.where(np.isfinite(f_hi_t), np.minimum(f_hi_t, big), big)
    nz = lambda a: np.nan_to_num(a / BAR)  # noqa: E731
    dmin = np.fmax(nz(col("dp_min_pa")), 0.0)
    dmax = np.where(np.isfinite(col("dp_max_pa")), col("dp_max_pa") / BAR, np.inf)
    dp_closed = np.where((kind == "valve") & np.isfinite(col("dp_max_pa")), col("dp_max_pa") / BAR,
                         np.inf)
    rmin = np.fmax(np.nan_to_num(col("ratio_min"), nan=1.0), 1.0)
    form = Formulation(
        md=md, groups=list(groups), p_lo=p_lo, p_hi=p_hi, p_lo_true=np.where(np.isfinite(p_lo_t), p_lo_t, 1.0),
        p_hi_true=np.where(np.isfinite(p_hi_t), p_hi_t, p_top), held=held, held_bar=held_bar,
        p_top=p_top, cls=cls, modes=modes, f_lo=f_lo, f_hi=f_hi, f_lo_true=f_lo_t, f_hi_true=f_hi_t,
        loss_in=nz(md.loss_in), loss_out=nz(md.loss_out), dp_min=dmin, dp_max=dmax, ratio_min=rmin,
        ratio_max=col("ratio_max"), p_in_min=col("p_in_min_pa") / BAR, p_out_max=col("p_out_max_pa") / BAR,
        power_max=col("power_max_w"), dp_closed=dp_closed, dp_const=nz(md.dp_const),
        margin_bar=float(margin_bar))
    if held.size:
        form.p_lo_true[held] = form.p_hi_true[held] = held_bar
    form.law = np.flatnonzero(np.isin(cls, ("pipe", "drag")))
    from linepack.problems.fuel import (drive_efficiency_or_default, lower_heating_value,
                                        station_drive_efficiencies)

    form.drive_efficiency = drive_efficiency_or_default(
        None if isinstance(drive_efficiency, dict) else drive_efficiency)
    form.station_eta = np.full(m, np.nan)
    etas = station_drive_efficiencies(md.net, drive_efficiency)
    pos = md.edge_ids.get_indexer(etas.index)
    form.station_eta[pos[pos >= 0]] = etas.to_numpy(float)[pos >= 0]
    form.lhv = lower_heating_value(md.gas, md.rho_n, lhv_j_kg)
    coefficient_ranges(form)
    p0 = 0.5 * (np.maximum(form.p_lo, 1.0) + form.p_hi)
    form.refresh(p0, np.zeros(m))
    return form
