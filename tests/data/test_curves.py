"""Diminishing returns: concave piecewise-linear outcomes per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik


def _two_regions(factors=(1.0, 0.5), widths=(10.0, 10.0)) -> ik.Dataset:
    regions = pd.DataFrame({"region": ["A", "B"], "population": [1e6, 1e6], "kti": [False, True]})
    programs = pd.DataFrame({"program": ["p"]})
    impacts = pd.DataFrame({"region": ["A", "B"], "program": "p", "jobs": [10.0, 10.0],
                            "value_added": [1.0, 1.0], "capacity": [20.0, 20.0]})
    curves = pd.DataFrame({
        "region": ["A", "A", "B", "B"], "program": "p", "segment": [1, 2, 1, 2],
        "width": list(widths) * 2, "factor": list(factors) * 2,
    })
    return ik.Dataset(regions, programs, impacts, curves=curves)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_diminishing_returns_spread_money(solver: str) -> None:
    # linear returns: all 20 in one region would also give 200. With 10 jobs/bn for the
    # first 10 bn and 5 jobs/bn for the next 10, 20 bn earn most when split 10 + 10: 200;
    # 15 + 5 would give 100 + 25 + 50 = 175.
    data = _two_regions()
    result = ik.optimize(data, ik.Policy(ik.Budget(total=20)), solver=solver)
    assert result.objective == pytest.approx(200.0)
    assert result.allocation.to_numpy() == pytest.approx([10.0, 10.0])
    # 30 bn: both first segments (200) and 10 bn on a second segment (50) = 250
    more = ik.optimize(data, ik.Policy(ik.Budget(total=30)), solver=solver)
    assert more.objective == pytest.approx(250.0)
    assert more.outcomes["jobs"] == pytest.approx(250.0)
    budget = more.constraints.query("family == 'budget'").iloc[0]
    assert budget["shadow_price"] == pytest.approx(5.0)  # the next bn earns the second slope


def test_evaluate_follows_the_curve() -> None:
    data = _two_regions()
    ev = ik.evaluate(data, np.array([15.0, 25.0]))
    # A: 10*10 + 5*5 = 125; B: 10*10 + 10*5 + nothing beyond 20 = 150
    assert ev.outcomes["jobs"] == pytest.approx(275.0)
    assert ev.by("region")["jobs"].tolist() == pytest.approx([125.0, 150.0])


def test_targets_and_equity_rules_use_the_curve() -> None:
    data = _two_regions()
    # 130 jobs in region A needs 10 bn (100 jobs) + 6 bn at 5 jobs/bn
    policy = ik.Policy(ik.Budget(total=40),
                       [ik.Target("jobs", min={"A": 130}, by="region")],
                       ik.MinCost([ik.Target("jobs", min=130)]))
    result = ik.optimize(data, policy)
    assert result.by("region").loc["A", "jobs"] >= 130 - 1e-6
    assert result.objective == pytest.approx(16.0)
    gini = ik.optimize(data, ik.Policy(ik.Budget(total=30), [ik.GiniCap(of="jobs", max=0.0)]))
    by = gini.by("region")["jobs"]
    assert by["A"] == pytest.approx(by["B"])
    assert gini.objective == pytest.approx(250.0)


def test_weighted_objective_with_curves_matches_cbc() -> None:
    data = _two_regions()
    policy = ik.Policy(ik.Budget(total=30), objective=ik.Weighted(jobs=1, value_added=1))
    assert ik.optimize(data, policy).objective == pytest.approx(
        ik.optimize(data, policy, solver="cbc").objective
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"factor": [0.5, 1.0, 0.5, 1.0]}, ["factor", "must not increase", "concave"]),
        ({"width": [10.0, -1.0, 10.0, 10.0]}, ["width", "greater than 0"]),
        ({"region": ["A", "A", "Z", "Z"]}, ["curves", "not in the impacts table", "Z"]),
        ({"segment": [1, 1, 1, 2]}, ["duplicate segment"]),
    ],
)
def test_bad_curves_are_rejected(change: dict, words: list[str]) -> None:
    data = _two_regions()
    table = data.curves.table.reset_index()
    for column, values in change.items():
        table[column] = values
    with pytest.raises(ik.DataError) as info:
        data.replace(curves=table)
    for word in words:
        assert word in str(info.value)


def test_curves_round_trip_through_csv(tmp_path) -> None:
    data = _two_regions()
    again = ik.Dataset.from_csv(data.to_csv(tmp_path / "d"))
    assert again.curves is not None
    np.testing.assert_allclose(again.curves.factor, data.curves.factor)
    assert ik.optimize(again, ik.Policy(ik.Budget(total=20))).objective == pytest.approx(200)
    dropped = data.drop_regions(["B"])
    assert set(dropped.curves.table.index.get_level_values("region")) == {"A"}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_more_capacity_stretches_the_curve(solver: str) -> None:
    # A's capacity doubles (20 -> 40): its segments become 20 bn at 10 jobs/bn and 20 bn
    # at 5. With 40 bn, A's first 20 bn (200 jobs) beat B's first segment (10 bn, 100), so
    # the best plan is A 20 at 10 plus B 10 at 10 plus 10 more at 5 (either cell): 350.
    data = _two_regions().with_capacity(factor=2.0, where={"region": "A"})
    assert data.curves.table["width"].tolist() == [20.0, 20.0, 10.0, 10.0]
    ev = ik.evaluate(data, np.array([40.0, 0.0]))
    assert ev.outcomes["jobs"] == pytest.approx(300.0)  # 20*10 + 20*5; nothing is wasted
    result = ik.optimize(data, ik.Policy(ik.Budget(total=40)), solver=solver)
    assert result.objective == pytest.approx(350.0)
    # setting a value stretches by new / old capacity too
    set_to = _two_regions().with_capacity(value=30.0, where={"region": "B"})
    assert set_to.curves.table["width"].tolist() == [10.0, 10.0, 15.0, 15.0]


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_reduced_cost_of_a_curved_cell_is_the_value_of_its_capacity(solver: str) -> None:
    # a curved cell at capacity: the reduced cost must equal a finite-difference re-solve
    # with a little more capacity (the segments stretch with it)
    data = ik.datasets.load()
    policy = ik.default_policy().replace(objective=ik.Maximize("jobs"))
    base = ik.optimize(data, policy, solver=solver)
    rc = base.reduced_costs
    curved = np.zeros(data.n_cells, dtype=bool)
    curved[data.curves.curved_cells] = True
    full = rc[base.at_capacity.to_numpy() & curved & (rc.abs() > 1e-6).to_numpy()]
    inside = rc[~base.at_capacity.to_numpy() & curved & (base.allocation > 1).to_numpy()]
    assert len(full) > 10 and len(inside) > 5
    # both ends of the finite difference on one solver: a cell with a capacity of a few Rp
    # million has a step of a few thousand rupiah, below the two solvers' agreement on the
    # objective divided by the step
    reference = ik.optimize(data, policy, solver="highs").objective
    # at capacity (largest and smallest price), and below it: a curved cell whose returns
    # fall later is worth more even before it is full
    for cell in [full.idxmax(), full.idxmin(), inside.idxmax(), inside.idxmin()]:
        u = float(data.capacity[data.cells.get_loc(cell)])
        delta = 1e-3 * u
        more = data.with_capacity(value=u + delta,
                                  where={"region": cell[0], "program": cell[1]})
        again = ik.optimize(more, policy, solver="highs")
        assert rc[cell] == pytest.approx((again.objective - reference) / delta,
                                         rel=1e-6, abs=1e-6)
