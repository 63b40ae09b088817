"""Cost scaling by measurement: HiGHS's iterations and answers under three scaling rules.

    python benchmarks/scaling.py [--sizes S 5k 41k] [--magnitudes 1e-5 1e-3 1e-1 1e2 1e4 1e6]

Solvers judge optimality with absolute tolerances, so the size of the objective's costs
matters. Three rules for the power of two the costs are multiplied by before solving (and
the objective and duals divided by after):

* ``none``: costs as built;
* ``to one``: the largest cost brought to [1, 2) whatever its size (ikmopt before 0.2);
* ``up only``: the largest cost brought up to [1, 2) when it is below 1, else left alone
  (:func:`ikmopt.solving.solvers.cost_scale`, the rule ikmopt uses).

Programs: the bundled default plan's final stage (a normalized objective, costs about
5e-3), the bundled data with ``Maximize("jobs")`` (S), the SYNTHETIC 5k and 41k cells of the
peer benchmark, and the 41k program with its costs rescaled so that the largest is each of
``--magnitudes`` (the same plan, other units). Each is solved with HiGHS IPM (with
crossover) and dual simplex on one thread; the table gives iterations, seconds (best of
three) and the objective's relative gap to a reference solve (dual simplex, costs scaled to
[1, 2), feasibility tolerances 1e-10). The CBC column solves the small-cost programs (largest
cost below 1) with each rule: CBC stops early on unscaled small costs.

Writes ``benchmarks/results/scaling-<UTC timestamp>.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from peers import SIZES as PEER_SIZES  # benchmarks/ is the script's folder
from peers import case
from results_file import machine, write

import ikmopt as ik
from ikmopt.model.lp import LinearProgram
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import cost_scale
from ikmopt.solving.solvers.highs import solve_highs

RULES = ("none", "to one", "up only")


def to_one(cost: np.ndarray) -> float:
    largest = float(np.abs(cost).max(initial=0.0))
    return 1.0 if largest == 0.0 else float(2.0 ** -np.floor(np.log2(largest)))


def factor(rule: str, cost: np.ndarray) -> float:
    return {"none": 1.0, "to one": to_one(cost), "up only": cost_scale(cost)}[rule]


def peer_program(size: str) -> LinearProgram:
    data, policy, _ = case(size)
    return ik.build(data, policy)


def programs(sizes: list[str], magnitudes: list[float]) -> Iterator[tuple[str, LinearProgram]]:
    data = ik.datasets.load("indonesia-provinces")
    if "S" in sizes:
        yield "bundled default, final stage", ik.optimize(data, ik.default_policy(data=data)).lp
        yield "S, jobs", ik.build(data, ik.Policy(budget=ik.Budget(total=971),
                                                  objective=ik.Maximize("jobs")))
    for size in (s for s in sizes if s in PEER_SIZES):
        lp = peer_program(size)
        yield f"{size}, jobs", lp
        if size == "41k":
            largest = float(np.abs(lp.cost).max())
            for m in magnitudes:
                yield f"41k, largest cost {m:g}", lp.with_cost(lp.cost * (m / largest))


def solve(lp: LinearProgram, scale: float, solver: str, algorithm: str,
          tight: bool = False) -> tuple[float, float, dict[str, int]]:
    """Objective (unscaled), best of three seconds and iterations of one scaled solve."""
    scaled = lp.with_cost(lp.cost * scale, lp.objective_offset * scale)
    extra = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
    options = SolveOptions.of(solver, algorithm=algorithm, threads=1)
    seconds, sol = [], None
    for _ in range(1 if solver != "highs" or tight else 3):
        start = time.perf_counter()
        if solver == "highs":
            sol = solve_highs(scaled, options, extra if tight else None)
        else:
            from ikmopt.solving.solvers.pulp import solve_pulp

            sol = solve_pulp(scaled, options)
        seconds.append(time.perf_counter() - start)
    return sol.objective / scale, min(seconds), sol.iterations


def measure(name: str, lp: LinearProgram) -> list[dict[str, Any]]:
    reference, _, _ = solve(lp, to_one(lp.cost), "highs", "simplex", tight=True)
    small = float(np.abs(lp.cost).max()) < 1.0
    rows = []
    for rule in RULES:
        scale = factor(rule, lp.cost)
        row = {"program": name, "cells": lp.n_cells, "largest_cost": float(np.abs(lp.cost).max()),
               "rule": rule, "scale": scale}
        for algorithm in ("ipm", "simplex"):
            objective, seconds, iterations = solve(lp, scale, "highs", algorithm)
            row[f"{algorithm}_s"] = seconds
            row[f"{algorithm}_iterations"] = iterations[algorithm]
            row[f"{algorithm}_gap"] = abs(objective - reference) / max(abs(reference), 1e-300)
        if small:
            objective, _, _ = solve(lp, scale, "cbc", "simplex")
            row["cbc_gap"] = abs(objective - reference) / max(abs(reference), 1e-300)
        rows.append(row)
    return rows


def markdown(rows: list[dict[str, Any]]) -> str:
    lines = ["| program | largest cost | rule | IPM iterations | IPM s | IPM gap "
             "| simplex iterations | simplex s | simplex gap | CBC gap |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        cbc = f"{r['cbc_gap']:.0e}" if "cbc_gap" in r else ""
        lines.append(f"| {r['program']} | {r['largest_cost']:.2g} | {r['rule']} "
                     f"| {r['ipm_iterations']} | {r['ipm_s']:.3f} | {r['ipm_gap']:.0e} "
                     f"| {r['simplex_iterations']} | {r['simplex_s']:.3f} "
                     f"| {r['simplex_gap']:.0e} | {cbc} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["S", "5k", "41k"],
                        choices=["S", *PEER_SIZES])
    parser.add_argument("--magnitudes", nargs="*", type=float,
                        default=[1e-5, 1e-3, 1e-1, 1e2, 1e4, 1e6])
    args = parser.parse_args()
    rows = []
    for name, lp in programs(args.sizes, args.magnitudes):
        rows += measure(name, lp)
        print(f"measured {name}", file=sys.stderr, flush=True)
    table = markdown(rows)
    print(table)
    write("scaling-", {"rows": rows, "markdown": table, "meta": machine()})


if __name__ == "__main__":
    main()
