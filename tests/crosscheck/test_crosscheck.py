"""The highspy path against the PuLP/CBC path on generated instances.

Every instance is solved by both backends: both must agree on feasibility and, when
feasible, on the optimum to 1e-6 relative; every returned plan must satisfy every rule of the
policy (checked independently by ``policy_check``).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import ikmopt as ik
from helpers.instances import instances
from helpers.policy_check import assert_feasible, objective_value, violations


def _solve(data: ik.Dataset, policy: ik.Policy, solver: str) -> ik.Result | None:
    try:
        return ik.optimize(data, policy, solver=solver)
    except ik.InfeasibleError:
        return None


@settings(max_examples=200, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_highs_and_cbc_agree(instance: tuple[ik.Dataset, ik.Policy]) -> None:
    data, policy = instance
    fast = _solve(data, policy, "highs")
    reference = _solve(data, policy, "cbc")
    assert (fast is None) == (reference is None), "solvers disagree on feasibility"
    if fast is None or reference is None:
        return
    assert fast.objective == pytest.approx(reference.objective, rel=1e-6, abs=1e-6)
    for result in (fast, reference):
        broken = violations(data, policy, result.allocation)
        assert not broken, (result.solver, broken, result.allocation.to_dict(),
                            result.outcomes.to_dict(), data.impacts.to_dict())
    if isinstance(policy.objective, ik.Maximize):
        metric = policy.objective.metric
        # the reported objective is the metric recomputed from the input table
        assert fast.objective == pytest.approx(
            objective_value(data, metric, fast.allocation), rel=1e-9, abs=1e-9
        )


@pytest.mark.parametrize("solver", ["cbc", "pulp-highs"])
def test_backends_agree_on_the_bundled_default(provinces: ik.Dataset, solver: str) -> None:
    policy = ik.default_policy()
    fast = ik.optimize(provinces, policy)
    other = ik.optimize(provinces, policy, solver=solver)
    assert other.objective == pytest.approx(fast.objective, rel=1e-6)
    assert_feasible(provinces, policy, other.allocation)
    assert other.solver == solver
