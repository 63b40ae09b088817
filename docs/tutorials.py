"""Generate the tutorial pages from the scripts in ``examples/tutorials/``.

Each tutorial is a plain Python script in the "percent" cell format (as read by Jupytext,
VS Code and Spyder)::

    # %% [markdown]
    # # Page title
    #
    # Prose in Markdown, each line commented.

    # %%
    import ikmopt as ik
    print(ik.optimize(ik.datasets.load(), ik.default_policy()).outcomes)

    # %% [figure: simulate-jobs | Jobs of the default plan]
    sim.plot("jobs")

    # %% [markdown]
    # ```console
    # $ ikmopt solve --top 3
    # ```

The generator runs the code cells in order, in one namespace, in a fresh temporary folder,
and writes the page: every Markdown cell as it is, every code cell as a ``python`` block
followed by what it printed (an ``Output`` block) and, for a ``figure`` cell, the figures
it drew, saved as ``docs/assets/NAME.png`` (``NAME-2.png``, ... for more than one). The
``console`` blocks of Markdown cells are run too (``$ `` lines, as in
``docs/run_examples.py``) and show their real output: write only the commands in the
script. So the page shows exactly what the script does on the bundled data today.

Usage, from the repository root::

    python docs/tutorials.py                   # every tutorial
    python docs/tutorials.py robust.py         # one (a name in examples/tutorials/)
    python docs/tutorials.py --check           # exit 1 if a page is out of step

``docs/generate.py`` runs it before ``mkdocs build``. The test suite checks that each
committed page is the rendering of its script (``render`` with the shown outputs) and runs
the page's blocks like every other page.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
SCRIPTS = ROOT / "examples" / "tutorials"
ASSETS = DOCS / "assets"

#: script name -> page (relative to docs/); the pages keep the addresses other pages link to
PAGES = {
    "getting_started.py": "getting-started.md",
    "efficiency_vs_equity.py": "efficiency-vs-equity.md",
    "rules.py": "rules.md",
    "robust.py": "robust.md",
    "projection.py": "projection.md",
}

MARKER = re.compile(r"^# %%(?:[ ]*\[(?P<kind>markdown|figure)(?::(?P<spec>[^\]]*))?\])?[ ]*$")
CONSOLE = re.compile(r"^```console\n(?P<body>.*?)^```[ ]*$", flags=re.MULTILINE | re.DOTALL)
DPI = 110


@dataclass
class Cell:
    """One cell of a script: ``markdown``, ``code`` or ``figure`` (code that draws)."""

    kind: str
    text: str
    figure: str = ""
    alt: str = ""


def parse(script: str) -> list[Cell]:
    """Split a percent-format script into cells (text before the first marker is dropped:
    the module docstring and the cell-format note)."""
    cells: list[Cell] = []
    current: Cell | None = None
    lines: list[str] = []

    def close() -> None:
        if current is not None:
            current.text = _strip(current.kind, lines)
            cells.append(current)

    for line in script.splitlines():
        match = MARKER.match(line)
        if match:
            close()
            kind, spec = match["kind"] or "code", (match["spec"] or "").strip()
            name, _, alt = (part.strip() for part in spec.partition("|"))
            if kind == "figure" and not name:
                raise ValueError(f"a figure cell needs a name: {line!r}")
            current, lines = Cell(kind, "", name, alt or name), []
        elif current is not None:
            lines.append(line)
    close()
    return [c for c in cells if c.text.strip()]


def _strip(kind: str, lines: list[str]) -> str:
    if kind != "markdown":
        return "\n".join(lines).strip("\n")
    out = []
    for line in lines:
        if line.strip() and not line.startswith("#"):
            raise ValueError(f"a Markdown cell line must start with '#': {line!r}")
        out.append(line[2:] if line.startswith("# ") else line[1:])
    return "\n".join(out).strip("\n")


def header(name: str) -> str:
    return (f"<!-- Generated from examples/tutorials/{name} by docs/tutorials.py: edit the "
            "script, not this page. -->")


def render(name: str, cells: list[Cell], outputs: list[str], figures: list[list[str]]) -> str:
    """The page of script ``name``: cells with their outputs and figure files."""
    note = _note(name)
    parts = [header(name)]
    for cell, output, files in zip(cells, outputs, figures, strict=True):
        if cell.kind == "markdown":
            text = output or cell.text
            if note and text.startswith("# "):  # under the page title
                title, _, rest = text.partition("\n")
                text = f"{title}\n\n{note}\n{rest}"
                note = ""
            parts.append(text)
        else:
            block = f"```python\n{cell.text}\n```"
            if output.strip():
                block += f'\n\n```text title="Output"\n{_normalize(output)}\n```'
            for i, file in enumerate(files):
                alt = cell.alt if len(files) == 1 else f"{cell.alt} ({i + 1})"
                block += f"\n\n![{alt}](assets/{file})"
            parts.append(block)
    if note:
        parts.append(note)
    return "\n\n".join(parts).rstrip("\n") + "\n"


def _note(name: str) -> str:
    """The box under the page title that says where the page comes from."""
    return (f'!!! info "This page is a script"\n    It is generated from '
            f"`examples/tutorials/{name}` in the repository, with the output and figures "
            f"of a real run.\n    Run it with `python examples/tutorials/{name}`, or open "
            "it as a notebook with Jupytext.")


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run(cells: list[Cell]) -> tuple[list[str], list[list]]:
    """Run the cells; return each cell's output (Markdown: with its console blocks run)
    and the figures each drew (matplotlib figures, still open)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sys.path.insert(0, str(DOCS))
    from run_examples import _run_console

    namespace: dict = {"__name__": "__main__"}
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    outputs: list[str] = []
    figures: list[list] = []
    cwd = os.getcwd()
    plt.close("all")
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            for i, cell in enumerate(cells):
                if cell.kind == "markdown":
                    outputs.append(CONSOLE.sub(
                        lambda m: f"```console\n{_normalize(_run_console(m['body'], env))}\n```",
                        cell.text))
                    figures.append([])
                    continue
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    exec(compile(cell.text, f"cell {i + 1}", "exec"), namespace)
                outputs.append(printed.getvalue())
                drawn = [plt.figure(n) for n in plt.get_fignums()]
                plt.close("all")  # closed figures can still be saved; the next cell starts clean
                if cell.kind != "figure":
                    drawn = []
                elif not drawn:
                    raise ValueError(f"figure cell '{cell.figure}' drew no figure")
                figures.append(drawn)
        finally:
            os.chdir(cwd)
    return outputs, figures


def generate(name: str) -> Path:
    """Run ``examples/tutorials/NAME`` and write its page and figures."""
    cells = parse((SCRIPTS / name).read_text(encoding="utf-8"))
    outputs, drawn = run(cells)
    files: list[list[str]] = []
    ASSETS.mkdir(parents=True, exist_ok=True)
    for cell, figs in zip(cells, drawn, strict=True):
        names = [f"{cell.figure}{'' if i == 0 else f'-{i + 1}'}.png" for i in range(len(figs))]
        for fig, file in zip(figs, names, strict=True):
            fig.savefig(ASSETS / file, dpi=DPI, bbox_inches="tight")
        files.append(names)
    page = DOCS / PAGES[name]
    page.write_text(render(name, cells, outputs, files), encoding="utf-8")
    return page


def shown(name: str) -> str:
    """The page ``name`` would have with the outputs its committed page shows (no run)."""
    cells = parse((SCRIPTS / name).read_text(encoding="utf-8"))
    page = (DOCS / PAGES[name]).read_text(encoding="utf-8")
    page = page.replace(f"\n\n{_note(name)}\n", "\n", 1)  # the cells as written
    outputs, files = [], []
    for cell in cells:
        if cell.kind == "markdown":
            outputs.append(_shown_markdown(cell.text, page))
            files.append([])
            continue
        block = f"```python\n{cell.text}\n```"
        at = page.find(block)
        rest = page[at + len(block):] if at >= 0 else ""
        output = re.match(r'\n\n```text title="Output"\n(.*?)\n```', rest, flags=re.DOTALL)
        outputs.append(output[1] if at >= 0 and output else "")
        count = len(re.findall(rf"assets/{re.escape(cell.figure)}(?:-\d+)?\.png",
                               page)) if cell.figure else 0
        files.append([f"{cell.figure}{'' if i == 0 else f'-{i + 1}'}.png"
                      for i in range(count)])
    return render(name, cells, outputs, files)


def _shown_markdown(text: str, page: str) -> str:
    """A Markdown cell with the console outputs the page shows for it."""
    if not CONSOLE.search(text):
        return text
    found = re.search(_console_pattern(text), page)
    return found[0] if found else text


def _console_pattern(text: str) -> str:
    """A pattern for ``text`` with any output after each console command."""
    pieces, last = [], 0
    for match in CONSOLE.finditer(text):
        pieces.append(re.escape(text[last:match.start()]))
        commands = [line for line in match["body"].splitlines() if line.startswith("$ ")]
        pieces.append(r"```console\n" + r"".join(
            re.escape(c) + r"\n(?:(?!\$ |```).*\n)*" for c in commands) + r"```")
        last = match.end()
    pieces.append(re.escape(text[last:]))
    return "".join(pieces)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scripts", nargs="*", help="names in examples/tutorials/ (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="only check that each page is the rendering of its script")
    args = parser.parse_args(argv)
    names = args.scripts or list(PAGES)
    stale = []
    for name in names:
        if args.check:
            page = (DOCS / PAGES[name]).read_text(encoding="utf-8")
            if shown(name) != page:
                stale.append(name)
            continue
        page = generate(name)
        print(f"examples/tutorials/{name} -> {page.relative_to(ROOT)}")
    for name in stale:
        print(f"{PAGES[name]} is out of step with examples/tutorials/{name}: run "
              f"python docs/tutorials.py {name}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
