"""Re-plan what is left of the year from a monitoring: move the money that will not be spent.

The policy of the plan is solved again with one more rule, :class:`Spent`. Each group ``g``
the realisation file reports (a region, a region's pot ...) is bounded:

* a group on pace keeps its plan and may receive more: ``sum_{c in g} x_c >= P_g``
  (with ``keep_on_pace=False``: only what it paid or contracted, ``>= R_g + C_g``);
* a group with a warning (by default) keeps what it paid or contracted and is held to what it
  is projected to spend by the year's end: ``R_g + C_g <= sum_{c in g} x_c <= Y_g``.

So the at-risk money ``sum (P_g - Y_g)`` of slow groups goes where the policy's objective gains
most, within the policy's pots (money released from a pot stays in it), proposals and other
rules. Groups that include a pot are kept per pot when the policy has pots, else summed over
pots. Without a policy, the default policy is used without its floor per province: a province
that cannot absorb its floor keeps what it spends.

The gain is the revised plan's outcomes minus the outcomes of leaving the plan as it is (the
projected spend, :attr:`Monitoring.projected_spend`). It assumes the moved money is spent,
which is why it goes only to groups on pace.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.saved import cell_outcomes
from ikmopt.core.errors import InfeasibleError, PolicyError
from ikmopt.model.constraints import Constraint, RegionBounds
from ikmopt.model.constraints.base import group_label
from ikmopt.model.defaults import default_policy
from ikmopt.model.lp import RowBlock
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import optimize
from ikmopt.solving.result import Result

if TYPE_CHECKING:
    from ikmopt.analysis.monitoring.monitor import Monitoring

__all__ = ["MonitoredReplan", "Spent", "replan_rest"]

STATUSES = ("ok", "warning", "critical")


@dataclass(frozen=True, eq=False)
class Spent(Constraint):
    """Groups keep what they paid or contracted; slow groups keep what they will spend.

    ``lower_g <= sum_{c in g} x_c <= upper_g`` for each group ``g`` of ``by``.

    Parameters
    ----------
    by : tuple of str
        The levels naming the groups (cell levels, and ``pot`` for a policy with pots).
    bounds : pandas.DataFrame
        Indexed by the groups (a MultiIndex named ``by``), columns ``lower`` and ``upper``
        (Rp bn; ``inf`` where open).
    """

    by: tuple[str, ...]
    bounds: pd.DataFrame
    family: ClassVar[str] = "spent"

    def emit(self, ctx: Any) -> list[RowBlock]:
        """One row per group."""
        by = self.by if len(self.by) > 1 else self.by[0]
        codes, groups, terms = ctx.spend_groups(by, "Spent")
        mine = self.bounds.index
        if not isinstance(groups, pd.MultiIndex):
            groups = pd.MultiIndex.from_arrays([groups], names=list(self.by))
        at = groups.get_indexer(mine)
        keep = at >= 0
        if (~keep & (self.bounds["lower"].to_numpy() > 0)).any():
            missing = [", ".join(map(str, k)) for k in mine[~keep][:4]]
            raise PolicyError(f"Spent: the re-plan's data has no spend for {missing}")
        rows = at[keep]
        remap = np.full(len(groups) + 1, -1, dtype=np.int64)  # last slot: terms of no group
        remap[rows] = np.arange(len(rows))
        _, col, val = terms
        row = remap[codes]
        inside = row >= 0
        level = self.by if len(self.by) > 1 else self.by[0]
        labels = pd.Index([group_label(level, g) for g in groups[rows]])
        return [RowBlock("spent", labels, row[inside], col[inside], val[inside],
                         self.bounds["lower"].to_numpy()[keep],
                         self.bounds["upper"].to_numpy()[keep])]

    def describe(self) -> str:
        """Human description."""
        held = int(np.isfinite(self.bounds["upper"]).sum())
        return (f"Spent(Rp {self.bounds['lower'].sum():,.1f} bn paid or contracted kept; "
                f"{held} slow group(s) held to their projection)")


@dataclass(frozen=True, eq=False)
class MonitoredReplan:
    """The re-plan of a monitored year beside the plan and leaving it as it is.

    Attributes
    ----------
    monitoring : Monitoring
    revised : Result
        The plan for the whole year given what is paid, contracted and projected.
    released : pandas.Index
        The groups held to their projection (their at-risk money moved).
    """

    monitoring: Monitoring
    revised: Result
    released: pd.Index

    def compare(self, level: str = "region") -> pd.DataFrame:
        """By ``level``: planned, realised, committed, projected (leave it), revised, change.

        Money in Rp bn; ``change`` is revised - planned, ``moved_in`` is revised - projected.
        """
        m = self.monitoring
        data = m.data
        frame = pd.DataFrame({
            "planned": m.plan.spend(data),
            "projected": m.projected_spend,
            "revised": self.revised.allocation.to_numpy(),
        }, index=data.cells).groupby(level=level, sort=False).sum()
        if level in m.realisation.levels:
            paid = m.groups.groupby(level=level, sort=False)[["realised", "committed"]].sum()
            frame = frame.join(paid).fillna({"realised": 0.0, "committed": 0.0})
        frame["change"] = frame["revised"] - frame["planned"]
        frame["moved_in"] = frame["revised"] - frame["projected"]
        return frame

    def gain(self) -> pd.DataFrame:
        """Outcomes of the plan, of leaving it (projected) and of the re-plan, and the gain.

        Rows: ``spend`` and every metric; columns ``planned``, ``leave_it``, ``revised`` and
        ``gain`` (revised - leave it).
        """
        m = self.monitoring
        columns = ["spend", *m.data.metrics]
        planned = cell_outcomes(m.data, m.plan.spend(m.data))[columns].sum()
        leave = cell_outcomes(m.data, m.projected_spend)[columns].sum()
        revised = cell_outcomes(m.data, self.revised.allocation.to_numpy())[columns].sum()
        return pd.DataFrame({"planned": planned, "leave_it": leave, "revised": revised,
                             "gain": revised - leave})


def replan_rest(monitoring: Monitoring, policy: Policy | None = None, *,
                release: tuple[str, ...] = ("warning", "critical"),
                keep_on_pace: bool = True, total: float | None = None,
                **options: Any) -> MonitoredReplan:
    """Reallocate the money slow groups will not spend, keeping what is paid or contracted.

    Parameters
    ----------
    monitoring : Monitoring
    policy : Policy, optional
        The plan's policy (its pots, proposals and rules hold in the re-plan); default
        :func:`ikmopt.default_policy` with the plan's total, without its floor per province.
    release : tuple of str, default ("warning", "critical")
        The statuses whose groups are held to their projected year-end spend.
    keep_on_pace : bool, default True
        Whether groups on pace keep at least their plan (else only what they paid or
        contracted, and the whole rest of the year is re-optimized).
    total : float, optional
        A new budget total (a cut or a top-up); default: the policy's.
    **options
        Passed to :func:`ikmopt.optimize`.

    Raises
    ------
    PolicyError
        For an unknown status in ``release``, or a total below what is paid or contracted.
        Also when the policy's rules cannot hold around what is paid and projected (e.g. a
        floor per region above what a slow region will spend), saying which rule to relax.
    """
    unknown = [s for s in release if s not in STATUSES]
    if unknown:
        raise PolicyError(f"replan: release names unknown status(es) {unknown}; use {STATUSES}")
    data = monitoring.data
    if policy is None:
        policy = default_policy(round(monitoring.plan.total, 6), data).without(RegionBounds)
    if total is not None:
        policy = policy.replace(budget=replace(policy.budget, total=float(total)))
    groups = monitoring.groups
    levels = list(monitoring.realisation.levels)
    if not levels:
        raise PolicyError("replan: the realisation file gives one national figure; give it by "
                          "region (and pot or program) so the re-plan knows where money is")
    slow = groups["status"].isin(release).to_numpy()
    paid = (groups["realised"] + groups["committed"]).to_numpy()
    keep = np.where(slow | (not keep_on_pace), paid, np.maximum(groups["planned"], paid))
    bounds = pd.DataFrame({"lower": keep, "upper": np.where(slow, groups["projected"], np.inf)},
                          index=groups.index)
    if "pot" in levels and not policy.budget.pots:
        levels.remove("pot")
        bounds = bounds.groupby(level=levels, sort=False).sum()
    kept = float(bounds["lower"].sum())
    budget_total = policy.budget.total
    if budget_total is not None and kept > budget_total * (1 + 1e-9):
        raise PolicyError(f"replan: Rp {kept:,.1f} bn is paid or contracted, more than the total "
                          f"of Rp {budget_total:,.1f} bn; raise total=")
    rule = Spent(tuple(levels), bounds)
    try:
        revised = optimize(data, policy.add(rule), **options)
    except InfeasibleError as err:
        raise PolicyError(
            f"replan: the policy's rules cannot hold around what is paid, contracted and "
            f"projected ({err}). A floor per region or group above what a slow region will "
            "spend is the usual cause: re-plan with the policy without it (e.g. "
            "policy.without(ik.RegionBounds)), release only critical groups "
            "(release=('critical',)), or keep_on_pace=False") from err
    released = groups.index[slow]
    return MonitoredReplan(monitoring, revised, released)
