"""Two-level plans: one model against two stages, minima against enumeration, the checker.

A small instance (two provinces of three regencies, a DAK program ``p`` and a central
program ``q``) is solved by every method; its semicontinuous minima and recipient counts
are checked against every set of recipients tried one by one (each an LP), as in
``tests/model/test_minimum.py``. The bundled regencies are checked for the relations the
method promises (``ikmopt.analysis.two_level``).
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.analysis.two_level import pool_capacity

POTS = (ik.Pot("DAK", 14, funds=["p"], level="regency"),
        ik.Pot("APBN", 20, funds=["q"], level="ministry"))
MINIMUM = 3.0


def _quiet(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ik.UnspentBudgetWarning)
        return fn(*args, **kwargs)


def _instance(seed: int) -> tuple[ik.Dataset, ik.Dataset]:
    """Province and regency data: regency coefficients random, province ones their mean."""
    rng = np.random.default_rng(seed)
    regencies = pd.DataFrame({"region": [f"G{i}" for i in range(6)],
                              "province": ["P1"] * 3 + ["P2"] * 3,
                              "population": rng.integers(1e5, 1e6, 6)})
    programs = pd.DataFrame({"program": ["p", "q"], "channel": ["DAK", "APBN"]})
    impacts = pd.DataFrame({"region": np.repeat(regencies["region"], 2).to_numpy(),
                            "program": ["p", "q"] * 6,
                            "jobs": np.round(rng.uniform(1, 20, 12), 2),
                            "capacity": np.round(rng.uniform(1.5, 4.0, 12), 1)})
    regency = ik.Dataset(regencies, programs, impacts, name="small regencies")
    impacts = impacts.assign(province=np.repeat(regencies["province"], 2).to_numpy())
    grouped = impacts.groupby(["province", "program"], as_index=False).agg(
        jobs=("jobs", "mean"), capacity=("capacity", "sum")).rename(
        columns={"province": "region"})
    provinces = regencies.groupby("province", as_index=False)["population"].sum().rename(
        columns={"province": "region"})
    return ik.Dataset(provinces, programs, grouped, name="small provinces"), regency


def _policy() -> ik.Policy:
    return ik.Policy(budget=ik.Budget(pots=POTS),
                     constraints=[ik.RegionBounds(by="province", min=4)])


def _enumerated(plan: ik.TwoLevel, per_province: int) -> float:
    """Best LP over every set of DAK recipients with at most ``per_province`` per province."""
    data = plan.regency.data
    policy = plan.regency.policy.without(ik.MinimumAllocation)
    regions = list(data.regions.index)
    province = data.regions["province"]
    best = -np.inf
    for k in range(len(regions) + 1):
        for chosen in itertools.combinations(regions, k):
            if province.loc[list(chosen)].value_counts().gt(per_province).any():
                continue
            others = [g for g in regions if g not in chosen]
            bounds = {"min": {(g, "p"): MINIMUM for g in chosen},
                      "max": {(g, "p"): 0.0 for g in others}}
            rules = [ik.RegionBounds(by=("region", "program"), **{k: v for k, v in
                                                                  bounds.items() if v})]
            try:
                value = _quiet(ik.optimize, data, policy.add(*rules)).objective
            except ik.InfeasibleError:
                continue
            best = max(best, value)
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("capacity", ["shared", "pooled"])
def test_one_model_minima_match_enumeration(seed, capacity):
    provinces, regencies = _instance(seed)
    plans = {solver: _quiet(ik.two_level, provinces, regencies, _policy(), minimum=MINIMUM,
                            recipients_per_province=2, pot="DAK", capacity=capacity,
                            solver=solver)
             for solver in ("highs", "cbc")}
    per_province = int(plans["highs"].recipients.max())
    expected = _enumerated(plans["highs"], per_province)
    for plan in plans.values():
        assert plan.regency.objective == pytest.approx(expected, rel=1e-6)
        assert plan.check()["ok"].all()
        dak = plan.table("DAK")["amount"]
        assert (dak >= MINIMUM - 1e-6).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("minimum", [None, MINIMUM])
def test_two_stage_on_the_one_model_totals_equals_the_one_model(seed, minimum):
    provinces, regencies = _instance(seed)
    counts = None if minimum is None else 2
    one = _quiet(ik.two_level, provinces, regencies, _policy(), minimum=minimum,
                 recipients_per_province=counts, pot="DAK")
    two = _quiet(ik.two_level, provinces, regencies, _policy(), minimum=minimum,
                 recipients_per_province=counts, pot="DAK", method="two-stage",
                 ceilings=one.totals())
    assert two.regency.objective == pytest.approx(one.regency.objective, rel=1e-7)
    assert two.check()["ok"].all()
    assert two.check().loc["province ceiling", "groups"] == 4


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_one_model_at_least_two_stage(seed):
    provinces, regencies = _instance(seed)
    kwargs = {"minimum": MINIMUM, "recipients_per_province": 1, "pot": "DAK"}
    one = _quiet(ik.two_level, provinces, regencies, _policy(), **kwargs)
    two = _quiet(ik.two_level, provinces, regencies, _policy(), method="two-stage", **kwargs)
    assert one.regency.objective >= two.regency.objective - 1e-7
    ceilings = two.ceilings.groupby(level="province").sum()
    spent = two.totals().groupby(level="province").sum()
    assert (spent <= ceilings + 1e-6).all()
    assert two.check()["ok"].all()


def test_pooled_capacity_and_outcomes():
    provinces, regencies = _instance(0)
    plan = _quiet(ik.two_level, provinces, regencies, _policy(), minimum=MINIMUM,
                  recipients_per_province=2, pot="DAK")
    outcomes = plan.outcomes()
    assert outcomes.loc["spend", "regency plan"] == pytest.approx(
        outcomes.loc["spend", "regency plan at province returns"])
    data, caps = pool_capacity(regencies, ["p"])
    assert caps.loc[("P1", "p")] == pytest.approx(regencies.impacts.loc[
        ["G0", "G1", "G2"]].xs("p", level="program")["capacity"].sum())
    assert np.allclose(data.impacts.xs("p", level="program")["capacity"].to_numpy(),
                       np.repeat(caps.to_numpy(), 3))


# ---------------------------------------------------------------------- bundled regencies
@pytest.fixture(scope="module")
def bundled():
    provinces = ik.datasets.load("indonesia-provinces")
    regencies = ik.datasets.load("indonesia-regencies")
    return provinces, regencies, ik.default_policy(data=regencies)


def test_bundled_without_minima_every_method_is_the_province_plan(bundled):
    provinces, regencies, policy = bundled
    plans = [_quiet(ik.two_level, provinces, regencies, policy, method=method,
                    capacity=capacity)
             for method in ("one-model", "two-stage") for capacity in ("split", "shared")]
    for plan in plans:
        assert plan.regency.objective == pytest.approx(plan.province.objective, rel=1e-7)
        assert plan.regency.outcomes["jobs"] == pytest.approx(8580.8, abs=0.05)
        assert plan.check()["ok"].all()


def test_bundled_lumps(bundled):
    provinces, regencies, policy = bundled
    plan = _quiet(ik.two_level, provinces, regencies, policy, minimum=3.8,
                  recipients_per_province=2)
    check = plan.check()
    assert check["ok"].all()
    assert check.loc["regency minimum", "groups"] == 514
    table = plan.table()
    assert list(table.columns) == ["province", "regency", "pot", "program", "amount"]
    dak = plan.table("DAK fisik")
    assert (dak["amount"] >= 3.8 - 1e-6).all()
    assert dak.groupby("province").size().max() <= 2
    assert set(dak["program"]) == {"sentra"}
    # lumps cost little: within 0.1 % of the province plan (ILLUSTRATIVE numbers)
    assert plan.regency.objective <= plan.province.objective + 1e-9
    assert plan.regency.objective >= 0.999 * plan.province.objective
    outcomes = plan.outcomes()
    assert outcomes.loc["jobs", "regency plan"] <= (
        outcomes.loc["jobs", "regency plan at province returns"] + 1e-6)


def test_arguments_are_checked(bundled):
    provinces, regencies, policy = bundled
    for kwargs, words in (({"method": "both"}, "method"), ({"capacity": "all"}, "capacity"),
                          ({"recipients_per_province": 2}, "minimum="),
                          ({"minimum": 1, "pot": "DAK nonfisik"}, "pot"),
                          ({"minimum": {"Kota Atlantis": 2}}, "Kota Atlantis")):
        with pytest.raises(ik.PolicyError, match=words):
            ik.two_level(provinces, regencies, policy, **kwargs)
    with pytest.raises(ik.PolicyError, match="province"):
        ik.two_level(provinces, provinces, policy)
