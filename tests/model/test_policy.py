"""Hostile policies and objectives: refused when built or on the data.

A policy that makes no sense raises ``ik.PolicyError`` (a ``ValueError``) naming the rule and
the offending key or label.
"""

from __future__ import annotations

import math

import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.tiny import BUDGET, solve


# ---------------------------------------------------------------------- rejected when built
@pytest.mark.parametrize(
    ("make", "words"),
    [
        # budget
        pytest.param(lambda: ik.Budget(total=-1), ["Budget", "total", ">= 0", "-1"],
                     id="budget-negative"),
        pytest.param(lambda: ik.Budget(total=math.nan), ["Budget", "total", "nan"],
                     id="budget-nan"),
        pytest.param(lambda: ik.Budget(total="2.5 T"), ["Budget", "total", "number", "2.5 T"],
                     id="budget-text"),
        pytest.param(lambda: ik.Budget(total=None), ["Budget", "total"], id="budget-empty"),
        pytest.param(lambda: ik.Budget(spend_all=True), ["Budget", "spend_all", "total"],
                     id="spend-all-without-total"),
        pytest.param(lambda: ik.Budget(by=["program"]), ["Budget", "by"], id="budget-by-list"),
        pytest.param(lambda: ik.Budget(by={"program": 400}), ["Budget", "by['program']"],
                     id="budget-by-scalar"),
        pytest.param(lambda: ik.Budget(total=60, by={"program": {"p": -10}}),
                     ["Budget", "by['program']['p']", "-10"], id="budget-by-negative"),
        # region bounds
        pytest.param(lambda: ik.RegionBounds(), ["RegionBounds", "min", "max"],
                     id="bounds-empty"),
        pytest.param(lambda: ik.RegionBounds(min="abc"), ["RegionBounds", "min", "abc"],
                     id="bounds-text"),
        pytest.param(lambda: ik.RegionBounds(max={"A": -1}), ["RegionBounds", "max['A']", "-1"],
                     id="bounds-negative-cap"),
        pytest.param(lambda: ik.RegionBounds(min_share=1.5), ["RegionBounds", "min_share", "1.5"],
                     id="min-share-above-1"),
        pytest.param(lambda: ik.RegionBounds(min_share=-0.1),
                     ["RegionBounds", "min_share", "-0.1"], id="min-share-below-0"),
        pytest.param(lambda: ik.RegionBounds(max_share={"A": 2}),
                     ["RegionBounds", "max_share['A']", "2"], id="max-share-above-1"),
        pytest.param(lambda: ik.RegionBounds(min_rp_per_capita=-100),
                     ["RegionBounds", "min_rp_per_capita", "-100"], id="per-capita-negative"),
        pytest.param(lambda: ik.RegionBounds(min=1, regions=[]), ["RegionBounds", "regions"],
                     id="bounds-no-regions"),
        # shares
        pytest.param(lambda: ik.GroupShare("", min=0.4), ["GroupShare", "group"],
                     id="group-empty"),
        pytest.param(lambda: ik.GroupShare("kti"), ["GroupShare(kti)", "min", "max"],
                     id="group-no-bounds"),
        pytest.param(lambda: ik.GroupShare("kti", min=1.2), ["GroupShare(kti)", "min", "1.2"],
                     id="group-share-above-1"),
        pytest.param(lambda: ik.GroupShare("kti", max=-0.2), ["GroupShare(kti)", "max", "-0.2"],
                     id="group-share-below-0"),
        pytest.param(lambda: ik.GroupShare("kti", min=0.6, max=0.4),
                     ["GroupShare(kti)", "0.6", "0.4"], id="group-min-above-max"),
        pytest.param(lambda: ik.GroupShare("island_group", min={"east": 1.4}),
                     ["GroupShare(island_group)", "min['east']", "1.4"], id="group-map-above-1"),
        pytest.param(lambda: ik.ProgramShare("p", min=2), ["ProgramShare", "min", "2"],
                     id="program-share-above-1"),
        pytest.param(lambda: ik.ProgramShare("p", min=0.5, max=0.1),
                     ["ProgramShare", "0.5", "0.1"], id="program-min-above-max"),
        # targets
        pytest.param(lambda: ik.Target("", min=1), ["Target", "metric"], id="target-no-metric"),
        pytest.param(lambda: ik.Target("jobs"), ["Target(jobs)", "min", "max"],
                     id="target-no-bounds"),
        pytest.param(lambda: ik.Target("jobs", min="lots"), ["Target(jobs)", "min", "lots"],
                     id="target-text"),
        pytest.param(lambda: ik.Target("jobs", min=10, max=5), ["Target(jobs)", "10", "5"],
                     id="target-min-above-max"),
        pytest.param(lambda: ik.Target("jobs", min={"A": 10}), ["Target(jobs)", "by="],
                     id="target-mapping-without-by"),
        # objectives
        pytest.param(lambda: ik.Maximize(""), ["Maximize", "metric"], id="maximize-empty"),
        pytest.param(lambda: ik.Maximize(5), ["Maximize", "5"], id="maximize-number"),
        pytest.param(lambda: ik.Weighted(), ["Weighted", "weight"], id="weighted-empty"),
        pytest.param(lambda: ik.Weighted(jobs=-1.0), ["Weighted", "'jobs'", "-1"],
                     id="weighted-negative"),
        pytest.param(lambda: ik.Weighted(jobs=0.0, value_added=0.0), ["Weighted", "positive"],
                     id="weighted-all-zero"),
        pytest.param(lambda: ik.Weighted(jobs=math.nan), ["Weighted", "'jobs'"],
                     id="weighted-nan"),
        pytest.param(lambda: ik.Weighted(jobs=math.inf), ["Weighted", "'jobs'"],
                     id="weighted-inf"),
        pytest.param(lambda: ik.Weighted(jobs="high"), ["Weighted", "'jobs'", "number"],
                     id="weighted-text"),
        # policy
        pytest.param(lambda: ik.Policy(budget=2500), ["Policy", "budget", "ik.Budget", "int"],
                     id="policy-budget-number"),
        pytest.param(lambda: ik.Policy(budget=BUDGET, constraints=["kti"]),
                     ["Policy", "constraints[0]", "str"], id="policy-constraint-str"),
        pytest.param(lambda: ik.Policy(budget=BUDGET, constraints=[ik.Maximize("jobs")]),
                     ["Policy", "constraints[0]", "Maximize"], id="policy-constraint-objective"),
        pytest.param(lambda: ik.Policy(budget=BUDGET,
                                       constraints=[ik.GroupShare("kti", min=0.4), BUDGET]),
                     ["Policy", "constraints[1]", "Budget", "budget="],
                     id="policy-budget-in-constraints"),
        pytest.param(lambda: ik.Policy(budget=BUDGET, objective="jobs"),
                     ["Policy", "objective", "str"], id="policy-objective-str"),
    ],
)
def test_rejected_at_construction(make, words):
    assert_names(policy_error(make), *words)


def test_budget_must_be_finite():
    """An infinite budget makes share floors infinite (they are then silently dropped)."""
    err = policy_error(lambda: ik.Budget(total=math.inf))
    assert_names(err, "Budget", "total", "inf")


def test_region_bounds_min_above_max_at_construction():
    """Like GroupShare and Target, a scalar floor above the cap is caught at once."""
    err = policy_error(lambda: ik.RegionBounds(min=100, max=10))
    assert_names(err, "RegionBounds", "100", "10")


def test_policy_constraints_none():
    """``constraints: null`` (an empty YAML key) is no constraints, or a PolicyError."""
    try:
        policy = ik.Policy(budget=BUDGET, constraints=None)
    except ik.PolicyError as err:
        assert_names(err, "constraints")
    else:
        assert policy.constraints == ()


# ---------------------------------------------------------------------- rejected on the data
@pytest.mark.parametrize(
    ("constraints", "budget", "words"),
    [
        pytest.param([], ik.Budget(total=60, by={"chanel": {"DAK": 10}}),
                     ["Budget", "'chanel'", "did you mean 'channel'"], id="budget-by-level"),
        pytest.param([], ik.Budget(total=60, by={"channel": {"DAKK": 10}}),
                     ["Budget", "'DAKK'", "did you mean 'DAK'"], id="budget-by-label"),
        pytest.param([], ik.Budget(total=60, by={"program": {"p": 10, "zz": 5}}),
                     ["Budget", "'zz'", "program"], id="budget-by-program"),
        pytest.param([ik.RegionBounds(min_share=0.1)], ik.Budget(by={"program": {"p": 50}}),
                     ["RegionBounds", "min_share", "Budget(total"], id="share-without-total"),
        pytest.param([ik.RegionBounds(min=1, regions=["A", "Z"])], BUDGET,
                     ["RegionBounds", "regions", "'Z'"], id="bounds-regions-unknown"),
        pytest.param([ik.RegionBounds(min=1, by="island_grop")], BUDGET,
                     ["RegionBounds", "island_grop", "did you mean 'island_group'"],
                     id="bounds-by-unknown"),
        pytest.param([ik.GroupShare("ktii", min=0.4)], BUDGET,
                     ["GroupShare", "'ktii'", "did you mean 'kti'"], id="group-unknown-column"),
        pytest.param([ik.GroupShare("island_group", min=0.4)], BUDGET,
                     ["GroupShare(island_group)", "value=", "west", "east"],
                     id="group-not-boolean"),
        pytest.param([ik.GroupShare("island_group", min=0.4, value="north")], BUDGET,
                     ["GroupShare(island_group)", "'north'"], id="group-unknown-value"),
        pytest.param([ik.GroupShare("island_group", min={"east": 0.3, "nort": 0.1})], BUDGET,
                     ["GroupShare(island_group)", "'nort'"], id="group-unknown-key"),
        pytest.param([ik.ProgramShare("trainng", min=0.1)], BUDGET,
                     ["ProgramShare", "'trainng'", "program"], id="program-unknown"),
        pytest.param([ik.ProgramShare(min={"p": 0.2, "zz": 0.1})], BUDGET,
                     ["ProgramShare", "'zz'"], id="program-unknown-key"),
        pytest.param([ik.ProgramShare("DAK", min=0.1, by="chanel")], BUDGET,
                     ["ProgramShare", "'chanel'", "did you mean 'channel'"],
                     id="program-by-unknown"),
        pytest.param([ik.Target("jbos", min=10)], BUDGET,
                     ["Target(jbos)", "'jbos'", "did you mean 'jobs'"], id="target-unknown-metric"),
        pytest.param([ik.Target("capacity", min=10)], BUDGET,
                     ["Target(capacity)", "'capacity'", "jobs"], id="target-capacity"),
        pytest.param([ik.Target("jobs", min=10, by="regoin")], BUDGET,
                     ["Target(jobs)", "'regoin'", "did you mean 'region'"], id="target-by-unknown"),
        pytest.param([ik.Target("jobs", min={"Z": 10}, by="region")], BUDGET,
                     ["Target(jobs)", "'Z'"], id="target-unknown-region"),
    ],
)
def test_rejected_on_the_data(tiny, constraints, budget, words):
    err = policy_error(lambda: solve(tiny, *constraints, budget=budget))
    assert_names(err, *words)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(lambda: ik.RegionBounds(min={"A": 30}, max={"A": 10}),
                     ["RegionBounds", "'A'", "30", "10"], id="bounds-map-min-above-max"),
        pytest.param(lambda: ik.Target("jobs", min={"A": 50}, max={"A": 10}, by="region"),
                     ["Target(jobs)", "'A'"], id="target-map-min-above-max"),
    ],
)
def test_mapped_floor_above_cap_rejected_at_construction(make, words):
    err = policy_error(make)
    assert_names(err, *words)


def test_region_bounds_unknown_region_names_the_key(tiny):
    err = policy_error(lambda: solve(tiny, ik.RegionBounds(min={"Z": 5})))
    assert_names(err, "RegionBounds", "'Z'", "min")


def test_region_bounds_scalar_min_above_max_on_the_data(tiny):
    """At the latest when built, the floor-above-cap names the region."""
    with pytest.raises(ik.PolicyError, match=r"min 100 is above max 10"):
        solve(tiny, ik.RegionBounds(min=100, max=10))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: ik.GroupShare("island_group", min={"east": 0.6},
                                           max={"east": 0.4}), id="group-mappings"),
        pytest.param(lambda: ik.GroupShare("kti", min={True: 0.6}, max=0.4), id="group-mixed"),
        pytest.param(lambda: ik.ProgramShare(min={"p": 0.7}, max={"p": 0.2}),
                     id="program-mappings"),
    ],
)
def test_share_mapping_min_above_max(tiny, make):
    """Per-group min above max is nonsense; it must not yield a silent zero-spend plan."""
    err = policy_error(lambda: solve(tiny, make()))
    assert_names(err, "min", "max")


def test_share_min_above_max_across_value_and_mapping(tiny):
    """A scalar min for the yes-group against a per-group max: caught when built."""
    err = policy_error(lambda: solve(
        tiny, ik.GroupShare("island_group", value="east", min=0.6, max={"east": 0.4})
    ))
    assert_names(err, "min", "max", "east")


def test_program_share_hint_names_its_own_argument(tiny):
    """ProgramShare has no value= argument; the hint must point at program= (or a mapping)."""
    err = policy_error(lambda: solve(tiny, ik.ProgramShare(min=0.3)))
    assert_names(err, "ProgramShare", "program")
    assert "value=" not in str(err)


@pytest.mark.parametrize(
    ("objective", "words"),
    [
        pytest.param(ik.Maximize("jbos"), ["'jbos'", "did you mean 'jobs'"], id="maximize"),
        pytest.param(ik.Maximize("capacity"), ["'capacity'"], id="maximize-capacity"),
        pytest.param(ik.Weighted(jobs=1.0, valu_added=0.5), ["'valu_added'",
                     "did you mean 'value_added'"], id="weighted"),
        pytest.param(ik.Weighted(jobs=1.0, valu_added=0.5, normalize=False), ["'valu_added'"],
                     id="weighted-raw"),
    ],
)
def test_objective_unknown_metric(tiny, objective, words):
    err = policy_error(lambda: solve(tiny, objective=objective))
    assert_names(err, *words)
