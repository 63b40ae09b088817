"""Outcomes and equity of *any* allocation: optimized, a rule of thumb, or last year's spend.

:class:`~ikmopt.solving.result.Result` uses the same :func:`evaluate`, so a plan and an alternative
are always measured the same way.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Iterable
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from ikmopt.core import equity as eq
from ikmopt.core.errors import DataError
from ikmopt.core.validation import suggest
from ikmopt.data.accrual import Accrual
from ikmopt.data.dataset import Dataset

__all__ = ["Evaluation", "evaluate"]

#: Per-capita metrics are reported per this many inhabitants.
PER_INHABITANTS = 100_000


class Evaluation:
    """Outcomes, aggregates and equity of one allocation on one dataset.

    Use :func:`evaluate` to create one.
    """

    def __init__(self, data: Dataset, spend: np.ndarray, accrual: Accrual | None = None,
                 built: np.ndarray | None = None) -> None:
        self.data = data
        self._program_spend = np.asarray(spend, dtype=float)
        self.accrual = accrual
        self._built = (np.zeros(data.n_projects) if built is None
                       else np.asarray(built, dtype=float))
        # what earns outcomes, per unit (cells, then projects): cell spend weighted down by
        # diminishing-returns curves if any, and 1 for each project built
        effective = data.effective_spend(self._program_spend)
        self._effective = (np.concatenate([effective, self._built]) if data.n_projects
                           else effective)
        if data.n_projects:
            units_spend = np.concatenate([self._program_spend,
                                          self._project_cost * self._built])
            self._spend = np.bincount(data.unit_cell, weights=units_spend,
                                      minlength=data.n_cells)
        else:  # every unit is its cell (a copy: the allocation is the user's to change)
            self._spend = self._program_spend.copy()

    @property
    def program_spend(self) -> np.ndarray:
        """Spend of every cell on its programs (projects excluded), Rp bn, in cell order."""
        return self._program_spend

    @property
    def _project_cost(self) -> np.ndarray:
        return np.zeros(0) if self.data.projects is None else self.data.projects.cost

    @cached_property
    def allocation(self) -> pd.Series:
        """Spend per cell, Rp bn (the cost of the cell's projects built included)."""
        return pd.Series(self._spend, index=self.data.cells, name="spend")

    @cached_property
    def projects(self) -> pd.DataFrame:
        """Every candidate project with ``built`` (True/False); empty without projects."""
        if self.data.projects is None:
            return pd.DataFrame(columns=["built"])
        table = self.data.projects.table.copy()
        table.insert(0, "built", self._built > 0.5)
        return table

    @cached_property
    def outcomes(self) -> pd.Series:
        """Total of each metric, plus total ``spend`` (Rp bn)."""
        totals = [float(self._spend.sum())] + [
            float(self.data.unit_coefficients(metric) @ self._effective)
            for metric in self.data.metrics]
        return pd.Series(totals, index=_outcome_index(self.data.metrics), name="outcome")

    @cached_property
    def accrued(self) -> pd.Series:
        """Each metric counted over the horizon with survival and discounting.

        ``sum_c w_m(t_c) a_mc x_c`` with the weights of :class:`~ikmopt.data.accrual.Accrual`
        (a project counts with the weights of its cell's year); equal to :attr:`outcomes`
        when no accrual is set.
        """
        accrual = self.accrual or Accrual()
        cell = self.data.unit_cell
        return pd.Series(
            {
                metric: float(
                    (self.data.unit_coefficients(metric)
                     * accrual.year_weights(self.data, metric)[cell]) @ self._effective
                )
                for metric in self.data.metrics
            },
            name="accrued",
        )

    @cached_property
    def _cell_outcomes(self) -> pd.DataFrame:
        cell, n = self.data.unit_cell, self.data.n_cells
        frame = {"spend": self._spend}
        if self.data.projects is not None:
            frame["project_spend"] = self._spend - self._program_spend
            frame["projects_built"] = np.bincount(self.data.projects.cell, weights=self._built,
                                                  minlength=n)
        for metric in self.data.metrics:
            frame[metric] = np.bincount(
                cell, weights=self.data.unit_coefficients(metric) * self._effective, minlength=n
            )
        return pd.DataFrame(frame, index=self.data.cells)

    def by(self, level: str | tuple[str, ...] | list[str] = "region") -> pd.DataFrame:
        """Spend and outcomes summed by one or more levels.

        Parameters
        ----------
        level : str or sequence of str
            Cell levels (``region``, ``program``, ``sector``, ``year``) or region/program
            columns (``island_group``, ``kti``, ``channel`` ...).

        Returns
        -------
        pandas.DataFrame
            ``spend`` (Rp bn, or the dataset's money unit), one column per metric and
            ``share`` of spend; for a single regions-level grouping of a dataset with a
            ``population`` column also ``population`` and ``spend_rp_per_capita`` (rupiah
            per inhabitant; ``spend_usd_per_capita`` in a dataset in USD thousand ...).
        """
        levels = [level] if isinstance(level, str) else list(level)
        keys = []
        for name in levels:
            codes, categories = self.data.level_codes(name)
            keys.append(pd.Categorical.from_codes(codes, categories=categories))
        # group on key columns by name: a list of as many arrays as there are cells would
        # be read by pandas as one key
        names = [f"__key{i}" for i in range(len(keys))]
        frame = self._cell_outcomes.assign(**dict(zip(names, keys, strict=True)))
        table = frame.groupby(names, observed=True, sort=True).sum()
        table.index.names = levels
        total = self._spend.sum()
        table["share"] = table["spend"] / total if total > 0 else np.nan
        regions = self.data.regions
        if self.data.has_population and len(levels) == 1 and (
                levels[0] == "region" or levels[0] in regions.columns):
            group = regions.index if levels[0] == "region" else regions[levels[0]]
            pop = regions["population"].groupby(group.to_numpy(), sort=False).sum()
            table["population"] = pop.reindex(table.index).to_numpy()
            money = self.data.money
            table[money.per_capita_column] = table["spend"] * money.scale / table["population"]
        return table

    @property
    def _population(self) -> np.ndarray:
        """Region populations, or ``NaN`` for a dataset without them (measures are NaN)."""
        if self.data.has_population:
            return self.data.population
        return np.full(len(self.data.regions), np.nan)

    @cached_property
    def per_capita(self) -> pd.DataFrame:
        """Per region: spend in Rp per inhabitant, metrics per 100,000 inhabitants.

        Spend is in single currency units per inhabitant (USD per inhabitant in a dataset in
        USD thousand). ``NaN`` throughout for a dataset without a ``population`` column.
        """
        by_region = self._cell_outcomes.groupby(
            pd.Categorical.from_codes(self.data.region_codes, categories=self.data.regions.index),
            observed=False,
        ).sum()
        by_region.index.name = "region"
        pop = self._population
        out = pd.DataFrame(index=by_region.index)
        out["spend"] = by_region["spend"].to_numpy() * self.data.money.scale / pop
        for metric in self.data.metrics:
            out[metric] = by_region[metric].to_numpy() * PER_INHABITANTS / pop
        return out

    @cached_property
    def equity(self) -> pd.Series:
        """Inequality across regions of per-capita spend and of each per-capita outcome.

        Index levels ``of`` (``spend`` or a metric) and ``measure`` (``gini``, ``theil``,
        ``cv``, ``min_per_capita``, ``max_per_capita``); weights are region populations.
        Per-capita units: spend in Rp per inhabitant, metrics per 100,000 inhabitants. Every
        value is ``NaN`` for a dataset without a ``population`` column.
        """
        pop = self._population
        values = {}
        for of in self.per_capita.columns:
            y = self.per_capita[of].to_numpy()
            values[(of, "gini")] = eq.gini(y, pop)
            values[(of, "theil")] = eq.theil(y, pop)
            values[(of, "cv")] = eq.cv(y, pop)
            values[(of, "min_per_capita")] = float(y.min())
            values[(of, "max_per_capita")] = float(y.max())
        series = pd.Series(values, name="equity")
        series.index.names = ["of", "measure"]
        return series


def evaluate(
    data: Dataset,
    allocation: pd.Series | np.ndarray,
    accrual: Accrual | None = None,
    projects: Iterable[Hashable] | pd.Series | None = None,
) -> Evaluation:
    """Measure any allocation on ``data``.

    Parameters
    ----------
    data : Dataset
    allocation : pandas.Series or numpy.ndarray
        Spend in Rp bn, indexed like ``data.cells`` (a subset is fine: missing cells spend
        0), or an array in cell order. With ``projects``, a cell's spend includes the cost
        of its projects built.
    accrual : Accrual, optional
        Survival and discounting for :attr:`Evaluation.accrued`.
    projects : iterable of labels or boolean Series, optional
        The projects built (labels, or a Series of True/False indexed by project, such as
        ``result.projects["built"]``). Their cost is taken out of their cell's spend, which
        must cover it; their outcomes are added.

    Returns
    -------
    Evaluation
        With ``allocation``, ``outcomes``, ``by(level)``, ``per_capita`` and ``equity``.

    Raises
    ------
    DataError
        If the allocation has unknown cells, other index levels, or negative/NaN/inf values;
        if ``projects`` names unknown projects or a cell's spend does not cover its projects.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> equal = data.impacts["capacity"] * 0 + 1.0   # Rp 1 bn in every cell
    >>> round(ik.evaluate(data, equal).outcomes["spend"])
    228
    """
    if not isinstance(data, Dataset):
        raise DataError(f"evaluate() needs an ik.Dataset first, got {type(data).__name__}")
    spend = align(data, allocation)
    built = _built(data, projects)
    if data.projects is None:
        return Evaluation(data, spend, accrual)
    if projects is None:
        warnings.warn(
            f"dataset '{data.name}' has projects but projects= was not given: all spend is "
            "counted as program spend and no project as built; pass projects= (for a "
            "result, result.projects['built']) to count the projects",
            UserWarning, stacklevel=2,
        )
    project_spend = np.bincount(data.projects.cell, weights=data.projects.cost * built,
                                minlength=data.n_cells)
    program = spend - project_spend
    short = program < -1e-9 * (1.0 + spend)
    if short.any():
        raise DataError(
            "allocation spends less than the cost of the projects built in cell(s) "
            f"{data.cells[short][:5].tolist()}; a cell's spend must include its projects' cost"
        )
    return Evaluation(data, np.maximum(program, 0.0), accrual, built)


def _built(data: Dataset, projects: Iterable[Hashable] | pd.Series | None) -> np.ndarray:
    """0/1 per candidate project from labels or a boolean Series."""
    if projects is None:
        return np.zeros(data.n_projects)
    if data.projects is None:
        raise DataError(f"projects= given, but dataset '{data.name}' has no projects table")
    labels = data.projects.labels
    if isinstance(projects, pd.Series):
        values = projects.astype(bool)
        chosen = values.index[values.to_numpy()]
    else:
        chosen = pd.Index([str(p) for p in projects])
    position = labels.get_indexer(pd.Index(chosen).astype(str))
    if (position < 0).any():
        bad = list(pd.Index(chosen)[position < 0][:5])
        raise DataError(f"projects= names unknown project(s) {bad}{suggest(str(bad[0]), labels)}")
    built = np.zeros(len(labels))
    built[position] = 1.0
    return built


def align(data: Dataset, allocation: pd.Series | np.ndarray) -> np.ndarray:
    """Spend per cell in ``data``'s cell order, from a Series, a frame or an array.

    A Series indexed by cells (a subset is fine: missing cells spend 0), a frame with a
    ``spend`` column, or an array in cell order.

    Raises
    ------
    DataError
        For an unknown cell, a wrong length, or spend that is negative or not a number.
    """
    if isinstance(allocation, pd.DataFrame):
        if "spend" not in allocation.columns:
            raise DataError("allocation frame needs a 'spend' column (Rp bn)")
        allocation = allocation["spend"]
    if isinstance(allocation, pd.Series):
        names = list(allocation.index.names)
        if names != list(data.levels):
            raise DataError(
                f"allocation is indexed by {names}; it must be indexed by {list(data.levels)} "
                "like data.cells"
            )
        position = data.cells.get_indexer(allocation.index)
        if (position < 0).any():
            bad = allocation.index[position < 0][:5].tolist()
            raise DataError(f"allocation has cells that are not in dataset '{data.name}': {bad}")
        if len(np.unique(position)) != len(position):
            raise DataError("allocation lists a cell more than once")
        values = pd.to_numeric(allocation, errors="coerce").to_numpy(dtype=float)
        labels = allocation.index
    else:
        try:
            values = np.asarray(allocation, dtype=float).ravel()
        except (TypeError, ValueError):
            raise DataError(
                "allocation must be a Series of spend (Rp bn) indexed like data.cells, or an "
                f"array of numbers in cell order; got {type(allocation).__name__}"
            ) from None
        if len(values) != data.n_cells:
            raise DataError(
                f"allocation array has {len(values)} values; dataset '{data.name}' has "
                f"{data.n_cells} cells"
            )
        position = np.arange(data.n_cells)
        labels = data.cells
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            "allocation has missing, infinite or negative spend at "
            f"{labels[bad][:5].tolist()}"
        )
    spend = np.zeros(data.n_cells)
    spend[position] = values
    return spend


def _outcome_index(metrics: tuple[str, ...]) -> pd.Index:
    """``spend`` and the metrics: the index of :attr:`Evaluation.outcomes`.

    Made once per list of metrics (building a text index is most of the cost of a small
    Series); each Series gets its own shallow copy, whose name it may change.
    """
    return _outcome_labels(metrics).copy()


@lru_cache(maxsize=64)
def _outcome_labels(metrics: tuple[str, ...]) -> pd.Index:
    return pd.Index(["spend", *metrics])
