"""Benchmark: parallel efficiency of ``ik.run_scenarios`` from 1 to N worker processes.

A synthetic regency-scale dataset (514 regencies x 8 programs x 5 years, the "M" size of
``run.py``) is written to a CSV folder once; ``--scenarios`` scenario files vary its budget.
The same batch is run in-process (the baseline: no pool at all), then with 1, 2, ...
``--workers`` spawned worker processes; pool start-up is inside the timings.

    parallel efficiency(n) = time(1 worker) / (n * time(n workers))

Usage, from the repository root::

    python benchmarks/batch.py                      # 24 scenarios, 1 and 2 workers
    python benchmarks/batch.py --scenarios 40 --workers 4

Writes ``benchmarks/results/batch-<UTC timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import ikmopt as ik

RESULTS = Path(__file__).resolve().parent / "results"


def scenario_files(folder: Path, n: int) -> list[Path]:
    """``n`` scenarios on the M dataset: budgets from Rp 20,000 bn to Rp 30,000 bn."""
    data = ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=0, n_years=5)
    data.to_csv(folder / "data")
    files = []
    for i in range(n):
        total = 20_000 + 10_000 * i / max(1, n - 1)
        text = (f"name: budget-{i:03d}\ndataset: {{path: data}}\nbudget: {{total: {total}}}\n"
                "constraints:\n  - region_bounds: {min: 1.0}\n"
                "  - group_share: {group: kti, min: 0.40}\nobjective: {maximize: {metric: jobs}}\n")
        path = folder / f"budget-{i:03d}.yaml"
        path.write_text(text)
        files.append(path)
    return files


def timed(files: list[Path], **kwargs) -> tuple[float, int]:
    start = time.perf_counter()
    batch = ik.run_scenarios(files, progress=False, **kwargs)
    return time.perf_counter() - start, len(batch.ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=24)
    parser.add_argument("--workers", type=int, default=2, help="largest pool size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikmopt-batch-") as tmp:
        files = scenario_files(Path(tmp), args.scenarios)
        serial, ok = timed(files, executor=ik.InProcessExecutor())
        rows = [{"workers": "in-process", "seconds": serial, "solved": ok,
                 "s_per_scenario": serial / args.scenarios, "efficiency": None}]
        one = None
        for n in range(1, args.workers + 1):
            seconds, ok = timed(files, workers=n)
            one = seconds if n == 1 else one
            rows.append({"workers": n, "seconds": seconds, "solved": ok,
                         "s_per_scenario": seconds / args.scenarios,
                         "efficiency": one / (n * seconds)})
    print(f"{'workers':>11} {'seconds':>9} {'solved':>7} {'s/scenario':>11} {'efficiency':>11}")
    for r in rows:
        eff = "" if r["efficiency"] is None else f"{100 * r['efficiency']:.0f} %"
        print(f"{r['workers']!s:>11} {r['seconds']:>9.2f} {r['solved']:>7} "
              f"{r['s_per_scenario']:>11.3f} {eff:>11}")
    result = {"rows": rows, "scenarios": args.scenarios,
              "meta": {"python": platform.python_version(), "cpus": os.cpu_count(),
                       "ikmopt": ik.__version__,
                       "date": datetime.now(UTC).isoformat(timespec="seconds")}}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"batch-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
