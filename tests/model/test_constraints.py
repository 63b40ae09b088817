"""Rules on regency x sector x program x year models: ramps, yearly budgets, combined levels."""

from __future__ import annotations

import pytest

import ikmopt as ik
from helpers.policy_check import assert_feasible


@pytest.fixture(scope="module")
def medium() -> ik.Dataset:
    """The benchmark's M size: 514 regencies x 8 programs x 5 years."""
    return ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=0, n_years=5)


@pytest.fixture(scope="module")
def small() -> ik.Dataset:
    return ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=4, seed=7)


def test_medium_highs_and_cbc_agree(medium: ik.Dataset) -> None:
    policy = ik.Policy(
        ik.Budget(total=25_000, by={"year": dict.fromkeys(range(2025, 2030), 5500)}),
        [ik.RegionBounds(min=1.0), ik.GroupShare("kti", min=0.4),
         ik.Ramp(max_rel_change=0.25, max_change=1.0)],
        ik.Maximize("jobs"),
    )
    fast = ik.optimize(medium, policy)
    cbc = ik.optimize(medium, policy, solver="cbc")
    assert cbc.objective == pytest.approx(fast.objective, rel=1e-6)
    for result in (fast, cbc):
        assert_feasible(medium, policy, result.allocation)
        _assert_ramp(medium, result.allocation, by="region", delta=1.0, rho=0.25)


def _assert_ramp(data, allocation, by, delta, rho, tol=1e-6):
    cells = allocation.reset_index()
    cells["group"] = cells[by] if by in cells else cells["region"].map(data.regions[by])
    spend = cells.groupby(["group", "year"])["spend"].sum().unstack("year")
    for prev, now in zip(spend.columns[:-1], spend.columns[1:], strict=True):
        change = (spend[now] - spend[prev]).abs()
        allowed = delta + rho * spend[prev]
        assert (change <= allowed + tol * (1 + allowed)).all(), (prev, now)


@pytest.mark.parametrize("by", ["region", "province"])
def test_ramp_and_yearly_budgets_hold(small: ik.Dataset, by: str) -> None:
    years = {2025: 40, 2026: 70, 2027: 90, 2028: 90}
    policy = ik.Policy(
        ik.Budget(total=280, by={"year": years}),
        [ik.Ramp(max_change=0.5, max_rel_change=0.2, by=by)],
        ik.Maximize("value_added"),
    )
    result = ik.optimize(small, policy)
    per_year = result.by("year")["spend"]
    for year, limit in years.items():
        assert per_year[year] <= limit + 1e-6
    _assert_ramp(small, result.allocation, by=by, delta=0.5, rho=0.2)
    # without the ramp the plan is at least as good, and here it moves more money
    free = ik.optimize(small, policy.without(ik.Ramp))
    assert free.objective >= result.objective - 1e-9
    assert ik.optimize(small, policy, solver="cbc").objective == pytest.approx(
        result.objective, rel=1e-6
    )


def test_absolute_ramp_is_one_ranged_row(small: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=200), [ik.Ramp(max_change=1.0)])
    lp = ik.build(small, policy)
    ramp = lp.rows[lp.rows["family"] == "ramp"]
    assert len(ramp) == len(small.regions) * 3  # 3 pairs of consecutive years
    result = ik.optimize(small, policy)
    _assert_ramp(small, result.allocation, by="region", delta=1.0, rho=0.0)


def test_ramp_needs_years(tiny: ik.Dataset) -> None:
    with pytest.raises(ik.PolicyError, match="year"):
        ik.optimize(tiny, ik.Policy(ik.Budget(total=10), [ik.Ramp(max_change=1)]))
    with pytest.raises(ik.PolicyError, match="max_change"):
        ik.Ramp()


def test_constraints_and_aggregates_at_combined_levels(small: ik.Dataset) -> None:
    policy = ik.Policy(
        ik.Budget(total=250),
        [ik.RegionBounds(min=0.3, by=("province", "year")),
         ik.Target("jobs", min=30, by=("island_group", "year"))],
    )
    result = ik.optimize(small, policy)
    table = result.by(("province", "year"))
    assert table.index.names == ["province", "year"]
    assert (table["spend"] >= 0.3 - 1e-7).all()
    jobs = result.by(["island_group", "year"])["jobs"]
    assert (jobs >= 30 - 1e-6).all()
    labels = result.constraints.query("family == 'region_bounds'")["label"]
    assert labels.str.match(r"province=P\d\d,year=20\d\d").all()


def test_budget_limits_at_a_combined_level(small: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=250, by={("island_group", "year"): {("Jawa", 2025): 5}}))
    result = ik.optimize(small, policy)
    assert result.by(("island_group", "year")).loc[("Jawa", 2025), "spend"] <= 5 + 1e-9
    labels = result.constraints.query("family == 'budget'")["label"].tolist()
    assert "island_group=Jawa,year=2025" in labels
