"""The bundled regency dataset: real kabupaten/kota, province data split by a stated rule."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.datasets.regencies import (
    POVERTY,
    PROVINCE_COLUMNS,
    REGENCY_KEYS,
    SHARED_COLUMNS,
    build_table,
)

#: The public facts the table was built from (beside the repository in this workplace; a
#: fresh clone in CI has no ``../shared``, so those tests skip and the checksums still run).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "regencies"
FOLDER = resources.files("ikmopt.data.datasets") / "indonesia_regencies"

#: sha256 of the bundled files as reviewed (rebuild with ``build_table`` and update both
#: the file and this constant on purpose, never one without the other).
CHECKSUMS = {
    "regencies.csv": "92540847034234de364d43f4c5549ed0f9a6800c01c3303cbc7a17395dbf6c46",
    "sources.csv": "065398655fbba9756bd68c5d0bc4daf5db4bc906f017c17aef1b5818339addca",
}

needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="no ../shared/data/regencies")


@pytest.fixture(scope="module")
def regencies() -> ik.Dataset:
    return ik.datasets.load("indonesia-regencies")


@pytest.fixture(scope="module")
def provinces() -> ik.Dataset:
    return ik.datasets.load("indonesia-provinces")


def _bundled_text() -> pd.DataFrame:
    with FOLDER.joinpath("regencies.csv").open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_bundled_file_checksum(name: str) -> None:
    digest = hashlib.sha256(FOLDER.joinpath(name).read_bytes()).hexdigest()
    assert digest == CHECKSUMS[name]


@needs_shared
def test_bundled_columns_equal_the_shared_file() -> None:
    shared = pd.read_csv(SHARED / "regencies.csv", dtype=str, keep_default_na=False)
    bundled = _bundled_text()
    for source, column in SHARED_COLUMNS.items():
        assert bundled[column].tolist() == shared[source].tolist(), column
    poverty = pd.read_csv(SHARED / "regency_poverty_year_unstated.csv", dtype=str,
                          keep_default_na=False).set_index("kemendagri_code")[POVERTY[0]]
    assert bundled[POVERTY[1]].tolist() == poverty.loc[bundled["kemendagri_code"]].tolist()


@needs_shared
def test_build_table_reproduces_the_bundled_file(provinces: ik.Dataset) -> None:
    rebuilt = build_table(SHARED, provinces.regions).astype(str)
    pd.testing.assert_frame_equal(rebuilt, _bundled_text())


def test_514_regencies_in_38_provinces(regencies: ik.Dataset, provinces: ik.Dataset) -> None:
    regions = regencies.regions
    assert len(regions) == 514 and regencies.n_cells == 514 * 6
    assert (regions["kind"] == "kota").sum() == 98
    assert set(regions["province"]) == set(provinces.regions.index)
    counts = regions.groupby("province").size()
    assert counts.reindex(provinces.regions.index).tolist() == \
        provinces.regions["kab_kota"].tolist()


def test_population_sums_to_the_province_totals(regencies: ik.Dataset,
                                                 provinces: ik.Dataset) -> None:
    sums = regencies.regions.groupby("province")["population"].sum()
    pd.testing.assert_series_equal(sums.reindex(provinces.regions.index),
                                   provinces.regions["population"], check_names=False)
    assert sums.sum() == 284_973_643  # Dukcapil 31 Dec 2024 national total


def test_province_flags_are_carried_down(regencies: ik.Dataset, provinces: ik.Dataset) -> None:
    regions = regencies.regions
    parent = provinces.regions.loc[regions["province"]]
    for column in PROVINCE_COLUMNS:
        assert regions[column].tolist() == parent[column].tolist(), column
    assert regions["province_kemendagri_code"].tolist() == parent["kemendagri_code"].tolist()


def test_codes_are_unique_text_and_looked_up(regencies: ik.Dataset,
                                            provinces: ik.Dataset) -> None:
    regions = regencies.regions
    for column in ("kemendagri_code", "bps_code"):
        assert regions[column].is_unique, column
    assert regions["kemendagri_code"].str.fullmatch(r"\d{2}\.\d{2}").all()
    assert regions["bps_code"].str.fullmatch(r"\d{4}").all()
    # BPS numbers the regencies differently from Kemendagri in many provinces
    # (SOURCES.md: Aceh Selatan is 11.01 and 1103, Simeulue 11.09 and 1101).
    assert regions.loc["Kabupaten Aceh Selatan", ["kemendagri_code", "bps_code"]].tolist() == \
        ["11.01", "1103"]
    assert regions.loc["Kabupaten Simeulue", ["kemendagri_code", "bps_code"]].tolist() == \
        ["11.09", "1101"]
    naive = regions["kemendagri_code"].str.replace(".", "", regex=False)
    assert (naive != regions["bps_code"]).sum() > 100
    # the BPS province prefix is the province's BPS code (92 for Papua Barat Daya, not 96)
    parent = provinces.regions.loc[regions["province"]]
    assert (regions["bps_code"].str[:2] == parent["bps_code"].to_numpy()).all()
    assert regions["kemendagri_code"].str[:2].tolist() == parent["kemendagri_code"].tolist()
    assert set(regions.loc[regions["province"] == "Papua Barat Daya", "kemendagri_code_2022"]
               .str[:2]) == {"92"}


def _by_province(data: ik.Dataset, column: str) -> pd.Series:
    frame = data.impacts[column].rename_axis(["region", "program"]).reset_index()
    frame["province"] = data.regions["province"].reindex(frame["region"]).to_numpy()
    return frame.groupby(["province", "program"], sort=False)[column].sum()


def test_capacities_conserve_the_province_capacities(regencies: ik.Dataset,
                                                     provinces: ik.Dataset) -> None:
    sums = _by_province(regencies, "capacity")
    expected = provinces.impacts["capacity"].rename_axis(["province", "program"])
    np.testing.assert_allclose(sums.reindex(expected.index), expected, rtol=1e-12)


def test_capacity_keys(regencies: ik.Dataset, provinces: ik.Dataset) -> None:
    cap = regencies.impacts["capacity"].unstack("program")
    regions = regencies.regions.loc[cap.index]
    share = cap / cap.groupby(regions["province"]).transform("sum")
    population = regions["population"] / regions.groupby("province")["population"] \
        .transform("sum")
    splits = ik.datasets.facts().capacities["split"]
    for program, split in splits.items():
        key = REGENCY_KEYS[split]
        expected = (1 / regions.groupby("province")["population"].transform("size")
                    if key == "equal" else population)
        np.testing.assert_allclose(share[program], expected, rtol=1e-12, err_msg=program)


def test_coefficients_are_the_provinces(regencies: ik.Dataset, provinces: ik.Dataset) -> None:
    metrics = [m for m in regencies.metrics if m != "capacity"]
    parent = regencies.regions["province"].reindex(
        regencies.impacts.index.get_level_values("region")).to_numpy()
    programs = regencies.impacts.index.get_level_values("program")
    expected = provinces.impacts.loc[list(zip(parent, programs, strict=True)), metrics]
    np.testing.assert_array_equal(regencies.impacts[metrics].to_numpy(), expected.to_numpy())


def test_curves_keep_the_segment_shares(regencies: ik.Dataset) -> None:
    curves = regencies.curves.relative()
    np.testing.assert_allclose(curves["share"].unstack("segment").to_numpy(),
                               np.tile([0.5, 0.3, 0.2], (regencies.n_cells, 1)))
    np.testing.assert_allclose(curves["factor"].unstack("segment").to_numpy(),
                               np.tile([1.0, 0.75, 0.5], (regencies.n_cells, 1)))


def test_listed_illustrative_and_sourced(regencies: ik.Dataset) -> None:
    assert "indonesia-regencies" in ik.datasets.list().index
    assert regencies.illustrative
    sources = regencies.sources
    regions = sources[sources["table"] == "regions"]
    assert set(regencies.regions.columns) | {"region"} == set(regions["column"])
    poverty = regions.set_index("column").loc[POVERTY[1]]
    assert "NOT STATED" in poverty["definition"] and "OLD province" in poverty["note"]
    assert sources.set_index(["table", "column"]).loc[("impacts", "capacity"), "note"] \
        .startswith("ILLUSTRATIVE")


def test_program_tables_are_the_provinces() -> None:
    assert ik.datasets.pots("indonesia-regencies").equals(ik.datasets.pots())
    assert ik.datasets.targets("indonesia-regencies").equals(ik.datasets.targets())
    with pytest.raises(ik.DataError, match="provinces only"):
        ik.datasets.load("indonesia-regencies", projects=True)


def test_default_policy_floor_per_regency_is_infeasible(regencies: ik.Dataset) -> None:
    # 0.5 % of the budget for each of 514 regencies is 257 % of it: the default policy
    # for regency data puts the floor on provinces
    with pytest.raises(ik.InfeasibleError):
        ik.optimize(regencies, ik.default_policy())
    rule = ik.default_policy(data=regencies).constraints[0]
    assert isinstance(rule, ik.RegionBounds) and rule.by == "province"
    assert ik.default_policy(data=ik.datasets.load()).constraints[0].by == "region"


def _province_floor(data: ik.Dataset) -> ik.Policy:
    """The default policy for regency data: its 0.5 % floor per province."""
    return ik.default_policy(data=data)


def test_province_rules_solve_and_match_the_province_plan(regencies: ik.Dataset,
                                                          provinces: ik.Dataset) -> None:
    result = ik.optimize(regencies, _province_floor(regencies))
    by = result.by("province")
    assert len(by) == 38
    budget = ik.default_policy().budget.total
    assert by["spend"].min() >= 0.005 * budget - 1e-6
    spend = result.by("region")["spend"]
    assert (spend <= regencies.impacts["capacity"].groupby("region").sum()
            .reindex(spend.index) + 1e-6).all()
    kti = spend[regencies.regions.loc[spend.index, "kti"].to_numpy()].sum()
    assert kti >= 0.40 * spend.sum() - 1e-6
    # coefficients equal and capacities and curves split in proportion: the regency
    # model aggregates exactly to the province model, so their optima agree
    reference = ik.optimize(provinces, ik.default_policy(data=provinces))
    for metric in ("jobs", "value_added"):
        assert result.outcomes[metric] == pytest.approx(reference.outcomes[metric], rel=1e-6)
    np.testing.assert_allclose(by["spend"].reindex(reference.by("region").index).sum(),
                               reference.by("region")["spend"].sum(), rtol=1e-9)
