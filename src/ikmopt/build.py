"""Build a :class:`~ikmopt.lp.LinearProgram` from a dataset and a policy.

The build is vectorized end to end: each constraint emits COO blocks computed with numpy on
integer codes of the cell index; the builder concatenates them once into a CSR matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .data import Dataset
from .errors import PolicyError
from .lp import LinearProgram, ModelBuilder, RowBlock
from .objectives import Objective
from .policy import Policy

__all__ = ["BuildContext", "build", "objective_coefficients", "outcome_cost", "outcome_terms"]


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
        its coefficient. Spend is the cell columns; a metric is ``a_c x_c`` on cells without
        curves and ``a_c f_k y_ck`` on the segment columns of cells with curves.
        """
        coef = np.ones(self.data.n_cells) if of == "spend" else self.coefficients(of, owner)
        return self.weighted_terms(coef, outcome=of != "spend")

    def weighted_terms(
        self, cell_coef: np.ndarray, outcome: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Terms for per-cell coefficients of an outcome (or of spend, ``outcome=False``)."""
        cell, col, factor = outcome_terms(self.builder.meta, self.data.n_cells, outcome)
        return cell, col, cell_coef[cell] * factor

    def set_outcome_cost(self, cell_coef: np.ndarray) -> None:
        """Set the objective to ``sum_c cell_coef_c * (outcome of one unit in cell c)``."""
        self.builder.cost[:] = outcome_cost(self.builder.meta, len(self.builder.cost),
                                            self.data.n_cells, cell_coef)

    def coefficients(self, metric: str, owner: str) -> np.ndarray:
        """A metric's coefficients, with a PolicyError naming ``owner``."""
        try:
            return self.data.coefficients(metric)
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
        """Column ``T`` with the row ``sum_c x_c - T = 0`` (created once)."""
        n = self.data.n_cells
        definition = RowBlock(
            "definition",
            pd.Index(["total spend"]),
            np.zeros(n + 1, dtype=np.int64),
            np.concatenate([np.arange(n), [-1]]),
            np.concatenate([np.ones(n), [-1.0]]),
            np.zeros(1),
            np.zeros(1),
        )
        return self.builder.shared_column("total_spend", "T", 0.0, np.inf, definition)


def outcome_terms(meta: Mapping, n_cells: int, outcome: bool = True) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:
    """``(cell, col, factor)`` of every outcome term (the identity without curves)."""
    if not outcome or "outcome_terms" not in meta:
        identity = np.arange(n_cells)
        return identity, identity, np.ones(n_cells)
    return meta["outcome_terms"]


def outcome_cost(meta: Mapping, n_cols: int, n_cells: int, cell_coef: np.ndarray) -> np.ndarray:
    """A cost vector over all columns that values each cell's outcome at ``cell_coef``."""
    cell, col, factor = outcome_terms(meta, n_cells)
    cost = np.zeros(n_cols)
    np.add.at(cost, col, np.asarray(cell_coef, dtype=float)[cell] * factor)
    return cost


def _add_segments(data: Dataset, builder: ModelBuilder) -> None:
    """Segment columns ``0 <= y_ck <= w_k`` and rows ``x_c - sum_k y_ck = 0`` (with curves)."""
    curves = data.curves
    if curves is None:
        return
    k = len(curves.cell)
    labels = [f"{c}:{j}" for c, j in zip(curves.cell, curves.table.index.get_level_values(
        "segment"), strict=True)]
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
    builder.meta["outcome_terms"] = (
        np.concatenate([linear, curves.cell]),
        np.concatenate([linear, seg]),
        np.concatenate([np.ones(len(linear)), curves.factor]),
    )


def objective_coefficients(data: Dataset, policy: Policy) -> Callable[[str], np.ndarray]:
    """Each metric's per-cell coefficients as the objective counts them (with accrual)."""
    accrual = policy.accrual

    def coef(metric: str) -> np.ndarray:
        if metric == "spend":
            return np.ones(data.n_cells)
        values = data.coefficients(metric)
        return values if accrual is None else values * accrual.year_weights(data, metric)

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
        :class:`~ikmopt.objectives.Weighted`); while any is missing the cost is left at
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
    return builder.build()
