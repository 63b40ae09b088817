"""Trade-off frontiers between two outcomes by the epsilon-constraint method.

For two criteria ``x`` and ``y`` the frontier is the set of plans where neither can improve
without the other getting worse (Haimes, Lasdon & Wismer 1971):

1. Solve for the best ``y`` alone and for the best ``x`` alone under the policy. Each is
   polished lexicographically (the other criterion is improved while the first is held at
   its optimum), so the two end points are Pareto-optimal, not only weakly so.
2. Between the value of ``x`` in the best-``y`` plan and the best ``x``, take ``n`` evenly
   spaced bounds ``e_k`` and maximize ``y`` subject to ``x`` being at least as good as
   ``e_k`` (``Target(x, min=e_k)`` for a metric).
3. Polish every point: improve ``x`` subject to ``y >= y_k (1 - 1e-9)``.
4. Drop dominated points and duplicates.

An *axis* is anything that can be read off a plan, bounded by a constraint and (usually)
optimized alone: every impacts metric, and equity measures such as ``"gini_spend"`` where a
lower value is better. :func:`axis` maps a name to an :class:`Axis`; the frontier itself only
talks to that interface.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import InfeasibleError, PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Constraint, GiniCap, Target
from ikmopt.model.objectives import Maximize, Objective
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result

__all__ = ["Axis", "Frontier", "axis", "frontier"]

#: Relative slack allowed on the held criterion in a lexicographic polish.
POLISH_TOL = 1e-9
#: Points closer than this (relative to each axis' scale) are duplicates; a point must be
#: worse by more than this on one axis to count as dominated.
DUPLICATE_TOL = 1e-7
#: Absolute precision of the bisection that finds the best value of an axis that cannot be
#: optimized directly (e.g. the lowest attainable Gini).
BISECTION_TOL = 1e-4


# ---------------------------------------------------------------------- axes
@dataclass(frozen=True)
class Axis:
    """One criterion of a frontier: how to read it, bound it and optimize it.

    Attributes
    ----------
    name : str
        Column name in :attr:`Frontier.points`, e.g. ``"jobs"`` or ``"gini_spend"``.
    label : str
        Axis label for charts, with the unit.
    maximize : bool
        ``True`` when more is better (metrics), ``False`` when less is (inequality).
    bound : callable
        ``bound(e)`` returns the constraint "at least as good as ``e``":
        ``Target(metric, min=e)`` for a metric, ``GiniCap(max=e)`` for a Gini.
    value : callable
        ``value(result)`` reads the criterion off a :class:`~ikmopt.Result`.
    objective : Objective or None
        The objective that optimizes the criterion alone, or ``None`` when it cannot be an
        LP objective; the best value is then found by bisection on ``bound`` between the
        best-``y`` plan and ``ideal``.
    ideal : float or None
        The best value conceivable (0 for a Gini); needed when ``objective`` is ``None``.
    """

    name: str
    label: str
    maximize: bool
    bound: Callable[[float], Constraint]
    value: Callable[[Result], float]
    objective: Objective | None = None
    ideal: float | None = None

    def relaxed(self, value: float, tol: float = POLISH_TOL) -> float:
        """``value`` moved by a relative ``tol`` in the worse direction."""
        step = tol * max(1.0, abs(value))
        return value - step if self.maximize else value + step

    def better(self, a: float, b: float) -> bool:
        """Whether ``a`` is strictly better than ``b``."""
        return a > b if self.maximize else a < b


def axis(data: Dataset, spec: str | Axis, *, gini_method: str = "pairwise") -> Axis:
    """The :class:`Axis` for a criterion name.

    Parameters
    ----------
    data : Dataset
    spec : str or Axis
        An impacts metric (``"jobs"``, ``"value_added"``, ...), or ``"gini_<of>"`` (e.g.
        ``"gini_spend"``: the population-weighted Gini of per-capita spend across regions,
        bounded with :class:`~ikmopt.GiniCap`). An :class:`Axis` is returned unchanged.
    gini_method : {"pairwise", "lorenz"}, default "pairwise"
        ``method`` of the :class:`~ikmopt.GiniCap` that bounds a Gini axis.

    Returns
    -------
    Axis

    Raises
    ------
    PolicyError
        If the name is neither a metric nor a supported equity measure.
    """
    if isinstance(spec, Axis):
        return spec
    if not isinstance(spec, str) or not spec:
        raise PolicyError(f"frontier: an axis is a metric name such as 'jobs', got {spec!r}")
    if spec in data.metrics:
        return _metric_axis(data, spec)
    if spec.startswith("gini_"):
        return _gini_axis(data, spec, spec.removeprefix("gini_"), gini_method)
    raise PolicyError(
        f"frontier: unknown axis '{spec}'; use a metric of dataset '{data.name}' "
        f"({list(data.metrics)}) or 'gini_spend'"
    )


def _metric_axis(data: Dataset, metric: str) -> Axis:
    unit = data.metric_units.get(metric, "")

    def bound(e: float) -> Constraint:
        return Target(metric, min=e)

    def value(result: Result) -> float:
        return float(result.outcomes[metric])

    return Axis(
        name=metric,
        label=f"{metric} ({unit})" if unit and unit != metric else metric,
        maximize=True,
        bound=bound,
        value=value,
        objective=Maximize(metric),
    )


def _gini_axis(data: Dataset, name: str, of: str, method: str) -> Axis:
    if of != "spend" and of not in data.metrics:
        raise PolicyError(
            f"frontier: '{name}' is the Gini of per-capita '{of}', which is neither spend nor "
            f"a metric of dataset '{data.name}' ({list(data.metrics)})"
        )
    GiniCap(of=of, max=1.0, method=method)  # reject a bad method before any solve

    def bound(e: float) -> Constraint:
        return GiniCap(of=of, per="population", max=min(1.0, max(0.0, e)), method=method)

    def value(result: Result) -> float:
        return float(result.equity[(of, "gini")])

    return Axis(
        name=name,
        label=f"Gini of {of} per capita across regions",
        maximize=False,
        bound=bound,
        value=value,
        objective=None,
        ideal=0.0,
    )


# ---------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class Frontier:
    """A trade-off frontier from :func:`frontier`.

    Attributes
    ----------
    x, y : str
        The criteria; ``y`` was maximized for each bound on ``x``.
    points : pandas.DataFrame
        One row per Pareto-optimal plan, from the best ``y`` (``point`` 0) to the best
        ``x`` (the last): ``point``, ``epsilon`` (the bound on ``x`` it was found with),
        ``spend`` and every metric outcome, ``gini_spend`` and ``gini_<m>`` for ``x``
        and ``y`` when they are metrics.
    skipped : pandas.DataFrame
        Bounds that gave no plan: ``epsilon`` and ``error``; dominated or duplicate points
        are listed with ``error`` saying so.
    labels : dict
        Axis label (with unit) of ``x`` and ``y``.
    sense : dict
        ``"max"`` or ``"min"`` for ``x`` and ``y``: which direction is better.
    plans : dict
        Allocation of every point (Rp bn per cell), by point number.
    """

    x: str
    y: str
    points: pd.DataFrame
    skipped: pd.DataFrame
    labels: Mapping[str, str]
    sense: Mapping[str, str]
    plans: Mapping[int, pd.Series] = field(repr=False)

    def allocation(self, point: int) -> pd.Series:
        """Spend per cell (Rp bn) of one point, indexed like ``data.cells``.

        Raises
        ------
        KeyError
            If there is no such point.
        """
        try:
            return self.plans[point]
        except KeyError:
            raise KeyError(
                f"the frontier has points {list(self.plans)}, not {point!r}"
            ) from None

    @property
    def allocations(self) -> pd.DataFrame:
        """Long table of every point's plan: ``point``, the cell levels, ``spend``."""
        frames = [s.rename("spend").reset_index().assign(point=p) for p, s in self.plans.items()]
        if not frames:
            return pd.DataFrame(columns=["point", "spend"])
        table = pd.concat(frames, ignore_index=True)
        return table[["point", *[c for c in table.columns if c != "point"]]]

    def plot(self, ax: Any = None) -> Any:
        """Chart of ``y`` against ``x`` with the end points marked (needs matplotlib)."""
        # face hook (listed in the import contract)
        from ikmopt.plot import frontier as plot_frontier

        return plot_frontier(self, ax=ax)

    def __len__(self) -> int:
        return len(self.points)

    def __repr__(self) -> str:
        return (
            f"<ikmopt.Frontier {self.y} vs {self.x}: {len(self.points)} points, "
            f"{len(self.skipped)} skipped>"
        )


# ---------------------------------------------------------------------- the method
def frontier(
    data: Dataset,
    policy: Policy,
    x: str | Axis,
    y: str | Axis,
    n: int = 15,
    *,
    solver: str | SolveOptions = "highs",
    gini_method: str = "pairwise",
    **solve_options: Any,
) -> Frontier:
    """Pareto frontier between two criteria by the epsilon-constraint method.

    Parameters
    ----------
    data : Dataset
    policy : Policy
        Budget and constraints every plan respects; its objective is not used.
    x : str or Axis
        The bounded criterion: a metric (``"jobs"``) or ``"gini_spend"`` (less is better).
    y : str or Axis
        The maximized criterion: a metric.
    n : int, default 15
        Number of bounds on ``x`` from the best-``y`` plan to the best ``x``, end points
        included. Dominated or duplicate points are dropped, so the frontier may have fewer.
    solver : str or SolveOptions, default "highs"
        As for :func:`ikmopt.optimize`, as are ``**solve_options``.
    gini_method : {"pairwise", "lorenz"}, default "pairwise"
        How a Gini axis is bounded (see :class:`~ikmopt.GiniCap`); ``"lorenz"`` is smaller
        for many regions but only approximates the cap, so points may sit slightly above
        their bound (``points`` reports the exact Gini).

    Returns
    -------
    Frontier

    Raises
    ------
    PolicyError
        If an axis is unknown, ``x`` equals ``y``, ``y`` cannot be maximized or ``n < 2``.
    SolverError
        If either end point cannot be solved (for example an infeasible policy); a bound in
        between that fails is listed in :attr:`Frontier.skipped` instead.

    Notes
    -----
    The end points are the single-objective optima: point 0 has the largest ``y`` the
    policy allows and the last point the best ``x``. Every point is polished
    lexicographically, so it is Pareto-optimal rather than weakly so, with a slack of
    ``1e-9`` (relative) on the held criterion. For an axis without an LP objective (a Gini)
    the best value is found by bisection to ``1e-4`` and points are not polished; dominated
    points are still removed.

    Outcomes are counted once, as in :attr:`Result.outcomes` and :class:`~ikmopt.Target`:
    a policy's ``accrual`` (which only weights the objective) is not applied.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> fr = ik.frontier(data, ik.default_policy(), x="jobs", y="value_added", n=5)
    >>> fr.points["jobs"].is_monotonic_increasing
    True
    """
    if not isinstance(data, Dataset):
        raise PolicyError(f"frontier() needs an ik.Dataset first, got {type(data).__name__}")
    if not isinstance(policy, Policy):
        raise PolicyError(f"frontier() needs an ik.Policy, got {type(policy).__name__}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise PolicyError(f"frontier: n must be an integer >= 2, got {n!r}")
    ax_x = axis(data, x, gini_method=gini_method)
    ax_y = axis(data, y, gini_method=gini_method)
    if ax_x.name == ax_y.name:
        raise PolicyError(f"frontier: x and y are both '{ax_x.name}'; choose two criteria")
    if ax_y.objective is None or not ax_y.maximize:
        raise PolicyError(
            f"frontier: y must be a criterion to maximize (a metric), got '{ax_y.name}'; "
            f"swap x and y"
        )
    y_objective = ax_y.objective
    base = policy.replace(accrual=None)
    options = SolveOptions.of(solver, **solve_options)

    def solve(extra: tuple[Constraint, ...], objective: Objective) -> Result:
        return optimize(data, base.add(*extra).replace(objective=objective), options)

    def polish(found: Result) -> Result:
        """Improve x while holding y (nothing to do when x has no objective)."""
        if ax_x.objective is None:
            return found
        held = ax_y.bound(ax_y.relaxed(ax_y.value(found)))
        better = solve((held,), ax_x.objective)
        return better if not ax_x.better(ax_x.value(found), ax_x.value(better)) else found

    # the end with the best y
    best_y = polish(solve((), y_objective))
    # the end with the best x
    if ax_x.objective is not None:
        top = solve((), ax_x.objective)
        held = ax_x.bound(ax_x.relaxed(ax_x.value(top)))
        best_x = solve((held,), y_objective)
    else:
        best_x = _best_by_bisection(ax_x, best_y, lambda e: solve((ax_x.bound(e),), y_objective))

    worst, best = ax_x.value(best_y), ax_x.value(best_x)
    scale_x = max(1.0, abs(worst), abs(best))
    found: list[tuple[float, Result]] = [(worst, best_y)]
    skipped: list[dict[str, Any]] = []
    if abs(best - worst) > DUPLICATE_TOL * scale_x:
        for e in np.linspace(worst, best, n)[1:-1]:
            try:
                found.append((float(e), polish(solve((ax_x.bound(e),), y_objective))))
            except SolverError as err:
                skipped.append({"epsilon": float(e), "error": f"{type(err).__name__}: {err}"})
        found.append((best, best_x))
    return _assemble(data, ax_x, ax_y, found, skipped)


def _best_by_bisection(
    ax_x: Axis, best_y: Result, solve_bounded: Callable[[float], Result]
) -> Result:
    """The plan with the best ``x`` (and the best ``y`` there) for an axis without objective.

    ``solve_bounded(e)`` maximizes ``y`` with ``x`` bounded by ``e``. The bound is bisected
    between the axis' ``ideal`` and its value in the best-``y`` plan, keeping the feasible
    side, until the two are :data:`BISECTION_TOL` apart.
    """
    if ax_x.ideal is None:
        raise PolicyError(
            f"frontier: axis '{ax_x.name}' has neither an objective nor an ideal value"
        )
    feasible, good, bad = best_y, ax_x.value(best_y), ax_x.ideal
    try:
        return solve_bounded(bad)
    except InfeasibleError:
        pass
    while abs(good - bad) > BISECTION_TOL:
        middle = 0.5 * (good + bad)
        try:
            plan = solve_bounded(middle)
        except InfeasibleError:
            bad = middle
            continue
        feasible, reached = plan, ax_x.value(plan)
        good = reached if ax_x.better(reached, middle) else middle
    return feasible


def _assemble(
    data: Dataset,
    ax_x: Axis,
    ax_y: Axis,
    found: list[tuple[float, Result]],
    skipped: list[dict[str, Any]],
) -> Frontier:
    """Tidy the solved points: drop dominated and duplicate ones, number the rest."""
    xs = np.array([ax_x.value(r) for _, r in found])
    ys = np.array([ax_y.value(r) for _, r in found])
    tol_x = DUPLICATE_TOL * max(1.0, float(np.abs(xs).max(initial=0.0)))
    tol_y = DUPLICATE_TOL * max(1.0, float(np.abs(ys).max(initial=0.0)))
    # orient both axes so that more is better
    gx = xs if ax_x.maximize else -xs
    gy = ys
    keep: list[int] = []
    for i in range(len(found)):
        duplicate = any(abs(gx[i] - gx[j]) <= tol_x and abs(gy[i] - gy[j]) <= tol_y for j in keep)
        dominated = any(
            gx[j] >= gx[i] - tol_x
            and gy[j] >= gy[i] - tol_y
            and (gx[j] > gx[i] + tol_x or gy[j] > gy[i] + tol_y)
            for j in range(len(found))
        )
        if duplicate or dominated:
            skipped.append({"epsilon": found[i][0],
                            "error": "duplicate point" if duplicate else "dominated point"})
        else:
            keep.append(i)
    keep.sort(key=lambda i: (-gy[i], gx[i]))  # best y first, best x last
    rows, plans = [], {}
    for point, i in enumerate(keep):
        epsilon, result = found[i]
        row: dict[str, Any] = {"point": point, "epsilon": epsilon}
        row.update(result.outcomes.to_dict())
        equity = result.equity
        row["gini_spend"] = float(equity[("spend", "gini")])
        for ax in (ax_x, ax_y):
            if ax.name in data.metrics:
                row[f"gini_{ax.name}"] = float(equity[(ax.name, "gini")])
            if ax.name not in row:
                row[ax.name] = ax.value(result)
        rows.append(row)
        plans[point] = result.allocation.copy()
    skipped_table = pd.DataFrame(skipped, columns=["epsilon", "error"])
    return Frontier(
        x=ax_x.name,
        y=ax_y.name,
        points=pd.DataFrame(rows),
        skipped=skipped_table.sort_values("epsilon", kind="stable").reset_index(drop=True),
        labels={ax_x.name: ax_x.label, ax_y.name: ax_y.label},
        sense={ax.name: "max" if ax.maximize else "min" for ax in (ax_x, ax_y)},
        plans=plans,
    )
