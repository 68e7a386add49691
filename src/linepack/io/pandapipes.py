"""Bridge from pandapipes: translate a pandapipes gas net into linepack's data model.

:func:`from_pandapipes` reads the element tables of a ``pandapipesNet`` (pandapipes
0.16, https://github.com/e2nIEE/pandapipes, BSD-3-Clause) and returns a
:class:`~linepack.Case`: a :class:`~linepack.network.Network`, one
:class:`~linepack.network.Scenario`, its :class:`~linepack.network.Controls` and
the physics options the pandapipes fluid implies (``case.options``), ready for::

    case = from_pandapipes(net)
    result = linepack.simulate(case, friction="nikuradse-stanet")

This module only translates names and units. It computes no friction, density
or pressure drop; the one formula it evaluates is pandapipes' gauge→absolute
convention (:func:`pandapipes_ambient_pressure`), which is a unit translation.

Element map
-----------
=====================  =====================================================================
pandapipes table       linepack
=====================  =====================================================================
``junction``           node; id = its ``name`` where every in-service junction has a name
                       and the names are unique (``alias`` then says ``pandapipes junction
                       <index>``), else ``str(index)`` with the name in ``alias`` (a note
                       says why); ``network.meta["junction_ids"]`` maps index → node id.
                       ``height_m``; ``pn_bar`` is an initial
                       guess and is not needed. Kind: ``source`` where an ext_grid holds the
                       pressure or the net injection is > 0, ``sink`` where it is < 0,
                       otherwise ``innode``.
``pipe``               connection ``pipe_<index>`` of kind ``pipe``: ``length_km`` → length_m,
                       ``inner_diameter_mm`` → diameter_m, ``k_mm`` → roughness_m,
                       ``loss_coefficient`` → loss_coefficient (ζ, added to λL/D by both
                       tools), ``u_w_per_m2k`` → heat_transfer_w_m2k (unused when
                       isothermal).
``valve``              connection ``valve_<index>`` of kind ``valve``; ``opened`` → Controls
                       mode ``open``/``closed``. A valve with ζ > 0 becomes the valve plus a
                       ``resistor`` (``valve_<index>_loss``, diameter and drag_factor = ζ) in
                       series behind an auxiliary node ``valve_<index>_loss_node``; pandapipes'
                       valve law with length 0 is ``p1 - p2 = 8 ζ ṁ|ṁ| / (π² D⁴ ρ)`` like
                       linepack's resistor. A valve with ``et == "pi"`` (between a junction
                       and a pipe end) gets the auxiliary node ``valve_node_<junction>_<pipe>``
                       that pandapipes creates internally; the pipe end is moved there.
``ext_grid``           type ``p``/``pt``: Scenario ``p_fixed_pa`` = absolute pressure
                       (see below). Type ``t`` fixes only a temperature and is ignored by the
                       isothermal hydraulics.
``sink``/``source``    ``mdot_kg_per_s × scaling`` summed per junction → ``inflow_kg_s``
``mass_storage``       (sinks negative, sources and negative storage flow positive).
``compressor``         connection ``compressor_<index>`` of kind ``compressorStation``;
                       Controls ``{"mode": "active", "setpoint": "ratio", "value": r}``.
                       pandapipes bypasses a compressor in reverse flow; linepack's
                       compressor law decides this itself.
``press_control``      only ``controlled_junction == to_junction``: connection
                       ``press_control_<index>`` of kind ``controlValve``, Controls
                       ``{"mode": "active", "setpoint": "p_out", "value": p_abs [Pa]}`` with
                       ``p_abs = controlled_p_bar + ambient(height of to_junction)``.
                       ``control_active = False`` → mode ``bypass`` (its ζ is dropped and
                       noted). Any other controlled junction raises :class:`InputError`.
``flow_control``       connection ``flow_control_<index>`` of kind ``controlValve``, Controls
                       ``{"mode": "active", "setpoint": "flow", "value": ṁ [kg/s]}``
                       (``control_active = False`` → ``bypass``). A control valve is chosen
                       because a flow regulator in a gas grid throttles; pandapipes itself
                       puts no sign on the pressure difference across a flow control, so a
                       case that needs a pressure *lift* there has no linepack counterpart.
``pump``, ``circ_pump_*``,  :class:`InputError` (not supported).
``heat_exchanger``,
``heat_consumer``
=====================  =====================================================================

Elements with ``in_service == False`` are skipped, and so is every element attached to an
out-of-service junction. An out-of-service valve is treated as closed, which is the same
hydraulically and keeps a pipe end that pandapipes routes through it in place.

Pressures
---------
pandapipes pressures are gauge, relative to a height-dependent ambient pressure
(``pandapipes.component_models.component_toolbox.p_correction_height_air`` with the
constants of ``pandapipes/constants.py``)::

    p_abs = p_gauge + 1.01325 bar · (1 − 0.0065 K/m · h / 288.15 K) ^ 5.255

where ``h`` is the height of the junction [m]. Every pressure in linepack is absolute.

Physics
-------
``Case.options`` holds the fluid as plain data (I/O only translates; the
simulator turns the data into physics models):

* ``gas``: ``{"normal_density": ρn}`` with ``ρn = fluid.get_density(273.15 K)``, the
  value pandapipes uses as normal density (the molar mass then follows for an ideal gas at
  normal conditions); pandapipes takes the real density as
  ``ρ = ρn · (p/pn) · (Tn/T) / Z(p)``, i.e. with ``Z = 1`` at normal conditions.
* ``eos``: ``{"model": "linear", "slope": s, "offset": o}`` for pandapipes'
  ``FluidPropertyLinear`` compressibility ``Z = offset + slope_bar · p``. pandapipes
  evaluates it at the **absolute** pressure in bar (``pf/derivative_calculation.py`` passes
  the mean of ``p + PAMB``; ``pf/result_extraction.py`` likewise), so linepack's SI slope is
  ``slope_bar / 1e5`` [1/Pa] on absolute pressure. ``hgas`` and ``lgas`` give
  ``Z = 1 − 0.0022 · p_abs[bar]``. A constant compressibility gives
  ``{"model": "constant", "value": z}`` (``"ideal"`` for exactly 1).
* ``viscosity``: η(T) [Pa·s] at the scenario temperature (a constant viscosity), which is
  what pandapipes' isothermal hydraulics evaluate.

Temperature: the hydraulics are isothermal. The scenario temperature is the common
``tfluid_k`` of the in-service junctions (and ``t_k`` of ext_grids of type ``t``/``pt``);
when these differ, their mean is used and the spread is recorded in ``scenario.meta``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from linepack.errors import InputError
from linepack.network import Controls, Network, Scenario
from linepack.network.case import Case
from linepack.units import BAR, P_NORMAL, T_NORMAL

__all__ = ["PandapipesCase", "from_pandapipes", "pandapipes_ambient_pressure"]

#: pandapipes' temperature gradient of the barometric formula (``TEMP_GRADIENT_KPM``). [K/m]
_TEMP_GRADIENT = 0.0065
#: pandapipes' sea-level reference temperature of that formula (``AVG_TEMPERATURE_K``). [K]
_T_SEA_LEVEL = 288.15
#: pandapipes' exponent of that formula (``HEIGHT_EXPONENT``). [-]
_HEIGHT_EXPONENT = 5.255

#: pandapipes tables this bridge translates; any other non-empty table is an error.
_SUPPORTED = ("junction", "pipe", "valve", "ext_grid", "sink", "source", "mass_storage",
              "compressor", "press_control", "flow_control")
_WHY_UNSUPPORTED = {
    "pump": "pandapipes pumps are not supported: their lift is a std_type polynomial of the "
            "inlet volume flow, which has no linepack counterpart; use a compressor "
            "(pandapipes.create_compressor with a pressure_ratio) or set the pump out of service",
    "circ_pump_mass": "circulation pumps (district heating) are not supported",
    "circ_pump_pressure": "circulation pumps (district heating) are not supported",
    "heat_exchanger": "heat exchangers (district heating) are not supported",
    "heat_consumer": "heat consumers (district heating) are not supported",
}


#: The case type :func:`from_pandapipes` returns (the one :class:`~linepack.Case` of every reader).
PandapipesCase = Case


def pandapipes_ambient_pressure(height_m):
    """Ambient pressure pandapipes adds to its gauge pressures at a height.

    Parameters
    ----------
    height_m
        Height above sea level (scalar or array). [m]

    Returns
    -------
    Ambient pressure. [Pa]

    Notes
    -----
    ``p_amb = 1.01325 bar · (1 − 0.0065 · h / 288.15)^5.255``, the barometric formula of
    ``pandapipes.component_models.component_toolbox.p_correction_height_air`` (0.16.0),
    with the constants of ``pandapipes/constants.py``.
    """
    h = np.asarray(height_m, dtype=float)
    return P_NORMAL * np.power(1.0 - h * _TEMP_GRADIENT / _T_SEA_LEVEL, _HEIGHT_EXPONENT)


def _table(net, name: str) -> pd.DataFrame:
    """The pandapipes table ``name`` (empty if the net has none)."""
    try:
        tbl = net[name]
    except (KeyError, AttributeError):
        return pd.DataFrame()
    return tbl if isinstance(tbl, pd.DataFrame) else pd.DataFrame()


def _in_service(tbl: pd.DataFrame) -> np.ndarray:
    """Boolean in-service mask (all True when the column is absent)."""
    if "in_service" not in tbl.columns:
        return np.ones(len(tbl), dtype=bool)
    return tbl["in_service"].fillna(True).astype(bool).to_numpy()


def _col(tbl: pd.DataFrame, name: str, default: float) -> np.ndarray:
    """A float column of ``tbl`` with NaN (or a missing column) replaced by ``default``."""
    if name not in tbl.columns:
        return np.full(len(tbl), default, dtype=float)
    return pd.to_numeric(tbl[name], errors="coerce").fillna(default).to_numpy(dtype=float)


def _label(tbl: pd.DataFrame, table: str, idx) -> str:
    """``"<table> '<index>'"`` plus the pandapipes name when there is one."""
    name = tbl.at[idx, "name"] if "name" in tbl.columns else None
    named = f" ('{name}')" if isinstance(name, str) and name else ""
    return f"{table} '{idx}'{named}"


def _alias(tbl: pd.DataFrame) -> list[str]:
    """The pandapipes ``name`` column as text ('' where missing)."""
    if "name" not in tbl.columns:
        return [""] * len(tbl)
    return [n if isinstance(n, str) else "" for n in tbl["name"]]


def _check_unsupported(net) -> None:
    """Raise InputError for any in-service element of a table linepack cannot translate."""
    tables = [name for name in _WHY_UNSUPPORTED]
    comps = getattr(net, "component_list", None) or []
    for comp in comps:
        try:
            tables.append(comp.table_name())
        except Exception:  # noqa: BLE001 - a foreign component class; its table is checked below
            continue
    for name in dict.fromkeys(tables):
        if name in _SUPPORTED:
            continue
        tbl = _table(net, name)
        if not len(tbl):
            continue
        active = _in_service(tbl)
        if not active.any():
            continue
        idx = tbl.index[active][0]
        why = _WHY_UNSUPPORTED.get(
            name, f"the pandapipes table '{name}' has no linepack counterpart; supported "
                  f"tables are {', '.join(_SUPPORTED)}")
        extra = f" ({int(active.sum())} in service)" if active.sum() > 1 else ""
        raise InputError(f"{_label(tbl, name, idx)}: {why}{extra}")


def _eos_and_viscosity(fluid, temperature: float):
    """Translate the pandapipes fluid into (eos, viscosity, gas, notes)."""
    from pandapipes.properties.fluids import FluidPropertyConstant, FluidPropertyLinear

    name = getattr(fluid, "name", "?")
    if not getattr(fluid, "is_gas", True):
        raise InputError(f"fluid '{name}': it is a liquid; linepack simulates gas networks "
                         "(create the net with a gas fluid such as 'hgas' or 'lgas')")
    props = fluid.all_properties
    notes = []
    comp = props.get("compressibility")
    if comp is None:
        raise InputError(f"fluid '{name}': it has no compressibility property; add one with "
                         "pandapipes.create_constant_property(net, 'compressibility', 1.0)")
    if getattr(comp, "allow_2d", False):
        raise InputError(f"fluid '{name}': a temperature-dependent compressibility "
                         f"({type(comp).__name__}) is not supported; pass a linepack eos instead")
    if isinstance(comp, FluidPropertyLinear):
        slope_per_bar = float(np.asarray(comp.slope))
        offset = float(np.asarray(comp.offset))
        # pandapipes evaluates Z at the absolute pressure in bar; linepack's slope is per Pa.
        eos = {"model": "linear", "slope": slope_per_bar / BAR, "offset": offset}
        notes.append(f"compressibility Z = {offset:g} + ({slope_per_bar:g}/bar)·p_abs")
    elif isinstance(comp, FluidPropertyConstant):
        z = float(np.asarray(comp.value))
        eos = "ideal" if z == 1.0 else {"model": "constant", "value": z}
        notes.append(f"compressibility Z = {z:g} (constant)")
    else:
        raise InputError(f"fluid '{name}': compressibility of type {type(comp).__name__} is not "
                         "supported (only constant or linear in pressure); pass a linepack eos "
                         "to simulate instead")
    visc = props.get("viscosity")
    if visc is None:
        raise InputError(f"fluid '{name}': it has no viscosity property")
    if getattr(visc, "allow_2d", False):
        raise InputError(f"fluid '{name}': a pressure-dependent viscosity "
                         f"({type(visc).__name__}) is not supported; pass a linepack viscosity "
                         "model instead")
    eta = float(np.asarray(fluid.get_viscosity(temperature)).reshape(-1)[0])
    rho_n = float(np.asarray(fluid.get_density(T_NORMAL)).reshape(-1)[0])
    notes.append(f"viscosity {eta:.6g} Pa·s at {temperature:g} K; normal density "
                 f"{rho_n:.6g} kg/m³ at 273.15 K")
    return (eos, eta, {"normal_density": rho_n}, rho_n, notes)


def _temperature(junctions: pd.DataFrame, ext_grids: pd.DataFrame) -> tuple[float, dict]:
    """The isothermal temperature [K] and, when the inputs differ, a note for the meta."""
    temps = list(_col(junctions, "tfluid_k", np.nan))
    if len(ext_grids):
        typ = ext_grids.get("type", pd.Series("pt", index=ext_grids.index)).astype(str).str.lower()
        has_t = typ.str.contains("t").to_numpy()
        temps += list(_col(ext_grids, "t_k", np.nan)[has_t])
    temps = np.asarray([t for t in temps if np.isfinite(t)], dtype=float)
    if not len(temps):
        raise InputError("junction: no tfluid_k given; pandapipes needs a fluid temperature "
                         "per junction")
    t_mean = float(temps.mean())
    if np.ptp(temps) > 1e-9:
        return t_mean, {"temperature_note": (
            f"pandapipes temperatures differ ({temps.min():.2f}–{temps.max():.2f} K); "
            f"the isothermal model uses their mean {t_mean:.3f} K")}
    return float(temps[0]), {}


def _valves(valves: pd.DataFrame, known: set[str], height: dict[str, float],
            pipe_ends: dict[str, list[str]], extra_nodes: list[dict], notes: list[str]):
    """Valve rows (with their Controls mode) and loss resistors; may move pipe ends.

    ``pipe_ends`` maps a pipe id to its [from, to] node ids and is updated in place for
    valves of type ``et == "pi"``, whose pipe end pandapipes attaches to an internal node.
    """
    in_serv = _in_service(valves)
    opened = valves["opened"].fillna(False).astype(bool).to_numpy() & in_serv
    zeta = _col(valves, "loss_coefficient", 0.0)
    diam = _col(valves, "inner_diameter_mm", np.nan) * 1e-3
    alias = _alias(valves)
    new_layout = "junction" in valves.columns      # 0.16: junction / element / et
    rows, res_rows, skipped = [], [], 0
    pi_nodes: dict[tuple[str, str], str] = {}
    for k, idx in enumerate(valves.index):
        if new_layout:
            a = str(int(valves.at[idx, "junction"]))
            et = str(valves.at[idx, "et"]) if "et" in valves.columns else "ju"
            if a not in known:
                skipped += 1
                continue
            if et == "pi":
                pid = f"pipe_{int(valves.at[idx, 'element'])}"
                if pid not in pipe_ends:
                    skipped += 1      # its pipe is out of service: nothing to connect
                    continue
                key = (a, pid)
                if key not in pi_nodes:
                    ends = pipe_ends[pid]
                    if a not in ends:
                        raise InputError(f"{_label(valves, 'valve', idx)}: pipe "
                                         f"'{pid[5:]}' is not connected to junction {a}")
                    aux = f"valve_node_{a}_{pid[5:]}"
                    pi_nodes[key] = aux
                    extra_nodes.append({"id": aux, "kind": "innode", "height_m": height[a],
                                        "alias": f"pandapipes internal valve node of {pid}"})
                    ends[ends.index(a)] = aux
                b = pi_nodes[key]
            elif et == "ju":
                b = str(int(valves.at[idx, "element"]))
            else:
                raise InputError(f"{_label(valves, 'valve', idx)}: et must be 'ju' or 'pi' "
                                 f"(got {et!r})")
        else:                                       # older layout: from/to junction
            a = str(int(valves.at[idx, "from_junction"]))
            b = str(int(valves.at[idx, "to_junction"]))
        if a not in known or (b not in known and not b.startswith("valve_node_")):
            skipped += 1
            continue
        vid = f"valve_{idx}"
        to_valve = b
        if zeta[k] > 0:
            aux = f"{vid}_loss_node"
            extra_nodes.append({"id": aux, "kind": "innode", "height_m": height[a],
                                "alias": f"between {vid} and its loss"})
            res_rows.append({"id": f"{vid}_loss", "kind": "resistor", "from_node": aux,
                             "to_node": b, "diameter_m": diam[k], "drag_factor": zeta[k],
                             "alias": alias[k]})
            to_valve = aux
            notes.append(f"valve '{idx}': loss coefficient ζ = {zeta[k]:g} kept as resistor "
                         f"'{vid}_loss' (D = {diam[k]:g} m) in series")
        rows.append({"id": vid, "kind": "valve", "from_node": a, "to_node": to_valve,
                     "alias": alias[k], "mode": "open" if opened[k] else "closed"})
    if skipped:
        notes.append(f"valve: {skipped} valve(s) on out-of-service junctions or pipes skipped")
    if (~in_serv).any():
        notes.append(f"valve: {int((~in_serv).sum())} out-of-service valve(s) kept closed")
    return rows, res_rows


def _junction_ids(junc: pd.DataFrame, node_ids: list[str], all_ids: pd.Index,
                  notes: list[str]) -> dict[str, str]:
    """Junction index → node id: the junctions' names where every in-service junction has
    one and they are unique (also among the auxiliary nodes); else ``{}`` (ids stay the
    indices, the names are in the ``alias`` column) with a note saying why."""
    names = _alias(junc)
    if not any(names):
        return {}
    others = set(map(str, all_ids)) - set(node_ids)    # auxiliary nodes
    missing = [j for j, n in zip(node_ids, names) if not n.strip()]
    counts = pd.Series(names).value_counts()
    twice = [n for n in counts.index if counts[n] > 1 and n]
    clash = sorted(set(names) & others)
    if missing or twice or clash:
        why = (f"{len(missing)} junction(s) have no name (e.g. {missing[0]})" if missing else
               f"the name {twice[0]!r} is used by {counts[twice[0]]} junctions" if twice else
               f"the name {clash[0]!r} is also an auxiliary node's id")
        notes.append(f"junction: node ids are the junction indices because {why}; the names "
                     "are in the nodes' alias column")
        return {}
    return {j: n for j, n in zip(node_ids, names) if j != n}


def from_pandapipes(net) -> Case:
    """Translate a pandapipes gas net into a linepack network, scenario and controls.

    Parameters
    ----------
    net
        A ``pandapipesNet`` with a gas fluid (pandapipes 0.16).

    Returns
    -------
    Case
        ``network``, ``scenario``, ``controls`` and ``options`` (``eos``, ``viscosity``,
        ``gas`` for :func:`linepack.simulate`, which ``simulate(case)`` applies). See the module docstring for the element map,
        the gauge→absolute conversion and the fluid translation.

    Raises
    ------
    InputError
        For in-service pumps and other unsupported components, a pressure control whose
        controlled junction is not its ``to_junction``, elements attached to unknown junctions,
        conflicting ext_grid pressures at one junction, and fluids linepack cannot represent.

    Examples
    --------
    >>> import pandapipes as pps                                        # doctest: +SKIP
    >>> from pandapipes.networks import simple_gas_networks as sgn      # doctest: +SKIP
    >>> case = from_pandapipes(sgn.gas_one_pipe1(method="n"))           # doctest: +SKIP
    >>> case.network.count()["pipe"]                                    # doctest: +SKIP
    1
    """
    if not isinstance(net, Mapping) or "junction" not in net:   # a pandapipesNet is a dict
        from linepack.network.arguments import argument_error

        raise argument_error("from_pandapipes", "net", net, "a pandapipesNet")
    _check_unsupported(net)
    notes: list[str] = []

    # -- junctions → nodes --------------------------------------------------------------
    junc = _table(net, "junction")
    if not len(junc):
        raise InputError("junction: the net has no junctions")
    j_on = _in_service(junc)
    junc = junc[j_on]
    if (~j_on).any():
        notes.append(f"{int((~j_on).sum())} out-of-service junction(s) skipped")
    node_ids = [str(i) for i in junc.index]
    known = set(node_ids)
    height = dict(zip(node_ids, _col(junc, "height_m", 0.0)))
    x = y = None
    geo = _table(net, "junction_geodata")
    if len(geo) and {"x", "y"} <= set(geo.columns):
        gx = geo["x"].reindex(junc.index)
        gy = geo["y"].reindex(junc.index)
        x, y = gx.to_numpy(dtype=float), gy.to_numpy(dtype=float)
    nodes = pd.DataFrame({"kind": "innode", "height_m": [height[n] for n in node_ids],
                          "alias": _alias(junc)}, index=pd.Index(node_ids, name="id"))
    if x is not None:
        nodes["x"] = x
        nodes["y"] = y
    extra_nodes: list[dict] = []          # auxiliary nodes pandapipes creates internally

    all_junctions = _table(net, "junction").index.to_numpy()
    live_junctions = junc.index.to_numpy()

    def attached(tbl: pd.DataFrame, table: str, cols: tuple[str, ...]) -> np.ndarray:
        """In-service rows whose junctions are in service; InputError for unknown junctions."""
        on = _in_service(tbl)
        for c in cols:
            j = tbl[c].to_numpy()
            bad = ~np.isin(j, all_junctions)
            if bad.any():
                idx = tbl.index[bad][0]
                raise InputError(f"{_label(tbl, table, idx)}: {c} {j[bad][0]} is not a junction "
                                 f"of the net")
            on &= np.isin(j, live_junctions)
        skipped = int(len(tbl) - on.sum())
        if skipped:
            notes.append(f"{table}: {skipped} element(s) out of service (or on an "
                         "out-of-service junction) skipped")
        return on

    conns: list[pd.DataFrame] = []
    ctrl_rows: list[dict] = []

    # -- pipes ---------------------------------------------------------------------------
    pipes = _table(net, "pipe")
    pipe_ends: dict[str, list[str]] = {}
    pipe_df = None
    if len(pipes):
        on = attached(pipes, "pipe", ("from_junction", "to_junction"))
        p = pipes[on]
        ids = [f"pipe_{i}" for i in p.index]
        df = pd.DataFrame({
            "kind": "pipe",
            "from_node": p["from_junction"].astype("int64").astype(str).to_numpy(),
            "to_node": p["to_junction"].astype("int64").astype(str).to_numpy(),
            "length_m": _col(p, "length_km", np.nan) * 1e3,
            "diameter_m": _col(p, "inner_diameter_mm", np.nan) * 1e-3,
            "roughness_m": _col(p, "k_mm", np.nan) * 1e-3,
            "loss_coefficient": _col(p, "loss_coefficient", 0.0),
            "heat_transfer_w_m2k": _col(p, "u_w_per_m2k", np.nan),
            "alias": _alias(p),
        }, index=pd.Index(ids, name="id"))
        sections = _col(p, "sections", 1.0)
        if (sections > 1).any():
            notes.append(f"pipe: {int((sections > 1).sum())} pipe(s) have sections > 1; linepack "
                         "integrates each pipe as one element")
        conns.append(df)
        if len(_table(net, "valve")):       # valves of type "pi" may move pipe ends
            pipe_ends = {pid: [f, t] for pid, f, t in
                         zip(ids, df["from_node"].tolist(), df["to_node"].tolist())}
            pipe_df = df

    # -- valves --------------------------------------------------------------------------
    valves = _table(net, "valve")
    if len(valves):
        rows, res_rows = _valves(valves, known, height, pipe_ends, extra_nodes, notes)
        ctrl_rows += [{"id": r["id"], "mode": r.pop("mode")} for r in rows]
        conns += [pd.DataFrame(r).set_index("id") for r in (rows, res_rows) if r]
    if pipe_df is not None:      # pipe ends moved onto pandapipes' internal valve nodes
        pipe_df["from_node"] = [pipe_ends[i][0] for i in pipe_df.index]
        pipe_df["to_node"] = [pipe_ends[i][1] for i in pipe_df.index]

    # -- compressors ---------------------------------------------------------------------
    comp = _table(net, "compressor")
    if len(comp):
        on = attached(comp, "compressor", ("from_junction", "to_junction"))
        c = comp[on]
        ratio = _col(c, "pressure_ratio", np.nan)
        bad = ~(ratio > 0)
        if bad.any():
            raise InputError(f"{_label(c, 'compressor', c.index[bad][0])}: pressure_ratio must "
                             f"be > 0 (got {ratio[bad][0]})")
        ids = [f"compressor_{i}" for i in c.index]
        conns.append(pd.DataFrame({
            "kind": "compressorStation",
            "from_node": c["from_junction"].astype("int64").astype(str).to_numpy(),
            "to_node": c["to_junction"].astype("int64").astype(str).to_numpy(),
            "alias": _alias(c)}, index=pd.Index(ids, name="id")))
        ctrl_rows += [{"id": i, "mode": "active", "setpoint": "ratio", "value": r}
                      for i, r in zip(ids, ratio)]

    # -- pressure controls ---------------------------------------------------------------
    pc = _table(net, "press_control")
    if len(pc):
        on = attached(pc, "press_control", ("from_junction", "to_junction"))
        c = pc[on]
        for idx in c.index:
            f = str(int(c.at[idx, "from_junction"]))
            t = str(int(c.at[idx, "to_junction"]))
            cj = str(int(c.at[idx, "controlled_junction"]))
            active = bool(c.at[idx, "control_active"]) if "control_active" in c.columns else True
            if active and cj != t:
                raise InputError(
                    f"{_label(c, 'press_control', idx)}: controlled_junction {cj} is not its "
                    f"to_junction {t}; linepack control valves hold their own outlet pressure, "
                    "so only pressure controls with controlled_junction == to_junction are "
                    "supported (move the controller next to the junction it controls)")
            cid = f"press_control_{idx}"
            conns.append(pd.DataFrame([{"id": cid, "kind": "controlValve", "from_node": f,
                                        "to_node": t, "alias": _alias(c.loc[[idx]])[0]}])
                         .set_index("id"))
            if active:
                p_abs = float(c.at[idx, "controlled_p_bar"]) * BAR + float(
                    pandapipes_ambient_pressure(height[t]))
                ctrl_rows.append({"id": cid, "mode": "active", "setpoint": "p_out",
                                  "value": p_abs})
            else:
                ctrl_rows.append({"id": cid, "mode": "bypass"})
                zeta = float(_col(c.loc[[idx]], "loss_coefficient", 0.0)[0])
                if zeta > 0:
                    notes.append(f"press_control '{idx}': inactive; its loss coefficient "
                                 f"ζ = {zeta:g} is dropped (bypass without loss)")

    # -- flow controls -------------------------------------------------------------------
    fc = _table(net, "flow_control")
    if len(fc):
        on = attached(fc, "flow_control", ("from_junction", "to_junction"))
        c = fc[on]
        for idx in c.index:
            cid = f"flow_control_{idx}"
            conns.append(pd.DataFrame([{
                "id": cid, "kind": "controlValve",
                "from_node": str(int(c.at[idx, "from_junction"])),
                "to_node": str(int(c.at[idx, "to_junction"])),
                "alias": _alias(c.loc[[idx]])[0]}]).set_index("id"))
            active = bool(c.at[idx, "control_active"]) if "control_active" in c.columns else True
            if active:
                ctrl_rows.append({"id": cid, "mode": "active", "setpoint": "flow",
                                  "value": float(c.at[idx, "controlled_mdot_kg_per_s"])})
            else:
                ctrl_rows.append({"id": cid, "mode": "bypass"})

    # -- ext_grids → fixed pressures ----------------------------------------------------
    eg = _table(net, "ext_grid")
    p_fixed = pd.Series(np.nan, index=nodes.index, dtype=float)
    eg_on = np.zeros(0, dtype=bool)
    if len(eg):
        eg_on = attached(eg, "ext_grid", ("junction",))
        e = eg[eg_on]
        typ = e.get("type", pd.Series("pt", index=e.index)).astype(str).str.lower()
        for idx in e.index:
            if "p" not in typ[idx]:
                continue
            j = str(int(e.at[idx, "junction"]))
            p_bar = float(e.at[idx, "p_bar"])
            if not np.isfinite(p_bar):
                raise InputError(f"{_label(e, 'ext_grid', idx)}: type '{typ[idx]}' needs p_bar "
                                 f"(got {p_bar})")
            p_amb = float(pandapipes_ambient_pressure(height[j]))
            p_abs = p_bar * BAR + p_amb
            if np.isfinite(p_fixed[j]) and abs(p_fixed[j] - p_abs) > 1e-6:
                held = (p_fixed[j] - p_amb) / BAR
                raise InputError(f"{_label(e, 'ext_grid', idx)}: junction {j} already holds "
                                 f"{held:g} bar from another ext_grid (got {p_bar:g} bar); "
                                 "give one pressure per junction")
            p_fixed[j] = p_abs
    if not np.isfinite(p_fixed).any():
        notes.append("no ext_grid fixes a pressure; the case has no pressure reference")

    # -- sinks, sources, mass storages → injections -------------------------------------
    inflow = pd.Series(0.0, index=nodes.index, dtype=float)
    for table, sign in (("sink", -1.0), ("source", 1.0), ("mass_storage", -1.0)):
        tbl = _table(net, table)
        if not len(tbl):
            continue
        on = attached(tbl, table, ("junction",))
        t = tbl[on]
        m = _col(t, "mdot_kg_per_s", 0.0) * _col(t, "scaling", 1.0) * sign
        j = t["junction"].astype("int64").astype(str).to_numpy()
        inflow = inflow.add(pd.Series(m, index=j).groupby(level=0).sum(), fill_value=0.0)
    inflow = inflow.reindex(nodes.index).fillna(0.0)

    # -- node kinds, auxiliary nodes --------------------------------------------------
    kind = np.where(np.isfinite(p_fixed.to_numpy()) | (inflow.to_numpy() > 0), "source",
                    np.where(inflow.to_numpy() < 0, "sink", "innode"))
    nodes["kind"] = kind
    if extra_nodes:
        nodes = pd.concat([nodes, pd.DataFrame(extra_nodes).set_index("id")])
        p_fixed = p_fixed.reindex(nodes.index)
        inflow = inflow.reindex(nodes.index).fillna(0.0)
        notes.append(f"{len(extra_nodes)} auxiliary node(s) added (valve internals)")

    connections = pd.concat(conns) if conns else None
    rename = _junction_ids(junc, node_ids, nodes.index, notes)
    if rename:
        nodes = nodes.rename(index=rename)
        nodes.loc[list(rename.values()), "alias"] = [f"pandapipes junction {j}" for j in rename]
        p_fixed = p_fixed.rename(index=rename)
        inflow = inflow.rename(index=rename)
        if connections is not None:
            for col in ("from_node", "to_node"):
                connections[col] = connections[col].map(lambda n: rename.get(n, n))
    temperature, t_meta = _temperature(junc, eg[eg_on] if len(eg) else eg)
    eos, viscosity, gas, rho_n, fluid_notes = _eos_and_viscosity(net.fluid, temperature)

    meta = {"source": "pandapipes", "pandapipes_version": str(getattr(net, "version", "")),
            "fluid": getattr(net.fluid, "name", ""), "notes": notes + fluid_notes,
            "junction_ids": {int(j) if str(j).lstrip("-").isdigit() else j: n
                             for j, n in zip(node_ids, [rename.get(j, j) for j in node_ids])}}
    network = Network(nodes, connections, gas={"normal_density": rho_n},
                      name=str(getattr(net, "name", "") or ""), meta=meta)
    scenario = Scenario(pd.DataFrame({"p_fixed_pa": p_fixed, "inflow_kg_s": inflow},
                                     index=nodes.index),
                        temperature=temperature, name=str(getattr(net, "name", "") or ""),
                        meta=t_meta)
    controls = Controls(pd.DataFrame(ctrl_rows).set_index("id") if ctrl_rows else None)
    sname = scenario.name or "pandapipes"
    return Case(network, {sname: scenario}, {sname: controls}, {sname: sname},
                options={"eos": eos, "viscosity": viscosity, "gas": gas}, source="pandapipes net")
