"""Uncertain impact coefficients and realization rates: a table of distributions.

An optional ``uncertainty`` table of a :class:`~ikmopt.Dataset` says how wrong the point
estimates may be. Each row covers one metric (or ``realization``, the share of an
allocation actually spent) in the cells its selector columns pick, and gives a distribution
of a **multiplier** of the point estimate (for ``realization``: of the share itself):

* ``triangular``: parameters ``low <= mode <= high``; the multiplier is triangular on
  [low, high] with its peak at ``mode``;
* ``lognormal``: ``mean`` (default 1) and ``spread`` = sigma; the multiplier is
  ``mean * exp(sigma z - sigma^2 / 2)``, whose mean is ``mean``;
* ``normal``: ``mean`` (default 1) and ``spread`` (relative); the multiplier is
  ``mean (1 + spread z)``, truncated at 0;

(realization is also truncated at 1). With ``mean = 1`` a lognormal or triangular multiplier
with ``mode = 1`` keeps the point estimate as the mean (lognormal) or the mode (triangular).

**Correlation.** A program's estimate tends to be wrong everywhere at once. ``correlation``
``rho`` in [0, 1] and ``correlated_by`` (a level such as ``program``, ``region``,
``channel``, or ``all``) give each row a one-factor Gaussian copula: for cell ``c`` in group
``g``, ``z_c = sqrt(rho) Z_g + sqrt(1 - rho) e_c`` with independent standard normals ``Z_g``
and ``e_c``, and ``m_c = F^-1(Phi(z_c))`` for the row's distribution ``F`` (the lognormal and
normal use ``z_c`` directly). Different rows, and different metrics, draw independently.

**Selectors.** Any other column names a cell level or a regions/programs attribute
(``region``, ``program``, ``island_group``, ``channel`` ...); a blank cell matches
everything. Rows apply in order: a later row replaces an earlier one for the cells both pick.
Cells no row picks keep their point estimate (multiplier 1; realization 1).

**Caps.** A realization share is a share of the money allocated, so it never exceeds 1,
whatever the distribution: a ``normal`` share is truncated to [0, 1] (the distribution is
renormalized on that interval); a ``lognormal`` share is capped, ``min(M, 1)`` (the
probability that the uncapped multiplier exceeds 1 becomes a mass at exactly 1); a
``triangular`` row needs ``high <= 1`` (a table with a larger ``high`` is refused). Coefficient
multipliers have no upper cap.

**Random streams.** :meth:`Uncertainty.draws` is the one source of draws, shared by
:func:`ikmopt.simulate` and the risk objectives (:class:`~ikmopt.CVaR`,
:class:`~ikmopt.ExpectedValue`): draws come in chunks of :data:`CHUNK`, and chunk ``i`` of
quantity ``q`` (a metric or ``realization``) takes its normals from its own SFC64 generator,
seeded by ``SeedSequence(seed, spawn_key=(i, crc32(q)))``. A quantity's draws therefore
depend only on ``seed``, the number of draws and its own name: not on the other metrics, the
order they are drawn in, or the thread that draws them; the ``samples`` scenarios of a
``CVaR(seed=s)`` are the draws of ``simulate(plan, n=samples, seed=s)``.

**Precision.** Normals are drawn, and multipliers and shares computed, in single precision
(float32): a multiplier's rounding error is about ``1e-7`` of its value, at most about
``1e-4`` in the far tail of a triangular (where ``1 - Phi(z)`` loses digits), far below the
Monte Carlo error of any summary; a multiplier of exactly 1 stays exactly 1. Outcomes are
then computed and summed in double precision.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.validation import FailureLog, suggest

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["CHUNK", "DISTRIBUTIONS", "PARAMETERS", "REALIZATION", "Uncertainty", "stream",
           "validate_uncertainty"]

#: Distributions of the ``distribution`` column.
DISTRIBUTIONS = ("triangular", "lognormal", "normal")
#: Parameter columns (the rest are selectors).
PARAMETERS = ("metric", "distribution", "low", "mode", "high", "mean", "spread", "correlation",
              "correlated_by", "note", "source")
#: The ``metric`` of rows that describe the share of an allocation actually spent.
REALIZATION = "realization"
#: Draws per chunk, each chunk with its own random stream (fixed, so a seed gives the same
#: draws whatever the machine; small enough that a chunk's work arrays stay in the CPU cache).
CHUNK = 1000


def stream(seed: int, chunk: int, quantity: str) -> np.random.Generator:
    """The random generator of chunk ``chunk`` of ``quantity`` (a metric or ``realization``).

    ``SFC64(SeedSequence(seed, spawn_key=(chunk, crc32(quantity))))``: the ``crc32(quantity)``-th
    child of the ``chunk``-th child of ``SeedSequence(seed)``.

    Examples
    --------
    >>> a = stream(0, 0, "jobs").standard_normal(3)
    >>> bool((a == stream(0, 0, "jobs").standard_normal(3)).all())
    True
    """
    key = zlib.crc32(quantity.encode("utf-8"))
    return np.random.Generator(np.random.SFC64(
        np.random.SeedSequence(int(seed), spawn_key=(int(chunk), key))))


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """A validated uncertainty table bound to a dataset's cells.

    Attributes
    ----------
    table : pandas.DataFrame
        The table as given (parameters as floats).
    rows : list of dict
        Per row: ``metric``, ``distribution``, parameters, ``cells`` (positions it picks),
        ``groups`` (the correlation group of each of those cells) and ``n_groups``.
    """

    table: pd.DataFrame
    rows: list[dict[str, Any]]

    @property
    def metrics(self) -> tuple[str, ...]:
        """Metrics (and ``realization``) that some row makes uncertain."""
        return tuple(dict.fromkeys(r["metric"] for r in self.rows))

    def draws(self, metric: str, n: int, n_cells: int, seed: int, chunk: int = 0,
              need: np.ndarray | None = None) -> np.ndarray:
        """Draws ``chunk * CHUNK`` to ``chunk * CHUNK + n - 1`` of ``metric``'s multiplier.

        Shape ``(n_cells, n)``: chunk after chunk of :data:`CHUNK` draws, each chunk from its
        own :func:`stream`, so any ``n`` draws starting at a chunk boundary are the same
        whoever asks (the simulation, a thread of it, or a risk objective's scenarios).
        ``need`` is as for :meth:`sample`.
        """
        parts = [self.sample(metric, min(CHUNK, n - start), n_cells,
                             stream(seed, chunk + k, metric), need)
                 for k, start in enumerate(range(0, n, CHUNK))]
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def sample(self, metric: str, n: int, n_cells: int, rng: np.random.Generator,
               need: np.ndarray | None = None) -> np.ndarray:
        """``n`` draws of the multiplier of ``metric`` in every cell, shape ``(n_cells, n)``.

        Cells by draws, so that a cell's draws are contiguous: per-cell parameters, curves
        and sums by region then work on whole rows. One standard normal per covered cell
        and draw, plus one per correlation group and draw, are taken from ``rng``; every
        distribution is then applied row-wise with per-cell parameters. Single precision
        (ample for Monte Carlo; a multiplier of exactly 1 stays exactly 1).

        ``need`` (a boolean mask over cells) skips the transform of cells whose draws the
        caller ignores (a cell that receives no money): their normals are still taken, so
        the other cells' draws do not depend on ``need``, but their row is left at 1.
        """
        plan = self._plan(metric, n_cells)
        if plan is None:
            return np.ones((n_cells, n), dtype=np.float32)
        cells, p = plan
        z = rng.standard_normal((len(cells), n), dtype=np.float32)
        common = (rng.standard_normal((p["n_groups"], n), dtype=np.float32)
                  if p["n_groups"] else None)
        if need is not None and not need[cells].all():
            keep = np.flatnonzero(need[cells])
            cells, z = cells[keep], z[keep]
            p = {k: v[keep] if isinstance(v, np.ndarray) else v for k, v in p.items()}
        if common is not None and len(cells):
            shared = p["rho"][:, 0] > 0
            if shared.all():  # the usual case: no row selection (copies) needed
                z *= p["root_rest"]
                z += p["root_rho"] * common[p["group"]]
            else:
                z[shared] = (p["root_rho"][shared] * common[p["group"][shared]]
                             + p["root_rest"][shared] * z[shared])
        upper = 1.0 if metric == REALIZATION else np.inf
        kind = p["kind"]
        appliers = (_triangular, _lognormal, _truncated_normal)
        if len(kind) and (kind == kind[0]).all():
            values = appliers[kind[0]](z, p, slice(None), upper)
        else:
            values = np.empty_like(z)
            for code, apply in enumerate(appliers):
                rows = np.flatnonzero(kind == code)
                if len(rows):
                    values[rows] = apply(z[rows], p, rows, upper)
        if len(cells) == n_cells:
            return values
        out = np.ones((n_cells, n), dtype=np.float32)
        out[cells] = values
        return out

    def lower_bound(self, metric: str, n_cells: int) -> np.ndarray:
        """The smallest multiplier (or share) each cell can draw.

        A triangular row's ``low``; 0 for the other distributions; 1 where no row applies.
        """
        out = np.ones(n_cells)
        plan = self._plan(metric, n_cells)
        if plan is not None:
            cells, p = plan
            triangular = p["kind"] == DISTRIBUTIONS.index("triangular")
            out[cells] = np.where(triangular, p["low"][:, 0], 0.0)
        return out

    def _plan(self, metric: str, n_cells: int) -> tuple[np.ndarray, dict] | None:
        """Per covered cell: distribution code and parameters (later rows win).

        Parameters are ``(cells, 1)`` float32 columns, to broadcast against
        ``(cells, draws)`` normals.
        """
        key = (metric, n_cells)
        cache = self.__dict__.setdefault("_plans", {})
        if key in cache:
            return cache[key]
        owner = np.full(n_cells, -1)
        rows = [r for r in self.rows if r["metric"] == metric]
        for i, row in enumerate(rows):
            owner[row["cells"]] = i
        cells = np.flatnonzero(owner >= 0)
        if not len(cells):
            cache[key] = None
            return None
        which = owner[cells]
        position = np.zeros(n_cells, dtype=np.int64)
        group = np.zeros(len(cells), dtype=np.int64)
        offset = 0
        for i, row in enumerate(rows):
            position[row["cells"]] = row["groups"]
            mine = which == i
            group[mine] = offset + position[cells[mine]]
            if row["correlation"] > 0:
                offset += row["n_groups"]
            else:
                group[mine] = 0

        def field(name: str, default: float = 0.0) -> np.ndarray:
            values = np.array([default if r[name] is None else r[name] for r in rows])
            return values[which].astype(np.float32)[:, None]  # a column: one row per cell

        rho = field("correlation")
        params: dict[str, Any] = {
            "kind": np.array([DISTRIBUTIONS.index(r["distribution"]) for r in rows])[which],
            "low": field("low"), "mode": field("mode"), "high": field("high"),
            "mean": field("mean", 1.0), "spread": field("spread"), "rho": rho,
            "root_rho": np.sqrt(rho), "root_rest": np.sqrt(1 - rho),
            "group": group, "n_groups": offset,
        }
        cache[key] = (cells, params)
        return cache[key]


def _triangular(z: np.ndarray, p: dict, rows: Any, upper: float) -> np.ndarray:
    """Inverse CDF of the triangular distribution at ``Phi(z)``; exactly ``low`` if low == high.

    With ``w = high - low``: ``low + sqrt(u w (mode - low))`` below the mode's probability
    ``(mode - low) / w``, ``high - sqrt((1 - u) w (high - mode))`` above it.
    """
    from scipy.special import ndtr  # 50 ms to import: only when a table is drawn

    low, mode, high = p["low"][rows], p["mode"][rows], p["high"][rows]
    u = ndtr(z)
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        split = np.where(width > 0, (mode - low) / width, 1.0).astype(np.float32)
    left = u < split
    root = np.where(left, u * (width * (mode - low)), (1 - u) * (width * (high - mode)))
    np.sqrt(root, out=root)
    return np.where(left, low + root, high - root).astype(np.float32, copy=False)


def _lognormal(z: np.ndarray, p: dict, rows: Any, upper: float) -> np.ndarray:
    """``mean * exp(sigma z - sigma^2 / 2)`` (mean ``mean``), capped at ``upper``."""
    s = p["spread"][rows]
    out = z * s
    out -= np.float32(0.5) * s * s
    np.exp(out, out=out)
    out *= p["mean"][rows]
    return np.minimum(out, np.float32(upper)) if upper < np.inf else out


def _truncated_normal(z: np.ndarray, p: dict, rows: Any, upper: float
                      ) -> np.ndarray:
    """Inverse CDF of N(mean, mean * spread) truncated to [0, upper] at ``Phi(z)``."""
    from scipy.special import ndtr, ndtri  # 50 ms to import: only when a table is drawn

    mean = p["mean"][rows].astype(float)
    sd = mean * p["spread"][rows]
    safe = np.where(sd > 0, sd, 1.0)
    a, b = ndtr(-mean / safe), ndtr((upper - mean) / safe)
    u = ndtr(z.astype(float))
    value = np.clip(mean + safe * ndtri(a + u * (b - a)), 0.0, upper)
    return np.where(sd > 0, value, np.minimum(mean, upper)).astype(np.float32)


# ---------------------------------------------------------------------- validation
def validate_uncertainty(log: FailureLog, table: Any, data: Dataset) -> Uncertainty | None:
    """Check an uncertainty table against ``data``; problems go to ``log``."""
    if not isinstance(table, pd.DataFrame):
        log.add("uncertainty", "-", f"must be a pandas DataFrame, got {type(table).__name__}")
        return None
    table = table.reset_index(drop=all(n is None for n in table.index.names)).copy()
    table.columns = [str(c).strip() for c in table.columns]
    for column in ("metric", "distribution"):
        if column not in table.columns:
            log.add("uncertainty", column, "required column is missing; columns present: "
                    f"{list(table.columns)}")
    if "metric" not in table.columns or "distribution" not in table.columns:
        return None
    allowed = (*data.metrics, REALIZATION)
    selectors = [c for c in table.columns if c not in PARAMETERS]
    available = data.available_levels()
    for column in selectors:
        if column not in available:
            log.add("uncertainty", column, "not a parameter nor a level to select cells by"
                    f"{suggest(column, [*PARAMETERS, *available])}; parameters: "
                    f"{list(PARAMETERS)}, levels: {available}")
    rows = []
    for i, raw in table.iterrows():
        row = _row(log, i, raw, allowed, selectors, data)
        if row is not None:
            rows.append(row)
    return Uncertainty(table, rows)


def _number(raw: pd.Series, key: str, default: float | None = None) -> float | None:
    value = raw.get(key, default)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return default
    if isinstance(value, bool):
        raise ValueError(f"{key} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, got {value!r}") from None


def _row(log: FailureLog, i: Any, raw: pd.Series, allowed: tuple[str, ...],
         selectors: list[str], data: Dataset) -> dict[str, Any] | None:
    label = f"row {i}"
    metric, kind = str(raw["metric"]).strip(), str(raw["distribution"]).strip().lower()
    problems = []
    if metric not in allowed:
        problems.append(("metric", f"unknown metric '{metric}'{suggest(metric, allowed)}; "
                                   f"allowed: {list(allowed)}"))
    if kind not in DISTRIBUTIONS:
        problems.append(("distribution", f"unknown distribution '{kind}'"
                                         f"{suggest(kind, DISTRIBUTIONS)}; allowed: "
                                         f"{list(DISTRIBUTIONS)}"))
    try:
        low, mode, high = (_number(raw, k) for k in ("low", "mode", "high"))
        mean = _number(raw, "mean", 1.0)
        spread = _number(raw, "spread", 0.0)
        rho = _number(raw, "correlation", 0.0)
    except ValueError as err:
        log.add("uncertainty", "-", str(err), labels=[label])
        return None
    upper = 1.0 if metric == REALIZATION else np.inf
    problems += _shape_problems(kind, (low, mode, high), mean, spread, upper)
    if not 0 <= rho <= 1:  # type: ignore[operator]
        problems.append(("correlation", f"must be between 0 and 1, got {rho}"))
    by = raw.get("correlated_by")
    by = None if by is None or (isinstance(by, float) and np.isnan(by)) or by == "" else str(by)
    if rho and by is None:
        problems.append(("correlated_by", "a correlation needs correlated_by (a level such as "
                                          "program or region, or 'all')"))
    where = {c: _values(raw[c]) for c in selectors if _values(raw[c]) is not None}
    cells, groups, n_groups = _selected(data, where, by, problems)
    for column, message in problems:
        log.add("uncertainty", column, message, labels=[label])
    if problems:
        return None
    if groups is None:
        groups = np.zeros(len(cells), dtype=np.int64)
    if (groups < 0).any():
        groups = np.where(groups < 0, n_groups, groups)
        n_groups += 1
    return {"metric": metric, "distribution": kind, "low": low, "mode": mode, "high": high,
            "mean": mean, "spread": spread, "correlation": rho, "cells": cells,
            "groups": groups, "n_groups": n_groups}


def _shape_problems(kind: str, triangle: tuple[float | None, ...], mean: float | None,
                    spread: float | None, upper: float) -> list[tuple[str, str]]:
    """What is wrong with a row's distribution parameters (empty when nothing)."""
    problems = []
    low, mode, high = triangle
    if kind == "triangular":
        if None in (low, mode, high):
            problems.append(("low/mode/high", "a triangular row needs low, mode and high"))
        elif not 0 <= low <= mode <= high <= upper:  # type: ignore[operator]
            problems.append(("low/mode/high", f"need 0 <= low <= mode <= high"
                             f"{' <= 1 for a realization share' if upper == 1 else ''}, got "
                             f"{low}, {mode}, {high}"))
    elif kind in DISTRIBUTIONS:
        if not np.isfinite(spread) or spread < 0:  # type: ignore[arg-type, operator]
            problems.append(("spread", f"must be a finite number >= 0, got {spread}"))
        if not np.isfinite(mean) or mean <= 0 or mean > upper:  # type: ignore[arg-type, operator]
            problems.append(("mean", f"must be > 0{' and <= 1' if upper == 1 else ''}, got "
                                     f"{mean}"))
    return problems


def _selected(data: Dataset, where: dict[str, Any], by: str | None,
              problems: list[tuple[str, str]]) -> tuple[Any, Any, int]:
    """The row's cells and their correlation groups (a problem is recorded on failure)."""
    cells = groups = None
    n_groups = 1
    try:
        cells = np.flatnonzero(data.mask(where))
        if by not in (None, "all"):
            codes, categories = data.level_codes(by)
            groups, n_groups = codes[cells], len(categories)
    except DataError as err:
        problems.append(("selectors", str(err)))
    except Exception as err:
        problems.append(("correlated_by", str(err)))
    return cells, groups, n_groups


def _values(value: Any) -> Any:
    """A selector cell: None when blank; a list for 'a; b' text."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(";") if p.strip()]
        return None if not parts else parts if len(parts) > 1 else parts[0]
    return value
