"""Central–regional synergy: a pot's money matched to the regions' own (APBD) pledges.

Tiny with pots DAK (p) 30 and TP (q) 20; pledges from the proposals table: A-p 5, C-p 2,
A-q 10 (B pledged nothing).
"""

from __future__ import annotations

import warnings

import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.planning import POTS, planning_data


def solve(data, *rules, solver="highs"):
    policy = ik.Policy(budget=ik.Budget(pots=POTS), constraints=list(rules))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(data, policy, solver=solver)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_match_caps_central_money_at_a_multiple_of_the_pledge(solver):
    # DAK at most 2 per Rp 1 pledged: A-p 10, C-p 4, B-p 0; TP untouched (A-q 20)
    result = solve(planning_data(), ik.CoFunding("DAK", match=2), solver=solver)
    alloc = result.allocation
    assert alloc[("A", "p")] == pytest.approx(10)
    assert alloc[("C", "p")] == pytest.approx(4)
    assert alloc[("B", "p")] == pytest.approx(0, abs=1e-9)
    assert result.objective == pytest.approx(100 + 48 + 120)
    prices = result.constraints.query("family == 'cofunding'").set_index("label")["price"]
    assert prices["region=C,program=p"] == pytest.approx(12)  # DAK itself is left over


def test_reserve_keeps_a_share_of_the_pot_for_cofunding_regions(tiny):
    pots = (ik.Pot("DAK", 70), ik.Pot("TP", 20))
    data = planning_data()
    policy = ik.Policy(budget=ik.Budget(pots=pots),
                       constraints=[ik.CoFunding("DAK", reserve=0.9)])
    with pytest.warns(ik.UnspentBudgetWarning, match="CoFunding"):
        result = ik.optimize(data, policy)  # DAK cannot all be spent: the reserve holds it
    dak = result.pot_allocation().query("pot == 'DAK'").set_index("region")["spend"]
    # A-p (50) and C-p (10) co-fund; B-p may take at most a ninth of what goes to them
    assert dak["B"] == pytest.approx(60 / 9)
    assert (dak["A"] + dak["C"]) / dak.sum() == pytest.approx(0.9)
    free = ik.optimize(data, ik.Policy(budget=ik.Budget(pots=pots)))
    assert free.pot_allocation().query("pot == 'DAK' and region == 'B'")["spend"].sum() > 9


def test_cofunding_needs_pledges_and_a_pot(tiny):
    err = policy_error(lambda: solve(tiny, ik.CoFunding("DAK", match=1)))
    assert_names(err, "cofunding column", "no proposals table")
    assert_names(policy_error(lambda: ik.CoFunding("DAK")), "match= and/or reserve=")
    assert_names(policy_error(lambda: ik.CoFunding("", match=1)), "pot")
    assert_names(policy_error(lambda: ik.CoFunding("DAK", reserve=2)), "reserve")
    err = policy_error(lambda: solve(planning_data(), ik.CoFunding("DAKK", match=1)))
    assert_names(err, "DAKK", "did you mean 'DAK'")
