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

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import InfeasibleError, PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import Budget, Constraint, GiniCap, OutcomeEquity, Share, Target
from ikmopt.model.lp import LinearProgram, RowBlock
from ikmopt.model.policy import Policy
from ikmopt.solving.elastic import (
    constraint_lp,
    elastic_relaxation,
    feasible,
    outward,
    relaxable,
    row_table,
    rows_of,
    rule_rows,
    suggest_relaxations,
)
from ikmopt.solving.options import SolveOptions

__all__ = ["Diagnosis", "Relaxed", "diagnose"]

#: Relax-and-check rounds of :meth:`Diagnosis.relaxed_policy`.
_ROUNDS = 5
#: Rules with more rows than this are not reduced row by row in the conflict set.
MAX_ROW_FILTER = 400


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
        return constraint_lp(self.data, self.policy)

    @cached_property
    def conflicts(self) -> pd.DataFrame:
        """A minimal set of rows that cannot hold together (an irreducible infeasible set).

        Columns ``rule``, ``constraint``, ``family``, ``label``, ``side`` and ``bound``.
        Computed on first access (one feasibility solve per rule, then per row of the rules
        that remain); rules with more than :data:`MAX_ROW_FILTER` rows keep all their rows.
        """
        lp = self._lp
        rules = rule_rows(lp)
        active = dict(rules)
        for r in list(active):  # deletion filter over rules
            trial = {k: v for k, v in active.items() if k != r}
            if not feasible(lp, rows_of(trial), self.options):
                active = trial
        for r in list(active):  # then over rows within each remaining rule
            rows = active[r]
            if len(rows) > MAX_ROW_FILTER or len(rows) == 1:
                continue
            kept = list(rows)
            for i in rows:
                trial_rows = [j for j in kept if j != i]
                trial = {**active, r: np.array(trial_rows, dtype=np.int64)}
                if not feasible(lp, rows_of(trial), self.options):
                    kept = trial_rows
            active[r] = np.array(kept, dtype=np.int64)
        rows = rows_of(active)
        return row_table(lp, self.policy, rows)

    @cached_property
    def alternatives(self) -> pd.DataFrame:
        """Rules that could restore feasibility on their own, with the relaxation each needs.

        The elastic program is solved once per rule with only that rule's rows relaxed; a
        rule whose relaxation cannot help is left out. Same columns as :attr:`relaxations`.
        """
        lp = self._lp
        frames = []
        for rows in rule_rows(lp).values():
            try:
                frames.append(elastic_relaxation(self.data, self.policy, lp, rows,
                                                 self.options, self.weights))
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
    >>> impossible = ik.Policy(ik.Budget(total=971, spend_all=True),
    ...                        [ik.GroupShare("kti", min=0.6)])
    >>> d = ik.diagnose(data, impossible)
    >>> d.suggestions
    ['lower GroupShare(kti) min 60% from 0.6 to 0.4788']
    >>> d.alternatives[["constraint", "bound", "relaxed"]].round(4)
                      constraint  bound   relaxed
    0  Budget(total = Rp 971 bn)  971.0  774.9511
    1    GroupShare(kti) min 60%    0.6    0.4789
    >>> str(ik.optimize(data, d.relaxed_policy()).status)
    'optimal'
    """
    options = SolveOptions.of(solver, **solve_options)
    lp = constraint_lp(data, policy)
    if feasible(lp, np.flatnonzero(relaxable(lp)), options):
        return None
    weights = dict(weights or {})
    table = elastic_relaxation(data, policy, lp, np.flatnonzero(relaxable(lp)), options, weights)
    return Diagnosis(data, policy, table, suggest_relaxations(table), options, weights)


def attach(err: InfeasibleError, data: Dataset, policy: Policy,
           options: SolveOptions) -> InfeasibleError:
    """``err`` with its diagnosis (and the relaxation in its message); unchanged on failure."""
    try:
        diagnosis = diagnose(data, policy, options)
    except Exception:
        return err
    if diagnosis is None:
        return err
    message = data.money.relabel(f"{err}\nSmallest relaxation: "
                                 + "; ".join(diagnosis.suggestions))
    out = InfeasibleError(message, diagnosis)
    return out


# ---------------------------------------------------------------------- applying a relaxation
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
                              "lower its targets: " + "; ".join(suggest_relaxations(group)))
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
                 else outward(row.relaxed, row.side, row.unit))
        if level == "total":
            total = value
        else:
            by[level][key] = value
    return replace(rule, total=total, by=by or None)


def _relax_rule(rule: Constraint, group: pd.DataFrame, lp: LinearProgram, position: int
                ) -> Constraint:
    loosened = {row.position: outward(row.relaxed, row.side, row.unit)
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
