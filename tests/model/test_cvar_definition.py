"""One definition of CVaR (Rockafellar-Uryasev) and one random stream for optimizer and simulation.

The methodology defines ``CVaR_alpha`` of ``n`` outcomes as the mean of the worst ``alpha n``,
the boundary draw weighted by the fractional part, and says that ``simulate(plan, n=S,
seed=k)`` draws the ``S`` scenarios of ``CVaR(samples=S, seed=k)``. Each test computes the
documented quantity independently: the Rockafellar-Uryasev maximum over ``eta`` by brute
force, the accrual weight by its formula, scenarios from the streams by hand.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.uncertainty import CHUNK, REALIZATION, stream


def ru_cvar(values: np.ndarray, alpha: float) -> float:
    """``max_eta eta - 1/(alpha n) sum max(eta - y, 0)``: concave, piecewise linear with kinks
    at the values, so its maximum is at one of them (brute force over all of them)."""
    y = np.asarray(values, dtype=float)
    eta = y[:, None]
    return float(np.max(eta[:, 0] - np.maximum(eta - y[None, :], 0).sum(axis=1)
                        / (alpha * len(y))))


def linear_data() -> ik.Dataset:
    """No curves, no projects: scenario jobs are exactly ``sum_c a_c M_sc R_sc x_c``."""
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


@pytest.mark.parametrize(("n", "alpha"), [(25, 0.1), (7, 0.3), (3000, 0.1), (40, 1.0)])
def test_simulation_cvar_is_the_rockafellar_uryasev_value(n, alpha):
    data = linear_data()
    sim = ik.simulate(pd.Series(3.0, index=data.cells), data=data, n=n, seed=11)
    jobs = sim.draws["jobs"].to_numpy()
    assert sim.cvar(alpha)["jobs"] == pytest.approx(ru_cvar(jobs, alpha), rel=1e-12)
    if alpha * n != int(alpha * n):
        # not the mean of the ceil(alpha n) smallest draws (the former definition)
        worst = np.sort(jobs)[:int(np.ceil(alpha * n))].mean()
        assert sim.cvar(alpha)["jobs"] < worst - 1e-6 * abs(worst)
    # summary and compare_plans report the same number
    assert sim.summary(alpha).loc["jobs", f"cvar_{alpha:g}"] == sim.cvar(alpha)["jobs"]


def test_the_boundary_draw_weight_for_25_draws_at_10_percent():
    data = linear_data()
    sim = ik.simulate(pd.Series(3.0, index=data.cells), data=data, n=25, seed=2)
    y = np.sort(sim.draws["jobs"].to_numpy())
    assert sim.cvar(0.1)["jobs"] == pytest.approx((y[0] + y[1] + 0.5 * y[2]) / 2.5, rel=1e-12)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize(("samples", "alpha", "seed"), [(25, 0.1, 0), (1250, 0.05, 3)])
def test_simulate_with_the_same_seed_reproduces_the_optimized_cvar(solver, samples, alpha, seed):
    # 1250 samples span two chunks of the streams
    data = linear_data()
    plan = ik.optimize(data, ik.Policy(ik.Budget(total=30), objective=ik.CVaR(
        "jobs", alpha=alpha, samples=samples, seed=seed)), solver=solver)
    sim = ik.simulate(plan, n=samples, seed=seed)
    assert plan.objective == pytest.approx(sim.cvar(alpha)["jobs"], rel=1e-7)
    assert plan.objective == pytest.approx(ru_cvar(sim.draws["jobs"].to_numpy(), alpha),
                                           rel=1e-7)


def test_simulate_with_the_same_seed_reproduces_the_expected_value():
    data = linear_data()
    plan = ik.optimize(data, ik.Policy(ik.Budget(total=30), objective=ik.ExpectedValue(
        "jobs", samples=200, seed=5)))
    assert plan.objective == pytest.approx(ik.simulate(plan, n=200, seed=5).mean["jobs"],
                                           rel=1e-7)


def test_scenarios_are_the_documented_streams_drawn_by_hand():
    # chunk i of quantity q: SFC64(SeedSequence(seed, spawn_key=(i, crc32(q))))
    data = linear_data()
    n = CHUNK + 300
    drawn = data.uncertainty.draws(REALIZATION, n, data.n_cells, seed=9)
    for i, (start, size) in enumerate([(0, CHUNK), (CHUNK, 300)]):
        rng = np.random.Generator(np.random.SFC64(np.random.SeedSequence(
            9, spawn_key=(i, zlib.crc32(b"realization")))))
        # one normal per covered cell (channel X: program p, cells 0, 2, 4) and draw
        z = rng.standard_normal((3, size), dtype=np.float32)
        u = 0.5 * (1 + np.vectorize(math.erf)(z.astype(float) / np.sqrt(2)))
        low, mode, high = 0.6, 0.8, 1.0  # triangular there, 1 elsewhere
        expected = np.ones((data.n_cells, size))
        expected[[0, 2, 4]] = np.where(u < (mode - low) / (high - low),
                                       low + np.sqrt(u * (high - low) * (mode - low)),
                                       high - np.sqrt((1 - u) * (high - low) * (high - mode)))
        np.testing.assert_allclose(drawn[:, start:start + size], expected, rtol=2e-6)
    # a quantity's draws do not depend on the other rows of the table
    table = data.uncertainty.table
    fewer = ik.Dataset(data.regions, data.programs, data.impacts,
                       uncertainty=table[table["metric"] == "jobs"])
    np.testing.assert_array_equal(fewer.uncertainty.draws("jobs", 50, data.n_cells, 9),
                                  data.uncertainty.draws("jobs", 50, data.n_cells, 9))
    np.testing.assert_array_equal(
        data.uncertainty.draws("jobs", 50, data.n_cells, 9),
        data.uncertainty.sample("jobs", 50, data.n_cells, stream(9, 0, "jobs")))


def test_with_diminishing_returns_the_objective_is_the_cvar_of_r_phi_x():
    # the scenarios count R phi(x), a lower bound of the simulated phi(R x)
    data = ik.datasets.load(uncertainty=True)
    assert data.curves is not None
    samples, alpha = 25, 0.1
    plan = ik.optimize(data, ik.Policy(ik.Budget(total=2500), objective=ik.CVaR(
        "jobs", alpha=alpha, samples=samples, seed=0)))
    u = data.uncertainty
    m = u.draws("jobs", samples, data.n_cells, 0)
    r = u.draws(REALIZATION, samples, data.n_cells, 0)
    cell_jobs = ik.evaluate(data, plan.allocation).by(list(data.levels))["jobs"]
    scenario = cell_jobs.reindex(data.cells).to_numpy() @ (m * r)  # a phi(x) M R
    assert plan.objective == pytest.approx(ru_cvar(scenario, alpha), rel=1e-7)
    simulated = ik.simulate(plan, n=samples, seed=0).cvar(alpha)["jobs"]
    assert simulated >= plan.objective - 1e-6


def test_risk_objectives_count_accrual_weights():
    # one plan year (year 0) counted to year 2: w = 1 + s/(1+d) + s^2/(1+d)^2
    data = linear_data()
    s, d = 0.5, 0.1
    w = 1 + s / (1 + d) + s ** 2 / (1 + d) ** 2
    accrual = ik.Accrual(survival=s, discount=d, last_year=2)
    for objective, summary in ((ik.CVaR("jobs", alpha=0.1, samples=25, seed=1),
                                lambda sim: sim.cvar(0.1)["jobs"]),
                               (ik.ExpectedValue("jobs", samples=25, seed=1),
                                lambda sim: sim.mean["jobs"])):
        plan = ik.optimize(data, ik.Policy(ik.Budget(total=30), objective=objective,
                                           accrual=accrual))
        yearly = summary(ik.simulate(plan, n=25, seed=1))  # the simulation counts no accrual
        assert plan.objective == pytest.approx(w * yearly, rel=1e-7)
