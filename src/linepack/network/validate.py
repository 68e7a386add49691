"""Validation of a network and scenario before solving: every issue at once.

``validate(network, scenario=None) -> list[Issue]``; ``strict=True`` raises
:class:`~linepack.errors.ValidationError` listing all errors.
"""

from __future__ import annotations

import numpy as np

from linepack.errors import Issue, ValidationError, did_you_mean
from linepack.network.network import Network, Scenario

__all__ = ["validate"]

BAR = 1e5  # for messages only (network room imports no physics/units beyond errors)

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
    ("ratio_max", ("compressorStation",), 0.0, False, "", 1.0),
    ("power_max_w", ("compressorStation",), 0.0, True, "MW", 1e-6),
    ("efficiency", ("compressorStation",), 0.0, False, "", 1.0),
)
_REQUIRED = {
    "pipe": ("length_m", "diameter_m", "roughness_m"),
    "resistor": (),
}


def _name(kind: str, i: str) -> str:
    return f"{kind} '{i}'"


def validate(network: Network, scenario: Scenario | None = None, *, strict: bool = False) -> list[Issue]:
    """Check a network (and scenario) for errors that would make a solve meaningless.

    Checks: dangling node references, self-loops, missing or non-physical
    element data (lengths, diameters, roughness, heights, pressure bounds and
    their order, station data), resistors with neither ζ nor a constant loss,
    scenario nodes that do not exist, non-finite inflows or fixed pressures,
    fixed pressures outside the node's bounds, islands without a pressure
    reference or inflow, and a nominated balance that cannot close (no
    pressure reference and entries ≠ exits).

    Returns
    -------
    list[Issue]
        Errors and warnings; empty when all is well.
    """
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
    loops = (conns["from_node"] == conns["to_node"]).to_numpy()
    for i in np.flatnonzero(loops):
        issues.append(Issue(_name(kinds[i], ids[i]), f"starts and ends at the same node '{conns['from_node'].iat[i]}'"))

    for kind, cols in _REQUIRED.items():
        sel = kinds == kind
        for col in cols:
            missing = sel & ~np.isfinite(conns[col].to_numpy(float))
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
    for nid in sn.index[~sn.index.isin(nodes.index)]:
        issues.append(Issue(where, f"node '{nid}' does not exist{did_you_mean(nid, nodes.index)}"))
    sn = sn[sn.index.isin(nodes.index)]
    inflow = sn["inflow_kg_s"].to_numpy(float)
    for i in np.flatnonzero(~np.isfinite(inflow)):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: inflow must be a finite number (got {inflow[i]})"))
    pf = sn["p_fixed_pa"].to_numpy(float)
    for i in np.flatnonzero(np.isfinite(pf) & (pf <= 0) | np.isinf(pf)):
        issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: fixed pressure must be > 0 bar absolute "
                            f"(got {pf[i] / BAR:g})"))
    for col in ("p_min_pa", "p_max_pa"):
        v = sn[col].to_numpy(float)
        for i in np.flatnonzero(v < 0):
            issues.append(Issue(f"node '{sn.index[i]}'", f"{where}: {col[:5]} must be ≥ 0 bar (got {v[i] / BAR:g})"))
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
        total = float(np.nansum(inflow))
        scale = float(np.nansum(np.abs(inflow))) or 1.0
        if abs(total) > 1e-6 * scale:
            issues.append(Issue(where, f"entries and exits do not balance (net {total:+.6g} kg/s) and no "
                                "node holds a fixed pressure to take the difference", severity="warning"))
    return issues
