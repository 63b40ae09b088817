"""Run the Python examples of the documentation pages and check their shown output.

Every ```` ```python ```` block of a page runs, in order, in one namespace per page, with a
fresh temporary folder as the working directory (so files the examples write go there). A
block may be followed directly by an output block, written as

    ```text title="Output"
    ...
    ```

whose content must equal what the Python block printed (trailing spaces ignored).

Usage (from the repository root)::

    python docs/run_examples.py              # run every page, report mismatches (exit 1)
    python docs/run_examples.py data.md      # one page
    python docs/run_examples.py --update     # rewrite the output blocks with what was printed

This file is a maintenance tool; it is not part of the site (see ``exclude_docs`` in
``mkdocs.yml``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import tempfile
import traceback
from pathlib import Path

DOCS = Path(__file__).resolve().parent

FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<lang>[A-Za-z0-9_+-]*)(?P<attrs>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ ]*$",
    flags=re.MULTILINE | re.DOTALL,
)
OUTPUT_ATTRS = 'title="Output"'


def _dedent(body: str, indent: str) -> str:
    return "".join(
        line[len(indent):] if line.startswith(indent) else line
        for line in body.splitlines(keepends=True)
    )


def _normalize(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run_page(path: Path, update: bool = False) -> list[str]:
    """Run the page's Python blocks; return problems (and rewrite outputs if ``update``)."""
    text = path.read_text(encoding="utf-8")
    blocks = list(FENCE.finditer(text))
    problems: list[str] = []
    replacements: list[tuple[int, int, str]] = []
    namespace: dict = {"__name__": "__main__"}
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        try:
            for i, block in enumerate(blocks):
                if block["lang"] != "python":
                    continue
                line = text.count("\n", 0, block.start()) + 1
                code = _dedent(block["body"], block["indent"])
                out = io.StringIO()
                try:
                    with contextlib.redirect_stdout(out):
                        exec(compile(code, f"{path.name}:{line}", "exec"), namespace)
                except Exception:
                    problems.append(f"{path.name}:{line}: block raised\n{traceback.format_exc()}")
                    break
                printed = out.getvalue()
                nxt = blocks[i + 1] if i + 1 < len(blocks) else None
                follows = (
                    nxt is not None
                    and nxt["lang"] == "text"
                    and OUTPUT_ATTRS in nxt["attrs"]
                    and text[block.end():nxt.start()].strip() == ""
                )
                if not follows:
                    continue
                shown = _dedent(nxt["body"], nxt["indent"])
                if _normalize(shown) != _normalize(printed):
                    problems.append(f"{path.name}:{line}: shown output differs from the printed one")
                    indent = nxt["indent"]
                    body = "".join(
                        indent + ln if ln.strip() else ln
                        for ln in (_normalize(printed) + "\n").splitlines(keepends=True)
                    )
                    replacements.append((nxt.start("body"), nxt.end("body"), body))
        finally:
            os.chdir(cwd)
    if update and replacements:
        for start, end, body in sorted(replacements, reverse=True):
            text = text[:start] + body + text[end:]
        path.write_text(text, encoding="utf-8")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Run the pages named on the command line (default: every page)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="pages relative to docs/ (default: all)")
    parser.add_argument("--update", action="store_true", help="rewrite the output blocks")
    args = parser.parse_args(argv)
    pages = [DOCS / p for p in args.pages] or sorted(DOCS.rglob("*.md"))
    failed = False
    for page in pages:
        problems = run_page(page, update=args.update)
        status = "ok" if not problems else ("updated" if args.update else "FAILED")
        print(f"{page.relative_to(DOCS)}: {status}")
        for problem in problems:
            print("  " + problem.replace("\n", "\n  "))
            failed = failed or "raised" in problem or not args.update
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
