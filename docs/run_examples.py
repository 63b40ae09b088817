"""Run the examples of the documentation pages and check the output they show.

Every ```` ```python ```` block of a page runs, in order, in one namespace per page, with a
fresh temporary folder as the working directory (files the examples write go there). A
Python block may be followed directly by an output block::

    ```text title="Output"
    ...
    ```

whose content must equal what the Python block printed (trailing spaces ignored).

```` ```console ```` blocks are checked as well, in the same working directory: every line
that starts with ``$ `` is a shell command (run with ``bash``, standard error merged into
standard output, this Python environment's ``bin`` folder first on ``PATH``) and the lines
up to the next command are its expected output. Console blocks without ``$ `` are skipped.

Usage, from the repository root::

    python docs/run_examples.py              # every page; exit 1 on an error or a mismatch
    python docs/run_examples.py data.md      # one page (path relative to docs/)
    python docs/run_examples.py --update     # rewrite the shown output with the actual one

This file is a maintenance tool, not part of the site (see ``exclude_docs`` in
``mkdocs.yml``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

DOCS = Path(__file__).resolve().parent

FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<lang>[A-Za-z0-9_+-]*)(?P<attrs>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=indent)```[ ]*$",
    flags=re.MULTILINE | re.DOTALL,
)
OUTPUT_ATTRS = 'title="Output"'


def _dedent(body: str, indent: str) -> str:
    return "".join(
        line[len(indent) :] if line.startswith(indent) else line
        for line in body.splitlines(keepends=True)
    )


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def _reindent(text: str, indent: str) -> str:
    return "".join(
        indent + line if line.strip() else line
        for line in (_normalize(text) + "\n").splitlines(keepends=True)
    )


def _run_console(body: str, env: dict[str, str]) -> str:
    """Run the ``$ `` commands of a console block; return the block as it should read."""
    out: list[str] = []
    for line in body.splitlines():
        if not line.startswith("$ "):
            continue
        done = subprocess.run(
            ["bash", "-c", line[2:]],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            check=False,
        )
        out.append(line)
        out.extend(done.stdout.rstrip("\n").splitlines())
    return "\n".join(out) + "\n"


def run_page(path: Path, update: bool = False) -> tuple[list[str], list[str]]:
    """Run one page. Return (errors, mismatches); rewrite mismatches if ``update``."""
    text = path.read_text(encoding="utf-8")
    blocks = list(FENCE.finditer(text))
    errors: list[str] = []
    mismatches: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    namespace: dict = {"__name__": "__main__"}
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            for i, block in enumerate(blocks):
                where = f"{path.name}:{text.count(chr(10), 0, block.start()) + 1}"
                body = _dedent(block["body"], block["indent"])
                if block["lang"] == "console" and "$ " in body:
                    actual = _run_console(body, env)
                    if _normalize(actual) != _normalize(body):
                        mismatches.append(f"{where}: console output differs")
                        replacements.append(
                            (
                                block.start("body"),
                                block.end("body"),
                                _reindent(actual, block["indent"]),
                            )
                        )
                    continue
                if block["lang"] != "python":
                    continue
                printed = io.StringIO()
                try:
                    with contextlib.redirect_stdout(printed):
                        exec(compile(body, where, "exec"), namespace)
                except Exception:
                    errors.append(f"{where}: the block raised\n{traceback.format_exc()}")
                    break
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                if (
                    nxt is None
                    or nxt["lang"] != "text"
                    or OUTPUT_ATTRS not in nxt["attrs"]
                    or text[block.end() : nxt.start()].strip()
                ):
                    continue
                shown = _dedent(nxt["body"], nxt["indent"])
                if _normalize(shown) != _normalize(printed.getvalue()):
                    mismatches.append(f"{where}: shown output differs from the printed output")
                    replacements.append(
                        (
                            nxt.start("body"),
                            nxt.end("body"),
                            _reindent(printed.getvalue(), nxt["indent"]),
                        )
                    )
        finally:
            os.chdir(cwd)
    if update and replacements:
        for start, end, new in sorted(replacements, reverse=True):
            text = text[:start] + new + text[end:]
        path.write_text(text, encoding="utf-8")
    return errors, mismatches


def main(argv: list[str] | None = None) -> int:
    """Run the pages named on the command line (default: every page)."""
    parser = argparse.ArgumentParser(description="Run the documentation's examples.")
    parser.add_argument("pages", nargs="*", help="pages relative to docs/ (default: all)")
    parser.add_argument("--update", action="store_true", help="rewrite the shown output")
    args = parser.parse_args(argv)
    pages = [DOCS / p for p in args.pages] or sorted(DOCS.rglob("*.md"))
    failed = False
    for page in pages:
        errors, mismatches = run_page(page, update=args.update)
        if errors:
            status = "ERROR"
        elif mismatches:
            status = "updated" if args.update else "MISMATCH"
        else:
            status = "ok"
        print(f"{page.relative_to(DOCS)}: {status}")
        for problem in [*errors, *mismatches]:
            print("  " + problem.replace("\n", "\n  "))
        failed = failed or bool(errors) or (bool(mismatches) and not args.update)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
