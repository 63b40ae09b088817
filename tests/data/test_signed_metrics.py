"""Signed metrics: a metric declared ``signed_metrics=`` may be negative (land freed or used);
every other metric still may not. Targets and relations on a signed metric take negative
bounds; hand-solved optima on both solvers, prices against finite differences.

The tiny dataset (``helpers.tiny``) with ``land`` per Rp bn: A-p -1 (cap 50), A-q +2 (50),
B-p -0.5 (30), B-q +1 (40), C-p 0 (10), C-q -3 (20): negative where a program takes land,
positive where it frees land. Jobs per Rp bn A-p 10, A-q 6, B-p 8, B-q 4, C-p 12, C-q 5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.model.params import set_param

SOLVERS = ["highs", "cbc"]
LAND = [-1.0, 2.0, -0.5, 1.0, 0.0, -3.0]


@pytest.fixture
def land(tables) -> ik.Dataset:
    regions, programs, impacts = tables
    impacts["land"] = LAND
    return ik.Dataset(regions, programs, impacts, signed_metrics=["land"],
                      metric_units={"land": "ha"}, name="land")


# ---------------------------------------------------------------------- validation
def test_negative_values_need_a_declaration(tables) -> None:
    regions, programs, impacts = tables
    impacts["land"] = LAND
    with pytest.raises(ik.DataError) as err:
        ik.Dataset(regions, programs, impacts)
    cases = err.value.failure_cases
    assert set(cases["column"]) == {"land"}
    assert {tuple(label) for label in cases["label"]} == {("A", "p"), ("B", "p"), ("C", "q")}
    assert "must not be negative" in str(err.value)


def test_unsigned_metrics_are_still_checked(tables) -> None:
    regions, programs, impacts = tables
    impacts["land"] = LAND
    impacts.loc[0, "jobs"] = -1.0
    with pytest.raises(ik.DataError) as err:
        ik.Dataset(regions, programs, impacts, signed_metrics=["land"])
    assert set(err.value.failure_cases["column"]) == {"jobs"}


def test_capacity_is_never_signed(tables) -> None:
    regions, programs, impacts = tables
    impacts.loc[0, "capacity"] = -1.0
    with pytest.raises(ik.DataError, match="capacity"):
        ik.Dataset(regions, programs, impacts, signed_metrics=["capacity"])


def test_unknown_signed_metric_is_named(tables) -> None:
    regions, programs, impacts = tables
    impacts["land"] = LAND
    with pytest.raises(ik.DataError) as err:
        ik.Dataset(regions, programs, impacts, signed_metrics=["lnad", "land"])
    assert "'lnad'" in str(err.value) or "lnad" in set(err.value.failure_cases["column"])
    assert "did you mean 'land'" in str(err.value)


def test_signed_metrics_must_be_a_list(tables) -> None:
    with pytest.raises(ik.DataError, match="signed_metrics must be a list"):
        ik.Dataset(*tables, signed_metrics="land")


def test_the_declaration_travels_with_copies_and_files(land: ik.Dataset, tmp_path: Path
                                                       ) -> None:
    assert land.signed_metrics == ("land",)
    assert land.scale("jobs", 0.5).signed_metrics == ("land",)
    assert land.with_cost(1.2, where={"program": "q"}).signed_metrics == ("land",)
    assert land.replace(name="x").signed_metrics == ("land",)
    back = ik.Dataset.from_csv(land.to_csv(tmp_path / "land"))
    assert back.signed_metrics == ("land",)
    assert back.impacts["land"].tolist() == land.impacts["land"].tolist()


def test_projects_may_carry_a_signed_outcome(tables) -> None:
    regions, programs, impacts = tables
    impacts["land"] = LAND
    projects = pd.DataFrame({"project": ["estate"], "region": ["A"], "program": ["p"],
                             "cost": [5.0], "jobs": [40.0], "value_added": [3.0],
                             "land": [-12.0]})
    data = ik.Dataset(regions, programs, impacts, projects=projects, signed_metrics=["land"])
    assert data.projects.impacts[0, data.metrics.index("land")] == -12.0


# ---------------------------------------------------------------------- rules and objectives
@pytest.mark.parametrize("solver", SOLVERS)
def test_target_with_a_negative_floor(land: ik.Dataset, solver: str) -> None:
    # Net land >= -20 ha (the plan may take at most 20 ha). Unbounded: C-p 10, A-p 50 takes
    # 50 ha. A-p a and A-q b with a + b = 50 and -a + 2b >= -20: a <= 40. Jobs 120 + 400 +
    # 60 = 580. Prices: budget 26/3 and land 4/3 jobs per ha of the floor (-4/3 per +1).
    policy = ik.Policy(ik.Budget(total=60), [ik.Target("land", min=-20)])
    result = ik.optimize(land, policy, solver=solver)
    assert result.objective == pytest.approx(580.0)
    assert result.outcomes["land"] == pytest.approx(-20.0)
    assert result.allocation[("A", "p")] == pytest.approx(40.0)
    row = result.constraints.set_index("family").loc["target"]
    assert row["shadow_price"] == pytest.approx(-4 / 3)
    assert row["unit"] == "ha"
    h = 0.01
    up = ik.optimize(land, set_param(policy, "constraints[0].min", -20 + h),
                     solver=solver).objective
    down = ik.optimize(land, set_param(policy, "constraints[0].min", -20 - h),
                       solver=solver).objective
    assert (up - down) / (2 * h) == pytest.approx(-4 / 3)
    assert result.sensitivity().set_index("path").loc[
        "constraints[0].min", "derivative"] == pytest.approx(-4 / 3)


@pytest.mark.parametrize("solver", SOLVERS)
def test_relation_with_a_negative_constant_matches_the_target(land: ik.Dataset,
                                                              solver: str) -> None:
    rule = ik.Relation([ik.Aggregate("land")], ">=", -20)
    result = ik.optimize(land, ik.Policy(ik.Budget(total=60), [rule]), solver=solver)
    assert result.objective == pytest.approx(580.0)
    row = result.constraints.set_index("family").loc["relation"]
    assert row["shadow_price"] == pytest.approx(-4 / 3)
    assert rule.describe() == "land >= -20"


@pytest.mark.parametrize("solver", SOLVERS)
def test_land_used_by_p_within_land_freed_by_q(land: ik.Dataset, solver: str) -> None:
    # Land taken by p (1 ha a Rp bn in A, 0.5 in B) may not exceed land freed by q
    # (2 in A, 1 in B): land[p] + land[q] >= 0 over A and B. C-p (land 0) 10; then
    # A-p a, A-q b: -a + 2b >= 0, a + b = 50 -> a = 100/3: jobs 120 + 333.33 + 100 = 553.33.
    rule = ik.Relation([ik.Aggregate("land", region=["A", "B"])], ">=", 0)
    result = ik.optimize(land, ik.Policy(ik.Budget(total=60), [rule]), solver=solver)
    assert result.objective == pytest.approx(120 + 1000 / 3 + 100)
    assert result.allocation[("A", "p")] == pytest.approx(100 / 3)


@pytest.mark.parametrize("solver", SOLVERS)
def test_maximize_a_signed_metric(land: ik.Dataset, solver: str) -> None:
    # Most land freed: A-q 50 (+100 ha) then B-q 10 (+10 ha) = 110 ha.
    policy = ik.Policy(ik.Budget(total=60), objective=ik.Maximize("land"))
    result = ik.optimize(land, policy, solver=solver)
    assert result.objective == pytest.approx(110.0)
    assert result.allocation[("A", "q")] == pytest.approx(50.0)


def test_weighted_objective_and_evaluation_with_a_signed_metric(land: ik.Dataset) -> None:
    policy = ik.Policy(ik.Budget(total=60), objective=ik.Weighted(jobs=1.0, land=1.0))
    result = ik.optimize(land, policy)
    assert result.optima == pytest.approx({"jobs": 620.0, "land": 110.0})
    x = result.allocation.to_numpy()
    expected = float(np.dot(land.impacts["land"].to_numpy(), x))
    assert result.outcomes["land"] == pytest.approx(expected)
    assert ik.evaluate(land, result.allocation).outcomes["land"] == pytest.approx(expected)


def test_negative_bounds_are_refused_on_unsigned_metrics(land: ik.Dataset) -> None:
    with pytest.raises(ik.PolicyError, match=r"Target\(jobs\).*min -5.*not a signed metric"):
        ik.optimize(land, ik.Policy(ik.Budget(total=60), [ik.Target("jobs", min=-5)]))
    with pytest.raises(ik.PolicyError, match=r"by region.*max -1|max -1"):
        ik.optimize(land, ik.Policy(ik.Budget(total=60),
                                    [ik.Target("value_added", max={"A": -1}, by="region")]))
