"""Dataset metadata (name, description, metric units, text columns) survives CSV and Excel."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import ikmopt as ik


def coded() -> ik.Dataset:
    """Two regencies whose codes look like numbers and have leading zeros."""
    regions = pd.DataFrame({"population": [1e5, 2e5], "code": ["0101", "0102"],
                            "kti": [False, True]}, index=pd.Index(["A", "B"], name="region"))
    programs = pd.DataFrame({"channel": ["DAK", "TP"]}, index=pd.Index(["t", "s"],
                                                                       name="program"))
    impacts = pd.DataFrame({"region": ["A", "A", "B", "B"], "program": ["t", "s"] * 2,
                            "jobs": [10.0, 8, 6, 4], "va": [1.0, 2, 3, 4],
                            "capacity": [5.0, 5, 5, 5]})
    return ik.Dataset(regions, programs, impacts, name="two regencies",
                      description="A hand-made example (ILLUSTRATIVE).",
                      metric_units={"jobs": "persons", "va": "Rp bn per year"})


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_round_trip_keeps_metadata_and_text_codes(tmp_path, form):
    data = coded()
    if form == "csv":
        data.to_csv(tmp_path / "d")
        back = ik.Dataset.from_csv(tmp_path / "d")
    else:
        data.to_excel(tmp_path / "d.xlsx")
        back = ik.Dataset.from_excel(tmp_path / "d.xlsx")
    assert back.name == "d"  # named after its file, like a hand-written one
    if form == "csv":  # the name it was written from is recorded
        assert json.loads((tmp_path / "d" / "dataset.json").read_text())["name"] == (
            "two regencies")
    assert back.description == "A hand-made example (ILLUSTRATIVE)."
    assert back.metric_units == {"jobs": "persons", "va": "Rp bn per year"}
    assert back.regions["code"].tolist() == ["0101", "0102"]  # text, leading zeros kept
    assert back.regions["kti"].tolist() == [False, True]
    assert back == data
    # what the caller gives wins over the stored values
    mine = (ik.Dataset.from_csv(tmp_path / "d", description="mine") if form == "csv"
            else ik.Dataset.from_excel(tmp_path / "d.xlsx", description="mine"))
    assert mine.description == "mine"


def test_bundled_dataset_round_trips_with_its_codes(tmp_path):
    data = ik.datasets.load(uncertainty=True, projects=True)
    data.to_csv(tmp_path)
    back = ik.Dataset.from_csv(tmp_path)
    assert back.regions["bps_code"].tolist() == data.regions["bps_code"].tolist()
    assert back.metric_units == data.metric_units
    assert back.description == data.description  # ILLUSTRATIVE label travels with it
    assert back.uncertainty is not None and back.n_projects == data.n_projects
    assert back == data  # CSV is exact (Excel keeps 15 significant digits)


def test_a_folder_without_metadata_still_reads(tmp_path):
    coded().to_csv(tmp_path / "d")
    (tmp_path / "d" / "dataset.json").unlink()
    back = ik.Dataset.from_csv(tmp_path / "d")
    assert back.name == "d"
    assert back.metric_units == {}


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "cannot read"),
    ('{"format": "something else"}', "not ikmopt dataset metadata"),
    ('{"format": "ikmopt-dataset", "metric_units": ["jobs"]}', "metric_units"),
    ('{"format": "ikmopt-dataset", "text_columns": {"regions": "code"}}', "text_columns"),
])
def test_bad_metadata_file_is_named(tmp_path, content, words):
    coded().to_csv(tmp_path / "d")
    (tmp_path / "d" / "dataset.json").write_text(content)
    with pytest.raises(ik.DataError, match=words) as err:
        ik.Dataset.from_csv(tmp_path / "d")
    assert "dataset.json" in str(err.value)


def test_bad_metadata_sheet_is_named(tmp_path):
    path = tmp_path / "d.xlsx"
    coded().to_excel(path)
    sheets = pd.read_excel(path, sheet_name=None)
    sheets["dataset"].loc[0, "value"] = "{broken"
    with pd.ExcelWriter(path) as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    with pytest.raises(ik.DataError, match="sheet 'dataset'"):
        ik.Dataset.from_excel(path)


def test_metadata_file_is_readable_json(tmp_path):
    coded().to_csv(tmp_path)
    meta = json.loads((tmp_path / "dataset.json").read_text(encoding="utf-8"))
    assert meta["text_columns"]["regions"] == ["region", "code"]
    assert meta["metric_units"]["va"] == "Rp bn per year"
