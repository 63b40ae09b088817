"""Jobs, IKM units and value added of an allocation, year by year over a horizon.

:func:`ikmopt.evaluate` says what an allocation creates; :func:`project` says how much of it
is there in each year of a horizon of ``years`` calendar years. Money spent in plan year
``t_c`` in cell ``c`` (Rp bn ``x_c``) creates ``J_c`` jobs, ``V_c`` Rp bn a year of value
added and ``U_c`` IKM units, exactly as :func:`~ikmopt.solving.evaluate.evaluate` counts them
(diminishing-returns curves and projects built included). In year ``y`` of the horizon, at
age ``k = y - t_c``, the part still there is::

    f_c(y) = 0                                   if k < 0   (not spent yet)
    f_c(y) = r_p(k) * s_p ** k                   if k >= 0

    jobs_c(y)        = J_c * f_c(y)
    value_added_c(y) = V_c * f_c(y)
    ikm_units_c(y)   = U_c * f_c(y)
    spend_c(y)       = x_c   if y == t_c, else 0

where ``p`` is the cell's program, ``s_p`` in (0, 1] its annual survival rate and ``r_p(k)``
its ramp-up schedule: ``r_p(k) = rho_k`` for the listed fractions ``rho_0 <= rho_1 <= ...``
(``rho_0`` in the spend year) and ``1`` after the last one. An integer ``n`` is the linear
schedule ``rho_k = (k + 1) / n`` for ``k < n``. Survival counts from the spend year, as in
:class:`~ikmopt.data.accrual.Accrual`: the age-``k`` effect is ``s ** k`` of the full one, whether
or not the ramp-up is over. Value added follows the jobs (the same factor, so value added per
job is constant per cell), and so do IKM units.

A dataset without a ``year`` level is spent in the first year of the horizon. Cumulative
columns add each column up from the first horizon year: ``cumulative_jobs`` is job-years;
with no ramp-up (``ramp_up=1``) and one survival rate ``s``, its value in year ``Y`` equals
``Evaluation.accrued["jobs"]`` under ``Accrual(survival={"jobs": s}, discount=0,
last_year=Y)`` (``Accrual`` counts a dataset without a ``year`` level as plan year 0, so
there ``last_year`` is ``Y - start_year``).

**IKM units** ``U_c``: the dataset's metric ``ikm_units`` (units per Rp bn) when it has one;
otherwise the jobs expressed in average-sized IKM units, ``U_c = J_c / w_r`` with ``w_r =
imk_workers_r / imk_establishments_r``, the workers per IKM unit of the cell's region (BPS
IMK, in the bundled regions table), or :data:`NATIONAL_WORKERS_PER_UNIT` where the regions
table lacks those columns or a region's counts are missing or zero. This is an ILLUSTRATIVE
conversion, not a count of firms reached.

The defaults :data:`DEFAULT_SURVIVAL` and :data:`DEFAULT_RAMP_UP` are ILLUSTRATIVE
assumptions (no published estimate of IKM job survival or ramp-up is bundled); replace them
with your own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.analysis.projection_inputs import (
    check_years,
    horizon_years,
    ramp_up_matrix,
    survival_rates,
)
from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.solving.evaluate import Evaluation, evaluate
from ikmopt.solving.result import Result

__all__ = [
    "DEFAULT_RAMP_UP",
    "DEFAULT_SURVIVAL",
    "DEFAULT_YEARS",
    "MAX_YEARS",
    "NATIONAL_WORKERS_PER_UNIT",
    "UNITS_METRIC",
    "Projection",
    "project",
]

#: Annual survival of the jobs (and value added) an allocation creates. ILLUSTRATIVE
#: assumption: 10 % of the created effect is lost each year; no published estimate is bundled.
DEFAULT_SURVIVAL = 0.9
#: Ramp-up schedule: half the effect in the spend year, the full effect from the next year.
#: ILLUSTRATIVE assumption.
DEFAULT_RAMP_UP = (0.5, 1.0)
#: Default horizon in years: the length of a medium-term plan (RPJMN 2025-2029).
DEFAULT_YEARS = 5
#: Longest horizon accepted.
MAX_YEARS = 100
#: Name of a metric holding IKM units per Rp bn; used as is when a dataset has it.
UNITS_METRIC = "ikm_units"
#: Workers per IKM unit, national: 9,484,645 IMK workers / 4,461,888 IMK establishments, the
#: column sums of the bundled regions table (BPS micro and small manufacturing, labelled 2025,
#: year unconfirmed; see the Data page). Used where a region lacks ``imk_workers`` or
#: ``imk_establishments``.
NATIONAL_WORKERS_PER_UNIT = 9_484_645 / 4_461_888

#: Outcome columns of :attr:`Projection.table`, in order (``value_added`` only when the
#: dataset has that metric).
_OUTCOMES = ("spend", "jobs", "value_added", "ikm_units")


@dataclass(frozen=True, eq=False)
class Projection:
    """Spend, jobs, value added and IKM units of one allocation, year by year.

    Created by :func:`project`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per year and cell of the dataset without its ``year`` level (year x region x
        program, and sector when the dataset has one). Columns: ``year``, ``region``,
        ``program`` [, ``sector``], ``spend`` (Rp bn spent that year), ``jobs`` (jobs alive
        that year), ``value_added`` (value added that year, Rp bn; only when the dataset has
        the metric), ``ikm_units`` (IKM units alive that year, ILLUSTRATIVE conversion), and
        ``cumulative_<column>`` for each of them: the sum from the first horizon year up to
        that year (Rp bn spent so far, job-years, Rp bn of value added so far, unit-years).
    data : Dataset
        The dataset the allocation was projected on.
    years : tuple of int
        The horizon's calendar years.
    survival : float or dict
        Survival rate used (one rate, or ``{program: rate}`` for every program).
    ramp_up : tuple of float or dict
        Ramp-up fractions used (one schedule, or ``{program: schedule}`` for every program).
    workers_per_unit : pandas.Series
        Workers per IKM unit of every region used to convert jobs into units (NaN when the
        dataset has an ``ikm_units`` metric).
    units_basis : str
        How ``ikm_units`` was obtained, in words.
    """

    table: pd.DataFrame
    data: Dataset
    years: tuple[int, ...]
    survival: float | dict[str, float]
    ramp_up: tuple[float, ...] | dict[str, tuple[float, ...]]
    workers_per_unit: pd.Series
    units_basis: str

    @property
    def outcomes(self) -> list[str]:
        """The yearly columns of :attr:`table` (``spend``, ``jobs`` ...), without cumulatives."""
        return [c for c in _OUTCOMES if c in self.table.columns]

    def by(self, level: str | Sequence[str] = "region") -> pd.DataFrame:
        """Every column of :attr:`table` summed by year and one or more levels.

        Parameters
        ----------
        level : str or sequence of str, default "region"
            ``region``, ``program``, ``sector``, or a column of the regions or programs
            table (``island_group``, ``kti``, ``province``, ``channel`` ...). ``year`` is
            always the first index level; ``by("year")`` is :attr:`totals`.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` and the levels, with the yearly and cumulative columns.

        Raises
        ------
        PolicyError
            If a level is not a cell level or a regions/programs column.
        """
        levels = [level] if isinstance(level, str) else list(level)
        keys: list[Any] = [self.table["year"]]
        names = ["year"]
        for name in levels:
            if name == "year":
                continue
            keys.append(self._key(name))
            names.append(name)
        columns = [c for c in self.table.columns if c not in ("year", *self.data.levels)]
        grouped = self.table[columns].groupby(keys, observed=True, sort=True,
                                                  dropna=False).sum()
        grouped.index.names = names
        return grouped

    def _key(self, name: str) -> pd.Series:
        table, data = self.table, self.data
        if name in table.columns and name in data.levels:
            return table[name]
        if name in data.regions.columns:
            return table["region"].map(data.regions[name]).rename(name)
        if name in data.programs.columns:
            return table["program"].map(data.programs[name]).rename(name)
        known = [*(c for c in data.levels), *data.regions.columns, *data.programs.columns]
        raise PolicyError(f"Projection.by: unknown level '{name}'{suggest(name, known)}; "
                          f"use a cell level or a regions/programs column: {known}")

    @property
    def totals(self) -> pd.DataFrame:
        """National totals by year: the yearly and cumulative columns, indexed by ``year``."""
        return self.by("year")

    def plot(self, metric: str = "jobs", by: str | None = None, ax: Any = None) -> Any:
        """Lines of ``metric`` by year, one per group of ``by`` (needs matplotlib).

        See :func:`ikmopt.plot.projection`.
        """
        from ikmopt.plot import projection  # face hook (listed in the import contract)

        return projection(self, metric=metric, by=by, ax=ax)

    def __repr__(self) -> str:
        totals = self.totals
        last = totals.iloc[-1]
        return (f"<ikmopt.Projection {self.years[0]}-{self.years[-1]}: spend Rp "
                f"{last['cumulative_spend']:,.1f} bn; jobs in {self.years[-1]} "
                f"{last['jobs']:,.0f}; {len(self.table)} rows>")


def project(
    allocation: Result | Evaluation | pd.Series | np.ndarray,
    data: Dataset | None = None,
    years: int = DEFAULT_YEARS,
    *,
    survival: float | Mapping[str, float] = DEFAULT_SURVIVAL,
    ramp_up: int | Sequence[float] | Mapping[str, int | Sequence[float]] = DEFAULT_RAMP_UP,
    start_year: int | None = None,
    projects: Iterable[Hashable] | pd.Series | None = None,
) -> Projection:
    """Project an allocation's jobs, value added and IKM units over ``years`` years.

    The equations are in the module docstring (:mod:`ikmopt.analysis.projection`) and on the
    *Jobs and IKM units over the years* page: the outcome created by spend in year ``t``
    reaches ``r(k)`` of its full size at age ``k = y - t`` and is multiplied by ``s ** k``.

    Parameters
    ----------
    allocation : Result, Evaluation, pandas.Series or numpy.ndarray
        A result of :func:`ikmopt.optimize` or :func:`ikmopt.evaluate` (its allocation and
        projects built are used), or spend per cell in Rp bn as :func:`ikmopt.evaluate`
        takes it.
    data : Dataset, optional
        Required for an allocation; for a Result or Evaluation, replaces its dataset (which
        must have the same cells), for example the same data with other coefficients.
    years : int, default 5
        Length of the horizon in calendar years (1 to :data:`MAX_YEARS`).
    survival : float or mapping, default 0.9
        Share of the created effect still there one year later, in (0, 1]: one rate, or
        ``{program: rate}`` (programs not named keep :data:`DEFAULT_SURVIVAL`). The default
        is an ILLUSTRATIVE assumption.
    ramp_up : int, sequence of float or mapping, default (0.5, 1.0)
        Share of the full effect reached in the spend year, the year after, and so on
        (non-decreasing, between 0 and 1; the full effect after the last one); an integer
        ``n`` ramps up linearly over ``n`` years (``1``: full effect at once); or
        ``{program: schedule}`` (programs not named keep :data:`DEFAULT_RAMP_UP`). The
        default is an ILLUSTRATIVE assumption.
    start_year : int, optional
        First calendar year of the horizon. Default: the dataset's first plan year, or ``1``
        for a dataset without a ``year`` level (then all money is spent in ``start_year``).
    projects : iterable of labels or boolean Series, optional
        Projects built, for an allocation on a dataset with projects (as for
        :func:`ikmopt.evaluate`).

    Returns
    -------
    Projection
        With ``table``, ``by(level)``, ``totals`` and ``plot()``.

    Raises
    ------
    DataError
        If the allocation does not fit the dataset (unknown cells, negative spend ...), a
        dataset has no ``jobs`` metric, or ``data`` is missing or has other cells.
    PolicyError
        If ``years``, ``survival``, ``ramp_up`` or ``start_year`` make no sense (survival
        outside (0, 1], a negative, decreasing or above-1 ramp fraction, ``years < 1``, a
        program not in the dataset, a horizon that starts after the first plan year or ends
        before the last one).

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt.analysis.projection import project
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> plan = ik.optimize(data, ik.default_policy())
    >>> view = project(plan, years=3, survival=0.9, ramp_up=(0.5, 1.0))
    >>> jobs = view.totals["jobs"]
    >>> float(round(jobs[2] / jobs[1], 6)), float(round(jobs[3] / jobs[2], 6))
    (1.8, 0.9)
    """
    n_years = check_years(years, MAX_YEARS)
    data, evaluation = _evaluation(allocation, data, projects)
    programs = pd.Index(data.programs.index)
    rates, survival_used = survival_rates(survival, programs, DEFAULT_SURVIVAL)
    ramp, ramp_used = ramp_up_matrix(ramp_up, programs, DEFAULT_RAMP_UP)
    spend_year, horizon = horizon_years(data, n_years, start_year)

    created, workers, basis = _created(data, evaluation)
    program = programs.get_indexer(data.cells.get_level_values("program"))
    s_cell = rates[program]
    last = ramp.shape[1] - 1  # the padded column of 1.0: full effect after the schedule

    # cells that differ only in their year are one row of the table (first-appearance order,
    # which is the order of the regions and programs tables)
    keys = data.cells.droplevel("year") if "year" in data.levels else data.cells
    group, labels = keys.factorize()
    labels = labels.set_names(keys.names)
    n_groups = len(labels)

    names = [c for c in _OUTCOMES if c == "spend" or c in created]
    values = {c: np.zeros((n_years, n_groups)) for c in names}
    spend = evaluation.allocation.to_numpy(dtype=float)
    for i, year in enumerate(horizon):  # a loop over years; cells are vectorized
        age = year - spend_year
        alive = age >= 0
        k = np.where(alive, age, 0)
        factor = np.where(alive, ramp[program, np.minimum(k, last)] * s_cell**k, 0.0)
        values["spend"][i] = np.bincount(group, weights=spend * (age == 0), minlength=n_groups)
        for c in names[1:]:
            values[c][i] = np.bincount(group, weights=created[c] * factor, minlength=n_groups)

    return Projection(
        table=_table(horizon, labels, values),
        data=data,
        years=tuple(int(y) for y in horizon),
        survival=survival_used,
        ramp_up=ramp_used,
        workers_per_unit=workers,
        units_basis=basis,
    )


def _table(horizon: np.ndarray, labels: pd.Index,
           values: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """:attr:`Projection.table` from ``values[column]`` of shape (years, rows of ``labels``)."""
    n_years, n_groups = len(horizon), len(labels)
    frame = {"year": np.repeat(np.asarray(horizon, dtype=np.int64), n_groups)}
    for i, level in enumerate(labels.names):
        values_i = labels.get_level_values(i)
        frame[level] = pd.Categorical(np.tile(values_i.to_numpy(), n_years),
                                      categories=pd.unique(values_i))
    for c in values:
        frame[c] = values[c].ravel()
    for c in values:
        frame[f"cumulative_{c}"] = np.cumsum(values[c], axis=0).ravel()
    return pd.DataFrame(frame)


def _evaluation(allocation: Result | Evaluation | pd.Series | np.ndarray, data: Dataset | None,
                projects: Iterable[Hashable] | pd.Series | None) -> tuple[Dataset, Evaluation]:
    """The dataset to project on and the allocation evaluated on it (with ``jobs``)."""
    if isinstance(allocation, Result | Evaluation):
        base = allocation.data
        if data is None:
            data = base
        elif not isinstance(data, Dataset) or not data.cells.equals(base.cells):
            raise DataError("project: data= must be a Dataset with the same cells as the "
                            "plan's dataset")
        built = allocation.projects["built"] if base.projects is not None else None
        evaluation = evaluate(data, allocation.allocation, projects=built)
    else:
        if data is None:
            raise DataError("project: give data= with an allocation (or pass a Result)")
        if not isinstance(data, Dataset):
            raise DataError(f"project: data= must be an ik.Dataset, got {type(data).__name__}")
        evaluation = evaluate(data, allocation, projects=projects)
    if "jobs" not in data.metrics:
        raise DataError(f"project: dataset '{data.name}' has no 'jobs' metric; its metrics "
                        f"are {list(data.metrics)}")
    return data, evaluation


# ---------------------------------------------------------------------- created outcomes
def _created(data: Dataset, evaluation: Evaluation) -> tuple[dict[str, np.ndarray], pd.Series, str]:
    """Jobs, value added and IKM units each cell creates (as ``evaluate`` counts them)."""
    built = (evaluation.projects["built"].to_numpy(dtype=float) if data.projects is not None
             else np.zeros(0))
    effective = np.concatenate([data.effective_spend(evaluation.program_spend), built])

    def per_cell(metric: str) -> np.ndarray:
        return np.bincount(data.unit_cell, weights=data.unit_coefficients(metric) * effective,
                           minlength=data.n_cells)

    created = {"jobs": per_cell("jobs")}
    if "value_added" in data.metrics:
        created["value_added"] = per_cell("value_added")
    regions = data.regions
    if UNITS_METRIC in data.metrics:
        created["ikm_units"] = per_cell(UNITS_METRIC)
        workers = pd.Series(np.nan, index=regions.index, name="workers_per_unit")
        return created, workers, f"the dataset's '{UNITS_METRIC}' metric (IKM units per Rp bn)"
    if {"imk_workers", "imk_establishments"} <= set(regions.columns):
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (pd.to_numeric(regions["imk_workers"], errors="coerce").to_numpy(float)
                     / pd.to_numeric(regions["imk_establishments"], errors="coerce")
                     .to_numpy(float))
        usable = np.isfinite(ratio) & (ratio > 0)
        ratio = np.where(usable, ratio, NATIONAL_WORKERS_PER_UNIT)
        basis = ("jobs / (imk_workers / imk_establishments) of the region (ILLUSTRATIVE)"
                 + ("" if usable.all() else
                    f"; national {NATIONAL_WORKERS_PER_UNIT:.4f} workers per unit for "
                    f"{int((~usable).sum())} region(s) without usable counts"))
    else:
        ratio = np.full(len(regions), NATIONAL_WORKERS_PER_UNIT)
        basis = (f"jobs / {NATIONAL_WORKERS_PER_UNIT:.4f} national workers per IKM unit "
                 "(ILLUSTRATIVE; the regions table has no imk_workers/imk_establishments)")
    created["ikm_units"] = created["jobs"] / ratio[data.region_codes]
    return created, pd.Series(ratio, index=regions.index, name="workers_per_unit"), basis
