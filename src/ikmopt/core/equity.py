"""Inequality measures of per-capita quantities across regions, population weighted.

For regions ``i`` with population ``w_i`` and per-capita value ``y_i`` (``W = sum w``,
``mu = sum w_i y_i / W``):

* Gini ``G = sum_i sum_j w_i w_j |y_i - y_j| / (2 W^2 mu)``
* Theil ``T = sum_i (w_i / W) (y_i / mu) ln(y_i / mu)`` (``0 ln 0 = 0``)
* coefficient of variation ``CV = sqrt(sum_i w_i (y_i - mu)^2 / W) / mu``

All are 0 for perfect equality; they are ``NaN`` when the mean is 0.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cv", "gini", "theil"]


def _prepare(
    values: np.ndarray, weights: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Values, weights, total weight and weighted mean (NaN when the total is not positive)."""
    y = np.asarray(values, dtype=float)
    w = np.ones_like(y) if weights is None else np.asarray(weights, dtype=float)
    total = float(w.sum())
    mean = float((w * y).sum() / total) if total > 0 else float("nan")
    return y, w, total, mean


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Population-weighted Gini coefficient of ``values`` (O(n log n), by sorting)."""
    y, w, total, mean = _prepare(values, weights)
    if not mean > 0:
        return float("nan")
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    cum_w = np.cumsum(w) - w  # weight strictly below each position
    cum_wy = np.cumsum(w * y) - w * y
    pair_sum = np.sum(w * (y * cum_w - cum_wy))  # sum over i<j of w_i w_j (y_j - y_i)
    return max(0.0, float(pair_sum / (total**2 * mean)))  # clamp round-off below 0


def theil(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Population-weighted Theil T index of ``values``."""
    y, w, total, mean = _prepare(values, weights)
    if not mean > 0:
        return float("nan")
    ratio = y / mean
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
    return float((w / total * terms).sum())


def cv(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Population-weighted coefficient of variation of ``values``."""
    y, w, total, mean = _prepare(values, weights)
    if not mean > 0:
        return float("nan")
    return float(np.sqrt((w * (y - mean) ** 2).sum() / total) / mean)
