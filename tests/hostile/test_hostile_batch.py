"""Hostile batches: names that are no folder names, damaged results, races and kills.

The catalogue entries of issue 13, items 6, 7, 9 and 10, in the manner of test_hostile.py:

* a scenario name is a folder name only if it is an ordinary one; any other name (``..``,
  ``a/b``, ``CON``, a very long one) is written inside ``out`` under a name of its own, names
  that would still share a folder are refused naming both, and a name with a control
  character is refused; results read back under their real names (from ``meta.json``);
* ``resume=True`` solves a scenario again when any of its files is missing, truncated,
  edited or unexpected, or ``meta.json`` is edited or unreadable; reading such a folder
  reports it as a failed scenario naming the damaged file;
* several processes writing the same scenario folder neither fail nor leave a mix;
* worker processes die with their parent (``kill -9``), and Ctrl-C stops ``ikmopt run`` with
  one line and exit status 130.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ikmopt as ik
from helpers.hostile import expect_error, snapshot
from ikmopt.scenarios.batch import BatchInterrupted
from ikmopt.scenarios.folders import folder_name as _folder_name
from ikmopt.scenarios.results import ScenarioResult


# ---------------------------------------------------------------------- helpers
class Counting(ik.InProcessExecutor):
    """An in-process executor that counts the scenarios it solves, by name."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        self.names.append(args[0].name)
        return super().submit(fn, *args, **kwargs)


def scenario(name: str, total: float = 1000) -> ik.Scenario:
    return ik.Scenario.from_dict({"name": name, "budget": {"total": total}})


def run(scenarios: list[ik.Scenario], out: Path, **options) -> tuple[ik.ScenarioResults,
                                                                     list[str]]:
    """Run in process; return the batch and the names solved (not read back)."""
    executor = Counting()
    batch = ik.run_scenarios(scenarios, executor, progress=False, out=out, **options)
    return batch, executor.names


def spend(result: ScenarioResult) -> float:
    return float(result.outcomes["spend"])


def folders(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def outside(root: Path, out: Path) -> dict[str, int]:
    """``snapshot(root)`` without what lies in ``out``."""
    inside = str(out.relative_to(root))
    return {k: v for k, v in snapshot(root).items()
            if k != inside and not k.startswith(inside + os.sep)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A folder holding ``out`` beside other files a batch must never touch."""
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("do not delete")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "out").mkdir()
    return tmp_path


# ====================================================================== 6: folder names
@pytest.mark.parametrize("name", ["..", ".", "../escape", "/etc", "~", ".hidden", "a."],
                         ids=["dot-dot", "dot", "dot-dot-slash", "absolute", "tilde",
                              "leading-dot", "trailing-dot"])
def test_name_that_is_a_path_stays_inside_out(root, name):
    out = root / "out"
    before = outside(root, out)
    batch, _ = run([scenario(name)], out)
    assert outside(root, out) == before, "a file outside --out changed"
    assert batch.ok == [name]
    [folder] = folders(out)
    assert not folder.startswith(".") and not folder.endswith(".") and "/" not in folder
    read = ik.ScenarioResults.read(out)
    assert list(read) == [name] and read[name].ok
    _, again = run([scenario(name)], out, resume=True)
    assert again == [], "the result written under an encoded folder name was not found"
    assert outside(root, out) == before


def test_names_that_sanitize_alike_keep_their_own_results(root):
    out = root / "out"
    budgets = {"a b": 600.0, "a_b": 700.0, "a/b": 800.0, "a\\b": 900.0}
    run([scenario(n, t) for n, t in budgets.items()], out)
    assert len(folders(out)) == 4 and "a_b" in folders(out)  # the ordinary name is kept
    read = ik.ScenarioResults.read(out)
    assert {n: spend(r) for n, r in read.items()} == pytest.approx(budgets)
    again, solved = run([scenario(n, t) for n, t in budgets.items()], out, resume=True)
    assert solved == []
    assert {n: spend(again[n]) for n in budgets} == pytest.approx(budgets)


def test_names_differing_only_in_case_are_refused_before_solving(root):
    out = root / "new-out"
    executor = Counting()
    err = expect_error(lambda: ik.run_scenarios([scenario("Baseline"), scenario("baseline")],
                                                executor, progress=False, out=out),
                       ik.ScenarioError, "'Baseline'", "'baseline'", "same results folder",
                       "rename")
    assert isinstance(err, ik.PolicyError) and err.key == "name"
    assert executor.names == [] and not out.exists()


@pytest.mark.parametrize("other", ["Plan", "two/plan.yaml"], ids=["scenario", "file"])
def test_failed_files_sharing_a_folder_are_refused(tmp_path, other):
    """A file that fails to load is named by its stem; that name must be free too."""
    for sub in ("one", "two"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "plan.yaml").write_text("budget: {total: -1}\n")  # fails to load
    second = scenario(other) if other == "Plan" else tmp_path / other
    executor = Counting()
    expect_error(lambda: ik.run_scenarios([tmp_path / "one" / "plan.yaml", second], executor,
                                          progress=False, out=tmp_path / "out"),
                 ik.ScenarioError, "'plan'", str(tmp_path / "one" / "plan.yaml"),
                 "'Plan'" if other == "Plan" else str(tmp_path / other))
    assert executor.names == [] and not (tmp_path / "out").exists()


WINDOWS_DEVICES = {"con", "prn", "aux", "nul",
                   *(f"{d}{i}" for d in ("com", "lpt") for i in range(10))}


@pytest.mark.parametrize("name", ["CON", "con.txt", "Nul", "COM1", "lpt9.csv", "AUX"])
def test_windows_device_name_gets_another_folder(root, name):
    out = root / "out"
    run([scenario(name)], out)
    [folder] = folders(out)
    assert folder.split(".")[0].casefold() not in WINDOWS_DEVICES
    assert list(ik.ScenarioResults.read(out)) == [name]


@pytest.mark.parametrize("name", ["nul\x00byte", "two\nlines", "carriage\rreturn",
                                  "tab\there", "bell\x07", "line\u2028separator"],
                         ids=["nul", "newline", "cr", "tab", "bell", "u2028"])
def test_name_with_a_control_character_is_refused(root, name):
    out = root / "out"
    before = snapshot(root)
    executor = Counting()
    err = expect_error(lambda: ik.run_scenarios([scenario(name)], executor, progress=False,
                                                out=out),
                       ik.ScenarioError, repr(name), "control character")
    assert err.key == "name" and executor.names == []
    assert snapshot(root) == before


@pytest.mark.parametrize("name", ["x" * 300, "é" * 200, "Kabupaten " * 40 + "Papua"],
                         ids=["300-ascii", "400-bytes-utf8", "words"])
def test_very_long_name_gets_a_short_folder(root, name):
    out = root / "out"
    run([scenario(name), scenario(name[:-1])], out)  # alike but for the end: two folders
    assert len(folders(out)) == 2
    assert all(len(f.encode()) <= 100 for f in folders(out))
    assert sorted(ik.ScenarioResults.read(out)) == sorted([name.strip(), name[:-1].strip()])


def test_ordinary_names_keep_their_folder_names(root):
    out = root / "out"
    names = ["baseline", "kti-40", "budget_2000", "v1.2", "Skenario-Papua"]
    run([scenario(n) for n in names], out)
    assert folders(out) == sorted(names)


def test_an_older_folder_of_the_same_scenario_does_not_shadow_its_own(root):
    """A folder an older ikmopt wrote for 'a b' (as 'a_b') loses to the one written now."""
    out = root / "out"
    run([scenario("a b", 1000)], out)
    [own] = folders(out)
    older = out / "a_b"
    older.mkdir()
    for file in (out / own).glob("*.csv"):
        (older / file.name).write_bytes(file.read_bytes())
    meta = json.loads((out / own / "meta.json").read_text())
    meta["objective"] = -1.0
    del meta["files"], meta["meta_sha256"]
    (older / "meta.json").write_text(json.dumps(meta))
    read = ik.ScenarioResults.read(out)
    assert list(read) == ["a b"] and read["a b"].meta["objective"] != -1.0


def _safe_folder(folder: str) -> bool:
    """One path component, visible, short, not a Windows device, no trailing dot or space."""
    return (folder not in ("", ".", "..") and not folder.startswith(".")
            and not folder.endswith((".", " ")) and len(folder.encode()) <= 100
            and not any(c in folder for c in '/\\:*?"<>|\0')
            and folder.split(".")[0].casefold() not in WINDOWS_DEVICES)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_folder_names_are_safe_and_one_per_name(first, second):
    assert _safe_folder(_folder_name(first)), _folder_name(first)
    if first.casefold() != second.casefold():
        assert _folder_name(first).casefold() != _folder_name(second).casefold()
    elif first != second:  # differ in case only: one folder on Windows and macOS, refused
        expect_error(lambda: ik.run_scenarios([scenario(first), scenario(second)],
                                              Counting(), progress=False),
                     ik.ScenarioError)


def test_unicode_name_reads_back(root):
    out = root / "out"
    name = "skenario Papua ✓ – 2025"
    run([scenario(name)], out)
    [folder] = folders(out)
    assert folder.startswith("skenario_Papua_2025~")
    assert list(ik.ScenarioResults.read(out)) == [name]


# ====================================================================== 7: damaged results
def _truncate(folder: Path) -> None:
    file = folder / "by_region.csv"
    file.write_bytes(file.read_bytes()[: len(file.read_bytes()) // 2])


def _delete(folder: Path) -> None:
    (folder / "allocation.csv").unlink()


def _same_size_edit(folder: Path) -> None:
    file = folder / "outcomes.csv"
    text = file.read_text()
    digit = re.search(r"[1-8]", text.split("\n", 1)[1])
    assert digit is not None
    at = len(text.split("\n", 1)[0]) + 1 + digit.start()
    file.write_text(text[:at] + str(int(text[at]) + 1) + text[at + 1:])


def _extra(folder: Path) -> None:
    (folder / "stray.csv").write_text("a\n1\n")


def _edit_meta(folder: Path) -> None:
    meta = json.loads((folder / "meta.json").read_text())
    meta["objective"] = meta["objective"] * 2
    (folder / "meta.json").write_text(json.dumps(meta, indent=2))


def _edit_checksum(folder: Path) -> None:  # the checksum edited to fit a truncated file
    _truncate(folder)
    meta = json.loads((folder / "meta.json").read_text())
    meta["files"]["by_region.csv"]["bytes"] = (folder / "by_region.csv").stat().st_size
    (folder / "meta.json").write_text(json.dumps(meta, indent=2))


def _corrupt_meta(folder: Path) -> None:
    (folder / "meta.json").write_text('{"name": "x", "ok": tr')


def _binary_meta(folder: Path) -> None:
    (folder / "meta.json").write_bytes(b"\xff\xfe\x00garbage")


def _list_meta(folder: Path) -> None:
    (folder / "meta.json").write_text("[1, 2]")


def _deep_meta(folder: Path) -> None:
    (folder / "meta.json").write_text("[" * 100_000)


def _delete_meta(folder: Path) -> None:
    (folder / "meta.json").unlink()


def _delete_folder(folder: Path) -> None:
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


DAMAGE = [
    pytest.param(_truncate, ["by_region.csv", "bytes"], id="truncated-csv"),
    pytest.param(_delete, ["allocation.csv", "missing"], id="deleted-csv"),
    pytest.param(_same_size_edit, ["outcomes.csv", "changed"], id="csv-edited-same-size"),
    pytest.param(_extra, ["stray.csv", "not written"], id="extra-csv"),
    pytest.param(_edit_meta, ["meta.json", "edited"], id="edited-meta"),
    pytest.param(_edit_checksum, ["meta.json", "edited"], id="edited-checksum-in-meta"),
    pytest.param(_corrupt_meta, ["meta.json", "cannot be read"], id="corrupt-meta"),
    pytest.param(_binary_meta, ["meta.json", "cannot be read"], id="binary-meta"),
    pytest.param(_list_meta, ["meta.json", "list"], id="meta-is-a-list"),
    pytest.param(_deep_meta, ["meta.json", "cannot be read"], id="meta-nested-too-deep"),
]


@pytest.fixture
def solved(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    run([scenario("x", 1000), scenario("y", 1500)], out)
    return out


@pytest.mark.parametrize(("damage", "words"), [
    *DAMAGE,
    pytest.param(_delete_meta, [], id="deleted-meta"),
    pytest.param(_delete_folder, [], id="deleted-folder"),
])
def test_resume_solves_a_damaged_result_again(solved, damage, words):
    damage(solved / "x")
    batch, names = run([scenario("x", 1000), scenario("y", 1500)], solved, resume=True)
    assert names == ["x"], "a damaged result was trusted (or an intact one solved again)"
    assert batch.ok == ["x", "y"] and spend(batch["x"]) == pytest.approx(1000)
    assert ScenarioResult.read(solved / "x").ok  # whole again: its checksums match
    assert not list(solved.rglob(".*")), "temporary files left behind"


@pytest.mark.parametrize(("damage", "words"), DAMAGE)
def test_reading_a_damaged_result_names_the_file(solved, damage, words):
    damage(solved / "x")
    expect_error(lambda: ScenarioResult.read(solved / "x"), ik.ScenarioError,
                 str(solved / "x"), "damaged", "resume", *words)
    read = ik.ScenarioResults.read(solved)  # the others still read; x is a failure
    assert read.ok == ["y"]
    errors = read.errors.set_index("scenario")
    assert list(errors.index) == ["x"]  # named by meta.json, or by its folder if unreadable
    assert all(w in errors.loc["x", "error"] for w in words)


def test_result_without_checksums_is_read_but_solved_again_on_resume(solved):
    meta = json.loads((solved / "x" / "meta.json").read_text())
    del meta["files"], meta["meta_sha256"]  # as an older ikmopt wrote it
    (solved / "x" / "meta.json").write_text(json.dumps(meta))
    assert ik.ScenarioResults.read(solved).ok == ["x", "y"]
    _, names = run([scenario("x", 1000), scenario("y", 1500)], solved, resume=True)
    assert names == ["x"]
    assert "meta_sha256" in json.loads((solved / "x" / "meta.json").read_text())


def test_result_of_another_scenario_in_the_folder_is_not_resumed(solved):
    """A folder is trusted only for the scenario its meta.json names."""
    (solved / "y").rename(solved / "z")
    _, names = run([scenario("z", 1500)], solved, resume=True)
    assert names == ["z"]


def test_meta_json_records_size_and_sha256_of_every_table(solved):
    import hashlib

    meta = json.loads((solved / "x" / "meta.json").read_text())
    tables = sorted(p.name for p in (solved / "x").glob("*.csv"))
    assert sorted(meta["files"]) == tables and len(tables) >= 6
    for name, record in meta["files"].items():
        content = (solved / "x" / name).read_bytes()
        assert record == {"bytes": len(content),
                          "sha256": hashlib.sha256(content).hexdigest()}


# ====================================================================== 9: concurrent writers
def _write_many(writer: int, out: str, start, errors) -> None:
    """One process: write scenario 's' 20 times, its tables marked with ``writer``."""
    tables = {"allocation": pd.DataFrame({"writer": [writer] * 200, "cell": range(200)}),
              "outcomes": pd.DataFrame({"metric": ["spend"], "value": [float(writer)]})}
    start.wait()
    for i in range(20):
        result = ScenarioResult("s", True, tables, {"name": "s", "ok": True, "writer": writer,
                                                    "round": i})
        try:
            result.write(Path(out))
        except Exception as err:  # reported to the test, which fails on it
            errors.put(f"writer {writer}, round {i}: {type(err).__name__}: {err}")


def test_concurrent_writers_of_one_folder_leave_one_whole_result(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    context = multiprocessing.get_context("spawn")
    start, errors = context.Event(), context.Queue()
    processes = [context.Process(target=_write_many, args=(w, str(out), start, errors))
                 for w in range(4)]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0, 0, 0, 0]
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert not failures, "\n".join(failures)
    assert folders(out) == ["s"], "temporary or aside folders left behind"
    result = ScenarioResult.read(out / "s")  # checksums match
    writer = result.meta["writer"]
    assert set(result.tables["allocation"]["writer"]) == {writer}  # no mix of two writers
    assert spend(result) == writer


# ====================================================================== 10: kill and Ctrl-C
needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="finds worker processes through /proc")


def _command() -> list[str]:
    script = Path(sys.executable).parent / "ikmopt"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from ikmopt.cli import main; sys.exit(main())"]


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name (state, ppid, ...), or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def _start_batch(tmp_path: Path, n: int) -> tuple[subprocess.Popen, Path, list[int]]:
    """Start ``ikmopt run`` on ``n`` scenarios with two workers; wait until they solve."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for i in range(n):
        (folder / f"s{i:03d}.yaml").write_text(f"budget: {{total: {1000 + i}}}\n")
    out = tmp_path / "out"
    # output to files, not pipes: a worker that outlives the parent would hold a pipe open
    with (tmp_path / "stdout").open("w") as stdout, (tmp_path / "stderr").open("w") as stderr:
        process = subprocess.Popen([*_command(), "run", str(folder), "--out", str(out),
                                    "--workers", "2", "--no-progress"],
                                   stdout=stdout, stderr=stderr,
                                   start_new_session=True)  # its own group, as a terminal job
    deadline = time.monotonic() + 60
    while not list(out.glob("*/meta.json")):  # the workers are up and solving
        assert process.poll() is None, f"stopped early: {(tmp_path / 'stderr').read_text()}"
        assert time.monotonic() < deadline, "no scenario finished in 60 s"
        time.sleep(0.05)
    workers = children(process.pid)
    assert len(workers) >= 2, workers
    return process, out, workers


def _wait_dead(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while [p for p in pids if alive(p)] and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if alive(p)]


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


@needs_proc
def test_workers_die_with_a_killed_parent(tmp_path):
    process, _, workers = _start_batch(tmp_path, 300)
    try:
        process.kill()  # kill -9: no cleanup in the parent at all
        process.wait(timeout=30)
        left = _wait_dead(workers, 5)
        assert not left, f"worker processes {left} outlived their killed parent by 5 s"
    finally:
        _kill_all(workers)


@needs_proc
def test_ctrl_c_prints_one_line_and_exits_130(tmp_path):
    process, out, workers = _start_batch(tmp_path, 300)
    try:
        finished_before = len(list(out.glob("*/meta.json")))
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole group
        process.wait(timeout=30)
        err = (tmp_path / "stderr").read_text()
        assert process.returncode == 130, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
        lines = err.strip().splitlines()
        assert len(lines) == 1, err
        match = re.fullmatch(rf"ikmopt: interrupted: (\d+) of 300 scenarios finished and "
                             rf"written to {re.escape(str(out))}; run again with --resume to "
                             r"continue", lines[0])
        assert match, lines[0]
        on_disk = ik.ScenarioResults.read(out)
        assert on_disk.errors.empty and len(on_disk.ok) == len(on_disk)  # each folder whole
        assert finished_before <= int(match.group(1)) <= len(on_disk)
        assert not [p for p in out.iterdir() if p.name.startswith(".")]
        assert not _wait_dead(workers, 5), "workers outlived the interrupted batch"
    finally:
        _kill_all([process.pid, *workers])


def test_interrupted_batch_says_how_far_it_got(tmp_path):
    class Interrupting(ik.InProcessExecutor):
        def __init__(self) -> None:
            self.n = 0

        def submit(self, fn, /, *args, **kwargs) -> Future:
            self.n += 1
            if self.n == 3:
                future: Future = Future()
                future.set_exception(KeyboardInterrupt())
                return future
            return super().submit(fn, *args, **kwargs)

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt) as stop:
        ik.run_scenarios([scenario(f"s{i}") for i in range(5)], Interrupting(),
                         progress=False, out=out)
    assert isinstance(stop.value, BatchInterrupted)
    assert (stop.value.finished, stop.value.total) == (2, 5)
    assert str(stop.value) == (f"interrupted: 2 of 5 scenarios finished and written to {out}; "
                               "run again with resume=True to continue")
    assert folders(out) == ["s0", "s1"]
