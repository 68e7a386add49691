"""The ``linepack`` command line: parse arguments, call the public API, print, write files.

Exit codes: 0 success, 1 solver failure or infeasible case, 2 bad input, 3 internal
error (a bug in linepack: please report it with the ``--debug`` traceback).
Errors print one clear message and no traceback (``--debug`` shows it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

import linepack

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="linepack: steady-state simulation and capacity of gas transmission networks.")
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)
_STATE = {"debug": False}

EXIT_OK, EXIT_SOLVER, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3
_ELEMENT_KINDS = ("source", "sink", "innode", "pipe", "shortPipe", "resistor", "valve",
                  "controlValve", "compressorStation")


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors.")) -> None:
    _STATE["debug"] = debug


def _target_arg(default: Optional[str] = None):
    return typer.Argument(default, help="A built-in case (central-asia), a linepack .json file or a GasLib .net file.")


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
           "elements": elements, "scenarios": list(opened.scenario_names)}
    if as_json:
        print(json.dumps(doc, indent=1))
        return
    t = Table(title=f"{opened.network.name or target}")
    t.add_column("element")
    t.add_column("count", justify="right")
    for k, v in elements.items():
        t.add_row(k, str(v))
    out.print(t)
    if opened.scenario_names:
        out.print(f"scenarios: {', '.join(opened.scenario_names)}")


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
    out.print(f"[green]ok[/green]: {opened.source} — no errors"
              f"{f', {len(issues)} warning(s)' if issues else ''}")


@app.command()
def scenarios(target: str = _target_arg("central-asia")) -> None:
    """List the scenarios of a case (default: the built-in central-asia case)."""
    opened = linepack.open_case(target)
    case = opened.case
    t = Table(title=f"scenarios of {target}")
    t.add_column("name")
    t.add_column("description")
    default = opened.network.meta.get("default_scenario")
    for name in opened.scenario_names:
        desc = ""
        if case is not None:
            desc = str(case.scenarios[name].meta.get("description", ""))
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
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write results: .json file, or a folder for CSV tables."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a self-contained HTML report."),
) -> None:
    """Simulate the steady state of a network and print a summary."""
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    ctl = opened.controls
    if controls is not None:
        ctl = linepack.read_controls(controls, opened.network)
    issues = linepack.validate(opened.network, opened.scenario, ctl)
    if any(i.severity == "error" for i in issues):
        raise linepack.ValidationError(issues, path=opened.source)
    result = linepack.simulate(opened.network, opened.scenario, ctl, friction=friction, eos=eos)
    _print_summary(opened, result)
    if output is not None:
        if output.suffix.lower() == ".json":
            result.to_json(output)
        else:
            result.to_csv(output)
        out.print(f"results written to {output}")
    if report is not None:
        linepack.write_report(opened.network, result, report, route=opened.network.meta.get("transit_route"))
        out.print(f"report written to {report}")


@app.command()
def capacity(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario to start from."),
    entry: Optional[str] = typer.Option(None, "--entry", help="Entry node of the transit (default: the case's)."),
    exit_: Optional[str] = typer.Option(None, "--exit", help="Exit node of the transit (default: the case's)."),
    target_mcm_d: Optional[float] = typer.Option(None, "--target", help="Flow to test, mcm/d (default: the case's target)."),
    friction: str = typer.Option("nikuradse", "--friction"),
    eos: str = typer.Option("papay", "--eos"),
) -> None:
    """Largest transit flow from an entry to an exit with every limit respected."""
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    meta = opened.network.meta
    entry = entry or meta.get("transit_entry")
    exit_ = exit_ or meta.get("transit_exit")
    if not entry or not exit_:
        raise linepack.InputError("give --entry and --exit (this case names no transit entry and exit)")
    if target_mcm_d is None:
        target_mcm_d = meta.get("transit_target_mcm_d")
    cap = linepack.transit_capacity(opened.network, opened.scenario, opened.controls, entry=entry, exit=exit_,
                                    friction=friction, eos=eos, target_mcm_d=target_mcm_d)
    t = Table(title=f"transit capacity {entry} → {exit_}", show_header=False)
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
        verdict = "[green]feasible[/green]" if cap.target_feasible else "[red]not feasible[/red]"
        note = meta.get("transit_target_note", "") if target_mcm_d == meta.get("transit_target_mcm_d") else ""
        t.add_row(f"target {cap.target_mcm_d:.2f} mcm/d (0 °C)" + (f": {note}" if note else ""), verdict)
    out.print(t)


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
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the network, the nomination with its held pressures and the controls found as a linepack .json case."),
) -> None:
    """Validate a nomination: find valve states and station/regulator set points that carry it, or prove none exist."""
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    if output is not None and output.suffix.lower() != ".json":
        raise linepack.InputError(f"--output '{output}': expected a .json file (a linepack case)")
    found = linepack.validate_nomination(opened.network, opened.scenario, opened.controls,
                                         max_choices=max_choices, margin_bar=margin_bar,
                                         time_limit=time_limit, method=method,
                                         friction=friction, eos=eos)
    t = Table(title=f"nomination validation — {opened.scenario.name or 'scenario'}", show_header=False)
    verdict = {"validated": "[green]validated: every limit holds[/green]",
               "infeasible": "[red]not validated: infeasible, proved by the relaxation[/red]",
               "undecided": "[yellow]not validated: undecided (no operation found in the time; "
                            "not proved infeasible)[/yellow]"}
    t.add_row("status", verdict.get(found.status, found.status))
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
def optimize(
    target: str = _target_arg(),
    scenario: Optional[str] = typer.Option(None, "--scenario", "-s", help="Scenario name (native/built-in) or .scn file (GasLib)."),
    objective: str = typer.Option("fuel", "--objective", help="fuel or power (the same optimum with one drive efficiency and LHV)."),
    time_limit: float = typer.Option(300.0, "--time-limit", help="Wall-clock budget, s (> 0)."),
    margin_bar: float = typer.Option(0.01, "--margin", min=0.0, help="Pressure bounds tightened by this much, bar."),
    drive_efficiency: Optional[float] = typer.Option(None, "--drive-efficiency", help="Station drive efficiency (default 0.35)."),
) -> None:
    """Least fuel (or power) operation: station states, ratios, power and fuel under every limit."""
    opened = linepack.open_case(target, scenario)
    _need_scenario(opened)
    res = linepack.optimize_operation(opened.network, opened.scenario, opened.controls,
                                      objective=objective, time_limit=time_limit,
                                      margin_bar=margin_bar, drive_efficiency=drive_efficiency)
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


def _print_summary(opened, result) -> None:
    s = linepack.summarize(opened.network, result)
    meta = opened.network.meta
    t = Table(title=f"{opened.network.name or opened.source} — {result.scenario_name or 'scenario'}",
              show_header=False)
    t.add_row("status", f"{s['status']} in {s['iterations']} Newton iterations")
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
    t.add_row("lowest pressure margin", f"{s['min_margin_bar']:.2f} bar above p_min at {s['min_margin_node']}"
              if s.get("min_margin_node") is not None else "no minimum pressures given")
    t.add_row("lowest / highest pressure", f"{s['p_min_bar']:.2f} bar at {s['p_min_node']} / "
              f"{s['p_max_bar']:.2f} bar at {s['p_max_node']}")
    t.add_row("linepack (gas in the pipes)", f"{s['linepack_mcm']:.1f} million m³ (0 °C)")
    if result.options.get("reference"):
        t.add_row("pressure reference", str(result.options["reference"]))
    out.print(t)
    stations = [row for row in (s.get("stations") or []) if row.get("kind") == "compressorStation"
                or row.get("mode") not in ("closed",)]
    if stations:
        st = Table(title="compressor stations and regulators")
        for c in ("id", "mode", "flow mcm/d", "p in bar", "p out bar", "ratio", "power MW"):
            st.add_column(c, justify="left" if c in ("id", "mode") else "right")
        for row in stations:
            ratio, power = row.get("ratio"), row.get("power_mw")
            st.add_row(str(row["id"]), str(row["mode"]), f"{row['q_mcm_d']:.2f}", f"{row['p_in_bar']:.2f}",
                       f"{row['p_out_bar']:.2f}", "" if ratio is None or ratio != ratio else f"{ratio:.3f}",
                       "" if power is None or power != power else f"{power:.2f}")
        out.print(st)
    viol = s.get("violations") or []
    if viol:
        out.print(f"[red]{len(viol)} bound violation(s):[/red]")
        for v in viol[:20]:
            out.print(f"  - {v if isinstance(v, str) else v.get('message', v)}", markup=False)
    else:
        out.print("[green]all pressures and station limits within bounds[/green]")


def _say(label: str, exc: BaseException) -> None:
    from rich.text import Text

    err.print(Text.assemble((f"{label}: ", "bold red"), str(exc)), soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; map linepack errors to exit codes without tracebacks."""
    _STATE["debug"] = False
    try:
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc != EXIT_OK:  # typer returns 130 on Ctrl-C, and Exit codes
            if rc == 130:
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
        _say("error", exc)
        return EXIT_INPUT
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
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
            return 130
        if _STATE["debug"]:
            raise
        err.print(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in linepack; run "
                  "again with --debug (linepack --debug <command> ...) and report the traceback.",
                  markup=False, soft_wrap=True)
        return EXIT_INTERNAL
    return EXIT_OK


def run() -> None:  # pragma: no cover - console entry
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
