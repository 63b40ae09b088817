"""Fund what regions proposed (*usulan*): only proposed cells, up to what was asked.

With the proposals table of the dataset (:mod:`ikmopt.data.proposals`), every proposal
``i`` gets a column ``f_i``, the money it receives, with ``0 <= f_i <= a_i`` (what it
asked; ``0`` when its readiness is below the floor). Proposals are grouped by what they
cover: their cells (region, program, ...) and, with pots, the pot ``k`` they are proposed
in. For each group ``g``:

    sum_{c in g} y_ck - sum_{i in g} f_i = 0      (the group's spend is what its proposals get)

(``x_c`` in place of ``y_ck`` without pots), and with ``only_proposed`` the spend nobody
proposed is zero: ``sum of the scope's spend outside every group <= 0``.

Which proposals in a group get its money does not change the objective; they are filled
in order of readiness, then priority, then the table's order. Across groups, when
``prefer_ready`` is set and readiness differs, a second solve keeps the objective within
its tolerance of the optimum and maximizes ``sum_i readiness_i f_i``: of equally good
plans, the one that funds the readiest proposals (a lexicographic stage, see
:func:`ikmopt.solving.tiebreak.prefer`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import PolicyError
from ikmopt.model.constraints.base import Constraint
from ikmopt.model.lp import RowBlock

if TYPE_CHECKING:
    from ikmopt.data.proposals import Proposals
    from ikmopt.model.build import BuildContext

__all__ = ["FundProposals", "ProposalLayout"]


@dataclass(frozen=True, eq=False)
class ProposalLayout:
    """Where the proposals sit in the program (``builder.meta["proposals"]``).

    Attributes
    ----------
    rule : FundProposals
    columns : numpy.ndarray
        The column ``f_i`` of each proposal.
    pot : numpy.ndarray
        The pot (position in the budget's pots) each proposal is funded from, ``-1``
        without pots or where it may draw on any pot in scope.
    key : numpy.ndarray
        Each proposal's group (position of its row among the group rows).
    ready : numpy.ndarray
        Whether each proposal meets the readiness floor.
    scope : tuple of str
        The pots whose spend must be proposed (empty without pots: all spend).
    """

    rule: FundProposals
    columns: np.ndarray
    pot: np.ndarray
    key: np.ndarray
    ready: np.ndarray
    scope: tuple[str, ...]


@dataclass(frozen=True)
class FundProposals(Constraint):
    """Fund only what regions proposed, up to what they asked, if they are ready.

    Needs a dataset with a proposals table (``proposals.csv``, a ``proposals`` sheet, or
    :meth:`ikmopt.Dataset.with_proposals`). Without pots in the budget, the proposals' ``pot``
    column is not used: a proposal caps its cells' spend from any money.

    Parameters
    ----------
    min_readiness : float, optional
        Proposals whose readiness score (0 to 1; with pass/fail criteria, the share passed)
        is below it get nothing. ``1`` asks every criterion passed.
    only_proposed : bool, default True
        Money in scope goes only to proposed cells. With ``False``, cells nobody proposed
        are not limited by this rule (the proposals only cap what they cover).
    up_to_asked : bool, default True
        A proposal gets at most what it asked. With ``False``, a ready proposal opens its
        cells without a cap.
    prefer_ready : bool, default True
        Of plans equally good for the objective (within its tolerance), choose the one that
        funds the readiest proposals (a second, lexicographic solve; only when readiness
        differs among the ready proposals). Within one group of proposals readiness always
        decides, then priority.
    pots : sequence of str, optional
        With pots, the pots whose money must be proposed. Default: every pot but those of
        ``level="ministry"`` (the ministry's own spending is not proposed by regions), and
        any pot a proposal names.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.FundProposals(min_readiness=0.75).describe()
    'FundProposals: only proposed cells, up to what was asked, readiness >= 0.75'
    """

    min_readiness: float | None = None
    only_proposed: bool = True
    up_to_asked: bool = True
    prefer_ready: bool = True
    pots: tuple[str, ...] | None = None
    family: ClassVar[str] = "proposals"

    def __post_init__(self) -> None:
        if self.min_readiness is not None:
            object.__setattr__(self, "min_readiness", number(
                "FundProposals", "min_readiness", self.min_readiness, hi=1.0))
        for flag in ("only_proposed", "up_to_asked", "prefer_ready"):
            if not isinstance(getattr(self, flag), bool):
                raise PolicyError(f"FundProposals: {flag} must be true or false, got "
                                  f"{short_repr(getattr(self, flag))}")
        if self.pots is not None:
            pots = (self.pots,) if isinstance(self.pots, str) else tuple(self.pots)
            if not pots or not all(isinstance(p, str) and p for p in pots):
                raise PolicyError(f"FundProposals: pots must name pots, got "
                                  f"{short_repr(self.pots)}")
            object.__setattr__(self, "pots", pots)

    def describe(self) -> str:
        """Human description."""
        parts = ["only proposed cells" if self.only_proposed else "proposed cells capped",
                 *(["up to what was asked"] if self.up_to_asked else [])]
        if self.min_readiness is not None:
            parts.append(f"readiness >= {self.min_readiness:g}")
        if self.pots:
            parts.append("pots " + ", ".join(self.pots))
        return "FundProposals: " + ", ".join(parts)

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        """The proposal columns, one row per group of proposals and the unproposed row."""
        proposals = ctx.data.proposals
        if proposals is None:
            raise PolicyError(
                f"FundProposals: dataset '{ctx.data.name}' has no proposals table; add one "
                "(a proposals.csv file or sheet, or data.with_proposals(table)) or drop "
                "this rule")
        if ctx.builder.meta.get("proposals") is not None:
            raise PolicyError("FundProposals is given twice; keep one")
        ready = np.ones(len(proposals), dtype=bool)
        if self.min_readiness is not None:
            ready = proposals.readiness >= self.min_readiness - 1e-12
        amount = proposals.amount if self.up_to_asked else np.full(len(proposals), np.inf)
        columns = ctx.builder.add_columns("proposal", [str(p) for p in proposals.table.index],
                                          np.zeros(len(proposals)), np.where(ready, amount, 0))
        if ctx.policy.budget.pots:
            terms, pot, scope = self._pot_terms(ctx, proposals)
        else:
            cell, col, val = ctx.terms("spend", "FundProposals")
            terms = (cell, col, val, np.full(len(cell), -1))
            pot, scope = np.full(len(proposals), -1), ()
        blocks, key = self._group_rows(ctx, proposals, columns, pot, terms)
        ctx.builder.meta["proposals"] = ProposalLayout(self, columns, pot, key, ready, scope)
        score = proposals.readiness[ready]
        if self.prefer_ready and len(score) and np.ptp(score) > 0:
            ctx.builder.meta["tie_break"] = (columns[ready], score)
        return blocks

    def _pot_terms(self, ctx: BuildContext, proposals: Proposals
                   ) -> tuple[tuple[np.ndarray, ...], np.ndarray, tuple[str, ...]]:
        """Spend terms of the pots in scope, tagged with their pot; each proposal's pot."""
        layout = ctx.pots()
        names = layout.names
        named = proposals.pots
        pot = np.full(len(proposals), -1, dtype=np.int64)
        if named is not None:
            pot = _proposal_pots(layout, proposals, ctx)
        if self.pots is not None:
            scope = [layout.index(p, "FundProposals(pots=...)") for p in self.pots]
        else:
            scope = [k for k, p in enumerate(layout.pots) if p.level != "ministry"] or list(
                range(len(names)))
        scope = sorted(set(scope) | set(pot[pot >= 0].tolist()))
        outside = sorted(set(pot[pot >= 0].tolist()) - set(scope))
        if outside:
            raise PolicyError(f"FundProposals: proposals name pot(s) "
                              f"{[names[k] for k in outside]} outside pots={list(self.pots)}")
        parts = [ctx.pot_terms(names[k], "FundProposals") for k in scope]
        tags = [np.full(len(p[0]), k) for k, p in zip(scope, parts, strict=True)]
        terms = tuple(np.concatenate(a) for a in zip(*parts, strict=True))
        return (*terms, np.concatenate(tags)), pot, tuple(names[k] for k in scope)

    def _group_rows(self, ctx: BuildContext, proposals: Proposals, columns: np.ndarray,
                    pot: np.ndarray, terms: tuple[np.ndarray, ...]
                    ) -> tuple[list[RowBlock], np.ndarray]:
        """Rows ``spend of group - sum f = 0`` per (group, pot); the unproposed row."""
        cell, col, val, term_pot = terms
        n_pots = int(max(term_pot.max(initial=-1), pot.max(initial=-1))) + 2
        key_of_proposal = proposals.group * n_pots + (pot + 1)
        keys, key = np.unique(key_of_proposal, return_inverse=True)
        key = np.asarray(key, dtype=np.int64).ravel()
        group = proposals.cells[cell]
        exact = np.searchsorted(keys, group * n_pots + term_pot + 1)  # a proposal in its pot
        exact = np.minimum(exact, len(keys) - 1)
        hit = (group >= 0) & (keys[exact] == group * n_pots + term_pot + 1)
        anypot = np.minimum(np.searchsorted(keys, group * n_pots), len(keys) - 1)
        hit_any = (group >= 0) & ~hit & (keys[anypot] == group * n_pots)
        row = np.where(hit, exact, np.where(hit_any, anypot, -1))
        labels = pd.Index([_key_label(proposals, keys[k] // n_pots, keys[k] % n_pots - 1, ctx)
                           for k in range(len(keys))])
        proposed = row >= 0
        blocks = [RowBlock(
            "proposals", labels,
            np.concatenate([row[proposed], key]), np.concatenate([col[proposed], columns]),
            np.concatenate([val[proposed], -np.ones(len(columns))]),
            np.zeros(len(keys)), np.zeros(len(keys)))]
        if self.only_proposed and (~proposed).any():
            blocks.append(RowBlock(
                "proposals", pd.Index(["not proposed"]), np.zeros(int((~proposed).sum()),
                                                                  dtype=np.int64),
                col[~proposed], val[~proposed], np.array([-np.inf]), np.zeros(1)))
        return blocks, key


def _proposal_pots(layout: Any, proposals: Proposals, ctx: BuildContext) -> np.ndarray:
    """Each proposal's pot: the one it names, or the only pot that funds its program."""
    names = layout.names
    named = proposals.pots
    program = proposals.table["program"].to_numpy(dtype=object)
    programs = [str(p) for p in ctx.data.programs.index]
    cell_program = ctx.data.programs.index.get_indexer(
        ctx.data.cells.get_level_values("program"))
    funds = np.zeros((len(programs), len(names)), dtype=bool)
    funds[cell_program[layout.cell], layout.pot] = True
    out = np.full(len(proposals), -1, dtype=np.int64)
    for i, (label, given) in enumerate(zip(proposals.table.index, named, strict=True)):
        p = programs.index(str(program[i]))
        able = [names[k] for k in np.flatnonzero(funds[p])]
        if given is None or (isinstance(given, float) and np.isnan(given)):
            if len(able) != 1:
                raise PolicyError(f"proposals: {label} (program {program[i]!r}) names no pot "
                                  f"and {len(able)} pots fund its program {able}; fill in its "
                                  "pot")
            out[i] = names.index(able[0])
            continue
        if given not in names:
            raise PolicyError(f"proposals: {label} names pot {given!r}, which the budget does "
                              f"not have; pots: {names}")
        if given not in able:
            raise PolicyError(f"proposals: {label} asks pot {given!r} for program "
                              f"{program[i]!r}, which that pot does not fund; pots that do: "
                              f"{able}")
        out[i] = names.index(given)
    return out


def _key_label(proposals: Proposals, group: int, pot: int, ctx: BuildContext) -> str:
    values = proposals.groups.iloc[int(group)]
    text = ",".join(f"{lv}={values[lv]}" for lv in proposals.levels)
    if pot >= 0:
        text += f"|pot={ctx.policy.budget.pots[int(pot)].name}"
    return text

