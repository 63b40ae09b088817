"""How a plan other than the optimum measures against a policy: objective value, rules kept."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from ikmopt.core.errors import InfeasibleError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build, objective_coefficients
from ikmopt.model.objectives import Maximize, PovertyWeighted, Weighted
from ikmopt.model.policy import Policy
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import solve

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["objective_value", "satisfies"]


def objective_value(data: Dataset, policy: Policy, result: Result,
                     spend: np.ndarray) -> float:
    """The policy's objective on cell spend (no projects), or NaN where undefined."""
    objective = policy.objective
    coef = objective_coefficients(data, policy)
    n = data.n_cells

    def cells(metric: str) -> np.ndarray:
        return coef(metric)[:n]

    if isinstance(objective, Maximize | Weighted):
        cost = objective.cost(cells, result.optima)
    elif isinstance(objective, PovertyWeighted):
        cost = cells(objective.metric) * objective.region_weights(data)[data.region_codes]
    else:
        return float("nan")
    return float(np.asarray(cost, dtype=float) @ data.effective_spend(spend))


def satisfies(data: Dataset, policy: Policy, spend: np.ndarray,
               options: SolveOptions) -> list[bool]:
    """For the budget and each constraint: whether fixed cell spend satisfies its rows."""
    lp = build(data, policy, objective=Maximize(data.metrics[0]))
    n = data.n_cells
    lower, upper = lp.col_lower.copy(), lp.col_upper.copy()
    lower[:n] = upper[:n] = spend
    family = lp.aux["family"].to_numpy()
    segments = n + np.flatnonzero(family == "segment")
    if len(segments):
        curves = data.curves
        filled = np.clip(spend[curves.cell] - curves.start, 0.0, curves.width)
        lower[segments] = upper[segments] = filled
    projects = n + np.flatnonzero(family == "project")
    lower[projects] = upper[projects] = 0.0
    owner = lp.rows["constraint"].to_numpy()
    definition = (lp.rows["kind"] == "definition").to_numpy()
    out = []
    for position in range(len(policy.constraints) + 1):
        keep = definition | (owner == position)
        if not (owner == position).any():
            out.append(True)
            continue
        sub = replace(lp.with_rows(keep), cost=np.zeros(lp.n_cols), col_lower=lower,
                      col_upper=upper, integrality=None, objective_offset=0.0)
        try:
            solve(sub, options)
        except InfeasibleError:
            out.append(False)
        else:
            out.append(True)
    return out
