"""Solver backends. :func:`solve` dispatches a LinearProgram to one of them."""

from __future__ import annotations

from ..errors import PolicyError
from ..lp import LinearProgram
from .base import Solution, Status

__all__ = ["ALGORITHMS", "SOLVERS", "Solution", "Status", "solve"]

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
    if solver == "highs":
        from .highs import solve_highs

        return solve_highs(lp, time_limit=time_limit, verbose=verbose, algorithm=algorithm)
    if solver in ("cbc", "pulp-highs"):
        from .pulp import solve_pulp

        return solve_pulp(lp, solver, time_limit=time_limit, verbose=verbose)
    raise PolicyError(f"unknown solver '{solver}'; choose one of {list(SOLVERS)}")
