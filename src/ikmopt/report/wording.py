"""Metrics, units and groups in words: how a report names what it counts.

``jobs`` is "jobs" / "tenaga kerja", an amount of value added is "Rp 1.2 bn a year of
value added", a row label ``kti=True`` is "Kawasan Timur Indonesia (KTI)". Metrics that the
catalogue does not name are shown as the dataset writes them, with their declared unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ikmopt.report.labels import Formatter

__all__ = [
    "RP_BN_YEAR",
    "capitalize",
    "group_text",
    "is_jobs_unit",
    "is_value_added_unit",
    "metric_amount",
    "metric_header",
    "metric_kind",
    "metric_name",
    "metric_unit",
    "status_text",
]

#: Units of value added that the catalogue words as "Rp bn per year".
RP_BN_YEAR = ("Rp bn per year", "IDR bn per year", "IDR bn/year", "Rp bn/year")
#: Regions columns that the catalogue names (yes/no columns).
_GROUPS = {"kti": "group_kti", "kti_narrow": "group_kti_narrow"}


def metric_name(metric: str, fmt: Formatter) -> str:
    """``jobs`` -> ``jobs`` / ``tenaga kerja``; metrics the catalogue does not name as is."""
    key = f"metric_{metric}"
    return fmt(key) if key in fmt.text else str(metric)


def is_value_added_unit(metric: str, units: Mapping[str, str]) -> bool:
    """Whether ``metric`` is value added in Rp bn per year (worded as money)."""
    return metric == "value_added" and units.get(metric, RP_BN_YEAR[0]) in RP_BN_YEAR


def is_jobs_unit(metric: str, units: Mapping[str, str]) -> bool:
    """Whether ``metric`` is jobs counted in jobs (worded as jobs)."""
    return metric == "jobs" and units.get(metric, "jobs") == "jobs"


def metric_amount(metric: str | None, value: float, fmt: Formatter,
                  units: Mapping[str, str]) -> str:
    """``value`` of ``metric`` in words: ``14 jobs``, ``Rp 1.2 bn a year of value added``."""
    n = fmt.significant(value, 3)
    if metric is None:
        return fmt("amount_objective", n=n)
    if is_jobs_unit(metric, units):
        return fmt("amount_jobs", n=n)
    if is_value_added_unit(metric, units):
        return fmt("amount_value_added", n=n)
    if metric == "spend":
        return fmt("amount_spend", n=n)
    unit = units.get(metric)
    name = metric_name(metric, fmt) + (f" ({unit})" if unit else "")
    return fmt("amount_metric", n=n, metric=name)


def metric_unit(metric: str, fmt: Formatter, units: Mapping[str, str]) -> str:
    """The unit of a metric in the report's language (as declared when unknown)."""
    if is_jobs_unit(metric, units):
        return fmt("unit_jobs")
    if is_value_added_unit(metric, units):
        return fmt("unit_rp_bn_year")
    return str(units.get(metric, ""))


def metric_header(metric: str, fmt: Formatter, units: Mapping[str, str]) -> str:
    """Column header of a metric with its unit: ``Jobs``, ``Value added (Rp bn per year)``."""
    if is_jobs_unit(metric, units):
        return fmt("col_jobs")
    if is_value_added_unit(metric, units):
        return fmt("col_value_added")
    unit = units.get(metric)
    name = metric_name(metric, fmt)
    return fmt("col_metric", metric=name, unit=unit) if unit else name


def metric_kind(metric: str, units: Mapping[str, str]) -> str:
    """The column kind of a metric (see :class:`~ikmopt.report.tables.Column`)."""
    if is_jobs_unit(metric, units):
        return "int"
    if units.get(metric, "") in (*RP_BN_YEAR, "IDR bn", "Rp bn") or metric == "value_added":
        return "bn"
    return "num"


def group_text(text: str, fmt: Formatter) -> str:
    """A row label such as ``kti=True`` or ``program=sentra`` as readers say it."""
    parts = []
    for part in str(text).split(","):
        level, sep, value = part.partition("=")
        level, value = level.strip(), value.strip()
        if not sep:
            parts.append(part.strip())
        elif level in _GROUPS and value == "True":
            parts.append(fmt(_GROUPS[level]))
        elif value == "True":
            parts.append(level)
        elif level in ("region", "program", "year"):
            parts.append(fmt.label(level, value))
        else:
            parts.append(f"{value} ({level})")
    return ", ".join(parts)


def capitalize(text: str) -> str:
    """``text`` with its first letter upper case (the rest as written)."""
    return text[:1].upper() + text[1:]


def status_text(status: Any, fmt: Formatter) -> str:
    """The solve status in words."""
    text = str(status)
    if text == "optimal":
        return fmt("status_optimal")
    if text == "time_limit":
        return fmt("status_time_limit")
    return fmt("status_other", status=text)
