"""The budget: money available in total and by group, in Rp bn."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import Constraint, group_block, group_label, positions, values
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["Budget"]


@dataclass(frozen=True)
class Budget(Constraint):
    """Money available, in Rp bn.

    Parameters
    ----------
    total : float, optional
        Total budget: ``sum(x) <= total`` (``==`` with ``spend_all``).
    by : mapping, optional
        Limits by any level: ``{"program": {"sentra": 400}, "channel": {"DAK fisik": 450}}``
        gives ``sum of x in that group <= limit`` for each listed group.
    spend_all : bool, default False
        Spend the whole total (an equality). Useful when unspent money is not an option.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Budget(total=2500, by={"program": {"sentra": 400}}).total
    2500.0
    """

    total: float | None = None
    by: Mapping[str, Mapping[Hashable, float]] | None = None
    spend_all: bool = False
    family: ClassVar[str] = "budget"
    number_units: ClassVar[Mapping[str, str]] = {"total": "money", "by": "money"}

    def __post_init__(self) -> None:
        if self.total is not None:
            object.__setattr__(self, "total", number("Budget", "total", self.total))
        if self.spend_all and self.total is None:
            raise PolicyError("Budget: spend_all=True needs a total")
        if self.by is not None:
            if not isinstance(self.by, Mapping):
                raise PolicyError(
                    "Budget: by must map a level to {group: limit}, e.g. "
                    "{'program': {'sentra': 400}}"
                )
            by = {}
            for level, limits in self.by.items():
                if not isinstance(limits, Mapping) or not limits:
                    raise PolicyError(
                        f"Budget: by['{level}'] must be a non-empty mapping {{group: limit}}"
                    )
                key = tuple(level) if isinstance(level, tuple | list) else str(level)
                by[key] = values("Budget", f"by['{level}']", limits)
            object.__setattr__(self, "by", by)
        if self.total is None and not self.by:
            raise PolicyError("Budget needs a total or at least one limit in by=")

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Total row and one row per limited group."""
        blocks = []
        if self.total is not None:
            # on the total-spend column T (sum x - T = 0): the matrix keeps a single dense
            # row however many rules refer to total spend
            lower = self.total if self.spend_all else -np.inf
            blocks.append(
                RowBlock(
                    "budget",
                    pd.Index(["total"]),
                    np.zeros(1, dtype=np.int64),
                    np.array([ctx.total_spend_column()]),
                    np.ones(1),
                    np.array([lower]),
                    np.array([self.total]),
                )
            )
        for level, limits in (self.by or {}).items():
            codes, categories = ctx.level(level, "Budget")
            keys = list(limits)
            at = positions("Budget", f"by['{level}']", categories, keys)
            upper = np.full(len(categories), np.inf)
            upper[at] = [limits[k] for k in keys]
            labels = pd.Index([group_label(level, categories[p]) for p in at])
            blocks.append(
                group_block(
                    "budget", codes, categories, at, ctx.terms("spend", "Budget"),
                    np.full(len(categories), -np.inf), upper, labels,
                )
            )
        return blocks

    def describe(self) -> str:
        """Human description."""
        parts = []
        if self.total is not None:
            parts.append(f"total {'=' if self.spend_all else '<='} Rp {self.total:,.0f} bn")
        for level, limits in (self.by or {}).items():
            parts += [f"{level}={k} <= Rp {v:,.0f} bn" for k, v in limits.items()]
        return "Budget(" + "; ".join(parts) + ")"
