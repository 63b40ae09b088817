"""ExpectedAbsorption: the plan's expected realisation at least a share of its spend.

Hand-solved on tiny with pots (DAK funds p at a realisation rate of 0.8, TP funds q at 1.0):
without the rule the pots buy C-p 10, A-p 20 (DAK 30) and A-q 20 (TP 20), 440 jobs, and
expect (0.8 x 30 + 20) / 50 = 88 % to be realised. At alpha = 0.9 the rule reads
0.8 D + T >= 0.9 (D + T), i.e. D <= T = 20: A-p drops to 10 and the plan makes 340 jobs. At
alpha, D = 20 (1 - alpha) / (alpha - 0.8), so dD/dalpha = -400 at 0.9 and the objective
falls 10 x 400 = 4,000 jobs per unit of alpha (40 per percentage point).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import ikmopt as ik
from helpers.planning import POTS
from ikmopt.model.constraints.absorption import ExpectedAbsorption

RATES = {"DAK": 0.8, "TP": 1.0}


def solve(data, alpha, solver="highs", **kw):
    policy = ik.Policy(budget=ik.Budget(pots=POTS),
                       constraints=[ExpectedAbsorption(alpha, pot_rates=RATES, **kw)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(data, policy, solver=solver)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_hand_solved(tiny, solver):
    free = solve(tiny, 0.0, solver)
    assert free.objective == pytest.approx(440)
    held = solve(tiny, 0.9, solver)
    assert held.objective == pytest.approx(340)
    assert held.allocation[("A", "p")] == pytest.approx(10)
    assert held.allocation[("A", "q")] == pytest.approx(20)
    row = held.constraints.query("family == 'absorption'").iloc[0]
    assert row["activity"] == pytest.approx(0.9)  # read as the share achieved


def test_price_matches_a_finite_difference(tiny):
    h = 1e-5
    up, down = solve(tiny, 0.9 + h), solve(tiny, 0.9 - h)
    fd = (up.objective - down.objective) / (2 * h)
    assert fd == pytest.approx(-4000, rel=1e-3)
    derivative = solve(tiny, 0.9).sensitivity().set_index("path")["derivative"]
    assert derivative["constraints[0].min"] == pytest.approx(-4000, rel=1e-6)


def test_region_rates_move_money_within_a_pot(tiny):
    # A absorbs half as well as the national rate: DAK money leaves A-p for B-p
    plain = solve(tiny, 0.0)
    held = solve(tiny, 0.75, region_rates={"A": 0.5})
    assert plain.allocation[("A", "p")] == pytest.approx(20)
    assert held.allocation[("A", "p")] < 20 - 1e-6
    # independent check of the rule on the plan: rate x spend by pot and region
    pots = held.pot_allocation()
    rate = pots["pot"].map(RATES) * np.where(pots["region"] == "A", 0.5, 1.0)
    expected = float((np.minimum(rate, 1) * pots["spend"]).sum())
    assert expected >= 0.75 * pots["spend"].sum() - 1e-6


def test_a_rule_already_met_changes_nothing(tiny):
    assert solve(tiny, 0.85).objective == pytest.approx(solve(tiny, 0.0).objective)


def test_default_rates_are_the_bundled_national_rates(provinces):
    policy = ik.default_policy().replace(objective=ik.Maximize("jobs"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        result = ik.optimize(provinces, policy.add(ExpectedAbsorption(0.96)))
    pots = result.pot_allocation()
    rates = ik.datasets.pots()["realisation_rate"]
    expected = float((pots["pot"].map(rates) * pots["spend"]).sum())
    assert expected / pots["spend"].sum() >= 0.96 - 1e-6


def test_errors_name_the_problem(tiny):
    with pytest.raises(ik.PolicyError, match="no realisation rate for pot"):
        ik.optimize(tiny, ik.Policy(budget=ik.Budget(pots=POTS),
                                    constraints=[ExpectedAbsorption(0.9, pot_rates={"DAK": 1})]))
    with pytest.raises(ik.PolicyError, match="region_rates"):
        ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=50),
                                    constraints=[ExpectedAbsorption(0.9)]))
    with pytest.raises(ik.PolicyError, match="unknown region"):
        solve(tiny, 0.9, region_rates={"Atlantis": 0.5})
    with pytest.raises(ik.PolicyError):
        ExpectedAbsorption(1.5)
    with pytest.raises(ik.PolicyError):
        ExpectedAbsorption(0.9, pot_rates={"DAK": 1.2})
