"""What-if copies of a :class:`~ikmopt.data.dataset.Dataset`: the methods that return one.

:class:`WhatIfCopies` is the part of :class:`~ikmopt.Dataset` that makes changed copies
(:meth:`~WhatIfCopies.replace`, :meth:`~WhatIfCopies.scale`, :meth:`~WhatIfCopies.with_cost`
...); the work is done in :mod:`ikmopt.data.whatif`. A dataset never changes: each method
returns a new one, validated like the original.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ikmopt.core.units import MONEY_UNIT
from ikmopt.data import whatif

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["WhatIfCopies"]


class WhatIfCopies:
    """The what-if methods of :class:`~ikmopt.Dataset` (each returns a new dataset)."""

    def replace(self, **tables: Any) -> Dataset:
        """Return a new dataset with some tables or settings replaced (and re-validated).

        Parameters
        ----------
        **tables
            Any of ``regions``, ``programs``, ``impacts``, ``metric_units``,
            ``signed_metrics``, ``name``,
            ``sources``, ``description``, ``curves``, ``projects``, ``uncertainty``,
            ``proposals``, ``last_year``.

        Notes
        -----
        A new ``impacts`` table without new ``curves`` keeps each cell's diminishing-returns
        segments as shares of its capacity (:meth:`ikmopt.data.curves.Curves.relative`): a
        changed capacity takes its curve along.
        """
        return whatif.replace(self, tables)

    def scale(self, metric: str, factor: float, where: Mapping[str, Any] | None = None) -> Dataset:
        """Return a copy with ``metric`` multiplied by ``factor`` in the selected cells.

        Example: ``data.scale("jobs", 0.8, where={"program": "training"})`` lowers the jobs
        estimate of training by 20 % everywhere. Use ``metric="capacity"`` to scale capacities.
        """
        return whatif.scale(self, metric, factor, where)

    def with_capacity(self, *, factor: float | None = None, value: float | None = None,
                      where: Mapping[str, Any] | None = None) -> Dataset:
        """Return a copy with capacities of the selected cells scaled (``factor``) or set.

        Exactly one of ``factor`` and ``value`` (Rp bn) must be given. Diminishing-returns
        segments stretch with the capacity (widths times new / old capacity), so the extra
        room earns returns on the same curve instead of nothing.
        """
        return whatif.with_capacity(self, factor=factor, value=value, where=where)

    def with_cost(self, factor: float, where: Mapping[str, Any] | None = None) -> Dataset:
        """Return a copy where delivering the selected cells costs ``factor`` times as much.

        Every metric per Rp bn is divided by ``factor`` and the capacity (Rp bn the cell can
        absorb) is multiplied by it: the same IKM units are reached, each costs more.
        Example: ``data.with_cost(1.2, where={"program": "training", "island_group":
        "Papua"})`` for training 20 % dearer in Papua.
        """
        return whatif.with_cost(self, factor, where)

    def with_proposals(self, proposals: pd.DataFrame | str | Path | None) -> Dataset:
        """Return a copy with this proposals table (a table or a CSV file; ``None`` drops it).

        The table's money is in Rp bn unless a ``unit`` column says otherwise. See
        :mod:`ikmopt.data.proposals`.

        Raises
        ------
        DataError
            Naming each bad row: an unknown region or program, an amount that is not a
            positive number, a readiness outside 0 to 1 ...
        """
        return whatif.with_table(self, "proposals", proposals)

    def with_last_year(self, last_year: pd.DataFrame | str | Path | None) -> Dataset:
        """Return a copy with last year's allocation (a table or a CSV file).

        ``None`` drops it. See :mod:`ikmopt.data.last_year`.

        Raises
        ------
        DataError
            Naming each bad row (an unknown region, a realisation above its allocation,
            a row given twice ...).
        """
        return whatif.with_table(self, "last_year", last_year)

    def drop_regions(self, regions: Iterable[Hashable] | Hashable) -> Dataset:
        """Return a copy without the given regions (and their cells).

        Raises
        ------
        DataError
            If a label is not a region of this dataset.
        """
        return whatif.drop_regions(self, regions)

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
        return whatif.add_regions(self, regions, impacts, curves=curves, projects=projects,
                                  money_unit=money_unit)
