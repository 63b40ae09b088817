"""Objectives: what the plan maximizes.

An objective names the metrics it needs (:meth:`Objective.metrics`) and returns a cost
vector over the cells. Objectives that are normalized by single-objective optima
(:class:`Weighted`) receive those optima from :func:`ikmopt.optimize`, which solves for
them on the same constraints first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import PolicyError

#: Coefficients of a metric for every cell (as the objective should count them).
Coefficients = Callable[[str], np.ndarray]

__all__ = ["Maximize", "Objective", "Weighted"]


class Objective:
    """Base class of objectives."""

    def metrics(self) -> tuple[str, ...]:  # pragma: no cover - abstract
        """Metrics the objective reads."""
        raise NotImplementedError

    def needs_optima(self) -> tuple[str, ...]:
        """Metrics whose single-objective optimum must be known before building the cost."""
        return ()

    def cost(
        self, coef: Coefficients, optima: Mapping[str, float] | None = None
    ) -> np.ndarray:  # pragma: no cover - abstract
        """Objective coefficient of every cell, given each metric's coefficients."""
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        """One-line description."""
        raise NotImplementedError


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
        clean = {}
        for metric, w in merged.items():
            try:
                w = float(w)
            except (TypeError, ValueError):
                raise PolicyError(f"Weighted: weight of '{metric}' must be a number") from None
            if not math.isfinite(w) or w < 0:
                raise PolicyError(f"Weighted: weight of '{metric}' must be >= 0, got {w}")
            clean[str(metric)] = w
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
