"""MkDocs hook: build the Data page's tables from the package's own CSV files.

The Data page contains placeholders that this hook replaces on every build:

* ``<!-- sources-table -->``  -> ``datasets/indonesia_provinces/sources.csv`` (provenance of
  every column of the bundled dataset);
* ``<!-- programs-table -->`` -> ``datasets/indonesia_provinces/programs.csv`` (the program
  instruments and the assumptions behind the illustrative coefficients).

The CSV files are read from the source tree next to ``mkdocs.yml`` (``src/ikmopt/...``) and,
if that is missing, from the installed ``ikmopt.datasets`` package, so the documentation
cannot drift from the data that ships with the package. Cell text is written verbatim, with
``|`` escaped and line breaks turned into spaces.

It also keeps literal brackets in docstrings literal: Markdown reads ``program[, sector][,
year]`` as a reference link, and mkdocs-autorefs then looks for an object called ``", year"``.
An identifier that cannot be a Python name is prose, so the hook puts the brackets back.
References to anything that looks like a Python name are left alone, so a genuinely broken
cross-reference still fails the strict build.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from importlib import resources
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.ikmopt")

DATASET = "indonesia_provinces"

#: placeholder -> CSV file of the bundled dataset (every column is shown, in file order)
TABLES: dict[str, str] = {
    "<!-- sources-table -->": "sources.csv",
    "<!-- programs-table -->": "programs.csv",
}

#: The page that must contain every placeholder (a missing one is a build warning).
DATA_PAGE = "data.md"


def _read_csv_text(name: str, config_file: str | None) -> str:
    """Return the text of a bundled CSV file, preferring the source tree of this repo."""
    if config_file:
        path = Path(config_file).parent / "src" / "ikmopt" / "datasets" / DATASET / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return (resources.files("ikmopt.datasets") / DATASET / name).read_text(encoding="utf-8")


def _cell(text: str | None) -> str:
    """One markdown table cell: pipes escaped, no line breaks."""
    text = "" if text is None else str(text)
    text = " ".join(text.split())  # line breaks and runs of spaces -> one space
    return text.replace("|", "\\|")


def markdown_table(csv_text: str, columns: list[str] | None = None) -> str:
    """Render CSV text as a markdown table (header in code font, cells verbatim)."""
    reader = csv.DictReader(io.StringIO(csv_text))
    fields = list(reader.fieldnames or [])
    if columns is None:
        columns = fields
    missing = [c for c in columns if c not in fields]
    if missing:
        raise ValueError(f"CSV lacks column(s) {missing}; it has {fields}")
    lines = [
        "| " + " | ".join(f"`{_cell(c)}`" for c in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in reader:
        lines.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


_AUTOREF = re.compile(r"<autoref (?P<attrs>.*?)>(?P<title>.*?)</autoref>", flags=re.DOTALL)
_IDENTIFIER = re.compile(r'\bidentifier="(?P<id>[^"]*)"')
_PYTHON_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(\))?")


def _literal_brackets(match: re.Match[str]) -> str:
    found = _IDENTIFIER.search(match["attrs"])
    if found is None:
        return match[0]
    identifier = html.unescape(found["id"])
    if _PYTHON_NAME.fullmatch(identifier.strip()):
        return match[0]  # a real cross-reference: let autorefs resolve it (or warn)
    return f"[{match['title']}][{html.escape(identifier, quote=False)}]"


def on_page_content(html_text: str, page, config, files) -> str:  # noqa: ANN001 - mkdocs API
    """Turn bracketed prose that Markdown mistook for a reference link back into text."""
    return _AUTOREF.sub(_literal_brackets, html_text)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ANN001 - mkdocs API
    """Replace the table placeholders with tables built from the package data."""
    src = page.file.src_uri
    for placeholder, name in TABLES.items():
        if placeholder not in markdown:
            if src == DATA_PAGE:
                log.warning("%s: placeholder %s not found", src, placeholder)
            continue
        table = markdown_table(_read_csv_text(name, config.get("config_file_path")))
        markdown = markdown.replace(placeholder, table)
    return markdown
