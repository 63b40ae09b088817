"""Reading a Dataset from CSV folders and workbooks: missing, unreadable and bad files."""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_cases


def test_from_csv_missing_folder(tmp_path):
    folder = tmp_path / "nowhere"
    with pytest.raises(ik.DataError, match=r"nowhere.*does not exist"):
        ik.Dataset.from_csv(folder)


@pytest.mark.parametrize("missing", ["regions", "programs", "impacts"])
def test_from_csv_missing_file(tmp_path, tiny, missing):
    tiny.to_csv(tmp_path)
    (tmp_path / f"{missing}.csv").unlink()
    with pytest.raises(ik.DataError, match=f"lacks '{missing}.csv'") as info:
        ik.Dataset.from_csv(tmp_path)
    assert isinstance(info.value, ValueError)


def test_from_csv_bad_table_is_validated(tmp_path, tables):
    regions, programs, impacts = tables
    regions.loc[1, "population"] = -1
    regions.to_csv(tmp_path / "regions.csv", index=False)
    programs.to_csv(tmp_path / "programs.csv", index=False)
    impacts.to_csv(tmp_path / "impacts.csv", index=False)
    with pytest.raises(ik.DataError) as info:
        ik.Dataset.from_csv(tmp_path)
    assert_cases(info.value, [("regions", "population", "B", "greater than 0")])


def test_from_csv_unparsable_file(tmp_path, tiny):
    tiny.to_csv(tmp_path)
    (tmp_path / "impacts.csv").write_bytes(b"\x00\xff\xfe garbage \"unterminated\n")
    with pytest.raises(ik.DataError, match="impacts"):
        ik.Dataset.from_csv(tmp_path)


def test_from_excel_missing_file(tmp_path):
    with pytest.raises(ik.DataError, match=r"nope\.xlsx.*does not exist"):
        ik.Dataset.from_excel(tmp_path / "nope.xlsx")


def test_from_excel_missing_sheet(tmp_path, tables):
    regions, programs, _ = tables
    path = tmp_path / "two_sheets.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        regions.to_excel(writer, sheet_name="regions", index=False)
        programs.to_excel(writer, sheet_name="programs", index=False)
    with pytest.raises(ik.DataError, match=r"lacks sheet\(s\) \['impacts'\]"):
        ik.Dataset.from_excel(path)


def test_from_excel_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("region,population\nA,1\n")
    with pytest.raises(ik.DataError, match=r"fake\.xlsx"):
        ik.Dataset.from_excel(path)


def test_from_excel_bad_table_is_validated(tmp_path, tables):
    regions, programs, impacts = tables
    impacts.loc[2, "jobs"] = -8.0
    path = tmp_path / "bad.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        regions.to_excel(writer, sheet_name="regions", index=False)
        programs.to_excel(writer, sheet_name="programs", index=False)
        impacts.to_excel(writer, sheet_name="impacts", index=False)
    with pytest.raises(ik.DataError) as info:
        ik.Dataset.from_excel(path)
    assert_cases(info.value, [("impacts", "jobs", ("B", "p"), "negative")])
