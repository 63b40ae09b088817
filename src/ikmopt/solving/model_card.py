"""The model card of a scenario: which families of the model it instantiates, and how big.

The model statement (:mod:`ikmopt.model.registry`) lists every family of columns and rows
the code can build. A scenario (a dataset and a policy) instantiates some of them; its card
counts, per family, the columns or rows and the nonzeros of the constraint matrix, so a
reviewer can put the statement, the card and the scenario's ``.lp`` file side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build
from ikmopt.model.lp import LinearProgram
from ikmopt.model.policy import Policy
from ikmopt.model.registry import COLUMNS, ROWS, column_keys, row_keys

__all__ = ["ModelCard", "model_card", "scenario_program"]

#: Columns of :attr:`ModelCard.table`.
CARD_COLUMNS = ["part", "family", "title", "count", "nonzeros", "integer"]


@dataclass(frozen=True)
class ModelCard:
    """Families of columns and rows in one program, with their sizes.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per family present: ``part`` (``column`` or ``row``), ``family`` (the
        registry key, see :mod:`ikmopt.model.registry`), ``title``, ``count`` (columns or
        rows), ``nonzeros`` (entries of the constraint matrix in those columns or rows) and
        ``integer`` (integer columns of the family; 0 for rows). Columns first, then rows,
        each in the order they first appear in the program.
    n_columns, n_rows, nonzeros : int
        Totals of the program (the sums of ``count`` and of ``nonzeros`` per part).
    is_mip : bool
        Whether any column is integer.
    name : str
        What the card is of.
    """

    table: pd.DataFrame
    n_columns: int
    n_rows: int
    nonzeros: int
    is_mip: bool
    name: str = ""

    @classmethod
    def of(cls, lp: LinearProgram, name: str = "") -> ModelCard:
        """Count the families of any program, e.g. ``result.lp``.

        Parameters
        ----------
        lp : LinearProgram
        name : str, optional
            What the card is of (shown in its heading).
        """
        A = lp.A.tocsr()
        integer = (np.zeros(lp.n_cols, dtype=bool) if lp.integrality is None
                   else np.asarray(lp.integrality, dtype=bool))
        cols = pd.DataFrame({"family": column_keys(lp), "nonzeros": A.getnnz(axis=0),
                             "integer": integer.astype(int)})
        rows = pd.DataFrame({"family": row_keys(lp), "nonzeros": A.getnnz(axis=1),
                             "integer": 0})
        parts = []
        for part, frame, titles in (("column", cols, COLUMNS), ("row", rows, ROWS)):
            grouped = frame.groupby("family", sort=False).agg(
                count=("nonzeros", "size"), nonzeros=("nonzeros", "sum"),
                integer=("integer", "sum")).reset_index()
            grouped.insert(0, "part", part)
            grouped.insert(2, "title", [titles[f].title if f in titles else "(unregistered)"
                                        for f in grouped["family"]])
            parts.append(grouped)
        table = pd.concat(parts, ignore_index=True)[CARD_COLUMNS]
        table[["count", "nonzeros", "integer"]] = table[["count", "nonzeros",
                                                         "integer"]].astype(np.int64)
        return cls(table, lp.n_cols, lp.n_rows, lp.nnz, lp.is_mip, name)

    def counts(self, part: str) -> pd.Series:
        """``count`` per family of one part (``"column"`` or ``"row"``)."""
        frame = self.table[self.table["part"] == part]
        return pd.Series(frame["count"].to_numpy(), index=frame["family"].to_numpy(),
                         name="count")

    def __str__(self) -> str:
        kind = "MIP" if self.is_mip else "LP"
        head = (f"Model card{': ' + self.name if self.name else ''}\n"
                f"{kind}: {self.n_columns:,} columns, {self.n_rows:,} rows, "
                f"{self.nonzeros:,} nonzeros")
        shown = self.table.drop(columns="integer" if not self.is_mip else [])
        cells = [list(shown.columns)] + [[f"{v:,}" if isinstance(v, int | np.integer) else str(v)
                                          for v in row] for row in shown.itertuples(index=False)]
        widths = [max(len(r[i]) for r in cells) for i in range(len(shown.columns))]
        numeric = [shown[c].dtype.kind in "iu" for c in shown.columns]
        lines = ["  ".join(v.rjust(w) if num else v.ljust(w)
                           for v, w, num in zip(r, widths, numeric, strict=True)).rstrip()
                 for r in cells]
        return head + "\n" + "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<ModelCard{' ' + self.name if self.name else ''}: {self.n_columns} columns, "
                f"{self.n_rows} rows, {self.nonzeros} nonzeros, "
                f"{len(self.table)} families>")

    def _repr_html_(self) -> str:
        return f"<p>{repr(self)[1:-1]}</p>" + self.table.to_html(index=False)


def model_card(data: Dataset, policy: Policy) -> ModelCard:
    """The model card of a scenario: the program :func:`~ikmopt.optimize` solves, counted.

    The program is built exactly as :func:`~ikmopt.optimize` builds it, without solving:
    for an objective solved in stages (:class:`~ikmopt.Lexicographic`,
    :class:`~ikmopt.MaxMin`) the last stage's program, with the rows that hold each earlier
    stage (their bounds, which need the earlier optima, are left at 0: sizes do not depend
    on them); for a normalized :class:`~ikmopt.Weighted` objective the cost is built with
    placeholder optima. Two things only a solve can add are not counted: the segment-order
    binaries of a solve that fills a curve out of order, and the ``held`` row of a MIP's
    tie-break; :meth:`ModelCard.of` counts ``result.lp`` itself, which has the former.

    Parameters
    ----------
    data : Dataset
    policy : Policy

    Returns
    -------
    ModelCard

    Raises
    ------
    PolicyError
        If the policy does not fit the data.

    Examples
    --------
    >>> import ikmopt as ik
    >>> card = ik.model_card(ik.datasets.load(), ik.default_policy())
    >>> card.counts("row")["region_bounds"], card.n_rows
    (np.int64(38), 499)
    """
    if not isinstance(data, Dataset) or not isinstance(policy, Policy):
        raise PolicyError("model_card(data, policy) needs an ik.Dataset and an ik.Policy, "
                          f"got {type(data).__name__} and {type(policy).__name__}")
    return ModelCard.of(scenario_program(data, policy),
                        f"{data.name}, {policy.objective.describe()}")


def scenario_program(data: Dataset, policy: Policy) -> LinearProgram:
    """The program of the last stage that :func:`~ikmopt.optimize` solves, unsolved.

    See :func:`model_card` for what stands in for the numbers only a solve gives.
    """
    stages = policy.objective.stages()
    fixed: list[Any] = []
    tolerance = policy.objective.tolerance
    lp = None
    for k, stage in enumerate(stages):
        optima = dict.fromkeys(stage.needs_optima(), 1.0) or None
        lp = build(data, policy, optima=optima, objective=stage, fixed=fixed)
        if k < len(stages) - 1:
            fixed.append(lambda ctx, s=stage, lp=lp: s.fixed_rows(ctx, lp, 0.0, tolerance))
    assert lp is not None
    return lp
