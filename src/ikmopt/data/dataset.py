"""The :class:`Dataset`: validated regions, programs and impacts tables.

A dataset is immutable: what-if work derives modified copies (:meth:`Dataset.scale`,
:meth:`Dataset.with_capacity`, :meth:`Dataset.drop_regions`, :meth:`Dataset.add_regions`;
done in :mod:`ikmopt.data.whatif`). Validation happens once, in the constructor
(:mod:`ikmopt.data.tables`), and every problem is reported at once in a
:class:`~ikmopt.core.errors.DataError`. Nothing downstream re-checks the tables. Files are
read and written by :mod:`ikmopt.data.io`; cells are grouped by :mod:`ikmopt.data.groups`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.core.units import MONEY_UNIT, MoneyUnit
from ikmopt.core.units import money_unit as read_money_unit
from ikmopt.core.validation import FailureLog, suggest
from ikmopt.data import io, metadata
from ikmopt.data.copies import WhatIfCopies
from ikmopt.data.curves import Curves
from ikmopt.data.groups import cells_where, level_groups
from ikmopt.data.last_year import PastAllocation, validate_last_year
from ikmopt.data.projects import Projects
from ikmopt.data.proposals import Proposals, validate_proposals
from ikmopt.data.tables import validate_tables
from ikmopt.data.uncertainty import Uncertainty, validate_uncertainty

__all__ = ["Dataset"]


class Dataset(WhatIfCopies):
    """Regions, programs and impact coefficients for one allocation problem.

    Parameters
    ----------
    regions : pandas.DataFrame
        One row per region, labelled by a ``region`` index or column. Optional column
        ``population`` (persons, > 0 where present): only the rules and measures that are per
        inhabitant need it (per-capita bounds, ``GiniCap``, ``OutcomeEquity``, ``MaxMin``,
        ``PovertyWeighted``); without it they raise a ``PolicyError`` naming the rule and
        the column, and :attr:`ikmopt.Result.equity` is ``NaN``. Any other column (``kti``,
        ``island_group``, ``poverty_rate_pct``, ``province`` ...) can be used by
        constraints and aggregates.
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
    money_unit : str or (str, float), default "Rp bn"
        Unit of capacities and of the "per money" denominators: a currency and a scale.
        Rupiah ("Rp bn", "IDR bn", "Rp juta", "IDR million", "Rp miliar", "IDR" ...) is
        converted once to Rp billion. Any other currency is written as an ISO 4217 code and
        an optional scale word ("USD thousand", "EUR million", "JPY") or as a pair
        ``("USD", 1e3)``, and is **not** converted: the dataset's money, the budget, every
        bound in money and every price are then in that unit (there is no exchange rate in
        ikmopt), and labels show it. See :func:`ikmopt.core.units.money_unit` and the page
        "Money in any unit and datasets without population".
    metric_units : mapping, optional
        Unit of each metric's outcome, for display (``{"jobs": "persons"}``). A metric whose
        unit is a money unit (``value_added``) is converted to Rp billion as well.
    signed_metrics : sequence of str, optional
        Metrics whose coefficients may be negative: a resource a program consumes or frees
        (``land``), net emissions. Every other metric (and the capacity) must be
        non-negative. Rules may set negative bounds only on signed metrics.
    name : str, default "custom"
        Short name shown in results and reports.
    sources : pandas.DataFrame, optional
        Provenance: one row per (table, column) with ``source``, ``year`` and ``note``. A
        row whose text says ``ILLUSTRATIVE`` (in capitals) marks the dataset
        :attr:`illustrative`.
    description : str, optional
        Free text shown in reports. ``ILLUSTRATIVE`` (or ``SYNTHETIC``) in capitals marks
        the dataset :attr:`illustrative`.
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
    proposals : pandas.DataFrame, optional
        What regions asked for (*usulan*): one row per proposal with ``region``,
        ``program``, ``amount`` (in ``money_unit``) and optionally ``pot``, ``readiness``
        (or pass/fail ``ready_*`` columns), ``priority`` and ``cofunding``. Used by
        :class:`~ikmopt.FundProposals` and :class:`~ikmopt.CoFunding`. See
        :mod:`ikmopt.data.proposals`.
    last_year : pandas.DataFrame, optional
        Last year's ``allocation`` (and ``realisation``) per ``region`` (and ``pot`` or
        ``program``), in ``money_unit``: the anchor of :class:`~ikmopt.LastYear` and of
        :meth:`ikmopt.Result.rakor`. See :mod:`ikmopt.data.last_year`.

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

    def __init__(self, regions: pd.DataFrame, programs: pd.DataFrame, impacts: pd.DataFrame,
                 *, money_unit: str | tuple[str, float] | MoneyUnit = MONEY_UNIT,
                 metric_units: Mapping[str, str] | None = None,
                 name: str = "custom", sources: pd.DataFrame | None = None,
                 description: str = "", curves: pd.DataFrame | None = None,
                 projects: pd.DataFrame | None = None,
                 uncertainty: pd.DataFrame | None = None,
                 proposals: pd.DataFrame | None = None,
                 last_year: pd.DataFrame | None = None,
                 signed_metrics: Sequence[str] = ()) -> None:
        log = FailureLog()
        checked = validate_tables(log, regions, programs, impacts, money_unit=money_unit,
                                  metric_units=metric_units, name=name, sources=sources,
                                  curves=curves, projects=projects,
                                  signed_metrics=signed_metrics)
        self._signed_metrics, self._money = checked.signed_metrics, checked.money
        self._regions, self._programs = checked.regions, checked.programs
        self._impacts, self._metrics = checked.impacts, checked.metrics
        self._metric_units, self._sources = checked.metric_units, checked.sources
        self._curves, self._projects = checked.curves, checked.projects
        self._name = str(name)
        self._description = description
        self._uncertainty: Uncertainty | None = None
        if uncertainty is not None:
            self._uncertainty = validate_uncertainty(log, uncertainty, self)
            log.raise_if_any(f"dataset '{name}'")
        # money_unit was checked by validate_tables; another currency is not converted
        factor = read_money_unit(money_unit).idr_bn_factor or 1.0
        self._proposals: Proposals | None = None
        self._last_year: PastAllocation | None = None
        if proposals is not None:
            self._proposals = validate_proposals(log, proposals, self.cells, factor)
        if last_year is not None:
            self._last_year = validate_last_year(log, last_year, self._regions.index,
                                                 self._programs.index, factor)
        log.raise_if_any(f"dataset '{name}'")

    @property
    def proposals(self) -> Proposals | None:
        """What regions asked for (see :mod:`ikmopt.data.proposals`), or ``None``."""
        return self._proposals

    @property
    def last_year(self) -> PastAllocation | None:
        """Last year's allocation (see :mod:`ikmopt.data.last_year`), or ``None``."""
        return self._last_year

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
        return cells if self._projects is None else np.concatenate([cells, self._projects.cell])

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
        return io.read_excel(cls, path, kwargs)

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
        return io.read_folder(cls, folder, kwargs)

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
    def signed_metrics(self) -> tuple[str, ...]:
        """Metrics whose coefficients may be negative (see ``signed_metrics=``)."""
        return self._signed_metrics

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

    @cached_property
    def illustrative(self) -> bool:
        """Whether the numbers are ILLUSTRATIVE (defaults, not estimates).

        True when the :attr:`description` or any text of the :attr:`sources` table says
        ``ILLUSTRATIVE`` (or ``SYNTHETIC``) in capitals, as the bundled datasets do; see
        :func:`ikmopt.data.metadata.is_illustrative`. The flag travels with those texts:
        through :meth:`to_csv`/:meth:`to_excel` and back, and into every what-if copy
        (:meth:`replace`, :meth:`with_cost` ...). A dataset built from your own tables has
        no flag; pass your own ``description`` and ``sources`` to :meth:`replace` to drop
        the bundled ones. Summaries, ``repr``, workbooks and reports of an illustrative
        dataset's plans say so (:data:`ikmopt.data.metadata.ILLUSTRATIVE_NOTE`).

        Examples
        --------
        >>> import ikmopt as ik
        >>> ik.datasets.load("indonesia-provinces").illustrative
        True
        """
        return metadata.is_illustrative(self._description, self._sources)

    @property
    def money_unit(self) -> str:
        """The unit of every amount of money in the model, as labels show it.

        ``"Rp bn"`` for a rupiah dataset (converted to Rp billion at construction, whatever
        rupiah unit it was given in); the declared unit of a dataset in another currency
        (``"USD thousand"``), whose money is kept in that unit.
        """
        return self._money.label

    @property
    def money(self) -> MoneyUnit:
        """The money unit as a :class:`~ikmopt.core.units.MoneyUnit` (currency and scale)."""
        return self._money

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

    @cached_property
    def capacity(self) -> np.ndarray:
        """Capacity of every cell, in :attr:`money_unit` (array in cell order)."""
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
        """Population of every region, in :attr:`regions` order.

        Raises
        ------
        PolicyError
            If the regions table has no ``population`` column.
        """
        return self.region_column("population", "a per-capita rule or measure")

    @property
    def has_population(self) -> bool:
        """Whether the regions table has a ``population`` column (it is optional)."""
        return "population" in self._regions.columns

    def region_column(self, column: str, rule: str) -> np.ndarray:
        """A numeric regions column (regions-table order) that ``rule`` needs.

        Parameters
        ----------
        column : str
            Name of the regions column, such as ``"population"``.
        rule : str
            The rule that needs it, as the error names it (``"GiniCap(of='spend')"``).

        Raises
        ------
        PolicyError
            If the regions table has no such column; the message names the rule, the
            column and the columns present.
        """
        if column not in self._regions.columns:
            raise PolicyError(
                f"{rule} needs the regions column '{column}', which dataset '{self.name}' "
                f"does not have{suggest(column, self._regions.columns)}; columns present: "
                f"{list(self._regions.columns)}. Add it (data.replace(regions=...)) or drop "
                "the rule"
            )
        return self._regions[column].to_numpy(dtype=float)

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
        cache = self.__dict__.setdefault("_level_cache", {})
        if isinstance(level, list):
            level = tuple(level)
        if level not in cache:
            cache[level] = level_groups(self, level)
        return cache[level]

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
        return cells_where(self, where)

    def to_excel(self, path: str | Path) -> Path:
        """Write the tables to a workbook readable by :meth:`from_excel`.

        A ``dataset`` sheet keeps the description, the metric units and which columns are
        text (codes stay text, with their leading zeros), and records the dataset's name;
        see :mod:`ikmopt.data.metadata`. The ``curves`` sheet gives each segment's ``share`` of
        its cell's capacity, so that editing a capacity takes its curve along. Numbers keep
        15 significant digits, as Excel does (a round trip can change the 16th; use
        :meth:`to_csv` for an exact copy).
        """
        return io.write_excel(self, path)

    def to_csv(self, folder: str | Path) -> Path:
        """Write the tables to a folder readable by :meth:`from_csv`.

        ``dataset.json`` beside them keeps the description, the metric units and which
        columns are text (codes stay text, with their leading zeros), and records the
        dataset's name; see :mod:`ikmopt.data.metadata`. ``curves.csv`` gives each segment's
        ``share`` of its cell's capacity, so that editing a capacity takes its curve along.
        """
        return io.write_csv(self, folder)

    def __repr__(self) -> str:
        dims = " x ".join(f"{len(self.cells.levels[i])} {name}s"
                          for i, name in enumerate(self.levels))
        return (
            f"<ikmopt.Dataset '{self.name}': {dims}; {self.n_cells} cells; "
            + (f"{self.n_projects} projects; " if self.n_projects else "")
            + f"metrics {list(self.metrics)}; money in {self.money_unit}"
            + (f"; {metadata.ILLUSTRATIVE_MARK}>" if self.illustrative else ">")
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (self._regions.equals(other._regions) and self._programs.equals(other._programs)
                and self._impacts.equals(other._impacts))
