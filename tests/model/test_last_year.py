"""Indicative ceilings anchored on last year, and the Rakor table.

Tiny (jobs per Rp bn: C-p 12, A-p 10, B-p 8, A-q 6, C-q 5, B-q 4; C-p holds 10) with last
year A 20, B 15, C 10 (realised 18, 10, 9). With a change within +-20 % and Rp 50 bn:
A <= 24 (all A-p), C <= 12 (C-p 10; C-q at 5 is below the budget's price), B in [12, 18]
takes the other 16 of B-p. The budget's price is B-p's 8, and A's ceiling is worth
10 - 8 = 2 per Rp bn.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.planning import POTS, last_year_table, planning_data


def solve(data, *rules, solver="highs", **budget):
    budget = budget or {"total": 50}
    policy = ik.Policy(budget=ik.Budget(**budget), constraints=list(rules))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return ik.optimize(data, policy, solver=solver)


RULE = ik.LastYear(max_rise=0.2, max_fall=0.2)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_hand_solved_change_limits(solver):
    result = solve(planning_data(), RULE, solver=solver)
    by_region = result.by("region")["spend"]
    assert by_region.to_dict() == pytest.approx({"A": 24, "B": 16, "C": 10})
    assert result.objective == pytest.approx(240 + 128 + 120)


def test_rakor_table_and_its_price_against_a_finite_difference():
    result = solve(planning_data(), RULE)
    rakor = result.rakor()
    assert list(rakor.index) == ["A", "B", "C"]
    assert rakor.loc["A", "last_year"] == pytest.approx(20)
    assert rakor.loc["A", "this_year"] == pytest.approx(24)
    assert rakor.loc["A", "change"] == pytest.approx(4)
    assert rakor.loc["A", "change_pct"] == pytest.approx(20)
    assert rakor.loc["A", "ceiling"] == pytest.approx(24)
    assert rakor.loc["B", "floor"] == pytest.approx(12)
    assert rakor.loc["A", "at"] == "ceiling"
    assert rakor.loc["B", "at"] == ""
    # one more Rp bn of A's ceiling: last year's A raised by 1/1.2
    h = 0.5
    last = last_year_table()
    last.loc[0, "allocation"] += h / 1.2
    moved = solve(planning_data(last_year=last), RULE)
    assert rakor.loc["A", "price"] == pytest.approx((moved.objective - result.objective) / h)
    assert rakor.loc["A", "price"] == pytest.approx(2)
    assert rakor.loc["B", "price"] == pytest.approx(0, abs=1e-9)


def test_floor_at_realisation_is_priced_as_a_cost():
    # a floor at B's realisation 10 and nothing else: B-p 10, then C-p 10, A-p 30
    result = solve(planning_data(), ik.LastYear(floor="realisation"))
    rakor = result.rakor()
    assert rakor.loc["B", "this_year"] == pytest.approx(10)
    assert rakor.loc["B", "at"] == "floor"
    assert rakor.loc["B", "price"] == pytest.approx(-2)  # each Rp bn kept in B costs 10 - 8
    assert result.objective == pytest.approx(80 + 120 + 300)


def test_new_recipients_are_capped():
    last = last_year_table().iloc[:2]  # C got nothing last year
    data = planning_data(last_year=last)
    result = solve(data, ik.LastYear(new=3))
    assert result.by("region").loc["C", "spend"] == pytest.approx(3)
    rakor = result.rakor()
    assert rakor.loc["C", "last_year"] == 0
    assert pd.isna(rakor.loc["C", "change_pct"])


def test_split_by_pot_with_pots():
    last = pd.DataFrame({"region": ["A", "A", "C"], "pot": ["DAK", "TP", "DAK"],
                         "allocation": [10.0, 10.0, 10.0]})
    data = planning_data(last_year=last)
    result = solve(data, ik.LastYear(max_rise=0.5), pots=POTS)
    rakor = result.rakor()
    assert rakor.index.names == ["region", "pot"]
    assert rakor.loc[("A", "DAK"), "this_year"] == pytest.approx(15)
    assert rakor.loc[("A", "DAK"), "at"] == "ceiling"
    assert rakor.loc[("A", "TP"), "this_year"] == pytest.approx(15)
    assert ("B", "DAK") in rakor.index  # a new recipient, shown with last year 0
    err = policy_error(lambda: solve(data, ik.LastYear(max_rise=0.5)))
    assert_names(err, "split by pot", "Budget(pots=...)")


def test_rakor_without_the_rule_shows_the_change():
    rakor = solve(planning_data()).rakor()
    assert rakor["floor"].eq(0).all() and rakor["price"].isna().all()
    assert (rakor["change"] == rakor["this_year"] - rakor["last_year"]).all()


# ---------------------------------------------------------------------- hostile
def test_a_table_in_rp_million_is_refused_naming_the_rows():
    last = last_year_table()
    last["allocation"] *= 1000  # Rp juta written as if Rp bn
    with pytest.raises(ik.DataError) as info:
        solve(planning_data(last_year=last), RULE)
    assert_names(info.value, "last_year", "row 1", "row 2", "Rp juta", "unit")


def test_a_unit_column_converts_the_rows():
    last = last_year_table()
    last["allocation"] *= 1000
    last["realisation"] *= 1000
    last["unit"] = "Rp juta"
    result = solve(planning_data(last_year=last), RULE)
    assert result.rakor().loc["A", "last_year"] == pytest.approx(20)


def test_bad_last_year_rows_are_named():
    last = pd.DataFrame({"region": ["A", "Bb", "C", "C"], "allocation": [20, 15, "x", 5],
                         "realisation": [25, None, None, None], "unit": ["Rp bn"] * 3 + ["Rp"
                                                                                         "b"]})
    with pytest.raises(ik.DataError) as info:
        planning_data(last_year=last)
    cases = info.value.failure_cases
    assert set(cases["table"]) == {"last_year"}
    text = str(info.value)
    assert_names(info.value, "'Bb'", "did you mean 'B'", "not a number", "row 3",
                 "realisation", "row 1", "unknown money unit", "row 4")
    assert "above the allocation" in text


def test_rows_given_twice_and_missing_columns():
    last = pd.DataFrame({"region": ["A", "A"], "allocation": [1.0, 2.0]})
    with pytest.raises(ik.DataError, match="appears twice"):
        planning_data(last_year=last)
    with pytest.raises(ik.DataError, match="allocation"):
        planning_data(last_year=pd.DataFrame({"region": ["A"], "alocation": [1.0]}))


def test_rule_and_table_mismatches_are_policy_errors(tiny):
    assert_names(policy_error(lambda: solve(tiny, RULE)), "no last-year allocation")
    assert_names(policy_error(lambda: ik.LastYear()), "at least one")
    assert_names(policy_error(lambda: ik.LastYear(floor="realization")), "floor")
    assert_names(policy_error(lambda: ik.LastYear(max_rise=0.1, by="province")), "by")
    err = policy_error(lambda: solve(planning_data(), ik.LastYear(max_rise=0.1,
                                                                  by=("region", "pot"))))
    assert_names(err, "no ['pot'] column")
    last = last_year_table()
    last["realisation"] = [18.0, None, 9.0]
    err = policy_error(lambda: solve(planning_data(last_year=last),
                                     ik.LastYear(floor="realisation")))
    assert_names(err, "no realisation for", "B")


def test_file_rows_are_named_by_their_line(tmp_path):
    file = tmp_path / "last_year.csv"
    file.write_text("region,allocation\nA,20\nZ,5\n", encoding="utf-8")
    data = planning_data(last_year=None)
    with pytest.raises(ik.DataError) as info:
        data.with_last_year(file)
    assert_names(info.value, "last_year.csv line 3", "'Z'")
