"""Policy constraints: each a frozen dataclass that emits labelled rows as sparse blocks.

Every constraint implements ``emit(ctx) -> list[RowBlock]`` with vectorized numpy (no
Python loop over cells) and ``describe()`` for tables and messages. The math of each family
is in the Methodology page of the documentation.

One module per family: :mod:`~ikmopt.model.constraints.base` (the base class and the checks
and row helpers the families share), :mod:`~ikmopt.model.constraints.budget`,
:mod:`~ikmopt.model.constraints.bounds`, :mod:`~ikmopt.model.constraints.shares`,
:mod:`~ikmopt.model.constraints.targets`, :mod:`~ikmopt.model.constraints.relation`,
:mod:`~ikmopt.model.constraints.ramp`,
:mod:`~ikmopt.model.constraints.projects` and :mod:`~ikmopt.model.constraints.equity`; the
planning cycle's :mod:`~ikmopt.model.constraints.proposals`,
:mod:`~ikmopt.model.constraints.last_year`, :mod:`~ikmopt.model.constraints.minimum` and
:mod:`~ikmopt.model.constraints.funding`.
"""

from __future__ import annotations

from ikmopt.model.constraints.absorption import ExpectedAbsorption
from ikmopt.model.constraints.base import Constraint, Value, per_group
from ikmopt.model.constraints.bounds import RegionBounds
from ikmopt.model.constraints.budget import Budget
from ikmopt.model.constraints.equity import (
    EquityGroups,
    GiniCap,
    OutcomeEquity,
    equity_groups,
    per_capita_block,
)
from ikmopt.model.constraints.funding import CoFunding
from ikmopt.model.constraints.last_year import LastYear
from ikmopt.model.constraints.minimum import MinimumAllocation
from ikmopt.model.constraints.projects import ProjectCount
from ikmopt.model.constraints.proposals import FundProposals
from ikmopt.model.constraints.ramp import Ramp
from ikmopt.model.constraints.relation import Aggregate, Relation, Term
from ikmopt.model.constraints.shares import GroupShare, ProgramShare, Share, check_share_rules
from ikmopt.model.constraints.targets import Target

__all__ = [
    "Aggregate",
    "Budget",
    "CoFunding",
    "Constraint",
    "EquityGroups",
    "ExpectedAbsorption",
    "FundProposals",
    "GiniCap",
    "GroupShare",
    "LastYear",
    "MinimumAllocation",
    "OutcomeEquity",
    "ProgramShare",
    "ProjectCount",
    "Ramp",
    "RegionBounds",
    "Relation",
    "Share",
    "Target",
    "Term",
    "Value",
    "check_share_rules",
    "equity_groups",
    "per_capita_block",
    "per_group",
]
