"""evaluate(): outcomes of any allocation, with projects, and bad allocations refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names
from helpers.projects import policy, small


@pytest.fixture(scope="module")
def result() -> ik.Result:
    return ik.optimize(ik.datasets.load(), ik.default_policy())


def test_evaluate_any_allocation_matches_result(result: ik.Result) -> None:
    again = ik.evaluate(result.data, result.allocation)
    pd.testing.assert_series_equal(again.outcomes, result.outcomes)
    pd.testing.assert_series_equal(again.equity, result.equity)
    # a partial allocation: only two cells, each within its first (full-return) segment
    partial = pd.Series(
        [5.0, 2.0],
        index=pd.MultiIndex.from_tuples(
            [("Aceh", "training"), ("Bali", "sentra")], names=["region", "program"]
        ),
    )
    ev = ik.evaluate(result.data, partial)
    assert ev.outcomes["spend"] == pytest.approx(7.0)
    coef = result.data.impacts["jobs"]
    assert ev.outcomes["jobs"] == pytest.approx(
        5 * coef[("Aceh", "training")] + 2 * coef[("Bali", "sentra")]
    )


# ---------------------------------------------------------------------- with projects
def test_evaluate_round_trip_with_projects():
    data = small()
    result = ik.optimize(data, policy())
    again = ik.evaluate(data, result.allocation, projects=result.projects["built"])
    pd.testing.assert_series_equal(again.outcomes, result.outcomes)
    by_label = ik.evaluate(data, result.allocation, projects=["A1", "B1"])
    assert by_label.outcomes["jobs"] == pytest.approx(270)
    # the same money without the projects earns only what training earns (A: 2 bn)
    training = result.allocation.where(
        result.allocation.index.get_level_values("program") == "t", 0.0)
    assert ik.evaluate(data, training, projects=[]).outcomes["jobs"] == pytest.approx(20)
    # forgetting projects= is not silent
    with pytest.warns(UserWarning, match="pass projects="):
        ik.evaluate(data, result.allocation)


def test_evaluate_rejects_bad_projects():
    data = small()
    spend = pd.Series(0.0, index=data.cells)
    with pytest.raises(ik.DataError, match=r"unknown project.*'A9'"):
        ik.evaluate(data, spend, projects=["A9"])
    with pytest.raises(ik.DataError, match="less than the cost of the projects"):
        ik.evaluate(data, spend, projects=["A1"])
    plain = ik.datasets.synthetic(n_regions=2, n_programs=2, seed=0)
    with pytest.raises(ik.DataError, match="no projects table"):
        ik.evaluate(plain, np.zeros(plain.n_cells), projects=["A1"])


# ---------------------------------------------------------------------- bad allocations
def cells(*tuples, names=("region", "program")) -> pd.MultiIndex:
    return pd.MultiIndex.from_tuples(list(tuples), names=list(names))


@pytest.mark.parametrize(
    ("allocation", "words"),
    [
        pytest.param(pd.Series([1.0], index=cells(("Z", "p"))), ["Z", "not in dataset 'tiny'"],
                     id="unknown-cell"),
        pytest.param(pd.Series([1.0, 2.0], index=cells(("A", "p"), ("A", "zz"))), ["zz"],
                     id="unknown-program-cell"),
        pytest.param(pd.Series([-1.0], index=cells(("B", "q"))), ["negative", "B", "q"],
                     id="negative-spend"),
        pytest.param(pd.Series([np.nan], index=cells(("C", "p"))), ["missing", "C"],
                     id="nan-spend"),
        pytest.param(pd.Series([np.inf], index=cells(("C", "p"))), ["infinite", "C"],
                     id="inf-spend"),
        pytest.param(pd.Series([1.0], index=cells(("A", "p"), names=("regio", "program"))),
                     ["'regio'", "'region'"], id="wrong-level-names"),
        pytest.param(pd.Series([1.0], index=pd.Index(["A"], name="region")),
                     ["['region']", "['region', 'program']"], id="missing-level"),
        pytest.param(pd.Series([1.0, 2.0], index=cells(("A", "p"), ("A", "p"))),
                     ["more than once"], id="duplicate-cell"),
        pytest.param(np.ones(5), ["5 values", "6 cells"], id="short-array"),
        pytest.param(np.ones(7), ["7 values", "6 cells"], id="long-array"),
        pytest.param(np.array([1, 1, 1, 1, 1, -2.0]), ["negative"], id="negative-array"),
        pytest.param(pd.DataFrame({"spnd": [1.0]}), ["'spend'"], id="frame-without-spend"),
    ],
)
def test_evaluate_rejects_bad_allocation(tiny, allocation, words):
    with pytest.raises(ik.DataError) as info:
        ik.evaluate(tiny, allocation)
    assert isinstance(info.value, ValueError)
    assert_names(info.value, *words)


@pytest.mark.parametrize("allocation", ["abc", ["a"] * 6, None])
def test_evaluate_rejects_non_numeric_allocation(tiny, allocation):
    with pytest.raises(ik.DataError, match="allocation"):
        ik.evaluate(tiny, allocation)


def test_evaluate_rejects_non_dataset():
    with pytest.raises(ik.IkmoptError, match="Dataset") as info:
        ik.evaluate("indonesia-provinces", np.ones(6))
    assert isinstance(info.value, ValueError)
