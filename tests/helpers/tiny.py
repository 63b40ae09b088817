"""The tiny dataset, small enough to solve by hand, and a quick solve of a few rules on it.

``tests/conftest.py`` makes fixtures of the tables.
"""

from __future__ import annotations

import pandas as pd

import ikmopt as ik


def tiny_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three regions (A west; B, C east/KTI) x two programs (p via DAK, q via TP).

    Jobs per Rp bn rank C-p 12 > A-p 10 > B-p 8 > A-q 6 > C-q 5 > B-q 4.
    """
    regions = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "population": [1_000_000, 2_000_000, 500_000],
            "kti": [False, True, True],
            "island_group": ["west", "east", "east"],
            "poverty_rate_pct": [5.0, 12.0, 20.0],
        }
    )
    programs = pd.DataFrame({"program": ["p", "q"], "channel": ["DAK", "TP"]})
    impacts = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C"],
            "program": ["p", "q", "p", "q", "p", "q"],
            "jobs": [10.0, 6.0, 8.0, 4.0, 12.0, 5.0],
            "value_added": [1.0, 2.0, 0.5, 1.5, 0.8, 1.0],
            "capacity": [50.0, 50.0, 30.0, 40.0, 10.0, 20.0],
        }
    )
    return regions, programs, impacts


BUDGET = ik.Budget(total=60)


def solve(data, *constraints, budget=BUDGET, objective=None, **options):
    extra = {} if objective is None else {"objective": objective}
    policy = ik.Policy(budget=budget, constraints=list(constraints), **extra)
    return ik.optimize(data, policy, **options)
