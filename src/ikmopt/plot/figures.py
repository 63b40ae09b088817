"""The figure of a chart: ``pyplot`` imported on first use, and new axes when none is given.

On a Linux machine without a display, and when no backend was chosen (``MPLBACKEND``,
``matplotlib.use`` or a matplotlibrc), the non-interactive Agg backend is selected.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["axes", "pyplot"]


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use (Agg on a Linux machine without display).

    Raises
    ------
    ImportError
        Without matplotlib (``pip install 'ikmopt[plot]'``).
    """
    try:
        import matplotlib  # heavy, optional (ikmopt[plot]): loaded on the first chart
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("plotting needs matplotlib: pip install 'ikmopt[plot]'") from err
    headless = (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    )
    if headless and "matplotlib.pyplot" not in sys.modules:
        # the stored value is matplotlib's "not chosen yet" marker until someone picks one
        chosen = dict.get(matplotlib.rcParams, "backend")
        if chosen is getattr(matplotlib.rcsetup, "_auto_backend_sentinel", chosen):
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # heavy, optional (ikmopt[plot]): loaded on the first chart

    return plt


def axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    _, ax = pyplot().subplots(figsize=figsize, layout="constrained")
    return ax

