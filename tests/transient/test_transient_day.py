"""The flagship day (``linepack.transient_day``): 24 h of the corridor with the Uzbek demand swing
and a trip of CS Beineu (the compressed 11 bcm/y one-string scenario), the shut-in variant and
the loss of entry supply. The runs conserve mass, follow their stated assumptions, the border
crosses its minimum inside a bracket worked out by hand from the gas stored downstream of the
tripped station, and docs/transient.md quotes what the command prints.

The tests that check physics use coarse steps (Δt 15 or 30 min); only the docs test reruns the
days at the documented Δt 5 min."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import linepack
from linepack import transient_day as td
from linepack.cli import main as cli_main

DOC = Path(__file__).resolve().parents[2] / "docs" / "transient.md"
H = 3600.0


@pytest.fixture(scope="module")
def trip():
    return td.run_corridor_day("trip", dt="30min", output_dt="30min")


@pytest.fixture(scope="module")
def shut_in():
    return td.run_corridor_day("shut-in", dt="15min", output_dt="15min")


def _mass_balance(res) -> float:
    tot = res.totals
    dlp = tot["linepack_kg"].iloc[-1] - tot["linepack_kg"].iloc[0]
    return abs(tot["inflow_cumulative_kg"].iloc[-1] - dlp) / abs(dlp)


def test_profile_is_the_stated_assumption():
    """±15 % around the mean, peak in the 19:00 hour, daily mean kept, supply lost at 06:00."""
    prof = td.corridor_day_profile(100.0)
    demand = -prof[f"{td.BORDER}.inflow_kg_s"].to_numpy()
    supply = prof[f"{td.ENTRY}.inflow_kg_s"].to_numpy()
    assert demand[:24].mean() == pytest.approx(100.0, rel=1e-12)
    assert demand.max() == pytest.approx(115.0) and int(np.argmax(demand)) == 19
    assert demand.min() == pytest.approx(85.0) and int(np.argmin(demand)) == 7
    assert np.array_equal(supply[:6], demand[:6]) and not supply[6:].any()


def test_cases_are_the_stated_events():
    """trip: Beineu to bypass at 06:00, no restart; shut-in: closed at 06:00, 55 bar again at
    10:00; in both the entry stays held (no entry column); supply-loss: no event."""
    ev = td.day_events("trip")
    assert ev.to_dict("records") == [{"time_h": 6.0, "element": "cs_beineu", "mode": "bypass"}]
    ev = td.day_events("shut-in")
    assert list(ev["time_h"]) == [6.0, 10.0] and list(ev["mode"]) == ["closed", "active"]
    assert ev["value_bar"].iloc[1] == 55.0 and set(ev["element"]) == {td.TRIP_STATION}
    assert list(td.day_profile("trip", 100.0).columns) == ["time_h", f"{td.BORDER}.inflow_kg_s"]
    assert td.day_events("supply-loss") is None
    with pytest.raises(linepack.InputError, match="unknown flagship case 'tripp'.*did you mean 'trip'"):
        td.day_events("tripp")


def test_beineu_is_the_station_that_matters():
    """Steady n−1 (simulate, no transient): with Makat (the largest ratio, 1.38) in bypass the
    downstream stations make up its head and the border keeps its pressure; with Beineu, the
    last station before the border, nothing can: the border loses several bar."""
    tab = td.station_bypass_check(stations=("cs_makat", "cs_beineu"))
    assert (tab["status"] == "converged").all()
    none, makat, beineu = tab.loc[["none", "cs_makat", "cs_beineu"], "border_p_bar"]
    assert makat == pytest.approx(none, abs=1e-6)
    assert beineu < none - 3.0


def test_trip_lowers_the_border_and_conserves_mass(trip):
    """After the trip Beineu stops compressing (power 0, outlet = inlet) and the border falls;
    the run conserves mass to 1e-9. Before the trip Beineu holds its 55 bar set point."""
    res = trip.result
    assert res.completed and trip.mass_balance_error < 1e-9 and _mass_balance(res) < 1e-9
    p = res.pressure_bar
    TRIP = td.TRIP_HOUR * H
    assert p.loc[TRIP, "beineu_out"] == pytest.approx(55.0, abs=1e-6)
    after = p.index > TRIP
    assert np.allclose(p.loc[after, "beineu_out"], p.loc[after, "beineu_in"], atol=1e-3)
    assert (trip.station_power_mw.loc[after, td.TRIP_STATION] == 0).all()
    assert (trip.station_power_mw.loc[~after, td.TRIP_STATION] > 0).all()
    border = p[td.BORDER]
    # the station's head (55 bar out of about 51 in) is lost within the hour
    assert border.loc[TRIP + H] < border.loc[TRIP] - 1.5
    # the lowest border pressure comes after the trip, in or after the evening peak
    assert trip.border_p_min_time_h >= 19 and trip.border_p_min_bar < border.loc[TRIP] - 5
    # the other stations keep compressing: it never crosses 35 bar within the day
    assert trip.limit_time_h is None and trip.border_p_min_bar > trip.border_p_limit_bar


def test_shut_in_crosses_the_border_minimum_within_the_hand_bracket(shut_in):
    """With Beineu closed, the border draws only on the gas stored in the two 82.12 km DN1200
    strings downstream of Beineu (the route pipe and its loop, closed at its head). Bracket for
    the time the border crosses 35 bar, from mass conservation and the state equation alone
    (Papay's Z, the published formula, with the case's gas and temperature):

    * the gas stored at the trip, M0 (the run's state at 06:00), less the hourly withdrawals
      of the profile, is what is left;
    * when the border is at 35 bar every point upstream of it is at ≥ 35 bar (gas flows
      towards the border, which is also the highest point), so at least V·ρ(35 bar) is left:
      the crossing comes no later than when M0 − V ρ(35) has been withdrawn (t_hi);
    * each string carries at most the border withdrawal w, less than the steady pipe that
      carried the whole flow before the trip, so its head is at most √(35² + C w²) with
      C = (p_beineu_out² − p_border²)/w0² of the initial steady state: no more than
      V·ρ(that) is left, and the crossing comes no earlier than t_lo.

    The run detects the crossing at its first time step at or after it (Δt 15 min)."""
    res = shut_in.result
    assert res.completed and _mass_balance(res) < 1e-9
    case = linepack.load_case(td.CASE).select(td.TRIP_SCENARIO)
    net, scn = case.network, case.scenario
    gas, temp = net.gas, scn.temperature
    r_gas = 8.314462618 / gas["molar_mass"]

    def rho(p_bar):
        pr, tr = p_bar * 1e5 / gas["pseudo_critical_pressure"], temp / gas["pseudo_critical_temperature"]
        z = 1 - 3.52 * pr * np.exp(-2.26 * tr) + 0.274 * pr ** 2 * np.exp(-1.878 * tr)
        return p_bar * 1e5 / (z * r_gas * temp)

    pipes = ["cac_a_beineu_karakalpakiya", "cac_loop_beineu_karakalpakiya"]
    conn = net.connections.loc[pipes]
    assert set(conn["to_node"]) == {"karakalpakiya_in"}
    volume = float((np.pi / 4 * conn["diameter_m"] ** 2 * conn["length_m"]).sum())
    m0 = float(res.linepack_kg.loc[td.TRIP_HOUR * H, pipes].sum())
    steady = linepack.simulate(net, scn, case.controls)
    w0 = -float(scn.nodes.loc[td.BORDER, "inflow_kg_s"])
    c = (steady.nodes.loc["beineu_out", "p_bar"] ** 2
         - steady.nodes.loc["karakalpakiya_in", "p_bar"] ** 2) / w0 ** 2
    w = -shut_in.profile[f"{td.BORDER}.inflow_kg_s"].to_numpy()   # hourly, held through the hour
    head = np.sqrt(35.0 ** 2 + c * w[td.TRIP_HOUR:td.RESTART_HOUR].max() ** 2)

    def hour_withdrawn(mass):
        done = 0.0
        for h in range(td.TRIP_HOUR, td.HOURS):
            if done + w[h] * H >= mass:
                return h + (mass - done) / (w[h] * H)
            done += w[h] * H
        return np.inf

    t_lo, t_hi = hour_withdrawn(m0 - volume * rho(head)), hour_withdrawn(m0 - volume * rho(35.0))
    assert td.TRIP_HOUR < t_lo < t_hi < td.RESTART_HOUR      # the bracket is informative
    assert shut_in.border_p_limit_bar == 35.0
    assert t_lo <= shut_in.limit_time_h <= t_hi + 0.25
    assert shut_in.buffer_h == pytest.approx(shut_in.limit_time_h - td.TRIP_HOUR)
    border = res.pressure_bar[td.BORDER]
    # the border falls from the trip to the restart, and recovers above 35 bar after it
    drop = border[(border.index >= td.TRIP_HOUR * H) & (border.index <= td.RESTART_HOUR * H)]
    assert (np.diff(drop.to_numpy()) < 0).all()
    assert shut_in.border_p_min_time_h == pytest.approx(td.RESTART_HOUR, abs=0.25)
    assert border.loc[(td.RESTART_HOUR + 2) * H] > 35.0


def test_cli_runs_the_trip_from_the_written_inputs(trip, tmp_path, capsys):
    """``python -m linepack.transient_day --inputs DIR`` files fed to ``linepack transient``
    give the same border pressures as the module (same Δt)."""
    trip.profile.to_csv(tmp_path / "profile.csv", index=False)
    trip.events.to_csv(tmp_path / "events.csv", index=False)
    out = tmp_path / "trip.csv"
    rc = cli_main(["transient", td.CASE, "-s", td.TRIP_SCENARIO, "--profile", str(tmp_path / "profile.csv"),
                   "--events", str(tmp_path / "events.csv"), "--interpolation", "step",
                   "--hours", "24", "--dt", "30min", "--output-dt", "30min", "--output", str(out)])
    assert rc == 0, capsys.readouterr().err
    got = pd.read_csv(out, index_col=0)[f"{td.BORDER}.p_bar"]
    want = trip.result.pressure_bar[td.BORDER].reindex(got.index)
    assert np.allclose(got.to_numpy(), want.to_numpy(), atol=1e-4)


def test_module_command_bad_input_exit_2(tmp_path, capsys):
    """An unknown case and a report into a missing folder: exit 2 before any run."""
    with pytest.raises(SystemExit) as exc:
        td.main(["--case", "tripp"])
    assert exc.value.code == 2
    assert td.main(["--case", "trip", "--report", str(tmp_path / "nope" / "r.html")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_day_report_has_power_and_transit_linepack(trip, tmp_path):
    """The day's report draws the route's station power and the transit path's linepack."""
    from linepack.report.transient import POWER_DIV_ID

    html = td.write_day_report(trip, tmp_path / "day.html").read_text(encoding="utf-8")
    assert POWER_DIV_ID in html and "cs_beineu" in html
    assert "transit path (route pipes and their loops)" in html
    assert len(trip.transit_pipes) == 14


@pytest.fixture(scope="module")
def documented():
    return {case: td.run_corridor_day(case) for case in td.CASES}


@pytest.mark.slow
def test_docs_quote_what_the_runs_print(documented):
    """Every line each case prints (but the mass-balance round-off) is in docs/transient.md,
    and every documented run conserves mass to 1e-9."""
    text = DOC.read_text(encoding="utf-8")
    for case, day in documented.items():
        assert day.mass_balance_error < 1e-9, case
        lines = td.format_corridor_day(day).splitlines()
        assert lines[-1].startswith("mass balance error:")
        for line in lines[:-1]:
            assert line in text, line


@pytest.mark.slow
def test_supply_loss_crosses_the_border_minimum(documented):
    """The supply-loss case: the border crosses 35 bar, and after the loss the network only
    drafts (its linepack falls at every output time)."""
    day = documented["supply-loss"]
    res = day.result
    p = res.pressure_bar[td.BORDER]
    hours = p.index.to_numpy() / H
    assert day.limit_time_h is not None and day.buffer_h == pytest.approx(day.limit_time_h - td.TRIP_HOUR)
    assert (p[hours < day.limit_time_h] >= day.border_p_limit_bar).all()
    assert (p[hours >= day.limit_time_h + 0.25] < day.border_p_limit_bar).all()
    lp = res.totals["linepack_mcm"][hours >= td.TRIP_HOUR + 0.25].to_numpy()
    assert (np.diff(lp) < 0).all()


@pytest.mark.slow
def test_default_report_nodes_of_the_day(documented):
    """The report's default nodes: the busy held head, the border (lowest), the largest exits;
    the idle Altai island's held head (no flow) is left out."""
    from linepack.report.transient import default_report_nodes

    nodes = default_report_nodes(documented["supply-loss"].result)
    assert nodes[0] == "beineu_bbs" and td.BORDER in nodes and "barnaul" not in nodes
    assert len(nodes) == 6
