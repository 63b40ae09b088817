"""Equity measures written out independently of ``ikmopt.equity``."""

from __future__ import annotations

import itertools

import numpy as np


def pairwise_gini(y: np.ndarray, w: np.ndarray) -> float:
    """The O(n^2) definition, written directly."""
    total = w.sum()
    mean = (w * y).sum() / total
    pairs = itertools.product(range(len(y)), repeat=2)
    double = sum(w[i] * w[j] * abs(y[i] - y[j]) for i, j in pairs)
    return double / (2 * total**2 * mean)
