"""Optional compilation of inner loops with numba (extra ``fast``): one place to ask for it.

numba is not a core dependency. Code that has a compiled variant asks
:func:`available` and takes :func:`compiled` of its plain-Python loop; without
numba it keeps its numpy path. Compiled functions are cached on disk by numba
(``cache=True``): the first use in a fresh environment compiles them (seconds),
later processes load them. Importing numba costs about 0.3–0.5 s and 50 MB once
per process, which is why callers use it only where the arrays are large.
"""

from __future__ import annotations

import sys

__all__ = ["available", "loaded", "compiled"]

_STATE: dict = {}


def available() -> bool:
    """Whether numba can be imported here (tried once per process)."""
    if "ok" not in _STATE:
        try:
            import numba  # noqa: F401
            _STATE["ok"] = True
        except Exception:  # pragma: no cover - depends on the environment
            _STATE["ok"] = False
    return _STATE["ok"]


def loaded() -> bool:
    """Whether numba is already imported in this process (its import cost is paid)."""
    return "numba" in sys.modules


def compiled(function):
    """``function`` compiled by numba (``njit``, cached on disk), memoised per function.

    Raises ``ImportError`` where numba is not installed.
    """
    key = (function.__module__, function.__qualname__)
    out = _STATE.get(key)
    if out is None:
        import numba

        out = numba.njit(cache=True, nogil=True)(function)
        _STATE[key] = out
    return out
