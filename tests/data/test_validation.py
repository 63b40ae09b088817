"""Hostile inputs for Dataset construction.

Every bad input must raise ``ik.DataError`` (also a ``ValueError``) whose message names the
offending table and column, and whose ``failure_cases`` lists exactly the right rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_cases, assert_names, data_error


def set_value(frame: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    if isinstance(value, str):
        frame[column] = frame[column].astype(object)
    else:
        frame[column] = frame[column].astype(float)
    frame.loc[row, column] = value
    return frame


# ---------------------------------------------------------------------- one bad value
# (table index in (regions, programs, impacts), row, column, value, expected label, check)
BAD_VALUES = [
    pytest.param(0, 1, "population", np.nan, "B", "missing value", id="population-nan"),
    pytest.param(0, 1, "population", 0, "B", "greater than 0", id="population-zero"),
    pytest.param(0, 2, "population", -5, "C", "greater than 0", id="population-negative"),
    pytest.param(0, 0, "population", np.inf, "A", "finite", id="population-inf"),
    pytest.param(2, 0, "jobs", np.nan, ("A", "p"), "missing value", id="jobs-nan"),
    pytest.param(2, 3, "jobs", np.inf, ("B", "q"), "finite", id="jobs-inf"),
    pytest.param(2, 4, "value_added", -0.5, ("C", "p"), "negative", id="value-added-negative"),
    pytest.param(2, 1, "capacity", -1.0, ("A", "q"), "negative", id="capacity-negative"),
    pytest.param(2, 2, "capacity", np.nan, ("B", "p"), "missing value", id="capacity-nan"),
    pytest.param(2, 5, "capacity", np.inf, ("C", "q"), "finite", id="capacity-inf"),
]


@pytest.mark.parametrize(("which", "row", "column", "value", "label", "check"), BAD_VALUES)
def test_bad_numeric_value(tables, which, row, column, value, label, check):
    tables = list(tables)
    tables[which] = set_value(tables[which], row, column, value)
    table = ("regions", "programs", "impacts")[which]
    err = data_error(*tables)
    assert_names(err, f"'{table}'", f"'{column}'")
    assert_cases(err, [(table, column, label, check)])
    case = err.failure_cases.iloc[0]
    if np.isnan(value):
        assert pd.isna(case["value"])
    else:
        assert case["value"] == value


def test_minus_inf_fails_two_checks(tables):
    regions, programs, impacts = tables
    impacts.loc[3, "jobs"] = -np.inf
    err = data_error(regions, programs, impacts)
    assert_cases(
        err,
        [("impacts", "jobs", ("B", "q"), "finite"), ("impacts", "jobs", ("B", "q"), "negative")],
    )


@pytest.mark.parametrize(
    ("which", "row", "column", "value", "label"),
    [
        pytest.param(0, 0, "population", "lots", "A", id="population-text"),
        pytest.param(2, 3, "jobs", "many", ("B", "q"), id="jobs-text"),
        pytest.param(2, 1, "capacity", "50 bn", ("A", "q"), id="capacity-text"),
    ],
)
def test_text_in_numeric_column_is_one_clean_case(tables, which, row, column, value, label):
    """One bad cell -> exactly one failure case: no duplicate, no exception text as value."""
    tables = list(tables)
    tables[which] = set_value(tables[which], row, column, value)
    table = ("regions", "programs", "impacts")[which]
    err = data_error(*tables)
    assert_names(err, f"'{table}'", f"'{column}'", "not a number")
    assert_cases(err, [(table, column, label, "not a number")])
    assert err.failure_cases.iloc[0]["value"] == value
    assert "Error(" not in str(err.failure_cases["value"].tolist())
    assert "at nan" not in str(err)


def test_cell_labels_are_tuples(tables):
    """Impacts failure cases are labelled by the cell tuple, like duplicate-cell cases are."""
    regions, programs, impacts = tables
    impacts.loc[0, "jobs"] = np.nan
    err = data_error(regions, programs, impacts)
    assert err.failure_cases.iloc[0]["label"] == ("A", "p")


def test_text_in_metric_column_reported_once_per_cell(tables):
    regions, programs, impacts = tables
    impacts["note"] = "free text"
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", "'note'")
    assert len(err.failure_cases) == len(impacts)
    assert set(err.failure_cases["column"]) == {"note"}


# ---------------------------------------------------------------------- missing columns
@pytest.mark.parametrize(
    ("which", "drop", "table", "column"),
    [
        pytest.param(0, "region", "regions", "region", id="regions-label"),
        pytest.param(1, "program", "programs", "program", id="programs-label"),
        pytest.param(2, "capacity", "impacts", "capacity", id="capacity"),
        pytest.param(2, "region", "impacts", "region", id="impacts-region"),
        pytest.param(2, "program", "impacts", "program", id="impacts-program"),
    ],
)
def test_missing_required_column(tables, which, drop, table, column):
    tables = list(tables)
    tables[which] = tables[which].drop(columns=drop)
    err = data_error(*tables)
    assert_names(err, f"'{table}'", f"'{column}'", "missing")
    assert_cases(err, [(table, column, None, "missing")])


@pytest.mark.parametrize(
    ("which", "right", "wrong", "table"),
    [
        pytest.param(0, "population", "populaton", "regions", id="populaton"),
        pytest.param(2, "capacity", "capacty", "impacts", id="capacty"),
        pytest.param(2, "region", "regoin", "impacts", id="regoin"),
    ],
)
def test_misspelled_column_gets_a_suggestion(tables, which, right, wrong, table):
    tables = list(tables)
    tables[which] = tables[which].rename(columns={right: wrong})
    err = data_error(*tables)
    assert_names(err, f"'{table}'", f"'{right}'", f"'{wrong}'", "misspelling")
    assert_cases(err, [(table, right, None, "missing")])


def test_no_metric_column(tables):
    regions, programs, impacts = tables
    err = data_error(regions, programs, impacts[["region", "program", "capacity"]])
    assert_names(err, "'impacts'", "metric")
    assert_cases(err, [("impacts", "-", None, "no metric")])


@pytest.mark.parametrize(("which", "column"), [(0, "population"), (2, "jobs")])
def test_duplicate_column_names(tables, which, column):
    """Two columns with the same name are ambiguous, not silently used (or doubled)."""
    tables = list(tables)
    frame = tables[which]
    tables[which] = pd.concat([frame, frame[[column]]], axis=1)
    table = ("regions", "programs", "impacts")[which]
    err = data_error(*tables)
    assert_names(err, f"'{table}'", f"'{column}'")


def test_label_both_index_and_column(tables):
    regions, programs, impacts = tables
    regions = regions.set_index("region", drop=False)
    err = data_error(regions, programs, impacts)
    assert_names(err, "'regions'", "'region'")


# ---------------------------------------------------------------------- labels
def test_duplicate_region_label(tables):
    regions, programs, impacts = tables
    regions = pd.concat([regions, regions.iloc[[0]]], ignore_index=True)
    err = data_error(regions, programs, impacts)
    assert_names(err, "'regions'", "duplicate", "'A'")
    assert_cases(err, [("regions", "region", "A", "duplicate")])


def test_duplicate_program_label(tables):
    regions, programs, impacts = tables
    programs.loc[len(programs)] = ["q", "DAK"]
    err = data_error(regions, programs, impacts)
    assert_names(err, "'programs'", "duplicate", "'q'")
    assert_cases(err, [("programs", "program", "q", "duplicate")])


def test_duplicate_impact_cell(tables):
    regions, programs, impacts = tables
    impacts = pd.concat([impacts, impacts.iloc[[3]]], ignore_index=True)
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", "duplicate", "(B, q)")
    assert_cases(err, [("impacts", "region/program", ("B", "q"), "duplicate")])


@pytest.mark.parametrize(
    ("column", "bad", "table"),
    [("region", "Acehh", "regions"), ("program", "trainng", "programs")],
)
def test_impacts_refer_to_unknown_label(tables, column, bad, table):
    regions, programs, impacts = tables
    impacts.loc[5, column] = bad
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", f"'{column}'", f"'{bad}'", f"{table} table")
    assert_cases(err, [("impacts", column, bad, "not in the")])


def test_missing_region_label(tables):
    regions, programs, impacts = tables
    regions.loc[2, "region"] = None
    err = data_error(regions, programs, impacts)
    assert_names(err, "'regions'", "'region'", "missing label")


def test_year_must_be_integer(tables):
    regions, programs, impacts = tables
    impacts["year"] = [2025, 2025, 2025.5, 2025, 2025, 2025]
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", "'year'", "2025.5")
    assert_cases(err, [("impacts", "year", 2025.5, "integer")])


# ---------------------------------------------------------------------- whole tables
@pytest.mark.parametrize("which", [0, 1, 2])
@pytest.mark.parametrize("bad", [None, "regions.csv", [[1, 2]], {"region": ["A"]}])
def test_table_not_a_dataframe(tables, which, bad):
    tables = list(tables)
    tables[which] = bad
    table = ("regions", "programs", "impacts")[which]
    err = data_error(*tables)
    assert_names(err, f"'{table}'", "DataFrame", type(bad).__name__)
    assert_cases(err, [(table, "-", None, "DataFrame")])


@pytest.mark.parametrize("which", [0, 1, 2])
def test_empty_table(tables, which):
    tables = list(tables)
    tables[which] = tables[which].iloc[:0]
    table = ("regions", "programs", "impacts")[which]
    err = data_error(*tables)
    assert_names(err, f"'{table}'", "empty")
    assert_cases(err, [(table, "-", None, "empty")])


def test_several_problems_reported_at_once(tables):
    regions, programs, impacts = tables
    regions.loc[1, "population"] = -1
    programs.loc[len(programs)] = ["p", "TP"]
    impacts.loc[0, "jobs"] = np.nan
    impacts.loc[4, "capacity"] = -3.0
    impacts.loc[5, "region"] = "Z"
    err = data_error(regions, programs, impacts)
    assert_cases(
        err,
        [
            ("regions", "population", "B", "greater than 0"),
            ("programs", "program", "p", "duplicate"),
            ("impacts", "jobs", ("A", "p"), "missing value"),
            ("impacts", "capacity", ("C", "p"), "negative"),
            ("impacts", "region", "Z", "not in the regions table"),
        ],
    )
    assert_names(err, "5 problems", "'regions'", "'programs'", "'impacts'", "'Z'")


def test_several_bad_tables_reported_at_once(tables):
    regions, _, impacts = tables
    err = data_error(regions.iloc[:0], None, impacts.drop(columns="program"))
    assert_cases(
        err,
        [
            ("regions", "-", None, "empty"),
            ("programs", "-", None, "DataFrame"),
            ("impacts", "program", None, "missing"),
        ],
    )


# ---------------------------------------------------------------------- units
def test_unknown_money_unit(tables):
    """The error names the argument the user gave (money_unit=), not the impacts table."""
    err = data_error(*tables, money_unit="IDR gazillion")
    assert_names(err, "money_unit='IDR gazillion'", "unknown rupiah unit")
    assert "'impacts'" not in str(err)
    assert_cases(err, [("-", "money_unit", None, "unknown rupiah unit")])


def test_unknown_unit_in_unit_column(tables):
    regions, programs, impacts = tables
    impacts["unit"] = "dollars"
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", "'unit'", "'dollars'", "not a money unit")
    assert_cases(err, [("impacts", "unit", None, "not a money unit")])


def test_mixed_units_in_unit_column(tables):
    regions, programs, impacts = tables
    impacts["unit"] = ["IDR bn", "IDR bn", "Rp juta", "IDR bn", "IDR bn", "IDR bn"]
    err = data_error(regions, programs, impacts)
    assert_names(err, "'impacts'", "'unit'", "mixed", "Rp juta", "IDR bn")
    assert_cases(err, [("impacts", "unit", None, "mixed")])


def test_unit_column_contradicts_money_unit(tables):
    regions, programs, impacts = tables
    impacts["unit"] = "IDR million"
    err = data_error(regions, programs, impacts, money_unit="IDR tn")
    assert_names(err, "'unit'", "IDR million", "IDR tn")
    assert_cases(err, [("impacts", "unit", None, "money_unit")])


def test_metric_units_for_unknown_metric(tables):
    err = data_error(*tables, metric_units={"jbos": "persons"})
    assert_names(err, "'jbos'", "did you mean 'jobs'")
    assert_cases(err, [("impacts", "jbos", None, "metric_units")])


def test_money_unit_idr_million_converts(tables):
    """Capacity in Rp million -> /1000 Rp bn; outcome per Rp million -> x1000 per Rp bn."""
    regions, programs, impacts = tables
    data = ik.Dataset(regions, programs, impacts, money_unit="IDR million")
    assert data.money_unit == "Rp bn"
    got = data.impacts.loc[("A", "p")]
    assert got["capacity"] == pytest.approx(50.0 / 1000)
    assert got["jobs"] == pytest.approx(10.0 * 1000)
    assert data.impacts["capacity"].to_numpy() == pytest.approx(
        impacts["capacity"].to_numpy() / 1000
    )
    assert data.coefficients("value_added") == pytest.approx(
        impacts["value_added"].to_numpy() * 1000
    )


def test_unit_column_idr_million_converts(tables):
    regions, programs, impacts = tables
    impacts["unit"] = " Rp Juta "
    data = ik.Dataset(regions, programs, impacts)
    assert "unit" not in data.impacts.columns
    assert data.capacity == pytest.approx(impacts["capacity"].to_numpy() / 1000)
    assert data.coefficients("jobs") == pytest.approx(impacts["jobs"].to_numpy() * 1000)
