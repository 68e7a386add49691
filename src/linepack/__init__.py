"""linepack: simulation and planning of natural-gas transmission networks.

The public API, and nothing else. Submodules load on first use, which keeps
``import linepack`` cheap (the CLI's cold start counts).

>>> import linepack
>>> net, scn = linepack.read_gaslib("GasLib-11.net", "GasLib-11.scn")   # doctest: +SKIP
>>> result = linepack.simulate(net, scn)                                  # doctest: +SKIP
>>> result.nodes["p_bar"]                                                 # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    # data model
    "Network": "linepack.network.network",
    "Scenario": "linepack.network.network",
    "Controls": "linepack.network.network",
    # input / output
    "read_gaslib": "linepack.io.gaslib",
    "parse_gaslib": "linepack.io.gaslib",
    "read_native": "linepack.io.native",
    "parse_native": "linepack.io.native",
    "write_native": "linepack.io.native",
    "Case": "linepack.network.case",
    "from_pandapipes": "linepack.io.pandapipes",
    # problems
    "simulate": "linepack.problems.steady",
    "SteadyOptions": "linepack.problems.steady",
    "simulate_transient": "linepack.problems.transient",
    "TransientOptions": "linepack.problems.transient",
    "transit_capacity": "linepack.problems.capacity",
    "validate_nomination": "linepack.problems.nomination",
    "validate_nominations": "linepack.problems.nominations",
    "NominationValidator": "linepack.problems.nominations",
    "transit_plan": "linepack.problems.plan",
    "corridor_plan": "linepack.problems.plan",
    "corridor_peak_check": "linepack.problems.plan",
    "compare_options": "linepack.problems.options",
    "plan_expansion": "linepack.problems.expansion",
    "compare_expansion": "linepack.problems.expansion",
    "ExpansionResult": "linepack.problems.expansion",
    "NominationResult": "linepack.problems.nomination",
    "optimize_operation": "linepack.problems.operation",
    "OperationResult": "linepack.problems.operation",
    "load_case": "linepack.scenarios",
    "open_case": "linepack.scenarios",
    "validate": "linepack.network.validate",
    "read_controls": "linepack.io.native",
    "read_gas_composition": "linepack.io.native",
    "list_cases": "linepack.scenarios",
    "list_scenarios": "linepack.scenarios",
    "sweep": "linepack.sweeps",
    "serve": "linepack.web.app",
    # results and reports
    "SteadyResult": "linepack.results.records",
    "limit_violations": "linepack.results.limits",
    "TransientResult": "linepack.results.transient",
    "write_report": "linepack.report.html",
    "write_tables_report": "linepack.report.html",
    "write_transient_report": "linepack.report.transient",
    "summarize": "linepack.report.summary",
    "transit_summary": "linepack.report.summary",
    # errors
    "LinepackError": "linepack.errors",
    "InputError": "linepack.errors",
    "ValidationError": "linepack.errors",
    "NotConverged": "linepack.errors",
    "Infeasible": "linepack.errors",
}

__all__ = sorted(_API) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'linepack' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
