"""Regenerate the documentation's generated assets before ``mkdocs build``.

Run from the repository root::

    python docs/generate.py

* the figures drawn by the example scripts (``examples/efficiency_vs_equity.py`` and
  ``examples/robust_plan.py``, each with ``--figures docs/assets``), so the figures on the
  site are the scripts' real output;
* ``docs/assets/default-scenario.lp``: the linear program of the default scenario
  (``ikmopt solve``) as a readable CPLEX-LP file, linked from the methodology page so a
  reviewer can check every row against the equations.

Every code block of the pages themselves is run (and its shown output checked) by
``docs/run_examples.py`` in the test suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "docs" / "assets"
FIGURE_SCRIPTS = ("efficiency_vs_equity.py", "robust_plan.py")


def model_file(path: Path) -> Path:
    """Write the default scenario's program to ``path``."""
    import ikmopt as ik

    result = ik.optimize(ik.datasets.load(), ik.default_policy())
    return result.write_lp(path)


def main() -> None:
    ASSETS.mkdir(parents=True, exist_ok=True)
    for script in FIGURE_SCRIPTS:
        subprocess.run([sys.executable, str(ROOT / "examples" / script), "--figures",
                        str(ASSETS)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"figures of examples/{script} -> {ASSETS.relative_to(ROOT)}")
    out = model_file(ASSETS / "default-scenario.lp")
    print(f"model of the default scenario -> {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
