"""Cold start: the bundled plan in a fresh process, ikmopt against raw highspy and cvxpy.

    python benchmarks/coldstart.py [--repeat 7] [--contenders ikmopt highspy cvxpy]

What a policy analyst waits for when a script or notebook starts: interpreter start, imports,
loading the bundled 38-province data, solving the default policy and printing its summary
(``ikmopt``), against a script that imports pandas and highspy and solves the same final
program read from an MPS file (``highspy``), and the same program written in cvxpy from
its arrays (``cvxpy``; needs the ``bench`` extra, skipped without it). The contenders'
scripts are in ``benchmarks/coldstart_worker.py``. ikmopt does more than the others: it
reads and checks the tables, builds the program and solves the staged objective's
normalizing stages too; the others start from the finished program.

Each run is a fresh Python process (bytecode cached, after one untimed run of every
contender), the contenders interleaved (the order rotates every repeat). Per contender: the
median wall seconds of the whole process, its ratio to ikmopt, and the objective, which
must agree with ikmopt's to 1e-6 relative.

Writes ``benchmarks/results/coldstart-<UTC timestamp>.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from peers import worker_env  # benchmarks/ is the script's folder
from results_file import machine, write

import ikmopt as ik

WORKER = Path(__file__).resolve().parent / "coldstart_worker.py"
CONTENDERS = ("ikmopt", "highspy", "cvxpy")
TOLERANCE = 1e-6


def write_model(folder: Path) -> float:
    """Solve the bundled plan here; write its final program as MPS and as arrays."""
    data = ik.datasets.load("indonesia-provinces")
    result = ik.optimize(data, ik.default_policy(data=data), threads=1, algorithm="ipm")
    lp = result.lp
    result.write_mps(folder / "model.mps")
    a = lp.A.tocsr()
    np.savez(folder / "model.npz", data=a.data, indices=a.indices, indptr=a.indptr,
             shape=np.array(a.shape), row_lower=lp.row_lower, row_upper=lp.row_upper,
             col_lower=lp.col_lower, col_upper=lp.col_upper, cost=lp.cost,
             offset=np.array(lp.objective_offset))
    return result.objective


def run(name: str, folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """One contender in a fresh process: its JSON line plus the whole process's seconds."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(WORKER), name, str(folder)], capture_output=True,
                          text=True, env=env, check=False, timeout=300)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return {"contender": name, "error": proc.stderr.strip().splitlines()[-1:]}
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "process_s": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per contender")
    parser.add_argument("--contenders", nargs="+", default=list(CONTENDERS),
                        choices=CONTENDERS)
    args = parser.parse_args()
    names = ["ikmopt", *(n for n in args.contenders if n != "ikmopt")]
    skipped = [n for n in names if importlib.util.find_spec(n) is None]
    names = [n for n in names if n not in skipped]
    for name in skipped:
        print(f"skipping {name}: not installed (pip install -e '.[bench]')")
    runs: dict[str, list[dict]] = {n: [] for n in names}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference = write_model(folder)
        env = worker_env(folder / "pycache")
        for name in names:  # untimed: compile and cache every contender's bytecode
            run(name, folder, env)
        for rep in range(args.repeat):
            for name in names[rep % len(names):] + names[:rep % len(names)]:
                result = run(name, folder, env)
                (failures if "error" in result else runs[name]).append(result)
    base = statistics.median(r["process_s"] for r in runs["ikmopt"])
    rows = []
    for name, results in runs.items():
        if not results:
            continue
        seconds = statistics.median(r["process_s"] for r in results)
        gap = max(abs(r["objective"] - reference) / max(abs(reference), 1.0) for r in results)
        rows.append({"contender": name, "runs": len(results), "process_s": seconds,
                     "script_s": statistics.median(r["script_s"] for r in results),
                     "ratio": seconds / base, "ikmopt_ratio": base / seconds,
                     "objective_gap": gap, "all_runs_s": [r["process_s"] for r in results]})
    lines = ["| contender | fresh process s (median) | ikmopt / contender | objective gap |",
             "|---|---:|---:|---:|"]
    lines += [f"| {r['contender']} | {r['process_s']:.3f} | {r['ikmopt_ratio']:.2f} "
              f"| {r['objective_gap']:.0e} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    write("coldstart-", {"rows": rows, "failures": failures, "skipped": skipped,
                         "markdown": table, "meta": machine()})
    disagree = [r["contender"] for r in rows if r["objective_gap"] > TOLERANCE]
    if failures or disagree:
        sys.exit(f"{len(failures)} failed runs; objectives off: {', '.join(disagree)}")


if __name__ == "__main__":
    main()
