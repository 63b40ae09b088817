"""Shared fixtures: a tiny dataset small enough to solve by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik


def tiny_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Three regions (A west; B, C east/KTI) x two programs (p via DAK, q via TP).

    Jobs per Rp bn rank C-p 12 > A-p 10 > B-p 8 > A-q 6 > C-q 5 > B-q 4.
    """
    regions = pd.DataFrame(
        {
            "region": ["A", "B", "C"],
            "population": [1_000_000, 2_000_000, 500_000],
            "kti": [False, True, True],
            "island_group": ["west", "east", "east"],
            "poverty_rate_pct": [5.0, 12.0, 20.0],
        }
    )
    programs = pd.DataFrame({"program": ["p", "q"], "channel": ["DAK", "TP"]})
    impacts = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C"],
            "program": ["p", "q", "p", "q", "p", "q"],
            "jobs": [10.0, 6.0, 8.0, 4.0, 12.0, 5.0],
            "value_added": [1.0, 2.0, 0.5, 1.5, 0.8, 1.0],
            "capacity": [50.0, 50.0, 30.0, 40.0, 10.0, 20.0],
        }
    )
    return regions, programs, impacts


@pytest.fixture
def tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fresh copies of the tiny tables (tests may mutate them)."""
    return tiny_tables()


@pytest.fixture
def tiny() -> ik.Dataset:
    """The tiny dataset."""
    return ik.Dataset(*tiny_tables(), name="tiny")


@pytest.fixture(scope="session")
def provinces() -> ik.Dataset:
    """The bundled 38-province dataset (loaded once)."""
    return ik.datasets.load("indonesia-provinces")
