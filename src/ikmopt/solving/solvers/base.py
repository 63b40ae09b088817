"""What every solver backend returns, and the one place solver statuses become ours."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ikmopt.core.errors import InfeasibleError, SolverError, UnboundedError
from ikmopt.model.lp import LinearProgram

__all__ = ["Solution", "Status", "check_status", "clean_point", "silenced"]

#: Relative optimality gap at which a MIP (a dataset with projects) is solved: tight enough
#: that both backends return the same selection on planning-sized instances.
MIP_REL_GAP = 1e-6


class Status(enum.StrEnum):
    """Outcome of a solve, independent of the solver."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    ITERATION_LIMIT = "iteration_limit"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"

    def __str__(self) -> str:
        return self.value


class _ReadOnFirstUse:
    """A dataclass field that may be given as a function, called when first read.

    What a solver can hand over only by copying (HiGHS's reduced costs, a Python list as
    long as the columns) is copied when someone reads it, not for every solve of a sweep.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError  # no default: the field stays required
        value = obj.__dict__[self.slot]
        if callable(value):
            value = obj.__dict__[self.slot] = value()
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True, eq=False)
class Solution:
    """A solver's answer on a :class:`~ikmopt.model.lp.LinearProgram`, in one convention.

    Attributes
    ----------
    status : Status
    x : numpy.ndarray
        Column values.
    objective : float
        ``cost @ x + objective_offset``.
    row_activity : numpy.ndarray
        ``A @ x``.
    row_dual : numpy.ndarray or None
        Change of the objective per unit increase of each row's binding bound (``NaN`` for
        a MIP, where duals are not defined).
    col_dual : numpy.ndarray or None
        The same for each column's binding bound (reduced costs). A solver may give a
        function instead, which is called when the field is first read.
    solver : str
        Backend name (``"highs"``, ``"cbc"``, ``"pulp-highs"``).
    runtime : float
        Seconds spent in the solver.
    message : str
        The solver's own status text, for the record.
    iterations : dict of str to int
        The solver's iteration counts, where it reports them (HiGHS: ``ipm``,
        ``crossover``, ``simplex`` and ``mip_nodes``); empty otherwise.
    """

    status: Status
    x: np.ndarray
    objective: float
    row_activity: np.ndarray
    row_dual: np.ndarray | None
    col_dual: np.ndarray | None = _ReadOnFirstUse()  # type: ignore[assignment]
    solver: str
    runtime: float
    message: str = ""
    iterations: dict[str, int] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with every field read (a function given for one may not pickle)."""
        _ = self.col_dual
        return self.__dict__


def check_status(status: Status, solver: str, message: str, has_point: bool) -> None:
    """Raise the library's exception for a status that yields no trustworthy plan."""
    if status is Status.INFEASIBLE:
        raise InfeasibleError(
            f"no allocation satisfies every constraint ({solver}: {message}); "
            "relax a floor, a share or a target, or raise the budget"
        )
    if status is Status.UNBOUNDED:
        raise UnboundedError(
            f"the objective is unbounded ({solver}: {message}); some spend or outcome has "
            "no limit — give every cell a finite capacity or add a budget"
        )
    if status in (Status.TIME_LIMIT, Status.ITERATION_LIMIT) and not has_point:
        raise SolverError(
            f"the solver stopped at its {status.value.replace('_', ' ')} before finding a "
            f"feasible plan ({solver}: {message}); "
            + ("raise time_limit" if status is Status.TIME_LIMIT else "raise the iteration limit"),
            status=status.value,
        )
    if status is Status.ERROR:
        raise SolverError(f"the solver failed ({solver}: {message})")


def clean_point(lp: LinearProgram, x: np.ndarray) -> np.ndarray:
    """Clip solver round-off to the column bounds and round integer columns.

    MIP solvers accept a value 1e-6 off an integer; -0.0 becomes 0.0.
    """
    x = np.maximum(x, lp.col_lower)
    np.minimum(x, lp.col_upper, out=x)  # as np.clip, without its overhead
    if lp.is_mip:
        x = np.where(lp.integrality, np.round(x), x)  # type: ignore[arg-type]
    x += 0.0  # in place: x is a new array
    return x


@contextmanager
def silenced(active: bool = True) -> Iterator[None]:
    """Send file descriptors 1 and 2 to /dev/null (solver banners bypass Python's streams)."""
    if not active:
        yield
        return
    for stream in (sys.stdout, sys.stderr):
        with suppress(AttributeError, ValueError):
            stream.flush()
    saved = []
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no /dev/null
        yield
        return
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
                os.dup2(devnull, fd)
            except OSError:
                pass
        yield
    finally:
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)
