"""Numerical hygiene: warn before solving a program whose numbers are badly scaled.

Solvers work in double precision with absolute tolerances near 1e-7 to 1e-9. A program whose
matrix coefficients span more than about ten orders of magnitude, or whose money amounts are
in rupiah where Rp billion is expected (capacities of 1e12, coefficients of 1e-9 jobs per
rupiah), can be solved "optimally" to a plan that is wrong in its last digits or in its
binding rules. :func:`check_scaling` runs after every build and raises a
:class:`~ikmopt.errors.ScalingWarning` that says what to rescale.
"""

from __future__ import annotations

import warnings

import numpy as np

from .errors import ScalingWarning
from .lp import LinearProgram

__all__ = ["MATRIX_RANGE", "MONEY_LIMIT", "check_scaling", "coefficient_ranges"]

#: Largest ratio of the largest to the smallest nonzero |coefficient| accepted silently.
MATRIX_RANGE = 1e10
#: Money above this many Rp bn (Rp 10,000 trillion, about five times Indonesia's GDP) is
#: taken as a unit mistake.
MONEY_LIMIT = 1e7


def coefficient_ranges(lp: LinearProgram) -> dict[str, tuple[float, float]]:
    """Smallest and largest nonzero magnitude of the matrix, costs, bounds and capacities."""

    def span(values: np.ndarray) -> tuple[float, float]:
        v = np.abs(values[np.isfinite(values) & (values != 0)])
        return (float(v.min()), float(v.max())) if len(v) else (np.nan, np.nan)

    return {
        "matrix": span(lp.A.data),
        "cost": span(lp.cost),
        "row bounds": span(np.concatenate([lp.row_lower, lp.row_upper])),
        "capacity": span(lp.col_upper[: lp.n_cells]),
    }


def check_scaling(lp: LinearProgram, where: str = "the program") -> list[str]:
    """Warn (:class:`~ikmopt.errors.ScalingWarning`) about badly scaled numbers.

    Returns the messages (empty when the program is well scaled).
    """
    ranges = coefficient_ranges(lp)
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
    for message in messages:
        warnings.warn(message, ScalingWarning, stacklevel=3)
    return messages
