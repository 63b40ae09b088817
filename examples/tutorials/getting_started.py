"""Getting started: a first plan on the bundled data, what it says, and what-ifs.

A tutorial in the percent cell format: ``docs/tutorials.py`` runs it and writes the page
``docs/getting-started.md`` with its real output and figures. Run it as a script:
``python examples/tutorials/getting_started.py``.
"""

# %% [markdown]
# # Getting started
#
# ## Install
#
# ikmopt needs Python 3.11 or newer. From a clone of the repository:
#
# ```bash
# python3 -m venv .venv
# .venv/bin/pip install -e ".[dev]"
# ```
#
# The `dev` extra installs everything for examples, tests and this documentation, including
# `openpyxl` for Excel files. The solvers come with the core dependencies: `highspy` (HiGHS)
# and `pulp[cbc]` (PuLP with a CBC binary), so nothing else has to be installed.
#
# ## The command line: `ikmopt solve`
#
# `ikmopt solve` solves the default policy on the bundled 38-province data and prints the plan.
# The default policy ([`ik.default_policy`](reference/build.md#ikmopt.default_policy)) is:
#
# * budget Rp 971 bn (not necessarily all spent): Ditjen IKMA's 2023 program money and the
#   2023 DAK fisik for IKM (see [Data](data.md#the-default-budget-and-policy));
# * every province receives at least 0.5 % of the budget (Rp 4.9 bn);
# * Kawasan Timur Indonesia (broad KTI, 22 provinces) receives at least 40 % of what is spent;
# * maximize jobs plus half-weighted value added, each normalized by its own optimum
#   (see [Methodology](methodology.md#weighted)).
#
# ```console
# $ ikmopt solve --top 5
# ```
#
# Shadow prices are in the objective's units; under the default weighted objective these are
# normalized score units (see [shadow prices](methodology.md#shadow-prices)), so the summary
# also states them in jobs-equivalents (`in_jobs`): one unit of the score is worth the jobs
# optimum over its weight, about 8,800 jobs. Each extra Rp 1 bn of budget adds the equivalent
# of about one job: at this budget every program but sentra is at its capacity, so extra
# money goes to sentra, the program with the fewest jobs per rupiah. Each percentage point of
# the KTI minimum costs the equivalent of about 3.5 jobs, what Rp 3 bn of extra budget would
# add.
#
# Options:
#
# | option | meaning |
# |---|---|
# | `--data DATA` | a bundled dataset name (default `indonesia-provinces`), a folder of CSV files, or an Excel workbook (`.xlsx`, `.xlsm`, `.xls`); see [your own data](#your-own-data) |
# | `--budget BUDGET` | total budget in Rp bn (default 971); must be a positive number |
# | `--solver {highs,cbc,pulp-highs}` | solver backend (default `highs`) |
# | `--time-limit SECONDS` | time limit per solve |
# | `--out PATH` | write the result tables: a folder of CSV files, or one workbook if `PATH` ends in `.xlsx` |
# | `--lp PATH` | also write the model as a readable `.lp` file (or `.mps` if `PATH` ends in `.mps`) |
# | `--top N` | show only the N regions with the largest spend (default: all) |
# | `--verbose` | show the solver log |
#
# `ikmopt datasets` lists the bundled datasets.
#
# User errors (a missing file, malformed data, a policy that does not fit, an infeasible plan)
# print one message to standard error, without a traceback, and exit with status 2:
#
# ```console
# $ ikmopt solve --data my-folder; echo "exit status $?"
# ```
#
# A successful run exits with status 0, so the command can be used in scripts.
#
# ## A walkthrough in Python
#
# The examples below run in order, as one session. The working directory receives the files
# they write.
#
# ### Load data

# %%
import pandas as pd

import ikmopt as ik

pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 12)

data = ik.datasets.load("indonesia-provinces")
print(data)
print(data.regions[["island_group", "kti", "population"]].head())
print(data.impacts[["jobs", "value_added", "wub", "sentra", "capacity"]].head(6).round(2))

# %% [markdown]
# A dataset has three tables: `regions` (one row per province, with `population` and any
# attributes such as `island_group` or `kti`), `programs` (one row per instrument, with its
# funding `channel`) and `impacts` (one row per region × program *cell*, with the `capacity`
# it can absorb in Rp bn and one column per outcome *metric* per Rp bn spent: here `jobs`,
# `value_added` and each program's output indicator, such as `wub` (new entrepreneurs) for
# training and `sentra` for the IKM centres, zero in the other programs' cells). The
# [Data](data.md) page describes every column and where each number comes from.
#
# ### State a policy
#
# A [`Policy`](reference/build.md#ikmopt.Policy) is a budget, a list of rules and an
# objective:

# %%
policy = ik.Policy(
    budget=ik.Budget(total=971, by={"channel": {"DAK fisik": 395}}),
    constraints=[
        ik.RegionBounds(min_share=0.005, max_share=0.10),  # each province 0.5 %-10 % of budget
        ik.GroupShare("kti", min=0.40),                    # KTI >= 40 % of total spend
        ik.ProgramShare("training", max=0.55),             # training <= 55 % of total spend
        ik.Target("jobs", min=8_000),                      # at least 8,000 new jobs
    ],
    objective=ik.Weighted(jobs=1.0, value_added=0.5),
)
for line in policy.describe():
    print(line)

# %% [markdown]
# * [`Budget`](reference/build.md#ikmopt.Budget): `total` in Rp bn; `by` adds limits for
#   groups of any level (a program, a funding channel, an island group); `spend_all=True` makes
#   the total an equality.
# * [`RegionBounds`](reference/build.md#ikmopt.RegionBounds): floors and caps per region in
#   Rp bn (`min`, `max`), as a share of the budget (`min_share`, `max_share`) or in rupiah per
#   inhabitant (`min_rp_per_capita`, `max_rp_per_capita`); a number for every region or a
#   mapping `{region: value}`; `by="island_group"` bounds groups of regions instead.
# * [`GroupShare`](reference/build.md#ikmopt.GroupShare) and
#   [`ProgramShare`](reference/build.md#ikmopt.ProgramShare): a minimum or maximum share of
#   **total spend** (not of the budget) for a group of regions or for programs.
# * [`Target`](reference/build.md#ikmopt.Target): bounds on an outcome, nationally or with
#   `by=` for every region or group.
# * Objectives: [`Maximize("jobs")`](reference/build.md#ikmopt.Maximize) or
#   [`Weighted(...)`](reference/build.md#ikmopt.Weighted), whose weights are unit-free because
#   each metric is divided by its own best value.
#
# The exact formulation of each rule is on the [Methodology](methodology.md) page.
#
# ### Optimize and inspect the plan

# %%
result = ik.optimize(data, policy)
print(result)
print(result.status, result.solver, round(result.objective, 4))

# %% [markdown]
# `result.allocation` is the spend per cell in Rp bn; `result.by(level)` sums spend and
# outcomes by any level or attribute, and adds population and spend per inhabitant for region
# groupings:

# %%
print(result.allocation.head(8).round(2))
print(result.by("region").sort_values("spend", ascending=False).head().round(2))
print(result.by("island_group").round(2))
print(result.outcomes.round(1))

# %% [markdown]
# `result.constraints` has one row per policy row: the rule as written, its family and label,
# the `activity` (the row's value at the plan), its `lower` and `upper` bound, the `slack`, the
# `shadow_price` and whether it is `binding`. Share rules are reported as shares.
# `result.binding` keeps the binding rows, largest shadow price first:

# %%
columns = ["family", "label", "activity", "lower", "upper", "shadow_price"]
print(result.constraints[columns].head(4))
print(result.binding[columns].head(4))

# %% [markdown]
# Here the training cap (55 % of spend) and the KTI floor (40 %) are the rules that cost the
# most. Shadow prices of share rules are per 1.0 of share (100 percentage points), so
# relaxing the KTI floor by one percentage point would raise the objective by about a
# hundredth of the KTI shadow price. The objective is weighted here, so the units are
# normalized scores; see [shadow prices](methodology.md#shadow-prices).
#
# `result.equity` measures how evenly spend and outcomes per inhabitant are spread across
# provinces (population weighted; spend in rupiah per inhabitant, outcomes per 100,000
# inhabitants):

# %%
print(result.equity.loc[["spend", "jobs", "value_added"]].round(3))

# %% [markdown]
# ### Export

# %%
result.to_csv("plan-tables")         # one CSV file per table
result.to_excel("plan.xlsx")         # the same tables, one sheet each
result.write_lp("plan.lp")           # the model as a readable CPLEX-LP file
import os

print(sorted(os.listdir("plan-tables")))

# %% [markdown]
# The `.lp` file names every variable and row after its labels, for example
# `x(Aceh,training)` and `region_bounds(Aceh)`, so a reviewer can read the model without
# Python. `result.write_mps(path)` writes MPS instead.
#
# ### Measure another allocation
#
# [`ik.evaluate`](reference/inspect.md#ikmopt.solving.evaluate.evaluate) computes the same outcomes, aggregates
# and equity measures for any allocation, such as a rule of thumb or last year's actual
# spend. Here, the budget is split by each province's share of IKM establishments and then
# equally across the six programs:

# %%
firms = data.regions["imk_establishments"]
region_share = (firms / firms.sum()).reindex(data.cells.get_level_values("region"))
rule = pd.Series(971 * region_share.to_numpy() / len(data.programs), index=data.cells)

alternative = ik.evaluate(data, rule)
comparison = pd.DataFrame({"optimized": result.outcomes, "by firms": alternative.outcomes})
print(comparison.round(1))
print(alternative.equity.loc["spend"].round(3))
print((rule > data.impacts["capacity"]).sum(), "cells above their capacity")

# %% [markdown]
# `evaluate` measures the allocation as given: it does not check capacities or policy rules.
# This rule, for instance, puts more into 147 cells than their capacity (almost every
# machines, certification, digital and downstream cell: those programs have only ever
# delivered Rp 15-25 bn a year), so part of its outcomes could not be realized. A Series may
# list only some cells; the others spend 0.
#
# ### What if? Derived datasets
#
# A dataset is immutable; what-if work derives modified copies and optimizes again:
#
# * `data.scale(metric, factor, where=...)` multiplies a metric (or `"capacity"`) in the
#   selected cells;
# * `data.with_capacity(factor=... or value=..., where=...)` scales or sets capacities
#   (diminishing-returns segments stretch with them);
# * `data.with_cost(factor, where=...)` makes delivery dearer (fewer outcomes per Rp bn, more
#   money to reach the same IKM units);
# * `data.drop_regions([...])` removes regions and their cells, and
#   `data.add_regions(regions, impacts)` adds new ones.
#
# `where` selects cells by any level or attribute, for example `{"program": "training"}` or
# `{"island_group": ["Maluku", "Papua"]}`.

# %%
pessimistic = data.scale("jobs", 0.7, where={"program": "training"})  # training jobs 30 % lower
more_sentra = data.with_capacity(factor=1.5, where={"program": "sentra"})
without = data.drop_regions(["Papua Pegunungan"])

# maximize jobs alone, without the 8,000-job target (see the next section for why)
jobs_only = policy.without(ik.Target).replace(objective=ik.Maximize("jobs"))
rows = {}
for name, variant in [("bundled", data), ("training jobs -30 %", pessimistic),
                      ("sentra capacity +50 %", more_sentra),
                      ("without Papua Pegunungan", without)]:
    plan = ik.optimize(variant, jobs_only)
    rows[name] = {"jobs": plan.outcomes["jobs"], **plan.by("program")["spend"]}
print(pd.DataFrame(rows).T.round(0))

# %% [markdown]
# Training jobs 30 % lower cost about 2,350 jobs without moving any money: training stays the
# best program per rupiah, and every program but sentra is at its capacity. More sentra
# capacity adds about 20 jobs for the same sentra spending: a cell's diminishing-returns
# segments stretch with its capacity, so the same money earns the higher early returns over
# more of each cell.
#
# `policy.replace(...)` changes one field of a policy; `policy.add(rule)` and
# `policy.without(RuleType)` (or a position in the list of rules) add or remove rules.
#
# ### When a policy cannot be met
#
# Rules that contradict each other or the data raise an error before or after solving. A
# [`PolicyError`](reference/errors.md#ikmopt.PolicyError) means a rule does not fit the data
# (an unknown region, a share above 1, a floor above a cap). An
# [`InfeasibleError`](reference/errors.md#ikmopt.InfeasibleError) means the rules are
# well-formed but no allocation satisfies all of them: here, if training creates 30 % fewer
# jobs than assumed, no plan within the other rules reaches the 8,000-job target (the best
# possible is shown above, without the target).

# %%
try:
    ik.optimize(data, policy.add(ik.RegionBounds(min={"Jawa Barta": 20})))
except ik.PolicyError as err:
    print("PolicyError:", err)

try:
    ik.optimize(pessimistic, policy)
except ik.InfeasibleError as err:
    print("InfeasibleError:", err)

# %% [markdown]
# The error carries a diagnosis: the target would have to fall to 6,340 jobs, the most the
# pessimistic coefficients allow (the second row of the table above). [When the plan is
# infeasible](infeasible.md) shows the whole diagnosis: alternatives, the conflicting rules and
# the relaxed policy.
#
# ## Your own data
#
# ### From DataFrames
#
# Build a [`Dataset`](reference/build.md#ikmopt.Dataset) from three tables. Labels may be
# columns or the index; `population` is required in `regions`, `capacity` in `impacts`, and
# every other numeric column of `impacts` is a metric.

# %%
regions = pd.DataFrame({
    "region": ["Kota A", "Kab. B", "Kab. C"],
    "population": [1_200_000, 650_000, 300_000],
    "remote": [False, True, True],
})
programs = pd.DataFrame({"program": ["training", "sentra"],
                         "channel": ["Tugas Pembantuan", "DAK fisik"]})
impacts = pd.DataFrame({
    "region":   ["Kota A", "Kota A", "Kab. B", "Kab. B", "Kab. C", "Kab. C"],
    "program":  ["training", "sentra"] * 3,
    "jobs":     [30.0, 12.0, 25.0, 10.0, 28.0, 9.0],      # per Rp bn
    "capacity": [4.0, 10.0, 3.0, 8.0, 2.0, 5.0],          # Rp bn
})
mine = ik.Dataset(regions, programs, impacts, name="my-province",
                  metric_units={"jobs": "jobs"})
plan = ik.optimize(mine, ik.Policy(budget=ik.Budget(total=15),
                                   constraints=[ik.GroupShare("remote", min=0.4)]))
print(mine)
print(plan.allocation)

# %% [markdown]
# Money columns may be in another unit: pass `money_unit="Rp juta"` (or add a `unit` column)
# and capacities and coefficients are converted to Rp bn once, when the dataset is built.
#
# ### From CSV files or an Excel workbook
#
# `Dataset.from_csv(folder)` reads `regions.csv`, `programs.csv` and `impacts.csv` (and an
# optional `sources.csv`) from a folder; `Dataset.from_excel(path)` reads a workbook with one
# sheet per table. `to_csv` and `to_excel` write the same layout, which is a convenient way to
# start: export the bundled data, edit it in a spreadsheet, read it back. They also write a
# `dataset.json` file (a `dataset` sheet) with the description, the metric units and which
# columns are text, so that codes keep their leading zeros on the way back.

# %%
data.to_csv("my-dataset")                        # regions.csv, programs.csv, impacts.csv, ...
data.to_excel("my-dataset.xlsx")
from_folder = ik.Dataset.from_csv("my-dataset")
from_workbook = ik.Dataset.from_excel("my-dataset.xlsx")
print(from_folder)
print(from_workbook.n_cells, from_workbook.metrics)

# %% [markdown]
# The command line reads the same files: `ikmopt solve --data my-dataset` or
# `ikmopt solve --data my-dataset.xlsx`.
#
# ### What a `DataError` looks like
#
# Validation happens once, when the dataset is built, and reports every problem at once. The
# message summarizes them; `failure_cases` is a table with one row per problem and the columns
# `table`, `column`, `label`, `check` (the message text) and `value` (the offending value):

# %%
bad_regions = pd.DataFrame({"region": ["Kota A", "Kab. B", "Kab. B"],
                            "population": [1_200_000, -5, 300_000]})
bad_impacts = pd.DataFrame({"region": ["Kota A", "Kab. D"], "program": ["training"] * 2,
                            "jobs": [30.0, "n/a"]})
try:
    ik.Dataset(bad_regions, programs, bad_impacts, name="draft")
except ik.DataError as err:
    print(err)
    print(err.failure_cases[["table", "column", "label", "value"]])

# %% [markdown]
# `DataError` is also a `ValueError`, and `PolicyError` too, so `except ValueError` catches
# both; see [Errors](reference/errors.md).
