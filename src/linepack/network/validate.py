"""Validation of a network, scenario and controls before solving: every issue at once.

``validate(network, scenario=None, controls=None) -> list[Issue]``; ``strict=True``
raises :class:`~linepack.errors.ValidationError` listing all errors.
``validate_controls(network, controls, scenario=None)`` checks the controls alone.

Plausibility limits (chosen wide, so that no real pipeline is refused):
temperatures of the gas within :data:`TEMPERATURE_RANGE_K` (−100 °C … 200 °C),
heights within ±9000 m, inflows and flow set points within ±:data:`FLOW_LIMIT_KG_S`,
pressures up to :data:`PRESSURE_LIMIT_PA` (1000 bar), ratios up to :data:`RATIO_LIMIT`,
pipe lengths up to 20 000 km (half the Earth's circumference), diameters up to 10 m,
loss coefficients up to 10⁶ (beyond these the arithmetic of a solve overflows), longitudes/latitudes within ±180°/±90°, bulk gas data within
:data:`GAS_RANGES` (hydrogen … rich natural gas; outside them the equations of state
give meaningless compressibilities), and an ideal-gas heat capacity
``cp0(T) = A + B·T + C·T²`` above the gas constant R at the gas temperature (else cv0 ≤ 0
and the isentropic exponent κ = cp0/(cp0 − R) is not > 1).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linepack.errors import Issue, ValidationError, did_you_mean
from linepack.network.network import GAS_COMPOSITION, Controls, Network, Scenario
from linepack.units import BAR, R_MOLAR

__all__ = ["validate", "validate_controls", "composition_issues", "TEMPERATURE_RANGE_K", "GAS_RANGES", "FLOW_LIMIT_KG_S",
           "PRESSURE_LIMIT_PA", "RATIO_LIMIT"]

#: Gas temperatures accepted as physical for a transmission network (−100 °C … 200 °C). [K]
TEMPERATURE_RANGE_K = (173.15, 473.15)
#: Largest mass flow accepted for an inflow or a flow set point: about 11 000 mcm/d, fifty
#: times the largest pipelines built; beyond it the input is damage, not a nomination. [kg/s]
FLOW_LIMIT_KG_S = 1e5
#: Highest absolute pressure accepted anywhere (bounds, fixed pressures, set points); offshore
#: lines run at up to about 250 bar. [Pa]
PRESSURE_LIMIT_PA = 1000e5
#: Largest pressure ratio accepted for a compressor station (limits and set points). [-]
RATIO_LIMIT = 100.0

# (column, kind(s), lower bound, inclusive, unit at the edge, scale to the edge unit)
_POSITIVE = (
    ("length_m", ("pipe",), 0.0, False, "km", 1e-3),
    ("diameter_m", ("pipe",), 0.0, False, "mm", 1e3),
    ("roughness_m", ("pipe",), 0.0, True, "mm", 1e3),
    ("loss_coefficient", ("pipe",), 0.0, True, "", 1.0),
    ("drag_factor", ("resistor",), 0.0, True, "", 1.0),
    ("pressure_loss_pa", ("resistor",), 0.0, True, "bar", 1 / BAR),
    ("p_in_min_pa", ("controlValve", "compressorStation"), 0.0, True, "bar", 1 / BAR),
    ("p_out_max_pa", ("controlValve", "compressorStation"), 0.0, False, "bar", 1 / BAR),
    ("ratio_min", ("compressorStation",), 0.0, False, "", 1.0),
    ("ratio_max", ("compressorStation",), 0.0, False, "", 1.0),
    ("power_max_w", ("compressorStation",), 0.0, True, "MW", 1e-6),
    ("efficiency", ("compressorStation",), 0.0, False, "", 1.0),
    ("heat_transfer_w_m2k", ("pipe",), 0.0, True, "", 1.0),
    ("dp_min_pa", ("controlValve",), 0.0, True, "bar", 1 / BAR),
    ("dp_max_pa", ("controlValve", "valve"), 0.0, True, "bar", 1 / BAR),
    ("pressure_loss_in_pa", ("controlValve", "compressorStation"), 0.0, True, "bar", 1 / BAR),
    ("pressure_loss_out_pa", ("controlValve", "compressorStation"), 0.0, True, "bar", 1 / BAR),
)
_P_LIMIT = ("bar", 1 / BAR, PRESSURE_LIMIT_PA)
# (column, kinds, upper limit, unit at the edge, scale to the edge unit): plausibility limits
_AT_MOST = (
    ("length_m", ("pipe",), 2e7, "km", 1e-3),
    ("diameter_m", ("pipe", "resistor"), 10.0, "mm", 1e3),
    ("loss_coefficient", ("pipe",), 1e6, "", 1.0),
    ("drag_factor", ("resistor",), 1e6, "", 1.0),
    ("ratio_min", ("compressorStation",), RATIO_LIMIT, "", 1.0),
    ("ratio_max", ("compressorStation",), RATIO_LIMIT, "", 1.0),
    *((c, ("controlValve", "compressorStation"), PRESSURE_LIMIT_PA, "bar", 1 / BAR)
      for c in ("p_in_min_pa", "p_out_max_pa", "pressure_loss_in_pa", "pressure_loss_out_pa")),
    ("pressure_loss_pa", ("resistor",), PRESSURE_LIMIT_PA, "bar", 1 / BAR),
    ("dp_min_pa", ("controlValve",), PRESSURE_LIMIT_PA, "bar", 1 / BAR),
    ("dp_max_pa", ("controlValve", "valve"), PRESSURE_LIMIT_PA, "bar", 1 / BAR),
)
# (lower column, upper column, kinds, what, unit at the edge, scale): lower must not exceed upper
_ORDERED = (
    ("flow_min_kg_s", "flow_max_kg_s", None, "flow", "kg/s", 1.0),
    ("dp_min_pa", "dp_max_pa", ("controlValve",), "pressure reduction", "bar", 1 / BAR),
    ("ratio_min", "ratio_max", ("compressorStation",), "ratio", "", 1.0),
)
#: Gas properties that must be positive numbers (keys of GAS_KEYS) and their unit in messages.
_GAS_POSITIVE = {
    "normal_density": "kg/m³", "molar_mass": "kg/mol", "pseudo_critical_pressure": "Pa",
    "pseudo_critical_temperature": "K", "calorific_value": "J/m³",
}
#: Plausible ranges of pipeline gas, from hydrogen to rich natural gas with CO₂:
#: key -> (low, high, unit at the edge, scale from SI to the edge unit).
GAS_RANGES = {
    "normal_density": (0.05, 3.0, "kg/m³", 1.0),
    "molar_mass": (2e-3, 60e-3, "kg/kmol", 1e3),
    "pseudo_critical_pressure": (10e5, 100e5, "bar", 1e-5),
    "pseudo_critical_temperature": (30.0, 400.0, "K", 1.0),
}
#: Control modes per connection kind (as the steady simulation accepts them).
_CONTROL_MODES = {
    "valve": ("open", "closed"),
    "checkValve": ("auto", "open", "closed"),
    "controlValve": ("active", "bypass", "closed"),
    "compressorStation": ("active", "bypass", "closed"),
}
_SETPOINTS = {"controlValve": ("p_out", "flow"), "compressorStation": ("p_out", "ratio", "flow")}

_REQUIRED = {
    "pipe": ("length_m", "diameter_m", "roughness_m"),
    "resistor": (),
}


def _name(kind: str, i: str) -> str:
    return f"{kind} '{i}'"


def validate(network: Network, scenario: Scenario | None = None, controls: Controls | None = None,
             *, strict: bool = False) -> list[Issue]:
    """Check a network (and scenario and controls) for errors that would make a solve meaningless.

    Checks: dangling node references, self-loops, ids used by a node and a
    connection (warning), missing or non-physical element data (lengths,
    diameters, roughness and its ratio to the diameter, heights, pressure
    bounds and their order, flow and pressure-reduction bounds and their
    order, station data: ratio limits, power, efficiency ≤ 1), resistors with
    neither ζ nor a constant loss, non-physical gas data (densities, molar
    mass, pseudo-critical data, temperatures), scenario nodes that do not
    exist, non-finite inflows or fixed pressures, fixed pressures outside the
    node's bounds, scenario bounds out of order, islands without a pressure
    reference or inflow, no pressure reference and no entry at all, a
    nominated balance that cannot close (no pressure reference and entries ≠
    exits, warning), and the controls (see :func:`validate_controls`).

    Parameters
    ----------
    network
        The network.
    scenario
        Boundary conditions, optional.
    controls
        Operating decisions (a :class:`Controls` or a mapping in the file format), optional.
    strict
        Raise :class:`~linepack.errors.ValidationError` (listing every error)
        when any error is found.

    Returns
    -------
    list[Issue]
        Errors and warnings; empty when all is well.
    """
    from linepack.network import arguments as arg

    arg.check_network("validate", network)
    arg.check_scenario("validate", scenario)
    controls = arg.check_controls("validate", controls, network)
    issues: list[Issue] = []
    nodes, conns = network.nodes, network.connections
    node_ids = set(nodes.index)
    kinds = conns["kind"].to_numpy()
    ids = conns.index.to_numpy()

    for col, end in (("from_node", "from"), ("to_node", "to")):
        bad = ~conns[col].isin(node_ids).to_numpy()
        for i in np.flatnonzero(bad):
            ref = conns[col].iat[i]
            issues.append(Issue(_name(kinds[i], ids[i]),
                                f"'{end}' node '{ref}' does not exist{did_you_mean(ref, node_ids)}"))
    for shared in sorted(set(nodes.index) & set(conns.index))[:20]:
        issues.append(Issue(f"'{shared}'", "the id names both a node and a connection; messages and "
                            "results may confuse them", severity="warning"))
    loops = (conns["from_node"] == conns["to_node"]).to_numpy()
    for i in np.flatnonzero(loops):
        issues.append(Issue(_name(kinds[i], ids[i]), f"starts and ends at the same node '{conns['from_node'].iat[i]}'"))

    for kind, cols in _REQUIRED.items():
        sel = kinds == kind
        for col in cols:
            missing = sel & np.isnan(conns[col].to_numpy(float))  # ±inf: see _POSITIVE
            for i in np.flatnonzero(missing):
                issues.append(Issue(_name(kind, ids[i]), f"{col} is missing or not a number "
                                    f"(got {conns[col].iat[i]})"))
    res = kinds == "resistor"
    no_law = res & ~np.isfinite(conns["drag_factor"].to_numpy(float)) \
        & ~np.isfinite(conns["pressure_loss_pa"].to_numpy(float))
    for i in np.flatnonzero(no_law):
        issues.append(Issue(_name("resistor", ids[i]), "needs a drag factor (with a diameter) or a constant pressure loss"))
    drag_no_d = res & np.isfinite(conns["drag_factor"].to_numpy(float)) \
        & ~(conns["diameter_m"].to_numpy(float) > 0)
    for i in np.flatnonzero(drag_no_d):
        issues.append(Issue(_name("resistor", ids[i]), f"diameter must be > 0 mm with a drag factor "
                            f"(got {conns['diameter_m'].iat[i] * 1e3})"))

    for col, ks, lo, inclusive, unit, scale in _POSITIVE:
        sel = np.isin(kinds, ks)
        vals = conns[col].to_numpy(float)
        present = sel & ~np.isnan(vals)
        bad = present & ((vals < lo) if inclusive else (vals <= lo)) | (present & np.isinf(vals))
        for i in np.flatnonzero(bad):
            op = "≥" if inclusive else ">"
            edge = col.rsplit("_", 1)[0] if unit else col
            issues.append(Issue(_name(kinds[i], ids[i]),
                                f"{edge} must be {op} {lo:g}{' ' + unit if unit else ''} "
                                f"(got {vals[i] * scale:g})"))

    for col, ks, limit, unit, scale in _AT_MOST:
        vals = conns[col].to_numpy(float)
        for i in np.flatnonzero(np.isin(kinds, ks) & np.isfinite(vals) & (vals > limit)):
            edge = col.rsplit("_", 1)[0] if unit else col
            u = f" {unit}" if unit else ""
            issues.append(Issue(_name(kinds[i], ids[i]), f"{edge} must be ≤ {limit * scale:g}{u} "
                                f"(got {vals[i] * scale:g}); that is beyond any gas network"))
    rough, diam = conns["roughness_m"].to_numpy(float), conns["diameter_m"].to_numpy(float)
    too_rough = (kinds == "pipe") & (rough >= diam) & (diam > 0) & (rough >= 0)
    for i in np.flatnonzero(too_rough):
        issues.append(Issue(_name(kinds[i], ids[i]), f"roughness must be smaller than the diameter "
                            f"(got roughness {rough[i] * 1e3:g} mm, diameter {diam[i] * 1e3:g} mm)"))
    eff = conns["efficiency"].to_numpy(float)
    for i in np.flatnonzero((kinds == "compressorStation") & (eff > 1)):
        issues.append(Issue(_name(kinds[i], ids[i]), f"efficiency must be ≤ 1 (got {eff[i]:g})"))
    rmax = conns["ratio_max"].to_numpy(float)
    for i in np.flatnonzero((kinds == "compressorStation") & (rmax > 0) & (rmax < 1)):
        issues.append(Issue(_name(kinds[i], ids[i]), f"ratio_max must be ≥ 1: a compressor station "
                            f"raises the pressure (got {rmax[i]:g})"))
    for lo_col, hi_col, ks, what, unit, scale in _ORDERED:
        lo_v, hi_v = conns[lo_col].to_numpy(float), conns[hi_col].to_numpy(float)
        sel = np.ones(len(conns), dtype=bool) if ks is None else np.isin(kinds, ks)
        for i in np.flatnonzero(sel & (lo_v > hi_v)):
            u = f" {unit}" if unit else ""
            issues.append(Issue(_name(kinds[i], ids[i]), f"the lower {what} bound {lo_v[i] * scale:g}{u} "
                                f"exceeds the upper bound {hi_v[i] * scale:g}{u} ({lo_col} > {hi_col})"))
    per_source = (network.meta.get("gaslib") or {}).get("source_gas")
    t_scn = [scenario.temperature] if scenario is not None else []
    if isinstance(per_source, dict) and per_source:
        # GasLib: Network.gas is the mean over the sources; name the source that is wrong
        for sid, g in per_source.items():
            issues += _validate_gas(g, f"source '{sid}' gas", t_scn)
    else:
        issues += _validate_gas(network.gas, "network gas", t_scn)

    h = nodes["height_m"].to_numpy(float)
    for i in np.flatnonzero(~np.isfinite(h) | (np.abs(h) > 9000)):
        issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                            f"height must be a finite number within ±9000 m (got {h[i]})"))
    pmin, pmax = nodes["p_min_pa"].to_numpy(float), nodes["p_max_pa"].to_numpy(float)
    for i in np.flatnonzero((pmin < 0) | np.isinf(pmin)):
        issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                            f"minimum pressure must be ≥ 0 bar absolute (got {pmin[i] / BAR:g})"))
    for i in np.flatnonzero((pmax <= 0) | np.isinf(pmax)):
        issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                            f"maximum pressure must be > 0 bar absolute (got {pmax[i] / BAR:g})"))
    for col, v in (("minimum", pmin), ("maximum", pmax)):
        for i in np.flatnonzero(np.isfinite(v) & (v > PRESSURE_LIMIT_PA)):
            issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                                f"{col} pressure must be ≤ {PRESSURE_LIMIT_PA / BAR:g} bar (got "
                                f"{v[i] / BAR:g}); that is beyond any gas network"))
    for i in np.flatnonzero(pmin > pmax):
        issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                            f"minimum pressure {pmin[i] / BAR:g} bar exceeds maximum {pmax[i] / BAR:g} bar"))
    for col in ("lon", "lat"):
        v = nodes[col].to_numpy(float)
        lim = 180 if col == "lon" else 90
        for i in np.flatnonzero(np.abs(v) > lim):
            issues.append(Issue(_name(nodes["kind"].iat[i], nodes.index[i]),
                                f"{col} must be within ±{lim} degrees (got {v[i]})"))

    if scenario is not None:
        issues += _validate_scenario(network, scenario)
    if controls is not None:
        issues += validate_controls(network, controls, scenario)
    if strict and any(i.severity == "error" for i in issues):
        raise ValidationError(issues)
    return issues


def _validate_scenario(network: Network, scenario: Scenario) -> list[Issue]:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    issues: list[Issue] = []
    nodes, conns = network.nodes, network.connections
    sn = scenario.nodes
    where = f"scenario '{scenario.name}'" if scenario.name else "scenario"
    t = scenario.temperature
    lo_t, hi_t = TEMPERATURE_RANGE_K
    if not (np.isfinite(t) and lo_t <= t <= hi_t):
        issues.append(Issue(where, f"temperature must be within {lo_t:g}…{hi_t:g} K "
                            f"({lo_t - 273.15:g}…{hi_t - 273.15:g} °C) (got {t:g} K)"))
    issues += _validate_gas(scenario.gas, f"{where} gas", [t])
    for nid in sn.index[~sn.index.isin(nodes.index)]:
        issues.append(Issue(where, f"node '{nid}' does not exist{did_you_mean(nid, nodes.index)}"))
    sn = sn[sn.index.isin(nodes.index)]
    inflow = sn["inflow_kg_s"].to_numpy(float)
    for i in np.flatnonzero(~np.isfinite(inflow)):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: inflow must be a finite number (got {inflow[i]})"))
    for i in np.flatnonzero(np.isfinite(inflow) & (np.abs(inflow) > FLOW_LIMIT_KG_S)):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: inflow must be within "
                            f"±{FLOW_LIMIT_KG_S:g} kg/s (got {inflow[i]:g})"))
    pf = sn["p_fixed_pa"].to_numpy(float)
    for i in np.flatnonzero(np.isfinite(pf) & (pf <= 0) | np.isinf(pf)):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: fixed pressure must be > 0 bar absolute "
                            f"(got {pf[i] / BAR:g})"))
    for col in ("p_min_pa", "p_max_pa"):
        v = sn[col].to_numpy(float)
        for i in np.flatnonzero(v < 0):
            issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: {col[:5]} must be ≥ 0 bar (got {v[i] / BAR:g})"))
    s_lo, s_hi = sn["p_min_pa"].to_numpy(float), sn["p_max_pa"].to_numpy(float)
    for what, v in (("fixed pressure", pf), ("p_min", s_lo), ("p_max", s_hi)):
        for i in np.flatnonzero(np.isfinite(v) & (v > PRESSURE_LIMIT_PA)):
            issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: {what} must be ≤ "
                                f"{PRESSURE_LIMIT_PA / BAR:g} bar (got {v[i] / BAR:g}); that is "
                                "beyond any gas network"))
    for i in np.flatnonzero(s_lo > s_hi):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: p_min {s_lo[i] / BAR:g} bar exceeds "
                            f"p_max {s_hi[i] / BAR:g} bar"))
    # a fixed pressure outside the node's bounds (network's, tightened by the scenario's)
    n_lo = np.fmax(nodes["p_min_pa"].reindex(sn.index).to_numpy(float), s_lo)
    n_hi = np.fmin(nodes["p_max_pa"].reindex(sn.index).to_numpy(float), s_hi)
    for i in np.flatnonzero(np.isfinite(pf) & (pf > 0) & ((pf < n_lo) | (pf > n_hi))):
        issues.append(Issue(_name(nodes.at[sn.index[i], "kind"], sn.index[i]),
                            f"{where}: fixed pressure {pf[i] / BAR:g} bar is outside the node's bounds "
                            f"[{n_lo[i] / BAR:g}, {n_hi[i] / BAR:g}] bar"))
    # islands: each connected part needs a fixed pressure, or an entry to be chosen as reference
    pos = {k: i for i, k in enumerate(nodes.index)}
    ok = conns["from_node"].isin(pos) & conns["to_node"].isin(pos)
    u = np.array([pos[x] for x in conns["from_node"][ok]], dtype=np.int64)
    v = np.array([pos[x] for x in conns["to_node"][ok]], dtype=np.int64)
    n = len(nodes)
    nc, lab = connected_components(coo_matrix((np.ones(u.size), (u, v)), shape=(n, n)), directed=False)
    fixed = np.zeros(n, dtype=bool)
    inj = np.zeros(n)
    idx = np.array([pos[i] for i in sn.index], dtype=np.int64)
    if idx.size:
        fixed[idx] = np.isfinite(pf)
        inj[idx] = np.nan_to_num(inflow)
    any_fixed = fixed.any()
    if not any_fixed and not (inj > 0).any() and (inj < 0).any():
        issues.append(Issue(where, "no node holds a fixed pressure and no entry has an inflow, so "
                            "nothing supplies the exits; give p_fixed at one node or an inflow > 0"))
    for c in range(nc):
        members = np.flatnonzero(lab == c)
        if fixed[members].any():
            continue
        if np.allclose(inj[members], 0.0):
            continue  # an idle island: nothing flows, nothing to solve
        if not any_fixed and c == int(np.argmax(np.bincount(lab, weights=np.maximum(inj, 0), minlength=nc))):
            continue  # the simulator will choose the largest entry here as reference
        names = ", ".join(f"'{nodes.index[i]}'" for i in members[:4])
        issues.append(Issue("network", f"the connected part with nodes {names}"
                            f"{' …' if members.size > 4 else ''} has flows but no pressure reference"))
    if not any_fixed:
        finite = inflow[np.isfinite(inflow)]  # non-finite inflows are reported above
        total = float(np.sum(finite))
        scale = float(np.sum(np.abs(finite))) or 1.0
        if abs(total) > 1e-6 * scale:
            issues.append(Issue(where, f"entries and exits do not balance (net {total:+.6g} kg/s) and no "
                                "node holds a fixed pressure to take the difference", severity="warning"))
    return issues


def composition_issues(comp, where: str) -> list[Issue]:
    """Mole fractions: numbers in [0, 1] summing to 1 within 1e-6 (component names are
    checked by the gas model when the gas is built)."""
    issues: list[Issue] = []
    if not isinstance(comp, Mapping) or not comp:
        return [Issue(where, f"composition must be a non-empty mapping of component to mole "
                             f"fraction (got {comp!r:.60})")]
    total = 0.0
    for name, value in comp.items():
        try:
            x = float(value)
        except (TypeError, ValueError):
            issues.append(Issue(where, f"composition {name!r} must be a mole fraction "
                                       f"(got {value!r})"))
            continue
        if not 0.0 <= x <= 1.0:
            issues.append(Issue(where, f"composition {name!r} must be a mole fraction in "
                                       f"[0, 1] (got {x:g})"))
        total += x
    if not issues and abs(total - 1.0) > 1e-6:
        issues.append(Issue(where, f"composition: mole fractions must sum to 1 within 1e-6 "
                                   f"(got {total:.9g})"))
    return issues


def _validate_gas(gas, where: str, temperatures=()) -> list[Issue]:
    """Gas properties: positive where physical, in range, all finite; cp0 > R at the
    gas's own temperature and at ``temperatures`` [K] (default 288.15 K)."""
    issues: list[Issue] = []
    if not gas:
        return issues
    lo_t, hi_t = TEMPERATURE_RANGE_K
    coeffs = [gas.get(k) for k in ("heat_capacity_a", "heat_capacity_b", "heat_capacity_c")]
    if all(c is not None for c in coeffs):
        try:
            a, b, c = (float(x) for x in coeffs)
        except (TypeError, ValueError):
            a = b = c = float("nan")
        ts = [float(x) for x in (gas.get("temperature"), *temperatures) if x is not None] or [288.15]
        for t in ts:
            cp0 = a + b * t + c * t * t
            if np.isfinite(cp0) and np.isfinite(t) and lo_t <= t <= hi_t and cp0 <= R_MOLAR:
                issues.append(Issue(where, f"the ideal-gas heat capacity A + B·T + C·T² at {t:g} K "
                                    f"must exceed the gas constant {R_MOLAR:.4g} J/(mol·K) "
                                    f"(got {cp0:.6g} J/(mol·K) from heat_capacity_a/b/c = "
                                    f"{a:g}, {b:g}, {c:g})"))
                break
    for key, value in gas.items():
        if key == GAS_COMPOSITION:
            issues += composition_issues(value, where)
            continue
        try:
            x = float(value)
        except (TypeError, ValueError):
            issues.append(Issue(where, f"{key} must be a number (got {value!r})"))
            continue
        if not np.isfinite(x):
            issues.append(Issue(where, f"{key} must be a finite number (got {x})"))
        elif key in _GAS_POSITIVE and x <= 0:
            issues.append(Issue(where, f"{key} must be > 0 {_GAS_POSITIVE[key]} (got {x:g})"))
        elif key in GAS_RANGES and not GAS_RANGES[key][0] <= x <= GAS_RANGES[key][1]:
            lo, hi, unit, scale = GAS_RANGES[key]
            issues.append(Issue(where, f"{key} must be within {lo * scale:g}…{hi * scale:g} {unit} "
                                f"for a pipeline gas (got {x * scale:g} {unit})"))
        elif key == "temperature" and not lo_t <= x <= hi_t:
            issues.append(Issue(where, f"temperature must be within {lo_t:g}…{hi_t:g} K "
                                f"(got {x:g} K)"))
    return issues


def validate_controls(network: Network, controls: Controls, scenario: Scenario | None = None
                      ) -> list[Issue]:
    """Check controls against the network: every issue at once.

    Errors: a control for a connection that does not exist (with "did you
    mean"), a kind that takes no control, a mode the kind does not have, an
    unknown set point, an active ``ratio`` or ``flow`` set point without a
    value, non-finite values, an outlet pressure ≤ 0 or above the element's
    ``p_out_max``, a compressor ratio below 1 or outside
    [``ratio_min``, ``ratio_max``], a negative flow set point (an active
    element passes gas from its ``from`` to its ``to`` node) or one outside
    the element's flow bounds. Warning: an outlet pressure above the outlet
    node's upper bound (network's, tightened by the scenario's).

    Returns
    -------
    list[Issue]
    """
    from linepack.network import arguments as arg

    arg.check_network("validate_controls", network)
    arg.check_scenario("validate_controls", scenario)
    controls = arg.check_controls("validate_controls", controls, network)
    if controls is None:
        return []
    issues: list[Issue] = []
    conns, nodes = network.connections, network.nodes
    p_hi = nodes["p_max_pa"].astype(float)
    if scenario is not None and len(scenario.nodes):
        s_hi = scenario.nodes["p_max_pa"].reindex(nodes.index).astype(float)
        p_hi = np.fmin(p_hi, s_hi)
    for cid, row in controls.table.iterrows():
        if cid not in conns.index:
            issues.append(Issue("controls", f"connection '{cid}' does not exist"
                                f"{did_you_mean(cid, conns.index)}"))
            continue
        kind = conns.at[cid, "kind"]
        who = _name(kind, cid)
        modes = _CONTROL_MODES.get(kind)
        mode = str(row["mode"])
        if modes is None:
            issues.append(Issue(who, f"controls: a {kind} takes no control (only "
                                f"{', '.join(_CONTROL_MODES)} do)"))
            continue
        if mode not in modes:
            issues.append(Issue(who, f"controls: mode must be one of {list(modes)} (got {mode!r})"
                                f"{did_you_mean(mode, modes)}"))
            continue
        if mode != "active":
            continue
        spt = str(row["setpoint"]) or "p_out"
        allowed = _SETPOINTS[kind]
        if spt not in allowed:
            issues.append(Issue(who, f"controls: set point must be one of {list(allowed)} (got {spt!r})"
                                f"{did_you_mean(spt, allowed)}"))
            continue
        v = float(row["value"])
        if np.isnan(v):
            if spt != "p_out":
                issues.append(Issue(who, f"controls: an active '{spt}' set point needs a value"))
            continue
        if np.isinf(v):
            issues.append(Issue(who, f"controls: the {spt} set point must be a finite number (got {v})"))
            continue
        c = conns.loc[cid]
        if spt == "p_out":
            if v <= 0:
                issues.append(Issue(who, f"controls: outlet pressure must be > 0 bar absolute "
                                    f"(got {v / BAR:g})"))
            elif v > PRESSURE_LIMIT_PA:
                issues.append(Issue(who, f"controls: outlet pressure must be ≤ "
                                    f"{PRESSURE_LIMIT_PA / BAR:g} bar (got {v / BAR:g})"))
            elif np.isfinite(c["p_out_max_pa"]) and v > c["p_out_max_pa"]:
                issues.append(Issue(who, f"controls: outlet pressure {v / BAR:g} bar is above the "
                                    f"element's p_out_max {c['p_out_max_pa'] / BAR:g} bar"))
            else:
                hi = float(p_hi.get(c["to_node"], np.nan))
                if np.isfinite(hi) and v > hi:
                    issues.append(Issue(who, f"controls: outlet pressure {v / BAR:g} bar is above the "
                                        f"upper bound {hi / BAR:g} bar of its outlet node "
                                        f"'{c['to_node']}'", severity="warning"))
        elif spt == "ratio":
            if v < 1:
                issues.append(Issue(who, f"controls: ratio must be ≥ 1, a compressor station cannot "
                                    f"lower the pressure (got {v:g})"))
            elif v > RATIO_LIMIT:
                issues.append(Issue(who, f"controls: ratio must be ≤ {RATIO_LIMIT:g} (got {v:g})"))
            elif np.isfinite(c["ratio_max"]) and v > c["ratio_max"]:
                issues.append(Issue(who, f"controls: ratio {v:g} is above the station's ratio_max "
                                    f"{c['ratio_max']:g}"))
            elif np.isfinite(c["ratio_min"]) and v < c["ratio_min"]:
                issues.append(Issue(who, f"controls: ratio {v:g} is below the station's ratio_min "
                                    f"{c['ratio_min']:g}"))
        else:  # flow
            if v < 0:
                issues.append(Issue(who, f"controls: flow set point must be ≥ 0 kg/s: an active {kind} "
                                    f"passes gas from '{c['from_node']}' to '{c['to_node']}' "
                                    f"(got {v:g})"))
            elif v > FLOW_LIMIT_KG_S:
                issues.append(Issue(who, f"controls: flow set point must be ≤ {FLOW_LIMIT_KG_S:g} "
                                    f"kg/s (got {v:g})"))
            elif np.isfinite(c["flow_max_kg_s"]) and v > c["flow_max_kg_s"]:
                issues.append(Issue(who, f"controls: flow set point {v:g} kg/s is above flow_max "
                                    f"{c['flow_max_kg_s']:g} kg/s"))
            elif np.isfinite(c["flow_min_kg_s"]) and v < c["flow_min_kg_s"]:
                issues.append(Issue(who, f"controls: flow set point {v:g} kg/s is below flow_min "
                                    f"{c['flow_min_kg_s']:g} kg/s"))
    return issues
