"""The explicit map from GasLib XML to linepack: tags, attributes, fields and units.

Every GasLib quantity linepack reads is listed here once, with the linepack
field it becomes, the physical quantity (which picks the unit table) and the
unit assumed when the file gives none. :mod:`linepack.io.gaslib` only walks the
XML and looks things up here; it holds no names or factors of its own.

Targets
-------
A :class:`MapEntry` target is one of

``"nodes"`` / ``"connections"``
    a column of the element table (:mod:`linepack.network.schema`);
``"gas"``
    a key of :data:`linepack.network.GAS_KEYS` (per source, averaged over the
    sources into ``Network.gas``);
``"meta"``
    a key in ``network.meta["gaslib"]["elements"][<id>]``: data the schema cannot
    hold (e.g. the drag factor of a control valve's inlet resistor), kept in SI
    under the given name;
``"node_flow"``
    the technical flow bounds of an entry or exit (kept in
    ``network.meta["gaslib"]["node_flow_bounds"]``).

Units
-----
:data:`UNITS` maps a quantity to ``{GasLib unit: (operation, factor, offset)}``.
``("mul", f, o)`` means SI = value · f + o and ``("div", d, o)`` means
SI = value / d + o. Division by an exact integer (1000 for mm) is used where
the factor itself (0.001) is not exactly representable, so 1300 mm becomes the
double nearest to 1.3 m. Volumetric flows (:data:`FLOW_UNITS`) are at normal
conditions (0 °C, 1.01325 bar) and become mass flows with the normal density.

References
----------
GasLib: M. Schmidt et al., "GasLib - A Library of Gas Network Instances",
Data 2(4):40, 2017, :doi:`10.3390/data2040040`. The element-by-element
description with the quirks of the real files is in the project's
``reference/gaslib-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

from linepack.units import ATM, BAR, HOUR, T_ZERO_C

__all__ = [
    "NS_GAS",
    "NS_FRAMEWORK",
    "NS_CS",
    "ROOTS",
    "UNITS",
    "FLOW_UNITS",
    "MapEntry",
    "NODE_ATTRIBUTES",
    "CONNECTION_ATTRIBUTES",
    "VARIABLE_MAP",
    "NODE_KIND_MAP",
    "CONNECTION_KIND_MAP",
    "UNSUPPORTED_CONNECTION_KINDS",
    "SCENARIO_NODE_TYPES",
    "SCENARIO_MAP",
    "CS_UNITS",
    "AMBIENT_FOR_POWER_C",
    "LICENCE",
    "CITATIONS",
    "apply_unit",
    "expected_units",
]

#: Namespace of the .net elements and of the .scn file.
NS_GAS = "http://gaslib.zib.de/Gas"
#: Namespace of ``information``, ``nodes`` and ``connections`` in the .net file.
NS_FRAMEWORK = "http://gaslib.zib.de/Framework"
#: Namespace of the .cs file.
NS_CS = "http://gaslib.zib.de/CompressorStations"
#: Namespace of the .cdf (combined decisions) file.
NS_CDF = "http://gaslib.zib.de/CombinedDecisions"

#: Expected root element (namespace, local name) per file kind.
ROOTS = {
    "net": (NS_GAS, "network"),
    "scn": (NS_GAS, "boundaryValue"),
    "cs": (NS_CS, "compressorStations"),
    "cdf": (NS_CDF, "combinedDecisions"),
}

# -- units ------------------------------------------------------------------------

#: quantity -> {GasLib unit: (op, factor, offset)}; SI = value op factor + offset.
#: ``None`` as a unit means "no unit attribute" and is only listed for
#: dimensionless quantities.
UNITS: dict[str, dict[str | None, tuple[str, float, float]]] = {
    # absolute pressure [Pa]; barg is gauge against 1 atm (1.01325 bar)
    "pressure": {
        "bar": ("mul", BAR, 0.0),
        "barg": ("mul", BAR, ATM),
        "Pa": ("mul", 1.0, 0.0),
    },
    # pressure difference or loss [Pa]; a gauge offset cancels in a difference
    "pressure_difference": {
        "bar": ("mul", BAR, 0.0),
        "barg": ("mul", BAR, 0.0),
        "Pa": ("mul", 1.0, 0.0),
    },
    # length [m]; "meter" is written in GasLib-40 and GasLib-135
    "length": {
        "mm": ("div", 1000.0, 0.0),
        "cm": ("div", 100.0, 0.0),
        "m": ("mul", 1.0, 0.0),
        "meter": ("mul", 1.0, 0.0),
        "km": ("mul", 1000.0, 0.0),
    },
    # temperature [K]
    "temperature": {
        "Celsius": ("mul", 1.0, T_ZERO_C),
        "K": ("mul", 1.0, 0.0),
    },
    # normal density [kg/m³]
    "density": {"kg_per_m_cube": ("mul", 1.0, 0.0)},
    # molar mass [kg/mol]
    "molar_mass": {"kg_per_kmol": ("div", 1000.0, 0.0)},
    # calorific value [J/m³]
    "energy_density": {"MJ_per_m_cube": ("mul", 1e6, 0.0)},
    # heat transfer coefficient [W/(m²·K)]
    "heat_transfer": {"W_per_m_square_per_K": ("mul", 1.0, 0.0)},
    # dimensionless numbers (drag factors, heat-capacity coefficients) [-]
    "dimensionless": {None: ("mul", 1.0, 0.0)},
    # plain number with no unit in GasLib (a date, a probability); kept as given
    "text": {None: ("mul", 1.0, 0.0)},
}

#: Volumetric flow at normal conditions -> normal m³/s. Mass flow = that · ρ_n.
FLOW_UNITS: dict[str, tuple[str, float, float]] = {
    "m_cube_per_s": ("mul", 1.0, 0.0),
    "m_cube_per_hour": ("div", HOUR, 0.0),
    "1000m_cube_per_hour": ("div", HOUR / 1000.0, 0.0),
}
UNITS["flow"] = dict(FLOW_UNITS)

#: Units of the .cs quantities linepack evaluates (everything else is kept raw).
CS_UNITS: dict[str, dict[str | None, tuple[str, float, float]]] = {
    "speed": {"per_min": ("mul", 1.0, 0.0)},   # kept in rpm: the fits are in rpm
}

#: Ambient temperature at which the drives' maximal power is evaluated. [°C]
AMBIENT_FOR_POWER_C = 15.0


# -- the map ----------------------------------------------------------------------

@dataclass(frozen=True)
class MapEntry:
    """One GasLib child element and where it goes.

    Attributes
    ----------
    target
        ``"nodes"``, ``"connections"``, ``"gas"``, ``"meta"`` or ``"node_flow"``.
    field
        The linepack name (table column, gas key or meta key, SI).
    quantity
        Key of :data:`UNITS`.
    default_unit
        The unit assumed when the element has no ``unit`` attribute; ``None``
        means the unit is required (or the quantity is dimensionless).
    """

    target: str
    field: str
    quantity: str
    default_unit: str | None = None


_NODE_BASE = {
    # the .net height has unit "m", "meter" or none (GasLib-24): absent ⇒ m
    "height": MapEntry("nodes", "height_m", "length", "m"),
    # .net pressures are absolute bar (the x.01325 values are barg + 1.01325)
    "pressureMin": MapEntry("nodes", "p_min_pa", "pressure", "bar"),
    "pressureMax": MapEntry("nodes", "p_max_pa", "pressure", "bar"),
}
_NODE_FLOW = {
    "flowMin": MapEntry("node_flow", "flow_min_kg_s", "flow"),
    "flowMax": MapEntry("node_flow", "flow_max_kg_s", "flow"),
}
_SOURCE_GAS = {
    "gasTemperature": MapEntry("gas", "temperature", "temperature"),
    "calorificValue": MapEntry("gas", "calorific_value", "energy_density"),
    "normDensity": MapEntry("gas", "normal_density", "density"),
    "coefficient-A-heatCapacity": MapEntry("gas", "heat_capacity_a", "dimensionless"),
    "coefficient-B-heatCapacity": MapEntry("gas", "heat_capacity_b", "dimensionless"),
    "coefficient-C-heatCapacity": MapEntry("gas", "heat_capacity_c", "dimensionless"),
    "molarMass": MapEntry("gas", "molar_mass", "molar_mass"),
    "pseudocriticalPressure": MapEntry("gas", "pseudo_critical_pressure", "pressure", "bar"),
    "pseudocriticalTemperature": MapEntry("gas", "pseudo_critical_temperature", "temperature"),
}
_CONN_FLOW = {
    "flowMin": MapEntry("connections", "flow_min_kg_s", "flow"),
    "flowMax": MapEntry("connections", "flow_max_kg_s", "flow"),
}
# the in/out resistors of control valves and compressor stations: the schema holds
# constant losses only; drag-factor resistors are kept in meta
_IN_OUT_RESISTORS = {
    "pressureLossIn": MapEntry("connections", "pressure_loss_in_pa", "pressure_difference", "bar"),
    "pressureLossOut": MapEntry("connections", "pressure_loss_out_pa", "pressure_difference",
                                "bar"),
    "dragFactorIn": MapEntry("meta", "drag_factor_in", "dimensionless"),
    "dragFactorOut": MapEntry("meta", "drag_factor_out", "dimensionless"),
    "diameterIn": MapEntry("meta", "diameter_in_m", "length"),
    "diameterOut": MapEntry("meta", "diameter_out_m", "length"),
}

#: (GasLib element, child tag) -> MapEntry. The element is the GasLib tag name.
VARIABLE_MAP: dict[str, dict[str, MapEntry]] = {
    "source": {**_NODE_BASE, **_NODE_FLOW, **_SOURCE_GAS},
    "sink": {**_NODE_BASE, **_NODE_FLOW},
    "innode": dict(_NODE_BASE),
    "pipe": {
        **_CONN_FLOW,
        "length": MapEntry("connections", "length_m", "length"),
        "diameter": MapEntry("connections", "diameter_m", "length"),
        "roughness": MapEntry("connections", "roughness_m", "length"),
        "heatTransferCoefficient": MapEntry("connections", "heat_transfer_w_m2k", "heat_transfer"),
        "pressureMax": MapEntry("meta", "p_max_pa", "pressure", "bar"),
    },
    "shortPipe": dict(_CONN_FLOW),
    "resistor": {
        **_CONN_FLOW,
        "dragFactor": MapEntry("connections", "drag_factor", "dimensionless"),
        "diameter": MapEntry("connections", "diameter_m", "length"),
        "pressureLoss": MapEntry("connections", "pressure_loss_pa", "pressure_difference", "bar"),
    },
    "valve": {
        **_CONN_FLOW,
        "pressureDifferentialMax": MapEntry("connections", "dp_max_pa", "pressure_difference",
                                            "bar"),
    },
    "controlValve": {
        **_CONN_FLOW,
        **_IN_OUT_RESISTORS,
        "pressureDifferentialMin": MapEntry("connections", "dp_min_pa", "pressure_difference",
                                            "bar"),
        "pressureDifferentialMax": MapEntry("connections", "dp_max_pa", "pressure_difference",
                                            "bar"),
        "pressureInMin": MapEntry("connections", "p_in_min_pa", "pressure", "bar"),
        "pressureOutMax": MapEntry("connections", "p_out_max_pa", "pressure", "bar"),
        "pressureSet": MapEntry("meta", "p_set_pa", "pressure", "bar"),
        "increasedOutputTemperature": MapEntry("meta", "increased_output_temperature_k",
                                               "temperature"),
    },
    "compressorStation": {
        **_CONN_FLOW,
        **_IN_OUT_RESISTORS,
        "pressureInMin": MapEntry("connections", "p_in_min_pa", "pressure", "bar"),
        "pressureOutMax": MapEntry("connections", "p_out_max_pa", "pressure", "bar"),
        "cooledOutputTemperature": MapEntry("meta", "cooled_output_temperature_k",
                                            "temperature"),
    },
}

#: GasLib node tag -> linepack node kind (the same names).
NODE_KIND_MAP = {"source": "source", "sink": "sink", "innode": "innode"}
#: GasLib connection tag -> linepack connection kind (the same names).
CONNECTION_KIND_MAP = {k: k for k in ("pipe", "shortPipe", "resistor", "valve", "controlValve",
                                      "compressorStation")}
#: Defined by Gas.xsd but not representable in the linepack schema (unused in GasLib).
UNSUPPORTED_CONNECTION_KINDS = ("splitPipe", "anyPressureArc")

#: XML attribute -> node column. Numbers except ``alias``.
NODE_ATTRIBUTES = {
    "geoWGS84Long": "lon",
    "geoWGS84Lat": "lat",
    "x": "x",
    "y": "y",
    "alias": "alias",
}
#: XML attributes of connections kept in meta (GasLib name -> meta key).
CONNECTION_ATTRIBUTES = {
    "internalBypassRequired": "internal_bypass_required",
    "gasPreheaterExisting": "gas_preheater_existing",
    "gasCoolerExisting": "gas_cooler_existing",
    "fuelGasVertex": "fuel_gas_vertex",
}

#: .scn node ``type`` -> sign of the flow (entries inject, exits withdraw).
SCENARIO_NODE_TYPES = {"entry": 1.0, "exit": -1.0}

#: .scn children (scenario level or per node) -> (meta key, quantity, default unit).
#: ``flow`` (default m_cube_per_s) and ``pressure`` (default barg) are handled by
#: :mod:`linepack.io.gaslib` with these defaults.
SCENARIO_MAP: dict[str, MapEntry] = {
    "flow": MapEntry("scenario", "inflow_kg_s", "flow", "m_cube_per_s"),
    "pressure": MapEntry("scenario", "p_pa", "pressure", "barg"),
    "scenarioTemperature": MapEntry("temperature", "scenario_temperature_k", "temperature"),
    "gasTemperature": MapEntry("temperature", "gas_temperature_k", "temperature"),
    "soilTemperature": MapEntry("meta", "soil_temperature_k", "temperature"),
    "ambientTemperature": MapEntry("meta", "ambient_temperature_k", "temperature"),
    "temperatureMin": MapEntry("meta", "temperature_min_k", "temperature"),
    "temperatureMax": MapEntry("meta", "temperature_max_k", "temperature"),
    "contractPressureMin": MapEntry("meta", "contract_p_min_pa", "pressure", "barg"),
    "contractPressureMax": MapEntry("meta", "contract_p_max_pa", "pressure", "barg"),
    "physicalPressureMax": MapEntry("meta", "physical_p_max_pa", "pressure", "barg"),
    "pressureSet": MapEntry("meta", "p_set_pa", "pressure", "barg"),
    "scenarioProbability": MapEntry("meta", "probability", "text"),
    "contractDate": MapEntry("meta", "contract_date", "text"),
    "dataDate": MapEntry("meta", "data_date", "text"),
    "usesInterruptibleCap": MapEntry("meta", "uses_interruptible_capacity", "text"),
}

def apply_unit(value: float, rule: tuple[str, float, float]) -> float:
    """Convert ``value`` with a rule ``(op, factor, offset)`` of :data:`UNITS` to SI."""
    op, factor, offset = rule
    out = value * factor if op == "mul" else value / factor
    return out + offset if offset else out


def expected_units(quantity: str) -> list[str]:
    """The GasLib units accepted for ``quantity`` (for error messages)."""
    return [u if u is not None else "(none)" for u in UNITS[quantity]]


# -- provenance -------------------------------------------------------------------

LICENCE = "CC BY 3.0 Unported (https://creativecommons.org/licenses/by/3.0/)"
CITATIONS = [
    "M. Schmidt, D. Aßmann, R. Burlacu, J. Humpola, I. Joormann, N. Kanelakis, T. Koch, "
    "D. Oucherif, M. E. Pfetsch, L. Schewe, R. Schwarz, M. Sirvent: GasLib - A Library of "
    "Gas Network Instances. Data 2(4):40, 2017. doi:10.3390/data2040040",
    "M. E. Pfetsch, A. Fügenschuh, B. Geißler, N. Geißler, R. Gollmer, B. Hiller, J. Humpola, "
    "T. Koch, T. Lehmann, A. Martin, A. Morsi, J. Rövekamp, L. Schewe, M. Schmidt, R. Schultz, "
    "R. Schwarz, J. Schweiger, C. Stangl, M. C. Steinbach, S. Vigerske, B. M. Willert: "
    "Validation of nominations in gas network optimization: models, methods, and solutions. "
    "Optimization Methods and Software 30(1):15-53, 2015. doi:10.1080/10556788.2014.888426 "
    "(ZIB-Report 12-41)",
]
