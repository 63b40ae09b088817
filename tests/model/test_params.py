"""Parameter paths: read and replace one number inside a frozen policy."""

from __future__ import annotations

import pytest

import ikmopt as ik
from ikmopt.model.params import get_param, set_param


@pytest.fixture(scope="module")
def small() -> ik.Dataset:
    return ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=4, seed=7)


def test_param_paths(small: ik.Dataset) -> None:
    policy = ik.Policy(
        ik.Budget(total=100, by={"program": {"prog1": 30}}),
        [ik.GroupShare("kti", min=0.3)],
        ik.Weighted(jobs=1.0, value_added=0.5),
    )
    assert get_param(policy, "budget.total") == 100
    assert get_param(policy, "constraints[0].min") == 0.3
    assert set_param(policy, "budget.by.program.prog1", 40).budget.by["program"]["prog1"] == 40
    assert set_param(policy, "objective.weights.jobs", 2.0).objective.weights["jobs"] == 2.0
    assert set_param(policy, "constraints[0].min", 0.5).constraints[0].min == 0.5
    assert policy.constraints[0].min == 0.3  # nothing mutated
    with pytest.raises(ik.PolicyError, match=r"budget\.totl"):
        get_param(policy, "budget.totl")
    with pytest.raises(ik.PolicyError, match=r"\[3\]"):
        set_param(policy, "constraints[3].min", 0.1)
    with pytest.raises(ik.PolicyError, match="between 0 and 1"):
        set_param(policy, "constraints[0].min", 1.5)


def test_param_paths_reach_any_mapping_key(small: ik.Dataset) -> None:
    years = {2025: 50.0, 2026: 60.0, 2027: 70.0, 2028: 70.0}
    policy = ik.Policy(ik.Budget(total=250, by={"year": years, "channel": {"DAK fisik": 80}}))
    assert get_param(policy, "budget.by.year[2026]") == 60.0
    assert get_param(policy, 'budget.by.channel["DAK fisik"]') == 80.0
    changed = set_param(policy, "budget.by.channel['DAK fisik']", 90)
    assert changed.budget.by["channel"]["DAK fisik"] == 90.0
    result = ik.sweep(small, policy, "budget.by.year[2025]", [40.0, 50.0])
    assert result.table["spend"].notna().all()
    per_year = result.allocation  # by region: check the year limit through a cold solve
    assert len(per_year)
    cold = ik.optimize(small, set_param(policy, "budget.by.year[2025]", 40.0))
    assert cold.by("year").loc[2025, "spend"] <= 40.0 + 1e-9
    assert result.table["objective"].iloc[0] == pytest.approx(cold.objective, rel=1e-7)
