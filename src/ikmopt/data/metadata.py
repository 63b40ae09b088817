"""What a dataset's tables alone do not say, written beside them and read back.

:meth:`Dataset.to_csv` writes ``dataset.json`` next to the CSV files and
:meth:`Dataset.to_excel` a ``dataset`` sheet (one ``key``/``value`` row each, values in
JSON), so that a round trip keeps

* the dataset's ``description`` (the ``name`` it was written from is recorded too, but a
  dataset read from a file is named after the file or folder, as one written by hand is);
* ``metric_units`` (e.g. value added in Rp bn a year: money metrics are written in Rp bn);
* ``signed_metrics``: the metrics that may be negative (land freed or used);
* ``money_unit`` of a dataset in another currency than the rupiah (``"USD thousand"``);
  rupiah datasets are written in Rp bn and have no such key;
* which columns are **text**: codes such as ``bps_code`` = ``"11"`` or a regency code
  ``"0101"`` look like numbers to a CSV or Excel reader, which would otherwise turn them
  into integers and drop leading zeros.

A folder or workbook without it (written by hand, or by an older ikmopt) is read as before.

Whether a dataset's numbers are **illustrative** is read from the same metadata: a dataset is
ILLUSTRATIVE when its description or any text of its sources table says so in capitals
(``ILLUSTRATIVE``, or ``SYNTHETIC`` for generated data; :func:`is_illustrative`). The flag
is derived, never stored: it travels with the description (``dataset.json``, the
``dataset`` sheet) and the sources table (``sources.csv``, the ``sources`` sheet), and a
what-if copy (:meth:`Dataset.replace`, :meth:`Dataset.with_cost` ...) keeps both. A dataset
built from a user's own tables, without such a word, has no flag. Results, summaries and
reports then show :data:`ILLUSTRATIVE_NOTE` beside their numbers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ikmopt.core.errors import DataError

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["FILE", "ILLUSTRATIVE_MARK", "ILLUSTRATIVE_NOTE", "MARKERS", "SHEET", "describe",
           "from_json", "from_sheet", "is_illustrative", "marked", "marked_rows", "to_sheet"]

#: file name in a dataset folder
FILE = "dataset.json"
#: sheet name in a dataset workbook
SHEET = "dataset"
FORMAT = "ikmopt-dataset"
KEYS = ("format", "version", "name", "description", "metric_units", "signed_metrics",
        "money_unit", "text_columns")

#: Words (in capitals) that mark a dataset's numbers as not estimates.
MARKERS = ("ILLUSTRATIVE", "SYNTHETIC")
#: The short marker of an illustrative dataset (one-line views: ``repr``).
ILLUSTRATIVE_MARK = "ILLUSTRATIVE data"
#: The note shown beside the numbers of an illustrative dataset (summary, workbooks).
ILLUSTRATIVE_NOTE = (f"{ILLUSTRATIVE_MARK}: the coefficients are derived defaults, not "
                     "estimates; see the Data page of the ikmopt documentation")


def marked(value: Any) -> bool:
    """Whether a text says ILLUSTRATIVE or SYNTHETIC (in capitals); False for no text."""
    return isinstance(value, str) and any(word in value for word in MARKERS)


def marked_rows(sources: pd.DataFrame) -> pd.Series:
    """Whether each row of a sources table is marked ILLUSTRATIVE in any of its texts."""
    flags = [any(marked(v) for v in row) for row in sources.itertuples(index=False, name=None)]
    return pd.Series(flags, index=sources.index, dtype=bool)


def is_illustrative(description: str, sources: pd.DataFrame | None) -> bool:
    """Whether a dataset with this description and sources table is ILLUSTRATIVE.

    Examples
    --------
    >>> import pandas as pd
    >>> from ikmopt.data.metadata import is_illustrative
    >>> is_illustrative("Coefficients are ILLUSTRATIVE defaults.", None)
    True
    >>> is_illustrative("Our 2024 estimates.", pd.DataFrame({"note": ["an illustrative case"]}))
    False
    """
    if marked(description):
        return True
    return sources is not None and len(sources) > 0 and bool(marked_rows(sources).any())


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Index levels and columns of ``frame`` that hold text."""
    names = [n for n in frame.index.names if n is not None] + [str(c) for c in frame.columns]
    levels = [frame.index.get_level_values(i) for i in range(frame.index.nlevels)]
    values = [lv for lv, n in zip(levels, frame.index.names, strict=True) if n is not None]
    values += [frame[c] for c in frame.columns]
    return [n for n, v in zip(names, values, strict=True)
            if pd.api.types.is_string_dtype(v.dtype) or pd.api.types.is_object_dtype(v.dtype)]


def describe(data: Dataset) -> dict[str, Any]:
    """The metadata of ``data``: name, description, metric units, text columns per table."""
    tables = {"regions": data.regions, "programs": data.programs, "impacts": data.impacts}
    if data.curves is not None:
        tables["curves"] = data.curves.relative()  # as the writers write it
    if data.projects is not None:
        tables["projects"] = data.projects.table
    if data.uncertainty is not None:
        tables["uncertainty"] = data.uncertainty.table
    return {
        "format": FORMAT, "version": 1, "name": data.name, "description": data.description,
        "metric_units": data.metric_units, "signed_metrics": list(data.signed_metrics),
        "text_columns": {t: text_columns(f) for t, f in tables.items()},
        # rupiah is written in Rp bn, as before; another currency keeps its declared unit
        **({} if data.money.is_rupiah else {"money_unit": data.money_unit}),
    }


def from_json(path: Path) -> dict[str, Any] | None:
    """Read ``dataset.json`` in a folder; None if there is none."""
    file = path / FILE
    if not file.is_file():
        return None
    try:
        meta = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataError(f"cannot read '{file}' as JSON: {err}; fix it or delete it (the "
                        "tables are read without it)") from err
    return _checked(meta, str(file))


def to_sheet(meta: dict[str, Any]) -> pd.DataFrame:
    """The ``dataset`` sheet: one ``key``/``value`` row per entry, values in JSON."""
    return pd.DataFrame({"key": list(meta),
                         "value": [json.dumps(v, ensure_ascii=False) for v in meta.values()]})


def from_sheet(sheet: pd.DataFrame, where: str) -> dict[str, Any]:
    """Read the ``dataset`` sheet written by :func:`to_sheet`."""
    if list(sheet.columns)[:2] != ["key", "value"]:
        raise DataError(f"{where}: sheet '{SHEET}' must have the columns key and value, got "
                        f"{list(sheet.columns)}; delete the sheet to read the tables without it")
    try:
        meta = {str(k): json.loads(str(v)) for k, v in zip(sheet["key"], sheet["value"],
                                                          strict=True)}
    except ValueError as err:
        raise DataError(f"{where}: a value of sheet '{SHEET}' is not JSON: {err}") from err
    return _checked(meta, f"{where}, sheet '{SHEET}'")


def _checked(meta: Any, where: str) -> dict[str, Any]:
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise DataError(f"{where} is not ikmopt dataset metadata (no \"format\": \"{FORMAT}\"); "
                        "fix it or delete it")
    units, text = meta.get("metric_units", {}), meta.get("text_columns", {})
    if not isinstance(units, dict) or not all(isinstance(v, str) for v in units.values()):
        raise DataError(f"{where}: metric_units must map metric names to unit text")
    if not isinstance(text, dict) or not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in text.values()):
        raise DataError(f"{where}: text_columns must map table names to lists of columns")
    return meta


def keyword_defaults(meta: dict[str, Any] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``kwargs`` with the description, units and signed metrics from ``meta``."""
    if meta:
        for key in ("description", "metric_units", "signed_metrics", "money_unit"):
            if meta.get(key) not in (None, "", {}, []):
                kwargs.setdefault(key, meta[key])
    return kwargs
