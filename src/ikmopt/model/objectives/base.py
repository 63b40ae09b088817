"""The objective interface: what every objective answers for itself.

An objective names the metrics it needs (:meth:`Objective.metrics`), writes its cost (and
any columns and rows it needs) into the program being built (:meth:`Objective.apply`), says
in how many stages it is solved (:meth:`Objective.stages`), and answers the questions the
rest of the package would otherwise ask by looking at its type: the unit of its value and of
a shadow price (:meth:`Objective.unit`), its words in a report (:meth:`Objective.words`),
its value on cell outcomes (:meth:`Objective.cell_values`), and how it is written in a
scenario file (:meth:`Objective.file_args`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from dataclasses import replace as dc_replace
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.model.lp import RowBlock

__all__ = ["Coefficients", "Objective", "ObjectiveUnit", "numeric"]

#: Coefficients of a metric for every cell (as the objective should count them).
Coefficients = Callable[[str], np.ndarray]


@dataclass(frozen=True)
class ObjectiveUnit:
    """What one unit of a plan's objective is, for putting its value and prices into words.

    Attributes
    ----------
    kind : str
        ``metric`` (the objective is a metric's total, e.g. jobs), ``normalized`` (a
        normalized :class:`~ikmopt.Weighted` sum), ``cost`` (money spent, minimized) or
        ``other``.
    sense : float
        +1 when the objective is maximized, -1 when it is minimized.
    metric : str, optional
        The metric (``metric``), or the first weighted metric (``normalized``).
    equivalent : float, optional
        For ``normalized``: one unit of the objective in ``metric`` units (its optimum
        divided by its weight).
    staged : bool
        Whether the objective was solved in stages (shadow prices are of the last one).
    """

    kind: str = "other"
    sense: float = 1.0
    metric: str | None = None
    equivalent: float | None = None
    staged: bool = False

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> ObjectiveUnit:
        """Read back :meth:`to_dict` (an unknown or missing unit is ``other``)."""
        if not values:
            return cls()
        known = {k: values[k] for k in ("kind", "sense", "metric", "equivalent", "staged")
                 if k in values}
        return cls(**known)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)

    def staging(self) -> ObjectiveUnit:
        """The same unit, marked as the last stage of a staged objective."""
        return dc_replace(self, staged=True)


def numeric(series: Any) -> np.ndarray:
    """A column as floats (non-numbers become NaN)."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)


class Objective(ABC):
    """Base class of objectives.

    ``sense`` is +1 for objectives that maximize and -1 for those that minimize (the program
    always maximizes; a minimized quantity is maximized with its sign flipped and reported
    back with its own sign).
    """

    sense: ClassVar[float] = 1.0
    #: Relative slack by which a stage's optimum is held in the next stage (objectives
    #: solved in stages override it with their ``tolerance`` field).
    tolerance: ClassVar[float] = 1e-6

    @abstractmethod
    def metrics(self) -> tuple[str, ...]:
        """Metrics the objective reads."""

    def needs_optima(self) -> tuple[str, ...]:
        """Metrics whose single-objective optimum must be known before building the cost."""
        return ()

    def cost(self, coef: Coefficients, optima: Mapping[str, float] | None = None) -> np.ndarray:
        """Objective coefficient of every cell, given each metric's coefficients.

        Objectives that need more than a cost on the cells (extra columns or rows) override
        :meth:`apply` instead.
        """
        raise PolicyError(f"{self.describe()} has no cost on the cells alone; see apply()")

    @abstractmethod
    def describe(self) -> str:
        """One-line description."""

    def apply(self, ctx: Any, coef: Coefficients, optima: Mapping[str, float] | None) -> None:
        """Write the objective into the model being built (cell outcome costs by default)."""
        ctx.set_outcome_cost(self.cost(coef, optima))

    def stages(self) -> list[Any]:
        """Objectives solved one after the other (one stage for most objectives)."""
        return [self]

    # ------------------------------------------------------------------ what it answers
    def unit(self, optima: Mapping[str, float] | None = None,
             accrued: bool = False) -> ObjectiveUnit:
        """What one unit of this objective's value is, for its value and prices in words.

        Parameters
        ----------
        optima : mapping, optional
            Single-metric optima of the solve (a normalized objective's scale).
        accrued : bool, default False
            Whether outcomes were counted over a horizon (:class:`~ikmopt.Accrual`): the
            value is then no plain metric total.
        """
        return ObjectiveUnit("other", float(self.sense))

    def words(self) -> tuple[str, dict[str, Any]]:
        """How a report says this objective: a catalogue key and its fields."""
        return "other", {"text": self.describe()}

    def value_unit(self, units: Mapping[str, str], money_unit: str) -> str:
        """The unit of the objective's value in words, given the dataset's metric units."""
        return "objective units"

    def cell_values(self, data: Any, coef: Coefficients,
                    optima: Mapping[str, float] | None) -> np.ndarray | None:
        """The objective's value per unit of each cell's outcome (its effective spend).

        Defined for objectives that are a linear function of the cells' outcomes; ``None``
        for the others (staged objectives, objectives with columns of their own), whose
        value on an arbitrary allocation is not a number of the cells alone.
        """
        return None

    def frozen(self, optima: Mapping[str, float]) -> Objective:
        """The objective with the normalizing optima of one solve fixed into it."""
        return self

    def rules(self) -> tuple[Any, ...]:
        """Hard rules the objective adds to the plan (``MinCost``'s targets)."""
        return ()

    def numbers(self) -> tuple[Any, ...]:
        """Targets whose numbers are numbers of the policy (``MinCost``, ``GoalProgram``)."""
        return ()

    def replace(self, **changes: Any) -> Objective:
        """A copy with some fields changed, validated like a new one."""
        return dc_replace(self, **changes)

    def file_args(self) -> dict[str, Any] | None:
        """The arguments a scenario file writes, when they are not the dataclass fields."""
        return None

    def fixed_rows(self, ctx: Any, lp: Any, value: float, tolerance: float) -> Any:
        """Rows that keep this stage's objective near ``value`` in later stages."""
        cols = np.flatnonzero(lp.cost)  # the stage's objective, cells and segments
        return RowBlock(
            "lexicographic", pd.Index([self.describe()]), np.zeros(len(cols), dtype=np.int64),
            cols, lp.cost[cols], np.array([value - tolerance * max(1.0, abs(value))]),
            np.array([np.inf]),
        )
