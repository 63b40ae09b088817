"""The tables of a :class:`~ikmopt.data.dataset.Dataset`: labelled, checked, converted.

:func:`validate_tables` does the constructor's checks: it brings the regions, programs and
impacts tables to frames indexed by their labels, records every problem in a
:class:`~ikmopt.core.validation.FailureLog` (raised together as a
:class:`~ikmopt.core.errors.DataError`), reads the money unit (:func:`dataset_money`) and
converts rupiah to Rp bn (money in another currency stays in its declared unit), makes
``population`` optional (checked where present, required only by the rules that use it),
orders the cells by the
regions and programs tables, and then checks the sources, curves and projects tables that
depend on the cells. (The uncertainty table selects cells by level, so the constructor checks
it on the dataset itself.)
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, DataWarning
from ikmopt.core.units import MoneyUnit
from ikmopt.core.units import money_unit as read_money_unit
from ikmopt.core.validation import (
    FailureLog,
    blank_labels,
    case_variants,
    check_numeric,
    misspelled,
    stripped_text,
    suggest,
)
from ikmopt.data.curves import Curves, validate_curves
from ikmopt.data.projects import Projects, validate_projects

__all__ = [
    "CELL_LEVELS",
    "RESERVED_IMPACT_COLUMNS",
    "SOURCES_COLUMNS",
    "Tables",
    "check_case",
    "check_unique",
    "checked_curves",
    "checked_metric_units",
    "checked_projects",
    "checked_signed",
    "convert_money",
    "dataset_money",
    "labelled",
    "outcome_factor",
    "sorted_cells",
    "sources_table",
    "validate_impacts",
    "validate_regions",
    "validate_tables",
]

#: Index levels of the impacts table, in order. ``region`` and ``program`` are required.
CELL_LEVELS = ("region", "program", "sector", "year")
#: Impacts columns that are not metrics.
RESERVED_IMPACT_COLUMNS = ("capacity", "unit")
#: Columns of the provenance table.
SOURCES_COLUMNS = ("table", "column", "source", "year", "note")


#: The unit a rupiah dataset counts money in.
RP_BN = MoneyUnit("IDR", 1e9)


class Tables(NamedTuple):
    """The tables of a dataset after validation; money in ``money`` (Rp bn for rupiah)."""

    regions: pd.DataFrame
    programs: pd.DataFrame
    impacts: pd.DataFrame  # cells in the order of the regions and programs tables
    metrics: tuple[str, ...]
    metric_units: dict[str, str]
    sources: pd.DataFrame
    curves: Curves | None
    projects: Projects | None
    signed_metrics: tuple[str, ...] = ()
    money: MoneyUnit = RP_BN


def validate_tables(
    log: FailureLog,
    regions: Any,
    programs: Any,
    impacts: Any,
    *,
    money_unit: Any,
    metric_units: Any,
    name: Any,
    sources: pd.DataFrame | None,
    curves: Any,
    projects: Any,
    signed_metrics: Any = (),
) -> Tables:
    """Label, check and convert the tables; raise ``DataError`` naming every problem.

    Metrics named in ``signed_metrics`` may be negative (land freed, net emissions); every
    other metric and the capacity must not be. Rupiah money is converted to Rp bn; money in
    another currency keeps its declared unit (``Tables.money``).

    Raises :class:`~ikmopt.core.errors.DataError` at once for a ``money_unit`` that is not a
    money unit (naming the argument).

    Warns (:class:`~ikmopt.core.errors.DataWarning`) if some cells have curve segments and
    others do not.
    """
    declared = None if money_unit is None else _argument_unit(money_unit, name)
    regions = labelled(log, "regions", regions, ("region",))
    programs = labelled(log, "programs", programs, ("program",))
    impacts = labelled(log, "impacts", impacts, CELL_LEVELS, required=("region", "program"))
    log.raise_if_any(f"dataset '{name}'")

    money = dataset_money(log, impacts, declared, money_unit)
    factor = money.idr_bn_factor or 1.0  # another currency stays in its own unit
    regions = validate_regions(log, regions)
    check_unique(log, "programs", programs.index)
    signed = checked_signed(log, signed_metrics, impacts.columns, name)
    impacts, metrics = validate_impacts(log, impacts, regions.index, programs.index, signed)
    units = checked_metric_units(log, metric_units, metrics, name)
    log.raise_if_any(f"dataset '{name}'")

    outcome_factors = {m: outcome_factor(u, money) or 1.0 for m, u in units.items()}
    impacts = convert_money(impacts, metrics, units, factor, money)
    if "unit" in impacts.columns:
        impacts = impacts.drop(columns="unit")
    impacts = sorted_cells(impacts, regions.index, programs.index)
    cells, capacity = impacts.index, impacts["capacity"].to_numpy(dtype=float)
    sources = sources_table(sources)
    curves = checked_curves(log, curves, cells, capacity, factor, name)
    projects = checked_projects(log, projects, cells, tuple(metrics), factor, outcome_factors,
                                name, signed)
    return Tables(regions, programs, impacts, tuple(metrics), units, sources, curves, projects,
                  signed, money.model)


def _argument_unit(money_unit: Any, name: Any) -> MoneyUnit:
    """The ``money_unit=`` argument read; a ``DataError`` naming the argument if it is none."""
    try:
        return read_money_unit(money_unit, "money_unit")
    except DataError as err:
        cases = pd.DataFrame({"table": ["-"], "column": ["money_unit"], "label": [None],
                              "check": [str(err)], "value": [repr(money_unit)]})
        raise DataError(f"dataset '{name}': {err}", failure_cases=cases) from None


def checked_signed(log: FailureLog, signed_metrics: Any, columns: Sequence[str],
                   name: Any) -> tuple[str, ...]:
    """``signed_metrics`` as a tuple; a name that is no metric column is recorded."""
    if isinstance(signed_metrics, str) or not isinstance(signed_metrics, Sequence | set
                                                         | frozenset):
        raise DataError(f"dataset '{name}': signed_metrics must be a list of metric names, "
                        f"e.g. ['land']; got {type(signed_metrics).__name__} "
                        f"{signed_metrics!r}")
    metrics = [c for c in columns if c not in RESERVED_IMPACT_COLUMNS]
    for metric in signed_metrics:
        if metric not in metrics:
            log.add("impacts", str(metric), "signed_metrics names a metric that is not an "
                    "impacts column" + suggest(str(metric), metrics))
    return tuple(str(m) for m in signed_metrics if m in metrics)


def checked_metric_units(log: FailureLog, metric_units: Any, metrics: Sequence[str],
                         name: Any) -> dict[str, str]:
    """A copy of ``metric_units``; a metric it names that the impacts lack is recorded."""
    if metric_units is not None and not isinstance(metric_units, Mapping):
        raise DataError(f"dataset '{name}': metric_units must be a mapping {{metric: unit}}, "
                        f"e.g. {{'jobs': 'persons'}}; got {type(metric_units).__name__} "
                        f"{metric_units!r}")
    units = dict(metric_units or {})
    for metric in units:
        if metric not in metrics:
            log.add(
                "impacts",
                str(metric),
                "metric_units names a metric that is not an impacts column"
                + suggest(metric, metrics),
            )
    return units


def sources_table(sources: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of the provenance table, or an empty one."""
    if sources is not None:
        return sources.copy()
    return pd.DataFrame(columns=list(SOURCES_COLUMNS))


def checked_curves(log: FailureLog, curves: Any, cells: pd.MultiIndex, capacity: np.ndarray,
                   factor: float, name: Any) -> Curves | None:
    """The validated curves table (``None`` for none, or an empty one); warns about gaps."""
    if curves is not None and not isinstance(curves, pd.DataFrame):
        raise DataError(f"dataset '{name}': table 'curves' must be a pandas DataFrame, got "
                        f"{type(curves).__name__} (read a CSV file with pandas.read_csv)")
    if curves is None or not len(curves):
        return None
    checked = validate_curves(log, curves, cells, factor, capacity)
    log.raise_if_any(f"dataset '{name}'")
    _warn_uncurved(checked, cells, capacity, str(name))
    return checked


def checked_projects(log: FailureLog, projects: Any, cells: pd.MultiIndex,
                     metrics: tuple[str, ...], factor: float,
                     outcome_factors: dict[str, float], name: Any,
                     signed: Sequence[str] = ()) -> Projects | None:
    """The validated projects table, or ``None`` for none (or no rows)."""
    if projects is None:
        return None
    checked = validate_projects(log, projects, cells, metrics, factor, outcome_factors, signed)
    log.raise_if_any(f"dataset '{name}'")
    if checked is not None and not len(checked):
        return None
    return checked


# ---------------------------------------------------------------------- labels
def labelled(
    log: FailureLog,
    table: str,
    frame: Any,
    levels: tuple[str, ...],
    required: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Bring a table to a frame indexed by its label levels (strings, or int years)."""
    required = levels if required is None else required
    if not isinstance(frame, pd.DataFrame):
        log.add(table, "-", f"must be a pandas DataFrame, got {type(frame).__name__}")
        return pd.DataFrame()
    if len(frame) == 0:
        log.add(table, "-", "table is empty (no rows)")
        return frame
    frame = _labels_as_columns(log, table, frame, levels)
    if frame is None or not _has_columns(log, table, frame, required):
        return frame if frame is not None else pd.DataFrame()
    present = [lv for lv in levels if lv in frame.columns]
    for lv in present:
        _clean_labels(log, table, frame, lv)
    out = frame.set_index(present)
    out.attrs = {}  # row positions of the file mean nothing once indexed by labels
    return out


def _labels_as_columns(log: FailureLog, table: str, frame: pd.DataFrame,
                       levels: tuple[str, ...]) -> pd.DataFrame | None:
    """A copy with the index levels as columns and stripped column names; ``None`` if not.

    ``None`` (after recording why) where a label is both an index level and a column.
    """
    frame = frame.copy()
    index_names = [n for n in frame.index.names if n is not None]
    clash = [n for n in index_names if n in frame.columns]
    if clash:
        log.add(table, ", ".join(map(str, clash)),
                "label is both an index level and a column; keep one (reset_index(drop=True) "
                "or set_index(..., drop=True))")
        return None
    if (
        not index_names
        and len(levels) == 1
        and levels[0] not in frame.columns
        and not isinstance(frame.index, pd.RangeIndex)
    ):  # an unnamed index of labels, e.g. DataFrame({...}, index=["Aceh", ...])
        frame.index.name = levels[0]
        index_names = [levels[0]]
    if index_names:
        frame = frame.reset_index()
    elif not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _has_columns(log: FailureLog, table: str, frame: pd.DataFrame,
                 required: tuple[str, ...]) -> bool:
    """Whether the columns are distinct and the required labels present (else recorded)."""
    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        log.add(table, ", ".join(duplicated), "column appears more than once; keep one")
        return False
    missing = [lv for lv in required if lv not in frame.columns]
    for lv in missing:
        log.add(
            table,
            lv,
            "required label column is missing" + misspelled(lv, frame.columns)
            + f"; columns present: {list(frame.columns)}",
        )
    return not missing


def _clean_labels(log: FailureLog, table: str, frame: pd.DataFrame, level: str) -> None:
    """Labels of ``level`` as stripped text, or years as integers (in place)."""
    col = frame[level]
    text = stripped_text(col) if level != "year" else None
    blank = blank_labels(log, table, frame, level, text)
    if text is not None:
        frame[level] = text
        return
    years = pd.to_numeric(col, errors="coerce")
    bad = ~blank & (years.isna() | (years != np.round(years)))
    if bad.any():
        log.add(table, level, "year must be an integer", values=col[bad].tolist(),
                labels=col[bad].tolist())
    if not (bad.any() or blank.any()):
        frame[level] = years.astype(np.int64)


def check_unique(log: FailureLog, table: str, index: pd.Index) -> None:
    """Record repeated labels; a single label level also refuses case variants.

    ``Aceh`` and ``ACEH`` are one name written two ways, like ``Aceh`` and ``Aceh `` (the
    space is stripped): two rows would make two regions of one province.
    """
    column = "/".join(str(n) for n in index.names)
    dup = index.duplicated(keep="first")
    if dup.any():
        log.add(table, column, "duplicate label", labels=index[dup].unique().tolist())
    if index.nlevels == 1:
        check_case(log, table, column, index[~dup], "duplicate label")


def check_case(log: FailureLog, table: str, column: str, labels: pd.Index,
               what: str) -> None:
    """Record each label that differs from an earlier one only in upper/lower case."""
    if not (pd.api.types.is_string_dtype(labels.dtype)
            or pd.api.types.is_object_dtype(labels.dtype)):
        return
    variants = case_variants(labels)
    if len(variants):
        log.add_frame(pd.DataFrame({
            "table": table, "column": column, "label": variants["label"],
            "check": what + ": differs only in upper/lower case from '" + variants["first"]
            + "' (the same name written two ways: write it one way everywhere, or rename)",
            "value": variants["first"],
        }))


# ---------------------------------------------------------------------- tables
def dataset_money(log: FailureLog, impacts: pd.DataFrame, declared: MoneyUnit | None,
                  written: Any = None) -> MoneyUnit:
    """The unit of the impacts' money: ``money_unit=`` (``declared``), or their ``unit`` column.

    ``money_unit="Rp bn"`` (the default) gives way to a ``unit`` column; any other
    ``money_unit=`` (as ``written`` by the user) must agree with the column. A problem of
    the column is recorded under ``impacts.unit`` and the dataset's unit is then Rp bn.
    """
    unit = declared or RP_BN
    if "unit" not in impacts.columns:
        return unit
    units = impacts["unit"].dropna().astype(str).str.strip().unique()
    if len(units) > 1:
        log.add("impacts", "unit", f"mixed money units {sorted(units)}; use one unit")
        return RP_BN
    if not len(units):
        return unit
    try:
        column = read_money_unit(units[0], "unit")
    except DataError as err:
        log.add("impacts", "unit", str(err))
        return RP_BN
    stated = declared is not None and declared != RP_BN
    if stated and column != declared:
        shown = written if written is not None else declared.label
        log.add("impacts", "unit", f"column says '{units[0]}' but money_unit={shown!r}; "
                "drop the column or make them agree")
        return RP_BN
    return column


def outcome_factor(unit: str | None, money: MoneyUnit) -> float | None:
    """Model money units (Rp bn, or the dataset's unit) in one ``unit`` of an outcome.

    ``None`` when the outcome is not money of the dataset's currency (jobs, or another
    currency: there is no exchange rate).
    """
    if unit is None:
        return None
    try:
        parsed = read_money_unit(unit)
    except DataError:
        return None
    return parsed.factor_to(money.model)


def validate_regions(log: FailureLog, regions: pd.DataFrame) -> pd.DataFrame:
    """Check the regions table: unique labels and, where present, a positive ``population``.

    ``population`` is optional: only per-capita rules and measures need it, and they say so
    (:meth:`ikmopt.Dataset.region_column`). A column spelled almost exactly like it
    (``populaton``, ``Population``) is refused, so that a typo is not read as "no
    population"; a column merely like it (``population_density``) is not.
    """
    check_unique(log, "regions", regions.index)
    if "population" not in regions.columns:
        typo = _population_typo(regions.columns)
        if typo is not None:
            log.add("regions", "population",
                    f"column is missing (is '{typo}' a misspelling of 'population'?); "
                    "population is optional, but a column spelled almost like it is refused "
                    f"rather than ignored: rename it; columns present: {list(regions.columns)}")
        return regions
    return check_numeric(log, "regions", regions, ["population"], positive=True)


def _population_typo(columns: Sequence[Any]) -> str | None:
    """A column spelled almost exactly like ``population`` (``populaton``, ``Population``)."""
    folded = {str(c).casefold(): str(c) for c in columns}
    close = difflib.get_close_matches("population", list(folded), n=1, cutoff=0.85)
    return folded[close[0]] if close else None


def validate_impacts(
    log: FailureLog, impacts: pd.DataFrame, regions: pd.Index, programs: pd.Index,
    signed: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """Check the impacts table; return it (numbers checked) and its metrics.

    Metrics in ``signed`` may be negative; other metrics and the capacity may not.
    """
    if "capacity" not in impacts.columns:
        log.add(
            "impacts",
            "capacity",
            "required column is missing" + misspelled("capacity", impacts.columns)
            + f"; columns present: {list(impacts.columns)}",
        )
    metrics = [c for c in impacts.columns if c not in RESERVED_IMPACT_COLUMNS]
    if not metrics:
        log.add("impacts", "-", "no metric column (e.g. 'jobs') besides capacity")
    check_unique(log, "impacts", impacts.index)
    for level in impacts.index.names:  # levels without a table of their own (sector)
        if level not in ("region", "program"):
            check_case(log, "impacts", level, impacts.index.unique(level),
                       f"{level} label")
    numeric = [c for c in (*metrics, "capacity") if c in impacts.columns]
    impacts = check_numeric(log, "impacts", impacts, numeric, signed=signed)
    for level, known, table in (("region", regions, "regions"), ("program", programs, "programs")):
        labels = impacts.index.get_level_values(level)
        unknown = ~labels.isin(known)
        if unknown.any():
            bad = labels[unknown].unique().tolist()
            log.add(
                "impacts",
                level,
                f"label not in the {table} table" + suggest(str(bad[0]), known),
                labels=bad,
            )
    return impacts, metrics


def _warn_uncurved(curves: Curves | None, cells: pd.MultiIndex, capacity: np.ndarray,
                   name: str) -> None:
    """Warn when some cells have diminishing-returns segments and others do not."""
    if curves is None:
        return
    curved = np.zeros(len(cells), dtype=bool)
    curved[curves.cell] = True
    straight = ~curved & (capacity > 0)  # a cell that absorbs nothing needs no curve
    if not straight.any():
        return
    labels = [", ".join(map(str, c)) for c in cells[straight][:8]]
    more = f" and {straight.sum() - 8} more" if straight.sum() > 8 else ""
    warnings.warn(
        f"dataset '{name}': {straight.sum()} of {len(cells)} cells have no rows in the curves "
        f"table while the others do, so their returns do not diminish (every Rp bn up to "
        f"capacity earns the full coefficients): ({'), ('.join(labels)}){more}. Give them "
        "segments in the curves table (one segment with share 1 and factor 1 keeps a "
        "cell's returns straight on purpose), or drop the curves (replace(curves=None)).",
        DataWarning,
        stacklevel=5,  # Dataset(...) < __init__ < validate_tables < checked_curves < here
    )


def convert_money(
    impacts: pd.DataFrame, metrics: list[str], metric_units: dict[str, str], factor: float,
    money: MoneyUnit = RP_BN,
) -> pd.DataFrame:
    """Express capacities in model units and coefficients per model unit.

    The model unit is Rp bn for a rupiah dataset (``factor`` Rp bn per unit of its money)
    and the declared unit of any other (``factor`` 1). A metric whose outcome is money of the
    dataset's currency is converted to the model unit too, and its unit in ``metric_units``
    set to it.
    """
    if factor == 1.0 and not any(outcome_factor(u, money) not in (None, 1.0)
                                 for u in metric_units.values()):
        return impacts
    impacts = impacts.copy()
    impacts["capacity"] = impacts["capacity"] * factor
    for metric in metrics:
        per_bn = impacts[metric] / factor
        unit = metric_units.get(metric)
        out_factor = outcome_factor(unit, money)
        if out_factor is not None:  # the outcome itself is money: in the model unit too
            per_bn = per_bn * out_factor
            metric_units[metric] = money.model.label
        impacts[metric] = per_bn
    return impacts


def sorted_cells(impacts: pd.DataFrame, regions: pd.Index, programs: pd.Index) -> pd.DataFrame:
    """Order cells by the regions and programs tables (then sector, year) with fixed levels."""
    names = list(impacts.index.names)
    codes = []
    levels = []
    for name in names:
        values = impacts.index.get_level_values(name)
        if name == "region":
            cats = regions
        elif name == "program":
            cats = programs
        else:
            cats = pd.Index(pd.unique(values)).sort_values()
        codes.append(cats.get_indexer(values))
        levels.append(pd.Index(cats, name=name))
    order = np.lexsort(codes[::-1])
    index = pd.MultiIndex(
        levels=levels, codes=[c[order] for c in codes], names=names, verify_integrity=False
    )
    out = impacts.iloc[order].copy()
    out.index = index
    return out
