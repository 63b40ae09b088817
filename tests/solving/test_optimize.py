"""optimize(): its arguments, infeasible policies on every solver, verified and labelled plans.

A policy that is sensible but cannot be met raises ``ik.InfeasibleError`` (a ``SolverError``
and ``RuntimeError``) on every solver.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.tiny import BUDGET, solve


# ---------------------------------------------------------------------- arguments
def test_optimize_rejects_non_policy(tiny):
    err = policy_error(lambda: ik.optimize(tiny, {"budget": 60}))
    assert_names(err, "Policy", "dict")


def test_optimize_rejects_non_dataset():
    err = policy_error(lambda: ik.optimize("indonesia-provinces", ik.Policy(budget=BUDGET)))
    assert_names(err, "Dataset", "str")


# ---------------------------------------------------------------------- infeasible plans
SOLVERS = ["highs", "cbc", "pulp-highs"]

INFEASIBLE = [
    pytest.param([ik.RegionBounds(min=100)], id="floors-above-budget"),
    pytest.param([ik.RegionBounds(min={"C": 40})], id="floor-above-capacity"),
    pytest.param([ik.RegionBounds(min_share=0.4)], id="share-floors-sum-above-1"),
    pytest.param([ik.GroupShare("kti", min=0.9), ik.RegionBounds(min={"A": 20})],
                 id="group-share-vs-floor"),
    pytest.param([ik.Target("jobs", min=1e6)], id="target-too-high"),
    pytest.param([ik.Target("jobs", min=100, by="region"), ik.RegionBounds(max={"C": 1})],
                 id="regional-target-vs-cap"),
]


def _check_infeasible(err: ik.InfeasibleError) -> None:
    assert isinstance(err, ik.SolverError)
    assert isinstance(err, RuntimeError)
    assert isinstance(err, ik.IkmoptError)
    assert err.status == "infeasible"
    assert "no allocation satisfies" in str(err)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("constraints", INFEASIBLE)
def test_infeasible_policy(tiny, constraints, solver):
    with pytest.raises(ik.InfeasibleError) as info:
        solve(tiny, *constraints, solver=solver)
    _check_infeasible(info.value)
    assert solver in str(info.value)


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_with_weighted_objective(tiny, solver):
    """The normalizing single-metric solves raise InfeasibleError too."""
    with pytest.raises(ik.InfeasibleError) as info:
        solve(tiny, ik.RegionBounds(min=100), objective=ik.Weighted(jobs=1, value_added=0.5),
              solver=solver)
    _check_infeasible(info.value)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_province_share_floors_cannot_fit(provinces, solver):
    """38 provinces x 3 % = 114 % of the budget."""
    policy = ik.Policy(budget=ik.Budget(total=2500), constraints=[ik.RegionBounds(min_share=0.03)])
    with pytest.raises(ik.InfeasibleError) as info:
        ik.optimize(provinces, policy, solver=solver)
    _check_infeasible(info.value)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_province_floors_above_capacity(provinces, solver):
    """The default policy with a huge budget: 0.5 % floors exceed provinces' capacity."""
    with pytest.raises(ik.InfeasibleError) as info:
        ik.optimize(provinces, ik.default_policy(1_000_000), solver=solver)
    _check_infeasible(info.value)


def test_infeasible_message_points_at_something_that_exists(tiny):
    with pytest.raises(ik.InfeasibleError) as info:
        solve(tiny, ik.RegionBounds(min=100))
    if "ik.diagnose" in str(info.value):
        assert hasattr(ik, "diagnose"), "message refers to ik.diagnose, which does not exist"


def test_infeasible_is_not_caught_as_value_error(tiny):
    """Infeasibility is a RuntimeError, not bad input."""
    with pytest.raises(ik.InfeasibleError) as info:
        solve(tiny, ik.RegionBounds(min=100))
    assert not isinstance(info.value, ValueError)


# ---------------------------------------------------------------------- plans labelled and verified
def test_time_limit_plan_is_never_labelled_optimal(provinces: ik.Dataset) -> None:
    # a generous limit: proven optimal; the status is optimal only when proven
    res = ik.optimize(provinces, ik.default_policy(), time_limit=60)
    assert res.status is ik.Status.OPTIMAL and res.is_optimal


def test_deterministic(provinces: ik.Dataset) -> None:
    a = ik.optimize(provinces, ik.default_policy()).allocation.to_numpy()
    b = ik.optimize(provinces, ik.default_policy()).allocation.to_numpy()
    assert np.array_equal(a, b)


@pytest.fixture(scope="module")
def data() -> ik.Dataset:
    return ik.datasets.load()


def test_a_plan_that_breaks_a_row_is_not_returned(data, monkeypatch):
    from ikmopt.solving.solvers import highs

    real = highs.read_solution

    def corrupted(h, lp, runtime, verbose):
        solution = real(h, lp, runtime, verbose)
        x = solution.x.copy()
        x[0] += 50.0  # Aceh's first cell gets Rp 50 bn the budget does not have
        return replace(solution, x=x)  # the solver's row activity left as it said

    monkeypatch.setattr(highs, "read_solution", corrupted)
    with pytest.raises(ik.SolverError, match="violates"):
        ik.optimize(data, ik.default_policy())


def _two_cells(upper: float, cell_upper: float = np.inf):
    """``x0 + x1 <= upper`` on two cells (a program built by hand)."""
    import pandas as pd

    from ikmopt.model.lp import ModelBuilder, RowBlock

    cells = pd.MultiIndex.from_tuples([("a", "p"), ("b", "p")], names=["region", "program"])
    builder = ModelBuilder(cells, np.full(2, cell_upper))
    builder.add_rows(RowBlock("cap", pd.Index(["both"]), np.zeros(2, dtype=np.int64),
                              np.arange(2), np.ones(2), np.array([-np.inf]),
                              np.array([upper])), constraint=1)
    return builder.build()


@pytest.mark.parametrize(
    ("upper", "x", "cell_upper", "expected"),
    [
        (1.0, [1.5, 0.0], np.inf, 0.5 / 2.5),            # a row 0.5 over, scale 1 + 1.5
        (1e9, [1e9, 2.0], np.inf, None),                # 2 over on a scale of 1e9: fine
        (10.0, [3.0, 0.0], 1.0, 2.0 / 4.0),             # a column 2 over its bound of 1
        (10.0, [1.0, 1.0 + 5e-8], 1.0, None),           # within the tolerance
    ],
)
def test_violation_is_relative_to_each_rows_scale(upper, x, cell_upper, expected) -> None:
    from ikmopt.solving.optimize import VERIFY_TOL, violation

    lp = _two_cells(upper, cell_upper)
    worst, where = violation(lp, np.array(x))
    if expected is None:  # the relative violation, worked out by hand, is within tolerance
        assert worst <= VERIFY_TOL and where == "nowhere"
    else:
        assert worst == pytest.approx(expected, rel=1e-12)
        assert ("row cap(both)" if upper < 10 else "column 0") == where


def test_a_plan_with_a_missing_value_is_infinitely_wrong() -> None:
    from ikmopt.solving.optimize import violation

    worst, where = violation(_two_cells(1.0), np.array([0.5, np.nan]))
    assert worst == np.inf and "column 1" in where
