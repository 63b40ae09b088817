"""The budget: money available in total and by group, in Rp bn."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import Constraint, group_block, group_label, positions, values
from ikmopt.model.lp import RowBlock
from ikmopt.model.pots import Pot, pots_of

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
        Spend the whole total (an equality); with pots and no total, every pot in full.
        Useful when unspent money is not an option.
    pots : sequence of Pot or mapping, optional
        The funding channels the money comes in, each with a ceiling money cannot leave
        (see :class:`~ikmopt.model.pots.Pot`): ``[ik.Pot("DAK fisik", 395, funds=["sentra"],
        level="regency"), ...]`` or ``{"DAK fisik": 395, ...}`` (the programs each pot funds
        then come from the programs table's ``pots`` or ``channel`` column). A program no
        pot funds cannot be funded (a PolicyError says so).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Budget(total=2500, by={"program": {"sentra": 400}}).total
    2500.0
    """

    total: float | None = None
    by: Mapping[str, Mapping[Hashable, float]] | None = None
    spend_all: bool = False
    pots: tuple[Pot, ...] | None = None
    family: ClassVar[str] = "budget"
    number_units: ClassVar[Mapping[str, str]] = {"total": "money", "by": "money"}

    def __post_init__(self) -> None:
        if self.total is not None:
            object.__setattr__(self, "total", number("Budget", "total", self.total))
        object.__setattr__(self, "pots", pots_of(self.pots))
        if self.spend_all and self.total is None and self.pots is None:
            raise PolicyError("Budget: spend_all=True needs a total (or pots)")
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
        if self.total is None and not self.by and self.pots is None:
            raise PolicyError("Budget needs a total, pots or at least one limit in by=")

    def pots_cover_total(self) -> bool:
        """Whether the pots hold no more than the total, which then adds no row of its own.

        A total at or above the sum of the pots' ceilings is implied by them; leaving its
        row out keeps the pots' prices unique (with both rows binding, the price could fall
        on either).
        """
        if not self.pots or self.total is None:
            return False
        return self.total >= sum(p.ceiling for p in self.pots) * (1 - 1e-12)

    def parts(self) -> list[Any]:
        """The total's row, the pots' ceilings and each level's limits, as separate parts.

        A sweep over the total re-emits only the total's row.
        """
        parts: list[Any] = []
        if self.total is not None and not self.pots_cover_total():
            parts.append(_Total(self.total, self.spend_all))
        if self.pots is not None:
            equal = self.spend_all and (self.total is None or self.pots_cover_total())
            parts.append(_PotCeilings(self.pots, equal))
        parts += [_Limits(level, dict(limits)) for level, limits in (self.by or {}).items()]
        return parts

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Total row, one row per pot and one row per limited group."""
        return [block for part in self.parts() for block in part.emit(ctx)]

    def describe(self) -> str:
        """Human description."""
        parts = [p.describe() for p in self.pots or ()]
        if self.total is not None:
            parts.append(f"total {'=' if self.spend_all else '<='} Rp {self.total:,.0f} bn")
        for level, limits in (self.by or {}).items():
            parts += [f"{level}={k} <= Rp {v:,.0f} bn" for k, v in limits.items()]
        return "Budget(" + "; ".join(parts) + ")"


@dataclass(frozen=True)
class _Total:
    """The total's row, on the total-spend column ``T`` (``sum x - T = 0``).

    The matrix keeps a single dense row however many rules refer to total spend.
    """

    total: float
    spend_all: bool

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        lower = self.total if self.spend_all else -np.inf
        return [RowBlock("budget", pd.Index(["total"]), np.zeros(1, dtype=np.int64),
                         np.array([ctx.total_spend_column()]), np.ones(1), np.array([lower]),
                         np.array([self.total]))]


@dataclass(frozen=True)
class _PotCeilings:
    """One ceiling row per pot over what it gives cells and pays for projects."""

    pots: tuple[Pot, ...]
    equal: bool  # spend every pot in full

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        layout = ctx.pots()
        cells = np.concatenate([layout.pot, layout.project_pot[layout.project_pot >= 0]])
        project = np.flatnonzero(layout.project_pot >= 0)
        z = ctx.builder.meta.get("project_columns", np.zeros(0, dtype=np.int64))
        cost = np.zeros(0) if ctx.data.projects is None else ctx.data.projects.cost
        ceiling = np.array([p.ceiling for p in self.pots])
        return [RowBlock(
            "pot", pd.Index(layout.names), cells,
            np.concatenate([layout.col, np.asarray(z)[project]]),
            np.concatenate([np.ones(len(layout.col)), np.asarray(cost)[project]]),
            ceiling if self.equal else np.full(len(ceiling), -np.inf), ceiling,
        )]


@dataclass(frozen=True)
class _Limits:
    """One row per limited group of a level: its spend at most its limit."""

    level: str | tuple[str, ...]
    limits: dict[Hashable, float]

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        level, limits = self.level, self.limits
        codes, categories = ctx.level(level, "Budget")
        keys = list(limits)
        at = positions("Budget", f"by['{level}']", categories, keys)
        upper = np.full(len(categories), np.inf)
        upper[at] = [limits[k] for k in keys]
        labels = pd.Index([group_label(level, categories[p]) for p in at])
        return [group_block("budget", codes, categories, at, ctx.terms("spend", "Budget"),
                            np.full(len(categories), -np.inf), upper, labels)]
