"""Pots: funding channels whose money cannot cross, each with its own ceiling.

Hand-solved on tiny (DAK funds p, TP funds q); a property test over random pot ceilings and
many-to-many funding checks, on HiGHS and CBC, that no pot spends more than its ceiling or
on a program it does not fund, against a transportation LP written directly in PuLP.
"""

from __future__ import annotations

import warnings

import cbcbox
import numpy as np
import pandas as pd
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ikmopt as ik
from helpers.errors import assert_names, policy_error
from helpers.planning import POTS


def solve(data, *rules, pots=POTS, **budget):
    policy = ik.Policy(budget=ik.Budget(pots=pots, **budget), constraints=list(rules))
    return ik.optimize(data, policy)


# ---------------------------------------------------------------------- hand-solved
def test_pots_hold_money_apart(tiny):
    # pooled Rp 50 bn would buy C-p 10 and A-p 40 (520 jobs); pots keep Rp 20 bn for q
    result = solve(tiny)
    alloc = result.allocation
    assert alloc[("C", "p")] == pytest.approx(10)
    assert alloc[("A", "p")] == pytest.approx(20)
    assert alloc[("A", "q")] == pytest.approx(20)
    assert result.objective == pytest.approx(12 * 10 + 10 * 20 + 6 * 20)
    pooled = ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=50)))
    assert pooled.objective == pytest.approx(520)


def test_pot_table_prices_match_a_finite_difference(tiny):
    result = solve(tiny)
    table = result.pots()
    assert list(table.index) == ["DAK", "TP"]
    assert table.loc["DAK", "spent"] == pytest.approx(30)
    assert table.loc["TP", "unspent"] == pytest.approx(0)
    assert table.loc["DAK", "programs"] == "p"
    assert table.loc["DAK", "recipients"] == 2
    for k, pot in enumerate(POTS):
        more = list(POTS)
        more[k] = ik.Pot(pot.name, pot.ceiling + 1, level=pot.level)
        gain = solve(tiny, pots=more).objective - result.objective
        assert table.loc[pot.name, "price"] == pytest.approx(gain)
    assert table.loc["DAK", "price"] == pytest.approx(10)  # the next Rp bn goes to A-p
    assert table.loc["TP", "price"] == pytest.approx(6)  # and to A-q
    derivative = result.sensitivity().set_index("path")["derivative"]
    assert derivative["budget.pots[0].ceiling"] == pytest.approx(10)
    assert derivative["budget.pots[1].ceiling"] == pytest.approx(6)


def test_pot_allocation_lists_where_each_pot_goes(tiny):
    spent = solve(tiny).pot_allocation()
    assert set(spent.columns) >= {"pot", "level", "region", "program", "spend"}
    dak = spent[spent["pot"] == "DAK"].set_index("region")["spend"]
    assert dak.to_dict() == pytest.approx({"A": 20, "C": 10})
    assert set(spent.loc[spent["pot"] == "TP", "program"]) == {"q"}


def test_funds_overrides_the_channel_and_many_to_many(tiny):
    # "both" fills every p cell (90) and its last 10 go to q, beside TP's 5 (q is funded
    # from two pots)
    pots = [ik.Pot("both", 100, funds=["p", "q"]), ik.Pot("TP", 5)]
    result = solve(tiny, pots=pots)
    assert result.objective == pytest.approx(12 * 10 + 10 * 50 + 8 * 30 + 6 * 15)
    assert result.allocation[("A", "q")] == pytest.approx(15)
    spent = result.pot_allocation()
    assert spent[spent["pot"] == "both"].groupby("program")["spend"].sum().to_dict() == (
        pytest.approx({"p": 90, "q": 10}))


def test_programs_pots_column_is_read(tables):
    regions, programs, impacts = tables
    programs["pots"] = ["DAK; APBN", "TP"]
    data = ik.Dataset(regions, programs, impacts)
    result = solve(data, pots=[ik.Pot("DAK", 10), ik.Pot("APBN", 10), ik.Pot("TP", 5)])
    table = result.pots()
    assert table.loc["APBN", "programs"] == "p"
    assert result.allocation.xs("p", level="program").sum() == pytest.approx(20)


def test_spend_all_with_pots_spends_each_pot(tiny):
    pots = [ik.Pot("DAK", 30), ik.Pot("TP", 5)]
    policy = ik.Policy(budget=ik.Budget(pots=pots, spend_all=True),
                       objective=ik.Maximize("value_added"))
    result = ik.optimize(tiny, policy)
    assert result.pots()["spent"].to_dict() == pytest.approx({"DAK": 30, "TP": 5})


def test_total_and_pots_together(tiny):
    result = solve(tiny, total=35)
    assert result.allocation.sum() == pytest.approx(35)
    assert result.pots().loc["DAK", "spent"] <= 30 + 1e-9


def test_unspent_pot_is_reported(tiny):
    with pytest.warns(ik.UnspentBudgetWarning, match="pot TP"):
        result = solve(tiny, ik.RegionBounds(max=10, regions=["A", "B", "C"]))
    assert "pot TP" in set(result.unspent.rows["label"])


# ---------------------------------------------------------------------- errors
def test_pot_validation_names_the_field():
    assert_names(policy_error(lambda: ik.Pot("", 5)), "name")
    assert_names(policy_error(lambda: ik.Pot("DAK", -1)), "ceiling")
    assert_names(policy_error(lambda: ik.Pot("DAK", 5, level="regencies")), "level",
                 "regency")
    assert_names(policy_error(lambda: ik.Pot("DAK", 5, funds=[1])), "funds")
    assert_names(policy_error(lambda: ik.Budget(pots=[ik.Pot("a", 1), ik.Pot("a", 2)])),
                 "given twice")
    assert_names(policy_error(lambda: ik.Budget(pots=[{"name": "a", "cieling": 1}])),
                 "cieling")


def test_a_program_no_pot_funds_is_refused(tiny):
    err = policy_error(lambda: solve(tiny, pots=[ik.Pot("DAK", 30)]))
    assert_names(err, "no pot funds", "q")


def test_a_pot_funding_an_unknown_program_is_refused(tiny):
    err = policy_error(lambda: solve(tiny, pots=[ik.Pot("DAK", 30, funds=["pp"]),
                                                 ik.Pot("TP", 5)]))
    assert_names(err, "DAK", "pp", "did you mean 'p'")


def test_pots_from_a_mapping_use_the_channel(tiny):
    result = solve(tiny, pots={"DAK": 30, "TP": 20})
    assert result.objective == pytest.approx(440)


def test_projects_are_paid_from_their_pot(tables):
    regions, programs, impacts = tables
    projects = pd.DataFrame({"project": ["X"], "region": ["B"], "program": ["q"],
                             "cost": [15.0], "jobs": [200.0], "value_added": [1.0]})
    data = ik.Dataset(regions, programs, impacts, projects=projects)
    result = solve(data)
    assert bool(result.projects.loc["X", "built"])
    assert result.pots().loc["TP", "spent"] == pytest.approx(20)
    both = [ik.Pot("DAK", 30, funds=["p", "q"]), ik.Pot("TP", 20)]
    err = policy_error(lambda: solve(data, pots=both))
    assert_names(err, "project", "pot")


# ---------------------------------------------------------------------- property
def _pulp_optimum(data: ik.Dataset, pots: list[ik.Pot]) -> float:
    """The same plan as a transportation LP written directly (cells x pots)."""
    model = pulp.LpProblem("pots", pulp.LpMaximize)
    jobs = data.impacts["jobs"]
    cap = data.impacts["capacity"]
    y = {}
    for k, pot in enumerate(pots):
        for cell in data.cells:
            if cell[1] in pot.funds:
                y[cell, k] = model.add_variable(f"y_{k}_{cell[0]}_{cell[1]}", lowBound=0)
    model += pulp.lpSum(float(jobs[c]) * v for (c, _), v in y.items())
    for k, pot in enumerate(pots):
        model += pulp.lpSum(v for (c, j), v in y.items() if j == k) <= pot.ceiling
    for cell in data.cells:
        model += pulp.lpSum(v for (c, _), v in y.items() if c == cell) <= float(cap[cell])
    model.solve(pulp.COIN_CMD(path=cbcbox.cbc_bin_path(), msg=False))
    return float(pulp.value(model.objective) or 0.0)


@st.composite
def pot_instances(draw):
    n_regions = draw(st.integers(2, 4))
    n_programs = draw(st.integers(1, 3))
    n_pots = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    regions = pd.DataFrame({"region": [f"R{i}" for i in range(n_regions)],
                            "population": rng.integers(1e5, 1e6, n_regions)})
    programs = pd.DataFrame({"program": [f"P{j}" for j in range(n_programs)]})
    impacts = pd.DataFrame({
        "region": np.repeat(regions["region"], n_programs).to_numpy(),
        "program": np.tile(programs["program"], n_regions),
        "jobs": np.round(rng.uniform(0.5, 20, n_regions * n_programs), 3),
        "capacity": np.round(rng.uniform(1, 30, n_regions * n_programs), 2)})
    funds = rng.random((n_pots, n_programs)) < 0.6
    funds[rng.integers(0, n_pots, n_programs), np.arange(n_programs)] = True  # all funded
    pots = [ik.Pot(f"K{k}", float(np.round(rng.uniform(0, 60), 2)),
                   funds=[f"P{j}" for j in np.flatnonzero(funds[k])] or ["P0"])
            for k in range(n_pots)]
    return ik.Dataset(regions, programs, impacts), pots


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(instance=pot_instances())
def test_money_never_crosses_pots(solver, instance):
    data, pots = instance
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        result = ik.optimize(data, ik.Policy(budget=ik.Budget(pots=pots)), solver=solver)
    spent = result.pot_allocation()
    by_pot = spent.groupby("pot")["spend"].sum()
    for pot in pots:
        assert by_pot.get(pot.name, 0.0) <= pot.ceiling * (1 + 1e-7) + 1e-7
        used = set(spent.loc[spent["pot"] == pot.name, "program"])
        assert used <= set(pot.funds), f"{pot.name} paid for {used - set(pot.funds)}"
    # every cell's spend is what its pots gave it
    per_cell = spent.groupby(["region", "program"])["spend"].sum()
    alloc = result.allocation[result.allocation > 1e-9]
    assert per_cell.reindex(alloc.index).to_numpy() == pytest.approx(alloc.to_numpy())
    assert result.objective == pytest.approx(_pulp_optimum(data, pots), rel=1e-6, abs=1e-6)


def test_a_dataset_given_as_the_default_budget_is_a_typed_error_that_says_where_it_goes():
    data = ik.datasets.load("indonesia-provinces")
    with pytest.raises(ik.PolicyError, match=r"default_policy\(data=data\)"):
        ik.default_policy(data)
    assert ik.default_policy(np.int64(800)).budget.total == 800.0
