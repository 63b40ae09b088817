r"""Linear relations between labelled aggregates: ``sum_k coef_k * aggregate_k {<=, >=, ==} b``.

An :class:`Aggregate` is the spend or a metric summed over the cells a filter selects
(``program="sentra"``, ``region=["Aceh", "Papua"]``, ``kti=True``); a :class:`Term` is an
aggregate times a coefficient (``2 * ik.Aggregate("spend", program="training")``). A
:class:`Relation` bounds a sum of terms by a constant, once in total or once per group of a
level (``by="region"``):

.. math::

    \sum_k c_k \sum_{c \in S_k \cap g} a_{m_k c}\, x_c \;\{\le, \ge, =\}\; b_g
    \qquad \text{for every group } g,

with ``a_{spend, c} = 1``. With diminishing-returns curves a metric's terms sit on the
segment columns, exactly as :class:`~ikmopt.Target` reads them. Nothing is parsed from text:
the terms are objects, and a scenario file writes their fields.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest
from ikmopt.data.groups import as_list
from ikmopt.model.constraints.base import (
    Constraint,
    Value,
    group_block,
    group_label,
    positions,
    values,
)
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["SENSES", "Aggregate", "Relation", "Term", "Where", "aggregate_text", "selected_cells",
           "where_filters"]

#: The senses a relation may have.
SENSES = ("<=", ">=", "==")

Where = Mapping[str, Any]


def where_filters(owner: str, where: Any, levels: Mapping[str, Any]) -> dict[str, Any] | None:
    """``where`` and the keyword filters as one mapping ``{level: value or tuple}``."""
    if where is not None and not isinstance(where, Mapping):
        raise PolicyError(f"{owner}: where must be a mapping {{level: value(s)}}, e.g. "
                          f"{{'program': 'sentra'}}; got {short_repr(where)}")
    merged = {**(where or {}), **levels}
    out: dict[str, Any] = {}
    for level, value in merged.items():
        if not isinstance(level, str) or not level:
            raise PolicyError(f"{owner}: a filter level must be a name such as 'program', "
                              f"got {short_repr(level)}")
        if isinstance(value, list | tuple | set | frozenset):
            if not value:
                raise PolicyError(f"{owner}: the filter {level}= lists no value")
            value = tuple(value)
        out[level] = value
    return out or None


def _value_text(level: str, value: Any) -> str:
    if value is True:
        return level
    if value is False:
        return f"not {level}"
    if isinstance(value, tuple):
        return "|".join(map(str, value))
    return str(value)


def aggregate_text(of: str, where: Where | None) -> str:
    """``spend[sentra]``, ``jobs[kti, Aceh|Papua]``, or ``jobs`` without a filter."""
    if not where:
        return of
    return f"{of}[{', '.join(_value_text(k, v) for k, v in where.items())}]"


def selected_cells(ctx: BuildContext, owner: str, where: Where | None) -> np.ndarray | None:
    """Whether each cell matches every filter of ``where`` (``None`` for no filter).

    Raises
    ------
    PolicyError
        Naming ``owner`` and the unknown level or label, with a suggestion.
    """
    if not where:
        return None
    inside = np.ones(ctx.data.n_cells, dtype=bool)
    for level, value in where.items():
        codes, categories = ctx.level(level, owner)
        wanted = as_list(value)
        names = [str(c) for c in categories]
        if set(names) <= {"True", "False"} and all(isinstance(v, bool) for v in wanted):
            at = np.flatnonzero(np.isin(names, [str(v) for v in wanted]))  # yes/no: may be none
        else:
            at = positions(owner, f"the filter {level}=", categories, wanted)
        inside &= np.isin(codes, at)
    return inside


@dataclass(frozen=True, init=False)
class Aggregate:
    """Spend or a metric summed over the cells a filter selects.

    Parameters
    ----------
    of : str, default "spend"
        ``"spend"`` (Rp bn) or a metric of the dataset (``"jobs"``).
    where : mapping, optional
        ``{level: value or list of values}``: cells whose level matches (levels as
        ``by=`` takes them: ``region``, ``program``, a regions column such as ``kti`` or
        ``island_group``, a programs column such as ``channel``).
    **levels
        The same filters as keywords: ``Aggregate("spend", program="sentra")``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> sentra = ik.Aggregate("spend", program="sentra")
    >>> sentra
    Aggregate(spend[sentra])
    >>> 2 * sentra
    Term(2 × spend[sentra])
    """

    of: str = "spend"
    where: Where | None = None

    def __init__(self, of: str = "spend", where: Where | None = None, **levels: Any) -> None:
        if not isinstance(of, str) or not of:
            raise PolicyError(f"Aggregate: of must be 'spend' or a metric name, got "
                              f"{short_repr(of)}")
        object.__setattr__(self, "of", of)
        object.__setattr__(self, "where", where_filters(f"Aggregate({of})", where, levels))

    def __mul__(self, coef: float) -> Term:
        if isinstance(coef, bool) or not isinstance(coef, int | float):
            return NotImplemented
        return Term(coef, self.of, self.where)

    __rmul__ = __mul__

    def __neg__(self) -> Term:
        return Term(-1.0, self.of, self.where)

    def describe(self) -> str:
        """``spend[sentra]``, ``jobs[kti]`` or ``jobs`` (no filter)."""
        return aggregate_text(self.of, self.where)

    def __repr__(self) -> str:
        return f"Aggregate({self.describe()})"


@dataclass(frozen=True, init=False)
class Term:
    """A coefficient times an :class:`Aggregate`: one term of a :class:`Relation`.

    Parameters
    ----------
    coef : float, default 1
        The coefficient (any sign).
    of : str, default "spend"
        ``"spend"`` or a metric.
    where : mapping, optional
        The cells summed (see :class:`Aggregate`).
    **levels
        The same filters as keywords: ``Term(-2, "spend", program="training")``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Term(-2, "spend", program="training")
    Term(-2 × spend[training])
    """

    coef: float = 1.0
    of: str = "spend"
    where: Where | None = None

    def __init__(self, coef: float = 1.0, of: str = "spend", where: Where | None = None,
                 **levels: Any) -> None:
        aggregate = Aggregate(of, where, **levels)
        object.__setattr__(self, "coef", number(f"Term({aggregate.describe()})", "coef", coef,
                                                lo=-math.inf))
        object.__setattr__(self, "of", aggregate.of)
        object.__setattr__(self, "where", aggregate.where)

    @property
    def aggregate(self) -> Aggregate:
        """The aggregate this term multiplies."""
        return Aggregate(self.of, self.where)

    def __mul__(self, coef: float) -> Term:
        if isinstance(coef, bool) or not isinstance(coef, int | float):
            return NotImplemented
        return Term(self.coef * coef, self.of, self.where)

    __rmul__ = __mul__

    def __neg__(self) -> Term:
        return Term(-self.coef, self.of, self.where)

    def describe(self) -> str:
        """``2 × spend[training]``."""
        coef = {1.0: "", -1.0: "-"}.get(self.coef, f"{self.coef:g} × ")
        return coef + self.aggregate.describe()

    def __repr__(self) -> str:
        return f"Term({self.describe()})"

    def emit_terms(self, ctx: BuildContext, owner: str
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(cell, col, val)`` of this term: the aggregate's terms times ``coef``."""
        cell, col, val = ctx.terms(self.of, owner)
        inside = selected_cells(ctx, owner, self.where)
        if inside is not None:
            keep = inside[cell]
            cell, col, val = cell[keep], col[keep], val[keep]
        return cell, col, self.coef * val


def _as_term(owner: str, i: int, term: Any) -> Term:
    """A term given as a Term, an Aggregate (coefficient 1) or a mapping of Term's fields."""
    if isinstance(term, Term):
        return term
    if isinstance(term, Aggregate):
        return Term(1.0, term.of, term.where)
    if isinstance(term, Mapping):  # as a scenario file writes it: the fields, no shortcuts
        fields = ("coef", "of", "where")
        unknown = [k for k in term if k not in fields]
        if unknown:
            raise PolicyError(f"{owner}: terms[{i}] has unknown key {short_repr(unknown[0])}"
                              f"{suggest(str(unknown[0]), fields)}; a term has {list(fields)}")
        return Term(**term)
    raise PolicyError(f"{owner}: terms[{i}] must be an ik.Term or ik.Aggregate (e.g. "
                      f"2 * ik.Aggregate('spend', program='training')), got "
                      f"{short_repr(term)}")


@dataclass(frozen=True)
class Relation(Constraint):
    """A linear relation between aggregates: ``sum_k coef_k * aggregate_k <sense> rhs``.

    Parameters
    ----------
    terms : sequence of Term or Aggregate
        The left-hand side (an :class:`Aggregate` counts once; a mapping with ``coef``,
        ``of`` and ``where`` is read as a :class:`Term`, as a scenario file writes it).
    sense : {"<=", ">=", "=="}
        How the left-hand side compares with ``rhs``.
    rhs : float or mapping, default 0
        The constant, in the unit of the terms (Rp bn for spend, the metric's unit for a
        metric); any sign. With ``by=``, a mapping ``{group: constant}`` gives rows only for
        the groups it names.
    by : str or tuple of str, optional
        One row per group of this level (``"region"``) or combination of levels; one row
        in total when omitted. Each group's terms sum over the group's cells only.

    Examples
    --------
    Sentra spend at most twice training spend, in every region:

    >>> import ikmopt as ik
    >>> sentra = ik.Aggregate("spend", program="sentra")
    >>> training = ik.Aggregate("spend", program="training")
    >>> ik.Relation([sentra, -2 * training], "<=", by="region").describe()
    'spend[sentra] <= 2 × spend[training], per region'
    """

    terms: Sequence[Term | Aggregate] = ()
    sense: str = ""
    rhs: Value = 0.0
    by: str | tuple[str, ...] | None = None
    family: ClassVar[str] = "relation"

    def __post_init__(self) -> None:
        owner = "Relation"
        if isinstance(self.terms, Term | Aggregate | Mapping | str) or not isinstance(
                self.terms, Iterable):
            raise PolicyError(f"{owner}: terms must be a list of ik.Term or ik.Aggregate, got "
                              f"{short_repr(self.terms)}")
        terms = tuple(_as_term(owner, i, t) for i, t in enumerate(self.terms))
        if not terms:
            raise PolicyError(f"{owner} needs at least one term, e.g. "
                              "[ik.Aggregate('spend', program='sentra')]")
        object.__setattr__(self, "terms", terms)
        if self.sense not in SENSES:
            given = "nothing" if self.sense == "" else short_repr(self.sense)
            raise PolicyError(f"{owner}: sense must be one of {list(SENSES)}, got "
                              f"{given}{suggest(str(self.sense), SENSES)}")
        if isinstance(self.by, list):
            object.__setattr__(self, "by", tuple(self.by))
        levels = (self.by,) if isinstance(self.by, str) else self.by
        if self.by is not None and not (isinstance(levels, tuple) and levels
                                        and all(isinstance(b, str) and b for b in levels)):
            raise PolicyError(f"{owner}: by must be a level name such as 'region' (or a tuple "
                              f"of them), got {short_repr(self.by)}")
        object.__setattr__(self, "rhs", values(f"{owner}({self._text()})", "rhs", self.rhs,
                                               lo=-math.inf))
        if self.rhs is None:
            raise PolicyError(f"{owner}: rhs must be a number (or a mapping per group)")
        if isinstance(self.rhs, Mapping) and self.by is None:
            raise PolicyError(f"{owner}({self._text()}): a mapping of rhs needs by= (the level "
                              "it is keyed by)")

    @property
    def metric(self) -> str | None:
        """The unit of the constant: ``"spend"``, the one metric of the terms, or ``None``.

        A relation that mixes spend with one metric (``jobs - 10 × spend >= 0``) is in that
        metric's unit; one that mixes several metrics has none.
        """
        metrics = {t.of for t in self.terms} - {"spend"}
        if not metrics:
            return "spend"
        return metrics.pop() if len(metrics) == 1 else None

    @property
    def number_units(self) -> Mapping[str, str]:  # type: ignore[override]
        """The unit of ``rhs``: money for a relation of spend, else the metric's."""
        return {"rhs": "money" if self.metric == "spend" else "metric"}

    def _text(self) -> str:
        """``spend[sentra] <= 2 × spend[training]`` (without the constant when it is 0)."""
        terms = list(self.terms)
        sense = self.sense
        rhs = self.rhs
        if all(t.coef < 0 for t in terms):  # say "a <= 5", not "-a >= -5"
            terms = [-t for t in terms]
            sense = {"<=": ">=", ">=": "<=", "==": "=="}[sense]
            rhs = ({k: 0.0 - v for k, v in rhs.items()} if isinstance(rhs, Mapping)
                   else None if rhs is None else 0.0 - rhs)
        left = " + ".join(t.describe() for t in terms if t.coef > 0) or "0"
        right = [(-t).describe() for t in terms if t.coef < 0]
        if isinstance(rhs, Mapping):
            right.append("{" + ", ".join(f"{k}: {v:,.6g}" for k, v in rhs.items()) + "}")
        elif rhs or not right:
            right.append(f"{0.0 if rhs is None else rhs:,.6g}")
        return f"{left} {sense} {' + '.join(right)}".replace("+ -", "- ")

    def expression(self) -> str:
        """The left-hand side as text, ``spend[sentra] - 2 × spend[training]``.

        The label of the relation's row in total (the constant is the row's bound).
        """
        text = " + ".join(t.describe() for t in self.terms)
        return text.replace("+ -", "- ")

    def describe(self) -> str:
        """``spend[sentra] <= 2 × spend[training], per region``."""
        if self.by is None:
            return self._text()
        by = ", ".join(self.by) if isinstance(self.by, tuple) else self.by
        return f"{self._text()}, per {by}"

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """One row in total, or one row per group of ``by`` that has a term."""
        owner = f"Relation({self.describe()})"
        parts = [t.emit_terms(ctx, owner) for t in self.terms]
        cell, col, val = (np.concatenate(a) for a in zip(*parts, strict=True))
        if self.by is None:
            lower, upper = self._bounds(1)
            return [RowBlock("relation", pd.Index([self.expression()]),
                             np.zeros(len(col), dtype=np.int64), col, val, lower, upper)]
        codes, categories = ctx.level(self.by, owner)
        groups = self._groups(owner, codes[cell], categories)
        lower, upper = self._bounds(len(categories), owner, categories)
        labels = pd.Index([group_label(self.by, categories[g]) for g in groups])
        return [group_block("relation", codes, categories, groups, (cell, col, val), lower,
                            upper, labels)]

    def _groups(self, owner: str, term_group: np.ndarray, categories: pd.Index) -> np.ndarray:
        """Groups that get a row: those with a term (the mapped ones with a mapping ``rhs``).

        A group without any term reads ``0 <sense> rhs``; where that fails, no plan can
        meet the rule, which is refused here rather than left to the solver.
        """
        present = np.zeros(len(categories), dtype=bool)
        present[term_group[term_group >= 0]] = True
        if isinstance(self.rhs, Mapping):
            wanted = positions(owner, "rhs", categories, list(self.rhs))
        else:
            wanted = np.arange(len(categories))
        lower, upper = self._bounds(len(categories), owner, categories)
        empty = wanted[~present[wanted]]
        broken = empty[(lower[empty] > 0) | (upper[empty] < 0)]
        if len(broken):
            names = [categories[g] for g in broken[:8]]
            raise PolicyError(f"{owner}: no term has any cell in {names}"
                              f"{' ...' if len(broken) > 8 else ''}, so 0 {self.sense} "
                              f"{self._rhs_of(categories, broken[0]):g} cannot hold there")
        return wanted[present[wanted]]

    def _rhs_of(self, categories: pd.Index, g: int) -> float:
        if isinstance(self.rhs, Mapping):
            return float({str(k): v for k, v in self.rhs.items()}[str(categories[g])])
        return float(self.rhs)  # type: ignore[arg-type]

    def _bounds(self, n: int, owner: str = "", categories: pd.Index | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
        """Row bounds of ``n`` groups (of ``categories``, when ``rhs`` is a mapping)."""
        rhs = np.zeros(n)
        if isinstance(self.rhs, Mapping):
            assert categories is not None
            keys = list(self.rhs)
            rhs[positions(owner, "rhs", categories, keys)] = [self.rhs[k] for k in keys]
        else:
            rhs[:] = float(self.rhs)  # type: ignore[arg-type]
        lower = rhs if self.sense in (">=", "==") else np.full(n, -np.inf)
        upper = rhs if self.sense in ("<=", "==") else np.full(n, np.inf)
        return lower, upper

