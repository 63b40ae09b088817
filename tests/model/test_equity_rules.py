"""Equity constraints: Gini caps (pairwise and Lorenz) and outcome floors."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from helpers.equity import pairwise_gini
from helpers.policy_check import assert_feasible

SOLVERS = ["highs", "cbc"]


def _per_capita(result: ik.Result, of: str) -> np.ndarray:
    by = result.by("region")
    return by[of].to_numpy() / by["population"].to_numpy()


def _lorenz_gini(y: np.ndarray, w: np.ndarray, q: int) -> float:
    """Gini of the Lorenz curve sampled at q population brackets (trapezoids)."""
    order = np.argsort(y)
    y, w = y[order], w[order] / w.sum()
    cum_w = np.concatenate([[0], np.cumsum(w)])
    cum_v = np.concatenate([[0], np.cumsum(w * y)]) / (w * y).sum()
    p = np.linspace(0, 1, q + 1)
    lorenz = np.interp(p, cum_w, cum_v)
    return 1 - np.sum((lorenz[1:] + lorenz[:-1]) / q)


BASE = ik.Policy(ik.Budget(total=971), [ik.RegionBounds(min_share=0.002)], ik.Maximize("jobs"))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(("of", "cap"), [("spend", 0.2), ("jobs", 0.15)])
def test_gini_cap_pairwise_holds_exactly(provinces: ik.Dataset, solver: str, of: str,
                                         cap: float) -> None:
    free = ik.optimize(provinces, BASE, solver=solver)
    assert pairwise_gini(_per_capita(free, of), provinces.population) > cap  # it binds
    policy = BASE.add(ik.GiniCap(of=of, max=cap))
    result = ik.optimize(provinces, policy, solver=solver)
    gini = pairwise_gini(_per_capita(result, of), provinces.population)
    assert gini <= cap + 1e-7
    assert gini == pytest.approx(cap, abs=1e-6)  # binding: a tighter plan would cost jobs
    assert result.objective <= free.objective + 1e-6
    assert_feasible(provinces, policy, result.allocation)


def test_gini_cap_lorenz_caps_the_sampled_curve(provinces: ik.Dataset) -> None:
    q = 20
    result = ik.optimize(provinces, BASE.add(ik.GiniCap(max=0.3, method="lorenz", quantiles=q)))
    y, w = _per_capita(result, "spend"), provinces.population
    assert _lorenz_gini(y, w, q) <= 0.3 + 1e-7
    exact = pairwise_gini(y, w)
    assert exact >= _lorenz_gini(y, w, q) - 1e-9  # sampling never overstates the Gini
    assert exact < 0.3 + 0.02
    pairwise = ik.optimize(provinces, BASE.add(ik.GiniCap(max=0.3)))
    assert result.objective >= pairwise.objective - 1e-6  # the weaker bound costs less
    lp, full = result.lp, pairwise.lp
    gini_cols = lambda p: int(p.aux["family"].str.startswith(("gini", "lorenz")).sum())  # noqa: E731
    assert gini_cols(lp) < 1000 and gini_cols(full) == 38 + 38 * 37 // 2  # O(q n) vs O(n^2)


def test_gini_cap_rejects_nonsense() -> None:
    with pytest.raises(ik.PolicyError, match="max"):
        ik.GiniCap()
    with pytest.raises(ik.PolicyError, match="between 0 and 1"):
        ik.GiniCap(max=1.5)
    with pytest.raises(ik.PolicyError, match="method"):
        ik.GiniCap(max=0.3, method="sorted")


@pytest.mark.parametrize("solver", SOLVERS)
def test_outcome_equity_floor(provinces: ik.Dataset, solver: str) -> None:
    policy = BASE.add(ik.OutcomeEquity("jobs", min_ratio=0.6))
    result = ik.optimize(provinces, policy, solver=solver)
    per_capita = _per_capita(result, "jobs")
    national = result.outcomes["jobs"] / provinces.population.sum()
    assert per_capita.min() >= 0.6 * national * (1 - 1e-7)
    free = ik.optimize(provinces, BASE, solver=solver)
    assert free.objective >= result.objective - 1e-6
    assert _per_capita(free, "jobs").min() < 0.6 * free.outcomes["jobs"] / (
        provinces.population.sum()
    )
