"""Floors and caps on each region's (or group's) spend."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
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
    positions,
    values,
)
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["RegionBounds"]


@dataclass(frozen=True)
class RegionBounds(Constraint):
    """Floors and caps on each region's (or group's) total spend.

    Each bound may be a number applied to every region (or to those in ``regions``) or a
    mapping ``{region: value}`` for specific regions. Bounds of different kinds combine: the
    floor is the largest of the floors, the cap the smallest of the caps.

    Parameters
    ----------
    min, max : float or mapping, optional
        Floor and cap in Rp bn (in the dataset's money unit for a dataset in another
        currency, such as USD thousand).
    min_share, max_share : float or mapping, optional
        Floor and cap as a share (0–1) of ``Budget.total``.
    min_rp_per_capita, max_rp_per_capita : float or mapping, optional
        Floor and cap in **rupiah per inhabitant** (``population`` column), converted to Rp bn.
        They need a ``population`` column and a rupiah dataset: for a dataset in another
        currency they raise a ``PolicyError`` that shows how to restate them as ``min=`` /
        ``max=`` mappings in the dataset's unit (ikmopt has no exchange rate).
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
            object.__setattr__(self, key, values(name, key, getattr(self, key)))
        for key in ("min_share", "max_share"):
            object.__setattr__(self, key, values(name, key, getattr(self, key), hi=1.0))
        if self.regions is not None:
            regions = (self.regions,) if isinstance(self.regions, str) else tuple(self.regions)
            if not regions:
                raise PolicyError("RegionBounds: regions= is empty")
            object.__setattr__(self, "regions", regions)
        for lo, hi in (("min", "max"), ("min_share", "max_share"),
                       ("min_rp_per_capita", "max_rp_per_capita")):
            check_order(name, lo, getattr(self, lo), hi, getattr(self, hi))
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
            selected[positions(name, "regions", categories, list(self.regions))] = True
        lower, upper = self.bounds(ctx, categories, selected)
        bad = lower > upper
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PolicyError(
                f"{name}: floor {lower[i]:,.4g} above cap {upper[i]:,.4g} "
                f"({ctx.data.money_unit}) for '{categories[i]}'; lower min or raise max"
            )
        rows_for = np.flatnonzero(np.isfinite(lower) | np.isfinite(upper))
        labels = (
            pd.Index([group_label(self.by, categories[g]) for g in rows_for])
            if isinstance(self.by, tuple) else None
        )
        return [group_block("region_bounds", codes, categories, rows_for,
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
        return self._per_capita_unit(ctx, name)

    def _per_capita_unit(self, ctx: BuildContext, name: str) -> np.ndarray:
        """Rp bn per (Rp per inhabitant) of every group: its population / 1e9.

        Raises
        ------
        PolicyError
            Without a ``population`` column (naming the rule and the column), or for a
            dataset whose money is not rupiah (saying how to restate the bound).
        """
        keys = [k for k in ("min_rp_per_capita", "max_rp_per_capita")
                if getattr(self, k) is not None]
        rule = f"{name} with {'/'.join(keys)}"
        money = ctx.data.money
        if not money.is_rupiah:
            raise PolicyError(
                f"{rule}: these bounds are in rupiah per inhabitant, but dataset "
                f"'{ctx.data.name}' counts money in {money.label} and ikmopt has no exchange "
                f"rate. Restate them per region in {money.label}, e.g. "
                f"RegionBounds(min=(data.regions['population'] * per_person / "
                f"{money.scale:g}).to_dict()) with per_person in {money.per_inhabitant}"
            )
        return ctx.group_population(self.by, rule) / 1e9
