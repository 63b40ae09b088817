"""Solver backends. :func:`solve` dispatches a LinearProgram to one of them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ikmopt.core.errors import PolicyError, SolverError, UnboundedError
from ikmopt.model.lp import LinearProgram
from ikmopt.solving.solvers.base import Solution, Status
from ikmopt.solving.solvers.highs import solve_highs

__all__ = ["ALGORITHMS", "SOLVERS", "Solution", "Status", "cost_scale", "solve"]

#: Solver names accepted by :func:`solve` and :func:`ikmopt.optimize`.
SOLVERS = ("highs", "cbc", "pulp-highs")
#: HiGHS algorithms: "auto" picks by model size (the PuLP paths ignore the choice).
ALGORITHMS = ("auto", "simplex", "ipm")


def solve(
    lp: LinearProgram,
    solver: str = "highs",
    *,
    time_limit: float | None = None,
    verbose: bool = False,
    algorithm: str = "auto",
) -> Solution:
    """Solve ``lp`` with the named backend.

    Parameters
    ----------
    lp : LinearProgram
    solver : {"highs", "cbc", "pulp-highs"}
        ``"highs"``: highspy directly (fast, default). ``"cbc"``: CBC through PuLP.
        ``"pulp-highs"``: HiGHS through PuLP's wrapper (for comparison).
    time_limit : float, optional
        Seconds; a stop with a feasible point returns status ``time_limit``.
    verbose : bool, default False
        Show the solver's log.
    algorithm : {"auto", "simplex", "ipm"}
        HiGHS algorithm (direct path only); ``"auto"`` picks by model size.

    Raises
    ------
    InfeasibleError
        If no point satisfies every row and bound.
    UnboundedError
        If the objective has no upper limit.
    SolverError
        If the solver fails or stops before finding a feasible point.
    """
    if time_limit is not None:
        given = time_limit
        try:
            time_limit = float(time_limit)
        except (TypeError, ValueError):
            time_limit = float("nan")
        if not time_limit > 0:
            raise PolicyError(f"time_limit must be a positive number of seconds, got {given!r}")
    if algorithm not in ALGORITHMS:
        raise PolicyError(f"algorithm must be one of {list(ALGORITHMS)}, got {algorithm!r}")
    if solver not in SOLVERS:
        raise PolicyError(f"unknown solver '{solver}'; choose one of {list(SOLVERS)}")
    # Solvers judge optimality with absolute tolerances on reduced costs: a normalized
    # objective (costs ~1e-4) would stop early. Scale the costs to about 1 by a power of two
    # (exact in floating point) and scale objective and duals back.
    scale = cost_scale(lp.cost)
    scaled = lp if scale == 1.0 else lp.with_cost(lp.cost * scale, lp.objective_offset * scale)
    try:
        if solver == "highs":
            solution = solve_highs(scaled, time_limit=time_limit, verbose=verbose,
                                   algorithm=algorithm)
        else:
            # the PuLP path (pulp is heavy): loaded when first used
            from ikmopt.solving.solvers.pulp import solve_pulp

            solution = solve_pulp(scaled, solver, time_limit=time_limit, verbose=verbose)
    except UnboundedError as err:
        raise UnboundedError(f"{err}. {unbounded_direction(lp)}") from None
    if scale == 1.0:
        return solution
    return replace(
        solution,
        objective=solution.objective / scale,
        row_dual=None if solution.row_dual is None else solution.row_dual / scale,
        col_dual=None if solution.col_dual is None else solution.col_dual / scale,
    )


def cost_scale(cost: np.ndarray) -> float:
    """A power of two that brings the largest absolute cost to [1, 2), or 1 for zero costs."""
    largest = float(np.abs(cost).max(initial=0.0))
    if largest == 0.0 or not np.isfinite(largest):
        return 1.0
    return float(2.0 ** -np.floor(np.log2(largest)))


def unbounded_direction(lp: LinearProgram) -> str:
    """Which columns grow without limit, in words (for an :class:`UnboundedError`).

    The program is solved again with every infinite column bound replaced by a large finite
    one; the columns that end at that artificial bound are the unbounded direction.
    """
    big = 1e9 * max(1.0, float(np.abs(np.r_[lp.col_lower, lp.col_upper][
        np.isfinite(np.r_[lp.col_lower, lp.col_upper])]).max(initial=1.0)))
    lower = np.where(np.isfinite(lp.col_lower), lp.col_lower, -big)
    upper = np.where(np.isfinite(lp.col_upper), lp.col_upper, big)
    try:
        x = solve_highs(replace(lp, col_lower=lower, col_upper=upper)).x
    except SolverError:
        return "The direction could not be determined."
    up = np.flatnonzero(~np.isfinite(lp.col_upper) & (x >= 0.5 * big))
    down = np.flatnonzero(~np.isfinite(lp.col_lower) & (x <= -0.5 * big))
    names = [_column_name(lp, j) for j in up[:8]] + [f"-{_column_name(lp, j)}" for j in down[:8]]
    if not names:
        return "The direction could not be determined."
    more = len(up) + len(down) - len(names)
    return ("Unbounded direction: " + ", ".join(names) + (f" and {more} more" if more else "")
            + " grow without limit; give them an upper bound (a capacity or a budget)")


def _column_name(lp: LinearProgram, j: int) -> str:
    if j < lp.n_cells:
        cell = lp.cells[j]
        parts = cell if isinstance(cell, tuple) else (cell,)
        return "spend in cell (" + ", ".join(map(str, parts)) + ")"
    row = lp.aux.iloc[j - lp.n_cells]
    return f"{row['family']}({row['label']})" if len(lp.aux) else f"column {j}"
