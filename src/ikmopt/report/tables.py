"""The tables of a report, independent of their format, and each cell as text.

The HTML and Excel writers render the same :class:`Table` objects, so both formats of a
report always agree: the frame keeps the raw values (numbers as numbers, for Excel), and
:meth:`Table.display` writes every cell in the report's language (for the page).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.report.labels import Formatter

__all__ = ["DECIMALS", "NUMERIC_KINDS", "Column", "Table", "missing", "write"]

#: Column kinds that hold numbers (right-aligned on the page).
NUMERIC_KINDS = frozenset({"int", "bn", "share", "ratio", "num", "pct", "value", "price",
                           "mixed"})
#: Decimals of the kinds written with a fixed number of them.
DECIMALS = {"int": 0, "bn": 1, "ratio": 3, "num": 2, "pct": 1}


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    key : str
        Column of the table's frame.
    header : str
        Header text, with the unit (e.g. ``Spend (Rp bn)``).
    kind : str
        How values are written: ``text``, ``int`` (thousands separators), ``bn`` (one
        decimal), ``share`` (a fraction shown as a percentage), ``ratio`` (three decimals),
        ``num`` (two decimals), ``pct`` (a percentage already in percent, one decimal),
        ``value`` (four significant digits), ``price`` (three significant digits), ``bool``
        (yes/no) or ``mixed`` (the kind of each row is in :attr:`Table.row_kinds`).
    """

    key: str
    header: str
    kind: str = "text"

    @property
    def numeric(self) -> bool:
        """Whether the column holds numbers."""
        return self.kind in NUMERIC_KINDS


@dataclass
class Table:
    """A table of a report: one sheet of the workbook, or a table of the HTML page.

    Attributes
    ----------
    sheet : str
        Sheet name (from the catalogue).
    frame : pandas.DataFrame
        The raw values (numbers as numbers).
    columns : list of Column
    row_kinds : list of str, optional
        Kind of each row's value in ``mixed`` columns.
    """

    sheet: str
    frame: pd.DataFrame
    columns: list[Column]
    row_kinds: list[str] | None = None

    def kind(self, column: Column, row: int) -> str:
        """Kind of the cell of ``column`` in ``row``."""
        if column.kind == "mixed":
            return self.row_kinds[row] if self.row_kinds is not None else "text"
        return column.kind

    def display(self, fmt: Formatter) -> list[list[str]]:
        """Every cell as text in the report's language (rows of strings)."""
        rows = []
        for i, record in enumerate(self.frame[[c.key for c in self.columns]].itertuples(
                index=False, name=None)):
            rows.append([write(value, self.kind(column, i), fmt)
                         for value, column in zip(record, self.columns, strict=True)])
        return rows


def write(value: Any, kind: str, fmt: Formatter) -> str:
    """One value as text, by kind (see :class:`Column`)."""
    if kind == "text":
        return "" if missing(value) else str(value)
    if kind == "bool":
        if missing(value):
            return ""
        return fmt("yes") if bool(value) else fmt("no")
    if missing(value):
        return "–"
    if kind in DECIMALS:
        return fmt.number(float(value), DECIMALS[kind])
    if kind == "share":
        return fmt.percent(float(value), 1)
    return fmt.significant(float(value), 4 if kind == "value" else 3)


def missing(value: Any) -> bool:
    """Whether a cell is empty: None, NaN, infinite or a pandas missing value."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
