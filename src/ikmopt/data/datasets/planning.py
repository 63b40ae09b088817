"""ILLUSTRATIVE planning tables for the bundled dataset: pots, last year, proposals.

The pots (``pots.csv``) are sourced 2023 figures with one stated assumption; last year's
allocation and the proposals are derived from them by the rules below, for the Planning
cycle guide and for trying the rules. They are not data of any real year: a planner loads
the ministry's own tables (``data.with_last_year(...)``, ``data.with_proposals(...)``).

*Last year* (:func:`example_last_year`): each pot's ceiling, split over the provinces in
proportion to their capacity in the programs the pot funds (a program funded from several
pots counts for each in proportion to the pots' ceilings); realisation is the allocation
times the pot's national realisation rate (``pots.csv``: DAK fisik IKM 88.46 % in 2023,
dekonsentrasi IKMA 97.97 % in 2022, Ditjen IKMA 98.68 % in 2022; no provincial rates are
published, so every province gets its pot's national rate).

*Proposals* (:func:`example_proposals`): for every pot that reaches provinces or
regencies, each province proposes each program the pot funds, asking 1.3 times last year's
allocation there (oversubscription: an ASSUMPTION), rounded to Rp 0.1 bn. Readiness is
three pass/fail criteria (land, design, operator: the readiness criteria of DAK fisik
proposals, see the Planning cycle guide), each passed with probability 0.8 in a seeded
draw (``seed``); priority ranks a province's proposals by amount asked; half the proposals,
drawn with the same seed, pledge co-funding (APBD) of 10 % of what they ask.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from ikmopt.core.errors import DataError

__all__ = ["CRITERIA", "example_last_year", "example_proposals", "read_pots"]

#: The pass/fail readiness criteria of the example proposals.
CRITERIA = ("ready_land", "ready_design", "ready_operator")
#: Oversubscription of the example proposals: asked / last year's allocation (ASSUMPTION).
OVERSUBSCRIPTION = 1.3
#: Probability that an example proposal passes each criterion (ASSUMPTION).
PASS_RATE = 0.8
#: Co-funding pledged by the example proposals that pledge, as a share of the amount asked.
COFUNDING_SHARE = 0.1


def read_pots(folder: str = "indonesia_provinces") -> pd.DataFrame:
    """The pots of a bundled dataset (``pots.csv``), indexed by ``pot``.

    Columns ``ceiling`` (Rp bn), ``level``, ``realisation_rate``, ``year``, ``source`` and
    ``note``.
    """
    path = resources.files("ikmopt.data.datasets") / folder / "pots.csv"
    if not path.is_file():
        raise DataError(f"bundled dataset folder '{folder}' has no pots.csv")
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle).set_index("pot")


def _funding(programs: pd.DataFrame, pots: pd.DataFrame) -> pd.DataFrame:
    """Each program's share of each pot's money: 0/1 where funded, times the pot's weight.

    Rows programs, columns pots: the share of a program's capacity that counts for each
    pot (a program funded from several pots splits by their ceilings).
    """
    listed = programs["pots"].fillna("").astype(str).str.split(";")
    funds = pd.DataFrame(0.0, index=programs.index, columns=pots.index)
    for program, names in listed.items():
        for name in (n.strip() for n in names if n.strip()):
            if name not in pots.index:
                raise DataError(f"programs: '{program}' names pot '{name}' that pots.csv "
                                f"lacks; pots: {list(pots.index)}")
            funds.loc[program, name] = pots.loc[name, "ceiling"]
    total = funds.sum(axis=1).replace(0.0, np.nan)
    return funds.div(total, axis=0).fillna(0.0)


def example_last_year(impacts: pd.DataFrame, programs: pd.DataFrame,
                      pots: pd.DataFrame) -> pd.DataFrame:
    """ILLUSTRATIVE last-year allocation per province and pot (see the module docstring).

    Parameters
    ----------
    impacts : pandas.DataFrame
        The dataset's impacts, indexed by (region, program), with ``capacity``.
    programs : pandas.DataFrame
        The programs table, with a ``pots`` column.
    pots : pandas.DataFrame
        :func:`read_pots`.

    Returns
    -------
    pandas.DataFrame
        ``region``, ``pot``, ``allocation`` and ``realisation`` (Rp bn), one row per
        province and pot with money.
    """
    share = _funding(programs, pots)
    capacity = impacts["capacity"].groupby(level=["region", "program"], sort=False).sum()
    program = capacity.index.get_level_values("program")
    weighted = pd.DataFrame(share.reindex(program).to_numpy() * capacity.to_numpy()[:, None],
                            index=capacity.index, columns=pots.index)
    by_region = weighted.groupby(level="region", sort=False).sum()
    allocation = by_region.div(by_region.sum(axis=0), axis=1) * pots["ceiling"]
    long = allocation.stack().rename("allocation").reset_index()
    long.columns = ["region", "pot", "allocation"]
    long = long[long["allocation"] > 0].reset_index(drop=True)
    long["allocation"] = long["allocation"].round(3)
    rate = pots["realisation_rate"].reindex(long["pot"]).to_numpy()
    long["realisation"] = (long["allocation"] * rate).round(3)
    return long


def example_proposals(last_year: pd.DataFrame, impacts: pd.DataFrame,
                      programs: pd.DataFrame, pots: pd.DataFrame, regions: pd.DataFrame,
                      seed: int = 2026) -> pd.DataFrame:
    """ILLUSTRATIVE proposals for the pots that reach provinces or regencies.

    Parameters
    ----------
    last_year : pandas.DataFrame
        :func:`example_last_year`.
    impacts, programs, pots : pandas.DataFrame
        As for :func:`example_last_year`.
    regions : pandas.DataFrame
        The regions table (its ``kemendagri_code`` names the proposals).
    seed : int, default 2026
        Seed of the readiness and co-funding draws.

    Returns
    -------
    pandas.DataFrame
        ``proposal`` (``<kemendagri code>-<program>``), ``region``, ``program``, ``pot``,
        ``amount`` (Rp bn), the three ``ready_*`` criteria (yes/no), ``priority`` and
        ``cofunding`` (Rp bn).
    """
    rng = np.random.default_rng(seed)
    share = _funding(programs, pots)
    regional = [p for p in pots.index if pots.loc[p, "level"] != "ministry"]
    capacity = impacts["capacity"].groupby(level=["region", "program"], sort=False).sum()
    rows = []
    for pot in regional:
        funded = share.index[share[pot] > 0]
        mine = capacity[capacity.index.get_level_values("program").isin(funded)]
        weight = mine * share.loc[mine.index.get_level_values("program"), pot].to_numpy()
        by_region = weight.groupby(level="region", sort=False).transform("sum")
        allocation = last_year.set_index(["region", "pot"])["allocation"]
        past = allocation.reindex(pd.MultiIndex.from_arrays(
            [mine.index.get_level_values("region"), np.full(len(mine), pot)])).to_numpy()
        asked = OVERSUBSCRIPTION * np.nan_to_num(past) * (weight / by_region).to_numpy()
        for (region, program), amount in zip(mine.index, asked, strict=True):
            if amount >= 0.05:
                rows.append((region, program, pot, round(float(amount), 1)))
    frame = pd.DataFrame(rows, columns=["region", "program", "pot", "amount"])
    passed = rng.random((len(frame), len(CRITERIA))) < PASS_RATE
    for j, name in enumerate(CRITERIA):
        frame[name] = np.where(passed[:, j], "yes", "no")
    frame["priority"] = frame.groupby("region", sort=False)["amount"].rank(
        ascending=False, method="first").astype(int)
    pledges = rng.random(len(frame)) < 0.5
    frame["cofunding"] = np.where(pledges, (COFUNDING_SHARE * frame["amount"]).round(2), 0.0)
    code = regions["kemendagri_code"].astype(str).reindex(frame["region"]).to_numpy()
    names = pd.Series([f"{c}-{p}" for c, p in zip(code, frame["program"], strict=True)])
    twice = names.duplicated(keep=False).to_numpy()  # a program proposed in two pots
    names[twice] = names[twice] + "-" + frame.loc[twice, "pot"].str.replace(" ", "-")
    frame.insert(0, "proposal", names.to_numpy())
    return frame
