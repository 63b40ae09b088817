"""The numbers derived by hand on docs/worked-example.md equal the solver's, on HiGHS and CBC.

Every expected number is computed here from the page's closed forms (the greedy fill of a
single-budget LP, the two-region Gini ``|sigma_E - s_E|``), not copied from a solve.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import ikmopt as ik

PAGE = Path(__file__).resolve().parents[2] / "docs" / "worked-example.md"

JOBS = {"Wt": 30.0, "Ws": 10.0, "Et": 20.0, "Es": 8.0}
CAP = {"Wt": 4.0, "Ws": 10.0, "Et": 3.0, "Es": 10.0}
B = 10.0
S_E = 1_000_000 / 4_000_000  # East's population share


def _data() -> ik.Dataset:
    regions = pd.DataFrame({"region": ["West", "East"],
                            "population": [3_000_000, 1_000_000], "kti": [False, True]})
    programs = pd.DataFrame({"program": ["training", "sentra"]})
    impacts = pd.DataFrame({"region": ["West", "West", "East", "East"],
                            "program": ["training", "sentra"] * 2,
                            "jobs": list(JOBS.values()), "capacity": list(CAP.values())})
    return ik.Dataset(regions, programs, impacts, name="two-by-two")


def _gini(x: dict[str, float], weight: dict[str, float]) -> float:
    """Two-region Gini: |East's share of the quantity - East's population share|."""
    east = weight["Et"] * x["Et"] + weight["Es"] * x["Es"]
    total = sum(weight[c] * x[c] for c in x)
    return abs(east / total - S_E)


def _jobs(x: dict[str, float]) -> float:
    return sum(JOBS[c] * x[c] for c in x)


def _greedy(budget: float) -> dict[str, float]:
    """Fill cells by jobs per Rp bn until the money runs out."""
    x, left = dict.fromkeys(JOBS, 0.0), budget
    for c in sorted(JOBS, key=JOBS.get, reverse=True):
        x[c] = min(CAP[c], left)
        left -= x[c]
    return x


def _expected() -> dict[str, dict]:
    """Each case: plan, jobs, budget price, the rule's price, from the page's closed forms."""
    base = _greedy(B)
    out = {"none": {"x": base, "budget": JOBS["Ws"], "rule": None}}
    # floor East >= 5: 2 Rp bn move from West sentra to East sentra
    moved = 5 - CAP["Et"]
    floor = {**base, "Ws": base["Ws"] - moved, "Es": moved}
    out["floor"] = {"x": floor, "budget": JOBS["Ws"], "rule": -(JOBS["Ws"] - JOBS["Es"])}
    # KTI >= 0.5 of spend: same plan; the marginal rupiah is split half-half
    out["kti"] = {"x": floor, "budget": 0.5 * JOBS["Es"] + 0.5 * JOBS["Ws"],
                  "rule": -(JOBS["Ws"] - JOBS["Es"]) * B}
    # sentra >= 0.4: East training gives way to West sentra
    need = 0.4 * B - base["Ws"]
    sentra = {**base, "Et": base["Et"] - need, "Ws": 0.4 * B}
    out["sentra"] = {"x": sentra, "budget": 0.6 * JOBS["Et"] + 0.4 * JOBS["Ws"],
                     "rule": -(JOBS["Et"] - JOBS["Ws"]) * B}
    # Gini(spend) <= 0.02: East keeps (0.25 + 0.02) of T, the rest goes to West sentra
    share = S_E + 0.02
    gini = {**base, "Et": share * B, "Ws": B - CAP["Wt"] - share * B}
    out["gini"] = {"x": gini, "budget": share * JOBS["Et"] + (1 - share) * JOBS["Ws"],
                   "rule": (JOBS["Et"] - JOBS["Ws"]) * B}
    return out


RULES = {"none": [], "floor": [ik.RegionBounds(min={"East": 5})],
         "kti": [ik.GroupShare("kti", min=0.5)],
         "sentra": [ik.ProgramShare("sentra", min=0.4)],
         "gini": [ik.GiniCap(of="spend", max=0.02)]}


@pytest.mark.parametrize("solver", ["highs", "cbc"])
@pytest.mark.parametrize("case", list(RULES))
def test_each_rule_as_derived(case: str, solver: str) -> None:
    expected = _expected()[case]
    policy = ik.Policy(budget=ik.Budget(total=B), constraints=RULES[case],
                       objective=ik.Maximize("jobs"))
    result = ik.optimize(_data(), policy, solver=solver)
    x = expected["x"]
    assert result.allocation.to_numpy() == pytest.approx(list(x.values()), abs=1e-7)
    assert result.objective == pytest.approx(_jobs(x), abs=1e-6)
    prices = result.constraints.set_index("family")["shadow_price"]
    assert prices["budget"] == pytest.approx(expected["budget"], abs=1e-6)
    if expected["rule"] is not None:
        assert prices.drop("budget").item() == pytest.approx(expected["rule"], abs=1e-5)
    spend_gini = _gini(x, dict.fromkeys(JOBS, 1.0))
    assert result.equity[("spend", "gini")] == pytest.approx(spend_gini, abs=1e-9)
    assert result.equity[("jobs", "gini")] == pytest.approx(_gini(x, JOBS), abs=1e-9)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_reduced_costs_as_derived(solver: str) -> None:
    policy = ik.Policy(budget=ik.Budget(total=B), objective=ik.Maximize("jobs"))
    result = ik.optimize(_data(), policy, solver=solver)
    expected = [JOBS[c] - JOBS["Ws"] for c in JOBS]  # a_c - y_B
    assert result.reduced_costs.to_numpy() == pytest.approx(expected, abs=1e-7)
    # with the Gini cap, East sentra displaces East training (East's total is held)
    capped = ik.optimize(_data(), policy.add(ik.GiniCap(of="spend", max=0.02)), solver=solver)
    assert capped.reduced_costs.iloc[3] == pytest.approx(JOBS["Es"] - JOBS["Et"], abs=1e-6)


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_min_cost_as_derived(solver: str) -> None:
    policy = ik.Policy(budget=ik.Budget(total=B),
                       objective=ik.MinCost([ik.Target("jobs", min=200)]))
    result = ik.optimize(_data(), policy, solver=solver)
    from_training = CAP["Wt"] + CAP["Et"]
    rest = (200 - JOBS["Wt"] * CAP["Wt"] - JOBS["Et"] * CAP["Et"]) / JOBS["Ws"]
    assert result.objective == pytest.approx(from_training + rest, abs=1e-7)
    prices = result.constraints.set_index("family")["shadow_price"]
    assert prices["target"] == pytest.approx(1 / JOBS["Ws"], abs=1e-7)


def test_the_page_shows_these_numbers() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for number in ("210", "206", "200", "207", "12.7", "-100.0", "0.118932", "0.010870"):
        assert number in text
