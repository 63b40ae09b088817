"""How robust is the plan? Simulate the default plan, then a CVaR plan, on the bundled data.

A tutorial in the percent cell format: ``docs/tutorials.py`` runs it and writes the page
``docs/robust.md`` with its real output and figures. Run it as a script:
``python examples/tutorials/robust.py``.
"""

# %% [markdown]
# # How robust is the plan?
#
# The coefficients behind a plan (jobs and value added per Rp billion) are estimates, often
# 30 % off or worse, and budgets are never fully spent: DAK IKM realization was 82.72 % in 2022
# and 88.46 % in 2023. A plan that is optimal for the point estimates can disappoint. This
# page simulates the default plan under that uncertainty, asks how likely a jobs target is,
# and builds a plan that holds up better in bad years.
#
# The math is in the [methodology](methodology.md#uncertainty-and-risk).
#
# !!! warning "Illustrative uncertainty"
#     The bundled coefficients are **illustrative** (see [Data](data.md)), and so is their
#     uncertainty table: each program's multipliers are triangular between the low and high
#     ends of its unit cost and conversions (the [Data](data.md#uncertainty-from-the-ranges)
#     page derives them), 80 % of the error shared by every province for the same program, and
#     realization shares around the observed DAK IKM years (DAK fisik) and the directorate's
#     own realization (the other channels). The numbers show how the tools work, not how risky
#     a real budget is.
#
# ## The uncertainty table
#
# A dataset may carry an `uncertainty` table: one row per metric (or `realization`, the share
# of the allocation actually spent) and selection of cells, with a distribution of a
# multiplier of the point estimate. `ik.datasets.load(uncertainty=True)` adds the bundled
# one:

# %%
import pandas as pd

import ikmopt as ik

pd.set_option("display.width", 110)
pd.set_option("display.max_columns", 12)
data = ik.datasets.load(uncertainty=True)
print(data.uncertainty.table.to_string(index=False, na_rep=""))

# %% [markdown]
# Each row's selector columns (`program`, `channel`, or any level such as `region` or
# `island_group`) pick the cells it covers; a blank matches everything, and a later row wins
# where two overlap. Distributions are `triangular` (`low`, `mode`, `high`), `lognormal`
# (`mean`, `spread` = sigma; the mean stays at the point estimate) and `normal` (`mean`,
# relative `spread`, truncated at zero). `correlation` with `correlated_by` makes the errors of
# a group move together: here a program's estimate is wrong in every province at once, which
# is what makes national totals uncertain.
#
# ## Simulating a plan
#
# [`ik.simulate`](reference/simulate.md#ikmopt.analysis.simulate.simulate) draws the multipliers and
# realization shares and computes every draw's outcomes, diminishing returns and projects
# included. The same seed gives the same draws.

# %%
policy = ik.default_policy().add(ik.Target("jobs", min=8_500))
plan = ik.optimize(data, policy)
sim = ik.simulate(plan, n=20_000, seed=0)
print(sim.summary().round(1))
print(sim.targets[["target", "met"]].round(3).to_string(index=False))

# %% [markdown]
# The plan promises about 8,580 jobs on the point estimates. The simulated mean is higher,
# about 9,440, although on average only about 91 % of the money is spent: several ranges reach
# much further above their central value than below it (a certificate costs Rp 0.65 m to
# Rp 20 m, central Rp 4 m), and the simulation keeps the spend fixed, so a cheaper output means
# more outputs. One year in ten falls below the 10 % value at risk (about 6,750), and the worst
# tenth of years average the CVaR (about 6,000). The 8,500-job target, met on paper, is met in
# about 2 draws out of 3. `sim.plot()` draws the histogram:

# %% [figure: simulate-jobs | Jobs of the default plan]
ax = sim.plot("jobs")
ax.set_title("Jobs of the default plan, 20,000 draws (ILLUSTRATIVE uncertainty)")

# %% [markdown]
# `sim.by_region` holds the draws by province, and `sim.fan()` draws them:

# %%
print(sim.region_quantiles("jobs").sort_values(0.5, ascending=False).head(6).round(0))

# %% [figure: simulate-fan | Jobs by province]
ax = sim.fan("jobs", top=15)
ax.set_title("Jobs by province: median, 10-90 % and 5-95 %")

# %% [markdown]
# ## A plan for bad years
#
# The [`CVaR`](reference/simulate.md#ikmopt.model.objectives.risk.CVaR) objective maximizes the mean of the
# worst `alpha` share of outcomes over sampled scenarios (a linear program, solved like any
# other); [`ExpectedValue`](reference/simulate.md#ikmopt.model.objectives.risk.ExpectedValue) maximizes the
# sample mean. [`compare_plans`](reference/compare.md#ikmopt.analysis.compare.compare_plans) simulates
# plans under the same draws (common random numbers), so their differences are the plans', not
# noise. The CVaR plan is judged on a fresh sample (`seed=1`), not on the 500 scenarios it was
# built from.
#
# The comparison is for a tight year of Rp 600 bn: at the default budget of Rp 971 bn every
# program but sentra is at its capacity, so there is nothing to trade and the CVaR plan is the
# point-estimate plan.

# %%
rules = ik.default_policy(600)
point = ik.optimize(data, rules.replace(objective=ik.Maximize("jobs")))
robust = ik.optimize(data, rules.replace(objective=ik.CVaR("jobs", alpha=0.1, samples=500)))
table = ik.compare_plans({"point estimate": point, "CVaR 10 %": robust}, n=20_000, seed=1,
                         targets=[ik.Target("jobs", min=6_000)])
print(table[table["metric"] == "jobs"].round(3).to_string(index=False))

# %% [markdown]
# The CVaR plan gives up about 90 jobs on the point estimates and gains about 190 jobs in the
# worst tenth of years. It moves about Rp 22 bn away from new-entrepreneur training (whose
# survival rate, 20-74 % with 40 % central, has the longest downside) towards certification
# and downstream processing:

# %%
spend = pd.DataFrame({"point estimate": point.by("program")["spend"],
                      "CVaR 10 %": robust.by("program")["spend"]})
print(spend.assign(change=spend["CVaR 10 %"] - spend["point estimate"]).round(1))

# %% [markdown]
# The trade is small here: every program's range is wide, and most of each program's error is
# shared by all provinces, so moving money between provinces does not diversify it; with real
# estimates of differing quality it can be larger. With `alpha=1` the CVaR
# is the expected value, and the two objectives give the same plan.
#
# ## From the command line
#
# ```console
# $ ikmopt simulate --n 5000
# ```
#
# `ikmopt simulate SCENARIO.yaml` simulates a scenario's plan (its dataset needs an uncertainty
# table; for a bundled dataset `dataset: {name: indonesia-provinces, uncertainty: true}`), and
# `--out draws.csv` writes the draws.
