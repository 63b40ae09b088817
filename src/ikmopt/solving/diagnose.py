"""Why a policy cannot be met: elastic relaxation and a minimal conflicting set of rules.

When no allocation satisfies every rule, :func:`diagnose` answers two questions in the
user's terms:

* **What is the smallest change that makes a plan possible?** Each policy row
  ``l_i <= a_i x <= u_i`` gets violation columns ``p_i, n_i >= 0``
  (``l_i <= a_i x + p_i - n_i <= u_i``) and the *elastic* program
  ``min sum_i w_i (p_i + n_i)`` is solved under the data's own limits (capacities, curve
  segments, integrality), which can never be relaxed. The weight ``w_i = weight_r / m_i``
  divides by the row's magnitude ``m_i`` so that relaxations are compared in relative
  terms: the bound itself for rows in Rp bn or outcome units, ``alpha * T`` for a share
  ``alpha`` of total spend ``T``. The violated rows, with the value the relaxed plan
  reaches, are the suggested relaxation (:attr:`Diagnosis.relaxations`); applying it
  (:meth:`Diagnosis.relaxed_policy`) gives a policy that the relaxed plan satisfies.
  :attr:`Diagnosis.alternatives` relaxes one rule at a time instead: each listed rule could
  restore feasibility on its own.
* **Which rules cannot hold together?** A deletion filter over rules (each constraint of the
  policy, the budget, the objective's rows), then over the rows of the rules that remain,
  drops every rule and row whose removal keeps the program infeasible. What is left
  (:attr:`Diagnosis.conflicts`) is an irreducible infeasible set: infeasible, while dropping
  any one member makes it feasible (Chinneck and Dravnieks, 1991).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ikmopt.core.errors import InfeasibleError, PolicyError, SolverError
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build
from ikmopt.model.constraints import Budget, Constraint, GiniCap, OutcomeEquity, Share, Target
from ikmopt.model.lp import LinearProgram, RowBlock
from ikmopt.model.policy import Policy
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.solvers import solve

__all__ = ["Diagnosis", "Relaxed", "diagnose"]

#: Violations below this (relative to the row's magnitude) count as none.
_TOL = 1e-7
#: Relax-and-check rounds of :meth:`Diagnosis.relaxed_policy`.
_ROUNDS = 5
#: Rules with more rows than this are not reduced row by row in the conflict set.
MAX_ROW_FILTER = 400
#: Unit of each family's rows, for messages.
_UNITS = {"budget": "Rp bn", "region_bounds": "Rp bn", "committed": "Rp bn",
          "project_count": "projects", "ramp": "Rp bn"}
#: Unit of the number of each kind of ratio row.
_RATIO_UNITS = {"share": "share", "gini": "Gini", "ratio": "ratio"}


# ---------------------------------------------------------------------- relaxed rules
@dataclass(frozen=True, eq=False)
class Relaxed(Constraint):
    """A rule with some of its rows' bounds loosened.

    :meth:`Diagnosis.relaxed_policy` makes this of rules that have no single number to change.

    Parameters
    ----------
    rule : Constraint
        The original rule.
    bounds : tuple of (int, float, float)
        ``(row, lower, upper)``: the position of a row among the rule's rows (in the order
        it emits them) and its new bounds, in the row's own units.
    """

    rule: Constraint
    bounds: tuple[tuple[int, float, float], ...]
    family: ClassVar[str] = "relaxed"

    def emit(self, ctx: Any) -> list[RowBlock]:
        """The rule's rows, with the listed bounds replaced."""
        new = {k: (lo, hi) for k, lo, hi in self.bounds}
        blocks, start = [], 0
        for block in self.rule.emit(ctx):
            lower, upper = block.lower.astype(float).copy(), block.upper.astype(float).copy()
            for k in range(block.n_rows):
                if start + k in new:
                    lower[k], upper[k] = new[start + k]
            blocks.append(replace(block, lower=lower, upper=upper))
            start += block.n_rows
        return blocks

    def describe(self) -> str:
        """Human description."""
        return f"{self.rule.describe()} [relaxed on {len(self.bounds)} row(s)]"


# ---------------------------------------------------------------------- the diagnosis
@dataclass(frozen=True, eq=False)
class Diagnosis:
    """What conflicts in an infeasible policy and the smallest change that resolves it.

    Attributes
    ----------
    relaxations : pandas.DataFrame
        One row per relaxed bound of the elastic solution: ``rule`` (position: 0 the
        budget, k the k-th constraint, -1 the objective's rows), ``constraint`` (as
        written), ``family``, ``label``, ``side`` (``min`` or ``max``), ``bound`` and
        ``relaxed`` (the value the relaxed plan reaches, in ``unit``) and ``change``.
    suggestions : list of str
        The relaxation in words, one line per rule.
    """

    data: Dataset = field(repr=False)
    policy: Policy = field(repr=False)
    relaxations: pd.DataFrame
    suggestions: list[str]
    options: SolveOptions = field(default_factory=SolveOptions, repr=False)
    weights: Mapping[Any, float] = field(default_factory=dict, repr=False)

    @cached_property
    def _lp(self) -> LinearProgram:
        return _constraint_lp(self.data, self.policy)

    @cached_property
    def conflicts(self) -> pd.DataFrame:
        """A minimal set of rows that cannot hold together (an irreducible infeasible set).

        Columns ``rule``, ``constraint``, ``family``, ``label``, ``side`` and ``bound``.
        Computed on first access (one feasibility solve per rule, then per row of the rules
        that remain); rules with more than :data:`MAX_ROW_FILTER` rows keep all their rows.
        """
        lp = self._lp
        rules = _rules(lp)
        active = dict(rules)
        for r in list(active):  # deletion filter over rules
            trial = {k: v for k, v in active.items() if k != r}
            if not _feasible(lp, _rows_of(trial), self.options):
                active = trial
        for r in list(active):  # then over rows within each remaining rule
            rows = active[r]
            if len(rows) > MAX_ROW_FILTER or len(rows) == 1:
                continue
            kept = list(rows)
            for i in rows:
                trial_rows = [j for j in kept if j != i]
                trial = {**active, r: np.array(trial_rows, dtype=np.int64)}
                if not _feasible(lp, _rows_of(trial), self.options):
                    kept = trial_rows
            active[r] = np.array(kept, dtype=np.int64)
        rows = _rows_of(active)
        return _row_table(lp, self.policy, rows)

    @cached_property
    def alternatives(self) -> pd.DataFrame:
        """Rules that could restore feasibility on their own, with the relaxation each needs.

        The elastic program is solved once per rule with only that rule's rows relaxed; a
        rule whose relaxation cannot help is left out. Same columns as :attr:`relaxations`.
        """
        lp = self._lp
        frames = []
        for rows in _rules(lp).values():
            try:
                frames.append(_elastic(self.data, self.policy, lp, rows, self.options,
                                       self.weights))
            except InfeasibleError:
                continue
        if not frames:
            return self.relaxations.iloc[0:0]
        return pd.concat(frames, ignore_index=True)

    def relaxed_policy(self, rule: int | None = None) -> Policy:
        """The policy with the suggested relaxation applied.

        Parameters
        ----------
        rule : int, optional
            Apply the single-rule alternative for this rule (see :attr:`alternatives`)
            instead of the combined relaxation.

        Raises
        ------
        PolicyError
            If ``rule`` is not one of the alternatives.

        Notes
        -----
        Rules can be tied: a floor given as a share of the budget rises when the budget is
        raised. The relaxed policy is therefore diagnosed again and what is still short is
        relaxed too, for up to five rounds, so the policy returned is always feasible.
        """
        diagnosis: Diagnosis | None = self
        policy = self.policy
        for _ in range(_ROUNDS):
            assert diagnosis is not None
            table = diagnosis.relaxations
            if rule is not None:
                table = diagnosis.alternatives[diagnosis.alternatives["rule"] == rule]
                if table.empty:
                    raise PolicyError(
                        f"rule {rule} alone cannot make the policy feasible; alternatives: "
                        f"{sorted(set(diagnosis.alternatives['rule']))}")
            policy = _apply(policy, diagnosis._lp, table)
            # a rule tied to another moves with it (floors as a share of the budget rise
            # with a raised total): check, and relax again what is still short
            diagnosis = diagnose(self.data, policy, self.options, weights=self.weights)
            if diagnosis is None:
                return policy
        raise PolicyError(f"no feasible relaxation found in {_ROUNDS} rounds; relax the rules "
                          "in Diagnosis.conflicts by hand")

    def summary(self) -> str:
        """The diagnosis as text (relaxation, then the conflicting rules)."""
        lines = ["The policy cannot be met. Smallest relaxation found:"]
        lines += [f"  - {s}" for s in self.suggestions] or ["  (none)"]
        conflicts = self.conflicts
        if len(conflicts):
            lines.append("These rules cannot hold together, given the data's capacities "
                         "(relax or drop any one of them):")
            for constraint, group in conflicts.groupby("constraint", sort=False):
                labels = ", ".join(map(str, group["label"].head(6)))
                more = f" and {len(group) - 6} more" if len(group) > 6 else ""
                lines.append(f"  - {constraint}: {labels}{more}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def diagnose(
    data: Dataset,
    policy: Policy,
    solver: str | SolveOptions = "highs",
    *,
    weights: Mapping[Any, float] | None = None,
    **solve_options: Any,
) -> Diagnosis | None:
    """Explain why ``policy`` cannot be met on ``data``; ``None`` if it can.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    weights : mapping, optional
        How reluctant to relax each rule, by family (``{"budget": 10}`` makes the budget ten
        times dearer to relax) or by position (0 the budget, k the k-th constraint).
        Default 1 for every rule.
    solver : str or SolveOptions, default "highs"
        As for :func:`ikmopt.optimize`.
    **solve_options
        Fields of :class:`~ikmopt.solving.options.SolveOptions` (``time_limit`` per solve,
        ``algorithm``, ``threads``, ``verbose``).

    Returns
    -------
    Diagnosis or None

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load()
    >>> impossible = ik.Policy(ik.Budget(total=2500, spend_all=True),
    ...                        [ik.GroupShare("kti", min=0.6)])
    >>> d = ik.diagnose(data, impossible)
    >>> d.suggestions
    ['lower GroupShare(kti) min 60% from 0.6 to 0.5657']
    >>> d.alternatives[["constraint", "bound", "relaxed"]].round(4)
                        constraint   bound    relaxed
    0  Budget(total = Rp 2,500 bn)  2500.0  2357.2374
    1      GroupShare(kti) min 60%     0.6     0.5657
    >>> str(ik.optimize(data, d.relaxed_policy()).status)
    'optimal'
    """
    options = SolveOptions.of(solver, **solve_options)
    lp = _constraint_lp(data, policy)
    if _feasible(lp, np.flatnonzero(_relaxable(lp)), options):
        return None
    weights = dict(weights or {})
    table = _elastic(data, policy, lp, np.flatnonzero(_relaxable(lp)), options, weights)
    return Diagnosis(data, policy, table, _suggest(table), options, weights)


def attach(err: InfeasibleError, data: Dataset, policy: Policy,
           options: SolveOptions) -> InfeasibleError:
    """``err`` with its diagnosis (and the relaxation in its message); unchanged on failure."""
    try:
        diagnosis = diagnose(data, policy, options)
    except Exception:
        return err
    if diagnosis is None:
        return err
    message = f"{err}\nSmallest relaxation: " + "; ".join(diagnosis.suggestions)
    out = InfeasibleError(message, diagnosis)
    return out


# ---------------------------------------------------------------------- internals
def _constraint_lp(data: Dataset, policy: Policy) -> LinearProgram:
    """The policy's rows without an objective (feasibility is all that matters here)."""
    lp = build(data, policy)
    return lp.with_cost(np.zeros(lp.n_cols))


def _relaxable(lp: LinearProgram) -> np.ndarray:
    return (lp.rows["kind"] != "definition").to_numpy().copy()


def _rules(lp: LinearProgram) -> dict[int, np.ndarray]:
    """Relaxable rows grouped by rule position, in policy order (objective rows last)."""
    rows = np.flatnonzero(_relaxable(lp))
    owner = lp.rows["constraint"].to_numpy()[rows]
    order = sorted(set(owner.tolist()), key=lambda r: (r < 0, r))
    return {r: rows[owner == r] for r in order}


def _rows_of(rules: Mapping[int, np.ndarray]) -> np.ndarray:
    parts = [np.asarray(v, dtype=np.int64) for v in rules.values()]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _feasible(lp: LinearProgram, keep: np.ndarray, options: SolveOptions) -> bool:
    """Whether the program is feasible with only the ``keep`` policy rows.

    Definition rows, column bounds and integrality always hold.
    """
    drop = _relaxable(lp)
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


def _elastic(data: Dataset, policy: Policy, lp: LinearProgram, rows: np.ndarray,
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
    return _row_table(lp, policy, candidates[hit], sides=list(sides[hit]), x=x)


def _row_table(lp: LinearProgram, policy: Policy, rows: np.ndarray,
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
        "unit": [_RATIO_UNITS.get(k) or _UNITS.get(f, str(lab).split()[0] if f == "target"
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
    if unit in _RATIO_UNITS.values():
        return f"{value:.4g}"
    number = f"{value:,.1f}" if abs(value) >= 100 else f"{value:.4g}"
    return number + (f" {unit}" if unit else "")


def _suggest(table: pd.DataFrame) -> list[str]:
    """One line per rule: what to lower or raise, from what to what."""
    lines = []
    for _, group in table.groupby("rule", sort=False):
        first = group.iloc[0]
        verb = "lower" if first["side"] == "min" else "raise"
        unit = first["unit"]
        if len(group) == 1:
            relaxed = _outward(first["relaxed"], first["side"], unit)
            if first["family"] == "budget" and first["label"] == "total" \
                    and first["side"] == "max":
                lines.append(f"raise Budget total from {_fmt(first['bound'], unit)} to "
                             f"{_fmt(relaxed, unit)} "
                             f"(+{_fmt(relaxed - first['bound'], unit).removeprefix('Rp ')})")
                continue
            plain = unit in _RATIO_UNITS.values() or first["label"] in ("total", first["unit"])
            where = "" if plain else f" for {first['label']}"
            lines.append(f"{verb} {first['constraint']}{where} from "
                         f"{_fmt(first['bound'], unit)} to {_fmt(relaxed, unit)}")
            continue
        worst = group.iloc[int(np.argmax(np.abs(group["change"].to_numpy())))]
        lines.append(
            f"{verb} {first['constraint']} for {len(group)} {first['side']} rows, by "
            f"{_fmt(float(np.abs(group['change']).sum()), unit)} in all; most for "
            f"{worst['label']}: from {_fmt(worst['bound'], unit)} to "
            f"{_fmt(_outward(worst['relaxed'], worst['side'], unit), unit)}")
    return lines


def _outward(value: float, side: str, unit: str) -> float:
    """``value`` rounded so the bound only loosens (down for a min, up for a max)."""
    step = 1e-4 if unit in _RATIO_UNITS.values() else 1e-1
    return (math.floor(value / step) if side == "min" else math.ceil(value / step)) * step


def _apply(policy: Policy, lp: LinearProgram, table: pd.DataFrame) -> Policy:
    """``policy`` with the table's relaxations applied.

    A number changes where the rule has one (budget total and limits, share min/max, a
    national target); otherwise the rule's rows are loosened (:class:`Relaxed`).
    """
    budget = policy.budget
    constraints = list(policy.constraints)
    for rule, group in table.groupby("rule", sort=False):
        rule = int(rule)
        if rule < 0:
            raise PolicyError("the objective's own rows (MinCost targets) are over-demanding; "
                              "lower its targets: " + "; ".join(_suggest(group)))
        original = budget if rule == 0 else constraints[rule - 1]
        new = _relax_rule(original, group, lp, rule)
        if rule == 0:
            budget = new  # type: ignore[assignment]
        else:
            constraints[rule - 1] = new
    return policy.replace(budget=budget, constraints=constraints)


def _relax_budget(rule: Budget, group: pd.DataFrame) -> Budget:
    """The budget with its total or by-group limits moved to what the relaxed plan needs."""
    keys = [("total", None)] if rule.total is not None else []
    keys += [(level, key) for level, limits in (rule.by or {}).items() for key in limits]
    total, by = rule.total, {level: dict(limits) for level, limits in (rule.by or {}).items()}
    for row in group.itertuples():
        level, key = keys[int(row.position)]
        # spend_all makes the total an equality: move it to the amount the plan can spend
        value = (float(row.relaxed) if row.side == "min"
                 else _outward(row.relaxed, row.side, row.unit))
        if level == "total":
            total = value
        else:
            by[level][key] = value
    return replace(rule, total=total, by=by or None)


def _relax_rule(rule: Constraint, group: pd.DataFrame, lp: LinearProgram, position: int
                ) -> Constraint:
    loosened = {row.position: _outward(row.relaxed, row.side, row.unit)
                for row in group.itertuples()}
    sides = dict(zip(group["position"], group["side"], strict=True))
    if isinstance(rule, Budget):
        return _relax_budget(rule, group)
    if isinstance(rule, Share) and len(group) == 1:
        key = "min" if group["side"].iloc[0] == "min" else "max"
        return replace(rule, **{key: min(max(next(iter(loosened.values())), 0.0), 1.0)})
    if isinstance(rule, Target) and rule.by is None and len(group) == 1:
        key = "min" if group["side"].iloc[0] == "min" else "max"
        return replace(rule, **{key: next(iter(loosened.values()))})
    if isinstance(rule, GiniCap):  # one ratio row per rule: its number is the cap
        return replace(rule, max=min(max(loosened.values()), 1.0))
    if isinstance(rule, OutcomeEquity):  # ratio rows sharing one number, the ratio
        return replace(rule, min_ratio=max(min(loosened.values()), 0.0))
    rows = np.flatnonzero(lp.rows["constraint"].to_numpy() == position)
    bounds = []
    for k, value in loosened.items():
        lo, hi = lp.row_lower[rows[k]], lp.row_upper[rows[k]]
        if sides[k] == "min":
            lo = min(lo, value)
        else:
            hi = max(hi, value)
        bounds.append((int(k), float(lo), float(hi)))
    if isinstance(rule, Share):
        raise PolicyError(f"cannot relax {rule.describe()} row by row")
    return Relaxed(rule, tuple(bounds))
