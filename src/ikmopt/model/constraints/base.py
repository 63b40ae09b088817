"""The base class of policy constraints and the checks and row helpers they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = [
    "Constraint",
    "Value",
    "check_order",
    "group_block",
    "group_label",
    "per_group",
    "positions",
    "values",
]


Value = float | Mapping[Hashable, float] | pd.Series | None


def values(owner: str, name: str, value: Value, **limits: float) -> Value:
    """Validate a scalar or a per-label mapping of numbers."""
    if value is None:
        return None
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if isinstance(value, Mapping):
        if not value:
            raise PolicyError(f"{owner}: {name} is an empty mapping")
        return {k: number(owner, f"{name}[{k!r}]", v, **limits) for k, v in value.items()}
    return number(owner, name, value, **limits)


def per_group(
    owner: str,
    name: str,
    value: Value,
    categories: pd.Index,
    default: float,
    selected: np.ndarray | None = None,
) -> np.ndarray:
    """Spread a scalar or mapping over ``categories``; unmapped groups get ``default``."""
    out = np.full(len(categories), default, dtype=float)
    if value is None:
        return out
    if isinstance(value, Mapping):
        keys = list(value)
        at = positions(owner, name, categories, keys)
        out[at] = np.array([value[k] for k in keys], dtype=float)
        return out
    target = np.ones(len(categories), dtype=bool) if selected is None else selected
    out[target] = float(value)
    return out


def check_order(owner: str, lo_name: str, lo: Value, hi_name: str, hi: Value) -> None:
    """Reject a floor above a cap, for scalars and for keys present in both mappings."""
    if lo is None or hi is None:
        return
    if isinstance(lo, Mapping) and isinstance(hi, Mapping):
        pairs = [(k, lo[k], hi[k]) for k in lo if k in hi]
    elif isinstance(lo, Mapping):
        pairs = [(k, v, hi) for k, v in lo.items()]
    elif isinstance(hi, Mapping):
        pairs = [(k, lo, v) for k, v in hi.items()]
    else:
        pairs = [(None, lo, hi)]
    for key, a, b in pairs:
        if a > b:
            where = "" if key is None else f" for {key!r}"
            raise PolicyError(f"{owner}: {lo_name} {a:g} is above {hi_name} {b:g}{where}")


def positions(owner: str, name: str, categories: pd.Index, keys: list[Any]) -> np.ndarray:
    """Positions of ``keys`` in ``categories`` (labels compared as strings), or PolicyError."""
    as_str = pd.Index([str(c) for c in categories])
    positions = as_str.get_indexer([str(k) for k in keys])
    if (positions < 0).any():
        bad = [k for k, p in zip(keys, positions, strict=True) if p < 0]
        raise PolicyError(
            f"{owner}: {name} names unknown {categories.name or 'label'}(s) {bad}"
            f"{suggest(str(bad[0]), as_str)}; known: {list(categories)[:12]}"
            + (" ..." if len(categories) > 12 else "")
        )
    return positions


def group_block(
    family: str,
    codes: np.ndarray,
    categories: pd.Index,
    rows_for: np.ndarray,
    terms: tuple[np.ndarray, np.ndarray, np.ndarray],
    lower: np.ndarray,
    upper: np.ndarray,
    labels: pd.Index | None = None,
) -> RowBlock:
    """Rows ``lower_k <= sum_{terms in group k} val <= upper_k`` for the groups ``rows_for``.

    ``terms`` are ``(cell, col, val)`` from :meth:`BuildContext.terms` (spend or an
    outcome); a term belongs to the group of its cell.
    """
    remap = np.full(len(categories) + 1, -1, dtype=np.int64)  # last slot: missing (-1) codes
    remap[rows_for] = np.arange(len(rows_for))
    cell, col, val = terms
    row = remap[codes[cell]]
    keep = row >= 0
    return RowBlock(
        family=family,
        labels=categories[rows_for] if labels is None else labels,
        rows=row[keep],
        cols=col[keep],
        vals=val[keep],
        lower=lower[rows_for],
        upper=upper[rows_for],
    )


def group_label(level: str | tuple[str, ...], value: Any) -> str:
    """``region=Aceh`` or ``province=P01,program=x`` for a group of a (tuple) level."""
    if isinstance(level, tuple):
        return ",".join(f"{name}={v}" for name, v in zip(level, value, strict=True))
    return f"{level}={value}"


class Constraint(ABC):
    """Base class of policy constraints (a frozen dataclass in every subclass)."""

    family: ClassVar[str] = "constraint"
    #: Unit of each number field a user writes (``money``, ``share``, ``gini``, ``ratio``,
    #: ``per_capita``, ``metric`` or ``projects``): what :meth:`ikmopt.Result.sensitivity`
    #: differentiates by, and in which step it reports.
    number_units: ClassVar[Mapping[str, str]] = {}

    @abstractmethod
    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """Return the rows of this constraint for the dataset in ``ctx``."""

    def parts(self) -> list[Any]:
        """The rule as parts that emit their rows separately (itself, for most rules).

        Each part has ``emit(ctx)``, pickles, and its rows follow from its own fields, the
        data and what it reads of the context; the parts' rows together are the rule's. A
        sweep re-emits only the parts that changed (see :func:`ikmopt.model.build.build`).
        """
        return [self]

    def describe(self) -> str:
        """One-line human description, e.g. ``GroupShare(kti) min 40 %``."""
        fields = ", ".join(
            f"{k}={v!r}" for k, v in self.__dict__.items() if v is not None and v is not False
        )
        return f"{type(self).__name__}({fields})"
