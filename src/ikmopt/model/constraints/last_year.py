"""Indicative ceilings (*pagu indikatif*) anchored on last year's allocation.

With last year's allocation ``L_g`` of each group ``g`` (a region, or a region in a pot or
program; the dataset's ``last_year`` table, :mod:`ikmopt.data.last_year`) and its
realisation ``R_g``, this year's spend ``s_g`` is held to

    max((1 - max_fall) L_g, R_g if floor = "realisation", L_g if floor = "allocation")
        <= s_g <= (1 + max_rise) L_g

and a group that got nothing last year to ``s_g <= new`` (no cap when ``new`` is not
given). The shadow price of each group's row is what one more Rp 1 bn of its ceiling (or
one less of its floor) is worth; the table debated at the coordination meeting (last year,
this year, the change and its bound) is :meth:`ikmopt.Result.rakor`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import DataError, PolicyError
from ikmopt.model.constraints.base import Constraint, group_label
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.data.last_year import PastAllocation
    from ikmopt.model.build import BuildContext

__all__ = ["FLOORS", "LastYear", "last_year_bounds", "this_year_total"]

#: What a floor may be anchored on.
FLOORS = ("realisation", "allocation")


@dataclass(frozen=True)
class LastYear(Constraint):
    """Bound each region's change from last year's allocation (indicative ceilings).

    Needs a dataset with last year's allocation (``last_year.csv``, a ``last_year`` sheet or
    :meth:`ikmopt.Dataset.with_last_year`).

    Parameters
    ----------
    max_rise : float, optional
        The largest rise, as a share of last year's allocation (``0.2``: at most +20 %).
    max_fall : float, optional
        The largest fall, as a share (``0.2``: at least 80 % of last year's).
    floor : {"realisation", "allocation"}, optional
        At least what the group spent last year (its realisation), or what it was given.
    new : float, optional
        The most a group that got nothing last year may get, Rp bn (default: no cap).
    by : str or tuple of str, optional
        The groups: ``"region"``, ``("region", "pot")`` or ``("region", "program")``.
        Default: as last year's table is split (``region`` and its ``pot`` and ``program``
        columns).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.LastYear(max_rise=0.2, max_fall=0.2).describe()
    'LastYear: change within -20 % and +20 % of last year'
    """

    max_rise: float | None = None
    max_fall: float | None = None
    floor: str | None = None
    new: float | None = None
    by: str | tuple[str, ...] | None = None
    family: ClassVar[str] = "last_year"
    number_units: ClassVar[Mapping[str, str]] = {"max_rise": "share", "max_fall": "share",
                                                 "new": "money"}

    def __post_init__(self) -> None:
        name = "LastYear"
        if self.max_rise is not None:
            object.__setattr__(self, "max_rise", number(name, "max_rise", self.max_rise))
        if self.max_fall is not None:
            object.__setattr__(self, "max_fall", number(name, "max_fall", self.max_fall, hi=1.0))
        if self.new is not None:
            object.__setattr__(self, "new", number(name, "new", self.new))
        if self.floor is not None and self.floor not in FLOORS:
            raise PolicyError(f"LastYear: floor must be one of {list(FLOORS)}, got "
                              f"{short_repr(self.floor)}")
        if all(getattr(self, k) is None for k in ("max_rise", "max_fall", "floor", "new")):
            raise PolicyError("LastYear needs at least one of max_rise, max_fall, floor, new")
        if self.by is not None:
            by = (self.by,) if isinstance(self.by, str) else tuple(self.by)
            if not by or by[0] != "region" or not set(by) <= {"region", "pot", "program"}:
                raise PolicyError(f"LastYear: by must be 'region', ('region', 'pot') or "
                                  f"('region', 'program'), got {short_repr(self.by)}")
            object.__setattr__(self, "by", by if len(by) > 1 else "region")

    def describe(self) -> str:
        """Human description."""
        by = "" if self.by is None else f"(by {self.by})"
        parts = []
        if self.max_rise is not None or self.max_fall is not None:
            fall = "" if self.max_fall is None else f"-{self.max_fall:.0%}".replace("%", " %")
            rise = "" if self.max_rise is None else f"+{self.max_rise:.0%}".replace("%", " %")
            parts.append("change within " + " and ".join(p for p in (fall, rise) if p)
                         + " of last year")
        if self.floor is not None:
            parts.append(f"at least last year's {self.floor}")
        if self.new is not None:
            parts.append(f"new recipients at most Rp {self.new:,.6g} bn")
        return f"LastYear{by}: " + ", ".join(parts)

    def grouping(self, past: PastAllocation) -> tuple[str, ...]:
        """The levels this rule groups by, checked against last year's table."""
        by = past.by if self.by is None else (
            (self.by,) if isinstance(self.by, str) else tuple(self.by))
        missing = [lv for lv in by if lv not in past.by]
        if missing:
            raise PolicyError(f"LastYear: by={by} but last year's table has no {missing} "
                              f"column; group by a subset of {list(past.by)}")
        return by

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row per group with a floor or a ceiling."""
        past = ctx.data.last_year
        if past is None:
            raise PolicyError(
                f"LastYear: dataset '{ctx.data.name}' has no last-year allocation; add one "
                "(a last_year.csv file or sheet, or data.with_last_year(table)) or drop this "
                "rule")
        by = self.grouping(past)
        if "pot" in by and not ctx.policy.budget.pots:
            raise PolicyError("LastYear: last year's table is split by pot but the budget has "
                              "no pots; give Budget(pots=...) or by='region'")
        check_unit(past, this_year_total(ctx.policy.budget))
        codes, groups, terms = ctx.spend_groups(by, "LastYear")
        lower, upper = last_year_bounds(self, past, by, groups)
        rows = np.flatnonzero(np.isfinite(upper) | (lower > 0))
        remap = np.full(len(groups) + 1, -1, dtype=np.int64)
        remap[rows] = np.arange(len(rows))
        _, col, val = terms
        row = remap[codes]
        keep = row >= 0
        level = by[0] if len(by) == 1 else by
        labels = pd.Index([group_label(level, groups[g]) for g in rows])
        return [RowBlock("last_year", labels, row[keep], col[keep], val[keep], lower[rows],
                         upper[rows])]


def last_year_bounds(rule: LastYear, past: PastAllocation, by: tuple[str, ...],
                     groups: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """Floor and ceiling of every group, Rp bn (``0``/``inf`` where none applies)."""
    summed = past.summed(by)
    if len(by) == 1:
        keys = pd.Index([str(g) for g in groups])
        summed.index = pd.Index([str(k) for k in summed.index])
    else:
        keys = pd.MultiIndex.from_tuples([tuple(str(v) for v in g) for g in groups])
        summed.index = pd.MultiIndex.from_tuples(
            [tuple(str(v) for v in k) for k in summed.index])
    unknown = summed.index.difference(keys)
    if len(unknown) and "pot" in by:
        pots = {k[by.index("pot")] for k in unknown} - {str(g[by.index("pot")]) for g in groups}
        if pots:
            raise PolicyError(f"LastYear: last year's table names pot(s) {sorted(pots)} the "
                              f"budget does not have; pots: "
                              f"{sorted({str(g[by.index('pot')]) for g in groups})}")
    floors = rule.max_fall is not None or rule.floor is not None
    lost = unknown[(summed.loc[unknown, "allocation"] > 0).to_numpy()] if floors else unknown[:0]
    if len(lost):
        raise PolicyError(f"LastYear: last year's {_few(lost)} cannot receive anything this "
                          "year (no cell of the dataset, or no pot that funds it), so its "
                          "floor cannot hold; drop the row(s) or the floor")
    aligned = summed.reindex(keys)
    allocation = aligned["allocation"].fillna(0.0).to_numpy(dtype=float)
    realisation = aligned["realisation"].to_numpy(dtype=float)
    lower = np.zeros(len(keys))
    upper = np.full(len(keys), np.inf)
    had = allocation > 0
    if rule.max_rise is not None:
        upper[had] = allocation[had] * (1.0 + rule.max_rise)
    if rule.max_fall is not None:
        lower = np.maximum(lower, allocation * (1.0 - rule.max_fall))
    if rule.floor == "allocation":
        lower = np.maximum(lower, allocation)
    elif rule.floor == "realisation":
        blank = had & np.isnan(realisation)
        if blank.any():
            raise PolicyError(f"LastYear: floor='realisation' but last year's table gives no "
                              f"realisation for {_few(keys[blank])}; fill in the realisation "
                              "column or use floor='allocation'")
        lower = np.maximum(lower, np.nan_to_num(realisation))
    if rule.new is not None:
        upper[~had] = rule.new
    return lower, upper


def this_year_total(budget: object) -> float | None:
    """Return this year's money in all, Rp bn: the budget total, else the pots' ceilings."""
    total = getattr(budget, "total", None)
    if total is not None:
        return float(total)
    pots = getattr(budget, "pots", None)
    return float(sum(p.ceiling for p in pots)) if pots else None


def check_unit(past: PastAllocation, total: float | None) -> None:
    """Refuse a table whose rows each hold more than this year's whole budget.

    One region given more than the national budget is a table in another unit (Rp juta
    for Rp bn), not a plan; the rows are named.
    """
    if total is None or total <= 0:
        return
    table = past.table
    over = table["allocation"].to_numpy() > total
    if over.any():
        raise DataError(
            f"last_year: row(s) {_few(table.index[over])} each allocate more than this year's "
            f"whole budget (Rp {total:,.6g} bn): is the table in another unit (Rp juta)? "
            "Give a unit column (unit: Rp juta) or convert the amounts to Rp bn")


def _few(labels: pd.Index, n: int = 8) -> str:
    items = [", ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in labels]
    return str(items[:n]) + (f" and {len(items) - n} more" if len(items) > n else "")
