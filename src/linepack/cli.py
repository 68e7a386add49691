"""The ``linepack`` command line: parse arguments, call the public API, print, write files.

Exit codes (:data:`EXIT_CODES`): 0 success; 1 solver failure, infeasible, not validated; 2 bad
input or usage, or a file that cannot be read or written (named, with the cause); 3 internal
error (a bug in linepack: please report it with the ``--debug`` traceback); 130 interrupted
(Ctrl-C, SIGINT), 143 terminated (SIGTERM; 129 for SIGHUP). Errors print one clear message
and no traceback (``--debug`` shows it).

Robustness: every string from the user's files is printed as text (the consoles interpret no
rich markup or emoji codes); table cells fold instead of being cut; output folders must
exist (checked before any work); files are written atomically (an interrupted run leaves
the previous file intact and no temporary file); output files are written even when standard
output is closed (``| head``), whose loss is then ignored (exit code unchanged).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Optional

import typer
import rich.table
from rich.console import Console
from rich.text import Text

import linepack

EXIT_OK, EXIT_SOLVER, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 128 + 15
EXIT_CODES = {0: "success", 1: "solver failure, infeasible or not validated",
              2: "bad input or usage, or a file that cannot be read or written",
              3: "internal error (a bug: please report it with the --debug traceback)",
              130: "interrupted (Ctrl-C, SIGINT)", 143: "terminated (SIGTERM; 129: SIGHUP)"}
_EPILOG = ("Exit codes: " + "; ".join(f"{k} {v}" for k, v in EXIT_CODES.items()) + ". "
           "Output files are written atomically (an interrupted run leaves the previous file "
           "intact); their folders must exist.")

app = typer.Typer(add_completion=False, no_args_is_help=True, epilog=_EPILOG,
                  help="linepack: steady-state simulation and capacity of gas transmission networks.")


class _Stream:
    """``sys.stdout``/``sys.stderr`` as found at each write (so that capture tools work). A
    closed pipe (``| head``) or a full disk does not stop the run: further output is dropped
    and the error kept in :attr:`error` for :func:`main` to report."""

    def __init__(self, name: str):
        self._name = name
        self.error: OSError | None = None

    def _file(self):
        return getattr(sys, self._name)

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                return self._file().write(text)
            except OSError as exc:
                self.error = exc
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self._file().flush()
            except OSError as exc:
                self.error = exc

    def __getattr__(self, name):
        return getattr(self._file(), name)


class Table(rich.table.Table):
    """A rich table whose cells fold onto more lines instead of being cut with '…' (ids are
    never shortened, whatever the width of the terminal)."""

    def add_column(self, *args, overflow="fold", **kwargs) -> None:
        super().add_column(*args, overflow=overflow, **kwargs)

    def add_row(self, *args, **kwargs) -> None:
        super().add_row(*args, **kwargs)
        for column in self.columns:       # the columns add_row creates itself
            if column.overflow == "ellipsis":
                column.overflow = "fold"


# user strings (ids, titles, paths) are printed as they are: no markup, no emoji codes
_stdout, _stderr = _Stream("stdout"), _Stream("stderr")
out = Console(file=_stdout, highlight=False, markup=False, emoji=False)
err = Console(file=_stderr, highlight=False, markup=False, emoji=False)
_STATE = {"debug": False}
_ELEMENT_KINDS = ("source", "sink", "innode", "pipe", "shortPipe", "resistor", "valve",
                  "controlValve", "compressorStation")


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors.")) -> None:
    _STATE["debug"] = debug


#: a progress bar (rich, on a terminal) appears once a run has taken this long [s]
_PROGRESS_AFTER_S = 1.0
#: violations listed one by one in a transient summary (the rest counted)
_MAX_LISTED = 10


def _target_arg(default: Optional[str] = None):
    """The case argument; required (a usage error, exit 2, when missing) unless given a default."""
    return typer.Argument(... if default is None else default,
                          help="A built-in case (central-asia), a linepack .json file or a GasLib .net file.")


def _check_output(path: Optional[Path], option: str, *, folder: bool = False) -> None:
    """Refuse, before any work, an output whose folder is missing or cannot be written into
    (exit 2): linepack creates no folders but a CSV output folder itself (``folder=True``)."""
    if path is None:
        return
    if folder and path.exists() and not path.is_dir():
        raise linepack.InputError(f"{option} '{path}': is not a folder (CSV tables are written "
                                  "into a folder; give a .json file name for one JSON file)")
    if folder and path.is_dir():
        where = path
    else:
        if path.is_dir():
            raise linepack.InputError(f"{option} '{path}': is a folder; give a file name")
        if path.exists() and not path.is_file():    # a device or a pipe: written straight into
            if not os.access(path, os.W_OK):
                raise linepack.InputError(f"{option} '{path}': cannot write to it (permission denied)")
            return
        where = path.parent
    if not where.exists():
        raise linepack.InputError(f"{option} '{path}': the folder '{where}' does not exist; "
                                  "create it first (linepack creates no folders)")
    if not where.is_dir():
        raise linepack.InputError(f"{option} '{path}': '{where}' is not a folder")
    if not os.access(where, os.W_OK | os.X_OK):
        raise linepack.InputError(f"{option} '{path}': cannot write into the folder '{where}' "
                                  "(permission denied)")


@app.command()
def info(target: str = _target_arg(), as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Count the elements of a network."""
    opened = linepack.open_case(target)
    counts = opened.network.count()
    elements = {k: counts.get(k, 0) for k in _ELEMENT_KINDS}
    if counts.get("checkValve"):
        elements["checkValve"] = counts["checkValve"]
    doc = {"name": opened.network.name, "source": opened.source,
           "nodes": int(len(opened.network.nodes)), "connections": int(len(opened.network.connections)),
           "elements": elements, "scenarios": list(linepack.list_scenarios(target))}
    if as_json:
        _stdout.write(json.dumps(doc, indent=1) + "\n")
        return
    t = Table(title=f"{opened.network.name or target}")
    t.add_column("element")
    t.add_column("count", justify="right")
    for k, v in elements.items():
        t.add_row(k, str(v))
    out.print(t)
    if doc["scenarios"]:
        out.print(f"scenarios: {', '.join(doc['scenarios'])}")


@app.command()
def validate(target: str = _target_arg(),
             scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name or .scn file.")) -> None:
    """Check a network and scenario; list every problem found."""
    opened = linepack.open_case(target, scenario)
    issues = linepack.validate(opened.network, opened.scenario, opened.controls)
    for i in issues:
        if i.severity != "error":
            out.print(f"{i.severity}: {i}", markup=False, soft_wrap=True)
    if any(i.severity == "error" for i in issues):
        raise linepack.ValidationError(issues, path=opened.source)
    out.print(Text.assemble(("ok", "green"), f": {opened.source} — no errors"
                            f"{f', {len(issues)} warning(s)' if issues else ''}"))


@app.command()
def scenarios(target: str = _target_arg("central-asia")) -> None:
    """List the scenarios of a case (default: the built-in central-asia case)."""
    opened = linepack.open_case(target)
    t = Table(title=f"scenarios of {target}")
    t.add_column("name")
    t.add_column("description")
    default = opened.network.meta.get("default_scenario")
    for name in linepack.list_scenarios(target):
        scn = opened.scenarios.get(name)
        desc = str(scn.meta.get("description", "")) if scn is not None else ""
        t.add_row(name + (" (default)" if name == default else ""), desc)
    out.print(t)


@app.command()
def simulate(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name (native/built-in) or .scn file (GasLib)."),
    controls: Optional[Path] = typer.Option(None, "--controls", help="JSON file of controls: {id: {mode, p_out_bar | ratio | flow_kg_s}}."),
    friction: str = typer.Option("nikuradse", "--friction", help="Friction law: " + ", ".join(
        ("nikuradse", "nikuradse-stanet", "colebrook-white", "hofer", "swamee-jain", "weymouth", "panhandle-a", "panhandle-b"))),
    eos: str = typer.Option("papay", "--eos", help="Compressibility: ideal, papay, aga, gerg2008."),
    gas_file: Optional[Path] = typer.Option(None, "--gas-composition", help="JSON file of the gas's mole fractions, e.g. {\"methane\": 0.95, \"ethane\": 0.03, \"nitrogen\": 0.02} (GERG-2008 needs one; GasLib files give bulk data only)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write results: .json file, or a folder for CSV tables (created if missing; the folder it is in must exist)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a self-contained HTML report (its folder must exist)."),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high (central-asia)."),
    fail_on_violation: bool = typer.Option(False, "--fail-on-violation", help="Exit with code 1 when the steady state violates any limit (the result and report files are still written)."),
    with_plan: bool = typer.Option(False, "--with-plan", help="With --report: also compute the path to the transit target (as 'linepack plan') and the gasification options (as 'linepack options') and put their tables in the report; adds about half a minute for central-asia."),
) -> None:
    """Simulate the steady state of a network and print a summary.

    Violated limits (node pressure bounds, station and regulator limits, flow bounds) lead
    the summary, worst first; --output writes them too (JSON: "violations"; CSV:
    violations.csv).

    Exit codes: 0 converged (limits may be violated: see the summary), 1 no solution
    (infeasible, not converged) or, with --fail-on-violation, a violated limit; 2 bad input;
    3 internal error.
    """
    _check_output(output, "--output", folder=output is not None and output.suffix.lower() != ".json")
    _check_output(report, "--report")
    if with_plan and report is None:
        raise linepack.InputError("--with-plan puts the plan and options tables in the report: "
                                  "give --report FILE.html too")
    opened = linepack.open_case(target, scenario, assumptions)
    _need_scenario(opened)
    if with_plan and not _has_plan_or_options(opened.network.meta):
        raise linepack.InputError(f"--with-plan: '{target}' carries no plan candidates "
                                  "(meta.plan) and no options to compare (meta.options_compared)")
    ctl = opened.controls
    if controls is not None:
        ctl = linepack.read_controls(controls, opened.network)
    issues = linepack.validate(opened.network, opened.scenario, ctl)
    if any(i.severity == "error" for i in issues):
        raise linepack.ValidationError(issues, path=opened.source)
    gas = linepack.read_gas_composition(gas_file) if gas_file is not None else None
    result = linepack.simulate(opened.network, opened.scenario, ctl, friction=friction, eos=eos,
                               gas=gas)
    _print_transit_headline(opened, result)
    _print_summary(opened, result)
    if output is not None:
        if output.suffix.lower() == ".json":
            result.to_json(output)
        else:
            result.to_csv(output)
        out.print(f"results written to {output}")
    if report is not None:
        extras: dict = {}
        if with_plan:
            import time

            start = time.perf_counter()
            extras = _plan_and_options(target, assumptions, friction, eos)
            out.print(f"plan and options for the report computed in "
                      f"{time.perf_counter() - start:.1f} s")
        linepack.write_report(opened.network, result, report, route=opened.network.meta.get("transit_route"),
                              scenario=opened.scenario, **extras)
        out.print(f"report written to {report}")
    _fail_on_violation(fail_on_violation, result)


def _has_plan_or_options(meta: dict) -> bool:
    return bool((meta.get("plan") or {}).get("candidates")
                or ((meta.get("options_compared") or {}).get("families")))


def _plan_and_options(target: str, assumptions: Optional[str], friction: str, eos: str) -> dict:
    """The report's plan and options tables, computed as 'linepack plan' and 'linepack options'
    compute them (their defaults: the case's target and plan base scenario, every family)."""
    first = linepack.open_case(target, None, assumptions)
    meta = first.network.meta
    extras: dict = {}
    if (meta.get("plan") or {}).get("candidates"):
        base = (meta.get("plan") or {}).get("base_scenario")
        opened = linepack.open_case(target, base, assumptions) if base else first
        _need_scenario(opened)
        extras["plan"] = linepack.corridor_plan(opened.network, opened.scenario, opened.controls,
                                                friction=friction, eos=eos)
        extras["plan_note"] = f" (base scenario {opened.scenario.name})"
    fams = (meta.get("options_compared") or {}).get("families") or {}
    if fams:
        case = getattr(first, "case", first)
        extras["options"] = {name: linepack.compare_options(case, name, friction=friction, eos=eos)
                             for name in fams}
    return extras


@app.command()
def capacity(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario to start from."),
    entry: Optional[str] = typer.Option(None, "--entry", help="Entry node of the transit (default: the case's)."),
    exit_: Optional[str] = typer.Option(None, "--exit", help="Exit node of the transit (default: the case's)."),
    target_mcm_d: Optional[float] = typer.Option(None, "--target", help="Flow to test, mcm/d (default: the case's target)."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    gas_file: Optional[Path] = typer.Option(None, "--gas-composition", help="JSON file of the gas's mole fractions, e.g. {\"methane\": 0.95, \"ethane\": 0.03, \"nitrogen\": 0.02} (GERG-2008 needs one; GasLib files give bulk data only)."),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high (central-asia)."),
    fail_on_violation: bool = typer.Option(False, "--fail-on-violation", help="Exit with code 1 when the --target flow (or the case's target) violates a limit."),
    free_controls: bool = typer.Option(False, "--free-controls", help="Let the operator re-set stations, regulators and valves at every flow tried (a nomination validation per flow; needs the minlp extra)."),
    time_limit: float = typer.Option(60.0, "--time-limit", help="With --free-controls: wall-clock budget per flow tried, s (> 0)."),
    rtol: float = typer.Option(1e-4, "--rtol", min=1e-6, max=0.5, help="Relative width of the final bracket."),
) -> None:
    """Largest transit flow from an entry to an exit with every limit respected.

    With --free-controls the stations, regulators and valves are re-set at every flow tried
    (the case's controls give only the modes to keep); without it they keep the case's controls.

    Exit codes: 0 done; 1 no feasible flow at all, or, with --fail-on-violation, a target
    flow that violates a limit; 2 bad input; 3 internal error.
    """
    if target_mcm_d is not None and not (math.isfinite(target_mcm_d) and target_mcm_d > 0):
        raise linepack.InputError(f"--target must be a finite flow > 0 mcm/d (got {target_mcm_d:g})")
    if not (math.isfinite(time_limit) and time_limit > 0):
        raise linepack.InputError(f"--time-limit must be > 0 s (got {time_limit:g})")
    opened = linepack.open_case(target, scenario, assumptions)
    _need_scenario(opened)
    meta = opened.network.meta
    entry = entry or meta.get("transit_entry")
    exit_ = exit_ or meta.get("transit_exit")
    if not entry or not exit_:
        raise linepack.InputError("give --entry and --exit (this case names no transit entry and exit)")
    if target_mcm_d is None:
        target_mcm_d = meta.get("transit_target_mcm_d")
    gas = linepack.read_gas_composition(gas_file) if gas_file is not None else None
    cap = linepack.transit_capacity(opened.network, opened.scenario, opened.controls, entry=entry, exit=exit_,
                                    friction=friction, eos=eos, target_mcm_d=target_mcm_d, gas=gas,
                                    free_controls=free_controls, time_limit=time_limit, rtol=rtol)
    t = Table(title=f"transit capacity {entry} → {exit_}"
              + (" (controls free)" if free_controls else ""), show_header=False)
    std = meta.get("standard_to_normal")
    if std:
        q20 = cap.max_mcm_d / float(std)
        t.add_row("largest feasible transit", f"{cap.max_mcm_d:.2f} mcm/d (0 °C) = {q20:.2f} mcm/d "
                  f"(20 °C, as published) ≈ {q20 * 365 / 1000:.2f} bcm/y")
    else:
        t.add_row("largest feasible transit", f"{cap.max_mcm_d:.2f} mcm/d (0 °C) ≈ {cap.max_mcm_d * 365 / 1000:.2f} bcm/y")
    t.add_row("binding limit", cap.binding)
    t.add_row("method", cap.method)
    if cap.target_mcm_d is not None:
        verdict = Text("feasible", "green") if cap.target_feasible else Text("not feasible", "red")
        note = meta.get("transit_target_note", "") if target_mcm_d == meta.get("transit_target_mcm_d") else ""
        t.add_row(f"target {cap.target_mcm_d:.2f} mcm/d (0 °C)" + (f": {note}" if note else ""), verdict)
    out.print(t)
    if fail_on_violation and cap.target_feasible is False:
        err.print(f"the target {cap.target_mcm_d:.4g} mcm/d violates a limit ({cap.binding}); "
                  "exit code 1 (--fail-on-violation)", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_SOLVER)


@app.command()
def nominate(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name (native/built-in) or .scn file (GasLib)."),
    max_choices: int = typer.Option(64, "--max-choices", min=1, help="Nonlinear programmes to try over the discrete states."),
    margin_bar: float = typer.Option(0.01, "--margin", min=0.0, help="Pressure bounds tightened by this much, bar."),
    time_limit: float = typer.Option(300.0, "--time-limit", help="Wall-clock budget, s (> 0)."),
    method: str = typer.Option("minlp", "--method", help="minlp (relaxation proof + search, needs the minlp extra) or search (IPOPT only)."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    gas_file: Optional[Path] = typer.Option(None, "--gas-composition", help="JSON file of the gas's mole fractions, e.g. {\"methane\": 0.95, \"ethane\": 0.03, \"nitrogen\": 0.02} (GERG-2008 needs one; GasLib files give bulk data only)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the network, the nomination with its held pressures and the controls found as a linepack .json case (its folder must exist)."),
    compressor_model: str = typer.Option("detailed", "--compressor-model", help="detailed (the stations' power limits, from the GasLib .cs) or ratio (GasModels.jl's GasLib model: no power limit, ratio <= p_out_max/p_in_min)."),
) -> None:
    """Validate a nomination: find valve states and station/regulator set points that carry it,
    or prove that none exist.

    Exit codes: 0 validated (every limit holds); 1 not validated (infeasible, undecided, or a
    limit violated: the summary says which); 2 bad input; 3 internal error.
    """
    _check_output(output, "--output")
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    if output is not None and output.suffix.lower() != ".json":
        raise linepack.InputError(f"--output '{output}': expected a .json file (a linepack case)")
    found = linepack.validate_nomination(opened.network, opened.scenario, opened.controls,
                                         max_choices=max_choices, margin_bar=margin_bar,
                                         time_limit=time_limit, method=method,
                                         friction=friction, eos=eos, compressor_model=compressor_model,
                                         gas=linepack.read_gas_composition(gas_file)
                                         if gas_file is not None else None)
    t = Table(title=f"nomination validation — {opened.scenario.name or 'scenario'}", show_header=False)
    verdict = {"validated": Text("validated: every limit holds", "green"),
               "infeasible": Text("not validated: infeasible, proved by the relaxation", "red"),
               "undecided": Text("not validated: undecided (no operation found in the time; "
                                 "not proved infeasible)", "yellow")}
    t.add_row("status", verdict.get(found.status, Text(str(found.status))))
    if found.compressor_model != "detailed":
        t.add_row("station model", f"{found.compressor_model} (no station power limit)")
    t.add_row("programmes (IPOPT)", f"{found.programmes} in {found.seconds:.1f} s")
    if found.timings:
        t.add_row("time", ", ".join(f"{k} {v:.2f} s" for k, v in found.timings.items()))
    if found.choice:
        t.add_row("combined decisions taken", " ".join(str(k) for k in found.choice)
                  if len(found.choice) <= 12 else f"{len(found.choice)} groups")
    if found.violation_bar < float("inf"):
        t.add_row("programme's total violation", f"{max(found.violation_bar, 0.0):.4g}")
    out.print(t)
    if found.infeasible_limits:
        out.print("limits that bind (least violation of the relaxation, largest first):")
        for amount, what in found.infeasible_limits[:10]:
            out.print(f"  - {what}: {amount:.4g}", markup=False)
    if found.shortfalls:
        out.print("limits the best programme gives up (largest first):")
        for amount, what in found.shortfalls[:10]:
            out.print(f"  - {what}: {amount:.4g}", markup=False)
    if found.result is not None:
        _print_summary(opened, found.result)
    if output is not None:
        name = opened.scenario.name or "nomination"
        case = linepack.Case(opened.network, {name: found.scenario}, {name: found.controls}, {name: name})
        linepack.write_native(case, output)
        out.print(f"case with the controls found written to {output} (linepack simulate {output})")
    if found.error is not None and found.status != "infeasible":
        raise found.error
    if not found.feasible:
        raise typer.Exit(EXIT_SOLVER)


@app.command()
def sweep(
    target: str = _target_arg(),
    scenarios: Optional[str] = typer.Option(None, "--scenarios", help="Folder or zip of GasLib .scn nominations (or a folder inside a zip: GasLib-134.zip/Nominations-134); default: the case's own scenarios."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Worker processes of the local Dask cluster (default: the CPUs)."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786) instead of a local cluster."),
    output: Path = typer.Option(Path("sweep.parquet"), "--output", "-o", help="Parquet table of the results; a rerun resumes from it."),
    csv: bool = typer.Option(False, "--csv", help="Also write the table as CSV beside the Parquet file."),
    chunk_size: Optional[int] = typer.Option(None, "--chunk-size", min=1, help="Scenarios per task."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
) -> None:
    """Simulate many scenarios of one network on Dask; one table with a row per scenario."""
    case = linepack.open_case(target)
    try:
        table = linepack.sweep(case, scenarios, workers=workers, scheduler=scheduler, output=output,
                               csv=csv, chunk_size=chunk_size, progress=True, friction=friction, eos=eos)
    except KeyboardInterrupt:
        err.print(f"the finished chunks are in {output}.parts; run the same command again to resume",
                  markup=False, soft_wrap=True)
        raise
    counts = table["status"].value_counts()
    t = Table(title=f"sweep of {case.network.name or target}: {len(table)} scenarios", show_header=False)
    for status, n in counts.items():
        t.add_row(str(status), str(int(n)))
    ok = table["min_margin_bar"].dropna()
    if len(ok):
        worst = ok.idxmin()
        t.add_row("lowest pressure margin", f"{ok.min():.2f} bar in {worst} at "
                  f"{table.at[worst, 'min_margin_node']}")
    out.print(t)
    out.print(f"table written to {output}" + (f" and {output.with_suffix('.csv')}" if csv else ""))


@app.command()
def serve(
    target: str = _target_arg("central-asia"),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name (native/built-in) or .scn file (GasLib)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8050, "--port", min=1, max=65535, help="Port."),
) -> None:
    """Start the local web viewer: map, pressure profile, key figures and what-if controls."""
    case = linepack.open_case(target, scenario)
    _need_scenario(case)
    out.print(f"linepack viewer of {case.network.name or target} at http://{host}:{port}/ (Ctrl-C stops it)")
    linepack.serve(case, host=host, port=port)


_STD = 273.15 / 293.15  # 1 standard m³ (20 °C) in normal m³ (0 °C)


def _parse_target(text: Optional[str], meta: dict) -> Optional[float]:
    """'11bcm' → bcm/y of 20 °C m³; '30.1mcm20' → mcm/d at 20 °C; a plain number → mcm/d at 0 °C."""
    if text is None:
        return None
    raw = text.strip().lower().replace(" ", "")
    std = float(meta.get("standard_to_normal", _STD))
    try:
        if raw.endswith("bcm"):
            return float(raw[:-3]) * 1000.0 / 365.0 * std
        if raw.endswith("mcm20"):
            return float(raw[:-5]) * std
        value = float(raw[:-3] if raw.endswith("mcm") else raw)
    except ValueError:
        raise linepack.InputError(f"--target '{text}': expected e.g. 11bcm (bcm/y of 20 °C m³), "
                                  "30.1mcm20 (mcm/d of 20 °C m³) or 28.1 (mcm/d of 0 °C m³)") from None
    if not value > 0:
        raise linepack.InputError(f"--target '{text}': must be > 0")
    return value


def _flow_text(q0: float, std: float = _STD) -> str:
    """A flow given at 0 °C as 20 °C mcm/d and bcm/y first, 0 °C beside it."""
    q20 = q0 / std
    return f"{q20:.2f} mcm/d (20 °C) ≈ {q20 * 365 / 1000:.2f} bcm/y (20 °C); {q0:.2f} mcm/d (0 °C)"


def _print_transit_headline(opened, result) -> None:
    """The corridor transit first: flow (20 °C and 0 °C), pressures, transit-path linepack, fuel, CO₂."""
    k = linepack.transit_summary(opened.network, result)
    if k is None:
        return
    meta = opened.network.meta
    tr, lp, fu, co2, cost = k["transit"], k["linepack"], k["fuel"], k["co2"], k["cost"]
    std = float(meta.get("standard_to_normal", _STD))
    aset = meta.get("assumption_set") or ("central" if meta.get("assumption_sets") else None)
    title = f"corridor transit — {result.scenario_name or 'scenario'}"
    t = Table(title=title + (f" (assumption set: {aset})" if aset else ""), show_header=False)
    t.add_row(f"transit delivered at {k['exit']}", _flow_text(tr["q_mcm_d_0c"], std))
    border = f"{tr['border_p_bar']:.2f} bar at {k['exit']}"
    if tr.get("border_p_min_bar") is not None:
        border += f" (minimum {tr['border_p_min_bar']:.2f}, margin {tr['border_margin_bar']:.2f} bar)"
    t.add_row("entry / border pressure", f"{tr['entry_p_bar']:.2f} bar at {k['entry']} / {border}, absolute")
    if lp["transit_path_mcm_0c"] is not None:
        t.add_row("linepack, transit path", f"{lp['transit_path_mcm_0c']:.1f} million m³ (0 °C) = "
                  f"{lp['transit_path_mcm_20c']:.1f} million m³ (20 °C); "
                  f"{len(lp['transit_path_pipes'])} pipes in service on the route")
    if lp["whole_model_mcm_0c"] is not None:
        t.add_row("linepack, whole model", f"{lp['whole_model_mcm_0c']:.1f} million m³ (0 °C), every pipe "
                  f"incl. closed-off and unbuilt sections; pipes carrying flow "
                  f"{lp['flowing_pipes_mcm_0c']:.1f} million m³ (0 °C)")
    t.add_row("compressor fuel, transit path", f"{fu['transit_path_mcm_d_20c']:.3f} mcm/d (20 °C) = "
              f"{fu['transit_path_pct']:.2f} % of the transit; all stations "
              f"{fu['all_stations_mcm_d_20c']:.3f} mcm/d (20 °C)")
    if cost is not None:
        per_bcm = cost["transit_fuel_usd_per_bcm"]
        t.add_row("fuel cost of the transit", (f"{per_bcm / 1e6:.2f} million USD per bcm transported"
                  if per_bcm is not None else "—") + f" (fuel valued at {cost['price_usd_per_1000m3_20c']:g} "
                  "USD per 1000 m³ (20 °C), assumption A_FUEL_PRICE)")
    if co2 is not None:
        t.add_row("CO₂", f"transit fuel {co2['transit_fuel_mt_y']:.3f} Mt/y, all stations "
                  f"{co2['all_stations_fuel_mt_y']:.3f} Mt/y; burning the delivered transit gas "
                  f"{co2['delivered_transit_gas_mt_y']:.2f} Mt/y; {co2['t_per_tj_net']:.1f} t/TJ (net, "
                  f"from the composition; IPCC 2006 default {co2['ipcc_2006_default_t_per_tj']:.1f})")
    t.add_row("volume basis", "0 °C = normal m³ (0 °C, 1.01325 bar); 20 °C = standard m³ of the "
              "published statistics (20 °C, 1.01325 bar); bcm/y = 365 days of 20 °C m³")
    out.print(t)
    active = [s_ for s_ in k["stations"] if s_["power_mw"] > 0]
    if active:
        st = Table(title="compressor fuel gas (shaft power / (drive efficiency × net calorific value))")
        for c in ("station", "transit path", "power MW", "drive eff.", "fuel mcm/d (20 °C)",
                  "% of throughput", "CO₂ t/d"):
            st.add_column(c, justify="left" if c in ("station", "transit path") else "right")
        for s_ in active:
            st.add_row(s_["id"], "yes" if s_["on_transit_path"] else "no", f"{s_['power_mw']:.2f}",
                       f"{s_['drive_efficiency']:.2f}", f"{s_['fuel_mcm_d_20c']:.4f}",
                       f"{s_['fuel_pct_of_throughput']:.2f}",
                       "" if s_["fuel_co2_t_d"] is None else f"{s_['fuel_co2_t_d']:.0f}")
        out.print(st)


@app.command()
def plan(
    target: str = _target_arg("central-asia"),
    goal: Optional[str] = typer.Option(None, "--target", help="Transit to reach: 11bcm (bcm/y, 20 °C), 30.1mcm20 (mcm/d, 20 °C) or 28.1 (mcm/d, 0 °C); default: the case's target."),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Base scenario (default: the case's plan base)."),
    rank: str = typer.Option("cost", "--rank", help="Greedy choice: cost (least capex per mcm/d gained), lifecycle (capex + --years of added fuel cost per mcm/d gained) or capacity (largest gain)."),
    years: float = typer.Option(10.0, "--years", min=0.0, help="Years of fuel counted by --rank lifecycle."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the tables to a small HTML file."),
    rtol: float = typer.Option(1e-3, "--rtol", min=1e-6, max=0.1, help="Relative width of each capacity search."),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
) -> None:
    """Path to a transit target: candidate steps ranked by capacity gained and by cost."""
    first = linepack.open_case(target, None, assumptions)
    base = scenario or (first.network.meta.get("plan") or {}).get("base_scenario")
    opened = linepack.open_case(target, base, assumptions) if base else first
    _need_scenario(opened)
    meta = opened.network.meta
    std = float(meta.get("standard_to_normal", _STD))
    goal_mcm_d = _parse_target(goal, meta)
    res = linepack.corridor_plan(opened.network, opened.scenario, opened.controls,
                                 target_mcm_d=goal_mcm_d, rank=rank, rtol=rtol, years=years,
                                 friction=friction, eos=eos)
    aset = meta.get("assumption_set") or "central"
    head = Table(title=f"path to {_flow_text(res.target_mcm_d, std).split(';')[0]} — base "
                 f"{opened.scenario.name} (assumption set: {aset})", show_header=False)
    head.add_row("base capacity", _flow_text(res.base_mcm_d, std))
    head.add_row("binding in the base", res.base_binding)
    head.add_row("method", res.method)
    out.print(head)
    sc = Table(title="each candidate alone on the base (sorted by capex per mcm/d gained)")
    for c in ("candidate", "capacity mcm/d (20 °C)", "gain mcm/d (20 °C)", "capex M USD (central)",
              "M USD per mcm/d", "binding after"):
        sc.add_column(c, justify="left" if c in ("candidate", "binding after") else "right")
    for _, r in res.screen.iterrows():
        per = "no gain" if r["musd_per_mcm_d"] == float("inf") else f"{r['musd_per_mcm_d'] * std:.1f}"
        sc.add_row(str(r["id"]), f"{r['capacity_mcm_d'] / std:.2f}", f"{r['gain_mcm_d'] / std:+.2f}",
                   f"{r['capex_musd_central']:.0f}", per, str(r["binding"]))
    out.print(sc)
    st = Table(title=f"path (greedy, rank by {rank}" + (f", {years:g} years of fuel)" if rank == "lifecycle" else ")"))
    for c in ("step", "action", "capacity after", "capex M USD central (low–high)",
              "cumulative M USD central (low–high)", "fuel at min(target, capacity)", "binding after"):
        st.add_column(c, justify="left" if c in ("action", "binding after") else "right")
    for _, r in res.steps.iterrows():
        fuel = ("" if r["fuel_mcm_d"] != r["fuel_mcm_d"] else
                f"{r['fuel_mcm_d'] / std:.3f} mcm/d (20 °C), {r['fuel_pct']:.2f} %"
                + (f", {r['fuel_musd_y']:.1f} M USD/y" if r["fuel_musd_y"] == r["fuel_musd_y"] else ""))
        st.add_row(str(r["step"]), f"{r['id']}: {r['action']}", _flow_text(r["capacity_mcm_d"], std).split(";")[0],
                   f"{r['capex_musd_central']:.0f} ({r['capex_musd_low']:.0f}–{r['capex_musd_high']:.0f})",
                   f"{r['total_capex_musd_central']:.0f} ({r['total_capex_musd_low']:.0f}–"
                   f"{r['total_capex_musd_high']:.0f})", fuel, str(r["binding"]))
    out.print(st)
    if report is not None:
        conv = {"capacity_mcm_d": "capacity mcm/d (0 °C)", "gain_mcm_d": "gain mcm/d (0 °C)",
                "fuel_mcm_d": "fuel mcm/d (0 °C)", "musd_per_mcm_d": "M USD per mcm/d (0 °C)"}
        linepack.write_tables_report(report, f"Path to {_flow_text(res.target_mcm_d, std).split(';')[0]}",
                                     [("Each candidate alone on the base", res.screen.rename(columns=conv),
                                       "capex: labelled assumptions A_COST_* (docs/central-asia.md)"),
                                      ("Path", res.steps.rename(columns=conv), res.method)],
                                     subtitle=f"base {opened.scenario.name}: {_flow_text(res.base_mcm_d, std)}; "
                                              f"binding {res.base_binding}; assumption set {aset}")
        out.print(f"report written to {report}")
    if res.reached:
        out.print(Text.assemble((f"target reached in {len(res.steps)} step(s)", "green"),
                                "; capex and fuel prices are labelled assumptions (A_COST_*, "
                                "A_FUEL_PRICE), see docs/central-asia.md"))
    else:
        out.print(Text("target not reached with the candidate steps", "red"))
        raise typer.Exit(EXIT_SOLVER)


@app.command()
def peak(
    target: str = _target_arg("central-asia"),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the table to a small HTML file."),
) -> None:
    """Winter peak day: can the route carry the target through it, and with which stations running?"""
    opened = linepack.open_case(target, None, assumptions)
    case = getattr(opened, "case", opened)   # OpenedCase carries the native case; a Case is one
    if case is None or not opened.network.meta.get("peak_check"):
        raise linepack.InputError(f"'{target}': the case carries no peak-day check (meta.peak_check)")
    meta = opened.network.meta
    pc = meta["peak_check"]
    table = linepack.corridor_peak_check(case, friction=friction, eos=eos)
    aset = meta.get("assumption_set") or "central"
    t = Table(title=f"steady peak day — scenario {pc['scenario']} (winter ground temperature), "
                    f"assumption set {aset}; stations tried: every subset, fewest first")
    for c in ("route", "flow mcm/d (20 °C)", "every limit held", "Kazakh side alone (without "
              f"{pc['border_limit']})"):
        t.add_column(c)

    def verdict(ok, stations, fuel, why):
        if not ok:
            return f"no — {why}"
        names = ", ".join(s.removeprefix("restart-") for s in stations) or "no station"
        return f"yes with {names}" + (f"; fuel {fuel:.3f} mcm/d (20 °C)" if fuel == fuel and stations else "")

    for _, r in table.iterrows():
        t.add_row(str(r["control_set"]), f"{r['q_mcm_d_20c']:.2f} ({r['flow']})",
                  verdict(r["feasible"], r["stations"], r["fuel_mcm_d_20c"], r["binding"]),
                  verdict(r["upstream_feasible"], r["upstream_stations"], r["upstream_fuel_mcm_d_20c"],
                          r["upstream_binding"]))
    out.print(t)
    note = (f"peak factor {pc['transit_winter_factor']:.3f} = Jan–Feb 2024 average / 2024 mean "
            "(A_WINTER_TRANSIT_FACTOR); steady state of the peak day (no intraday swing)")
    out.print(note)
    if report is not None:
        linepack.write_tables_report(report, "Steady peak day: stations needed",
                                     [(f"scenario {pc['scenario']}, assumption set {aset}", table, note)],
                                     subtitle="flows in mcm/d of 20 °C m³; 'upstream_' = without the "
                                              f"{pc['border_limit']} limit")
        out.print(f"report written to {report}")


@app.command()
def options(
    target: str = _target_arg("central-asia"),
    family: Optional[str] = typer.Option(None, "--family", help="One family of options (central-asia: north, east); default: all."),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the tables to a small HTML file."),
) -> None:
    """Gasification options compared: every variant simulated, least capex with every limit held."""
    opened = linepack.open_case(target, None, assumptions)
    meta = opened.network.meta
    fams = (meta.get("options_compared") or {}).get("families") or {}
    case = getattr(opened, "case", opened)   # OpenedCase carries the native case; a Case is one
    if case is None or not fams:
        raise linepack.InputError(f"'{target}': the case carries no options to compare (meta.options_compared)")
    names = [family] if family else list(fams)
    sections = []
    for name in names:
        table = linepack.compare_options(case, name, friction=friction, eos=eos)
        sections.append((f"{name}: {fams[name]['title']}", table, ""))
        t = Table(title=f"{name}: {fams[name]['title']} — design demand "
                        f"{table['demand_mcm_d_20c'].iloc[0]:.2f} mcm/d (20 °C)")
        for c in ("variant", "all limits at design", "capacity bcm/y (20 °C)", "lowest delivery p, bar",
                  "fuel mcm/d (20 °C)", "fuel CO₂ kt/y", "delivered gas CO₂ Mt/y",
                  "capex M USD central (low–high)", "least cost"):
            t.add_column(c, justify="left" if c in ("variant", "all limits at design", "least cost") else "right")
        for _, r in table.iterrows():
            ok = "yes" if r["feasible"] else f"no — {r['binding']}"
            p = "" if r["p_min_bar"] != r["p_min_bar"] else f"{r['p_min_bar']:.1f} ({r['p_min_node']})"
            t.add_row(str(r["id"]) + (" (model's design)" if r["published"] else ""), ok,
                      f"{r['capacity_bcm_y_20c']:.2f} (×{r['capacity_factor']:.2f})", p,
                      "" if r["fuel_mcm_d_20c"] != r["fuel_mcm_d_20c"] else f"{r['fuel_mcm_d_20c']:.3f}",
                      "" if r["fuel_co2_kt_y"] != r["fuel_co2_kt_y"] else f"{r['fuel_co2_kt_y']:.1f}",
                      "" if r["delivered_co2_mt_y"] != r["delivered_co2_mt_y"] else f"{r['delivered_co2_mt_y']:.2f}",
                      f"{r['capex_musd_central']:.0f} ({r['capex_musd_low']:.0f}–{r['capex_musd_high']:.0f})",
                      str(r["least_cost"]))
        out.print(t)
    note = ("capex: pipe cost ∝ outer diameter × length, calibrated on the published Saryarka II+III "
            "cost; stations per MW from the published phase IV cost (A_COST_PIPE_PER_MM_KM, "
            "A_COST_CS_PER_MW, A_COST_OPTION_RANGE); capacity = largest multiple of the design "
            "demand with every limit held; option B also supplies Astana")
    out.print(note)
    if report is not None:
        linepack.write_tables_report(report, "Gasification options compared",
                                     [(h, t_, note) for h, t_, _ in sections],
                                     subtitle=f"assumption set {meta.get('assumption_set') or 'central'}; "
                                              "volumes in 20 °C m³, pressures absolute bar")
        out.print(f"report written to {report}")


#: console width from which `linepack expand` prints every column of its table
_EXPAND_FULL_WIDTH = 200


@app.command()
def expand(
    target: str = _target_arg("central-asia"),
    option: Optional[str] = typer.Option(None, "--option", help="One candidate set (central-asia: A, B — north; C — east); default: all."),
    demand: Optional[str] = typer.Option(None, "--demand", help="One demand scenario (central-asia: low, central, high); default: all."),
    costs: str = typer.Option("central", "--costs", help="Cost values the choice uses: low, central or high."),
    assumptions: Optional[str] = typer.Option(None, "--assumptions", help="Assumption set of the case: low, central or high."),
    enumerate_designs: bool = typer.Option(True, "--enumerate/--no-enumerate", help="Also simulate every design (the cross-check)."),
    capacity: bool = typer.Option(True, "--capacity/--no-capacity", help="Also find each chosen design's capacity (largest multiple of the demand)."),
    time_limit: float = typer.Option(120.0, "--time-limit", help="SCIP time limit per programme, s."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the tables to a small HTML file."),
) -> None:
    """Least-cost expansion: candidate diameters, routes and stations chosen by MINLP (SCIP), verified by simulate."""
    _check_output(report, "--report")
    if costs not in ("low", "central", "high"):
        raise linepack.InputError(f"--costs: expected low, central or high (got '{costs}')")
    if not time_limit > 0:
        raise linepack.InputError(f"--time-limit: must be > 0 (got {time_limit})")
    case = linepack.open_case(target, None, assumptions)
    table, results = linepack.compare_expansion(case, option=option, demand=demand, cost_case=costs,
                                                enumerate_designs=enumerate_designs, capacity=capacity,
                                                time_limit=time_limit, friction=friction, eos=eos)
    t = Table(title=f"Least-cost expansion per demand scenario ({costs} costs; M USD per year = "
                    "annualised capex + opex + station fuel)")
    cols = ["option", "demand (mcm/d, 20 °C)", "optimiser's design", "status", "M USD/y",
            "capex M USD central (low–high)", "capacity bcm/y (20 °C)", "lowest delivery p, bar",
            "option's fuel mcm/d (20 °C)", "fuel CO₂ kt/y", "delivered CO₂ Mt/y",
            "enumeration: cheapest feasible (M USD/y)", "agree", "least cost"]
    left = ("option", "optimiser's design", "status", "enumeration: cheapest feasible (M USD/y)",
            "agree", "least cost")
    # a console narrower than the full table gets the columns that answer the question (the
    # rest folded into one letter a line would be unreadable); the report has them all
    compact = out.width < _EXPAND_FULL_WIDTH
    keep = (["option", "demand (mcm/d, 20 °C)", "optimiser's design", "M USD/y",
             "capacity bcm/y (20 °C)", "lowest delivery p, bar", "agree"] if compact else cols)
    for c in keep:
        t.add_column(c, justify="left" if c in left else "right")

    def num(x, fmt):
        return "" if x is None or x != x else format(x, fmt)

    for _, r in table.iterrows():
        agree = "" if r["agree"] is None else ("yes" if r["agree"] else "NO")
        if r["verified"]:
            design = r["design"]
            capex = (f"{num(r['capex_musd_central'], '.0f')} ({num(r['capex_musd_low'], '.0f')}–"
                     f"{num(r['capex_musd_high'], '.0f')})")
        else:
            design, capex = f"— {r['why_none']}", ""
        cap = ("" if r["capacity_bcm_y_20c"] != r["capacity_bcm_y_20c"] else
               f"{r['capacity_bcm_y_20c']:.2f} (×{r['capacity_factor']:.2f})")
        enum = ""
        if enumerate_designs:
            enum = (r["enumeration_design"] if r["enumeration_cost_musd"] != r["enumeration_cost_musd"]
                    else f"{r['enumeration_design']} ({r['enumeration_cost_musd']:.1f})")
        cells = dict(zip(cols, [
            f"{r['option']} ({r['family']})",
            f"{r['demand']} ×{r['factor']:g} ({num(r['demand_mcm_d_20c'], '.2f')})",
            design, r["status"], num(r["annual_cost_musd"], ".1f"), capex, cap,
            "" if r["p_min_bar"] != r["p_min_bar"] else f"{r['p_min_bar']:.1f} ({r['p_min_node']})",
            num(r["fuel_mcm_d_20c"], ".3f"), num(r["fuel_co2_kt_y"], ".1f"),
            num(r["delivered_co2_mt_y"], ".2f"), enum, agree, str(r["least_cost"])]))
        t.add_row(*(cells[c] for c in keep))
    out.print(t)
    if compact:
        out.print(f"(a console of {out.width} columns shows {len(keep)} of the {len(cols)} columns; "
                  f"{_EXPAND_FULL_WIDTH} columns or more, e.g. COLUMNS={_EXPAND_FULL_WIDTH}, or "
                  "--report FILE give them all: status, capex, fuel, CO₂ and the enumeration's "
                  "design)")
    meta = case.network.meta or {}
    ex = (meta.get("options_compared") or {}).get("expansion") or {}
    c = ex.get("costs") or {}
    note = ("Method: MINLP over the candidates (SCIP; exact pipe law, λ and Z refreshed to a fixed "
            "point), each design verified by linepack.simulate with every limit held; the enumeration "
            "simulates every combination of the same candidates. Costs: "
            + "; ".join(f"{k} {v}" for k, v in (c.get("sources") or {}).items() if k != "capex")
            + ". Fuel and CO₂ in the table: the option's own candidate stations; the fuel cost "
            "counts every station of the case (transit and BBS included: their load changes with "
            "the design). Capacity: largest multiple of the option's demand with every limit held. "
            "Volumes in 20 °C m³, pressures absolute.")
    out.print(note)
    disagree = table[table["agree"] == False]   # noqa: E712
    if len(disagree):
        err.print(Text(f"optimiser and enumeration disagree for {len(disagree)} case(s)", style="bold red"))
    if report is not None:
        sections = [("Least-cost choice per option and demand scenario", table, note)]
        for (oid, dn), res in results.items():
            if res.enumeration is not None:
                sections.append((f"option {oid}, demand {dn}: every design simulated", res.enumeration, ""))
        linepack.write_tables_report(report, "Expansion planning: gasification options", sections,
                                     subtitle=f"costs {costs}; assumption set {meta.get('assumption_set') or 'central'}; "
                                              "volumes in 20 °C m³, pressures absolute bar")
        out.print(f"report written to {report}")


@app.command()
def transient(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario of the initial steady state (name or .scn file)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="CSV: a time column (time_s, time_min, time_h or time) and <node>.p_bar / <node>.inflow_kg_s columns."),
    events: Optional[Path] = typer.Option(None, "--events", help="CSV of control events: time column, element, mode, setpoint, value (SI) or value_bar."),
    controls: Optional[Path] = typer.Option(None, "--controls", help="JSON file of controls for the initial state."),
    hours: float = typer.Option(24.0, "--hours", help="Simulated time, hours."),
    dt: str = typer.Option("5min", "--dt", help="Time step, e.g. 30s, 5min."),
    output_dt: Optional[str] = typer.Option(None, "--output-dt", help="Spacing of the output times (default 1h)."),
    dx_km: float = typer.Option(10.0, "--dx-km", help="Longest pipe segment, km."),
    theta: float = typer.Option(1.0, "--theta", help="1 = backward Euler, 0.5 = Crank-Nicolson."),
    inertia: bool = typer.Option(False, "--inertia", help="Keep the inertia term (fast transients)."),
    interpolation: str = typer.Option("linear", "--interpolation", help="Between profile rows: linear, or step (each row's values hold until the next)."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write results: a .csv or .parquet file (pressures, flows, totals side by side), or a folder for one CSV per table (created if missing; the folder it is in must exist)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write an offline HTML report: pressure over time, linepack curve, violations."),
    report_nodes: Optional[str] = typer.Option(None, "--report-nodes", help="Comma-separated node ids drawn in the report (default: held nodes, lowest pressure, largest exits)."),
    fail_on_violation: bool = typer.Option(False, "--fail-on-violation", help="Exit with code 1 when a limit is violated at any time step (the result and report files are still written)."),
) -> None:
    """Simulate the network over time from its steady state (profiles and control events).

    Violated limits lead the summary, earliest first, with the first time each occurred.

    Exit codes: 0 completed (limits may be violated: see the summary), 1 physics breakdown
    (the results up to then are written) or, with --fail-on-violation, a violated limit;
    2 bad input (nothing written); 3 internal error.
    """
    import time

    import pandas as pd
    from rich.progress import Progress

    def table(path: Path, what: str):
        try:
            return pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise linepack.InputError(f"{what} '{path}': not a readable CSV ({exc})") from None

    if not (math.isfinite(hours) and hours > 0):
        raise linepack.InputError(f"--hours must be a finite number > 0 (got {hours:g})")
    table_file = output is not None and output.suffix.lower() in (".csv", ".parquet")
    _check_output(output, "--output", folder=output is not None and not table_file)
    _check_output(report, "--report")
    opened = linepack.open_case(target, scenario)
    chosen = None
    if report_nodes is not None:
        chosen = [n.strip() for n in report_nodes.split(",") if n.strip()]
        unknown = [n for n in chosen if n not in set(map(str, opened.network.nodes.index))]
        if unknown or not chosen:
            raise linepack.InputError(f"--report-nodes: node '{unknown[0] if unknown else report_nodes}' "
                                      "is not in the network")
    _need_scenario(opened)
    ctl = linepack.read_controls(controls, opened.network) if controls is not None else opened.controls
    prof = table(profile, "profile") if profile is not None else None
    evs = table(events, "events") if events is not None else None
    opts = linepack.TransientOptions(theta=theta, dx_max=dx_km * 1e3, inertia=inertia,
                                     interpolation=interpolation)
    # the bar appears only on runs longer than a second
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("simulating", total=hours * 3600.0, visible=False)
        t_start = time.monotonic()

        def tick(t, total):
            if time.monotonic() - t_start > _PROGRESS_AFTER_S:
                bar.update(task, completed=t, visible=True)
        res = linepack.simulate_transient(opened.network, opened.scenario, ctl, duration=hours * 3600.0,
                                          dt=dt, output_dt=output_dt, profile=prof, events=evs,
                                          friction=friction, eos=eos, progress=tick, options=opts)
    tot = res.totals
    viol = res.violations.sort_values("first_time_s", kind="stable")
    if len(viol):
        out.print(Text(f"{len(viol)} limit violation(s), earliest first:", "bold red"))
        for _, r in viol.head(_MAX_LISTED).iterrows():
            unit = " bar" if str(r["limit"]).startswith("p_") else ""
            out.print(f"  - {r['kind']} '{r['element']}': {r['limit']} {r['bound']:.4g}{unit} "
                      f"first violated at t = {float(r['first_time_s']) / 3600:.4g} h "
                      f"({r['value']:.6g}{unit})", soft_wrap=True)
        if len(viol) > _MAX_LISTED:
            out.print(f"  and {len(viol) - _MAX_LISTED} more (--output writes them all)")
    t = Table(title=f"transient {hours:g} h, dt {dt}", show_header=False)
    t.add_row("status", res.status + (f"; {len(viol)} limit(s) violated" if len(viol) else ""))
    t.add_row("steps / Newton iterations / LU factorisations", f"{res.steps} / {res.newton_iterations} / {res.factorizations}")
    t.add_row("linepack start → end", f"{tot['linepack_mcm'].iloc[0]:.4f} → {tot['linepack_mcm'].iloc[-1]:.4f} mcm (0 °C)")
    p = res.pressure_bar
    i = p.min().idxmin()
    t.add_row("lowest pressure", f"{p[i].min():.2f} bar at {i} (t = {p[i].idxmin() / 3600:.3g} h)")
    t.add_row("limit violations", str(len(res.violations)))
    t.add_row("automatic control switches", str(len(res.control_log)))
    out.print(t)
    if output is not None:
        # the results up to a breakdown are written too (then exit 1 below)
        if table_file:
            res.write_table(output)
        else:
            res.to_csv(output)
        out.print(f"results written to {output}")
    if report is not None:
        linepack.write_transient_report(res, report, chosen,
                                        title=f"{opened.network.name or 'network'} — transient {hours:g} h")
        out.print(f"report written to {report}", markup=False)
    if not res.completed:
        err.print(res.message, markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_SOLVER)
    _fail_on_violation(fail_on_violation, res)


@app.command()
def optimize(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name (native/built-in) or .scn file (GasLib)."),
    objective: str = typer.Option("fuel", "--objective", help="fuel or power (the same optimum with one drive efficiency and LHV)."),
    time_limit: float = typer.Option(300.0, "--time-limit", help="Wall-clock budget, s (> 0)."),
    margin_bar: float = typer.Option(0.01, "--margin", min=0.0, help="Pressure bounds tightened by this much, bar."),
    drive_efficiency: Optional[float] = typer.Option(None, "--drive-efficiency", help="Station drive efficiency for every station (default: the case's labelled per-station figure, else 0.35)."),
    fuel_gas: bool = typer.Option(False, "--fuel-gas", help="Draw each station's fuel from the network (at GasLib's fuelGasVertex, else the inlet; the largest entry supplies it) in the optimisation and its check by simulation."),
) -> None:
    """Least fuel (or power) operation: station states, ratios, power and fuel under every limit."""
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    res = linepack.optimize_operation(opened.network, opened.scenario, opened.controls,
                                      objective=objective, time_limit=time_limit,
                                      margin_bar=margin_bar, drive_efficiency=drive_efficiency,
                                      fuel_gas=fuel_gas)
    t = Table(title=f"optimal operation ({objective}) — {opened.scenario.name or 'scenario'}")
    for c in ("station", "state", "ratio", "power MW", "fuel mcm/d", "fuel % of throughput"):
        t.add_column(c)
    for sid, r in res.stations.iterrows():
        t.add_row(str(sid), str(r["state"]), f"{r['ratio']:.4f}", f"{r['power_mw']:.3f}",
                  f"{r['fuel_mcm_d']:.4f}", f"{r['fuel_pct']:.3f}")
    t.add_row("total", "", "", f"{res.power_mw:.3f}", f"{res.fuel_mcm_d:.4f}", f"{res.fuel_pct:.3f}")
    out.print(t)
    out.print(f"status: {res.status} in {res.seconds:.1f} s (nomination: {res.nomination.status})", markup=False)
    for v in res.violations[:10]:
        out.print(f"  - {v}", markup=False)
    if res.status != "optimal":
        raise typer.Exit(EXIT_SOLVER)


def _need_scenario(opened) -> None:
    if opened.scenario is None:
        raise linepack.InputError("the case has no scenario (boundary conditions) to simulate: add "
                                  "one under \"scenarios\" (native) or give a .scn file (GasLib)",
                                  path=opened.source)


#: Violations listed in the summary; the rest are counted ("and N more") and all are in the
#: result files (--output).
_SHOWN_VIOLATIONS = 10


def _fail_on_violation(enabled: bool, result) -> None:
    """Exit 1 after the files are written when asked to and a limit is violated."""
    n = len(getattr(result, "violations", ()))
    if enabled and n:
        err.print(f"{n} limit violation(s); exit code 1 (--fail-on-violation)")
        raise typer.Exit(EXIT_SOLVER)


def _print_summary(opened, result) -> None:
    from rich.text import Text

    s = linepack.summarize(opened.network, result)
    meta = opened.network.meta
    viol = s.get("violations") or []
    # violations lead: the count, then the worst first
    if viol:
        out.print(Text(f"{len(viol)} limit violation(s), worst first — not a feasible operating "
                       "point:", style="bold red"), soft_wrap=True)
        for v in viol[:_SHOWN_VIOLATIONS]:
            out.print(f"  - {v if isinstance(v, str) else v.get('message', v)}", markup=False)
        if len(viol) > _SHOWN_VIOLATIONS:
            out.print(f"  … and {len(viol) - _SHOWN_VIOLATIONS} more (all of them in the files "
                      "written with --output)", markup=False)
    t = Table(title=Text(f"{opened.network.name or opened.source} — {result.scenario_name or 'scenario'}"),
              show_header=False)
    solved = f"{s['status']} in {s['iterations']} Newton iterations"
    if viol:
        t.add_row("status", Text(f"{solved}; {len(viol)} limit(s) violated", style="red"))
    else:
        t.add_row("status", Text(f"{solved}; every limit holds", style="green"))
    t.add_row("delivered to exits", f"{s['delivered_mcm_d']:.3f} mcm/d (0 °C) at {s['n_exits']} exit(s)")
    entry, exit_ = meta.get("transit_entry"), meta.get("transit_exit")
    nodes = result.nodes
    if exit_ in nodes.index and entry in nodes.index:
        q0 = -float(nodes.at[exit_, "inflow_mcm_d"])
        std = float(meta.get("standard_to_normal", 273.15 / 293.15))
        q20 = q0 / std
        t.add_row(f"transit delivered at {exit_}",
                  f"{q0:.2f} mcm/d (0 °C) = {q20:.2f} mcm/d (20 °C, as published) ≈ {q20 * 365 / 1000:.2f} bcm/y")
        t.add_row("entry / border pressure",
                  f"{nodes.at[entry, 'p_bar']:.2f} bar at {entry} / {nodes.at[exit_, 'p_bar']:.2f} bar at {exit_} (absolute)")
    t.add_row("lowest pressure margin", Text(_margin_text(s), style="red" if (s.get("min_margin_bar") or 0) < 0 else ""))
    t.add_row("lowest / highest pressure", Text(f"{s['p_min_bar']:.2f} bar at {s['p_min_node']} / "
              f"{s['p_max_bar']:.2f} bar at {s['p_max_node']}"))
    t.add_row("linepack, whole model (every pipe)", f"{s['linepack_mcm']:.1f} million m³ (0 °C)")
    if result.options.get("reference"):
        t.add_row("pressure reference", Text(str(result.options["reference"])))
    out.print(t)
    stations = [row for row in (s.get("stations") or []) if row.get("kind") == "compressorStation"
                or row.get("mode") not in ("closed",)]
    if stations:
        st = Table(title="compressor stations and regulators")
        for c in ("id", "mode", "flow mcm/d", "p in bar", "p out bar", "ratio", "power MW"):
            st.add_column(c, justify="left" if c in ("id", "mode") else "right")
        for row in stations:
            ratio, power = row.get("ratio"), row.get("power_mw")
            st.add_row(Text(str(row["id"])), str(row["mode"]), f"{row['q_mcm_d']:.2f}", f"{row['p_in_bar']:.2f}",
                       f"{row['p_out_bar']:.2f}", "" if ratio is None or ratio != ratio else f"{ratio:.3f}",
                       "" if power is None or power != power else f"{power:.2f}")
        out.print(st)
    if viol:
        out.print(Text(f"{len(viol)} limit violation(s) (listed above)", style="red"))
    else:
        out.print(Text("every limit holds: all pressures and station limits within bounds", style="green"))


def _margin_text(s: dict) -> str:
    """The signed distance to the nearest pressure bound (negative: violated), and the margin
    above p_min as well where the nearest bound is a maximum."""
    m, node, limit = s.get("min_margin_bar"), s.get("min_margin_node"), s.get("min_margin_limit")
    if node is None:
        return "no pressure bounds given"
    if m < 0:
        side = "below p_min" if limit == "p_min" else "above p_max"
        text = f"{m:.2f} bar: {node} is {-m:.2f} bar {side}"
    else:
        text = f"{m:.2f} bar {'above p_min' if limit == 'p_min' else 'below p_max'} at {node}"
    low, low_node = s.get("min_margin_low_bar"), s.get("min_margin_low_node")
    if limit == "p_max" and low_node is not None:
        text += f" ({low:.2f} bar above p_min at {low_node})" if low >= 0 else \
            f" ({low:.2f} bar: {low_node} is {-low:.2f} bar below p_min)"
    return text


def _say(label: str, exc: BaseException) -> None:
    err.print(Text.assemble((f"{label}: ", "bold red"), str(exc)), soft_wrap=True)


def _os_message(exc: OSError) -> str:
    """An OS error with the file first and the cause after: 'out.json': No space left on device."""
    if exc.filename is not None and exc.strerror:
        return f"'{exc.filename}': {exc.strerror} (errno {exc.errno})"
    return str(exc)


class _Terminated(BaseException):
    """SIGTERM/SIGHUP as an exception, so that ``finally`` blocks (the atomic writer's clean-up)
    run; a BaseException, so that no ``except Exception`` swallows it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, frame) -> None:
    raise _Terminated(signum)


def _install_signal_handlers() -> dict:
    """SIGTERM and SIGHUP raise :class:`_Terminated` (Ctrl-C keeps Python's KeyboardInterrupt);
    a signal the parent set to be ignored stays ignored. Returns the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        old = signal.getsignal(sig)
        if old is signal.SIG_IGN or old is None:
            continue
        previous[sig] = old
        signal.signal(sig, _raise_terminated)
    return previous


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map linepack errors to exit codes without tracebacks."""
    _STATE["debug"] = False
    _stdout.error = _stderr.error = None
    previous = _install_signal_handlers()
    try:
        rc = _dispatch(argv)
        if _stdout.error is not None and _stdout.error.errno != errno.EPIPE:
            # standard output failed (a full disk): the files asked for are written; say so
            _say("error", f"standard output: {_stdout.error.strerror or _stdout.error} "
                          f"(errno {_stdout.error.errno}); the output files asked for are written")
            rc = rc or EXIT_INPUT
        return rc
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _dispatch(argv: list[str] | None) -> int:
    for command in app.registered_commands:      # every command's --help states the exit codes
        command.epilog = command.epilog or _EPILOG
    try:
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc != EXIT_OK:  # typer returns 130 on Ctrl-C, and Exit codes
            if rc == EXIT_INTERRUPTED:
                err.print("interrupted")
            return rc
    except linepack.InputError as exc:
        if _STATE["debug"]:
            raise
        _say("error", exc)
        return EXIT_INPUT
    except linepack.LinepackError as exc:
        if _STATE["debug"]:
            raise
        if isinstance(exc, linepack.Infeasible):
            label = "infeasible"
        elif isinstance(exc, linepack.NotConverged):
            label = "not converged"
        else:
            label = "solver"
        _say(label, exc)
        return EXIT_SOLVER
    except OSError as exc:
        if _STATE["debug"]:
            raise
        _say("error", _os_message(exc))
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.print("interrupted")
        return EXIT_INTERRUPTED
    except _Terminated as exc:
        err.print(f"terminated ({signal.Signals(exc.signum).name})")
        return 128 + exc.signum
    except Exception as exc:
        # usage errors and Exit carry their own exit code; duck-typed, because typer 0.29
        # vendors click (typer._click) and older typer versions use the click package
        code = getattr(exc, "exit_code", None)
        if isinstance(code, int) and not isinstance(code, bool):
            if callable(getattr(exc, "show", None)):
                exc.show()
            return code
        if isinstance(exc, typer.Abort) or type(exc).__name__ == "Abort":
            err.print("interrupted")
            return EXIT_INTERRUPTED
        if _STATE["debug"]:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in linepack; run "
                  "again with --debug (linepack --debug <command> ...) and report the traceback.",
                  markup=False, soft_wrap=True)
        return EXIT_INTERNAL
    return EXIT_OK


def run() -> None:  # pragma: no cover - console entry
    rc = main()
    if _stdout.error is not None:
        # the reader of standard output has gone (| head): send what Python still holds
        # for it to /dev/null, so that the exit is quiet and keeps its code
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    sys.exit(rc)


if __name__ == "__main__":  # pragma: no cover
    run()
