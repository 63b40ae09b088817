"""The report of a scenario set: every solved scenario against a baseline.

Built from the tables a batch keeps (:class:`~ikmopt.ScenarioResults`, also when read back
from a results folder), so it needs no re-solve. Scenarios solved by this version of ikmopt
also keep, in ``meta["report"]``, their objective's unit (for shadow prices in words), the
metric units and their rules as written; older results fall back to generic wording. A
scenario whose ``meta["report"]`` says ``"illustrative": true`` (its dataset was marked
ILLUSTRATIVE) puts the ILLUSTRATIVE note on the page and in row 1 of every sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.report import charts
from ikmopt.report.html import render, table_view
from ikmopt.report.labels import Formatter
from ikmopt.report.plan import constraint_columns, constraints_table
from ikmopt.report.prices import BindingText, binding_sentences
from ikmopt.report.tables import Column, Table
from ikmopt.report.wording import (
    capitalize,
    metric_header,
    metric_kind,
    metric_name,
    status_text,
)

if TYPE_CHECKING:
    from ikmopt.scenarios.results import Comparison, ScenarioResults

__all__ = ["scenario_html", "scenario_line", "scenario_note", "scenario_tables"]

#: Binding rows put in words per scenario in the HTML report.
SENTENCES_PER_SCENARIO = 6


def _info(results: ScenarioResults, name: str) -> dict[str, Any]:
    return dict(results[name].meta.get("report") or {})


def scenario_line(results: ScenarioResults, comparison: Comparison, fmt: Formatter) -> str:
    """The baseline and how many scenarios were solved, in words."""
    return fmt("baseline_line", baseline=comparison.baseline,
               solved=len(comparison.scenarios), total=len(results))


def scenario_note(results: ScenarioResults, comparison: Comparison,
                  fmt: Formatter) -> str | None:
    """The ILLUSTRATIVE note when a compared scenario's dataset was illustrative, else None."""
    flagged = any(_info(results, name).get("illustrative") for name in comparison.scenarios)
    return fmt("illustrative_note") if flagged else None


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


def _binding(results: ScenarioResults, comparison: Comparison,
             fmt: Formatter) -> list[tuple[str, BindingText]]:
    """The binding rules of each scenario in words (the largest shadow prices)."""
    units = _units(results, comparison)
    texts = []
    for name in comparison.scenarios:
        table = results[name].tables.get("constraints")
        if table is None:
            continue
        info = _info(results, name)
        texts.append((name, binding_sentences(
            table, ObjectiveUnit.from_dict(info.get("objective_unit")), fmt, units,
            mip=bool(info.get("mip")), optimal=results[name].meta.get("status") == "optimal",
            limit=SENTENCES_PER_SCENARIO)))
    return texts


def scenario_html(results: ScenarioResults, comparison: Comparison, fmt: Formatter,
                  title: str, date: dt.date) -> str:
    """The whole HTML report of a scenario set."""
    metrics = ["spend", *_metrics(comparison)]
    change = charts.scenario_change_chart(comparison, metrics, fmt, lambda m: _label(m, fmt))
    rules = _rules_frame(results, comparison)
    errors = _errors(results, fmt)
    return render(
        "scenarios.html.j2", fmt, title, date, baseline=comparison.baseline,
        solved=len(comparison.scenarios), total=len(results),
        illustrative_note=scenario_note(results, comparison, fmt),
        overview=table_view(_overview(results, comparison, fmt), fmt), change=change,
        programs=table_view(_wide(comparison.by_program, "program", comparison, fmt,
                                  fmt("col_program"), ""), fmt),
        gini=table_view(_gini_wide(comparison, fmt), fmt),
        binding=_binding(results, comparison, fmt),
        rules=[(name, list(group["rule"]))
               for name, group in rules.groupby("scenario", sort=False)],
        regions=table_view(_wide(comparison.by_region, "region", comparison, fmt,
                                 fmt("col_region"), ""), fmt),
        errors=table_view(errors, fmt) if len(errors.frame) else None)
