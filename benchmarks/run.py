"""linepack vs pandapipes: speed, memory and agreement on the anchor networks (issue #5).

Usage::

    python benchmarks/run.py [--quick] [--json out.json] [--md out.md]
    python benchmarks/run.py --profile lattice_10k      # cProfile of one warm linepack solve

Every case runs in fresh subprocesses, one per tool, so that imports and memory
of one tool never pollute the other's figures (the linepack worker never
imports pandapipes). Per case and tool a worker

1. imports the tool (timed) and builds the network from the arrays of
   ``benchmarks/cases.py`` (timed);
2. solves a 3×3 lattice once, so that lazily imported modules are loaded
   (with numba installed, also numba and the compiled pipe law);
3. resets the kernel's peak-RSS counter (``echo 5 > /proc/self/clear_refs``),
   solves the case once while a thread also samples ``VmRSS`` from
   ``/proc/self/status`` every 2 ms, and reports the *extra RSS during the
   solve* = peak (``VmHWM``) − RSS just before the solve; the 2 ms sampling
   is kept as a cross-check (it can miss short peaks);
4. repeats the solve (warm) and reports the median wall time;
5. linepack only: records every matrix linepack hands to
   ``linepack.numerics.linsolve.Factorizer.factor`` during one more solve (a
   runtime wrapper, nothing in ``src/`` changes), then times further
   factorisations of the final reduced Jacobian (the last matrix of the
   Factorizer instance used most in that solve) on the same instance, i.e. with exactly the method and the symbolic
   analysis linepack used. floor = Newton iterations × that time. If no matrix
   is seen (another linear-algebra path), the floor falls back to timing a
   factorisation of the nodal graph Laplacian (weights 1, reference row and
   column removed) with the same Factorizer class: an approximation of the
   same size and pattern, flagged in the output;
6. linepack only: ``tracemalloc`` peak of one solve (numpy and Python
   allocations; SuperLU/CHOLMOD's own C allocations are not traced).

For the compared cases a third worker (``worker_pair``) builds the network in
both tools and times them alternately in one process, in blocks, swapping the
order every round; the speed goals are judged on its medians, because this
VM's speed differs by up to ±30 % between two consecutive processes.

pandapipes runs ``pipeflow(net, mode="hydraulics", friction_model="nikuradse",
tol_p=1e-7, tol_m=1e-7, max_iter_hyd=…)``; linepack runs ``simulate`` with
``friction="nikuradse-stanet"``, ``eos=Linear(-0.0022e-5)``, the hgas normal
density and viscosity, and its default tolerance (1e-9 on scaled residuals).
Pressures are compared as absolute bar (pandapipes gauge + 1.01325 bar).

BLAS/OpenMP thread counts are set to 1 in the workers unless the caller set
them (the anchor measured single-threaded SciPy).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

GASLIB = Path(os.environ.get("LINEPACK_GASLIB", HERE.parent / "tests" / "data" / "gaslib"))
GASLIB_CASES = {
    "gaslib_582": ("GasLib-582/GasLib-582-v2.net", "GasLib-582/nomination_cold_5.scn"),
    "gaslib_4197": ("GasLib-4197/GasLib-4197.net", "GasLib-4197/nomination_mild_0006.scn"),
}
PP_OPTIONS = dict(mode="hydraulics", friction_model="nikuradse", tol_p=1e-7, tol_m=1e-7)
PP_MAX_ITER = 50             # feasible cases (they need 5–9)
PP_MAX_ITER_INFEASIBLE = 100  # as in the anchor
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

#: (case, what): "both" = both tools, compared; "infeasible"; "gaslib" = linepack alone
CASES = [
    ("lattice_1k", "both"),
    ("lattice_10k", "both"),
    ("lattice_50k", "both"),
    ("chain", "both"),
    ("chain_compressors", "both"),
    ("lattice_10k_infeasible", "infeasible"),
    ("gaslib_582", "gaslib"),
    ("gaslib_4197", "gaslib"),
]
QUICK_SKIP = {"lattice_50k"}


# ======================================================================================
# measurement helpers (used inside workers)
# ======================================================================================
def _status_mb(key: str) -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


class RssSampler:
    """Sample VmRSS every ``interval`` s in a thread; ``peak`` in MB."""

    def __init__(self, interval: float = 0.002):
        self.interval = interval
        self.peak = 0.0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _status_mb("VmRSS"))
            self.samples += 1
            time.sleep(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _status_mb("VmRSS"))


def measure_memory(fn):
    """Run ``fn`` once; return (value or exception, seconds, memory dict)."""
    import gc

    gc.collect()
    hwm_ok = _reset_peak()
    base = _status_mb("VmRSS")
    t0 = time.perf_counter()
    out = None
    with RssSampler() as s:
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001 - reported
            out = exc
    dt = time.perf_counter() - t0
    hwm = _status_mb("VmHWM")
    return out, dt, {
        "rss_before_mb": base,
        "extra_rss_mb": (hwm - base) if hwm_ok else (s.peak - base),
        "extra_rss_sampled_mb": s.peak - base,
        "method": "VmHWM after clear_refs=5" if hwm_ok else "VmRSS sampled every 2 ms",
        "samples": s.samples,
    }


def timed_repeats(fn, n: int, cpu: list | None = None):
    """Wall times of ``n`` calls of ``fn`` (exceptions count as finished calls).

    If ``cpu`` is a list, the process CPU times of the calls are appended to it
    (less sensitive than wall time to other processes competing for the CPUs).
    """
    times, last = [], None
    for _ in range(n):
        c0 = time.process_time()
        t0 = time.perf_counter()
        try:
            last = fn()
        except Exception as exc:  # noqa: BLE001 - reported
            last = exc
        times.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return times, last


def _auto_repeats(first_s: float, quick: bool, budget_s: float, lo: int = 3, hi: int = 25) -> int:
    n = int(budget_s / max(first_s, 1e-4))
    n = max(lo, min(hi, n))
    return min(n, 3) if quick else n


def _exc_info(exc) -> dict:
    return {"type": type(exc).__name__, "message": str(exc)[:400]}


# ======================================================================================
# workers
# ======================================================================================
#: infeasible case → its feasible twin (same network, feasible demand), timed alternately
PAIRED_FEASIBLE = {"lattice_10k_infeasible": "lattice_10k"}


def worker_linepack(case_name: str, quick: bool, out_dir: Path) -> dict:
    t0 = time.perf_counter()
    import numpy as np

    import linepack
    from linepack.numerics import linsolve
    t_import = time.perf_counter() - t0
    rec: dict = {"tool": "linepack", "case": case_name, "import_s": t_import}

    # ---- build
    if case_name in GASLIB_CASES:
        net_f, scn_f = GASLIB_CASES[case_name]
        t0 = time.perf_counter()
        opened = linepack.open_case(str(GASLIB / net_f), str(GASLIB / scn_f))   # with .cs and .cdf
        net, scn = opened.network, opened.scenario
        rec["build_s"] = time.perf_counter() - t0
        # the controls come from nomination validation (timed apart; the goal is the steady
        # state under them); its held pressures and controls are kept for the cold start
        rec["nomination"], scn, controls = _validate(linepack, net, scn, out_dir / f"{case_name}-validated")
        kw = {}
        arrays = None
    else:
        import cases
        t0 = time.perf_counter()
        arrays = cases.build(case_name)
        rec["arrays_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        net, scn, controls = cases.to_linepack(arrays)
        kw = cases.linepack_physics(arrays)
        rec["build_s"] = time.perf_counter() - t0
    rec["sizes"] = {"nodes": len(net.nodes), "connections": len(net.connections),
                    **{k: v for k, v in net.count().items() if v}}

    # ---- warm-up on a tiny case (loads lazily imported modules)
    rec["compiled_pipe_law"] = _warm_linepack()

    def solve():
        return linepack.simulate(net, scn, controls, **kw)

    # ---- first solve with memory measurement
    res, first_s, mem = measure_memory(solve)
    rec["first_solve_s"] = first_s
    rec["memory"] = mem
    ok = not isinstance(res, Exception)
    rec["ok"] = ok
    if ok:
        rec["iterations"] = int(res.iterations)
        rec["residual_norms"] = [float(x) for x in res.residual_norms]
        rec["rounds"] = len(getattr(res, "rounds", []) or [])
        rec["p_min_bar"] = float(res.nodes["p_bar"].min())
        rec["v_max_m_s"] = float(res.edges["v_max_m_s"].max()) if "v_max_m_s" in res.edges else None
    else:
        rec["error"] = _exc_info(res)
        detail = getattr(res, "detail", None)
        if detail:
            rec["error"]["detail"] = {k: (float(v) if isinstance(v, (int, float)) else str(v))
                                      for k, v in dict(detail).items()}
        hist = getattr(res, "history", None)
        if hist is not None:
            rec["error"]["history_len"] = len(hist)

    # ---- warm repeats
    n_rep = _auto_repeats(first_s, quick, budget_s=6.0, lo=5)
    cpu: list = []
    times, last = timed_repeats(solve, n_rep, cpu)
    rec["times_s"] = times
    rec["median_s"] = statistics.median(times)
    rec["min_s"] = min(times)
    rec["cpu_times_s"] = cpu
    rec["median_cpu_s"] = statistics.median(cpu)

    # ---- the cost of every solve factorising its own initial guess (what a first solve of a
    # network does; repeated solves keep that scenario-independent factor, see
    # SteadyOptions.keep_initial_factor): both variants alternately, in this process
    if ok:
        opts_nk = linepack.SteadyOptions(keep_initial_factor=False)
        t_keep, t_nokeep = [], []
        for _ in range(n_rep):
            t_keep += timed_repeats(solve, 1)[0]
            t_nokeep += timed_repeats(lambda: linepack.simulate(net, scn, controls, options=opts_nk,
                                                                **kw), 1)[0]
        rec["keep_initial_factor"] = {"median_s": statistics.median(t_keep),
                                      "no_keep_median_s": statistics.median(t_nokeep),
                                      "pairs": len(t_keep)}

    # ---- infeasible case: the feasible twin timed in the same process, interleaved with the
    # infeasible solves, so that the "≤ 2 solves" ratio does not depend on load drift between
    # workers (the shared machine's speed varies by ±30 % over minutes)
    twin = PAIRED_FEASIBLE.get(case_name)
    if twin is not None:
        import cases
        ta = cases.build(twin)
        tnet, tscn, tctl = cases.to_linepack(ta)
        tkw = cases.linepack_physics(ta)
        linepack.simulate(tnet, tscn, tctl, **tkw)
        t_inf, t_feas = [], []
        for _ in range(max(5, n_rep)):
            t_inf += timed_repeats(solve, 1)[0]
            t_feas += timed_repeats(lambda: linepack.simulate(tnet, tscn, tctl, **tkw), 1)[0]
        rec["paired"] = {"feasible_case": twin, "median_s": statistics.median(t_inf),
                         "feasible_median_s": statistics.median(t_feas), "pairs": len(t_inf)}

    # ---- factorisations: capture the matrices linepack factorises
    calls: list = []
    orig = linsolve.Factorizer.factor

    def spy(self, matrix, *a, **k):
        calls.append((self, matrix.copy()))   # linepack may reuse the matrix object
        return orig(self, matrix, *a, **k)

    linsolve.Factorizer.factor = spy
    try:
        try:
            solve()
        except Exception:  # noqa: BLE001 - same outcome as above
            pass
    finally:
        linsolve.Factorizer.factor = orig
    fl: dict = {"factor_calls": len(calls)}
    if calls:
        # the Newton matrix: the last one factorised by the Factorizer used most in this
        # solve (a steady state also factorises one-off Laplacians, e.g. for the flows of
        # valve groups after Newton, each with a fresh Factorizer)
        uses: dict = {}
        for c in calls:
            uses[id(c[0])] = uses.get(id(c[0]), 0) + 1
        busiest = max(uses.values())
        inst, J = [c for c in calls if uses[id(c[0])] == busiest][-1]
        same = [c for c in calls if c[0] is inst]
        fl.update(method=getattr(inst, "method", type(inst).__name__),
                  matrix_n=int(J.shape[0]), matrix_nnz=int(J.nnz),
                  factorizations_of_final_pattern=len(same),
                  factor_call_shapes=sorted({(int(m.shape[0]), int(m.nnz)) for _, m in calls}))
        try:
            import scipy.sparse as sp
            Jc = sp.csc_matrix(J)
            fl["symmetric"] = bool(abs(Jc - Jc.T).max() <= 1e-12 * abs(Jc).max()) if Jc.nnz else True
        except Exception:  # noqa: BLE001
            pass
        # factorisations and whole solves alternately (the VM's speed drifts within seconds):
        # the goal is judged on the median over the rounds of solve / (iterations × factor)
        reps, creps, rounds = [], [], []
        for _ in range(7 if not quick else 3):
            c0 = time.process_time()
            t0 = time.perf_counter()
            orig(inst, J)
            reps.append(time.perf_counter() - t0)
            creps.append(time.process_time() - c0)
            if ok and rec.get("iterations"):
                t_solve = timed_repeats(solve, 1)[0][0]
                rounds.append(t_solve / (rec["iterations"] * reps[-1]))
        fl["t_factor_s"] = statistics.median(reps)
        fl["t_factor_cpu_s"] = statistics.median(creps)
        if rounds:
            fl["round_ratios"] = rounds
        fl["basis"] = "final reduced Jacobian, same Factorizer instance"
    else:
        # fallback: nodal Laplacian of the network with a fresh Factorizer of the default kind
        import scipy.sparse as sp
        pos = {k: i for i, k in enumerate(net.nodes.index)}
        u = np.array([pos[x] for x in net.connections["from_node"]])
        v = np.array([pos[x] for x in net.connections["to_node"]])
        n = len(pos)
        A = sp.coo_matrix((np.ones(u.size), (u, v)), shape=(n, n))
        A = (A + A.T).tocsr()
        L = sp.diags(np.asarray(A.sum(axis=1)).ravel()) - A
        keep = np.ones(n, dtype=bool)
        keep[0] = False
        L = (L[keep][:, keep] + sp.eye(n - 1) * 1e-9).tocsc()
        fz = linsolve.Factorizer("auto", symmetric=True)
        fz.factor(L)
        reps = []
        for _ in range(5):
            t0 = time.perf_counter()
            fz.factor(L)
            reps.append(time.perf_counter() - t0)
        fl.update(method=getattr(fz, "method", "?"), matrix_n=int(L.shape[0]), matrix_nnz=int(L.nnz),
                  t_factor_s=statistics.median(reps),
                  basis="APPROXIMATION: nodal Laplacian (no Factorizer call seen)")
    if ok and "t_factor_s" in fl:
        fl["floor_s"] = rec["iterations"] * fl["t_factor_s"]
        fl["time_over_floor"] = (statistics.median(fl["round_ratios"]) if fl.get("round_ratios")
                                 else rec["median_s"] / fl["floor_s"])
        if "t_factor_cpu_s" in fl and fl["t_factor_cpu_s"] > 0:
            fl["floor_cpu_s"] = rec["iterations"] * fl["t_factor_cpu_s"]
            fl["time_over_floor_cpu"] = rec["median_cpu_s"] / fl["floor_cpu_s"]
    rec["floor"] = fl

    # ---- tracemalloc peak of one solve
    import tracemalloc
    tracemalloc.start()
    try:
        solve()
    except Exception:  # noqa: BLE001
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rec["memory"]["tracemalloc_peak_mb"] = peak / 2**20

    # ---- pressures for the comparison
    if ok and arrays is not None:
        ids = np.arange(arrays.n_junctions).astype(str)
        np.save(out_dir / f"{case_name}.linepack.p.npy", res.nodes["p_bar"].reindex(ids).to_numpy())
        np.save(out_dir / f"{case_name}.linepack.m.npy",
                res.edges["m_kg_s"].reindex([f"pipe_{i}" for i in range(arrays.n_pipes)]).to_numpy())
    rec["rss_end_mb"] = _status_mb("VmRSS")
    return rec


def worker_pandapipes(case_name: str, quick: bool, out_dir: Path, infeasible: bool = False) -> dict:
    t0 = time.perf_counter()
    import numpy as np
    import pandapipes as pp
    rec: dict = {"tool": "pandapipes", "case": case_name, "import_s": time.perf_counter() - t0,
                 "version": pp.__version__}
    import cases
    arrays = cases.build(case_name)
    t0 = time.perf_counter()
    net = cases.to_pandapipes(arrays)
    rec["build_s"] = time.perf_counter() - t0
    cases.check_pandapipes_fluid(net)
    rec["sizes"] = {"junctions": len(net.junction), "pipes": len(net.pipe),
                    "compressors": len(net.compressor) if "compressor" in net else 0}
    opts = dict(PP_OPTIONS, max_iter_hyd=PP_MAX_ITER_INFEASIBLE if infeasible else PP_MAX_ITER)
    rec["options"] = opts
    try:
        import numba  # noqa: F401
        rec["numba"] = True
    except ImportError:
        rec["numba"] = False

    tiny = cases.to_pandapipes(cases.lattice(3, 1.0))
    pp.pipeflow(tiny, **dict(PP_OPTIONS, max_iter_hyd=PP_MAX_ITER))

    def solve():
        pp.pipeflow(net, **opts)
        return net

    res, first_s, mem = measure_memory(solve)
    rec["first_solve_s"] = first_s
    rec["memory"] = mem
    ok = not isinstance(res, Exception)
    rec["ok"] = ok
    ir = net.get("_internal_results", {}) if hasattr(net, "get") else {}
    try:
        rec["iterations"] = int(ir["iterations_hydraulics"])
    except Exception:  # noqa: BLE001
        rec["iterations"] = None
    if not ok:
        rec["error"] = _exc_info(res)
    n_rep = 0 if infeasible else _auto_repeats(first_s, quick, budget_s=6.0, lo=3, hi=10)
    if n_rep:
        cpu: list = []
        times, _ = timed_repeats(solve, n_rep, cpu)
        rec["times_s"] = times
        rec["median_s"] = statistics.median(times)
        rec["min_s"] = min(times)
        rec["cpu_times_s"] = cpu
        rec["median_cpu_s"] = statistics.median(cpu)
    else:
        rec["median_s"] = first_s
    if ok:
        p = net.res_junction["p_bar"].to_numpy() + cases.P_AMB_BAR
        rec["p_min_bar"] = float(np.nanmin(p))
        np.save(out_dir / f"{case_name}.pandapipes.p.npy", p)
        np.save(out_dir / f"{case_name}.pandapipes.m.npy", net.res_pipe["mdot_from_kg_per_s"].to_numpy())
    rec["rss_end_mb"] = _status_mb("VmRSS")
    return rec


def worker_pair(case_name: str, quick: bool) -> dict:
    """Both tools in one process, timed alternately (linepack, pandapipes, then the other
    order, …) on the same network: the ratio of their medians does not depend on how fast
    the machine happens to be in one worker or the other (it varies by up to ±30 % between
    consecutive processes here). Memory, iterations and agreement come from the separate
    workers, where neither tool's imports or allocations disturb the other's figures."""
    import linepack
    import pandapipes as pp

    import cases
    arrays = cases.build(case_name)
    net, scn, controls = cases.to_linepack(arrays)
    kw = cases.linepack_physics(arrays)
    pnet = cases.to_pandapipes(arrays)
    cases.check_pandapipes_fluid(pnet)
    opts = dict(PP_OPTIONS, max_iter_hyd=PP_MAX_ITER)
    _warm_linepack()
    tiny = cases.lattice(3, 1.0)
    pp.pipeflow(cases.to_pandapipes(tiny), **opts)
    solvers = {"linepack": lambda: linepack.simulate(net, scn, controls, **kw),
               "pandapipes": lambda: pp.pipeflow(pnet, **opts)}
    first = {}
    for tool, fn in solvers.items():
        first[tool] = timed_repeats(fn, 1)[0][0]
    # A tool whose solve takes under 3 s gets blocks of one untimed and three timed solves:
    # right after the other tool's solve its data are out of the caches and its allocator's
    # state differs (a 50k linepack solve measured 0.67 s in a warm loop but 0.88 s after
    # each pandapipes solve); a longer solve is timed alone, one per block.
    block = {t: ((1, 3) if first[t] < 3.0 else (0, 1)) for t in solvers}
    per_pair = sum((u + k) * first[t] for t, (u, k) in block.items())
    n = 3 if quick else max(5, min(25, int(12.0 / max(per_pair, 1e-3))))
    times = {t: [] for t in solvers}
    cpu = {t: [] for t in solvers}
    ratios, ratios_cpu = [], []
    for i in range(n):
        round_t, round_c = {}, {}
        for tool in (("linepack", "pandapipes") if i % 2 == 0 else ("pandapipes", "linepack")):
            untimed, timed = block[tool]
            timed_repeats(solvers[tool], untimed)
            c: list = []
            round_t[tool] = timed_repeats(solvers[tool], timed, c)[0]
            round_c[tool] = c
            times[tool] += round_t[tool]
            cpu[tool] += c
        # the ratio within one round: both blocks ran within seconds of each other
        ratios.append(statistics.median(round_t["pandapipes"]) / statistics.median(round_t["linepack"]))
        ratios_cpu.append(statistics.median(round_c["pandapipes"]) / statistics.median(round_c["linepack"]))
    rec: dict = {"tool": "pair", "case": case_name, "ok": True, "pairs": n,
                 "block": {t: f"{u} untimed + {k} timed" for t, (u, k) in block.items()},
                 "round_ratios": ratios, "ratio": statistics.median(ratios),
                 "ratio_cpu": statistics.median(ratios_cpu)}
    for tool in solvers:
        rec[tool] = {"times_s": times[tool], "cpu_times_s": cpu[tool],
                     "median_s": statistics.median(times[tool]),
                     "median_cpu_s": statistics.median(cpu[tool])}
    return rec


#: Programmes tried over the combined decisions by the benchmark's nomination validation.
NOMINATION_CHOICES = 8


def _validate(linepack, net, scn, stem: Path):
    """Nomination validation of a GasLib case: (record, scenario with held pressures, controls).

    Writes ``stem``-controls.json (the native controls convention) and ``stem``-held.json
    ({node: held pressure in bar}) for the cold start."""
    t0 = time.perf_counter()
    found = linepack.validate_nomination(net, scn, max_choices=NOMINATION_CHOICES)
    rec = {"seconds": time.perf_counter() - t0, "feasible": found.feasible,
           "programmes": found.programmes, "violation_bar": found.violation_bar,
           "violations": found.violations[:5], "n_violations": len(found.violations),
           "shortfalls": [[a, w] for a, w in found.shortfalls[:5]],
           "error": None if found.error is None else f"{type(found.error).__name__}: {found.error}"}
    name = scn.name or "nomination"
    case = linepack.Case(net, {name: found.scenario}, {name: found.controls}, {name: name})
    doc = json.loads(linepack.write_native(case, stem.with_suffix(".json")).read_text())
    stem.with_name(stem.name + "-controls.json").write_text(json.dumps(doc["controls"][name]))
    held = found.scenario.nodes["p_fixed_pa"].dropna() / 1e5
    stem.with_name(stem.name + "-held.json").write_text(json.dumps(held.to_dict()))
    return rec, found.scenario, found.controls


COLD_CODE = r"""
import time, json, sys
t0 = time.perf_counter()
import linepack
t1 = time.perf_counter()
net, scn = linepack.read_gaslib(sys.argv[1], sys.argv[2], sys.argv[3])
controls = linepack.read_controls(sys.argv[4], net)
with open(sys.argv[5]) as fh:
    held = json.load(fh)
nodes = scn.nodes.copy()
for node, p_bar in held.items():
    nodes.loc[node, "p_fixed_pa"] = p_bar * 1e5
scn = scn.evolve(nodes=nodes)
t2 = time.perf_counter()
outcome = "solved"
try:
    r = linepack.simulate(net, scn, controls)
except linepack.LinepackError as exc:
    outcome = type(exc).__name__
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "read_s": t2 - t1, "solve_s": t3 - t2,
                  "in_process_s": t3 - t0, "outcome": outcome}))
"""


def cold_start(repeats: int, folder: Path) -> dict:
    """Fresh processes that import linepack, read GasLib-582 (.net, .scn, .cs) with the controls
    and held pressures its nomination validation found (files of the gaslib_582 worker), and
    solve the steady state."""
    net_f, scn_f = GASLIB_CASES["gaslib_582"]
    stem = folder / "gaslib_582-validated"
    files = [stem.with_name(stem.name + "-controls.json"), stem.with_name(stem.name + "-held.json")]
    if not all(f.exists() for f in files):
        return {"runs": [], "skipped": "gaslib_582 was not run (its validated controls are needed)"}
    # Python's bytecode cache, as a user has it from the second launch on (pip writes it at
    # install for a regular install; an editable one writes it at the first import). Where the
    # caller's environment forbids writing it (PYTHONDONTWRITEBYTECODE, as in some sandboxes),
    # every process would recompile linepack's sources (~55 ms here): the runs use a private
    # cache under the working folder instead, filled by one untimed priming run.
    env = _worker_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    runs = []
    priming = None
    for i in range(repeats + 1):
        t0 = time.perf_counter()
        cp = subprocess.run([sys.executable, "-c", COLD_CODE, str(GASLIB / net_f), str(GASLIB / scn_f),
                             str((GASLIB / net_f).with_suffix(".cs")), *map(str, files)],
                            capture_output=True, text=True, env=env, timeout=300)
        wall = time.perf_counter() - t0
        if cp.returncode != 0:
            d = {"error": cp.stderr[-2000:], "process_wall_s": wall}
        else:
            d = json.loads(cp.stdout.strip().splitlines()[-1])
            d["process_wall_s"] = wall
        if i == 0:
            priming = d
        else:
            runs.append(d)
    good = [r for r in runs if "error" not in r]
    out = {"runs": runs, "priming_run": priming,
           "bytecode_cache": "private prefix, filled by the untimed priming run"}
    if good:
        for k in ("import_s", "read_s", "solve_s", "in_process_s", "process_wall_s"):
            out[k] = statistics.median(r[k] for r in good)
        out["outcome"] = good[-1]["outcome"]
    return out


# ======================================================================================
# driver
# ======================================================================================
def _worker_env() -> dict:
    env = dict(os.environ)
    for k in THREAD_VARS:
        env.setdefault(k, "1")
    return env


def _run_worker(args: list[str], timeout: float) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    try:
        cp = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", *args,
                             "--worker-out", out], capture_output=True, text=True,
                            env=_worker_env(), timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": {"type": "Timeout", "message": f"worker exceeded {timeout} s"}}
    wall = time.perf_counter() - t0
    try:
        rec = json.loads(Path(out).read_text())
    except Exception:  # noqa: BLE001
        rec = {"ok": False, "error": {"type": "WorkerCrashed",
                                      "message": (cp.stderr or cp.stdout)[-3000:]}}
    finally:
        Path(out).unlink(missing_ok=True)
    rec["process_wall_s"] = wall
    rec["loadavg_1min"] = [load0, os.getloadavg()[0]]
    if cp.stderr.strip():
        rec["stderr_tail"] = cp.stderr[-1500:]
    return rec


def machine_info() -> dict:
    import numpy
    import scipy
    info = {"python": sys.version.split()[0], "numpy": numpy.__version__, "scipy": scipy.__version__,
            "platform": platform.platform(), "nproc": os.cpu_count(),
            "thread_env_set_by_caller": {k: os.environ[k] for k in THREAD_VARS if k in os.environ},
            "thread_env_in_workers": {k: _worker_env()[k] for k in THREAD_VARS}}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in lscpu.splitlines():
            if line.startswith(("Model name", "CPU(s):", "L2 cache", "L3 cache")):
                k, v = line.split(":", 1)
                info[k.strip()] = v.strip()
        with open("/proc/meminfo") as fh:
            info["MemTotal"] = fh.readline().split(":")[1].strip()
    except Exception:  # noqa: BLE001
        pass
    info.update(source_state())
    try:
        import pandas
        info["pandas"] = pandas.__version__
    except Exception:  # noqa: BLE001
        pass
    return info


def source_state() -> dict:
    """Which linepack was measured: git HEAD, whether src/ had uncommitted edits, a hash of src/."""
    import hashlib
    root = HERE.parent
    out = {}
    try:
        out["git_head"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                         capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=root,
                               capture_output=True, text=True).stdout.strip().splitlines()
        out["src_uncommitted_files"] = len(dirty)
    except Exception:  # noqa: BLE001
        pass
    h = hashlib.sha256()
    for f in sorted((root / "src").rglob("*.py")):
        h.update(f.read_bytes())
    out["src_sha256"] = h.hexdigest()[:12]
    return out


def _fmt(x, spec=".3g", none="–"):
    if x is None:
        return none
    try:
        return format(x, spec)
    except (TypeError, ValueError):
        return str(x)


def _ms(s):
    return None if s is None else s * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="skip the 50k lattice and pandapipes' "
                    "infeasible run, fewer repeats")
    ap.add_argument("--json", help="write all numbers here")
    ap.add_argument("--md", help="write the Markdown report here")
    ap.add_argument("--cases", help="comma-separated subset of case names")
    ap.add_argument("--keep-tmp", action="store_true",
                    help="keep the working folder (the arrays of both tools and the GasLib cases' "
                         "validated controls and held pressures) instead of removing it")
    ap.add_argument("--profile", metavar="CASE", help="cProfile one warm linepack solve of CASE")

    ap.add_argument("--render", metavar="JSON", help="print (and with --md write) the report of a "
                    "recorded run.json again, with the goals re-judged; nothing is run")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--worker-out", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)

    if a.worker:
        tool, case_name, *flags = a.worker
        out_dir = Path(next((f.split("=", 1)[1] for f in flags if f.startswith("arrays=")), "."))
        quick = "quick" in flags
        if tool == "linepack":
            rec = worker_linepack(case_name, quick, out_dir)
        elif tool == "pair":
            rec = worker_pair(case_name, quick)
        else:
            rec = worker_pandapipes(case_name, quick, out_dir, infeasible="infeasible" in flags)
        Path(a.worker_out).write_text(json.dumps(rec, default=str))
        return 0

    if a.profile:
        return profile(a.profile)
    if a.render:
        report = json.loads(Path(a.render).read_text())
        report["goals"] = goals(report)
        md = markdown(report)
        print(md)
        if a.md:
            Path(a.md).write_text(md)
        return 0

    selected = [c for c in CASES if not (a.quick and c[0] in QUICK_SKIP)]
    if a.cases:
        want = a.cases.split(",")
        selected = [c for c in CASES if c[0] in want]
    tmp = Path(tempfile.mkdtemp(prefix="linepack-bench-"))
    flags = ["quick"] if a.quick else []
    report = {"machine": machine_info(), "quick": a.quick, "cases": {},
              "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    for name, what in selected:
        print(f"[{time.strftime('%H:%M:%S')}] {name} ...", flush=True)
        entry: dict = {"what": what}
        entry["linepack"] = _run_worker(["linepack", name, *flags, f"arrays={tmp}"], timeout=1800)
        if what == "both" or (what == "infeasible" and not a.quick):
            entry["pandapipes"] = _run_worker(
                ["pandapipes", name, *flags, f"arrays={tmp}"]
                + (["infeasible"] if what == "infeasible" else []), timeout=3600)
        if what == "both":
            entry["comparison"] = _compare(name, tmp)
            entry["pair"] = _run_worker(["pair", name, *flags, f"arrays={tmp}"], timeout=3600)
            _use_pair_times(entry)
        report["cases"][name] = entry
        _print_case(name, entry)
    print(f"[{time.strftime('%H:%M:%S')}] cold start ...", flush=True)
    report["cold_start"] = cold_start(5 if not a.quick else 1, tmp)
    report["source_state_end"] = source_state()
    if report["source_state_end"].get("src_sha256") != report["machine"].get("src_sha256"):
        print("WARNING: linepack's src/ changed while the benchmark ran", flush=True)
    report["goals"] = goals(report)
    md = markdown(report)
    print()
    print(md)
    if a.json:
        Path(a.json).write_text(json.dumps(report, indent=1, default=str))
    if a.md:
        Path(a.md).write_text(md)
    if a.keep_tmp:
        print(f"working folder kept: {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _use_pair_times(entry: dict) -> None:
    """Judge speed on the interleaved timings of the pair worker: both tools' medians (and
    CPU medians) become those of the pair worker; the separate workers' stay beside them."""
    pair = entry.get("pair", {})
    if not pair.get("ok"):
        return
    for tool in ("linepack", "pandapipes"):
        rec = entry[tool]
        for k in ("median_s", "median_cpu_s"):
            if k in rec:
                rec[f"separate_{k}"] = rec[k]
        rec["median_s"] = pair[tool]["median_s"]
        rec["median_cpu_s"] = pair[tool]["median_cpu_s"]
        rec["timed_in"] = f"pair worker, {pair['pairs']} alternating pairs"
    entry["ratio"] = {"median_s": pair["ratio"], "median_cpu_s": pair["ratio_cpu"]}


def _compare(name: str, tmp: Path) -> dict:
    import numpy as np
    out = {}
    try:
        pl = np.load(tmp / f"{name}.linepack.p.npy")
        pp_ = np.load(tmp / f"{name}.pandapipes.p.npy")
        out["max_abs_dp_bar"] = float(np.max(np.abs(pl - pp_)))
        ml = np.load(tmp / f"{name}.linepack.m.npy")
        mp = np.load(tmp / f"{name}.pandapipes.m.npy")
        out["max_abs_dm_kg_s"] = float(np.max(np.abs(ml - mp)))
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"{type(exc).__name__}: {exc}"
    return out


def _print_case(name, e):
    lp = e.get("linepack", {})
    msg = f"    linepack: ok={lp.get('ok')} it={lp.get('iterations')} median={_fmt(_ms(lp.get('median_s')))} ms"
    if not lp.get("ok"):
        msg += f" [{lp.get('error', {}).get('type')}: {lp.get('error', {}).get('message', '')[:160]}]"
    print(msg)
    if "pandapipes" in e:
        pp_ = e["pandapipes"]
        msg = f"    pandapipes: ok={pp_.get('ok')} it={pp_.get('iterations')} median={_fmt(_ms(pp_.get('median_s')))} ms"
        if not pp_.get("ok"):
            msg += f" [{pp_.get('error', {}).get('type')}: {pp_.get('error', {}).get('message', '')[:160]}]"
        print(msg)
    if "comparison" in e:
        print(f"    max |Δp| = {_fmt(e['comparison'].get('max_abs_dp_bar'), '.2e')} bar, "
              f"max |Δm| = {_fmt(e['comparison'].get('max_abs_dm_kg_s'), '.2e')} kg/s "
              f"{e['comparison'].get('error', '')}")
    sys.stdout.flush()


# ======================================================================================
# goals and report
# ======================================================================================
def _ratio(e, key="median_s"):
    """pandapipes over linepack: the median of the pair worker's per-round ratios where it
    ran, else the ratio of the two medians under ``key``."""
    if key in e.get("ratio", {}):
        return e["ratio"][key]
    try:
        return e["pandapipes"][key] / e["linepack"][key]
    except Exception:  # noqa: BLE001
        return None


def _load_note(*recs) -> str:
    loads = [x for r in recs if r for x in r.get("loadavg_1min", [])]
    if loads and max(loads) > 0.75 * (os.cpu_count() or 1):
        return f"; machine busy (1-min load avg up to {max(loads):.1f} on {os.cpu_count()} CPUs)"
    return ""


def goals(report) -> list[dict]:
    C = report["cases"]
    out = []

    def add(goal, status, value):
        out.append({"goal": goal, "status": status, "value": value})

    for name, need in (("lattice_10k", 20), ("lattice_50k", 20), ("chain", 10), ("chain_compressors", 10)):
        if name not in C:
            add(f"≥ {need}× faster than pandapipes on {name}", "SKIP", "not run")
            continue
        e = C[name]
        r = _ratio(e)
        both_ok = e["linepack"].get("ok") and e.get("pandapipes", {}).get("ok")
        dp = e.get("comparison", {}).get("max_abs_dp_bar")
        agree = dp is not None and dp <= 1e-3
        st = "PASS" if (both_ok and agree and r is not None and r >= need) else "MISS"
        rc = _ratio(e, "median_cpu_s")
        rs = _ratio(e, "separate_median_s")
        sep = f"; separate workers {_fmt(rs, '.1f')}×" if rs is not None else ""
        kf = e["linepack"].get("keep_initial_factor")
        if kf and r is not None:
            sep += (f"; every solve factorising its own initial guess (no kept factor) "
                    f"≈ {r * kf['median_s'] / kf['no_keep_median_s']:.1f}× (linepack "
                    f"{_ms(kf['no_keep_median_s']):.1f} vs {_ms(kf['median_s']):.1f} ms, alternated)")
        add(f"≥ {need}× faster than pandapipes on {name}", st,
            f"{_fmt(r, '.1f')}× wall (medians: pandapipes {_fmt(_ms(e['pandapipes'].get('median_s')), '.1f')} ms, "
            f"linepack {_fmt(_ms(e['linepack'].get('median_s')), '.1f')} ms), {_fmt(rc, '.1f')}× CPU time"
            f"{sep}; max|Δp| {_fmt(dp, '.1e')} bar{_load_note(e['linepack'], e.get('pandapipes'))}")
    for name in ("lattice_10k", "lattice_50k"):
        if name not in C:
            add(f"within 2× of the floor on {name}", "SKIP", "not run")
            continue
        fl = C[name]["linepack"].get("floor", {})
        x = fl.get("time_over_floor")
        rr = fl.get("round_ratios")
        sep = C[name]["linepack"].get("separate_median_s")
        of_medians = sep / fl["floor_s"] if sep and fl.get("floor_s") else None
        by_round = (f"median of {len(rr)} rounds of one factorisation and one solve timed in turn, "
                    f"{min(rr):.2f}–{max(rr):.2f}; ") if rr else ""
        add(f"within 2× of the floor on {name}", "PASS" if x is not None and x <= 2 else "MISS",
            f"{_fmt(x, '.2f')}× floor wall ({by_round}the worker's median solve over the median "
            f"factorisation: {_fmt(of_medians, '.2f')}×), "
            f"{_fmt(fl.get('time_over_floor_cpu'), '.2f')}× CPU time "
            f"({C[name]['linepack'].get('iterations')} it × "
            f"{_fmt(_ms(fl.get('t_factor_s')), '.2f')} ms {fl.get('method')} = {_fmt(_ms(fl.get('floor_s')), '.1f')} ms)"
            f"{_load_note(C[name]['linepack'])}")
    if "gaslib_4197" in C:
        lp = C["gaslib_4197"]["linepack"]
        if lp.get("ok"):
            t = lp["median_s"]
            add("GasLib-4197 steady state ≤ 20 ms warm", "PASS" if t <= 0.020 else "MISS",
                f"{_fmt(_ms(t), '.1f')} ms, {lp.get('iterations')} it, under the controls that "
                f"nomination validation found ({_nomination_note(lp.get('nomination', {}))})")
        else:
            add("GasLib-4197 steady state ≤ 20 ms warm", "MISS",
                f"no steady state: {lp.get('error', {}).get('type')} after {_fmt(_ms(lp.get('median_s')), '.1f')} ms "
                f"(time to the diagnosis, warm)")
    cs = report.get("cold_start", {})
    if "process_wall_s" in cs:
        add("cold start (fresh process: import, read GasLib-582 with the controls its nomination "
            "validation found, solve) < 1 s",
            "PASS" if cs["process_wall_s"] < 1.0 else "MISS",
            f"{cs['process_wall_s']:.2f} s whole process ({cs['in_process_s']:.2f} s import→result: "
            f"import {cs['import_s']:.2f}, read {cs['read_s']:.2f}, solve {cs['solve_s']:.2f}); "
            f"outcome {cs['outcome']}")
    if "lattice_50k" in C:
        m = C["lattice_50k"]["linepack"].get("memory", {}).get("extra_rss_mb")
        add("< 100 MB extra memory at 50k", "PASS" if m is not None and m < 100 else "MISS",
            f"{_fmt(m, '.0f')} MB extra RSS (tracemalloc peak "
            f"{_fmt(C['lattice_50k']['linepack'].get('memory', {}).get('tracemalloc_peak_mb'), '.0f')} MB)")
    else:
        add("< 100 MB extra memory at 50k", "SKIP", "not run")
    if "lattice_10k_infeasible" in C:
        lp = C["lattice_10k_infeasible"]["linepack"]
        ref_rec = C.get("lattice_10k", {}).get("linepack", {})
        ref = ref_rec.get("median_s")
        t = lp.get("median_s")
        tc, refc = lp.get("median_cpu_s"), ref_rec.get("median_cpu_s")
        raised = lp.get("error", {}).get("type") == "Infeasible"
        cross = (f"{_fmt(t / ref if (t and ref) else None, '.2f')} × wall, "
                 f"{_fmt(tc / refc if (tc and refc) else None, '.2f')} × CPU")
        pair = lp.get("paired")
        if pair:
            # judged on the interleaved same-process pair; the cross-worker ratio is printed too
            t, ref = pair["median_s"], pair["feasible_median_s"]
            how = (f"the feasible 10k solve timed alternately in the same process "
                   f"({_fmt(_ms(ref), '.0f')} ms, {pair['pairs']} pairs); across workers {cross}")
        else:
            how = (f"the feasible 10k solve ({cross})"
                   + ("" if ref else "; lattice_10k was not run, no reference"))
        st = "PASS" if raised and ref and t <= 2 * ref else "MISS"
        add("infeasible 10k diagnosed (Infeasible) in ≤ 2 solves' time", st,
            f"{lp.get('error', {}).get('type', 'no error raised')} after {_fmt(_ms(t), '.0f')} ms "
            f"= {_fmt(t / ref if (t and ref) else None, '.2f')} × {how}")
    return out


def _nomination_note(nom: dict) -> str:
    if not nom:
        return "not run"
    if nom.get("feasible"):
        verdict = "validated: every limit holds"
    else:
        first = (nom.get("violations") or [nom.get("error") or "?"])[0]
        verdict = f"not validated: {nom.get('n_violations')} limit(s) violated, worst {first}"
    return (f"{verdict}; validation {_fmt(nom.get('seconds'), '.0f')} s, "
            f"{nom.get('programmes')} programmes")


def markdown(report) -> str:
    C = report["cases"]
    L = []
    L.append("| case | nodes / pipes (+other) | linepack it | pandapipes it | linepack median (ms) | "
             "pandapipes median (ms) | pp/lp wall (CPU) | floor (ms) | lp/floor | extra RSS lp / pp (MB) | "
             "max abs Δp (bar) |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, e in C.items():
        lp = e.get("linepack", {})
        pp_ = e.get("pandapipes", {})
        sz = lp.get("sizes", {})
        other = {k: v for k, v in sz.items() if k not in ("nodes", "connections", "pipe", "source",
                                                           "sink", "innode")}
        size = f"{sz.get('nodes', '?'):,} / {sz.get('pipe', 0):,}"
        if other:
            size += " (+" + ", ".join(f"{v} {k}" for k, v in other.items()) + ")"
        lp_t = _fmt(_ms(lp.get("median_s")), ".1f")
        if not lp.get("ok"):
            lp_t = f"{lp.get('error', {}).get('type', 'error')} after {lp_t}"
        pp_t = "–"
        if pp_:
            pp_t = _fmt(_ms(pp_.get("median_s")), ".1f")
            if not pp_.get("ok"):
                pp_t = f"{pp_.get('error', {}).get('type', 'error')} after {pp_t}"
        fl = lp.get("floor", {})
        mem_lp = lp.get("memory", {}).get("extra_rss_mb")
        mem_pp = pp_.get("memory", {}).get("extra_rss_mb") if pp_ else None
        L.append(" | ".join([
            f"| {name}", size, _fmt(lp.get("iterations")), _fmt(pp_.get("iterations") if pp_ else None),
            lp_t, pp_t,
            (f"{_fmt(_ratio(e), '.1f')} ({_fmt(_ratio(e, 'median_cpu_s'), '.1f')})"
             if (lp.get("ok") and pp_.get("ok")) else "–"),
            _fmt(_ms(fl.get("floor_s")), ".1f"), _fmt(fl.get("time_over_floor"), ".2f"),
            f"{_fmt(mem_lp, '.0f')} / {_fmt(mem_pp, '.0f')}",
            _fmt(e.get("comparison", {}).get("max_abs_dp_bar"), ".1e") + " |"]))
    L.append("")
    L.append("Floor = linepack Newton iterations × one factorisation of the final reduced Jacobian "
             "(same Factorizer instance and method; see run.py).")
    L.append("")
    paired = [(n, e) for n, e in C.items() if e.get("pair", {}).get("ok")]
    if paired:
        L.append("Timing of the compared cases: both tools in one worker, solving the same network "
                 "alternately in blocks (linepack, pandapipes, then the other order, …; a tool whose "
                 "solve takes under 3 s solves once untimed, then three times timed, in each block; "
                 "a slower one once); the medians above are theirs, and the ratio is the median of the "
                 "ratios within each round (both blocks ran seconds apart). The separate workers "
                 "(which measure memory, iterations and agreement) timed (ms, linepack | pandapipes):")
        L.append("")
        for n, e in paired:
            blk = e["pair"].get("block", {})
            L.append(f"- {n}: {e['pair']['pairs']} pairs of blocks (linepack {blk.get('linepack')}, "
                     f"pandapipes {blk.get('pandapipes')}); separate workers "
                     f"{_fmt(_ms(e['linepack'].get('separate_median_s')), '.1f')} | "
                     f"{_fmt(_ms(e['pandapipes'].get('separate_median_s')), '.1f')}; ratios by round "
                     + " / ".join(_fmt(x, ".1f") for x in e["pair"].get("round_ratios", [])))
        L.append("")
    L.append("| case | factorisation method | matrix n / nnz | symmetric | t_factor (ms) | factor calls per solve | "
             "linepack build (ms) | pandapipes build (ms) | lp first solve (ms) | lp tracemalloc peak (MB) | p_min (bar abs) | "
             "lp median CPU (ms) | pp median CPU (ms) | load avg |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, e in C.items():
        lp = e.get("linepack", {})
        pp_ = e.get("pandapipes", {})
        fl = lp.get("floor", {})
        L.append(" | ".join([
            f"| {name}", str(fl.get("method", "–")),
            f"{fl.get('matrix_n', '–')} / {fl.get('matrix_nnz', '–')}", str(fl.get("symmetric", "–")),
            _fmt(_ms(fl.get("t_factor_s")), ".2f"), str(fl.get("factor_calls", "–")),
            _fmt(_ms(lp.get("build_s")), ".0f"), _fmt(_ms(pp_.get("build_s")) if pp_ else None, ".0f"),
            _fmt(_ms(lp.get("first_solve_s")), ".1f"),
            _fmt(lp.get("memory", {}).get("tracemalloc_peak_mb"), ".1f"),
            _fmt(lp.get("p_min_bar"), ".2f"), _fmt(_ms(lp.get("median_cpu_s")), ".1f"),
            _fmt(_ms(pp_.get("median_cpu_s")) if pp_ else None, ".1f"),
            "/".join(f"{x:.1f}" for r in (lp, pp_) if r for x in r.get("loadavg_1min", [])) + " |"]))
    errs = [(n, t, e[t]["error"]) for n, e in C.items() for t in ("linepack", "pandapipes")
            if t in e and not e[t].get("ok") and "error" in e[t]]
    if errs:
        L.append("")
        L.append("Errors / diagnoses:")
        L.append("")
        for n, t, err in errs:
            L.append(f"- {n}, {t}: {err.get('type')}: {err.get('message', '')[:300]}")
    noms = [(n, e["linepack"]["nomination"]) for n, e in C.items()
            if e.get("linepack", {}).get("nomination")]
    if noms:
        L.append("")
        L.append("GasLib nominations: the controls (valve states, station and regulator set points) "
                 "come from `linepack.validate_nomination` (IPOPT through CasADi, at most "
                 f"{NOMINATION_CHOICES} programmes over the combined decisions); the timings above are "
                 "the steady state under them:")
        L.append("")
        for n, nom in noms:
            L.append(f"- {n}: {_nomination_note(nom)}")
    cs = report.get("cold_start", {})
    if cs:
        L.append("")
        L.append(f"Cold start (GasLib-582 with the controls its nomination validation found, fresh process, median of {len(cs.get('runs', []))}): "
                 f"process {_fmt(cs.get('process_wall_s'), '.2f')} s; import {_fmt(cs.get('import_s'), '.2f')} s, "
                 f"read {_fmt(cs.get('read_s'), '.2f')} s, solve {_fmt(cs.get('solve_s'), '.2f')} s; "
                 f"outcome {cs.get('outcome')}; after one untimed priming run that fills Python's "
                 f"bytecode cache (as a user has it from the second launch on)")
    L.append("")
    L.append("Memory: extra RSS = kernel peak RSS (VmHWM, reset via /proc/self/clear_refs) during the "
             "first solve in the worker minus RSS just before it; a 2 ms VmRSS sampler cross-checks it.")
    L.append("")
    L.append("Goals:")
    L.append("")
    for g in report.get("goals", []):
        L.append(f"- **{g['status']}** {g['goal']}: {g['value']}")
    m = report["machine"]
    L.append("")
    L.append(f"Machine: {m.get('Model name')}, {m.get('nproc')} CPUs, {m.get('MemTotal')}; Python "
             f"{m.get('python')}, numpy {m.get('numpy')}, scipy {m.get('scipy')}; worker threads "
             f"{m.get('thread_env_in_workers')}; linepack git {m.get('git_head')} with "
             f"{m.get('src_uncommitted_files')} uncommitted src files (src sha256 {m.get('src_sha256')} at the "
             f"start, {report.get('source_state_end', {}).get('src_sha256')} at the end)")
    return "\n".join(L)


# ======================================================================================
# profiling
# ======================================================================================
def _warm_linepack() -> bool:
    """Solve a 3×3 lattice once, so that lazily imported modules are loaded: with numba
    installed (extra ``fast``) also numba and the compiled pipe law, which linepack uses on
    networks of 10,000 pipes or more. Returns whether the compiled pipe law is available."""
    import cases as _c
    import linepack
    from linepack.physics import compiled

    tiny = _c.lattice(3, 1.0)
    tn, ts, _ = _c.to_linepack(tiny)
    fast = compiled.available()
    linepack.simulate(tn, ts, options=linepack.SteadyOptions(compiled=True if fast else None),
                      **_c.linepack_physics(tiny))
    return fast


def profile(case_name: str) -> int:
    import cProfile
    import pstats

    import linepack
    if case_name in GASLIB_CASES:
        nf, sf = GASLIB_CASES[case_name]
        net, scn = linepack.read_gaslib(GASLIB / nf, GASLIB / sf)
        controls, kw = None, {}
    else:
        import cases
        arr = cases.build(case_name)
        net, scn, controls = cases.to_linepack(arr)
        kw = cases.linepack_physics(arr)

    def solve():
        try:
            return linepack.simulate(net, scn, controls, **kw)
        except linepack.LinepackError as exc:
            return exc

    solve()
    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    solve()
    pr.disable()
    print(f"profiled solve: {time.perf_counter() - t0:.3f} s (with profiler overhead)")
    st = pstats.Stats(pr)
    _profile_summary(st)
    st.sort_stats("tottime").print_stats(25)
    st.sort_stats("cumulative").print_stats(30)
    return 0


#: (label, file suffix, function names): cumulative time of matching functions, summed.
_PROFILE_GROUPS = [
    ("simulate (total)", "problems/steady.py", ("simulate",)),
    ("setup: model arrays, controls", "problems/steady.py", ("__init__", "_resolve_physics", "_resolve_controls")),
    ("setup: checks, reduction", "", ("_check_islands", "_check_anchored", "reduce_affine", "_edge_states")),
    ("Newton loop", "numerics/newton.py", ("newton",)),
    ("  factorisation (Factorizer.factor, all calls)", "numerics/linsolve.py", ("factor",)),
    ("  linear_solve (factor + GMRES/triangular solves)", "problems/steady.py", ("linear_solve",)),
    ("  GMRES", "_isolve/iterative.py", ("gmres",)),
    ("  step (assembly + linear_solve + flow recovery)", "problems/steady.py", ("step",)),
    ("  matrix assembly (PatternAssembler.matrix)", "numerics/assembly.py", ("matrix",)),
    ("  physics evaluation (residual/evaluate)", "problems/steady.py", ("evaluate",)),
    ("control rule (_switch)", "problems/steady.py", ("_switch",)),
    ("failure diagnosis", "problems/steady.py", ("_diagnose_failure",)),
    ("result building (pandas)", "problems/steady.py", ("_build_result",)),
]


def _profile_summary(st) -> None:
    """Print cumulative time per phase (names matched loosely; absent ones show 0)."""
    stats = st.stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    total = max((v[3] for k, v in stats.items() if k[2] == "simulate"), default=0.0) or 1.0
    print("phase | cumulative s | share of simulate")
    print("---|---|---")
    for label, suffix, names in _PROFILE_GROUPS:
        ct = 0.0
        for (f, _, fn), v in stats.items():
            if fn in names and f.replace("\\", "/").endswith(suffix) if suffix else fn in names:
                # top-level entries only: skip recursive double counting via primitive calls
                ct += v[3]
        print(f"{label} | {ct:.4f} | {ct / total:.0%}")
    print()


if __name__ == "__main__":
    raise SystemExit(main())
