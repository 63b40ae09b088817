"""The one check every policy number goes through."""

from __future__ import annotations

import math
from typing import Any

from .errors import PolicyError

__all__ = ["HUGE", "number"]

#: Numbers this large are infinity to the solvers (HiGHS and CBC use 1e20).
HUGE = 1e20


def number(owner: str, name: str, value: Any, *, lo: float = 0.0, hi: float = math.inf) -> float:
    """Return ``value`` as a finite float in ``[lo, hi]`` or raise a PolicyError naming it.

    Parameters
    ----------
    owner : str
        What the number belongs to, for the message (``"Budget"``).
    name : str
        The field (``"total"``).
    value : object
    lo, hi : float
        Allowed range, inclusive.
    """
    if isinstance(value, bool):  # True is 1.0 to Python, never a budget or a share
        raise PolicyError(f"{owner}: {name} must be a number, got {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise PolicyError(f"{owner}: {name} must be a number, got {value!r}") from None
    if math.isfinite(result) and abs(result) >= HUGE:
        raise PolicyError(f"{owner}: {name} is {value!r}, beyond {HUGE:g}, which solvers treat "
                          "as infinity; check the unit (money is in Rp billion)")
    if not math.isfinite(result) or result < lo or result > hi:
        span = f">= {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        raise PolicyError(f"{owner}: {name} must be {span}, got {value!r}")
    return result
