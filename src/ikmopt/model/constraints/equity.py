"""Equity rules across groups of regions: a Gini cap and per-capita outcome floors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.model.constraints.base import Constraint
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = [
    "EquityGroups",
    "GiniCap",
    "OutcomeEquity",
    "equity_groups",
    "per_capita_block",
]


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
            f"{owner} needs the regions column '{per}' (per='{per}'), which dataset "
            f"'{ctx.data.name}' does not have{suggest(per, regions.columns)}; columns "
            f"present: {list(regions.columns)}. Add it (data.replace(regions=...)), or give "
            "per= another positive regions column"
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
        object.__setattr__(self, "max", number("GiniCap", "max", self.max, hi=1.0))
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
            self, "min_ratio", number("OutcomeEquity", "min_ratio", self.min_ratio, hi=1.0)
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
