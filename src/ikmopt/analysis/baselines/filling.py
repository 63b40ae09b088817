"""Water-filling: turn region or cell weights into spend that fits every cell's capacity.

The method is described in :mod:`ikmopt.analysis.baselines`. Also the checks every rule of
thumb shares: the budget to spend, the dataset, a regions column to be proportional to.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import FailureLog, check_numeric, suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Budget

__all__ = ["allocate", "budget_total", "capacity", "check_dataset", "fill", "region_column"]

#: Relative slack allowed when a budget equals the capacity it must fit into.
_FIT_TOL = 1e-12


def budget_total(owner: str, budget: Any) -> float:
    """The total to spend, from a number or a Budget's total."""
    if isinstance(budget, Budget):
        if budget.total is None:
            raise PolicyError(f"{owner}: the Budget has no total; give Budget(total=...) or a "
                              "number of Rp bn")
        return float(budget.total)
    return number(owner, "budget", budget)


def check_dataset(owner: str, data: Any) -> None:
    """Refuse anything but a Dataset, naming the function (``owner``) that needs it."""
    if not isinstance(data, Dataset):
        raise DataError(f"{owner}: needs an ik.Dataset first, got {type(data).__name__}")


def region_column(data: Dataset, column: Any, owner: str, argument: str) -> np.ndarray:
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


def capacity(data: Dataset) -> np.ndarray:
    """What each cell can absorb: capacity, and no more than the end of its curve."""
    room = data.capacity.copy()
    curves = data.curves
    if curves is not None:
        end = np.bincount(curves.cell, weights=curves.width, minlength=data.n_cells)
        curved = curves.curved_cells
        room[curved] = np.minimum(room[curved], end[curved])
    return room


def allocate(data: Dataset, total: float, region_weight: np.ndarray, owner: str) -> pd.Series:
    """Region weights -> cell weights by capacity within each region -> water-filling."""
    region_weight = np.asarray(region_weight, dtype=float)
    room = capacity(data)
    codes = data.region_codes
    region_room = np.bincount(codes, weights=room, minlength=len(region_weight))
    share = region_weight / region_weight.sum()
    per_room = np.divide(share, region_room, out=np.zeros_like(share), where=region_room > 0)
    return fill(data, total, per_room[codes] * room, owner, room)


def fill(
    data: Dataset, total: float, weight: np.ndarray, owner: str,
    room: np.ndarray | None = None,
) -> pd.Series:
    """``x_c = min(k_c, lambda w_c)`` with ``sum x = total`` (water-filling, see module)."""
    room = capacity(data) if room is None else room
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
