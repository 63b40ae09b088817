r"""How errors in the data propagate to the plan and its measures: a sensitivity analysis.

Impact coefficients have their own uncertainty model (:func:`ikmopt.simulate`, the CVaR
objective). The other inputs are measured too, and with error: the population of each
region, the absorptive capacity of each cell, the poverty rate of each region.
:func:`data_errors` perturbs them by draws of a stated relative error, re-optimizes the
policy on every perturbed dataset, and reports the spread of the plan's measures.

Each input ``v`` (a regions column, or ``capacity`` of the impacts table) is multiplied
element by element by an independent lognormal factor with mean 1:

.. math::

    \tilde v_i = v_i\, e^{\varepsilon Z_i - \varepsilon^2 / 2}, \qquad Z_i \sim N(0, 1),

so that the error is unbiased (:math:`E[\tilde v_i] = v_i`), ``epsilon`` is the standard
deviation of the log error (about the relative standard error for small ``epsilon``) and a
perturbed value keeps its sign. Each input is perturbed
alone (the one-at-a-time effect) and all together (``input == "all"``), with the same
factors, so the joint draws combine the single ones.

The measures are those the analysis reports on the perturbed data, as a planner working
with erroneous data would see them: the objective, each outcome, the Gini of spend and of
jobs per capita (population weighted), the share of spend in Kawasan Timur Indonesia and
the share of the base plan's money that moves,

.. math::

    \text{moved} = \frac{\tfrac12 \sum_c \lvert \tilde x_c - x_c \rvert}{\sum_c x_c} .
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import InfeasibleError, PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import optimize
from ikmopt.solving.result import Result

__all__ = ["DataErrors", "data_errors", "perturbed", "plan_measures"]

#: Inputs perturbed by default, with their relative (log) standard errors: ASSUMPTIONS
#: of plausible survey and administrative error, to be replaced by a user's own.
DEFAULT_ERRORS: dict[str, float] = {"population": 0.02, "capacity": 0.20,
                                    "poverty_rate_pct": 0.10}


def plan_measures(result: Result, metrics: Sequence[str] = ("jobs",),
                  base: pd.Series | None = None) -> dict[str, float]:
    """The measures of one plan (see the module docstring).

    Parameters
    ----------
    result : Result
    metrics : sequence of str
        Outcomes to report (and whose per-capita Gini to report).
    base : pandas.Series, optional
        The base plan's allocation, for ``moved``.
    """
    data = result.data
    out = {"objective": float(result.objective)}
    for metric in metrics:
        out[metric] = float(result.outcomes[metric])
    out["gini_spend"] = float(result.equity[("spend", "gini")])
    for metric in metrics:
        out[f"gini_{metric}"] = float(result.equity[(metric, "gini")])
    spend = result.by("region")["spend"]
    if "kti" in data.regions.columns:
        kti = data.regions["kti"].astype(bool).reindex(spend.index).to_numpy()
        total = float(spend.sum())
        out["kti_share"] = float(spend[kti].sum()) / total if total > 0 else np.nan
    if base is not None:
        x = result.allocation.to_numpy()
        x0 = base.to_numpy()
        out["moved"] = 0.5 * float(np.abs(x - x0).sum()) / float(x0.sum())
    return out


def perturbed(data: Dataset, factors: Mapping[str, np.ndarray]) -> Dataset:
    """``data`` with each input multiplied by its factors (one per region or per cell).

    Parameters
    ----------
    data : Dataset
    factors : mapping
        ``{input: factors}``: a regions column (one factor per region, in the regions
        table's order) or ``"capacity"`` (one per cell, in cell order).
    """
    regions, impacts = data.regions, data.impacts
    new_regions = new_impacts = None
    for name, factor in factors.items():
        if name == "capacity":
            new_impacts = (impacts if new_impacts is None else new_impacts).copy()
            new_impacts["capacity"] = impacts["capacity"].to_numpy() * factor
        else:
            new_regions = (regions if new_regions is None else new_regions).copy()
            new_regions[name] = regions[name].to_numpy(dtype=float) * factor
    tables: dict[str, Any] = {}
    if new_regions is not None:
        tables["regions"] = new_regions
    if new_impacts is not None:
        tables["impacts"] = new_impacts
    return data.replace(**tables) if tables else data


@dataclass(frozen=True)
class DataErrors:
    """Draws of the plan's measures under errors in the data.

    Attributes
    ----------
    base : pandas.Series
        The measures of the plan on the data as given.
    draws : pandas.DataFrame
        One row per input perturbed (``input``: its name, or ``"all"``) and draw
        (``draw``), with every measure (``NaN`` and ``infeasible`` True where the policy
        had no plan on the perturbed data).
    factors : dict
        The factors drawn per input, an array of shape ``(n, regions or cells)``.
    errors : dict
        The relative (log) standard error of each input.
    """

    base: pd.Series
    draws: pd.DataFrame
    factors: dict[str, np.ndarray]
    errors: dict[str, float]

    def summary(self) -> pd.DataFrame:
        """Per input and measure: ``base``, ``mean``, ``sd``, ``p05``, ``p95``.

        The spread over the feasible draws; ``infeasible`` counts the others.
        """
        measures = [c for c in self.draws.columns
                    if c not in ("input", "draw", "infeasible")]
        long = self.draws.melt(id_vars=["input", "draw"], value_vars=measures,
                               var_name="measure")
        grouped = long.groupby(["input", "measure"], sort=False)["value"]
        table = pd.DataFrame({
            "base": [self.base.get(m, np.nan) for _, m in grouped.groups],
            "mean": grouped.mean(), "sd": grouped.std(ddof=1),
            "p05": grouped.quantile(0.05), "p95": grouped.quantile(0.95)})
        table.index = pd.MultiIndex.from_tuples(list(grouped.groups), names=["input", "measure"])
        table["infeasible"] = self.draws.groupby("input", sort=False)["infeasible"].sum(
        ).reindex(table.index.get_level_values("input")).to_numpy()
        return table

    def __repr__(self) -> str:
        n = self.draws["draw"].nunique()
        return (f"<DataErrors: {n} draws of {', '.join(self.errors)} "
                f"(errors {', '.join(f'{v:g}' for v in self.errors.values())})>")


def data_errors(data: Dataset, policy: Policy, errors: Mapping[str, float] | None = None,
                n: int = 50, seed: int | np.random.Generator = 0,
                metrics: Sequence[str] = ("jobs",), solver: str = "highs",
                jointly: bool = True) -> DataErrors:
    """Re-optimize ``policy`` on draws of erroneous data; the spread of the plan's measures.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    errors : mapping, optional
        ``{input: epsilon}``: the standard deviation of the log error of each input, a
        regions column (``population``, ``poverty_rate_pct``) or ``capacity``. Default
        :data:`DEFAULT_ERRORS` (2 % population, 20 % capacity, 10 % poverty rate).
    n : int, default 50
        Draws per input.
    seed : int or numpy.random.Generator, default 0
    metrics : sequence of str, default ("jobs",)
        Outcomes whose totals and per-capita Gini are reported.
    solver : str, default "highs"
    jointly : bool, default True
        Also perturb every input at once (``input == "all"``).

    Returns
    -------
    DataErrors

    Raises
    ------
    PolicyError
        For an unknown input, a negative error or ``n < 1``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt.analysis.data_errors import data_errors
    >>> spread = data_errors(ik.datasets.load(), ik.default_policy(), {"population": 0.02},
    ...                      n=5, jointly=False)
    >>> float(spread.summary().loc[("population", "moved"), "mean"])  # the plan ignores it
    0.0
    """
    errors = dict(DEFAULT_ERRORS if errors is None else errors)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise PolicyError(f"data_errors: n must be a whole number >= 1, got {n!r}")
    sizes = {}
    for name, eps in errors.items():
        if name == "capacity":
            sizes[name] = data.n_cells
        elif name in data.regions.columns and pd.api.types.is_numeric_dtype(data.regions[name]):
            sizes[name] = len(data.regions)
        else:
            raise PolicyError(f"data_errors: '{name}' is neither 'capacity' nor a numeric "
                              f"regions column; known: {list(data.regions.columns)}")
        if not np.isfinite(eps) or eps < 0:
            raise PolicyError(f"data_errors: the error of '{name}' must be >= 0, got {eps!r}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    factors = {name: np.exp(eps * rng.standard_normal((n, sizes[name])) - eps**2 / 2)
               for name, eps in errors.items()}
    base_result = optimize(data, policy, solver=solver)
    base = pd.Series(plan_measures(base_result, metrics, base_result.allocation))
    runs: list[tuple[str, dict[str, np.ndarray]]] = [(name, {name: f}) for name, f in
                                                      factors.items()]
    if jointly and len(factors) > 1:
        runs.append(("all", factors))
    rows = []
    for label, chosen in runs:
        for i in range(n):
            one = perturbed(data, {name: f[i] for name, f in chosen.items()})
            try:
                result = optimize(one, policy, solver=solver)
            except InfeasibleError:
                rows.append({"input": label, "draw": i, "infeasible": True})
                continue
            rows.append({"input": label, "draw": i, "infeasible": False,
                         **plan_measures(result, metrics, base_result.allocation)})
    draws = pd.DataFrame(rows)
    return DataErrors(base, draws, factors, errors)
