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


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest choice, or ``""``."""
    matches = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
