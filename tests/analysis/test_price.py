"""The price of each rule: what the objective gives up for it."""

from __future__ import annotations

import numpy as np
import pytest

import ikmopt as ik
from ikmopt.analysis.price import price_of


def tiny_policy(*constraints: ik.Constraint) -> ik.Policy:
    return ik.Policy(budget=ik.Budget(total=60), constraints=constraints)


def test_price_of_tiny_by_hand(tiny):
    policy = tiny_policy(ik.RegionBounds(max=1000), ik.GroupShare("kti", min=0.3))
    table = price_of(tiny, policy.replace(objective=ik.Maximize("jobs")))
    assert table["constraint"].tolist() == [c.describe() for c in policy.constraints]
    assert table["position"].tolist() == [0, 1]
    assert table["binding"].tolist() == [False, True]
    free, kti = table.iloc[0], table.iloc[1]
    # with KTI >= 30 %: C-p 10 + B-p 8 + A-p 42 = 604 jobs; without it 620
    assert free["cost"] == 0.0
    assert free["objective_without"] == pytest.approx(free["objective_with"], rel=1e-9)
    assert kti["objective_with"] == pytest.approx(604, rel=1e-9)
    assert kti["objective_without"] == pytest.approx(620, rel=1e-9)
    assert kti["cost"] == pytest.approx(16, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx(16 / 620 * 100, rel=1e-9)
    assert kti["jobs_with"] == pytest.approx(604) and kti["jobs_without"] == pytest.approx(620)
    assert kti["value_added_with"] == pytest.approx(0.8 * 10 + 0.5 * 8 + 42)
    assert kti["spend_without"] == pytest.approx(60)
    assert (table["error"] == "").all()
    assert table.attrs["objective_units"] == "jobs"
    assert "budget" not in " ".join(table["constraint"]).lower()


def test_price_of_kti_share_on_bundled_data(provinces):
    policy = ik.default_policy().add(ik.RegionBounds(max=5000)).replace(
        objective=ik.Maximize("jobs"))
    table = price_of(provinces, policy)
    assert len(table) == len(policy.constraints) == 3
    kti = table[table["constraint"].str.startswith("GroupShare(kti)")].iloc[0]
    with_ = ik.optimize(provinces, policy).objective
    without = ik.optimize(provinces, policy.without(int(kti["position"]))).objective
    assert kti["cost"] > 0
    assert kti["cost"] == pytest.approx(without - with_, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx((without - with_) / without * 100, rel=1e-9)
    free = table.iloc[2]
    assert not free["binding"]
    assert abs(free["cost"]) <= 1e-9 * free["objective_with"]
    assert (table["cost"] >= 0).all()


def test_price_of_weighted_keeps_the_yardstick(provinces):
    policy = ik.default_policy()
    table = price_of(provinces, policy)
    full = ik.optimize(provinces, policy)
    assert "normalized" in table.attrs["objective_units"]
    assert table["objective_with"].to_numpy() == pytest.approx(
        np.full(len(table), full.objective), rel=1e-9
    )
    assert (table["cost"] >= 0).all()
    # the relaxed plans are scored with the full policy's optima
    frozen = ik.Weighted(
        {m: w / full.optima[m] for m, w in policy.objective.weights.items()}, normalize=False
    )
    for _, row in table.iterrows():
        relaxed = ik.optimize(
            provinces, policy.without(int(row["position"])).replace(objective=frozen)
        )
        assert row["objective_without"] == pytest.approx(relaxed.objective, rel=1e-9)
        for m in ("jobs", "value_added", "spend"):
            assert row[f"{m}_without"] == pytest.approx(relaxed.outcomes[m], rel=1e-9)
            assert row[f"{m}_with"] == pytest.approx(full.outcomes[m], rel=1e-9)


def test_price_of_a_minimized_objective(tiny):
    # cheapest way to 500 jobs: C-p 10 + A-p 38 = Rp 48 bn; with KTI >= 50 % also B-p,
    # C-p 10 + A-p a + B-p (a - 10) with 18 a = 460: Rp 920/18 bn
    policy = ik.Policy(
        budget=ik.Budget(total=100),
        constraints=[ik.GroupShare("kti", min=0.5), ik.RegionBounds(max=80)],
        objective=ik.MinCost([ik.Target("jobs", min=500)]),
    )
    table = price_of(tiny, policy)
    kti, free = table.iloc[0], table.iloc[1]
    assert kti["objective_with"] == pytest.approx(920 / 18, rel=1e-9)
    assert kti["objective_without"] == pytest.approx(48, rel=1e-9)
    assert kti["cost"] == pytest.approx(920 / 18 - 48, rel=1e-9)
    assert kti["cost_pct"] == pytest.approx((920 / 18 - 48) / 48 * 100, rel=1e-9)
    assert free["cost"] == 0.0 and not free["binding"]
    assert table.attrs["sense"] == "min"
    assert table.attrs["objective_units"] == "Rp bn"


def test_price_of_refuses_a_staged_objective(tiny):
    lex = ik.Lexicographic([ik.Maximize("jobs"), ik.Maximize("value_added")])
    policy = tiny_policy(ik.GroupShare("kti", min=0.3)).replace(objective=lex)
    with pytest.raises(ik.PolicyError, match="one priority at a time"):
        price_of(tiny, policy)


def test_price_of_records_a_failed_solve(tiny, monkeypatch):
    import ikmopt.analysis.price as price_module

    real = price_module.optimize

    def failing(data, policy, *args, **kw):
        if len(policy.constraints) == 1 and isinstance(policy.constraints[0], ik.GroupShare):
            raise ik.UnboundedError("the objective is unbounded (simulated)")
        return real(data, policy, *args, **kw)

    monkeypatch.setattr(price_module, "optimize", failing)
    policy = tiny_policy(ik.RegionBounds(max=1000), ik.GroupShare("kti", min=0.3))
    table = price_of(tiny, policy)
    broken = table.iloc[0]
    assert np.isnan(broken["objective_without"]) and np.isnan(broken["cost"])
    assert np.isnan(broken["jobs_without"])
    assert broken["error"] == "UnboundedError: the objective is unbounded (simulated)"
    assert table.iloc[1]["error"] == ""
    with pytest.raises(ik.InfeasibleError):
        price_of(tiny, tiny_policy(ik.Target("jobs", min=10_000)))
