"""Derive the bundled dataset's ILLUSTRATIVE impact coefficients and capacities.

The rule uses only public facts (BPS IMK establishments, workers and value added per
province; the 2024 provincial minimum wage) and the per-program assumptions in the programs
table (``cost_per_unit_million``, ``job_gain_per_unit``, ``va_gain``, ``coverage``,
``base_capacity_bn``). The numbers it produces are **illustrative defaults**, meant to be
replaced by an analyst's own estimates. For province ``r`` and program ``p``:

* unit size ``w_r = imk_workers / imk_establishments`` (workers per IKM unit) and its
  national value ``w̄``; value added per worker ``v_r = imk_value_added_million_rp /
  imk_workers`` (Rp million);
* delivery cost index ``k_r = 0.5 + 0.5 * ump_2024_r / ump_national`` (half of a program's
  cost scales with local wages; ``ump_national`` = Rp 3,125,999);
* units reached per Rp bn ``u_rp = 1000 / (cost_per_unit_million_p * k_r)``;
* ``jobs_rp = u_rp * job_gain_per_unit_p * w_r / w̄``;
* ``value_added_rp = u_rp * v_r / 1000 * (va_gain_p * w_r + job_gain_per_unit_p * w_r / w̄)``
  (Rp bn a year: the productivity gain on the unit's workforce plus the output of the new
  jobs);
* ``capacity_rp = max(base_capacity_bn_p,
  coverage_p * imk_establishments_r * cost_per_unit_million_p * k_r / 1000)`` (Rp bn).

Returns diminish within each cell (:func:`default_curves`): the first half of a cell's
capacity earns its full coefficients, the next 30 % earns 75 % of them and the last 20 %
earns 50 % — the best-prepared IKM units are reached first. This, too, is an illustrative
default.

Candidate discrete projects (:func:`example_projects`, loaded with
``ik.datasets.load(..., projects=True)``) are one new sentra IKM per province, also
ILLUSTRATIVE: cost ``SENTRA_COST_BN * k_r`` (Rp 7 bn is the DAK fisik IKM of 2023 per
recipient region, Rp 395 bn for 56 regions), ``SENTRA_UNITS`` IKM units housed (270,197 units
in 12,186 sentra in 2017), ``SENTRA_JOBS_PER_UNIT`` new jobs per unit at the national unit
size, so ``jobs_r = 22 * 5 * w_r / w̄`` and ``value_added_r = jobs_r * v_r / 1000`` (Rp bn a
year: the output of the new jobs at local productivity).

Run ``python -m ikmopt.datasets`` to print the derived table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CURVE_FACTORS", "CURVE_SHARES", "NATIONAL_UMP_2024", "SENTRA_COST_BN",
           "SENTRA_JOBS_PER_UNIT", "SENTRA_UNITS", "default_curves", "derive_impacts",
           "example_projects"]

#: Share of a cell's capacity in each segment of the default curves, and their factors.
CURVE_SHARES = (0.5, 0.3, 0.2)
CURVE_FACTORS = (1.0, 0.75, 0.5)

#: National UMP figure for 2024 given by the UMP source (Rp per month).
NATIONAL_UMP_2024 = 3_125_999.0

#: Example projects (ILLUSTRATIVE): cost of a new sentra IKM at the national cost level
#: (DAK fisik IKM 2023 per recipient region, Rp 395 bn / 56), units it houses (270,197 units
#: in 12,186 sentra, 2017) and new jobs per housed unit (an assumption).
SENTRA_COST_BN = 7.0
SENTRA_UNITS = 22
SENTRA_JOBS_PER_UNIT = 5.0


def _region_factors(regions: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit size relative to the national one, value added per worker (Rp million), cost index."""
    establishments = regions["imk_establishments"].to_numpy(dtype=float)
    workers = regions["imk_workers"].to_numpy(dtype=float)
    value_added = regions["imk_value_added_million_rp"].to_numpy(dtype=float)
    size_ratio = (workers / establishments) / (workers.sum() / establishments.sum())
    cost_index = 0.5 + 0.5 * regions["ump_2024"].to_numpy(dtype=float) / NATIONAL_UMP_2024
    return size_ratio, value_added / workers, cost_index


def example_projects(regions: pd.DataFrame) -> pd.DataFrame:
    """ILLUSTRATIVE candidate projects: one new sentra IKM per province (module docstring).

    Parameters
    ----------
    regions : pandas.DataFrame
        Indexed by region, with ``bps_code`` and the columns :func:`derive_impacts` reads.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``project`` (``sentra-<bps_code>``), with ``region``, ``program``
        (``sentra``), ``type``, ``cost`` (Rp bn), ``jobs`` and ``value_added`` (Rp bn a year).
    """
    size_ratio, va_per_worker, cost_index = _region_factors(regions)
    jobs = SENTRA_UNITS * SENTRA_JOBS_PER_UNIT * size_ratio
    index = pd.Index("sentra-" + regions["bps_code"].astype(str), name="project")
    return pd.DataFrame(
        {
            "region": regions.index.to_numpy(),
            "program": "sentra",
            "type": "new sentra IKM",
            "cost": SENTRA_COST_BN * cost_index,
            "jobs": jobs,
            "value_added": jobs * va_per_worker / 1000.0,
        },
        index=index,
    )


def derive_impacts(regions: pd.DataFrame, programs: pd.DataFrame) -> pd.DataFrame:
    """Return the impacts table (``jobs``, ``value_added``, ``capacity``) by the rule above.

    Parameters
    ----------
    regions : pandas.DataFrame
        Indexed by region, with ``imk_establishments``, ``imk_workers``,
        ``imk_value_added_million_rp`` and ``ump_2024``.
    programs : pandas.DataFrame
        Indexed by program, with the five assumption columns named in the module docstring.
    """
    establishments = regions["imk_establishments"].to_numpy(dtype=float)
    unit_size = regions["imk_workers"].to_numpy(dtype=float) / establishments
    relative_size, va_per_worker, cost_index = _region_factors(regions)

    cost = programs["cost_per_unit_million"].to_numpy(dtype=float)
    job_gain = programs["job_gain_per_unit"].to_numpy(dtype=float)
    va_gain = programs["va_gain"].to_numpy(dtype=float)
    coverage = programs["coverage"].to_numpy(dtype=float)
    base = programs["base_capacity_bn"].to_numpy(dtype=float)

    # region x program grids (outer products), flattened in region-major order
    units_per_bn = 1000.0 / np.outer(cost_index, cost)
    size_ratio = relative_size[:, None]
    jobs = units_per_bn * job_gain[None, :] * size_ratio
    va = (
        units_per_bn
        * (va_per_worker / 1000.0)[:, None]
        * (va_gain[None, :] * unit_size[:, None] + job_gain[None, :] * size_ratio)
    )
    capacity = np.maximum(
        base[None, :],
        coverage[None, :] * np.outer(establishments * cost_index, cost) / 1000.0,
    )
    index = pd.MultiIndex.from_product(
        [regions.index, programs.index], names=["region", "program"]
    )
    return pd.DataFrame(
        {"jobs": jobs.ravel(), "value_added": va.ravel(), "capacity": capacity.ravel()},
        index=index,
    )


def default_curves(impacts: pd.DataFrame) -> pd.DataFrame:
    """ILLUSTRATIVE diminishing returns: three segments per cell (see the module docstring).

    Parameters
    ----------
    impacts : pandas.DataFrame
        Indexed by the cell levels, with ``capacity``.

    Returns
    -------
    pandas.DataFrame
        The curves table: cell levels and ``segment`` as index, ``width`` and ``factor``.
    """
    k = len(CURVE_SHARES)
    cells = impacts.index.repeat(k)
    frame = cells.to_frame(index=False)
    frame["segment"] = np.tile(np.arange(1, k + 1), len(impacts))
    frame["width"] = np.repeat(impacts["capacity"].to_numpy(), k) * np.tile(CURVE_SHARES,
                                                                              len(impacts))
    frame["factor"] = np.tile(CURVE_FACTORS, len(impacts))
    return frame.set_index([*impacts.index.names, "segment"])


#: Relative spread (sigma of the lognormal multiplier) of each program's coefficients in the
#: bundled example; downstream processing has no public cost or gain figure at all.
EXAMPLE_SPREAD = {"downstream": 0.5}
#: Default spread of the other programs ("often 30 % off or worse").
EXAMPLE_DEFAULT_SPREAD = 0.3
#: Share of a program's error that is common to every province (one factor per program).
EXAMPLE_CORRELATION = 0.6


def example_uncertainty(programs: pd.DataFrame) -> pd.DataFrame:
    """ILLUSTRATIVE uncertainty table for the bundled data (``load(uncertainty=True)``).

    * Jobs and value added per Rp bn: a lognormal multiplier with mean 1 and sigma 0.3 (0.5
      for downstream processing, which has no public cost figure), 60 % of the variance
      shared by every province for the same program (a program's estimate tends to be
      wrong everywhere at once). These spreads are assumptions, not estimates.
    * Realization (share of the allocation actually spent): DAK fisik cells triangular on
      [0.75, 0.95] with mode 0.86, the middle of the DAK IKM realization of 82.72 % (2022) and
      88.46 % (2023), half the variance common to the channel; other channels, for which no
      realization figure was found, triangular on [0.8, 1.0] with mode 0.92 (an assumption).
    """
    rows = []
    for program in programs.index:
        spread = EXAMPLE_SPREAD.get(program, EXAMPLE_DEFAULT_SPREAD)
        for metric in ("jobs", "value_added"):
            rows.append({"metric": metric, "program": program, "distribution": "lognormal",
                         "mean": 1.0, "spread": spread, "correlation": EXAMPLE_CORRELATION,
                         "correlated_by": "program"})
    for channel in programs["channel"].unique():
        dak = channel == "DAK fisik"
        rows.append({"metric": "realization", "channel": channel,
                     "distribution": "triangular", "low": 0.75 if dak else 0.8,
                     "mode": 0.86 if dak else 0.92, "high": 0.95 if dak else 1.0,
                     "correlation": 0.5, "correlated_by": "channel"})
    return pd.DataFrame(rows, columns=["metric", "program", "channel", "distribution", "low",
                                       "mode", "high", "mean", "spread", "correlation",
                                       "correlated_by"])
