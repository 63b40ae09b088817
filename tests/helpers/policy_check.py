"""An independent check that an allocation satisfies a policy.

Written from the *meaning* of each rule with pandas group sums over the input tables, not
from the LP rows the library builds, so that a wrong row in the build is caught.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

import ikmopt as ik

REL = 1e-7


def _close_le(a: float, b: float, scale: float) -> bool:
    return a <= b + REL * max(1.0, abs(scale))


def _group_of(data: ik.Dataset, level: str) -> pd.Series:
    """Group label of every cell for a level (index level, regions or programs column)."""
    cells = data.cells.to_frame(index=False)
    if level in cells.columns:
        return cells[level]
    if level in data.regions.columns:
        return cells["region"].map(data.regions[level])
    return cells["program"].map(data.programs[level])


def violations(data: ik.Dataset, policy: ik.Policy, allocation: pd.Series) -> list[str]:
    """Every rule the allocation breaks, as text (empty when it satisfies the policy)."""
    x = allocation.reindex(data.cells).to_numpy()
    out = []
    total = x.sum()
    cap = data.impacts["capacity"].to_numpy()
    if (x < -REL).any():
        out.append("negative spend")
    if not all(_close_le(v, c, c) for v, c in zip(x, cap, strict=True)):
        out.append("capacity exceeded")
    budget = policy.budget
    if budget.total is not None:
        if not _close_le(total, budget.total, budget.total):
            out.append(f"budget total {total} > {budget.total}")
        if budget.spend_all and not _close_le(budget.total, total, budget.total):
            out.append(f"spend_all: spent {total} < {budget.total}")
    out += _pot_violations(data, budget, x)
    for level, limits in (budget.by or {}).items():
        sums = pd.Series(x).groupby(_group_of(data, level).astype(str).to_numpy()).sum()
        for key, limit in limits.items():
            if not _close_le(sums.get(str(key), 0.0), limit, limit):
                out.append(f"budget {level}={key}")
    for c in policy.constraints:
        if isinstance(c, ik.RegionBounds):
            sums = pd.Series(x).groupby(_group_of(data, c.by).astype(str).to_numpy()).sum()
            pop = data.regions["population"].groupby(
                (data.regions.index if c.by == "region" else data.regions[c.by]).astype(str)
            ).sum()
            for region, spent in sums.items():
                floors, caps = [], []
                for value, out_list, mult in (
                    (c.min, floors, 1.0), (c.max, caps, 1.0),
                    (c.min_share, floors, budget.total or 0.0),
                    (c.max_share, caps, budget.total or 0.0),
                    (c.min_rp_per_capita, floors, pop[region] / 1e9),
                    (c.max_rp_per_capita, caps, pop[region] / 1e9),
                ):
                    if value is None:
                        continue
                    if isinstance(value, Mapping):
                        if region in map(str, value):
                            v = {str(k): w for k, w in value.items()}[region]
                            out_list.append(v * mult)
                    elif c.regions is None or region in map(str, c.regions):
                        out_list.append(value * mult)
                for f in floors:
                    if not _close_le(f, spent, f):
                        out.append(f"region floor {region}: {spent} < {f}")
                for cp in caps:
                    if not _close_le(spent, cp, cp):
                        out.append(f"region cap {region}: {spent} > {cp}")
        elif isinstance(c, ik.GroupShare | ik.ProgramShare):
            level = c.group if isinstance(c, ik.GroupShare) else c.by
            value = c.value if isinstance(c, ik.GroupShare) else c.program
            groups = _group_of(data, level).astype(str).to_numpy()
            for bound, is_min in ((c.min, True), (c.max, False)):
                if bound is None:
                    continue
                items = (
                    bound.items() if isinstance(bound, Mapping)
                    else [(True if value is None else value, bound)]
                )
                for key, alpha in items:
                    inside = x[groups == str(key)].sum()
                    ok = _close_le(alpha * total, inside, total) if is_min else _close_le(
                        inside, alpha * total, total
                    )
                    if not ok:
                        out.append(f"share {level}={key} {'min' if is_min else 'max'}")
        elif isinstance(c, ik.Target):
            coef = data.impacts[c.metric].to_numpy()
            if c.by is None:
                value = float(coef @ x)
                if c.min is not None and not _close_le(c.min, value, c.min):
                    out.append(f"target {c.metric} min")
                if c.max is not None and not _close_le(value, c.max, c.max):
                    out.append(f"target {c.metric} max")
            else:
                groups = _group_of(data, c.by).astype(str).to_numpy()
                sums = pd.Series(coef * x).groupby(groups).sum()
                for key, value in sums.items():
                    lo = c.min.get(key) if isinstance(c.min, Mapping) else c.min
                    hi = c.max.get(key) if isinstance(c.max, Mapping) else c.max
                    if lo is not None and not _close_le(lo, value, lo):
                        out.append(f"target {c.metric} {key} min")
                    if hi is not None and not _close_le(value, hi, hi):
                        out.append(f"target {c.metric} {key} max")
    return out


def _pot_funds(data: ik.Dataset, pot: ik.Pot) -> set[str]:
    """Programs a pot may fund, read from the programs table as its docs say."""
    if pot.funds is not None:
        return set(pot.funds)
    column = "pots" if "pots" in data.programs.columns else "channel"
    named = data.programs[column].fillna("").astype(str).str.split(";")
    return {str(p) for p, names in named.items() if pot.name in [n.strip() for n in names]}


def _pot_violations(data: ik.Dataset, budget: ik.Budget, x: np.ndarray) -> list[str]:
    """Whether the pots can pay for the plan: Hall's condition on programs and pots.

    Money flows from pots to the programs they fund, each pot up to its ceiling; a plan can be
    paid for if and only if every set of programs spends no more than the pots that fund any
    of them hold together (Hall's theorem for a transportation problem).
    """
    if not budget.pots:
        return []
    spend = pd.Series(x).groupby(_group_of(data, "program").astype(str).to_numpy()).sum()
    funds = {pot.name: _pot_funds(data, pot) for pot in budget.pots}
    ceiling = {pot.name: pot.ceiling for pot in budget.pots}
    programs = [p for p in spend.index if spend[p] > REL]
    out = []
    for size in range(1, len(programs) + 1):
        for subset in itertools.combinations(programs, size):
            supply = sum(ceiling[k] for k, f in funds.items() if f & set(subset))
            demand = float(spend[list(subset)].sum())
            if not _close_le(demand, supply, supply):
                out.append(f"pots cannot pay for {list(subset)}: {demand} > {supply}")
    return out


def objective_value(data: ik.Dataset, metric: str, allocation: pd.Series) -> float:
    """sum_c a_mc x_c computed from the impacts table."""
    return float(
        (data.impacts[metric] * allocation.reindex(data.cells)).sum()
    )


def assert_feasible(data: ik.Dataset, policy: ik.Policy, allocation: pd.Series) -> None:
    """Fail with the list of broken rules, if any."""
    broken = violations(data, policy, allocation)
    assert not broken, broken
    assert np.isfinite(allocation.to_numpy()).all()
