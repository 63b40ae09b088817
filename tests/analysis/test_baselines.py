"""Rules of thumb (ikmopt.rules) and the value of optimization."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.policy_check import violations
from ikmopt import rules

REL = 1e-9


# ---------------------------------------------------------------------- hand-built data
def hand() -> ik.Dataset:
    """Three regions x two programs; capacities A 50+50, B 30+40, C 10+20 (total 200).

    Poor population: A 1M x 5 % = 50k, B 2M x 12 % = 240k, C 0.5M x 20 % = 100k. ``ikk``
    is a construction cost index (C the dearest).
    """
    regions = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "population": [1_000_000, 2_000_000, 500_000],
            "poverty_rate_pct": [5.0, 12.0, 20.0],
            "imk_establishments": [300, 100, 100],
            "fiscal": [1.0, 2.0, 4.0],
            "ikk": [0.8, 1.0, 1.2],
            "kti": [False, True, True],
        }
    )
    programs = pd.DataFrame({"program": ["p", "q"]})
    impacts = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C"],
            "program": ["p", "q", "p", "q", "p", "q"],
            "jobs": [10.0, 6.0, 8.0, 4.0, 12.0, 5.0],
            "value_added": [1.0, 2.0, 0.5, 1.5, 0.8, 1.0],
            "capacity": [50.0, 50.0, 30.0, 40.0, 10.0, 20.0],
        }
    )
    return ik.Dataset(regions, programs, impacts, name="hand")


def cells(plan: pd.Series) -> dict[tuple[str, str], float]:
    return {k: float(v) for k, v in plan.items()}


def expect(plan: pd.Series, wanted: dict[tuple[str, str], float]) -> None:
    full = dict.fromkeys(plan.index, 0.0) | wanted
    assert plan.name == "spend"
    assert cells(plan) == pytest.approx(full, rel=1e-12, abs=1e-12)


def test_equal_splits_by_region_then_by_capacity():
    expect(rules.equal(hand(), 60), {
        ("A", "p"): 10, ("A", "q"): 10,
        ("B", "p"): 20 * 3 / 7, ("B", "q"): 20 * 4 / 7,
        ("C", "p"): 20 / 3, ("C", "q"): 40 / 3,
    })


def test_equal_caps_a_full_region_and_shares_the_excess():
    # 50 each, but C holds only 30: its 20 extra go to A and B equally (60 each)
    expect(rules.equal(hand(), 150), {
        ("A", "p"): 30, ("A", "q"): 30,
        ("B", "p"): 60 * 3 / 7, ("B", "q"): 60 * 4 / 7,
        ("C", "p"): 10, ("C", "q"): 20,
    })
    # 60 each: C capped at 30, then 75 each for A and B, B capped at 70, A gets 80
    expect(rules.equal(hand(), 180), {
        ("A", "p"): 40, ("A", "q"): 40, ("B", "p"): 30, ("B", "q"): 40,
        ("C", "p"): 10, ("C", "q"): 20,
    })


def test_population_is_proportional_to_population():
    expect(rules.population(hand(), 70), {
        ("A", "p"): 10, ("A", "q"): 10,
        ("B", "p"): 40 * 3 / 7, ("B", "q"): 40 * 4 / 7,
        ("C", "p"): 10 / 3, ("C", "q"): 20 / 3,
    })


def test_poverty_weighted_uses_poor_population_and_redistributes_in_two_rounds():
    # 50k : 240k : 100k
    by_region = rules.poverty_weighted(hand(), 39).groupby(level="region").sum()
    assert by_region.to_dict() == pytest.approx({"A": 5, "B": 24, "C": 10})
    # 117: B's 72 > 70 -> capped; 47 over A:C = 1:2 gives C 31.33 > 30 -> capped; A gets 17
    expect(rules.poverty_weighted(hand(), 117), {
        ("A", "p"): 8.5, ("A", "q"): 8.5, ("B", "p"): 30, ("B", "q"): 40,
        ("C", "p"): 10, ("C", "q"): 20,
    })


def test_ikm_units_is_proportional_to_the_column():
    by_region = rules.ikm_units(hand(), 50).groupby(level="region").sum()
    assert by_region.to_dict() == pytest.approx({"A": 30, "B": 10, "C": 10})
    by_fiscal = rules.ikm_units(hand(), 70, column="fiscal").groupby(level="region").sum()
    # 10 : 20 : 40, but C holds 30: its extra 10 goes to A and B as 1 : 2
    assert by_fiscal.to_dict() == pytest.approx({"A": 10 + 10 / 3, "B": 20 + 20 / 3, "C": 30})


def test_last_year_over_cells_rescales_and_caps():
    data = hand()
    before = pd.Series([1.0, 3.0], index=pd.MultiIndex.from_tuples(
        [("A", "p"), ("B", "q")], names=["region", "program"]))
    expect(rules.last_year(data, 40, before), {("A", "p"): 10, ("B", "q"): 30})
    # 60: B-q would get 45 > 40, so it holds 40 and A-p takes the other 20
    expect(rules.last_year(data, 60, before), {("A", "p"): 20, ("B", "q"): 40})
    # as a frame with a spend column
    expect(rules.last_year(data, 40, before.rename("spend").to_frame()),
           {("A", "p"): 10, ("B", "q"): 30})


def test_last_year_over_regions_splits_by_capacity():
    before = pd.Series({"A": 2.0, "C": 1.0})
    expect(rules.last_year(hand(), 30, before), {
        ("A", "p"): 10, ("A", "q"): 10, ("C", "p"): 10 / 3, ("C", "q"): 20 / 3,
    })
    named = before.rename_axis("region")
    assert rules.last_year(hand(), 30, named).equals(rules.last_year(hand(), 30, before))


def test_last_year_of_a_rule_repeats_it():
    data = ik.datasets.load("indonesia-provinces")
    before = rules.dak_index(data, 1000)
    again = rules.last_year(data, 1000, before)
    assert np.allclose(again.to_numpy(), before.to_numpy(), rtol=1e-12, atol=1e-12)


def test_dak_index_terms_by_hand():
    data = hand()
    # each term alone
    pov = rules.dak_index(data, 37, weights={"poverty": 1}).groupby(level="region").sum()
    assert pov.to_dict() == pytest.approx({"A": 5, "B": 12, "C": 20})
    # a cost index enters as it stands: 0.8 : 1.0 : 1.2 of Rp 30 bn (nothing capped)
    ikk = rules.dak_index(data, 30, weights={"cost": 1}, cost_column="ikk")
    assert ikk.groupby(level="region").sum().to_dict() == pytest.approx(
        {"A": 8, "B": 10, "C": 12})
    pop = rules.dak_index(data, 70, weights={"population": 2.0})
    assert np.allclose(pop.to_numpy(), rules.population(data, 70).to_numpy(), rtol=1e-12)
    # default cost measure: Rp bn per job at capacity, A 100/800, B 70/400, C 30/220
    terms = rules.dak_index_terms(data)
    cost = np.array([100 / 800, 70 / 400, 30 / 220])
    assert terms["cost_measure"].tolist() == pytest.approx(list(cost))
    assert terms["cost"].tolist() == pytest.approx(list(cost / cost.sum()))
    # default weights: a quarter of each normalized term
    shares = (np.array([1, 2, 0.5]) / 3.5 + np.array([5, 12, 20]) / 37
              + np.array([3, 1, 1]) / 5 + cost / cost.sum()) / 4
    assert terms["index"].tolist() == pytest.approx(list(shares))
    assert terms["share"].tolist() == pytest.approx(list(shares))  # weights sum to 1
    by_region = rules.dak_index(data, 40).groupby(level="region").sum()  # nothing capped
    assert by_region.tolist() == pytest.approx(list(40 * shares))


def test_dak_index_gives_more_where_construction_costs_more():
    """The direction of the construction cost index (IKK) in the DAU formula (PMK 48/2016).

    A dearer region gets more, everything else equal; raising one region's index raises
    its share and lowers every other region's.
    """
    data = hand()
    weights = {"population": 1, "poverty": 1, "ikm_units": 1, "cost": 1}
    base = rules.dak_index_terms(data, weights=weights, cost_column="ikk")
    same = data.replace(regions=data.regions.assign(ikk=1.0))
    flat = rules.dak_index_terms(same, weights=weights, cost_column="ikk")
    assert base.loc["C", "share"] > flat.loc["C", "share"]  # the dearest gains
    assert base.loc["A", "share"] < flat.loc["A", "share"]  # the cheapest loses
    dearer = data.replace(regions=data.regions.assign(ikk=[0.8, 1.5, 1.2]))
    up = rules.dak_index_terms(dearer, weights=weights, cost_column="ikk")
    assert up.loc["B", "share"] > base.loc["B", "share"]
    assert (up.loc[["A", "C"], "share"] < base.loc[["A", "C"], "share"]).all()
    # the default cost measure, Rp bn per job, goes the same way: a region whose jobs
    # cost twice as much (its coefficients halved) gets a larger cost term
    dear_jobs = data.scale("jobs", 0.5, where={"region": "B"})
    assert (rules.dak_index_terms(dear_jobs).loc["B", "cost"]
            > rules.dak_index_terms(data).loc["B", "cost"])


def test_a_budget_object_gives_its_total():
    data = hand()
    assert rules.equal(data, ik.Budget(total=60)).equals(rules.equal(data, 60))
    assert rules.equal(data, 0).sum() == 0


# ---------------------------------------------------------------------- every rule, big data
def all_rules(data: ik.Dataset, budget: float) -> dict[str, pd.Series]:
    plans = {name: rule(data, budget) for name, rule in rules.RULES.items()}
    seed = np.random.default_rng(7)
    random_cells = pd.Series(0.01 + seed.random(data.n_cells), index=data.cells)
    plans["last_year_cells"] = rules.last_year(data, budget, random_cells)
    plans["last_year_regions"] = rules.last_year(
        data, budget, pd.Series(seed.random(len(data.regions)), index=data.regions.index))
    plans["dak_fiscal"] = rules.dak_index(data, budget, cost_column="population",
                                          weights={"poverty": 1, "cost": 3})
    return plans


def check_plans(data: ik.Dataset, budget: float) -> None:
    cap = data.impacts["capacity"].to_numpy()
    for name, plan in all_rules(data, budget).items():
        assert plan.index.equals(data.cells), name
        x = plan.to_numpy()
        assert abs(x.sum() - budget) <= REL * budget, name
        assert (x >= 0).all(), name
        assert (x <= cap).all(), name


@pytest.mark.parametrize("share", [0.1, 0.45, 0.9])
def test_every_rule_spends_the_budget_within_capacity_bundled(share):
    data = ik.datasets.load("indonesia-provinces")
    check_plans(data, share * data.impacts["capacity"].sum())


@pytest.mark.parametrize("share", [0.05, 0.5, 0.95])
def test_every_rule_spends_the_budget_within_capacity_synthetic(share):
    data = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=3)
    check_plans(data, share * data.impacts["capacity"].sum())


def test_heavy_budget_caps_many_cells_and_still_spends_exactly():
    data = ik.datasets.load("indonesia-provinces")
    total = data.impacts["capacity"].sum()
    plan = rules.equal(data, 0.98 * total)
    full = plan.to_numpy() >= data.capacity * (1 - 1e-12)
    assert full.mean() > 0.5  # water-filling did real work
    assert plan.sum() == pytest.approx(0.98 * total, rel=REL)
    everything = rules.population(data, total)  # exactly the capacity: every cell full
    assert np.allclose(everything.to_numpy(), data.capacity, rtol=1e-9)


def test_regions_not_capped_keep_their_proportions():
    data = ik.datasets.load("indonesia-provinces")
    plan = rules.population(data, 850)
    region = plan.groupby(level="region", sort=False).sum()
    room = data.impacts["capacity"].groupby(level="region", sort=False).sum()
    free = (region < room * (1 - 1e-9)).to_numpy()
    assert free.any() and (~free).any()
    ratio = region.to_numpy()[free] / data.population[free]
    assert np.allclose(ratio, ratio[0], rtol=1e-9)  # same spend per head where not full


# ---------------------------------------------------------------------- errors
def test_budget_above_capacity_names_both_numbers():
    with pytest.raises(ik.PolicyError, match=r"equal: budget Rp 201.00 bn .* Rp 200.00 bn"):
        rules.equal(hand(), 201)
    before = pd.Series({"A": 1.0})
    with pytest.raises(ik.PolicyError, match=r"last_year: budget Rp 120.00 bn .* Rp 100.00 bn"):
        rules.last_year(hand(), 120, before)


@pytest.mark.parametrize("budget", [-1, float("nan"), "lots", True])
def test_bad_budget_is_a_policy_error_naming_it(budget):
    with pytest.raises(ik.PolicyError, match="population: budget"):
        rules.population(hand(), budget)


def test_budget_without_total():
    with pytest.raises(ik.PolicyError, match="has no total"):
        rules.equal(hand(), ik.Budget(by={"program": {"p": 10}}))


def test_not_a_dataset():
    with pytest.raises(ik.DataError, match=r"equal: needs an ik\.Dataset"):
        rules.equal(pd.DataFrame(), 10)


def test_missing_column_is_a_data_error_naming_it():
    with pytest.raises(ik.DataError, match=r"column='imk_establishment' .*did you mean "
                                           r"'imk_establishments'"):
        rules.ikm_units(hand(), 10, column="imk_establishment")
    with pytest.raises(ik.DataError, match=r"column='units' is not a column .* its columns "):
        rules.ikm_units(hand(), 10, column="units")
    with pytest.raises(ik.DataError, match="poverty_column='poverty'"):
        rules.dak_index(hand(), 10, poverty_column="poverty")
    with pytest.raises(ik.PolicyError, match="column must be the name"):
        rules.ikm_units(hand(), 10, column=3)


@pytest.mark.parametrize(("value", "check"), [(-5.0, "must not be negative"),
                                              (np.nan, "missing value"),
                                              ("many", "not a number")])
def test_bad_column_values_name_column_and_region(value, check):
    data = hand()
    regions = data.regions.copy()
    regions["imk_establishments"] = regions["imk_establishments"].astype(object)
    regions.loc["B", "imk_establishments"] = value
    data = data.replace(regions=regions)
    with pytest.raises(ik.DataError, match=check) as info:
        rules.ikm_units(data, 10)
    assert "imk_establishments" in str(info.value) and "'B'" in str(info.value)
    assert info.value.failure_cases["label"].tolist() == ["B"]


def test_all_zero_weights_are_rejected():
    data = hand()
    regions = data.regions.assign(imk_establishments=0)
    with pytest.raises(ik.DataError, match="0 for every region"):
        rules.ikm_units(data.replace(regions=regions), 10)


def test_last_year_bad_allocations():
    data = hand()
    with pytest.raises(ik.DataError, match=r"region\(s\) not in dataset 'hand': \['D'\]"):
        rules.last_year(data, 10, pd.Series({"A": 1.0, "D": 2.0}))
    unknown_cell = pd.Series([1.0], index=pd.MultiIndex.from_tuples(
        [("A", "z")], names=["region", "program"]))
    with pytest.raises(ik.DataError, match=r"cell\(s\) not in dataset 'hand'.*'z'"):
        rules.last_year(data, 10, unknown_cell)
    with pytest.raises(ik.DataError, match="indexed by \\['program'\\]"):
        rules.last_year(data, 10, pd.Series({"p": 1.0}).rename_axis("program"))
    with pytest.raises(ik.DataError, match="negative"):
        rules.last_year(data, 10, pd.Series({"A": -1.0, "B": 2.0}))
    with pytest.raises(ik.DataError, match="spends nothing"):
        rules.last_year(data, 10, pd.Series({"A": 0.0}))
    with pytest.raises(ik.DataError, match="more than once"):
        rules.last_year(data, 10, pd.Series([1.0, 2.0], index=["A", "A"]))
    with pytest.raises(ik.DataError, match="must be a pandas Series"):
        rules.last_year(data, 10, {"A": 1.0})
    with pytest.raises(ik.DataError, match="needs a 'spend' column"):
        rules.last_year(data, 10, pd.DataFrame({"money": [1.0]}, index=["A"]))


def test_dak_index_bad_weights_and_costs():
    data = hand()
    with pytest.raises(ik.PolicyError, match=r"unknown weight 'povrty'.*'poverty'"):
        rules.dak_index(data, 10, weights={"povrty": 1})
    with pytest.raises(ik.PolicyError, match=r"weights\['cost'\] must be >= 0"):
        rules.dak_index(data, 10, weights={"cost": -1})
    with pytest.raises(ik.PolicyError, match="every weight is 0"):
        rules.dak_index(data, 10, weights={"cost": 0})
    with pytest.raises(ik.PolicyError, match="unknown metric 'job'"):
        rules.dak_index(data, 10, metric="job")
    zero = data.replace(regions=data.regions.assign(fiscal=[1.0, 0.0, 2.0]))
    with pytest.raises(ik.DataError, match=r"cost_column 'fiscal' must be greater than 0.*'B'"):
        rules.dak_index(zero, 10, cost_column="fiscal")


# ---------------------------------------------------------------------- value of optimization
def jobs_policy(total: float) -> ik.Policy:
    return ik.Policy(budget=ik.Budget(total=total), objective=ik.Maximize("jobs"))


@pytest.mark.parametrize("which", ["bundled", "synthetic", "hand"])
def test_optimum_beats_every_rule_with_only_a_budget(which):
    if which == "bundled":
        data, total = ik.datasets.load("indonesia-provinces"), 971.0
    elif which == "synthetic":
        data = ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=2, seed=1)
        total = 0.4 * data.impacts["capacity"].sum()
    else:
        data, total = hand(), 120.0
    last = rules.population(data, total / 2)
    value = rules.value_of_optimization(data, jobs_policy(total), last_year=last)
    table = value.table.set_index("plan")
    assert list(table.index) == ["optimized", *rules.RULES, "last_year"]
    assert table["satisfies_policy"].all() and value.checks.to_numpy().all()
    assert table["spend"].to_numpy() == pytest.approx(total, rel=REL)
    # the objective is jobs (curves included): the optimum is at least every rule
    assert table["objective"].to_numpy() == pytest.approx(table["jobs"].to_numpy(), rel=1e-9)
    best = table.loc["optimized", "objective"]
    assert (table["objective"] <= best * (1 + 1e-9)).all()
    assert (table["gain_pct"].drop("optimized") >= -1e-7).all()
    gain = (best - table["objective"]) / table["objective"] * 100
    assert table["gain_pct"].to_numpy() == pytest.approx(gain.to_numpy(), abs=1e-9)
    for name, plan in value.allocations.items():
        assert plan.sum() == pytest.approx(total, rel=1e-7), name


def test_hand_instance_gain_by_hand():
    # budget-only jobs optimum on the hand data, Rp 30 bn: C-p (12) 10, A-p (10) 20 -> 320
    value = rules.value_of_optimization(hand(), jobs_policy(30), rules=["equal"])
    table = value.table.set_index("plan")
    assert table.loc["optimized", "jobs"] == pytest.approx(320)
    # equal: 10 per region; A 5+5 -> 80, B 30/7 x 8 + 40/7 x 4 -> 400/7, C 10/3 x 12 + 20/3 x 5
    equal_jobs = 80 + 400 / 7 + (40 + 100 / 3)
    assert table.loc["equal", "jobs"] == pytest.approx(equal_jobs)
    assert table.loc["equal", "gain_pct"] == pytest.approx((320 / equal_jobs - 1) * 100)


def test_default_policy_checks_agree_with_the_independent_checker():
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy()
    value = rules.value_of_optimization(data, policy)
    table = value.table.set_index("plan")
    for name, plan in value.allocations.items():
        broken = violations(data, policy, plan)
        assert table.loc[name, "satisfies_policy"] == (not broken), (name, broken)
    # both kinds occur, so the comparison above can fail either way
    assert table["satisfies_policy"].any() and not table["satisfies_policy"].all()
    assert not value.checks.loc["population", policy.constraints[0].describe()]
    ok = table[table["satisfies_policy"]]
    assert (ok["gain_pct"] >= -1e-7).all()
    assert "RegionBounds" in table.loc["population", "violated"]


def test_checks_cover_budget_limits_and_targets():
    data = hand()
    policy = ik.Policy(
        budget=ik.Budget(total=60, by={"program": {"q": 25}}),
        constraints=[ik.Target("jobs", min=400), ik.GroupShare("kti", min=0.5)],
        objective=ik.Maximize("jobs"),
    )
    value = rules.value_of_optimization(data, policy, rules=["equal", "population"])
    for name, plan in value.allocations.items():
        broken = violations(data, policy, plan)
        assert value.checks.loc[name].all() == (not broken), (name, broken)
    # equal puts 10 + 80/7 + 40/3 = 34.8 into q > 25 and makes 421 jobs; population 396
    checks = value.checks
    assert list(checks.columns) == [rules.CAPACITY_CHECK, policy.budget.describe(),
                                    *(c.describe() for c in policy.constraints)]
    assert checks[rules.CAPACITY_CHECK].all()
    assert not checks.loc["equal", policy.budget.describe()]
    assert checks.loc["equal", policy.constraints[0].describe()]
    assert not checks.loc["population", policy.constraints[0].describe()]
    assert checks.loc[:, policy.constraints[1].describe()].all()


def test_checks_of_rules_with_auxiliary_columns_match_their_meaning():
    data = ik.datasets.load("indonesia-provinces")
    gini_spend = ik.GiniCap(of="spend", max=0.3)
    gini_jobs = ik.GiniCap(of="jobs", max=0.3)
    equity = ik.OutcomeEquity("jobs", min_ratio=0.5)
    policy = ik.Policy(budget=ik.Budget(total=971), constraints=[gini_spend, gini_jobs, equity],
                       objective=ik.Maximize("jobs"))
    value = rules.value_of_optimization(data, policy)
    checks = value.checks
    seen = set()
    for name, plan in value.allocations.items():
        measured = ik.evaluate(data, plan)
        ratio = measured.per_capita["jobs"] / (
            measured.outcomes["jobs"] / data.population.sum() * 1e5)
        expected = {
            gini_spend.describe(): measured.equity[("spend", "gini")] <= 0.3 + 1e-7,
            gini_jobs.describe(): measured.equity[("jobs", "gini")] <= 0.3 + 1e-7,
            equity.describe(): ratio.min() >= 0.5 - 1e-7,
        }
        for rule, ok in expected.items():
            assert checks.loc[name, rule] == ok, (name, rule)
            seen.add(ok)
    assert seen == {True, False}
    # the equal split breaks the spend Gini cap; a split by population leaves provinces
    # with few jobs per head below half the national figure
    assert not checks.loc["equal", gini_spend.describe()]
    assert not checks.loc["population", equity.describe()]


def test_objective_of_the_optimum_itself_matches_result():
    data = ik.datasets.load("indonesia-provinces")
    policy = ik.default_policy()
    result = ik.optimize(data, policy)
    value = rules.value_of_optimization(data, policy, rules={"copy": result.allocation,
                                                             "mine": rules.equal})
    table = value.table.set_index("plan")
    assert table.loc["copy", "objective"] == pytest.approx(result.objective, rel=1e-9)
    assert table.loc["copy", "gain_pct"] == pytest.approx(0.0, abs=1e-6)
    assert table.loc["copy", "satisfies_policy"]
    assert value.allocations["mine"].equals(rules.equal(data, policy.budget.total))
    equity = ik.evaluate(data, value.allocations["mine"]).equity
    assert table.loc["mine", "gini_spend"] == pytest.approx(equity[("spend", "gini")])
    assert table.loc["mine", "gini_jobs"] == pytest.approx(equity[("jobs", "gini")])


def test_a_ready_allocation_above_capacity_is_reported():
    data = hand()
    # 80 in A-p (capacity 50): within budget, breaks only the capacity; 800 jobs against
    # the optimum's C-p 10 x 12 + A-p 50 x 10 + B-p 20 x 8 = 780
    over = pd.Series([80.0], index=pd.MultiIndex.from_tuples([("A", "p")],
                                                             names=["region", "program"]))
    value = rules.value_of_optimization(data, jobs_policy(80), rules={"over": over})
    checks = value.checks.loc["over"]
    assert not checks[rules.CAPACITY_CHECK] and checks.drop(rules.CAPACITY_CHECK).all()
    row = value.table.set_index("plan").loc["over"]
    assert not row["satisfies_policy"] and row["violated"] == rules.CAPACITY_CHECK
    assert row["jobs"] == pytest.approx(800)  # measured as given, even above the optimum
    assert row["gain_pct"] == pytest.approx((780 / 800 - 1) * 100)


def test_objective_with_accrual_over_years_matches_result():
    data = ik.datasets.synthetic(n_regions=30, n_programs=3, n_sectors=2, n_years=3, seed=2)
    policy = ik.Policy(budget=ik.Budget(total=60), objective=ik.Weighted(jobs=1, value_added=1),
                       accrual=ik.Accrual(survival=0.9, discount=0.05))
    result = ik.optimize(data, policy)
    value = rules.value_of_optimization(data, policy, rules={"copy": result.allocation,
                                                             "equal": rules.equal})
    table = value.table.set_index("plan")
    assert table.loc["copy", "objective"] == pytest.approx(result.objective, rel=1e-9)
    assert table.loc["equal", "gain_pct"] > 0


def test_poverty_weighted_objective_and_objectives_without_a_value():
    data = ik.datasets.load("indonesia-provinces")
    pw = ik.Policy(budget=ik.Budget(total=800), objective=ik.PovertyWeighted("jobs"))
    table = rules.value_of_optimization(data, pw, rules=["poverty_weighted"]).table
    assert table["objective"].notna().all()
    assert table["gain_pct"].iloc[1] > 0
    mm = ik.Policy(budget=ik.Budget(total=800), objective=ik.MaxMin("jobs"))
    table = rules.value_of_optimization(data, mm, rules=["equal"]).table
    assert table["objective"].isna().all() and table["gain_pct"].isna().all()
    assert np.isfinite(table["gain_jobs_pct"].iloc[1])


def test_last_year_is_compared_whenever_given():
    data, before = hand(), pd.Series({"A": 1.0, "B": 1.0})
    for chosen in (["equal"], {"mine": rules.population}, ["last_year", "equal"]):
        value = rules.value_of_optimization(data, jobs_policy(30), rules=chosen,
                                            last_year=before)
        assert "last_year" in value.table["plan"].tolist()
        assert value.allocations["last_year"].equals(rules.last_year(data, 30, before))
    plans = rules.value_of_optimization(data, jobs_policy(30), rules=["last_year", "equal"],
                                        last_year=before).table["plan"].tolist()
    assert plans == ["optimized", "last_year", "equal"]


def test_value_of_optimization_bad_arguments():
    data = hand()
    with pytest.raises(ik.PolicyError, match=r"unknown rule 'equl'.*'equal'"):
        rules.value_of_optimization(data, jobs_policy(30), rules=["equl"])
    with pytest.raises(ik.PolicyError, match="needs last_year="):
        rules.value_of_optimization(data, jobs_policy(30), rules=["last_year"])
    with pytest.raises(ik.PolicyError, match="listed twice"):
        rules.value_of_optimization(data, jobs_policy(30), rules=["equal", "equal"])
    with pytest.raises(ik.PolicyError, match="Budget has no total"):
        rules.value_of_optimization(data, ik.Policy(budget=ik.Budget(by={"program": {"p": 5}})))
    with pytest.raises(ik.PolicyError, match="'optimized' is the optimum's name"):
        rules.value_of_optimization(data, jobs_policy(30), rules={"optimized": rules.equal})
    with pytest.raises(ik.PolicyError, match=r"rules\['x'\] must be a callable"):
        rules.value_of_optimization(data, jobs_policy(30), rules={"x": 3})
    with pytest.raises(ik.PolicyError, match="exceeds the total capacity"):
        rules.value_of_optimization(data, jobs_policy(250), rules=["equal"])


def test_text_and_plot():
    data = hand()
    value = rules.value_of_optimization(data, ik.default_policy(60, data=data))
    text = str(value)
    for name in ["optimized", *rules.RULES]:
        assert f"\n{name} " in text
    assert "maximize 1·jobs + 0.5·value_added" in text
    broken = value.table.loc[~value.table["satisfies_policy"], "plan"].tolist()
    assert all(f"{name} breaks:" in text for name in broken)
    ax = value.plot()
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == pytest.approx(value.table["jobs"].tolist())
    assert [t.get_text() for t in ax.get_xticklabels()] == value.table["plan"].tolist()
    ax = value.plot("value_added")
    assert ax.get_ylabel() == "value_added"
    with pytest.raises(ik.PolicyError, match="no column 'valu'"):
        value.plot("valu")
    import matplotlib.pyplot as plt

    plt.close("all")
