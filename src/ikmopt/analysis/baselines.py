"""Rules of thumb: the allocations analysts use today instead of optimizing.

Every rule gives each region ``r`` a non-negative weight ``W_r`` (equal, population, IKM
units, poor population, last year's spend or a DAK-style index) and turns the weights into
an allocation over the cells that spends exactly the budget ``B`` and keeps every cell
within its capacity:

1. **Within a region** the region's weight is split over its cells (programs, and sectors
   and years when the dataset has them) in proportion to the cells' capacities ``k_c``:
   ``w_c = (W_r / sum_s W_s) * k_c / K_r`` with ``K_r = sum_{c in r} k_c``.
2. **Water-filling.** The allocation is ``x_c = min(k_c, lambda * w_c)`` with the one level
   ``lambda`` that makes ``sum_c x_c = B``: a cell whose proportional share would exceed its
   capacity is held at its capacity and the excess goes to the other cells in proportion to
   their weights. It is found in rounds: ``lambda = (B - capped spend) / (weight of the cells
   not capped yet)``; every cell with ``lambda * w_c > k_c`` is capped; repeat until no cell
   is over. Each round caps at least one more cell, so the loop ends after at most as many
   rounds as there are cells (two to four in practice). Because cells of a region share
   ``k_c / w_c``, a region is either filled to its total capacity or receives
   ``lambda W_r / sum_s W_s`` in all; cells with weight 0 receive nothing.

The capacity ``k_c`` is the impacts table's ``capacity`` (and, for a cell with a
diminishing-returns curve, no more than the end of its last segment, which the linear
program cannot pass either). A rule spends *exactly* the budget; it ignores every other
rule of a policy, which :func:`value_of_optimization` checks one by one.

:func:`value_of_optimization` puts the rules next to the optimum of a policy: spend,
outcomes, Gini of per-capita spend and outcomes, the policy's objective evaluated on each
rule, the optimum's gain over each rule and whether each rule satisfies each constraint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import DataError, InfeasibleError, PolicyError
from ikmopt.core.validation import FailureLog, check_numeric, suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build, objective_coefficients
from ikmopt.model.constraints import Budget
from ikmopt.model.objectives import Maximize, PovertyWeighted, Weighted
from ikmopt.model.policy import Policy
from ikmopt.solving.evaluate import evaluate
from ikmopt.solving.optimize import VERIFY_TOL, optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import solve

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = [
    "CAPACITY_CHECK",
    "DAK_TERMS",
    "RULES",
    "ValueOfOptimization",
    "dak_index",
    "dak_index_terms",
    "equal",
    "ikm_units",
    "last_year",
    "population",
    "poverty_weighted",
    "value_of_optimization",
]

#: Terms of the DAK-style index, in order, with their default weights.
DAK_TERMS: dict[str, float] = {"population": 0.25, "poverty": 0.25, "ikm_units": 0.25,
                               "cost": 0.25}

#: Relative slack allowed when a budget equals the capacity it must fit into.
_FIT_TOL = 1e-12

#: Name of the check that no cell is above its capacity, in ``ValueOfOptimization.checks``.
CAPACITY_CHECK = "capacity of every cell"


# ---------------------------------------------------------------------- the rules
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
    >>> plan = rules.equal(data, 2500)
    >>> round(float(plan.sum()), 6), bool((plan <= data.impacts["capacity"]).all())
    (2500.0, True)
    """
    total = _budget("equal", budget)
    _dataset("equal", data)
    return _allocate(data, total, np.ones(len(data.regions)), "equal")


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
    >>> by_region = rules.population(data, 2500).groupby(level="region").sum()
    >>> round(float(by_region["Jawa Barat"]) / 2500, 3)   # its population share
    0.18
    """
    total = _budget("population", budget)
    _dataset("population", data)
    return _allocate(data, total, data.population, "population")


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
    total = _budget("ikm_units", budget)
    _dataset("ikm_units", data)
    weights = _region_column(data, column, "ikm_units", "column")
    return _allocate(data, total, weights, "ikm_units")


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
    total = _budget("poverty_weighted", budget)
    _dataset("poverty_weighted", data)
    rate = _region_column(data, column, "poverty_weighted", "column")
    return _allocate(data, total, data.population * rate / 100.0, "poverty_weighted")


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
    >>> before = rules.population(data, 2000)
    >>> after = rules.last_year(data, 2500, before)
    >>> round(float((after / before).max()), 3)
    1.25
    """
    total = _budget("last_year", budget)
    _dataset("last_year", data)
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
    if owner == "region":
        return _allocate(data, total, weights, "last_year")
    return _fill(data, total, weights, "last_year")


def dak_index(
    data: Dataset,
    budget: float | Budget,
    *,
    weights: Mapping[str, float] | None = None,
    poverty_column: str = "poverty_rate_pct",
    ikm_column: str = "imk_establishments",
    cost_column: str | None = None,
    metric: str = "jobs",
) -> pd.Series:
    """Split the budget by a DAK-style index of fiscal need and sector weight.

    ILLUSTRATIVE: a stylization in the spirit of the DAK (Dana Alokasi Khusus) allocation,
    **not** the official formula. The official allocation combines general criteria (the
    region's fiscal capacity, entering as an inverse index), special criteria (regional
    characteristics) and technical criteria set by the sector ministry; this rule keeps
    that shape with the data a dataset has. Region ``r``'s weight is the index

    ``W_r = a_pop P_r / sum P + a_pov p_r / sum p + a_ikm U_r / sum U
    + a_cost (1 / c_r) / sum (1 / c)``

    with population ``P`` and poverty rate ``p`` (fiscal need), IKM units ``U`` (sector
    weight) and a cost or capacity measure ``c`` that enters inversely. Each term is a
    share that sums to 1 over the regions, so ``sum_r W_r = sum_k a_k`` and region ``r``
    receives ``W_r / sum_s W_s`` of the budget before capacities. ``c_r`` is the regions
    column ``cost_column`` when given (for example a fiscal capacity index: the weaker the
    capacity, the larger the index), otherwise the region's cost per unit of ``metric``
    at capacity, ``c_r = sum_{c in r} k_c / sum_{c in r} a_c k_c`` (Rp bn per job by
    default), a stand-in for the technical criterion (cheaper delivery, more weight).
    :func:`dak_index_terms` shows every term.

    Parameters
    ----------
    data : Dataset
    budget : float or Budget
        Rp bn to spend.
    weights : mapping, optional
        Weights ``a_k`` by term: ``"population"``, ``"poverty"``, ``"ikm_units"``,
        ``"cost"`` (numbers >= 0, not all 0); terms not given count 0. Default: 0.25 each.
    poverty_column : str, default "poverty_rate_pct"
        Regions column with the poverty rate.
    ikm_column : str, default "imk_establishments"
        Regions column with the number of IKM units.
    cost_column : str, optional
        Regions column with a positive cost or capacity measure ``c_r``.
    metric : str, default "jobs"
        Metric whose cost per Rp bn is ``c_r`` when no ``cost_column`` is given.

    Returns
    -------
    pandas.Series
        Spend per cell (Rp bn) named ``"spend"``, summing to the budget.

    Raises
    ------
    PolicyError
        If a weight is unknown or negative, all weights are 0, the budget is negative or
        exceeds the capacity of the cells with a weight, or ``metric`` is unknown.
    DataError
        If a column is missing or has missing or negative values, or a cost is 0.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> plan = rules.dak_index(data, 2500, weights={"population": 1.0})
    >>> bool(((plan - rules.population(data, 2500)).abs() < 1e-9).all())
    True
    """
    total = _budget("dak_index", budget)
    terms = dak_index_terms(data, weights=weights, poverty_column=poverty_column,
                            ikm_column=ikm_column, cost_column=cost_column, metric=metric)
    return _allocate(data, total, terms["index"].to_numpy(), "dak_index")


def dak_index_terms(
    data: Dataset,
    *,
    weights: Mapping[str, float] | None = None,
    poverty_column: str = "poverty_rate_pct",
    ikm_column: str = "imk_establishments",
    cost_column: str | None = None,
    metric: str = "jobs",
) -> pd.DataFrame:
    """The terms of :func:`dak_index` for every region.

    Parameters are those of :func:`dak_index` (without the budget).

    Returns
    -------
    pandas.DataFrame
        Indexed by region: ``cost_measure`` (``c_r``), the normalized terms
        ``population``, ``poverty``, ``ikm_units`` and ``cost`` (each sums to 1), the
        weighted ``index`` ``W_r`` and ``share`` (``W_r / sum W``, the region's share of
        the budget before capacities).

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> terms = rules.dak_index_terms(ik.datasets.load("indonesia-provinces"))
    >>> round(float(terms["share"].sum()), 9), list(terms.columns)[1:5]
    (1.0, ['population', 'poverty', 'ikm_units', 'cost'])
    """
    owner = "dak_index"
    _dataset(owner, data)
    a = _dak_weights(weights)
    pop = data.population
    poverty = _region_column(data, poverty_column, owner, "poverty_column")
    units = _region_column(data, ikm_column, owner, "ikm_column")
    if cost_column is None:
        cost = _cost_per_unit(data, metric)
    else:
        cost = _region_column(data, cost_column, owner, "cost_column")
        zero = cost <= 0
        if zero.any():
            raise DataError(
                f"{owner}: cost_column '{cost_column}' must be greater than 0 for every region "
                f"(it enters as 1 / c); it is 0 at {data.regions.index[zero][:5].tolist()}"
            )
    inverse = 1.0 / cost
    table = pd.DataFrame(
        {
            "cost_measure": cost,
            "population": pop / pop.sum(),
            "poverty": poverty / poverty.sum(),
            "ikm_units": units / units.sum(),
            "cost": inverse / inverse.sum(),
        },
        index=data.regions.index,
    )
    table["index"] = sum(a[k] * table[k] for k in DAK_TERMS)
    table["share"] = table["index"] / table["index"].sum()
    return table


#: The rules :func:`value_of_optimization` compares by default (``last_year`` needs data).
RULES: dict[str, Callable[..., pd.Series]] = {
    "equal": equal,
    "population": population,
    "ikm_units": ikm_units,
    "poverty_weighted": poverty_weighted,
    "dak_index": dak_index,
}


# ---------------------------------------------------------------------- core
def _budget(owner: str, budget: Any) -> float:
    """The total to spend, from a number or a Budget's total."""
    if isinstance(budget, Budget):
        if budget.total is None:
            raise PolicyError(f"{owner}: the Budget has no total; give Budget(total=...) or a "
                              "number of Rp bn")
        return float(budget.total)
    return number(owner, "budget", budget)


def _dataset(owner: str, data: Any) -> None:
    if not isinstance(data, Dataset):
        raise DataError(f"{owner}: needs an ik.Dataset first, got {type(data).__name__}")


def _region_column(data: Dataset, column: Any, owner: str, argument: str) -> np.ndarray:
    """A regions column as floats >= 0 (not all 0), or an error naming it."""
    if not isinstance(column, str):
        raise PolicyError(f"{owner}: {argument} must be the name of a regions column, got "
                          f"{column!r}")
    regions = data.regions
    if column not in regions.columns:
        raise DataError(
            f"{owner}: {argument}='{column}' is not a column of the regions table of dataset "
            f"'{data.name}'{suggest(column, regions.columns)}; its columns are "
            f"{list(regions.columns)}"
        )
    log = FailureLog()
    values = check_numeric(log, "regions", regions[[column]], [column])[column]
    log.raise_if_any(f"{owner}: {argument}='{column}'")
    values = values.to_numpy(dtype=float)
    if not values.sum() > 0:
        raise DataError(f"{owner}: {argument}='{column}' is 0 for every region; there is "
                        "nothing to be proportional to")
    return values


def _dak_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return dict(DAK_TERMS)
    if not isinstance(weights, Mapping):
        raise PolicyError(f"dak_index: weights must be a mapping {{term: weight}} over "
                          f"{list(DAK_TERMS)}, got {type(weights).__name__}")
    unknown = [k for k in weights if k not in DAK_TERMS]
    if unknown:
        raise PolicyError(f"dak_index: unknown weight '{unknown[0]}'"
                          f"{suggest(str(unknown[0]), DAK_TERMS)}; the terms are "
                          f"{list(DAK_TERMS)}")
    clean = dict.fromkeys(DAK_TERMS, 0.0)
    for k, w in weights.items():
        clean[k] = number("dak_index", f"weights['{k}']", w)
    if not any(clean.values()):
        raise PolicyError("dak_index: every weight is 0; give at least one positive weight")
    return clean


def _cost_per_unit(data: Dataset, metric: str) -> np.ndarray:
    """Rp bn per unit of ``metric`` of every region, capacity-weighted over its cells."""
    try:
        coef = data.coefficients(metric)
    except PolicyError as err:
        raise PolicyError(f"dak_index: {err} (metric= sets the cost measure when no "
                          "cost_column is given)") from None
    n = len(data.regions)
    room = _capacity(data)
    money = np.bincount(data.region_codes, weights=room, minlength=n)
    outcome = np.bincount(data.region_codes, weights=coef * room, minlength=n)
    bad = ~(outcome > 0)
    if bad.any():
        raise DataError(
            f"dak_index: region(s) {data.regions.index[bad][:5].tolist()} have no capacity or "
            f"no '{metric}' per Rp bn, so their cost per {metric} is undefined; give "
            "cost_column= or drop the weight of 'cost'"
        )
    return money / outcome


def _capacity(data: Dataset) -> np.ndarray:
    """What each cell can absorb: capacity, and no more than the end of its curve."""
    room = data.capacity.copy()
    curves = data.curves
    if curves is not None:
        end = np.bincount(curves.cell, weights=curves.width, minlength=data.n_cells)
        curved = curves.curved_cells
        room[curved] = np.minimum(room[curved], end[curved])
    return room


def _allocate(data: Dataset, total: float, region_weight: np.ndarray, owner: str) -> pd.Series:
    """Region weights -> cell weights by capacity within each region -> water-filling."""
    region_weight = np.asarray(region_weight, dtype=float)
    room = _capacity(data)
    codes = data.region_codes
    region_room = np.bincount(codes, weights=room, minlength=len(region_weight))
    share = region_weight / region_weight.sum()
    per_room = np.divide(share, region_room, out=np.zeros_like(share), where=region_room > 0)
    return _fill(data, total, per_room[codes] * room, owner, room)


def _fill(
    data: Dataset, total: float, weight: np.ndarray, owner: str,
    room: np.ndarray | None = None,
) -> pd.Series:
    """``x_c = min(k_c, lambda w_c)`` with ``sum x = total`` (water-filling, see module)."""
    room = _capacity(data) if room is None else room
    weight = np.asarray(weight, dtype=float)
    x = np.zeros(data.n_cells)
    if total > 0:
        everything = float(room.sum())
        if total > everything * (1 + _FIT_TOL):
            raise PolicyError(
                f"{owner}: budget Rp {total:,.2f} bn exceeds the total capacity of the cells of "
                f"dataset '{data.name}', Rp {everything:,.2f} bn; no allocation can spend it"
            )
        free = (weight > 0) & (room > 0)
        reach = float(room[free].sum())
        if total > reach * (1 + _FIT_TOL):
            raise PolicyError(
                f"{owner}: budget Rp {total:,.2f} bn exceeds the capacity of the cells this "
                f"rule gives money to, Rp {reach:,.2f} bn (total capacity Rp "
                f"{everything:,.2f} bn; cells and regions with weight 0 get nothing)"
            )
        remaining = total
        for _ in range(data.n_cells + 1):  # each round caps >= 1 cell, so this always ends
            if not free.any():
                break
            level = max(remaining, 0.0) / weight[free].sum()
            over = free & (level * weight > room)
            if not over.any():
                x[free] = level * weight[free]
                break
            x[over] = room[over]
            remaining -= float(room[over].sum())
            free &= ~over
        x = np.minimum(x, room)
    return pd.Series(x, index=data.cells, name="spend")


# ---------------------------------------------------------------------- value of optimization
@dataclass(frozen=True, eq=False)
class ValueOfOptimization:
    """The optimum of a policy next to the rules of thumb.

    Created by :func:`value_of_optimization`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per plan (``"optimized"`` first, then each rule), columns: ``plan``,
        ``spend`` (Rp bn), one column per metric, ``gini_spend`` and ``gini_<metric>``
        (population-weighted Gini of per-capita spend and outcomes across regions),
        ``objective`` (the policy's objective on the plan; NaN for every plan when the
        objective has no value comparable across plans, see
        :func:`value_of_optimization`), ``gain_pct`` (the optimum's objective over the
        plan's, in percent above it), ``gain_<metric>_pct`` (the same for each metric),
        ``satisfies_policy`` and ``violated`` (the rules the plan breaks, separated by
        ``"; "``).
        ``table.attrs`` holds ``objective`` (its description) and ``budget``.
    allocations : dict
        Plan name -> spend per cell (Rp bn).
    checks : pandas.DataFrame
        Plan x rule: whether the plan satisfies it. Columns: ``"capacity of every cell"``
        (no cell above its capacity, relative tolerance 1e-6), the budget, then each
        constraint (labelled by their ``describe()``).
    result : Result
        The optimized plan.
    """

    table: pd.DataFrame
    allocations: dict[str, pd.Series]
    checks: pd.DataFrame
    result: Result

    def plot(self, metric: str | None = None, ax: Any = None) -> Any:
        """Bar chart of ``metric`` (default ``jobs``, else the first metric) per plan.

        Parameters
        ----------
        metric : str, optional
            A metric column of :attr:`table` (or ``"objective"``).
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure otherwise.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from ikmopt.plot import value_of_optimization  # face hook (listed in the import contract)

        return value_of_optimization(self, metric, ax=ax)

    def __str__(self) -> str:
        metrics = list(self.result.data.metrics)
        columns = ["spend", *metrics, "gini_spend", *(f"gini_{m}" for m in metrics[:1]),
                   "objective", "gain_pct", "satisfies_policy"]
        frame = self.table.set_index("plan")[columns]

        def fmt(spec: str) -> Callable[[float], str]:
            return lambda v: format(v, spec) if np.isfinite(v) else "-"

        formats = {c: fmt(".3f") for c in columns if c.startswith("gini_")}
        formats.update({c: fmt(",.1f") for c in ["spend", *metrics, "gain_pct"]})
        formats["objective"] = lambda v: (
            "-" if not np.isfinite(v) else f"{v:,.1f}" if abs(v) >= 100 else f"{v:#.4g}")
        lines = [
            f"Value of optimization: {self.table.attrs.get('objective', '')}; budget Rp "
            f"{self.table.attrs.get('budget', np.nan):,.0f} bn",
            frame.to_string(formatters=formats, na_rep="-"),  # type: ignore[arg-type]
        ]
        broken = self.table[~self.table["satisfies_policy"]]
        for plan, violated in zip(broken["plan"], broken["violated"], strict=True):
            lines.append(f"  {plan} breaks: {violated}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<ikmopt.ValueOfOptimization: optimized and {len(self.table) - 1} rule(s); "
                f"{self.table.attrs.get('objective', '')}>")


def value_of_optimization(
    data: Dataset,
    policy: Policy,
    *,
    rules: Sequence[str] | Mapping[str, Callable[..., pd.Series] | pd.Series] | None = None,
    last_year: pd.Series | pd.DataFrame | None = None,
    solver: str | SolveOptions = "highs",
    **solve_options: Any,
) -> ValueOfOptimization:
    """What optimizing is worth: the optimum of ``policy`` next to rules of thumb.

    The policy is solved with :func:`ikmopt.optimize`; every rule allocates the policy's
    budget total (and ignores its other rules). Each plan is measured with
    :func:`ikmopt.evaluate` and checked against every rule of the policy.

    Parameters
    ----------
    data : Dataset
    policy : Policy
        Must have a budget ``total``.
    rules : sequence of str or mapping, optional
        Rule names from :data:`RULES` (and ``"last_year"``), or a mapping ``{name: rule}``
        where a rule is a callable ``rule(data, budget) -> Series`` or a ready allocation
        (a Series over cells). Default: every rule of :data:`RULES`.
    last_year : pandas.Series or pandas.DataFrame, optional
        Last year's allocation for the ``last_year`` rule (see :func:`last_year`); when
        given, that rule is compared too (after the others unless ``rules`` places it).
    solver : str or SolveOptions, default "highs"
        As for :func:`ikmopt.optimize`, as are ``**solve_options``.
        As for :func:`ikmopt.optimize`; also used for the constraint checks.

    Returns
    -------
    ValueOfOptimization
        ``table``, ``allocations``, ``checks``, ``result``, ``plot()``.

    Raises
    ------
    PolicyError
        If the policy has no budget total, a rule name is unknown or repeated, or
        ``"last_year"`` is asked for without ``last_year=``; and whatever a rule raises.
    SolverError
        If the policy cannot be solved (e.g. :class:`~ikmopt.InfeasibleError`).

    Notes
    -----
    The objective is evaluated on a rule's allocation for :class:`~ikmopt.Maximize`,
    :class:`~ikmopt.Weighted` (normalized by the optimum's single-metric optima, so the
    numbers are comparable with ``result.objective``) and
    :class:`~ikmopt.PovertyWeighted`, with the policy's accrual. Other objectives (solved
    in stages, or minimizing) have no single value comparable across plans: ``objective``
    and ``gain_pct`` are NaN for every plan, the optimum included (``result.objective``
    still holds the solver's value), and ``gain_<metric>_pct`` remain. A rule that
    satisfies the policy is a feasible plan, so the optimum's gain over it is >= 0; a rule
    that breaks a rule of the policy may score higher than the optimum (its ``violated``
    column says why).

    Capacities are checked directly (a ready allocation given in ``rules`` may exceed
    them; a rule never does). Whether a plan satisfies a policy rule is decided by the
    linear program itself: the rule's rows (with the rows that define total spend and
    curve segments) are built with :func:`ikmopt.model.build.build`, the cells are fixed at the
    plan's spend (projects at not built) and a zero-objective program is solved: feasible
    means satisfied. Rows that an objective adds (the targets of ``MinCost`` and
    ``GoalProgram``) are not checked.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.Policy(budget=ik.Budget(total=2500), objective=ik.Maximize("jobs"))
    >>> value = rules.value_of_optimization(data, policy, rules=["equal", "population"])
    >>> value.table["plan"].tolist()
    ['optimized', 'equal', 'population']
    >>> bool((value.table["gain_pct"].iloc[1:] > 0).all())
    True
    """
    _dataset("value_of_optimization", data)
    if not isinstance(policy, Policy):
        raise PolicyError(f"value_of_optimization: needs an ik.Policy, got "
                          f"{type(policy).__name__}")
    if policy.budget.total is None:
        raise PolicyError("value_of_optimization: the policy's Budget has no total; the rules "
                          "need a total to allocate")
    total = float(policy.budget.total)
    makers = _rule_makers(rules, last_year)
    options = SolveOptions.of(solver, **solve_options)
    result = optimize(data, policy, options)

    allocations: dict[str, pd.Series] = {"optimized": result.allocation}
    for name, rule in makers.items():
        made = rule if isinstance(rule, pd.Series) else rule(data, total)
        if not isinstance(made, pd.Series):
            raise PolicyError(f"value_of_optimization: rule '{name}' returned "
                              f"{type(made).__name__}, not a Series of spend over cells")
        allocations[name] = made

    projects = [] if data.projects is not None else None
    names = _unique([CAPACITY_CHECK, policy.budget.describe(),
                     *(c.describe() for c in policy.constraints)])
    room = _capacity(data)
    checks = {}
    rows = []
    # objectives solved in stages, or with extra columns, have no value on a rule's plan
    valued = isinstance(policy.objective, Maximize | Weighted | PovertyWeighted)
    opt_objective = result.objective if valued else float("nan")
    for name, allocation in allocations.items():
        if name == "optimized":
            measured: Any = result
            objective = opt_objective
            checks[name] = dict.fromkeys(names, True)  # verified by optimize
        else:
            measured = evaluate(data, allocation, accrual=policy.accrual, projects=projects)
            spend = measured.allocation.to_numpy()
            objective = _objective_value(data, policy, result, spend)
            within = bool((spend <= room + VERIFY_TOL * (1.0 + room)).all())
            checks[name] = dict(zip(names, [within, *_satisfies(data, policy, spend, options)],
                                    strict=True))
        outcomes, equity = measured.outcomes, measured.equity
        row: dict[str, Any] = {"plan": name, "spend": outcomes["spend"]}
        row.update({m: outcomes[m] for m in data.metrics})
        row["gini_spend"] = equity.get(("spend", "gini"), np.nan)
        row.update({f"gini_{m}": equity.get((m, "gini"), np.nan) for m in data.metrics})
        row["objective"] = objective
        row["gain_pct"] = _gain(opt_objective, objective, result.sense)
        row.update({f"gain_{m}_pct": _gain(result.outcomes[m], outcomes[m], 1.0)
                    for m in data.metrics})
        broken = [rule for rule, ok in checks[name].items() if not ok]
        row["satisfies_policy"] = not broken
        row["violated"] = "; ".join(broken)
        rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs["objective"] = policy.objective.describe()
    table.attrs["budget"] = total
    check_table = pd.DataFrame.from_dict(checks, orient="index")[names]
    check_table.index.name = "plan"
    return ValueOfOptimization(table, allocations, check_table, result)


def _rule_makers(
    rules: Sequence[str] | Mapping[str, Any] | None, last: pd.Series | pd.DataFrame | None
) -> dict[str, Any]:
    """``{name: callable or Series}`` from the ``rules`` argument."""
    if rules is None:
        rules = list(RULES)
    if isinstance(rules, str):
        rules = [rules]
    known = [*RULES, "last_year"]
    makers: dict[str, Any] = {}
    if isinstance(rules, Mapping):
        for name, rule in rules.items():
            if not (callable(rule) or isinstance(rule, pd.Series)):
                raise PolicyError(f"value_of_optimization: rules['{name}'] must be a callable "
                                  f"rule(data, budget) or a Series of spend, got "
                                  f"{type(rule).__name__}")
            makers[str(name)] = rule
    else:
        for name in rules:
            if name not in known:
                raise PolicyError(f"value_of_optimization: unknown rule {name!r}"
                                  f"{suggest(str(name), known)}; rules are {known}")
            if name in makers:
                raise PolicyError(f"value_of_optimization: rule '{name}' is listed twice")
            if name == "last_year":
                if last is None:
                    raise PolicyError("value_of_optimization: rule 'last_year' needs "
                                      "last_year= (last year's allocation)")
                makers[name] = partial(last_year, allocation=last)
            else:
                makers[name] = RULES[name]
    if last is not None and "last_year" not in makers:
        makers["last_year"] = partial(last_year, allocation=last)
    if "optimized" in makers:
        raise PolicyError("value_of_optimization: 'optimized' is the optimum's name; call the "
                          "rule something else")
    return makers


def _unique(labels: list[str]) -> list[str]:
    """Labels made unique by a ``#k`` suffix on repeats (two identical constraints)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def _gain(best: float, other: float, sense: float) -> float:
    """How much better ``best`` is than ``other``, in percent of ``|other|``."""
    if not (np.isfinite(best) and np.isfinite(other)) or other == 0:
        return float("nan")
    return float(sense * (best - other) / abs(other) * 100.0)


def _objective_value(data: Dataset, policy: Policy, result: Result,
                     spend: np.ndarray) -> float:
    """The policy's objective on cell spend (no projects), or NaN where undefined."""
    objective = policy.objective
    coef = objective_coefficients(data, policy)
    n = data.n_cells

    def cells(metric: str) -> np.ndarray:
        return coef(metric)[:n]

    if isinstance(objective, Maximize | Weighted):
        cost = objective.cost(cells, result.optima)
    elif isinstance(objective, PovertyWeighted):
        cost = cells(objective.metric) * objective.region_weights(data)[data.region_codes]
    else:
        return float("nan")
    return float(np.asarray(cost, dtype=float) @ data.effective_spend(spend))


def _satisfies(data: Dataset, policy: Policy, spend: np.ndarray,
               options: SolveOptions) -> list[bool]:
    """For the budget and each constraint: whether fixed cell spend satisfies its rows."""
    lp = build(data, policy, objective=Maximize(data.metrics[0]))
    n = data.n_cells
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[:n] = upper[:n] = spend
    family = lp.aux["family"].to_numpy()
    segments = n + np.flatnonzero(family == "segment")
    if len(segments):
        curves = data.curves
        filled = np.clip(spend[curves.cell] - curves.start, 0.0, curves.width)
        lower[segments] = upper[segments] = filled
    projects = n + np.flatnonzero(family == "project")
    lower[projects] = upper[projects] = 0.0
    owner = lp.rows["constraint"].to_numpy()
    definition = (lp.rows["kind"] == "definition").to_numpy()
    out = []
    for position in range(len(policy.constraints) + 1):
        keep = definition | (owner == position)
        if not (owner == position).any():
            out.append(True)
            continue
        sub = replace(lp.with_rows(keep), cost=np.zeros(lp.n_cols), col_lower=lower,
                      col_upper=upper, integrality=None, objective_offset=0.0)
        try:
            solve(sub, options)
        except InfeasibleError:
            out.append(False)
        else:
            out.append(True)
    return out
