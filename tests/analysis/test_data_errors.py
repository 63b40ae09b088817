"""data_errors against independent re-solves of data perturbed by hand."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from ikmopt.analysis.data_errors import data_errors

POLICY = ik.Policy(budget=ik.Budget(total=60), constraints=[ik.GroupShare("kti", min=0.4)],
                   objective=ik.Maximize("jobs"))


def _gini(values: np.ndarray, weights: np.ndarray) -> float:
    """sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu), by the definition."""
    w = np.asarray(weights, dtype=float)
    y = np.asarray(values, dtype=float)
    mu = (w * y).sum() / w.sum()
    return float((w[:, None] * w[None, :] * np.abs(y[:, None] - y[None, :])).sum()
                 / (2 * w.sum() ** 2 * mu))


def test_each_draw_is_a_re_solve_of_the_data_perturbed_by_hand(tiny: ik.Dataset) -> None:
    spread = data_errors(tiny, POLICY, {"capacity": 0.3, "population": 0.1}, n=4, seed=3)
    base = ik.optimize(tiny, POLICY).allocation.to_numpy()
    jobs = tiny.impacts["jobs"].to_numpy()
    region = tiny.cells.get_level_values("region")
    for i in range(4):
        impacts = tiny.impacts.copy()
        impacts["capacity"] = impacts["capacity"].to_numpy() * spread.factors["capacity"][i]
        regions = tiny.regions.copy()
        regions["population"] = regions["population"] * spread.factors["population"][i]
        by_hand = ik.optimize(tiny.replace(impacts=impacts, regions=regions), POLICY)
        x = by_hand.allocation.to_numpy()
        row = spread.draws.query("input == 'all' and draw == @i").iloc[0]
        assert row["jobs"] == pytest.approx(float(jobs @ x), rel=1e-9)
        assert row["moved"] == pytest.approx(0.5 * np.abs(x - base).sum() / base.sum(),
                                             abs=1e-9)
        spend = np.array([x[region == r].sum() for r in tiny.regions.index])
        pop = regions["population"].to_numpy()
        assert row["gini_spend"] == pytest.approx(_gini(spend * 1e9 / pop, pop), abs=1e-9)
        kti = tiny.regions["kti"].to_numpy()
        assert row["kti_share"] == pytest.approx(spend[kti].sum() / spend.sum(), abs=1e-9)


def test_population_errors_move_no_money_when_no_rule_reads_population(tiny) -> None:
    spread = data_errors(tiny, POLICY, {"population": 0.1}, n=6, seed=1)
    table = spread.summary().loc["population"]
    assert table.loc["moved", "p95"] == 0.0
    assert table.loc["jobs", "sd"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["gini_spend", "sd"] > 1e-4  # the measure still moves with population
    # ... but a per-capita floor reads it, and then money moves
    floor = POLICY.add(ik.RegionBounds(min_rp_per_capita=10_000))
    moved = data_errors(tiny, floor, {"population": 0.1}, n=6, seed=1).summary()
    assert moved.loc[("population", "moved"), "mean"] > 1e-3


def test_factors_are_unbiased_lognormal(tiny) -> None:
    eps = 0.25
    spread = data_errors(tiny, POLICY, {"capacity": eps}, n=100, seed=0)
    logs = np.log(spread.factors["capacity"])
    assert logs.shape == (100, tiny.n_cells)
    assert logs.std() == pytest.approx(eps, rel=0.1)
    assert logs.mean() == pytest.approx(-eps**2 / 2, abs=0.03)
    again = data_errors(tiny, POLICY, {"capacity": eps}, n=100, seed=0)
    np.testing.assert_array_equal(again.factors["capacity"], spread.factors["capacity"])


def test_bad_inputs_are_refused(tiny) -> None:
    with pytest.raises(ik.PolicyError, match="neither"):
        data_errors(tiny, POLICY, {"rainfall": 0.1}, n=2)
    with pytest.raises(ik.PolicyError, match=">= 0"):
        data_errors(tiny, POLICY, {"capacity": -0.1}, n=2)
    with pytest.raises(ik.PolicyError, match="whole number"):
        data_errors(tiny, POLICY, {"capacity": 0.1}, n=0)
