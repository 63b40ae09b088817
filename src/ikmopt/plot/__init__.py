"""Charts and maps (matplotlib, imported lazily: install ``ikmopt[plot]``).

Every function draws on ``ax`` when given one (or on a new figure) and returns the axes.
On a Linux machine without a display, and when no backend was chosen (``MPLBACKEND``,
``matplotlib.use`` or a matplotlibrc), the non-interactive Agg backend is selected.
Choropleth maps by province or regency (:func:`map`, :func:`map_svg`) are drawn from the
boundaries bundled in ``ikmopt/plot/geo/`` (see :mod:`ikmopt.plot.maps`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core import equity as eq
from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.plot.figures import axes, pyplot
from ikmopt.plot.maps import map, map_svg

if TYPE_CHECKING:
    from ikmopt.analysis.baselines import ValueOfOptimization
    from ikmopt.analysis.frontier import Frontier
    from ikmopt.analysis.projection import Projection
    from ikmopt.analysis.simulate import Simulation
    from ikmopt.scenarios.results import Comparison
    from ikmopt.solving.evaluate import Evaluation
    from ikmopt.solving.result import Result

__all__ = [
    "allocation_by_region",
    "axes",
    "comparison",
    "fan",
    "frontier",
    "line",
    "lorenz",
    "lorenz_points",
    "map",
    "map_svg",
    "program_mix",
    "projection",
    "pyplot",
    "simulation",
    "value_of_optimization",
]


def line(table: pd.DataFrame, x: str, y: str, xlabel: str | None = None, ax: Any = None) -> Any:
    """A line chart of ``table[y]`` against ``table[x]``; returns the axes."""
    ax = axes(ax, (6, 3.5))
    ax.plot(table[x], table[y], marker="o")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(y)
    ax.grid(alpha=0.3)
    return ax


def frontier(fr: Frontier, ax: Any = None) -> Any:
    """The trade-off frontier: ``y`` against ``x``, end points marked.

    Parameters
    ----------
    fr : Frontier
        From :func:`ikmopt.frontier`.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        The line (label ``"frontier"``) holds the points in order, from the best ``y`` to
        the best ``x``.
    """
    ax = axes(ax, (6, 4))
    xs = fr.points[fr.x].to_numpy(dtype=float)
    ys = fr.points[fr.y].to_numpy(dtype=float)
    ax.plot(xs, ys, "-", color="C0", alpha=0.7, label="frontier", zorder=1)
    ax.scatter(xs, ys, s=18, color="C0", zorder=2)
    if len(xs):
        ax.scatter(xs[:1], ys[:1], s=70, marker="s", color="C1", zorder=3,
                   label=f"{fr.sense.get(fr.y, 'max')} {fr.y}")
        ax.scatter(xs[-1:], ys[-1:], s=70, marker="D", color="C2", zorder=3,
                   label=f"{fr.sense.get(fr.x, 'max')} {fr.x}")
    ax.set_xlabel(fr.labels.get(fr.x, fr.x))
    ax.set_ylabel(fr.labels.get(fr.y, fr.y))
    ax.set_title(f"Trade-off: {fr.y} against {fr.x}")
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax


def allocation_by_region(
    result: Result | Evaluation, ax: Any = None, top: int | None = None
) -> Any:
    """Horizontal bars of spend per region, largest on top, coloured by island group.

    Parameters
    ----------
    result : Result or Evaluation
        An optimized plan or any evaluated allocation.
    ax : matplotlib.axes.Axes, optional
    top : int, optional
        Show only the ``top`` regions by spend.

    Returns
    -------
    matplotlib.axes.Axes
        Bars in order from the top of the chart down; a legend of island groups when the
        regions table has an ``island_group`` column.
    """
    spend = result.by("region")["spend"].sort_values(ascending=False, kind="stable")
    if top is not None:
        spend = spend.head(int(top))
    ax = axes(ax, (7, max(3.0, 0.22 * len(spend) + 1.0)))
    regions = result.data.regions
    positions = np.arange(len(spend))[::-1]  # first (largest) bar at the top
    if "island_group" in regions.columns:
        group = regions["island_group"].reindex(spend.index).astype(str)
        names = list(dict.fromkeys(regions["island_group"].astype(str)))
        colour = {name: f"C{k % 10}" for k, name in enumerate(names)}
        ax.barh(positions, spend.to_numpy(), color=[colour[g] for g in group])
        # heavy, optional (ikmopt[plot]): loaded on the first chart
        from matplotlib.patches import Patch

        shown = [n for n in names if n in set(group)]
        ax.legend(handles=[Patch(color=colour[n], label=n) for n in shown],
                  title="island group", fontsize="small")
    else:
        ax.barh(positions, spend.to_numpy(), color="C0")
    ax.set_yticks(positions, [str(r) for r in spend.index], fontsize="small")
    ax.set_xlabel("spend (Rp bn)")
    ax.set_title("Spend by region" + (f" (top {len(spend)})" if top is not None else ""))
    ax.grid(axis="x", alpha=0.3)
    return ax


def program_mix(result: Result | Evaluation, ax: Any = None, stack: str | None = None) -> Any:
    """Bars of spend by program, optionally stacked by a regions column.

    Parameters
    ----------
    result : Result or Evaluation
    ax : matplotlib.axes.Axes, optional
    stack : str, optional
        A regions column such as ``"island_group"`` or ``"kti"``: each bar is split by it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, (7, 3.5))
    programs = list(result.data.programs.index)
    if stack is None:
        spend = result.by("program")["spend"].reindex(programs, fill_value=0.0)
        ax.bar(range(len(programs)), spend.to_numpy(), color="C0")
    else:
        table = result.by(("program", stack))["spend"].unstack(stack, fill_value=0.0)
        table = table.reindex(programs, fill_value=0.0)
        bottom = np.zeros(len(programs))
        for k, column in enumerate(table.columns):
            values = table[column].to_numpy(dtype=float)
            ax.bar(range(len(programs)), values, bottom=bottom, color=f"C{k % 10}",
                   label=str(column))
            bottom += values
        ax.legend(title=stack, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_xticks(range(len(programs)), [str(p) for p in programs], rotation=30, ha="right")
    ax.set_ylabel("spend (Rp bn)")
    ax.set_title("Spend by program")
    ax.grid(axis="y", alpha=0.3)
    return ax


def lorenz_points(
    result: Result | Evaluation, of: str = "spend"
) -> tuple[np.ndarray, np.ndarray, float]:
    """Population-weighted Lorenz curve of per-capita ``of`` across regions.

    Returns
    -------
    population_share, outcome_share : numpy.ndarray
        Cumulative shares, regions sorted by per-capita value, starting at ``(0, 0)`` and
        ending at ``(1, 1)``.
    gini : float
        The population-weighted Gini (as in ``result.equity``).

    Raises
    ------
    DataError
        If ``of`` is neither ``spend`` nor a metric, or its total is not positive.
    """
    per_capita = result.per_capita
    if of not in per_capita.columns:
        raise DataError(f"lorenz: of='{of}' must be one of {list(per_capita.columns)}")
    y = per_capita[of].to_numpy(dtype=float)
    w = np.asarray(result.data.population, dtype=float)
    total = float((w * y).sum())
    if not total > 0:
        raise DataError(f"lorenz: the total of '{of}' is {total:g}; nothing to draw")
    order = np.argsort(y, kind="stable")
    population_share = np.concatenate([[0.0], np.cumsum(w[order]) / w.sum()])
    outcome_share = np.concatenate([[0.0], np.cumsum((w * y)[order]) / total])
    population_share[-1] = outcome_share[-1] = 1.0  # exact end despite round-off
    return population_share, outcome_share, eq.gini(y, w)


def lorenz(result: Result | Evaluation, of: str = "spend", ax: Any = None) -> Any:
    """Population-weighted Lorenz curve of per-capita ``of`` across regions.

    Regions are sorted by per-capita value; the curve joins the cumulative population share
    to the cumulative share of ``of``. The diagonal is perfect equality and the Gini is
    shown in the title.

    Parameters
    ----------
    result : Result or Evaluation
    of : str, default "spend"
        ``"spend"`` or a metric.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Lines labelled ``"equality"`` and ``"Lorenz curve"``.

    Raises
    ------
    DataError
        If ``of`` is unknown or its total is not positive.
    """
    population_share, outcome_share, gini = lorenz_points(result, of)
    ax = axes(ax, (4.5, 4.5))
    ax.plot([0, 1], [0, 1], "--", color="grey", label="equality")
    ax.plot(population_share, outcome_share, "-", color="C0", label="Lorenz curve")
    ax.fill_between(population_share, outcome_share, population_share, color="C0", alpha=0.15)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("cumulative share of population")
    ax.set_ylabel(f"cumulative share of {of}")
    ax.set_title(f"Lorenz curve of {of} per capita (Gini {gini:.3f})")
    ax.legend(loc="upper left", fontsize="small")
    return ax


#: Axis labels of the columns of a projection's table.
_PROJECTION_LABELS = {
    "spend": "spend (Rp bn)",
    "jobs": "jobs alive",
    "value_added": "value added (Rp bn a year)",
    "ikm_units": "IKM units (illustrative)",
    "cumulative_spend": "spend so far (Rp bn)",
    "cumulative_jobs": "job-years so far",
    "cumulative_value_added": "value added so far (Rp bn)",
    "cumulative_ikm_units": "IKM unit-years so far (illustrative)",
}


def projection(proj: Projection, metric: str = "jobs", by: str | None = None,
               ax: Any = None) -> Any:
    """Lines of a projection's ``metric`` by year: the national total, or one per group.

    Parameters
    ----------
    proj : Projection
        From :func:`ikmopt.analysis.projection.project`.
    metric : str, default "jobs"
        A column of ``proj.table``: ``spend``, ``jobs``, ``value_added``, ``ikm_units`` or
        one of their ``cumulative_`` columns.
    by : str, optional
        A level of :meth:`Projection.by <ikmopt.analysis.projection.Projection.by>` such as
        ``"island_group"``, ``"kti"`` or ``"program"``: one line per group.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One line per group (labelled by the group), or one line labelled ``"total"``.

    Raises
    ------
    PolicyError
        If ``metric`` is not a column of the table or ``by`` is not a level.
    """
    columns = [c for c in proj.table.columns if c not in ("year", *proj.data.levels)]
    if metric not in columns:
        raise PolicyError(f"plot.projection: no column '{metric}'{suggest(metric, columns)}; "
                          f"columns are {columns}")
    table = proj.totals[[metric]] if by is None else proj.by(by)[metric].unstack(by, fill_value=0.0)
    ax = axes(ax, (7, 3.8))
    years = table.index.to_numpy()
    for k, column in enumerate(table.columns):
        label = "total" if by is None else str(column)
        ax.plot(years, table[column].to_numpy(dtype=float), marker="o", color=f"C{k % 10}",
                label=label)
    ax.set_xticks(years)
    ax.set_xlabel("year")
    ax.set_ylabel(_PROJECTION_LABELS.get(metric, metric))
    ax.set_title(f"{_PROJECTION_LABELS.get(metric, metric)} by year"
                 + (f" and {by}" if by is not None else ""))
    ax.grid(alpha=0.3)
    if by is not None:
        ax.legend(title=by, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def simulation(sim: Simulation, metric: str = "jobs", ax: Any = None) -> Any:
    """Histogram of a simulated ``metric`` with the point estimate and the 10 % VaR."""
    ax = axes(ax, (6, 3.5))
    ax.hist(sim.draws[metric], bins=60, color="#4c72b0", alpha=0.8)
    ax.axvline(sim.point[metric], color="black", label="point estimate")
    ax.axvline(sim.var(0.1)[metric], color="#c44e52", linestyle="--", label="10 % VaR")
    ax.set_xlabel(metric)
    ax.set_ylabel("draws")
    ax.legend()
    return ax


def fan(sim: Simulation, metric: str = "jobs", top: int = 15, ax: Any = None) -> Any:
    """Fan chart of a simulation by region: median and 10-90 % / 5-95 % bands."""
    ax = axes(ax, (7, 5))
    q = sim.region_quantiles(metric, (0.05, 0.1, 0.5, 0.9, 0.95))
    q = q.sort_values(0.5, ascending=False).head(top)
    y = np.arange(len(q))
    ax.hlines(y, q[0.05], q[0.95], color="#c6d4e9", linewidth=6, label="5-95 %")
    ax.hlines(y, q[0.1], q[0.9], color="#4c72b0", linewidth=6, label="10-90 %")
    ax.plot(q[0.5], y, "k|", markersize=12, label="median")
    ax.set_yticks(y, [str(r) for r in q.index])
    ax.invert_yaxis()
    ax.set_xlabel(metric)
    ax.legend(loc="lower right")
    return ax


def value_of_optimization(value: ValueOfOptimization, metric: str | None = None,
                          ax: Any = None) -> Any:
    """Bars of ``metric`` for the optimized plan and each rule of thumb.

    Raises
    ------
    PolicyError
        If ``metric`` is no column of the table.
    """
    metrics = list(value.result.data.metrics)
    if metric is None:
        metric = "jobs" if "jobs" in metrics else metrics[0]
    if metric not in value.table.columns:
        raise PolicyError(f"ValueOfOptimization.plot: no column '{metric}'"
                          f"{suggest(metric, value.table.columns)}; metrics are {metrics}")
    ax = axes(ax, (7, 3.8))
    values = value.table[metric].to_numpy(dtype=float)
    plans = value.table["plan"].tolist()
    colors = ["tab:blue" if p == "optimized" else "tab:gray" for p in plans]
    bars = ax.bar(plans, values, color=colors)
    ax.bar_label(bars, labels=[f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"
                               for v in values], fontsize=8)
    unit = value.result.data.metric_units.get(metric, "")
    ax.set_ylabel(f"{metric} ({unit})" if unit else metric)
    ax.set_title(f"{metric}: optimized plan and rules of thumb "
                 f"(Rp {value.table.attrs.get('budget', np.nan):,.0f} bn)")
    ax.tick_params(axis="x", rotation=30)
    ax.grid(axis="y", alpha=0.3)
    return ax


def comparison(cmp: Comparison, metric: str = "jobs", ax: Any = None) -> Any:
    """Bars of each scenario's change in ``metric`` against the baseline (percent).

    Raises
    ------
    PolicyError
        If no scenario has the outcome ``metric``.
    """
    data = cmp.outcomes[cmp.outcomes["metric"] == metric]
    if data.empty:
        raise PolicyError(f"no outcome '{metric}'; outcomes: "
                          f"{sorted(cmp.outcomes['metric'].unique())}")
    ax = axes(ax, (7, 0.4 * len(data) + 1.5))
    colors = np.where(data["diff"].to_numpy() >= 0, "#2b8cbe", "#e34a33")
    ax.barh(data["scenario"], data["pct"].fillna(0.0), color=colors)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set_xlabel(f"{metric}: change against '{cmp.baseline}' (%)")
    return ax
