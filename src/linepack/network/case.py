"""Case: a network with its scenarios, control sets and simulation options.

Every reader returns a :class:`Case` (``read_gaslib``, ``read_native``,
``from_pandapipes``, ``open_case``) and every problem accepts one
(``simulate(case)``, ``sweep(case, ...)``, ``transit_capacity(case, ...)``,
``validate_nomination(case, ...)``), so the library and the command line compute
the same thing from the same files.

A case holds *all* its scenarios and named control sets (as a native file does)
and one *selected* scenario: :attr:`Case.scenario` and :attr:`Case.controls` are
the boundary conditions and the operating decisions of a single run;
:meth:`Case.select` picks another scenario. :attr:`Case.options` are keyword
arguments of :func:`linepack.simulate` that the source implies (e.g. the
equation of state of a pandapipes fluid).

For code written against the earlier ``network, scenario = read_gaslib(...)``, a
case unpacks as the pair ``(network, scenario)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from linepack.errors import InputError, did_you_mean
from linepack.network.network import Controls, Network, Scenario

__all__ = ["Case", "unpack_case"]

#: Keyword arguments of :func:`linepack.simulate` a case's ``options`` may set.
OPTION_KEYS = ("friction", "eos", "viscosity", "gas", "temperature", "options")


@dataclass(frozen=True, eq=False)
class Case:
    """A network with its scenarios, control sets and simulation options.

    Parameters
    ----------
    network
        The network.
    scenarios
        Scenarios by name (a GasLib case read with one ``.scn`` has one, named
        after the nomination; a bare network has none).
    control_sets
        Named sets of operating decisions.
    scenario_controls
        For a scenario name, the name of the control set it uses; a scenario not
        listed runs under the documented default rule of :func:`linepack.simulate`
        (for GasLib networks with combined decisions, the decision search).
    options
        Keyword arguments for :func:`linepack.simulate` implied by the source
        (keys among ``friction``, ``eos``, ``viscosity``, ``gas``, ``temperature``,
        ``options``); arguments given to ``simulate`` explicitly take precedence.
    scenario_name
        The selected scenario; default: the network's ``meta["default_scenario"]``
        when the case has it, else the first scenario.
    source
        Where the case came from (a path or a description), for messages.
    """

    network: Network
    scenarios: Mapping[str, Scenario] = field(default_factory=dict)
    control_sets: Mapping[str, Controls] = field(default_factory=dict)
    scenario_controls: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    scenario_name: str | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.network, Network):
            raise InputError(f"Case: network must be a linepack Network (got {type(self.network).__name__})")
        scenarios = dict(self.scenarios or {})
        for name, s in scenarios.items():
            if not isinstance(s, Scenario):
                raise InputError(f"Case: scenario '{name}' must be a Scenario (got {type(s).__name__})")
        sets = dict(self.control_sets or {})
        for name, c in sets.items():
            if not isinstance(c, Controls):
                raise InputError(f"Case: control set '{name}' must be Controls (got {type(c).__name__})")
        links = {str(k): str(v) for k, v in dict(self.scenario_controls or {}).items()}
        for sname, cname in links.items():
            if cname not in sets:
                raise InputError(f"Case: scenario '{sname}' uses control set '{cname}', which is not in "
                                 f"the case{did_you_mean(cname, sets)}")
        unknown = sorted(set(self.options or {}) - set(OPTION_KEYS))
        if unknown:
            raise InputError(f"Case: unknown option '{unknown[0]}'{did_you_mean(unknown[0], OPTION_KEYS)}; "
                             f"options are keyword arguments of simulate: {', '.join(OPTION_KEYS)}")
        name = self.scenario_name
        if name is None and scenarios:
            default = self.network.meta.get("default_scenario")
            name = default if default in scenarios else next(iter(scenarios))
        if name is not None and name not in scenarios:
            raise InputError(f"{self.source or 'case'}: no scenario '{name}'{did_you_mean(name, scenarios)}"
                             f"; scenarios: {', '.join(scenarios) or '(none)'}")
        object.__setattr__(self, "scenarios", scenarios)
        object.__setattr__(self, "control_sets", sets)
        object.__setattr__(self, "scenario_controls", links)
        object.__setattr__(self, "options", dict(self.options or {}))
        object.__setattr__(self, "scenario_name", name)

    # -- the selected run -----------------------------------------------------------
    @property
    def scenario(self) -> Scenario | None:
        """The selected scenario (None when the case has none)."""
        return None if self.scenario_name is None else self.scenarios[self.scenario_name]

    @property
    def controls(self) -> Controls | None:
        """The control set of the selected scenario (None: the default rule)."""
        return self.controls_for(self.scenario_name)

    def control_set(self, name: str | None) -> Controls | None:
        """The control set called ``name`` (None for no name; an unknown name is an
        InputError with a "did you mean")."""
        if name is None:
            return None
        if name not in self.control_sets:
            from linepack.errors import InputError, did_you_mean

            raise InputError(f"no control set '{name}'{did_you_mean(name, list(self.control_sets))}; "
                             f"control sets: {', '.join(self.control_sets) or '(none)'}")
        return self.control_sets[name]

    def controls_for(self, scenario_name: str | None) -> Controls | None:
        """The control set a scenario of the case uses (None: the default rule)."""
        cname = self.scenario_controls.get(scenario_name) if scenario_name is not None else None
        return self.control_sets[cname] if cname is not None else None

    @property
    def scenario_names(self) -> tuple[str, ...]:
        """Names of the scenarios, in the case's order."""
        return tuple(self.scenarios)

    def select(self, scenario_name: str) -> "Case":
        """The same case with another scenario selected."""
        return replace(self, scenario_name=scenario_name)

    def evolve(self, **changes: Any) -> "Case":
        """A copy with some attributes replaced."""
        return replace(self, **changes)

    def __iter__(self) -> Iterator[Any]:
        """Unpack as ``network, scenario`` (what ``read_gaslib`` returned before there were cases)."""
        return iter((self.network, self.scenario))

    def __repr__(self) -> str:
        return (f"Case({self.network!r}, scenarios={list(self.scenarios)[:5]}"
                f"{'…' if len(self.scenarios) > 5 else ''}, selected={self.scenario_name!r}"
                f"{', options=' + str(sorted(self.options)) if self.options else ''})")


def unpack_case(network: Any, scenario: Any, controls: Any, kwargs: Mapping[str, Any],
                defaults: Mapping[str, Any] | None = None) -> tuple[Any, Any, Any, dict[str, Any]]:
    """Resolve a problem's ``(network | case, scenario, controls, **kwargs)`` arguments.

    When ``network`` is a :class:`Case`, the case gives the network, the selected
    scenario and its controls where ``scenario`` is None (with an explicit
    ``scenario``, only ``controls`` as given), and its options where the keyword
    argument is None. Then a keyword argument still None takes its value from
    ``defaults``. Anything that is not a case passes through.
    """
    merged = dict(kwargs)
    if isinstance(network, Case):
        case = network
        if scenario is None:
            scenario = case.scenario
            if controls is None:
                controls = case.controls
        for k, v in case.options.items():
            if merged.get(k) is None:
                merged[k] = v
        network = case.network
    for k, v in (defaults or {}).items():
        if merged.get(k) is None:
            merged[k] = v
    return network, scenario, controls, merged
