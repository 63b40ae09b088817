"""The :class:`Policy`: a budget, constraints and an objective, frozen."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ikmopt.core.errors import PolicyError
from ikmopt.data.accrual import Accrual
from ikmopt.model.constraints import Budget, Constraint, check_share_rules
from ikmopt.model.objectives import Maximize, Objective

__all__ = ["Policy"]


@dataclass(frozen=True)
class Policy:
    """What the plan must respect and what it maximizes.

    Parameters
    ----------
    budget : Budget
        Money available (Rp bn).
    constraints : sequence of Constraint
        Further rules, e.g. ``RegionBounds``, ``GroupShare``, ``ProgramShare``, ``Target``.
    objective : Objective, default Maximize("jobs")
        What to maximize.
    accrual : Accrual, optional
        Count outcomes over a multi-year horizon with survival and discounting (objective
        only); default: each cell's outcome counts once, undiscounted.

    Examples
    --------
    >>> import ikmopt as ik
    >>> policy = ik.Policy(budget=ik.Budget(total=2500),
    ...                    constraints=[ik.GroupShare("kti", min=0.40)],
    ...                    objective=ik.Weighted(jobs=1.0, value_added=0.5))
    >>> len(policy.constraints)
    1
    """

    budget: Budget
    constraints: tuple[Constraint, ...] = field(default_factory=tuple)
    objective: Objective = field(default_factory=lambda: Maximize("jobs"))
    accrual: Accrual | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.budget, Budget):
            raise PolicyError(
                f"Policy: budget must be an ik.Budget, got {type(self.budget).__name__}; "
                "e.g. budget=ik.Budget(total=2500)"
            )
        if self.constraints is None:
            object.__setattr__(self, "constraints", ())
        if isinstance(self.constraints, Constraint):
            object.__setattr__(self, "constraints", (self.constraints,))
        if not isinstance(self.constraints, Iterable) or isinstance(self.constraints, str):
            raise PolicyError(
                "Policy: constraints must be a list of constraints, got "
                f"{type(self.constraints).__name__}"
            )
        constraints = tuple(self.constraints)
        for i, c in enumerate(constraints):
            if not isinstance(c, Constraint) or isinstance(c, Budget):
                raise PolicyError(
                    f"Policy: constraints[{i}] must be a constraint such as ik.RegionBounds or "
                    f"ik.GroupShare, got {type(c).__name__}"
                    + (" (give the budget as budget=)" if isinstance(c, Budget) else "")
                )
        object.__setattr__(self, "constraints", constraints)
        check_share_rules(constraints)
        if self.accrual is not None and not isinstance(self.accrual, Accrual):
            raise PolicyError(
                f"Policy: accrual must be an ik.Accrual, got {type(self.accrual).__name__}"
            )
        if not isinstance(self.objective, Objective):
            raise PolicyError(
                f"Policy: objective must be an ik objective such as ik.Maximize('jobs'), "
                f"got {type(self.objective).__name__}"
            )

    def replace(self, **changes: Any) -> Policy:
        """Return a copy with some fields changed: ``policy.replace(budget=ik.Budget(2000))``."""
        return replace(self, **changes)

    def add(self, *constraints: Constraint) -> Policy:
        """Return a copy with more constraints."""
        return replace(self, constraints=(*self.constraints, *constraints))

    def without(self, which: int | type | Iterable[int]) -> Policy:
        """Return a copy without the constraint(s) at the given positions or of a type."""
        if isinstance(which, type):
            keep = tuple(c for c in self.constraints if not isinstance(c, which))
        else:
            drop = {which} if isinstance(which, int) else set(which)
            keep = tuple(c for i, c in enumerate(self.constraints) if i not in drop)
        return replace(self, constraints=keep)

    def describe(self) -> list[str]:
        """One line per rule, budget first, objective last."""
        lines = [
            self.budget.describe(),
            *(c.describe() for c in self.constraints),
            self.objective.describe(),
        ]
        if self.accrual is not None:
            lines.append(
                f"outcomes accrue with survival {self.accrual.survival} and discount "
                f"{self.accrual.discount:g}"
            )
        return lines
