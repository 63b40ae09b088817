"""Risk-aware objectives (CVaR, expected value) and how their plans hold up under simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.uncertainty import REALIZATION, stream


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load(uncertainty=True)


BASE = ik.Policy(ik.Budget(total=971),
                 [ik.RegionBounds(min_share=0.005), ik.GroupShare("kti", min=0.4)])


def linear_data() -> ik.Dataset:
    """No curves: a scenario's jobs are exactly sum_c a_c M_sc R_sc x_c."""
    regions = pd.DataFrame({"population": [1e6, 2e6, 3e6]}, index=["A", "B", "C"])
    programs = pd.DataFrame({"channel": ["X", "Y"]}, index=["p", "q"])
    impacts = pd.DataFrame({"region": np.repeat(["A", "B", "C"], 2), "program": ["p", "q"] * 3,
                            "jobs": [10.0, 8.0, 9.0, 12.0, 7.0, 11.0], "capacity": 10.0})
    uncertainty = pd.DataFrame([
        {"metric": "jobs", "distribution": "lognormal", "spread": 0.4, "program": "p"},
        {"metric": "jobs", "distribution": "lognormal", "spread": 0.1, "program": "q",
         "correlation": 0.8, "correlated_by": "program"},
        {"metric": "realization", "distribution": "triangular", "low": 0.6, "mode": 0.8,
         "high": 1.0, "channel": "X"},
    ])
    return ik.Dataset(regions, programs, impacts, uncertainty=uncertainty)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_cvar_objective_is_the_sample_cvar_of_its_plan(solver):
    data = linear_data()
    objective = ik.CVaR("jobs", alpha=0.2, samples=300, seed=4)
    plan = ik.optimize(data, ik.Policy(ik.Budget(total=30), objective=objective), solver=solver)
    # the same scenarios, drawn again by hand from the documented streams (one chunk each)
    m = data.uncertainty.sample("jobs", 300, data.n_cells, stream(4, 0, "jobs"))  # cells x draws
    r = data.uncertainty.sample(REALIZATION, 300, data.n_cells, stream(4, 0, REALIZATION))
    y = plan.allocation.to_numpy() @ (m * r * data.coefficients("jobs")[:, None])
    worst = np.sort(y)[:60]
    assert plan.objective == pytest.approx(worst.mean(), rel=1e-7)


def test_cvar_at_alpha_one_is_the_expected_value(bundled):
    ev = ik.optimize(bundled, BASE.replace(objective=ik.ExpectedValue("jobs", samples=300)))
    cvar1 = ik.optimize(bundled, BASE.replace(objective=ik.CVaR("jobs", alpha=1.0,
                                                                  samples=300)))
    assert cvar1.objective == pytest.approx(ev.objective, rel=1e-7)
    # the expected value of the sample equals the mean of the simulated outcomes' LP form
    assert ev.outcomes["jobs"] == pytest.approx(cvar1.outcomes["jobs"], rel=1e-4)


def test_the_cvar_plan_holds_up_better_on_a_fresh_sample(bundled):
    point = ik.optimize(bundled, BASE.replace(objective=ik.Maximize("jobs")))
    robust = ik.optimize(bundled, BASE.replace(objective=ik.CVaR("jobs", alpha=0.1,
                                                                   samples=500, seed=0)))
    table = ik.compare_plans({"point": point, "robust": robust}, n=40_000, seed=2026)
    jobs = table[table["metric"] == "jobs"].set_index("plan")
    assert jobs.loc["robust", "cvar"] >= jobs.loc["point", "cvar"]
    # and it pays for it in point-estimate jobs
    assert robust.outcomes["jobs"] <= point.outcomes["jobs"] + 1e-6


def test_risk_objectives_in_a_scenario_file(tmp_path):
    file = tmp_path / "robust.yaml"
    file.write_text("dataset: {name: indonesia-provinces}\nbudget: {total: 2500}\n"
                    "objective:\n  cvar: {metric: jobs, alpha: 0.2, samples: 100}\n")
    scenario = ik.load_scenario(file)
    assert scenario.policy.objective == ik.CVaR("jobs", alpha=0.2, samples=100)
    assert ik.Scenario.from_yaml(scenario.to_yaml()) == scenario


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: ik.CVaR("jobs", alpha=0), ["alpha", "(0, 1]"]),
        (lambda: ik.CVaR("jobs", alpha=1.5), ["alpha"]),
        (lambda: ik.CVaR("jobs", samples=0), ["samples"]),
        (lambda: ik.ExpectedValue("jobs", seed=-1), ["seed"]),
        (lambda: ik.ExpectedValue(""), ["metric"]),
    ],
)
def test_bad_risk_objectives_are_refused(make, words):
    with pytest.raises(ik.PolicyError) as err:
        make()
    assert all(w in str(err.value) for w in words)


def test_risk_objectives_need_an_uncertainty_table():
    with pytest.raises(ik.PolicyError, match="no uncertainty table"):
        ik.optimize(ik.datasets.load(), BASE.replace(objective=ik.CVaR("jobs")))
    with pytest.raises(ik.PolicyError, match="non-empty mapping"):
        ik.compare_plans({})
