"""Population is optional: only the rules and measures per inhabitant need it.

A dataset without a ``population`` column loads and solves with budgets, shares and targets;
every rule that divides by population (per-capita bounds, ``GiniCap``, ``OutcomeEquity``,
``MaxMin``, ``PovertyWeighted``) raises a ``PolicyError`` naming the rule and the column.

Hand-solved: jobs per Rp bn of the tiny data rank C-p 12 (capacity 10), A-p 10 (50), B-p 8
(30), A-q 6 (50), C-q 5 (20), B-q 4 (40). With a budget of 60 and program q at least half of
spend, q gets 30 (A-q: 180 jobs) and p gets 30 (C-p 10 + A-p 20: 120 + 200): 500 jobs. One
more Rp bn goes half to q (A-q, 6) and half to p (A-p, 10): a budget price of 8.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names, data_error, policy_error

SOLVERS = ["highs", "cbc"]
POLICY = ik.Policy(ik.Budget(total=60), [ik.ProgramShare("q", min=0.5)])


@pytest.fixture
def no_pop(tables) -> ik.Dataset:
    regions, programs, impacts = tables
    return ik.Dataset(regions.drop(columns="population"), programs, impacts, name="no-pop")


def test_loads_without_population(no_pop: ik.Dataset) -> None:
    assert not no_pop.has_population
    assert "population" not in no_pop.regions.columns


@pytest.mark.parametrize("solver", SOLVERS)
def test_solves_budget_shares_targets(no_pop: ik.Dataset, solver: str) -> None:
    policy = ik.Policy(ik.Budget(total=60),
                       [ik.ProgramShare("q", min=0.5), ik.GroupShare("kti", max=0.5),
                        ik.Target("jobs", min=400), ik.RegionBounds(max=60)])
    result = ik.optimize(no_pop, policy, solver=solver)
    assert result.objective == pytest.approx(500.0)
    assert result.allocation[("A", "q")] == pytest.approx(30.0)
    assert result.allocation[("C", "p")] == pytest.approx(10.0)
    assert result.allocation[("A", "p")] == pytest.approx(20.0)
    rows = result.constraints.set_index("label")
    assert rows.loc["total", "shadow_price"] == pytest.approx(8.0)


def test_result_without_population(no_pop: ik.Dataset) -> None:
    result = ik.optimize(no_pop, POLICY)
    by_region = result.by("region")
    assert "population" not in by_region.columns
    assert "spend_rp_per_capita" not in by_region.columns
    assert result.equity.isna().all()
    assert result.per_capita.isna().all().all()
    text = result.summary()
    assert_names(text, "Gini of spend per capita across regions: not computed",
                 "no population column")
    same = ik.evaluate(no_pop, result.allocation)
    assert same.outcomes["jobs"] == pytest.approx(500.0)


@pytest.mark.parametrize(("rule", "words"), [
    (ik.RegionBounds(min_rp_per_capita=1_000), ["RegionBounds", "min_rp_per_capita"]),
    (ik.RegionBounds(max_rp_per_capita=50_000, by="island_group"),
     ["RegionBounds(by=island_group)", "max_rp_per_capita"]),
    (ik.GiniCap(of="spend", max=0.3), ["GiniCap(spend)", "per='population'"]),
    (ik.OutcomeEquity("jobs", min_ratio=0.5), ["OutcomeEquity(jobs)", "per='population'"]),
])
def test_rules_per_inhabitant_name_the_column(no_pop: ik.Dataset, rule, words) -> None:
    err = policy_error(lambda: ik.optimize(no_pop, ik.Policy(ik.Budget(total=60), [rule])))
    assert_names(err, *words, "needs the regions column 'population'", "'no-pop'",
                 "columns present")


@pytest.mark.parametrize(("objective", "words"), [
    (ik.MaxMin("jobs"), ["MaxMin(jobs)"]),
    (ik.PovertyWeighted("jobs"), ["PovertyWeighted"]),
])
def test_objectives_per_inhabitant_name_the_column(no_pop: ik.Dataset, objective,
                                                   words) -> None:
    policy = ik.Policy(ik.Budget(total=60), objective=objective)
    err = policy_error(lambda: ik.optimize(no_pop, policy))
    assert_names(err, *words, "needs the regions column 'population'")


def test_population_property_says_what_is_missing(no_pop: ik.Dataset) -> None:
    with pytest.raises(ik.PolicyError, match="needs the regions column 'population'"):
        no_pop.population  # noqa: B018


def test_typo_of_population_is_refused(tables) -> None:
    """A column spelled almost like population is a typo, not 'no population'."""
    regions, programs, impacts = tables
    err = data_error(regions.rename(columns={"population": "Population"}), programs, impacts)
    assert_names(err, "'regions'", "'population'", "'Population'", "misspelling")


def test_a_column_merely_like_population_is_not_a_typo(tables) -> None:
    regions, programs, impacts = tables
    regions = regions.rename(columns={"population": "population_density"})
    data = ik.Dataset(regions, programs, impacts)
    assert not data.has_population


def test_population_still_checked_where_present(tables) -> None:
    regions, programs, impacts = tables
    regions["population"] = regions["population"].astype(float)
    regions.loc[0, "population"] = np.nan
    err = data_error(regions, programs, impacts)
    assert_names(err, "'regions'", "'population'", "missing value")


def test_per_capita_rules_unchanged_with_population(tables) -> None:
    """With population, a per-capita cap still reads rupiah per inhabitant."""
    data = ik.Dataset(*tables)
    # C has 500,000 inhabitants: a cap of Rp 10,000 each is Rp 5 bn
    policy = ik.Policy(ik.Budget(total=60), [ik.RegionBounds(max_rp_per_capita=10_000,
                                                              regions=["C"])])
    result = ik.optimize(data, policy)
    assert result.by("region").loc["C", "spend"] == pytest.approx(5.0)
    assert isinstance(result.by("region"), pd.DataFrame)
