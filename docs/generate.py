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
  formulas without a network. The site loads MathJax only from this copy (``mkdocs.yml``
  names no CDN): without ``npm`` it shows raw TeX. The site tests (``tests/docs/test_site.py``)
  call :func:`vendor_mathjax` themselves, as the other steps' output is committed.

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


def _has_mathjax(target: Path, version: str) -> bool:
    version_file = target / "VERSION"
    return ((target / "tex-mml-chtml.js").is_file() and version_file.is_file()
            and version_file.read_text().strip() == version)


def vendor_mathjax(target: Path = VENDOR, version: str = MATHJAX) -> bool:
    """Copy MathJax's ``es5`` build into ``target`` with ``npm pack``; False without npm.

    Only the combined ``tex-mml-chtml.js`` component and the folders it loads from (fonts,
    TeX extensions, menu, accessibility) are kept. Nothing is done if ``target`` already
    holds this version. The copy is made beside ``target`` and renamed into place, so a
    build (or another copy) running at the same time never sees half a MathJax.
    """
    if _has_mathjax(target, version):
        return True
    npm = shutil.which("npm")
    if npm is None:
        print("npm not found: cannot copy MathJax")
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, \
            tempfile.TemporaryDirectory(prefix=".mathjax-", dir=target.parent) as staging:
        done = subprocess.run([npm, "pack", f"mathjax@{version}", "--loglevel=error"], cwd=tmp,
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"npm pack mathjax@{version} failed: {done.stderr.strip()[:300]}")
            return False
        with tarfile.open(Path(tmp) / done.stdout.strip().splitlines()[-1]) as tar:
            tar.extractall(tmp, filter="data")
        es5 = Path(tmp) / "package" / "es5"
        new = Path(staging) / "mathjax"
        new.mkdir()
        shutil.copy2(es5 / "tex-mml-chtml.js", new)
        for folder in ("output", "input", "ui", "a11y", "adaptors", "sre"):
            shutil.copytree(es5 / folder, new / folder)
        shutil.copy2(Path(tmp) / "package" / "LICENSE", new)
        (new / "VERSION").write_text(version + "\n")
        if _has_mathjax(target, version):  # another process copied it meanwhile
            return True
        if target.exists():  # another version
            shutil.rmtree(target)
        try:
            new.rename(target)
        except OSError:  # another process renamed its copy into place first
            if not _has_mathjax(target, version):
                raise
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
        print("MathJax not copied: the site's formulas will show as raw TeX "
              "(the site loads MathJax from this copy only)")


if __name__ == "__main__":
    main()
