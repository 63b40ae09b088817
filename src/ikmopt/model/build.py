"""Build a :class:`~ikmopt.model.lp.LinearProgram` from a dataset and a policy.

The build is vectorized end to end: each constraint emits COO blocks computed with numpy on
integer codes of the cell index; the builder concatenates them once into a CSR matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.hygiene import check_scaling
from ikmopt.model.lp import LinearProgram, ModelBuilder, RowBlock
from ikmopt.model.objectives import Objective
from ikmopt.model.policy import Policy

__all__ = ["BuildContext", "build", "objective_coefficients", "outcome_cost", "unit_terms"]


class BuildContext:
    """What a constraint sees while emitting rows: data, policy and the builder."""

    def __init__(self, data: Dataset, policy: Policy, builder: ModelBuilder) -> None:
        self.data = data
        self.policy = policy
        self.builder = builder

    def level(self, level: str, owner: str) -> tuple[np.ndarray, pd.Index]:
        """Cell codes and groups of a level, with a PolicyError naming ``owner``."""
        try:
            return self.data.level_codes(level)
        except PolicyError as err:
            raise PolicyError(f"{owner}: {err}") from None

    def terms(self, of: str, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The outcome ``of`` (``"spend"`` or a metric) as linear terms over columns.

        Returns ``(cell, col, val)``: for each term the cell it belongs to, its column and
        its coefficient. Spend is the cell columns plus each project's cost on its binary;
        a metric is ``a_c x_c`` on cells without curves, ``a_c f_k y_ck`` on the segment
        columns of cells with curves and the project's outcome on its binary.
        """
        if of == "spend":
            return self.weighted_terms(np.ones(self.data.n_cells + self.data.n_projects),
                                       outcome=False)
        return self.weighted_terms(self.coefficients(of, owner))

    def weighted_terms(
        self, unit_coef: np.ndarray, outcome: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Terms of per-unit coefficients of an outcome (or of spend, ``outcome=False``).

        ``unit_coef`` has one value per cell, then one per project (see
        :meth:`ikmopt.Dataset.unit_coefficients`).
        """
        unit, col, factor = unit_terms(self.builder.meta, self.data.n_cells, outcome)
        return self.data.unit_cell[unit], col, np.asarray(unit_coef, dtype=float)[unit] * factor

    def set_outcome_cost(self, unit_coef: np.ndarray) -> None:
        """Set the objective to ``sum_u unit_coef_u * (outcome of unit u)``."""
        self.builder.cost[:] = outcome_cost(self.builder.meta, len(self.builder.cost),
                                            self.data.n_cells, unit_coef)

    def set_spend_cost(self, sign: float = -1.0) -> None:
        """Set the objective to ``sign`` times total spend (projects included)."""
        _, col, factor = unit_terms(self.builder.meta, self.data.n_cells, outcome=False)
        self.builder.cost[:] = 0.0
        np.add.at(self.builder.cost, col, sign * factor)

    def coefficients(self, metric: str, owner: str) -> np.ndarray:
        """A metric's coefficients per unit (cells, then projects), naming ``owner``."""
        try:
            return self.data.unit_coefficients(metric)
        except PolicyError as err:
            raise PolicyError(f"{owner}: {err}") from None

    def group_population(self, level: str | tuple[str, ...]) -> np.ndarray:
        """Population of each group of ``level``: the sum over the distinct regions in it."""
        codes, categories = self.data.level_codes(level)
        valid = codes >= 0
        pairs = np.unique(np.stack([codes[valid], self.data.region_codes[valid]]), axis=1)
        return np.bincount(
            pairs[0], weights=self.data.population[pairs[1]], minlength=len(categories)
        )

    def total_spend_column(self) -> int:
        """Column ``T`` with the row ``sum_c x_c + sum_p F_p z_p - T = 0`` (created once)."""
        _, col, val = self.terms("spend", "total spend")
        n = len(col)
        definition = RowBlock(
            "definition",
            pd.Index(["total spend"]),
            np.zeros(n + 1, dtype=np.int64),
            np.concatenate([col, [-1]]),
            np.concatenate([val, [-1.0]]),
            np.zeros(1),
            np.zeros(1),
        )
        return self.builder.shared_column("total_spend", "T", 0.0, np.inf, definition)


def unit_terms(meta: Mapping, n_cells: int, outcome: bool = True) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:
    """``(unit, col, factor)`` of every outcome term, or of every spend term.

    Units are the cells, then the projects. Outcome factors are the curves' segment factors
    (1 without curves, and for projects); spend factors are 1 for cells and each project's
    cost.
    """
    key = "outcome_terms" if outcome else "spend_terms"
    if key not in meta:
        identity = np.arange(n_cells)
        return identity, identity, np.ones(n_cells)
    return meta[key]


def outcome_cost(meta: Mapping, n_cols: int, n_cells: int, unit_coef: np.ndarray) -> np.ndarray:
    """A cost vector over all columns that values each unit's outcome at ``unit_coef``."""
    unit, col, factor = unit_terms(meta, n_cells)
    cost = np.zeros(n_cols)
    np.add.at(cost, col, np.asarray(unit_coef, dtype=float)[unit] * factor)
    return cost


def _add_segments(data: Dataset, builder: ModelBuilder) -> None:
    """Segment columns ``0 <= y_ck <= w_k`` and rows ``x_c - sum_k y_ck = 0`` (with curves)."""
    curves = data.curves
    if curves is None:
        return
    k = len(curves.cell)
    names = np.array([",".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)
                      for cell in data.cells], dtype=object)
    labels = [f"{name}:{j}" for name, j in zip(names[curves.cell],
                                               curves.table.index.get_level_values("segment"),
                                               strict=True)]
    seg = builder.add_columns("segment", labels, np.zeros(k), curves.width)
    curved = curves.curved_cells
    row_of = np.searchsorted(curved, curves.cell)
    builder.add_rows(
        RowBlock("definition", pd.Index([f"segments of cell {c}" for c in curved]),
                 np.concatenate([np.arange(len(curved)), row_of]),
                 np.concatenate([curved, seg]),
                 np.concatenate([np.ones(len(curved)), -np.ones(k)]),
                 np.zeros(len(curved)), np.zeros(len(curved)), kind="definition"),
        constraint=-1,
    )
    linear = np.setdiff1d(np.arange(data.n_cells), curved)
    builder.meta["segment_columns"] = seg  # in the order of data.curves
    builder.meta["segment_cells"] = curves.cell
    builder.meta["outcome_terms"] = (
        np.concatenate([linear, curves.cell]),
        np.concatenate([linear, seg]),
        np.concatenate([np.ones(len(linear)), curves.factor]),
    )


def _add_projects(data: Dataset, builder: ModelBuilder) -> None:
    """Binary columns ``z_p`` (build project ``p`` or not) and their spend and outcome terms."""
    projects = data.projects
    n = data.n_cells
    if projects is None:
        return
    k = len(projects)
    z = builder.add_columns("project", [str(p) for p in projects.labels], np.zeros(k),
                            np.ones(k), integer=True)
    units = np.arange(n, n + k)
    unit, col, factor = unit_terms(builder.meta, n)
    builder.meta["outcome_terms"] = (np.concatenate([unit, units]), np.concatenate([col, z]),
                                     np.concatenate([factor, np.ones(k)]))
    builder.meta["spend_terms"] = (np.concatenate([np.arange(n), units]),
                                   np.concatenate([np.arange(n), z]),
                                   np.concatenate([np.ones(n), projects.cost]))
    builder.meta["project_columns"] = z


def objective_coefficients(data: Dataset, policy: Policy) -> Callable[[str], np.ndarray]:
    """Each metric's per-unit coefficients as the objective counts them (with accrual).

    Units are the cells, then the projects (see :meth:`ikmopt.Dataset.unit_coefficients`).
    """
    accrual = policy.accrual

    def coef(metric: str) -> np.ndarray:
        values = data.unit_coefficients(metric)
        if accrual is None:
            return values
        return values * accrual.year_weights(data, metric)[data.unit_cell]

    return coef


def build(
    data: Dataset,
    policy: Policy,
    optima: Mapping[str, float] | None = None,
    *,
    objective: Objective | None = None,
    fixed: Sequence[Callable[[BuildContext], RowBlock]] = (),
) -> LinearProgram:
    """Return the linear program of ``policy`` on ``data``.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    optima : mapping, optional
        Single-objective optima for objectives that normalize by them (see
        :class:`~ikmopt.model.objectives.Weighted`); while any is missing the cost is left at
        zero (the constraints alone), which is how the optima are found.
    objective : Objective, optional
        The objective (stage) to build instead of ``policy.objective``.
    fixed : sequence of callables
        Each returns rows that keep an earlier stage of a multi-stage objective near its
        optimum (see :func:`ikmopt.optimize`).

    Raises
    ------
    PolicyError
        If a constraint or the objective does not fit the data (unknown metric, level or
        label, a floor above a cap, ...).
    """
    if not isinstance(data, Dataset):
        raise PolicyError(f"expected an ik.Dataset, got {type(data).__name__}")
    if not isinstance(policy, Policy):
        raise PolicyError(f"expected an ik.Policy, got {type(policy).__name__}")
    builder = ModelBuilder(data.cells, data.capacity)
    _add_segments(data, builder)
    _add_projects(data, builder)
    ctx = BuildContext(data, policy, builder)
    for block in policy.budget.emit(ctx):
        builder.add_rows(block, constraint=0)
    for i, constraint in enumerate(policy.constraints, start=1):
        for block in constraint.emit(ctx):
            builder.add_rows(block, constraint=i)
    for make in fixed:
        builder.add_rows(make(ctx), constraint=-1)
    objective = policy.objective if objective is None else objective
    for metric in objective.metrics():
        if metric != "spend":
            ctx.coefficients(metric, objective.describe())
    needed = objective.needs_optima()
    if not needed or (optima is not None and all(m in optima for m in needed)):
        objective.apply(ctx, objective_coefficients(data, policy), optima)
    lp = builder.build()
    check_scaling(lp, f"dataset '{data.name}'")
    return lp
