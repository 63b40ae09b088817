"""Checks shared by the planning tables (proposals, last year's allocation).

Each table names regions and programs by label and money in Rp bn, row by row. Problems are
recorded in a :class:`~ikmopt.core.validation.FailureLog` under the name a user finds the
row by: its line of a CSV file (``proposals.csv line 7``), its cell of a workbook
(``proposals!A7``) or its label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ikmopt.core.units import MONEY_UNIT, known_units, to_idr_bn_factor
from ikmopt.core.validation import FailureLog, blank_labels, check_numeric, row_names, suggest

__all__ = ["check_labels", "money", "named_rows", "text_labels"]


def named_rows(frame: pd.DataFrame, label: str | None) -> pd.DataFrame:
    """The table indexed by how a user finds each row.

    By the ``label`` column when the table has one; else by its file line or workbook cell
    (see :func:`~ikmopt.core.validation.row_names`), or ``row N`` (1-based) for a table
    built in Python.
    """
    out = frame.copy()
    out.columns = [str(c).strip() for c in out.columns]
    if label is not None and label in out.columns:
        names = out.pop(label)
        out.index = pd.Index(names.astype(str).str.strip().to_numpy(), name=label)
        return out
    first = out.columns[0] if len(out.columns) else ""
    rows = np.ones(len(out), dtype=bool)
    if isinstance(out.index, pd.RangeIndex) and not out.attrs:
        names = [f"row {i + 1}" for i in range(len(out))]
    else:
        names = [str(n) for n in row_names(out, rows, first)]
    out.index = pd.Index(names, name=label or "row")
    return out


def text_labels(log: FailureLog, table: str, frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` as stripped text; blank labels are recorded and left as ``NaN``."""
    blank = blank_labels(log, table, frame.reset_index(drop=True), column).to_numpy()
    values = frame[column].astype(str).str.strip()
    if pd.api.types.is_float_dtype(frame[column].dtype):  # codes read as numbers: 11.0 -> 11
        numbers = frame[column]
        whole = numbers.notna() & (numbers == np.round(numbers))
        values = values.where(~whole, numbers.where(whole).astype("Int64").astype(str))
    return values.where(~blank)


def check_labels(log: FailureLog, table: str, column: str, values: pd.Series,
                 known: Sequence[str], what: str) -> np.ndarray:
    """Record the rows whose ``column`` names no known ``what``; return the positions.

    Labels are compared as text, ignoring upper/lower case (``ACEH`` is ``Aceh``).
    Returns the position of each row's label in ``known`` (``-1`` where unknown or blank).
    """
    folded = pd.Index([str(k).casefold() for k in known])
    given = values.fillna("").map(lambda v: str(v).casefold())
    at = folded.get_indexer(given)
    unknown = (at < 0) & values.notna().to_numpy()
    for label, value in zip(values.index[unknown], values[unknown], strict=True):
        log.add(table, column, f"unknown {what} {value!r}{suggest(str(value), known)}; "
                f"known: {_few(known)}", labels=[label])
    return at


def money(log: FailureLog, table: str, frame: pd.DataFrame, columns: Iterable[str],
          money_factor: float, *, positive: Iterable[str] = (),
          blank_ok: Iterable[str] = ()) -> pd.DataFrame:
    """Money columns in Rp bn: each row in its ``unit`` column's unit, else the table's.

    A ``unit`` column names the money unit of its row (``Rp juta``, ``Rp bn``, ...); an
    unknown unit is recorded, never guessed. Without it every row is in the unit the table
    was given in (``money_factor`` Rp bn per unit). Values must be finite and not negative
    (greater than 0 for the ``positive`` columns); the ``blank_ok`` columns may be blank
    (``NaN`` in the result).
    """
    columns = [c for c in columns if c in frame.columns]
    blank_ok = [c for c in blank_ok if c in columns]
    out = check_numeric(log, table, frame, [c for c in columns if c not in blank_ok])
    for c in blank_ok:
        raw = frame[c]
        given = (raw.notna() & raw.astype(str).str.strip().ne("")).to_numpy()
        checked = check_numeric(log, table, frame.loc[given, [c]], [c])
        out[c] = np.nan
        out.loc[given, c] = checked[c].to_numpy(dtype=float)
    positive = [c for c in positive if c in columns]
    for c in positive:
        zero = out[c].to_numpy() == 0
        if zero.any():
            log.add(table, c, "must be greater than 0", labels=out.index[zero].tolist())
    factor = np.full(len(out), float(money_factor))
    if "unit" in out.columns:
        units = out["unit"]
        given = units.notna() & units.astype(str).str.strip().ne("")
        factors = units[given].map(to_idr_bn_factor)
        bad = factors.isna()
        if bad.any():
            log.add(table, "unit", f"unknown money unit; write one of {known_units()} "
                    f"(or drop the column: the table is then in {MONEY_UNIT})",
                    labels=factors.index[bad].tolist(), values=units[given][bad].tolist())
        factor[given.to_numpy()] = factors.fillna(1.0).to_numpy(dtype=float)
        out["unit"] = MONEY_UNIT
    for c in columns:
        out[c] = out[c].to_numpy(dtype=float) * factor
    return out


def _few(labels: Sequence[str], n: int = 12) -> str:
    labels = [str(v) for v in labels]
    return str(labels[:n])[:-1] + (", ...]" if len(labels) > n else "]")
