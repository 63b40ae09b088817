"""Groups of cells: by a level or attribute, and the cells a ``where=`` selects.

The work of :meth:`Dataset.level_codes <ikmopt.data.dataset.Dataset.level_codes>` (which
caches it) and :meth:`Dataset.mask <ikmopt.data.dataset.Dataset.mask>`, done through the
dataset's public properties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import suggest

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = [
    "as_list",
    "attribute_codes",
    "cell_level_codes",
    "cells_where",
    "combined_codes",
    "level_groups",
]


def level_groups(data: Dataset, level: str | tuple[str, ...]) -> tuple[np.ndarray, pd.Index]:
    """Group every cell of ``data`` by ``level`` (see :meth:`Dataset.level_codes`).

    A tuple's parts come from ``data.level_codes``, so they are cached there.
    """
    if isinstance(level, tuple):
        if len(level) == 1:
            return data.level_codes(level[0])
        parts = [data.level_codes(name) for name in level]
        return combined_codes(parts, level, data.n_cells)
    if level in data.levels:
        return cell_level_codes(data.cells, level)
    for owner, table in enumerate((data.regions, data.programs)):
        if level in table.columns:
            return attribute_codes(table[level], data.cells.codes[owner])
    raise PolicyError(
        f"unknown level '{level}'{suggest(level, data.available_levels())}; "
        f"levels of dataset '{data.name}' are {data.available_levels()}"
    )


def cell_level_codes(cells: pd.MultiIndex, level: str) -> tuple[np.ndarray, pd.Index]:
    """Group cells by one of their index levels; labels no cell uses are dropped."""
    pos = list(cells.names).index(level)
    codes = np.asarray(cells.codes[pos], dtype=np.int64)
    categories = cells.levels[pos]
    used = np.unique(codes)
    if len(used) != len(categories):  # drop labels no cell uses
        remap = np.full(len(categories), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        codes, categories = remap[codes], categories[used]
    return codes, pd.Index(categories, name=level)


def attribute_codes(column: pd.Series, owner_codes: Any) -> tuple[np.ndarray, pd.Index]:
    """Group cells by a column of the regions or programs table.

    ``owner_codes`` is each cell's row in that table; a missing attribute gives ``-1``.
    """
    table_codes, categories = pd.factorize(column, sort=False)
    owner = np.asarray(owner_codes, dtype=np.int64)
    return (np.asarray(table_codes, dtype=np.int64)[owner],
            pd.Index(categories, name=column.name))


def combined_codes(parts: Sequence[tuple[np.ndarray, pd.Index]], names: Sequence[str],
                   n_cells: int) -> tuple[np.ndarray, pd.MultiIndex]:
    """Group cells by the combinations of several groupings that occur (a MultiIndex)."""
    stacked = np.stack([codes for codes, _ in parts])
    missing = (stacked < 0).any(axis=0)
    combos, inverse = np.unique(stacked[:, ~missing], axis=1, return_inverse=True)
    codes = np.full(n_cells, -1, dtype=np.int64)
    codes[~missing] = inverse.ravel()
    categories = pd.MultiIndex.from_arrays(
        [cats[combos[i]] for i, (_, cats) in enumerate(parts)], names=list(names)
    )
    return codes, categories


def cells_where(data: Dataset, where: Mapping[str, Any] | None) -> np.ndarray:
    """The work of :meth:`Dataset.mask <ikmopt.data.dataset.Dataset.mask>`."""
    if where is not None and not isinstance(where, Mapping):
        raise DataError(f"where= must be a mapping {{level: value(s)}}, e.g. "
                        f"{{'program': 'training'}}; got {type(where).__name__} {where!r}")
    selected = np.ones(data.n_cells, dtype=bool)
    for level, values in (where or {}).items():
        try:
            codes, categories = data.level_codes(level)
        except PolicyError as err:
            raise DataError(f"where= {err}") from None
        wanted = as_list(values)
        positions = categories.get_indexer(pd.Index(wanted, dtype=categories.dtype))
        if (positions < 0).any():
            bad = [w for w, p in zip(wanted, positions, strict=True) if p < 0]
            raise DataError(
                f"level '{level}' has no value(s) {bad}"
                f"{suggest(str(bad[0]), map(str, categories))}; "
                f"known values: {list(categories)[:20]}"
            )
        selected &= np.isin(codes, positions)
    return selected


def as_list(values: Any) -> list[Any]:
    """``values`` as a list; a string (or any single value) is a list of one."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        return [values]
    return list(values)
