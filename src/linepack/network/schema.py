"""The element schema, written once: field, unit, default and meaning of every column.

All values are SI inside linepack. The ``edge_unit`` column says how the field is
written at the edges (native files, CLI, reports), where names carry the unit.

Node kinds follow GasLib: ``source`` (entry), ``sink`` (exit), ``innode``.
Connection kinds follow GasLib too: ``pipe``, ``shortPipe``, ``resistor``,
``valve``, ``controlValve``, ``compressorStation``, plus ``checkValve``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Field", "NODE_KINDS", "CONNECTION_KINDS", "NODE_FIELDS", "CONNECTION_FIELDS",
           "SCENARIO_FIELDS", "CONTROL_FIELDS", "describe"]

NODE_KINDS = ("source", "sink", "innode")
CONNECTION_KINDS = ("pipe", "shortPipe", "resistor", "valve", "controlValve",
                    "compressorStation", "checkValve")


@dataclass(frozen=True)
class Field:
    """One column of an element table."""

    name: str
    unit: str            # SI unit inside linepack ("-" for dimensionless, "" for text)
    edge_name: str       # the name at the edges (native format, reports)
    edge_unit: str       # unit at the edges
    default: object      # None: required
    kinds: tuple[str, ...]  # the kinds the field applies to
    description: str


_ALL_NODES = NODE_KINDS
_ALL_CONN = CONNECTION_KINDS
_HAS_GEOMETRY = ("pipe",)

NODE_FIELDS: tuple[Field, ...] = (
    Field("kind", "", "kind", "", None, _ALL_NODES, "source, sink or innode"),
    Field("height_m", "m", "height_m", "m", 0.0, _ALL_NODES, "elevation above sea level"),
    Field("p_min_pa", "Pa", "p_min_bar", "bar (absolute)", float("nan"), _ALL_NODES,
          "lowest allowed absolute pressure"),
    Field("p_max_pa", "Pa", "p_max_bar", "bar (absolute)", float("nan"), _ALL_NODES,
          "highest allowed absolute pressure"),
    Field("lon", "deg", "lon", "deg (WGS84)", float("nan"), _ALL_NODES, "longitude, WGS84"),
    Field("lat", "deg", "lat", "deg (WGS84)", float("nan"), _ALL_NODES, "latitude, WGS84"),
    Field("x", "-", "x", "-", float("nan"), _ALL_NODES, "drawing coordinate"),
    Field("y", "-", "y", "-", float("nan"), _ALL_NODES, "drawing coordinate"),
    Field("alias", "", "alias", "", "", _ALL_NODES, "free text name"),
)

CONNECTION_FIELDS: tuple[Field, ...] = (
    Field("kind", "", "kind", "", None, _ALL_CONN, "connection kind (GasLib name)"),
    Field("from_node", "", "from", "", None, _ALL_CONN, "node id at the start (reference direction)"),
    Field("to_node", "", "to", "", None, _ALL_CONN, "node id at the end"),
    Field("length_m", "m", "length_km", "km", float("nan"), ("pipe",), "pipe length"),
    Field("diameter_m", "m", "diameter_mm", "mm", float("nan"), ("pipe", "resistor"),
          "inner diameter"),
    Field("roughness_m", "m", "roughness_mm", "mm", float("nan"), ("pipe",),
          "equivalent sand roughness"),
    Field("loss_coefficient", "-", "loss_coefficient", "-", 0.0, ("pipe",),
          "extra local loss coefficient zeta (added to lambda L/D)"),
    Field("drag_factor", "-", "drag_factor", "-", float("nan"), ("resistor",),
          "resistor loss coefficient zeta: dp = 8 zeta m|m| / (pi^2 D^4 rho)"),
    Field("pressure_loss_pa", "Pa", "pressure_loss_bar", "bar", float("nan"), ("resistor",),
          "constant pressure loss in flow direction (GasLib constant-loss resistor)"),
    Field("heat_transfer_w_m2k", "W/(m²·K)", "heat_transfer_w_m2k", "W/(m²·K)", float("nan"),
          ("pipe",), "heat transfer coefficient (used by non-isothermal models)"),
    Field("flow_min_kg_s", "kg/s", "flow_min_kg_s", "kg/s", float("nan"), _ALL_CONN,
          "lowest allowed mass flow (negative: reverse flow allowed)"),
    Field("flow_max_kg_s", "kg/s", "flow_max_kg_s", "kg/s", float("nan"), _ALL_CONN,
          "highest allowed mass flow"),
    Field("p_in_min_pa", "Pa", "p_in_min_bar", "bar (absolute)", float("nan"),
          ("controlValve", "compressorStation"), "lowest allowed inlet pressure in operation (not when bypassed)"),
    Field("p_out_max_pa", "Pa", "p_out_max_bar", "bar (absolute)", float("nan"),
          ("controlValve", "compressorStation"), "highest allowed outlet pressure in operation (not when bypassed)"),
    Field("dp_min_pa", "Pa", "dp_min_bar", "bar", float("nan"), ("controlValve",),
          "smallest pressure reduction when active"),
    Field("dp_max_pa", "Pa", "dp_max_bar", "bar", float("nan"), ("controlValve", "valve"),
          "largest pressure reduction (control valve active) or difference (closed valve)"),
    Field("pressure_loss_in_pa", "Pa", "pressure_loss_in_bar", "bar", 0.0,
          ("controlValve", "compressorStation"), "constant loss at the inlet, applied when active"),
    Field("pressure_loss_out_pa", "Pa", "pressure_loss_out_bar", "bar", 0.0,
          ("controlValve", "compressorStation"), "constant loss at the outlet, applied when active"),
    Field("ratio_min", "-", "ratio_min", "-", float("nan"), ("compressorStation",),
          "smallest pressure ratio p_out/p_in when active"),
    Field("ratio_max", "-", "ratio_max", "-", float("nan"), ("compressorStation",),
          "largest pressure ratio p_out/p_in when active"),
    Field("power_max_w", "W", "power_max_mw", "MW", float("nan"), ("compressorStation",),
          "largest shaft power of the station"),
    Field("efficiency", "-", "efficiency", "-", float("nan"), ("compressorStation",),
          "isentropic efficiency used for the power figure"),
    Field("alias", "", "alias", "", "", _ALL_CONN, "free text name"),
)

#: Boundary conditions per node (a Scenario). Pressures are absolute.
SCENARIO_FIELDS: tuple[Field, ...] = (
    Field("p_fixed_pa", "Pa", "p_fixed_bar", "bar (absolute)", float("nan"), _ALL_NODES,
          "pressure held at this node (NaN: free); such a node balances the network"),
    Field("inflow_kg_s", "kg/s", "inflow_kg_s", "kg/s", 0.0, _ALL_NODES,
          "net injection (+ supply at an entry, - withdrawal at an exit); ignored where p is fixed"),
    Field("p_min_pa", "Pa", "p_min_bar", "bar (absolute)", float("nan"), _ALL_NODES,
          "scenario's lower pressure bound (tightens the network's)"),
    Field("p_max_pa", "Pa", "p_max_bar", "bar (absolute)", float("nan"), _ALL_NODES,
          "scenario's upper pressure bound (tightens the network's)"),
)

#: Operating decisions per connection (Controls).
CONTROL_FIELDS: tuple[Field, ...] = (
    Field("mode", "", "mode", "", None, _ALL_CONN,
          "valve: open|closed; controlValve: active|bypass|closed; "
          "compressorStation: active|bypass|closed; checkValve: auto"),
    Field("setpoint", "", "setpoint", "", "", ("controlValve", "compressorStation"),
          "what an active element holds: p_out, ratio or flow"),
    Field("value", "SI", "value", "bar (absolute) | - | kg/s", float("nan"),
          ("controlValve", "compressorStation"),
          "the set value: outlet pressure [Pa], ratio [-] or mass flow [kg/s]"),
)


def describe(fields: tuple[Field, ...] = CONNECTION_FIELDS):
    """Return the schema as a pandas DataFrame (field, unit, default, kinds, description)."""
    import pandas as pd

    return pd.DataFrame(
        [{"field": f.name, "unit": f.unit, "edge_name": f.edge_name, "edge_unit": f.edge_unit,
          "default": f.default, "kinds": ", ".join(f.kinds), "description": f.description}
         for f in fields]
    ).set_index("field")
