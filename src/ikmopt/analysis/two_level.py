"""Two-level plans: province amounts split to regencies, with DAK lumps and recipient counts.

DAK fisik reaches kabupaten/kota in lumps of billions of rupiah, a few per province, while
most rules of a plan (floors, the KTI share, the pots) are stated for provinces.
:func:`two_level` plans both levels and returns a :class:`TwoLevel` with the province plan,
the regency plan, the table a DAK desk reads (province, regency, pot, program, amount) and an
independent check of every rule of the split.

The method
----------
Let ``x_gp >= 0`` be the spend of regency ``g`` (in province ``r(g)``) on program ``p``
(and year, when the data have years), ``s_g`` the regency's spend from the lump pot
(``pot``, DAK fisik by default) and ``b_g`` in ``{0, 1}`` whether it receives. The regency
model is the policy on the regency data (its province rules, e.g.
``RegionBounds(by="province")``, apply to sums of regency cells) plus

* **shared capacity** (``capacity="shared"``, the default): in every program the pot
  funds, the province's capacity ``C_rp = sum_{g in r} c_gp`` is shared by the ``K_r``
  regencies allowed to receive (its recipient count, else all its regencies; no more than
  ``floor(C_r / m_r)``, at least 1, so that a share holds a lump of the province's least
  minimum ``m_r``; the recipient count becomes ``K_r``): each regency
  cell gets ``C_rp / K_r`` and the province's curve scaled by ``1 / K_r``, and a row keeps
  the province within ``C_rp``. The bundled split gives each kabupaten/kota an equal share
  (Rp 0.97–1.54 bn of sentra capacity, below the Rp 3.8 bn a sentra costs), so no lump of
  meaningful size fits it; with ``K_r`` hosts a lump can be up to ``C_rp / K_r``. With at
  most ``K_r`` hosts, their segments add up to at most the province's, so the regency plan
  never earns more than its province totals earn on the province's curve. ILLUSTRATIVE
  rule. ``capacity="pooled"`` gives every regency the whole ``C_rp`` and the province's
  whole curve (any regency may host all of its province's sentra); several hosts of one
  province then each have that curve, so the regency outcome can exceed what the same
  province totals earn (:meth:`TwoLevel.outcomes` shows both). ``capacity="split"`` keeps
  the data's capacities.
* **regency minima** (:class:`~ikmopt.MinimumAllocation` on the pot):
  ``m_g b_g <= s_g <= M_g b_g``: a regency gets nothing from the pot or at least ``m_g``;
* **recipients per province**: ``sum_{g in r} b_g <= K_r`` (one
  :class:`~ikmopt.MinimumAllocation` per province), and at most ``N`` in all
  (``max_recipients``);
* **province ceilings** ``sum_{g in r} x_gp <= U_rp``.

``method="one-model"`` solves that program once: the province totals are decided with the
regency split, and ceilings apply only when given. ``method="two-stage"`` first solves the
province plan on the province data (stage 1), then the regency model with
``U_rp = y*_rp``, the province plan's amounts, as ceilings (stage 2; given ``ceilings``
replace them). The stages are linked by the lumps: with minima, the province plan gives a
province nothing from the pot or at least the least minimum of its regencies (a
:class:`~ikmopt.MinimumAllocation` on the province data), so that its amount can be split.
Stage 2 is the one-model program with more rows, so

* the one-model optimum is at least the two-stage one, with or without minima;
* with ceilings equal to the one-model's own province totals (:meth:`TwoLevel.totals`),
  the two-stage optimum equals the one-model's (its plan is feasible in stage 2);
* without minima and on the split capacity, both equal the province plan's optimum
  (the regency coefficients are their province's and capacities add up to it).

Both methods maximize the same linear function: a normalized
:class:`~ikmopt.Weighted` objective is fixed once with the province plan's single-metric
optima as its scales (``w_m / z_m``), so the province and regency objectives are on one scale.
Every number derived here from the bundled data is ILLUSTRATIVE.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.model.constraints import MinimumAllocation, RegionBounds
from ikmopt.model.constraints.base import Constraint
from ikmopt.model.objectives import Weighted
from ikmopt.model.policy import Policy
from ikmopt.model.pots import funded_programs
from ikmopt.solving.evaluate import evaluate
from ikmopt.solving.optimize import optimize
from ikmopt.solving.options import SolveOptions
from ikmopt.solving.result import Result

__all__ = ["CAPACITIES", "METHODS", "TOL", "RegencyProgram", "TwoLevel", "regency_program",
           "two_level"]

#: The ways of planning the two levels.
METHODS = ("one-model", "two-stage")
#: The regency capacities of the pot's programs: a province's shared by its hosts, all of it
#: to any regency, or as in the data.
CAPACITIES = ("shared", "pooled", "split")
#: Rp bn below which a spend counts as nothing, and by which a bound may be exceeded.
TOL = 1e-6


@dataclass(frozen=True)
class TwoLevel:
    """A two-level plan: the province plan, the regency plan and the rules of the split.

    Attributes
    ----------
    province : Result
        The province plan (the policy on the province data): stage 1 of ``two-stage``,
        the reference of ``one-model``.
    regency : Result
        The regency plan, on the regency data with the shared or pooled capacities.
    method : str
        ``"one-model"`` or ``"two-stage"``.
    pot : str
        The pot paid in lumps.
    ceilings : pandas.Series or None
        Rp bn by (province, program) or by province: the caps the regency plan kept.
    pooled : pandas.Series or None
        Rp bn by (province, program ...): each province's capacity in the pot's programs,
        which its regencies share (``capacity="shared"`` or ``"pooled"``).
    minimum : pandas.Series or None
        Rp bn by regency: the smallest amount from the pot a receiving regency gets.
    recipients : pandas.Series or None
        By province: the most regencies that receive from the pot.
    max_recipients : int or None
        The most regencies that receive from the pot in all.
    """

    province: Result
    regency: Result
    method: str
    pot: str
    ceilings: pd.Series | None = None
    pooled: pd.Series | None = None
    minimum: pd.Series | None = None
    recipients: pd.Series | None = None
    max_recipients: int | None = None

    @property
    def levels(self) -> list[str]:
        """The regency data's cell levels other than ``region`` (``program``, ``year`` ...)."""
        return [level for level in self.regency.data.levels if level != "region"]

    def totals(self) -> pd.Series:
        """The regency plan summed by (province, program[, year ...]), Rp bn.

        Pass it as ``ceilings=`` to put the one-model's province totals on a two-stage plan.
        """
        allocation = self.regency.allocation
        province = self.regency.data.regions["province"]
        frame = allocation.rename("amount").reset_index()
        frame["province"] = province.loc[frame["region"]].to_numpy()
        return frame.groupby(["province", *self.levels], sort=False)["amount"].sum()

    def table(self, pot: str | None = None) -> pd.DataFrame:
        """The DAK desk's table: one row per regency, pot and program that receives money.

        Parameters
        ----------
        pot : str, optional
            Only this pot (e.g. ``"DAK fisik"``); default every pot.

        Returns
        -------
        pandas.DataFrame
            Columns ``province``, ``regency``, ``pot``, ``program`` (``year`` and other
            levels when the data have them) and ``amount`` (Rp bn, ILLUSTRATIVE on the
            bundled data), sorted by pot, province and regency in the data's order.
        """
        spent = self.regency.pot_allocation()
        if pot is not None:
            spent = spent[spent["pot"] == pot]
        regions = self.regency.data.regions
        order = pd.Index(regions.index).get_indexer(spent["region"])
        out = pd.DataFrame({"province": regions["province"].to_numpy()[order],
                            "regency": spent["region"].to_numpy(),
                            "pot": spent["pot"].to_numpy()})
        for level in self.levels:
            out[level] = spent[level].to_numpy()
        out["amount"] = spent["spend"].to_numpy()
        pots = {name: k for k, name in enumerate(dict.fromkeys(spent["pot"]))}
        out = out.assign(_pot=out["pot"].map(pots), _at=order)
        return (out.sort_values(["_pot", "_at", *self.levels], kind="stable")
                .drop(columns=["_pot", "_at"]).reset_index(drop=True))

    def outcomes(self) -> pd.DataFrame:
        """Outcomes of the province plan, the regency plan and the latter on province returns.

        Returns
        -------
        pandas.DataFrame
            One row per outcome (``spend`` first) and three columns: ``province plan``,
            ``regency plan`` and ``regency plan at province returns`` (the regency plan's
            province totals evaluated on the province data, i.e. on each province's own
            curve; it differs from ``regency plan`` when several regencies of a province
            host a pooled program). ILLUSTRATIVE on the bundled data.
        """
        totals = self.totals()
        names = list(totals.index.names)
        names[0] = "region"
        at_province = evaluate(self.province.data, totals.rename_axis(names))
        return pd.DataFrame({"province plan": self.province.outcomes,
                             "regency plan": self.regency.outcomes,
                             "regency plan at province returns": at_province.outcomes})

    def check(self, tol: float = TOL) -> pd.DataFrame:
        """Check the regency plan against every rule of the split, from its spend alone.

        Independent of the solver's rows: the spend by pot and cell
        (:meth:`ikmopt.Result.pot_allocation`) is summed again here and compared with the
        cell capacities, the pot ceilings, the province ceilings, the pooled capacities,
        the regency minima and the recipient counts.

        Parameters
        ----------
        tol : float, default 1e-6
            Rp bn (and relative) slack allowed.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``rule``: ``groups`` (how many were checked), ``violations``,
            ``worst`` (the largest excess, Rp bn or regencies) and ``ok``.
        """
        data = self.regency.data
        spend = self.regency.allocation
        rows = [_excess("cell capacity", spend.to_numpy() - data.capacity, tol, data.capacity)]
        spent = self.regency.pot_allocation()
        for pot in self.regency.policy.budget.pots or ():
            used = spent.loc[spent["pot"] == pot.name, "spend"].sum()
            rows.append(_excess(f"pot ceiling ({pot.name})", np.array([used - pot.ceiling]),
                                tol, np.array([pot.ceiling])))
        totals = self.totals()
        for rule, bound in (("province ceiling", self.ceilings), ("province capacity",
                                                                   self.pooled)):
            if bound is not None:
                got = _sum_to(totals, bound.index)
                rows.append(_excess(rule, got - bound.to_numpy(), tol, bound.to_numpy()))
        lumps = self._lumps(spent)
        if self.minimum is not None:
            need = self.minimum.reindex(lumps.index).fillna(0.0).to_numpy()
            got = lumps.to_numpy()
            short = np.where(got > tol, need - got, 0.0)
            rows.append(_excess("regency minimum", short, tol, need))
        receiving = (lumps > tol).groupby(self._group_of(lumps.index)).sum()
        if self.recipients is not None:
            count = receiving.reindex(self.recipients.index).fillna(0).to_numpy()
            rows.append(_excess("recipients per province", count - self.recipients.to_numpy(),
                                0.5, None))
        if self.max_recipients is not None:
            rows.append(_excess("recipients in all",
                                np.array([receiving.sum() - self.max_recipients]), 0.5, None))
        return pd.DataFrame(rows).set_index("rule")

    def _lumps(self, spent: pd.DataFrame) -> pd.Series:
        """Spend from the pot by regency (and year ...), every regency listed."""
        extra = [level for level in self.levels if level != "program"]
        mine = spent[spent["pot"] == self.pot]
        lumps = mine.groupby(["region", *extra], sort=False)["spend"].sum()
        full = _groups(self.regency.data, ["region", *extra])
        return lumps.reindex(full, fill_value=0.0)

    def _group_of(self, index: pd.Index) -> pd.Index | list[np.ndarray]:
        """The (province[, year ...]) of each regency group, for counting recipients."""
        regions = self.regency.data.regions
        if isinstance(index, pd.MultiIndex):
            province = regions["province"].loc[index.get_level_values(0)].to_numpy()
            return [province, *(index.get_level_values(k).to_numpy()
                                for k in range(1, index.nlevels))]
        return pd.Index(regions["province"].loc[index].to_numpy())


def two_level(
    province_data: Dataset,
    regency_data: Dataset,
    policy: Policy,
    *,
    minimum: float | Mapping[Any, float] | pd.Series | None = None,
    recipients_per_province: int | Mapping[Any, int] | pd.Series | None = None,
    max_recipients: int | None = None,
    pot: str = "DAK fisik",
    method: str = "one-model",
    ceilings: pd.Series | None = None,
    capacity: str = "shared",
    solver: str | SolveOptions = "highs",
    **solve_options: Any,
) -> TwoLevel:
    """Plan provinces and their regencies together, with DAK lumps and recipient counts.

    The method is stated in :mod:`ikmopt.analysis.two_level`.

    Parameters
    ----------
    province_data : Dataset
        The province data (``ik.datasets.load("indonesia-provinces")``). A ``province``
        column equal to the region is added when missing, so a rule ``by="province"``
        means the same at both levels.
    regency_data : Dataset
        The regency data; its regions carry their ``province``
        (``ik.datasets.load("indonesia-regencies")``).
    policy : Policy
        The rules of both levels, stated for the regency data (e.g.
        ``ik.default_policy(data=regency_data)``: floors ``by="province"``, pots, KTI).
        A rule ``by="region"`` means regencies in the regency plan and provinces in the
        province plan.
    minimum : float, mapping or pandas.Series, optional
        Rp bn: a regency receives nothing from ``pot`` or at least this (one number, or by
        regency; ``{(regency, year): amount}`` on data with years). Default: no minimum.
    recipients_per_province : int, mapping or pandas.Series, optional
        At most this many regencies of each province (or of the provinces named, by
        province) receive from ``pot`` (per year on data with years). Needs ``minimum``.
    max_recipients : int, optional
        At most this many regencies receive from ``pot`` in all. Needs ``minimum``.
    pot : str, default "DAK fisik"
        The pot paid in lumps; its programs are the ones pooled.
    method : {"one-model", "two-stage"}, default "one-model"
        One regency model, or the province plan first and its amounts as the regency
        model's ceilings.
    ceilings : pandas.Series, optional
        Rp bn caps of the regency plan, indexed by province or by (province, program
        [, year]). With ``"two-stage"`` they replace the province plan's amounts.
    capacity : {"shared", "pooled", "split"}, default "shared"
        The regency capacities of the pot's programs (ILLUSTRATIVE rules, see the module):
        ``"shared"``: each province's capacity shared by the regencies that may receive
        (``recipients_per_province``, else all of them); ``"pooled"``: any regency may use
        its province's whole capacity; ``"split"``: the regency data's capacities as they
        are. The province always stays within its capacity.
    solver : str or SolveOptions, default "highs"
    **solve_options
        As for :func:`ikmopt.optimize` (``time_limit`` ...).

    Returns
    -------
    TwoLevel

    Raises
    ------
    PolicyError
        For an unknown method, capacity or pot, regencies without a ``province`` column,
        a province missing from the province data, or recipients without a minimum.
    InfeasibleError
        If a level's program has no feasible plan (e.g. ceilings below a floor).

    Examples
    --------
    >>> import ikmopt as ik
    >>> provinces = ik.datasets.load("indonesia-provinces")
    >>> regencies = ik.datasets.load("indonesia-regencies")
    >>> plan = ik.two_level(provinces, regencies, ik.default_policy(data=regencies))
    >>> bool(plan.check()["ok"].all())
    True
    """
    _check_arguments(province_data, regency_data, method, capacity, minimum,
                     recipients_per_province, max_recipients)
    options = SolveOptions.of(solver, **solve_options)
    province_data = _with_province(province_data)
    lumps = _minima(regency_data, minimum)
    province = optimize(province_data, policy.add(*province_minimum(regency_data, pot, lumps)),
                        options)
    fixed = policy.replace(objective=fixed_objective(policy, province.optima))
    if method == "two-stage" and ceilings is None:
        ceilings = _province_amounts(province)
    program = regency_program(regency_data, fixed, minimum=minimum,
                              recipients_per_province=recipients_per_province,
                              max_recipients=max_recipients, pot=pot, ceilings=ceilings,
                              capacity=capacity)
    regency = optimize(program.data, program.policy, options)
    return TwoLevel(province, regency, method, pot, program.ceilings, program.pooled,
                    program.minimum, program.recipients, max_recipients)


@dataclass(frozen=True)
class RegencyProgram:
    """The regency level of a two-level plan, before it is solved.

    Attributes
    ----------
    data : Dataset
        The regency data with the shared or pooled capacities.
    policy : Policy
        The policy with the rules of the split added (capacity rows, ceilings, minima).
    ceilings, pooled, minimum, recipients : pandas.Series or None
        As in :class:`TwoLevel` (``recipients`` are the effective counts ``K_r``).
    """

    data: Dataset
    policy: Policy
    ceilings: pd.Series | None
    pooled: pd.Series | None
    minimum: pd.Series | None
    recipients: pd.Series | None


def regency_program(
    regency_data: Dataset,
    policy: Policy,
    *,
    minimum: float | Mapping[Any, float] | pd.Series | None = None,
    recipients_per_province: int | Mapping[Any, int] | pd.Series | None = None,
    max_recipients: int | None = None,
    pot: str = "DAK fisik",
    ceilings: pd.Series | None = None,
    capacity: str = "shared",
) -> RegencyProgram:
    """The data and policy of the one-model regency program, unsolved.

    What :func:`two_level` solves at the regency level (its arguments have the same
    meaning; ``policy`` is used as it is, objective included). For benchmarks and for
    solving the program with other options.
    """
    lumps = _minima(regency_data, minimum)
    counts = _counts(regency_data, recipients_per_province)
    rules: list[Constraint] = []
    data, pooled = regency_data, None
    if capacity != "split":
        programs = _pot_programs(policy, regency_data, pot)
        hosts = None
        if capacity == "shared":
            hosts = _hosts(regency_data, programs, counts, lumps)
            counts = None if counts is None else hosts
        data, pooled = pool_capacity(regency_data, programs, hosts)
        rules.append(_bound(pooled, "max"))
    if ceilings is not None:
        ceilings = ceilings.clip(lower=0.0)
        rules.append(_bound(ceilings, "max"))
    rules += minimum_rules(data, pot, lumps, counts, max_recipients)
    return RegencyProgram(data, policy.add(*rules), ceilings, pooled, lumps, counts)


def fixed_objective(policy: Policy, optima: Mapping[str, float]) -> Any:
    """The policy's objective with a normalized :class:`~ikmopt.Weighted` fixed by ``optima``.

    ``Weighted(w, normalize=True)`` becomes ``Weighted({m: w_m / z_m}, normalize=False)``
    with ``z_m`` the given single-metric optima (those of the province plan), so that every
    stage maximizes the same linear function; any other objective is returned as it is.
    """
    objective = policy.objective
    if not isinstance(objective, Weighted) or not objective.normalize:
        return objective
    scaled = {m: w / (optima[m] if optima.get(m, 0.0) > 0 else 1.0)
              for m, w in objective.weights.items()}
    return Weighted(scaled, normalize=False)


def pool_capacity(data: Dataset, programs: list[str], hosts: pd.Series | None = None
                  ) -> tuple[Dataset, pd.Series]:
    """The regency data with each province's capacity pooled in ``programs``.

    Parameters
    ----------
    data : Dataset
        Regency data whose regions carry their ``province``.
    programs : list of str
        The pooled programs (those of the lump pot).
    hosts : pandas.Series, optional
        By province, how many regencies share the pooled capacity (``K_r``): every regency
        cell of a pooled program gets ``C_r / K_r``, where ``C_r`` is the sum of its
        province's cells in that program (and year ...). Default 1: each regency may use
        the province's whole capacity.

    Returns
    -------
    tuple of (Dataset, pandas.Series)
        The data with the new capacities (diminishing-returns segments follow them as
        shares: a host's curve is its province's, scaled by ``1 / K_r``), and ``C_r``
        indexed by (province, program[, year ...]), for the rows that keep each province
        within it.
    """
    impacts = data.impacts
    province = data.regions["province"].loc[impacts.index.get_level_values("region")]
    keys = [province.to_numpy(), *(impacts.index.get_level_values(level)
                                   for level in data.levels if level != "region")]
    pooled = impacts["capacity"].groupby(keys, sort=False).transform("sum").to_numpy()
    share = 1.0 if hosts is None else 1.0 / hosts.reindex(province).fillna(1.0).to_numpy()
    chosen = impacts.index.get_level_values("program").isin(programs)
    capacity = np.where(chosen, pooled * share, impacts["capacity"].to_numpy())
    caps = impacts.loc[chosen, "capacity"].groupby(
        [k[chosen] for k in keys], sort=False).sum()
    caps.index.names = ["province", *(lvl for lvl in data.levels if lvl != "region")]
    return data.replace(impacts=impacts.assign(capacity=capacity)), caps


def minimum_rules(data: Dataset, pot: str, minimum: pd.Series | None,
                  counts: pd.Series | None, max_recipients: int | None
                  ) -> list[MinimumAllocation]:
    """The :class:`~ikmopt.MinimumAllocation` rules of the minima and recipient counts.

    One rule for every regency (with ``max_recipients`` as its count) when there are no
    counts per province; otherwise one rule per province (and year ...) with its count, and a
    national rule for ``max_recipients`` over binaries of its own.
    """
    if minimum is None:
        return []
    by = _minimum_by(data)
    if counts is None:
        return [MinimumAllocation(min=_keyed(minimum), by=by, pot=pot,
                                  max_recipients=max_recipients)]
    province = data.regions["province"].loc[minimum.index.get_level_values(0)].to_numpy()
    groups = [province, *(minimum.index.get_level_values(k)
                          for k in range(1, minimum.index.nlevels))]
    rules = []
    for key, part in minimum.groupby(groups, sort=False):
        name = key[0] if isinstance(key, tuple) else key
        limit = counts.get(name)
        rules.append(MinimumAllocation(min=_keyed(part), by=by, pot=pot,
                                       max_recipients=None if pd.isna(limit) else int(limit)))
    if max_recipients is not None:
        rules.append(MinimumAllocation(min=_keyed(minimum), by=by, pot=pot,
                                       max_recipients=max_recipients))
    return rules


# ---------------------------------------------------------------------- helpers
def _check_arguments(province_data: Dataset, regency_data: Dataset, method: str,
                     capacity: str, minimum: Any, counts: Any, max_recipients: Any) -> None:
    if method not in METHODS:
        raise PolicyError(f"two_level: method must be one of {list(METHODS)}, got {method!r}")
    if capacity not in CAPACITIES:
        raise PolicyError(f"two_level: capacity must be one of {list(CAPACITIES)}, got "
                          f"{capacity!r}")
    if "province" not in regency_data.regions.columns:
        raise PolicyError("two_level: the regency data's regions need a 'province' column "
                          "(ik.datasets.load('indonesia-regencies') has one)")
    missing = sorted(set(regency_data.regions["province"]) - set(province_data.regions.index))
    if missing:
        raise PolicyError(f"two_level: provinces of the regency data not in the province "
                          f"data: {missing[:8]}")
    if minimum is None and (counts is not None or max_recipients is not None):
        raise PolicyError("two_level: recipients_per_province and max_recipients count "
                          "the regencies that get at least minimum=; give minimum= as well")


def province_minimum(regency_data: Dataset, pot: str, minimum: pd.Series | None
                     ) -> list[MinimumAllocation]:
    """The province plan's lumps: a province gets nothing from ``pot`` or its regencies' least.

    Links the two stages: a province amount of the pot below every minimum of its
    regencies could not be split into lumps. ``[]`` without minima.
    """
    if minimum is None:
        return []
    regions = minimum.index.get_level_values(0)
    least = minimum.groupby(regency_data.regions["province"].loc[regions].to_numpy()).min()
    by = _minimum_by(regency_data)
    if by != "region":  # minima by (region, year ...): the least of each province and year
        keys = [regency_data.regions["province"].loc[regions].to_numpy(),
                *(minimum.index.get_level_values(k) for k in range(1, minimum.index.nlevels))]
        least = minimum.groupby(keys).min()
    return [MinimumAllocation(min=_keyed(least), by=by, pot=pot)]


def _hosts(data: Dataset, programs: list[str], counts: pd.Series | None,
           minimum: pd.Series | None) -> pd.Series:
    """``K_r``: how many regencies share each province's capacity in the pot's programs.

    Its recipient count (all its regencies without one), no more than its regencies and no
    more than the lumps of its least minimum that its capacity holds (at least 1), so that
    every host's share can take a lump.
    """
    size = data.regions.groupby("province", sort=False).size()
    hosts = size if counts is None else np.minimum(counts.reindex(size.index).fillna(size),
                                                   size)
    if minimum is None:
        return hosts.astype(int)
    _, caps = pool_capacity(data, programs)
    extra = [name for name in caps.index.names if name not in ("province", "program")]
    per_province = caps.groupby(level=["province", *extra], sort=False).sum()
    if extra:
        per_province = per_province.groupby(level="province", sort=False).min()
    regions = minimum.index.get_level_values(0)
    least = minimum.groupby(data.regions["province"].loc[regions].to_numpy()).min()
    fits = np.floor(per_province / least.reindex(per_province.index)).clip(lower=1)
    return np.minimum(hosts, fits.reindex(size.index).fillna(hosts)).astype(int)


def _with_province(data: Dataset) -> Dataset:
    """The province data with a ``province`` column (the region) when it has none."""
    if "province" in data.regions.columns:
        return data
    return data.replace(regions=data.regions.assign(province=data.regions.index))


def _pot_programs(policy: Policy, data: Dataset, pot: str) -> list[str]:
    """The programs ``pot`` funds on ``data``."""
    pots = policy.budget.pots or ()
    names = [p.name for p in pots]
    if pot not in names:
        raise PolicyError(f"two_level: pot {pot!r} is not a pot of the policy's budget "
                          f"(pots: {names}); give Budget(pots=ik.default_pots())")
    return funded_programs(pots, data.programs)[names.index(pot)]


def _province_amounts(province: Result) -> pd.Series:
    """The province plan by (province, program[, year ...]), Rp bn."""
    allocation = province.allocation
    return allocation.rename_axis(["province", *allocation.index.names[1:]])


def _bound(caps: pd.Series, side: str) -> RegionBounds:
    """A :class:`~ikmopt.RegionBounds` rule of caps (or floors) indexed by its levels."""
    by: str | tuple[str, ...] = (tuple(caps.index.names) if caps.index.nlevels > 1
                                 else str(caps.index.name or "province"))
    return RegionBounds(by=by, **{side: {k: float(v) for k, v in caps.items()}})


def _minimum_by(data: Dataset) -> str | tuple[str, ...]:
    """``region``, or (region, year ...) on data with more levels than region and program."""
    extra = tuple(level for level in data.levels if level not in ("region", "program"))
    return ("region", *extra) if extra else "region"


def _groups(data: Dataset, levels: list[str]) -> pd.Index:
    """Every distinct (region[, year ...]) of the data's cells."""
    cells = data.cells
    if len(levels) == 1:
        return pd.Index(cells.get_level_values(levels[0]).unique(), name=levels[0])
    return cells.droplevel([n for n in cells.names if n not in levels]).unique()


def _minima(data: Dataset, minimum: Any) -> pd.Series | None:
    """The minimum of every regency (and year ...), Rp bn; ``None`` without one."""
    if minimum is None:
        return None
    groups = _groups(data, ["region", *(lvl for lvl in data.levels
                                        if lvl not in ("region", "program"))])
    if isinstance(minimum, Mapping | pd.Series):
        given = pd.Series(minimum, dtype=float)
        unknown = given.index.difference(groups)
        if len(unknown):
            raise PolicyError(f"two_level: minimum names unknown regencies "
                              f"{list(unknown[:5])}")
        return given.reindex(groups).dropna()
    return pd.Series(float(minimum), index=groups)


def _counts(data: Dataset, counts: Any) -> pd.Series | None:
    """The most recipients of every province (or of those given)."""
    if counts is None:
        return None
    provinces = pd.Index(data.regions["province"].unique(), name="province")
    if isinstance(counts, Mapping | pd.Series):
        given = pd.Series(counts, dtype=float)
        unknown = given.index.difference(provinces)
        if len(unknown):
            raise PolicyError(f"two_level: recipients_per_province names unknown provinces "
                              f"{list(unknown[:5])}")
        return given.astype(int)
    return pd.Series(int(counts), index=provinces)


def _keyed(minimum: pd.Series) -> dict[Any, float]:
    """A minima Series as the ``{group: amount}`` mapping of a rule."""
    return dict(zip(minimum.index, minimum.to_numpy(float), strict=True))


def _sum_to(totals: pd.Series, index: pd.Index) -> np.ndarray:
    """``totals`` (by province, program ...) summed to the levels of ``index``."""
    names = list(index.names)
    summed = totals.groupby(level=names, sort=False).sum()
    return summed.reindex(index).fillna(0.0).to_numpy()


def _excess(rule: str, excess: np.ndarray, tol: float, scale: np.ndarray | None
            ) -> dict[str, Any]:
    """One row of :meth:`TwoLevel.check`: how many groups exceed their bound and by how much."""
    allowed = tol * (1.0 + np.abs(scale)) if scale is not None else np.full(len(excess), tol)
    bad = excess > allowed
    worst = float(excess.max(initial=0.0))
    return {"rule": rule, "groups": len(excess), "violations": int(bad.sum()),
            "worst": max(worst, 0.0), "ok": not bad.any()}
