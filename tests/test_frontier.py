"""Trade-off frontiers, the price of each rule, and the charts."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt import plot
from ikmopt.analysis.frontier import BISECTION_TOL, Axis, Frontier, axis, frontier
from ikmopt.analysis.price import price_of
from policy_check import assert_feasible

matplotlib.use("Agg")

REL = 1e-7


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


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
    assert lowest < pts["gini_spend"].iloc[0] - 0.1
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


# ---------------------------------------------------------------------- price of each rule
def test_price_of_tiny_by_hand(tiny):
    policy = tiny_policy(ik.RegionBounds(max=1000), ik.GroupShare("kti", min=0.3))
    table = price_of(tiny, policy.replace(objective=ik.Maximize("jobs")))
    assert table["constraint"].tolist() == [c.describe() for c in policy.constraints]
    assert table["position"].tolist() == [0, 1]
    assert table["binding"].tolist() == [False, True]
    free, kti = table.iloc[0], table.iloc[1]
    # with KTI >= 30 %: C-p 10 + B-p 8 + A-p 42 = 604 jobs; without it 620
    assert free["cost"] == 0.0
    assert free["objective_without"] == pytest.approx(free["objective_with"], rel=1e-9)
    assert kti["objective_with"] == pytest.approx(604, rel=1e-9)
    assert kti["objective_without"] == pytest.approx(620, rel=1e-9)
    assert kti["cost"] == pytest.approx(16, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx(16 / 620 * 100, rel=1e-9)
    assert kti["jobs_with"] == pytest.approx(604) and kti["jobs_without"] == pytest.approx(620)
    assert kti["value_added_with"] == pytest.approx(0.8 * 10 + 0.5 * 8 + 42)
    assert kti["spend_without"] == pytest.approx(60)
    assert (table["error"] == "").all()
    assert table.attrs["objective_units"] == "jobs"
    assert "budget" not in " ".join(table["constraint"]).lower()


def test_price_of_kti_share_on_bundled_data(provinces):
    policy = ik.default_policy().add(ik.RegionBounds(max=5000)).replace(
        objective=ik.Maximize("jobs"))
    table = price_of(provinces, policy)
    assert len(table) == len(policy.constraints) == 3
    kti = table[table["constraint"].str.startswith("GroupShare(kti)")].iloc[0]
    with_ = ik.optimize(provinces, policy).objective
    without = ik.optimize(provinces, policy.without(int(kti["position"]))).objective
    assert kti["cost"] > 0
    assert kti["cost"] == pytest.approx(without - with_, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx((without - with_) / without * 100, rel=1e-9)
    free = table.iloc[2]
    assert not free["binding"]
    assert abs(free["cost"]) <= 1e-9 * free["objective_with"]
    assert (table["cost"] >= 0).all()


def test_price_of_weighted_keeps_the_yardstick(provinces):
    policy = ik.default_policy()
    table = price_of(provinces, policy)
    full = ik.optimize(provinces, policy)
    assert "normalized" in table.attrs["objective_units"]
    assert table["objective_with"].to_numpy() == pytest.approx(
        np.full(len(table), full.objective), rel=1e-9
    )
    assert (table["cost"] >= 0).all()
    # the relaxed plans are scored with the full policy's optima
    frozen = ik.Weighted(
        {m: w / full.optima[m] for m, w in policy.objective.weights.items()}, normalize=False
    )
    for _, row in table.iterrows():
        relaxed = ik.optimize(
            provinces, policy.without(int(row["position"])).replace(objective=frozen)
        )
        assert row["objective_without"] == pytest.approx(relaxed.objective, rel=1e-9)
        for m in ("jobs", "value_added", "spend"):
            assert row[f"{m}_without"] == pytest.approx(relaxed.outcomes[m], rel=1e-9)
            assert row[f"{m}_with"] == pytest.approx(full.outcomes[m], rel=1e-9)


def test_price_of_a_minimized_objective(tiny):
    # cheapest way to 500 jobs: C-p 10 + A-p 38 = Rp 48 bn; with KTI >= 50 % also B-p,
    # C-p 10 + A-p a + B-p (a - 10) with 18 a = 460: Rp 920/18 bn
    policy = ik.Policy(
        budget=ik.Budget(total=100),
        constraints=[ik.GroupShare("kti", min=0.5), ik.RegionBounds(max=80)],
        objective=ik.MinCost([ik.Target("jobs", min=500)]),
    )
    table = price_of(tiny, policy)
    kti, free = table.iloc[0], table.iloc[1]
    assert kti["objective_with"] == pytest.approx(920 / 18, rel=1e-9)
    assert kti["objective_without"] == pytest.approx(48, rel=1e-9)
    assert kti["cost"] == pytest.approx(920 / 18 - 48, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx((920 / 18 - 48) / 48 * 100, rel=1e-9)
    assert free["cost"] == 0.0 and not free["binding"]
    assert table.attrs["sense"] == "min"
    assert table.attrs["objective_units"] == "Rp bn"


def test_price_of_refuses_a_staged_objective(tiny):
    lex = ik.Lexicographic([ik.Maximize("jobs"), ik.Maximize("value_added")])
    policy = tiny_policy(ik.GroupShare("kti", min=0.3)).replace(objective=lex)
    with pytest.raises(ik.PolicyError, match="one priority at a time"):
        price_of(tiny, policy)


def test_price_of_records_a_failed_solve(tiny, monkeypatch):
    import ikmopt.analysis.price as price_module

    real = price_module.optimize

    def failing(data, policy, *args, **kw):
        if len(policy.constraints) == 1 and isinstance(policy.constraints[0], ik.GroupShare):
            raise ik.UnboundedError("the objective is unbounded (simulated)")
        return real(data, policy, *args, **kw)

    monkeypatch.setattr(price_module, "optimize", failing)
    policy = tiny_policy(ik.RegionBounds(max=1000), ik.GroupShare("kti", min=0.3))
    table = price_of(tiny, policy)
    broken = table.iloc[0]
    assert np.isnan(broken["objective_without"]) and np.isnan(broken["cost"])
    assert np.isnan(broken["jobs_without"])
    assert broken["error"] == "UnboundedError: the objective is unbounded (simulated)"
    assert table.iloc[1]["error"] == ""
    with pytest.raises(ik.InfeasibleError):
        price_of(tiny, tiny_policy(ik.Target("jobs", min=10_000)))


# ---------------------------------------------------------------------- charts
def test_frontier_plot(tiny, provinces):
    from matplotlib.axes import Axes

    fr = frontier(tiny, tiny_policy(), x="jobs", y="value_added", n=5)
    ax = fr.plot()
    assert isinstance(ax, Axes)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "frontier")
    assert line.get_xdata() == pytest.approx(fr.points["jobs"].to_numpy())
    assert line.get_ydata() == pytest.approx(fr.points["value_added"].to_numpy())
    assert ax.get_xlabel() == "jobs"
    assert ax.get_ylabel() == "value_added"  # the tiny data declares no units
    labelled = frontier(provinces, ik.default_policy(), x="jobs", y="value_added", n=3).plot()
    assert labelled.get_ylabel() == "value_added (Rp bn per year)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["frontier", "max value_added", "max jobs"]


def test_allocation_by_region(provinces):
    from matplotlib.axes import Axes

    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.allocation_by_region(result, top=10)
    assert isinstance(ax, Axes)
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top of the chart first
    widths = [b.get_width() for b in bars]
    expected = result.by("region")["spend"].sort_values(ascending=False).head(10)
    assert widths == pytest.approx(expected.to_numpy())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(expected.index)  # largest first, at the top
    groups = provinces.regions["island_group"].reindex(expected.index)
    colour_of = {}
    for bar, group in zip(bars, groups, strict=True):
        colour_of.setdefault(group, bar.get_facecolor())
        assert bar.get_facecolor() == colour_of[group]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == set(groups)
    # an Evaluation draws the same way, all regions by default
    ax = plot.allocation_by_region(ik.evaluate(provinces, result.allocation))
    assert len(ax.patches) == len(provinces.regions)


def test_program_mix(provinces, tiny):
    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.program_mix(result)
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(
        result.by("program")["spend"].reindex(provinces.programs.index).to_numpy()
    )
    stacked = plot.program_mix(result, stack="island_group")
    assert sum(p.get_height() for p in stacked.patches) == pytest.approx(2500)
    no_groups = ik.Dataset(
        tiny.regions.drop(columns="island_group").reset_index(),
        tiny.programs.reset_index(), tiny.impacts.reset_index(),
    )
    ax = plot.allocation_by_region(ik.optimize(no_groups, tiny_policy()))
    assert ax.get_legend() is None and len(ax.patches) == 3


@pytest.mark.parametrize("of", ["spend", "jobs"])
def test_lorenz_curve(provinces, of):
    from matplotlib.axes import Axes

    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.lorenz(result, of=of)
    assert isinstance(ax, Axes)
    curve = next(ln for ln in ax.get_lines() if ln.get_label() == "Lorenz curve")
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    assert (x[0], y[0]) == (0.0, 0.0)
    assert (x[-1], y[-1]) == pytest.approx((1.0, 1.0), abs=1e-12)
    assert len(x) == len(provinces.regions) + 1
    slopes = np.diff(y) / np.diff(x)
    assert (np.diff(slopes) >= -1e-9 * slopes.max()).all()  # convex
    assert (y <= x + 1e-12).all()  # below the diagonal
    gini = result.equity[(of, "gini")]
    area_gini = 1 - np.sum(np.diff(x) * (y[1:] + y[:-1]))
    assert area_gini == pytest.approx(gini, rel=1e-9)
    assert f"Gini {gini:.3f}" in ax.get_title()
    assert any(ln.get_label() == "equality" for ln in ax.get_lines())


def test_lorenz_from_an_evaluation_and_bad_input(tiny):
    equal = pd.Series(1.0, index=tiny.cells)
    ev = ik.evaluate(tiny, equal)
    _, _, gini = plot.lorenz_points(ev)
    assert gini == pytest.approx(ev.equity[("spend", "gini")])
    assert plot.lorenz(ev).get_title().endswith(f"(Gini {gini:.3f})")
    with pytest.raises(ik.DataError, match="of='exports'"):
        plot.lorenz(ev, of="exports")
    with pytest.raises(ik.DataError, match="nothing to draw"):
        plot.lorenz(ik.evaluate(tiny, equal * 0))


def test_headless_backend_is_agg_unless_chosen():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    code = ("import ikmopt.plot as p, matplotlib; p.pyplot(); "
            "print(matplotlib.get_backend().lower())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.strip()
    if sys.platform.startswith("linux"):
        assert out == "agg"
    chosen = subprocess.run(
        [sys.executable, "-c", "import matplotlib; matplotlib.use('pdf'); " + code],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert chosen == "pdf"
