"""Outcomes that accrue over a multi-year horizon, with survival and discounting.

Money spent in plan year ``t`` creates ``a_mc`` units of metric ``m`` per Rp bn in that year.
A created job (or unit of value added) survives each following year with probability ``s_m``
and later years are discounted at rate ``d``. Counted until the horizon's last year ``T``,
one unit created in year ``t`` is worth

    w_m(t) = sum_{k=0}^{T-t} s_m^k / (1 + d)^(t - t0 + k)

discounted metric-years, where ``t0`` is the first plan year. With ``s = 1`` and ``d = 0`` this
is the number of years the outcome is counted. The objective maximizes ``sum_c w_m(t_c) a_mc
x_c``; hard targets (:class:`~ikmopt.model.constraints.Target`) stay on the undiscounted yearly
outcomes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["Accrual"]


@dataclass(frozen=True)
class Accrual:
    """How outcomes created in each plan year count over the horizon.

    Parameters
    ----------
    survival : float or mapping, default 1.0
        Share of a year's created outcome still there a year later (0–1), one number for all
        metrics or ``{metric: rate}`` (metrics not named keep 1.0).
    discount : float, default 0.0
        Annual discount rate (0.05 = 5 %).
    last_year : int, optional
        Last year counted; default the dataset's last plan year. A dataset without a ``year``
        level is one plan year (its first year is year 0).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Accrual(survival=0.9, discount=0.05).discount
    0.05
    """

    survival: float | Mapping[str, float] = 1.0
    discount: float = 0.0
    last_year: int | None = None

    def __post_init__(self) -> None:
        def rate(name: str, value: object) -> float:
            return number("Accrual", name, value, hi=1.0)

        if isinstance(self.survival, Mapping):
            clean = {str(m): rate(f"survival['{m}']", v) for m, v in self.survival.items()}
            object.__setattr__(self, "survival", clean)
        else:
            object.__setattr__(self, "survival", rate("survival", self.survival))
        object.__setattr__(self, "discount", rate("discount", self.discount))
        if self.last_year is not None:
            object.__setattr__(self, "last_year", int(self.last_year))

    def survival_of(self, metric: str) -> float:
        """Survival rate of one metric."""
        if isinstance(self.survival, Mapping):
            return float(self.survival.get(metric, 1.0))
        return float(self.survival)

    def year_weights(self, data: Dataset, metric: str) -> np.ndarray:
        """Weight ``w_m(t)`` of every cell (1.0 everywhere for the neutral accrual)."""
        if "year" in data.levels:
            codes, years = data.level_codes("year")
            years_arr = np.asarray(years, dtype=float)
        else:
            codes, years_arr = np.zeros(data.n_cells, dtype=np.int64), np.array([0.0])
        first = years_arr.min()
        last = years_arr.max() if self.last_year is None else float(self.last_year)
        if last < years_arr.max():
            raise PolicyError(
                f"Accrual: last_year {self.last_year} is before the last plan year "
                f"{int(years_arr.max())}"
            )
        s, d = self.survival_of(metric), self.discount
        per_year = np.array(
            [
                sum(s**k / (1.0 + d) ** (t - first + k) for k in range(int(last - t) + 1))
                for t in years_arr
            ]
        )
        return per_year[codes]
