"""Monitoring a plan: gaps against an independent pandas computation, a hand-worked
projection, a re-plan checked by an independent checker, and every bad input named."""

from __future__ import annotations

import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.analysis import monitoring as mon

PROFILE = pd.DataFrame({"pot": ["all"], "q1": [0.1], "q2": [0.4], "q3": [0.7], "q4": [1.0]})


# ---------------------------------------------------------------------- a hand-worked case
@pytest.fixture
def small(tiny):
    """Tiny with a plan of A-p 20 and B-p 20, realised by Q2: A 8, B 2 (B committed 1)."""
    allocation = pd.DataFrame({"region": ["A", "B"], "program": ["p", "p"],
                               "spend": [20.0, 20.0]})
    plan = mon.SavedPlan(allocation, ("region", "program"), name="hand")
    real = pd.DataFrame({"region": ["A", "A", "B", "B"], "quarter": ["Q1", "Q2", "Q1", "Q2"],
                         "realisation": [2.0, 8.0, 1.0, 2.0], "committed": [0, 0, 0, 1.0]})
    return tiny, plan, real


def test_hand_worked_gaps_projection_and_interval(small):
    data, plan, real = small
    m = ik.monitor(plan, real, data, profile=PROFILE)
    g = m.groups
    # by the profile, 40 % of each Rp 20 bn is expected by the end of Q2
    assert g.loc["A", "expected"] == pytest.approx(8.0)
    assert g.loc["B", "expected"] == pytest.approx(8.0)
    assert g.loc["A", "pace"] == pytest.approx(1.0)
    assert g.loc["B", "pace"] == pytest.approx(0.25)
    assert g.loc["B", "gap"] == pytest.approx(-6.0)
    assert list(g["status"]) == ["ok", "critical"]
    # year end: the remaining 60 % (12) at each region's pace
    assert g.loc["A", "projected"] == pytest.approx(20.0)
    assert g.loc["B", "projected"] == pytest.approx(2 + 0.25 * 12)
    # interval: paces 0.25 and 1 -> 10th percentile 0.325, 90th 0.925
    assert m.pace_interval == pytest.approx((0.325, 0.925))
    assert g.loc["A", "projected_low"] == pytest.approx(8 + 0.325 * 12)
    assert g.loc["A", "projected_high"] == pytest.approx(20.0)  # capped at the plan
    assert g.loc["B", "projected_low"] == pytest.approx(5.0)
    assert g.loc["B", "projected_high"] == pytest.approx(2 + 0.925 * 12)
    # outcomes at risk: B-p makes 8 jobs per Rp bn, 15 of its 20 are projected unspent
    risk = m.at_risk("region")
    assert risk.loc["B", "jobs_at_risk"] == pytest.approx(8 * 15)
    assert risk.loc["A", "jobs_at_risk"] == pytest.approx(0.0)


def test_months_and_per_period_amounts_give_the_same_monitoring(small):
    data, plan, real = small
    cumulative = ik.monitor(plan, real, data, profile=PROFILE).groups
    flows = pd.DataFrame({"region": ["A", "A", "B", "B"], "month": ["Mar", "Juni", "3", "6"],
                          "realisation": [2.0, 6.0, 1.0, 1.0], "committed": [0, 0, 0, 1.0]})
    per_period = ik.monitor(plan, flows, data, profile=PROFILE, cumulative=False).groups
    pd.testing.assert_frame_equal(cumulative, per_period)


def test_a_month_between_quarter_ends_reads_the_profile_linearly(small):
    data, plan, _ = small
    real = pd.DataFrame({"region": ["A", "B"], "month": [5, 5], "realisation": [5.0, 5.0]})
    m = ik.monitor(plan, real, data, profile=PROFILE)
    assert m.period == "May" and m.t == pytest.approx(5 / 12)
    share = np.interp(5 / 12, [0, 0.25, 0.5, 0.75, 1], [0, 0.1, 0.4, 0.7, 1.0])
    assert m.groups["expected"].to_numpy() == pytest.approx([20 * share] * 2)


def test_percent_of_the_ceiling(small):
    data, plan, _ = small
    real = pd.DataFrame({"region": ["A", "B"], "quarter": ["TW II", "Triwulan II"],
                         "percent": [40.0, 10.0]})
    g = ik.monitor(plan, real, data, profile=PROFILE).groups
    assert g["realised"].to_numpy() == pytest.approx([8.0, 2.0])


# ---------------------------------------------------------------------- the bundled data
@pytest.fixture(scope="module")
def default_plan(provinces):
    return ik.optimize(provinces, ik.default_policy())


@pytest.fixture(scope="module")
def example(default_plan):
    return mon.example_realisation(default_plan, "Q2")


def test_gaps_equal_an_independent_pandas_computation(provinces, default_plan, example,
                                                      tmp_path):
    folder = default_plan.to_csv(tmp_path / "plan")
    m = ik.monitor(folder, example, provinces)
    # independently: the saved pot allocation, the profile file and the realisation file
    pots = pd.read_csv(folder / "pot_allocation.csv")
    profile = pd.read_csv(resources.files("ikmopt.data.datasets") / "indonesia_provinces"
                          / "absorption.csv").set_index("pot")
    pots["expected"] = pots["spend"] * profile.loc[pots["pot"], "q2"].to_numpy()
    expected = pots.groupby(["region", "pot"])[["spend", "expected"]].sum()
    expected = expected[expected["spend"] > 0]
    real = example[example["quarter"] == "Q2"].set_index(["region", "pot"])
    mine = m.groups.reindex(expected.index)
    assert mine["planned"].to_numpy() == pytest.approx(expected["spend"].to_numpy())
    assert mine["expected"].to_numpy() == pytest.approx(expected["expected"].to_numpy())
    realised = real["realisation"].reindex(expected.index).fillna(0)
    assert mine["realised"].to_numpy() == pytest.approx(realised.to_numpy())
    assert mine["gap"].to_numpy() == pytest.approx((realised - expected["expected"]).to_numpy())
    by_region = m.gaps("region")
    assert by_region["realised"].sum() == pytest.approx(real["realisation"].sum())
    assert set(m.warnings().index.get_level_values("region")) >= {"Papua Pegunungan",
                                                                   "Papua Tengah"}


def test_a_result_a_folder_and_a_workbook_monitor_the_same(provinces, default_plan, example,
                                                           tmp_path):
    a = ik.monitor(default_plan, example, provinces).groups
    b = ik.monitor(default_plan.to_csv(tmp_path / "plan"), example, provinces).groups
    c = ik.monitor(default_plan.to_excel(tmp_path / "plan.xlsx"), example, provinces).groups
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a, c, check_exact=False, rtol=1e-9)


def test_the_shipped_example_file_is_the_example_of_the_default_plan(default_plan):
    from pathlib import Path

    shipped = Path(__file__).parents[2] / "examples" / "monitoring" / "realisation-q2.csv"
    table = pd.read_csv(shipped)
    fresh = mon.example_realisation(default_plan, "Q2")
    pd.testing.assert_frame_equal(table, fresh.reset_index(drop=True), check_dtype=False,
                                  atol=1e-9)


def test_replan_keeps_what_is_paid_and_the_pots_and_moves_the_at_risk_money(provinces,
                                                                             default_plan,
                                                                             example):
    m = ik.monitor(default_plan, example, provinces)
    policy = (ik.default_policy(971, provinces).without(ik.RegionBounds)
              .without(ik.GroupShare).add(ik.GroupShare("kti", min=0.39)))
    rp = m.replan(policy)
    revised = rp.revised.pot_allocation().groupby(["region", "pot"])["spend"].sum()
    g = m.groups
    got = revised.reindex(g.index).fillna(0.0)
    # independent checks: paid + committed kept, slow groups held, on-pace groups keep the plan
    assert (got >= g["realised"] + g["committed"] - 1e-6).all()
    slow = g["status"] != "ok"
    assert (got[slow] <= g.loc[slow, "projected"] + 1e-6).all()
    assert (got[~slow] >= g.loc[~slow, "planned"] - 1e-6).all()
    by_pot = rp.revised.pot_allocation().groupby("pot")["spend"].sum()
    ceilings = {p.name: p.ceiling for p in policy.budget.pots}
    for pot, spent in by_pot.items():
        assert spent <= ceilings[pot] + 1e-6
    gain = rp.gain()
    assert gain.loc["jobs", "gain"] > 0
    assert gain.loc["spend", "revised"] == pytest.approx(rp.revised.outcomes["spend"])


def test_replan_that_breaks_a_rule_says_which(provinces, default_plan, example):
    m = ik.monitor(default_plan, example, provinces)
    with pytest.raises(ik.PolicyError, match="GroupShare"):
        m.replan(ik.default_policy(971, provinces).without(ik.RegionBounds))


# ---------------------------------------------------------------------- bad inputs
def _error(small, table, match, **kw):
    data, plan, _ = small
    with pytest.raises(ik.DataError, match=match):
        ik.monitor(plan, table, data, profile=PROFILE, **kw)


def test_unknown_region_is_named_by_its_row(small, tmp_path):
    file = tmp_path / "real.csv"
    pd.DataFrame({"region": ["A", "Atlantis"], "quarter": ["Q1", "Q1"],
                  "realisation": [1.0, 1.0]}).to_csv(file, index=False)
    _error(small, file, r"real\.csv line 3.*Atlantis|Atlantis.*real\.csv line 3")


def test_repeated_and_out_of_order_quarters_are_named(small):
    repeated = pd.DataFrame({"region": ["A", "A"], "quarter": ["Q1", "q1"],
                             "realisation": [1.0, 2.0]})
    _error(small, repeated, "more than once")
    backwards = pd.DataFrame({"region": ["A", "A"], "quarter": ["Q2", "Q1"],
                              "realisation": [2.0, 1.0]})
    _error(small, backwards, "out of order")
    falling = pd.DataFrame({"region": ["A", "A"], "quarter": ["Q1", "Q2"],
                            "realisation": [3.0, 2.0]})
    _error(small, falling, "falls")
    bad = pd.DataFrame({"region": ["A"], "quarter": ["Q5"], "realisation": [1.0]})
    _error(small, bad, "not a quarter")


def test_realisation_above_the_ceiling_and_in_the_wrong_unit(small):
    above = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "realisation": [25.0]})
    _error(small, above, "above the group's ceiling")
    in_juta = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "realisation": [8000.0]})
    _error(small, in_juta, "look like Rp juta")
    in_rupiah = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "realisation": [8e9]})
    _error(small, in_rupiah, "look like Rp \\(rupiah\\)")
    with_unit = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "realisation": [8000.0],
                              "unit": ["Rp juta"]})
    data, plan, _ = small
    m = ik.monitor(plan, with_unit, data, profile=PROFILE)
    assert m.groups["realised"].iloc[0] == pytest.approx(8.0)
    over_percent = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "percent": [140.0]})
    _error(small, over_percent, "above the group's ceiling")
    shares = pd.DataFrame({"region": ["A", "B"], "quarter": ["Q2", "Q2"], "percent": [0.4, 0.1]})
    _error(small, shares, "write 45 for 45 %")


def test_columns_that_do_not_fit(small):
    _error(small, pd.DataFrame({"region": ["A"], "realisation": [1.0]}), "period column")
    _error(small, pd.DataFrame({"region": ["A"], "quarter": ["Q1"], "month": [1],
                                "realisation": [1.0]}), "period column")
    _error(small, pd.DataFrame({"region": ["A"], "quarter": ["Q1"]}), "amount column")
    _error(small, pd.DataFrame({"region": ["A"], "quarter": ["Q1"], "realisation": [1.0],
                                "provinsi": ["A"]}), "unknown column")
    _error(small, pd.DataFrame({"region": ["A"], "quarter": ["Q1"], "realisation": [1.0],
                                "pot": ["DAK"]}), "made without pots")
    _error(small, pd.DataFrame({"region": [" "], "quarter": ["Q1"], "realisation": [1.0]}),
           "missing label")
    _error(small, pd.DataFrame({"region": ["A"], "quarter": ["Q1"], "realisation": ["lots"]}),
           "realisation")


def test_missing_groups_are_taken_as_nothing_paid_with_a_warning(small):
    data, plan, _ = small
    only_a = pd.DataFrame({"region": ["A"], "quarter": ["Q2"], "realisation": [8.0]})
    with pytest.warns(ik.DataWarning, match="taken as nothing paid.*B"):
        m = ik.monitor(plan, only_a, data, profile=PROFILE)
    assert m.groups["realised"].tolist() == [8.0, 0.0]


def test_commitments_table_and_twice(small):
    data, plan, real = small
    commitments = pd.DataFrame({"region": ["B"], "committed": [4.0]})
    m = ik.monitor(plan, real.drop(columns="committed"), data, profile=PROFILE,
                   commitments=commitments)
    assert m.groups["committed"].tolist() == [0.0, 4.0]
    assert m.groups["projected"].iloc[1] == pytest.approx(6.0)  # at least paid + committed
    with pytest.raises(ik.DataError, match="twice"):
        ik.monitor(plan, real, data, profile=PROFILE, commitments=commitments)
    with pytest.raises(ik.DataError, match="above the plan's ceiling"):
        ik.monitor(plan, real.drop(columns="committed"), data, profile=PROFILE,
                   commitments=pd.DataFrame({"region": ["B"], "committed": [19.0]}))


def test_a_plan_and_a_dataset_that_do_not_belong_together(provinces, default_plan, example,
                                                          tiny):
    with pytest.raises(ik.DataError, match=r"levels|does not have|other data"):
        ik.monitor(mon.load_plan(default_plan), example, tiny)
    dearer = provinces.with_cost(2.0)
    with pytest.raises(ik.DataError, match=r"other jobs|made on other data"):
        ik.monitor(mon.load_plan(default_plan), example, dearer)


def test_a_folder_that_is_not_a_plan(tmp_path, small):
    data, _, real = small
    with pytest.raises(ik.DataError, match=r"no allocation\.csv"):
        ik.monitor(tmp_path, real, data)
    with pytest.raises(ik.DataError, match="no folder or file"):
        ik.monitor(tmp_path / "nothing", real, data)


def test_an_edited_scenario_folder_warns(provinces, tmp_path, example):
    from ikmopt.scenarios.batch import run_scenarios
    from ikmopt.scenarios.scenario import Scenario

    scenario = Scenario("base", ik.default_policy())
    run_scenarios([scenario], workers=1, progress=False, out=tmp_path / "runs")
    folder = next(p for p in (tmp_path / "runs").iterdir() if p.is_dir())
    with warnings.catch_warnings():
        warnings.simplefilter("error", ik.DataWarning)
        ik.monitor(folder, example, provinces)  # untouched: no warning
    table = pd.read_csv(folder / "allocation.csv")
    table.loc[0, "spend"] += 0.0  # rewritten by hand, as a spreadsheet would
    table.to_csv(folder / "allocation.csv", index=False, float_format="%.6f")
    with pytest.warns(ik.DataWarning, match="since ikmopt wrote it"):
        ik.monitor(folder, example, provinces)
    with pytest.raises(ik.DataError, match="give one of them"):
        ik.monitor(tmp_path / "runs", example, provinces)


def test_profile_errors_name_the_row():
    bad = pd.DataFrame({"pot": ["DAK", "DAK"], "q1": [0.5, 0.1], "q2": [0.4, 0.2],
                        "q3": [0.7, 0.3], "q4": [1.2, 0.9]})
    with pytest.raises(ik.DataError) as err:
        ik.AbsorptionProfile.from_table(bad)
    text = str(err.value)
    assert "fall" in text and "above 1" in text and "more than once" in text


def test_a_csv_saved_by_a_spreadsheet_in_an_indonesian_locale(small, tmp_path):
    data, plan, _ = small
    file = tmp_path / "realisasi.csv"
    file.write_text("region;quarter;realisation\nA;Q2;8,0\nB;TW II;1.000,5\n",
                    encoding="utf-8-sig")
    # B's 1,000.5 is far above its ceiling of 20: the decimal comma is read as such
    with pytest.raises(ik.DataError, match=r"realisasi\.csv line 3"):
        ik.monitor(plan, file, data, profile=PROFILE)
    file.write_text("region;quarter;realisation\nA;Q2;8,0\nB;TW II;2,5\n", encoding="utf-8")
    m = ik.monitor(plan, file, data, profile=PROFILE)
    assert m.groups["realised"].tolist() == [8.0, 2.5]


def test_an_excel_file_with_merged_cells_names_the_sheet_cell(small, tmp_path):
    data, plan, _ = small
    file = tmp_path / "realisasi.xlsx"
    pd.DataFrame({"region": ["A", None, "B"], "quarter": ["Q1", "Q2", "Q2"],
                  "realisation": [1.0, 8.0, 2.0]}).to_excel(file, sheet_name="TW2", index=False)
    with pytest.raises(ik.DataError, match=r"TW2!A3.*merged cell|merged cell.*TW2!A3"):
        ik.monitor(plan, file, data, profile=PROFILE, sheet="TW2")


def test_the_disbursement_plan_is_the_profile_times_the_plan(default_plan):
    table = mon.disbursement_plan(default_plan, by="pot")
    profile = pd.read_csv(resources.files("ikmopt.data.datasets") / "indonesia_provinces"
                          / "absorption.csv").set_index("pot")
    pots = default_plan.pot_allocation().groupby("pot")["spend"].sum()
    for pot, planned in pots.items():
        shares = profile.loc[pot, ["q1", "q2", "q3", "q4"]].to_numpy(dtype=float)
        flows = np.diff(np.concatenate([[0.0], shares])) * planned
        assert table.loc[pot, ["q1", "q2", "q3", "q4"]].to_numpy() == pytest.approx(flows)
        assert table.loc[pot, "unspent"] == pytest.approx(planned * (1 - shares[-1]))
    cumulative = mon.disbursement_plan(default_plan, by="region", cumulative=True)
    assert cumulative["q4"].sum() == pytest.approx(table[["q1", "q2", "q3", "q4"]].sum().sum())
    with pytest.raises(ik.PolicyError, match="levels are"):
        mon.disbursement_plan(default_plan, by="island")


def test_a_plan_without_pots_takes_each_programs_pot(small):
    data, plan, _ = small  # tiny's programs name no pots: the profile's 'all' row
    table = mon.disbursement_plan(plan, data, PROFILE, by="region")
    assert table.loc["A", ["q1", "q2", "q3", "q4"]].to_numpy() == pytest.approx(
        [2.0, 6.0, 6.0, 6.0])
