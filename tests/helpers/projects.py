"""A small dataset with candidate projects (a MIP), and a policy for it."""

from __future__ import annotations

import pandas as pd

import ikmopt as ik


def small(projects: pd.DataFrame | None = None, **kwargs) -> ik.Dataset:
    """Three regions, a training program (continuous) and a sentra program (projects only).

    Training earns 10, 8 and 6 jobs per Rp bn in A, B and C, up to Rp 5 bn each.
    """
    regions = pd.DataFrame({"population": [1e6, 2e6, 1e6], "site": ["n", "n", "s"]},
                           index=["A", "B", "C"])
    programs = pd.DataFrame({"name": ["training", "sentra"]}, index=["t", "s"])
    impacts = pd.DataFrame({"region": ["A", "A", "B", "B", "C", "C"], "program": ["t", "s"] * 3,
                            "jobs": [10, 0, 8, 0, 6, 0], "capacity": [5, 0, 5, 0, 5, 0]})
    if projects is None:
        projects = pd.DataFrame({"project": ["A1", "A2", "B1", "C1"],
                                 "region": ["A", "A", "B", "C"], "program": "s",
                                 "cost": [10, 6, 8, 5], "jobs": [150, 70, 100, 45]})
    return ik.Dataset(regions, programs, impacts, projects=projects, **kwargs)


def policy(*constraints, total: float = 20, objective=None) -> ik.Policy:
    return ik.Policy(budget=ik.Budget(total=total),
                     constraints=[ik.ProjectCount(max=1, by="region"), *constraints],
                     objective=objective or ik.Maximize("jobs"))
