"""`linepack options central-asia`: the gasification options compared at cost."""

import pytest

import linepack

KZT_USD = 500.0   # A_KZT_USD


@pytest.fixture(scope="module")
def case():
    return linepack.load_case("central-asia")


def test_option_capex_is_calibrated_on_the_published_costs(case):
    """Pipe capex ∝ OD × length, calibrated so Saryarka II+III at its published 630/426 mm costs the
    published 182.1 bn KZT; phase IV adds the published 180.7 bn KZT (pipelines.csv)."""
    fam = case.network.meta["options_compared"]["families"]["north"]["variants"]
    by_id = {v["id"]: v for v in fam}
    assert by_id["A 630/426"]["capex_musd"]["central"] == pytest.approx(182.1e3 / KZT_USD, abs=0.1)
    assert by_id["A 630/426 + IV"]["capex_musd"]["central"] == pytest.approx(
        (182.1e3 + 180.7e3) / KZT_USD, abs=0.2)
    # cost ∝ diameter: 720/530 = 182.1 bn KZT × (276·720 + 177·530)/(276·630 + 177·426)
    ratio = (276 * 720 + 177 * 530) / (276 * 630 + 177 * 426)
    assert by_id["A 720/530"]["capex_musd"]["central"] == pytest.approx(182.1e3 / KZT_USD * ratio, abs=0.2)
    assert by_id["A 720/530"]["capex_musd"]["high"] == pytest.approx(
        1.5 * by_id["A 720/530"]["capex_musd"]["central"], abs=0.2)


@pytest.mark.slow
def test_north_options_compared(case):
    """Every variant is judged with every limit held: the model's design of each option carries its
    design demand; feasibility agrees with the capacity factor (≥ 1 exactly when feasible); the
    least-cost flag sits on the cheapest feasible variant; delivered-gas CO₂ is demand × CO₂/m³."""
    t = linepack.compare_options(case, "north")
    design = t[t["published"]]
    assert set(design["id"]) == {"A 630/426 + IV", "B 1020"}
    assert design["feasible"].all()
    assert ((t["capacity_factor"] >= 1.0 - 5e-3) == t["feasible"]).all()
    cheapest = t[t["feasible"]].sort_values("capex_musd_central").iloc[0]
    assert t.loc[t["least_cost"] == "family", "id"].item() == cheapest["id"]
    assert (t.loc[t["feasible"], "p_min_bar"] >= 31.0 - 1e-6).all()
    # 1.7 bcm/y (20 °C) at 1.981 kg CO2 per normal m³: 1.7e9 × 0.931776 × 1.981 ≈ 3.14 Mt/y
    assert t.loc[t["feasible"], "delivered_co2_mt_y"].iloc[0] == pytest.approx(3.14, abs=0.01)
    with pytest.raises(linepack.InputError, match="families"):
        linepack.compare_options(case, "south")


@pytest.mark.slow
def test_options_cli_east_table_and_report(tmp_path, capsys):
    """`linepack options central-asia --family east --report F`: the Altai variants, the model's
    720/530 mm design the least-cost feasible one, and a small HTML table file."""
    from linepack.cli import main

    html = tmp_path / "options.html"
    assert main(["options", "central-asia", "--family", "east", "--report", str(html)]) == 0
    text = capsys.readouterr().out
    assert "east" in text and "report written" in text
    page = html.read_text(encoding="utf-8")
    assert "C 530/426" in page and "C 720/530" in page and len(page) < 50_000
    row = page.split("C 720/530")[1].split("</tr>")[0]
    assert "family" in row   # the least-cost feasible variant of the family
