"""The :class:`LinearProgram`: the one intermediate representation every solver reads.

Columns are the decision cells (in dataset order) followed by auxiliary columns that some
constraints and objectives need (for example total spend). Rows are stored as a CSR matrix
with lower and upper bounds; a row table gives each row its constraint family, a human label
and the position of the policy constraint that emitted it. The sense is always *maximize*.

:class:`ModelBuilder` assembles a LinearProgram from blocks of rows emitted by the
constraint and objective objects, each block a vectorized COO triplet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["RATIO_KINDS", "ROW_KINDS", "Assembly", "LinearProgram", "ModelBuilder", "RowBlock",
           "UserTerms", "same_terms", "unit_terms"]

#: Kinds of rows (see :class:`RowBlock`).
ROW_KINDS = ("sum", "share", "gini", "ratio", "definition")
#: Kinds of ratio rows ``base(x) - theta * u(x)``, read as ``base / u`` against ``theta``.
RATIO_KINDS = ("share", "gini", "ratio")


@dataclass(frozen=True)
class RowBlock:
    """A block of rows emitted by one constraint.

    Attributes
    ----------
    family : str
        Constraint family (``"budget"``, ``"region_bounds"``, ...).
    labels : pandas.Index
        One label per row (for example region names).
    rows, cols, vals : numpy.ndarray
        COO triplets; ``rows`` are positions within this block.
    lower, upper : numpy.ndarray
        Row bounds (``-inf``/``inf`` where open).
    kind : str
        ``"sum"`` for rows whose bounds are the user's numbers; ``"share"``, ``"gini"`` and
        ``"ratio"`` for *ratio rows* ``base(x) - theta * u(x)`` bounded by 0, whose
        user-facing number is the ratio ``theta`` (``param``: a share ``alpha`` of total
        spend, a Gini cap ``G``, an equity ratio) and whose user-facing activity is
        ``base(x) / u(x)``; ``"definition"`` for rows that define auxiliary columns.
    param : numpy.ndarray, optional
        The ratio ``theta`` of each ratio row.
    per : tuple of numpy.ndarray, optional
        ``(rows, cols, vals)``: the denominator ``u(x)`` of each ratio row as COO terms
        (``rows`` are positions within this block). ``u(x) >= 0`` for every plan.
    """

    family: str
    labels: pd.Index
    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    kind: str = "sum"
    param: np.ndarray | None = None
    per: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def n_rows(self) -> int:
        """Number of rows in the block."""
        return len(self.labels)


@dataclass(frozen=True)
class UserTerms:
    """Rows in the user's terms (see :meth:`LinearProgram.user_terms`).

    Attributes
    ----------
    activity, lower, upper : numpy.ndarray
        Each row's value and bounds; ratio rows as ratios.
    denominator : numpy.ndarray
        ``u(x)`` of each ratio row (``NaN`` for other rows): a price per unit of the row's
        bound times it is the price per unit of the ratio.
    """

    activity: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    denominator: np.ndarray


@dataclass(frozen=True, eq=False)
class LinearProgram:
    """Maximize ``cost @ x`` subject to ``row_lower <= A @ x <= row_upper`` and column bounds.

    Attributes
    ----------
    cells : pandas.MultiIndex
        Labels of the first ``n_cells`` columns.
    aux : pandas.DataFrame
        ``family`` and ``label`` of each auxiliary column after the cells.
    cost, col_lower, col_upper : numpy.ndarray
        Objective coefficients and column bounds (length ``n_cols``).
    A : scipy.sparse.csr_matrix
        Constraint matrix (``n_rows x n_cols``).
    row_lower, row_upper : numpy.ndarray
        Row bounds.
    rows : pandas.DataFrame
        ``family``, ``label``, ``constraint`` (position in the policy, -1 for rows that
        define auxiliary columns or come from the objective), ``kind`` and ``param`` (see
        :class:`RowBlock`) of every row.
    integrality : numpy.ndarray or None
        ``True`` for integer columns; ``None`` for a pure LP.
    per : scipy.sparse.csr_matrix or None
        Denominators ``u(x)`` of the ratio rows (see :class:`RowBlock`), one row per row of
        ``A`` (empty for other rows); ``None`` when the program has no ratio rows.
    objective_offset : float
        Constant added to ``cost @ x`` to give the reported objective.
    """

    cells: pd.MultiIndex
    aux: pd.DataFrame
    cost: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    A: sp.csr_matrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    rows: pd.DataFrame
    integrality: np.ndarray | None = None
    per: sp.csr_matrix | None = None
    objective_offset: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)
    #: How the program was put together, for the next program of a sequence to reuse (see
    #: :meth:`ModelBuilder.build`'s ``like``); ``None`` for a single program.
    assembled: Assembly | None = field(default=None, repr=False, compare=False)

    @property
    def n_cells(self) -> int:
        """Number of cell columns."""
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        """Number of columns (cells and auxiliary)."""
        return len(self.cost)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return self.A.shape[0]

    @property
    def nnz(self) -> int:
        """Number of nonzeros of the constraint matrix."""
        return int(self.A.nnz)

    @property
    def is_mip(self) -> bool:
        """Whether any column is integer."""
        return self.integrality is not None and bool(np.any(self.integrality))

    def with_cost(self, cost: np.ndarray, offset: float = 0.0) -> LinearProgram:
        """Return the same program with another objective."""
        return _replace(self, cost=np.asarray(cost, dtype=float), objective_offset=offset)

    def with_rows(self, keep: np.ndarray) -> LinearProgram:
        """Return the program with only the rows where ``keep`` is True."""
        keep = np.asarray(keep, dtype=bool)
        return _replace(self, A=self.A[keep], row_lower=self.row_lower[keep],
                        row_upper=self.row_upper[keep],
                        rows=self.rows[keep].reset_index(drop=True),
                        per=None if self.per is None else self.per[keep])

    def holding(self, value: float, tolerance: float, cost: np.ndarray) -> LinearProgram:
        """Return the program held near its optimum ``value``, maximizing another ``cost``.

        Adds the row ``cost_0 @ x + offset >= value - tolerance * max(1, |value|)`` (family
        ``held``) and replaces the objective: a lexicographic stage (see
        :func:`ikmopt.solving.optimize.prefer`).
        """
        floor = value - tolerance * max(1.0, abs(value)) - self.objective_offset
        cols = np.flatnonzero(self.cost)
        row = sp.csr_matrix((self.cost[cols], (np.zeros(len(cols), dtype=np.int64), cols)),
                            shape=(1, self.n_cols))
        rows = pd.concat([self.rows, pd.DataFrame({
            "family": ["held"], "label": ["objective at its optimum"], "constraint": [-1],
            "kind": ["sum"], "param": [np.nan]})], ignore_index=True)
        rows["family"] = rows["family"].astype("category")
        rows["kind"] = pd.Categorical(rows["kind"], categories=list(ROW_KINDS))
        per = None if self.per is None else sp.vstack(
            [self.per, sp.csr_matrix((1, self.per.shape[1]))], format="csr")
        return _replace(self, A=sp.vstack([self.A, row], format="csr"),
                        row_lower=np.append(self.row_lower, floor),
                        row_upper=np.append(self.row_upper, np.inf), rows=rows, per=per,
                        cost=np.asarray(cost, dtype=float), objective_offset=0.0)

    def optimal_face(self, x: np.ndarray, row_dual: np.ndarray, col_dual: np.ndarray,
                     cost: np.ndarray, tol: float = 1e-9) -> LinearProgram:
        """The plans as good as ``x``, maximizing another ``cost`` (an LP's exact tie-break).

        By complementary slackness, with optimal prices ``row_dual`` and ``col_dual`` the
        optimal plans are the feasible ones in which every column with a nonzero reduced
        cost stays at its bound and every row with a nonzero price stays at its bound. Those
        are fixed; the objective is replaced. Nothing of the first objective is given up.
        """
        scale = max(1.0, float(np.nanmax(np.abs(np.concatenate([row_dual, col_dual])),
                                          initial=0.0)))
        col_lower, col_upper = self.col_lower.copy(), self.col_upper.copy()
        fixed = np.abs(np.nan_to_num(col_dual)) > tol * scale
        at = np.where(np.abs(x - col_lower) <= np.abs(x - col_upper), col_lower, col_upper)
        col_lower[fixed] = col_upper[fixed] = at[fixed]
        activity = self.A @ x
        row_lower, row_upper = self.row_lower.copy(), self.row_upper.copy()
        held = np.abs(np.nan_to_num(row_dual)) > tol * scale
        bound = np.where(np.abs(activity - row_lower) <= np.abs(activity - row_upper),
                         row_lower, row_upper)
        row_lower[held] = row_upper[held] = bound[held]
        return _replace(self, col_lower=col_lower, col_upper=col_upper, row_lower=row_lower,
                        row_upper=row_upper, cost=np.asarray(cost, dtype=float),
                        objective_offset=0.0)

    def derived(self, name: str, make: Callable[[LinearProgram], Any]) -> Any:
        """``make(self)``, which reads only ``A``, ``rows`` and ``per``, kept with them.

        The programs of a sweep that share their matrix and row table (see
        :meth:`ModelBuilder.build`'s ``like``) compute it once; others compute it each time.
        The value is shared: do not change it.
        """
        if self.assembled is None:
            return make(self)
        derived = self.assembled.derived
        if name not in derived:
            derived[name] = make(self)
        return derived[name]

    def ratio_rows(self) -> np.ndarray:
        """Whether each row is a ratio row (see :class:`RowBlock`)."""
        return self.derived("ratio", lambda lp: lp.rows["kind"].isin(RATIO_KINDS).to_numpy())

    def user_terms(self, x: np.ndarray, activity: np.ndarray | None = None,
                   rows: np.ndarray | None = None) -> UserTerms:
        """Activity and bounds of rows as the user wrote them, at the plan ``x``.

        A ratio row ``base(x) - theta * u(x)`` bounded by 0 reads as ``base(x) / u(x)``
        against ``theta`` (a share achieved against the share required, a Gini against its
        cap; ``NaN`` where ``u(x) = 0``, e.g. when nothing is spent); every other row as is.

        Parameters
        ----------
        x : numpy.ndarray
            A value of every column.
        activity : numpy.ndarray, optional
            ``A @ x`` of the rows (computed when omitted).
        rows : numpy.ndarray, optional
            Positions of the rows wanted (default all).
        """
        every = rows is None
        rows = np.arange(self.n_rows) if rows is None else np.asarray(rows)
        if activity is None:
            activity = self.A @ x if every else self.A[rows] @ x
        activity = np.asarray(activity, dtype=float).copy()
        lower, upper = self.row_lower[rows].copy(), self.row_upper[rows].copy()
        denominator = np.full(len(rows), np.nan)
        ratio = self.ratio_rows()[rows]
        if ratio.any():
            # all rows at once when all are wanted: picking rows of a sparse matrix costs more
            u = (self.per @ x)[ratio] if every else self.per[rows[ratio]] @ x
            theta = self.rows["param"].to_numpy()[rows[ratio]]
            with np.errstate(divide="ignore", invalid="ignore"):
                activity[ratio] = np.where(u > 0, activity[ratio] / u + theta, np.nan)
            lower[ratio] = np.where(np.isfinite(lower[ratio]), theta, -np.inf)
            upper[ratio] = np.where(np.isfinite(upper[ratio]), theta, np.inf)
            denominator[ratio] = u
        return UserTerms(activity, lower, upper, denominator)

    def __repr__(self) -> str:
        return (
            f"<LinearProgram: {self.n_cols} columns ({self.n_cells} cells), "
            f"{self.n_rows} rows, {self.nnz} nonzeros{', MIP' if self.is_mip else ''}>"
        )


def _replace(lp: LinearProgram, **changes: Any) -> LinearProgram:
    return replace(lp, **changes)


@dataclass(frozen=True)
class Assembly:
    """What a program of a sequence (a sweep) was put together from, for the next one.

    Attributes
    ----------
    blocks : tuple of (RowBlock, int)
        The row blocks, each with the number of the rule that emitted it.
    A : scipy.sparse.csr_matrix
        The matrix assembled from them (a later program reuses it while its blocks equal
        these in all but their bounds).
    emits : tuple
        What each rule of the policy emitted and from what (see
        :func:`ikmopt.model.build.build`), so that an unchanged rule need not emit again.
    aux : tuple
        The auxiliary columns' families and labels.
    derived : dict
        What is computed from ``A`` and the row table alone (see
        :meth:`LinearProgram.derived`), shared by the programs that share them.
    carried : dict
        What the builds of the sequence computed from the dataset alone (see
        :meth:`ikmopt.model.build.BuildContext.from_data`).
    bounds : tuple
        The parts the column bounds were joined from (lower, upper).
    """

    blocks: tuple[tuple[RowBlock, int], ...]
    A: sp.csr_matrix
    emits: tuple[Any, ...] = ()
    #: The auxiliary columns' families and labels (a later program with the same keeps
    #: the table of them).
    aux: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    #: What is computed from ``A`` and the row table alone, shared by the programs that
    #: share them (see :meth:`LinearProgram.derived`).
    derived: dict[str, Any] = field(default_factory=dict)
    #: What the builds of the sequence computed from the dataset alone (under ``"data"``,
    #: the dataset), shared by all of them.
    carried: dict[str, Any] = field(default_factory=dict)
    #: The parts the column bounds were joined from (lower, upper).
    bounds: tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]] = ((), ())


class ModelBuilder:
    """Collects columns and row blocks, then assembles a :class:`LinearProgram`.

    Parameters
    ----------
    cells : pandas.MultiIndex
        The cell columns.
    cell_upper : numpy.ndarray
        Upper bound of each cell column (its capacity).
    """

    def __init__(self, cells: pd.MultiIndex, cell_upper: np.ndarray) -> None:
        self.cells = cells
        n = len(cells)
        self._lower = [_zeros(n)]
        self._upper = [np.asarray(cell_upper, dtype=float)]
        self._aux_family: list[str] = []
        self._aux_label: list[str] = []
        self._aux_key: dict[tuple[str, str], int] = {}
        self._integer: list[np.ndarray] = []
        self._blocks: list[tuple[RowBlock, int]] = []
        self.cost = np.zeros(n)
        self._n_cols = n
        self.meta: dict[str, Any] = {}

    @property
    def n_cells(self) -> int:
        """Number of cell columns."""
        return len(self.cells)

    @property
    def n_cols(self) -> int:
        """Number of columns so far."""
        return self._n_cols

    @property
    def n_blocks(self) -> int:
        """Number of row blocks so far."""
        return len(self._blocks)

    @property
    def shared_columns(self) -> Mapping[tuple[str, str], int]:
        """Position of each named auxiliary column (see :meth:`shared_column`)."""
        return MappingProxyType(self._aux_key)

    def add_columns(
        self, family: str, labels: list[str], lower: np.ndarray, upper: np.ndarray,
        integer: bool = False,
    ) -> np.ndarray:
        """Append auxiliary columns (integer ones with ``integer``); return their positions."""
        start = self._n_cols
        k = len(labels)
        if integer:
            self._integer.append(np.arange(start, start + k))
        self._lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (k,)).copy())
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (k,)).copy())
        self._aux_family.extend([family] * k)
        self._aux_label.extend(labels)
        self._n_cols += k
        self.cost = np.concatenate([self.cost, np.zeros(k)])
        return np.arange(start, start + k)

    def shared_column(self, family: str, label: str, lower: float, upper: float,
                      definition: RowBlock | Callable[[int], RowBlock] | None = None) -> int:
        """Return the position of a named auxiliary column, creating it once.

        ``definition`` is added the first time, e.g. the row ``sum(x) - T = 0`` that defines
        total spend ``T``: a block with columns ``-1`` standing for the new column, or a
        function that returns the rows (of kind ``"definition"``) given its position.
        """
        key = (family, label)
        if key not in self._aux_key:
            col = int(self.add_columns(family, [label], np.array([lower]), np.array([upper]))[0])
            self._aux_key[key] = col
            if callable(definition):
                self.add_rows(definition(col), constraint=-1)
            elif definition is not None:
                cols = np.where(definition.cols < 0, col, definition.cols)
                self.add_rows(
                    RowBlock(
                        definition.family,
                        definition.labels,
                        definition.rows,
                        cols,
                        definition.vals,
                        definition.lower,
                        definition.upper,
                        kind="definition",
                    ),
                    constraint=-1,
                )
        return self._aux_key[key]

    def add_rows(self, block: RowBlock, constraint: int) -> None:
        """Append a block of rows emitted by policy constraint number ``constraint``."""
        if block.n_rows:
            self._blocks.append((block, constraint))

    def build(self, integrality: np.ndarray | None = None,
              like: LinearProgram | None = None, keep_rows: bool = False,
              emits: tuple[Any, ...] = (), carried: dict[str, Any] | None = None
              ) -> LinearProgram:
        """Assemble the program (one sparse conversion, no per-row Python work).

        Columns added with ``integer=True`` are integer; ``integrality`` marks more.
        ``like``: a program built before (the previous point of a sweep). When every row
        block equals the one it was assembled from in all but its bounds (same rule, labels,
        kind, coefficients and ratio terms) and the columns are as many, its matrix, row
        table and ratio terms are reused as they are: the program is the one a full
        assembly gives, without the sparse conversion. ``keep_rows``: keep the row blocks
        in the program (``assembled``, with ``emits``: what each rule emitted, and
        ``carried``: what was computed from the dataset) so that a later build can be
        ``like`` it; they hold the matrix's terms a second time, so a single program does
        not keep them.
        """
        offsets = np.cumsum([0] + [b.n_rows for b, _ in self._blocks])
        n_rows = int(offsets[-1])
        blocks = [b for b, _ in self._blocks]
        reused = like is not None and self._same_rows(like)
        if reused:
            # the rows are the last program's, bounds apart: its assembled parts stand
            A, row_table, per = like.A, like.rows, like.per  # type: ignore[union-attr]
        else:
            A, row_table, per = self._assemble(blocks, offsets, n_rows)
        aux_key = (tuple(self._aux_family), tuple(self._aux_label))
        if like is not None and like.assembled is not None and like.assembled.aux == aux_key:
            aux = like.aux
        else:
            aux = pd.DataFrame({"family": self._aux_family, "label": self._aux_label})
        assembled = None
        if keep_rows:
            derived = like.assembled.derived if reused else {}  # type: ignore[union-attr]
            assembled = Assembly(tuple(self._blocks), A, emits, aux_key, derived,
                                 {} if carried is None else carried,
                                 (tuple(self._lower), tuple(self._upper)))
        return LinearProgram(
            cells=self.cells,
            aux=aux,
            cost=_kept(self.cost, like and like.cost),
            col_lower=self._bounds(self._lower, like, "col_lower"),
            col_upper=self._bounds(self._upper, like, "col_upper"),
            A=A,
            row_lower=_joined(blocks, lambda b: b.lower, float),
            row_upper=_joined(blocks, lambda b: b.upper, float),
            rows=row_table,
            integrality=self._integrality(integrality),
            per=per,
            meta=dict(self.meta),
            assembled=assembled,
        )

    def _assemble(self, blocks: list[RowBlock], offsets: np.ndarray, n_rows: int
                  ) -> tuple[sp.csr_matrix, pd.DataFrame, sp.csr_matrix | None]:
        """The matrix, the row table and the ratio terms of the row blocks."""
        rows = _joined(blocks, lambda b: b.rows.astype(np.int64), np.int64) + np.repeat(
            offsets[:-1], [len(b.rows) for b in blocks]).astype(np.int64)
        A = sp.csr_matrix((_joined(blocks, lambda b: b.vals, float),
                           (rows, _joined(blocks, lambda b: b.cols, np.int64))),
                          shape=(n_rows, self._n_cols))
        A.sum_duplicates()
        A.eliminate_zeros()
        row_table = pd.DataFrame({
            "family": pd.Categorical(_joined(
                blocks, lambda b: np.full(b.n_rows, b.family, dtype=object), object)),
            "label": _joined(blocks, lambda b: np.asarray(b.labels.astype(str), dtype=object),
                             object),
            "constraint": np.concatenate([np.full(b.n_rows, c, dtype=np.int64)
                                          for b, c in self._blocks] or [np.zeros(0, np.int64)]),
            "kind": pd.Categorical(_joined(
                blocks, lambda b: np.full(b.n_rows, b.kind, dtype=object), object),
                categories=list(ROW_KINDS)),
            "param": _joined(blocks, lambda b: np.full(b.n_rows, np.nan) if b.param is None
                             else b.param, float),
        })
        return A, row_table, self._per_matrix(offsets, n_rows) if blocks else None

    def _bounds(self, parts: list[np.ndarray], like: LinearProgram | None, name: str
                ) -> np.ndarray:
        """Column bounds from their parts: ``like``'s array when the parts are its parts.

        The cells' part is the dataset's capacity (or one array of zeros), the same object
        from one program of a sweep to the next; the few auxiliary columns are compared.
        """
        if like is not None and like.assembled is not None:
            before = like.assembled.bounds[name == "col_upper"]
            if len(before) == len(parts) and all(
                a is b or (len(a) == len(b) and len(a) <= 1024 and np.array_equal(a, b))
                for a, b in zip(parts, before, strict=True)
            ):
                return getattr(like, name)
        return np.concatenate(parts)

    def _same_rows(self, like: LinearProgram) -> bool:
        """Whether ``like`` was assembled from these row blocks, bounds apart."""
        if like.assembled is None or like.assembled.A is not like.A or not self._blocks:
            return False
        before = like.assembled.blocks
        return (like.A.shape[1] == self._n_cols and len(before) == len(self._blocks)
                and all(c == c0 and same_terms(b, b0)
                        for (b, c), (b0, c0) in zip(self._blocks, before, strict=True)))

    def _integrality(self, given: np.ndarray | None) -> np.ndarray | None:
        """Integer flags of every column: those added as integer, and ``given`` ones."""
        if given is None and not self._integer:
            return None
        flags = np.zeros(self._n_cols, dtype=bool)
        if given is not None:
            given = np.asarray(given, dtype=bool)
            flags[: len(given)] = given
        if self._integer:
            flags[np.concatenate(self._integer)] = True
        return flags

    def _per_matrix(self, offsets: np.ndarray, n_rows: int) -> sp.csr_matrix | None:
        """The denominators of the ratio rows as one sparse matrix (None without any)."""
        parts = [(b.per, off) for (b, _), off in zip(self._blocks, offsets, strict=False)
                 if b.per is not None]
        if not parts:
            return None
        rows = np.concatenate([p[0].astype(np.int64) + off for p, off in parts])
        cols = np.concatenate([p[1].astype(np.int64) for p, _ in parts])
        vals = np.concatenate([p[2].astype(float) for p, _ in parts])
        per = sp.csr_matrix((vals, (rows, cols)), shape=(n_rows, self._n_cols))
        per.sum_duplicates()
        return per


def unit_terms(meta: Mapping, n_cells: int, outcome: bool = True) -> tuple[
    np.ndarray, np.ndarray, np.ndarray
]:
    """``(unit, col, factor)`` of every outcome term, or of every spend term.

    Units are the cells, then the projects. Outcome factors are the curves' segment factors
    (1 without curves, and for projects); spend factors are 1 for cells and each project's
    cost.
    """
    key = "outcome_terms" if outcome else "spend_terms"
    if key not in meta:
        identity = np.arange(n_cells)
        return identity, identity, np.ones(n_cells)
    return meta[key]


def _kept(values: np.ndarray, last: np.ndarray | None) -> np.ndarray:
    """``last`` when ``values`` equal it (the programs of a sweep share it), else a copy.

    Whoever compares two programs' arrays can then skip the equal ones by identity.
    """
    if last is not None and (values is last or (
            last.shape == values.shape and np.array_equal(values, last))):
        return last
    return values.copy()


def _zeros(n: int) -> np.ndarray:
    """A read-only array of ``n`` zeros, the same object for every program of one size."""
    if _ZEROS[0] is None or len(_ZEROS[0]) != n:
        zeros = np.zeros(n)
        zeros.setflags(write=False)
        _ZEROS[0] = zeros
    return _ZEROS[0]


#: The last array of zeros :func:`_zeros` gave (one size at a time is what a sweep needs).
_ZEROS: list[np.ndarray | None] = [None]


def _joined(blocks: list[RowBlock], part: Any, dtype: Any = None) -> np.ndarray:
    """``part`` of every block, end to end (an empty array of ``dtype`` for no blocks)."""
    arrays = [part(b) for b in blocks]
    return (np.concatenate(arrays).astype(dtype) if arrays
            else np.zeros(0, dtype=dtype or float))


def same_terms(a: RowBlock, b: RowBlock) -> bool:
    """Whether two row blocks are equal in everything but their bounds."""
    if a is b:
        return True

    def same(x: Any, y: Any) -> bool:
        if x is None or y is None:
            return x is y
        return np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)

    return (a.family == b.family and a.kind == b.kind and a.labels.equals(b.labels)
            and same(a.rows, b.rows) and same(a.cols, b.cols) and same(a.vals, b.vals)
            and same(a.param, b.param)
            and (a.per is None) == (b.per is None)
            and (a.per is None or all(same(p, q) for p, q in zip(a.per, b.per, strict=True))))
