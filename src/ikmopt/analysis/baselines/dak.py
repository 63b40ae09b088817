"""The DAK-style index: a rule of thumb by need, sector weight and cost (ILLUSTRATIVE)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ikmopt.analysis.baselines.filling import (
    allocate,
    budget_total,
    capacity,
    check_dataset,
    region_column,
)
from ikmopt.core.checks import number
from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Budget

__all__ = ["DAK_TERMS", "dak_index", "dak_index_terms"]

#: Terms of the DAK-style index, in order, with their default weights.
DAK_TERMS: dict[str, float] = {"population": 0.25, "poverty": 0.25, "ikm_units": 0.25,
                               "cost": 0.25}


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
    """Split the budget by a DAK-style index of need, sector weight and cost.

    ILLUSTRATIVE: a stylization in the spirit of a formula-based transfer, **not** the
    official DAK (Dana Alokasi Khusus) allocation. Since PMK 48/PMK.07/2016, DAK fisik is
    allocated from the regions' proposals, verified technical needs, national priorities
    and past absorption, not by an index. This rule borrows its shape from the formula used
    before (general criteria from IFN, *Indeks Fiskal Neto*: a region's fiscal capacity
    over the national average, entering inversely; special criteria; technical criteria
    set by the sector ministry) and, for the cost term, from the DAU formula. Region
    ``r``'s weight is the index

    ``W_r = a_pop P_r / sum P + a_pov p_r / sum p + a_ikm U_r / sum U
    + a_cost c_r / sum c``

    with population ``P`` and poverty rate ``p`` (need), IKM units ``U`` (sector weight) and
    a cost measure ``c``. Each term is a share that sums to 1 over the regions, so
    ``sum_r W_r = sum_k a_k`` and region ``r`` receives ``W_r / sum_s W_s`` of the budget
    before capacities.

    The cost term follows the direction of a construction cost index in a transfer formula:
    a region where delivery costs more gets **more**, so that the same budget buys it a
    comparable volume. In the DAU formula a higher construction cost index (IKK, *Indeks
    Kemahalan Konstruksi*) raises a region's fiscal need and its allocation (PMK
    48/PMK.07/2016, art. 41(4)). The role and sign of IKK in the DAK fisik IKM allocation
    were not found. ``c_r`` is the regions column ``cost_column`` when given (for example
    BPS's IKK), otherwise the region's cost per unit of ``metric`` at capacity,
    ``c_r = sum_{c in r} k_c / sum_{c in r} a_c k_c`` (Rp bn per job by default). To weigh by
    fiscal capacity as the pre-2016 general criterion did (eligible below IFN = 1, more for
    weaker finances), give a column holding the inverse ``1 / IFN``.
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
        Regions column with a positive cost index ``c_r`` (higher: more money), such as a
        construction cost index.
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
    >>> plan = rules.dak_index(data, 971, weights={"population": 1.0})
    >>> bool(((plan - rules.population(data, 971)).abs() < 1e-9).all())
    True
    """
    total = budget_total("dak_index", budget)
    terms = dak_index_terms(data, weights=weights, poverty_column=poverty_column,
                            ikm_column=ikm_column, cost_column=cost_column, metric=metric)
    return allocate(data, total, terms["index"].to_numpy(), "dak_index")


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
        ``population``, ``poverty``, ``ikm_units`` and ``cost`` (``c_r / sum c``; each term
        sums to 1), the weighted ``index`` ``W_r`` and ``share`` (``W_r / sum W``, the
        region's share of the budget before capacities).

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> terms = rules.dak_index_terms(ik.datasets.load("indonesia-provinces"))
    >>> round(float(terms["share"].sum()), 9), list(terms.columns)[1:5]
    (1.0, ['population', 'poverty', 'ikm_units', 'cost'])
    """
    owner = "dak_index"
    check_dataset(owner, data)
    a = _dak_weights(weights)
    pop = data.population
    poverty = region_column(data, poverty_column, owner, "poverty_column")
    units = region_column(data, ikm_column, owner, "ikm_column")
    if cost_column is None:
        cost = _cost_per_unit(data, metric)
    else:
        cost = region_column(data, cost_column, owner, "cost_column")
        zero = cost <= 0
        if zero.any():
            raise DataError(
                f"{owner}: cost_column '{cost_column}' must be greater than 0 for every region "
                f"(a cost index); it is 0 at {data.regions.index[zero][:5].tolist()}"
            )
    table = pd.DataFrame(
        {
            "cost_measure": cost,
            "population": pop / pop.sum(),
            "poverty": poverty / poverty.sum(),
            "ikm_units": units / units.sum(),
            "cost": cost / cost.sum(),
        },
        index=data.regions.index,
    )
    table["index"] = sum(a[k] * table[k] for k in DAK_TERMS)
    table["share"] = table["index"] / table["index"].sum()
    return table


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
    room = capacity(data)
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
