"""Regency x sector x program x year models: synthetic data, multi-year rules, sweeps."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from ikmopt.model.params import get_param, set_param
from policy_check import assert_feasible


@pytest.fixture(scope="module")
def medium() -> ik.Dataset:
    """The benchmark's M size: 514 regencies x 8 programs x 5 years."""
    return ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=0, n_years=5)


@pytest.fixture(scope="module")
def small() -> ik.Dataset:
    return ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=4, seed=7)


def test_synthetic_is_deterministic_and_valid() -> None:
    a = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=3)
    b = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=3)
    c = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=4)
    assert a == b
    assert not a.impacts.equals(c.impacts)
    assert a.levels == ("region", "program", "sector", "year")
    assert a.n_cells == 60 * 4 * 3 * 2
    regions = a.regions
    # every regency has a parent province, provinces hold several regencies, KTI by island
    assert regions["province"].notna().all()
    assert regions.groupby("province").size().max() > 1
    assert set(regions.loc[regions["kti"], "island_group"]).isdisjoint({"Sumatera", "Jawa"})
    assert "SYNTHETIC" in a.description
    # heavy tails: the largest regency is far above the median
    pop = regions["population"]
    assert pop.max() > 5 * pop.median()


def test_full_size_shape() -> None:
    data = ik.datasets.synthetic()
    assert data.n_cells == 514 * 8 * 24 * 5
    assert len(data.regions) == 514 and data.regions["province"].nunique() == 38


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


def test_accrual_weights_by_hand(small: ik.Dataset) -> None:
    accrual = ik.Accrual(survival={"jobs": 0.8}, discount=0.1)
    w = accrual.year_weights(small, "jobs")
    codes, _ = small.level_codes("year")
    # 2028 (last year): counted once, discounted 3 years
    assert w[codes == 3][0] == pytest.approx(1 / 1.1**3)
    # 2027: 1/1.1^2 + 0.8/1.1^3
    assert w[codes == 2][0] == pytest.approx(1 / 1.1**2 + 0.8 / 1.1**3)
    # value added has no survival given: 1.0
    v = accrual.year_weights(small, "value_added")
    assert v[codes == 0][0] == pytest.approx(sum(1 / 1.1**k for k in range(4)))
    policy = ik.Policy(ik.Budget(total=150), objective=ik.Maximize("jobs"), accrual=accrual)
    result = ik.optimize(small, policy)
    assert result.objective == pytest.approx(result.accrued["jobs"])
    manual = (small.impacts["jobs"].to_numpy() * w * result.allocation.to_numpy()).sum()
    assert result.accrued["jobs"] == pytest.approx(manual)
    # with accrual, early years are worth more: the plan front-loads against no accrual
    flat = ik.optimize(small, policy.replace(accrual=None))
    early = result.by("year")["spend"].iloc[0]
    assert early >= flat.by("year")["spend"].iloc[0] - 1e-9


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


def test_sweep_matches_independent_cold_solves(medium: ik.Dataset) -> None:
    policy = ik.Policy(
        ik.Budget(total=20_000),
        [ik.RegionBounds(min=1.0), ik.GroupShare("kti", min=0.4)],
        ik.Maximize("jobs"),
    )
    values = np.linspace(15_000, 30_000, 40)
    result = ik.sweep(medium, policy, "budget.total", values)
    assert result.table["warm"].iloc[1:].all()
    rng = np.random.default_rng(0)
    for i in rng.choice(len(values), 10, replace=False):
        cold = ik.optimize(medium, set_param(policy, "budget.total", values[i]), solver="cbc")
        assert result.table["objective"].iloc[i] == pytest.approx(cold.objective, rel=1e-7)
        spend = result.allocation[result.allocation["value"] == values[i]]["spend"].sum()
        assert spend == pytest.approx(cold.outcomes["spend"], rel=1e-7)
        prices = result.shadow_prices.query("value == @values[@i] and family == 'budget'")
        assert prices["shadow_price"].iloc[0] == pytest.approx(
            cold.constraints.query("family == 'budget'")["shadow_price"].iloc[0], rel=1e-6
        )


def test_sweep_of_a_share_and_a_weight_with_normalization(small: ik.Dataset) -> None:
    policy = ik.Policy(
        ik.Budget(total=150), [ik.GroupShare("kti", min=0.3)],
        ik.Weighted(jobs=1.0, value_added=1.0),
    )
    for path, values in [("constraints[0].min", [0.0, 0.2, 0.5, 0.7]),
                         ("objective.weights.value_added", [0.0, 0.5, 2.0])]:
        result = ik.sweep(small, policy, path, values)
        for value, objective in zip(values, result.table["objective"], strict=True):
            cold = ik.optimize(small, set_param(policy, path, value))
            assert objective == pytest.approx(cold.objective, rel=1e-7), (path, value)


def test_sweep_records_failures_and_goes_on(tiny: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=60), [ik.RegionBounds(min=10)])
    result = ik.sweep(tiny, policy, "constraints[0].min", [5, 100, 8])
    assert list(result.table["status"]) == ["optimal", "InfeasibleError", "optimal"]
    assert "no allocation" in result.table["error"].iloc[1]
    assert set(result.allocation["value"]) == {5, 8}
    with pytest.raises(ik.PolicyError, match="not a number"):
        ik.sweep(tiny, policy, "constraints[0].by", ["x"])


def test_sweep_without_warm_start_and_with_cells(tiny: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=60))
    cold = ik.sweep(tiny, policy, "budget.total", [30, 60], warm=False, allocation_by=None)
    assert not cold.table["warm"].any()
    assert list(cold.allocation.columns) == ["value", "region", "program", "spend"]
    assert cold.table["jobs"].tolist() == pytest.approx([10 * 12 + 20 * 10, 620])


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


def test_budget_limits_at_a_combined_level(small: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=250, by={("island_group", "year"): {("Jawa", 2025): 5}}))
    result = ik.optimize(small, policy)
    assert result.by(("island_group", "year")).loc[("Jawa", 2025), "spend"] <= 5 + 1e-9
    labels = result.constraints.query("family == 'budget'")["label"].tolist()
    assert "island_group=Jawa,year=2025" in labels


def test_sweep_reports_a_dropped_basis(small: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=200), [ik.Ramp(max_change=2.0, max_rel_change=0.0)])
    # rho 0 -> one ranged row per pair; rho > 0 -> two rows: the model is reloaded cold
    result = ik.sweep(small, policy, "constraints[0].max_rel_change", [0.0, 0.1, 0.2])
    assert result.table["warm"].tolist() == [False, False, True]
    rows = result.shadow_prices.query("value == 0.1 and family == 'ramp'")["label"]
    assert rows.str.endswith(" growth").any() and rows.str.endswith(" decline").any()
    assert not rows.duplicated().any()
