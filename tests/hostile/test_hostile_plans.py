"""Hostile policies that once gave a silently wrong plan, and the warnings that now say so.

Each case failed before its fix: a rule dropped when the budget had no total, contradictory
shares solved to an empty "optimal" plan, a coefficient far out of scale not flagged, an
upper bound on a curved outcome met only on paper, equity rules that did not count regions
without cells. Every plan is checked by ``policy_check`` (which reads the rules, not the
LP rows) or against the measures of ``ik.evaluate``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ikmopt as ik
from helpers.hostile import expect_error
from helpers.policy_check import violations
from helpers.tiny import tiny_tables


def solve_quiet(data: ik.Dataset, policy: ik.Policy, **options) -> tuple[ik.Result, list[str]]:
    """Solve and return the result with the messages of every warning raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ik.optimize(data, policy, **options)
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


BUDGETS = {
    "total": ik.Budget(total=60),
    "by-only": ik.Budget(by={"program": {"p": 40, "q": 40}}),
    "spend-all": ik.Budget(total=60, spend_all=True),
    "total-and-by": ik.Budget(total=60, by={"channel": {"DAK": 45}}),
}

#: One rule of every family that works without a budget total (share-of-budget bounds need
#: one and are refused without it).
RULES = {
    "floor": ik.RegionBounds(min=25, regions=["B"]),
    "cap": ik.RegionBounds(max=20),
    "per-capita-cap": ik.RegionBounds(max_rp_per_capita=30_000),
    "group-share": ik.GroupShare("kti", min=0.55),
    "program-share": ik.ProgramShare("q", min=0.3),
    "target": ik.Target("jobs", min=300),
    "gini": ik.GiniCap(max=0.2),
    "outcome-equity": ik.OutcomeEquity("jobs", min_ratio=0.3),
}


# ---------------------------------------------------------------------- item 1: no rule dropped
@pytest.mark.parametrize("budget", list(BUDGETS), ids=list(BUDGETS))
@pytest.mark.parametrize("rule", list(RULES), ids=list(RULES))
def test_every_rule_keeps_its_rows_with_any_budget(tiny, budget, rule):
    policy = ik.Policy(BUDGETS[budget], [RULES[rule]])
    try:
        result, _ = solve_quiet(tiny, policy)
    except ik.InfeasibleError:
        pytest.skip("this combination is infeasible on the tiny data")  # covered elsewhere
    rows = result.constraints[result.constraints["constraint"] == RULES[rule].describe()]
    assert len(rows), f"{RULES[rule].describe()} has no rows in result.constraints"
    assert not violations(tiny, policy, result.allocation), violations(
        tiny, policy, result.allocation)


def test_region_cap_without_a_budget_total_holds(tiny):
    """Budget(by=...) with RegionBounds(max=...): the cap was dropped (inf * 0 = NaN)."""
    policy = ik.Policy(ik.Budget(by={"program": {"p": 1100, "q": 1100}}),
                       [ik.RegionBounds(max=10)])
    result, _ = solve_quiet(tiny, policy)
    assert result.by("region")["spend"].max() <= 10 + 1e-7
    assert (result.constraints["family"] == "region_bounds").sum() == 3


def test_region_floor_without_a_budget_total_holds(tiny):
    policy = ik.Policy(ik.Budget(by={"program": {"p": 30, "q": 30}}),
                       [ik.RegionBounds(min=40, regions=["B"])])
    result, _ = solve_quiet(tiny, policy)
    assert result.by("region")["spend"]["B"] >= 40 - 1e-7


def test_share_of_budget_without_a_total_names_the_rule(tiny):
    policy = ik.Policy(ik.Budget(by={"program": {"p": 30}}), [ik.RegionBounds(min_share=0.1)])
    expect_error(lambda: ik.optimize(tiny, policy), ik.PolicyError, "RegionBounds",
                 "min_share", "Budget(total=...)")


# ---------------------------------------------------------------------- item 2: unspent money
def test_contradictory_shares_of_one_group_are_refused():
    expect_error(lambda: ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.6),
                                                         ik.GroupShare("kti", max=0.4)]),
                 ik.PolicyError, "GroupShare(kti) min 60%", "GroupShare(kti) max 40%",
                 "spending nothing")


def test_share_floors_of_one_level_adding_past_one_are_refused():
    expect_error(lambda: ik.Policy(ik.Budget(total=60), [
        ik.GroupShare("island_group", value="west", min=0.6),
        ik.GroupShare("island_group", value="east", min=0.5)]),
        ik.PolicyError, "island_group", "1.1", "more than 1")


def test_shares_that_only_an_empty_plan_meets_are_warned_and_named(tiny):
    """KTI >= 60 % and the west island group >= 50 %: the plan spends nothing."""
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.6),
                                             ik.GroupShare("island_group", value="west",
                                                           min=0.5)])
    with pytest.warns(ik.UnspentBudgetWarning, match="GroupShare"):
        result = ik.optimize(tiny, policy)
    assert result.outcomes["spend"] == pytest.approx(0.0, abs=1e-7)
    assert result.unspent is not None
    named = set(result.unspent.holding["constraint"])
    assert named == {"GroupShare(kti) min 60%", "GroupShare(island_group=west) min 50%"}
    assert result.summary().splitlines()[3].startswith("WARNING: Rp 60.0 bn of the budget")


def test_a_cap_holding_money_back_is_named_with_the_amount(tiny):
    policy = ik.Policy(ik.Budget(total=100), [ik.RegionBounds(max=20)])
    with pytest.warns(ik.UnspentBudgetWarning, match=r"RegionBounds\(max=20"):
        result = ik.optimize(tiny, policy)
    # three regions of at most 20: Rp 60 bn spent, and without the cap all 100 could be
    assert result.outcomes["spend"] == pytest.approx(60)
    assert result.unspent.holding["more"].iloc[0] == pytest.approx(40)


def test_an_outcome_ceiling_holding_money_back_is_named(tiny):
    policy = ik.Policy(ik.Budget(total=100), [ik.Target("jobs", max=300)])
    with pytest.warns(ik.UnspentBudgetWarning, match=r"Target\(jobs\) max 300"):
        ik.optimize(tiny, policy)


def test_a_fully_spent_or_capacity_bound_plan_is_not_warned_about(tiny):
    for budget in (60, 500):  # spent in full; more than every capacity together
        with warnings.catch_warnings():
            warnings.simplefilter("error", ik.UnspentBudgetWarning)
            result = ik.optimize(tiny, ik.Policy(ik.Budget(total=budget)))
        assert result.unspent is None


def test_min_cost_keeps_money_on_purpose(tiny):
    policy = ik.Policy(ik.Budget(total=200), objective=ik.MinCost([ik.Target("jobs", min=100)]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ik.UnspentBudgetWarning)
        assert ik.optimize(tiny, policy).unspent is None


def test_cells_whose_metric_is_zero_are_no_room(tables):
    regions, programs, impacts = tables
    impacts.loc[impacts["region"] == "C", "jobs"] = 0.0
    data = ik.Dataset(regions, programs, impacts)
    policy = ik.Policy(ik.Budget(total=200), objective=ik.Maximize("jobs"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ik.UnspentBudgetWarning)
        assert ik.optimize(data, policy).unspent is None


def test_the_cli_shows_the_unspent_warning(tmp_path, capsys):
    from ikmopt.cli import main

    file = tmp_path / "empty.yaml"
    file.write_text("budget: {total: 2500}\nconstraints:\n"
                    "  - group_share: {group: kti, min: 0.6}\n"
                    "  - group_share: {group: island_group, value: Jawa, min: 0.5}\n",
                    encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        assert main(["solve", str(file)]) == 0
    out = capsys.readouterr().out
    assert "WARNING: Rp 2,500.0 bn of the budget" in out
    assert "GroupShare(kti) min 60%" in out


# ---------------------------------------------------------------------- item 3: scaling
def test_a_coefficient_far_out_of_scale_is_flagged_naming_the_cell(tables):
    regions, programs, impacts = tables
    impacts.loc[0, "jobs"] = 1e9
    data = ik.Dataset(regions, programs, impacts)
    with pytest.warns(ik.ScalingWarning, match=r"objective's coefficients.*\(A, p\)"):
        ik.optimize(data, ik.Policy(ik.Budget(total=60)))


def test_bounds_far_out_of_scale_are_flagged(tiny):
    with pytest.warns(ik.ScalingWarning, match="cannot tell them from zero"):
        ik.optimize(tiny, ik.Policy(ik.Budget(total=60), [ik.Target("jobs", min=1e-9)]))


# ---------------------------------------------------------------------- curves in order
def test_a_ceiling_on_a_curved_outcome_is_met_by_the_real_outcome():
    """The LP could fill a cheap later segment first; the evaluated outcome broke the cap."""
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.Policy(ik.Budget(total=971), [ik.Target("jobs", max=6_000)])
    result, _ = solve_quiet(data, policy)
    measured = ik.evaluate(data, result.allocation).outcomes["jobs"]
    assert measured <= 6_000 * (1 + 1e-6)
    assert result.outcomes["jobs"] == pytest.approx(measured)
    assert "curves kept in order" in result.summary()


def test_curves_stay_an_lp_when_the_plan_fills_them_in_order():
    data = ik.datasets.load("indonesia-provinces")
    result = ik.optimize(data, ik.default_policy())
    assert not result.lp.is_mip


# ---------------------------------------------------------------------- item 20: empty regions
def _without_cells(region: str) -> ik.Dataset:
    regions, programs, impacts = tiny_tables()
    return ik.Dataset(regions, programs, impacts[impacts["region"] != region])


def test_a_gini_cap_counts_regions_without_cells_as_the_report_does():
    data = _without_cells("C")
    result, _ = solve_quiet(data, ik.Policy(ik.Budget(total=60), [ik.GiniCap(max=0.35)]))
    gini = result.equity[("spend", "gini")]
    assert gini <= 0.35 + 1e-6
    row = result.constraints.query("family == 'gini'").iloc[0]
    assert row["activity"] == pytest.approx(gini, abs=1e-6)


def test_an_equity_floor_refuses_regions_without_cells():
    policy = ik.Policy(ik.Budget(total=60), [ik.OutcomeEquity("jobs", min_ratio=0.3)])
    expect_error(lambda: ik.optimize(_without_cells("C"), policy), ik.PolicyError,
                 "OutcomeEquity", "(C)", "no cells", "allow no outcome")


def test_maxmin_refuses_regions_without_cells():
    policy = ik.Policy(ik.Budget(total=60), objective=ik.MaxMin("jobs"))
    expect_error(lambda: ik.optimize(_without_cells("B"), policy), ik.PolicyError,
                 "MaxMin", "B", "no cells")


def test_equity_rules_count_regions_of_a_group_without_cells():
    """An island group with no cells is a group at zero in the cap, not a missing one."""
    regions, programs, impacts = tiny_tables()
    regions.loc[len(regions)] = ["D", 4_000_000, True, "north", 30.0]
    data = ik.Dataset(regions, programs, impacts)
    result, _ = solve_quiet(data, ik.Policy(ik.Budget(total=60),
                                            [ik.GiniCap(max=0.6, by="island_group")]))
    row = result.constraints.query("family == 'gini'").iloc[0]
    by_group = result.by("island_group")
    pop = data.regions.groupby("island_group")["population"].sum()
    per_capita = (by_group["spend"].reindex(pop.index).fillna(0.0) / pop).to_numpy()
    assert row["activity"] == pytest.approx(ik.equity.gini(per_capita, pop.to_numpy()),
                                            abs=1e-6)


# ---------------------------------------------------------------------- item 17: labels
def test_money_labels_follow_the_dataset_unit(tiny):
    assert tiny.money_unit == "Rp bn"
    assert "money in Rp bn" in repr(ik.datasets.load("indonesia-provinces"))


def test_summary_prints_jobs_whole_shares_as_percentages_and_says_how_many_rows(tiny):
    policy = ik.Policy(ik.Budget(total=60), [ik.RegionBounds(min=1), ik.GroupShare("kti",
                                                                                    min=0.6)])
    result = ik.optimize(tiny, policy)
    text = result.summary()
    outcomes = text.split("Outcomes")[1].split("\n\n")[0]
    jobs_line = next(line for line in outcomes.splitlines() if "jobs" in line)
    assert "." not in jobs_line.split()[1]
    assert "%" in text.split("Program split")[1]
    assert "60.0%" in text  # the KTI share row as a percentage
    short = result.summary(top=1)
    binding = next(line for line in short.splitlines() if line.startswith("Binding"))
    assert binding.startswith("Binding constraints (2; the 1 with the largest prices shown)")


def test_data_with_numbers_of_every_family_keep_a_price_per_step(tiny):
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.6), ik.GiniCap(max=0.3)])
    table = ik.optimize(tiny, policy).constraints.set_index("family")
    assert table.loc["share", "price_per"] == "1 pp"
    assert table.loc["gini", "price_per"] == "0.01 Gini"
    assert table.loc["budget", "price_per"] == "Rp 1 bn"
    assert table.loc["share", "price"] == pytest.approx(table.loc["share", "shadow_price"] / 100)


def test_summary_never_prints_nan_prices_for_an_empty_plan(tiny):
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.6),
                                             ik.GroupShare("island_group", value="west",
                                                           min=0.5)])
    result, _ = solve_quiet(tiny, policy)
    assert np.isnan(result.constraints.query("family == 'share'")["activity"]).all()
    assert isinstance(result.summary(), str)


def test_compare_shows_an_added_programs_whole_spend(tmp_path, tables):
    """A scenario that adds a program differs from the baseline by all of its spend."""
    regions, programs, impacts = tables
    base = ik.Dataset(regions, programs, impacts[impacts["program"] == "p"], name="base")
    policy = ik.Policy(ik.Budget(total=120))  # more than program p can absorb (Rp 90 bn)
    baseline = ik.Scenario("baseline", policy, dataset={"path": str(tmp_path / "base")})
    grown = ik.Scenario("with-q", policy, dataset={"path": str(tmp_path / "full")})
    base.to_csv(tmp_path / "base")
    ik.Dataset(regions, programs, impacts, name="full").to_csv(tmp_path / "full")
    batch = ik.run_scenarios([baseline, grown], ik.InProcessExecutor(), progress=False)
    table = batch.compare("baseline").by_program.set_index(["scenario", "program"])
    q_spend = batch["with-q"].tables["by_program"].set_index("program").loc["q", "spend"]
    assert q_spend > 0
    assert table.loc[("with-q", "q"), "diff"] == pytest.approx(q_spend)
    assert table.loc[("baseline", "q"), "spend"] == 0.0
