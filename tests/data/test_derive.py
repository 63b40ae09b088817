"""The bundled data's derivation: every number from the sourced tables, by the documented rule.

The reference derivation here is written from the formulas of the Data page with pandas on the
CSV files themselves; it does not call :mod:`ikmopt.data.datasets.derive`.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.data.datasets.derive import region_factors
from ikmopt.model.defaults import DEFAULT_BUDGET

FOLDER = resources.files("ikmopt.data.datasets") / "indonesia_provinces"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenarios"
TABLES = ("indicators", "unit_costs", "conversions", "capacities", "targets")


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(FOLDER / f"{name}.csv", dtype={"year": str, "metric": str},
                       keep_default_na=False, na_values={"value": [""]})


@pytest.fixture(scope="module")
def expected(provinces: ik.Dataset) -> pd.DataFrame:
    """The impacts table recomputed from the Data page's formulas."""
    r = provinces.regions.copy()
    # Papua Pegunungan's IMK ratios pooled with Papua's (the documented rule)
    imk = ["imk_value_added_million_rp", "imk_workers", "imk_workers_micro",
           "imk_establishments_micro", "imk_workers_small", "imk_establishments_small"]
    pooled = r[imk].astype(float)
    pooled.loc["Papua Pegunungan"] += pooled.loc["Papua"]
    v = pooled["imk_value_added_million_rp"] / pooled["imk_workers"]
    v_star = 0.5 * v + 0.5 * v.median()
    workers = pd.DataFrame({
        "micro": pooled["imk_workers_micro"] / pooled["imk_establishments_micro"],
        "small": pooled["imk_workers_small"] / pooled["imk_establishments_small"],
    })
    k = 0.5 + 0.5 * r["ump_2024"] / 3_125_999

    indicators = read("indicators").set_index("program")
    cost = read("unit_costs").set_index("program")["central"]
    conv = read("conversions").pivot(index="program", columns="quantity", values="central")
    caps = read("capacities").set_index("program")
    bases = {"poor_population": r["population"] * r["poverty_rate_pct"] / 100}

    rows = []
    for (region, program) in provinces.cells:
        c = cost[program] * k[region]                       # Rp million per output
        o = 1000 / c                                        # outputs per Rp bn
        q = conv.loc[program]
        firm_workers = q["firms_per_output"] * workers.loc[region, indicators.loc[program,
                                                                                  "firm_size"]]
        net = q["survival"] * (1 - q["deadweight"])
        split = caps.loc[program, "split"]
        base = bases[split] if split in bases else r[split].astype(float)
        national = caps.loc[program, "observed"] * caps.loc[program, "growth_allowance"]
        row = {"jobs": o * firm_workers * q["employment_gain"] * net,
               "value_added": o * firm_workers * v_star[region] * q["va_gain"] * net / 1000,
               "capacity": national * base[region] / base.sum() * c / 1000}
        for prog, metric in indicators["metric"].items():
            row[metric] = o if prog == program else 0.0
        rows.append(row)
    return pd.DataFrame(rows, index=provinces.cells)


def test_every_coefficient_follows_from_the_tables(provinces: ik.Dataset,
                                                   expected: pd.DataFrame) -> None:
    shipped = provinces.impacts[expected.columns]
    pd.testing.assert_frame_equal(shipped, expected, check_exact=False, rtol=1e-12)
    assert set(provinces.metrics) == set(expected.columns) - {"capacity"}


def test_one_indicator_per_program_with_its_unit(provinces: ik.Dataset) -> None:
    indicators = read("indicators").set_index("program")
    assert list(provinces.programs["indicator"]) == list(indicators.loc[provinces.programs.index,
                                                                        "metric"])
    for program, metric in indicators["metric"].items():
        column = provinces.impacts[metric]
        assert (column.xs(program, level="program") > 0).all()
        assert (column.drop(program, level="program") == 0).all()
        assert provinces.metric_units[metric] == indicators.loc[program, "unit"]


def test_no_two_programs_share_a_cost_per_job(provinces: ik.Dataset) -> None:
    # at the national firm sizes the programs' costs per job are at least 10 % apart ...
    r = provinces.regions
    size = {"micro": r["imk_workers_micro"].sum() / r["imk_establishments_micro"].sum(),
            "small": r["imk_workers_small"].sum() / r["imk_establishments_small"].sum()}
    conv = read("conversions").pivot(index="program", columns="quantity", values="central")
    firm = read("indicators").set_index("program")["firm_size"].map(size)
    jobs_per_output = (conv["firms_per_output"] * firm * conv["employment_gain"]
                       * conv["survival"] * (1 - conv["deadweight"]))
    national = np.sort((read("unit_costs").set_index("program")["central"]
                        / jobs_per_output).to_numpy())
    assert (national[1:] / national[:-1] > 1.10).all()
    # ... and in no province do two of them coincide
    cost_per_job = (1 / provinces.impacts["jobs"]).unstack("program")
    for region, row in cost_per_job.iterrows():
        values = np.sort(row.to_numpy())
        assert (values[1:] / values[:-1] > 1.01).all(), region


def test_papua_pegunungan_is_pooled_and_no_longer_the_best_province(provinces: ik.Dataset) -> None:
    jobs = provinces.impacts["jobs"].unstack("program")
    va = provinces.impacts["value_added"].unstack("program")
    for table in (jobs, va):
        assert (table.idxmax() != "Papua Pegunungan").all()
    factors = region_factors(provinces.regions)
    assert factors.loc["Papua Pegunungan", "weak"]
    r = provinces.regions.loc[["Papua", "Papua Pegunungan"]].sum()
    assert factors.loc["Papua Pegunungan", "va_per_worker"] == pytest.approx(
        r["imk_value_added_million_rp"] / r["imk_workers"])


def test_capacity_is_the_programme_scale_split_across_provinces(provinces: ik.Dataset) -> None:
    caps = read("capacities").set_index("program")
    outputs = pd.Series({p: (provinces.impacts.xs(p, level="program")["capacity"]
                             * provinces.impacts.xs(p, level="program")[m]).sum()
                         for p, m in provinces.programs["indicator"].items()})
    np.testing.assert_allclose(outputs[caps.index],
                               caps["observed"] * caps["growth_allowance"], rtol=1e-12)
    assert (caps["growth_allowance"] <= 1.5).all()


def test_default_plan_keeps_every_program_within_its_programme_scale(
        provinces: ik.Dataset) -> None:
    result = ik.optimize(provinces, ik.default_policy())
    assert result.is_optimal
    assert result.outcomes["spend"] == pytest.approx(DEFAULT_BUDGET)
    by_program = result.by("program")
    capacity = provinces.impacts["capacity"].groupby(level="program").sum()
    assert (by_program["spend"] <= capacity[by_program.index] + 1e-6).all()
    # delivered outputs never exceed the largest observed delivery times the allowance
    caps = read("capacities").set_index("program")
    for program, metric in provinces.programs["indicator"].items():
        ceiling = caps.loc[program, "observed"] * caps.loc[program, "growth_allowance"]
        assert result.outcomes[metric] <= ceiling + 1e-6, program


def test_every_row_of_the_new_tables_has_a_source_and_a_year() -> None:
    for name in TABLES:
        table = read(name)
        assert {"source", "year"} <= set(table.columns), name
        for _, row in table.iterrows():
            text = " ".join(str(v) for v in row.to_numpy())
            assert row["source"].strip() and row["year"].strip(), (name, row.to_dict())
            if row["source"] == "not found" or row["year"] == "not found":
                assert "not found" in text.lower() or "ASSUMPTION" in text, (name, row.to_dict())


def test_assumptions_are_labelled() -> None:
    conversions = read("conversions")
    assumed = conversions["status"] == "ASSUMPTION"
    assert conversions.loc[assumed, "note"].str.contains("ASSUMPTION").all()
    unsourced = conversions["source"] == "not found"
    assert (conversions.loc[unsourced, "status"] == "ASSUMPTION").all()
    costs = read("unit_costs").set_index("program")
    assert costs.loc["downstream", "status"] == "ASSUMPTION"
    assert (costs["low"] <= costs["central"]).all() and (costs["central"] <= costs["high"]).all()
    ranges = conversions[["low", "central", "high"]]
    assert (ranges["low"] <= ranges["central"]).all()
    assert (ranges["central"] <= ranges["high"]).all()


def test_uncertainty_is_the_tables_ranges_combined() -> None:
    # machines' jobs: unit cost 106-129 (central 110), employment gain 0.05-0.30 (0.15),
    # survival 0.90-1.00 (0.95), deadweight 0.30-0.70 (0.50); relative deviations of the
    # factors add in quadrature
    data = ik.datasets.load(uncertainty=True)
    table = data.uncertainty.table
    row = table[(table["metric"] == "jobs") & (table["program"] == "machines")].iloc[0]
    low = 1 - np.sqrt((1 - 110 / 129) ** 2 + (1 - 0.05 / 0.15) ** 2 + (1 - 0.90 / 0.95) ** 2
                      + (1 - 0.3 / 0.5) ** 2)
    high = 1 + np.sqrt((110 / 106 - 1) ** 2 + (0.30 / 0.15 - 1) ** 2 + (1.0 / 0.95 - 1) ** 2
                       + (0.7 / 0.5 - 1) ** 2)
    assert (row["low"], row["mode"], row["high"]) == pytest.approx((low, 1.0, high))
    indicator = table[(table["metric"] == "firms_restructured")].iloc[0]
    assert (indicator["low"], indicator["high"]) == pytest.approx((110 / 129, 110 / 106))
    dak = table[(table["metric"] == "realization") & (table["channel"] == "DAK fisik")].iloc[0]
    assert dak["low"] <= 0.8272 <= dak["mode"] <= 0.8846 <= dak["high"]


def test_projects_cost_one_sentra_at_the_unit_cost(provinces: ik.Dataset) -> None:
    data = ik.datasets.load(projects=True)
    table = data.projects.table
    k = 0.5 + 0.5 * provinces.regions["ump_2024"] / 3_125_999
    np.testing.assert_allclose(table["cost"].to_numpy(), 3.8 * k.to_numpy())
    cells = provinces.impacts.xs("sentra", level="program")
    # a built sentra yields what one sentra's worth of the cell's first segment yields
    np.testing.assert_allclose(table["jobs"].to_numpy(),
                               (cells["jobs"] / cells["sentra"]).to_numpy())
    assert (table["sentra"] == 1).all() and (table["wub"] == 0).all()


def test_targets_are_loadable_and_name_the_dataset_metrics(provinces: ik.Dataset) -> None:
    targets = ik.datasets.targets()
    assert set(targets["metric"]) - {""} <= set(provinces.metrics)
    needed = targets.query("year == '2025' and kind == 'needed'").set_index("metric")["value"]
    assert needed.to_dict() == {"wub": 3906, "certificates": 6000, "firms_restructured": 422}
    missing = targets["value"].isna()
    assert (targets.loc[missing, "source"] == "not found").all()


def test_goal_programming_against_the_2025_needs_reports_shortfalls_in_their_units() -> None:
    result = ik.load_scenario(EXAMPLES / "ministry-targets-2025.yaml").run()
    goals = result.goals.set_index("goal")
    # WUB is within reach; certificates and restructured firms are capped by what the
    # programs have delivered (4,000 and 149 a year, times 1.5, less diminishing returns)
    assert goals.loc["wub min", "shortfall"] == pytest.approx(0, abs=1e-6)
    for goal, metric in [("certificates min", "certificates"),
                         ("firms_restructured min", "firms_restructured")]:
        assert goals.loc[goal, "shortfall"] > 0
        assert goals.loc[goal, "achieved"] == pytest.approx(result.outcomes[metric])
        assert goals.loc[goal, "shortfall"] == pytest.approx(
            goals.loc[goal, "bound"] - goals.loc[goal, "achieved"])
    assert result.outcomes["certificates"] == pytest.approx(4000 * 1.5 * 0.825)
