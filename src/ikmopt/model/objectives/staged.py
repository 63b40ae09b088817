"""Objectives solved in stages: max-min, then the total; lexicographic priorities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints import per_capita_block
from ikmopt.model.objectives.base import Coefficients, Objective, ObjectiveUnit
from ikmopt.model.objectives.linear import Maximize, PovertyWeighted, Weighted

__all__ = ["Lexicographic", "MaxMin"]


@dataclass(frozen=True)
class MaxMin(Objective):
    """Maximize the worst region's per-capita outcome, then the total.

    Stage 1: ``max z`` subject to ``1e5 * O_r / P_r >= z`` for every region (``z`` in the
    metric per 100,000 inhabitants). Stage 2 keeps every region at
    ``z* - tolerance * max(1, |z*|)`` or above and maximizes the national total, so no money
    is left idle once the floor is reached. The per-capita rows count yearly outcomes (no
    :class:`~ikmopt.data.accrual.Accrual`); stage 2's total uses the policy's accrual if any.

    Parameters
    ----------
    metric : str, default "jobs"
        ``"spend"`` or a metric.
    per : str, default "population"
        Regions column used as the denominator.
    by : str, default "region"
    tolerance : float, default 1e-6
        Relative slack on ``z*`` in stage 2.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.MaxMin("jobs").per
    'population'
    """

    metric: str = "jobs"
    per: str = "population"
    by: str = "region"
    tolerance: float = 1e-6

    def __post_init__(self) -> None:
        if not isinstance(self.metric, str) or not self.metric:
            raise PolicyError(f"MaxMin needs a metric name, got {self.metric!r}")
        object.__setattr__(self, "tolerance", number("MaxMin", "tolerance", self.tolerance,
                                                     hi=0.5))

    def metrics(self) -> tuple[str, ...]:
        """The metric (none for spend)."""
        return () if self.metric == "spend" else (self.metric,)

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Adds ``z`` and one row per region ``1e5 O_r / P_r - z >= 0``."""
        block = per_capita_block(ctx, self.metric, self.per, self.by, f"MaxMin({self.metric})")
        z = ctx.builder.add_columns("maxmin", ["z"], np.array([-np.inf]), np.array([np.inf]))
        k = block.n_rows
        ctx.builder.add_rows(
            block.__class__("maxmin", block.labels, np.concatenate([block.rows, np.arange(k)]),
                            np.concatenate([block.cols, np.full(k, z[0])]),
                            np.concatenate([block.vals, -np.ones(k)]),
                            np.zeros(k), np.full(k, np.inf)),
            constraint=-1,
        )
        ctx.builder.cost[:] = 0.0
        ctx.builder.cost[z[0]] = 1.0

    def stages(self) -> list[Any]:
        """Stage 1 is this objective; stage 2 maximizes the total above the floor."""
        return [self, _MaxMinFollowUp(self)]

    def fixed_rows(self, ctx: Any, lp: Any, value: float, tolerance: float) -> Any:
        """Every group's per-capita outcome stays at ``value`` (less the tolerance)."""
        block = per_capita_block(ctx, self.metric, self.per, self.by, f"MaxMin({self.metric})")
        floor = value - tolerance * max(1.0, abs(value))
        return replace(block, family="maxmin_floor", lower=np.full(block.n_rows, floor))

    def describe(self) -> str:
        """Human description."""
        return f"maximize the lowest {self.metric} per 100,000 {self.per} across {self.by}s"

    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """The metric, of the last stage (the total above the floor)."""
        if accrued:
            return ObjectiveUnit("other")
        return ObjectiveUnit("metric", 1.0, self.metric, staged=True)


@dataclass(frozen=True)
class _MaxMinFollowUp(Objective):
    first: MaxMin

    def metrics(self) -> tuple[str, ...]:
        return self.first.metrics()

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        if self.first.metric == "spend":
            ctx.set_spend_cost(1.0)
        else:
            ctx.set_outcome_cost(coef(self.first.metric))

    def describe(self) -> str:
        return f"then maximize total {self.first.metric}"


@dataclass(frozen=True)
class Lexicographic(Objective):
    """Optimize objectives in order of priority.

    Each objective is optimized while the ones before it are kept within ``tolerance``
    (relative) of their optimum: ``f_k(x) >= f_k* - tolerance * max(1, |f_k*|)``.

    Parameters
    ----------
    objectives : sequence of Objective
        ``Maximize``, ``Weighted`` or ``PovertyWeighted`` objectives, highest priority first.
    tolerance : float, default 1e-6

    Examples
    --------
    >>> import ikmopt as ik
    >>> lex = ik.Lexicographic([ik.Maximize("jobs"), ik.Maximize("value_added")])
    >>> len(lex.objectives)
    2
    """

    objectives: tuple[Objective, ...] = ()
    tolerance: float = 1e-6

    def __post_init__(self) -> None:
        objectives = tuple(self.objectives)
        if len(objectives) < 1 or not all(
            isinstance(o, Maximize | Weighted | PovertyWeighted) for o in objectives
        ):
            raise PolicyError(
                "Lexicographic needs a list of Maximize, Weighted or PovertyWeighted "
                "objectives, highest priority first"
            )
        tol = number("Lexicographic", "tolerance", self.tolerance, hi=0.5)
        object.__setattr__(self, "objectives", objectives)
        object.__setattr__(self, "tolerance", tol)

    def metrics(self) -> tuple[str, ...]:
        """All metrics of all stages."""
        return tuple(m for o in self.objectives for m in o.metrics())

    def stages(self) -> list[Any]:
        """The objectives in order."""
        return list(self.objectives)

    def describe(self) -> str:
        """Human description."""
        return "lexicographic: " + ", then ".join(o.describe() for o in self.objectives)

    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """The unit of the last objective, solved last."""
        return self.objectives[-1].unit(optima, accrued).staging()
