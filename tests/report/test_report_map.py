"""The plan report shows a map of spend per inhabitant, inline, in the reader's language."""

from __future__ import annotations

import re

import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def result(provinces):
    return ik.optimize(provinces, ik.default_policy())


@pytest.mark.parametrize(("lang", "title", "mark"), [
    ("en", "Spend per inhabitant", "ILLUSTRATIVE data"),
    ("id", "Alokasi per penduduk", "Data ILUSTRATIF"),
])
def test_the_report_draws_every_province_once(result, tmp_path, lang, title, mark):
    page = result.report(tmp_path / f"plan-{lang}.html", lang).read_text(encoding="utf-8")
    start = page.index(f"<h3>{title}</h3>")
    figure = page[start:page.index("</figure>", start)]
    codes = re.findall(r'id="region-([0-9.]+)"', figure)
    expected = provinces_codes(result)
    assert sorted(codes) == sorted(expected)  # each province once, none missing
    assert mark in figure
    assert "<script" not in figure and "http" not in figure.replace(
        "http://www.w3.org", "")  # inline, nothing loaded


def provinces_codes(result):
    return result.data.regions["kemendagri_code"].astype(str).tolist()


def test_a_dataset_without_codes_draws_no_map(tiny, tmp_path):
    result = ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=50)))
    page = result.report(tmp_path / "tiny.html").read_text(encoding="utf-8")
    assert "Spend per inhabitant" not in page


def test_the_map_colours_follow_the_values(result):
    from ikmopt import plot

    ax = plot.map(result, "spend", per_capita=True)
    patches = {p.get_gid(): p.get_facecolor() for p in ax.patches
               if str(p.get_gid()).startswith("region-")}
    assert len(patches) == len(result.data.regions)
    values = result.per_capita["spend"]  # Rp per inhabitant
    codes = result.data.regions["kemendagri_code"].astype(str)
    lum = {gid: 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] for gid, c in patches.items()}
    # YlGnBu: the darkest fill is the largest value, the lightest the smallest
    assert lum[f"region-{codes[values.idxmax()]}"] == pytest.approx(min(lum.values()))
    assert lum[f"region-{codes[values.idxmin()]}"] == pytest.approx(max(lum.values()))
