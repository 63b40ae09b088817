"""Plans compared under one simulation (common random numbers)."""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load(uncertainty=True)


BASE = ik.Policy(ik.Budget(total=971),
                 [ik.RegionBounds(min_share=0.005), ik.GroupShare("kti", min=0.4)])


def test_compare_plans_uses_common_random_numbers(bundled):
    plan = ik.optimize(bundled, BASE.add(ik.Target("jobs", min=8500)))
    table = ik.compare_plans({"a": plan, "b": plan}, n=3000, seed=1)
    a = table[table["plan"] == "a"].drop(columns="plan").reset_index(drop=True)
    b = table[table["plan"] == "b"].drop(columns="plan").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert "P(Target(jobs) min 8,500)" in table.columns
    sim = ik.simulate(plan, n=3000, seed=1)
    assert a.set_index("metric").loc["jobs", "cvar"] == pytest.approx(sim.cvar(0.1)["jobs"])
