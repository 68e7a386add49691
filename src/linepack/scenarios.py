"""Built-in cases and opening a case from a name or a file.

A *case* is a network with its scenarios and control sets. Built-in cases
ship inside the package in linepack's native format (``linepack/data``).
``open_case`` accepts a built-in name (``"central-asia"``), a native ``.json``
file, or a GasLib ``.net`` file (with an optional ``.scn`` nomination).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from importlib import resources
from pathlib import Path

from linepack.errors import InputError, did_you_mean
from linepack.network.network import Controls, Network, Scenario

__all__ = ["list_cases", "load_case", "open_case", "OpenedCase", "apply_assumption_set",
           "assumption_set_names"]

_BUILTIN = {"central-asia": "central-asia.json"}


def list_cases() -> list[str]:
    """Names of the built-in cases."""
    return sorted(_BUILTIN)


def load_case(name: str, assumptions: str | None = None):
    """Load a built-in case (a :class:`linepack.io.native.Case`) by name.

    ``assumptions`` picks one of the case's assumption sets (``"low"``, ``"central"``,
    ``"high"`` for central-asia; see :func:`apply_assumption_set`); ``None`` is the case as
    built (the central set).
    """
    from linepack.io.native import parse_native, read_native

    if name not in _BUILTIN:
        raise InputError(f"unknown built-in case '{name}'{did_you_mean(name, _BUILTIN)}; "
                         f"built-in cases: {', '.join(list_cases())}")
    ref = resources.files("linepack") / "data" / _BUILTIN[name]
    if assumptions is None:
        with resources.as_file(ref) as path:
            return read_native(path)
    data = json.loads(ref.read_text(encoding="utf-8"))
    return parse_native(apply_assumption_set(data, assumptions), name=_BUILTIN[name])


def assumption_set_names(data: Mapping[str, Any]) -> list[str]:
    """Names of the assumption sets a native case's JSON carries (``meta.assumption_sets``)."""
    return list((data.get("meta") or {}).get("assumption_sets") or {})


def apply_assumption_set(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A copy of a native case's JSON with one of its assumption sets applied.

    A case may carry ``meta["assumption_sets"][name]`` with the element fields
    (``nodes``, ``connections``: ``{id: {field: value}}``), scenario entries
    (``scenarios``: ``{scenario: {node id: {field: value}}}``) and control entries
    (``controls``: ``{control set: {connection id: {...}}}``) that differ from the
    case as written, the central set. The applied set's name is recorded in
    ``meta["assumption_set"]``.

    Raises
    ------
    InputError
        The case has no such set.
    """
    sets = (data.get("meta") or {}).get("assumption_sets") or {}
    if name not in sets:
        known = list(sets) or ["(none: this case carries no assumption sets)"]
        raise InputError(f"unknown assumption set '{name}'{did_you_mean(name, list(sets))}; "
                         f"sets: {', '.join(known)}")
    out = copy.deepcopy(dict(data))
    patch = sets[name]
    for key in ("nodes", "connections"):
        rows = {e["id"]: e for e in out.get(key, [])}
        for eid, fields in (patch.get(key) or {}).items():
            rows[eid].update(fields)
    for sname, entries in (patch.get("scenarios") or {}).items():
        rows = {e["id"]: e for e in out["scenarios"][sname]["nodes"]}
        for nid, fields in entries.items():
            rows[nid].update(fields)
    for cname, entries in (patch.get("controls") or {}).items():
        out["controls"][cname].update(copy.deepcopy(entries))
    out["meta"]["assumption_set"] = name
    return out


@dataclass(frozen=True)
class OpenedCase:
    """A network with the scenario and controls chosen for one run."""

    network: Network
    scenario: Scenario | None
    controls: Controls | None
    scenario_names: tuple[str, ...]
    source: str
    case: object = None  # the native Case, where there is one


def open_case(target: str, scenario: str | None = None,
              assumptions: str | None = None) -> OpenedCase:
    """Open a built-in case name, a native JSON file or a GasLib ``.net`` file.

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
        if assumptions is None:
            return _from_native(read_native(path), scenario, str(path))
        from linepack.io.native import parse_native

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return _from_native(read_native(path), scenario, str(path))  # its error message
        return _from_native(parse_native(apply_assumption_set(data, assumptions), name=str(path)),
                            scenario, str(path))
    if assumptions is not None:
        raise InputError(f"'{target}': assumption sets exist only for linepack .json cases "
                         f"(got --assumptions {assumptions})")
    if path.suffix.lower() == ".net":
        from linepack.io.gaslib import read_gaslib

        scn_path = Path(scenario) if scenario else _find_scn(path)
        if scn_path is not None and not scn_path.exists():
            raise InputError(f"scenario file '{scn_path}' does not exist")
        cs = path.with_suffix(".cs")
        net, scn = read_gaslib(path, scn_path, cs if cs.exists() else None)
        cdf = path.with_suffix(".cdf")
        if cdf.exists():
            from linepack.io.gaslib_decisions import read_gaslib_decisions

            net = net.evolve(meta={**net.meta, "combined_decisions": read_gaslib_decisions(cdf)})
        return OpenedCase(net, scn, None, (scn.name,) if scn is not None else (), str(path))
    raise InputError(f"'{target}': unknown file type '{path.suffix}'; expected a GasLib .net or a "
                     "linepack .json file")


def _find_scn(net_path: Path) -> Path | None:
    same = net_path.with_suffix(".scn")
    if same.exists():
        return same
    scns = sorted(net_path.parent.glob("*.scn"))
    return scns[0] if len(scns) == 1 else None


def _from_native(case, scenario: str | None, source: str) -> OpenedCase:
    names = tuple(case.scenarios)
    if not names:
        return OpenedCase(case.network, None, None, (), source, case)
    if scenario is None:
        scenario = case.network.meta.get("default_scenario") or names[0]
    if scenario not in case.scenarios:
        raise InputError(f"{source}: no scenario '{scenario}'{did_you_mean(scenario, names)}; "
                         f"scenarios: {', '.join(names)}")
    cname = case.scenario_controls.get(scenario)
    controls = case.controls.get(cname) if cname else None
    return OpenedCase(case.network, case.scenarios[scenario], controls, names, source, case)
