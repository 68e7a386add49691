"""The linepack exception hierarchy.

Every error linepack raises on purpose is a :class:`LinepackError`. Input errors
are also :class:`ValueError` so that generic callers can catch them as such.
Messages name the element, the field, the value and what was expected, e.g.
``pipe 'p_12': diameter must be > 0 mm (got -500)``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LinepackError",
    "InputError",
    "ArgumentError",
    "Issue",
    "ValidationError",
    "NotConverged",
    "Infeasible",
    "did_you_mean",
]


class LinepackError(Exception):
    """Base class of every error linepack raises on purpose."""


class InputError(LinepackError, ValueError):
    """Bad input: a file, an argument or a value that linepack cannot accept.

    Parameters
    ----------
    message
        The full message (element, field, value, what was expected).
    path
        The file the input came from, when known.
    line
        The line number in that file, when known.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f":{line}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line


class ArgumentError(InputError, TypeError):
    """A function of the public API was called with an argument of the wrong type.

    Both an :class:`InputError` (so the CLI and generic callers treat it as bad input)
    and a :class:`TypeError` (as Python's own argument checks raise). The message names
    the function, the argument, what it got and what it accepts.
    """


@dataclass(frozen=True)
class Issue:
    """One problem found by validation.

    Attributes
    ----------
    element
        ``"<kind> '<id>'"``, e.g. ``"pipe 'p_12'"``, or ``"network"``.
    message
        What is wrong and what was expected.
    severity
        ``"error"`` (the case cannot be solved) or ``"warning"``.
    """

    element: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.element}: {self.message}"


class ValidationError(InputError):
    """Validation found one or more errors; ``issues`` lists all of them."""

    def __init__(self, issues: Sequence[Issue], *, path: str | None = None):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        head = f"{len(errors)} error(s) in the input"
        body = "\n".join(f"  - {i}" for i in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"{head}:\n{body}{more}", path=path)


class NotConverged(LinepackError):
    """The solver stopped without meeting its tolerance.

    Attributes
    ----------
    history
        Residual norms per iteration.
    worst
        Human-readable name of the element with the largest residual at the end.
    result
        The solver's own record (e.g. :class:`linepack.numerics.newton.NewtonResult`).
    """

    def __init__(self, message: str, *, history: Sequence[float] = (), worst: str | None = None,
                 result: Any = None):
        super().__init__(message)
        self.history = list(history)
        self.worst = worst
        self.result = result


class Infeasible(LinepackError):
    """No physical solution exists; ``bottleneck`` names the limiting element.

    Attributes
    ----------
    bottleneck
        E.g. ``"node 'N7'"`` or ``"compressorStation 'CS1'"``.
    detail
        Extra figures (for example the largest feasible demand), as a dict.
    """

    def __init__(self, message: str, *, bottleneck: str | None = None,
                 detail: dict[str, Any] | None = None):
        super().__init__(message)
        self.bottleneck = bottleneck
        self.detail = dict(detail or {})


#: Above this many choices, :func:`did_you_mean` compares ``name`` only with the choices
#: nearest to it in sorted order and in sorted order of the reversed strings (those that
#: share its longest prefixes or suffixes), so that a hint costs well under a second even
#: among a million ids (difflib alone takes about 20 s for 400,000).
_HINT_NEIGHBOURS = 500


def _neighbours(name: str, names: list[str], k: int) -> list[str]:
    import bisect

    out: list[str] = []
    for key in (lambda s: s, lambda s: s[::-1]):
        ordered = sorted(names, key=key)
        keys = [key(c) for c in ordered]
        i = bisect.bisect_left(keys, key(name))
        out += ordered[max(0, i - k // 2): i + k // 2]
    return list(dict.fromkeys(out))


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    names = [str(c) for c in choices]
    if len(names) > 2 * _HINT_NEIGHBOURS:
        names = _neighbours(str(name), names, _HINT_NEIGHBOURS)
    matches = difflib.get_close_matches(str(name), names, n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
