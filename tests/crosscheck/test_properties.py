"""Property tests on generated instances: validity, solver agreement and invariances.

Instances come from ``helpers.instances`` (2-6 regions x 1-4 programs with a budget,
region bounds, a KTI share, a program/channel share, a value-added target and a ``Maximize``
or ``Weighted`` objective), grown here to 2-8 regions and given more rules: a channel
budget, per-region floors and caps, per-capita bounds, island shares, a cap on the KTI share,
caps on island groups and outcome targets (national or by region). The shared generator has
no sectors or years, so neither has this one.

What is guaranteed, and so what is tested:

* every returned plan satisfies every rule (checked by ``policy_check``, which does not read
  the LP rows) and its objective is the value recomputed from the input tables;
* the PuLP/CBC path finds the same optimum and fails with the same exception type;
* expressing money in another unit rescales the plan and leaves outcomes alone;
* permuting the regions permutes the answer;
* a rule that the plan (and, for ``Weighted``, each normalizing plan) already satisfies changes
  nothing;
* the same input gives byte-identical output.

LP optima need not be unique, so plans are compared cell by cell only when the optimum is
certainly unique (``unique_optimum``: a dual nondegenerate optimal basis). Always, the
properties compare what every optimum shares: the objective value (and, for ``Weighted``, the
normalizing optima), and that the other plan is feasible and optimal for the original
instance. Hypothesis events (``--hypothesis-show-statistics``) count feasible, infeasible and
unique cases.
"""

from __future__ import annotations

import math
import tempfile
import warnings
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import ikmopt as ik
from helpers.instances import instances
from helpers.policy_check import assert_feasible, objective_value

Instance = tuple[ik.Dataset, ik.Policy]

#: Relative tolerance of objective comparisons (the contract between the two backends).
REL = 1e-6
#: Money scale of the unit-change property (Rp bn expressed as Rp million).
SCALE = 1000.0


def examples(n: int) -> settings:
    """Reproducible settings that write no example database into the repository."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------- instances
def _more_regions(data: ik.Dataset, k: int, rng: np.random.Generator) -> ik.Dataset:
    """``data`` with ``k`` more regions, drawn like those of ``helpers.instances``."""
    programs = data.programs.index
    new = pd.DataFrame(
        {
            "population": rng.integers(100_000, 5_000_000, k).astype(float),
            "kti": rng.random(k) < 0.5,
            "island": rng.choice(["west", "east", "north"], k),
        },
        index=pd.Index([f"X{i}" for i in range(k)], name="region"),
    )
    n = k * len(programs)
    cells = pd.MultiIndex.from_product([new.index, programs], names=["region", "program"])
    impacts = pd.DataFrame(
        {
            "jobs": np.round(rng.uniform(0, 20, n), 3),
            "value_added": np.round(rng.uniform(0, 5, n), 3),
            "capacity": np.round(rng.uniform(0, 50, n) * (rng.random(n) > 0.15), 2),
        },
        index=cells,
    )
    return ik.Dataset(pd.concat([data.regions, new]), data.programs,
                      pd.concat([data.impacts, impacts]))


@st.composite
def rich_instances(draw: st.DrawFn) -> Instance:
    """An instance of ``helpers.instances`` with more regions and more rules."""
    data, policy = draw(instances())
    extra = draw(st.integers(0, 8 - len(data.regions)))
    if extra:
        data = _more_regions(data, extra, np.random.default_rng(draw(st.integers(0, 2**32 - 1))))
    budget = policy.budget
    total = float(budget.total)
    labels = list(data.regions.index)
    capacity = data.impacts["capacity"].groupby(level="region").sum()
    islands = sorted(set(data.regions["island"]))
    rules: list[ik.Constraint] = list(policy.constraints)

    def maybe() -> bool:
        return draw(st.sampled_from([False, False, True]))

    if maybe():  # a limit on one funding channel
        channel = draw(st.sampled_from(sorted(set(data.programs["channel"]))))
        limit = round(total * draw(st.floats(0.1, 1.0)), 3)
        budget = ik.Budget(total=budget.total, spend_all=budget.spend_all,
                           by={**(budget.by or {}), "channel": {channel: limit}})
    if maybe():  # floors and caps in Rp bn for a few named regions
        named = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=3, unique=True))
        caps = {r: round(capacity[r] * draw(st.floats(0.1, 1.2)), 3) for r in named}
        floors = {r: round(min(caps[r], capacity[r]) * draw(st.floats(0, 0.6)), 3)
                  for r in named}
        which = draw(st.sampled_from(["min", "max", "both"]))
        rules.append(ik.RegionBounds(min=None if which == "max" else floors,
                                     max=None if which == "min" else caps))
    if maybe():  # a floor or a cap in rupiah per inhabitant
        average = total * 1e9 / float(data.regions["population"].sum())
        subset = draw(st.none() | st.lists(st.sampled_from(labels), min_size=1, unique=True))
        if draw(st.booleans()):
            rules.append(ik.RegionBounds(
                max_rp_per_capita=round(average * draw(st.floats(0.3, 3.0)), 1),
                regions=subset))
        else:
            rules.append(ik.RegionBounds(
                min_rp_per_capita=round(average * draw(st.floats(0.0, 0.6)), 1),
                regions=subset))
    if maybe():  # island shares
        island = draw(st.sampled_from(islands))
        if draw(st.booleans()):
            share = round(draw(st.floats(0.0, 0.6)), 3)
            rules.append(ik.GroupShare("island", min={island: share}))
        else:
            share = round(draw(st.floats(0.2, 1.0)), 3)
            rules.append(ik.GroupShare("island", max=share, value=island))
    if maybe() and data.regions["kti"].any():  # a cap on the KTI share (above its floor:
        floors = [r.min for r in rules  # a cap below it is refused, see test_hostile_plans)
                  if isinstance(r, ik.GroupShare) and r.group == "kti" and r.min is not None]
        low = max([0.3, *floors])
        rules.append(ik.GroupShare("kti", max=round(draw(st.floats(low, 1.0)), 3)))
    if maybe():  # a cap on island groups' spend as a share of the budget
        rules.append(ik.RegionBounds(by="island", max_share=round(draw(st.floats(0.3, 1.0)), 3)))
    if maybe():  # outcome targets: national cap on jobs, or per-region floors/caps
        jobs_per_bn = float(data.impacts["jobs"].mean())
        kind = draw(st.sampled_from(["national max", "region min", "region max"]))
        if kind == "national max":
            rules.append(ik.Target("jobs", max=round(
                total * jobs_per_bn * draw(st.floats(0.2, 1.5)), 3)))
        elif kind == "region min":
            rules.append(ik.Target("jobs", by="region", min=round(
                total / len(labels) * jobs_per_bn * draw(st.floats(0.0, 0.5)), 3)))
        else:
            region = draw(st.sampled_from(labels))
            rules.append(ik.Target("value_added", by="region", max={region: round(
                capacity[region] * draw(st.floats(0.0, 3.0)), 3)}))
    return data, policy.replace(budget=budget, constraints=tuple(rules))


# ---------------------------------------------------------------------- helpers
def optimize(data: ik.Dataset, policy: ik.Policy, solver: str = "highs") -> ik.Result | None:
    """The result, or ``None`` when the instance is infeasible (other errors propagate)."""
    try:
        result = ik.optimize(data, policy, solver=solver)
    except ik.InfeasibleError:
        event("infeasible")
        return None
    event("feasible")
    return result


def outcome(data: ik.Dataset, policy: ik.Policy, solver: str) -> ik.Result | type:
    """The result, or the type of the ikmopt error the solve raised."""
    try:
        result = ik.optimize(data, policy, solver=solver)
    except ik.IkmoptError as err:
        event(f"{solver}: {type(err).__name__}")
        return type(err)
    event(f"{solver}: feasible")
    return result


def objective_of(data: ik.Dataset, policy: ik.Policy, allocation: pd.Series,
                 optima: Mapping[str, float]) -> float:
    """The policy's objective for any allocation, from the input tables (``Weighted``
    normalized by ``optima``, a non-positive optimum counting as 1)."""
    objective = policy.objective
    if isinstance(objective, ik.Maximize):
        return objective_value(data, objective.metric, allocation)
    assert isinstance(objective, ik.Weighted), objective
    total = 0.0
    for metric, weight in objective.weights.items():
        scale = optima[metric] if objective.normalize and optima[metric] > 0 else 1.0
        total += weight / scale * objective_value(data, metric, allocation)
    return total


def money_total(data: ik.Dataset, policy: ik.Policy) -> float:
    """A money scale of the instance (for absolute tolerances on allocations)."""
    return 1.0 + float(policy.budget.total or data.impacts["capacity"].sum())


@cache
def _highs() -> highspy.Highs:
    h = highspy.Highs()  # prints a banner once, captured by pytest
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    return h


def unique_optimum(result: ik.Result) -> bool:
    """Whether ``result``'s allocation is certainly the only optimal one.

    The program is re-solved by simplex and the optimal basis checked for dual
    nondegeneracy: when every nonbasic column and row that could move (not fixed) has a
    reduced cost clearly away from zero, any step off the vertex along the feasible set
    loses objective, so the optimum is unique. Primal degenerate vertices may be unique
    without passing; they count as "not shown unique" (and are not compared cell by cell).
    Records a hypothesis event either way.
    """
    unique = _dual_nondegenerate(result.lp, result.solution.x)
    event("unique optimum" if unique else "optimum not shown unique")
    return unique


def _dual_nondegenerate(lp: ik.LinearProgram, x: np.ndarray) -> bool:
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = lp.n_cols, lp.n_rows
    model.col_cost_ = lp.cost
    model.col_lower_, model.col_upper_ = lp.col_lower, lp.col_upper
    model.row_lower_, model.row_upper_ = lp.row_lower, lp.row_upper
    model.sense_ = highspy.ObjSense.kMaximize
    A = lp.A
    model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    model.a_matrix_.start_ = A.indptr.astype(np.int32)
    model.a_matrix_.index_ = A.indices.astype(np.int32)
    model.a_matrix_.value_ = A.data
    model.a_matrix_.num_col_, model.a_matrix_.num_row_ = lp.n_cols, lp.n_rows
    h = _highs()
    h.clearModel()
    h.passModel(model)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return False
    solution, basis = h.getSolution(), h.getBasis()
    if not np.allclose(solution.col_value, x, rtol=1e-7, atol=1e-7):
        return False  # another vertex: the optimum is not unique (or not well posed)
    eps = 1e-6 * max(1e-12, float(np.abs(lp.cost).max(initial=0.0)))
    basic = highspy.HighsBasisStatus.kBasic
    for status, dual, lower, upper in (
        (basis.col_status, solution.col_dual, lp.col_lower, lp.col_upper),
        (basis.row_status, solution.row_dual, lp.row_lower, lp.row_upper),
    ):
        movable = np.array([s != basic for s in status]) & (np.asarray(lower) < upper)
        if (np.abs(np.asarray(dual))[movable] <= eps).any():
            return False
    return True


def assert_same_plan(got: pd.Series, expected: pd.Series, scale: float) -> None:
    """Equal allocations, cell by cell by label (``scale`` sets the absolute tolerance)."""
    got = got.reindex(expected.index)
    assert not got.isna().any(), "cells missing from the other plan"
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-6,
                               atol=1e-6 * scale)


def assert_optimal_for(data: ik.Dataset, policy: ik.Policy, reference: ik.Result,
                       allocation: pd.Series) -> None:
    """``allocation`` is feasible for ``policy`` and as good as ``reference``'s plan."""
    assert_feasible(data, policy, allocation)
    assert objective_of(data, policy, allocation, reference.optima) == pytest.approx(
        reference.objective, rel=REL, abs=REL)


# ---------------------------------------------------------------------- 1. validity
@examples(600)
@given(rich_instances())
def test_every_returned_plan_satisfies_every_rule(instance: Instance) -> None:
    data, policy = instance
    result = optimize(data, policy)
    if result is None:
        return
    assert result.is_optimal
    assert_feasible(data, policy, result.allocation)
    # the objective and outcomes are the input tables' values of the returned plan
    assert result.objective == pytest.approx(
        objective_of(data, policy, result.allocation, result.optima), rel=1e-9, abs=1e-9)
    for metric in data.metrics:
        assert result.outcomes[metric] == pytest.approx(
            objective_value(data, metric, result.allocation), rel=1e-9, abs=1e-9)
    assert result.outcomes["spend"] == pytest.approx(result.allocation.sum(), rel=1e-9,
                                                     abs=1e-9)


BUDGET_FORMS = ("total", "by-only", "spend-all", "total-and-by")


def _budget_form(data: ik.Dataset, policy: ik.Policy, form: str) -> ik.Policy:
    """``policy`` with its budget in one form; shares of the budget dropped without a total."""
    total = float(policy.budget.total)
    limits = {"P0": round(total * 0.6, 3), **({"P1": round(total * 0.5, 3)}
                                               if "P1" in data.programs.index else {})}
    budget = {
        "total": ik.Budget(total=total),
        "by-only": ik.Budget(by={"program": limits}),
        "spend-all": ik.Budget(total=min(total, float(data.capacity.sum())), spend_all=True),
        "total-and-by": ik.Budget(total=total, by={"program": limits}),
    }[form]
    rules = [r for r in policy.constraints if budget.total is not None or not (
        isinstance(r, ik.RegionBounds) and (r.min_share is not None or r.max_share is not None))]
    return policy.replace(budget=budget, constraints=rules)


@examples(300)
@given(rich_instances(), st.sampled_from(BUDGET_FORMS))
def test_every_rule_keeps_its_rows_whatever_the_budget(instance: Instance, form: str) -> None:
    """No rule silently drops out (a region cap once vanished when the budget had no total):
    each has rows in the program and in ``result.constraints``, and the plan meets it."""
    data, policy = instance
    policy = _budget_form(data, policy, form)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        result = optimize(data, policy)
    if result is None:
        return
    assert_feasible(data, policy, result.allocation)
    owner = result.lp.rows["constraint"].to_numpy()
    shown = (result.lp.rows["kind"] != "definition").to_numpy()
    table = result.constraints
    for i, rule in enumerate(policy.constraints, start=1):
        assert (shown & (owner == i)).any(), f"{rule.describe()} has no rows ({form})"
        assert (table["constraint"] == rule.describe()).any(), rule.describe()


# ---------------------------------------------------------------------- 2. backends
@examples(150)
@given(rich_instances())
def test_cbc_finds_the_same_optimum(instance: Instance) -> None:
    data, policy = instance
    fast = outcome(data, policy, "highs")
    reference = outcome(data, policy, "cbc")
    if isinstance(fast, type) or isinstance(reference, type):
        assert fast == reference, f"highs gave {fast!r}, cbc gave {reference!r}"
        return
    assert fast.objective == pytest.approx(reference.objective, rel=REL, abs=REL)
    assert fast.optima.keys() == reference.optima.keys()
    for metric, value in fast.optima.items():
        assert value == pytest.approx(reference.optima[metric], rel=REL, abs=REL)
    assert_feasible(data, policy, reference.allocation)
    assert_optimal_for(data, policy, fast, reference.allocation)


# ---------------------------------------------------------------------- 3. money units
def in_smaller_money(data: ik.Dataset, policy: ik.Policy, k: float) -> Instance:
    """The same instance with every amount of money multiplied by ``k`` (by hand).

    Capacities, budgets and money bounds are multiplied by ``k``, outcomes per unit of money
    divided by ``k``; shares and outcome targets do not change.
    """
    impacts = data.impacts.copy()
    impacts["capacity"] *= k
    for metric in data.metrics:
        impacts[metric] /= k

    def times(value: float | Mapping | None) -> float | Mapping | None:
        if value is None:
            return None
        if isinstance(value, Mapping):
            return {key: v * k for key, v in value.items()}
        return value * k

    b = policy.budget
    budget = ik.Budget(total=times(b.total), spend_all=b.spend_all,
                       by=None if b.by is None else {lvl: times(v) for lvl, v in b.by.items()})
    rules = []
    for c in policy.constraints:
        if isinstance(c, ik.RegionBounds):
            c = ik.RegionBounds(min=times(c.min), max=times(c.max), min_share=c.min_share,
                                max_share=c.max_share,
                                min_rp_per_capita=times(c.min_rp_per_capita),
                                max_rp_per_capita=times(c.max_rp_per_capita),
                                regions=c.regions, by=c.by)
        else:
            assert isinstance(c, ik.GroupShare | ik.ProgramShare | ik.Target), c
        rules.append(c)
    scaled = ik.Dataset(data.regions, data.programs, impacts)
    return scaled, policy.replace(budget=budget, constraints=tuple(rules))


@examples(250)
@given(rich_instances())
def test_money_in_another_unit_rescales_the_plan(instance: Instance) -> None:
    data, policy = instance
    base = optimize(data, policy)
    big_data, big_policy = in_smaller_money(data, policy, SCALE)
    big = optimize(big_data, big_policy)
    assert (base is None) == (big is None), "the unit of money changed feasibility"
    if base is None or big is None:
        return
    assert big.objective == pytest.approx(base.objective, rel=REL, abs=REL)
    for metric, value in base.optima.items():
        assert big.optima[metric] == pytest.approx(value, rel=REL, abs=REL)
    # the big plan, in the original unit, is an optimal plan of the original instance
    assert_optimal_for(data, policy, base, big.allocation / SCALE)
    if unique_optimum(base):
        assert_same_plan(big.allocation / SCALE, base.allocation, money_total(data, policy))
        assert big.outcomes["spend"] == pytest.approx(base.outcomes["spend"] * SCALE,
                                                      rel=REL, abs=REL * SCALE)
        for metric in data.metrics:
            assert big.outcomes[metric] == pytest.approx(base.outcomes[metric], rel=REL,
                                                         abs=REL)


@examples(100)
@given(rich_instances())
def test_money_unit_argument_is_only_a_unit(instance: Instance) -> None:
    data, policy = instance
    impacts = data.impacts.copy()
    impacts["capacity"] *= SCALE
    for metric in data.metrics:
        impacts[metric] /= SCALE
    in_juta = ik.Dataset(data.regions, data.programs, impacts, money_unit="Rp juta")
    np.testing.assert_allclose(in_juta.impacts.to_numpy(), data.impacts.to_numpy(),
                               rtol=1e-12, atol=1e-12)
    base = optimize(data, policy)
    other = optimize(in_juta, policy)  # the policy stays in Rp bn
    assert (base is None) == (other is None)
    if base is None or other is None:
        return
    assert other.objective == pytest.approx(base.objective, rel=REL, abs=REL)
    assert_optimal_for(data, policy, base, other.allocation)
    if unique_optimum(base):
        assert_same_plan(other.allocation, base.allocation, money_total(data, policy))


# ---------------------------------------------------------------------- 4. region order
@examples(250)
@given(rich_instances(), st.randoms(use_true_random=False))
def test_permuting_regions_permutes_the_answer(instance: Instance, rnd) -> None:
    data, policy = instance
    regions = list(range(len(data.regions)))
    cells = list(range(data.n_cells))
    rnd.shuffle(regions)
    rnd.shuffle(cells)  # the impacts rows in any order, too
    shuffled = ik.Dataset(data.regions.iloc[regions], data.programs, data.impacts.iloc[cells])
    assert list(shuffled.regions.index) == [data.regions.index[i] for i in regions]
    base = optimize(data, policy)
    other = optimize(shuffled, policy)
    assert (base is None) == (other is None), "region order changed feasibility"
    if base is None or other is None:
        return
    assert other.objective == pytest.approx(base.objective, rel=REL, abs=REL)
    for metric, value in base.optima.items():
        assert other.optima[metric] == pytest.approx(value, rel=REL, abs=REL)
    # whatever optimum the shuffled instance picked is an optimum of the original one
    assert_optimal_for(data, policy, base, other.allocation)
    if unique_optimum(base):
        assert_same_plan(other.allocation, base.allocation, money_total(data, policy))
        by_region = other.by("region").reindex(base.by("region").index)
        pd.testing.assert_frame_equal(by_region, base.by("region"), rtol=1e-6,
                                      atol=1e-6 * money_total(data, policy))


# ---------------------------------------------------------------------- 5. non-binding rules
def _share(allocation: pd.Series, inside: np.ndarray) -> float:
    total = float(allocation.sum())
    return float(allocation[inside].sum()) / total if total > 0 else 0.0


def slack_rule(data: ik.Dataset, plans: list[pd.Series], kind: str, margin: float,
               choice: int) -> ik.Constraint:
    """A rule that every plan in ``plans`` satisfies (``margin`` of slack, relative)."""
    spend = pd.concat([p.groupby(level="region").sum() for p in plans], axis=1)
    spend = spend.reindex(data.regions.index)
    if kind == "region max":
        return ik.RegionBounds(max=(spend.max(axis=1) * (1 + margin)).to_dict())
    if kind == "region min":
        return ik.RegionBounds(min=(spend.min(axis=1) * (1 - margin)).to_dict())
    if kind == "target min":
        low = min(objective_value(data, "jobs", p) for p in plans)
        return ik.Target("jobs", min=max(0.0, low * (1 - margin)))
    islands = sorted(set(data.regions["island"]))
    island = islands[choice % len(islands)]
    inside = data.cells.get_level_values("region").map(data.regions["island"]) == island
    shares = [_share(p.reindex(data.cells), np.asarray(inside)) for p in plans]
    # shares rounded outwards to 6 decimals: a share of solver noise (1e-15) would be a
    # matrix coefficient that the library rightly warns about (ScalingWarning)
    if kind == "group min":
        return ik.GroupShare("island", min=math.floor(min(shares) * (1 - margin) * 1e6) / 1e6,
                             value=island)
    assert kind == "group max"
    return ik.GroupShare("island", max=min(1.0, math.ceil(max(shares) * (1 + margin) * 1e6)
                                           / 1e6), value=island)


@examples(250)
@given(rich_instances(),
       st.sampled_from(["region max", "region min", "group min", "group max", "target min"]),
       st.sampled_from([0.0, 1e-6, 0.01, 0.5]), st.integers(0, 2))
def test_a_rule_the_plan_already_meets_changes_nothing(instance: Instance, kind: str,
                                                       margin: float, choice: int) -> None:
    data, policy = instance
    base = optimize(data, policy)
    if base is None:
        return
    plans = [base.allocation]
    # Weighted divides by each metric's optimum under the same rules: the new rule must
    # keep an optimal plan of every metric feasible too, or the weights change
    for metric, value in base.optima.items():
        alone = ik.optimize(data, policy.replace(objective=ik.Maximize(metric)))
        assert alone.objective == pytest.approx(value, rel=REL, abs=REL)
        plans.append(alone.allocation)
    rule = slack_rule(data, plans, kind, margin, choice)
    tighter = policy.add(rule)
    for plan in plans:
        assert_feasible(data, tighter, plan)  # the rule is met by construction
    result = ik.optimize(data, tighter)  # never infeasible: base.allocation is feasible
    assert result.objective == pytest.approx(base.objective, rel=REL, abs=REL)
    for metric, value in base.optima.items():
        assert result.optima[metric] == pytest.approx(value, rel=REL, abs=REL)
    assert_feasible(data, tighter, result.allocation)
    if unique_optimum(base):
        assert_same_plan(result.allocation, base.allocation, money_total(data, policy))


# ---------------------------------------------------------------------- 6. determinism
def _files(result: ik.Result) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        result.to_csv(tmp)
        return {p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir())}


@examples(150)
@given(rich_instances())
def test_same_input_gives_byte_identical_output(instance: Instance) -> None:
    data, policy = instance
    again = ik.Dataset(data.regions.copy(), data.programs.copy(), data.impacts.copy())
    runs = []
    for d in (data, data, again):
        try:
            runs.append(ik.optimize(d, policy))
        except ik.InfeasibleError as err:
            runs.append(str(err))
    first = runs[0]
    files = None if isinstance(first, str) else _files(first)
    for other in runs[1:]:
        if isinstance(first, str) or isinstance(other, str):
            assert other == first  # both infeasible, with the same diagnosis
            continue
        assert other.allocation.index.equals(first.allocation.index)
        assert other.allocation.to_numpy().tobytes() == first.allocation.to_numpy().tobytes()
        assert other.solution.x.tobytes() == first.solution.x.tobytes()
        assert _files(other) == files
