"""Multi-year projection: hand-solved dynamics, agreement with evaluate/Accrual, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.analysis.projection import (
    DEFAULT_RAMP_UP,
    DEFAULT_SURVIVAL,
    MAX_YEARS,
    NATIONAL_WORKERS_PER_UNIT,
    Projection,
    project,
)


def one_cell(**impacts: float) -> ik.Dataset:
    """One region (1,000 IMK workers in 200 units: 5 workers per unit), one program."""
    regions = pd.DataFrame({"region": ["R"], "population": [100_000],
                            "imk_workers": [1000], "imk_establishments": [200]})
    programs = pd.DataFrame({"program": ["p"]})
    columns = {"jobs": 10.0, "value_added": 0.5, "capacity": 100.0, **impacts}
    frame = pd.DataFrame({"region": ["R"], "program": ["p"],
                          **{k: [v] for k, v in columns.items()}})
    return ik.Dataset(regions, programs, frame, name="one-cell")


def spend10(data: ik.Dataset) -> pd.Series:
    return pd.Series(10.0, index=data.cells)


# ---------------------------------------------------------------------- hand-solved
def test_one_cell_ramp_and_survival_by_hand() -> None:
    # Rp 10 bn at 10 jobs/bn creates J = 100 jobs and V = 5 Rp bn a year; ramp (0.5, 1),
    # survival 0.9: f(k) = r(k) 0.9^k = 0.5, 0.9, 0.81, 0.729 at ages 0..3
    data = one_cell()
    view = project(spend10(data), data, years=4, survival=0.9, ramp_up=(0.5, 1.0))
    t = view.table
    assert list(t["year"]) == [1, 2, 3, 4]
    np.testing.assert_allclose(t["spend"], [10, 0, 0, 0])
    np.testing.assert_allclose(t["jobs"], [50, 90, 81, 72.9])
    np.testing.assert_allclose(t["value_added"], [2.5, 4.5, 4.05, 3.645])
    # 5 workers per IKM unit: units = jobs / 5
    np.testing.assert_allclose(t["ikm_units"], [10, 18, 16.2, 14.58])
    np.testing.assert_allclose(t["cumulative_spend"], [10, 10, 10, 10])
    np.testing.assert_allclose(t["cumulative_jobs"], [50, 140, 221, 293.9])
    np.testing.assert_allclose(t["cumulative_value_added"], [2.5, 7.0, 11.05, 14.695])
    assert view.workers_per_unit["R"] == pytest.approx(5.0)
    assert view.years == (1, 2, 3, 4)


def test_linear_ramp_int_and_short_schedule_by_hand() -> None:
    data = one_cell()
    # int 3 = (1/3, 2/3, 1): 33.3, 66.7, 100, 100 at survival 1
    linear = project(spend10(data), data, years=4, survival=1.0, ramp_up=3)
    np.testing.assert_allclose(linear.table["jobs"], [100 / 3, 200 / 3, 100, 100])
    assert linear.ramp_up == pytest.approx((1 / 3, 2 / 3, 1.0))
    # a schedule ending below 1 reaches the full effect after its last year:
    # 0.2, 0.6 * 0.5, 1 * 0.25, 1 * 0.125
    short = project(spend10(data), data, years=4, survival=0.5, ramp_up=(0.2, 0.6))
    np.testing.assert_allclose(short.table["jobs"], [20, 30, 25, 12.5])
    # no ramp: the effect is full in the spend year and decays from there
    flat = project(spend10(data), data, years=3, survival=0.8, ramp_up=1)
    np.testing.assert_allclose(flat.table["jobs"], [100, 80, 64])


def test_start_year_labels_the_horizon_and_spend_falls_in_it() -> None:
    data = one_cell()
    view = project(spend10(data), data, years=3, start_year=2026, survival=1.0, ramp_up=1)
    assert list(view.totals.index) == [2026, 2027, 2028]
    np.testing.assert_allclose(view.totals["spend"], [10, 0, 0])
    assert view.totals.index.name == "year"


def test_defaults_are_the_documented_constants() -> None:
    data = one_cell()
    view = project(spend10(data), data)
    assert view.survival == DEFAULT_SURVIVAL == 0.9
    assert view.ramp_up == DEFAULT_RAMP_UP == (0.5, 1.0)
    assert len(view.years) == 5
    expected = [100 * r * 0.9**k for k, r in enumerate([0.5, 1, 1, 1, 1])]
    np.testing.assert_allclose(view.table["jobs"], expected)


def test_national_workers_per_unit_is_the_bundled_ratio(provinces: ik.Dataset) -> None:
    regions = provinces.regions
    assert regions["imk_workers"].sum() == 9_484_645
    assert regions["imk_establishments"].sum() == 4_461_888
    ratio = regions["imk_workers"].sum() / regions["imk_establishments"].sum()
    assert ratio == pytest.approx(NATIONAL_WORKERS_PER_UNIT, rel=1e-15)


def test_ikm_units_metric_is_used_when_present() -> None:
    data = one_cell(ikm_units=3.0)   # 3 units per Rp bn: 30 units created
    view = project(spend10(data), data, years=2, survival=0.5, ramp_up=1)
    np.testing.assert_allclose(view.table["ikm_units"], [30, 15])
    assert "ikm_units" in view.units_basis
    assert view.workers_per_unit.isna().all()


# ---------------------------------------------------------------------- per program
def test_per_program_survival_mapping_by_hand(tiny: ik.Dataset) -> None:
    # A-p: 10 bn x 10 = 100 jobs, 10 Rp bn VA; C-q: 4 bn x 5 = 20 jobs, 4 Rp bn VA.
    # p survives at 0.5, q keeps the default 0.9
    allocation = pd.Series({("A", "p"): 10.0, ("C", "q"): 4.0})
    allocation.index.names = ["region", "program"]
    view = project(allocation, tiny, years=3, survival={"p": 0.5}, ramp_up=1)
    assert view.survival == {"p": 0.5, "q": 0.9}
    jobs = view.by("program")["jobs"].unstack("program")
    np.testing.assert_allclose(jobs["p"], [100, 50, 25])
    np.testing.assert_allclose(jobs["q"], [20, 18, 16.2])
    np.testing.assert_allclose(view.totals["jobs"], [120, 68, 41.2])
    np.testing.assert_allclose(view.totals["value_added"], [14, 5 + 3.6, 2.5 + 3.24])
    # the tiny regions have no IMK counts: the national workers per unit is used
    np.testing.assert_allclose(view.totals["ikm_units"],
                               np.array([120, 68, 41.2]) / (9_484_645 / 4_461_888))
    assert "national" in view.units_basis


def test_per_program_ramp_mapping(tiny: ik.Dataset) -> None:
    allocation = pd.Series({("A", "p"): 10.0, ("C", "q"): 4.0})
    allocation.index.names = ["region", "program"]
    view = project(allocation, tiny, years=3, survival=1.0, ramp_up={"q": (0.25,)})
    assert view.ramp_up == {"p": DEFAULT_RAMP_UP, "q": (0.25,)}
    jobs = view.by("program")["jobs"].unstack("program")
    np.testing.assert_allclose(jobs["p"], [50, 100, 100])   # default (0.5, 1)
    np.testing.assert_allclose(jobs["q"], [5, 20, 20])      # 0.25, then full


def test_by_region_attribute_and_program_attribute(tiny: ik.Dataset) -> None:
    allocation = pd.Series({("A", "p"): 10.0, ("B", "q"): 5.0, ("C", "p"): 2.0})
    allocation.index.names = ["region", "program"]
    view = project(allocation, tiny, years=2, survival=1.0, ramp_up=1)
    by_group = view.by("island_group")["jobs"].unstack("island_group")
    # west = A (100 jobs); east = B-q (5 x 4 = 20) + C-p (2 x 12 = 24)
    np.testing.assert_allclose(by_group["west"], [100, 100])
    np.testing.assert_allclose(by_group["east"], [44, 44])
    by_channel = view.by("channel")["spend"].unstack("channel")
    np.testing.assert_allclose(by_channel.loc[1, ["DAK", "TP"]], [12, 5])
    both = view.by(("region", "program"))
    assert both.index.names == ["year", "region", "program"]
    assert both["jobs"].sum() == pytest.approx(2 * 144)


# ---------------------------------------------------------------------- against evaluate
def test_no_decay_no_ramp_reproduces_evaluate_every_year(provinces: ik.Dataset) -> None:
    rng = np.random.default_rng(7)
    # up to the full capacity: the diminishing-returns curves matter
    allocation = pd.Series(rng.uniform(0, 1, provinces.n_cells) * provinces.capacity,
                           index=provinces.cells)
    evaluation = ik.evaluate(provinces, allocation)
    view = project(allocation, provinces, years=4, survival=1.0, ramp_up=1)
    totals = view.totals
    for metric in ("jobs", "value_added"):
        np.testing.assert_allclose(totals[metric], evaluation.outcomes[metric], rtol=1e-12)
    assert totals["spend"].iloc[0] == pytest.approx(evaluation.outcomes["spend"])
    assert (totals["spend"].iloc[1:] == 0).all()
    by_region = view.by("region")["jobs"].unstack("region")
    expected = evaluation.by("region")["jobs"]
    for year in view.years:
        np.testing.assert_allclose(by_region.loc[year, expected.index], expected, rtol=1e-12)


def test_evaluation_and_allocation_give_the_same_projection(provinces: ik.Dataset) -> None:
    allocation = pd.Series(provinces.capacity * 0.3, index=provinces.cells)
    a = project(allocation, provinces, years=3)
    b = project(ik.evaluate(provinces, allocation), years=3)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_year_level_spends_by_year_and_decays_by_hand() -> None:
    data = ik.datasets.synthetic(n_regions=6, n_programs=2, n_sectors=0, n_years=3, seed=1)
    allocation = pd.Series(data.capacity * 0.4, index=data.cells)
    per_year = ik.evaluate(data, allocation).by("year")
    view = project(allocation, data, years=4, survival=0.8, ramp_up=(0.5, 1.0))
    totals = view.totals
    assert list(totals.index) == [2025, 2026, 2027, 2028]
    np.testing.assert_allclose(totals["spend"], [*per_year["spend"], 0.0])
    j25, j26, j27 = per_year["jobs"]
    np.testing.assert_allclose(totals["jobs"], [
        0.5 * j25,
        0.8 * j25 + 0.5 * j26,
        0.64 * j25 + 0.8 * j26 + 0.5 * j27,
        0.512 * j25 + 0.64 * j26 + 0.8 * j27,
    ])
    # one row per year x region x program (the cell's year is folded into the horizon)
    assert len(view.table) == 4 * 6 * 2
    assert list(view.table.columns[:3]) == ["year", "region", "program"]


def test_year_level_start_earlier_and_sector_level() -> None:
    data = ik.datasets.synthetic(n_regions=4, n_programs=2, n_sectors=2, n_years=2, seed=3)
    allocation = pd.Series(data.capacity * 0.5, index=data.cells)
    view = project(allocation, data, years=4, start_year=2024, survival=1.0, ramp_up=1)
    totals = view.totals
    assert list(totals.index) == [2024, 2025, 2026, 2027]
    assert totals.loc[2024, "jobs"] == 0 and totals.loc[2024, "spend"] == 0
    per_year = ik.evaluate(data, allocation).by("year")
    np.testing.assert_allclose(totals["jobs"].iloc[1:],
                               np.cumsum([*per_year["jobs"], 0.0]))
    assert "sector" in view.table.columns
    by_sector = view.by("sector")
    assert by_sector.index.names == ["year", "sector"]
    np.testing.assert_allclose(by_sector.groupby(level="year")["jobs"].sum(), totals["jobs"])


def test_cumulative_jobs_equal_accrual_without_discount() -> None:
    data = ik.datasets.synthetic(n_regions=5, n_programs=3, n_sectors=0, n_years=3, seed=2)
    allocation = pd.Series(data.capacity * 0.6, index=data.cells)
    view = project(allocation, data, years=5, survival=0.85, ramp_up=1)
    for last in (2027, 2029):
        accrued = ik.evaluate(
            data, allocation, accrual=ik.Accrual(survival=0.85, last_year=last)).accrued
        row = view.totals.loc[last]
        assert row["cumulative_jobs"] == pytest.approx(accrued["jobs"], rel=1e-12)
        assert row["cumulative_value_added"] == pytest.approx(accrued["value_added"], rel=1e-12)


def test_value_added_per_job_is_constant_per_cell(provinces: ik.Dataset) -> None:
    allocation = pd.Series(provinces.capacity * 0.5, index=provinces.cells)
    view = project(allocation, provinces, years=5, survival={"machines": 0.95}, ramp_up=3)
    t = view.table
    ratio = (t["value_added"] / t["jobs"]).to_numpy().reshape(5, -1)
    np.testing.assert_allclose(ratio, np.broadcast_to(ratio[0], ratio.shape), rtol=1e-12)


# ---------------------------------------------------------------------- bundled data, Result
def test_bundled_result_end_to_end(provinces: ik.Dataset) -> None:
    plan = ik.optimize(provinces, ik.default_policy())
    view = project(plan, start_year=2026)
    assert isinstance(view, Projection)
    assert len(view.table) == 5 * provinces.n_cells
    jobs = plan.outcomes["jobs"]
    totals = view.totals
    np.testing.assert_allclose(totals["spend"], [plan.outcomes["spend"], 0, 0, 0, 0])
    np.testing.assert_allclose(totals["jobs"], jobs * np.array([0.5, 0.9, 0.81, 0.729, 0.6561]))
    # per region, year 2: 0.9 of the plan's jobs; IKM units = jobs / (workers per unit)
    region = view.by("region").loc[2027]
    np.testing.assert_allclose(region["jobs"], plan.by("region")["jobs"] * 0.9, atol=1e-9)
    regions = provinces.regions
    size = regions["imk_workers"] / regions["imk_establishments"]
    np.testing.assert_allclose(region["ikm_units"], region["jobs"] / size.loc[region.index])
    # a region group adds up to the national total every year
    groups = view.by("island_group")
    np.testing.assert_allclose(groups.groupby(level="year")["jobs"].sum(), totals["jobs"])
    assert set(groups.index.get_level_values("island_group")) == set(regions["island_group"])
    # KTI spend share of the plan carries over
    kti = view.by("kti").loc[2026, "spend"]
    assert kti[True] / kti.sum() >= 0.40 - 1e-9


def test_result_with_projects_counts_the_projects_built() -> None:
    data = ik.datasets.load("indonesia-provinces", projects=True)
    plan = ik.optimize(data, ik.default_policy())
    assert plan.projects["built"].any()
    view = project(plan, years=2, survival=1.0, ramp_up=1)
    np.testing.assert_allclose(view.totals["jobs"], plan.outcomes["jobs"])
    assert view.totals["spend"].iloc[0] == pytest.approx(plan.outcomes["spend"])
    # without the projects the same money buys program jobs only, a different number
    program_only = ik.evaluate(data, plan.allocation, projects=[]).outcomes["jobs"]
    assert view.totals["jobs"].iloc[0] != pytest.approx(program_only)


def test_result_on_other_data_with_the_same_cells(provinces: ik.Dataset) -> None:
    plan = ik.optimize(provinces, ik.default_policy())
    base = project(plan, years=2)
    doubled = project(plan, provinces.scale("jobs", 2.0), years=2)
    np.testing.assert_allclose(doubled.totals["jobs"], 2 * base.totals["jobs"])
    np.testing.assert_allclose(doubled.totals["value_added"], base.totals["value_added"])
    fewer = provinces.drop_regions(["Aceh"])
    with pytest.raises(ik.DataError, match="same cells"):
        project(plan, fewer)


def test_plot_draws_one_line_per_group(provinces: ik.Dataset) -> None:
    pytest.importorskip("matplotlib")
    allocation = pd.Series(provinces.capacity * 0.2, index=provinces.cells)
    view = project(allocation, provinces, years=3)
    ax = view.plot()
    (line,) = ax.get_lines()
    assert line.get_label() == "total"
    np.testing.assert_allclose(line.get_ydata(), view.totals["jobs"])
    ax = view.plot("cumulative_value_added", by="island_group")
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert sorted(labels) == sorted(provinces.regions["island_group"].unique())
    with pytest.raises(ik.PolicyError, match="no column 'job'"):
        view.plot("job")
    import matplotlib.pyplot as plt

    plt.close("all")


# ---------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("survival", [0, 0.0, 1.5, -0.1, float("nan"), "high", True, None,
                                      {"p": 0}, {"p": 2.0}, {"nope": 0.9}])
def test_bad_survival(survival: object) -> None:
    data = one_cell()
    with pytest.raises(ik.PolicyError, match="survival"):
        project(spend10(data), data, survival=survival)


@pytest.mark.parametrize("ramp_up", [(-0.5, 1.0), (0.5, 1.5), (1.0, 0.5), (), 0, -2, "fast",
                                     True, (0.5, "x"), (0.5, float("nan")), None,
                                     {"p": (-1.0,)}, {"nope": 2}])
def test_bad_ramp_up(ramp_up: object) -> None:
    data = one_cell()
    with pytest.raises(ik.PolicyError, match="ramp_up"):
        project(spend10(data), data, ramp_up=ramp_up)


@pytest.mark.parametrize("years", [0, -1, 2.5, True, "5", MAX_YEARS + 1])
def test_bad_years(years: object) -> None:
    data = one_cell()
    with pytest.raises(ik.PolicyError, match="years"):
        project(spend10(data), data, years=years)


@pytest.mark.parametrize("start_year", [2025.5, "2025", True])
def test_bad_start_year(start_year: object) -> None:
    data = one_cell()
    with pytest.raises(ik.PolicyError, match="start_year"):
        project(spend10(data), data, start_year=start_year)


def test_horizon_must_cover_the_plan_years() -> None:
    data = ik.datasets.synthetic(n_regions=3, n_programs=1, n_sectors=0, n_years=3)
    allocation = pd.Series(1.0, index=data.cells)
    with pytest.raises(ik.PolicyError, match="start_year 2026 is after the first plan year"):
        project(allocation, data, start_year=2026)
    with pytest.raises(ik.PolicyError, match="years=2 from 2025 ends in 2026"):
        project(allocation, data, years=2)


def test_bad_allocation_and_data(tiny: ik.Dataset) -> None:
    unknown = pd.Series({("A", "p"): 1.0, ("Z", "p"): 2.0})
    unknown.index.names = ["region", "program"]
    with pytest.raises(ik.DataError, match="not in dataset"):
        project(unknown, tiny)
    negative = pd.Series({("A", "p"): -1.0})
    negative.index.names = ["region", "program"]
    with pytest.raises(ik.DataError, match="negative"):
        project(negative, tiny)
    with pytest.raises(ik.DataError, match="give data="):
        project(pd.Series(1.0, index=tiny.cells))
    with pytest.raises(ik.DataError, match=r"must be an ik\.Dataset"):
        project(pd.Series(1.0, index=tiny.cells), tiny.impacts)
    no_jobs = tiny.replace(impacts=tiny.impacts.drop(columns="jobs"))
    with pytest.raises(ik.DataError, match="no 'jobs' metric"):
        project(pd.Series(1.0, index=no_jobs.cells), no_jobs)


def test_unknown_by_level(tiny: ik.Dataset) -> None:
    view = project(pd.Series(1.0, index=tiny.cells), tiny, years=2)
    with pytest.raises(ik.PolicyError, match="did you mean 'island_group'"):
        view.by("island_grup")


def test_errors_are_value_errors() -> None:
    data = one_cell()
    with pytest.raises(ValueError, match="survival must be in"):
        project(spend10(data), data, survival=1.01)


def test_by_keeps_regions_with_a_missing_attribute(
    tables: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    regions, programs, impacts = tables
    regions["zone"] = ["north", None, "south"]
    data = ik.Dataset(regions, programs, impacts)
    view = project(pd.Series(1.0, index=data.cells), data, years=2, survival=1.0, ramp_up=1)
    by_zone = view.by("zone")
    np.testing.assert_allclose(by_zone.groupby(level="year")["jobs"].sum(), [45, 45])
    assert len(by_zone) == 2 * 3   # north, south and the missing zone, each year
