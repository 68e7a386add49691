"""``linepack simulate --report --with-plan``: bad combinations are refused before anything is
computed or written (exit 2, one message, no file)."""

from __future__ import annotations

import json

import pytest

from linepack.cli import main

pytest.importorskip("plotly")


def _cli(capsys, *argv):
    capsys.readouterr()
    rc = main([str(a) for a in argv])
    got = capsys.readouterr()
    return rc, got.out, " ".join(got.err.split())


def test_with_plan_needs_a_report(capsys, tmp_path):
    rc, out, err = _cli(capsys, "simulate", "central-asia", "--with-plan")
    assert rc == 2 and "--with-plan" in err and "--report" in err
    assert "Traceback" not in err and out == ""


def test_with_plan_on_a_case_without_plan_or_options(capsys, tmp_path):
    """A case with neither plan candidates nor options: exit 2 naming the case, no report."""
    doc = {"linepack": 1, "name": "line",
           "nodes": [{"id": "S", "kind": "source"}, {"id": "E", "kind": "sink"}],
           "connections": [{"id": "P", "kind": "pipe", "from": "S", "to": "E", "length_km": 50,
                            "diameter_mm": 500, "roughness_mm": 0.01}],
           "scenarios": {"s": {"nodes": [{"id": "S", "p_fixed_bar": 40},
                                         {"id": "E", "inflow_kg_s": -20}]}}}
    case = tmp_path / "line.json"
    case.write_text(json.dumps(doc))
    report = tmp_path / "r.html"
    rc, _, err = _cli(capsys, "simulate", case, "--report", report, "--with-plan")
    assert rc == 2 and "carries no plan candidates" in err and "line.json" in err
    assert not report.exists()
    # without --with-plan the same case writes its report (tables, no plan section)
    rc, _, err = _cli(capsys, "simulate", case, "--report", report)
    assert rc == 0, err
    text = report.read_text(encoding="utf-8")
    assert 'id="nodes-section"' in text and 'id="pipes-section"' in text
    assert 'id="plan-section"' not in text
