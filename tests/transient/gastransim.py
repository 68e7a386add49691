"""Read GasTranSim.jl example cases (tests/data/transient/gastransim, MIT) into linepack
objects, for the reference tests only.

Conventions (see the data folder's README): SI units; gas given by its specific gravity G
with R = 8.314 / (G · 0.02896) J/(kg·K); every pipe has a constant Darcy friction factor,
which is reproduced exactly with Nikuradse's law (Re-independent) by choosing the relative
roughness k/D = 10^(−(λ^(−1/2) − 1.138)/2).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from linepack import Network
from linepack.physics.gas import Gas
from linepack.units import R_MOLAR

DATA = Path(__file__).resolve().parents[1] / "data" / "transient" / "gastransim"
#: R of the files: 8.314 / (G·0.02896) (their constants, not CODATA's)
_R_FILE = 8.314
_M_AIR = 0.02896


def available() -> bool:
    return DATA.is_dir()


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def params(case: str, file: str = "params.json") -> dict:
    p = load(f"data/{case}/{file}")["simulation_params"]
    return {k.split("(")[0].strip().rstrip(":"): v for k, v in p.items()}


def gas(specific_gravity: float) -> Gas:
    """A gas whose specific gas constant is the files' 8.314/(G·0.02896)."""
    molar_mass = specific_gravity * _M_AIR * R_MOLAR / _R_FILE
    return Gas.from_bulk({"molar_mass": molar_mass, "normal_density": molar_mass * 101325.0
                          / (R_MOLAR * 273.15)})


def roughness_for(lam: np.ndarray, diameter: np.ndarray) -> np.ndarray:
    """Roughness [m] for which Nikuradse's λ = (2·log10(D/k) + 1.138)⁻² equals ``lam``."""
    return diameter * 10.0 ** (-(lam ** -0.5 - 1.138) / 2.0)


def network(case: str) -> Network:
    net = load(f"data/{case}/network.json")
    nodes = [{"id": str(k), "kind": "innode"} for k in net["nodes"]]
    conns = []
    for k, p in net["pipes"].items():
        lam, d = float(p["friction_factor"]), float(p["diameter"])
        conns.append({"id": f"p{k}", "kind": "pipe",
                      "from_node": str(p.get("fr_node", p.get("from_node"))),
                      "to_node": str(p["to_node"]), "length_m": float(p["length"]),
                      "diameter_m": d, "roughness_m": float(roughness_for(lam, d))})
    for k, c in net.get("compressors", {}).items():
        conns.append({"id": f"c{k}", "kind": "compressorStation",
                      "from_node": str(c.get("fr_node", c.get("from_node"))),
                      "to_node": str(c["to_node"])})
    return Network(nodes, conns, name=case)


def profile(bc: dict) -> pd.DataFrame:
    """Held pressures and withdrawals as a linepack profile (time_s, <node>.p_bar,
    <node>.inflow_kg_s = − withdrawal)."""
    times = sorted({float(t) for sec in ("boundary_pslack", "boundary_nonslack_flow")
                    for v in bc.get(sec, {}).values() for t in v["time"]})
    cols = {"time_s": times}
    for k, v in bc.get("boundary_pslack", {}).items():
        cols[f"{k}.p_bar"] = np.interp(times, v["time"], v["value"]) / 1e5
    for k, v in bc.get("boundary_nonslack_flow", {}).items():
        cols[f"{k}.inflow_kg_s"] = -np.interp(times, v["time"], v["value"])
    return pd.DataFrame(cols)
