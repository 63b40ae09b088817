"""The model in one place: every index set, symbol, column family, row family and objective.

The program that :func:`~ikmopt.model.build.build` assembles is a list of *families*: each
column of a :class:`~ikmopt.model.lp.LinearProgram` has the family of ``lp.aux["family"]``
(the cells are the family ``cell``), each row the family of ``lp.rows["family"]``. This
module states each family once, as mathematics with the unit of every symbol, next to the
class that emits it. The documentation's *Model* page is generated from it, and the tests
check it against the code both ways: every family a program can contain has an entry here,
and every entry here is a family some program contains.

Rows of the family ``definition`` define an auxiliary column and nothing else; they are
keyed here as ``definition:<column family>`` by the column they define, the newest column
in the row (see :func:`row_keys`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ikmopt.model.lp import LinearProgram

__all__ = [
    "COLUMNS",
    "INDEX_SETS",
    "INTERMEDIATE",
    "OBJECTIVES",
    "ROWS",
    "SYMBOLS",
    "TERMS",
    "Family",
    "Symbol",
    "column_keys",
    "row_keys",
]


@dataclass(frozen=True)
class Symbol:
    """One symbol of the model statement.

    Attributes
    ----------
    tex : str
        The symbol in TeX (without dollars).
    meaning : str
        What it is.
    unit : str
        Its unit (``1`` for a pure number).
    code : str
        Where it is in the code or data.
    """

    tex: str
    meaning: str
    unit: str
    code: str = ""


@dataclass(frozen=True)
class Family:
    """A family of columns or rows, or an objective.

    Attributes
    ----------
    key : str
        The family as the program names it (``lp.rows["family"]``, ``lp.aux["family"]``),
        ``definition:<column family>`` for definition rows, or an objective's class name.
    title : str
        A short title.
    math : str
        The statement in TeX (display math, without ``$$``); several lines are separated
        by a TeX line break.
    unit : str
        Unit of the family's values (a column's value, a row's activity and bounds, an
        objective's value).
    size : str
        How many columns or rows one rule adds.
    source : str
        The class or function that emits it.
    note : str
        What the statement leaves out or needs (optional).
    """

    key: str
    title: str
    math: str
    unit: str
    size: str
    source: str
    note: str = ""


def _families(*families: Family) -> dict[str, Family]:
    return {f.key: f for f in families}


#: Index sets.
INDEX_SETS: tuple[Symbol, ...] = (
    Symbol(r"r \in R", "regions (provinces, or regencies with a parent province)", "–",
           "data.regions.index"),
    Symbol(r"p \in \mathcal{P}", "programs (instruments)", "–", "data.programs.index"),
    Symbol(r"\sigma", "sectors (optional index level)", "–", 'level "sector"'),
    Symbol(r"t \in \mathcal{Y}", "plan years (optional index level; one year without it)",
           "year", 'level "year"'),
    Symbol(r"c \in C", r"cells $c = (r, p[, \sigma][, t])$, one per row of the impacts table",
           "–", "data.cells"),
    Symbol(r"g \in G_\ell,\; C_g", r"groups of a level $\ell$ (a cell level, a regions or "
           r"programs column, or a tuple of them) and the cells of group $g$", "–",
           "data.level_codes(level)"),
    Symbol(r"k \in K_c", r"the diminishing-returns segments of cell $c$", "–",
           "data.curves"),
    Symbol(r"k \in K", "funding pots (channels): APBN pusat, Tugas Pembantuan, DAK fisik ...",
           "–", "Budget(pots=...)"),
    Symbol(r"j \in J,\; J_g", r"candidate discrete projects, and those whose cell is in $C_g$",
           "–", "data.projects"),
    Symbol(r"i \in I", "proposals of the regions", "–", "data.proposals"),
    Symbol(r"m \in M", "metrics (jobs, value_added, ... every numeric impacts column)", "–",
           "data.metrics"),
    Symbol(r"s = 1, \dots, S", "sampled scenarios of the impact coefficients", "–",
           "CVaR(samples=S)"),
)

#: Data and policy numbers (parameters), with units.
SYMBOLS: tuple[Symbol, ...] = (
    Symbol("u_c", "capacity of cell $c$ (absorptive capacity)", "Rp bn",
           'impacts["capacity"]'),
    Symbol("a_{mc}", "outcome of metric $m$ per Rp bn spent in cell $c$",
           "metric unit per Rp bn", "impacts[m]"),
    Symbol("P_r,\\; P_g", "population of region $r$; of a group, summed over its regions",
           "persons", 'regions["population"]'),
    Symbol("\\pi_r", "poverty rate of region $r$ (for PovertyWeighted)", "%",
           'regions["poverty_rate_pct"]'),
    Symbol("s_g", "weight share of group $g$, $P_g / \\sum_h P_h$", "1",
           "equity rules"),
    Symbol("w_{ck},\\; f_{ck}", "width and outcome factor of segment $k$ of cell $c$ "
           "(factors non-increasing in $k$)", "Rp bn; 1", "curves"),
    Symbol("F_j,\\; b_{mj}", "cost of project $j$; its outcome of metric $m$ once built",
           "Rp bn; metric unit", "projects"),
    Symbol("B,\\; B_k,\\; L_g", "budget total, pot ceiling, budget limit of a group",
           "Rp bn", "Budget"),
    Symbol("\\ell_g,\\; h_g", "floor and cap of a group's spend", "Rp bn", "RegionBounds"),
    Symbol("\\alpha", "share of total spend (min or max)", "1", "GroupShare, ProgramShare"),
    Symbol("\\beta", "outcome-equity ratio", "1", "OutcomeEquity"),
    Symbol("G,\\; q", "Gini cap; number of Lorenz brackets", "1", "GiniCap"),
    Symbol("\\delta,\\; \\rho", "ramp: absolute and relative change between years",
           "Rp bn; 1", "Ramp"),
    Symbol("a_i,\\; \\bar a_i,\\; \\rho_i", "proposal: amount asked, column bound, readiness",
           "Rp bn; Rp bn; 1", "proposals"),
    Symbol("\\Lambda_g,\\; R_g", "last year's allocation and realisation of group $g$",
           "Rp bn", "last_year"),
    Symbol("\\delta^+,\\; \\delta^-,\\; N", "LastYear: largest rise and fall (shares), cap "
           "of a group new this year", "1; 1; Rp bn", "LastYear"),
    Symbol("m_g,\\; M_g,\\; n_{\\max}", "minimum meaningful allocation, the most group $g$ "
           "could get, most recipients", "Rp bn; Rp bn; count", "MinimumAllocation"),
    Symbol("\\mu,\\; \\Pi_{rp}", "co-funding match ratio; the region's pledge", "1; Rp bn",
           "CoFunding"),
    Symbol("e_c", "spend already made in cell $c$ (replanning)", "Rp bn", "replan"),
    Symbol("w_m", "objective weight of metric $m$", "1", "Weighted"),
    Symbol("z^*_m", "single-objective optimum of metric $m$ under the same rules",
           "metric unit", "result.optima"),
    Symbol("\\gamma", "poverty-weight strength", "1", "PovertyWeighted"),
    Symbol("\\tau", "relative tolerance by which a stage's optimum is held", "1",
           "Lexicographic, MaxMin"),
    Symbol("\\theta_{sc}", "realized multiplier of cell $c$'s coefficients in scenario $s$",
           "1", "data.uncertainty"),
    Symbol("\\omega_t(m)", "accrual weight of an outcome created in year $t$ (1 without "
           "accrual)", "1 (metric-years per unit)", "Policy(accrual=...)"),
)

#: Linear terms every rule reads (spend and outcomes of a group).
TERMS: tuple[Symbol, ...] = (
    Symbol("S_g(x, z) = \\sum_{c \\in C_g} x_c + \\sum_{j \\in J_g} F_j z_j",
           "spend of group $g$ (projects built count as spend of their cell)", "Rp bn",
           'ctx.terms("spend")'),
    Symbol("\\phi_{mc}(x) = a_{mc}\\, x_c \\;\\text{, or }\\; \\sum_{k \\in K_c} a_{mc} "
           "f_{ck}\\, y_{ck} \\text{ for a cell with segments}",
           "outcome of metric $m$ in cell $c$", "metric unit", "ctx.terms(metric)"),
    Symbol("O_{mg}(x, z) = \\sum_{c \\in C_g} \\phi_{mc}(x) + \\sum_{j \\in J_g} b_{mj} z_j",
           "outcome of metric $m$ in group $g$ (for spend, $O_{g} = S_g$)", "metric unit",
           "ctx.terms(metric)"),
)

#: Column families (``cell`` is the cells; the others are ``lp.aux["family"]``).
COLUMNS: dict[str, Family] = _families(
    Family("cell", "Spend per cell", r"0 \le x_c \le u_c \qquad c \in C", "Rp bn",
           "one per cell", "the dataset",
           "Capacities are column bounds, not rows; their prices are reduced costs."),
    Family("segment", "Diminishing-returns segments",
           r"0 \le y_{ck} \le w_{ck} \qquad k \in K_c", "Rp bn",
           "one per segment of the curves table", "Dataset(curves=...)"),
    Family("project", "Discrete projects", r"z_j \in \{0, 1\} \qquad j \in J", "1 (built)",
           "one per candidate project (makes the program a MIP)", "Dataset(projects=...)"),
    Family("pot_spend", "Money a cell gets from a pot",
           r"y^{\mathrm{pot}}_{ck} \ge 0 \qquad p(c) \in \mathcal{P}_k", "Rp bn",
           "one per cell and pot that funds its program", "Budget(pots=...)"),
    Family("total_spend", "Total spend", r"T \ge 0", "Rp bn",
           "one, shared by the budget total and every share rule",
           "BuildContext.total_spend_column"),
    Family("aggregate_total", "Total of a share rule's aggregate (other than all spend)",
           r"D_{mW} \ge 0", "metric unit (Rp bn for spend)",
           "one per aggregate (metric and filter), shared", "GroupShare, ProgramShare"),
    Family("outcome_total", "National total of an equity metric", r"O_m \ge 0",
           "metric unit (Rp bn for spend)", "one per metric and level, shared",
           "OutcomeEquity"),
    Family("gini_value", "Group value of a Gini cap",
           r"v_g \ge 0 \qquad g \in G_\ell", "metric unit (Rp bn for spend)",
           "one per group", "GiniCap"),
    Family("gini_pair", "Absolute pair differences (pairwise Gini)",
           r"d_{gh} \ge 0 \qquad g < h", "as $v_g$", "$n(n-1)/2$ for $n$ groups",
           'GiniCap(method="pairwise")'),
    Family("lorenz_t", "Lorenz thresholds", r"t_k \in \mathbb{R} \qquad k = 1, \dots, q-1",
           "as $v_g$", "$q - 1$", 'GiniCap(method="lorenz")'),
    Family("lorenz_level", "Lorenz levels",
           r"\lambda_k \in \mathbb{R} \qquad k = 1, \dots, q-1", "as $v_g$", "$q - 1$",
           'GiniCap(method="lorenz")'),
    Family("lorenz_u", "Lorenz tail excesses", r"\upsilon_{gk} \ge 0", "as $v_g$",
           "$n(q - 1)$", 'GiniCap(method="lorenz")'),
    Family("proposal", "Money given to a proposal", r"0 \le f_i \le \bar a_i \qquad i \in I",
           "Rp bn", "one per proposal", "FundProposals"),
    Family("recipient", "Whether a group receives its minimum allocation",
           r"b_g \in \{0, 1\}", "1", "one per group with a minimum (a MIP)",
           "MinimumAllocation"),
    Family("maxmin", "The lowest per-capita outcome (stage 1 of MaxMin)",
           r"\zeta \in \mathbb{R}", "metric unit per 100,000 persons", "one", "MaxMin"),
    Family("cvar", "Value at risk and scenario shortfalls",
           r"\eta \in \mathbb{R}, \qquad \xi_s \ge 0 \quad s = 1, \dots, S", "metric unit",
           "$S + 1$", "CVaR"),
    Family("goal_min", "Shortfall below a goal", r"s^-_k \ge 0", "metric unit",
           "one per goal row with a min", "GoalProgram"),
    Family("goal_max", "Overshoot above a goal", r"s^+_k \ge 0", "metric unit",
           "one per goal row with a max", "GoalProgram"),
    Family("segment_order", "Segment-order binaries (only if a solve fills a curve out of "
           "order)", r"\kappa_{ck} \in \{0, 1\}", "1",
           "one per pair of consecutive segments of the disordered cells",
           "ikmopt.model.ordering.with_order"),
)

#: Row families (``lp.rows["family"]``; definition rows by the column they define).
ROWS: dict[str, Family] = _families(
    Family("budget", "Budget",
           r"T \le B \;\; (= B \text{ with spend\_all}), \qquad S_g(x, z) \le L_g "
           r"\quad g \in G_\ell \text{ listed in by=}",
           "Rp bn", "one for the total (none when the pots hold no more), one per listed group",
           "Budget"),
    Family("pot", "Pot ceilings",
           r"\sum_{c:\, p(c) \in \mathcal{P}_k} y^{\mathrm{pot}}_{ck} + \sum_{j \in J^{(k)}} "
           r"F_j z_j \le B_k \;\; (= B_k \text{ with spend\_all}) \qquad k \in K",
           "Rp bn", "one per pot", "Budget(pots=...)"),
    Family("region_bounds", "Region (group) floors and caps",
           r"\ell_g \le S_g(x, z) \le h_g, \qquad \ell_g = \max\big(\text{min}_g,\, "
           r"\text{min\_share}_g B,\, \text{min\_rp\_per\_capita}_g P_g / 10^9\big)",
           "Rp bn", "one per group with a finite floor or cap", "RegionBounds",
           "$h_g$ likewise with min and max exchanged; rupiah per capita times persons "
           "over $10^9$ is Rp bn."),
    Family("share", "Group and program shares",
           r"S_G(x, z) - \alpha\, T \ge 0 \;\; (\text{min}), \qquad "
           r"S_G(x, z) - \alpha\, T \le 0 \;\; (\text{max}); \qquad "
           r"O_{m, G \cap W}(x, z) - \alpha\, D_{mW} \gtrless 0 \;\; (\text{of}=m,\, "
           r"\text{within}=W)",
           "Rp bn, or metric unit (reported as the share $S_G / T$)",
           "one per bounded group and sense", "GroupShare, ProgramShare",
           "A ratio row: the user's number is $\\alpha$, its activity $S_G / T$."),
    Family("relation", "Linear relations between aggregates",
           r"\sum_k \kappa_k\, O_{m_k,\, W_k \cap g}(x, z) \;\{\le, \ge, =\}\; b_g",
           "unit of the terms (Rp bn for spend, metric unit)",
           "one, or one per group of by= that has a term", "Relation",
           "$\\kappa_k$ is a term's coefficient and $W_k$ the cells its filter selects; "
           "$O_{\\text{spend}} = S$."),
    Family("target", "Targets and limits on outcomes",
           r"\text{min}_g \le O_{mg}(x, z) \le \text{max}_g", "metric unit",
           "one nationally, or one per group with a finite bound", "Target, MinCost",
           "Plain coefficients $a_{mc}$, never accrued."),
    Family("outcome_equity", "Outcome equity",
           r"O_{mg}(x, z) - \beta\, s_g\, O_m \ge 0 \qquad g \in G_\ell", "metric unit",
           "one per group", "OutcomeEquity",
           "A ratio row: $O_{mg} / P_g \\ge \\beta\\, O_m / P$."),
    Family("gini", "Gini cap",
           r"\text{pairwise:}\;\; d_{gh} - v_g + v_h \ge 0,\;\; d_{gh} + v_g - v_h \ge 0,"
           r"\;\; \sum_{g<h} s_g s_h d_{gh} - G \sum_g s_g v_g \le 0 \\"
           r"\text{lorenz:}\;\; \upsilon_{gk} - t_k + v_g \ge 0,\;\; p_k t_k - \sum_g s_g "
           r"\upsilon_{gk} - \lambda_k \ge 0,\;\; \tfrac{2}{q}\sum_k \lambda_k - "
           r"\big(1 - G - \tfrac1q\big) \sum_g s_g v_g \ge 0",
           "as $v_g$ (the cap row reported as a Gini)",
           "pairwise $n(n-1) + 1$; lorenz $(q-1)(n+1) + 1$", "GiniCap",
           "$p_k = k/q$. The pair, tail and level rows are of kind definition; only the cap "
           "row is listed in result.constraints."),
    Family("ramp", "Ramp between consecutive years",
           r"-\delta \le S_{g,t} - S_{g,t-1} \le \delta \;\; (\rho = 0); \quad "
           r"S_{g,t} - (1+\rho) S_{g,t-1} \le \delta,\;\; S_{g,t} - (1-\rho) S_{g,t-1} "
           r"\ge -\delta",
           "Rp bn", "one (or two) per group and pair of consecutive years", "Ramp"),
    Family("project_count", "Project counts",
           r"\text{min}_g \le \sum_{j \in J_g} z_j \le \text{max}_g", "projects",
           "one per group with a finite bound", "ProjectCount"),
    Family("proposals", "Spend only where proposed",
           r"\sum_{c \in C_G} y^{\mathrm{pot}}_{c k_G} - \sum_{i \in G} f_i = 0, \qquad "
           r"\sum_{(c, k) \notin \text{any } G} y^{\mathrm{pot}}_{ck} \le 0",
           "Rp bn", "one per group of proposals (same cells and pot), one 'not proposed'",
           "FundProposals", "$x_c$ in place of $y^{\\mathrm{pot}}_{ck}$ without pots."),
    Family("last_year", "Indicative ceilings anchored on last year",
           r"\max\big((1 - \delta^-) \Lambda_g,\, [R_g],\, [\Lambda_g]\big) \le S_g \le "
           r"(1 + \delta^+) \Lambda_g \;\; (\Lambda_g > 0), \qquad S_g \le N \;\; "
           r"(\Lambda_g = 0)",
           "Rp bn", "one per group with a floor or ceiling", "LastYear",
           "$[R_g]$ with floor='realisation', $[\\Lambda_g]$ with floor='allocation'."),
    Family("minimum_allocation", "Minimum meaningful allocations",
           r"S_g - m_g b_g \ge 0, \qquad S_g - M_g b_g \le 0, \qquad "
           r"\sum_g b_g \le n_{\max}",
           "Rp bn (count for the last row)", "two per group with a minimum, one more with "
           "max_recipients", "MinimumAllocation"),
    Family("cofunding", "Co-funding",
           r"S_{rp} \le \mu\, \Pi_{rp} \;\; (\text{match}), \qquad "
           r"\sum_{\Pi_{rp} > 0} S_{rp} - \alpha \sum_{r, p} S_{rp} \ge 0 \;\; "
           r"(\text{reserve})",
           "Rp bn", "one per region and program with pot spend, one for the reserve",
           "CoFunding", "$S_{rp}$ is the spend from the rule's pot."),
    Family("committed", "Spend already made (replanning)",
           r"x_c \ge e_c \qquad e_c > 0", "Rp bn", "one per cell with spending to date",
           "ikmopt.analysis.replan.Committed"),
    Family("spent", "Money paid or contracted kept (monitoring re-plan)",
           r"\underline{e}_g \le S_g(x, z) \le \overline{e}_g", "Rp bn",
           "one per group with spending to date", "ikmopt.analysis.monitoring.replan.Spent",
           "$\\underline{e}_g$ is what group $g$ paid or contracted; "
           "$\\overline{e}_g$ holds a slow group to its projected spend."),
    Family("absorption", "Expected absorption (realisation) of the plan",
           r"\sum_{c, k} \min(1, \varrho_k \varphi_{r(c)})\, y^{\mathrm{pot}}_{ck} - "
           r"\alpha \sum_{c, k} y^{\mathrm{pot}}_{ck} \ge 0",
           "Rp bn (reported as the expected realisation share)", "one", "ExpectedAbsorption",
           "$\\varrho_k$ is pot $k$'s realisation rate, $\\varphi_r$ region $r$'s factor; "
           "without pots, $x_c$ and the region's own rate."),
    Family("maxmin", "MaxMin, stage 1",
           r"\frac{10^5}{P_g} O_{mg}(x, z) - \zeta \ge 0 \qquad g \in G_\ell",
           "metric unit per 100,000 persons", "one per group", "MaxMin"),
    Family("maxmin_floor", "MaxMin, stage 2: every group held at the best lowest level",
           r"\frac{10^5}{P_g} O_{mg}(x, z) \ge \zeta^* - \tau \max(1, |\zeta^*|)",
           "metric unit per 100,000 persons", "one per group", "MaxMin"),
    Family("lexicographic", "An earlier stage held at its optimum",
           r"f_j(x) \ge f_j^* - \tau \max(1, |f_j^*|) \qquad j < k",
           "unit of objective $f_j$", "one per earlier stage", "Lexicographic"),
    Family("goal", "Goal rows",
           r"O_{mk}(x, z) + s^-_k \ge \text{min}_k, \qquad O_{mk}(x, z) - s^+_k \le "
           r"\text{max}_k", "metric unit", "one per target row and finite bound",
           "GoalProgram"),
    Family("cvar", "CVaR scenario rows",
           r"\sum_{c} \theta_{sc}\, \omega_{t_c}(m)\, \phi_{mc}(x) + \sum_j \omega_{t_j}(m)\,"
           r" b_{mj} z_j - \eta + \xi_s \ge 0 \qquad s = 1, \dots, S",
           "metric unit", "$S$", "CVaR",
           "$\\theta_{sc}$ is the sampled multiplier times the realization share."),
    Family("held", "The objective held at its optimum (a MIP's tie-break)",
           r"c^\top x \ge V^* - 10^{-9} \max(1, |V^*|)", "objective unit", "one",
           "ikmopt.solving.optimize.prefer",
           "Only in the second solve of a MIP whose proposals differ in readiness."),
    Family("definition:total_spend", "Definition of total spend",
           r"\sum_{c \in C} x_c + \sum_{j \in J} F_j z_j - T = 0", "Rp bn", "one",
           "BuildContext.total_spend_column"),
    Family("definition:pot_spend", "A cell's spend is what its pots give it",
           r"x_c - \sum_{k:\, p(c) \in \mathcal{P}_k} y^{\mathrm{pot}}_{ck} = 0 \qquad c \in C",
           "Rp bn", "one per cell", "BuildContext.pots"),
    Family("definition:segment", "A cell's spend is the sum of its segments",
           r"x_c - \sum_{k \in K_c} y_{ck} = 0", "Rp bn", "one per cell with segments",
           "build (curves)"),
    Family("definition:aggregate_total", "Definition of a share rule's aggregate total",
           r"O_{m W}(x, z) - D_{mW} = 0", "metric unit (Rp bn for spend)",
           "one per aggregate", "GroupShare, ProgramShare",
           "$O_{mW}$ sums the metric over the cells $W$ selected by within= (all cells "
           "without it)."),
    Family("definition:outcome_total", "Definition of a national outcome total",
           r"\sum_{g} O_{mg}(x, z) - O_m = 0", "metric unit", "one per metric and level",
           "OutcomeEquity"),
    Family("definition:gini_value", "Definition of a Gini cap's group values",
           r"\frac{1}{s_g} O_{mg}(x, z) - v_g = 0 \qquad g \in G_\ell",
           "metric unit (Rp bn for spend)", "one per group", "GiniCap",
           "The mean $\\sum_g s_g v_g$ is the national total."),
    Family("definition:segment_order", "Segments filled in order (incremental model)",
           r"y_{ck} - w_{ck} \kappa_{ck} \ge 0, \qquad y_{c,k+1} - w_{c,k+1} \kappa_{ck} "
           r"\le 0", "Rp bn", "two per binary", "ikmopt.model.ordering.with_order"),
)

#: Objectives, by class name.
OBJECTIVES: dict[str, Family] = _families(
    Family("Maximize", "Maximize a metric",
           r"\max \sum_c \omega_{t_c}(m)\, \phi_{mc}(x) + \sum_j \omega_{t_j}(m)\, b_{mj} z_j",
           "metric unit", "no columns or rows", "Maximize"),
    Family("Weighted", "Weighted sum of normalized metrics",
           r"\max \sum_m \frac{w_m}{z^*_m} \Big(\sum_c \omega_{t_c}(m)\, \phi_{mc}(x) + "
           r"\sum_j \omega_{t_j}(m)\, b_{mj} z_j\Big)",
           "1 (a score of at most $\\sum_m w_m$)",
           "no columns or rows; one extra solve per weighted metric for $z^*_m$", "Weighted",
           "$z^*_m \\le 0$ gives a divisor of 1; normalize=False gives 1 for every metric."),
    Family("PovertyWeighted", "Poverty-weighted metric",
           r"\max \sum_c \Big(\frac{\pi_{r(c)}}{\bar\pi}\Big)^{\gamma} \omega_{t_c}(m)\, "
           r"\phi_{mc}(x) + \dots, \qquad \bar\pi = \frac{\sum_r P_r \pi_r}{\sum_r P_r}",
           "poverty-weighted metric unit", "no columns or rows", "PovertyWeighted"),
    Family("MaxMin", "Max-min (two stages)",
           r"\text{stage 1: } \max \zeta \;\; (\text{rows maxmin}); \qquad "
           r"\text{stage 2: } \max \sum_c \omega_{t_c}(m)\, \phi_{mc}(x) + \dots \;\; "
           r"(\text{rows maxmin\_floor})",
           "stage 1: metric per 100,000 persons; stage 2: metric unit",
           "one column and one row per group", "MaxMin"),
    Family("Lexicographic", "Lexicographic", r"\max f_k(x) \text{ s.t. rows lexicographic "
           r"for } j < k, \quad k = 1, \dots, K", "unit of the last objective",
           "one row per earlier stage", "Lexicographic"),
    Family("MinCost", "Minimum cost to reach targets",
           r"\min S(x, z) = \sum_c x_c + \sum_j F_j z_j \text{ s.t. the target rows}",
           "Rp bn", "the targets' rows", "MinCost",
           "Maximized as $-S$ and reported with its own sign."),
    Family("GoalProgram", "Goal programming",
           r"\min \sum_k \frac{w_k}{\max(1, |b_k|)} (s^-_k + s^+_k)",
           "1 (weighted relative deviation)", "one column and row per goal", "GoalProgram",
           "$b_k$ is the goal's bound; maximized as the negative."),
    Family("ExpectedValue", "Expected value over sampled coefficients",
           r"\max \frac{1}{S} \sum_s \Big(\sum_c \theta_{sc}\, \omega_{t_c}(m)\, "
           r"\phi_{mc}(x) + \sum_j \omega_{t_j}(m)\, b_{mj} z_j\Big)",
           "metric unit", "no columns or rows", "ExpectedValue"),
    Family("CVaR", "Conditional value at risk (Rockafellar-Uryasev)",
           r"\max\; \eta - \frac{1}{\alpha S} \sum_{s=1}^S \xi_s \text{ s.t. rows cvar}",
           "metric unit", "$S + 1$ columns, $S$ rows", "CVaR"),
)

#: Families that a helper emits but a rule always renames before the row enters a program.
INTERMEDIATE: dict[str, str] = {
    "per_capita": "per_capita_block: renamed maxmin or maxmin_floor by MaxMin",
    "constraint": "the base class's placeholder family",
    "relaxed": "Relaxed (a diagnosis) re-emits the rows of the rule it wraps, under their "
               "own families",
}


def column_keys(lp: LinearProgram) -> np.ndarray:
    """The column family of every column of ``lp`` (``cell`` for the cells)."""
    aux = lp.aux["family"].astype(str).to_numpy()
    return np.concatenate([np.full(lp.n_cells, "cell", dtype=object), aux.astype(object)])


def row_keys(lp: LinearProgram) -> np.ndarray:
    """The registry key of every row of ``lp``.

    The row's family, except for rows of the family ``definition``:
    ``definition:<column family>`` of the newest (highest-numbered) column in the row, the
    auxiliary column that the row defines.
    """
    keys = lp.rows["family"].astype(str).to_numpy().astype(object)
    definition = np.flatnonzero(keys == "definition")
    if len(definition):
        sub = lp.A[definition].tocsr()
        filled = np.diff(sub.indptr) > 0
        newest = np.full(len(definition), -1, dtype=np.int64)
        if filled.any():
            newest[filled] = np.maximum.reduceat(sub.indices, sub.indptr[:-1][filled])
        named = np.where(newest >= 0, column_keys(lp)[np.maximum(newest, 0)], "empty")
        keys[definition] = np.char.add("definition:", named.astype(str)).astype(object)
    return keys
