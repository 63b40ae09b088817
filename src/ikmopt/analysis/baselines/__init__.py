"""Rules of thumb: the allocations analysts use today instead of optimizing.

Every rule gives each region ``r`` a non-negative weight ``W_r`` (equal, population, IKM
units, poor population, last year's spend or a DAK-style index) and turns the weights into
an allocation over the cells that spends exactly the budget ``B`` and keeps every cell
within its capacity:

1. **Within a region** the region's weight is split over its cells (programs, and sectors
   and years when the dataset has them) in proportion to the cells' capacities ``k_c``:
   ``w_c = (W_r / sum_s W_s) * k_c / K_r`` with ``K_r = sum_{c in r} k_c``.
2. **Water-filling.** The allocation is ``x_c = min(k_c, lambda * w_c)`` with the one level
   ``lambda`` that makes ``sum_c x_c = B``: a cell whose proportional share would exceed its
   capacity is held at its capacity and the excess goes to the other cells in proportion to
   their weights. It is found in rounds: ``lambda = (B - capped spend) / (weight of the cells
   not capped yet)``; every cell with ``lambda * w_c > k_c`` is capped; repeat until no cell
   is over. Each round caps at least one more cell, so the loop ends after at most as many
   rounds as there are cells (two to four in practice). Because cells of a region share
   ``k_c / w_c``, a region is either filled to its total capacity or receives
   ``lambda W_r / sum_s W_s`` in all; cells with weight 0 receive nothing.

The capacity ``k_c`` is the impacts table's ``capacity`` (and, for a cell with a
diminishing-returns curve, no more than the end of its last segment, which the linear
program cannot pass either). A rule spends *exactly* the budget; it ignores every other
rule of a policy, which :func:`value_of_optimization` checks one by one.

:func:`value_of_optimization` puts the rules next to the optimum of a policy: spend,
outcomes, Gini of per-capita spend and outcomes, the policy's objective evaluated on each
rule, the optimum's gain over each rule and whether each rule satisfies each constraint.
"""

from __future__ import annotations

from ikmopt.analysis.baselines.dak import DAK_TERMS, dak_index, dak_index_terms
from ikmopt.analysis.baselines.proportional import (
    equal,
    ikm_units,
    last_year,
    population,
    poverty_weighted,
)
from ikmopt.analysis.baselines.value import (
    CAPACITY_CHECK,
    RULES,
    ValueOfOptimization,
    value_of_optimization,
)

__all__ = [
    "CAPACITY_CHECK",
    "DAK_TERMS",
    "RULES",
    "ValueOfOptimization",
    "dak_index",
    "dak_index_terms",
    "equal",
    "ikm_units",
    "last_year",
    "population",
    "poverty_weighted",
    "value_of_optimization",
]
