"""The price of each rule: what the objective gains when one constraint is dropped."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.objectives import (
    GoalProgram,
    Maximize,
    MinCost,
    Objective,
    PovertyWeighted,
    Weighted,
)
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result

__all__ = ["price_of"]

#: A cost smaller than this (relative to the objective) is reported as exactly 0.
ZERO_TOL = 1e-9


def price_of(data: Dataset, policy: Policy, solver: str | SolveOptions = "highs",
             **solve_options: Any) -> pd.DataFrame:
    """What each constraint of ``policy`` costs in objective: the table a minister asks for.

    The policy is solved as given and once more without each of its constraints in turn
    (``policy.without(i)``); the budget is kept in every solve.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    solver : str or SolveOptions, default "highs"
        As for :func:`ikmopt.optimize`, as are ``**solve_options``.
        As for :func:`ikmopt.optimize`.

    Returns
    -------
    pandas.DataFrame
        One row per constraint, in policy order:

        * ``position`` (index in ``policy.constraints``), ``constraint`` (its
          ``describe()``), ``family`` and ``binding`` (whether any of its rows binds in the
          plan with every rule);
        * ``objective_with``, ``objective_without``, ``cost`` (what the rule costs:
          ``without - with`` for a maximized objective, ``with - without`` for a minimized
          one such as :class:`~ikmopt.MinCost`; >= 0 up to solver tolerance, and a cost
          within ``1e-9`` of the objective is reported as 0) and ``cost_pct``
          (``cost / |objective_without| * 100``);
        * ``<m>_with`` and ``<m>_without`` for ``spend`` and every metric ``m``;
        * ``error``: why the policy without the rule could not be solved (unbounded,
          solver failure), with NaN values; empty otherwise.

        ``table.attrs["objective"]`` describes the objective,
        ``table.attrs["objective_units"]`` gives its unit and ``table.attrs["sense"]`` is
        ``"max"`` or ``"min"``.

    Raises
    ------
    PolicyError
        If the objective is solved in stages (:class:`~ikmopt.Lexicographic`,
        :class:`~ikmopt.MaxMin`): there is no single value to price, so price one
        priority at a time, e.g. ``policy.replace(objective=ik.Maximize("jobs"))``.
    SolverError
        If the policy itself cannot be solved (e.g. :class:`~ikmopt.InfeasibleError`).

    Notes
    -----
    A normalized :class:`~ikmopt.Weighted` objective divides each metric by its optimum
    under the policy's constraints. Dropping a rule would change those optima and so the
    yardstick, so the normalizers of the full policy are kept in every solve: objective
    values are in those normalized units (each metric counted as a fraction of its optimum
    under the full policy, times its weight), and the ``<metric>_with`` /
    ``<metric>_without`` columns give the cost in jobs, value added and so on.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.default_policy().replace(objective=ik.Maximize("jobs"))
    >>> table = ik.price_of(data, policy)
    >>> bool((table["cost"] >= 0).all())
    True
    """
    if not isinstance(policy, Policy):
        raise PolicyError(f"price_of() needs an ik.Policy, got {type(policy).__name__}")
    if len(policy.objective.stages()) > 1:
        raise PolicyError(
            f"price_of: the objective '{policy.objective.describe()}' is solved in stages and "
            "has no single value to price; price one priority at a time, e.g. "
            "policy.replace(objective=ik.Maximize('jobs'))"
        )
    sense = float(getattr(policy.objective, "sense", 1.0))
    options = SolveOptions.of(solver, **solve_options)
    full = optimize(data, policy, options)
    objective = _fixed(policy.objective, full.optima)
    fixed = policy.replace(objective=objective)
    binding = _binding_by_position(full)
    outcomes = list(full.outcomes.index)
    rows = []
    for i, rule in enumerate(policy.constraints):
        row: dict[str, Any] = {
            "position": i,
            "constraint": rule.describe(),
            "family": getattr(rule, "family", type(rule).__name__),
            "binding": bool(binding.get(i + 1, False)),
            "objective_with": full.objective,
        }
        try:
            relaxed = optimize(data, fixed.without(i), options)
        except SolverError as err:
            row.update(objective_without=np.nan, cost=np.nan, cost_pct=np.nan)
            row.update({f"{m}_with": full.outcomes[m] for m in outcomes})
            row.update({f"{m}_without": np.nan for m in outcomes})
            row["error"] = f"{type(err).__name__}: {err}"
            rows.append(row)
            continue
        cost = sense * (relaxed.objective - full.objective)
        if abs(cost) <= ZERO_TOL * max(1.0, abs(relaxed.objective), abs(full.objective)):
            cost = 0.0
        row["objective_without"] = relaxed.objective
        row["cost"] = cost
        row["cost_pct"] = cost / abs(relaxed.objective) * 100 if relaxed.objective else np.nan
        for m in outcomes:
            row[f"{m}_with"] = full.outcomes[m]
            row[f"{m}_without"] = relaxed.outcomes[m]
        row["error"] = ""
        rows.append(row)
    columns = [
        "position", "constraint", "family", "binding", "objective_with", "objective_without",
        "cost", "cost_pct",
        *[f"{m}_{side}" for m in outcomes for side in ("with", "without")],
        "error",
    ]
    table = pd.DataFrame(rows, columns=columns)
    table.attrs["objective"] = policy.objective.describe()
    table.attrs["objective_units"] = _units(data, policy.objective)
    table.attrs["sense"] = "max" if sense > 0 else "min"
    return table


def _fixed(objective: Objective, optima: dict[str, float]) -> Objective:
    """The objective with the full policy's normalizers frozen into its weights."""
    if isinstance(objective, Weighted) and objective.normalize:
        weights = {}
        for metric, w in objective.weights.items():
            if w == 0:
                continue
            z = optima.get(metric, 1.0)
            weights[metric] = w / (z if z > 0 else 1.0)
        return Weighted(weights, normalize=False)
    return objective


def _units(data: Dataset, objective: Objective) -> str:
    """Unit of the objective's value, for the table's attrs."""
    units = data.metric_units

    def unit(metric: str) -> str:
        return units.get(metric, metric)

    if isinstance(objective, Weighted):
        if objective.normalize:
            return "normalized: each metric divided by its optimum under the full policy"
        return "weighted sum of " + ", ".join(f"{m} ({unit(m)})" for m in objective.weights)
    if isinstance(objective, Maximize):
        return unit(objective.metric)
    if isinstance(objective, PovertyWeighted):
        return f"poverty-weighted {objective.metric} ({unit(objective.metric)})"
    if isinstance(objective, MinCost):
        return data.money_unit
    if isinstance(objective, GoalProgram):
        return "weighted relative deviation from the goals"
    return "objective units"


def _binding_by_position(result: Result) -> dict[int, bool]:
    """Whether any row of each policy rule binds (0 is the budget, i + 1 constraint i)."""
    rows = result.lp.rows
    keep = (rows["kind"] != "definition").to_numpy()
    position = rows["constraint"].to_numpy()[keep]
    table = result.constraints
    flags = pd.Series(table["binding"].to_numpy(), index=position)
    return flags.groupby(level=0).any().to_dict()
