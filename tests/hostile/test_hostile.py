"""A catalogue of hostile inputs: datasets, policies, scenario files and the command line.

Each row feeds one bad input and asserts three things:

1. the error is typed: ``ik.DataError`` for tables, ``ik.PolicyError`` for rules and options,
   ``ik.ScenarioError`` (a PolicyError) for scenario files, exit status 2 for the command
   line; file-system failures may stay ``OSError`` (the CLI turns them into status 2) but
   never a bare ``KeyError``/``TypeError``/``AttributeError`` or a pandas error;
2. the message names the culprit (table, column, label, key path or argument) and, where the
   library offers one, a "did you mean" hint;
3. a failure while writing output leaves nothing half-written behind.

Unicode names are the exception: they are not hostile and must work end to end.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from helpers.hostile import (
    expect_error,
    named_tables,
    refused_or_warned,
    replace_text,
    snapshot,
    with_cell,
    write_folder,
)
from helpers.hostile import has as _has
from ikmopt.cli import main

#: What a failed write may raise: the OS error itself, or an ikmopt error wrapping it.
FS_ERRORS = (OSError, ik.IkmoptError)


@pytest.fixture
def named() -> ik.Dataset:
    return ik.Dataset(*named_tables(), name="named")


def solve(data: ik.Dataset, *constraints, budget=None, objective=None, **options) -> ik.Result:
    extra = {} if objective is None else {"objective": objective}
    policy = ik.Policy(budget=budget or ik.Budget(total=60), constraints=list(constraints),
                       **extra)
    return ik.optimize(data, policy, **options)


# ====================================================================== datasets
# ---------------------------------------------------------------------- ik.Dataset(...)
DATASET_CASES = [
    pytest.param(lambda r, p, i: ik.Dataset(r.iloc[:0], p.iloc[:0], i.iloc[:0]),
                 ["3 problems", "'regions'", "'programs'", "'impacts'", "empty"],
                 id="all-three-tables-empty"),
    pytest.param(lambda r, p, i: ik.Dataset(pd.DataFrame(), p, i),
                 ["'regions'", "empty"], id="regions-frame-without-columns"),
    pytest.param(lambda r, p, i: ik.Dataset(r, p, with_cell(i, 2, "region", np.nan)),
                 ["'impacts'", "'region'", "missing label"], id="impacts-region-label-nan"),
    pytest.param(lambda r, p, i: ik.Dataset(with_cell(r, 0, "population", "1.234.567"), p, i),
                 ["'regions'", "'population'", "not a number", "'A'"],
                 id="population-indonesian-thousands-separator"),
    pytest.param(lambda r, p, i: ik.Dataset(r.assign(population=[True, True, False]), p, i),
                 ["'regions'", "'population'", "'A'"], id="population-yes-no-column"),
    pytest.param(lambda r, p, i: ik.Dataset(
                     pd.concat([r, r.iloc[[0]].assign(region="A ")], ignore_index=True), p, i),
                 ["'regions'", "duplicate", "'A'"], id="duplicate-region-trailing-space"),
    pytest.param(lambda r, p, i: ik.Dataset(r.assign(region=[11, 12, 13]), p,
                                            i.assign(region=[11.0, 11.0, 12.0, 12.0, 13.0,
                                                             13.0])),
                 ["'impacts'", "'region'", "'11.0'", "did you mean '11'"],
                 id="region-codes-as-floats-in-impacts"),
    pytest.param(lambda r, p, i: ik.Dataset(r, p, i, metric_units="persons"),
                 ["metric_units"], id="metric-units-not-a-mapping"),
    pytest.param(lambda r, p, i: ik.Dataset(r, p, i, curves="curves.csv"),
                 ["'curves'"], id="curves-given-as-a-path-string"),
]


@pytest.mark.parametrize(("build", "words"), DATASET_CASES)
def test_dataset_refuses(tables, build, words):
    err = expect_error(lambda: build(*tables), ik.DataError, *words)
    assert list(err.failure_cases.columns) == ["table", "column", "label", "check", "value"]


def test_impacts_naming_an_unknown_region_get_a_hint():
    regions, programs, impacts = named_tables()
    impacts = with_cell(impacts, 2, "region", "Jawa Brat")
    err = expect_error(lambda: ik.Dataset(regions, programs, impacts), ik.DataError,
                       "'impacts'", "'region'", "'Jawa Brat'", "did you mean 'Jawa Barat'")
    cases = err.failure_cases
    assert cases[["table", "column", "label"]].values.tolist() == [
        ["impacts", "region", "Jawa Brat"]]


# ---------------------------------------------------------------------- from_csv / from_excel
def _bom(folder: Path) -> None:
    file = folder / "regions.csv"
    file.write_text(file.read_text(encoding="utf-8"), encoding="utf-8-sig")


def _latin1(folder: Path) -> None:
    file = folder / "regions.csv"
    file.write_bytes(file.read_text(encoding="utf-8").replace("A,", "Yogyakartä,", 1)
                     .encode("latin-1"))


def _dup_header(folder: Path) -> None:
    file = folder / "impacts.csv"
    lines = file.read_text(encoding="utf-8").splitlines()
    lines = [line + (",jobs" if k == 0 else ",99") for k, line in enumerate(lines)]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _regions_sheet_capitalised(tmp_path: Path, tables) -> Path:
    path = tmp_path / "data.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in zip(("Regions", "programs", "impacts"), tables, strict=True):
            table.to_excel(writer, sheet_name=name, index=False)
    return path


READER_CASES = [
    pytest.param(_latin1, ["regions.csv", "utf-8"], id="csv-latin1-encoded"),
    pytest.param(lambda f: (f / "regions.csv").write_bytes(b""), ["regions.csv"],
                 id="csv-zero-byte-file"),
    pytest.param(lambda f: (f / "programs.csv").write_text("program,channel\n"),
                 ["'programs'", "empty"], id="csv-header-only"),
    pytest.param(lambda f: replace_text(f / "regions.csv", "A,1000000", "A,inf"),
                 ["'regions'", "'population'", "finite", "'A'"], id="csv-inf-population"),
    pytest.param(lambda f: replace_text(f / "impacts.csv", "A,q,6.0,2.0,50.0", "A,q,NaN,2.0,"),
                 ["'impacts'", "'jobs'", "'capacity'", "missing value", "(A, q)"],
                 id="csv-nan-and-blank-cells"),
    pytest.param(lambda f: replace_text(f / "impacts.csv", "A,p,10.0,1.0,50.0",
                                        'A,p,10.0,1.0,"50,5"'),
                 ["'impacts'", "'capacity'", "not a number", "(A, p)"],
                 id="csv-comma-decimal-capacity"),
    pytest.param(_dup_header, ["'impacts'", "'jobs'"], id="csv-duplicate-column-header"),
]


@pytest.mark.parametrize(("edit", "words"), READER_CASES)
def test_from_csv_refuses(tmp_path, tables, edit, words):
    folder = write_folder(tmp_path / "data", tables)
    edit(folder)
    expect_error(lambda: ik.Dataset.from_csv(folder), ik.DataError, *words)


def test_from_csv_reads_a_utf8_bom_file(tmp_path, tables):
    """Excel's "CSV UTF-8" adds a byte-order mark; the first header must still be 'region'."""
    folder = write_folder(tmp_path / "data", tables)
    _bom(folder)
    assert ik.Dataset.from_csv(folder).regions.index.tolist() == ["A", "B", "C"]


def test_from_csv_given_a_file_does_not_claim_it_is_missing(tmp_path, tables):
    folder = write_folder(tmp_path / "data", tables)
    file = folder / "regions.csv"
    err = expect_error(lambda: ik.Dataset.from_csv(file), ik.DataError, "regions.csv")
    assert "does not exist" not in str(err), f"{file} exists (it is a file, not a folder): {err}"


def test_from_excel_with_a_misnamed_sheet(tmp_path, tables):
    path = _regions_sheet_capitalised(tmp_path, tables)
    expect_error(lambda: ik.Dataset.from_excel(path), ik.DataError,
                 "data.xlsx", "['regions']", "'Regions'")


# ---------------------------------------------------------------------- what-if copies
WHAT_IF_CASES = [
    pytest.param(lambda d: d.scale("jobs", 2.0, where="program"), ["where"],
                 id="scale-where-is-a-string"),
    pytest.param(lambda d: d.with_cost("1,2"), ["cost factor", "'1,2'"],
                 id="with-cost-comma-decimal"),
    pytest.param(lambda d: d.with_cost(0), ["cost factor", "0"], id="with-cost-zero"),
    pytest.param(lambda d: d.drop_regions(["A", "B", "C"]), ["'regions'", "empty"],
                 id="drop-every-region"),
    pytest.param(lambda d: d.scale("jobs", 1e300).scale("jobs", 1e300),
                 ["'jobs'", "finite"], id="scale-overflows-to-inf"),
    pytest.param(lambda d: d.add_regions(
                     [{"region": "D", "population": 1e6, "kti": True, "island_group": "east",
                       "poverty_rate_pct": 3.0}],
                     [{"region": "E", "program": "p", "jobs": 1.0, "value_added": 1.0,
                       "capacity": 5.0}]),
                 ["add_regions", "'impacts'", "'region'", "'E'", "regions table"],
                 id="add-regions-impacts-name-another-region"),
    pytest.param(lambda d: d.add_regions(
                     [{"region": "D", "population": 1e6, "kti": True, "island_group": "east",
                       "poverty_rate_pct": 3.0}] * 2,
                     [{"region": "D", "program": "p", "jobs": 1.0, "value_added": 1.0,
                       "capacity": 5.0}]),
                 ["add_regions", "duplicate", "'D'"], id="add-regions-duplicate-new-region"),
    pytest.param(lambda d: d.add_regions(
                     [{"region": "D", "population": math.nan, "kti": True,
                       "island_group": "east", "poverty_rate_pct": 3.0}],
                     [{"region": "D", "program": "p", "jobs": 1.0, "value_added": 1.0,
                       "capacity": 5.0}]),
                 ["add_regions", "'population'", "missing value", "'D'"],
                 id="add-regions-nan-population"),
    pytest.param(lambda d: d.add_regions(
                     [{"region": "D", "population": 1e6, "kti": True, "island_group": "east",
                       "poverty_rate_pct": 3.0}],
                     [{"region": "D", "program": "pp", "jobs": 1.0, "value_added": 1.0,
                       "capacity": 5.0}]),
                 ["add_regions", "'program'", "'pp'", "did you mean 'p'"],
                 id="add-regions-unknown-program"),
    pytest.param(lambda d: d.add_regions({"region": "D", "population": 1e6},
                                         [{"region": "D"}]),
                 ["add_regions", "'regions'", "dict"], id="add-regions-mapping-not-records"),
]


@pytest.mark.parametrize(("call", "words"), WHAT_IF_CASES)
def test_what_if_copy_refuses(tiny, call, words):
    expect_error(lambda: call(tiny), ik.DataError, *words)


# ====================================================================== policies
# ---------------------------------------------------------------------- rejected when built
CONSTRUCTION_CASES = [
    pytest.param(lambda: ik.Budget(total=True), ["Budget", "total", "True"],
                 id="budget-total-boolean"),
    pytest.param(lambda: ik.GroupShare("kti", min=40),
                 ["GroupShare(kti)", "min", "between 0 and 1", "40"],
                 id="group-share-percent-not-fraction"),
    pytest.param(lambda: ik.GroupShare("kti", min="40%"),
                 ["GroupShare(kti)", "min", "number", "'40%'"], id="group-share-percent-text"),
    pytest.param(lambda: ik.RegionBounds(min=20, max={"A": 10}),
                 ["RegionBounds", "min 20", "max 10", "'A'"], id="bounds-floor-above-mapped-cap"),
    pytest.param(lambda: ik.RegionBounds(min_rp_per_capita=5000, max_rp_per_capita=100),
                 ["RegionBounds", "min_rp_per_capita", "max_rp_per_capita", "5000", "100"],
                 id="bounds-per-capita-min-above-max"),
    pytest.param(lambda: ik.Target("jobs", max=math.inf), ["Target(jobs)", "max", "inf"],
                 id="target-max-inf"),
    pytest.param(lambda: ik.ProgramShare(min={"training": 0.6, "sentra": 0.6}),
                 ["ProgramShare", "1.2", "more than 1"], id="program-share-floors-sum-above-1"),
    pytest.param(lambda: ik.GiniCap(max=0.3, quantiles="many"),
                 ["GiniCap", "quantiles", "'many'"], id="gini-quantiles-text"),
    pytest.param(lambda: ik.GiniCap(max=0.3, quantiles=None), ["GiniCap", "quantiles", "None"],
                 id="gini-quantiles-none"),
    pytest.param(lambda: ik.GiniCap(max=0.3, method="Lorenz"),
                 ["GiniCap", "method", "'Lorenz'", "'lorenz'"], id="gini-method-capitalised"),
    pytest.param(lambda: ik.ProjectCount(max=-1), ["ProjectCount", "max", "-1"],
                 id="project-count-negative"),
    pytest.param(lambda: ik.ProjectCount(max=1, by=["region"]),
                 ["ProjectCount", "by", "['region']"], id="project-count-by-list"),
    pytest.param(lambda: ik.Lexicographic(["jobs", "value_added"]), ["Lexicographic"],
                 id="lexicographic-of-strings"),
    pytest.param(lambda: ik.MinCost(["jobs"]), ["MinCost", "ik.Target"],
                 id="min-cost-of-strings"),
    pytest.param(lambda: ik.Weighted({"jobs": 1.0}, value_added="x"),
                 ["Weighted", "'value_added'", "'x'"], id="weighted-text-weight"),
    pytest.param(lambda: ik.Policy(budget=ik.Budget(total=60), accrual={"survival": 0.9}),
                 ["Policy", "accrual", "ik.Accrual", "dict"], id="policy-accrual-mapping"),
]


@pytest.mark.parametrize(("make", "words"), CONSTRUCTION_CASES)
def test_policy_refused_at_construction(make, words):
    expect_error(make, ik.PolicyError, *words)


# ---------------------------------------------------------------------- rejected on the data
ON_DATA_CASES = [
    pytest.param([ik.RegionBounds(min={"Jawa Barta": 5})], {},
                 ["RegionBounds", "'Jawa Barta'", "did you mean 'Jawa Barat'"],
                 id="bounds-unknown-region-hint"),
    pytest.param([ik.ProgramShare("Sentra", min=0.1)], {},
                 ["ProgramShare", "'Sentra'", "did you mean 'sentra'"],
                 id="program-share-wrong-case"),
    pytest.param([ik.GroupShare("island_group", value="Papu", min=0.1)], {},
                 ["GroupShare(island_group)", "'Papu'", "did you mean 'Papua'"],
                 id="group-share-unknown-value"),
    pytest.param([ik.Target("jobs", min=-5)], {},
                 ["Target(jobs)", "min", "-5", "not a signed metric", "signed_metrics"],
                 id="target-negative-unsigned"),
    pytest.param([ik.GiniCap(max=0.3, per="populasi")], {},
                 ["GiniCap", "'populasi'", "did you mean 'population'"],
                 id="gini-per-unknown-column"),
    pytest.param([ik.GiniCap(max=0.3, of="jbos")], {},
                 ["GiniCap", "'jbos'", "did you mean 'jobs'"], id="gini-of-unknown-metric"),
    pytest.param([ik.ProjectCount(max=1, by="region")], {},
                 ["ProjectCount", "no projects table", "'named'"],
                 id="project-count-without-projects"),
    pytest.param([], {"objective": ik.MaxMin("jobs", by="provinsi")},
                 ["MaxMin", "'provinsi'"], id="maxmin-unknown-level"),
    pytest.param([], {"objective": ik.PovertyWeighted("jobs", column="poverty")},
                 ["PovertyWeighted", "'poverty'", "did you mean 'poverty_rate_pct'"],
                 id="poverty-weighted-unknown-column"),
    pytest.param([], {"budget": ik.Budget(total=60, by={"year": {2025: 10}})},
                 ["Budget", "'year'"], id="budget-by-year-without-years"),
    pytest.param([], {"solver": "CBC"}, ["'CBC'", "cbc"], id="solver-upper-case"),
    pytest.param([], {"solver": None}, ["solver", "None"], id="solver-none"),
]


@pytest.mark.parametrize(("constraints", "options", "words"), ON_DATA_CASES)
def test_policy_refused_on_the_data(named, constraints, options, words):
    expect_error(lambda: solve(named, *constraints, **options), ik.PolicyError, *words)


# ---------------------------------------------------------------------- absurdly large numbers
# Decision: a number at or beyond the solvers' infinity (HiGHS: 1e20) silently means "no
# limit", so it must be refused (DataError/PolicyError) or warned about (a scaling warning);
# it must never reach the solver and come back as a SolverError. A large but representable
# number (a budget of Rp 2e18 bn) is merely generous: the plan must be right.
def test_capacity_1e300_is_refused_or_warned(tables):
    regions, programs, impacts = tables
    impacts = with_cell(impacts, 0, "capacity", 1e300)
    refused_or_warned(lambda: solve(ik.Dataset(regions, programs, impacts)),
                      ik.DataError, "capacit")


def test_with_capacity_1e300_is_refused_or_warned(tiny):
    refused_or_warned(lambda: solve(tiny.with_capacity(value=1e300)), ik.DataError, "capacit")


def test_budget_1e300_is_refused_or_warned(tiny):
    """With share floors the budget becomes 1e299-sized row bounds (today: a SolverError)."""
    refused_or_warned(
        lambda: solve(tiny, ik.RegionBounds(min_share=0.1), budget=ik.Budget(total=1e300)),
        ik.PolicyError, "total")


def test_budget_2e18_only_caps_and_the_plan_fills_every_capacity(tiny):
    result = solve(tiny, budget=ik.Budget(total=2e18))
    assert result.is_optimal
    assert result.outcomes["spend"] == pytest.approx(tiny.capacity.sum())
    assert result.allocation.to_numpy() == pytest.approx(tiny.capacity)


# ====================================================================== unicode names (must work)
UNICODE_REGIONS = {"A": "Papua Barat Daya – Sorong", "B": "Daerah Istimewa Yogyakarta ✓",
                   "C": "Nusa Tenggara Timur 🌴"}
UNICODE_PROGRAMS = {"p": "pelatihan–dasar ✓", "q": "sentra IKM «baru»"}
YOGYA = UNICODE_REGIONS["B"]


def unicode_tables(tables):
    """The tiny tables with unicode region, program and group names."""
    regions, programs, impacts = (t.copy() for t in tables)
    regions["region"] = regions["region"].map(UNICODE_REGIONS)
    regions["island_group"] = ["Papua ✓", "Jawa–Bali", "Nusa Tenggara"]
    programs["program"] = programs["program"].map(UNICODE_PROGRAMS)
    impacts["region"] = impacts["region"].map(UNICODE_REGIONS)
    impacts["program"] = impacts["program"].map(UNICODE_PROGRAMS)
    return regions, programs, impacts


def unicode_policy() -> ik.Policy:
    return ik.Policy(
        budget=ik.Budget(total=60, by={"program": {UNICODE_PROGRAMS["q"]: 50}}),
        constraints=[ik.RegionBounds(min={YOGYA: 5}),
                     ik.ProgramShare(UNICODE_PROGRAMS["p"], min=0.2),
                     ik.GroupShare("island_group", value="Papua ✓", max=0.9)],
    )


def test_unicode_names_round_trip_through_optimize_and_csv(tmp_path, tables):
    data = ik.Dataset(*unicode_tables(tables), name="unicode ✓")
    result = ik.optimize(data, unicode_policy())
    by_region = result.by("region")["spend"]
    assert list(by_region.index) == list(UNICODE_REGIONS.values())
    assert by_region[YOGYA] >= 5 - 1e-9
    # result tables
    result.to_csv(tmp_path / "plan")
    table = pd.read_csv(tmp_path / "plan" / "by_region.csv", encoding="utf-8")
    assert table["region"].tolist() == list(UNICODE_REGIONS.values())
    assert table.set_index("region")["spend"].to_numpy() == pytest.approx(by_region.to_numpy())
    allocation = pd.read_csv(tmp_path / "plan" / "allocation.csv", encoding="utf-8")
    assert set(allocation["program"]) == set(UNICODE_PROGRAMS.values())
    # the dataset itself, back from CSV, solves to the same plan
    data.to_csv(tmp_path / "data")
    back = ik.Dataset.from_csv(tmp_path / "data")
    assert back == data
    again = ik.optimize(back, unicode_policy())
    assert again.objective == pytest.approx(result.objective)
    assert again.allocation.to_numpy() == pytest.approx(result.allocation.to_numpy())


def test_unicode_names_round_trip_through_excel(tmp_path, tables):
    data = ik.Dataset(*unicode_tables(tables), name="unicode ✓")
    result = ik.optimize(data, unicode_policy())
    result.to_excel(tmp_path / "plan.xlsx")
    sheet = pd.read_excel(tmp_path / "plan.xlsx", sheet_name="by_region", header=1)
    assert sheet["region"].tolist() == list(UNICODE_REGIONS.values())
    data.to_excel(tmp_path / "data.xlsx")
    back = ik.Dataset.from_excel(tmp_path / "data.xlsx")
    assert back.regions.index.tolist() == list(UNICODE_REGIONS.values())
    assert back.programs.index.tolist() == list(UNICODE_PROGRAMS.values())
    assert ik.optimize(back, unicode_policy()).objective == pytest.approx(result.objective)


def test_unicode_names_keep_distinct_lp_variables(tmp_path, tables):
    """Names that differ only in a non-ASCII character must not merge in the model file."""
    regions, programs, impacts = unicode_tables(tables)
    twin = {YOGYA: "Daerah Istimewa Yogyakarta ✗"}
    regions["region"] = regions["region"].replace(
        {UNICODE_REGIONS["A"]: twin[YOGYA]})
    impacts["region"] = impacts["region"].replace({UNICODE_REGIONS["A"]: twin[YOGYA]})
    data = ik.Dataset(regions, programs, impacts)
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=60)))
    text = result.write_lp(tmp_path / "model.lp").read_text(encoding="utf-8")
    bounds = text.split("Bounds", 1)[1]
    variables = [line.split("<=")[0].strip() for line in bounds.splitlines() if "<=" in line]
    cells = [v for v in variables if v.startswith("x(")]
    assert len(cells) == data.n_cells == len(set(cells))


def test_unicode_scenario_solves_and_runs_from_the_cli(tmp_path, capsys, tables):
    write_folder(tmp_path / "data ✓", unicode_tables(tables))
    file = tmp_path / "skenario.yaml"
    file.write_text(
        "name: 'skenario Papua ✓ – 2025'\n"
        "dataset: {path: 'data ✓'}\n"
        "budget: {total: 60}\n"
        "constraints:\n"
        f"  - region_bounds: {{min: {{'{YOGYA}': 5}}}}\n"
        f"  - program_share: {{program: '{UNICODE_PROGRAMS['p']}', min: 0.2}}\n",
        encoding="utf-8",
    )
    scenario = ik.load_scenario(file)
    scenario.validate()
    assert main(["solve", str(file), "--out", str(tmp_path / "plan")]) == 0
    assert YOGYA in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "plan" / "by_region.csv", encoding="utf-8")
    assert table.set_index("region").loc[YOGYA, "spend"] >= 5 - 1e-9
    batch = ik.run_scenarios([file], ik.InProcessExecutor(), progress=False,
                             out=tmp_path / "out")
    assert batch.ok == ["skenario Papua ✓ – 2025"]
    read = ik.ScenarioResults.read(tmp_path / "out")
    assert list(read) == ["skenario Papua ✓ – 2025"]
    assert YOGYA in read["skenario Papua ✓ – 2025"].tables["by_region"]["region"].tolist()


# ====================================================================== output that fails midway
def _blocked(name: str):
    """A target folder in which ``name`` is taken by a sub-folder (the write fails there)."""

    def make(tmp_path: Path) -> Path:
        folder = tmp_path / "out"
        (folder / name).mkdir(parents=True)
        return folder

    return make


def _under_a_file(name: str):
    def make(tmp_path: Path) -> Path:
        (tmp_path / "afile").write_text("not a folder")
        return tmp_path / "afile" / name

    return make


def _existing_folder(name: str):
    def make(tmp_path: Path) -> Path:
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("keep")
        return tmp_path / name

    return make


def _existing_file(tmp_path: Path) -> Path:
    (tmp_path / "afile").write_text("not a folder")
    return tmp_path / "afile"


WRITE_CASES = [
    pytest.param(_blocked("constraints.csv"), lambda d, r, to: r.to_csv(to),
                 ["constraints.csv"], id="result-to-csv-fails-on-the-5th-table"),
    pytest.param(_blocked("impacts.csv"), lambda d, r, to: d.to_csv(to),
                 ["impacts.csv"], id="dataset-to-csv-fails-on-the-3rd-table"),
    pytest.param(_under_a_file("plan"), lambda d, r, to: r.to_csv(to),
                 ["afile"], id="result-to-csv-parent-is-a-file"),
    pytest.param(_under_a_file("plan.xlsx"), lambda d, r, to: r.to_excel(to),
                 ["afile"], id="result-to-excel-parent-is-a-file"),
    pytest.param(_existing_folder("plan.xlsx"), lambda d, r, to: r.to_excel(to),
                 ["plan.xlsx"], id="result-to-excel-onto-a-folder"),
    pytest.param(_under_a_file("data.xlsx"), lambda d, r, to: d.to_excel(to),
                 ["afile"], id="dataset-to-excel-parent-is-a-file"),
    pytest.param(_under_a_file("model.lp"), lambda d, r, to: r.write_lp(to),
                 ["afile"], id="write-lp-parent-is-a-file"),
    pytest.param(_existing_file, lambda d, r, to: ik.run_scenarios(
                     [ik.Scenario.from_dict({"name": "s", "budget": {"total": 1}})],
                     ik.InProcessExecutor(), progress=False, out=to),
                 ["afile"], id="run-scenarios-out-is-a-file"),
]


@pytest.mark.parametrize(("setup", "write", "words"), WRITE_CASES)
def test_failed_write_leaves_nothing_behind(tmp_path, tiny, setup, write, words):
    result = solve(tiny)
    target = setup(tmp_path)
    before = snapshot(tmp_path)
    expect_error(lambda: write(tiny, result, target), FS_ERRORS, *words)
    after = snapshot(tmp_path)
    assert after == before, f"left behind: {sorted(set(after) - set(before))}"


def test_failed_scenario_is_recorded_without_temporary_folders(tmp_path):
    missing = tmp_path / "nope.yaml"
    out = tmp_path / "out"
    batch = ik.run_scenarios([missing], ik.InProcessExecutor(), progress=False, out=out)
    errors = batch.errors.set_index("scenario")
    assert errors.loc["nope", "error_type"] == "ScenarioError"
    assert str(missing) in errors.loc["nope", "error"]
    assert "does not exist" in errors.loc["nope", "error"]
    assert sorted(snapshot(out)) == ["nope", "nope/meta.json"]


# ====================================================================== scenario files
# (YAML text, words the ScenarioError must hold besides the file name)
SCENARIO_LOAD_CASES = [
    pytest.param('!!python/object/apply:os.system ["echo hi"]\n', ["line 1", "safe loader"],
                 id="python-tag-whole-document"),
    pytest.param("budget: {total: 10}\nobjective: !!python/name:os.system\n",
                 ["line 2", "safe loader"], id="python-name-tag"),
    pytest.param("budget:\n\ttotal: 10\n", ["line 2", "not valid YAML"],
                 id="yaml-tab-indentation"),
    pytest.param("budget: {total: 10}\nconstraints: [\n", ["not valid YAML"],
                 id="yaml-unclosed-list"),
    pytest.param("budget: {total: 10}\nbudget: {total: 99999}\n",
                 ["budget", ("duplicate", "more than once", "twice")],
                 id="duplicate-top-level-key"),
    pytest.param("budget: {total: yes}\n", ["budget", "total", "True"],
                 id="budget-total-yaml-yes"),
    pytest.param("budget: {total: .nan}\n", ["budget", "total", "nan"], id="budget-yaml-nan"),
    pytest.param("budget: {total: -.inf}\n", ["budget", "total", "inf"],
                 id="budget-yaml-minus-inf"),
    pytest.param("budget: {total: '2,500'}\n", ["budget", "total", "'2,500'"],
                 id="budget-thousands-comma"),
    pytest.param("budget: [2500]\n", ["budget", "must be a mapping", "list"],
                 id="budget-list-for-mapping"),
    pytest.param("budget: 2500\n", ["budget", "must be a mapping", "int"],
                 id="budget-number-for-mapping"),
    pytest.param("budget: {total: 10}\nsolver: [highs]\n", ["solver", "mapping", "list"],
                 id="solver-list-for-mapping"),
    pytest.param("budget: {total: 10}\nsolver: {time_limt: 10}\n",
                 ["solver.time_limt", "did you mean 'time_limit'"], id="solver-unknown-option"),
    pytest.param("budget: {total: 10}\ndataset: {nme: indonesia-provinces}\n",
                 ["dataset.nme", "did you mean 'name'"], id="dataset-unknown-key"),
    pytest.param("budget: {total: 10}\nset: [budget.total, 5]\n", ["set", "mapping", "list"],
                 id="set-list-for-mapping"),
    pytest.param("budget: {total: 10}\nset: {budget.totl: 5}\n", ["set.budget.totl", "'totl'"],
                 id="set-unknown-field"),
    pytest.param("budget: {total: 10}\ndata: {scale: {metric: jobs, factor: 2}}\n",
                 ["data", "must be a list", "dict"], id="data-mapping-for-list"),
    pytest.param("budget: {total: 10}\nconstraints:\n  - region_bounds: [0.1]\n",
                 ["constraints[0].region_bounds", "mapping", "list"],
                 id="constraint-list-for-mapping"),
    pytest.param("budget: {total: 10}\nconstraints:\n"
                 "  - {region_bounds: {min: 1}, group_share: {group: kti, min: 0.4}}\n",
                 ["constraints[0]", "one mapping"], id="constraint-two-kinds-in-one-item"),
    pytest.param("budget: {total: 10}\nconstraints:\n  - gini_cap: {max: 0.3, quantiles: many}\n",
                 ["constraints[0].gini_cap", "quantiles", "'many'"], id="gini-quantiles-text"),
    pytest.param("budget: {total: 10}\nobjective: [maximize]\n", ["objective", "one mapping"],
                 id="objective-list"),
    pytest.param("name: 42\nbudget: {total: 10}\n", ["name", "text", "int"], id="name-number"),
    pytest.param("extends: [base.yaml]\nbudget: {total: 10}\n", ["extends", "list"],
                 id="extends-list"),
]


@pytest.mark.parametrize(("text", "words"), SCENARIO_LOAD_CASES)
def test_scenario_file_refused_on_load(tmp_path, text, words):
    file = tmp_path / "hostile.yaml"
    file.write_text(text, encoding="utf-8")
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file), *words)


@pytest.fixture
def data_folder(tmp_path) -> Path:
    return write_folder(tmp_path / "named", named_tables())


SCENARIO_VALIDATE_CASES = [
    pytest.param("data:\n  - drop_regions: {region: [Aceh]}\n",
                 ["data[0].drop_regions", "'region'"], id="drop-regions-misnamed-argument"),
    pytest.param("data:\n  - drop_regions: {regions: Acehh}\n",
                 ["data[0].drop_regions", "'Acehh'", "did you mean 'Aceh'"],
                 id="drop-regions-unknown-region"),
    pytest.param("data:\n  - scale: {metric: jobs, factor: 2, where: training}\n",
                 ["data[0].scale", "where"], id="scale-where-is-a-string"),
    pytest.param("data:\n  - scale: {metric: jobs, factor: x2}\n",
                 ["data[0].scale", "'x2'"], id="scale-factor-text"),
    pytest.param("data:\n  - with_capacity: {}\n",
                 ["data[0].with_capacity", "factor", "value"], id="with-capacity-no-argument"),
    pytest.param("constraints:\n  - region_bounds: {min: {Jawa Barta: 5}}\n",
                 ["constraints[0].region_bounds", "'Jawa Barta'", "did you mean 'Jawa Barat'"],
                 id="region-bounds-unknown-region"),
    pytest.param("constraints:\n  - region_bounds: {min: 1}\n"
                 "  - program_share: {program: Sentra, min: 0.1}\n",
                 ["constraints[1].program_share", "'Sentra'", "did you mean 'sentra'"],
                 id="program-share-wrong-case"),
    pytest.param("constraints:\n  - group_share: {group: island_group, value: Papu, min: 0.1}\n",
                 ["constraints[0].group_share", "'Papu'", "did you mean 'Papua'"],
                 id="group-share-unknown-value"),
]


@pytest.mark.parametrize(("text", "words"), SCENARIO_VALIDATE_CASES)
def test_scenario_refused_by_validate(tmp_path, data_folder, text, words):
    file = tmp_path / "late.yaml"
    file.write_text(f"dataset: {{path: {data_folder.name}}}\nbudget: {{total: 60}}\n{text}",
                    encoding="utf-8")
    expect_error(lambda: ik.load_scenario(file).validate(), ik.ScenarioError, str(file), *words)


def test_scenario_with_a_bad_dataset_file_names_table_and_column(tmp_path, data_folder):
    replace_text(data_folder / "regions.csv", "Aceh,5400000", "Aceh,-5400000")
    file = tmp_path / "s.yaml"
    file.write_text("dataset: {path: named}\nbudget: {total: 60}\n", encoding="utf-8")
    expect_error(lambda: ik.load_scenario(file).validate(), ik.ScenarioError,
                 str(file), "dataset", "'regions'", "'population'", "'Aceh'")


def test_python_tag_is_never_executed(tmp_path):
    flag = tmp_path / "pwned"
    file = tmp_path / "evil.yaml"
    file.write_text(f'budget: !!python/object/apply:os.system ["touch {flag}"]\n')
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file), "safe loader")
    expect_error(lambda: ik.Scenario.from_yaml(file.read_text()), ik.ScenarioError,
                 "safe loader")
    assert not flag.exists()


@pytest.mark.parametrize(
    ("where", "words"),
    [
        pytest.param("nope.yaml", ["nope.yaml", "does not exist"], id="missing-file"),
        pytest.param("sub/dir", [("folder", "directory", "not a file")], id="a-folder"),
    ],
)
def test_load_scenario_from_a_bad_path(tmp_path, where, words):
    (tmp_path / "sub" / "dir").mkdir(parents=True)
    path = tmp_path / where
    expect_error(lambda: ik.load_scenario(path), ik.ScenarioError, str(path), *words)


def test_latin1_scenario_file_names_the_encoding(tmp_path):
    file = tmp_path / "latin.yaml"
    file.write_bytes("name: Yogyakartä\nbudget: {total: 10}\n".encode("latin-1"))
    expect_error(lambda: ik.load_scenario(file), ik.ScenarioError, str(file), "utf-8")


# ---------------------------------------------------------------------- run_scenarios
def _scenario() -> ik.Scenario:
    return ik.Scenario.from_dict({"name": "s", "budget": {"total": 1}})


RUN_CASES = [
    pytest.param(lambda: ik.run_scenarios(None, ik.InProcessExecutor(), progress=False),
                 ["scenarios", "None"], id="scenarios-none"),
    pytest.param(lambda: ik.run_scenarios([{"budget": {"total": 1}}], ik.InProcessExecutor(),
                                          progress=False),
                 ["dict"], id="scenario-given-as-a-mapping"),
    pytest.param(lambda: ik.run_scenarios([_scenario()], workers=-1, progress=False),
                 ["workers", "-1"], id="workers-negative"),
    pytest.param(lambda: ik.run_scenarios([_scenario()], executor="dask", progress=False),
                 ["executor", "str"], id="executor-string"),
    pytest.param(lambda: ik.load_scenarios([]), ["no scenario files"], id="load-empty-list"),
]


@pytest.mark.parametrize(("call", "words"), RUN_CASES)
def test_run_scenarios_refuses(call, words):
    expect_error(call, ik.PolicyError, *words)


def test_run_scenarios_does_not_split_a_path_string_into_characters(tmp_path):
    file = tmp_path / "s.yaml"
    file.write_text("budget: {total: 1}\n")
    try:
        batch = ik.run_scenarios(str(file), ik.InProcessExecutor(), progress=False)
    except ik.PolicyError as err:  # refusing the bare string is fine too, if it says so
        assert "scenarios" in str(err)
        return
    assert list(batch) == ["s"], f"one file became {len(batch)} scenarios: {list(batch)[:8]}"


# ====================================================================== command line
def cli(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``ikmopt`` in-process; return (exit status, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as stop:  # argparse
        code = stop.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_env(tmp_path, tables) -> dict[str, str]:
    """Files the command-line cases point at; ``{name}`` placeholders in argv."""
    tiny = write_folder(tmp_path / "tiny", tables)
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "empty").mkdir()
    _regions_sheet_capitalised(tmp_path, tables)
    (tmp_path / "tag.yaml").write_text(
        f'budget: !!python/object/apply:os.system ["touch {tmp_path / "pwned"}"]\n')
    (tmp_path / "s.yaml").write_text("dataset: {path: tiny}\nbudget: {total: 60}\n")
    return {"tmp": str(tmp_path), "tiny": str(tiny)}


# (argv, words stderr must hold); every case exits 2, prints nothing on stdout (it fails
# before solving) and creates or changes no file
CLI_CASES = [
    pytest.param(["solve", "--data", "{tiny}", "--budget", "2.500.000"],
                 ["--budget", "'2.500.000'"], id="budget-indonesian-thousands"),
    pytest.param(["solve", "--data", "{tiny}", "--budget", "Rp2500"], ["--budget", "'Rp2500'"],
                 id="budget-with-currency"),
    pytest.param(["solve", "--data", "{tiny}", "--budget", "1e400"], ["--budget", "1e400"],
                 id="budget-overflows-to-inf"),
    pytest.param(["solve", "--data", "{tiny}", "--solver", "CBC"], ["--solver", "'CBC'"],
                 id="solver-upper-case"),
    pytest.param(["solve", "--data", "{tiny}", "--time-limit", "abc"],
                 ["--time-limit", "'abc'"], id="time-limit-text"),
    pytest.param(["run", "{tmp}/s.yaml", "--out", "{tmp}/out", "--workers", "0"],
                 ["--workers", "0"], id="run-workers-zero"),
    pytest.param(["solve", "--data", "{tmp}/missing_dir/"],
                 ["missing_dir", "does not exist"], id="data-folder-missing"),
    pytest.param(["solve", "--data", "{tmp}/data.xlsx"], ["data.xlsx", "['regions']", "Regions"],
                 id="data-workbook-missing-sheet"),
    pytest.param(["solve", "{tmp}/nope.yaml"], ["nope.yaml", "does not exist"],
                 id="scenario-file-missing"),
    pytest.param(["validate", "{tmp}/tag.yaml"], ["tag.yaml", "safe loader"],
                 id="validate-python-tag"),
    pytest.param(["run", "{tmp}/empty", "--out", "{tmp}/out"], ["no scenario files", "empty"],
                 id="run-folder-without-scenarios"),
    pytest.param(["run", "{tmp}/s.yaml", "--out", "{tmp}/afile", "--no-progress"], ["afile"],
                 id="run-out-is-a-file"),
    pytest.param(["compare", "{tmp}/empty"], ["no scenario results", "empty"],
                 id="compare-folder-without-results"),
    pytest.param(["solve", "--data", "{tiny}", "--budget", "60", "--out",
                  "{tmp}/afile/plan.xlsx"], ["afile"], id="out-workbook-under-a-file"),
    pytest.param(["solve", "--data", "{tiny}", "--budget", "60", "--out", "{tmp}/afile"],
                 ["afile"], id="out-folder-is-a-file"),
    pytest.param(["solve", "--data", "{tiny}", "--budget", "60", "--out", "{tmp}/plan",
                  "--lp", "{tmp}/afile/model.lp"], ["afile"], id="lp-under-a-file-with-out"),
]


@pytest.mark.parametrize(("argv", "words"), CLI_CASES)
def test_cli_user_error(capsys, tmp_path, cli_env, argv, words):
    before = snapshot(tmp_path)
    code, out, err = cli(capsys, *(a.format(**cli_env) for a in argv))
    assert code == 2, f"exit {code}\nstdout:\n{out}\nstderr:\n{err}"
    assert "Traceback" not in err + out
    assert not (tmp_path / "pwned").exists()
    problems = []  # every broken promise of this case, reported together
    lines = err.strip().splitlines()
    if "usage:" in err:  # argparse: usage, then one error line
        message = lines[-1]
    else:
        if len(lines) != 1:
            problems.append(f"expected one line on stderr, got {len(lines)}")
        message = err
    missing = [w for w in words if not _has(message, w.format(**cli_env))]
    if missing:
        problems.append(f"{missing} not in stderr")
    if out:
        problems.append("printed a plan before failing (the output check should come before "
                        "solving)")
    after = snapshot(tmp_path)
    if after != before:
        problems.append(f"left behind: {sorted(set(after) - set(before))}")
    assert not problems, "; ".join(problems) + f"\nstderr:\n{err}"


def test_cli_compare_unknown_baseline_gets_a_hint(capsys, tmp_path, tables):
    write_folder(tmp_path / "tiny", tables)
    file = tmp_path / "baseline.yaml"
    file.write_text("dataset: {path: tiny}\nbudget: {total: 60}\n")
    ik.run_scenarios([file], ik.InProcessExecutor(), progress=False, out=tmp_path / "out")
    code, out, err = cli(capsys, "compare", str(tmp_path / "out"), "--baseline", "basline")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "'basline'" in err and "did you mean 'baseline'" in err


def test_cli_huge_budget_is_a_clear_infeasibility(capsys, tmp_path, tables):
    """Rp 2e18 bn: the default 0.5 % floors (Rp 1e16 bn each) exceed every capacity."""
    folder = write_folder(tmp_path / "tiny", tables)
    code, out, err = cli(capsys, "solve", "--data", str(folder), "--budget", "2e18",
                         "--out", str(tmp_path / "plan"))
    assert code == 2 and out == ""
    assert "Traceback" not in err
    assert err.startswith("ikmopt: infeasible")
    assert "RegionBounds" in err
    assert not (tmp_path / "plan").exists()
