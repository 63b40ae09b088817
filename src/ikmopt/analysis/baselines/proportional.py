"""Rules of thumb in proportion to one number per region (or per cell).

Equal, population, IKM units, poor population and last year's spend. Each rule's weights are
water-filled (:mod:`ikmopt.analysis.baselines.filling`), as the package
:mod:`ikmopt.analysis.baselines` describes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ikmopt.analysis.baselines.filling import (
    allocate,
    budget_total,
    check_dataset,
    fill,
    region_column,
)
from ikmopt.core.errors import DataError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Budget

__all__ = ["equal", "ikm_units", "last_year", "population", "poverty_weighted"]


def equal(data: Dataset, budget: float | Budget) -> pd.Series:
    """Split the budget equally across regions, then over each region's cells.

    ``W_r = 1``: every region gets ``B / R`` (``R`` regions) unless its cells cannot absorb
    it, in which case it is filled to capacity and the rest is shared equally by the others.

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend (a :class:`~ikmopt.Budget` gives its ``total``).

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn), indexed like ``data.cells``, named ``"spend"``; it sums to
        the budget and no cell exceeds its capacity.

    Raises
    ------
    PolicyError
        If the budget is negative or not a number, or exceeds the total capacity.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> plan = rules.equal(data, 971)
    >>> round(float(plan.sum()), 6), bool((plan <= data.impacts["capacity"]).all())
    (971.0, True)
    """
    total = budget_total("equal", budget)
    check_dataset("equal", data)
    return allocate(data, total, np.ones(len(data.regions)), "equal")


def population(data: Dataset, budget: float | Budget) -> pd.Series:
    """Split the budget in proportion to each region's population.

    ``W_r = P_r`` (the regions table's ``population``), then split over the region's cells
    by capacity and water-filled (see the module description).

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend.

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn) named ``"spend"``, summing to the budget.

    Raises
    ------
    PolicyError
        If the budget is negative or exceeds the total capacity.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> by_region = rules.population(data, 500).groupby(level="region").sum()
    >>> round(float(by_region["Jawa Barat"]) / 500, 3)   # its population share
    0.18
    """
    total = budget_total("population", budget)
    check_dataset("population", data)
    return allocate(data, total, data.population, "population")


def ikm_units(
    data: Dataset, budget: float | Budget, column: str = "imk_establishments"
) -> pd.Series:
    """Split the budget in proportion to each region's number of IKM units.

    ``W_r = U_r``, the regions column ``column`` (by default ``imk_establishments``, the
    number of micro and small manufacturing establishments).

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend.
    column : str, default "imk_establishments"
        Regions column with the number of IKM units (numbers >= 0, not all 0).

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn) named ``"spend"``, summing to the budget.

    Raises
    ------
    DataError
        If the regions table has no such column, or a value is missing, negative or not a
        number (the message names the column and the regions).
    PolicyError
        If the budget is negative or exceeds the capacity of the cells with a weight.
    """
    total = budget_total("ikm_units", budget)
    check_dataset("ikm_units", data)
    weights = region_column(data, column, "ikm_units", "column")
    return allocate(data, total, weights, "ikm_units")


def poverty_weighted(
    data: Dataset, budget: float | Budget, column: str = "poverty_rate_pct"
) -> pd.Series:
    """Split the budget in proportion to each region's poor population.

    ``W_r = P_r * p_r / 100``: population times the poverty rate in percent (regions
    column ``column``), the number of people below the poverty line.

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend.
    column : str, default "poverty_rate_pct"
        Regions column with the poverty rate in percent (numbers >= 0, not all 0).

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn) named ``"spend"``, summing to the budget.

    Raises
    ------
    DataError
        If the regions table has no such column or a value is missing or negative.
    PolicyError
        If the budget is negative or exceeds the capacity of the cells with a weight.
    """
    total = budget_total("poverty_weighted", budget)
    check_dataset("poverty_weighted", data)
    rate = region_column(data, column, "poverty_weighted", "column")
    return allocate(data, total, data.population * rate / 100.0, "poverty_weighted")


def last_year(
    data: Dataset, budget: float | Budget, allocation: pd.Series | pd.DataFrame
) -> pd.Series:
    """Repeat last year's pattern, rescaled to this year's budget.

    With an allocation over **cells** the weights are the cells' own spend, ``w_c = s_c``;
    with an allocation over **regions** they are the regions' spend, ``W_r = s_r``, split
    over each region's cells by capacity. In both cases ``x = B * w / sum(w)`` where no cell
    is over capacity; otherwise the water-filling of the module description holds full cells
    at capacity and gives the excess to the others in proportion to ``w``. Cells or regions
    that last year's allocation does not list count as 0.

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend.
    allocation : pandas.Series or pandas.DataFrame
        Last year's spend: a Series indexed like ``data.cells`` (same level names, a subset
        of the cells is fine) or by region labels (index named ``region`` or unnamed), or a
        DataFrame with a ``spend`` column indexed either way. Any unit: only the proportions
        matter.

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn) named ``"spend"``, summing to the budget.

    Raises
    ------
    DataError
        If the allocation is not a Series, names unknown cells or regions, is indexed by
        other levels, lists a label twice, has a missing, negative or infinite value, or
        spends nothing.
    PolicyError
        If the budget is negative or exceeds the capacity of the cells last year funded.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> before = rules.population(data, 400)
    >>> after = rules.last_year(data, 500, before)
    >>> round(float((after / before).max()), 3)
    1.25
    """
    total = budget_total("last_year", budget)
    check_dataset("last_year", data)
    weights, owner = _pattern(data, allocation)
    if owner == "region":
        return allocate(data, total, weights, "last_year")
    return fill(data, total, weights, "last_year")


def _pattern(data: Dataset, allocation: pd.Series | pd.DataFrame) -> tuple[np.ndarray, str]:
    """Last year's spend as weights per cell or per region, and which of the two."""
    if isinstance(allocation, pd.DataFrame):
        if "spend" not in allocation.columns:
            raise DataError("last_year: the allocation frame needs a 'spend' column; it has "
                            f"{list(allocation.columns)}")
        allocation = allocation["spend"]
    if not isinstance(allocation, pd.Series):
        raise DataError(
            "last_year: allocation must be a pandas Series of spend indexed by cells (like "
            f"data.cells) or by regions; got {type(allocation).__name__}"
        )
    names = list(allocation.index.names)
    if names == list(data.levels):
        position = data.cells.get_indexer(allocation.index)
        owner, labels, size = "cell", data.cells, data.n_cells
    elif allocation.index.nlevels == 1 and names[0] in (None, "region"):
        index = pd.Index(allocation.index.astype(str))
        position = data.regions.index.get_indexer(index)
        owner, labels, size = "region", data.regions.index, len(data.regions)
    else:
        raise DataError(
            f"last_year: allocation is indexed by {names}; index it by the cells "
            f"{list(data.levels)} (like data.cells) or by region"
        )
    unknown = position < 0
    if unknown.any():
        bad = allocation.index[unknown][:5].tolist()
        raise DataError(
            f"last_year: allocation names {owner}(s) not in dataset '{data.name}': {bad}"
            f"{suggest(str(bad[0]), map(str, labels)) if owner == 'region' else ''}"
        )
    if len(np.unique(position)) != len(position):
        twice = allocation.index[pd.Index(position).duplicated()][:5].tolist()
        raise DataError(f"last_year: allocation lists {owner}(s) {twice} more than once")
    values = pd.to_numeric(allocation, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise DataError(
            "last_year: allocation has missing, infinite, negative or non-numeric spend at "
            f"{allocation.index[bad][:5].tolist()}"
        )
    if not values.sum() > 0:
        raise DataError("last_year: allocation spends nothing; there is no pattern to repeat")
    weights = np.zeros(size)
    weights[position] = values
    return weights, owner

