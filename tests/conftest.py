"""Shared fixtures: a tiny dataset small enough to solve by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import ikmopt as ik
from helpers.tiny import tiny_tables


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
