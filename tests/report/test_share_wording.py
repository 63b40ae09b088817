"""The report states what a share is of: spend, an outcome, or a part of the plan."""

from __future__ import annotations

import pytest

import ikmopt as ik
from ikmopt.report import labels
from ikmopt.report.rules import policy_lines


@pytest.mark.parametrize(("lang", "spend", "jobs"), [
    ("en", "of spend", "of jobs"),
    ("id", "dari alokasi anggaran", "dari"),
])
def test_a_share_of_jobs_is_not_called_a_share_of_spend(lang, spend, jobs, provinces):
    fmt = labels.Formatter(lang)
    policy = ik.default_policy().replace(constraints=(
        ik.GroupShare("kti", min=0.4),
        ik.GroupShare("kti", of="jobs", min=0.3),
        ik.ProgramShare(program="sentra", of="spend", within={"island_group": "Jawa"},
                        max=0.5),
    ))
    _, lines = policy_lines(policy, fmt, provinces.metric_units)
    lines = lines[-3:]  # after the budget's lines
    assert spend in lines[0]
    assert jobs in lines[1] and spend not in lines[1]
    job_word = "jobs" if lang == "en" else "tenaga kerja"
    assert job_word in lines[1].lower()
    assert "Jawa" in lines[2]  # the part of the plan the share is taken within
