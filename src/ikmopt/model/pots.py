"""Pots: the funding channels a budget comes in, each with a ceiling money cannot leave.

A planner at the IKM directorate does not split one pooled budget: central ministry spending
(APBN pusat), Tugas Pembantuan to provinces, DAK fisik to regencies (and DAK nonfisik) are
separate pots. Each pot funds some programs (many to many: a program may be funded from
several pots) and reaches one level of government.

In the program, every cell ``c`` whose program a pot ``k`` may fund gets a column
``y_ck >= 0``, the money it receives from that pot, with

    x_c - sum_k y_ck = 0                 (a cell's spend is what its pots give it)
    sum_c y_ck + sum_j F_j z_j <= B_k    (pot k's ceiling; projects paid from pot k)

so money never crosses pots. Which pots fund a program comes from :attr:`Pot.funds` or, when
a pot leaves it open, from the programs table's ``pots`` column (pot names separated by
``;``), else its ``channel`` column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.checks import number, short_repr
from ikmopt.core.errors import PolicyError
from ikmopt.core.validation import suggest

__all__ = ["LEVELS", "Pot", "PotLayout", "fund_every_program", "funded_programs", "pot_layout",
           "pots_of"]

#: The levels of government a pot reaches.
LEVELS = ("ministry", "province", "regency")


@dataclass(frozen=True)
class Pot:
    """One funding channel's money.

    Parameters
    ----------
    name : str
        The channel, e.g. ``"DAK fisik"``.
    ceiling : float
        Money available in the pot, Rp bn.
    funds : sequence of str, optional
        Programs the pot may fund. Default: the programs whose ``pots`` column (or, without
        one, ``channel``) names the pot.
    level : {"ministry", "province", "regency"}, optional
        Who receives the money: the ministry spends it itself (APBN pusat), provinces
        (Tugas Pembantuan, dekonsentrasi) or regencies (DAK). On a province dataset a
        regency pot reaches each province's regencies in aggregate. Proposals
        (:class:`~ikmopt.FundProposals`) are asked for every pot but a ministry one.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.Pot("DAK fisik", 395, funds=["sentra"], level="regency").ceiling
    395.0
    """

    name: str
    ceiling: float
    funds: tuple[str, ...] | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise PolicyError(f"Pot: name must be a non-empty text, got {short_repr(self.name)}")
        owner = f"Pot({self.name!r})"
        object.__setattr__(self, "ceiling", number(owner, "ceiling", self.ceiling))
        if self.funds is not None:
            funds = (self.funds,) if isinstance(self.funds, str) else tuple(self.funds)
            if not funds or not all(isinstance(f, str) and f for f in funds):
                raise PolicyError(f"{owner}: funds must name programs, got "
                                  f"{short_repr(self.funds)}")
            object.__setattr__(self, "funds", funds)
        if self.level is not None and self.level not in LEVELS:
            raise PolicyError(f"{owner}: level must be one of {list(LEVELS)}, got "
                              f"{short_repr(self.level)}{suggest(str(self.level), LEVELS)}")

    def describe(self) -> str:
        """``DAK fisik <= Rp 395 bn (regency, sentra)``."""
        where = ", ".join(p for p in (self.level, *(self.funds or ())) if p)
        return f"{self.name} <= Rp {self.ceiling:,.6g} bn" + (f" ({where})" if where else "")


def pots_of(value: Any) -> tuple[Pot, ...] | None:
    """Pots from a sequence of :class:`Pot` (or mappings of its fields) or ``{name: ceiling}``.

    Raises
    ------
    PolicyError
        For anything else, or two pots of one name.
    """
    if value is None:
        return None
    if isinstance(value, Mapping):
        items: list[Any] = [{"name": k, "ceiling": v} for k, v in value.items()]
    elif isinstance(value, Sequence) and not isinstance(value, str):
        items = list(value)
    else:
        raise PolicyError(f"Budget: pots must be a list of ik.Pot or {{name: ceiling}}, got "
                          f"{short_repr(value)}")
    pots = []
    for i, item in enumerate(items):
        if isinstance(item, Pot):
            pots.append(item)
        elif isinstance(item, Mapping):
            unknown = set(item) - {"name", "ceiling", "funds", "level"}
            if unknown:
                raise PolicyError(f"Budget: pots[{i}] has unknown keys {sorted(unknown)}; "
                                  "keys: name, ceiling, funds, level")
            pots.append(Pot(**item))
        else:
            raise PolicyError(f"Budget: pots[{i}] must be an ik.Pot or a mapping, got "
                              f"{short_repr(item)}")
    names = [p.name for p in pots]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise PolicyError(f"Budget: pots {twice} are given twice; each pot once")
    if not pots:
        raise PolicyError("Budget: pots is empty")
    return tuple(pots)


@dataclass(frozen=True, eq=False)
class PotLayout:
    """Where each pot's money goes in the program.

    Attributes
    ----------
    pots : tuple of Pot
    cell, pot : numpy.ndarray
        For each (cell, pot) pair a pot may fund: the cell's position and the pot's.
    col : numpy.ndarray
        The column ``y_ck`` of each pair.
    project_pot : numpy.ndarray
        The pot each project is paid from (``-1`` without projects).
    """

    pots: tuple[Pot, ...]
    cell: np.ndarray
    pot: np.ndarray
    col: np.ndarray
    project_pot: np.ndarray

    @property
    def names(self) -> list[str]:
        """The pots' names, in order."""
        return [p.name for p in self.pots]

    def index(self, name: str, owner: str) -> int:
        """Position of the pot ``name`` (PolicyError naming ``owner`` when unknown)."""
        if name not in self.names:
            raise PolicyError(f"{owner}: no pot {name!r}{suggest(str(name), self.names)}; "
                              f"pots: {self.names}")
        return self.names.index(name)


def fund_every_program(pots: tuple[Pot, ...], programs: pd.DataFrame) -> bool:
    """Whether every program of ``programs`` is funded by one of ``pots``."""
    try:
        funds = funded_programs(pots, programs)
    except PolicyError:
        return False
    funded = {p for programs_k in funds for p in programs_k}
    return all(str(p) in funded for p in programs.index)


def funded_programs(pots: tuple[Pot, ...], programs: pd.DataFrame) -> list[list[str]]:
    """The programs each pot may fund (validated against the programs table)."""
    column = "pots" if "pots" in programs.columns else (
        "channel" if "channel" in programs.columns else None)
    listed = {}
    if column is not None:
        listed = {str(p): {s.strip() for s in str(v).split(";") if s.strip()}
                  for p, v in programs[column].items() if not pd.isna(v)}
    known = [str(p) for p in programs.index]
    out = []
    for pot in pots:
        if pot.funds is None:
            out.append([p for p in known if pot.name in listed.get(p, set())])
            continue
        unknown = [f for f in pot.funds if f not in known]
        if unknown:
            raise PolicyError(f"Pot({pot.name!r}): funds names unknown program(s) {unknown}"
                              f"{suggest(unknown[0], known)}; programs: {known}")
        out.append(list(pot.funds))
    return out


def pot_layout(pots: tuple[Pot, ...], programs: pd.DataFrame, cell_program: np.ndarray,
               project_program: np.ndarray | None, project_pots: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The eligible (cell, pot) pairs and each project's pot.

    Parameters
    ----------
    cell_program : numpy.ndarray
        Position of each cell's program in ``programs``.
    project_program : numpy.ndarray, optional
        Position of each project's program.
    project_pots : numpy.ndarray, optional
        A pot name per project (from the projects table's ``pot`` column), or ``None``.

    Raises
    ------
    PolicyError
        For a program no pot funds (its money would have nowhere to come from), or a project
        whose pot is unknown, cannot fund its program or is ambiguous.
    """
    funds = funded_programs(pots, programs)
    names = [str(p) for p in programs.index]
    allowed = np.zeros((len(names), len(pots)), dtype=bool)
    for k, programs_k in enumerate(funds):
        allowed[[names.index(p) for p in programs_k], k] = True
    orphans = [names[i] for i in np.unique(cell_program) if not allowed[i].any()]
    if orphans:
        raise PolicyError(f"Budget: no pot funds the program(s) {orphans}; name them in a "
                          "pot's funds= (or the programs table's pots column), drop them, or "
                          "give the budget as one total, ik.Budget(total=...) (for the default "
                          "policy on your own data: ik.default_policy(data=data))")
    cell, pot = np.nonzero(allowed[cell_program])
    if project_program is None:
        return cell, pot, np.full(0, -1, dtype=np.int64)
    return cell, pot, _project_pots(pots, allowed, project_program, project_pots, names)


def _project_pots(pots: tuple[Pot, ...], allowed: np.ndarray, program: np.ndarray,
                  given: np.ndarray | None, names: list[str]) -> np.ndarray:
    pot_names = [p.name for p in pots]
    out = np.full(len(program), -1, dtype=np.int64)
    for j, prog in enumerate(program):
        choices = np.flatnonzero(allowed[prog])
        if given is not None and not pd.isna(given[j]):
            name = str(given[j])
            if name not in pot_names or pot_names.index(name) not in choices:
                raise PolicyError(f"projects: project {j} names pot {name!r}, which does not "
                                  f"fund program {names[prog]!r}; pots that do: "
                                  f"{[pot_names[k] for k in choices]}")
            out[j] = pot_names.index(name)
        elif len(choices) == 1:
            out[j] = choices[0]
        else:
            raise PolicyError(f"projects: project {j} of program {names[prog]!r} could be paid "
                              f"from {[pot_names[k] for k in choices]}; add a 'pot' column to "
                              "the projects table")
    return out
