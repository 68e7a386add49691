"""Built-in cases and opening a case from a name or a file.

A *case* is a network with its scenarios and control sets. Built-in cases
ship inside the package in linepack's native format (``linepack/data``).
``open_case`` accepts a built-in name (``"central-asia"``), a native ``.json``
file, or a GasLib ``.net`` file (with an optional ``.scn`` nomination).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from linepack.errors import InputError, did_you_mean
from linepack.network.case import Case

__all__ = ["list_cases", "load_case", "open_case", "list_scenarios", "OpenedCase"]

_BUILTIN = {"central-asia": "central-asia.json"}


def list_cases() -> list[str]:
    """Names of the built-in cases."""
    return sorted(_BUILTIN)


def load_case(name: str, assumptions: str | None = None):
    """Load a built-in case (a :class:`linepack.Case`) by name.

    ``assumptions`` picks one of the case's assumption sets (``"low"``, ``"central"``,
    ``"high"`` for central-asia; see :func:`linepack.io.native.apply_assumption_set`); ``None`` is the case as
    built (the central set).
    """
    from linepack.io.native import read_native

    if name not in _BUILTIN:
        raise InputError(f"unknown built-in case '{name}'{did_you_mean(name, _BUILTIN)}; "
                         f"built-in cases: {', '.join(list_cases())}")
    ref = resources.files("linepack") / "data" / _BUILTIN[name]
    with resources.as_file(ref) as path:
        return read_native(path, assumptions=assumptions)


#: What :func:`open_case` returned before there was one case type; the same :class:`Case`.
OpenedCase = Case


def open_case(target: str, scenario: str | None = None, assumptions: str | None = None) -> Case:
    """Open a built-in case name, a native JSON file or a GasLib ``.net`` file as a :class:`Case`.

    The same files read through the library (``read_native``, ``read_gaslib``)
    give the same case, so the command line and the library compute the same thing.

    Parameters
    ----------
    target
        ``"central-asia"`` (built-in), ``path/to/case.json`` (native) or
        ``path/to/net.net`` (GasLib; a ``.cs`` and a ``.cdf`` file of the same stem are
        read too, the latter giving the default controls).
    scenario
        For built-in and native cases, a scenario name (default: the case's
        ``meta["default_scenario"]``, else the first). For GasLib, the path of a
        ``.scn`` nomination (default: a ``.scn`` file of the same stem, or the
        only ``.scn`` in the folder).
    assumptions
        For built-in and native cases that carry assumption sets, the set to apply
        (e.g. ``"low"``, ``"central"``, ``"high"``); ``None``: the case as written.
    """
    from linepack.io.native import read_native

    if target in _BUILTIN:
        return _from_native(load_case(target, assumptions), scenario, f"built-in case '{target}'")
    path = Path(target)
    if not path.exists():
        raise InputError(f"'{target}' is neither a file nor a built-in case"
                         f"{did_you_mean(target, _BUILTIN)}; built-in cases: {', '.join(list_cases())}")
    if path.suffix.lower() == ".json":
        return _from_native(read_native(path, assumptions=assumptions), scenario, str(path))
    if assumptions is not None:
        raise InputError(f"'{target}': assumption sets exist only for linepack .json cases "
                         f"(got --assumptions {assumptions})")
    if path.suffix.lower() == ".net":
        from linepack.io.gaslib import read_gaslib

        scn_path = _gaslib_scn(path, scenario)
        # with the .cs and .cdf of the same name, as the API reads them
        return read_gaslib(path, scn_path).evolve(source=str(path))
    raise InputError(f"'{target}': unknown file type '{path.suffix}'; expected a GasLib .net or a "
                     "linepack .json file")


def list_scenarios(target: str) -> tuple[str, ...]:
    """Names of the scenarios of a built-in case, a native file or a GasLib ``.net``.

    For GasLib these are the stems of the ``.scn`` files beside the ``.net`` (each one a
    nomination that ``open_case(target, name)`` accepts, as it accepts the scenario id
    inside the file).
    """
    path = Path(target)
    if target not in _BUILTIN and path.suffix.lower() == ".net" and path.is_file():
        return tuple(p.stem for p in _scn_files(path))
    return open_case(target).scenario_names


def _scn_files(net_path: Path) -> list[Path]:
    """The ``.scn`` files beside a GasLib ``.net``: its scenarios, named by file stem."""
    try:
        return sorted(p for p in net_path.parent.glob("*.scn") if p.is_file())
    except OSError:
        return []


def _scn_id(path: Path) -> str | None:
    """The ``id`` of the ``<scenario>`` element of a ``.scn`` file (read from its head only)."""
    import re

    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16).decode("utf-8", "replace")
    except OSError:
        return None
    m = re.search(r"<scenario\b[^>]*?\bid\s*=\s*[\"']([^\"']*)[\"']", head)
    return m.group(1) if m else None


def _gaslib_scn(net_path: Path, scenario: str | None) -> Path | None:
    """The ``.scn`` to read: a path, a name listed by ``linepack scenarios`` (the stem of a
    ``.scn`` beside the ``.net``) or the scenario id inside one of them; by default the
    ``.scn`` of the same stem or the only one in the folder."""
    if not scenario:
        return _find_scn(net_path)
    given = Path(scenario)
    if given.exists():
        return given     # the reader refuses what is not a regular file, naming it
    if given.suffix.lower() == ".scn" or len(given.parts) > 1:
        raise InputError(f"scenario file '{given}' does not exist")
    scns = _scn_files(net_path)
    for p in scns:
        if p.stem == scenario:
            return p
    for p in scns:
        if _scn_id(p) == scenario:
            return p
    names = [p.stem for p in scns]
    listed = f"; scenarios: {', '.join(names)}" if names else "; there is no .scn file beside it"
    raise InputError(f"no scenario '{scenario}' beside {net_path}{did_you_mean(scenario, names)}"
                     f"{listed} (or give the path of a .scn file)")


def _find_scn(net_path: Path) -> Path | None:
    same = net_path.with_suffix(".scn")
    if same.exists():
        return same
    scns = sorted(net_path.parent.glob("*.scn"))
    return scns[0] if len(scns) == 1 else None


def _from_native(case: Case, scenario: str | None, source: str) -> Case:
    if scenario is not None and scenario not in case.scenarios:
        names = case.scenario_names
        raise InputError(f"{source}: no scenario '{scenario}'{did_you_mean(scenario, names)}; "
                         f"scenarios: {', '.join(names) or '(none)'}")
    return case.evolve(source=source, scenario_name=scenario)

