"""The versions of ikmopt: the package's and the methodology's.

Two numbers identify what produced a plan:

* :data:`__version__`, the **package version** (`Semantic Versioning <https://semver.org>`_,
  ``MAJOR.MINOR.PATCH``, the ``version`` of ``pyproject.toml``; ``0.0.0`` when running from a
  source tree that is not installed). Before 1.0 a minor release may change the API.
* :data:`METHODOLOGY_VERSION`, the **methodology version** (``YEAR.N``: the N-th methodology
  of that year). It changes whenever the same inputs can give different numbers by design: a
  change of formula, of a default, of the bundled data or of the random draws. It does not
  change for a new feature that leaves existing results as they were, a fix of the API, or
  documentation. ``CHANGELOG.md`` lists every methodology change under "Methodology changes".

Both appear in the metadata of saved scenario results (``meta.json``), in the HTML and Excel
reports, and in :func:`versions`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["METHODOLOGY_VERSION", "__version__", "versions"]

try:
    __version__ = version("ikmopt")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

#: The methodology version: ``2026.1`` was that of release 0.1.0; ``2026.2`` defines CVaR as
#: Rockafellar-Uryasev everywhere and draws the risk objectives' scenarios from the
#: simulation's random streams.
METHODOLOGY_VERSION = "2026.2"


def versions() -> dict[str, str]:
    """The package and methodology versions, for metadata.

    Examples
    --------
    >>> import ikmopt as ik
    >>> sorted(ik.versions())
    ['ikmopt', 'methodology']
    """
    return {"ikmopt": __version__, "methodology": METHODOLOGY_VERSION}
