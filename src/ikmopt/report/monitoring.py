"""The monitoring report (*Laporan pemantauan realisasi*): the year's absorption against the plan.

:func:`write_monitoring_report` writes one self-contained HTML page from a
:class:`~ikmopt.analysis.monitoring.Monitoring` (or, for a ``.xlsx`` path, the same tables as
sheets of a workbook):

* headline figures: realised against planned, the pace against the absorption profile, the
  projected year end with its interval, the money and the outcomes at risk, the warnings;
* the early warnings: the groups below the threshold, slowest first;
* the absorption gap by region, and by pot and program when the realisation file gives them;
* the projection chart: cumulative realisation over the year, the curve the profile expects,
  the realised points to date and the projected year end with its interval, for the whole
  plan and for each pot;
* the outcomes at risk by region, the regions with the most money at risk first;
* with ``replan=``: the re-plan by region and its gain over leaving the plan as it is;
* the method in one paragraph, and the absorption profile with its ILLUSTRATIVE rows marked.

Every word comes from the gettext catalogue of the language and every number from the
:class:`~ikmopt.report.labels.Formatter`; the page's environment autoescapes, so region,
program and pot names from the user's files are escaped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.core.files import write_files
from ikmopt.data.metadata import marked_rows
from ikmopt.report import charts
from ikmopt.report.excel import write_workbook
from ikmopt.report.html import Cell, Row, TableView, render, table_view
from ikmopt.report.labels import Formatter
from ikmopt.report.plan import caption, reader_formatter
from ikmopt.report.tables import Column, Table
from ikmopt.report.wording import (
    capitalize,
    is_jobs_unit,
    metric_amount,
    metric_header,
    metric_kind,
    metric_name,
    metric_unit,
)

if TYPE_CHECKING:
    from ikmopt.analysis.monitoring import MonitoredReplan, Monitoring

__all__ = [
    "MAX_RISK_ROWS",
    "Headline",
    "absorption_panels",
    "gain_table",
    "gap_table",
    "headline",
    "monitoring_html",
    "monitoring_tables",
    "period_text",
    "profile_table",
    "quarter_labels",
    "replan_table",
    "risk_table",
    "summary_table",
    "warnings_table",
    "write_monitoring_report",
]

#: Rows of the outcomes-at-risk table (the regions with the most money at risk).
MAX_RISK_ROWS = 10
#: Points of the profile's expected curve on the chart (each month's end).
CURVE_POINTS = 13
_LEVELS = {"region": "col_region", "program": "col_program", "pot": "col_pot",
           "sector": "col_sector", "year": "col_year"}
_MONEY = ["planned", "expected", "realised", "committed", "gap", "projected", "projected_low",
          "projected_high", "shortfall"]


# ---------------------------------------------------------------------- words
def quarter_labels(fmt: Formatter) -> list[str]:
    """The four quarters as the language names them (``Q1`` ... / ``Triwulan I`` ...)."""
    return [fmt(f"mon_q{k}") for k in range(1, 5)]


def period_text(period: str, t: float, fmt: Formatter) -> str:
    """The latest reported period in the report's language: ``Q2`` / ``Triwulan II``, ``May``.

    Examples
    --------
    >>> from ikmopt.report import Formatter
    >>> period_text("Q2", 0.5, Formatter("id")), period_text("May", 5 / 12, Formatter("id"))
    ('Triwulan II', 'Mei')
    """
    months = round(t * 12)
    if str(period).upper().startswith("Q") and months % 3 == 0 and months > 0:
        return quarter_labels(fmt)[months // 3 - 1]
    if not 1 <= months <= 12:
        return str(period)
    from babel.dates import format_date  # imported with the first report, as in labels

    return format_date(dt.date(2000, months, 1), "MMMM", locale=fmt.locale)


def _status(value: str, fmt: Formatter) -> str:
    return fmt(f"mon_status_{value}")


def _level_column(level: str, fmt: Formatter) -> Column:
    key = "col_program_name" if level == "program" and level in fmt.names else _LEVELS.get(level)
    return Column(level, fmt(key) if key else str(level), "text")


def _groups_frame(table: pd.DataFrame, levels: Sequence[str], fmt: Formatter) -> pd.DataFrame:
    """``table`` (indexed by ``levels``) with the levels as columns, programs by name."""
    frame = table.reset_index(drop=not levels)
    for level in levels:
        frame[level] = [fmt.label(level, v) for v in frame[level]]
    frame["status_key"] = frame["status"]  # not a column of the table: the row's style
    frame["status"] = [_status(s, fmt) for s in frame["status"]]
    return frame


# ---------------------------------------------------------------------- tables
def _money_columns(fmt: Formatter, keys: Sequence[str]) -> list[Column]:
    kinds = {"pace": "share", "absorbed": "share", "status": "text"}
    return [Column(k, fmt(f"col_mon_{k}"), kinds.get(k, "bn")) for k in keys]


def gap_table(monitoring: Monitoring, by: str, fmt: Formatter) -> Table:
    """The absorption gap summed to ``by`` (a level of the realisation file), with a total row.

    Columns: the level, planned, expected, realised, committed, gap, pace, absorbed, status,
    projected with its interval, and the shortfall (Rp bn; pace and absorbed as shares).
    """
    frame = _groups_frame(monitoring.gaps(by), [by], fmt)
    total = monitoring.totals()
    row: dict[str, Any] = {k: float(total[k]) for k in _MONEY if k != "gap"}
    row["gap"] = row["realised"] - row["expected"]
    row.update(pace=float(total["pace"]), absorbed=float(total["absorbed"]), status="",
               status_key="total", **{by: fmt("mon_total")})
    frame = pd.concat([frame, pd.DataFrame([row])], ignore_index=True)
    keys = ["planned", "expected", "realised", "committed", "gap", "pace", "absorbed", "status",
            "projected", "projected_low", "projected_high", "shortfall"]
    return Table(fmt("sheet_mon_gaps", level=by), frame,
                 [_level_column(by, fmt), *_money_columns(fmt, keys)])


def warnings_table(monitoring: Monitoring, fmt: Formatter) -> Table:
    """The groups below the threshold, slowest first (:meth:`Monitoring.warnings`)."""
    levels = list(monitoring.realisation.levels)
    frame = _groups_frame(monitoring.warnings(), levels, fmt)
    keys = ["status", "pace", "planned", "expected", "realised", "committed", "gap",
            "projected", "shortfall"]
    return Table(fmt("sheet_mon_warnings"), frame,
                 [*(_level_column(level, fmt) for level in levels), *_money_columns(fmt, keys)])


def risk_table(monitoring: Monitoring, fmt: Formatter, top: int | None = MAX_RISK_ROWS) -> Table:
    """Outcomes at risk by region, the most money at risk first (``top`` rows; None: all)."""
    data = monitoring.data
    units = data.metric_units
    risk = monitoring.at_risk("region").sort_values("spend_at_risk", ascending=False,
                                                   kind="stable")
    risk = risk.head(top) if top is not None else risk
    frame = risk.rename_axis("region").reset_index()
    frame["region"] = frame["region"].astype(str)
    columns = [_level_column("region", fmt),
               Column("spend_planned", fmt("col_mon_spend_planned"), "bn"),
               Column("spend_projected", fmt("col_mon_spend_projected"), "bn"),
               Column("spend_at_risk", fmt("col_mon_spend_at_risk"), "bn")]
    columns += [Column(f"{m}_at_risk", metric_header(m, fmt, units), metric_kind(m, units))
                for m in data.metrics]
    return Table(fmt("sheet_mon_at_risk"), frame, columns)


def profile_table(monitoring: Monitoring, fmt: Formatter) -> Table:
    """The absorption profile: cumulative shares by quarter's end, ILLUSTRATIVE rows flagged."""
    table = monitoring.profile.table
    shares = ["q1", "q2", "q3", "q4"]
    frame = table[shares].rename_axis("pot").reset_index()
    frame["pot"] = frame["pot"].astype(str)
    frame["illustrative"] = marked_rows(table.drop(columns=shares)).to_numpy()
    quarters = quarter_labels(fmt)
    columns = [_level_column("pot", fmt),
               *(Column(q, fmt("col_mon_by_quarter", quarter=quarters[k]), "share")
                 for k, q in enumerate(shares)),
               Column("illustrative", fmt("col_illustrative"), "bool")]
    return Table(fmt("sheet_mon_profile"), frame, columns)


def replan_table(replan: MonitoredReplan, fmt: Formatter) -> Table:
    """The re-plan by region: planned, paid, projected, revised, moved in (most first)."""
    frame = replan.compare("region").sort_values("moved_in", ascending=False, kind="stable")
    frame = frame.rename_axis("region").reset_index()
    frame["region"] = frame["region"].astype(str)
    keys = [k for k in ("planned", "realised", "committed", "projected", "revised", "moved_in",
                        "change") if k in frame.columns]
    return Table(fmt("sheet_mon_replan"), frame,
                 [_level_column("region", fmt), *_money_columns(fmt, keys)])


def gain_table(replan: MonitoredReplan, fmt: Formatter) -> Table:
    """Spend and outcomes of the plan, of leaving it, of the re-plan, and the gain."""
    units = replan.monitoring.data.metric_units
    gain = replan.gain()
    names = [fmt("mon_item_spend") if m == "spend" else capitalize(metric_name(m, fmt))
             for m in gain.index]
    unit = [fmt("unit_rp_bn") if m == "spend" else metric_unit(m, fmt, units)
            for m in gain.index]
    frame = gain.reset_index(drop=True).rename(
        columns={"planned": "plan_outcome", "revised": "replan_outcome"}).assign(item=names,
                                                                               unit=unit)
    kinds = ["bn" if m == "spend" else metric_kind(m, units) for m in gain.index]
    columns = [Column("item", fmt("col_item")), Column("unit", fmt("col_unit")),
               *(Column(k, fmt(f"col_mon_{k}"), "mixed")
                 for k in ("plan_outcome", "leave_it", "replan_outcome", "gain"))]
    return Table(fmt("sheet_mon_gain"), frame, columns, row_kinds=kinds)


def summary_table(monitoring: Monitoring, fmt: Formatter) -> Table:
    """The headline figures as items (the first sheet of the workbook)."""
    total = monitoring.totals()
    risk = monitoring.at_risk(None).iloc[0]
    units = monitoring.data.metric_units
    bn, unit = "bn", fmt("unit_rp_bn")
    rows: list[tuple[str, Any, str, str]] = [
        (fmt("item_mon_plan"), monitoring.plan.name, "", "text"),
        (fmt("item_dataset"), monitoring.data.name, "", "text"),
        (fmt("item_mon_period"), period_text(monitoring.period, monitoring.t, fmt), "", "text"),
        (fmt("item_mon_year_share"), monitoring.t, "", "share"),
        *((fmt(f"col_mon_{k}"), float(total[k]), unit, bn)
          for k in ("planned", "expected", "realised", "committed")),
        (fmt("col_mon_pace"), float(total["pace"]), "", "share"),
        (fmt("col_mon_absorbed"), float(total["absorbed"]), "", "share"),
        *((fmt(f"col_mon_{k}"), float(total[k]), unit, bn)
          for k in ("expected_year", "projected", "projected_low", "projected_high",
                    "shortfall")),
        *((fmt("item_mon_at_risk", metric=metric_name(m, fmt)), float(risk[f"{m}_at_risk"]),
           metric_unit(m, fmt, units), metric_kind(m, units)) for m in monitoring.data.metrics),
        (fmt("item_mon_warnings"), len(monitoring.warnings()), "", "int"),
    ]
    frame = pd.DataFrame(rows, columns=["item", "value", "unit", "kind"])
    return Table(fmt("sheet_summary"), frame,
                 [Column("item", fmt("col_item")), Column("value", fmt("col_value"), "mixed"),
                  Column("unit", fmt("col_unit"))], row_kinds=list(frame["kind"]))


def monitoring_tables(monitoring: Monitoring, fmt: Formatter,
                      replan: MonitoredReplan | None = None) -> list[Table]:
    """Every table of the report, in the order of the page (the sheets of the workbook)."""
    fmt = reader_formatter(monitoring.data, fmt)
    tables = [summary_table(monitoring, fmt), warnings_table(monitoring, fmt),
              *(gap_table(monitoring, level, fmt) for level in _gap_levels(monitoring)),
              risk_table(monitoring, fmt, top=None), profile_table(monitoring, fmt)]
    if replan is not None:
        tables += [replan_table(replan, fmt), gain_table(replan, fmt)]
    return tables


def _gap_levels(monitoring: Monitoring) -> list[str]:
    """The levels of the gap tables: region first, then the others the file gives."""
    levels = list(monitoring.realisation.levels)
    return sorted(levels, key=lambda level: level != "region")


# ---------------------------------------------------------------------- headline and chart
@dataclass(frozen=True)
class Headline:
    """A headline figure of the page: its label, its value and a line under it."""

    label: str
    value: str
    detail: str = ""


def headline(monitoring: Monitoring, fmt: Formatter) -> list[Headline]:
    """Realised, pace, year-end projection, money at risk, outcomes at risk, warnings."""
    total = monitoring.totals()
    period = period_text(monitoring.period, monitoring.t, fmt)
    units = monitoring.data.metric_units
    metrics = list(monitoring.data.metrics)
    risk = monitoring.at_risk(None).iloc[0]
    warned = monitoring.warnings()
    cards = [
        Headline(fmt("card_mon_realised", period=period), fmt.money(total["realised"], 1),
                 fmt("card_mon_realised_detail", share=fmt.percent(total["absorbed"], 1),
                     planned=fmt.number(total["planned"], 1),
                     committed=fmt.number(total["committed"], 1))),
        Headline(fmt("card_mon_pace"), fmt.percent(total["pace"], 0),
                 fmt("card_mon_pace_detail", expected=fmt.number(total["expected"], 1),
                     period=period)),
        Headline(fmt("card_mon_projected"), fmt.money(total["projected"], 1),
                 fmt("card_mon_projected_detail",
                     share=fmt.percent(total["projected"] / total["planned"], 1),
                     low=fmt.number(total["projected_low"], 1),
                     high=fmt.number(total["projected_high"], 1))),
        Headline(fmt("card_mon_money_at_risk"), fmt.money(total["shortfall"], 1),
                 fmt("card_mon_money_at_risk_detail")),
    ]
    if metrics:
        first = "jobs" if "jobs" in metrics else metrics[0]
        label = (fmt("card_mon_jobs_at_risk") if is_jobs_unit(first, units)
                 else fmt("card_mon_outcome_at_risk", metric=metric_name(first, fmt)))
        value = (fmt.number(risk[f"{first}_at_risk"], 0) if is_jobs_unit(first, units)
                 else fmt.significant(risk[f"{first}_at_risk"], 3))
        others = [m for m in metrics if m != first][:1]
        detail = "; ".join(fmt("card_mon_and", amount=metric_amount(m, risk[f"{m}_at_risk"],
                                                                     fmt, units))
                           for m in others)
        cards.append(Headline(label, value, detail))
    critical = int((warned["status"] == "critical").sum())
    cards.append(Headline(fmt("card_mon_warnings"), fmt.number(len(warned), 0),
                          fmt("card_mon_warnings_detail",
                              threshold=fmt.percent(monitoring.threshold, None),
                              n=fmt.number(critical, 0),
                              critical=fmt.percent(monitoring.critical, None))))
    return cards


def _at(monitoring: Monitoring, t: float) -> Monitoring:
    """The same monitoring read at ``t`` of the year (for the profile's expected curve).

    Only the expected columns depend on the time; realised money stays as reported.
    """
    realisation = dataclasses.replace(monitoring.realisation, t=float(t))
    return dataclasses.replace(monitoring, realisation=realisation)


def absorption_panels(monitoring: Monitoring, fmt: Formatter) -> list[charts.Absorption]:
    """The whole plan, then each pot when the realisation file gives pots."""
    times = np.linspace(0.0, 1.0, CURVE_POINTS)
    moments = [_at(monitoring, t) for t in times]
    history = monitoring.realisation.history
    reported = history.columns.to_numpy(dtype=float)
    total = monitoring.totals()
    panels = [charts.Absorption(
        fmt("chart_mon_whole"), times,
        np.array([m.totals()["expected"] for m in moments]), reported,
        history.sum().to_numpy(dtype=float), float(total["planned"]),
        float(total["projected"]), float(total["projected_low"]),
        float(total["projected_high"]))]
    if "pot" not in monitoring.realisation.levels:
        return panels
    pots = monitoring.gaps("pot")
    expected = pd.DataFrame({t: m.gaps("pot")["expected"] for t, m in zip(times, moments,
                                                                          strict=True)})
    paid = history.groupby(level="pot", sort=False).sum()
    for pot, row in pots.iterrows():
        panels.append(charts.Absorption(
            str(pot), times, expected.loc[pot].to_numpy(dtype=float), reported,
            paid.reindex([pot]).fillna(0.0).iloc[0].to_numpy(dtype=float),
            float(row["planned"]), float(row["projected"]), float(row["projected_low"]),
            float(row["projected_high"])))
    return panels


def _chart_views(monitoring: Monitoring, fmt: Formatter) -> dict[str, charts.Chart | None]:
    panels = absorption_panels(monitoring, fmt)
    quarters = quarter_labels(fmt)
    whole = charts.absorption_chart(panels[:1], fmt, fmt("h_mon_projection"), quarters)
    pots = (charts.absorption_chart(panels[1:], fmt, fmt("h_mon_projection_pots"), quarters,
                                    salt="ikmopt-absorption-pots")
            if len(panels) > 1 else None)
    return {"whole": whole, "pots": pots}


# ---------------------------------------------------------------------- the page
def _view(table: Table, fmt: Formatter) -> TableView:
    """The page's view of ``table``; rows of groups with a warning styled by their status."""
    if "status_key" not in table.frame.columns:
        return table_view(table, fmt)
    css = [{"ok": "", "total": "total"}.get(s, f"mon-{s}") for s in table.frame["status_key"]]
    return table_view(table, fmt, css)


def _profile_view(table: Table, fmt: Formatter) -> TableView:
    """The profile's table with an ILLUSTRATIVE badge in front of marked rows."""
    flags = list(table.frame["illustrative"])
    shown = Table(table.sheet, table.frame, [c for c in table.columns if c.key != "illustrative"])
    view = table_view(shown, fmt, ["illustrative" if flag else "" for flag in flags])
    badge = fmt("illustrative")
    rows = [Row([Cell(badge if flag else "", badge=flag), *row.cells], row.css)
            for row, flag in zip(view.rows, flags, strict=True)]
    return TableView([Cell(""), *view.head], rows)


def _replan_intro(replan: MonitoredReplan, fmt: Formatter) -> str:
    groups = replan.monitoring.groups
    released = groups.loc[groups.index.isin(replan.released)]
    moved = float((released["planned"] - released["projected"]).sum())
    return fmt("mon_replan_intro", moved=fmt.number(moved, 1), n=fmt.number(len(released), 0))


def monitoring_html(monitoring: Monitoring, fmt: Formatter, title: str, date: dt.date,
                    replan: MonitoredReplan | None = None) -> str:
    """The whole HTML page of a monitoring (and of its re-plan, if given)."""
    fmt = reader_formatter(monitoring.data, fmt)
    m = monitoring
    low, high = m.pace_interval
    profile = profile_table(m, fmt)
    n_regions = len(m.at_risk("region"))
    risk = risk_table(m, fmt)
    return render(
        "monitoring.html.j2", fmt, title, date, plan=m.plan.name, dataset=m.data.name,
        period=period_text(m.period, m.t, fmt), year_share=fmt.percent(m.t, 0),
        illustrative_note=fmt("illustrative_note") if m.data.illustrative else None,
        headline=headline(m, fmt), warnings=_view(warnings_table(m, fmt), fmt),
        threshold=fmt.percent(m.threshold, None), critical=fmt.percent(m.critical, None),
        gaps=[(fmt("h_mon_gaps", level=_level_word(level, fmt)), _view(gap_table(m, level, fmt),
                                                                      fmt))
              for level in _gap_levels(m)],
        charts=_chart_views(m, fmt),
        risk=_view(risk, fmt), risk_shown=len(risk.frame), risk_total=n_regions,
        method=fmt("mon_method", threshold=fmt.percent(m.threshold, None),
                   critical=fmt.percent(m.critical, None), low=fmt.percent(low, 0),
                   high=fmt.percent(high, 0)),
        profile_illustrative=bool(profile.frame["illustrative"].any()),
        profile=_profile_view(profile, fmt),
        replan=None if replan is None else {
            "intro": _replan_intro(replan, fmt),
            "compare": _view(replan_table(replan, fmt), fmt),
            "gain": _view(gain_table(replan, fmt), fmt)})


def _level_word(level: str, fmt: Formatter) -> str:
    key = f"level_{level}"
    return fmt(key) if key in fmt.text else str(level)


# ---------------------------------------------------------------------- the file
def write_monitoring_report(monitoring: Monitoring, path: str | Path, lang: str = "en", *,
                            replan: MonitoredReplan | None = None, format: str | None = None,
                            title: str | None = None, date: dt.date | None = None) -> Path:
    """Write the monitoring report (*Laporan pemantauan realisasi*) as HTML or Excel.

    Parameters
    ----------
    monitoring : Monitoring
        From :func:`ikmopt.monitor`.
    path : str or Path
        The file to write; ``.html``/``.htm`` for the page, ``.xlsx`` for the workbook.
    lang : {"en", "id"}, default "en"
        English or Bahasa Indonesia (headings, labels, sentences, numbers and dates).
    replan : MonitoredReplan, optional
        From :meth:`Monitoring.replan`: adds the re-plan by region and its gain.
    format : {"html", "xlsx"}, optional
        Overrides the suffix.
    title : str, optional
        Default "Monitoring absorption" / "Laporan pemantauan realisasi".
    date : datetime.date, optional
        The date shown (default today).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PolicyError
        If ``lang`` or the format is unknown, or ``replan`` re-plans another monitoring.
    OSError
        If the file cannot be written (nothing is left behind).
    ImportError
        If matplotlib (HTML chart) or openpyxl (Excel) is not installed.
    """
    # imported here, so that the package's __init__ may one day import this module
    from ikmopt.report import report_format

    fmt = Formatter(lang)  # an unknown language fails before any work
    kind = report_format(path, format)
    if date is not None and not isinstance(date, dt.date):
        raise PolicyError(f"report: date must be a datetime.date, got {type(date).__name__}")
    if replan is not None and replan.monitoring is not monitoring:
        raise PolicyError("report: replan= is the re-plan of another monitoring; give the one "
                          "made by this monitoring's replan()")
    day = date or dt.date.today()
    title = fmt("title_monitoring") if title is None else str(title)
    path = Path(path)
    if kind == "html":
        text = monitoring_html(monitoring, fmt, title, day, replan)
        write_files(path.parent, {path.name: lambda p: p.write_text(text, encoding="utf-8")})
        return path
    tables = monitoring_tables(monitoring, fmt, replan)
    line = fmt("mon_as_of", period=period_text(monitoring.period, monitoring.t, fmt),
               share=fmt.percent(monitoring.t, 0))
    first = caption(title, [line], fmt("illustrative_note") if monitoring.data.illustrative
                    else None)
    write_files(path.parent, {path.name: lambda p: write_workbook(tables, p, fmt, first)})
    return path
