"""Central–regional synergy: central money matched to what regions put in themselves.

Regions pledge their own (APBD) money in the ``cofunding`` column of the proposals table
(:mod:`ikmopt.data.proposals`); ``C_rp`` is the pledge of region ``r`` for program ``p``
and ``s_rp`` the spend there from pot ``k``. Two options a planner may set, alone or
together (planning choices, not rules of law):

* ``match = m``: central money at most ``m`` rupiah per rupiah pledged,
  ``s_rp <= m C_rp`` (a region that pledges nothing gets nothing from the pot);
* ``reserve = alpha``: at least a share ``alpha`` of what the pot spends goes to regions
  that co-fund, ``sum_{C_rp > 0} s_rp - alpha sum_rp s_rp >= 0`` (a share row, read as the
  share achieved against ``alpha``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import Constraint, group_label
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["CoFunding", "pledges"]


@dataclass(frozen=True)
class CoFunding(Constraint):
    """Tie a pot's money to the regions' own co-funding (APBD pledges).

    Parameters
    ----------
    pot : str
        The pot (needs ``Budget(pots=...)``).
    match : float, optional
        At most this much from the pot per Rp 1 pledged, per region and program.
    reserve : float, optional
        At least this share (0 to 1) of what the pot spends goes to regions that pledged
        something for the program.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.CoFunding("DAK fisik", reserve=0.3).describe()
    'CoFunding(DAK fisik): at least 30 % to co-funding regions'
    """

    pot: str = ""
    match: float | None = None
    reserve: float | None = None
    family: ClassVar[str] = "cofunding"
    number_units: ClassVar[Mapping[str, str]] = {"match": "ratio", "reserve": "share"}

    def __post_init__(self) -> None:
        if not isinstance(self.pot, str) or not self.pot:
            raise PolicyError(f"CoFunding needs the pot it applies to, e.g. "
                              f"CoFunding('DAK fisik', match=1); got {short_repr(self.pot)}")
        if self.match is not None:
            object.__setattr__(self, "match", number("CoFunding", "match", self.match))
        if self.reserve is not None:
            object.__setattr__(self, "reserve", number("CoFunding", "reserve", self.reserve,
                                                       hi=1.0))
        if self.match is None and self.reserve is None:
            raise PolicyError("CoFunding needs match= and/or reserve=")

    def describe(self) -> str:
        """Human description."""
        parts = []
        if self.match is not None:
            parts.append(f"at most Rp {self.match:g} per Rp 1 pledged")
        if self.reserve is not None:
            parts.append(f"at least {self.reserve:.0%} to co-funding regions".replace("%", " %"))
        return f"CoFunding({self.pot}): " + ", ".join(parts)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Match rows per region and program; the reserve's share row."""
        owner = self.describe()
        codes, groups, (_, col, val) = ctx.spend_groups(("region", "program"), owner,
                                                           pot=self.pot)
        pledged = pledges(ctx, owner, groups)
        blocks = []
        has = np.bincount(codes[codes >= 0], minlength=len(groups)) > 0
        if self.match is not None:
            rows = np.flatnonzero(has)
            remap = np.full(len(groups) + 1, -1, dtype=np.int64)
            remap[rows] = np.arange(len(rows))
            row = remap[codes]
            on = row >= 0
            blocks.append(RowBlock(
                "cofunding", pd.Index([group_label(("region", "program"), groups[g])
                                       for g in rows]),
                row[on], col[on], val[on], np.full(len(rows), -np.inf),
                self.match * pledged[rows]))
        if self.reserve is not None:
            funded = (pledged > 0)[np.maximum(codes, 0)] & (codes >= 0)
            alpha = float(self.reserve)
            blocks.append(RowBlock(
                "cofunding", pd.Index([f"{self.pot} to co-funding regions"]),
                np.zeros(len(col) * 2, dtype=np.int64), np.concatenate([col, col]),
                np.concatenate([val * funded, -alpha * val]), np.zeros(1),
                np.full(1, np.inf), kind="share", param=np.array([alpha]),
                per=(np.zeros(len(col), dtype=np.int64), col, val)))
        return blocks


def pledges(ctx: BuildContext, owner: str, groups: pd.MultiIndex) -> np.ndarray:
    """Each (region, program) group's co-funding pledge, Rp bn (0 where none)."""
    proposals = ctx.data.proposals
    if proposals is None or "cofunding" not in proposals.table.columns:
        raise PolicyError(f"{owner}: the regions' pledges come from the cofunding column of "
                          "the proposals table (Rp bn of APBD per proposal); the dataset has "
                          + ("no proposals table" if proposals is None else "no such column"))
    table = proposals.table
    summed = table.groupby(["region", "program"], sort=False)["cofunding"].sum()
    summed.index = pd.MultiIndex.from_tuples([(str(r), str(p)) for r, p in summed.index])
    keys = pd.MultiIndex.from_tuples([(str(r), str(p)) for r, p in groups])
    return summed.reindex(keys).fillna(0.0).to_numpy(dtype=float)
