"""The flagship day: 24 hours of the Central Asia transit corridor with an hourly Uzbek demand
swing and a loss of supply at the entry.

Run it with ``python -m linepack.transient_day`` or :func:`run_corridor_day`. Everything the
run assumes is a constant of this module, named and explained (docs/transient.md):

* **Case**: the built-in ``central-asia`` case, scenario ``transit-11bcm-target`` (2026
  ramp-up target 11 bcm/y, 28.08 mcm/d at 0 °C to the Uzbek border at ``karakalpakiya``,
  every Kazakh station on the transit route in bypass).
* **Demand swing (assumption)**: the border withdrawal follows
  ``mean × (1 + 0.15 cos(2π (h − 19) / 24))`` hour by hour (held through each hour): ±15 %
  around the scenario's daily mean, the peak in the hour from 19:00, the trough from 07:00,
  the daily mean unchanged (24 equally spaced samples of a cosine sum to zero). No hourly
  Uzbek offtake data is published; ±15 % is the order of the within-day swing of a
  residential/power-dominated city-gate demand and is a stated assumption, not a fact.
* **Supply**: the entry ``alexandrov_gai`` (Russian CS Alexandrov Gai) supplies the hourly
  nomination (the same swing) until the event.
* **Event (assumption)**: the scenario has no compressor station in operation on the transit
  route (all Kazakh CAC stations are bypassed), so the event is a loss of supply at the
  entry: from 06:00 the entry delivers nothing (e.g. a trip of the Russian head station)
  while Uzbekistan keeps withdrawing. The linepack between the entry and the border is then
  the only gas the border gets; the run shows how low the border pressure falls and how many
  hours pass until it reaches its 35 bar minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CASE", "SCENARIO", "BORDER", "ENTRY", "SWING", "PEAK_HOUR", "TRIP_HOUR",
           "SUPPLY_AFTER_TRIP", "CorridorDay", "corridor_day_profile", "run_corridor_day",
           "format_corridor_day"]

CASE = "central-asia"
SCENARIO = "transit-11bcm-target"
#: the Uzbek border exit and the Russian entry of the transit route
BORDER, ENTRY = "karakalpakiya", "alexandrov_gai"
#: relative half-amplitude of the hourly demand swing at the border (assumption)
SWING = 0.15
#: start of the hour of peak demand (local time; trough 12 h later) (assumption)
PEAK_HOUR = 19
#: hour at which the entry supply is lost (assumption)
TRIP_HOUR = 6
#: entry supply after the event, as a fraction of the nomination (assumption: total loss)
SUPPLY_AFTER_TRIP = 0.0
HOURS = 24


def corridor_day_profile(mean_withdrawal_kg_s: float, *, swing: float = SWING,
                         peak_hour: int = PEAK_HOUR, trip_hour: int = TRIP_HOUR,
                         supply_after_trip: float = SUPPLY_AFTER_TRIP,
                         hours: int = HOURS) -> pd.DataFrame:
    """The hourly boundary profile (use with step interpolation): border withdrawal and entry
    supply per hour, one row per hour from 0 to ``hours``.

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


@dataclass(frozen=True)
class CorridorDay:
    """Outcome of :func:`run_corridor_day`."""

    result: object            #: the TransientResult
    profile: pd.DataFrame     #: the boundary profile used
    border_p_start_bar: float
    border_p_min_bar: float   #: lowest border pressure at the output times [bar, absolute]
    border_p_min_time_h: float
    border_p_limit_bar: float  #: the border's minimum pressure (network bound)
    limit_time_h: float | None  #: first time the border is below its minimum (None: never)
    buffer_h: float | None     #: hours from the event to that time (None: more than the run)
    linepack_start_mcm: float
    linepack_end_mcm: float
    mass_balance_error: float  #: |Δ linepack − ∫ net inflow dt| / |Δ linepack|


def run_corridor_day(*, dt: str = "5min", dx_km: float = 10.0,
                     output_dt: str = "15min", tol: float = 1e-10) -> CorridorDay:
    """Run the flagship day (see the module's assumptions) and return its figures."""
    import linepack

    case = linepack.load_case(CASE).select(SCENARIO)
    net, scn, ctl = case.network, case.scenario, case.controls
    steady = linepack.simulate(net, scn, ctl)
    mean = -float(scn.nodes.loc[BORDER, "inflow_kg_s"])
    profile = corridor_day_profile(mean)
    res = linepack.simulate_transient(
        net, scn, ctl, initial=steady, duration=HOURS * 3600.0, dt=dt, output_dt=output_dt,
        profile=profile,
        options=linepack.TransientOptions(dx_max=dx_km * 1e3, interpolation="step", tol=tol))
    p = res.pressure_bar[BORDER]
    limit = float(net.nodes.loc[BORDER, "p_min_pa"]) / 1e5
    v = res.violations
    hit = v[(v["element"] == BORDER) & (v["limit"].astype(str).str.contains("min"))]
    t_hit = float(hit["first_time_s"].iloc[0]) / 3600.0 if len(hit) else None
    tot = res.totals
    lp = tot["linepack_kg"].to_numpy(float)
    err = abs((lp[-1] - lp[0]) - float(tot["inflow_cumulative_kg"].iloc[-1])) / abs(lp[-1] - lp[0])
    return CorridorDay(
        result=res, profile=profile, border_p_start_bar=float(p.iloc[0]),
        border_p_min_bar=float(p.min()), border_p_min_time_h=float(p.idxmin()) / 3600.0,
        border_p_limit_bar=limit, limit_time_h=t_hit,
        buffer_h=None if t_hit is None else t_hit - TRIP_HOUR,
        linepack_start_mcm=float(tot["linepack_mcm"].iloc[0]),
        linepack_end_mcm=float(tot["linepack_mcm"].iloc[-1]), mass_balance_error=err)


def format_corridor_day(day: CorridorDay) -> str:
    """The lines ``python -m linepack.transient_day`` prints."""
    res = day.result
    buffer = (f"{day.buffer_h:.1f} h (border below {day.border_p_limit_bar:.0f} bar at "
              f"t = {day.limit_time_h:.2f} h)" if day.buffer_h is not None
              else f"more than {HOURS - TRIP_HOUR} h (to the end of the run)")
    return "\n".join([
        f"{CASE} / {SCENARIO}: {HOURS} h, border swing ±{SWING:.0%} (peak {PEAK_HOUR}:00), "
        f"entry supply lost at {TRIP_HOUR}:00 ({SUPPLY_AFTER_TRIP:.0%} after)",
        f"status: {res.status}, {res.steps} steps",
        f"border {BORDER}: {day.border_p_start_bar:.2f} bar at start, lowest "
        f"{day.border_p_min_bar:.2f} bar at t = {day.border_p_min_time_h:.2f} h",
        f"linepack buffer after the loss of supply: {buffer}",
        f"linepack: {day.linepack_start_mcm:.2f} -> {day.linepack_end_mcm:.2f} mcm (0 °C)",
        f"mass balance error: {day.mass_balance_error:.1e} (relative)",
    ])


if __name__ == "__main__":  # pragma: no cover
    print(format_corridor_day(run_corridor_day()))
