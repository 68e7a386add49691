"""Network, Scenario and Controls: the data model (no physics, no numerics).

A :class:`Network` is topology plus element data; a :class:`Scenario` is the
boundary conditions of one case (nomination); :class:`Controls` are the
operating decisions of valves, control valves and compressor stations. They are
kept apart so that one network serves many scenarios and control choices.

All tables are pandas DataFrames indexed by the user's ids, with columns named
and dimensioned as :mod:`linepack.network.schema` says (SI units).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import InputError, did_you_mean
from linepack.network.schema import (
    CONNECTION_FIELDS,
    CONNECTION_KINDS,
    CONTROL_FIELDS,
    NODE_FIELDS,
    NODE_KINDS,
    SCENARIO_FIELDS,
    Field,
)
from linepack.units import BAR, mcm_per_day_to_kg_s

__all__ = ["Network", "Scenario", "Controls", "GAS_KEYS", "GAS_COMPOSITION", "check_gas", "CONTROL_KEYS", "control_entry"]

#: Bulk gas properties a network or scenario may carry (SI), as GasLib gives them per source.
GAS_KEYS = (
    "normal_density",            # [kg/m³] at 0 °C, 1.01325 bar
    "molar_mass",                # [kg/mol]
    "pseudo_critical_pressure",  # [Pa]
    "pseudo_critical_temperature",  # [K]
    "calorific_value",           # [J/m³] gross, normal conditions
    "heat_capacity_a",           # cp polynomial A [J/(mol·K)]
    "heat_capacity_b",           # B [J/(mol·K²)]
    "heat_capacity_c",           # C [J/(mol·K³)]
    "temperature",               # [K] gas temperature at the entry
)
#: The key of a gas composition in a network's or scenario's gas: a mapping of component
#: name (methane, ethane, nitrogen … or CH4, C2H6, N2; see linepack.physics.gas.COMPONENTS)
#: to mole fraction [-]. With it the gas is built from the composition (GERG-2008 needs one).
GAS_COMPOSITION = "composition"


def check_gas(gas: Any, owner: str) -> None:
    """``gas`` holds only :data:`GAS_KEYS` and, optionally, a :data:`GAS_COMPOSITION`
    mapping of component names to numbers; InputError naming ``owner`` otherwise. Values
    are judged by :func:`linepack.network.validate.validate`."""
    if gas is None:
        return
    if not isinstance(gas, Mapping):
        raise InputError(f"{owner}: gas must be a mapping of properties (got {type(gas).__name__})")
    unknown = set(gas) - set(GAS_KEYS) - {GAS_COMPOSITION}
    if unknown:
        raise InputError(f"{owner}: unknown propert(y/ies) {sorted(unknown)}; "
                         f"expected some of {(*GAS_KEYS, GAS_COMPOSITION)}")
    comp = gas.get(GAS_COMPOSITION)
    if comp is not None and (not isinstance(comp, Mapping) or not comp
                             or not all(isinstance(k, str) for k in comp)):
        raise InputError(f"{owner}: composition must be a non-empty mapping of component name "
                         f"to mole fraction, e.g. {{'methane': 0.95, 'ethane': 0.05}} "
                         f"(got {comp!r:.60})")


def _table(data: pd.DataFrame | Iterable[Mapping[str, Any]] | None, fields: tuple[Field, ...],
           what: str, required: tuple[str, ...]) -> pd.DataFrame:
    """Normalise ``data`` to a DataFrame with every schema column, in schema order.

    The columns are converted one by one and the table is built once from them
    (inserting them into a frame one at a time costs more than the conversions).
    ``data`` itself is never modified.
    """
    names = [f.name for f in fields]
    if data is None:
        df = pd.DataFrame(columns=names)
    elif isinstance(data, pd.DataFrame):
        df = data
    else:
        rows = list(data) if isinstance(data, Iterable) and not isinstance(data, (str, bytes)) \
            else None
        if rows is None or not all(isinstance(r, Mapping) for r in rows):
            from linepack.errors import ArgumentError

            bad = data if rows is None else next(r for r in rows if not isinstance(r, Mapping))
            raise ArgumentError(f"{what}: expected a pandas DataFrame, a list of records "
                                f"(dicts) or None (got {type(bad).__name__} {bad!r:.40})")
        df = pd.DataFrame(rows)
        if "id" in df.columns:
            df = df.set_index("id")
    if "id" in df.columns and df.index.name != "id":
        df = df.set_index("id")
    index = df.index.map(str).rename("id")
    dup = index[index.duplicated()].unique()
    if len(dup):
        raise InputError(f"{what}: duplicate id(s) {', '.join(repr(d) for d in dup[:5])}; "
                         "ids must be unique")
    twice = df.columns[df.columns.duplicated()].unique()
    if len(twice):
        raise InputError(f"{what}: column '{twice[0]}' appears more than once")
    unknown = [c for c in df.columns if c not in names]
    if unknown:
        from linepack.errors import did_you_mean
        c = unknown[0]
        raise InputError(f"{what}: unknown column '{c}'{did_you_mean(c, names)}; "
                         f"expected some of {names}")
    columns: dict[str, Any] = {}
    for f in fields:
        if f.name not in df.columns:
            if f.name in required:
                if len(df):
                    raise InputError(f"{what}: column '{f.name}' is required ({f.description})")
                columns[f.name] = np.array([], dtype=object)
            else:
                columns[f.name] = np.full(len(index), f.default,
                                          dtype=object if isinstance(f.default, str) else None)
            continue
        col = df[f.name]
        if f.default is not None and not isinstance(f.default, str):
            if col.dtype != np.float64:
                col = pd.to_numeric(col, errors="raise").astype(float)
            if np.isfinite(f.default):
                col = col.fillna(f.default)
        elif isinstance(f.default, str):
            col = col.fillna(f.default).astype(str)
        columns[f.name] = col.array  # by position: the index is replaced below
    return pd.DataFrame(columns, index=index, columns=names)


@dataclass(frozen=True, eq=False)
class Network:
    """A gas transmission network.

    Parameters
    ----------
    nodes
        Node table (index: node id) with the columns of
        :data:`linepack.network.schema.NODE_FIELDS`. Missing optional columns
        get their defaults.
    connections
        Connection table (index: connection id) with the columns of
        :data:`linepack.network.schema.CONNECTION_FIELDS`.
    gas
        Bulk gas properties (keys of :data:`GAS_KEYS`, SI), e.g. from the
        GasLib sources; ``None`` leaves the choice to the simulation.
    name
        A title.
    meta
        Free metadata (provenance, licence, citation).
    """

    nodes: pd.DataFrame
    connections: pd.DataFrame
    gas: Mapping[str, float] | None = None
    name: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        nodes = _table(self.nodes, NODE_FIELDS, "nodes", ("kind",))
        conns = _table(self.connections, CONNECTION_FIELDS, "connections",
                       ("kind", "from_node", "to_node"))
        bad = sorted(set(nodes["kind"]) - set(NODE_KINDS))
        if bad:
            nid = nodes.index[nodes["kind"] == bad[0]][0]
            raise InputError(f"node '{nid}': unknown kind '{bad[0]}'; expected one of {NODE_KINDS}")
        bad = sorted(set(conns["kind"]) - set(CONNECTION_KINDS))
        if bad:
            cid = conns.index[conns["kind"] == bad[0]][0]
            raise InputError(f"connection '{cid}': unknown kind '{bad[0]}'"
                             f"; expected one of {CONNECTION_KINDS}")
        conns["from_node"] = conns["from_node"].astype(str)
        conns["to_node"] = conns["to_node"].astype(str)
        check_gas(self.gas, "network gas")
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "connections", conns)
        object.__setattr__(self, "meta", dict(self.meta))

    # -- queries -----------------------------------------------------------------
    def count(self) -> dict[str, int]:
        """Number of elements of each kind, by GasLib name (zero counts included)."""
        out = {k: int((self.nodes["kind"] == k).sum()) for k in NODE_KINDS}
        out.update({k: int((self.connections["kind"] == k).sum()) for k in CONNECTION_KINDS})
        return out

    def endpoints(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (in :attr:`nodes`) of every connection's from and to node.

        Returns ``(u, v)``, int64 arrays in connection order, −1 where a node id
        is not in the node table. The lookup by id is remembered together with
        the id columns it was made from; a later call reuses it only when the
        node index is the same object and the id columns are still equal
        element by element, so tables changed in place are looked up anew.
        The arrays returned are read-only.
        """
        nodes_index = self.nodes.index
        fr = self.connections["from_node"].to_numpy()
        to = self.connections["to_node"].to_numpy()
        memo = self.__dict__.get("_endpoints")
        if (memo is not None and memo[0] is nodes_index and memo[1].shape == fr.shape
                and memo[2].shape == to.shape and np.array_equal(memo[1], fr)
                and np.array_equal(memo[2], to)):
            return memo[3], memo[4]
        u = nodes_index.get_indexer(fr).astype(np.int64)
        v = nodes_index.get_indexer(to).astype(np.int64)
        u.flags.writeable = False
        v.flags.writeable = False
        object.__setattr__(self, "_endpoints", (nodes_index, fr.copy(), to.copy(), u, v))
        return u, v

    def __getstate__(self) -> dict:
        # the endpoint memo is not part of the value (it is rebuilt on first use)
        state = dict(self.__dict__)
        state.pop("_endpoints", None)
        return state

    def element_name(self, element_id: str) -> str:
        """``"<kind> '<id>'"`` for a node or connection id (for messages)."""
        if element_id in self.nodes.index:
            return f"{self.nodes.at[element_id, 'kind']} '{element_id}'"
        if element_id in self.connections.index:
            return f"{self.connections.at[element_id, 'kind']} '{element_id}'"
        return f"'{element_id}'"

    def evolve(self, **changes: Any) -> "Network":
        """Return a copy with some attributes replaced (``nodes=…``, ``connections=…``, …)."""
        return replace(self, **changes)

    def copy(self) -> "Network":
        """A deep copy."""
        return Network(self.nodes.copy(), self.connections.copy(),
                       None if self.gas is None else dict(self.gas), self.name, dict(self.meta))

    def __repr__(self) -> str:
        c = {k: v for k, v in self.count().items() if v}
        return f"Network({self.name!r}, {c})"


@dataclass(frozen=True, eq=False)
class Scenario:
    """Boundary conditions of one case.

    Parameters
    ----------
    nodes
        Table indexed by node id with the columns of
        :data:`linepack.network.schema.SCENARIO_FIELDS`; nodes not listed are
        free with no injection.
    temperature
        Gas temperature for the isothermal model. [K]
    gas
        Bulk gas properties overriding the network's (keys of :data:`GAS_KEYS`).
    name
        The scenario's name (e.g. the GasLib nomination id).
    meta
        Free metadata.
    """

    nodes: pd.DataFrame
    temperature: float = 288.15
    gas: Mapping[str, float] | None = None
    name: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nodes", _table(self.nodes, SCENARIO_FIELDS, "scenario", ()))
        check_gas(self.gas, f"scenario '{self.name}' gas")
        object.__setattr__(self, "meta", dict(self.meta))
        try:
            t = float(self.temperature)
        except (TypeError, ValueError):
            from linepack.errors import ArgumentError

            raise ArgumentError(f"scenario '{self.name}': temperature must be a number [K] "
                                f"(got {type(self.temperature).__name__} "
                                f"{self.temperature!r:.40})") from None
        if not np.isfinite(t) or t <= 0:
            raise InputError(f"scenario '{self.name}': temperature must be > 0 K (got {t})")
        object.__setattr__(self, "temperature", t)

    def evolve(self, **changes: Any) -> "Scenario":
        """Return a copy with some attributes replaced."""
        return replace(self, **changes)


@dataclass(frozen=True, eq=False)
class Controls:
    """Operating decisions per connection.

    ``table`` is indexed by connection id with columns ``mode``, ``setpoint``
    and ``value`` (see :data:`linepack.network.schema.CONTROL_FIELDS`).
    Connections not listed get the documented defaults of
    :func:`linepack.simulate`.
    """

    table: pd.DataFrame

    def __post_init__(self) -> None:
        object.__setattr__(self, "table", _table(self.table, CONTROL_FIELDS, "controls", ("mode",)))

    @classmethod
    def from_dict(cls, d: Mapping[str, Mapping[str, Any] | str], *,
                  normal_density: float | None = None) -> "Controls":
        """Build from the controls of a native file or of ``--controls FILE.json``.

        ``d`` maps a connection id to a mode (``"closed"``) or to an object with
        ``mode`` and at most one set point, in the same format as the files
        (:data:`CONTROL_KEYS`): ``p_out_bar`` (absolute bar), ``p_out_pa``, ``ratio``,
        ``flow_kg_s``, ``flow_mcm_d`` (needs ``normal_density`` [kg/m³]), or the
        table's own ``setpoint`` with ``value`` in SI (Pa, -, kg/s)::

            Controls.from_dict({"CS1": {"mode": "active", "p_out_bar": 75},
                                "CS2": {"mode": "active", "ratio": 1.4},
                                "V1": "closed"})

        Raises
        ------
        InputError
            An entry that is not a mode or an object, an unknown key (with a "did you
            mean"), a value that is not a number, two set points; the message names
            the connection, the key and the value.
        """
        if not isinstance(d, Mapping):
            raise InputError(f"controls must be a mapping {{connection id: control}} "
                             f"(got {type(d).__name__})")
        rows = [{"id": str(k), **dict(zip(("mode", "setpoint", "value"),
                                          control_entry(f"'{k}'", v, normal_density)))}
                for k, v in d.items()]
        return cls(pd.DataFrame(rows).set_index("id") if rows else None)


#: The keys of one control entry in files and in :meth:`Controls.from_dict`:
#: the mode, one set point in edge units, or the table's ``setpoint`` and SI ``value``.
SETPOINT_KEYS = ("p_out_bar", "p_out_pa", "ratio", "flow_kg_s", "flow_mcm_d")
CONTROL_KEYS = ("mode", *SETPOINT_KEYS, "setpoint", "value")
_SETPOINT_NAMES = ("p_out", "ratio", "flow")


def _control_number(owner: str, key: str, x: Any) -> float:
    """A finite number; None (JSON null) means "not given" (NaN)."""
    if x is None:
        return float("nan")
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        shown = repr(x) if len(repr(x)) <= 40 else repr(x)[:37] + "..."
        raise InputError(f"{owner}: {key} must be a number (got {shown})")
    try:
        v = float(x)
    except OverflowError:
        raise InputError(f"{owner}: {key} must be a number within ±1.8e308 (got an integer "
                         f"of {len(str(abs(int(x))))} digits)") from None
    if not np.isfinite(v):
        raise InputError(f"{owner}: {key} must be a finite number (got {v!r})")
    return v


def control_entry(owner: str, entry: Any, normal_density: float | None = None
                  ) -> tuple[str, str, float]:
    """``(mode, setpoint, value [SI])`` of one control entry in the file format.

    ``entry`` is a mode (``"closed"``) or a mapping of :data:`CONTROL_KEYS`; ``owner``
    names the connection in messages. Kind-specific checks (which modes a kind
    allows, limits) are the validator's.
    """
    if isinstance(entry, str):
        entry = {"mode": entry}
    if not isinstance(entry, Mapping):
        raise InputError(f"{owner}: a control must be a mode such as \"closed\" or an object "
                         f"{{\"mode\": ..., \"p_out_bar\" | \"ratio\" | ...: ...}} "
                         f"(got {type(entry).__name__} {entry!r:.40})")
    for k in entry:
        if k not in CONTROL_KEYS:
            raise InputError(f"{owner}: unknown field '{k}'{did_you_mean(str(k), CONTROL_KEYS)}; "
                             f"expected some of {list(CONTROL_KEYS)}")
    if "mode" not in entry:
        raise InputError(f"{owner}: 'mode' is required")
    mode = entry["mode"]
    if not isinstance(mode, str):
        raise InputError(f"{owner}: mode must be a string (got {mode!r})")
    given = [k for k in entry if k in SETPOINT_KEYS]
    if len(given) > 1 or (given and ("setpoint" in entry or "value" in entry)):
        both = given + [k for k in ("setpoint", "value") if k in entry]
        raise InputError(f"{owner}: give one setpoint, not {both}")
    setpoint, value = "", float("nan")
    if given:
        k = given[0]
        x = _control_number(owner, k, entry[k])
        if k == "p_out_bar":
            setpoint, value = "p_out", x * BAR
        elif k == "p_out_pa":
            setpoint, value = "p_out", x
        elif k == "ratio":
            setpoint, value = "ratio", x
        elif k == "flow_kg_s":
            setpoint, value = "flow", x
        else:
            rho = normal_density
            if rho is None or not np.isfinite(rho) or rho <= 0:
                raise InputError(f"{owner}: flow_mcm_d needs the gas normal_density [kg/m³], "
                                 "which is missing")
            setpoint, value = "flow", mcm_per_day_to_kg_s(x, rho)
    else:
        if "setpoint" in entry:
            setpoint = entry["setpoint"]
            if not isinstance(setpoint, str) or setpoint not in ("", *_SETPOINT_NAMES):
                raise InputError(f"{owner}: setpoint {setpoint!r} is not one of "
                                 f"{list(_SETPOINT_NAMES)}{did_you_mean(str(setpoint), _SETPOINT_NAMES)}")
        if "value" in entry:
            value = _control_number(owner, "value", entry["value"])
    return mode, setpoint, value
