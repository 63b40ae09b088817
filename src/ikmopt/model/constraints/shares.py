r"""Share rules: a group of regions or programs gets a share of total spend or of an outcome.

With ``of="spend"`` (the default) the rows are ``sum_{c in G} x_c - alpha T >= 0`` with ``T``
the total spend; with ``of=`` a metric, ``sum_{c in G} a_mc x_c - alpha D_m >= 0`` with ``D_m``
the metric's total (``within=`` restricts both to a subset of cells):

.. math::

    \sum_{c \in G \cap W} a_{mc} x_c \;\ge\; \alpha \sum_{c \in W} a_{mc} x_c .

The denominator is an auxiliary column defined once per aggregate, so a rule with many
groups costs one row per group, not one copy of the denominator per group.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

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
    positions,
    values,
)
from ikmopt.model.constraints.relation import Where, aggregate_text, selected_cells, where_filters
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["GroupShare", "ProgramShare", "Share", "check_share_rules"]


@dataclass(frozen=True)
class Share(Constraint):
    """Shared machinery of GroupShare and ProgramShare: ``sum_G x >= alpha * total spend``."""

    family: ClassVar[str] = "share"
    number_units: ClassVar[Mapping[str, str]] = {"min": "share", "max": "share"}

    @abstractmethod
    def _spec(self) -> tuple[str, Any, Value, Value]:
        """(level, group value, min, max) of the share rule."""

    def _aggregate(self) -> tuple[str, Where | None]:
        """(``of``, ``within``): what the share is of, and the cells it is taken within."""
        return getattr(self, "of", "spend"), getattr(self, "within", None)

    def _check(self) -> None:
        level, _, lo, hi = self._spec()
        if isinstance(level, list):
            level = tuple(level)
            object.__setattr__(self, "by" if isinstance(self, ProgramShare) else "group", level)
        name = f"{type(self).__name__}({level})"
        of, within = self._aggregate()
        if not isinstance(of, str) or not of:
            raise PolicyError(f"{name}: of must be 'spend' or a metric name, got {of!r}")
        object.__setattr__(self, "within", where_filters(name, within, {}))
        object.__setattr__(self, "min", values(name, "min", lo, hi=1.0))
        object.__setattr__(self, "max", values(name, "max", hi, hi=1.0))
        if self.min is None and self.max is None:
            raise PolicyError(f"{name} needs min= or max= (a share between 0 and 1)")
        check_order(name, "min", self.min, "max", self.max)
        if isinstance(self.min, Mapping) and sum(self.min.values()) > 1 + 1e-12:
            # the groups of one level do not overlap: their floors cannot exceed the whole
            raise PolicyError(f"{name}: min shares {dict(self.min)} add up to "
                              f"{sum(self.min.values()):.4g}, more than 1; only an empty plan "
                              "could meet them")

    def share_bounds(self) -> list[tuple[str, str, str, float]]:
        """``(level, group, "min" or "max", share)`` of every bound the rule sets.

        A yes/no group without ``value`` is the group ``True``; groups are compared as text.
        """
        level, value, lo, hi = self._spec()
        of, within = self._aggregate()
        if of != "spend" or within:  # shares of another whole: floors add up separately
            level = f"{level} ({aggregate_text(of, within)})"
        out = []
        for sense, bound in (("min", lo), ("max", hi)):
            if isinstance(bound, Mapping):
                out += [(level, str(k), sense, float(v)) for k, v in bound.items()]
            elif bound is not None:
                out.append((level, str(True if value is None else value), sense, float(bound)))
        return out

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Rows ``sum_G y - alpha * D >= 0`` (min) and ``<= 0`` (max).

        ``y`` is spend or the metric ``of`` and ``D`` its total (within ``within``).
        """
        level, _, lo, hi = self._spec()
        name = f"{type(self).__name__}({level})"
        codes, categories = ctx.level(level, type(self).__name__)
        groups = self._groups(name, categories)
        terms, total = self._whole(ctx, name)
        of, _ = self._aggregate()
        what = "" if of == "spend" else f" {of}"
        blocks = []
        for bound, sense in ((lo, "min"), (hi, "max")):
            if bound is None:
                continue
            alpha = per_group(name, sense, bound, categories, np.nan)
            rows_for = groups[~np.isnan(alpha[groups])]
            if not len(rows_for):
                continue
            block = group_block(
                "share", codes, categories, rows_for, terms,
                np.zeros(len(categories)), np.zeros(len(categories)),
                pd.Index([f"{group_label(level, categories[g])}{what} {sense}"
                          for g in rows_for]),
            )
            blocks.append(_share_rows(block, alpha[rows_for], sense, total))
        return blocks

    def _whole(self, ctx: BuildContext, name: str
               ) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], int]:
        """The terms of the aggregate within ``within``, and the column of their total.

        Spend of every cell uses the shared total-spend column ``T``; any other aggregate
        gets a column ``D = sum of its terms`` (created once per aggregate).
        """
        of, within = self._aggregate()
        cell, col, val = ctx.terms(of, name)
        if of != "spend" and of in ctx.data.signed_metrics:
            raise PolicyError(f"{name}: '{of}' is a signed metric, so its total can be 0 or "
                              "negative and a share of it means nothing; bound it with "
                              "ik.Relation instead")
        inside = selected_cells(ctx, name, within)
        if inside is None and of == "spend":
            return (cell, col, val), ctx.total_spend_column()
        if inside is not None:
            keep = inside[cell]
            cell, col, val = cell[keep], col[keep], val[keep]
        n = len(col)
        label = aggregate_text(of, within)
        definition = RowBlock(
            "definition", pd.Index([f"total {label}"]), np.zeros(n + 1, dtype=np.int64),
            np.concatenate([col, [-1]]), np.concatenate([val, [-1.0]]), np.zeros(1),
            np.zeros(1), kind="definition",
        )
        total = ctx.builder.shared_column("aggregate_total", label, 0.0, np.inf, definition)
        return (cell, col, val), total

    def _groups(self, name: str, categories: pd.Index) -> np.ndarray:
        """Positions of the bounded groups in ``categories``, their min checked against max."""
        level, value, lo, hi = self._spec()
        mappings = [v for v in (lo, hi) if isinstance(v, Mapping)]
        if mappings:
            keys = list(dict.fromkeys(k for m in mappings for k in m))
            groups = positions(name, "min/max", categories, keys)
        else:
            if value is None:
                if categories.dtype == bool or set(map(str, categories)) <= {"True", "False"}:
                    value = True
                else:
                    arg = "program=" if isinstance(self, ProgramShare) else "value="
                    raise PolicyError(
                        f"{name}: '{level}' is not a yes/no column, so say which group: "
                        f"{arg} one of {list(categories)[:12]}, or give min/max as a "
                        f"mapping per group"
                    )
            groups = positions(name, "value", categories, [value])
        alpha_lo = per_group(name, "min", lo, categories, -np.inf)
        alpha_hi = per_group(name, "max", hi, categories, np.inf)
        bad = groups[alpha_lo[groups] > alpha_hi[groups]]
        if len(bad):
            g = int(bad[0])
            raise PolicyError(
                f"{name}: min share {alpha_lo[g]:g} is above max share {alpha_hi[g]:g} for "
                f"'{categories[g]}'"
            )
        return groups


def _share_rows(block: RowBlock, alpha: np.ndarray, sense: str, total: int) -> RowBlock:
    """``block`` (the groups' spend) minus ``alpha`` times the total-spend column ``total``."""
    k = len(alpha)
    lower = np.zeros(k) if sense == "min" else np.full(k, -np.inf)
    upper = np.full(k, np.inf) if sense == "min" else np.zeros(k)
    return RowBlock(
        "share",
        block.labels,
        np.concatenate([block.rows, np.arange(k)]),
        np.concatenate([block.cols, np.full(k, total)]),
        np.concatenate([block.vals, -alpha]),
        lower,
        upper,
        kind="share",
        param=alpha,
        per=(np.arange(k), np.full(k, total), np.ones(k)),
    )


@dataclass(frozen=True)
class GroupShare(Share):
    """A group of regions gets a minimum and/or maximum share of total spend.

    Parameters
    ----------
    group : str
        A column of the regions table: yes/no (``"kti"``) or categorical (``"island_group"``).
    min, max : float or mapping, optional
        Share between 0 and 1, or ``{group value: share}`` for one row per value.
    value : optional
        Which value of a categorical column forms the group (default ``True`` for a yes/no
        column).
    of : str, default "spend"
        What the share is of: ``"spend"`` or a metric (``"jobs"``: the group's share of
        the jobs the plan creates).
    within : mapping, optional
        Take the share within these cells only (``{level: value(s)}``, as
        :class:`~ikmopt.Aggregate` filters): numerator and denominator both.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.GroupShare("kti", min=0.40).min
    0.4
    >>> ik.GroupShare("kti", min=0.40, of="jobs").describe()
    'GroupShare(kti) of jobs min 40%'
    """

    group: str | tuple[str, ...] = ""
    min: Value = None
    max: Value = None
    value: Any = None
    of: str = "spend"
    within: Where | None = None

    def __post_init__(self) -> None:
        if not self.group:
            raise PolicyError("GroupShare needs a group column, e.g. GroupShare('kti', min=0.4)")
        self._check()

    def _spec(self) -> tuple[str, Any, Value, Value]:
        return self.group, self.value, self.min, self.max

    def describe(self) -> str:
        """Human description."""
        return _share_text("GroupShare", self.group, self.value, self.min, self.max,
                           *self._aggregate())


@dataclass(frozen=True)
class ProgramShare(Share):
    """One program (or a group of programs) gets a minimum and/or maximum share of spend.

    Parameters
    ----------
    program : str, optional
        The program (or, with ``by=``, the group value) the bounds apply to. Omit it when
        ``min``/``max`` are mappings ``{program: share}``.
    min, max : float or mapping, optional
        Share between 0 and 1.
    by : str or tuple of str, default "program"
        ``"program"``, a programs column such as ``"channel"``, any other level, or a
        tuple of levels (``("island_group", "program")``, groups keyed by tuples).
    of : str, default "spend"
        What the share is of: ``"spend"`` or a metric (``"jobs"``).
    within : mapping, optional
        Take the share within these cells only (``{"kti": True}``: a share of KTI's jobs).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.ProgramShare("training", of="jobs", min=0.2, within={"kti": True}).describe()
    'ProgramShare(program=training) of jobs[kti] min 20%'
    """

    program: Hashable | None = None
    min: Value = None
    max: Value = None
    by: str | tuple[str, ...] = "program"
    of: str = "spend"
    within: Where | None = None

    def __post_init__(self) -> None:
        self._check()

    def _spec(self) -> tuple[str, Any, Value, Value]:
        return self.by, self.program, self.min, self.max

    def describe(self) -> str:
        """Human description."""
        return _share_text("ProgramShare", self.by, self.program, self.min, self.max,
                           *self._aggregate())


def check_share_rules(rules: Sequence[Constraint]) -> None:
    """Refuse share rules that only an empty plan can meet together.

    Share rules are homogeneous (``sum_G x - alpha T``), so a plan that spends nothing meets
    any of them: contradictory shares do not make the program infeasible, they make it
    spend nothing. Refused here: a group whose floor (from one rule) is above its cap (from
    another), and floors of distinct groups of one level that add up to more than 1.

    Raises
    ------
    PolicyError
        Naming the rules and the group.
    """
    bounds: dict[tuple[str, str, str], list[tuple[float, str]]] = {}
    for rule in rules:
        if isinstance(rule, Share):
            for level, group, sense, share in rule.share_bounds():
                bounds.setdefault((level, group, sense), []).append((share, rule.describe()))
    for (level, group, sense), floors in bounds.items():
        if sense != "min":
            continue
        floor, floor_rule = max(floors)
        cap, cap_rule = min(bounds.get((level, group, "max"), [(np.inf, "")]))
        if floor > cap + 1e-12:
            raise PolicyError(
                f"{floor_rule} and {cap_rule} contradict each other for {level}={group}: a "
                f"share of at least {floor:.4g} and at most {cap:.4g} can only be met by "
                "spending nothing; lower the min or raise the max"
            )
    levels: dict[str, dict[str, tuple[float, str]]] = {}
    for (level, group, sense), floors in bounds.items():
        if sense == "min":
            levels.setdefault(level, {})[group] = max(floors)
    for level, groups in levels.items():
        total = sum(floor for floor, _ in groups.values())
        if len(groups) > 1 and total > 1 + 1e-12:
            rules_text = "; ".join(sorted({rule for _, rule in groups.values()}))
            raise PolicyError(
                f"share floors of {level} groups {sorted(groups)} add up to {total:.4g}, more "
                f"than 1 ({rules_text}): only an empty plan meets them; lower the floors"
            )


def _share_text(cls: str, level: str | tuple[str, ...], value: Any, lo: Value, hi: Value,
                of: str = "spend", within: Where | None = None) -> str:
    def pct(x: float) -> str:
        return f"{x * 100:.4g}%"

    def fmt(v: Value) -> str:
        if isinstance(v, Mapping):
            return "{" + ", ".join(f"{k}: {pct(x)}" for k, x in v.items()) + "}"
        return pct(v)

    name = ",".join(level) if isinstance(level, tuple) else level
    who = name if value is None else f"{name}={value}"
    whole = "" if of == "spend" and not within else f" of {aggregate_text(of, within)}"
    parts = [f"min {fmt(lo)}" if lo is not None else "", f"max {fmt(hi)}" if hi is not None else ""]
    return f"{cls}({who}){whole} " + " ".join(p for p in parts if p)
