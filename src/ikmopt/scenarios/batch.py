"""Batches of scenarios: parallel, failure-proof, resumable, and compared side by side.

Each result is written as it finishes, so an interrupted batch resumes where it stopped;
``meta.json`` records the size and SHA-256 of every file, so a damaged result is solved again
rather than trusted. Workers are processes started with ``spawn``, each solving one scenario at
a time with one HiGHS thread (HiGHS is not safe to drive from a thread pool); they leave
Ctrl-C to the batch and exit when the process that started them dies. Any
:class:`concurrent.futures.Executor` can replace the local pool, including the executor of a
``dask.distributed.Client`` (tasks are submitted with ``pure=False``, so two identical
scenarios are solved twice rather than merged).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import threading
import time
import traceback
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.files import digests, read_verified, replace_folder
from ikmopt.core.validation import suggest
from ikmopt.core.version import __version__
from ikmopt.scenarios.files import (
    Scenario,
    ScenarioError,
    check_names,
    load_scenario,
    scenario_files,
)

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["BatchInterrupted", "InProcessExecutor", "ScenarioResult", "ScenarioResults",
           "run_scenarios"]

#: Tables written for every finished scenario (``<name>.csv`` in its folder).
TABLES = ("allocation", "outcomes", "by_region", "by_program", "constraints", "equity",
          "projects")


@dataclass
class ScenarioResult:
    """What a batch keeps of one scenario: its tables, or the error that stopped it.

    Attributes
    ----------
    name : str
    ok : bool
        Whether a plan was found.
    tables : dict of DataFrame
        ``allocation`` (one row per cell), ``outcomes``, ``by_region``, ``by_program``,
        ``constraints`` (with shadow prices), ``equity`` and ``projects`` (if any).
    meta : dict
        ``ikmopt_version``, ``solver``, ``status``, ``objective``, ``inputs_sha256``,
        ``runtime_s``, ``source``; for a failure ``error_type`` and ``error``. Read back
        from disk, also ``files`` (size and SHA-256 of each table file) and ``meta_sha256``.
    """

    name: str
    ok: bool
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def outcomes(self) -> pd.Series:
        """Total spend and every metric."""
        table = self.tables["outcomes"]
        return pd.Series(table["value"].to_numpy(), index=table["metric"].to_numpy(),
                         name=self.name)

    @property
    def error(self) -> str | None:
        """The error message of a failed scenario."""
        return self.meta.get("error")

    def write(self, folder: str | Path) -> Path:
        """Write the tables and ``meta.json`` into ``folder/<folder name>`` at once.

        The folder is written under a hidden temporary name and swapped in with one rename
        (see :func:`ikmopt.core.files.replace_folder`), so a reader, a crash or a second process
        writing the same scenario never sees half a result. ``meta.json`` records the size
        and SHA-256 of every table (``files``) and of itself (``meta_sha256``).
        The folder name is the scenario's name when that is an ordinary name (ASCII letters,
        digits, ``-``, ``_`` and ``.``, not starting with a dot, at most 100 characters, not
        a name Windows reserves such as ``CON``); any other name is written as a readable
        part and ``~`` with 12 hex digits of its SHA-256 (``a b`` goes to ``a_b~…``).
        """
        final = Path(folder) / _folder_name(self.name)
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.partial")
        tmp.mkdir()  # not mkdtemp: the folder gets the usual permissions, not owner-only
        try:
            for name, table in self.tables.items():
                table.to_csv(tmp / f"{name}.csv", index=False)
            (tmp / META).write_text(_sealed(self.meta, tmp, self.tables), encoding="utf-8")
            replace_folder(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return final

    @classmethod
    def read(cls, folder: str | Path) -> ScenarioResult:
        """Read a scenario folder written by :meth:`write`, checking it is as written.

        Raises
        ------
        ScenarioError
            If ``meta.json`` is missing, unreadable or edited, or a table file is missing,
            changed, truncated or unexpected (solve the scenario again, e.g. by running the
            batch again with ``resume=True``). Folders written before ikmopt recorded
            checksums are read unchecked.
        """
        folder = Path(folder)
        meta, contents, problems = _inspect(folder, sealed=False)
        if problems:
            raise _damaged(folder, meta, problems)
        return _from_disk(folder, meta, contents)


#: The file of a scenario folder that holds its metadata and the checksums of its tables.
META = "meta.json"

#: What a folder written before ikmopt recorded checksums lacks (read, but never resumed).
_UNSEALED = "meta.json records no checksums (written by an older ikmopt)"

#: Folder names kept as they are: ASCII letters, digits, ``-``, ``_``, ``.``; no leading dot.
_ORDINARY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")

#: Device names Windows reserves, with or without an extension (compared without case).
_RESERVED = frozenset({"con", "prn", "aux", "nul",
                       *(f"{d}{i}" for d in ("com", "lpt") for i in "0123456789¹²³")})

#: Characters a scenario name may not hold: control characters and line or paragraph breaks.
_FORBIDDEN = frozenset({"Cc", "Zl", "Zp"})


def _folder_name(name: str) -> str:
    """The results folder of scenario ``name``: one name per scenario, always inside ``out``.

    An ordinary name is its own folder name (``baseline``, ``kti-40``, ``budget_2000``).
    Any other name (``..``, ``a b``, ``a/b``, ``CON``, a Unicode or a very long name) becomes
    its letters and digits joined by ``_`` (at most 60 bytes), ``~`` and the first 12 hex
    digits of the SHA-256 of the name. ``~`` never occurs in an ordinary name, so two names
    share a folder only if their hashes collide (or they differ only in case, which
    :func:`_check_folders` refuses).
    """
    if _ORDINARY.fullmatch(name) and not name.endswith(".") and (
            name.split(".")[0].casefold() not in _RESERVED):
        return name
    readable = re.sub(r"[\W_]+", "_", unicodedata.normalize("NFC", name)).strip("_")
    readable = readable.encode("utf-8")[:60].decode("utf-8", "ignore") or "scenario"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{readable}~{digest}"


def _check_folders(named: Iterable[tuple[str, str | None]]) -> None:
    """Refuse scenario names that cannot be written or would share a results folder.

    Parameters
    ----------
    named : iterable of (name, source file or None)

    Raises
    ------
    ScenarioError
        If a name holds a control character or a line break, or two names map to the same
        folder (compared without case, as Windows and macOS do).
    """
    seen: dict[str, tuple[str, str | None]] = {}
    for name, source in named:
        bad = next((ch for ch in name if unicodedata.category(ch) in _FORBIDDEN), None)
        if bad is not None:
            raise ScenarioError(f"the scenario name {name!r} holds the control character "
                                f"{bad!r}; remove it (a name is a folder name and a line of "
                                "every message about the scenario)", source, "name")
        folder = _folder_name(name)
        other = seen.setdefault(folder.casefold(), (name, source))
        if other != (name, source):
            raise ScenarioError(
                f"scenarios {other[0]!r}{_from(other[1])} and {name!r}{_from(source)} would "
                f"be written to the same results folder '{folder}' (folder names ignore case "
                "on Windows and macOS); rename one of them", source, "name")


def _from(source: str | None) -> str:
    return f" ({source})" if source else ""


def _sealed(meta: Mapping[str, Any], folder: Path, tables: Iterable[str]) -> str:
    """The text of ``meta.json``: ``meta`` with the checksums of the tables and of itself."""
    body = json.loads(json.dumps(dict(meta), default=str))
    body.pop("meta_sha256", None)
    body["files"] = digests(folder, [f"{name}.csv" for name in tables])
    body["meta_sha256"] = _meta_digest(body)
    return json.dumps(body, indent=2)


def _meta_digest(meta: Mapping[str, Any]) -> str:
    """SHA-256 of ``meta`` without its own ``meta_sha256`` (keys sorted, as JSON)."""
    body = {k: v for k, v in meta.items() if k != "meta_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _inspect(folder: Path, *, sealed: bool) -> tuple[dict[str, Any], dict[str, bytes],
                                                     list[str]]:
    """``(meta, table files, problems)`` of a scenario folder; no problems: it is as written.

    With ``sealed``, a folder without checksums (written by an older ikmopt) is a problem.
    """
    try:
        meta = json.loads((folder / META).read_bytes())
    except FileNotFoundError:
        return {}, {}, [f"{META} is missing"]
    except (OSError, ValueError, RecursionError) as err:  # ValueError: bad JSON or UTF-8
        return {}, {}, [f"{META} cannot be read ({type(err).__name__}: {err})"]
    if not isinstance(meta, dict):
        return {}, {}, [f"{META} holds a {type(meta).__name__}, not a mapping"]
    if "meta_sha256" not in meta or not isinstance(meta.get("files"), dict):
        return (meta, {}, [_UNSEALED]) if sealed else (meta, *_unchecked(folder))
    if meta["meta_sha256"] != _meta_digest(meta):
        return meta, {}, [f"{META} was edited after it was written (its checksum differs)"]
    contents, problems = read_verified(folder, meta["files"], "*.csv")
    return meta, contents, problems


def _unchecked(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """The table files of a folder without checksums, as they are."""
    try:
        return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))
                if not p.name.startswith(".")}, []
    except OSError as err:
        return {}, [f"{Path(err.filename or '').name} cannot be read ({err.strerror})"]


def _damaged(folder: Path, meta: Mapping[str, Any], problems: list[str]) -> ScenarioError:
    name = meta.get("name")
    what = f"the results of scenario {name!r}" if isinstance(name, str) else "the results"
    return ScenarioError(f"{what} in '{folder}' are damaged: {'; '.join(problems)}; solve it "
                         "again (run the batch again with resume=True, or 'ikmopt run "
                         "--resume')", str(folder / META))


def _from_disk(folder: Path, meta: dict[str, Any], contents: Mapping[str, bytes]) -> ScenarioResult:
    """The ScenarioResult of a checked folder (tables parsed from the bytes checked)."""
    tables = {}
    for file, content in sorted(contents.items()):
        try:
            tables[Path(file).stem] = pd.read_csv(io.BytesIO(content))
        except (ValueError, pd.errors.EmptyDataError) as err:  # ParserError is a ValueError
            raise _damaged(folder, meta, [f"{file} is not a CSV table ({err})"]) from err
    name = meta.get("name")
    return ScenarioResult(name if isinstance(name, str) else folder.name, bool(meta.get("ok")),
                          tables, meta)


def report_meta(result: Result) -> dict[str, Any]:
    """What a scenario's report needs besides its tables (JSON-ready; kept in ``meta.json``).

    Keys ``objective_unit``, ``metric_units``, ``rules`` (the policy as written),
    ``budget`` (the total, or None) and ``mip``.
    """
    unit = result.objective_unit
    return {
        "objective_unit": unit.to_dict(),
        "metric_units": dict(result.data.metric_units),
        "rules": list(result.policy.describe()),
        "budget": result.policy.budget.total,
        "mip": bool(result.lp.is_mip),
    }


# ---------------------------------------------------------------------- one scenario
def solve_scenario(scenario: Scenario) -> ScenarioResult:
    """Solve one scenario and keep its tables; user errors become a failed result.

    Module-level so worker processes (and Dask workers) can import it.
    """
    meta: dict[str, Any] = {"name": scenario.name, "ikmopt_version": __version__,
                            "source": scenario.source, "inputs_sha256": scenario.digest}
    start = time.perf_counter()
    try:
        result = scenario.run()
    except IkmoptError as err:
        meta.update(ok=False, error_type=type(err).__name__, error=str(err),
                    runtime_s=time.perf_counter() - start)
        return ScenarioResult(scenario.name, False, {}, meta)
    tables = result.tables()
    keep = {
        "allocation": tables["allocation"],
        "outcomes": result.outcomes.rename("value").rename_axis("metric").reset_index(),
        "by_region": tables["by_region"],
        "by_program": tables["by_program"],
        "constraints": tables["constraints"],
        "equity": tables["equity"],
    }
    if "projects" in tables:
        keep["projects"] = tables["projects"]
    meta.update(ok=True, solver=result.solver, status=str(result.status),
                objective=float(result.objective), report=report_meta(result),
                runtime_s=time.perf_counter() - start)
    return ScenarioResult(scenario.name, True, keep, meta)


def _failed(name: str, err: BaseException, source: str | None = None) -> ScenarioResult:
    detail = str(err) if isinstance(err, IkmoptError) else "".join(
        traceback.format_exception_only(type(err), err)).strip()
    return ScenarioResult(name, False, {}, {"name": name, "ok": False, "source": source,
                                            "error_type": type(err).__name__,
                                            "error": detail})


# ---------------------------------------------------------------------- executors
class InProcessExecutor(Executor):
    """Runs each task at once in the calling process (for debugging and small batches)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn(*args, **kwargs)`` now; return a finished Future."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:  # delivered through the future, like a pool would
            future.set_exception(err)
        return future


def _local_pool(workers: int | None) -> ProcessPoolExecutor:
    n = workers or os.cpu_count() or 1
    return ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_start)


def _worker_start() -> None:
    """Worker start: one numeric thread, Ctrl-C left to the batch, exit with the parent.

    One thread for every numeric library (solves run side by side). Ctrl-C in a terminal
    reaches every process of the group; the batch stops the workers, so they ignore it
    (no traceback from each). A daemon thread waits on the parent's end of the pipe that
    started this process: when the parent dies, even by ``kill -9``, the pipe closes and
    the worker exits at once, instead of living on as an orphan.
    """
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="ikmopt-parent-watch",
                         daemon=True).start()


def _exit_with(parent: Any) -> None:
    """Wait until ``parent`` (a multiprocessing parent process) is gone, then exit now."""
    parent.join()  # returns when the pipe from the parent closes: the parent has died
    os._exit(1)


@contextlib.contextmanager
def _sigint_ignored(active: bool) -> Iterator[None]:
    """Ignore Ctrl-C while worker processes start, so they inherit it ignored.

    A spawned worker imports for a second or more before its initializer runs; a Ctrl-C in
    that time would print a traceback from each worker. An ignored signal stays ignored in
    a new process, so workers started inside this block never see it. Only in the main
    thread, and only if the current handler was set from Python (so it can be restored).
    """
    if not active or threading.current_thread() is not threading.main_thread() or (
            signal.getsignal(signal.SIGINT) is None):
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's worker processes now, abandoning the scenarios they are solving."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(OSError, ValueError):  # already gone
            process.terminate()


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C (a ``KeyboardInterrupt``) stopped a batch; says how far it got.

    Raised by :func:`run_scenarios` from the interrupt. The worker processes of its own pool
    are stopped; every scenario finished before is in ``out`` (if given), so calling again
    with ``resume=True`` continues where the batch stopped.

    Attributes
    ----------
    finished : int
        Scenarios finished (solved, failed, or read back with ``resume``).
    total : int
        Scenarios in the batch.
    out : str or None
        The results folder.
    """

    def __init__(self, finished: int, total: int, out: str | None = None) -> None:
        super().__init__(finished, total, out)
        self.finished, self.total, self.out = finished, total, out

    def __str__(self) -> str:
        text = f"interrupted: {self.finished} of {self.total} scenarios finished"
        if self.out is None:
            return text
        return f"{text} and written to {self.out}; run again with resume=True to continue"


def _submitter(executor: Any):
    """A ``submit(fn, arg)`` for any Executor; a Dask client or its executor gets pure=False."""
    module = type(executor).__module__
    if module.startswith("distributed") and hasattr(executor, "get_executor"):  # a Client
        executor = executor.get_executor(pure=False)
    if not isinstance(executor, Executor):
        raise PolicyError(
            f"executor must be a concurrent.futures.Executor or a dask.distributed.Client, "
            f"got {type(executor).__name__}"
        )
    if type(executor).__module__.startswith("distributed"):
        return executor, lambda fn, arg: executor.submit(fn, arg, pure=False)
    return executor, executor.submit


# ---------------------------------------------------------------------- the batch
def run_scenarios(
    scenarios: Iterable[Scenario | str | Path],
    executor: Executor | Any | None = None,
    *,
    workers: int | None = None,
    progress: bool = True,
    out: str | Path | None = None,
    resume: bool = False,
    root: str | Path | None = None,
) -> ScenarioResults:
    """Solve many scenarios; a failing one is recorded and the others finish.

    Parameters
    ----------
    scenarios : iterable of Scenario or scenario file paths, or one of them
        A file that cannot be read is recorded as a failed scenario (named by its stem).
        One path (not in a list) may also name a folder or a glob pattern: its scenario
        files (``*.yaml``, ``*.yml``) are run.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where to run. Default: a pool of ``workers`` local processes started with ``spawn``.
        :class:`InProcessExecutor` runs in this process.
    workers : int, optional
        Size of the default pool (default: the number of CPUs).
    progress : bool, default True
        Show a progress bar (tqdm) on standard error.
    out : path, optional
        Folder: each finished scenario is written at once to its own folder in ``out`` (the
        tables as CSV and ``meta.json``), so an interrupted batch loses nothing. The folder
        is the scenario's name if that is an ordinary name (``baseline``, ``kti-40``);
        other names get a readable part and a hash (see :meth:`ScenarioResult.write`).
    resume : bool, default False
        With ``out``, skip scenarios whose folder holds a whole, successful result for the
        same inputs (same ``inputs_sha256``, every file matching the size and SHA-256 that
        ``meta.json`` records); failed, changed or damaged scenarios run again.
    root : path, optional
        A further folder that scenario files may name files under (see
        :func:`ikmopt.load_scenario`); by default only each file's own folder.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    ScenarioError
        If two scenarios share a name or a results folder (names that differ only in case),
        a name holds a control character or a line break, or one path names no scenario
        file; all before anything is solved.
    PolicyError
        If ``scenarios``, an item of it, ``workers`` or ``executor`` is of the wrong kind.
    BatchInterrupted
        On Ctrl-C: the workers of the local pool are stopped and the error says how many
        scenarios finished (a ``KeyboardInterrupt``).

    Examples
    --------
    >>> import ikmopt as ik
    >>> batch = ik.run_scenarios(["examples/scenarios/baseline.yaml",
    ...                           "examples/scenarios/budget-cut.yaml"],
    ...                          executor=ik.InProcessExecutor(), progress=False)
    >>> sorted(batch.results)
    ['baseline', 'budget-cut']
    """
    items = _scenario_items(scenarios)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int):
            raise PolicyError(f"workers must be a whole number, got {type(workers).__name__} "
                              f"{workers!r}")
        if workers < 1:
            raise PolicyError(f"workers must be at least 1, got {workers}")
    if executor is not None:
        _submitter(executor)  # refuse a wrong executor before anything is read or written
    pending, failed = _load(items, root)
    folder = None if out is None else Path(out)
    done: dict[str, ScenarioResult] = {}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for res in failed.values():
            res.write(folder)
        if resume:
            pending, done = _skip_done(pending, folder)
    own_pool = executor is None and bool(pending)
    pool = _local_pool(workers) if own_pool else executor or InProcessExecutor()
    pool, submit = _submitter(pool)
    results: dict[str, ScenarioResult] = dict(done)
    futures: dict[Future, Scenario] = {}
    bar = tqdm(total=len(pending) + len(done), initial=len(done), disable=not progress,
               desc="scenarios", unit="scenario")

    def collect(future: Future) -> None:
        scenario = futures.pop(future)
        try:
            res = future.result()
        except Exception as err:  # a worker crash or an unexpected error: record it
            res = _failed(scenario.name, err, scenario.source)
        if folder is not None:
            res.write(folder)
        results[scenario.name] = res
        bar.update(1)

    try:
        with _sigint_ignored(own_pool):  # workers start here, and inherit Ctrl-C ignored
            for scenario in pending:
                future = submit(solve_scenario, scenario)
                futures[future] = scenario
                if future.done():  # an in-process executor finishes at submit: write it now
                    collect(future)
        for future in as_completed(list(futures)):
            collect(future)
    except BaseException as err:
        for future in futures:
            future.cancel()
        if own_pool:  # do not wait for the scenarios being solved
            _stop_workers(pool)
        if isinstance(err, KeyboardInterrupt) and not isinstance(err, BatchInterrupted):
            total = len(pending) + len(done) + len(failed)
            raise BatchInterrupted(len(results) + len(failed), total,
                                   None if folder is None else str(folder)) from err
        raise
    finally:
        bar.close()
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    order = [s.name for s in pending] + list(done) + list(failed)
    all_results = {**results, **failed}
    return ScenarioResults({name: all_results[name] for name in dict.fromkeys(order)
                            if name in all_results})


def _load(items: list[Scenario | str | Path], root: str | Path | None = None
          ) -> tuple[list[Scenario], dict[str, ScenarioResult]]:
    """The scenarios, and a failed result (named by the file's stem) per unreadable file.

    Raises
    ------
    ScenarioError
        If two of them share a name or a results folder, or a name cannot be a folder name.
    """
    pending: list[Scenario] = []
    failed: list[ScenarioResult] = []
    for item in items:
        if isinstance(item, Scenario):
            pending.append(item)
            continue
        try:
            pending.append(load_scenario(item, root=root))
        except ScenarioError as err:
            failed.append(_failed(Path(item).stem, err, str(item)))
    check_names(pending)
    _check_folders([*((s.name, s.source) for s in pending),
                    *((res.name, res.meta.get("source")) for res in failed)])
    return pending, {res.name: res for res in failed}


def _scenario_items(scenarios: Any) -> list[Scenario | str | Path]:
    """The scenarios and file paths of ``scenarios``.

    One path (a file, a folder or a glob pattern) stands for its scenario files, one
    Scenario for itself.
    """
    if isinstance(scenarios, Scenario):
        return [scenarios]
    if isinstance(scenarios, str | os.PathLike):
        files = scenario_files(scenarios)
        if not files:
            raise ScenarioError(f"no scenario files (*.yaml, *.yml) found in {scenarios!s}")
        return list(files)
    if isinstance(scenarios, Mapping) or not isinstance(scenarios, Iterable):
        hint = " (use Scenario.from_dict)" if isinstance(scenarios, Mapping) else ""
        raise PolicyError("scenarios must be a list of ik.Scenario or scenario file paths, or "
                          f"a folder, got {type(scenarios).__name__} {scenarios!r:.60}{hint}")
    items = list(scenarios)
    for i, item in enumerate(items):
        if not isinstance(item, Scenario | str | os.PathLike):
            hint = " (use Scenario.from_dict)" if isinstance(item, Mapping) else ""
            raise PolicyError(f"scenarios[{i}] must be an ik.Scenario or a file path, got "
                              f"{type(item).__name__}{hint}")
    return items


def _skip_done(scenarios: list[Scenario], folder: Path) -> tuple[list[Scenario],
                                                                  dict[str, ScenarioResult]]:
    """Split ``scenarios`` into those to solve and those already solved in ``folder``."""
    todo, done = [], {}
    for s in scenarios:
        found = _resumable(folder / _folder_name(s.name), s)
        if found is None:
            todo.append(s)
        else:
            done[s.name] = found
    return todo, done


def _resumable(path: Path, scenario: Scenario) -> ScenarioResult | None:
    """The result in ``path`` if it is a whole, successful result of ``scenario``'s inputs.

    Anything else (no folder, a failure, other inputs, a missing, truncated or edited file,
    an unreadable ``meta.json``, no checksums) means: solve it again.
    """
    meta, contents, problems = _inspect(path, sealed=True)
    if problems or not meta.get("ok") or meta.get("name") != scenario.name:
        return None
    if meta.get("inputs_sha256") != scenario.digest:
        return None
    try:
        return _from_disk(path, meta, contents)
    except ScenarioError:
        return None


# ---------------------------------------------------------------------- results
class ScenarioResults(Mapping[str, ScenarioResult]):
    """The results of a batch by scenario name, with errors and comparisons.

    Attributes
    ----------
    results : dict of ScenarioResult
        Every scenario, solved or failed, in input order.
    """

    def __init__(self, results: Mapping[str, ScenarioResult]) -> None:
        self.results = dict(results)

    def __getitem__(self, name: str) -> ScenarioResult:
        return self.results[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def ok(self) -> list[str]:
        """Names of the scenarios with a plan."""
        return [n for n, r in self.results.items() if r.ok]

    @property
    def errors(self) -> pd.DataFrame:
        """One row per failed scenario: ``scenario``, ``error_type``, ``error``, ``source``."""
        rows = [{"scenario": n, "error_type": r.meta.get("error_type"), "error": r.error,
                 "source": r.meta.get("source")} for n, r in self.results.items() if not r.ok]
        return pd.DataFrame(rows, columns=["scenario", "error_type", "error", "source"])

    @classmethod
    def read(cls, folder: str | Path) -> ScenarioResults:
        """Read the results a batch wrote with ``out=``.

        Each scenario is named by its ``meta.json`` (folder names are only unique, not the
        names). A damaged folder (a file missing, truncated or edited) is read as a failed
        scenario whose error says what is wrong, so it shows in :attr:`errors`.

        Raises
        ------
        PolicyError
            If ``folder`` does not exist or holds no scenario results.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise PolicyError(f"results folder '{folder}' does not exist")
        found = sorted(p.parent for p in folder.glob(f"*/{META}")
                       if not p.parent.name.startswith("."))  # not a temporary folder
        if not found:
            raise PolicyError(f"no scenario results (*/meta.json) in '{folder}'")
        results: dict[str, tuple[ScenarioResult, bool]] = {}
        for path in found:
            res = _read_or_damaged(path)
            canonical = path.name == _folder_name(res.name)
            if res.name not in results or canonical or not results[res.name][1]:
                results[res.name] = (res, canonical)  # a scenario's own folder wins
        return cls({name: res for name, (res, _) in results.items()})

    def compare(self, baseline: str | None = None) -> Comparison:
        """Tidy comparison of every solved scenario with ``baseline`` (default: the first).

        Raises
        ------
        PolicyError
            If the baseline is unknown or failed, or no scenario was solved.
        """
        solved = self.ok
        if not solved:
            raise PolicyError("no scenario has a plan to compare")
        baseline = solved[0] if baseline is None else baseline
        if baseline not in self.results:
            raise PolicyError(f"unknown baseline '{baseline}'{suggest(baseline, self.results)}"
                              f"; scenarios: {list(self.results)}")
        if not self.results[baseline].ok:
            raise PolicyError(f"baseline '{baseline}' failed: {self.results[baseline].error}")
        return Comparison(self, baseline)

    def report(self, path: str | Path, lang: str = "en", *, baseline: str | None = None,
               format: str | None = None, title: str | None = None,
               date: datetime.date | None = None) -> Path:
        """Write a report of every solved scenario against ``baseline`` (HTML or Excel).

        See :func:`ikmopt.report.write_scenario_report`.
        """
        from ikmopt.report import write_scenario_report  # face hook (listed in the import contract)

        return write_scenario_report(self, path, lang, baseline=baseline, format=format,
                                     title=title, date=date)


def _read_or_damaged(path: Path) -> ScenarioResult:
    """The result in ``path``, or a failed result saying why it cannot be trusted."""
    try:
        return ScenarioResult.read(path)
    except ScenarioError as err:
        meta, _, _ = _inspect(path, sealed=False)
        name = meta.get("name") if isinstance(meta.get("name"), str) else path.name
        return _failed(name, err, meta.get("source") if isinstance(meta.get("source"), str)
                       else None)


def _long(results: Mapping[str, ScenarioResult], table: str, keys: list[str],
          values: list[str]) -> pd.DataFrame:
    frames = []
    for name, res in results.items():
        if res.ok and table in res.tables:
            frame = res.tables[table]
            cols = [c for c in (*keys, *values) if c in frame.columns]
            frames.append(frame[cols].assign(scenario=name))
    if not frames:
        return pd.DataFrame(columns=["scenario", *keys, *values])
    return pd.concat(frames, ignore_index=True)[["scenario", *keys,
                                                 *[v for v in values if v in frames[0]]]]


def _spend_everywhere(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Every scenario with a row for every group any scenario has (spend 0 where absent).

    A scenario that adds a program (or region) then differs from the baseline by the new
    group's full spend, and one that drops a group by minus the baseline's spend.
    """
    if frame.empty:
        return frame
    full = pd.MultiIndex.from_product([pd.unique(frame["scenario"]), pd.unique(frame[key])],
                                      names=["scenario", key])
    return (frame.set_index(["scenario", key]).reindex(full, fill_value=0.0).reset_index())


def _with_baseline(frame: pd.DataFrame, keys: list[str], value: str,
                   baseline: str) -> pd.DataFrame:
    base = frame[frame["scenario"] == baseline].set_index(keys)[value]
    joined = frame.join(base.rename("baseline"), on=keys) if keys else frame.assign(
        baseline=float(base.iloc[0]))
    diff = joined[value] - joined["baseline"]
    # float noise (a full budget spent two ways) is no difference
    joined["diff"] = diff.where(diff.abs() > 1e-9 * (1 + joined["baseline"].abs()), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        joined["pct"] = np.where(joined["baseline"] != 0,
                                 100 * joined["diff"] / joined["baseline"].abs(), np.nan)
    return joined.reset_index(drop=True)


class Comparison:
    """Scenarios side by side with differences to a baseline (tidy tables).

    Attributes
    ----------
    baseline : str
    outcomes : DataFrame
        ``scenario, metric, value, baseline, diff, pct`` (spend and every metric).
    equity : DataFrame
        ``scenario, of, measure, value, baseline, diff, pct``.
    by_region, by_program : DataFrame
        ``scenario, region|program, spend, baseline, diff, pct``; a group that a scenario
        (or the baseline) lacks has spend 0 there, so a program a scenario adds differs by
        its whole spend.
    shadow_prices : DataFrame
        ``scenario, family, label, constraint, shadow_price, binding``: every policy row of
        every scenario, so the value of one rule can be followed across scenarios.
    """

    def __init__(self, results: ScenarioResults, baseline: str) -> None:
        self.baseline = baseline
        self.scenarios = results.ok
        solved = {n: results[n] for n in self.scenarios}
        self.outcomes = _with_baseline(_long(solved, "outcomes", ["metric"], ["value"]),
                                       ["metric"], "value", baseline)
        self.equity = _with_baseline(_long(solved, "equity", ["of", "measure"], ["value"]),
                                     ["of", "measure"], "value", baseline)
        self.by_region = _with_baseline(
            _spend_everywhere(_long(solved, "by_region", ["region"], ["spend"]), "region"),
            ["region"], "spend", baseline)
        self.by_program = _with_baseline(
            _spend_everywhere(_long(solved, "by_program", ["program"], ["spend"]), "program"),
            ["program"], "spend", baseline)
        self.shadow_prices = _long(solved, "constraints", ["family", "label", "constraint"],
                                   ["shadow_price", "binding"])

    def summary(self) -> pd.DataFrame:
        """Wide table: one row per scenario, each outcome and its change in percent."""
        wide = self.outcomes.pivot(index="scenario", columns="metric", values="value")
        pct = self.outcomes.pivot(index="scenario", columns="metric", values="pct")
        out = wide.join(pct.add_suffix(" %"))
        gini = self.equity[(self.equity["of"] == "spend") & (self.equity["measure"] == "gini")]
        out["gini_spend"] = gini.set_index("scenario")["value"]
        return out.reindex(self.scenarios)

    def __str__(self) -> str:
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            return (f"Scenarios compared with baseline '{self.baseline}'\n"
                    + self.summary().to_string(float_format=lambda v: f"{v:,.1f}",
                                               formatters={"gini_spend": "{:.3f}".format}))

    def plot(self, metric: str = "jobs", ax: Any = None) -> Any:
        """Bar chart of each scenario's change in ``metric`` against the baseline (percent)."""
        from ikmopt.plot import comparison  # face hook (listed in the import contract)

        return comparison(self, metric, ax=ax)
