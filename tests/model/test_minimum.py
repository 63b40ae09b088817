"""Minimum meaningful allocations (nothing or at least a minimum), against enumeration.

For a few small instances every set of recipients is tried: the regions in the set get at
least the minimum, the others nothing, each an LP; the best of them is the MIP's optimum,
which HiGHS and CBC must both find.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.planning import POTS


def _solve(data, policy, solver="highs"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(data, policy, solver=solver)


def _enumerated(data, budget, minimum, max_recipients=None):
    """Best LP over every set of recipients (regions), each bounded as the rule says."""
    regions = list(data.regions.index)
    best = -np.inf
    sizes = range(len(regions) + 1) if max_recipients is None else range(max_recipients + 1)
    for k in sizes:
        for chosen in itertools.combinations(regions, k):
            rules = [ik.RegionBounds(min=minimum, regions=list(chosen))] if chosen else []
            others = [r for r in regions if r not in chosen]
            if others:
                rules.append(ik.RegionBounds(max=0, regions=others))
            try:
                value = _solve(data, ik.Policy(budget=budget, constraints=rules)).objective
            except ik.InfeasibleError:
                continue
            best = max(best, value)
    return best


def _instance(seed):
    rng = np.random.default_rng(seed)
    n = 4
    regions = pd.DataFrame({"region": [f"R{i}" for i in range(n)],
                            "population": rng.integers(1e5, 1e6, n)})
    programs = pd.DataFrame({"program": ["p", "q"]})
    impacts = pd.DataFrame({"region": np.repeat(regions["region"], 2).to_numpy(),
                            "program": ["p", "q"] * n,
                            "jobs": np.round(rng.uniform(1, 20, 2 * n), 2),
                            "capacity": np.round(rng.uniform(2, 15, 2 * n), 1)})
    return ik.Dataset(regions, programs, impacts)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("max_recipients", [None, 2])
def test_minimum_allocation_matches_enumeration(seed, max_recipients):
    data = _instance(seed)
    budget = ik.Budget(total=30)
    rule = ik.MinimumAllocation(min=12, max_recipients=max_recipients)
    expected = _enumerated(data, budget, 12, max_recipients)
    for solver in ("highs", "cbc"):
        result = _solve(data, ik.Policy(budget=budget, constraints=[rule]), solver)
        assert result.objective == pytest.approx(expected, rel=1e-6)
        spend = result.by("region")["spend"].to_numpy()
        assert np.all((spend <= 1e-7) | (spend >= 12 - 1e-6))  # semicontinuous
        if max_recipients is not None:
            assert (spend > 1e-7).sum() <= max_recipients
        assert "minimum allocations" in result.mip_reason


def test_minimum_in_a_pot_and_a_program(tiny):
    # DAK (p) 30 in lumps of at least 12: C-p can hold only 10, so DAK goes to A and B
    policy = ik.Policy(budget=ik.Budget(pots=POTS),
                       constraints=[ik.MinimumAllocation(min=12, pot="DAK")])
    result = _solve(tiny, policy)
    dak = result.pot_allocation().query("pot == 'DAK'").set_index("region")["spend"]
    assert "C" not in dak.index
    assert (dak >= 12 - 1e-6).all()
    policy = ik.Policy(budget=ik.Budget(total=60),
                       constraints=[ik.MinimumAllocation(min={"A": 45}, program="q")])
    result = _solve(tiny, policy)
    assert result.allocation[("A", "q")] in (pytest.approx(0, abs=1e-7), pytest.approx(45))


def test_rule_arguments_are_checked(tiny):
    assert_names(policy_error(lambda: ik.MinimumAllocation()), "min=")
    assert_names(policy_error(lambda: ik.MinimumAllocation(min=-1)), "min")
    assert_names(policy_error(lambda: ik.MinimumAllocation(min=1, max_recipients=1.5)),
                 "whole number")
    policy = ik.Policy(budget=ik.Budget(total=10),
                       constraints=[ik.MinimumAllocation(min=1, pot="DAK")])
    assert_names(policy_error(lambda: _solve(tiny, policy)), "Budget(pots=")
    policy = ik.Policy(budget=ik.Budget(total=10),
                       constraints=[ik.MinimumAllocation(min={"Z": 1})])
    assert_names(policy_error(lambda: _solve(tiny, policy)), "'Z'")
