"""Result records: what a simulation returns (tables at the edges' units, plus status)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linepack.files import atomic_write_text, atomic_write_texts
from linepack.results.limits import VIOLATION_COLUMNS

import numpy as np
import pandas as pd

__all__ = ["SteadyResult", "atomic_write_text"]


@dataclass(frozen=True, eq=False)
class SteadyResult:
    """Outcome of a steady-state simulation.

    Attributes
    ----------
    status : str
        ``"converged"`` (the only status a returned result has; failures raise).
    iterations : int
        Newton iterations (summed over control-switching rounds).
    residual_norms : list[float]
        Scaled residual max-norm after each Newton iteration (all rounds).
    nodes : DataFrame
        Indexed by node id: ``p_bar`` (absolute), ``p_min_bar``, ``p_max_bar``,
        ``margin_bar`` (p − p_min), ``violation_bar`` (≥ 0, amount outside the
        bounds), ``inflow_kg_s`` (net injection, + entry / − exit, the
        reference node's balancing flow included), ``inflow_mcm_d``, ``kind``,
        ``height_m``, ``p_fixed_bar`` (the held pressure at reference nodes, NaN elsewhere).
    edges : DataFrame
        Indexed by connection id: ``kind``, ``from_node``, ``to_node``,
        ``m_kg_s`` (positive from → to), ``q_mcm_d`` (million normal m³/day,
        0 °C), ``p_in_bar``, ``p_out_bar``, ``v_in_m_s``, ``v_out_m_s``,
        ``v_max_m_s``, ``ratio``, ``power_mw`` (compressor stations), ``mode``,
        ``linepack_mcm`` (pipes: gas stored, million normal m³).
    linepack_mcm : float
        Total gas stored in the pipes. [million normal m³]
    options : dict
        The physics and solver options used.
    violations : DataFrame
        Every limit the steady state violates, worst first (one row each; empty when every
        limit holds): ``element``, ``kind`` (element kind), ``limit_kind`` (``p_max``,
        ``p_min``, ``p_out_max``, ``ratio_max``, …), ``quantity``, ``value``, ``limit``,
        ``unit``, ``amount`` (≥ 0, how far outside), ``relative`` and ``message``; see
        :func:`linepack.results.limits.limit_violations`. A converged result may violate
        limits: ``status`` is the solver's verdict, :attr:`within_limits` the limits'.
    final_controls : DataFrame
        The controls the solve ended with, indexed by the id of every connection that is not
        a pipe: ``mode``, ``setpoint``, ``value`` (SI as in :class:`linepack.Controls`: Pa
        absolute, -, kg/s; set points as the control rule left them, lowered ones included,
        also for an element now in bypass), ``automatic`` (the control rule may still switch
        it), ``direction`` (constant-loss resistors: +1 / −1 the flow direction their loss
        acts in, 0 without flow; NaN otherwise). :func:`linepack.simulate_transient` starts
        from these. Not written by :meth:`to_json` / :meth:`to_csv` (``edges.mode`` is).
    """

    status: str
    iterations: int
    residual_norms: list
    nodes: pd.DataFrame
    edges: pd.DataFrame
    linepack_mcm: float
    scenario_name: str = ""
    options: dict = field(default_factory=dict)
    rounds: list = field(default_factory=list)
    violations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VIOLATION_COLUMNS))
    final_controls: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["mode", "setpoint", "value", "automatic", "direction"]), repr=False)

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    @property
    def within_limits(self) -> bool:
        """True when no limit is violated (``violations`` is empty)."""
        return len(self.violations) == 0

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        """The result as JSON (written atomically to ``path`` when given)."""
        def table(df: pd.DataFrame) -> dict[str, Any]:
            return json.loads(df.replace({np.nan: None}).to_json(orient="index"))

        doc = {
            "status": self.status, "iterations": self.iterations,
            "residual_norms": self.residual_norms, "scenario": self.scenario_name,
            "linepack_mcm": self.linepack_mcm, "options": self.options,
            "within_limits": self.within_limits, "n_violations": int(len(self.violations)),
            "violations": json.loads(self.violations.replace({np.nan: None}).to_json(orient="records")),
            "nodes": table(self.nodes), "edges": table(self.edges),
        }
        text = json.dumps(doc, indent=1, default=str)
        if path is not None:
            atomic_write_text(path, text)
        return text

    def to_csv(self, folder: str | os.PathLike) -> tuple[Path, Path, Path]:
        """Write ``nodes.csv``, ``edges.csv`` and ``violations.csv`` (header only when every
        limit holds) into ``folder``, all or none."""
        folder = Path(folder)
        # all or none: a failure never leaves a new table beside an old one
        atomic_write_texts({folder / "nodes.csv": self.nodes.to_csv(),
                            folder / "edges.csv": self.edges.to_csv(),
                            folder / "violations.csv": self.violations.to_csv(index=False)})
        return folder / "nodes.csv", folder / "edges.csv", folder / "violations.csv"
