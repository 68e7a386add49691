"""How linepack's steady-state solve scales with network size (linepack alone).

Usage::

    python benchmarks/scaling.py [--quick] [--out benchmarks/results]

Two families, each size in its own subprocess:

* ``lattice``: the n×n lattice of ``cases.lattice`` (100 … 100k junctions);
* ``near-tree``: ``cases.near_tree`` (a Euclidean spanning tree of random
  points plus 5 % extra edges, diameters sized by tree flow), 1k … 100k.

The total demand is calibrated per size so that the lowest pressure is about
50 bar gauge (60 bar at the reference): one untimed solve at a trial demand,
then the demand is scaled with the squared-pressure drop (p_ref² − p_min² ∝ ṁ²
for rough pipes), twice. Per size the worker reports the median of warm
solves, Newton iterations, extra RSS (VmHWM) of the first solve, and the floor
(iterations × one factorisation of the final reduced Jacobian, measured as in
``run.py``). Writes ``scaling.json`` and ``scaling.png`` (time per node against
size, log–log) to ``--out``.

*Extra RSS here is measured after the calibration solves ran in the same
process, so freed heap is reused and the figure underestimates a first solve;
``run.py`` (fresh process, first solve) is the memory figure to quote.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

LATTICE_SIDES = [10, 32, 71, 100, 158, 224, 316]
TREE_SIZES = [1_000, 3_000, 10_000, 30_000, 100_000]
QUICK_LATTICE = [10, 32, 100]
QUICK_TREE = [1_000, 10_000]
TARGET_PMIN_GAUGE_BAR = 50.0


def _build(family: str, size: int, demand: float):
    import cases
    if family == "lattice":
        return cases.lattice(size, demand)
    return cases.near_tree(size, demand)


def calibrate(family: str, size: int) -> tuple[float, list]:
    """Total demand [kg/s] giving p_min ≈ 50 bar gauge; and the calibration log."""
    import linepack
    import cases

    n = size * size if family == "lattice" else size
    demand = 50.0 * (n / 1000.0) ** 0.5
    p_ref = (cases.P_SET_BAR + cases.P_AMB_BAR) * 1e5
    target = (TARGET_PMIN_GAUGE_BAR + cases.P_AMB_BAR) * 1e5
    log = []
    for _ in range(3):
        arr = _build(family, size, demand)
        net, scn, ctl = cases.to_linepack(arr)
        try:
            r = linepack.simulate(net, scn, ctl, **cases.linepack_physics(arr))
        except linepack.Infeasible:
            log.append({"demand": demand, "outcome": "Infeasible"})
            demand *= 0.5
            continue
        pmin = float(r.nodes["p_bar"].min()) * 1e5
        log.append({"demand": demand, "p_min_bar": pmin / 1e5})
        if abs(pmin - target) < 0.2e5:
            break
        demand *= ((p_ref ** 2 - target ** 2) / (p_ref ** 2 - pmin ** 2)) ** 0.5
    return demand, log


def worker(family: str, size: int, quick: bool) -> dict:
    import numpy as np

    import linepack
    from linepack.numerics import linsolve
    import cases
    from run import _auto_repeats, measure_memory, timed_repeats

    demand, cal_log = calibrate(family, size)
    arr = _build(family, size, demand)
    t0 = time.perf_counter()
    net, scn, ctl = cases.to_linepack(arr)
    build_s = time.perf_counter() - t0
    kw = cases.linepack_physics(arr)

    def solve():
        return linepack.simulate(net, scn, ctl, **kw)

    res, first_s, mem = measure_memory(solve)
    rec = {"family": family, "size": size, "nodes": arr.n_junctions, "pipes": arr.n_pipes,
           "demand_kg_s": demand, "calibration": cal_log, "build_s": build_s,
           "first_solve_s": first_s, "memory": mem, "ok": not isinstance(res, Exception)}
    if not rec["ok"]:
        rec["error"] = f"{type(res).__name__}: {str(res)[:300]}"
        return rec
    rec["iterations"] = int(res.iterations)
    rec["p_min_bar"] = float(res.nodes["p_bar"].min())
    times, _ = timed_repeats(solve, _auto_repeats(first_s, quick, budget_s=8.0, lo=3, hi=15))
    rec["times_s"] = times
    rec["median_s"] = statistics.median(times)
    # floor: factorisation of the final reduced Jacobian on linepack's own Factorizer
    calls = []
    orig = linsolve.Factorizer.factor

    def spy(self, matrix, *a, **k):
        calls.append((self, matrix))
        return orig(self, matrix, *a, **k)

    linsolve.Factorizer.factor = spy
    try:
        solve()
    finally:
        linsolve.Factorizer.factor = orig
    if calls:
        inst, J = calls[-1]
        reps = []
        for _ in range(5):
            t0 = time.perf_counter()
            orig(inst, J)
            reps.append(time.perf_counter() - t0)
        rec["floor"] = {"method": getattr(inst, "method", "?"), "matrix_n": int(J.shape[0]),
                        "matrix_nnz": int(J.nnz), "t_factor_s": statistics.median(reps),
                        "factor_calls": len(calls)}
        rec["floor"]["floor_s"] = rec["iterations"] * rec["floor"]["t_factor_s"]
        rec["floor"]["time_over_floor"] = rec["median_s"] / rec["floor"]["floor_s"]
    rec["time_per_node_us"] = rec["median_s"] / arr.n_junctions * 1e6
    del np
    return rec


def _run(family, size, quick) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    from run import _worker_env
    cp = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", family, str(size),
                         "--worker-out", out] + (["--quick"] if quick else []),
                        capture_output=True, text=True, env=_worker_env(), timeout=3600)
    try:
        return json.loads(Path(out).read_text())
    except Exception:  # noqa: BLE001
        return {"family": family, "size": size, "ok": False, "error": cp.stderr[-2000:]}
    finally:
        Path(out).unlink(missing_ok=True)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.3))
    styles = {"lattice": ("o-", "C0"), "near-tree": ("s-", "C1")}
    for fam, (mk, col) in styles.items():
        rs = sorted([r for r in rows if r.get("family") == fam and r.get("ok")], key=lambda r: r["nodes"])
        if not rs:
            continue
        n = [r["nodes"] for r in rs]
        ax1.plot(n, [r["time_per_node_us"] for r in rs], mk, color=col, label=f"{fam}: solve")
        fl = [r["floor"]["floor_s"] / r["nodes"] * 1e6 if "floor" in r else float("nan") for r in rs]
        ax1.plot(n, fl, mk.replace("-", ":"), color=col, alpha=0.6, mfc="none",
                 label=f"{fam}: floor (it × factorisation)")
        ax2.plot(n, [r["median_s"] for r in rs], mk, color=col, label=fam)
        for r in rs:
            ax2.annotate(f"{r['iterations']} it", (r["nodes"], r["median_s"]), fontsize=7, color=col,
                         textcoords="offset points", xytext=(-14, 6) if fam == "lattice" else (4, -10))
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.set_xlabel("junctions")
    ax1.set_ylabel("warm solve time per junction (µs)")
    ax1.set_title("linepack steady state: time per node")
    ax2.set_ylabel("warm solve time (s, median)")
    ax2.set_title("total solve time (Newton iterations annotated)")
    ax1.legend(fontsize=8)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--replot", action="store_true", help="only redraw scaling.png from scaling.json")
    ap.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker:
        rec = worker(a.worker[0], int(a.worker[1]), a.quick)
        Path(a.worker_out).write_text(json.dumps(rec, default=str))
        return 0
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.replot:
        plot(json.loads((out / "scaling.json").read_text())["rows"], out / "scaling.png")
        return 0
    plan = [("lattice", s) for s in (QUICK_LATTICE if a.quick else LATTICE_SIDES)] + \
           [("near-tree", s) for s in (QUICK_TREE if a.quick else TREE_SIZES)]
    from run import machine_info, source_state
    machine = machine_info()
    rows = []
    print("| family | junctions | pipes | demand (kg/s) | it | median (ms) | µs/node | floor (ms) | "
          "time/floor | extra RSS* (MB) | p_min (bar abs) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for fam, size in plan:
        r = _run(fam, size, a.quick)
        rows.append(r)
        if not r.get("ok"):
            print(f"| {fam} | {size} | FAILED: {str(r.get('error'))[:200]} |")
            continue
        fl = r.get("floor", {})
        print(f"| {fam} | {r['nodes']:,} | {r['pipes']:,} | {r['demand_kg_s']:.0f} | {r['iterations']} | "
              f"{r['median_s'] * 1e3:.1f} | {r['time_per_node_us']:.1f} | "
              f"{fl.get('floor_s', float('nan')) * 1e3:.1f} | {fl.get('time_over_floor', float('nan')):.2f} | "
              f"{r['memory']['extra_rss_mb']:.0f} | {r['p_min_bar']:.2f} |", flush=True)
        (out / "scaling.json").write_text(json.dumps({"rows": rows}, indent=1, default=str))
    (out / "scaling.json").write_text(json.dumps({"machine": machine, "source_state_end": source_state(),
                                                  "rows": rows}, indent=1, default=str))
    plot(rows, out / "scaling.png")
    print(f"wrote {out / 'scaling.json'} and {out / 'scaling.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
