"""Checks of the arguments of the public API: wrong types are refused at the door.

Every public function (``simulate``, ``transit_capacity``, ``validate_nomination``,
``validate``, the readers) checks its arguments here before any work, so that a script
or notebook that passes a number for a scenario or a dict for a ``Controls`` gets an
:class:`~linepack.errors.ArgumentError` (an ``InputError`` and a ``TypeError``) naming
the function, the argument, what it got and what it accepts, and not an
``AttributeError`` from deep inside. Where a plain mapping is the natural form (the
controls, the solver options) it is accepted and converted by the same code as the files.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from linepack.errors import ArgumentError, InputError
from linepack.network.network import Controls, Network, Scenario

__all__ = ["got", "argument_error", "check_network", "check_scenario", "check_controls",
           "check_path", "check_number", "check_integer", "check_text"]


def got(x: Any) -> str:
    """``"int 5"``, ``"dict {'CS1': ...}"``: the type and a short repr of ``x``."""
    try:
        r = repr(x)
    except Exception:  # noqa: BLE001 - a repr that fails must not hide the real error
        r = "..."
    if len(r) > 60:
        r = r[:57] + "..."
    return f"{type(x).__name__} {r}"


def argument_error(function: str, name: str, value: Any, accepts: str) -> ArgumentError:
    """``function(): name must be accepts (got <type> <repr>)``."""
    return ArgumentError(f"{function}(): {name} must be {accepts} (got {got(value)})")


def check_network(function: str, network: Any) -> Network:
    if not isinstance(network, Network):
        raise argument_error(function, "network", network,
                             "a linepack.Network (from read_gaslib, read_native or Network(...))")
    return network


def check_scenario(function: str, scenario: Any, *, required: bool = False) -> Scenario | None:
    if scenario is None and not required:
        return None
    if not isinstance(scenario, Scenario):
        accepts = "a linepack.Scenario" + ("" if required else " or None")
        if isinstance(scenario, str):
            accepts += (" (a scenario name is resolved by linepack.open_case(target, name) or "
                        "a native Case's .scenarios[name])")
        raise argument_error(function, "scenario", scenario, accepts)
    return scenario


def check_controls(function: str, controls: Any, network: Network | None = None) -> Controls | None:
    """None, a :class:`Controls`, its table (a DataFrame with ``mode``, ``setpoint``,
    ``value``), or a mapping in the file format (converted by :meth:`Controls.from_dict`,
    with the network gas's normal density for ``flow_mcm_d``)."""
    if controls is None or isinstance(controls, Controls):
        return controls
    if isinstance(controls, pd.DataFrame):   # the table of Controls itself
        try:
            return Controls(controls)
        except InputError as e:
            raise InputError(f"{function}(): controls: {e}") from None
    if isinstance(controls, Mapping):
        rho = None
        if network is not None and network.gas:
            rho = network.gas.get("normal_density")
        try:
            return Controls.from_dict(controls, normal_density=rho)
        except InputError as e:
            raise InputError(f"{function}(): controls: {e}") from None
    raise argument_error(function, "controls", controls,
                         "a linepack.Controls (or its table), a mapping {connection id: "
                         "control} in the file format (e.g. {'CS1': {'mode': 'active', 'p_out_bar': 75}, "
                         "'V1': 'closed'}) or None")


def check_path(function: str, name: str, path: Any, *, optional: bool = False) -> Any:
    if path is None and optional:
        return None
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise argument_error(function, name, path,
                             "a file path (str or os.PathLike)" + (" or None" if optional else ""))
    return path


def check_number(function: str, name: str, x: Any, *, lower: float | None = None,
                 strict: bool = False, upper: float | None = None, optional: bool = False,
                 unit: str = "") -> float | None:
    """A real number (not bool), finite, within the bounds; None if ``optional``."""
    if x is None and optional:
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise argument_error(function, name, x, "a number" + (" or None" if optional else ""))
    v = float(x)
    u = f" {unit}" if unit else ""
    if not math.isfinite(v):
        raise InputError(f"{function}(): {name} must be a finite number (got {v!r})")
    if lower is not None and (v <= lower if strict else v < lower):
        op = ">" if strict else "≥"
        raise InputError(f"{function}(): {name} must be {op} {lower:g}{u} (got {x!r})")
    if upper is not None and v > upper:
        raise InputError(f"{function}(): {name} must be ≤ {upper:g}{u} (got {x!r})")
    return v


def check_integer(function: str, name: str, x: Any, *, lower: int) -> int:
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise argument_error(function, name, x, f"an integer ≥ {lower}")
    if x < lower:
        raise InputError(f"{function}(): {name} must be an integer ≥ {lower} (got {x!r})")
    return int(x)


def check_text(function: str, name: str, x: Any) -> str:
    if not isinstance(x, str):
        raise argument_error(function, name, x, "a string")
    return x


def check_physics(function: str, *, gas: Any = None, temperature: Any = None) -> None:
    """``gas``: None, a mapping of bulk values (:data:`~linepack.network.network.GAS_KEYS`)
    or a gas object (``linepack.physics.gas.Gas``); ``temperature``: None or a number > 0 K."""
    if gas is not None and not isinstance(gas, Mapping) and not hasattr(gas, "specific_gas_constant"):
        raise argument_error(function, "gas", gas,
                             "a linepack.physics.gas.Gas (e.g. Gas.from_composition({...})), a "
                             "mapping of bulk values such as {'normal_density': 0.73} or None")
    check_number(function, "temperature", temperature, lower=0.0, strict=True, optional=True,
                 unit="K")
