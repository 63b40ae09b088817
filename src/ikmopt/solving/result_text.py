"""The text presentation of a :class:`~ikmopt.solving.result.Result`.

What :meth:`Result.summary <ikmopt.solving.result.Result.summary>`, ``repr``, the notebook
view and the first row of every sheet of :meth:`Result.to_excel
<ikmopt.solving.result.Result.to_excel>` print, and the units and reader's steps of the rows
of a program (for :attr:`Result.constraints <ikmopt.solving.result.Result.constraints>`).
Each of them carries the ILLUSTRATIVE marker when the dataset is illustrative
(:attr:`Dataset.illustrative <ikmopt.data.dataset.Dataset.illustrative>`), and shows money
in the dataset's unit (:attr:`Dataset.money_unit <ikmopt.data.dataset.Dataset.money_unit>`:
Rp bn, or the currency and scale a dataset declares, such as USD thousand).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.units import money_unit as read_money_unit
from ikmopt.data.metadata import ILLUSTRATIVE_MARK, ILLUSTRATIVE_NOTE

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = [
    "COUNT_UNITS",
    "MONEY_FAMILIES",
    "binding_text",
    "caption",
    "headline",
    "is_count",
    "result_html",
    "result_repr",
    "row_units",
    "summary_text",
]


def headline(result: Result) -> str:
    """The first line of a summary: the dataset, the status and the solver."""
    return f"ikmopt plan on '{result.data.name}' — status {result.status}, solver {result.solver}"


def caption(result: Result) -> str:
    """The headline, with the ILLUSTRATIVE note when the data are illustrative."""
    line = headline(result)
    return f"{line}. {ILLUSTRATIVE_NOTE}." if result.data.illustrative else line


def summary_text(result: Result, top: int | None = None) -> str:
    """The text of ``Result.summary``: outcomes, regions, programs, binding rules."""
    out = result.outcomes
    lines = [headline(result)]
    if result.data.illustrative:
        lines.append(ILLUSTRATIVE_NOTE + ".")
    lines.append("Objective: " + result.policy.objective.describe()
                 + f" = {result.objective:,.6g}")
    if result.unspent is not None:
        lines += ["", "WARNING: " + result.unspent.message()]
    lines += ["", "Outcomes"]
    units = {"spend": result.data.money_unit, **result.data.metric_units}
    for name, value in out.items():
        number = _whole(value) if is_count(name, units) else f"{value:,.1f}"
        lines.append(f"  {name:<14} {number:>16}  {units.get(name, '')}")
    by_region = result.by("region").sort_values("spend", ascending=False)
    funded = int((by_region["spend"] > 1e-9).sum())
    shown = len(by_region) if top is None else min(top, len(by_region))
    lines += ["", f"Regions by spend, {result.data.money_unit} ({funded} of {len(by_region)} "
              "funded" + (f"; top {shown} shown" if shown < len(by_region) else "") + ")"]
    cols = ["spend", *result.data.metrics[:2], "share"]
    per_capita = result.data.money.per_capita_column
    region_cols = [*cols, *([per_capita] if per_capita in by_region.columns else [])]
    lines.append(_text_table(by_region.head(shown)[region_cols], units))
    lines += ["", "Program split"]
    lines.append(_text_table(result.by("program")[cols], units))
    if result.data.projects is not None:
        lines += ["", _projects_text(result, top)]
    lines += ["", *binding_text(result, top)]
    if result.data.has_population:
        gini = result.equity.get(("spend", "gini"), np.nan)
        lines += ["", f"Gini of spend per capita across regions: {gini:.3f}"]
    else:
        lines += ["", "Gini of spend per capita across regions: not computed (the regions "
                  "table has no population column)"]
    return "\n".join(lines)


def binding_text(result: Result, top: int | None) -> list[str]:
    """The binding rules with their prices per the reader's step (summary section)."""
    binding = result.binding
    shown = binding.head(10 if top is None else top)
    count = (f"{len(binding)}" if len(shown) == len(binding)
             else f"{len(binding)}; the {len(shown)} with the largest prices shown")
    if result.lp.is_mip:
        lines = [f"Binding constraints ({count}; no shadow prices: a plan with "
                 f"{result.mip_reason} is a MIP, whose duals are not defined)"]
        columns = ["family", "label", "activity", "unit"]
    else:
        lines = [f"Binding constraints ({count}); price: objective change per step of "
                 "the bound as written (price_per)"]
        columns = ["family", "label", "activity", "unit", "price", "price_per"]
    if not len(shown):
        return lines
    show = shown[columns]
    equivalent = None if result.lp.is_mip else _price_equivalent(result)
    if equivalent is not None:  # a normalized score means little: say it in a metric
        metric, per_unit = equivalent
        show = show.assign(**{f"in_{metric}": show["price"] * per_unit})
        lines += [f"(in_{metric}: the price in {metric}-equivalents; one unit of the "
                  "normalized objective",
                  f" is worth {per_unit:,.0f} {metric}, the {metric} optimum over its "
                  "weight)"]
    show = show.assign(activity=[_in_unit(a, u) for a, u in
                                 zip(show["activity"], show["unit"], strict=True)])
    lines.append(_text_table(show.set_index(["family", "label"])))
    return lines


def _price_equivalent(result: Result) -> tuple[str, float] | None:
    """(metric, value of one objective unit in it) for a normalized Weighted objective."""
    unit = result.objective_unit
    if unit.kind != "normalized" or unit.equivalent is None or unit.staged:
        return None
    return str(unit.metric), float(unit.equivalent)


def _projects_text(result: Result, top: int | None) -> str:
    """The projects built, with their cost and outcomes (summary section)."""
    table = result.projects
    built = table[table["built"]]
    shown = built if top is None else built.head(top)
    cost = result.data.money.amount(float(built["cost"].sum()))
    head = (f"Projects built: {len(built)} of {len(table)}, {cost}"
            + (f"; first {len(shown)} shown" if len(shown) < len(built) else ""))
    if not len(built):
        return head
    columns = [*result.data.levels, "cost", *result.data.metrics[:2]]
    units = {"spend": result.data.money_unit, **result.data.metric_units}
    return head + "\n" + _text_table(shown[columns], units)


def result_repr(result: Result) -> str:
    """The one-line ``repr`` of a result: status, spend and the metrics."""
    out = result.outcomes
    metrics = ", ".join(f"{m}={out[m]:,.0f}" for m in result.data.metrics)
    mark = f"; {ILLUSTRATIVE_MARK}" if result.data.illustrative else ""
    return (
        f"<ikmopt.Result {result.status}: spend {result.data.money.amount(out['spend'])} over "
        f"{result.lp.n_cells} cells; {metrics}{mark}>"
    )


def result_html(result: Result) -> str:
    """A result as HTML for notebooks: outcomes, top regions, binding rows."""
    out = result.outcomes.to_frame().to_html(float_format=lambda v: f"{v:,.1f}")
    top = (
        result.by("region").sort_values("spend", ascending=False).head(10)
        .to_html(float_format=lambda v: f"{v:,.2f}")
    )
    binding = result.binding.head(10)[["family", "label", "activity", "shadow_price"]].to_html(
        index=False, float_format=lambda v: f"{v:,.4g}"
    )
    note = (f"<p><strong>{html.escape(ILLUSTRATIVE_NOTE)}.</strong></p>"
            if result.data.illustrative else "")
    return (
        f"<div><strong>ikmopt Result</strong> — {html.escape(str(result.status))}, "
        f"{html.escape(result.policy.objective.describe())}{note}"
        f"<h4>Outcomes</h4>{out}<h4>Top regions</h4>{top}"
        f"<h4>Binding constraints</h4>{binding}</div>"
    )


#: Row families whose bounds are money.
MONEY_FAMILIES = ("budget", "region_bounds", "committed", "ramp", "pot", "proposals",
                  "last_year", "minimum_allocation", "cofunding")
#: Reader's step of each kind of ratio row: (unit, step, what the step is called).
_RATIO_STEPS = {"share": ("share", 0.01, "1 pp"), "gini": ("Gini", 0.01, "0.01 Gini"),
                "ratio": ("ratio", 0.01, "0.01 ratio")}


def row_units(rows: pd.DataFrame, metric_units: dict[str, str],
              money_unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit, reader's step and the step's name of every row of a program's row table.

    Money rows are in ``money_unit`` (a price per Rp 1 bn, or per USD 1 thousand in a
    dataset in USD thousand); ratio rows per 0.01 of their number (a percentage point of a
    share); target and goal rows per one unit of their metric; project counts per project.
    """
    money, per_money = _money_texts(money_unit)
    family = rows["family"].astype(str).to_numpy()
    kind = rows["kind"].astype(str).to_numpy()
    label = rows["label"].astype(str).to_numpy()
    unit = np.full(len(rows), "", dtype=object)
    step = np.ones(len(rows))
    per = np.full(len(rows), "1 unit", dtype=object)
    money_rows = np.isin(family, MONEY_FAMILIES)
    unit[money_rows] = money
    per[money_rows] = per_money
    for name, (u, size, text) in _RATIO_STEPS.items():
        at = kind == name
        unit[at], step[at], per[at] = u, size, text
    metric_rows = np.isin(family, ["target", "goal"])
    for i in np.flatnonzero(metric_rows):
        metric = label[i].split(" ")[0]
        unit[i] = metric_units.get(metric, metric)
        per[i] = f"1 {unit[i]}"
    projects = family == "project_count"
    unit[projects], per[projects] = "projects", "1 project"
    return unit, step, per


def _money_texts(money_unit: str) -> tuple[str, str]:
    """A money unit as labels show it, and one of it (``"Rp bn"``, ``"Rp 1 bn"``)."""
    try:
        unit = read_money_unit(money_unit)
    except DataError:  # a label that is no unit text ("USD x 500"): keep it as written
        return money_unit, f"1 {money_unit}"
    return unit.label, unit.per_one


#: Units whose amounts are counted in whole numbers (jobs, firms, people, projects).
COUNT_UNITS = ("jobs", "persons", "people", "firms", "units", "projects", "certificates",
               "orang", "unit usaha")


def is_count(name: str, units: dict[str, str]) -> bool:
    """Whether a column counts things (printed as a whole number)."""
    return units.get(name, "") in COUNT_UNITS or name in ("jobs", "projects_built")


def _whole(value: float) -> str:
    return f"{value:,.0f}" if np.isfinite(value) else f"{value:g}"


def _number(v: float) -> str:
    if v == 0 or not np.isfinite(v):
        return f"{v:g}"
    if abs(v) < 0.01:
        return f"{v:.3g}"
    return f"{v:,.3f}" if abs(v) < 1 else f"{v:,.1f}"


def _percent(v: float) -> str:
    return f"{100 * v:.1f}%" if np.isfinite(v) else f"{v:g}"


def _in_unit(value: float, unit: str) -> str:
    """A row's activity in its unit: shares as percentages, counts whole, money 1 decimal."""
    if unit == "share":
        return _percent(value)
    if unit in ("Gini", "ratio"):
        return f"{value:.3f}" if np.isfinite(value) else f"{value:g}"
    if unit in COUNT_UNITS:
        return _whole(value)
    return _number(value)


def _text_table(frame: pd.DataFrame, units: dict[str, str] | None = None) -> str:
    """A frame as text: shares as percentages, counts as whole numbers."""
    units = dict(units or {})
    formatters = {column: _percent if column == "share" else _whole
                  for column in frame.columns
                  if column == "share" or is_count(str(column), units)}
    return frame.to_string(float_format=_number, formatters=formatters)
