"""Shares of an outcome (``of="jobs"``), within a subset (``within=``), by combinations of
levels: hand-solved optima on both solvers, prices against finite differences, errors, and
properties checked by an independent evaluation of the plan (pandas on the input tables).

The tiny dataset (``helpers.tiny``): jobs per Rp bn A-p 10 (cap 50), A-q 6 (50), B-p 8 (30),
B-q 4 (40), C-p 12 (10), C-q 5 (20); B and C are KTI (island group east).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import ikmopt as ik
from ikmopt.data.groups import as_list
from ikmopt.model.params import set_param
from ikmopt.scenarios.registry import Reader, tagged

pytestmark = pytest.mark.filterwarnings("ignore::ikmopt.UnspentBudgetWarning")

SOLVERS = ["highs", "cbc"]


def policy_of(*rules: ik.Constraint, total: float = 60.0) -> ik.Policy:
    return ik.Policy(ik.Budget(total=total), list(rules))


# ---------------------------------------------------------------------- independent checker
def achieved_shares(data: ik.Dataset, rule: ik.GroupShare | ik.ProgramShare,
                    allocation: pd.Series) -> pd.Series:
    """Each group's share of the rule's aggregate, from the tables (not the LP)."""
    cells = data.cells.to_frame(index=False)
    frame = cells.join(data.regions, on="region").join(data.programs, on="program")
    x = allocation.reindex(data.cells).to_numpy()
    amount = x if rule.of == "spend" else x * data.impacts[rule.of].to_numpy()
    inside = np.ones(len(frame), dtype=bool)
    for level, value in (rule.within or {}).items():
        inside &= frame[level].astype(str).isin([str(v) for v in as_list(value)]).to_numpy()
    amount = np.where(inside, amount, 0.0)
    level = rule.group if isinstance(rule, ik.GroupShare) else rule.by
    levels = [level] if isinstance(level, str) else list(level)
    keys = frame[levels].astype(str).agg(",".join, axis=1)
    return pd.Series(amount).groupby(keys.to_numpy()).sum() / amount.sum()


def shares_hold(data: ik.Dataset, rule: ik.GroupShare | ik.ProgramShare,
                allocation: pd.Series, tol: float = 1e-7) -> bool:
    shares = achieved_shares(data, rule, allocation)
    if not np.isfinite(shares).all():  # nothing of the aggregate at all: 0 >= alpha * 0
        return True
    value = rule.value if isinstance(rule, ik.GroupShare) else rule.program
    for bound, is_min in ((rule.min, True), (rule.max, False)):
        if bound is None:
            continue
        items = bound.items() if isinstance(bound, dict) else [
            (True if value is None else value, bound)]
        for key, alpha in items:
            name = ",".join(map(str, key)) if isinstance(key, tuple) else str(key)
            got = shares.get(name, 0.0)
            if (got < alpha - tol) if is_min else (got > alpha + tol):
                return False
    return True


# ---------------------------------------------------------------------- hand-solved
@pytest.mark.parametrize("solver", SOLVERS)
def test_share_of_jobs_from_q(tiny: ik.Dataset, solver: str) -> None:
    # q makes >= 30 % of all jobs. In 0.7 J_q >= 0.3 J_p a Rp bn of A-p adds -3, A-q +4.2.
    # C-p (12, cap 10) first; the remaining 50 split between A-p and A-q with
    # 10 a - 3.6 * 10 ... : A-p 24.17, A-q 25.83 (jobs 241.67 + 155), 516.67 in all.
    # Prices: budget 8.33 and, for the share, -mu * total jobs = -(5/9) * 516.67 per 1.0.
    rule = ik.ProgramShare("q", of="jobs", min=0.3)
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(516 + 2 / 3)
    assert result.allocation[("A", "q")] == pytest.approx(25 + 5 / 6)
    assert result.allocation[("C", "p")] == pytest.approx(10.0)
    table = result.constraints.set_index("label")
    assert table.loc["program=q jobs min", "activity"] == pytest.approx(0.3)
    assert table.loc["program=q jobs min", "unit"] == "share"
    assert table.loc["program=q jobs min", "shadow_price"] == pytest.approx(
        -(5 / 9) * (516 + 2 / 3))
    assert table.loc["total", "shadow_price"] == pytest.approx(8 + 1 / 3)
    assert shares_hold(tiny, rule, result.allocation)
    assert rule.describe() == "ProgramShare(program=q) of jobs min 30%"


@pytest.mark.parametrize("solver", SOLVERS)
def test_share_of_kti_jobs_within(tiny: ik.Dataset, solver: str) -> None:
    # Within KTI (B, C), q makes >= 50 % of the jobs: 4 B-q + 5 C-q >= 8 B-p + 12 C-p.
    # A-p takes its 50 (500 jobs); the other 10 buy C bundles of 1 C-p + 2.4 C-q (24 jobs
    # per 3.4 Rp bn, 7.06 a Rp bn, more than A-q's 6): 500 + 240 / 3.4 = 570.59.
    rule = ik.ProgramShare("q", of="jobs", min=0.5, within={"kti": True})
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(500 + 240 / 3.4)
    assert result.allocation[("C", "p")] == pytest.approx(10 / 3.4)
    assert result.allocation[("A", "p")] == pytest.approx(50.0)
    assert shares_hold(tiny, rule, result.allocation)
    assert rule.describe() == "ProgramShare(program=q) of jobs[kti] min 50%"


@pytest.mark.parametrize("solver", SOLVERS)
def test_share_by_a_combination_of_levels(tiny: ik.Dataset, solver: str) -> None:
    # q in the east gets >= 20 % of spend (12 of 60): C-q (5 a Rp bn) is the best east q;
    # C-p 10, A-p 38, C-q 12 -> 120 + 380 + 60 = 560 jobs.
    rule = ik.ProgramShare(by=("island_group", "program"), min={("east", "q"): 0.2})
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(560.0)
    assert result.allocation[("C", "q")] == pytest.approx(12.0)
    assert "island_group=east,program=q min" in set(result.constraints["label"])
    assert shares_hold(tiny, rule, result.allocation)


@pytest.mark.parametrize("solver", SOLVERS)
def test_group_share_of_jobs_per_group_caps(tiny: ik.Dataset, solver: str) -> None:
    # Neither island group makes more than 60 % of the jobs. Unbounded: A-p 50 (500 west)
    # and C-p 10 (120 east). West <= 0.6 total <=> 0.4 W <= 0.6 E: A-p a, east e with
    # C-p 10 then B-p: 0.4 * 10 a = 0.6 * (120 + 8 (e - 10)), a + e = 60 -> 4a = 24 + 4.8e
    # -> 4 (60 - e) = 24 + 4.8 e -> e = 216 / 8.8; jobs = 10 a / 0.6.
    rule = ik.GroupShare("island_group", max={"west": 0.6, "east": 0.6}, of="jobs")
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    e = 216 / 8.8
    assert result.objective == pytest.approx(10 * (60 - e) / 0.6)
    assert shares_hold(tiny, rule, result.allocation)


def test_spend_share_is_unchanged(tiny: ik.Dataset) -> None:
    rule = ik.GroupShare("kti", min=0.5)
    result = ik.optimize(tiny, policy_of(rule))
    assert result.objective == pytest.approx(580.0)
    assert "kti=True min" in set(result.constraints["label"])
    assert rule.describe() == "GroupShare(kti) min 50%"
    assert "aggregate_total" not in set(result.lp.aux["family"])


# ---------------------------------------------------------------------- prices
@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("rule", [
    ik.ProgramShare("q", of="jobs", min=0.3),
    ik.ProgramShare("q", of="jobs", min=0.5, within={"kti": True}),
    ik.GroupShare("kti", of="value_added", min=0.45),
], ids=["jobs", "within", "value-added"])
def test_price_is_finite_difference_of_share(tiny: ik.Dataset, solver: str, rule) -> None:
    policy = policy_of(rule)
    result = ik.optimize(tiny, policy, solver=solver)
    h = 1e-4
    up = ik.optimize(tiny, set_param(policy, "constraints[0].min", rule.min + h),
                     solver=solver).objective
    down = ik.optimize(tiny, set_param(policy, "constraints[0].min", rule.min - h),
                       solver=solver).objective
    difference = (up - down) / (2 * h)
    row = result.constraints[result.constraints["family"] == "share"].iloc[0]
    assert row["shadow_price"] == pytest.approx(difference, rel=1e-5)
    assert row["price"] == pytest.approx(difference / 100, rel=1e-5)  # per percentage point
    derivative = result.sensitivity().set_index("path").loc["constraints[0].min", "derivative"]
    assert derivative == pytest.approx(difference, rel=1e-5)


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(("rule", "words"), [
    (ik.ProgramShare("q", of="jbos", min=0.3), ["ProgramShare(program)", "did you mean 'jobs'"]),
    (ik.ProgramShare("q", of="jobs", min=0.3, within={"kit": True}),
     ["'kit'", "did you mean 'kti'"]),
    (ik.ProgramShare("q", of="jobs", min=0.3, within={"region": "Z"}), ["'Z'", "region"]),
    (ik.GroupShare("island_group", of="jobs", min={"esat": 0.3}), ["'esat'", "'east'"]),
])
def test_unknown_labels_are_named(tiny: ik.Dataset, rule, words) -> None:
    with pytest.raises(ik.PolicyError) as err:
        ik.optimize(tiny, policy_of(rule))
    for word in words:
        assert word in str(err.value)


def test_share_of_a_signed_metric_is_refused(tables) -> None:
    regions, programs, impacts = tables
    impacts["land"] = [1.0, -2.0, 0.5, -1.0, 0.0, 3.0]
    data = ik.Dataset(regions, programs, impacts, signed_metrics=["land"])
    with pytest.raises(ik.PolicyError, match=r"ProgramShare\(program\).*signed.*ik.Relation"):
        ik.optimize(data, policy_of(ik.ProgramShare("q", of="land", min=0.3)))


def test_floors_add_up_per_whole() -> None:
    # a floor of spend and a floor of jobs are shares of different wholes: both may hold
    ik.Policy(ik.Budget(total=60), [ik.ProgramShare("p", min=0.6),
                                    ik.ProgramShare("q", min=0.6, of="jobs")])
    with pytest.raises(ik.PolicyError, match="more than 1"):
        ik.Policy(ik.Budget(total=60), [ik.ProgramShare("p", min=0.6, of="jobs"),
                                        ik.ProgramShare("q", min=0.6, of="jobs")])


def test_scenario_file_maps_onto_the_objects(tiny: ik.Dataset) -> None:
    text = """
    budget: {total: 60}
    constraints:
      - program_share: {program: q, of: jobs, min: 0.5, within: {kti: true}}
      - program_share: {by: [island_group, program], of: spend, max: 0.9}
    """
    policy = Reader("shares.yaml").policy(yaml.safe_load(text))
    assert policy.constraints[0] == ik.ProgramShare("q", of="jobs", min=0.5,
                                                    within={"kti": True})
    assert policy.constraints[1].by == ("island_group", "program")
    written = yaml.safe_load(yaml.safe_dump([tagged(c) for c in policy.constraints]))
    again = Reader("again.yaml").policy({"budget": {"total": 60}, "constraints": written})
    assert again == policy


# ---------------------------------------------------------------------- properties
def _examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> ik.Dataset:
    """2-5 regions x 1-3 programs with random coefficients and capacities."""
    n_regions, n_programs = draw(st.integers(2, 5)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    regions = pd.DataFrame({
        "region": [f"R{i}" for i in range(n_regions)],
        "population": rng.integers(100_000, 3_000_000, n_regions).astype(float),
        "kti": rng.random(n_regions) < 0.5,
    })
    programs = pd.DataFrame({"program": [f"g{j}" for j in range(n_programs)]})
    cells = pd.MultiIndex.from_product([regions["region"], programs["program"]],
                                       names=["region", "program"])
    n = len(cells)
    impacts = pd.DataFrame({"jobs": np.round(rng.uniform(0, 20, n), 3),
                            "value_added": np.round(rng.uniform(0, 5, n), 3),
                            "capacity": np.round(rng.uniform(1, 30, n), 3)}, index=cells)
    return ik.Dataset(regions, programs, impacts.reset_index())


@st.composite
def share_rules(draw: st.DrawFn, data: ik.Dataset) -> ik.ProgramShare:
    of = draw(st.sampled_from(["spend", "jobs", "value_added"]))
    program = draw(st.sampled_from(list(data.programs.index)))
    within = draw(st.sampled_from([None, {"kti": True}, {"kti": False}]))
    alpha = draw(st.sampled_from([0.1, 0.3, 0.6]))
    bound = draw(st.sampled_from(["min", "max"]))
    return ik.ProgramShare(program, of=of, within=within, **{bound: alpha})


@given(st.data())
@_examples(30)
def test_every_plan_meets_its_outcome_share(case: st.DataObject) -> None:
    data = case.draw(instances())
    rule = case.draw(share_rules(data))
    result = ik.optimize(data, policy_of(rule, total=40.0))  # shares are homogeneous
    assert shares_hold(data, rule, result.allocation)
    cbc = ik.optimize(data, policy_of(rule, total=40.0), solver="cbc")
    assert cbc.objective == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    assert shares_hold(data, rule, cbc.allocation)


@given(st.data())
@_examples(30)
def test_a_share_already_met_changes_nothing(case: st.DataObject) -> None:
    data = case.draw(instances())
    base = ik.optimize(data, policy_of(total=40.0))
    drawn = case.draw(share_rules(data))
    shares = achieved_shares(data, drawn, base.allocation)
    got = float(shares.get(str(drawn.program), 0.0))
    if not np.isfinite(got):
        event("nothing of the aggregate")
        return
    bound = {"min": max(got - 0.01, 0.0)} if drawn.min is not None else {
        "max": min(got + 0.01, 1.0)}
    rule = ik.ProgramShare(drawn.program, of=drawn.of, within=drawn.within, **bound)
    result = ik.optimize(data, policy_of(rule, total=40.0))
    assert result.objective == pytest.approx(base.objective, rel=1e-9, abs=1e-9)
