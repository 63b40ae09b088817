"""ikmopt: allocate Indonesian IKM development budgets with linear programming.

>>> import ikmopt as ik
>>> data = ik.datasets.load("indonesia-provinces")
>>> result = ik.optimize(data, ik.default_policy())
>>> result.status
<Status.OPTIMAL: 'optimal'>
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import datasets, equity, report, rules
from .accrual import Accrual
from .batch import InProcessExecutor, ScenarioResult, ScenarioResults, run_scenarios
from .build import build
from .constraints import (
    Budget,
    Constraint,
    GiniCap,
    GroupShare,
    OutcomeEquity,
    ProgramShare,
    ProjectCount,
    Ramp,
    RegionBounds,
    Target,
)
from .data import Dataset
from .defaults import default_policy
from .diagnose import Diagnosis, diagnose
from .errors import (
    DataError,
    DataWarning,
    IkmoptError,
    InfeasibleError,
    PolicyError,
    ScalingWarning,
    SolverError,
    UnboundedError,
    UnspentBudgetWarning,
)
from .evaluate import Evaluation, evaluate
from .frontier import Frontier, frontier
from .lp import LinearProgram
from .objectives import (
    GoalProgram,
    Lexicographic,
    Maximize,
    MaxMin,
    MinCost,
    Objective,
    PovertyWeighted,
    Weighted,
)
from .optimize import optimize
from .policy import Policy
from .price import price_of
from .projection import Projection, project
from .replan import Replan, replan
from .result import Result
from .risk import CVaR, ExpectedValue, compare_plans
from .rules import ValueOfOptimization, value_of_optimization
from .scenarios import Scenario, ScenarioError, load_scenario, load_scenarios
from .simulate import Simulation, simulate
from .solvers import SOLVERS, Solution, Status, solve
from .sweep import Sweep, sweep

try:
    __version__ = version("ikmopt")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "SOLVERS",
    "Accrual",
    "Budget",
    "CVaR",
    "Constraint",
    "DataError",
    "DataWarning",
    "Dataset",
    "Diagnosis",
    "Evaluation",
    "ExpectedValue",
    "Frontier",
    "GiniCap",
    "GoalProgram",
    "GroupShare",
    "IkmoptError",
    "InProcessExecutor",
    "InfeasibleError",
    "Lexicographic",
    "LinearProgram",
    "MaxMin",
    "Maximize",
    "MinCost",
    "Objective",
    "OutcomeEquity",
    "Policy",
    "PolicyError",
    "PovertyWeighted",
    "ProgramShare",
    "ProjectCount",
    "Projection",
    "Ramp",
    "RegionBounds",
    "Replan",
    "Result",
    "ScalingWarning",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "ScenarioResults",
    "Simulation",
    "Solution",
    "SolverError",
    "Status",
    "Sweep",
    "Target",
    "UnboundedError",
    "UnspentBudgetWarning",
    "ValueOfOptimization",
    "Weighted",
    "__version__",
    "build",
    "compare_plans",
    "datasets",
    "default_policy",
    "diagnose",
    "equity",
    "evaluate",
    "frontier",
    "load_scenario",
    "load_scenarios",
    "optimize",
    "price_of",
    "project",
    "replan",
    "report",
    "rules",
    "run_scenarios",
    "simulate",
    "solve",
    "sweep",
    "value_of_optimization",
]
