"""The ILLUSTRATIVE marker: derived from a dataset's texts, shown wherever its numbers are.

A plan on a dataset marked ILLUSTRATIVE (the bundled data) says so in ``ikmopt solve``,
``summary()``, ``repr``, the notebook view, every sheet of ``to_excel`` and of the report
workbook, and above the headline figures of the HTML report, in English and in Bahasa
Indonesia. A plan on a user's dataset without the flag says nothing of the kind, and its
report shows none of the bundled data's description or sources.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt import cli
from ikmopt.data.metadata import ILLUSTRATIVE_MARK, ILLUSTRATIVE_NOTE
from ikmopt.report import labels

DAY = dt.date(2025, 3, 5)
EN, ID = labels.catalogue("en"), labels.catalogue("id")
#: Words a plan on data without the flag never shows.
MARKS = ("ILLUSTRATIVE", "ILUSTRATIF", "SYNTHETIC")
#: A policy that fits the bundled data whatever its capacities (no floors, a small budget).
SMALL = ik.Policy(budget=ik.Budget(total=300), objective=ik.Maximize("jobs"))


def unmarked(text: str) -> bool:
    return not any(mark in text for mark in MARKS)


@pytest.fixture(scope="module")
def bundled(provinces) -> ik.Result:
    return ik.optimize(provinces, SMALL)


@pytest.fixture
def own(tiny) -> ik.Result:
    """A plan on the user's own tables (the tiny dataset: no description, no sources)."""
    return ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=60)))


def section(page: str, name: str, end: str) -> str:
    return page[page.index(f'id="{name}"'):page.index(f'id="{end}"')]


# ---------------------------------------------------------------------- the flag
def test_the_flag_comes_from_the_description_or_the_sources(tables, provinces):
    regions, programs, impacts = tables
    assert provinces.illustrative
    assert ik.datasets.synthetic(n_regions=3, n_programs=2, n_sectors=0, n_years=0).illustrative
    assert not ik.Dataset(regions, programs, impacts).illustrative
    assert ik.Dataset(regions, programs, impacts,
                      description="Coefficients are ILLUSTRATIVE.").illustrative
    noted = pd.DataFrame({"table": ["impacts"], "column": ["jobs"], "source": ["own survey"],
                          "note": ["ILLUSTRATIVE assumption"]})
    assert ik.Dataset(regions, programs, impacts, sources=noted).illustrative
    # only the word in capitals marks a dataset: a user's prose does not
    prose = noted.assign(note="an illustrative case study")
    assert not ik.Dataset(regions, programs, impacts, sources=prose,
                          description="Estimates, illustrative of 2024.").illustrative


def test_the_flag_travels_with_copies_and_files(provinces, tmp_path):
    copies = {
        "with_cost": provinces.with_cost(1.2, where={"island_group": "Papua"}),
        "scale": provinces.scale("jobs", 0.8),
        "replace impacts": provinces.replace(impacts=provinces.impacts * 1.0),
        "drop_regions": provinces.drop_regions("Papua Pegunungan"),
        "csv": ik.Dataset.from_csv(provinces.to_csv(tmp_path / "csv")),
        "excel": ik.Dataset.from_excel(provinces.to_excel(tmp_path / "data.xlsx")),
    }
    assert {name: copy.illustrative for name, copy in copies.items()} == dict.fromkeys(
        copies, True)
    # replacing the bundled texts with one's own drops the flag
    mine = provinces.replace(description="Our 2025 estimates.", sources=None)
    assert not mine.illustrative
    assert not ik.Dataset.from_csv(mine.to_csv(tmp_path / "mine")).illustrative


# ---------------------------------------------------------------------- text views
def test_summary_repr_and_notebook_view(bundled, own, provinces, tiny):
    lines = bundled.summary(top=3).splitlines()
    assert lines[1] == ILLUSTRATIVE_NOTE + "."
    assert repr(bundled).endswith(f"; {ILLUSTRATIVE_MARK}>")
    assert repr(provinces).endswith(f"; {ILLUSTRATIVE_MARK}>")
    assert ILLUSTRATIVE_NOTE in bundled._repr_html_()
    for text in (own.summary(), repr(own), repr(tiny), own._repr_html_()):
        assert unmarked(text), text


def test_every_sheet_of_the_workbook(bundled, own, tmp_path):
    book = openpyxl.load_workbook(bundled.to_excel(tmp_path / "plan.xlsx"))
    assert len(book.sheetnames) == len(bundled.tables())
    for sheet in book:
        assert sheet["A1"].value == (f"ikmopt plan on 'indonesia-provinces' — status optimal, "
                                     f"solver highs. {ILLUSTRATIVE_NOTE}."), sheet.title
        assert sheet.freeze_panes == "A3"
    # the tables read back from row 2
    back = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None, header=1)
    by_region = bundled.tables()["by_region"]
    assert list(back["by_region"].columns) == list(by_region.columns)
    assert back["by_region"]["spend"].to_numpy() == pytest.approx(by_region["spend"].to_numpy())
    book = openpyxl.load_workbook(own.to_excel(tmp_path / "own.xlsx"))
    for sheet in book:
        assert sheet["A1"].value == "ikmopt plan on 'tiny' — status optimal, solver highs"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tiny_scenario(folder: Path, tables) -> Path:
    data = folder / "tiny"
    ik.Dataset(*tables, name="tiny").to_csv(data)
    scenario = folder / "tiny.yaml"
    scenario.write_text(f"name: tiny\ndataset:\n  path: {data}\nbudget:\n  total: 60\n",
                        encoding="utf-8")
    return scenario


def test_ikmopt_solve(capsys, tmp_path, tables):
    code, out, err = run(capsys, "solve", "--budget", "300", "--top", "3",
                         "--out", str(tmp_path / "plan.xlsx"))
    assert code == 0, err
    assert out.splitlines()[1] == ILLUSTRATIVE_NOTE + "."
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert all(ILLUSTRATIVE_NOTE in sheet["A1"].value for sheet in book)
    code, out, err = run(capsys, "solve", str(tiny_scenario(tmp_path, tables)),
                         "--out", str(tmp_path / "tiny.xlsx"))
    assert code == 0, err
    assert "ikmopt plan on 'tiny'" in out and unmarked(out)
    book = openpyxl.load_workbook(tmp_path / "tiny.xlsx")
    assert all(unmarked(sheet["A1"].value) for sheet in book)


# ---------------------------------------------------------------------- reports
@pytest.mark.parametrize("lang", ["en", "id"])
def test_both_reports_mark_the_bundled_data(bundled, tmp_path, lang):
    note = labels.catalogue(lang)["illustrative_note"]
    page = bundled.report(tmp_path / "plan.html", lang, date=DAY).read_text("utf-8")
    headline = section(page, "headline", "allocation")
    assert f'<p class="illustrative-note">{note}</p>' in headline
    assert headline.index("illustrative-note") < headline.index('class="cards"')
    book = openpyxl.load_workbook(bundled.report(tmp_path / "plan.xlsx", lang, date=DAY))
    for sheet in book:
        assert sheet["A1"].value.endswith(note), sheet.title
        assert sheet["A1"].font.bold


def test_the_english_note_is_the_library_note():
    assert EN["illustrative_note"] == ILLUSTRATIVE_NOTE + "."
    assert ID["illustrative_note"].startswith("Data ILUSTRATIF")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_report_on_own_data_has_no_marker_and_no_bundled_texts(own, provinces, tmp_path,
                                                                  lang):
    sources = provinces.sources["source"].dropna().astype(str)
    bundled_texts = [provinces.description[:60], *sources[sources.str.len() > 12].str[:40]]
    assert len(bundled_texts) > 10
    page = own.report(tmp_path / "own.html", lang, date=DAY).read_text("utf-8")
    assert unmarked(page) and 'class="illustrative-note"' not in page
    assert not any(text in page for text in bundled_texts)
    book = openpyxl.load_workbook(own.report(tmp_path / "own.xlsx", lang, date=DAY))
    for sheet in book:
        cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        assert unmarked(cells) and not any(text in cells for text in bundled_texts)
    # the bundled data with the user's own description and sources: no stale texts either
    mine = ik.optimize(provinces.replace(description="Our 2025 estimates.", sources=None),
                       SMALL)
    page = mine.report(tmp_path / "mine.html", lang, date=DAY).read_text("utf-8")
    assert unmarked(page) and not any(text in page for text in bundled_texts)


def test_a_copy_of_the_bundled_data_keeps_the_flag_in_its_report(provinces, tmp_path):
    dearer = ik.optimize(provinces.with_cost(1.3, where={"island_group": "Papua"}), SMALL)
    page = dearer.report(tmp_path / "dearer.html", date=DAY).read_text("utf-8")
    assert f'<p class="illustrative-note">{EN["illustrative_note"]}</p>' in page


def test_the_indonesian_report_names_programs_and_leaves_out_english_notes(provinces,
                                                                           tmp_path):
    code = str(provinces.programs.index[0])
    name = str(provinces.programs.loc[code, "name_id"])
    policy = SMALL.replace(budget=ik.Budget(total=300, by={"program": {code: 50}}))
    result = ik.optimize(provinces, policy)
    page = result.report(tmp_path / "rencana.html", "id", date=DAY).read_text("utf-8")
    programs = section(page, "allocation", "binding")
    names = provinces.programs["name_id"].astype(str)
    assert all(f"<td>{n}</td>" in programs for n in names)
    assert not any(f"<td>{c}</td>" in programs for c in provinces.programs.index)
    assert f"Pagu anggaran untuk {name} paling banyak Rp 50 miliar." in page
    # no English prose of the data: neither the description nor a definition or note
    assert provinces.description[:60] not in page
    prose = pd.concat([provinces.sources[c] for c in ("definition", "note")
                       if c in provinces.sources.columns]).dropna().astype(str)
    assert not any(text in page for text in prose if len(text) > 12)
    assert ID["sources_untranslated"] in page
    book = openpyxl.load_workbook(result.report(tmp_path / "rencana.xlsx", "id", date=DAY))
    allocation = book[ID["sheet_allocation"]]
    header = [c.value for c in allocation[2]]
    column = header.index(ID["col_program_name"]) + 1
    shown = {allocation.cell(row=r, column=column).value
             for r in range(3, allocation.max_row + 1)}
    assert shown == set(names)
    assert ID["col_definition"] not in [c.value for c in book[ID["sheet_sources"]][2]]
    # the English report keeps the codes, with the names beside them
    page = result.report(tmp_path / "plan.html", date=DAY).read_text("utf-8")
    assert f"<td>{code}</td>" in section(page, "allocation", "binding")
    assert provinces.description[:60] in page


def test_a_scenario_report_says_so_when_a_scenario_was_illustrative(tmp_path, tables):
    batch = ik.run_scenarios([tiny_scenario(tmp_path, tables)], executor=ik.InProcessExecutor(),
                             progress=False)
    page = batch.report(tmp_path / "s.html", date=DAY).read_text("utf-8")
    assert unmarked(page)
    batch["tiny"].meta["report"]["illustrative"] = True  # as a scenario on bundled data keeps
    page = batch.report(tmp_path / "s.html", "id", date=DAY).read_text("utf-8")
    assert f'<p class="illustrative-note">{ID["illustrative_note"]}</p>' in page
    book = openpyxl.load_workbook(batch.report(tmp_path / "s.xlsx", date=DAY))
    assert all(sheet["A1"].value.endswith(EN["illustrative_note"]) for sheet in book)


def test_simulate_and_compare_rules_say_so_on_bundled_data(capsys, tmp_path):
    scenario = tmp_path / "small.yaml"
    scenario.write_text("name: small\ndataset: indonesia-provinces\nbudget: {total: 300}\n"
                        "objective: {maximize: {metric: jobs}}\n", encoding="utf-8")
    code, out, err = run(capsys, "simulate", str(scenario), "--n", "200")
    assert code == 0, err
    assert ILLUSTRATIVE_NOTE + "." in out.splitlines()[:2]
    code, out, err = run(capsys, "compare-rules", str(scenario))
    assert code == 0, err
    assert out.splitlines()[0] == ILLUSTRATIVE_NOTE + "."
