"""Assertions on ikmopt's errors: typed, naming the culprit, with the right failure cases."""

from __future__ import annotations

import pytest

import ikmopt as ik

ANY = object()  # wildcard for an expected failure-case field


def policy_error(make) -> ik.PolicyError:
    """Call ``make()``; it must raise a PolicyError, which is returned."""
    with pytest.raises(ik.PolicyError) as info:
        make()
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, ik.IkmoptError)
    return err


def assert_names(err: Exception, *words: str) -> None:
    message = str(err)
    for word in words:
        assert word in message, f"{word!r} not in message:\n{message}"


def data_error(regions, programs, impacts, **kwargs) -> ik.DataError:
    """Build a Dataset that must fail; return the DataError."""
    with pytest.raises(ik.DataError) as info:
        ik.Dataset(regions, programs, impacts, **kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, ik.IkmoptError)
    assert list(err.failure_cases.columns) == ["table", "column", "label", "check", "value"]
    return err


def _same_label(actual, expected) -> bool:
    if expected is ANY:
        return True
    if actual == expected:
        return True
    # tolerate a stringified cell tuple here; test_cell_labels_are_tuples pins the type
    return isinstance(expected, tuple) and actual == str(expected)


def assert_cases(err: ik.DataError, expected: list[tuple]) -> None:
    """``failure_cases`` has exactly one row per expected (table, column, label, check)."""
    cases = err.failure_cases
    assert len(cases) == len(expected), f"expected {len(expected)} rows, got\n{cases}"
    unmatched = list(cases.itertuples(index=False))
    for table, column, label, check in expected:
        for i, row in enumerate(unmatched):
            if (
                row.table == table
                and row.column == column
                and _same_label(row.label, label)
                and check.lower() in str(row.check).lower()
            ):
                del unmatched[i]
                break
        else:
            pytest.fail(f"no failure case {(table, column, label, check)} in\n{cases}")
