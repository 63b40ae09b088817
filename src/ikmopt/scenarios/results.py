"""What a batch of scenarios gives back: each scenario's tables or error, side by side.

:class:`ScenarioResult` is one scenario (written to and read from its folder, see
:mod:`ikmopt.scenarios.folders`); :class:`ScenarioResults` is the batch by scenario name, and
:class:`Comparison` puts the solved scenarios next to a baseline in tidy tables.
"""

from __future__ import annotations

import datetime
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.core.validation import suggest
from ikmopt.scenarios.errors import ScenarioError
from ikmopt.scenarios.folders import META, folder_name, inspect_folder, read_folder, write_folder

__all__ = ["Comparison", "ScenarioResult", "ScenarioResults", "failed_result"]


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
        ``ikmopt_version``, ``methodology_version``, ``solver``, ``status``, ``objective``,
        ``inputs_sha256``, ``runtime_s``, ``source``; for a failure ``error_type`` and
        ``error``. Read back from disk, also ``files`` (size and SHA-256 of each table
        file) and ``meta_sha256``.
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
        return write_folder(folder, self.name, self.tables, self.meta)

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
        return cls(*read_folder(Path(folder)))


def failed_result(name: str, err: BaseException, source: str | None = None) -> ScenarioResult:
    """A failed scenario's result: the error's type and message (a traceback's last line)."""
    detail = str(err) if isinstance(err, IkmoptError) else "".join(
        traceback.format_exception_only(type(err), err)).strip()
    return ScenarioResult(name, False, {}, {"name": name, "ok": False, "source": source,
                                            "error_type": type(err).__name__,
                                            "error": detail})


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
            canonical = path.name == folder_name(res.name)
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
        meta, _, _ = inspect_folder(path, sealed=False)
        name = meta.get("name") if isinstance(meta.get("name"), str) else path.name
        source = meta.get("source")
        return failed_result(name, err, source if isinstance(source, str) else None)


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
        """Wide table: one row per scenario, each outcome and its change in percent.

        Outcomes in the order of the plans (spend, then the dataset's metrics), each followed
        by its change in percent, then the Gini of spend per inhabitant.
        """
        order = list(dict.fromkeys(self.outcomes["metric"]))
        wide = self.outcomes.pivot(index="scenario", columns="metric", values="value")
        pct = self.outcomes.pivot(index="scenario", columns="metric", values="pct")
        out = pd.concat({m: wide[m] for m in order} | {f"{m} %": pct[m] for m in order}, axis=1)
        out = out[[c for m in order for c in (m, f"{m} %")]]
        gini = self.equity[(self.equity["of"] == "spend") & (self.equity["measure"] == "gini")]
        out["gini_spend"] = gini.set_index("scenario")["value"]
        return out.reindex(self.scenarios)

    def __str__(self) -> str:
        """The summary, wrapped at 120 characters (a block of columns at a time)."""
        return (f"Scenarios compared with baseline '{self.baseline}'\n"
                + self.summary().to_string(float_format=lambda v: f"{v:,.1f}",
                                           formatters={"gini_spend": "{:.3f}".format},
                                           line_width=120))

    def plot(self, metric: str = "jobs", ax: Any = None) -> Any:
        """Bar chart of each scenario's change in ``metric`` against the baseline (percent)."""
        from ikmopt.plot import comparison  # face hook (listed in the import contract)

        return comparison(self, metric, ax=ax)
