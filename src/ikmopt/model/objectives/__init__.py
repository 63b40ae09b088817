"""Objectives: what the plan maximizes (or minimizes).

Each objective answers for itself (see :class:`~ikmopt.model.objectives.base.Objective`):
its metrics, its cost, its stages, the unit of its value and prices, its words in a report.
Normalized objectives (:class:`Weighted`) receive single-objective optima from
:func:`ikmopt.optimize`, which solves for them on the same constraints first.
"""

from __future__ import annotations

from ikmopt.model.objectives.base import Coefficients, Objective, ObjectiveUnit
from ikmopt.model.objectives.linear import Maximize, PovertyWeighted, Weighted
from ikmopt.model.objectives.risk import CVaR, ExpectedValue
from ikmopt.model.objectives.staged import Lexicographic, MaxMin
from ikmopt.model.objectives.targets import GoalProgram, MinCost

__all__ = [
    "CVaR",
    "Coefficients",
    "ExpectedValue",
    "GoalProgram",
    "Lexicographic",
    "MaxMin",
    "Maximize",
    "MinCost",
    "Objective",
    "ObjectiveUnit",
    "PovertyWeighted",
    "Weighted",
]
