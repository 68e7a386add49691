"""Issue #6: property-based fuzzers mutating real GasLib files (GasLib-11 and GasLib-24)
and the native JSON format.

Mutations: drop an attribute, swap a unit for another (undefined, or of another
quantity), insert random bytes, truncate at a random offset, replace a number by
garbage / a negative / NaN / infinity, change an id. For each mutated file the CLI runs
``info`` and ``simulate --output``; whatever the input, the outcome is exit code 0, 1 or
2 and never an uncaught exception or a traceback; with exit code 2 the message names
something (a quoted element id or value, or the file); no output file exists unless
the exit code is 0, and then every pressure and flow in it is a finite number.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import re
import tempfile
from pathlib import Path

from hostile_cases import GASLIB
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linepack.cli import main

INSTANCES = ("GasLib-11", "GasLib-24")
EXTS = (".net", ".net", ".scn", ".cs")  # the .net twice: it holds most of the data
ORIGINAL = {(i, e): (GASLIB / i / f"{i}{e}").read_bytes() for i in INSTANCES for e in (".net", ".scn", ".cs")}

ATTR = re.compile(rb' ([A-Za-z:_-]+)="[^"]*"')
UNIT = re.compile(rb'unit="([^"]*)"')
NUMBER = re.compile(rb'(?:value|x|y|geoWGS84Long|geoWGS84Lat|nominalSpeed)="([-+0-9.eE]+)"')
ID = re.compile(rb'(?:id|from|to)="([^"]*)"')
UNITS = (b"furlong", b"psi", b"", b"BAR", b"kelvin", b"bar", b"barg", b"mm", b"km", b"Celsius",
         b"1000m_cube_per_hour", b"m_cube_per_s", b"kg_per_m_cube", b"per_min", b"MJ_per_m_cube")
NUMBERS = (b"NaN", b"nan", b"-1", b"-500", b"0", b"abc", b"1e999", b"-1e999", b"inf", b"",
           b"1e-300", b"99999999", b"0x10", b"1,5", b"-0")
IDS = (b"", b" ", b"x", b"entry01", b"N01", b"exit01", b"\xc3\xa9", b"&amp;", b"a'b")


def _pick(draw, pattern, data):
    found = list(pattern.finditer(data))
    return None if not found else found[draw(st.integers(0, len(found) - 1))]


@st.composite
def mutation(draw, data: bytes) -> tuple[str, bytes]:
    """One mutation of ``data``: (what was done, the new bytes)."""
    kind = draw(st.sampled_from(("drop", "unit", "bytes", "truncate", "number", "id")))
    if kind == "drop":
        m = _pick(draw, ATTR, data)
        return (kind, data) if m is None else (f"drop {m.group(0)!r}", data[:m.start()] + data[m.end():])
    if kind == "unit":
        m = _pick(draw, UNIT, data)
        new = draw(st.sampled_from(UNITS))
        return (kind, data) if m is None else (f"unit {m.group(1)!r}->{new!r}",
                                               data[:m.start(1)] + new + data[m.end(1):])
    if kind == "bytes":
        at = draw(st.integers(0, len(data)))
        junk = draw(st.binary(min_size=1, max_size=16))
        return f"insert {junk!r} at {at}", data[:at] + junk + data[at:]
    if kind == "truncate":
        at = draw(st.integers(0, len(data)))
        return f"truncate at {at}", data[:at]
    if kind == "number":
        m = _pick(draw, NUMBER, data)
        new = draw(st.sampled_from(NUMBERS))
        return (kind, data) if m is None else (f"number {m.group(1)!r}->{new!r}",
                                               data[:m.start(1)] + new + data[m.end(1):])
    m = _pick(draw, ID, data)
    new = draw(st.sampled_from(IDS))
    return (kind, data) if m is None else (f"id {m.group(1)!r}->{new!r}",
                                           data[:m.start(1)] + new + data[m.end(1):])


@st.composite
def mutated_instance(draw):
    """(instance, spoilt file's extension, its new bytes, the list of mutations)."""
    inst = draw(st.sampled_from(INSTANCES))
    ext = draw(st.sampled_from(EXTS))
    data = ORIGINAL[(inst, ext)]
    done = []
    for _ in range(draw(st.integers(1, 3))):
        what, data = draw(mutation(data))
        done.append(what)
    return inst, ext, data, done


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)  # an uncaught exception fails the test with its input
    return rc, out.getvalue(), err.getvalue()


NAMES_SOMETHING = re.compile(r"'[^']*'|\.(net|scn|cs)\b")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_instance())
def test_mutated_gaslib_never_crashes(case):
    """Mutated GasLib: exit 0/1/2, no traceback, exit 2 names something, no partial output."""
    inst, ext, data, done = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for e in (".net", ".scn", ".cs"):
            (folder / f"{inst}{e}").write_bytes(data if e == ext else ORIGINAL[(inst, e)])
        net = str(folder / f"{inst}.net")
        out = folder / "out.json"
        for argv in (["info", net], ["simulate", net, "--output", str(out)]):
            rc, stdout, stderr = _run(argv)
            note = f"{inst}{ext} {done} {argv[0]} -> {rc}: {stderr[-400:]}"
            assert rc in (0, 1, 2), note
            assert "Traceback" not in stderr + stdout, note
            if rc == 2:
                assert NAMES_SOMETHING.search(stderr), note
            if argv[0] == "simulate":
                assert out.exists() == (rc == 0), note
                if rc == 0:
                    doc = json.loads(out.read_text())
                    values = [n["p_bar"] for n in doc["nodes"].values()]
                    values += [e["m_kg_s"] for e in doc["edges"].values()]
                    assert all(v is not None and math.isfinite(v) for v in values), note


# -- the native JSON format, mutated the same way ----------------------------------------

JUNK = (None, "abc", "", [], {}, -1, 0, -500, 1e308, -1e308, "inf", "-inf", True, 10 ** 30,
        [1, 2], {"x": 1}, "N", "P1", 0.5)


def _paths(doc, prefix=()):
    """Every (path, value) inside ``doc``."""
    yield prefix, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated_native(draw):
    """The corpus's base native case with 1–3 values replaced, keys dropped, or bytes spoilt."""
    from hostile_cases import BASE

    doc = json.loads(json.dumps(BASE))
    done = []
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _paths(doc) if p]
        path = paths[draw(st.integers(0, len(paths) - 1))]
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        if draw(st.booleans()):
            new = draw(st.sampled_from(JUNK))
            parent[path[-1]] = copy.deepcopy(new)  # JUNK's lists and dicts stay unchanged
            done.append(f"{path} = {new!r}")
        else:
            parent.pop(path[-1])
            done.append(f"drop {path}")
    text = json.dumps(doc).encode()
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at]
            done.append(f"truncate at {at}")
        else:
            junk = draw(st.binary(min_size=1, max_size=8))
            text = text[:at] + junk + text[at:]
            done.append(f"insert {junk!r} at {at}")
    return text, done


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_native())
def test_mutated_native_never_crashes(case):
    """Mutated native JSON: exit 0/1/2, no traceback, exit 2 names something, no partial output."""
    text, done = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "case.json").write_bytes(text)
        out = folder / "out.json"
        for argv in (["info", str(folder / "case.json")],
                     ["simulate", str(folder / "case.json"), "--output", str(out)]):
            rc, stdout, stderr = _run(argv)
            note = f"{done} {argv[0]} -> {rc}: {stderr[-400:]}"
            assert rc in (0, 1, 2), note
            assert "Traceback" not in stderr + stdout, note
            if rc == 2:
                assert re.search(r"'[^']*'|case\.json", stderr), note
            if argv[0] == "simulate":
                assert out.exists() == (rc == 0), note
