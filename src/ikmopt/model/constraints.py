"""Policy constraints: each a frozen dataclass that emits labelled rows as sparse blocks.

Every constraint implements ``emit(ctx) -> list[RowBlock]`` with vectorized numpy (no
Python loop over cells) and ``describe()`` for tables and messages. The math of each family
is in the Methodology page of the documentation.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number as _number
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.projects import project_codes
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = [
    "Budget",
    "Constraint",
    "GiniCap",
    "GroupShare",
    "OutcomeEquity",
    "ProgramShare",
    "ProjectCount",
    "Ramp",
    "RegionBounds",
    "Target",
    "check_share_rules",
    "equity_groups",
]

Value = float | Mapping[Hashable, float] | pd.Series | None


# ---------------------------------------------------------------------- checks shared by all
def _values(owner: str, name: str, value: Value, **limits: float) -> Value:
    """Validate a scalar or a per-label mapping of numbers."""
    if value is None:
        return None
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if isinstance(value, Mapping):
        if not value:
            raise PolicyError(f"{owner}: {name} is an empty mapping")
        return {k: _number(owner, f"{name}[{k!r}]", v, **limits) for k, v in value.items()}
    return _number(owner, name, value, **limits)


def per_group(
    owner: str,
    name: str,
    value: Value,
    categories: pd.Index,
    default: float,
    selected: np.ndarray | None = None,
) -> np.ndarray:
    """Spread a scalar or mapping over ``categories``; unmapped groups get ``default``."""
    out = np.full(len(categories), default, dtype=float)
    if value is None:
        return out
    if isinstance(value, Mapping):
        keys = list(value)
        positions = _positions(owner, name, categories, keys)
        out[positions] = np.array([value[k] for k in keys], dtype=float)
        return out
    target = np.ones(len(categories), dtype=bool) if selected is None else selected
    out[target] = float(value)
    return out


def _check_order(owner: str, lo_name: str, lo: Value, hi_name: str, hi: Value) -> None:
    """Reject a floor above a cap, for scalars and for keys present in both mappings."""
    if lo is None or hi is None:
        return
    if isinstance(lo, Mapping) and isinstance(hi, Mapping):
        pairs = [(k, lo[k], hi[k]) for k in lo if k in hi]
    elif isinstance(lo, Mapping):
        pairs = [(k, v, hi) for k, v in lo.items()]
    elif isinstance(hi, Mapping):
        pairs = [(k, lo, v) for k, v in hi.items()]
    else:
        pairs = [(None, lo, hi)]
    for key, a, b in pairs:
        if a > b:
            where = "" if key is None else f" for {key!r}"
            raise PolicyError(f"{owner}: {lo_name} {a:g} is above {hi_name} {b:g}{where}")


def _positions(owner: str, name: str, categories: pd.Index, keys: list[Any]) -> np.ndarray:
    """Positions of ``keys`` in ``categories`` (labels compared as strings), or PolicyError."""
    as_str = pd.Index([str(c) for c in categories])
    positions = as_str.get_indexer([str(k) for k in keys])
    if (positions < 0).any():
        bad = [k for k, p in zip(keys, positions, strict=True) if p < 0]
        raise PolicyError(
            f"{owner}: {name} names unknown {categories.name or 'label'}(s) {bad}"
            f"{suggest(str(bad[0]), as_str)}; known: {list(categories)[:12]}"
            + (" ..." if len(categories) > 12 else "")
        )
    return positions


def _group_block(
    family: str,
    codes: np.ndarray,
    categories: pd.Index,
    rows_for: np.ndarray,
    terms: tuple[np.ndarray, np.ndarray, np.ndarray],
    lower: np.ndarray,
    upper: np.ndarray,
    labels: pd.Index | None = None,
) -> RowBlock:
    """Rows ``lower_k <= sum_{terms in group k} val <= upper_k`` for the groups ``rows_for``.

    ``terms`` are ``(cell, col, val)`` from :meth:`BuildContext.terms` (spend or an
    outcome); a term belongs to the group of its cell.
    """
    remap = np.full(len(categories) + 1, -1, dtype=np.int64)  # last slot: missing (-1) codes
    remap[rows_for] = np.arange(len(rows_for))
    cell, col, val = terms
    row = remap[codes[cell]]
    keep = row >= 0
    return RowBlock(
        family=family,
        labels=categories[rows_for] if labels is None else labels,
        rows=row[keep],
        cols=col[keep],
        vals=val[keep],
        lower=lower[rows_for],
        upper=upper[rows_for],
    )


# ---------------------------------------------------------------------- base class
class Constraint(ABC):
    """Base class of policy constraints (a frozen dataclass in every subclass)."""

    family: ClassVar[str] = "constraint"
    #: Unit of each number field a user writes (``money``, ``share``, ``gini``, ``ratio``,
    #: ``per_capita``, ``metric`` or ``projects``): what :meth:`ikmopt.Result.sensitivity`
    #: differentiates by, and in which step it reports.
    number_units: ClassVar[Mapping[str, str]] = {}

    @abstractmethod
    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Return the rows of this constraint for the dataset in ``ctx``."""

    def describe(self) -> str:
        """One-line human description, e.g. ``GroupShare(kti) min 40 %``."""
        fields = ", ".join(
            f"{k}={v!r}" for k, v in self.__dict__.items() if v is not None and v is not False
        )
        return f"{type(self).__name__}({fields})"


# ---------------------------------------------------------------------- budget
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
            object.__setattr__(self, "total", _number("Budget", "total", self.total))
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
                by[key] = _values("Budget", f"by['{level}']", limits)
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
            positions = _positions("Budget", f"by['{level}']", categories, keys)
            upper = np.full(len(categories), np.inf)
            upper[positions] = [limits[k] for k in keys]
            labels = pd.Index([_group_label(level, categories[p]) for p in positions])
            blocks.append(
                _group_block(
                    "budget", codes, categories, positions, ctx.terms("spend", "Budget"),
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


# ---------------------------------------------------------------------- region bounds
@dataclass(frozen=True)
class RegionBounds(Constraint):
    """Floors and caps on each region's (or group's) total spend.

    Each bound may be a number applied to every region (or to those in ``regions``) or a
    mapping ``{region: value}`` for specific regions. Bounds of different kinds combine: the
    floor is the largest of the floors, the cap the smallest of the caps.

    Parameters
    ----------
    min, max : float or mapping, optional
        Floor and cap in Rp bn.
    min_share, max_share : float or mapping, optional
        Floor and cap as a share (0–1) of ``Budget.total``.
    min_rp_per_capita, max_rp_per_capita : float or mapping, optional
        Floor and cap in **rupiah per inhabitant** (``population`` column), converted to Rp bn.
    regions : list, optional
        Apply scalar bounds only to these regions (default: all).
    by : str or tuple of str, default "region"
        Level to bound: ``"region"``, a regions column such as ``"province"`` or
        ``"island_group"``, or a combination such as ``("province", "year")`` for a bound per
        province and year (population is summed over the distinct regions of a group).
    """

    min: Value = None
    max: Value = None
    min_share: Value = None
    max_share: Value = None
    min_rp_per_capita: Value = None
    max_rp_per_capita: Value = None
    regions: tuple[Hashable, ...] | None = None
    by: str | tuple[str, ...] = "region"
    family: ClassVar[str] = "region_bounds"
    number_units: ClassVar[Mapping[str, str]] = {
        "min": "money", "max": "money", "min_share": "share", "max_share": "share",
        "min_rp_per_capita": "per_capita", "max_rp_per_capita": "per_capita",
    }

    def __post_init__(self) -> None:
        name = "RegionBounds"
        for key in ("min", "max", "min_rp_per_capita", "max_rp_per_capita"):
            object.__setattr__(self, key, _values(name, key, getattr(self, key)))
        for key in ("min_share", "max_share"):
            object.__setattr__(self, key, _values(name, key, getattr(self, key), hi=1.0))
        if self.regions is not None:
            regions = (self.regions,) if isinstance(self.regions, str) else tuple(self.regions)
            if not regions:
                raise PolicyError("RegionBounds: regions= is empty")
            object.__setattr__(self, "regions", regions)
        for lo, hi in (("min", "max"), ("min_share", "max_share"),
                       ("min_rp_per_capita", "max_rp_per_capita")):
            _check_order(name, lo, getattr(self, lo), hi, getattr(self, hi))
        if all(
            getattr(self, k) is None
            for k in ("min", "max", "min_share", "max_share", "min_rp_per_capita",
                      "max_rp_per_capita")
        ):
            raise PolicyError(
                "RegionBounds needs at least one of min, max, min_share, max_share, "
                "min_rp_per_capita, max_rp_per_capita"
            )

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One ranged row per bounded region."""
        name = f"RegionBounds(by={self.by})"
        codes, categories = ctx.level(self.by, "RegionBounds")
        selected = None
        if self.regions is not None:
            selected = np.zeros(len(categories), dtype=bool)
            selected[_positions(name, "regions", categories, list(self.regions))] = True
        lower, upper = self.bounds(ctx, categories, selected)
        bad = lower > upper
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PolicyError(
                f"{name}: floor {lower[i]:,.4g} above cap {upper[i]:,.4g} (Rp bn) for "
                f"'{categories[i]}'; lower min or raise max"
            )
        rows_for = np.flatnonzero(np.isfinite(lower) | np.isfinite(upper))
        labels = (
            pd.Index([_group_label(self.by, categories[g]) for g in rows_for])
            if isinstance(self.by, tuple) else None
        )
        return [_group_block("region_bounds", codes, categories, rows_for,
                             ctx.terms("spend", name), lower, upper, labels)]

    #: Each bound field: (floor or cap, what one unit of it is in Rp bn).
    _KINDS: ClassVar[dict[str, tuple[str, str]]] = {
        "min": ("min", "rp_bn"), "max": ("max", "rp_bn"),
        "min_share": ("min", "budget"), "max_share": ("max", "budget"),
        "min_rp_per_capita": ("min", "per_capita"), "max_rp_per_capita": ("max", "per_capita"),
    }

    def bounds(self, ctx: BuildContext, categories: pd.Index,
               selected: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Floor and cap of every group in Rp bn (``-inf``/``inf`` where none applies).

        Only the bounds the rule sets are combined (the floor is the largest of them, the cap
        the smallest), so an unset kind never meets an infinite default.
        """
        name = f"RegionBounds(by={self.by})"
        lower = np.full(len(categories), -np.inf)
        upper = np.full(len(categories), np.inf)
        for key, (side, unit) in self._KINDS.items():
            value = getattr(self, key)
            if value is None:
                continue
            default = -np.inf if side == "min" else np.inf
            spread = per_group(name, key, value, categories, default, selected)
            set_ = np.isfinite(spread)
            spread[set_] *= self._unit(ctx, unit, name)[set_]
            if side == "min":
                lower = np.maximum(lower, spread)
            else:
                upper = np.minimum(upper, spread)
        return lower, upper

    def _unit(self, ctx: BuildContext, unit: str, name: str) -> np.ndarray:
        """Rp bn per unit of a bound of kind ``unit``, for every group."""
        if unit == "rp_bn":
            return np.ones(len(ctx.level(self.by, name)[1]))
        if unit == "budget":
            budget = ctx.policy.budget.total
            if budget is None:
                raise PolicyError(f"{name}: min_share/max_share are shares of the budget total, "
                                  "so they need Budget(total=...); give the bounds in Rp bn "
                                  "(min=, max=) instead")
            return np.full(len(ctx.level(self.by, name)[1]), float(budget))
        return ctx.group_population(self.by) / 1e9


# ---------------------------------------------------------------------- shares
@dataclass(frozen=True)
class Share(Constraint):
    """Shared machinery of GroupShare and ProgramShare: ``sum_G x >= alpha * total spend``."""

    family: ClassVar[str] = "share"
    number_units: ClassVar[Mapping[str, str]] = {"min": "share", "max": "share"}

    @abstractmethod
    def _spec(self) -> tuple[str, Any, Value, Value]:
        """(level, group value, min, max) of the share rule."""

    def _check(self) -> None:
        level, _, lo, hi = self._spec()
        name = f"{type(self).__name__}({level})"
        object.__setattr__(self, "min", _values(name, "min", lo, hi=1.0))
        object.__setattr__(self, "max", _values(name, "max", hi, hi=1.0))
        if self.min is None and self.max is None:
            raise PolicyError(f"{name} needs min= or max= (a share between 0 and 1)")
        _check_order(name, "min", self.min, "max", self.max)
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
        out = []
        for sense, bound in (("min", lo), ("max", hi)):
            if isinstance(bound, Mapping):
                out += [(level, str(k), sense, float(v)) for k, v in bound.items()]
            elif bound is not None:
                out.append((level, str(True if value is None else value), sense, float(bound)))
        return out

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Rows ``sum_G x - alpha * T >= 0`` (min) and ``<= 0`` (max), T = total spend."""
        level, value, lo, hi = self._spec()
        name = f"{type(self).__name__}({level})"
        codes, categories = ctx.level(level, type(self).__name__)
        mappings = [v for v in (lo, hi) if isinstance(v, Mapping)]
        if mappings:
            keys = list(dict.fromkeys(k for m in mappings for k in m))
            groups = _positions(name, "min/max", categories, keys)
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
            groups = _positions(name, "value", categories, [value])
        alpha_lo = per_group(name, "min", lo, categories, -np.inf)
        alpha_hi = per_group(name, "max", hi, categories, np.inf)
        bad = groups[alpha_lo[groups] > alpha_hi[groups]]
        if len(bad):
            g = int(bad[0])
            raise PolicyError(
                f"{name}: min share {alpha_lo[g]:g} is above max share {alpha_hi[g]:g} for "
                f"'{categories[g]}'"
            )
        total = ctx.total_spend_column()
        blocks = []
        for bound, sense in ((lo, "min"), (hi, "max")):
            if bound is None:
                continue
            alpha = per_group(name, sense, bound, categories, np.nan)
            rows_for = groups[~np.isnan(alpha[groups])]
            if not len(rows_for):
                continue
            block = _group_block(
                "share", codes, categories, rows_for, ctx.terms("spend", name),
                np.zeros(len(categories)), np.zeros(len(categories)),
                pd.Index([f"{_group_label(level, categories[g])} {sense}" for g in rows_for]),
            )
            k = len(rows_for)
            lower = np.zeros(k) if sense == "min" else np.full(k, -np.inf)
            upper = np.full(k, np.inf) if sense == "min" else np.zeros(k)
            blocks.append(
                RowBlock(
                    "share",
                    block.labels,
                    np.concatenate([block.rows, np.arange(k)]),
                    np.concatenate([block.cols, np.full(k, total)]),
                    np.concatenate([block.vals, -alpha[rows_for]]),
                    lower,
                    upper,
                    kind="share",
                    param=alpha[rows_for],
                    per=(np.arange(k), np.full(k, total), np.ones(k)),
                )
            )
        return blocks


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

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.GroupShare("kti", min=0.40).min
    0.4
    """

    group: str = ""
    min: Value = None
    max: Value = None
    value: Any = None

    def __post_init__(self) -> None:
        if not self.group:
            raise PolicyError("GroupShare needs a group column, e.g. GroupShare('kti', min=0.4)")
        self._check()

    def _spec(self) -> tuple[str, Any, Value, Value]:
        return self.group, self.value, self.min, self.max

    def describe(self) -> str:
        """Human description."""
        return _share_text("GroupShare", self.group, self.value, self.min, self.max)


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
    by : str, default "program"
        ``"program"`` or a programs column such as ``"channel"``.
    """

    program: Hashable | None = None
    min: Value = None
    max: Value = None
    by: str = "program"

    def __post_init__(self) -> None:
        self._check()

    def _spec(self) -> tuple[str, Any, Value, Value]:
        return self.by, self.program, self.min, self.max

    def describe(self) -> str:
        """Human description."""
        return _share_text("ProgramShare", self.by, self.program, self.min, self.max)


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


def _share_text(cls: str, level: str, value: Any, lo: Value, hi: Value) -> str:
    def pct(x: float) -> str:
        return f"{x * 100:.4g}%"

    def fmt(v: Value) -> str:
        if isinstance(v, Mapping):
            return "{" + ", ".join(f"{k}: {pct(x)}" for k, x in v.items()) + "}"
        return pct(v)

    who = level if value is None else f"{level}={value}"
    parts = [f"min {fmt(lo)}" if lo is not None else "", f"max {fmt(hi)}" if hi is not None else ""]
    return f"{cls}({who}) " + " ".join(p for p in parts if p)


# ---------------------------------------------------------------------- outcome targets
@dataclass(frozen=True)
class Target(Constraint):
    """Hard bounds on an outcome: ``min <= sum_c a_mc x_c <= max``.

    Parameters
    ----------
    metric : str
        An impacts metric, e.g. ``"jobs"``.
    min, max : float or mapping, optional
        Bounds in the metric's unit; with ``by=``, a number for every group or a mapping
        ``{group: bound}``.
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
        object.__setattr__(self, "min", _values(name, "min", self.min))
        object.__setattr__(self, "max", _values(name, "max", self.max))
        if self.min is None and self.max is None:
            raise PolicyError(f"{name} needs min= or max=")
        if self.by is None and (isinstance(self.min, Mapping) or isinstance(self.max, Mapping)):
            raise PolicyError(f"{name}: a mapping of bounds needs by= (the level it is keyed by)")
        _check_order(name, "min", self.min, "max", self.max)

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
        labels = pd.Index([f"{self.metric} {_group_label(self.by, categories[g])}"
                           for g in rows_for])
        return [_group_block("target", codes, categories, rows_for, terms, lower, upper, labels)]


# ---------------------------------------------------------------------- multi-year smoothness
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
            object.__setattr__(self, "max_change", _number("Ramp", "max_change", self.max_change))
        if self.max_rel_change is not None:
            object.__setattr__(
                self, "max_rel_change", _number("Ramp", "max_rel_change", self.max_rel_change)
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
            [f"{_group_label(self.by, groups[i])} {year_list[t]}->{year_list[t + 1]}"
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


# ---------------------------------------------------------------------- discrete projects
@dataclass(frozen=True)
class ProjectCount(Constraint):
    """How many discrete projects may (or must) be built, in total or per group.

    ``min_g <= sum_{p in g} z_p <= max_g`` over the binary build decisions ``z_p`` of the
    projects in group ``g`` (see :mod:`ikmopt.data.projects`).

    Parameters
    ----------
    max, min : float or mapping, optional
        A number for every group, or ``{group: count}`` for some groups.
    by : str, optional
        ``None`` counts all projects together. Otherwise any level of the cells
        (``"region"``, ``"province"``, ``"island_group"``, ``"program"`` ...), a column of
        the projects table (``"type"``, or a ``"site"`` shared by alternative designs), or
        ``"project"`` itself: ``ProjectCount(min={"P-07": 1}, by="project")`` forces a
        project in and ``max={"P-07": 0}`` keeps it out.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.ProjectCount(max=1, by="region").describe()
    'ProjectCount(by region) max 1'
    """

    max: Value = None
    min: Value = None
    by: str | None = None
    family: ClassVar[str] = "project_count"
    number_units: ClassVar[Mapping[str, str]] = {"min": "projects", "max": "projects"}

    def __post_init__(self) -> None:
        name = "ProjectCount"
        object.__setattr__(self, "max", _values(name, "max", self.max))
        object.__setattr__(self, "min", _values(name, "min", self.min))
        if self.max is None and self.min is None:
            raise PolicyError(f"{name} needs max= and/or min= (numbers of projects)")
        if self.by is None and any(isinstance(v, Mapping) for v in (self.min, self.max)):
            raise PolicyError(f"{name}: a mapping of counts needs by= (the level it is keyed by)")
        if self.by is not None and not isinstance(self.by, str):
            raise PolicyError(f"{name}: by must be a level name, got {self.by!r}")
        _check_order(name, "min", self.min, "max", self.max)

    def describe(self) -> str:
        """Human description."""
        where = "in total" if self.by is None else f"by {self.by}"
        parts = [f"{k} {v:g}" if not isinstance(v, Mapping) else f"{k} {dict(v)}"
                 for k, v in (("min", self.min), ("max", self.max)) if v is not None]
        return f"ProjectCount({where}) " + ", ".join(parts)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row per group with a bound."""
        name = f"ProjectCount(by={self.by})"
        projects = ctx.data.projects
        if projects is None:
            raise PolicyError(
                f"{name}: dataset '{ctx.data.name}' has no projects table; add one with "
                "Dataset(..., projects=...) or drop this rule"
            )
        if self.by is None:
            codes, groups = np.zeros(len(projects), dtype=np.int64), pd.Index(["all"])
        elif self.by == "project" or (
            self.by in projects.table.columns and self.by not in ctx.data.levels
        ):
            codes, groups = project_codes(projects, self.by, None)
        else:
            try:
                cell_codes = ctx.data.level_codes(self.by)
            except PolicyError as err:
                extra = [c for c in projects.table.columns if c not in ctx.data.levels]
                raise PolicyError(f"{name}: {err}; or a projects column: "
                                  f"{['project', *extra]}") from None
            codes, groups = project_codes(projects, self.by, cell_codes)
        lower = per_group(name, "min", self.min, groups, -np.inf)
        upper = per_group(name, "max", self.max, groups, np.inf)
        bad = lower > upper
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PolicyError(f"{name}: min above max for '{groups[i]}'")
        available = np.bincount(codes[codes >= 0], minlength=len(groups))
        short = np.flatnonzero(lower > available)
        if len(short):
            g = int(short[0])
            raise PolicyError(
                f"{name}: min {lower[g]:g} for '{groups[g]}' but only {available[g]} candidate "
                "project(s) there; lower min or add projects"
            )
        rows_for = np.flatnonzero((np.isfinite(lower) | np.isfinite(upper)) & (available > 0))
        cols = ctx.builder.meta["project_columns"]
        labels = pd.Index([f"projects {_group_label(self.by or 'all', groups[g])}"
                           if self.by else "projects" for g in rows_for])
        terms = (np.arange(len(projects)), cols, np.ones(len(projects)))
        return [_group_block("project_count", codes, groups, rows_for, terms, lower, upper,
                             labels)]


def _group_label(level: str | tuple[str, ...], value: Any) -> str:
    """``region=Aceh`` or ``province=P01,program=x`` for a group of a (tuple) level."""
    if isinstance(level, tuple):
        return ",".join(f"{name}={v}" for name, v in zip(level, value, strict=True))
    return f"{level}={value}"


# ---------------------------------------------------------------------- equity
@dataclass(frozen=True)
class EquityGroups:
    """The groups an equity rule compares, with their weights.

    Every group of the regions table counts, whether or not it has cells: a region that
    receives nothing is a region at zero, exactly as :attr:`ikmopt.Result.equity` counts it.

    Attributes
    ----------
    codes : numpy.ndarray
        Group of every cell (``-1`` for a region outside every group).
    groups : pandas.Index
        The groups, in regions-table order.
    size : numpy.ndarray
        Each group's total of the ``per`` column (e.g. its population).
    has_cells : numpy.ndarray
        Whether each group has at least one cell.
    """

    codes: np.ndarray
    groups: pd.Index
    size: np.ndarray
    has_cells: np.ndarray

    @property
    def share(self) -> np.ndarray:
        """Each group's share of the ``per`` total (sums to 1)."""
        return self.size / self.size.sum()

    def require_cells(self, owner: str, why: str) -> None:
        """Refuse groups without cells (their outcome is zero whatever the plan)."""
        empty = [str(g) for g in self.groups[~self.has_cells]]
        if empty:
            shown = ", ".join(empty[:8]) + (f" and {len(empty) - 8} more" if len(empty) > 8
                                             else "")
            raise PolicyError(
                f"{owner}: {len(empty)} group(s) have no cells in the impacts table ({shown}), "
                f"so their outcome is 0 whatever the plan and {why}; give them impacts rows, "
                "or drop them from the regions table"
            )


def equity_groups(ctx: BuildContext, by: str, per: str, owner: str) -> EquityGroups:
    """Groups of ``by`` (``"region"`` or a regions column) weighted by the ``per`` column."""
    regions = ctx.data.regions
    if per not in regions.columns:
        raise PolicyError(
            f"{owner}: per='{per}' is not a regions column{suggest(per, regions.columns)}"
        )
    values = pd.to_numeric(regions[per], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values <= 0).any():
        raise PolicyError(f"{owner}: per='{per}' must be positive and finite for every region")
    if by == "region":
        region_group, groups = np.arange(len(regions)), pd.Index(regions.index, name="region")
    elif isinstance(by, str) and by in regions.columns:
        region_group, groups = pd.factorize(regions[by], sort=False)
        groups = pd.Index(groups, name=by)
    else:
        raise PolicyError(
            f"{owner}: by={by!r} must be 'region' or a column of the regions table"
            f"{suggest(str(by), regions.columns)}; equity is compared across groups of regions"
        )
    region_group = np.asarray(region_group, dtype=np.int64)
    inside = region_group >= 0
    size = np.bincount(region_group[inside], weights=values[inside], minlength=len(groups))
    codes = region_group[ctx.data.region_codes]
    has_cells = np.bincount(codes[codes >= 0], minlength=len(groups)) > 0
    return EquityGroups(codes, groups, size, has_cells)


def _value_columns(ctx: BuildContext, family: str, codes: np.ndarray, groups: pd.Index,
                   share: np.ndarray, terms: tuple[np.ndarray, np.ndarray, np.ndarray]
                   ) -> tuple[np.ndarray, RowBlock]:
    """Columns ``v_g = (sum_{c in g} a_c x_c) / s_g`` and the rows that define them."""
    labels = [str(g) for g in groups]
    cols = ctx.builder.add_columns(f"{family}_value", labels, np.zeros(len(groups)),
                                   np.full(len(groups), np.inf))
    cell, col, val = terms
    group = codes[cell]
    valid = group >= 0
    k = len(groups)
    block = RowBlock(
        "definition", pd.Index([f"{family} value {g}" for g in labels]),
        np.concatenate([group[valid], np.arange(k)]), np.concatenate([col[valid], cols]),
        np.concatenate([val[valid] / share[group[valid]], -np.ones(k)]),
        np.zeros(k), np.zeros(k), kind="definition",
    )
    return cols, block


@dataclass(frozen=True)
class GiniCap(Constraint):
    """Cap the population-weighted Gini coefficient of a per-capita quantity across regions.

    With population shares ``s_i`` and per-capita values ``y_i`` (spend or an outcome),
    ``G = sum_i sum_j s_i s_j |y_i - y_j| / (2 mu)`` must stay at or below ``max``, where
    ``mu = sum_i s_i y_i`` is the population-weighted mean.

    Parameters
    ----------
    of : str, default "spend"
        ``"spend"`` or a metric such as ``"jobs"``.
    per : str, default "population"
        Regions column giving the weights (and the per-capita denominator).
    max : float
        Largest allowed Gini, between 0 and 1.
    method : {"pairwise", "lorenz"}, default "pairwise"
        ``"pairwise"``: exact, with one column per pair of groups and two rows per pair
        (``n (n - 1) / 2`` columns; 703 for 38 provinces, 131,841 for 514 regencies).
        ``"lorenz"``: ``quantiles`` points of the Lorenz curve, ``O(quantiles x n)`` in size;
        it caps the Gini of the Lorenz curve sampled at those population shares (joined by
        straight lines), which is never above the exact Gini — so the exact Gini of the
        plan may exceed ``max`` slightly (the result's ``equity`` reports the exact value).
    quantiles : int, default 20
        Number of population brackets of the Lorenz method.
    by : str, default "region"
        Groups compared (a regions-level grouping such as ``"province"``).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.GiniCap(of="spend", max=0.30).method
    'pairwise'
    """

    of: str = "spend"
    per: str = "population"
    max: float | None = None
    method: str = "pairwise"
    quantiles: int = 20
    by: str = "region"
    family: ClassVar[str] = "gini"
    number_units: ClassVar[Mapping[str, str]] = {"max": "gini"}

    def __post_init__(self) -> None:
        if self.max is None:
            raise PolicyError("GiniCap needs max= (a Gini between 0 and 1), e.g. max=0.3")
        object.__setattr__(self, "max", _number("GiniCap", "max", self.max, hi=1.0))
        if self.method not in ("pairwise", "lorenz"):
            raise PolicyError(
                f"GiniCap: method must be 'pairwise' or 'lorenz', got {self.method!r}"
            )
        q = self.quantiles
        if isinstance(q, bool) or not isinstance(q, int | float) or q != q // 1 or q < 2:
            raise PolicyError(f"GiniCap: quantiles must be a whole number of at least 2, got "
                              f"{q!r}")
        object.__setattr__(self, "quantiles", int(q))

    def describe(self) -> str:
        """Human description."""
        return f"GiniCap({self.of} per {self.per}) <= {self.max:g} ({self.method})"

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Value columns per group, then the pairwise or Lorenz rows."""
        owner = f"GiniCap({self.of})"
        terms = ctx.terms(self.of, owner)
        eg = equity_groups(ctx, self.by, self.per, owner)
        codes, groups, share = eg.codes, eg.groups, eg.share
        v, definition = _value_columns(ctx, "gini", codes, groups, share, terms)
        blocks = [definition]
        if self.method == "pairwise":
            blocks += self._pairwise(ctx, v, share, groups)
        else:
            blocks += self._lorenz(ctx, v, share)
        return blocks

    def _pairwise(self, ctx: BuildContext, v: np.ndarray, share: np.ndarray,
                  groups: pd.Index) -> list[RowBlock]:
        n = len(v)
        i, j = np.triu_indices(n, k=1)
        m = len(i)
        labels = [f"{groups[a]}|{groups[b]}" for a, b in zip(i, j, strict=True)]
        d = ctx.builder.add_columns("gini_pair", labels, np.zeros(m), np.full(m, np.inf))
        r = np.arange(m)
        # d_ij - v_i + v_j >= 0 and d_ij + v_i - v_j >= 0
        pair_rows = RowBlock(
            "gini", pd.Index([f"|{lab}|" for lab in labels] * 2),
            np.concatenate([r, r, r, m + r, m + r, m + r]),
            np.concatenate([d, v[i], v[j], d, v[i], v[j]]),
            np.concatenate([np.ones(m), -np.ones(m), np.ones(m),
                            np.ones(m), np.ones(m), -np.ones(m)]),
            np.zeros(2 * m), np.full(2 * m, np.inf), kind="definition",
        )
        # sum_{i<j} s_i s_j d_ij - G * sum_i s_i v_i <= 0   (sum_i s_i v_i is the total):
        # a ratio row, read as the Gini sum_{i<j} s_i s_j d_ij / total against the cap G
        cap = RowBlock(
            "gini", pd.Index([f"gini({self.of})"]), np.zeros(m + n, dtype=np.int64),
            np.concatenate([d, v]), np.concatenate([share[i] * share[j], -self.max * share]),
            np.array([-np.inf]), np.zeros(1), kind="gini", param=np.array([self.max]),
            per=(np.zeros(n, dtype=np.int64), v, share),
        )
        return [pair_rows, cap]

    def _lorenz(self, ctx: BuildContext, v: np.ndarray, share: np.ndarray) -> list[RowBlock]:
        n, q = len(v), self.quantiles
        p = np.arange(1, q) / q  # interior population shares
        k = len(p)
        # ell_k <= p_k t_k - sum_i s_i u_ik,  u_ik >= t_k - v_i,  u_ik >= 0  (ell_k <= L(p_k) mu)
        t = ctx.builder.add_columns("lorenz_t", [f"t{a}" for a in range(k)], np.full(k, -np.inf),
                                    np.full(k, np.inf))
        ell = ctx.builder.add_columns("lorenz_level", [f"L({x:.3g})" for x in p],
                                      np.full(k, -np.inf), np.full(k, np.inf))
        u = ctx.builder.add_columns("lorenz_u", [f"u{a},{b}" for a in range(k) for b in range(n)],
                                    np.zeros(k * n), np.full(k * n, np.inf))
        kk = np.repeat(np.arange(k), n)
        ii = np.tile(np.arange(n), k)
        # u_ik - t_k + v_i >= 0
        tail = RowBlock(
            "gini", pd.Index([f"lorenz tail {a},{b}" for a, b in zip(kk, ii, strict=True)]),
            np.concatenate([np.arange(k * n)] * 3), np.concatenate([u, t[kk], v[ii]]),
            np.concatenate([np.ones(k * n), -np.ones(k * n), np.ones(k * n)]),
            np.zeros(k * n), np.full(k * n, np.inf), kind="definition",
        )
        # p_k t_k - sum_i s_i u_ik - ell_k >= 0
        level = RowBlock(
            "gini", pd.Index([f"lorenz level {x:.3g}" for x in p]),
            np.concatenate([np.arange(k), kk, np.arange(k)]), np.concatenate([t, u, ell]),
            np.concatenate([p, -share[ii], -np.ones(k)]),
            np.zeros(k), np.full(k, np.inf), kind="definition",
        )
        # trapezoid Gini: 1 - (1/q) (2 sum_k L_k + 1) <= G  <=>
        # (1 - 1/q) mu - (2/q) sum_k ell_k - G mu <= 0, with mu = sum_i s_i v_i: a ratio
        # row, read as the sampled Gini 1 - 1/q - (2/q) sum_k ell_k / mu against the cap G
        cap = RowBlock(
            "gini", pd.Index([f"gini({self.of}) lorenz"]), np.zeros(k + n, dtype=np.int64),
            np.concatenate([ell, v]),
            np.concatenate([np.full(k, -2.0 / q), (1.0 - self.max - 1.0 / q) * share]),
            np.array([-np.inf]), np.zeros(1), kind="gini", param=np.array([self.max]),
            per=(np.zeros(n, dtype=np.int64), v, share),
        )
        return [tail, level, cap]


@dataclass(frozen=True)
class OutcomeEquity(Constraint):
    """No region's per-capita outcome falls below a ratio of the national per-capita outcome.

    For every region (or group) ``r``: ``O_r / P_r >= min_ratio * O / P``, i.e.
    ``O_r - min_ratio * (P_r / P) * O >= 0`` with ``O`` the national total of the metric.

    Parameters
    ----------
    metric : str
        ``"spend"`` or a metric such as ``"jobs"``.
    min_ratio : float
        Between 0 and 1 (0.5: every region gets at least half the national per-capita level).
    per : str, default "population"
        Regions column used as the denominator.
    by : str, default "region"
        Groups compared.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.OutcomeEquity("jobs", min_ratio=0.5).min_ratio
    0.5
    """

    metric: str = ""
    min_ratio: float | None = None
    per: str = "population"
    by: str = "region"
    family: ClassVar[str] = "outcome_equity"
    number_units: ClassVar[Mapping[str, str]] = {"min_ratio": "ratio"}

    def __post_init__(self) -> None:
        if not self.metric:
            raise PolicyError("OutcomeEquity needs a metric, e.g. OutcomeEquity('jobs', ...)")
        if self.min_ratio is None:
            raise PolicyError("OutcomeEquity needs min_ratio= (between 0 and 1)")
        object.__setattr__(
            self, "min_ratio", _number("OutcomeEquity", "min_ratio", self.min_ratio, hi=1.0)
        )

    def describe(self) -> str:
        """Human description."""
        return (f"OutcomeEquity({self.metric} per {self.per}) >= {self.min_ratio:g} x national")

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row per group: ``O_r - min_ratio * s_r * sum_g O_g >= 0``."""
        owner = f"OutcomeEquity({self.metric})"
        cell, col, val = ctx.terms(self.metric, owner)
        eg = equity_groups(ctx, self.by, self.per, owner)
        if self.min_ratio > 0:
            eg.require_cells(owner, "the rule would allow no outcome anywhere")
        codes, groups, share = eg.codes, eg.groups, eg.share
        n = len(groups)
        group = codes[cell]
        valid = group >= 0
        # O_r - ratio * s_r * O >= 0, with the total O on one column (a single dense row)
        total = ctx.builder.shared_column(
            "outcome_total", f"{self.metric} by {self.by}", 0.0, np.inf,
            RowBlock("definition", pd.Index([f"total {self.metric}"]),
                     np.zeros(int(valid.sum()) + 1, dtype=np.int64),
                     np.concatenate([col[valid], [-1]]), np.concatenate([val[valid], [-1.0]]),
                     np.zeros(1), np.zeros(1)),
        )
        return [
            RowBlock(
                "outcome_equity", pd.Index([str(g) for g in groups]),
                np.concatenate([group[valid], np.arange(n)]),
                np.concatenate([col[valid], np.full(n, total)]),
                np.concatenate([val[valid], -self.min_ratio * share]),
                np.zeros(n), np.full(n, np.inf), kind="ratio",
                param=np.full(n, self.min_ratio), per=(np.arange(n), np.full(n, total), share),
            )
        ]


def per_capita_block(ctx: BuildContext, metric: str, per: str, by: str, owner: str) -> RowBlock:
    """Rows ``1e5 * sum_{c in g} a_c x_c / P_g`` per group (bounds left open)."""
    cell, col, val = ctx.terms(metric, owner)
    eg = equity_groups(ctx, by, per, owner)
    eg.require_cells(owner, "the lowest per-capita outcome would be 0 for every plan")
    codes, groups, size = eg.codes, eg.groups, eg.size
    group = codes[cell]
    keep = group >= 0
    k = len(groups)
    return RowBlock(
        "per_capita", pd.Index([str(g) for g in groups]), group[keep], col[keep],
        val[keep] * 1e5 / size[group[keep]], np.full(k, -np.inf), np.full(k, np.inf),
    )
