"""ikmopt: allocate Indonesian IKM development budgets with linear programming.

>>> import ikmopt as ik
>>> data = ik.datasets.load("indonesia-provinces")
>>> result = ik.optimize(data, ik.default_policy())
>>> result.status
<Status.OPTIMAL: 'optimal'>
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

# The rest of the public names are loaded on first use (PEP 562): a script that plans with
# ``ik.optimize`` does not pay for importing the reports, scenario batches and analyses, about
# 0.1 s of a fresh process. The imports below are the one list of where each name lives: type
# checkers and the API docs read them as written, and ``__getattr__`` reads them from this
# file's source.
if TYPE_CHECKING:
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


def _lazy_names() -> dict[str, tuple[str, str | None]]:
    """``name -> (module, attribute)`` of the imports under ``if TYPE_CHECKING`` above."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    names: dict[str, tuple[str, str | None]] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module  # only "from x import y"
        for alias in node.names:
            names[alias.asname or alias.name] = (node.module, alias.name)
    return names


_LAZY = _lazy_names()


def __getattr__(name: str) -> Any:
    """Import a public name on first use, and keep it."""
    if name not in _LAZY:
        raise AttributeError(f"module 'ikmopt' has no attribute {name!r}")
    module, attribute = _LAZY[name]
    owner = None if module == __name__ else importlib.import_module(module)
    value = (getattr(owner, attribute) if owner is not None and hasattr(owner, attribute)
             else importlib.import_module(f"{module}.{attribute}"))  # a subpackage
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


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
