"""MkDocs hooks for the ikmopt site (registered under ``hooks:`` in ``mkdocs.yml``).

Tables from the package data
    The Data page contains placeholders that are replaced on every build:

    * ``<!-- sources-table -->`` by ``datasets/indonesia_provinces/sources.csv`` (the
      provenance of every column of the bundled dataset);
    * ``<!-- programs-table -->`` by ``programs.csv`` (the program instruments, their
      funding channel and output indicator);
    * ``<!-- indicators-table -->``, ``<!-- unit-costs-table -->``,
      ``<!-- conversions-table -->``, ``<!-- capacities-table -->`` and
      ``<!-- targets-table -->`` by the program tables the coefficients are derived from and
      the ministry's targets, each row with its source and year.

    The CSV files are read from the source tree next to ``mkdocs.yml``
    (``src/ikmopt/data/datasets/...``) or, if that is missing, from the installed
    ``ikmopt.data.datasets`` package, so the documentation cannot drift from the data that ships
    with the package. Every column is shown, in file order; cell text is written verbatim,
    with ``|`` and ``<`` escaped and line breaks turned into spaces.

The scenario file reference
    The What-if scenarios page contains ``<!-- scenario-reference -->``, replaced by tables
    built from :mod:`ikmopt.scenarios.registry` (``TOP_KEYS``, ``SOLVER_KEYS``, ``REGISTRY`` and
    ``DATA_OPS``): for every constraint, objective and data override its scenario key, the
    Python class or method, its arguments with their defaults (``inspect.signature``) and
    the first line of its docstring. A key added to the registry appears without editing
    the page.

Two fixes to the API reference rendered from the docstrings
    * Sphinx-style roles such as ``:class:`~ikmopt.model.lp.LinearProgram``` (which Markdown shows
      as ``:class:LinearProgram``) become optional cross-references: a link where the target
      is documented on the site, plain code otherwise. A leading ``~`` keeps only the last
      part of the name, as in Sphinx.
    * Brackets in prose stay literal. Markdown reads ``program[, sector][, year]`` as a
      reference link, and mkdocs-autorefs then looks for an object named ``", year"``. An
      identifier that cannot be a Python name is prose, so the brackets are put back.
      References to anything that looks like a Python name are left to autorefs, so a
      genuinely broken cross-reference still fails the strict build.
"""

from __future__ import annotations

import csv
import html
import inspect
import io
import logging
import re
from importlib import resources
from pathlib import Path

import model_page  # docs/model_page.py: the Model page's statement, from the registry

log = logging.getLogger("mkdocs.hooks.ikmopt")

DATASET = "indonesia_provinces"

#: placeholder -> CSV file of the bundled dataset
TABLES: dict[str, str] = {
    "<!-- sources-table -->": "sources.csv",
    "<!-- programs-table -->": "programs.csv",
    "<!-- indicators-table -->": "indicators.csv",
    "<!-- unit-costs-table -->": "unit_costs.csv",
    "<!-- conversions-table -->": "conversions.csv",
    "<!-- capacities-table -->": "capacities.csv",
    "<!-- targets-table -->": "targets.csv",
}

#: The page that must contain every placeholder (a missing one is a build warning).
DATA_PAGE = "data.md"

#: Placeholder of the scenario file reference, and the page that must contain it.
SCENARIO_REFERENCE = "<!-- scenario-reference -->"
SCENARIO_PAGE = "scenarios.md"


# ------------------------------------------------------------------ tables from package data
def _read_csv_text(name: str, config_file: str | None) -> str:
    """Return the text of a bundled CSV file, preferring the source tree of this repo."""
    if config_file:
        path = Path(config_file).parent / "src" / "ikmopt" / "data" / "datasets" / DATASET / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return (resources.files("ikmopt.data.datasets") / DATASET / name).read_text(encoding="utf-8")


def _cell(text: str | None) -> str:
    """One markdown table cell: ``|`` and ``<`` escaped, no line breaks."""
    text = "" if text is None else str(text)
    text = " ".join(text.split())  # line breaks and runs of spaces -> one space
    return text.replace("|", "\\|").replace("<", "&lt;")


def markdown_table(csv_text: str) -> str:
    """Render CSV text as a markdown table: header in code font, cells verbatim."""
    reader = csv.DictReader(io.StringIO(csv_text))
    columns = list(reader.fieldnames or [])
    lines = [
        "| " + " | ".join(f"`{_cell(c)}`" for c in columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in reader:
        lines.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------ scenario file reference
def _first_line(obj) -> str:
    """First line of a docstring as a table cell; reST ````code```` becomes ```code```."""
    doc = (inspect.getdoc(obj) or "").strip()
    line = doc.splitlines()[0] if doc else ""
    parts = line.replace("``", "`").split("`")
    # even parts are prose (escaped), odd parts are code spans (kept verbatim)
    return "`".join(part.replace("|", "\\|").replace("<", "&lt;") if i % 2 == 0 else part
                    for i, part in enumerate(parts))


def _arguments(func, skip: int = 0) -> str:
    """``name`` or ``name=default`` for each keyword argument, in code font."""
    params = list(inspect.signature(func).parameters.values())[skip:]
    shown = []
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        text = p.name if p.default is p.empty else f"{p.name}={p.default!r}"
        shown.append(f"`{_cell(text)}`")
    return ", ".join(shown) or "(none)"


def scenario_reference() -> str:
    """Markdown tables of every key a scenario file accepts, from ``ikmopt.scenarios.registry``."""
    from ikmopt.scenarios import registry as scenarios

    out = [
        "Top-level keys: " + ", ".join(f"`{k}`" for k in scenarios.TOP_KEYS) + ".",
        "",
        "Keys of `solver:` (keyword arguments of `ikmopt.optimize`): "
        + ", ".join(f"`{k}`" for k in scenarios.SOLVER_KEYS) + ".",
    ]
    titles = {"constraints": "Constraints (`constraints:` list)",
              "objective": "Objectives (`objective:`)"}
    for section, classes in scenarios.REGISTRY.items():
        out += ["", f"### {titles.get(section, section)}", "",
                "| key | class | arguments | what it does |", "|---|---|---|---|"]
        for key, cls in classes.items():
            out.append(f"| `{key}` | `{cls.__name__}` | {_arguments(cls)} "
                       f"| {_first_line(cls)} |")
    out += ["", "### Data overrides (`data:` list)", "",
            "| key | method | arguments | what it does |", "|---|---|---|---|"]
    for key, method in scenarios.DATA_OPS.items():
        out.append(f"| `{key}` | `Dataset.{method.__name__}` | {_arguments(method, skip=1)} "
                   f"| {_first_line(method)} |")
    return "\n".join(out)


MATHJAX_LOCAL = "javascripts/vendor/mathjax/tex-mml-chtml.js"


def on_config(config):
    """Say when the site's own MathJax (copied by ``docs/generate.py``) is missing.

    The site loads nothing from the network, so without the copy its formulas stay as TeX
    source. Info, not a warning: ``--strict`` must still build offline.
    """
    if not (Path(config["docs_dir"]) / MATHJAX_LOCAL).is_file():
        log.info("MathJax not copied (run docs/generate.py): formulas will not render")
    return config


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Replace the table placeholders with tables built from the package data."""
    src = page.file.src_uri
    markdown = model_page.fill(markdown)
    if SCENARIO_REFERENCE in markdown:
        markdown = markdown.replace(SCENARIO_REFERENCE, scenario_reference())
    elif src == SCENARIO_PAGE:
        log.warning("%s: placeholder %s not found", src, SCENARIO_REFERENCE)
    for placeholder, name in TABLES.items():
        if placeholder not in markdown:
            if src == DATA_PAGE:
                log.warning("%s: placeholder %s not found", src, placeholder)
            continue
        table = markdown_table(_read_csv_text(name, config.get("config_file_path")))
        markdown = markdown.replace(placeholder, table)
    return markdown


# ------------------------------------------------------------------ API reference fixes
_ROLE = re.compile(
    r":(?:py:)?(?:func|meth|class|attr|mod|obj|data|exc|const|property)"
    r":<code>(?P<target>[^<]+)</code>"
)
_AUTOREF = re.compile(r"<autoref (?P<attrs>.*?)>(?P<title>.*?)</autoref>", flags=re.DOTALL)
_IDENTIFIER = re.compile(r'\bidentifier="(?P<id>[^"]*)"')
_PYTHON_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\(\))?")


def _role_reference(match: re.Match[str]) -> str:
    """``:class:<code>~a.b.C</code>`` -> an optional autorefs link showing ``C``."""
    target = html.unescape(match["target"]).strip()
    identifier = target.lstrip("~").removesuffix("()")
    shown = identifier.rsplit(".", 1)[-1] if target.startswith("~") else identifier
    return (
        f'<autoref optional identifier="{html.escape(identifier)}">'
        f"<code>{html.escape(shown, quote=False)}</code></autoref>"
    )


def _literal_brackets(match: re.Match[str]) -> str:
    """Put back ``[title][id]`` where ``id`` cannot be a Python name."""
    found = _IDENTIFIER.search(match["attrs"])
    if found is None:
        return match[0]
    identifier = html.unescape(found["id"])
    if _PYTHON_NAME.fullmatch(identifier.strip()):
        return match[0]  # a real cross-reference: let autorefs resolve it (or warn)
    return f"[{match['title']}][{html.escape(identifier, quote=False)}]"


def on_page_content(html_text: str, page, config, files) -> str:
    """Fix Sphinx roles and bracketed prose in the HTML rendered from docstrings."""
    html_text = _ROLE.sub(_role_reference, html_text)
    return _AUTOREF.sub(_literal_brackets, html_text)
