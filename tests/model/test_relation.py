"""Relations between labelled aggregates (``ik.Relation``): hand-solved optima on both solvers,
prices against finite differences, errors naming the label at fault, scenario files, and
properties checked by an independent evaluation of the plan (pandas on the input tables).

The tiny dataset (``helpers.tiny``): jobs per Rp bn A-p 10 (cap 50), A-q 6 (50), B-p 8 (30),
B-q 4 (40), C-p 12 (10), C-q 5 (20); p is channel DAK, q channel TP; B and C are KTI.
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
P = ik.Aggregate("spend", program="p")
Q = ik.Aggregate("spend", program="q")


def policy_of(*rules: ik.Constraint, total: float = 60.0,
              objective: ik.Objective | None = None) -> ik.Policy:
    extra = {} if objective is None else {"objective": objective}
    return ik.Policy(ik.Budget(total=total), list(rules), **extra)


# ---------------------------------------------------------------------- independent checker
def cell_table(data: ik.Dataset) -> pd.DataFrame:
    """Every cell with its levels and the columns of its region and program, as text."""
    cells = data.cells.to_frame(index=False)
    return cells.join(data.regions, on="region").join(data.programs, on="program")


def lhs_by_group(data: ik.Dataset, rule: ik.Relation, allocation: pd.Series) -> pd.Series:
    """The relation's left-hand side per group, computed from the tables (not the LP)."""
    frame = cell_table(data)
    x = allocation.reindex(data.cells).to_numpy()
    lhs = np.zeros(len(frame))
    for term in rule.terms:
        coef = np.ones(len(frame)) if term.of == "spend" else data.impacts[term.of].to_numpy()
        inside = np.ones(len(frame), dtype=bool)
        for level, value in (term.where or {}).items():
            inside &= frame[level].astype(str).isin([str(v) for v in as_list(value)]).to_numpy()
        lhs += term.coef * coef * x * inside
    if rule.by is None:
        return pd.Series({"total": lhs.sum()})
    by = [rule.by] if isinstance(rule.by, str) else list(rule.by)
    return pd.Series(lhs).groupby([frame[b].astype(str) for b in by]).sum()


def relation_holds(data: ik.Dataset, rule: ik.Relation, allocation: pd.Series,
                   tol: float = 1e-6) -> bool:
    lhs = lhs_by_group(data, rule, allocation)
    rhs = (pd.Series({str(k): v for k, v in rule.rhs.items()}).reindex(lhs.index)
           if isinstance(rule.rhs, dict) else pd.Series(rule.rhs, index=lhs.index))
    keep = rhs.notna()
    lhs, rhs = lhs[keep], rhs[keep]
    slack = tol * (1 + np.abs(rhs) + np.abs(lhs))
    if rule.sense == "<=":
        return bool((lhs <= rhs + slack).all())
    if rule.sense == ">=":
        return bool((lhs >= rhs - slack).all())
    return bool((np.abs(lhs - rhs) <= slack).all())


# ---------------------------------------------------------------------- hand-solved
@pytest.mark.parametrize("solver", SOLVERS)
def test_p_at_most_twice_q_per_region(tiny: ik.Dataset, solver: str) -> None:
    # Per region p <= 2 q: each region spends in bundles of 2 p + 1 q. Jobs per Rp bn of a
    # bundle: A (20 + 6) / 3 = 8.67, B (16 + 4) / 3 = 6.67, C (24 + 5) / 3 = 9.67. C's bundle
    # is capped by C-p (10): C-p 10, C-q 5 (145 jobs); the other 45 in A: A-p 30, A-q 15
    # (390 jobs). 535 in all; one more Rp bn buys a third of A's bundle: 8.67.
    # Prices of the relation's constants (p - 2q <= b): in A, b + 1 moves 1/3 bn from A-q
    # to A-p: +4/3; in C, C-q may fall by 1/2 and the 1/2 bn goes to A's bundle:
    # -2.5 + 4.33 = +11/6. B spends nothing: price 0.
    rule = ik.Relation([P, -2 * Q], "<=", by="region")
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(535.0)
    expected = {("A", "p"): 30, ("A", "q"): 15, ("C", "p"): 10, ("C", "q"): 5}
    for cell, spend in expected.items():
        assert result.allocation[cell] == pytest.approx(spend, abs=1e-6)
    table = result.constraints.set_index("label")
    assert table.loc["total", "shadow_price"] == pytest.approx(26 / 3)
    assert table.loc["region=A", "shadow_price"] == pytest.approx(4 / 3)
    assert table.loc["region=C", "shadow_price"] == pytest.approx(11 / 6)
    assert table.loc["region=B", "shadow_price"] == pytest.approx(0.0, abs=1e-9)
    assert set(table["constraint"]) >= {"spend[p] <= 2 × spend[q], per region"}
    assert relation_holds(tiny, rule, result.allocation)


@pytest.mark.parametrize("solver", SOLVERS)
def test_co_funding_share_national(tiny: ik.Dataset, solver: str) -> None:
    # TP spend >= half of DAK spend (a co-funding rule by channel, in total): p + q = 60,
    # q >= p / 2, so p <= 40: C-p 10, A-p 30, A-q 20 -> 120 + 300 + 120 = 540 jobs.
    # Raising the constant to 1 (q >= p/2 + 1): p = 118/3, q = 62/3 -> 537.33: price -8/3.
    tp, dak = ik.Aggregate("spend", channel="TP"), ik.Aggregate("spend", channel="DAK")
    rule = ik.Relation([tp, -0.5 * dak], ">=", 0)
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(540.0)
    assert result.allocation[("A", "q")] == pytest.approx(20.0)
    row = result.constraints.set_index("family").loc["relation"]
    assert row["label"] == "spend[TP] - 0.5 × spend[DAK]"
    assert row["constraint"] == "spend[TP] >= 0.5 × spend[DAK]"
    assert row["shadow_price"] == pytest.approx(-8 / 3)
    assert row["unit"] in ("", "Rp bn")  # relation rows have no unit of their own yet


@pytest.mark.parametrize("solver", SOLVERS)
def test_outcome_relation_and_equality(tiny: ik.Dataset, solver: str) -> None:
    # KTI jobs == west jobs: the west (A) can make 10 per Rp bn, KTI best C-p 12 (10) then
    # B-p 8. With x_A on A-p and the KTI money e: 120 + 8 (e - 10) = 10 x_A, x_A + e = 60
    # -> 40 + 8e = 600 - 10e -> e = 560 / 18; jobs = 2 * 10 * (60 - e) = 20 * 520/18.
    kti, west = ik.Aggregate("jobs", kti=True), ik.Aggregate("jobs", kti=False)
    rule = ik.Relation([kti, -west], "==", 0)
    result = ik.optimize(tiny, policy_of(rule), solver=solver)
    assert result.objective == pytest.approx(20 * 520 / 18)
    assert result.allocation[("C", "p")] == pytest.approx(10.0)
    assert relation_holds(tiny, rule, result.allocation)
    assert rule.describe() == "jobs[kti] == jobs[not kti]"


# ---------------------------------------------------------------------- prices
def _resolve(data: ik.Dataset, policy: ik.Policy, path: str, value: float,
             solver: str) -> float:
    return ik.optimize(data, set_param(policy, path, value), solver=solver).objective


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("rule", [
    ik.Relation([ik.Aggregate("spend", channel="TP"),
                 -0.5 * ik.Aggregate("spend", channel="DAK")], ">=", 2),
    ik.Relation([P, -2 * Q], "<=", 1.5, by="region"),
    ik.Relation([ik.Aggregate("value_added")], ">=", 63),
], ids=["co-funding", "per-region", "value-added"])
def test_price_is_finite_difference_of_constant(tiny: ik.Dataset, solver: str,
                                                rule: ik.Relation) -> None:
    policy = policy_of(rule)
    result = ik.optimize(tiny, policy, solver=solver)
    h = 0.01
    up = _resolve(tiny, policy, "constraints[0].rhs", rule.rhs + h, solver)
    down = _resolve(tiny, policy, "constraints[0].rhs", rule.rhs - h, solver)
    difference = (up - down) / (2 * h)
    rows = result.constraints[result.constraints["family"] == "relation"]
    assert rows["shadow_price"].sum() == pytest.approx(difference, rel=1e-6, abs=1e-6)
    sensitivity = result.sensitivity().set_index("path")
    assert sensitivity.loc["constraints[0].rhs", "derivative"] == pytest.approx(
        difference, rel=1e-6, abs=1e-6)


def test_sensitivity_states_the_unit_of_the_constant(tiny: ik.Dataset) -> None:
    money = ik.optimize(tiny, policy_of(ik.Relation([P, -2 * Q], "<=", by="region")))
    assert money.sensitivity().set_index("path").loc["constraints[0].rhs", "unit"] == "Rp bn"
    data = tiny.replace(metric_units={"jobs": "persons"})
    jobs = ik.optimize(data, policy_of(ik.Relation([ik.Aggregate("jobs", kti=True)], ">=",
                                                   200)))
    assert jobs.sensitivity().set_index("path").loc["constraints[0].rhs", "unit"] == "persons"


def test_mapping_constant_per_group(tiny: ik.Dataset) -> None:
    # Only A gets a row: A-q >= 10 costs 4 jobs a Rp bn (A-p 10 -> A-q 6): 620 - 40 = 580.
    rule = ik.Relation([Q], ">=", {"A": 10}, by="region")
    result = ik.optimize(tiny, policy_of(rule))
    assert result.objective == pytest.approx(580.0)
    rows = result.constraints[result.constraints["family"] == "relation"]
    assert list(rows["label"]) == ["region=A"]
    derivative = result.sensitivity().set_index("path").loc["constraints[0].rhs.A",
                                                            "derivative"]
    assert derivative == pytest.approx(-4.0)


# ---------------------------------------------------------------------- text and objects
def test_describe_reads_as_written() -> None:
    sentra = ik.Aggregate("spend", program="sentra")
    training = ik.Aggregate("spend", program="training")
    assert (ik.Relation([sentra, -2 * training], "<=", by="region").describe()
            == "spend[sentra] <= 2 × spend[training], per region")
    assert ik.Relation([-sentra], ">=", -5).describe() == "spend[sentra] <= 5"
    assert (ik.Relation([ik.Aggregate("jobs", region=["Aceh", "Papua"])], ">=", 100)
            .describe() == "jobs[Aceh|Papua] >= 100")
    assert ik.Term(-2, "spend", program="training") == -2 * training
    assert ik.Term(3, "jobs", where={"kti": True}) == ik.Aggregate("jobs", kti=True) * 3


@pytest.mark.parametrize(("make", "words"), [
    (lambda: ik.Relation([P], "<"), ["sense", "'<'", "'<='"]),
    (lambda: ik.Relation([P]), ["sense", "nothing"]),
    (lambda: ik.Relation([], "<="), ["at least one term"]),
    (lambda: ik.Relation(["spend"], "<="), ["terms[0]", "ik.Term"]),
    (lambda: ik.Relation([P], "<=", {"A": 1}), ["mapping", "by="]),
    (lambda: ik.Relation([P], "<=", float("nan")), ["rhs", "finite"]),
    (lambda: ik.Term("two", "spend"), ["coef", "'two'"]),
    (lambda: ik.Relation([{"coef": 1, "off": "spend"}], "<="),
     ["terms[0]", "'off'", "did you mean 'of'"]),
])
def test_refused_when_built(make, words) -> None:
    with pytest.raises(ik.PolicyError) as err:
        make()
    for word in words:
        assert word in str(err.value)


@pytest.mark.parametrize(("rule", "words"), [
    (ik.Relation([ik.Aggregate("spend", program="pp")], "<=", 5),
     ["spend[pp] <= 5", "'pp'", "did you mean 'p'"]),
    (ik.Relation([ik.Aggregate("spend", programme="p")], "<=", 5),
     ["spend[p] <= 5", "'programme'", "did you mean 'program'"]),
    (ik.Relation([ik.Aggregate("jbos")], ">=", 5), ["jbos", "did you mean 'jobs'"]),
    (ik.Relation([P], "<=", 5, by="regoin"), ["'regoin'", "did you mean 'region'"]),
    (ik.Relation([P], "<=", {"Z": 1}, by="region"), ["rhs", "'Z'"]),
    (ik.Relation([ik.Aggregate("spend", region="A")], ">=", 5, by="region"),
     ["no term has any cell", "'B'", "0 >= 5"]),
])
def test_unknown_labels_are_named(tiny: ik.Dataset, rule: ik.Relation, words) -> None:
    with pytest.raises(ik.PolicyError) as err:
        ik.optimize(tiny, policy_of(rule))
    for word in words:
        assert word in str(err.value)


def test_scenario_file_maps_onto_the_objects(tiny: ik.Dataset) -> None:
    text = """
    budget: {total: 60}
    constraints:
      - relation:
          terms:
            - {of: spend, where: {program: p}}
            - {coef: -2, of: spend, where: {program: q}}
          sense: "<="
          by: region
    """
    policy = Reader("relation.yaml").policy(yaml.safe_load(text))
    assert policy.constraints[0] == ik.Relation([P, -2 * Q], "<=", by="region")
    written = yaml.safe_load(yaml.safe_dump([tagged(c) for c in policy.constraints]))
    again = Reader("again.yaml").policy({"budget": {"total": 60}, "constraints": written})
    assert again == policy
    assert ik.optimize(tiny, again).objective == pytest.approx(535.0)


def test_scenario_error_names_the_key() -> None:
    text = """
    budget: {total: 60}
    constraints:
      - relation: {terms: [{of: spend}], sense: "=<"}
    """
    with pytest.raises(ik.ScenarioError) as err:
        Reader("bad.yaml").policy(yaml.safe_load(text))
    assert "constraints[0].relation" in str(err.value)
    assert "'=<'" in str(err.value)


# ---------------------------------------------------------------------- properties
def _examples(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def instances(draw: st.DrawFn) -> ik.Dataset:
    """2-5 regions x 1-3 programs with random coefficients and capacities."""
    n_regions = draw(st.integers(2, 5))
    n_programs = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame({
        "region": [f"R{i}" for i in range(n_regions)],
        "population": rng.integers(100_000, 3_000_000, n_regions).astype(float),
        "kti": rng.random(n_regions) < 0.5,
    })
    programs = pd.DataFrame({"program": [f"g{j}" for j in range(n_programs)],
                             "channel": rng.choice(["DAK", "TP"], n_programs)})
    cells = pd.MultiIndex.from_product([regions["region"], programs["program"]],
                                       names=["region", "program"])
    n = len(cells)
    impacts = pd.DataFrame({"jobs": np.round(rng.uniform(0, 20, n), 3),
                            "value_added": np.round(rng.uniform(0, 5, n), 3),
                            "capacity": np.round(rng.uniform(1, 30, n), 3)}, index=cells)
    return ik.Dataset(regions, programs, impacts.reset_index())


@st.composite
def relations(draw: st.DrawFn, data: ik.Dataset) -> ik.Relation:
    """A random relation of 1-3 terms over programs, regions or KTI, national or by region."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        of = draw(st.sampled_from(["spend", "jobs", "value_added"]))
        level = draw(st.sampled_from(["program", "region", "kti", None]))
        where = None
        if level == "program":
            where = {level: draw(st.sampled_from(list(data.programs.index)))}
        elif level == "region":
            where = {level: draw(st.sampled_from(list(data.regions.index)))}
        elif level == "kti":
            where = {level: draw(st.booleans())}
        coef = draw(st.sampled_from([-3.0, -1.0, -0.5, 0.5, 1.0, 2.0]))
        terms.append(ik.Term(coef, of, where))
    sense = draw(st.sampled_from(["<=", ">=", "=="]))
    by = draw(st.sampled_from([None, "region"]))
    rhs = draw(st.sampled_from([0.0, 5.0, -5.0]))
    return ik.Relation(terms, sense, rhs, by=by)


@given(st.data())
@_examples(40)
def test_every_plan_meets_its_relations(case: st.DataObject) -> None:
    data = case.draw(instances())
    rule = case.draw(relations(data))
    try:
        result = ik.optimize(data, policy_of(rule, total=40.0))
    except ik.PolicyError:  # a group without terms whose 0 cannot meet the constant
        event("refused: empty group")
        return
    except ik.InfeasibleError:
        event("infeasible")
        return
    event("solved")
    assert relation_holds(data, rule, result.allocation)
    cbc = ik.optimize(data, policy_of(rule, total=40.0), solver="cbc")
    assert cbc.objective == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    assert relation_holds(data, rule, cbc.allocation)


@given(st.data())
@_examples(30)
def test_a_relation_already_met_changes_nothing(case: st.DataObject) -> None:
    data = case.draw(instances())
    base = ik.optimize(data, policy_of(total=40.0))
    drawn = case.draw(relations(data))
    # the same terms, bounded where the plan already is, with room to spare
    lhs = lhs_by_group(data, drawn, base.allocation)
    sense = case.draw(st.sampled_from(["<=", ">="]))
    room = 1.0 if sense == "<=" else -1.0
    rhs = ({k: float(v) + room for k, v in lhs.items()} if drawn.by is not None
           else float(lhs.iloc[0]) + room)
    rule = ik.Relation(drawn.terms, sense, rhs, by=drawn.by)
    result = ik.optimize(data, policy_of(rule, total=40.0))
    assert result.objective == pytest.approx(base.objective, rel=1e-9, abs=1e-9)
    assert relation_holds(data, rule, result.allocation)
