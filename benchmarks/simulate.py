"""Benchmark: Monte Carlo simulation of a plan (``ik.simulate``) and a CVaR solve.

The plan is the default policy on the bundled 38-province x 6-program data with its
ILLUSTRATIVE uncertainty table (two metrics, correlated by program, and realization shares
by channel). Baseline, measured in the same run: drawing the same number of standard normals
with numpy alone on one thread (the least any simulation of these draws must cost on one
core), so the ratio shows the overhead of the outcome model. ``ik.simulate`` runs its chunks
on one thread per core; it is also timed on one thread.

Usage, from the repository root::

    python benchmarks/simulate.py                  # 100,000 draws, 3 repeats
    python benchmarks/simulate.py --n 20000 --repeat 1

Writes ``benchmarks/results/simulate-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from results_file import machine, write  # benchmarks/ is the script's folder

import ikmopt as ik


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, default=500, help="CVaR scenarios")
    args = parser.parse_args()
    data = ik.datasets.load(uncertainty=True)
    plan = ik.optimize(data, ik.default_policy())
    ik.simulate(plan, n=1000)  # warm up
    cells = data.n_cells
    normals = 3 * cells  # jobs, value added and realization: one normal per cell each
    rng = np.random.default_rng(0)
    rows = [
        {"task": f"numpy: {args.n:,} x {normals} normals (baseline)",
         "seconds": best(lambda: rng.standard_normal((args.n, normals), dtype=np.float32),
                         args.repeat)},
        {"task": f"ik.simulate, {args.n:,} draws of the {cells}-cell plan",
         "seconds": best(lambda: ik.simulate(plan, n=args.n, seed=0), args.repeat)},
        {"task": "  the same on one thread (threads=1)",
         "seconds": best(lambda: ik.simulate(plan, n=args.n, seed=0, threads=1), args.repeat)},
        {"task": f"ik.optimize with CVaR over {args.samples} scenarios",
         "seconds": best(lambda: ik.optimize(data, ik.default_policy().replace(
             objective=ik.CVaR("jobs", samples=args.samples))), args.repeat)},
        {"task": "ik.optimize, point estimates (reference)",
         "seconds": best(lambda: ik.optimize(data, ik.default_policy()), args.repeat)},
    ]
    base, point = rows[0]["seconds"], rows[4]["seconds"]
    rows[1]["ratio"] = rows[1]["seconds"] / base
    rows[2]["ratio"] = rows[2]["seconds"] / base
    rows[3]["ratio"] = rows[3]["seconds"] / point
    print(f"{'task':<58} {'seconds':>8} {'ratio':>8}")
    for r in rows:
        ratio = f"{r['ratio']:.1f}x" if "ratio" in r else ""
        print(f"{r['task']:<58} {r['seconds']:>8.3f} {ratio:>8}")
    print("(ratios: simulate against the numpy baseline; CVaR against the point solve)")
    write("simulate-", {"rows": rows, "n": args.n, "samples": args.samples,
                        "meta": machine(numpy=np.__version__)})


if __name__ == "__main__":
    main()
