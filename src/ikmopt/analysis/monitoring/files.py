"""Reading the monitoring tables from CSV files and workbooks, rows named as the file shows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.validation import SOURCE
from ikmopt.data.io import read_csv_table

__all__ = ["read_table"]

#: Columns read as text (labels keep leading zeros and are never parsed as numbers).
TEXT = ("region", "program", "sector", "pot", "quarter", "month", "period", "unit")


def read_table(path: Path, table: str, sheet: str | None = None) -> pd.DataFrame:
    """A table from a ``.csv`` file or a workbook's ``sheet`` (its first sheet by default).

    Raises
    ------
    DataError
        If the file is missing, of another kind, or cannot be parsed.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{table}: no file '{path}'")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_table(path, table, TEXT)
    if suffix in {".xlsx", ".xlsm"}:
        try:
            frame = pd.read_excel(path, sheet_name=sheet or 0, dtype=dict.fromkeys(TEXT, str))
        except ValueError as err:  # a missing sheet
            raise DataError(f"{table}: cannot read sheet {sheet!r} of '{path}': {err}") from err
        except Exception as err:  # parser errors of every kind
            raise DataError(f"{table}: cannot read '{path}' as a workbook: {err}") from err
        frame.attrs[SOURCE] = ("excel", sheet or "sheet 1")
        return frame
    raise DataError(f"{table}: '{path.name}' is neither a CSV file (.csv) nor a workbook "
                    "(.xlsx); save it as one of them")
