"""A SYNTHETIC regency x program x sector x year dataset for scale work and tests.

Nothing in it is real: labels, populations, IKM counts and coefficients are drawn from
distributions chosen to have the structure of the real problem (regencies grouped under
provinces, heavy-tailed population and IKM counts, eastern provinces flagged KTI,
sector-specific coefficients, capacities that scale with local IKM counts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ikmopt.data.dataset import Dataset

__all__ = ["synthetic"]

#: KBLI 2020 manufacturing divisions C10-C33 (24 sectors).
KBLI_MANUFACTURING = [f"C{d}" for d in range(10, 34)]
_ISLANDS = ["Sumatera", "Jawa", "Bali-Nusa Tenggara", "Kalimantan", "Sulawesi", "Maluku", "Papua"]
_PROVINCES_PER_ISLAND = [10, 6, 3, 5, 6, 2, 6]  # 38, as in Indonesia since 2022
_CHANNELS = ["APBN pusat", "Tugas Pembantuan", "DAK fisik"]


def synthetic(
    n_regions: int = 514,
    n_programs: int = 8,
    n_sectors: int = 24,
    n_years: int = 5,
    seed: int | np.random.Generator = 0,
    first_year: int = 2025,
) -> Dataset:
    """Generate a valid SYNTHETIC :class:`~ikmopt.data.dataset.Dataset` for a seed.

    Parameters
    ----------
    n_regions : int, default 514
        Regencies/cities (kabupaten/kota), spread over up to 38 provinces.
    n_programs : int, default 8
        Program instruments.
    n_sectors : int, default 24
        Manufacturing sectors (KBLI C10 onwards); 0 for no sector level.
    n_years : int, default 5
        Plan years from ``first_year``; 0 for no year level.
    seed : int or numpy.random.Generator, default 0
        Same seed, same dataset.
    first_year : int, default 2025

    Returns
    -------
    Dataset
        ``regions`` with ``province``, ``island_group``, ``kti``, ``population``,
        ``poverty_rate_pct``, ``imk_establishments``; ``programs`` with ``channel``;
        ``impacts`` with ``jobs``, ``value_added`` and ``capacity`` per cell.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.datasets.synthetic(n_regions=20, n_programs=3, n_sectors=2, n_years=2).n_cells
    240
    """
    if n_regions < 1 or n_programs < 1 or n_sectors < 0 or n_years < 0:
        raise ValueError("synthetic() needs n_regions, n_programs >= 1 and n_sectors, n_years >= 0")
    if n_sectors > len(KBLI_MANUFACTURING):
        raise ValueError(f"at most {len(KBLI_MANUFACTURING)} sectors (KBLI C10-C33)")
    rng = np.random.default_rng(seed)
    regions = _regions(rng, n_regions)  # the draws happen in this order: keep it
    programs = pd.DataFrame(
        {
            "program": [f"prog{j + 1}" for j in range(n_programs)],
            "channel": [_CHANNELS[j % len(_CHANNELS)] for j in range(n_programs)],
        }
    )
    sectors = KBLI_MANUFACTURING[:n_sectors]
    years = list(range(first_year, first_year + n_years))
    jobs, value_added, capacity = _coefficients(rng, regions, n_programs,
                                                (max(n_sectors, 1), max(n_years, 1)))
    names = ["region", "program"]
    levels = [regions["region"], programs["program"]]
    if n_sectors:
        names.append("sector")
        levels.append(pd.Index(sectors))
    if n_years:
        names.append("year")
        levels.append(pd.Index(years))
    index = pd.MultiIndex.from_product(levels, names=names)
    impacts = pd.DataFrame(
        {
            "jobs": np.round(jobs, 4).ravel(),
            "value_added": np.round(value_added, 4).ravel(),
            "capacity": capacity.ravel(),
        },
        index=index,
    )
    return Dataset(
        regions,
        programs,
        impacts,
        metric_units={"jobs": "jobs", "value_added": "Rp bn per year"},
        name=f"synthetic-{n_regions}x{n_programs}x{n_sectors}x{n_years}",
        description="SYNTHETIC data for scale tests: no number in it is real.",
    )


def _regions(rng: np.random.Generator, n_regions: int) -> pd.DataFrame:
    """Regencies spread over up to 38 provinces (heavy tailed), with their attributes."""
    islands = np.repeat(_ISLANDS, _PROVINCES_PER_ISLAND)
    n_provinces = min(38, n_regions)
    province_island = islands[np.linspace(0, 37, n_provinces).round().astype(int)]
    weights = rng.dirichlet(np.full(n_provinces, 2.0))
    counts = 1 + rng.multinomial(n_regions - n_provinces, weights)
    province_of = np.repeat(np.arange(n_provinces), counts)
    provinces = np.array([f"P{i + 1:02d}" for i in range(n_provinces)])
    java = province_island[province_of] == "Jawa"
    population = np.round(rng.lognormal(np.log(350_000), 0.8, n_regions) * np.where(java, 3, 1))
    density = rng.lognormal(np.log(0.015), 0.6, n_regions) * np.where(java, 1.6, 1.0)
    establishments = np.maximum(20, np.round(population * density))
    kti = ~np.isin(province_island[province_of], ["Sumatera", "Jawa"])
    poverty = np.round(np.clip(rng.normal(10, 4, n_regions) + 8 * kti, 2, 40), 2)
    return pd.DataFrame(
        {
            "region": [f"R{i + 1:04d}" for i in range(n_regions)],
            "province": provinces[province_of],
            "island_group": province_island[province_of],
            "kti": kti,
            "population": population,
            "poverty_rate_pct": poverty,
            "imk_establishments": establishments,
        }
    )


def _coefficients(rng: np.random.Generator, regions: pd.DataFrame, n_programs: int,
                  rest: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Jobs, value added and capacity of every cell, as arrays regions x programs x rest."""
    n_regions = len(regions)
    shape = (n_regions, n_programs, *rest)
    kti = regions["kti"].to_numpy()
    program_jobs = rng.lognormal(np.log(10), 0.5, n_programs)
    program_va = rng.lognormal(np.log(0.8), 0.5, n_programs)
    sector_jobs = rng.lognormal(0, 0.35, shape[2])
    sector_va = rng.lognormal(0, 0.45, shape[2])
    sector_share = rng.dirichlet(np.full(shape[2], 1.5))
    region_eff = rng.lognormal(0, 0.3, n_regions) / np.where(kti, 1.25, 1.0)
    year_growth = 1.0 + 0.02 * np.arange(shape[3])
    noise = rng.lognormal(0, 0.15, shape)
    region = region_eff[:, None, None, None]
    jobs = region * program_jobs[None, :, None, None] * sector_jobs[None, None, :, None] * noise
    value_added = (region * program_va[None, :, None, None] * sector_va[None, None, :, None]
                   * noise * rng.lognormal(0, 0.1, shape))
    # Rp bn a program can absorb per IKM establishment and year (about Rp 0.1-0.4 million)
    coverage = rng.uniform(0.01, 0.05, n_programs) * rng.uniform(20, 80, n_programs) / 10_000
    establishments = regions["imk_establishments"].to_numpy()
    capacity = (
        establishments[:, None, None, None]
        * sector_share[None, None, :, None]
        * coverage[None, :, None, None]
        * year_growth[None, None, None, :]
    )
    return jobs, value_added, np.round(np.maximum(capacity, 0.01), 4)
