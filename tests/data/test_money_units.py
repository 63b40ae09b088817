"""Money in any unit: a dataset in USD thousand, the forms of money_unit, and rupiah unchanged.

The example (three counties, two programs, money in USD thousand) is solved by hand: jobs per
USD 1 thousand are East-training 0.06 (capacity 100), North-training 0.05 (300),
South-training 0.04 (200), South-grants 0.03 (500), North-grants 0.02 (400), East-grants 0.01
(300). A budget of USD 800 thousand with South capped at USD 300 thousand fills East-training,
North-training, South-training (200) and South-grants up to the cap (100), and puts the last
USD 100 thousand in North-grants: 6 + 15 + 8 + 3 + 2 = 34 jobs. One more USD 1 thousand of
budget goes to North-grants (price 0.02 jobs); one more of South's cap moves one from
North-grants to South-grants (price 0.03 - 0.02 = 0.01 jobs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.errors import assert_cases, assert_names, data_error, policy_error
from ikmopt.core.units import MoneyUnit, money_unit

SOLVERS = ["highs", "cbc"]


def county_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Regions, programs and impacts of the three-county example (money in USD thousand)."""
    regions = pd.DataFrame({"region": ["North", "South", "East"],
                            "population": [120_000, 80_000, 50_000]})
    programs = pd.DataFrame({"program": ["training", "grants"]})
    impacts = pd.DataFrame({
        "region": ["North", "North", "South", "South", "East", "East"],
        "program": ["training", "grants"] * 3,
        "capacity": [300.0, 400.0, 200.0, 500.0, 100.0, 300.0],
        "jobs": [0.05, 0.02, 0.04, 0.03, 0.06, 0.01],
    })
    return regions, programs, impacts


def counties(**kwargs) -> ik.Dataset:
    kwargs.setdefault("money_unit", ("USD", 1e3))
    return ik.Dataset(*county_tables(), metric_units={"jobs": "jobs"}, name="three-counties",
                      **kwargs)


POLICY = ik.Policy(ik.Budget(total=800), [ik.RegionBounds(max={"South": 300})],
                   objective=ik.Maximize("jobs"))


# ---------------------------------------------------------------------- the hand-solved plan
@pytest.mark.parametrize("solver", SOLVERS)
def test_usd_example_hand_solved(solver: str) -> None:
    result = ik.optimize(counties(), POLICY, solver=solver)
    assert result.objective == pytest.approx(34.0)
    expected = {("North", "training"): 300, ("North", "grants"): 100,
                ("South", "training"): 200, ("South", "grants"): 100,
                ("East", "training"): 100, ("East", "grants"): 0}
    for cell, spend in expected.items():
        assert result.allocation[cell] == pytest.approx(spend, abs=1e-7)
    rows = result.constraints.set_index("label")
    assert rows.loc["total", "shadow_price"] == pytest.approx(0.02)
    assert rows.loc["South", "shadow_price"] == pytest.approx(0.01)
    assert set(rows["unit"]) == {"USD thousand"}
    assert set(rows["price_per"]) == {"USD 1 thousand"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_usd_labels(solver: str) -> None:
    result = ik.optimize(counties(), POLICY, solver=solver)
    text = result.summary()
    assert_names(text, "spend                     800.0  USD thousand",
                 "Regions by spend, USD thousand", "spend_usd_per_capita", "USD 1 thousand")
    assert "Rp" not in text
    assert "spend USD 800.0 thousand" in repr(result)
    assert "money in USD thousand" in repr(result.data)
    by_region = result.by("region")
    assert by_region.loc["North", "spend_usd_per_capita"] == pytest.approx(400e3 / 120_000)
    assert result.per_capita.loc["South", "spend"] == pytest.approx(300e3 / 80_000)


def test_the_model_counts_in_the_declared_unit() -> None:
    """The same plan in USD million: budget 0.8, prices per USD 1 million (1,000 times)."""
    regions, programs, impacts = county_tables()
    impacts = impacts.assign(capacity=impacts["capacity"] / 1e3, jobs=impacts["jobs"] * 1e3)
    data = ik.Dataset(regions, programs, impacts, money_unit="USD million")
    policy = ik.Policy(ik.Budget(total=0.8), [ik.RegionBounds(max={"South": 0.3})],
                       objective=ik.Maximize("jobs"))
    result = ik.optimize(data, policy)
    assert result.objective == pytest.approx(34.0)
    rows = result.constraints.set_index("label")
    assert rows.loc["total", "shadow_price"] == pytest.approx(20.0)
    assert rows.loc["total", "price_per"] == "USD 1 million"
    assert data.capacity.sum() == pytest.approx(1.8)  # not converted


# ---------------------------------------------------------------------- forms of money_unit
@pytest.mark.parametrize("unit", [("USD", 1e3), ("usd", 1000), "USD thousand", "usd k",
                                  "USD thousands", " USD  Thousand ", MoneyUnit("USD", 1e3)])
def test_forms_of_usd_thousand(unit) -> None:
    data = counties(money_unit=unit)
    assert data.money_unit == "USD thousand"
    assert data.money == MoneyUnit("USD", 1e3)
    assert data.capacity.sum() == pytest.approx(1800.0)


@pytest.mark.parametrize(("unit", "label", "per_one"), [
    ("EUR million", "EUR million", "EUR 1 million"),
    ("GBP bn", "GBP bn", "GBP 1 bn"),
    ("JPY", "JPY", "JPY 1"),
    (("USD", 1), "USD", "USD 1"),
    (("USD", 500), "USD x 500", "USD 1 x 500"),
    ("Rp bn", "Rp bn", "Rp 1 bn"),
    ("Rp juta", "Rp juta", "Rp 1 juta"),
])
def test_unit_texts(unit, label: str, per_one: str) -> None:
    parsed = money_unit(unit)
    if parsed.is_rupiah:  # rupiah is labelled by the model's unit, Rp bn
        assert parsed.model.label == "Rp bn"
    else:
        assert (parsed.label, parsed.per_one) == (label, per_one)
        assert parsed.model == parsed


@pytest.mark.parametrize(("unit", "factor"), [("Rp juta", 1e-3), (("IDR", 1e6), 1e-3),
                                              ("IDR", 1e-9), (("Rp", 1e9), 1.0),
                                              ("Rp miliar", 1.0), ("IDR tn", 1e3)])
def test_rupiah_units_convert_to_rp_bn(unit, factor: float) -> None:
    data = counties(money_unit=unit)
    assert data.money_unit == "Rp bn"
    assert data.capacity.sum() == pytest.approx(1800.0 * factor)
    assert data.coefficients("jobs")[0] == pytest.approx(0.05 / factor)


def test_unit_column_declares_the_currency() -> None:
    regions, programs, impacts = county_tables()
    data = ik.Dataset(regions, programs, impacts.assign(unit="USD thousand"))
    assert data.money_unit == "USD thousand"
    same = ik.Dataset(regions, programs, impacts.assign(unit="USD thousand"),
                      money_unit=("USD", 1e3))
    assert same.money_unit == "USD thousand"


def test_money_metric_in_the_same_currency_is_converted() -> None:
    regions, programs, impacts = county_tables()
    impacts = impacts.assign(value_added=0.5, rupiah_metric=2.0)
    data = ik.Dataset(regions, programs, impacts, money_unit="USD thousand",
                      metric_units={"value_added": "USD million", "rupiah_metric": "Rp bn"})
    # 0.5 USD million per USD thousand = 500 USD thousand per USD thousand
    assert data.coefficients("value_added")[0] == pytest.approx(500.0)
    assert data.metric_units["value_added"] == "USD thousand"
    # no exchange rate: a rupiah outcome stays as declared
    assert data.coefficients("rupiah_metric")[0] == pytest.approx(2.0)
    assert data.metric_units["rupiah_metric"] == "Rp bn"


# ---------------------------------------------------------------------- errors name the argument
@pytest.mark.parametrize(("unit", "words"), [
    ("dollars", ["money_unit='dollars'", "not a money unit", "ISO 4217"]),
    ("USD thousandz", ["money_unit='USD thousandz'", "not a money unit"]),
    ("Rp lakh", ["money_unit='Rp lakh'", "unknown rupiah unit"]),
    (("USD", 0), ["money_unit=('USD', 0)", "positive"]),
    (("US", 1e3), ["money_unit=('US', 1000.0)", "three-letter"]),
    (42, ["money_unit=42"]),
])
def test_bad_money_unit_names_the_argument(unit, words: list[str]) -> None:
    err = data_error(*county_tables(), money_unit=unit)
    assert_names(err, "dataset 'custom'", *words)
    assert "impacts" not in str(err)  # the user gave money_unit=, not a unit column
    assert_cases(err, [("-", "money_unit", None, words[1] if len(words) > 1 else "")])


def test_bad_unit_column_names_the_column() -> None:
    regions, programs, impacts = county_tables()
    err = data_error(regions, programs, impacts.assign(unit="dollar"))
    assert_names(err, "table 'impacts', column 'unit'", "'dollar'", "not a money unit")
    assert "money_unit=" not in str(err).split("not a money unit")[0]


def test_unit_column_and_argument_disagree() -> None:
    regions, programs, impacts = county_tables()
    err = data_error(regions, programs, impacts.assign(unit="USD thousand"),
                     money_unit="EUR thousand")
    assert_names(err, "'impacts'", "'unit'", "'USD thousand'", "money_unit='EUR thousand'")
    assert_cases(err, [("impacts", "unit", None, "money_unit")])


# ---------------------------------------------------------------------- rules per inhabitant
def test_rupiah_per_capita_bound_refused_in_usd() -> None:
    policy = ik.Policy(ik.Budget(total=800), [ik.RegionBounds(min_rp_per_capita=20_000)])
    err = policy_error(lambda: ik.optimize(counties(), policy))
    assert_names(err, "RegionBounds", "min_rp_per_capita", "rupiah per inhabitant",
                 "USD thousand", "no exchange rate",
                 "RegionBounds(min=(data.regions['population'] * per_person / 1000).to_dict())",
                 "USD per inhabitant")


@pytest.mark.parametrize("solver", SOLVERS)
def test_restated_per_capita_floor_solves(solver: str) -> None:
    """The restatement the error shows: USD 3 per inhabitant, as floors in USD thousand."""
    data = counties()
    floors = (data.regions["population"] * 3 / 1000).to_dict()  # East: 150
    policy = ik.Policy(ik.Budget(total=800), [ik.RegionBounds(min=floors)],
                       objective=ik.Maximize("jobs"))
    result = ik.optimize(data, policy, solver=solver)
    # floors North 360, South 240, East 150 (USD 3 x population / 1000): North-training 300
    # + North-grants 60 (15 + 1.2), South-training 200 + South-grants 40 (8 + 1.2),
    # East-training 100 + East-grants 50 (6 + 0.5); the last 50 go to South-grants (1.5):
    # 33.4 jobs, and one more USD 1 thousand of budget is worth 0.03 jobs
    assert result.objective == pytest.approx(33.4)
    assert result.by("region").loc["East", "spend"] == pytest.approx(150.0)
    rows = result.constraints.set_index("label")
    assert rows.loc["total", "shadow_price"] == pytest.approx(0.03)
    assert result.per_capita.loc["East", "spend"] == pytest.approx(3.0)


# ---------------------------------------------------------------------- copies and files
def test_copies_and_files_keep_the_unit(tmp_path) -> None:
    data = counties()
    assert data.replace(name="copy").money_unit == "USD thousand"
    assert data.scale("jobs", 2.0).money_unit == "USD thousand"
    back = ik.Dataset.from_csv(data.to_csv(tmp_path / "counties"))
    assert back.money_unit == "USD thousand"
    assert np.allclose(back.capacity, data.capacity)


def test_add_regions_in_another_currency_is_refused() -> None:
    data = counties()
    new = pd.DataFrame({"region": ["West"], "population": [10_000]})
    cells = pd.DataFrame({"region": ["West"], "program": ["training"], "capacity": [50.0],
                          "jobs": [0.05]})
    assert data.add_regions(new, cells).money_unit == "USD thousand"
    with pytest.raises(ik.DataError, match="no exchange rate"):
        data.add_regions(new, cells, money_unit="EUR thousand")


# ---------------------------------------------------------------------- rupiah unchanged
def test_rupiah_dataset_unchanged(provinces: ik.Dataset) -> None:
    assert provinces.money_unit == "Rp bn"
    assert provinces.money == MoneyUnit("IDR", 1e9)
    result = ik.optimize(provinces, ik.Policy(ik.Budget(total=2500),
                                              [ik.RegionBounds(max_rp_per_capita=30_000)]))
    text = result.summary()
    assert_names(text, "Regions by spend, Rp bn", "spend_rp_per_capita",
                 "spend                   ", "  Rp bn\n",
                 "Gini of spend per capita across regions: 0.")
    assert "spend Rp " in repr(result) and " bn over " in repr(result)
    rows = result.constraints
    assert set(rows.loc[rows["family"] == "budget", "price_per"]) == {"Rp 1 bn"}


def test_rupiah_units_give_the_same_plan_and_text(tables) -> None:
    """Rp bn, ('IDR', 1e9) and the same tables in Rp juta: one plan, one summary."""
    regions, programs, impacts = tables
    in_juta = impacts.assign(capacity=impacts["capacity"] * 1e3,
                             jobs=impacts["jobs"] / 1e3,
                             value_added=impacts["value_added"] / 1e3)
    datasets = [ik.Dataset(regions, programs, impacts, name="t"),
                ik.Dataset(regions, programs, impacts, money_unit=("IDR", 1e9), name="t"),
                ik.Dataset(regions, programs, in_juta, money_unit="Rp juta", name="t")]
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.5)])
    results = [ik.optimize(d, policy) for d in datasets]
    assert results[0].objective == pytest.approx(580.0)
    for other in results[1:]:
        assert other.objective == pytest.approx(results[0].objective)
        assert other.summary() == results[0].summary()
