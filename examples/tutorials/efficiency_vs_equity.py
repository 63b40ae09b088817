"""Efficiency versus equity: frontiers and the price of each rule, on the bundled data.

A tutorial in the percent cell format: ``docs/tutorials.py`` runs it and writes the page
``docs/efficiency-vs-equity.md`` with its real output and figures. Run it as a script:
``python examples/tutorials/efficiency_vs_equity.py``.
"""

# %% [markdown]
# # Efficiency versus equity
#
# The plan that creates the most jobs puts money where IKM already cluster — Java — while
# policy wants growth spread to eastern and poorer provinces (*pemerataan kesempatan kerja
# dan berusaha*). This tutorial puts numbers on that trade-off with the bundled data: how many
# jobs each equity rule costs, and the curve of the best plans between "most jobs" and "most
# equal".
#
# The impact coefficients of the bundled dataset are **illustrative defaults** (see
# [Data](data.md)); the method, not the numbers, is the point here.
#
# ## The starting policy
#
# A tight year: Rp 600 bn, about two thirds of the default budget of Rp 971 bn. At the default
# every program but sentra is at its capacity, so the rules barely move the plan (the KTI rule
# costs about 6 jobs there); with less money the programs and provinces compete for it, and
# the trade-offs show.

# %%
import ikmopt as ik

data = ik.datasets.load("indonesia-provinces")
policy = ik.Policy(
    budget=ik.Budget(total=600),
    constraints=[ik.RegionBounds(min_share=0.005), ik.GroupShare("kti", min=0.40)],
    objective=ik.Maximize("jobs"),
)
result = ik.optimize(data, policy)
print(round(result.outcomes["jobs"]), round(result.equity[("spend", "gini")], 3))

# %% [markdown]
# ## What each rule costs
#
# [`ik.price_of`](reference/compare.md#ikmopt.analysis.price.price_of) solves the policy once with every rule and once
# without each rule: the difference is what the rule costs in the objective (here, jobs).
# Add two equity rules — spend per inhabitant with a Gini of at most 0.25, and no province
# below half the national jobs per inhabitant:

# %%
equity_policy = policy.add(
    ik.GiniCap(of="spend", max=0.25),
    ik.OutcomeEquity("jobs", min_ratio=0.5),
)
prices = ik.price_of(data, equity_policy)
print(prices[["constraint", "cost", "cost_pct", "binding"]].round(2).to_string())

# %% [markdown]
# The KTI rule is by far the most expensive: about 415 jobs (5 %) against the plan without
# it, because Java holds most of the poor population that new-entrepreneur training reaches
# (see [Data](data.md#the-default-plan-and-what-drives-it)). The per-capita floor costs about
# 6 jobs and the Gini cap less than one. Each cost is measured with the other rules in place,
# so the costs do not add up to the cost of all rules together.
#
# ## The jobs / equity frontier
#
# [`ik.frontier`](reference/compare.md#ikmopt.analysis.frontier.frontier) traces the best plans between two criteria by the
# epsilon-constraint method: it maximizes one criterion while bounding the other, for evenly
# spaced bounds, and drops dominated points. Here the criteria are jobs and the Gini of spend
# per inhabitant (lower is fairer):

# %%
fair = ik.frontier(data, policy, x="gini_spend", y="jobs", n=7)
print(fair.points[["gini_spend", "jobs", "value_added"]].round(3).to_string())

# %% [figure: frontier-jobs-gini | Jobs against the Gini of spend per inhabitant]
fair.plot()

# %% [markdown]
# Lowering the Gini from 0.28 to 0.21 costs about 40 jobs (0.5 %); going further is steep:
# below about 0.2 the floors, the KTI rule and the absorptive capacities of small provinces
# force money into the programs with the fewest jobs per rupiah, and jobs fall fast. The
# lowest Gini this policy allows is about 0.18.
#
# ## Jobs against value added
#
# The same method traces the trade-off between two outcomes:

# %%
fr = ik.frontier(data, policy, x="jobs", y="value_added", n=9)
print(fr.points[["jobs", "value_added", "gini_spend"]].round(3).to_string())

# %% [figure: frontier-jobs-value-added | Jobs against value added]
fr.plot()

# %% [markdown]
# ## Where the money goes
#
# With both equity rules, the plan still favours the large Javanese provinces in absolute
# money, but the spend per inhabitant is far more even
# ([`plot.allocation_by_region`](reference/inspect.md#ikmopt.plot.allocation_by_region) and
# [`plot.lorenz`](reference/inspect.md#ikmopt.plot.lorenz) draw them):

# %% [figure: allocation-by-region | Spend by province under the equity policy]
from ikmopt import plot

fair_plan = ik.optimize(data, equity_policy)
plot.allocation_by_region(fair_plan)

# %% [figure: lorenz-default | Lorenz curve of spend per inhabitant]
plot.lorenz(fair_plan)

# %% [markdown]
# The methods behind every rule are in the [Methodology](methodology.md).
