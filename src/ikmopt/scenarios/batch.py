"""Batches of scenarios: parallel, failure-proof and resumable.

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

import os
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor, Future, as_completed
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.version import METHODOLOGY_VERSION, __version__
from ikmopt.scenarios.errors import ScenarioError
from ikmopt.scenarios.folders import check_folders, folder_name, inspect_folder, parse_folder
from ikmopt.scenarios.loading import check_names, load_scenario, scenario_files
from ikmopt.scenarios.results import ScenarioResult, ScenarioResults, failed_result
from ikmopt.scenarios.scenario import Scenario
from ikmopt.scenarios.workers import (
    InProcessExecutor,
    local_pool,
    sigint_deferred,
    sigint_ignored,
    stop_workers,
    submitter,
)

if TYPE_CHECKING:
    from ikmopt.solving.result import Result

__all__ = ["BatchInterrupted", "run_scenarios"]

#: Tables written for every finished scenario (``<name>.csv`` in its folder).
TABLES = ("allocation", "outcomes", "by_region", "by_program", "constraints", "equity",
          "projects", "pot_allocation")


def report_meta(result: Result) -> dict[str, Any]:
    """What a scenario's report needs besides its tables (JSON-ready; kept in ``meta.json``).

    Keys ``objective_unit``, ``metric_units``, ``rules`` (the policy as written),
    ``budget`` (the total, or None), ``illustrative`` (the dataset's flag) and ``mip``.
    """
    unit = result.objective_unit
    return {
        "objective_unit": unit.to_dict(),
        "metric_units": dict(result.data.metric_units),
        "rules": list(result.policy.describe()),
        "budget": result.policy.budget.total,
        "illustrative": bool(result.data.illustrative),
        "mip": bool(result.lp.is_mip),
    }


# ---------------------------------------------------------------------- one scenario
def solve_scenario(scenario: Scenario) -> ScenarioResult:
    """Solve one scenario and keep its tables; user errors become a failed result.

    Module-level so worker processes (and Dask workers) can import it.
    """
    meta: dict[str, Any] = {"name": scenario.name, "ikmopt_version": __version__,
                            "methodology_version": METHODOLOGY_VERSION,
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
    for name in ("projects", "pot_allocation"):  # what monitoring a scenario's plan needs
        if name in tables:
            keep[name] = tables[name]
    meta.update(ok=True, solver=result.solver, status=str(result.status),
                objective=float(result.objective), report=report_meta(result),
                runtime_s=time.perf_counter() - start)
    return ScenarioResult(scenario.name, True, keep, meta)


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
    _check_workers(workers)
    if executor is not None:
        submitter(executor)  # refuse a wrong executor before anything is read or written
    pending, failed = _load(items, root)
    folder = None if out is None else Path(out)
    done: dict[str, ScenarioResult] = {}
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        for res in failed.values():
            res.write(folder)
        if resume:
            pending, done = _skip_done(pending, folder)
    results = _solve_all(pending, executor, workers, folder, progress=progress, done=done,
                         n_failed=len(failed))
    order = [s.name for s in pending] + list(done) + list(failed)
    all_results = {**results, **failed}
    return ScenarioResults({name: all_results[name] for name in dict.fromkeys(order)
                            if name in all_results})


def _check_workers(workers: Any) -> None:
    """Refuse a pool size that is not a whole number of at least 1 (None: the default)."""
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise PolicyError(f"workers must be a whole number, got {type(workers).__name__} "
                          f"{workers!r}")
    if workers < 1:
        raise PolicyError(f"workers must be at least 1, got {workers}")


def _solve_all(pending: list[Scenario], executor: Executor | Any | None,
               workers: int | None, folder: Path | None, *, progress: bool,
               done: dict[str, ScenarioResult], n_failed: int) -> dict[str, ScenarioResult]:
    """Solve ``pending``, writing each result to ``folder`` as it finishes; with ``done``.

    ``executor`` None: a pool of ``workers`` local processes, stopped on any error (Ctrl-C
    included, raised as :class:`BatchInterrupted`).
    """
    own_pool = executor is None and bool(pending)
    pool = local_pool(workers) if own_pool else executor or InProcessExecutor()
    pool, submit = submitter(pool)
    results: dict[str, ScenarioResult] = dict(done)
    futures: dict[Future, Scenario] = {}
    bar = tqdm(total=len(pending) + len(done), initial=len(done), disable=not progress,
               desc="scenarios", unit="scenario")

    def collect(future: Future) -> None:
        scenario = futures.pop(future)
        try:
            res = future.result()
        except Exception as err:  # a worker crash or an unexpected error: record it
            res = failed_result(scenario.name, err, scenario.source)
        with sigint_deferred():  # written and counted together
            if folder is not None:
                res.write(folder)
            results[scenario.name] = res
        bar.update(1)

    try:
        with sigint_ignored(own_pool):  # workers start here, and inherit Ctrl-C ignored
            for scenario in pending:
                future = submit(solve_scenario, scenario)
                futures[future] = scenario
                if future.done():  # an in-process executor finishes at submit: write it now
                    collect(future)
        for future in as_completed(list(futures)):
            collect(future)
    except BaseException as err:
        if own_pool:
            # the pool's own thread cancels the waiting scenarios (a future cancelled from
            # here could be failed again by that thread when the workers stop, an error
            # Python 3.11 prints from the thread); the scenarios being solved are abandoned
            pool.shutdown(wait=False, cancel_futures=True)
            stop_workers(pool)
        else:
            for future in futures:
                future.cancel()
        if isinstance(err, KeyboardInterrupt) and not isinstance(err, BatchInterrupted):
            total = len(pending) + len(done) + n_failed
            raise BatchInterrupted(len(results) + n_failed, total,
                                   None if folder is None else str(folder)) from err
        raise
    finally:
        bar.close()
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    return results


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
            failed.append(failed_result(Path(item).stem, err, str(item)))
    check_names(pending)
    check_folders([*((s.name, s.source) for s in pending),
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
        found = _resumable(folder / folder_name(s.name), s)
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
    meta, contents, problems = inspect_folder(path, sealed=True)
    if problems or not meta.get("ok") or meta.get("name") != scenario.name:
        return None
    if meta.get("inputs_sha256") != scenario.digest:
        return None
    try:
        return ScenarioResult(*parse_folder(path, meta, contents))
    except ScenarioError:
        return None

