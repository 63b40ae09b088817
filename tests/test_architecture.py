"""The package's structure: what importing it loads, and how its modules import each other.

The layers themselves (imports point down only) are checked by import-linter
(``lint-imports``, contract in ``pyproject.toml``), which CI runs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ikmopt"
MODULES = sorted(SRC.rglob("*.py"))
#: What may be imported inside a function: the faces (from their hooks), the PuLP path and
#: optional or heavy packages.
LATE = ("ikmopt.plot", "ikmopt.report", "ikmopt.solving.solvers.pulp", "matplotlib",
        "openpyxl", "pandera", "cbcbox", "jinja2", "babel", "dask",
        "scipy.special")  # 50 ms of import time, needed only to draw uncertainty


def test_importing_ikmopt_loads_no_heavy_or_optional_package():
    code = ("import sys, ikmopt; print(','.join(m for m in ('matplotlib', 'openpyxl', 'dask', "
            "'pulp', 'pandera') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"import ikmopt loaded {out.stdout.strip()}"


def _imports(path: Path) -> list[tuple[ast.AST, bool]]:
    """Every import of a module, and whether it sits inside a function."""
    found: list[tuple[ast.AST, bool]] = []

    def walk(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                found.append((child, inside))
            walk(child, inside or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef))

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_no_private_name_crosses_a_module(path):
    private = [f"{node.module}.{alias.name}" for node, _ in _imports(path)
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ikmopt")
               for alias in node.names if alias.name.startswith("_")
               and alias.name != "__version__"]
    assert not private, f"{path.name} imports private names {private}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(SRC)) for p in MODULES])
def test_imports_inside_functions_are_only_the_late_ones(path):
    late = []
    for node, inside in _imports(path):
        if not inside:
            continue
        names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                 else [alias.name for alias in node.names])
        late += [n for n in names if not any(n == m or n.startswith(m + ".") for m in LATE)]
    assert not late, f"{path.name} imports {late} inside a function; import at module level"
