"""What optimizing is worth: the optimum of a policy next to the rules of thumb.

:func:`value_of_optimization` puts the rules next to the optimum of a policy: spend,
outcomes, Gini of per-capita spend and outcomes, the policy's objective evaluated on each
rule, the optimum's gain over each rule and whether each rule satisfies each constraint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.analysis.baselines.checks import objective_value, satisfies
from ikmopt.analysis.baselines.dak import dak_index
from ikmopt.analysis.baselines.filling import capacity, check_dataset
from ikmopt.analysis.baselines.proportional import (
    equal,
    ikm_units,
    last_year,
    population,
    poverty_weighted,
)
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.model.objectives import Maximize, PovertyWeighted, Weighted
from ikmopt.model.policy import Policy
from ikmopt.solving.evaluate import evaluate
from ikmopt.solving.optimize import VERIFY_TOL, optimize
from ikmopt.solving.options import SolveOptions

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["CAPACITY_CHECK", "RULES", "ValueOfOptimization", "value_of_optimization"]

#: Name of the check that no cell is above its capacity, in ``ValueOfOptimization.checks``.
CAPACITY_CHECK = "capacity of every cell"

#: The rules :func:`value_of_optimization` compares by default (``last_year`` needs data).
RULES: dict[str, Callable[..., pd.Series]] = {
    "equal": equal,
    "population": population,
    "ikm_units": ikm_units,
    "poverty_weighted": poverty_weighted,
    "dak_index": dak_index,
}


@dataclass(frozen=True, eq=False)
class ValueOfOptimization:
    """The optimum of a policy next to the rules of thumb.

    Created by :func:`value_of_optimization`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per plan (``"optimized"`` first, then each rule), columns: ``plan``,
        ``spend`` (Rp bn), one column per metric, ``gini_spend`` and ``gini_<metric>``
        (population-weighted Gini of per-capita spend and outcomes across regions),
        ``objective`` (the policy's objective on the plan; NaN for every plan when the
        objective has no value comparable across plans, see
        :func:`value_of_optimization`), ``gain_pct`` (the optimum's objective over the
        plan's, in percent above it), ``gain_<metric>_pct`` (the same for each metric),
        ``satisfies_policy`` and ``violated`` (the rules the plan breaks, separated by
        ``"; "``).
        ``table.attrs`` holds ``objective`` (its description) and ``budget``.
    allocations : dict
        Plan name -> spend per cell (Rp bn).
    checks : pandas.DataFrame
        Plan x rule: whether the plan satisfies it. Columns: ``"capacity of every cell"``
        (no cell above its capacity, relative tolerance 1e-6), the budget, then each
        constraint (labelled by their ``describe()``).
    result : Result
        The optimized plan.
    """

    table: pd.DataFrame
    allocations: dict[str, pd.Series]
    checks: pd.DataFrame
    result: Result

    def plot(self, metric: str | None = None, ax: Any = None) -> Any:
        """Bar chart of ``metric`` (default ``jobs``, else the first metric) per plan.

        Parameters
        ----------
        metric : str, optional
            A metric column of :attr:`table` (or ``"objective"``).
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure otherwise.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from ikmopt.plot import value_of_optimization  # face hook (listed in the import contract)

        return value_of_optimization(self, metric, ax=ax)

    def __str__(self) -> str:
        metrics = list(self.result.data.metrics)
        columns = ["spend", *metrics, "gini_spend", *(f"gini_{m}" for m in metrics[:1]),
                   "objective", "gain_pct", "satisfies_policy"]
        frame = self.table.set_index("plan")[columns]

        def fmt(spec: str) -> Callable[[float], str]:
            return lambda v: format(v, spec) if np.isfinite(v) else "-"

        formats = {c: fmt(".3f") for c in columns if c.startswith("gini_")}
        formats.update({c: fmt(",.1f") for c in ["spend", *metrics, "gain_pct"]})
        formats["objective"] = lambda v: (
            "-" if not np.isfinite(v) else f"{v:,.1f}" if abs(v) >= 100 else f"{v:#.4g}")
        lines = [
            f"Value of optimization: {self.table.attrs.get('objective', '')}; budget Rp "
            f"{self.table.attrs.get('budget', np.nan):,.0f} bn",
            frame.to_string(formatters=formats, na_rep="-"),  # type: ignore[arg-type]
        ]
        broken = self.table[~self.table["satisfies_policy"]]
        for plan, violated in zip(broken["plan"], broken["violated"], strict=True):
            lines.append(f"  {plan} breaks: {violated}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<ikmopt.ValueOfOptimization: optimized and {len(self.table) - 1} rule(s); "
                f"{self.table.attrs.get('objective', '')}>")


def value_of_optimization(
    data: Dataset,
    policy: Policy,
    *,
    rules: Sequence[str] | Mapping[str, Callable[..., pd.Series] | pd.Series] | None = None,
    last_year: pd.Series | pd.DataFrame | None = None,
    solver: str | SolveOptions = "highs",
    **solve_options: Any,
) -> ValueOfOptimization:
    """What optimizing is worth: the optimum of ``policy`` next to rules of thumb.

    The policy is solved with :func:`ikmopt.optimize`; every rule allocates the policy's
    budget total (and ignores its other rules). Each plan is measured with
    :func:`ikmopt.evaluate` and checked against every rule of the policy.

    Parameters
    ----------
    data : Dataset
    policy : Policy
        Must have a budget ``total``.
    rules : sequence of str or mapping, optional
        Rule names from :data:`RULES` (and ``"last_year"``), or a mapping ``{name: rule}``
        where a rule is a callable ``rule(data, budget) -> Series`` or a ready allocation
        (a Series over cells). Default: every rule of :data:`RULES`.
    last_year : pandas.Series or pandas.DataFrame, optional
        Last year's allocation for the ``last_year`` rule (see :func:`last_year`); when
        given, that rule is compared too (after the others unless ``rules`` places it).
    solver : str or SolveOptions, default "highs"
        As for :func:`ikmopt.optimize`, as are ``**solve_options``.
        As for :func:`ikmopt.optimize`; also used for the constraint checks.

    Returns
    -------
    ValueOfOptimization
        ``table``, ``allocations``, ``checks``, ``result``, ``plot()``.

    Raises
    ------
    PolicyError
        If the policy has no budget total, a rule name is unknown or repeated, or
        ``"last_year"`` is asked for without ``last_year=``; and whatever a rule raises.
    SolverError
        If the policy cannot be solved (e.g. :class:`~ikmopt.InfeasibleError`).

    Notes
    -----
    The objective is evaluated on a rule's allocation for :class:`~ikmopt.Maximize`,
    :class:`~ikmopt.Weighted` (normalized by the optimum's single-metric optima, so the
    numbers are comparable with ``result.objective``) and
    :class:`~ikmopt.PovertyWeighted`, with the policy's accrual. Other objectives (solved
    in stages, or minimizing) have no single value comparable across plans: ``objective``
    and ``gain_pct`` are NaN for every plan, the optimum included (``result.objective``
    still holds the solver's value), and ``gain_<metric>_pct`` remain. A rule that
    satisfies the policy is a feasible plan, so the optimum's gain over it is >= 0; a rule
    that breaks a rule of the policy may score higher than the optimum (its ``violated``
    column says why).

    Capacities are checked directly (a ready allocation given in ``rules`` may exceed
    them; a rule never does). Whether a plan satisfies a policy rule is decided by the
    linear program itself: the rule's rows (with the rows that define total spend and
    curve segments) are built with :func:`ikmopt.model.build.build`, the cells are fixed at the
    plan's spend (projects at not built) and a zero-objective program is solved: feasible
    means satisfied. Rows that an objective adds (the targets of ``MinCost`` and
    ``GoalProgram``) are not checked.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import rules
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.Policy(budget=ik.Budget(total=971), objective=ik.Maximize("jobs"))
    >>> value = rules.value_of_optimization(data, policy, rules=["equal", "population"])
    >>> value.table["plan"].tolist()
    ['optimized', 'equal', 'population']
    >>> bool((value.table["gain_pct"].iloc[1:] > 0).all())
    True
    """
    check_dataset("value_of_optimization", data)
    if not isinstance(policy, Policy):
        raise PolicyError(f"value_of_optimization: needs an ik.Policy, got "
                          f"{type(policy).__name__}")
    if policy.budget.total is None:
        raise PolicyError("value_of_optimization: the policy's Budget has no total; the rules "
                          "need a total to allocate")
    total = float(policy.budget.total)
    makers = _rule_makers(rules, last_year)
    options = SolveOptions.of(solver, **solve_options)
    result = optimize(data, policy, options)

    allocations = _allocations(data, total, makers, result)
    projects = [] if data.projects is not None else None
    names = _unique([CAPACITY_CHECK, policy.budget.describe(),
                     *(c.describe() for c in policy.constraints)])
    room = capacity(data)
    checks = {}
    rows = []
    # objectives solved in stages, or with extra columns, have no value on a rule's plan
    valued = isinstance(policy.objective, Maximize | Weighted | PovertyWeighted)
    opt_objective = result.objective if valued else float("nan")
    for name, allocation in allocations.items():
        if name == "optimized":
            measured: Any = result
            objective = opt_objective
            checks[name] = dict.fromkeys(names, True)  # verified by optimize
        else:
            measured = evaluate(data, allocation, accrual=policy.accrual, projects=projects)
            spend = measured.allocation.to_numpy()
            objective = objective_value(data, policy, result, spend)
            within = bool((spend <= room + VERIFY_TOL * (1.0 + room)).all())
            checks[name] = dict(zip(names, [within, *satisfies(data, policy, spend, options)],
                                    strict=True))
        rows.append(_row(name, measured, result, objective, opt_objective, checks[name]))
    table = pd.DataFrame(rows)
    table.attrs["objective"] = policy.objective.describe()
    table.attrs["budget"] = total
    check_table = pd.DataFrame.from_dict(checks, orient="index")[names]
    check_table.index.name = "plan"
    return ValueOfOptimization(table, allocations, check_table, result)


def _allocations(data: Dataset, total: float, makers: Mapping[str, Any],
                 result: Result) -> dict[str, pd.Series]:
    """The optimum's allocation, then each rule's allocation of ``total``."""
    allocations: dict[str, pd.Series] = {"optimized": result.allocation}
    for name, rule in makers.items():
        made = rule if isinstance(rule, pd.Series) else rule(data, total)
        if not isinstance(made, pd.Series):
            raise PolicyError(f"value_of_optimization: rule '{name}' returned "
                              f"{type(made).__name__}, not a Series of spend over cells")
        allocations[name] = made
    return allocations


def _row(name: str, measured: Any, result: Result, objective: float, opt_objective: float,
         checks: Mapping[str, bool]) -> dict[str, Any]:
    """One row of :attr:`ValueOfOptimization.table`: a plan's outcomes, Gini, gains, rules."""
    metrics = result.data.metrics
    outcomes, equity = measured.outcomes, measured.equity
    row: dict[str, Any] = {"plan": name, "spend": outcomes["spend"]}
    row.update({m: outcomes[m] for m in metrics})
    row["gini_spend"] = equity.get(("spend", "gini"), np.nan)
    row.update({f"gini_{m}": equity.get((m, "gini"), np.nan) for m in metrics})
    row["objective"] = objective
    row["gain_pct"] = _gain(opt_objective, objective, result.sense)
    row.update({f"gain_{m}_pct": _gain(result.outcomes[m], outcomes[m], 1.0) for m in metrics})
    broken = [rule for rule, ok in checks.items() if not ok]
    row["satisfies_policy"] = not broken
    row["violated"] = "; ".join(broken)
    return row


def _rule_makers(
    rules: Sequence[str] | Mapping[str, Any] | None, last: pd.Series | pd.DataFrame | None
) -> dict[str, Any]:
    """``{name: callable or Series}`` from the ``rules`` argument."""
    if rules is None:
        rules = list(RULES)
    if isinstance(rules, str):
        rules = [rules]
    known = [*RULES, "last_year"]
    makers: dict[str, Any] = {}
    if isinstance(rules, Mapping):
        for name, rule in rules.items():
            if not (callable(rule) or isinstance(rule, pd.Series)):
                raise PolicyError(f"value_of_optimization: rules['{name}'] must be a callable "
                                  f"rule(data, budget) or a Series of spend, got "
                                  f"{type(rule).__name__}")
            makers[str(name)] = rule
    else:
        for name in rules:
            if name not in known:
                raise PolicyError(f"value_of_optimization: unknown rule {name!r}"
                                  f"{suggest(str(name), known)}; rules are {known}")
            if name in makers:
                raise PolicyError(f"value_of_optimization: rule '{name}' is listed twice")
            if name == "last_year":
                if last is None:
                    raise PolicyError("value_of_optimization: rule 'last_year' needs "
                                      "last_year= (last year's allocation)")
                makers[name] = partial(last_year, allocation=last)
            else:
                makers[name] = RULES[name]
    if last is not None and "last_year" not in makers:
        makers["last_year"] = partial(last_year, allocation=last)
    if "optimized" in makers:
        raise PolicyError("value_of_optimization: 'optimized' is the optimum's name; call the "
                          "rule something else")
    return makers


def _unique(labels: list[str]) -> list[str]:
    """Labels made unique by a ``#k`` suffix on repeats (two identical constraints)."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return out


def _gain(best: float, other: float, sense: float) -> float:
    """How much better ``best`` is than ``other``, in percent of ``|other|``."""
    if not (np.isfinite(best) and np.isfinite(other)) or other == 0:
        return float("nan")
    return float(sense * (best - other) / abs(other) * 100.0)
