"""The planning tables of a dataset: proposals and last year's allocation.

Validated like every table (each bad row named, all problems at once), converted to Rp bn,
kept through files and what-if copies, and read from scenario files.
"""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names
from helpers.planning import last_year_table, planning_data, proposals_table
from helpers.tiny import tiny_tables


def test_proposals_are_validated_row_by_row():
    bad = pd.DataFrame({
        "region": ["A", "Aa", "B", "C", "C"],
        "program": ["p", "p", "x", "p", "p"],
        "amount": [10, 5, 3, "lots", 0],
        "readiness": [0.5, 1.2, 1, 1, 1],
    })
    with pytest.raises(ik.DataError) as info:
        ik.Dataset(*tiny_tables(), proposals=bad)
    err = info.value
    assert set(err.failure_cases["table"]) == {"proposals"}
    assert_names(err, "'Aa'", "did you mean 'A'", "'x'", "row 3", "not a number", "row 4",
                 "greater than 0", "row 5", "readiness", "'row 2' (1.2)")


def test_pass_fail_criteria_give_the_readiness_score():
    proposals = proposals_table().drop(columns="readiness")
    proposals["ready_land"] = ["yes", "ya", "no", "Y", "true"]
    proposals["ready_design"] = ["yes", "no", "no", "yes", "1"]
    data = planning_data(proposals=proposals)
    assert list(data.proposals.readiness) == [1.0, 0.5, 0.0, 1.0, 1.0]
    assert data.proposals.criteria == ["ready_land", "ready_design"]
    proposals.loc[0, "ready_land"] = "maybe"
    with pytest.raises(ik.DataError, match="yes or no"):
        planning_data(proposals=proposals)
    proposals.loc[0, "ready_land"] = "yes"
    proposals["readiness"] = 1.0  # a score that disagrees with the criteria
    with pytest.raises(ik.DataError, match="not both") as info:
        planning_data(proposals=proposals)
    assert set(info.value.failure_cases["label"]) == {"B1", "C1"}
    # the validated table (score and criteria agreeing) goes back in as it is
    again = data.with_proposals(data.proposals.table)
    assert list(again.proposals.readiness) == list(data.proposals.readiness)


def test_money_units_of_the_rows():
    proposals = proposals_table()
    proposals["amount"] = [20_000, 15, 6, 8, 30]
    proposals["unit"] = ["Rp juta", "Rp bn", "Rp miliar", "", "Rp bn"]
    data = planning_data(proposals=proposals)
    assert data.proposals.amount[0] == pytest.approx(20)
    assert data.proposals.amount[3] == pytest.approx(8)  # blank: the dataset's unit
    proposals.loc[1, "unit"] = "dollars"
    with pytest.raises(ik.DataError, match="unknown money unit"):
        planning_data(proposals=proposals)


def test_a_dataset_in_rp_million_converts_its_planning_tables():
    regions, programs, impacts = tiny_tables()
    impacts["jobs"] /= 1000
    impacts["value_added"] /= 1000
    impacts["capacity"] *= 1000
    proposals = proposals_table().assign(amount=lambda t: t["amount"] * 1000)
    last = last_year_table().assign(allocation=lambda t: t["allocation"] * 1000,
                                    realisation=lambda t: t["realisation"] * 1000)
    data = ik.Dataset(regions, programs, impacts, money_unit="Rp juta",
                      proposals=proposals, last_year=last,
                      metric_units={"value_added": "Rp juta"})
    assert data.proposals.amount[0] == pytest.approx(20)
    assert data.last_year.total == pytest.approx(45)


def test_proposals_that_match_no_cell_are_named(tables):
    regions, programs, impacts = tables
    impacts = impacts[~((impacts["region"] == "B") & (impacts["program"] == "q"))]
    proposals = pd.DataFrame({"proposal": ["X"], "region": ["B"], "program": ["q"],
                              "amount": [1.0]})
    with pytest.raises(ik.DataError) as info:
        ik.Dataset(regions, programs, impacts, proposals=proposals)
    assert_names(info.value, "X", "no cell")


def test_files_name_their_lines(tmp_path):
    file = tmp_path / "proposals.csv"
    file.write_text("region,program,amount\nA,p,5\nA,p,-1\nQ,p,2\n", encoding="utf-8")
    data = ik.Dataset(*tiny_tables())
    with pytest.raises(ik.DataError) as info:
        data.with_proposals(file)
    assert_names(info.value, "proposals.csv line 3", "proposals.csv line 4", "'Q'")
    with pytest.raises(ik.DataError, match="does not exist"):
        data.with_proposals(tmp_path / "nope.csv")


@pytest.mark.parametrize("kind", ["csv", "excel"])
def test_round_trip_through_files(tmp_path, kind):
    proposals = proposals_table().drop(columns="readiness")
    proposals["ready_land"] = ["yes", "no", "yes", "no", "yes"]
    proposals["priority"] = [1, None, 2, None, 1]
    data = planning_data(proposals=proposals)
    if kind == "csv":
        back = ik.Dataset.from_csv(data.to_csv(tmp_path / "tiny"))
    else:
        back = ik.Dataset.from_excel(data.to_excel(tmp_path / "tiny.xlsx"))
    pd.testing.assert_frame_equal(back.proposals.table, data.proposals.table,
                                  check_dtype=False, check_index_type=False)
    pd.testing.assert_frame_equal(back.last_year.table.reset_index(drop=True),
                                  data.last_year.table.reset_index(drop=True),
                                  check_dtype=False)


def test_what_if_copies_keep_and_drop_rows():
    data = planning_data()
    assert data.with_cost(1.1).proposals.amount.sum() == pytest.approx(79)
    dropped = data.drop_regions(["A"])
    assert list(dropped.proposals.table.index) == ["B1", "C1", "C2"]
    assert list(dropped.last_year.table["region"]) == ["B", "C"]
    assert data.with_proposals(None).proposals is None


def test_scenario_files_read_the_tables_and_the_rules(tmp_path):
    folder = tmp_path / "tiny"
    ik.Dataset(*tiny_tables()).to_csv(folder)
    proposals_table().to_csv(tmp_path / "usulan 2026.csv", index=False)
    last_year_table().to_csv(tmp_path / "pagu 2025.csv", index=False)
    file = tmp_path / "plan.yaml"
    file.write_text(
        "name: cycle\n"
        "dataset: {path: tiny}\n"
        "data:\n"
        "  - with_proposals: usulan 2026.csv\n"
        "  - with_last_year: {last_year: pagu 2025.csv}\n"
        "budget:\n"
        "  pots:\n"
        "    - {name: DAK, ceiling: 30, level: regency}\n"
        "    - {name: TP, ceiling: 20, funds: [q], level: province}\n"
        "constraints:\n"
        "  - fund_proposals: {min_readiness: 0.6}\n"
        "  - last_year: {max_rise: 0.5}\n"
        "  - minimum_allocation: {min: 5, pot: DAK}\n"
        "  - co_funding: {pot: DAK, match: 4}\n",
        encoding="utf-8")
    scenario = ik.load_scenario(file)
    with pytest.warns(ik.UnspentBudgetWarning, match="pot TP"):  # B and C proposed no q
        result = scenario.run()
    assert result.proposals().loc["B1", "reason"] == "not ready"
    assert result.rakor().loc["A", "ceiling"] == pytest.approx(30)
    again = ik.load_scenario(file).policy
    assert again == scenario.policy
    text = scenario.to_yaml()
    assert "pots:" in text and "level: regency" in text and "fund_proposals" in text
