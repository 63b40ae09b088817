"""Objectives: what the plan maximizes.

An objective names the metrics it needs (:meth:`Objective.metrics`) and returns a cost
vector over the cells. Objectives that are normalized by single-objective optima
(:class:`Weighted`) receive those optima from :func:`ikmopt.optimize`, which solves for
them on the same constraints first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .checks import number
from .errors import PolicyError

#: Coefficients of a metric for every cell (as the objective should count them).
Coefficients = Callable[[str], np.ndarray]

__all__ = [
    "GoalProgram",
    "Lexicographic",
    "MaxMin",
    "Maximize",
    "MinCost",
    "Objective",
    "PovertyWeighted",
    "Weighted",
]


class Objective(ABC):
    """Base class of objectives.

    ``sense`` is +1 for objectives that maximize and -1 for those that minimize (the program
    always maximizes; a minimized quantity is maximized with its sign flipped and reported
    back with its own sign).
    """

    sense: ClassVar[float] = 1.0

    @abstractmethod
    def metrics(self) -> tuple[str, ...]:
        """Metrics the objective reads."""

    def needs_optima(self) -> tuple[str, ...]:
        """Metrics whose single-objective optimum must be known before building the cost."""
        return ()

    def cost(self, coef: Coefficients, optima: Mapping[str, float] | None = None) -> np.ndarray:
        """Objective coefficient of every cell, given each metric's coefficients.

        Objectives that need more than a cost on the cells (extra columns or rows) override
        :meth:`apply` instead.
        """
        raise PolicyError(f"{self.describe()} has no cost on the cells alone; see apply()")

    @abstractmethod
    def describe(self) -> str:
        """One-line description."""

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Write the objective into the model being built (cell outcome costs by default)."""
        ctx.set_outcome_cost(self.cost(coef, optima))

    def stages(self) -> list[Any]:
        """Objectives solved one after the other (one stage for most objectives)."""
        return [self]

    def fixed_rows(self, ctx: Any, lp: Any, value: float, tolerance: float) -> Any:
        """Rows that keep this stage's objective near ``value`` in later stages."""
        from .lp import RowBlock

        cols = np.flatnonzero(lp.cost)  # the stage's objective, cells and segments
        return RowBlock(
            "lexicographic", pd.Index([self.describe()]), np.zeros(len(cols), dtype=np.int64),
            cols, lp.cost[cols], np.array([value - tolerance * max(1.0, abs(value))]),
            np.array([np.inf]),
        )


@dataclass(frozen=True)
class Maximize(Objective):
    """Maximize one metric: ``max sum_c a_mc x_c``.

    Parameters
    ----------
    metric : str
        An impacts metric, e.g. ``"jobs"``.
    """

    metric: str = "jobs"

    def __post_init__(self) -> None:
        if not isinstance(self.metric, str) or not self.metric:
            raise PolicyError(f"Maximize needs a metric name, got {self.metric!r}")

    def metrics(self) -> tuple[str, ...]:
        """The one metric."""
        return (self.metric,)

    def cost(self, coef: Coefficients, optima: Mapping[str, float] | None = None) -> np.ndarray:
        """The metric's coefficients."""
        return np.array(coef(self.metric), dtype=float)

    def describe(self) -> str:
        """Human description."""
        return f"maximize {self.metric}"


@dataclass(frozen=True, init=False)
class Weighted(Objective):
    """Maximize a weighted sum of metrics, each divided by its own optimum.

    ``max sum_m w_m * (sum_c a_mc x_c) / z_m`` where ``z_m`` is the best value of metric
    ``m`` alone under the same constraints, so weights are unit-free: ``jobs=1,
    value_added=0.5`` means a 1 % gain in jobs is worth twice a 1 % gain in value added.

    Parameters
    ----------
    weights : mapping, optional
        ``{metric: weight}``; or give the weights as keyword arguments.
    normalize : bool, default True
        Divide by single-objective optima. With ``False`` the raw outcomes are weighted.
    **metric_weights : float
        Weights by metric name, e.g. ``Weighted(jobs=1.0, value_added=0.5)``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Weighted(jobs=1.0, value_added=0.5).weights
    {'jobs': 1.0, 'value_added': 0.5}
    """

    weights: dict[str, float]
    normalize: bool

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        *,
        normalize: bool = True,
        **metric_weights: float,
    ) -> None:
        merged: dict[str, Any] = {**dict(weights or {}), **metric_weights}
        if not merged:
            raise PolicyError("Weighted needs at least one weight, e.g. Weighted(jobs=1.0)")
        clean = {str(m): number("Weighted", f"weight of '{m}'", w) for m, w in merged.items()}
        if not any(clean.values()):
            raise PolicyError("Weighted: at least one weight must be positive")
        object.__setattr__(self, "weights", clean)
        object.__setattr__(self, "normalize", bool(normalize))

    def metrics(self) -> tuple[str, ...]:
        """Metrics with a weight."""
        return tuple(self.weights)

    def needs_optima(self) -> tuple[str, ...]:
        """Every weighted metric when normalizing."""
        return tuple(m for m, w in self.weights.items() if w > 0) if self.normalize else ()

    def cost(self, coef: Coefficients, optima: Mapping[str, float] | None = None) -> np.ndarray:
        """``sum_m w_m a_m / z_m`` (``z_m = 1`` without normalization or when ``z_m <= 0``)."""
        total: Any = 0.0
        for metric, w in self.weights.items():
            if w == 0:
                continue
            scale = 1.0
            if self.normalize:
                if optima is None or metric not in optima:
                    raise PolicyError(f"Weighted: optimum of '{metric}' is needed to normalize")
                scale = optima[metric] if optima[metric] > 0 else 1.0
            total = total + (w / scale) * coef(metric)
        return np.asarray(total, dtype=float)

    def describe(self) -> str:
        """Human description."""
        terms = " + ".join(f"{w:g}·{m}" for m, w in self.weights.items())
        return f"maximize {terms}" + (" (each normalized by its optimum)" if self.normalize else "")


@dataclass(frozen=True)
class PovertyWeighted(Objective):
    """Maximize a metric whose units count more in poorer regions.

    ``max sum_c (p_r / p_bar)^strength * a_mc x_c`` where ``p_r`` is the region's value of
    ``column`` (the poverty rate) and ``p_bar`` its population-weighted national mean: with
    ``strength=1`` a job in a province twice as poor as the average counts twice.

    Parameters
    ----------
    metric : str, default "jobs"
    column : str, default "poverty_rate_pct"
        Regions column with the weights' basis (positive numbers).
    strength : float, default 1.0
        Exponent: 0 gives the plain metric.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.PovertyWeighted("jobs").column
    'poverty_rate_pct'
    """

    metric: str = "jobs"
    column: str = "poverty_rate_pct"
    strength: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "strength", number("PovertyWeighted", "strength", self.strength))

    def metrics(self) -> tuple[str, ...]:
        """The weighted metric."""
        return (self.metric,)

    def region_weights(self, data: Any) -> np.ndarray:
        """Weight of every region, in regions-table order."""
        regions = data.regions
        if self.column not in regions.columns:
            from .validation import suggest

            raise PolicyError(
                f"PovertyWeighted: no regions column '{self.column}'"
                f"{suggest(self.column, regions.columns)}"
            )
        p = np_numeric(regions[self.column])
        if not np.isfinite(p).all() or (p <= 0).any():
            raise PolicyError(
                f"PovertyWeighted: column '{self.column}' must be positive for every region"
            )
        pop = data.population
        return (p / (p @ pop / pop.sum())) ** self.strength

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Cell cost: the metric times its region's weight."""
        weights = self.region_weights(ctx.data)
        regions = ctx.data.region_codes[ctx.data.unit_cell]  # cells, then projects
        ctx.set_outcome_cost(coef(self.metric) * weights[regions])

    def describe(self) -> str:
        """Human description."""
        return f"maximize {self.metric} weighted by ({self.column} / mean)^{self.strength:g}"


@dataclass(frozen=True)
class MaxMin(Objective):
    """Maximize the worst region's per-capita outcome, then the total.

    Stage 1: ``max z`` subject to ``1e5 * O_r / P_r >= z`` for every region (``z`` in the
    metric per 100,000 inhabitants). Stage 2 keeps every region at
    ``z* - tolerance * max(1, |z*|)`` or above and maximizes the national total, so no money
    is left idle once the floor is reached. The per-capita rows count yearly outcomes (no
    :class:`~ikmopt.accrual.Accrual`); stage 2's total uses the policy's accrual if any.

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
        from .constraints import per_capita_block

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
        from dataclasses import replace

        from .constraints import per_capita_block

        block = per_capita_block(ctx, self.metric, self.per, self.by, f"MaxMin({self.metric})")
        floor = value - tolerance * max(1.0, abs(value))
        return replace(block, family="maxmin_floor", lower=np.full(block.n_rows, floor))

    def describe(self) -> str:
        """Human description."""
        return f"maximize the lowest {self.metric} per 100,000 {self.per} across {self.by}s"


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
        from .constraints import Target

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


def np_numeric(series: Any) -> np.ndarray:
    """A column as floats (non-numbers become NaN)."""
    import pandas as pd

    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


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
        from .constraints import Target

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
        from dataclasses import replace

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
