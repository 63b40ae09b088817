"""The elastic program behind a diagnosis, and its answers as tables in the user's units.

Each policy row ``l_i <= a_i x <= u_i`` gets violation columns ``p_i, n_i >= 0`` and the
program ``min sum_i w_i (p_i + n_i)`` is solved under the data's own limits; the violated
rows, in the units the user wrote them, are the relaxation that
:mod:`ikmopt.solving.diagnose` suggests (see its documentation for the weights).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ikmopt.core.errors import InfeasibleError, PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build
from ikmopt.model.lp import LinearProgram
from ikmopt.model.policy import Policy
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import solve

__all__ = [
    "RATIO_UNITS",
    "UNITS",
    "constraint_lp",
    "elastic_relaxation",
    "feasible",
    "outward",
    "relaxable",
    "row_table",
    "rows_of",
    "rule_rows",
    "suggest_relaxations",
]

#: Violations below this (relative to the row's magnitude) count as none.
_TOL = 1e-7
#: Unit of each family's rows, for messages.
UNITS = {"budget": "Rp bn", "region_bounds": "Rp bn", "committed": "Rp bn",
         "project_count": "projects", "ramp": "Rp bn"}
#: Unit of the number of each kind of ratio row.
RATIO_UNITS = {"share": "share", "gini": "Gini", "ratio": "ratio"}


def constraint_lp(data: Dataset, policy: Policy) -> LinearProgram:
    """The policy's rows without an objective (feasibility is all that matters here)."""
    lp = build(data, policy)
    return lp.with_cost(np.zeros(lp.n_cols))


def relaxable(lp: LinearProgram) -> np.ndarray:
    """Whether each row is a policy row (one that a diagnosis may drop or relax)."""
    return (lp.rows["kind"] != "definition").to_numpy().copy()


def rule_rows(lp: LinearProgram) -> dict[int, np.ndarray]:
    """Relaxable rows grouped by rule position, in policy order (objective rows last)."""
    rows = np.flatnonzero(relaxable(lp))
    owner = lp.rows["constraint"].to_numpy()[rows]
    order = sorted(set(owner.tolist()), key=lambda r: (r < 0, r))
    return {r: rows[owner == r] for r in order}


def rows_of(rules: Mapping[int, np.ndarray]) -> np.ndarray:
    """The rows of ``rules`` (as from :func:`rule_rows`) in one array."""
    parts = [np.asarray(v, dtype=np.int64) for v in rules.values()]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def feasible(lp: LinearProgram, keep: np.ndarray, options: SolveOptions) -> bool:
    """Whether the program is feasible with only the ``keep`` policy rows.

    Definition rows, column bounds and integrality always hold.
    """
    drop = relaxable(lp)
    drop[keep] = False
    lower, upper = lp.row_lower.copy(), lp.row_upper.copy()
    lower[drop], upper[drop] = -np.inf, np.inf
    try:
        solve(replace(lp, row_lower=lower, row_upper=upper), options)
    except InfeasibleError:
        return False
    except SolverError as err:
        if err.status == "unbounded":  # the zero objective cannot be; treat as feasible
            return True
        raise
    return True


def _magnitude(data: Dataset, policy: Policy, lp: LinearProgram, rows: np.ndarray
               ) -> np.ndarray:
    """Scale of each row: its bound (Rp bn or outcome units), ``alpha * T`` for shares."""
    reference = policy.budget.total or float(data.capacity.sum()) or 1.0
    upper = np.where(np.isfinite(lp.col_upper), lp.col_upper, reference)
    spread = abs(lp.A[rows]) @ upper
    lo, hi = lp.row_lower[rows], lp.row_upper[rows]
    bound = np.maximum(np.where(np.isfinite(lo), abs(lo), 0), np.where(np.isfinite(hi),
                                                                       abs(hi), 0))
    magnitude = np.maximum(bound, 1e-3 * spread)
    ratio = lp.ratio_rows()[rows]
    theta = lp.rows["param"].to_numpy()[rows]
    magnitude[ratio] = np.maximum(np.abs(theta[ratio]), 0.01) * reference
    return np.maximum(magnitude, 1e-9)


def _rule_weight(weights: Mapping[Any, float], lp: LinearProgram, rows: np.ndarray
                 ) -> np.ndarray:
    owner = lp.rows["constraint"].to_numpy()[rows]
    family = lp.rows["family"].astype(str).to_numpy()[rows]
    out = np.ones(len(rows))
    for key, value in weights.items():
        if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
            raise PolicyError(f"diagnose: weight of {key!r} must be a positive number, got "
                              f"{value!r}")
        out[(owner == key) if isinstance(key, int) else (family == str(key))] = float(value)
    return out


def elastic_relaxation(data: Dataset, policy: Policy, lp: LinearProgram, rows: np.ndarray,
                       options: SolveOptions, weights: Mapping[Any, float]) -> pd.DataFrame:
    """Solve the elastic program relaxing ``rows``; the violated rows as a table."""
    lower_open = np.isfinite(lp.row_lower[rows])
    upper_open = np.isfinite(lp.row_upper[rows])
    up_rows, down_rows = rows[lower_open], rows[upper_open]
    k_up, k_down = len(up_rows), len(down_rows)
    E = sp.csr_matrix(
        (np.concatenate([np.ones(k_up), -np.ones(k_down)]),
         (np.concatenate([up_rows, down_rows]), np.arange(k_up + k_down))),
        shape=(lp.n_rows, k_up + k_down))
    magnitude = _magnitude(data, policy, lp, rows)
    w = _rule_weight(weights, lp, rows) / magnitude
    cost = -np.concatenate([w[lower_open], w[upper_open]])
    scale = 1.0 / max(float(np.abs(cost).max(initial=0.0)), 1e-300)
    elastic = replace(
        lp,
        A=sp.hstack([lp.A, E], format="csr"),
        cost=np.concatenate([np.zeros(lp.n_cols), cost * scale]),
        col_lower=np.concatenate([lp.col_lower, np.zeros(k_up + k_down)]),
        col_upper=np.concatenate([lp.col_upper, np.full(k_up + k_down, np.inf)]),
        integrality=None if lp.integrality is None else np.concatenate(
            [lp.integrality, np.zeros(k_up + k_down, dtype=bool)]),
        aux=pd.concat([lp.aux, pd.DataFrame({"family": "elastic",
                                             "label": [""] * (k_up + k_down)})],
                      ignore_index=True),
    )
    solution = solve(elastic, options)
    x = solution.x[: lp.n_cols]
    violation = solution.x[lp.n_cols:]
    candidates = np.concatenate([up_rows, down_rows])
    sides = np.array(["min"] * k_up + ["max"] * k_down, dtype=object)
    scale = np.concatenate([magnitude[lower_open], magnitude[upper_open]])
    hit = violation > _TOL * scale
    return row_table(lp, policy, candidates[hit], sides=list(sides[hit]), x=x)


def row_table(lp: LinearProgram, policy: Policy, rows: np.ndarray,
              sides: list[str] | None = None, x: np.ndarray | None = None) -> pd.DataFrame:
    """Rows in the user's units: shares as shares, others in their own units."""
    meta = lp.rows.iloc[rows]
    kind = meta["kind"].astype(str).to_numpy()
    lo, hi = lp.row_lower[rows], lp.row_upper[rows]
    if sides is None:
        sides = ["min" if np.isfinite(a) else "max" for a in lo]
    side = np.array(sides, dtype=object)
    bound = np.where(side == "min", lo, hi).astype(float)
    ratio = lp.ratio_rows()[rows]
    bound[ratio] = meta["param"].to_numpy()[ratio]
    owner = meta["constraint"].to_numpy()
    table = pd.DataFrame({
        "rule": owner,
        "constraint": [_describe(policy, int(r)) for r in owner],
        "family": meta["family"].astype(str).to_numpy(),
        "label": meta["label"].to_numpy(),
        "side": side,
        "bound": bound,
        "unit": [RATIO_UNITS.get(k) or UNITS.get(f, str(lab).split()[0] if f == "target"
                                                 else "")
                 for k, f, lab in zip(kind, meta["family"].astype(str), meta["label"],
                                      strict=True)],
    })
    if x is not None:
        activity = lp.user_terms(x, rows=rows).activity
        table["relaxed"] = activity
        table["change"] = activity - bound
    table["position"] = rows - _first_row(lp, owner)
    return table.reset_index(drop=True)


def _first_row(lp: LinearProgram, owner: np.ndarray) -> np.ndarray:
    """Position of each rule's first row in the program (rows are in emission order)."""
    firsts = pd.Series(np.arange(lp.n_rows)).groupby(lp.rows["constraint"].to_numpy()).min()
    return firsts.reindex(owner).to_numpy()


def _describe(policy: Policy, position: int) -> str:
    if position == 0:
        return policy.budget.describe()
    if position > 0:
        return policy.constraints[position - 1].describe()
    return f"objective {policy.objective.describe()}"


def _fmt(value: float, unit: str) -> str:
    if unit == "Rp bn":
        return f"Rp {value:,.1f} bn"
    if unit in RATIO_UNITS.values():
        return f"{value:.4g}"
    number = f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return number + (f" {unit}" if unit else "")


def suggest_relaxations(table: pd.DataFrame) -> list[str]:
    """One line per rule: what to lower or raise, from what to what."""
    lines = []
    for _, group in table.groupby("rule", sort=False):
        first = group.iloc[0]
        verb = "lower" if first["side"] == "min" else "raise"
        unit = first["unit"]
        if len(group) == 1:
            relaxed = outward(first["relaxed"], first["side"], unit)
            if first["family"] == "budget" and first["label"] == "total" \
                    and first["side"] == "max":
                lines.append(f"raise Budget total from {_fmt(first['bound'], unit)} to "
                             f"{_fmt(relaxed, unit)} "
                             f"(+{_fmt(relaxed - first['bound'], unit).removeprefix('Rp ')})")
                continue
            plain = unit in RATIO_UNITS.values() or first["label"] in ("total", first["unit"])
            where = "" if plain else f" for {first['label']}"
            lines.append(f"{verb} {first['constraint']}{where} from "
                         f"{_fmt(first['bound'], unit)} to {_fmt(relaxed, unit)}")
            continue
        worst = group.iloc[int(np.argmax(np.abs(group["change"].to_numpy())))]
        lines.append(
            f"{verb} {first['constraint']} for {len(group)} {first['side']} rows, by "
            f"{_fmt(float(np.abs(group['change']).sum()), unit)} in all; most for "
            f"{worst['label']}: from {_fmt(worst['bound'], unit)} to "
            f"{_fmt(outward(worst['relaxed'], worst['side'], unit), unit)}")
    return lines


def outward(value: float, side: str, unit: str) -> float:
    """``value`` rounded so the bound only loosens (down for a min, up for a max)."""
    step = 1e-4 if unit in RATIO_UNITS.values() else 1e-1
    return (math.floor(value / step) if side == "min" else math.ceil(value / step)) * step
