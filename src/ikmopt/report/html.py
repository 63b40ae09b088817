"""The HTML report: one self-contained page (inline CSS and SVG charts, no scripts or links).

A page is a Jinja2 template of the package (``templates/plan.html.j2``,
``templates/scenarios.html.j2``, sharing ``base.html.j2``, ``macros.html.j2`` and
``report.css``) filled with the report's content: texts from the catalogue (the template
asks the :class:`~ikmopt.report.labels.Formatter` for them), tables as views of the
:class:`~ikmopt.report.tables.Table` objects the workbook also writes, and charts as inline
SVG. The environment autoescapes, so every text that comes from the user or the data (region
and program names, rules, scenario names, source notes, the title) is escaped; only the
charts' SVG is put in as markup.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ikmopt.core.version import METHODOLOGY_VERSION, __version__
from ikmopt.data.metadata import marked_rows
from ikmopt.model.constraints.last_year import this_year_total
from ikmopt.report import charts
from ikmopt.report.labels import SOURCE_LANGUAGE, Formatter
from ikmopt.report.plan import (
    equity_table,
    illustrative_note,
    program_table,
    projects_table,
    region_table,
    sources_table,
    untranslated,
)
from ikmopt.report.planning import pots_table, proposals_table, rakor_table
from ikmopt.report.prices import binding_sentences, budget_note
from ikmopt.report.rules import policy_lines
from ikmopt.report.tables import Table
from ikmopt.report.wording import metric_header, metric_name, status_text

if TYPE_CHECKING:
    import jinja2

    from ikmopt.solving.result import Result

__all__ = ["Card", "Cell", "Row", "TableView", "environment", "plan_html", "render",
           "sources_view", "table_view"]


@functools.cache
def environment() -> jinja2.Environment:
    """The templates of the package, autoescaped (loaded once)."""
    # Jinja2 is imported with the first HTML report, so that ``import ikmopt`` stays light
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("ikmopt.report", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)


def render(template: str, fmt: Formatter, title: str, day: dt.date, **context: Any) -> str:
    """A page of the report: ``template`` filled with ``context`` in the language of ``fmt``."""
    return environment().get_template(template).render(
        t=fmt, lang=fmt.lang, title=title, day=day,
        version=fmt("version_text", package=__version__, methodology=METHODOLOGY_VERSION),
        **context)


@dataclass(frozen=True)
class Cell:
    """A cell of a page's table: its text, right-aligned if a number, or a badge."""

    text: str
    numeric: bool = False
    badge: bool = False


@dataclass(frozen=True)
class Row:
    """A row of a page's table, with its CSS class (``illustrative`` rows are marked)."""

    cells: list[Cell]
    css: str = ""


@dataclass(frozen=True)
class TableView:
    """A table as the page shows it: header cells and rows of text."""

    head: list[Cell]
    rows: list[Row] = field(default_factory=list)


def table_view(table: Table, fmt: Formatter, row_css: Sequence[str] | None = None) -> TableView:
    """The cells of ``table`` as text in the report's language."""
    head = [Cell(c.header, c.numeric) for c in table.columns]
    rows = [Row([Cell(text, c.numeric) for text, c in zip(values, table.columns, strict=True)],
                row_css[i] if row_css else "")
            for i, values in enumerate(table.display(fmt))]
    return TableView(head, rows)


@dataclass(frozen=True)
class Card:
    """A headline figure: its label and its value in words."""

    label: str
    value: str
    small: bool = False


def _headline(result: Result, fmt: Formatter) -> list[Card]:
    units = result.data.metric_units
    out = result.outcomes
    cards = []
    for metric in result.data.metrics:
        value = float(out[metric])
        if metric == "jobs":
            cards.append(Card(fmt("card_jobs"), fmt.number(value, 0)))
        elif metric == "value_added":
            cards.append(Card(fmt("card_value_added"),
                              f"{fmt.money(value, 1)} {fmt('per_year')}"))
        else:
            cards.append(Card(metric_header(metric, fmt, units), fmt.number(value, 1)))
    spend, budget = float(out["spend"]), this_year_total(result.policy.budget)
    if budget:
        text = fmt("spend_of_budget", spend=fmt.number(spend, 1), budget=fmt.number(budget, 1),
                   share=fmt.percent(spend / budget, 1))
    else:
        text = fmt("spend_no_total", spend=fmt.number(spend, 1))
    return [*cards, Card(fmt("card_spend"), text, small=True),
            Card(fmt("card_status"), status_text(result.status, fmt), small=True)]


def _equity_lines(result: Result, fmt: Formatter) -> list[str]:
    equity = result.equity
    lines = [fmt("equity_gini", gini=fmt.number(equity.get(("spend", "gini"), np.nan), 3)),
             fmt("equity_range", low=fmt.number(equity.get(("spend", "min_per_capita")), 0),
                 high=fmt.number(equity.get(("spend", "max_per_capita")), 0))]
    regions = result.data.regions
    total = float(result.outcomes["spend"])
    if "kti" in regions.columns and total > 0 and result.data.has_population:
        kti = regions["kti"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()
        spend = result.by("region")["spend"].reindex(regions.index, fill_value=0.0).to_numpy()
        population = regions["population"].to_numpy(dtype=float)
        lines.append(fmt("equity_kti", share=fmt.percent(spend[kti].sum() / total, 1),
                         population=fmt.percent(population[kti].sum() / population.sum(), 1)))
    for metric in result.data.metrics:
        gini = equity.get((metric, "gini"), np.nan)
        lines.append(fmt("equity_metric_gini", metric=metric_name(metric, fmt),
                         gini=fmt.number(gini, 3)))
    return lines


def sources_view(result: Result, fmt: Formatter) -> TableView | None:
    """The sources table, rows marked ILLUSTRATIVE first with a badge; None without one."""
    sources = result.data.sources
    if not len(sources):
        return None
    table = sources_table(result, fmt)
    flags = [bool(flag) for flag in table.frame["illustrative"]]
    table.columns = [c for c in table.columns if c.key != "illustrative"]
    view = table_view(table, fmt, ["illustrative" if flag else "" for flag in flags])
    badge = fmt("illustrative")
    rows = [Row([Cell(badge if flag else "", badge=flag), *row.cells], row.css)
            for row, flag in zip(view.rows, flags, strict=True)]
    return TableView([Cell(""), *view.head], rows)


def plan_html(result: Result, fmt: Formatter, title: str, date: dt.date) -> str:
    """The whole HTML report of one plan."""
    units = result.data.metric_units
    objective, rules = policy_lines(result.policy, fmt, units)
    unit = result.objective_unit
    binding = binding_sentences(result.constraints, unit, fmt, units, mip=result.lp.is_mip,
                                optimal=result.is_optimal)
    note = budget_note(result, unit, fmt)
    if note is not None:
        binding.notes.insert(0, note)
    sources = result.data.sources
    projects = (None if result.data.projects is None
                else table_view(projects_table(result, fmt, built_only=True), fmt))
    chart = {"region": charts.region_chart(result, fmt),
             "map": charts.map_chart(result, fmt),
             "island": charts.island_chart(result, fmt),
             "program": charts.program_chart(result, fmt),
             "lorenz": charts.lorenz_chart(result, fmt)}
    return render(
        "plan.html.j2", fmt, title, date, dataset=result.data.name, solver=result.solver,
        objective=objective, rules=rules, headline=_headline(result, fmt), charts=chart,
        programs=table_view(program_table(result, fmt), fmt), binding=binding,
        equity_lines=_equity_lines(result, fmt), equity=table_view(equity_table(result, fmt), fmt),
        illustrative=len(sources) > 0 and bool(marked_rows(sources).any()),
        illustrative_note=illustrative_note(result, fmt),
        description=result.data.description if fmt.lang == SOURCE_LANGUAGE else "",
        untranslated=untranslated(result, fmt), sources=sources_view(result, fmt),
        projects=projects, regions=table_view(region_table(result, fmt), fmt),
        **_planning_views(result, fmt))


def _planning_views(result: Result, fmt: Formatter) -> dict[str, TableView | None]:
    """The planning cycle's tables the plan has (``None`` for the others)."""
    tables = {"pots": pots_table(result, fmt), "rakor": rakor_table(result, fmt),
              "proposals": proposals_table(result, fmt)}
    return {name: None if table is None else table_view(table, fmt)
            for name, table in tables.items()}
