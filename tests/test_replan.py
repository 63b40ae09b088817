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
    assert top_up.compare("region")["realisation"].iloc[0] == pytest.approx(0.5)


def test_replan_refuses_impossible_spending():
    data = two_cells()
    with pytest.raises(ik.DataError, match="exceeds the capacity"):
        ik.replan(data, POLICY, np.array([11.0, 0.0]))
    with pytest.raises(ik.PolicyError, match="already spent"):
        ik.replan(data, POLICY, np.array([5.0, 5.0]), total=8)
    with pytest.raises(ik.DataError, match="not in dataset"):
        ik.replan(data, POLICY, pd.Series(
            [1.0], index=pd.MultiIndex.from_tuples([("B", "good")], names=["region", "program"])))
