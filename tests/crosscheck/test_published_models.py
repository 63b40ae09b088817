"""Published allocation models, solved through ikmopt's public API as a new user would.

Each model is written in the roles the textbook gives it: its regions (kibbutzim, a city, a
company, a bank) are the regions of the dataset and its activities (crops, housing types,
investments, loan types) are the programs. Each test reproduces the published optimum on
HiGHS and CBC within the precision the source prints, and checks the plan against the
textbook's own constraint rows, written out here as the book prints them (an independent
checker: plain numpy on the published coefficients, not ikmopt's program).

The only numbers written in the assertions are the published ones; the tolerance of each is
half a unit of the last digit the source prints (Star Oil's objective excepted: see there).

Money is a plain number in the currency of the source (US dollars, in the unit each model
states) until datasets can declare a foreign money unit; the dataset labels still say
"Rp bn". The kibbutz model allocates land, not money: there one unit of "spend" is one acre.
Every dataset has a population column (1 person per region), which ikmopt requires for now
and no rule here uses.

Candidates rejected (see docs/own-rules.md, "Published models"):

* the integer version of Taha's urban renewal model (z = $343,700, Taha 2011, Example 2.4-6,
  Remarks): unit counts must be integers, and ikmopt's only integer variables are
  all-or-nothing projects;
* Taha's multi-period production-inventory model (Example 2.4-3, z = $49,980): stock
  carried from one month to the next is a flow between cells, which ikmopt has no variable
  for;
* Hillier and Lieberman's air-pollution model (Nori & Leets, section 3.4): a cost
  minimization over abatement methods with emission requirements, not an allocation across
  regions and programs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik

pytestmark = pytest.mark.filterwarnings("ignore::ikmopt.UnspentBudgetWarning")

SOLVERS = ["highs", "cbc"]
ONE_REGION = {"population": [1]}  # ikmopt requires a population column for now


def textbook_rows_hold(matrix: list[list[float]], senses: str, rhs: list[float],
                       x: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether ``x`` satisfies every row ``matrix @ x (<, >, =) rhs`` as a book prints it."""
    lhs = np.asarray(matrix, dtype=float) @ x
    slack = tol * (1 + np.abs(np.asarray(rhs, dtype=float)))
    ok = {"<": lhs <= np.asarray(rhs) + slack, ">": lhs >= np.asarray(rhs) - slack,
          "=": np.abs(lhs - np.asarray(rhs)) <= slack}
    return all(bool(ok[s][i]) for i, s in enumerate(senses))


# ---------------------------------------------------------------------------------------------
# 1. Regional planning: the Southern Confederation of Kibbutzim
#
# Hillier, F. S. and Lieberman, G. J., Introduction to Operations Research, 9th ed.,
# McGraw-Hill, 2010, section 3.4 ("Additional examples", Regional planning), Tables 3.8-3.10.
# Published optimum: (x1, ..., x9) = (133 1/3, 100, 25, 100, 250, 150, 0, 0, 0),
# Z = $633,333.33, reproduced in public teaching material found with the search tool:
# https://github.com/aaanthonyyy/CS6925-Operations-Research (3.4-regional-planning.ipynb,
# "Objective value: 6.3333333333e+05", same x). Data as restated in
# https://github.com/rajgoel/course-business-analytics-fundamentals (03-lecture/kibbutzim.md).
# ---------------------------------------------------------------------------------------------
KIBBUTZIM = pd.DataFrame({
    "region": ["kibbutz 1", "kibbutz 2", "kibbutz 3"],
    "land": [400.0, 600.0, 300.0],        # usable land, acres (Table 3.8)
    "water": [600.0, 800.0, 375.0],       # water allocation, acre-feet (Table 3.8)
    "population": [1, 1, 1],
})
CROPS = pd.DataFrame({
    "program": ["sugar beets", "cotton", "sorghum"],
    "quota": [600.0, 500.0, 325.0],       # maximum quota, acres (Table 3.9)
    "water_use": [3.0, 2.0, 1.0],         # acre-feet per acre (Table 3.9)
    "net_return": [1000.0, 750.0, 250.0],  # $ per acre (Table 3.9)
})


def kibbutzim_data() -> ik.Dataset:
    """One cell per (kibbutz, crop); spend is acres planted, capped by the kibbutz's land."""
    impacts = KIBBUTZIM[["region", "land"]].merge(CROPS, how="cross")
    impacts = impacts.rename(columns={"land": "capacity", "water_use": "water"})
    return ik.Dataset(KIBBUTZIM, CROPS[["program"]],
                      impacts[["region", "program", "net_return", "water", "capacity"]],
                      name="kibbutzim")


def kibbutzim_policy(equity: str = "outcome_equity") -> ik.Policy:
    """Land and water per kibbutz, crop quotas, and the same share of land planted everywhere.

    ``equity`` says how the equal-proportion rule is written: as ``OutcomeEquity`` of the
    acres per acre of usable land with ratio 1 (no kibbutz below the average, hence all
    equal), or as one ``Relation`` per pair of neighbours (acres_1 / 400 == acres_2 / 600).
    """
    land = dict(zip(KIBBUTZIM["region"], KIBBUTZIM["land"], strict=True))
    if equity == "outcome_equity":
        rules: list[ik.Constraint] = [ik.OutcomeEquity("spend", min_ratio=1.0, per="land")]
    else:
        names = list(land)
        rules = [ik.Relation([ik.Term(1 / land[a], "spend", region=a),
                              ik.Term(-1 / land[b], "spend", region=b)], "==", 0)
                 for a, b in itertools.pairwise(names)]
    return ik.Policy(
        ik.Budget(total=KIBBUTZIM["land"].sum(),
                  by={"program": dict(zip(CROPS["program"], CROPS["quota"], strict=True))}),
        [ik.RegionBounds(max=land),
         ik.Target("water", max=dict(zip(KIBBUTZIM["region"], KIBBUTZIM["water"],
                                         strict=True)), by="region"),
         *rules],
        objective=ik.Maximize("net_return"),
    )


@pytest.mark.parametrize("equity", ["outcome_equity", "relation"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_kibbutzim_regional_planning(solver: str, equity: str) -> None:
    result = ik.optimize(kibbutzim_data(), kibbutzim_policy(equity), solver=solver)
    assert result.objective == pytest.approx(633_333.33, abs=0.005)
    # the book's variables: x1-x3 sugar beets, x4-x6 cotton, x7-x9 sorghum, kibbutz 1-3
    x = result.allocation.unstack("region").loc[CROPS["program"], KIBBUTZIM["region"]]
    x = x.to_numpy().ravel()
    published = [133 + 1 / 3, 100, 25, 100, 250, 150, 0, 0, 0]
    assert x == pytest.approx(published, abs=0.005)
    # independent check: the rows of the book's model, as printed
    rows = [[1, 0, 0, 1, 0, 0, 1, 0, 0],     # usable land, kibbutz 1-3
            [0, 1, 0, 0, 1, 0, 0, 1, 0],
            [0, 0, 1, 0, 0, 1, 0, 0, 1],
            [3, 0, 0, 2, 0, 0, 1, 0, 0],     # water allocation, kibbutz 1-3
            [0, 3, 0, 0, 2, 0, 0, 1, 0],
            [0, 0, 3, 0, 0, 2, 0, 0, 1],
            [1, 1, 1, 0, 0, 0, 0, 0, 0],     # crop quotas
            [0, 0, 0, 1, 1, 1, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 1, 1, 1],
            [3, -2, 0, 3, -2, 0, 3, -2, 0],  # equal proportion: 3 (kibbutz 1) = 2 (kibbutz 2)
            [0, 1, -2, 0, 1, -2, 0, 1, -2]]  # (kibbutz 2) = 2 (kibbutz 3)
    senses, rhs = "<<<<<<<<<==", [400, 600, 300, 600, 800, 375, 600, 500, 325, 0, 0]
    assert textbook_rows_hold(rows, senses, rhs, x)
    assert float(np.dot([1000] * 3 + [750] * 3 + [250] * 3, x)) == pytest.approx(result.objective)


# ---------------------------------------------------------------------------------------------
# 2. Urban renewal: the city of Erstville
#
# Taha, H. A., Operations Research: An Introduction, 9th ed., Pearson, 2011, section 2.4.4
# (Urban development planning), Example 2.4-6 "Urban Renewal Model" (after Laidlaw 1972).
# Published optimum: z = $343,965; x1 = 35.83 single, x2 = 98.53 double, x3 = 44.79 triple,
# x4 = 0 quadruple units, x5 = 244.49 homes demolished.
# Money in $ thousand (the book's unit for the budget row).
# ---------------------------------------------------------------------------------------------
HOUSING = pd.DataFrame({
    "program": ["single", "double", "triple", "quadruple", "demolition"],
    "cost": [50.0, 70.0, 130.0, 160.0, 2.0],     # $ thousand per unit built / home demolished
    "tax": [1000.0, 1900.0, 2700.0, 3400.0, 0.0],  # $ of tax per unit per year
    "lot": [0.18, 0.28, 0.4, 0.5, 0.0],           # acres per unit built
    "multi_family": [False, False, True, True, False],  # triple and quadruple units
})
ERSTVILLE_BUDGET = 15_000.0      # $ thousand of bank financing
DEMOLISHED_LOT = 0.25 * 0.85     # acres a demolished home frees, net of 15 % for streets
MAX_DEMOLISHED = 300


def erstville_data(signed_land: bool = False) -> ik.Dataset:
    """One region (the city), one program per housing type and one for demolition.

    Spend is $ thousand, so every per-unit number is divided by the unit's cost: units,
    tax and acres per $ thousand. Land is two unsigned metrics (acres used, acres freed) or,
    with ``signed_land``, one signed metric (acres taken, net: negative for demolition).
    """
    is_demolition = HOUSING["program"] == "demolition"
    per_k = 1 / HOUSING["cost"]
    impacts = pd.DataFrame({
        "region": "Erstville",
        "program": HOUSING["program"],
        "tax": HOUSING["tax"] * per_k,
        "units": np.where(is_demolition, 0.0, per_k),
        "capacity": np.where(is_demolition, MAX_DEMOLISHED * HOUSING["cost"], ERSTVILLE_BUDGET),
    })
    used = HOUSING["lot"] * per_k
    freed = np.where(is_demolition, DEMOLISHED_LOT * per_k, 0.0)
    if signed_land:
        impacts["land"] = used - freed
    else:
        impacts["land_used"], impacts["land_freed"] = used, freed
    regions = pd.DataFrame({"region": ["Erstville"], **ONE_REGION})
    return ik.Dataset(regions, HOUSING[["program", "multi_family"]], impacts,
                      signed_metrics=["land"] if signed_land else (), name="erstville")


def erstville_policy(signed_land: bool = False) -> ik.Policy:
    """The budget, the unit mix (shares of units built), and land used <= land freed."""
    land: ik.Constraint = (
        ik.Target("land", max=0) if signed_land
        else ik.Relation([ik.Aggregate("land_used"), -ik.Aggregate("land_freed")], "<=", 0))
    return ik.Policy(
        ik.Budget(total=ERSTVILLE_BUDGET),
        [land,
         ik.ProgramShare(of="units", min={"single": 0.20, "double": 0.10}),
         ik.ProgramShare(True, by="multi_family", of="units", min=0.25)],
        objective=ik.Maximize("tax"),
    )


@pytest.mark.parametrize("signed_land", [False, True], ids=["relation", "signed"])
@pytest.mark.parametrize("solver", SOLVERS)
def test_erstville_urban_renewal(solver: str, signed_land: bool) -> None:
    result = ik.optimize(erstville_data(signed_land), erstville_policy(signed_land),
                         solver=solver)
    assert not result.lp.is_mip
    assert result.objective == pytest.approx(343_965, abs=0.5)
    x = (result.allocation.droplevel("region") / HOUSING.set_index("program")["cost"])
    x = x[HOUSING["program"]].to_numpy()  # units of each type, then homes demolished
    assert x == pytest.approx([35.83, 98.53, 44.79, 0.0, 244.49], abs=0.005)
    # independent check: the book's rows (Taha's complete model)
    rows = [[0.18, 0.28, 0.4, 0.5, -0.2125],
            [0, 0, 0, 0, 1],
            [-0.8, 0.2, 0.2, 0.2, 0],
            [0.1, -0.9, 0.1, 0.1, 0],
            [0.25, 0.25, -0.75, -0.75, 0],
            [50, 70, 130, 160, 2]]
    assert textbook_rows_hold(rows, "<<<<<<", [0, 300, 0, 0, 0, 15_000], x)
    assert float(np.dot([1000, 1900, 2700, 3400, 0], x)) == pytest.approx(result.objective)


# ---------------------------------------------------------------------------------------------
# 3. Capital budgeting: Star Oil
#
# Winston, W. L., Operations Research: Applications and Algorithms, 4th ed., Thomson
# Brooks/Cole, 2004, section 3.6 ("A capital budgeting problem", the Star Oil example), and the
# LINDO output of the same model given with a later exercise on it (its Figure 16),
# reproduced at https://transtutors.com/questions/star-oil-company-is-considering-
# five-different-investment-opportunities-the-cash-out-672344.htm and solved in
# https://notebook.community/TeamLab/Gachon_CS50_OR_KMOOC/code/week7/Project%20Selection.
# Published optimum: z = 57.4490166 ($ million NPV); x1 = x3 = x4 = 1, x2 = 0.200860,
# x5 = 0.288084; dual prices 0.190418 (time 0 money) and 0.984644 (time 1 money); reduced
# costs of the bounds x1, x3, x4 <= 1: 7.951474, 10.124693, 12.063268.
# LINDO computes in single precision: its objective differs from the exact optimum by 6e-7,
# so the objective is compared at 1e-6, the six decimals the rest of its report prints.
# Money in $ million.
# ---------------------------------------------------------------------------------------------
INVESTMENTS = pd.DataFrame({
    "program": [f"investment {i}" for i in range(1, 6)],
    "time_0": [11.0, 53.0, 5.0, 5.0, 29.0],  # cash outflow now, $ million
    "time_1": [3.0, 6.0, 5.0, 1.0, 34.0],    # cash outflow in a year, $ million
    "npv": [13.0, 16.0, 16.0, 14.0, 39.0],   # $ million
})


def star_oil_data() -> ik.Dataset:
    """Spend is the time-0 outflow; a whole investment is its capacity (x_i <= 1)."""
    per_dollar = 1 / INVESTMENTS["time_0"]
    impacts = pd.DataFrame({
        "region": "Star Oil", "program": INVESTMENTS["program"],
        "npv": INVESTMENTS["npv"] * per_dollar,
        "cash_time_1": INVESTMENTS["time_1"] * per_dollar,
        "capacity": INVESTMENTS["time_0"],
    })
    regions = pd.DataFrame({"region": ["Star Oil"], **ONE_REGION})
    return ik.Dataset(regions, INVESTMENTS[["program"]], impacts, name="star-oil")


def star_oil_policy() -> ik.Policy:
    """$40 million now (the budget) and $20 million in a year (a limit on a metric)."""
    return ik.Policy(ik.Budget(total=40), [ik.Target("cash_time_1", max=20)],
                     objective=ik.Maximize("npv"))


@pytest.mark.parametrize("solver", SOLVERS)
def test_star_oil_capital_budgeting(solver: str) -> None:
    result = ik.optimize(star_oil_data(), star_oil_policy(), solver=solver)
    assert result.objective == pytest.approx(57.4490166, abs=1e-6)
    time_0 = INVESTMENTS.set_index("program")["time_0"]
    x = (result.allocation.droplevel("region") / time_0)[INVESTMENTS["program"]].to_numpy()
    assert x == pytest.approx([1, 0.200860, 1, 1, 0.288084], abs=5e-7)
    prices = result.constraints.set_index("label")["shadow_price"]
    assert prices["total"] == pytest.approx(0.190418, abs=5e-7)
    assert prices["cash_time_1"] == pytest.approx(0.984644, abs=5e-7)
    # LINDO's reduced costs are per whole investment; ikmopt's per $ million of capacity
    whole = result.reduced_costs.droplevel("region") * time_0
    assert whole[["investment 1", "investment 3", "investment 4"]].to_numpy() == pytest.approx(
        [7.951474, 10.124693, 12.063268], abs=5e-7)
    assert textbook_rows_hold([INVESTMENTS["time_0"].tolist(), INVESTMENTS["time_1"].tolist()],
                              "<<", [40, 20], x)
    assert np.all((x >= -1e-9) & (x <= 1 + 1e-9))


# ---------------------------------------------------------------------------------------------
# 4. Loan portfolio: Bank One (Thriftem)
#
# Taha, H. A., Operations Research: An Introduction, 9th ed., Pearson, 2011, section 2.4.1
# (Investment), Example 2.4-1 "Bank Loan Model". Published optimum: z = .99648 ($ million net
# return); x3 = 7.2 (home), x5 = 4.8 (commercial), the other loan types 0.
# Money in $ million.
# ---------------------------------------------------------------------------------------------
LOANS = pd.DataFrame({
    "program": ["personal", "car", "home", "farm", "commercial"],
    "interest_rate": [0.140, 0.130, 0.120, 0.125, 0.100],
    "bad_debt_ratio": [0.10, 0.07, 0.03, 0.05, 0.02],
    "business": [False, False, False, True, True],  # farm and commercial loans
})
LOAN_FUNDS = 12.0


def bank_data() -> ik.Dataset:
    """Net return per $ = interest on the loans in good standing minus the bad debt."""
    rate, bad = LOANS["interest_rate"], LOANS["bad_debt_ratio"]
    impacts = pd.DataFrame({
        "region": "Bank One", "program": LOANS["program"],
        "net_return": rate * (1 - bad) - bad, "bad_debt": bad, "capacity": LOAN_FUNDS,
    })
    regions = pd.DataFrame({"region": ["Bank One"], **ONE_REGION})
    return ik.Dataset(regions, LOANS[["program", "business"]], impacts, name="bank-one")


def bank_policy() -> ik.Policy:
    """40 % to farm and commercial loans, home loans half of the consumer loans, bad debts
    at most 4 % of all loans."""
    consumer = {"program": ["personal", "car", "home"]}
    return ik.Policy(
        ik.Budget(total=LOAN_FUNDS),
        [ik.ProgramShare(True, by="business", min=0.40),
         ik.ProgramShare("home", min=0.50, within=consumer),
         ik.Relation([ik.Aggregate("bad_debt"), -0.04 * ik.Aggregate("spend")], "<=", 0)],
        objective=ik.Maximize("net_return"),
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_bank_loan_portfolio(solver: str) -> None:
    result = ik.optimize(bank_data(), bank_policy(), solver=solver)
    assert result.objective == pytest.approx(0.99648, abs=5e-6)
    x = result.allocation.droplevel("region")[LOANS["program"]].to_numpy()
    assert x == pytest.approx([0, 0, 7.2, 0, 4.8], abs=0.05)
    rows = [[1, 1, 1, 1, 1],
            [0.4, 0.4, 0.4, -0.6, -0.6],
            [0.5, 0.5, -0.5, 0, 0],
            [0.06, 0.03, -0.01, 0.01, -0.02]]
    assert textbook_rows_hold(rows, "<<<<", [12, 0, 0, 0], x)
    assert float(np.dot([0.026, 0.0509, 0.0864, 0.06875, 0.078], x)) == pytest.approx(
        result.objective)
