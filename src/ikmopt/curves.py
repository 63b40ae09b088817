"""Diminishing returns: concave piecewise-linear outcomes per cell.

A curves table gives some cells segments of spend with non-increasing *factors*: the first
``width_1`` Rp bn of the cell earn ``factor_1`` times the cell's coefficients, the next
``width_2`` earn ``factor_2`` times them, and so on; spend beyond the last segment earns
nothing. Because the factors never increase the outcome is concave in spend, and a
maximizing LP fills the segments in order without binary variables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .validation import FailureLog, check_numeric

__all__ = ["Curves", "validate_curves"]


@dataclass(frozen=True, eq=False)
class Curves:
    """Validated segments, sorted by cell then segment.

    Attributes
    ----------
    table : pandas.DataFrame
        The curves table, indexed by the cell levels and ``segment``.
    cell : numpy.ndarray
        Position of each segment's cell in the dataset's cell order.
    start, width, factor : numpy.ndarray
        Where each segment starts (Rp bn spent in the cell before it), its width (Rp bn)
        and its factor.
    """

    table: pd.DataFrame
    cell: np.ndarray
    start: np.ndarray
    width: np.ndarray
    factor: np.ndarray

    @property
    def curved_cells(self) -> np.ndarray:
        """Positions of the cells that have segments."""
        return np.unique(self.cell)

    def effective_spend(self, spend: np.ndarray) -> np.ndarray:
        """Spend weighted by the segments' factors: ``sum_k f_k clip(x - start_k, 0, w_k)``.

        Cells without segments keep their spend.
        """
        effective = np.asarray(spend, dtype=float).copy()
        effective[self.curved_cells] = 0.0
        filled = np.clip(spend[self.cell] - self.start, 0.0, self.width)
        np.add.at(effective, self.cell, self.factor * filled)
        return effective


def validate_curves(
    log: FailureLog, curves: pd.DataFrame, cells: pd.MultiIndex, factor: float
) -> Curves | None:
    """Check a curves table against the cells; ``factor`` converts widths to Rp bn."""
    table = curves.copy()
    levels = list(cells.names)
    index_names = [n for n in table.index.names if n is not None]
    if index_names:
        table = table.reset_index()
    missing = [c for c in (*levels, "segment", "width", "factor") if c not in table.columns]
    for column in missing:
        log.add("curves", column, f"required column is missing; columns present: "
                f"{list(table.columns)}")
    if missing:
        return None
    for level in levels:
        table[level] = table[level].astype(np.int64) if level == "year" else table[
            level].astype(str).str.strip()
    table = check_numeric(log, "curves", table, ["width", "factor"])
    bad_width = table["width"] <= 0
    if bad_width.any():
        log.add("curves", "width", "must be greater than 0",
                labels=[tuple(r) for r in table.loc[bad_width, [*levels, "segment"]].to_numpy()])
    keys = pd.MultiIndex.from_frame(table[levels])
    position = cells.get_indexer(keys)
    unknown = position < 0
    if unknown.any():
        log.add("curves", "/".join(levels), "cell not in the impacts table",
                labels=list(dict.fromkeys(keys[unknown].tolist())))
    dup = table.duplicated([*levels, "segment"], keep="first")
    if dup.any():
        log.add("curves", "segment", "duplicate segment of a cell",
                labels=[tuple(r) for r in table.loc[dup, [*levels, "segment"]].to_numpy()])
    if log:
        return None
    table["_cell"] = position
    table = table.sort_values(["_cell", "segment"], kind="stable")
    cell = table["_cell"].to_numpy()
    width = table["width"].to_numpy(dtype=float) * factor
    f = table["factor"].to_numpy(dtype=float)
    same = cell[1:] == cell[:-1]
    rising = np.flatnonzero(same & (f[1:] > f[:-1] + 1e-12))
    if len(rising):
        log.add("curves", "factor",
                "factors must not increase from one segment to the next (returns must "
                "diminish: the outcome has to be concave)",
                labels=[cells[cell[i + 1]] for i in rising])
        return None
    start = np.cumsum(width) - width
    first = np.r_[True, ~same]
    start = start - np.maximum.accumulate(np.where(first, start, 0.0))
    indexed = table.drop(columns="_cell").set_index([*levels, "segment"])
    return Curves(indexed, cell, start, width, f)
