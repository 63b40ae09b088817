"""Solver backends. :func:`solve` dispatches a LinearProgram to one of them."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ikmopt.core.errors import SolverError, UnboundedError
from ikmopt.model.lp import LinearProgram
from ikmopt.solving.options import ALGORITHMS, SOLVERS, SolveOptions
from ikmopt.solving.solvers.base import Solution, Status
from ikmopt.solving.solvers.highs import solve_highs

__all__ = ["ALGORITHMS", "SOLVERS", "Solution", "SolveOptions", "Status", "cost_scale", "solve",
           "unscaled", "with_scaled_costs"]


def solve(lp: LinearProgram, solver: str | SolveOptions = "highs",
          **solve_options: Any) -> Solution:
    """Solve ``lp`` with the named backend.

    Parameters
    ----------
    lp : LinearProgram
    solver : str or SolveOptions, default "highs"
        ``"highs"``: highspy directly (fast, default). ``"cbc"``: CBC through PuLP.
        ``"pulp-highs"``: HiGHS through PuLP's wrapper (for comparison). Or all the
        options at once (:class:`~ikmopt.solving.options.SolveOptions`).
    **solve_options
        Fields of :class:`~ikmopt.solving.options.SolveOptions`: ``time_limit``,
        ``algorithm``, ``threads``, ``verbose``.

    Raises
    ------
    PolicyError
        For an unknown solver or option.
    InfeasibleError
        If no point satisfies every row and bound.
    UnboundedError
        If the objective has no upper limit.
    SolverError
        If the solver fails or stops before finding a feasible point.
    """
    options = SolveOptions.of(solver, **solve_options)
    # Solvers judge optimality with absolute tolerances on reduced costs: a normalized
    # objective (costs ~1e-4) would stop early. Small costs are scaled up to about 1 by a
    # power of two (exact in floating point), and objective and duals scaled back; see
    # cost_scale for why large costs are left alone.
    scaled, scale = with_scaled_costs(lp)
    try:
        if options.solver == "highs":
            solution = solve_highs(scaled, options)
        else:
            # the PuLP path (pulp is heavy): loaded when first used
            from ikmopt.solving.solvers.pulp import solve_pulp

            solution = solve_pulp(scaled, options)
    except UnboundedError as err:
        raise UnboundedError(f"{err}. {unbounded_direction(lp)}") from None
    return unscaled(solution, scale)


def with_scaled_costs(lp: LinearProgram) -> tuple[LinearProgram, float]:
    """``lp`` with its costs multiplied by :func:`cost_scale`, and that factor."""
    scale = cost_scale(lp.cost)
    if scale == 1.0:
        return lp, scale
    return lp.with_cost(lp.cost * scale, lp.objective_offset * scale), scale


def unscaled(solution: Solution, scale: float) -> Solution:
    """A solution of the program with costs times ``scale``, read for the program itself."""
    if scale == 1.0:
        return solution
    return replace(
        solution,
        objective=solution.objective / scale,
        row_dual=None if solution.row_dual is None else solution.row_dual / scale,
        col_dual=None if solution.col_dual is None else solution.col_dual / scale,
    )


def cost_scale(cost: np.ndarray) -> float:
    """A power of two that brings the largest absolute cost up to [1, 2), or 1.

    Only small costs are scaled, by measurement (``benchmarks/scaling.py``): with the
    largest cost below 1, HiGHS's interior point method stops early on its absolute
    tolerances (at 1e-5 the objective was 2e-4 short, silently) and CBC stops early too;
    scaled up to 1, both reach the optimum, in fewer iterations. Costs of 1 and more are left
    as they are: scaling them down to 1 took HiGHS 30 to 60 % more iterations (41k cells:
    25 against 40) and changed no answer. Zero or non-finite costs give 1.
    """
    largest = float(np.abs(cost).max(initial=0.0))
    if largest == 0.0 or not np.isfinite(largest) or largest >= 1.0:
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
