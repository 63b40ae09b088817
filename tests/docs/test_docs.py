"""Every code example in the documentation runs and prints what the page shows."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.rglob("*.md"))


def _runner():
    spec = importlib.util.spec_from_file_location("run_examples", DOCS / "run_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run_and_match(page: Path) -> None:
    errors, mismatches = _runner().run_page(page, update=False)
    assert not errors, "\n".join(errors)
    assert not mismatches, "\n".join(mismatches)


def test_pages_have_code() -> None:
    with_code = [p for p in PAGES if "```python" in p.read_text(encoding="utf-8")]
    assert len(with_code) >= 3


def test_the_linked_model_file_is_the_default_scenario(tmp_path) -> None:
    """docs/assets/default-scenario.lp is what docs/generate.py writes today (no drift)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate", DOCS / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    fresh = generate.model_file(tmp_path / "default.lp").read_text()
    committed = (DOCS / "assets" / "default-scenario.lp").read_text()

    def rounded(text: str) -> str:  # normalized objective weights come from solves
        return re.sub(r"\d+\.\d+(e-?\d+)?", lambda m: f"{float(m.group(0)):.9g}", text)

    assert rounded(committed) == rounded(fresh)
    assert "region_bounds(Aceh)" in fresh and "pot(DAK_fisik)" in fresh  # pots cover the total
