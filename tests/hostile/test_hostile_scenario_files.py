"""Hostile scenario files: alias bombs, paths out of the folder, deep chains, huge numbers.

Issue 13 ("Trust, second pass"), items 8, 11, 12, 13 and 18. Each file is one someone else
could send: loading it must end quickly in a typed error that names the file and the key,
print no file content and no half word, and never read outside the folders allowed.
"""

from __future__ import annotations

import faulthandler
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ikmopt as ik
from helpers.hostile import expect_error, named_tables, replace_text, write_folder
from ikmopt.cli import main
from ikmopt.core.checks import number, short_repr, shorten
from ikmopt.scenarios.loading import MAX_EXTENDS_DEPTH
from ikmopt.scenarios.yaml import MAX_ALIAS_NODES

#: What "returns within a few seconds" means here (the bugs hung for minutes or forever).
FEW_SECONDS = 5.0


def quickly(call: Callable[[], Any]) -> Any:
    """Run ``call`` and fail if it takes more than :data:`FEW_SECONDS`.

    A regression that hangs is stopped after a minute with every thread's traceback, rather
    than stalling the whole test run.
    """
    faulthandler.dump_traceback_later(60, exit=True, file=sys.__stderr__)
    start = time.perf_counter()
    try:
        return call()
    finally:
        faulthandler.cancel_dump_traceback_later()
        elapsed = time.perf_counter() - start
        assert elapsed < FEW_SECONDS, f"took {elapsed:.1f} s"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """Run from an empty working folder, so only the scenario's folder is allowed."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


# ====================================================================== item 11: aliases
def _laughs(indent: str = "") -> list[str]:
    """The classic lol1..lol9 bomb: nine levels of nine aliases, 9**9 strings expanded."""
    lines = [f'{indent}lol1: &lol1 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(2, 10):
        refs = ",".join([f"*lol{n - 1}"] * 9)
        lines.append(f"{indent}lol{n}: &lol{n} [{refs}]")
    return lines


BOMBS = [
    pytest.param("\n".join(_laughs()) + "\nbudget: {total: 10}\n", id="classic-top-level"),
    # under a key whose error message used to print the value: this one hung
    pytest.param("budget:\n" + "\n".join(_laughs("  ")) + "\n", id="under-budget"),
    pytest.param("budget: {total: 10}\ndescription:\n" + "\n".join(_laughs("  ")) + "\n",
                 id="under-description"),
]


@pytest.mark.parametrize("text", BOMBS)
def test_billion_laughs_is_refused_on_load(tmp_path, text):
    file = write(tmp_path / "laughs.yaml", text)
    assert len(text.encode()) < 1000
    err = quickly(lambda: expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                                       str(file), "alias", f"{MAX_ALIAS_NODES:,}"))
    assert len(str(err)) < 500


def test_billion_laughs_is_refused_by_cli_validate(tmp_path, capsys):
    file = write(tmp_path / "laughs.yaml", BOMBS[1].values[0])
    assert quickly(lambda: main(["validate", str(file)])) == 2
    err = capsys.readouterr().err
    assert str(file) in err and "alias" in err and "Traceback" not in err


def test_a_few_aliases_still_work(tmp_path):
    file = write(tmp_path / "anchors.yaml",
                 "budget: {total: 2500}\n"
                 "constraints:\n"
                 "  - group_share: &kti {group: kti, min: 0.40}\n"
                 "  - group_share: *kti\n")
    scenario = ik.load_scenario(file)
    assert scenario.policy.constraints[0] == scenario.policy.constraints[1]


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    file = write(tmp_path / "loop.yaml", "budget: &a [*a]\n")
    quickly(lambda: expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                                 str(file), "budget:", "alias", "never ends"))


def test_values_nested_hundreds_of_levels_deep_are_refused(tmp_path):
    file = write(tmp_path / "deep.yaml", "budget: {total: 10}\ndescription: "
                 + "[" * 500 + "]" * 500 + "\n")
    quickly(lambda: expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                                 str(file), "nest", "100"))


# ====================================================================== item 12: paths
@pytest.mark.skipif(not Path("/etc/passwd").is_file(), reason="needs /etc/passwd")
def test_extends_etc_passwd_is_refused_and_never_printed(elsewhere):
    file = write(elsewhere / "scenarios" / "evil.yaml",
                 "extends: /etc/passwd\nbudget: {total: 10}\n")
    err = expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                       str(file), "extends:", "/etc/passwd", "root=", "--root")
    assert "root:" not in str(err)
    assert main(["validate", str(file)]) == 2
    # allowed explicitly, it is read, but its content is still not shown
    err = expect_error(lambda: ik.load_scenario(file, root="/etc"), ik.ScenarioError,
                       str(file), "extends", "/etc/passwd", "holds text")
    assert "root:" not in str(err)


def test_extends_out_of_the_folder_is_refused_unless_allowed(elsewhere, capsys):
    write(elsewhere / "outside.yaml", "budget: {total: 1234}\n")
    file = write(elsewhere / "scenarios" / "child.yaml", "extends: ../outside.yaml\n")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                 str(file), "extends:", "../outside.yaml", f"root='{elsewhere.resolve()}'")
    expect_error(lambda: ik.load_scenarios(file.parent), ik.ScenarioError, "extends")
    assert ik.load_scenario(file, root=elsewhere).policy.budget.total == 1234
    assert ik.load_scenarios(file.parent, root=elsewhere)[0].policy.budget.total == 1234
    assert main(["validate", str(file)]) == 2
    assert main(["validate", "--root", str(elsewhere), str(file)]) == 0
    assert f"{file}: ok" in capsys.readouterr().out


def test_sibling_files_are_allowed_and_the_working_folder_only_when_given(tmp_path,
                                                                        monkeypatch):
    write(tmp_path / "shared" / "base.yaml", "budget: {total: 1500}\n")
    file = write(tmp_path / "scenarios" / "child.yaml", "extends: ../shared/base.yaml\n")
    monkeypatch.chdir(tmp_path)  # the project folder, holding scenarios/ and shared/
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, "extends", "root=")
    assert ik.load_scenario(file, root=".").policy.budget.total == 1500
    write(tmp_path / "scenarios" / "sibling.yaml", "extends: child.yaml\n")
    assert ik.load_scenario(tmp_path / "scenarios" / "sibling.yaml",
                            root=tmp_path).policy.budget.total == 1500


def test_dataset_path_out_of_the_folder_is_refused(elsewhere):
    write_folder(elsewhere / "data", named_tables())
    file = write(elsewhere / "scenarios" / "s.yaml",
                 "dataset: {path: ../data}\nbudget: {total: 60}\n")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                 str(file), "dataset.path", "../data", "root=")
    ik.load_scenario(file, root=elsewhere / "data").validate()


def test_add_regions_table_out_of_the_folder_is_refused(elsewhere):
    file = write(elsewhere / "scenarios" / "grow.yaml",
                 "budget: {total: 60}\ndata:\n"
                 "  - add_regions: {regions: new-regions.csv, impacts: ../../new-impacts.csv}\n")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                 str(file), "data[0].add_regions.impacts", "../../new-impacts.csv", "root=")


def test_paths_of_an_extended_file_are_checked_in_that_file(elsewhere):
    write(elsewhere / "scenarios" / "base.yaml",
          "dataset: {path: ../../data}\nbudget: {total: 60}\n")
    file = write(elsewhere / "scenarios" / "child.yaml", "extends: base.yaml\n")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                 str(file), "extends", "base.yaml", "dataset.path", "../../data")


def test_a_symlink_out_of_the_folder_is_refused(elsewhere):
    write(elsewhere / "outside.yaml", "budget: {total: 10}\n")
    folder = elsewhere / "scenarios"
    write(folder / "child.yaml", "extends: link.yaml\n")
    data = write_folder(elsewhere / "data", named_tables())
    try:
        (folder / "link.yaml").symlink_to(elsewhere / "outside.yaml")
        (folder / "data").symlink_to(data, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symbolic links here")
    expect_error(lambda: ik.load_scenario(folder / "child.yaml"), ik.ScenarioError,
                 "child.yaml", "extends:", "link.yaml", str((elsewhere / "outside.yaml")
                                                           .resolve()))
    file = write(folder / "s.yaml", "dataset: {path: data}\nbudget: {total: 60}\n")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file), "dataset.path")


def test_cli_solve_takes_root(elsewhere, capsys):
    write_folder(elsewhere / "data", named_tables())
    file = write(elsewhere / "scenarios" / "s.yaml",
                 "dataset: {path: ../data}\nbudget: {total: 60}\n")
    assert main(["solve", str(file)]) == 2
    assert "dataset.path" in capsys.readouterr().err
    assert main(["solve", "--root", str(elsewhere), str(file)]) == 0
    assert "Papua Barat Daya" in capsys.readouterr().out


@pytest.mark.parametrize("path", ["a\\0b", "x" * 5000], ids=["nul-byte", "name-too-long"])
def test_a_path_the_system_cannot_use_is_a_scenario_error(tmp_path, path):
    file = write(tmp_path / "s.yaml", f'extends: "{path}"\nbudget: {{total: 10}}\n')
    err = expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file),
                       "extends:", "not a usable path")
    assert len(str(err)) < 400


def test_bundled_dataset_names_stay_allowed(elsewhere):
    file = write(elsewhere / "scenarios" / "s.yaml",
                 "dataset: {name: indonesia-provinces}\nbudget: {total: 2500}\n")
    assert ik.load_scenario(file).load_data().regions.shape[0] == 38


def test_a_root_that_is_no_folder_is_refused(tmp_path):
    file = write(tmp_path / "s.yaml", "budget: {total: 10}\n")
    expect_error(lambda: ik.load_scenario(file, root=tmp_path / "nowhere"), ik.ScenarioError,
                 "root", "not a folder")


# ====================================================================== item 13: tracebacks
def test_an_extends_chain_of_1200_files_is_refused_by_depth(tmp_path):
    for i in range(1200):
        write(tmp_path / f"f{i:04d}.yaml", f"extends: f{i + 1:04d}.yaml\n")
    write(tmp_path / "f1200.yaml", "budget: {total: 10}\n")
    top = tmp_path / "f0000.yaml"
    err = quickly(lambda: expect_error(lambda: ik.load_scenario(top), ik.ScenarioError,
                                       str(top), "extends:", str(MAX_EXTENDS_DEPTH), "deep"))
    assert err.file == str(top) and err.key == "extends"
    assert len(str(err)) < 600


def test_a_chain_within_the_limit_is_read(tmp_path):
    for i in range(MAX_EXTENDS_DEPTH - 1):
        write(tmp_path / f"f{i:02d}.yaml", f"extends: f{i + 1:02d}.yaml\n")
    write(tmp_path / f"f{MAX_EXTENDS_DEPTH - 1:02d}.yaml", "budget: {total: 10}\n")
    assert ik.load_scenario(tmp_path / "f00.yaml").policy.budget.total == 10


def test_a_5000_digit_integer_is_refused_naming_its_key(tmp_path):
    file = write(tmp_path / "digits.yaml", "budget:\n  total: " + "9" * 5000 + "\n")
    err = quickly(lambda: expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                                       str(file), "budget.total", "line 2", "5,000 digits"))
    assert len(str(err)) < 400


@pytest.mark.parametrize("total", ["1e400", "1.0e+400", str(10**400), "-1.0e+400"])
def test_a_budget_beyond_any_float_in_yaml_is_refused(tmp_path, total):
    file = write(tmp_path / "huge.yaml", f"budget: {{total: {total}}}\n")
    err = expect_error(lambda: ik.load_scenario(file), ik.ScenarioError,
                       str(file), "budget", "total")
    assert len(str(err)) < 400


def test_a_budget_of_10_to_the_400_in_python_is_a_policy_error():
    expect_error(lambda: ik.Budget(total=10**400), ik.PolicyError, "Budget", "total",
                 "401 digits")


@pytest.mark.parametrize("value", [10**400, -(10**400), float("inf"), float("nan"), "1e400",
                                   1e20, [1] * 10**6])
def test_number_refuses_what_no_solver_can_take(value):
    err = expect_error(lambda: number("Owner", "arg", value, lo=-math_inf(), hi=math_inf()),
                       ik.PolicyError, "Owner", "arg")
    assert len(str(err)) < 300


def math_inf() -> float:
    return float("inf")


# ====================================================================== item 18: objective
def test_a_child_objective_of_another_kind_replaces_the_parent(tmp_path):
    write(tmp_path / "parent.yaml", "budget: {total: 2500}\n"
          "objective: {weighted: {jobs: 1, value_added: 0.5}}\n")
    file = write(tmp_path / "child.yaml", "extends: parent.yaml\n"
                 "objective: {poverty_weighted: {metric: jobs}}\n")
    assert ik.load_scenario(file).policy.objective == ik.PovertyWeighted(metric="jobs")
    same_kind = write(tmp_path / "jobs-only.yaml", "extends: parent.yaml\n"
                      "objective: {weighted: {jobs: 2}}\n")
    assert ik.load_scenario(same_kind).policy.objective == ik.Weighted(jobs=2)


def test_set_replaces_a_whole_rule(tmp_path):
    write(tmp_path / "parent.yaml", "budget: {total: 2500}\nconstraints:\n"
          "  - region_bounds: {min_share: 0.005}\n  - group_share: {group: kti, min: 0.4}\n"
          "objective: {weighted: {jobs: 1, value_added: 0.5}}\n")
    file = write(tmp_path / "child.yaml", "extends: parent.yaml\nset:\n"
                 "  objective: {maximize: {metric: value_added}}\n"
                 "  constraints[1]: {program_share: {program: training, max: 0.2}}\n"
                 "  budget: {total: 2000}\n")
    policy = ik.load_scenario(file).policy
    assert policy.objective == ik.Maximize("value_added")
    assert policy.constraints[1] == ik.ProgramShare("training", max=0.2)
    assert policy.budget.total == 2000
    bad = write(tmp_path / "bad.yaml", "extends: parent.yaml\nset:\n"
                "  objective: {maximise: {metric: jobs}}\n")
    expect_error(lambda: ik.load_scenario(bad), ik.ScenarioError,
                 str(bad), "set.objective.maximise", "did you mean 'maximize'")


def _cut_on_a_word(message: str, source: str) -> bool:
    """``message`` ends in ``...`` (maybe in quotes) right after a whole word of ``source``."""
    message = message.rstrip("'\"")
    if not message.endswith("..."):
        return False
    last = re.findall(r"\w+", message.removesuffix("..."))[-1]
    return last in set(re.findall(r"\w+", source))


@pytest.mark.parametrize("text", [
    # two objective kinds in one mapping: the message used to stop at "{'metric"
    "budget: {total: 10}\nobjective:\n  weighted: {jobs: 1, value_added: 0.5}\n"
    "  poverty_weighted: {metric: jobs, column: poverty_rate_pct, strength: 2}\n",
    "budget: [" + ", ".join(["pengembangan industri kecil dan menengah"] * 40) + "]\n",
    "budget: {total: 10}\nsolver: {solver: " + "sangat panjang " * 500 + "}\n",
])
def test_a_long_error_message_ends_on_a_word(tmp_path, text):
    file = write(tmp_path / "long.yaml", text)
    err = expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file))
    message = str(err).split("; choose one")[0]  # an unknown solver: the list follows
    assert len(str(err)) < 400
    assert _cut_on_a_word(message, text), message


def test_a_long_key_is_shortened_in_the_message(tmp_path):
    file = write(tmp_path / "key.yaml", "budget: {total: 10}\n? " + "kunci" * 2000 + "\n: 1\n")
    err = expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file),
                       "unknown top-level key")
    assert len(str(err)) < 600 and err.key.endswith("...")


def test_shorten_and_short_repr_never_cut_a_word_and_stay_bounded():
    text = "must be one mapping {kind: arguments} with a kind from the list"
    for width in range(10, len(text)):
        cut = shorten(text, width)
        assert len(cut) <= width and cut.endswith("...")
        words = [w.strip("{}:") for w in text.split()]
        assert cut.removesuffix("...").split()[-1].strip("{}:") in words
    nested: Any = ["lol"] * 9
    for _ in range(8):
        nested = [nested] * 9  # 9**9 strings if written out
    assert len(quickly(lambda: short_repr(nested))) <= 80
    assert short_repr(10**5000) == "<an integer of about 5,001 digits>"


# ====================================================================== item 8: dataset cache
def test_a_dataset_swapped_for_an_older_dated_copy_is_noticed(tmp_path):
    folder = write_folder(tmp_path / "data", named_tables())
    file = write(tmp_path / "s.yaml", "dataset: {path: data}\nbudget: {total: 60}\n")
    before = ik.load_scenario(file)
    assert before.load_data().regions.loc["Aceh", "population"] == 5_400_000
    digest = before.digest
    regions = folder / "regions.csv"
    old = regions.stat()
    copy = tmp_path / "regions-copy.csv"
    copy.write_bytes(regions.read_bytes())
    replace_text(copy, "5400000", "5400001")  # same size, other content
    os.utime(copy, ns=(old.st_atime_ns - 10**12, old.st_mtime_ns - 10**12))  # dated older
    os.replace(copy, regions)
    assert regions.stat().st_size == old.st_size and regions.stat().st_mtime < old.st_mtime
    after = ik.load_scenario(file)
    assert after.load_data().regions.loc["Aceh", "population"] == 5_400_001
    assert after.digest != digest
    assert after.run().by("region").shape[0] == 3


def test_an_unchanged_dataset_is_read_once(tmp_path):
    write_folder(tmp_path / "data", named_tables())
    file = write(tmp_path / "s.yaml", "dataset: {path: data}\nbudget: {total: 60}\n")
    assert ik.load_scenario(file).load_data() is ik.load_scenario(file).load_data()
    assert ik.load_scenario(file).digest == ik.load_scenario(file).digest
