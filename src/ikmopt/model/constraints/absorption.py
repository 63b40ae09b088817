"""Absorption risk in the plan: send money where it has been spent before.

Money allocated is not money spent: DAK fisik for IKM was realised at 82.72 % in 2022 and
88.46 % in 2023, central spending at about 98 %. With ``r_k`` the realisation rate of pot
``k`` (the bundled pots table's national rates by default), ``f_r`` a region's own factor
(the user's data: its past realisation relative to the national rate; 1 where not given) and
``s_rkc`` the spend from pot ``k`` in cell ``c`` of region ``r``, the expected realisation of
the plan is ``sum min(1, r_k f_r) s_rkc``. The rule asks it to be at least a share ``alpha``
of what the plan spends:

    sum_{r,k,c} min(1, r_k f_r) s_rkc - alpha sum_{r,k,c} s_rkc >= 0

(a share row, read as the expected realisation share achieved against ``alpha``). Money moves
from pots and regions that absorb slowly to those that absorb well, as far as ``alpha``
asks; :func:`ikmopt.price_of` gives what that costs in the objective, and the row's price is
the objective lost per percentage point of ``alpha``. Without pots in the budget, every
rupiah's rate is its region's ``f_r`` (then an absolute rate, which must be given).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.data.datasets import pots as bundled_pots
from ikmopt.model.constraints.base import Constraint, positions
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["ExpectedAbsorption"]


@dataclass(frozen=True)
class ExpectedAbsorption(Constraint):
    """The plan's expected realisation is at least ``min`` of what it spends.

    Parameters
    ----------
    min : float
        Share (0 to 1) of the plan's spend expected to be realised.
    pot_rates : mapping, optional
        Realisation rate of each pot (0 to 1); default: the bundled pots table's
        ``realisation_rate`` (national rates, sourced) for the budget's pots.
    region_rates : mapping or pandas.Series, optional
        Each region's factor on its pots' rates (1 = the national rate; the user's data);
        without pots in the budget, each region's absolute rate (required then).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.ExpectedAbsorption(0.95).describe()
    'ExpectedAbsorption: expected realisation >= 95 % of spend'
    """

    min: float = 0.9
    pot_rates: Mapping[str, float] | None = None
    region_rates: Mapping[str, float] | pd.Series | None = field(default=None)
    family: ClassVar[str] = "absorption"
    number_units: ClassVar[Mapping[str, str]] = {"min": "share"}

    def __post_init__(self) -> None:
        object.__setattr__(self, "min", number("ExpectedAbsorption", "min", self.min, hi=1.0))
        for name in ("pot_rates", "region_rates"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, pd.Series):
                value = value.to_dict()
            if not isinstance(value, Mapping) or not value:
                raise PolicyError(f"ExpectedAbsorption: {name} must be a non-empty mapping "
                                  f"{{name: rate}}, got {type(value).__name__}")
            hi = 1.0 if name == "pot_rates" else math.inf
            checked = {str(k): number("ExpectedAbsorption", f"{name}[{k!r}]", v, hi=hi)
                       for k, v in value.items()}
            object.__setattr__(self, name, checked)

    def describe(self) -> str:
        """Human description."""
        return (f"ExpectedAbsorption: expected realisation >= {self.min:.0%} of spend"
                .replace("%", " %"))

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One share row over every spend term, weighted by its rate."""
        owner = "ExpectedAbsorption"
        region_codes, regions = ctx.level("region", owner)
        factor = np.ones(len(regions))
        if self.region_rates is not None:
            keys = list(self.region_rates)
            at = positions(owner, "region_rates", regions, keys)
            factor[at] = [self.region_rates[k] for k in keys]
        if ctx.policy.budget.pots:
            rates = self._pot_rates(ctx, owner)
            parts = [ctx.pot_terms(name, owner) for name in rates]
            pot_rate = np.concatenate([np.full(len(p[0]), r) for p, r in
                                       zip(parts, rates.values(), strict=True)])
            cell, col, val = (np.concatenate(a) for a in zip(*parts, strict=True))
        else:
            if self.region_rates is None:
                raise PolicyError(f"{owner}: the budget has no pots, so give each region's "
                                  "realisation rate as region_rates={region: rate}")
            cell, col, val = ctx.terms("spend", owner)
            pot_rate = np.ones(len(cell))
        rate = np.minimum(1.0, pot_rate * factor[region_codes[cell]])
        n = len(col)
        alpha = float(self.min)
        return [RowBlock(
            "absorption", pd.Index(["expected realisation"]),
            np.zeros(2 * n, dtype=np.int64), np.concatenate([col, col]),
            np.concatenate([val * rate, -alpha * val]), np.zeros(1), np.full(1, np.inf),
            kind="share", param=np.array([alpha]),
            per=(np.zeros(n, dtype=np.int64), col, val))]

    def _pot_rates(self, ctx: BuildContext, owner: str) -> dict[str, float]:
        names = [pot.name for pot in ctx.policy.budget.pots]
        given = self.pot_rates
        if given is None:
            table = bundled_pots()["realisation_rate"]
            given = {k: float(v) for k, v in table.items()}
        missing = [n for n in names if n not in given]
        if missing:
            raise PolicyError(f"{owner}: no realisation rate for pot(s) {missing}; give "
                              f"pot_rates={{pot: rate}} (known: {sorted(given)})")
        return {n: float(given[n]) for n in names}
