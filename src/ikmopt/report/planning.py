"""The planning cycle's tables in a report: pots, the Rakor table and the proposals.

Each is a :class:`~ikmopt.report.tables.Table` (a sheet of the workbook and a table of the
page) built from the :class:`~ikmopt.Result` methods of the same name, present only when
the plan has what it needs: pots in its budget, last year's allocation in its dataset,
a :class:`~ikmopt.FundProposals` rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ikmopt.report.labels import Formatter
from ikmopt.report.rules import rule_lines
from ikmopt.report.tables import Column, Table
from ikmopt.report.wording import metric_unit

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["planning_tables", "pots_table", "proposals_table", "rakor_table"]

#: The reasons of :meth:`ikmopt.Result.proposals` and their catalogue keys.
REASONS = {"not ready": "reason_not_ready", "capacity reached": "reason_capacity",
           "pot exhausted": "reason_pot", "budget exhausted": "reason_budget",
           "held by a rule": "reason_rule", "crowded out": "reason_crowded"}
#: The statuses of :meth:`ikmopt.Result.proposals` and their catalogue keys.
STATUSES = {"funded": "status_funded", "partly funded": "status_partly",
            "not funded": "status_not_funded"}


def pots_table(result: Result, fmt: Formatter) -> Table | None:
    """Per pot: level, ceiling, spent, unspent, price of the ceiling, what it funds."""
    if not result.policy.budget.pots:
        return None
    table = result.pots().reset_index()
    table["level"] = [fmt(f"potlevel_{v}") if v else "" for v in table["level"]]
    table["programs"] = [", ".join(fmt.label("program", p.strip()) for p in str(v).split(","))
                         for v in table["programs"]]
    columns = [Column("pot", fmt("col_pot")), Column("level", fmt("col_pot_level")),
               Column("ceiling", fmt("col_ceiling"), "bn"),
               Column("spent", fmt("col_spend"), "bn"),
               Column("unspent", fmt("col_unspent"), "bn"),
               Column("share_spent", fmt("col_share_spent"), "share"),
               Column("price", fmt("col_pot_price"), "price"),
               Column("programs", fmt("col_pot_programs")),
               Column("recipients", fmt("col_recipients"), "int")]
    return Table(fmt("sheet_pots"), table, columns)


def rakor_table(result: Result, fmt: Formatter) -> Table | None:
    """Last year, this year, the change and its bound per region (and pot)."""
    if result.data.last_year is None:
        return None
    table = result.rakor().reset_index()
    table["at"] = [fmt(f"at_{v}") if v else "" for v in table["at"]]
    keys = [c for c in ("region", "pot", "program") if c in table.columns]
    heads = {"region": "col_region", "pot": "col_pot", "program": "col_program"}
    columns = [*(Column(k, fmt(heads[k])) for k in keys),
               Column("last_year", fmt("col_last_year"), "bn"),
               Column("realisation", fmt("col_realisation"), "bn"),
               Column("this_year", fmt("col_this_year"), "bn"),
               Column("change", fmt("col_change"), "bn"),
               Column("change_pct", fmt("col_change_pct_plain"), "pct"),
               Column("floor", fmt("col_floor"), "bn"),
               Column("ceiling", fmt("col_ceiling"), "bn"),
               Column("at", fmt("col_at")),
               Column("price", fmt("col_shadow"), "price")]
    return Table(fmt("sheet_rakor"), table, columns)


def proposals_table(result: Result, fmt: Formatter) -> Table | None:
    """Every proposal: asked, funded, and for the rest the reason and what it needed."""
    if result.lp.meta.get("proposals") is None:
        return None
    table = result.proposals().rename_axis("proposal").reset_index()
    table["needed"] = [_needed(row, result, fmt) for row in table.itertuples()]
    table["status"] = [fmt(STATUSES[v]) for v in table["status"]]
    table["reason"] = [fmt(REASONS[v]) if v else "" for v in table["reason"]]
    if "program" in fmt.names:
        table["program"] = [fmt.label("program", v) for v in table["program"]]
    columns = [Column("proposal", fmt("col_proposal")), Column("region", fmt("col_region")),
               Column("program", fmt("col_program")),
               *([Column("pot", fmt("col_pot"))] if "pot" in table.columns else []),
               Column("asked", fmt("col_asked"), "bn"),
               Column("readiness", fmt("col_readiness"), "share"),
               Column("funded", fmt("col_funded"), "bn"),
               Column("status", fmt("col_status_proposal")),
               Column("reason", fmt("col_reason")),
               Column("needed", fmt("col_needed"))]
    return Table(fmt("sheet_proposals"), table, columns)


def _needed(row: Any, result: Result, fmt: Formatter) -> str:
    """What a proposal would have needed, in the report's language."""
    if not row.reason:
        return ""
    if row.reason == "not ready":
        return fmt("need_readiness", floor=fmt.plain(row.need_readiness),
                   has=fmt.number(row.readiness, 2))
    parts = []
    if row.reason == "capacity reached":
        parts.append(fmt("need_capacity", n=fmt.plain(row.need_capacity, 1)))
    elif row.reason == "pot exhausted":
        parts.append(fmt("need_pot", pot=row.need_pots.replace("; ", fmt("need_or"))))
    elif row.reason == "budget exhausted":
        parts.append(fmt("need_budget"))
    elif row.reason == "held by a rule":
        rules = {rule.describe(): rule for rule in result.policy.constraints}
        words = [" ".join(rule_lines(rules[name], fmt, result.data.metric_units))
                 .rstrip(".") if name in rules else name
                 for name in str(row.held_by).split("; ")]
        parts.append(fmt("need_rule", rule="; ".join(words)))
    value = row.shortfall_value
    if value == value and value > 0:  # not NaN
        unit = result.objective_unit
        name = (metric_unit(unit.metric, fmt, result.data.metric_units)
                if unit.kind == "metric" and unit.metric else fmt("amount_objective", n="")
                .strip())
        parts.append(fmt("need_value", n=fmt.significant(value, 3), unit=name))
    return fmt("need_or").join(parts)


def planning_tables(result: Result, fmt: Formatter) -> list[Table]:
    """The planning tables this plan has, in sheet order."""
    tables = (pots_table(result, fmt), rakor_table(result, fmt),
              proposals_table(result, fmt))
    return [t for t in tables if t is not None]
