"""Benchmark runner: ikmopt against raw highspy and a plain PuLP script, in the same run.

    python benchmarks/run.py [--sizes S M L] [--repeat 3] [--sweep 200] [--cap 600]

Sizes (cells = regions x programs x sectors x years):

* S: the bundled 38 provinces x 6 programs (228 cells);
* M: synthetic 514 regencies x 8 programs x 5 years (20,560 cells);
* L: synthetic 514 x 8 x 24 sectors x 5 years (493,440 cells).

Every size solves the same policy: a total budget and a budget per year (when there are
years), KTI >= 40 % of spend, a floor for every region, maximize jobs. Printed per size:

* ikmopt: build, solve and end-to-end seconds (median of ``--repeat``; end to end = build +
  solve + a labelled Result), peak RSS of a fresh process;
* the floor: raw highspy on the identical arrays with simplex and with IPM + crossover
  (each capped at ``--cap`` seconds), and ikmopt's ratio to the best of the two;
* a plain PuLP model written the way an analyst would (dict of LpVariables, lpSum per
  constraint), solved with PuLP's HiGHS and with CBC, and its ratio to the floor;
* ikmopt's own algorithm choice against forcing simplex or IPM;
* a sweep of ``--sweep`` budget values on M: warm-started against cold, seconds per solve.

Writes ``benchmarks/results/<UTC timestamp>.json`` with every number and the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import highspy
import numpy as np
import pulp
from results_file import machine, write  # benchmarks/ is the script's folder

import ikmopt as ik
from ikmopt.solving.solvers.base import silenced
from ikmopt.solving.solvers.highs import choose_algorithm, to_highs

SIZES = {
    "S": None,
    "M": {"n_regions": 514, "n_programs": 8, "n_sectors": 0, "n_years": 5},
    "L": {"n_regions": 514, "n_programs": 8, "n_sectors": 24, "n_years": 5},
}


def case(size: str) -> tuple[ik.Dataset, ik.Policy]:
    """The dataset and policy of a size."""
    if size == "S":
        data = ik.datasets.load("indonesia-provinces")
        budget = ik.Budget(total=971)  # the default budget (ik.default_policy())
        floor = 5.0
    else:
        data = ik.datasets.synthetic(**SIZES[size])
        _, years = data.level_codes("year")
        budget = ik.Budget(total=25_000, by={"year": {int(y): 5_500 for y in years}})
        floor = 1.0
    policy = ik.Policy(
        budget=budget,
        constraints=[ik.RegionBounds(min=floor), ik.GroupShare("kti", min=0.40)],
        objective=ik.Maximize("jobs"),
    )
    return data, policy


def median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def raw_highs(lp: ik.LinearProgram, algorithm: str, cap: float) -> dict:
    """The floor: highspy on the identical arrays (model passing included)."""
    with silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", algorithm)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(cap))
    model = to_highs(lp)
    start = time.perf_counter()
    h.passModel(model)
    h.run()
    seconds = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    return {"seconds": seconds, "status": status,
            "objective": h.getInfo().objective_function_value}


def plain_pulp(data: ik.Dataset, policy: ik.Policy, solver: str, cap: float) -> dict:
    """The same model as an analyst writes it in PuLP: dicts of variables and lpSum."""
    start = time.perf_counter()
    prob = pulp.LpProblem("plain", pulp.LpMaximize)
    cells = list(data.cells)
    capacity = data.capacity
    x = {c: prob.add_variable(f"x_{i}", 0, float(capacity[i])) for i, c in enumerate(cells)}
    jobs = dict(zip(cells, data.impacts["jobs"].to_numpy(), strict=True))
    prob += pulp.lpSum(jobs[c] * x[c] for c in cells)
    prob += pulp.lpSum(x.values()) <= policy.budget.total
    by_year = defaultdict(list)
    by_region = defaultdict(list)
    year_pos = data.levels.index("year") if "year" in data.levels else None
    for c in cells:
        by_region[c[0]].append(x[c])
        if year_pos is not None:
            by_year[c[year_pos]].append(x[c])
    for year, limit in (policy.budget.by or {}).get("year", {}).items():
        prob += pulp.lpSum(by_year[year]) <= limit
    floor = policy.constraints[0].min
    for region in data.regions.index:
        prob += pulp.lpSum(by_region[region]) >= floor
    kti = data.regions["kti"].to_dict()
    prob += pulp.lpSum(x[c] for c in cells if kti[c[0]]) >= 0.40 * pulp.lpSum(x.values())
    build = time.perf_counter() - start
    if solver == "pulp-highs":
        backend = pulp.HiGHS(msg=False, threads=1, timeLimit=cap)
    else:
        import cbcbox

        backend = pulp.COIN_CMD(path=cbcbox.cbc_bin_path(), msg=False, timeLimit=cap, threads=1)
    with silenced():
        prob.solve(backend)
    return {"build_s": build, "seconds": time.perf_counter() - start,
            "status": pulp.LpStatus[prob.status], "objective": pulp.value(prob.objective)}


def vm_hwm_mb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss, not inherited)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def _peak_rss(size: str, queue: Any) -> None:
    data, policy = case(size)
    ik.optimize(data, policy)
    queue.put((0.0, vm_hwm_mb()))


def _raw_rss(npz: str, algorithm: str, queue: Any) -> None:
    """Raw highspy on the saved arrays, in a process that never built a Dataset."""
    arrays = np.load(npz)
    with silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", algorithm)
    h.setOptionValue("threads", 1)
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(arrays["cost"]), len(arrays["rlo"])
    model.col_cost_, model.col_lower_, model.col_upper_ = arrays["cost"], arrays["lo"], arrays["hi"]
    model.row_lower_, model.row_upper_ = arrays["rlo"], arrays["rhi"]
    model.sense_ = highspy.ObjSense.kMaximize
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = arrays["indptr"].astype(np.int32)
    model.a_matrix_.index_ = arrays["indices"].astype(np.int32)
    model.a_matrix_.value_ = arrays["values"]
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = model.num_col_, model.num_row_
    h.passModel(model)
    h.run()
    queue.put((0.0, vm_hwm_mb()))


def fresh_process_rss(target: Any, *args: Any) -> float:
    """Peak RSS (MB) of ``target`` run in a new process."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"{target.__name__} failed in its process (exit {proc.exitcode})")
    _, after = queue.get(timeout=10)
    return after


def bench(size: str, repeat: int, cap: float, with_pulp: bool) -> dict:
    data, policy = case(size)
    row: dict[str, Any] = {"size": size, "cells": data.n_cells}
    build_s, lp = median_time(lambda: ik.build(data, policy), repeat)
    row.update(rows=lp.n_rows, nnz=lp.nnz, build_s=build_s)
    solve_s, _ = median_time(lambda: ik.solve(lp), repeat)
    e2e_s, _ = median_time(lambda: ik.optimize(data, policy).constraints, repeat)
    res = ik.optimize(data, policy)
    row.update(solve_s=solve_s, end_to_end_s=e2e_s, objective=res.objective,
               auto_algorithm=choose_algorithm(lp, "auto"))
    for algorithm in ("simplex", "ipm"):
        runs = [raw_highs(lp, algorithm, cap) for _ in range(1 if size == "L" else repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        row[f"raw_{algorithm}_s"] = best["seconds"]
        row[f"raw_{algorithm}_status"] = best["status"]
        if best["status"] == "Optimal":
            assert abs(best["objective"] - res.objective) <= 1e-6 * abs(res.objective)
    optimal = [row[f"raw_{a}_s"] for a in ("simplex", "ipm") if row[f"raw_{a}_status"] == "Optimal"]
    row["raw_best_s"] = min(optimal)
    row["ratio_vs_raw"] = e2e_s / row["raw_best_s"]
    for algorithm in ("simplex", "ipm"):
        if size == "L" and algorithm != row["auto_algorithm"]:
            row[f"ikmopt_{algorithm}_s"] = row[f"raw_{algorithm}_s"]  # same solver run
            continue
        row[f"ikmopt_{algorithm}_s"], _ = median_time(
            lambda a=algorithm: ik.optimize(data, policy, algorithm=a), 1 if size == "L" else repeat
        )
    if with_pulp:
        for solver in ("pulp-highs", "cbc"):
            run = plain_pulp(data, policy, solver, cap)
            row[f"plain_pulp_{solver}_s"] = run["seconds"]
            row[f"plain_pulp_{solver}_build_s"] = run["build_s"]
            row[f"plain_pulp_{solver}_status"] = run["status"]
            row[f"plain_pulp_{solver}_ratio"] = run["seconds"] / row["raw_best_s"]
        if size != "L":
            row["ikmopt_cbc_s"], cbc = median_time(
                lambda: ik.optimize(data, policy, solver="cbc"), 1
            )
            assert abs(cbc.objective - res.objective) <= 1e-6 * abs(res.objective)
    row["peak_rss_mb"] = fresh_process_rss(_peak_rss, size)
    with tempfile.TemporaryDirectory() as tmp:
        npz = str(Path(tmp) / "lp.npz")
        np.savez(npz, indptr=lp.A.indptr, indices=lp.A.indices, values=lp.A.data,
                 cost=lp.cost, lo=lp.col_lower, hi=lp.col_upper, rlo=lp.row_lower,
                 rhi=lp.row_upper)
        row["raw_peak_rss_mb"] = fresh_process_rss(_raw_rss, npz, row["auto_algorithm"])
    row["rss_ratio"] = row["peak_rss_mb"] / row["raw_peak_rss_mb"]
    return row


def sweep_bench(points: int) -> dict:
    data, policy = case("M")
    values = np.linspace(20_000, 27_000, points)
    start = time.perf_counter()
    warm = ik.sweep(data, policy, "budget.total", values)
    warm_s = time.perf_counter() - start
    start = time.perf_counter()
    cold = ik.sweep(data, policy, "budget.total", values, warm=False)
    cold_s = time.perf_counter() - start
    gap = float(np.nanmax(np.abs(warm.table["objective"] - cold.table["objective"])))
    return {"points": points, "warm_per_solve_s": warm_s / points,
            "cold_per_solve_s": cold_s / points, "speedup": cold_s / warm_s,
            "max_objective_gap": gap}


def table(rows: list[dict], columns: list[str]) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "M"], choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sweep", type=int, default=200, help="sweep points on M (0: skip)")
    parser.add_argument("--cap", type=float, default=600.0, help="seconds per baseline solve")
    parser.add_argument("--no-pulp", action="store_true", help="skip the plain PuLP baselines")
    args = parser.parse_args()

    rows = [bench(size, args.repeat, args.cap, not args.no_pulp) for size in args.sizes]
    print(table(rows, ["size", "cells", "rows", "nnz", "build_s", "solve_s", "end_to_end_s",
                       "raw_simplex_s", "raw_ipm_s", "ratio_vs_raw", "peak_rss_mb",
                       "raw_peak_rss_mb", "rss_ratio"]))
    print()
    print(table(rows, ["size", "auto_algorithm", "ikmopt_simplex_s", "ikmopt_ipm_s",
                       "plain_pulp_pulp-highs_s", "plain_pulp_pulp-highs_ratio",
                       "plain_pulp_cbc_s", "plain_pulp_cbc_ratio", "ikmopt_cbc_s"]))
    result: dict[str, Any] = {"rows": rows}
    if args.sweep:
        result["sweep"] = sweep_bench(args.sweep)
        print()
        print(table([result["sweep"]], list(result["sweep"])))
    result["meta"] = machine(highspy=getattr(highspy, "__version__", "?"),
                             pulp=pulp.__version__)
    write("", result)


if __name__ == "__main__":
    main()
