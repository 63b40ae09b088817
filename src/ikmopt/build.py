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

__all__ = ["BuildContext", "build", "objective_coefficients"]


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
