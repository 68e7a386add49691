"""Nomination validation: operating decisions under which a nomination can be carried.

A *nomination* gives the flow of every entry and exit. Validating it means finding
the states of the valves and the states and set points of the control valves
(regulators) and compressor stations under which a steady state exists with every
pressure, pressure ratio, station power and flow within its limits — or showing
that none was found and by how much the best attempt misses (the problem of
Pfetsch et al. 2015 [1]; GasLib [2] ships its networks with such nominations).

Status
------
``validated``: controls were found and :func:`linepack.simulate` under them holds every limit
(:func:`~linepack.problems.capacity.check_limits` and the regulator/station limits);
``infeasible``: the relaxation of :mod:`linepack.optimization.minlp` has no solution — no state
of the network carries the nomination within its limits (a proof, to SCIP's tolerance and under
the flow bounds stated in :mod:`linepack.optimization.formulation`); its elastic form names the
limits that bind; ``undecided``: neither within the time limit — the best programme's shortfalls
(limit and amount) are given.

Method (``method="minlp"``, the default)
----------------------------------------
1. The relaxation (SCIP via PySCIPOpt; π = p² linked only where stations and law elements
   meet): infeasible → ``infeasible``.
2. A first-improvement local search over the discrete states (heuristic): from the relaxation's
   combined decisions with valves open and free regulators/stations in operation; neighbours
   are, in the order of the NLP's shortfalls, a named element's other modes (bypass, closed,
   in operation) or the other decisions of its group, then all groups' other decisions; a
   regulator or station that neither reduces nor raises beyond its minimum is tried bypassed.
3. Each state is scored by the exact NLP (below; :mod:`linepack.optimization.nlp`).
   If no state holds every limit: the bounds are narrowed by bound tightening valid for every
   feasible point (:mod:`linepack.optimization.tighten`: OBBT on an LP relaxation, HiGHS) and
   the relaxation, now with π linked at every node, is solved again on them: infeasible → ``infeasible``; else the search runs
   again from its solution.
4. If time is left, the exact MINLP with λ, Z, κ frozen at the best point (SCIP; first
   feasible solution) proposes one more state.
5. Check by simulation (below). Regulators and stations not named by a decision may be in
   operation, bypassed or closed (GasLib's regulators with an internal bypass).

Method (``method="search"``, the former one)
--------------------------------------------
The problem is a mixed-integer nonlinear programme. linepack splits it:

* **Discrete states.** Where the network carries GasLib combined decisions
  (``network.meta["combined_decisions"]``, read from a ``.cdf`` file), one decision
  per group fixes which valves, regulators and stations are open, closed, bypassed
  or in operation; they are chosen by coordinate search (first decision of every
  group, then each group's alternatives in turn with the others held, keeping the
  best), scored by the continuous problem below. Elsewhere valves are open (or as
  the ``controls`` argument says) and regulators and stations are *free*: in
  operation, which includes passing gas without changing its pressure.
* **Continuous set points** for one choice of states: a nonlinear programme solved
  by IPOPT [3] through CasADi [4]. Unknowns: the pressure of every node and the mass
  flow of every conducting connection, plus a slack on every pressure bound.
  Constraints: mass balance at every node; the isothermal pipe law with elevation
  and the resistor laws of :mod:`linepack.physics.element_laws`; equal pressures
  across short pipes, open valves and bypasses; for a regulator in operation a
  pressure reduction in [max(Δp_min, 0), Δp_max] after its inlet and outlet losses,
  forward flow, inlet pressure ≥ p_in_min and outlet ≤ p_out_max; for a station in
  operation a pressure ratio in [max(ratio_min, 1), ratio_max], forward flow, the
  isentropic shaft power (as :func:`linepack.physics.compressor.power`) ≤ its limit,
  inlet pressure ≥ p_in_min; flow limits of every connection. Objective: the total
  pressure-bound violation in bar (zero when the nomination is carried), plus
  10⁻³ × the total station pressure lift in bar (least compression among the
  feasible set points). Bounds are tightened by ``margin_bar`` so that the check
  by simulation below does not fail on rounding.
* **Exact physics.** λ and Z enter the pipe law as parameters
  (:func:`~linepack.physics.element_laws.isothermal_pipe_coefficients`) and are
  refreshed from the solution until no law changes by more than 10⁻⁹·p_ref²
  (about 10⁻⁷ bar); at that fixed point the programme satisfies the same laws as
  :func:`linepack.simulate`.
* **Check by simulation.** The set points become :class:`~linepack.Controls`
  (one station or regulator holding its outlet pressure per part of the network
  between stations and regulators, the others their flow; a part with no such
  element gets a held pressure at one node, from the programme) and the case is
  simulated. The result reported is that simulation's.

* **Repair.** Where the best choice still gives up a limit of a regulator or station
  that no decision and no user control sets (a regulator in operation always loses its
  inlet and outlet losses, say), that element is tried closed, largest shortfall first,
  at most ``max_repairs`` times; a closure is kept where it lowers the violation.

The discrete search is a heuristic: a nomination it cannot validate may still be
feasible with other decisions. With combined decisions the search stops at the
first choice without violation or after ``max_choices`` programmes.

References
----------
.. [1] Pfetsch, M. E., et al. (2015). Validation of nominations in gas network
   optimization: models, methods, and solutions. *Optimization Methods and
   Software* 30(1), 15–53. doi:10.1080/10556788.2014.888426
.. [2] Schmidt, M., et al. (2017). GasLib — A Library of Gas Network Instances.
   *Data* 2(4), 40. doi:10.3390/data2040040
.. [3] Wächter, A., Biegler, L. T. (2006). On the implementation of an
   interior-point filter line-search algorithm for large-scale nonlinear
   programming. *Mathematical Programming* 106, 25–57.
.. [4] Andersson, J. A. E., et al. (2019). CasADi: a software framework for
   nonlinear optimization and optimal control. *Mathematical Programming
   Computation* 11, 1–36.
.. [5] Bent, R., et al. GasModels.jl (Los Alamos National Laboratory), its GasLib reader
   ``src/io/gaslib.jl``: a station's ratio bounded by ``pressureOutMax/pressureInMin`` and its
   power limit set from that ratio, the largest flow and an efficiency of 0.1 (ten times any
   real station's need, i.e. no limit in effect); the ``.cs`` maps and drives are not read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, LinepackError
from linepack.network.network import Controls, Network, Scenario
from linepack.units import BAR

__all__ = ["validate_nomination", "NominationResult"]

#: Seconds the elastic relaxation may take to name the limits of a nomination proved infeasible
#: (at most 30 % of the time left); without a solution by then the exact programme names them
#: (a local search of at most 3× as long, and half the time left).
_ELASTIC_SECONDS = 3.0


@dataclass(frozen=True)
class NominationResult:
    """Outcome of :func:`validate_nomination`.

    Attributes
    ----------
    feasible : bool
        The simulation with ``controls`` converged and respects every limit.
    controls : Controls
        The states and set points found (for the best choice tried).
    scenario : Scenario
        The nomination with the held pressures the controls need (a part of the
        network without a station or regulator holding a pressure gets one node
        held at the programme's pressure).
    result : SteadyResult or None
        The simulation under ``controls``; None when it failed (see ``error``).
    violation_bar : float
        The programme's total pressure-bound violation for the best choice [bar].
    violations : list of str
        Limits the simulation violates (empty when feasible).
    shortfalls : list of (float, str)
        The programme's view of what binds: each limit it had to give up, with the
        amount (weighted as in the objective: bar; a station's power as a share of its
        maximum × 10; wrong-way flow per 10 kg/s), largest first.
    p_bar : Series
        The programme's pressures by node [bar, absolute].
    choice : list of int
        The decision taken in each combined-decision group (empty without groups).
    programmes : int
        Nonlinear programmes solved (each with its λ, Z refreshes).
    seconds : float
        Wall time of the whole validation.
    error : LinepackError or None
        Why the simulation under ``controls`` failed, if it did.
    """

    feasible: bool
    controls: Controls
    scenario: Scenario
    result: Any = field(repr=False)
    violation_bar: float
    violations: list
    shortfalls: list
    p_bar: pd.Series = field(repr=False)
    choice: list
    programmes: int
    seconds: float
    error: Exception | None = field(repr=False, default=None)
    status: str = "undecided"
    infeasible_limits: list = field(default_factory=list)
    method: str = "minlp"
    timings: dict = field(default_factory=dict)
    modes: Any = field(repr=False, default=None)
    compressor_model: str = "detailed"


#: The station models :func:`validate_nomination` offers (see its ``compressor_model``).
COMPRESSOR_MODELS = ("detailed", "ratio")


def ratio_model_network(network: Network) -> Network:
    """``network`` with its compressor stations in the ratio model of GasModels.jl's GasLib
    reader [5]: no shaft power limit (``power_max_w`` NaN) and ``ratio_max`` =
    ``p_out_max_pa / p_in_min_pa`` where both are given (else the station's own ``ratio_max``)."""
    conns = network.connections.copy()
    cs = (conns["kind"] == "compressorStation").to_numpy()
    if not cs.any():
        return network
    pin = conns["p_in_min_pa"].to_numpy(float)
    pout = conns["p_out_max_pa"].to_numpy(float)
    both = cs & np.isfinite(pin) & np.isfinite(pout) & (pin > 0)
    ratio = conns["ratio_max"].to_numpy(float).copy()
    ratio[both] = pout[both] / pin[both]
    conns["ratio_max"] = ratio
    conns.loc[cs, "power_max_w"] = np.nan
    return network.evolve(connections=conns)


from linepack.optimization.nlp import _casadi  # noqa: E402  (InputError naming the extra)
from linepack.optimization.nlp import FixedStateNLP as _Programme  # noqa: E402,F401
from linepack.optimization.nlp import _FREE, BALANCE_TOL, NO_VIOLATION  # noqa: E402
from linepack.optimization.nlp import parts as _parts  # noqa: E402,F401
from linepack.optimization.nlp import prepare as _prepare  # noqa: E402

# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def _modes(md, groups, choice, controls: Controls | None, closed=()) -> np.ndarray:
    """Mode per connection: the user's controls, then the chosen decisions, then the free
    regulators and stations the repair closed (``closed``: positions); valves open and
    regulators/stations free ("active") elsewhere; law elements ""."""
    mode = np.full(md.m, "", dtype=object)
    mode[md.kind == "valve"] = "open"
    mode[np.isin(md.kind, _FREE)] = "active"
    mode[md.kind == "checkValve"] = "open"
    ids = md.edge_ids
    if controls is not None and len(controls.table):
        tab = controls.table
        where = ids.get_indexer(tab.index)
        for i, cid, m_ in zip(where.tolist(), tab.index, tab["mode"]):
            if i < 0:
                raise InputError(f"controls: connection '{cid}' is not in the network")
            mode[i] = "open" if m_ == "auto" else m_
    for g, k in zip(groups, choice):
        for eid, m_ in g["decisions"][k]["controls"].items():
            i = ids.get_indexer([eid])[0]
            if i >= 0:
                mode[i] = m_
    mode[list(closed)] = "closed"
    return mode


def _controls_and_scenario(md, mode, p_bar, m, scenario: Scenario):
    """Controls holding the programme's set points, and the scenario with the held pressures
    the parts without a pressure-holding element need (see the module notes)."""
    # IPOPT meets bounds to its tolerance: a flow a hair outside its element's limits is put on them
    conns = md.net.connections
    m = np.clip(m, np.nan_to_num(conns["flow_min_kg_s"].to_numpy(float), nan=-np.inf),
                np.nan_to_num(conns["flow_max_kg_s"].to_numpy(float), nan=np.inf))
    # a bypassed regulator that passes gas one way only (flow_min ≥ 0), with no inlet or outlet
    # loss and a least pressure reduction ≤ 0, and whose ends are within its working range, is
    # the same element in operation at Δp = 0: it is
    # passed to the simulation in operation at the programme's flow. Bypassed, its flow would be
    # whatever the simulation's solution gives, and where it closes a loop of lossless elements
    # (short pipes, other bypasses) that flow is not fixed by the laws and may run against its
    # direction (GasLib-582: controlValve_6 and _23 in parallel, 169 kg/s back through _6)
    fmin = conns["flow_min_kg_s"].to_numpy(float)
    as_flow = np.zeros(md.m, dtype=bool)
    if len(mode):
        li, lo_ = np.nan_to_num(md.loss_in), np.nan_to_num(md.loss_out)
        dmin = np.nan_to_num(conns["dp_min_pa"].to_numpy(float))
        # in operation its working range applies, which bypassed it does not: only where the
        # programme's pressures keep it
        with np.errstate(invalid="ignore"):
            in_range = ~(p_bar[md.v] * BAR > md.p_out_max + 1.0) & ~(
                p_bar[md.u] * BAR < conns["p_in_min_pa"].to_numpy(float) - 1.0)
        as_flow = ((mode == "bypass") & (md.kind == "controlValve") & np.isfinite(fmin) & (fmin >= 0)
                   & (li == 0) & (lo_ == 0) & (dmin <= 0) & in_range)
        if as_flow.any():
            mode = mode.copy()
            mode[as_flow] = "active"
            m[as_flow] = np.maximum(m[as_flow], 0.0)
    active = np.flatnonzero(mode == "active")
    tiny = active[(m[active] < 0) & (m[active] > -1e-5 * md.flow_scale)]
    m[tiny] = 0.0    # in operation: forward only (the programme's tolerance aside)
    passing = np.flatnonzero((mode != "closed") & (mode != "active"))
    lab = _parts(md.n, md.u[passing], md.v[passing])
    anchored = np.zeros(lab.max() + 1, dtype=bool)
    anchored[lab[md.held]] = True
    rows, holding = [], []
    for i in active[np.argsort(-m[active], kind="stable")]:
        c = lab[md.v[i]]
        if not anchored[c] and m[i] >= 0 and not as_flow[i]:
            anchored[c] = True
            holding.append((i, len(rows)))
            rows.append({"id": md.edge_ids[i], "mode": "active", "setpoint": "p_out",
                         "value": float(p_bar[md.v[i]] * BAR)})
        else:
            rows.append({"id": md.edge_ids[i], "mode": "active", "setpoint": "flow",
                         "value": float(m[i])})
    for i in np.flatnonzero(np.isin(mode, ("closed", "bypass", "open"))):
        if md.kind[i] in ("valve", "controlValve", "compressorStation"):
            rows.append({"id": md.edge_ids[i], "mode": mode[i]})
    # the simulation joins the two sides of an element holding its outlet pressure into one
    # part, and wants a held pressure in each such part: one node, at the programme's pressure
    joined = np.r_[passing, np.asarray([h for h, _ in holding], dtype=np.int64)]
    island = _parts(md.n, md.u[joined], md.v[joined])
    has = np.zeros(island.max() + 1, dtype=bool)
    has[island[md.held]] = True
    nodes = scenario.nodes.copy()
    for c in np.flatnonzero(~has):
        members = np.flatnonzero(island == c)
        free = members[~anchored[lab[members]]]
        if free.size:   # the one part of the island that no element holds
            i = int(free[np.argmax(md.inj[free])])
        else:           # the holding elements form a loop: one of them passes its flow instead
            e, r = next((h, r) for h, r in holding if island[md.v[h]] == c)
            rows[r].update(setpoint="flow", value=float(m[e]))
            i = int(md.v[e])
        nodes.loc[md.node_ids[i], "p_fixed_pa"] = float(p_bar[i] * BAR)
    return Controls(pd.DataFrame(rows) if rows else None), scenario.evolve(nodes=nodes)


def _arguments(network, scenario, controls, friction, eos, viscosity, gas, temperature,
               max_choices, max_repairs, margin_bar):
    """validate_nomination's arguments: a Case unpacked (its scenario, controls and options),
    physics defaults as in simulate, and every argument's type and range checked (an
    ArgumentError naming it)."""
    from linepack.network import arguments as arg
    from linepack.network.case import unpack_case
    from linepack.problems import steady

    network, scenario, controls, kw = unpack_case(
        network, scenario, controls, dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas,
                                          temperature=temperature), steady.SIMULATE_DEFAULTS)
    f = "validate_nomination"
    arg.check_network(f, network)
    arg.check_scenario(f, scenario)
    controls = arg.check_controls(f, controls, network)
    max_choices = arg.check_integer(f, "max_choices", max_choices, lower=1)
    max_repairs = arg.check_integer(f, "max_repairs", max_repairs, lower=0)
    margin_bar = arg.check_number(f, "margin_bar", margin_bar, lower=0.0, unit="bar")
    arg.check_physics(f, gas=kw["gas"], temperature=kw["temperature"])
    return (network, scenario, controls, kw["friction"], kw["eos"], kw["viscosity"], kw["gas"],
            kw["temperature"], max_choices, max_repairs, margin_bar)


def _search(network: Network, scenario: Scenario, controls: Controls | None = None,
            *, max_choices: int = 16, max_repairs: int = 4, margin_bar: float = 0.01,
            friction: Any = None, eos: Any = None, viscosity: Any = None,
            gas: Any = None, temperature: float | None = None) -> NominationResult:
    """The coordinate search over combined decisions (``method="search"``; module notes).

    Parameters
    ----------
    network, scenario : Network, Scenario
        The nomination: inflows at entries and exits; held pressures where given
        (a GasLib nomination gives none: the pressures are the programme's to choose
        within their bounds).
    controls : Controls or mapping, optional
        States to keep (e.g. valves known to be closed); modes only, set points are chosen.
        A mapping in the file format is read by :meth:`Controls.from_dict`.
    max_choices : int
        Programmes tried over the combined decisions (GasLib ``.cdf``).
    max_repairs : int
        Free regulators and stations (set by no decision and no control) tried closed after
        that, where the best programme gives up one of their own limits.
    margin_bar : float
        Pressure bounds are tightened by this much in the programme. [bar]
    friction, eos, viscosity, gas, temperature
        Physics, as in :func:`linepack.simulate` (the check simulation uses the same);
        friction and eos default to the case's options, else ``"nikuradse"`` and ``"papay"``.

    ``network`` may be a :class:`~linepack.Case`: its network, selected scenario
    (where ``scenario`` is None), controls and options are used.

    Returns
    -------
    NominationResult

    Raises
    ------
    InputError
        Bad input (named), a part of the network whose nominations do not balance, or
        CasADi not installed (``pip install -e ".[minlp]"``).
    """
    from linepack.problems import model, steady
    from linepack.problems.capacity import check_limits

    (network, scenario, controls, friction, eos, viscosity, gas, temperature, max_choices,
     max_repairs, margin_bar) = _arguments(network, scenario, controls, friction, eos, viscosity, gas,
                                           temperature, max_choices, max_repairs, margin_bar)
    _casadi()
    t0 = time.perf_counter()
    if scenario is None:
        raise InputError("nomination validation needs a scenario (the nomination)")
    physics = model.resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = model.NetworkModel(network, scenario, physics, steady.SteadyOptions())
    _prepare(md)
    groups = network.meta.get("combined_decisions") or []
    choice = [0] * len(groups)
    p0 = np.where(np.isfinite(md.p_max) & np.isfinite(md.p_min), 0.5 * (md.p_min + md.p_max),
                  md.p_ref) / BAR
    p0[md.held] = md.held_value[md.held] / BAR
    m0 = np.zeros(md.m)
    n_prog = 0

    def run(ch, p_start, m_start, closed=()):
        nonlocal n_prog
        mode = _modes(md, groups, ch, controls, closed)
        try:
            prog = _Programme(md, mode, margin_bar, p_start, m_start)
        except InputError:
            if groups:   # a decision that splits off a part with unbalanced nominations
                return np.inf, None
            raise
        n_prog += 1
        p, m, viol, ok = prog.solve(p_start, m_start)
        return (viol if ok else np.inf), (mode, p, m, prog.shortfalls, prog.shortfall_edges)

    best, state = run(choice, p0, m0)
    for gi, g in enumerate(groups):
        if best <= NO_VIOLATION or n_prog >= max_choices:
            break
        for k in range(1, len(g["decisions"])):
            if n_prog >= max_choices:
                break
            trial = list(choice)
            trial[gi] = k
            start = (state[1], state[2]) if state is not None else (p0, m0)
            viol, st = run(trial, *start)
            if viol < best:
                choice, best, state = trial, viol, st
                if best <= NO_VIOLATION:
                    break
    if state is None:
        raise LinepackError("nomination validation: the programme failed for every choice of "
                            "decisions tried (IPOPT did not converge)")
    # repair: a regulator or station that no decision and no user control sets, whose own
    # limits the best programme gives up (e.g. a reduction below its inlet and outlet losses),
    # is tried closed, largest shortfall first
    named = {i for g in groups for d in g["decisions"] for i in md.edge_ids.get_indexer(list(d["controls"]))}
    if controls is not None and len(controls.table):
        named |= set(md.edge_ids.get_indexer(controls.table.index))
    free = set(np.flatnonzero(np.isin(md.kind, _FREE)).tolist()) - named
    closed, tried = [], set()
    while best > NO_VIOLATION and len(tried) < max_repairs:
        cand = next((i for i in state[4] if i in free and i not in tried), None)
        if cand is None:
            break
        tried.add(cand)
        viol, st = run(choice, state[1], state[2], closed + [cand])
        if viol < best:
            best, state = viol, st
            closed.append(cand)
    mode, p, m, shortfalls, _ = state
    ctl, scn = _controls_and_scenario(md, mode, p, m, scenario)
    result, err, viols = None, None, []
    try:
        result = steady.simulate(network, scn, ctl, friction=friction, eos=eos, viscosity=viscosity,
                                 gas=gas, temperature=temperature)
        viols = check_limits(network, result, tol_bar=1e-6)
    except LinepackError as exc:
        err = exc
    feasible = result is not None and not viols
    return NominationResult(feasible, ctl, scn, result, best, viols, shortfalls,
                            pd.Series(p, index=md.node_ids, name="p_bar"),
                            choice if groups else [], n_prog, time.perf_counter() - t0, err,
                            status="validated" if feasible else "undecided", method="search")


# --------------------------------------------------------------------------------------
# the MINLP driver (method="minlp")
# --------------------------------------------------------------------------------------
def _user_modes(md, controls: Controls | None) -> dict:
    fixed = {}
    if controls is not None and len(controls.table):
        tab = controls.table
        where = md.edge_ids.get_indexer(tab.index)
        for i, cid, m_ in zip(where.tolist(), tab.index, tab["mode"]):
            if i < 0:
                from linepack.errors import did_you_mean
                raise InputError(f"controls: connection '{cid}' is not in the network"
                                 f"{did_you_mean(cid, md.edge_ids)}")
            if md.kind[i] in ("valve", "checkValve", "controlValve", "compressorStation"):
                fixed[i] = "open" if m_ == "auto" else m_
    return fixed


def _check_balance(form) -> None:
    """Every part of the network that no held pressure anchors, joined by the connections that
    may pass gas in some allowed mode, must have balanced nominations."""
    md = form.md
    may = np.array([bool(not form.modes[e]) or any(x != "closed" for x in form.modes[e])
                    for e in range(md.m)], dtype=bool)
    lab = _parts(md.n, md.u[may], md.v[may])
    for c in range(lab.max() + 1):
        members = np.flatnonzero(lab == c)
        if np.isin(members, form.held).any():
            continue
        total = float(np.sum(md.inj[members]))
        if abs(total) > BALANCE_TOL * md.flow_scale + 1e-9:
            names = ", ".join(f"'{md.node_ids[i]}'" for i in members[:5])
            raise InputError(f"nodes {names}{' and more' if members.size > 5 else ''} form a part "
                             f"of the network (under these valve states) whose nominations do not "
                             f"balance: {total:+.6g} kg/s; entries must equal exits (to "
                             f"{BALANCE_TOL * md.flow_scale:.3g} kg/s)")


def validate_nomination(network: Network, scenario: Scenario | None = None, controls: Controls | None = None,
                        *, time_limit: float = 300.0, method: str = "minlp", max_choices: int = 64,
                        max_repairs: int = 4, margin_bar: float = 0.01,
                        friction: Any = None, eos: Any = None, viscosity: Any = None,
                        gas: Any = None, temperature: float | None = None,
                        compressor_model: str = "detailed",
                        _reuse: dict | None = None) -> NominationResult:
    """Find valve states and regulator/station set points that carry a nomination, or prove
    that none exist.

    Method (``method="minlp"``, the default; :mod:`linepack.optimization`):

    1. **Relaxation** (SCIP): a MISOCP that every state carrying the nomination satisfies for
       any λ, Z, κ in their ranges. Infeasible → status ``"infeasible"``, a proof; its elastic
       form (least total limit violation), if SCIP solves it in a few seconds, names the
       limits that bind (``infeasible_limits``), else the exact programme's least violation at
       the default states of a short local search names them (``timings["named_by_programme"]``).
    2. **Candidates** (heuristic): a first-improvement local search over the discrete states
       from the relaxation's decisions, its neighbours ordered by the NLP's shortfalls
       (:func:`_local_search`); then, if time is left, the states of the exact MINLP with λ, Z, κ
       frozen at the best programme's point (SCIP, first feasible solution).
    3. **Exact NLP** (IPOPT) at a candidate's states, λ and Z refreshed to their fixed point;
       the set points become controls, :func:`linepack.simulate` runs under them and
       :func:`~linepack.problems.capacity.check_limits` checks every limit: none violated →
       ``"validated"``.
    4. Time limit reached, or the frozen MINLP infeasible / out of candidates → ``"undecided"``
       with the best candidate's violations (``shortfalls``: limit and amount).

    ``method="search"`` runs the former coordinate search over combined decisions
    (IPOPT only, no proof of infeasibility).

    Parameters
    ----------
    network, scenario : Network, Scenario
        The nomination (inflows at entries and exits; held pressures where given).
    controls : Controls, optional
        Modes to keep (e.g. valves known closed); set points are chosen.
    time_limit : float
        Wall-clock budget [s], > 0.
    method : "minlp" or "search"
    max_choices, max_repairs
        Of ``method="search"``; ``max_choices`` also bounds the candidates of the MINLP.
    margin_bar : float
        Pressure bounds and element limits are tightened by this much in the exact models. [bar]
    friction, eos, viscosity, gas, temperature
        Physics, as in :func:`linepack.simulate`.
    compressor_model : "detailed" or "ratio"
        The stations' limits. ``"detailed"`` (default): the network's own — the shaft power
        limit (for GasLib, the drives' power at maximal speed from the ``.cs`` file), ratio
        limits where given, inlet and outlet pressure limits. ``"ratio"``: the simpler model of
        GasModels.jl's GasLib reader [5] and of studies built on it — no power limit, the ratio
        bounded by the station's outlet maximum over its inlet minimum (``p_out_max/p_in_min``;
        where either is missing the network's ratio limit stays). Under ``"ratio"`` the
        check by simulation uses the same limits (the result's ``compressor_model`` says
        which): a nomination validated there may need more power than the stations have.

    Raises
    ------
    InputError
        Bad input (named); a part of the network whose nominations do not balance; a time
        limit ≤ 0; SCIP/HiGHS missing (``pip install -e ".[minlp]"``).
    """
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.minlp import require_scip, solve_minlp
    from linepack.optimization.nlp import prepare
    from linepack.optimization.tighten import tightened
    from linepack.problems import model, steady
    from linepack.problems.capacity import check_limits

    t0 = time.perf_counter()
    (network, scenario, controls, friction, eos, viscosity, gas, temperature, max_choices,
     max_repairs, margin_bar) = _arguments(network, scenario, controls, friction, eos, viscosity, gas,
                                           temperature, max_choices, max_repairs, margin_bar)
    if scenario is None:
        raise InputError("nomination validation needs a scenario (the nomination)")
    try:
        time_limit = float(time_limit)
    except (TypeError, ValueError):
        raise InputError(f"time limit must be a number of seconds > 0 (got {time_limit!r})") from None
    if not np.isfinite(time_limit) or time_limit <= 0:
        raise InputError(f"time limit must be > 0 s (got {time_limit:g})")
    if method not in ("minlp", "search"):
        raise InputError(f"method must be 'minlp' or 'search' (got {method!r})")
    if compressor_model not in COMPRESSOR_MODELS:
        raise InputError(f"compressor_model must be one of {', '.join(COMPRESSOR_MODELS)} "
                         f"(got {compressor_model!r})")
    if compressor_model == "ratio":
        network = ratio_model_network(network)
    if method == "search":
        return _replace(_search(network, scenario, controls, max_choices=max_choices, max_repairs=max_repairs,
                       margin_bar=margin_bar, friction=friction, eos=eos, viscosity=viscosity,
                       gas=gas, temperature=temperature), compressor_model=compressor_model)
    _casadi()
    require_scip()
    physics = model.resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature)
    md = model.NetworkModel(network, scenario, physics, steady.SteadyOptions())
    prepare(md)
    groups = network.meta.get("combined_decisions") or []
    form = build_formulation(md, groups, _user_modes(md, controls), margin_bar)
    _check_balance(form)
    deadline = t0 + time_limit
    left = lambda: max(deadline - time.perf_counter(), 0.0)  # noqa: E731
    timings = {"build": time.perf_counter() - t0}
    n_prog = 0
    best = None            # (violation, mode, p, m, shortfalls, choice)

    def nlp(mode, p_start, m_start, choice, details=False, lam0=None, seconds=None):
        nonlocal n_prog, best
        budget = left() if seconds is None else min(left(), seconds())
        if budget <= 0:
            return None
        try:
            prog = _Programme(md, mode, margin_bar, p_start, m_start, max_seconds=budget,
                              cache=None if _reuse is None else _reuse.setdefault("nlp", {}))
        except InputError:
            return None
        n_prog += 1
        tn = time.perf_counter()
        if _reuse is not None and "law_gap" in _reuse:
            p, m, viol, ok = prog.solve(p_start, m_start, lam0=lam0, law_gap=_reuse["law_gap"])
        else:
            p, m, viol, ok = prog.solve(p_start, m_start, lam0=lam0)
        if _reuse is not None and ok:
            lams = _reuse.setdefault("lam", {})
            lams.pop(tuple(mode), None)
            lams[tuple(mode)] = prog.lam
            while len(lams) > 16:           # the multipliers of the 16 latest states
                del lams[next(iter(lams))]
        timings["nlp"] = timings.get("nlp", 0.0) + time.perf_counter() - tn
        viol = viol if ok else np.inf
        if best is None or viol < best[0]:
            best = (viol, mode, p, m, prog.shortfalls, choice)
        if details:
            return viol, p, m, list(dict.fromkeys(prog.shortfall_edges))
        return viol, p, m

    def finish(status, limits=()):
        result, err, viols, ctl, scn = None, None, [], Controls(None), scenario
        if best is not None and np.isfinite(best[0]):
            viol, mode, p, m, shortfalls, choice = best
            ctl, scn = _controls_and_scenario(md, mode, p, m, scenario)
            try:
                ts = time.perf_counter()
                result = steady.simulate(network, scn, ctl, friction=friction, eos=eos,
                                         viscosity=viscosity, gas=gas, temperature=temperature)
                timings["simulate"] = time.perf_counter() - ts
                viols = check_limits(network, result, tol_bar=1e-6)
            except LinepackError as exc:
                err = exc
        else:
            viol, mode, shortfalls, choice = np.inf, None, [], []
            p = np.full(md.n, np.nan)
        if status == "validated" and (result is None or viols):
            status = "undecided"
        timings["total"] = time.perf_counter() - t0
        if _reuse is not None and status == "validated":
            _reuse["previous"] = (mode, p, m, list(choice))
        return NominationResult(status == "validated", ctl, scn, result, float(viol), viols,
                                list(shortfalls), pd.Series(p, index=md.node_ids, name="p_bar"),
                                list(choice) if groups else [], n_prog, timings["total"], err,
                                status=status, infeasible_limits=list(limits), method="minlp",
                                timings=timings, modes=mode, compressor_model=compressor_model)

    # a sweep (linepack.problems.nominations): the previous nomination's states and point first
    if _reuse is not None and _reuse.get("previous") is not None:
        pm, pp, pq, pc = _reuse["previous"]
        tw = time.perf_counter()
        got = nlp(np.asarray(pm, dtype=object).copy(), pp, pq, list(pc),
                  lam0=_reuse.get("lam", {}).get(tuple(pm)))
        timings["previous"] = time.perf_counter() - tw
        if got is not None and got[0] <= NO_VIOLATION:
            out = finish("validated")
            if out.feasible:
                return out
    def proved():
        """The relaxation is infeasible: the limits that bind are those of the elastic
        relaxation's least violation (π = p² exact, on the limits as given), in a short time;
        on large networks it rarely finishes (GasLib-582 doubled: no solution in 60 s), and the
        limits the exact programme gives up at the best default states a short local search
        meets name them instead."""
        ela = solve_minlp(form, "relaxation", elastic=True,
                          time_limit=max(min(0.3 * left(), _ELASTIC_SECONDS), 0.5))
        timings["elastic"] = ela.seconds
        limits = list(ela.slacks) if ela.has_solution else []
        if limits:
            nlp(ela.modes, ela.p_bar, ela.q, ela.choice)
        else:
            # its first states: the default ones under each group's decisions in turn, until
            # one balances
            tw = time.perf_counter()
            stop = tw + max(min(0.5 * left(), 3 * _ELASTIC_SECONDS), 0.5)
            short = lambda: min(left(), stop - time.perf_counter())  # noqa: E731
            _local_search(form, md, lambda *a, **k: nlp(*a, seconds=short, **k), short,
                          max_choices, _fallback_start(form, md))
            timings["named_by_programme"] = time.perf_counter() - tw
            if best is not None and np.isfinite(best[0]):
                limits = list(best[4])
        return finish("infeasible", limits)

    # the relaxation gets at most 10 % of the time: on large networks (GasLib-4197) it may not
    # finish, and the search then starts from the first decisions instead (GasLib-4197
    # mild_0006: 40 % gave 121 s without a verdict and validation in 151 s, 10 % 73 s; the
    # relaxation on tightened bounds below has another 30 % of what is left); first without the
    # links of π (fast; the search needs only its states), the links and the bound tightening
    # below where the search finds nothing
    rel = solve_minlp(form, "relaxation", objective="none", time_limit=0.1 * left(), links=False)
    timings["relaxation"] = rel.seconds
    if rel.status == "infeasible":
        return proved()
    if not rel.has_solution:
        rel = _fallback_start(form, md)
    # candidates: a local search over the discrete states driven by the NLP's shortfalls
    found = _local_search(form, md, nlp, left, max_choices, rel)
    if found:
        out = finish("validated")
        if out.feasible:
            return out
    # none found: narrow the bounds (OBBT on an LP relaxation, HiGHS: every feasible point
    # keeps within them, linepack.optimization.tighten) and try the relaxation again on them —
    # the narrower the bounds, the tighter its secants
    if left() > 0:
        tt = time.perf_counter()
        rel_form, tight = tightened(form, time_limit=0.1 * left())
        timings["tighten"] = time.perf_counter() - tt
        if tight["infeasible"]:
            return proved()
        # with the stations' power on r^ex itself and Z at the suction pressure (tighter,
        # slower: GasLib-582 cold_5 under the detailed model is proved infeasible only so)
        again = solve_minlp(rel_form, "relaxation", objective="none", time_limit=0.3 * left(),
                            power_curve=True)
        timings["relaxation_tightened"] = again.seconds
        if again.status == "infeasible":
            return proved()
        # its states are another start for the search
        if again.has_solution and _local_search(form, md, nlp, left, max_choices, again):
            out = finish("validated")
            if out.feasible:
                return out
    # then the exact MINLP (SCIP; λ, Z, κ frozen at the best programme's point), first solution
    if left() > 0 and best is not None and np.isfinite(best[0]):
        form.refresh(best[2], best[3])
        ex = solve_minlp(form, "exact", objective="none", first=True, time_limit=left())
        timings["minlp"] = ex.seconds
        if ex.has_solution:
            got = nlp(ex.modes, ex.p_bar, ex.q, ex.choice)
            if got is not None and got[0] <= NO_VIOLATION:
                out = finish("validated")
                if out.feasible:
                    return out
    return finish("undecided")


def _fallback_start(form, md):
    """A start for the search when the relaxation gave none in its time: the first decisions,
    pressures mid-range, no flow."""
    from linepack.optimization.minlp import MinlpSolution

    return MinlpSolution(status="none", has_solution=False, modes=None,
                         choice=[0] * len(form.groups), p_bar=0.5 * (form.p_lo + form.p_hi),
                         q=np.zeros(md.m))


def _default_modes(form, choice):
    """Valves open, regulators and stations in operation (where allowed), the decisions taken."""
    md = form.md
    mode = np.full(md.m, "", dtype=object)
    for e in range(md.m):
        al = form.modes[e]
        if al:
            mode[e] = al[0] if len(al) == 1 else ("open" if "open" in al else "active")
    for g, k in zip(form.groups, choice):
        for eid, m_ in g["decisions"][k]["controls"].items():
            i = md.edge_ids.get_indexer([eid])[0]
            if i >= 0 and len(form.modes[i]) > 1:
                mode[i] = "open" if m_ == "auto" else m_
    return mode


def _local_search(form, md, nlp, left, max_programmes, rel) -> bool:
    """First-improvement search over the discrete states (heuristic).

    Start: the relaxation's decisions with valves open and regulators and stations in
    operation elsewhere (where that start has no programme, the relaxation's own states).
    Neighbours of the current state: the idle move (regulators and stations in operation at
    their least reduction or ratio bypassed); at the start, the relaxation's own states; then,
    in the order of the NLP's shortfalls (largest first): for a
    limit of an element that no decision and no control fixes, its other allowed modes
    (bypass, closed, in operation); for an element a combined decision sets, that group's other
    decisions; then, where no shortfall names an element, every group's other decisions. The
    first neighbour with a smaller violation becomes the current state; the search ends at a
    state without violation, with no improving neighbour, or at the time or programme limit.
    """
    groups = form.groups
    group_of = {}
    for g, grp in enumerate(groups):
        for dec in grp["decisions"]:
            for i in md.edge_ids.get_indexer(list(dec["controls"])):
                if i >= 0:
                    group_of[int(i)] = g
    choice = list(rel.choice)
    mode = _default_modes(form, choice)
    cur = nlp(mode, rel.p_bar, rel.q, choice, details=True)
    seen = {tuple(mode)}
    count = 1
    # a start whose decisions split off a part with unbalanced nominations has no programme:
    # each group's other decisions in turn
    for g in range(len(groups)):
        if cur is not None or left() <= 0 or count >= max_programmes:
            break
        for k in range(1, len(groups[g]["decisions"])):
            ch = list(choice)
            ch[g] = k
            mm = _default_modes(form, ch)
            if tuple(mm) in seen:
                continue
            seen.add(tuple(mm))
            cur = nlp(mm, rel.p_bar, rel.q, ch, details=True)
            count += 1
            if cur is not None:
                mode, choice = mm, ch
                break
    # the relaxation's own states: the other start where the first has no programme, else a
    # neighbour of the first start, right after its idle move (GasLib-582 cold_5, ratio model:
    # the relaxation's states leave a violation of 218, 1.0–2.0 s of IPOPT, where the idle move
    # of the first start validates)
    rel_start = None
    if rel.modes is not None and tuple(rel.modes) not in seen:
        rel_start = (rel.modes.copy(), list(choice), rel.p_bar, rel.q)
        if cur is None:
            cur = nlp(rel.modes, rel.p_bar, rel.q, choice, details=True)
            count += 1
            seen.add(tuple(rel.modes))
            mode, rel_start = rel.modes.copy(), None
    if cur is None:
        return False
    while left() > 0 and count < max_programmes and cur[0] > NO_VIOLATION:
        viol, p, m, edges = cur
        neigh = []
        # regulators and stations in operation that neither reduce nor raise the pressure beyond
        # their minimum (losses only) pass the gas better bypassed: all of them at once
        idle = [e for e in range(md.m) if mode[e] == "active" and "bypass" in form.modes[e]
                and e not in group_of and _idle(form, e, p)]
        if idle:
            mm = mode.copy()
            mm[idle] = "bypass"
            neigh.append((mm, choice))
        if rel_start is not None:
            neigh.append(rel_start)
            rel_start = None
        for e in edges:
            if e < 0:
                continue
            if e in group_of:
                g = group_of[e]
                for k in range(len(groups[g]["decisions"])):
                    if k != choice[g]:
                        ch = list(choice)
                        ch[g] = k
                        neigh.append((_default_modes_from(form, mode, groups, ch), ch))
            elif len(form.modes[e]) > 1:
                for alt in form.modes[e]:
                    if alt != mode[e]:
                        mm = mode.copy()
                        mm[e] = alt
                        neigh.append((mm, choice))
        for g in range(len(groups)):
            for k in range(len(groups[g]["decisions"])):
                if k != choice[g]:
                    ch = list(choice)
                    ch[g] = k
                    neigh.append((_default_modes_from(form, mode, groups, ch), ch))
        moved = False
        for mm, ch, *start in neigh:
            key = tuple(mm)
            if key in seen:
                continue
            seen.add(key)
            if left() <= 0 or count >= max_programmes:
                break
            res = nlp(mm, *(start or (p, m)), ch, details=True)
            count += 1
            # a move must gain more than the violation that counts as none: smaller differences
            # are the programmes' accuracy, and moves on them wander over a plateau
            # (GasLib-4197: four moves by less than 3e-8)
            if res is not None and res[0] < viol - NO_VIOLATION:
                cur, mode, choice, moved = res, mm, ch, True
                break
        if not moved:
            break
    return cur[0] <= NO_VIOLATION


def _idle(form, e, p) -> bool:
    """A regulator at its least reduction, or a station at its least ratio (0.01 bar / 10⁻⁴)."""
    md = form.md
    pin, pout = p[md.u[e]] - form.loss_in[e], p[md.v[e]] + form.loss_out[e]
    if form.cls[e] == "reg":
        return bool(pin - pout <= form.dp_min[e] + 1e-2)
    return bool(pout <= form.ratio_min[e] * pin * (1 + 1e-4))


def _default_modes_from(form, mode, groups, choice):
    """``mode`` with the decisions of ``choice`` applied (elements no decision names keep theirs)."""
    md = form.md
    out = mode.copy()
    for g, k in zip(groups, choice):
        for eid, m_ in g["decisions"][k]["controls"].items():
            i = md.edge_ids.get_indexer([eid])[0]
            if i >= 0 and len(form.modes[i]) > 1:
                out[i] = "open" if m_ == "auto" else m_
    return out
