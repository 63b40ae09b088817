"""Charts of a report as inline SVG text (matplotlib, without pyplot or a display).

Each chart is drawn on its own :class:`matplotlib.figure.Figure` (no global pyplot state, no
backend to choose) and saved as SVG with text kept as text, no metadata and ids salted per
chart, so several charts can sit in one HTML page and the output is the same on every run.
A chart comes with its caption; its ``<svg>`` is labelled for screen readers.
"""

from __future__ import annotations

import html
import io
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ikmopt import plot
from ikmopt.core.errors import DataError
from ikmopt.plot import lorenz_points
from ikmopt.report.labels import Formatter

if TYPE_CHECKING:
    from ikmopt.scenarios.results import Comparison
    from ikmopt.solving.result import Result

__all__ = ["Absorption", "Chart", "absorption_chart", "island_chart", "lorenz_chart",
           "program_chart", "region_chart", "scenario_change_chart"]

#: Largest number of regions drawn in the region chart (the largest spenders).
MAX_REGION_BARS = 40


@dataclass(frozen=True)
class Chart:
    """A chart of a report.

    Attributes
    ----------
    svg : str
        An ``<svg role="img" aria-label="...">`` element, ready to put in a page (matplotlib
        escapes its texts; the label is escaped here).
    caption : str
        The caption shown under it (plain text).
    """

    svg: str
    caption: str


def _figure(width: float, height: float) -> Any:
    try:
        # heavy, optional (ikmopt[plot]): loaded on the first chart
        from matplotlib.figure import Figure
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("report charts need matplotlib: pip install 'ikmopt[plot]'") from err
    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any, salt: str, caption: str, fmt: Formatter) -> Chart:
    """The figure as an ``<svg>`` element for inline HTML (no prolog, no external names)."""
    import matplotlib  # heavy, optional (ikmopt[plot]): loaded on the first chart

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buffer, format="svg",
                    metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    # HTML parses inline SVG without namespace declarations; SVG 2 reads plain href
    text = re.sub(r'\s+xmlns(:xlink)?="[^"]*"', "", text)
    text = text.replace("xlink:href=", "href=")
    label = html.escape(fmt("chart_alt", title=caption), quote=True)
    return Chart(text.replace("<svg", f'<svg role="img" aria-label="{label}"', 1), caption)


def _number_axis(axis: Any, fmt: Formatter, percent: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter  # heavy, optional: loaded with the chart

    if percent:
        axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.percent(v, 0)))
    else:
        axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.plain(v, 2)))


def _island_colours(result: Result) -> dict[str, str]:
    names = list(dict.fromkeys(result.data.regions["island_group"].astype(str)))
    return {name: f"C{k % 10}" for k, name in enumerate(names)}


def map_chart(result: Result, fmt: Formatter) -> Chart | None:
    """A map of spend per inhabitant by region; ``None`` without Kemendagri codes.

    Drawn from the bundled boundaries when the regions table has a ``kemendagri_code``
    column (the bundled datasets have one; a dataset of other regions draws no map).
    """
    if "kemendagri_code" not in result.data.regions.columns or not result.data.has_population:
        return None
    fig = _figure(7.5, 3.6)
    ax = fig.add_subplot()
    title = fmt("h_map")
    plot.map(result, "spend", per_capita=True, ax=ax, title=title, unit=fmt("map_unit"))
    for text in ax.texts:  # the ILLUSTRATIVE mark, in the reader's language
        if text.get_text() and "ILLUSTRATIVE" in text.get_text():
            text.set_text(fmt("map_illustrative"))
    return _svg(fig, "ikmopt-map", title, fmt)


def region_chart(result: Result, fmt: Formatter) -> Chart:
    """Horizontal bars of spend per region, largest on top, coloured by island group."""
    n = len(result.data.regions)
    top = MAX_REGION_BARS if n > MAX_REGION_BARS else None
    shown = min(n, MAX_REGION_BARS)
    fig = _figure(7.5, max(3.0, 0.22 * shown + 1.2))
    ax = fig.add_subplot()
    plot.allocation_by_region(result, ax=ax, top=top)
    title = fmt("h_by_region")
    ax.set_title(title if top is None else fmt("chart_top", title=title, n=top, total=n))
    ax.set_xlabel(fmt("col_spend"))
    legend = ax.get_legend()
    if legend is not None:
        legend.set_title(fmt("col_island_group"))
    _number_axis(ax.xaxis, fmt)
    return _svg(fig, "ikmopt-region", fmt("h_by_region"), fmt)


def island_chart(result: Result, fmt: Formatter) -> Chart | None:
    """Bars of spend per island group (colours as in :func:`region_chart`); None without one."""
    if "island_group" not in result.data.regions.columns:
        return None
    colours = _island_colours(result)
    spend = result.by("island_group")["spend"]
    spend.index = spend.index.astype(str)
    spend = spend.reindex(list(colours), fill_value=0.0)
    fig = _figure(7.5, 0.35 * len(spend) + 1.2)
    ax = fig.add_subplot()
    positions = np.arange(len(spend))[::-1]
    ax.barh(positions, spend.to_numpy(dtype=float), color=[colours[g] for g in spend.index])
    ax.set_yticks(positions, list(spend.index))
    total = float(spend.sum())
    for y, value in zip(positions, spend.to_numpy(dtype=float), strict=True):
        share = value / total if total > 0 else np.nan
        ax.annotate(f"{fmt.number(value, 1)} ({fmt.percent(share, 1)})", (value, y),
                    xytext=(3, 0), textcoords="offset points", va="center", fontsize="small")
    largest = float(spend.max())
    ax.set_xlim(0, largest * 1.4 if largest > 0 else 1.0)
    ax.set_xlabel(fmt("col_spend"))
    ax.set_title(fmt("h_island"))
    ax.grid(axis="x", alpha=0.3)
    _number_axis(ax.xaxis, fmt)
    return _svg(fig, "ikmopt-island", fmt("h_island"), fmt)


#: Width, in characters, at which a program's name on the chart's axis wraps.
NAME_WIDTH = 15


def program_chart(result: Result, fmt: Formatter) -> Chart:
    """Bars of spend per program (named as the report names them: :meth:`Formatter.label`)."""
    named = "program" in fmt.names
    fig = _figure(7.5, 4.4 if named else 3.6)
    ax = fig.add_subplot()
    plot.program_mix(result, ax=ax)
    if named:
        programs = list(result.data.programs.index)
        ax.set_xticks(range(len(programs)),
                      [textwrap.fill(fmt.label("program", p), NAME_WIDTH) for p in programs],
                      rotation=0, ha="center", fontsize="small")
    ax.set_ylabel(fmt("col_spend"))
    ax.set_title(fmt("h_program"))
    _number_axis(ax.yaxis, fmt)
    return _svg(fig, "ikmopt-program", fmt("h_program"), fmt)


def lorenz_chart(result: Result, fmt: Formatter) -> Chart | None:
    """Population-weighted Lorenz curve of spend per capita; None when nothing is spent.

    ``None`` also for a dataset without population (a Lorenz curve per capita needs it).
    """
    if not result.data.has_population:
        return None
    try:
        population, spend, gini = lorenz_points(result, "spend")
    except DataError:
        return None
    fig = _figure(4.6, 4.6)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], "--", color="grey", label=fmt("chart_equality"))
    ax.plot(population, spend, "-", color="C0",
            label=fmt("chart_lorenz", gini=fmt.number(gini, 3)))
    ax.fill_between(population, spend, population, color="C0", alpha=0.15)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(fmt("chart_lorenz_x"))
    ax.set_ylabel(fmt("chart_lorenz_y"))
    ax.set_title(fmt("h_lorenz"))
    ax.legend(loc="upper left", fontsize="small")
    _number_axis(ax.xaxis, fmt, percent=True)
    _number_axis(ax.yaxis, fmt, percent=True)
    return _svg(fig, "ikmopt-lorenz", fmt("h_lorenz"), fmt)


def scenario_change_chart(comparison: Comparison, metrics: list[str], fmt: Formatter,
                          label: Callable[[str], str]) -> Chart:
    """Grouped bars: each scenario's change against the baseline, in percent, per metric."""
    table = comparison.outcomes.pivot(index="scenario", columns="metric", values="pct")
    table = table.reindex(index=comparison.scenarios, columns=metrics).fillna(0.0)
    fig = _figure(7.5, 0.5 * len(table) * max(1, len(metrics)) * 0.45 + 1.6)
    ax = fig.add_subplot()
    height = 0.8 / max(1, len(metrics))
    positions = np.arange(len(table))[::-1].astype(float)
    for k, metric in enumerate(metrics):
        ax.barh(positions + (len(metrics) / 2 - k - 0.5) * height, table[metric].to_numpy(),
                height=height, color=f"C{k % 10}", label=label(metric))
    ax.set_yticks(positions, [str(s) for s in table.index])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(fmt("chart_change", baseline=comparison.baseline))
    ax.set_title(fmt("h_scen_change"))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize="small", loc="best")
    _number_axis(ax.xaxis, fmt)
    return _svg(fig, "ikmopt-change", fmt("h_scen_change"), fmt)


@dataclass(frozen=True)
class Absorption:
    """One panel of :func:`absorption_chart`: a plan's (or a pot's) realisation over the year.

    Attributes
    ----------
    name : str
        The panel's title (the whole plan, or a pot).
    times : numpy.ndarray
        Shares of the year (0-1) at which ``expected`` is given.
    expected : numpy.ndarray
        Cumulative realisation the absorption profile expects at ``times`` (Rp bn).
    reported : numpy.ndarray
        The ends of the reported periods (shares of the year).
    realised : numpy.ndarray
        Cumulative realisation at ``reported`` (Rp bn).
    planned : float
        The plan's spend (the ceiling), Rp bn.
    projected, low, high : float
        The projected year-end realisation and its interval, Rp bn.
    """

    name: str
    times: np.ndarray
    expected: np.ndarray
    reported: np.ndarray
    realised: np.ndarray
    planned: float
    projected: float
    low: float
    high: float


def absorption_chart(panels: Sequence[Absorption], fmt: Formatter, title: str,
                     quarters: Sequence[str], salt: str = "ikmopt-absorption") -> Chart:
    """Cumulative realisation over the year: expected, realised to date, projected year end.

    One panel per item of ``panels`` (side by side, three to a row, one legend under them):
    the profile's expected curve, the realised points from January (joined from zero), a
    dotted line from the last of them to the projected year end, drawn with its interval, and
    the plan as a dashed line. ``quarters`` label the quarter ends on the time axis.
    """
    columns = min(3, len(panels))
    rows = -(-len(panels) // columns)
    single = len(panels) == 1
    fig = _figure(7.5, 4.2 if single else 2.9 * rows + 0.9)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, panel in zip(axes, panels, strict=False):
        ax.plot(panel.times, panel.expected, "-", color="C0", label=fmt("chart_mon_expected"))
        times = np.concatenate([[0.0], panel.reported])
        paid = np.concatenate([[0.0], panel.realised])
        ax.plot(times, paid, "o-", color="C3", markersize=4, label=fmt("chart_mon_realised"))
        ax.plot([times[-1], 1.0], [paid[-1], panel.projected], ":", color="C3")
        ax.errorbar([1.0], [panel.projected],
                    yerr=[[max(panel.projected - panel.low, 0.0)],
                          [max(panel.high - panel.projected, 0.0)]],
                    fmt="D", color="C2", capsize=4, markersize=5,
                    label=fmt("chart_mon_projected"))
        ax.axhline(panel.planned, linestyle="--", color="grey", linewidth=0.9,
                   label=fmt("chart_mon_planned"))
        ax.set_xlim(0, 1.05)
        ax.set_ylim(0, max(panel.planned, panel.high, float(np.max(panel.expected))) * 1.08
                    or 1.0)
        ax.set_xticks([0.25, 0.5, 0.75, 1.0], list(quarters),
                      fontsize="small" if single else "x-small")
        ax.grid(alpha=0.3)
        ax.set_title(panel.name, fontsize="medium" if single else "small")
        _number_axis(ax.yaxis, fmt)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].set_ylabel(fmt("chart_mon_y"))
    if single:
        axes[0].legend(loc="upper left", fontsize="small")
    else:
        fig.suptitle(title)
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4,
                   fontsize="x-small")
    return _svg(fig, salt, title, fmt)
