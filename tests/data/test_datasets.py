"""The bundled dataset: public facts carried faithfully, illustrative numbers labelled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.datasets.derive import NATIONAL_UMP_2024, derive_impacts

#: The public facts the dataset was built from (beside the repository in this workplace).
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "provinces.csv"


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


def test_every_column_has_a_source(provinces: ik.Dataset) -> None:
    sources = provinces.sources
    documented = set(zip(sources["table"], sources["column"], strict=True))
    for column in provinces.regions.columns:
        assert ("regions", column) in documented, column
    for column in ["name", "channel", "cost_per_unit_million", "job_gain_per_unit", "va_gain",
                   "coverage", "base_capacity_bn"]:
        assert ("programs", column) in documented, column
    for column in ["jobs", "value_added", "capacity"]:
        row = sources[(sources["table"] == "impacts") & (sources["column"] == column)]
        assert "ILLUSTRATIVE" in row["note"].iloc[0]
    assert sources["source"].notna().all()


def test_six_programs_each_with_a_channel(provinces: ik.Dataset) -> None:
    programs = provinces.programs
    assert list(programs.index) == [
        "machines", "training", "sentra", "certification", "digital", "downstream"
    ]
    assert set(programs["channel"]) == {"APBN pusat", "Tugas Pembantuan", "DAK fisik"}
    assert programs["basis"].str.contains("ILLUSTRATIVE").all()


def test_derivation_rule_recomputed_by_hand(provinces: ik.Dataset) -> None:
    # Recompute one cell from the formula in the Data page, independently of derive_impacts
    r = provinces.regions.loc["Jawa Tengah"]
    p = provinces.programs.loc["training"]
    regions = provinces.regions
    w = r["imk_workers"] / r["imk_establishments"]
    w_bar = regions["imk_workers"].sum() / regions["imk_establishments"].sum()
    v = r["imk_value_added_million_rp"] / r["imk_workers"]
    k = 0.5 + 0.5 * r["ump_2024"] / NATIONAL_UMP_2024
    u = 1000 / (p["cost_per_unit_million"] * k)
    jobs = u * p["job_gain_per_unit"] * w / w_bar
    va = u * v / 1000 * (p["va_gain"] * w + p["job_gain_per_unit"] * w / w_bar)
    cap = max(p["base_capacity_bn"],
              p["coverage"] * r["imk_establishments"] * p["cost_per_unit_million"] * k / 1000)
    cell = provinces.impacts.loc[("Jawa Tengah", "training")]
    assert cell["jobs"] == pytest.approx(jobs)
    assert cell["value_added"] == pytest.approx(va)
    assert cell["capacity"] == pytest.approx(cap)


def test_derivation_is_reproducible(provinces: ik.Dataset) -> None:
    again = derive_impacts(provinces.regions, provinces.programs)
    pd.testing.assert_frame_equal(
        again[["jobs", "value_added", "capacity"]].reset_index(drop=True),
        provinces.impacts[["jobs", "value_added", "capacity"]].reset_index(drop=True),
    )


def test_default_policy_is_feasible_and_funds_every_province(provinces: ik.Dataset) -> None:
    result = ik.optimize(provinces, ik.default_policy())
    assert result.is_optimal
    by_region = result.by("region")
    assert len(by_region) == 38
    assert (by_region["spend"] >= 0.005 * 2500 - 1e-6).all()
    kti = result.by("kti")
    assert kti.loc[True, "share"] >= 0.40 - 1e-9


def test_unknown_bundled_dataset():
    with pytest.raises(ik.DataError, match=r"'indonesia-provinsi'.*did you mean"):
        ik.datasets.load("indonesia-provinsi")
