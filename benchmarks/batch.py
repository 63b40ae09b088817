"""Benchmark: parallel efficiency of ``ik.run_scenarios`` from 1 to N worker processes.

Two workloads, each a folder of scenario files that vary the budget:

* ``provinces`` - the bundled ``indonesia-provinces`` data (38 provinces x 6 programs,
  diminishing-returns curves, the ``kti-push`` example's rules): tens of milliseconds per
  solve, the everyday what-if batch;
* ``regencies`` - the synthetic 514-regency x 8-program x 5-year data (the "M" size of
  ``run.py``) written to CSV: about 0.2 s per solve, large enough to stress memory.

Each workload is timed

* in this process (no pool; the reference for the pool's own overhead);
* as the **machine ceiling**: the same batch run in-process by 1, then by N independent
  OS processes at once (no pool, nothing shared). ``ceiling(N) = time(1) / time(N)`` is
  the best throughput N processes can reach on these cores for this work (shared caches
  and memory bandwidth slow large LP solves down);
* with pools of 1..N spawned workers, pool start-up included::

      parallel efficiency(N) = time(1 worker) / (N * time(N workers))

Usage, from the repository root::

    python benchmarks/batch.py                       # 240 + 48 scenarios, 1 and 2 workers
    python benchmarks/batch.py --scenarios 24 --regency-scenarios 6   # a quick check

Writes ``benchmarks/results/batch-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import machine, write  # benchmarks/ is the script's folder

import ikmopt as ik

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scenarios"

# one OS process running a batch in-process; prints its wall time
_SERIAL = """
import sys, time, ikmopt as ik
start = time.perf_counter()
ik.run_scenarios(sys.argv[1:], ik.InProcessExecutor(), progress=False)
print(time.perf_counter() - start)
"""


def province_files(folder: Path, n: int) -> list[Path]:
    """``n`` variants of the ``kti-push`` example: budgets from Rp 800 to 971 bn."""
    for example in ("baseline.yaml", "kti-push.yaml"):  # scenario files stay in their folder
        shutil.copy(EXAMPLES / example, folder / example)
    files = []
    for i in range(n):
        total = 800 + 171 * i / max(1, n - 1)
        path = folder / f"province-{i:03d}.yaml"
        path.write_text(f"extends: kti-push.yaml\nname: province-{i:03d}\n"
                        f"budget: {{total: {total}}}\n")
        files.append(path)
    return files


def regency_files(folder: Path, n: int) -> list[Path]:
    """``n`` scenarios on the M dataset: budgets from Rp 20,000 bn to Rp 30,000 bn."""
    data = ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=0, n_years=5)
    data.to_csv(folder / "data")
    files = []
    for i in range(n):
        total = 20_000 + 10_000 * i / max(1, n - 1)
        text = (f"name: regency-{i:03d}\ndataset: {{path: data}}\nbudget: {{total: {total}}}\n"
                "constraints:\n  - region_bounds: {min: 1.0}\n"
                "  - group_share: {group: kti, min: 0.40}\nobjective: {maximize: {metric: jobs}}\n")
        path = folder / f"regency-{i:03d}.yaml"
        path.write_text(text)
        files.append(path)
    return files


def pooled(files: list[Path], **kwargs) -> float:
    start = time.perf_counter()
    batch = ik.run_scenarios(files, progress=False, **kwargs)
    if len(batch.ok) != len(files):
        raise SystemExit(f"only {len(batch.ok)} of {len(files)} scenarios solved")
    return time.perf_counter() - start


def side_by_side(files: list[Path], n: int) -> float:
    """Wall time of ``n`` independent processes each running the whole batch in-process."""
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", _SERIAL, *map(str, files)],
                              stdout=subprocess.DEVNULL) for _ in range(n)]
    if any(p.wait() for p in procs):
        raise SystemExit("a side-by-side batch process failed")
    return time.perf_counter() - start


def measure(workload: str, files: list[Path], max_workers: int) -> list[dict]:
    k = len(files)
    rows = [{"workload": workload, "run": "in-process",
             "seconds": pooled(files, executor=ik.InProcessExecutor())}]
    alone = side_by_side(files, 1)
    for n in range(2, max_workers + 1):
        rows.append({"workload": workload, "run": f"ceiling {n}",
                     "seconds": side_by_side(files, n), "efficiency": alone})
    one = None
    for n in range(1, max_workers + 1):
        seconds = pooled(files, workers=n)
        one = seconds if n == 1 else one
        rows.append({"workload": workload, "run": f"{n} worker{'s' * (n > 1)}",
                     "seconds": seconds, "efficiency": one / (n * seconds)})
    for r in rows:
        r["scenarios"] = k
        if r["run"].startswith("ceiling"):
            r["efficiency"] = r["efficiency"] / r["seconds"]  # n times the work in that time
            r["s_per_scenario"] = r["seconds"] / (k * int(r["run"].split()[1]))
        else:
            r["s_per_scenario"] = r["seconds"] / k
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=240,
                        help="scenarios in the provinces workload")
    parser.add_argument("--regency-scenarios", type=int, default=48,
                        help="scenarios in the regencies workload (0 skips it)")
    parser.add_argument("--workers", type=int, default=2, help="largest pool size")
    args = parser.parse_args()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ikmopt-batch-") as tmp:
        folder = Path(tmp)
        rows += measure("provinces", province_files(folder, args.scenarios), args.workers)
        if args.regency_scenarios:
            rows += measure("regencies", regency_files(folder, args.regency_scenarios),
                            args.workers)
    print(f"{'workload':>10} {'run':>11} {'scenarios':>9} {'seconds':>8} {'s/scenario':>11} "
          f"{'efficiency':>11}")
    for r in rows:
        eff = "" if r.get("efficiency") is None else f"{100 * r['efficiency']:.0f} %"
        print(f"{r['workload']:>10} {r['run']:>11} {r['scenarios']:>9} {r['seconds']:>8.2f} "
              f"{r['s_per_scenario']:>11.3f} {eff:>11}")
    write("batch-", {"rows": rows, "meta": machine()})


if __name__ == "__main__":
    main()
