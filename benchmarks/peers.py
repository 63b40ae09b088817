"""Peer benchmark: ikmopt against raw highspy, cvxpy, linopy, Pyomo and PuLP on the same LP.

    python benchmarks/peers.py [--sizes 5k 41k 493k] [--repeat 3] [--repeat-large 1]

Needs the ``bench`` extra (``pip install -e ".[bench]"``); a contender whose package or
HiGHS interface is missing is skipped with a note. Sizes (SYNTHETIC data from
``ik.datasets.synthetic``, cells = regions x programs x sectors x years):

* 5k: 128 regencies x 8 programs x 5 years (5,120 cells);
* 41k: 514 x 8 programs x 2 sectors x 5 years (41,120 cells);
* 493k: 514 x 8 x 24 sectors x 5 years (493,440 cells; the size L of ``run.py``), only
  when asked for with ``--sizes``: it takes about 5 minutes.

Every contender solves the policy of ``benchmarks/run.py`` (total budget Rp 25,000 bn, Rp
5,500 bn per year, Rp 1 bn floor per region, KTI >= 40 % of spend, maximize jobs; at 5k the
budgets scaled by 128/514 so that they bind: Rp 6,226 bn and 1,370 bn per year), written
in its own API in ``benchmarks/peer_models.py``, starting from the same pickled pandas
tables, with HiGHS on one thread and the same algorithm (``--algorithm``, default IPM with
crossover). Each run is a fresh Python process (bytecode cached, after one untimed run of
every contender); the contenders are interleaved (the order rotates every repeat). Per
contender and size: end-to-end seconds (formulate + solve + allocation as a pandas Series;
median), its ratio to ikmopt, the whole fresh process's seconds (interpreter, imports,
reading the tables), the import seconds and the peak RSS.
Every objective (as reported, and recomputed from the allocation) must agree with ikmopt's
to 1e-6 relative, or the script exits with an error after writing the results.

Writes ``benchmarks/results/peers-<UTC timestamp>.json`` and prints the tables in Markdown.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from peer_models import CONTENDERS, Numbers, available  # benchmarks/ is the script's folder
from results_file import machine, write

import ikmopt as ik

SIZES = {
    "5k": {"n_regions": 128, "n_programs": 8, "n_sectors": 0, "n_years": 5},
    "41k": {"n_regions": 514, "n_programs": 8, "n_sectors": 2, "n_years": 5},
    "493k": {"n_regions": 514, "n_programs": 8, "n_sectors": 24, "n_years": 5},
}
LARGE = "493k"
WORKER = Path(__file__).resolve().parent / "peer_models.py"
TOLERANCE = 1e-6


def case(size: str) -> tuple[ik.Dataset, ik.Policy, Numbers]:
    """A size's SYNTHETIC data, the benchmark's policy on it (maximize jobs), its numbers."""
    data = ik.datasets.synthetic(**SIZES[size])
    p = Numbers.for_regions(len(data.regions))
    _, years = data.level_codes("year")
    policy = ik.Policy(
        budget=ik.Budget(total=p.total, by={"year": dict.fromkeys(map(int, years), p.per_year)}),
        constraints=[ik.RegionBounds(min=p.floor), ik.GroupShare("kti", min=p.kti_share)],
        objective=ik.Maximize("jobs"))
    return data, policy, p


def write_tables(size: str, folder: Path) -> tuple[int, Numbers]:
    """Pickle the three tables and the policy's numbers of a size for the workers."""
    data = ik.datasets.synthetic(**SIZES[size])
    numbers = Numbers.for_regions(len(data.regions))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "policy.json").write_text(json.dumps(numbers._asdict()))
    data.regions.reset_index().to_pickle(folder / "regions.pkl")
    data.programs.reset_index().to_pickle(folder / "programs.pkl")
    data.impacts.to_pickle(folder / "impacts.pkl")
    return data.n_cells, numbers


def worker_env(pycache: Path) -> dict[str, str]:
    """The workers' environment: bytecode cached (in ``pycache``), as in a user's install.

    Without it (``PYTHONDONTWRITEBYTECODE`` set, as in some shells and CI) every fresh
    process would compile an editable install's sources again, about 0.1 s for ikmopt.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(pycache)}


def run_worker(name: str, folder: Path, algorithm: str, timeout: float,
               env: dict[str, str]) -> dict[str, Any]:
    """One contender in a fresh Python process; its JSON line plus the process's seconds."""
    start = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(WORKER), name, str(folder), algorithm],
                              capture_output=True, text=True, timeout=timeout, check=False,
                              env=env)
    except subprocess.TimeoutExpired:
        return {"contender": name, "error": f"timed out after {timeout:.0f} s"}
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return {"contender": name, "error": proc.stderr.strip().splitlines()[-1:]}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "process_s": seconds}


def relative_gap(value: float, reference: float) -> float:
    return abs(value - reference) / max(abs(reference), 1.0)


def summarize(size: str, n_cells: int, numbers: Numbers,
              runs: dict[str, list[dict]]) -> list[dict]:
    """One row per contender: medians of the runs, ratios to ikmopt, objective gaps."""
    reference = runs["ikmopt"][0]["objective"]
    base = {k: statistics.median(r[k] for r in runs["ikmopt"])
            for k in ("end_to_end_s", "process_s")}
    rows = []
    for name, results in runs.items():
        row = {"size": size, "cells": n_cells, "policy": numbers._asdict(), "contender": name,
               "version": results[0]["version"], "runs": len(results)}
        for key in ("end_to_end_s", "process_s", "import_s", "read_s"):
            row[key] = statistics.median(r[key] for r in results)
        row["ratio"] = row["end_to_end_s"] / base["end_to_end_s"]
        row["process_ratio"] = row["process_s"] / base["process_s"]
        row["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
        row["objective"] = results[0]["objective"]
        row["objective_gap"] = max(
            max(relative_gap(r["objective"], reference),
                relative_gap(r["objective_from_allocation"], reference)) for r in results)
        row["all_runs_s"] = [r["end_to_end_s"] for r in results]
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    """The long table (one line per size and contender) and the ratio table."""
    lines = ["| cells | contender | end to end s | ratio to ikmopt | fresh process s "
             "| import s | peak RSS MB | objective gap |",
             "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['cells']:,} | {r['contender']} {r['version']} "
                     f"| {r['end_to_end_s']:.3f} | {r['ratio']:.2f} | {r['process_s']:.2f} "
                     f"| {r['import_s']:.2f} | {r['peak_rss_mb']:,.0f} "
                     f"| {r['objective_gap']:.0e} |")
    sizes = list(dict.fromkeys(r["cells"] for r in rows))
    ratios = {(r["contender"], r["cells"]): r["ratio"] for r in rows}
    lines += ["", "| end to end, ratio to ikmopt | " + " | ".join(f"{s:,} cells" for s in sizes)
              + " |", "|---|" + "---:|" * len(sizes)]
    for name in dict.fromkeys(r["contender"] for r in rows):
        cells = [f"{ratios[name, s]:.2f}" if (name, s) in ratios else "" for s in sizes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["5k", "41k"], choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender and size")
    parser.add_argument("--repeat-large", type=int, default=1, help=f"runs at {LARGE}")
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS),
                        choices=list(CONTENDERS))
    parser.add_argument("--algorithm", default="ipm", choices=["ipm", "simplex"])
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per process")
    args = parser.parse_args()

    names = ["ikmopt", *(n for n in args.contenders if n != "ikmopt")]
    skipped = {n: why for n in names if (why := available(n))}
    names = [n for n in names if n not in skipped]
    for name, why in skipped.items():
        print(f"skipping {name}: {why}")
    rows, failures = [], []
    with tempfile.TemporaryDirectory() as tmp:
        env = worker_env(Path(tmp) / "pycache")
        for i, size in enumerate(args.sizes):
            folder = Path(tmp) / size
            n_cells, numbers = write_tables(size, folder)
            if i == 0:  # untimed: compile and cache every contender's bytecode, warm the disk
                for name in names:
                    run_worker(name, folder, args.algorithm, args.timeout, env)
            runs: dict[str, list[dict]] = defaultdict(list)
            for rep in range(args.repeat_large if size == LARGE else args.repeat):
                order = names[rep % len(names):] + names[:rep % len(names)]
                for name in order:
                    result = run_worker(name, folder, args.algorithm, args.timeout, env)
                    print(f"{size} {name}: {result.get('end_to_end_s', result.get('error'))}",
                          flush=True)
                    if "error" in result:
                        failures.append({"size": size, **result})
                    else:
                        runs[name].append(result)
            runs = {n: runs[n] for n in names if runs[n]}
            if "ikmopt" in runs:
                rows += summarize(size, n_cells, numbers, runs)
    table = markdown(rows) if rows else ""
    print("\n" + table)
    disagree = [r for r in rows if r["objective_gap"] > TOLERANCE]
    write("peers-", {"rows": rows, "failures": failures, "skipped": skipped,
                     "algorithm": args.algorithm, "markdown": table,
                     "meta": machine(**{r["contender"]: r["version"] for r in rows})})
    if failures or disagree:
        sys.exit(f"{len(failures)} failed runs; objectives off by more than {TOLERANCE:g}: "
                 + ", ".join(f"{r['contender']} at {r['size']}" for r in disagree))


if __name__ == "__main__":
    main()
