"""Build a :class:`~ikmopt.model.lp.LinearProgram` from a dataset and a policy.

The build is vectorized end to end: each constraint emits COO blocks computed with numpy on
integer codes of the cell index; the builder concatenates them once into a CSR matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.data.groups import combined_codes
from ikmopt.model.hygiene import check_scaling
from ikmopt.model.lp import LinearProgram, ModelBuilder, RowBlock, unit_terms
from ikmopt.model.objectives import Objective
from ikmopt.model.policy import Policy
from ikmopt.model.pots import PotLayout, pot_layout
from ikmopt.model.reuse import ReadMeta, apply_objective, emit_part

__all__ = [
    "BuildContext",
    "build",
    "cell_names",
    "column_cells",
    "objective_coefficients",
    "outcome_cost",
]


class BuildContext:
    """What a constraint sees while emitting rows: data, policy and the builder.

    The context notes whether a rule read the policy (beyond itself: e.g. the budget's
    total) while emitting, and the builder's ``meta`` which of its entries were read, so
    that the next program of a sweep knows which rules' rows it can take over unchanged
    (see :func:`build`).
    """

    def __init__(self, data: Dataset, policy: Policy, builder: ModelBuilder,
                 carried: dict[str, Any] | None = None) -> None:
        self.data = data
        self._policy = policy
        self.builder = builder
        self.read_policy = False
        builder.meta = ReadMeta(builder.meta)
        self.carried = {} if carried is None else carried

    def from_data(self, name: str, make: Callable[[], Any]) -> Any:
        """``make()``, which depends on the dataset alone, computed once per sequence.

        The programs of a sweep on one dataset share what it returns (the definition of
        total spend, say), so a later program's rows are the same objects as the last's.
        """
        if name not in self.carried:
            self.carried[name] = make()
        return self.carried[name]

    @property
    def policy(self) -> Policy:
        """The policy being built (reading it is noted, see the class docstring)."""
        self.read_policy = True
        return self._policy

    def level(self, level: str, owner: str) -> tuple[np.ndarray, pd.Index]:
        """Cell codes and groups of a level, with a PolicyError naming ``owner``."""
        try:
            return self.data.level_codes(level)
        except PolicyError as err:
            raise PolicyError(f"{owner}: {err}") from None

    def terms(self, of: str, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The outcome ``of`` (``"spend"`` or a metric) as linear terms over columns.

        Returns ``(cell, col, val)``: for each term the cell it belongs to, its column and
        its coefficient. Spend is the cell columns plus each project's cost on its binary;
        a metric is ``a_c x_c`` on cells without curves, ``a_c f_k y_ck`` on the segment
        columns of cells with curves and the project's outcome on its binary.
        """
        if of == "spend":
            return self.weighted_terms(np.ones(self.data.n_cells + self.data.n_projects),
                                       outcome=False)
        return self.weighted_terms(self.coefficients(of, owner))

    def weighted_terms(
        self, unit_coef: np.ndarray, outcome: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Terms of per-unit coefficients of an outcome (or of spend, ``outcome=False``).

        ``unit_coef`` has one value per cell, then one per project (see
        :meth:`ikmopt.Dataset.unit_coefficients`).
        """
        unit, col, factor = unit_terms(self.builder.meta, self.data.n_cells, outcome)
        return self.data.unit_cell[unit], col, np.asarray(unit_coef, dtype=float)[unit] * factor

    def set_outcome_cost(self, unit_coef: np.ndarray) -> None:
        """Set the objective to ``sum_u unit_coef_u * (outcome of unit u)``."""
        self.builder.cost[:] = outcome_cost(self.builder.meta, len(self.builder.cost),
                                            self.data.n_cells, unit_coef)

    def set_spend_cost(self, sign: float = -1.0) -> None:
        """Set the objective to ``sign`` times total spend (projects included)."""
        _, col, factor = unit_terms(self.builder.meta, self.data.n_cells, outcome=False)
        self.builder.cost[:] = np.bincount(col, weights=sign * factor,
                                           minlength=len(self.builder.cost))

    def coefficients(self, metric: str, owner: str) -> np.ndarray:
        """A metric's coefficients per unit (cells, then projects), naming ``owner``."""
        try:
            return self.data.unit_coefficients(metric)
        except PolicyError as err:
            raise PolicyError(f"{owner}: {err}") from None

    def group_population(self, level: str | tuple[str, ...],
                         owner: str = "a per-capita rule") -> np.ndarray:
        """Population of each group of ``level``: the sum over the distinct regions in it.

        Raises
        ------
        PolicyError
            If the regions table has no ``population`` column (naming ``owner``).
        """
        population = self.data.region_column("population", owner)
        codes, categories = self.data.level_codes(level)
        valid = codes >= 0
        groups, regions = len(categories), len(population)
        if groups * regions <= 50_000_000:  # mark (group, region) pairs in O(cells), no sort
            seen = np.zeros(groups * regions, dtype=bool)
            seen[codes[valid] * regions + self.data.region_codes[valid]] = True
            group, region = np.divmod(np.flatnonzero(seen), regions)
        else:
            group, region = np.unique(np.stack([codes[valid], self.data.region_codes[valid]]),
                                      axis=1)
        return np.bincount(group, weights=population[region], minlength=groups)

    def pots(self) -> PotLayout:
        """The pot columns ``y_ck`` and the rows ``x_c - sum_k y_ck = 0`` (created once).

        Raises
        ------
        PolicyError
            Without ``Budget(pots=...)``, or for a program no pot funds.
        """
        pots = self.policy.budget.pots  # read even when laid out: the layout comes from it
        layout = self.builder.meta.get("pots")
        if layout is not None:
            return layout
        if not pots:
            raise PolicyError("this rule is about pots: give the budget its pots, "
                              "Budget(pots=[ik.Pot(...), ...])")
        data = self.data
        cell_program = data.programs.index.get_indexer(data.cells.get_level_values("program"))
        projects = data.projects
        project_program = None if projects is None else cell_program[projects.cell]
        given = (None if projects is None or "pot" not in projects.table.columns
                 else projects.table["pot"].to_numpy())
        cell, pot, project_pot = pot_layout(pots, data.programs, cell_program,
                                            project_program, given)
        names = np.array([p.name for p in pots], dtype=object)
        labels = [f"{n}|{c}" for n, c in zip(names[pot], cell_names(data.cells)[cell],
                                             strict=True)]
        col = self.builder.add_columns("pot_spend", labels, np.zeros(len(cell)),
                                       np.full(len(cell), np.inf))
        n = data.n_cells
        self.builder.add_rows(
            RowBlock("definition", pd.Index([f"pots of cell {c}" for c in range(n)]),
                     np.concatenate([np.arange(n), cell]), np.concatenate([np.arange(n), col]),
                     np.concatenate([np.ones(n), -np.ones(len(cell))]),
                     np.zeros(n), np.zeros(n), kind="definition"),
            constraint=-1,
        )
        layout = PotLayout(pots, cell, pot, col, project_pot)
        self.builder.meta["pots"] = layout
        return layout

    def pot_terms(self, name: str, owner: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Spend from the pot ``name`` as ``(cell, col, val)`` terms (projects included)."""
        layout = self.pots()
        k = layout.index(name, owner)
        pairs = layout.pot == k
        project = np.flatnonzero(layout.project_pot == k)
        z = np.asarray(self.builder.meta.get("project_columns", np.zeros(0, dtype=np.int64)))
        cost = np.zeros(0) if self.data.projects is None else self.data.projects.cost
        cells = np.concatenate([layout.cell[pairs],
                                np.zeros(0, dtype=np.int64) if self.data.projects is None
                                else self.data.projects.cell[project]])
        return (cells, np.concatenate([layout.col[pairs], z[project]]),
                np.concatenate([np.ones(int(pairs.sum())), np.asarray(cost)[project]]))

    def spend_groups(self, by: str | tuple[str, ...], owner: str, pot: str | None = None
                     ) -> tuple[np.ndarray, pd.Index, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Spend terms grouped by levels of the cells and, with pots, by ``"pot"``.

        Parameters
        ----------
        by : str or tuple of str
            Levels (``"region"``, ``("region", "program")``); ``"pot"`` among them splits
            each cell's spend by the pot it comes from.
        owner : str
            The rule asking, for errors.
        pot : str, optional
            Only the spend from this pot.

        Returns
        -------
        codes : numpy.ndarray
            The group of every term (``-1`` outside every group).
        groups : pandas.Index
            The groups (a MultiIndex for several levels).
        terms : tuple of numpy.ndarray
            ``(cell, col, val)`` of spend (projects included).
        """
        by = (by,) if isinstance(by, str) else tuple(by)
        pot_names: list[str] = []
        if "pot" in by or pot is not None:
            layout = self.pots()
            pot_names = layout.names if pot is None else [layout.names[layout.index(pot, owner)]]
            parts = [self.pot_terms(name, owner) for name in pot_names]
            tag = np.concatenate([np.full(len(p[0]), k) for k, p in enumerate(parts)])
            cell, col, val = (np.concatenate(a) for a in zip(*parts, strict=True))
        else:
            cell, col, val = self.terms("spend", owner)
            tag = np.zeros(len(cell), dtype=np.int64)
        parts_codes = []
        for level in by:
            if level == "pot":
                parts_codes.append((tag, pd.Index(pot_names, name="pot")))
            else:
                codes, categories = self.level(level, owner)
                parts_codes.append((codes[cell], categories))
        if len(parts_codes) == 1:
            codes, groups = parts_codes[0]
        else:
            codes, groups = combined_codes(parts_codes, by, len(cell))
        return np.asarray(codes, dtype=np.int64), groups, (cell, col, val)

    def total_spend_column(self) -> int:
        """Column ``T`` with the row ``sum_c x_c + sum_p F_p z_p - T = 0`` (created once)."""

        def definition(t: int) -> RowBlock:
            _, col, val = self.terms("spend", "total spend")
            n = len(col)
            return RowBlock("definition", pd.Index(["total spend"]),
                            np.zeros(n + 1, dtype=np.int64), np.concatenate([col, [t]]),
                            np.concatenate([val, [-1.0]]), np.zeros(1), np.zeros(1),
                            kind="definition")

        return self.builder.shared_column(
            "total_spend", "T", 0.0, np.inf,
            lambda t: self.from_data(f"total spend definition on column {t}",
                                     lambda: definition(t)))


def outcome_cost(meta: Mapping, n_cols: int, n_cells: int, unit_coef: np.ndarray) -> np.ndarray:
    """A cost vector over all columns that values each unit's outcome at ``unit_coef``."""
    unit, col, factor = unit_terms(meta, n_cells)
    return np.bincount(col, weights=np.asarray(unit_coef, dtype=float)[unit] * factor,
                       minlength=n_cols)


def column_cells(lp: LinearProgram, project_cells: np.ndarray | None) -> np.ndarray:
    """The cell every column of ``lp`` spends in (``-1`` for columns of no one cell).

    Cells themselves, the pot and curve-segment columns of a cell, and each project's
    binary (``project_cells``: the cell of each project).
    """
    out = np.full(lp.n_cols, -1, dtype=np.int64)
    out[: lp.n_cells] = np.arange(lp.n_cells)
    meta = lp.meta
    if "pots" in meta:
        out[meta["pots"].col] = meta["pots"].cell
    if "segment_columns" in meta:
        out[meta["segment_columns"]] = meta["segment_cells"]
    if "project_columns" in meta and project_cells is not None:
        out[meta["project_columns"]] = project_cells
    return out


def cell_names(cells: pd.Index) -> np.ndarray:
    """Each cell as text: ``Aceh,training`` (for column labels)."""
    return np.array([",".join(map(str, cell)) if isinstance(cell, tuple) else str(cell)
                     for cell in cells], dtype=object)


def _add_segments(data: Dataset, builder: ModelBuilder) -> None:
    """Segment columns ``0 <= y_ck <= w_k`` and rows ``x_c - sum_k y_ck = 0`` (with curves)."""
    curves = data.curves
    if curves is None:
        return
    k = len(curves.cell)
    names = cell_names(data.cells)
    labels = [f"{name}:{j}" for name, j in zip(names[curves.cell],
                                               curves.table.index.get_level_values("segment"),
                                               strict=True)]
    seg = builder.add_columns("segment", labels, np.zeros(k), curves.width)
    curved = curves.curved_cells
    row_of = np.searchsorted(curved, curves.cell)
    builder.add_rows(
        RowBlock("definition", pd.Index([f"segments of cell {c}" for c in curved]),
                 np.concatenate([np.arange(len(curved)), row_of]),
                 np.concatenate([curved, seg]),
                 np.concatenate([np.ones(len(curved)), -np.ones(k)]),
                 np.zeros(len(curved)), np.zeros(len(curved)), kind="definition"),
        constraint=-1,
    )
    linear = np.setdiff1d(np.arange(data.n_cells), curved)
    builder.meta["segment_columns"] = seg  # in the order of data.curves
    builder.meta["segment_cells"] = curves.cell
    builder.meta["outcome_terms"] = (
        np.concatenate([linear, curves.cell]),
        np.concatenate([linear, seg]),
        np.concatenate([np.ones(len(linear)), curves.factor]),
    )


def _add_projects(data: Dataset, builder: ModelBuilder) -> None:
    """Binary columns ``z_p`` (build project ``p`` or not) and their spend and outcome terms."""
    projects = data.projects
    n = data.n_cells
    if projects is None:
        return
    k = len(projects)
    z = builder.add_columns("project", [str(p) for p in projects.labels], np.zeros(k),
                            np.ones(k), integer=True)
    units = np.arange(n, n + k)
    unit, col, factor = unit_terms(builder.meta, n)
    builder.meta["outcome_terms"] = (np.concatenate([unit, units]), np.concatenate([col, z]),
                                     np.concatenate([factor, np.ones(k)]))
    builder.meta["spend_terms"] = (np.concatenate([np.arange(n), units]),
                                   np.concatenate([np.arange(n), z]),
                                   np.concatenate([np.ones(n), projects.cost]))
    builder.meta["project_columns"] = z


def objective_coefficients(data: Dataset, policy: Policy) -> Callable[[str], np.ndarray]:
    """Each metric's per-unit coefficients as the objective counts them (with accrual).

    Units are the cells, then the projects (see :meth:`ikmopt.Dataset.unit_coefficients`).
    """
    accrual = policy.accrual

    def coef(metric: str) -> np.ndarray:
        values = data.unit_coefficients(metric)
        if accrual is None:
            return values
        return values * accrual.year_weights(data, metric)[data.unit_cell]

    return coef


def build(
    data: Dataset,
    policy: Policy,
    optima: Mapping[str, float] | None = None,
    *,
    objective: Objective | None = None,
    fixed: Sequence[Callable[[BuildContext], RowBlock]] = (),
    sequence: bool = False,
    like: LinearProgram | None = None,
) -> LinearProgram:
    """Return the linear program of ``policy`` on ``data``.

    Parameters
    ----------
    data : Dataset
    policy : Policy
    optima : mapping, optional
        Single-objective optima for objectives that normalize by them (see
        :class:`~ikmopt.model.objectives.Weighted`); while any is missing the cost is left at
        zero (the constraints alone), which is how the optima are found.
    objective : Objective, optional
        The objective (stage) to build instead of ``policy.objective``.
    fixed : sequence of callables
        Each returns rows that keep an earlier stage of a multi-stage objective near its
        optimum (see :func:`ikmopt.optimize`).
    sequence : bool, default False
        The program is one of a sequence (the points of a sweep): it keeps what the next
        may take over (its row blocks and what each rule emitted). A single program does
        not, and takes no more memory than its matrix.
    like : LinearProgram, optional
        The previous program of the sequence (implies ``sequence``): the rows of the rules
        that did not change are taken over from it, and its sparse matrix is reused when
        the rows differ from its rows only in their bounds (see :mod:`ikmopt.model.reuse`
        and :meth:`~ikmopt.model.lp.ModelBuilder.build`). The program is the same in every
        case.

    Raises
    ------
    PolicyError
        If a constraint or the objective does not fit the data (unknown metric, level or
        label, a floor above a cap, ...).
    """
    if not isinstance(data, Dataset):
        raise PolicyError(f"expected an ik.Dataset, got {type(data).__name__}")
    if not isinstance(policy, Policy):
        raise PolicyError(f"expected an ik.Policy, got {type(policy).__name__}")
    builder = ModelBuilder(data.cells, data.capacity)
    _add_segments(data, builder)
    _add_projects(data, builder)
    previous = None if like is None else like.assembled
    carried = {"data": data}
    if previous is not None and previous.carried.get("data") is data:
        carried = previous.carried
    ctx = BuildContext(data, policy, builder, carried)
    before = () if previous is None else previous.emits
    parts = [(number, part) for number, rule in enumerate((policy.budget, *policy.constraints))
             for part in rule.parts()]
    record = sequence or like is not None
    emits = [emit_part(ctx, part, number, before[k] if k < len(before) else None, record)
             for k, (number, part) in enumerate(parts)]
    for make in fixed:
        builder.add_rows(make(ctx), constraint=-1)
    objective = policy.objective if objective is None else objective
    for metric in objective.metrics():
        if metric != "spend":
            ctx.coefficients(metric, objective.describe())
    needed = objective.needs_optima()
    if not needed or (optima is not None and all(m in optima for m in needed)):
        k = len(parts)
        last = before[k] if k < len(before) else None
        emits.append(apply_objective(ctx, objective, optima, objective_coefficients(data, policy),
                                     policy.accrual, last, record))
        if like is not None and last is not None and emits[-1] is last:
            builder.cost = like.cost  # the same costs: the same array, compared by identity
    lp = builder.build(like=like, keep_rows=record, emits=tuple(emits) if record else (),
                       carried=carried)
    check_scaling(lp, f"dataset '{data.name}'", like=like)
    return lp
