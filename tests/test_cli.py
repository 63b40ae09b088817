"""The command line: ``ikmopt solve`` with good and hostile arguments.

User errors exit with status 2 and one clear message on stderr, never a traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``ikmopt`` in-process; return (exit status, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as stop:  # argparse
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


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
    assert allocation["spend"].sum() == pytest.approx(2500, rel=1e-6)
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
    sheets = pd.read_excel(path, sheet_name=None)
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
