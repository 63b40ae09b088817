"""Discrete projects (MIP): hand-solved and brute-force-checked selections on both solvers."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.projects import policy, small

SOLVERS = ["highs", "cbc"]


def built(result: ik.Result) -> list[str]:
    return sorted(result.projects.index[result.projects["built"]])


# ---------------------------------------------------------------------- hand-solved
@pytest.mark.parametrize("solver", [*SOLVERS, "pulp-highs"])
def test_hand_solved_selection(solver):
    # Rp 20 bn, one project per region. A1 + B1 cost 18 and give 250 jobs; the last Rp 2 bn
    # go to training in A (10 jobs per bn): 270. Every other feasible choice gives less
    # (A1 + C1 + Rp 5 bn: 245; A2 + B1 + Rp 6 bn: 228; A2 + B1 + C1 + Rp 1 bn: 225;
    # training alone: 120).
    result = ik.optimize(small(), policy(), solver=solver)
    assert result.objective == pytest.approx(270)
    assert built(result) == ["A1", "B1"]
    assert result.allocation.to_dict() == pytest.approx(
        {("A", "t"): 2, ("A", "s"): 10, ("B", "t"): 0, ("B", "s"): 8, ("C", "t"): 0,
         ("C", "s"): 0}
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_force_and_forbid_single_projects(solver):
    data = small()
    # C1 forced in: C1 + A1 + Rp 5 bn of training in A = 45 + 150 + 50
    forced = ik.optimize(data, policy(ik.ProjectCount(min={"C1": 1}, by="project")),
                         solver=solver)
    assert forced.objective == pytest.approx(245)
    assert built(forced) == ["A1", "C1"]
    # A1 kept out: A2 + B1 + Rp 5 bn in A and Rp 1 bn in B = 70 + 100 + 50 + 8
    # (A2 + B1 + C1 + Rp 1 bn in A: 225)
    kept_out = ik.optimize(data, policy(ik.ProjectCount(max={"A1": 0}, by="project")),
                           solver=solver)
    assert kept_out.objective == pytest.approx(228)
    assert built(kept_out) == ["A2", "B1"]


@pytest.mark.parametrize("solver", SOLVERS)
def test_count_by_a_regions_column_and_in_total(solver):
    data = small()
    # one project per site: A and B share site "n", so A1 (n) and C1 (s): 195 + Rp 5 bn in A
    # (A1 alone with Rp 10 bn of training: 240; B1 + C1 + Rp 7 bn: 211)
    by_site = ik.optimize(data, policy(ik.ProjectCount(max=1, by="site")), solver=solver)
    assert built(by_site) == ["A1", "C1"]
    assert by_site.objective == pytest.approx(245)
    # at most one project at all: A1 + Rp 10 bn (A: 5 x 10, B: 5 x 8) = 240
    # (C1 + Rp 15 bn: 165; B1 + Rp 12 bn: 190)
    one = ik.optimize(data, policy(ik.ProjectCount(max=1)), solver=solver)
    assert built(one) == ["A1"]
    assert one.objective == pytest.approx(240)


@pytest.mark.parametrize("solver", SOLVERS)
def test_project_cost_counts_in_spend_rules(solver):
    data = small()
    # region A may receive at most Rp 9 bn: A1 (Rp 10 bn) cannot be built
    capped = ik.optimize(data, policy(ik.RegionBounds(max={"A": 9})), solver=solver)
    assert "A1" not in built(capped)
    assert capped.by("region").loc["A", "spend"] <= 9 + 1e-9
    # A2 + B1 + C1 = 19 with Rp 1 bn of training in A (70 + 100 + 45 + 10) against
    # A2 + B1 + Rp 3 bn in A + Rp 3 bn in B (170 + 30 + 24): the former wins
    assert capped.objective == pytest.approx(225)
    assert built(capped) == ["A2", "B1", "C1"]
    # region C must get 30 % of all spend: C1 (5) + C training up to 5 = 10 of at most 20
    share = ik.optimize(data, policy(ik.GroupShare("site", value="s", min=0.3)), solver=solver)
    by_site = share.by("site")
    assert by_site.loc["s", "share"] >= 0.3 - 1e-9
    # hand: C1 + A1 = 15, 5 left; C needs 6 of 20 -> C training 1 + A training 4:
    # 45 + 150 + 6 + 40 = 241 (B1 + C1 + C training 1 + A 5 + B 1 = 209 is worse)
    assert share.objective == pytest.approx(241)


@pytest.mark.parametrize("solver", SOLVERS)
def test_min_cost_counts_project_costs(solver):
    # cheapest way to 250 jobs: A1 + B1 (Rp 18 bn, exactly 250 jobs); A1 with training
    # instead costs 10 + 5 + 5 + 10/6
    result = ik.optimize(small(), policy(
        objective=ik.MinCost([ik.Target("jobs", min=250)]), total=100), solver=solver)
    assert result.objective == pytest.approx(18)
    assert built(result) == ["A1", "B1"]


# ---------------------------------------------------------------------- brute force
def brute_force(regions, a, cap, proj_region, cost, jobs, budget) -> float:
    """Best jobs: every subset with at most one project per region, then greedy training."""
    order = np.argsort(-a)
    best = -np.inf
    for subset in itertools.product([0, 1], repeat=len(cost)):
        z = np.array(subset)
        if np.bincount(proj_region[z == 1], minlength=len(regions)).max(initial=0) > 1:
            continue
        left = budget - cost @ z
        if left < -1e-12:
            continue
        value = jobs @ z
        for c in order:  # fractional knapsack: fill the best cells first
            take = min(cap[c], left)
            value += a[c] * take
            left -= take
        best = max(best, value)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_selection_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    regions = ["A", "B", "C"]
    a = rng.uniform(1, 12, 3).round(2)
    cap = rng.uniform(1, 8, 3).round(2)
    k = int(rng.integers(2, 7))
    proj_region = rng.integers(0, 3, k)
    cost = rng.uniform(2, 12, k).round(2)
    jobs = (cost * rng.uniform(3, 18, k)).round(1)
    budget = float(rng.uniform(8, 30))
    impacts = pd.DataFrame({"region": regions * 2, "program": ["t"] * 3 + ["s"] * 3,
                            "jobs": [*a, 0, 0, 0], "capacity": [*cap, 0, 0, 0]})
    projects = pd.DataFrame({"project": [f"p{i}" for i in range(k)],
                             "region": [regions[r] for r in proj_region], "program": "s",
                             "cost": cost, "jobs": jobs})
    data = ik.Dataset(pd.DataFrame({"population": [1.0, 1.0, 1.0]}, index=regions),
                      pd.DataFrame({"name": ["t", "s"]}, index=["t", "s"]), impacts,
                      projects=projects)
    expected = brute_force(regions, a, cap, proj_region, cost, jobs, budget)
    for solver in SOLVERS:
        result = ik.optimize(data, policy(total=budget), solver=solver)
        assert result.objective == pytest.approx(expected, rel=1e-6, abs=1e-6), solver
        # the reported plan is consistent: its measured jobs equal the objective
        assert result.outcomes["jobs"] == pytest.approx(expected, rel=1e-6, abs=1e-6)
        assert result.outcomes["spend"] <= budget + 1e-7


# ---------------------------------------------------------------------- reporting
def test_result_reports_projects_and_no_duals(tmp_path):
    data = small()
    result = ik.optimize(data, policy())
    assert result.allocation.sum() == pytest.approx(result.outcomes["spend"])
    by_region = result.by("region")
    assert by_region.loc["A", "project_spend"] == pytest.approx(10)
    assert by_region.loc["A", "projects_built"] == 1
    assert by_region.loc["C", "project_spend"] == 0
    assert result.projects.loc["A1", "built"] and not result.projects.loc["A2", "built"]
    assert result.constraints["shadow_price"].isna().all()
    assert result.reduced_costs.isna().all()
    text = result.summary()
    assert "Projects built: 2 of 4, Rp 18.0 bn" in text
    assert "no shadow prices" in text
    # a cell's spend includes its project; project_spend tells the two apart
    frame = result.to_frame()
    assert frame.loc[("A", "s"), "spend"] == pytest.approx(10)
    assert frame.loc[("A", "s"), "project_spend"] == pytest.approx(10)
    result.to_csv(tmp_path / "out")
    saved = pd.read_csv(tmp_path / "out" / "projects.csv")
    assert sorted(saved.loc[saved["built"], "project"]) == ["A1", "B1"]


def test_bundled_example_projects_agree_across_solvers():
    from ikmopt.model.defaults import default_policy

    data = ik.datasets.load("indonesia-provinces", projects=True)
    assert data.n_projects == 38
    assert (data.projects.table["program"] == "sentra").all()
    policy_ = default_policy().add(ik.ProjectCount(max=1, by="region"))
    highs = ik.optimize(data, policy_)
    cbc = ik.optimize(data, policy_, solver="cbc")
    assert highs.objective == pytest.approx(cbc.objective, rel=1e-6)
    assert highs.lp.is_mip
    # the plan keeps every rule with the project money counted
    kti = highs.by("kti")
    assert kti.loc[True, "share"] >= 0.4 - 1e-9
    assert highs.by("region")["spend"].min() >= 0.005 * policy_.budget.total - 1e-7


# ---------------------------------------------------------------------- bad input
def test_project_count_errors_name_the_problem():
    data = small()
    with pytest.raises(ik.PolicyError, match="no projects table"):
        ik.optimize(ik.datasets.synthetic(n_regions=2, n_programs=2, seed=0), policy())
    with pytest.raises(ik.PolicyError, match="only 1 candidate"):
        ik.optimize(data, policy(ik.ProjectCount(min={"B": 2}, by="region")))
    with pytest.raises(ik.PolicyError, match=r"unknown.*'Q'"):
        ik.optimize(data, policy(ik.ProjectCount(max={"Q": 1}, by="region")))
    with pytest.raises(ik.PolicyError, match="needs by="):
        ik.ProjectCount(max={"A": 1})
    with pytest.raises(ik.PolicyError, match="min 2 is above max 1"):
        ik.ProjectCount(min=2, max=1)
    with pytest.raises(ik.PolicyError, match="needs max= and/or min="):
        ik.ProjectCount()
    with pytest.raises(ik.PolicyError, match=r"unknown level.*projects column: \['project'"):
        ik.optimize(data, policy(ik.ProjectCount(max=1, by="nowhere")))


def test_gini_cap_counts_project_spend():
    data = small()
    results = [ik.optimize(data, policy(ik.GiniCap(max=0.3)), solver=s) for s in SOLVERS]
    assert results[0].objective == pytest.approx(results[1].objective)
    spend = results[0].by("region")["spend"].to_numpy()
    pop = data.population
    y, w = spend / pop, pop / pop.sum()
    # population-weighted Gini, written out: sum_ij w_i w_j |y_i - y_j| / (2 mean)
    gini = (w[:, None] * w[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * (w @ y))
    assert gini <= 0.3 + 1e-7
    # the uncapped plan (A1 + B1 + Rp 2 bn in A) is more unequal than the cap allows
    assert results[0].objective < ik.optimize(data, policy()).objective
