"""Proposals (*usulan*): the activities regions ask the ministry to fund.

Each row is one proposal: the ``region`` and ``program`` asking (and the ``sector`` or
``year`` where the dataset's cells have them and the table gives them), the ``amount``
asked (Rp bn, or the unit of a ``unit`` column), optionally the ``pot`` it is proposed in,
its ``readiness`` and ``priority``, and the region's own co-funding (``cofunding``, APBD,
Rp bn).

Readiness is either a ``readiness`` score in [0, 1] or one pass/fail column per criterion,
named ``ready_<criterion>`` (``ready_land``, ``ready_design``, ``ready_operator`` ...) with
yes/no values; the score is then the share of criteria passed (1 = every criterion). A
table with neither is fully ready. ``priority`` ranks proposals the region itself put
first (1 = first; blank = last).

A proposal covers every cell of its region and program (and of the other levels it
gives): on the bundled province dataset a province's proposal for training covers its
training cell. Rules that use proposals are in :mod:`ikmopt.model.constraints.proposals`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikmopt.core.validation import FailureLog, misspelled
from ikmopt.data.labelled import check_labels, money, named_rows, text_labels

__all__ = ["CRITERION_PREFIX", "Proposals", "validate_proposals"]

#: Prefix of the pass/fail readiness columns.
CRITERION_PREFIX = "ready_"
_YES = {"yes", "y", "true", "1", "1.0", "pass", "passed", "ya", "lulus", "ok", "x"}
_NO = {"no", "n", "false", "0", "0.0", "fail", "failed", "tidak", "tidak lulus", "-", ""}


@dataclass(frozen=True, eq=False)
class Proposals:
    """Validated proposals, in the order of the table.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per proposal, indexed by its name (the ``proposal`` column, else its line
        or row), with the cell levels it gives, ``pot`` (if any), ``amount`` and
        ``cofunding`` in Rp bn, ``readiness`` in [0, 1] and ``priority`` (``inf`` where
        blank), and the table's other columns as given.
    levels : tuple of str
        The cell levels the proposals name (``region`` and ``program`` at least).
    cells : numpy.ndarray
        For each cell of the dataset, the position of the group of proposals (the
        distinct values of :attr:`levels`, see :attr:`groups`) that covers it; ``-1``
        for a cell nobody proposed.
    group : numpy.ndarray
        Each proposal's group.
    groups : pandas.DataFrame
        The distinct values of :attr:`levels` among the proposals, in order of first use.
    """

    table: pd.DataFrame
    levels: tuple[str, ...]
    cells: np.ndarray
    group: np.ndarray
    groups: pd.DataFrame

    def __len__(self) -> int:
        return len(self.table)

    @property
    def amount(self) -> np.ndarray:
        """Amount asked by each proposal, Rp bn."""
        return self.table["amount"].to_numpy(dtype=float)

    @property
    def readiness(self) -> np.ndarray:
        """Readiness score of each proposal, in [0, 1]."""
        return self.table["readiness"].to_numpy(dtype=float)

    @property
    def pots(self) -> np.ndarray | None:
        """The pot each proposal names (``NaN`` where blank); ``None`` without a pot column."""
        if "pot" not in self.table.columns:
            return None
        return self.table["pot"].to_numpy(dtype=object)

    @property
    def criteria(self) -> list[str]:
        """The pass/fail readiness columns (``ready_*``)."""
        return [c for c in self.table.columns if c.startswith(CRITERION_PREFIX)]

    def written(self) -> pd.DataFrame:
        """The table as a file holds it (what :meth:`Dataset.to_csv` writes and reads back).

        Money in Rp bn, pass/fail criteria as yes/no and their score left out.
        """
        out = self.table.drop(columns=[c for c in ("unit",) if c in self.table.columns])
        if self.criteria:
            out = out.drop(columns="readiness")
            for c in self.criteria:
                out[c] = np.where(out[c].astype(bool), "yes", "no")
        out["priority"] = out["priority"].replace(np.inf, np.nan)
        return out.rename_axis("proposal").reset_index()

    def order(self) -> np.ndarray:
        """Proposals from the most to the least deserving (the order money fills a group).

        By readiness, then priority, then the table's order.
        """
        return np.lexsort((np.arange(len(self)), self.table["priority"].to_numpy(),
                           -self.readiness))


def validate_proposals(log: FailureLog, proposals: pd.DataFrame, cells: pd.MultiIndex,
                       money_factor: float) -> Proposals | None:
    """Check a proposals table against a dataset's cells.

    Parameters
    ----------
    log : FailureLog
        Where problems are recorded (table ``proposals``).
    proposals : pandas.DataFrame
    cells : pandas.MultiIndex
        The dataset's cells.
    money_factor : float
        Rp bn per unit of the table's money (rows with a ``unit`` column use theirs).
    """
    name = "proposals"
    if not isinstance(proposals, pd.DataFrame):
        log.add(name, "-", f"must be a table (pandas DataFrame), got {type(proposals).__name__}")
        return None
    if "proposal" in [n for n in proposals.index.names if n is not None]:
        proposals = proposals.reset_index()
    table = named_rows(proposals, "proposal")
    missing = [c for c in ("region", "program", "amount") if c not in table.columns]
    for column in missing:
        log.add(name, column, "required column is missing" + misspelled(column, table.columns)
                + f"; columns present: {list(table.columns)}")
    if missing:
        return None
    if len(table) == 0:
        log.add(name, "-", "has no rows; give one row per proposal or drop the table")
        return None
    if table.index.duplicated().any():
        log.add(name, "proposal", "duplicate proposal name",
                labels=table.index[table.index.duplicated()].unique().tolist())
    levels = tuple(lv for lv in cells.names if lv in table.columns)
    for level in levels:
        table[level] = text_labels(log, name, table, level)
        if level == "year":
            years = pd.to_numeric(table[level], errors="coerce")
            bad = table[level].notna() & (years.isna() | (years != np.round(years)))
            if bad.any():
                log.add(name, level, "year must be an integer",
                        labels=table.index[bad].tolist())
    if "pot" in table.columns:  # a blank pot is left to the pots that fund the program
        pot = table["pot"].map(lambda v: "" if pd.isna(v) else str(v).strip())
        table["pot"] = pot.where(pot != "")
    table = money(log, name, table, ["amount", "cofunding"], money_factor,
                  positive=["amount"], blank_ok=["cofunding"])
    if "cofunding" in table.columns:
        table["cofunding"] = table["cofunding"].fillna(0.0)
    table["readiness"] = _readiness(log, name, table)
    table["priority"] = _priority(log, name, table)
    codes = _label_codes(log, table, levels, cells)
    if log:
        return None
    return _grouped(log, table, levels, cells, codes)


def _label_codes(log: FailureLog, table: pd.DataFrame, levels: tuple[str, ...],
                 cells: pd.MultiIndex) -> list[np.ndarray]:
    """Each level's label of every proposal as its position among the cells' labels."""
    codes = []
    for level in levels:
        known = cells.levels[cells.names.index(level)]
        as_text = [str(v) for v in known]
        at = check_labels(log, "proposals", level, table[level], as_text, level)
        table.loc[at >= 0, level] = [as_text[i] for i in at[at >= 0]]
        codes.append(at)
    return codes


def _grouped(log: FailureLog, table: pd.DataFrame, levels: tuple[str, ...],
             cells: pd.MultiIndex, codes: list[np.ndarray]) -> Proposals | None:
    """Each proposal's cells: the group of its labels, and the cells of each group."""
    shape = [len(cells.levels[cells.names.index(lv)]) for lv in levels]
    flat = np.ravel_multi_index(tuple(codes), shape)  # one integer per combination of labels
    unique, group = np.unique(flat, return_inverse=True)
    group = np.asarray(group, dtype=np.int64).ravel()
    groups_codes = np.column_stack(np.unravel_index(unique, shape))
    cell_flat = np.ravel_multi_index(
        tuple(np.asarray(cells.codes[cells.names.index(lv)]) for lv in levels), shape)
    at = np.minimum(np.searchsorted(unique, cell_flat), len(unique) - 1)
    cell_group = np.where(unique[at] == cell_flat, at, -1).astype(np.int64)
    covered = np.bincount(cell_group[cell_group >= 0], minlength=len(groups_codes))
    empty = covered[group] == 0
    if empty.any():
        log.add("proposals", "/".join(levels), "no cell of the dataset has these labels "
                "(the impacts table has no such combination)",
                labels=table.index[empty].tolist())
        return None
    groups = pd.DataFrame({lv: cells.levels[cells.names.index(lv)][groups_codes[:, i]]
                           for i, lv in enumerate(levels)})
    for lv in levels:
        if lv == "year":
            table[lv] = table[lv].astype(np.int64)
    return Proposals(table, levels, cell_group, group, groups)


def _readiness(log: FailureLog, name: str, table: pd.DataFrame) -> np.ndarray:
    """The ``readiness`` score, or the share of ``ready_*`` criteria passed, or 1."""
    criteria = [c for c in table.columns if c.startswith(CRITERION_PREFIX)]
    if "readiness" in table.columns:
        if criteria:  # both: the score must be the share of criteria passed (a table read back)
            share = _passed(log, name, table, criteria)
            given = pd.to_numeric(table["readiness"], errors="coerce").to_numpy(dtype=float)
            off = ~np.isclose(given, share, rtol=0.0, atol=1e-9)
            if off.any():
                log.add(name, "readiness", f"differs from the share of pass/fail columns "
                        f"{criteria} passed; give a readiness score or the criteria, not both",
                        labels=table.index[off].tolist())
            return share
        score = pd.to_numeric(table["readiness"], errors="coerce")
        bad = score.isna() | (score < 0) | (score > 1)
        if bad.any():
            log.add(name, "readiness", "must be a score from 0 to 1 (1 = fully ready)",
                    labels=table.index[bad].tolist(),
                    values=table.loc[bad, "readiness"].tolist(), show_values=True)
        return score.fillna(0.0).to_numpy(dtype=float)
    if not criteria:
        return np.ones(len(table))
    return _passed(log, name, table, criteria)


def _passed(log: FailureLog, name: str, table: pd.DataFrame, criteria: list[str]) -> np.ndarray:
    """The share of the pass/fail ``criteria`` each row passed (the columns become bool)."""
    passed = np.zeros((len(table), len(criteria)))
    for j, c in enumerate(criteria):
        text = table[c].map(lambda v: "" if pd.isna(v) else str(v).strip().casefold())
        yes, no = text.isin(_YES), text.isin(_NO)
        bad = ~(yes | no)
        if bad.any():
            log.add(name, c, "must be yes or no (pass or fail)",
                    labels=table.index[bad].tolist(), values=table.loc[bad, c].tolist(),
                    show_values=True)
        table[c] = yes.to_numpy()
        passed[:, j] = yes.to_numpy()
    return passed.mean(axis=1)


def _priority(log: FailureLog, name: str, table: pd.DataFrame) -> np.ndarray:
    """``priority`` as numbers (blank = last), or all last without the column."""
    if "priority" not in table.columns:
        return np.full(len(table), np.inf)
    raw = table["priority"]
    value = pd.to_numeric(raw, errors="coerce")
    bad = value.isna() & raw.notna() & raw.astype(str).str.strip().ne("")
    if bad.any():
        log.add(name, "priority", "must be a number (1 = first) or blank",
                labels=table.index[bad].tolist(), values=raw[bad].tolist(), show_values=True)
    return value.fillna(np.inf).to_numpy(dtype=float)
