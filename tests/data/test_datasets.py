"""The bundled dataset: public facts carried faithfully, illustrative numbers labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.datasets.derive import derive_impacts
from ikmopt.model.defaults import DEFAULT_BUDGET

#: The public facts the dataset was built from (beside the repository in this workplace).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "provinces.csv"
REGENCIES = SHARED.parent / "regencies" / "regencies.csv"


def test_list_names_the_bundled_dataset() -> None:
    listing = ik.datasets.list()
    assert "indonesia-provinces" in listing.index
    assert "ILLUSTRATIVE" in listing.loc["indonesia-provinces", "description"]


def test_unknown_dataset_suggests_the_right_name() -> None:
    with pytest.raises(ik.DataError, match="indonesia-provinces"):
        ik.datasets.load("indonesia-province")


def test_all_38_provinces_with_facts(provinces: ik.Dataset) -> None:
    regions = provinces.regions
    assert len(regions) == 38
    assert regions["population"].sum() == 284_973_643  # Dukcapil Dec 2024 national total
    assert int(regions["kti"].sum()) == 22 and int(regions["kti_narrow"].sum()) == 17
    assert regions["imk_establishments"].sum() == 4_461_888
    assert regions["imk_workers"].sum() == 9_484_645
    assert set(regions["island_group"]) == {
        "Sumatera", "Jawa", "Bali-Nusa Tenggara", "Kalimantan", "Sulawesi", "Maluku", "Papua",
    }
    # BPS and Kemendagri number the Papua provinces differently
    papua = regions.loc[
        ["Papua", "Papua Barat", "Papua Pegunungan"], ["bps_code", "kemendagri_code"]
    ]
    assert papua.to_dict("index") == {
        "Papua": {"bps_code": "94", "kemendagri_code": "91"},
        "Papua Barat": {"bps_code": "91", "kemendagri_code": "92"},
        "Papua Pegunungan": {"bps_code": "97", "kemendagri_code": "95"},
    }


def test_regions_match_the_shared_public_facts(provinces: ik.Dataset) -> None:
    if not SHARED.is_file():
        pytest.skip(f"the gathered facts {SHARED} are not beside this checkout")
    shared = pd.read_csv(SHARED, dtype={"bps_code": str}).set_index("name")
    ours = provinces.regions
    for column in ["population", "poverty_rate_pct", "imk_establishments", "imk_workers",
                   "imk_value_added_million_rp", "ump_2024"]:
        np.testing.assert_allclose(
            ours[column].to_numpy(dtype=float), shared.loc[ours.index, column].to_numpy(dtype=float)
        )
    assert (ours["bps_code"] == shared.loc[ours.index, "bps_code"]).all()
    if REGENCIES.is_file():  # kab_kota: the regencies of each province, joined by BPS code
        regencies = pd.read_csv(REGENCIES, dtype={"bps_code": str})
        count = regencies.groupby(regencies["bps_code"].str[:2]).size()
        assert (ours["kab_kota"] == count.loc[ours["bps_code"]].to_numpy()).all()
        assert ours["kab_kota"].sum() == 514


def test_every_column_has_a_source(provinces: ik.Dataset) -> None:
    sources = provinces.sources
    documented = set(zip(sources["table"], sources["column"], strict=True))
    for column in provinces.regions.columns:
        assert ("regions", column) in documented, column
    for column in provinces.programs.columns:
        assert ("programs", column) in documented, column
    for column in provinces.impacts.columns:
        assert ("impacts", column) in documented, column
    for column in ["jobs", "value_added", "capacity"]:
        row = sources[(sources["table"] == "impacts") & (sources["column"] == column)]
        assert "ILLUSTRATIVE" in row["note"].iloc[0]
    assert sources["source"].notna().all()


def test_six_programs_each_with_a_channel_and_an_indicator(provinces: ik.Dataset) -> None:
    programs = provinces.programs
    assert list(programs.index) == [
        "machines", "training", "sentra", "certification", "digital", "downstream"
    ]
    assert set(programs["channel"]) == {"APBN pusat", "Tugas Pembantuan", "DAK fisik"}
    assert list(programs["indicator"]) == ["firms_restructured", "wub", "sentra",
                                           "certificates", "firms_onboarded", "processing_units"]
    assert set(programs["indicator"]) <= set(provinces.metrics)


def test_derivation_is_reproducible(provinces: ik.Dataset) -> None:
    again = derive_impacts(provinces.regions, provinces.programs)
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True), provinces.impacts[again.columns].reset_index(drop=True)
    )


def test_default_policy_is_feasible_and_funds_every_province(provinces: ik.Dataset) -> None:
    result = ik.optimize(provinces, ik.default_policy())
    assert result.is_optimal
    by_region = result.by("region")
    assert len(by_region) == 38
    assert (by_region["spend"] >= 0.005 * DEFAULT_BUDGET - 1e-6).all()
    kti = result.by("kti")
    assert kti.loc[True, "share"] >= 0.40 - 1e-9


def test_unknown_bundled_dataset():
    with pytest.raises(ik.DataError, match=r"'indonesia-provinsi'.*did you mean"):
        ik.datasets.load("indonesia-provinsi")
