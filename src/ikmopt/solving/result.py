"""The :class:`Result` of an optimization, labelled back onto the dataset."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ikmopt.core.files import write_files
from ikmopt.data.dataset import Dataset
from ikmopt.model.lp import LinearProgram
from ikmopt.model.objectives import ObjectiveUnit
from ikmopt.model.policy import Policy
from ikmopt.solving import planning
from ikmopt.solving.evaluate import Evaluation
from ikmopt.solving.result_text import (
    caption,
    result_html,
    result_repr,
    row_units,
    summary_text,
)
from ikmopt.solving.sensitivity import ranging, sensitivity
from ikmopt.solving.solvers.base import Solution, Status

if TYPE_CHECKING:
    from ikmopt.model.lp import RowBlock
    from ikmopt.model.objectives import Objective
    from ikmopt.solving.sensitivity import Ranging
    from ikmopt.solving.unspent import Unspent

__all__ = ["Result", "RowPrices"]


class RowPrices(NamedTuple):
    """Per row of a program: what :attr:`Result.constraints` shows, as arrays."""

    activity: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    slack: np.ndarray
    shadow_price: np.ndarray
    binding: np.ndarray

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
        minima = (self.lp.aux["family"] == "recipient").any()
        reasons = [*(["discrete projects"] if self.data.projects is not None else []),
                   *(["minimum allocations (a region gets nothing or at least a minimum)"]
                     if minima else []),
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
        rows = self.lp.rows
        keep = (rows["kind"] != "definition").to_numpy()
        prices = self.row_prices()
        dual, binding, slack = prices.shadow_price, prices.binding, prices.slack
        activity, lower, upper = prices.activity, prices.lower, prices.upper
        # each rule described once, then spread over its rows
        positions, row_rule = np.unique(rows["constraint"].to_numpy(), return_inverse=True)
        described = np.array([self._describe(int(i)) for i in positions],
                             dtype=object)[row_rule.ravel()] if len(rows) else []
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

    def row_prices(self) -> RowPrices:
        """Every row's activity, bounds, slack, shadow price and binding flag, as arrays.

        The numbers of :attr:`constraints` (ratio rows as ratios, prices per 1.0 of the
        ratio), for every row of ``lp`` in order, definition rows included; what a sweep
        keeps per point before it labels a table.
        """
        lp, sol = self.lp, self.solution
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
        return RowPrices(activity, lower, upper, slack, dual + 0.0,
                         slack <= BINDING_TOL * scale * 10)

    def _describe(self, position: int) -> str:
        return self.data.money.relabel(self._described(position))

    def _described(self, position: int) -> str:
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

    # ------------------------------------------------------------------ planning cycle
    def pots(self) -> pd.DataFrame:
        """Per pot: ceiling, spent, unspent, the price of its ceiling, what it funds and where.

        See :func:`ikmopt.solving.planning.pot_table`. Raises PolicyError without pots.
        """
        return planning.pot_table(self)

    def pot_allocation(self) -> pd.DataFrame:
        """Spend from every pot in every cell, Rp bn.

        See :func:`ikmopt.solving.planning.pot_allocation`.
        """
        return planning.pot_allocation(self)

    def proposals(self) -> pd.DataFrame:
        """Every proposal: asked, funded, and why not more, with what it would have needed.

        See :func:`ikmopt.solving.planning.proposal_table`. Raises PolicyError without a
        :class:`~ikmopt.FundProposals` rule.
        """
        return planning.proposal_table(self)

    def rakor(self, by: str | tuple[str, ...] | None = None) -> pd.DataFrame:
        """Last year, this year and the change per region (and pot): the Rakor table.

        The table debated at the coordination meeting; see
        :func:`ikmopt.solving.planning.rakor_table`.
        """
        return planning.rakor_table(self, by)

    # ------------------------------------------------------------------ presentation
    def to_frame(self) -> pd.DataFrame:
        """One row per cell: spend, outcome of every metric, capacity, at_capacity."""
        frame = self._evaluation._cell_outcomes.copy()
        frame["capacity"] = self.data.capacity
        frame["at_capacity"] = self.at_capacity.to_numpy()
        return frame

    def summary(self, top: int | None = None) -> str:
        """A compact text report: outcomes, regions by spend, program split, binding rules.

        Its second line is the ILLUSTRATIVE note when the dataset is
        :attr:`~ikmopt.data.dataset.Dataset.illustrative` (``ikmopt solve`` prints it too).

        Parameters
        ----------
        top : int, optional
            Show only the ``top`` regions by spend (and binding rows); default all regions
            and the ten binding rows with the largest shadow prices.
        """
        return self.data.money.relabel(summary_text(self, top))

    def __repr__(self) -> str:
        return result_repr(self)

    def _repr_html_(self) -> str:
        return result_html(self)

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
            "policy": pd.DataFrame({"rule": [self.data.money.relabel(r)
                                             for r in self.policy.describe()]}),
            **self._planning_tables(),
        }

    def _planning_tables(self) -> dict[str, pd.DataFrame]:
        """The planning cycle's tables this plan has: pots, Rakor, proposals."""
        out = {}
        if self.policy.budget.pots:
            out["pots"] = self.pots().reset_index()
            out["pot_allocation"] = self.pot_allocation()
        if self.data.last_year is not None:
            out["rakor"] = self.rakor().reset_index()
        if self.lp.meta.get("proposals") is not None:
            out["proposals"] = self.proposals().rename_axis("proposal").reset_index()
        return out

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
        """Write every table of :meth:`tables` to one sheet each (needs ``ikmopt[excel]``).

        Row 1 of every sheet names the plan (dataset, status, solver) and, when the dataset
        is :attr:`~ikmopt.data.dataset.Dataset.illustrative`, says that its numbers are
        ILLUSTRATIVE; the table starts at row 2, with its header. Read a sheet back with
        ``pd.read_excel(path, sheet_name="by_region", header=1)``.
        """
        from openpyxl.styles import Font  # optional (ikmopt[excel]), as pandas' writer

        path = Path(path)
        tmp = path.with_name(path.name + ".partial")
        first_row = caption(self)
        try:
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, table in self.tables().items():
                    table.to_excel(writer, sheet_name=name, index=False, startrow=1)
                    sheet = writer.sheets[name]
                    sheet["A1"] = first_row
                    sheet["A1"].font = Font(bold=True)
                    sheet.freeze_panes = "A3"
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
