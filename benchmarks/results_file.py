"""Shared by the benchmark runners: the machine's description and the results JSON file."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ikmopt as ik

RESULTS = Path(__file__).resolve().parent / "results"


def machine(**versions: str) -> dict[str, Any]:
    """Python, machine, cores, ikmopt and the given package versions, and the UTC time."""
    return {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), **versions, "ikmopt": ik.__version__,
            "date": datetime.now(UTC).isoformat(timespec="seconds")}


def write(prefix: str, result: dict[str, Any]) -> Path:
    """Write ``result`` to ``benchmarks/results/<prefix><UTC timestamp>.json``; print it."""
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{prefix}{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(result, indent=2, default=str))
    print(f"\nwrote {out}")
    return out
