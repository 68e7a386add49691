"""Compressor fuel gas drawn from the network: where, how much, and the steady state that holds it.

A compressor station's drive (a gas turbine) burns

    fuel = shaft power / (η_drive · LHV)            [kg/s]

(:func:`linepack.physics.compressor.fuel_gas_flow`: the driver's energy balance, Menon 2005
ch. 8), with the lower heating value per kg. It is taken from the network at the station's fuel
node: GasLib's ``fuelGasVertex`` where the file gives one
(``network.meta["gaslib"]["elements"][id]["fuel_gas_vertex"]``), else the station's inlet.

Defaults (documented, used by :func:`linepack.simulate` with ``SteadyOptions(fuel_gas=True)``,
by :func:`linepack.optimize_operation` and by the optimisation room's formulation):

* η_drive = :data:`DEFAULT_DRIVE_EFFICIENCY` = 0.35 (industrial gas turbines of 5–30 MW in simple
  cycle are rated at 30–40 % at ISO conditions);
* LHV = the gas's net calorific value per kg (ISO 6976, where its composition is known), else
  :data:`DEFAULT_LHV` = 47 MJ/kg (between methane, 50.0 MJ/kg, and a typical H-gas with a few
  % ethane and inerts).

Withdrawing the fuel is off by default (``SteadyOptions.fuel_gas=False``): nominations (GasLib's
among them) balance entries against exits without it, and the fuel is then reported only. With
it on, the steady state is a fixed point: the fuel of each station in operation, from its power
in the last solve, is withdrawn at its fuel node and the network solved again, until no
station's fuel changes by more than 10⁻⁹ of the flow scale (:func:`simulate_with_fuel`). The
nodes that hold a pressure (the scenario's, else the default reference) supply it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linepack.errors import InputError, NotConverged
from linepack.physics.compressor import DEFAULT_DRIVE_EFFICIENCY, fuel_gas_flow

__all__ = ["DEFAULT_DRIVE_EFFICIENCY", "DEFAULT_LHV", "fuel_kg_s", "lower_heating_value",
           "fuel_nodes", "station_drive_efficiencies", "station_fuel", "simulate_with_fuel"]

#: Lower heating value of the fuel gas when the gas has no composition. [J/kg]
DEFAULT_LHV = 47.0e6
#: Rounds of the fuel fixed point before simulate gives up (NotConverged).
FUEL_ROUNDS = 30


def fuel_kg_s(power_w, drive_efficiency, lhv_j_kg):
    """Fuel drawn by a station's drive: shaft power / (η_drive · LHV) [kg/s]
    (:func:`linepack.physics.compressor.fuel_gas_flow` with the heating value per kg)."""
    return fuel_gas_flow(np.maximum(np.asarray(power_w, dtype=float), 0.0), drive_efficiency,
                         lhv_j_kg)


def lower_heating_value(gas, rho_n: float, lhv_j_kg: float | None = None) -> float:
    """The LHV [J/kg]: ``lhv_j_kg`` if given, else the gas's net calorific value per normal m³
    divided by its normal density, else :data:`DEFAULT_LHV`."""
    if lhv_j_kg is not None:
        v = float(lhv_j_kg)
        if not (np.isfinite(v) and v > 0):
            raise InputError(f"lower heating value must be a finite number > 0 J/kg (got {lhv_j_kg!r})")
        return v
    ncv = float(getattr(gas, "net_calorific_value", np.nan))
    if np.isfinite(ncv) and ncv > 0 and rho_n > 0:
        return ncv / rho_n
    return DEFAULT_LHV


def drive_efficiency_or_default(value: float | None) -> float:
    if value is None:
        return DEFAULT_DRIVE_EFFICIENCY
    v = float(value)
    if not (0 < v <= 1):
        raise InputError(f"drive efficiency must be in (0, 1] (got {value!r})")
    return v


def station_drive_efficiencies(network, value=None) -> pd.Series:
    """Station id → η_drive [-]: ``value`` where given (one number for every station, or
    ``{station id: number}``), else the case's labelled ``meta["station_drive_efficiency"]``
    (the built-in central-asia case gives one per station), else
    :data:`DEFAULT_DRIVE_EFFICIENCY`. The report, the plan and the optimisation problems all
    take a station's efficiency from here or from the same case field, so one station burns the
    same fuel for the same power in every output."""
    conns = network.connections
    cs = conns.index[conns["kind"] == "compressorStation"]
    labelled = (getattr(network, "meta", None) or {}).get("station_drive_efficiency") or {}
    if isinstance(value, dict):
        unknown = sorted(set(map(str, value)) - set(map(str, cs)))
        if unknown:
            raise InputError(f"drive efficiency given for '{unknown[0]}', which is not a compressor "
                             f"station of the network")
    out = {}
    for cid in cs:
        if isinstance(value, dict):
            v = value.get(cid, labelled.get(cid))
        elif value is not None:
            v = value
        else:
            v = labelled.get(cid)
        out[cid] = drive_efficiency_or_default(v)
    return pd.Series(out, index=cs, dtype=float, name="drive_efficiency")


def fuel_nodes(network) -> pd.Series:
    """Station id → the node its fuel is drawn at (GasLib ``fuelGasVertex``, else the inlet)."""
    conns = network.connections
    cs = conns.index[conns["kind"] == "compressorStation"]
    extra = ((network.meta or {}).get("gaslib") or {}).get("elements") or {}
    out = {}
    for cid in cs:
        node = (extra.get(cid) or {}).get("fuel_gas_vertex")
        if node is None or node not in network.nodes.index:
            node = conns.at[cid, "from_node"]
        out[cid] = node
    return pd.Series(out, dtype=object, name="fuel_node")


def station_fuel(result, drive_efficiency, lhv_j_kg: float) -> pd.Series:
    """Fuel of every station of a steady result [kg/s]: in operation, from its shaft power;
    bypassed or closed, none. ``drive_efficiency``: one number, or a Series by station id
    (:func:`station_drive_efficiencies`)."""
    e = result.edges[result.edges["kind"] == "compressorStation"]
    if isinstance(drive_efficiency, pd.Series):
        drive_efficiency = drive_efficiency.reindex(e.index).to_numpy(float)
    state = e["mode"].astype(str).str.split(":", n=1).str[0].to_numpy()
    power = np.where(state == "active", np.nan_to_num(e["power_mw"].to_numpy(float)), 0.0) * 1e6
    return pd.Series(np.asarray(fuel_kg_s(power, drive_efficiency, lhv_j_kg), dtype=float),
                     index=e.index, name="fuel_kg_s")


def simulate_with_fuel(run, network, scenario, opts, gas, rho_n):
    """The steady state with every station's fuel withdrawn at its fuel node (module notes).

    ``run(scenario, p_guess, m_guess)`` solves one steady state (:func:`linepack.simulate`'s
    inner solve); the result's ``options["fuel_gas_drawn"]`` gives the fuel by station [kg/s], the
    node it was drawn at, η_drive, the LHV and the rounds.
    """
    eta = station_drive_efficiencies(network, opts.drive_efficiency)
    lhv = lower_heating_value(gas, rho_n, opts.lhv_j_kg)
    where = fuel_nodes(network)
    base = scenario.nodes.copy()
    for node in set(where):
        if node not in base.index:
            base.loc[node] = np.nan
    base["inflow_kg_s"] = base["inflow_kg_s"].astype(float)
    scale = max(float(np.nansum(np.abs(base["inflow_kg_s"].to_numpy(float)))) / 2.0, 1e-3)
    res = run(scenario, None, None)
    fuel = pd.Series(0.0, index=where.index)
    for k in range(1, FUEL_ROUNDS + 1):
        new = station_fuel(res, eta, lhv).reindex(where.index).fillna(0.0)
        if k > 1 and float(np.max(np.abs((new - fuel).to_numpy()), initial=0.0)) <= 1e-9 * scale:
            break
        fuel = new
        nodes = base.copy()
        drawn = fuel.groupby(where).sum()
        nodes.loc[drawn.index, "inflow_kg_s"] = nodes.loc[drawn.index, "inflow_kg_s"].fillna(0.0) - drawn
        res = run(scenario.evolve(nodes=nodes), res.nodes["p_bar"] * 1e5, res.edges["m_kg_s"])
    else:
        raise NotConverged(f"compressor fuel gas: the fuel of the stations did not settle in "
                           f"{FUEL_ROUNDS} rounds (largest change "
                           f"{float(np.max(np.abs((new - fuel).to_numpy()), initial=0.0)):.3g} kg/s)")
    res.options["fuel_gas_drawn"] = {"fuel_kg_s": {str(c): float(v) for c, v in fuel.items()},
                               "fuel_node": {str(c): str(n) for c, n in where.items()},
                               "drive_efficiency": {str(c): float(v) for c, v in eta.items()},
                               "lhv_j_kg": lhv, "rounds": k}
    return res
