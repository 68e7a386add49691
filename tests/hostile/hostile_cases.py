"""The hostile-input corpus: every case is bad input that linepack must refuse cleanly.

Each :class:`Case` is a set of files (written into a fresh folder), the CLI target and
arguments, and the words the one error message must contain (the element, the field,
the value or the file). The expected outcome of every case is the same: exit code 2,
one message on stderr, no traceback, no output or report file, a previous output file
left intact. How each case is made is in ``corpus/README.md``.

GasLib-11 and GasLib-24 (read from ``tests/data/gaslib``) are the original GasLib files,
CC BY 3.0 (Schmidt et al. 2017, Data 2(4):40, doi:10.3390/data2040040; Pfetsch et al.
2015, doi:10.1080/10556788.2014.888426).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"
GASLIB = Path(__file__).resolve().parents[1] / "data" / "gaslib"   # the suite's one copy
XML = CORPUS / "xml"


@dataclass(frozen=True)
class Case:
    """One hostile input."""

    id: str
    kind: str                         # attack | malformed | element | scenario | stations | native | controls | cli
    files: dict[str, bytes]           # file name -> content, written into a fresh folder
    target: str                       # CLI target: a file name among ``files`` or a built-in name
    expect: tuple[str, ...]           # substrings of the (whitespace-normalised) message
    args: tuple[str, ...] = ()        # extra CLI arguments
    validate: bool = True             # also run ``linepack validate`` on it
    sparse: dict[str, int] = field(default_factory=dict)  # file name -> size of a sparse file


# -- GasLib helpers ---------------------------------------------------------------------

def _orig(inst: str, ext: str) -> bytes:
    return (GASLIB / inst / f"{inst}{ext}").read_bytes()


def _sub(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    o, n = old.encode(), new.encode()
    assert o in data, f"corpus: {old!r} not found"
    return data.replace(o, n, count)


def gaslib(inst: str = "GasLib-11", *, net=None, scn=None, cs=None) -> dict[str, bytes]:
    """The three files of ``inst``; ``net``/``scn``/``cs`` are bytes or a list of (old, new)."""
    files = {}
    for ext, change in ((".net", net), (".scn", scn), (".cs", cs)):
        data = _orig(inst, ext)
        if isinstance(change, bytes):
            data = change
        elif change is not None:
            for old, new in change:
                data = _sub(data, old, new)
        files[f"{inst}{ext}"] = data
    return files


def g11(**kw) -> dict[str, bytes]:
    return gaslib("GasLib-11", **kw)


def g24(**kw) -> dict[str, bytes]:
    return gaslib("GasLib-24", **kw)


NET11, NET24 = "GasLib-11.net", "GasLib-24.net"
P1 = '<pipe from="entry01" id="pipe01_entry01_entry03" to="entry03">'
P1_LEN = P1 + '''
      <flowMin unit="1000m_cube_per_hour" value="-1100"/>
      <flowMax unit="1000m_cube_per_hour" value="1100"/>
      <length unit="km" value="55"/>'''


def _rename_second_source() -> bytes:
    """GasLib-11 with ``<source id="entry03">`` … ``</source>`` spelt ``<sourc>``."""
    data = _orig("GasLib-11", ".net").decode()
    i = data.index('<source id="entry03"')
    j = data.index("</source>", i)
    return (data[:i] + "<sourc" + data[i + 7:j] + "</sourc>" + data[j + 9:]).encode()


def _p1(old: str, new: str) -> list[tuple[str, str]]:
    """Change the first occurrence of ``old`` after the start of pipe01 (GasLib-11)."""
    data = _orig("GasLib-11", ".net").decode()
    i = data.index(P1)
    j = data.index(old, i)
    return [(data[i:j + len(old)], data[i:j] + new)]


# -- native helpers ---------------------------------------------------------------------

BASE = {
    "linepack": 1, "name": "hostile-base",
    "gas": {"normal_density": 0.78},
    "nodes": [
        {"id": "S", "kind": "source", "p_min_bar": 30, "p_max_bar": 80},
        {"id": "A", "kind": "innode", "p_min_bar": 20, "p_max_bar": 80},
        {"id": "B", "kind": "innode", "p_min_bar": 20, "p_max_bar": 85},
        {"id": "D", "kind": "sink", "p_min_bar": 20, "p_max_bar": 85},
    ],
    "connections": [
        {"id": "P1", "kind": "pipe", "from": "S", "to": "A", "length_km": 50,
         "diameter_mm": 500, "roughness_mm": 0.012},
        {"id": "CS", "kind": "compressorStation", "from": "A", "to": "B", "ratio_max": 1.5,
         "p_out_max_bar": 80},
        {"id": "P2", "kind": "pipe", "from": "B", "to": "D", "length_km": 50,
         "diameter_mm": 500, "roughness_mm": 0.012},
    ],
    "scenarios": {"base": {"temperature_k": 283.15, "controls": "c",
                           "nodes": [{"id": "S", "p_fixed_bar": 60},
                                     {"id": "D", "inflow_kg_s": -20}]}},
    "controls": {"c": {"CS": {"mode": "active", "p_out_bar": 70}}},
}


def native(change: Callable[[dict], object] | None = None, *, name: str = "case.json",
           extra: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The base native case, changed in place by ``change``, as a JSON file."""
    doc = copy.deepcopy(BASE)
    if change is not None:
        change(doc)
    files = {name: json.dumps(doc, indent=1).encode()}
    files.update(extra or {})
    return files


def conn(doc: dict, cid: str) -> dict:
    return next(c for c in doc["connections"] if c["id"] == cid)


def node(doc: dict, nid: str) -> dict:
    return next(n for n in doc["nodes"] if n["id"] == nid)


def scn(doc: dict) -> dict:
    return doc["scenarios"]["base"]


def _set(d: dict, **kw) -> None:
    d.update(kw)


# -- the corpus -------------------------------------------------------------------------

def _xml(name: str) -> bytes:
    return (XML / name).read_bytes()


def _garbage(n: int, seed: int) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(n))


_NET11 = _orig("GasLib-11", ".net")
_DEEP = _sub(_NET11, "</source>", "<junk>" * 150 + "</junk>" * 150 + "</source>")
_NEST_JSON = b'{"linepack": 1, "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

CASES: list[Case] = [
    # --- XML attacks (files in corpus/xml) ---------------------------------------------
    Case("billion-laughs", "attack", {"x.net": _xml("billion_laughs.net")}, "x.net",
         ("x.net", "refused", "DTD or entities")),
    Case("quadratic-blowup", "attack", {"x.net": _xml("quadratic_blowup.net")}, "x.net",
         ("x.net", "refused", "entities")),
    Case("xxe-local-file", "attack", {"x.net": _xml("xxe_local_file.net")}, "x.net",
         ("x.net", "refused", "external")),
    Case("xxe-parameter-entity", "attack", {"x.net": _xml("xxe_parameter_entity.net")}, "x.net",
         ("x.net", "refused")),
    Case("external-dtd", "attack", {"x.net": _xml("external_dtd.net")}, "x.net",
         ("x.net", "refused", "DTD")),
    Case("xxe-in-scenario", "attack", g11(scn=_xml("xxe_in_scenario.scn")), NET11,
         ("GasLib-11.scn", "refused")),
    Case("billion-laughs-in-cs", "attack", g11(cs=_xml("billion_laughs_in_cs.cs")), NET11,
         ("GasLib-11.cs", "refused")),
    Case("xinclude-is-not-followed", "attack", {"x.net": _xml("xinclude.net")}, "x.net",
         ("x.net", "unknown node element <include>")),
    # --- malformed, truncated, wrongly encoded or namespaced files ---------------------
    Case("truncated-mid-tag", "malformed", g11(net=_NET11[:5000]), NET11,
         ("GasLib-11.net:", "malformed XML")),
    Case("truncated-before-root-end", "malformed",
         g11(net=_NET11[:_NET11.rindex(b"</network>")]), NET11,
         ("GasLib-11.net:", "malformed XML", "no element found")),
    Case("empty-file", "malformed", g11(net=b""), NET11, ("GasLib-11.net:1", "malformed XML")),
    Case("random-bytes", "malformed", g11(net=_garbage(4096, 1)), NET11,
         ("GasLib-11.net", "malformed XML")),
    Case("mismatched-tag", "malformed", g11(net=[("</source>", "</sink>")]), NET11,
         ("GasLib-11.net:54", "mismatched tag")),
    Case("unclosed-attribute-quote", "malformed", g11(net=[('x="200"', 'x="200')]), NET11,
         ("GasLib-11.net:56", "malformed XML")),
    Case("wrong-root", "malformed", g11(net=[("<network ", "<graph "), ("</network>", "</graph>")]),
         NET11, ("GasLib-11.net", "root element is <graph>", "expected <network>")),
    Case("wrong-namespace", "malformed",
         g11(net=[('xmlns="http://gaslib.zib.de/Gas"', 'xmlns="http://example.org/Gas"')]), NET11,
         ("GasLib-11.net", "namespace 'http://example.org/Gas'", "http://gaslib.zib.de/Gas")),
    Case("no-namespace", "malformed", g11(net=[('xmlns="http://gaslib.zib.de/Gas"', "")]), NET11,
         ("GasLib-11.net", "without namespace")),
    Case("wrong-framework-namespace", "malformed",
         g11(net=[('xmlns:framework="http://gaslib.zib.de/Framework"',
                   'xmlns:framework="http://gaslib.zib.de/Frame"')]), NET11,
         ("GasLib-11.net", "no <framework:nodes>")),
    Case("utf16-declared-utf8-bytes", "malformed",
         g11(net=[('encoding="UTF-8"', 'encoding="UTF-16"')]), NET11,
         ("GasLib-11.net:1", "encoding")),
    Case("latin1-bytes-in-utf8-file", "malformed",
         g11(net=_sub(_NET11, '<source id="entry03"', '<source id="entry03" alias="Stra\xdfe"')
             .replace("Stra\xdfe".encode(), "Stra\xdfe".encode("latin-1"))), NET11,
         ("GasLib-11.net:56", "malformed XML", "invalid token")),
    Case("unknown-encoding", "malformed", g11(net=[('encoding="UTF-8"', 'encoding="klingon"')]),
         NET11, ("GasLib-11.net:1", "unknown encoding")),
    Case("nul-byte", "malformed", g11(net=_NET11[:3000] + b"\x00" + _NET11[3000:]), NET11,
         ("GasLib-11.net", "malformed XML")),
    Case("deep-nesting", "malformed", g11(net=_DEEP), NET11,
         ("GasLib-11.net", "nest deeper than 100")),
    Case("huge-file-refused", "malformed", {"GasLib-11.scn": _orig("GasLib-11", ".scn")}, NET11,
         ("GasLib-11.net", "refused", "200 MiB"), sparse={NET11: 201 * 1024 * 1024}),
    Case("json-in-a-net-file", "malformed", g11(net=b'{"linepack": 1}'), NET11,
         ("GasLib-11.net:1", "malformed XML")),
    Case("scn-two-scenarios", "malformed",
         g11(scn=[("</boundaryValue>", '<scenario id="second"/></boundaryValue>')]), NET11,
         ("GasLib-11.scn", "exactly one <scenario>", "found 2")),
    Case("scn-truncated", "malformed", g11(scn=_orig("GasLib-11", ".scn")[:1500]), NET11,
         ("GasLib-11.scn", "malformed XML")),
    Case("directory-named-net", "malformed", {"dir.net/keep": b""}, "dir.net",
         ("dir.net", "cannot read the file")),
    # --- element data in the .net file ------------------------------------------------
    Case("pipe-negative-diameter", "element",
         g11(net=_p1('<diameter unit="mm" value="500.0"/>', '<diameter unit="mm" value="-500"/>')),
         NET11, ("pipe 'pipe01_entry01_entry03'", "diameter must be > 0 mm (got -500)")),
    Case("pipe-zero-length", "element",
         g11(net=_p1('<length unit="km" value="55"/>', '<length unit="km" value="0"/>')), NET11,
         ("pipe 'pipe01_entry01_entry03'", "length must be > 0 km (got 0)")),
    Case("pipe-negative-roughness", "element",
         g11(net=_p1('<roughness unit="mm" value="0.1"/>', '<roughness unit="mm" value="-0.1"/>')),
         NET11, ("pipe 'pipe01_entry01_entry03'", "roughness must be ≥ 0 mm (got -0.1)")),
    Case("pipe-roughness-above-diameter", "element",
         g11(net=_p1('<roughness unit="mm" value="0.1"/>', '<roughness unit="mm" value="900"/>')),
         NET11, ("pipe 'pipe01_entry01_entry03'", "roughness must be smaller than the diameter")),
    Case("pipe-length-nan", "element",
         g11(net=_p1('<length unit="km" value="55"/>', '<length unit="km" value="NaN"/>')), NET11,
         ("GasLib-11.net:152", "pipe 'pipe01_entry01_entry03'", "length must be a number",
          "'NaN'")),
    Case("pipe-length-infinite", "element",
         g11(net=_p1('<length unit="km" value="55"/>', '<length unit="km" value="1e999"/>')), NET11,
         ("GasLib-11.net:152", "pipe 'pipe01_entry01_entry03'", "length must be a finite number",
          "'1e999'")),
    Case("node-pressure-garbage", "element",
         g11(net=[('<pressureMax unit="bar" value="70.0"/>', '<pressureMax unit="bar" value="high"/>')]),
         NET11, ("GasLib-11.net:42", "source 'entry01'", "pressureMax must be a number", "'high'")),
    Case("unit-undefined-length", "element",
         g11(net=_p1('<length unit="km" value="55"/>', '<length unit="furlong" value="55"/>')),
         NET11, ("GasLib-11.net:152", "pipe 'pipe01_entry01_entry03'", "length", "'furlong'",
                 "expected one of")),
    Case("unit-undefined-pressure", "element",
         g11(net=[('<pressureMin unit="bar" value="40.0"/>', '<pressureMin unit="psi" value="40.0"/>')]),
         NET11, ("GasLib-11.net:41", "source 'entry01'", "pressureMin", "'psi'")),
    Case("unit-wrong-case-did-you-mean", "element",
         g11(net=[('<pressureMax unit="bar" value="70.0"/>', '<pressureMax unit="BAR" value="70.0"/>')]),
         NET11, ("source 'entry01'", "'BAR'", "did you mean 'bar'")),
    Case("unit-of-another-quantity", "element",
         g11(net=_p1('<diameter unit="mm" value="500.0"/>', '<diameter unit="bar" value="500.0"/>')),
         NET11, ("pipe 'pipe01_entry01_entry03'", "diameter", "'bar'", "expected one of")),
    Case("dropped-value-attribute", "element",
         g11(net=_p1('<length unit="km" value="55"/>', '<length unit="km"/>')), NET11,
         ("GasLib-11.net:152", "pipe 'pipe01_entry01_entry03'", "length has no value")),
    Case("dropped-from-attribute", "element", g11(net=[(P1, P1.replace('from="entry01" ', ""))]),
         NET11, ("GasLib-11.net:149", "pipe 'pipe01_entry01_entry03'", "'from' attribute")),
    Case("dropped-id-attribute", "element",
         g11(net=[('<valve id="V01_N01_N03"  from', "<valve from")]), NET11,
         ("GasLib-11.net:229", "valve element has no id")),
    Case("dangling-node-reference", "element",
         g11(net=[(P1, P1.replace('to="entry03"', 'to="entry3"'))]), NET11,
         ("pipe 'pipe01_entry01_entry03'", "node 'entry3' does not exist",
          "did you mean 'entry03'")),
    Case("duplicate-node-id", "element", g11(net=[('<source id="entry03"', '<source id="entry01"')]),
         NET11, ("GasLib-11.net:56", "source 'entry01'", "duplicate id", "line 39")),
    Case("duplicate-pipe-id", "element",
         g11(net=[('id="pipe02_N01_N02"', 'id="pipe01_entry01_entry03"')]), NET11,
         ("GasLib-11.net:159", "pipe 'pipe01_entry01_entry03'", "duplicate id", "line 149")),
    Case("pressure-bounds-reversed", "element",
         g11(net=[('<pressureMin unit="bar" value="40.0"/>', '<pressureMin unit="bar" value="90.0"/>')]),
         NET11, ("source 'entry01'", "minimum pressure 90 bar exceeds maximum 70 bar")),
    Case("height-beyond-earth", "element",
         g11(net=[('<height value="0" unit="m"/>', '<height value="20000" unit="m"/>')]), NET11,
         ("source 'entry01'", "height", "20000")),
    Case("negative-maximum-pressure", "element",
         g11(net=[('<pressureMax unit="bar" value="70.0"/>', '<pressureMax unit="bar" value="-70"/>')]),
         NET11, ("source 'entry01'", "maximum pressure must be > 0 bar", "-70")),
    Case("unknown-node-element-did-you-mean", "element",
         g11(net=_rename_second_source()),
         NET11, ("GasLib-11.net:56", "unknown node element <sourc>", "did you mean 'source'")),
    Case("unsupported-connection-kind", "element",
         g11(net=[('<valve id="V01_N01_N03"  from="N01" to="N03">', '<splitPipe id="V01" from="N01" to="N03">'),
                  ("</valve>", "</splitPipe>")]), NET11,
         ("GasLib-11.net:229", "splitPipe 'V01'", "not supported")),
    Case("gas-temperature-absolute-zero", "element",
         g11(net=[('<gasTemperature unit="Celsius" value="10"/>',
                   '<gasTemperature unit="Celsius" value="-400"/>')]), NET11,
         ("source 'entry01' gas", "temperature", "-126.85")),
    Case("norm-density-negative", "element",
         g11(net=[('<normDensity unit="kg_per_m_cube" value="0.785"/>',
                   '<normDensity unit="kg_per_m_cube" value="-0.785"/>')]), NET11,
         ("source 'entry01' gas", "normal_density must be > 0 kg/m³ (got -0.785)")),
    Case("pseudocritical-temperature-absurd", "element",
         g11(net=[('<pseudocriticalTemperature unit="K" value="188.549758911"/>',
                   '<pseudocriticalTemperature unit="K" value="99999999"/>')]), NET11,
         ("source 'entry01' gas", "pseudo_critical_temperature", "1e+08 K")),
    Case("heat-capacity-below-gas-constant", "element",
         g11(net=[('<coefficient-A-heatCapacity value="31.8251781464"/>',
                   '<coefficient-A-heatCapacity value="-500"/>')]), NET11,
         ("source 'entry01' gas", "ideal-gas heat capacity", "must exceed the gas constant")),
    Case("resistor-negative-drag", "element",
         g24(net=[('<dragFactor value="5.40999984741211"/>', '<dragFactor value="-5.4"/>')]), NET24,
         ("resistor 're01'", "drag_factor must be ≥ 0 (got -5.4)")),
    Case("control-valve-negative-outlet-limit", "element",
         g24(net=[('<pressureOutMax value="80.0" unit="bar"/>', '<pressureOutMax value="-80.0" unit="bar"/>')]),
         NET24, ("controlValve 'CV01'", "p_out_max must be > 0 bar (got -80)")),
    Case("flow-bounds-reversed", "element",
         g24(net=[('<flowMax unit="1000m_cube_per_hour" value="1000.0"/>\n      <pressureDifferentialMin',
                   '<flowMax unit="1000m_cube_per_hour" value="-1000.0"/>\n      <pressureDifferentialMin')]),
         NET24, ("controlValve 'CV01'", "lower flow bound", "exceeds the upper bound")),
    # --- compressor stations (.cs) ----------------------------------------------------
    Case("cs-station-not-in-network", "stations",
         g11(cs=[('<compressorStation id="CS01_entry03_N01">', '<compressorStation id="CS01_entry03_N1">')]),
         NET11, ("GasLib-11.cs", "compressorStation 'CS01_entry03_N1'", "did you mean 'CS01_entry03_N01'")),
    Case("cs-speed-unit-undefined", "stations",
         g11(cs=[('<speedMax value="6500" unit="per_min"/>', '<speedMax value="6500" unit="rpm"/>')]),
         NET11, ("GasLib-11.cs", "compressor 'T_CS2_M4'", "speedMax", "'rpm'")),
    Case("cs-drive-undefined", "stations",
         g11(cs=[('<turboCompressor drive="P_CS2_M4" id="T_CS2_M4">',
                  '<turboCompressor drive="P_CS2_M5" id="T_CS2_M4">')]), NET11,
         ("GasLib-11.cs", "drive 'P_CS2_M5' is not defined", "did you mean 'P_CS2_M4'")),
    # --- the nomination (.scn) --------------------------------------------------------
    Case("scn-unknown-node-did-you-mean", "scenario",
         g11(scn=[('<node type="exit" id="exit01">', '<node type="exit" id="exit1">')]), NET11,
         ("GasLib-11.scn", "'exit1'", "no such node", "did you mean 'exit01'")),
    Case("scn-flow-unit-undefined", "scenario",
         g11(scn=[('<flow bound="lower" value="160.00" unit="1000m_cube_per_hour"/>',
                   '<flow bound="lower" value="160.00" unit="barrels_per_day"/>')]), NET11,
         ("GasLib-11.scn", "scenario node 'entry01'", "flow", "'barrels_per_day'")),
    Case("scn-flow-nan", "scenario",
         g11(scn=[('<flow bound="lower" value="160.00"', '<flow bound="lower" value="nan"')]), NET11,
         ("GasLib-11.scn", "scenario node 'entry01'", "flow must be a number", "'nan'")),
    Case("scn-bound-attribute-invalid", "scenario",
         g11(scn=[('<flow bound="lower" value="160.00"', '<flow bound="middle" value="160.00"')]),
         NET11, ("GasLib-11.scn", "scenario node 'entry01'", "bound must be one of", "'middle'")),
    Case("scn-node-type-invalid", "scenario",
         g11(scn=[('<node type="entry" id="entry01">', '<node type="entryy" id="entry01">')]), NET11,
         ("GasLib-11.scn", "scenario node 'entry01'", "type must be one of", "'entryy'")),
    Case("scn-flows-cannot-balance-no-entry", "scenario",
         g11(scn=[('value="160.00"', 'value="0"'), ('value="160.00"', 'value="0"'),
                  ('value="140.00"', 'value="0"'), ('value="140.00"', 'value="0"')]), NET11,
         ("no node holds a fixed pressure and no entry has an inflow",)),
    Case("scn-flow-bounds-reversed", "scenario",  # issue #15.6: was accepted (midpoint used)
         g11(scn=[('<flow bound="lower" value="160.00"', '<flow bound="lower" value="900.00"')]),
         NET11, ("GasLib-11.scn:35", "scenario node 'entry01'", "flow lower bound 900.00",
                 "exceeds the upper bound 160.00")),
    # --- linepack's native JSON -------------------------------------------------------
    Case("json-syntax-error", "native", {"case.json": b'{"linepack": 1,\n "name": "x",,\n}'},
         "case.json", ("case.json:2", "invalid JSON")),
    Case("json-truncated", "native", {"case.json": json.dumps(BASE).encode()[:300]}, "case.json",
         ("case.json:1", "invalid JSON")),
    Case("json-deep-nesting", "native", {"case.json": _NEST_JSON}, "case.json",
         ("case.json", "nests", "too deeply")),
    Case("json-not-utf8", "native",
         {"case.json": json.dumps({**BASE, "name": "Straße"}, ensure_ascii=False).encode("latin-1")},
         "case.json", ("case.json", "not UTF-8")),
    Case("json-wrong-version", "native", native(lambda d: _set(d, linepack=2)), "case.json",
         ("case.json", "unsupported format version linepack=2")),
    Case("json-unknown-field-did-you-mean", "native",
         native(lambda d: conn(d, "P1").update(diameter_nm=conn(d, "P1").pop("diameter_mm"))),
         "case.json", ("connection 'P1'", "unknown field 'diameter_nm'", "did you mean 'diameter_mm'")),
    Case("json-unknown-kind", "native", native(lambda d: conn(d, "P2").update(kind="pipee")),
         "case.json", ("connection 'P2'", "unknown kind 'pipee'", "did you mean 'pipe'")),
    Case("json-dangling-node", "native", native(lambda d: conn(d, "P2").update(to="DD")),
         "case.json", ("connection 'P2'", "node 'DD' does not exist", "did you mean 'D'")),
    Case("json-duplicate-node-ids", "native",
         native(lambda d: d["nodes"].append({"id": "A", "kind": "innode"})), "case.json",
         ("case.json", "duplicate id", "'A'")),
    Case("json-negative-diameter", "native", native(lambda d: conn(d, "P1").update(diameter_mm=-500)),
         "case.json", ("case.json", "pipe 'P1': diameter must be > 0 mm (got -500)")),
    Case("json-huge-integer", "native", {"case.json": json.dumps(BASE).replace(
        '"length_km": 50', '"length_km": ' + "9" * 400, 1).encode()}, "case.json",
         ("connection 'P1'", "length_km", "400 digits")),
    Case("json-infinite-length", "native", native(lambda d: conn(d, "P2").update(length_km="inf")),
         "case.json", ("pipe 'P2': length must be > 0 km (got inf)",)),
    Case("json-absurd-inflow", "native",
         native(lambda d: scn(d)["nodes"][1].update(inflow_kg_s=1e308)), "case.json",
         ("node 'D'", "inflow must be within ±100000 kg/s (got 1e+308)")),
    Case("json-diameter-beyond-any-network", "native",
         native(lambda d: conn(d, "P1").update(diameter_mm=1e300)), "case.json",
         ("pipe 'P1': diameter must be ≤ 10000 mm (got 1e+300)",)),
    Case("json-pressure-beyond-any-network", "native",
         native(lambda d: (node(d, "S").pop("p_max_bar"), scn(d)["nodes"][0].update(p_fixed_bar=1e5))),
         "case.json", ("node 'S'", "fixed pressure must be ≤ 1000 bar (got 100000)")),
    Case("json-efficiency-above-one", "native",
         native(lambda d: conn(d, "CS").update(efficiency=1.5)), "case.json",
         ("compressorStation 'CS'", "efficiency must be ≤ 1 (got 1.5)")),
    Case("json-negative-temperature", "native", native(lambda d: scn(d).update(temperature_k=-10)),
         "case.json", ("scenario 'base'", "temperature_k must be > 0 K", "-10")),
    Case("json-temperature-out-of-range", "native",
         native(lambda d: scn(d).update(temperature_k=5000)), "case.json",
         ("scenario 'base'", "temperature must be within", "5000 K")),
    Case("json-gas-density-negative", "native", native(lambda d: d["gas"].update(normal_density=-1)),
         "case.json", ("network gas", "normal_density must be > 0", "(got -1)")),
    Case("json-scenario-gas-density-negative", "native",
         native(lambda d: scn(d).update(gas={"normal_density": -0.7})), "case.json",
         ("scenario 'base' gas", "normal_density must be > 0 kg/m³ (got -0.7)")),
    # issue #15.6: a repeated key was accepted, the last value silently winning
    Case("json-duplicate-key-in-element", "native",
         {"case.json": json.dumps(BASE, indent=1).replace(
             '"p_max_bar": 80\n  },\n  {\n   "id": "B"',
             '"p_max_bar": 80,\n   "p_max_bar": 90\n  },\n  {\n   "id": "B"').encode()},
         "case.json", ("case.json:", "duplicate key 'p_max_bar' in the object with id 'A'")),
    Case("json-duplicate-top-level-key", "native",
         {"case.json": json.dumps(BASE, indent=1).replace(
             '"name": "hostile-base"', '"name": "hostile-base",\n "name": "other"').encode()},
         "case.json", ("case.json:4", "duplicate key 'name'", "must not repeat a key")),
    Case("json-island-without-reference", "native", native(lambda d: (
        d["nodes"].extend([{"id": "X", "kind": "source"}, {"id": "Y", "kind": "sink"}]),
        d["connections"].append({"id": "PX", "kind": "pipe", "from": "X", "to": "Y",
                                 "length_km": 10, "diameter_mm": 300, "roughness_mm": 0.01}),
        scn(d)["nodes"].extend([{"id": "X", "inflow_kg_s": 5}, {"id": "Y", "inflow_kg_s": -5}]))),
         "case.json", ("'X'", "'Y'", "no pressure reference")),
    Case("json-fixed-pressure-outside-bounds", "native",
         native(lambda d: scn(d)["nodes"][0].update(p_fixed_bar=95)), "case.json",
         ("source 'S'", "fixed pressure 95 bar is outside the node's bounds")),
    Case("json-scenario-bounds-reversed", "native",
         native(lambda d: scn(d)["nodes"][1].update(p_min_bar=70, p_max_bar=40)), "case.json",
         ("node 'D'", "p_min 70 bar exceeds p_max 40 bar")),
    Case("json-scenario-unknown-node", "native",
         native(lambda d: scn(d)["nodes"].append({"id": "DX", "inflow_kg_s": -1})), "case.json",
         ("scenario 'base' node 'DX'", "no such node", "did you mean 'D'")),
    Case("json-fixed-pressure-non-positive", "native",
         native(lambda d: scn(d)["nodes"][0].update(p_fixed_bar=-3)), "case.json",
         ("node 'S'", "fixed pressure must be > 0 bar", "-3")),
    # --- controls (in the native file and via --controls) -----------------------------
    Case("controls-absent-element", "controls",
         native(lambda d: d["controls"]["c"].update({"CS2": {"mode": "active"}})), "case.json",
         ("controls 'c'", "'CS2' is not a connection", "did you mean 'CS'")),
    Case("controls-mode-invalid", "controls",
         native(lambda d: d["controls"]["c"]["CS"].update(mode="on")), "case.json",
         ("'CS'", "mode 'on' is not allowed for a compressorStation")),
    Case("controls-ratio-above-ratio-max", "controls",
         native(lambda d: d["controls"]["c"].update({"CS": {"mode": "active", "ratio": 3}})),
         "case.json", ("compressorStation 'CS'", "ratio 3 is above the station's ratio_max 1.5")),
    Case("controls-ratio-absurd-without-limit", "controls",
         native(lambda d: (conn(d, "CS").pop("ratio_max"),
                           d["controls"]["c"].update({"CS": {"mode": "active", "ratio": 1e300}}))),
         "case.json", ("compressorStation 'CS'", "ratio must be ≤ 100 (got 1e+300)")),
    Case("controls-ratio-below-one", "controls",
         native(lambda d: d["controls"]["c"].update({"CS": {"mode": "active", "ratio": 0.5}})),
         "case.json", ("compressorStation 'CS'", "ratio must be ≥ 1", "0.5")),
    Case("controls-outlet-above-limit", "controls",
         native(lambda d: d["controls"]["c"]["CS"].update(p_out_bar=120)), "case.json",
         ("compressorStation 'CS'", "outlet pressure 120 bar is above", "p_out_max 80 bar")),
    Case("controls-negative-flow-set-point", "controls",
         native(lambda d: d["controls"]["c"].update({"CS": {"mode": "active", "flow_kg_s": -5}})),
         "case.json", ("compressorStation 'CS'", "flow set point must be ≥ 0 kg/s", "-5")),
    Case("controls-file-invalid-json", "controls",
         native(extra={"ctl.json": b'{"CS": {"mode": "active",}'}), "case.json",
         ("ctl.json:1", "invalid JSON"), args=("--controls", "ctl.json"), validate=False),
    Case("controls-file-absent-element", "controls",
         native(extra={"ctl.json": b'{"CSX": "bypass"}'}), "case.json",
         ("ctl.json", "'CSX' is not a connection", "did you mean 'CS'"),
         args=("--controls", "ctl.json"), validate=False),
    Case("controls-file-impossible-ratio", "controls",
         native(extra={"ctl.json": b'{"CS": {"mode": "active", "ratio": 2.5}}'}), "case.json",
         ("compressorStation 'CS'", "ratio 2.5 is above the station's ratio_max 1.5"),
         args=("--controls", "ctl.json"), validate=False),
    Case("controls-file-duplicate-key", "controls",
         native(extra={"ctl.json": b'{"CS": "bypass",\n "CS": {"mode": "active", "ratio": 1.2}}'}),
         "case.json", ("ctl.json:2", "duplicate key 'CS'"), args=("--controls", "ctl.json"),
         validate=False),
    Case("controls-file-setpoint-not-a-number", "controls",
         native(extra={"ctl.json": b'{"CS": {"mode": "active", "p_out_bar": "70 bar"}}'}),
         "case.json", ("ctl.json", "'CS'", "p_out_bar must be a number", "'70 bar'"),
         args=("--controls", "ctl.json"), validate=False),
    Case("controls-file-missing", "controls", native(), "case.json",
         ("nothere.json", "cannot read the file"), args=("--controls", "nothere.json"),
         validate=False),
    Case("json-gas-composition-not-summing-to-one", "native",
         native(lambda d: d["gas"].update(composition={"methane": 0.9, "ethane": 0.2})),
         "case.json", ("network gas", "mole fractions must sum to 1", "1.1")),
    # --- command line -----------------------------------------------------------------
    Case("cli-file-does-not-exist", "cli", {}, "nothere.net", ("'nothere.net'", "neither a file")),
    Case("cli-builtin-did-you-mean", "cli", {}, "central-asai",
         ("'central-asai'", "did you mean 'central-asia'")),
    Case("cli-unknown-file-type", "cli", {"case.txt": b"hello"}, "case.txt",
         ("case.txt", "unknown file type '.txt'")),
    Case("cli-unknown-friction-law", "cli", native(), "case.json",
         ("friction law 'colebrook'", "did you mean 'colebrook-white'"),
         args=("--friction", "colebrook"), validate=False),
    Case("cli-unknown-scenario-name", "cli", native(), "case.json",
         ("case.json", "no scenario 'bse'", "did you mean 'base'"), args=("--scenario", "bse")),
    Case("cli-gas-composition-unknown-component", "cli",
         native(extra={"gas.json": b'{"methan": 0.9, "ethane": 0.1}'}), "case.json",
         ("unknown component 'methan'", "did you mean"),
         args=("--gas-composition", "gas.json"), validate=False),
    Case("cli-gas-composition-not-summing-to-one", "cli",
         native(extra={"gas.json": b'{"methane": 0.9, "ethane": 0.2}'}), "case.json",
         ("gas.json", "mole fractions must sum to 1 within 1e-6 (got 1.1)"),
         args=("--gas-composition", "gas.json"), validate=False),
    Case("cli-gas-composition-file-duplicate-key", "cli",
         native(extra={"gas.json": b'{"methane": 0.9,\n "methane": 0.1}'}), "case.json",
         ("gas.json:2", "duplicate key 'methane'"),
         args=("--gas-composition", "gas.json"), validate=False),
    Case("cli-missing-scn-file", "cli", g11(), NET11, ("scenario file", "nothere.scn", "does not exist"),
         args=("--scenario", "nothere.scn")),
    # issues #15.8, #15.4: GasLib scenario names as `linepack scenarios` lists them; rich
    # markup in ids, scenario names and paths is printed as it is, in error messages too
    Case("cli-gaslib-scenario-name-did-you-mean", "cli", g11(), NET11,
         ("no scenario 'GasLib-12'", "did you mean 'GasLib-11'", "scenarios: GasLib-11"),
         args=("--scenario", "GasLib-12")),
    Case("cli-markup-in-element-id", "cli",
         native(lambda d: (conn(d, "P2").update(id="[bold red]P2[/]", diameter_mm=-500))),
         "case.json", ("pipe '[bold red]P2[/]': diameter must be > 0 mm (got -500)",)),
    Case("cli-markup-closing-tag-in-scenario-name", "cli", native(), "case.json",
         ("no scenario '[/]'", "scenarios: base"), args=("--scenario", "[/]")),
    Case("cli-markup-in-folder-name", "cli",
         {"[red]x[/]/case.json": b'{"linepack": 1,\n "name": "x",,\n}'}, "[red]x[/]/case.json",
         ("[red]x[/]/case.json:2", "invalid JSON")),
    Case("cli-emoji-code-in-id", "cli",
         native(lambda d: conn(d, "P1").update(id=":thumbs_up:", length_km=0)), "case.json",
         ("pipe ':thumbs_up:': length must be > 0 km (got 0)",)),
]


# -- hostile but valid: issues #15.4 and #15.8 (run by test_cli_robustness.py) -----------

MARKUP_IDS = {"S": "S[/]", "A": "[bold red]A", "B": ":smile: B[/bold]", "D": "D\\",
              "P1": "P1[link=https://x.invalid]", "CS": "[red]CS[/red]", "P2": "[/]P2"}
MARKUP_NAME = "[bold]net[/] :thumbs_up:"
MARKUP_SCENARIO = "[i]base[/i]"
MARKUP_DESCRIPTION = "[blink]winter[/blink] peak"


def markup_case() -> dict[str, bytes]:
    """The base native case with rich markup and emoji codes in every id, the network name,
    the scenario name and its description (valid input: it must simulate)."""
    def spoil(d):
        ren = MARKUP_IDS
        d["name"] = MARKUP_NAME
        for n in d["nodes"]:
            n["id"] = ren[n["id"]]
        for c in d["connections"]:
            c.update(id=ren[c["id"]], **{"from": ren[c["from"]], "to": ren[c["to"]]})
        sc = d["scenarios"].pop("base")
        for n in sc["nodes"]:
            n["id"] = ren[n["id"]]
        sc["description"] = MARKUP_DESCRIPTION
        d["scenarios"][MARKUP_SCENARIO] = sc
        d["controls"]["c"] = {ren["CS"]: d["controls"]["c"]["CS"]}
        d["meta"] = {"transit_entry": ren["S"], "transit_exit": ren["D"]}
    return native(spoil, name="[red]case[/].json")


LONG_ID = "station-" + "".join(f"{i:02d}" for i in range(46))   # 100 characters, no spaces


def long_id_case() -> dict[str, bytes]:
    """The base native case whose compressor station has a 100-character id."""
    def spoil(d):
        conn(d, "CS")["id"] = LONG_ID
        d["controls"]["c"] = {LONG_ID: d["controls"]["c"]["CS"]}
    return native(spoil)
