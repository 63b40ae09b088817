"""The words of the reports: gettext catalogues (.po), numbers and dates by Babel, lazy imports."""

from __future__ import annotations

import datetime as dt
import string
import subprocess
import sys
from importlib import resources

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

import ikmopt as ik
from ikmopt.report import labels

SHIPPED = resources.files("ikmopt.report") / "locale"


def po_file(lang: str) -> dict[str, Message]:
    """The messages of a shipped catalogue as written (no fallback), by id."""
    with (SHIPPED / lang / "LC_MESSAGES" / "ikmopt.po").open("rb") as file:
        return {m.id: m for m in read_po(file) if m.id}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_en_and_id_catalogues_have_the_same_keys_and_placeholders():
    en, id_ = po_file("en"), po_file("id")
    assert len(en) > 200
    assert list(en) == list(id_)  # the same ids, in the same order
    for key, message in en.items():
        for entry in (message, id_[key]):
            assert isinstance(entry.id, str) and entry.string and not entry.fuzzy, key
        assert fields(message.string) == fields(id_[key].string), key
    # the report reads exactly the shipped texts
    assert dict(labels.catalogue("en")) == {k: m.string for k, m in en.items()}
    assert dict(labels.catalogue("id")) == {k: m.string for k, m in id_.items()}


def test_catalogues_give_babel_its_locale():
    assert labels.Formatter("en").locale == "en"
    assert labels.Formatter("id").locale == "id_ID"
    assert list(labels.CATALOGUES) == ["en", "id"]
    assert labels.CATALOGUES["id"]["h_equity"] == "Pemerataan"
    with pytest.raises(KeyError):
        labels.CATALOGUES["fr"]
    with pytest.raises(TypeError):
        labels.catalogue("en")["title"] = "changed"  # type: ignore[index]


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["1,234,567.9", "-1,234.50", "40.0%", "0.5%", "12,346", "0.000366", "Rp 2,500.0 bn",
            "17 August 2024"]),
    ("id", ["1.234.567,9", "-1.234,50", "40,0%", "0,5%", "12.346", "0,000366",
            "Rp 2.500,0 miliar", "17 Agustus 2024"]),
])
def test_numbers_and_dates_in_the_style_of_the_language(lang, expected):
    fmt = labels.Formatter(lang)
    assert [fmt.number(1234567.891, 1), fmt.number(-1234.5, 2), fmt.percent(0.4),
            fmt.percent(0.005, None), fmt.significant(12345.6), fmt.significant(0.000366123),
            fmt.money(2500), fmt.date(dt.date(2024, 8, 17))] == expected
    point = "." if lang == "en" else ","
    # rounded as Python rounds the float (2.67499...), not as its shortest text reads (2.675)
    assert fmt.number(2.675, 2) == f"2{point}67"
    assert fmt.number(-0.0004, 3) == f"0{point}000" and fmt.number(float("inf")) == "–"


def test_a_catalogue_falls_back_to_english_where_it_has_no_text(tmp_path):
    german = Catalog(locale="de_DE", domain="ikmopt", fuzzy=False)
    german.add("h_equity", "Verteilung")
    german.add("h_sources", "Datenquellen", flags=["fuzzy"])  # not reviewed: not shown
    german.add("h_table", "")  # not translated yet
    path = tmp_path / "ikmopt.po"
    with path.open("wb") as file:
        write_po(file, german)
    locale, texts = labels.read_catalogue(path, fallback=labels.catalogue("en"))
    assert locale == "de_DE" and list(texts) == list(labels.catalogue("en"))
    assert texts["h_equity"] == "Verteilung"
    assert texts["h_sources"] == "Data sources" and texts["h_table"] == "Allocation table by region"
    assert labels.read_catalogue(path)[1] == {"h_equity": "Verteilung"}


def test_import_ikmopt_loads_neither_jinja2_nor_babel():
    code = ("import sys, ikmopt\n"
            "print(sorted(m for m in ('jinja2', 'babel', 'markupsafe', 'matplotlib', 'openpyxl')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_templates_ship_with_the_package(tmp_path):
    from ikmopt.report.html import environment

    assert {"base.html.j2", "macros.html.j2", "plan.html.j2", "scenarios.html.j2",
            "report.css"} <= set(environment().list_templates())
    assert environment().autoescape is True
    data = ik.datasets.load("indonesia-provinces")
    result = ik.optimize(data, ik.default_policy())
    text = result.report(tmp_path / "plan.html", date=dt.date(2025, 3, 5)).read_text("utf-8")
    css = (resources.files("ikmopt.report") / "templates" / "report.css").read_text("utf-8")
    assert f"<style>\n{css}</style>" in text  # inlined, not linked


def test_formatter():
    fmt = labels.Formatter("id")
    assert fmt.number(-0.04, 1) == "0,0"
    assert fmt.significant(0.000366123) == "0,000366"
    assert fmt.significant(12345.6) == "12.346"
    assert fmt.plain(0.5) == "0,5" and fmt.plain(2500) == "2.500"
    assert fmt.date(dt.date(2024, 8, 17)) == "17 Agustus 2024"
    assert labels.Formatter("en").money(2500) == "Rp 2,500.0 bn"
    assert fmt.number(float("nan")) == "–"
    assert fmt.percent(0.005, None) == "0,5%" and fmt.percent(0.4, None) == "40%"
    assert fmt.percent(-0.0001) == "0,0%" and fmt.percent(None) == "–"
    assert labels.Formatter("en").number(1e30, 1) == f"{1e30:,.1f}"  # beyond 28 digits
