"""Benchmark: the two-level plan on the 514 real regencies, against raw highspy in the same run.

    python benchmarks/regencies.py [--sizes R1 R5] [--repeat 3] [--cap 600] [--cbc-cap 120]

Sizes (the bundled ``indonesia-regencies`` data, ILLUSTRATIVE numbers):

* R1: 514 regencies x 6 programs (3,084 cells), one year;
* R5: the same replicated over 5 years (15,420 cells): every year the 2023 coefficients and
  capacities, a budget of Rp 971 bn a year, the pots five times their 2023 ceilings.

The model is the one-model two-level plan of :func:`ikmopt.two_level`: the default policy's
rules (pots, province floors of 0.5 % of the budget, KTI at least 40 %), objective
``Maximize("jobs")``, the DAK fisik (sentra) capacity of each province shared by at most 2
hosting regencies (a row per province, program and year keeps the province within it), and
with ``--minimum`` (Rp 3.8 bn, one sentra) a regency gets nothing from DAK fisik or at least
the minimum, at most 2 per province and year (semicontinuous: binaries, a MIP).

Printed per size:

* LP (the model without the minima): ikmopt end to end (``ik.optimize`` on the two-level data
  and policy: build, solve, a labelled Result), median of ``--repeat``; raw highspy on the
  identical arrays (``result.lp``) with simplex and with IPM, best of ``--repeat``; the ratio;
* MIP (with the minima): ikmopt end to end (its own gap, 1e-6); raw highspy on the same
  arrays to a 1e-4 relative gap (seconds, gap reached, nodes); CBC through ikmopt with a
  time limit of ``--cbc-cap`` seconds (status, objective, gap to HiGHS's bound).

Writes ``benchmarks/results/regencies-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import highspy
import pandas as pd
import pulp
from results_file import machine, write  # benchmarks/ is the script's folder

import ikmopt as ik
from ikmopt.analysis.two_level import regency_program
from ikmopt.solving.solvers.base import silenced
from ikmopt.solving.solvers.highs import choose_algorithm, to_highs

SIZES = {"R1": 1, "R5": 5}
MINIMUM = 3.8  # Rp bn, the central sentra unit cost
HOSTS = 2  # regencies per province (and year) that may receive DAK fisik


def with_years(data: ik.Dataset, years: int) -> ik.Dataset:
    """``data`` replicated over ``years`` years (same coefficients and capacities each year)."""
    if years == 1:
        return data
    labels = list(range(2026, 2026 + years))
    impacts = pd.concat(dict.fromkeys(labels, data.impacts), names=["year"])
    impacts = impacts.reorder_levels(["region", "program", "year"])
    curves = pd.concat(dict.fromkeys(labels, data.curves.table), names=["year"])
    curves = curves.reorder_levels(["region", "program", "year", "segment"])
    return data.replace(impacts=impacts, curves=curves)


def case(years: int, minimum: bool) -> tuple[ik.Dataset, ik.Dataset, ik.Policy, dict]:
    """The province and regency data, the policy and the two-level keywords of a size."""
    provinces = with_years(ik.datasets.load("indonesia-provinces"), years)
    regencies = with_years(ik.datasets.load("indonesia-regencies"), years)
    base = ik.default_policy(data=ik.datasets.load("indonesia-regencies"))
    budget = ik.Budget(total=971.0 * years,
                       pots=ik.default_pots(971.0 * years),
                       by={"year": dict.fromkeys(range(2026, 2026 + years), 971.0)}
                       if years > 1 else None)
    policy = base.replace(budget=budget, objective=ik.Maximize("jobs"))
    kwargs = {"minimum": MINIMUM if minimum else None,
              "recipients_per_province": HOSTS if minimum else None}
    return provinces, regencies, policy, kwargs


def median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def raw_highs(lp: ik.LinearProgram, algorithm: str, cap: float, gap: float = 1e-4) -> dict:
    """highspy on the identical arrays (model passing included)."""
    with silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("solver", algorithm)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(cap))
    if lp.is_mip:
        h.setOptionValue("mip_rel_gap", gap)
    start = time.perf_counter()
    h.passModel(to_highs(lp))
    h.run()
    seconds = time.perf_counter() - start
    info = h.getInfo()
    out = {"seconds": seconds, "status": h.modelStatusToString(h.getModelStatus()),
           "objective": info.objective_function_value}
    if lp.is_mip:
        out.update(gap=info.mip_gap, bound=info.mip_dual_bound, nodes=info.mip_node_count)
    return out


def two_level_model(years: int, minimum: bool) -> tuple[ik.Dataset, ik.Policy]:
    """The regency data and the full policy of the one-model plan (rules included)."""
    _, regencies, policy, kwargs = case(years, minimum)
    program = regency_program(regencies, policy, **kwargs)
    return program.data, program.policy


def quiet(fn: Any, *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return fn(*args, **kwargs)


def bench(size: str, repeat: int, cap: float, cbc_cap: float) -> dict:
    years = SIZES[size]
    row: dict[str, Any] = {"size": size}
    # LP: the two-level model without the minima (the shared capacities and province rows)
    data, policy = two_level_model(years, minimum=True)
    lp_policy = policy.without(ik.MinimumAllocation)
    e2e, res = median_time(lambda: quiet(ik.optimize, data, lp_policy), repeat)
    lp = res.lp
    row.update(cells=data.n_cells, lp_rows=lp.n_rows, lp_cols=lp.n_cols, lp_nnz=lp.nnz,
               lp_end_to_end_s=e2e, lp_objective=res.objective,
               lp_algorithm=choose_algorithm(lp, "auto"))
    for algorithm in ("simplex", "ipm"):
        runs = [raw_highs(lp, algorithm, cap) for _ in range(repeat)]
        best = min(runs, key=lambda r: r["seconds"])
        row[f"raw_{algorithm}_s"] = best["seconds"]
        assert best["status"] == "Optimal", best
        assert abs(best["objective"] - res.objective) <= 1e-6 * abs(res.objective)
    row["raw_best_s"] = min(row["raw_simplex_s"], row["raw_ipm_s"])
    row["lp_ratio"] = e2e / row["raw_best_s"]
    # MIP: with the semicontinuous minima and recipient counts
    start = time.perf_counter()
    mip = quiet(ik.optimize, data, policy, time_limit=cap)
    row.update(mip_end_to_end_s=time.perf_counter() - start, mip_status=mip.status.value,
               mip_objective=mip.objective, mip_rows=mip.lp.n_rows, mip_cols=mip.lp.n_cols,
               binaries=int(mip.lp.integrality.sum()))
    raw = raw_highs(mip.lp, "choose", cap, 1e-4)
    row.update(raw_mip_s=raw["seconds"], raw_mip_status=raw["status"], raw_mip_gap=raw["gap"],
               raw_mip_objective=raw["objective"], raw_mip_bound=raw["bound"],
               raw_mip_nodes=raw["nodes"])
    start = time.perf_counter()
    try:
        cbc = quiet(ik.optimize, data, policy, solver="cbc", time_limit=cbc_cap)
        row.update(cbc_status=cbc.status.value, cbc_objective=cbc.objective,
                   cbc_gap_to_highs_bound=(raw["bound"] - cbc.objective) / abs(raw["bound"]))
    except ik.SolverError as err:
        row.update(cbc_status=f"error: {str(err)[:80]}")
    row["cbc_s"] = time.perf_counter() - start
    return row


def table(rows: list[dict], columns: list[str]) -> str:
    def fmt(v: Any) -> str:
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 1e-2 else (f"{v:.3f}" if abs(v) < 1000 else
                                                      f"{v:,.1f}")
        return str(v)

    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["R1", "R5"], choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cap", type=float, default=600.0, help="seconds per HiGHS solve")
    parser.add_argument("--cbc-cap", type=float, default=120.0, help="seconds for CBC")
    args = parser.parse_args()

    rows = [bench(size, args.repeat, args.cap, args.cbc_cap) for size in args.sizes]
    print(table(rows, ["size", "cells", "lp_rows", "lp_cols", "lp_end_to_end_s", "raw_simplex_s",
                       "raw_ipm_s", "lp_ratio"]))
    print()
    print(table(rows, ["size", "binaries", "mip_end_to_end_s", "mip_status", "raw_mip_s",
                       "raw_mip_gap", "raw_mip_nodes", "cbc_s", "cbc_status",
                       "cbc_gap_to_highs_bound"]))
    result = {"rows": rows, "minimum": MINIMUM, "hosts": HOSTS,
              "meta": machine(highspy=getattr(highspy, "__version__", "?"),
                              pulp=pulp.__version__)}
    write("regencies-", result)


if __name__ == "__main__":
    main()
