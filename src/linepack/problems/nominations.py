"""A sweep of nominations on one network, reusing what one validation learnt for the next.

:func:`validate_nominations` (and the object behind it, :class:`NominationValidator`) runs
:func:`linepack.validate_nomination` on many nominations of one network (GasLib-134's 1,234 days,
say) and reuses, from one nomination to the next:

* **the programmes' structure**: IPOPT's solvers (CasADi's symbolic functions, their
  derivatives and sparsity) are built once per structure — the element modes, the balance rows,
  the nodes with pressure bounds, the held nodes — and reused; the nomination's flows, flow scale
  and reference pressure enter as parameters, its bounds as numbers
  (:class:`linepack.optimization.nlp.FixedStateNLP`, ``cache``);
* **the previous solution**: the states (valve, regulator and station modes, combined decisions)
  under which the previous nomination was validated, with its pressures and flows as the start,
  are tried first. Where the exact programme holds every limit there and
  :func:`linepack.simulate` under the set points confirms it, the nomination is ``validated``
  without the relaxation. Otherwise the full method of :func:`linepack.validate_nomination` runs
  (relaxation, search, MINLP), with the solvers still shared.

The statuses mean what they mean for one nomination: ``validated`` is always checked by
simulation, and ``infeasible`` always comes from the relaxation. Only the route to a
``validated`` may differ from a lone run: another set of states that also holds every limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from linepack.errors import InputError
from linepack.network.network import Controls, Network, Scenario

__all__ = ["NominationValidator", "validate_nominations"]


class NominationValidator:
    """Validate nominations of one network in turn, reusing solvers and the previous solution.

    Parameters
    ----------
    network : Network or Case
        The network (a Case gives its network, controls and options).
    controls : Controls, optional
        Modes to keep in every nomination.
    time_limit, margin_bar, method, max_choices, max_repairs, friction, eos, viscosity, gas, temperature
        As in :func:`linepack.validate_nomination`, for each nomination.
    reuse : bool
        False runs each nomination as :func:`linepack.validate_nomination` alone would (for
        comparison).
    refresh_tol : float
        With ``reuse``: the exact programme's refresh of λ and Z stops when no pipe law changes
        by more than this × p_ref² (a lone validation: 10⁻⁹, which the refresh often reaches only
        slowly, a few % a round). The default 10⁻⁷ is about 10⁻⁵ bar at 80 bar, a thousandth of
        the 0.01 bar margin; ``validated`` is still checked by :func:`linepack.simulate`.
    """

    def __init__(self, network: Any, controls: Controls | None = None, *, time_limit: float = 300.0,
                 margin_bar: float = 0.01, method: str = "minlp", max_choices: int = 64,
                 max_repairs: int = 4, reuse: bool = True, refresh_tol: float = 1e-7,
                 friction: Any = None, eos: Any = None,
                 viscosity: Any = None, gas: Any = None, temperature: float | None = None):
        from linepack.network.case import Case

        self.options: dict = {}
        if isinstance(network, Case):
            self.options = dict(network.options or {})
            controls = network.controls if controls is None else controls
            network = network.network
        if not isinstance(network, Network):
            raise InputError(f"NominationValidator: network must be a linepack Network or Case "
                             f"(got {type(network).__name__})")
        self.network, self.controls = network, controls
        for k, v in dict(friction=friction, eos=eos, viscosity=viscosity, gas=gas,
                         temperature=temperature).items():
            if v is not None:
                self.options[k] = v
        self.kw = dict(time_limit=time_limit, margin_bar=margin_bar, method=method,
                       max_choices=max_choices, max_repairs=max_repairs)
        self.reuse = bool(reuse)
        self._state: dict = {"law_gap": float(refresh_tol)}
        if not (0 < self._state["law_gap"] < 1e-3):
            raise InputError(f"NominationValidator: refresh_tol must be in (0, 1e-3) (got {refresh_tol!r})")
        try:
            if float(time_limit) > 0:
                self._state["max_seconds"] = float(time_limit)
        except (TypeError, ValueError):
            pass     # validate_nomination names the bad time limit

    def validate(self, scenario: Scenario):
        """The :class:`~linepack.problems.nomination.NominationResult` of one nomination."""
        from linepack.problems.nomination import validate_nomination

        if not isinstance(scenario, Scenario):
            raise InputError(f"NominationValidator.validate: expected a Scenario (a nomination), "
                             f"got {type(scenario).__name__}")
        state = None
        if self.reuse:
            state = self._state
            state.setdefault("nlp", {})["max_seconds"] = self._state.get("max_seconds", 300.0)
        return validate_nomination(self.network, scenario, self.controls, **self.kw,
                                   **self.options, _reuse=state)

    def forget(self) -> None:
        """Drop the previous solution (the solvers stay)."""
        self._state.pop("previous", None)


def validate_nominations(network: Any, scenarios: Iterable[Scenario] | Mapping[str, Scenario] | None = None,
                         controls: Controls | None = None, **kwargs: Any) -> dict:
    """Validate many nominations of one network (see the module notes for what is reused).

    Parameters
    ----------
    network : Network or Case
    scenarios : mapping of name → Scenario, or an iterable of Scenarios (named by their
        ``name``, else their position); default: a Case's own scenarios.
    controls, **kwargs
        As in :class:`NominationValidator`.

    Returns
    -------
    dict
        Name → :class:`~linepack.problems.nomination.NominationResult`, in the order given.
    """
    from linepack.network.case import Case

    if scenarios is None:
        if not isinstance(network, Case):
            raise InputError("validate_nominations: give the scenarios (the nominations), or a Case "
                             "that has them")
        scenarios = dict(network.scenarios)
    if isinstance(scenarios, Mapping):
        items = list(scenarios.items())
    elif isinstance(scenarios, Scenario):
        items = [(scenarios.name or "0", scenarios)]
    else:
        items = [(s.name or str(i), s) if isinstance(s, Scenario) else (str(i), s)
                 for i, s in enumerate(scenarios)]
    names = [n for n, _ in items]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError(f"validate_nominations: two nominations are named '{dup}'")
    validator = NominationValidator(network, controls, **kwargs)
    return {name: validator.validate(s) for name, s in items}
