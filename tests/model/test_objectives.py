"""The objectives beyond Maximize/Weighted: poverty-weighted, max-min, min-cost, staged."""

from __future__ import annotations

import pytest

import ikmopt as ik

SOLVERS = ["highs", "cbc"]


BASE = ik.Policy(ik.Budget(total=971), [ik.RegionBounds(min_share=0.002)], ik.Maximize("jobs"))


def test_poverty_weighted_objective(provinces: ik.Dataset) -> None:
    policy = BASE.replace(objective=ik.PovertyWeighted("jobs"))
    result = ik.optimize(provinces, policy)
    p = provinces.regions["poverty_rate_pct"].to_numpy()
    pop = provinces.population
    weight = p / (p @ pop / pop.sum())
    jobs_by_region = result.by("region")["jobs"].to_numpy()
    assert result.objective == pytest.approx(float(weight @ jobs_by_region))
    plain = ik.optimize(provinces, BASE.replace(objective=ik.PovertyWeighted("jobs", strength=0)))
    assert plain.objective == pytest.approx(ik.optimize(provinces, BASE).objective)
    # money moves towards poorer provinces
    poverty_spend = lambda r: float(  # noqa: E731
        r.by("region")["spend"].to_numpy() @ p / r.outcomes["spend"]
    )
    assert poverty_spend(result) > poverty_spend(plain)


@pytest.mark.parametrize("solver", SOLVERS)
def test_maxmin_lifts_the_worst_region_as_far_as_possible(tiny: ik.Dataset,
                                                          solver: str) -> None:
    policy = ik.Policy(ik.Budget(total=60), objective=ik.MaxMin("jobs"))
    result = ik.optimize(tiny, policy, solver=solver)
    per_100k = result.per_capita["jobs"].to_numpy()
    z = per_100k.min()
    pop = tiny.population

    def feasible(level: float) -> bool:
        floors = {r: level * p / 1e5 for r, p in zip(tiny.regions.index, pop, strict=True)}
        try:
            ik.optimize(tiny, ik.Policy(ik.Budget(total=60),
                                        [ik.Target("jobs", min=floors, by="region")]))
        except ik.InfeasibleError:
            return False
        return True

    assert feasible(z * (1 - 1e-6)) and not feasible(z * (1 + 1e-4))
    assert result.outcomes["spend"] == pytest.approx(60)  # stage 2 spends what is left


def test_mincost_hand_solved(tiny: ik.Dataset) -> None:
    # 300 jobs: C-p (12/bn, cap 10) gives 120, then A-p (10/bn) 18 bn more: cost 28
    policy = ik.Policy(ik.Budget(total=60), objective=ik.MinCost([ik.Target("jobs", min=300)]))
    for solver in SOLVERS:
        result = ik.optimize(tiny, policy, solver=solver)
        assert result.objective == pytest.approx(28.0)
        assert result.outcomes["jobs"] == pytest.approx(300.0)
        target = result.constraints.query("family == 'target'").iloc[0]
        assert target["shadow_price"] == pytest.approx(0.1)  # Rp bn per extra job (1 / 10)
    with pytest.raises(ik.InfeasibleError):
        ik.optimize(tiny, ik.Policy(ik.Budget(total=60),
                                    objective=ik.MinCost([ik.Target("jobs", min=700)])))


@pytest.mark.parametrize("solver", SOLVERS)
def test_lexicographic_keeps_the_first_goal(provinces: ik.Dataset, solver: str) -> None:
    lex = ik.Lexicographic([ik.Maximize("jobs"), ik.Maximize("value_added")], tolerance=1e-4)
    result = ik.optimize(provinces, BASE.replace(objective=lex), solver=solver)
    best_jobs = ik.optimize(provinces, BASE, solver=solver)
    assert result.outcomes["jobs"] >= best_jobs.objective * (1 - 1e-4) - 1e-6
    assert result.outcomes["value_added"] >= best_jobs.outcomes["value_added"] - 1e-6
    assert result.objective == pytest.approx(result.outcomes["value_added"])
    assert "lexicographic" in set(result.constraints["family"])


def test_goal_program_hand_solved(tiny: ik.Dataset) -> None:
    budget = ik.Budget(total=60)
    unreachable = ik.GoalProgram([ik.Target("jobs", min=700)])
    for solver in SOLVERS:
        result = ik.optimize(tiny, ik.Policy(budget, objective=unreachable), solver=solver)
        goal = result.goals.iloc[0]
        assert goal["shortfall"] == pytest.approx(80.0)  # best possible is 620 jobs
        assert goal["achieved"] == pytest.approx(620.0)
        assert result.objective == pytest.approx(80 / 700)
    reachable = ik.GoalProgram([ik.Target("jobs", min=500), ik.Target("value_added", min=60)])
    result = ik.optimize(tiny, ik.Policy(budget, objective=reachable))
    assert result.objective == pytest.approx(0.0, abs=1e-9)
    assert (result.goals["shortfall"] <= 1e-9).all()
    assert result.outcomes["jobs"] >= 500 - 1e-6 and result.outcomes["value_added"] >= 60 - 1e-6
    # two goals that cannot both be met: the reported deviations are the objective
    both = ik.GoalProgram([ik.Target("jobs", min=700), ik.Target("value_added", min=100)])
    result = ik.optimize(tiny, ik.Policy(budget, objective=both))
    cbc = ik.optimize(tiny, ik.Policy(budget, objective=both), solver="cbc")
    assert result.objective == pytest.approx(cbc.objective)
    goals = result.goals.set_index("goal")
    assert goals.loc["jobs min", "achieved"] == pytest.approx(result.outcomes["jobs"])
    assert result.objective == pytest.approx(
        goals.loc["jobs min", "shortfall"] / 700 + goals.loc["value_added min", "shortfall"] / 100
    )


def test_objective_errors() -> None:
    with pytest.raises(ik.PolicyError, match="Target"):
        ik.MinCost([])
    with pytest.raises(ik.PolicyError, match="weights"):
        ik.GoalProgram([ik.Target("jobs", min=1)], weights=[1, 2])
    with pytest.raises(ik.PolicyError, match="Lexicographic"):
        ik.Lexicographic([ik.MaxMin("jobs")])
    with pytest.raises(ik.PolicyError, match="strength"):
        ik.PovertyWeighted("jobs", strength=-1)
