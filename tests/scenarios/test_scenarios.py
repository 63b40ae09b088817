"""Scenario files, batches that survive failures and interruptions, Dask."""

from __future__ import annotations

import shutil
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pytest

import ikmopt as ik

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
FILES = sorted(EXAMPLES.glob("*.yaml"))


# ---------------------------------------------------------------------- files
def test_there_are_at_least_six_examples():
    assert len(FILES) >= 6


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_example_round_trip(file, tmp_path):
    scenario = ik.load_scenario(file)
    assert scenario.name == file.stem
    assert ik.Scenario.from_yaml(scenario.to_yaml()) == scenario
    scenario.to_yaml(tmp_path / f"{file.stem}.yaml")
    assert ik.load_scenario(tmp_path / f"{file.stem}.yaml") == scenario


def test_extends_and_set_change_only_what_they_name():
    base = ik.load_scenario(EXAMPLES / "baseline.yaml")
    push = ik.load_scenario(EXAMPLES / "kti-push.yaml")
    assert push.policy.constraints[0] == base.policy.constraints[0]
    assert push.policy.constraints[1] == ik.GroupShare("kti", min=0.45)
    assert push.policy.objective == base.policy.objective
    cut = ik.load_scenario(EXAMPLES / "budget-cut.yaml")
    assert cut.policy.budget.total == 825.35 and cut.policy.constraints == base.policy.constraints


def test_scenario_matches_the_same_policy_written_in_python():
    scenario = ik.load_scenario(EXAMPLES / "baseline.yaml")
    assert scenario.policy == ik.default_policy()
    shock = ik.load_scenario(EXAMPLES / "training-cost-shock.yaml").load_data()
    data = ik.datasets.load()
    where = data.mask({"program": "training", "island_group": ["Papua", "Maluku"]})
    assert where.sum() == 8
    ratio = shock.coefficients("jobs") / data.coefficients("jobs")
    assert ratio[where] == pytest.approx(1 / 1.2)
    assert ratio[~where] == pytest.approx(1.0)
    assert (shock.capacity / data.capacity)[where] == pytest.approx(1.2)


MALFORMED = [
    ("budjet: {total: 10}\n", "budjet", "did you mean 'budget'"),
    ("constraints: []\n", "budget", "is required"),
    ("budget: {total: -5}\n", "budget", "total"),
    ("budget: {total: 10}\nconstraints:\n  - group_shares: {group: kti, min: 0.4}\n",
     "constraints[0].group_shares", "unknown constraint"),
    ("budget: {total: 10}\nconstraints:\n  - region_bounds: {min_share: 0.1}\n"
     "  - group_share: {group: kti, min: 1.5}\n", "constraints[1].group_share", "min"),
    ("budget: {total: 10}\nconstraints:\n  - region_bounds: {minimum: 3}\n",
     "constraints[0].region_bounds.minimum", "unknown argument"),
    ("budget: {total: 10}\nconstraints: {group_share: {group: kti}}\n", "constraints",
     "must be a list"),
    ("budget: {total: 10}\nobjective: {maximise: {metric: jobs}}\n", "objective.maximise",
     "'maximize'"),
    ("budget: {total: 10}\nobjective:\n  min_cost:\n    targets: [{metric: jobs, mni: 3}]\n",
     "objective.min_cost.targets[0].mni", "unknown argument of Target"),
    ("budget: !!python/object/apply:os.system ['echo owned']\n", "line 1", "safe loader"),
    ("budget: {total: 10\n", "line", "not valid YAML"),
    ("budget: {total: 10}\ndata:\n  - scael: {metric: jobs, factor: 2}\n", "data[0].scael",
     "'scale'"),
    ("budget: {total: 10}\ndata:\n  - scale: {metric: jobs, factr: 2}\n",
     "data[0].scale.factr", "unknown argument of scale"),
    ("budget: {total: 10}\nsolver: {solver: gurobi}\n", "solver.solver", "unknown solver"),
    ("budget: {total: 10}\nset: {'constraints[3].min': 0.4}\n", "set.constraints[3].min",
     "constraints"),
    ("extends: missing.yaml\nbudget: {total: 10}\n", "extends", "does not exist"),
    ("- budget\n", "", "must hold a mapping"),
    ("", "", "the file is empty"),
    ("budget: {total: 10}\ndataset: {name: indonesia-provinces, path: x}\n", "dataset",
     "exactly one of"),
]


@pytest.mark.parametrize(("text", "key", "message"), MALFORMED)
def test_malformed_file_names_file_and_key(tmp_path, text, key, message):
    file = tmp_path / "bad.yaml"
    file.write_text(text)
    with pytest.raises(ik.ScenarioError) as err:
        ik.load_scenario(file)
    assert str(file) in str(err.value)
    assert key in str(err.value)
    assert message in str(err.value)
    assert isinstance(err.value, ik.PolicyError)


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("budget: {total: 10}\ndata:\n  - scale: {metric: jbos, factor: 2}\n",
         "data[0].scale", "'jobs'"),
        ("budget: {total: 10}\ndata:\n  - drop_regions: [Atlantis]\n", "data[0].drop_regions",
         "Atlantis"),
        ("budget: {total: 10}\ndataset: {path: nowhere}\n", "dataset", "does not exist"),
        ("budget: {total: 10}\nconstraints:\n  - region_bounds: {min: 1}\n"
         "  - group_share: {group: kti_wide, min: 0.4}\n", "constraints[1].group_share",
         "kti_wide"),
    ],
)
def test_validate_finds_what_only_the_data_can_tell(tmp_path, text, key, message):
    file = tmp_path / "late.yaml"
    file.write_text(text)
    scenario = ik.load_scenario(file)
    with pytest.raises(ik.ScenarioError) as err:
        scenario.validate()
    assert str(file) in str(err.value) and key in str(err.value)
    assert message in str(err.value)


def test_extends_cycle_is_reported(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nbudget: {total: 1}\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ik.ScenarioError, match="circle"):
        ik.load_scenario(tmp_path / "a.yaml")


# ---------------------------------------------------------------------- batches
class CountingExecutor(ik.InProcessExecutor):
    """Counts the scenarios solved; optionally 'kills' the batch at the n-th one."""

    def __init__(self, stop_at: int | None = None) -> None:
        self.solved = 0
        self.stop_at = stop_at

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if self.stop_at is not None and self.solved + 1 == self.stop_at:
            future: Future = Future()
            future.set_exception(KeyboardInterrupt())
            self.solved += 1
            return future
        self.solved += 1
        return super().submit(fn, *args, **kwargs)


def batch_files(folder: Path) -> list[Path]:
    """20 scenario files: 18 budgets, one with a bad key, one infeasible."""
    folder.mkdir()
    shutil.copy(EXAMPLES / "baseline.yaml", folder / "base.yaml")  # files stay in their folder
    files = []
    for i in range(18):
        f = folder / f"budget-{i:02d}.yaml"
        f.write_text(f"extends: base.yaml\nbudget: {{total: {500 + 25 * i}}}\n")
        files.append(f)
    bad = folder / "bad-key.yaml"
    bad.write_text("budget: {total: 100}\nconstraints:\n  - group_shar: {group: kti}\n")
    infeasible = folder / "infeasible.yaml"
    infeasible.write_text("budget: {total: 2500}\nconstraints:\n"
                          "  - region_bounds: {min: 100}\n"
                          "  - group_share: {group: kti, min: 0.6}\n")
    return [*files[:9], bad, *files[9:], infeasible]


def test_batch_records_failures_and_resumes_after_a_kill(tmp_path):
    files = batch_files(tmp_path / "in")
    out = tmp_path / "out"
    killer = CountingExecutor(stop_at=8)
    with pytest.raises(KeyboardInterrupt):
        ik.run_scenarios(files, killer, progress=False, out=out)
    written_ok = [p.parent.name for p in out.glob("*/meta.json")
                  if '"ok": true' in p.read_text()]
    # in process, each scenario is written as soon as it is solved: the 7 before the kill
    assert sorted(written_ok) == [f"budget-{i:02d}" for i in range(7)]
    counter = CountingExecutor()
    batch = ik.run_scenarios(files, counter, progress=False, out=out, resume=True)
    # 19 files load (the bad key never reaches a solver); what was written is not solved again
    assert counter.solved == 19 - len(written_ok)
    assert len(batch.ok) == 18
    errors = batch.errors.set_index("scenario")
    assert set(errors.index) == {"bad-key", "infeasible"}
    assert errors.loc["bad-key", "error_type"] == "ScenarioError"
    assert "constraints[0].group_shar" in errors.loc["bad-key", "error"]
    assert errors.loc["infeasible", "error_type"] == "InfeasibleError"
    # a third run has nothing left to solve but the infeasible one
    again = CountingExecutor()
    ik.run_scenarios(files, again, progress=False, out=out, resume=True)
    assert again.solved == 1
    # the results on disk read back and compare
    table = ik.ScenarioResults.read(out).compare("budget-00").outcomes
    jobs = table[table["metric"] == "jobs"].set_index("scenario")
    assert (jobs.loc["budget-17", "diff"] > 0) and jobs.loc["budget-00", "diff"] == 0


def test_batch_in_processes_equals_serial_and_dask(tmp_path):
    files = batch_files(tmp_path / "in")
    serial = ik.run_scenarios(files, ik.InProcessExecutor(), progress=False)
    pool = ik.run_scenarios(files, workers=2, progress=False)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        dask = ik.run_scenarios(files, client, progress=False)
    assert list(serial) == list(pool) == list(dask)
    for name, res in serial.items():
        for other in (pool, dask):
            assert other[name].ok == res.ok
            for table in res.tables:
                pd.testing.assert_frame_equal(other[name].tables[table], res.tables[table])


def test_duplicate_names_are_refused(tmp_path):
    a = ik.Scenario.from_dict({"name": "same", "budget": {"total": 1}})
    with pytest.raises(ik.ScenarioError, match="two scenarios are named 'same'"):
        ik.run_scenarios([a, a.replace(description="x")], ik.InProcessExecutor(),
                         progress=False)


def test_comparison_tables_hold_differences_to_the_baseline():
    batch = ik.run_scenarios(FILES, ik.InProcessExecutor(), progress=False)
    comparison = batch.compare("baseline")
    out = comparison.outcomes.set_index(["scenario", "metric"])
    base = ik.load_scenario(EXAMPLES / "baseline.yaml").run()
    cut = ik.load_scenario(EXAMPLES / "budget-cut.yaml").run()
    assert out.loc[("budget-cut", "jobs"), "diff"] == pytest.approx(
        cut.outcomes["jobs"] - base.outcomes["jobs"])
    assert out.loc[("budget-cut", "spend"), "pct"] == pytest.approx(-15)
    regions = comparison.by_region.set_index(["scenario", "region"])
    assert regions.loc[("budget-cut", "Aceh"), "baseline"] == pytest.approx(
        base.by("region").loc["Aceh", "spend"])
    prices = comparison.shadow_prices
    # the baseline's money is its pots (they cover its total): their rows carry the prices
    budget_rows = prices[(prices["family"] == "pot") & (prices["scenario"] == "baseline")]
    assert budget_rows["shadow_price"].iloc[0] == pytest.approx(
        base.constraints.query("family == 'pot'")["shadow_price"].iloc[0])
    assert "gini_spend" in comparison.summary().columns


def test_comparison_plot_draws_one_bar_per_scenario():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    batch = ik.run_scenarios([EXAMPLES / "baseline.yaml", EXAMPLES / "budget-cut.yaml"],
                             ik.InProcessExecutor(), progress=False)
    comparison = batch.compare()
    ax = comparison.plot("jobs")
    widths = [bar.get_width() for bar in ax.patches]
    expected = comparison.outcomes.query("metric == 'jobs'")["pct"].tolist()
    assert widths == pytest.approx(expected)
    with pytest.raises(ik.PolicyError, match="no outcome 'jbos'"):
        comparison.plot("jbos")
    plt.close("all")


def test_inputs_hash_follows_the_dataset_files(tmp_path):
    """Editing a dataset file changes the inputs hash, so ``resume`` re-solves."""
    folder = tmp_path / "data"
    ik.datasets.load().to_csv(folder)
    file = tmp_path / "s.yaml"
    file.write_text("dataset: {path: data}\nbudget: {total: 2500}\n")
    scenario = ik.load_scenario(file)
    before = scenario.digest
    assert ik.load_scenario(file).digest == before  # stable across loads
    regions = folder / "regions.csv"
    regions.write_text(regions.read_text().replace("Aceh", "Aceh ", 1))
    assert ik.load_scenario(file).digest != before
