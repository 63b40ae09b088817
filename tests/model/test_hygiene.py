"""Scaling warnings: money in the wrong unit and metrics spanning many magnitudes."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def data() -> ik.Dataset:
    return ik.datasets.load()


def in_rupiah(data: ik.Dataset) -> pd.DataFrame:
    impacts = data.impacts.copy()
    impacts["capacity"] *= 1e9
    impacts[list(data.metrics)] /= 1e9  # per Rp; value added stays in Rp bn per Rp
    return impacts


def test_money_in_rupiah_is_flagged_with_what_to_do(data):
    impacts = in_rupiah(data)
    wrong = ik.Dataset(data.regions, data.programs, impacts)  # says Rp bn, holds rupiah
    with pytest.warns(ik.ScalingWarning, match="money_unit='IDR'"):
        ik.optimize(wrong, ik.Policy(ik.Budget(total=971e9)))
    right = ik.Dataset(data.regions, data.programs, impacts, money_unit="IDR")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plan = ik.optimize(right, ik.Policy(ik.Budget(total=971)))
    assert plan.outcomes["spend"] == pytest.approx(971)


def test_a_metric_spanning_many_magnitudes_is_flagged(data):
    tiny = data.scale("value_added", 1e-12)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ik.optimize(tiny, ik.Policy(ik.Budget(total=971),
                                    [ik.Target("value_added", min=1e-10),
                                     ik.RegionBounds(min=1)]))
    messages = [str(w.message) for w in caught if w.category is ik.ScalingWarning]
    assert any("rows 'target'" in m for m in messages), messages
    # the target of 1e-10 is also below the solver's tolerance next to the budget
    assert any("bound(s)" in m and "1e-10" in m for m in messages), messages
