"""Translation between linepack and file formats: GasLib XML and the native JSON format.

I/O only translates names and units (through explicit maps); it never computes
physics. See :mod:`linepack.io.gaslib` and :mod:`linepack.io.native`.

The names below load their module on first use, so that reading GasLib files
does not import the native format's module (and the reverse).
"""

from __future__ import annotations

import importlib
from typing import Any

_API = {
    "read_gaslib": "linepack.io.gaslib",
    "parse_gaslib": "linepack.io.gaslib",
    "read_native": "linepack.io.native",
    "parse_native": "linepack.io.native",
    "write_native": "linepack.io.native",
    "Case": "linepack.io.native",
}

__all__ = ["read_gaslib", "parse_gaslib", "read_native", "parse_native", "write_native", "Case"]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'linepack.io' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
