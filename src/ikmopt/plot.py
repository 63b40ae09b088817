"""Charts (matplotlib, imported lazily: install ``ikmopt[plot]``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["line"]


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use(matplotlib.get_backend())
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'ikmopt[plot]'") from err
    return plt


def line(table: pd.DataFrame, x: str, y: str, xlabel: str | None = None, ax: Any = None) -> Any:
    """A line chart of ``table[y]`` against ``table[x]``; returns the axes."""
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(table[x], table[y], marker="o")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(y)
    ax.grid(alpha=0.3)
    return ax
