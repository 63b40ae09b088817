"""Objectives linear in the cells' outcomes: one metric, a weighted sum, poverty weights."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.model.objectives.base import Coefficients, Objective, ObjectiveUnit, numeric

__all__ = ["Maximize", "PovertyWeighted", "Weighted"]


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

    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """The metric (other when accrued over a horizon)."""
        return ObjectiveUnit("other") if accrued else ObjectiveUnit("metric", 1.0, self.metric)

    def words(self) -> tuple[str, dict[str, Any]]:
        """``maximize`` the metric."""
        return "maximize", {"metric": self.metric}

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """The metric's unit."""
        return units.get(self.metric, self.metric)

    def cell_values(self, data: Any, coef: Coefficients,
                    optima: Mapping[str, float] | None) -> np.ndarray:
        """The metric's coefficients."""
        return self.cost(coef, optima)


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

    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """Normalized: one unit is the first weighted metric's optimum over its weight."""
        if accrued or not self.normalize:
            return ObjectiveUnit("other")
        metric, weight = next((m, w) for m, w in self.weights.items() if w > 0)
        optimum = dict(optima or {}).get(metric)
        equivalent = optimum / weight if optimum is not None and optimum > 0 else None
        return ObjectiveUnit("normalized", 1.0, metric, equivalent)

    def words(self) -> tuple[str, dict[str, Any]]:
        """The weighted terms (normalized or raw)."""
        terms = [(w, m) for m, w in self.weights.items() if w]
        return ("weighted" if self.normalize else "weighted_raw"), {"terms": terms}

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """A normalized score, or a weighted sum of the metrics' units."""
        if self.normalize:
            return "normalized: each metric divided by its optimum under the full policy"
        return "weighted sum of " + ", ".join(f"{m} ({units.get(m, m)})" for m in self.weights)

    def cell_values(self, data: Any, coef: Coefficients,
                    optima: Mapping[str, float] | None) -> np.ndarray:
        """The weighted (and normalized) coefficients."""
        return self.cost(coef, optima)

    def frozen(self, optima: Mapping[str, float]) -> Objective:
        """Raw weights ``w_m / z_m`` with the optima of one solve (itself when raw)."""
        if not self.normalize:
            return self
        weights = {}
        for metric, w in self.weights.items():
            if w:
                z = optima.get(metric, 1.0)
                weights[metric] = w / (z if z > 0 else 1.0)
        return Weighted(weights, normalize=False)

    def replace(self, **changes: Any) -> Objective:
        """A copy with ``weights`` or ``normalize`` changed."""
        unknown = set(changes) - {"weights", "normalize"}
        if unknown:
            raise PolicyError(f"Weighted has no field {sorted(unknown)}; fields: weights, "
                              "normalize")
        return Weighted(changes.get("weights", self.weights),
                        normalize=changes.get("normalize", self.normalize))

    def file_args(self) -> dict[str, Any]:
        """The weights by metric, and ``normalize: false`` when set."""
        return {**self.weights, **({} if self.normalize else {"normalize": False})}


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
            raise PolicyError(
                f"PovertyWeighted: no regions column '{self.column}'"
                f"{suggest(self.column, regions.columns)}"
            )
        p = numeric(regions[self.column])
        if not np.isfinite(p).all() or (p <= 0).any():
            raise PolicyError(
                f"PovertyWeighted: column '{self.column}' must be positive for every region"
            )
        pop = data.region_column("population", "PovertyWeighted (its population-weighted "
                                 "mean)")
        return (p / (p @ pop / pop.sum())) ** self.strength

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Cell cost: the metric times its region's weight."""
        weights = self.region_weights(ctx.data)
        regions = ctx.data.region_codes[ctx.data.unit_cell]  # cells, then projects
        ctx.set_outcome_cost(coef(self.metric) * weights[regions])

    def describe(self) -> str:
        """Human description."""
        return f"maximize {self.metric} weighted by ({self.column} / mean)^{self.strength:g}"

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """Poverty-weighted units of the metric."""
        return f"poverty-weighted {self.metric} ({units.get(self.metric, self.metric)})"

    def cell_values(self, data: Any, coef: Coefficients,
                    optima: Mapping[str, float] | None) -> np.ndarray:
        """The metric's coefficients times each cell's region weight."""
        values = np.asarray(coef(self.metric), dtype=float)
        return values * self.region_weights(data)[data.region_codes[: len(values)]]
