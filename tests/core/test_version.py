"""The package and methodology versions: stated once, recorded in every report and saved result.

The package version is read independently from ``pyproject.toml``; the methodology version
from the newest entry of ``CHANGELOG.md`` and from the methodology page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from pathlib import Path

import openpyxl
import pytest
import yaml

import ikmopt as ik
from ikmopt.core.version import METHODOLOGY_VERSION, __version__, versions

ROOT = Path(__file__).resolve().parents[2]


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def test_the_versions_are_the_package_metadata_and_a_year_dot_n_methodology():
    assert __version__ == pyproject_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert re.fullmatch(r"20\d\d\.[1-9]\d*", METHODOLOGY_VERSION)
    assert ik.versions() == versions() == {"ikmopt": __version__,
                                           "methodology": METHODOLOGY_VERSION}
    assert ik.METHODOLOGY_VERSION == METHODOLOGY_VERSION


def test_the_changelog_states_each_release_and_its_methodology_version():
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    releases = re.findall(r"^## \[([^\]]+)\](.*)$", text, re.M)
    assert releases[0][0] == "Unreleased"
    assert ("0.1.0" in [name for name, _ in releases])
    # the newest methodology version named is the code's; 0.1.0 had the one before
    stated = re.findall(r"[Mm]ethodology version:? `?(20\d\d\.\d+)`?", text)
    assert stated[0] == METHODOLOGY_VERSION
    assert stated[-1] == "2026.1"
    # every release has its methodology changes apart from the other changes
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        assert "### Methodology changes" in block, block[:40]
    # the methodology page states the scheme
    methodology = (ROOT / "docs" / "methodology.md").read_text("utf-8")
    versions_section = methodology.split("## Versions", 1)[1].split("\n## ", 1)[0]
    assert "Semantic Versioning" in versions_section and METHODOLOGY_VERSION in versions_section


def test_citation_file_names_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == pyproject_version()
    assert cff["title"].startswith("ikmopt") and cff["authors"] and cff["message"]
    assert cff["license"] == "MIT"
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "## How to cite" in readme and "CITATION.cff" in readme


@pytest.fixture(scope="module")
def plan(provinces) -> ik.Result:
    return ik.optimize(provinces, ik.default_policy())


def test_reports_carry_both_versions(plan, tmp_path):
    expected = f"{__version__}, methodology {METHODOLOGY_VERSION}"
    write = ik.report.write_report
    page = write(plan, tmp_path / "plan.html", date=dt.date(2026, 1, 5)).read_text("utf-8")
    assert f"with ikmopt {expected}." in page
    indonesian = write(plan, tmp_path / "rencana.html", lang="id").read_text("utf-8")
    assert f"{__version__}, metodologi {METHODOLOGY_VERSION}" in indonesian
    book = openpyxl.load_workbook(write(plan, tmp_path / "plan.xlsx"))
    summary = book.worksheets[0]
    rows = {r[0]: r[1] for r in summary.iter_rows(min_row=3, values_only=True)}
    assert rows["ikmopt version"] == expected


def test_saved_scenario_results_carry_both_versions(tmp_path):
    scenario = ik.Scenario("small", ik.Policy(ik.Budget(total=500)))
    results = ik.run_scenarios([scenario], executor=None, progress=False, out=tmp_path)
    meta = json.loads((tmp_path / "small" / "meta.json").read_text("utf-8"))
    assert meta["ikmopt_version"] == __version__
    assert meta["methodology_version"] == METHODOLOGY_VERSION
    assert results["small"].meta["methodology_version"] == METHODOLOGY_VERSION


def test_the_docs_changelog_is_the_changelog():
    page = (ROOT / "docs" / "changelog.md").read_text("utf-8")
    copy = page.split("-->\n\n", 1)[1]
    assert copy == (ROOT / "CHANGELOG.md").read_text("utf-8").replace("](docs/", "](")
