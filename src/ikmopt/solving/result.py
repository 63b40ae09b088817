"""The :class:`Result` of an optimization, labelled back onto the dataset."""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.files import write_files
from ikmopt.data.dataset import Dataset
from ikmopt.model.lp import LinearProgram
from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.model.policy import Policy
from ikmopt.solving.evaluate import Evaluation
from ikmopt.solving.sensitivity import ranging, sensitivity
from ikmopt.solving.solvers.base import Solution, Status

if TYPE_CHECKING:
    from ikmopt.model.lp import RowBlock
    from ikmopt.model.objectives import Objective
    from ikmopt.solving.sensitivity import Ranging
    from ikmopt.solving.unspent import Unspent

__all__ = ["Result"]

#: Relative tolerance for calling a constraint binding.
BINDING_TOL = 1e-7


class Result:
    """An optimal (or time-limited) allocation with its outcomes and explanations.

    Created by :func:`ikmopt.optimize`; not meant to be built by hand.

    Attributes
    ----------
    data : Dataset
    policy : Policy
    lp : LinearProgram
        The program that was solved.
    solution : Solution
        The solver's raw answer.
    status : Status
        ``optimal``, or ``time_limit`` when the solver stopped early with a feasible plan.
    objective : float
        Objective value (in the objective's units; unit-free for ``Weighted``).
    sense : float
        +1 when the objective is maximized, -1 when it is minimized (``MinCost``,
        ``GoalProgram``); objective and shadow prices are reported in the objective's own
        sign.
    unspent : Unspent or None
        Set when the plan leaves budget unspent although cells that add to the objective
        had room (an :class:`~ikmopt.core.errors.UnspentBudgetWarning` was raised): how much,
        where, and the rules holding it back. ``None`` otherwise.
    """

    def __init__(
        self,
        data: Dataset,
        policy: Policy,
        lp: LinearProgram,
        solution: Solution,
        optima: dict[str, float] | None = None,
        sense: float = 1.0,
        unspent: Unspent | None = None,
        *,
        stage: Objective | None = None,
        fixed: Sequence[Callable[[Any], RowBlock]] = (),
    ) -> None:
        self.sense = float(sense)
        self.unspent = unspent
        #: The objective (stage) of the last solve, and the rows that held earlier stages
        #: at their optima in it: what re-building the solved program needs.
        self.stage = policy.objective if stage is None else stage
        self.fixed = tuple(fixed)
        self.data = data
        self.policy = policy
        self.lp = lp
        self.solution = solution
        self.optima = dict(optima or {})
        built = None
        if "project_columns" in lp.meta:
            built = np.round(solution.x[lp.meta["project_columns"]])
        self._evaluation = Evaluation(data, solution.x[: lp.n_cells].copy(), policy.accrual,
                                      built)

    # ------------------------------------------------------------------ status
    @property
    def status(self) -> Status:
        """Solve status (``optimal`` or ``time_limit``)."""
        return self.solution.status

    @property
    def is_optimal(self) -> bool:
        """Whether the plan is proven optimal."""
        return self.solution.status is Status.OPTIMAL

    @property
    def objective(self) -> float:
        """Objective value (the cost, in Rp bn, for a minimizing objective such as MinCost)."""
        return self.sense * self.solution.objective + 0.0

    @property
    def objective_unit(self) -> ObjectiveUnit:
        """What one unit of the objective is (for its value and prices in words)."""
        return self.policy.objective.unit(self.optima, self.policy.accrual is not None)

    @property
    def mip_reason(self) -> str | None:
        """Why the plan is a MIP (no shadow prices), in words; ``None`` for an LP."""
        if not self.lp.is_mip:
            return None
        ordered = (self.lp.aux["family"] == "segment_order").any()
        reasons = [*(["discrete projects"] if self.data.projects is not None else []),
                   *(["curves kept in order by binary variables (a rule bounds a curved "
                      "outcome from above)"] if ordered else [])]
        return " and ".join(reasons) or "integer columns"

    @property
    def solver(self) -> str:
        """Name of the backend that solved the program."""
        return self.solution.solver

    # ------------------------------------------------------------------ plan and outcomes
    @property
    def allocation(self) -> pd.Series:
        """Spend per cell, Rp bn (index: the dataset's cells; projects built included)."""
        return self._evaluation.allocation

    @property
    def projects(self) -> pd.DataFrame:
        """Every candidate project with ``built`` (True/False), cost, cell and outcomes.

        Empty when the dataset has no projects table.
        """
        return self._evaluation.projects

    @property
    def outcomes(self) -> pd.Series:
        """Total spend (Rp bn) and the total of every metric."""
        return self._evaluation.outcomes

    @property
    def accrued(self) -> pd.Series:
        """Each metric counted over the horizon (see :class:`~ikmopt.data.accrual.Accrual`)."""
        return self._evaluation.accrued

    def by(self, level: str | tuple[str, ...] | list[str] = "region") -> pd.DataFrame:
        """Spend and outcomes by level(s); see :meth:`ikmopt.solving.evaluate.Evaluation.by`."""
        return self._evaluation.by(level)

    @property
    def per_capita(self) -> pd.DataFrame:
        """Per region: spend in Rp per inhabitant, metrics per 100,000 inhabitants."""
        return self._evaluation.per_capita

    @property
    def equity(self) -> pd.Series:
        """Gini, Theil, CV, min/max per capita of spend and of each metric across regions."""
        return self._evaluation.equity

    # ------------------------------------------------------------------ constraints
    @cached_property
    def constraints(self) -> pd.DataFrame:
        """Every policy row with activity, bounds, slack, shadow price and binding flag.

        Columns: ``constraint`` (the rule as written), ``family``, ``label``, ``activity``,
        ``lower``, ``upper``, ``slack`` (distance to the nearest bound), ``unit`` (of the
        activity and bounds), ``shadow_price`` (change of the objective per unit increase
        of the row's binding bound; ``NaN`` for a MIP, that is a dataset with projects,
        where duals are not defined), ``price`` and ``price_per`` (the same price per the
        step a reader thinks in: per Rp 1 bn, per percentage point of a share, per 0.01 of
        a Gini cap or equity ratio) and ``binding``.

        Rows whose number is a ratio (``GroupShare``, ``ProgramShare``, ``GiniCap``,
        ``OutcomeEquity``) are expressed as ratios: activity is the share (Gini, ratio)
        achieved, the bound is the number as written and ``shadow_price`` is per 1.0 of it
        (100 percentage points), so ``price`` is per 0.01.
        """
        lp, sol = self.lp, self.solution
        rows = lp.rows
        keep = (rows["kind"] != "definition").to_numpy()
        terms = lp.user_terms(sol.x, sol.row_activity)
        dual = self.sense * (
            sol.row_dual.copy() if sol.row_dual is not None else np.full(lp.n_rows, np.nan)
        )
        ratio = lp.ratio_rows()
        dual[ratio] = dual[ratio] * terms.denominator[ratio]
        activity, lower, upper = terms.activity, terms.lower, terms.upper
        slack = np.minimum(activity - lower, upper - activity)
        scale = 1.0 + np.abs(np.where(np.isfinite(lower), lower, 0)) + np.abs(
            np.where(np.isfinite(upper), upper, 0)
        )
        binding = slack <= BINDING_TOL * scale * 10
        described = [self._describe(i) for i in rows["constraint"].to_numpy()]
        unit, step, per = row_units(rows, self.data.metric_units, self.data.money_unit)
        table = pd.DataFrame(
            {
                "constraint": described,
                "family": rows["family"].astype(str).to_numpy(),
                "label": rows["label"].to_numpy(),
                "activity": activity,
                "lower": lower,
                "upper": upper,
                "slack": slack,
                "unit": unit,
                "shadow_price": dual + 0.0,
                "price": dual * step + 0.0,
                "price_per": per,
                "binding": binding,
            }
        )
        return table[keep].reset_index(drop=True)

    def _describe(self, position: int) -> str:
        if position == 0:
            return self.policy.budget.describe()
        if position > 0:
            return self.policy.constraints[position - 1].describe()
        return self.policy.objective.describe()

    @cached_property
    def goals(self) -> pd.DataFrame:
        """Goals of a :class:`~ikmopt.model.objectives.GoalProgram`: bound, achieved, deviations.

        Columns ``goal`` (the target row and ``min``/``max``), ``bound``, ``achieved``,
        ``shortfall`` (below a ``min``), ``overshoot`` (above a ``max``) and ``weight``;
        empty for other objectives.
        """
        rows = []
        goal_rows = np.flatnonzero((self.lp.rows["family"] == "goal").to_numpy())
        goals = self.lp.meta.get("goals", [])
        for (label, sense, bound, col, weight), row in zip(goals, goal_rows, strict=True):
            dev = float(self.solution.x[col])
            # the goal row holds a x + s (min) or a x - o (max): take the deviation back out
            activity = float(self.solution.row_activity[row])
            achieved = activity - dev if sense == "min" else activity + dev
            rows.append({"goal": label, "bound": bound, "achieved": achieved,
                         "shortfall": dev if sense == "min" else 0.0,
                         "overshoot": dev if sense == "max" else 0.0, "weight": weight})
        return pd.DataFrame(rows, columns=["goal", "bound", "achieved", "shortfall",
                                           "overshoot", "weight"])

    def sensitivity(self) -> pd.DataFrame:
        """How the optimum moves with each number of the policy, as the user wrote it.

        See :func:`ikmopt.solving.sensitivity.sensitivity`.
        """
        return sensitivity(self)

    def ranging(self) -> Ranging:
        """Ranges over which the shadow prices and the plan hold (Solver's sensitivity report).

        See :func:`ikmopt.solving.sensitivity.ranging`.
        """
        return ranging(self)

    @property
    def binding(self) -> pd.DataFrame:
        """Only the binding rows of :attr:`constraints`, largest price (per reader's step) first."""
        table = self.constraints
        table = table[table["binding"]]
        return table.reindex(table["price"].abs().sort_values(ascending=False,
                                                              kind="stable").index)

    @cached_property
    def reduced_costs(self) -> pd.Series:
        """Change of the objective per Rp bn of extra capacity (or floor) of each cell.

        The reduced cost of the cell's spend column. For a cell with a diminishing-returns
        curve, extra capacity stretches the segments with it (as
        :meth:`Dataset.with_capacity` does), so the reduced costs of its full segments are
        added, each weighted by its segment's share of the capacity: such a cell can gain
        from more capacity before it is full, because its returns then fall later.
        """
        n = self.lp.n_cells
        dual = self.solution.col_dual
        if dual is None:
            return pd.Series(np.full(n, np.nan), index=self.data.cells, name="reduced_cost")
        values = dual[:n].astype(float)
        segments = self.lp.meta.get("segment_columns")
        curves = self.data.curves
        if segments is not None and curves is not None:
            capacity = self.data.capacity
            share = curves.width / np.where(capacity > 0, capacity, 1.0)[curves.cell]
            # only upper bounds stretch: a segment's dual counts when it is full
            full = self.solution.x[segments] >= curves.width - BINDING_TOL * (1 + curves.width)
            stretch = np.bincount(curves.cell, weights=np.where(full, dual[segments], 0.0)
                                  * share, minlength=n)
            values = values + stretch
        return pd.Series(self.sense * values + 0.0, index=self.data.cells, name="reduced_cost")

    @property
    def at_capacity(self) -> pd.Series:
        """Whether each cell's program spend (projects excluded) reaches its capacity."""
        cap = self.data.capacity
        return pd.Series(
            self._evaluation.program_spend >= cap - BINDING_TOL * (1 + cap),
            index=self.data.cells,
            name="at_capacity",
        )

    # ------------------------------------------------------------------ presentation
    def to_frame(self) -> pd.DataFrame:
        """One row per cell: spend, outcome of every metric, capacity, at_capacity."""
        frame = self._evaluation._cell_outcomes.copy()
        frame["capacity"] = self.data.capacity
        frame["at_capacity"] = self.at_capacity.to_numpy()
        return frame

    def summary(self, top: int | None = None) -> str:
        """A compact text report: outcomes, regions by spend, program split, binding rules.

        Parameters
        ----------
        top : int, optional
            Show only the ``top`` regions by spend (and binding rows); default all regions
            and the ten binding rows with the largest shadow prices.
        """
        out = self.outcomes
        lines = [
            f"ikmopt plan on '{self.data.name}' — status {self.status}, solver {self.solver}",
            "Objective: " + self.policy.objective.describe() + f" = {self.objective:,.6g}",
        ]
        if self.unspent is not None:
            lines += ["", "WARNING: " + self.unspent.message()]
        lines += ["", "Outcomes"]
        units = {"spend": self.data.money_unit, **self.data.metric_units}
        for name, value in out.items():
            number = _whole(value) if is_count(name, units) else f"{value:,.1f}"
            lines.append(f"  {name:<14} {number:>16}  {units.get(name, '')}")
        by_region = self.by("region").sort_values("spend", ascending=False)
        funded = int((by_region["spend"] > 1e-9).sum())
        shown = len(by_region) if top is None else min(top, len(by_region))
        lines += ["", f"Regions by spend, Rp bn ({funded} of {len(by_region)} funded"
                  + (f"; top {shown} shown" if shown < len(by_region) else "") + ")"]
        cols = ["spend", *self.data.metrics[:2], "share"]
        region_cols = [*cols, "spend_rp_per_capita"]
        lines.append(_text_table(by_region.head(shown)[region_cols], units))
        lines += ["", "Program split"]
        lines.append(_text_table(self.by("program")[cols], units))
        if self.data.projects is not None:
            lines += ["", self._projects_text(top)]
        lines += ["", *self._binding_text(top)]
        gini = self.equity.get(("spend", "gini"), np.nan)
        lines += ["", f"Gini of spend per capita across regions: {gini:.3f}"]
        return "\n".join(lines)

    def _binding_text(self, top: int | None) -> list[str]:
        """The binding rules with their prices per the reader's step (summary section)."""
        binding = self.binding
        shown = binding.head(10 if top is None else top)
        count = (f"{len(binding)}" if len(shown) == len(binding)
                 else f"{len(binding)}; the {len(shown)} with the largest prices shown")
        if self.lp.is_mip:
            lines = [f"Binding constraints ({count}; no shadow prices: a plan with "
                     f"{self.mip_reason} is a MIP, whose duals are not defined)"]
            columns = ["family", "label", "activity", "unit"]
        else:
            lines = [f"Binding constraints ({count}); price: objective change per step of "
                     "the bound as written (price_per)"]
            columns = ["family", "label", "activity", "unit", "price", "price_per"]
        if not len(shown):
            return lines
        show = shown[columns]
        equivalent = None if self.lp.is_mip else self._price_equivalent()
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

    def _price_equivalent(self) -> tuple[str, float] | None:
        """(metric, value of one objective unit in it) for a normalized Weighted objective."""
        unit = self.objective_unit
        if unit.kind != "normalized" or unit.equivalent is None or unit.staged:
            return None
        return str(unit.metric), float(unit.equivalent)

    def _projects_text(self, top: int | None) -> str:
        table = self.projects
        built = table[table["built"]]
        shown = built if top is None else built.head(top)
        head = (f"Projects built: {len(built)} of {len(table)}, Rp {built['cost'].sum():,.1f} bn"
                + (f"; first {len(shown)} shown" if len(shown) < len(built) else ""))
        if not len(built):
            return head
        columns = [*self.data.levels, "cost", *self.data.metrics[:2]]
        units = {"spend": self.data.money_unit, **self.data.metric_units}
        return head + "\n" + _text_table(shown[columns], units)

    def __repr__(self) -> str:
        out = self.outcomes
        metrics = ", ".join(f"{m}={out[m]:,.0f}" for m in self.data.metrics)
        return (
            f"<ikmopt.Result {self.status}: spend Rp {out['spend']:,.1f} bn over "
            f"{self.lp.n_cells} cells; {metrics}>"
        )

    def _repr_html_(self) -> str:
        out = self.outcomes.to_frame().to_html(float_format=lambda v: f"{v:,.1f}")
        top = (
            self.by("region").sort_values("spend", ascending=False).head(10)
            .to_html(float_format=lambda v: f"{v:,.2f}")
        )
        binding = self.binding.head(10)[["family", "label", "activity", "shadow_price"]].to_html(
            index=False, float_format=lambda v: f"{v:,.4g}"
        )
        return (
            f"<div><strong>ikmopt Result</strong> — {html.escape(str(self.status))}, "
            f"{html.escape(self.policy.objective.describe())}"
            f"<h4>Outcomes</h4>{out}<h4>Top regions</h4>{top}"
            f"<h4>Binding constraints</h4>{binding}</div>"
        )

    # ------------------------------------------------------------------ export
    def tables(self) -> dict[str, pd.DataFrame]:
        """The exportable tables by name."""
        equity = self.equity.rename("value").reset_index()
        return {
            "allocation": self.to_frame().reset_index(),
            "by_region": self.by("region").reset_index(),
            "by_program": self.by("program").reset_index(),
            "outcomes": self.outcomes.rename_axis("metric").reset_index(),
            **({"projects": self.projects.reset_index()} if self.data.projects is not None
               else {}),
            "constraints": self.constraints,
            "equity": equity,
            "policy": pd.DataFrame({"rule": self.policy.describe()}),
        }

    def to_csv(self, folder: str | Path) -> Path:
        """Write every table of :meth:`tables` as ``<name>.csv`` into ``folder``.

        All or nothing: if one file cannot be written, none is left behind.
        """
        tables = self.tables()
        return write_files(folder, {
            f"{name}.csv": lambda path, t=table: t.to_csv(path, index=False)
            for name, table in tables.items()
        })

    def to_excel(self, path: str | Path) -> Path:
        """Write every table of :meth:`tables` to one sheet each (needs ``ikmopt[excel]``)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".partial")
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, table in self.tables().items():
                    table.to_excel(writer, sheet_name=name, index=False)
                    writer.sheets[name].freeze_panes = "A2"
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def report(self, path: str | Path, lang: str = "en", *, format: str | None = None,
               title: str | None = None, date: datetime.date | None = None) -> Path:
        """Write a report for readers: one HTML page or an Excel workbook.

        The format follows the suffix (``.html``, ``.xlsx``) unless ``format`` is given;
        ``lang="id"`` writes it in Bahasa Indonesia. See :func:`ikmopt.report.write_report`.
        """
        from ikmopt.report import write_report  # face hook (listed in the import contract)

        return write_report(self, path, lang, format=format, title=title, date=date)

    def write_lp(self, path: str | Path) -> Path:
        """Write the solved program as a readable CPLEX-LP file.

        Names are readable: ``x(Aceh,training)``, ``region_bounds(Jawa_Barat)``.
        """
        # the PuLP path (pulp is heavy): loaded when first used
        from ikmopt.solving.solvers.pulp import write_lp

        return write_lp(self.lp, path)

    def write_mps(self, path: str | Path) -> Path:
        """Write the solved program as an MPS file with readable names."""
        # the PuLP path (pulp is heavy): loaded when first used
        from ikmopt.solving.solvers.pulp import write_mps

        return write_mps(self.lp, path)


#: Row families whose bounds are money.
MONEY_FAMILIES = ("budget", "region_bounds", "committed", "ramp")
#: Reader's step of each kind of ratio row: (unit, step, what the step is called).
_RATIO_STEPS = {"share": ("share", 0.01, "1 pp"), "gini": ("Gini", 0.01, "0.01 Gini"),
                "ratio": ("ratio", 0.01, "0.01 ratio")}


def row_units(rows: pd.DataFrame, metric_units: dict[str, str],
              money_unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit, reader's step and the step's name of every row of a program's row table.

    Money rows are in ``money_unit`` (a price per Rp 1 bn); ratio rows per 0.01 of their
    number (a percentage point of a share); target and goal rows per one unit of their
    metric; project counts per project.
    """
    money = money_unit.replace("IDR", "Rp")
    family = rows["family"].astype(str).to_numpy()
    kind = rows["kind"].astype(str).to_numpy()
    label = rows["label"].astype(str).to_numpy()
    unit = np.full(len(rows), "", dtype=object)
    step = np.ones(len(rows))
    per = np.full(len(rows), "1 unit", dtype=object)
    money_rows = np.isin(family, MONEY_FAMILIES)
    unit[money_rows] = money
    per[money_rows] = (money.replace("Rp ", "Rp 1 ", 1) if money.startswith("Rp ")
                       else f"1 {money}")
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
