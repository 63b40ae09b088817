"""Numerical hygiene: warn before solving a program whose numbers are badly scaled.

Solvers work in double precision with absolute tolerances near 1e-7 to 1e-9. A program whose
matrix coefficients span more than about ten orders of magnitude, or whose money amounts are
in rupiah where Rp billion is expected (capacities of 1e12, coefficients of 1e-9 jobs per
rupiah), can be solved "optimally" to a plan that is wrong in its last digits or in its
binding rules. :func:`check_scaling` runs after every build and raises a
:class:`~ikmopt.core.errors.ScalingWarning` that says what to rescale.
"""

from __future__ import annotations

import warnings

import numpy as np

from ikmopt.core.errors import ScalingWarning
from ikmopt.model.lp import LinearProgram

__all__ = [
    "BOUND_FLOOR",
    "COST_RANGE",
    "MATRIX_RANGE",
    "MONEY_LIMIT",
    "check_scaling",
    "coefficient_ranges",
    "column_name",
]

#: Largest ratio of the largest to the smallest nonzero |coefficient| accepted silently.
MATRIX_RANGE = 1e10
#: Largest ratio of the largest to the smallest nonzero |objective coefficient|: HiGHS's
#: dual feasibility tolerance is 1e-7, so beyond this the small coefficients stop counting
#: (one cell with 1e9 jobs per Rp bn among cells of about 5 already picks the wrong cells).
COST_RANGE = 1e7
#: Nonzero bounds below this are within the solvers' tolerances of zero.
BOUND_FLOOR = 1e-6
#: Money above this many Rp bn (Rp 10,000 trillion, about five times Indonesia's GDP) is
#: taken as a unit mistake.
MONEY_LIMIT = 1e7


def coefficient_ranges(lp: LinearProgram, like: LinearProgram | None = None
                       ) -> dict[str, tuple[float, float]]:
    """Smallest and largest nonzero magnitude of the matrix, costs, bounds and capacities.

    ``like``: a program checked before (the last of a sweep); what ``lp`` shares with it
    (the same array) is not looked at again (``NaN``).
    """

    def span(part: str, values: np.ndarray) -> tuple[float, float]:
        if like is not None and getattr(lp, part) is getattr(like, part):
            return (np.nan, np.nan)
        return _span(values)

    return {
        "matrix": span("A", lp.A.data),
        "cost": span("cost", lp.cost),
        "row bounds": _span(np.concatenate([lp.row_lower, lp.row_upper])),
        "capacity": span("col_upper", lp.col_upper[: lp.n_cells]),
    }


def _span(values: np.ndarray) -> tuple[float, float]:
    """Smallest and largest finite nonzero magnitude (``NaN`` for none)."""
    v = np.abs(values)
    ok = (v > 0) & (v < np.inf)  # NaN fails both
    if not ok.any():
        return (np.nan, np.nan)
    return float(v.min(where=ok, initial=np.inf)), float(v.max(where=ok, initial=0.0))


def check_scaling(lp: LinearProgram, where: str = "the program",
                  like: LinearProgram | None = None) -> list[str]:
    """Warn (:class:`~ikmopt.core.errors.ScalingWarning`) about badly scaled numbers.

    ``like``: a program checked before (the last of a sweep): the matrix, costs and
    capacities ``lp`` shares with it were checked then, and are not again.

    Returns the messages (empty when the program is well scaled).
    """
    ranges = coefficient_ranges(lp, like)
    messages = []
    capacity = ranges["capacity"][1]
    if np.isfinite(capacity) and capacity > MONEY_LIMIT:
        messages.append(
            f"{where}: a cell can absorb up to Rp {capacity:,.3g} bn, more than Indonesia's "
            "GDP; money seems to be in rupiah (or Rp juta) while the dataset says Rp billion. "
            "Give the unit with Dataset(..., money_unit='IDR') (or 'Rp juta'), or divide the "
            "capacities and multiply the per-money coefficients by 1e9"
        )
    low, high = ranges["matrix"]
    if np.isfinite(low) and high / low > MATRIX_RANGE:
        rows = lp.A.tocoo()
        magnitude = np.abs(rows.data)
        families = lp.rows["family"].astype(str).to_numpy()
        small = families[rows.row[np.argmin(magnitude)]]
        large = families[rows.row[np.argmax(magnitude)]]
        messages.append(
            f"{where}: matrix coefficients range from {low:.3g} (rows '{small}') to "
            f"{high:.3g} (rows '{large}'), a ratio of {high / low:.1e}; solvers lose accuracy "
            "beyond about 1e10. Rescale the metric or money unit behind those rows (e.g. "
            "value added in Rp bn, not rupiah; jobs per Rp bn, not per rupiah)"
        )
    messages += _cost_messages(lp, ranges["cost"], where)
    messages += _bound_messages(lp, ranges, where)
    for message in messages:
        warnings.warn(message, ScalingWarning, stacklevel=3)
    return messages


def column_name(lp: LinearProgram, col: int) -> str:
    """A column as a reader knows it: the cell's labels, or the auxiliary column's."""
    if col < lp.n_cells:
        cell = lp.cells[col]
        return ", ".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)
    family, label = lp.aux.iloc[col - lp.n_cells][["family", "label"]]
    return f"{family} {label}".strip()


def _cost_messages(lp: LinearProgram, span: tuple[float, float], where: str) -> list[str]:
    """The objective's coefficients spread so wide that small ones drown in tolerances."""
    low, high = span
    if not (np.isfinite(low) and high / low > COST_RANGE):
        return []
    magnitude = np.where(lp.cost != 0, np.abs(lp.cost), np.nan)
    big, small = int(np.nanargmax(magnitude)), int(np.nanargmin(magnitude))
    return [
        f"{where}: the objective's coefficients range from {low:.3g} ({column_name(lp, small)}) "
        f"to {high:.3g} ({column_name(lp, big)}), a ratio of {high / low:.1e}; beyond about "
        f"{COST_RANGE:.0e} the solver's tolerances swallow the differences between the "
        "small ones and the plan can be wrong. Check the large coefficient (a typo or a "
        "wrong unit?) or rescale the metric"
    ]


def _bound_messages(lp: LinearProgram, ranges: dict[str, tuple[float, float]], where: str
                    ) -> list[str]:
    """Nonzero bounds so small that the solver cannot tell them from zero."""
    if not any(ranges[name][0] < BOUND_FLOOR for name in ("row bounds", "capacity")):
        return []  # the common case, without copies
    values = np.abs(np.concatenate([lp.row_lower, lp.row_upper, lp.col_upper[: lp.n_cells]]))
    tiny = values[(values > 0) & (values < BOUND_FLOOR)]
    return [
        f"{where}: {len(tiny)} bound(s) (capacities, budget, floors, caps, targets) are as "
        f"small as {float(tiny.min()):.3g}, below {BOUND_FLOOR:.0e}: the solver cannot tell "
        "them from zero (its feasibility tolerance is about 1e-7). Check for a limit in the "
        "wrong unit (e.g. value added in Rp trillion where Rp bn is meant)"
    ]
