"""Planning tables for the tiny dataset: pots, proposals and last year's allocation.

Tiny's jobs per Rp bn: C-p 12 > A-p 10 > B-p 8 > A-q 6 > C-q 5 > B-q 4; capacities A-p 50,
A-q 50, B-p 30, B-q 40, C-p 10, C-q 20. Program p goes through DAK, q through TP.
"""

from __future__ import annotations

import pandas as pd

import ikmopt as ik
from helpers.tiny import tiny_tables

#: DAK funds p (the programs table's channel), TP funds q.
POTS = (ik.Pot("DAK", 30, level="regency"), ik.Pot("TP", 20, level="province"))


def proposals_table() -> pd.DataFrame:
    """Five proposals: A and C ask for p, B for p (half ready), C twice, A for q."""
    return pd.DataFrame({
        "proposal": ["A1", "B1", "C1", "C2", "A2"],
        "region": ["A", "B", "C", "C", "A"],
        "program": ["p", "p", "p", "p", "q"],
        "amount": [20.0, 15.0, 6.0, 8.0, 30.0],
        "readiness": [1.0, 0.5, 0.9, 0.4, 1.0],
        "cofunding": [5.0, 0.0, 2.0, 0.0, 10.0],
    })


def last_year_table() -> pd.DataFrame:
    """Last year: A 20, B 15, C 10 (realised 18, 10, 9)."""
    return pd.DataFrame({"region": ["A", "B", "C"], "allocation": [20.0, 15.0, 10.0],
                         "realisation": [18.0, 10.0, 9.0]})


def planning_data(**tables) -> ik.Dataset:
    """Tiny with the proposals and last year's allocation (or the tables given)."""
    tables = {"proposals": proposals_table(), "last_year": last_year_table(), **tables}
    return ik.Dataset(*tiny_tables(), name="tiny", **tables)
