"""The quarterly disbursement plan: when a plan's money is expected to be paid.

Each piece of the plan (a cell's spend from one pot, ``P``) is expected to be paid by
quarter ``q`` as ``s_k(q) P`` (the absorption profile of its pot ``k``), so the quarter's own
disbursement is ``(s_k(q) - s_k(q - 1)) P`` and ``(1 - s_k(4)) P`` is expected to remain
unspent at the year's end. The plan is what a treasury desk (*rencana penarikan dana*)
and the monitoring compare realisation with.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.monitor import plan_pieces
from ikmopt.analysis.monitoring.profile import QUARTERS, AbsorptionProfile
from ikmopt.analysis.monitoring.saved import SavedPlan, load_plan
from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.data.datasets import load as load_dataset
from ikmopt.solving.result import Result

__all__ = ["disbursement_plan"]


def disbursement_plan(plan: str | Path | Result | SavedPlan, data: Dataset | None = None,
                      profile: AbsorptionProfile | pd.DataFrame | str | Path | None = None, *,
                      by: str | list[str] | None = None, cumulative: bool = False
                      ) -> pd.DataFrame:
    """The money of a plan expected to be paid in each quarter, by cell and pot.

    Parameters
    ----------
    plan : path, Result or SavedPlan
        The plan (see :func:`load_plan`).
    data : Dataset, optional
        The plan's dataset (default: the result's, else the bundled one); it says which pot
        funds each program of a plan saved without pots.
    profile : AbsorptionProfile or table, optional
        Default: the bundled profile (ILLUSTRATIVE quarters, sourced year ends).
    by : str or list of str, optional
        Levels to sum to (of the plan's levels and ``pot``); default every level and pot.
    cumulative : bool, default False
        Amounts paid by each quarter's end instead of within each quarter.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``by``; columns ``planned``, ``q1`` ... ``q4`` and ``unspent`` (planned -
        paid by the year's end), Rp bn.

    Examples
    --------
    >>> import ikmopt as ik
    >>> plan = ik.optimize(ik.datasets.load(), ik.default_policy())
    >>> table = ik.monitoring.disbursement_plan(plan, by="pot")
    >>> round(float(table.loc["DAK fisik", "q1"]), 2)
    7.9
    """
    saved = load_plan(plan)
    if data is None:
        data = plan.data if isinstance(plan, Result) else load_dataset()
    if profile is None:
        profile = AbsorptionProfile.default()
    elif not isinstance(profile, AbsorptionProfile):
        profile = AbsorptionProfile.from_table(profile)
    pieces = plan_pieces(saved, data)
    shares = np.column_stack([profile.shares(pieces["pot"], (q + 1) / 4)
                              for q in range(len(QUARTERS))])
    paid = shares * pieces["spend"].to_numpy()[:, None]
    table = pieces.drop(columns="spend").assign(planned=pieces["spend"])
    flows = paid if cumulative else np.diff(paid, axis=1, prepend=0.0)
    for k, q in enumerate(QUARTERS):
        table[q] = flows[:, k]
    table["unspent"] = pieces["spend"].to_numpy() - paid[:, -1]
    levels = [*saved.levels, "pot"]
    by = levels if by is None else ([by] if isinstance(by, str) else list(by))
    unknown = [b for b in by if b not in levels]
    if unknown:
        raise PolicyError(f"disbursement_plan(by={unknown}): levels are {levels}")
    return table.groupby(by if len(by) > 1 else by[0], sort=False)[
        ["planned", *QUARTERS, "unspent"]].sum()
