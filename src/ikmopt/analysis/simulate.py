"""Monte Carlo simulation of an allocation's outcomes under uncertain coefficients.

For each draw ``d`` the dataset's :class:`~ikmopt.data.uncertainty.Uncertainty` gives a
multiplier ``M_mcd`` of every metric ``m``'s coefficient in every cell ``c`` and a
realization share ``R_cd`` (1 where no row makes them uncertain). The money actually spent
in a cell is ``R_cd x_c`` and the outcome of metric ``m`` is::

    y_md = sum_c a_mc M_mcd phi_c(R_cd x_c) + sum_{p built} b_mp M_m,c(p),d

with ``a_mc`` the point coefficient, ``phi_c`` the cell's diminishing-returns curve (the
identity without one) and ``b_mp`` the outcome of a built project in cell ``c(p)``: a
project is paid in full (no realization share) but its outcome is as uncertain as its
program's coefficients in that cell. With every multiplier and share equal to 1 the draw is
exactly the deterministic outcome of :func:`ikmopt.evaluate`.

Draws are made in chunks of :data:`CHUNK`. Chunk ``i`` of each quantity (a metric, or the
realization share) has its own random stream,
:func:`ikmopt.data.uncertainty.stream` ``(seed, i, quantity)`` (an SFC64 generator), so the
draws depend only on ``seed`` and ``n``, not on how many threads run the chunks nor on which
other metrics are drawn; memory stays bounded for large ``n``. These are the streams the risk
objectives draw their scenarios from: for a plan optimized with ``CVaR(metric, alpha,
samples, seed)``, ``simulate(plan, n=samples, seed=seed).cvar(alpha)[metric]`` is its
objective (exactly without diminishing returns and accrual weights; see
:meth:`Simulation.cvar`). The chunks run on a pool of threads (NumPy releases the GIL in its
loops); work arrays are cells by draws, so each cell's draws are one contiguous row.
Multipliers are single precision (see :mod:`ikmopt.data.uncertainty`), outcomes double.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ikmopt.core.errors import DataError, PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.data.uncertainty import CHUNK, REALIZATION, stream
from ikmopt.model.constraints import Target, per_group
from ikmopt.solving.evaluate import Evaluation, align, evaluate
from ikmopt.solving.result import Result

__all__ = ["CHUNK", "Simulation", "simulate"]

#: Per-region draws are kept (float32) up to this many values; beyond, the first draws only.
REGION_VALUES = 50_000_000


@dataclass(frozen=True, eq=False)
class Simulation:
    """Outcome draws of one allocation, with summaries.

    Attributes
    ----------
    draws : pandas.DataFrame
        One row per draw: ``spend`` (money actually spent, Rp bn) and every metric.
    by_region : dict of str to pandas.DataFrame
        Per metric (and ``spend``), draws by region (rows: draws, columns: regions; float32;
        at most :data:`REGION_VALUES` values per metric, the first draws).
    point : pandas.Series
        The deterministic outcomes (every multiplier 1, everything spent).
    target_rows : pandas.DataFrame
        The targets checked: ``target``, ``metric``, ``group``, ``min``, ``max``, ``met``
        (share of draws meeting the row).
    seed : int
    """

    draws: pd.DataFrame
    by_region: dict[str, pd.DataFrame]
    point: pd.Series
    target_rows: pd.DataFrame = field(repr=False)
    seed: int = 0

    @property
    def n(self) -> int:
        """Number of draws."""
        return len(self.draws)

    @property
    def mean(self) -> pd.Series:
        """Mean of every outcome."""
        return self.draws.mean()

    def quantiles(self, q: Sequence[float] = (0.05, 0.1, 0.5, 0.9, 0.95)) -> pd.DataFrame:
        """Quantiles of every outcome (rows: outcomes, columns: ``q``)."""
        return self.draws.quantile(list(q)).T

    def var(self, alpha: float = 0.1) -> pd.Series:
        """Value at risk: the ``alpha`` quantile of every outcome (a bad year's level).

        The quantile interpolates linearly between order statistics (pandas' default).
        """
        return self.draws.quantile(_alpha(alpha))

    def cvar(self, alpha: float = 0.1) -> pd.Series:
        """Conditional value at risk: the mean of the worst ``alpha`` share of draws.

        Outcomes are goods (more jobs is better), so the worst draws are the lowest. With the
        draws sorted, ``Y_(1) <= ... <= Y_(n)``, the worst ``alpha n`` of them count in full
        and the boundary draw in part (Rockafellar and Uryasev, 2000)::

            CVaR_alpha = 1 / (alpha n) * sum_i min(1, max(0, alpha n - i + 1)) Y_(i)
                       = max_eta  eta - 1 / (alpha n) * sum_i max(eta - Y_i, 0)

        When ``alpha n`` is whole it is the mean of the ``alpha n`` smallest draws. It is the
        value the :class:`~ikmopt.CVaR` objective maximizes over its scenarios.
        """
        alpha = _alpha(alpha)
        k = alpha * self.n
        weight = np.clip(k - np.arange(self.n), 0.0, 1.0)
        values = np.sort(self.draws.to_numpy(), axis=0)
        return pd.Series(weight @ values / k, index=self.draws.columns,
                         name=f"cvar_{alpha:g}")

    @property
    def targets(self) -> pd.DataFrame:
        """Probability of meeting each target row, and all of a target's rows at once."""
        return self.target_rows

    def region_quantiles(self, metric: str = "jobs",
                         q: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """Quantiles of ``metric`` by region (rows: regions, columns: ``q``)."""
        if metric not in self.by_region:
            raise PolicyError(f"no draws of '{metric}'; available: {list(self.by_region)}")
        return self.by_region[metric].astype(float).quantile(list(q)).T

    def summary(self, alpha: float = 0.1) -> pd.DataFrame:
        """One row per outcome: point estimate, mean, sd, 5/50/95 % quantiles, VaR, CVaR."""
        q = self.quantiles((0.05, 0.5, 0.95))
        return pd.DataFrame({
            "point": self.point,
            "mean": self.mean,
            "sd": self.draws.std(),
            "p5": q[0.05], "p50": q[0.5], "p95": q[0.95],
            f"var_{alpha:g}": self.var(alpha),
            f"cvar_{alpha:g}": self.cvar(alpha),
        })

    def __str__(self) -> str:
        lines = [f"Simulation of {self.n:,} draws (seed {self.seed})",
                 self.summary().round(1).to_string()]
        if len(self.target_rows):
            lines += ["Probability of meeting targets:",
                      self.target_rows.round(3).to_string(index=False)]
        return "\n".join(lines)

    def plot(self, metric: str = "jobs", ax: Any = None) -> Any:
        """Histogram of ``metric`` with the point estimate and the 10 % VaR (needs matplotlib).

        See :func:`ikmopt.plot.simulation`.
        """
        from ikmopt.plot import simulation  # face hook (listed in the import contract)

        return simulation(self, metric, ax=ax)

    def fan(self, metric: str = "jobs", top: int = 15, ax: Any = None) -> Any:
        """Fan chart by region: median and 10-90 % / 5-95 % bands (needs matplotlib).

        See :func:`ikmopt.plot.fan`.
        """
        from ikmopt.plot import fan  # face hook (listed in the import contract)

        return fan(self, metric, top=top, ax=ax)


def _alpha(alpha: float) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha <= 1:
        raise PolicyError(f"alpha must be a share in (0, 1], got {alpha!r}")
    return float(alpha)


def simulate(
    plan: Any,
    data: Dataset | None = None,
    n: int = 10_000,
    seed: int = 0,
    *,
    targets: Sequence[Target] | None = None,
    projects: Any = None,
    threads: int | None = None,
) -> Simulation:
    """Simulate the outcomes of a plan under the dataset's uncertainty.

    Parameters
    ----------
    plan : Result, Evaluation or pandas.Series
        A result of :func:`ikmopt.optimize` (its data, built projects and targets are used)
        or an allocation (Rp bn per cell, as :func:`ikmopt.evaluate` takes it).
    data : Dataset, optional
        Required for an allocation; for a Result, replaces its dataset (e.g. the same data
        with an uncertainty table added).
    n : int, default 10,000
        Number of draws.
    seed : int, default 0
        Seed of the random streams (:func:`ikmopt.data.uncertainty.stream`): the same seed
        and ``n`` give the same draws, and the first ``samples`` draws of a risk objective
        with this seed are its scenarios.
    targets : sequence of Target, optional
        Targets whose probability is reported; default: the Result's policy targets.
    projects : optional
        Labels of the projects built, for an allocation (as for :func:`ikmopt.evaluate`:
        the allocation's spend includes their cost).
    threads : int, optional
        Threads that run the chunks of draws; default one per CPU core (at most 8). The
        draws are the same whatever the number.

    Returns
    -------
    Simulation

    Raises
    ------
    DataError
        If the dataset has no uncertainty table, or the allocation does not fit it.
    PolicyError
        If ``n`` is not a positive whole number, or ``seed`` not a whole number >= 0.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load(uncertainty=True)
    >>> plan = ik.optimize(data, ik.default_policy())
    >>> sim = ik.simulate(plan, n=2000, seed=1)
    >>> bool(sim.var(0.1)["jobs"] < sim.point["jobs"])
    True
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise PolicyError(f"n must be a positive whole number of draws, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise PolicyError(f"seed must be a whole number >= 0, got {seed!r}")
    allocation, built, data, policy_targets = _plan(plan, data, projects)
    if data.uncertainty is None:
        raise DataError(f"dataset '{data.name}' has no uncertainty table: give "
                        "Dataset(..., uncertainty=...) or use "
                        "ik.datasets.load(uncertainty=True) for the bundled example")
    full = allocation.copy()  # evaluate counts a project's cost in its cell's spend
    labels = None
    if data.projects is not None:
        np.add.at(full, data.projects.cell[built], data.projects.cost[built])
        labels = list(data.projects.labels[built])
    point = evaluate(data, pd.Series(full, index=data.cells), projects=labels).outcomes
    targets = list(policy_targets if targets is None else targets)
    engine = _Engine(data, allocation, built, targets)
    keep_regions = max(1, REGION_VALUES // max(1, engine.n_regions))
    starts = range(0, n, CHUNK)

    def run(i: int) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        start = starts[i]
        size = min(CHUNK, n - start)
        total, by_region, hits = engine.chunk(size, seed, i)
        take = max(0, min(size, keep_regions - start))
        return total, {k: v[:take].astype(np.float32) for k, v in by_region.items()}, hits

    workers = _threads(threads, len(starts))
    if workers == 1:
        chunks = [run(i) for i in range(len(starts))]
    else:
        with ThreadPoolExecutor(workers) as pool:
            chunks = list(pool.map(run, range(len(starts))))
    totals = [c[0] for c in chunks]
    met = [c[2] for c in chunks]
    regions = {k: [c[1][k] for c in chunks] for k in engine.outputs}
    draws = pd.DataFrame(np.vstack(totals), columns=engine.outputs)
    by_region = {k: pd.DataFrame(np.vstack(v), columns=engine.region_labels)
                 for k, v in regions.items()}
    return Simulation(draws, by_region, point.reindex(engine.outputs),
                      engine.target_table(np.vstack(met) if met else np.zeros((0, 0))), seed)


def _threads(threads: int | None, chunks: int) -> int:
    """Worker threads for ``chunks`` chunks: ``threads``, or one per core (at most 8)."""
    if threads is None:
        threads = min(8, os.cpu_count() or 1)
    elif isinstance(threads, bool) or not isinstance(threads, int | np.integer) or threads < 1:
        raise PolicyError(f"threads must be a positive whole number, got {threads!r}")
    return int(max(1, min(threads, chunks)))


def _plan(plan: Any, data: Dataset | None, projects: Any
          ) -> tuple[np.ndarray, np.ndarray, Dataset, list[Target]]:
    """(allocation, built-project flags, dataset, targets) of a Result or an allocation."""
    if isinstance(plan, Result | Evaluation):
        base = plan.data
        data = base if data is None else data
        if not data.cells.equals(base.cells):
            raise DataError("simulate: data= must have the same cells as the plan's dataset")
        table = plan.projects
        built = (table["built"].to_numpy(dtype=bool) if len(table)
                 else np.zeros(0, dtype=bool))
        program = plan.by(list(data.levels))
        spend = program["spend"] - program.get("project_spend", 0.0)
        allocation = spend.reindex(data.cells).to_numpy(dtype=float)
        found = list(plan.policy.constraints) if isinstance(plan, Result) else []
        return allocation, built, data, [c for c in found if isinstance(c, Target)]
    if data is None:
        raise DataError("simulate: give data= with an allocation (or pass a Result)")
    allocation = align(data, plan)
    built = np.zeros(data.n_projects, dtype=bool)
    if projects is not None and data.projects is not None:
        labels = [str(p) for p in (projects if not isinstance(projects, str) else [projects])]
        unknown = [p for p in labels if p not in data.projects.labels]
        if unknown:
            raise DataError(f"simulate: unknown project(s) {unknown}")
        built = data.projects.labels.isin(labels)
        # as in evaluate, a cell's spend includes the cost of its built projects
        allocation = allocation - np.bincount(data.projects.cell[built],
                                              weights=data.projects.cost[built],
                                              minlength=data.n_cells)
        if (allocation < -1e-9).any():
            raise DataError("simulate: the allocation spends less than the cost of the "
                            "projects built in some cells; a cell's spend includes its projects")
    return allocation, built, data, []


class _Engine:
    """Vectorized outcome computation for chunks of draws."""

    def __init__(self, data: Dataset, x: np.ndarray, built: np.ndarray,
                 targets: list[Target]) -> None:
        self.data, self.x, self.targets = data, x, targets
        self.metrics = list(data.metrics)
        self.outputs = ["spend", *self.metrics]
        codes, regions = data.level_codes("region")
        self.region_labels = [str(r) for r in regions]
        self.n_regions = len(regions)
        n = data.n_cells
        # sparse, not a dense BLAS product: a multithreaded BLAS called from the simulation's
        # threads spins its own threads and serializes them
        self.to_region = sp.csr_matrix((np.ones(n), (codes, np.arange(n))),
                                       shape=(len(regions), n))
        self.coef = np.column_stack([data.coefficients(m) for m in self.metrics])
        curves = data.curves
        self.curves = curves
        if curves is not None:
            # a realization share is at most 1: segments past the allocation never fill;
            # segments that fill even at the smallest share a cell can draw are constant
            share = (data.uncertainty.lower_bound(REALIZATION, n) if data.uncertainty
                     else np.ones(n))
            end = curves.start + curves.width
            full = end <= share[curves.cell] * x[curves.cell]
            self.constant = np.zeros(n)
            np.add.at(self.constant, curves.cell[full], (curves.factor * curves.width)[full])
            reached = (curves.start < x[curves.cell]) & ~full
            self.seg_cell = curves.cell[reached]  # sorted by cell
            self.seg_start = curves.start[reached]
            self.seg_width = curves.width[reached]
            self.seg_factor = curves.factor[reached]
            self.seg_cells, self.seg_first = np.unique(self.seg_cell, return_index=True)
            self.linear = np.ones(n)
            self.linear[curves.curved_cells] = 0.0
        projects = data.projects
        self.p_cell = projects.cell[built] if projects is not None else np.zeros(0, int)
        self.p_impacts = (projects.impacts[built] if projects is not None
                          else np.zeros((0, len(self.metrics))))
        self.p_costs = projects.cost[built] if projects is not None else np.zeros(0)
        self.p_cost = float(self.p_costs.sum())
        self.p_region = codes[self.p_cell]
        self.uncertain = set(data.uncertainty.metrics) if data.uncertainty else set()
        # only cells with money or a built project have outcomes: other draws are skipped
        self.need = x > 0
        self.need[self.p_cell] = True
        self.groups = [self._groups(t) for t in targets]

    def _groups(self, target: Target) -> tuple[np.ndarray, pd.Index, np.ndarray, np.ndarray,
                                               sp.csr_matrix]:
        """Cell codes, groups, per-group min/max and the cell-to-group matrix of a target."""
        if target.by is None:
            codes, groups = np.zeros(self.data.n_cells, dtype=np.int64), pd.Index(["all"])
        else:
            codes, groups = self.data.level_codes(target.by)
        name = f"Target({target.metric})"
        lo = per_group(name, "min", target.min, groups, -np.inf)
        hi = per_group(name, "max", target.max, groups, np.inf)
        valid = codes >= 0
        to_group = sp.csr_matrix((np.ones(valid.sum()), (np.flatnonzero(valid), codes[valid])),
                                 shape=(self.data.n_cells, len(groups)))
        return codes, groups, lo, hi, to_group

    def regional(self, cells: np.ndarray) -> np.ndarray:
        """Sum a (cells x draws) matrix by region: (draws x regions)."""
        return (self.to_region @ cells).T

    def effective(self, spend: np.ndarray) -> np.ndarray:
        """Curves applied to a (cells x draws) spend matrix."""
        if self.curves is None:
            return spend
        out = spend * self.linear[:, None]
        out += self.constant[:, None]
        if len(self.seg_cell):
            filled = spend[self.seg_cell]  # a copy: the in-place steps below are safe
            filled -= self.seg_start[:, None]
            np.maximum(filled, 0.0, out=filled)
            np.minimum(filled, self.seg_width[:, None], out=filled)
            filled *= self.seg_factor[:, None]
            out[self.seg_cells] += np.add.reduceat(filled, self.seg_first, axis=0)
        return out

    def chunk(self, size: int, seed: int, index: int
              ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
        """Totals (draws x outputs), by-region draws and target hits of chunk ``index``.

        ``size`` draws, each quantity from its own :func:`stream` of ``seed`` and ``index``.
        Work arrays are cells x draws, so each cell's draws are one contiguous row.
        """
        u = self.data.uncertainty
        n_cells = self.data.n_cells
        share = (u.sample(REALIZATION, size, n_cells, stream(seed, index, REALIZATION),
                          self.need)
                 if REALIZATION in self.uncertain else np.ones((n_cells, size)))
        spend = share * self.x[:, None]
        effective = self.effective(spend)
        totals = np.empty((size, len(self.outputs)))
        by_region = {"spend": self.regional(spend)}
        if len(self.p_cell):  # a built project is paid in full
            np.add.at(by_region["spend"], (slice(None), self.p_region), self.p_costs)
        totals[:, 0] = by_region["spend"].sum(axis=1)
        cell_outcomes = {}
        for j, metric in enumerate(self.metrics):
            multiplier = (u.sample(metric, size, n_cells, stream(seed, index, metric),
                                   self.need)
                          if metric in self.uncertain else np.ones((n_cells, size)))
            cells = effective * self.coef[:, j:j + 1]
            cells *= multiplier
            regional = self.regional(cells)
            project = (multiplier[self.p_cell] * self.p_impacts[:, j:j + 1]).T
            if len(self.p_cell):
                np.add.at(regional, (slice(None), self.p_region), project)
            totals[:, j + 1] = regional.sum(axis=1)
            by_region[metric] = regional
            cell_outcomes[metric] = (cells, project)
        hits = self._hits(cell_outcomes, size)
        return totals, by_region, hits

    def _hits(self, outcomes: dict[str, tuple[np.ndarray, np.ndarray]], size: int
              ) -> np.ndarray:
        columns = []
        for target, (codes, _, lo, hi, to_group) in zip(self.targets, self.groups,
                                                        strict=True):
            cells, project = outcomes[target.metric]
            value = np.asarray((to_group.T @ cells).T)
            if len(self.p_cell):
                p_codes = codes[self.p_cell]
                ok = p_codes >= 0
                np.add.at(value, (slice(None), p_codes[ok]), project[:, ok])
            rows = np.flatnonzero(np.isfinite(lo) | np.isfinite(hi))
            meets = (value[:, rows] >= lo[rows] - 1e-9) & (value[:, rows] <= hi[rows] + 1e-9)
            columns.append(meets)
        return np.hstack(columns) if columns else np.zeros((size, 0), dtype=bool)

    def target_table(self, met: np.ndarray) -> pd.DataFrame:
        records, k = [], 0
        for target, (_, groups, lo, hi, _) in zip(self.targets, self.groups, strict=True):
            rows = np.flatnonzero(np.isfinite(lo) | np.isfinite(hi))
            block = met[:, k:k + len(rows)]
            for i, g in enumerate(rows):
                records.append({"target": target.describe(), "metric": target.metric,
                                "group": str(groups[g]), "min": lo[g], "max": hi[g],
                                "met": float(block[:, i].mean())})
            if len(rows) > 1:
                records.append({"target": target.describe(), "metric": target.metric,
                                "group": "all rows at once", "min": np.nan, "max": np.nan,
                                "met": float(block.all(axis=1).mean())})
            k += len(rows)
        return pd.DataFrame(records, columns=["target", "metric", "group", "min", "max", "met"])
