"""``ikmopt monitor``: a saved plan and a realisation file from the command line."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import ikmopt as ik
from helpers.cli import run
from ikmopt import cli

EXAMPLE = Path(__file__).parents[2] / "examples" / "monitoring" / "realisation-q2.csv"


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli") / "plan"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cli.main(["solve", "--out", str(folder)]) == 0
    return folder


def test_monitor_prints_the_summary_writes_the_report_and_the_tables(capsys, plan_folder,
                                                                     tmp_path):
    report = tmp_path / "pemantauan.html"
    code, out, err = run(capsys, "monitor", str(plan_folder), str(EXAMPLE), "--lang", "id",
                         "--report", str(report), "--out", str(tmp_path / "tables"))
    assert code == 0, err
    assert "as of Q2" in out and "Papua Pegunungan" in out and "ILLUSTRATIVE" in out
    assert report.is_file() and "Papua Pegunungan" in report.read_text(encoding="utf-8")
    groups = pd.read_csv(tmp_path / "tables" / "groups.csv")
    real = pd.read_csv(EXAMPLE).query("quarter == 'Q2'")
    assert groups["realised"].sum() == pytest.approx(real["realisation"].sum())


def test_monitor_replan_failure_is_explained_and_the_report_still_written(capsys, plan_folder,
                                                                          tmp_path):
    report = tmp_path / "m.html"
    code, _out, err = run(capsys, "monitor", str(plan_folder), str(EXAMPLE), "--replan",
                         "--report", str(report))
    # the default policy's KTI floor cannot hold when the slow provinces are in the east
    assert code == 2 and "GroupShare" in err and "Traceback" not in err
    assert report.is_file()


def test_monitor_bad_file_is_one_clear_error(capsys, plan_folder, tmp_path):
    bad = tmp_path / "real.csv"
    pd.DataFrame({"region": ["Atlantis"], "quarter": ["Q1"], "realisation": [1.0]}).to_csv(
        bad, index=False)
    code, _out, err = run(capsys, "monitor", str(plan_folder), str(bad))
    assert code == 2 and "Atlantis" in err and "real.csv line 2" in err
    assert "Traceback" not in err
    code, _out, err = run(capsys, "monitor", str(tmp_path / "nowhere"), str(bad))
    assert code == 2 and "no folder or file" in err


def test_monitor_a_workbook_plan(capsys, tmp_path):
    data = ik.datasets.load()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = ik.optimize(data, ik.default_policy()).to_excel(tmp_path / "plan.xlsx")
    code, out, err = run(capsys, "monitor", str(book), str(EXAMPLE), "--report",
                         str(tmp_path / "r.html"))
    assert code == 0, err
    assert "as of Q2" in out
