"""Jobs and IKM units over the years: a multi-year projection of a plan.

A tutorial in the percent cell format: ``docs/tutorials.py`` runs it and writes the page
``docs/projection.md`` with its real output and figures. Run it as a script:
``python examples/tutorials/projection.py``.
"""

# %% [markdown]
# # Jobs and IKM units over the years
#
# [`ik.evaluate`](reference/inspect.md#ikmopt.solving.evaluate.evaluate) and `result.outcomes` say
# what an allocation *creates*: so many jobs and so much value added a year for the money
# spent. A planner also asks what is still there later. How many of the jobs created with this
# year's budget exist three years on? How many IKM units do they amount to? How much value
# added does the plan produce over a five-year medium-term plan?
# [`project`](reference/simulate.md#ikmopt.analysis.projection.project) answers these questions year by year. It uses two
# dynamic parameters: an annual **survival** rate, and a **ramp-up** schedule for programs that
# take time to reach their full effect.
#
# The examples run in order, as one session; the whole page takes about a second.
#
# !!! warning "Illustrative coefficients and dynamics"
#     The bundled `indonesia-provinces` data combine official statistics (population, IKM
#     establishments and workers) with **illustrative** program coefficients (see
#     [Data](data.md)). The default survival rate (0.9) and ramp-up schedule (half the effect
#     in the first year) are also **illustrative assumptions**. No published estimate of how
#     long jobs created by IKM programs last is bundled with ikmopt. The conversion of jobs into
#     IKM units is an illustrative rule as well. The bundled jobs coefficients already count
#     each program's survival over the first year (for example 40 % of new entrepreneurs still
#     operating, see [Data](data.md)); the projection's survival applies from year to year
#     after that. The numbers below show how the projection behaves, not what a plan would
#     achieve. Replace the parameters with your own estimates.
#
# ## The equations
#
# Cell $c$ (a region $r$ and program $p$, and a sector and plan year when the dataset has
# them) receives $x_c$ Rp bn in plan year $t_c$. As
# [`ik.evaluate`](reference/inspect.md#ikmopt.solving.evaluate.evaluate) counts them, with
# diminishing-returns curves and projects built included, it creates
#
# * $J_c$ jobs,
# * $V_c$ Rp bn a year of value added,
# * $U_c$ IKM units (below).
#
# In calendar year $y$ of the horizon, at age $k = y - t_c$, the share of that effect which is
# there is
#
# $$
# f_c(y) =
# \begin{cases}
# 0 & k < 0 \text{ (not spent yet)},\\
# \rho_p(k)\, s_p^{\,k} & k \ge 0,
# \end{cases}
# $$
#
# and the table holds, summed over the cells of each row,
#
# $$
# \text{jobs}(y) = J_c\, f_c(y), \qquad
# \text{value\_added}(y) = V_c\, f_c(y), \qquad
# \text{ikm\_units}(y) = U_c\, f_c(y), \qquad
# \text{spend}(y) = x_c\,[\,y = t_c\,].
# $$
#
# * $s_p \in (0, 1]$ is the program's **survival** rate: the share of the effect still there
#   one year later (`survival=0.9`: 10 % of the jobs created are lost each year). Give one
#   rate, or one per program (`survival={"machines": 0.95, "training": 0.8}`; programs not
#   named keep the default). Jobs from machine restructuring plausibly last longer than jobs
#   from a training course.
# * $\rho_p(k)$ is the program's **ramp-up** schedule: `ramp_up=(ρ_0, ρ_1, ...)` gives the
#   share of the full effect reached in the spend year ($k = 0$), the year after, and so on.
#   The shares lie between 0 and 1 and never decrease. After the last listed share the effect
#   is full: $\rho_p(k) = 1$. An integer $n$ means a linear ramp over $n$ years,
#   $\rho(k) = (k + 1)/n$, so `ramp_up=1` is no ramp-up and `ramp_up=2` is `(0.5, 1.0)`. A
#   mapping `{program: schedule}` sets one schedule per program.
# * **Survival counts from the spend year**, as in [`Accrual`](reference/build.md#ikmopt.Accrual):
#   at age $k$ the effect is $s^k$ times its full size, even while it is still ramping up. The
#   ramp-up scales what has survived. It does not delay the survival clock.
# * **Value added follows the jobs.** It is multiplied by the same $f_c(y)$, so value added
#   per job stays constant in each cell. IKM units follow the jobs too.
# * A dataset **without a `year` level** spends everything in the first year of the horizon,
#   `start_year` (by default year 1). A dataset with a `year` level spends each cell's money in
#   its plan year. The horizon must start no later than the first plan year and must end no
#   earlier than the last one.
# * The `cumulative_` columns add a column up from the first horizon year:
#   `cumulative_spend` is the money spent so far, `cumulative_jobs` is **job-years**,
#   `cumulative_value_added` is the value added produced so far, and
#   `cumulative_ikm_units` is unit-years.
#
# **A hand check.** Rp 10 bn at 10 jobs per Rp bn creates $J = 100$ jobs. With
# `ramp_up=(0.5, 1.0)` and `survival=0.9`, the jobs in years 1 to 4 are
# $100 \cdot 0.5 = 50$, $100 \cdot 1 \cdot 0.9 = 90$, $100 \cdot 0.9^2 = 81$ and
# $100 \cdot 0.9^3 = 72.9$. That makes 293.9 job-years. The tests solve this instance and a few
# others by hand.
#
# ### IKM units
#
# A dataset may hold IKM units per Rp bn as a metric named `ikm_units`; if so, it is used as
# given. Otherwise the jobs are expressed in **average-sized IKM units**:
#
# $$
# U_c = \frac{J_c}{w_r}, \qquad w_r = \frac{\texttt{imk\_workers}_r}{\texttt{imk\_establishments}_r},
# $$
#
# where $w_r$ is the number of workers per micro or small manufacturing establishment in the
# cell's region. Both counts come from BPS's IMK tables in the bundled regions table (see
# [Data](data.md)). A regions table without these columns, or a region whose counts are
# missing or zero, uses the national ratio
# $9{,}484{,}645 / 4{,}461{,}888 = 2.1257$ workers per unit. This is the column sums of the
# bundled table, constant `NATIONAL_WORKERS_PER_UNIT`. `ikm_units` answers the question "how
# many typical IKM units' worth of employment is this?". It is **not** the number of firms a
# program reaches. A training course reaches many firms and adds few jobs to each.
#
# ## Defaults and where they come from
#
# | parameter | default | status |
# |---|---|---|
# | `years` | 5 (`DEFAULT_YEARS`) | The length of a medium-term plan (RPJMN 2025–2029). A planning convention, not an estimate. |
# | `survival` | 0.9 (`DEFAULT_SURVIVAL`) | **ILLUSTRATIVE assumption.** No published survival rate for jobs created by IKM programs is in the project's sources. |
# | `ramp_up` | `(0.5, 1.0)` (`DEFAULT_RAMP_UP`) | **ILLUSTRATIVE assumption.** Half the effect in the spend year, the full effect from the next. |
# | workers per IKM unit $w_r$ | `imk_workers / imk_establishments` per province | The counts are BPS IMK figures (labelled 2025; the year is unconfirmed, see [Data](data.md)). Using them to turn jobs into units is **ILLUSTRATIVE**. |
# | national workers per unit | 2.1257 (`NATIONAL_WORKERS_PER_UNIT`) | Column sums of the same BPS IMK table. Used only where a region lacks the counts. |
# | $J_c$, $V_c$ | the dataset's `jobs` and `value_added` coefficients | For the bundled data, **illustrative** defaults derived by the rule on the [Data](data.md) page. |
#
# All the constants live in `ikmopt.analysis.projection`. The defaults are arguments, so a projection
# with your own estimates is `project(plan, survival=..., ramp_up=...)`.
#
# ## A worked example on the bundled data
#
# The default policy spends Rp 971 bn in one budget year. Projected from 2026 with the
# default dynamics:

# %%
import pandas as pd

import ikmopt as ik
from ikmopt.analysis.projection import project

pd.set_option("display.width", 100)
pd.set_option("display.max_columns", 12)

data = ik.datasets.load("indonesia-provinces")
plan = ik.optimize(data, ik.default_policy())
view = project(plan, start_year=2026)
print(view.totals[["spend", "jobs", "value_added", "ikm_units", "cumulative_jobs"]].round(1))
print(round(plan.outcomes["jobs"], 1), "jobs created (ik.evaluate)")

# %% [markdown]
# The plan creates 8,774 jobs at full effect. Half of them are there in 2026, the spend
# year. In 2027 the effect is full, but one year of survival has passed, so
# $0.9 \times 8{,}774 = 7{,}897$ jobs remain. Every later year keeps 90 % of the year
# before, down to 5,757 in 2030. Over the five years this is 31,545 job-years. The jobs
# of 2027 amount to 3,768 average-sized IKM units. (The plan's own indicators count the firms
# the programs reach, such as 14,850 new entrepreneurs; `ikm_units` is the jobs in units of an
# average firm's workforce.)
#
# `view.table` has one row per year, province and program. `view.by(level)` sums the table
# by year and any province or program attribute, here the island groups in the last year:

# %%
last = view.by("island_group").loc[2030]
print(last[["jobs", "ikm_units", "cumulative_spend", "cumulative_value_added"]].round(1))

# %% [markdown]
# In each group, jobs per IKM unit is the average number of workers per IKM unit, weighted by
# the jobs: 2.20 in Jawa (2,980 jobs, 1,357 units), 1.74 in Kalimantan.
#
# ### Programs that last longer
#
# Jobs from machine restructuring (a firm that invests in equipment) plausibly outlast jobs
# from a training course. With illustrative per-program rates, other programs keep the default
# 0.9, and training ramps up over three years:

# %%
longer = project(plan, start_year=2026,
                 survival={"machines": 0.95, "training": 0.8},
                 ramp_up={"training": 3})
print(longer.survival)
print(pd.DataFrame({"default": view.totals["jobs"],
                    "per program": longer.totals["jobs"]}).round(1))
print(longer.by("program").loc[2030, "jobs"].round(1))

# %% [markdown]
# Training holds most of the plan's jobs (7,933 of 8,774), so its assumptions dominate. A
# three-year ramp-up and a survival of 0.8 leave 3,249 training jobs in 2030, against 5,205
# with the defaults. The higher survival of machine restructuring adds only 17 jobs in 2030
# (88 against 71). The total is lower in every year.
#
# The plan was optimized for jobs *created* and knows nothing of these assumptions.
# [`Accrual`](#relation-to-accrual) cannot tell it either, because its survival is set per
# metric, not per program. To optimize for job-years under per-program dynamics, scale each
# program's `jobs` coefficient by its job-years per job created over the horizon,
# $\sum_k \rho_p(k)\, s_p^{\,k}$, with `data.scale("jobs", factor, where={"program": ...})`.
# Then optimize on that copy.
#
# ### A chart
#
# `view.plot()` draws the national total by year; `by=` draws one line per group.
# matplotlib is imported only then (install `ikmopt[plot]`):

# %% [figure: projection-jobs | Jobs still there each year, by island group]
ax = view.plot("jobs", by="island_group")

# %% [markdown]
# ### Plans over several years
#
# With a `year` level, each cell's money is spent in its own plan year, and the projection
# adds the cohorts of every year. Here is a SYNTHETIC dataset with three plan years and half
# of every cell's capacity spent:

# %%
synthetic = ik.datasets.synthetic(n_regions=30, n_programs=3, n_sectors=0, n_years=3)
spend = synthetic.impacts["capacity"] * 0.5
yearly = project(spend, synthetic, years=5)
print(yearly.totals[["spend", "jobs", "cumulative_jobs"]].round(1))

# %% [markdown]
# ## Relation to `Accrual`
#
# [`Accrual`](reference/build.md#ikmopt.Accrual) is the optimizer's view of the same idea. It
# weights each plan year's coefficients by the discounted metric-years they earn up to the
# horizon, $w_m(t) = \sum_{k=0}^{\bar t - t} s_m^k / (1+d)^{t - t_0 + k}$. The plan then
# favours money that works for longer
# ([Methodology](methodology.md#outcomes-over-the-horizon)). `project` is the reporting view
# of a given plan, year by year, with the same survival convention (the age-$k$ effect is
# $s^k$, counted from the spend year). Only these parameters overlap:
#
# * `survival` means the same thing in both. `Accrual` sets it per metric, while `project`
#   sets it per program and applies it to jobs, value added and IKM units alike.
# * `project` adds the ramp-up, which `Accrual` does not have. `Accrual` has a discount rate,
#   which `project` does not apply: its table holds undiscounted yearly levels.
# * With no ramp-up (`ramp_up=1`) and one survival rate $s$, `cumulative_jobs` in year $Y$
#   equals `accrued["jobs"]` under `Accrual(survival=s, discount=0, last_year=Y)`. A dataset
#   without a `year` level is plan year 0 to `Accrual`, so the fifth year is `last_year=4`:

# %%
accrued = ik.evaluate(data, plan.allocation,
                      accrual=ik.Accrual(survival=0.9, last_year=4)).accrued
no_ramp = project(plan, survival=0.9, ramp_up=1)
print(round(accrued["jobs"], 1), round(no_ramp.totals.loc[5, "cumulative_jobs"], 1))

# %% [markdown]
# `project` does not change the plan; it only projects it. To make the optimizer prefer
# long-lasting jobs, set `Policy(..., accrual=ik.Accrual(...))`. Then project the plan it
# finds.
#
# Only `jobs`, `value_added` and `ikm_units` are projected. Other metrics a dataset may have
# (`exports`, say) are not, because nothing says how they evolve.
#
# ## API reference
#
# [`project`](reference/simulate.md#ikmopt.analysis.projection.project) and
# [`Projection`](reference/simulate.md#ikmopt.analysis.projection.Projection) are documented under
# [Simulate: projections](reference/simulate.md#projections), and the chart under
# [`ikmopt.plot.projection`](reference/inspect.md#ikmopt.plot.projection).
