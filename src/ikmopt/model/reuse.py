"""What a program of a sequence (a sweep) takes over from the last one, and when it may.

A sweep builds one program per point, each from a policy that differs from the last in one
number. Most of the rules did not change, and their rows need not be computed again. A rule
part (see :meth:`~ikmopt.model.constraints.base.Constraint.parts`) or the objective is taken
over from the last build when all of this holds:

* it pickles to the same bytes (equal in every field, and a rule changed in place is not
  taken for the old one; a part that does not pickle is always emitted again);
* the dataset is the same object and the builder has the same columns, shared columns and
  entries when it comes to emit;
* when it was emitted, it read neither the policy (beyond itself: e.g. a floor in shares
  of the budget reads the budget's total) nor an entry another rule left in the builder,
  and added no column, row or entry of its own.

The last condition is observed, not declared: :class:`~ikmopt.model.build.BuildContext`
notes every read of its ``policy`` and :class:`ReadMeta` every read of the builder's
entries, so a new rule is safe without saying what it reads.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ikmopt.model.lp import ModelBuilder, RowBlock

if TYPE_CHECKING:
    from ikmopt.model.build import BuildContext

__all__ = ["DATA_ENTRIES", "Emitted", "ReadMeta", "apply_objective", "emit_part"]

#: Entries of ``ModelBuilder.meta`` that come from the data alone (curves and projects).
DATA_ENTRIES = frozenset({"segment_columns", "segment_cells", "outcome_terms", "spend_terms",
                          "project_columns"})


@dataclass(frozen=True)
class Emitted:
    """What a rule part (or the objective) gave in a build of a sequence, and from what.

    Attributes
    ----------
    key : bytes or None
        The part pickled; ``None`` when what it gave must not be taken over (it read the
        policy or an entry another rule left, added columns, rows or entries, or does not
        pickle).
    state : tuple
        The builder's columns, shared columns, entries and row blocks when it emitted.
    data : Dataset
        The dataset.
    blocks : tuple of RowBlock
        Its rows.
    cost : numpy.ndarray or None
        The objective's costs (for the objective).
    """

    key: bytes | None
    state: tuple
    data: Any
    blocks: tuple[RowBlock, ...] = ()
    cost: np.ndarray | None = None


class ReadMeta(dict):
    """``ModelBuilder.meta`` noting which of its keys are read."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.read.add(key)  # type: ignore[arg-type]
        return super().__contains__(key)

    def get(self, key: str, default: Any = None) -> Any:
        """``dict.get``, noting the read."""
        self.read.add(key)
        return super().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        """``dict.setdefault``, noting the read."""
        self.read.add(key)
        return super().setdefault(key, default)


def emit_part(ctx: BuildContext, part: Any, number: int, before: Emitted | None,
              record: bool) -> Emitted | None:
    """Add the rows of ``part``, a part of rule number ``number`` of the policy (budget: 0).

    With ``record`` (a program of a sequence), return what it emitted; its rows are those
    ``before`` when it may be taken over (see the module docstring).
    """
    builder = ctx.builder
    if not record:
        for block in part.emit(ctx):
            builder.add_rows(block, constraint=number)
        return None
    key, state = _pickled(part), builder_state(builder)
    if _same(before, key, state, ctx):
        blocks = before.blocks  # type: ignore[union-attr]
    else:
        out: list[RowBlock] = []
        pure = _observed(ctx, state, lambda: out.extend(part.emit(ctx)))
        blocks, key = tuple(out), key if pure else None
    for block in blocks:
        builder.add_rows(block, constraint=number)
    return Emitted(key, state, ctx.data, blocks)


def apply_objective(ctx: BuildContext, objective: Any, optima: Mapping[str, float] | None,
                    coef: Callable[[str], np.ndarray], accrual: Any, before: Emitted | None,
                    record: bool) -> Emitted | None:
    """Write ``objective`` into the builder (costs, and any columns or rows of its own).

    ``coef`` gives each metric's coefficients with ``accrual`` (the policy's, part of what
    the costs follow from). With ``record``, return what it gave; the costs are those
    ``before`` when they may be taken over (see the module docstring).
    """
    if not record:
        objective.apply(ctx, coef, optima)
        return None
    builder = ctx.builder
    key, state = _pickled((objective, dict(optima or {}), accrual)), builder_state(builder)
    if _same(before, key, state, ctx) and before.cost is not None:  # type: ignore[union-attr]
        builder.cost = before.cost  # type: ignore[union-attr]
        return before
    pure = _observed(ctx, state, lambda: objective.apply(ctx, coef, optima))
    return Emitted(key if pure else None, state, ctx.data, cost=builder.cost.copy())


def builder_state(builder: ModelBuilder) -> tuple:
    """The builder's columns, shared columns, entries and row blocks (counts and keys)."""
    return (builder.n_cols, tuple(builder.shared_columns.items()), tuple(builder.meta),
            builder.n_blocks)


def _same(before: Emitted | None, key: bytes | None, state: tuple, ctx: BuildContext) -> bool:
    """Whether what was given ``before`` may be taken over by a part pickled to ``key``."""
    return (before is not None and key is not None and before.key == key
            and before.data is ctx.data and before.state == state)


def _observed(ctx: BuildContext, state: tuple, run: Callable[[], object]) -> bool:
    """Run ``run`` (an emit from the builder ``state``): whether it kept to itself and the data.

    That is: it read neither the policy nor a builder entry other than the data's, and
    added no column, row block or entry, nor replaced an entry.
    """
    builder = ctx.builder
    meta: ReadMeta = builder.meta  # type: ignore[assignment]
    entries = dict(meta)
    meta.read.clear()
    ctx.read_policy = False
    run()
    return (not ctx.read_policy and meta.read <= DATA_ENTRIES
            and builder_state(builder) == state
            and all(dict.get(meta, k) is v for k, v in entries.items()))


def _pickled(part: Any) -> bytes | None:
    """``part`` pickled, or ``None`` if it does not pickle (a rule holding a function)."""
    try:
        return pickle.dumps(part, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # any failure just means "emit again"
        return None
