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

__all__ = ["list_cases", "load_case", "open_case", "OpenedCase"]

_BUILTIN = {"central-asia": "central-asia.json"}


def list_cases() -> list[str]:
    """Names of the built-in cases."""
    return sorted(_BUILTIN)


def load_case(name: str):
    """Load a built-in case (a :class:`linepack.Case`) by name."""
    from linepack.io.native import read_native

    if name not in _BUILTIN:
        raise InputError(f"unknown built-in case '{name}'{did_you_mean(name, _BUILTIN)}; "
                         f"built-in cases: {', '.join(list_cases())}")
    ref = resources.files("linepack") / "data" / _BUILTIN[name]
    with resources.as_file(ref) as path:
        return read_native(path)


#: What :func:`open_case` returned before there was one case type; the same :class:`Case`.
OpenedCase = Case


def open_case(target: str, scenario: str | None = None) -> Case:
    """Open a built-in case name, a native JSON file or a GasLib ``.net`` file as a :class:`Case`.

    The same files read through the library (``read_native``, ``read_gaslib``)
    give the same case, so the command line and the library compute the same thing.

    Parameters
    ----------
    target
        ``"central-asia"`` (built-in), ``path/to/case.json`` (native) or
        ``path/to/net.net`` (GasLib; a ``.cs`` and a ``.cdf`` file of the same stem are read
    too, the latter giving the default controls).
    scenario
        For built-in and native cases, a scenario name (default: the case's
        ``meta["default_scenario"]``, else the first). For GasLib, the path of a
        ``.scn`` nomination (default: a ``.scn`` file of the same stem, or the
        only ``.scn`` in the folder).
    """
    from linepack.io.native import read_native

    if target in _BUILTIN:
        return _from_native(load_case(target), scenario, f"built-in case '{target}'")
    path = Path(target)
    if not path.exists():
        raise InputError(f"'{target}' is neither a file nor a built-in case"
                         f"{did_you_mean(target, _BUILTIN)}; built-in cases: {', '.join(list_cases())}")
    if path.suffix.lower() == ".json":
        return _from_native(read_native(path), scenario, str(path))
    if path.suffix.lower() == ".net":
        from linepack.io.gaslib import read_gaslib

        scn_path = Path(scenario) if scenario else _find_scn(path)
        if scn_path is not None and not scn_path.exists():
            raise InputError(f"scenario file '{scn_path}' does not exist")
        return read_gaslib(path, scn_path)  # with the .cs and .cdf of the same name, as the API
    raise InputError(f"'{target}': unknown file type '{path.suffix}'; expected a GasLib .net or a "
                     "linepack .json file")


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
