"""Money left unspent while cells still had room: detected after every solve, and explained.

A plan that maximizes an outcome normally spends its budget until every cell with a positive
return is full. When it does not, a rule is holding the money back: a cap, a limit on an
outcome, or share rules that only an empty plan can meet together (share rules are
homogeneous, ``sum_G x >= alpha * T``, so spending nothing meets any of them). The plan is
still optimal, but a planner must be told, because the missing money is usually a mistake
in the policy rather than a decision.

Detection works on arrays (no solve): a budget row (the total, or a ``by=`` limit) has slack
and one of its cells is below its capacity on a curve segment that still earns. The
explanation solves the policy's rows for the most money they allow to be spent, with and
without each rule in turn: the rules whose removal lets more money out are named, with how
much more.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikmopt.core.errors import SolverError, UnboundedError, UnspentBudgetWarning
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build, column_cells
from ikmopt.model.lp import LinearProgram, unit_terms
from ikmopt.model.policy import Policy
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import solve
from ikmopt.solving.solvers.base import Solution

__all__ = ["MAX_PROBES", "Unspent", "find_unspent"]

#: Relative tolerance of "unspent" and "has room".
TOL = 1e-6
#: Rules probed one by one at most (beyond that only the total is reported).
MAX_PROBES = 25


@dataclass(frozen=True)
class Unspent:
    """Budget left unspent while cells that add to the objective still had room.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per budget limit with money left (the total when the budget has one, else
        each ``by=`` limit, the pots the money comes in): ``label`` (``total`` or the group),
        ``limit``, ``spent`` and ``unspent`` (Rp bn), ``room`` (Rp bn of spare capacity in
        its cells that would add to the objective).
    spendable : float
        The most the policy's rules allow to be spent, in total (Rp bn).
    holding : pandas.DataFrame
        The rules holding the money back: ``rule`` (position: 0 the budget, k the k-th
        constraint), ``constraint`` (as written) and ``more`` (Rp bn more that could be
        spent without it; ``inf`` where then nothing limits spending but the budget and
        capacities).
    """

    rows: pd.DataFrame
    spendable: float
    holding: pd.DataFrame

    @property
    def amount(self) -> float:
        """Rp bn unspent in the largest limit that has money left."""
        return float(self.rows["unspent"].max())

    def message(self) -> str:
        """The finding in words (also the warning's text)."""
        first = self.rows.sort_values("unspent", ascending=False).iloc[0]
        where = "the budget" if first["label"] == "total" else f"the budget for {first['label']}"
        text = (f"Rp {first['unspent']:,.1f} bn of {where} (Rp {first['limit']:,.1f} bn) is "
                f"unspent although cells that add to the objective have Rp "
                f"{first['room']:,.1f} bn of room")
        more = self.holding["more"].to_numpy(dtype=float)
        if len(self.holding) and np.isnan(more).all():
            return text + ("; the rules would let it be spent, but more spending would not "
                           "raise the objective, which is capped by: "
                           + "; ".join(self.holding["constraint"]))
        if len(self.holding):
            parts = [f"{row.constraint} (Rp {row.more:,.1f} bn more without it)"
                     if np.isfinite(row.more) else f"{row.constraint}"
                     for row in self.holding.itertuples()]
            return text + "; held back by: " + "; ".join(parts)
        return text + ("; no single rule holds it back: several do together, or the "
                       "objective's own stages do (see result.constraints)")


def find_unspent(data: Dataset, policy: Policy, lp: LinearProgram, solution: Solution,
                 options: SolveOptions | None = None, *, warn: bool = True
                 ) -> Unspent | None:
    """Budget left unspent while earning cells had room (``None`` when there is none).

    Parameters
    ----------
    data, policy : Dataset, Policy
    lp : LinearProgram
        The program that was solved (its last stage).
    solution : Solution
        Its solution.
    options : SolveOptions, optional
        How to run the explaining solves.
    warn : bool, default True
        Raise an :class:`~ikmopt.core.errors.UnspentBudgetWarning` when money is unspent.
    """
    x = solution.x
    rows = _unspent_rows(data, policy, lp, x, solution.row_activity)
    if rows is None:
        return None
    options = options or SolveOptions()
    spent = float(_spend(lp, x))
    spendable = _most_spendable(data, policy, options)
    if spendable <= spent + _tol(spent):
        holding = _holding(data, policy, spendable, options)
    else:  # the rules let more out, but spending it would not raise the objective
        holding = _priced(policy, lp, solution)
    found = Unspent(rows, spendable, holding)
    if warn:
        warnings.warn(data.money.relabel(found.message()), UnspentBudgetWarning, stacklevel=3)
    return found


def _tol(value: float) -> float:
    return TOL * (1.0 + abs(value))


def _spend(lp: LinearProgram, x: np.ndarray) -> float:
    _, col, val = unit_terms(lp.meta, lp.n_cells, outcome=False)
    return float(val @ x[col])


def _earning_room(data: Dataset, policy: Policy, lp: LinearProgram,
                  x: np.ndarray) -> np.ndarray:
    """Rp bn of room of each cell on terms that still add to the objective's metrics."""
    metrics = [m for m in policy.objective.metrics() if m != "spend"]
    if "spend" in policy.objective.metrics() or not metrics:
        positive = np.ones(data.n_cells + data.n_projects, dtype=bool)
    else:
        positive = np.zeros(data.n_cells + data.n_projects, dtype=bool)
        for metric in metrics:
            positive |= data.unit_coefficients(metric) > 0
    unit, col, factor = unit_terms(lp.meta, data.n_cells)
    cell = unit < data.n_cells  # projects are whole decisions, not room
    upper = lp.col_upper[col]
    room = np.where(np.isfinite(upper), upper - x[col], 0.0)
    earning = cell & positive[unit] & (factor > 0) & (room > _tol(upper))
    return np.bincount(unit[earning], weights=room[earning], minlength=data.n_cells)


def _unspent_rows(data: Dataset, policy: Policy, lp: LinearProgram, x: np.ndarray,
                  row_activity: np.ndarray) -> pd.DataFrame | None:
    """Budget rows with money left and earning room in their cells."""
    if policy.objective.sense < 0:
        return None
    budget = lp.derived("money rows", _money_rows)
    if not len(budget):
        return None
    activity = row_activity[budget]
    limit = lp.row_upper[budget]
    slack = limit - activity
    open_rows = np.isfinite(limit) & (slack > np.array([_tol(v) for v in limit]))
    if not open_rows.any():
        return None
    room = _earning_room(data, policy, lp, x)
    if not (room > 0).any():
        return None
    records = []
    family = lp.rows["family"].to_numpy()
    total_col = _total_spend_columns(lp)
    cell_of = column_cells(lp, None if data.projects is None else data.projects.cell)
    for r, s in zip(budget[open_rows], slack[open_rows], strict=True):
        cols = lp.A[r].indices
        cells = (np.arange(data.n_cells) if np.isin(cols, total_col).any()
                 else np.unique(cell_of[cols][cell_of[cols] >= 0]))
        cell_room = float(room[cells].sum())
        if cell_room > _tol(s):
            label = str(lp.rows["label"].iloc[r])
            records.append({"label": f"pot {label}" if family[r] == "pot" else label,
                            "limit": float(lp.row_upper[r]), "spent": float(lp.row_upper[r] - s),
                            "unspent": float(s), "room": cell_room})
    return pd.DataFrame(records) if records else None


def _money_rows(lp: LinearProgram) -> np.ndarray:
    """The rows that hold the money.

    The total (``by=`` limits only cap parts) or, without a total row, each pot's ceiling.
    """
    family = lp.rows["family"].to_numpy()
    budget = np.flatnonzero((family == "budget") & (lp.rows["constraint"] == 0).to_numpy())
    total = budget[(lp.rows["label"].to_numpy()[budget] == "total")]
    return total if len(total) else np.concatenate([budget, np.flatnonzero(family == "pot")])


def _total_spend_columns(lp: LinearProgram) -> np.ndarray:
    return lp.n_cells + np.flatnonzero((lp.aux["family"] == "total_spend").to_numpy())


def _most_spendable(data: Dataset, policy: Policy, options: SolveOptions) -> float:
    """The most money the policy's rules let out (projects at their cost)."""
    lp = build(data, policy)
    _, col, val = unit_terms(lp.meta, lp.n_cells, outcome=False)
    cost = np.zeros(lp.n_cols)
    np.add.at(cost, col, val)
    try:
        return float(solve(lp.with_cost(cost), options).objective)
    except UnboundedError:
        return float("inf")
    except SolverError:
        return float("nan")


def _holding(data: Dataset, policy: Policy, spendable: float,
             options: SolveOptions) -> pd.DataFrame:
    """Rules whose removal lets more money be spent, most first."""
    records = []
    for i, rule in enumerate(policy.constraints[:MAX_PROBES], start=1):
        more = _most_spendable(data, policy.without(i - 1), options) - spendable
        if more > _tol(spendable):
            records.append({"rule": i, "constraint": rule.describe(), "more": more})
    table = pd.DataFrame(records, columns=["rule", "constraint", "more"])
    return table.sort_values("more", ascending=False, kind="stable").reset_index(drop=True)


def _priced(policy: Policy, lp: LinearProgram, solution: Solution) -> pd.DataFrame:
    """Rules with a binding row of nonzero shadow price (what caps the objective).

    Without duals (a MIP), every rule with a binding row.
    """
    owner = lp.rows["constraint"].to_numpy()
    activity = solution.row_activity
    scale = TOL * (1.0 + np.abs(activity))
    binding = ((activity >= lp.row_upper - scale) | (activity <= lp.row_lower + scale))
    dual = solution.row_dual
    if dual is not None and np.isfinite(dual).all():
        binding &= np.abs(dual) > 1e-9
    priced = np.unique(owner[binding & (owner > 0)])
    return pd.DataFrame({"rule": priced,
                         "constraint": [policy.constraints[i - 1].describe() for i in priced],
                         "more": np.full(len(priced), np.nan)})


def _empty_holding() -> pd.DataFrame:
    return pd.DataFrame(columns=["rule", "constraint", "more"])
