"""Outcomes that accrue over a multi-year horizon: year weights by hand."""

from __future__ import annotations

import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def small() -> ik.Dataset:
    return ik.datasets.synthetic(n_regions=40, n_programs=3, n_sectors=2, n_years=4, seed=7)


def test_accrual_weights_by_hand(small: ik.Dataset) -> None:
    accrual = ik.Accrual(survival={"jobs": 0.8}, discount=0.1)
    w = accrual.year_weights(small, "jobs")
    codes, _ = small.level_codes("year")
    # 2028 (last year): counted once, discounted 3 years
    assert w[codes == 3][0] == pytest.approx(1 / 1.1**3)
    # 2027: 1/1.1^2 + 0.8/1.1^3
    assert w[codes == 2][0] == pytest.approx(1 / 1.1**2 + 0.8 / 1.1**3)
    # value added has no survival given: 1.0
    v = accrual.year_weights(small, "value_added")
    assert v[codes == 0][0] == pytest.approx(sum(1 / 1.1**k for k in range(4)))
    policy = ik.Policy(ik.Budget(total=150), objective=ik.Maximize("jobs"), accrual=accrual)
    result = ik.optimize(small, policy)
    assert result.objective == pytest.approx(result.accrued["jobs"])
    manual = (small.impacts["jobs"].to_numpy() * w * result.allocation.to_numpy()).sum()
    assert result.accrued["jobs"] == pytest.approx(manual)
    # with accrual, early years are worth more: the plan front-loads against no accrual
    flat = ik.optimize(small, policy.replace(accrual=None))
    early = result.by("year")["spend"].iloc[0]
    assert early >= flat.by("year")["spend"].iloc[0] - 1e-9
