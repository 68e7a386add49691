"""The flagship Central Asia case: scenarios solve, and the model reproduces the public record."""

import pytest

import linepack

STD = 273.15 / 293.15  # 20 °C standard m³ → 0 °C normal m³ (ideal gas), as the model's meta says


@pytest.fixture(scope="module")
def case():
    return linepack.load_case("central-asia")


def test_every_scenario_solves_within_limits(case):
    """All built-in scenarios converge with every pressure and station limit respected."""
    from linepack.problems.capacity import check_limits

    for name, scn in case.scenarios.items():
        ctl = case.controls_for(name)
        res = linepack.simulate(case.network, scn, ctl)
        assert res.converged, name
        assert check_limits(case.network, res) == [], name


def test_contract_flow_is_delivered_feasibly(case):
    """9 mcm/d (20 °C) contract: delivered at Karakalpakiya with the border above its minimum."""
    name = "transit-2023-contract"
    res = linepack.simulate(case.network, case.scenarios[name],
                            case.controls_for(name))
    q20 = -res.nodes.at["karakalpakiya", "inflow_mcm_d"] / STD
    assert q20 == pytest.approx(9.0, rel=1e-5)  # the model stores 0 °C flows to 4 decimals
    assert res.nodes.at["karakalpakiya", "margin_bar"] > 0


def test_technical_maximum_lies_in_the_december_2023_band(case):
    """One dedicated string, Kazakh stations bypassed (2023 set-up): the technical maximum is
    18–25 mcm/d (20 °C), the band implied by "more than twice the 9 mcm/d contract" reported in
    December 2023 (FACTS.md §1, [TREND_20231227])."""
    meta = case.network.meta
    name = "transit-2023-december-peak"
    cap = linepack.transit_capacity(case.network, case.scenarios[name],
                                    case.controls_for(name),
                                    entry=meta["transit_entry"], exit=meta["transit_exit"], rtol=1e-3)
    q20 = cap.max_mcm_d / STD
    assert 18.0 <= q20 <= 25.0
    assert "karakalpakiya" in cap.binding


def test_target_verdict_names_the_binding_limit(case):
    """11 bcm/y (30.14 mcm/d at 20 °C): not reachable on one uncompressed string; the capacity
    search says so and names the limit."""
    meta = case.network.meta
    name = meta["default_scenario"]
    cap = linepack.transit_capacity(case.network, case.scenarios[name],
                                    case.controls_for(name),
                                    entry=meta["transit_entry"], exit=meta["transit_exit"],
                                    target_mcm_d=meta["transit_target_mcm_d"], rtol=1e-3)
    assert cap.target_feasible is False
    assert cap.binding
    assert meta["transit_target_mcm_d"] == pytest.approx(11.0 * 1000 / 365 * STD, rel=1e-4)


def test_main_job_runs_from_the_cli_and_writes_the_report(tmp_path, capsys):
    """`linepack simulate central-asia --report FILE` prints the summary and writes one HTML file."""
    from linepack.cli import main

    out = tmp_path / "ca.html"
    assert main(["simulate", "central-asia", "--report", str(out)]) == 0
    text = capsys.readouterr().out
    assert "karakalpakiya" in text and "bcm/y" in text and "linepack" in text
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and len(html) > 100_000
