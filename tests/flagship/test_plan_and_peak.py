"""`linepack plan central-asia --target 11bcm` and `linepack peak central-asia`."""

import pytest

import linepack

STD = 273.15 / 293.15


@pytest.mark.slow
def test_plan_reaches_11bcm_and_its_last_step_is_an_independent_capacity(capsys):
    """The plan from the 2025 route reaches 11 bcm/y (30.14 mcm/d, 20 °C); the capacity after its
    last step equals transit_capacity of the case the plan ends with; the CLI prints the tables."""
    from linepack.cli import main

    c = linepack.load_case("central-asia")
    meta = c.network.meta
    base = meta["plan"]["base_scenario"]
    res = linepack.corridor_plan(c.network, c.scenarios[base], c.controls_for(base),
                                 rtol=5e-3)
    assert res.reached
    assert res.base_mcm_d / STD < 11000 / 365 <= res.steps["capacity_mcm_d"].iloc[-1] / STD
    again = linepack.transit_capacity(res.network, res.scenario, res.controls,
                                      entry="alexandrov_gai", exit="karakalpakiya", rtol=5e-3)
    assert again.max_mcm_d == pytest.approx(res.steps["capacity_mcm_d"].iloc[-1], rel=1e-2)
    assert (res.steps["capacity_mcm_d"].diff().dropna() > 0).all()
    assert len(res.screen) == len(meta["plan"]["candidates"]) - 2   # loops s1a, s1b open in 2025
    assert main(["plan", "central-asia", "--target", "11bcm", "--rtol", "5e-3"]) == 0
    text = capsys.readouterr().out
    assert "target reached" in text and "base capacity" in text and "binding" in text


def test_plan_target_parsing_errors_exit_2(capsys):
    """A target that is not a flow is an input error (exit 2) naming the accepted forms."""
    from linepack.cli import main

    assert main(["plan", "central-asia", "--target", "eleven"]) == 2
    assert "11bcm" in capsys.readouterr().err


@pytest.mark.slow
def test_peak_day_answer(capsys, tmp_path):
    """Winter: the 2026 route carries the flat 11 bcm/y with no station; the Jan–Feb peak day
    (× 1.205) exceeds the Uzbek receiving side whatever runs, while the Kazakh side alone
    carries it with one station on the 2026 route."""
    from linepack.cli import main

    c = linepack.load_case("central-asia")
    t = linepack.corridor_peak_check(c).set_index(["control_set", "flow"])
    flat = t.loc[("combined-2026", "11 bcm/y flat")]
    assert flat["feasible"] and flat["stations"] == []
    peak = t.xs("combined-2026", level="control_set").iloc[1]
    assert peak["q_mcm_d_20c"] == pytest.approx(11000 / 365 * (1114 / 60) / (5640 / 366), rel=1e-3)
    assert not peak["feasible"] and "uz_receiving_side" in peak["binding"]
    assert peak["upstream_feasible"] and len(peak["upstream_stations"]) == 1
    html = tmp_path / "peak.html"
    assert main(["peak", "central-asia", "--report", str(html)]) == 0
    assert "uz_receiving_side" in capsys.readouterr().out
    page = html.read_text(encoding="utf-8")
    assert "combined-2026" in page and "<script" not in page and len(page) < 50_000


def test_corridor_commands_refuse_a_case_without_their_data(tmp_path, capsys):
    """plan, peak and options on a case that carries no candidates: exit 2 with a message."""
    import json

    from linepack.cli import main

    case = {"linepack": 1, "name": "bare", "gas": {"normal_density": 0.73},
            "nodes": [{"id": "S", "kind": "source"}, {"id": "X", "kind": "sink"}],
            "connections": [{"id": "P", "kind": "pipe", "from": "S", "to": "X", "length_km": 10,
                             "diameter_mm": 500, "roughness_mm": 0.02}],
            "scenarios": {"s": {"nodes": [{"id": "S", "p_fixed_bar": 50},
                                          {"id": "X", "inflow_mcm_d": -1}]}}}
    path = tmp_path / "bare.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    for cmd in ("plan", "peak", "options"):
        assert main([cmd, str(path)]) == 2, cmd
        assert "carries no" in capsys.readouterr().err, cmd
    assert main(["simulate", str(path), "--assumptions", "low"]) == 2
    assert "no assumption sets" in capsys.readouterr().err
