"""What-if copies of a :class:`~ikmopt.data.dataset.Dataset`.

The work of :meth:`Dataset.replace`, :meth:`Dataset.scale`, :meth:`Dataset.with_capacity`,
:meth:`Dataset.with_cost`, :meth:`Dataset.drop_regions` and :meth:`Dataset.add_regions`.
A dataset never changes: each function returns a new one, validated like the original.
Diminishing-returns segments keep their shares of a cell's capacity, so a changed capacity
takes its curve along (:meth:`ikmopt.data.curves.Curves.relative`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.units import MONEY_UNIT
from ikmopt.core.validation import suggest
from ikmopt.data.groups import as_list
from ikmopt.data.io import read_csv_table

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["add_regions", "drop_regions", "replace", "scale", "with_capacity", "with_cost",
           "with_table"]

D = TypeVar("D", bound="Dataset")


def replace(data: D, tables: Mapping[str, Any]) -> D:
    """The work of :meth:`Dataset.replace <ikmopt.data.dataset.Dataset.replace>`."""
    base: dict[str, Any] = {
        "regions": data.regions,
        "programs": data.programs,
        "impacts": data.impacts,
        "metric_units": data.metric_units,
        "signed_metrics": data.signed_metrics,
        "name": data.name,
        "sources": data.sources,
        "description": data.description,
        "curves": None if data.curves is None else data.curves.table,
        "projects": None if data.projects is None else data.projects.table,
        "uncertainty": None if data.uncertainty is None else data.uncertainty.table,
        "proposals": None if data.proposals is None else data.proposals.written(),
        "last_year": None if data.last_year is None else data.last_year.written(),
        "money_unit": data.money,  # Rp bn for rupiah (already converted), else as declared
    }
    unknown = set(tables) - set(base)
    if unknown:
        raise TypeError(f"replace() got unknown argument(s) {sorted(unknown)}")
    if "impacts" in tables and "curves" not in tables and data.curves is not None:
        base["curves"] = data.curves.relative()  # segments follow the new capacities
    base.update(tables)
    return type(data)(**base)


def scale(data: D, metric: str, factor: float, where: Mapping[str, Any] | None = None) -> D:
    """The work of :meth:`Dataset.scale <ikmopt.data.dataset.Dataset.scale>`."""
    if metric not in (*data.metrics, "capacity"):
        raise DataError(
            f"cannot scale '{metric}': not a metric or 'capacity'"
            f"{suggest(metric, (*data.metrics, 'capacity'))}; metrics are "
            f"{list(data.metrics)}"
        )
    factor = _finite_number(factor, f"scale factor for '{metric}'")
    impacts = data.impacts.copy()
    rows = data.mask(where)
    with np.errstate(over="ignore"):  # an overflow becomes inf, which validation reports
        impacts.loc[rows, metric] = impacts.loc[rows, metric].to_numpy() * factor
    if metric == "capacity":
        return _with_capacities(data, impacts)
    return data.replace(impacts=impacts)


def with_capacity(data: D, *, factor: float | None = None, value: float | None = None,
                  where: Mapping[str, Any] | None = None) -> D:
    """The work of :meth:`Dataset.with_capacity <ikmopt.data.dataset.Dataset.with_capacity>`."""
    if (factor is None) == (value is None):
        raise DataError("with_capacity() needs exactly one of factor= and value=")
    if factor is not None:
        return data.scale("capacity", factor, where)
    value = _finite_number(value, "capacity value")
    impacts = data.impacts.copy()
    impacts.loc[data.mask(where), "capacity"] = float(value)
    return _with_capacities(data, impacts)


def _with_capacities(data: D, impacts: pd.DataFrame) -> D:
    """A copy with new capacities; diminishing-returns segments stretch with them.

    A cell's curve describes how returns fall as the cell fills up: its segments keep
    their shares of the capacity (:meth:`Dataset.replace` passes them on), so their widths
    are scaled by new capacity / old capacity. A cell whose capacity was 0 keeps the shape
    of its segments.
    """
    return data.replace(impacts=impacts)


def with_cost(data: D, factor: float, where: Mapping[str, Any] | None = None) -> D:
    """The work of :meth:`Dataset.with_cost <ikmopt.data.dataset.Dataset.with_cost>`."""
    factor = _finite_number(factor, "cost factor")
    if factor <= 0:
        raise DataError(f"cost factor must be greater than 0, got {factor!r}")
    impacts = data.impacts.copy()
    rows = data.mask(where)
    for metric in data.metrics:
        impacts.loc[rows, metric] = impacts.loc[rows, metric].to_numpy() / factor
    impacts.loc[rows, "capacity"] = impacts.loc[rows, "capacity"].to_numpy() * factor
    return data.replace(impacts=impacts)  # segments keep their shares of the capacity


def drop_regions(data: D, regions: Iterable[Hashable] | Hashable) -> D:
    """The work of :meth:`Dataset.drop_regions <ikmopt.data.dataset.Dataset.drop_regions>`."""
    labels = [str(r) for r in as_list(regions)]
    unknown = [r for r in labels if r not in data.regions.index]
    if unknown:
        raise DataError(
            f"cannot drop unknown region(s) {unknown}"
            f"{suggest(unknown[0], data.regions.index)}"
        )
    keep = ~data.impacts.index.get_level_values("region").isin(labels)
    curves = None
    if data.curves is not None:
        table = data.curves.table
        curves = table[~table.index.get_level_values("region").isin(labels)]
    projects = None
    if data.projects is not None:
        table = data.projects.table
        projects = table[~table["region"].isin(labels)]
    uncertainty = None
    if data.uncertainty is not None:  # rows that name only dropped regions go too
        table = data.uncertainty.table
        uncertainty = (table[~table["region"].astype(str).isin(labels)]
                       if "region" in table.columns else table)
    planning = {}
    for name in ("proposals", "last_year"):  # rows of dropped regions go with them
        table = getattr(data, name)
        if table is not None:
            written = table.written()
            kept = written[~written["region"].astype(str).isin(labels)]
            planning[name] = kept if len(kept) else None
    return data.replace(
        regions=data.regions.drop(index=labels), impacts=data.impacts[keep], curves=curves,
        projects=projects, uncertainty=uncertainty, **planning,
    )


def with_table(data: D, name: str, table: Any) -> D:
    """The work of :meth:`Dataset.with_proposals` and :meth:`Dataset.with_last_year`."""
    if isinstance(table, str | Path):
        path = Path(table)
        if not path.is_file():
            raise DataError(f"{name}: file '{path}' does not exist")
        table = read_csv_table(path, name)
    return data.replace(**{name: table})


# ---------------------------------------------------------------------- add_regions
def add_regions(data: D, regions: Any, impacts: Any, *, curves: Any = None,
                projects: Any = None, money_unit: str = MONEY_UNIT) -> D:
    """The work of :meth:`Dataset.add_regions <ikmopt.data.dataset.Dataset.add_regions>`."""
    added = _new_regions(data, regions, impacts, curves, projects, money_unit)
    new_regions = _check_fit(data, added)

    def both(mine: Any, theirs: Any) -> pd.DataFrame | None:
        parts = [t.table for t in (mine, theirs) if t is not None]
        return pd.concat(parts) if parts else None

    return data.replace(
        regions=pd.concat([data.regions, new_regions[data.regions.columns]]),
        impacts=pd.concat([data.impacts, added.impacts[data.impacts.columns]]),
        curves=both(data.curves, added.curves), projects=both(data.projects, added.projects),
    )


def _new_regions(data: D, regions: Any, impacts: Any, curves: Any, projects: Any,
                 money_unit: str) -> D:
    """The new regions as a dataset of their own (with ``data``'s programs and units)."""
    try:
        tables = {name: _table(value, name) for name, value in
                  (("regions", regions), ("impacts", impacts), ("curves", curves),
                   ("projects", projects)) if value is not None}
    except DataError as err:
        raise DataError(f"add_regions: {err}") from None
    lacking = [m for m in (*data.metrics, "capacity") if m not in tables["impacts"].columns]
    if lacking:
        raise DataError(f"add_regions: table 'impacts' lacks column(s) {lacking}; the new "
                        f"cells need 'capacity' and every metric of the dataset "
                        f"{list(data.metrics)}")
    if money_unit == MONEY_UNIT:  # not stated: the dataset's own unit
        money_unit = data.money
    try:
        added = type(data)(tables["regions"], data.programs, tables["impacts"],
                           money_unit=money_unit, metric_units=data.metric_units,
                           signed_metrics=data.signed_metrics,
                           name=f"{data.name} (added regions)", curves=tables.get("curves"),
                           projects=tables.get("projects"))
    except DataError as err:
        raise DataError(f"add_regions: {err}", getattr(err, "failure_cases", None)) \
            from None
    if added.money != data.money:
        raise DataError(f"add_regions: money_unit={money_unit!r} is in {added.money_unit} but "
                        f"the dataset's money is in {data.money_unit}; give the new tables in "
                        "the dataset's unit (only rupiah is converted: there is no exchange rate)")
    return added


def _check_fit(data: Dataset, added: Dataset) -> pd.DataFrame:
    """The new regions table in the dataset's column types; raise if they do not fit."""
    mine = data.regions
    problems = []
    taken = added.regions.index.intersection(mine.index)
    if len(taken):
        problems.append(f"region(s) {list(taken)} already exist; drop_regions first to "
                        "replace them")
    missing = mine.columns.difference(added.regions.columns)
    extra = added.regions.columns.difference(mine.columns)
    if len(missing):
        problems.append(f"table 'regions' lacks column(s) {list(missing)}: give a value "
                        "for each new region")
    if len(extra):
        problems.append(f"table 'regions' has column(s) {list(extra)} the dataset does "
                        f"not have; its columns are {list(mine.columns)}")
    if added.metrics != data.metrics:
        problems.append(f"table 'impacts' has metrics {list(added.metrics)}; the dataset "
                        f"has {list(data.metrics)}")
    if added.levels != data.levels:
        problems.append(f"table 'impacts' has cell levels {list(added.levels)}; the "
                        f"dataset has {list(data.levels)}")
    new_regions, mismatched = _like(added.regions[mine.columns.intersection(
        added.regions.columns)], mine)
    problems += [f"table 'regions', column '{c}': the new values do not match the "
                 f"dataset's {mine[c].dtype} column" for c in mismatched]
    if problems:
        raise DataError("add_regions: " + "; ".join(problems))
    return new_regions


def _like(new: pd.DataFrame, old: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``new`` with each column in the type of ``old``'s, and the columns that do not fit.

    Codes read as numbers become text; text in a number column, or a yes/no column that is
    not boolean, does not fit.
    """
    out, bad = new.copy(), []
    for column in new.columns:
        want, have = old[column].dtype, new[column]
        if pd.api.types.is_bool_dtype(want):
            ok = pd.api.types.is_bool_dtype(have.dtype)
        elif pd.api.types.is_numeric_dtype(want):
            ok = pd.api.types.is_numeric_dtype(have.dtype) and not pd.api.types.is_bool_dtype(
                have.dtype)
        else:  # text: labels and codes
            out[column] = have.where(have.isna(), have.astype(str)).astype(want)
            ok = True
        if not ok:
            bad.append(str(column))
    return out, bad


def _table(value: Any, name: str) -> pd.DataFrame:
    """A table given as a DataFrame, a list of records or the path of a CSV file."""
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, str | Path):
        path = Path(value)
        if not path.is_file():
            raise DataError(f"table '{name}': CSV file '{path}' does not exist")
        return read_csv_table(path, name)
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        rows = list(value)
        if rows and all(isinstance(r, Mapping) for r in rows):
            return pd.DataFrame(rows)
    raise DataError(f"table '{name}' must be a DataFrame, a list of records (one mapping per "
                    f"row) or a CSV path, got {type(value).__name__}")


def _finite_number(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DataError(f"{what} must be a number, got {value!r}") from None
    if not np.isfinite(number) or number < 0:
        raise DataError(f"{what} must be finite and >= 0, got {value!r}")
    return number
