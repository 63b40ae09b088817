"""Monte Carlo simulation of plans."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik

simulate_module = importlib.import_module("ikmopt.analysis.simulate")


@pytest.fixture(scope="module")
def bundled() -> ik.Dataset:
    return ik.datasets.load(uncertainty=True)


@pytest.fixture(scope="module")
def plan(bundled) -> ik.Result:
    return ik.optimize(bundled, ik.default_policy().add(ik.Target("jobs", min=8500)))


def flat(n_regions: int = 4, spread: float = 0.1, rho: float = 0.0) -> ik.Dataset:
    """Two programs, no curves: jobs multipliers normal(1, spread), optionally correlated."""
    regions = pd.DataFrame({"population": np.full(n_regions, 1e6)},
                           index=[f"R{i}" for i in range(n_regions)])
    programs = pd.DataFrame({"channel": ["A", "B"]}, index=["p", "q"])
    impacts = pd.DataFrame({
        "region": np.repeat(regions.index, 2), "program": ["p", "q"] * n_regions,
        "jobs": np.arange(1, 2 * n_regions + 1, dtype=float), "capacity": 10.0})
    uncertainty = pd.DataFrame([{"metric": "jobs", "distribution": "normal", "spread": spread,
                                 "correlation": rho, "correlated_by": "program"}])
    return ik.Dataset(regions, programs, impacts, uncertainty=uncertainty)


def test_zero_spread_reproduces_the_deterministic_outcomes(plan):
    zero = pd.DataFrame([
        {"metric": "jobs", "distribution": "lognormal", "spread": 0.0},
        {"metric": "value_added", "distribution": "normal", "spread": 0.0},
        {"metric": "realization", "distribution": "triangular", "low": 1, "mode": 1, "high": 1},
    ])
    data = ik.datasets.load().replace(uncertainty=zero)
    sim = ik.simulate(plan, data=data, n=500)
    expected = ik.evaluate(data, plan.allocation).outcomes
    for column in sim.draws:
        np.testing.assert_allclose(sim.draws[column], expected[column], rtol=1e-12)
    assert sim.var(0.1)["jobs"] == pytest.approx(expected["jobs"], rel=1e-12)


def test_zero_spread_with_projects_matches_evaluate():
    data = ik.datasets.load(projects=True).replace(uncertainty=pd.DataFrame(
        [{"metric": "jobs", "distribution": "lognormal", "spread": 0.0}]))
    plan = ik.optimize(data, ik.default_policy().add(ik.ProjectCount(max=1, by="region")))
    assert plan.projects["built"].any()
    sim = ik.simulate(plan, n=200)
    np.testing.assert_allclose(sim.draws["jobs"], plan.outcomes["jobs"], rtol=1e-12)
    np.testing.assert_allclose(sim.draws["spend"], plan.outcomes["spend"], rtol=1e-12)
    by_region = sim.by_region["jobs"].iloc[0].astype(float)
    np.testing.assert_allclose(by_region.to_numpy(), plan.by("region")["jobs"].to_numpy(),
                               rtol=1e-6)


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_independent_and_correlated_normals_match_the_closed_form(rho):
    """Total jobs = sum_c a_c x_c (1 + s z_c): mean sum a x, variance s^2 (sum over cells of
    (a x)^2 (1 - rho) plus, per program, rho (sum of its a x)^2)."""
    data = flat(spread=0.1, rho=rho)
    x = pd.Series(np.linspace(1, 8, data.n_cells), index=data.cells)
    sim = ik.simulate(x, data=data, n=100_000, seed=3)
    ax = data.coefficients("jobs") * x.to_numpy()
    program = data.cells.get_level_values("program")
    per_program = pd.Series(ax).groupby(program).sum().to_numpy()
    var = 0.01 * ((1 - rho) * (ax ** 2).sum() + rho * (per_program ** 2).sum())
    mean = ax.sum()
    se = np.sqrt(var / sim.n)
    assert abs(sim.mean["jobs"] - mean) < 4 * se
    assert sim.draws["jobs"].std() == pytest.approx(np.sqrt(var), rel=0.015)


def test_triangular_realization_scales_spend_by_its_mean():
    data = flat(spread=0.0).replace(uncertainty=pd.DataFrame([{
        "metric": "realization", "distribution": "triangular", "low": 0.7, "mode": 0.85,
        "high": 0.95, "channel": "A"}]))
    x = pd.Series(5.0, index=data.cells)
    sim = ik.simulate(x, data=data, n=100_000, seed=1)
    in_a = data.mask({"channel": "A"})
    expected = x[~in_a].sum() + x[in_a].sum() * (0.7 + 0.85 + 0.95) / 3
    assert sim.mean["spend"] == pytest.approx(expected, rel=2e-3)
    assert sim.draws["spend"].min() >= x[~in_a].sum() + 0.7 * x[in_a].sum() - 1e-9


def test_the_same_seed_gives_the_same_draws_and_summaries_are_consistent(plan):
    a = ik.simulate(plan, n=3000, seed=7)
    b = ik.simulate(plan, n=3000, seed=7)
    pd.testing.assert_frame_equal(a.draws, b.draws)
    assert not a.draws.equals(ik.simulate(plan, n=3000, seed=8).draws)
    jobs = np.sort(a.draws["jobs"].to_numpy())
    assert a.cvar(0.1)["jobs"] == pytest.approx(jobs[:300].mean())
    assert a.var(0.1)["jobs"] == pytest.approx(np.quantile(jobs, 0.1))
    assert a.cvar(0.1)["jobs"] <= a.var(0.1)["jobs"] <= a.mean["jobs"]
    met = a.targets.query("metric == 'jobs'")["met"].iloc[0]
    assert met == pytest.approx((a.draws["jobs"] >= 8500 - 1e-9).mean())
    summary = a.summary()
    assert summary.loc["jobs", "point"] == pytest.approx(plan.outcomes["jobs"])
    assert list(summary.columns) == ["point", "mean", "sd", "p5", "p50", "p95", "var_0.1",
                                     "cvar_0.1"]


def test_draws_depend_on_seed_and_draw_number_only(plan):
    # each chunk of CHUNK draws has its own stream of the seed: the threads that run the
    # chunks change nothing, and more draws leave the whole chunks before them unchanged
    whole = simulate_module.CHUNK * 2
    n = whole + 123
    one = ik.simulate(plan, n=n, seed=3, threads=1)
    two = ik.simulate(plan, n=n, seed=3, threads=2)
    pd.testing.assert_frame_equal(one.draws, two.draws)
    pd.testing.assert_frame_equal(one.by_region["jobs"], two.by_region["jobs"])
    longer = ik.simulate(plan, n=n + simulate_module.CHUNK, seed=3)
    pd.testing.assert_frame_equal(longer.draws.iloc[:whole], one.draws.iloc[:whole])
    with pytest.raises(ik.PolicyError, match="threads"):
        ik.simulate(plan, n=10, threads=0)


def test_skipping_unfunded_cells_leaves_the_other_draws_unchanged(bundled, plan):
    from ikmopt.data.uncertainty import REALIZATION

    need = plan.allocation.to_numpy() > 0
    assert 0 < need.sum() < bundled.n_cells
    for metric in ("jobs", REALIZATION):
        every = bundled.uncertainty.sample(metric, 500, bundled.n_cells,
                                           np.random.default_rng(5))
        some = bundled.uncertainty.sample(metric, 500, bundled.n_cells,
                                          np.random.default_rng(5), need)
        np.testing.assert_array_equal(some[need], every[need])
        assert (some[~need] == 1).all()


def test_regional_targets_and_their_joint_probability(bundled, plan):
    target = ik.Target("jobs", min={"Aceh": 230, "Bali": 70}, by="region")
    sim = ik.simulate(plan, n=4000, seed=2, targets=[target])
    table = sim.targets.set_index("group")
    aceh = sim.by_region["jobs"]["Aceh"].astype(float)
    bali = sim.by_region["jobs"]["Bali"].astype(float)
    assert table.loc["Aceh", "met"] == pytest.approx((aceh >= 230 - 1e-3).mean(), abs=1e-3)
    both = ((aceh >= 230 - 1e-3) & (bali >= 70 - 1e-3)).mean()
    assert table.loc["all rows at once", "met"] == pytest.approx(both, abs=2e-3)


def test_region_draws_are_bounded_in_memory(plan, monkeypatch):
    monkeypatch.setattr(simulate_module, "REGION_VALUES", 38 * 2500)
    sim = ik.simulate(plan, n=12_000)
    assert len(sim.draws) == 12_000
    assert len(sim.by_region["jobs"]) == 2500
    totals = sim.by_region["jobs"].astype(float).sum(axis=1).to_numpy()
    np.testing.assert_allclose(totals, sim.draws["jobs"].to_numpy()[:2500], rtol=1e-5)


def test_simulate_refuses_what_it_cannot_do(plan):
    with pytest.raises(ik.DataError, match="no uncertainty table"):
        ik.simulate(plan, data=ik.datasets.load(), n=10)
    with pytest.raises(ik.DataError, match="give data="):
        ik.simulate(plan.allocation, n=10)
    with pytest.raises(ik.PolicyError, match="positive whole number"):
        ik.simulate(plan, n=0)
    with pytest.raises(ik.PolicyError, match="alpha"):
        ik.simulate(plan, n=10).cvar(1.5)


def test_an_allocation_with_projects_simulates_like_its_result():
    data = ik.datasets.load(projects=True, uncertainty=True)
    plan = ik.optimize(data, ik.default_policy().add(ik.ProjectCount(max=1, by="region")))
    built = list(plan.projects.index[plan.projects["built"]])
    from_result = ik.simulate(plan, n=1000, seed=5)
    from_allocation = ik.simulate(plan.allocation, data=data, n=1000, seed=5, projects=built)
    pd.testing.assert_frame_equal(from_result.draws, from_allocation.draws)
