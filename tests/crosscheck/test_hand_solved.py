"""Small instances solved by hand, with their known optima."""

from __future__ import annotations

import pytest

import ikmopt as ik

SOLVERS = ["highs", "cbc", "pulp-highs"]


@pytest.mark.parametrize("solver", SOLVERS)
def test_greedy_optimum_without_equity(tiny: ik.Dataset, solver: str) -> None:
    # jobs per Rp bn: C-p 12 (cap 10), A-p 10 (cap 50), B-p 8 ...; budget 60 fills C-p then
    # A-p: 10*12 + 50*10 = 620 jobs. The next Rp bn would go to B-p: shadow price 8.
    result = ik.optimize(tiny, ik.Policy(ik.Budget(total=60)), solver=solver)
    assert result.objective == pytest.approx(620.0)
    alloc = result.allocation
    assert alloc[("C", "p")] == pytest.approx(10.0)
    assert alloc[("A", "p")] == pytest.approx(50.0)
    assert alloc.sum() == pytest.approx(60.0)
    budget = result.constraints.set_index("label").loc["total"]
    assert budget["shadow_price"] == pytest.approx(8.0)
    assert result.outcomes["value_added"] == pytest.approx(10 * 0.8 + 50 * 1.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_kti_share_moves_money_east(tiny: ik.Dataset, solver: str) -> None:
    # KTI (B, C) >= 50 % of 60: C-p 10 + B-p 20 in the east, A-p 30 in the west.
    # jobs = 120 + 160 + 300 = 580. One more Rp bn: half east at 8, half west at 10 -> 9.
    # Raising the share by 1.0 moves 60 from A-p (10) to B-p (8): -120 per unit of share.
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("kti", min=0.5)])
    result = ik.optimize(tiny, policy, solver=solver)
    assert result.objective == pytest.approx(580.0)
    assert result.allocation[("B", "p")] == pytest.approx(20.0)
    table = result.constraints.set_index("label")
    assert table.loc["total", "shadow_price"] == pytest.approx(9.0)
    assert table.loc["kti=True min", "activity"] == pytest.approx(0.5)
    assert table.loc["kti=True min", "shadow_price"] == pytest.approx(-120.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_program_limit_and_spend_all(tiny: ik.Dataset, solver: str) -> None:
    # Program p limited to Rp 30 bn, all of 60 must be spent: C-p 10, A-p 20 (p = 30),
    # then q by jobs: A-q 6 (30 needed) -> jobs 120 + 200 + 180 = 500.
    policy = ik.Policy(ik.Budget(total=60, by={"program": {"p": 30}}, spend_all=True))
    result = ik.optimize(tiny, policy, solver=solver)
    assert result.objective == pytest.approx(500.0)
    assert result.by("program").loc["p", "spend"] == pytest.approx(30.0)
    assert result.outcomes["spend"] == pytest.approx(60.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_per_capita_floor_and_value_added_target(tiny: ik.Dataset, solver: str) -> None:
    # Rp 10,000 per inhabitant for C (500,000 people) = Rp 5 bn: already met by C-p.
    # A value-added target of 60 with budget 60: best jobs plan gives 58 VA, so money moves
    # from A-p (10 jobs, 1.0 VA) to A-q (6 jobs, 2.0 VA): 2 bn moved, jobs 620 - 8 = 612.
    policy = ik.Policy(
        ik.Budget(total=60),
        [ik.RegionBounds(min_rp_per_capita={"C": 10_000}), ik.Target("value_added", min=60)],
    )
    result = ik.optimize(tiny, policy, solver=solver)
    assert result.objective == pytest.approx(612.0)
    assert result.outcomes["value_added"] == pytest.approx(60.0)
    assert result.allocation[("A", "q")] == pytest.approx(2.0)


def test_weighted_objective_is_normalized_by_single_optima(tiny: ik.Dataset) -> None:
    # Optimum of jobs alone is 620; of value added alone: A-q 50*2 + B-q 10*1.5 = 115.
    policy = ik.Policy(ik.Budget(total=60), objective=ik.Weighted(jobs=1.0, value_added=1.0))
    result = ik.optimize(tiny, policy)
    assert result.optima == pytest.approx({"jobs": 620.0, "value_added": 115.0})
    out = result.outcomes
    assert result.objective == pytest.approx(out["jobs"] / 620 + out["value_added"] / 115)
    # scaling a weight pair leaves the plan unchanged (weights are relative)
    doubled = ik.optimize(tiny, policy.replace(objective=ik.Weighted(jobs=2.0, value_added=2.0)))
    assert doubled.allocation.to_numpy() == pytest.approx(result.allocation.to_numpy())


def test_group_share_by_category_mapping(tiny: ik.Dataset) -> None:
    # island_group 'west' (A) at most 25 % of spend: A gets 15, the rest goes east by jobs
    # C-p 10 (120), B-p 30 (240), B-q... budget 60 -> east 45: C-p 10, B-p 30, C-q 5 (25)
    policy = ik.Policy(ik.Budget(total=60), [ik.GroupShare("island_group", max={"west": 0.25})])
    result = ik.optimize(tiny, policy)
    assert result.by("island_group").loc["west", "spend"] == pytest.approx(15.0)
    assert result.objective == pytest.approx(15 * 10 + 120 + 240 + 25)
