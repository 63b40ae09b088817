"""Reports: one self-contained HTML page or a formatted workbook, in English or Indonesian."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.report import labels
from ikmopt.report.prices import binding_sentences

EN, ID = labels.catalogue("en"), labels.catalogue("id")

DAY = dt.date(2025, 3, 5)
PLAN_SHEETS = ["summary", "allocation", "by_region", "by_program", "constraints", "equity",
               "sources", "assumptions", "pots"]


class Page(HTMLParser):
    """Collects tags with their attributes and the text of selected elements."""

    LABELLED = frozenset({"h1", "h2", "h3", "th", "figcaption", "title", "text", "li", "p"})

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data):
        if self._open and self._open[-1] in self.LABELLED and data.strip():
            self.texts.setdefault(self._open[-1], []).append(data.strip())


def en(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def indonesian(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}".translate(str.maketrans({",": ".", ".": ","}))


def number(text: str, lang: str = "en") -> float:
    if lang == "id":
        text = text.replace(".", "").replace(",", ".")
    return float(text.replace(",", ""))


@pytest.fixture(scope="module")
def plan(provinces) -> ik.Result:
    """The default policy (normalized Weighted objective)."""
    return ik.optimize(provinces, ik.default_policy())


@pytest.fixture(scope="module")
def jobs_plan(provinces) -> ik.Result:
    """The default rules, maximizing jobs: shadow prices are in jobs."""
    return ik.optimize(provinces, ik.default_policy().replace(objective=ik.Maximize("jobs")))


@pytest.fixture(scope="module")
def pages(plan, tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("pages")
    return {lang: plan.report(folder / f"plan-{lang}.html", lang, date=DAY).read_text("utf-8")
            for lang in ("en", "id")}


# ---------------------------------------------------------------------- HTML
def test_html_is_one_self_contained_file(plan, tmp_path):
    path = plan.report(tmp_path / "plan.html", date=DAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.html"]
    text = path.read_text("utf-8")
    page = Page(text)
    tags = [tag for tag, _ in page.tags]
    assert tags[0] == "html" and "style" in tags
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert "iframe" not in tags and "object" not in tags and "embed" not in tags
    for tag, attrs in page.tags:
        for name in ("src", "href", "xlink:href", "data"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, name, value)
    assert not re.search(r"https?://", text)
    assert "@import" not in text
    urls = re.findall(r"url\(\s*['\"]?([^)'\"]*)", text)
    assert urls and all(u.startswith("#") for u in urls)  # clip paths inside the page
    assert tags.count("svg") >= 4  # regions, island groups, programs, Lorenz


def test_html_headline_numbers_are_the_results(plan, pages):
    text, out = pages["en"], plan.outcomes
    assert f'<div class="value">{en(out["jobs"], 0)}</div>' in text
    assert f"Rp {en(out['value_added'], 1)} bn per year" in text
    total = plan.policy.budget.total
    assert (f"Rp {en(out['spend'], 1)} bn of Rp {en(total, 1)} bn "
            f"({en(100 * out['spend'] / total, 1)}% of the budget)") in text
    assert "optimal (proven)" in text
    assert "5 March 2025" in text
    gini = plan.equity[("spend", "gini")]
    assert f"Gini coefficient of spend per capita across regions: {gini:.3f}" in text


def test_assumptions_describe_the_policy(provinces, pages, tmp_path):
    rules = pages["en"][pages["en"].index('id="assumptions"'):pages["en"].index('id="sources"')]
    for line in ["Objective: maximize 1 × jobs + 0.5 × value added, each metric divided by its "
                 "optimum under this policy.", "Total budget of at most Rp 971 bn.",
                 "Every region: at least 0.5% of the budget.",
                 "Kawasan Timur Indonesia (KTI) receives at least 40% of spend."]:
        assert f"<li>{line}</li>" in rules
    rules = pages["id"][pages["id"].index('id="assumptions"'):pages["id"].index('id="sources"')]
    for line in ["Pagu anggaran total paling banyak Rp 971 miliar.",
                 "Setiap wilayah: paling sedikit 0,5% dari pagu anggaran.",
                 "Kawasan Timur Indonesia (KTI) menerima paling sedikit 40% dari alokasi "
                 "anggaran."]:
        assert f"<li>{line}</li>" in rules
    policy = ik.Policy(budget=ik.Budget(total=800, by={"program": {"sentra": 300}}),
                       constraints=[ik.RegionBounds(max=60, regions=["Jawa Barat"]),
                                    ik.Target("value_added", min=200)],
                       objective=ik.Maximize("jobs"))
    text = ik.optimize(provinces, policy).report(tmp_path / "r.html").read_text("utf-8")
    for line in ["Budget for sentra of at most Rp 300 bn.", "Jawa Barat: at most Rp 60 bn.",
                 "Target: value added of at least Rp 200 bn per year.",
                 "Objective: maximize jobs."]:
        assert f"<li>{line}</li>" in text


def test_html_allocation_table_lists_every_region(plan, pages):
    text = pages["en"]
    table = text[text.index('id="table"'):]
    by_region = plan.by("region")
    for region, row in by_region.iterrows():
        assert f"<td>{region}</td>" in table
        assert f'<td class="num">{en(row["spend"], 1)}</td>' in table


def test_binding_sentences_match_the_shadow_prices(jobs_plan, tmp_path):
    text = jobs_plan.report(tmp_path / "plan.html", date=DAY).read_text("utf-8")
    binding = jobs_plan.binding.set_index("label")

    pots = binding[binding["family"] == "pot"]  # the default money is in pots
    assert len(pots)
    for pot, row in pots.iterrows():
        found = re.search(rf"Each extra Rp 1 bn in pot {re.escape(pot)} adds ([\d,.]+) "
                          r"jobs\.", text)
        assert found and number(found[1]) == pytest.approx(row["shadow_price"], rel=5e-3), pot

    kti = float(binding.loc["kti=True min", "shadow_price"])
    assert kti < 0  # raising an equity floor costs jobs
    found = re.search(r"Raising the minimum share of Kawasan Timur Indonesia \(KTI\) by 1 "
                      r"percentage point costs ([\d,.]+) jobs\.", text)
    assert found and number(found[1]) == pytest.approx(-kti / 100, rel=5e-3)

    # floors of 0.75 % of the budget (Rp 7.3 bn) bind in the smaller provinces
    floored = ik.optimize(jobs_plan.data, jobs_plan.policy.without(ik.RegionBounds).add(
        ik.RegionBounds(min_share=0.0075)))
    text = floored.report(tmp_path / "floored.html", date=DAY).read_text("utf-8")
    binding = floored.binding.set_index("label")
    floors = binding[binding["family"] == "region_bounds"]
    assert len(floors)
    for region, row in floors.iterrows():
        found = re.search(rf"Raising the spending floor of {re.escape(region)} by Rp 1 bn "
                          r"(costs|adds) ([\d,.]+) jobs\.", text)
        assert found, region
        signed = number(found[2]) * (1 if found[1] == "adds" else -1)
        assert signed == pytest.approx(row["shadow_price"], rel=5e-3)


def test_a_minimized_cost_is_put_as_cost(provinces):
    policy = ik.Policy(budget=ik.Budget(total=971), objective=ik.MinCost(
        [ik.Target("jobs", min=6_000)]))
    result = ik.optimize(provinces, policy)
    price = float(result.binding.set_index("family").loc["target", "shadow_price"])
    assert price > 0  # each extra job of target costs money
    text = binding_sentences(result.constraints, policy.objective.unit(),
                             labels.Formatter("en"), provinces.metric_units)
    sentence = next(s for s in text.sentences if s.startswith("Raising the jobs target"))
    found = re.fullmatch(r"Raising the jobs target by 1 job raises the cost by Rp ([\d,.]+) bn\.",
                         sentence)
    assert found and number(found[1]) == pytest.approx(price, rel=5e-3)


def test_a_normalized_objective_says_its_unit(plan, pages):
    text = pages["en"]
    assert "units of the normalized objective" in text
    optimum = plan.optima["jobs"]
    assert f"one unit equals {en(optimum, 0)} jobs" in text
    budget = float(plan.binding.set_index("label").loc["DAK fisik", "shadow_price"])
    found = re.search(r"Each extra Rp 1 bn in pot DAK fisik adds ([\d.]+) units of the "
                      r"normalized objective \(the equivalent of ([\d,.]+) jobs\)", text)
    assert found and number(found[1]) == pytest.approx(budget, rel=5e-3)
    assert number(found[2]) == pytest.approx(budget * optimum, rel=5e-3)


def test_a_mip_report_says_there_are_no_shadow_prices(tmp_path):
    data = ik.datasets.load("indonesia-provinces", projects=True)
    result = ik.optimize(data, ik.default_policy().replace(objective=ik.Maximize("jobs")))
    assert result.lp.is_mip
    text = result.report(tmp_path / "mip.html", date=DAY).read_text("utf-8")
    binding = text[text.index('id="binding"'):text.index('id="equity"')]
    assert "a MIP has no shadow prices" in binding
    assert "<li>Ceiling of pot DAK fisik</li>" in binding
    assert " adds " not in binding and " costs " not in binding
    built = result.projects[result.projects["built"]]
    projects = text[text.index('id="projects"'):]
    assert all(f"<td>{label}</td>" in projects for label in built.index)
    book = openpyxl.load_workbook(result.report(tmp_path / "mip.xlsx", date=DAY))
    rows = sheet_rows(book["constraints"])
    assert all(r["Shadow price"] is None for r in rows)
    assert {r["In words"] for r in rows if r["Binding"] == "yes"} >= {"Ceiling of pot DAK fisik"}
    assert "projects" in book.sheetnames


def test_sources_mark_illustrative_rows(provinces, pages):
    text = pages["en"]
    sources = text[text.index('id="sources"'):text.index('id="table"')]
    flagged = provinces.sources.apply(
        lambda row: row.astype(str).str.contains("ILLUSTRATIVE").any(), axis=1)
    assert 0 < flagged.sum() < len(flagged)
    assert sources.count('<tr class="illustrative">') == flagged.sum()
    assert sources.count('<span class="badge">ILLUSTRATIVE</span>') == flagged.sum()
    assert "BPS Sistem Pengkodean Wilayah Administrasi" in sources


def test_user_text_is_escaped(tables, tmp_path):
    regions, programs, impacts = tables
    name = 'A <b>&"'
    regions.loc[regions["region"] == "A", "region"] = name
    impacts.loc[impacts["region"] == "A", "region"] = name
    data = ik.Dataset(regions, programs, impacts, name="<i>tiny</i>")
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=60)))
    text = result.report(tmp_path / "r.html", title="<script>alert(1)</script>",
                         date=DAY).read_text("utf-8")
    assert "<script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'A <b>&"' not in text and "A &lt;b&gt;&amp;&#34;" in text  # Jinja2's escapes
    assert "<i>tiny</i>" not in text and "&lt;i&gt;tiny&lt;/i&gt;" in text
    assert "The dataset has no sources table." in text


def test_a_script_in_a_region_or_scenario_name_is_shown_not_run(tables, tmp_path):
    hostile = "<script>alert(1)</script>"
    shown = "&lt;script&gt;alert(1)&lt;/script&gt;"
    regions, programs, impacts = tables
    regions.loc[regions["region"] == "A", "region"] = hostile
    impacts.loc[impacts["region"] == "A", "region"] = hostile
    folder = ik.Dataset(regions, programs, impacts, name="tiny").to_csv(tmp_path / "data")
    scenarios = [ik.Scenario.from_dict({
        "name": name, "dataset": {"path": str(folder)}, "budget": {"total": total},
        "constraints": [{"region_bounds": {"min": 5, "regions": [hostile]}}]})
        for name, total in (("base", 60), (hostile, 50))]
    batch = ik.run_scenarios(scenarios, executor=ik.InProcessExecutor(), progress=False)
    assert batch.ok == ["base", hostile]
    text = batch.report(tmp_path / "s.html", date=DAY).read_text("utf-8")
    assert "<script" not in text and "alert(1)</" not in text
    page = Page(text)
    assert "script" not in [tag for tag, _ in page.tags]
    assert f"<h3>{shown}</h3>" in text  # the scenario's binding rules and its rules
    assert f"<td>{shown}</td>" in text  # the names of the scenario and the region in tables
    assert f"regions=(&#39;{shown}&#39;,)" in text  # the rules as written
    plan = ik.optimize(ik.Dataset(regions, programs, impacts, name=hostile),
                       ik.Policy(ik.Budget(total=60), [ik.RegionBounds(min=5, regions=[hostile])]))
    text = plan.report(tmp_path / "p.html", title=hostile, date=DAY).read_text("utf-8")
    assert "<script" not in text and "script" not in [tag for tag, _ in Page(text).tags]
    assert f"<title>{shown}</title>" in text and f"<h1>{shown}</h1>" in text
    assert f"<td>{shown}</td>" in text and f"<li>{shown}: at least Rp 5 bn.</li>" in text
    assert f"Dataset: {shown}." in text


def test_same_input_same_report(plan, tmp_path):
    first = plan.report(tmp_path / "a.html", date=DAY).read_bytes()
    second = plan.report(tmp_path / "b.html", date=DAY).read_bytes()
    assert first == second


# ---------------------------------------------------------------------- Indonesian
def test_catalogues_translate_every_text():
    # the .po files themselves: tests/report/test_labels.py; here the texts a report reads
    assert labels.LANGUAGES == ("en", "id")
    assert list(EN) == list(ID)
    # every text is translated, except templates without words and proper names
    same = {k for k in EN if EN[k] == ID[k]}
    assert same == {"status_other", "sentence", "group_kti", "rule_other", "obj_other",
                    "obj_term", "col_metric", "sheet_rakor", "col_status_proposal",
                    "col_mon_status", "mon_total"}  # "Status" and "Total" are Indonesian too
    headings = [k for k in EN if k.startswith("h_")]
    assert len(headings) >= 10 and all(EN[k] != ID[k] for k in headings)


def test_indonesian_report_has_no_english_labels(pages):
    text = pages["id"]
    for key, value in EN.items():
        if key.startswith("h_") or key.startswith("title"):
            assert value not in text, (key, value)
    # every heading, header, caption, chart text and sentence comes from the Indonesian
    # catalogue: none equals an English label that has its own Indonesian wording
    english = {v for k, v in EN.items() if isinstance(v, str) and v != ID[k]}
    page = Page(text)
    for tag in ("h1", "h2", "h3", "th", "figcaption", "title", "text"):
        for shown in page.texts.get(tag, []):
            assert shown not in english, (tag, shown)
    assert '<html lang="id">' in text
    assert "Rencana alokasi anggaran IKM" in text and "Kendala yang mengikat" in text


def test_indonesian_numbers_and_dates(plan, pages):
    text, out = pages["id"], plan.outcomes
    assert f'<div class="value">{indonesian(out["jobs"], 0)}</div>' in text
    assert f"Rp {indonesian(out['value_added'], 1)} miliar per tahun" in text
    total = plan.policy.budget.total
    assert (f"Rp {indonesian(out['spend'], 1)} miliar dari pagu Rp {indonesian(total, 1)} "
            "miliar") in text
    gini = plan.equity[("spend", "gini")]
    assert f"antarwilayah: {indonesian(gini, 3)}" in text
    assert "5 Maret 2025" in text
    budget = float(plan.binding.set_index("label").loc["DAK fisik", "shadow_price"])
    found = re.search(r"Setiap tambahan Rp 1 miliar pada sumber dana DAK fisik menambah "
                      r"([\d.,]+) satuan fungsi tujuan ternormalisasi \(setara ([\d.,]+) orang "
                      r"tenaga kerja\)", text)
    assert found and number(found[1], "id") == pytest.approx(budget, rel=5e-3)
    assert "Kawasan Timur Indonesia (KTI)" in text and "per kapita" in text
    assert ">Pemerataan</h2>" in text and ">Asumsi</h2>" in text and ">Sumber data</h2>" in text


def test_unknown_language_or_format_writes_nothing(plan, tmp_path):
    with pytest.raises(ik.PolicyError, match=r"unknown lang 'fr'.*'en', 'id'"):
        plan.report(tmp_path / "plan.html", lang="fr")
    with pytest.raises(ik.PolicyError, match=r"'plan\.pdf'.*\.html or \.xlsx"):
        plan.report(tmp_path / "plan.pdf")
    with pytest.raises(ik.PolicyError, match="unknown format 'pdf'"):
        plan.report(tmp_path / "plan.html", format="pdf")
    assert list(tmp_path.iterdir()) == []
    path = plan.report(tmp_path / "plan.report", format="html", date=DAY)
    assert path.read_text("utf-8").startswith("<!DOCTYPE html>")


# ---------------------------------------------------------------------- Excel
def sheet_rows(sheet) -> list[dict]:
    """The rows of a report sheet by header: row 1 is the caption, row 2 the header."""
    header = [c.value for c in sheet[2]]
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=3)]


def test_excel_has_every_sheet_formatted(plan, tmp_path):
    path = plan.report(tmp_path / "plan.xlsx", date=DAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == PLAN_SHEETS
    for sheet in book:
        assert sheet.freeze_panes == "A3", sheet.title
        assert sheet["A1"].value.startswith("IKM budget allocation plan. Dataset: "
                                            "indonesia-provinces.")
        assert all(c.value for c in sheet[2]) and all(c.font.bold for c in sheet[2])
    region = book["by_region"]
    header = [c.value for c in region[2]]
    assert header[:6] == ["Region", "Island group", "Spend (Rp bn)", "Share of spend",
                          "Population", "Spend per capita (Rp)"]
    assert "Value added (Rp bn per year)" in header
    formats = {h: region.cell(row=3, column=j + 1).number_format for j, h in enumerate(header)}
    assert formats["Spend (Rp bn)"] == "#,##0.0"
    assert formats["Share of spend"] == "0.0%"
    assert formats["Population"] == "#,##0" and formats["Jobs"] == "#,##0"
    rows = pd.DataFrame(sheet_rows(region)).set_index("Region")
    by_region = plan.by("region")
    assert list(rows.index) == list(by_region.index)
    assert rows["Spend (Rp bn)"].to_numpy() == pytest.approx(by_region["spend"].to_numpy())
    assert rows["Share of spend"].to_numpy() == pytest.approx(by_region["share"].to_numpy())
    assert region.column_dimensions["A"].width >= len("Kepulauan Bangka Belitung")
    summary = {r["Item"]: r["Value"] for r in sheet_rows(book["summary"])}
    assert summary["Jobs"] == pytest.approx(plan.outcomes["jobs"])
    assert summary["Spend"] == pytest.approx(plan.outcomes["spend"])
    assert summary["Date"] == "5 March 2025"
    constraints = sheet_rows(book["constraints"])
    assert len(constraints) == len(plan.constraints)
    words = [r["In words"] for r in constraints if r["Binding"] == "yes"]
    assert len(words) == int(plan.constraints["binding"].sum())
    assert any(w.startswith("Each extra Rp 1 bn in pot DAK fisik adds") for w in words)
    sources = sheet_rows(book["sources"])
    assert {r["Illustrative"] for r in sources} == {"yes", "no"}
    equity = {r["Per-capita quantity"]: r for r in sheet_rows(book["equity"])}
    assert equity["Spend"]["Gini coefficient"] == pytest.approx(plan.equity[("spend", "gini")])
    assert book["equity"]["B3"].number_format == "0.000"


def test_excel_in_indonesian(plan, tmp_path):
    book = openpyxl.load_workbook(plan.report(tmp_path / "rencana.xlsx", "id", date=DAY))
    assert book.sheetnames == [ID[f"sheet_{s}"] for s in PLAN_SHEETS]
    header = [c.value for c in book["per_wilayah"][2]]
    assert header[:4] == ["Wilayah", "Kelompok pulau", "Alokasi anggaran (Rp miliar)",
                          "Pangsa alokasi anggaran"]
    assert "Alokasi anggaran per kapita (Rp)" in header and "Tenaga kerja (orang)" in header
    summary = {r["Butir"]: r["Nilai"] for r in sheet_rows(book["ringkasan"])}
    assert summary["Tanggal"] == "5 Maret 2025"
    assert summary["Tenaga kerja"] == pytest.approx(plan.outcomes["jobs"])
    assert summary["Pagu anggaran"] == pytest.approx(plan.policy.budget.total)
    assert all(sheet.freeze_panes == "A3" for sheet in book)


@pytest.mark.parametrize("suffix", ["xlsx", "html"])
def test_a_failed_write_leaves_no_file(plan, tmp_path, monkeypatch, suffix):
    target = tmp_path / f"plan.{suffix}"
    target.write_text("the old report")

    def broken(path, *args, **kwargs):
        Path(path).write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    if suffix == "xlsx":
        monkeypatch.setattr(openpyxl.Workbook, "save", lambda self, path: broken(path))
    else:
        monkeypatch.setattr(Path, "write_text", lambda self, *a, **k: broken(self))
    with pytest.raises(OSError, match="No space left"):
        plan.report(target, date=DAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]
    assert target.read_bytes() == b"the old report"
    target.unlink()
    with pytest.raises(OSError, match="No space left"):
        plan.report(target, date=DAY)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- scenario sets
@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> ik.ScenarioResults:
    out = tmp_path_factory.mktemp("batch")
    ik.run_scenarios(["examples/scenarios/baseline.yaml", "examples/scenarios/budget-cut.yaml"],
                     executor=ik.InProcessExecutor(), progress=False, out=out)
    return ik.ScenarioResults.read(out)  # as read back from the results folder


def test_scenario_set_report(batch, tmp_path):
    comparison = batch.compare("baseline")
    text = batch.report(tmp_path / "s.html", date=DAY).read_text("utf-8")
    assert "IKM budget scenarios compared" in text and "Baseline scenario: baseline." in text
    jobs = comparison.outcomes.set_index(["scenario", "metric"])
    cut = jobs.loc[("budget-cut", "jobs")]
    assert f'<td class="num">{en(cut["value"], 0)}</td>' in text
    assert f'<td class="num">{en(cut["pct"], 1)}</td>' in text
    assert '<td class="num">-15.0</td>' in text  # spend -15 %
    assert "<svg" in text and not re.search(r"https?://", text)
    # the scenarios keep their objective's unit: prices in words with their jobs equivalent
    assert re.search(r"Each extra Rp 1 bn of total budget adds [\d.]+ units of the normalized "
                     r"objective \(the equivalent of [\d,.]+ jobs\)", text)
    book = openpyxl.load_workbook(batch.report(tmp_path / "s.xlsx", "id", date=DAY))
    assert book.sheetnames[:4] == ["ringkasan", "hasil", "per_wilayah", "per_kegiatan"]
    assert "harga_bayangan" in book.sheetnames
    regions = sheet_rows(book["per_wilayah"])
    assert len(regions) == 38
    assert set(regions[0]) >= {"Wilayah", "baseline: alokasi anggaran (Rp miliar)",
                               "budget-cut: perubahan (Rp miliar)"}
    assert all(sheet.freeze_panes == "A3" for sheet in book)
    assert book["ringkasan"]["A1"].value.startswith(
        "Perbandingan skenario anggaran IKM. Skenario dasar: baseline.")
    with pytest.raises(ik.PolicyError, match="unknown baseline"):
        batch.report(tmp_path / "x.html", baseline="nope")
