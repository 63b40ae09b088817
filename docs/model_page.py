"""The model statement of the Model page, rendered from ``ikmopt.model.registry``.

``docs/hooks.py`` replaces the placeholder ``<!-- model-statement -->`` of ``model.md`` with
:func:`statement` on every build, so the page states exactly the families the registry
holds, and the registry's tests (``tests/model/test_registry.py``) hold it to the code.

This file is a build tool, not part of the site (see ``exclude_docs`` in ``mkdocs.yml``).
"""

from __future__ import annotations

PLACEHOLDER = "<!-- model-statement -->"


def _cell(text: str) -> str:
    """A markdown table cell (``|`` escaped)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _display(tex: str) -> str:
    """Display math; lines separated by ``\\\\`` are gathered."""
    if "\\\\" in tex:
        tex = "\\begin{gathered}" + tex + "\\end{gathered}"
    return f"$$\n{tex}\n$$"


def _symbols(symbols, code_header: str = "in the code") -> list[str]:
    lines = [f"| symbol | meaning | unit | {code_header} |", "|---|---|---|---|"]
    for s in symbols:
        code = f"`{_cell(s.code)}`" if s.code else ""
        lines.append(f"| ${_cell(s.tex)}$ | {_cell(s.meaning)} | {_cell(s.unit)} | {code} |")
    return lines


def _family(family, heading: str = "###") -> list[str]:
    lines = [f"{heading} `{family.key}`: {family.title}", "", _display(family.math), "",
             f"*Unit:* {family.unit}. *Size:* {family.size}. *Emitted by:* "
             f"`{family.source}`."]
    if family.note:
        lines += ["", family.note]
    return [*lines, ""]


def statement() -> str:
    """The model statement in markdown: sets, symbols, terms, columns, rows, objectives."""
    from ikmopt.model import registry

    out = ["## Index sets", "", *_symbols(registry.INDEX_SETS), "",
           "## Data and policy numbers", "", *_symbols(registry.SYMBOLS), "",
           "## Linear terms every rule reads", "",
           "Spend and outcomes of a group of cells are these linear expressions; a rule "
           "\"on spend\" or \"on metric $m$\" reads them, whatever the columns behind them.",
           "", *_symbols(registry.TERMS), "",
           "## Columns", "",
           "One section per column family (`lp.aux[\"family\"]`; the cells are `cell`).", ""]
    for family in registry.COLUMNS.values():
        out += _family(family)
    out += ["## Rows", "",
            "One section per row family (`lp.rows[\"family\"]`). Rows of the family "
            "`definition` only define an auxiliary column; they are listed by the column "
            "they define, as `definition:<column family>`.", ""]
    for family in registry.ROWS.values():
        out += _family(family)
    out += ["## Objectives", "",
            "The program always maximizes; an objective that minimizes is maximized with "
            "its sign flipped and reported with its own sign.", ""]
    for family in registry.OBJECTIVES.values():
        out += _family(family)
    return "\n".join(out).rstrip() + "\n"


def fill(markdown: str) -> str:
    """``markdown`` with the placeholder replaced by :func:`statement` (if present)."""
    if PLACEHOLDER not in markdown:
        return markdown
    return markdown.replace(PLACEHOLDER, statement())
