"""Plans compared under one simulation (common random numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ikmopt.analysis.simulate import simulate
from ikmopt.core.errors import DataError, PolicyError

__all__ = ["compare_plans"]


def compare_plans(
    plans: Mapping[str, Any],
    data: Any = None,
    n: int = 10_000,
    seed: int = 0,
    *,
    alpha: float = 0.1,
    targets: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Simulate several plans under the same draws and put their risk side by side.

    Every plan is simulated with the same ``seed``, so all see the same coefficient and
    realization draws (common random numbers): differences are the plans', not noise.

    Parameters
    ----------
    plans : mapping of name to Result or allocation
    data : Dataset, optional
        Needed for allocations; replaces a Result's dataset when given.
    n, seed : int
        Draws and seed of :func:`ikmopt.simulate`.
    alpha : float, default 0.1
        Tail share of the VaR (``p{alpha}`` column) and CVaR columns.
    targets : sequence of Target, optional
        Targets whose probability is reported (default: each Result's policy targets).

    Returns
    -------
    pandas.DataFrame
        One row per plan and metric: ``point``, ``mean``, ``sd``, the ``alpha`` quantile,
        ``cvar`` and, per target, ``P(...)`` (the probability of meeting all its rows).
    """
    if not isinstance(plans, Mapping) or not plans:
        raise PolicyError("compare_plans needs a non-empty mapping {name: Result or "
                          "allocation}")
    frames = []
    for name, plan in plans.items():
        try:
            sim = simulate(plan, data, n, seed, targets=targets)
        except DataError as err:
            raise DataError(f"compare_plans: plan '{name}': {err}") from None
        table = pd.DataFrame({"point": sim.point, "mean": sim.mean, "sd": sim.draws.std(),
                              f"p{alpha:g}": sim.var(alpha), "cvar": sim.cvar(alpha)})
        for target, rows in sim.targets.groupby("target", sort=False):
            joint = rows[rows["group"] == "all rows at once"]
            met = float((joint if len(joint) else rows)["met"].iloc[0])
            table.loc[rows["metric"].iloc[0], f"P({target})"] = met
        frames.append(table.rename_axis("metric").reset_index().assign(plan=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["plan", *[c for c in out.columns if c != "plan"]]]
