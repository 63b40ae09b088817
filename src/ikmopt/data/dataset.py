"""The :class:`Dataset`: validated regions, programs and impacts tables.

A dataset is immutable: what-if work derives modified copies (:meth:`Dataset.scale`,
:meth:`Dataset.with_capacity`, :meth:`Dataset.drop_regions`,
:meth:`Dataset.add_regions`). Validation happens once, in the
constructor, and every problem is reported at once in a :class:`~ikmopt.core.errors.DataError`.
Nothing downstream re-checks the tables.
"""

from __future__ import annotations

import csv
import json
import warnings
from collections.abc import Hashable, Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, DataWarning, PolicyError
from ikmopt.core.files import write_files
from ikmopt.core.units import MONEY_UNIT, known_units, to_idr_bn_factor
from ikmopt.core.validation import (
    SOURCE,
    FailureLog,
    blank_labels,
    case_variants,
    check_numeric,
    misspelled,
    suggest,
)
from ikmopt.data import metadata
from ikmopt.data.curves import validate_curves
from ikmopt.data.projects import validate_projects
from ikmopt.data.uncertainty import validate_uncertainty

if TYPE_CHECKING:
    from ikmopt.data.curves import Curves
    from ikmopt.data.projects import Projects
    from ikmopt.data.uncertainty import Uncertainty

__all__ = ["Dataset"]

#: Index levels of the impacts table, in order. ``region`` and ``program`` are required.
CELL_LEVELS = ("region", "program", "sector", "year")
#: Impacts columns that are not metrics.
RESERVED_IMPACT_COLUMNS = ("capacity", "unit")
#: Tables of a dataset file set (Excel sheets or CSV files), in order.
TABLES = ("regions", "programs", "impacts")
#: Tables a file set may add: provenance, diminishing-returns curves, discrete projects.
OPTIONAL_TABLES = ("sources", "curves", "projects", "uncertainty")


class Dataset:
    """Regions, programs and impact coefficients for one allocation problem.

    Parameters
    ----------
    regions : pandas.DataFrame
        One row per region, labelled by a ``region`` index or column. Required column:
        ``population`` (persons, > 0). Any other column (``kti``, ``island_group``,
        ``poverty_rate_pct``, ``province`` ...) can be used by constraints and aggregates.
    programs : pandas.DataFrame
        One row per program instrument, labelled by a ``program`` index or column. Optional
        columns such as ``name`` and ``channel`` (funding channel) can be used by budgets and
        aggregates.
    impacts : pandas.DataFrame
        One row per cell, labelled by ``region`` and ``program`` (and optionally ``sector``
        and ``year``) as index levels or columns. Column ``capacity`` (largest spend the cell
        can absorb, in ``money_unit``) is required; every other numeric column is a
        **metric**: its outcome per unit of money spent (for example ``jobs`` per Rp bn).
        An optional ``unit`` column states the money unit row by row; it must be uniform.
    money_unit : str, default "Rp bn"
        Unit of capacities and of the "per money" denominators. Converted once to Rp billion;
        for example "IDR bn", "Rp juta", "IDR million", "Rp miliar" or "IDR".
    metric_units : mapping, optional
        Unit of each metric's outcome, for display (``{"jobs": "persons"}``). A metric whose
        unit is a money unit (``value_added``) is converted to Rp billion as well.
    name : str, default "custom"
        Short name shown in results and reports.
    sources : pandas.DataFrame, optional
        Provenance: one row per (table, column) with ``source``, ``year`` and ``note``.
    description : str, optional
        Free text shown in reports.
    curves : pandas.DataFrame, optional
        Diminishing returns: rows labelled by the cell levels and ``segment``, with
        ``factor`` (multiplier of the cell's coefficients, non-increasing from segment to
        segment) and either ``share`` (of the cell's capacity, adding up to 1 per cell: the
        curve follows the capacity) or ``width`` (in ``money_unit``, adding up to the cell's
        capacity). Cells without segments, in a dataset where other cells have them, get
        straight-line returns and a :class:`~ikmopt.core.errors.DataWarning`. See
        :mod:`ikmopt.data.curves`.
    projects : pandas.DataFrame, optional
        Discrete projects (build all or nothing): one row per ``project`` label with the
        cell levels (``region``, ``program`` ...), ``cost`` (in ``money_unit``) and the
        outcome of every metric when built (jobs, not jobs per Rp bn). Projects make the
        program a MIP. See :mod:`ikmopt.data.projects`.
    uncertainty : pandas.DataFrame, optional
        How wrong the coefficients may be, and how much of an allocation gets spent: one row
        per metric (or ``realization``) and selection of cells with a distribution of a
        multiplier (triangular, lognormal or normal), optionally correlated by a level. Used
        by :func:`ikmopt.simulate`. See :mod:`ikmopt.data.uncertainty`.

    Raises
    ------
    DataError
        If any table is malformed; ``failure_cases`` lists every problem.

    Warns
    -----
    DataWarning
        If some cells have diminishing-returns segments and others (with capacity) do not.

    Notes
    -----
    Labels are strings (region and program codes such as ``11`` become ``"11"``); ``year``
    labels are integers. Surrounding spaces are removed, and labels that differ only in
    upper/lower case (``Aceh`` and ``ACEH``) are the same name written two ways: a table
    that has both is refused. Cells are stored sorted in the order of the regions and programs
    tables, so results come out in the same order as the input.
    """

    def __init__(
        self,
        regions: pd.DataFrame,
        programs: pd.DataFrame,
        impacts: pd.DataFrame,
        *,
        money_unit: str = MONEY_UNIT,
        metric_units: Mapping[str, str] | None = None,
        name: str = "custom",
        sources: pd.DataFrame | None = None,
        description: str = "",
        curves: pd.DataFrame | None = None,
        projects: pd.DataFrame | None = None,
        uncertainty: pd.DataFrame | None = None,
    ) -> None:
        log = FailureLog()
        regions = _labelled(log, "regions", regions, ("region",))
        programs = _labelled(log, "programs", programs, ("program",))
        impacts = _labelled(log, "impacts", impacts, CELL_LEVELS, required=("region", "program"))
        log.raise_if_any(f"dataset '{name}'")

        factor = _money_factor(log, impacts, money_unit)
        regions = _validate_regions(log, regions)
        _check_unique(log, "programs", programs.index)
        impacts, metrics = _validate_impacts(log, impacts, regions.index, programs.index)
        if metric_units is not None and not isinstance(metric_units, Mapping):
            raise DataError(f"dataset '{name}': metric_units must be a mapping {{metric: unit}}, "
                            f"e.g. {{'jobs': 'persons'}}; got {type(metric_units).__name__} "
                            f"{metric_units!r}")
        metric_units = dict(metric_units or {})
        for metric in metric_units:
            if metric not in metrics:
                log.add(
                    "impacts",
                    str(metric),
                    "metric_units names a metric that is not an impacts column"
                    + suggest(metric, metrics),
                )
        log.raise_if_any(f"dataset '{name}'")

        outcome_factors = {m: to_idr_bn_factor(u) or 1.0 for m, u in metric_units.items()}
        impacts = _convert_money(impacts, metrics, metric_units, factor)
        if "unit" in impacts.columns:
            impacts = impacts.drop(columns="unit")

        self._regions = regions
        self._programs = programs
        self._impacts = _sorted_cells(impacts, regions.index, programs.index)
        self._metrics = tuple(metrics)
        self._metric_units = metric_units
        self._name = str(name)
        self._description = description
        self._sources = (
            sources.copy()
            if sources is not None
            else pd.DataFrame(columns=["table", "column", "source", "year", "note"])
        )
        self._curves = None
        if curves is not None and not isinstance(curves, pd.DataFrame):
            raise DataError(f"dataset '{name}': table 'curves' must be a pandas DataFrame, got "
                            f"{type(curves).__name__} (read a CSV file with pandas.read_csv)")
        if curves is not None and len(curves):
            self._curves = validate_curves(log, curves, self.cells, factor, self.capacity)
            log.raise_if_any(f"dataset '{name}'")
            _warn_uncurved(self._curves, self.cells, self.capacity, self._name)
        self._projects = None
        if projects is not None:
            self._projects = validate_projects(
                log, projects, self.cells, self._metrics, factor, outcome_factors
            )
            log.raise_if_any(f"dataset '{name}'")
            if self._projects is not None and not len(self._projects):
                self._projects = None
        self._uncertainty = None
        if uncertainty is not None:
            self._uncertainty = validate_uncertainty(log, uncertainty, self)
            log.raise_if_any(f"dataset '{name}'")

    @property
    def projects(self) -> Projects | None:
        """Candidate discrete projects (see :mod:`ikmopt.data.projects`), or ``None``."""
        return self._projects

    @property
    def n_projects(self) -> int:
        """Number of candidate projects (0 without a projects table)."""
        return 0 if self._projects is None else len(self._projects)

    @cached_property
    def unit_cell(self) -> np.ndarray:
        """Cell of every *unit*: the cells themselves, then each project's cell."""
        cells = np.arange(self.n_cells)
        if self._projects is None:
            return cells
        return np.concatenate([cells, self._projects.cell])

    def unit_coefficients(self, metric: str) -> np.ndarray:
        """``metric`` per Rp bn of every cell, then its outcome for every project built."""
        values = self.coefficients(metric)
        if self._projects is None:
            return values
        return np.concatenate([values, self._projects.impacts[:, self._metrics.index(metric)]])

    def unit_spend(self) -> np.ndarray:
        """Spend of one unit of every unit: 1 (Rp bn) per cell, then each project's cost."""
        ones = np.ones(self.n_cells)
        return ones if self._projects is None else np.concatenate([ones, self._projects.cost])

    @property
    def uncertainty(self) -> Uncertainty | None:
        """The validated uncertainty table, or ``None`` (see :mod:`ikmopt.data.uncertainty`)."""
        return self._uncertainty

    @property
    def curves(self) -> Curves | None:
        """Diminishing-returns segments (see :mod:`ikmopt.data.curves`), or ``None``."""
        return self._curves

    def effective_spend(self, spend: np.ndarray) -> np.ndarray:
        """Spend weighted by the curves' factors (``spend`` itself without curves)."""
        if self._curves is None:
            return np.asarray(spend, dtype=float)
        return self._curves.effective_spend(np.asarray(spend, dtype=float))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_excel(cls, path: str | Path, **kwargs: Any) -> Dataset:
        """Read a workbook with one sheet per table: ``regions``, ``programs``, ``impacts``.

        Optional ``sources``, ``curves`` and ``projects`` sheets carry provenance,
        diminishing returns and discrete projects. Keyword arguments go to
        :class:`Dataset`. A ``curves`` sheet written by :meth:`to_excel` gives each
        segment's ``share`` of its cell's capacity, so a capacity edited in ``impacts``
        takes its curve along (see :mod:`ikmopt.data.curves`).

        Raises
        ------
        DataError
            If the file does not exist, is not a workbook, or lacks a sheet; or if a table
            is malformed. A blank label (as a merged cell leaves in every row but its
            first) is named by its cell, such as ``impacts!A7``.
        """
        path = Path(path)
        if not path.is_file():
            raise DataError(f"Excel workbook '{path}' does not exist")
        try:
            sheets = _read_workbook(path)
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
        return cls._from_tables(sheets, path.stem, metadata.keyword_defaults(meta, kwargs))

    @classmethod
    def from_csv(cls, folder: str | Path, **kwargs: Any) -> Dataset:
        """Read ``regions.csv``, ``programs.csv`` and ``impacts.csv`` from a folder.

        Optional ``sources.csv``, ``curves.csv`` and ``projects.csv`` carry provenance,
        diminishing returns and discrete projects. Keyword arguments go to
        :class:`Dataset`. A ``curves.csv`` written by :meth:`to_csv` gives each segment's
        ``share`` of its cell's capacity, so a capacity edited in ``impacts.csv`` takes its
        curve along (see :mod:`ikmopt.data.curves`).

        Raises
        ------
        DataError
            If the folder or one of the files does not exist or cannot be parsed, or if a
            table is malformed (a blank label is named by its line, ``impacts.csv line 7``).
        """
        folder = Path(folder)
        if folder.is_file():
            raise DataError(f"'{folder}' is a file, not a dataset folder: give the folder that "
                            "holds regions.csv, programs.csv and impacts.csv (or use "
                            "Dataset.from_excel for a workbook)")
        if not folder.is_dir():
            raise DataError(f"dataset folder '{folder}' does not exist")
        meta = metadata.from_json(folder)
        text = meta["text_columns"] if meta else {}
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
            frames[table] = _read_csv(file, table, text.get(table, ()))
        return cls._from_tables(frames, folder.name, metadata.keyword_defaults(meta, kwargs))

    @classmethod
    def _from_tables(cls, frames: Mapping[str, pd.DataFrame], name: str,
                     kwargs: dict[str, Any]) -> Dataset:
        """Build from read tables; optional tables fill keyword arguments not given."""
        kwargs.setdefault("name", name)
        for table in OPTIONAL_TABLES:
            if table in frames:
                kwargs.setdefault(table, frames[table])
        return cls(frames["regions"], frames["programs"], frames["impacts"], **kwargs)

    # ------------------------------------------------------------------ tables
    @property
    def regions(self) -> pd.DataFrame:
        """Regions table, indexed by ``region`` (treat as read-only)."""
        return self._regions

    @property
    def programs(self) -> pd.DataFrame:
        """Programs table, indexed by ``program`` (treat as read-only)."""
        return self._programs

    @property
    def impacts(self) -> pd.DataFrame:
        """Impacts table, one row per cell, money in Rp bn (treat as read-only)."""
        return self._impacts

    @property
    def metrics(self) -> tuple[str, ...]:
        """Names of the outcome metrics (every impacts column but ``capacity``)."""
        return self._metrics

    @property
    def metric_units(self) -> dict[str, str]:
        """Declared unit of each metric's outcome (missing metrics are unitless)."""
        return dict(self._metric_units)

    @property
    def name(self) -> str:
        """Short name of the dataset."""
        return self._name

    @property
    def description(self) -> str:
        """Free-text description of the dataset."""
        return self._description

    @property
    def sources(self) -> pd.DataFrame:
        """Provenance of each column: ``table``, ``column``, ``source``, ``year``, ``note``."""
        return self._sources

    @property
    def money_unit(self) -> str:
        """Always ``"Rp bn"``: money is converted to Rp billion at construction."""
        return MONEY_UNIT

    @property
    def cells(self) -> pd.MultiIndex:
        """Index of the decision cells (region, program[, sector][, year])."""
        return self._impacts.index  # type: ignore[return-value]

    @property
    def levels(self) -> tuple[str, ...]:
        """Names of the cell index levels."""
        return tuple(self.cells.names)

    @property
    def n_cells(self) -> int:
        """Number of decision cells."""
        return len(self._impacts)

    # ------------------------------------------------------------------ arrays for the build
    @cached_property
    def capacity(self) -> np.ndarray:
        """Capacity of every cell, Rp bn (array in cell order)."""
        return self._impacts["capacity"].to_numpy(dtype=float)

    def coefficients(self, metric: str) -> np.ndarray:
        """Coefficient of ``metric`` per Rp bn for every cell (array in cell order).

        Raises
        ------
        PolicyError
            If the dataset has no such metric.
        """
        if metric not in self._metrics:
            raise PolicyError(
                f"unknown metric '{metric}'{suggest(metric, self._metrics)}; "
                f"this dataset's metrics are {list(self._metrics)}"
            )
        return self._coefficient_matrix[:, self._metrics.index(metric)]

    @cached_property
    def _coefficient_matrix(self) -> np.ndarray:
        return self._impacts[list(self._metrics)].to_numpy(dtype=float)

    @cached_property
    def region_codes(self) -> np.ndarray:
        """Position of each cell's region in :attr:`regions` (int array in cell order)."""
        return np.asarray(self.cells.codes[0], dtype=np.int64)

    @cached_property
    def population(self) -> np.ndarray:
        """Population of every region, in :attr:`regions` order."""
        return self._regions["population"].to_numpy(dtype=float)

    def available_levels(self) -> list[str]:
        """Names usable as ``by=`` / group levels: cell levels, region and program columns."""
        return [
            *self.levels,
            *[c for c in self._regions.columns if c not in self.levels],
            *[c for c in self._programs.columns if c not in self.levels],
        ]

    def level_codes(self, level: str | tuple[str, ...]) -> tuple[np.ndarray, pd.Index]:
        """Group every cell by ``level``.

        Parameters
        ----------
        level : str or tuple of str
            A cell index level (``region``, ``program``, ``sector``, ``year``), a column of the
            regions table (``kti``, ``island_group``, ``province``) or of the programs table
            (``channel``); or a tuple of them, such as ``("province", "year")``, whose groups
            are the combinations that occur (a MultiIndex).

        Returns
        -------
        codes : numpy.ndarray
            For every cell, the position of its group in ``categories`` (``-1`` where the
            attribute is missing).
        categories : pandas.Index
            The groups, in order of first appearance in their table.

        Raises
        ------
        PolicyError
            If ``level`` is not a level or column of this dataset.
        """
        return self._level_codes(level)

    def _level_codes(self, level: str | tuple[str, ...]) -> tuple[np.ndarray, pd.Index]:
        cache = self.__dict__.setdefault("_level_cache", {})
        if isinstance(level, list):
            level = tuple(level)
        if level in cache:
            return cache[level]
        if isinstance(level, tuple):
            if len(level) == 1:
                return self._level_codes(level[0])
            parts = [self._level_codes(name) for name in level]
            stacked = np.stack([codes for codes, _ in parts])
            missing = (stacked < 0).any(axis=0)
            combos, inverse = np.unique(stacked[:, ~missing], axis=1, return_inverse=True)
            codes = np.full(self.n_cells, -1, dtype=np.int64)
            codes[~missing] = inverse.ravel()
            categories = pd.MultiIndex.from_arrays(
                [cats[combos[i]] for i, (_, cats) in enumerate(parts)], names=list(level)
            )
            cache[level] = (codes, categories)
            return cache[level]
        if level in self.levels:
            pos = self.levels.index(level)
            codes = np.asarray(self.cells.codes[pos], dtype=np.int64)
            categories = self.cells.levels[pos]
            used = np.unique(codes)
            if len(used) != len(categories):  # drop labels no cell uses
                remap = np.full(len(categories), -1, dtype=np.int64)
                remap[used] = np.arange(len(used))
                codes, categories = remap[codes], categories[used]
            result = (codes, pd.Index(categories, name=level))
        else:
            if level in self._regions.columns:
                table, owner = self._regions, 0
            elif level in self._programs.columns:
                table, owner = self._programs, 1
            else:
                raise PolicyError(
                    f"unknown level '{level}'{suggest(level, self.available_levels())}; "
                    f"levels of dataset '{self.name}' are {self.available_levels()}"
                )
            table_codes, categories = pd.factorize(table[level], sort=False)
            owner_codes = np.asarray(self.cells.codes[owner], dtype=np.int64)
            result = (
                np.asarray(table_codes, dtype=np.int64)[owner_codes],
                pd.Index(categories, name=level),
            )
        cache[level] = result
        return result

    # ------------------------------------------------------------------ what-if copies
    def replace(self, **tables: Any) -> Dataset:
        """Return a new dataset with some tables or settings replaced (and re-validated).

        Parameters
        ----------
        **tables
            Any of ``regions``, ``programs``, ``impacts``, ``metric_units``, ``name``,
            ``sources``, ``description``, ``curves``, ``projects``, ``uncertainty``.

        Notes
        -----
        A new ``impacts`` table without new ``curves`` keeps each cell's diminishing-returns
        segments as shares of its capacity (:meth:`ikmopt.data.curves.Curves.relative`): a
        changed capacity takes its curve along.
        """
        base: dict[str, Any] = {
            "regions": self._regions,
            "programs": self._programs,
            "impacts": self._impacts,
            "metric_units": self._metric_units,
            "name": self._name,
            "sources": self._sources,
            "description": self._description,
            "curves": None if self._curves is None else self._curves.table,
            "projects": None if self._projects is None else self._projects.table,
            "uncertainty": None if self._uncertainty is None else self._uncertainty.table,
        }
        unknown = set(tables) - set(base)
        if unknown:
            raise TypeError(f"replace() got unknown argument(s) {sorted(unknown)}")
        if "impacts" in tables and "curves" not in tables and self._curves is not None:
            base["curves"] = self._curves.relative()  # segments follow the new capacities
        base.update(tables)
        return Dataset(**base)

    def mask(self, where: Mapping[str, Any] | None = None) -> np.ndarray:
        """Boolean array over cells selecting those that match every ``where`` condition.

        Parameters
        ----------
        where : mapping, optional
            ``{level: value or list of values}``, for example
            ``{"island_group": "Papua", "program": ["training", "sentra"]}``. Levels are those
            of :meth:`level_codes`. ``None`` selects every cell.

        Raises
        ------
        DataError
            If a value does not occur in its level (the message lists what does).
        """
        if where is not None and not isinstance(where, Mapping):
            raise DataError(f"where= must be a mapping {{level: value(s)}}, e.g. "
                            f"{{'program': 'training'}}; got {type(where).__name__} {where!r}")
        selected = np.ones(self.n_cells, dtype=bool)
        for level, values in (where or {}).items():
            try:
                codes, categories = self._level_codes(level)
            except PolicyError as err:
                raise DataError(f"where= {err}") from None
            wanted = _as_list(values)
            positions = categories.get_indexer(pd.Index(wanted, dtype=categories.dtype))
            if (positions < 0).any():
                bad = [w for w, p in zip(wanted, positions, strict=True) if p < 0]
                raise DataError(
                    f"level '{level}' has no value(s) {bad}"
                    f"{suggest(str(bad[0]), map(str, categories))}; "
                    f"known values: {list(categories)[:20]}"
                )
            selected &= np.isin(codes, positions)
        return selected

    def scale(self, metric: str, factor: float, where: Mapping[str, Any] | None = None) -> Dataset:
        """Return a copy with ``metric`` multiplied by ``factor`` in the selected cells.

        Example: ``data.scale("jobs", 0.8, where={"program": "training"})`` lowers the jobs
        estimate of training by 20 % everywhere. Use ``metric="capacity"`` to scale capacities.
        """
        if metric not in (*self._metrics, "capacity"):
            raise DataError(
                f"cannot scale '{metric}': not a metric or 'capacity'"
                f"{suggest(metric, (*self._metrics, 'capacity'))}; metrics are "
                f"{list(self._metrics)}"
            )
        factor = _finite_number(factor, f"scale factor for '{metric}'")
        impacts = self._impacts.copy()
        rows = self.mask(where)
        with np.errstate(over="ignore"):  # an overflow becomes inf, which validation reports
            impacts.loc[rows, metric] = impacts.loc[rows, metric].to_numpy() * factor
        if metric == "capacity":
            return self._with_capacities(impacts)
        return self.replace(impacts=impacts)

    def with_capacity(
        self,
        *,
        factor: float | None = None,
        value: float | None = None,
        where: Mapping[str, Any] | None = None,
    ) -> Dataset:
        """Return a copy with capacities of the selected cells scaled (``factor``) or set.

        Exactly one of ``factor`` and ``value`` (Rp bn) must be given. Diminishing-returns
        segments stretch with the capacity (widths times new / old capacity), so the extra
        room earns returns on the same curve instead of nothing.
        """
        if (factor is None) == (value is None):
            raise DataError("with_capacity() needs exactly one of factor= and value=")
        if factor is not None:
            return self.scale("capacity", factor, where)
        value = _finite_number(value, "capacity value")
        impacts = self._impacts.copy()
        impacts.loc[self.mask(where), "capacity"] = float(value)
        return self._with_capacities(impacts)

    def _with_capacities(self, impacts: pd.DataFrame) -> Dataset:
        """A copy with new capacities; diminishing-returns segments stretch with them.

        A cell's curve describes how returns fall as the cell fills up: its segments keep
        their shares of the capacity (:meth:`replace` passes them on), so their widths are
        scaled by new capacity / old capacity. A cell whose capacity was 0 keeps the shape
        of its segments.
        """
        return self.replace(impacts=impacts)

    def with_cost(self, factor: float, where: Mapping[str, Any] | None = None) -> Dataset:
        """Return a copy where delivering the selected cells costs ``factor`` times as much.

        Every metric per Rp bn is divided by ``factor`` and the capacity (Rp bn the cell can
        absorb) is multiplied by it: the same IKM units are reached, each costs more.
        Example: ``data.with_cost(1.2, where={"program": "training", "island_group":
        "Papua"})`` for training 20 % dearer in Papua.
        """
        factor = _finite_number(factor, "cost factor")
        if factor <= 0:
            raise DataError(f"cost factor must be greater than 0, got {factor!r}")
        impacts = self._impacts.copy()
        rows = self.mask(where)
        for metric in self._metrics:
            impacts.loc[rows, metric] = impacts.loc[rows, metric].to_numpy() / factor
        impacts.loc[rows, "capacity"] = impacts.loc[rows, "capacity"].to_numpy() * factor
        return self.replace(impacts=impacts)  # segments keep their shares of the capacity

    def drop_regions(self, regions: Iterable[Hashable] | Hashable) -> Dataset:
        """Return a copy without the given regions (and their cells).

        Raises
        ------
        DataError
            If a label is not a region of this dataset.
        """
        labels = [str(r) for r in _as_list(regions)]
        unknown = [r for r in labels if r not in self._regions.index]
        if unknown:
            raise DataError(
                f"cannot drop unknown region(s) {unknown}"
                f"{suggest(unknown[0], self._regions.index)}"
            )
        keep = ~self._impacts.index.get_level_values("region").isin(labels)
        curves = None
        if self._curves is not None:
            table = self._curves.table
            curves = table[~table.index.get_level_values("region").isin(labels)]
        projects = None
        if self._projects is not None:
            table = self._projects.table
            projects = table[~table["region"].isin(labels)]
        uncertainty = None
        if self._uncertainty is not None:  # rows that name only dropped regions go too
            table = self._uncertainty.table
            uncertainty = (table[~table["region"].astype(str).isin(labels)]
                           if "region" in table.columns else table)
        return self.replace(
            regions=self._regions.drop(index=labels), impacts=self._impacts[keep], curves=curves,
            projects=projects, uncertainty=uncertainty,
        )

    def add_regions(
        self,
        regions: pd.DataFrame | Iterable[Mapping[str, Any]] | str | Path,
        impacts: pd.DataFrame | Iterable[Mapping[str, Any]] | str | Path,
        *,
        curves: pd.DataFrame | Iterable[Mapping[str, Any]] | str | Path | None = None,
        projects: pd.DataFrame | Iterable[Mapping[str, Any]] | str | Path | None = None,
        money_unit: str = MONEY_UNIT,
    ) -> Dataset:
        """Return a copy with new regions (and their cells) added after the existing ones.

        The new tables are validated on their own first (against this dataset's programs
        and metric units), then appended. Each table may be a DataFrame, a list of records
        (one mapping per row, as in a scenario file) or the path of a CSV file.

        Parameters
        ----------
        regions : table
            One row per new region, with every column the dataset's regions table has
            (``population``, ``kti``, ``island_group`` ...) and no other.
        impacts : table
            The new regions' cells: ``region``, ``program`` (and ``sector``/``year`` when
            the dataset has them), ``capacity`` and every metric.
        curves, projects : table, optional
            Diminishing-returns segments (``share`` of capacity or ``width``, as in
            :class:`Dataset`) and candidate projects of the new cells. A new cell without
            curve segments has straight-line returns; when the dataset's other cells have
            segments, a :class:`~ikmopt.core.errors.DataWarning` names it.
        money_unit : str, default "Rp bn"
            Unit of the new tables' money columns.

        Raises
        ------
        DataError
            If a new region already exists, a table is malformed, or its columns, metrics
            or cell levels differ from the dataset's; the message names the table and
            the columns.

        Examples
        --------
        >>> import ikmopt as ik
        >>> data = ik.datasets.synthetic(n_regions=3, n_programs=2, n_sectors=0, n_years=0)
        >>> new = data.regions.iloc[[0]].rename(index=lambda r: "R-new")
        >>> cells = data.impacts.xs(data.regions.index[0], level="region", drop_level=False)
        >>> cells = cells.rename(index=lambda r: "R-new", level="region")
        >>> data.add_regions(new, cells).regions.index.tolist()[-1]
        'R-new'
        """
        try:
            tables = {name: _table(value, name) for name, value in
                      (("regions", regions), ("impacts", impacts), ("curves", curves),
                       ("projects", projects)) if value is not None}
        except DataError as err:
            raise DataError(f"add_regions: {err}") from None
        lacking = [m for m in (*self._metrics, "capacity")
                   if m not in tables["impacts"].columns]
        if lacking:
            raise DataError(f"add_regions: table 'impacts' lacks column(s) {lacking}; the new "
                            f"cells need 'capacity' and every metric of the dataset "
                            f"{list(self._metrics)}")
        try:
            added = Dataset(tables["regions"], self._programs, tables["impacts"],
                            money_unit=money_unit, metric_units=self._metric_units,
                            name=f"{self._name} (added regions)", curves=tables.get("curves"),
                            projects=tables.get("projects"))
        except DataError as err:
            raise DataError(f"add_regions: {err}", getattr(err, "failure_cases", None)) \
                from None
        problems = []
        taken = added.regions.index.intersection(self._regions.index)
        if len(taken):
            problems.append(f"region(s) {list(taken)} already exist; drop_regions first to "
                            "replace them")
        missing = self._regions.columns.difference(added.regions.columns)
        extra = added.regions.columns.difference(self._regions.columns)
        if len(missing):
            problems.append(f"table 'regions' lacks column(s) {list(missing)}: give a value "
                            "for each new region")
        if len(extra):
            problems.append(f"table 'regions' has column(s) {list(extra)} the dataset does "
                            f"not have; its columns are {list(self._regions.columns)}")
        if added.metrics != self._metrics:
            problems.append(f"table 'impacts' has metrics {list(added.metrics)}; the dataset "
                            f"has {list(self._metrics)}")
        if added.levels != self.levels:
            problems.append(f"table 'impacts' has cell levels {list(added.levels)}; the "
                            f"dataset has {list(self.levels)}")
        new_regions = added.regions[self._regions.columns.intersection(added.regions.columns)]
        new_regions, mismatched = _like(new_regions, self._regions)
        problems += [f"table 'regions', column '{c}': the new values do not match the "
                     f"dataset's {self._regions[c].dtype} column" for c in mismatched]
        if problems:
            raise DataError("add_regions: " + "; ".join(problems))

        def both(mine: Any, theirs: Any) -> pd.DataFrame | None:
            parts = [t.table for t in (mine, theirs) if t is not None]
            return pd.concat(parts) if parts else None

        return self.replace(
            regions=pd.concat([self._regions, new_regions[self._regions.columns]]),
            impacts=pd.concat([self._impacts, added.impacts[self._impacts.columns]]),
            curves=both(self._curves, added.curves), projects=both(self._projects,
                                                                   added.projects),
        )

    # ------------------------------------------------------------------ export
    def to_excel(self, path: str | Path) -> Path:
        """Write the tables to a workbook readable by :meth:`from_excel`.

        A ``dataset`` sheet keeps the description, the metric units and which columns are
        text (codes stay text, with their leading zeros), and records the dataset's name;
        see :mod:`ikmopt.data.metadata`. The ``curves`` sheet gives each segment's ``share`` of
        its cell's capacity, so that editing a capacity takes its curve along. Numbers keep
        15 significant digits, as Excel does (a round trip can change the 16th; use
        :meth:`to_csv` for an exact copy).
        """
        path = Path(path)
        write_files(path.parent, {path.name: self._write_excel})
        return path

    def _write_excel(self, path: Path) -> None:
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            self._regions.to_excel(writer, sheet_name="regions")
            self._programs.to_excel(writer, sheet_name="programs")
            self._impacts.to_excel(writer, sheet_name="impacts", merge_cells=False)
            if len(self._sources):
                self._sources.to_excel(writer, sheet_name="sources", index=False)
            if self._curves is not None:
                self._curves.relative().to_excel(writer, sheet_name="curves", merge_cells=False)
            if self._projects is not None:
                self._projects.table.to_excel(writer, sheet_name="projects")
            if self._uncertainty is not None:
                self._uncertainty.table.to_excel(writer, sheet_name="uncertainty", index=False)
            metadata.to_sheet(metadata.describe(self)).to_excel(
                writer, sheet_name=metadata.SHEET, index=False)

    def to_csv(self, folder: str | Path) -> Path:
        """Write the tables to a folder readable by :meth:`from_csv`.

        ``dataset.json`` beside them keeps the description, the metric units and which
        columns are text (codes stay text, with their leading zeros), and records the
        dataset's name; see :mod:`ikmopt.data.metadata`. ``curves.csv`` gives each segment's
        ``share`` of its cell's capacity, so that editing a capacity takes its curve along.
        """
        writers: dict[str, Any] = {
            "regions.csv": self._regions.to_csv,
            "programs.csv": self._programs.to_csv,
            "impacts.csv": self._impacts.to_csv,
        }
        if len(self._sources):
            writers["sources.csv"] = lambda path: self._sources.to_csv(path, index=False)
        if self._curves is not None:
            writers["curves.csv"] = self._curves.relative().to_csv
        if self._projects is not None:
            writers["projects.csv"] = self._projects.table.to_csv
        if self._uncertainty is not None:
            writers["uncertainty.csv"] = lambda path: self._uncertainty.table.to_csv(
                path, index=False)
        meta = json.dumps(metadata.describe(self), indent=2, ensure_ascii=False) + "\n"
        writers[metadata.FILE] = lambda path: Path(path).write_text(meta, encoding="utf-8")
        return write_files(folder, writers)

    def __repr__(self) -> str:
        dims = " x ".join(
            f"{len(self.cells.levels[i])} {name}s" for i, name in enumerate(self.levels)
        )
        return (
            f"<ikmopt.Dataset '{self.name}': {dims}; {self.n_cells} cells; "
            + (f"{self.n_projects} projects; " if self.n_projects else "")
            + f"metrics {list(self.metrics)}; money in {MONEY_UNIT}>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self._regions.equals(other._regions)
            and self._programs.equals(other._programs)
            and self._impacts.equals(other._impacts)
        )

    __hash__ = None  # type: ignore[assignment]


# ---------------------------------------------------------------------- helpers
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


def _read_csv(file: Path, table: str, text: Iterable[str] = ()) -> pd.DataFrame:
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


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
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


def _table(value: Any, name: str) -> pd.DataFrame:
    """A table given as a DataFrame, a list of records or the path of a CSV file."""
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, str | Path):
        path = Path(value)
        if not path.is_file():
            raise DataError(f"table '{name}': CSV file '{path}' does not exist")
        return _read_csv(path, name)
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


def _as_list(values: Any) -> list[Any]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        return [values]
    return list(values)


def _labelled(
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
    frame = frame.copy()
    index_names = [n for n in frame.index.names if n is not None]
    clash = [n for n in index_names if n in frame.columns]
    if clash:
        log.add(table, ", ".join(map(str, clash)),
                "label is both an index level and a column; keep one (reset_index(drop=True) "
                "or set_index(..., drop=True))")
        return frame
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
    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        log.add(table, ", ".join(duplicated), "column appears more than once; keep one")
        return frame
    present = [lv for lv in levels if lv in frame.columns]
    missing = [lv for lv in required if lv not in frame.columns]
    for lv in missing:
        log.add(
            table,
            lv,
            "required label column is missing" + misspelled(lv, frame.columns)
            + f"; columns present: {list(frame.columns)}",
        )
    if missing:
        return frame
    for lv in present:
        col = frame[lv]
        blank = blank_labels(log, table, frame, lv)
        if lv == "year":
            years = pd.to_numeric(col, errors="coerce")
            bad = ~blank & (years.isna() | (years != np.round(years)))
            if bad.any():
                log.add(table, lv, "year must be an integer", values=col[bad].tolist(),
                        labels=col[bad].tolist())
            if bad.any() or blank.any():
                continue
            frame[lv] = years.astype(np.int64)
        else:
            frame[lv] = col.astype(str).str.strip()
    out = frame.set_index(present)
    out.attrs = {}  # row positions of the file mean nothing once indexed by labels
    return out


def _check_unique(log: FailureLog, table: str, index: pd.Index) -> None:
    """Record repeated labels; a single label level also refuses case variants.

    ``Aceh`` and ``ACEH`` are one name written two ways, like ``Aceh`` and ``Aceh `` (the
    space is stripped): two rows would make two regions of one province.
    """
    column = "/".join(str(n) for n in index.names)
    dup = index.duplicated(keep="first")
    if dup.any():
        log.add(table, column, "duplicate label", labels=index[dup].unique().tolist())
    if index.nlevels == 1:
        _check_case(log, table, column, index[~dup], "duplicate label")


def _check_case(log: FailureLog, table: str, column: str, labels: pd.Index,
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


def _money_factor(log: FailureLog, impacts: pd.DataFrame, money_unit: str) -> float:
    unit = money_unit
    if "unit" in impacts.columns:
        units = impacts["unit"].dropna().astype(str).str.strip().unique()
        if len(units) > 1:
            log.add("impacts", "unit", f"mixed money units {sorted(units)}; use one unit")
            return 1.0
        if len(units) == 1:
            if money_unit != MONEY_UNIT and to_idr_bn_factor(units[0]) != to_idr_bn_factor(
                money_unit
            ):
                log.add(
                    "impacts",
                    "unit",
                    f"column says '{units[0]}' but money_unit='{money_unit}'",
                )
                return 1.0
            unit = units[0]
    factor = to_idr_bn_factor(unit)
    if factor is None:
        log.add(
            "impacts",
            "unit",
            f"unknown money unit '{unit}'{suggest(str(unit).lower(), known_units())}; "
            f"known units: {known_units()}",
        )
        return 1.0
    return factor


def _validate_regions(log: FailureLog, regions: pd.DataFrame) -> pd.DataFrame:
    _check_unique(log, "regions", regions.index)
    if "population" not in regions.columns:
        log.add(
            "regions",
            "population",
            "required column is missing" + misspelled("population", regions.columns)
            + f"; columns present: {list(regions.columns)}",
        )
        return regions
    return check_numeric(log, "regions", regions, ["population"], positive=True)


def _validate_impacts(
    log: FailureLog, impacts: pd.DataFrame, regions: pd.Index, programs: pd.Index
) -> tuple[pd.DataFrame, list[str]]:
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
    _check_unique(log, "impacts", impacts.index)
    for level in impacts.index.names:  # levels without a table of their own (sector)
        if level not in ("region", "program"):
            _check_case(log, "impacts", level, impacts.index.unique(level),
                        f"{level} label")
    numeric = [c for c in (*metrics, "capacity") if c in impacts.columns]
    impacts = check_numeric(log, "impacts", impacts, numeric)
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
        stacklevel=3,
    )


def _convert_money(
    impacts: pd.DataFrame, metrics: list[str], metric_units: dict[str, str], factor: float
) -> pd.DataFrame:
    """Express capacities in Rp bn and coefficients per Rp bn (money outcomes in Rp bn)."""
    if factor == 1.0 and not any(to_idr_bn_factor(u) not in (None, 1.0)
                                 for u in metric_units.values()):
        return impacts
    impacts = impacts.copy()
    impacts["capacity"] = impacts["capacity"] * factor
    for metric in metrics:
        per_bn = impacts[metric] / factor
        unit = metric_units.get(metric)
        out_factor = to_idr_bn_factor(unit) if unit is not None else None
        if out_factor is not None:  # the outcome itself is money: express it in Rp bn too
            per_bn = per_bn * out_factor
            metric_units[metric] = MONEY_UNIT
        impacts[metric] = per_bn
    return impacts


def _sorted_cells(impacts: pd.DataFrame, regions: pd.Index, programs: pd.Index) -> pd.DataFrame:
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
