"""The default policy that ``ikmopt solve`` runs on the bundled data."""

from __future__ import annotations

from ikmopt.model.constraints import Budget, GroupShare, RegionBounds
from ikmopt.model.objectives import Weighted
from ikmopt.model.policy import Policy

__all__ = ["default_policy"]


def default_policy(budget: float = 2500.0) -> Policy:
    """A sensible starting policy for the 38-province dataset.

    * Budget: Rp 2.5 trillion (``budget`` Rp bn), not necessarily all spent.
    * Every province gets at least 0.5 % of the budget (Rp 12.5 bn at the default).
    * Kawasan Timur Indonesia (broad KTI) gets at least 40 % of what is spent.
    * Objective: jobs plus half-weighted value added, each normalized by its own optimum.

    Parameters
    ----------
    budget : float, default 2500
        Total budget in Rp bn.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.default_policy(2000).budget.total
    2000.0
    """
    return Policy(
        budget=Budget(total=budget),
        constraints=(RegionBounds(min_share=0.005), GroupShare("kti", min=0.40)),
        objective=Weighted(jobs=1.0, value_added=0.5),
    )
