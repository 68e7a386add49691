"""Nomination validation and optimal operation on GasLib and the flagship (issue #16).

Prints, beside the published anchors (a SCIP study of all GasLib nominations; its hardware is
not published):

* GasLib-582 ``nomination_cold_5``: status and time per run (median of ``--repeat``), anchor
  4.95 s median, per station model (``--model detailed,ratio``: the .cs power limits, or the
  ratio model of GasModels.jl's GasLib reader without them), with compressorStation_5's flow,
  ratio and power (and the power an ideal, η = 1, compressor would need);
* the same nomination with every entry and exit doubled: status, the time to the proof (the
  relaxation) and the total, and the limits named;
* GasLib-134: a subset of the 1,234 daily nominations (every ``--step``-th; ``--step 1 --count
  1234`` for all): status counts, median and p90 time per nomination (anchor 0.05 s median, 1,232
  solved), each nomination alone and in a sweep that reuses solvers and the previous solution
  (``--reuse both``);
* GasLib-4197 ``nomination_mild_0006`` within ``--limit-4197`` s;
* ``optimize_operation`` on GasLib-40 and the flagship's compressed 11 bcm/y scenario, station
  power and fuel beside the default control rule's.

Timings on a shared 2-core machine are noisy. Run:
``PYTHONPATH=src python benchmarks/nomination.py [--only 582,bounds,double,134,4197,operation]``
(``bounds``: GasLib-582 cold_5's bound tightening and the relaxation before and after it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

import linepack
from linepack.problems.capacity import check_limits
from linepack.problems.operation import station_table

GASLIB = Path(__file__).resolve().parents[1] / "tests" / "data" / "gaslib"


def _line(name, out):
    lim = "; ".join(f"{w} ({a:.3g})" for a, w in (out.infeasible_limits or out.shortfalls)[:3])
    t = ", ".join(f"{k} {v:.2f}" for k, v in out.timings.items())
    print(f"  {name}: {out.status} in {out.seconds:.2f} s [{t}]  {lim}", flush=True)


def _station_line(out, sid):
    """A station's state in the simulation under the controls found, with the power an ideal
    (η = 1) compressor would need for the same flow and ratio."""
    from linepack.problems.model import DEFAULT_EFFICIENCY

    if out.result is None or sid not in out.result.edges.index:
        return
    e = out.result.edges.loc[sid]
    print(f"  {sid}: {e['mode']}, {e['m_kg_s']:.2f} kg/s, ratio {e['ratio']:.3f}, "
          f"{e['power_mw']:.2f} MW at η = {DEFAULT_EFFICIENCY} "
          f"({e['power_mw'] * DEFAULT_EFFICIENCY:.2f} MW at η = 1)")


def bench_582(repeat, limit, models):
    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    pmax = case.network.connections.at["compressorStation_5", "power_max_w"] / 1e6
    for model in models:
        times = []
        for _ in range(repeat):
            out = linepack.validate_nomination(case.network, case.scenario, time_limit=limit,
                                               compressor_model=model)
            _line(f"GasLib-582 nomination_cold_5 [{model}]", out)
            _station_line(out, "compressorStation_5")
            times.append(out.seconds)
        print(f"GasLib-582 cold_5 [compressor_model={model}]: {out.status}, median "
              f"{statistics.median(times):.2f} s (anchor: validated, 4.95 s median); "
              f"compressorStation_5 power limit {pmax:.2f} MW in the detailed model, none in 'ratio'")


def bench_582_bounds(limit):
    """GasLib-582 cold_5 (detailed model): what the bound tightening before the relaxation does
    (linepack.optimization.tighten) and the relaxation's state on the tightened bounds."""
    from linepack.optimization.formulation import build_formulation
    from linepack.optimization.minlp import solve_minlp
    from linepack.optimization.nlp import prepare
    from linepack.optimization.tighten import tightened
    from linepack.problems import model, steady
    from linepack.problems.nomination import _arguments

    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    net, scn, _, fr, eos, visc, gas, temp, *_ = _arguments(case.network, case.scenario, None, None, None,
                                                          None, None, None, 16, 4, 0.01)
    md = model.NetworkModel(net, scn, model.resolve_physics(net, scn, fr, eos, visc, gas, temp),
                            steady.SteadyOptions())
    prepare(md)
    form = build_formulation(md, net.meta.get("combined_decisions") or [], None, 0.01)
    t = time.perf_counter()
    tf, info = tightened(form, time_limit=limit)
    sec = time.perf_counter() - t
    w0, w1 = form.p_hi_true - form.p_lo_true, tf.p_hi_true - tf.p_lo_true
    fixed = int(np.sum(tf.f_hi - tf.f_lo < 1e-3))
    one_way = int(np.sum((tf.f_lo > 0) | (tf.f_hi < 0)))
    print(f"GasLib-582 cold_5 bound tightening: {info['rounds']} rounds in {sec:.2f} s; node pressure "
          f"range mean {w0.mean():.2f} -> {w1.mean():.2f} bar, median {np.median(w0):.2f} -> "
          f"{np.median(w1):.2f} bar; flows fixed {fixed}, one-way {one_way} of {md.m}; LP infeasible: "
          f"{info['infeasible']}")
    for sid in ("compressorStation_5", "controlValve_21"):
        e = list(md.edge_ids).index(sid)
        u, v = md.u[e], md.v[e]
        print(f"  {sid}: flow [{tf.f_lo[e]:.1f}, {tf.f_hi[e]:.1f}] kg/s, inlet "
              f"[{tf.p_lo_true[u]:.2f}, {tf.p_hi_true[u]:.2f}] bar, outlet "
              f"[{tf.p_lo_true[v]:.2f}, {tf.p_hi_true[v]:.2f}] bar")
    for name, f_ in (("as given", form), ("tightened", tf)):
        rel = solve_minlp(f_, "relaxation", objective="none", time_limit=limit)
        line = f"  relaxation on the bounds {name}: {rel.status} in {rel.seconds:.1f} s"
        if rel.has_solution:
            cs = list(md.edge_ids).index("compressorStation_5")
            cv = list(md.edge_ids).index("controlValve_21")
            line += (f"; compressorStation_5 {rel.modes[cs]}, {rel.q[cs]:.1f} kg/s, ratio "
                     f"{rel.ratio[cs]:.3f}; controlValve_21 {rel.modes[cv]}, {rel.q[cv]:.1f} kg/s")
        print(line, flush=True)


def bench_double(limit):
    case = linepack.open_case(str(GASLIB / "GasLib-582" / "GasLib-582-v2.net"))
    nodes = case.scenario.nodes.copy()
    nodes["inflow_kg_s"] *= 2.0
    out = linepack.validate_nomination(case.network, case.scenario.evolve(nodes=nodes), time_limit=limit)
    _line("GasLib-582 cold_5 doubled", out)
    proof = sum(out.timings.get(k, 0) for k in ("build", "tighten", "relaxation"))
    print(f"GasLib-582 cold_5 doubled: {out.status}; proof (build + tightening + relaxation) {proof:.2f} s, "
          f"total {out.seconds:.2f} s (goal ≤ 10 s); {len(out.infeasible_limits)} limits named")


def bench_134(step, limit, count, reuse):
    """Every ``step``-th nomination (at most ``count``), one network read; ``reuse`` in
    ("off", "on", "both"): a lone validate_nomination per nomination, a NominationValidator
    sweep (solvers and the previous solution reused), or both, side by side."""
    z = zipfile.ZipFile(GASLIB / "GasLib-134" / "GasLib-134.zip")
    names = sorted(n for n in z.namelist() if n.endswith(".scn") and "v2" in n)
    pick = names[::step][:count]
    d = tempfile.mkdtemp()
    z.extract("GasLib-134-v2.net", d)
    cases = []
    for n in pick:
        z.extract(n, d)
        cases.append((n, linepack.open_case(os.path.join(d, "GasLib-134-v2.net"), os.path.join(d, n))))
    modes = {"off": [False], "on": [True], "both": [False, True]}[reuse]
    for on in modes:
        validator = linepack.NominationValidator(cases[0][1].network, time_limit=limit, reuse=on)
        times, status, warm = [], Counter(), 0
        for n, c in cases:
            out = validator.validate(c.scenario)
            if out.status == "validated":   # the controls found pass simulate's limit check
                res = linepack.simulate(c.network, out.scenario, out.controls)
                assert check_limits(c.network, res, tol_bar=1e-6) == []
            times.append(out.seconds)
            status[out.status] += 1
            warm += "previous" in out.timings and "relaxation" not in out.timings
            if out.status != "validated":
                _line(Path(n).stem, out)
        print(f"GasLib-134 ({'reuse: solvers and previous solution' if on else 'no reuse'}): "
              f"{len(pick)} of {len(names)} nominations (every {step}th): {dict(status)}; "
              f"median {np.median(times):.3f} s, p90 {np.percentile(times, 90):.3f} s, "
              f"total {sum(times):.1f} s; {warm} validated from the previous solution "
              f"(anchor: 1,232 of 1,234 solved, 0.05 s median)", flush=True)


def bench_4197(limit):
    case = linepack.open_case(str(GASLIB / "GasLib-4197" / "GasLib-4197.net"))
    out = linepack.validate_nomination(case.network, case.scenario, time_limit=limit)
    _line("GasLib-4197 nomination_mild_0006", out)


def bench_operation(limit):
    for target, scn in [(str(GASLIB / "GasLib-40" / "GasLib-40.net"), None),
                        ("central-asia", "transit-11bcm-target-one-string-compressed")]:
        c = linepack.open_case(target, scn)
        t = time.perf_counter()
        res = linepack.optimize_operation(c.network, c.scenario, c.controls, time_limit=limit)
        sec = time.perf_counter() - t
        d = linepack.simulate(c.network, c.scenario, c.controls)
        v_def = check_limits(c.network, d)
        # the default rule's stations, with the same drive efficiency and LHV as the optimum's
        tab, _ = station_table(c.network, d, res.drive_efficiency, res.lhv_j_kg,
                               d.options["normal_density"])
        p_def, fuel_def = float(tab["power_mw"].sum()), float(tab["fuel_mcm_d"].sum())
        print(f"operation {Path(target).stem}{' / ' + scn if scn else ''}: {res.status} in {sec:.1f} s; "
              f"least-fuel {res.power_mw:.2f} MW, {res.fuel_mcm_d:.4f} mcm/d ({res.fuel_pct:.3f} % of "
              f"throughput), limits violated: {len(res.violations)}; default rule {p_def:.2f} MW, "
              f"{fuel_def:.4f} mcm/d ({len(v_def)} limits violated)")
        print(res.stations.round(4).to_string())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="582,double,134,4197,operation")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=float, default=300.0)
    ap.add_argument("--step", type=int, default=25)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--reuse", choices=("off", "on", "both"), default="both",
                    help="GasLib-134: lone validations, a sweep reusing solvers and the previous "
                         "solution, or both")
    ap.add_argument("--limit-4197", type=float, default=300.0)
    ap.add_argument("--model", default="detailed,ratio",
                    help="compressor models for GasLib-582 (validate_nomination's compressor_model)")
    a = ap.parse_args()
    only = set(a.only.split(","))
    if "double" in only:
        bench_double(10.0)
    if "134" in only:
        bench_134(a.step, 60.0, a.count, a.reuse)
    if "operation" in only:
        bench_operation(120.0)
    if "bounds" in only:
        bench_582_bounds(a.limit)
    if "582" in only:
        bench_582(a.repeat, a.limit, a.model.split(","))
    if "4197" in only:
        bench_4197(a.limit_4197)


if __name__ == "__main__":
    main()
