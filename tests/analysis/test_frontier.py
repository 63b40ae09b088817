"""Trade-off frontiers: hand-solved, non-dominated, and Gini frontiers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.policy_check import assert_feasible
from ikmopt.analysis.frontier import BISECTION_TOL, Axis, Frontier, axis, frontier

REL = 1e-7


def tiny_policy(*constraints: ik.Constraint) -> ik.Policy:
    return ik.Policy(budget=ik.Budget(total=60), constraints=constraints)


def best(data: ik.Dataset, policy: ik.Policy, metric: str) -> float:
    """Single-objective optimum, solved independently of the frontier code."""
    return ik.optimize(data, policy.replace(objective=ik.Maximize(metric))).outcomes[metric]


def assert_non_dominated(points: pd.DataFrame, x: str, y: str, x_larger_better: bool = True):
    gx = points[x].to_numpy() * (1 if x_larger_better else -1)
    gy = points[y].to_numpy()
    tx = REL * max(1.0, np.abs(gx).max())
    ty = REL * max(1.0, np.abs(gy).max())
    for i in range(len(points)):
        for j in range(len(points)):
            if i == j:
                continue
            weakly = gx[j] >= gx[i] - tx and gy[j] >= gy[i] - ty
            strictly = gx[j] > gx[i] + tx or gy[j] > gy[i] + ty
            assert not (weakly and strictly), f"point {j} dominates point {i}"
    # and so, ordered from the best y, x improves while y falls, strictly
    assert (np.diff(gx) > 0).all()
    assert (np.diff(gy) < 0).all()


# ---------------------------------------------------------------------- hand-checked tiny
# max value added: A-q 50 + B-q 10 (jobs 340, VA 115); moving B-q -> A-p costs 1/12 VA per
# job to (400, 110); A-p -> C-p costs 1/10 to (420, 108); A-q -> A-p costs 1/4 to (620, 58).
BREAKS_X = [340.0, 400.0, 420.0, 620.0]
BREAKS_Y = [115.0, 110.0, 108.0, 58.0]


def test_tiny_frontier_is_the_hand_solved_curve(tiny):
    fr = frontier(tiny, tiny_policy(), x="jobs", y="value_added", n=15)
    assert isinstance(fr, Frontier)
    assert len(fr) == 15 and fr.skipped.empty
    pts = fr.points
    assert pts["point"].tolist() == list(range(15))
    assert pts["jobs"].iloc[0] == pytest.approx(340, rel=REL)
    assert pts["value_added"].iloc[0] == pytest.approx(115, rel=REL)
    assert pts["jobs"].iloc[-1] == pytest.approx(620, rel=REL)
    assert pts["value_added"].iloc[-1] == pytest.approx(58, rel=REL)
    # bounds every Rp 20 of jobs, and each point on the piecewise-linear curve
    assert pts["epsilon"].to_numpy() == pytest.approx(np.arange(340, 621, 20), rel=REL)
    assert pts["jobs"].to_numpy() == pytest.approx(np.arange(340, 621, 20), rel=REL)
    expected = np.interp(pts["jobs"], BREAKS_X, BREAKS_Y)
    assert pts["value_added"].to_numpy() == pytest.approx(expected, rel=REL)
    assert pts.loc[pts["jobs"].sub(360).abs().idxmin(), "value_added"] == pytest.approx(
        115 - 20 / 12, rel=REL
    )
    assert pts["spend"].to_numpy() == pytest.approx(np.full(15, 60.0))


def test_tiny_plans_at_the_breakpoints(tiny):
    fr = frontier(tiny, tiny_policy(), x="jobs", y="value_added", n=15)
    at_400 = fr.allocation(3)  # jobs 400: A-p 10, A-q 50
    assert at_400[("A", "p")] == pytest.approx(10, abs=1e-5)
    assert at_400[("A", "q")] == pytest.approx(50, abs=1e-5)
    assert at_400.drop([("A", "p"), ("A", "q")]).abs().max() < 1e-5
    last = fr.allocation(14)  # max jobs: C-p 10, A-p 50
    assert last[("C", "p")] == pytest.approx(10, abs=1e-6)
    assert last[("A", "p")] == pytest.approx(50, abs=1e-6)


@pytest.mark.parametrize("which", ["tiny", "provinces"])
def test_end_points_are_the_single_objective_optima(which, request):
    data = request.getfixturevalue(which)
    policy = tiny_policy(ik.GroupShare("kti", min=0.3)) if which == "tiny" else (
        ik.default_policy())
    fr = frontier(data, policy, x="jobs", y="value_added", n=9)
    assert fr.points["value_added"].iloc[0] == pytest.approx(
        best(data, policy, "value_added"), rel=REL
    )
    assert fr.points["jobs"].iloc[-1] == pytest.approx(best(data, policy, "jobs"), rel=REL)
    # and the reverse orientation gives the same two optima at swapped ends
    rev = frontier(data, policy, x="value_added", y="jobs", n=5)
    assert rev.points["jobs"].iloc[0] == pytest.approx(fr.points["jobs"].iloc[-1], rel=REL)
    assert rev.points["value_added"].iloc[-1] == pytest.approx(
        fr.points["value_added"].iloc[0], rel=REL
    )


@pytest.mark.parametrize("which", ["tiny", "provinces"])
def test_points_are_non_dominated_feasible_and_measured_right(which, request):
    data = request.getfixturevalue(which)
    policy = tiny_policy(ik.RegionBounds(min=5)) if which == "tiny" else ik.default_policy()
    fr = frontier(data, policy, x="jobs", y="value_added", n=12)
    assert len(fr) >= 3
    assert_non_dominated(fr.points, "jobs", "value_added")
    for _, row in fr.points.iterrows():
        plan = fr.allocation(int(row["point"]))
        assert_feasible(data, policy, plan)
        ev = ik.evaluate(data, plan)
        for col in ("spend", "jobs", "value_added"):
            assert row[col] == pytest.approx(ev.outcomes[col], rel=1e-9)
        assert row["gini_spend"] == pytest.approx(ev.equity[("spend", "gini")], rel=1e-9)
        assert row["gini_jobs"] == pytest.approx(ev.equity[("jobs", "gini")], rel=1e-9)
        assert row["gini_value_added"] == pytest.approx(
            ev.equity[("value_added", "gini")], rel=1e-9
        )
        # no plan reaches more value added with at least this many jobs
        bound = policy.add(ik.Target("jobs", min=row["jobs"]))
        assert row["value_added"] == pytest.approx(best(data, bound, "value_added"), rel=REL)


def test_interior_points_solve_their_epsilon_problem(provinces):
    policy = ik.default_policy()
    fr = frontier(provinces, policy, x="jobs", y="value_added", n=7)
    row = fr.points.iloc[3]
    independent = best(provinces, policy.add(ik.Target("jobs", min=row["epsilon"])),
                       "value_added")
    assert row["value_added"] == pytest.approx(independent, rel=REL)
    assert row["jobs"] >= row["epsilon"] * (1 - 1e-9)


def test_allocations_long_table(tiny):
    fr = frontier(tiny, tiny_policy(), x="jobs", y="value_added", n=4)
    long = fr.allocations
    assert list(long.columns) == ["point", "region", "program", "spend"]
    assert len(long) == len(fr) * tiny.n_cells
    totals = long.groupby("point")["spend"].sum()
    assert totals.to_numpy() == pytest.approx(fr.points["spend"].to_numpy())
    with pytest.raises(KeyError, match="points"):
        fr.allocation(99)


def test_accrual_is_not_applied(tiny):
    policy = tiny_policy().replace(accrual=ik.Accrual(discount=0.5))
    fr = frontier(tiny, policy, x="jobs", y="value_added", n=3)
    assert fr.points["value_added"].iloc[0] == pytest.approx(115, rel=REL)


def test_a_bound_that_fails_is_skipped_and_recorded(tiny):
    jobs = axis(tiny, "jobs")

    def bound(e: float) -> ik.Constraint:
        # an impossible rule for bounds strictly between 450 and 550 jobs
        if 450 < e < 550:
            return ik.Target("value_added", min=1e6)
        return ik.Target("jobs", min=e)

    odd = Axis(jobs.name, jobs.label, True, bound, jobs.value, jobs.objective)
    fr = frontier(tiny, tiny_policy(), x=odd, y="value_added", n=15)
    assert fr.skipped["epsilon"].tolist() == pytest.approx([460, 480, 500, 520, 540])
    assert fr.skipped["error"].str.startswith("InfeasibleError").all()
    assert len(fr) == 10
    assert_non_dominated(fr.points, "jobs", "value_added")


def test_bad_arguments(tiny):
    policy = tiny_policy()
    with pytest.raises(ik.PolicyError, match="both"):
        frontier(tiny, policy, "jobs", "jobs")
    with pytest.raises(ik.PolicyError, match="unknown axis 'job'"):
        frontier(tiny, policy, "job", "value_added")
    with pytest.raises(ik.PolicyError, match="n must be"):
        frontier(tiny, policy, "jobs", "value_added", n=1)
    with pytest.raises(ik.PolicyError, match="y must be"):
        frontier(tiny, policy, "jobs", "gini_spend")
    with pytest.raises(ik.PolicyError, match="gini_exports"):
        frontier(tiny, policy, "gini_exports", "jobs")
    with pytest.raises(ik.PolicyError, match="method"):
        frontier(tiny, policy, "gini_spend", "jobs", gini_method="exact")
    with pytest.raises(ik.InfeasibleError):
        frontier(tiny, tiny_policy(ik.Target("jobs", min=10_000)), "jobs", "value_added")


def test_single_point_when_both_optima_coincide(tiny):
    # only C-p can be funded: one plan is best for both
    policy = tiny_policy(ik.RegionBounds(max=0, regions=["A", "B"]),
                         ik.ProgramShare("p", min=1.0))
    fr = frontier(tiny, policy, x="jobs", y="value_added", n=5)
    assert len(fr) == 1
    assert fr.points["jobs"].iloc[0] == pytest.approx(120)


# ---------------------------------------------------------------------- Gini frontier
def test_tiny_gini_frontier_reaches_perfect_equality(tiny):
    fr = frontier(tiny, tiny_policy(), x="gini_spend", y="jobs", n=8)
    pts = fr.points
    assert fr.sense == {"gini_spend": "min", "jobs": "max"}
    assert pts["jobs"].iloc[0] == pytest.approx(620, rel=REL)
    # equal Rp per inhabitant (A:B:C = 2:4:1 of Rp 60 bn), best programs within each region:
    # A-p 120/7*10, B-p 30*8 + B-q (240/7 - 30)*4, C-p 60/7*12 -> 3720/7 jobs
    assert pts["gini_spend"].iloc[-1] == pytest.approx(0, abs=1e-7)
    assert pts["jobs"].iloc[-1] == pytest.approx(3720 / 7, rel=REL)
    assert_non_dominated(pts, "gini_spend", "jobs", x_larger_better=False)
    for _, row in pts.iterrows():
        assert row["gini_spend"] <= row["epsilon"] + 1e-7
        plan = fr.allocation(int(row["point"]))
        assert_feasible(tiny, tiny_policy(), plan)
        ev = ik.evaluate(tiny, plan)
        assert row["gini_spend"] == pytest.approx(ev.equity[("spend", "gini")], abs=1e-9)


def test_provinces_gini_frontier(provinces):
    policy = ik.default_policy()
    fr = frontier(provinces, policy, x="gini_spend", y="jobs", n=6)
    pts = fr.points
    assert pts["jobs"].iloc[0] == pytest.approx(best(provinces, policy, "jobs"), rel=REL)
    assert_non_dominated(pts, "gini_spend", "jobs", x_larger_better=False)
    for point in pts["point"]:
        assert_feasible(provinces, policy, fr.allocation(int(point)))
    # the last point has the lowest Gini the policy allows (to the bisection's precision)
    lowest = pts["gini_spend"].iloc[-1]
    assert lowest < pts["gini_spend"].iloc[0] - 0.05  # 0.27 -> 0.18 on the bundled data
    with pytest.raises(ik.InfeasibleError):
        ik.optimize(provinces, policy.add(ik.GiniCap(max=lowest - 2 * BISECTION_TOL)))
    # and each interior point maximizes jobs under its cap
    row = pts.iloc[2]
    capped = policy.add(ik.GiniCap(max=row["epsilon"]))
    assert row["jobs"] == pytest.approx(best(provinces, capped, "jobs"), rel=REL)


def test_gini_frontier_lorenz_method(tiny):
    fr = frontier(tiny, tiny_policy(), x="gini_spend", y="jobs", n=5, gini_method="lorenz")
    assert fr.points["jobs"].iloc[0] == pytest.approx(620, rel=REL)
    assert_non_dominated(fr.points, "gini_spend", "jobs", x_larger_better=False)
    for _, row in fr.points.iterrows():
        ev = ik.evaluate(tiny, fr.allocation(int(row["point"])))
        assert row["gini_spend"] == pytest.approx(ev.equity[("spend", "gini")], abs=1e-9)
