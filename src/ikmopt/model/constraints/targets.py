"""Hard targets and limits on an outcome, national or by group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import (
    Constraint,
    Value,
    check_order,
    group_block,
    group_label,
    per_group,
    values,
)
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["Target", "check_signed"]


@dataclass(frozen=True)
class Target(Constraint):
    """Hard bounds on an outcome: ``min <= sum_c a_mc x_c <= max``.

    Parameters
    ----------
    metric : str
        An impacts metric, e.g. ``"jobs"``.
    min, max : float or mapping, optional
        Bounds in the metric's unit; with ``by=``, a number for every group or a mapping
        ``{group: bound}``. Negative only for a signed metric (``Dataset(signed_metrics=)``).
    by : str, optional
        Level for one row per group (``"region"``, ``"island_group"``, ``"program"`` ...);
        national when omitted.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Target("jobs", min=150_000).min
    150000.0
    """

    metric: str = ""
    min: Value = None
    max: Value = None
    by: str | tuple[str, ...] | None = None
    family: ClassVar[str] = "target"
    number_units: ClassVar[Mapping[str, str]] = {"min": "metric", "max": "metric"}

    def __post_init__(self) -> None:
        name = f"Target({self.metric})"
        if not self.metric:
            raise PolicyError("Target needs a metric, e.g. Target('jobs', min=150_000)")
        object.__setattr__(self, "min", values(name, "min", self.min, lo=-np.inf))
        object.__setattr__(self, "max", values(name, "max", self.max, lo=-np.inf))
        if self.min is None and self.max is None:
            raise PolicyError(f"{name} needs min= or max=")
        if self.by is None and (isinstance(self.min, Mapping) or isinstance(self.max, Mapping)):
            raise PolicyError(f"{name}: a mapping of bounds needs by= (the level it is keyed by)")
        check_order(name, "min", self.min, "max", self.max)

    def describe(self) -> str:
        """Human description, e.g. ``Target(jobs) min 150,000``."""
        def fmt(value: Value) -> str:
            if isinstance(value, Mapping):
                return "{" + ", ".join(f"{k}: {v:,.6g}" for k, v in value.items()) + "}"
            return f"{value:,.6g}"

        where = "" if self.by is None else f" by {self.by}"
        parts = [f"{k} {fmt(v)}" for k, v in (("min", self.min), ("max", self.max))
                 if v is not None]
        return f"Target({self.metric}{where}) " + ", ".join(parts)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row (national) or one row per group."""
        name = f"Target({self.metric})"
        terms = ctx.terms(self.metric, name)
        check_signed(name, self.metric, ctx.data.signed_metrics,
                     {"min": self.min, "max": self.max})
        if self.by is None:
            _, cols, vals = terms
            lower = np.array([-np.inf if self.min is None else self.min])
            upper = np.array([np.inf if self.max is None else self.max])
            return [
                RowBlock("target", pd.Index([self.metric]), np.zeros(len(cols), dtype=np.int64),
                         cols, vals, lower, upper)
            ]
        codes, categories = ctx.level(self.by, name)
        lower = per_group(name, "min", self.min, categories, -np.inf)
        upper = per_group(name, "max", self.max, categories, np.inf)
        bad = lower > upper
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PolicyError(f"{name}: min above max for '{categories[i]}'")
        rows_for = np.flatnonzero(np.isfinite(lower) | np.isfinite(upper))
        labels = pd.Index([f"{self.metric} {group_label(self.by, categories[g])}"
                           for g in rows_for])
        return [group_block("target", codes, categories, rows_for, terms, lower, upper, labels)]


def check_signed(owner: str, metric: str, signed: tuple[str, ...],
                 bounds: Mapping[str, Value]) -> None:
    """Refuse a negative bound on ``metric`` unless the dataset declares it signed.

    ``bounds`` maps each field (``"min"``, ``"rhs"``) to its scalar or mapping value.

    Raises
    ------
    PolicyError
        Naming ``owner``, the field and the metric.
    """
    if metric == "spend" or metric in signed:
        return
    for field, value in bounds.items():
        numbers = list(value.values()) if isinstance(value, Mapping) else [value]
        low = [v for v in numbers if v is not None and v < 0]
        if low:
            raise PolicyError(
                f"{owner}: {field} {min(low):g} is negative, but '{metric}' is not a signed "
                f"metric (it cannot fall below 0); declare it with "
                f"Dataset(..., signed_metrics=['{metric}']) if it can"
            )
