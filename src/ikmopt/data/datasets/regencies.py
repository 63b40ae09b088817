"""The ``indonesia-regencies`` dataset: the 514 kabupaten/kota, with the province data split.

The regions are the 514 real kabupaten and kota of Kepmendagri 300.2.2-2138/2025, read from
``indonesia_regencies/regencies.csv`` (built by :func:`build_table` from
``shared/data/regencies``; every value copied, none typed in). Each regency carries its
province's name as in the ``indonesia-provinces`` regions table (``province``, looked up by
the province's Kemendagri code, never by name) and the province's ``island_group``, ``kti``
and ``kti_narrow`` flags, so every province-level rule and aggregate works on it:
``ik.RegionBounds(by="province", ...)``, ``ik.GroupShare("kti", ...)``,
``result.by("province")``.

No IKM data exist by regency (the sources found have no BPS IMK counts and no DAK fisik
allocations by kabupaten/kota; see ``shared/data/regencies/SOURCES.md``), so the program
side is **disaggregated** from the province dataset
(:func:`~ikmopt.data.datasets.derive.derive_impacts`) by this rule, for regency ``g`` in
province ``r`` and program ``p``:

* **coefficients** per Rp bn (``jobs``, ``value_added`` and the indicator metrics) equal the
  province's: ``a_gp = a_rp``. An ASSUMPTION: the cost index (from the provincial UMP) and
  the IMK ratios (workers per firm, value added per worker) are provincial figures, and no
  regency minimum wage (UMK) or regency IMK table is bundled.
* **capacity** is the province's, split over its regencies by a key:
  ``cap_gp = cap_rp * key_gp / sum_{g' in r} key_g'p``, so the regency capacities of every
  province and program sum to the province's exactly. The key (:data:`REGENCY_KEYS`)
  follows the province rule's ``split`` column of ``capacities.csv``: programs split by the
  number of kabupaten/kota (``sentra``: DAK fisik reaches kabupaten/kota; ``downstream``)
  give **each regency an equal share** of its province (so every regency of the country
  gets the same number of outputs, ``observed * growth_allowance / 514``); programs split
  by IMK establishments or by poor population (``machines``, ``certification``,
  ``digital``, ``training``) are split by **Dukcapil population** (31 Dec 2024), because no
  IMK count by regency was found and the regency poverty rates have no stated year.
* **curves**: the province's segment shares and factors
  (:func:`~ikmopt.data.datasets.derive.default_curves` on the regency capacities), so a
  regency cell diminishes like its province's, in proportion.

All of these are ILLUSTRATIVE. The **programs** and **pots** are the province dataset's.
Who administers the money (the programs table's ``channel`` and ``pots``): DAK fisik
(``sentra``) is transferred to kabupaten/kota, so its regency cells are where the money
goes; Tugas Pembantuan (``training``, ``digital``) is transferred to the **provinces**, which
administer it for the regencies: its regency cells say where the work lands, not who receives
the transfer; APBN pusat (``machines``, ``certification``, ``downstream``) is spent by the
ministry itself. Every program is kept at regency cells; group by ``province`` to see what a
Tugas Pembantuan transfer to each province is.

``poverty_rate_pct_unstated_year`` is BPS P0 from a secondary copy that states no year (names
before 2022; the 42 Papua-region regencies carry their old province's rate). It is shown for
reference only and used in no derived number.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError
from ikmopt.data.datasets.derive import ProgrammeFacts

__all__ = ["FOLDER", "PROVINCE_COLUMNS", "REGENCY_KEYS", "SHARED_COLUMNS", "build_table",
           "disaggregate", "read_regions", "split_keys"]

#: Package folder of the bundled regency table.
FOLDER = "indonesia_regencies"

#: Columns of ``shared/data/regencies/regencies.csv`` the bundled table takes, as
#: ``{shared column: bundled column}`` (the values are copied unchanged).
SHARED_COLUMNS = {
    "name": "region",
    "kemendagri_code": "kemendagri_code",
    "kemendagri_code_2022": "kemendagri_code_2022",
    "bps_code": "bps_code",
    "kind": "kind",
    "province_kemendagri_code": "province_kemendagri_code",
    "population": "population",
    "area_km2": "area_km2",
}

#: The province dataset's columns carried down to its regencies (``region`` as ``province``).
PROVINCE_COLUMNS = ("island_group", "kti", "kti_narrow")

#: The poverty column of ``regency_poverty_year_unstated.csv``, and its bundled name.
POVERTY = ("poverty_rate_pct", "poverty_rate_pct_unstated_year")

#: Regency key of each province split rule (``capacities.csv`` ``split`` column):
#: ``"equal"`` (one share per regency) or a column of the regency regions table.
REGENCY_KEYS = {
    "kab_kota": "equal",
    "imk_establishments": "population",
    "imk_establishments_small": "population",
    "poor_population": "population",
}

#: Columns read as text (codes keep their leading zeros and dots).
TEXT = ("region", "kemendagri_code", "kemendagri_code_2022", "bps_code", "kind", "province",
        "province_kemendagri_code", "island_group")


def build_table(shared: str | Path, provinces: pd.DataFrame) -> pd.DataFrame:
    """Build the bundled regency table from ``shared/data/regencies`` (a maintenance tool).

    Parameters
    ----------
    shared : str or pathlib.Path
        The folder holding ``regencies.csv`` and ``regency_poverty_year_unstated.csv``.
    provinces : pandas.DataFrame
        The ``indonesia-provinces`` regions table (indexed by region, with
        ``kemendagri_code`` and the :data:`PROVINCE_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        One row per regency in the shared file's order: the :data:`SHARED_COLUMNS` as text,
        exactly as the shared file writes them, ``province`` and the
        :data:`PROVINCE_COLUMNS` looked up by Kemendagri province code, and
        ``poverty_rate_pct_unstated_year`` looked up by Kemendagri regency code.

    Raises
    ------
    DataError
        If a regency's province code or poverty row is not found.
    """
    shared = Path(shared)
    table = pd.read_csv(shared / "regencies.csv", dtype=str, keep_default_na=False)
    poverty = pd.read_csv(shared / "regency_poverty_year_unstated.csv", dtype=str,
                          keep_default_na=False).set_index("kemendagri_code")[POVERTY[0]]
    out = table[list(SHARED_COLUMNS)].rename(columns=SHARED_COLUMNS)
    parents = provinces.reset_index().set_index("kemendagri_code")
    codes = out["province_kemendagri_code"]
    missing = ~codes.isin(parents.index) | ~out["kemendagri_code"].isin(poverty.index)
    if missing.any():
        raise DataError(f"regencies without a province or poverty row: "
                        f"{out.loc[missing, 'region'].tolist()}")
    at = parents.loc[codes.to_numpy()]
    position = out.columns.get_loc("kind") + 1
    out.insert(position, "province", at["region"].to_numpy())
    for column in PROVINCE_COLUMNS:
        out[column] = at[column].to_numpy()
    out[POVERTY[1]] = poverty.loc[out["kemendagri_code"].to_numpy()].to_numpy()
    return out


def read_regions(folder: str = FOLDER) -> pd.DataFrame:
    """The bundled regency regions table, indexed by ``region`` (the Kemendagri name)."""
    path = resources.files(__package__) / folder / "regencies.csv"
    with path.open(encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=dict.fromkeys(TEXT, str))
    return table.set_index("region")


def _positions(regions: pd.DataFrame, provinces: pd.DataFrame) -> np.ndarray:
    """Row of each regency's province in ``provinces``."""
    where = provinces.index.get_indexer(regions["province"])
    if (where < 0).any():
        bad = regions.index[where < 0].tolist()
        raise DataError(f"regions: province not in the province table for {bad[:8]}")
    return where


def split_keys(regions: pd.DataFrame, splits: pd.Series) -> np.ndarray:
    """The key of each regency for each program's capacity (regencies x programs).

    Parameters
    ----------
    regions : pandas.DataFrame
        The regency regions table.
    splits : pandas.Series
        By program, the province rule's ``split`` column (``capacities.csv``), mapped to a
        regency key by :data:`REGENCY_KEYS`.

    Raises
    ------
    DataError
        If a split has no regency key.
    """
    unknown = sorted(set(splits) - set(REGENCY_KEYS))
    if unknown:
        raise DataError(f"capacities: split {unknown} has no regency key; known: "
                        f"{sorted(REGENCY_KEYS)} (see REGENCY_KEYS)")
    keys = [REGENCY_KEYS[s] for s in splits]
    ones = np.ones(len(regions))
    return np.column_stack([ones if k == "equal" else regions[k].to_numpy(float)
                            for k in keys])


def disaggregate(province_impacts: pd.DataFrame, provinces: pd.DataFrame,
                 regions: pd.DataFrame, facts: ProgrammeFacts) -> pd.DataFrame:
    """Split a province impacts table over the regencies by the rule of the module docstring.

    Parameters
    ----------
    province_impacts : pandas.DataFrame
        Indexed by (region, program) in the order of ``provinces`` and the programs, as
        :func:`~ikmopt.data.datasets.derive.derive_impacts` returns it.
    provinces : pandas.DataFrame
        The province regions table (indexed by region).
    regions : pandas.DataFrame
        The regency regions table, with ``province`` and the columns the keys name.
    facts : ProgrammeFacts
        The program tables (their ``capacities.split`` picks each program's key).

    Returns
    -------
    pandas.DataFrame
        Indexed by (region, program) over the regencies: the province's coefficients and
        the capacity split by the key, Rp bn.
    """
    programs = province_impacts.index.unique("program")
    columns = province_impacts.columns
    values = province_impacts.to_numpy(float).reshape(len(provinces), len(programs),
                                                       len(columns))
    parent = _positions(regions, provinces)
    cells = values[parent]  # regencies x programs x columns: the province's numbers
    keys = split_keys(regions, facts.capacities.loc[programs, "split"])
    totals = np.zeros((len(provinces), len(programs)))
    np.add.at(totals, parent, keys)
    share = keys / totals[parent]
    at = columns.get_loc("capacity")
    cells[:, :, at] = cells[:, :, at] * share
    index = pd.MultiIndex.from_product([regions.index, programs], names=["region", "program"])
    return pd.DataFrame(cells.reshape(-1, len(columns)), index=index, columns=columns)
