"""Prices per the user's numbers, sensitivity and ranging, against re-solves.

Every price a reader sees (``result.constraints["price"]``, per Rp 1 bn, per percentage point
of a share, per 0.01 of a Gini cap) and every derivative of ``result.sensitivity()`` is
compared with a finite-difference re-solve of the number the user wrote, on HiGHS and CBC;
``result.ranging()`` with re-solves at and beyond the ends of its ranges.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.model.params import get_param, set_param

SOLVERS = ["highs", "cbc"]


@pytest.fixture(scope="module")
def data() -> ik.Dataset:
    return ik.datasets.load("indonesia-provinces")


def objective(data: ik.Dataset, policy: ik.Policy, solver: str = "highs") -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ik.optimize(data, policy, solver=solver).objective


def central(data: ik.Dataset, policy: ik.Policy, path: str, h: float,
            solver: str = "highs") -> tuple[float, float]:
    """Left and right difference quotients of the optimum in the number at ``path``."""
    value = float(get_param(policy, path))
    mid = objective(data, policy, solver)
    up = objective(data, set_param(policy, path, value + h), solver)
    down = objective(data, set_param(policy, path, value - h), solver)
    return (mid - down) / h, (up - mid) / h


#: A policy on the bundled data in which every family binds, with a unique, nondegenerate
#: optimum (checked: left and right differences agree), and each family's row label.
RICH = ik.Policy(
    ik.Budget(total=900),
    [ik.RegionBounds(min=6, max=80), ik.GroupShare("kti", min=0.44),
     ik.ProgramShare("training", max=0.48), ik.GiniCap(max=0.3),
     ik.Target("value_added", min=279.2)],
    objective=ik.Maximize("jobs"),
)
#: (path of the number, family, row label, step in the user's unit, reader's step).
NUMBERS = [
    ("budget.total", "budget", "total", 0.01, 1.0),
    ("constraints[1].min", "share", "kti=True min", 1e-6, 0.01),
    ("constraints[2].max", "share", "program=training max", 1e-6, 0.01),
    ("constraints[3].max", "gini", "gini(spend)", 1e-6, 0.01),
    ("constraints[4].min", "target", "value_added", 0.01, 1.0),
]


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("path", "family", "label", "h", "step"), NUMBERS,
                         ids=[n[0] for n in NUMBERS])
def test_each_price_per_step_is_a_re_solve_of_the_users_number(data, solver, path, family,
                                                              label, h, step):
    result = ik.optimize(data, RICH, solver=solver)
    row = result.constraints.query("family == @family and label == @label").iloc[0]
    assert row["binding"]
    left, right = central(data, RICH, path, h, solver)
    assert left == pytest.approx(right, rel=1e-3), "the instance must be nondegenerate here"
    assert row["price"] == pytest.approx(step * (left + right) / 2, rel=2e-3, abs=1e-6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_gini_price_is_per_hundredth_of_the_cap_not_per_internal_row(data, solver):
    """The price per 0.01 of the cap is 10,000 x the gain of raising it by 0.000001."""
    result = ik.optimize(data, RICH, solver=solver)
    gini = result.constraints.query("family == 'gini'").iloc[0]
    gain = objective(data, set_param(RICH, "constraints[3].max", 0.300001), solver) - \
        result.objective
    assert gini["price"] == pytest.approx(1e4 * gain, rel=2e-3)
    assert gini["activity"] == pytest.approx(result.equity[("spend", "gini")], abs=1e-6)


def check_sensitivity(data: ik.Dataset, policy: ik.Policy, solver: str, count: int) -> None:
    """Nondegenerate numbers: the derivative is the difference quotient. At a kink (left and
    right quotients differ) every shadow price gives a value between them."""
    result = ik.optimize(data, policy, solver=solver)
    table = result.sensitivity().set_index("path")
    assert len(table) == count, list(table.index)
    for path in table.index:
        h = 1e-6 if table.loc[path, "unit"] in ("share", "Gini", "ratio") else 1e-4
        left, right = central(data, policy, path, h, solver)
        value = table.loc[path, "derivative"]
        tol = 1e-3 * (1 + abs(left))
        if abs(left - right) <= tol:
            assert value == pytest.approx((left + right) / 2, rel=1e-3, abs=1e-3), path
        else:
            assert min(left, right) - tol <= value <= max(left, right) + tol, path


@pytest.mark.parametrize("solver", SOLVERS)
def test_sensitivity_of_every_number_is_a_re_solve(data, solver):
    check_sensitivity(data, RICH, solver, 7)  # total, min, max, kti, training, gini, VA


#: Floors as shares of the budget, caps per inhabitant and an equity ratio.
EQUITY = ik.Policy(
    ik.Budget(total=900),
    [ik.RegionBounds(min_share=0.004, max_rp_per_capita=15_000),
     ik.OutcomeEquity("jobs", min_ratio=0.45)],
    objective=ik.Maximize("jobs"),
)


@pytest.mark.parametrize("solver", SOLVERS)
def test_sensitivity_of_shares_of_the_budget_per_capita_caps_and_equity(data, solver):
    result = ik.optimize(data, EQUITY, solver=solver)
    assert result.constraints.query("family == 'outcome_equity'")["binding"].any()
    check_sensitivity(data, EQUITY, solver, 4)


@pytest.mark.parametrize("solver", SOLVERS)
def test_sensitivity_of_a_ramp(solver):
    years = ik.datasets.synthetic(n_regions=6, n_programs=2, n_sectors=0, n_years=3, seed=1)
    total = float(years.capacity.sum()) * 0.4
    policy = ik.Policy(ik.Budget(total=total), [ik.Ramp(max_change=0.05, max_rel_change=0.1)],
                       objective=ik.Maximize("jobs"))
    result = ik.optimize(years, policy, solver=solver)
    assert result.constraints.query("family == 'ramp'")["binding"].any()
    check_sensitivity(years, policy, solver, 3)


def test_the_budgets_price_counts_floors_that_rise_with_it(data):
    """Floors of 0.6 % of the budget: the row's dual is not what one more Rp 1 bn gives."""
    policy = ik.Policy(ik.Budget(total=900), [ik.RegionBounds(min_share=0.006)],
                       objective=ik.Maximize("jobs"))
    result = ik.optimize(data, policy)
    dual = result.constraints.query("family == 'budget'")["shadow_price"].iloc[0]
    derivative = result.sensitivity().set_index("path").loc["budget.total", "derivative"]
    left, right = central(data, policy, "budget.total", 0.5)
    assert derivative == pytest.approx((left + right) / 2, rel=1e-6)
    assert abs(dual - derivative) > 1e-3  # the floors' share: 38 x 0.6 % of their prices
    floors = result.constraints.query("family == 'region_bounds'")["shadow_price"]
    assert derivative == pytest.approx(dual + 0.006 * floors.sum(), rel=1e-9)


def test_explain_states_the_budgets_full_price(data):
    from ikmopt.report import explain

    policy = ik.Policy(ik.Budget(total=900), [ik.RegionBounds(min_share=0.006)],
                       objective=ik.Maximize("jobs"))
    lines = explain(ik.optimize(data, policy))
    assert any(line.startswith("Floors or caps given as a share of the budget") for line in lines)


def test_sensitivity_is_refused_for_a_mip(tables):
    regions, programs, impacts = tables
    projects = pd.DataFrame({"project": ["P1"], "region": ["A"], "program": ["p"],
                             "cost": [5.0], "jobs": [80.0], "value_added": [1.0]})
    mip = ik.optimize(ik.Dataset(regions, programs, impacts, projects=projects),
                      ik.Policy(ik.Budget(total=60)))
    assert mip.lp.is_mip
    with pytest.raises(ik.PolicyError, match="MIP"):
        mip.sensitivity()
    with pytest.raises(ik.PolicyError, match="MIP"):
        mip.ranging()


# ---------------------------------------------------------------------- ranging
def test_ranging_is_highs_only(tiny):
    result = ik.optimize(tiny, ik.Policy(ik.Budget(total=60)), solver="cbc")
    with pytest.raises(ik.PolicyError, match="solver='highs'"):
        result.ranging()


RANGED = ik.Policy(ik.Budget(total=400), [ik.RegionBounds(min=5),
                                          ik.Target("value_added", min=215)],
                   objective=ik.Maximize("jobs"))


@pytest.mark.parametrize(("label", "path"), [("total", "budget.total"),
                                             ("value_added", "constraints[1].min")])
def test_a_rules_price_holds_exactly_over_its_range(data, label, path):
    result = ik.optimize(data, RANGED)
    row = result.ranging().rules.set_index("label").loc[label]
    assert row["binding"] and row["lower_end"] < row["bound"] < row["upper_end"]
    for end in (row["lower_end"], row["upper_end"]):
        inside = row["bound"] + 0.999 * (end - row["bound"])
        moved = objective(data, set_param(RANGED, path, inside))
        assert moved - result.objective == pytest.approx(
            row["shadow_price"] * (inside - row["bound"]), rel=1e-6, abs=1e-6)


def test_every_binding_floors_price_holds_to_its_range_ends(data):
    result = ik.optimize(data, RANGED)
    rules = result.ranging().rules
    floors = rules[(rules["family"] == "region_bounds") & rules["binding"]]
    assert len(floors) >= 3
    for _, row in floors.head(3).iterrows():
        for end in (row["lower_end"], row["upper_end"]):
            floor = row["bound"] + 0.999 * (end - row["bound"])
            floors = {r: (floor if r == row["label"] else 5.0) for r in data.regions.index}
            policy = RANGED.replace(constraints=[ik.RegionBounds(min=floors),
                                                 RANGED.constraints[1]])
            gain = objective(data, policy) - result.objective
            assert gain == pytest.approx(row["shadow_price"] * (floor - row["bound"]),
                                         rel=1e-6, abs=1e-6), row["label"]


def _with_coefficient(data: ik.Dataset, cell: tuple, value: float) -> ik.Dataset:
    impacts = data.impacts.copy()
    impacts.loc[cell, "jobs"] = value
    return data.replace(impacts=impacts)


def test_a_cells_coefficient_range_keeps_the_plan_on_the_bundled_data(data):
    result = ik.optimize(data, RANGED)
    cells = result.ranging().cells
    funded = cells[(cells["spend"] > 1) & np.isfinite(cells["upper_end"])]
    idle = cells[(cells["spend"] == 0) & np.isfinite(cells["upper_end"])]
    for row in (funded.iloc[0], idle.iloc[0]):
        for end in (row["lower_end"], row["upper_end"]):
            if not np.isfinite(end):
                continue
            value = row["coefficient"] + 0.99 * (end - row["coefficient"])
            moved = ik.optimize(_with_coefficient(data, row.name, value), RANGED).allocation
            assert np.allclose(moved.to_numpy(), result.allocation.to_numpy(), atol=1e-6), \
                (row.name, value)


# Hand-solved on the tiny data (jobs per Rp bn: C-p 12 cap 10, A-p 10 cap 50, B-p 8 cap 30,
# A-q 6, C-q 5, B-q 4). With Rp 40 bn: C-p 10, A-p 30; the budget is worth 10 jobs per Rp bn
# from Rp 10 bn (A-p empty) to Rp 60 bn (A-p full), then 8 (B-p).
def test_hand_solved_budget_range(tiny):
    policy = ik.Policy(ik.Budget(total=40), objective=ik.Maximize("jobs"))
    row = ik.optimize(tiny, policy).ranging().rules.set_index("label").loc["total"]
    assert (row["lower_end"], row["upper_end"], row["shadow_price"]) == pytest.approx(
        (10.0, 60.0, 10.0))
    beyond = objective(tiny, set_param(policy, "budget.total", 70.0))
    assert beyond == pytest.approx(12 * 10 + 10 * 50 + 8 * 10)  # the price is 8 past 60


def test_hand_solved_floor_range(tiny):
    """B >= 20: B-p takes 20 from A-p (price 8 - 10 = -2) until B-p is full at 30."""
    policy = ik.Policy(ik.Budget(total=60), [ik.RegionBounds(min={"B": 20})],
                       objective=ik.Maximize("jobs"))
    rules = ik.optimize(tiny, policy).ranging().rules
    row = rules[rules["family"] == "region_bounds"].iloc[0]
    assert (row["upper_end"], row["shadow_price"]) == pytest.approx((30.0, -2.0))
    assert row["lower_end"] <= 0.0
    at_40 = objective(tiny, set_param(policy, "constraints[0].min.B", 40.0))
    assert at_40 == pytest.approx(12 * 10 + 8 * 30 + 4 * 10 + 10 * 10)  # -6 past 30


def test_hand_solved_cost_ranges(tiny):
    """A-p (10) stays in the plan from 8 (B-p takes over) to 12 (it outbids C-p); idle B-p
    enters above 10."""
    result = ik.optimize(tiny, ik.Policy(ik.Budget(total=40), objective=ik.Maximize("jobs")))
    cells = result.ranging().cells
    assert (cells.loc[("A", "p"), "lower_end"], cells.loc[("A", "p"), "upper_end"]) == \
        pytest.approx((8.0, 12.0))
    assert cells.loc[("B", "p"), "upper_end"] == pytest.approx(10.0)
    assert cells.loc[("B", "p"), "lower_end"] == -np.inf
