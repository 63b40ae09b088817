"""Rules of thumb and the value of optimizing, on the bundled data.

A tutorial in the percent cell format: ``docs/tutorials.py`` runs it and writes the page
``docs/rules.md`` with its real output and figures. Run it as a script:
``python examples/tutorials/rules.py``.
"""

# %% [markdown]
# # Rules of thumb and the value of optimizing
#
# Most IKM budgets are not optimized. They are split by a rule everyone can check: the same
# for every province, in proportion to population or to the number of IKM units, towards
# the poor, like last year, or by a DAK-style index. Module `ikmopt.rules` implements these
# rules so that an optimized plan can be put next to them, measured the same way, and the
# question "what is optimizing worth?" gets a number.
#
# Every rule returns an allocation like `result.allocation` (a Series over `data.cells`, in
# Rp bn, named `spend`) that spends **exactly** the budget and keeps every cell within its
# capacity. [`value_of_optimization`](reference/compare.md#ikmopt.analysis.baselines.value_of_optimization) solves a policy and
# lays every rule beside the optimum: spend, jobs, value added, the Gini coefficients of spend
# and jobs per inhabitant, the policy's objective, the optimum's gain over each rule, and
# whether each rule respects each rule of the policy.
#
# The examples run in order, as one session; the whole page takes about a second.
#
# !!! warning "Illustrative coefficients"
#     The bundled `indonesia-provinces` data combine official statistics (population, poverty,
#     IKM units) with **illustrative** program coefficients and capacities (see
#     [Data](data.md)). The gains below show how the comparison works, not what optimizing
#     would be worth in reality.
#
# ## From region weights to cells
#
# Every rule gives each region $r$ a weight $W_r \ge 0$:
#
# | rule | function | weight $W_r$ |
# |---|---|---|
# | equal split | [`equal(data, budget)`](reference/compare.md#ikmopt.analysis.baselines.equal) | $1$ |
# | population | [`population(data, budget)`](reference/compare.md#ikmopt.analysis.baselines.population) | $P_r$, the population |
# | IKM units | [`ikm_units(data, budget, column="imk_establishments")`](reference/compare.md#ikmopt.analysis.baselines.ikm_units) | $U_r$, the number of IKM units |
# | poor population | [`poverty_weighted(data, budget, column="poverty_rate_pct")`](reference/compare.md#ikmopt.analysis.baselines.poverty_weighted) | $P_r \, p_r / 100$, population times the poverty rate in percent |
# | last year | [`last_year(data, budget, allocation)`](reference/compare.md#ikmopt.analysis.baselines.last_year) | $s_r$, last year's spend in the region (or $s_c$ per cell, below) |
# | DAK-style index | [`dak_index(data, budget, ...)`](reference/compare.md#ikmopt.analysis.baselines.dak_index) | the index $I_r$ [below](#the-dak-style-index) |
#
# `budget` is a number of Rp bn or an [`ik.Budget`](reference/build.md#ikmopt.Budget), whose
# `total` is used (its limits by program or channel are not: a rule knows only a total).
#
# **Within a region** the region's share is split over its cells $c \in r$ (its programs, and
# sectors and years when the dataset has them) in proportion to the cells' capacities $k_c$,
# the most each can absorb. With $K_r = \sum_{c \in r} k_c$, the weight of cell $c$ is
#
# $$
# w_c = \frac{W_r}{\sum_s W_s} \cdot \frac{k_c}{K_r} .
# $$
#
# **Capacities: water-filling.** The allocation is
#
# $$
# x_c = \min(k_c,\ \lambda\, w_c) \qquad \text{with the one level } \lambda \text{ such that }
# \sum_c x_c = B .
# $$
#
# A cell whose proportional share $B\, w_c / \sum w$ would exceed its capacity is held at its
# capacity and the excess goes to the other cells *in proportion to their weights*. The level
# is found in rounds: start with every cell of positive weight free; set
# $\lambda = (B - \text{spend of the capped cells}) / \sum_{c \text{ free}} w_c$; cap every
# free cell with $\lambda w_c > k_c$ at $k_c$; repeat until no free cell is over. Each round
# is one vectorized pass and caps at least one more cell, so the loop ends after at most as
# many rounds as there are cells, in practice two to four. Because all cells of a region have
# the same ratio $k_c / w_c$, a region is either filled to its total capacity $K_r$ or
# receives $\lambda W_r / \sum_s W_s$, split by capacity; regions that are not full keep the
# rule's proportions between them. Cells and regions of weight 0 get nothing.
#
# If $B$ exceeds the total capacity $\sum_c k_c$, no allocation can spend it and the rule
# raises [`PolicyError`](reference/errors.md#ikmopt.PolicyError) naming both numbers (also when
# $B$ exceeds the capacity of the cells that have a weight, for example the cells last year
# funded). For a cell with a diminishing-returns curve, $k_c$ is the capacity but no more than
# the end of its last segment, which the linear program cannot pass either.
#
# **Last year.** `last_year` takes last year's allocation in any unit: a Series over the cells
# (like `result.allocation`; then $w_c = s_c$ directly, without the split by capacity) or over
# the regions (then $W_r = s_r$ and the split above). Cells or regions it does not list count
# as 0; unknown labels, negative or missing values are a
# [`DataError`](reference/errors.md#ikmopt.DataError) naming them.
#
# A rule ignores every other rule of a policy (province floors, the KTI share, targets,
# budget limits by program): that is what [`value_of_optimization`](#value-of-optimization)
# checks.
#
# ## The DAK-style index
#
# !!! note "An illustrative stylization, not the official DAK formula"
#     `dak_index` borrows the *shape* of a formula-based transfer, not its numbers. Until
#     2016 the Ministry of Finance divided DAK by a formula: general criteria (the net fiscal
#     index IFN, *Indeks Fiskal Neto*: a region's fiscal capacity over the national average,
#     entering inversely, so the weaker a region's own finances, the more it receives),
#     special criteria (regional characteristics such as Papua, border, coastal or lagging
#     areas) and technical criteria set by the sector ministry. Since PMK 48/PMK.07/2016,
#     DAK fisik is allocated from the regions' proposals, verified technical needs, national
#     priorities and past absorption (see [DAK](glossary.md#dak-fisik-nonfisik)). The index
#     below keeps need, sector size and a cost term, with weights you choose; it reproduces
#     no year's official allocation.
#
# Region $r$'s index is a weighted sum of four shares, each of which sums to 1 over the
# regions:
#
# $$
# I_r = a_{\text{pop}} \frac{P_r}{\sum_s P_s} + a_{\text{pov}} \frac{p_r}{\sum_s p_s}
# + a_{\text{ikm}} \frac{U_r}{\sum_s U_s} + a_{\text{cost}} \frac{c_r}{\sum_s c_s} ,
# \qquad W_r = I_r .
# $$
#
# * fiscal need: population $P_r$ and the poverty rate $p_r$ (column `poverty_column`, the
#   rate itself, so a small, very poor province weighs as much as a large one with the same
#   rate);
# * sector weight: the number of IKM units $U_r$ (column `ikm_column`);
# * a cost measure $c_r$ that enters as it stands, in the direction of the construction
#   cost index (IKK, *Indeks Kemahalan Konstruksi*) in the DAU formula, where a higher IKK
#   raises a region's fiscal need (PMK 48/PMK.07/2016 art. 41(4); the role of IKK in the
#   DAK fisik IKM allocation was not found): a positive regions column `cost_column` when
#   given (for example BPS's IKK), otherwise the region's cost per unit of `metric` (jobs)
#   at capacity, $c_r = \sum_{c \in r} k_c \big/ \sum_{c \in r} a_c k_c$ in Rp bn per job.
#   The dearer the region delivers, the more it gets, so that the same budget buys it a
#   comparable volume. To weigh by fiscal capacity as the pre-2016 general criterion did,
#   give a column holding 1 / IFN.
#
# The weights $a$ are `weights={"population": ..., "poverty": ..., "ikm_units": ...,
# "cost": ...}`, 0.25 each by default (our choice, as illustrative as the rest); terms left
# out count 0. Since every term sums to 1, $\sum_r I_r = \sum_k a_k$ and region $r$'s share
# of the budget before capacities is $I_r / \sum_s I_s$.
# [`dak_index_terms`](reference/compare.md#ikmopt.analysis.baselines.dak_index_terms) shows every term:

# %%
import pandas as pd

import ikmopt as ik
from ikmopt import rules

pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 12)

data = ik.datasets.load()
terms = rules.dak_index_terms(data)
print(terms.loc[["Jawa Barat", "Nusa Tenggara Timur", "Papua Pegunungan"]].round(4))

# %% [markdown]
# Jawa Barat holds 18.0 % of the population and 16.5 % of the IKM units but only 1.8 % of the
# poverty term. Papua Pegunungan, with the highest poverty rate, holds 7.8 % of the poverty
# term and almost no IKM units; its jobs cost Rp 0.137 bn each at capacity in the
# illustrative coefficients, twice Jawa Barat's Rp 0.069 bn. Its index share, 2.61 %, is more
# than a quarter of Jawa Barat's 9.33 % with a thirty-fifth of its population.
#
# ## Five rules on the bundled data
#
# Each rule spends the default budget, Rp 971 bn. `cells_full` and `regions_full` count the
# cells and provinces the water-filling held at capacity:

# %%
budget = ik.default_policy().budget.total
plans = {name: rule(data, budget) for name, rule in rules.RULES.items()}

capacity = data.impacts["capacity"]
region_capacity = capacity.groupby(level="region", sort=False).sum()
by_region = pd.DataFrame(
    {name: plan.groupby(level="region", sort=False).sum() for name, plan in plans.items()}
)
summary = pd.DataFrame({
    "spend": by_region.sum(),
    "cells_full": {n: int((p >= capacity * (1 - 1e-9)).sum()) for n, p in plans.items()},
    "regions_full": (by_region.ge(region_capacity * (1 - 1e-9), axis=0)).sum(),
})
print(summary)
print(by_region.loc[["Jawa Barat", "Jawa Timur", "DKI Jakarta", "Gorontalo",
                     "Nusa Tenggara Timur", "Papua", "Papua Pegunungan"]].round(1))

# %% [markdown]
# The equal split would give every province Rp 971 / 38 = Rp 25.6 bn, more than 32 of the 38
# provinces can absorb (the capacities follow the programs' scale, see [Data](data.md));
# water-filling fills those (Gorontalo takes Rp 12.0 bn, Papua Rp 17.7 bn) and shares the
# rest equally among the other 6, which end up with Rp 47.3 bn each. Proportional to
# population, 11 provinces are full, Jawa Barat among them: Rp 109.8 bn, 11.3 % of the budget
# against 18.0 % of the population; the provinces that are not full keep the rule's
# proportions. The DAK-style index fills 18 provinces, small ones whose poverty and cost terms
# are large next to their capacity: Papua Pegunungan's index share of 2.61 % would be
# Rp 25.3 bn, and it can absorb Rp 23.9 bn.
#
# ## Value of optimization
#
# [`value_of_optimization`](reference/compare.md#ikmopt.analysis.baselines.value_of_optimization) solves the policy with
# [`ik.optimize`](reference/solve.md#ikmopt.solving.optimize.optimize), runs every rule on the
# policy's budget total and measures all plans with
# [`ik.evaluate`](reference/inspect.md#ikmopt.solving.evaluate.evaluate). The default policy of
# `ikmopt solve` maximizes jobs plus half-weighted value added, each divided by its own
# optimum, with a floor of 0.5 % of the budget for every province and at least 40 % for
# Kawasan Timur Indonesia (KTI). A rule of last year is added by passing `last_year=`; here
# "last year" is, for illustration, the optimized plan of the same policy at Rp 800 bn, so
# the `last_year` row shows what scaling up last year's plan misses compared with
# re-optimizing:

# %%
policy = ik.default_policy()
last = ik.optimize(data, policy.replace(budget=ik.Budget(total=800))).allocation
value = rules.value_of_optimization(data, policy, last_year=last)
print(value)

# %% [markdown]
# `gain_pct` is the optimum's objective above the rule's, in percent of the rule's: 8.6 %
# over the poor population, 10.6 % over population, 11.2 % over the IKM-units rule, 14.8 %
# over the DAK-style index and 30.2 % over the equal split. Scaling up last year's optimized
# plan comes within 0.5 %: at this budget every program but sentra is at its capacity, so
# there is little left to choose. The objective of this policy is unit-free (1 would be the
# jobs optimum; the value-added optimum counts 0.5), so the table also has the gain in every
# metric:

# %%
columns = ["plan", "jobs", "gain_jobs_pct", "value_added", "gain_value_added_pct",
           "gini_jobs"]
print(value.table[columns].round(3).to_string(index=False))

# %% [markdown]
# Whether a plan satisfies each rule is in `value.checks`, one column per rule: the cells'
# capacities, the budget, then each constraint as written (shortened here), and as text in
# the table's `violated` column. The provinces below the floor under the population rule
# show why that rule fails:

# %%
short = ["capacity", "budget", "floor 0.5 %", "KTI 40 %"]
print(value.checks.set_axis(short, axis=1))
print(value.table.set_index("plan").loc["population", "violated"])
population_spend = value.allocations["population"].groupby(level="region").sum()
print(population_spend[population_spend < 0.005 * budget].round(2))

# %% [markdown]
# The equal split, the DAK-style index and last year's scaled-up plan satisfy the whole
# default policy. The rules by population, IKM units and poor population give some small
# provinces less than the floor of 0.5 % of the budget (Rp 4.9 bn; five provinces under the
# population rule, all in Kalimantan and Papua) and Kawasan Timur Indonesia less than 40 %.
# Those rules' gains compare plans that do not play by the same rules, which is what
# `satisfies_policy` flags.
#
# The check uses the linear program itself: for each rule of the policy, its rows (with
# the rows that define total spend and curve segments) are built with
# [`ikmopt.model.build.build`](reference/build.md), the cells are fixed at the plan's spend and a
# program without objective is solved; feasible means satisfied. A rule that satisfies the
# whole policy is a feasible plan, so the optimum's gain over it is never negative. A rule
# that breaks a constraint could in principle score higher than the optimum; here none does,
# but its gain measures a different question.
#
# ### Only a budget
#
# With nothing but the budget and `Maximize("jobs")`, every rule is feasible and the
# objective is jobs; the gain is the jobs the rule leaves on the table:

# %%
jobs_only = ik.Policy(budget=ik.Budget(total=budget), objective=ik.Maximize("jobs"))
plain = rules.value_of_optimization(data, jobs_only)
print(plain.table[["plan", "jobs", "gain_pct", "gini_spend", "gini_jobs",
                   "satisfies_policy"]].round(3).to_string(index=False))

# %% [markdown]
# Optimizing for jobs alone creates about 8,780 jobs: 8.7 % more than the best rule here (poor
# population, 8,082) and 31.1 % more than the equal split (6,700). The rules are not simply
# "more equal": the equal split gives Gorontalo (1.3 million people) Rp 12.0 bn and Jawa
# Barat (51 million) Rp 47.3 bn, about Rp 9,600 against Rp 900 per inhabitant, so its Gini of
# spend per inhabitant (0.452) is the highest in the table, above the optimum's 0.234; the
# population rule's would be 0 but for the 11 provinces whose capacity caps it (0.143). Only
# the population rule spreads jobs per inhabitant more evenly than the optimum (Gini 0.136
# against 0.182). The [Equity rules and objectives](equity.md) page shows how to get equity
# from the optimizer, at a known price in jobs, instead of by rule.
#
# ### Your own rules and plans
#
# `rules=` picks rules by name, or maps names to callables `rule(data, budget)` or to ready
# allocations (a Series over cells, measured as given):

# %%
def half_and_half(data, budget):
    """The average of the population rule and the equal split."""
    return (rules.population(data, budget) + rules.equal(data, budget)) / 2


def need_only(data, budget):
    """The DAK-style index with its need terms only."""
    return rules.dak_index(data, budget, weights={"population": 1, "poverty": 1})


mine = rules.value_of_optimization(
    data, policy, rules={"half_and_half": half_and_half, "need_only": need_only,
                         "copy_of_optimum": value.allocations["optimized"]},
)
print(mine.table[["plan", "jobs", "gain_pct", "satisfies_policy"]].round(2)
      .to_string(index=False))

# %% [markdown]
# A ready allocation is measured as given: the copy of the optimum scores a gain of 0, and a
# plan above a cell's capacity is reported in the `capacity` check instead of being
# corrected.
#
# `value.plot()` draws the jobs (or any metric, `value.plot("value_added")`) of every plan as
# a bar chart; matplotlib is imported only then (install `ikmopt[plot]`):

# %% [figure: value-of-optimization | Jobs of the optimum and of each rule of thumb]
ax = value.plot()

# %% [markdown]
# ## API reference
#
# The rules and `value_of_optimization` are documented under [Compare: rules of
# thumb](reference/compare.md#rules-of-thumb).
