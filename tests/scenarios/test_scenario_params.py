"""Scenario parameters (get, set, sweep over policy and data paths) and added regions in a file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.whatif import new_province

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load()


def test_add_regions_in_a_scenario_file(bundled, tmp_path):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    tables["regions"].to_csv(tmp_path / "new-regions.csv")
    tables["impacts"].to_csv(tmp_path / "new-impacts.csv")
    tables["curves"].to_csv(tmp_path / "new-curves.csv")
    file = tmp_path / "grow.yaml"
    file.write_text(
        f"extends: {EXAMPLES / 'baseline.yaml'}\n"
        "data:\n  - add_regions: {regions: new-regions.csv, impacts: new-impacts.csv, "
        "curves: new-curves.csv}\n")
    scenario = ik.load_scenario(file, root=EXAMPLES)  # it extends the examples folder
    assert ik.Scenario.from_yaml(scenario.to_yaml()).data == scenario.data
    result = scenario.run()
    assert result.by("region").loc["Aceh Baru", "spend"] > 0
    before = scenario.digest
    (tmp_path / "new-impacts.csv").write_text(
        (tmp_path / "new-impacts.csv").read_text().replace("Aceh Baru", "Aceh  Baru"))
    assert ik.load_scenario(file, root=EXAMPLES).digest != before  # resume re-solves
    with pytest.raises(ik.ScenarioError) as err:
        ik.load_scenario(file, root=EXAMPLES).validate()
    assert "data[0].add_regions" in str(err.value) and str(file) in str(err.value)


# ---------------------------------------------------------------------- get / set
def test_get_and_set_reach_policy_and_data_paths():
    s = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml")
    assert s.get("budget.total") == 971
    assert s.get("constraints[1].min") == 0.4
    assert s.get("data[0].factor") == s.get("data[0].with_cost.factor") == 1.2
    assert s.get("data[0].where.island_group") == ["Papua", "Maluku"]
    changed = s.set("data[0].factor", 1.5).set("constraints[1].min", 0.45)
    assert changed.get("data[0].factor") == 1.5 and changed.get("constraints[1].min") == 0.45
    assert s.get("data[0].factor") == 1.2  # the original is untouched
    assert changed.set("data[0].where.program", "sentra").get("data[0].where.program") \
        == "sentra"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("data[3].factor", "no data[3]"),
        ("data[0].fctor", "no 'fctor'"),
        ("data.factor", "data[position]"),
        ("constraints[7].min", "no [7]"),
        ("budget.totl", "no field 'totl'"),
    ],
)
def test_bad_parameter_paths_name_the_part_that_fails(path, message):
    s = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml")
    with pytest.raises(ik.ScenarioError) as err:
        s.get(path)
    assert message in str(err.value) and path in str(err.value)


def test_set_refuses_an_argument_the_operation_does_not_take():
    s = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml")
    with pytest.raises(ik.ScenarioError, match="allowed"):
        s.set("data[0].factr", 2.0)


# ---------------------------------------------------------------------- sweeps
def test_sweep_over_a_data_override_matches_cold_solves():
    s = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml")
    values = [1.0, 1.2, 1.6, 2.5]
    swept = ik.sweep(s, "data[0].factor", values)
    assert swept.table["warm"].iloc[1:].all()  # every re-solve starts from the last basis
    for value, objective, jobs in swept.table[["value", "objective", "jobs"]].itertuples(
            index=False):
        cold = s.set("data[0].factor", value).run(solver="cbc")
        assert objective == pytest.approx(cold.objective, rel=1e-6)
        assert jobs == pytest.approx(cold.outcomes["jobs"], rel=1e-5)
    # dearer training in the east never creates jobs
    assert np.all(np.diff(swept.table["jobs"]) <= 1e-6)


def test_sweep_of_a_metric_scale_is_linear_in_the_objective_when_the_plan_holds():
    """Scaling jobs everywhere by k with a jobs-only objective scales the optimum by k."""
    s = ik.Scenario.from_dict({"name": "k", "budget": {"total": 2500},
                               "constraints": [{"group_share": {"group": "kti", "min": 0.4}}],
                               "data": [{"scale": {"metric": "jobs", "factor": 1.0}}],
                               "objective": {"maximize": {"metric": "jobs"}}})
    swept = s.sweep("data[0].factor", [1.0, 0.5, 2.0])
    base = swept.table["objective"].iloc[0]
    np.testing.assert_allclose(swept.table["objective"], base * np.array([1.0, 0.5, 2.0]),
                               rtol=1e-7)


def test_sweep_records_bad_values_and_goes_on():
    s = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml")
    swept = s.sweep("data[0].factor", [1.1, -1.0, 1.3])
    assert swept.table["status"].tolist() == ["optimal", "ScenarioError", "optimal"]
    assert "cost factor" in swept.table["error"].iloc[1]
    with pytest.raises(ik.ScenarioError, match="not a number"):
        s.sweep("data[0].where", [1.0])


def test_sweep_over_a_policy_path_of_a_scenario_equals_the_dataset_form():
    s = ik.load_scenario(EXAMPLES / "kti-push.yaml")
    values = [0.40, 0.45, 0.50]
    from_scenario = ik.sweep(s, "constraints[1].min", values)
    direct = ik.sweep(s.load_data(), s.policy, "constraints[1].min", values)
    pd.testing.assert_frame_equal(from_scenario.table.drop(columns="solve_s"),
                                  direct.table.drop(columns="solve_s"))
    with pytest.raises(ik.PolicyError, match="sweep\\(scenario, param, values\\)"):
        ik.sweep(s, s.policy, "budget.total", [1.0])
