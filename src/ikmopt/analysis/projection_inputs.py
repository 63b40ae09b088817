"""The arguments of :func:`ikmopt.analysis.projection.project`, checked and put in arrays.

The horizon's length, the survival rates and ramp-up schedules by program, and the spend year
of every cell with the horizon's calendar years. Each error is a :class:`~ikmopt.PolicyError`
starting ``project:`` and naming the argument.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset

__all__ = ["check_years", "horizon_years", "ramp_up_matrix", "survival_rates"]


def check_years(years: Any, most: int) -> int:
    """The horizon's length in years, a whole number from 1 to ``most``."""
    if isinstance(years, bool) or not isinstance(years, int | np.integer):
        raise PolicyError(f"project: years must be a whole number of years, got {years!r}")
    if not 1 <= years <= most:
        raise PolicyError(f"project: years must be between 1 and {most}, got {years}")
    return int(years)


def _rate(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise PolicyError(f"project: {name} must be a number in (0, 1], got {value!r}")
    try:
        rate = float(value)
    except (TypeError, ValueError):
        raise PolicyError(f"project: {name} must be a number in (0, 1], got {value!r}") from None
    if not (math.isfinite(rate) and 0.0 < rate <= 1.0):
        raise PolicyError(f"project: {name} must be in (0, 1] (the share of the effect still "
                          f"there a year later), got {value!r}")
    return rate


def _program_keys(name: str, mapping: Mapping[Any, Any], programs: pd.Index) -> None:
    unknown = [str(p) for p in mapping if str(p) not in programs]
    if unknown:
        raise PolicyError(f"project: {name} names program(s) {unknown} not in the dataset"
                          f"{suggest(unknown[0], map(str, programs))}; programs are "
                          f"{list(programs)}")


def survival_rates(survival: Any, programs: pd.Index, default: float
                   ) -> tuple[np.ndarray, float | dict[str, float]]:
    """Survival rate of every program (in ``programs`` order) and the value to report.

    Programs a mapping does not name keep ``default``.
    """
    if isinstance(survival, Mapping):
        _program_keys("survival", survival, programs)
        given = {str(p): _rate(f"survival['{p}']", v) for p, v in survival.items()}
        used = {str(p): given.get(str(p), default) for p in programs}
        return np.array(list(used.values()), dtype=float), used
    rate = _rate("survival", survival)
    return np.full(len(programs), rate), rate


def _schedule(name: str, value: Any) -> tuple[float, ...]:
    if isinstance(value, bool):
        raise PolicyError(f"project: {name} must be a whole number of years or a sequence of "
                          f"fractions, got {value!r}")
    if isinstance(value, int | np.integer):
        if value < 1:
            raise PolicyError(f"project: {name} must be at least 1 year (1 = full effect in "
                              f"the spend year), got {value}")
        return tuple((k + 1) / int(value) for k in range(int(value)))
    if isinstance(value, str) or not isinstance(value, Sequence | np.ndarray):
        raise PolicyError(f"project: {name} must be a whole number of years or a sequence of "
                          f"fractions such as (0.5, 1.0), got {value!r}")
    fractions = []
    for k, item in enumerate(value):
        try:
            if isinstance(item, bool):
                raise TypeError
            fraction = float(item)
        except (TypeError, ValueError):
            raise PolicyError(f"project: {name}[{k}] must be a number, got {item!r}") from None
        if not (math.isfinite(fraction) and 0.0 <= fraction <= 1.0):
            raise PolicyError(f"project: {name}[{k}] must be a fraction between 0 and 1 of the "
                              f"full effect, got {item!r}")
        fractions.append(fraction)
    if not fractions:
        raise PolicyError(f"project: {name} is empty; give at least one fraction, or 1 for the "
                          "full effect in the spend year")
    if np.any(np.diff(fractions) < 0):
        raise PolicyError(f"project: {name} must not decrease (a ramp-up; losses are "
                          f"survival's part), got {tuple(fractions)}")
    return tuple(fractions)


def ramp_up_matrix(ramp_up: Any, programs: pd.Index, default: tuple[float, ...]
                   ) -> tuple[np.ndarray, tuple[float, ...] | dict[str, tuple[float, ...]]]:
    """Matrix programs x (longest schedule + 1), padded with 1.0, and the value to report.

    Programs a mapping does not name keep the schedule ``default``.
    """
    if isinstance(ramp_up, Mapping):
        _program_keys("ramp_up", ramp_up, programs)
        given = {str(p): _schedule(f"ramp_up['{p}']", v) for p, v in ramp_up.items()}
        used: tuple[float, ...] | dict[str, tuple[float, ...]] = {
            str(p): given.get(str(p), default) for p in programs}
        schedules = list(used.values())
    else:
        used = _schedule("ramp_up", ramp_up)
        schedules = [used] * len(programs)
    width = max((len(s) for s in schedules), default=0) + 1
    matrix = np.ones((len(programs), width))
    for i, schedule in enumerate(schedules):  # one row per program, not per cell
        matrix[i, : len(schedule)] = schedule
    return matrix, used


def horizon_years(data: Dataset, n_years: int, start_year: Any
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Spend year of every cell and the horizon's calendar years."""
    if start_year is not None:
        if isinstance(start_year, bool):
            raise PolicyError(f"project: start_year must be a whole year, got {start_year!r}")
        try:
            start_year = operator.index(start_year)
        except TypeError:
            raise PolicyError(f"project: start_year must be a whole year, got "
                              f"{start_year!r}") from None
    if "year" in data.levels:
        spend_year = data.cells.get_level_values("year").to_numpy(dtype=np.int64)
        first, last = int(spend_year.min()), int(spend_year.max())
        start = first if start_year is None else int(start_year)
        if start > first:
            raise PolicyError(f"project: start_year {start} is after the first plan year "
                              f"{first}; the horizon must include every year money is spent")
        if start + n_years - 1 < last:
            raise PolicyError(f"project: years={n_years} from {start} ends in "
                              f"{start + n_years - 1}, before the last plan year {last}; use "
                              f"years >= {last - start + 1}")
    else:
        start = 1 if start_year is None else int(start_year)
        spend_year = np.full(data.n_cells, start, dtype=np.int64)
    return spend_year, np.arange(start, start + n_years, dtype=np.int64)
