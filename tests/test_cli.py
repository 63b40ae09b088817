"""The command line: ``ikmopt solve`` with good and hostile arguments, and the other commands.

User errors exit with status 2 and one clear message on stderr, never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import ikmopt as ik
from helpers.cli import run
from ikmopt import cli
from ikmopt.cli import main


def assert_user_error(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2, f"exit {code}\nstdout:\n{out}\nstderr:\n{err}"
    assert "Traceback" not in err and "Traceback" not in out
    for word in words:
        assert word in err, f"{word!r} not in stderr:\n{err}"


@pytest.fixture
def tiny_folder(tmp_path, tables) -> Path:
    """The tiny dataset as a folder of CSV files (tests may overwrite a file)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    for name, table in zip(("regions", "programs", "impacts"), tables, strict=True):
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


# ---------------------------------------------------------------------- the happy path
def test_solve_without_arguments(capsys, provinces):
    code, out, err = run(capsys, "solve")
    assert code == 0, err
    assert "optimal" in out
    missing = [name for name in provinces.regions.index if name not in out]
    assert not missing, f"provinces not printed: {missing}"
    assert err == ""


def test_console_script_solve(provinces):
    """The installed entry point, in a fresh process; solver output stays silent."""
    script = shutil.which("ikmopt", path=str(Path(sys.executable).parent))
    command = (
        [script]
        if script
        else [sys.executable, "-c", "from ikmopt.cli import main; raise SystemExit(main())"]
    )
    done = subprocess.run(
        [*command, "solve"], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "optimal" in done.stdout
    assert all(name in done.stdout for name in provinces.regions.index)
    assert done.stderr == ""
    assert "HiGHS" not in done.stdout  # no solver banner


def test_solve_csv_folder(capsys, tiny_folder):
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder), "--budget", "60")
    assert code == 0, err
    assert "'tiny'" in out and "optimal" in out


def test_datasets_command(capsys):
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    assert "indonesia-provinces" in out


# ---------------------------------------------------------------------- outputs
def test_out_folder_and_lp_file(capsys, tmp_path):
    folder, lp = tmp_path / "plan", tmp_path / "model.lp"
    code, out, err = run(capsys, "solve", "--out", str(folder), "--lp", str(lp))
    assert code == 0, err
    for name in ("allocation", "by_region", "by_program", "outcomes", "constraints",
                 "equity", "policy"):
        assert (folder / f"{name}.csv").is_file(), name
    allocation = pd.read_csv(folder / "allocation.csv")
    assert len(allocation) == 38 * 6
    assert allocation["spend"].sum() == pytest.approx(ik.default_policy().budget.total, rel=1e-6)
    assert (allocation["spend"] >= 0).all()
    by_region = pd.read_csv(folder / "by_region.csv")
    assert len(by_region) == 38
    constraints = pd.read_csv(folder / "constraints.csv")
    assert {"family", "label", "shadow_price"} <= set(constraints.columns)
    text = lp.read_text()
    assert "x(Aceh,training)" in text
    assert "x(Papua_Pegunungan,sentra)" in text or "x(Papua Pegunungan,sentra)" in text
    assert "Maximize" in text or "MAXIMIZE" in text
    assert f"wrote {folder}" in out and f"wrote {lp}" in out


def test_out_workbook(capsys, tmp_path):
    path = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, "solve", "--out", str(path))
    assert code == 0, err
    assert path.is_file()
    assert not list(tmp_path.glob("*.partial"))
    import openpyxl

    sheets = set(openpyxl.load_workbook(path).sheetnames)
    assert {"allocation", "by_region", "constraints"} <= sheets


def test_out_workbook_reads_back_with_pandas(capsys, tmp_path):
    """The exported workbook (with infinite row bounds) must be readable by pd.read_excel."""
    path = tmp_path / "plan.xlsx"
    code, _, err = run(capsys, "solve", "--out", str(path))
    assert code == 0, err
    sheets = pd.read_excel(path, sheet_name=None, header=1)  # row 1 names the plan
    assert len(sheets["allocation"]) == 38 * 6
    assert "shadow_price" in sheets["constraints"].columns


def test_mps_file(capsys, tmp_path):
    path = tmp_path / "model.mps"
    code, _, err = run(capsys, "solve", "--lp", str(path))
    assert code == 0, err
    assert "x(Aceh,training)" in path.read_text()


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(("--lp", "{tmp}/no/such/dir/model.lp"), id="lp-missing-dir"),
        pytest.param(("--out", "{tmp}/no/such/dir/plan.xlsx"), id="xlsx-missing-dir"),
        pytest.param(("--out", "{tmp}/afile/sub"), id="out-under-a-file"),
    ],
)
def test_unwritable_output(capsys, tmp_path, target):
    (tmp_path / "afile").write_text("not a folder")
    flag, path = target
    code, out, err = run(capsys, "solve", "--data", "indonesia-provinces", flag,
                         path.format(tmp=tmp_path))
    assert_user_error(code, out, err, "ikmopt: error")


# ---------------------------------------------------------------------- cross-check
def test_cbc_agrees_with_default(capsys, monkeypatch):
    objectives = {}

    def recording(data, policy, **options):
        result = ik.optimize(data, policy, **options)
        objectives[options["solver"]] = result.objective
        return result

    monkeypatch.setattr(cli, "optimize", recording)
    for solver in ("highs", "cbc"):
        code, out, err = run(capsys, "solve", "--solver", solver)
        assert code == 0, err
        assert f"solver {solver}" in out
    assert objectives["cbc"] == pytest.approx(objectives["highs"], rel=1e-6)


# ---------------------------------------------------------------------- argparse errors
@pytest.mark.parametrize(
    ("argv", "words"),
    [
        pytest.param(("solve", "--budget", "-5"), ["--budget", "-5"], id="budget-negative"),
        pytest.param(("solve", "--budget", "abc"), ["--budget", "'abc'"], id="budget-text"),
        pytest.param(("solve", "--budget", "0"), ["--budget", "0"], id="budget-zero"),
        pytest.param(("solve", "--budget", "inf"), ["--budget", "inf"], id="budget-inf"),
        pytest.param(("solve", "--budget", "nan"), ["--budget", "nan"], id="budget-nan"),
        pytest.param(("solve", "--solver", "gurobi"), ["--solver", "'gurobi'"], id="solver"),
        pytest.param(("solve", "--time-limit", "0"), ["--time-limit"], id="time-limit-zero"),
        pytest.param(("solve", "--top", "many"), ["--top", "'many'"], id="top-text"),
        pytest.param(("solve", "--top", "-1"), ["--top", "-1"], id="top-negative"),
        pytest.param(("solve", "--bugdet", "10"), ["--bugdet"], id="unknown-option"),
        pytest.param((), ["command"], id="no-command"),
        pytest.param(("slove",), ["'slove'"], id="unknown-command"),
    ],
)
def test_bad_arguments(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert_user_error(code, out, err, *words)
    assert "usage:" in err


# ---------------------------------------------------------------------- bad data
def test_unknown_dataset_name(capsys):
    code, out, err = run(capsys, "solve", "--data", "nope")
    assert_user_error(code, out, err, "'nope'")
    assert len(err.strip().splitlines()) == 1
    assert out == ""


def test_missing_workbook(capsys, tmp_path):
    path = tmp_path / "missing.xlsx"
    code, out, err = run(capsys, "solve", "--data", str(path))
    assert_user_error(code, out, err, "missing.xlsx", "does not exist")


def test_folder_with_bad_table(capsys, tiny_folder, tables):
    regions = tables[0]
    regions.loc[1, "population"] = -2
    regions.to_csv(tiny_folder / "regions.csv", index=False)
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder))
    assert_user_error(code, out, err, "'regions'", "'population'", "'B'")
    assert out == ""


def test_folder_with_misspelled_column(capsys, tiny_folder, tables):
    impacts = tables[2].rename(columns={"capacity": "capacty"})
    impacts.to_csv(tiny_folder / "impacts.csv", index=False)
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder))
    assert_user_error(code, out, err, "'impacts'", "'capacity'", "'capacty' a misspelling")


def test_folder_missing_a_file(capsys, tiny_folder):
    (tiny_folder / "impacts.csv").unlink()
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder))
    assert_user_error(code, out, err, "impacts.csv")


def test_folder_without_policy_column(capsys, tiny_folder, tables):
    """The default policy needs a 'kti' column; a dataset without one is a user error."""
    tables[0].drop(columns="kti").to_csv(tiny_folder / "regions.csv", index=False)
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder))
    assert_user_error(code, out, err, "'kti'")


# ---------------------------------------------------------------------- infeasible
@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_infeasible_budget(capsys, solver, provinces):
    """Rp 1,000 tn: the 0.5 % provincial floors (Rp 5 tn each) exceed every capacity."""
    floor = 0.005 * 1_000_000
    capacity = provinces.impacts["capacity"].groupby(level="region").sum()
    assert (capacity < floor).any()
    code, out, err = run(capsys, "solve", "--budget", "1000000", "--solver", solver)
    assert_user_error(code, out, err, "infeasible")
    assert out == ""


def test_tiny_budget_is_feasible(capsys):
    """Rp 1 bn: 38 floors of 0.5 % use 19 % of it, so the plan exists."""
    code, out, err = run(capsys, "solve", "--budget", "1")
    assert code == 0, err
    assert "optimal" in out


def test_infeasible_on_csv_folder(capsys, tiny_folder):
    """Tiny data, huge budget: 0.5 % floors (Rp 500 bn) exceed each region's capacity."""
    code, out, err = run(capsys, "solve", "--data", str(tiny_folder), "--budget", "100000")
    assert_user_error(code, out, err, "infeasible")


def test_outputs_not_written_when_infeasible(capsys, tmp_path):
    folder, lp = tmp_path / "plan", tmp_path / "model.lp"
    code, out, err = run(capsys, "solve", "--budget", "1000000", "--out", str(folder),
                         "--lp", str(lp))
    assert_user_error(code, out, err, "infeasible")
    assert not folder.exists() and not lp.exists()


def test_result_is_deterministic(capsys):
    first = run(capsys, "solve")[1]
    second = run(capsys, "solve")[1]
    assert first == second
    assert np.isfinite(float(first.split(" = ")[1].splitlines()[0].replace(",", "")))


# ---------------------------------------------------------------------- report
def en(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


@pytest.fixture(scope="module")
def plan(provinces) -> ik.Result:
    """The default policy (normalized Weighted objective)."""
    return ik.optimize(provinces, ik.default_policy())


def sheet_rows(sheet) -> list[dict]:
    """The rows of a report sheet by header: row 1 is the caption, row 2 the header."""
    header = [c.value for c in sheet[2]]
    return [dict(zip(header, (c.value for c in row), strict=True))
            for row in sheet.iter_rows(min_row=3)]


def test_cli_report_round_trip(capsys, tmp_path, plan):
    code, out, err = run(capsys, "report", "--out", str(tmp_path / "plan.html"))
    assert code == 0, err
    assert out.strip() == f"wrote {tmp_path / 'plan.html'}"
    text = (tmp_path / "plan.html").read_text("utf-8")
    assert f'<div class="value">{en(plan.outcomes["jobs"], 0)}</div>' in text
    code, _, err = run(capsys, "report", "examples/scenarios/budget-cut.yaml", "--lang", "id",
                       "--out", str(tmp_path / "cut.xlsx"))
    assert code == 0, err
    book = openpyxl.load_workbook(tmp_path / "cut.xlsx")
    summary = {r["Butir"]: r["Nilai"] for r in sheet_rows(book["ringkasan"])}
    assert summary["Pagu anggaran"] == pytest.approx(825.35)


def test_cli_report_names_the_file_from_the_scenario_and_format(capsys, tmp_path,
                                                                 monkeypatch):
    # the form: ikmopt report SCENARIO --format html|xlsx [--lang id]
    scenario = Path("examples/scenarios/budget-cut.yaml").resolve()
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "report", str(scenario), "--format", "xlsx", "--lang", "id")
    assert code == 0, err
    assert out.strip() == "wrote budget-cut-id.xlsx"
    assert "ringkasan" in openpyxl.load_workbook(tmp_path / "budget-cut-id.xlsx").sheetnames
    code, out, err = run(capsys, "report")
    assert code == 0, err
    assert out.strip() == "wrote plan.html"
    assert (tmp_path / "plan.html").read_text("utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("argv, words", [
    (["--out", "{tmp}/plan.pdf"], ["plan.pdf", ".html or .xlsx"]),
    (["--out", "{tmp}/missing/plan.html"], ["folder", "does not exist"]),
    (["--out", "{tmp}/folder.html"], ["is a folder"]),
    (["--out", "{tmp}/plan.html", "--baseline", "x"], ["--baseline", "results folder"]),
])
def test_cli_report_errors_before_solving(capsys, tmp_path, monkeypatch, argv, words):
    def no_solve(*args, **kwargs):
        raise AssertionError("solved before checking the output")

    monkeypatch.setattr(cli, "optimize", no_solve)
    (tmp_path / "folder.html").mkdir()
    code, _, err = run(capsys, "report", *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2 and "Traceback" not in err
    assert all(word in err for word in words), err
    assert not (tmp_path / "plan.html").exists()


def test_cli_report_bad_language(capsys, tmp_path):
    code, _, err = run(capsys, "report", "--lang", "fr", "--out", str(tmp_path / "p.html"))
    assert code == 2 and "invalid choice: 'fr'" in err


# ---------------------------------------------------------------------- run, compare, validate
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "scenarios"


def test_cli_run_compare_validate(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(EXAMPLES / "baseline.yaml"), str(EXAMPLES / "budget-cut.yaml"),
                 "--out", str(out), "--workers", "1", "--no-progress"]) == 0
    assert "2 of 2 scenarios solved" in capsys.readouterr().out
    assert main(["compare", str(out), "--baseline", "baseline"]) == 0
    assert "budget-cut" in capsys.readouterr().out
    assert main(["validate", str(EXAMPLES)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("budget: {total: 10}\nobjective: {maximize: {metric: jbos}}\n")
    assert main(["validate", str(bad)]) == 2
    assert "jbos" in capsys.readouterr().err
    assert main(["solve", str(EXAMPLES / "kti-push.yaml"), "--top", "2"]) == 0
    assert "status optimal" in capsys.readouterr().out


# ---------------------------------------------------------------------- simulate, compare-rules
def test_cli_simulate_and_compare_rules(tmp_path, capsys):
    from ikmopt.cli import main

    out = tmp_path / "draws.csv"
    assert main(["simulate", "--n", "800", "--seed", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Simulation of 800 draws (seed 3)" in printed and "cvar_0.1" in printed
    draws = pd.read_csv(out)
    assert len(draws) == 800 and list(draws.columns) == ["spend", *ik.datasets.load().metrics]
    plan = ik.optimize(ik.datasets.load(uncertainty=True), ik.default_policy())
    expected = ik.simulate(plan, n=800, seed=3).draws
    np.testing.assert_allclose(draws.to_numpy(), expected.to_numpy(), rtol=1e-9)

    assert main(["compare-rules"]) == 0
    printed = capsys.readouterr().out
    for rule in ("optimized", "equal", "population", "ikm_units", "poverty_weighted",
                 "dak_index"):
        assert rule in printed


def test_cli_simulate_without_an_uncertainty_table_says_so(tmp_path, capsys):
    from ikmopt.cli import main

    ik.datasets.load().to_csv(tmp_path / "data")
    file = tmp_path / "s.yaml"
    file.write_text("dataset: {path: data}\nbudget: {total: 2500}\n")
    assert main(["simulate", str(file), "--n", "10"]) == 2
    assert "no uncertainty table" in capsys.readouterr().err


# ---------------------------------------------------------------------- diagnosis
def test_the_cli_prints_the_diagnosis(tmp_path, capsys):
    file = tmp_path / "impossible.yaml"
    file.write_text("budget: {total: 2500, spend_all: true}\nconstraints:\n"
                    "  - region_bounds: {min: 10}\n  - group_share: {group: kti, min: 0.6}\n")
    assert main(["solve", str(file)]) == 2
    err = capsys.readouterr().err
    assert "infeasible" in err and "Smallest relaxation found" in err
    assert "cannot hold together" in err and "GroupShare(kti)" in err
