"""Bundled datasets: ``ik.datasets.load(name)`` and ``ik.datasets.list()``."""

from __future__ import annotations

import builtins
from importlib import resources

import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.data.datasets.derive import (
    default_curves,
    derive_impacts,
    example_projects,
    example_uncertainty,
)
from ikmopt.data.datasets.synthetic import synthetic

__all__ = ["list", "load", "synthetic"]

_DESCRIPTIONS = {
    "indonesia-provinces": (
        "All 38 provinces of Indonesia (BPS codes, island groups, KTI flag, Dukcapil "
        "population Dec 2024, March 2024 poverty rate, BPS micro and small manufacturing "
        "(IMK) establishments, workers and value added) x 6 IKM program instruments. Impact "
        "coefficients, capacities and diminishing-returns curves are ILLUSTRATIVE defaults "
        "derived by a documented rule."
    ),
}


def list() -> pd.DataFrame:
    """Return the bundled datasets with a description each."""
    return pd.DataFrame(
        {"name": builtins.list(_DESCRIPTIONS), "description": builtins.list(_DESCRIPTIONS.values())}
    ).set_index("name")


def load(name: str = "indonesia-provinces", *, projects: bool = False,
         uncertainty: bool = False) -> Dataset:
    """Load a bundled dataset by name.

    Parameters
    ----------
    name : str, default "indonesia-provinces"
        See :func:`list`.
    projects : bool, default False
        Add the ILLUSTRATIVE candidate projects (one new sentra IKM per province, see
        :func:`ikmopt.data.datasets.derive.example_projects`), which makes every plan a MIP.
    uncertainty : bool, default False
        Add the ILLUSTRATIVE uncertainty table (see
        :func:`ikmopt.data.datasets.derive.example_uncertainty`) used by :func:`ikmopt.simulate`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        If no dataset has that name.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> data.regions.shape[0], data.programs.shape[0]
    (38, 6)
    """
    if name not in _DESCRIPTIONS:
        raise DataError(
            f"no bundled dataset '{name}'{suggest(name, _DESCRIPTIONS)}; "
            f"available: {builtins.list(_DESCRIPTIONS)}"
        )
    folder = resources.files(__package__) / name.replace("-", "_")
    regions = pd.read_csv(
        folder / "regions.csv", dtype={"region": str, "bps_code": str, "kemendagri_code": str}
    ).set_index("region")
    programs = pd.read_csv(folder / "programs.csv").set_index("program")
    sources = pd.read_csv(folder / "sources.csv")
    impacts = derive_impacts(regions, programs)
    return Dataset(
        regions,
        programs,
        impacts,
        curves=default_curves(impacts),
        projects=example_projects(regions) if projects else None,
        uncertainty=example_uncertainty(programs) if uncertainty else None,
        money_unit="Rp bn",
        metric_units={"jobs": "jobs", "value_added": "Rp bn per year"},
        name=name,
        sources=sources,
        description=_DESCRIPTIONS[name],
    )
