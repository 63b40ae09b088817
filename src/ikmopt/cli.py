"""Command line: ``ikmopt solve`` and friends.

User errors (bad data, a policy that does not fit, an infeasible plan) print one clear
message to stderr and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ikmopt.analysis.baselines import value_of_optimization
from ikmopt.analysis.monitoring import monitor
from ikmopt.analysis.simulate import simulate
from ikmopt.core.errors import IkmoptError, InfeasibleError
from ikmopt.core.files import write_files
from ikmopt.core.version import __version__
from ikmopt.data import datasets
from ikmopt.data.dataset import Dataset
from ikmopt.data.metadata import ILLUSTRATIVE_NOTE
from ikmopt.model.defaults import default_policy, uses_default_pots
from ikmopt.report import FORMATS, LANGUAGES, report_format
from ikmopt.scenarios.batch import BatchInterrupted, run_scenarios
from ikmopt.scenarios.loading import load_scenario, scenario_files
from ikmopt.scenarios.results import ScenarioResults
from ikmopt.solving.optimize import optimize
from ikmopt.solving.result import Result
from ikmopt.solving.solvers import SOLVERS

__all__ = ["main"]

EXIT_USER_ERROR = 2


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _add_root(command: argparse.ArgumentParser) -> None:
    command.add_argument("--root", type=Path, default=None, metavar="DIR",
                         help="a folder that scenario files may also name files under "
                              "(extends, dataset.path, add_regions tables); by default only "
                              "the folder of each scenario file")


def _solve_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt solve``: one scenario or the default policy."""
    solve = sub.add_parser(
        "solve",
        help="solve the default policy on a dataset and print the plan",
        description=(
            "Solve the default policy (ik.default_policy(): its budget, floors, KTI share and "
            "objective are listed with the plan) and print the plan."
        ),
    )
    solve.add_argument("--data", default="indonesia-provinces",
                       help="bundled dataset name, a folder of CSV files or an Excel workbook "
                            "(default: %(default)s)")
    solve.add_argument("--budget", type=_positive, default=None,
                       help="total budget in Rp bn (default: the default policy's)")
    solve.add_argument("--solver", choices=SOLVERS, default="highs",
                       help="solver backend (default: %(default)s)")
    solve.add_argument("--time-limit", type=_positive, default=None,
                       help="seconds per solve")
    solve.add_argument("--out", type=Path, default=None,
                       help="folder for CSV tables, or a .xlsx file for one workbook")
    solve.add_argument("--lp", type=Path, default=None,
                       help="also write the model as a readable .lp (or .mps) file")
    solve.add_argument("--top", type=_count, default=None,
                       help="show only the N regions with the largest spend (default: all)")
    solve.add_argument("--verbose", action="store_true", help="show the solver log")

    solve.add_argument("scenario", nargs="?", type=Path, default=None,
                       help="a scenario YAML file (default: the default policy; --data and "
                            "--budget then do not apply)")
    return solve


def _run_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt run``: a batch of scenario files."""
    run = sub.add_parser("run", help="solve scenario files in parallel, writing each result",
                         description="Solve scenario files (or folders of them) in worker "
                                     "processes; a failing scenario is reported and the others "
                                     "finish.")
    run.add_argument("scenarios", nargs="+", type=Path, help="scenario files or folders")
    run.add_argument("--out", type=Path, required=True, help="folder for the results")
    run.add_argument("--workers", type=_count, default=None,
                     help="worker processes (default: number of CPUs)")
    run.add_argument("--resume", action="store_true",
                     help="skip scenarios already solved in --out with the same inputs and "
                          "whose files are intact (a damaged result is solved again)")
    run.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return run


def _simulate_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt simulate``: a plan's outcomes under uncertainty."""
    simulate = sub.add_parser(
        "simulate", help="solve a scenario and simulate its outcomes under uncertainty",
        description="Solve a scenario (default: the default policy on the bundled data with "
                    "its ILLUSTRATIVE uncertainty table) and simulate the plan's outcomes.")
    simulate.add_argument("scenario", nargs="?", type=Path, default=None,
                          help="a scenario YAML file (its dataset needs an uncertainty table)")
    simulate.add_argument("--n", type=_count, default=10_000, help="draws (default: %(default)s)")
    simulate.add_argument("--seed", type=int, default=0, help="seed (default: %(default)s)")
    simulate.add_argument("--alpha", type=_positive, default=0.1,
                          help="tail share of VaR and CVaR (default: %(default)s)")
    simulate.add_argument("--out", type=Path, default=None, help="CSV file for the draws")
    return simulate


def _rules_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt compare-rules``: rules of thumb next to the plan."""
    rules = sub.add_parser(
        "compare-rules", help="put rules of thumb next to the optimized plan",
        description="Solve a scenario (default: the default policy) and compare the plan with "
                    "the rules of thumb (equal split, population, IKM units, poor population, "
                    "a DAK-style index), each spending the same budget.")
    rules.add_argument("scenario", nargs="?", type=Path, default=None,
                       help="a scenario YAML file")
    return rules


def _report_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt report``: a report for readers."""
    report = sub.add_parser(
        "report", help="solve a scenario and write a report (.html or .xlsx)",
        description="Solve a scenario (default: the default policy on the bundled data) and "
                    "write a report for readers: one self-contained HTML page or an Excel "
                    "workbook, in English or Bahasa Indonesia. Given a folder written by "
                    "'ikmopt run', report its scenarios against a baseline instead.")
    report.add_argument("scenario", nargs="?", type=Path, default=None,
                        help="a scenario YAML file, or a results folder of 'ikmopt run'")
    report.add_argument("--out", type=Path, default=None,
                        help="the report file: .html (or .htm) or .xlsx (default: the "
                             "scenario's name, or 'plan', with '-id' for Indonesian and the "
                             "format's suffix, in the current folder; for a results folder, "
                             "report.html inside it)")
    report.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language: en (English) or id (Bahasa Indonesia) "
                             "(default: %(default)s)")
    report.add_argument("--format", choices=tuple(FORMATS), default=None,
                        help="html or xlsx (default: from the --out suffix, else html)")
    report.add_argument("--title", default=None, help="title of the report")
    report.add_argument("--baseline", default=None,
                        help="for a results folder: the scenario to compare against "
                             "(default: the first)")
    return report


def _monitor_parser(sub: Any) -> argparse.ArgumentParser:
    """``ikmopt monitor``: a saved plan against its realisation to date."""
    mon = sub.add_parser(
        "monitor", help="compare a saved plan with its realisation to date",
        description="Absorption gaps, early warnings, the year-end projection and the outcomes "
                    "at risk of a saved plan (the folder of 'ikmopt solve --out' or a "
                    ".xlsx), and optionally a re-plan of the money slow regions will not spend.")
    mon.add_argument("plan", type=Path, help="the saved plan: a folder or a .xlsx workbook")
    mon.add_argument("realisation", type=Path, help="realisation to date (.csv or .xlsx)")
    mon.add_argument("--data", default="indonesia-provinces",
                     help="the plan's dataset: bundled name, CSV folder or .xlsx "
                          "(default: %(default)s)")
    mon.add_argument("--commitments", type=Path, default=None,
                     help="money contracted but not yet paid (.csv or .xlsx)")
    mon.add_argument("--profile", type=Path, default=None,
                     help="absorption profile by pot (default: the bundled, ILLUSTRATIVE one)")
    mon.add_argument("--sheet", default=None, help="the realisation workbook's sheet")
    mon.add_argument("--per-period", action="store_true",
                     help="amounts are paid within each period (default: cumulative)")
    mon.add_argument("--threshold", type=_positive, default=0.8,
                     help="warn below this pace of the profile (default: %(default)s)")
    mon.add_argument("--replan", action="store_true",
                     help="re-plan the money slow groups will not spend")
    mon.add_argument("--scenario", type=Path, default=None,
                     help="the plan's scenario file: its policy rules the re-plan")
    mon.add_argument("--report", type=Path, default=None,
                     help="the report's file (default: monitoring-<period>.html)")
    mon.add_argument("--lang", choices=LANGUAGES, default="en",
                     help="report language: en or id (Bahasa Indonesia)")
    mon.add_argument("--out", type=Path, default=None, help="folder for the tables as CSV")
    return mon


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ikmopt",
        description="Allocate IKM development budgets across regions and programs.",
    )
    parser.add_argument("--version", action="version", version=f"ikmopt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    solve, run = _solve_parser(sub), _run_parser(sub)
    compare = sub.add_parser("compare", help="compare the scenarios of a results folder")
    compare.add_argument("folder", type=Path, help="a folder written by 'ikmopt run'")
    compare.add_argument("--baseline", default=None,
                         help="scenario to compare against (default: the first)")

    validate = sub.add_parser("validate", help="check scenario files without solving")
    validate.add_argument("scenarios", nargs="+", type=Path, help="scenario files or folders")
    simulate, rules, report = _simulate_parser(sub), _rules_parser(sub), _report_parser(sub)
    monitor_ = _monitor_parser(sub)
    for command in (solve, run, validate, simulate, rules, report, monitor_):
        _add_root(command)
    sub.add_parser("datasets", help="list the bundled datasets")
    return parser


def _scenario_or_default(path: Path | None, uncertainty: bool = False,
                         root: Path | None = None):
    """(data, policy, options) of a scenario file or of the default policy."""
    if path is None:
        return datasets.load(uncertainty=uncertainty), default_policy(), {}
    scenario = load_scenario(path, root=root)
    if uncertainty and "name" in scenario.dataset:
        scenario = scenario.replace(dataset={**scenario.dataset, "uncertainty": True})
    return scenario.load_data(), scenario.policy, dict(scenario.solver)


def _simulate(args: argparse.Namespace) -> int:
    data, policy, options = _scenario_or_default(args.scenario, uncertainty=True,
                                                 root=args.root)
    if args.out is not None:
        _check_file("--out", args.out)
    result = optimize(data, policy, **options)
    sim = simulate(result, n=args.n, seed=args.seed)
    pd.set_option("display.width", 120)
    print(f"Simulation of {sim.n:,} draws (seed {sim.seed}) of the plan for "
          f"{policy.objective.describe()} on '{data.name}'")
    _say_if_illustrative(data)
    print(sim.summary(args.alpha).round(1).to_string())
    if len(sim.targets):
        print("\nProbability of meeting targets:")
        print(sim.targets.round(3).to_string(index=False))
    if args.out is not None:
        write_files(args.out.parent, {args.out.name: lambda p: sim.draws.to_csv(p, index=False)})
        print(f"\ndraws written to {args.out}")
    return 0


def _say_if_illustrative(data: Dataset) -> None:
    """Print the ILLUSTRATIVE note for a dataset marked so (``solve``: in the summary)."""
    if data.illustrative:
        print(ILLUSTRATIVE_NOTE + ".")


def _report(args: argparse.Namespace) -> int:
    if args.out is None:
        args.out = _default_report(args.scenario, args.format or "html", args.lang)
    report_format(args.out, args.format)  # a file name without a known suffix fails first
    _check_file("--out", args.out)
    if args.scenario is not None and args.scenario.is_dir():
        results = ScenarioResults.read(args.scenario)
        path = results.report(args.out, args.lang, baseline=args.baseline, format=args.format,
                              title=args.title)
    else:
        if args.baseline is not None:
            raise OSError("--baseline needs a results folder written by 'ikmopt run'")
        data, policy, options = _scenario_or_default(args.scenario, root=args.root)
        result = optimize(data, policy, **options)
        path = result.report(args.out, args.lang, format=args.format, title=args.title)
    print(f"wrote {path}")
    return 0


def _default_report(scenario: Path | None, format: str, lang: str) -> Path:
    """``kti-push.html``, ``plan-id.xlsx``, or ``RESULTS/report.html`` for a results folder."""
    suffix = "" if lang == "en" else f"-{lang}"
    if scenario is not None and scenario.is_dir():
        return scenario / f"report{suffix}.{format}"
    stem = scenario.stem if scenario is not None else "plan"
    return Path(f"{stem}{suffix}.{format}")


def _compare_rules(args: argparse.Namespace) -> int:
    data, policy, options = _scenario_or_default(args.scenario, root=args.root)
    value = value_of_optimization(data, policy, solver=options.get("solver", "highs"))
    pd.set_option("display.width", 160)
    _say_if_illustrative(data)
    print(value)
    return 0


def _scenario_files(paths: Sequence[Path]) -> list[Path]:
    files = [f for p in paths for f in scenario_files(p)]
    if not files:
        raise OSError(f"no scenario files (*.yaml) in {', '.join(map(str, paths))}")
    return files


def _run(args: argparse.Namespace) -> int:
    try:
        batch = run_scenarios(_scenario_files(args.scenarios), workers=args.workers,
                              progress=not args.no_progress, out=args.out, resume=args.resume,
                              root=args.root)
    except BatchInterrupted as stop:  # Ctrl-C: the workers are stopped, say how far it got
        print(f"ikmopt: interrupted: {stop.finished} of {stop.total} scenarios finished and "
              f"written to {args.out}; run again with --resume to continue", file=sys.stderr)
        return 130  # 128 + SIGINT, what a shell reports for Ctrl-C
    print(f"{len(batch.ok)} of {len(batch)} scenarios solved; results in {args.out}")
    for row in batch.errors.itertuples():
        print(f"ikmopt: scenario '{row.scenario}' failed ({row.error_type}): {row.error}",
              file=sys.stderr)
    return 0 if batch.errors.empty else EXIT_USER_ERROR


def _compare(args: argparse.Namespace) -> int:
    results = ScenarioResults.read(args.folder)
    print(results.compare(args.baseline))
    for row in results.errors.itertuples():
        print(f"(scenario '{row.scenario}' failed: {row.error})")
    return 0


def _validate(args: argparse.Namespace) -> int:
    bad = 0
    for file in _scenario_files(args.scenarios):
        try:
            load_scenario(file, root=args.root).validate()
        except IkmoptError as err:
            bad += 1
            print(f"ikmopt: {err}", file=sys.stderr)
        else:
            print(f"{file}: ok")
    return EXIT_USER_ERROR if bad else 0


_DATA_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")


def _load_data(spec: str) -> Dataset:
    path = Path(spec)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        return Dataset.from_excel(path)
    if path.is_dir():
        return Dataset.from_csv(path)
    looks_like_path = (path.exists() or "/" in spec or os.sep in spec
                       or path.suffix.lower() in _DATA_SUFFIXES)
    if looks_like_path:
        if path.exists():
            raise OSError(f"--data '{spec}' is a file; give a folder of CSV files "
                          "(regions.csv, programs.csv, impacts.csv), an Excel workbook or the "
                          "name of a bundled dataset")
        what = "data file" if path.suffix.lower() in _DATA_SUFFIXES else "data folder"
        raise OSError(f"{what} '{spec}' does not exist (looked in {path.absolute()})")
    return datasets.load(spec)


def _write_outputs(result: Result, out: Path | None, lp: Path | None) -> list[Path]:
    written = []
    if out is not None:
        if out.suffix.lower() == ".xlsx":
            written.append(result.to_excel(out))
        else:
            written.append(result.to_csv(out))
    if lp is not None:
        writer = result.write_mps if lp.suffix.lower() == ".mps" else result.write_lp
        written.append(writer(lp))
    return written


def _check_writable(out: Path | None, lp: Path | None) -> None:
    """Fail before solving when an output cannot be written (naming the path and why).

    ``--out`` is a workbook (``.xlsx``) or a folder, created if its parent exists; ``--lp``
    is a file whose folder exists (or is the ``--out`` folder, written first).
    """
    if out is not None:
        if out.suffix.lower() == ".xlsx":
            _check_file("--out", out)
        else:
            if out.exists() and not out.is_dir():
                raise OSError(f"cannot write --out '{out}': it is a file, not a folder (give a "
                              "new folder for the CSV tables, or a .xlsx file)")
            if not out.exists():
                _check_folder("--out", out, out.parent)
            elif not os.access(out, os.W_OK):
                raise OSError(f"cannot write --out '{out}': no permission to write in it")
    if lp is not None:
        will_exist = (out is not None and out.suffix.lower() != ".xlsx"
                      and lp.parent.absolute() == out.absolute())
        _check_file("--lp", lp, folder_created=will_exist)
        if out is not None and lp.absolute() == out.absolute():
            raise OSError(f"--lp '{lp}' and --out '{out}' name the same path")


def _check_file(option: str, path: Path, folder_created: bool = False) -> None:
    """``path`` can be written as a file: it is no folder and its folder exists."""
    if path.is_dir():
        raise OSError(f"cannot write {option} '{path}': it is a folder, not a file")
    if not folder_created:
        _check_folder(option, path, path.parent)


def _check_folder(option: str, path: Path, folder: Path) -> None:
    """``folder`` (the folder ``path`` is written into) exists and is writable."""
    if folder.is_dir():
        if not os.access(folder, os.W_OK):
            raise OSError(f"cannot write {option} '{path}': no permission to write in "
                          f"'{folder}'")
        return
    blocker = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise OSError(f"cannot write {option} '{path}': '{blocker}' is a file, not a folder")
    raise OSError(f"cannot write {option} '{path}': folder '{folder}' does not exist")


def _solve(args: argparse.Namespace) -> int:
    _check_writable(args.out, args.lp)
    options = {"solver": args.solver, "time_limit": args.time_limit, "verbose": args.verbose}
    if args.scenario is not None:
        scenario = load_scenario(args.scenario, root=args.root)
        data, policy = scenario.load_data(), scenario.policy
        options = {**options, **scenario.solver}
    else:
        data = _load_data(args.data)
        budget = {} if args.budget is None else {"budget": args.budget}
        policy = default_policy(**budget, data=data)
    result = optimize(data, policy, **options)
    if args.scenario is None and not uses_default_pots(data):
        print("ikmopt: note: the programs table names no default pot (its pots or channel "
              "column: APBN pusat, Tugas Pembantuan, DAK fisik), so the budget is one pooled "
              "total", file=sys.stderr)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(result.summary(top=args.top))
    for path in _write_outputs(result, args.out, args.lp):
        print(f"wrote {path}")
    return 0


def _monitor(args: argparse.Namespace) -> int:
    data = _load_data(args.data)
    policy = None
    if args.scenario is not None:
        scenario = load_scenario(args.scenario, root=args.root)
        data, policy = scenario.load_data(), scenario.policy
    m = monitor(args.plan, args.realisation, data, profile=args.profile,
                commitments=args.commitments, cumulative=not args.per_period,
                threshold=args.threshold, critical=min(0.5, args.threshold), sheet=args.sheet)
    print(m.summary())
    if data.illustrative:
        _say_if_illustrative(data)
    warned = m.warnings()
    if len(warned):
        print("\nGroups below the expected pace (Rp bn):")
        cols = ["planned", "expected", "realised", "committed", "pace", "status", "projected"]
        with pd.option_context("display.width", 120, "display.max_columns", 20):
            print(warned[cols].head(15).round(3).to_string())
    status, replan = 0, None
    if args.replan:
        try:
            replan = m.replan(policy)
        except IkmoptError as err:
            print(f"ikmopt: re-plan: {err}", file=sys.stderr)
            status = EXIT_USER_ERROR
        else:
            gain = replan.gain()
            print(f"\nRe-plan: Rp {float(replan.compare()['moved_in'].clip(lower=0).sum()):,.1f} "
                  "bn moved from slow groups; gain over leaving the plan: "
                  + ", ".join(f"{gain.loc[m_, 'gain']:,.0f} {m_}" for m_ in data.metrics[:2]))
    path = m.report(args.report or Path(f"monitoring-{m.period}.html"), args.lang,
                    replan=replan)
    print(f"wrote {path}")
    if args.out is not None:
        tables = m.tables() | ({} if replan is None else {
            "replan": replan.compare().reset_index(),
            "gain": replan.gain().rename_axis("measure").reset_index()})
        write_files(args.out, {f"{k}.csv": (lambda p, t=t: t.to_csv(p, index=False))
                               for k, t in tables.items()})
        print(f"wrote {args.out}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "solve":
            return _solve(args)
        if args.command == "run":
            return _run(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "validate":
            return _validate(args)
        if args.command == "simulate":
            return _simulate(args)
        if args.command == "compare-rules":
            return _compare_rules(args)
        if args.command == "report":
            return _report(args)
        if args.command == "monitor":
            return _monitor(args)
        if args.command == "datasets":
            print(datasets.list().to_string())
            return 0
    except InfeasibleError as err:
        if err.diagnosis is None:
            print(f"ikmopt: infeasible: {err}", file=sys.stderr)
        else:  # the first line, then the relaxation and the conflicting rules
            print(f"ikmopt: infeasible: {str(err).splitlines()[0]}", file=sys.stderr)
            print(err.diagnosis, file=sys.stderr)
        return EXIT_USER_ERROR
    except (IkmoptError, OSError) as err:
        print(f"ikmopt: error: {err}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:  # Ctrl-C: one line, no traceback
        print("ikmopt: interrupted", file=sys.stderr)
        return 130  # 128 + SIGINT, what a shell reports for Ctrl-C
    return EXIT_USER_ERROR  # pragma: no cover - argparse requires a command


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
