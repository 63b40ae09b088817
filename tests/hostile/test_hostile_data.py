"""Hostile inputs, second pass: datasets edited the way a planner edits a spreadsheet.

* a capacity edited in an exported workbook or CSV folder takes its diminishing-returns
  curve along (curves are written as shares of capacity); segments written as widths that
  do not add up to the capacity are a DataError naming the cells with both numbers;
* a cell without curve rows among curved siblings gets a DataWarning naming it;
* names that differ only in upper/lower case are one name written two ways;
* a blank label (an Excel merged cell) is named by its cell, ``impacts!A3``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.hostile import expect_error, named_tables, with_cell
from ikmopt.core.errors import DataWarning

openpyxl = pytest.importorskip("openpyxl")

TRAINING = {"program": "training"}


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load()


#: The default rules on one pooled budget: in the default pots training may draw only on the
#: ministry's own money and Tugas Pembantuan (Rp 576 bn), less than tripled room would take.
POOLED = ik.default_policy().replace(budget=ik.Budget(total=971))


@pytest.fixture(scope="module")
def shipped_plan(bundled) -> ik.Result:
    return ik.optimize(bundled, POOLED)


def edit_sheet(path: Path, sheet: str, column: str, change, where=None) -> Path:
    """Edit one column of a sheet cell by cell with openpyxl, as a user would in Excel."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    target = header.index(column)
    for row in ws.iter_rows(min_row=2):
        if where is None or all(row[header.index(k)].value == v for k, v in where.items()):
            row[target].value = change(row[target].value)
    out = path.with_name(f"edited-{path.name}")
    book.save(out)
    return out


def cases(err: ik.DataError, table: str, column: str) -> pd.DataFrame:
    frame = err.failure_cases
    return frame[(frame["table"] == table) & (frame["column"] == column)]


def no_data_warning(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        return call()


# ---------------------------------------------------------------------- item 4: capacities
def assert_tripled_training_is_used(edited: ik.Dataset, bundled: ik.Dataset,
                                    shipped_plan: ik.Result) -> None:
    old = bundled.impacts.xs("training", level="program")["capacity"]
    new = edited.impacts.xs("training", level="program")["capacity"]
    np.testing.assert_allclose(new.to_numpy(), 3 * old.to_numpy(), rtol=1e-12)
    # the curve follows: three times each segment, same factors
    table = edited.curves.table.sort_index()
    aceh = table.loc[("Aceh", "training"), "width"].to_numpy()
    np.testing.assert_allclose(aceh, 3 * old["Aceh"] * np.array([0.5, 0.3, 0.2]), rtol=1e-12)
    plan = ik.optimize(edited, POOLED)
    spend = plan.allocation.xs("training", level="program")
    # the plan uses the added room: more than the whole old training capacity (by Rp 350 bn
    # of the Rp 971 bn budget), and more than its old capacity in most provinces
    assert spend.sum() > old.sum() + 350
    assert (spend > old + 1e-6).sum() >= 30
    assert plan.outcomes["jobs"] > shipped_plan.outcomes["jobs"] * 1.3
    # the same plan as the library's own what-if copy
    same = ik.optimize(bundled.with_capacity(factor=3.0, where=TRAINING), POOLED)
    assert plan.allocation.to_numpy() == pytest.approx(same.allocation.to_numpy(), abs=1e-6)


def test_tripled_capacity_in_an_exported_workbook_changes_the_plan(tmp_path, bundled,
                                                                   shipped_plan):
    path = bundled.to_excel(tmp_path / "ikm.xlsx")
    assert "share" in pd.read_excel(path, sheet_name="curves").columns
    edited = edit_sheet(path, "impacts", "capacity", lambda v: 3 * v, where=TRAINING)
    data = no_data_warning(lambda: ik.Dataset.from_excel(edited))
    assert_tripled_training_is_used(data, bundled, shipped_plan)


def test_tripled_capacity_in_an_exported_csv_folder_changes_the_plan(tmp_path, bundled,
                                                                     shipped_plan):
    folder = bundled.to_csv(tmp_path / "ikm")
    impacts = pd.read_csv(folder / "impacts.csv")
    impacts.loc[impacts["program"] == "training", "capacity"] *= 3
    impacts.to_csv(folder / "impacts.csv", index=False)
    data = no_data_warning(lambda: ik.Dataset.from_csv(folder))
    assert_tripled_training_is_used(data, bundled, shipped_plan)


def test_replace_impacts_takes_the_curves_along(bundled, shipped_plan):
    impacts = bundled.impacts.copy()
    impacts.loc[(slice(None), "training"), "capacity"] *= 3
    assert_tripled_training_is_used(bundled.replace(impacts=impacts), bundled, shipped_plan)


def test_bundled_data_round_trips_through_csv_to_the_same_plan(tmp_path, bundled,
                                                               shipped_plan):
    back = ik.Dataset.from_csv(bundled.to_csv(tmp_path / "d"))
    np.testing.assert_allclose(back.curves.width, bundled.curves.width, rtol=1e-14)
    again = ik.optimize(back, ik.default_policy())  # the programs' pots come back too
    assert again.objective == pytest.approx(
        ik.optimize(bundled, ik.default_policy()).objective, rel=1e-12)
    assert ik.optimize(back, POOLED).objective == pytest.approx(shipped_plan.objective,
                                                                rel=1e-12)


def test_widths_that_do_not_add_up_to_the_capacity_name_every_cell(tmp_path, bundled):
    """Segments written by hand in money: tripling the capacity is refused, cell by cell."""
    path = bundled.to_excel(tmp_path / "ikm.xlsx")
    book = openpyxl.load_workbook(path)
    del book["curves"]
    curves = book.create_sheet("curves")
    widths = bundled.curves.table.reset_index()
    for row in [list(widths.columns), *widths.itertuples(index=False)]:
        curves.append(list(row))
    book.save(path)
    assert ik.Dataset.from_excel(path).curves is not None  # as written: widths add up
    edited = edit_sheet(path, "impacts", "capacity", lambda v: 3 * v, where=TRAINING)
    err = expect_error(lambda: ik.Dataset.from_excel(edited), ik.DataError,
                       "'curves'", "'width'", "do not add up to the cell's capacity", "share",
                       "(Aceh, training) (widths add up to 19.2618, capacity 57.7854)")
    found = cases(err, "curves", "width")
    assert len(found) == 38  # every training cell, nothing else
    assert {label[1] for label in found["label"]} == {"training"}
    assert found["value"].str.contains("widths add up to .*, capacity ").all()


def test_segments_given_as_width_and_share_at_once_are_refused(bundled):
    table = bundled.curves.relative().assign(width=1.0)
    expect_error(lambda: bundled.replace(curves=table), ik.DataError,
                 "'curves'", "'share'", "'width'", "not both")


def test_shares_that_do_not_add_up_to_one_name_the_cell(bundled):
    table = bundled.curves.relative().reset_index()
    table.loc[(table["region"] == "Bali") & (table["program"] == "sentra")
              & (table["segment"] == 3), "share"] = 0.4
    err = expect_error(lambda: bundled.replace(curves=table), ik.DataError,
                       "'curves'", "'share'", "add up to 1",
                       "(Bali, sentra) (shares add up to 1.2)")
    assert cases(err, "curves", "share")["label"].tolist() == [("Bali", "sentra")]


def test_a_zero_capacity_keeps_its_curve_for_later(bundled):
    closed = bundled.with_capacity(value=0.0, where=TRAINING)  # used to be refused
    assert closed.capacity[closed.mask(TRAINING)].max() == 0
    reopened = closed.with_capacity(value=30.0, where=TRAINING)
    widths = reopened.curves.table.sort_index().loc[("Aceh", "training"), "width"]
    np.testing.assert_allclose(widths.to_numpy(), [15.0, 9.0, 6.0])


def test_widths_in_another_money_unit_survive_a_copy():
    """Segment widths are stored in Rp bn, like capacities, so copies do not rescale them."""
    regions, programs, impacts = named_tables()
    impacts["capacity"] *= 1000  # Rp juta
    curves = impacts[["region", "program"]].assign(segment=1, width=impacts["capacity"],
                                                   factor=1.0)
    data = ik.Dataset(regions, programs, impacts, money_unit="Rp juta", curves=curves)
    assert data.curves.table["width"].max() == pytest.approx(50.0)
    copy = data.replace(name="copy")
    np.testing.assert_allclose(copy.curves.width, data.curves.width)
    dearer = data.with_cost(2.0)
    np.testing.assert_allclose(dearer.curves.width, 2 * data.curves.width)


# ---------------------------------------------------------------------- item 4: uncurved cells
def test_a_new_program_without_curve_rows_is_warned_about(tmp_path, bundled):
    path = bundled.to_excel(tmp_path / "ikm.xlsx")
    book = openpyxl.load_workbook(path)
    book["programs"].append(["mentoring", "Business mentoring", "Pendampingan", "APBN pusat"])
    header = [cell.value for cell in book["impacts"][1]]
    for region, jobs, va, capacity in [("Aceh", 9.0, 0.5, 10.0), ("Bali", 8.0, 0.4, 12.0)]:
        row = {"region": region, "program": "mentoring", "jobs": jobs, "value_added": va,
               "capacity": capacity}
        book["impacts"].append([row.get(column, 0.0) for column in header])
    book.save(path)
    with pytest.warns(DataWarning) as caught:
        data = ik.Dataset.from_excel(path)
    message = str(caught[0].message)
    for word in ["2 of 230 cells", "(Aceh, mentoring)", "(Bali, mentoring)", "curves",
                 "straight", "share 1 and factor 1"]:
        assert word in message, message
    assert data.n_cells == 230


def test_an_added_region_without_curve_rows_is_warned_about(bundled):
    regions = bundled.regions.loc[["Aceh"]].rename(index={"Aceh": "Aceh Baru"})
    impacts = bundled.impacts.xs("Aceh", level="region", drop_level=False).rename(
        index={"Aceh": "Aceh Baru"}, level="region")
    with pytest.warns(DataWarning, match=r"6 of 234 cells.*\(Aceh Baru, training\)"):
        bundled.add_regions(regions, impacts)
    curves = bundled.curves.relative().xs("Aceh", level="region", drop_level=False).rename(
        index={"Aceh": "Aceh Baru"}, level="region")
    added = no_data_warning(lambda: bundled.add_regions(regions, impacts, curves=curves))
    widths = added.curves.table.sort_index().loc[("Aceh Baru", "training"), "width"]
    assert widths.sum() == pytest.approx(bundled.impacts.loc[("Aceh", "training"), "capacity"])


def test_straight_returns_on_purpose_are_not_warned_about(bundled):
    regions, programs, impacts = named_tables()
    curves = pd.DataFrame({"region": ["Aceh", "Aceh", "Jawa Barat", "Jawa Barat",
                                      "Papua Barat Daya", "Papua Barat Daya"],
                           "program": ["training", "sentra"] * 3, "segment": 1, "share": 1.0,
                           "factor": 1.0})
    data = no_data_warning(lambda: ik.Dataset(regions, programs, impacts, curves=curves))
    plain = ik.Dataset(regions, programs, impacts)
    policy = ik.Policy(ik.Budget(total=60))
    assert ik.optimize(data, policy).objective == pytest.approx(
        ik.optimize(plain, policy).objective)


# ---------------------------------------------------------------------- item 5: case
CASE_CASES = [
    pytest.param(lambda r, p, i: ik.Dataset(
                     pd.concat([r, r.iloc[[0]].assign(region="ACEH")], ignore_index=True), p, i),
                 ("regions", "region", "ACEH", "Aceh"), id="regions-Aceh-and-ACEH"),
    pytest.param(lambda r, p, i: ik.Dataset(
                     r, pd.concat([p, p.iloc[[0]].assign(program="Training")],
                                  ignore_index=True), i),
                 ("programs", "program", "Training", "training"),
                 id="programs-training-and-Training"),
    pytest.param(lambda r, p, i: ik.Dataset(
                     r, p, i.assign(sector=["Food", "food", "Food", "Food", "Food", "Food"])),
                 ("impacts", "sector", "food", "Food"), id="impacts-sector-Food-and-food"),
]


@pytest.mark.parametrize(("build", "expected"), CASE_CASES)
def test_names_that_differ_only_in_case_are_duplicates(build, expected):
    table, column, label, first = expected
    err = expect_error(lambda: build(*named_tables()), ik.DataError, f"'{table}'",
                       f"'{column}'", "differs only in upper/lower case", f"'{first}'",
                       f"'{label}'")
    found = cases(err, table, column)
    assert found[["label", "value"]].values.tolist() == [[label, first]]


def test_case_duplicates_and_other_problems_are_reported_together():
    regions, programs, impacts = named_tables()
    regions = pd.concat([regions, regions.iloc[[1]].assign(region="JAWA BARAT")],
                        ignore_index=True)
    programs = pd.concat([programs, programs.iloc[[1]].assign(program="Sentra")],
                         ignore_index=True)
    impacts = with_cell(impacts, 0, "jobs", -1.0)
    err = expect_error(lambda: ik.Dataset(regions, programs, impacts), ik.DataError,
                       "3 problems")
    assert sorted(err.failure_cases["label"].astype(str)) == ["('Aceh', 'training')",
                                                             "JAWA BARAT", "Sentra"]


def test_an_impacts_label_in_another_case_gets_a_hint():
    regions, programs, impacts = named_tables()
    impacts = with_cell(impacts, 2, "region", "JAWA BARAT")
    err = expect_error(lambda: ik.Dataset(regions, programs, impacts), ik.DataError,
                       "'impacts'", "'region'", "'JAWA BARAT'", "did you mean 'Jawa Barat'")
    assert cases(err, "impacts", "region")["label"].tolist() == ["JAWA BARAT"]


def test_case_duplicates_in_a_workbook_are_refused(tmp_path):
    data = ik.Dataset(*named_tables())
    path = data.to_excel(tmp_path / "named.xlsx")
    book = openpyxl.load_workbook(path)
    book["regions"].append(["ACEH", 1000, False, "Sumatera", 10.0])
    book.save(path)
    expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError, "'regions'", "'ACEH'",
                 "'Aceh'", "upper/lower case")


# ---------------------------------------------------------------------- item 5: blank labels
def merged(tmp_path: Path, sheet: str, cells: str, tables=None, **kwargs) -> Path:
    """A workbook of the named tables with ``cells`` merged in ``sheet`` (openpyxl)."""
    data = ik.Dataset(*(tables or named_tables()), **kwargs)
    path = data.to_excel(tmp_path / "named.xlsx")
    book = openpyxl.load_workbook(path)
    book[sheet].merge_cells(cells)
    book.save(path)
    return path


def test_merged_region_cells_in_impacts_name_the_excel_cells(tmp_path):
    # rows 2-3 are Aceh's two cells; a planner merges them into one "Aceh" block
    path = merged(tmp_path, "impacts", "A2:A3")
    err = expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError,
                       "'impacts'", "'region'", "missing label", "merged cell", "impacts!A3")
    assert cases(err, "impacts", "region")["label"].tolist() == ["impacts!A3"]


def test_merged_program_cells_in_impacts_name_every_blank_cell(tmp_path):
    path = merged(tmp_path, "impacts", "B4:B7")
    err = expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError,
                       "'program'", "impacts!B5", "impacts!B6", "impacts!B7")
    assert cases(err, "impacts", "program")["label"].tolist() == [
        "impacts!B5", "impacts!B6", "impacts!B7"]


def test_merged_region_cells_in_regions_name_the_excel_cell(tmp_path):
    path = merged(tmp_path, "regions", "A3:A4")
    err = expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError,
                       "'regions'", "'region'", "missing label", "regions!A4")
    assert cases(err, "regions", "region")["label"].tolist() == ["regions!A4"]


def test_merged_cells_in_the_curves_sheet_name_the_excel_cell(tmp_path):
    impacts = named_tables()[2]
    curves = impacts[["region", "program"]].assign(segment=1, share=1.0, factor=1.0)
    path = merged(tmp_path, "curves", "A2:A3", curves=curves)
    expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError,
                 "'curves'", "'region'", "missing label", "curves!A3")


def test_a_blank_label_in_a_csv_file_names_its_line(tmp_path):
    folder = ik.Dataset(*named_tables()).to_csv(tmp_path / "named")
    impacts = pd.read_csv(folder / "impacts.csv")
    impacts.loc[3, "region"] = "   "
    impacts.to_csv(folder / "impacts.csv", index=False)
    err = expect_error(lambda: ik.Dataset.from_csv(folder), ik.DataError,
                       "'impacts'", "'region'", "missing label", "impacts.csv line 5")
    assert cases(err, "impacts", "region")["label"].tolist() == ["impacts.csv line 5"]


def test_a_blank_label_in_a_frame_keeps_its_row_label():
    regions, programs, impacts = named_tables()
    impacts = with_cell(impacts, 4, "program", " ")
    err = expect_error(lambda: ik.Dataset(regions, programs, impacts), ik.DataError,
                       "'program'", "missing label")
    assert cases(err, "impacts", "program")["label"].tolist() == [4]
