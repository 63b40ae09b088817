"""The tables of one plan: the sheets of its workbook, and the tables of its page.

Headers carry their units; every table keeps its raw values (see
:class:`~ikmopt.report.tables.Table`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.version import METHODOLOGY_VERSION, __version__
from ikmopt.data.dataset import Dataset
from ikmopt.data.metadata import marked_rows
from ikmopt.model.constraints.last_year import this_year_total
from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.report.labels import LANGUAGES, SOURCE_LANGUAGE, Formatter
from ikmopt.report.planning import planning_tables
from ikmopt.report.prices import constraint_sentence, row_name
from ikmopt.report.rules import policy_lines
from ikmopt.report.tables import Column, Table
from ikmopt.report.wording import (
    capitalize,
    metric_header,
    metric_kind,
    metric_name,
    metric_unit,
    status_text,
)

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = [
    "caption",
    "constraint_columns",
    "constraints_table",
    "equity_table",
    "illustrative_note",
    "plan_tables",
    "program_names",
    "program_table",
    "projects_table",
    "reader_formatter",
    "region_table",
    "sources_table",
    "untranslated",
]


#: Texts of a sources table that are prose in the data's language (English for the bundled
#: data): another language's report shows them only from a column ``<name>_<lang>``.
SOURCE_PROSE = ("definition", "unit", "note")


def program_names(result: Result, fmt: Formatter) -> pd.Series | None:
    """Program names in the report's language (``name_id`` in Indonesian when given)."""
    programs = result.data.programs
    own = f"name_{fmt.lang}"
    column = own if fmt.lang != SOURCE_LANGUAGE and own in programs.columns else "name"
    return programs[column].astype(str) if column in programs.columns else None


def reader_formatter(result: Result | Dataset, fmt: Formatter) -> Formatter:
    """``fmt``, in the data's money unit, naming programs by name where the data allow.

    A program code (``sentra``) is a word of the data, in English for the bundled data; a
    report in another language writes each program by its name in that language (the
    programs table's ``name_id`` column for Bahasa Indonesia) in tables, charts and
    sentences. An English report keeps the codes, with the names beside them.
    """
    data = result if isinstance(result, Dataset) else result.data
    fmt = fmt.with_money(data.money)
    own = f"name_{fmt.lang}"
    programs = data.programs
    if fmt.lang == SOURCE_LANGUAGE or own not in programs.columns:
        return fmt
    names = programs[own].dropna().astype(str)
    return fmt.with_names({**fmt.names, "program": dict(zip(names.index.astype(str), names,
                                                            strict=True))})


def _named(frame: pd.DataFrame, levels: Sequence[str], fmt: Formatter) -> pd.DataFrame:
    """``frame`` with the labels of named levels (programs) written by name."""
    frame = frame.copy()
    for level in levels:
        if level in fmt.names and level in frame.columns:
            frame[level] = [fmt.label(level, v) for v in frame[level]]
    return frame


def illustrative_note(result: Result, fmt: Formatter) -> str | None:
    """The ILLUSTRATIVE note of the report's language, or None for a dataset without the flag.

    See :attr:`Dataset.illustrative <ikmopt.data.dataset.Dataset.illustrative>`.
    """
    return fmt("illustrative_note") if result.data.illustrative else None


def caption(title: str, lines: Sequence[str], note: str | None) -> str:
    """The first row of every sheet of a report workbook: title, lines, the note if any."""
    head = title.strip()
    head = head if head.endswith((".", "!", "?")) else head + "."
    return " ".join([head, *lines, *([note] if note else [])])


def _metric_columns(metrics: Sequence[str], fmt: Formatter,
                    units: Mapping[str, str]) -> list[Column]:
    return [Column(m, metric_header(m, fmt, units), metric_kind(m, units)) for m in metrics]


def _summary_table(result: Result, fmt: Formatter, date_text: str) -> Table:
    units = result.data.metric_units
    out = result.outcomes
    budget = this_year_total(result.policy.budget)
    objective, _ = policy_lines(result.policy, fmt, units)
    rows: list[tuple[str, Any, str, str]] = [
        (fmt("item_date"), date_text, "", "text"),
        (fmt("item_dataset"), result.data.name, "", "text"),
        (fmt("item_status"), status_text(result.status, fmt), "", "text"),
        (fmt("item_solver"), result.solver, "", "text"),
        (fmt("item_version"), fmt("version_text", package=__version__,
                                  methodology=METHODOLOGY_VERSION), "", "text"),
        (fmt("item_objective"), objective, "", "text"),
        (fmt("item_objective_value"), float(result.objective), "", "value"),
        (fmt("item_spend"), float(out["spend"]), fmt("unit_rp_bn"), "bn"),
    ]
    if budget is not None:
        rows += [(fmt("item_budget"), float(budget), fmt("unit_rp_bn"), "bn"),
                 (fmt("item_budget_used"), float(out["spend"]) / budget if budget else np.nan,
                  "", "share")]
    for metric in result.data.metrics:
        rows.append((capitalize(metric_name(metric, fmt)), float(out[metric]),
                     metric_unit(metric, fmt, units), metric_kind(metric, units)))
    rows.append((fmt("item_gini"), float(result.equity.get(("spend", "gini"), np.nan)), "",
                 "ratio"))
    frame = pd.DataFrame(rows, columns=["item", "value", "unit", "kind"])
    return Table(fmt("sheet_summary"), frame,
                 [Column("item", fmt("col_item")), Column("value", fmt("col_value"), "mixed"),
                  Column("unit", fmt("col_unit"))], row_kinds=list(frame["kind"]))


def _level_column(level: str, fmt: Formatter) -> Column:
    key = {"region": "col_region", "program": "col_program", "sector": "col_sector",
           "year": "col_year"}.get(level)
    if level == "program" and level in fmt.names:  # written by name (reader_formatter)
        key = "col_program_name"
    return Column(level, fmt(key) if key else level, "text")


def region_table(result: Result, fmt: Formatter) -> Table:
    """Spend, share, population, spend per capita and outcomes per region (dataset order)."""
    units = result.data.metric_units
    table = result.by("region").reset_index()
    regions = result.data.regions
    columns = [_level_column("region", fmt)]
    if "island_group" in regions.columns:
        table.insert(1, "island_group",
                     regions["island_group"].reindex(table["region"]).astype(str).to_numpy())
        columns.append(Column("island_group", fmt("col_island_group")))
    columns += [Column("spend", fmt("col_spend"), "bn"), Column("share", fmt("col_share"), "share")]
    per_capita = result.data.money.per_capita_column
    if result.data.has_population and per_capita in table.columns:  # population is optional
        columns += [Column("population", fmt("col_population"), "int"),
                    Column(per_capita, fmt("col_spend_pc"), "int")]
    columns += _metric_columns(result.data.metrics, fmt, units)
    return Table(fmt("sheet_by_region"), table, columns)


def program_table(result: Result, fmt: Formatter) -> Table:
    """Spend, share and outcomes per program, with the program's name."""
    units = result.data.metric_units
    table = result.by("program").reset_index()
    columns = [_level_column("program", fmt)]
    names = program_names(result, fmt)
    if "program" in fmt.names:  # the programs by name only (reader_formatter)
        table = _named(table, ["program"], fmt)
    elif names is not None:
        table.insert(1, "name", names.reindex(table["program"]).to_numpy())
        columns.append(Column("name", fmt("col_program_name")))
    columns += [Column("spend", fmt("col_spend"), "bn"), Column("share", fmt("col_share"), "share"),
                *_metric_columns(result.data.metrics, fmt, units)]
    return Table(fmt("sheet_by_program"), table, columns)


def _allocation_table(result: Result, fmt: Formatter) -> Table:
    units = result.data.metric_units
    table = _named(result.to_frame().reset_index(), result.data.levels, fmt)
    columns = [*(_level_column(level, fmt) for level in result.data.levels),
               Column("spend", fmt("col_spend"), "bn"),
               *_metric_columns(result.data.metrics, fmt, units),
               Column("capacity", fmt("col_capacity"), "bn"),
               Column("at_capacity", fmt("col_at_capacity"), "bool")]
    return Table(fmt("sheet_allocation"), table, columns)


def constraint_columns(fmt: Formatter, scenario: bool = False) -> list[Column]:
    """Columns of a constraints sheet (with a first ``scenario`` column for a set)."""
    columns = [Column("constraint", fmt("col_rule")), Column("family", fmt("col_family")),
               Column("label", fmt("col_row")), Column("activity", fmt("col_activity"), "value"),
               Column("lower", fmt("col_lower"), "value"),
               Column("upper", fmt("col_upper"), "value"),
               Column("slack", fmt("col_slack"), "value"),
               Column("shadow_price", fmt("col_shadow"), "price"),
               Column("binding", fmt("col_binding"), "bool"),
               Column("in_words", fmt("col_in_words"))]
    return [Column("scenario", fmt("col_scenario")), *columns] if scenario else columns


def constraints_table(constraints: pd.DataFrame, unit: ObjectiveUnit, fmt: Formatter,
                      units: Mapping[str, str], mip: bool, sheet: str) -> Table:
    """Every policy row with its shadow price and, for a binding row, the sentence."""
    table = constraints.copy()
    table["in_words"] = [
        "" if not bool(row["binding"]) else row_name(row, fmt, units) if mip
        else constraint_sentence(row, unit, fmt, units)
        for _, row in table.iterrows()
    ]
    return Table(sheet, table, constraint_columns(fmt))


def equity_table(result: Result, fmt: Formatter) -> Table:
    """Gini, Theil, CV and per-capita extremes of spend and of every metric (one row each)."""
    wide = result.equity.unstack("measure")
    measures = ["gini", "theil", "cv", "min_per_capita", "max_per_capita"]
    order = ["spend", *[m for m in result.data.metrics if m in wide.index]]
    wide = wide.reindex(index=order, columns=measures).rename_axis("of").reset_index()
    wide["name"] = [capitalize(metric_name(str(of), fmt)) for of in wide["of"]]
    wide["unit"] = [fmt("unit_rp_per_capita") if of == "spend" else fmt("unit_per_100k")
                    for of in wide["of"]]
    columns = [Column("name", fmt("col_of")),
               *(Column(m, fmt(f"measure_{m}"), "ratio") for m in measures[:3]),
               Column("min_per_capita", fmt("measure_min_per_capita"), "num"),
               Column("max_per_capita", fmt("measure_max_per_capita"), "num"),
               Column("unit", fmt("col_unit"))]
    return Table(fmt("sheet_equity"), wide, columns)


def untranslated(result: Result, fmt: Formatter) -> bool:
    """Whether the report leaves out texts of the data that are not in its language.

    A report in a language other than English shows neither the dataset's description nor
    the prose of its sources table (:data:`SOURCE_PROSE`) unless a ``<name>_<lang>``
    column gives it in that language.
    """
    if fmt.lang == SOURCE_LANGUAGE:
        return False
    sources = result.data.sources
    prose = [c for c in SOURCE_PROSE if c in sources.columns
             and f"{c}_{fmt.lang}" not in sources.columns]
    return bool(result.data.description) or (len(sources) > 0 and bool(prose))


def sources_table(result: Result, fmt: Formatter) -> Table:
    """The dataset's sources table with an ``illustrative`` flag.

    Its definitions, units and notes are shown as written in an English report; a report in
    another language shows them from ``<name>_<lang>`` columns (``note_id``) when the table
    has them, and leaves them out otherwise.
    """
    sources = result.data.sources
    table = sources.copy() if sources is not None else pd.DataFrame()
    table["illustrative"] = marked_rows(sources).to_numpy() if len(table) else []
    translated = {f"{c}_{lang}" for c in SOURCE_PROSE for lang in LANGUAGES}
    if fmt.lang != SOURCE_LANGUAGE:
        for column in SOURCE_PROSE:
            own = f"{column}_{fmt.lang}"
            if column in table.columns:
                table[column] = table[own] if own in table.columns else np.nan
    headers = {"table": "col_table", "column": "col_column", "definition": "col_definition",
               "unit": "col_unit", "year": "col_source_year", "source": "col_source",
               "note": "col_note", "illustrative": "col_illustrative"}
    shown = [c for c in headers if c in table.columns and not (
        fmt.lang != SOURCE_LANGUAGE and c in SOURCE_PROSE and table[c].isna().all())]
    columns = [Column(c, fmt(headers[c]), "bool" if c == "illustrative" else "text")
               for c in shown]
    columns += [Column(c, str(c)) for c in table.columns
                if c not in headers and c not in translated]
    return Table(fmt("sheet_sources"), table, columns)


def projects_table(result: Result, fmt: Formatter, built_only: bool = False) -> Table:
    """Candidate projects: built or not, cell, cost and outcomes."""
    units = result.data.metric_units
    table = _named(result.projects.reset_index(), result.data.levels, fmt)
    if built_only:
        table = table[table["built"]]
    levels = [c for c in result.data.levels if c in table.columns]
    columns = [Column("project", fmt("col_project")),
               *([] if built_only else [Column("built", fmt("col_built"), "bool")]),
               *(_level_column(level, fmt) for level in levels),
               Column("cost", fmt("col_cost"), "bn"),
               *_metric_columns([m for m in result.data.metrics if m in table.columns], fmt,
                                units)]
    return Table(fmt("sheet_projects"), table, [c for c in columns if c.key in table.columns])


def plan_tables(result: Result, fmt: Formatter, date_text: str) -> list[Table]:
    """Every table of a plan's workbook, in sheet order."""
    units = result.data.metric_units
    unit = result.objective_unit
    objective, rules = policy_lines(result.policy, fmt, units)
    assumptions = pd.DataFrame({"rule": [fmt("objective_line", objective=objective), *rules]})
    tables = [
        _summary_table(result, fmt, date_text),
        _allocation_table(result, fmt),
        region_table(result, fmt),
        program_table(result, fmt),
        constraints_table(result.constraints, unit, fmt, units, result.lp.is_mip,
                          fmt("sheet_constraints")),
        equity_table(result, fmt),
        sources_table(result, fmt),
        Table(fmt("sheet_assumptions"), assumptions, [Column("rule", fmt("col_rule"))]),
    ]
    if result.data.projects is not None:
        tables.append(projects_table(result, fmt))
    return [*tables, *planning_tables(result, fmt)]
