"""Discrete projects: all-or-nothing investments such as building a new sentra IKM.

A projects table lists candidate projects. Each belongs to one cell (its region and program,
and sector and year if the dataset has them), costs a fixed amount when built and then adds
a fixed outcome of every metric (jobs, value added ...), whatever else the cell receives.
The optimizer decides which projects to build with one binary variable each, so a dataset
with projects turns the linear program into a mixed-integer program (MIP).

A project's cost counts as spend of its cell (budgets, floors, shares, equity rules all see
it); it does not use the cell's ``capacity``, which bounds the cell's continuous program
spend only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikmopt.core.validation import FailureLog, check_numeric, misspelled

__all__ = ["Projects", "validate_projects"]

#: Columns of a projects table that are not descriptive.
COST_COLUMN = "cost"


@dataclass(frozen=True, eq=False)
class Projects:
    """Validated candidate projects, in the order of the table.

    Attributes
    ----------
    table : pandas.DataFrame
        The projects table as given (money in Rp bn), indexed by ``project``.
    cell : numpy.ndarray
        Position of each project's cell in the dataset's cell order.
    cost : numpy.ndarray
        Cost of building each project, Rp bn.
    impacts : numpy.ndarray
        Outcome of each metric when a project is built, shape ``(n_projects, n_metrics)``
        in the dataset's metric order (money metrics in Rp bn).
    """

    table: pd.DataFrame
    cell: np.ndarray
    cost: np.ndarray
    impacts: np.ndarray

    def __len__(self) -> int:
        return len(self.cell)

    @property
    def labels(self) -> pd.Index:
        """Project labels."""
        return self.table.index


def validate_projects(
    log: FailureLog,
    projects: pd.DataFrame,
    cells: pd.MultiIndex,
    metrics: Sequence[str],
    money_factor: float,
    outcome_factors: Mapping[str, float],
    signed: Sequence[str] = (),
) -> Projects | None:
    """Check a projects table against the cells and metrics of a dataset.

    ``money_factor`` converts costs to Rp bn; ``outcome_factors`` converts each money metric
    (value added) to Rp bn. Metrics in ``signed`` may be negative.
    """
    if not isinstance(projects, pd.DataFrame):
        log.add("projects", "-", f"must be a pandas DataFrame, got {type(projects).__name__}")
        return None
    table = projects.copy()
    if "project" in [n for n in table.index.names if n is not None]:
        table = table.reset_index()
    table.columns = [str(c).strip() for c in table.columns]
    levels = list(cells.names)
    required = ["project", *levels, COST_COLUMN, *metrics]
    missing = [c for c in required if c not in table.columns]
    for column in missing:
        hint = " (give 0 where a project does not change it)" if column in metrics else ""
        log.add("projects", column, "required column is missing" + hint
                + misspelled(column, table.columns) + f"; columns present: {list(table.columns)}")
    if missing:
        return None
    labels = table["project"]
    if labels.isna().any():
        log.add("projects", "project", "missing project label",
                labels=table.index[labels.isna()].tolist())
        return None
    table["project"] = labels.astype(str).str.strip()
    dup = table["project"].duplicated()
    if dup.any():
        log.add("projects", "project", "duplicate project label",
                labels=table.loc[dup, "project"].unique().tolist())
    table = table.set_index("project")
    for level in levels:
        if table[level].isna().any():
            log.add("projects", level, "missing label",
                    labels=table.index[table[level].isna()].tolist())
            return None
        if level == "year":
            years = pd.to_numeric(table[level], errors="coerce")
            bad = years.isna() | (years != np.round(years))
            if bad.any():
                log.add("projects", level, "year must be an integer",
                        labels=table.index[bad].tolist(), values=table.loc[bad, level].tolist())
                return None
            table[level] = years.astype(np.int64)
        else:
            table[level] = table[level].astype(str).str.strip()
    table = check_numeric(log, "projects", table, [COST_COLUMN, *metrics], signed=signed)
    bad_cost = table[COST_COLUMN] <= 0
    if bad_cost.any():
        log.add("projects", COST_COLUMN, "must be greater than 0 (a project costs money)",
                labels=table.index[bad_cost].tolist())
    position = cells.get_indexer(pd.MultiIndex.from_frame(table[levels]))
    unknown = position < 0
    if unknown.any():
        log.add("projects", "/".join(levels),
                "the project's cell is not in the impacts table (add the cell, with capacity "
                "0 if it gets no program spend)", labels=table.index[unknown].tolist())
    if log:
        return None
    cost = table[COST_COLUMN].to_numpy(dtype=float) * money_factor
    impacts = np.column_stack(
        [table[m].to_numpy(dtype=float) * outcome_factors.get(m, 1.0) for m in metrics]
    ) if metrics else np.zeros((len(table), 0))
    table[COST_COLUMN] = cost
    for i, m in enumerate(metrics):
        table[m] = impacts[:, i]
    return Projects(table, position.astype(np.int64), cost, impacts)


def project_codes(
    projects: Projects, level: str, cell_codes: tuple[np.ndarray, pd.Index] | None
) -> tuple[np.ndarray, pd.Index]:
    """Group projects by a level of the cells (given as ``cell_codes``) or a table column."""
    if cell_codes is not None:
        codes, categories = cell_codes
        return codes[projects.cell], categories
    if level == "project":
        return np.arange(len(projects)), pd.Index(projects.labels, name="project")
    codes, categories = pd.factorize(projects.table[level], sort=False)
    return np.asarray(codes, dtype=np.int64), pd.Index(categories, name=level)
