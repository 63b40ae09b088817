"""Mid-year re-planning: keep what is already spent (realisasi), re-optimize the rest.

Given spending to date per cell, :func:`replan` solves the policy again with every cell's
spend held at or above what it has already received (``x_c >= s_c``, rows of the family
``committed``), under the original or a new budget total (a cut or a top-up), and puts the
original plan, the spending to date and the revised plan side by side. Discrete projects
already contracted (``built=``) are forced in at their full cost; the others stay
candidates for the money left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Constraint, ProjectCount
from ikmopt.model.lp import RowBlock
from ikmopt.model.policy import Policy
from ikmopt.solving.evaluate import align
from ikmopt.solving.optimize import optimize
from ikmopt.solving.result import Result

__all__ = ["Committed", "Replan", "replan"]


@dataclass(frozen=True, eq=False)
class Committed(Constraint):
    """Spend already made stays: ``x_c >= spent_c`` for every cell with spending to date.

    Parameters
    ----------
    spent : numpy.ndarray
        Spending to date in cell order (Rp bn); build it with :func:`replan`.
    """

    spent: np.ndarray
    family: ClassVar[str] = "committed"

    def emit(self, ctx: Any) -> list[RowBlock]:
        """One row per cell with spending to date."""
        cells = np.flatnonzero(self.spent > 0)
        k = len(cells)
        labels = pd.Index([",".join(map(str, c)) for c in ctx.data.cells[cells]])
        return [RowBlock("committed", labels, np.arange(k), cells, np.ones(k), self.spent[cells],
                         np.full(k, np.inf))]

    def describe(self) -> str:
        """Human description."""
        return f"Committed(Rp {self.spent.sum():,.1f} bn spent to date)"


@dataclass(frozen=True)
class Replan:
    """A revised plan next to the original one and the spending to date.

    Attributes
    ----------
    original : Result
        The plan of the original policy.
    revised : Result
        The plan for the whole year given what is spent (``Committed`` rows included).
    spent : pandas.Series
        Spending to date per cell, Rp bn.
    """

    original: Result
    revised: Result
    spent: pd.Series
    built: tuple[str, ...] = ()

    @property
    def committed(self) -> pd.Series:
        """Money committed per cell: program spending to date plus contracted projects."""
        data = self.revised.data
        values = self.spent.to_numpy(copy=True)
        if data.projects is not None and self.built:
            taken = data.projects.labels.isin(self.built)
            values += np.bincount(data.projects.cell[taken], weights=data.projects.cost[taken],
                                  minlength=data.n_cells)
        return pd.Series(values, index=data.cells, name="committed")

    @property
    def projects(self) -> pd.DataFrame:
        """Each candidate project in the original plan, the contracts and the revised plan.

        Columns ``cost``, ``planned`` (built in the original plan), ``contracted`` (given
        in ``built``) and ``revised`` (built in the revised plan). Empty when the dataset
        has no projects.
        """
        table = self.revised.projects
        if table.empty:
            return pd.DataFrame(columns=["cost", "planned", "contracted", "revised"])
        return pd.DataFrame({
            "cost": table["cost"],
            "planned": self.original.projects["built"],
            "contracted": table.index.isin(self.built),
            "revised": table["built"],
        }, index=table.index)

    def compare(self, level: str = "region") -> pd.DataFrame:
        """Plan versus actual by ``level``: original plan, spent to date, revised plan.

        Columns ``planned``, ``spent``, ``realization`` (spent / planned), ``revised``,
        ``remaining`` (revised - spent, still to spend) and ``change`` (revised - planned),
        all Rp bn except the realization share. Money counts projects: ``spent`` includes
        the full cost of contracted projects (see :attr:`committed`).
        """
        data = self.revised.data
        codes, groups = data.level_codes(level)
        valid = codes >= 0

        def by(values: np.ndarray) -> np.ndarray:
            return np.bincount(codes[valid], weights=values[valid], minlength=len(groups))

        planned = by(self.original.allocation.to_numpy())
        spent = by(self.committed.to_numpy())
        revised = by(self.revised.allocation.to_numpy())
        with np.errstate(divide="ignore", invalid="ignore"):
            realization = np.where(planned > 0, spent / planned, np.nan)
        return pd.DataFrame(
            {"planned": planned, "spent": spent, "realization": realization,
             "revised": revised, "remaining": revised - spent, "change": revised - planned},
            index=pd.Index(groups, name=level),
        )


def replan(
    data: Dataset,
    policy: Policy,
    spent: pd.Series | np.ndarray,
    *,
    total: float | None = None,
    built: Iterable[str] = (),
    **options: Any,
) -> Replan:
    """Re-optimize the rest of the year around the spending to date.

    Parameters
    ----------
    data : Dataset
    policy : Policy
        The policy of the original plan.
    spent : pandas.Series or numpy.ndarray
        Program spending to date (realisasi) per cell, Rp bn, indexed like ``data.cells``
        (missing cells have spent nothing); without the projects in ``built``.
    total : float, optional
        New budget total for the year (a cut or a top-up); default: the policy's.
    built : iterable of str, optional
        Labels of discrete projects already contracted. They are built in the revised plan
        at their full cost; the other candidates compete for the money left.
    **options
        Passed to :func:`ikmopt.optimize` (``solver``, ``time_limit`` ...).

    Returns
    -------
    Replan

    Raises
    ------
    DataError
        If ``spent`` has unknown cells, negative values or spending above a cell's capacity,
        or ``built`` names a project the dataset does not have.
    PolicyError
        If more has been spent than the new total allows.
    InfeasibleError
        If the rules cannot hold around what is spent (for example a floor elsewhere that
        the money left cannot meet).

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load()
    >>> plan = ik.optimize(data, ik.default_policy())
    >>> spent = plan.allocation * 0.4            # 40 % realised by mid-year
    >>> revised = ik.replan(data, ik.default_policy(), spent, total=900)
    >>> round(revised.revised.outcomes["spend"])
    900
    """
    built = tuple(dict.fromkeys(str(b) for b in ([built] if isinstance(built, str)
                                                  else built)))
    labels = pd.Index([]) if data.projects is None else data.projects.labels
    unknown = [b for b in built if b not in labels]
    if unknown:
        where = ("the dataset has no projects table" if data.projects is None
                 else f"known: {labels[:8].tolist()}{' ...' if len(labels) > 8 else ''}")
        raise DataError(f"built names unknown project(s) {unknown}{suggest(unknown[0], labels)};"
                        f" {where}")
    values = align(data, spent)
    over = values > data.capacity * (1 + 1e-9) + 1e-9
    if over.any():
        raise DataError(f"spending to date exceeds the capacity of cell(s) "
                        f"{data.cells[over][:5].tolist()}; correct the spending or the capacity")
    budget = policy.budget
    if total is not None:
        budget = replace(budget, total=total)
    contracted = 0.0
    if built:
        contracted = float(data.projects.cost[labels.isin(built)].sum())
    if budget.total is not None and values.sum() + contracted > budget.total * (1 + 1e-9):
        raise PolicyError(f"Rp {values.sum() + contracted:,.1f} bn is already spent or "
                          f"contracted, more than the total of Rp {budget.total:,.1f} bn; "
                          "raise total=")
    original = optimize(data, policy, **options)
    revised_policy = policy.replace(budget=budget).add(Committed(values))
    if built:
        revised_policy = revised_policy.add(
            ProjectCount(min=dict.fromkeys(built, 1), by="project"))
    revised = optimize(data, revised_policy, **options)
    return Replan(original, revised, pd.Series(values, index=data.cells, name="spent"), built)
