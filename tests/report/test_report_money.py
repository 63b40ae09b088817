"""Reports on data in another currency say that currency, and data without population
still give a report (without the per-capita parts)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import ikmopt as ik

REGIONS = pd.DataFrame({"region": ["North", "South", "East"],
                        "population": [1000, 2000, 3000]})
PROGRAMS = pd.DataFrame({"program": ["roads", "schools"]})
IMPACTS = pd.DataFrame({"region": ["North", "North", "South", "South", "East", "East"],
                        "program": ["roads", "schools"] * 3,
                        "jobs": [0.02, 0.03, 0.04, 0.01, 0.02, 0.02],
                        "capacity": [300.0] * 6})


@pytest.mark.parametrize(("lang", "word"), [("en", "USD 800.0 thousand"),
                                            ("id", "USD 800,0 ribu")])
def test_a_report_in_usd_has_no_rupiah(tmp_path, lang, word):
    data = ik.Dataset(REGIONS, PROGRAMS, IMPACTS, money_unit=("USD", 1e3))
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=800)))
    page = result.report(tmp_path / f"usd-{lang}.html", lang).read_text(encoding="utf-8")
    assert not re.search(r"\bRp\b", page)
    assert word in page
    # North gets its 300 thousand over 1,000 people: USD 300 per inhabitant
    assert "Spend per capita (USD)" in page or "per kapita (USD)" in page


def test_a_rupiah_report_is_unchanged_by_the_money_relabelling():
    from ikmopt.report import Formatter

    fmt = Formatter("en")
    data = ik.datasets.load()
    assert fmt.with_money(data.money) is fmt


def test_a_dataset_without_population_gets_a_report(tmp_path):
    data = ik.Dataset(REGIONS.drop(columns="population"), PROGRAMS, IMPACTS)
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=800)))
    page = result.report(tmp_path / "nopop.html").read_text(encoding="utf-8")
    assert "North" in page and "Lorenz" not in page
    assert "per capita" not in page.split("<section id=\"allocation\">")[1].split(
        "</section>")[0]


def test_rules_messages_and_prices_say_the_currency():
    data = ik.Dataset(REGIONS, PROGRAMS, IMPACTS, money_unit=("USD", 1e3))
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=800)))
    sens = result.sensitivity()
    text = " ".join([result.summary(), *result.constraints["constraint"],
                     *result.tables()["policy"]["rule"],
                     *sens[["rule", "unit", "step"]].astype(str).to_numpy().ravel()])
    assert "USD 800 thousand" in text and not re.search(r"\bRp\b", text)
    with pytest.raises(ik.InfeasibleError) as err:
        ik.optimize(data, ik.Policy(budget=ik.Budget(total=800, spend_all=True),
                                    constraints=[ik.RegionBounds(max=100)]))
    assert "USD" in str(err.value) and not re.search(r"\bRp\b", str(err.value))
    with pytest.warns(ik.UnspentBudgetWarning) as caught:
        # only roads may be funded and North not at all: schools' money stays unspent
        ik.optimize(data, ik.Policy(budget=ik.Budget(total=800),
                                    constraints=[ik.RegionBounds(max={"North": 0.0}),
                                                 ik.ProgramShare(program="roads", min=1.0)]))
    message = str(caught[0].message)
    assert "USD" in message and not re.search(r"\bRp\b", message)
