"""Parameter sweeps: one policy number varied, warm-started re-solves on a held model."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ikmopt.core.errors import IkmoptError, PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.params import get_param, set_param
from ikmopt.model.policy import Policy
from ikmopt.solving.optimize import Cold, Warm, solve_policy
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.threads import one_blas_thread


class SweepsItself(Protocol):
    """What sweeps its own numbers: a :class:`~ikmopt.Scenario` (data overrides included)."""

    def sweep(self, param: str, values: Iterable[float], **options: Any) -> Sweep:
        """Solve at each value of ``param``."""
        ...  # pragma: no cover - a protocol

__all__ = ["PointPrices", "PointSpend", "Sweep", "sweep", "sweep_values"]


@dataclass(frozen=True)
class PointSpend:
    """One sweep point's spend by group, kept as arrays until the table is asked for."""

    value: float
    spend: np.ndarray
    groups: pd.Index


@dataclass(frozen=True)
class PointPrices:
    """One sweep point's row prices, kept as arrays until the table is asked for.

    ``rows``: the program's row table (shared by the points whose rows are the same).
    """

    value: float
    rows: pd.DataFrame
    shadow_price: np.ndarray
    binding: np.ndarray


@dataclass(frozen=True)
class Sweep:
    """Results of :func:`sweep`, as tidy tables.

    Attributes
    ----------
    param : str
        The parameter path that was varied.
    table : pandas.DataFrame
        One row per value: ``value``, ``status``, ``objective``, each outcome, ``warm``
        (whether the solve started from the previous basis), ``solve_s`` and ``error``
        (the message when that value could not be solved; its outcomes are NaN).
    allocation : pandas.DataFrame
        Long table: ``value``, the grouping level(s), ``spend``. Built when first read,
        from the spend by group each point kept as an array.
    shadow_prices : pandas.DataFrame
        Long table: ``value``, ``family``, ``label``, ``shadow_price``, ``binding``.
    """

    param: str
    table: pd.DataFrame
    points: tuple[PointSpend, ...] = field(repr=False)
    prices: tuple[PointPrices, ...] = field(repr=False)

    @cached_property
    def shadow_prices(self) -> pd.DataFrame:
        """Long table: ``value``, ``family``, ``label``, ``shadow_price``, ``binding``."""
        columns = ["value", "family", "label", "shadow_price", "binding"]
        if not self.prices:
            return pd.DataFrame(columns=columns)
        parts: dict[str, list[np.ndarray]] = {c: [] for c in columns}
        named: dict[int, tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]] = {}
        for p in self.prices:  # rows labelled once per row table the points share
            rows, keep, family, label = named.get(id(p.rows)) or (None, None, None, None)
            if rows is not p.rows:
                keep = (p.rows["kind"] != "definition").to_numpy()
                family = p.rows["family"].astype(str).to_numpy()[keep]
                label = p.rows["label"].to_numpy()[keep]
                named[id(p.rows)] = (p.rows, keep, family, label)
            parts["value"].append(np.full(len(family), p.value))
            parts["family"].append(family)
            parts["label"].append(label)
            parts["shadow_price"].append(p.shadow_price[keep])
            parts["binding"].append(p.binding[keep])
        return pd.DataFrame({c: np.concatenate(v) for c, v in parts.items()})

    @cached_property
    def allocation(self) -> pd.DataFrame:
        """Long table: ``value``, the grouping level(s), ``spend`` (see the class)."""
        if not self.points:
            return pd.DataFrame(columns=["value", "spend"])
        frames = []
        for _, same in groupby(self.points, key=lambda p: id(p.groups)):  # runs of one index
            run = list(same)
            n = len(run[0].groups)
            labels = pd.DataFrame(index=run[0].groups).reset_index()  # the levels, once
            frame = labels.iloc[np.tile(np.arange(n), len(run))].reset_index(drop=True)
            frame.insert(0, "value", np.repeat([p.value for p in run], n))
            frame["spend"] = np.concatenate([p.spend for p in run])
            frames.append(frame)
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)

    def plot(self, y: str = "objective", ax: Any = None) -> Any:
        """Line chart of one ``table`` column against the swept value (needs matplotlib)."""
        from ikmopt.plot import line  # face hook (listed in the import contract)

        return line(self.table, x="value", y=y, xlabel=self.param, ax=ax)


def sweep(
    data: Dataset | SweepsItself,
    policy: Policy | str,
    param: str | Iterable[float],
    values: Iterable[float] | None = None,
    *,
    solver: str | SolveOptions | None = None,
    warm: bool = True,
    allocation_by: str | tuple[str, ...] | None = "region",
    **solve_options: Any,
) -> Sweep:
    """Solve ``policy`` once per value of one parameter.

    ``sweep(data, policy, param, values)`` varies a number of the policy;
    ``sweep(scenario, param, values)`` varies any number of a :class:`~ikmopt.Scenario`,
    its data overrides included (see :meth:`ikmopt.Scenario.sweep`).

    Parameters
    ----------
    data : Dataset or Scenario
    policy : Policy
    param : str
        Path of the number to vary: ``"budget.total"``, ``"constraints[1].min"``,
        ``"budget.by.program.sentra"``, ``"objective.weights.jobs"``, ``"accrual.discount"``;
        for a scenario also ``"data[0].factor"`` (an argument of its first data override).
    values : iterable of float
    solver : str or SolveOptions, optional
        As for :func:`ikmopt.optimize` (default ``"highs"``; for a scenario, its own
        ``solver:`` options). With ``"highs"`` and ``warm=True`` one HiGHS model
        is held and only the bounds, costs and coefficients that change are pushed to it,
        so each solve starts from the previous basis. Other solvers solve each value from
        scratch. Every point goes through the same staged solve as :func:`ikmopt.optimize`.
    warm : bool, default True
    allocation_by : str, tuple or None, default "region"
        Level(s) the allocation table is summed by; ``None`` keeps every cell.
    **solve_options
        Fields of :class:`~ikmopt.solving.options.SolveOptions`.

    Returns
    -------
    Sweep

    Raises
    ------
    PolicyError
        If the path does not name a number of the policy.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load()
    >>> s = ik.sweep(data, ik.default_policy(), "budget.total", [800, 971, 1600])
    >>> s.table["status"].tolist()   # at 1600 the 0.5 % floors exceed Kalimantan Utara's capacity
    ['optimal', 'optimal', 'InfeasibleError']
    >>> s.table["spend"].round().tolist()
    [800.0, 971.0, nan]
    """
    options = {"warm": warm, "allocation_by": allocation_by, **solve_options,
               **({} if solver is None else {"solver": solver})}
    if not isinstance(data, Dataset) and callable(getattr(data, "sweep", None)):
        # a Scenario (a layer above) sweeps itself: its numbers include data overrides
        if values is not None or not isinstance(policy, str):
            raise PolicyError("with a scenario, call sweep(scenario, param, values)")
        return data.sweep(policy, param, **options)  # type: ignore[arg-type]
    if values is None or not isinstance(param, str):
        raise PolicyError("call sweep(data, policy, param, values)")
    current = get_param(policy, param)
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise PolicyError(f"sweep: '{param}' is {current!r}, not a number")
    return sweep_values(param, values, lambda value: (data, set_param(policy, param, value)),
                        **options)


def sweep_values(
    param: str,
    values: Iterable[float],
    make: Callable[[float], tuple[Dataset, Policy]],
    *,
    solver: str | SolveOptions | None = None,
    warm: bool = True,
    allocation_by: str | tuple[str, ...] | None = "region",
    **solve_options: Any,
) -> Sweep:
    """Solve ``make(value)`` (a dataset and a policy) for each value; see :func:`sweep`.

    The engine behind :func:`sweep` and :meth:`ikmopt.Scenario.sweep`: what varies may be
    the policy, the data or both. A value that cannot be built or solved is recorded in
    the table with its error; the others go on.
    """
    options = (SolveOptions.of(**solve_options) if solver is None
               else SolveOptions.of(solver, **solve_options))
    runner = Warm(options) if options.solver == "highs" and warm else Cold(options, reuse=True)
    with one_blas_thread():
        return _sweep_loop(param, list(values), make, runner, allocation_by)


def _sweep_loop(param: str, values: list[float], make: Callable[[float], tuple[Dataset, Policy]],
                runner: Any, allocation_by: str | tuple[str, ...] | None) -> Sweep:
    """Solve each value in turn (BLAS limited to one thread by the caller)."""
    rows, points, prices = [], [], []
    groups = SpendGroups(allocation_by)
    for value in values:
        start = time.perf_counter()
        try:
            data, varied = make(value)
            result = solve_policy(data, varied, runner)
            was_warm = runner.warm
        except (IkmoptError, ValueError) as err:
            rows.append({"value": value, "status": type(err).__name__, "objective": np.nan,
                         "warm": False, "solve_s": time.perf_counter() - start,
                         "error": str(err)})
            continue
        rows.append(
            {
                "value": value,
                "status": str(result.status),
                "objective": result.objective,
                **result.outcomes.to_dict(),
                "warm": was_warm,
                "solve_s": time.perf_counter() - start,
                "error": "",
            }
        )
        points.append(groups.point(value, data, result.allocation.to_numpy()))
        row_prices = result.row_prices()
        prices.append(PointPrices(value, result.lp.rows, row_prices.shadow_price,
                                  row_prices.binding))
    return Sweep(param=param, table=pd.DataFrame(rows), points=tuple(points),
                 prices=tuple(prices))


class SpendGroups:
    """Spend by the groups of ``allocation_by`` (``None``: every cell), on arrays.

    The groups are those :meth:`ikmopt.Result.by` shows: the combinations that occur, in
    order; they are found once per dataset (a sweep over data overrides may change them).
    """

    def __init__(self, allocation_by: str | tuple[str, ...] | list[str] | None) -> None:
        self.levels = (None if allocation_by is None else
                       allocation_by if isinstance(allocation_by, str) else tuple(allocation_by))
        self.data: Dataset | None = None
        self.codes = np.empty(0, dtype=np.int64)
        self.groups: pd.Index = pd.Index([])
        self.observed = np.empty(0, dtype=bool)
        self.known: np.ndarray | None = None  # cells in a group (None: all)
        self.starts: np.ndarray | None = None  # where each group's run starts, if in order

    def point(self, value: float, data: Dataset, spend: np.ndarray) -> PointSpend:
        """The spend by group of one point (``spend``: per cell)."""
        if self.levels is None:
            return PointSpend(value, spend, data.cells)
        if data is not self.data:
            codes, categories = data.level_codes(self.levels)
            if isinstance(self.levels, str):
                categories = categories.rename(self.levels)
            known = codes >= 0
            self.data, self.codes = data, codes[known]
            self.observed = np.bincount(self.codes, minlength=len(categories)) > 0
            self.groups = categories[self.observed]
            self.known = None if known.all() else known
            # cells in group order (a level's cells usually are): sums of runs, no scatter
            ordered = len(self.codes) > 0 and bool(np.all(self.codes[1:] >= self.codes[:-1]))
            self.starts = (np.flatnonzero(np.r_[True, self.codes[1:] != self.codes[:-1]])
                           if ordered else None)
        weights = spend if self.known is None else spend[self.known]
        if self.starts is not None:
            return PointSpend(value, np.add.reduceat(weights, self.starts), self.groups)
        sums = np.bincount(self.codes, weights=weights, minlength=len(self.observed))
        return PointSpend(value, sums[self.observed], self.groups)
