"""Issue #6: every file of the hostile corpus gives exit code 2, one clear message naming
the element/field/file, no traceback, and no output file (a previous one stays intact)."""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import write_files
from hostile_cases import CASES

PREVIOUS = '{"previous": "results of an earlier run"}'


def test_corpus_size_and_kinds():
    """At least 50 cases, covering every kind of bad input named in the issue."""
    kinds = Counter(c.kind for c in CASES)
    assert len(CASES) >= 50
    assert set(kinds) == {"attack", "malformed", "element", "stations", "scenario", "native",
                          "controls", "cli"}
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_simulate_refuses_hostile_input(case, cli, tmp_path, monkeypatch):
    """`simulate --output --report` on bad input: exit 2, the element named, no output written."""
    write_files(tmp_path, case.files, case.sparse)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.json").write_text(PREVIOUS)
    run = cli("simulate", case.target, *case.args, "--output", "out.json", "--report", "r.html")
    assert run.rc == 2, run.err + run.out
    assert "Traceback" not in run.err + run.out
    for words in case.expect:
        assert words in run.message, f"{words!r} not in: {run.message}"
    assert run.message.startswith("error: ")
    assert (tmp_path / "out.json").read_text() == PREVIOUS
    assert not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".*.tmp")), "a temporary file was left behind"


@pytest.mark.parametrize("case", [c for c in CASES if c.validate],
                         ids=[c.id for c in CASES if c.validate])
def test_validate_refuses_hostile_input(case, cli, tmp_path, monkeypatch):
    """`validate` on the same input: exit 2 and the same words, no traceback."""
    write_files(tmp_path, case.files, case.sparse)
    monkeypatch.chdir(tmp_path)
    run = cli("validate", case.target, *case.args)
    assert run.rc == 2, run.err + run.out
    assert "Traceback" not in run.err + run.out
    for words in case.expect:
        assert words in run.message, f"{words!r} not in: {run.message}"


def test_validation_reports_every_error_at_once(cli, tmp_path, monkeypatch):
    """Five independent errors in one file: one message lists all five."""
    from hostile_cases import conn, native, node, scn

    def spoil(d):
        conn(d, "P1")["diameter_mm"] = -500
        conn(d, "P2")["length_km"] = 0
        conn(d, "CS")["efficiency"] = 1.5
        node(d, "A")["height_m"] = 12000
        scn(d)["temperature_k"] = 900

    write_files(tmp_path, native(spoil))
    monkeypatch.chdir(tmp_path)
    run = cli("simulate", "case.json")
    assert run.rc == 2
    assert "5 error(s) in the input" in run.message
    for words in ("pipe 'P1': diameter must be > 0 mm (got -500)",
                  "pipe 'P2': length must be > 0 km (got 0)",
                  "compressorStation 'CS': efficiency must be ≤ 1 (got 1.5)",
                  "innode 'A': height must be a finite number within ±9000 m (got 12000",
                  "scenario 'base': temperature must be within"):
        assert words in run.message


def test_the_base_case_is_valid(cli, tmp_path, monkeypatch):
    """The unspoilt base of the native corpus cases simulates (exit 0) and writes its output."""
    from hostile_cases import native

    write_files(tmp_path, native())
    monkeypatch.chdir(tmp_path)
    run = cli("simulate", "case.json", "--output", "out.json", "--report", "r.html")
    assert run.rc == 0, run.err
    assert (tmp_path / "out.json").exists() and (tmp_path / "r.html").exists()


def test_the_gaslib_copies_are_valid(cli, tmp_path, monkeypatch):
    """The unspoilt GasLib-11 and GasLib-24 copies of the corpus read and validate (exit 0)."""
    from hostile_cases import g11, g24

    write_files(tmp_path, {**g11(), **g24()})
    monkeypatch.chdir(tmp_path)
    for net in ("GasLib-11.net", "GasLib-24.net"):
        run = cli("validate", net)
        assert run.rc == 0, run.err
