"""Minimum meaningful allocations: a region gets nothing or at least a minimum amount.

DAK fisik reaches a regency in lumps of billions of rupiah: a few hundred million is not a
sentra. For every group ``g`` (a region, or a region in a program) with a minimum ``m_g``,
a binary ``b_g`` (receives or not) and the group's spend ``s_g`` (from one pot, or in all):

    m_g b_g <= s_g <= M_g b_g,        sum_g b_g <= max_recipients

where ``M_g`` is the most the group could ever get: its cells' capacities (and projects'
costs), no more than the pot's ceiling or the budget total. ``s_g`` is then
*semicontinuous*: ``0`` or in ``[m_g, M_g]``; a group whose ``M_g`` is below ``m_g`` gets
nothing. The binaries make the program a MIP, solved exactly by HiGHS and CBC; as for
projects, a MIP has no shadow prices (see :attr:`ikmopt.Result.mip_reason`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import (
    Constraint,
    Value,
    group_label,
    per_group,
    positions,
    values,
)
from ikmopt.model.constraints.last_year import this_year_total
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["MinimumAllocation"]


@dataclass(frozen=True)
class MinimumAllocation(Constraint):
    """Each region gets nothing or at least ``min`` (in a pot or program, or in all).

    Parameters
    ----------
    min : float or mapping
        Rp bn: one number for every group, or ``{group: amount}`` for some.
    by : str or tuple of str, default "region"
        The groups: ``"region"``, ``("region", "program")`` or any other levels.
    pot : str, optional
        Count only the money from this pot (needs ``Budget(pots=...)``).
    program : str or sequence of str, optional
        Count only the spend on these programs.
    max_recipients : int, optional
        At most this many groups receive anything.

    Examples
    --------
    >>> import ikmopt as ik
    >>> rule = ik.MinimumAllocation(min=5, pot="DAK fisik", max_recipients=20)
    >>> rule.describe()  # doctest: +NORMALIZE_WHITESPACE
    'MinimumAllocation(by region, pot DAK fisik): nothing or at least Rp 5 bn,
     at most 20 recipients'
    """

    min: Value = None
    by: str | tuple[str, ...] = "region"
    pot: str | None = None
    program: str | tuple[str, ...] | None = None
    max_recipients: int | None = None
    family: ClassVar[str] = "minimum_allocation"
    number_units: ClassVar[Mapping[str, str]] = {"min": "money"}

    def __post_init__(self) -> None:
        name = "MinimumAllocation"
        if self.min is None:
            raise PolicyError(f"{name} needs min= (Rp bn), e.g. MinimumAllocation(min=5)")
        object.__setattr__(self, "min", values(name, "min", self.min))
        if self.max_recipients is not None:
            count = number(name, "max_recipients", self.max_recipients)
            if count != round(count):
                raise PolicyError(f"{name}: max_recipients must be a whole number, got "
                                  f"{short_repr(self.max_recipients)}")
            object.__setattr__(self, "max_recipients", int(count))
        if self.pot is not None and (not isinstance(self.pot, str) or not self.pot):
            raise PolicyError(f"{name}: pot must name a pot, got {short_repr(self.pot)}")
        if self.program is not None:
            program = (self.program,) if isinstance(self.program, str) else tuple(self.program)
            if not program:
                raise PolicyError(f"{name}: program= is empty")
            object.__setattr__(self, "program", program)
        if isinstance(self.by, list):
            object.__setattr__(self, "by", tuple(self.by))

    def describe(self) -> str:
        """Human description."""
        where = f"by {self.by}" + (f", pot {self.pot}" if self.pot else "") + (
            f", program {', '.join(self.program)}" if self.program else "")
        amount = (f"Rp {self.min:,.6g} bn" if not isinstance(self.min, Mapping)
                  else f"{dict(self.min)} (Rp bn)")
        cap = (f", at most {self.max_recipients} recipients"
               if self.max_recipients is not None else "")
        return f"MinimumAllocation({where}): nothing or at least {amount}{cap}"

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Binary columns, the two rows per group and the recipients row."""
        owner = self.describe()
        codes, groups, (cell, col, val) = ctx.spend_groups(self.by, owner, pot=self.pot)
        if self.program is not None:
            program_codes, programs = ctx.level("program", owner)
            wanted = positions(owner, "program", programs, list(self.program))
            keep = np.isin(program_codes[cell], wanted)
            codes, cell, col, val = codes[keep], cell[keep], col[keep], val[keep]
        minimum = per_group(owner, "min", self.min, groups, 0.0)
        most = self._most(ctx, codes, groups, cell, col, val)
        rows = np.flatnonzero((minimum > 0) & (np.bincount(codes[codes >= 0],
                                                           minlength=len(groups)) > 0))
        if not len(rows):
            return []
        labels = [group_label(self.by, groups[g]) for g in rows]
        binary = ctx.builder.add_columns("recipient", labels, np.zeros(len(rows)),
                                         np.ones(len(rows)), integer=True)
        remap = np.full(len(groups) + 1, -1, dtype=np.int64)
        remap[rows] = np.arange(len(rows))
        row = remap[codes]
        on = row >= 0
        k = len(rows)
        index = pd.Index(labels)

        def block(coef: np.ndarray, lower: float, upper: float) -> RowBlock:
            return RowBlock("minimum_allocation", index,
                            np.concatenate([row[on], np.arange(k)]),
                            np.concatenate([col[on], binary]),
                            np.concatenate([val[on], coef]),
                            np.full(k, lower), np.full(k, upper))

        blocks = [block(-minimum[rows], 0.0, np.inf), block(-most[rows], -np.inf, 0.0)]
        if self.max_recipients is not None:
            blocks.append(RowBlock("minimum_allocation", pd.Index(["recipients"]),
                                   np.zeros(k, dtype=np.int64), binary, np.ones(k),
                                   np.array([-np.inf]), np.array([float(self.max_recipients)])))
        ctx.builder.meta.setdefault("recipients", []).append(binary)
        return blocks

    def _most(self, ctx: BuildContext, codes: np.ndarray, groups: pd.Index, cell: np.ndarray,
              col: np.ndarray, val: np.ndarray) -> np.ndarray:
        """The most each group could get (``M_g``), finite."""
        projects = np.asarray(ctx.builder.meta.get("project_columns", []), dtype=np.int64)
        reach = np.where(np.isin(col, projects), val, val * ctx.data.capacity[cell])
        most = np.bincount(codes[codes >= 0], weights=reach[codes >= 0], minlength=len(groups))
        caps = [this_year_total(ctx.policy.budget)]
        if self.pot is not None:
            caps.append(next(p.ceiling for p in ctx.policy.budget.pots if p.name == self.pot))
        for cap in caps:
            if cap is not None:
                most = np.minimum(most, cap)
        if not np.isfinite(most).all():
            raise PolicyError(f"{self.describe()}: a group's spend has no finite upper bound "
                              "(infinite capacity and no budget total); give the cells a "
                              "capacity or the budget a total")
        return most

