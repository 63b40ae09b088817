"""Sweep speed: ikmopt's warm sweep against a persistent HiGHS model, raw and through linopy.

    python benchmarks/sweeps.py [--size 41k] [--points 50] [--repeat 3]
    python benchmarks/sweeps.py --objective lexicographic [--points 20] [--repeat 1]

The budget sweep an analyst runs to see what more money buys: the policy of the peer
benchmark (``benchmarks/peer_models.py``: total and per-year budgets, a floor per region,
KTI >= 40 % of spend, maximize jobs; a single-metric objective) on the SYNTHETIC data of
``--size``, with the total budget at ``--points`` values from Rp 8,000 bn to 27,000 bn.
Each contender returns, per point, the objective, the spend and the budget row's price:

* ``ikmopt``: ``ik.sweep(data, policy, "budget.total", values)`` (warm: one HiGHS model
  held, only what changed pushed to it; every point verified, the unspent-money check run,
  the result tables kept);
* ``highspy``: the program ikmopt built, passed once to a ``highspy.Highs``; per point
  ``changeRowBounds`` on the budget row, ``run`` and the solution and duals read back (the
  floor: HiGHS's own time plus reading its answer);
* ``linopy``: a linopy model with a persistent solver (``track_updates=True``), per point
  ``Constraint.update(rhs=...)`` and ``solve(model=...)`` (needs the ``bench`` extra).

HiGHS runs on one thread everywhere, the first point with IPM (and crossover, which gives
a basis) and every later one with dual simplex from the previous basis, as ikmopt's held
model does. The contenders
are interleaved, ``--repeat`` times; per contender the median seconds per point, the
seconds of it inside ``Highs.run`` (measured for ikmopt and raw highspy) and the overhead
over them, its ratio to ikmopt, and the largest relative gap of its objectives to
ikmopt's, which must stay below 1e-6.

``--objective lexicographic`` sweeps the same policy with a staged objective, jobs first,
then value added with jobs held within 1e-6 of their optimum (``ik.Lexicographic(
[Maximize("jobs"), Maximize("value_added")])``): two solves per point. Its contenders
are ikmopt's warm sweep and ikmopt's cold one (``warm=False``: every stage solved anew by
IPM), whose objectives must agree.

Writes ``benchmarks/results/sweeps-<UTC timestamp>.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace

import highspy
import numpy as np
from peer_models import Numbers, linopy_model  # benchmarks/ is the script's folder
from peers import SIZES, case
from results_file import machine, write

import ikmopt as ik
import ikmopt.solving.solvers.highs as highs_backend
from ikmopt.solving.solvers.highs import to_highs

OPTIONS = {"output_flag": False, "threads": 1, "solver": "ipm", "random_seed": 0}
TOLERANCE = 1e-6


#: Seconds each contender spent in ``Highs.run`` during its last sweep (where measured).
IN_HIGHS: dict[str, float] = {}


def run_ikmopt(data: ik.Dataset, policy: ik.Policy, p: Numbers,
               values: np.ndarray) -> list[tuple[float, float, float]]:
    real = highs_backend.run
    spent = [0.0]

    def timed(h: highspy.Highs) -> None:  # ikmopt's one call of Highs.run
        start = time.perf_counter()
        real(h)
        spent[0] += time.perf_counter() - start

    highs_backend.run = timed
    try:
        s = ik.sweep(data, policy, "budget.total", values)
    finally:
        highs_backend.run = real
    IN_HIGHS["ikmopt"] = spent[0]
    return answers(s)


def run_highspy(data: ik.Dataset, policy: ik.Policy, p: Numbers,
                values: np.ndarray) -> list[tuple[float, float, float]]:
    lp = ik.build(data, policy)
    row = int(np.flatnonzero((lp.rows["family"] == "budget").to_numpy()
                             & (lp.rows["label"] == "total").to_numpy())[0])
    h = highspy.Highs()
    for key, value in OPTIONS.items():
        h.setOptionValue(key, value)
    h.passModel(to_highs(lp))
    out = []
    spent = 0.0
    for v in values:
        h.changeRowBounds(row, -np.inf, float(v))
        start = time.perf_counter()
        h.run()
        spent += time.perf_counter() - start
        h.setOptionValue("solver", "simplex")  # warm from the first point's basis
        sol = h.getSolution()
        x = np.asarray(sol.col_value)
        out.append((h.getInfo().objective_function_value, float(x[:lp.n_cells].sum()),
                    float(np.asarray(sol.row_dual)[row])))
    IN_HIGHS["highspy"] = spent
    return out


def run_linopy(data: ik.Dataset, policy: ik.Policy, p: Numbers,
               values: np.ndarray) -> list[tuple[float, float, float]]:
    import linopy

    m = linopy_model(data.regions.reset_index(), data.impacts, p)
    solver = linopy.solvers.Solver.from_name(
        "highs", model=m, io_api="direct", track_updates=True,
        options={k: v for k, v in OPTIONS.items() if k != "random_seed"})
    out = []
    for v in values:
        m.constraints["budget"].update(rhs=float(v))
        result = solver.solve(model=m)
        solver.solver_model.setOptionValue("solver", "simplex")  # warm from now on
        primal = np.asarray(result.solution.primal)
        dual = result.solution.dual
        out.append((float(result.solution.objective), float(np.nansum(primal)),
                    float(np.asarray(dual)[0])))
    return out


def run_ikmopt_cold(data: ik.Dataset, policy: ik.Policy, p: Numbers,
                    values: np.ndarray) -> list[tuple[float, float, float]]:
    s = ik.sweep(data, policy, "budget.total", values, warm=False)
    return answers(s)


def answers(s: ik.Sweep) -> list[tuple[float, float, float]]:
    """Objective, spend and the total budget's price of each point of a sweep."""
    prices = s.shadow_prices
    budget = prices[(prices["family"] == "budget") & (prices["label"] == "total")]
    return list(zip(s.table["objective"], s.table["spend"], budget["shadow_price"], strict=True))


CONTENDERS: dict[str, Callable[..., list]] = {"ikmopt": run_ikmopt, "highspy": run_highspy,
                                              "linopy": run_linopy}
#: With a staged objective: ikmopt warm against ikmopt cold (no peer stages objectives).
STAGED: dict[str, Callable[..., list]] = {"ikmopt": run_ikmopt,
                                          "ikmopt cold": run_ikmopt_cold}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="41k", choices=list(SIZES))
    parser.add_argument("--points", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--objective", default="jobs", choices=["jobs", "lexicographic"])
    args = parser.parse_args()
    data, policy, p = case(args.size)
    contenders = CONTENDERS
    if args.objective == "lexicographic":
        contenders = STAGED
        policy = replace(policy, objective=ik.Lexicographic(
            [ik.Maximize("jobs"), ik.Maximize("value_added")]))
    scale = len(data.regions) / 514
    values = np.linspace(8_000 * scale, 27_000 * scale, args.points)
    names = [n for n in contenders if n != "linopy" or importlib.util.find_spec("linopy")]
    for name in names:  # untimed: imports, first builds
        contenders[name](data, policy, p, values[:2])
    seconds: dict[str, list[float]] = {n: [] for n in names}
    in_highs: dict[str, list[float]] = {n: [] for n in names}
    answers: dict[str, list] = {}
    for rep in range(args.repeat):
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            IN_HIGHS.pop(name, None)
            start = time.perf_counter()
            answers[name] = contenders[name](data, policy, p, values)
            seconds[name].append((time.perf_counter() - start) / len(values))
            if name in IN_HIGHS:
                in_highs[name].append(IN_HIGHS[name] / len(values))
            print(f"{name}: {seconds[name][-1] * 1000:.1f} ms per point", file=sys.stderr)
    reference = np.array(answers["ikmopt"])
    per_point = {n: statistics.median(s) for n, s in seconds.items()}
    rows = []
    for name in names:
        got = np.array(answers[name])
        gap = float(np.max(np.abs(got[:, 0] - reference[:, 0])
                           / np.maximum(np.abs(reference[:, 0]), 1.0)))
        # the run with the median time, and the share of it spent outside Highs.run
        runs = seconds[name]
        median_run = sorted(range(len(runs)), key=runs.__getitem__)[len(runs) // 2]
        highs_ms = 1000 * in_highs[name][median_run] if in_highs[name] else None
        rows.append({"contender": name, "cells": data.n_cells, "points": len(values),
                     "ms_per_point": 1000 * per_point[name],
                     "highs_ms_per_point": highs_ms,
                     "overhead_over_highs": (None if highs_ms is None
                                             else 1000 * runs[median_run] / highs_ms - 1),
                     "ratio_to_ikmopt": per_point[name] / per_point["ikmopt"],
                     "ikmopt_over_this": per_point["ikmopt"] / per_point[name],
                     "objective_gap": gap,
                     "spend_gap": float(np.max(np.abs(got[:, 1] - reference[:, 1]))),
                     "price_gap": float(np.max(np.abs(got[:, 2] - reference[:, 2]))),
                     "all_runs_ms": [1000 * s for s in runs]})
    lines = [f"| contender ({data.n_cells:,} cells, {len(values)} points) | ms per point "
             "| in Highs.run | overhead over HiGHS | ikmopt / contender | objective gap "
             "| price gap |", "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r['contender']} | {r['ms_per_point']:.1f} | "
              + ("—" if r["highs_ms_per_point"] is None else f"{r['highs_ms_per_point']:.1f}")
              + " | "
              + ("—" if r["overhead_over_highs"] is None
                 else f"{100 * r['overhead_over_highs']:.0f} %")
              + f" | {r['ikmopt_over_this']:.2f} "
              f"| {r['objective_gap']:.0e} | {r['price_gap']:.0e} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    write("sweeps-", {"rows": rows, "markdown": table, "size": args.size,
                      "objective": args.objective,
                      "meta": machine(highspy=importlib.metadata.version("highspy"))})
    if any(r["objective_gap"] > TOLERANCE for r in rows):
        sys.exit("objectives disagree beyond 1e-6")


if __name__ == "__main__":
    main()
