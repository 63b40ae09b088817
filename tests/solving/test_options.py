"""Solver options: bad names and values refused before any solve."""

from __future__ import annotations

import math

import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.tiny import solve


# ---------------------------------------------------------------------- solver options
@pytest.mark.parametrize(
    ("options", "words"),
    [
        pytest.param({"solver": "gurobi"}, ["'gurobi'", "highs", "cbc"], id="unknown-solver"),
        pytest.param({"solver": "HiGHS "}, ["'HiGHS '", "highs"], id="solver-spelling"),
        pytest.param({"time_limit": 0}, ["time_limit", "0"], id="time-limit-zero"),
        pytest.param({"time_limit": -1}, ["time_limit", "-1"], id="time-limit-negative"),
        pytest.param({"time_limit": math.nan}, ["time_limit", "nan"], id="time-limit-nan"),
        pytest.param({"time_limit": "10s"}, ["time_limit", "10s"], id="time-limit-text"),
        pytest.param({"algorithm": "barrier"}, ["algorithm", "'barrier'", "simplex"],
                     id="unknown-algorithm"),
        pytest.param({"algorithm": "barrier", "solver": "cbc"}, ["algorithm", "'barrier'"],
                     id="unknown-algorithm-cbc"),
    ],
)
def test_bad_solver_options(tiny, options, words):
    err = policy_error(lambda: solve(tiny, **options))
    assert_names(err, *words)


def test_bad_solver_options_with_weighted_objective(tiny):
    """Checked before the first (normalizing) solve too."""
    err = policy_error(
        lambda: solve(tiny, objective=ik.Weighted(jobs=1, value_added=1), solver="glpk")
    )
    assert_names(err, "'glpk'")
