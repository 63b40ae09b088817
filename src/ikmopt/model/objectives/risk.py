"""Risk-aware objectives over sampled coefficients.

Both objectives draw ``samples`` scenarios ``s`` of the dataset's uncertainty (see
:mod:`ikmopt.data.uncertainty`): a multiplier ``M_sc`` of the metric's coefficient in every cell
and a realization share ``R_sc``. The scenarios are the first ``samples`` draws of
:meth:`~ikmopt.data.uncertainty.Uncertainty.draws` with ``seed``, the same random streams as
``ikmopt.simulate(plan, n=samples, seed=seed)``. A scenario's outcome is linear in the plan::

    Y_s = sum_t w_t v_t M_s,c(t) R_s,c(t) y_t

over the outcome terms ``v_t y_t`` of the program (cells, curve segments, projects; a
project's term has no realization share), with ``w_t`` the accrual weight of the term's year
when the policy has an :class:`~ikmopt.Accrual` (1 otherwise). With diminishing returns the
realization share multiplies the outcome of the planned spend, ``R phi(x)``, a lower bound of
the outcome of the spend realized, ``phi(R x)`` (``phi`` is concave with ``phi(0) = 0``).

* :class:`ExpectedValue` maximizes the sample mean ``(1/S) sum_s Y_s``.
* :class:`CVaR` maximizes the conditional value at risk of the lower tail with the linear
  program of Rockafellar and Uryasev (2000): ``max eta - 1/(alpha S) sum_s u_s`` subject to
  ``u_s >= eta - Y_s``, ``u_s >= 0``. Its optimum is the Rockafellar-Uryasev CVaR of the
  sampled outcomes: the mean of the worst ``alpha S`` scenarios, the boundary scenario
  weighted by the fractional part when ``alpha S`` is not whole (the value
  :meth:`ikmopt.analysis.simulate.Simulation.cvar` reports). ``eta`` is then a value at risk:
  the ``ceil(alpha S)``-th smallest ``Y_s`` when ``alpha S`` is not whole. With ``alpha = 1``
  it is the expected value.

Reference: R. T. Rockafellar and S. Uryasev (2000), "Optimization of conditional
value-at-risk", *Journal of Risk* 2(3), 21-41.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.data.uncertainty import REALIZATION
from ikmopt.model.lp import RowBlock, unit_terms
from ikmopt.model.objectives.base import Coefficients, Objective

__all__ = ["CVaR", "ExpectedValue"]


def _scenario_factors(ctx: Any, metric: str, samples: int, seed: int, owner: str
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The metric's outcome terms ``(unit, col, factor)`` and their scenario factors.

    The factors are a ``(samples, terms)`` matrix of coefficient multipliers times
    realization shares (projects: multipliers only).
    """
    data = ctx.data
    if data.uncertainty is None:
        raise PolicyError(f"{owner}: dataset '{data.name}' has no uncertainty table; give "
                          "Dataset(..., uncertainty=...) or ik.datasets.load(uncertainty=True)")
    unit, col, factor = unit_terms(ctx.builder.meta, data.n_cells)
    # the streams of ik.simulate(plan, n=samples, seed=seed): cells x samples
    multiplier = data.uncertainty.draws(metric, samples, data.n_cells, seed)
    share = data.uncertainty.draws(REALIZATION, samples, data.n_cells, seed)
    cell = data.unit_cell[unit]
    scenario = multiplier[cell].T.astype(float)
    is_cell = unit < data.n_cells  # projects are paid in full: no realization share
    scenario[:, is_cell] *= share[cell[is_cell]].T
    return unit, col, factor, scenario


def _checked(owner: str, metric: Any, samples: Any, seed: Any) -> tuple[str, int, int]:
    if not isinstance(metric, str) or not metric:
        raise PolicyError(f"{owner} needs a metric name, got {metric!r}")
    for name, value in (("samples", samples), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < (
                1 if name == "samples" else 0):
            raise PolicyError(f"{owner}: {name} must be a whole number"
                              f"{' >= 1' if name == 'samples' else ' >= 0'}, got {value!r}")
    return metric, int(samples), int(seed)


@dataclass(frozen=True)
class ExpectedValue(Objective):
    """Maximize the mean of ``metric`` over ``samples`` draws of the uncertainty.

    Outcomes count accrual weights when the policy has an :class:`~ikmopt.Accrual`. The
    draws are those of ``ik.simulate(plan, n=samples, seed=seed)``.

    Parameters
    ----------
    metric : str, default "jobs"
    samples : int, default 500
    seed : int, default 0
        Seed of the scenarios' random streams.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.ExpectedValue("jobs", samples=200).describe()
    'maximize expected jobs (200 samples)'
    """

    metric: str = "jobs"
    samples: int = 500
    seed: int = 0

    def __post_init__(self) -> None:
        _checked("ExpectedValue", self.metric, self.samples, self.seed)

    def metrics(self) -> tuple[str, ...]:
        """The one metric."""
        return (self.metric,)

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Cost: each outcome term times its mean sampled factor."""
        unit, col, factor, scenario = _scenario_factors(ctx, self.metric, self.samples,
                                                        self.seed, self.describe())
        values = np.asarray(coef(self.metric), dtype=float)
        ctx.builder.cost[:] = 0.0
        np.add.at(ctx.builder.cost, col, values[unit] * factor * scenario.mean(axis=0))

    def describe(self) -> str:
        """Human description."""
        return f"maximize expected {self.metric} ({self.samples} samples)"


@dataclass(frozen=True)
class CVaR(Objective):
    """Maximize the conditional value at risk of ``metric``.

    The CVaR is the mean of the worst ``alpha`` share of the sampled outcomes, in the sense of
    Rockafellar and Uryasev: the worst ``floor(alpha S)`` scenarios in full and the next one
    with weight ``alpha S - floor(alpha S)``, over ``alpha S``. Outcomes count accrual weights
    when the policy has an :class:`~ikmopt.Accrual`. Without accrual and diminishing returns,
    the optimum equals ``ik.simulate(plan, n=samples, seed=seed).cvar(alpha)[metric]``; with
    diminishing returns it is a lower bound of it (the scenarios count ``R phi(x)``, the
    simulation ``phi(R x)``).

    Parameters
    ----------
    metric : str, default "jobs"
    alpha : float, default 0.1
        Tail share in (0, 1]; 1 gives the expected value.
    samples : int, default 500
        Scenarios drawn from the dataset's uncertainty table (one row and column each).
    seed : int, default 0
        Seed of the scenarios' random streams (the streams of :func:`ikmopt.simulate`).

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load(uncertainty=True)
    >>> robust = ik.optimize(data, ik.Policy(ik.Budget(total=2500),
    ...                                      objective=ik.CVaR("jobs", alpha=0.1, samples=200)))
    >>> bool(robust.objective < robust.outcomes["jobs"])   # a bad-tail mean, below the point
    True
    """

    metric: str = "jobs"
    alpha: float = 0.1
    samples: int = 500
    seed: int = 0

    def __post_init__(self) -> None:
        _checked("CVaR", self.metric, self.samples, self.seed)
        alpha = number("CVaR", "alpha", self.alpha, hi=1.0)
        if alpha <= 0:
            raise PolicyError(f"CVaR: alpha must be a share in (0, 1], got {self.alpha!r}")
        object.__setattr__(self, "alpha", alpha)

    def metrics(self) -> tuple[str, ...]:
        """The one metric."""
        return (self.metric,)

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Columns ``eta`` (free) and ``u_s >= 0``; rows ``Y_s - eta + u_s >= 0``."""
        unit, col, factor, scenario = _scenario_factors(ctx, self.metric, self.samples,
                                                        self.seed, self.describe())
        values = np.asarray(coef(self.metric), dtype=float)[unit] * factor
        s, k = self.samples, len(col)
        eta = ctx.builder.add_columns("cvar", ["eta"], np.array([-np.inf]), np.array([np.inf]))
        u = ctx.builder.add_columns("cvar", [f"u{j}" for j in range(s)], np.zeros(s),
                                    np.full(s, np.inf))
        rows = np.concatenate([np.repeat(np.arange(s), k), np.arange(s), np.arange(s)])
        cols = np.concatenate([np.tile(col, s), np.full(s, eta[0]), u])
        vals = np.concatenate([(scenario * values).ravel(), -np.ones(s), np.ones(s)])
        ctx.builder.add_rows(
            RowBlock("cvar", pd.Index([f"scenario {j}" for j in range(s)]), rows, cols, vals,
                     np.zeros(s), np.full(s, np.inf), kind="definition"),
            constraint=-1,
        )
        ctx.builder.cost[:] = 0.0
        ctx.builder.cost[eta[0]] = 1.0
        ctx.builder.cost[u] = -1.0 / (self.alpha * s)

    def describe(self) -> str:
        """Human description."""
        return (f"maximize CVaR {self.alpha:g} of {self.metric} "
                f"({self.samples} samples, seed {self.seed})")
