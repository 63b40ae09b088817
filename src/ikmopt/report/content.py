"""What a report says, independent of its format: sentences, rule descriptions and tables.

The HTML and Excel writers render the same :class:`Table` objects and sentences, so both
formats of a report always agree. Every text comes from the label catalogue through a
:class:`~ikmopt.report.labels.Formatter`; table headers carry their units.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.model.constraints import (
    Budget,
    GiniCap,
    GroupShare,
    OutcomeEquity,
    ProgramShare,
    ProjectCount,
    Ramp,
    RegionBounds,
    Target,
)
from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.report.labels import Formatter
from ikmopt.solving.sensitivity import budget_numbers_move, derivative, policy_numbers

if TYPE_CHECKING:
    from ikmopt.model.constraints import Constraint
    from ikmopt.model.objectives import Objective
    from ikmopt.model.policy import Policy
    from ikmopt.solving.result import Result

__all__ = [
    "Column",
    "Table",
    "binding_sentences",
    "constraint_sentence",
    "plan_tables",
    "policy_lines",
]

#: A shadow price smaller than this (in absolute value) is reported as no change.
ZERO_PRICE = 1e-12
#: Units of the bundled dataset's metrics that have their own wording in the catalogue.
_RP_BN_YEAR = ("Rp bn per year", "IDR bn per year", "IDR bn/year", "Rp bn/year")
#: Regions columns that the catalogue names (yes/no columns).
_GROUPS = {"kti": "group_kti", "kti_narrow": "group_kti_narrow"}

# ---------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    """One column of a report table.

    Attributes
    ----------
    key : str
        Column of the table's frame.
    header : str
        Header text, with the unit (e.g. ``Spend (Rp bn)``).
    kind : str
        How values are written: ``text``, ``int`` (thousands separators), ``bn`` (one
        decimal), ``share`` (a fraction shown as a percentage), ``ratio`` (three decimals),
        ``num`` (two decimals), ``pct`` (a percentage already in percent, one decimal),
        ``value`` (four significant digits), ``price`` (three significant digits), ``bool``
        (yes/no) or ``mixed`` (the kind of each row is in :attr:`Table.row_kinds`).
    """

    key: str
    header: str
    kind: str = "text"


@dataclass
class Table:
    """A table of a report: one sheet of the workbook, or a table of the HTML page.

    Attributes
    ----------
    sheet : str
        Sheet name (from the catalogue).
    frame : pandas.DataFrame
        The raw values (numbers as numbers).
    columns : list of Column
    row_kinds : list of str, optional
        Kind of each row's value in ``mixed`` columns.
    """

    sheet: str
    frame: pd.DataFrame
    columns: list[Column]
    row_kinds: list[str] | None = None

    def kind(self, column: Column, row: int) -> str:
        """Kind of the cell of ``column`` in ``row``."""
        if column.kind == "mixed":
            return self.row_kinds[row] if self.row_kinds is not None else "text"
        return column.kind

    def display(self, fmt: Formatter) -> list[list[str]]:
        """Every cell as text in the report's language (rows of strings)."""
        rows = []
        for i, record in enumerate(self.frame[[c.key for c in self.columns]].itertuples(
                index=False, name=None)):
            rows.append([write(value, self.kind(column, i), fmt)
                         for value, column in zip(record, self.columns, strict=True)])
        return rows


def write(value: Any, kind: str, fmt: Formatter) -> str:
    """One value as text, by kind (see :class:`Column`)."""
    if kind == "text":
        return "" if missing(value) else str(value)
    if kind == "bool":
        if missing(value):
            return ""
        return fmt("yes") if bool(value) else fmt("no")
    if missing(value):
        return "–"
    value = float(value)
    if kind == "int":
        return fmt.number(value, 0)
    if kind == "bn":
        return fmt.number(value, 1)
    if kind == "share":
        return fmt.percent(value, 1)
    if kind == "ratio":
        return fmt.number(value, 3)
    if kind == "num":
        return fmt.number(value, 2)
    if kind == "pct":
        return fmt.number(value, 1)
    if kind == "value":
        return fmt.significant(value, 4)
    return fmt.significant(value, 3)


def missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return not math.isfinite(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# ---------------------------------------------------------------------- objective units


# ---------------------------------------------------------------------- metric wording


def metric_name(metric: str, fmt: Formatter) -> str:
    """``jobs`` -> ``jobs`` / ``lapangan kerja``; metrics the catalogue does not name as is."""
    key = f"metric_{metric}"
    return fmt(key) if key in fmt.text else str(metric)


def _is_value_added_unit(metric: str, units: Mapping[str, str]) -> bool:
    return metric == "value_added" and units.get(metric, _RP_BN_YEAR[0]) in _RP_BN_YEAR


def _is_jobs_unit(metric: str, units: Mapping[str, str]) -> bool:
    return metric == "jobs" and units.get(metric, "jobs") == "jobs"


def metric_amount(metric: str | None, value: float, fmt: Formatter,
                  units: Mapping[str, str]) -> str:
    """``value`` of ``metric`` in words: ``14 jobs``, ``Rp 1.2 bn a year of value added``."""
    n = fmt.significant(value, 3)
    if metric is None:
        return fmt("amount_objective", n=n)
    if _is_jobs_unit(metric, units):
        return fmt("amount_jobs", n=n)
    if _is_value_added_unit(metric, units):
        return fmt("amount_value_added", n=n)
    if metric == "spend":
        return fmt("amount_spend", n=n)
    unit = units.get(metric)
    name = metric_name(metric, fmt) + (f" ({unit})" if unit else "")
    return fmt("amount_metric", n=n, metric=name)


def metric_unit(metric: str, fmt: Formatter, units: Mapping[str, str]) -> str:
    """The unit of a metric in the report's language (as declared when unknown)."""
    if _is_jobs_unit(metric, units):
        return fmt("unit_jobs")
    if _is_value_added_unit(metric, units):
        return fmt("unit_rp_bn_year")
    return str(units.get(metric, ""))


def metric_header(metric: str, fmt: Formatter, units: Mapping[str, str]) -> str:
    """Column header of a metric with its unit: ``Jobs``, ``Value added (Rp bn per year)``."""
    if _is_jobs_unit(metric, units):
        return fmt("col_jobs")
    if _is_value_added_unit(metric, units):
        return fmt("col_value_added")
    unit = units.get(metric)
    name = metric_name(metric, fmt)
    return fmt("col_metric", metric=name, unit=unit) if unit else name


def metric_kind(metric: str, units: Mapping[str, str]) -> str:
    if _is_jobs_unit(metric, units):
        return "int"
    if units.get(metric, "") in (*_RP_BN_YEAR, "IDR bn", "Rp bn") or metric == "value_added":
        return "bn"
    return "num"


def group_text(text: str, fmt: Formatter) -> str:
    """A row label such as ``kti=True`` or ``program=sentra`` as readers say it."""
    parts = []
    for part in str(text).split(","):
        level, sep, value = part.partition("=")
        level, value = level.strip(), value.strip()
        if not sep:
            parts.append(part.strip())
        elif level in _GROUPS and value == "True":
            parts.append(fmt(_GROUPS[level]))
        elif value == "True":
            parts.append(level)
        elif level in ("region", "program", "year"):
            parts.append(value)
        else:
            parts.append(f"{value} ({level})")
    return ", ".join(parts)


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------------- shadow prices in words


def _side(row: Mapping[str, Any]) -> str:
    lower, upper, activity = float(row["lower"]), float(row["upper"]), float(row["activity"])
    if math.isfinite(lower) and math.isfinite(upper) and abs(upper - lower) <= 1e-9 * (
            1 + abs(upper)):
        return "eq"
    to_lower = activity - lower if math.isfinite(lower) else math.inf
    to_upper = upper - activity if math.isfinite(upper) else math.inf
    return "lower" if to_lower <= to_upper else "upper"


def _describe_row(row: Mapping[str, Any], fmt: Formatter,
                  units: Mapping[str, str]) -> tuple[str, dict[str, str], float]:
    """(catalogue key suffix, its fields, factor from the row's unit to the sentence's)."""
    family, label, side = str(row["family"]), str(row["label"]), _side(row)
    if family == "budget":
        if label == "total":
            return "budget_total", {}, 1.0
        return "budget_group", {"group": group_text(label, fmt)}, 1.0
    if family == "region_bounds":
        key = {"lower": "floor", "upper": "cap", "eq": "fixed"}[side]
        return key, {"region": group_text(label, fmt)}, 1.0
    if family == "share":
        group, _, sense = label.rpartition(" ")
        if sense not in ("min", "max"):
            group, sense = label, "min" if side == "lower" else "max"
        return f"share_{sense}", {"group": group_text(group, fmt)}, 0.01
    if family == "target":
        metric, _, where = label.partition(" ")
        step = ("step_jobs" if _is_jobs_unit(metric, units) else "step_value_added"
                if _is_value_added_unit(metric, units) else "step_metric")
        key = "target_max" if side == "upper" else "target_min"
        return key, {"metric": metric_name(metric, fmt), "step": fmt(step),
                     "where": fmt("where", where=group_text(where, fmt)) if where else ""}, 1.0
    if family == "gini":
        of = label.removeprefix("gini(").split(")")[0]
        return "gini", {"of": metric_name(of, fmt) if of != "spend" else fmt("of_spend")}, 0.01
    if family == "outcome_equity":
        return "equity", {"group": group_text(label, fmt)}, 0.01
    which = fmt("side_upper") if side == "upper" else fmt("side_lower")
    return "generic", {"side": which, "rule": str(row["constraint"]), "label": label}, 1.0


def row_name(row: Mapping[str, Any], fmt: Formatter,
             units: Mapping[str, str] | None = None) -> str:
    """What a constraint row bounds, in words: ``Spending floor of Jambi``."""
    key, fields, _ = _describe_row(row, fmt, dict(units or {}))
    return capitalize(fmt(f"name_{key}", **fields))


def _effect(price: float, unit: ObjectiveUnit, fmt: Formatter,
            units: Mapping[str, str]) -> str:
    size = abs(price)
    if size <= ZERO_PRICE:
        return fmt("effect_zero")
    if unit.kind == "metric":
        amount = metric_amount(unit.metric, size, fmt, units)
    elif unit.kind == "normalized":
        n = fmt.significant(size, 3)
        if unit.equivalent is None:
            amount = fmt("amount_objective", n=n)
        else:
            equivalent = metric_amount(unit.metric, size * unit.equivalent, fmt, units)
            amount = fmt("amount_normalized", n=n, equivalent=equivalent)
    elif unit.kind == "cost":
        amount = fmt("amount_cost", n=fmt.significant(size, 3))
    else:
        amount = fmt("amount_objective", n=fmt.significant(size, 3))
    if unit.kind == "cost":
        return fmt("effect_cost_up" if price > 0 else "effect_cost_down", amount=amount)
    if unit.kind == "other":
        return fmt("effect_up" if price > 0 else "effect_down", amount=amount)
    gain = price > 0 if unit.sense > 0 else price < 0
    return fmt("effect_gain" if gain else "effect_loss", amount=amount)


def constraint_sentence(row: Mapping[str, Any], unit: ObjectiveUnit, fmt: Formatter,
                        units: Mapping[str, str] | None = None) -> str:
    """One binding row of ``result.constraints`` and its shadow price, in words.

    Parameters
    ----------
    row : mapping
        A row of :attr:`Result.constraints <ikmopt.Result.constraints>` (``family``,
        ``label``, ``constraint``, ``activity``, ``lower``, ``upper``, ``shadow_price``).
    unit : ObjectiveUnit
    fmt : Formatter
    units : mapping, optional
        The dataset's metric units.

    Returns
    -------
    str
        E.g. ``Each extra Rp 1 bn of total budget adds 14.2 jobs.`` Share rows are put per
        percentage point (the shadow price divided by 100).
    """
    units = dict(units or {})
    key, fields, factor = _describe_row(row, fmt, units)
    # the price per the reader's step (tables written before it existed: from the dual)
    given = row.get("price") if hasattr(row, "get") else None
    price = float(given) if given is not None and not missing(given) else float(
        row["shadow_price"]) * factor
    if not math.isfinite(price):
        return capitalize(fmt(f"name_{key}", **fields))
    return fmt("sentence", lead=fmt(f"lead_{key}", **fields),
               effect=_effect(price, unit, fmt, units))


@dataclass
class BindingText:
    """The binding-constraints section: an introduction, sentences and notes."""

    intro: str
    sentences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def binding_sentences(constraints: pd.DataFrame, unit: ObjectiveUnit, fmt: Formatter,
                      units: Mapping[str, str] | None = None, *, mip: bool = False,
                      optimal: bool = True, limit: int | None = 15) -> BindingText:
    """The binding rows of a constraints table in words, largest shadow price first.

    Parameters
    ----------
    constraints : pandas.DataFrame
        :attr:`Result.constraints <ikmopt.Result.constraints>` (or a scenario's
        ``constraints`` table).
    unit : ObjectiveUnit
    fmt : Formatter
    units : mapping, optional
        The dataset's metric units.
    mip : bool, default False
        The plan is a MIP: no shadow prices, the binding rules are only listed.
    optimal : bool, default True
        False adds a note that the prices are indicative.
    limit : int, optional
        At most this many sentences; a last line counts the others.
    """
    binding = constraints[constraints["binding"].astype(bool)]
    prices = pd.to_numeric(binding["shadow_price"], errors="coerce")
    no_prices = mip or (len(binding) > 0 and not np.isfinite(prices).any())
    if not len(binding):
        return BindingText(fmt("binding_none"))
    order = prices.abs().fillna(0.0).sort_values(ascending=False, kind="stable").index
    rows = binding.loc[order]
    shown = rows if limit is None else rows.head(limit)
    if no_prices:
        text = BindingText(fmt("binding_mip") if mip else fmt("binding_no_duals"))
        text.sentences = [row_name(r, fmt, units) for _, r in shown.iterrows()]
    else:
        text = BindingText(fmt("binding_intro"))
        text.sentences = [constraint_sentence(r, unit, fmt, units) for _, r in shown.iterrows()]
        if unit.kind == "normalized" and unit.equivalent is not None:
            text.notes.append(fmt("note_normalized", amount=metric_amount(
                unit.metric, unit.equivalent, fmt, dict(units or {}))))
        if unit.staged:
            text.notes.append(fmt("note_stages"))
        if not optimal:
            text.notes.append(fmt("note_not_optimal"))
    if len(rows) > len(shown):
        more = "binding_more_rows" if no_prices else "binding_more"
        text.sentences.append(fmt(more, n=fmt.number(len(rows) - len(shown))))
    return text


def budget_note(result: Result, unit: ObjectiveUnit, fmt: Formatter) -> str | None:
    """The budget's full price when other rules move with it (floors as shares of it).

    The budget row's shadow price holds every other row fixed; a floor or cap given as a
    share of the budget rises with it, so the optimum moves by the derivative of
    :meth:`ikmopt.Result.sensitivity` instead. ``None`` when no rule depends on the budget
    or the plan has no duals.
    """
    if result.lp.is_mip or not budget_numbers_move(result.policy):
        return None
    number = next((n for n in policy_numbers(result.policy) if n.path == "budget.total"), None)
    if number is None or result.solution.row_dual is None:
        return None
    value = derivative(result, number)
    if not math.isfinite(value):
        return None
    effect = _effect(value, unit, fmt, dict(result.data.metric_units))
    return fmt("note_budget_moves", effect=effect)


# ---------------------------------------------------------------------- the policy in words


def _level_name(level: str | tuple[str, ...], fmt: Formatter) -> str:
    if isinstance(level, tuple):
        return "/".join(level)
    return fmt("level_region") if level == "region" else str(level)


def _bound_value(key: str, value: float, fmt: Formatter) -> str:
    if "share" in key:
        return fmt("value_share_of_budget", pct=fmt.plain(100 * value) + "%")
    if "per_capita" in key:
        return fmt("value_per_capita", n=fmt.plain(value, 0))
    return fmt.money(value, 1) if value != round(value) else fmt.money(value, 0)


def _region_bounds_lines(rule: Any, fmt: Formatter) -> list[str]:
    lines = []
    for key in ("min", "min_share", "min_rp_per_capita", "max", "max_share",
                "max_rp_per_capita"):
        value = getattr(rule, key)
        if value is None:
            continue
        template = "rule_floor" if key.startswith("min") else "rule_cap"
        if isinstance(value, Mapping):
            lines += [fmt(template, who=str(k), value=_bound_value(key, v, fmt))
                      for k, v in value.items()]
            continue
        if rule.regions is not None:
            who = ", ".join(map(str, rule.regions))
        else:
            who = capitalize(fmt("every", level=_level_name(rule.by, fmt)))
        lines.append(fmt(template, who=who, value=_bound_value(key, value, fmt)))
    return lines


def _share_lines(level: str, value: Any, lo: Any, hi: Any, fmt: Formatter) -> list[str]:
    lines = []
    for bound, template in ((lo, "rule_share_min"), (hi, "rule_share_max")):
        if bound is None:
            continue
        if isinstance(bound, Mapping):
            lines += [fmt(template, group=group_text(f"{level}={k}", fmt),
                          pct=fmt.plain(100 * v) + "%") for k, v in bound.items()]
        else:
            group = group_text(f"{level}={True if value is None else value}", fmt)
            lines.append(fmt(template, group=group, pct=fmt.plain(100 * bound) + "%"))
    return lines


def _target_lines(rule: Any, fmt: Formatter, units: Mapping[str, str]) -> list[str]:
    lines = []
    unit = "" if _is_jobs_unit(rule.metric, units) else metric_unit(rule.metric, fmt, units)
    suffix = f" {unit}" if unit else ""
    for bound, template in ((rule.min, "rule_target_min"), (rule.max, "rule_target_max")):
        if bound is None:
            continue
        items: list[tuple[Hashable | None, float]]
        items = list(bound.items()) if isinstance(bound, Mapping) else [(None, bound)]
        for key, value in items:
            if rule.by is None:
                where = ""
            elif key is None:
                where = fmt("where", where=fmt("every", level=_level_name(rule.by, fmt)))
            else:
                where = fmt("where", where=str(key))
            amount = (f"{fmt('money', n=fmt.plain(value, 2))} {fmt('per_year')}"
                      if _is_value_added_unit(rule.metric, units) else fmt.plain(value, 2) + suffix)
            lines.append(fmt(template, metric=metric_name(rule.metric, fmt), where=where,
                             value=amount))
    return lines


def _rule_lines(rule: Constraint, fmt: Formatter, units: Mapping[str, str]) -> list[str]:
    if isinstance(rule, Budget):
        lines = []
        if rule.total is not None:
            key = "rule_budget_total_all" if rule.spend_all else "rule_budget_total"
            lines.append(fmt(key, total=fmt.plain(rule.total, 1)))
        for level, limits in (rule.by or {}).items():
            name = ",".join(level) if isinstance(level, tuple) else level
            lines += [fmt("rule_budget_group", group=group_text(f"{name}={k}", fmt),
                          limit=fmt.plain(v, 1)) for k, v in limits.items()]
        return lines
    if isinstance(rule, RegionBounds):
        return _region_bounds_lines(rule, fmt)
    if isinstance(rule, GroupShare):
        return _share_lines(rule.group, rule.value, rule.min, rule.max, fmt)
    if isinstance(rule, ProgramShare):
        return _share_lines(rule.by, rule.program, rule.min, rule.max, fmt)
    if isinstance(rule, Target):
        return _target_lines(rule, fmt, units)
    if isinstance(rule, GiniCap):
        return [fmt("rule_gini", of=metric_name(rule.of, fmt), by=_level_name(rule.by, fmt),
                    max=fmt.plain(rule.max))]
    if isinstance(rule, OutcomeEquity):
        return [fmt("rule_outcome_equity", by=_level_name(rule.by, fmt),
                    metric=metric_name(rule.metric, fmt),
                    ratio=fmt.plain(100 * rule.min_ratio) + "%")]
    if isinstance(rule, Ramp):
        parts = ([fmt("money", n=fmt.plain(rule.max_change, 1))]
                 if rule.max_change is not None else []) + (
            [fmt("ramp_relative", pct=fmt.plain(100 * rule.max_rel_change) + "%")]
            if rule.max_rel_change is not None else [])
        return [fmt("rule_ramp", by=_level_name(rule.by, fmt), limit=" + ".join(parts))]
    if isinstance(rule, ProjectCount):
        return _project_lines(rule, fmt)
    return [fmt("rule_other", text=rule.describe())]


def _project_lines(rule: Any, fmt: Formatter) -> list[str]:
    lines = []
    for bound, template in ((rule.min, "rule_projects_min"), (rule.max, "rule_projects_max")):
        if bound is None:
            continue
        if isinstance(bound, Mapping):
            lines += [fmt(template, n=fmt.plain(v), where=fmt("where_key", key=str(k)))
                      for k, v in bound.items()]
        elif rule.by is None:
            lines.append(fmt(template, n=fmt.plain(bound), where=fmt("where_total")))
        else:
            lines.append(fmt(template, n=fmt.plain(bound),
                             where=fmt("where_each", level=_level_name(rule.by, fmt))))
    return lines


def _objective_line(objective: Objective, fmt: Formatter) -> str:
    key, fields = objective.words()
    if key == "maximize":
        return fmt("obj_maximize", metric=metric_name(fields["metric"], fmt))
    if key in ("weighted", "weighted_raw"):
        terms = " + ".join(fmt("obj_term", weight=fmt.plain(w), metric=metric_name(m, fmt))
                           for w, m in fields["terms"])
        return fmt(f"obj_{key}", terms=terms)
    if key == "mincost":
        return fmt("obj_mincost")
    return fmt("obj_other", text=fields.get("text", objective.describe()))


def policy_lines(policy: Policy, fmt: Formatter,
                 units: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """The policy in words: (the objective, one line per rule).

    Rules the catalogue has no wording for are given as the library writes them
    (``describe()``).
    """
    units = dict(units or {})
    lines = _rule_lines(policy.budget, fmt, units)
    for rule in policy.constraints:
        lines += _rule_lines(rule, fmt, units)
    for target in policy.objective.rules():  # hard rules the objective adds (MinCost)
        lines += _target_lines(target, fmt, units)
    if policy.accrual is not None:
        survival = policy.accrual.survival
        text = (", ".join(f"{metric_name(m, fmt)} {fmt.plain(v)}" for m, v in survival.items())
                if isinstance(survival, Mapping) else fmt.plain(survival))
        lines.append(fmt("rule_accrual", survival=text,
                         discount=fmt.plain(100 * policy.accrual.discount) + "%"))
    return _objective_line(policy.objective, fmt), lines


# ---------------------------------------------------------------------- the plan's tables


def status_text(status: Any, fmt: Formatter) -> str:
    """The solve status in words."""
    text = str(status)
    if text == "optimal":
        return fmt("status_optimal")
    if text == "time_limit":
        return fmt("status_time_limit")
    return fmt("status_other", status=text)


def program_names(result: Result, fmt: Formatter) -> pd.Series | None:
    """Program names in the report's language (``name_id`` in Indonesian when given)."""
    programs = result.data.programs
    column = "name_id" if fmt.lang == "id" and "name_id" in programs.columns else "name"
    return programs[column].astype(str) if column in programs.columns else None


def _metric_columns(metrics: Sequence[str], fmt: Formatter,
                    units: Mapping[str, str]) -> list[Column]:
    return [Column(m, metric_header(m, fmt, units), metric_kind(m, units)) for m in metrics]


def _summary_table(result: Result, fmt: Formatter, date_text: str) -> Table:
    units = result.data.metric_units
    out = result.outcomes
    budget = result.policy.budget.total
    objective, _ = policy_lines(result.policy, fmt, units)
    rows: list[tuple[str, Any, str, str]] = [
        (fmt("item_date"), date_text, "", "text"),
        (fmt("item_dataset"), result.data.name, "", "text"),
        (fmt("item_status"), status_text(result.status, fmt), "", "text"),
        (fmt("item_solver"), result.solver, "", "text"),
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
    columns += [Column("spend", fmt("col_spend"), "bn"), Column("share", fmt("col_share"), "share"),
                Column("population", fmt("col_population"), "int"),
                Column("spend_rp_per_capita", fmt("col_spend_pc"), "int"),
                *_metric_columns(result.data.metrics, fmt, units)]
    return Table(fmt("sheet_by_region"), table, columns)


def program_table(result: Result, fmt: Formatter) -> Table:
    """Spend, share and outcomes per program, with the program's name."""
    units = result.data.metric_units
    table = result.by("program").reset_index()
    columns = [_level_column("program", fmt)]
    names = program_names(result, fmt)
    if names is not None:
        table.insert(1, "name", names.reindex(table["program"]).to_numpy())
        columns.append(Column("name", fmt("col_program_name")))
    columns += [Column("spend", fmt("col_spend"), "bn"), Column("share", fmt("col_share"), "share"),
                *_metric_columns(result.data.metrics, fmt, units)]
    return Table(fmt("sheet_by_program"), table, columns)


def _allocation_table(result: Result, fmt: Formatter) -> Table:
    units = result.data.metric_units
    table = result.to_frame().reset_index()
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


def is_illustrative(sources: pd.DataFrame) -> pd.Series:
    """Whether each sources row is marked ILLUSTRATIVE (or SYNTHETIC) in any of its texts."""
    if not len(sources):
        return pd.Series([], dtype=bool)
    flags = [any(not missing(v) and ("ILLUSTRATIVE" in str(v) or "SYNTHETIC" in str(v))
                 for v in row) for row in sources.itertuples(index=False, name=None)]
    return pd.Series(flags, index=sources.index, dtype=bool)


def sources_table(result: Result, fmt: Formatter) -> Table:
    """The dataset's sources table with an ``illustrative`` flag."""
    sources = result.data.sources
    table = sources.copy() if sources is not None else pd.DataFrame()
    table["illustrative"] = is_illustrative(table).to_numpy() if len(table) else []
    headers = {"table": "col_table", "column": "col_column", "definition": "col_definition",
               "unit": "col_unit", "year": "col_source_year", "source": "col_source",
               "note": "col_note", "illustrative": "col_illustrative"}
    columns = [Column(c, fmt(headers[c]), "bool" if c == "illustrative" else "text")
               for c in headers if c in table.columns]
    columns += [Column(c, str(c)) for c in table.columns if c not in headers]
    return Table(fmt("sheet_sources"), table, columns)


def projects_table(result: Result, fmt: Formatter, built_only: bool = False) -> Table:
    """Candidate projects: built or not, cell, cost and outcomes."""
    units = result.data.metric_units
    table = result.projects.reset_index()
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
    return tables
