"""Parameter sweeps: warm-started re-solves against independent cold solves."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from ikmopt.model.params import set_param


@pytest.fixture(scope="module")
def medium() -> ik.Dataset:
    """The benchmark's M size: 514 regencies x 8 programs x 5 years."""
    return ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=0, n_years=5)


@pytest.fixture(scope="module")
def small() -> ik.Dataset:
    return ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=4, seed=7)


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


def test_a_staged_sweep_keeps_each_stage_warm_and_matches_cold_solves(small: ik.Dataset
                                                                     ) -> None:
    policy = ik.Policy(
        ik.Budget(total=150), [ik.GroupShare("kti", min=0.3)],
        ik.Lexicographic([ik.Maximize("jobs"), ik.Maximize("value_added")]),
    )
    values = [120.0, 150.0, 180.0, 90.0]
    result = ik.sweep(small, policy, "budget.total", values)
    # each stage updates its own held model from the last point's (before: one model for
    # both, reloaded at every stage without a basis)
    assert result.table["warm"].iloc[1:].all()
    for value, row in zip(values, result.table.itertuples(), strict=True):
        cold = ik.optimize(small, set_param(policy, "budget.total", value), solver="cbc")
        assert row.objective == pytest.approx(cold.objective, rel=1e-6)
        assert row.jobs == pytest.approx(cold.outcomes["jobs"], rel=1e-6)


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


def test_sweep_reports_a_dropped_basis(small: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=200), [ik.Ramp(max_change=2.0, max_rel_change=0.0)])
    # rho 0 -> one ranged row per pair; rho > 0 -> two rows: the model is reloaded cold
    result = ik.sweep(small, policy, "constraints[0].max_rel_change", [0.0, 0.1, 0.2])
    assert result.table["warm"].tolist() == [False, False, True]
    rows = result.shadow_prices.query("value == 0.1 and family == 'ramp'")["label"]
    assert rows.str.endswith(" growth").any() and rows.str.endswith(" decline").any()
    assert not rows.duplicated().any()


@pytest.mark.parametrize("by", ["region", "kti", ("island_group", "program"), None])
def test_the_lazy_allocation_equals_each_plans_own_table(by) -> None:
    """Spend by group kept as arrays per point, labelled on access, against Result.by."""
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy(data=data)
    values = [700.0, 971.0]
    swept = ik.sweep(data, policy, "budget.total", values, allocation_by=by)
    for value in values:
        plan = ik.optimize(data, set_param(policy, "budget.total", value))
        expected = (plan.allocation.reset_index() if by is None
                    else plan.by(by)[["spend"]].reset_index())
        got = swept.allocation[swept.allocation["value"] == value].drop(columns="value")
        assert list(got.columns) == list(expected.columns)
        labels = [c for c in expected.columns if c != "spend"]
        assert (got[labels].astype(str).to_numpy() == expected[labels].astype(str).to_numpy()).all()
        np.testing.assert_allclose(got["spend"].to_numpy(), expected["spend"].to_numpy(),
                                   atol=1e-6)


def test_a_warm_sweep_of_a_normalized_objective_scales_its_small_costs_like_a_cold_solve():
    """Costs of about 5e-3 (the default's normalized objective): warm equals cold to 1e-9."""
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy(data=data)
    values = [600.0, 800.0, 971.0, 1200.0]
    warm = ik.sweep(data, policy, "budget.total", values)
    cold = ik.sweep(data, policy, "budget.total", values, warm=False, solver="cbc")
    np.testing.assert_allclose(warm.table["objective"], cold.table["objective"], rtol=1e-9)


def test_the_lazy_shadow_prices_equal_each_plans_constraints_table() -> None:
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy(data=data)
    values = [700.0, 971.0]
    swept = ik.sweep(data, policy, "budget.total", values)
    for value in values:
        plan = ik.optimize(data, set_param(policy, "budget.total", value))
        expected = plan.constraints[["family", "label", "shadow_price", "binding"]]
        got = swept.shadow_prices[swept.shadow_prices["value"] == value].drop(columns="value")
        assert got["family"].tolist() == expected["family"].tolist()
        assert got["label"].tolist() == expected["label"].tolist()
        assert got["binding"].tolist() == expected["binding"].tolist()
        np.testing.assert_allclose(got["shadow_price"], expected["shadow_price"], rtol=1e-7,
                                   atol=1e-9)


def test_a_program_built_like_the_last_equals_a_full_build_and_shares_its_matrix() -> None:
    from ikmopt.model.build import build

    data = ik.datasets.load("indonesia-provinces")
    policy = ik.Policy(budget=ik.Budget(total=971),
                       constraints=[ik.RegionBounds(min=2.0), ik.GroupShare("kti", min=0.4)],
                       objective=ik.Maximize("jobs"))
    first = build(data, policy, sequence=True)  # the first program of a sequence
    moved = set_param(policy, "budget.total", 800.0)
    again = build(data, moved, like=first)
    full = build(data, moved)
    assert again.A is first.A  # only bounds changed: the matrix is reused
    assert (again.A != full.A).nnz == 0
    for name in ("row_lower", "row_upper", "col_lower", "col_upper", "cost"):
        np.testing.assert_array_equal(getattr(again, name), getattr(full, name))
    assert again.rows.equals(full.rows)
    assert full.assembled is None  # a single program keeps no second copy of its terms
    share = set_param(policy, "constraints[1].min", 0.3)  # a share moves matrix values
    assert build(data, share, like=again).A is not again.A


def test_a_normalized_objective_sweep_reuses_the_last_points_matrix() -> None:
    """The optima's programs and the weighted one follow each other in one slot."""
    from ikmopt.solving.optimize import Warm, solve_policy
    from ikmopt.solving.options import SolveOptions

    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy(data=data)  # a normalized Weighted objective
    runner = Warm(SolveOptions.of("highs"))
    first = solve_policy(data, set_param(policy, "budget.pots[2].ceiling", 300.0), runner)
    second = solve_policy(data, set_param(policy, "budget.pots[2].ceiling", 350.0), runner)
    assert second.lp.A is first.lp.A  # only a pot's bound moved
    cold = ik.optimize(data, set_param(policy, "budget.pots[2].ceiling", 350.0), solver="cbc")
    assert second.objective == pytest.approx(cold.objective, rel=1e-7)
