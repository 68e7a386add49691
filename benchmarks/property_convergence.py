"""Property benchmark of issue #15: random networks with a built steady state converge to it.

Each network (``tests/problems/built_networks.py``: trees and meshes of 10–2,000 nodes,
1–30 compressor stations at fixed ratios 1.1–1.6, regulators at fixed outlet pressures) has
its steady state built first — pressures chosen, pipe flows from the pipe law with the
solver's friction and compressibility, demands from the nodal balances, one node held.
linepack solves it from its default start; a network counts as a success when the solution
matches the built pressures within 1e-6 relative. Goal: ≥ 99 % successes and no network
reported Infeasible (every one of them has a solution).

Usage::

    PYTHONPATH=src python benchmarks/property_convergence.py [--count 500] [--first-seed 0]

Prints the success rate, the outcomes by kind, and every failure (seed, size, topology,
stations, regulators, outcome), so that a failure can be rebuilt with ``build(seed)``.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "problems"))

from built_networks import build, check  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500, help="networks to build and solve")
    ap.add_argument("--first-seed", type=int, default=0, help="seed of the first network")
    a = ap.parse_args()
    outcomes: collections.Counter = collections.Counter()
    by_topology: dict = {"tree": collections.Counter(), "mesh": collections.Counter()}
    sizes, times = [], []
    t_all = time.perf_counter()
    for seed in range(a.first_seed, a.first_seed + a.count):
        b = build(seed)
        t0 = time.perf_counter()
        outcome, err = check(b)
        times.append(time.perf_counter() - t0)
        n = len(b.network.nodes)
        sizes.append(n)
        outcomes[outcome] += 1
        by_topology["mesh" if b.mesh else "tree"][outcome] += 1
        if outcome != "ok":
            print(f"seed {seed}: {n} nodes, {'mesh' if b.mesh else 'tree'}, {b.n_stations} stations, "
                  f"{b.n_regulators} regulators: {outcome}"
                  + (f" (largest relative pressure error {err:.3g})" if outcome == "wrong" else ""),
                  flush=True)
    total = sum(outcomes.values())
    rate = outcomes["ok"] / total
    print(f"\n{total} networks ({min(sizes)}–{max(sizes)} nodes; "
          f"{sum(by_topology['tree'].values())} trees, {sum(by_topology['mesh'].values())} meshes), "
          f"seeds {a.first_seed}–{a.first_seed + a.count - 1}")
    print(f"converged to the built solution (1e-6 relative): {outcomes['ok']} = {100 * rate:.1f} %")
    for kind in ("wrong", "NotConverged", "Infeasible"):
        print(f"  {kind}: {outcomes[kind]}")
    others = {k: v for k, v in outcomes.items() if k not in ("ok", "wrong", "NotConverged", "Infeasible")}
    if others:
        print(f"  other errors: {others}")
    for topo, c in by_topology.items():
        n_t = sum(c.values())
        if n_t:
            print(f"  {topo} networks: {c['ok']}/{n_t} = {100 * c['ok'] / n_t:.1f} %")
    times.sort()
    print(f"solve time per network: median {1e3 * times[len(times) // 2]:.0f} ms, "
          f"max {1e3 * times[-1]:.0f} ms; total {time.perf_counter() - t_all:.0f} s")
    goal = rate >= 0.99 and outcomes["Infeasible"] == 0
    print(f"goal (≥ 99 % and none Infeasible): {'PASS' if goal else 'MISS'}")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
