"""Read GasLib XML (.net, .scn, .cs) into a :class:`~linepack.network.Network` and a
:class:`~linepack.network.Scenario`.

Translation only: every tag and unit goes through the explicit map in
:mod:`linepack.io._gaslib_map`; nothing here computes physics. What the schema
cannot hold is kept, in SI where it has a unit, in ``network.meta``:

``meta["source"]``
    format, file names, and the ``framework:information`` of the .net file;
``meta["licence"]``, ``meta["citation"]``
    GasLib is CC BY 3.0; cite Schmidt et al. (2017) and Pfetsch et al. (2015);
``meta["gaslib"]``
    ``source_gas`` (gas data per source, SI), ``node_flow_bounds`` (technical
    flow bounds of entries and exits, kg/s), ``elements`` (per element: data
    without a schema column, e.g. ``drag_factor_in``/``diameter_in_m`` of the
    in/out resistors, connection attributes such as ``internal_bypass_required``,
    and ``unmapped`` children kept as raw text), ``rules`` (how averages and
    derived values were formed);
``meta["compressor_stations"]``
    the .cs file per station (compressors, drives, configurations as given,
    GasLib units) plus ``derived`` figures.

Conventions
-----------
* Flows in GasLib are volumetric at normal conditions (0 °C, 1.01325 bar). They
  become mass flows with the arithmetic mean of ``normDensity`` over the sources
  (as GasModels.jl does), unless ``normal_density`` is passed.
* ``.net`` pressures are absolute bar; ``.scn`` pressures default to barg
  (Scenario.xsd), converted with 1 atm = 1.01325 bar.
* Scenario flows are magnitudes: an ``entry`` gives ``inflow_kg_s = +value``, an
  ``exit`` gives ``-value`` (so a negative value flips the role).
* No pressure is fixed (``p_fixed_pa`` stays NaN): choosing the pressure
  reference is the simulator's job.
* ``power_max_w`` of a compressor station: the largest, over the station's
  configurations, of the sum over the configuration's drives of the drive's
  maximal shaft power at its compressor's ``speedMax`` and 15 °C ambient.
  Gas turbine (9 coefficients c1..c9, column-first):
  ``P[kW] = Σ_j T^j (c_{3j+1} + c_{3j+2} n + c_{3j+3} n²)``, j = 0, 1, 2, n [rpm],
  T [°C] (this reproduces the ``maximalPowerMeasurements`` of GasLib-4197);
  gas-driven motor (3 coefficients): ``P[kW] = c1 + c2 n + c3 n²``. Assumption:
  the drive runs at the compressor's maximal speed, ambient is 15 °C. NaN if a
  configuration uses a drive of another kind.
* Hostile input and resources: the files are read as a stream (expat), one
  element (node, connection, scenario entry, station) at a time, so memory is the
  records kept, about 4-5 times the file (an ElementTree of the whole file takes
  10-20 times); DTDs and entities are refused (billion laughs, XXE); a path that is
  not a regular file (a directory, FIFO, device) is refused before it is opened for
  reading; a file larger than :data:`MAX_FILE_BYTES` (200 MiB; GasLib's largest
  instance, GasLib-4197, has 3 MiB) is refused before it is read, one with more than
  :data:`MAX_ELEMENTS` XML elements (1,000,000; GasLib-4197 has 51,000) or
  :data:`MAX_ATTRIBUTES` attributes (4,000,000) from a count before parsing (files above
  4 MiB) and, for the elements, while parsing, one nested deeper than
  :data:`MAX_DEPTH` as soon as the limit is passed; malformed,
  truncated, wrongly encoded or wrongly namespaced files and repeated ids give an
  :class:`~linepack.errors.InputError` naming the file and line.
* ``ratio_max``: per configuration the product over the serial stages of the
  smallest ``maximalCompressionRatio`` of the stage's (parallel) piston
  compressors; the station value is the largest over its configurations. A
  turbo compressor's ratio depends on the gas state (head → ratio needs an
  equation of state), which a parser must not compute, so any configuration
  with a turbo compressor makes ``ratio_max`` NaN (no limit is better than a
  wrong one). Per-configuration values are kept in the meta.

References
----------
M. Schmidt et al., "GasLib - A Library of Gas Network Instances", Data 2(4):40,
2017, :doi:`10.3390/data2040040`. M. E. Pfetsch et al., "Validation of
nominations in gas network optimization: models, methods, and solutions",
Optim. Methods Softw. 30(1):15-53, 2015, :doi:`10.1080/10556788.2014.888426`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from linepack.errors import InputError, did_you_mean
from linepack.files import open_input
from linepack.io import _gaslib_map as gm
from linepack.network.case import Case
from linepack.network.network import GAS_KEYS, Network, Scenario

__all__ = ["read_gaslib", "parse_gaslib", "parse_gaslib_scenario", "MAX_FILE_BYTES", "MAX_DEPTH",
           "MAX_ELEMENTS", "MAX_ATTRIBUTES"]

_DEFAULT_TEMPERATURE = 288.15  # [K] when neither the .scn nor the sources give one

#: Largest GasLib file linepack reads (200 MiB); larger files are refused with an InputError.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Deepest element nesting accepted (GasLib files nest at most 8 deep).
MAX_DEPTH = 100
#: Most XML elements accepted per file (GasLib-4197, the largest instance, has 51,000 in its
#: .net file). Bounds the time (about 10 µs per element, so about 10 s) and, with the
#: streaming reader, the memory of the records kept; a file with more is refused as soon as
#: the count is passed.
MAX_ELEMENTS = 1_000_000
#: Most XML attributes accepted per file (checked before parsing, for files above 4 MiB):
#: one element may carry any number of them, and expat builds them all before linepack sees
#: the element. GasLib-4197's .net file has about 128,000.
MAX_ATTRIBUTES = 4_000_000


# -- XML, read as a stream ---------------------------------------------------------------
#
# The files are read with expat directly, as a stream: only the element being read (a
# node, a connection, a scenario entry, a compressor station, a decision group: a "unit")
# is held as a small tree, with the source line of each of its elements; once it is read
# it is handed to the caller and dropped. Memory is then the records kept, not the file's
# tree (which ElementTree holds at 10-20 times the file size). DTDs (and so entities and
# external references) are refused as they are declared, before anything is expanded.

class _Limit(Exception):
    """A structural limit (depth, element count) was exceeded."""


class _Doc:
    """The file being read: its name, its root element (without children) and the source
    lines of the elements of the unit being read."""

    def __init__(self, name: str):
        self.name = name
        self.root: Element | None = None
        self._lines: dict[int, int] = {}       # elements of the current unit
        self._outer: dict[int, int] = {}       # the root and the containers of units

    def line(self, elem: Element | None) -> int | None:
        if elem is None:
            return None
        i = id(elem)
        return self._lines.get(i, self._outer.get(i))

    def error(self, message: str, elem: Element | None = None) -> InputError:
        return InputError(message, path=self.name, line=self.line(elem))


def _check_size(size: int, name: str, kind: str) -> None:
    if size > MAX_FILE_BYTES:
        raise InputError(f"refused: the {kind} file has {size / 2 ** 20:.1f} MiB, more than "
                         f"linepack's limit of {MAX_FILE_BYTES / 2 ** 20:.0f} MiB per GasLib file "
                         "(linepack.io.gaslib.MAX_FILE_BYTES)", path=name)


#: Attribute names without a namespace seen in GasLib files (checked in one C-level pass;
#: any other name is looked at for a namespace).
_PLAIN_ATTRIBUTES = frozenset(("id", "from", "to", "value", "unit", "x", "y", "alias", "bound",
                               "type", "geoWGS84Lat", "geoWGS84Long", "drive", "confId",
                               "nrOfSerialStages", "stageNr", "nrOfParallelUnits",
                               "nominalSpeed", "mode", "flowDirection", "internalBypassRequired",
                               "fuelGasVertex", "gasPreheaterExisting", "remoteControl"))


def _fix_name(name: str) -> str:
    """expat's ``'ns}local'`` → ElementTree's ``'{ns}local'``."""
    return "{" + name if "}" in name else name


def _count_markup(source: str | bytes | BinaryIO) -> tuple[int, int]:
    """About how many elements and attributes ``source`` holds (start tags: ``<`` less
    ``</``, ``<!``, ``<?``; attributes: ``="`` and ``='``; comments count too), counted in C
    in about 0.1 s per 100 MB, so that a file far beyond :data:`MAX_ELEMENTS` or
    :data:`MAX_ATTRIBUTES` is refused before it is parsed. A file object is read once for
    this (in 1 MiB chunks) and rewound; one small enough to be harmless is not counted."""
    def count(chunk) -> tuple[int, int]:
        if isinstance(chunk, str):
            return (chunk.count("<") - chunk.count("</") - chunk.count("<!") - chunk.count("<?"),
                    chunk.count('="') + chunk.count("='"))
        return (chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<!") - chunk.count(b"<?"),
                chunk.count(b'="') + chunk.count(b"='"))

    if isinstance(source, (str, bytes, bytearray)):
        return count(source) if len(source) > _COUNT_FROM_BYTES else (0, 0)
    try:
        start = source.tell()
        size = os.fstat(source.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        return 0, 0  # not a seekable file: the counts while parsing still hold
    if size <= _COUNT_FROM_BYTES:
        return 0, 0
    elements = attributes = 0
    while True:
        chunk = source.read(1 << 20)
        if not chunk:
            break
        e, a = count(chunk)
        elements += e
        attributes += a
    source.seek(start)
    return elements, attributes


#: Files up to this size are parsed without counting their elements first (MAX_ELEMENTS
#: elements take at least 4 bytes each).
_COUNT_FROM_BYTES = 4 * 1024 * 1024


def _refuse_dtd(*_args) -> None:
    raise DTDForbidden(None, None, None)


def _refuse_entity(*_args) -> None:
    raise EntitiesForbidden(None, None, None, None, None, None)


def _refuse_external(*_args) -> None:
    raise ExternalReferenceForbidden(None, None, None, None)


def _stream_xml(source: str | bytes | BinaryIO, doc: _Doc, kind: str, unit_depth: int,
                on_unit: Callable[[list[Element], Element], None],
                on_container: Callable[[Element], None] | None = None) -> _Doc:
    """Parse ``source`` (the content, or a binary file open for reading) into ``doc`` safely and call
    ``on_unit(containers, unit)`` for every element at depth ``unit_depth`` (the root is at
    depth 1) once it is complete; ``containers`` are its open ancestors, root first, with
    their attributes but without children; ``on_container(element)`` is called as each of
    them (below the root) opens. The root is checked first (namespace and name).
    No DTD, no entities; at most :data:`MAX_DEPTH` levels, :data:`MAX_ELEMENTS` elements and
    :data:`MAX_FILE_BYTES` bytes."""
    name = doc.name
    if not isinstance(source, (str, bytes, bytearray)) and not hasattr(source, "read"):
        raise InputError(f"the {kind} file's content must be str or bytes "
                         f"(got {type(source).__name__})", path=name)
    if isinstance(source, (str, bytes, bytearray)):
        _check_size(len(source), name, kind)
    n_elements, n_attributes = _count_markup(source)
    if n_elements > MAX_ELEMENTS:
        raise InputError(f"refused: the {kind} file has about {n_elements:,} elements, more than "
                         f"{MAX_ELEMENTS:,} (linepack.io.gaslib.MAX_ELEMENTS; GasLib-4197 has "
                         "about 51,000)", path=name)
    if n_attributes > MAX_ATTRIBUTES:
        raise InputError(f"refused: the {kind} file has about {n_attributes:,} attributes, more "
                         f"than {MAX_ATTRIBUTES:,} (linepack.io.gaslib.MAX_ATTRIBUTES; "
                         "GasLib-4197 has about 128,000)", path=name)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    stack: list[Element] = []
    texts: list[list[str] | None] = []
    lines, outer = doc._lines, doc._outer
    count = 0
    root_ns, root_local = gm.ROOTS[kind]

    names: dict[str, str] = {}
    max_elements = MAX_ELEMENTS

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > max_elements:
            raise _Limit(f"the {kind} file has more than {MAX_ELEMENTS:,} elements "
                         "(linepack.io.gaslib.MAX_ELEMENTS; GasLib-4197 has about 51,000)")
        fixed = names.get(tag)
        if fixed is None:
            fixed = names[tag] = _fix_name(tag)
        if attrs and not _PLAIN_ATTRIBUTES.issuperset(attrs):
            attrs = {_fix_name(a): v for a, v in attrs.items()}
        el = Element(fixed, attrs)
        n = len(stack)  # depth - 1
        if n >= unit_depth - 1:  # a unit, or inside one: the common case
            if n >= MAX_DEPTH:
                raise _Limit(f"elements in the {kind} file nest deeper than {MAX_DEPTH} levels "
                             "(GasLib files nest at most 8)")
            lines[id(el)] = parser.CurrentLineNumber
            if n >= unit_depth:
                stack[-1].append(el)
            stack.append(el)
            texts.append([])
            return
        outer[id(el)] = parser.CurrentLineNumber
        if n == 0:
            doc.root = el
            got_ns, got_local = _split(fixed)
            if got_local != root_local or got_ns != root_ns:
                got = f"<{got_local}>" + (f" in namespace '{got_ns}'" if got_ns
                                          else " without namespace")
                raise doc.error(f"not a GasLib .{kind} file: the root element is {got}; "
                                f"expected <{root_local}> in namespace '{root_ns}'", el)
        elif on_container is not None:
            on_container(el)
        stack.append(el)
        texts.append(None)

    def end(_tag: str) -> None:
        el = stack.pop()
        text = texts.pop()
        if text:
            el.text = "".join(text)
        if len(stack) + 1 == unit_depth:
            on_unit(stack, el)
            lines.clear()

    def data(text: str) -> None:
        t = texts[-1] if texts else None
        if t is not None:
            t.append(text)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        if isinstance(source, (str, bytes, bytearray)):
            parser.Parse(source, True)
        else:
            read = 0
            while True:
                chunk = source.read(1 << 20)
                if not chunk:
                    break
                read += len(chunk)
                _check_size(read, name, kind)  # a file that grew since it was opened
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as e:
        raise InputError(f"refused: the {kind} file declares a DTD or entities ({type(e).__name__})"
                         "; linepack does not expand XML entities or load external "
                         "references (billion-laughs / XXE protection)",
                         path=name, line=parser.CurrentLineNumber) from None
    except ExpatError as e:
        raise InputError(f"malformed XML in the {kind} file: {e}", path=name,
                         line=getattr(e, "lineno", None)) from None
    except _Limit as e:
        raise InputError(f"refused: {e}", path=name, line=parser.CurrentLineNumber) from None
    except LookupError as e:  # an encoding name expat/Python does not know
        raise InputError(f"the {kind} file declares an unknown encoding ({e}); GasLib files are "
                         "UTF-8", path=name, line=1) from None
    except UnicodeError as e:
        raise InputError(f"the {kind} file is not valid text: {e}", path=name) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before
        raise InputError(f"refused: elements in the {kind} file nest too deeply",
                         path=name) from None
    return doc


@lru_cache(maxsize=1024)  # a file has few distinct tags; each is split once
def _split(tag: str) -> tuple[str, str]:
    """``'{ns}local'`` → ``(ns, local)``; no namespace → ``('', tag)``."""
    if tag.startswith("{"):
        ns, local = tag[1:].split("}", 1)
        return ns, local
    return "", tag


def _q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def _local_in(elem: Element, ns: str) -> str | None:
    """The local name of ``elem`` if it is in namespace ``ns``, else None."""
    got_ns, local = _split(elem.tag)
    return local if got_ns == ns else None


# -- values and units -------------------------------------------------------------

def _number(doc: _Doc, elem: Element, owner: str, what: str, raw: str | None) -> float:
    if raw is None:
        raise doc.error(f"{owner}: {what} has no value", elem)
    try:
        x = float(raw)
    except ValueError:
        raise doc.error(f"{owner}: {what} must be a number (got {raw!r})", elem) from None
    if math.isfinite(x):
        return x
    if math.isnan(x):
        raise doc.error(f"{owner}: {what} must be a number (got {raw!r})", elem)
    if math.isinf(x):  # GasLib has no infinite values; "1e999" and "inf" are damage
        raise doc.error(f"{owner}: {what} must be a finite number (got {raw!r})", elem)
    return x


def _unit_hint(unit: str | None, table: Mapping[str | None, Any]) -> str:
    """ " (did you mean 'bar'?)" for a unit that differs in case or spelling from a known one."""
    known = [u for u in table if u is not None]
    same_case = [u for u in known if unit is not None and u.lower() == unit.lower()]
    if same_case:
        return f" (did you mean '{same_case[0]}'?)"
    return did_you_mean(unit or "", known)


#: ``rho`` of :func:`_quantity` asking for a flow as volume at normal conditions [m³/s].
_VOLUMETRIC: Any = object()


def _quantity(doc: _Doc, elem: Element, owner: str, tag: str, entry: gm.MapEntry,
              rho: Any = None) -> float:
    """Read ``<tag value=.. unit=..>`` and convert it to SI as ``entry`` says (a flow with
    the normal density ``rho``, or in m³/s at normal conditions if ``rho`` is _VOLUMETRIC)."""
    x = _number(doc, elem, owner, tag, elem.get("value"))
    unit = elem.get("unit")
    if unit is None:
        unit = entry.default_unit
    table = gm.UNITS[entry.quantity]
    if unit not in table:
        given = "no unit" if unit is None else f"unit {unit!r}"
        raise doc.error(f"{owner}: {tag} ({entry.field}) has {given}; expected one of "
                        f"{gm.expected_units(entry.quantity)}{_unit_hint(unit, table)}",
                        elem)
    si = gm.apply_unit(x, table[unit])
    if entry.quantity == "flow" and rho is not _VOLUMETRIC:
        if rho is None:
            raise doc.error(f"{owner}: {tag} is a volumetric flow at normal conditions and needs "
                            "a normal density, but no source gives normDensity; pass "
                            "normal_density= [kg/m³]", elem)
        si = si * rho
    return si


def _raw_child(elem: Element) -> dict[str, Any]:
    """An unmapped child kept as given (text attributes and nested children)."""
    out: dict[str, Any] = dict(elem.attrib)
    for c in elem:
        out.setdefault("children", []).append({_split(c.tag)[1]: _raw_child(c)})
    if elem.text and elem.text.strip():
        out["text"] = elem.text.strip()
    return out


# -- .net -----------------------------------------------------------------------------

def _children(doc: _Doc, elem: Element, owner: str) -> dict[str, Element]:
    """Children in the Gas namespace by local name; a repeated child is an error."""
    out: dict[str, Element] = {}
    for c in elem:
        local = _local_in(c, gm.NS_GAS)
        key = local if local is not None else c.tag
        if key in out:
            raise doc.error(f"{owner}: <{key}> is given twice", c)
        out[key] = c
    return out


def _mean_gas(source_gas: Mapping[str, Mapping[str, float]]) -> dict[str, float] | None:
    gas: dict[str, float] = {}
    for key in GAS_KEYS:
        vals = [g[key] for g in source_gas.values() if key in g]
        if vals:
            gas[key] = math.fsum(vals) / len(vals)
    return gas or None


def _element_id(doc: _Doc, el: Element, what: str) -> str:
    eid = el.get("id")
    if eid is None or not eid.strip():
        raise doc.error(f"a {what} element has no id attribute", el)
    return eid


_NS_GAS_NODES = _q(gm.NS_FRAMEWORK, "nodes")
_NS_GAS_CONNECTIONS = _q(gm.NS_FRAMEWORK, "connections")
_NS_GAS_INFORMATION = _q(gm.NS_FRAMEWORK, "information")


class _NetReader:
    """Reads a .net file one element at a time (see :func:`_stream_xml`) into the
    arguments of its :class:`Network`: node and connection records, gas, name and meta.

    Volumetric flows need the normal density, the mean over the sources unless the caller
    gives one; they are converted once every source is read (at the end of
    ``framework:nodes``), those read before wait in ``_pending``."""

    def __init__(self, doc: _Doc, normal_density: float | None):
        self.doc = doc
        self.normal_density = normal_density
        self.info: dict[str, str] = {}
        self.source_gas: dict[str, dict[str, float]] = {}
        self.elements: dict[str, dict[str, Any]] = {}
        self.node_flow: dict[str, dict[str, float]] = {}
        self.seen: dict[str, tuple[str, int | None]] = {}
        self.nodes: list[dict[str, Any]] = []
        self.conns: list[dict[str, Any]] = []
        self.has_nodes = False
        self.rho: float | None = normal_density
        self.rho_final = normal_density is not None
        # (record, key, volumetric value [m³/s at normal conditions], line, owner, tag)
        self._pending: list[tuple[dict, str, float, int | None, str, str]] = []

    # the stream's callback
    def unit(self, containers: list[Element], el: Element) -> None:
        where = containers[-1].tag if len(containers) > 1 else None
        if where == _NS_GAS_NODES:
            self.has_nodes = True
            self.node(el)
        elif where == _NS_GAS_CONNECTIONS:
            self._settle_rho()
            self.connection(el)
        elif where == _NS_GAS_INFORMATION:
            self.info[_split(el.tag)[1]] = (el.text or "").strip()

    def _extra(self, eid: str) -> dict[str, Any]:
        return self.elements.setdefault(eid, {})

    def _unique(self, eid: str, what: str, el: Element) -> None:
        if eid in self.seen:
            kind0, line0 = self.seen[eid]
            where = f" on line {line0}" if line0 is not None else ""
            raise self.doc.error(f"{what} '{eid}': duplicate id, already used by the "
                                 f"{kind0}{where}; ids must be unique", el)
        self.seen[eid] = (what, self.doc.line(el))

    def _flow(self, target: dict, key: str, el: Element, owner: str, tag: str,
              entry: gm.MapEntry) -> None:
        """A volumetric flow into ``target[key]`` as a mass flow (now, or once the normal
        density is known)."""
        v = _quantity(self.doc, el, owner, tag, entry, _VOLUMETRIC)
        if self.rho_final:
            target[key] = v * self._require_rho(self.doc.line(el), owner, tag)
        else:
            target[key] = math.nan
            self._pending.append((target, key, v, self.doc.line(el), owner, tag))

    def _require_rho(self, line: int | None, owner: str, tag: str) -> float:
        if self.rho is None:
            raise InputError(f"{owner}: {tag} is a volumetric flow at normal conditions and needs "
                             "a normal density, but no source gives normDensity; pass "
                             "normal_density= [kg/m³]", path=self.doc.name, line=line)
        return self.rho

    def _settle_rho(self) -> None:
        """Every source is read: fix the normal density and convert the waiting flows."""
        if not self.rho_final:
            self.rho = (_mean_gas(self.source_gas) or {}).get("normal_density")
            self.rho_final = True
        for target, key, v, line, owner, tag in self._pending:
            target[key] = v * self._require_rho(line, owner, tag)
        self._pending.clear()

    def node(self, el: Element) -> None:
        doc = self.doc
        kind = _local_in(el, gm.NS_GAS)
        if kind not in gm.NODE_KIND_MAP:
            local = _split(el.tag)[1]
            raise doc.error(f"unknown node element <{local}>; expected one of "
                            f"{list(gm.NODE_KIND_MAP)}{did_you_mean(local, gm.NODE_KIND_MAP)}", el)
        nid = _element_id(doc, el, kind)
        self._unique(nid, kind, el)
        owner = f"{kind} '{nid}'"
        rec: dict[str, Any] = {"id": nid, "kind": gm.NODE_KIND_MAP[kind]}
        for attr, value in el.attrib.items():
            if attr == "id":
                continue
            col = gm.NODE_ATTRIBUTES.get(attr)
            if col == "alias":
                rec[col] = value
            elif col is not None:
                rec[col] = _number(doc, el, owner, f"attribute {attr}", value)
            else:
                self._extra(nid).setdefault("attributes", {})[attr] = value
        gas: dict[str, float] = {}
        for tag, child in _children(doc, el, owner).items():
            entry = gm.VARIABLE_MAP[kind].get(tag)
            if entry is None:
                self._extra(nid).setdefault("unmapped", {})[tag] = _raw_child(child)
            elif entry.target == "nodes":
                rec[entry.field] = _quantity(doc, child, owner, tag, entry)
            elif entry.target == "node_flow":
                self._flow(self.node_flow.setdefault(nid, {}), entry.field, child, owner, tag,
                           entry)
            elif entry.target == "gas" and kind == "source":
                gas[entry.field] = _quantity(doc, child, owner, tag, entry)
        if kind == "source":
            self.source_gas[str(nid)] = gas
        self.nodes.append(rec)

    def connection(self, el: Element) -> None:
        doc = self.doc
        kind = _local_in(el, gm.NS_GAS)
        if kind not in gm.CONNECTION_KIND_MAP:
            local = _split(el.tag)[1]
            if kind in gm.UNSUPPORTED_CONNECTION_KINDS:
                raise doc.error(f"{kind} '{el.get('id')}': connection kind <{kind}> is not "
                                f"supported by linepack; supported: {list(gm.CONNECTION_KIND_MAP)}",
                                el)
            raise doc.error(f"unknown connection element <{local}>; expected one of "
                            f"{list(gm.CONNECTION_KIND_MAP)}"
                            f"{did_you_mean(local, gm.CONNECTION_KIND_MAP)}", el)
        cid = _element_id(doc, el, kind)
        self._unique(cid, kind, el)
        owner = f"{kind} '{cid}'"
        rec: dict[str, Any] = {"id": cid, "kind": gm.CONNECTION_KIND_MAP[kind]}
        for end, col in (("from", "from_node"), ("to", "to_node")):
            v = el.get(end)
            if v is None or not v.strip():
                raise doc.error(f"{owner}: the '{end}' attribute (node id) is missing", el)
            rec[col] = v
        for attr, value in el.attrib.items():
            if attr in ("id", "from", "to"):
                continue
            if attr == "alias":
                rec["alias"] = value
            elif attr in gm.CONNECTION_ATTRIBUTES:
                key = gm.CONNECTION_ATTRIBUTES[attr]
                self._extra(cid)[key] = int(value) if value in ("0", "1") else value
            else:
                self._extra(cid).setdefault("attributes", {})[attr] = value
        for tag, child in _children(doc, el, owner).items():
            entry = gm.VARIABLE_MAP[kind].get(tag)
            if entry is None:
                self._extra(cid).setdefault("unmapped", {})[tag] = _raw_child(child)
                continue
            target = rec if entry.target == "connections" else self._extra(cid)  # "meta"
            if entry.quantity == "flow":
                self._flow(target, entry.field, child, owner, tag, entry)
            else:
                target[entry.field] = _quantity(doc, child, owner, tag, entry)
        self.conns.append(rec)

    def finish(self) -> dict[str, Any]:
        doc = self.doc
        if not self.has_nodes:
            raise doc.error(f"the .net file has no <framework:nodes> element (namespace "
                            f"'{gm.NS_FRAMEWORK}')", doc.root)
        self._settle_rho()
        rho, normal_density = self.rho, self.normal_density
        meta: dict[str, Any] = {
            "source": {"format": "GasLib XML", "files": {"net": doc.name},
                       "information": self.info},
            "licence": gm.LICENCE,
            "citation": list(gm.CITATIONS),
            "gaslib": {
                "source_gas": self.source_gas,
                "node_flow_bounds": self.node_flow,
                "elements": self.elements,
                "rules": {
                    "gas": f"Network.gas is the arithmetic mean over the {len(self.source_gas)} "
                           "sources of each property they give (SI)",
                    "flow": "volumetric flows at normal conditions (0 °C, 1.01325 bar) times the "
                            + ("normal density passed by the caller" if normal_density is not None
                               else "mean source normDensity")
                            + (f" {rho!r} kg/m³" if rho is not None else ""),
                    "pressure": ".net pressures are absolute bar; .scn pressures default to barg "
                                "(+1.01325 bar)",
                },
            },
        }
        name = self.info.get("title") or Path(doc.name).stem
        return {"nodes": self.nodes, "connections": self.conns,
                "gas": _mean_gas(self.source_gas), "name": name, "meta": meta}


def _parse_net(source: str | bytes | BinaryIO, name: str,
               normal_density: float | None) -> tuple[_Doc, dict[str, Any]]:
    """Stream a .net file; its document and the arguments of its :class:`Network`."""
    doc = _Doc(name)
    reader = _NetReader(doc, normal_density)
    _stream_xml(source, doc, "net", 3, reader.unit)
    return doc, reader.finish()


def _network(doc: _Doc, parts: dict[str, Any]) -> Network:
    """The Network of :func:`_parse_net`'s ``parts``; its errors name the .net file."""
    try:
        return Network(**parts)
    except InputError as e:
        raise InputError(str(e), path=doc.name) from None


# -- .scn -----------------------------------------------------------------------------

def _bounds(doc: _Doc, children: list[Element], owner: str, tag: str, entry: gm.MapEntry,
            rho: float | None) -> dict[str, float]:
    """``{"lower": x, "upper": y}`` from ``<tag bound=lower|upper|both>`` children (SI)."""
    out: dict[str, float] = {}
    for c in children:
        bound = c.get("bound")
        if bound not in ("lower", "upper", "both"):
            raise doc.error(f"{owner}: {tag} bound must be one of ['lower', 'upper', 'both'] "
                            f"(got {bound!r})", c)
        value = _quantity(doc, c, owner, tag, entry, rho)
        for b in (("lower", "upper") if bound == "both" else (bound,)):
            if b in out:
                raise doc.error(f"{owner}: the {b} {tag} bound is given twice", c)
            out[b] = value
    return out


class _ScnReader:
    """Reads the one ``<scenario>`` of a .scn file one entry at a time (see
    :func:`_stream_xml`) into a :class:`Scenario` of ``net``."""

    def __init__(self, doc: _Doc, net: Network, rho: float | None):
        self.doc, self.net, self.rho = doc, net, rho
        self.scenarios: list[str | None] = []
        self.first: Element | None = None
        self.rows: dict[str, dict[str, Any]] = {}
        self.meta: dict[str, Any] = {"source": {"format": "GasLib XML", "files": {"scn": doc.name}}}
        self.temps: dict[str, float] = {}
        self.node_kind = dict(zip(net.nodes.index, net.nodes["kind"]))  # id -> kind

    @property
    def sid(self) -> str:
        return (self.first.get("id") if self.first is not None else None) or Path(self.doc.name).stem

    def container(self, el: Element) -> None:
        if _local_in(el, gm.NS_GAS) == "scenario":
            self.scenarios.append(el.get("id"))
            if self.first is None:
                self.first = el

    def node_meta(self, key: str, nid: str) -> dict[str, Any]:
        return self.meta.setdefault(key, {}).setdefault(nid, {})

    def unit(self, containers: list[Element], el: Element) -> None:
        if containers[-1] is not self.first:
            return  # a second scenario (refused at the end) or another element's children
        doc, net, rho, rows, meta, temps = self.doc, self.net, self.rho, self.rows, self.meta, \
            self.temps
        node_kind, node_meta, sid = self.node_kind, self.node_meta, self.sid
        local = _local_in(el, gm.NS_GAS)
        if local in ("node", "innode"):
            nid = _element_id(doc, el, local)
            if nid not in node_kind:
                raise doc.error(f"scenario {local} '{nid}': no such node in the network"
                                f"{did_you_mean(nid, net.nodes.index)}", el)
            ntype = el.get("type") if local == "node" else None
            if local == "node" and ntype not in gm.SCENARIO_NODE_TYPES:
                raise doc.error(f"scenario node '{nid}': type must be one of "
                                f"{list(gm.SCENARIO_NODE_TYPES)} (got {ntype!r})", el)
            owner = f"scenario node '{nid}'"
            flows, pressures = [], []
            for c in el:
                tag = _local_in(c, gm.NS_GAS) or c.tag
                if tag == "flow" and local == "node":
                    flows.append(c)
                elif tag == "pressure":
                    pressures.append(c)
                elif tag in gm.VARIABLE_MAP["source"] and gm.VARIABLE_MAP["source"][tag].target \
                        == "gas":
                    entry = gm.VARIABLE_MAP["source"][tag]
                    node_meta("node_gas", nid)[entry.field] = _quantity(doc, c, owner, tag, entry)
                elif tag in gm.SCENARIO_MAP and gm.SCENARIO_MAP[tag].target == "meta":
                    entry = gm.SCENARIO_MAP[tag]
                    node_meta("nodes", nid)[entry.field] = _scn_value(doc, c, owner, tag, entry)
                else:
                    node_meta("nodes", nid).setdefault("unmapped", {})[tag] = _raw_child(c)
            row = rows.setdefault(nid, {"id": nid})
            p = _bounds(doc, pressures, owner, "pressure", gm.SCENARIO_MAP["pressure"], rho)
            if "lower" in p:
                row["p_min_pa"] = p["lower"]
            if "upper" in p:
                row["p_max_pa"] = p["upper"]
            if local == "node":
                f = _bounds(doc, flows, owner, "flow", gm.SCENARIO_MAP["flow"], rho)
                sign = gm.SCENARIO_NODE_TYPES[ntype]
                if "lower" in f and "upper" in f and f["lower"] > f["upper"]:
                    given = {c.get("bound"): c for c in flows}
                    lo, hi = given.get("lower"), given.get("upper")
                    raise doc.error(f"{owner}: flow lower bound {lo.get('value')} "
                                    f"{lo.get('unit') or ''} exceeds the upper bound "
                                    f"{hi.get('value')} {hi.get('unit') or ''}; the lower bound "
                                    "must not exceed the upper".replace("  ", " "), lo)
                if "lower" in f and "upper" in f:
                    if f["lower"] == f["upper"]:
                        q = f["lower"]
                    else:
                        q = 0.5 * (f["lower"] + f["upper"])
                        node_meta("flow_midpoint", nid).update(
                            {"lower_kg_s": f["lower"], "upper_kg_s": f["upper"],
                             "used_kg_s": q, "type": ntype})
                elif f:
                    (bound, q), = f.items()
                    node_meta("flow_one_bound", nid).update({"bound": bound, "value_kg_s": q,
                                                             "type": ntype})
                else:
                    q = 0.0
                row["inflow_kg_s"] = sign * q
                if q < 0:
                    meta.setdefault("role_flipped", []).append(nid)
                kind = node_kind[nid]
                if (ntype, kind) in (("entry", "sink"), ("exit", "source")):
                    node_meta("type_differs", nid).update({"scenario": ntype, "network": kind})
        elif local in gm.CONNECTION_KIND_MAP:
            cid = _element_id(doc, el, local)
            if cid not in net.connections.index:
                raise doc.error(f"scenario {local} '{cid}': no such connection in the network"
                                f"{did_you_mean(cid, net.connections.index)}", el)
            owner = f"scenario {local} '{cid}'"
            for c in el:
                tag = _local_in(c, gm.NS_GAS) or c.tag
                entry = gm.SCENARIO_MAP.get(tag)
                if entry is not None and entry.target == "meta":
                    node_meta("connections", cid)[entry.field] = _scn_value(doc, c, owner, tag,
                                                                            entry)
                else:
                    node_meta("connections", cid).setdefault("unmapped", {})[tag] = _raw_child(c)
        elif local in gm.SCENARIO_MAP and gm.SCENARIO_MAP[local].target in ("meta",
                                                                           "temperature"):
            entry = gm.SCENARIO_MAP[local]
            value = _scn_value(doc, el, f"scenario '{sid}'", local, entry)
            if entry.target == "temperature":
                temps[local] = value
            meta[entry.field] = value
        else:
            meta.setdefault("unmapped", {})[local or el.tag] = _raw_child(el)

    def finish(self) -> Scenario:
        doc, net, rows, meta, temps = self.doc, self.net, self.rows, self.meta, self.temps
        if len(self.scenarios) != 1:
            ids = self.scenarios
            raise doc.error(f"the .scn file must hold exactly one <scenario> (found {len(ids)}"
                            + (f": {ids}" if ids else "") + ")", doc.root)
        sid = self.sid
        meta["scenario_id"] = sid
        if "scenarioTemperature" in temps:
            t, why = temps["scenarioTemperature"], "scenarioTemperature of the .scn"
        elif "gasTemperature" in temps:
            t, why = temps["gasTemperature"], "gasTemperature of the .scn"
        elif net.gas and "temperature" in net.gas:
            t, why = net.gas["temperature"], "mean gasTemperature of the sources (.net)"
        else:
            t, why = _DEFAULT_TEMPERATURE, "default 288.15 K (neither .scn nor sources give one)"
        meta["temperature_source"] = why
        meta["rules"] = {
            "inflow": "+value at an entry, -value at an exit (GasLib gives magnitudes); "
                      "lower == upper: that value; lower != upper: midpoint (see flow_midpoint)",
            "pressure": "absolute; .scn default unit barg (+1.01325 bar)",
            "p_fixed": "none fixed: the simulator chooses the pressure reference",
        }
        meta["licence"] = gm.LICENCE
        meta["citation"] = list(gm.CITATIONS)
        try:
            return Scenario(list(rows.values()) or None, temperature=t, name=sid, meta=meta)
        except InputError as e:
            raise InputError(str(e), path=doc.name) from None


def _parse_scn(source: str | bytes | BinaryIO, name: str, net: Network,
               rho: float | None) -> Scenario:
    """Stream a .scn file into a :class:`Scenario` of ``net``."""
    doc = _Doc(name)
    reader = _ScnReader(doc, net, rho)
    _stream_xml(source, doc, "scn", 3, reader.unit, reader.container)
    return reader.finish()


def _scn_value(doc: _Doc, el: Element, owner: str, tag: str, entry: gm.MapEntry) -> Any:
    if entry.quantity == "text":
        raw = el.get("value")
        if raw is None:
            return (el.text or "").strip()
        try:
            return float(raw)
        except ValueError:
            return raw
    return _quantity(doc, el, owner, tag, entry)


# -- .cs ------------------------------------------------------------------------------

_COEFF = re.compile(r"^(.*)_coeff_(\d+)$")


def _cs_data(elem: Element) -> Any:
    """A .cs element as plain data: attributes, ``value``/``unit``, coefficient lists.

    ``<x_coeff_1 value=..>`` … ``<x_coeff_k>`` become ``{"x_coeff": [c1, …, ck]}``; a
    repeated child becomes a list; an element with only a ``value`` becomes a number.
    """
    out: dict[str, Any] = {}
    for k, v in elem.attrib.items():
        out[k] = v
        if k == "value":
            try:
                out[k] = float(v)
            except ValueError:
                pass
    coeffs: dict[str, dict[int, float]] = {}
    grouped: dict[str, list[Any]] = {}
    for c in elem:
        local = _split(c.tag)[1]
        m = _COEFF.match(local)
        raw = c.get("value")
        if m and raw is not None and len(c.attrib) == 1:
            try:
                coeffs.setdefault(m.group(1) + "_coeff", {})[int(m.group(2))] = float(raw)
                continue
            except ValueError:
                pass
        grouped.setdefault(local, []).append(_cs_data(c))
    for local, items in grouped.items():
        out[local] = items[0] if len(items) == 1 else items
    for name, d in coeffs.items():
        out[name] = [d[i] for i in sorted(d)]
    if set(out) == {"value"}:
        return out["value"]
    return out


def _cs_items(doc: _Doc, station: Element, container: str):
    """The children of a station's ``compressors`` or ``drives`` element as
    ``(element, kind, id, data)`` with the data of :func:`_cs_data` and its ``type``."""
    holder = station.find(_q(gm.NS_CS, container))
    for c in (holder if holder is not None else ()):
        kind = _split(c.tag)[1]
        eid = _element_id(doc, c, kind)
        d = _cs_data(c)
        d = d if isinstance(d, dict) else {"value": d}
        d["type"] = kind
        yield c, kind, eid, d


def _speed_max(doc: _Doc, station: str, cid: str, comp_el: Element) -> float | None:
    el = comp_el.find(_q(gm.NS_CS, "speedMax"))
    if el is None:
        return None
    owner = f"compressor '{cid}' of compressorStation '{station}'"
    x = _number(doc, el, owner, "speedMax", el.get("value"))
    unit = el.get("unit")
    table = gm.CS_UNITS["speed"]
    if unit not in table:
        raise doc.error(f"{owner}: speedMax has unit {unit!r}; expected one of {list(table)}", el)
    return gm.apply_unit(x, table[unit])


def _drive_power_kw(kind: str, coeffs: list[float] | None, n: float | None) -> float | None:
    """Maximal shaft power [kW] of a drive at speed ``n`` [rpm] and 15 °C ambient."""
    if coeffs is None or n is None:
        return None
    t = gm.AMBIENT_FOR_POWER_C
    if kind == "gasTurbine" and len(coeffs) == 9:
        return sum(t ** j * (coeffs[3 * j] + coeffs[3 * j + 1] * n + coeffs[3 * j + 2] * n * n)
                   for j in range(3))
    if kind == "gasDrivenMotor" and len(coeffs) == 3:
        return coeffs[0] + coeffs[1] * n + coeffs[2] * n * n
    return None


def _cs_station(doc: _Doc, st: Element, stations: list[str] | set[str], data: dict[str, Any],
                derived: dict[str, tuple[float, float]]) -> None:
    """One ``compressorStation`` of a .cs file: its data into ``data[id]`` and
    (power_max_w, ratio_max) into ``derived[id]``. ``stations``: the ids of the network's
    compressor stations."""
    if _local_in(st, gm.NS_CS) != "compressorStation":
        return
    sid = _element_id(doc, st, "compressorStation")
    if sid not in stations:
        raise doc.error(f"compressorStation '{sid}' of the .cs file is not a compressor "
                        f"station of the network{did_you_mean(sid, stations)}", st)
    compressors: dict[str, Any] = {}
    comp_drive: dict[str, str] = {}
    comp_kind: dict[str, str] = {}
    comp_speed: dict[str, float | None] = {}
    comp_el: dict[str, Element] = {}
    drives: dict[str, Any] = {}
    drive_kind: dict[str, str] = {}
    configurations: list[dict[str, Any]] = []
    for c, kind, cid, d in _cs_items(doc, st, "compressors"):
        compressors[cid] = d
        comp_kind[cid] = kind
        comp_drive[cid] = c.get("drive", "")
        comp_speed[cid] = _speed_max(doc, sid, cid, c)
        comp_el[cid] = c
    for _c, kind, did, d in _cs_items(doc, st, "drives"):
        drives[did] = d
        drive_kind[did] = kind
    for cid, did in comp_drive.items():
        if did and did not in drives:
            raise doc.error(f"compressor '{cid}' of compressorStation '{sid}': drive '{did}' "
                            f"is not defined{did_you_mean(did, drives)}", comp_el[cid])
    confs_el = st.find(_q(gm.NS_CS, "configurations"))
    for conf in (confs_el if confs_el is not None else ()):
        stages = []
        for stage in conf:
            units = []
            for u in stage:
                uid = u.get("id", "")
                if uid not in compressors:
                    raise doc.error(f"compressorStation '{sid}' configuration "
                                    f"'{conf.get('confId')}': compressor '{uid}' is not "
                                    f"defined{did_you_mean(uid, compressors)}", u)
                ns = u.get("nominalSpeed")
                units.append({"id": uid, "nominal_speed_rpm": None if ns is None
                              else _number(doc, u, f"compressor '{uid}'", "nominalSpeed", ns)})
            stages.append({"stage": stage.get("stageNr"),
                           "parallel_units": stage.get("nrOfParallelUnits"),
                           "compressors": units})
        configurations.append({"id": conf.get("confId"),
                               "serial_stages": conf.get("nrOfSerialStages"),
                               "stages": stages})

    # derived figures
    drive_speed: dict[str, float] = {}
    for cid, did in comp_drive.items():
        n = comp_speed[cid]
        if n is not None:
            drive_speed[did] = max(n, drive_speed.get(did, -math.inf))
    drive_kw = {did: _drive_power_kw(drive_kind[did], drives[did].get("power_fun_coeff"),
                                     drive_speed.get(did)) for did in drives}
    conf_power: dict[str, float | None] = {}
    conf_ratio: dict[str, float | None] = {}
    for conf in configurations:
        used = {comp_drive[u["id"]] for s in conf["stages"] for u in s["compressors"]}
        kws = [drive_kw.get(d) for d in sorted(used)]
        conf_power[str(conf["id"])] = (None if not kws or any(k is None for k in kws)
                                       else 1e3 * math.fsum(kws))
        ratio: float | None = 1.0 if conf["stages"] else None
        for s in conf["stages"]:
            rs = [compressors[u["id"]].get("maximalCompressionRatio")
                  if comp_kind[u["id"]] == "pistonCompressor" else None
                  for u in s["compressors"]]
            if not rs or any(not isinstance(r, float) for r in rs) or ratio is None:
                ratio = None
                break
            ratio *= min(rs)
        conf_ratio[str(conf["id"])] = ratio
    if configurations:
        pw = list(conf_power.values())
        power = math.nan if any(p is None for p in pw) else max(pw)
        rt = list(conf_ratio.values())
        ratio_max = math.nan if any(r is None for r in rt) else max(rt)
    else:
        kws = list(drive_kw.values())
        power = math.nan if not kws or any(k is None for k in kws) else 1e3 * math.fsum(kws)
        ratio_max = math.nan
    derived[sid] = (power, ratio_max)
    data[sid] = {
        "compressors": compressors,
        "drives": drives,
        "configurations": configurations,
        "derived": {
            "drive_power_max_w": {d: (None if k is None else 1e3 * k)
                                  for d, k in drive_kw.items()},
            "drive_speed_rpm": drive_speed,
            "configuration_power_max_w": conf_power,
            "configuration_ratio_max": conf_ratio,
            "power_max_w": None if math.isnan(power) else power,
            "ratio_max": None if math.isnan(ratio_max) else ratio_max,
        },
    }


def _parse_cs(source: str | bytes | BinaryIO, name: str, stations: list[str]
              ) -> tuple[dict[str, Any], dict[str, tuple[float, float]]]:
    """Stream a .cs file, one station at a time. Per station: the .cs data and
    (power_max_w, ratio_max). ``stations``: the ids of the network's compressor stations."""
    data: dict[str, Any] = {}
    derived: dict[str, tuple[float, float]] = {}
    doc = _Doc(name)
    _stream_xml(source, doc, "cs", 2,
                lambda _c, st: _cs_station(doc, st, stations, data, derived))
    return data, derived


# -- public ---------------------------------------------------------------------------

_CS_RULES = (
    "power_max_w = max over configurations of the sum over the configuration's drives of the "
    "maximal shaft power at the compressor's speedMax n [rpm] and ambient T = 15 °C; gasTurbine: "
    "P[kW] = sum_j T^j (c[3j+1] + c[3j+2] n + c[3j+3] n^2), j=0..2; gasDrivenMotor: "
    "P[kW] = c1 + c2 n + c3 n^2. ratio_max = max over configurations of the product over "
    "stages of the smallest piston maximalCompressionRatio in the stage; NaN when a "
    "configuration holds a turbo compressor (its ratio needs a gas model). .cs values are "
    "kept in GasLib units (speeds in per_min, heads in kJ/kg, flows in m_cube_per_s)."
)


def parse_gaslib(net_text: str | bytes, scenario_text: str | bytes | None = None,
                 cs_text: str | bytes | None = None, *, decisions_text: str | bytes | None = None,
                 net_name: str = "<net>", scenario_name: str = "<scn>", cs_name: str = "<cs>",
                 decisions_name: str = "<cdf>", normal_density: float | None = None) -> Case:
    """Parse GasLib XML text into a case: the network and, if given, a scenario.

    Parameters
    ----------
    net_text
        The .net file's content.
    scenario_text
        The .scn file's content (one nomination), or None.
    cs_text
        The .cs file's content (compressor stations), or None.
    decisions_text
        The .cdf file's content (combined decisions), or None; kept as
        ``network.meta["combined_decisions"]``, from which :func:`linepack.simulate`
        chooses the default valve, regulator and station states.
    net_name, scenario_name, cs_name, decisions_name
        Names used in error messages and in the metadata (usually the paths).
    normal_density
        Normal density used to turn GasLib's volumetric flows into mass flows;
        default: the mean ``normDensity`` over the sources. [kg/m³]

    Returns
    -------
    Case
        The network, and the nomination as its one scenario (named after the
        nomination's id) when ``scenario_text`` is given. A case unpacks as
        ``network, scenario`` (``scenario`` None without ``scenario_text``).

    Raises
    ------
    InputError
        Malformed or unsafe XML (DTDs and entities are refused), a wrong root
        element or namespace, an unknown unit, a non-numeric value or a
        reference to an unknown element; the message names the file, the line
        where known, the element and what was expected.
    """
    from linepack.network.arguments import check_number

    normal_density = check_number("parse_gaslib", "normal_density", normal_density, lower=0.0,
                                  strict=True, optional=True, unit="kg/m³")
    for what, text, name in (("net", net_text, net_name), ("scn", scenario_text, scenario_name),
                             ("cs", cs_text, cs_name), ("cdf", decisions_text, decisions_name)):
        if (text is not None or what == "net") and not isinstance(text, (str, bytes, bytearray)):
            raise InputError(f"the {what} file's content must be str or bytes "
                             f"(got {type(text).__name__})", path=name)
    return _parse_all(net_text, scenario_text, cs_text, decisions_text, net_name, scenario_name,
                      cs_name, decisions_name, normal_density)


def _parse_all(net_src, scn_src, cs_src, cdf_src, net_name: str, scenario_name: str, cs_name: str,
               cdf_name: str, normal_density: float | None) -> Case:
    """parse_gaslib/read_gaslib: each source is the content or a binary file object."""
    net_doc, parts = _parse_net(net_src, net_name, normal_density)
    rho = normal_density if normal_density is not None else (parts["gas"] or {}).get("normal_density")
    if cs_src is not None:
        # the stations' figures go into the connection records, so that the Network is
        # built (and its tables checked) once
        conns = parts["connections"]
        stations = [c["id"] for c in conns if c["kind"] == "compressorStation"]
        cs_data, derived = _parse_cs(cs_src, cs_name, stations)
        for rec in conns:
            if rec["id"] in derived:
                rec["power_max_w"], rec["ratio_max"] = derived[rec["id"]]
        meta = parts["meta"]
        meta["compressor_stations"] = cs_data
        meta["source"]["files"]["cs"] = cs_name
        meta["gaslib"]["rules"]["compressor_stations"] = _CS_RULES
    if cdf_src is not None:
        from linepack.io.gaslib_decisions import parse_gaslib_decisions

        parts["meta"]["combined_decisions"] = parse_gaslib_decisions(cdf_src, cdf_name)
        parts["meta"]["source"]["files"]["cdf"] = cdf_name
    net = _network(net_doc, parts)
    del parts
    scenarios = {}
    if scn_src is not None:
        scenario = _parse_scn(scn_src, scenario_name, net, rho)
        scenarios[scenario.name or Path(scenario_name).stem] = scenario
    return Case(net, scenarios, source=net_name)


def parse_gaslib_scenario(scenario_text: str | bytes, network: Network, *, name: str = "<scn>",
                          normal_density: float | None = None) -> Scenario:
    """Parse one GasLib nomination (``.scn`` content) for a network already read.

    The same translation as :func:`parse_gaslib` gives, without reading the
    network again: what a sweep over many nominations of one network needs.

    Parameters
    ----------
    scenario_text
        The .scn file's content.
    network
        The network the nomination is for (as :func:`read_gaslib` returns it).
    name
        The file name, for error messages and the metadata.
    normal_density
        See :func:`parse_gaslib`; default: the network's gas. [kg/m³]
    """
    rho = normal_density if normal_density is not None else (network.gas or {}).get("normal_density")
    return _parse_scn(scenario_text, name, network, rho)


def _open(path: str | PathLike) -> BinaryIO:
    """A GasLib file open for reading; directories, FIFOs, devices and files above
    MAX_FILE_BYTES are refused (InputError naming the path) before a byte is read."""
    return open_input(path, max_bytes=MAX_FILE_BYTES, limit="linepack.io.gaslib.MAX_FILE_BYTES")


def read_gaslib(net_path: str | PathLike, scenario_path: str | PathLike | None = None,
                cs_path: str | PathLike | None = None, *, decisions_path: str | PathLike | None = None,
                companions: bool = True, normal_density: float | None = None) -> Case:
    """Read GasLib files (.net, optional .scn, .cs and .cdf) into a case.

    Parameters
    ----------
    net_path
        The network file (``.net``).
    scenario_path
        A nomination (``.scn``), or None.
    cs_path
        The compressor stations (``.cs``); default: see ``companions``.
    decisions_path
        The combined decisions (``.cdf``); default: see ``companions``.
    companions
        Read the ``.cs`` and ``.cdf`` files of the network's name (``GasLib-582-v2.cs``
        beside ``GasLib-582-v2.net``) where they exist and no path is given. These
        are the files ``linepack`` on the command line reads, so that both compute
        the same thing; ``False`` reads only the files named.
    normal_density
        See :func:`parse_gaslib`. [kg/m³]

    Returns
    -------
    Case
        See :func:`parse_gaslib`; unpacks as ``network, scenario``.

    Examples
    --------
    >>> case = read_gaslib("GasLib-11.net", "GasLib-11.scn")   # doctest: +SKIP
    >>> result = linepack.simulate(case)                         # doctest: +SKIP
    >>> net, scn = read_gaslib("GasLib-11.net", "GasLib-11.scn")  # doctest: +SKIP
    """
    from contextlib import ExitStack

    from linepack.network.arguments import check_number, check_path

    f = "read_gaslib"
    check_path(f, "net_path", net_path)
    check_path(f, "scenario_path", scenario_path, optional=True)
    check_path(f, "cs_path", cs_path, optional=True)
    check_path(f, "decisions_path", decisions_path, optional=True)
    normal_density = check_number(f, "normal_density", normal_density, lower=0.0, strict=True,
                                  optional=True, unit="kg/m³")
    if companions:
        base = Path(net_path)
        if cs_path is None and base.with_suffix(".cs").is_file():
            cs_path = base.with_suffix(".cs")
        if decisions_path is None and base.with_suffix(".cdf").is_file():
            decisions_path = base.with_suffix(".cdf")
    paths = (net_path, scenario_path, cs_path, decisions_path)
    with ExitStack() as stack:
        # every file is checked (regular, within the size limit) before any is parsed
        net_fh, scn_fh, cs_fh, cdf_fh = (None if p is None else stack.enter_context(_open(p))
                                         for p in paths)
        return _parse_all(net_fh, scn_fh, cs_fh, cdf_fh, str(net_path),
                          str(scenario_path) if scenario_path is not None else "<scn>",
                          str(cs_path) if cs_path is not None else "<cs>",
                          str(decisions_path) if decisions_path is not None else "<cdf>",
                          normal_density)
