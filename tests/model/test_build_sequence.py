"""Programs built as a sequence (a sweep): what is taken over from the last must be right.

Every program built ``like`` the last is compared with a full build of the same policy
(an independent path: no reuse at all), and the parts taken over are checked to be the
ones that could not change.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt.model.build import BuildContext, build
from ikmopt.model.constraints.base import Constraint, group_block
from ikmopt.model.lp import LinearProgram, RowBlock
from ikmopt.model.params import set_param


@pytest.fixture(scope="module")
def data() -> ik.Dataset:
    return ik.datasets.load("indonesia-provinces")


def assert_same_program(got: LinearProgram, full: LinearProgram) -> None:
    """``got`` is the program ``full`` is, column for column and row for row."""
    assert got.A.shape == full.A.shape
    assert (got.A != full.A).nnz == 0
    for name in ("row_lower", "row_upper", "col_lower", "col_upper", "cost"):
        np.testing.assert_array_equal(getattr(got, name), getattr(full, name), err_msg=name)
    assert got.objective_offset == full.objective_offset
    pd.testing.assert_frame_equal(got.rows, full.rows)
    pd.testing.assert_frame_equal(got.aux, full.aux)


def blocks_of(lp: LinearProgram, constraint: int) -> list[RowBlock]:
    assert lp.assembled is not None
    return [block for block, number in lp.assembled.blocks if number == constraint]


@dataclass(frozen=True)
class CapOfTheBudget(Constraint):
    """A test rule that reads the policy: each region at most ``share`` of the total."""

    share: float = 0.2

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        codes, groups = ctx.level("region", "CapOfTheBudget")
        cap = np.full(len(groups), self.share * ctx.policy.budget.total)
        return [group_block("cap", codes, groups, np.arange(len(groups)),
                            ctx.terms("spend", "CapOfTheBudget"),
                            np.full(len(groups), -np.inf), cap,
                            pd.Index([str(g) for g in groups]))]


def test_a_budget_sweep_re_emits_only_what_reads_the_budget(data: ik.Dataset) -> None:
    policy = ik.Policy(
        budget=ik.Budget(total=971, by={"program": {"sentra": 300}}),
        constraints=[ik.RegionBounds(min=2.0), ik.GroupShare("kti", min=0.4),
                     ik.RegionBounds(min_share=0.005), CapOfTheBudget(0.1)],
        objective=ik.Maximize("jobs"),
    )
    last = build(data, policy, sequence=True)
    for total in (800.0, 650.0, 1200.0):
        moved = set_param(policy, "budget.total", total)
        lp = build(data, moved, like=last)
        assert_same_program(lp, build(data, moved))
        # rules that read only themselves and the data: the very same rows
        for number in (1, 2):
            assert all(a is b for a, b in zip(blocks_of(lp, number), blocks_of(last, number),
                                               strict=True))
        # the program limit is a part of the budget that did not change
        limits = [b for b in blocks_of(lp, 0) if b.labels[0].startswith("program")]
        assert limits and limits[0] is next(b for b in blocks_of(last, 0)
                                            if b.labels[0].startswith("program"))
        # a floor in shares of the budget, and the test rule, read the total: emitted again
        for number in (3, 4):
            assert not any(a is b for a, b in zip(blocks_of(lp, number),
                                                  blocks_of(last, number), strict=True))
        cap = lp.row_upper[(lp.rows["family"] == "cap").to_numpy()]
        np.testing.assert_allclose(cap, 0.1 * total)
        assert lp.A is last.A  # only bounds moved: the matrix too is the last one's
        last = lp


@dataclass(frozen=True)
class Leaves(Constraint):
    """A test rule that leaves a note for later rules (and emits no rows)."""

    cap: float = 50.0

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        ctx.builder.meta["cap per region"] = self.cap
        return []


@dataclass(frozen=True)
class ReadsTheNote(Constraint):
    """A test rule whose rows follow a note another rule left (not its own fields)."""

    def emit(self, ctx: BuildContext) -> list[RowBlock]:
        codes, groups = ctx.level("region", "ReadsTheNote")
        cap = np.full(len(groups), ctx.builder.meta["cap per region"])
        return [group_block("cap", codes, groups, np.arange(len(groups)),
                            ctx.terms("spend", "ReadsTheNote"),
                            np.full(len(groups), -np.inf), cap,
                            pd.Index([str(g) for g in groups]))]


def test_a_rule_that_reads_what_another_left_is_emitted_again(data: ik.Dataset) -> None:
    policy = ik.Policy(budget=ik.Budget(total=971), constraints=[Leaves(50.0), ReadsTheNote()],
                       objective=ik.Maximize("jobs"))
    last = build(data, policy, sequence=True)
    moved = set_param(policy, "constraints[0].cap", 20.0)
    lp = build(data, moved, like=last)
    assert_same_program(lp, build(data, moved))
    np.testing.assert_array_equal(lp.row_upper[(lp.rows["family"] == "cap").to_numpy()], 20.0)


def test_a_pot_sweep_and_the_default_policy_build_as_from_scratch(data: ik.Dataset) -> None:
    policy = ik.default_policy(data=data)
    last = build(data, policy, sequence=True)
    for ceiling in (300.0, 395.0, 500.0):
        moved = set_param(policy, "budget.pots[2].ceiling", ceiling)
        lp = build(data, moved, like=last)
        assert_same_program(lp, build(data, moved))
        last = lp


def test_a_rule_changed_in_place_is_not_taken_for_the_old_one(data: ik.Dataset) -> None:
    rule = ik.RegionBounds(min={"Aceh": 5.0})
    policy = ik.Policy(budget=ik.Budget(total=971), constraints=[rule],
                       objective=ik.Maximize("jobs"))
    last = build(data, policy, sequence=True)
    assert isinstance(rule.min, dict)
    rule.min["Aceh"] = 9.0  # what a careless script might do to a frozen rule
    lp = build(data, policy, like=last)
    assert_same_program(lp, build(data, policy))
    aceh = (lp.rows["label"] == "Aceh").to_numpy()
    assert lp.row_lower[aceh].tolist() == [9.0]


def test_a_rule_that_does_not_pickle_is_emitted_every_time(data: ik.Dataset) -> None:
    reads = []

    @dataclass(frozen=True)
    class Local(Constraint):  # a class inside a function does not pickle
        def emit(self, ctx: BuildContext) -> list[RowBlock]:
            reads.append(1)
            return CapOfTheBudget(0.2).emit(ctx)

    with pytest.raises(Exception):  # noqa: B017 - the premise of the test
        pickle.dumps(Local())
    policy = ik.Policy(budget=ik.Budget(total=971), constraints=[Local()],
                       objective=ik.Maximize("jobs"))
    last = build(data, policy, sequence=True)
    moved = set_param(policy, "budget.total", 500.0)
    lp = build(data, moved, like=last)
    assert len(reads) == 2
    assert_same_program(lp, build(data, moved))


def test_another_dataset_takes_nothing_over(data: ik.Dataset) -> None:
    policy = ik.Policy(budget=ik.Budget(total=971), constraints=[ik.GroupShare("kti", min=0.4)],
                       objective=ik.Maximize("jobs"))
    last = build(data, policy, sequence=True)
    other = ik.datasets.load("indonesia-provinces")  # equal, but another object
    assert other is not data
    lp = build(other, policy, like=last)
    assert not any(a is b for a, b in zip(blocks_of(lp, 1), blocks_of(last, 1), strict=True))
    assert_same_program(lp, build(other, policy))


def test_what_is_derived_from_the_matrix_is_shared_and_right(data: ik.Dataset) -> None:
    policy = ik.default_policy(data=data)
    first = build(data, policy, sequence=True)
    second = build(data, set_param(policy, "budget.pots[2].ceiling", 300.0), like=first)
    assert second.A is first.A and second.rows is first.rows
    assert second.ratio_rows() is first.ratio_rows()  # computed once for both
    expected = second.rows["kind"].isin(["share", "gini", "ratio"]).to_numpy()
    np.testing.assert_array_equal(second.ratio_rows(), expected)
    assert expected.any()
    third = build(data, set_param(policy, "constraints[1].min", 0.3), like=second)
    assert third.A is not second.A  # a share moved matrix values: nothing derived is shared
    assert third.ratio_rows() is not second.ratio_rows()
    single = build(data, policy)
    np.testing.assert_array_equal(single.ratio_rows(), expected)


def test_user_terms_of_every_row_equal_those_of_the_rows_asked_for(data: ik.Dataset) -> None:
    result = ik.optimize(data, ik.default_policy(data=data))
    lp, x = result.lp, result.solution.x
    every = lp.user_terms(x)
    picked = lp.user_terms(x, rows=np.arange(lp.n_rows))
    for name in ("activity", "lower", "upper", "denominator"):
        np.testing.assert_array_equal(getattr(every, name), getattr(picked, name))
    assert np.isfinite(every.denominator).any()  # the policy has ratio rows (a share)


@pytest.mark.parametrize(("path", "values"), [
    ("constraints[1].min", [0.3, 0.5, 0.0, 0.45]),           # a share: matrix values move
    ("objective.weights.value_added", [0.0, 2.0, 0.5]),       # the objective's costs move
    ("constraints[0].min_share", [0.001, 0.01]),              # reads the budget's total
])
def test_share_objective_and_floor_sweeps_build_as_from_scratch(data: ik.Dataset, path: str,
                                                                values: list[float]) -> None:
    policy = ik.Policy(budget=ik.Budget(total=971),
                       constraints=[ik.RegionBounds(min_share=0.005),
                                    ik.GroupShare("kti", min=0.4)],
                       objective=ik.Weighted(jobs=1.0, value_added=0.5, normalize=False))
    last = build(data, policy, sequence=True)
    for value in values:
        moved = set_param(policy, path, value)
        lp = build(data, moved, like=last)
        assert_same_program(lp, build(data, moved))
        last = lp
