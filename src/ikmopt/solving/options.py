"""How a program is solved: one options object passed through every solve.

:class:`SolveOptions` bundles the solver, its time limit, the HiGHS algorithm and thread
count and whether its log is shown. The public entry points (:func:`ikmopt.optimize`,
:func:`ikmopt.solve`, :func:`ikmopt.sweep`, :func:`ikmopt.frontier`, ...) accept either a
``SolveOptions`` or its fields as keyword arguments, and pass the one object down.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest

__all__ = ["ALGORITHMS", "SOLVERS", "SolveOptions"]

#: Solver names: highspy directly, CBC through PuLP, HiGHS through PuLP's wrapper.
SOLVERS = ("highs", "cbc", "pulp-highs")
#: HiGHS algorithms: "auto" picks by model size (the PuLP paths ignore the choice).
ALGORITHMS = ("auto", "simplex", "ipm")


@dataclass(frozen=True)
class SolveOptions:
    """How to solve.

    Parameters
    ----------
    solver : {"highs", "cbc", "pulp-highs"}, default "highs"
        ``"highs"`` hands arrays to highspy directly; ``"cbc"`` solves the same program
        through PuLP and CBC; ``"pulp-highs"`` through PuLP's HiGHS wrapper.
    time_limit : float, optional
        Seconds per solve. A stop with a feasible plan gives a result whose ``status`` is
        ``time_limit``; a stop without one raises :class:`~ikmopt.SolverError`.
    algorithm : {"auto", "simplex", "ipm"}, default "auto"
        HiGHS algorithm of the direct path (``auto``: simplex below 10,000 columns, the
        interior-point method with crossover above).
    threads : int, default 1
        HiGHS threads of the direct path (batches run one solve per process).
    verbose : bool, default False
        Show the solver's log.

    Examples
    --------
    >>> from ikmopt.solving.options import SolveOptions
    >>> SolveOptions.of("cbc", time_limit=30).solver
    'cbc'
    """

    solver: str = "highs"
    time_limit: float | None = None
    algorithm: str = "auto"
    threads: int = 1
    verbose: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.solver, str) or self.solver not in SOLVERS:
            raise PolicyError(f"unknown solver {self.solver!r}"
                              f"{suggest(str(self.solver).lower(), SOLVERS)}; choose one of "
                              f"{list(SOLVERS)}")
        if self.algorithm not in ALGORITHMS:
            raise PolicyError(f"algorithm must be one of {list(ALGORITHMS)}, got "
                              f"{self.algorithm!r}")
        if self.time_limit is not None:
            try:
                limit = float(self.time_limit)
            except (TypeError, ValueError):
                limit = math.nan
            if isinstance(self.time_limit, bool) or not limit > 0:
                raise PolicyError(f"time_limit must be a positive number of seconds, got "
                                  f"{self.time_limit!r}")
            object.__setattr__(self, "time_limit", limit)
        if isinstance(self.threads, bool) or not isinstance(self.threads, int) or \
                self.threads < 1:
            raise PolicyError(f"threads must be a whole number of at least 1, got "
                              f"{self.threads!r}")
        if not isinstance(self.verbose, bool):
            raise PolicyError(f"verbose must be True or False, got {self.verbose!r}")

    @classmethod
    def of(cls, solver: str | SolveOptions = "highs", **options: Any) -> SolveOptions:
        """Options from a solver name or a ``SolveOptions``, with fields overridden.

        Raises
        ------
        PolicyError
            For an unknown option (named, with a "did you mean") or a value it refuses.
        """
        fields = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in options if k not in fields]
        if unknown:
            raise PolicyError(f"unknown solve option '{unknown[0]}'"
                              f"{suggest(str(unknown[0]), fields)}; options: {fields}")
        if isinstance(solver, SolveOptions):
            return dataclasses.replace(solver, **options) if options else solver
        return cls(**{"solver": solver, **options})

    def replace(self, **changes: Any) -> SolveOptions:
        """A copy with some fields changed (validated)."""
        return SolveOptions.of(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The fields that differ from the defaults (as a scenario file writes them)."""
        default = SolveOptions()
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                if getattr(self, f.name) != getattr(default, f.name)}
