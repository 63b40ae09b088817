"""The report of a scenario set: every solved scenario against a baseline.

Built from the tables a batch keeps (:class:`~ikmopt.ScenarioResults`, also when read back
from a results folder), so it needs no re-solve. Scenarios solved by this version of ikmopt
also keep, in ``meta["report"]``, their objective's unit (for shadow prices in words), the
metric units and their rules as written; older results fall back to generic wording.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.version import __version__
from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.report import charts
from ikmopt.report.content import (
    Column,
    Table,
    binding_sentences,
    capitalize,
    constraint_columns,
    constraints_table,
    metric_header,
    metric_kind,
    metric_name,
    status_text,
)
from ikmopt.report.html import binding_html, esc, figure, page, table_html
from ikmopt.report.labels import Formatter

if TYPE_CHECKING:
    from ikmopt.scenarios.batch import Comparison, ScenarioResults

__all__ = ["scenario_html", "scenario_tables"]

#: Binding rows put in words per scenario in the HTML report.
SENTENCES_PER_SCENARIO = 6


def _info(results: ScenarioResults, name: str) -> dict[str, Any]:
    return dict(results[name].meta.get("report") or {})


def _units(results: ScenarioResults, comparison: Comparison) -> dict[str, str]:
    return dict(_info(results, comparison.baseline).get("metric_units") or {})


def _metrics(comparison: Comparison) -> list[str]:
    metrics = list(dict.fromkeys(comparison.outcomes["metric"].astype(str)))
    return [m for m in metrics if m != "spend"]


def _label(metric: str, fmt: Formatter) -> str:
    return capitalize(metric_name(metric, fmt))


def _overview(results: ScenarioResults, comparison: Comparison, fmt: Formatter) -> Table:
    units = _units(results, comparison)
    metrics = _metrics(comparison)
    values = comparison.outcomes.pivot(index="scenario", columns="metric", values="value")
    pct = comparison.outcomes.pivot(index="scenario", columns="metric", values="pct")
    frame = pd.DataFrame({"scenario": comparison.scenarios})
    frame["status"] = [status_text(results[n].meta.get("status", ""), fmt)
                       for n in comparison.scenarios]
    frame["objective"] = [results[n].meta.get("objective", np.nan) for n in comparison.scenarios]
    columns = [Column("scenario", fmt("col_scenario")), Column("status", fmt("col_status")),
               Column("objective", fmt("col_objective_value"), "value"),
               Column("spend", fmt("col_spend"), "bn")]
    for metric in ["spend", *metrics]:
        frame[metric] = values[metric].reindex(comparison.scenarios).to_numpy()
        if metric != "spend":
            columns.append(Column(metric, metric_header(metric, fmt, units),
                                  metric_kind(metric, units)))
    for metric in ["spend", *metrics]:
        key = f"pct::{metric}"
        frame[key] = pct[metric].reindex(comparison.scenarios).to_numpy()
        columns.append(Column(key, fmt("col_change_pct", what=metric_name(metric, fmt)), "pct"))
    gini = comparison.equity[(comparison.equity["of"] == "spend")
                             & (comparison.equity["measure"] == "gini")]
    frame["gini"] = gini.set_index("scenario")["value"].reindex(comparison.scenarios).to_numpy()
    columns.append(Column("gini", fmt("item_gini"), "ratio"))
    return Table(fmt("sheet_summary"), frame, columns)


def _outcomes(results: ScenarioResults, comparison: Comparison, fmt: Formatter) -> Table:
    units = _units(results, comparison)
    frame = comparison.outcomes.copy()
    kinds = ["bn" if m == "spend" else metric_kind(str(m), units) for m in frame["metric"]]
    frame["name"] = [fmt("col_spend") if m == "spend" else metric_header(str(m), fmt, units)
                     for m in frame["metric"]]
    columns = [Column("scenario", fmt("col_scenario")), Column("name", fmt("col_item")),
               Column("value", fmt("col_value"), "mixed"),
               Column("baseline", fmt("col_baseline"), "mixed"),
               Column("diff", fmt("col_difference"), "mixed"),
               Column("pct", fmt("col_change_pct", what=""), "pct")]
    return Table(fmt("sheet_outcomes"), frame, columns, row_kinds=kinds)


def _wide(long: pd.DataFrame, level: str, comparison: Comparison, fmt: Formatter,
          header: str, sheet: str) -> Table:
    spend = long.pivot(index=level, columns="scenario", values="spend")
    order = list(dict.fromkeys(long[long["scenario"] == comparison.baseline][level]))
    order += [k for k in spend.index if k not in order]
    spend = spend.reindex(index=order, columns=comparison.scenarios)
    frame = pd.DataFrame({level: [str(k) for k in spend.index]})
    columns = [Column(level, header)]
    for name in comparison.scenarios:
        frame[f"spend::{name}"] = spend[name].to_numpy()
        columns.append(Column(f"spend::{name}", fmt("col_scenario_spend", scenario=name), "bn"))
    base = spend[comparison.baseline].fillna(0.0)
    for name in comparison.scenarios:
        if name == comparison.baseline:
            continue
        frame[f"diff::{name}"] = (spend[name].fillna(0.0) - base).to_numpy()
        columns.append(Column(f"diff::{name}", fmt("col_diff_vs", scenario=name), "bn"))
    return Table(sheet, frame, columns)


def _equity(comparison: Comparison, fmt: Formatter) -> Table:
    frame = comparison.equity.copy()
    frame["name"] = [_label(str(of), fmt) for of in frame["of"]]
    frame["measure_name"] = [fmt(f"measure_{m}") if f"measure_{m}" in fmt.text else str(m)
                             for m in frame["measure"]]
    kinds = ["ratio" if m in ("gini", "theil", "cv") else "num" for m in frame["measure"]]
    columns = [Column("scenario", fmt("col_scenario")), Column("name", fmt("col_of")),
               Column("measure_name", fmt("col_measure")),
               Column("value", fmt("col_value"), "mixed"),
               Column("baseline", fmt("col_baseline"), "mixed"),
               Column("diff", fmt("col_difference"), "mixed")]
    return Table(fmt("sheet_equity"), frame, columns, row_kinds=kinds)


def _gini_wide(comparison: Comparison, fmt: Formatter) -> Table:
    gini = comparison.equity[comparison.equity["measure"] == "gini"]
    wide = gini.pivot(index="scenario", columns="of", values="value")
    order = [of for of in ["spend", *_metrics(comparison)] if of in wide.columns]
    wide = wide.reindex(index=comparison.scenarios, columns=order)
    frame = pd.DataFrame({"scenario": list(wide.index)})
    columns = [Column("scenario", fmt("col_scenario"))]
    for of in wide.columns:
        frame[f"gini::{of}"] = wide[of].to_numpy()
        columns.append(Column(f"gini::{of}", f"{fmt('measure_gini')}: {metric_name(of, fmt)}",
                              "ratio"))
    return Table(fmt("sheet_equity"), frame, columns)


def _constraints(results: ScenarioResults, comparison: Comparison,
                 fmt: Formatter) -> Table:
    units = _units(results, comparison)
    parts = []
    for name in comparison.scenarios:
        table = results[name].tables.get("constraints")
        if table is None or not len(table):
            continue
        info = _info(results, name)
        unit = ObjectiveUnit.from_dict(info.get("objective_unit"))
        words = constraints_table(table, unit, fmt, units, bool(info.get("mip")), "")
        parts.append(words.frame.assign(scenario=name))
    columns = constraint_columns(fmt, scenario=True)
    frame = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame(columns=[c.key for c in columns]))
    return Table(fmt("sheet_shadow_prices"), frame, columns)


def _errors(results: ScenarioResults, fmt: Formatter) -> Table:
    frame = results.errors
    columns = [Column("scenario", fmt("col_scenario")),
               Column("error_type", fmt("col_error_type")), Column("error", fmt("col_error"))]
    return Table(fmt("sheet_errors"), frame, columns)


def scenario_tables(results: ScenarioResults, comparison: Comparison,
                    fmt: Formatter) -> list[Table]:
    """Every table of a scenario set's workbook, in sheet order."""
    tables = [
        _overview(results, comparison, fmt),
        _outcomes(results, comparison, fmt),
        _wide(comparison.by_region, "region", comparison, fmt, fmt("col_region"),
              fmt("sheet_by_region")),
        _wide(comparison.by_program, "program", comparison, fmt, fmt("col_program"),
              fmt("sheet_by_program")),
        _equity(comparison, fmt),
        _constraints(results, comparison, fmt),
        Table(fmt("sheet_assumptions"), _rules_frame(results, comparison),
              [Column("scenario", fmt("col_scenario")), Column("rule", fmt("col_rule"))]),
    ]
    errors = _errors(results, fmt)
    if len(errors.frame):
        tables.append(errors)
    return tables


def _rules_frame(results: ScenarioResults, comparison: Comparison) -> pd.DataFrame:
    rows = [(name, rule) for name in comparison.scenarios
            for rule in _info(results, name).get("rules") or []]
    return pd.DataFrame(rows, columns=["scenario", "rule"])


def scenario_html(results: ScenarioResults, comparison: Comparison, fmt: Formatter,
                  title: str, date: dt.date) -> str:
    """The whole HTML report of a scenario set."""
    units = _units(results, comparison)
    metrics = _metrics(comparison)
    overview = _overview(results, comparison, fmt)
    baseline_line = fmt("baseline_line", baseline=comparison.baseline,
                        solved=len(comparison.scenarios), total=len(results))
    body = [
        "<header>",
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(fmt("generated", date=fmt.date(date), version=__version__))}</p>',
        f'<p class="meta">{esc(baseline_line)}</p>',
        "</header>",
        f'<section id="overview"><h2>{esc(fmt("h_scen_overview"))}</h2>'
        f"{table_html(overview, fmt)}</section>",
        f'<section id="change"><h2>{esc(fmt("h_scen_change"))}</h2>',
        figure(charts.scenario_change_chart(comparison, ["spend", *metrics], fmt,
                                            lambda m: _label(m, fmt)),
               fmt("h_scen_change"), fmt),
        "</section>",
        f'<section id="programs"><h2>{esc(fmt("h_scen_programs"))}</h2>'
        + table_html(_wide(comparison.by_program, "program", comparison, fmt,
                           fmt("col_program"), ""), fmt) + "</section>",
        f'<section id="equity"><h2>{esc(fmt("h_equity"))}</h2>'
        f"{table_html(_gini_wide(comparison, fmt), fmt)}</section>",
        f'<section id="binding"><h2>{esc(fmt("h_scen_binding"))}</h2>',
    ]
    for name in comparison.scenarios:
        table = results[name].tables.get("constraints")
        if table is None:
            continue
        info = _info(results, name)
        text = binding_sentences(table, ObjectiveUnit.from_dict(info.get("objective_unit")), fmt,
                                 units, mip=bool(info.get("mip")),
                                 optimal=results[name].meta.get("status") == "optimal",
                                 limit=SENTENCES_PER_SCENARIO)
        body.append(f"<h3>{esc(name)}</h3>{binding_html(text)}")
    body.append("</section>")
    rules = _rules_frame(results, comparison)
    if len(rules):
        body.append(f'<section id="rules"><h2>{esc(fmt("h_scen_rules"))}</h2>')
        for name, group in rules.groupby("scenario", sort=False):
            items = "".join(f"<li>{esc(rule)}</li>" for rule in group["rule"])
            body.append(f"<h3>{esc(name)}</h3><ul>{items}</ul>")
        body.append("</section>")
    body.append(f'<section id="regions"><h2>{esc(fmt("h_scen_regions"))}</h2>'
                + table_html(_wide(comparison.by_region, "region", comparison, fmt,
                                   fmt("col_region"), ""), fmt) + "</section>")
    errors = _errors(results, fmt)
    if len(errors.frame):
        body.append(f'<section id="failed"><h2>{esc(fmt("h_scen_failed"))}</h2>'
                    f"{table_html(errors, fmt)}</section>")
    body.append(f"<footer>{esc(fmt('footer', version=__version__))}</footer>")
    return page(title, fmt.lang, body)
