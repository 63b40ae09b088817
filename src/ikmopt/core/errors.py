"""The exceptions ikmopt raises.

Every error inherits from :class:`IkmoptError` *and* from the built-in exception it
resembles, so ``except ValueError`` still catches bad input. All errors survive pickling,
because scenario batches run in worker processes.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = [
    "DataError",
    "DataWarning",
    "IkmoptError",
    "InfeasibleError",
    "PolicyError",
    "ScalingWarning",
    "SolverError",
    "UnboundedError",
    "UnspentBudgetWarning",
]


class IkmoptError(Exception):
    """Base class of every error raised by ikmopt."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.message,), self.__dict__.copy())


class DataError(IkmoptError, ValueError):
    """Input tables are malformed.

    Attributes
    ----------
    failure_cases : pandas.DataFrame
        One row per problem, with columns ``table``, ``column``, ``label``, ``check`` and
        ``value``; every problem found is listed, not only the first.
    """

    def __init__(self, message: str, failure_cases: pd.DataFrame | None = None) -> None:
        super().__init__(message)
        if failure_cases is None:
            failure_cases = pd.DataFrame(columns=["table", "column", "label", "check", "value"])
        self.failure_cases = failure_cases


class PolicyError(IkmoptError, ValueError):
    """A constraint, objective or scenario makes no sense for the data it is applied to."""


class SolverError(IkmoptError, RuntimeError):
    """The solver did not return a plan that can be trusted.

    Attributes
    ----------
    status : str
        The library's own status name (for example ``"time_limit"`` or ``"error"``).
    """

    def __init__(self, message: str, status: str = "error") -> None:
        super().__init__(message)
        self.status = status


class InfeasibleError(SolverError):
    """No allocation satisfies every constraint of the policy.

    Attributes
    ----------
    diagnosis : object or None
        What conflicts and the smallest relaxation that restores feasibility, when available.
    """

    def __init__(self, message: str, diagnosis: Any = None) -> None:
        super().__init__(message, status="infeasible")
        self.diagnosis = diagnosis


class UnboundedError(SolverError):
    """The objective can grow without limit (some spend or outcome is not bounded)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status="unbounded")


class ScalingWarning(UserWarning):
    """The program's numbers span so many orders of magnitude that solvers lose accuracy.

    Usually money in the wrong unit (rupiah where Rp billion is expected): the message says
    what to rescale.
    """


class UnspentBudgetWarning(UserWarning):
    """A plan leaves budget unspent although cells that add to its objective had room.

    The plan is optimal for the policy as written, but some rule holds the money back (a
    cap, a limit on an outcome, share rules that only an empty plan meets together). The
    message names the rules whose removal would let more money out;
    :attr:`ikmopt.Result.unspent` holds the details.
    """


class DataWarning(UserWarning):
    """The tables are valid but probably do not say what was meant.

    For example: some cells have diminishing-returns segments and others do not, so the
    others get straight-line returns (often a new program or region added without its curve
    rows). The message names the cells and says how to state the intent.
    """
