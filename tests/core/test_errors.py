"""Errors are typed and survive pickling (scenarios run in worker processes)."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import data_error, policy_error
from helpers.tiny import solve


# ---------------------------------------------------------------------- data errors
def test_data_error_survives_pickling(tables):
    regions, programs, impacts = tables
    regions.loc[1, "population"] = 0
    impacts.loc[5, "program"] = "zz"
    err = data_error(regions, programs, impacts)
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is ik.DataError
    assert str(clone) == str(err)
    assert clone.message == err.message
    pd.testing.assert_frame_equal(clone.failure_cases, err.failure_cases)


def test_plain_data_error_survives_pickling():
    err = ik.DataError("no bundled dataset 'x'")
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is ik.DataError
    assert str(clone) == "no bundled dataset 'x'"
    assert list(clone.failure_cases.columns) == ["table", "column", "label", "check", "value"]
    assert clone.failure_cases.empty


# ---------------------------------------------------------------------- policy and solver errors
def roundtrip(err: Exception) -> Exception:
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is type(err)
    assert str(clone) == str(err)
    assert clone.args == err.args
    return clone


def test_policy_error_survives_pickling(tiny):
    err = policy_error(lambda: solve(tiny, ik.GroupShare("ktii", min=0.4)))
    clone = roundtrip(err)
    assert clone.message == err.message


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_infeasible_error_survives_pickling(tiny, solver):
    with pytest.raises(ik.InfeasibleError) as info:
        solve(tiny, ik.RegionBounds(min=100), solver=solver)
    err = info.value
    clone = roundtrip(err)
    assert clone.status == "infeasible"
    assert clone.diagnosis.suggestions == err.diagnosis.suggestions
    pd.testing.assert_frame_equal(clone.diagnosis.relaxations, err.diagnosis.relaxations)
    assert str(clone) == str(err)


@pytest.mark.parametrize(
    "err",
    [
        ik.SolverError("stopped at the time limit", status="time_limit"),
        ik.SolverError("the solver failed"),
        ik.InfeasibleError("no plan", diagnosis={"conflict": ["budget", "floor A"], "relax": 40}),
        ik.UnboundedError("jobs can grow without limit"),
        ik.PolicyError("GroupShare: unknown level 'x'"),
        ik.IkmoptError("base"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_constructed_errors_survive_pickling(err):
    clone = roundtrip(err)
    for attr in ("status", "diagnosis", "message"):
        if hasattr(err, attr):
            assert getattr(clone, attr) == getattr(err, attr)


def test_error_hierarchy():
    assert issubclass(ik.DataError, ik.IkmoptError) and issubclass(ik.DataError, ValueError)
    assert issubclass(ik.PolicyError, ik.IkmoptError) and issubclass(ik.PolicyError, ValueError)
    assert issubclass(ik.SolverError, ik.IkmoptError)
    assert issubclass(ik.SolverError, RuntimeError)
    assert issubclass(ik.InfeasibleError, ik.SolverError)
    assert issubclass(ik.UnboundedError, ik.SolverError)
    assert ik.UnboundedError("x").status == "unbounded"
