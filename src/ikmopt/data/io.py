"""Reading and writing a :class:`~ikmopt.data.dataset.Dataset`: CSV folders and workbooks.

The work of :meth:`Dataset.from_csv`, :meth:`Dataset.from_excel`, :meth:`Dataset.to_csv`
and :meth:`Dataset.to_excel`. A file set holds one table per CSV file or sheet
(:data:`TABLES`, and any of :data:`OPTIONAL_TABLES`) and the metadata of
:mod:`ikmopt.data.metadata`. Problems in a table read from a file name its lines or cells.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.files import write_files
from ikmopt.core.validation import SOURCE
from ikmopt.data import metadata

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = [
    "OPTIONAL_TABLES",
    "TABLES",
    "from_tables",
    "read_csv_table",
    "read_excel",
    "read_folder",
    "read_workbook",
    "write_csv",
    "write_excel",
]

#: Tables of a dataset file set (Excel sheets or CSV files), in order.
TABLES = ("regions", "programs", "impacts")
#: Tables a file set may add: provenance, diminishing-returns curves, discrete projects,
#: uncertainty, proposals and last year's allocation.
OPTIONAL_TABLES = ("sources", "curves", "projects", "uncertainty", "proposals", "last_year")

D = TypeVar("D", bound="Dataset")


# ---------------------------------------------------------------------- reading
def read_excel(cls: type[D], path: str | Path, kwargs: dict[str, Any]) -> D:
    """The work of :meth:`Dataset.from_excel <ikmopt.data.dataset.Dataset.from_excel>`."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"Excel workbook '{path}' does not exist")
    try:
        sheets = read_workbook(path)
    except DataError:
        raise
    except ImportError as err:
        raise DataError(
            "reading Excel needs openpyxl: pip install 'ikmopt[excel]'"
        ) from err
    except Exception as err:  # any reader failure means the file is not a usable workbook
        raise DataError(f"cannot read '{path}' as an Excel workbook: {err}") from err
    missing = [t for t in TABLES if t not in sheets]
    if missing:
        raise DataError(
            f"Excel workbook '{path}' lacks sheet(s) {missing}; it has {list(sheets)}. "
            f"A dataset workbook needs one sheet per table: {list(TABLES)}"
        )
    meta = sheets.pop(metadata.SHEET, None)
    return from_tables(cls, sheets, path.stem, metadata.keyword_defaults(meta, kwargs))


def read_folder(cls: type[D], folder: str | Path, kwargs: dict[str, Any]) -> D:
    """The work of :meth:`Dataset.from_csv <ikmopt.data.dataset.Dataset.from_csv>`."""
    folder = Path(folder)
    if folder.is_file():
        raise DataError(f"'{folder}' is a file, not a dataset folder: give the folder that "
                        "holds regions.csv, programs.csv and impacts.csv (or use "
                        "Dataset.from_excel for a workbook)")
    if not folder.is_dir():
        raise DataError(f"dataset folder '{folder}' does not exist")
    meta = metadata.from_json(folder)
    frames = _csv_tables(folder, meta["text_columns"] if meta else {})
    return from_tables(cls, frames, folder.name, metadata.keyword_defaults(meta, kwargs))


def _csv_tables(folder: Path, text: Mapping[str, Iterable[str]]) -> dict[str, pd.DataFrame]:
    """Every table's CSV file in ``folder``; an optional table may be absent."""
    frames = {}
    for table in (*TABLES, *OPTIONAL_TABLES):
        file = folder / f"{table}.csv"
        if not file.is_file():
            if table in OPTIONAL_TABLES:
                continue
            raise DataError(
                f"dataset folder '{folder}' lacks '{table}.csv'; a dataset folder needs "
                + ", ".join(f"{t}.csv" for t in TABLES)
            )
        frames[table] = read_csv_table(file, table, text.get(table, ()))
    return frames


def from_tables(cls: type[D], frames: Mapping[str, pd.DataFrame], name: str,
                kwargs: dict[str, Any]) -> D:
    """Build from read tables; optional tables fill keyword arguments not given."""
    kwargs.setdefault("name", name)
    for table in OPTIONAL_TABLES:
        if table in frames:
            kwargs.setdefault(table, frames[table])
    return cls(frames["regions"], frames["programs"], frames["impacts"], **kwargs)


def read_csv_table(file: Path, table: str, text: Iterable[str] = ()) -> pd.DataFrame:
    """Read one table's CSV file; labels and ``text`` columns stay text.

    A repeated header is an error: pandas would rename a second ``jobs`` column to
    ``jobs.1`` (a new metric), so the header is checked first.
    """
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        dtype = dict.fromkeys(("region", "program", "project", *text), str)
        frame = pd.read_csv(file, dtype=dtype)
    except Exception as err:  # parser and decoding errors of every kind
        raise DataError(f"cannot parse '{file}' as CSV (table '{table}'): {err}") from err
    names = [h.strip() for h in header]
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise DataError(f"table '{table}' ({file.name}): column(s) {repeated} appear more than "
                        "once in the header; keep one")
    frame.attrs[SOURCE] = ("csv", file.name)  # problems name the file's lines
    return frame


def read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a dataset workbook; the ``dataset`` sheet, if any, as metadata.

    Its text columns are read as text, so codes keep their leading zeros.
    """
    with pd.ExcelFile(path) as book:  # the workbook is parsed once for every sheet
        meta = None
        if metadata.SHEET in book.sheet_names:
            meta = metadata.from_sheet(pd.read_excel(book, metadata.SHEET, dtype=str),
                                       f"workbook '{path}'")
        text = meta["text_columns"] if meta else {}
        sheets: dict[str, Any] = {
            name: pd.read_excel(book, name, dtype=dict.fromkeys(("region", "program", "project",
                                                            *text.get(name, ())), str))
            for name in book.sheet_names if name != metadata.SHEET
        }
    for name, sheet in sheets.items():  # problems name the sheet's cells (impacts!A7)
        sheet.attrs[SOURCE] = ("excel", name)
    if meta is not None:
        sheets[metadata.SHEET] = meta
    return sheets


# ---------------------------------------------------------------------- writing
def write_excel(data: Dataset, path: str | Path) -> Path:
    """The work of :meth:`Dataset.to_excel <ikmopt.data.dataset.Dataset.to_excel>`."""
    path = Path(path)
    write_files(path.parent, {path.name: lambda file: _write_workbook(data, file)})
    return path


def _write_workbook(data: Dataset, path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        data.regions.to_excel(writer, sheet_name="regions")
        data.programs.to_excel(writer, sheet_name="programs")
        data.impacts.to_excel(writer, sheet_name="impacts", merge_cells=False)
        if len(data.sources):
            data.sources.to_excel(writer, sheet_name="sources", index=False)
        if data.curves is not None:
            data.curves.relative().to_excel(writer, sheet_name="curves", merge_cells=False)
        if data.projects is not None:
            data.projects.table.to_excel(writer, sheet_name="projects")
        if data.uncertainty is not None:
            data.uncertainty.table.to_excel(writer, sheet_name="uncertainty", index=False)
        for name in ("proposals", "last_year"):
            table = getattr(data, name)
            if table is not None:
                table.written().to_excel(writer, sheet_name=name, index=False)
        metadata.to_sheet(metadata.describe(data)).to_excel(
            writer, sheet_name=metadata.SHEET, index=False)


def write_csv(data: Dataset, folder: str | Path) -> Path:
    """The work of :meth:`Dataset.to_csv <ikmopt.data.dataset.Dataset.to_csv>`."""
    writers: dict[str, Callable[[Path], Any]] = {
        "regions.csv": data.regions.to_csv,
        "programs.csv": data.programs.to_csv,
        "impacts.csv": data.impacts.to_csv,
    }
    if len(data.sources):
        writers["sources.csv"] = lambda path: data.sources.to_csv(path, index=False)
    if data.curves is not None:
        writers["curves.csv"] = data.curves.relative().to_csv
    if data.projects is not None:
        writers["projects.csv"] = data.projects.table.to_csv
    uncertainty = data.uncertainty
    if uncertainty is not None:
        writers["uncertainty.csv"] = lambda path: uncertainty.table.to_csv(path, index=False)
    for name in ("proposals", "last_year"):
        table = getattr(data, name)
        if table is not None:
            written = table.written()
            writers[f"{name}.csv"] = lambda path, t=written: t.to_csv(path, index=False)
    meta = json.dumps(metadata.describe(data), indent=2, ensure_ascii=False) + "\n"
    writers[metadata.FILE] = lambda path: Path(path).write_text(meta, encoding="utf-8")
    return write_files(folder, writers)
