"""The uncertainty table: bad rows named, and kept through CSV."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load(uncertainty=True)


def test_uncertainty_round_trips_through_csv(bundled, tmp_path):
    bundled.to_csv(tmp_path / "data")
    again = ik.Dataset.from_csv(tmp_path / "data")
    plan = ik.optimize(bundled, ik.default_policy())
    a = ik.simulate(plan, n=500, seed=4)
    b = ik.simulate(plan.allocation, data=again, n=500, seed=4)
    np.testing.assert_allclose(a.draws.to_numpy(), b.draws.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ({"metric": "jbos", "distribution": "normal", "spread": 0.1}, ["'jbos'", "'jobs'"]),
        ({"metric": "jobs", "distribution": "gauss", "spread": 0.1}, ["'gauss'", "allowed"]),
        ({"metric": "jobs", "distribution": "triangular", "low": 1.2, "mode": 1, "high": 1.3},
         ["low <= mode <= high"]),
        ({"metric": "jobs", "distribution": "triangular", "low": 0.5}, ["needs low, mode"]),
        ({"metric": "jobs", "distribution": "lognormal", "spread": -0.1}, ["spread", ">= 0"]),
        ({"metric": "realization", "distribution": "triangular", "low": 0.8, "mode": 0.9,
          "high": 1.2}, ["<= 1 for a realization"]),
        ({"metric": "jobs", "distribution": "normal", "spread": 0.1, "correlation": 1.5,
          "correlated_by": "program"}, ["correlation", "between 0 and 1"]),
        ({"metric": "jobs", "distribution": "normal", "spread": 0.1, "correlation": 0.5},
         ["needs correlated_by"]),
        ({"metric": "jobs", "distribution": "normal", "spread": 0.1, "correlation": 0.5,
          "correlated_by": "programme"}, ["programme"]),
        ({"metric": "jobs", "distribution": "normal", "spread": 0.1, "program": "trainig"},
         ["'trainig'", "did you mean 'training'"]),
        ({"metric": "jobs", "distribution": "normal", "spread": "wide"}, ["spread", "'wide'"]),
    ],
    ids=["metric", "distribution", "order", "missing", "spread", "share", "rho", "no-level",
         "bad-level", "selector-value", "text"],
)
def test_bad_uncertainty_rows_are_named(row, words):
    with pytest.raises(ik.DataError) as err:
        ik.datasets.load().replace(uncertainty=pd.DataFrame([row]))
    text = str(err.value)
    assert "uncertainty" in text and all(w in text for w in words), text
