"""Proposals (usulan): fund only what regions asked for, up to what they asked, if ready.

Hand-solved on tiny with the proposals of ``helpers.planning``: A1 (A-p, 20), B1 (B-p, 15,
readiness 0.5), C1 (C-p, 6, 0.9), C2 (C-p, 8, 0.4), A2 (A-q, 30). Jobs per Rp bn: C-p 12,
A-p 10, B-p 8, A-q 6, C-q 5, B-q 4; C-p's capacity is 10.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.planning import POTS, planning_data, proposals_table
from helpers.tiny import tiny_tables


def solve(data, *rules, solver="highs", **budget):
    budget = budget or {"total": 60}
    policy = ik.Policy(budget=ik.Budget(**budget), constraints=list(rules))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(data, policy, solver=solver)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_only_proposed_cells_up_to_asked(solver):
    # C-p 10 (capacity; C1 and C2 asked 14), A-p 20 (asked), B-p 15 (asked), A-q the rest
    result = solve(planning_data(), ik.FundProposals(), solver=solver)
    alloc = result.allocation
    assert alloc[("C", "p")] == pytest.approx(10)
    assert alloc[("A", "p")] == pytest.approx(20)
    assert alloc[("B", "p")] == pytest.approx(15)
    assert alloc[("A", "q")] == pytest.approx(15)
    assert alloc[("B", "q")] == pytest.approx(0, abs=1e-9)  # nobody proposed B-q
    assert result.objective == pytest.approx(120 + 200 + 120 + 90)


def test_readiness_floor_leaves_unready_proposals_out():
    result = solve(planning_data(), ik.FundProposals(min_readiness=0.6))
    alloc = result.allocation
    assert alloc[("B", "p")] == pytest.approx(0, abs=1e-9)
    assert alloc[("C", "p")] == pytest.approx(6)  # C1 only
    assert alloc[("A", "q")] == pytest.approx(30)
    assert result.objective == pytest.approx(72 + 200 + 180)
    table = result.proposals()
    assert table.loc["B1", "status"] == "not funded"
    assert table.loc["B1", "reason"] == "not ready"
    assert "readiness 0.6 (has 0.50" in table.loc["B1", "needed"]
    assert table.loc["C1", "status"] == "funded"


def test_a_group_is_filled_readiest_first():
    table = solve(planning_data(), ik.FundProposals()).proposals()
    # C-p got 10: C1 (readiness 0.9) its 6 first, C2 (0.4) the other 4
    assert table.loc["C1", "funded"] == pytest.approx(6)
    assert table.loc["C2", "funded"] == pytest.approx(4)
    assert table.loc["C2", "status"] == "partly funded"
    assert table.loc["C2", "reason"] == "capacity reached"
    assert table.loc["A2", "funded"] == pytest.approx(15)
    assert table.loc["A2", "reason"] == "budget exhausted"
    assert list(table.columns[:2]) == ["region", "program"]
    assert (table["funded"] + table["unfunded"]).to_numpy() == pytest.approx(
        table["asked"].to_numpy())


def test_priority_breaks_a_readiness_tie():
    proposals = proposals_table()
    proposals["readiness"] = 1.0
    proposals["priority"] = [1, 1, 2, 1, 1]  # C2 first within C-p
    table = solve(planning_data(proposals=proposals), ik.FundProposals()).proposals()
    assert table.loc["C2", "funded"] == pytest.approx(8)
    assert table.loc["C1", "funded"] == pytest.approx(2)


def test_pot_exhausted_with_the_value_a_proposal_lacks():
    # DAK 30 goes to C-p 10 and A-p 20 (all A1 asked): B1 (8 jobs per Rp bn) is next in line
    # and the pot's price is its value, so it lacks only money
    table = solve(planning_data(), ik.FundProposals(), pots=POTS).proposals()
    assert table.loc["B1", "reason"] == "pot exhausted"
    assert table.loc["B1", "shortfall_value"] == pytest.approx(0, abs=1e-9)
    assert table.loc["B1", "needed"] == "more money in pot DAK"
    # with DAK 25, A1 is the marginal proposal (10 per Rp bn): B1 lacks 2 jobs per Rp bn
    pots = (ik.Pot("DAK", 25, level="regency"), POTS[1])
    result = solve(planning_data(), ik.FundProposals(), pots=pots)
    table = result.proposals()
    assert table.loc["A1", "funded"] == pytest.approx(15)
    assert table.loc["B1", "shortfall_value"] == pytest.approx(2)
    assert "+2 jobs per Rp 1 bn" in table.loc["B1", "needed"]
    assert result.pots().loc["DAK", "price"] == pytest.approx(10)


def test_prefer_ready_across_groups_keeps_the_objective():
    regions, programs, impacts = tiny_tables()
    impacts.loc[impacts["program"] == "p", "jobs"] = 10.0  # A-p, B-p, C-p worth the same
    proposals = pd.DataFrame({"proposal": ["A", "B"], "region": ["A", "B"],
                              "program": ["p", "p"], "amount": [20.0, 20.0],
                              "readiness": [0.4, 0.9]})
    data = ik.Dataset(regions, programs, impacts, proposals=proposals)
    preferred = solve(data, ik.FundProposals(), total=20)
    assert preferred.allocation[("B", "p")] == pytest.approx(20)
    assert preferred.objective == pytest.approx(200)
    for solver in ("highs", "cbc"):
        indifferent = solve(data, ik.FundProposals(prefer_ready=False), total=20,
                            solver=solver)
        assert indifferent.objective == pytest.approx(preferred.objective)


def test_not_only_proposed_leaves_other_cells_open():
    result = solve(planning_data(), ik.FundProposals(only_proposed=False), total=200)
    assert result.allocation[("B", "q")] == pytest.approx(40)  # nobody proposed; open
    assert result.allocation[("A", "p")] == pytest.approx(20)  # proposed; capped


def test_without_cap_a_ready_proposal_opens_its_cells():
    result = solve(planning_data(), ik.FundProposals(up_to_asked=False), total=200)
    assert result.allocation[("A", "p")] == pytest.approx(50)
    assert result.allocation[("B", "q")] == pytest.approx(0, abs=1e-9)


def test_proposals_within_a_pot_and_the_ministry_pot_is_free():
    proposals = proposals_table()
    proposals["pot"] = ["DAK", "DAK", "DAK", "DAK", "TP"]
    data = planning_data(proposals=proposals)
    pots = (ik.Pot("DAK", 30, level="regency"), ik.Pot("TP", 20, level="province"),
            ik.Pot("pusat", 10, funds=["q"], level="ministry"))
    result = solve(data, ik.FundProposals(), pots=pots)
    spent = result.pot_allocation()
    pusat = spent[spent["pot"] == "pusat"]
    assert pusat["spend"].sum() == pytest.approx(10)  # the ministry's own money
    assert set(pusat["region"]) == {"A"}  # A-q pays 6, better than C-q, B-q
    assert result.proposals().loc["A2", "funded"] == pytest.approx(20)


# ---------------------------------------------------------------------- errors
def test_no_proposals_table_is_a_policy_error(tiny):
    err = policy_error(lambda: solve(tiny, ik.FundProposals()))
    assert_names(err, "FundProposals", "no proposals table", "with_proposals")


def test_a_proposal_in_a_pot_that_cannot_fund_it_is_named():
    proposals = proposals_table()
    proposals["pot"] = ["DAK", "DAK", "DAK", "DAK", "DAK"]  # A2 is for q, funded by TP
    err = policy_error(lambda: solve(planning_data(proposals=proposals), ik.FundProposals(),
                                     pots=POTS))
    assert_names(err, "A2", "DAK", "'q'", "TP")


def test_an_unknown_pot_and_a_blank_ambiguous_pot_are_named():
    proposals = proposals_table()
    proposals["pot"] = ["DAK", "DAK", "DAK", "DAK", "TPP"]
    err = policy_error(lambda: solve(planning_data(proposals=proposals), ik.FundProposals(),
                                     pots=POTS))
    assert_names(err, "A2", "TPP")
    proposals["pot"] = ["DAK", None, "DAK", "DAK", "TP"]
    both = (ik.Pot("DAK", 30), ik.Pot("TP", 20, funds=["p", "q"]))
    err = policy_error(lambda: solve(planning_data(proposals=proposals), ik.FundProposals(),
                                     pots=both))
    assert_names(err, "B1", "fill in its pot")


def test_rule_arguments_are_checked():
    assert_names(policy_error(lambda: ik.FundProposals(min_readiness=1.5)), "min_readiness")
    assert_names(policy_error(lambda: ik.FundProposals(only_proposed="yes")), "only_proposed")
    assert_names(policy_error(lambda: ik.FundProposals(pots=[""])), "pots")


def test_proposals_without_the_rule_say_so():
    result = solve(planning_data())
    assert_names(policy_error(result.proposals), "FundProposals")
