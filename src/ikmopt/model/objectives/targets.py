"""Objectives over targets: the cheapest plan that reaches them, or the closest to them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints import Target
from ikmopt.model.objectives.base import Coefficients, Objective, ObjectiveUnit

__all__ = ["GoalProgram", "MinCost"]


@dataclass(frozen=True)
class MinCost(Objective):
    """Find the cheapest allocation that reaches targets.

    ``min sum_c x_c`` subject to the policy and ``targets`` (hard :class:`Target` rows);
    the budget, if any, stays an upper limit. The reported objective is the cost (Rp bn) and
    shadow prices are the change in cost per unit increase of a bound (e.g. Rp bn per
    extra job of a jobs target).

    Parameters
    ----------
    targets : sequence of Target

    Examples
    --------
    >>> import ikmopt as ik
    >>> len(ik.MinCost([ik.Target("jobs", min=30_000)]).targets)
    1
    """

    targets: tuple[Any, ...] = ()
    sense: ClassVar[float] = -1.0

    def __post_init__(self) -> None:
        targets = (self.targets,) if isinstance(self.targets, Target) else tuple(self.targets)
        if not targets or not all(isinstance(t, Target) for t in targets):
            raise PolicyError("MinCost needs a list of ik.Target, e.g. "
                              "MinCost([ik.Target('jobs', min=30_000)])")
        object.__setattr__(self, "targets", targets)

    def metrics(self) -> tuple[str, ...]:
        """Metrics of the targets."""
        return tuple(t.metric for t in self.targets)

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Cost -1 on every Rp bn spent (maximize -spend, projects included), target rows."""
        for target in self.targets:
            for block in target.emit(ctx):
                ctx.builder.add_rows(block, constraint=-1)
        ctx.set_spend_cost(-1.0)

    def describe(self) -> str:
        """Human description."""
        return "minimize spend to reach " + "; ".join(t.describe() for t in self.targets)

    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """Money spent, minimized."""
        return ObjectiveUnit("cost", -1.0)

    def words(self) -> tuple[str, dict[str, Any]]:
        """``mincost``."""
        return "mincost", {}

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """The dataset's money unit."""
        return money_unit

    def rules(self) -> tuple[Any, ...]:
        """The targets: hard rules of the plan."""
        return self.targets

    def numbers(self) -> tuple[Any, ...]:
        """The targets' bounds."""
        return self.targets


@dataclass(frozen=True)
class GoalProgram(Objective):
    """Goal programming: come as close as possible to targets that may not all be reachable.

    Every target row ``k`` (national, or one per group with ``by=``) becomes a goal with a
    shortfall ``s_k >= 0`` (for a ``min``) or an overshoot ``o_k >= 0`` (for a ``max``):
    ``a_k x + s_k >= min_k`` and ``a_k x - o_k <= max_k``. The objective minimizes
    ``sum_k w_k (s_k + o_k) / max(1, |bound_k|)``: weighted *relative* deviations, so goals in
    jobs and in Rp bn can be mixed (Charnes and Cooper's weighted goal programming).
    ``Result.goals`` reports each goal's bound, achievement, shortfall and overshoot.

    Parameters
    ----------
    targets : sequence of Target
    weights : sequence of float, optional
        One weight per target (default 1 each).

    Examples
    --------
    >>> import ikmopt as ik
    >>> gp = ik.GoalProgram([ik.Target("jobs", min=50_000)], weights=[2.0])
    >>> gp.weights
    (2.0,)
    """

    targets: tuple[Any, ...] = ()
    weights: tuple[float, ...] | None = None
    sense: ClassVar[float] = -1.0

    def __post_init__(self) -> None:
        targets = (self.targets,) if isinstance(self.targets, Target) else tuple(self.targets)
        if not targets or not all(isinstance(t, Target) for t in targets):
            raise PolicyError("GoalProgram needs a list of ik.Target goals")
        weights = (1.0,) * len(targets) if self.weights is None else tuple(self.weights)
        if len(weights) != len(targets):
            raise PolicyError(
                f"GoalProgram: {len(weights)} weights for {len(targets)} targets; give one each"
            )
        clean = [number("GoalProgram", f"weights[{i}]", w) for i, w in enumerate(weights)]
        object.__setattr__(self, "targets", targets)
        object.__setattr__(self, "weights", tuple(clean))

    def metrics(self) -> tuple[str, ...]:
        """Metrics of the goals."""
        return tuple(t.metric for t in self.targets)

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Goal rows with deviation columns; cost on the deviations."""
        ctx.builder.cost[:] = 0.0
        goals = ctx.builder.meta.setdefault("goals", [])
        for target, weight in zip(self.targets, self.weights, strict=True):
            for block in target.emit(ctx):
                for sense, bounds in (("min", block.lower), ("max", block.upper)):
                    rows = np.flatnonzero(np.isfinite(bounds))
                    if not len(rows):
                        continue
                    labels = [f"{block.labels[r]} {sense}" for r in rows]
                    dev = ctx.builder.add_columns(f"goal_{sense}", labels, np.zeros(len(rows)),
                                                  np.full(len(rows), np.inf))
                    ctx.builder.cost[dev] = -weight / np.maximum(1.0, np.abs(bounds[rows]))
                    keep = np.isin(block.rows, rows)
                    remap = np.full(block.n_rows, -1)
                    remap[rows] = np.arange(len(rows))
                    k = len(rows)
                    sign = 1.0 if sense == "min" else -1.0
                    ctx.builder.add_rows(
                        replace(
                            block, family="goal", labels=pd.Index(labels),
                            rows=np.concatenate([remap[block.rows[keep]], np.arange(k)]),
                            cols=np.concatenate([block.cols[keep], dev]),
                            vals=np.concatenate([block.vals[keep], np.full(k, sign)]),
                            lower=bounds[rows] if sense == "min" else np.full(k, -np.inf),
                            upper=bounds[rows] if sense == "max" else np.full(k, np.inf),
                        ),
                        constraint=-1,
                    )
                    goals += [(lab, sense, float(b), int(c), weight)
                              for lab, b, c in zip(labels, bounds[rows], dev, strict=True)]

    def describe(self) -> str:
        """Human description."""
        return "minimize weighted relative deviation from " + "; ".join(
            t.describe() for t in self.targets
        )

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """A weighted relative deviation."""
        return "weighted relative deviation from the goals"

    def numbers(self) -> tuple[Any, ...]:
        """The goals' bounds."""
        return self.targets
