"""Curves that must fill in order: the check after every solve, the repair, and the MIP.

A concave curve (factors that never rise) is an LP only while the plan *wants* each cell's
first Rp bn to earn the most: then the solver fills a cell's segments in order by itself.
A rule that bounds a curved outcome from above (``Target(max=...)`` on a metric, a Gini cap
or an equity rule on an outcome, a goal with a ``max``) can make it prefer the opposite:
spending in a later, poorer segment keeps the outcome under the bound, which no real cell
allows (its first rupiah earns the first segment's factor). Such a plan's outcomes, as
:func:`ikmopt.evaluate` measures them, would break the rule.

After each solve :func:`out_of_order` finds the cells whose segments are not filled in
order. :func:`fill_in_order` refills them in order (same spend per cell); if the refilled
plan still meets every row it is an alternative optimum and is kept. Otherwise the program
gets, for the disordered cells, the incremental model's binaries
``delta_ck`` (segment ``k`` full) with ``y_ck >= w_ck delta_ck`` and
``y_c,k+1 <= w_c,k+1 delta_ck``, and is solved as a MIP, repeated while other cells turn up
out of order.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ikmopt.model.lp import LinearProgram

__all__ = ["fill_in_order", "out_of_order", "with_order"]

#: Spend (Rp bn, relative to the segment's width) below which a segment counts as empty.
TOL = 1e-7


def _segments(lp: LinearProgram) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns, cells and widths of the segments, sorted by cell then segment."""
    cols = lp.meta.get("segment_columns")
    if cols is None:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    return np.asarray(cols), np.asarray(lp.meta["segment_cells"]), lp.col_upper[cols]


def out_of_order(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """Cells with spend in a segment while an earlier segment of theirs is not full."""
    cols, cells, width = _segments(lp)
    if not len(cols):
        return np.zeros(0, dtype=np.int64)
    y = x[cols]
    same = cells[1:] == cells[:-1]
    earlier_open = y[:-1] < width[:-1] * (1 - TOL) - TOL
    later_used = y[1:] > TOL * (1 + width[1:])
    return np.unique(cells[1:][same & earlier_open & later_used])


def fill_in_order(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """``x`` with every curved cell's spend refilled into its segments in order."""
    cols, cells, width = _segments(lp)
    x = x.copy()
    if not len(cols):
        return x
    start = np.cumsum(width) - width
    first = np.r_[True, cells[1:] != cells[:-1]]
    start = start - np.maximum.accumulate(np.where(first, start, 0.0))
    x[cols] = np.clip(x[cells] - start, 0.0, width)
    return x


def with_order(lp: LinearProgram, cells: np.ndarray) -> LinearProgram:
    """``lp`` with binaries that make the segments of ``cells`` fill in order (a MIP)."""
    cols, seg_cells, width = _segments(lp)
    pick = np.isin(seg_cells, cells)
    cols, seg_cells, width = cols[pick], seg_cells[pick], width[pick]
    pairs = np.flatnonzero(seg_cells[1:] == seg_cells[:-1])  # segment k and k + 1 of a cell
    k = len(pairs)
    if not k:
        return lp
    delta = lp.n_cols + np.arange(k)
    r = np.arange(k)
    # y_ck - w_ck delta_ck >= 0 ;  y_c,k+1 - w_c,k+1 delta_ck <= 0
    rows = np.concatenate([r, r, k + r, k + r])
    colv = np.concatenate([cols[pairs], delta, cols[pairs + 1], delta])
    vals = np.concatenate([np.ones(k), -width[pairs], np.ones(k), -width[pairs + 1]])
    block = sp.csr_matrix((vals, (rows, colv)), shape=(2 * k, lp.n_cols + k))
    integrality = (np.zeros(lp.n_cols, dtype=bool) if lp.integrality is None
                   else lp.integrality.copy())
    label = [f"order {c}:{j}" for c, j in zip(seg_cells[pairs], pairs, strict=True)]
    new_rows = pd.DataFrame({
        "family": pd.Categorical(["definition"] * 2 * k),
        "label": label * 2, "constraint": np.full(2 * k, -1),
        "kind": pd.Categorical(["definition"] * 2 * k, categories=lp.rows["kind"].cat.categories),
        "param": np.full(2 * k, np.nan)})
    return replace(
        lp,
        A=sp.vstack([sp.hstack([lp.A, sp.csr_matrix((lp.n_rows, k))]), block], format="csr"),
        row_lower=np.concatenate([lp.row_lower, np.zeros(k), np.full(k, -np.inf)]),
        row_upper=np.concatenate([lp.row_upper, np.full(k, np.inf), np.zeros(k)]),
        rows=pd.concat([lp.rows, new_rows], ignore_index=True),
        per=None if lp.per is None else sp.vstack([sp.hstack([lp.per, sp.csr_matrix(
            (lp.n_rows, k))]), sp.csr_matrix((2 * k, lp.n_cols + k))], format="csr"),
        cost=np.concatenate([lp.cost, np.zeros(k)]),
        col_lower=np.concatenate([lp.col_lower, np.zeros(k)]),
        col_upper=np.concatenate([lp.col_upper, np.ones(k)]),
        integrality=np.concatenate([integrality, np.ones(k, dtype=bool)]),
        aux=pd.concat([lp.aux, pd.DataFrame({"family": "segment_order", "label": label})],
                      ignore_index=True),
    )
