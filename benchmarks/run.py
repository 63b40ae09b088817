"""Benchmark runner: ikmopt against raw highspy and a plain PuLP script, same run.

Prints a table and writes ``benchmarks/results/<timestamp>.json``.

    python benchmarks/run.py [--sizes S] [--repeat 3]

Sizes: S = the bundled 38 provinces x 6 programs with the default policy.
Columns: build, solve and end-to-end seconds (median of ``--repeat`` runs); ``ratio`` is
end-to-end time over raw highspy's solve of the identical arrays (the floor).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import highspy
import numpy as np
import pulp

import ikmopt as ik
from ikmopt.solvers.base import silenced
from ikmopt.solvers.highs import to_highs

RESULTS = Path(__file__).resolve().parent / "results"


def size_s() -> tuple[ik.Dataset, ik.Policy]:
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy().replace(objective=ik.Maximize("jobs"))
    return data, policy


SIZES = {"S": size_s}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def raw_highs(lp: ik.LinearProgram) -> float:
    """The floor: highspy on the identical arrays, best of simplex and IPM+crossover."""
    best = np.inf
    for algorithm in ("simplex", "ipm"):
        with silenced():
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("solver", algorithm)
        h.setOptionValue("threads", 1)
        model = to_highs(lp)
        start = time.perf_counter()
        h.passModel(model)
        h.run()
        best = min(best, time.perf_counter() - start)
    return best


def plain_pulp(data: ik.Dataset, policy: ik.Policy, solver: str) -> tuple[float, float]:
    """How an analyst would write the same model by hand: dicts of LpVariables and lpSum."""
    start = time.perf_counter()
    prob = pulp.LpProblem("plain", pulp.LpMaximize)
    cells = list(data.cells)
    x = {c: prob.add_variable(f"x_{i}", 0, float(cap))
         for i, (c, cap) in enumerate(zip(cells, data.capacity, strict=True))}
    jobs = data.impacts["jobs"].to_dict()
    prob += pulp.lpSum(jobs[c] * x[c] for c in cells)
    total = policy.budget.total
    prob += pulp.lpSum(x.values()) <= total
    kti = data.regions["kti"].to_dict()
    floor = 0.005 * total
    for r in data.regions.index:
        prob += pulp.lpSum(x[c] for c in cells if c[0] == r) >= floor
    prob += pulp.lpSum(x[c] for c in cells if kti[c[0]]) >= 0.40 * pulp.lpSum(x.values())
    build = time.perf_counter() - start
    backend = (pulp.HiGHS(msg=False) if solver == "pulp-highs" else
               pulp.COIN_CMD(path=__import__("cbcbox").cbc_bin_path(), msg=False))
    with silenced():
        prob.solve(backend)
    return build, time.perf_counter() - start


def bench(name: str, repeat: int) -> dict:
    data, policy = SIZES[name]()
    build_s, lp = timed(lambda: ik.build(data, policy), repeat)
    solve_s, _ = timed(lambda: ik.solve(lp), repeat)
    e2e_s, result = timed(lambda: ik.optimize(data, policy), repeat)
    floor = min(raw_highs(lp) for _ in range(repeat))
    row = {
        "size": name,
        "cells": data.n_cells,
        "rows": lp.n_rows,
        "nnz": lp.nnz,
        "build_s": build_s,
        "solve_s": solve_s,
        "end_to_end_s": e2e_s,
        "raw_highs_s": floor,
        "ratio_vs_raw": e2e_s / floor,
        "objective": result.objective,
    }
    for solver in ("pulp-highs", "cbc"):
        runs = [plain_pulp(data, policy, solver) for _ in range(repeat)]
        row[f"plain_pulp_{solver}_s"] = statistics.median(r[1] for r in runs)
        row[f"plain_pulp_{solver}_ratio"] = row[f"plain_pulp_{solver}_s"] / floor
    cbc_s, cbc = timed(lambda: ik.optimize(data, policy, solver="cbc"), repeat)
    row["ikmopt_cbc_s"] = cbc_s
    assert abs(cbc.objective - result.objective) <= 1e-6 * abs(result.objective)
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S"], choices=sorted(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = [bench(name, args.repeat) for name in args.sizes]
    columns = ["size", "cells", "rows", "nnz", "build_s", "solve_s", "end_to_end_s",
               "raw_highs_s", "ratio_vs_raw", "plain_pulp_pulp-highs_s", "plain_pulp_cbc_s",
               "ikmopt_cbc_s", "peak_rss_mb"]
    widths = [max(len(c), 10) for c in columns]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in rows:
        cells = [row[c] if isinstance(row[c], str | int) else f"{row[c]:.4f}" for c in columns]
        print("  ".join(str(v).rjust(w) for v, w in zip(cells, widths, strict=True)))
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "processor": platform.processor(), "highspy": highspy.__version__ if hasattr(
                highspy, "__version__") else "?", "pulp": pulp.__version__,
            "ikmopt": ik.__version__}
    out = RESULTS / f"{stamp}.json"
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
