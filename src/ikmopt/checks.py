"""The one check every policy number goes through."""

from __future__ import annotations

import math
from typing import Any

from .errors import PolicyError

__all__ = ["number"]


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
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise PolicyError(f"{owner}: {name} must be a number, got {value!r}") from None
    if not math.isfinite(result) or result < lo or result > hi:
        span = f">= {lo:g}" if hi == math.inf else f"between {lo:g} and {hi:g}"
        raise PolicyError(f"{owner}: {name} must be {span}, got {value!r}")
    return result
