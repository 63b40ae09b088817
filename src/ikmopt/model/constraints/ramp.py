"""Multi-year smoothness: how much a group's spend may change from one year to the next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import Constraint, group_label
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["Ramp"]


@dataclass(frozen=True)
class Ramp(Constraint):
    """Limit how much a region's (or group's) spend changes between consecutive years.

    For every group ``g`` and consecutive plan years ``t-1, t`` with spend ``S``:
    ``|S_{g,t} - S_{g,t-1}| <= max_change + max_rel_change * S_{g,t-1}``.

    Parameters
    ----------
    max_change : float, optional
        Absolute limit in Rp bn.
    max_rel_change : float, optional
        Relative limit (0.2 = 20 % of the previous year's spend). Used alone, a group that
        gets nothing in one year gets nothing in the next; add ``max_change`` to allow a
        start.
    by : str or tuple of str, default "region"
        Grouping whose yearly spend is smoothed (``"region"``, ``"province"``,
        ``("region", "program")`` ...); must not include ``"year"``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Ramp(max_rel_change=0.2, max_change=5).by
    'region'
    """

    max_change: float | None = None
    max_rel_change: float | None = None
    by: str | tuple[str, ...] = "region"
    family: ClassVar[str] = "ramp"
    number_units: ClassVar[Mapping[str, str]] = {"max_change": "money",
                                                 "max_rel_change": "share"}

    def __post_init__(self) -> None:
        if self.max_change is not None:
            object.__setattr__(self, "max_change", number("Ramp", "max_change", self.max_change))
        if self.max_rel_change is not None:
            object.__setattr__(
                self, "max_rel_change", number("Ramp", "max_rel_change", self.max_rel_change)
            )
        if self.max_change is None and self.max_rel_change is None:
            raise PolicyError("Ramp needs max_change (Rp bn) and/or max_rel_change (a share)")
        by = (self.by,) if isinstance(self.by, str) else tuple(self.by)
        if "year" in by:
            raise PolicyError("Ramp: by= must not include 'year' (the ramp runs over years)")
        object.__setattr__(self, "by", self.by if isinstance(self.by, str) else by)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One or two rows per group and pair of consecutive years."""
        if "year" not in ctx.data.levels:
            raise PolicyError(
                f"Ramp needs a dataset with a 'year' level; this one has {list(ctx.data.levels)}"
            )
        group, groups = ctx.level(self.by, "Ramp")
        year, years = ctx.data.level_codes("year")
        n_pairs = len(years) - 1
        if n_pairs < 1 or not len(groups):
            return []
        delta = self.max_change or 0.0
        rho = self.max_rel_change or 0.0
        cell, term_col, term_val = ctx.terms("spend", "Ramp")
        valid = group[cell] >= 0
        g, y = group[cell[valid]], year[cell[valid]]
        cols, vals = term_col[valid], term_val[valid]
        # spend of year t enters row (g, t) with +1; of year t-1 it enters with -(1 +- rho)
        now = y >= 1
        before = y <= n_pairs - 1
        rows = np.concatenate([g[now] * n_pairs + y[now] - 1, g[before] * n_pairs + y[before]])
        block_cols = np.concatenate([cols[now], cols[before]])
        n_rows = len(groups) * n_pairs
        year_list = list(years)
        labels = pd.Index(
            [f"{group_label(self.by, groups[i])} {year_list[t]}->{year_list[t + 1]}"
             for i in range(len(groups)) for t in range(n_pairs)]
        )

        def block(prev_coef: float, lower: float, upper: float, suffix: str) -> RowBlock:
            row_vals = np.concatenate([vals[now], prev_coef * vals[before]])
            return RowBlock(
                "ramp", labels + suffix, rows, block_cols, row_vals,
                np.full(n_rows, lower), np.full(n_rows, upper),
            )

        if rho == 0.0:
            return [block(-1.0, -delta, delta, "")]
        return [
            block(-(1.0 + rho), -np.inf, delta, " growth"),
            block(-(1.0 - rho), -delta, np.inf, " decline"),
        ]
