"""Derive the bundled dataset's impacts, capacities, curves, projects and uncertainty.

Everything is computed from five tables shipped beside ``regions.csv``, each row with its
``source`` and ``year`` (or "not found" / ASSUMPTION): ``indicators.csv`` (the ministry's
output of each program and the firm size it reaches), ``unit_costs.csv`` (Rp million per
output: central, low, high), ``conversions.csv`` (firms per output, employment and value-added
gain, survival, deadweight: central, low, high) and ``capacities.csv`` (the largest observed
or planned annual delivery, its growth allowance and the rule that splits it across
provinces). :class:`ProgrammeFacts` holds the four program tables. For province ``r`` and
program ``p``:

* cost index ``k_r = 0.5 + 0.5 * ump_2024_r / 3,125,999`` (half of a program's cost scales
  with the provincial minimum wage) and unit cost ``c_rp = c_p * k_r`` (Rp million);
* outputs per Rp bn ``o_rp = 1000 / c_rp``: the **indicator** metric of program ``p``
  (``firms_restructured``, ``wub``, ``sentra``, ``certificates``, ``firms_onboarded``,
  ``processing_units``), zero on the other programs' cells;
* workers per firm ``W_r`` of the program's firm size (BPS IMK ``imk_workers_micro /
  imk_establishments_micro`` or the same for small firms) and value added per worker ``v*_r``
  (``imk_value_added_million_rp / imk_workers``, Rp million) shrunk half-way toward the
  national median of the provinces (:data:`SHRINKAGE`), so that productivity alone does not
  decide the plan. Papua Pegunungan's IMK ratios (232 establishments, 3.98 workers each, the
  highest value added per worker in the country) are **pooled** with Papua, the province it
  was split from in 2022 (:data:`POOLED`);
* ``jobs_rp = o_rp * F_p * W_r * employment_gain_p * survival_p * (1 - deadweight_p)`` and
  ``value_added_rp = o_rp * F_p * W_r * v*_r * va_gain_p * survival_p * (1 - deadweight_p)
  / 1000`` (Rp bn a year), with ``F_p`` firms per output;
* capacity: the national delivery ``observed_p * growth_allowance_p`` (outputs a year) split
  across provinces in proportion to the program's ``split`` column (small or all IMK
  establishments, the poor population, the number of kabupaten/kota), times ``c_rp / 1000``
  (Rp bn).

Returns diminish within each cell (:func:`default_curves`): the first half of a cell's
capacity earns its full coefficients, the next 30 % earns 75 % of them and the last 20 % earns
50 % (later outputs cost more: the best-prepared firms and regencies come first). At full
capacity a program therefore delivers ``0.825 * 1.5 = 1.24`` times the delivery its capacity
rests on.

Candidate projects (:func:`example_projects`) are one new sentra IKM per province at the
sentra unit cost, with the sentra conversions. The uncertainty table
(:func:`example_uncertainty`) is derived from the low and high ends of the same tables.
Everything derived or assumed here is ILLUSTRATIVE. Run ``python -m ikmopt.data.datasets``
to print the derived table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["CURVE_FACTORS", "CURVE_SHARES", "NATIONAL_UMP_2024", "POOLED", "QUANTITIES",
           "SHRINKAGE", "WEAK_ESTABLISHMENTS", "ProgrammeFacts", "default_curves",
           "derive_impacts", "example_projects", "example_uncertainty", "indicator_units",
           "region_factors"]

#: Share of a cell's capacity in each segment of the default curves, and their factors.
CURVE_SHARES = (0.5, 0.3, 0.2)
CURVE_FACTORS = (1.0, 0.75, 0.5)

#: National UMP figure for 2024 given by the UMP source (Rp per month).
NATIONAL_UMP_2024 = 3_125_999.0

#: Weight of the national median in a province's value added per worker (half and half).
SHRINKAGE = 0.5

#: Provinces whose IMK ratios are pooled with another's (Papua Pegunungan, 232 establishments
#: and 3.98 workers each, was part of Papua until 2022).
POOLED = {"Papua Pegunungan": "Papua"}

#: Provinces with fewer IMK establishments than this have weak ratios (flagged, not changed).
WEAK_ESTABLISHMENTS = 10_000

#: The conversion quantities, in the order they multiply.
QUANTITIES = ("firms_per_output", "employment_gain", "va_gain", "survival", "deadweight")

#: Share of a program's error common to every province in the uncertainty table (the ranges
#: are national, so most of a program's error is shared; an ASSUMPTION).
UNCERTAINTY_CORRELATION = 0.8

#: Realisation (share of an allocation spent), triangular (low, mode, high) by channel:
#: DAK fisik IKM 82.72 % (2022) and 88.46 % (2023); Ditjen IKMA 98.68 % and dekonsentrasi
#: 97.97 % (2022), restructuring 87 % (2014) for the other channels.
REALISATION = {"DAK fisik": (0.75, 0.86, 0.95), "other": (0.87, 0.98, 1.0)}

_TABLES = ("indicators", "unit_costs", "conversions", "capacities")


@dataclass(frozen=True)
class ProgrammeFacts:
    """The four program tables the derivation reads (see the module docstring).

    Attributes
    ----------
    indicators : pandas.DataFrame
        By program: ``metric`` (the indicator), ``output``, ``unit``, ``firm_size``
        (``micro`` or ``small``), ``year``, ``source``.
    unit_costs : pandas.DataFrame
        By program: ``central``, ``low``, ``high`` (Rp million per output), ``year``,
        ``source``.
    conversions : pandas.DataFrame
        By (program, quantity): ``central``, ``low``, ``high``, ``year``, ``source``.
    capacities : pandas.DataFrame
        By program: ``observed`` (outputs a year), ``growth_allowance``, ``split`` (a regions
        column, or ``poor_population``), ``year``, ``source``.
    """

    indicators: pd.DataFrame
    unit_costs: pd.DataFrame
    conversions: pd.DataFrame
    capacities: pd.DataFrame

    @classmethod
    def read(cls, folder: str = "indonesia_provinces") -> ProgrammeFacts:
        """Read the tables of a bundled dataset folder."""
        where = resources.files(__package__) / folder
        tables = {name: pd.read_csv(where / f"{name}.csv", dtype={"year": str})
                  for name in _TABLES}
        keys = {"conversions": ["program", "quantity"]}
        return cls(**{name: t.set_index(keys.get(name, "program")) for name, t in
                      tables.items()})

    def central(self, quantity: str) -> pd.Series:
        """Central value of a conversion quantity, by program."""
        return self.conversions.xs(quantity, level="quantity")["central"]

    def at(self, program: str, quantity: str, end: Literal["low", "high"]) -> ProgrammeFacts:
        """A copy with one number at its low or high end, for sensitivity re-solves.

        ``quantity`` is ``"unit_cost"`` or one of :data:`QUANTITIES`.
        """
        if quantity == "unit_cost":
            costs = self.unit_costs.copy()
            costs.loc[program, "central"] = costs.loc[program, end]
            return replace(self, unit_costs=costs)
        conversions = self.conversions.copy()
        conversions.loc[(program, quantity), "central"] = conversions.loc[(program, quantity),
                                                                          end]
        return replace(self, conversions=conversions)


def indicator_units(facts: ProgrammeFacts) -> dict[str, str]:
    """Unit of every indicator metric (``{"wub": "new entrepreneurs", ...}``)."""
    table = facts.indicators
    return dict(zip(table["metric"], table["unit"], strict=True))


def _pooled(regions: pd.DataFrame, column: str, pooled: Mapping[str, str]) -> np.ndarray:
    """A regions column with each pooled province given its pool's total."""
    values = regions[column].astype(float).copy()
    for province, partner in pooled.items():
        if province in values.index and partner in values.index:
            values[province] = values[province] + values[partner]
    return values.to_numpy()


def region_factors(regions: pd.DataFrame, *, shrinkage: float = SHRINKAGE,
                   pooled: Mapping[str, str] = POOLED) -> pd.DataFrame:
    """Per province: cost index, workers per micro and small firm, value added per worker.

    Parameters
    ----------
    regions : pandas.DataFrame
    shrinkage : float, default :data:`SHRINKAGE`
        Weight of the national median in ``va_per_worker_shrunk`` (0: the province's own).
    pooled : mapping, default :data:`POOLED`
        Provinces whose IMK ratios are computed from their own and a partner's totals.

    Returns
    -------
    pandas.DataFrame
        Indexed by region: ``cost_index``, ``workers_micro``, ``workers_small``,
        ``va_per_worker`` (pooled, Rp million), ``va_per_worker_shrunk`` and ``weak`` (fewer
        than :data:`WEAK_ESTABLISHMENTS` IMK establishments, or pooled).
    """
    def ratio(numerator: str, denominator: str) -> np.ndarray:
        return _pooled(regions, numerator, pooled) / _pooled(regions, denominator, pooled)

    va = ratio("imk_value_added_million_rp", "imk_workers")
    return pd.DataFrame(
        {
            "cost_index": 0.5 + 0.5 * regions["ump_2024"].to_numpy(float) / NATIONAL_UMP_2024,
            "workers_micro": ratio("imk_workers_micro", "imk_establishments_micro"),
            "workers_small": ratio("imk_workers_small", "imk_establishments_small"),
            "va_per_worker": va,
            "va_per_worker_shrunk": (1 - shrinkage) * va + shrinkage * np.median(va),
            "weak": (regions["imk_establishments"] < WEAK_ESTABLISHMENTS).to_numpy()
            | regions.index.isin(list(pooled)),
        },
        index=regions.index,
    )


def _split_base(regions: pd.DataFrame, column: str) -> np.ndarray:
    """The regions column a capacity is split by (``poor_population`` is computed)."""
    if column == "poor_population":
        return (regions["population"] * regions["poverty_rate_pct"] / 100).to_numpy(float)
    return regions[column].to_numpy(float)


def unit_costs(factors: pd.DataFrame, facts: ProgrammeFacts, programs: pd.Index) -> np.ndarray:
    """``c_rp``: Rp million per output, regions x programs (``factors``: :func:`region_factors`)."""
    central = facts.unit_costs.loc[programs, "central"].to_numpy(float)
    return np.outer(factors["cost_index"].to_numpy(), central)


def per_output(factors: pd.DataFrame, facts: ProgrammeFacts,
               programs: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Net jobs and value added (Rp million a year) per output, regions x programs."""
    size = facts.indicators.loc[programs, "firm_size"].to_numpy()
    workers = np.where(size == "small", factors["workers_small"].to_numpy()[:, None],
                       factors["workers_micro"].to_numpy()[:, None])
    c = {q: facts.central(q).loc[programs].to_numpy(float) for q in QUANTITIES}
    firm_workers = workers * c["firms_per_output"] * c["survival"] * (1 - c["deadweight"])
    jobs = firm_workers * c["employment_gain"]
    va = firm_workers * factors["va_per_worker_shrunk"].to_numpy()[:, None] * c["va_gain"]
    return jobs, va


def capacity_outputs(regions: pd.DataFrame, facts: ProgrammeFacts,
                     programs: pd.Index) -> np.ndarray:
    """Outputs a year each province can absorb, regions x programs."""
    table = facts.capacities.loc[programs]
    national = (table["observed"] * table["growth_allowance"]).to_numpy(float)
    bases = np.column_stack([_split_base(regions, column) for column in table["split"]])
    return bases / bases.sum(axis=0) * national


def derive_impacts(regions: pd.DataFrame, programs: pd.DataFrame,
                   facts: ProgrammeFacts | None = None, **rules: Any) -> pd.DataFrame:
    """Return the impacts table by the rule above.

    Parameters
    ----------
    regions : pandas.DataFrame
        Indexed by region, with the IMK, UMP, population, poverty and ``kab_kota`` columns.
    programs : pandas.DataFrame
        Indexed by program.
    facts : ProgrammeFacts, optional
        The program tables (default: the bundled ones).
    **rules
        ``shrinkage`` and ``pooled`` for :func:`region_factors`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (region, program): ``jobs`` (per Rp bn), ``value_added`` (Rp bn a year per
        Rp bn), one column per indicator (outputs per Rp bn, on its program's cells only) and
        ``capacity`` (Rp bn).
    """
    facts = ProgrammeFacts.read() if facts is None else facts
    factors = region_factors(regions, **rules)
    cost = unit_costs(factors, facts, programs.index)
    outputs = 1000.0 / cost
    jobs, va = per_output(factors, facts, programs.index)
    columns = {"jobs": outputs * jobs, "value_added": outputs * va / 1000.0}
    metrics = facts.indicators.loc[programs.index, "metric"].to_numpy()
    for metric in facts.indicators["metric"]:
        columns[metric] = np.where(metrics == metric, outputs, 0.0)
    columns["capacity"] = capacity_outputs(regions, facts, programs.index) * cost / 1000.0
    index = pd.MultiIndex.from_product([regions.index, programs.index],
                                       names=["region", "program"])
    return pd.DataFrame({k: v.ravel() for k, v in columns.items()}, index=index)


def example_projects(regions: pd.DataFrame, facts: ProgrammeFacts | None = None) -> pd.DataFrame:
    """ILLUSTRATIVE candidate projects: one new sentra IKM per province.

    A project costs the sentra unit cost in the province (``c_sentra * k_r``) and, once
    built, adds the sentra conversions' jobs and value added of one sentra and one to the
    ``sentra`` indicator, whatever the ``sentra`` cell receives.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``project`` (``sentra-<bps_code>``), with ``region``, ``program``
        (``sentra``), ``type``, ``cost`` (Rp bn), ``jobs``, ``value_added`` (Rp bn a year) and
        every indicator (1 for ``sentra``, 0 for the others).
    """
    facts = ProgrammeFacts.read() if facts is None else facts
    sentra = pd.Index(["sentra"])
    factors = region_factors(regions)
    jobs, va = per_output(factors, facts, sentra)
    frame = pd.DataFrame(
        {
            "region": regions.index.to_numpy(),
            "program": "sentra",
            "type": "new sentra IKM",
            "cost": unit_costs(factors, facts, sentra)[:, 0] / 1000.0,
            "jobs": jobs[:, 0],
            "value_added": va[:, 0] / 1000.0,
        },
        index=pd.Index("sentra-" + regions["bps_code"].astype(str), name="project"),
    )
    for metric in facts.indicators["metric"]:
        frame[metric] = 1.0 if metric == facts.indicators.loc["sentra", "metric"] else 0.0
    return frame


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
    frame = impacts.index.repeat(k).to_frame(index=False)
    frame["segment"] = np.tile(np.arange(1, k + 1), len(impacts))
    frame["width"] = np.repeat(impacts["capacity"].to_numpy(), k) * np.tile(CURVE_SHARES,
                                                                              len(impacts))
    frame["factor"] = np.tile(CURVE_FACTORS, len(impacts))
    return frame.set_index([*impacts.index.names, "segment"])


def _ratios(facts: ProgrammeFacts, quantity: str) -> pd.DataFrame:
    """Low/central and high/central of a factor of the outcome, by program.

    The unit cost divides the outcome and the deadweight enters as ``1 - deadweight``, so
    their low ends are read from the other end of the range.
    """
    if quantity == "unit_cost":
        t = facts.unit_costs
        return pd.DataFrame({"low": t["central"] / t["high"], "high": t["central"] / t["low"]})
    t = facts.conversions.xs(quantity, level="quantity")
    if quantity == "deadweight":
        return pd.DataFrame({"low": (1 - t["high"]) / (1 - t["central"]),
                             "high": (1 - t["low"]) / (1 - t["central"])})
    return pd.DataFrame({"low": t["low"] / t["central"], "high": t["high"] / t["central"]})


#: The factors of each metric's coefficient whose ranges the uncertainty table combines.
_FACTORS = {
    "indicator": ("unit_cost",),
    "jobs": ("unit_cost", "firms_per_output", "employment_gain", "survival", "deadweight"),
    "value_added": ("unit_cost", "firms_per_output", "va_gain", "survival", "deadweight"),
}


def multiplier_ranges(facts: ProgrammeFacts) -> pd.DataFrame:
    """Triangular multiplier (low, high; mode 1) of each program's metrics.

    Independent factors' relative deviations add in quadrature (first-order propagation of a
    product): ``low = max(0, 1 - sqrt(sum (1 - low_i)^2))``, ``high = 1 + sqrt(sum (high_i -
    1)^2)`` over the factors' ``low_i/central_i`` and ``high_i/central_i``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (program, metric) with ``low`` and ``high``; ``metric`` is ``jobs``,
        ``value_added`` or the program's indicator.
    """
    frames = []
    for metric, factors in _FACTORS.items():
        ratios = [_ratios(facts, q) for q in factors]
        low = 1 - np.sqrt(sum((1 - r["low"]) ** 2 for r in ratios))
        high = 1 + np.sqrt(sum((r["high"] - 1) ** 2 for r in ratios))
        name = facts.indicators["metric"] if metric == "indicator" else metric
        frames.append(pd.DataFrame({"metric": name, "low": low.clip(lower=0), "high": high}))
    table = pd.concat(frames).rename_axis("program").reset_index()
    return table.set_index(["program", "metric"]).sort_index()


def example_uncertainty(programs: pd.DataFrame,
                        facts: ProgrammeFacts | None = None) -> pd.DataFrame:
    """ILLUSTRATIVE uncertainty table for the bundled data (``load(uncertainty=True)``).

    * Each program's ``jobs``, ``value_added`` and indicator per Rp bn: a triangular
      multiplier with mode 1 on the range :func:`multiplier_ranges` derives from the low and
      high ends of the unit-cost and conversion tables, :data:`UNCERTAINTY_CORRELATION` of it
      common to every province (one factor per program).
    * Realization (share of the allocation spent), by channel (:data:`REALISATION`): DAK
      fisik triangular on [0.75, 0.95] with mode 0.86, the middle of the DAK IKM realisation
      of 82.72 % (2022) and 88.46 % (2023); the other channels on [0.87, 1.0] with mode 0.98
      (Ditjen IKMA 98.68 % and dekonsentrasi 97.97 % in 2022; restructuring 87 % in 2014).
      Half the variance common to the channel (an ASSUMPTION).
    """
    facts = ProgrammeFacts.read() if facts is None else facts
    ranges = multiplier_ranges(facts).loc[list(programs.index)].reset_index()
    rows = [{"metric": r.metric, "program": r.program, "distribution": "triangular",
             "low": r.low, "mode": 1.0, "high": r.high,
             "correlation": UNCERTAINTY_CORRELATION, "correlated_by": "program"}
            for r in ranges.itertuples()]
    for channel in programs["channel"].unique():
        low, mode, high = REALISATION.get(channel, REALISATION["other"])
        rows.append({"metric": "realization", "channel": channel, "distribution": "triangular",
                     "low": low, "mode": mode, "high": high, "correlation": 0.5,
                     "correlated_by": "channel"})
    return pd.DataFrame(rows, columns=["metric", "program", "channel", "distribution", "low",
                                       "mode", "high", "correlation", "correlated_by"])
