r"""Sensitivity of a plan: how its optimum moves with the numbers of the policy, and ranging.

:func:`sensitivity` answers "what is one more Rp 1 bn of budget worth?" for every number the
user wrote (the budget total and its limits, floors and caps, share minimums and maximums,
Gini caps, equity ratios, targets) — including numbers on which several rows depend, such as
the budget total when floors are given as a share of it. By the envelope theorem, the
derivative of the optimal value ``V`` with respect to a number ``theta`` is

.. math::

    \frac{dV}{d\theta} = \sum_r y_r \Big(\frac{\partial b_r}{\partial \theta}
        - \frac{\partial a_r}{\partial \theta} x^*\Big)
        + \frac{\partial c}{\partial \theta} x^*

with ``y_r`` the shadow price of row ``r``'s active bound ``b_r``, ``a_r`` its coefficients
and ``c`` the cost. Every row the library builds is affine in each number, so the partial
derivatives are read exactly by building the program again with the number moved by ``h``
and dividing the change of each bound, coefficient and cost by ``h`` (no solve). Where the
optimum is degenerate the derivative is one-sided, as every shadow price is.

:func:`ranging` gives, as Excel Solver's sensitivity report does, the range of each binding
rule's bound over which its shadow price holds, and the range of each cell's objective
coefficient over which the plan stays optimal (HiGHS's ranging of the optimal basis).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ikmopt.core.errors import PolicyError
from ikmopt.model.build import build
from ikmopt.model.constraints import Constraint, Relation, Target
from ikmopt.model.lp import LinearProgram, unit_terms
from ikmopt.model.params import set_param
from ikmopt.solving.solvers import cost_scale
from ikmopt.solving.solvers.highs import ranging as highs_ranging

if TYPE_CHECKING:
    from ikmopt.model.policy import Policy
    from ikmopt.solving.result import Result

__all__ = [
    "Number",
    "Ranging",
    "budget_numbers_move",
    "derivative",
    "policy_numbers",
    "ranging",
    "sensitivity",
]

#: Reader's step of each unit of a number: (step, how the step is written).
STEPS = {"money": (1.0, "{money_one}"), "share": (0.01, "1 pp"), "gini": (0.01, "0.01 Gini"),
         "ratio": (0.01, "0.01 ratio"), "per_capita": (1.0, "Rp 1 per inhabitant"),
         "metric": (1.0, "1 {unit}"), "projects": (1.0, "1 project")}


@dataclass(frozen=True)
class Number:
    """One number of a policy as the user wrote it.

    Attributes
    ----------
    path : str
        Where it is (``budget.total``, ``constraints[1].min``, ``constraints[0].min["Aceh"]``),
        as :func:`ikmopt.model.params.set_param` reads it.
    rule : str
        The rule it belongs to, as written.
    value : float
    unit : str
        ``money``, ``share``, ``gini``, ``ratio``, ``per_capita``, ``metric`` or ``projects``.
    metric : str or None
        The metric of a ``metric`` number.
    """

    path: str
    rule: str
    value: float
    unit: str
    metric: str | None = None


def _key(key: Any) -> str | None:
    """A mapping key as a path step (``.name`` or ``["label"]``), None if it has no spelling."""
    if isinstance(key, bool) or not isinstance(key, str | int):
        return None
    text = str(key)
    if text.isidentifier():
        return f".{text}"
    if '"' not in text:
        return f'["{text}"]'
    return None if "'" in text else f"['{text}']"


def _rule_numbers(rule: Constraint, prefix: str) -> list[Number]:
    """Every number field of a constraint (mappings give one number per key)."""
    out = []
    metric = getattr(rule, "metric", None) if isinstance(rule, Target | Relation) else None
    for field, unit in rule.number_units.items():
        value = getattr(rule, field, None)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, dict):
            nested = value.items()
            if field == "by":  # Budget.by: {level: {group: limit}}
                nested = [((level, k), v) for level, limits in value.items()
                          for k, v in limits.items()]
            for key, v in nested:
                steps = [_key(k) for k in (key if isinstance(key, tuple) else (key,))]
                if None in steps:
                    continue
                out.append(Number(f"{prefix}.{field}" + "".join(steps), rule.describe(),
                                  float(v), unit, metric))
        else:
            out.append(Number(f"{prefix}.{field}", rule.describe(), float(value), unit, metric))
    return out


def policy_numbers(policy: Policy) -> list[Number]:
    """Every number of ``policy`` that :func:`sensitivity` differentiates by.

    The budget's total, limits and pot ceilings, each constraint's bounds (``min``, ``max``,
    shares, per capita, Gini caps, equity ratios, ramp limits) and the targets of a ``MinCost`` or
    ``GoalProgram`` objective. Objective weights and tolerances are not numbers of the
    feasible set and are left out.
    """
    numbers = _rule_numbers(policy.budget, "budget")
    numbers += [Number(f"budget.pots[{i}].ceiling", f"pot {pot.name}", pot.ceiling, "money",
                       None) for i, pot in enumerate(policy.budget.pots or ())]
    for i, rule in enumerate(policy.constraints):
        numbers += _rule_numbers(rule, f"constraints[{i}]")
    targets = getattr(policy.objective, "targets", ())
    for i, target in enumerate(targets):
        if isinstance(target, Target):
            numbers += _rule_numbers(target, f"objective.targets[{i}]")
    return numbers


def budget_numbers_move(policy: Policy) -> bool:
    """Whether any rule's rows move with the budget total (bounds as shares of it)."""
    return policy.budget.total is not None and any(
        getattr(rule, key, None) is not None
        for rule in policy.constraints for key in ("min_share", "max_share"))


def _require_duals(result: Result, what: str) -> None:
    if result.lp.is_mip:
        raise PolicyError(
            f"{what} is not offered for this plan: it has discrete projects (a MIP), whose "
            "duals are not defined; compare re-solves instead, e.g. ik.sweep(data, policy, "
            "'budget.total', [...])")
    dual = result.solution.row_dual
    if dual is None or not np.isfinite(dual).all():
        raise PolicyError(f"{what} needs an optimal LP solution with duals; this plan's status "
                          f"is {result.status}")


def _rebuild(result: Result, policy: Policy) -> LinearProgram:
    with warnings.catch_warnings():  # the same program, already checked once
        warnings.simplefilter("ignore")
        return build(result.data, policy, optima=result.optima or None,
                     objective=_stage_of(result, policy), fixed=result.fixed)


def _stage_of(result: Result, policy: Policy) -> Any:
    """The solved stage, taken from ``policy`` when the stage is the policy's objective."""
    return policy.objective if result.stage is result.policy.objective else result.stage


def _same_structure(a: LinearProgram, b: LinearProgram) -> bool:
    return (a.A.shape == b.A.shape and a.n_cols == b.n_cols
            and np.array_equal(a.rows["label"].to_numpy(), b.rows["label"].to_numpy()))


def _bound_change(dual: np.ndarray, old_lo: np.ndarray, old_hi: np.ndarray,
                  new_lo: np.ndarray, new_hi: np.ndarray) -> np.ndarray:
    """``dual * (change of the active bound)``: the upper for a positive dual, else lower."""
    with np.errstate(invalid="ignore"):
        d_hi = np.where(np.isfinite(old_hi) & np.isfinite(new_hi), new_hi - old_hi, 0.0)
        d_lo = np.where(np.isfinite(old_lo) & np.isfinite(new_lo), new_lo - old_lo, 0.0)
    return dual * np.where(dual > 0, d_hi, np.where(dual < 0, d_lo, 0.0))


def derivative(result: Result, number: Number) -> float:
    """``d objective / d number`` at ``result``'s optimum (NaN when the structure changes).

    The objective is the result's own (``result.objective``: jobs, a normalized score with
    its normalizing optima held fixed, or a cost), of its last stage.
    """
    base, sol = result.lp, result.solution
    for h in _steps(number.value):
        try:
            moved = set_param(result.policy, number.path, number.value + h)
        except PolicyError:
            continue
        lp = _rebuild(result, moved)
        if not _same_structure(base, lp):
            return float("nan")
        x = sol.x
        change = float(_bound_change(sol.row_dual, base.row_lower, base.row_upper,
                                     lp.row_lower, lp.row_upper).sum())
        change -= float(sol.row_dual @ ((lp.A - base.A) @ x))
        if sol.col_dual is not None:
            change += float(_bound_change(sol.col_dual, base.col_lower, base.col_upper,
                                          lp.col_lower, lp.col_upper).sum())
        change += float((lp.cost - base.cost) @ x) + lp.objective_offset - base.objective_offset
        return result.sense * change / h
    return float("nan")


def _steps(value: float) -> tuple[float, float]:
    """A forward and a backward step (every row is affine in the number: any step is exact)."""
    h = 1e-3 * max(1.0, abs(value))
    return h, -h


def _step_text(number: Number, result: Result) -> tuple[str, float, str]:
    """(unit, step, the step in words) of a number."""
    money = result.data.money_unit
    units = {"money": money, "share": "share", "gini": "Gini", "ratio": "ratio",
             "per_capita": result.data.money.per_inhabitant, "projects": "projects",
             "metric": result.data.metric_units.get(number.metric or "", number.metric or "")}
    step, text = STEPS[number.unit]
    one = result.data.money.per_one
    return units[number.unit], step, result.data.money.relabel(
        text.format(money_one=one, unit=units["metric"]))


def sensitivity(result: Result) -> pd.DataFrame:
    """The derivative of the optimum with respect to every number of the policy.

    Parameters
    ----------
    result : Result
        An optimal LP plan (HiGHS or CBC); for a staged objective, its last stage (earlier
        stages held at their optima); for a normalized ``Weighted`` objective, with the
        normalizing optima held fixed.

    Returns
    -------
    pandas.DataFrame
        One row per number (see :func:`policy_numbers`): ``path``, ``rule``, ``value``,
        ``unit``, ``derivative`` (objective change per unit of the number), ``per_step``
        (the same per the reader's step: per Rp 1 bn, per percentage point of a share, per
        0.01 of a Gini cap) and ``step``. ``NaN`` where moving the number changes which rows
        exist.

    Raises
    ------
    PolicyError
        For a plan with discrete projects (a MIP: no duals) or without an optimal basis.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> policy = ik.Policy(ik.Budget(total=2500), [ik.RegionBounds(min_share=0.0025)])
    >>> table = ik.optimize(data, policy).sensitivity()
    >>> list(table["path"])
    ['budget.total', 'constraints[0].min_share']
    """
    _require_duals(result, "sensitivity()")
    records = []
    for number in policy_numbers(result.policy):
        unit, step, text = _step_text(number, result)
        value = derivative(result, number)
        records.append({"path": number.path, "rule": result.data.money.relabel(number.rule),
                        "value": number.value,
                        "unit": unit, "derivative": value, "per_step": value * step,
                        "step": text})
    return pd.DataFrame(records, columns=["path", "rule", "value", "unit", "derivative",
                                          "per_step", "step"])


# ---------------------------------------------------------------------- ranging
@dataclass(frozen=True)
class Ranging:
    """Ranges over which a plan's prices and the plan itself hold.

    Attributes
    ----------
    rules : pandas.DataFrame
        One row per policy row (as in :attr:`Result.constraints`): ``bound`` (the bound
        that binds, or the nearest one), ``lower_end``/``upper_end`` (the range of that
        bound over which the row's shadow price stays the same),
        ``allowable_decrease``/``allowable_increase`` and ``shadow_price``. Rows whose
        number sits inside the matrix (shares, Gini caps, equity ratios) have ``NaN``
        ranges: their basis changes with the number itself; use :meth:`Result.sensitivity`
        for their derivative.
    cells : pandas.DataFrame
        One row per cell: ``spend``, ``coefficient`` (the cell's objective coefficient per
        Rp bn; on a curve, of its first segment: moving it scales every segment),
        ``lower_end``/``upper_end`` and ``allowable_decrease``/``allowable_increase`` (the
        range of that coefficient over which the plan stays optimal).
    """

    rules: pd.DataFrame
    cells: pd.DataFrame


def _with_outcome_columns(lp: LinearProgram) -> tuple[LinearProgram, np.ndarray, np.ndarray]:
    """``lp`` with the cost of each curved cell moved onto one column ``o_c`` of its outcome.

    ``o_c - sum_k f_k y_ck = 0``: the cell's coefficient is then the cost of ``o_c`` alone,
    so HiGHS's cost ranging of ``o_c`` is the range of the coefficient. Returns the program,
    the column carrying each cell's coefficient and the coefficient.
    """
    n = lp.n_cells
    unit, col, factor = unit_terms(lp.meta, n)
    cell = unit < n
    unit, col, factor = unit[cell], col[cell], factor[cell]
    carrier = np.arange(n)
    coefficient = lp.cost[:n].copy()
    curved = col != unit  # segment columns
    cells = np.unique(unit[curved & (lp.cost[col] != 0)])
    if not len(cells):
        return lp, carrier, coefficient
    terms = np.flatnonzero(curved & np.isin(unit, cells))
    order = terms[np.lexsort((factor[terms] * -1, unit[terms]))]
    lead = order[np.r_[True, unit[order][1:] != unit[order][:-1]]]
    kappa = np.zeros(n)
    kappa[unit[lead]] = lp.cost[col[lead]] / factor[lead]
    k = len(cells)
    position = np.full(n, -1)
    position[cells] = np.arange(k)
    o = lp.n_cols + np.arange(k)
    rows = np.concatenate([np.arange(k), position[unit[terms]]])
    cols = np.concatenate([o, col[terms]])
    vals = np.concatenate([np.ones(k), -factor[terms]])
    block = sp.csr_matrix((vals, (rows, cols)), shape=(k, lp.n_cols + k))
    cost = np.concatenate([lp.cost, kappa[cells]])
    cost[col[terms]] = 0.0

    augmented = replace(
        lp, A=sp.vstack([sp.hstack([lp.A, sp.csr_matrix((lp.n_rows, k))]), block],
                        format="csr"),
        row_lower=np.concatenate([lp.row_lower, np.zeros(k)]),
        row_upper=np.concatenate([lp.row_upper, np.zeros(k)]),
        col_lower=np.concatenate([lp.col_lower, np.full(k, -np.inf)]),
        col_upper=np.concatenate([lp.col_upper, np.full(k, np.inf)]),
        cost=cost, per=None, integrality=None,
        aux=pd.concat([lp.aux, pd.DataFrame({"family": "outcome", "label": [""] * k})],
                      ignore_index=True),
        rows=pd.concat([lp.rows, lp.rows.iloc[:0].reindex(range(k))], ignore_index=True),
    )
    carrier[cells] = o
    coefficient[cells] = kappa[cells]
    return augmented, carrier, coefficient


def ranging(result: Result) -> Ranging:
    """Ranges of the binding rules' bounds and of the cells' objective coefficients.

    Scope: LP plans solved on the HiGHS path (``solver="highs"``); for a staged objective,
    its last stage. Rows whose number is a ratio inside the matrix (shares, Gini caps,
    equity ratios) get ``NaN`` ranges (see :class:`Ranging`).

    Raises
    ------
    PolicyError
        For a plan with discrete projects (a MIP), a plan solved with CBC or through PuLP
        (ranging is HiGHS's), or a plan without an optimal basis.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> r = ik.optimize(data, ik.Policy(ik.Budget(total=2500), objective=ik.Maximize("jobs")))
    >>> rules = r.ranging().rules.set_index("label")
    >>> bool(rules.loc["total", "upper_end"] > 2500)
    True
    """
    _require_duals(result, "ranging()")
    if result.solver != "highs":
        raise PolicyError(f"ranging() is offered for plans solved with HiGHS (solver='highs');"
                          f" this plan was solved with {result.solver!r}, whose ranging "
                          "ikmopt does not read. Re-solve with solver='highs'")
    lp, carrier, coefficient = _with_outcome_columns(result.lp)
    scale = cost_scale(lp.cost)
    ranges = highs_ranging(lp.with_cost(lp.cost * scale))
    m = result.lp.n_rows
    return Ranging(_rule_ranges(result, ranges.row_lower_end[:m], ranges.row_upper_end[:m]),
                   _cell_ranges(result, coefficient, ranges.cost_lower_end[carrier] / scale,
                                ranges.cost_upper_end[carrier] / scale))


def _rule_ranges(result: Result, lower_end: np.ndarray, upper_end: np.ndarray
                 ) -> pd.DataFrame:
    lp, sol = result.lp, result.solution
    keep = (lp.rows["kind"] != "definition").to_numpy()
    activity = sol.row_activity
    to_lower = activity - lp.row_lower
    to_upper = lp.row_upper - activity
    binding = result.constraints["binding"].to_numpy()
    dual = sol.row_dual[keep]
    act, lo, hi = activity[keep], lp.row_lower[keep], lp.row_upper[keep]
    at_upper = np.where(dual != 0, dual > 0, to_upper[keep] <= to_lower[keep])
    bound = np.where(at_upper, hi, lo)
    start = np.where(binding, lower_end[keep], np.where(at_upper, act, -np.inf))
    end = np.where(binding, upper_end[keep], np.where(at_upper, np.inf, act))
    ratio = lp.ratio_rows()[keep]
    start[ratio] = end[ratio] = np.nan
    bound = np.where(ratio, lp.rows["param"].to_numpy()[keep], bound)
    table = result.constraints[["constraint", "family", "label", "unit"]].copy()
    table["bound"] = bound
    table["lower_end"] = start
    table["upper_end"] = end
    table["allowable_decrease"] = bound - start
    table["allowable_increase"] = end - bound
    table["shadow_price"] = result.constraints["shadow_price"].to_numpy()
    table["binding"] = binding
    return table


def _cell_ranges(result: Result, coefficient: np.ndarray, lower_end: np.ndarray,
                 upper_end: np.ndarray) -> pd.DataFrame:
    sense = result.sense
    coef = sense * coefficient
    lo, hi = (sense * lower_end, sense * upper_end) if sense > 0 else (sense * upper_end,
                                                                      sense * lower_end)
    return pd.DataFrame({"spend": result.allocation.to_numpy(), "coefficient": coef,
                         "lower_end": lo, "upper_end": hi, "allowable_decrease": coef - lo,
                         "allowable_increase": hi - coef}, index=result.data.cells)
