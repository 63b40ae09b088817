"""The SYNTHETIC regency x sector x program x year dataset."""

from __future__ import annotations

import ikmopt as ik


def test_synthetic_is_deterministic_and_valid() -> None:
    a = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=3)
    b = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=3)
    c = ik.datasets.synthetic(n_regions=60, n_programs=4, n_sectors=3, n_years=2, seed=4)
    assert a == b
    assert not a.impacts.equals(c.impacts)
    assert a.levels == ("region", "program", "sector", "year")
    assert a.n_cells == 60 * 4 * 3 * 2
    regions = a.regions
    # every regency has a parent province, provinces hold several regencies, KTI by island
    assert regions["province"].notna().all()
    assert regions.groupby("province").size().max() > 1
    assert set(regions.loc[regions["kti"], "island_group"]).isdisjoint({"Sumatera", "Jawa"})
    assert "SYNTHETIC" in a.description
    # heavy tails: the largest regency is far above the median
    pop = regions["population"]
    assert pop.max() > 5 * pop.median()


def test_full_size_shape() -> None:
    data = ik.datasets.synthetic()
    assert data.n_cells == 514 * 8 * 24 * 5
    assert len(data.regions) == 514 and data.regions["province"].nunique() == 38
