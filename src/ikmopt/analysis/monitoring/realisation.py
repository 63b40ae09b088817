"""Realisation to date (*realisasi*): what was paid, by period, at any level of detail.

A realisation table has one row per group and period:

* a period column, ``quarter`` (``Q1`` ... ``Q4``, ``TW II``, ``Triwulan III``, ``1`` ... ``4``)
  or ``month`` (``1`` ... ``12``, ``Mar``, ``Maret``, ``2025-03``);
* any of the plan's cell levels (``region``, ``program`` ...) and ``pot``, naming the group
  (every row names its group in every one of these columns: no blank means "all");
* the amount, as one of ``realisation`` (Rp bn, or the unit of a ``unit`` column),
  ``percent`` (of the group's ceiling in the plan, 0-100) or ``share`` (0-1);
* optionally ``committed``: money contracted but not yet paid at the period's end (Rp bn).

Amounts are cumulative (paid since January, as OM-SPAN reports them) unless
``cumulative=False`` says they are paid within each period. A separate commitments table
has the same group columns and a ``committed`` column.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.files import read_table
from ikmopt.analysis.monitoring.saved import ROUNDING, SavedPlan
from ikmopt.core.errors import DataError, DataWarning
from ikmopt.core.units import MONEY_UNIT
from ikmopt.core.validation import FailureLog, check_numeric
from ikmopt.data.labelled import check_labels, money, named_rows, text_labels

__all__ = ["Realisation", "period_label", "read_realisation"]

_VALUES = ("realisation", "percent", "share")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_MONTHS = {
    name: i + 1 for i, names in enumerate([
        ("jan", "january", "januari"), ("feb", "february", "februari", "peb", "pebruari"),
        ("mar", "march", "maret"), ("apr", "april"), ("may", "mei"), ("jun", "june", "juni"),
        ("jul", "july", "juli"), ("aug", "august", "agu", "agt", "agustus"),
        ("sep", "sept", "september"), ("oct", "october", "okt", "oktober"),
        ("nov", "november", "nop", "nopember"), ("dec", "december", "des", "desember"),
    ]) for name in names
}
#: Ratios of a figure to its ceiling that suggest amounts in a smaller money unit.
_UNIT_HINTS = ((1e8, "Rp (rupiah)"), (1e5, "Rp ribu"), (50, "Rp juta"))


@dataclass(frozen=True, eq=False)
class Realisation:
    """A validated realisation table, summed to its groups at its latest period.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group the plan gives money (indexed by the group's levels): ``ceiling``
        (the plan's spend in the group), ``realised`` (paid to date), ``committed``
        (contracted, not yet paid), all Rp bn, and ``reported`` (whether the file has the
        group).
    levels : tuple of str
        The levels naming the groups (the cell levels and ``pot`` the file gives).
    t : float
        The end of the latest period as a share of the year (Q2: 0.5, May: 5/12).
    period : str
        The latest period (``Q2``, ``May``).
    history : pandas.DataFrame
        Cumulative realisation of each group (rows) at the end of each reported period
        (columns, as shares of the year).
    """

    groups: pd.DataFrame
    levels: tuple[str, ...]
    t: float
    period: str
    history: pd.DataFrame


def period_label(t: float) -> str:
    """``Q2`` for a quarter's end, else the month (``May``)."""
    months = round(t * 12)
    if months % 3 == 0:
        return f"Q{months // 3}"
    return pd.Timestamp(2000, months, 1).strftime("%b")


def read_realisation(
    source: pd.DataFrame | str | Path,
    plan: SavedPlan,
    *,
    cumulative: bool = True,
    commitments: pd.DataFrame | str | Path | None = None,
    sheet: str | None = None,
) -> Realisation:
    """Validate a realisation table against the plan it reports on.

    Parameters
    ----------
    source : DataFrame or path
        The table, or a ``.csv`` / ``.xlsx`` file (``sheet``: which sheet, default the first).
    plan : SavedPlan
        The plan being monitored (its labels, pots and ceilings).
    cumulative : bool, default True
        Whether amounts are paid since January (``True``) or within each period.
    commitments : DataFrame or path, optional
        Money contracted but not yet paid, by the same groups (column ``committed``).

    Raises
    ------
    DataError
        Naming each bad row: an unknown region, program or pot; a blank label; a period
        that is not a quarter or month, repeated for a group, or out of order; an amount
        that is not a number >= 0, falls while cumulative, or passes the group's ceiling
        in the plan (with the money unit it looks like when it is far above).

    Warns
    -----
    DataWarning
        Groups the plan gives money that the file does not report (taken as nothing paid).
    """
    frame = _frame(source, "realisation", sheet)
    log = FailureLog()
    name = "realisation"
    rows = named_rows(frame.reset_index(drop=True), None)
    rows.attrs = frame.attrs
    kind = _one_of(rows, ("quarter", "month"), name, "a period column")
    value = _one_of(rows, _VALUES, name, "an amount column")
    levels = _levels(rows, plan, name)
    labels = _labels(log, name, rows, levels, plan)
    t = _periods(log, name, rows, kind)
    amounts = _amounts(log, name, rows, value)
    log.raise_if_any("realisation")

    keys = _index([labels[lvl] for lvl in levels], levels, len(rows))
    ceilings = _ceilings(plan, levels)
    ceiling = ceilings.reindex(keys).fillna(0.0).to_numpy()
    table = pd.DataFrame({"t": t, "row": rows.index}, index=keys)
    if value == "realisation":
        table["amount"] = amounts["realisation"].to_numpy()
    else:
        scale = 100.0 if value == "percent" else 1.0
        table["amount"] = amounts[value].to_numpy() / scale * ceiling
        _check_percent(rows, amounts[value].to_numpy(), value)
    table["committed"] = amounts["committed"].to_numpy() if "committed" in amounts else 0.0
    _order(log, name, table, cumulative)
    log.raise_if_any("realisation")
    if not cumulative:
        table["amount"] = table.groupby(level=list(keys.names), sort=False)["amount"].cumsum()
    _ceiling_check(log, name, table, ceiling, value)
    log.raise_if_any("realisation")

    latest = float(table["t"].max())
    history = table.pivot_table(index=list(keys.names), columns="t", values="amount",
                                aggfunc="last")
    last = table.groupby(level=list(keys.names), sort=False).last()
    groups = pd.DataFrame({"ceiling": ceilings})
    groups["realised"] = last["amount"].reindex(groups.index).fillna(0.0)
    groups["committed"] = last["committed"].reindex(groups.index).fillna(0.0)
    groups["reported"] = groups.index.isin(last.index)
    groups["last_t"] = last["t"].reindex(groups.index)
    if commitments is not None:
        if "committed" in amounts:
            raise DataError("realisation: commitments are given twice (a committed column and "
                            "a commitments table); keep one")
        groups["committed"] = _commitments(commitments, plan, levels, sheet).reindex(
            groups.index).fillna(0.0)
        over = groups["realised"] + groups["committed"] > groups["ceiling"] + ROUNDING
        if over.any():
            raise DataError(f"commitments: paid plus committed is above the plan's ceiling for "
                            f"{_keys(groups.index[over])}; check the amounts and their unit "
                            f"({MONEY_UNIT})")
    _warn_missing(groups, latest)
    return Realisation(groups, levels, latest, period_label(latest), history.sort_index(axis=1))


# ---------------------------------------------------------------------- pieces
def _frame(source: pd.DataFrame | str | Path, table: str, sheet: str | None) -> pd.DataFrame:
    if isinstance(source, (str, Path)):
        return read_table(Path(source), table, sheet)
    if not isinstance(source, pd.DataFrame):
        raise DataError(f"{table}: must be a table (pandas DataFrame) or a .csv/.xlsx file, got "
                        f"{type(source).__name__}")
    return source


def _one_of(rows: pd.DataFrame, names: tuple[str, ...], table: str, what: str) -> str:
    present = [c for c in names if c in rows.columns]
    if len(present) != 1:
        problem = "has none" if not present else f"has {present}"
        raise DataError(f"{table}: needs exactly one {what} of {list(names)} and {problem}; "
                        f"columns present: {list(rows.columns)}")
    return present[0]


def _levels(rows: pd.DataFrame, plan: SavedPlan, table: str) -> tuple[str, ...]:
    levels = [lvl for lvl in (*plan.levels, "pot") if lvl in rows.columns]
    if "pot" in levels and plan.pots is None:
        raise DataError(f"{table}: the file gives a pot column but the plan '{plan.name}' was "
                        "made without pots; drop the column or monitor a plan made with pots")
    known = {*plan.levels, "pot", "quarter", "month", *_VALUES, "committed", "unit", "note",
             "source", "period_end"}
    other = [c for c in rows.columns if c not in known]
    if other:
        raise DataError(f"{table}: unknown column(s) {other}; the groups are named by "
                        f"{[*plan.levels, 'pot']} (the plan's levels and pot)")
    return tuple(levels)


def _labels(log: FailureLog, table: str, rows: pd.DataFrame, levels: tuple[str, ...],
            plan: SavedPlan) -> dict[str, np.ndarray]:
    out = {}
    for lvl in levels:
        values = text_labels(log, table, rows, lvl)
        source = plan.pots if lvl == "pot" else plan.allocation
        known = pd.unique(source[lvl].astype(str)).tolist()
        at = check_labels(log, table, lvl, values, known,
                          f"{lvl} (not in the plan '{plan.name}')")
        out[lvl] = np.where(at >= 0, np.asarray(known, dtype=object)[np.maximum(at, 0)], None)
    return out


def _periods(log: FailureLog, table: str, rows: pd.DataFrame, kind: str) -> np.ndarray:
    raw = rows[kind]
    parse = _quarter if kind == "quarter" else _month
    numbers = np.array([parse(v) for v in raw], dtype=float)
    bad = np.isnan(numbers)
    if bad.any():
        example = "Q1 ... Q4, TW II or 1 ... 4" if kind == "quarter" else "1 ... 12, Mar or Maret"
        log.add(table, kind, f"not a {kind} (write {example})", labels=rows.index[bad].tolist(),
                values=raw[bad].tolist())
    return numbers / (4.0 if kind == "quarter" else 12.0)


def _quarter(value: object) -> float:
    text = re.sub(r"^(TRIWULAN|QUARTER|QTR|TW|Q)[\s\-_.]*", "", str(value).strip().upper())
    text = text.removesuffix(".0")
    number = _ROMAN.get(text) or (int(text) if text.isdigit() else 0)
    return float(number) if 1 <= number <= 4 else np.nan


def _month(value: object) -> float:
    text = str(value).strip().lower().removesuffix(".0")
    match = re.fullmatch(r"\d{4}-(\d{1,2})(-\d{1,2})?", text)
    if match:
        text = match.group(1)
    number = int(text) if text.isdigit() else _MONTHS.get(text.rstrip("."), 0)
    return float(number) if 1 <= number <= 12 else np.nan


def _amounts(log: FailureLog, table: str, rows: pd.DataFrame, value: str) -> pd.DataFrame:
    columns = [value, *(["committed"] if "committed" in rows.columns else [])]
    if value == "realisation" or "committed" in columns:
        money_cols = [c for c in columns if c in ("realisation", "committed")]
        out = money(log, table, rows, money_cols, 1.0, blank_ok=["committed"])
        if "committed" in out:
            out["committed"] = out["committed"].fillna(0.0)
        if value != "realisation":
            out[value] = check_numeric(log, table, rows, [value])[value]
        return out
    return check_numeric(log, table, rows, [value])


def _ceilings(plan: SavedPlan, levels: tuple[str, ...]) -> pd.Series:
    source = plan.pots if "pot" in levels else plan.allocation
    if not levels:
        return pd.Series([plan.total], index=_index([], (), 1), name="ceiling")
    sums = source.groupby(list(levels) if len(levels) > 1 else levels[0], sort=False)[
        "spend"].sum()
    return sums[sums > 0].rename("ceiling")


def _index(arrays: list[np.ndarray], levels: tuple[str, ...], n: int) -> pd.Index:
    """The groups: an Index for one level (``all`` for none), a MultiIndex for several."""
    if not levels:
        return pd.Index(np.full(n, "all", dtype=object), name="all")
    if len(levels) == 1:
        return pd.Index(arrays[0], name=levels[0])
    return pd.MultiIndex.from_arrays(arrays, names=list(levels))


def _check_percent(rows: pd.DataFrame, values: np.ndarray, column: str) -> None:
    if column == "percent" and len(values) > 1 and 0 < values.max() <= 1:
        raise DataError("realisation: every percent is at most 1: write 45 for 45 %, or name "
                        "the column 'share' for shares in 0-1")


def _order(log: FailureLog, table: str, frame: pd.DataFrame, cumulative: bool) -> None:
    level = list(range(frame.index.nlevels))
    repeated = frame.reset_index().duplicated([*frame.index.names, "t"], keep=False).to_numpy()
    if repeated.any():
        log.add(table, "period", "the same group and period are given more than once; keep "
                "one row", labels=frame.loc[repeated, "row"].tolist())
        return
    previous = frame.groupby(level=level, sort=False)["t"].shift()
    back = (frame["t"] < previous).to_numpy()
    if back.any():
        log.add(table, "period", "period out of order (earlier than the row before it for the "
                "same group): sort each group's rows by period, or check the period label",
                labels=frame.loc[back, "row"].tolist())
    if cumulative:
        before = frame.groupby(level=level, sort=False)["amount"].shift()
        falls = (frame["amount"] < before - 1e-9).to_numpy()
        if falls.any():
            log.add(table, "realisation", "cumulative realisation falls from the period before: "
                    "amounts count everything paid since January (or pass cumulative=False / "
                    "--per-period if they are paid within each period)",
                    labels=frame.loc[falls, "row"].tolist(),
                    values=frame.loc[falls, "amount"].round(4).tolist(), show_values=True)


def _ceiling_check(log: FailureLog, table: str, frame: pd.DataFrame, ceiling: np.ndarray,
                   value: str) -> None:
    paid = frame["amount"].to_numpy() + frame["committed"].to_numpy()
    over = paid > ceiling + ROUNDING
    if not over.any():
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(ceiling > 0, paid / ceiling, np.inf)
    hint = ""
    if value == "realisation":
        for at_least, unit in _UNIT_HINTS:
            if np.nanmin(np.where(over, ratio, np.inf)) >= at_least:
                hint = (f"; the amounts look like {unit}, not {MONEY_UNIT}: add a unit column "
                        f"(unit = {unit.split(' (')[0]}) or convert them")
                break
    log.add(table, value, "paid (plus committed) is above the group's ceiling in the plan "
            f"(shown: paid / ceiling){hint}", labels=frame.loc[over, "row"].tolist(),
            values=[f"{p:,.4g} / {c:,.4g}" for p, c in zip(paid[over], ceiling[over],
                                                            strict=True)], show_values=True)


def _commitments(source: pd.DataFrame | str | Path, plan: SavedPlan, levels: tuple[str, ...],
                 sheet: str | None) -> pd.Series:
    frame = _frame(source, "commitments", sheet)
    rows = named_rows(frame.reset_index(drop=True), None)
    rows.attrs = frame.attrs
    if "committed" not in rows.columns:
        raise DataError(f"commitments: needs a 'committed' column (Rp bn); columns present: "
                        f"{list(rows.columns)}")
    given = tuple(lvl for lvl in (*plan.levels, "pot") if lvl in rows.columns)
    if given != levels:
        raise DataError(f"commitments: the table names its groups by {list(given)} but the "
                        f"realisation by {list(levels)}; give both at the same level of detail")
    log = FailureLog()
    labels = _labels(log, "commitments", rows, levels, plan)
    amounts = money(log, "commitments", rows, ["committed"], 1.0)
    log.raise_if_any("commitments")
    keys = _index([labels[lvl] for lvl in levels], levels, len(rows))
    if keys.duplicated().any():
        raise DataError(f"commitments: group(s) given more than once: "
                        f"{_keys(keys[keys.duplicated()])}")
    return pd.Series(amounts["committed"].to_numpy(), index=keys)


def _warn_missing(groups: pd.DataFrame, latest: float) -> None:
    missing = groups.index[~groups["reported"].to_numpy()]
    if len(missing):
        warnings.warn(f"realisation: {len(missing)} group(s) the plan gives money are not in the "
                      f"file and are taken as nothing paid: {_keys(missing)}; add them with 0 "
                      "if that is right", DataWarning, stacklevel=3)
    late = groups["reported"].to_numpy() & (groups["last_t"].to_numpy() < latest - 1e-9)
    if late.any():
        warnings.warn(f"realisation: {int(late.sum())} group(s) report only up to an earlier "
                      f"period than {period_label(latest)} (their last figure is used): "
                      f"{_keys(groups.index[late])}", DataWarning, stacklevel=3)


def _keys(index: pd.Index, n: int = 5) -> str:
    names = [", ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in index[:n]]
    return str(names)[:-1] + (", ...]" if len(index) > n else "]")
