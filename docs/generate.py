"""Regenerate the documentation's generated parts before ``mkdocs build``: one command.

Run from the repository root::

    python docs/generate.py

* the **tutorial pages** (Getting started, Efficiency versus equity, Rules of thumb, How
  robust is the plan?, Jobs and IKM units over the years) from the scripts in
  ``examples/tutorials/``, with their real printed output and figures
  (``docs/tutorials.py``);
* ``docs/assets/default-scenario.lp``: the linear program of the default scenario
  (``ikmopt solve``) as a readable CPLEX-LP file, linked from the methodology page so a
  reviewer can check every row against the equations;
* **MathJax**, copied into ``docs/javascripts/vendor/mathjax/`` from the npm registry's
  ``mathjax`` package (version :data:`MATHJAX`), so that the built site renders its
  formulas without a network. Without ``npm`` the site loads MathJax from a CDN instead
  (``docs/hooks.py`` picks whichever is there).

Every code block of the other pages is run (and its shown output checked) by
``docs/run_examples.py`` in the test suite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
ASSETS = DOCS / "assets"
#: MathJax release copied into the site
MATHJAX = "3.2.2"
VENDOR = DOCS / "javascripts" / "vendor" / "mathjax"


def model_file(path: Path) -> Path:
    """Write the default scenario's program to ``path``."""
    import ikmopt as ik

    result = ik.optimize(ik.datasets.load(), ik.default_policy())
    return result.write_lp(path)


def vendor_mathjax(target: Path = VENDOR, version: str = MATHJAX) -> bool:
    """Copy MathJax's ``es5`` build into ``target`` with ``npm pack``; False without npm.

    Only the combined ``tex-mml-chtml.js`` component and the folders it loads from (fonts,
    TeX extensions, menu, accessibility) are kept.
    """
    if (target / "tex-mml-chtml.js").is_file() and (target / "VERSION").is_file() and (
            target / "VERSION").read_text().strip() == version:
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([npm, "pack", f"mathjax@{version}", "--silent"], cwd=tmp,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"npm pack mathjax@{version} failed: {done.stderr.strip()[:300]}")
            return False
        with tarfile.open(Path(tmp) / done.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(tmp, filter="data")
        es5 = Path(tmp) / "package" / "es5"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copy2(es5 / "tex-mml-chtml.js", target)
        for folder in ("output", "input", "ui", "a11y", "adaptors", "sre"):
            shutil.copytree(es5 / folder, target / folder)
        shutil.copy2(Path(tmp) / "package" / "LICENSE", target)
        (target / "VERSION").write_text(version + "\n")
    return True


def main() -> None:
    sys.path.insert(0, str(DOCS))
    import tutorials

    ASSETS.mkdir(parents=True, exist_ok=True)
    for name in tutorials.PAGES:
        page = tutorials.generate(name)
        print(f"tutorial examples/tutorials/{name} -> {page.relative_to(ROOT)}")
    out = model_file(ASSETS / "default-scenario.lp")
    print(f"model of the default scenario -> {out.relative_to(ROOT)}")
    if vendor_mathjax():
        print(f"MathJax {MATHJAX} -> {VENDOR.relative_to(ROOT)}")
    else:
        print("npm not found: the site will load MathJax from a CDN")


if __name__ == "__main__":
    main()
