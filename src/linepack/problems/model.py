"""The network and scenario as SI arrays, shared by every problem (steady, transient, optimisation).

One description of the network for the solvers: :class:`NetworkModel` holds the node and
connection data by position (pressures in Pa absolute, flows in kg/s, lengths in m),
:func:`resolve_physics` turns model names into physics objects, :func:`resolve_controls`
merges the user's controls with the documented defaults, :func:`edge_states` classifies every
connection as a pressure–flow *law*, an *algebraic* pressure relation, a fixed flow or off,
and :func:`island_references` gives every connected part a pressure reference.
:func:`station_power` is the isentropic shaft power of the compressor stations.

The steady state (:mod:`linepack.problems.steady`), the nomination programme
(:mod:`linepack.problems.nomination`) and the transient simulation build on these, so no
problem keeps a second copy of the network's arrays.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from linepack.errors import InputError, did_you_mean
from linepack.network.network import Controls, Network, Scenario
from linepack.units import BAR

__all__ = ["NetworkModel", "EdgeControl", "resolve_physics", "resolve_controls", "apply_controls",
           "apply_control_rule", "edge_states", "final_controls", "controls_from_final",
           "island_references", "station_power", "FRICTION_NAMES", "LAW", "ALG", "FLOW", "OFF",
           "DEFAULT_VISCOSITY", "DEFAULT_EFFICIENCY", "DEFAULT_ISENTROPIC_EXPONENT"]

#: Friction law names accepted by :func:`simulate`.
FRICTION_NAMES = ("nikuradse", "nikuradse-stanet", "colebrook-white", "colebrook-white-stanet",
                  "hofer", "swamee-jain", "weymouth", "panhandle-a", "panhandle-b")

#: Viscosity used when none is given: natural gas at 40–70 bar and 5–15 °C. [Pa·s]
DEFAULT_VISCOSITY = 1.1e-5

#: Isentropic efficiency of a compressor station whose efficiency is not given. [-]
DEFAULT_EFFICIENCY = 0.8
#: Isentropic exponent used when the gas carries no heat-capacity data: natural gas has
#: 1.26–1.32 at pipeline conditions (Menon, *Gas Pipeline Hydraulics*, CRC 2005, ch. 10). [-]
DEFAULT_ISENTROPIC_EXPONENT = 1.3

_LAW, _ALG, _FLOW, _OFF = 0, 1, 2, 3
LAW, ALG, FLOW, OFF = _LAW, _ALG, _FLOW, _OFF


# --------------------------------------------------------------------------------------
# physics resolution (names → models)
# --------------------------------------------------------------------------------------
def resolve_physics(network, scenario, friction, eos, viscosity, gas, temperature):
    from linepack.physics import eos as eos_mod
    from linepack.physics import friction as friction_mod
    from linepack.physics import gas as gas_mod
    from linepack.physics import viscosity as visc_mod

    if isinstance(friction, str) and friction not in FRICTION_NAMES:
        raise InputError(f"friction law '{friction}' is not known{did_you_mean(friction, FRICTION_NAMES)}"
                         f"; expected one of {', '.join(FRICTION_NAMES)}")
    fr = friction_mod.get_friction(friction)
    zm = eos_mod.get_eos(eos)
    if viscosity is None:
        viscosity = visc_mod.ConstantViscosity(DEFAULT_VISCOSITY)
    vm = visc_mod.get_viscosity(viscosity)
    if gas is None:
        bulk = (scenario.gas if scenario is not None and scenario.gas else None) or network.gas
        g = gas_mod.Gas.from_bulk(bulk) if bulk else gas_mod.DEFAULT_GAS
    elif isinstance(gas, Mapping):
        g = gas_mod.Gas.from_bulk(gas)
    else:
        g = gas
    if temperature is None:
        temperature = scenario.temperature if scenario is not None else 288.15
    temperature = float(temperature)
    if not np.isfinite(temperature) or temperature <= 0:
        raise InputError(f"temperature must be > 0 K (got {temperature})")
    return fr, zm, vm, g, temperature


# --------------------------------------------------------------------------------------
# controls
# --------------------------------------------------------------------------------------
_MODES = {
    "valve": ("open", "closed"),
    "checkValve": ("auto", "open", "closed"),
    "controlValve": ("active", "bypass", "closed"),
    "compressorStation": ("active", "bypass", "closed"),
}


@dataclass
class EdgeControl:
    mode: np.ndarray      # object: open/closed/active/bypass/auto/"" for law elements
    setpoint: np.ndarray  # object: p_out/ratio/flow/""
    value: np.ndarray     # float SI
    auto: np.ndarray      # bool: chosen by the rule, may switch
    switches: np.ndarray  # int: how often switched


def _apply_controls(tab: pd.DataFrame, ids, kind, mode, setpoint, value, auto) -> None:
    """Write the listed controls into the per-connection arrays (in place), checking each
    (vectorised; the first offending row, in table order, is named)."""
    where = ids.get_indexer(tab.index)
    m = tab["mode"].astype(str).to_numpy(dtype=object)
    spt = tab["setpoint"].astype(str).to_numpy(dtype=object)
    val = tab["value"].to_numpy(dtype=float).copy()
    k = np.where(where >= 0, kind[np.maximum(where, 0)], "")
    allowed_mode = np.array([m_ in _MODES.get(k_, ()) for m_, k_ in zip(m, k)], dtype=bool)
    act = m == "active"
    spt = np.where(act & (spt == ""), "p_out", spt)
    allowed_spt = np.where(k == "compressorStation", np.isin(spt, ("p_out", "ratio", "flow")),
                           np.isin(spt, ("p_out", "flow")))
    keep_default = act & (spt == "p_out") & ~np.isfinite(val)
    val[keep_default] = value[where[keep_default]]   # keep the default outlet pressure
    bad = ((where < 0) | ~allowed_mode
           | (act & (~allowed_spt | ((spt != "p_out") & ~np.isfinite(val))
                     | ((spt != "flow") & (val <= 0)))))
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        i, cid = int(where[r]), tab.index[r]
        if i < 0:
            raise InputError(f"controls: connection '{cid}' is not in the network"
                             f"{did_you_mean(cid, ids)}")
        allowed = _MODES.get(kind[i])
        if allowed is None:
            raise InputError(f"controls: {kind[i]} '{cid}' takes no control "
                             f"(only valves, check valves, control valves and compressor stations do)")
        if not allowed_mode[r]:
            raise InputError(f"controls: {kind[i]} '{cid}': mode must be one of {allowed} "
                             f"(got '{m[r]}')")
        if not allowed_spt[r]:
            choices = ("p_out", "ratio", "flow") if kind[i] == "compressorStation" else ("p_out", "flow")
            raise InputError(f"controls: {kind[i]} '{cid}': setpoint must be one of "
                             f"{choices} (got '{spt[r]}')")
        if spt[r] != "p_out" and not np.isfinite(val[r]):
            raise InputError(f"controls: {kind[i]} '{cid}': an active '{spt[r]}' set point needs a value")
        if spt[r] == "p_out":
            raise InputError(f"controls: {kind[i]} '{cid}': outlet pressure must be > 0 bar "
                             f"(got {val[r] / BAR:g} bar)")
        raise InputError(f"controls: {kind[i]} '{cid}': ratio must be > 0 (got {val[r]:g})")
    mode[where] = m
    auto[where] = m == "auto"
    setpoint[where[act]] = spt[act]
    value[where[act]] = val[act]


def _outlet_region_max(md: NetworkModel) -> np.ndarray:
    """Per node: the lowest upper pressure bound of its *region*, the nodes it reaches through
    connections other than control valves and compressor stations (pipes, valves, short
    pipes, resistors, check valves). Pressure only falls away from a regulator's or station's
    outlet inside its region unless another entry feeds it, so an outlet held at this value
    keeps the whole region within its maxima. [Pa; +inf where no bound is given]"""
    from scipy.sparse.csgraph import connected_components

    free = ~np.isin(md.kind, ("controlValve", "compressorStation"))
    adj = sp.coo_matrix((np.ones(int(free.sum())), (md.u[free], md.v[free])), shape=(md.n, md.n))
    nc, lab = connected_components(adj, directed=False)
    low = np.full(nc, np.inf)
    np.minimum.at(low, lab, np.where(np.isfinite(md.p_max), md.p_max, np.inf))
    return low[lab]


#: Public name of the checked control writer (the transient problem applies scheduled events with it).
apply_controls = _apply_controls


def resolve_controls(md: NetworkModel, controls: Controls | None) -> EdgeControl:
    ids = md.edge_ids
    n = md.m
    kind = md.kind
    mode = np.full(n, "", dtype=object)
    setpoint = np.full(n, "", dtype=object)
    value = np.full(n, np.nan)
    auto = np.zeros(n, dtype=bool)
    # defaults (only connections that are not pipes take controls)
    special = md.special
    sk = kind[special]
    mode[special[sk == "valve"]] = "open"
    mode[special[sk == "checkValve"]] = "auto"
    auto[special[sk == "checkValve"]] = True
    region_max = (_outlet_region_max(md) if np.isin(sk, ("controlValve", "compressorStation")).any()
                  else md.p_max)
    for k in ("controlValve", "compressorStation"):
        sel = special[sk == k]
        mode[sel] = "active"
        setpoint[sel] = "p_out"
        out_max = md.p_out_max[sel]
        node_max = region_max[md.v[sel]] if sel.size else np.zeros(0)
        node_max = np.where(np.isfinite(node_max), node_max, np.nan)
        value[sel] = np.where(np.isfinite(out_max), np.fmin(out_max, node_max), node_max)
        auto[sel] = True
    if controls is not None and len(controls.table):
        _apply_controls(controls.table, ids, kind, mode, setpoint, value, auto)
    bad = special[(mode[special] == "active") & (setpoint[special] == "p_out")
                  & ~np.isfinite(value[special])]
    if bad.size:
        i = int(bad[0])
        raise InputError(f"{kind[i]} '{ids[i]}': no outlet pressure to hold: give a control "
                         "value or a p_out_max / outlet node p_max")
    return EdgeControl(mode, setpoint, value, auto, np.zeros(n, dtype=np.int64))


#: Columns of :func:`final_controls` (``SteadyResult.final_controls``).
FINAL_CONTROL_COLUMNS = ("mode", "setpoint", "value", "automatic", "direction")


def final_controls(md: NetworkModel, ctl: EdgeControl, const_dir: np.ndarray) -> pd.DataFrame:
    """The controls a solve ended with, one row per connection that is not a pipe: ``mode``,
    ``setpoint`` and ``value`` (SI, as in :class:`~linepack.Controls`: Pa absolute, -, kg/s;
    the set points as the control rule left them, lowered ones included, also for an element
    now in bypass), ``automatic`` (the control rule may still switch it) and ``direction``
    (constant-loss resistors: +1 / −1 the flow direction their loss acts in, 0 held without
    flow; NaN for the others). :func:`controls_from_final` reads it back."""
    s = md.special
    direction = np.full(s.size, np.nan)
    cr = md.const_resistor[s]
    direction[cr] = const_dir[s][cr]
    return pd.DataFrame({"mode": ctl.mode[s].copy(), "setpoint": ctl.setpoint[s].copy(),
                         "value": ctl.value[s].copy(), "automatic": ctl.auto[s].copy(),
                         "direction": direction}, index=md.edge_ids[s], copy=False)


def controls_from_final(md: NetworkModel, ctl: EdgeControl, table: pd.DataFrame,
                        const_dir: np.ndarray) -> None:
    """Take over a :func:`final_controls` table into ``ctl`` and ``const_dir`` (in place): mode,
    set point and value of every listed connection; an element stays automatic only where it
    was automatic in ``ctl`` and in the table (one the rule held in bypass is no longer).
    Raises InputError when the table does not list this network's connections."""
    s = md.special
    missing = [c for c in FINAL_CONTROL_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"initial: the result's final controls have no column {missing[0]!r}")
    pos = table.index.get_indexer(md.edge_ids[s])
    if np.any(pos < 0):
        bad = md.edge_ids[s][int(np.flatnonzero(pos < 0)[0])]
        raise InputError(f"initial: connection '{bad}' of the network is not in the initial "
                         "result's final controls (a result of another network?)")
    ctl.mode[s] = table["mode"].to_numpy(dtype=object)[pos]
    ctl.setpoint[s] = table["setpoint"].to_numpy(dtype=object)[pos]
    ctl.value[s] = table["value"].to_numpy(dtype=float)[pos]
    ctl.auto[s] &= table["automatic"].to_numpy(dtype=bool)[pos]
    direction = table["direction"].to_numpy(dtype=float)[pos]
    cr = md.const_resistor[s] & np.isfinite(direction)
    const_dir[s[cr]] = direction[cr]


# --------------------------------------------------------------------------------------
# the model in arrays
# --------------------------------------------------------------------------------------
class NetworkModel:
    """Arrays of one network + scenario, in SI, indexed by position."""

    def __init__(self, net: Network, scn: Scenario, physics, opts=None):
        self.net, self.scn, self.opts = net, scn, opts
        self.friction, self.eos, self.visc, self.gas, self.T = physics
        self.R = float(self.gas.specific_gas_constant)
        self.rho_n = float(self.gas.normal_density)
        nodes, conns = net.nodes, net.connections
        self.node_ids = nodes.index
        self.n = len(nodes)
        self.height = nodes["height_m"].to_numpy(dtype=float)
        sn = scn.nodes
        cols = ("p_min_pa", "p_max_pa", "inflow_kg_s", "p_fixed_pa")
        if sn.index.equals(self.node_ids):
            col = {c: sn[c].to_numpy(float) for c in cols}
        else:
            # the scenario lists some nodes: scatter its columns by position (a reindex of
            # the whole table costs several times more on GasLib-4197)
            pos = self.node_ids.get_indexer(sn.index)
            if np.any(pos < 0):
                bad = str(sn.index[int(np.flatnonzero(pos < 0)[0])])
                raise InputError(f"scenario '{scn.name}': node '{bad}' is not in the network"
                                 f"{did_you_mean(bad, self.node_ids)}")
            col = {}
            for c in cols:
                a = np.full(self.n, np.nan)
                a[pos] = sn[c].to_numpy(float)
                col[c] = a
        self.p_min = np.fmax(nodes["p_min_pa"].to_numpy(float), col["p_min_pa"])
        self.p_max = np.fmin(nodes["p_max_pa"].to_numpy(float), col["p_max_pa"])
        self.inj = np.where(np.isnan(col["inflow_kg_s"]), 0.0, col["inflow_kg_s"])
        p_fixed = col["p_fixed_pa"]
        self.fixed = np.flatnonzero(np.isfinite(p_fixed))
        self.fixed_value = p_fixed[self.fixed]
        self.reference_note = ""
        # default references (only those chosen by linepack) held below their upper bound by
        # the control rule where a lower hold keeps other nodes within their maxima [Pa]
        self.hold_cap = np.full(self.n, np.inf)
        if self.fixed.size == 0:
            self._default_reference()
        self.inj_eff = self.inj.copy()
        self.inj_eff[self.fixed] = 0.0
        self.p_ref = float(np.max(self.fixed_value))
        self.flow_scale = max(float(np.sum(np.abs(self.inj_eff))) / 2.0, 1e-3)

        self.edge_ids = conns.index
        self.m = len(conns)
        self.kind = conns["kind"].to_numpy()
        self.u, self.v = net.endpoints()
        missing = np.flatnonzero((self.u < 0) | (self.v < 0))
        if missing.size:
            i = int(missing[0])
            bad = conns["from_node"].iat[i] if self.u[i] < 0 else conns["to_node"].iat[i]
            raise InputError(f"{self.kind[i]} '{conns.index[i]}': node '{bad}' does not exist"
                             f"{did_you_mean(bad, self.node_ids)}")
        g = lambda c: conns[c].to_numpy(dtype=float)  # noqa: E731
        self.length, self.diameter, self.roughness = g("length_m"), g("diameter_m"), g("roughness_m")
        self.zeta, self.drag, self.dp_const = g("loss_coefficient"), g("drag_factor"), g("pressure_loss_pa")
        self.loss_in, self.loss_out = g("pressure_loss_in_pa"), g("pressure_loss_out_pa")
        self.efficiency = g("efficiency")
        self.p_out_max = g("p_out_max_pa")
        self.ratio_max = g("ratio_max")
        self.is_pipe = self.kind == "pipe"
        self.special = np.flatnonzero(~self.is_pipe)   # connections that are not pipes
        s = self.special
        self.const_resistor = np.zeros(self.m, dtype=bool)
        self.const_resistor[s] = ((self.kind[s] == "resistor") & np.isfinite(self.dp_const[s])
                                  & ~np.isfinite(self.drag[s]))
        self.stations = self.special[self.kind[self.special] == "compressorStation"]

    def z_and_dz_dp(self, p):
        """(Z, ∂Z/∂p) at pressures ``p`` (one call where the model offers it)."""
        pair = getattr(self.eos, "z_and_dz_dp", None)
        if pair is not None:
            return pair(p, self.T, self.gas)
        return self.eos.z(p, self.T, self.gas), self.eos.dz_dp(p, self.T, self.gas)

    def friction_at(self, rr, d):
        """``f(re) -> (λ·Re, ∂(λ·Re)/∂Re)`` for these pipes: the law's prepared form
        (pipe data checked once, Re-independent terms computed once) where it offers one."""
        at = getattr(self.friction, "at", None)
        if at is not None:
            return at(rr, d)
        pair = getattr(self.friction, "factor_re_and_derivative", None)
        if pair is not None:
            return lambda re: pair(re, rr, d)
        return lambda re: (self.friction.factor_re(re, rr, d),
                           self.friction.d_factor_re_dre(re, rr, d))

    def _check_friction_domain(self) -> None:
        """Evaluate the friction law once on every pipe so that a law that refuses a pipe's
        data (e.g. Nikuradse with zero roughness) is reported with the pipe's id."""
        pipe = np.flatnonzero(self.kind == "pipe")
        if pipe.size == 0:
            return
        d = self.diameter[pipe]
        rr = self.roughness[pipe] / d
        try:
            self.friction.factor_re(np.full(pipe.size, 1e5), rr, d)
        except InputError as exc:
            for i in pipe:
                try:
                    self.friction.factor_re(1e5, self.roughness[i] / self.diameter[i],
                                            self.diameter[i])
                except InputError:
                    raise InputError(f"pipe '{self.edge_ids[i]}': roughness "
                                     f"{self.roughness[i] * 1e3:g} mm, diameter "
                                     f"{self.diameter[i] * 1e3:g} mm: {exc}") from None
            raise

    def _default_reference(self) -> None:
        """Hold the entry with the largest inflow at its upper pressure bound."""
        kinds = self.net.nodes["kind"].to_numpy()
        cand = np.flatnonzero((kinds == "source") & (self.inj > 0))
        if cand.size == 0:
            cand = np.flatnonzero(self.inj > 0)
        if cand.size == 0:
            raise InputError(f"scenario '{self.scn.name}': no node has a fixed pressure and no entry "
                             "has an inflow; give p_fixed at one node")
        i = int(cand[np.argmax(self.inj[cand])])
        if not np.isfinite(self.p_max[i]):
            raise InputError(f"{self.net.element_name(self.node_ids[i])}: chosen as pressure reference "
                             "(largest entry) but has no upper pressure bound; give p_fixed")
        self.fixed = np.array([i])
        self.fixed_value = np.array([self.p_max[i]])
        self.reference_note = (f"no pressure given: entry '{self.node_ids[i]}' (largest inflow) held at "
                               f"its upper bound {self.p_max[i] / BAR:.5g} bar")


# --------------------------------------------------------------------------------------
# connection states
# --------------------------------------------------------------------------------------
def edge_states(md: NetworkModel, ctl: EdgeControl, const_dir: np.ndarray):
    """Classify every connection: law / algebraic (a, b) / fixed flow / off.

    Pipes always follow their law; only the other connections (``md.special``) are examined.
    """
    state = np.full(md.m, _LAW, dtype=np.int64)
    a = np.ones(md.m)
    b = np.zeros(md.m)
    q = np.zeros(md.m)
    s = md.special
    if s.size == 0:
        return state, a, b, q
    k, mode, spt, val = md.kind[s], ctl.mode[s], ctl.setpoint[s], ctl.value[s]
    st, sa, sb, sq = state[s], a[s], b[s], q[s]
    alg_open = (k == "shortPipe") | ((k == "valve") & (mode == "open")) \
        | ((k == "checkValve") & np.isin(mode, ["open", "auto"])) \
        | (np.isin(k, ["controlValve", "compressorStation"]) & (mode == "bypass"))
    st[alg_open] = _ALG
    st[mode == "closed"] = _OFF
    active = mode == "active"
    pset = active & (spt == "p_out")
    st[pset] = _ALG
    sa[pset] = 0.0
    sb[pset] = val[pset]
    ratio = active & (spt == "ratio")
    st[ratio] = _ALG
    sa[ratio] = val[ratio]
    sb[ratio] = -val[ratio] * md.loss_in[s][ratio] - md.loss_out[s][ratio]
    fl = active & (spt == "flow")
    st[fl] = _FLOW
    sq[fl] = val[fl]
    cr = md.const_resistor[s]
    cd = const_dir[s]
    st[cr] = _ALG
    sb[cr] = -cd[cr] * md.dp_const[s][cr]
    st[cr & (cd == 0)] = _OFF
    # a resistor with ζ = 0 loses nothing: it is an open connection
    st[(k == "resistor") & (md.drag[s] == 0.0) & ~cr] = _ALG
    state[s], a[s], b[s], q[s] = st, sa, sb, sq
    return state, a, b, q


#: Connected parts of each network under recent sets of conducting connections, by network
#: (weakly held); valid while ``Network.endpoints`` returns the same arrays (it does until the
#: tables change).
_COMPONENTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def island_references(md: NetworkModel, state: np.ndarray):
    """Pressure references of every connected part under the current element states.

    Each part (joined by pipes, resistors and open elements) needs a held pressure.
    When the scenario gives none at all (the GasLib case), the documented default
    extends to every part: its entry with the largest inflow is held at its upper
    bound; a part with no flow at all is held at its first node's upper bound (its
    pressures then only fill the table). A part that has demand but no entry, or
    any part without a reference when the scenario does give fixed pressures, is
    an input error naming its nodes.

    Returns ``(fixed, values, notes)`` for this solve.
    """
    from scipy.sparse.csgraph import connected_components

    conn = (state == _LAW) | (state == _ALG)
    # the parts under each set of conducting connections are remembered per network while its
    # endpoints are unchanged (a control search meets the same valve states again)
    memo = _COMPONENTS.get(md.net)
    if memo is None or memo[0] is not md.u or memo[1] is not md.v:
        memo = (md.u, md.v, OrderedDict())
        _COMPONENTS[md.net] = memo
    key = hash(np.packbits(conn).tobytes())
    hit = memo[2].get(key)
    if hit is not None and np.array_equal(hit[0], conn):
        nc, lab = hit[1], hit[2]
    else:
        adj = sp.coo_matrix((np.ones(conn.sum()), (md.u[conn], md.v[conn])), shape=(md.n, md.n))
        nc, lab = connected_components(adj, directed=False)
        lab.flags.writeable = False
        memo[2][key] = (conn, nc, lab)
        while len(memo[2]) > 16:
            memo[2].popitem(last=False)
    has_ref = np.zeros(nc, dtype=bool)
    has_ref[lab[md.fixed]] = True
    fixed, values, notes = list(md.fixed), list(np.fmin(md.fixed_value, md.hold_cap[md.fixed])), []
    kinds = md.net.nodes["kind"].to_numpy()
    for c in np.flatnonzero(~has_ref):
        members = np.flatnonzero(lab == c)
        names = ", ".join(f"'{md.node_ids[i]}'" for i in members[:5])
        more = f" and {members.size - 5} more" if members.size > 5 else ""
        supply = members[md.inj[members] > 0]
        idle = np.all(md.inj[members] == 0.0)
        usable = members[np.isfinite(md.p_max[members])]
        if md.reference_note and (supply.size or idle) and usable.size:
            if supply.size:
                pick = supply[np.isfinite(md.p_max[supply])]
                if pick.size == 0:
                    pick = usable
                src = pick[kinds[pick] == "source"]
                pick = src if src.size else pick
                i = int(pick[np.argmax(md.inj[pick])]) if supply.size else int(pick[0])
            else:
                i = int(usable[0])
            fixed.append(i)
            values.append(float(min(md.p_max[i], md.hold_cap[i])))
            notes.append(f"'{md.node_ids[i]}' at {values[-1] / BAR:.5g} bar")
            continue
        why = ("has demand but no entry" if supply.size == 0 and not idle
               else "has no pressure reference")
        raise InputError(f"nodes {names}{more} form an island that {why} (with the current valve "
                         "and station states); give p_fixed at one of them or open a connection "
                         "to the rest of the network")
    return np.asarray(fixed, dtype=np.int64), np.asarray(values, dtype=float), notes


def apply_control_rule(md: NetworkModel, ctl: EdgeControl, sol, const_dir: np.ndarray,
                       which: np.ndarray | None = None) -> bool:
    """Apply the control rule once; return whether any element changed (pipes never do).

    ``sol`` carries the node pressures ``p`` [Pa] and the connection flows ``flow`` [kg/s]
    of a solve under the current states (the steady solve, or a transient time step).
    Automatic elements (``ctl.auto``) switch at most 3 times until ``ctl.switches`` is reset.
    ``which`` limits the rule to these connections (positions among the non-pipes' ids,
    default all of ``md.special``; a caller that knows which are automatic passes those).
    """
    s = md.special if which is None else which
    if s.size == 0:
        return False
    p, f = sol.p, sol.flow[s]
    pu, pv = p[md.u[s]], p[md.v[s]]
    loss_in, loss_out, ratio_max = md.loss_in[s], md.loss_out[s], md.ratio_max[s]
    tol_f = 1e-6 * md.flow_scale
    tol_p = 1e-3  # Pa
    changed = np.zeros(s.size, dtype=bool)
    k, mode, spt, val, switches = md.kind[s], ctl.mode[s], ctl.setpoint[s], ctl.value[s], ctl.switches[s]
    can = ctl.auto[s] & (switches < 3)
    # regulators and compressors holding an outlet pressure
    act = can & (mode == "active") & (spt == "p_out")
    reg = act & (k == "controlValve")
    cs = act & (k == "compressorStation")
    # a regulator can only reduce: bypass (open) when its inlet is already below the set point;
    # a compressor can only raise: bypass when its inlet is already above the set point
    to_bypass = (reg & (pu - loss_in < val + loss_out - tol_p)) \
        | (cs & (pu - loss_in > val + loss_out + tol_p))
    to_closed = reg & ~to_bypass & (f < -tol_f)
    to_bypass |= cs & (f < -tol_f)
    byp = can & (mode == "bypass")
    to_active = (byp & (k == "controlValve") & (f > tol_f) & (pv > val + tol_p)) \
        | (byp & (k == "compressorStation") & (f > tol_f) & (pv < val - tol_p))
    # check valves
    chk = can & (k == "checkValve")
    cv_close = chk & (mode != "closed") & (f < -tol_f)
    cv_open = chk & (mode == "closed") & (pu > pv + tol_p)
    # a station that would exceed its largest ratio runs at that ratio instead
    with np.errstate(divide="ignore", invalid="ignore"):
        need = (pv + loss_out) / (pu - loss_in)
    over = cs & ~to_bypass & np.isfinite(ratio_max) & (need > ratio_max * (1 + 1e-9))
    spt[over] = "ratio"
    val[over] = ratio_max[over]
    changed |= over
    for sel, new in ((to_bypass, "bypass"), (to_closed, "closed"), (to_active, "active"),
                     (cv_close, "closed"), (cv_open, "auto")):
        mode[sel] = new
        changed |= sel
    # constant-loss resistors follow the flow direction
    # a constant-loss resistor whose flow keeps reversing has no consistent direction:
    # no flow, with a pressure difference within its loss (held as closed)
    cr = md.const_resistor[s]
    cd = const_dir[s]
    flip = cr & (cd != 0) & (np.sign(f) * cd < 0) & (np.abs(f) > tol_f)
    stuck = flip & (switches >= 2)
    cd[flip & ~stuck] *= -1
    cd[stuck] = 0.0
    changed |= flip
    switches[changed] += 1
    ctl.mode[s], ctl.setpoint[s], ctl.value[s], ctl.switches[s] = mode, spt, val, switches
    const_dir[s] = cd
    return bool(changed.any())


def station_power(md: NetworkModel, f, pu, pv) -> np.ndarray:
    """Isentropic shaft power of compressor stations that raise pressure [W] (NaN elsewhere).

    Suction is the inlet pressure less the inlet loss, discharge the outlet
    pressure plus the outlet loss; η = the station's efficiency, else
    :data:`DEFAULT_EFFICIENCY`; κ from the gas's ideal heat capacity, or
    :data:`DEFAULT_ISENTROPIC_EXPONENT` when the gas has none.
    """
    from linepack.physics import compressor
    from linepack.physics import eos as eos_mod

    cs = md.stations
    power = np.full(md.m, np.nan)
    if cs.size == 0:
        return power
    eta = np.where(np.isfinite(md.efficiency[cs]), md.efficiency[cs], DEFAULT_EFFICIENCY)
    p_s = np.maximum(pu[cs] - md.loss_in[cs], 1.0)
    p_d = np.maximum(pv[cs] + md.loss_out[cs], p_s)
    if getattr(md.gas, "heat_capacity_coefficients", None) is None:
        kappa = np.full(p_s.shape, DEFAULT_ISENTROPIC_EXPONENT)
    else:
        kappa = eos_mod.isentropic_exponent(p_s, md.T, md.gas)
    flow = np.maximum(f[cs], 0.0)
    power[cs] = compressor.power(flow, p_s, p_d, md.T, md.eos.z(p_s, md.T, md.gas), md.R, kappa, eta)
    return power
