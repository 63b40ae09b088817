"""Scenario parameters (get, set, sweep over policy and data paths) and added regions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "scenarios"


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load()


def new_province(data: ik.Dataset, like: str, name: str) -> dict[str, pd.DataFrame]:
    """A new region copied from an existing one (its tables, renamed)."""
    rename = {like: name}
    return {
        "regions": data.regions.loc[[like]].rename(index=rename),
        "impacts": data.impacts.xs(like, level="region", drop_level=False)
        .rename(index=rename, level="region"),
        "curves": data.curves.table.xs(like, level="region", drop_level=False)
        .rename(index=rename, level="region"),
    }


# ---------------------------------------------------------------------- add_regions
def test_an_added_copy_of_a_region_is_funded_like_it(bundled):
    """Two identical regions under a per-region floor: the copy gets what the original gets
    when both are forced to the same, hand-checkable floor-only plan."""
    tables = new_province(bundled, "Papua Pegunungan", "Papua Pegunungan Baru")
    data = bundled.add_regions(**tables)
    assert data.regions.index[-1] == "Papua Pegunungan Baru"
    assert data.n_cells == bundled.n_cells + bundled.programs.shape[0]
    assert len(data.curves.table) == len(bundled.curves.table) + len(tables["curves"])
    result = ik.optimize(data, ik.default_policy())
    spend = result.by("region")["spend"]
    assert spend["Papua Pegunungan Baru"] == pytest.approx(spend["Papua Pegunungan"], abs=1e-6)
    # the same optimum on the CBC path
    cbc = ik.optimize(data, ik.default_policy(), solver="cbc")
    assert cbc.objective == pytest.approx(result.objective, rel=1e-6)


def test_added_regions_from_records_and_csv_give_the_same_dataset(bundled, tmp_path):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    records = {k: v.reset_index().to_dict("records") for k, v in tables.items()}
    from_records = bundled.add_regions(**records)
    for key, table in tables.items():
        table.to_csv(tmp_path / f"{key}.csv")
    from_csv = bundled.add_regions(*(tmp_path / f"{k}.csv" for k in ("regions", "impacts")),
                                   curves=tmp_path / "curves.csv")
    from_frames = bundled.add_regions(**tables)
    assert from_records == from_frames == from_csv


def test_added_regions_in_another_money_unit_are_converted(bundled):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    impacts = tables["impacts"].copy()
    impacts["capacity"] *= 1000          # Rp juta
    impacts[["jobs", "value_added"]] /= 1000  # per Rp juta
    curves = tables["curves"].copy()
    curves["width"] *= 1000
    data = bundled.add_regions(tables["regions"], impacts, curves=curves, money_unit="Rp juta")
    got = data.impacts.xs("Aceh Baru", level="region")
    want = bundled.impacts.xs("Aceh", level="region")
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.update({k: v.rename(index={"Aceh Baru": "Bali"}) for k, v in t.items()}),
         "['Bali'] already exist"),
        (lambda t: t.update(regions=t["regions"].assign(kti="no")), "column 'kti'"),
        (lambda t: t.update(regions=t["regions"].assign(ump_2024="3,5 juta")),
         "column 'ump_2024'"),
        (lambda t: t.update(regions=t["regions"].drop(columns="kti")), "lacks column(s) ['kti']"),
        (lambda t: t.update(regions=t["regions"].assign(zone=1)), "column(s) ['zone']"),
        (lambda t: t.update(impacts=t["impacts"].drop(columns="value_added")),
         "lacks column(s) ['value_added']"),
        (lambda t: t.update(impacts=t["impacts"].assign(co2=1.0)), "metrics"),
        (lambda t: t.update(impacts=t["impacts"].assign(jobs=-1.0)), "jobs"),
        (lambda t: t.update(regions=t["regions"].assign(population=0)), "population"),
        (lambda t: t.update(impacts=[1, 2]), "list of records"),
        (lambda t: t.update(impacts="no/such/file.csv"), "does not exist"),
        (lambda t: t.update(impacts=t["impacts"].rename(index={"training": "trainig"},
                                                        level="program")), "trainig"),
    ],
    ids=["exists", "text-for-bool", "text-for-number", "missing-col", "extra-col",
         "missing-metric", "extra-metric", "negative", "population", "not-a-table", "no-file",
         "unknown-program"],
)
def test_bad_added_regions_are_refused_by_name(bundled, change, message):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    change(tables)
    with pytest.raises(ik.DataError) as err:
        bundled.add_regions(**tables)
    text = str(err.value) + err.value.failure_cases.to_string()
    assert "add_regions" in str(err.value) and message in text


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
    assert s.get("budget.total") == 2500
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
