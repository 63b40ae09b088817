"""The Excel report: one sheet per table, formatted for reading (needs ``ikmopt[excel]``).

Row 1 of every sheet names the report (title, dataset or baseline) and, for a dataset marked
ILLUSTRATIVE, says so; the table starts at row 2 (read it with ``pd.read_excel(path,
sheet_name=..., header=1)``). Headers carry units, the header row is bold and frozen, numbers
keep their value and get a number format (thousands separators, one decimal for Rp bn,
percent for shares), and columns are sized to their content. Excel shows the separators of
the reader's own locale (``1.234,5`` in an Indonesian Excel), since number formats are stored
locale-free.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ikmopt.report.labels import Formatter
from ikmopt.report.tables import Table, missing

__all__ = ["HEADER_ROW", "NUMBER_FORMATS", "write_workbook"]

#: Excel number format of each column kind (see :class:`~ikmopt.report.tables.Column`).
NUMBER_FORMATS = {
    "int": "#,##0",
    "bn": "#,##0.0",
    "share": "0.0%",
    "ratio": "0.000",
    "num": "#,##0.00",
    "pct": "#,##0.0",
    "value": "#,##0.0###",
    "price": "General",
}
#: Widest column, in characters; longer texts wrap.
MAX_WIDTH = 60
#: Row of every sheet that holds the table's header (row 1 is the caption).
HEADER_ROW = 2


def _cell(value: Any, kind: str, fmt: Formatter) -> Any:
    if kind == "bool":
        return None if missing(value) else (fmt("yes") if bool(value) else fmt("no"))
    if kind == "text":
        return None if missing(value) else str(value)
    if missing(value):
        return None
    if isinstance(value, str):
        return value
    number = float(value)
    if not math.isfinite(number):
        return None
    return int(number) if kind == "int" and number.is_integer() else number


def write_workbook(tables: Sequence[Table], path: Path, fmt: Formatter, caption: str) -> None:
    """Write ``tables`` to ``path``, one formatted sheet each, ``caption`` in row 1 of each.

    Raises
    ------
    ImportError
        If openpyxl is not installed.
    """
    try:
        # optional (ikmopt[excel]): loaded on the first workbook
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Excel reports need openpyxl: pip install 'ikmopt[excel]'") from err

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6EE")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = book.create_sheet(title=table.sheet[:31])
        sheet.append([caption])
        sheet.cell(row=1, column=1).font = bold
        sheet.append([c.header for c in table.columns])
        for cell in sheet[HEADER_ROW]:
            cell.font, cell.fill, cell.alignment = bold, fill, header_alignment
        frame = table.frame[[c.key for c in table.columns]]
        widths = [max(8, min(MAX_WIDTH, len(c.header) + 2)) for c in table.columns]
        shown = table.display(fmt)
        for i, record in enumerate(frame.itertuples(index=False, name=None)):
            kinds = [table.kind(c, i) for c in table.columns]
            sheet.append([_cell(v, k, fmt) for v, k in zip(record, kinds, strict=True)])
            for j, kind in enumerate(kinds):
                cell = sheet.cell(row=i + HEADER_ROW + 1, column=j + 1)
                if kind in NUMBER_FORMATS and isinstance(cell.value, int | float):
                    cell.number_format = NUMBER_FORMATS[kind]
                length = len(shown[i][j]) + 2
                if length > MAX_WIDTH:
                    cell.alignment = wrap
                widths[j] = max(widths[j], min(MAX_WIDTH, length))
        for j, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(j + 1)].width = float(np.ceil(width))
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        if len(frame):
            last = get_column_letter(len(table.columns))
            sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + len(frame)}"
    book.save(path)
