"""Infeasibility diagnosis: elastic relaxation and conflicting rules."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def data() -> ik.Dataset:
    return ik.datasets.load()


@pytest.fixture(scope="module")
def sentra() -> ik.Dataset:
    return ik.datasets.load(projects=True)


#: Five impossible policies on the bundled data, and a word each diagnosis must use.
IMPOSSIBLE = {
    # KTI provinces can absorb about Rp 465 bn: 60 % of a fully spent Rp 971 bn is 583
    "kti-share-with-spend-all": (
        ik.Policy(ik.Budget(total=971, spend_all=True),
                  [ik.RegionBounds(min=4), ik.GroupShare("kti", min=0.6)]), "Budget"),
    # Rp 400 bn cannot buy 10,000 jobs
    "jobs-target-on-a-small-budget": (
        ik.Policy(ik.Budget(total=400), [ik.Target("jobs", min=10000)]), "Target"),
    # Kalimantan Utara and Papua Selatan can absorb Rp 7.6 and 8.2 bn
    "floors-above-capacity": (
        ik.Policy(ik.Budget(total=971), [ik.RegionBounds(min=10)]), "RegionBounds"),
    # spend everything, but caps everywhere and a small DAK fisik envelope
    "caps-below-the-budget": (
        ik.Policy(ik.Budget(total=971, spend_all=True, by={"channel": {"DAK fisik": 100}}),
                  [ik.RegionBounds(max=20)]), "Budget"),
    # one province's jobs target beyond its capacity (Aceh's cells hold about 300 jobs)
    "regional-target": (
        ik.Policy(ik.Budget(total=971),
                  [ik.Target("jobs", min={"Aceh": 1000, "Bali": 50}, by="region")]),
        "Aceh"),
}


@pytest.mark.parametrize("name", IMPOSSIBLE)
def test_each_infeasible_policy_is_diagnosed_and_its_relaxation_works(data, name):
    policy, word = IMPOSSIBLE[name]
    with pytest.raises(ik.InfeasibleError) as err:
        ik.optimize(data, policy)
    diagnosis = err.value.diagnosis
    assert isinstance(diagnosis, ik.Diagnosis)
    assert "Smallest relaxation" in str(err.value)
    assert any(word in s for s in diagnosis.suggestions)
    # applying the suggested relaxation makes a plan possible
    relaxed = ik.optimize(data, diagnosis.relaxed_policy())
    assert relaxed.status == "optimal"
    # so does each single-rule alternative
    assert len(diagnosis.alternatives)
    for rule in sorted(set(diagnosis.alternatives["rule"])):
        assert ik.optimize(data, diagnosis.relaxed_policy(rule)).status == "optimal"
    # every relaxation loosens: a min goes down, a max goes up
    table = diagnosis.relaxations
    assert (np.where(table["side"] == "min", table["change"] < 0, table["change"] > 0)).all()


def test_a_relaxed_number_is_the_tightest_that_works(data):
    """The KTI-only alternative lowers the share to what KTI can absorb: 465.0 / 971."""
    policy = IMPOSSIBLE["kti-share-with-spend-all"][0]
    total = policy.budget.total
    diagnosis = ik.diagnose(data, policy)
    kti = diagnosis.alternatives.query("family == 'share'").iloc[0]
    capacity = data.impacts["capacity"][data.mask({"kti": True})].sum()
    assert kti["relaxed"] == pytest.approx(capacity / total, rel=1e-6)
    relaxed = diagnosis.relaxed_policy(int(kti["rule"]))
    assert relaxed.constraints[1].min == pytest.approx(capacity / total, abs=1e-4)
    assert relaxed.constraints[1].min <= capacity / total
    # a little tighter than suggested is impossible again (the number is tight)
    too_tight = relaxed.replace(constraints=[relaxed.constraints[0],
                                             ik.GroupShare("kti", min=capacity / total + 1e-3)])
    with pytest.raises(ik.InfeasibleError):
        ik.optimize(data, too_tight)
    # the budget-only alternative spends exactly what the share allows: 465.0 / 0.6
    budget = diagnosis.alternatives.query("family == 'budget'").iloc[0]
    assert budget["relaxed"] == pytest.approx(capacity / 0.6, rel=1e-6)


def test_weights_choose_which_rule_gives_way(data):
    policy = IMPOSSIBLE["kti-share-with-spend-all"][0]
    keep_budget = ik.diagnose(data, policy, weights={"budget": 100})
    assert set(keep_budget.relaxations["family"]) == {"share"}
    keep_share = ik.diagnose(data, policy, weights={2: 100})
    assert set(keep_share.relaxations["family"]) == {"budget"}
    with pytest.raises(ik.PolicyError, match="positive number"):
        ik.diagnose(data, policy, weights={"budget": -1})


@pytest.mark.parametrize("name", ["kti-share-with-spend-all", "jobs-target-on-a-small-budget",
                                  "floors-above-capacity"])
def test_conflicts_are_an_irreducible_set(data, name):
    """Only the conflicting rules: still infeasible; without any one of them: feasible."""
    policy = IMPOSSIBLE[name][0]
    conflicts = ik.diagnose(data, policy).conflicts
    rules = sorted(set(conflicts["rule"]))
    assert rules
    budget = policy.budget if 0 in rules else ik.Budget(total=1e6)

    def only(keep: list[int]) -> ik.Policy:
        return ik.Policy(budget if 0 in keep else ik.Budget(total=1e6),
                         [c for i, c in enumerate(policy.constraints, 1) if i in keep])

    with pytest.raises(ik.InfeasibleError):
        ik.optimize(data, only(rules))
    for r in rules:
        ik.optimize(data, only([k for k in rules if k != r]))  # feasible: no error


def test_conflicting_rows_within_a_rule_are_minimal(data):
    """Floors of Rp 10 bn fail in two provinces; one of them alone is a conflict."""
    conflicts = ik.diagnose(data, IMPOSSIBLE["floors-above-capacity"][0]).conflicts
    assert len(conflicts) == 1
    region = conflicts["label"].iloc[0]
    assert data.impacts["capacity"][data.mask({"region": region})].sum() < 10
    with pytest.raises(ik.InfeasibleError):
        ik.optimize(data, ik.Policy(ik.Budget(total=971), [ik.RegionBounds(min={region: 10})]))


def test_projects_are_diagnosed_as_a_mip(sentra):
    policy = ik.default_policy().add(ik.ProjectCount(min=36)).replace(
        budget=ik.Budget(total=100))  # the 36 cheapest sentra cost Rp 135 bn
    with pytest.raises(ik.InfeasibleError) as err:
        ik.optimize(sentra, policy)
    diagnosis = err.value.diagnosis
    assert set(diagnosis.relaxations["family"]) <= {"budget", "project_count", "region_bounds",
                                                   "share"}
    assert ik.optimize(sentra, diagnosis.relaxed_policy()).status == "optimal"


def test_the_cbc_path_finds_the_same_relaxation(data):
    policy = IMPOSSIBLE["jobs-target-on-a-small-budget"][0]
    highs = ik.diagnose(data, policy)
    cbc = ik.diagnose(data, policy, solver="cbc")
    pd.testing.assert_frame_equal(highs.relaxations.drop(columns=["relaxed", "change"]),
                                  cbc.relaxations.drop(columns=["relaxed", "change"]))
    np.testing.assert_allclose(highs.relaxations["relaxed"], cbc.relaxations["relaxed"],
                               rtol=1e-6)


def test_a_feasible_policy_has_no_diagnosis(data):
    assert ik.diagnose(data, ik.default_policy()) is None


def test_a_batch_records_the_relaxation_in_the_error(tmp_path):
    file = tmp_path / "impossible.yaml"
    file.write_text("budget: {total: 400}\nconstraints:\n  - target: {metric: jobs, min: 10000}\n")
    batch = ik.run_scenarios([file], ik.InProcessExecutor(), progress=False)
    error = batch.errors.set_index("scenario").loc["impossible", "error"]
    assert "lower Target" in error and "6,596" in error
