"""Batches of scenarios: parallel, failure-proof, resumable, and compared side by side.

Each result is written as it finishes, so an interrupted batch resumes where it stopped.
Workers are processes started with ``spawn``, each solving one scenario at a time with one
HiGHS thread (HiGHS is not safe to drive from a thread pool). Any
:class:`concurrent.futures.Executor` can replace the local pool, including the executor of a
``dask.distributed.Client`` (tasks are submitted with ``pure=False``, so two identical
scenarios are solved twice rather than merged).
"""

from __future__ import annotations

import datetime
import json
import multiprocessing
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import IkmoptError, PolicyError
from .scenarios import (
    Scenario,
    ScenarioError,
    _check_names,
    load_scenario,
    scenario_files,
)

__all__ = ["InProcessExecutor", "ScenarioResult", "ScenarioResults", "run_scenarios"]

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
        ``runtime_s``, ``source``; for a failure ``error_type`` and ``error``.
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

    def write(self, folder: Path) -> Path:
        """Write the tables and ``meta.json`` into ``folder/<name>`` at once (atomic rename)."""
        final = folder / _safe_name(self.name)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=folder))
        try:
            for name, table in self.tables.items():
                table.to_csv(tmp / f"{name}.csv", index=False)
            (tmp / "meta.json").write_text(json.dumps(self.meta, indent=2, default=str))
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return final

    @classmethod
    def read(cls, folder: Path) -> ScenarioResult:
        """Read a scenario folder written by :meth:`write`."""
        meta = json.loads((folder / "meta.json").read_text())
        tables = {f.stem: pd.read_csv(f) for f in sorted(folder.glob("*.csv"))}
        return cls(meta.get("name", folder.name), bool(meta.get("ok")), tables, meta)


def _safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "scenario"


# ---------------------------------------------------------------------- one scenario
def solve_scenario(scenario: Scenario) -> ScenarioResult:
    """Solve one scenario and keep its tables; user errors become a failed result.

    Module-level so worker processes (and Dask workers) can import it.
    """
    from . import __version__
    from .report.content import report_meta

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
                               initializer=_one_thread)


def _one_thread() -> None:
    """Worker start: one thread for every numeric library (solves run side by side)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


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
        Folder: each finished scenario is written at once to ``out/<name>/`` (the tables as
        CSV and ``meta.json``), so an interrupted batch loses nothing.
    resume : bool, default False
        With ``out``, skip scenarios whose folder holds a successful result for the same
        inputs (same ``inputs_sha256``); failed or changed scenarios run again.

    Returns
    -------
    ScenarioResults

    Raises
    ------
    ScenarioError
        If two scenarios share a name (their outputs would collide), or one path names no
        scenario file.
    PolicyError
        If ``scenarios``, an item of it, ``workers`` or ``executor`` is of the wrong kind.

    Examples
    --------
    >>> import ikmopt as ik
    >>> batch = ik.run_scenarios(["examples/scenarios/baseline.yaml",
    ...                           "examples/scenarios/budget-cut.yaml"],
    ...                          executor=ik.InProcessExecutor(), progress=False)
    >>> sorted(batch.results)
    ['baseline', 'budget-cut']
    """
    from tqdm.auto import tqdm

    items = _scenario_items(scenarios)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int):
            raise PolicyError(f"workers must be a whole number, got {type(workers).__name__} "
                              f"{workers!r}")
        if workers < 1:
            raise PolicyError(f"workers must be at least 1, got {workers}")
    if executor is not None:
        _submitter(executor)  # refuse a wrong executor before anything is read or written
    pending: list[Scenario] = []
    failed: dict[str, ScenarioResult] = {}
    for item in items:
        if isinstance(item, Scenario):
            pending.append(item)
            continue
        try:
            pending.append(load_scenario(item))
        except ScenarioError as err:
            failed[Path(item).stem] = _failed(Path(item).stem, err, str(item))
    _check_names(pending)
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
        for scenario in pending:
            future = submit(solve_scenario, scenario)
            futures[future] = scenario
            if future.done():  # an in-process executor finishes at submit: write it now
                collect(future)
        for future in as_completed(list(futures)):
            collect(future)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    finally:
        bar.close()
        if own_pool:
            pool.shutdown(wait=True, cancel_futures=True)
    order = [s.name for s in pending] + list(done) + list(failed)
    all_results = {**results, **failed}
    return ScenarioResults({name: all_results[name] for name in dict.fromkeys(order)
                            if name in all_results})


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
    todo, done = [], {}
    for s in scenarios:
        meta_file = folder / _safe_name(s.name) / "meta.json"
        if meta_file.is_file():
            try:
                meta = json.loads(meta_file.read_text())
            except (OSError, json.JSONDecodeError):
                meta = {}
            if meta.get("ok") and meta.get("inputs_sha256") == s.digest:
                done[s.name] = ScenarioResult.read(meta_file.parent)
                continue
        todo.append(s)
    return todo, done


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
        """Read the results a batch wrote with ``out=``."""
        folder = Path(folder)
        if not folder.is_dir():
            raise PolicyError(f"results folder '{folder}' does not exist")
        found = sorted(p.parent for p in folder.glob("*/meta.json"))
        if not found:
            raise PolicyError(f"no scenario results (*/meta.json) in '{folder}'")
        results = [ScenarioResult.read(p) for p in found]
        return cls({r.name: r for r in results})

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
            from .validation import suggest

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
        from .report import write_scenario_report

        return write_scenario_report(self, path, lang, baseline=baseline, format=format,
                                     title=title, date=date)


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
        ``scenario, region|program, spend, baseline, diff, pct``.
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
        self.by_region = _with_baseline(_long(solved, "by_region", ["region"], ["spend"]),
                                        ["region"], "spend", baseline)
        self.by_program = _with_baseline(_long(solved, "by_program", ["program"], ["spend"]),
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
        from .plot import _pyplot

        plt = _pyplot()
        data = self.outcomes[self.outcomes["metric"] == metric]
        if data.empty:
            raise PolicyError(f"no outcome '{metric}'; outcomes: "
                              f"{sorted(self.outcomes['metric'].unique())}")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.4 * len(data) + 1.5))
        colors = np.where(data["diff"].to_numpy() >= 0, "#2b8cbe", "#e34a33")
        ax.barh(data["scenario"], data["pct"].fillna(0.0), color=colors)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.invert_yaxis()
        ax.set_xlabel(f"{metric}: change against '{self.baseline}' (%)")
        return ax
