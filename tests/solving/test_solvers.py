"""Every solver outcome on every solver path, duals checked by KKT, silence and memory.

* Status: optimal, infeasible, unbounded, time limit with and without a feasible point,
  iteration limit and empty models map to ikmopt's own :class:`~ikmopt.Status` or exception
  on ``highs`` (highspy direct), ``cbc`` (PuLP + CBC binary) and ``pulp-highs`` (PuLP's HiGHS
  wrapper, which itself calls a time-limit or iteration-limit stop "Optimal").
* Duals: for optimal LPs the row duals ``y`` and column duals ``z`` (ikmopt's convention: the
  change of the objective per unit increase of the binding bound, the sense being *maximize*)
  must satisfy the KKT conditions of ``max c x  s.t.  L <= A x <= U, l <= x <= u``:
  stationarity ``c - A^T y - z = 0``, primal feasibility, ``y > 0`` only on a row at its upper
  bound and ``y < 0`` only at its lower bound (the same for ``z`` and the column bounds), and
  a zero duality gap. Checked on the solution itself, not by comparing solvers.
* With ``verbose=False`` nothing reaches file descriptors 1 and 2 (subprocess).
* Memory (RSS) grows by less than 5 % over 1,000 sequential solves (subprocess).
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pulp
import pytest
import scipy.sparse as sp

import ikmopt as ik
import ikmopt.solving.solvers.pulp as pulp_backend
from ikmopt.model.build import build
from ikmopt.model.lp import LinearProgram, ModelBuilder, RowBlock
from ikmopt.solving.solvers import solve
from ikmopt.solving.solvers.base import silenced
from ikmopt.solving.solvers.highs import solve_highs

SOLVERS = ["highs", "cbc", "pulp-highs"]
#: Seconds given to MIPs that need far longer (HiGHS runs > 30 s, CBC > 10 s on both).
TIME_LIMIT = 1.0
#: Relative tolerance of the KKT checks (observed residuals: below 1e-12).
KKT_TOL = 1e-9


def test_solver_names_are_the_three_paths() -> None:
    assert tuple(SOLVERS) == ik.SOLVERS


# ---------------------------------------------------------------------------- instances
def make_lp(
    cost,
    A,
    row_lower,
    row_upper,
    *,
    col_upper=None,
    col_lower=None,
    integer=None,
    offset: float = 0.0,
) -> LinearProgram:
    """A small program assembled with the library's own ModelBuilder (maximize)."""
    cost = np.asarray(cost, dtype=float)
    n = len(cost)
    dense = np.asarray(A, dtype=float).reshape(-1, n) if n else np.zeros((len(row_lower), 0))
    coo = sp.coo_matrix(dense)
    cells = pd.MultiIndex.from_arrays(
        [[f"r{j}" for j in range(n)], ["p"] * n], names=["region", "program"]
    )
    upper = np.full(n, np.inf) if col_upper is None else np.asarray(col_upper, dtype=float)
    builder = ModelBuilder(cells, upper)
    builder.add_rows(
        RowBlock(
            "test",
            pd.Index([f"row{i}" for i in range(dense.shape[0])]),
            coo.row,
            coo.col,
            coo.data,
            np.asarray(row_lower, dtype=float),
            np.asarray(row_upper, dtype=float),
        ),
        constraint=0,
    )
    builder.cost[:] = cost
    lp = builder.build(None if integer is None else np.asarray(integer, dtype=bool))
    if col_lower is not None:
        lp = dataclasses.replace(lp, col_lower=np.asarray(col_lower, dtype=float))
    if offset:
        lp = lp.with_cost(lp.cost, offset)
    return lp


def packing_lp(n: int = 60, m: int = 15, seed: int = 0) -> LinearProgram:
    """max c x, A x <= A 1 / 4, 0 <= x <= 1: x = 0 is feasible (a primal simplex start)."""
    rng = np.random.default_rng(seed)
    A = rng.uniform(1, 10, (m, n))
    return make_lp(rng.uniform(1, 10, n), A, np.full(m, -np.inf), A.sum(axis=1) / 4,
                   col_upper=np.ones(n))


def hard_knapsack(n: int = 300, m: int = 20, seed: int = 1) -> LinearProgram:
    """A multi-dimensional 0/1 knapsack: x = 0 is feasible, proving optimality takes long."""
    rng = np.random.default_rng(seed)
    W = rng.integers(1, 1000, size=(m, n)).astype(float)
    cost = W.sum(axis=0) / m + rng.integers(0, 100, n)
    return make_lp(cost, W, np.full(m, -np.inf), 0.5 * W.sum(axis=1), col_upper=np.ones(n),
                   integer=np.ones(n, dtype=bool))


def market_split(m: int = 6, seed: int = 0) -> LinearProgram:
    """Cornuejols-Dawande market split: A x = b, x binary, b = half the row sums.

    With 6 rows and 50 columns a solution is expected to exist with probability ~0.06;
    branch and bound finds no feasible point in minutes (HiGHS: none in 30 s, CBC: none in
    10 s), so a short time limit always stops it empty-handed.
    """
    rng = np.random.default_rng(seed)
    n = 10 * (m - 1)
    A = rng.integers(0, 100, size=(m, n)).astype(float)
    b = np.floor(A.sum(axis=1) / 2)
    return make_lp(np.zeros(n), A, b, b, col_upper=np.ones(n), integer=np.ones(n, dtype=bool))


def project_mip(n_regions: int = 50, per_region: int = 10, n_limits: int = 8,
                seed: int = 3) -> tuple[ik.Dataset, ik.Policy, pd.DataFrame]:
    """A dataset of 500 all-or-nothing projects competing for a budget and 8 other limits.

    Cells have no capacity, so jobs come from projects only; the budget and the 8 resource
    limits (``Target(max=)``) make it a multi-dimensional knapsack that HiGHS does not prove
    optimal in 30 s nor CBC in 20 s.
    """
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame({"population": rng.integers(100_000, 5_000_000, n_regions)},
                           index=[f"R{i:02d}" for i in range(n_regions)])
    programs = pd.DataFrame({"name": ["training", "sentra"]}, index=["t", "s"])
    limits = [f"m{k}" for k in range(n_limits)]
    impacts = pd.DataFrame({"region": np.repeat(regions.index, 2),
                            "program": ["t", "s"] * n_regions, "jobs": 1.0, "capacity": 0.0})
    for metric in limits:
        impacts[metric] = 0.0
    n = n_regions * per_region
    cost = rng.integers(10, 100, n).astype(float)
    use = rng.integers(10, 100, (n, n_limits)).astype(float)
    projects = pd.DataFrame({
        "project": [f"P{i:03d}" for i in range(n)],
        "region": np.repeat(regions.index, per_region),
        "program": "s",
        "cost": cost,
        "jobs": np.round(use.sum(axis=1) / n_limits + cost / 2 + rng.integers(0, 20, n)),
    })
    for k, metric in enumerate(limits):
        projects[metric] = use[:, k]
    data = ik.Dataset(regions, programs, impacts, projects=projects, name="hard-mip")
    policy = ik.Policy(
        budget=ik.Budget(total=float(cost.sum() / 2)),
        constraints=[ik.Target(metric, max=float(use[:, k].sum() / 2))
                     for k, metric in enumerate(limits)],
        objective=ik.Maximize("jobs"),
    )
    return data, policy, projects.set_index("project")


def big_lp() -> LinearProgram:
    """An LP of 8,311 columns and 3,604 rows that HiGHS solves in ~0.35 s (simplex)."""
    data = ik.datasets.synthetic(n_regions=60, n_programs=6, n_sectors=6, n_years=3, seed=1)
    policy = ik.Policy(
        budget=ik.Budget(total=round(0.3 * float(data.impacts["capacity"].sum()))),
        constraints=[ik.GroupShare("kti", min=0.4),
                     ik.GiniCap(of="spend", per="population", max=0.3)],
        objective=ik.Maximize("jobs"),
    )
    return build(data, policy)


def assert_feasible(lp: LinearProgram, x: np.ndarray, tol: float = 1e-9) -> None:
    activity = lp.A @ x
    row_scale = 1.0 + abs(lp.A) @ np.abs(x)
    assert np.all(activity >= lp.row_lower - tol * row_scale)
    assert np.all(activity <= lp.row_upper + tol * row_scale)
    col_scale = 1.0 + np.abs(x)
    assert np.all(x >= lp.col_lower - tol * col_scale)
    assert np.all(x <= lp.col_upper + tol * col_scale)
    if lp.is_mip:
        ints = x[lp.integrality]
        np.testing.assert_array_equal(ints, np.round(ints))


# ---------------------------------------------------------------------------- optimal
@pytest.mark.parametrize("solver", SOLVERS)
def test_optimal_lp_hand_solved(solver: str) -> None:
    # max x0 + 2 x1, x0 + x1 <= 4, x <= 3: x = (1, 3), objective 7. The row is worth 1 per
    # unit (x0 grows), x1's capacity 2 - 1 = 1 (swap a unit of x0 for x1).
    lp = make_lp([1, 2], [[1, 1]], [-np.inf], [4], col_upper=[3, 3], offset=0.5)
    sol = solve(lp, solver)
    assert sol.status is ik.Status.OPTIMAL
    assert sol.solver == solver
    np.testing.assert_allclose(sol.x, [1, 3], atol=1e-9)
    assert sol.objective == pytest.approx(7.5)
    np.testing.assert_allclose(sol.row_dual, [1], atol=1e-9)
    np.testing.assert_allclose(sol.col_dual, [0, 1], atol=1e-9)
    np.testing.assert_allclose(sol.row_activity, [4], atol=1e-9)


@pytest.mark.parametrize("solver", SOLVERS)
def test_optimal_mip_hand_solved(solver: str) -> None:
    # max 5a + 4b + 3c, 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integer:
    # (2, 0, 1) gives 13; duals are not defined for a MIP (NaN, never a made-up number)
    lp = make_lp([5, 4, 3], [[2, 3, 1], [4, 1, 2], [3, 4, 2]], np.full(3, -np.inf), [5, 11, 8],
                 col_upper=[10, 10, 10], integer=[True, True, True])
    sol = solve(lp, solver)
    assert sol.status is ik.Status.OPTIMAL
    np.testing.assert_array_equal(sol.x, [2, 0, 1])
    assert sol.objective == pytest.approx(13)
    assert np.isnan(sol.row_dual).all() and np.isnan(sol.col_dual).all()


# ---------------------------------------------------------------------------- infeasible
INFEASIBLE = {
    "lp": lambda: make_lp([1, 2], [[1, 1]], [5], [np.inf], col_upper=[1, 1]),
    "lp-unbounded-direction": lambda: make_lp([1, 1], [[1, 0], [1, 0]], [3, -np.inf],
                                              [np.inf, 2]),
    "mip-parity": lambda: make_lp([1, 1], [[2, 2]], [3], [3], col_upper=[5, 5],
                                  integer=[True, True]),
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("case", list(INFEASIBLE))
def test_infeasible_raises(solver: str, case: str) -> None:
    with pytest.raises(ik.InfeasibleError) as info:
        solve(INFEASIBLE[case](), solver)
    err = info.value
    assert isinstance(err, ik.SolverError) and isinstance(err, RuntimeError)
    assert err.status == "infeasible"
    assert solver in str(err)
    assert pickle.loads(pickle.dumps(err)).status == "infeasible"


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_policy_raises_through_optimize(solver: str, provinces: ik.Dataset) -> None:
    # 38 floors of Rp 10 bn cannot fit in Rp 100 bn
    policy = ik.Policy(budget=ik.Budget(total=100), constraints=[ik.RegionBounds(min=10)])
    with pytest.raises(ik.InfeasibleError) as info:
        ik.optimize(provinces, policy, solver=solver)
    assert info.value.status == "infeasible"


# ---------------------------------------------------------------------------- unbounded
UNBOUNDED = {
    # x0 - x1 <= 4 with both uncapped: x0 = x1 -> infinity
    "lp": lambda: make_lp([1, 2], [[1, -1]], [-np.inf], [4]),
    # no rows at all and no capacity
    "lp-no-rows": lambda: make_lp([1, 2], np.zeros((0, 2)), [], []),
    # a free column with a positive cost and no row on it
    "lp-free-column": lambda: make_lp([0, 1], [[1, 0]], [-np.inf], [4],
                                      col_lower=[-np.inf, -np.inf]),
    # a MIP: HiGHS's presolve first says "infeasible or unbounded"
    "mip": lambda: make_lp([1, 1], [[1, -1]], [-np.inf], [4], integer=[True, False]),
}


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("case", list(UNBOUNDED))
def test_unbounded_raises(solver: str, case: str) -> None:
    with pytest.raises(ik.UnboundedError) as info:
        solve(UNBOUNDED[case](), solver)
    err = info.value
    assert isinstance(err, ik.SolverError)
    assert not isinstance(err, ik.InfeasibleError)
    assert err.status == "unbounded"
    assert pickle.loads(pickle.dumps(err)).status == "unbounded"


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_an_unbounded_program_names_its_direction(solver):
    from ikmopt.model.lp import ModelBuilder
    from ikmopt.solving.solvers import solve

    cells = pd.MultiIndex.from_tuples([("A", "p"), ("B", "p")], names=["region", "program"])
    builder = ModelBuilder(cells, np.array([np.inf, 5.0]))  # A's capacity left open
    builder.cost = np.array([1.0, 1.0])
    with pytest.raises(ik.UnboundedError) as err:
        solve(builder.build(), solver)
    assert "spend in cell (A, p) grow" in str(err.value)
    assert "(B, p)" not in str(err.value)


# ---------------------------------------------------------------------------- time limit
@pytest.fixture(scope="module")
def hard_projects() -> tuple[ik.Dataset, ik.Policy, pd.DataFrame]:
    return project_mip()


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_with_feasible_plan_is_not_optimal(solver: str, hard_projects) -> None:
    data, policy, projects = hard_projects
    result = ik.optimize(data, policy, solver=solver, time_limit=TIME_LIMIT)
    assert result.status is ik.Status.TIME_LIMIT
    assert str(result.status) == "time_limit"
    assert not result.is_optimal
    assert result.solution.runtime >= 0.9 * TIME_LIMIT  # it really ran into the limit
    # the plan is a real one: recompute it from the projects table alone
    built = result.projects["built"].reindex(projects.index).astype(bool).to_numpy()
    chosen = projects[built]
    assert len(chosen) > 0
    assert chosen["jobs"].sum() == pytest.approx(result.objective, rel=1e-9)
    assert result.objective > 0
    assert chosen["cost"].sum() <= policy.budget.total + 1e-6
    for target in policy.constraints:
        assert chosen[target.metric].sum() <= target.max + 1e-6
    # a MIP stopped early has no shadow prices, only NaN
    assert result.constraints["shadow_price"].isna().all()


def test_pulp_highs_wrapper_calls_a_time_limit_stop_optimal(hard_projects) -> None:
    # the trap ikmopt must normalize: PuLP's own status for the same stop is "Optimal"
    data, policy, _ = hard_projects
    lp = build(data, policy)
    prob, _, _ = pulp_backend.to_pulp(lp)
    with silenced():
        prob.solve(pulp.HiGHS(msg=False, timeLimit=TIME_LIMIT, threads=1, gapRel=1e-6))
    assert pulp.LpStatus[prob.status] == "Optimal"
    assert prob.solverModel.getModelStatus().name == "kTimeLimit"
    # ... while ikmopt, on the same program and path, says time_limit
    sol = solve(lp, "pulp-highs", time_limit=TIME_LIMIT)
    assert sol.status is ik.Status.TIME_LIMIT
    assert sol.objective == pytest.approx(float(lp.cost @ sol.x))
    assert sol.objective > 0
    assert_feasible(lp, sol.x, tol=1e-7)


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_without_feasible_point_raises(solver: str) -> None:
    lp = market_split()
    start = time.perf_counter()
    with pytest.raises(ik.SolverError) as info:
        solve(lp, solver, time_limit=TIME_LIMIT)
    assert time.perf_counter() - start >= 0.9 * TIME_LIMIT
    err = info.value
    assert type(err) is ik.SolverError  # neither infeasible nor unbounded: not proven
    assert err.status == "time_limit"
    assert "time limit" in str(err)
    assert pickle.loads(pickle.dumps(err)).status == "time_limit"


@pytest.fixture(scope="module")
def lp_for_time_limit() -> LinearProgram:
    return big_lp()


@pytest.mark.parametrize("solver", ["highs", "pulp-highs"])
def test_lp_time_limit_is_enforced(solver: str, lp_for_time_limit: LinearProgram) -> None:
    lp = lp_for_time_limit
    limit = 0.01  # HiGHS needs ~0.35 s, CBC ~0.8 s
    try:
        sol = solve(lp, solver, time_limit=limit)
    except ik.SolverError as err:  # stopped in the dual simplex: no feasible point yet
        assert type(err) is ik.SolverError
        assert err.status == "time_limit"
        return
    assert sol.status is ik.Status.TIME_LIMIT, (sol.status, sol.runtime)
    assert np.isnan(sol.row_dual).all()
    assert_feasible(lp, sol.x, tol=1e-7)


def test_cbc_says_it_does_not_enforce_an_lp_time_limit(lp_for_time_limit: LinearProgram) -> None:
    """The bundled CBC binary ignores -sec on an LP: the plan is optimal and honestly labelled
    so, and the user is told the limit was not enforced."""
    lp = lp_for_time_limit
    with pytest.warns(UserWarning, match="does not enforce time_limit"):
        sol = solve(lp, "cbc", time_limit=0.01)
    assert sol.status is ik.Status.OPTIMAL
    reference = solve(lp, "highs")
    assert sol.objective == pytest.approx(reference.objective, rel=1e-7)


# ---------------------------------------------------------------------------- iteration limit
PRIMAL_SIMPLEX_3_ITERATIONS = {"simplex_iteration_limit": 3, "simplex_strategy": 4}


def _assert_iteration_limited(lp: LinearProgram, sol: ik.Solution, optimum: float) -> None:
    assert sol.status is ik.Status.ITERATION_LIMIT
    assert str(sol.status) == "iteration_limit"
    assert sol.objective < optimum - 1e-6  # really stopped short of the optimum
    assert sol.objective == pytest.approx(float(lp.cost @ sol.x))
    assert_feasible(lp, sol.x)
    # duals of a basis that is not optimal are no shadow prices
    assert np.isnan(sol.row_dual).all() and np.isnan(sol.col_dual).all()


def test_iteration_limit_with_feasible_point_highs() -> None:
    # primal simplex starts at the feasible x = 0 and stops after 3 iterations
    lp = packing_lp()
    optimum = solve(lp, "highs").objective
    sol = solve_highs(lp, highs_options=PRIMAL_SIMPLEX_3_ITERATIONS)
    _assert_iteration_limited(lp, sol, optimum)


def test_iteration_limit_with_feasible_point_pulp_highs(monkeypatch) -> None:
    # PuLP has no iteration-limit argument: give PuLP's HiGHS the option the way a user's
    # solverParams would, then check ikmopt's translation (PuLP itself says "Optimal")
    make_backend = pulp_backend._solver

    def limited(name, lp, time_limit, verbose, log):
        backend = make_backend(name, lp, time_limit, verbose, log)
        backend.optionsDict.update(PRIMAL_SIMPLEX_3_ITERATIONS)
        return backend

    lp = packing_lp()
    optimum = solve(lp, "highs").objective
    monkeypatch.setattr(pulp_backend, "_solver", limited)
    sol = solve(lp, "pulp-highs")
    _assert_iteration_limited(lp, sol, optimum)


@pytest.mark.parametrize("options", [{"simplex_iteration_limit": 1},
                                     {"ipm_iteration_limit": 1, "solver": "ipm"}])
def test_iteration_limit_without_feasible_point_highs(options: dict,
                                                      provinces: ik.Dataset) -> None:
    # the bundled plan's floors make x = 0 infeasible: one dual simplex (or IPM) iteration
    # ends without a feasible plan
    lp = ik.optimize(provinces, ik.default_policy()).lp
    with pytest.raises(ik.SolverError) as info:
        solve_highs(lp, highs_options=options)
    assert type(info.value) is ik.SolverError
    assert info.value.status == "iteration_limit"


def test_work_limit_on_cbc_is_not_optimal(monkeypatch) -> None:
    # CBC ignores maxIterations in branch and cut (and, on this binary, on LPs); its work
    # limit is maxNodes. A stop after one node must not be labelled optimal either.
    make_backend = pulp_backend._solver

    def one_node(name, lp, time_limit, verbose, log):
        backend = make_backend(name, lp, time_limit, verbose, log)
        backend.optionsDict["maxNodes"] = 1
        return backend

    lp = hard_knapsack()
    monkeypatch.setattr(pulp_backend, "_solver", one_node)
    sol = solve(lp, "cbc")
    assert sol.status is not ik.Status.OPTIMAL
    assert sol.status in (ik.Status.TIME_LIMIT, ik.Status.ITERATION_LIMIT)
    assert sol.objective > 0
    assert sol.objective == pytest.approx(float(lp.cost @ sol.x))
    assert_feasible(lp, sol.x)
    assert np.isnan(sol.row_dual).all()


# ---------------------------------------------------------------------------- empty models
@pytest.mark.parametrize("solver", SOLVERS)
def test_empty_model_no_columns_no_rows(solver: str) -> None:
    lp = make_lp([], np.zeros((0, 0)), [], [], offset=2.5)
    assert (lp.n_cols, lp.n_rows) == (0, 0)
    sol = solve(lp, solver)
    assert sol.status is ik.Status.OPTIMAL
    assert sol.x.shape == (0,) and sol.row_dual.shape == (0,) and sol.col_dual.shape == (0,)
    assert sol.objective == pytest.approx(2.5)


@pytest.mark.parametrize("solver", SOLVERS)
def test_empty_model_no_columns_rows_admit_zero(solver: str) -> None:
    # rows over no columns have activity 0; 0 lies within [0, 1] and [-1, 1]: optimal, and
    # an optimal program prices every row (a zero price, not NaN)
    lp = make_lp([], np.zeros((2, 0)), [0, -1], [1, 1])
    assert (lp.n_cols, lp.n_rows) == (0, 2)
    sol = solve(lp, solver)
    assert sol.status is ik.Status.OPTIMAL
    np.testing.assert_array_equal(sol.row_activity, [0, 0])
    np.testing.assert_array_equal(sol.row_dual, [0, 0])


@pytest.mark.parametrize("solver", SOLVERS)
def test_empty_model_no_columns_row_excludes_zero(solver: str) -> None:
    # a row over no columns with bounds [1, 1] can never hold
    lp = make_lp([], np.zeros((2, 0)), [0, 1], [1, 1])
    with pytest.raises(ik.InfeasibleError) as info:
        solve(lp, solver)
    assert info.value.status == "infeasible"


@pytest.mark.parametrize("solver", SOLVERS)
def test_empty_model_no_rows(solver: str) -> None:
    # no rows: every column goes to its capacity and its reduced cost is its cost
    lp = make_lp([1, 2, -1], np.zeros((0, 3)), [], [], col_upper=[3, 4, 5])
    assert lp.n_rows == 0
    sol = solve(lp, solver)
    assert sol.status is ik.Status.OPTIMAL
    np.testing.assert_allclose(sol.x, [3, 4, 0])
    assert sol.objective == pytest.approx(11)
    np.testing.assert_allclose(sol.col_dual, [1, 2, -1], atol=1e-9)
    assert_kkt(lp, sol)


# ---------------------------------------------------------------------------- KKT
def _side(dual, lower, upper, value, scale, dual_norm, tol, what):
    """Sign and complementary slackness of one kind of dual; return its dual-objective part."""
    pos, neg = np.maximum(dual, 0.0), np.maximum(-dual, 0.0)
    has_upper, has_lower = np.isfinite(upper), np.isfinite(lower)
    # a positive price needs an upper bound to relax, a negative one a lower bound
    assert pos[~has_upper].max(initial=0.0) <= tol * dual_norm, f"{what}: y > 0, no upper bound"
    assert neg[~has_lower].max(initial=0.0) <= tol * dual_norm, f"{what}: y < 0, no lower bound"
    # ... and only where that bound binds
    gap_upper = (upper[has_upper] - value[has_upper]) / scale[has_upper]
    gap_lower = (value[has_lower] - lower[has_lower]) / scale[has_lower]
    worst_upper = (pos[has_upper] * gap_upper).max(initial=0.0)
    worst_lower = (neg[has_lower] * gap_lower).max(initial=0.0)
    assert worst_upper <= tol * dual_norm, f"{what}: y > 0 on a slack upper bound"
    assert worst_lower <= tol * dual_norm, f"{what}: y < 0 on a slack lower bound"
    return float(pos[has_upper] @ upper[has_upper] - neg[has_lower] @ lower[has_lower])


def assert_kkt(lp: LinearProgram, sol: ik.Solution, tol: float = KKT_TOL) -> None:
    """KKT conditions of max c x s.t. L <= A x <= U, l <= x <= u in ikmopt's sign convention."""
    assert sol.status is ik.Status.OPTIMAL
    c, A, x, y, z = lp.cost, lp.A, sol.x, sol.row_dual, sol.col_dual
    assert y.shape == (lp.n_rows,) and z.shape == (lp.n_cols,)
    assert np.isfinite(y).all() and np.isfinite(z).all()
    absA = abs(A)
    activity = A @ x
    np.testing.assert_allclose(sol.row_activity, activity, rtol=1e-12, atol=1e-12)
    assert sol.objective == pytest.approx(float(c @ x) + lp.objective_offset, rel=1e-12,
                                          abs=1e-12)
    # primal feasibility, relative to each row's scale
    row_scale = 1.0 + absA @ np.abs(x)
    col_scale = 1.0 + np.abs(x)
    assert_feasible(lp, x, tol)
    # stationarity: c = A^T y + z, relative to the size of the terms
    residual = c - A.T @ y - z
    terms = np.abs(c) + absA.T @ np.abs(y) + np.abs(z)
    assert np.abs(residual).max(initial=0.0) <= tol * max(terms.max(initial=0.0), 1e-300), (
        "stationarity", np.abs(residual).max(), terms.max()
    )
    # dual sign feasibility and complementary slackness
    dual_norm = max(np.abs(c).max(initial=0.0), np.abs(y).max(initial=0.0),
                    np.abs(z).max(initial=0.0), 1e-300)
    dual_rows = _side(y, lp.row_lower, lp.row_upper, activity, row_scale, dual_norm, tol, "row")
    dual_cols = _side(z, lp.col_lower, lp.col_upper, x, col_scale, dual_norm, tol, "column")
    # strong duality: the priced bounds add up to the objective
    size = 1.0 + np.abs(c) @ np.abs(x) + abs(dual_rows) + abs(dual_cols)
    assert abs(float(c @ x) - dual_rows - dual_cols) <= tol * size


def _kkt_instances() -> dict[str, tuple[ik.Dataset, ik.Policy]]:
    out = {"bundled-default": (ik.datasets.load(), ik.default_policy())}
    data = ik.datasets.synthetic(n_regions=30, n_programs=4, n_sectors=0, n_years=0, seed=1)
    cap = float(data.impacts["capacity"].sum())
    out["synthetic-shares-gini"] = (data, ik.Policy(
        budget=ik.Budget(total=round(0.4 * cap)),
        constraints=[ik.RegionBounds(min_share=0.003, max_share=0.08),
                     ik.GroupShare("kti", min=0.35),
                     ik.GiniCap(of="spend", per="population", max=0.35)],
        objective=ik.Maximize("jobs"),
    ))
    data = ik.datasets.synthetic(n_regions=20, n_programs=3, n_sectors=2, n_years=2, seed=2)
    cap = float(data.impacts["capacity"].sum())
    reachable = float((data.impacts["jobs"] * data.impacts["capacity"]).sum())
    out["synthetic-mincost-ramp"] = (data, ik.Policy(
        budget=ik.Budget(total=round(0.8 * cap)),
        constraints=[ik.ProgramShare(min=dict.fromkeys(data.programs.index, 0.2)),
                     ik.Ramp(max_rel_change=0.5, max_change=1.0)],
        objective=ik.MinCost([ik.Target("jobs", min=0.3 * reachable)]),
    ))
    data = ik.datasets.synthetic(n_regions=25, n_programs=4, n_sectors=0, n_years=0, seed=3)
    cap = float(data.impacts["capacity"].sum())
    va = float((data.impacts["value_added"] * data.impacts["capacity"]).sum())
    out["synthetic-equity-weighted"] = (data, ik.Policy(
        budget=ik.Budget(total=round(0.3 * cap)),
        constraints=[ik.OutcomeEquity("jobs", min_ratio=0.5),
                     ik.Target("value_added", max=0.2 * va)],
        objective=ik.Weighted(jobs=1.0, value_added=0.5),
    ))
    return out


KKT_INSTANCES = _kkt_instances()


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("name", list(KKT_INSTANCES))
def test_duals_satisfy_kkt(solver: str, name: str) -> None:
    data, policy = KKT_INSTANCES[name]
    result = ik.optimize(data, policy, solver=solver)
    lp, sol = result.lp, result.solution
    assert not lp.is_mip
    assert_kkt(lp, sol)
    # not a vacuous check: some rows are priced
    assert np.count_nonzero(np.abs(sol.row_dual) > 1e-9) > 0
    # the user-facing tables carry the same duals, in the objective's own sign
    table = result.constraints
    plain = lp.rows[lp.rows["kind"] != "definition"]["kind"].to_numpy() == "sum"
    kept = (lp.rows["kind"] != "definition").to_numpy()
    np.testing.assert_allclose(
        table["shadow_price"].to_numpy()[plain],
        result.sense * sol.row_dual[kept][plain],
        rtol=1e-12, atol=1e-12,
    )
    # a cell's reduced cost is its spend column's dual, plus, with a curve, the duals of
    # its full segments times their share of the capacity (the segments stretch with it;
    # test_curves checks this meaning against finite-difference re-solves)
    expected = sol.col_dual[: lp.n_cells].copy()
    if data.curves is not None:
        curves, segments = data.curves, lp.meta["segment_columns"]
        full = sol.x[segments] >= curves.width * (1 - 1e-7) - 1e-7
        np.add.at(expected, curves.cell[full], sol.col_dual[segments][full]
                  * curves.width[full] / data.capacity[curves.cell[full]])
    np.testing.assert_allclose(result.reduced_costs.to_numpy(), result.sense * expected,
                               rtol=1e-10, atol=1e-12)


def test_kkt_check_rejects_wrong_signs(provinces: ik.Dataset) -> None:
    # the check can fail: the duals with the opposite sign (PuLP's HiGHS on a maximization)
    result = ik.optimize(provinces, ik.default_policy())
    lp, sol = result.lp, result.solution
    assert_kkt(lp, sol)
    flipped = dataclasses.replace(sol, row_dual=-sol.row_dual, col_dual=-sol.col_dual)
    with pytest.raises(AssertionError):
        assert_kkt(lp, flipped)


# ---------------------------------------------------------------------------- silence
def _run(code: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          timeout=timeout, check=False)


SILENT_RUN = """
    import highspy
    import ikmopt as ik
    from ikmopt.solving.solvers.highs import new_highs

    data = ik.datasets.load()
    policy = ik.Policy(budget=ik.Budget(total=971),
                       constraints=[ik.RegionBounds(min_share=0.005),
                                    ik.GroupShare("kti", min=0.4)],
                       objective=ik.Maximize("jobs"))
    floors = ik.Policy(budget=ik.Budget(total=100), constraints=[ik.RegionBounds(min=10)])
    for k in range({n}):
        new_highs(False)  # the constructor prints HiGHS's banner unless silenced
        result = ik.optimize(data, policy, solver={solver!r}, verbose={verbose})
        if not result.is_optimal:
            raise SystemExit(3)
        if k % 10 == 0:  # the error paths (and the diagnosis) stay silent too
            try:
                ik.optimize(data, floors, solver={solver!r}, verbose={verbose})
            except ik.InfeasibleError:
                pass
            else:
                raise SystemExit(4)
"""


@pytest.mark.parametrize(("solver", "n"), [("highs", 100), ("cbc", 20), ("pulp-highs", 20)])
def test_solves_are_silent_at_file_descriptor_level(solver: str, n: int) -> None:
    done = _run(SILENT_RUN.format(n=n, solver=solver, verbose=False))
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout == b""
    assert done.stderr == b""


def test_silence_check_sees_solver_output() -> None:
    # control: the capture sees what the C++ solvers write to fd 1 (HiGHS's banner on a bare
    # constructor; the logs with verbose=True), so empty streams above mean silence
    bare = _run("import highspy; highspy.Highs()")
    assert b"HiGHS" in bare.stdout
    for solver in ("highs", "cbc"):
        loud = _run(SILENT_RUN.format(n=1, solver=solver, verbose=True))
        assert loud.returncode == 0, loud.stderr.decode(errors="replace")
        assert len(loud.stdout) > 0, solver


def test_solves_are_silent_at_the_file_descriptor_level() -> None:
    code = (
        "import ikmopt as ik\n"
        "d = ik.datasets.load()\n"
        "for s in ['highs', 'cbc', 'pulp-highs']:\n"
        "    ik.optimize(d, ik.default_policy(), solver=s)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert proc.stdout == b"" and proc.stderr == b""


# ---------------------------------------------------------------------------- memory
MEMORY_RUN = """
    import gc
    import os
    import time

    import ikmopt as ik

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def rss():
        gc.collect()
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * PAGE

    data = ik.datasets.load()
    policy = ik.Policy(budget=ik.Budget(total=971),
                       constraints=[ik.RegionBounds(min_share=0.005),
                                    ik.GroupShare("kti", min=0.4)],
                       objective=ik.Maximize("jobs"))
    for _ in range({warmup}):
        ik.optimize(data, policy, solver="highs").constraints
    before = rss()
    start = time.perf_counter()
    for _ in range({n}):
        result = ik.optimize(data, policy, solver="highs")
        result.constraints
        assert result.is_optimal
    print(before, rss(), time.perf_counter() - start)
"""


def test_memory_is_flat_over_1000_solves() -> None:
    done = _run(MEMORY_RUN.format(warmup=50, n=1000))
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    before, after, seconds = done.stdout.split()
    before, after = int(before), int(after)
    assert before > 50 * 2**20  # a real RSS reading (numpy, pandas, highspy are loaded)
    growth = (after - before) / before
    assert growth < 0.05, f"RSS {before / 2**20:.1f} -> {after / 2**20:.1f} MiB in {seconds} s"


def test_highs_recovers_after_pulp_highs_started_more_threads() -> None:
    """PuLP's own HiGHS wrapper, run with its default threads, must not break later solves."""
    code = (
        "import pulp, ikmopt as ik\n"
        "prob = pulp.LpProblem('t', pulp.LpMaximize)\n"
        "x = pulp.LpVariable('x', 0, 1)\n"
        "prob += x\n"
        "prob += x <= 0.5\n"
        "prob.solve(pulp.HiGHS(msg=False))\n"
        "print(ik.optimize(ik.datasets.load(), ik.default_policy()).status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "optimal"


def test_cost_scale_lifts_small_costs_and_leaves_large_ones_alone():
    from ikmopt.solving.solvers import cost_scale

    assert 1.0 <= 3e-3 * cost_scale(np.array([3e-3])) < 2.0
    assert cost_scale(np.array([1.0, 0.5])) == 1.0
    assert cost_scale(np.array([33.4, 1e6])) == 1.0  # scaling down only cost iterations
    assert cost_scale(np.zeros(3)) == 1.0


@pytest.mark.parametrize("algorithm", ["ipm", "simplex"])
def test_tiny_costs_give_the_same_optimum_as_the_same_plan_in_ordinary_units(algorithm):
    """The 41k-cell program with its costs divided by ~3e6 (largest 1e-5): unscaled, HiGHS
    IPM stopped 2e-4 short of the optimum; the answer must be the ordinary one, scaled."""
    data = ik.datasets.synthetic(n_regions=514, n_programs=8, n_sectors=2, n_years=5)
    _, years = data.level_codes("year")
    policy = ik.Policy(budget=ik.Budget(total=25_000, by={"year": dict.fromkeys(
        map(int, years), 5_500)}), constraints=[ik.RegionBounds(min=1.0),
                                                ik.GroupShare("kti", min=0.40)],
        objective=ik.Maximize("jobs"))
    lp = ik.build(data, policy)
    factor = 1e-5 / float(np.abs(lp.cost).max())
    ordinary = ik.solve(lp, algorithm=algorithm).objective
    tiny = ik.solve(lp.with_cost(lp.cost * factor), algorithm=algorithm).objective
    assert tiny == pytest.approx(ordinary * factor, rel=1e-9)


def test_reduced_costs_read_late_belong_to_their_own_solve() -> None:
    """HiGHS's reduced costs are read when first asked for, after the held model moved on."""
    from ikmopt.solving.solvers.highs import HeldModel

    lp = packing_lp()
    held = HeldModel(lp)
    first = held.run()
    moved = dataclasses.replace(lp, row_upper=lp.row_upper / 2)
    held.update(moved)
    second = held.run()
    # reduced costs are c - A^T y of each solve's own prices (the definition, not HiGHS)
    np.testing.assert_allclose(first.col_dual, lp.cost - lp.A.T @ first.row_dual, atol=1e-9)
    np.testing.assert_allclose(second.col_dual, lp.cost - lp.A.T @ second.row_dual, atol=1e-9)
    assert not np.allclose(first.col_dual, second.col_dual)
    third = held.run()
    again = pickle.loads(pickle.dumps(third))  # pickled before its reduced costs were read
    np.testing.assert_array_equal(again.col_dual, third.col_dual)
    assert dataclasses.replace(third, objective=0.0).col_dual is third.col_dual
