"""Statements of the methodology page that were missing or wrong, checked against the code.

Each test reads what ``docs/methodology.md`` says and computes the quantity independently:
the tolerance range of staged objectives, the shared total column of ``OutcomeEquity``, the
reference amount of the diagnosis when the budget has no total, the References list.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import ikmopt as ik

PAGE = (Path(__file__).parents[2] / "docs" / "methodology.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the section headed ``title`` (up to the next heading of any level)."""
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#+ |\Z)", PAGE, re.M | re.S)
    assert match, title
    return match.group(1)


def two_regions() -> ik.Dataset:
    regions = pd.DataFrame({"population": [1e6, 3e6], "poverty": [0.2, 0.1],
                            "east": [True, False]}, index=["A", "B"])
    programs = pd.DataFrame({"channel": ["X", "X"]}, index=["p", "q"])
    impacts = pd.DataFrame({"region": ["A", "A", "B", "B"], "program": ["p", "q"] * 2,
                            "jobs": [4.0, 2.0, 3.0, 5.0], "value_added": [1.0, 2.0, 1.0, 1.0],
                            "capacity": 25.0})
    return ik.Dataset(regions, programs, impacts)


@pytest.mark.parametrize("title", ["Lexicographic", "Max-min"])
def test_the_documented_tolerance_range_is_the_accepted_one(title):
    text = section(title)
    assert r"0 \le \tau \le 0.5" in text and r"\tau < 1" not in text
    make = {"Lexicographic": lambda t: ik.Lexicographic([ik.Maximize("jobs")], tolerance=t),
            "Max-min": lambda t: ik.MaxMin("jobs", tolerance=t)}[title]
    assert make(0.5).tolerance == 0.5 and make(0.0).tolerance == 0.0
    for refused in (0.5 + 1e-9, 0.9, -1e-9):
        with pytest.raises(ik.PolicyError, match="tolerance"):
            make(refused)


def test_lexicographic_floor_at_the_largest_tolerance():
    # stage 2 keeps jobs >= f* - tau max(1, |f*|) with f* the best jobs alone
    data = two_regions()
    budget = ik.Budget(total=30)
    best = ik.optimize(data, ik.Policy(budget, objective=ik.Maximize("jobs"))).objective
    plan = ik.optimize(data, ik.Policy(budget, objective=ik.Lexicographic(
        [ik.Maximize("jobs"), ik.Maximize("value_added")], tolerance=0.5)))
    # by hand: jobs 5 (B,q) and 4 (A,p), value added 2 (A,q); 30 to spend with caps of 25
    assert best == pytest.approx(25 * 5 + 5 * 4)
    assert plan.outcomes["jobs"] == pytest.approx(best - 0.5 * best, rel=1e-7)


def test_outcome_equity_shares_one_total_column_per_metric_and_by():
    text = section("Outcome equity")
    assert "once per pair of metric and `by`" in text
    data = two_regions()
    rules = [ik.OutcomeEquity("jobs", min_ratio=0.3),
             ik.OutcomeEquity("jobs", min_ratio=0.5, per="poverty"),
             ik.OutcomeEquity("jobs", min_ratio=0.2, by="east"),
             ik.OutcomeEquity("value_added", min_ratio=0.2)]
    lp = ik.build(data, ik.Policy(ik.Budget(total=30), rules, objective=ik.Maximize("jobs")))
    totals = lp.aux[lp.aux["family"] == "outcome_total"]
    assert sorted(totals["label"]) == ["jobs by east", "jobs by region",
                                       "value_added by region"]
    # each total column is the metric's sum over the cells with a group: at an optimum its
    # value equals the outcome computed from the allocation
    plan = ik.optimize(data, ik.Policy(ik.Budget(total=30), rules, objective=ik.Maximize("jobs")))
    x = plan.allocation.to_numpy()
    assert x @ data.coefficients("jobs") == pytest.approx(plan.outcomes["jobs"])
    rows = lp.rows[lp.rows["family"] == "outcome_equity"]
    assert len(rows) == 2 + 2 + 2 + 2  # one row per group and rule


def test_the_diagnosis_reference_without_a_budget_total_is_the_total_capacity():
    text = section("Elastic relaxation")
    assert "**total capacity**" in text
    # A must get 80 % of all spend, B at least 6 (held by a large weight), A at most 20:
    # relax the share (A = 20, T = 26: 0.8 Rp bn, cost w_s * 0.8 / (0.8 B) = w_s / B) or the
    # cap (A = 24: 4 Rp bn, cost 4 / 20). The share is relaxed exactly when B > 5 w_s, and
    # B = 50 + 50 (the total capacity), not 30 (the program's limit).
    regions = pd.DataFrame({"population": [1e6, 1e6], "east": [True, False]}, index=["A", "B"])
    programs = pd.DataFrame({"channel": ["X"]}, index=["p"])
    impacts = pd.DataFrame({"region": ["A", "B"], "program": "p", "jobs": [1.0, 1.0],
                            "capacity": 50.0})
    data = ik.Dataset(regions, programs, impacts)
    capacity = float(data.capacity.sum())
    assert capacity == 100
    policy = ik.Policy(ik.Budget(by={"program": {"p": 30}}),
                       [ik.GroupShare("east", min=0.8), ik.RegionBounds(min={"B": 6}),
                        ik.RegionBounds(max={"A": 20})])
    chosen = {}
    for w_share in (18, 22):  # B = 100 lies between 5 * 18 and 5 * 22; 30 does not
        diagnosis = ik.diagnose(data, policy, weights={0: 1e3, 1: w_share, 2: 1e3})
        chosen[w_share] = list(diagnosis.relaxations["rule"])
    assert chosen[18] == [1] and chosen[22] == [3]
    assert 5 * 18 < capacity < 5 * 22 and not 5 * 18 < 30


def test_every_method_the_docs_use_is_in_the_references():
    references = section("References")
    for author, year in [("Rockafellar", "2000"), ("Rockafellar", "2002"), ("Haimes", "1971"),
                         ("Chinneck", "1991"), ("Gini", "1912"), ("Lerman", "1989"),
                         ("Theil", "1967"), ("Charnes", "1961"), ("Isermann", "1982"),
                         ("Rawls", "1971"), ("Luss", "1999"), ("Ogryczak", "2000"),
                         ("Nelsen", "2006")]:
        assert re.search(rf"^\* {author}\b.*\({year}\)", references, re.M), (author, year)
    # every author-year citation in the text (first or second author) has its entry
    body = PAGE.split("## References")[0]
    cited = set(re.findall(r"([A-Z][a-z]+)(?: (?:and|&) [A-Z][a-z]+)?,? \(?(\d{4})\)?", body))
    cited |= set(re.findall(r"[A-Z][a-z]+ (?:and|&) ([A-Z][a-z]+),? \(?(\d{4})\)?", body))
    entries = references.split("\n* ")
    assert len(cited) > 15
    missing = [(a, y) for a, y in cited
               if not any(a in entry and f"({y})" in entry for entry in entries)]
    assert not missing
