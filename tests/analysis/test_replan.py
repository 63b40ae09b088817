"""Mid-year re-planning around spending to date (hand-solved)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


def two_cells() -> ik.Dataset:
    """One region, two programs: 10 and 5 jobs per Rp bn, Rp 10 bn capacity each."""
    return ik.Dataset(
        pd.DataFrame({"population": [1e6]}, index=["A"]),
        pd.DataFrame({"name": ["good", "weak"]}, index=["good", "weak"]),
        pd.DataFrame({"region": ["A", "A"], "program": ["good", "weak"], "jobs": [10.0, 5.0],
                      "capacity": [10.0, 10.0]}),
    )


POLICY = ik.Policy(budget=ik.Budget(total=10), objective=ik.Maximize("jobs"))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_replan_keeps_what_is_spent_and_reoptimizes_the_rest(solver):
    data = two_cells()
    spent = pd.Series([3.0], index=pd.MultiIndex.from_tuples([("A", "weak")],
                                                             names=["region", "program"]))
    plan = ik.replan(data, POLICY, spent, solver=solver)
    # original plan: everything into the good program (100 jobs); Rp 3 bn already went to
    # the weak one, so the rest (7) goes to the good one: 70 + 15
    assert plan.original.objective == pytest.approx(100)
    assert plan.revised.objective == pytest.approx(85)
    assert plan.revised.allocation.tolist() == pytest.approx([7.0, 3.0])
    # each extra Rp 1 bn held in the weak program costs 10 - 5 jobs
    committed = plan.revised.constraints.query("family == 'committed'")
    assert committed["shadow_price"].iloc[0] == pytest.approx(-5)
    table = plan.compare("program")
    assert table.loc["weak", ["planned", "spent", "revised", "remaining"]].tolist() == \
        pytest.approx([0, 3, 3, 0])
    assert table.loc["good", "change"] == pytest.approx(-3)


def test_replan_with_a_cut_and_a_top_up():
    data = two_cells()
    spent = np.array([2.0, 3.0])
    cut = ik.replan(data, POLICY, spent, total=6)
    assert cut.revised.allocation.tolist() == pytest.approx([3.0, 3.0])  # 1 bn left -> good
    top_up = ik.replan(data, POLICY, spent, total=16)
    assert top_up.revised.allocation.tolist() == pytest.approx([10.0, 6.0])
    assert top_up.compare("region")["realization"].iloc[0] == pytest.approx(0.5)


def test_replan_refuses_impossible_spending():
    data = two_cells()
    with pytest.raises(ik.DataError, match="exceeds the capacity"):
        ik.replan(data, POLICY, np.array([11.0, 0.0]))
    with pytest.raises(ik.PolicyError, match="already spent"):
        ik.replan(data, POLICY, np.array([5.0, 5.0]), total=8)
    with pytest.raises(ik.DataError, match="not in dataset"):
        ik.replan(data, POLICY, pd.Series(
            [1.0], index=pd.MultiIndex.from_tuples([("B", "good")], names=["region", "program"])))


def with_projects() -> ik.Dataset:
    """two_cells plus two candidate projects: P1 (good, Rp 4 bn, 60 jobs) and P2 (weak, Rp 4
    bn, 30 jobs)."""
    projects = pd.DataFrame({"project": ["P1", "P2"], "region": "A", "program": ["good", "weak"],
                             "cost": [4.0, 4.0], "jobs": [60.0, 30.0]})
    return two_cells().replace(projects=projects)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_replan_keeps_contracted_projects_and_reconsiders_the_others(solver):
    data = with_projects()
    spent = np.array([0.0, 3.0])
    # original, Rp 10 bn: P1 + 6 bn of good = 60 + 60 = 120 (P1 + P2 + 2 good = 110)
    # revised: 3 bn spent on weak and P2 contracted leave Rp 3 bn: P1 no longer fits, so
    # 3 bn of good: 30 + 15 + 30 = 75
    plan = ik.replan(data, POLICY, spent, built=["P2"], solver=solver)
    assert plan.original.objective == pytest.approx(120)
    assert plan.revised.objective == pytest.approx(75)
    assert plan.projects[["planned", "contracted", "revised"]].to_dict("index") == {
        "P1": {"planned": True, "contracted": False, "revised": False},
        "P2": {"planned": False, "contracted": True, "revised": True},
    }
    table = plan.compare("program")
    # spent counts the contracted project at its full cost; money counts projects
    assert table.loc["weak", ["planned", "spent", "revised"]].tolist() == pytest.approx([0, 7, 7])
    assert table.loc["good", ["planned", "revised", "change"]].tolist() == \
        pytest.approx([10, 3, -7])
    # a top-up to Rp 14 bn brings P1 back: 15 + 30 + P1 60 + 3 bn good 30 = 135
    top_up = ik.replan(data, POLICY, spent, built="P2", total=14, solver=solver)
    assert top_up.revised.objective == pytest.approx(135)
    assert top_up.projects["revised"].tolist() == [True, True]


def test_replan_refuses_unknown_or_unaffordable_projects():
    data = with_projects()
    with pytest.raises(ik.DataError, match=r"unknown project\(s\) \['P3'\].*known: \['P1', 'P2'\]"):
        ik.replan(data, POLICY, np.zeros(2), built=["P3"])
    with pytest.raises(ik.DataError, match="has no projects table"):
        ik.replan(two_cells(), POLICY, np.zeros(2), built=["P1"])
    with pytest.raises(ik.PolicyError, match="already spent or contracted"):
        ik.replan(data, POLICY, np.array([0.0, 3.0]), built=["P1", "P2"], total=10)
