"""The policy in words: the objective and one line per rule, as the report lists them.

Each rule is worded from its own numbers (``Every region: at least 0.5% of the budget.``);
a rule the catalogue has no wording for is given as the library writes it (``describe()``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

from ikmopt.model.constraints import (
    Budget,
    CoFunding,
    FundProposals,
    GiniCap,
    GroupShare,
    LastYear,
    MinimumAllocation,
    OutcomeEquity,
    ProgramShare,
    ProjectCount,
    Ramp,
    RegionBounds,
    Target,
)
from ikmopt.report.labels import Formatter
from ikmopt.report.wording import (
    capitalize,
    group_text,
    is_jobs_unit,
    is_value_added_unit,
    metric_name,
    metric_unit,
)

if TYPE_CHECKING:
    from ikmopt.model.constraints import Constraint
    from ikmopt.model.objectives import Objective
    from ikmopt.model.policy import Policy

__all__ = ["policy_lines", "rule_lines"]


def _level_name(level: str | tuple[str, ...], fmt: Formatter) -> str:
    if isinstance(level, tuple):
        return "/".join(_level_name(part, fmt) for part in level)
    key = f"level_{level}"
    return fmt(key) if key in fmt.text else str(level)


def _key_text(level: Any, key: Any, fmt: Formatter) -> str:
    """A key of a rule's mapping by ``level`` (a program code: its name, when named)."""
    return fmt.label(level, key) if isinstance(level, str) else str(key)


def _bound_value(key: str, value: float, fmt: Formatter) -> str:
    if "share" in key:
        return fmt("value_share_of_budget", pct=fmt.percent(value, None))
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


def _share_lines(level: str, value: Any, lo: Any, hi: Any, fmt: Formatter,
                 rule: Any = None) -> list[str]:
    of = getattr(rule, "of", "spend")
    within = getattr(rule, "within", None)
    if of != "spend" or within:  # a share of an outcome, or of a part of the plan
        whole = metric_name(of, fmt) if of != "spend" else fmt("spend_word")
        if within:
            whole += " (" + ", ".join(group_text(f"{k}={v}", fmt)
                                      for k, v in dict(within).items()) + ")"
        return [fmt(template, group=group, pct=pct, whole=whole)
            for template, group, pct in _share_items(level, value, lo, hi, fmt, "_of")]
    return [fmt(template, group=group, pct=pct)
            for template, group, pct in _share_items(level, value, lo, hi, fmt, "")]


def _share_items(level: str, value: Any, lo: Any, hi: Any, fmt: Formatter,
                 suffix: str) -> list[tuple[str, str, str]]:
    items = []
    for bound, template in ((lo, f"rule_share{suffix}_min"), (hi, f"rule_share{suffix}_max")):
        if bound is None:
            continue
        if isinstance(bound, Mapping):
            items += [(template, group_text(f"{level}={k}", fmt), fmt.percent(v, None))
                      for k, v in bound.items()]
        else:
            group = group_text(f"{level}={True if value is None else value}", fmt)
            items.append((template, group, fmt.percent(bound, None)))
    return items


def _target_lines(rule: Any, fmt: Formatter, units: Mapping[str, str]) -> list[str]:
    lines = []
    unit = "" if is_jobs_unit(rule.metric, units) else metric_unit(rule.metric, fmt, units)
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
                where = fmt("where", where=_key_text(rule.by, key, fmt))
            amount = (f"{fmt('money', n=fmt.plain(value, 2))} {fmt('per_year')}"
                      if is_value_added_unit(rule.metric, units) else fmt.plain(value, 2) + suffix)
            lines.append(fmt(template, metric=metric_name(rule.metric, fmt), where=where,
                             value=amount))
    return lines


def _programs_text(programs: Any, fmt: Formatter) -> str:
    return ", ".join(fmt.label("program", p) for p in programs)


def _pot_lines(rule: Budget, fmt: Formatter) -> list[str]:
    return [fmt("rule_pot", pot=pot.name, ceiling=fmt.plain(pot.ceiling, 1),
                level=fmt(f"pot_level_{pot.level}") if pot.level else "",
                funds=fmt("pot_funds", programs=_programs_text(pot.funds, fmt))
                if pot.funds else "")
            for pot in rule.pots or ()]


def _planning_lines(rule: Constraint, fmt: Formatter) -> list[str] | None:
    """The planning cycle's rules in words (``None`` for any other rule)."""
    if isinstance(rule, FundProposals):
        key = "rule_proposals_only" if rule.only_proposed else "rule_proposals_capped"
        ready = ("" if rule.min_readiness is None
                 else fmt("proposals_ready", min=fmt.plain(rule.min_readiness)))
        return [fmt(key, cap=fmt("proposals_cap") if rule.up_to_asked else "", ready=ready)]
    if isinstance(rule, LastYear):
        by = _level_name(rule.by or "region", fmt)
        rise = None if rule.max_rise is None else fmt.percent(rule.max_rise, None)
        fall = None if rule.max_fall is None else fmt.percent(rule.max_fall, None)
        lines = []
        if rise is not None or fall is not None:
            key = ("change_between" if rise is not None and fall is not None
                   else "change_up" if rise is not None else "change_down")
            lines.append(fmt("rule_last_year_change", by=by,
                             range=fmt(key, rise=rise or "", fall=fall or "")))
        if rule.floor is not None:
            lines.append(fmt("rule_last_year_floor", by=by, what=fmt(f"last_year_{rule.floor}")))
        if rule.new is not None:
            lines.append(capitalize(fmt("rule_last_year_new", by=by,
                                        n=fmt.plain(rule.new, 1))))
        return lines
    if isinstance(rule, MinimumAllocation):
        where = (fmt("minimum_pot", pot=rule.pot) if rule.pot else "") + (
            fmt("minimum_program", programs=_programs_text(rule.program, fmt))
            if rule.program else "")
        count = ("" if rule.max_recipients is None
                 else fmt("minimum_count", n=fmt.plain(rule.max_recipients)))
        items = (list(rule.min.items()) if isinstance(rule.min, Mapping)
                 else [(capitalize(fmt("every", level=_level_name(rule.by, fmt))), rule.min)])
        return [fmt("rule_minimum", who=str(who), where=where, min=fmt.plain(v, 1),
                    count=count) for who, v in items]
    if isinstance(rule, CoFunding):
        lines = []
        if rule.match is not None:
            lines.append(fmt("rule_cofunding_match", pot=rule.pot, match=fmt.plain(rule.match)))
        if rule.reserve is not None:
            lines.append(fmt("rule_cofunding_reserve", pot=rule.pot,
                             pct=fmt.percent(rule.reserve, None)))
        return lines
    return None


def rule_lines(rule: Constraint, fmt: Formatter,
               units: Mapping[str, str] | None = None) -> list[str]:
    """One rule in words, one line per bound (the lines :func:`policy_lines` lists)."""
    return _rule_lines(rule, fmt, dict(units or {}))


def _rule_lines(rule: Constraint, fmt: Formatter, units: Mapping[str, str]) -> list[str]:
    planning = _planning_lines(rule, fmt)
    if planning is not None:
        return planning
    if isinstance(rule, Budget):
        lines = _pot_lines(rule, fmt)
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
        return _share_lines(rule.group, rule.value, rule.min, rule.max, fmt, rule)
    if isinstance(rule, ProgramShare):
        return _share_lines(rule.by, rule.program, rule.min, rule.max, fmt, rule)
    if isinstance(rule, Target):
        return _target_lines(rule, fmt, units)
    if isinstance(rule, GiniCap):
        return [fmt("rule_gini", of=metric_name(rule.of, fmt), by=_level_name(rule.by, fmt),
                    max=fmt.plain(rule.max))]
    if isinstance(rule, OutcomeEquity):
        return [fmt("rule_outcome_equity", by=_level_name(rule.by, fmt),
                    metric=metric_name(rule.metric, fmt),
                    ratio=fmt.percent(rule.min_ratio, None))]
    if isinstance(rule, Ramp):
        parts = ([fmt("money", n=fmt.plain(rule.max_change, 1))]
                 if rule.max_change is not None else []) + (
            [fmt("ramp_relative", pct=fmt.percent(rule.max_rel_change, None))]
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
            lines += [fmt(template, n=fmt.plain(v),
                          where=fmt("where_key", key=_key_text(rule.by, k, fmt)))
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
                         discount=fmt.percent(policy.accrual.discount, None)))
    return _objective_line(policy.objective, fmt), lines

