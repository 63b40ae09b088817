"""The default policy that ``ikmopt solve`` runs on the bundled data.

Its budget is a plausible year of the ministry's IKM money: 2023, the latest year for which
both the Directorate General's budget and the DAK fisik for IKM are sourced.

* Ditjen IKMA 2023: "sekitar Rp 720 miliar", of which Rp 500 bn for new entrepreneurs (WUB)
  (jakartainsider.id/ekbis/pr-7317081256, citing ANTARA, 25 January 2023). A rounded spoken
  figure, not a DIPA number.
* Program money: :data:`PROGRAM_SHARE` of it, an ASSUMPTION. At least Rp 549 bn (76 %) was
  program money in 2023 (WUB Rp 500 bn plus Rp 49.05 bn of dekonsentrasi,
  regional.kompas.com/read/2023/02/08/123548178); the rest pays operations (offices,
  monitoring, data). The 2016 split the Director General stated (a third operations) no
  longer fits 2023, when WUB alone took 69 %.
* DAK fisik IKM 2023: Rp 395 bn to 56 regions (antaranews.com/berita/4039578).

So the default total is ``0.8 * 720 + 395 = Rp 971 bn`` (:data:`DEFAULT_BUDGET`), in three
pots money cannot leave (:func:`default_pots`, from the bundled ``pots.csv``): the
ministry's own spending (APBN pusat, Rp 526.95 bn: the program money less the
dekonsentrasi), Tugas Pembantuan (Rp 49.05 bn: the 2023 dekonsentrasi, which became Tugas
Pembantuan in 2024) and DAK fisik (Rp 395 bn). The programs each pot may fund are the
programs table's ``pots`` column.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

from ikmopt.core.errors import PolicyError
from ikmopt.data.datasets import pots as bundled_pots
from ikmopt.model.constraints import Budget, GroupShare, RegionBounds
from ikmopt.model.objectives import Weighted
from ikmopt.model.policy import Policy
from ikmopt.model.pots import Pot, fund_every_program

if TYPE_CHECKING:
    from ikmopt.data.dataset import Dataset

__all__ = ["DAK_FISIK_IKM_2023", "DEFAULT_BUDGET", "DITJEN_IKMA_2023", "PROGRAM_SHARE",
           "default_policy", "default_pots", "uses_default_pots"]

#: Ditjen IKMA's 2023 allocation, Rp bn ("sekitar Rp 720 miliar").
DITJEN_IKMA_2023 = 720.0
#: Share of the Ditjen's budget taken as program money (the rest is operations): ASSUMPTION.
PROGRAM_SHARE = 0.8
#: DAK fisik for IKM in 2023, Rp bn (56 regions).
DAK_FISIK_IKM_2023 = 395.0
#: The default total budget, Rp bn: the 2023 program money plus the 2023 DAK fisik IKM.
DEFAULT_BUDGET = PROGRAM_SHARE * DITJEN_IKMA_2023 + DAK_FISIK_IKM_2023


def default_pots(budget: float | None = None) -> tuple[Pot, ...]:
    """The bundled data's funding pots (see the module docstring and ``pots.csv``).

    Parameters
    ----------
    budget : float, optional
        Scale every ceiling by ``budget / 971`` so the pots add up to ``budget`` Rp bn (the
        same split of a larger or smaller year). Default: the 2023 ceilings.

    Examples
    --------
    >>> import ikmopt as ik
    >>> [(p.name, p.ceiling, p.level) for p in ik.default_pots()]  # doctest: +NORMALIZE_WHITESPACE
    [('APBN pusat', 526.95, 'ministry'), ('Tugas Pembantuan', 49.05, 'province'),
     ('DAK fisik', 395.0, 'regency')]
    """
    table = bundled_pots()
    factor = 1.0 if budget is None else float(budget) / float(table["ceiling"].sum())
    return tuple(Pot(str(name), float(row["ceiling"]) * factor, level=str(row["level"]))
                 for name, row in table.iterrows())


def uses_default_pots(data: Dataset) -> bool:
    """Whether the default pots fund every program of ``data``.

    True when its programs table's ``pots`` (or ``channel``) column names them, so that
    :func:`default_policy` can split its budget into them.
    """
    return fund_every_program(default_pots(), data.programs)


def default_policy(budget: float = DEFAULT_BUDGET, data: Dataset | None = None) -> Policy:
    """A sensible starting policy for the 38-province dataset.

    * Budget: Rp 971 bn (``budget`` Rp bn), the ministry's IKM program money and DAK fisik
      IKM of 2023 (see the module docstring), not necessarily all spent, in three pots
      money cannot leave (:func:`default_pots`, scaled to ``budget``).
    * Every province gets at least 0.5 % of the budget (Rp 4.9 bn at the default; the
      smallest province's capacity, Kalimantan Utara's, is Rp 7.6 bn, so the floor fits).
      On data whose regions carry a ``province`` column (the regencies of
      ``indonesia-regencies``) the floor is per province, not per region: 514 regency
      floors of 0.5 % would ask for 257 % of the budget.
    * Kawasan Timur Indonesia (broad KTI) gets at least 40 % of what is spent (KTI holds
      38 % of the bundled capacity at the default's prices, so the rule binds but fits).
    * Objective: jobs plus half-weighted value added, each normalized by its own optimum.
      The program indicators (``wub``, ``sentra`` ...) are metrics for rules and goals.

    Parameters
    ----------
    budget : float, default 971
        Total budget in Rp bn.
    data : Dataset, optional
        The data the policy is for. When its programs table does not say which of the
        default pots fund each program (a ``pots`` or ``channel`` column naming them), the
        budget is one pooled total (see :func:`uses_default_pots`).

    Examples
    --------
    >>> import ikmopt as ik
    >>> ik.default_policy().budget.total
    971.0
    >>> ik.default_policy(800).budget.total
    800.0
    """
    if not isinstance(budget, numbers.Real) or isinstance(budget, bool):
        hint = (" (the dataset goes second: default_policy(data=data), or "
                "default_policy(971, data))" if hasattr(budget, "impacts") else "")
        raise PolicyError(f"default_policy: budget must be a number of Rp bn, got "
                          f"{type(budget).__name__}{hint}")
    pots = default_pots(budget)
    return Policy(
        budget=Budget(total=budget, pots=pots if data is None or uses_default_pots(data)
                      else None),
        constraints=(RegionBounds(min_share=0.005, by=_floor_level(data)),
                     GroupShare("kti", min=0.40)),
        objective=Weighted(jobs=1.0, value_added=0.5),
    )


def _floor_level(data: Dataset | None) -> str:
    """``province`` when the regions are regencies that name their province, else ``region``."""
    if data is not None and "province" in data.regions.columns:
        return "province"
    return "region"
