"""Result tables, exports, LP files and summaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


@pytest.fixture(scope="module")
def result() -> ik.Result:
    return ik.optimize(ik.datasets.load(), ik.default_policy())


def test_aggregates_add_up(result: ik.Result) -> None:
    total = result.allocation.sum()
    assert result.outcomes["spend"] == pytest.approx(total)
    for level in ["region", "program", "island_group", "kti", "channel"]:
        table = result.by(level)
        assert table["spend"].sum() == pytest.approx(total), level
        assert table["jobs"].sum() == pytest.approx(result.outcomes["jobs"]), level
        assert table["share"].sum() == pytest.approx(1.0), level
    two = result.by(["island_group", "program"])
    assert two.index.names == ["island_group", "program"]
    assert two["spend"].sum() == pytest.approx(total)
    # outcomes recomputed from the input tables: each cell's spend runs through its
    # segments (50 % of capacity at full returns, 30 % at 75 %, 20 % at 50 %)
    cap = result.data.impacts["capacity"].to_numpy()
    x = result.allocation.to_numpy()
    effective = (np.clip(x, 0, 0.5 * cap) + 0.75 * np.clip(x - 0.5 * cap, 0, 0.3 * cap)
                 + 0.5 * np.clip(x - 0.8 * cap, 0, 0.2 * cap))
    jobs = (result.data.impacts["jobs"].to_numpy() * effective).sum()
    assert result.outcomes["jobs"] == pytest.approx(jobs)


def test_constraints_table_columns(result: ik.Result) -> None:
    table = result.constraints
    assert list(table.columns) == [
        "constraint", "family", "label", "activity", "lower", "upper", "slack", "unit",
        "shadow_price", "price", "price_per", "binding",
    ]
    assert "definition" not in set(table["family"])
    assert (table["slack"] >= -1e-6).all()
    assert set(table["family"]) == {"pot", "region_bounds", "share"}  # pots cover the total
    assert table["binding"].any()
    assert result.binding["binding"].all()


def test_to_csv_and_excel_round_trip(result: ik.Result, tmp_path) -> None:
    folder = result.to_csv(tmp_path / "plan")
    names = {p.stem for p in folder.glob("*.csv")}
    assert names == {"allocation", "by_region", "by_program", "outcomes", "constraints",
                     "equity", "policy", "pots", "pot_allocation"}  # the default has pots
    alloc = pd.read_csv(folder / "allocation.csv")
    assert alloc["spend"].sum() == pytest.approx(result.outcomes["spend"])
    pots = pd.read_csv(folder / "pot_allocation.csv")
    assert pots["spend"].sum() == pytest.approx(result.outcomes["spend"])
    path = result.to_excel(tmp_path / "plan.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, header=1)  # row 1 names the plan
    assert set(sheets) == names
    assert len(sheets["by_region"]) == 38
    assert sheets["by_region"]["spend"].sum() == pytest.approx(result.outcomes["spend"])
    assert not list(tmp_path.glob("*.partial"))


def test_write_lp_has_readable_names_and_same_optimum(result: ik.Result, tmp_path) -> None:
    path = result.write_lp(tmp_path / "plan.lp")
    text = path.read_text()
    assert "x(Aceh,training)" in text
    assert "region_bounds(Jawa_Barat)" in text
    assert "share(kti_True_min)" in text
    mps = result.write_mps(tmp_path / "plan.mps")
    # an independent solver reads the file and finds the same optimum
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(result.objective, rel=1e-6)


def test_name_collisions_are_resolved(tmp_path) -> None:
    regions = pd.DataFrame({"region": ["Nusa Tenggara-Barat", "Nusa_Tenggara_Barat"],
                            "population": [1e6, 1e6]})
    programs = pd.DataFrame({"program": ["p"]})
    impacts = pd.DataFrame({"region": regions["region"], "program": "p",
                            "jobs": [1.0, 2.0], "capacity": [5.0, 5.0]})
    data = ik.Dataset(regions, programs, impacts)
    res = ik.optimize(data, ik.Policy(ik.Budget(total=6), [ik.RegionBounds(min=1)]))
    from ikmopt.solving.solvers.pulp import model_names

    cols, rows = model_names(res.lp)
    assert len(set(cols)) == len(cols) and len(set(rows)) == len(rows)
    assert ik.optimize(data, res.policy, solver="cbc").objective == pytest.approx(res.objective)


def test_repr_summary_and_html(result: ik.Result) -> None:
    assert "optimal" in repr(result)
    text = result.summary()
    for name in result.data.regions.index:
        assert name in text
    html = result._repr_html_()
    assert "<table" in html and "Outcomes" in html


def test_summary_states_normalized_shadow_prices_in_a_metric():
    # the default objective is a normalized weighted sum, whose shadow prices are in score
    # units; the summary adds them in jobs-equivalents: price x (jobs optimum / weight)
    data = ik.datasets.load()
    result = ik.optimize(data, ik.default_policy())
    jobs_optimum = ik.optimize(data, ik.default_policy().replace(
        objective=ik.Maximize("jobs"))).outcomes["jobs"]
    weight = ik.default_policy().objective.weights["jobs"]
    text = result.summary()
    assert f"is worth {jobs_optimum / weight:,.0f} jobs" in text
    # the default budget's money is in its pots, which cover its total: their rows are priced
    pot = result.constraints.query("family == 'pot'").iloc[0]
    line = next(x for x in text.splitlines() if x.startswith("pot") and pot["label"] in x)
    assert float(line.split()[-1]) == pytest.approx(pot["shadow_price"] * jobs_optimum / weight,
                                                    abs=0.05)
    # a single-metric objective is already in its metric: no extra column
    plain = ik.optimize(data, ik.default_policy().replace(objective=ik.Maximize("jobs")))
    assert "in_jobs" not in plain.summary() and "in_jobs" in text


def test_by_works_when_levels_equal_cells():
    # two cells grouped by two levels: pandas must not read the key list as one key
    data = ik.Dataset(pd.DataFrame({"population": [1.0]}, index=["A"]),
                      pd.DataFrame({"name": ["t", "s"]}, index=["t", "s"]),
                      pd.DataFrame({"region": ["A", "A"], "program": ["t", "s"],
                                    "jobs": [1.0, 2.0], "capacity": [1.0, 1.0]}))
    result = ik.optimize(data, ik.Policy(budget=ik.Budget(total=1)))
    table = result.by(("region", "program"))
    assert table["spend"].tolist() == pytest.approx([0.0, 1.0])
