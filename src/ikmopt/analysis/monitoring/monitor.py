"""Monitoring a plan through the year: absorption gaps, early warnings, year-end projection.

For each group ``g`` the realisation file reports (a region, a region's pot ...), with plan
spend ``P_g`` split over pots ``p`` as ``P_gp`` and the absorption profile ``s_p(t)``:

* expected to date ``E_g = sum_p s_p(t) P_gp``; expected by the year's end
  ``E*_g = sum_p s_p(1) P_gp``;
* realised to date ``R_g`` and committed ``C_g`` (contracted, not yet paid);
* pace ``rho_g = R_g / E_g`` (1 where nothing was expected yet) and gap ``R_g - E_g``;
* a warning where ``rho_g < threshold`` (0.8), critical where ``rho_g < critical`` (0.5);
* year-end projection: the rest of the profile at the group's own pace,
  ``Y_g = clip(R_g + rho_g (E*_g - E_g), R_g + C_g, P_g)``, with an interval from the pace of
  the slowest and fastest tenth of all groups:
  ``[clip(R_g + min(rho_g, rho_10) (E*_g - E_g)), clip(R_g + max(rho_g, rho_90) (E*_g - E_g))]``;
* outcomes at risk: the plan's outcomes minus those of the projected spend, each cell's
  spend scaled by its group's ``Y_g / P_g``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.profile import ANY_POT, AbsorptionProfile
from ikmopt.analysis.monitoring.realisation import Realisation, read_realisation
from ikmopt.analysis.monitoring.replan import MonitoredReplan, replan_rest
from ikmopt.analysis.monitoring.saved import SavedPlan, cell_outcomes, load_plan
from ikmopt.core.errors import PolicyError
from ikmopt.core.units import MONEY_UNIT
from ikmopt.data.dataset import Dataset
from ikmopt.data.datasets import load as load_dataset
from ikmopt.model.policy import Policy
from ikmopt.solving.result import Result

__all__ = ["Monitoring", "monitor", "plan_pieces"]

#: Quantiles of the pace across groups that bound the projection interval.
INTERVAL = (0.1, 0.9)


@dataclass(frozen=True, eq=False)
class Monitoring:
    """A plan, its realisation to date and what they say about the year.

    Build it with :func:`monitor`.

    Attributes
    ----------
    plan : SavedPlan
    data : Dataset
    realisation : Realisation
    profile : AbsorptionProfile
    threshold, critical : float
        Paces below which a group gets a warning, or is critical.
    """

    plan: SavedPlan
    data: Dataset
    realisation: Realisation
    profile: AbsorptionProfile
    threshold: float = 0.8
    critical: float = 0.5

    # ------------------------------------------------------------------ the groups
    @property
    def t(self) -> float:
        """The end of the latest reported period as a share of the year."""
        return self.realisation.t

    @property
    def period(self) -> str:
        """The latest reported period (``Q2``)."""
        return self.realisation.period

    @cached_property
    def _pieces(self) -> pd.DataFrame:
        """The plan's spend by cell and pot, with the pot's expected shares."""
        pieces = plan_pieces(self.plan, self.data)
        pieces["expected"] = pieces["spend"] * self.profile.shares(pieces["pot"], self.t)
        pieces["expected_year"] = pieces["spend"] * self.profile.shares(pieces["pot"], 1.0)
        return pieces

    @cached_property
    def groups(self) -> pd.DataFrame:
        """One row per reported group: money, pace, status and the year-end projection.

        Columns (Rp bn unless said): ``planned`` (the plan's spend, the ceiling),
        ``expected`` (by the profile to date), ``realised``, ``committed``, ``gap``
        (realised - expected), ``pace`` (realised / expected), ``absorbed`` (realised /
        planned), ``status`` (``ok``, ``warning``, ``critical``), ``expected_year`` (by the
        profile at the year's end), ``projected``, ``projected_low``, ``projected_high``
        (year-end realisation) and ``shortfall`` (planned - projected).
        """
        levels = list(self.realisation.levels)
        real = self.realisation.groups
        if levels:
            money = self._pieces.groupby(levels if len(levels) > 1 else levels[0], sort=False)[
                ["expected", "expected_year"]].sum()
        else:
            money = self._pieces[["expected", "expected_year"]].sum().to_frame().T
            money.index = real.index
        out = pd.DataFrame({"planned": real["ceiling"]})
        out["expected"] = money["expected"].reindex(out.index).fillna(0.0)
        out["realised"] = real["realised"]
        out["committed"] = real["committed"]
        out["gap"] = out["realised"] - out["expected"]
        with np.errstate(divide="ignore", invalid="ignore"):
            pace = np.where(out["expected"] > 1e-12, out["realised"] / out["expected"], np.nan)
            out["absorbed"] = out["realised"] / out["planned"]
        out["pace"] = pace
        status = np.where(pace < self.critical, "critical",
                          np.where(pace < self.threshold, "warning", "ok"))
        out["status"] = np.where(np.isnan(pace), "ok", status)
        out["expected_year"] = money["expected_year"].reindex(out.index).fillna(0.0)
        out[["projected", "projected_low", "projected_high"]] = self._projection(out)
        out["shortfall"] = out["planned"] - out["projected"]
        return out

    def _projection(self, groups: pd.DataFrame) -> np.ndarray:
        pace = groups["pace"].to_numpy()
        known = pace[~np.isnan(pace)]
        low, high = (np.quantile(known, INTERVAL) if len(known) else (1.0, 1.0))
        own = np.where(np.isnan(pace), 1.0, pace)
        remaining = np.maximum(groups["expected_year"] - groups["expected"], 0.0).to_numpy()
        floor = (groups["realised"] + groups["committed"]).to_numpy()
        cap = groups["planned"].to_numpy()
        realised = groups["realised"].to_numpy()

        def at(rate: np.ndarray) -> np.ndarray:
            paid = np.maximum(realised + rate * remaining, floor)
            return np.minimum(paid, np.maximum(cap, floor))

        return np.column_stack([at(own), at(np.minimum(own, low)), at(np.maximum(own, high))])

    @property
    def pace_interval(self) -> tuple[float, float]:
        """The 10th and 90th percentile pace across groups (the projection interval's)."""
        known = self.groups["pace"].dropna().to_numpy()
        if not len(known):
            return (1.0, 1.0)
        low, high = np.quantile(known, INTERVAL)
        return float(low), float(high)

    # ------------------------------------------------------------------ views
    def gaps(self, by: str | list[str] | None = None) -> pd.DataFrame:
        """The absorption gap summed to ``by`` (levels of the realisation; default its groups).

        Money columns are sums; ``pace``, ``absorbed`` and ``status`` are recomputed from the
        sums.
        """
        table = self.groups
        if by is None:
            return table
        by = [by] if isinstance(by, str) else list(by)
        unknown = [b for b in by if b not in self.realisation.levels]
        if unknown:
            raise PolicyError(f"gaps(by={unknown}): the realisation file gives no such column; "
                              f"it reports by {list(self.realisation.levels)}")
        money = ["planned", "expected", "realised", "committed", "gap", "expected_year",
                 "projected", "projected_low", "projected_high", "shortfall"]
        out = table.groupby(level=by, sort=False)[money].sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            out["pace"] = np.where(out["expected"] > 1e-12, out["realised"] / out["expected"],
                                   np.nan)
            out["absorbed"] = out["realised"] / out["planned"]
        pace = out["pace"].to_numpy()
        out["status"] = np.where(np.isnan(pace), "ok", np.where(
            pace < self.critical, "critical", np.where(pace < self.threshold, "warning", "ok")))
        return out[table.columns]

    def warnings(self) -> pd.DataFrame:
        """The groups below the threshold, slowest first."""
        table = self.groups
        return table[table["status"] != "ok"].sort_values("pace")

    def totals(self) -> pd.Series:
        """The whole plan: planned, expected, realised, committed, projected (Rp bn) and pace."""
        table = self.groups
        out = table[["planned", "expected", "realised", "committed", "expected_year",
                     "projected", "projected_low", "projected_high", "shortfall"]].sum()
        out["pace"] = out["realised"] / out["expected"] if out["expected"] > 0 else np.nan
        out["absorbed"] = out["realised"] / out["planned"] if out["planned"] > 0 else np.nan
        return out

    @cached_property
    def projected_spend(self) -> np.ndarray:
        """Each cell's projected year-end spend (its plan spend times its group's Y / P)."""
        planned = self._pieces
        factor = (self.groups["projected"] / self.groups["planned"]).replace(np.inf, 0.0)
        levels = list(self.realisation.levels)
        if levels:
            keys = (pd.MultiIndex.from_frame(planned[levels].astype(str)) if len(levels) > 1
                    else pd.Index(planned[levels[0]].astype(str)))
            scale = factor.reindex(keys).fillna(1.0).to_numpy()
        else:
            scale = np.full(len(planned), float(factor.iloc[0]))
        projected = planned.assign(spend=planned["spend"] * scale)
        frame = SavedPlan(projected.groupby(list(self.plan.levels), sort=False)["spend"].sum()
                          .reset_index(), self.plan.levels)
        return frame.spend(self.data)

    def at_risk(self, by: str | None = "region") -> pd.DataFrame:
        """Outcomes the plan promised that the projected spend would not deliver.

        One row per group of ``by`` (a cell level; ``None``: one row for the whole plan),
        columns ``<metric>_planned``, ``<metric>_projected`` and ``<metric>_at_risk`` for
        every metric, and the same for ``spend``.
        """
        planned = cell_outcomes(self.data, self.plan.spend(self.data))
        projected = cell_outcomes(self.data, self.projected_spend)
        columns = ["spend", *self.data.metrics]
        if by is None:
            a, b = planned[columns].sum().to_frame("all").T, projected[columns].sum().to_frame(
                "all").T
        else:
            a = planned[columns].groupby(level=by, sort=False).sum()
            b = projected[columns].groupby(level=by, sort=False).sum()
        out = {}
        for c in columns:
            out[f"{c}_planned"] = a[c]
            out[f"{c}_projected"] = b[c]
            out[f"{c}_at_risk"] = a[c] - b[c]
        return pd.DataFrame(out)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables of the monitoring, ready to write (``to_csv``)."""
        return {
            "groups": self.groups.reset_index(),
            "warnings": self.warnings().reset_index(),
            "at_risk": self.at_risk().reset_index(),
            "totals": self.totals().rename("value").rename_axis("measure").reset_index(),
        }

    def summary(self) -> str:
        """A few lines a director reads: pace, warnings, projection, outcomes at risk."""
        tot = self.totals()
        low, high = tot["projected_low"], tot["projected_high"]
        risk = self.at_risk(None).iloc[0]
        warned = self.warnings()
        units = self.data.metric_units
        risked = "; ".join(f"{risk[f'{m}_at_risk']:,.0f} {units.get(m, m)}"
                           + ("" if units.get(m, m) == m else f" ({m})")
                           for m in self.data.metrics[:2])
        lines = [
            f"Monitoring {Path(self.plan.name).name} as of {self.period} ({self.t:.0%} of the "
            "year)",
            f"  realised      {MONEY_UNIT} {tot['realised']:,.1f} of {tot['planned']:,.1f} "
            f"planned ({tot['absorbed']:.1%}); committed {tot['committed']:,.1f}",
            f"  expected      {MONEY_UNIT} {tot['expected']:,.1f} by the absorption profile: "
            f"pace {tot['pace']:.0%}",
            f"  year end      {MONEY_UNIT} {tot['projected']:,.1f} projected "
            f"[{low:,.1f} - {high:,.1f}], {tot['projected'] / tot['planned']:.1%} of the plan "
            f"(the profile expects {tot['expected_year']:,.1f})",
            f"  at risk       {MONEY_UNIT} {tot['shortfall']:,.1f} unspent; {risked}",
        ]
        if len(warned):
            names = [", ".join(map(str, k)) if isinstance(k, tuple) else str(k)
                     for k in warned.index[:6]]
            lines.append(f"  WARNING       {len(warned)} group(s) below {self.threshold:.0%} of "
                         f"the expected pace: {'; '.join(names)}"
                         + (" ..." if len(warned) > 6 else ""))
        if self.profile_is_illustrative:
            lines.append("  note          the absorption profile's quarter shares are "
                         "ILLUSTRATIVE assumptions")
        return "\n".join(lines)

    @property
    def profile_is_illustrative(self) -> bool:
        """Whether any profile row says it is ILLUSTRATIVE (in its source or note)."""
        text = self.profile.table.drop(columns=["q1", "q2", "q3", "q4"]).astype(str)
        return bool(text.apply(lambda c: c.str.contains("ILLUSTRATIVE")).to_numpy().any())

    def __str__(self) -> str:
        return self.summary()

    def replan(self, policy: Policy | None = None, **options: Any) -> MonitoredReplan:
        """Reallocate the money slow groups will not spend (see :func:`replan_rest`)."""
        return replan_rest(self, policy, **options)

    def report(self, path: str | Path, lang: str = "en", *,
               replan: MonitoredReplan | None = None, format: str | None = None,
               title: str | None = None) -> Path:
        """Write the monitoring report (*Laporan pemantauan realisasi*).

        HTML (one self-contained page) or, for a ``.xlsx`` path or ``format="xlsx"``, a
        workbook with the same tables; in English (``lang="en"``) or Bahasa Indonesia
        (``"id"``). With ``replan=`` (from :meth:`replan`) it has the re-plan too.
        """
        from ikmopt.report.monitoring import write_monitoring_report  # face hook

        return write_monitoring_report(self, path, lang, replan=replan, format=format,
                                       title=title)


def monitor(
    plan: str | Path | Result | SavedPlan,
    realisation: pd.DataFrame | str | Path,
    data: Dataset | None = None,
    *,
    profile: AbsorptionProfile | pd.DataFrame | str | Path | None = None,
    commitments: pd.DataFrame | str | Path | None = None,
    cumulative: bool = True,
    threshold: float = 0.8,
    critical: float = 0.5,
    sheet: str | None = None,
) -> Monitoring:
    """Compare a saved plan with its realisation to date.

    Parameters
    ----------
    plan : path, Result or SavedPlan
        The plan being monitored (see :func:`load_plan`).
    realisation : DataFrame or path
        Realisation to date (see :func:`~ikmopt.analysis.monitoring.realisation.read_realisation`).
    data : Dataset, optional
        The dataset the plan was made on (default: the bundled one); checked against the plan.
    profile : AbsorptionProfile or table, optional
        Expected cumulative absorption per pot (default: the bundled, ILLUSTRATIVE one).
    commitments : DataFrame or path, optional
        Money contracted but not yet paid, by the realisation's groups.
    cumulative : bool, default True
        Whether the amounts are cumulative since January.
    threshold, critical : float, default 0.8 and 0.5
        Paces (realised / expected to date) below which a group gets a warning or is critical.
    sheet : str, optional
        The sheet of a realisation workbook.

    Examples
    --------
    >>> import ikmopt as ik
    >>> data = ik.datasets.load()
    >>> plan = ik.optimize(data, ik.default_policy())
    >>> real = ik.monitoring.example_realisation(plan, "Q2")
    >>> m = ik.monitor(plan, real, data)
    >>> m.period
    'Q2'
    """
    if not 0 < critical <= threshold <= 1.5:
        raise PolicyError(f"monitor: need 0 < critical <= threshold (got critical={critical}, "
                          f"threshold={threshold})")
    saved = load_plan(plan)
    if data is None:
        data = plan.data if isinstance(plan, Result) else load_dataset()
    saved.check_against(data)
    if profile is None:
        profile = AbsorptionProfile.default()
    elif not isinstance(profile, AbsorptionProfile):
        profile = AbsorptionProfile.from_table(profile)
    real = read_realisation(realisation, saved, cumulative=cumulative, commitments=commitments,
                            sheet=sheet)
    return Monitoring(saved, data, real, profile, float(threshold), float(critical))


def plan_pieces(plan: SavedPlan, data: Dataset) -> pd.DataFrame:
    """The plan's spend by cell and pot (columns: the levels, ``pot``, ``spend`` > 0).

    A plan saved without pots takes each program's one pot from the programs table's
    ``pots`` column, and ``all`` (the profile's row for any money) where a program has none
    or several.
    """
    levels = list(plan.levels)
    if plan.pots is not None:
        pieces = plan.pots[[*levels, "pot", "spend"]].copy()
    else:
        pieces = plan.allocation[[*levels, "spend"]].copy()
        pieces["pot"] = _program_pots(data, pieces)
    return pieces[pieces["spend"] > 0].reset_index(drop=True)


def _program_pots(data: Dataset, pieces: pd.DataFrame) -> np.ndarray:
    """The one pot funding each piece's program (``all`` where none or several)."""
    programs = data.programs
    if "program" not in pieces.columns or "pots" not in programs.columns:
        return np.full(len(pieces), ANY_POT, dtype=object)
    names = programs["pots"].astype(str).str.split(";")
    single = names.map(lambda p: p[0].strip() if len(p) == 1 and p[0].strip() else ANY_POT)
    return pieces["program"].map(single).fillna(ANY_POT).to_numpy(dtype=object)
