"""A saved plan: the allocation a year is monitored against.

The plan is what ``ikmopt solve --out`` or :meth:`ikmopt.Result.to_csv` wrote (a folder with
``allocation.csv`` and, for plans with pots, ``pot_allocation.csv``), one scenario's folder of
``ikmopt run --out``, the workbook of :meth:`ikmopt.Result.to_excel` (sheets ``allocation``
and ``pot_allocation``), or a :class:`~ikmopt.Result` in memory.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError, DataWarning
from ikmopt.core.files import read_verified
from ikmopt.core.validation import FailureLog, check_numeric
from ikmopt.data.dataset import Dataset
from ikmopt.data.labelled import text_labels
from ikmopt.solving.evaluate import evaluate
from ikmopt.solving.result import Result

__all__ = ["SavedPlan", "cell_outcomes", "load_plan"]

_POT = "pot"
#: Rp bn a saved amount may be off by after rounding in a spreadsheet (Rp 1 juta).
ROUNDING = 1e-3


@dataclass(frozen=True, eq=False)
class SavedPlan:
    """The allocation of a saved plan, by cell and (if it has pots) by pot.

    Attributes
    ----------
    allocation : pandas.DataFrame
        One row per cell: the cell's levels (``region``, ``program`` ...), ``spend`` (Rp bn)
        and the outcome columns the plan was saved with.
    levels : tuple of str
        The cell levels.
    pots : pandas.DataFrame or None
        The spend of each cell from each pot (columns: the levels, ``pot``, ``spend``), or
        ``None`` for a plan made without pots.
    name : str
        Where the plan was read from (a path) or ``"result"``.
    meta : dict
        The scenario's ``meta.json`` when the plan is a scenario folder.
    """

    allocation: pd.DataFrame
    levels: tuple[str, ...]
    pots: pd.DataFrame | None = None
    name: str = "plan"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def total(self) -> float:
        """Total spend of the plan, Rp bn."""
        return float(self.allocation["spend"].sum())

    def spend(self, data: Dataset) -> np.ndarray:
        """The plan's spend in the order of ``data.cells`` (0 for cells the plan omits)."""
        keys = pd.MultiIndex.from_frame(self.allocation[list(self.levels)].astype(str))
        cells = data.cells.set_levels([lvl.astype(str) for lvl in data.cells.levels])
        at = cells.get_indexer(keys)
        out = np.zeros(data.n_cells)
        out[at] = self.allocation["spend"].to_numpy(dtype=float)
        return out

    def check_against(self, data: Dataset) -> None:
        """Refuse a dataset the plan was not made on.

        The plan's cells must be cells of ``data`` (same levels and labels), no cell may hold
        more than its capacity (by more than Rp 1 juta, what rounding in a spreadsheet may
        add), and the outcome columns the plan was saved with must equal what ``data`` gives
        for the same spend in every cell given at least Rp 1 bn (a relative difference up to
        0.1 %, so that amounts rounded to Rp juta still match).

        Raises
        ------
        DataError
            Naming the cells (and the column) that differ.
        """
        if tuple(data.levels) != self.levels:
            raise DataError(f"the plan '{self.name}' has the levels {list(self.levels)} but the "
                            f"dataset '{data.name}' has {list(data.levels)}: monitor the plan "
                            "with the dataset it was made on (--data)")
        keys = pd.MultiIndex.from_frame(self.allocation[list(self.levels)].astype(str))
        cells = data.cells.set_levels([lvl.astype(str) for lvl in data.cells.levels])
        unknown = cells.get_indexer(keys) < 0
        if unknown.any():
            few = [", ".join(k) for k in keys[unknown][:5]]
            raise DataError(f"the plan '{self.name}' has cell(s) the dataset '{data.name}' does "
                            f"not have: {few}{' ...' if unknown.sum() > 5 else ''}; monitor the "
                            "plan with the dataset it was made on (--data)")
        spend = self.spend(data)
        over = spend > data.capacity + ROUNDING
        if over.any():
            where = [", ".join(map(str, c)) for c in data.cells[over][:5]]
            raise DataError(f"the plan '{self.name}' spends more than the dataset '{data.name}'"
                            f" allows in cell(s) {where} (above their capacity): it was made on "
                            "other data (--data)")
        outcomes = cell_outcomes(data, spend)
        for metric in [m for m in data.metrics if m in self.allocation.columns]:
            saved = self.spend_frame(metric, data)
            mine = outcomes[metric].to_numpy(dtype=float)
            differ = (spend >= 1.0) & ~np.isclose(saved, mine, rtol=1e-3, atol=1e-6)
            if differ.any():
                where = [", ".join(map(str, c)) for c in data.cells[differ][:3]]
                raise DataError(
                    f"the plan '{self.name}' gives other {metric} than the dataset "
                    f"'{data.name}' for the same spend in cell(s) {where} (saved "
                    f"{saved[differ][0]:,.4g}, dataset {mine[differ][0]:,.4g}): it was made on "
                    "other data; monitor it with that dataset (--data)")

    def spend_frame(self, column: str, data: Dataset) -> np.ndarray:
        """A column of the saved allocation in the order of ``data.cells`` (0 elsewhere)."""
        keys = pd.MultiIndex.from_frame(self.allocation[list(self.levels)].astype(str))
        cells = data.cells.set_levels([lvl.astype(str) for lvl in data.cells.levels])
        at = cells.get_indexer(keys)
        out = np.zeros(data.n_cells)
        out[at] = pd.to_numeric(self.allocation[column], errors="coerce").fillna(0).to_numpy()
        return out


def cell_outcomes(data: Dataset, spend: np.ndarray) -> pd.DataFrame:
    """Spend and every metric per cell (in ``data.cells`` order) of the spend ``spend``."""
    table = evaluate(data, spend).by(list(data.levels))
    return table.reindex(data.cells).fillna(0.0)


def load_plan(plan: str | Path | Result | SavedPlan) -> SavedPlan:
    """Read a saved plan (folder, scenario folder or workbook) or take a result's plan.

    Parameters
    ----------
    plan : path, Result or SavedPlan
        A folder written by ``ikmopt solve --out`` / :meth:`Result.to_csv`, one scenario's
        folder of ``ikmopt run --out``, a workbook of :meth:`Result.to_excel`, or a result.

    Raises
    ------
    DataError
        If the path holds no plan (with what it holds instead), or the allocation has blank
        labels, repeated cells or spend that is not a number >= 0.

    Warns
    -----
    DataWarning
        If a scenario folder's allocation was edited after ikmopt wrote it (the edited plan
        is monitored).
    """
    if isinstance(plan, SavedPlan):
        return plan
    if isinstance(plan, Result):
        tables = plan.tables()
        pots = tables.get("pot_allocation")
        return _checked(tables["allocation"], pots, "plan in memory", {})
    path = Path(plan)
    if path.is_dir():
        return _from_folder(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"} and path.is_file():
        return _from_workbook(path)
    if not path.exists():
        raise DataError(f"plan: no folder or file '{path}'")
    raise DataError(f"plan: '{path}' is not a saved plan; give the folder written by "
                    "'ikmopt solve --out FOLDER' (or one scenario's folder of 'ikmopt run "
                    "--out'), or a workbook written by --out plan.xlsx")


def _from_folder(path: Path) -> SavedPlan:
    table = path / "allocation.csv"
    if not table.is_file():
        inner = sorted(p.name for p in path.iterdir() if (p / "allocation.csv").is_file())
        hint = (f"; it holds the scenarios {inner[:8]}: give one of them, e.g. "
                f"'{path / inner[0]}'") if inner else ""
        raise DataError(f"plan: the folder '{path}' has no allocation.csv{hint}")
    meta: dict[str, Any] = {}
    meta_file = path / "meta.json"
    if meta_file.is_file():
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise DataError(f"plan: cannot read '{meta_file}': {err}") from err
        files = meta.get("files") if isinstance(meta, dict) else None
        if isinstance(files, dict):
            _, problems = read_verified(path, files, "*.csv")
            if problems:
                warnings.warn(f"plan '{path}': {'; '.join(problems[:3])} since ikmopt wrote "
                              "it; the plan is monitored as the files now are",
                              DataWarning, stacklevel=3)
    frames = {}
    for name in ("allocation", "pot_allocation"):
        file = path / f"{name}.csv"
        if file.is_file():
            frames[name] = _read_csv(file)
    return _checked(frames["allocation"], frames.get("pot_allocation"), str(path), meta)


def _from_workbook(path: Path) -> SavedPlan:
    try:
        with pd.ExcelFile(path) as book:
            if "allocation" not in book.sheet_names:
                raise DataError(f"plan: the workbook '{path}' has no 'allocation' sheet (sheets:"
                                f" {book.sheet_names}); give a workbook written by --out "
                                "plan.xlsx or Result.to_excel")
            sheets = {name: pd.read_excel(book, name, header=1, dtype=_TEXT)
                      for name in ("allocation", "pot_allocation") if name in book.sheet_names}
    except DataError:
        raise
    except Exception as err:  # parser errors of every kind
        raise DataError(f"plan: cannot read '{path}' as a workbook: {err}") from err
    return _checked(sheets["allocation"], sheets.get("pot_allocation"), str(path), {})


_TEXT = dict.fromkeys(("region", "program", "sector", "pot"), str)


def _read_csv(file: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(file, dtype=_TEXT)
    except Exception as err:  # parser and decoding errors of every kind
        raise DataError(f"plan: cannot parse '{file}' as CSV: {err}") from err


def _checked(allocation: pd.DataFrame, pots: pd.DataFrame | None, name: str,
             meta: dict[str, Any]) -> SavedPlan:
    if "spend" not in allocation.columns:
        raise DataError(f"plan '{name}': the allocation has no 'spend' column (columns: "
                        f"{list(allocation.columns)})")
    levels = tuple(str(c) for c in allocation.columns[: list(allocation.columns).index("spend")])
    if not levels:
        raise DataError(f"plan '{name}': the allocation names no cells (the columns before "
                        "'spend' must be the cell levels, e.g. region, program)")
    log = FailureLog()
    table = f"plan allocation ({name})"
    allocation = allocation.reset_index(drop=True)
    labels = {lvl: text_labels(log, table, allocation, lvl) for lvl in levels}
    checked = check_numeric(log, table, allocation, ["spend"])
    log.raise_if_any("plan")
    out = allocation.copy()
    for lvl, values in labels.items():
        out[lvl] = values.to_numpy()
    out["spend"] = checked["spend"].to_numpy(dtype=float)
    repeated = out.duplicated(list(levels), keep=False)
    if repeated.any():
        raise DataError(f"plan '{name}': cell(s) given more than once in the allocation: "
                        f"{out.loc[repeated, list(levels)].head(4).to_numpy().tolist()}")
    pot_frame = None
    if pots is not None and len(pots):
        need = [*levels, _POT, "spend"]
        missing = [c for c in need if c not in pots.columns]
        if missing:
            raise DataError(f"plan '{name}': pot_allocation lacks column(s) {missing}")
        pot_frame = pots[need].copy()
        for lvl in (*levels, _POT):
            pot_frame[lvl] = pot_frame[lvl].astype(str).str.strip()
        pot_frame["spend"] = pd.to_numeric(pot_frame["spend"], errors="coerce")
        if pot_frame["spend"].isna().any() or (pot_frame["spend"] < 0).any():
            raise DataError(f"plan '{name}': pot_allocation has spend that is not a number "
                            ">= 0; write the plan again with ikmopt")
    return SavedPlan(out, levels, pot_frame, name, meta if isinstance(meta, dict) else {})
