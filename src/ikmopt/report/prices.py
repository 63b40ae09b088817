"""Shadow prices in words: each binding rule of a plan and what raising it is worth.

A row of :attr:`Result.constraints <ikmopt.Result.constraints>` becomes a sentence in the
objective's own unit and per the step a reader thinks in: per Rp 1 bn of a budget or a
floor, per percentage point of a share, per 0.01 of a Gini cap or an equity ratio, per unit
of a target (``Each extra Rp 1 bn of total budget adds 14.2 jobs.``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.report.labels import Formatter
from ikmopt.report.tables import missing
from ikmopt.report.wording import (
    capitalize,
    group_text,
    is_jobs_unit,
    is_value_added_unit,
    metric_amount,
    metric_name,
)
from ikmopt.solving.sensitivity import budget_numbers_move, derivative, policy_numbers

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["ZERO_PRICE", "BindingText", "binding_sentences", "budget_note",
           "constraint_sentence", "row_name"]

#: A shadow price smaller than this (in absolute value) is reported as no change.
ZERO_PRICE = 1e-12


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
        step = ("step_jobs" if is_jobs_unit(metric, units) else "step_value_added"
                if is_value_added_unit(metric, units) else "step_metric")
        key = "target_max" if side == "upper" else "target_min"
        return key, {"metric": metric_name(metric, fmt), "step": fmt(step),
                     "where": fmt("where", where=group_text(where, fmt)) if where else ""}, 1.0
    if family == "gini":
        of = label.removeprefix("gini(").split(")")[0]
        return "gini", {"of": metric_name(of, fmt) if of != "spend" else fmt("of_spend")}, 0.01
    if family == "outcome_equity":
        return "equity", {"group": group_text(label, fmt)}, 0.01
    if family == "pot":
        return "pot", {"pot": label}, 1.0
    if family == "last_year":
        key = "indicative_cap" if side == "upper" else "indicative_floor"
        return key, {"group": group_text(label, fmt)}, 1.0
    if family == "cofunding":
        if str(row.get("kind", "sum")) == "share" or " to co-funding regions" in label:
            return "cofunding_reserve", {"pot": label.removesuffix(" to co-funding regions")}, 0.01
        return "cofunding_cap", {"group": group_text(label, fmt)}, 1.0
    if family == "proposals":
        if label == "not proposed":
            return "unproposed", {}, 1.0
        return "proposed", {"group": group_text(label.replace("|", ","), fmt)}, 1.0
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
    # a group's spend equals what its proposals get by construction: only priced ones speak
    tied = (binding["family"] == "proposals") & ~(
        pd.to_numeric(binding["shadow_price"], errors="coerce").abs() > ZERO_PRICE)
    binding = binding[~tied]
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

