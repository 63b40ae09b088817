"""The monitoring report (Laporan pemantauan realisasi): its tables against independent pandas
computations from ``Monitoring.groups``, both languages, escaping, and the re-plan section."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import numpy as np
import openpyxl
import pandas as pd
import pytest

import ikmopt as ik
from helpers.tiny import tiny_tables
from ikmopt.analysis import monitoring as mon
from ikmopt.report.monitoring import MAX_RISK_ROWS, write_monitoring_report

DAY = dt.date(2025, 7, 10)
PROFILE = pd.DataFrame({"pot": ["all"], "q1": [0.1], "q2": [0.4], "q3": [0.7], "q4": [1.0]})
HOSTILE = "<script>alert('B')</script>"


class Tables(HTMLParser):
    """The tables of a page by the id of their section: header and rows of cell texts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.sections: dict[str, list[dict[str, list]]] = {}
        self._section = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("id", "")
        elif tag == "table":
            self.sections.setdefault(self._section, []).append({"head": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.sections[self._section][-1]
            if table["head"]:
                table["rows"].append(self._row)
            else:
                table["head"] = self._row
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def frame(self, section: str, k: int = 0) -> pd.DataFrame:
        table = self.sections[section][k]
        return pd.DataFrame(table["rows"], columns=table["head"])


def number(text: str, lang: str = "en") -> float:
    text = text.replace("%", "").replace("\u2212", "-")
    if lang == "id":
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(",", ""))


def written(value: float, decimals: int, lang: str = "en") -> str:
    text = f"{value:,.{decimals}f}"
    return text.translate(str.maketrans({",": ".", ".": ","})) if lang == "id" else text


# ---------------------------------------------------------------------- the bundled plan
@pytest.fixture(scope="module")
def monitoring(provinces) -> mon.Monitoring:
    plan = ik.optimize(provinces, ik.default_policy())
    return ik.monitor(plan, mon.example_realisation(plan, "Q2"), provinces)


@pytest.fixture(scope="module")
def replan(monitoring, provinces) -> mon.MonitoredReplan:
    policy = (ik.default_policy(971, provinces).without(ik.RegionBounds).without(ik.GroupShare)
              .add(ik.GroupShare("kti", min=0.39)))
    return monitoring.replan(policy)


@pytest.fixture(scope="module")
def pages(monitoring, replan, tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("monitoring")
    out = {lang: write_monitoring_report(monitoring, folder / f"m-{lang}.html", lang,
                                         replan=replan, date=DAY).read_text("utf-8")
           for lang in ("en", "id")}
    out["plain"] = monitoring.report(folder / "plain.html").read_text("utf-8")
    return out


def test_the_page_is_written_in_both_languages_and_self_contained(pages):
    for lang, title, period in (("en", "Monitoring absorption", "Q2"),
                                ("id", "Laporan pemantauan realisasi", "Triwulan II")):
        text = pages[lang]
        assert f'<html lang="{lang}">' in text
        assert f"<title>{title}</title>" in text and f"<h1>{title}</h1>" in text
        as_of = re.search(r'<p class="meta as-of">([^<]*)</p>', text).group(1)
        assert period in as_of and "50%" in as_of
        assert "<script" not in text and not re.search(r"https?://", text)
        assert text.count("<svg") == 2  # the whole plan, and one panel per pot
    assert "10 July 2025" in pages["en"] and "10 Juli 2025" in pages["id"]


def test_warnings_are_the_slow_groups_slowest_first(monitoring, pages):
    g = monitoring.groups
    slow = g[g["realised"] / g["expected"] < monitoring.threshold]
    slow = slow.assign(pace=slow["realised"] / slow["expected"]).sort_values("pace")
    table = Tables(pages["en"]).frame("warnings")
    assert list(zip(table["Region"], table["Pot"], strict=True)) == list(slow.index)
    assert [number(p) for p in table["Pace"]] == pytest.approx(
        list(100 * slow["pace"]), abs=0.051)
    critical = slow["pace"] < monitoring.critical
    assert list(table["Status"]) == ["critical" if c else "warning" for c in critical]
    for region in slow.index.get_level_values("region"):  # the warned regions are named
        assert f"<td>{region}</td>" in pages["en"]


def test_gap_tables_equal_sums_of_the_groups(monitoring, pages):
    g = monitoring.groups
    tables = Tables(pages["en"])
    for k, level, header in ((0, "region", "Region"), (1, "pot", "Pot")):
        table = tables.frame("gaps", k).set_index(header)
        sums = g.groupby(level=level, sort=False)[["planned", "expected", "realised",
                                                   "committed", "shortfall"]].sum()
        assert list(table.index[:-1]) == list(sums.index) and table.index[-1] == "Total"
        for column, name in (("planned", "Planned (Rp bn)"), ("realised", "Realised (Rp bn)"),
                             ("expected", "Expected to date (Rp bn)"),
                             ("committed", "Committed (Rp bn)"),
                             ("shortfall", "Projected unspent (Rp bn)")):
            shown = table[name].map(number)
            assert shown.iloc[:-1].to_numpy() == pytest.approx(sums[column], abs=0.051)
            assert shown.iloc[-1] == pytest.approx(g[column].sum(), abs=0.051)
        pace = 100 * sums["realised"] / sums["expected"]
        assert table["Pace"].iloc[:-1].map(number).to_numpy() == pytest.approx(pace, abs=0.051)
    realised = g["realised"].sum()
    assert f'<div class="value">Rp {written(realised, 1)} bn</div>' in pages["en"]


def test_outcomes_at_risk_are_the_regions_shortfall(monitoring, pages):
    # each region's projected spend is its plan scaled by its groups' projection: the money
    # at risk of a region is the sum of its groups' shortfall
    shortfall = monitoring.groups.groupby(level="region")["shortfall"].sum()
    top = shortfall.sort_values(ascending=False, kind="stable").head(MAX_RISK_ROWS)
    table = Tables(pages["en"]).frame("at-risk")
    assert len(table) == MAX_RISK_ROWS
    assert set(table["Region"]) == set(top.index)
    assert table["Money at risk (Rp bn)"].map(number).to_numpy() == pytest.approx(
        top.to_numpy(), abs=0.051)


def test_the_indonesian_page_uses_indonesian_labels_and_numbers(monitoring, pages):
    text = pages["id"]
    tables = Tables(text)
    head = tables.sections["gaps"][0]["head"]
    assert head[:4] == ["Wilayah", "Pagu rencana (Rp miliar)",
                        "Diharapkan s.d. saat ini (Rp miliar)", "Realisasi (Rp miliar)"]
    assert "Realised (Rp bn)" not in text and "Early warnings" not in text
    assert "Peringatan dini" in text and "Selisih realisasi terhadap rencana" in text
    g = monitoring.groups
    total = tables.frame("gaps").iloc[-1]
    assert total["Realisasi (Rp miliar)"] == written(g["realised"].sum(), 1, "id")
    assert total["Pagu rencana (Rp miliar)"] == written(g["planned"].sum(), 1, "id")  # 971,0
    assert "971,0" in total["Pagu rencana (Rp miliar)"]
    assert set(tables.frame("warnings")["Status"]) <= {"peringatan", "kritis"}
    assert f"Rp {written(g['realised'].sum(), 1, 'id')} miliar" in text


def test_the_method_states_the_profile_is_illustrative(monitoring, pages):
    method = pages["en"][pages["en"].index('id="method"'):]
    low, high = monitoring.pace_interval
    assert f"10th and 90th percentiles, {100 * low:.0f}% and {100 * high:.0f}%" in method
    assert "ILLUSTRATIVE" in method and "assumptions, not observations" in method
    # every bundled profile row says ILLUSTRATIVE in its notes: each is badged
    profile = Tables(pages["en"]).frame("method")
    assert len(profile) == len(monitoring.profile.table)
    assert (profile.iloc[:, 0] == "ILLUSTRATIVE").all()
    assert "ILUSTRATIF" in pages["id"][pages["id"].index('id="method"'):]


def test_the_replan_section_appears_only_with_a_replan(monitoring, replan, pages):
    assert 'id="replan"' in pages["en"] and 'id="replan"' not in pages["plain"]
    assert "Re-plan" not in pages["plain"]
    tables = Tables(pages["en"])
    compare = tables.frame("replan", 0)
    # independent: the re-plan's spend by region minus the projected spend of the groups
    revised = replan.revised.by("region")["spend"]
    projected = monitoring.groups.groupby(level="region")["projected"].sum()
    moved = (revised - projected.reindex(revised.index, fill_value=0.0)).sort_values(
        ascending=False, kind="stable")
    shown = compare.set_index("Region")["Moved in vs projection (Rp bn)"].map(number)
    assert shown.reindex(moved.index).to_numpy() == pytest.approx(moved.to_numpy(), abs=0.051)
    assert shown.is_monotonic_decreasing
    gain = tables.frame("replan", 1).set_index("Item")
    jobs = replan.revised.outcomes["jobs"] - monitoring.at_risk(None).iloc[0]["jobs_projected"]
    assert number(gain.loc["Jobs", "Gain"]) == pytest.approx(jobs, abs=0.51)
    assert number(gain.loc["Spend", "Re-plan"]) == pytest.approx(
        replan.revised.allocation.sum(), abs=0.051)


def test_a_replan_of_another_monitoring_and_an_unknown_language_are_refused(
        monitoring, replan, provinces, tmp_path):
    other = ik.monitor(monitoring.plan, mon.example_realisation(
        ik.optimize(provinces, ik.default_policy()), "Q1"), provinces)
    with pytest.raises(ik.PolicyError, match="another monitoring"):
        write_monitoring_report(other, tmp_path / "x.html", replan=replan)
    with pytest.raises(ik.PolicyError, match="unknown lang"):
        write_monitoring_report(monitoring, tmp_path / "x.html", "fr")
    assert list(tmp_path.iterdir()) == []


def test_the_workbook_has_the_same_tables(monitoring, replan, tmp_path):
    path = write_monitoring_report(monitoring, tmp_path / "m.xlsx", "id", replan=replan)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:2] == ["ringkasan", "peringatan"]
    assert {"selisih_region", "selisih_pot", "rencana_ulang", "tambahan_capaian"} <= set(
        book.sheetnames)
    gaps = pd.read_excel(path, sheet_name="selisih_region", header=1)
    g = monitoring.groups
    assert gaps["Realisasi (Rp miliar)"].iloc[:-1].sum() == pytest.approx(g["realised"].sum())
    assert gaps["Realisasi (Rp miliar)"].iloc[-1] == pytest.approx(g["realised"].sum())
    assert "ILUSTRATIF" in book["ringkasan"]["A1"].value


# ---------------------------------------------------------------------- a tiny hostile case
@pytest.fixture
def hostile() -> ik.Dataset:
    regions, programs, impacts = tiny_tables()
    regions["region"] = regions["region"].replace({"B": HOSTILE})
    impacts["region"] = impacts["region"].replace({"B": HOSTILE})
    return ik.Dataset(regions, programs, impacts, name="tiny")


def _tiny_monitoring(data: ik.Dataset, real: pd.DataFrame) -> mon.Monitoring:
    allocation = pd.DataFrame({"region": ["A", HOSTILE], "program": ["p", "p"],
                               "spend": [20.0, 20.0]})
    plan = mon.SavedPlan(allocation, ("region", "program"), name="hand <b>plan</b>")
    return ik.monitor(plan, real, data, profile=PROFILE)


def test_names_from_user_files_are_escaped(hostile, tmp_path):
    real = pd.DataFrame({"region": ["A", HOSTILE], "quarter": ["Q2", "Q2"],
                         "realisation": [8.0, 2.0]})
    m = _tiny_monitoring(hostile, real)
    assert list(m.warnings().index) == [HOSTILE]
    for lang in ("en", "id"):
        text = m.report(tmp_path / f"{lang}.html", lang).read_text("utf-8")
        assert "<script" not in text and "<b>" not in text
        assert "&lt;script&gt;alert(&#39;B&#39;)&lt;/script&gt;" in text
        assert "hand &lt;b&gt;plan&lt;/b&gt;" in text
        warnings = Tables(text).frame("warnings")
        assert list(warnings.iloc[:, 0]) == [HOSTILE]  # the parser unescapes it
        # a plan without pots: one chart, the gaps by region only
        assert text.count("<svg") == 1 and len(Tables(text).sections["gaps"]) == 1


def test_a_month_and_no_warnings(hostile, tmp_path):
    real = pd.DataFrame({"region": ["A", HOSTILE], "month": [5, 5],
                         "realisation": [6.0, 6.0]})
    m = _tiny_monitoring(hostile, real)
    assert m.warnings().empty and m.period == "May"
    en = m.report(tmp_path / "en.html").read_text("utf-8")
    id_ = m.report(tmp_path / "id.html", "id").read_text("utf-8")
    assert "to the end of May (42% of the year)" in en
    assert "akhir Mei (42% tahun anggaran)" in id_
    assert "No group is below 80% of what the absorption profile expects" in en
    assert 'id="warnings"' in en and "Tidak ada kelompok" in id_
    expected = 40 * np.interp(5 / 12, [0, 0.25, 0.5, 0.75, 1], [0, 0.1, 0.4, 0.7, 1.0])
    total = Tables(en).frame("gaps").iloc[-1]
    assert number(total["Expected to date (Rp bn)"]) == pytest.approx(expected, abs=0.051)
