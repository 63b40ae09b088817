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
        frame = read_csv_table(path, table, TEXT)
        if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
            frame = _semicolons(path, table)
        return frame
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


def _semicolons(path: Path, table: str) -> pd.DataFrame:
    """A CSV file saved by a spreadsheet in an Indonesian locale.

    Such a file has ``;`` between fields and ``,`` as the decimal mark (``1.234,5`` is one
    thousand two hundred and thirty-four and a half).
    """
    try:
        frame = pd.read_csv(path, sep=";", decimal=",", thousands=".",
                            dtype=dict.fromkeys(TEXT, str), encoding="utf-8-sig")
    except Exception as err:  # parser and decoding errors of every kind
        raise DataError(f"cannot parse '{path}' as CSV with ';' between fields (table "
                        f"'{table}'): {err}") from err
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.attrs[SOURCE] = ("csv", path.name)
    return frame
