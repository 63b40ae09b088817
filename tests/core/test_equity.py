"""Equity measures against independent formulas and known values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ikmopt as ik
from helpers.equity import pairwise_gini
from ikmopt import equity


def test_known_values() -> None:
    assert equity.gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)
    # two people, one has everything: G = 1/2 for n = 2 (population Gini, no small-sample fix)
    assert equity.gini(np.array([0.0, 1.0])) == pytest.approx(0.5)
    # weights act like repeated people
    assert equity.gini(np.array([0.0, 1.0]), np.array([3.0, 1.0])) == pytest.approx(
        equity.gini(np.array([0.0, 0.0, 0.0, 1.0]))
    )
    assert equity.theil(np.array([2.0, 2.0])) == pytest.approx(0.0)
    assert equity.theil(np.array([0.0, 1.0])) == pytest.approx(np.log(2))
    assert equity.cv(np.array([1.0, 3.0])) == pytest.approx(0.5)
    assert np.isnan(equity.gini(np.zeros(3)))


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0.1, 1e3)), min_size=1, max_size=12))
def test_gini_matches_pairwise_definition(pairs: list[tuple[float, float]]) -> None:
    y = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs])
    if (w * y).sum() <= 1e-9:
        return
    assert equity.gini(y, w) == pytest.approx(pairwise_gini(y, w), rel=1e-9, abs=1e-12)
    assert 0.0 <= equity.gini(y, w) < 1.0


def test_result_equity_uses_population_weights(provinces: ik.Dataset) -> None:
    result = ik.optimize(provinces, ik.default_policy())
    per_capita = result.by("region")
    y = per_capita["spend_rp_per_capita"].to_numpy()
    w = per_capita["population"].to_numpy()
    assert result.equity[("spend", "gini")] == pytest.approx(pairwise_gini(y, w))
    assert result.equity[("spend", "min_per_capita")] == pytest.approx(y.min())
    jobs_pc = per_capita["jobs"].to_numpy() * 1e5 / w
    assert result.equity[("jobs", "max_per_capita")] == pytest.approx(jobs_pc.max())
