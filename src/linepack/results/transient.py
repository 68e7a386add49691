"""The record a transient simulation returns: tables over time (one row per output time)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from linepack.errors import InputError
from linepack.files import atomic_write_texts

__all__ = ["TransientResult"]

#: table name → attribute, in the order they are written
_TABLES = ("pressure_bar", "inflow_kg_s", "flow_in_kg_s", "flow_out_kg_s", "linepack_kg",
           "station_power_mw", "totals")


@dataclass(frozen=True, eq=False)
class TransientResult:
    """Outcome of a transient simulation (:func:`linepack.simulate_transient`).

    Every table is indexed by the output time ``time_s`` (seconds from the start; t = 0 is
    the initial state) and holds one column per element. Memory grows with the number of
    output times, not with the number of internal time steps.

    Attributes
    ----------
    status : str
        ``"completed"``, or ``"breakdown"`` when the physics broke down (a pressure
        reaching zero, or no solution of a time step even with a reduced step); the tables
        then end at the last computed state and ``message`` names the time and the node.
    message : str
        What happened (empty when completed).
    pressure_bar : DataFrame
        Node pressures (absolute). [bar]
    inflow_kg_s : DataFrame
        Net injection per node (+ into the network, − withdrawal); at pressure-held nodes the
        flow they supply. [kg/s]
    flow_in_kg_s, flow_out_kg_s : DataFrame
        Mass flow of every connection at its from and its to end (they differ on pipes while
        the pipe packs or drafts), positive from → to. [kg/s]
    linepack_kg : DataFrame
        Gas stored in each pipe. [kg]
    station_power_mw : DataFrame
        Isentropic shaft power of each compressor station (NaN where it does not compress).
        [MW]
    totals : DataFrame
        ``linepack_kg`` (total), ``linepack_mcm`` (million normal m³, 0 °C, 1.01325 bar),
        ``net_inflow_kg_s`` (Σ injections = packing rate, + packing / − drafting; the
        scheme's θ-weighted step value), ``inflow_cumulative_kg`` (∫ net inflow dt from 0).
    violations : DataFrame
        One row per element whose limit was violated: ``element``, ``kind``, ``limit``,
        ``first_time_s``, ``value``, ``bound`` (pressures in bar), checked at every
        internal time step.
    pipe_pressure_bar : dict
        For the pipes asked for (``record_pipes``): pressure along the pipe, one column per
        grid point (``x_km`` from the from-node). [bar]
    steps, newton_iterations, factorizations : int
        Internal time steps taken, Newton iterations and LU factorisations used.
    options : dict
        Scheme and physics options used.
    control_log : DataFrame
        Every switch of an automatic regulator, station or check valve by the control rule
        (``time_s``, ``element``, ``from_mode``, ``to_mode``).
    final_state : dict
        The whole discrete state at the last time (pressures at every grid point, flows,
        element states, held pressures): pass the result as ``initial`` to continue the run.
    """

    status: str
    message: str
    pressure_bar: pd.DataFrame
    inflow_kg_s: pd.DataFrame
    flow_in_kg_s: pd.DataFrame
    flow_out_kg_s: pd.DataFrame
    linepack_kg: pd.DataFrame
    station_power_mw: pd.DataFrame
    totals: pd.DataFrame
    violations: pd.DataFrame
    pipe_pressure_bar: dict = field(default_factory=dict)
    steps: int = 0
    newton_iterations: int = 0
    factorizations: int = 0
    options: dict = field(default_factory=dict)
    final_state: dict = field(default_factory=dict, repr=False)
    control_log: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["time_s", "element", "from_mode", "to_mode"]))

    @property
    def completed(self) -> bool:
        return self.status == "completed"

    @property
    def times_s(self):
        """Output times. [s]"""
        return self.pressure_bar.index.to_numpy()

    def to_csv(self, folder: str | os.PathLike) -> list[Path]:
        """Write one CSV per table (``pressure_bar.csv`` …, ``violations.csv``) into ``folder``,
        all or none."""
        folder = Path(folder)
        files = {folder / f"{name}.csv": getattr(self, name).to_csv() for name in _TABLES}
        files[folder / "violations.csv"] = self.violations.to_csv(index=False)
        return atomic_write_texts(files)

    def to_parquet(self, folder: str | os.PathLike) -> list[Path]:
        """Write one Parquet file per table (``pressure_bar.parquet`` …,
        ``violations.parquet``) into ``folder``, all or none (needs pyarrow or fastparquet:
        the ``sweep`` extra)."""
        folder = Path(folder)
        files = {folder / f"{name}.parquet": _parquet(getattr(self, name), name != "violations")
                 for name in _TABLES + ("violations",)}
        return atomic_write_texts(files)

    def write_table(self, path: str | os.PathLike) -> Path:
        """Write :meth:`to_frame` (pressures, flows and totals side by side) to one ``.csv``
        or ``.parquet`` file, atomically (an interrupted write leaves the previous file)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            data: str | bytes = self.to_frame().to_csv()
        elif suffix == ".parquet":
            data = _parquet(self.to_frame(), True)
        else:
            raise InputError(f"write_table: '{path}': expected a .csv or .parquet file "
                             f"(got '{path.suffix}')")
        return atomic_write_texts({path: data})[0]

    def to_frame(self) -> pd.DataFrame:
        """Node pressures and connection flows side by side (one column per element and
        quantity, ``<id>.p_bar``, ``<id>.m_in_kg_s``): the wide table the CLI writes."""
        parts = [self.pressure_bar.add_suffix(".p_bar"),
                 self.flow_in_kg_s.add_suffix(".m_in_kg_s"),
                 self.flow_out_kg_s.add_suffix(".m_out_kg_s"),
                 self.totals]
        return pd.concat(parts, axis=1)


def _parquet(frame: pd.DataFrame, index: bool) -> bytes:
    """A table as Parquet bytes; a missing Parquet engine is named as an input error."""
    buf = io.BytesIO()
    try:
        frame.to_parquet(buf, index=index)
    except ImportError as exc:
        raise InputError(f"Parquet output needs pyarrow or fastparquet (the 'sweep' extra): "
                         f"{exc}; write CSV instead") from None
    return buf.getvalue()
