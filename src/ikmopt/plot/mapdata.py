"""What a map shows: one value per Kemendagri code, its level, its label and its unit.

:func:`map_values` turns what :func:`ikmopt.plot.map` is given (a plan, a table or a
Series) into values keyed by Kemendagri code. Codes are always looked up (in the
``kemendagri_code`` column of the regions table, or in the index the caller gives), never
derived from BPS codes or from region names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.units import MONEY_UNIT
from ikmopt.core.validation import FailureLog, suggest
from ikmopt.plot import boundaries
from ikmopt.solving.evaluate import PER_INHABITANTS

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset
    from ikmopt.solving.evaluate import Evaluation
    from ikmopt.solving.result import Result

__all__ = ["CODE_COLUMN", "COLUMN_UNITS", "MapValues", "map_values"]

#: The regions column that holds each region's Kemendagri code.
CODE_COLUMN = "kemendagri_code"
#: Units of the columns of ``result.by("region")`` and ``result.rakor()`` that are not
#: metrics (a metric's unit comes from the dataset's ``metric_units``).
COLUMN_UNITS = {
    "spend": MONEY_UNIT,
    "project_spend": MONEY_UNIT,
    "projects_built": "projects",
    "share": "share of spend",
    "population": "persons",
    "spend_rp_per_capita": "Rp per inhabitant",
    "last_year": MONEY_UNIT,
    "realisation": MONEY_UNIT,
    "this_year": MONEY_UNIT,
    "change": MONEY_UNIT,
    "change_pct": "%",
    "floor": MONEY_UNIT,
    "ceiling": MONEY_UNIT,
}


@dataclass(frozen=True)
class MapValues:
    """The values of a map.

    Attributes
    ----------
    values : pandas.Series
        Float values indexed by Kemendagri code (``NaN`` where a region has no value).
    level : str
        ``"province"`` or ``"regency"``.
    column : str
        What the values are (``"spend"``, ``"jobs"`` ...).
    unit : str or None
        Their unit (``"Rp bn"``, ``"Rp per inhabitant"`` ...), None when unknown.
    per_capita : bool
        Whether the values are per inhabitant.
    illustrative : bool
        Whether they come from an ILLUSTRATIVE dataset.
    """

    values: pd.Series
    level: str
    column: str
    unit: str | None
    per_capita: bool = False
    illustrative: bool = False

    @property
    def label(self) -> str:
        """``column (unit)``, or the column alone without a unit."""
        return f"{self.column} ({self.unit})" if self.unit else self.column

    @property
    def title(self) -> str:
        """``"Spend by province"``, ``"Jobs per 100,000 inhabitants by regency"`` ..."""
        what = self.column.replace("_", " ")
        if self.per_capita:
            what += (" per inhabitant" if self.column == "spend"
                     else f" per {PER_INHABITANTS:,} inhabitants")
        return f"{what[:1].upper()}{what[1:]} by {self.level}"


def _dataset(data: Any) -> Dataset | None:
    """The Dataset of ``data`` (a Dataset, a Result or an Evaluation), None for a table."""
    if data is None or isinstance(data, pd.DataFrame):
        return None
    return data if hasattr(data, "regions") else data.data


def _table(source: Any, column: str | None, per_capita: bool) -> tuple[pd.Series, str]:
    """The values of ``source`` by region label or code, and their column."""
    if isinstance(source, pd.Series):
        if per_capita:
            raise PolicyError("plot.map: per_capita=True needs a Result or an Evaluation; "
                              "a Series is drawn as it is")
        name = column or (str(source.name) if source.name is not None else "value")
        return source, name
    if isinstance(source, pd.DataFrame):
        if per_capita:
            raise PolicyError("plot.map: per_capita=True needs a Result or an Evaluation; "
                              "a table's column is drawn as it is")
        frame = source
    elif hasattr(source, "by") and hasattr(source, "data"):
        frame = source.per_capita if per_capita else source.by("region")
    else:
        raise PolicyError(f"plot.map: cannot draw a {type(source).__name__}; give a Result, "
                          "an Evaluation, or a Series or DataFrame indexed by region")
    column = column or "spend"
    if column not in frame.columns:
        raise PolicyError(f"plot.map: no column '{column}'{suggest(column, frame.columns)}; "
                          f"columns are {[str(c) for c in frame.columns]}")
    return frame[column], column


def _unit(column: str, per_capita: bool, dataset: Dataset | None) -> str | None:
    metric_units = dataset.metric_units if dataset is not None else {}
    if per_capita:
        if column == "spend":
            return "Rp per inhabitant"
        return f"{metric_units.get(column, column)} per {PER_INHABITANTS:,} inhabitants"
    if column in metric_units:
        return metric_units[column]
    return COLUMN_UNITS.get(column)


def _numbers(values: pd.Series, column: str) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    bad = numbers.isna() & values.notna()
    if bad.any():
        raise DataError(f"plot.map: '{column}' has values that are not numbers at "
                        f"{[str(k) for k in values.index[bad.to_numpy()]][:8]}")
    return numbers


def _codes_of(labels: pd.Index, regions: pd.DataFrame) -> pd.Index:
    """The Kemendagri code of each region label, looked up in ``regions``."""
    log = FailureLog()
    if CODE_COLUMN not in regions.columns:
        log.add("regions", CODE_COLUMN, "no Kemendagri code column: add one (text such as "
                "'11' or '11.01') to draw the regions on a map")
        log.raise_if_any("map regions")
    known = regions.index.astype(str)
    unknown = ~labels.isin(known)
    if unknown.any():
        hints = [f"'{label}'{suggest(label, known)}" for label in labels[unknown]
                 if suggest(label, known)]
        check = "not a region of the regions table" + (
            f" [{'; '.join(hints[:4])}]" if hints else "")
        log.add("values", "region", check, labels[unknown])
        log.raise_if_any("map values")
    codes = regions[CODE_COLUMN].set_axis(known).reindex(labels)
    blank = codes.isna() | codes.astype(str).str.strip().eq("")
    if blank.any():
        log.add("regions", CODE_COLUMN, "missing Kemendagri code", labels[blank.to_numpy()])
        log.raise_if_any("map regions")
    return pd.Index(codes.astype(str).str.strip().to_numpy())


def _duplicates(labels: pd.Index, codes: pd.Index) -> None:
    """Raise a DataError naming every code that two values (or regions) share."""
    repeated = codes.duplicated(keep=False)
    if not repeated.any():
        return
    log = FailureLog()
    for code in pd.unique(codes[repeated]):
        same = [str(label) for label in labels[codes == code]]
        log.add("values", CODE_COLUMN, "one region drawn twice: two values for the same "
                "Kemendagri code", [code], [" and ".join(same)], show_values=True)
    log.raise_if_any("map values")


def _level(codes: pd.Index, level: str | None, looked_up: bool) -> str:
    """The level of ``codes``: given, or the one whose code pattern every code has."""
    if level is not None:
        if level not in boundaries.LEVELS:
            raise PolicyError(f"plot.map: level='{level}'{suggest(level, boundaries.LEVELS)} "
                              f"must be one of {list(boundaries.LEVELS)}")
        return level
    for name, pattern in boundaries.CODE_PATTERNS.items():
        if all(pattern.fullmatch(code) for code in codes):
            return name
    hint = "" if looked_up else (" (is the index region labels? pass data=, a dataset whose "
                                 f"regions table has a '{CODE_COLUMN}' column)")
    odd = [c for c in codes if not boundaries.CODE_PATTERNS["province"].fullmatch(c)
           and not boundaries.CODE_PATTERNS["regency"].fullmatch(c)]
    what = (f"codes that are neither province ('11') nor regency ('11.01') codes: {odd[:8]}"
            if odd else "both province and regency codes")
    raise DataError(f"plot.map: cannot tell the level from the Kemendagri codes: {what}{hint}")


def _check_codes(codes: pd.Index, labels: pd.Index, level: str) -> None:
    """Raise a DataError naming every code that has no boundary at ``level``."""
    known = set(boundaries.load(level).codes)
    missing = [k for k, code in enumerate(codes) if code not in known]
    if missing:
        log = FailureLog()
        log.add("values", CODE_COLUMN, f"no {level} boundary has this Kemendagri code",
                [codes[k] for k in missing], [str(labels[k]) for k in missing],
                show_values=bool((labels != codes).any()))
        log.raise_if_any("map values")


def map_values(source: Result | Evaluation | pd.Series | pd.DataFrame,
               column: str | None = None, *, per_capita: bool = False,
               data: Dataset | Result | Evaluation | pd.DataFrame | None = None,
               level: str | None = None, unit: str | None = None) -> MapValues:
    """The values a map of ``source`` shows, keyed by Kemendagri code.

    Parameters are those of :func:`ikmopt.plot.map`.

    Returns
    -------
    MapValues

    Raises
    ------
    PolicyError
        If ``column`` or ``level`` is unknown, or ``per_capita`` is asked of a table.
    DataError
        If a region has no Kemendagri code, a code has no boundary, two values share a
        code, the values are not numbers or none of them is finite.
    """
    table_data = data
    if not isinstance(source, pd.Series | pd.DataFrame):
        if data is not None:
            raise PolicyError("plot.map: data= is for a Series or DataFrame; a Result "
                              "brings its own dataset")
        table_data = source
    raw, column = _table(source, column, per_capita)
    values = _numbers(raw, column)
    labels = pd.Index(values.index.astype(str).str.strip())
    if table_data is None:
        codes, dataset = labels, None
    else:
        dataset = _dataset(table_data)
        regions = dataset.regions if dataset is not None else table_data
        codes = _codes_of(labels, regions)
    _duplicates(labels, codes)
    level = _level(codes, level, looked_up=table_data is not None)
    _check_codes(codes, labels, level)
    infinite = np.isinf(values.to_numpy())
    if infinite.any():
        raise DataError(f"plot.map: '{column}' is infinite at "
                        f"{[str(k) for k in labels[infinite]][:8]}")
    if not np.isfinite(values.to_numpy()).any():
        raise DataError(f"plot.map: '{column}' has no value to draw (all missing)")
    return MapValues(
        values=pd.Series(values.to_numpy(), index=codes, name=column),
        level=level,
        column=column,
        unit=unit if unit is not None else _unit(column, per_capita, dataset),
        per_capita=per_capita,
        illustrative=bool(getattr(dataset, "illustrative", False)),
    )
