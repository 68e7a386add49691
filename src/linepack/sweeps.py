"""Scenario sweeps on Dask: one network, many scenarios, one results table.

:func:`sweep` runs the steady state of a case for many scenarios on a Dask
cluster: by default a local cluster of processes on this machine, or an existing
cluster given by its scheduler address (``tcp://host:8786``) or a
``distributed.Client``. The same code runs in both places.

How the work is spread
----------------------
* The case (network, controls, options) is sent to every worker once
  (``Client.scatter(..., broadcast=True)``); each worker keeps it in a cache keyed
  by the case's digest, so the network's model, its matrix patterns and the factor
  of its initial-guess Laplacian (the caches of :func:`linepack.simulate`, which live
  with the network object) are built once per worker and reused for every scenario.
* Scenarios travel in chunks. GasLib nominations from a folder or a zip go as the
  raw ``.scn`` bytes and are parsed on the worker
  (:func:`linepack.io.gaslib.parse_gaslib_scenario`).
* A scenario that fails (no solution, no convergence, bad input, or any other
  error) becomes a row with its status and error text; it never stops the sweep.
* The local cluster's workers are forked on Linux (``distributed.worker.multiprocessing-method``
  ``fork``: they start in a fraction of a second with linepack already imported) and run
  without Dask's statistical profiler (it samples the task thread every 10 ms and costs
  GIL time); pass ``client=`` for a cluster set up otherwise.

The table
---------
One row per scenario (index ``scenario``): ``status`` (``converged``,
``infeasible``, ``not converged``, ``input error``, ``error``), ``iterations``
(Newton), ``min_margin_bar`` and ``min_margin_node`` (lowest p − p_min over the
nodes with a minimum pressure, bar; negative where the minimum is violated),
``n_violations`` (nodes outside their pressure bounds by more than 1e-6 bar),
``bottleneck`` and ``feasible_share`` (an infeasible scenario's limiting element
and the estimated feasible share of its demand, from :func:`linepack.simulate`'s
diagnosis), ``error`` (the message of a scenario that did not converge or
failed) and ``seconds`` (wall time of the scenario on its worker).

Resuming
--------
With ``output``, every finished chunk is written at once (atomically) to the
folder ``<output>.parts``; the final table is written when the sweep ends and
the folder is removed. Run the same sweep again after an interruption and the
scenarios already in ``<output>`` or ``<output>.parts`` are skipped. The table
records the digest of the case and of the simulation options (Parquet metadata);
a different case refuses to resume into it.

Needs the optional extra ``sweep`` (``pip install -e ".[sweep]"``: Dask
distributed and pyarrow).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import shutil
import sys
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from linepack.errors import Infeasible, InputError, LinepackError, NotConverged
from linepack.network.case import Case
from linepack.network.network import Scenario

__all__ = ["sweep", "SweepItem", "read_sweep_scenarios", "COLUMNS"]

#: The columns of a sweep's table, in order.
COLUMNS = ("status", "iterations", "min_margin_bar", "min_margin_node", "n_violations", "bottleneck",
           "feasible_share", "error", "seconds")
_EXTRA = 'the sweep needs the optional extra \'sweep\' (Dask and pyarrow): pip install -e ".[sweep]"'
_TOL_BAR = 1e-6


@dataclass(frozen=True)
class SweepItem:
    """One scenario of a sweep: a name and either a Scenario, GasLib ``.scn`` bytes, or the
    name of one of the case's own scenarios."""

    name: str
    scenario: Scenario | None = None
    scn_bytes: bytes | None = None
    case_scenario: str | None = None


# -- scenarios -------------------------------------------------------------------------

def _zip_and_prefix(path: Path) -> tuple[Path, str] | None:
    """``(zip file, folder inside it)`` when ``path`` is a zip or goes through one."""
    parts = path.parts
    for i in range(len(parts), 0, -1):
        head = Path(*parts[:i])
        if head.suffix.lower() == ".zip" and head.is_file():
            return head, "/".join(parts[i:])
    return None


def read_sweep_scenarios(source: str | os.PathLike) -> list[SweepItem]:
    """The GasLib nominations (``*.scn``) of a folder, a zip file, or a folder inside a zip.

    ``GasLib-134.zip`` takes every ``.scn`` in the archive (named by their path inside
    it, without ``.scn``); ``GasLib-134.zip/Nominations-134`` only those under that
    folder (named by their file name). The files are read, not parsed: the workers
    parse them.
    """
    path = Path(source)
    found = _zip_and_prefix(path)
    if found is not None:
        zpath, prefix = found
        try:
            with zipfile.ZipFile(zpath) as zf:
                members = [m for m in zf.infolist() if not m.is_dir() and m.filename.lower().endswith(".scn")]
                if prefix:
                    pre = prefix.rstrip("/") + "/"
                    members = [m for m in members if m.filename.startswith(pre)]
                    names = [m.filename[len(pre):] for m in members]
                else:
                    names = [m.filename for m in members]
                if not members:
                    raise InputError(f"no GasLib nominations (*.scn) in '{source}'")
                return [SweepItem(n[:-4], scn_bytes=zf.read(m)) for n, m in zip(names, members)]
        except zipfile.BadZipFile as exc:
            raise InputError(f"not a readable zip file: {exc}", path=str(zpath)) from None
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".scn")
        if not files:
            raise InputError(f"no GasLib nominations (*.scn) in the folder '{source}'")
        return [SweepItem(p.relative_to(path).with_suffix("").as_posix(), scn_bytes=p.read_bytes())
                for p in files]
    if path.is_file() and path.suffix.lower() == ".scn":
        return [SweepItem(path.stem, scn_bytes=path.read_bytes())]
    raise InputError(f"--scenarios '{source}': expected a folder or a zip file of GasLib .scn files")


def _items(case: Case, scenarios: Any) -> list[SweepItem]:
    if scenarios is None:
        if not case.scenarios:
            raise InputError("the case has no scenarios to sweep: give scenarios (a folder or zip of "
                             "GasLib .scn files, or Scenario objects)")
        return [SweepItem(str(n), case_scenario=n) for n in case.scenarios]
    if isinstance(scenarios, (str, os.PathLike)):
        return read_sweep_scenarios(scenarios)
    if isinstance(scenarios, Mapping):
        pairs = list(scenarios.items())
    else:
        pairs = []
        for i, s in enumerate(scenarios):
            if isinstance(s, SweepItem):
                pairs.append((s.name, s))
            elif isinstance(s, Scenario):
                pairs.append((s.name or f"scenario_{i}", s))
            else:
                raise InputError(f"scenarios[{i}]: expected a linepack Scenario (got {type(s).__name__})")
    out = []
    for name, s in pairs:
        if isinstance(s, SweepItem):
            out.append(s)
        elif isinstance(s, Scenario):
            out.append(SweepItem(str(name), scenario=s))
        else:
            raise InputError(f"scenarios['{name}']: expected a linepack Scenario (got {type(s).__name__})")
    names = [it.name for it in out]
    if len(set(names)) != len(names):
        dup = pd.Index(names)[pd.Index(names).duplicated()][0]
        raise InputError(f"scenarios: the name '{dup}' appears more than once; names must be unique")
    return out


# -- one scenario, on a worker ---------------------------------------------------------

_WORKER_CASES: dict[str, Case] = {}


def _row(res: Any) -> dict[str, Any]:
    nodes = res.nodes
    row: dict[str, Any] = {"status": str(res.status), "iterations": int(res.iterations)}
    if "margin_bar" in nodes:
        margin = nodes["margin_bar"].to_numpy(dtype=float)
        ok = np.isfinite(margin)
        if ok.any():
            i = int(np.argmin(np.where(ok, margin, np.inf)))
            row["min_margin_bar"] = float(margin[i])
            row["min_margin_node"] = str(nodes.index[i])
    if "violation_bar" in nodes:
        row["n_violations"] = int(np.count_nonzero(nodes["violation_bar"].to_numpy(dtype=float) > _TOL_BAR))
    return row


def _run_one(case: Case, item: SweepItem, kwargs: dict[str, Any]) -> dict[str, Any]:
    from linepack.problems.steady import simulate

    t0 = time.perf_counter()
    row: dict[str, Any] = {"scenario": item.name}
    try:
        controls = case.controls
        if item.case_scenario is not None:
            scenario = case.scenarios[item.case_scenario]
            controls = case.controls_for(item.case_scenario)
        elif item.scn_bytes is not None:
            from linepack.io.gaslib import parse_gaslib_scenario

            scenario = parse_gaslib_scenario(item.scn_bytes, case.network, name=f"{item.name}.scn")
        else:
            scenario = item.scenario
        row.update(_row(simulate(case, scenario, controls, **kwargs)))
    except Infeasible as exc:
        row.update(status="infeasible", bottleneck=exc.bottleneck, error=str(exc),
                   feasible_share=exc.detail.get("feasible_share"))
    except NotConverged as exc:
        row.update(status="not converged", error=str(exc))
    except InputError as exc:
        row.update(status="input error", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a failing scenario is recorded, never stops the sweep
        row.update(status="error", error=f"{type(exc).__name__}: {exc}")
    row["seconds"] = time.perf_counter() - t0
    return row


def _run_chunk(digest: str, case: Case, items: list[SweepItem], kwargs: dict[str, Any]) -> list[dict]:
    """Run a chunk of scenarios with the worker's cached copy of the case."""
    cached = _WORKER_CASES.get(digest)
    if cached is None:
        _WORKER_CASES.clear()   # one case per worker at a time
        _WORKER_CASES[digest] = cached = case
    return [_run_one(cached, it, kwargs) for it in items]


# -- the table -------------------------------------------------------------------------

def _frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for c in COLUMNS:
        if c not in df:
            df[c] = None
    df = df.set_index("scenario")[list(COLUMNS)] if len(df) else pd.DataFrame(
        columns=list(COLUMNS), index=pd.Index([], name="scenario"))
    df["iterations"] = pd.array(df["iterations"], dtype="Int64")
    df["n_violations"] = pd.array(df["n_violations"], dtype="Int64")
    for c in ("min_margin_bar", "feasible_share", "seconds"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    for c in ("status", "min_margin_node", "bottleneck", "error"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def _digest(case: Case, kwargs: dict[str, Any]) -> str:
    h = hashlib.sha256()
    net = case.network
    for table in (net.nodes, net.connections):
        h.update(pd.util.hash_pandas_object(table.astype(str), index=True).to_numpy().tobytes())
        h.update(repr(list(table.columns)).encode())
    h.update(json.dumps(net.gas or {}, sort_keys=True, default=str).encode())
    h.update(repr(len(net.meta.get("combined_decisions") or ())).encode())
    for name, ctl in sorted(case.control_sets.items()):
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(ctl.table.astype(str), index=True).to_numpy().tobytes())
    h.update(repr(sorted(case.scenario_controls.items())).encode())
    opts = {**case.options, **{k: v for k, v in kwargs.items() if v is not None}}
    h.update(repr(sorted((k, v if isinstance(v, (str, int, float)) else type(v).__name__)
                         for k, v in opts.items())).encode())
    return h.hexdigest()[:16]


def _parquet_bytes(df: pd.DataFrame, digest: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=True)
    meta = dict(table.schema.metadata or {})
    meta[b"linepack_sweep_digest"] = digest.encode()
    table = table.replace_schema_metadata(meta)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def _read_parquet(path: Path, digest: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 - whatever pyarrow raises, reported as bad input
        raise InputError(f"cannot read the sweep table: {exc}", path=str(path)) from None
    got = (table.schema.metadata or {}).get(b"linepack_sweep_digest", b"").decode()
    if got != digest:
        raise InputError("this table holds a sweep of another case or other options (digest "
                         f"{got or 'none'}, this sweep {digest}); remove it or write to another output",
                         path=str(path))
    return table.to_pandas()


def _parts_dir(output: Path) -> Path:
    return output.with_name(output.name + ".parts")


def _done(output: Path, digest: str) -> pd.DataFrame:
    frames = []
    if output.exists():
        frames.append(_read_parquet(output, digest))
    parts = _parts_dir(output)
    if parts.is_dir():
        for p in sorted(parts.glob("chunk-*.parquet")):
            frames.append(_read_parquet(p, digest))
    if not frames:
        return _frame([])
    df = pd.concat(frames)
    return df[~df.index.duplicated(keep="last")]


# -- the sweep -------------------------------------------------------------------------

def _need_extra():
    try:
        import distributed  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        raise LinepackError(_EXTRA) from None


@contextlib.contextmanager
def _client(client: Any, scheduler: str | None, workers: int | None):
    from distributed import Client, LocalCluster

    if client is not None:
        yield client
        return
    if scheduler:
        with Client(scheduler) as c:
            yield c
        return
    import dask

    n = workers or os.cpu_count() or 1
    # On Linux the worker processes are forked: they start in ~0.3 s with linepack, numpy and
    # scipy already imported, where spawning them costs ~2 s each on a 2-core machine.
    config = {"distributed.worker.multiprocessing-method": "fork"} if sys.platform == "linux" else {}
    # the workers' statistical profiler samples the task thread every 10 ms: it costs GIL time
    config["distributed.worker.profile.enabled"] = False
    with dask.config.set(config), LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None,
                                               silence_logs=40) as cluster, \
            Client(cluster) as c:
        yield c


def sweep(case: Case, scenarios: Any = None, *, workers: int | None = None,
          scheduler: str | None = None, client: Any = None, output: str | os.PathLike | None = None,
          csv: bool = False, chunk_size: int | None = None, progress: bool = False,
          **simulate_kwargs: Any) -> pd.DataFrame:
    """Simulate the steady state of ``case`` for many scenarios on a Dask cluster.

    See the module notes for how the work is spread, the table's columns and resuming.

    Parameters
    ----------
    case : Case
        The network, its controls and options (what :func:`linepack.read_gaslib`,
        :func:`linepack.read_native` or :func:`linepack.open_case` return).
    scenarios
        None: the case's own scenarios (each with its control set). A folder or zip
        file of GasLib ``.scn`` nominations, or a folder inside a zip
        (``GasLib-134.zip/Nominations-134``): see :func:`read_sweep_scenarios`. Or
        Scenario objects (a list, or a mapping name → Scenario); these and the GasLib
        nominations run under the case's selected controls (``case.controls``).
    workers
        Worker processes of the local cluster (default: the number of CPUs).
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``) to run on instead
        of a local cluster; its workers need linepack installed.
    client
        A ``distributed.Client`` to use (overrides ``workers`` and ``scheduler``).
    output
        A Parquet file for the table; chunks are written as they finish and a rerun
        resumes (see the module notes).
    csv
        Also write the table as CSV beside ``output`` (same name, ``.csv``).
    chunk_size
        Scenarios per task (default: about four tasks per worker, at most 64).
    progress
        Show a progress bar (rich) with the rate and the time left.
    **simulate_kwargs
        Passed to :func:`linepack.simulate` (``friction``, ``eos``, …).

    Returns
    -------
    pandas.DataFrame
        One row per scenario, in the order given; see the module notes.

    Raises
    ------
    InputError
        No scenarios, a path that holds none, duplicate names, or an ``output``
        that holds the sweep of another case.
    LinepackError
        The extra ``sweep`` is not installed.
    """
    _need_extra()
    if not isinstance(case, Case):
        raise InputError(f"sweep: case must be a linepack Case, as read_gaslib/read_native/open_case "
                         f"return (got {type(case).__name__})")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise InputError(f"sweep: workers must be a whole number ≥ 1 (got {workers!r})")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise InputError(f"sweep: chunk_size must be a whole number ≥ 1 (got {chunk_size!r})")
    items = _items(case, scenarios)
    order = [it.name for it in items]
    digest = _digest(case, simulate_kwargs)
    out_path = Path(output) if output is not None else None
    done = _done(out_path, digest) if out_path is not None else _frame([])
    todo = [it for it in items if it.name not in done.index]
    rows_new: list[pd.DataFrame] = []
    if todo:
        with _client(client, scheduler, workers) as c:
            n_workers = max(1, len(c.scheduler_info().get("workers", {})) or (workers or 1))
            size = chunk_size or max(1, min(64, math.ceil(len(todo) / (4 * n_workers))))
            chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
            rows_new = _run(c, case, digest, chunks, simulate_kwargs, out_path, progress,
                            len(items), len(items) - len(todo))
    table = pd.concat([done, *rows_new]) if rows_new else done
    table = _frame(table.reset_index().to_dict("records")) if len(table) else _frame([])
    table = table[~table.index.duplicated(keep="last")].reindex(order)
    if out_path is not None:
        from linepack.files import atomic_write_bytes, atomic_write_text

        atomic_write_bytes(out_path, _parquet_bytes(table, digest))
        if csv:
            atomic_write_text(out_path.with_suffix(".csv"), table.to_csv())
        shutil.rmtree(_parts_dir(out_path), ignore_errors=True)
    return table


def _run(c, case: Case, digest: str, chunks: list[list[SweepItem]], kwargs: dict[str, Any],
         out_path: Path | None, progress: bool, total: int, already: int) -> list[pd.DataFrame]:
    from distributed import as_completed

    shared = c.scatter(case, broadcast=True, hash=False)
    futures = {}
    for ch in chunks:
        f = c.submit(_run_chunk, digest, shared, ch, kwargs, pure=False)
        futures[f] = ch
    parts = _parts_dir(out_path) if out_path is not None else None
    if parts is not None:
        parts.mkdir(parents=True, exist_ok=True)
    frames: list[pd.DataFrame] = []
    bar = _Progress(total, already) if progress else None
    try:
        for f in as_completed(list(futures)):
            ch = futures.pop(f)
            try:
                rows = f.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker: the chunk is recorded as failed
                rows = [{"scenario": it.name, "status": "error",
                         "error": f"the task failed on the cluster: {type(exc).__name__}: {exc}"}
                        for it in ch]
            df = _frame(rows)
            frames.append(df)
            if parts is not None:
                from linepack.files import atomic_write_bytes

                key = hashlib.sha256(ch[0].name.encode()).hexdigest()[:12]
                atomic_write_bytes(parts / f"chunk-{key}.parquet", _parquet_bytes(df, digest))
            if bar is not None:
                bar.advance(len(ch))
    finally:
        for f in futures:
            f.cancel()
        if bar is not None:
            bar.close()
    return frames


class _Progress:
    """A rich progress bar: done/total, rate (scenarios/s) and time left."""

    def __init__(self, total: int, already: int):
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self.p = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                          TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                          TextColumn("ETA"), TimeRemainingColumn(), transient=False)
        self.p.start()
        self.t0 = time.perf_counter()
        self.n = 0
        self.task = self.p.add_task("sweep", total=total, completed=already, rate="")

    def advance(self, k: int) -> None:
        self.n += k
        rate = self.n / max(time.perf_counter() - self.t0, 1e-9)
        self.p.update(self.task, advance=k, rate=f"{rate:.0f} scenarios/s")

    def close(self) -> None:
        self.p.stop()
