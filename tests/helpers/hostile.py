"""The hostile-input catalogue's tools: expect a typed error naming its culprit, and bad inputs."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

TABLES = ("regions", "programs", "impacts")


def has(message: str, word: str | tuple[str, ...]) -> bool:
    """``word`` occurs in ``message``; a tuple of words means any one of them."""
    if isinstance(word, tuple):
        return any(w in message for w in word)
    return word in message


def expect_error(call: Callable[[], Any], error: type | tuple[type, ...],
                 *words: str | tuple[str, ...]) -> BaseException:
    """``call()`` must raise ``error`` whose message holds every word; return the error."""
    names = error.__name__ if isinstance(error, type) else "/".join(e.__name__ for e in error)
    try:
        value = call()
    except error as err:
        message = str(err)
        missing = [w for w in words if not has(message, w)]
        assert not missing, f"{missing} not in the {type(err).__name__} message:\n{message}"
        return err
    except Exception as err:  # a bare or wrongly typed error is the failure being catalogued
        pytest.fail(f"expected {names}, got {type(err).__module__}.{type(err).__name__}: "
                    f"{err}")
    pytest.fail(f"expected {names}; the input was silently accepted (returned {value!r:.200})")


def refused_or_warned(call: Callable[[], Any], error: type,
                      *words: str | tuple[str, ...]) -> None:
    """An absurd number must be refused (``error``) or warned about, naming ``words``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call()
        except error as err:
            message = str(err)
            assert all(has(message, w) for w in words), message
            return
    messages = [str(w.message) for w in caught]
    named = [m for m in messages if all(has(m, w) for w in words)]
    assert named, (f"silently accepted (returned {value!r:.200}); no warning naming {words}; "
                   f"warnings: {messages}")


def snapshot(root: Path) -> dict[str, int]:
    """Every path under ``root`` with its size (-1 for folders)."""
    return {str(p.relative_to(root)): (p.stat().st_size if p.is_file() else -1)
            for p in sorted(root.rglob("*"))}


def with_cell(frame: pd.DataFrame, row: int, column: str, value: Any) -> pd.DataFrame:
    """A copy of ``frame`` with one cell replaced (the column widened to object if needed)."""
    frame = frame.copy()
    if isinstance(value, str):
        frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


def named_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three provinces with real names (long enough for "did you mean" hints)."""
    regions = pd.DataFrame({
        "region": ["Aceh", "Jawa Barat", "Papua Barat Daya"],
        "population": [5_400_000, 49_900_000, 600_000],
        "kti": [False, False, True],
        "island_group": ["Sumatera", "Jawa", "Papua"],
        "poverty_rate_pct": [14.2, 7.5, 18.1],
    })
    programs = pd.DataFrame({"program": ["training", "sentra"], "channel": ["DAK", "TP"]})
    impacts = pd.DataFrame({
        "region": ["Aceh", "Aceh", "Jawa Barat", "Jawa Barat", "Papua Barat Daya",
                   "Papua Barat Daya"],
        "program": ["training", "sentra"] * 3,
        "jobs": [10.0, 6.0, 8.0, 4.0, 12.0, 5.0],
        "value_added": [1.0, 2.0, 0.5, 1.5, 0.8, 1.0],
        "capacity": [50.0, 50.0, 30.0, 40.0, 10.0, 20.0],
    })
    return regions, programs, impacts


def write_folder(folder: Path, tables) -> Path:
    """Write (regions, programs, impacts) as a CSV dataset folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in zip(TABLES, tables, strict=True):
        table.to_csv(folder / f"{name}.csv", index=False)
    return folder


def replace_text(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    file.write_text(text.replace(old, new), encoding="utf-8")
