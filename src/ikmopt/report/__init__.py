"""Reports for readers who do not run Python: one HTML page or one Excel workbook.

``result.report("plan.html")`` writes a self-contained page (inline CSS and SVG charts; it
opens offline) with the headline outcomes, charts of the allocation, the binding rules with
their shadow prices in words, equity figures, the policy's rules, the data sources (rows
marked ILLUSTRATIVE) and the allocation table. ``result.report("plan.xlsx")`` writes the
same content as formatted sheets. ``lang="id"`` writes either in Bahasa Indonesia, with
the programs by their Indonesian names (the programs table's ``name_id``). A scenario set is
reported against a baseline with :meth:`ikmopt.ScenarioResults.report`.

A plan on a dataset marked ILLUSTRATIVE (:attr:`ikmopt.Dataset.illustrative`) says so above
its headline figures and in the first row of every sheet; a plan on a dataset without the
flag says nothing of the kind, and a report shows only its own dataset's description and
sources.

Every file is written all or nothing: a failed write leaves no file (and an existing file
as it was).

How a report is made: the content (tables, sentences, the policy in words) is computed once
(:mod:`~ikmopt.report.plan`, :mod:`~ikmopt.report.prices`, :mod:`~ikmopt.report.rules`,
:mod:`~ikmopt.report.scenarios`) and rendered by the page's Jinja2 templates
(:mod:`~ikmopt.report.html`) or written as sheets (:mod:`~ikmopt.report.excel`). Every
word comes from the gettext catalogue of the language and every number and date is written
by Babel (:mod:`~ikmopt.report.labels`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ikmopt.core.errors import PolicyError
from ikmopt.core.files import write_files
from ikmopt.report.excel import write_workbook
from ikmopt.report.html import plan_html
from ikmopt.report.labels import CATALOGUES, LANGUAGES, Formatter, catalogue
from ikmopt.report.plan import caption, illustrative_note, plan_tables, reader_formatter
from ikmopt.report.prices import binding_sentences, budget_note
from ikmopt.report.scenarios import scenario_html, scenario_line, scenario_note, scenario_tables

if TYPE_CHECKING:
    from ikmopt.scenarios.results import ScenarioResults
    from ikmopt.solving.result import Result

__all__ = ["CATALOGUES", "FORMATS", "LANGUAGES", "Formatter", "catalogue", "explain",
           "report_format", "write_report", "write_scenario_report"]

#: Report formats and the file suffixes that select them.
FORMATS: dict[str, tuple[str, ...]] = {"html": (".html", ".htm"), "xlsx": (".xlsx",)}


def report_format(path: str | Path, format: str | None = None) -> str:
    """The format of a report file: ``format`` if given, else from the suffix of ``path``.

    Raises
    ------
    PolicyError
        If ``format`` is unknown, or it is not given and the suffix is not one of
        ``.html``, ``.htm`` or ``.xlsx``.

    Examples
    --------
    >>> from ikmopt.report import report_format
    >>> report_format("plan.HTML"), report_format("plan.xlsx"), report_format("x.txt", "html")
    ('html', 'xlsx', 'html')
    """
    if format is not None:
        key = str(format).lower().lstrip(".")
        if key not in FORMATS:
            raise PolicyError(f"report: unknown format {format!r}; choose one of "
                              f"{', '.join(repr(f) for f in FORMATS)}")
        return key
    suffix = Path(path).suffix.lower()
    for key, suffixes in FORMATS.items():
        if suffix in suffixes:
            return key
    raise PolicyError(f"report: cannot tell the format of '{Path(path).name}' from its "
                      "suffix; name a .html or .xlsx file, or give the format ('html' or 'xlsx')")


def _write(path: str | Path, writer: object) -> Path:
    """Write one file all or nothing through :func:`ikmopt.core.files.write_files`."""
    path = Path(path)
    write_files(path.parent, {path.name: writer})  # type: ignore[dict-item]
    return path


def _prepare(path: str | Path, lang: str, format: str | None,
             date: dt.date | None) -> tuple[str, Formatter, dt.date]:
    fmt = Formatter(lang)  # an unknown language fails before any work
    kind = report_format(path, format)
    if date is not None and not isinstance(date, dt.date):
        raise PolicyError(f"report: date must be a datetime.date, got {type(date).__name__}")
    return kind, fmt, date or dt.date.today()


def write_report(result: Result, path: str | Path, lang: str = "en", *,
                 format: str | None = None, title: str | None = None,
                 date: dt.date | None = None) -> Path:
    """Write the report of one plan as HTML or Excel.

    Parameters
    ----------
    result : Result
        The plan.
    path : str or Path
        The file to write; its suffix (``.html``/``.htm`` or ``.xlsx``) sets the format.
    lang : {"en", "id"}, default "en"
        English or Bahasa Indonesia (headings, labels, sentences, numbers and dates).
    format : {"html", "xlsx"}, optional
        Overrides the suffix.
    title : str, optional
        Default "IKM budget allocation plan" / "Rencana alokasi anggaran IKM".
    date : datetime.date, optional
        The date shown (default today).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    PolicyError
        If ``lang`` or the format is unknown.
    OSError
        If the file cannot be written (nothing is left behind).
    ImportError
        If matplotlib (HTML charts) or openpyxl (Excel) is not installed.
    """
    kind, fmt, day = _prepare(path, lang, format, date)
    fmt = reader_formatter(result, fmt)
    title = fmt("title") if title is None else str(title)
    if kind == "html":
        text = plan_html(result, fmt, title, day)
        return _write(path, lambda p: p.write_text(text, encoding="utf-8"))

    tables = plan_tables(result, fmt, fmt.date(day))
    first = caption(title, [fmt("dataset_line", name=result.data.name)],
                    illustrative_note(result, fmt))
    return _write(path, lambda p: write_workbook(tables, p, fmt, first))


def explain(result: Result, lang: str = "en", limit: int | None = 15) -> list[str]:
    """The binding rules of a plan and their shadow prices, in words (as in the report).

    Parameters
    ----------
    result : Result
    lang : {"en", "id"}, default "en"
    limit : int, optional
        At most this many rows, largest shadow price first (a last line counts the rest);
        None for all.

    Returns
    -------
    list of str
        One sentence per binding row (e.g. ``Each extra Rp 1 bn of total budget adds 14.2
        jobs.``), then notes on the unit of a normalized objective, on staged objectives and
        on plans not proven optimal. For a MIP: the binding rules by name, after a line
        saying that a MIP has no shadow prices.

    Raises
    ------
    PolicyError
        If ``lang`` is unknown.
    """
    fmt = reader_formatter(result, Formatter(lang))
    unit = result.objective_unit
    text = binding_sentences(result.constraints, unit, fmt, result.data.metric_units,
                             mip=result.lp.is_mip, optimal=result.is_optimal, limit=limit)
    note = budget_note(result, unit, fmt)
    if note is not None:
        text.notes.insert(0, note)
    head = [] if text.intro == fmt("binding_intro") else [text.intro]  # no prices: say why
    return [*head, *text.sentences, *text.notes]


def write_scenario_report(results: ScenarioResults, path: str | Path, lang: str = "en", *,
                          baseline: str | None = None, format: str | None = None,
                          title: str | None = None, date: dt.date | None = None) -> Path:
    """Write the report of a scenario set, every solved scenario against ``baseline``.

    Parameters
    ----------
    results : ScenarioResults
        From :func:`ikmopt.run_scenarios` or :meth:`ikmopt.ScenarioResults.read`.
    path : str or Path
        ``.html``/``.htm`` or ``.xlsx``.
    lang : {"en", "id"}, default "en"
    baseline : str, optional
        The scenario the others are compared with (default: the first solved one).
    format : {"html", "xlsx"}, optional
    title : str, optional
        Default "IKM budget scenarios compared" / "Perbandingan skenario anggaran IKM".
    date : datetime.date, optional

    Returns
    -------
    Path

    Raises
    ------
    PolicyError
        If ``lang`` or the format is unknown, the baseline is unknown or failed, or no
        scenario was solved.
    OSError
        If the file cannot be written (nothing is left behind).
    """
    kind, fmt, day = _prepare(path, lang, format, date)
    comparison = results.compare(baseline)
    title = fmt("title_scenarios") if title is None else str(title)
    if kind == "html":
        text = scenario_html(results, comparison, fmt, title, day)
        return _write(path, lambda p: p.write_text(text, encoding="utf-8"))

    tables = scenario_tables(results, comparison, fmt)
    first = caption(title, [scenario_line(results, comparison, fmt)],
                    scenario_note(results, comparison, fmt))
    return _write(path, lambda p: write_workbook(tables, p, fmt, first))

