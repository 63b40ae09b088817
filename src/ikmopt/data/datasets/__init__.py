"""Bundled datasets: ``ik.datasets.load(name)`` and ``ik.datasets.list()``.

Also the program tables a dataset is derived from (``ik.datasets.facts()``) and the
ministry's indicator targets (``ik.datasets.targets()``).
"""

from __future__ import annotations

import builtins
from importlib import resources

import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.core.validation import suggest
from ikmopt.data.dataset import Dataset
from ikmopt.data.datasets.derive import (
    ProgrammeFacts,
    default_curves,
    derive_impacts,
    example_projects,
    example_uncertainty,
    indicator_units,
)
from ikmopt.data.datasets.planning import example_last_year, example_proposals, read_pots
from ikmopt.data.datasets.regencies import disaggregate, read_regions
from ikmopt.data.datasets.synthetic import synthetic

__all__ = ["facts", "list", "load", "pots", "synthetic", "targets"]

_DESCRIPTIONS = {
    "indonesia-provinces": (
        "All 38 provinces of Indonesia (BPS codes, island groups, KTI flag, Dukcapil "
        "population Dec 2024, March 2024 poverty rate, BPS micro and small manufacturing "
        "(IMK) establishments, workers and value added, kabupaten/kota) x 6 IKM program "
        "instruments, each with the ministry's output indicator. Unit costs, conversions to "
        "jobs and value added, and capacities come from sourced programme facts where found "
        "and stated assumptions elsewhere; the impact coefficients, capacities and "
        "diminishing-returns curves derived from them are ILLUSTRATIVE defaults."
    ),
    "indonesia-regencies": (
        "All 514 kabupaten/kota of Indonesia (Kemendagri 2025 and 2022 codes, BPS codes, kind, "
        "province with its island group and KTI flags, Dukcapil population Dec 2024, BIG area "
        "Dec 2024, and a BPS poverty rate whose year the source does not state) x the 6 IKM "
        "programs of indonesia-provinces. The impact coefficients are the province's, the "
        "capacities the province's split over its regencies (equally for sentra and "
        "downstream, by population for the others) and the curves the province's shares: "
        "ILLUSTRATIVE, disaggregated from indonesia-provinces."
    ),
}

#: The folder whose program tables (facts, pots, targets) a dataset is derived from.
_FACTS_OF = {"indonesia-regencies": "indonesia_provinces"}


def list() -> pd.DataFrame:
    """Return the bundled datasets with a description each."""
    return pd.DataFrame(
        {"name": builtins.list(_DESCRIPTIONS), "description": builtins.list(_DESCRIPTIONS.values())}
    ).set_index("name")


def _check(name: str) -> str:
    """The package folder of a bundled dataset (``DataError`` for an unknown name)."""
    if name not in _DESCRIPTIONS:
        raise DataError(
            f"no bundled dataset '{name}'{suggest(name, _DESCRIPTIONS)}; "
            f"available: {builtins.list(_DESCRIPTIONS)}"
        )
    return name.replace("-", "_")


def _facts_folder(name: str) -> str:
    """The package folder of a dataset's program tables (the regencies use the provinces')."""
    return _FACTS_OF.get(name, _check(name))


def facts(name: str = "indonesia-provinces") -> ProgrammeFacts:
    """The program tables a bundled dataset is derived from.

    Indicators, unit costs, conversions and capacities, each row with its source and year;
    see :class:`~ikmopt.data.datasets.derive.ProgrammeFacts` and the Data page.
    ``indonesia-regencies`` is derived from the province tables, so its facts, pots and
    targets are those of ``indonesia-provinces``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.datasets.facts().unit_costs.loc["machines", ["central", "low", "high"]].tolist()
    [110.0, 106.0, 129.0]
    """
    return ProgrammeFacts.read(_facts_folder(name))


def targets(name: str = "indonesia-provinces") -> pd.DataFrame:
    """The ministry's indicator targets bundled with a dataset.

    One row per target as a source states it: ``indicator`` (the source's wording),
    ``metric`` (the dataset's indicator metric, blank for indicators the model does not
    have), ``level`` (RPJMN, Ditjen IKMA, Kemenperin plan ...), ``year``, ``kind``
    (``target``, ``quota``, ``needed``, ``funded``), ``value`` (in ``unit``), ``source``
    and ``note``. A row whose target was not found says so (``value`` empty).

    Examples
    --------
    >>> import ikmopt as ik
    >>> t = ik.datasets.targets()
    >>> t.query("year == '2025' and kind == 'needed'")[["metric", "value"]].to_numpy().tolist()
    [['wub', 3906.0], ['certificates', 6000.0], ['firms_restructured', 422.0]]
    """
    folder = resources.files(__package__) / _facts_folder(name)
    return pd.read_csv(folder / "targets.csv", dtype={"year": str, "metric": str},
                       keep_default_na=False, na_values={"value": [""]})


def pots(name: str = "indonesia-provinces") -> pd.DataFrame:
    """The funding pots of a bundled dataset's year: ceiling, level and where it is from.

    One row per pot (APBN pusat, Tugas Pembantuan, DAK fisik) with ``ceiling`` (Rp bn),
    ``level`` (who receives it), ``realisation_rate`` (its latest national realisation),
    ``year``, ``source`` and ``note``. :func:`ikmopt.default_pots` makes them
    :class:`~ikmopt.Pot` objects; the programs each pot funds are the programs table's
    ``pots`` column.

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.datasets.pots()["ceiling"].to_dict()
    {'APBN pusat': 526.95, 'Tugas Pembantuan': 49.05, 'DAK fisik': 395.0}
    """
    return read_pots(_facts_folder(name))


def load(name: str = "indonesia-provinces", *, projects: bool = False,
         uncertainty: bool = False, facts: ProgrammeFacts | None = None,
         planning: bool = False) -> Dataset:
    """Load a bundled dataset by name.

    Parameters
    ----------
    name : str, default "indonesia-provinces"
        See :func:`list`. ``"indonesia-regencies"`` is the 514 kabupaten/kota, its program
        side disaggregated from the provinces (see :mod:`ikmopt.data.datasets.regencies`).
    projects : bool, default False
        Add the ILLUSTRATIVE candidate projects (one new sentra IKM per province, see
        :func:`ikmopt.data.datasets.derive.example_projects`), which makes every plan a MIP.
        For ``indonesia-provinces`` only.
    uncertainty : bool, default False
        Add the ILLUSTRATIVE uncertainty table (see
        :func:`ikmopt.data.datasets.derive.example_uncertainty`) used by :func:`ikmopt.simulate`.
    facts : ProgrammeFacts, optional
        Program tables to derive the dataset from instead of the bundled ones, e.g.
        ``ik.datasets.facts().at("training", "survival", "low")`` (see :func:`facts`).
    planning : bool, default False
        Add ILLUSTRATIVE planning tables: last year's allocation per province and pot and
        the provinces' proposals (see :mod:`ikmopt.data.datasets.planning`), for
        :class:`~ikmopt.LastYear`, :class:`~ikmopt.FundProposals` and
        :meth:`~ikmopt.Result.rakor`.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        If no dataset has that name, or ``projects=True`` for ``indonesia-regencies``.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load("indonesia-provinces")
    >>> data.regions.shape[0], data.programs.shape[0]
    (38, 6)
    >>> ik.datasets.load("indonesia-regencies").regions.shape[0]
    514
    """
    where = _check(name)
    base = _facts_folder(name)  # the province tables a regency dataset is derived from
    folder = resources.files(__package__) / base
    provinces = pd.read_csv(
        folder / "regions.csv", dtype={"region": str, "bps_code": str, "kemendagri_code": str}
    ).set_index("region")
    programs = pd.read_csv(folder / "programs.csv").set_index("program")
    sources = pd.read_csv(resources.files(__package__) / where / "sources.csv")
    tables = ProgrammeFacts.read(base) if facts is None else facts
    impacts = derive_impacts(provinces, programs, tables)
    regions = provinces
    if where != base:
        if projects:
            raise DataError(f"load('{name}', projects=True): the example projects are one "
                            "sentra per province, for indonesia-provinces only")
        regions = read_regions(where)
        impacts = disaggregate(impacts, provinces, regions, tables)
    last_year = proposals = None
    if planning:
        pots = read_pots(base)
        last_year = example_last_year(impacts, programs, pots)
        proposals = example_proposals(last_year, impacts, programs, pots, regions)
    return Dataset(
        regions,
        programs,
        impacts,
        curves=default_curves(impacts),
        projects=example_projects(regions, tables) if projects else None,
        uncertainty=example_uncertainty(programs, tables) if uncertainty else None,
        proposals=proposals,
        last_year=last_year,
        money_unit="Rp bn",
        metric_units={"jobs": "jobs", "value_added": "Rp bn per year", **indicator_units(tables)},
        name=name,
        sources=sources,
        description=_DESCRIPTIONS[name],
    )
