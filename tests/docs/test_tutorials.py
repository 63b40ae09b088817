"""The tutorial pages are generated from the scripts in examples/tutorials/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs"))

import tutorials  # noqa: E402

SCRIPTS = sorted(p.name for p in (ROOT / "examples" / "tutorials").glob("*.py"))


def test_every_script_has_a_page_in_the_site():
    assert sorted(tutorials.PAGES) == SCRIPTS
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for page in tutorials.PAGES.values():
        assert page in nav


@pytest.mark.parametrize("name", SCRIPTS)
def test_committed_page_is_the_rendering_of_its_script(name):
    # the page's outputs are checked against a real run by test_docs (every page's blocks
    # run); here, its text must be exactly the script's cells around those outputs
    page = (ROOT / "docs" / tutorials.PAGES[name]).read_text(encoding="utf-8")
    assert tutorials.shown(name) == page, (
        f"docs/{tutorials.PAGES[name]} is out of step with examples/tutorials/{name}: run "
        f"python docs/tutorials.py {name}")
    for figure in [c.figure for c in tutorials.parse((ROOT / "examples" / "tutorials" / name)
                                                     .read_text(encoding="utf-8")) if c.figure]:
        assert (ROOT / "docs" / "assets" / f"{figure}.png").stat().st_size > 5000


def test_generator_runs_cells_and_saves_figures(tmp_path, monkeypatch):
    scripts, docs = tmp_path / "scripts", tmp_path / "docs"
    scripts.mkdir()
    docs.mkdir()
    (scripts / "tiny.py").write_text(
        '"""Docstring, not on the page."""\n\n'
        "# %% [markdown]\n# # Tiny\n#\n# Some *prose*.\n#\n# ```console\n# $ echo first\n"
        "# ```\n\n"
        "# %%\nx = 6 * 7\nprint(x)\n\n"
        "# %% [figure: tiny-line | A line]\nimport matplotlib.pyplot as plt\n"
        "plt.plot([0, 1], [0, x])\n\n"
        "# %% [markdown]\n# ```console\n# $ echo hello\n# ```\n", encoding="utf-8")
    monkeypatch.setattr(tutorials, "SCRIPTS", scripts)
    monkeypatch.setattr(tutorials, "DOCS", docs)
    monkeypatch.setattr(tutorials, "ASSETS", docs / "assets")
    monkeypatch.setitem(tutorials.PAGES, "tiny.py", "tiny.md")
    page = tutorials.generate("tiny.py").read_text(encoding="utf-8")
    assert "Docstring" not in page
    assert page.index("# Tiny") < page.index("This page is a script") < page.index("*prose*")
    assert '```python\nx = 6 * 7\nprint(x)\n```\n\n```text title="Output"\n42\n```' in page
    assert "![A line](assets/tiny-line.png)" in page
    assert (docs / "assets" / "tiny-line.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "$ echo hello\nhello\n```" in page
    assert "$ echo first\nfirst\n```" in page  # a console block under the title, too
    assert tutorials.shown("tiny.py") == page
    # an edited script makes the page stale
    (scripts / "tiny.py").write_text((scripts / "tiny.py").read_text().replace("6 * 7", "7 * 6"))
    assert tutorials.shown("tiny.py") != page
    assert tutorials.main(["--check", "tiny.py"]) == 1


@pytest.mark.parametrize(("script", "message"), [
    ("# %% [figure]\nx = 1\n", "needs a name"),
    ("# %% [markdown]\nnot a comment\n", "must start with '#'"),
])
def test_bad_cells_are_refused(script, message):
    with pytest.raises(ValueError, match=message):
        tutorials.parse(script)


def test_a_figure_cell_must_draw():
    cells = tutorials.parse("# %% [figure: nothing]\nx = 1\n")
    with pytest.raises(ValueError, match="drew no figure"):
        tutorials.run(cells)
