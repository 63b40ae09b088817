"""The LP of the peer benchmark, written once per contender; run as a fresh worker process.

    python benchmarks/peer_models.py CONTENDER TABLES_DIR ALGORITHM

Every contender starts from the same three pandas tables (``regions``, ``programs``,
``impacts``, pickled by ``benchmarks/peers.py``) and solves the same LP with HiGHS on one
thread. With x_c the spend in cell c (Rp bn), 0 <= x_c <= capacity_c:

    maximize    sum_c jobs_c x_c
    subject to  sum_c x_c                    <= total         (total budget)
                sum_{c in year t} x_c         <= per_year      (budget per year)
                sum_{c in region r} x_c       >= floor         (a floor for every region)
                sum_c (kti_c - share) x_c     >= 0             (KTI at least share of spend)

That is the policy of ``benchmarks/run.py``: ``Budget(total=25_000, by year 5_500)``,
``RegionBounds(min=1)``, ``GroupShare("kti", min=0.40)``, ``Maximize("jobs")``, with the
budgets scaled by the number of regions over 514 (so that they bind on smaller data); the
numbers are in ``policy.json`` beside the tables. The last row is the group share written as
one row (spend in KTI >= share x total spend).

The worker times, in this order: reading the tables (pandas imported first, as every
contender needs it), importing the contender's library, and **end to end**: formulate, solve
and return the allocation as a pandas Series over the cells. It prints one JSON line with the
times, the objective, the objective recomputed from the allocation and the peak RSS.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

METRIC_UNITS = {"jobs": "jobs", "value_added": "Rp bn per year"}


class Numbers(NamedTuple):
    """The numbers of the policy (Rp bn; the share as a fraction)."""

    total: float
    per_year: float
    floor: float = 1.0
    kti_share: float = 0.40

    @classmethod
    def for_regions(cls, n_regions: int) -> Numbers:
        """``run.py``'s budgets (25,000 and 5,500 per year at 514 regions), scaled."""
        return cls(total=round(25_000 * n_regions / 514), per_year=round(5_500 * n_regions / 514))


class Cells(NamedTuple):
    """The arrays a modeler derives from the tables with pandas: one entry per cell."""

    jobs: Any  # numpy arrays, in the order of impacts' rows
    capacity: Any
    region: Any  # position of the cell's region in ``regions``
    year: Any  # position of the cell's year among the years
    kti: Any  # 1.0 for a cell in KTI, else 0.0
    n_regions: int
    n_years: int


def cells(regions: Any, impacts: Any) -> Cells:
    """Per-cell coefficients and group positions, vectorized (codes of the MultiIndex)."""
    index = impacts.index
    r, t = index.names.index("region"), index.names.index("year")
    region = regions.set_index("region").index.get_indexer(index.levels[r])[index.codes[r]]
    year = index.codes[t]
    kti = regions["kti"].to_numpy(dtype=float)[region]
    return Cells(impacts["jobs"].to_numpy(), impacts["capacity"].to_numpy(), region, year, kti,
                 len(regions), len(index.levels[t]))


def members(codes: Any, n_groups: int) -> list[Any]:
    """Cell positions of each group (for the modelers that write one sum per row)."""
    import numpy as np

    order = np.argsort(codes, kind="stable")
    return np.split(order, np.cumsum(np.bincount(codes, minlength=n_groups))[:-1])


def solve_ikmopt(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    import ikmopt as ik

    data = ik.Dataset(regions, programs, impacts, metric_units=METRIC_UNITS)
    years = sorted(int(y) for y in impacts.index.unique("year"))
    policy = ik.Policy(
        budget=ik.Budget(total=p.total, by={"year": dict.fromkeys(years, p.per_year)}),
        constraints=[ik.RegionBounds(min=p.floor), ik.GroupShare("kti", min=p.kti_share)],
        objective=ik.Maximize("jobs"),
    )
    result = ik.optimize(data, policy, algorithm=algorithm)
    return result.objective, result.allocation


def solve_highspy(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    import highspy
    import numpy as np
    import pandas as pd

    c = cells(regions, impacts)
    n, ny, nr = len(c.jobs), c.n_years, c.n_regions
    # column-wise: every cell is in the total row, its year's row, its region's row, the KTI row
    rows = np.column_stack([np.zeros(n, int), 1 + c.year, 1 + ny + c.region,
                            np.full(n, 1 + ny + nr)])
    values = np.column_stack([np.ones(n), np.ones(n), np.ones(n), c.kti - p.kti_share])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, 2 + ny + nr
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_, lp.col_lower_, lp.col_upper_ = c.jobs, np.zeros(n), c.capacity
    lp.row_lower_ = np.r_[np.full(1 + ny, -np.inf), np.full(nr, p.floor), 0.0]
    lp.row_upper_ = np.r_[p.total, np.full(ny, p.per_year), np.full(nr + 1, np.inf)]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.arange(0, 4 * n + 1, 4, dtype=np.int32)
    lp.a_matrix_.index_ = rows.ravel().astype(np.int32)
    lp.a_matrix_.value_ = values.ravel()
    h = highspy.Highs()
    for key, value in {"output_flag": False, "threads": 1, "solver": algorithm}.items():
        h.setOptionValue(key, value)
    h.passModel(lp)
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    x = np.asarray(h.getSolution().col_value)
    return h.getInfo().objective_function_value, pd.Series(x, index=impacts.index)


def solve_cvxpy(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    import cvxpy as cp
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    c = cells(regions, impacts)
    n = len(c.jobs)
    by_year = sp.csr_array((np.ones(n), (c.year, np.arange(n))), shape=(c.n_years, n))
    by_region = sp.csr_array((np.ones(n), (c.region, np.arange(n))), shape=(c.n_regions, n))
    x = cp.Variable(n, bounds=[np.zeros(n), c.capacity])
    problem = cp.Problem(cp.Maximize(c.jobs @ x), [
        cp.sum(x) <= p.total,
        by_year @ x <= p.per_year,
        by_region @ x >= p.floor,
        (c.kti - p.kti_share) @ x >= 0,
    ])
    problem.solve(solver=cp.HIGHS, highs_options={"threads": 1, "solver": algorithm})
    assert problem.status == cp.OPTIMAL
    return problem.value, pd.Series(x.value, index=impacts.index)


def linopy_model(regions: Any, impacts: Any, p: Numbers) -> Any:
    """The LP as a linopy ``Model`` (the budget row named ``budget``, the spend ``x``)."""
    import linopy
    import xarray as xr

    table = impacts[["jobs", "capacity"]].to_xarray()  # dims: region, program, [sector], year
    kti = xr.DataArray(regions.set_index("region")["kti"].astype(float))
    m = linopy.Model()
    x = m.add_variables(lower=0, upper=table["capacity"], name="x")
    m.add_constraints(x.sum() <= p.total, name="budget")
    m.add_constraints(x.sum([d for d in x.dims if d != "year"]) <= p.per_year, name="year")
    m.add_constraints(x.sum([d for d in x.dims if d != "region"]) >= p.floor, name="floor")
    m.add_constraints(((kti - p.kti_share) * x).sum() >= 0, name="kti")
    m.add_objective((table["jobs"] * x).sum(), sense="max")
    return m


def solve_linopy(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    m = linopy_model(regions, impacts, p)
    status, _ = m.solve(solver_name="highs", io_api="direct", progress=False,
                        output_flag=False, threads=1, solver=algorithm)
    assert status == "ok"
    return m.objective.value, m.variables["x"].solution.to_series()


def solve_pyomo(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    import pandas as pd
    import pyomo.environ as pyo
    from pyomo.contrib.appsi.solvers import Highs

    c = cells(regions, impacts)
    jobs, capacity, share = c.jobs.tolist(), c.capacity.tolist(), (c.kti - p.kti_share).tolist()
    years, in_region = members(c.year, c.n_years), members(c.region, c.n_regions)
    m = pyo.ConcreteModel()
    m.C = pyo.RangeSet(0, len(jobs) - 1)
    m.x = pyo.Var(m.C, bounds=lambda m, i: (0.0, capacity[i]))
    m.budget = pyo.Constraint(expr=pyo.quicksum(m.x[i] for i in m.C) <= p.total)
    m.year = pyo.Constraint(
        range(c.n_years), rule=lambda m, t: pyo.quicksum(m.x[i] for i in years[t]) <= p.per_year)
    m.floor = pyo.Constraint(
        range(c.n_regions), rule=lambda m, r: pyo.quicksum(m.x[i] for i in in_region[r]) >= p.floor)
    m.kti = pyo.Constraint(expr=pyo.quicksum(share[i] * m.x[i] for i in m.C) >= 0)
    m.jobs = pyo.Objective(expr=pyo.quicksum(jobs[i] * m.x[i] for i in m.C), sense=pyo.maximize)
    solver = Highs()
    solver.highs_options = {"threads": 1, "solver": algorithm}
    results = solver.solve(m)
    assert str(results.termination_condition).endswith("optimal")
    x = [m.x[i].value for i in m.C]
    return pyo.value(m.jobs), pd.Series(x, index=impacts.index)


def solve_pulp(
    regions: Any, programs: Any, impacts: Any, p: Numbers, algorithm: str
) -> tuple[float, Any]:
    import pandas as pd
    import pulp

    c = cells(regions, impacts)
    jobs, capacity, share = c.jobs.tolist(), c.capacity.tolist(), (c.kti - p.kti_share).tolist()
    prob = pulp.LpProblem("peers", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{i}", 0, cap) for i, cap in enumerate(capacity)]
    prob += pulp.lpSum(a * v for a, v in zip(jobs, x, strict=True))
    prob += pulp.lpSum(x) <= p.total
    for cells_of_year in members(c.year, c.n_years):
        prob += pulp.lpSum(x[i] for i in cells_of_year) <= p.per_year
    for cells_of_region in members(c.region, c.n_regions):
        prob += pulp.lpSum(x[i] for i in cells_of_region) >= p.floor
    prob += pulp.lpSum(a * v for a, v in zip(share, x, strict=True)) >= 0
    prob.solve(pulp.HiGHS(msg=False, threads=1, solver=algorithm))
    assert pulp.LpStatus[prob.status] == "Optimal"
    return pulp.value(prob.objective), pd.Series([v.varValue for v in x], index=impacts.index)


CONTENDERS = {"ikmopt": solve_ikmopt, "highspy": solve_highspy, "cvxpy": solve_cvxpy,
              "linopy": solve_linopy, "pyomo": solve_pyomo, "pulp": solve_pulp}
LIBRARY = {"ikmopt": "ikmopt", "highspy": "highspy", "cvxpy": "cvxpy", "linopy": "linopy",
           "pyomo": "pyomo.environ", "pulp": "pulp"}


#: What each contender's model uses of its package, imported in the import step: ikmopt
#: loads its public names on first use, as ``from ikmopt import optimize`` would at once.
USED = {"ikmopt": ("Dataset", "Policy", "Budget", "RegionBounds", "GroupShare", "Maximize",
                   "optimize")}


def available(name: str) -> str | None:
    """Why ``name`` cannot run here (a missing package or solver), or ``None``."""
    import importlib.util

    if importlib.util.find_spec(LIBRARY[name].split(".")[0]) is None:
        return f"{LIBRARY[name]} is not installed (pip install -e '.[bench]')"
    if name == "pulp":
        import pulp

        if not pulp.HiGHS(msg=False).available():
            return "PuLP's HiGHS interface is not available (highspy not found by PuLP)"
    if name == "pyomo":
        from pyomo.contrib.appsi.solvers import Highs

        if not Highs().available():
            return "Pyomo's appsi_highs is not available"
    return None


def peak_rss_mb() -> float:
    """VmHWM of this process, MB (Linux; ru_maxrss elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def version(name: str) -> str:
    from importlib.metadata import version as installed

    return installed({"pyomo": "pyomo", "pulp": "pulp"}.get(name, name))


def worker(name: str, tables: Path, algorithm: str) -> dict[str, Any]:
    """Time one contender in this (fresh) process."""
    start = time.perf_counter()
    import importlib

    import pandas as pd

    regions, programs, impacts = (pd.read_pickle(tables / f"{t}.pkl")
                                  for t in ("regions", "programs", "impacts"))
    read = time.perf_counter()
    library = importlib.import_module(LIBRARY[name])
    for used in USED.get(name, ()):  # names ikmopt loads on first use (PEP 562)
        getattr(library, used)
    imported = time.perf_counter()
    numbers = Numbers(**json.loads((tables / "policy.json").read_text()))
    objective, allocation = CONTENDERS[name](regions, programs, impacts, numbers, algorithm)
    done = time.perf_counter()
    check = float((impacts["jobs"] * allocation).sum())  # aligned on the cell labels
    return {"contender": name, "version": version(name), "read_s": read - start,
            "import_s": imported - read, "end_to_end_s": done - imported,
            "objective": float(objective), "objective_from_allocation": check,
            "spend": float(allocation.sum()), "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    contender, folder, algo = sys.argv[1:4]
    print(json.dumps(worker(contender, Path(folder), algo)))
