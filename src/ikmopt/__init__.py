"""ikmopt: allocate Indonesian IKM development budgets with linear programming.

>>> import ikmopt as ik
>>> data = ik.datasets.load("indonesia-provinces")
>>> result = ik.optimize(data, ik.default_policy())
>>> result.status
<Status.OPTIMAL: 'optimal'>
"""

from __future__ import annotations

from ikmopt import report
from ikmopt.analysis import baselines as rules
from ikmopt.analysis import monitoring
from ikmopt.analysis.baselines import ValueOfOptimization, value_of_optimization
from ikmopt.analysis.compare import compare_plans
from ikmopt.analysis.data_errors import DataErrors, data_errors
from ikmopt.analysis.frontier import Frontier, frontier
from ikmopt.analysis.monitoring import AbsorptionProfile, Monitoring, load_plan, monitor
from ikmopt.analysis.price import price_of
from ikmopt.analysis.projection import Projection, project
from ikmopt.analysis.replan import Replan, replan
from ikmopt.analysis.simulate import Simulation, simulate
from ikmopt.analysis.sweep import Sweep, sweep
from ikmopt.analysis.two_level import TwoLevel, two_level
from ikmopt.core import equity
from ikmopt.core.errors import (
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
from ikmopt.core.version import METHODOLOGY_VERSION, __version__, versions
from ikmopt.data import datasets
from ikmopt.data.accrual import Accrual
from ikmopt.data.dataset import Dataset
from ikmopt.model.build import build
from ikmopt.model.constraints import (
    Aggregate,
    Budget,
    CoFunding,
    Constraint,
    ExpectedAbsorption,
    FundProposals,
    GiniCap,
    GroupShare,
    LastYear,
    MinimumAllocation,
    OutcomeEquity,
    ProgramShare,
    ProjectCount,
    Ramp,
    RegionBounds,
    Relation,
    Target,
    Term,
)
from ikmopt.model.defaults import default_policy, default_pots
from ikmopt.model.lp import LinearProgram
from ikmopt.model.objectives import (
    GoalProgram,
    Lexicographic,
    Maximize,
    MaxMin,
    MinCost,
    Objective,
    PovertyWeighted,
    Weighted,
)
from ikmopt.model.objectives.risk import CVaR, ExpectedValue
from ikmopt.model.policy import Policy
from ikmopt.model.pots import Pot
from ikmopt.scenarios.batch import run_scenarios
from ikmopt.scenarios.errors import ScenarioError
from ikmopt.scenarios.loading import load_scenario, load_scenarios
from ikmopt.scenarios.results import ScenarioResult, ScenarioResults
from ikmopt.scenarios.scenario import Scenario
from ikmopt.scenarios.workers import InProcessExecutor
from ikmopt.solving.diagnose import Diagnosis, diagnose
from ikmopt.solving.evaluate import Evaluation, evaluate
from ikmopt.solving.model_card import ModelCard, model_card
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result
from ikmopt.solving.solvers import SOLVERS, Solution, Status, solve

__all__ = [
    "METHODOLOGY_VERSION",
    "SOLVERS",
    "AbsorptionProfile",
    "Accrual",
    "Aggregate",
    "Budget",
    "CVaR",
    "CoFunding",
    "Constraint",
    "DataError",
    "DataErrors",
    "DataWarning",
    "Dataset",
    "Diagnosis",
    "Evaluation",
    "ExpectedAbsorption",
    "ExpectedValue",
    "Frontier",
    "FundProposals",
    "GiniCap",
    "GoalProgram",
    "GroupShare",
    "IkmoptError",
    "InProcessExecutor",
    "InfeasibleError",
    "LastYear",
    "Lexicographic",
    "LinearProgram",
    "MaxMin",
    "Maximize",
    "MinCost",
    "MinimumAllocation",
    "ModelCard",
    "Monitoring",
    "Objective",
    "OutcomeEquity",
    "Policy",
    "PolicyError",
    "Pot",
    "PovertyWeighted",
    "ProgramShare",
    "ProjectCount",
    "Projection",
    "Ramp",
    "RegionBounds",
    "Relation",
    "Replan",
    "Result",
    "ScalingWarning",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "ScenarioResults",
    "Simulation",
    "Solution",
    "SolveOptions",
    "SolverError",
    "Status",
    "Sweep",
    "Target",
    "Term",
    "TwoLevel",
    "UnboundedError",
    "UnspentBudgetWarning",
    "ValueOfOptimization",
    "Weighted",
    "__version__",
    "build",
    "compare_plans",
    "data_errors",
    "datasets",
    "default_policy",
    "default_pots",
    "diagnose",
    "equity",
    "evaluate",
    "frontier",
    "load_plan",
    "load_scenario",
    "load_scenarios",
    "model_card",
    "monitor",
    "monitoring",
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
    "two_level",
    "value_of_optimization",
    "versions",
]
