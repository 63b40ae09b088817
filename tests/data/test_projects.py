"""The projects table: validated, converted to Rp bn, kept through CSV and dropped regions."""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik
from helpers.projects import policy, small


def test_projects_survive_csv_round_trip_and_drop_regions(tmp_path):
    data = small()
    again = ik.Dataset.from_csv(data.to_csv(tmp_path / "data"))
    pd.testing.assert_frame_equal(again.projects.table, data.projects.table)
    dropped = data.drop_regions("A")
    assert list(dropped.projects.labels) == ["B1", "C1"]
    assert ik.optimize(dropped, policy()).objective == pytest.approx(
        # B1 + C1 = 13 and Rp 7 bn of training (B 5 x 8, C 2 x 6)
        100 + 45 + 40 + 12
    )


def test_money_units_convert_project_costs_and_money_outcomes():
    projects = pd.DataFrame({"project": ["A1"], "region": ["A"], "program": ["s"],
                             "cost": [10_000.0], "jobs": [150.0], "va": [2_000.0]})
    regions = pd.DataFrame({"population": [1e6]}, index=["A"])
    programs = pd.DataFrame({"name": ["t", "s"]}, index=["t", "s"])
    impacts = pd.DataFrame({"region": ["A", "A"], "program": ["t", "s"], "jobs": [0.01, 0.0],
                            "va": [0.5, 0.0], "capacity": [5_000.0, 0.0]})
    data = ik.Dataset(regions, programs, impacts, projects=projects, money_unit="Rp juta",
                      metric_units={"va": "Rp juta"})
    assert data.projects.cost.tolist() == [10.0]  # Rp 10,000 million = Rp 10 bn
    assert data.unit_coefficients("va")[-1] == pytest.approx(2.0)  # Rp 2 bn when built


# ---------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        (lambda t: t.drop(columns="jobs"), "jobs", "give 0 where a project does not change it"),
        (lambda t: t.rename(columns={"cost": "costs"}), "cost", "misspelling"),
        (lambda t: t.assign(cost=[10, 0, 8, 5]), "cost", "greater than 0"),
        (lambda t: t.assign(jobs=[150, -1, 100, 40]), "jobs", ">= 0|negative"),
        (lambda t: t.assign(cost=["10", "ten", "8", "5"]), "cost", "not a number"),
        (lambda t: t.assign(region=["A", "A", "B", "Z"]), "region/program", "not in the impacts"),
        (lambda t: t.assign(project=["A1", "A1", "B1", "C1"]), "project", "duplicate"),
        (lambda t: t.drop(columns="project"), "project", "required column is missing"),
    ],
)
def test_bad_projects_table_is_a_data_error(change, column, message):
    base = pd.DataFrame({"project": ["A1", "A2", "B1", "C1"], "region": ["A", "A", "B", "C"],
                         "program": "s", "cost": [10, 6, 8, 5], "jobs": [150, 70, 100, 40]})
    with pytest.raises(ik.DataError) as err:
        small(change(base))
    cases = err.value.failure_cases
    assert (cases["table"] == "projects").all()
    assert column in cases["column"].tolist()
    assert cases["check"].str.contains(message).any()
