"""linepack's own human-editable JSON format (version 1).

One file holds a network, its scenarios and named sets of controls::

    {"linepack": 1, "name": "...", "meta": {...},
     "gas": {"normal_density": 0.73, ...},
     "nodes": [{"id": "N1", "kind": "source", "height_m": 0, "p_max_bar": 75.5, ...}],
     "connections": [{"id": "P1", "kind": "pipe", "from": "N1", "to": "N2",
                      "length_km": 120.5, "diameter_mm": 1420, "roughness_mm": 0.05}],
     "assumptions": [{"id": "A1", "text": "...", "value": 1, "reason": "..."}],
     "scenarios": {"winter": {"temperature_k": 278.15, "controls": "base",
                              "nodes": [{"id": "N1", "p_fixed_bar": 74},
                                        {"id": "N9", "inflow_mcm_d": -9.0}]}},
     "controls": {"base": {"CS1": {"mode": "active", "p_out_bar": 75},
                           "V1": {"mode": "closed"}}}}

Field names are the schema's ``edge_name`` (``length_km``, ``diameter_mm``,
``p_min_bar``, ``power_max_mw`` …; pressures are absolute bar). The SI names of
the schema (``length_m``, ``p_min_pa`` …) are accepted too, and the writer uses
them for a value whose edge-unit form would not read back bit for bit, so
``read_native(write_native(x))`` reproduces every table exactly. The full
description is ``docs/native-format.md``.

Conversions at the edge: bar → Pa is ``x · 1e5``, km → m ``x · 1000``,
mm → m ``x / 1000``, MW → W ``x · 1e6``; million normal m³ per day (0 °C,
1.01325 bar) → kg/s with the normal density of the scenario's gas, else of the
network's gas (:func:`linepack.units.mcm_per_day_to_kg_s`).

Hostile input: a file larger than :data:`MAX_FILE_BYTES` (200 MiB) is refused
before it is read; JSON nested too deeply, numbers out of the float range,
text that is not UTF-8/16/32 give an :class:`~linepack.errors.InputError`
naming the file.
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linepack.files import atomic_write_text, open_input
from linepack.errors import InputError, did_you_mean
from linepack.network.arguments import argument_error, check_network, check_path
from linepack.network.case import Case
from linepack.network.network import (
    GAS_COMPOSITION,
    GAS_KEYS,
    Controls,
    Network,
    Scenario,
    check_gas,
    control_entry,
)
from linepack.network.schema import (
    CONNECTION_FIELDS,
    CONNECTION_KINDS,
    NODE_FIELDS,
    NODE_KINDS,
    SCENARIO_FIELDS,
    Field,
)
from linepack.units import BAR, mcm_per_day_to_kg_s

__all__ = ["read_controls", "read_gas_composition", "Case", "read_native", "parse_native", "write_native", "FORMAT_VERSION",
           "MAX_FILE_BYTES", "MAX_JSON_VALUES", "apply_assumption_set", "assumption_set_names"]

#: The format version written in the ``"linepack"`` key.
FORMAT_VERSION = 1
#: Largest native or controls file linepack reads (200 MiB); larger files are refused.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Most JSON values (about: commas and opening brackets, counted before decoding) in a native,
#: controls or gas file. Decoded JSON takes about 170 bytes per value, so this bounds the
#: memory to about 350 MB; a network of 60,000 nodes and 60,000 pipes has about 1,000,000.
MAX_JSON_VALUES = 2_000_000

_TOP_KEYS = ("linepack", "name", "meta", "gas", "nodes", "connections", "assumptions",
             "scenarios", "controls")
_SCENARIO_KEYS = ("description", "temperature_k", "controls", "nodes", "gas", "meta")
_ASSUMPTION_KEYS = ("id", "text", "value", "unit", "reason")
#: Control modes allowed per connection kind (see schema.CONTROL_FIELDS).
_MODES = {
    "valve": ("open", "closed"),
    "controlValve": ("active", "bypass", "closed"),
    "compressorStation": ("active", "bypass", "closed"),
    "checkValve": ("auto",),
}

# edge unit -> (op, factor): SI = edge * factor ("mul") or edge / factor ("div")
_EDGE_OPS = {
    "bar (absolute)": ("mul", BAR),
    "bar": ("mul", BAR),
    "km": ("mul", 1000.0),
    "mm": ("div", 1000.0),
    "MW": ("mul", 1e6),
}


# -- field tables -----------------------------------------------------------------

@dataclass(frozen=True)
class _Col:
    """One table column at the edge: SI name, edge name and conversion."""

    field: Field
    op: str | None      # None: no conversion (same unit at the edge)
    factor: float

    @property
    def text(self) -> bool:
        return isinstance(self.field.default, str) or self.field.default is None

    def to_si(self, x: float) -> float:
        if self.op == "mul":
            return x * self.factor
        if self.op == "div":
            return x / self.factor
        return x

    def to_edge(self, v: float) -> float | None:
        """The edge value when it reads back to exactly ``v``, else None."""
        return _to_edge(v, self.op, self.factor)


def _to_edge(v: float, op: str | None, factor: float) -> float | None:
    """``v`` [SI] in the edge unit, if the reader's conversion gives back exactly ``v``.

    Tries the shortest decimals first, so 84.11324847 bar is written as such and
    not as 84.11324847000002.
    """
    if op is None:
        return v
    e = v / factor if op == "mul" else v * factor

    def back(x: float) -> float:
        return x * factor if op == "mul" else x / factor

    if not math.isfinite(e):
        return e if back(e) == v else None
    for digits in (12, 15, 16, 17):
        cand = float(f"{e:.{digits}g}")
        b = back(cand)
        if b == v and math.copysign(1.0, b) == math.copysign(1.0, v):
            return cand
    return None


def _cols(fields: tuple[Field, ...]) -> dict[str, _Col]:
    out = {}
    for f in fields:
        if f.edge_name == f.name or f.unit in ("", "-") or f.unit == f.edge_unit:
            out[f.name] = _Col(f, None, 1.0)
        elif f.edge_unit in _EDGE_OPS:
            op, factor = _EDGE_OPS[f.edge_unit]
            out[f.name] = _Col(f, op, factor)
        else:
            raise RuntimeError(f"linepack.io.native: no conversion for the edge unit "
                               f"'{f.edge_unit}' of schema field '{f.name}'")
    return out


_NODE_COLS = _cols(NODE_FIELDS)
_CONN_COLS = _cols(CONNECTION_FIELDS)
_SCN_COLS = _cols(SCENARIO_FIELDS)


# -- reading ----------------------------------------------------------------------

_INF = {"inf": math.inf, "+inf": math.inf, "infinity": math.inf, "+infinity": math.inf,
        "-inf": -math.inf, "-infinity": -math.inf}


class _Reader:
    def __init__(self, path: str | None):
        self.path = path

    def err(self, msg: str) -> InputError:
        return InputError(msg, path=self.path)

    def number(self, owner: str, name: str, x: Any) -> float:
        """A finite number or ±inf ("inf"/"-inf"); None/NaN means "not given" (NaN)."""
        if x is None:
            return math.nan
        if isinstance(x, bool) or not isinstance(x, (int, float, str)):
            raise self.err(f"{owner}: {name} must be a number (got {x!r})")
        if isinstance(x, str):
            v = _INF.get(x.strip().lower())
            if v is None:
                shown = repr(x) if len(x) <= 40 else repr(x[:37]) + "..."
                raise self.err(f"{owner}: {name} must be a number (got {shown})")
            return v
        try:
            return float(x)
        except OverflowError:
            raise self.err(f"{owner}: {name} must be a number within ±1.8e308, or \"inf\" "
                           f"(got an integer of {len(str(abs(x)))} digits)") from None

    def text(self, owner: str, name: str, x: Any) -> str:
        if not isinstance(x, str):
            raise self.err(f"{owner}: {name} must be a string (got {x!r})")
        return x

    def obj(self, owner: str, name: str, x: Any) -> dict:
        if not isinstance(x, dict):
            raise self.err(f"{owner}: {name} must be an object {{...}} (got {_short(x)})")
        return x

    def unknown(self, owner: str, key: str, allowed) -> InputError:
        allowed = list(allowed)
        return self.err(f"{owner}: unknown field '{key}'{did_you_mean(key, allowed)}; "
                        f"expected some of {allowed}")

    def record(self, rec: dict, cols: dict[str, _Col], owner: str, kind: str | None,
               extra: tuple[str, ...] = ()) -> dict[str, Any]:
        """Translate one record to SI column names; ``extra`` keys are passed through."""
        by_name: dict[str, tuple[_Col, bool]] = {}
        for c in cols.values():
            by_name[c.field.edge_name] = (c, True)
            by_name[c.field.name] = (c, False)
        out: dict[str, Any] = {}
        seen: dict[str, str] = {}
        for key, x in rec.items():
            if key in extra or key == "id":
                continue
            if key not in by_name:
                names = ["id", *extra] + [c.field.edge_name for c in cols.values()]
                raise self.unknown(owner, key, names)
            col, edge = by_name[key]
            name = col.field.name
            if name in seen:
                raise self.err(f"{owner}: give {seen[name]} or {key}, not both")
            seen[name] = key
            if kind is not None and kind not in col.field.kinds and name != "kind":
                raise self.err(f"{owner}: {key} does not apply to a {kind} "
                               f"(only to: {', '.join(col.field.kinds)})")
            if col.text:
                out[name] = self.text(owner, key, x)
            else:
                v = self.number(owner, key, x)
                out[name] = col.to_si(v) if edge else v
        return out


def _short(x: Any) -> str:
    try:
        s = json.dumps(x) if not isinstance(x, float) or math.isfinite(x) else repr(x)
    except (ValueError, TypeError, RecursionError):  # huge ints, odd objects, deep nesting
        s = f"a {type(x).__name__}"
    return s if len(s) <= 40 else s[:37] + "..."


class _DuplicateKey(Exception):
    """A JSON object repeats a key (json.loads would keep the last value silently)."""

    def __init__(self, key: str, pairs: list[tuple[str, Any]]):
        super().__init__(key)
        self.key = key
        self.id = next((v for k, v in pairs if k == "id" and isinstance(v, str)), None)
        self.pos: int | None = None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _DuplicateKey(k, pairs)
            seen.add(k)
    return d


def _second_key(s: str, start: int, key: str) -> int | None:
    """Offset of the second ``key`` among the keys of the object whose text starts at
    ``start`` (just after its ``{``); nested objects and strings are skipped."""
    from json.decoder import scanstring

    i, depth, count, n = start, 0, 0, len(s)
    while i < n:
        c = s[i]
        if c == '"':
            val, j = scanstring(s, i + 1)
            if depth == 0:
                k = j
                while k < n and s[k] in " \t\r\n":
                    k += 1
                if k < n and s[k] == ":" and val == key:
                    count += 1
                    if count == 2:
                        return i
            i = j
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            if depth == 0:
                return None
            depth -= 1
        i += 1
    return None


def _duplicate_line(raw: str | bytes | bytearray, key: str) -> int | None:
    """The line of the first repeated key, found by parsing again with the pure-Python
    decoder (which knows where each object starts); only on this error path, and only
    for files up to 20 MiB."""
    import json.decoder
    import json.scanner

    if len(raw) > 20 * 2 ** 20:
        return None
    text = raw if isinstance(raw, str) else bytes(raw).decode(json.detect_encoding(raw))

    def parse_object(s_and_end, *args):
        try:
            return json.decoder.JSONObject(s_and_end, *args)
        except _DuplicateKey as e:
            if e.pos is None:
                e.pos = _second_key(s_and_end[0], s_and_end[1], e.key)
            raise

    dec = json.JSONDecoder(object_pairs_hook=_no_duplicates)
    dec.parse_object = parse_object
    dec.scan_once = json.scanner.py_make_scanner(dec)
    try:
        dec.decode(text)
    except _DuplicateKey as e:
        return None if e.pos is None else text.count("\n", 0, e.pos) + 1
    except (ValueError, RecursionError):
        return None
    return None


def _load_json(raw: str | bytes | bytearray, name: str | None) -> Any:
    """``json.loads`` with every failure as an InputError naming the file; an object that
    repeats a key is refused (naming the key, the object's id and the line)."""
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"refused: the file has {len(raw) / 2 ** 20:.1f} MiB, more than "
                         f"linepack's limit of {MAX_FILE_BYTES / 2 ** 20:.0f} MiB "
                         "(linepack.io.native.MAX_FILE_BYTES)", path=name)
    sep = (",", "{", "[") if isinstance(raw, str) else (b",", b"{", b"[")
    n = sum(raw.count(c) for c in sep)   # in C: about 0.1 s per 100 MB
    if n > MAX_JSON_VALUES:
        raise InputError(f"refused: the file has about {n:,} JSON values, more than "
                         f"{MAX_JSON_VALUES:,} (linepack.io.native.MAX_JSON_VALUES; a "
                         "network of 60,000 nodes and pipes has about 1,000,000)", path=name)
    try:
        return json.loads(raw, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as e:
        where = f" in the object with id {e.id!r}" if e.id is not None and e.key != "id" else ""
        raise InputError(f"duplicate key {e.key!r}{where}: a JSON object must not repeat a key "
                         "(the last value would silently win)", path=name,
                         line=_duplicate_line(raw, e.key)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"invalid JSON: {e.msg} (column {e.colno})", path=name,
                         line=e.lineno) from None
    except UnicodeError as e:
        raise InputError(f"the file is not UTF-8 text: {e}", path=name) from None
    except RecursionError:
        raise InputError("refused: the JSON nests arrays or objects too deeply", path=name) from None
    except ValueError as e:  # an integer literal with more digits than Python converts
        why = ("a number has too many digits" if "digits" in str(e) else str(e))
        raise InputError(f"invalid JSON: {why}", path=name) from None


def _read_bytes(path: str | PathLike) -> bytes:
    """A file's bytes; a path that is not a regular file (directory, FIFO, device) or a file
    above MAX_FILE_BYTES is refused before it is read."""
    with open_input(path, max_bytes=MAX_FILE_BYTES,
                    limit="linepack.io.native.MAX_FILE_BYTES") as fh:
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as e:
            raise InputError(f"cannot read the file: {e.strerror or e}", path=str(path)) from None
    if len(data) > MAX_FILE_BYTES:  # grew since it was checked
        raise InputError(f"refused: the file has more than linepack's limit of "
                         f"{MAX_FILE_BYTES / 2 ** 20:.0f} MiB (linepack.io.native.MAX_FILE_BYTES)",
                         path=str(path))
    return data


def _element_id(r: _Reader, rec: Any, what: str, i: int) -> str:
    if not isinstance(rec, dict):
        raise r.err(f"{what} #{i + 1} must be an object {{...}} (got {_short(rec)})")
    eid = rec.get("id")
    if not isinstance(eid, str) or not eid:
        raise r.err(f"{what} #{i + 1}: 'id' must be a non-empty string (got {eid!r})")
    return eid


def _kind(r: _Reader, rec: dict, owner: str, kinds: tuple[str, ...]) -> str:
    if "kind" not in rec:
        raise r.err(f"{owner}: 'kind' is required (one of {list(kinds)})")
    kind = rec["kind"]
    if kind not in kinds:
        raise r.err(f"{owner}: unknown kind {kind!r}{did_you_mean(str(kind), kinds)}; "
                    f"expected one of {list(kinds)}")
    return kind


def _gas(r: _Reader, gas: Any, owner: str) -> dict[str, float] | None:
    if gas is None:
        return None
    gas = r.obj(owner, "gas", gas)
    out: dict[str, Any] = {}
    for k, v in gas.items():
        if k == GAS_COMPOSITION:
            comp = r.obj(f"{owner} gas", GAS_COMPOSITION, v)
            if not comp:
                raise r.err(f"{owner} gas: composition must name at least one component, e.g. "
                            "{\"methane\": 0.95, \"ethane\": 0.05} (mole fractions)")
            out[k] = {str(c): r.number(f"{owner} gas composition", str(c), x)
                      for c, x in comp.items()}
            continue
        if k not in GAS_KEYS:
            raise r.unknown(f"{owner} gas", k, (*GAS_KEYS, GAS_COMPOSITION))
        out[k] = r.number(f"{owner} gas", k, v)
    return out


def _gas_record(gas: Mapping[str, Any]) -> dict[str, Any]:
    """A gas as the file writes it: numbers, and the composition as an object."""
    return {k: ({str(c): _json_number(float(x)) for c, x in v.items()} if k == GAS_COMPOSITION
                else _json_number(float(v))) for k, v in gas.items()}


def _table(rows: list[dict[str, Any]], cols: dict[str, _Col]) -> pd.DataFrame | None:
    if not rows:
        return None
    df = pd.DataFrame(rows, columns=["id", *(n for n in cols if any(n in r for r in rows))])
    return df.set_index("id")


def _element_rows(r: _Reader, data: dict, key: str, what: str, cols: dict[str, _Col],
                  kinds: tuple[str, ...], provenance: dict[str, Any], check=None) -> list[dict]:
    """Translate the ``nodes`` or ``connections`` list to SI rows; per-element provenance
    goes to ``provenance``; ``check(owner, row)`` adds kind-specific checks."""
    items = data.get(key, [])
    if not isinstance(items, list):
        raise r.err(f"file: {key} must be a list [...] (got {_short(items)})")
    rows = []
    for i, rec in enumerate(items):
        eid = _element_id(r, rec, what, i)
        owner = f"{what} '{eid}'"
        kind = _kind(r, rec, owner, kinds)
        row = {"id": eid, **r.record(rec, cols, owner, kind, ("provenance",))}
        if check is not None:
            check(owner, row)
        if "provenance" in rec:
            provenance[eid] = r.obj(owner, "provenance", rec["provenance"])
        rows.append(row)
    return rows


def _parse(data: Any, path: str | None) -> Case:
    r = _Reader(path)
    if not isinstance(data, dict):
        raise r.err(f"the file must hold a JSON object {{...}} (got {_short(data)})")
    if "linepack" not in data:
        raise r.err("not a linepack native file: the top-level key 'linepack' (the format "
                    f"version, {FORMAT_VERSION}) is missing")
    if data["linepack"] != FORMAT_VERSION or isinstance(data["linepack"], bool):
        raise r.err(f"unsupported format version linepack={data['linepack']!r}; this linepack "
                    f"reads version {FORMAT_VERSION}")
    for k in data:
        if k not in _TOP_KEYS:
            raise r.unknown("file", k, _TOP_KEYS)
    name = r.text("file", "name", data.get("name", ""))
    meta = dict(r.obj("file", "meta", data.get("meta", {})))
    gas = _gas(r, data.get("gas"), "network")

    provenance: dict[str, Any] = dict(r.obj("meta", "provenance", meta.get("provenance", {})))

    node_rows = _element_rows(r, data, "nodes", "node", _NODE_COLS, NODE_KINDS, provenance)
    node_ids = [row["id"] for row in node_rows]
    node_set = set(node_ids)

    def check_ends(owner: str, row: dict[str, Any]) -> None:
        for end, col in (("from", "from_node"), ("to", "to_node")):
            if col not in row:
                raise r.err(f"{owner}: '{end}' (a node id) is required")
            if row[col] not in node_set:
                raise r.err(f"{owner}: {end} node '{row[col]}' does not exist"
                            f"{did_you_mean(row[col], node_ids)}")

    conn_rows = _element_rows(r, data, "connections", "connection", _CONN_COLS, CONNECTION_KINDS,
                              provenance, check_ends)

    if "assumptions" in data:
        assumptions = data["assumptions"]
        if not isinstance(assumptions, list):
            raise r.err(f"file: assumptions must be a list [...] (got {_short(assumptions)})")
        for i, a in enumerate(assumptions):
            aid = _element_id(r, a, "assumption", i)
            for k in a:
                if k not in _ASSUMPTION_KEYS:
                    raise r.unknown(f"assumption '{aid}'", k, _ASSUMPTION_KEYS)
            if "text" in a:
                r.text(f"assumption '{aid}'", "text", a["text"])
        meta["assumptions"] = list(assumptions)
    if provenance:
        meta["provenance"] = provenance

    try:
        network = Network(_table(node_rows, _NODE_COLS), _table(conn_rows, _CONN_COLS),
                          gas=gas, name=name, meta=meta)
    except InputError as e:
        raise r.err(str(e)) from None

    # controls
    controls: dict[str, Controls] = {}
    controls_in = r.obj("file", "controls", data.get("controls", {}))
    for cname, entries in controls_in.items():
        controls[cname] = _controls(r, cname, entries, network)

    # scenarios
    scenarios: dict[str, Scenario] = {}
    scenario_controls: dict[str, str] = {}
    scns_in = r.obj("file", "scenarios", data.get("scenarios", {}))
    for sname, s in scns_in.items():
        owner = f"scenario '{sname}'"
        s = r.obj(owner, "scenario", s)
        for k in s:
            if k not in _SCENARIO_KEYS:
                raise r.unknown(owner, k, _SCENARIO_KEYS)
        smeta = dict(r.obj(owner, "meta", s.get("meta", {})))
        if "description" in s:
            smeta["description"] = r.text(owner, "description", s["description"])
        sgas = _gas(r, s.get("gas"), owner)
        t = r.number(owner, "temperature_k", s.get("temperature_k", 288.15))
        if not (math.isfinite(t) and t > 0):
            raise r.err(f"{owner}: temperature_k must be > 0 K (got {s.get('temperature_k')!r})")
        if "controls" in s:
            c = r.text(owner, "controls", s["controls"])
            if c not in controls:
                raise r.err(f"{owner}: controls '{c}' is not defined"
                            f"{did_you_mean(c, controls)}; defined: {list(controls)}")
            scenario_controls[sname] = c
        rho = (sgas or {}).get("normal_density", (gas or {}).get("normal_density"))
        rows_in = s.get("nodes", [])
        if not isinstance(rows_in, list):
            raise r.err(f"{owner}: nodes must be a list [...] (got {_short(rows_in)})")
        rows = []
        for i, rec in enumerate(rows_in):
            nid = _element_id(r, rec, f"{owner} node", i)
            nowner = f"{owner} node '{nid}'"
            if nid not in node_set:
                raise r.err(f"{nowner}: no such node in the network{did_you_mean(nid, node_ids)}")
            row = {"id": nid, **r.record(rec, _SCN_COLS, nowner, None, ("inflow_mcm_d",))}
            if "inflow_mcm_d" in rec:
                if "inflow_kg_s" in row:
                    raise r.err(f"{nowner}: give inflow_kg_s or inflow_mcm_d, not both")
                q = r.number(nowner, "inflow_mcm_d", rec["inflow_mcm_d"])
                if rho is None or not math.isfinite(rho) or rho <= 0:
                    raise r.err(f"{nowner}: inflow_mcm_d needs the gas normal_density [kg/m³] "
                                "(network or scenario \"gas\"), which is missing")
                row["inflow_kg_s"] = mcm_per_day_to_kg_s(q, rho)
            rows.append(row)
        try:
            scenarios[sname] = Scenario(_table(rows, _SCN_COLS), temperature=t, gas=sgas,
                                        name=sname, meta=smeta)
        except InputError as e:
            raise r.err(str(e)) from None
    return Case(network, scenarios, controls, scenario_controls, source=path or "")


def _controls(r: _Reader, cname: str, entries: Any, network: Network) -> Controls:
    owner = f"controls '{cname}'"
    entries = r.obj(owner, "controls", entries)
    conns = network.connections
    rows = []
    rho = (network.gas or {}).get("normal_density")
    for cid, e in entries.items():
        eowner = f"{owner}: '{cid}'"
        if cid not in conns.index:
            raise r.err(f"{eowner} is not a connection of the network"
                        f"{did_you_mean(cid, conns.index)}")
        kind = conns.at[cid, "kind"]
        if not isinstance(e, str):
            e = r.obj(eowner, "control", e)
        try:
            mode, setpoint, value = control_entry(eowner, e, rho)
        except InputError as err:
            raise r.err(str(err)) from None
        modes = _MODES.get(kind)
        if modes is None:
            raise r.err(f"{eowner}: a {kind} has no controls; controls apply to "
                        f"{', '.join(_MODES)}")
        if mode not in modes:
            raise r.err(f"{eowner}: mode {mode!r} is not allowed for a {kind}"
                        f"{did_you_mean(mode, modes)}; expected one of {list(modes)}")
        rows.append({"id": cid, "mode": mode, "setpoint": setpoint, "value": value})
    try:
        return Controls(pd.DataFrame(rows).set_index("id") if rows else None)
    except InputError as err:
        raise r.err(f"{owner}: {err}") from None


def parse_native(text_or_dict: str | bytes | Mapping[str, Any], *, name: str | None = None,
                 assumptions: str | None = None) -> Case:
    """Parse a native file's content (JSON text, or the already-loaded dict).

    Parameters
    ----------
    text_or_dict
        The JSON text, or the decoded object.
    name
        The file name, used in error messages.
    assumptions
        One of the case's assumption sets to apply (:func:`apply_assumption_set`);
        None: the case as written.

    Raises
    ------
    InputError
        JSON syntax errors (with the line number), unknown fields (with a
        "did you mean"), bad values (naming the element, the field and the
        value), references to undefined nodes, connections or control sets.
    """
    if isinstance(text_or_dict, (str, bytes, bytearray)):
        data = _load_json(text_or_dict, name)
    elif isinstance(text_or_dict, Mapping):
        data = dict(text_or_dict)
    else:
        raise argument_error("parse_native", "text_or_dict", text_or_dict,
                             "the JSON text (str or bytes) or the decoded object (a mapping)")
    if assumptions is not None:
        data = apply_assumption_set(data, assumptions)
    return _parse(data, name)


def read_native(path: str | PathLike, *, assumptions: str | None = None) -> Case:
    """Read a native linepack file (JSON). See :func:`parse_native`.

    A path that is not a regular file (a directory, FIFO or device) or a file larger than
    :data:`MAX_FILE_BYTES` is refused before it is read (InputError naming the path)."""
    check_path("read_native", "path", path)
    return parse_native(_read_bytes(path), name=str(path), assumptions=assumptions)


def assumption_set_names(data: Mapping[str, Any]) -> list[str]:
    """Names of the assumption sets a native case's JSON carries (``meta.assumption_sets``)."""
    return list((data.get("meta") or {}).get("assumption_sets") or {})


def apply_assumption_set(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A copy of a native case's JSON with one of its assumption sets applied.

    A case may carry ``meta["assumption_sets"][name]`` with the element fields
    (``nodes``, ``connections``: ``{id: {field: value}}``), scenario entries
    (``scenarios``: ``{scenario: {node id: {field: value}}}``) and control entries
    (``controls``: ``{control set: {connection id: {...}}}``) that differ from the
    case as written, the central set. The applied set's name is recorded in
    ``meta["assumption_set"]``.

    Raises
    ------
    InputError
        The case has no such set.
    """
    sets = (data.get("meta") or {}).get("assumption_sets") or {}
    if name not in sets:
        known = list(sets) or ["(none: this case carries no assumption sets)"]
        raise InputError(f"unknown assumption set '{name}'{did_you_mean(name, list(sets))}; "
                         f"sets: {', '.join(known)}")
    out = copy.deepcopy(dict(data))
    patch = sets[name]
    for key in ("nodes", "connections"):
        rows = {e["id"]: e for e in out.get(key, [])}
        for eid, fields in (patch.get(key) or {}).items():
            rows[eid].update(fields)
    for sname, entries in (patch.get("scenarios") or {}).items():
        rows = {e["id"]: e for e in out["scenarios"][sname]["nodes"]}
        for nid, fields in entries.items():
            rows[nid].update(fields)
    for cname, entries in (patch.get("controls") or {}).items():
        out["controls"][cname].update(copy.deepcopy(entries))
    out["meta"]["assumption_set"] = name
    return out


def read_controls(path: str | PathLike, network: Network) -> Controls:
    """Read a controls file: a JSON object ``{connection id: control}`` in the native
    format's controls convention (``{"mode": "active", "p_out_bar": 75}``, ``"closed"``, …),
    checked against ``network``."""
    check_path("read_controls", "path", path)
    check_network("read_controls", network)
    data = _load_json(_read_bytes(path), str(path))
    return _controls(_Reader(str(path)), Path(path).stem, data, network)


def read_gas_composition(path: str | PathLike) -> dict[str, Any]:
    """Read a gas file: a JSON object of mole fractions (``{"methane": 0.95, "ethane": 0.03,
    "nitrogen": 0.02}``) or a native ``"gas"`` block holding one
    (``{"composition": {...}, "temperature": 283.15}``).

    Returns
    -------
    dict
        The gas as :func:`linepack.simulate` takes it (``gas=``): ``{"composition": {...}}``
        plus any bulk values given. The component names and the sum of the fractions are
        checked when the gas is built (:meth:`linepack.physics.gas.Gas.from_composition`).
    """
    check_path("read_gas_composition", "path", path)
    r = _Reader(str(path))
    data = r.obj("file", "gas", _load_json(_read_bytes(path), str(path)))
    if not data:
        raise r.err("the gas file is empty; expected mole fractions such as "
                    "{\"methane\": 0.95, \"ethane\": 0.05}")
    if not (set(data) & {*GAS_KEYS, GAS_COMPOSITION}):
        data = {GAS_COMPOSITION: data}
    if GAS_COMPOSITION not in data:
        raise r.err("the gas file gives no composition (mole fractions); expected "
                    "{\"methane\": 0.95, ...} or {\"composition\": {...}}")
    gas = _gas(r, data, "file")
    try:
        check_gas(gas, "gas file")
    except InputError as e:
        raise r.err(str(e)) from None
    from linepack.network.validate import composition_issues

    issues = composition_issues(gas[GAS_COMPOSITION], "gas file")
    if issues:
        raise r.err(str(issues[0]))
    return gas


# -- writing ----------------------------------------------------------------------

def _json_number(v: float) -> Any:
    """``v`` as JSON: integral floats as ints (exact), ±inf as "inf"/"-inf"."""
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 2 ** 53 and not (v == 0 and math.copysign(1.0, v) < 0):
        return int(v)
    return v


def _record(row: pd.Series, cols: dict[str, _Col], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """One table row as an edge record: non-default values, edge units where exact."""
    out: dict[str, Any] = {}
    for name, col in cols.items():
        if name in skip:
            continue
        v = row[name]
        d = col.field.default
        if col.text:
            if d is None or v != d:
                out[col.field.edge_name] = str(v)
            continue
        v = float(v)
        if math.isnan(v):
            continue
        if isinstance(d, float) and v == d and math.copysign(1.0, v) == math.copysign(1.0, d):
            continue
        e = col.to_edge(v)
        if e is not None:
            out[col.field.edge_name] = _json_number(e)
        else:
            out[col.field.name] = _json_number(v)
    return out


def _control_record(row: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": str(row["mode"])}
    sp, v = str(row["setpoint"]), float(row["value"])
    if sp == "p_out" and not math.isnan(v):
        e = _to_edge(v, "mul", BAR)
        if e is not None:
            out["p_out_bar"] = _json_number(e)
        else:
            out["p_out_pa"] = _json_number(v)
    elif sp == "ratio" and not math.isnan(v):
        out["ratio"] = _json_number(v)
    elif sp == "flow" and not math.isnan(v):
        out["flow_kg_s"] = _json_number(v)
    else:
        if sp:
            out["setpoint"] = sp
        if not math.isnan(v):
            out["value"] = _json_number(v)
    return out


def _to_dict(case: Case) -> dict[str, Any]:
    net = case.network
    meta = dict(net.meta)
    provenance = dict(meta.pop("provenance", {}) or {})
    assumptions = meta.pop("assumptions", None)
    out: dict[str, Any] = {"linepack": FORMAT_VERSION, "name": net.name, "meta": meta}
    if net.gas is not None:
        out["gas"] = _gas_record(net.gas)
    nodes = []
    for nid, row in net.nodes.iterrows():
        rec = {"id": nid, **_record(row, _NODE_COLS)}
        if nid in provenance:
            rec["provenance"] = provenance.pop(nid)
        nodes.append(rec)
    conns = []
    for cid, row in net.connections.iterrows():
        rec = {"id": cid, **_record(row, _CONN_COLS)}
        if cid in provenance:
            rec["provenance"] = provenance.pop(cid)
        conns.append(rec)
    if provenance:  # entries that are not elements of the network stay in meta
        meta["provenance"] = provenance
    out["nodes"] = nodes
    out["connections"] = conns
    if assumptions is not None:
        out["assumptions"] = assumptions
    for sname in case.scenario_controls:
        if sname not in case.scenarios:
            raise InputError(f"scenario_controls: scenario '{sname}' is not in the case"
                             f"{did_you_mean(sname, case.scenarios)}")
    if case.scenarios:
        scns = {}
        for sname, s in case.scenarios.items():
            smeta = dict(s.meta)
            srec: dict[str, Any] = {}
            if isinstance(smeta.get("description"), str):
                srec["description"] = smeta.pop("description")
            srec["temperature_k"] = _json_number(s.temperature)
            if sname in case.scenario_controls:
                srec["controls"] = case.scenario_controls[sname]
            if s.gas is not None:
                srec["gas"] = _gas_record(s.gas)
            srec["nodes"] = [{"id": nid, **_record(row, _SCN_COLS)}
                             for nid, row in s.nodes.iterrows()]
            if smeta:
                srec["meta"] = smeta
            scns[str(sname)] = srec
        out["scenarios"] = scns
    if case.control_sets:
        out["controls"] = {str(cname): {cid: _control_record(row)
                                        for cid, row in c.table.iterrows()}
                           for cname, c in case.control_sets.items()}
    return out


def _scalar(x: Any) -> bool:
    return x is None or isinstance(x, (str, int, float, bool))


def _flat(x: Any) -> bool:
    """A record worth one line: scalars, plus at most two small containers of scalars."""
    vals = list(x.values() if isinstance(x, dict) else x)
    nested = [v for v in vals if not _scalar(v)]
    return len(nested) <= 2 and all(
        isinstance(v, (dict, list)) and len(v) <= 16
        and all(_scalar(w) for w in (v.values() if isinstance(v, dict) else v))
        for v in nested)


def _dump(x: Any, level: int = 0) -> str:
    """JSON with one line per flat record (node, connection, scenario node…)."""
    if isinstance(x, dict) and x and not _flat(x):
        pad = "  " * (level + 1)
        body = ",\n".join(f"{pad}{json.dumps(str(k), ensure_ascii=False)}: {_dump(v, level + 1)}"
                          for k, v in x.items())
        return "{\n" + body + "\n" + "  " * level + "}"
    if isinstance(x, list) and x and not (all(_scalar(v) for v in x) and len(x) <= 16):
        pad = "  " * (level + 1)
        return "[\n" + ",\n".join(pad + _dump(v, level + 1) for v in x) + "\n" + "  " * level + "]"
    return json.dumps(x, ensure_ascii=False, default=_json_default)


def _json_default(o: Any) -> Any:
    """numpy scalars and paths in metadata become plain JSON values."""
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, PathLike):
        return os.fspath(o)
    raise InputError(f"meta: a value of type {type(o).__name__} ({_short_repr(o)}) cannot be "
                     "written as JSON; use str, number, bool, None, list or dict")


def _short_repr(o: Any) -> str:
    s = repr(o)
    return s if len(s) <= 40 else s[:37] + "..."


def write_native(case_or_network: Case | Network, path: str | PathLike) -> Path:
    """Write a case (or a bare network) as a native JSON file, atomically.

    The file is written to a temporary file in the same folder and moved over
    ``path`` with :func:`os.replace`, so readers never see half a file. Before
    that, the text is parsed back with :func:`parse_native`, so a file that
    linepack would refuse to read is never written.

    Parameters
    ----------
    case_or_network
        A :class:`Case`, or a :class:`~linepack.network.Network` (no scenarios).
    path
        Target file.

    Returns
    -------
    Path
        ``path``.
    """
    if not isinstance(case_or_network, (Case, Network)):
        raise argument_error("write_native", "case_or_network", case_or_network,
                             "a linepack Case or Network")
    check_path("write_native", "path", path)
    case = case_or_network if isinstance(case_or_network, Case) else Case(case_or_network)
    path = Path(path)
    text = _dump(_to_dict(case)) + "\n"
    parse_native(text, name=str(path))  # refuse to write what cannot be read back
    atomic_write_text(path, text)
    return path
