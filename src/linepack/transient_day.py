"""The flagship day: 24 hours of the Central Asia transit corridor with an hourly Uzbek demand
swing and a trip of the compressor station nearest the Uzbek border.

Run it with ``python -m linepack.transient_day [--case trip|shut-in|supply-loss|n-1]``
(``--report day.html`` writes the HTML report, ``--inputs DIR`` writes the profile and the
events as CSV for ``linepack transient``) or :func:`run_corridor_day`. Everything the run
assumes is a constant of this module, named and explained (docs/transient.md):

* **Case** (``trip``, ``shut-in``): the built-in ``central-asia`` case, scenario
  ``transit-11bcm-target-one-string-compressed`` — the 11 bcm/y target (28.08 mcm/d at 0 °C
  to the Uzbek border at ``karakalpakiya``) on one dedicated 1220 mm string with the five
  Kazakh CAC stations (Zhangala, Makat, Kulsary, Opornaya, Beineu) holding 55 bar (the MAOP)
  at their outlets, the entry ``alexandrov_gai`` held at 55 bar by the Russian side.
* **Demand swing (assumption)**: the border withdrawal follows
  ``mean × (1 + 0.15 cos(2π (h − 19) / 24))`` hour by hour (held through each hour): ±15 %
  around the scenario's daily mean, the peak in the hour from 19:00, the trough from 07:00,
  the daily mean unchanged (24 equally spaced samples of a cosine sum to zero). No hourly
  Uzbek offtake data is published; ±15 % is the order of the within-day swing of a
  residential/power-dominated city-gate demand and is a stated assumption, not a fact.
* **The station that matters**: ``cs_beineu``, the last station before the border. In the
  steady state each of the four stations upstream of it can trip to bypass without the border
  noticing (the stations downstream raise their ratios and still deliver 55 bar; printed by
  ``--case n-1``); only a trip of Beineu lowers the border pressure.
* **Event ``trip`` (assumption)**: at 06:00 Beineu trips and its gas flows on through the
  station bypass (station state ``bypass``); it is not restarted within the day.
* **Event ``shut-in`` (assumption)**: at 06:00 Beineu trips with an emergency shutdown that
  isolates it (state ``closed``: no bypass), and it is restarted at 10:00 at its 55 bar set
  point (4 h to find the cause, reset and restart a unit). Until then the border draws only
  on the gas stored downstream of Beineu (the 82 km string to the border and its parallel
  loop, closed at its head but open to the border).
* **Event ``supply-loss`` (the first version of this day)**: scenario
  ``transit-11bcm-target`` (the 2026 combined route, every Kazakh station bypassed); the entry
  delivers the hourly nomination until 06:00 and nothing after, while the border keeps
  withdrawing.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CASE", "SCENARIO", "TRIP_SCENARIO", "BORDER", "ENTRY", "TRIP_STATION",
           "ROUTE_STATIONS", "SWING", "PEAK_HOUR", "TRIP_HOUR", "RESTART_HOUR",
           "SUPPLY_AFTER_TRIP", "HOURS", "CASES", "CorridorDay", "corridor_day_profile",
           "day_profile", "day_events", "run_corridor_day", "format_corridor_day",
           "station_bypass_check", "format_bypass_check", "transit_path_pipes",
           "write_day_report", "main"]

CASE = "central-asia"
#: scenario of the supply-loss case (2026 combined route, no station running)
SCENARIO = "transit-11bcm-target"
#: scenario of the trip and shut-in cases (one string, the five CAC stations running)
TRIP_SCENARIO = "transit-11bcm-target-one-string-compressed"
#: the Uzbek border exit and the Russian entry of the transit route
BORDER, ENTRY = "karakalpakiya", "alexandrov_gai"
#: the Kazakh CAC stations on the transit route, entry to border
ROUTE_STATIONS = ("cs_zhangala", "cs_makat", "cs_kulsary", "cs_opornaya", "cs_beineu")
#: the station that trips (the last before the border; see ``--case n-1``)
TRIP_STATION = "cs_beineu"
#: relative half-amplitude of the hourly demand swing at the border (assumption)
SWING = 0.15
#: start of the hour of peak demand (local time; trough 12 h later) (assumption)
PEAK_HOUR = 19
#: hour of the event: the trip, or the loss of the entry supply (assumption)
TRIP_HOUR = 6
#: hour the shut-in station is restarted at its set point (assumption)
RESTART_HOUR = 10
#: outlet set point of the restarted station [bar, absolute]: its scenario value, the MAOP
RESTART_P_OUT_BAR = 55.0
#: entry supply after the supply-loss event, as a fraction of the nomination (assumption)
SUPPLY_AFTER_TRIP = 0.0
HOURS = 24

#: the named cases: scenario and a one-line description of the event
CASES = {
    "trip": (TRIP_SCENARIO, f"{TRIP_STATION} trips to bypass at {TRIP_HOUR}:00, not restarted"),
    "shut-in": (TRIP_SCENARIO, f"{TRIP_STATION} shut in (closed, no bypass) at {TRIP_HOUR}:00, "
                               f"restarted at {RESTART_HOUR}:00 ({RESTART_P_OUT_BAR:g} bar)"),
    "supply-loss": (SCENARIO, f"entry supply lost at {TRIP_HOUR}:00 "
                              f"({SUPPLY_AFTER_TRIP:.0%} after), no station running"),
}


def _check_case(case: str) -> str:
    from linepack.errors import InputError, did_you_mean

    if case not in CASES:
        raise InputError(f"unknown flagship case '{case}'{did_you_mean(case, list(CASES))}; "
                         f"cases: {', '.join(CASES)}")
    return case


def corridor_day_profile(mean_withdrawal_kg_s: float, *, swing: float = SWING,
                         peak_hour: int = PEAK_HOUR, trip_hour: int = TRIP_HOUR,
                         supply_after_trip: float = SUPPLY_AFTER_TRIP,
                         hours: int = HOURS) -> pd.DataFrame:
    """The supply-loss case's hourly boundary profile (use with step interpolation): border
    withdrawal and entry supply per hour, one row per hour from 0 to ``hours``.

    ``mean_withdrawal_kg_s`` is the scenario's daily mean at the border (> 0). The border
    withdraws ``mean × (1 + swing cos(2π (h − peak_hour) / 24))``; the entry supplies the same
    until ``trip_hour`` and ``supply_after_trip`` × that from then on.
    """
    h = np.arange(hours + 1, dtype=float)
    shape = 1.0 + swing * np.cos(2.0 * np.pi * (h - peak_hour) / 24.0)
    demand = mean_withdrawal_kg_s * shape
    supply = np.where(h < trip_hour, demand, supply_after_trip * demand)
    return pd.DataFrame({"time_h": h, f"{BORDER}.inflow_kg_s": -demand,
                         f"{ENTRY}.inflow_kg_s": supply})


def day_profile(case: str, mean_withdrawal_kg_s: float) -> pd.DataFrame:
    """The case's hourly boundary profile: the border swing, and for ``supply-loss`` the entry
    supply too (in the trip cases the entry stays held at its scenario pressure)."""
    prof = corridor_day_profile(mean_withdrawal_kg_s)
    if _check_case(case) == "supply-loss":
        return prof
    return prof[["time_h", f"{BORDER}.inflow_kg_s"]]


def day_events(case: str) -> pd.DataFrame | None:
    """The case's control events (``None`` for ``supply-loss``, an entry profile instead)."""
    if _check_case(case) == "trip":
        return pd.DataFrame({"time_h": [float(TRIP_HOUR)], "element": [TRIP_STATION],
                             "mode": ["bypass"]})
    if case == "shut-in":
        return pd.DataFrame({"time_h": [float(TRIP_HOUR), float(RESTART_HOUR)],
                             "element": [TRIP_STATION, TRIP_STATION],
                             "mode": ["closed", "active"], "setpoint": ["", "p_out"],
                             "value_bar": [np.nan, RESTART_P_OUT_BAR]})
    return None


def transit_path_pipes(network) -> list[str]:
    """The pipes of the transit path between entry and border (the case's ``transit_path``:
    the route's pipes and their parallel loops, open or closed at their heads)."""
    path = network.meta.get("transit_path") or {}
    return list(path.get("pipes", [])) + list((path.get("loops") or {}).keys())


@dataclass(frozen=True)
class CorridorDay:
    """Outcome of :func:`run_corridor_day`."""

    case: str
    scenario: str
    result: object            #: the TransientResult
    profile: pd.DataFrame     #: the boundary profile used
    events: pd.DataFrame | None  #: the control events used
    border_p_start_bar: float
    border_p_min_bar: float   #: lowest border pressure at the output times [bar, absolute]
    border_p_min_time_h: float
    border_p_limit_bar: float  #: the border's minimum pressure (network bound)
    limit_time_h: float | None  #: first time the border is below its minimum (None: never)
    buffer_h: float | None     #: hours from the event to that time (None: more than the run)
    linepack_start_mcm: float
    linepack_end_mcm: float
    transit_pipes: tuple      #: the pipes of the transit path (:func:`transit_path_pipes`)
    transit_linepack_mcm: pd.Series  #: linepack of the transit path over time [mcm, 0 °C]
    station_power_mw: pd.DataFrame   #: power of the route's stations over time (0: not compressing)
    mass_balance_error: float  #: |Δ linepack − ∫ net inflow dt| / |Δ linepack|


def run_corridor_day(case: str = "trip", *, dt: str = "5min", dx_km: float = 10.0,
                     output_dt: str = "15min", tol: float = 1e-12) -> CorridorDay:
    """Run one case of the flagship day (see the module's assumptions) and return its figures."""
    import linepack

    scenario = CASES[_check_case(case)][0]
    opened = linepack.load_case(CASE).select(scenario)
    net, scn, ctl = opened.network, opened.scenario, opened.controls
    steady = linepack.simulate(net, scn, ctl)
    mean = -float(scn.nodes.loc[BORDER, "inflow_kg_s"])
    profile = day_profile(case, mean)
    events = day_events(case)
    res = linepack.simulate_transient(
        net, scn, ctl, initial=steady, duration=HOURS * 3600.0, dt=dt, output_dt=output_dt,
        profile=profile, events=events,
        options=linepack.TransientOptions(dx_max=dx_km * 1e3, interpolation="step", tol=tol))
    p = res.pressure_bar[BORDER]
    limit = float(net.nodes.loc[BORDER, "p_min_pa"]) / 1e5
    v = res.violations
    hit = v[(v["element"] == BORDER) & (v["limit"].astype(str) == "p_min")]
    t_hit = float(hit["first_time_s"].iloc[0]) / 3600.0 if len(hit) else None
    tot = res.totals
    lp = tot["linepack_kg"].to_numpy(float)
    err = abs((lp[-1] - lp[0]) - float(tot["inflow_cumulative_kg"].iloc[-1])) / abs(lp[-1] - lp[0])
    kg_per_mcm = lp[0] / float(tot["linepack_mcm"].iloc[0])
    path = [c for c in transit_path_pipes(net) if c in res.linepack_kg.columns]
    transit = res.linepack_kg[path].sum(axis=1) / kg_per_mcm
    stations = [s for s in ROUTE_STATIONS if s in res.station_power_mw.columns]
    power = res.station_power_mw[stations].fillna(0.0)
    return CorridorDay(
        case=case, scenario=scenario, result=res, profile=profile, events=events,
        border_p_start_bar=float(p.iloc[0]),
        border_p_min_bar=float(p.min()), border_p_min_time_h=float(p.idxmin()) / 3600.0,
        border_p_limit_bar=limit, limit_time_h=t_hit,
        buffer_h=None if t_hit is None else t_hit - TRIP_HOUR,
        linepack_start_mcm=float(tot["linepack_mcm"].iloc[0]),
        linepack_end_mcm=float(tot["linepack_mcm"].iloc[-1]),
        transit_pipes=tuple(path), transit_linepack_mcm=transit, station_power_mw=power, mass_balance_error=err)


def _at(series: pd.Series, hour: float) -> float:
    return float(series.loc[hour * 3600.0])


def format_corridor_day(day: CorridorDay) -> str:
    """The lines ``python -m linepack.transient_day --case ...`` prints."""
    res = day.result
    if day.buffer_h is not None:
        buffer = (f"{day.buffer_h:.2f} h (border below {day.border_p_limit_bar:.0f} bar at "
                  f"t = {day.limit_time_h:.2f} h)")
    else:
        buffer = (f"more than {HOURS - TRIP_HOUR} h (the border stays above its "
                  f"{day.border_p_limit_bar:.0f} bar minimum to the end of the run)")
    tl = day.transit_linepack_mcm
    lines = [
        f"{CASE} / {day.scenario}: {HOURS} h, border swing ±{SWING:.0%} (peak {PEAK_HOUR}:00), "
        f"{CASES[day.case][1]}",
        f"status: {res.status}, {res.steps} steps",
        f"border {BORDER}: {day.border_p_start_bar:.2f} bar at start, lowest "
        f"{day.border_p_min_bar:.2f} bar at t = {day.border_p_min_time_h:.2f} h",
        f"linepack buffer after the event: {buffer}",
        f"transit path linepack: {tl.iloc[0]:.2f} mcm at start, {_at(tl, TRIP_HOUR):.2f} at the "
        f"event, lowest {tl.min():.2f} at t = {tl.idxmin() / 3600:.2f} h, {tl.iloc[-1]:.2f} at "
        f"the end (0 °C)",
    ]
    total = day.station_power_mw.sum(axis=1)
    if len(total) and total.max() > 0:
        lines.append(
            f"route station power: {total.iloc[0]:.1f} MW at start, "
            f"{_at(total, TRIP_HOUR):.1f} MW at the event, highest {total.max():.1f} MW at "
            f"t = {total.idxmax() / 3600:.2f} h, {total.iloc[-1]:.1f} MW at the end")
    lines += [
        f"linepack (whole case): {day.linepack_start_mcm:.2f} -> {day.linepack_end_mcm:.2f} mcm (0 °C)",
        f"mass balance error: {day.mass_balance_error:.1e} (relative)",
    ]
    return "\n".join(lines)


def station_bypass_check(scenario: str = TRIP_SCENARIO,
                         stations: tuple[str, ...] = ROUTE_STATIONS) -> pd.DataFrame:
    """Steady n−1 check of the route's stations: the border pressure [bar, absolute] with each
    station in bypass, the other route stations automatic (the steady control rule: they hold
    55 bar, their largest outlet pressure and the scenario's set point, or run at their
    largest ratio where they cannot), one row per station of ``stations``; the row ``none``
    has every station running."""
    import linepack

    opened = linepack.load_case(CASE).select(scenario)
    net, scn, ctl = opened.network, opened.scenario, opened.controls
    # the route's stations follow the control rule (they cap at their largest ratio)
    base = ctl.table.drop(index=[s for s in ROUTE_STATIONS if s in ctl.table.index])
    rows = []
    for name in ("none",) + tuple(stations):
        table = base
        if name != "none":
            table = pd.concat([base, pd.DataFrame({"mode": ["bypass"]}, index=[name])])
        res = linepack.simulate(net, scn, linepack.Controls(table))
        e = res.edges.loc[list(ROUTE_STATIONS)]
        rows.append({"bypassed": name, "status": res.status,
                     "border_p_bar": float(res.nodes.loc[BORDER, "p_bar"]),
                     "ratios": " ".join(f"{r:.3f}" for r in e["ratio"].to_numpy(float))})
    return pd.DataFrame(rows).set_index("bypassed")


def format_bypass_check(table: pd.DataFrame) -> str:
    head = (f"{CASE} / {TRIP_SCENARIO}: steady border pressure with one route station in bypass "
            f"(ratios of {', '.join(ROUTE_STATIONS)})")
    return "\n".join([head] + [f"{k}: {r.border_p_bar:.2f} bar, {r.status}, ratios {r.ratios}"
                               for k, r in table.iterrows()])


def write_day_report(day: CorridorDay, path) -> object:
    """The day's HTML report (:func:`linepack.write_transient_report`): border, entry and the
    tripped station's ends, the transit path's linepack, the route's station power."""
    import linepack

    res = day.result
    nodes = [BORDER, ENTRY]
    if day.case != "supply-loss":
        nodes += ["beineu_in", "beineu_out"]
    return linepack.write_transient_report(
        res, path, nodes, title=f"{CASE} / {day.scenario} — {HOURS} h, {CASES[day.case][1]}",
        linepack_pipes=list(day.transit_pipes),
        linepack_label="transit path (route pipes and their loops)",
        stations=list(day.station_power_mw.columns))


def main(argv: list[str] | None = None) -> int:
    """``python -m linepack.transient_day``: run a case and print its figures (exit 0 when the
    run completed, 1 on a breakdown, 2 on bad input)."""
    from linepack.errors import InputError

    ap = argparse.ArgumentParser(prog="python -m linepack.transient_day",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--case", default="trip", choices=list(CASES) + ["n-1"],
                    help="the event (default: trip); n-1: the steady bypass check")
    ap.add_argument("--dt", default="5min", help="time step (default 5min)")
    ap.add_argument("--dx-km", type=float, default=10.0, help="longest pipe segment, km")
    ap.add_argument("--report", default=None, help="write the HTML report to this file")
    ap.add_argument("--inputs", default=None,
                    help="write the case's profile.csv (and events.csv) into this existing folder")
    args = ap.parse_args(argv)
    try:
        if args.case == "n-1":
            print(format_bypass_check(station_bypass_check()))
            return 0
        from pathlib import Path

        for opt, p in (("--report", args.report), ("--inputs", args.inputs)):
            if p is not None:
                where = Path(p) if opt == "--inputs" else Path(p).parent
                if not where.is_dir():
                    raise InputError(f"{opt} '{p}': the folder '{where}' does not exist")
        day = run_corridor_day(args.case, dt=args.dt, dx_km=args.dx_km)
        print(format_corridor_day(day))
        if args.inputs is not None:
            from linepack.files import atomic_write_texts

            files = {Path(args.inputs) / "profile.csv": day.profile.to_csv(index=False)}
            if day.events is not None:
                files[Path(args.inputs) / "events.csv"] = day.events.to_csv(index=False)
            for f in atomic_write_texts(files):
                print(f"written {f}")
        if args.report is not None:
            print(f"report written to {write_day_report(day, args.report)}")
        if not day.result.completed:
            print(day.result.message, file=sys.stderr)
            return 1
        return 0
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
