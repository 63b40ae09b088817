"""Numeric checks: clean tables pass without pandera; dirty ones get pandera's full report."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandera.errors import SchemaErrors

from ikmopt.core.validation import FailureLog, check_numeric

SPECIAL = st.sampled_from([0.0, -0.0, 1.0, -1.0, 2.5, -1e-300, 1e-300, np.nan, np.inf, -np.inf])


def pandera_failures(frame: pd.DataFrame, *, positive: bool, signed: set[str]) -> set:
    """(column, row position) of every failure pandera itself reports on the same rules."""
    sign = pa.Check.gt(0) if positive else pa.Check.ge(0)
    finite = pa.Check(lambda s: ~np.isinf(s))
    schema = pa.DataFrameSchema({c: pa.Column(float, checks=[finite] if c in signed
                                              else [finite, sign], nullable=False)
                                 for c in frame.columns})
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases.dropna(subset=["index"])
        return set(zip(cases["column"], cases["index"].astype(int), strict=True))
    return set()


@settings(max_examples=300, deadline=None)
@given(a=st.lists(SPECIAL, min_size=1, max_size=6), b=st.lists(SPECIAL, min_size=1, max_size=6),
       positive=st.booleans(), b_signed=st.booleans())
def test_the_fast_path_agrees_with_pandera_on_every_value(a, b, positive, b_signed):
    n = min(len(a), len(b))
    frame = pd.DataFrame({"a": a[:n], "b": b[:n]}, index=[f"r{i}" for i in range(n)])
    signed = {"b"} if b_signed else set()
    expected = pandera_failures(frame.reset_index(drop=True), positive=positive, signed=signed)
    log = FailureLog()
    check_numeric(log, "t", frame, ["a", "b"], positive=positive, signed=signed)
    if not expected:
        assert not log
        return
    with pytest.raises(Exception) as info:
        log.raise_if_any()
    cases = info.value.failure_cases
    got = {(c, int(label[1:])) for c, label in zip(cases["column"], cases["label"], strict=True)}
    assert got == expected


def test_a_bad_value_is_reported_by_label_and_rule():
    frame = pd.DataFrame({"jobs": [1.0, -2.0, np.inf, np.nan]}, index=["A", "B", "C", "D"])
    log = FailureLog()
    check_numeric(log, "impacts", frame, ["jobs"])
    with pytest.raises(Exception) as info:
        log.raise_if_any()
    cases = info.value.failure_cases.set_index("label")
    assert cases.loc["B", "check"] == "must not be negative"
    assert cases.loc["C", "check"] == "must be finite (no inf)"
    assert cases.loc["D", "check"] == "missing value (NaN)"
    assert "A" not in cases.index


def test_a_clean_dataset_is_built_and_solved_without_importing_pandera():
    code = ("import sys, ikmopt as ik; d = ik.datasets.load('indonesia-provinces');"
            "ik.optimize(d, ik.default_policy(data=d)).summary();"
            "print('pandera' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_dirty_dataset_still_gets_the_full_report_in_a_fresh_process():
    code = ("import ikmopt as ik; d = ik.datasets.load('indonesia-provinces');"
            "imp = d.impacts.copy(); imp.iloc[3, imp.columns.get_loc('jobs')] = -1;"
            "\ntry:\n ik.Dataset(d.regions, d.programs, imp)\n"
            "except ik.DataError as e:\n print(e.failure_cases['check'].tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "must not be negative" in out.stdout
