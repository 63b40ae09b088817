"""The planning cycle in reports: the pots, Rakor and proposals sheets and sections, en/id."""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pytest

import ikmopt as ik
from helpers.planning import POTS, planning_data

DAY = dt.date(2026, 10, 1)


@pytest.fixture(scope="module")
def cycle():
    policy = ik.Policy(budget=ik.Budget(pots=POTS),
                       constraints=[ik.FundProposals(min_readiness=0.6),
                                    ik.LastYear(max_rise=0.5, max_fall=1.0),
                                    ik.CoFunding("DAK", match=4)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(planning_data(), policy)


@pytest.mark.parametrize(("lang", "sheets", "words"), [
    ("en", ["pots", "rakor", "proposals"],
     ["not ready", "Last year (Rp bn)", "readiness 0.6 (has 0.50)", "Pot DAK"]),
    ("id", ["sumber_dana", "rakor", "usulan"],
     ["belum siap", "Tahun lalu (Rp miliar)", "kesiapan 0,6 (saat ini 0,50)",
      "Sumber dana DAK"]),
])
def test_workbook_has_the_planning_sheets(cycle, tmp_path, lang, sheets, words):
    path = cycle.report(tmp_path / f"plan-{lang}.xlsx", lang=lang, date=DAY)
    book = openpyxl.load_workbook(path)
    for sheet in sheets:
        assert sheet in book.sheetnames
    text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row
                    if c.value is not None)
    for word in words:
        assert word in text, word
    rakor = book["rakor"]
    header = [c.value for c in rakor[2]]
    values = {row[0].value: row for row in rakor.iter_rows(min_row=3)}
    this_year = header.index([h for h in header if "Rp" in str(h)][2])
    assert values["A"][this_year].value == pytest.approx(cycle.rakor().loc["A", "this_year"])


@pytest.mark.parametrize(("lang", "heading"), [
    ("en", "Indicative ceilings against last year (Rakor)"),
    ("id", "Pagu indikatif dibanding tahun lalu (Rakor)"),
])
def test_page_has_the_planning_sections(cycle, tmp_path, lang, heading):
    text = cycle.report(tmp_path / f"plan-{lang}.html", lang=lang, date=DAY).read_text(
        encoding="utf-8")
    assert heading in text
    assert 'id="pots"' in text and 'id="proposals"' in text
    if lang == "id":
        assert "Hanya kegiatan yang diusulkan daerah yang didanai" in text
        assert "Dibanding alokasi tahun lalu, setiap wilayah berubah antara" in text


def test_plans_without_them_have_no_planning_sections(tiny, tmp_path):
    result = ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=50)))
    text = result.report(tmp_path / "plan.html", date=DAY).read_text(encoding="utf-8")
    assert 'id="pots"' not in text and 'id="rakor"' not in text
