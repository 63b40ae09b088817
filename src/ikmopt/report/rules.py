"""The policy in words: the objective and one line per rule, as the report lists them.

Each rule is worded from its own numbers (``Every region: at least 0.5% of the budget.``);
a rule the catalogue has no wording for is given as the library writes it (``describe()``).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any

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

__all__ = ["policy_lines"]


def _level_name(level: str | tuple[str, ...], fmt: Formatter) -> str:
    if isinstance(level, tuple):
        return "/".join(level)
    return fmt("level_region") if level == "region" else str(level)


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


def _share_lines(level: str, value: Any, lo: Any, hi: Any, fmt: Formatter) -> list[str]:
    lines = []
    for bound, template in ((lo, "rule_share_min"), (hi, "rule_share_max")):
        if bound is None:
            continue
        if isinstance(bound, Mapping):
            lines += [fmt(template, group=group_text(f"{level}={k}", fmt),
                          pct=fmt.percent(v, None)) for k, v in bound.items()]
        else:
            group = group_text(f"{level}={True if value is None else value}", fmt)
            lines.append(fmt(template, group=group, pct=fmt.percent(bound, None)))
    return lines


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
                where = fmt("where", where=str(key))
            amount = (f"{fmt('money', n=fmt.plain(value, 2))} {fmt('per_year')}"
                      if is_value_added_unit(rule.metric, units) else fmt.plain(value, 2) + suffix)
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
                         discount=fmt.percent(policy.accrual.discount, None)))
    return _objective_line(policy.objective, fmt), lines

