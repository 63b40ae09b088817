"""PuLP backend: the same LinearProgram as a named ``pulp.LpProblem``.

Used for CBC (``solver="cbc"``, the CBC binary shipped by ``pulp[cbc]``), for PuLP's own
HiGHS wrapper (``solver="pulp-highs"``), for writing human-readable ``.lp`` and ``.mps``
files, and as an independent cross-check in the tests. It normalizes what the wrappers do
differently: PuLP's HiGHS reports the duals of a maximization with the opposite sign and
maps a time-limit stop to "Optimal"; CBC's presolve can leave a row's dual on the reduced
cost of a basic column, which is repaired from complementary slackness.
"""

from __future__ import annotations

import re
import tempfile
import time
import warnings
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pulp
import scipy.sparse.linalg as spla

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

__all__ = ["model_names", "solve_pulp", "to_pulp", "write_lp", "write_mps"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_().,]")


def _sanitize(names: pd.Series) -> list[str]:
    """Replace characters LP/MPS files (and PuLP) do not accept, then make names unique."""
    clean = names.astype(str).str.replace(_UNSAFE, "_", regex=True)
    seen = clean.groupby(clean, sort=False).cumcount()
    clean = clean.where(seen == 0, clean + "_" + (seen + 1).astype(str))
    while clean.duplicated().any():  # a suffixed name met an original one
        dup = clean.duplicated()
        clean[dup] = clean[dup] + "_"
    return clean.tolist()


def model_names(lp: LinearProgram) -> tuple[list[str], list[str]]:
    """Readable, collision-free column and row names, e.g. ``x(Aceh,training)``."""
    cells = pd.Series(lp.cells.to_flat_index(), dtype=object)
    cell_names = "x(" + cells.map(lambda t: ",".join(map(str, t))) + ")"
    aux_names = lp.aux["family"].astype(str) + "(" + lp.aux["label"].astype(str) + ")"
    cols = _sanitize(pd.concat([cell_names, aux_names], ignore_index=True))
    rows = _sanitize(
        lp.rows["family"].astype(str) + "(" + lp.rows["label"].astype(str) + ")"
    )
    return cols, rows


def to_pulp(lp: LinearProgram, name: str = "ikmopt") -> tuple[pulp.LpProblem, list, list]:
    """Build the named problem; returns it with its variables and, per row, its constraints."""
    prob = pulp.LpProblem(name, pulp.LpMaximize)
    col_names, row_names = model_names(lp)
    integer = lp.integrality if lp.integrality is not None else np.zeros(lp.n_cols, dtype=bool)
    variables = [
        prob.add_variable(
            n,
            None if np.isneginf(lo) else float(lo),
            None if np.isposinf(hi) else float(hi),
            pulp.LpInteger if integer[j] else pulp.LpContinuous,
        )
        for j, (n, lo, hi) in enumerate(zip(col_names, lp.col_lower, lp.col_upper, strict=True))
    ]
    nz = np.flatnonzero(lp.cost)
    prob.setObjective(
        pulp.LpAffineExpression(
            [(variables[j], float(lp.cost[j])) for j in nz], constant=lp.objective_offset
        )
    )
    A = lp.A
    per_row: list[list[pulp.LpConstraint]] = []
    for i in range(lp.n_rows):
        start, end = A.indptr[i], A.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [(variables[j], float(v)) for j, v in zip(A.indices[start:end], A.data[start:end],
                                                       strict=True)]
        )
        lo, hi = lp.row_lower[i], lp.row_upper[i]
        made = []
        if start == end:  # empty row: feasible or not, nothing for the solver to see
            per_row.append(made)
            continue
        if lo == hi:
            made.append(pulp.LpConstraint(expr, pulp.LpConstraintEQ, row_names[i], float(hi)))
        else:
            both = np.isfinite(lo) and np.isfinite(hi)
            if np.isfinite(lo):
                made.append(pulp.LpConstraint(
                    expr, pulp.LpConstraintGE, row_names[i] + ("_min" if both else ""), float(lo)
                ))
            if np.isfinite(hi):
                made.append(pulp.LpConstraint(
                    expr, pulp.LpConstraintLE, row_names[i] + ("_max" if both else ""), float(hi)
                ))
        for c in made:
            prob.addConstraint(c)
        per_row.append(made)
    return prob, variables, per_row


def write_lp(lp: LinearProgram, path: str | Path) -> Path:
    """Write the program as a CPLEX-LP file with readable names."""
    prob, _, _ = to_pulp(lp)
    path = Path(path)
    prob.writeLP(str(path))
    return path


def write_mps(lp: LinearProgram, path: str | Path) -> Path:
    """Write the program as a free-format MPS file with readable names."""
    prob, _, _ = to_pulp(lp)
    path = Path(path)
    prob.writeMPS(str(path), with_objsense=True)
    return path


def _solver(name: str, lp: LinearProgram, time_limit: float | None, verbose: bool,
            log: Path):
    mip = lp.is_mip
    if name == "cbc":
        import cbcbox  # CBC's binary (pulp[cbc]): loaded only when CBC is asked for

        # the log goes to a file: it is printed when verbose, and read to settle an
        # "unknown" status (CBC's bound tightening can prove infeasibility without a status)
        # CBC's bound propagation before the LP solve is meant for MIPs; on an LP it only
        # moves the answer (rows met to ~1e-6 instead of 1e-9) and the duals: off for LPs
        options = [] if mip else ["boundPropLevel off", "singletonBounds off"]
        if time_limit is not None and not mip:
            warnings.warn("CBC does not enforce time_limit on a linear program (it solves to "
                          "optimality); use solver='highs' for a time-limited LP solve",
                          UserWarning, stacklevel=5)
        return pulp.COIN_CMD(
            path=cbcbox.cbc_bin_path(), msg=False, logPath=str(log), timeLimit=time_limit,
            mip=mip, threads=1, options=options, gapRel=MIP_REL_GAP if mip else None,
        )
    if name == "pulp-highs":
        return pulp.HiGHS(msg=verbose, timeLimit=time_limit, mip=mip, threads=1,
                          gapRel=MIP_REL_GAP if mip else None)
    raise ValueError(name)


def solve_pulp(lp: LinearProgram, options: SolveOptions) -> Solution:
    """Solve through PuLP with CBC (``"cbc"``) or PuLP's HiGHS (``"pulp-highs"``)."""
    solver, time_limit, verbose = options.solver, options.time_limit, options.verbose
    prob, variables, per_row = to_pulp(lp)
    with tempfile.TemporaryDirectory(prefix="ikmopt-") as tmp:
        log = Path(tmp) / "solver.log"
        backend = _solver(solver, lp, time_limit, verbose, log)
        start = time.perf_counter()
        with silenced(not verbose):
            try:
                prob.solve(backend)
            except pulp.PulpSolverError as err:
                check_status(Status.ERROR, solver, str(err), False)
        runtime = time.perf_counter() - start
        log_text = log.read_text(errors="replace") if log.exists() else ""
    if verbose and log_text:
        print(log_text)
    status, message, has_point = _status(prob, solver, log_text, verbose)
    check_status(status, solver, message, has_point)
    x = clean_point(lp, np.array([v.varValue or 0.0 for v in variables], dtype=float))
    activity = lp.A @ x
    _check_empty_rows(lp, solver)
    if lp.is_mip or status is not Status.OPTIMAL:
        row_dual = np.full(lp.n_rows, np.nan)
        col_dual = np.full(lp.n_cols, np.nan)
    else:
        sign = -1.0 if solver == "pulp-highs" else 1.0
        row_dual = sign * np.array(
            [sum((c.pi or 0.0) for c in made) for made in per_row], dtype=float
        )
        col_dual = sign * np.array([v.dj or 0.0 for v in variables], dtype=float)
        if solver == "cbc":
            _repair_duals(lp, x, activity, row_dual, col_dual)
    return Solution(
        status=status,
        x=x,
        objective=float(lp.cost @ x + lp.objective_offset),
        row_activity=activity,
        row_dual=row_dual,
        col_dual=col_dual,
        solver=solver,
        runtime=runtime,
        message=message,
    )


def _status(prob: pulp.LpProblem, solver: str, log: str = "",
            verbose: bool = False) -> tuple[Status, str, bool]:
    """Translate PuLP's (or, for PuLP's HiGHS, HiGHS's own) status."""
    if solver == "pulp-highs" and getattr(prob, "solverModel", None) is not None:
        h = prob.solverModel
        model_status = h.getModelStatus()
        if model_status == highspy.HighsModelStatus.kUnboundedOrInfeasible:
            # presolve could not tell which; settle it without presolve (as the direct path)
            h.setOptionValue("presolve", "off")
            with silenced(not verbose):
                h.run()
            model_status = h.getModelStatus()
        message = h.modelStatusToString(model_status)
        has_point = h.getInfo().primal_solution_status == 2
        mapping = {
            highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
            highspy.HighsModelStatus.kModelEmpty: Status.OPTIMAL,
            highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
            highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
            highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
            highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
            highspy.HighsModelStatus.kIterationLimit: Status.ITERATION_LIMIT,
        }
        return mapping.get(model_status, Status.ERROR), message, has_point
    message = pulp.LpStatus.get(prob.status, str(prob.status))
    if prob.status == pulp.LpStatusOptimal:
        if prob.sol_status == pulp.LpSolutionIntegerFeasible:
            return Status.TIME_LIMIT, message + " (stopped early, integer feasible)", True
        return Status.OPTIMAL, message, True
    if prob.status == pulp.LpStatusInfeasible:
        return Status.INFEASIBLE, message, False
    if prob.status == pulp.LpStatusUnbounded:
        return Status.UNBOUNDED, message, False
    if prob.status == pulp.LpStatusNotSolved:
        return Status.TIME_LIMIT, message, prob.sol_status == pulp.LpSolutionIntegerFeasible
    if solver == "cbc" and re.search(r"infeasib", log, flags=re.IGNORECASE):
        return Status.INFEASIBLE, "infeasible (proved by CBC's bound tightening)", False
    return Status.ERROR, message, False


def _check_empty_rows(lp: LinearProgram, solver: str) -> None:
    """Rows without nonzeros never reach the solver; a bound excluding 0 is infeasible."""
    empty = np.flatnonzero(np.diff(lp.A.indptr) == 0)
    bad = empty[(lp.row_lower[empty] > 1e-9) | (lp.row_upper[empty] < -1e-9)]
    if len(bad):
        check_status(Status.INFEASIBLE, solver, "a constraint over no cells excludes zero", False)


def _repair_duals(
    lp: LinearProgram, x: np.ndarray, activity: np.ndarray, row_dual: np.ndarray,
    col_dual: np.ndarray, tol: float = 1e-7,
) -> None:
    """Restore complementary slackness in CBC's duals (in place).

    CBC's presolve can leave the dual of a row on the reduced cost of a column that is
    strictly between its bounds (a basic column must have a zero reduced cost): a row it
    turned into a bound, or a row it merged. Given the optimal point, the correction ``d``
    on the binding rows solves ``A[binding, basic]^T d = z[basic]`` (least squares); it is
    kept only if the corrected duals satisfy every sign condition of optimality.
    """
    lo, hi = lp.col_lower, lp.col_upper
    scale = np.maximum(1.0, np.abs(x))
    basic = (x - lo > tol * scale) & (hi - x > tol * scale)
    if not basic.any() or np.abs(col_dual[basic]).max() <= tol:
        return
    row_scale = np.maximum(1.0, np.abs(activity))
    at_lower = np.abs(activity - lp.row_lower) <= tol * row_scale
    at_upper = np.abs(activity - lp.row_upper) <= tol * row_scale
    binding = np.flatnonzero(at_lower | at_upper)
    sub = lp.A[binding][:, np.flatnonzero(basic)].T.tocsr()
    delta = spla.lsqr(sub, col_dual[basic], atol=1e-14, btol=1e-14, iter_lim=10_000)[0]
    y = row_dual.copy()
    y[binding] += delta
    z = lp.cost - lp.A.T @ y
    ok = np.abs(z[basic]).max() <= 1e-6 * max(1.0, np.abs(lp.cost).max())
    at_lo_col = ~basic & (x - lo <= tol * scale)
    at_hi_col = ~basic & ~at_lo_col
    ok &= not (z[at_lo_col & (hi - x > tol * scale)] > 1e-7).any()  # at lower: z <= 0
    ok &= not (z[at_hi_col & (x - lo > tol * scale)] < -1e-7).any()  # at upper: z >= 0
    only_lower = at_lower & ~at_upper
    only_upper = at_upper & ~at_lower
    ok &= not (y[only_lower] > 1e-7).any() and not (y[only_upper] < -1e-7).any()
    if ok:
        row_dual[:] = y
        col_dual[:] = z
