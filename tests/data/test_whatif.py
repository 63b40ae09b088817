"""What-if copies of a Dataset: bad arguments refused by name, and added regions."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from helpers.errors import assert_names
from helpers.whatif import new_province


# ---------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    ("call", "words"),
    [
        pytest.param(lambda d: d.scale("jbos", 2.0), ["'jbos'", "did you mean 'jobs'"],
                     id="scale-unknown-metric"),
        pytest.param(lambda d: d.scale("jobs", -1.0), ["'jobs'", "-1"], id="scale-negative"),
        pytest.param(lambda d: d.scale("jobs", float("nan")), ["'jobs'", "nan"], id="scale-nan"),
        pytest.param(lambda d: d.scale("jobs", float("inf")), ["'jobs'", "inf"], id="scale-inf"),
        pytest.param(lambda d: d.scale("jobs", "double"), ["'jobs'", "double"], id="scale-text"),
        pytest.param(lambda d: d.scale("jobs", 2.0, where={"program": "zz"}),
                     ["'program'", "zz"], id="scale-unknown-value"),
        pytest.param(lambda d: d.scale("jobs", 2.0, where={"island_group": ["east", "north"]}),
                     ["'island_group'", "north"], id="scale-unknown-group"),
        pytest.param(lambda d: d.with_capacity(factor=2.0, where={"region": "Z"}),
                     ["'region'", "Z"], id="capacity-unknown-region"),
        pytest.param(lambda d: d.with_capacity(value=-1.0), ["capacity", "-1"],
                     id="capacity-negative"),
        pytest.param(lambda d: d.with_capacity(), ["factor", "value"], id="capacity-neither"),
        pytest.param(lambda d: d.with_capacity(factor=1.0, value=1.0), ["factor", "value"],
                     id="capacity-both"),
        pytest.param(lambda d: d.drop_regions("Z"), ["'Z'", "region"], id="drop-unknown"),
        pytest.param(lambda d: d.drop_regions(["A", "Bb"]), ["'Bb'", "did you mean 'B'"],
                     id="drop-one-unknown"),
    ],
)
def test_what_if_copies_reject_bad_arguments(tiny, call, words):
    with pytest.raises(ik.DataError) as info:
        call(tiny)
    assert isinstance(info.value, ValueError)
    assert_names(info.value, *words)


def test_scale_unknown_level(tiny):
    """An unknown where= level names the level and suggests the right one."""
    with pytest.raises(ik.IkmoptError) as info:
        tiny.scale("jobs", 2.0, where={"progrm": "p"})
    assert isinstance(info.value, ValueError)
    assert_names(info.value, "'progrm'", "did you mean 'program'")


# ---------------------------------------------------------------------- add_regions
@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load()


def test_an_added_copy_of_a_region_is_funded_like_it(bundled):
    """Two identical regions under a per-region floor: the copy gets what the original gets
    when both are forced to the same, hand-checkable floor-only plan."""
    tables = new_province(bundled, "Papua Pegunungan", "Papua Pegunungan Baru")
    data = bundled.add_regions(**tables)
    assert data.regions.index[-1] == "Papua Pegunungan Baru"
    assert data.n_cells == bundled.n_cells + bundled.programs.shape[0]
    assert len(data.curves.table) == len(bundled.curves.table) + len(tables["curves"])
    result = ik.optimize(data, ik.default_policy())
    spend = result.by("region")["spend"]
    assert spend["Papua Pegunungan Baru"] == pytest.approx(spend["Papua Pegunungan"], abs=1e-6)
    # the same optimum on the CBC path
    cbc = ik.optimize(data, ik.default_policy(), solver="cbc")
    assert cbc.objective == pytest.approx(result.objective, rel=1e-6)


def test_added_regions_from_records_and_csv_give_the_same_dataset(bundled, tmp_path):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    records = {k: v.reset_index().to_dict("records") for k, v in tables.items()}
    from_records = bundled.add_regions(**records)
    for key, table in tables.items():
        table.to_csv(tmp_path / f"{key}.csv")
    from_csv = bundled.add_regions(*(tmp_path / f"{k}.csv" for k in ("regions", "impacts")),
                                   curves=tmp_path / "curves.csv")
    from_frames = bundled.add_regions(**tables)
    assert from_records == from_frames == from_csv


def test_added_regions_in_another_money_unit_are_converted(bundled):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    impacts = tables["impacts"].copy()
    impacts["capacity"] *= 1000          # Rp juta
    impacts[list(bundled.metrics)] /= 1000  # every metric per Rp juta
    curves = tables["curves"].copy()
    curves["width"] *= 1000
    data = bundled.add_regions(tables["regions"], impacts, curves=curves, money_unit="Rp juta")
    got = data.impacts.xs("Aceh Baru", level="region")
    want = bundled.impacts.xs("Aceh", level="region")
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.update({k: v.rename(index={"Aceh Baru": "Bali"}) for k, v in t.items()}),
         "['Bali'] already exist"),
        (lambda t: t.update(regions=t["regions"].assign(kti="no")), "column 'kti'"),
        (lambda t: t.update(regions=t["regions"].assign(ump_2024="3,5 juta")),
         "column 'ump_2024'"),
        (lambda t: t.update(regions=t["regions"].drop(columns="kti")), "lacks column(s) ['kti']"),
        (lambda t: t.update(regions=t["regions"].assign(zone=1)), "column(s) ['zone']"),
        (lambda t: t.update(impacts=t["impacts"].drop(columns="value_added")),
         "lacks column(s) ['value_added']"),
        (lambda t: t.update(impacts=t["impacts"].assign(co2=1.0)), "metrics"),
        (lambda t: t.update(impacts=t["impacts"].assign(jobs=-1.0)), "jobs"),
        (lambda t: t.update(regions=t["regions"].assign(population=0)), "population"),
        (lambda t: t.update(impacts=[1, 2]), "list of records"),
        (lambda t: t.update(impacts="no/such/file.csv"), "does not exist"),
        (lambda t: t.update(impacts=t["impacts"].rename(index={"training": "trainig"},
                                                        level="program")), "trainig"),
    ],
    ids=["exists", "text-for-bool", "text-for-number", "missing-col", "extra-col",
         "missing-metric", "extra-metric", "negative", "population", "not-a-table", "no-file",
         "unknown-program"],
)
def test_bad_added_regions_are_refused_by_name(bundled, change, message):
    tables = new_province(bundled, "Aceh", "Aceh Baru")
    change(tables)
    with pytest.raises(ik.DataError) as err:
        bundled.add_regions(**tables)
    text = str(err.value) + err.value.failure_cases.to_string()
    assert "add_regions" in str(err.value) and message in text
