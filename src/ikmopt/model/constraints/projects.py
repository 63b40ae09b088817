"""Discrete projects: how many may (or must) be built, in total or per group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.data.projects import project_codes
from ikmopt.model.constraints.base import (
    Constraint,
    Value,
    check_order,
    group_block,
    group_label,
    per_group,
    values,
)
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["ProjectCount"]


@dataclass(frozen=True)
class ProjectCount(Constraint):
    """How many discrete projects may (or must) be built, in total or per group.

    ``min_g <= sum_{p in g} z_p <= max_g`` over the binary build decisions ``z_p`` of the
    projects in group ``g`` (see :mod:`ikmopt.data.projects`).

    Parameters
    ----------
    max, min : float or mapping, optional
        A number for every group, or ``{group: count}`` for some groups.
    by : str, optional
        ``None`` counts all projects together. Otherwise any level of the cells
        (``"region"``, ``"province"``, ``"island_group"``, ``"program"`` ...), a column of
        the projects table (``"type"``, or a ``"site"`` shared by alternative designs), or
        ``"project"`` itself: ``ProjectCount(min={"P-07": 1}, by="project")`` forces a
        project in and ``max={"P-07": 0}`` keeps it out.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.ProjectCount(max=1, by="region").describe()
    'ProjectCount(by region) max 1'
    """

    max: Value = None
    min: Value = None
    by: str | None = None
    family: ClassVar[str] = "project_count"
    number_units: ClassVar[Mapping[str, str]] = {"min": "projects", "max": "projects"}

    def __post_init__(self) -> None:
        name = "ProjectCount"
        object.__setattr__(self, "max", values(name, "max", self.max))
        object.__setattr__(self, "min", values(name, "min", self.min))
        if self.max is None and self.min is None:
            raise PolicyError(f"{name} needs max= and/or min= (numbers of projects)")
        if self.by is None and any(isinstance(v, Mapping) for v in (self.min, self.max)):
            raise PolicyError(f"{name}: a mapping of counts needs by= (the level it is keyed by)")
        if self.by is not None and not isinstance(self.by, str):
            raise PolicyError(f"{name}: by must be a level name, got {self.by!r}")
        check_order(name, "min", self.min, "max", self.max)

    def describe(self) -> str:
        """Human description."""
        where = "in total" if self.by is None else f"by {self.by}"
        parts = [f"{k} {v:g}" if not isinstance(v, Mapping) else f"{k} {dict(v)}"
                 for k, v in (("min", self.min), ("max", self.max)) if v is not None]
        return f"ProjectCount({where}) " + ", ".join(parts)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row per group with a bound."""
        name = f"ProjectCount(by={self.by})"
        projects = ctx.data.projects
        if projects is None:
            raise PolicyError(
                f"{name}: dataset '{ctx.data.name}' has no projects table; add one with "
                "Dataset(..., projects=...) or drop this rule"
            )
        if self.by is None:
            codes, groups = np.zeros(len(projects), dtype=np.int64), pd.Index(["all"])
        elif self.by == "project" or (
            self.by in projects.table.columns and self.by not in ctx.data.levels
        ):
            codes, groups = project_codes(projects, self.by, None)
        else:
            try:
                cell_codes = ctx.data.level_codes(self.by)
            except PolicyError as err:
                extra = [c for c in projects.table.columns if c not in ctx.data.levels]
                raise PolicyError(f"{name}: {err}; or a projects column: "
                                  f"{['project', *extra]}") from None
            codes, groups = project_codes(projects, self.by, cell_codes)
        lower = per_group(name, "min", self.min, groups, -np.inf)
        upper = per_group(name, "max", self.max, groups, np.inf)
        bad = lower > upper
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise PolicyError(f"{name}: min above max for '{groups[i]}'")
        available = np.bincount(codes[codes >= 0], minlength=len(groups))
        short = np.flatnonzero(lower > available)
        if len(short):
            g = int(short[0])
            raise PolicyError(
                f"{name}: min {lower[g]:g} for '{groups[g]}' but only {available[g]} candidate "
                "project(s) there; lower min or add projects"
            )
        rows_for = np.flatnonzero((np.isfinite(lower) | np.isfinite(upper)) & (available > 0))
        cols = ctx.builder.meta["project_columns"]
        labels = pd.Index([f"projects {group_label(self.by or 'all', groups[g])}"
                           if self.by else "projects" for g in rows_for])
        terms = (np.arange(len(projects)), cols, np.ones(len(projects)))
        return [group_block("project_count", codes, groups, rows_for, terms, lower, upper,
                            labels)]
