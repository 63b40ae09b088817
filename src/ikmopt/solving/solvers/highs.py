"""Default backend: hand the arrays straight to highspy.

The LinearProgram's CSR matrix goes to HiGHS as one row-wise matrix (no per-row Python
work), the sense is set to maximize, and HiGHS's duals of a maximization are already the
change of the objective per unit increase of a bound, which is ikmopt's convention.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import highspy
import numpy as np

from ikmopt.core.errors import PolicyError, SolverError
from ikmopt.model.lp import LinearProgram
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers.base import (
    MIP_REL_GAP,
    Solution,
    Status,
    check_status,
    clean_point,
    silenced,
)

__all__ = ["Ranges", "ranging", "solve_highs"]

#: Columns above which a cold LP solve uses the interior-point method with crossover.
IPM_THRESHOLD = 10_000

_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
    highspy.HighsModelStatus.kIterationLimit: Status.ITERATION_LIMIT,
}


def choose_algorithm(lp: LinearProgram, algorithm: str) -> str:
    """Return the HiGHS ``solver`` option for ``algorithm`` ("auto", "simplex" or "ipm")."""
    if algorithm not in ("auto", "simplex", "ipm"):
        raise PolicyError(f"algorithm must be 'auto', 'simplex' or 'ipm', got {algorithm!r}")
    if algorithm == "auto":
        if lp.is_mip:
            return "choose"
        return "ipm" if lp.n_cols >= IPM_THRESHOLD else "simplex"
    return algorithm


def to_highs(lp: LinearProgram) -> highspy.HighsLp:
    """The program as a ``highspy.HighsLp`` (maximize)."""
    model = highspy.HighsLp()
    model.num_col_ = lp.n_cols
    model.num_row_ = lp.n_rows
    model.col_cost_ = lp.cost
    model.col_lower_ = lp.col_lower
    model.col_upper_ = lp.col_upper
    model.row_lower_ = lp.row_lower
    model.row_upper_ = lp.row_upper
    model.offset_ = lp.objective_offset
    model.sense_ = highspy.ObjSense.kMaximize
    A = lp.A
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = A.indptr.astype(np.int32)
    model.a_matrix_.index_ = A.indices.astype(np.int32)
    model.a_matrix_.value_ = A.data
    model.a_matrix_.num_col_ = lp.n_cols
    model.a_matrix_.num_row_ = lp.n_rows
    if lp.is_mip:
        model.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
            for i in lp.integrality  # type: ignore[union-attr]
        ]
    return model


def new_highs(verbose: bool, threads: int = 1) -> highspy.Highs:
    """A silent (unless ``verbose``) HiGHS instance; the banner prints at construction."""
    with silenced(not verbose):
        h = highspy.Highs()
    h.setOptionValue("output_flag", bool(verbose))
    h.setOptionValue("log_to_console", bool(verbose))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", 0)
    return h


def solve_highs(lp: LinearProgram, options: SolveOptions | None = None,
                highs_options: dict | None = None) -> Solution:
    """Solve with highspy and return a :class:`Solution` in ikmopt's conventions.

    ``highs_options`` are set on the HiGHS instance after ``options`` (tests use them to
    stop HiGHS early).
    """
    options = options or SolveOptions()
    h = new_highs(options.verbose, options.threads)
    h.setOptionValue("solver", choose_algorithm(lp, options.algorithm))
    if lp.is_mip:
        h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    if options.time_limit is not None:
        h.setOptionValue("time_limit", options.time_limit)
    for key, value in (highs_options or {}).items():
        h.setOptionValue(key, value)
    with silenced(not options.verbose):
        h.passModel(to_highs(lp))
        start = time.perf_counter()
        run(h)
        runtime = time.perf_counter() - start
    return read_solution(h, lp, runtime, options.verbose)


def run(h: highspy.Highs) -> None:
    """``h.run()``, recovering once from a thread scheduler left by another HiGHS user.

    HiGHS keeps one global thread scheduler per process. If other code (PuLP's HiGHS wrapper
    with its default thread count, for one) started it with more threads, a run with
    ``threads=1`` refuses to start ("Not Set"); the scheduler is then reset and the run
    repeated.
    """
    status = h.run()
    if (status == highspy.HighsStatus.kError
            and h.getModelStatus() == highspy.HighsModelStatus.kNotset):
        highspy.Highs.resetGlobalScheduler(True)
        h.run()


def read_solution(h: highspy.Highs, lp: LinearProgram, runtime: float, verbose: bool) -> Solution:
    """Translate HiGHS's state after ``run()`` into a :class:`Solution` (or raise)."""
    model_status = h.getModelStatus()
    message = h.modelStatusToString(model_status)
    if model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
        # presolve could not tell which; settle it without presolve
        h.setOptionValue("presolve", "off")
        with silenced(not verbose):
            h.run()
        model_status = h.getModelStatus()
        message = h.modelStatusToString(model_status)
    empty = model_status == highspy.HighsModelStatus.kModelEmpty
    if empty:
        # no columns: HiGHS does not look at the rows, which are all empty (activity 0)
        excluded = (lp.row_lower > 1e-9) | (lp.row_upper < -1e-9)
        status = Status.INFEASIBLE if excluded.any() else Status.OPTIMAL
        if excluded.any():
            message = "a constraint over no cells excludes zero"
    else:
        status = _STATUS.get(model_status, Status.ERROR)
    info = h.getInfo()
    has_point = info.primal_solution_status == 2  # kSolutionStatusFeasible
    check_status(status, "highs", message, has_point)
    sol = h.getSolution()  # a copy: HiGHS's next run does not change it
    values = sol.col_value  # a Python list, made on each read of the field
    x = np.fromiter(values, dtype=float, count=len(values))
    if len(x) != lp.n_cols:  # no primal values at all (e.g. empty model)
        x = np.zeros(lp.n_cols)
    x = clean_point(lp, x)
    if empty:  # nothing to price: every (empty) row is slack at activity 0
        row_dual = np.zeros(lp.n_rows)
        col_dual = np.zeros(lp.n_cols)
    elif lp.is_mip or status is not Status.OPTIMAL or not sol.dual_valid:
        # duals of a stop at a limit are not shadow prices (the basis is not optimal)
        row_dual = np.full(lp.n_rows, np.nan)
        col_dual = np.full(lp.n_cols, np.nan)
    else:
        row_dual = np.array(sol.row_dual, dtype=float)
        col_dual = lambda: np.array(sol.col_dual, dtype=float)  # noqa: E731 - read on first use
    return Solution(
        status=status,
        x=x,
        objective=float(lp.cost @ x + lp.objective_offset),
        row_activity=lp.A @ x,
        row_dual=row_dual,
        col_dual=col_dual,
        solver="highs",
        runtime=runtime,
        message=message,
        iterations={"ipm": int(info.ipm_iteration_count),
                    "crossover": int(info.crossover_iteration_count),
                    "simplex": int(info.simplex_iteration_count),
                    **({"mip_nodes": int(info.mip_node_count)} if lp.is_mip else {})},
    )


class HeldModel:
    """A HiGHS model kept alive between solves, for warm-started re-solves.

    :meth:`update` pushes only what differs from the program it holds — row and column
    bounds, costs and changed matrix values — so HiGHS keeps its basis and the next
    :meth:`run` starts from the previous optimum (dual simplex after a bound or cost change).
    A change of the matrix's sparsity pattern reloads the model and restores the basis.
    """

    def __init__(self, lp: LinearProgram, options: SolveOptions | None = None) -> None:
        options = options or SolveOptions()
        algorithm = options.algorithm
        self.verbose = verbose = options.verbose
        self.h = new_highs(verbose, options.threads)
        self.h.setOptionValue("solver", choose_algorithm(lp, algorithm))
        self.h.setOptionValue("mip_rel_gap", MIP_REL_GAP)  # ignored by LPs
        if options.time_limit is not None:
            self.h.setOptionValue("time_limit", options.time_limit)
        with silenced(not verbose):
            self.h.passModel(to_highs(lp))
        self.lp = lp
        self.solved = False
        self.warm_algorithm = "simplex" if algorithm == "auto" else choose_algorithm(lp, algorithm)

    def update(self, lp: LinearProgram) -> bool:
        """Make the held model equal to ``lp``; return whether the basis was kept."""
        old, h = self.lp, self.h
        same_shape = lp.A.shape == old.A.shape and lp.is_mip == old.is_mip
        same_pattern = (lp.A is old.A and lp.is_mip == old.is_mip) or (
            same_shape
            and np.array_equal(lp.A.indptr, old.A.indptr)
            and np.array_equal(lp.A.indices, old.A.indices)
        )
        if not same_pattern:
            basis = h.getBasis() if self.solved and same_shape else None
            with silenced(not self.verbose):
                h.passModel(to_highs(lp))
                if basis is not None:
                    h.setBasis(basis)
            self.lp = lp
            return basis is not None
        rows = np.flatnonzero((lp.row_lower != old.row_lower) | (lp.row_upper != old.row_upper))
        if len(rows):
            h.changeRowsBounds(len(rows), rows.astype(np.int32), lp.row_lower[rows],
                               lp.row_upper[rows])
        cols = _changed(lp.col_lower, old.col_lower) | _changed(lp.col_upper, old.col_upper)
        cols = np.flatnonzero(cols)
        if len(cols):
            h.changeColsBounds(len(cols), cols.astype(np.int32), lp.col_lower[cols],
                               lp.col_upper[cols])
        cost = np.flatnonzero(_changed(lp.cost, old.cost))
        if len(cost):
            h.changeColsCost(len(cost), cost.astype(np.int32), lp.cost[cost])
        if lp.objective_offset != old.objective_offset:
            h.changeObjectiveOffset(lp.objective_offset)
        changed = np.empty(0, dtype=np.int64) if lp.A is old.A else np.flatnonzero(
            lp.A.data != old.A.data)
        if len(changed):
            row_of = np.repeat(np.arange(lp.n_rows), np.diff(lp.A.indptr))
            for k in changed:
                h.changeCoeff(int(row_of[k]), int(lp.A.indices[k]), float(lp.A.data[k]))
        self.lp = lp
        return self.solved

    def run(self) -> Solution:
        """Solve (warm when a basis is held) and read the solution."""
        if self.solved:
            self.h.setOptionValue("solver", self.warm_algorithm)
        with silenced(not self.verbose):
            start = time.perf_counter()
            run(self.h)
            runtime = time.perf_counter() - start
        self.solved = True
        return read_solution(self.h, self.lp, runtime, self.verbose)


def _changed(new: np.ndarray, old: np.ndarray) -> np.ndarray | bool:
    """Which entries differ (``False`` for the same array: a sweep shares unchanged ones)."""
    return False if new is old else new != old


@dataclass(frozen=True)
class Ranges:
    """Ranging of an optimal LP basis, as HiGHS computes it (Solver's sensitivity report).

    Attributes
    ----------
    row_lower_end, row_upper_end : numpy.ndarray
        For each row, the ends of the range of its active bound over which the optimal
        basis (and so every shadow price) stays the same.
    cost_lower_end, cost_upper_end : numpy.ndarray
        For each column, the ends of the range of its cost over which the plan stays
        optimal.
    solution : Solution
        The solution the ranges belong to.
    """

    row_lower_end: np.ndarray
    row_upper_end: np.ndarray
    cost_lower_end: np.ndarray
    cost_upper_end: np.ndarray
    solution: Solution


def ranging(lp: LinearProgram) -> Ranges:
    """Solve ``lp`` (an LP) with the simplex method and return HiGHS's ranging of it.

    Raises
    ------
    SolverError
        If HiGHS finds no optimal basis to range.
    """
    h = new_highs(False)
    h.setOptionValue("solver", "simplex")
    with silenced(True):
        h.passModel(to_highs(lp))
        start = time.perf_counter()
        run(h)
    solution = read_solution(h, lp, time.perf_counter() - start, False)
    status, result = h.getRanging()
    if status != highspy.HighsStatus.kOk or not result.valid:
        raise SolverError("HiGHS could not range this plan (no optimal basis)", "error")
    n, m = lp.n_cols, lp.n_rows

    def values(record: Any, k: int) -> np.ndarray:
        return np.asarray(record.value_, dtype=float)[:k]

    return Ranges(values(result.row_bound_dn, m), values(result.row_bound_up, m),
                  values(result.col_cost_dn, n), values(result.col_cost_up, n), solution)
