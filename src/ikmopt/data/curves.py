"""Diminishing returns: concave piecewise-linear outcomes per cell.

A curves table gives some cells segments of spend with non-increasing *factors*: the first
segment of a cell earns ``factor_1`` times the cell's coefficients, the next ``factor_2``
times them, and so on. Because the factors never increase the outcome is concave in spend,
and a maximizing LP fills the segments in order without binary variables.

How long each segment is can be written in one of two forms (one column or the other):

``share``
    The segment's share of the cell's capacity; a cell's shares add up to 1. The curve is a
    shape over the capacity, so it follows the capacity: triple a cell's capacity and every
    segment triples. This is what :meth:`Dataset.to_excel` and :meth:`Dataset.to_csv` write,
    so a capacity edited in the exported workbook or CSV folder takes its curve along.
``width``
    The segment's length in money (``money_unit``). A cell's widths must add up to its
    capacity: otherwise a :class:`~ikmopt.core.errors.DataError` names the cells, with the sum of
    their widths and their capacity (spend past the last segment would earn nothing, and
    segments past the capacity could never be reached). A cell with capacity 0 is exempt.

What-if copies that change capacities (:meth:`Dataset.with_capacity`,
:meth:`Dataset.with_cost`, :meth:`Dataset.replace` with a new impacts table) keep the shares,
so the segments stretch or shrink with the capacity. In a dataset with curves, cells without
segments get straight-line returns and a :class:`~ikmopt.core.errors.DataWarning` naming them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikmopt.core.validation import FailureLog, blank_labels, check_numeric

__all__ = ["Curves", "validate_curves"]

#: How far a cell's shares may be from 1, and its widths from its capacity (relative).
SUM_TOLERANCE = 1e-6
#: The two forms of a segment's length.
FORMS = ("share", "width")


@dataclass(frozen=True, eq=False)
class Curves:
    """Validated segments, sorted by cell then segment.

    Attributes
    ----------
    table : pandas.DataFrame
        The curves table, indexed by the cell levels and ``segment``, with ``width`` (Rp bn)
        and ``factor``.
    cell : numpy.ndarray
        Position of each segment's cell in the dataset's cell order.
    start, width, factor : numpy.ndarray
        Where each segment starts (Rp bn spent in the cell before it), its width (Rp bn)
        and its factor.
    share : numpy.ndarray
        Each segment's share of its cell's capacity (of the cell's total width when the
        capacity is 0); a cell's shares add up to 1.
    """

    table: pd.DataFrame
    cell: np.ndarray
    start: np.ndarray
    width: np.ndarray
    factor: np.ndarray
    share: np.ndarray

    @property
    def curved_cells(self) -> np.ndarray:
        """Positions of the cells that have segments."""
        return np.unique(self.cell)

    def relative(self) -> pd.DataFrame:
        """The curves table with each segment's ``share`` of capacity instead of its width.

        This form follows the capacity: it is what the dataset writers use, and what
        what-if copies that change capacities pass on.
        """
        table = self.table.drop(columns="width")
        table.insert(0, "share", self.share)
        return table

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
    log: FailureLog,
    curves: pd.DataFrame,
    cells: pd.MultiIndex,
    factor: float,
    capacity: np.ndarray,
) -> Curves | None:
    """Check a curves table against the cells and their capacities.

    Parameters
    ----------
    log : FailureLog
        Where problems are recorded.
    curves : pandas.DataFrame
        The table as given: cell levels and ``segment`` (columns or index levels),
        ``factor`` and one of ``share`` and ``width`` (see the module docstring).
    cells : pandas.MultiIndex
        The dataset's cells.
    factor : float
        Converts widths to Rp bn.
    capacity : numpy.ndarray
        Capacity of every cell (Rp bn), in cell order.

    Returns
    -------
    Curves or None
        ``None`` when a problem was recorded.
    """
    table = curves.copy()
    levels = list(cells.names)
    if [n for n in table.index.names if n is not None]:
        table = table.reset_index()
    form = _form(log, table, levels)
    if form is None:
        return None
    blank = np.zeros(len(table), dtype=bool)
    for level in levels:  # a merged cell in a workbook leaves the rows below it blank
        blank |= blank_labels(log, "curves", table, level).to_numpy()
    table = table.loc[~blank]
    for level in levels:
        table[level] = table[level].astype(np.int64) if level == "year" else table[
            level].astype(str).str.strip()
    table = check_numeric(log, "curves", table, [form, "factor"])
    keys = [tuple(r) for r in table[[*levels, "segment"]].to_numpy()]
    _check_lengths(log, table, form, keys)
    position = _positions(log, table, cells, levels)
    dup = table.duplicated([*levels, "segment"], keep="first")
    if dup.any():
        log.add("curves", "segment", "duplicate segment of a cell",
                labels=[k for k, d in zip(keys, dup, strict=True) if d])
    if log:
        return None
    table["_cell"] = position
    table = table.sort_values(["_cell", "segment"], kind="stable")
    cell = table["_cell"].to_numpy()
    f = table["factor"].to_numpy(dtype=float)
    same = cell[1:] == cell[:-1]
    rising = np.flatnonzero(same & (f[1:] > f[:-1] + 1e-12))
    if len(rising):
        log.add("curves", "factor",
                "factors must not increase from one segment to the next (returns must "
                "diminish: the outcome has to be concave)",
                labels=[cells[cell[i + 1]] for i in rising])
        return None
    length = table[form].to_numpy(dtype=float)
    if form == "share":
        share, width = length, length * capacity[cell]
    else:
        width = length * factor
        share = _shares(width, cell, capacity)
    if not _sums_match(log, form, length if form == "share" else width, cell, cells, capacity):
        return None
    start = np.cumsum(width) - width
    first = np.r_[True, ~same]
    start = start - np.maximum.accumulate(np.where(first, start, 0.0))
    table["width"] = width
    rest = [c for c in table.columns if c not in (*levels, "segment", *FORMS, "factor", "_cell")]
    indexed = table[[*levels, "segment", "width", "factor", *rest]].set_index(
        [*levels, "segment"])
    indexed.attrs = {}
    return Curves(indexed, cell, start, width, f, share)


def _form(log: FailureLog, table: pd.DataFrame, levels: list[str]) -> str | None:
    """``"share"`` or ``"width"``: the column that gives the segments' lengths."""
    missing = [c for c in (*levels, "segment", "factor") if c not in table.columns]
    given = [c for c in FORMS if c in table.columns]
    if not given:
        missing.append("width")
    hint = {"width": " (or 'share': each segment's share of the cell's capacity)"}
    for column in missing:
        log.add("curves", column, "required column is missing" + hint.get(column, "")
                + f"; columns present: {list(table.columns)}")
    if len(given) == 2:
        log.add("curves", "share, width",
                "give each segment's length once: 'share' (of the cell's capacity, follows "
                "the capacity) or 'width' (in money, must add up to the capacity), not both")
    if missing or len(given) != 1:
        return None
    return given[0]


def _check_lengths(log: FailureLog, table: pd.DataFrame, form: str, keys: list[tuple]) -> None:
    """Every width or share is greater than 0 (and a share at most 1)."""
    length = table[form].to_numpy(dtype=float)
    bad = length <= 0
    if bad.any():
        log.add("curves", form, "must be greater than 0",
                labels=[k for k, b in zip(keys, bad, strict=True) if b], values=length[bad])
    if form == "share" and (length > 1).any():
        above = length > 1
        log.add("curves", form, "a share of capacity must be at most 1",
                labels=[k for k, b in zip(keys, above, strict=True) if b],
                values=length[above])


def _positions(log: FailureLog, table: pd.DataFrame, cells: pd.MultiIndex,
               levels: list[str]) -> np.ndarray:
    """Position of every row's cell; rows naming no cell are recorded."""
    keys = pd.MultiIndex.from_frame(table[levels])
    position = cells.get_indexer(keys)
    unknown = position < 0
    if unknown.any():
        log.add("curves", "/".join(levels), "cell not in the impacts table",
                labels=list(dict.fromkeys(keys[unknown].tolist())))
    return position


def _shares(width: np.ndarray, cell: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Each segment's share of its cell's capacity (of the cell's total width if it is 0)."""
    total = np.bincount(cell, weights=width, minlength=len(capacity))
    whole = np.where(capacity > 0, capacity, total)[cell]
    return width / np.where(whole > 0, whole, 1.0)


def _sums_match(log: FailureLog, form: str, length: np.ndarray, cell: np.ndarray,
                cells: pd.MultiIndex, capacity: np.ndarray) -> bool:
    """A cell's shares add up to 1, or its widths (Rp bn) to its capacity; record the rest."""
    curved = np.unique(cell)
    total = np.bincount(cell, weights=length, minlength=len(capacity))[curved]
    if form == "share":
        off = np.abs(total - 1.0) > SUM_TOLERANCE
        what = [f"shares add up to {t:.6g}" for t in total[off]]
        check = ("shares of capacity do not add up to 1: make each cell's shares add up "
                 "to 1")
    else:
        target = capacity[curved]
        off = (target > 0) & (np.abs(total - target) > SUM_TOLERANCE * target)
        what = [f"widths add up to {t:.6g}, capacity {c:.6g}"
                for t, c in zip(total[off], target[off], strict=True)]
        check = ("segment widths do not add up to the cell's capacity (spend past the last "
                 "segment would earn nothing): make them add up to the capacity, or give "
                 "each segment's 'share' of the capacity instead of its 'width' (shares "
                 "follow the capacity)")
    if off.any():
        log.add("curves", form, check, labels=[cells[c] for c in curved[off]], values=what,
                show_values=True)
    return not off.any()
