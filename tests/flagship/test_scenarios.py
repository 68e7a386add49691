"""The flagship Central Asia case: scenarios solve, and the model reproduces the public record.

Published figures (20 °C standard m³, as the statistics give them) and where they come from:
FACTS.md / transit_russia_uzbekistan.csv and the December 2026 addendum
(shared/data/central-asia/FACTS-addendum-2026-12.md, rows A1…A12). Each capacity test states
its tolerance and why.
"""

import math

import pytest

import linepack
from linepack.problems.capacity import check_limits

STD = 273.15 / 293.15  # 20 °C standard m³ → 0 °C normal m³ (ideal gas), as the model's meta says

# published figures, mcm/d of 20 °C m³
CONTRACT = 9.0                       # 2023 contract (transit_russia_uzbekistan.csv 2023-06)
DEC_2023 = 2 * CONTRACT              # "twice our daily obligations" (addendum A5)
JAN_FEB_2024 = 1114.0 / 60           # 1.114 bcm in 60 days (addendum A6) = 18.57
AVG_2024 = 5640.0 / 366              # 5.64 bcm in 2024 (transit csv) = 15.41
MAR_AUG_2024 = (3473.0 - 1114.0) / 184   # Jan–Aug 3.473 bcm (transit csv) less Jan–Feb = 12.82
FORECAST_2025 = 7300.0 / 365         # 2025 forecast 7.3 bcm (addendum A3) = 20.0
TARGET = 11000.0 / 365               # 11 bcm/y (transit csv target rows; A3 "from 2026") = 30.14
UZ_RECEIVING = 32.0                  # Uzbek receiving side (addendum A4)
SARYARKA_I_BCM_Y = 2.2               # Saryarka phase I design (pipelines.csv, addendum A9)


@pytest.fixture(scope="module")
def case():
    return linepack.load_case("central-asia")


@pytest.fixture(scope="module", params=["low", "central", "high"])
def aset(request):
    return request.param, linepack.load_case("central-asia", assumptions=request.param)


def _capacity_20c(c, name, **kw):
    """Transit capacity of a scenario [mcm/d, 20 °C] and the binding limit."""
    meta = c.network.meta
    cap = linepack.transit_capacity(c.network, c.scenarios[name],
                                    c.controls_for(name),
                                    entry=meta["transit_entry"], exit=meta["transit_exit"],
                                    rtol=2e-3, **kw)
    return cap.max_mcm_d / STD, cap.binding


def test_every_scenario_solves_within_limits(case):
    """All built-in scenarios converge with every limit held, except those whose meta says what
    they exceed (the 11 bcm/y peak day: the Uzbek receiving side), which must exceed exactly that."""
    for name, scn in case.scenarios.items():
        ctl = case.controls_for(name)
        res = linepack.simulate(case.network, scn, ctl)
        assert res.converged, name
        viol = check_limits(case.network, res)
        expect = scn.meta.get("expect")
        if expect:
            assert any(expect.split()[1] in v for v in viol), (name, viol)
        else:
            assert viol == [], name


def test_contract_flow_is_delivered_feasibly(case):
    """9 mcm/d (20 °C) contract: delivered at Karakalpakiya with the border above its minimum."""
    name = "transit-2023-contract"
    res = linepack.simulate(case.network, case.scenarios[name],
                            case.controls_for(name))
    q20 = -res.nodes.at["karakalpakiya", "inflow_mcm_d"] / STD
    assert q20 == pytest.approx(CONTRACT, rel=1e-5)  # the model stores 0 °C flows to 4 decimals
    assert res.nodes.at["karakalpakiya", "margin_bar"] > 0


def test_one_string_capacity_against_winter_2023_24(aset):
    """2023–24 set-up (one dedicated string, stations bypassed), winter, every assumption set:
    it carried the Jan–Feb 2024 average of 18.57 mcm/d (A6), so the capacity is at least that;
    the December 2023 level, 'twice our daily obligations' = 18 (A5), was called the technical
    maximum, whose upper end is not published: at most 20 % above 18 (21.6)."""
    name, c = aset
    for scn in ("transit-2023-december-peak", "transit-2024-jan-feb"):
        q, why = _capacity_20c(c, scn)
        assert JAN_FEB_2024 <= q <= DEC_2023 * 1.2, (name, scn, q)
        assert "karakalpakiya" in why, (name, why)


def test_one_string_capacity_carries_the_2024_average(aset):
    """Annual-mean conditions: the 2024 average of 15.41 mcm/d (5.64 bcm / 366 d) was carried."""
    name, c = aset
    q, _ = _capacity_20c(c, "transit-2024-average")
    assert q >= AVG_2024, (name, q)


def test_summer_derating_brackets_the_august_2024_report(aset):
    """Summer 2024 with the route derated (A_SUMMER_DERATE_P): it carried the Mar–Aug average of
    12.82 mcm/d, and August's 'maximum technically possible' (A8) lay below the winter flows of
    18.57, so the derated capacity must lie between the two."""
    name, c = aset
    q, _ = _capacity_20c(c, "transit-2024-summer-derated")
    assert MAR_AUG_2024 <= q < JAN_FEB_2024, (name, q)
    q_plain, _ = _capacity_20c(c, "transit-2024-average-summer")
    assert q < q_plain  # derating lowers the capacity


def test_2025_route_against_the_2025_forecast(aset):
    """Combined route of Aug 2025 (CAC-4 km 1134–851 beside the string): central and high carry
    the 2025 forecast of 20.0 mcm/d (A3) and stay under 11 bcm/y (30.14), which no report puts
    before 2026; the low set assumes the refilled section replaces the old one (A_LOOP_2025), so
    its capacity equals the one-string capacity (within the 0.2 % search tolerance)."""
    name, c = aset
    q, _ = _capacity_20c(c, "transit-2025-forecast")
    if name == "low":
        q1, _ = _capacity_20c(c, "transit-2024-average")
        assert q == pytest.approx(q1, rel=5e-3)
    else:
        assert FORECAST_2025 <= q < TARGET, (name, q)


def test_2026_route_carries_11bcm_up_to_the_uzbek_limit(aset):
    """Route of 2026 (every 2025 repair section in parallel, A_REPAIR_2026): carries 11 bcm/y
    (30.14 mcm/d, 'from 2026', A3) and is capped by the Uzbek receiving side, 32 mcm/d (A4),
    which binds in the central and high sets (the low set's 38 bar border minimum binds just
    below it); the search brackets the cap to 0.2 %."""
    name, c = aset
    q, why = _capacity_20c(c, "transit-11bcm-target")
    assert TARGET <= q <= UZ_RECEIVING * 1.002, (name, q)
    assert ("uz_receiving_side" in why) or name == "low", (name, why)


def _saryarka_capacity_bcm_y(c, scn_name="transit-2024-average-winter"):
    """Saryarka phase I capacity [bcm/y, 20 °C]: its four offtakes scaled together until a limit
    is hit (bisection to 0.5 %), at winter temperature."""
    scn = c.scenarios[scn_name]
    ctl = c.controls_for(scn_name)
    ids = ["zhezkazgan_in", "karaganda", "temirtau_in", "astana"]
    base = scn.nodes.loc[ids, "inflow_kg_s"].copy()
    rho = c.network.gas["normal_density"]
    lo, hi = 0.5, 2.5
    while hi - lo > 0.005 * lo:
        s = 0.5 * (lo + hi)
        nodes = scn.nodes.copy()
        nodes.loc[ids, "inflow_kg_s"] = base * s
        try:
            ok = not check_limits(c.network, linepack.simulate(c.network, scn.evolve(nodes=nodes), ctl))
        except linepack.LinepackError:
            ok = False
        lo, hi = (s, hi) if ok else (lo, s)
    q0_kg_s = -float(base.sum()) * lo
    return q0_kg_s * 86400 / rho / 1e6 / STD * 365 / 1000


@pytest.mark.slow
def test_saryarka_phase_i_against_its_design():
    """Saryarka phase I carries its published design of 2.2 bcm/y (A9): the central set within
    5 % (its tie-in regulator A_SARY_HEAD_P is calibrated to it); low and high bracket it."""
    q = {a: _saryarka_capacity_bcm_y(linepack.load_case("central-asia", assumptions=a))
         for a in ("low", "central", "high")}
    assert q["central"] == pytest.approx(SARYARKA_I_BCM_Y, rel=0.05)
    assert q["low"] <= SARYARKA_I_BCM_Y <= q["high"]
    assert q["low"] < q["central"] < q["high"]


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


def test_transit_headline_and_transit_path_linepack(case):
    """transit_summary: the flow at 20 °C is the 0 °C flow / (273.15/293.15) and × 365 gives bcm/y;
    the transit-path linepack is the sum of the route's pipes (parallel sections only when their
    valve is open) and well below the whole model's."""
    name = "transit-2025-forecast"   # combined-2025: two parallel sections open
    res = linepack.simulate(case.network, case.scenarios[name],
                            case.controls_for(name))
    k = linepack.transit_summary(case.network, res)
    q0 = -res.nodes.at["karakalpakiya", "inflow_mcm_d"]
    assert k["transit"]["q_mcm_d_0c"] == pytest.approx(q0)
    assert k["transit"]["q_mcm_d_20c"] == pytest.approx(FORECAST_2025, rel=1e-5)
    assert k["transit"]["bcm_y_20c"] == pytest.approx(7.3, rel=1e-5)
    path = case.network.meta["transit_path"]
    expect_pipes = list(path["pipes"]) + [p for p, lp in path["loops"].items()
                                          if lp["section"] in ("s1a", "s1b")]
    assert sorted(k["linepack"]["transit_path_pipes"]) == sorted(expect_pipes)
    assert k["linepack"]["transit_path_mcm_0c"] == pytest.approx(
        float(res.edges.loc[expect_pipes, "linepack_mcm"].sum()), rel=1e-12)
    assert k["linepack"]["transit_path_mcm_20c"] == pytest.approx(
        k["linepack"]["transit_path_mcm_0c"] / STD)
    assert k["linepack"]["transit_path_mcm_0c"] < 0.25 * k["linepack"]["whole_model_mcm_0c"]
    # hand check of the route string's gas at the mean pressure: 838.5 km of 1196 mm bore
    # between 55 and ≈ 40 bar holds ≈ p_m V / (Z R T) / ρ_n ≈ 45–55 million m³ (0 °C)
    assert 40.0 < k["linepack"]["transit_path_mcm_0c"] < 75.0


def test_fuel_and_co2_of_the_compressed_route_by_hand(case):
    """One string with the five Kazakh stations at 11 bcm/y: each station's fuel is its shaft power
    / (0.28 × NCV) and the fuel CO₂ is fuel × CO₂ per m³ from the composition (hand formula);
    the total, ≈ 29 MW and ≈ 0.8–0.9 % of the throughput, matches the review's estimate
    (addendum: ≈ 0.9 % for ≈ 29 MW)."""
    from linepack.physics.gas import Gas

    name = "transit-11bcm-target-one-string-compressed"
    res = linepack.simulate(case.network, case.scenarios[name],
                            case.controls_for(name))
    k = linepack.transit_summary(case.network, res)
    g = Gas.from_composition(case.network.meta["gas_composition"])
    ncv = g.net_calorific_value
    on_path = [s for s in k["stations"] if s["on_transit_path"]]
    assert len(on_path) == 5
    total_mw = 0.0
    for s in on_path:
        pw = res.edges.at[s["id"], "power_mw"]
        total_mw += pw
        assert s["drive_efficiency"] == 0.28
        assert s["fuel_mcm_d_0c"] == pytest.approx(pw * 1e6 / (0.28 * ncv) * 86400 / 1e6, rel=1e-12)
    assert 20.0 < total_mw < 35.0
    assert 0.6 < k["fuel"]["transit_path_pct"] < 1.1
    co2_m3 = 1.0e-3 * sum(s["fuel_co2_t_d"] for s in on_path) / (k["fuel"]["transit_path_mcm_d_0c"])
    atoms = {"CH4": 1, "C2H6": 2, "C3H8": 3, "IC4H10": 4, "NC4H10": 4, "IC5H12": 5,
             "NC5H12": 5, "NC6H14": 6, "CO2": 1}
    carbon = sum(g.composition.get(c_, 0.0) * n_ for c_, n_ in atoms.items())
    moles = 101325.0 / (g.normal_compressibility * 8.314462618 * 273.15)
    assert co2_m3 == pytest.approx(moles * carbon * 0.0440095, rel=1e-6)   # kg per normal m³
    assert k["co2"]["delivered_transit_gas_mt_y"] == pytest.approx(
        k["transit"]["q_mcm_d_0c"] * 1e6 * co2_m3 * 365 / 1e9, rel=1e-6)
    # fuel cost per bcm: fuel share × price per 1000 m³ × 10⁶ (1 bcm = 10⁶ thousand m³)
    price = case.network.meta["fuel_price_usd_per_1000m3"]["central"]
    share = k["fuel"]["transit_path_mcm_d_0c"] / k["transit"]["q_mcm_d_0c"]
    assert k["cost"]["transit_fuel_usd_per_bcm"] == pytest.approx(share * price * 1e6, rel=1e-9)


def test_main_job_runs_from_the_cli_and_writes_the_report(tmp_path, capsys):
    """`linepack simulate central-asia --report FILE` prints the transit headline first, with its
    basis, then the summary, and writes one HTML file."""
    from linepack.cli import main

    out = tmp_path / "ca.html"
    assert main(["simulate", "central-asia", "--report", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.index("corridor transit") < text.index("status")
    for piece in ("15.41 mcm/d (20 °C)", "14.36 mcm/d (0 °C)", "linepack, transit path",
                  "linepack, whole model", "volume basis", "bcm/y"):
        assert piece in text, piece
    html = out.read_text(encoding="utf-8")
    assert "<script src=" not in html and len(html) > 100_000
    assert 'id="transit-section"' in html and "15.41 mcm/d (20 °C)" in html
    assert "Linepack, transit path" in html and "mcm (0 °C)" in html


def test_assumption_sets_change_what_they_say(case):
    """--assumptions low|high: the sets change only the fields their assumptions govern."""
    low = linepack.load_case("central-asia", assumptions="low")
    high = linepack.load_case("central-asia", assumptions="high")
    assert low.network.nodes.at["karakalpakiya", "p_min_pa"] == 38e5
    assert case.network.nodes.at["karakalpakiya", "p_min_pa"] == 35e5
    assert high.network.nodes.at["karakalpakiya", "p_min_pa"] == 33e5
    assert low.control_set("combined-2025").table.at["v_cac_loop_alexandrov_gai_zhangala", "mode"] == "closed"
    assert high.network.connections.at["cac_loop_makat_kulsary", "diameter_m"] == pytest.approx(1.3886)
    assert low.network.connections["length_m"].equals(case.network.connections["length_m"])
    with pytest.raises(linepack.InputError, match="did you mean 'low'"):
        linepack.load_case("central-asia", assumptions="lwo")


def test_unit_conversions_of_the_meta_are_exact(case):
    """Model meta: target = 11 bcm/y of 20 °C m³ as 0 °C mcm/d; the Uzbek limit in kg/s."""
    meta = case.network.meta
    assert meta["transit_target_mcm_d"] == pytest.approx(TARGET * STD, abs=1e-4)
    rho = case.network.gas["normal_density"]
    fmax = case.network.connections.at["uz_receiving_side", "flow_max_kg_s"]
    assert fmax == pytest.approx(UZ_RECEIVING * 1e6 * STD * rho / 86400, abs=1e-4)
    assert math.isclose(meta["standard_to_normal"], STD)
