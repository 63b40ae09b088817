"""Last year's allocation (and realisation): the anchor of this year's indicative ceilings.

Each row gives one region's ``allocation`` last year (Rp bn, or the unit of a ``unit``
column), optionally split by ``pot`` and/or ``program``, and optionally what it actually
spent (``realisation``, Rp bn). A region missing from the table got nothing last year.
Rules that use it are in :mod:`ikmopt.model.constraints.last_year`; the table debated at
the coordination meeting is :meth:`ikmopt.Result.rakor`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ikmopt.core.validation import FailureLog, misspelled
from ikmopt.data.labelled import check_labels, money, named_rows, text_labels

__all__ = ["PastAllocation", "validate_last_year"]

#: Columns that may split last year's money (besides ``region``).
SPLITS = ("pot", "program")


@dataclass(frozen=True, eq=False)
class PastAllocation:
    """Validated last-year allocation.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per region (and pot, program where given), indexed by the row's name, with
        ``allocation`` and ``realisation`` (``NaN`` where not given) in Rp bn.
    by : tuple of str
        ``("region",)`` plus the split columns the table has (``pot``, ``program``).
    """

    table: pd.DataFrame
    by: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.table)

    @property
    def total(self) -> float:
        """Last year's allocation in all, Rp bn."""
        return float(self.table["allocation"].sum())

    @property
    def has_realisation(self) -> bool:
        """Whether any row gives a realisation."""
        return bool(self.table["realisation"].notna().any())

    def written(self) -> pd.DataFrame:
        """The table as a file holds it (money in Rp bn)."""
        out = self.table.drop(columns=[c for c in ("unit",) if c in self.table.columns])
        return out.reset_index(drop=True)

    def summed(self, by: tuple[str, ...]) -> pd.DataFrame:
        """Allocation and realisation summed to the groups of ``by`` (within :attr:`by`)."""
        return self.table.groupby(list(by), sort=False)[["allocation", "realisation"]].sum(
            min_count=1)


def validate_last_year(log: FailureLog, last_year: pd.DataFrame, regions: pd.Index,
                       programs: pd.Index, money_factor: float) -> PastAllocation | None:
    """Check last year's allocation against a dataset's regions and programs.

    Parameters
    ----------
    log : FailureLog
        Where problems are recorded (table ``last_year``).
    last_year : pandas.DataFrame
    regions, programs : pandas.Index
        The dataset's region and program labels.
    money_factor : float
        Rp bn per unit of the table's money (rows with a ``unit`` column use theirs).
    """
    name = "last_year"
    if not isinstance(last_year, pd.DataFrame):
        log.add(name, "-", f"must be a table (pandas DataFrame), got {type(last_year).__name__}")
        return None
    if any(n in ("region", *SPLITS) for n in last_year.index.names if n is not None):
        last_year = last_year.reset_index()
    table = named_rows(last_year, None)
    missing = [c for c in ("region", "allocation") if c not in table.columns]
    for column in missing:
        log.add(name, column, "required column is missing" + misspelled(column, table.columns)
                + f"; columns present: {list(table.columns)}")
    if missing:
        return None
    by = ("region", *(c for c in SPLITS if c in table.columns))
    for column in by:
        table[column] = text_labels(log, name, table, column)
    for column, known in (("region", regions), ("program", programs)):
        if column in by:
            as_text = [str(v) for v in known]
            at = check_labels(log, name, column, table[column], as_text, column)
            table.loc[at >= 0, column] = [as_text[i] for i in at[at >= 0]]
    table = money(log, name, table, ["allocation", "realisation"], money_factor,
                  blank_ok=["realisation"])
    if "realisation" not in table.columns:
        table["realisation"] = np.nan
    over = table["realisation"] > table["allocation"] * (1 + 1e-9) + 1e-9
    if over.any():
        log.add(name, "realisation", "is above the allocation (a region cannot spend more "
                "than it was given; check the columns or the unit)",
                labels=table.index[over].tolist(),
                values=table.loc[over, "realisation"].tolist(), show_values=True)
    if log:
        return None
    twice = table.duplicated(list(by), keep=False)
    if twice.any():
        log.add(name, "/".join(by), "the same region" + ("/" + "/".join(by[1:]) if len(by) > 1
                                                          else "") + " appears twice; sum "
                "the rows into one", labels=table.index[twice].tolist())
        return None
    return PastAllocation(table, by)
