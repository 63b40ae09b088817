"""The API reference (docs/reference/*.md) documents every public name exactly once.

A page documents an object with a mkdocstrings block, ``::: identifier`` followed by
indented options. A module block with a ``members:`` list documents those members too.
Identifiers are resolved the way mkdocstrings (griffe) reads them: the longest prefix that
is a module wins. Modules live in their layers (``ikmopt.analysis.simulate``), so a public
function such as ``ikmopt.simulate`` is never shadowed by a module of the same name.
"""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

import ikmopt

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference"

#: Modules whose ``__all__`` must be documented, name by name.
PUBLIC_MODULES = ("ikmopt", "ikmopt.analysis.baselines", "ikmopt.data.datasets", "ikmopt.report")


def resolve(identifier: str) -> Any:
    """The object of a ``:::`` identifier: the longest importable module, then attributes."""
    parts = identifier.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj: Any = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a module that exists but fails to import
                raise
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(f"no module in '{identifier}'")


def blocks(text: str) -> list[tuple[str, dict[str, Any]]]:
    """The ``::: identifier`` blocks of a page with their options."""
    found: list[tuple[str, dict[str, Any]]] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith(":::"):
            continue
        indented = []
        for following in lines[i + 1:]:
            if following.strip() and not following.startswith(" "):
                break
            indented.append(following)
        options = yaml.safe_load(textwrap.dedent("\n".join(indented))) or {}
        found.append((line[3:].strip(), options.get("options") or {}))
    return found


def reference_blocks() -> list[tuple[str, str, dict[str, Any]]]:
    """(page, identifier, options) of every block in the reference, in page order."""
    pages = sorted(REFERENCE.glob("*.md"))
    assert pages, f"no pages in {REFERENCE}"
    return [(page.name, identifier, options)
            for page in pages for identifier, options in blocks(page.read_text("utf-8"))]


def documented() -> list[tuple[str, str, Any]]:
    """(page, identifier, object) of every object the reference documents."""
    objects = []
    for page, identifier, options in reference_blocks():
        try:
            obj = resolve(identifier)
        except (ImportError, AttributeError):
            continue  # reported by test_every_block_imports
        objects.append((page, identifier, obj))
        members = options.get("members")
        if isinstance(obj, ModuleType) and isinstance(members, list):
            objects.extend((page, f"{identifier}.{m}", getattr(obj, m)) for m in members)
    return objects


def public_names() -> list[str]:
    return [f"{module}.{name}" for module in PUBLIC_MODULES
            for name in importlib.import_module(module).__all__]


@pytest.mark.parametrize(("page", "identifier"),
                         [(page, identifier) for page, identifier, _ in reference_blocks()])
def test_every_block_imports(page: str, identifier: str) -> None:
    resolve(identifier)


@pytest.fixture(scope="module")
def objects() -> list[tuple[str, str, Any]]:
    return documented()


@pytest.mark.parametrize("name", public_names())
def test_public_name_documented_once(name: str, objects: list[tuple[str, str, Any]]) -> None:
    module, _, attr = name.rpartition(".")
    obj = getattr(importlib.import_module(module), attr)
    where = [f"{page}: ::: {identifier}" for page, identifier, other in objects if other is obj]
    assert where, f"{name} is not documented in docs/reference/*.md"
    assert len(where) == 1, f"{name} is documented more than once: {where}"


def test_public_functions_are_not_shadowed_by_modules() -> None:
    # The modules live in their layers, so ``ikmopt.<name>`` is the function itself.
    for name, module in (("diagnose", "solving"), ("simulate", "analysis"),
                         ("sweep", "analysis"), ("solve", "solving.solvers")):
        assert resolve(f"ikmopt.{name}") is getattr(ikmopt, name)
        assert not isinstance(getattr(ikmopt, name), ModuleType)
        assert getattr(ikmopt, name).__module__.startswith(f"ikmopt.{module}")
