"""`optimize`: build, solve, verify and label in one call."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ikmopt.core.errors import InfeasibleError, PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build, objective_coefficients, outcome_cost
from ikmopt.model.lp import LinearProgram
from ikmopt.model.ordering import fill_in_order, out_of_order, with_order
from ikmopt.model.policy import Policy
from ikmopt.solving.diagnose import attach
from ikmopt.solving.result import Result
from ikmopt.solving.solvers import solve
from ikmopt.solving.solvers.base import Solution
from ikmopt.solving.unspent import find_unspent

__all__ = ["clean_optimum", "in_order", "optimize", "verify", "violation"]

#: Feasibility tolerance of the post-solve check, relative to each row's scale.
VERIFY_TOL = 1e-6


def optimize(
    data: Dataset,
    policy: Policy,
    *,
    solver: str = "highs",
    time_limit: float | None = None,
    verbose: bool = False,
    algorithm: str = "auto",
) -> Result:
    """Find the best allocation of ``policy`` on ``data``.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    solver : {"highs", "cbc", "pulp-highs"}, default "highs"
        ``"highs"`` hands arrays to highspy directly; ``"cbc"`` solves the same program
        through PuLP and CBC; ``"pulp-highs"`` through PuLP's HiGHS wrapper.
    time_limit : float, optional
        Seconds per solve. A stop with a feasible plan returns a Result whose ``status`` is
        ``time_limit``; a stop without one raises :class:`~ikmopt.SolverError`.
    verbose : bool, default False
        Show the solver log.
    algorithm : {"auto", "simplex", "ipm"}, default "auto"
        HiGHS algorithm for the direct path.

    Returns
    -------
    Result

    Raises
    ------
    PolicyError
        If the policy does not fit the data.
    InfeasibleError
        If no allocation satisfies every constraint. Its ``diagnosis`` (a
        :class:`~ikmopt.solving.diagnose.Diagnosis`) gives the smallest relaxation that makes a plan
        possible and the rules that conflict; the message lists the relaxation.
    UnboundedError
        If the objective has no upper limit.
    SolverError
        If the solver fails, stops before finding a feasible plan, or returns a plan that
        breaks a constraint when re-checked.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.Policy(budget=ik.Budget(total=2500),
    ...                    constraints=[ik.GroupShare("kti", min=0.40)])
    >>> result = ik.optimize(data, policy)
    >>> round(result.outcomes["spend"])
    2500
    """
    if not isinstance(data, Dataset):
        raise PolicyError(f"optimize() needs an ik.Dataset first, got {type(data).__name__}")
    if not isinstance(policy, Policy):
        raise PolicyError(
            f"optimize() needs an ik.Policy, got {type(policy).__name__}; "
            "e.g. ik.Policy(budget=ik.Budget(total=2500))"
        )
    options = {"solver": solver, "time_limit": time_limit, "verbose": verbose,
               "algorithm": algorithm}
    try:
        return _optimize(data, policy, options)
    except InfeasibleError as err:
        if err.diagnosis is not None:
            raise

        raise attach(err, data, policy, options) from None


def _optimize(data: Dataset, policy: Policy, options: dict) -> Result:
    stages = policy.objective.stages()
    fixed: list = []
    tolerance = getattr(policy.objective, "tolerance", 1e-6)
    for k, stage in enumerate(stages):
        optima = _optima(data, policy, stage, fixed, options)
        lp = build(data, policy, optima=optima, objective=stage, fixed=fixed)
        solution = solve(lp, **options)
        lp, solution = in_order(lp, solution, options)
        verify(lp, solution)
        if k < len(stages) - 1:
            value = solution.objective
            fixed.append(
                lambda ctx, s=stage, lp=lp, v=value: s.fixed_rows(ctx, lp, v, tolerance)
            )
    unspent = find_unspent(data, policy, lp, solution, options)
    return Result(data, policy, lp, solution, optima, sense=stage.sense, unspent=unspent,
                  stage=stage, fixed=fixed)


def _optima(data, policy, stage, fixed, options) -> dict[str, float] | None:
    """Single-metric optima under the same constraints, for normalized objectives."""
    metrics = stage.needs_optima()
    if not metrics:
        return None
    base = build(data, policy, objective=stage, fixed=fixed)  # cost left at zero
    coef = objective_coefficients(data, policy)
    optima = {}
    for metric in metrics:
        lp = base.with_cost(_cell_cost(base, coef(metric)))
        optima[metric] = clean_optimum(solve(lp, **options).objective, lp)
    return optima


def clean_optimum(value: float, lp: LinearProgram) -> float:
    """A single-metric optimum, with solver noise around zero set to exactly 0.

    An optimum within ``1e-9`` of the largest attainable outcome (``|cost|`` times the
    finite column bounds) is 0: a metric the rules leave no room for (CBC reports 6e-12
    where HiGHS reports 0), which must not be normalized by.
    """
    upper = np.where(np.isfinite(lp.col_upper), lp.col_upper, 0.0)
    attainable = float(np.abs(lp.cost) @ np.abs(upper))
    return 0.0 if abs(value) <= 1e-9 * max(attainable, 1.0) else value


def _cell_cost(lp: LinearProgram, cell_coef: np.ndarray) -> np.ndarray:
    """A cost over all columns that values each cell's outcome (curves included)."""
    return outcome_cost(lp.meta, lp.n_cols, lp.n_cells, cell_coef)


def violation(lp: LinearProgram, x: np.ndarray) -> tuple[float, str]:
    """The largest violation of a row or column bound (relative to its scale), and where."""
    activity = lp.A @ x
    row_scale = 1.0 + abs(lp.A) @ np.abs(x)
    row_excess = np.maximum(lp.row_lower - activity, activity - lp.row_upper) / row_scale
    col_scale = 1.0 + np.abs(x)
    col_excess = np.maximum(lp.col_lower - x, x - lp.col_upper) / col_scale
    worst_row = float(row_excess.max(initial=-np.inf))
    worst_col = float(col_excess.max(initial=-np.inf))
    if worst_row >= worst_col:
        i = int(np.argmax(row_excess)) if len(row_excess) else 0
        where = (f"row {lp.rows['family'].iloc[i]}({lp.rows['label'].iloc[i]})"
                 if len(row_excess) else "no row")
        return worst_row, where
    return worst_col, f"column {int(np.argmax(col_excess))}"


def verify(lp: LinearProgram, solution: Solution, tol: float = VERIFY_TOL) -> None:
    """Re-check a solution against the original rows and bounds.

    Raises
    ------
    SolverError
        If any row or column bound is violated by more than ``tol`` relative to its scale.
    """
    worst, where = violation(lp, solution.x)
    if worst > tol:
        raise SolverError(
            f"the {solution.solver} solution violates {where} by {worst:.2e}"
            " (relative); the plan is not returned. Try another solver or rescale the data.",
            status="error",
        )


def in_order(lp: LinearProgram, solution: Solution, options: dict
             ) -> tuple[LinearProgram, Solution]:
    """The solution with every curve filled in order (see :mod:`ikmopt.model.ordering`).

    A plan that filled a later segment before an earlier one is refilled in order; if the
    refilled plan breaks a row, the program is solved again with binaries that keep the
    disordered cells in order (a MIP), until no cell is out of order.
    """
    disordered = out_of_order(lp, solution.x)
    if not len(disordered):
        return lp, solution
    x = fill_in_order(lp, solution.x)
    objective = float(lp.cost @ x + lp.objective_offset)
    if (violation(lp, x)[0] <= VERIFY_TOL
            and objective >= solution.objective - 1e-9 * (1.0 + abs(solution.objective))):
        return lp, replace(solution, x=x, row_activity=lp.A @ x, objective=objective)
    ordered = disordered
    while True:
        mip = with_order(lp, ordered)
        solution = solve(mip, **options)
        disordered = out_of_order(mip, solution.x)
        if not len(disordered):
            return mip, solution
        ordered = np.union1d(ordered, disordered)
