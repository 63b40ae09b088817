"""Validation of the input tables, done once at the edge.

Per-column rules (type, missing values, sign, finiteness) are declared as pandera schemas;
rules that span tables (unknown regions, units, duplicate cells) are vectorized checks here.
Every problem of every table is collected into one ``failure_cases`` frame before a single
:class:`~ikmopt.core.errors.DataError` is raised.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError

FAILURE_COLUMNS = ["table", "column", "label", "check", "value"]

#: How many failure cases are spelled out in an error message (all are in ``failure_cases``).
_SHOWN = 8
#: ``DataFrame.attrs`` key the file readers set: ``(kind, name)`` of where a table was read,
#: ``("excel", sheet)`` or ``("csv", file name)``, so that problems name the file's rows.
SOURCE = "ikmopt_source"


class FailureLog:
    """Collects failure cases from every table, then raises them together."""

    def __init__(self) -> None:
        self._frames: list[pd.DataFrame] = []
        self._show_values: set[tuple[str, str, str]] = set()

    def add(
        self,
        table: str,
        column: str,
        check: str,
        labels: Iterable[Any] = (None,),
        values: Iterable[Any] | None = None,
        *,
        show_values: bool = False,
    ) -> None:
        """Record one failed check for the given row labels (``None`` for a whole column).

        With ``show_values`` the message shows each label's value beside it (for values
        that explain the problem, such as a sum and what it should be).
        """
        if show_values:
            self._show_values.add((table, column, check))
        labels = list(labels)
        values = [None] * len(labels) if values is None else list(values)
        self._frames.append(
            pd.DataFrame(
                {
                    "table": table,
                    "column": column,
                    "label": labels,
                    "check": check,
                    "value": values,
                },
                columns=FAILURE_COLUMNS,
            )
        )

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Record failure cases already in the standard columns."""
        if len(frame):
            self._frames.append(frame[FAILURE_COLUMNS])

    def __bool__(self) -> bool:
        return bool(self._frames)

    def raise_if_any(self, what: str = "dataset") -> None:
        """Raise one :class:`DataError` listing every recorded problem."""
        if not self._frames:
            return
        cases = pd.concat(self._frames, ignore_index=True)
        lines = []
        grouped = cases.groupby(["table", "column", "check"], sort=False, dropna=False)
        for (table, column, check), group in grouped:
            labels = [_fmt(v) for v in group["label"].tolist() if v is not None]
            if (table, column, check) in self._show_values:
                labels = [f"{label} ({value})" for label, value in
                          zip(labels, group["value"].tolist(), strict=True)]
            shown = ", ".join(labels[:_SHOWN]) + (
                f" and {len(labels) - _SHOWN} more" if len(labels) > _SHOWN else ""
            )
            where = f" at {shown}" if labels else ""
            lines.append(f"  - table '{table}', column '{column}': {check}{where}")
        n = len(cases)
        head = f"invalid {what}: {n} problem{'s' if n != 1 else ''} found"
        raise DataError(
            head + "\n" + "\n".join(lines) + "\n(all problems: DataError.failure_cases)",
            failure_cases=cases,
        )


def row_names(frame: pd.DataFrame, rows: np.ndarray, column: str) -> list[Any]:
    """How a user finds the given rows of ``frame``: ``impacts!A7`` in a workbook.

    A table read from a file names each row as the file shows it (the header is row 1): the
    cell of ``column`` in a workbook (``impacts!A7``), the line of a CSV file
    (``impacts.csv line 7``); any other table uses its row labels.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table as read, in its file's row order (before it is indexed by its labels).
    rows : numpy.ndarray
        Boolean mask of the rows to name.
    column : str
        The column of the cells to name.
    """
    positions = np.flatnonzero(np.asarray(rows, dtype=bool))
    source = frame.attrs.get(SOURCE)
    if source is None or not isinstance(frame.index, pd.RangeIndex):
        return frame.index[positions].tolist()
    kind, name = source
    numbers = positions + 2
    if kind == "excel":
        letter = column_letter(frame.columns.get_loc(column))
        return [f"{name}!{letter}{n}" for n in numbers]
    return [f"{name} line {n}" for n in numbers]


def column_letter(position: int) -> str:
    """Excel's name of the column at 0-based ``position``: A, B, ... Z, AA, AB ..."""
    number, letters = position + 1, ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def stripped_text(values: pd.Series) -> pd.Series:
    """``values.astype(str).str.strip()``, stripping each distinct label once.

    Label columns repeat a few hundred labels over up to millions of rows: the labels are
    factorized, the distinct ones stripped and taken back (``NaN`` reads ``"nan"``, as
    ``astype(str)`` writes it).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = pd.Index(uniques).astype(str).str.strip()
    if (codes < 0).any():
        text = text.append(pd.Index(["nan"]))
        codes = np.where(codes < 0, len(text) - 1, codes)
    return pd.Series(text.take(codes).to_numpy(dtype=object), index=values.index,
                     name=values.name)


def blank_labels(log: FailureLog, table: str, frame: pd.DataFrame, column: str,
                 stripped: pd.Series | None = None) -> pd.Series:
    """Record the rows whose label in ``column`` is missing or blank; return the mask.

    A workbook names the cells (``impacts!A7``) and explains the usual cause: a merged cell
    keeps its value only in its first cell, the others read as blank. ``stripped``: the
    column as :func:`stripped_text` gives it, if the caller has it already.
    """
    values = frame[column]
    blank = values.isna() | (stripped_text(values) if stripped is None else stripped).eq("")
    if blank.any():
        check = "missing label"
        source = frame.attrs.get(SOURCE)
        if source is not None and source[0] == "excel":
            check += (" (blank cell: a merged cell keeps its value only in its first cell; "
                      "unmerge the cells and fill in every row)")
        elif source is not None:
            check += " (blank field)"
        log.add(table, column, check, labels=row_names(frame, blank.to_numpy(), column))
    return blank


def _fmt(value: Any) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)


def suggest(name: str, choices: Iterable[str]) -> str:
    """Return a " (did you mean 'x'?)" hint for a misspelled name, or an empty string.

    A choice that differs from ``name`` only in upper/lower case (``ACEH`` for ``Aceh``)
    is the best match.
    """
    choices = [str(c) for c in choices]
    folded = {c.casefold(): c for c in reversed(choices)}  # the first spelling wins
    close = [folded[str(name).casefold()]] if str(name).casefold() in folded else (
        difflib.get_close_matches(str(name), choices, n=1, cutoff=0.6))
    return f" (did you mean '{close[0]}'?)" if close else ""


def case_variants(labels: pd.Index) -> pd.DataFrame:
    """Labels that differ from an earlier one only in upper/lower case.

    Parameters
    ----------
    labels : pandas.Index
        Text labels, without exact repeats (``Aceh``, ``ACEH`` ...).

    Returns
    -------
    pandas.DataFrame
        One row per later spelling: ``label`` and ``first``, the earlier spelling it
        collides with (empty when there is none).
    """
    text = pd.Series(labels.astype(str), dtype=object)
    folded = text.str.casefold()
    first = text.groupby(folded.to_numpy(), sort=False).transform("first")
    later = folded.duplicated(keep="first").to_numpy()
    return pd.DataFrame({"label": text[later].to_numpy(), "first": first[later].to_numpy()})


def misspelled(required: str, present: Iterable[str]) -> str:
    """Hint that a present column looks like a misspelling of a ``required`` one."""
    close = difflib.get_close_matches(required, [str(c) for c in present], n=1, cutoff=0.6)
    return f" (is '{close[0]}' a misspelling of '{required}'?)" if close else ""


def check_numeric(
    log: FailureLog,
    table: str,
    frame: pd.DataFrame,
    columns: Iterable[str],
    *,
    positive: bool = False,
    signed: Iterable[str] = (),
) -> pd.DataFrame:
    """Coerce ``columns`` to float and record non-numeric, missing, infinite or negative values.

    Columns named in ``signed`` may hold negative numbers (signed metrics).

    Text that is not a number is recorded once per cell; the remaining rules (no missing
    value, finite, sign) are a pandera schema validated lazily on the coerced columns so
    every failure is collected. Clean columns, the usual case, are recognised by one
    vectorized pass over the values (the same rules), and pandera, whose import costs a
    quarter of a second, is only imported to report the failures of columns that break a
    rule. Labels in the failure cases are the frame's row labels (tuples for a MultiIndex).
    Returns the frame with the columns as floats.
    """
    columns = list(columns)
    if not columns:
        return frame
    coerced = frame.copy()
    checked = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    for c in columns:
        raw = frame[c]
        if pd.api.types.is_bool_dtype(raw.dtype):  # yes/no is not a quantity
            log.add(table, c, "not a number (a yes/no column)",
                    labels=frame.index.tolist(), values=raw.tolist())
            checked[c] = np.ones(len(raw))  # reported already
            coerced[c] = raw.to_numpy(dtype=float)
            continue
        if raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
            numbers = pd.to_numeric(raw, errors="coerce")
            text = (numbers.isna() & raw.notna()) | raw.map(lambda v: isinstance(v, bool))
            if text.any():
                log.add(table, c, "not a number", labels=frame.index[text.to_numpy()].tolist(),
                        values=raw[text].tolist())
            values = numbers.astype(float).to_numpy()
            checked[c] = np.where(text.to_numpy(), 1.0, values)  # reported already
        else:
            values = raw.to_numpy(dtype=float)
            checked[c] = values
        coerced[c] = values
    free = set(signed)
    if not _breaks_a_rule(checked, columns, free, positive=positive):
        return coerced
    _report_with_pandera(log, table, frame, checked, columns, free, positive=positive)
    return coerced


def _breaks_a_rule(checked: pd.DataFrame, columns: list[str], free: set[str], *,
                   positive: bool) -> bool:
    """Whether a value of ``checked`` is missing, infinite or of the wrong sign.

    The rules of the pandera schema of :func:`_report_with_pandera`, on arrays: exactly the
    columns it would find a failure in (a comparison with NaN is false, so NaN fails both).
    """
    for c in columns:
        values = checked[c].to_numpy(dtype=float)
        if c in free:
            ok = ~np.isnan(values) & ~np.isinf(values)
        else:
            ok = (values > 0) if positive else (values >= 0)
            ok &= ~np.isinf(values)
        if not ok.all():
            return True
    return False


def _report_with_pandera(log: FailureLog, table: str, frame: pd.DataFrame,
                         checked: pd.DataFrame, columns: list[str], free: set[str], *,
                         positive: bool) -> None:
    """Record every failure of the numeric rules, as pandera's lazy validation reports it."""
    # pandera is imported only when a column breaks a rule (it costs a quarter of a second)
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

    finite = pa.Check(lambda s: ~np.isinf(s), error="must be finite (no inf)")
    sign = (
        pa.Check.gt(0, error="must be greater than 0")
        if positive
        else pa.Check.ge(0, error="must not be negative")
    )
    schema = pa.DataFrameSchema(
        {c: pa.Column(float, checks=[finite] if c in free else [finite, sign],
                      nullable=False) for c in columns},
        strict=False,
    )
    try:
        schema.validate(checked, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        positions = cases["index"].astype(int).to_numpy()
        out = pd.DataFrame(
            {
                "table": table,
                "column": cases["column"].astype(str).to_numpy(),
                "label": list(frame.index[positions]),
                "check": [_check_text(c) for c in cases["check"]],
                "value": cases["failure_case"].to_numpy(),
            }
        ).drop_duplicates(subset=["column", "check", "label"])
        log.add_frame(out)


def _check_text(check: Any) -> str:
    text = str(check)
    if text == "not_nullable":
        return "missing value (NaN)"
    return text
