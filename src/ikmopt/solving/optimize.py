"""`optimize`: build, solve, verify and label in one call."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Protocol

import numpy as np

from ikmopt.core.errors import InfeasibleError, PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build, objective_coefficients, outcome_cost
from ikmopt.model.lp import LinearProgram
from ikmopt.model.objectives import Objective
from ikmopt.model.ordering import fill_in_order, out_of_order, with_order
from ikmopt.model.policy import Policy
from ikmopt.solving.diagnose import attach
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result
from ikmopt.solving.solvers import solve, unscaled, with_scaled_costs
from ikmopt.solving.solvers.base import Solution
from ikmopt.solving.solvers.highs import HeldModel
from ikmopt.solving.threads import one_blas_thread
from ikmopt.solving.unspent import find_unspent

__all__ = [
    "Cold",
    "Runner",
    "Warm",
    "clean_optimum",
    "in_order",
    "optimize",
    "prefer",
    "solve_policy",
    "verify",
    "violation",
]

#: Feasibility tolerance of the post-solve check, relative to each row's scale.
VERIFY_TOL = 1e-6
#: How much of the objective (relative) a rule's preferred tie-break may give up.
TIE_TOLERANCE = 1e-9


def optimize(data: Dataset, policy: Policy, solver: str | SolveOptions = "highs",
             **solve_options: Any) -> Result:
    """Find the best allocation of ``policy`` on ``data``.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    solver : str or SolveOptions, default "highs"
        ``"highs"`` hands arrays to highspy directly; ``"cbc"`` solves the same program
        through PuLP and CBC; ``"pulp-highs"`` through PuLP's HiGHS wrapper. Or all the
        options at once (:class:`~ikmopt.solving.options.SolveOptions`).
    **solve_options
        Fields of :class:`~ikmopt.solving.options.SolveOptions`: ``time_limit`` (seconds
        per solve; a stop with a feasible plan returns a Result whose ``status`` is
        ``time_limit``), ``algorithm`` (``"auto"``, ``"simplex"``, ``"ipm"``), ``threads``
        and ``verbose`` (show the solver log).

    Returns
    -------
    Result

    Raises
    ------
    PolicyError
        If the policy does not fit the data, or a solve option is unknown.
    InfeasibleError
        If no allocation satisfies every constraint. Its ``diagnosis`` (a
        :class:`~ikmopt.solving.diagnose.Diagnosis`) gives the smallest relaxation that
        makes a plan possible and the rules that conflict; the message lists the relaxation.
    UnboundedError
        If the objective has no upper limit.
    SolverError
        If the solver fails, stops before finding a feasible plan, or returns a plan that
        breaks a constraint when re-checked.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.Policy(budget=ik.Budget(total=971),
    ...                    constraints=[ik.GroupShare("kti", min=0.40)])
    >>> result = ik.optimize(data, policy)
    >>> round(result.outcomes["spend"])
    971
    """
    if not isinstance(data, Dataset):
        raise PolicyError(f"optimize() needs an ik.Dataset first, got {type(data).__name__}")
    if not isinstance(policy, Policy):
        raise PolicyError(
            f"optimize() needs an ik.Policy, got {type(policy).__name__}; "
            "e.g. ik.Policy(budget=ik.Budget(total=2500))"
        )
    options = SolveOptions.of(solver, **solve_options)
    with one_blas_thread():
        try:
            return solve_policy(data, policy, Cold(options))
        except InfeasibleError as err:
            if err.diagnosis is not None:
                raise
            raise attach(err, data, policy, options) from None


# ---------------------------------------------------------------------- runners
class Runner(Protocol):
    """Solves one program after another: anew each time, or warm on a held model.

    A program comes with a ``slot``: the stage of a staged objective it belongs to. The
    programs of one slot follow each other in a sweep (stage 2 of one point after stage 2
    of the last), so each slot keeps its last program and, warm, its own held model.
    """

    options: SolveOptions
    warm: bool
    reuse: bool  # whether programs keep their row blocks, so the next may reuse the matrix
    last: dict[int, LinearProgram]  # the program run last in each slot

    def run(self, lp: LinearProgram, slot: int = 0) -> Solution:
        """Solve ``lp``."""
        ...  # pragma: no cover - a protocol


class Cold:
    """Each program solved from scratch (any solver path)."""

    def __init__(self, options: SolveOptions, reuse: bool = False) -> None:
        self.options = options
        self.warm = False
        self.reuse = reuse
        self.last: dict[int, LinearProgram] = {}

    def run(self, lp: LinearProgram, slot: int = 0) -> Solution:
        """Solve ``lp`` anew."""
        if self.reuse:
            self.last[slot] = lp
        return solve(lp, self.options)


class Warm:
    """A HiGHS model held between programs per slot; each solve starts from the last basis.

    For sweeps: only what changed between two programs of a slot is pushed to HiGHS (see
    :class:`~ikmopt.solving.solvers.highs.HeldModel`); ``warm`` says whether the last
    solve kept the basis. Each stage of a staged objective has its own slot, so its
    program (with rows holding the earlier stages) is updated from the last point's.
    """

    def __init__(self, options: SolveOptions) -> None:
        if options.solver != "highs":
            raise PolicyError(f"warm re-solves need solver='highs', not {options.solver!r}")
        self.options = options
        self.held: dict[int, HeldModel] = {}
        self.warm = False
        self.reuse = True
        self.last: dict[int, LinearProgram] = {}

    def run(self, lp: LinearProgram, slot: int = 0) -> Solution:
        """Make the slot's held model equal to ``lp`` and solve it from the last basis."""
        self.last[slot] = lp
        scaled, scale = with_scaled_costs(lp)  # as a cold solve scales them
        held = self.held.get(slot)
        if held is None:
            self.held[slot], self.warm = HeldModel(scaled, self.options), False
        else:
            self.warm = held.update(scaled)
        return unscaled(self.held[slot].run(), scale)


# ---------------------------------------------------------------------- the staged solve
def solve_policy(data: Dataset, policy: Policy, runner: Runner) -> Result:
    """Build, solve (stage by stage), verify and label ``policy`` on ``data``.

    The one solve path of :func:`optimize` and :func:`ikmopt.sweep`: normalizing optima
    first where the objective needs them, each stage held near its optimum in the next,
    curves kept in order, every plan re-checked, unspent money detected.
    """
    stages = policy.objective.stages()
    fixed: list = []
    tolerance = policy.objective.tolerance
    for k, stage in enumerate(stages):
        optima = _optima(data, policy, stage, fixed, runner, k)
        lp = build(data, policy, optima=optima, objective=stage, fixed=fixed,
                   sequence=runner.reuse, like=runner.last.get(k))
        lp, solution = in_order(lp, runner.run(lp, k), runner, k)
        verify(lp, solution)
        if k < len(stages) - 1:
            value = solution.objective
            fixed.append(
                lambda ctx, s=stage, lp=lp, v=value: s.fixed_rows(ctx, lp, v, tolerance)
            )
    solution = prefer(lp, solution, runner.options)
    unspent = find_unspent(data, policy, lp, solution, runner.options)
    return Result(data, policy, lp, solution, optima, sense=stage.sense, unspent=unspent,
                  stage=stage, fixed=fixed)


def prefer(lp: LinearProgram, solution: Solution, options: SolveOptions,
           tolerance: float = TIE_TOLERANCE) -> Solution:
    """Of the plans as good as ``solution``, the one a rule prefers.

    A rule may ask for a lexicographic last stage in ``lp.meta["tie_break"]`` (columns and
    their value; :class:`~ikmopt.FundProposals` prefers ready proposals): the program is
    solved again on its optimal face (every column and row the prices bind held at its
    bound, :meth:`~ikmopt.model.lp.LinearProgram.optimal_face`), maximizing that value. A
    MIP, which has no prices, holds its objective at ``value - tolerance * max(1, |value|)``
    or above instead (``tolerance`` 1e-9). The returned solution is the new plan with the first
    solve's shadow prices, which remain optimal prices of the program (any optimal plan
    pairs with any optimal set of prices), and its objective value.
    """
    tie = lp.meta.get("tie_break")
    if tie is None:
        return solution
    cols, value = tie
    cost = np.zeros(lp.n_cols)
    cost[cols] = value
    duals = (solution.row_dual, solution.col_dual)
    if not lp.is_mip and all(d is not None and np.isfinite(d).all() for d in duals):
        held = lp.optimal_face(solution.x, *duals, cost)  # type: ignore[arg-type]
    else:  # a MIP has no prices: hold the objective instead
        held = lp.holding(solution.objective, tolerance, cost)
    runner = Cold(options)
    held, second = in_order(held, runner.run(held), runner)
    x = second.x[: lp.n_cols]
    if violation(lp, x)[0] > VERIFY_TOL:  # the first plan stands if the second is not clean
        return solution
    return replace(solution, x=x, row_activity=lp.A @ x,
                   objective=float(lp.cost @ x + lp.objective_offset),
                   runtime=solution.runtime + second.runtime)


def _optima(data: Dataset, policy: Policy, stage: Objective, fixed: list,
            runner: Runner, slot: int = 0) -> dict[str, float] | None:
    """Single-metric optima under the same constraints, for normalized objectives."""
    metrics = stage.needs_optima()
    if not metrics:
        return None
    base = build(data, policy, objective=stage, fixed=fixed,  # cost left at zero
                 sequence=runner.reuse, like=runner.last.get(slot))
    coef = objective_coefficients(data, policy)
    optima = {}
    for metric in metrics:
        lp = base.with_cost(_cell_cost(base, coef(metric)))
        optima[metric] = clean_optimum(runner.run(lp, slot).objective, lp)
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
    """The largest violation of a row or column bound (relative to its scale), and where.

    A row's violation is relative to ``1 + |A| |x|`` over its terms, a column's to
    ``1 + |x|``; the rows' activity is computed here, not taken from the solver. A scale is
    at least 1, so an entry within ``VERIFY_TOL`` in absolute terms is within it relative:
    only the others are scaled, and below the tolerance the value returned is the absolute
    one (an upper bound of the relative). Where is named only beyond the tolerance (else
    ``"nowhere"``). A column without a value (NaN) is infinitely wrong.
    """
    activity = lp.A @ x
    row_excess = np.maximum(lp.row_lower - activity, activity - lp.row_upper)
    beyond = np.flatnonzero(row_excess > VERIFY_TOL)
    if len(beyond):
        row_excess[beyond] /= 1.0 + abs(lp.A[beyond]) @ np.abs(x)
    col_excess = lp.col_lower - x
    np.maximum(col_excess, x - lp.col_upper, out=col_excess)
    beyond = np.flatnonzero(col_excess > VERIFY_TOL)
    if len(beyond):
        col_excess[beyond] /= 1.0 + np.abs(x[beyond])
    worst_row = float(row_excess.max(initial=-np.inf))
    worst_col = float(col_excess.max(initial=-np.inf))  # NaN if a value is NaN
    if np.isnan(worst_col) or np.isnan(worst_row):
        missing = np.flatnonzero(~np.isfinite(x))
        where = f"column {int(missing[0])} (no value)" if len(missing) else "a row (no value)"
        return np.inf, where
    if max(worst_row, worst_col) <= VERIFY_TOL:
        return max(worst_row, worst_col), "nowhere"
    if worst_row >= worst_col:
        i = int(np.argmax(row_excess))
        return worst_row, f"row {lp.rows['family'].iloc[i]}({lp.rows['label'].iloc[i]})"
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


def in_order(lp: LinearProgram, solution: Solution, runner: Runner, slot: int = 0
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
        solution = runner.run(mip, slot)
        disordered = out_of_order(mip, solution.x)
        if not len(disordered):
            return mip, solution
        ordered = np.union1d(ordered, disordered)
