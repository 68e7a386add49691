"""Expansion planning as a mixed-integer nonlinear programme: which candidates to build.

The network given holds every candidate: each diameter a route may be built with is its own
(parallel) pipe, each station that may be built its own station. A *decision* chooses at most
one of its *options* (exactly one when it is required); an option builds a set of connections
and costs a fixed amount per year. One copy of the network's rows
(:func:`linepack.optimization.minlp.add_network`, the rows :func:`linepack.validate_nomination`
uses, with λ, Z and κ frozen at the formulation's reference point) is added per demand
scenario, all tied to the same build binaries:

* the diameters of one route pipe are alternatives: copy k carries flow q_k only where its
  binary x_k is 1 (|q_k| ≤ q_max,k·x_k), and the route has one law
  π_u − e^S·π_v = Σ_k k_k·q_k|q_k| (e^S does not depend on the diameter) — the law of the
  diameter built holds exactly; an optional route not built carries no flow and its law is
  lifted by a big-M row. This is the disjunctive form of the network-expansion problem of
  GasModels.jl [2] and Borraz-Sánchez et al. [1] with the exact law rather than its
  second-order-cone relaxation, disaggregated by diameter (each copy's law term vanishes with
  its flow);
* a candidate station is in operation exactly where it is built (else bypassed) and its shaft
  power is at most the power of the size built;
* every node, flow and element limit of each scenario holds, with the set points of the
  scenario's controls (outlet pressure, ratio or flow of the stations in operation).

Objective: Σ (annual cost of the options built) + Σ_scenarios weight·Σ_stations
(fuel cost per W of shaft power)·power [the caller's money unit per year]. SCIP solves it to
global optimality for the frozen coefficients [3], with its numerics emphasis (default presolve
was measured to cut off feasible designs here; see the code); :func:`linepack.plan_expansion` refreshes
the coefficients at the solution until the design repeats and verifies the design with
:func:`linepack.simulate`.

References
----------
.. [1] Borraz-Sánchez, C., Bent, R., Backhaus, S., Hijazi, H., Van Hentenryck, P. (2016).
   Convex relaxations for gas expansion planning. *INFORMS Journal on Computing* 28(4), 645–656.
.. [2] GasModels.jl, the network-expansion problem ("ne"): binary z per candidate pipe or
   compressor, the pipe law on-off by z, least construction cost
   (https://github.com/lanl-ansi/GasModels.jl, docs "Network Expansion").
.. [3] Vigerske, S., Gleixner, A. (2018). SCIP: global optimization of mixed-integer nonlinear
   programs in a branch-and-cut framework. *Optimization Methods and Software* 33(3), 563–593.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from linepack.errors import InputError
from linepack.optimization.minlp import add_network, minimize, new_model, require_scip, run_scip

__all__ = ["ExpansionSolution", "solve_expansion"]


@dataclass
class ExpansionSolution:
    """What SCIP returned for the expansion programme."""

    status: str
    has_solution: bool
    choice: dict = field(default_factory=dict)     # decision id → option index (−1: none)
    objective: float = float("nan")
    dual_bound: float = float("nan")
    p_bar: list = field(default_factory=list, repr=False)    # per scenario, by node position
    q: list = field(default_factory=list, repr=False)        # per scenario, by connection [kg/s]
    power_w: list = field(default_factory=list, repr=False)  # per scenario, station → W
    slacks: list = field(default_factory=list)             # (amount, scenario, label), largest first
    seconds: float = 0.0
    nodes: int = 0


def solve_expansion(forms, decisions, *, pins=None, fuel_cost=None, weights=None,
                    time_limit: float = 120.0, gap: float = 1e-6, exclude=(),
                    elastic: bool = False, verbose: bool = False) -> ExpansionSolution:
    """Build and solve the expansion programme (module notes).

    Parameters
    ----------
    forms : list of Formulation
        One per demand scenario, all of the same network (with every candidate in it).
    decisions : list of dict
        ``{"id": str, "required": bool, "pipes": [[position per option], ...],
        "options": [{"cost": float, "stations": [positions], "power_w": float or None}]}``:
        option k builds the k-th copy of each pipe of ``pipes`` (a route) and the listed
        stations (sized to ``power_w`` each, if given).
    pins : list of dict, optional
        Per scenario: connection position → (set point, value), as in ``add_network``.
    fuel_cost : list of arrays, optional
        Per scenario: cost per W of shaft power per connection (0 or NaN where none).
    weights : list of float, optional
        Weight of each scenario's fuel cost (default 1/number of scenarios).
    exclude : iterable of dict
        Designs (decision id → option index) to cut off.
    elastic : bool
        Soft limits (as in :func:`~linepack.optimization.minlp.solve_minlp`), their weighted sum
        first in the objective: the limits that no design can hold are in ``slacks``.
    """
    require_scip()
    from pyscipopt import SCIP_PARAMEMPHASIS, quicksum

    t0 = time.perf_counter()
    if not forms:
        raise InputError("expansion: no demand scenario given")
    ns = len(forms)
    pins = pins or [None] * ns
    weights = list(weights) if weights is not None else [1.0 / ns] * ns
    S = new_model("linepack-expansion", time_limit=time_limit, gap=gap, verbose=verbose)
    # SCIP's default presolve was measured to cut off feasible designs of these models (a
    # 4-node line with a station: 500 mm alone missed; central-asia option A at high demand:
    # 630 mm missed, 720 mm returned as "optimal"); with the numerics emphasis (or without
    # presolve, 3× slower) both are found. (Measured before Ipopt inside SCIP was moved off
    # METIS, see minlp._SCIP_IPOPT_OPTIONS; not re-measured since.)
    S.setEmphasis(SCIP_PARAMEMPHASIS.NUMERICS)
    S.setParam("numerics/feastol", 1e-7)
    x, built_cs, sizes, alts = {}, {}, {}, []
    cost_terms = []
    owner = {}
    for d in decisions:
        xs = []
        for k, opt in enumerate(d["options"]):
            c = float(opt["cost"])
            if not np.isfinite(c) or c < 0:
                raise InputError(f"expansion: decision '{d['id']}' option {k}: cost must be a "
                                 f"number ≥ 0 (got {opt['cost']!r})")
            b = S.addVar(vtype="B", name=f"x_{d['id']}_{k}")
            xs.append(b)
            cost_terms.append(c * b)
            for e in opt.get("stations", ()):
                built_cs.setdefault(e, []).append(b)
                if opt.get("power_w") is not None:
                    sizes.setdefault(e, []).append((float(opt["power_w"]), b))
        S.addCons(quicksum(xs) == 1 if d.get("required") else quicksum(xs) <= 1)
        x[d["id"]] = xs
        for edges in d.get("pipes", ()):
            if len(edges) != len(xs):
                raise InputError(f"expansion: decision '{d['id']}': a pipe needs one copy per option")
            for e in edges:
                if e in owner:
                    raise InputError(f"expansion: connection position {e} is in two decisions "
                                     f"({owner[e]} and {d['id']})")
                owner[e] = d["id"]
            alts.append({"edges": list(edges), "x": xs, "required": bool(d.get("required"))})
    for design in exclude:
        # at least one decision takes another option
        same = []
        for d in decisions:
            k = design.get(d["id"], -1)
            same.append(x[d["id"]][k] if k >= 0 else 1 - quicksum(x[d["id"]]))
        S.addCons(quicksum(same) <= len(same) - 1)

    rows = []
    fuel_terms = []
    for s, form in enumerate(forms):
        built = {}
        for e, bs in built_cs.items():
            built[e] = quicksum(bs)
        r = add_network(S, form, "exact", prefix=f"s{s}_", built=built, pins=pins[s], elastic=elastic,
                        alternatives=alts)
        rows.append(r)
        for e, sz in sizes.items():
            if e in r.power:
                S.addCons(r.power[e] <= quicksum(pw * b for pw, b in sz))
        if fuel_cost is not None:
            fc = np.nan_to_num(np.asarray(fuel_cost[s], dtype=float))
            for e, pw in r.power.items():
                if fc[e] > 0:
                    fuel_terms.append(float(weights[s] * fc[e]) * pw)
    obj = quicksum(cost_terms) + (quicksum(fuel_terms) if fuel_terms else 0.0)
    if elastic:
        obj = obj + 1e6 * quicksum(w * v for r in rows for w, v in r.slack_terms)
    minimize(S, obj)
    out, val = run_scip(S, ExpansionSolution, t0)
    if not out.has_solution:
        return out
    for d in decisions:
        vals = [val(b) for b in x[d["id"]]]
        out.choice[d["id"]] = int(np.argmax(vals)) if vals and max(vals) > 0.5 else -1
    for r in rows:
        out.p_bar.append(np.array([val(v) for v in r.p]))
        out.q.append(np.array([val(v) for v in r.q]))
        out.power_w.append({e: val(pw) for e, pw in r.power.items()})
    for s_, r in enumerate(rows):
        out.slacks += [(w * val(v), s_, lab) for (w, v), lab in zip(r.slack_terms, r.labels)
                       if w * val(v) > 1e-6]
    out.slacks.sort(key=lambda t: -t[0])
    return out
