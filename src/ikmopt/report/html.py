"""The HTML report: one self-contained page (inline CSS and SVG charts, no scripts or links).

Every text that comes from the user or the data (region and program names, rules,
scenario names, source notes, the title) is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ikmopt.core.version import __version__
from ikmopt.report import charts
from ikmopt.report.content import (
    BindingText,
    Column,
    Table,
    binding_sentences,
    budget_note,
    equity_table,
    is_illustrative,
    metric_header,
    metric_name,
    policy_lines,
    program_table,
    projects_table,
    region_table,
    sources_table,
    status_text,
)
from ikmopt.report.labels import Formatter

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["page", "plan_html"]

_NUMERIC = ("int", "bn", "share", "ratio", "num", "pct", "value", "price", "mixed")

CSS = """
:root { --ink: #1d2733; --muted: #5b6773; --line: #d8dee4; --accent: #1f6f8b;
        --soft: #f3f6f8; --warn: #8a4b00; --warn-bg: #fff1dc; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); margin: 0 auto; max-width: 1040px; padding: 1.5rem;
       line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
.meta { color: var(--muted); margin: .1rem 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr));
         gap: .8rem; margin: 1rem 0; }
.card { background: var(--soft); border-radius: 8px; padding: .8rem 1rem; }
.card .label { color: var(--muted); font-size: .85rem; }
.card .value { font-size: 1.35rem; font-weight: 600; margin-top: .2rem; }
.card .value.small { font-size: 1rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .6rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left;
         vertical-align: top; }
th { background: var(--soft); position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
ul.sentences li { margin: .25rem 0; }
.note { color: var(--muted); font-size: .9rem; }
.badge { background: var(--warn-bg); color: var(--warn); border-radius: 4px;
         padding: 0 .35rem; font-size: .75rem; font-weight: 600; white-space: nowrap; }
tr.illustrative td { background: #fffaf2; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem;
         border-top: 1px solid var(--line); padding-top: .6rem; }
@media print { h2 { break-after: avoid; } figure, table { break-inside: avoid; } }
"""


def esc(text: object) -> str:
    """Escape any text for HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def page(title: str, lang: str, body: Iterable[str]) -> str:
    """A complete HTML document around ``body`` (already escaped HTML fragments)."""
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="ikmopt">',
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
        "",
    ])


def table_html(table: Table, fmt: Formatter, *, row_classes: list[str] | None = None,
               cells: dict[tuple[int, str], str] | None = None) -> str:
    """A report table as an HTML table (every cell escaped; ``cells`` holds ready HTML)."""
    numeric = [c.kind in _NUMERIC for c in table.columns]
    head = "".join(f'<th{" class=num" if num else ""} scope="col">{esc(c.header)}</th>'
                   for c, num in zip(table.columns, numeric, strict=True))
    rows = []
    for i, values in enumerate(table.display(fmt)):
        tds = []
        for column, value, num in zip(table.columns, values, numeric, strict=True):
            content = (cells or {}).get((i, column.key), esc(value))
            tds.append(f'<td{" class=num" if num else ""}>{content}</td>')
        css = f' class="{esc(row_classes[i])}"' if row_classes and row_classes[i] else ""
        rows.append(f"<tr{css}>{''.join(tds)}</tr>")
    return (f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def figure(svg: str | None, caption: str, fmt: Formatter) -> str:
    """A chart with its caption (nothing when there is no chart)."""
    if svg is None:
        return ""
    label = esc(fmt("chart_alt", title=caption))
    svg = svg.replace('<svg role="img"', f'<svg role="img" aria-label="{label}"', 1)
    return f"<figure>{svg}<figcaption>{esc(caption)}</figcaption></figure>"


def _list(items: Iterable[str], css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<ul{cls}>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>"


def binding_html(text: BindingText) -> str:
    """The binding-constraints section's body."""
    parts = [f"<p>{esc(text.intro)}</p>"]
    if text.sentences:
        parts.append(_list(text.sentences, "sentences"))
    parts += [f'<p class="note">{esc(note)}</p>' for note in text.notes]
    return "".join(parts)


def _card(label: str, value: str, small: bool = False) -> str:
    css = "value small" if small else "value"
    return (f'<div class="card"><div class="label">{esc(label)}</div>'
            f'<div class="{css}">{esc(value)}</div></div>')


def _headline(result: Result, fmt: Formatter) -> str:
    units = result.data.metric_units
    out = result.outcomes
    cards = []
    for metric in result.data.metrics:
        value = float(out[metric])
        if metric == "jobs":
            cards.append(_card(fmt("card_jobs"), fmt.number(value, 0)))
        elif metric == "value_added":
            cards.append(_card(fmt("card_value_added"),
                               f"{fmt.money(value, 1)} {fmt('per_year')}"))
        else:
            cards.append(_card(metric_header(metric, fmt, units), fmt.number(value, 1)))
    spend, budget = float(out["spend"]), result.policy.budget.total
    if budget:
        text = fmt("spend_of_budget", spend=fmt.number(spend, 1), budget=fmt.number(budget, 1),
                   share=fmt.percent(spend / budget, 1))
    else:
        text = fmt("spend_no_total", spend=fmt.number(spend, 1))
    cards.append(_card(fmt("card_spend"), text, small=True))
    cards.append(_card(fmt("card_status"), status_text(result.status, fmt), small=True))
    return f'<div class="cards">{"".join(cards)}</div>'


def _equity(result: Result, fmt: Formatter) -> str:
    equity = result.equity
    lines = [fmt("equity_gini", gini=fmt.number(equity.get(("spend", "gini"), np.nan), 3)),
             fmt("equity_range", low=fmt.number(equity.get(("spend", "min_per_capita")), 0),
                 high=fmt.number(equity.get(("spend", "max_per_capita")), 0))]
    regions = result.data.regions
    total = float(result.outcomes["spend"])
    if "kti" in regions.columns and total > 0:
        kti = regions["kti"].astype(str).str.lower().isin(["true", "1", "yes"]).to_numpy()
        spend = result.by("region")["spend"].reindex(regions.index, fill_value=0.0).to_numpy()
        population = regions["population"].to_numpy(dtype=float)
        lines.append(fmt("equity_kti", share=fmt.percent(spend[kti].sum() / total, 1),
                         population=fmt.percent(population[kti].sum() / population.sum(), 1)))
    for metric in result.data.metrics:
        gini = equity.get((metric, "gini"), np.nan)
        lines.append(fmt("equity_metric_gini", metric=metric_name(metric, fmt),
                         gini=fmt.number(gini, 3)))
    return (_list(lines) + table_html(equity_table(result, fmt), fmt)
            + figure(charts.lorenz_chart(result, fmt), fmt("h_lorenz"), fmt))


def sources_html(result: Result, fmt: Formatter) -> str:
    """The sources table with ILLUSTRATIVE rows marked (or a line saying there is none)."""
    sources = result.data.sources
    if sources is None or not len(sources):
        description = result.data.description
        return (f"<p>{esc(fmt('sources_none'))}</p>"
                + (f'<p class="note">{esc(description)}</p>' if description else ""))
    table = sources_table(result, fmt)
    flags = list(table.frame["illustrative"])
    badge = f'<span class="badge">{esc(fmt("illustrative"))}</span>'
    cells = {(i, "illustrative"): badge for i, flag in enumerate(flags) if flag}
    table.columns = [c for c in table.columns if c.key != "illustrative"]
    table.columns.insert(0, Column("illustrative", ""))
    cells.update({(i, "illustrative"): "" for i, flag in enumerate(flags) if not flag})
    rows = ["illustrative" if flag else "" for flag in flags]
    description = result.data.description
    return ((f'<p class="note">{esc(description)}</p>' if description else "")
            + f'<p class="note">{esc(fmt("sources_as_written"))}</p>'
            + table_html(table, fmt, row_classes=rows, cells=cells))


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
    body = [
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(fmt("generated", date=fmt.date(date), version=__version__))}</p>',
        f'<p class="meta">{esc(fmt("dataset_line", name=result.data.name))} '
        f'{esc(fmt("solver_line", solver=result.solver))}</p>',
        f'<p class="meta">{esc(fmt("objective_line", objective=objective))}</p>',
        "</header>",
        f'<section id="headline"><h2>{esc(fmt("h_headline"))}</h2>'
        f"{_headline(result, fmt)}</section>",
        f'<section id="allocation"><h2>{esc(fmt("h_allocation"))}</h2>',
        figure(charts.region_chart(result, fmt), fmt("h_by_region"), fmt),
    ]
    island = charts.island_chart(result, fmt)
    if island is not None:
        body += [f"<h3>{esc(fmt('h_island'))}</h3>", figure(island, fmt("h_island"), fmt)]
    body += [
        f"<h3>{esc(fmt('h_program'))}</h3>",
        figure(charts.program_chart(result, fmt), fmt("h_program"), fmt),
        table_html(program_table(result, fmt), fmt),
        "</section>",
        f'<section id="binding"><h2>{esc(fmt("h_binding"))}</h2>{binding_html(binding)}'
        "</section>",
        f'<section id="equity"><h2>{esc(fmt("h_equity"))}</h2>{_equity(result, fmt)}</section>',
        f'<section id="assumptions"><h2>{esc(fmt("h_assumptions"))}</h2>'
        f"<p>{esc(fmt('assume_intro'))}</p>"
        + _list([fmt("objective_line", objective=objective), *rules]),
    ]
    sources = result.data.sources
    if sources is not None and is_illustrative(sources).any():
        body.append(f'<p class="note">{esc(fmt("assume_data"))}</p>')
    body += [
        "</section>",
        f'<section id="sources"><h2>{esc(fmt("h_sources"))}</h2>'
        f"{sources_html(result, fmt)}</section>",
    ]
    if result.data.projects is not None:
        body.append(f'<section id="projects"><h2>{esc(fmt("h_projects"))}</h2>'
                    f"{table_html(projects_table(result, fmt, built_only=True), fmt)}</section>")
    body += [
        f'<section id="table"><h2>{esc(fmt("h_table"))}</h2>'
        f"{table_html(region_table(result, fmt), fmt)}</section>",
        f"<footer>{esc(fmt('footer', version=__version__))}</footer>",
    ]
    return page(title, fmt.lang, body)
