"""Optional compilation of inner loops with numba (extra ``fast``): one place to ask for it.

numba is not a core dependency. Code that has a compiled variant asks
:func:`available` and takes :func:`compiled` of its plain-Python loop; without
numba it keeps its numpy path. Compiled functions are cached on disk by numba
(``cache=True``): the first use in a fresh environment compiles them (seconds),
later processes load them. Importing numba costs about 0.3–0.5 s and 50 MB once
per process, which is why callers use it only where the arrays are large.

The environment variable ``LINEPACK_NO_NUMBA=1`` makes :func:`available` and :func:`loaded`
answer ``False`` whatever is installed: the numpy paths run as on a machine without numba
(the test suite's first pass, reproduced in a full environment).
"""

from __future__ import annotations

import os
import sys
import types

__all__ = ["available", "loaded", "compiled"]

_STATE: dict = {}


def available() -> bool:
    """Whether numba can be imported here (tried once per process)."""
    if "ok" not in _STATE:
        if os.environ.get("LINEPACK_NO_NUMBA", "") not in ("", "0"):
            _STATE["ok"] = False
            return False
        try:
            import numba  # noqa: F401
            _STATE["ok"] = True
        except Exception:  # pragma: no cover - depends on the environment
            _STATE["ok"] = False
    return _STATE["ok"]


def loaded() -> bool:
    """Whether numba is already imported in this process (its import cost is paid)."""
    return sys.modules.get("numba") is not None and available()


def compiled(function, **calls):
    """``function`` compiled by numba (``njit``, cached on disk), memoised per function.

    ``calls``: the plain functions ``function`` calls by a global name (``name=function``),
    compiled in turn and bound to those names in the compiled copy only (the plain
    function's module keeps its plain functions). numba compiles them into the caller and
    keys its disk cache on the caller's source file alone; the cache is therefore dropped
    here when a callee's source file is newer than it. Raises ``ImportError`` where numba
    is not installed.
    """
    key = (function.__module__, function.__qualname__)
    out = _STATE.get(key)
    if out is None:
        import numba

        plain = function
        if calls:
            scope = dict(function.__globals__)
            scope.update({name: compiled(f) for name, f in calls.items()})
            plain = types.FunctionType(function.__code__, scope, function.__name__,
                                       function.__defaults__, function.__closure__)
            plain.__qualname__, plain.__module__ = function.__qualname__, function.__module__
        out = numba.njit(cache=True, nogil=True)(plain)
        if calls:
            _drop_stale_cache(out, calls.values())
        _STATE[key] = out
    return out


def _drop_stale_cache(dispatcher, callees) -> None:
    """Empty ``dispatcher``'s disk cache if a callee's source file changed after it was
    written (numba's cache index records the caller's file only)."""
    import inspect

    try:
        cache = dispatcher._cache
        index = cache._cache_file._index_path
        if not os.path.exists(index):
            return
        newest = max(os.stat(inspect.getfile(f)).st_mtime for f in callees)
        if newest > os.stat(index).st_mtime:
            cache.flush()
    except Exception:  # pragma: no cover - numba internals moved: keep its own cache
        return
