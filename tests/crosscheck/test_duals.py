"""Shadow prices against finite-difference re-solves, on every solver path.

A shadow price is the change of the objective per unit increase of a row's binding bound.
Where the LP is degenerate the dual need not be unique, but it always lies between the
left and right derivatives of the optimal value, so the test brackets it with a re-solve on
each side of the bound.
"""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik

H = 1e-3
SOLVERS = ["highs", "cbc", "pulp-highs"]


def _objective(data: ik.Dataset, policy: ik.Policy) -> float:
    return ik.optimize(data, policy).objective


def _assert_bracketed(price: float, left: float, right: float) -> None:
    lo, hi = min(left, right), max(left, right)
    tol = 1e-5 * max(1.0, abs(lo), abs(hi))
    assert lo - tol <= price <= hi + tol, (price, left, right)


def _row(result: ik.Result, family: str, label: str) -> dict:
    table = result.constraints
    match = table[(table["family"] == family) & (table["label"] == label)]
    assert len(match) == 1, (family, label, table[["family", "label"]])
    return match.iloc[0].to_dict()


def _policy(total: float, floor: float, kti: float, metric: str = "jobs") -> ik.Policy:
    return ik.Policy(
        budget=ik.Budget(total=total),
        constraints=[ik.RegionBounds(min=floor), ik.GroupShare("kti", min=kti)],
        objective=ik.Maximize(metric),
    )


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("metric", ["jobs", "value_added"])
def test_budget_floor_and_share_prices_match_resolves(
    provinces: ik.Dataset, solver: str, metric: str
) -> None:
    total, floor, kti = 971.0, 5.0, 0.42
    result = ik.optimize(provinces, _policy(total, floor, kti, metric), solver=solver)
    base = result.objective

    budget = _row(result, "budget", "total")
    assert budget["binding"]
    left = (base - _objective(provinces, _policy(total - H, floor, kti, metric))) / H
    right = (_objective(provinces, _policy(total + H, floor, kti, metric)) - base) / H
    _assert_bracketed(budget["shadow_price"], left, right)
    assert budget["shadow_price"] > 0  # more money, more outcome

    share = _row(result, "share", "kti=True min")
    assert share["binding"]
    h = 1e-5
    left = (base - _objective(provinces, _policy(total, floor, kti - h, metric))) / h
    right = (_objective(provinces, _policy(total, floor, kti + h, metric)) - base) / h
    _assert_bracketed(share["shadow_price"], left, right)
    assert share["shadow_price"] < 0  # a stricter equity rule costs outcome

    # a uniform floor moves every region's row at once: the sum of the floor prices of all
    # binding floors is the derivative with respect to the common floor
    floors = result.constraints[result.constraints["family"] == "region_bounds"]
    total_price = floors["shadow_price"].sum()
    left = (base - _objective(provinces, _policy(total, floor - H, kti, metric))) / H
    right = (_objective(provinces, _policy(total, floor + H, kti, metric)) - base) / H
    _assert_bracketed(total_price, left, right)


@pytest.mark.parametrize("solver", SOLVERS)
def test_single_region_floor_price(tiny: ik.Dataset, solver: str) -> None:
    # tiny: with budget 60 and region B forced to >= 25, B-p (8 jobs) displaces A-p (10 jobs)
    def policy(floor_b: float) -> ik.Policy:
        return ik.Policy(ik.Budget(total=60), [ik.RegionBounds(min={"B": floor_b})])

    result = ik.optimize(tiny, policy(25.0), solver=solver)
    row = _row(result, "region_bounds", "B")
    assert row["shadow_price"] == pytest.approx(-2.0, abs=1e-7)
    bumped = ik.optimize(tiny, policy(25.0 + 1.0), solver=solver).objective
    assert bumped - result.objective == pytest.approx(row["shadow_price"], abs=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_nonbinding_rows_have_zero_price(tiny: ik.Dataset, solver: str) -> None:
    policy = ik.Policy(ik.Budget(total=60), [ik.RegionBounds(max=1000)])
    result = ik.optimize(tiny, policy, solver=solver)
    caps = result.constraints[result.constraints["family"] == "region_bounds"]
    assert not caps["binding"].any()
    np.testing.assert_allclose(caps["shadow_price"], 0.0, atol=1e-9)
    np.testing.assert_allclose(caps["slack"], 1000 - caps["activity"])
