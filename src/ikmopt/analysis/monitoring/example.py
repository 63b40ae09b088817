"""An ILLUSTRATIVE mid-year realisation file for a plan on the bundled data.

Nothing here is observed: the file shows what monitoring does. Each region's pace is set by
a stated rule from facts of the regions table:

* ``f_r = clip(1 - 2 (poverty_r - median poverty) / 100, 0.5, 1.1)``: poorer provinces are
  assumed to absorb more slowly (a poverty rate 10 points above the median: 80 % pace);
* the four provinces created in 2022 (``Papua Selatan``, ``Papua Tengah``, ``Papua
  Pegunungan``, ``Papua Barat Daya``), whose administrations were still being set up, get
  ``0.6 f_r``.

Each region and pot then realised ``f_r s_p(q) P_rp`` by the end of quarter ``q`` (capped at
the ceiling ``P_rp``), where ``s_p`` is the absorption profile; DAK fisik also has 30 % of
its ceiling committed (contracted, not yet paid), less what is paid.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ikmopt.analysis.monitoring.profile import AbsorptionProfile
from ikmopt.analysis.monitoring.saved import SavedPlan, load_plan
from ikmopt.core.errors import PolicyError
from ikmopt.data.dataset import Dataset
from ikmopt.data.datasets import load as load_dataset

__all__ = ["NEW_PROVINCES", "example_realisation", "region_pace"]

#: Provinces created in 2022.
NEW_PROVINCES = ("Papua Selatan", "Papua Tengah", "Papua Pegunungan", "Papua Barat Daya")


def region_pace(data: Dataset) -> pd.Series:
    """The ILLUSTRATIVE pace of each region (see the module docstring)."""
    poverty = data.regions["poverty_rate_pct"].astype(float)
    pace = np.clip(1 - 2 * (poverty - poverty.median()) / 100, 0.5, 1.1)
    pace[pace.index.isin(NEW_PROVINCES)] *= 0.6
    return pace.rename("pace")


def example_realisation(plan: object, as_of: str = "Q2", data: Dataset | None = None,
                        profile: AbsorptionProfile | None = None) -> pd.DataFrame:
    """ILLUSTRATIVE cumulative realisation by region, pot and quarter up to ``as_of``.

    Parameters
    ----------
    plan : path, Result or SavedPlan
        A plan with pots on the bundled province dataset.
    as_of : {"Q1", "Q2", "Q3", "Q4"}
    data : Dataset, optional
        Default: the bundled dataset (its regions table gives the poverty rates).
    profile : AbsorptionProfile, optional
        Default: the bundled profile.

    Returns
    -------
    pandas.DataFrame
        Columns ``region``, ``pot``, ``quarter``, ``realisation`` (Rp bn, cumulative) and
        ``committed``; ``attrs["illustrative"]`` is True.
    """
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    if as_of not in quarters:
        raise PolicyError(f"example_realisation: as_of must be one of {quarters}, got {as_of!r}")
    saved: SavedPlan = load_plan(plan)  # type: ignore[arg-type]
    if saved.pots is None or "region" not in saved.levels:
        raise PolicyError("example_realisation: needs a plan with pots by region (the default "
                          "policy's plan on the bundled data)")
    data = load_dataset() if data is None else data
    profile = AbsorptionProfile.default() if profile is None else profile
    pieces = saved.pots.groupby(["region", "pot"], sort=False)["spend"].sum()
    pieces = pieces[pieces > 0]
    pace = region_pace(data).reindex(pieces.index.get_level_values("region")).to_numpy()
    pots = pieces.index.get_level_values("pot")
    frames = []
    for q in quarters[: quarters.index(as_of) + 1]:
        t = (quarters.index(q) + 1) / 4
        paid = np.minimum(pieces.to_numpy() * profile.shares(pots, t) * pace, pieces.to_numpy())
        frames.append(pd.DataFrame({"region": pieces.index.get_level_values("region"),
                                    "pot": pots, "quarter": q, "realisation": paid.round(3)}))
    out = pd.concat(frames, ignore_index=True)
    last = out["quarter"] == as_of
    ceiling = np.tile(pieces.to_numpy(), len(frames))
    committed = np.where(out["pot"].eq("DAK fisik") & last,
                         np.maximum(0.3 * ceiling - out["realisation"], 0.0), 0.0)
    out["committed"] = np.minimum(committed, ceiling - out["realisation"]).round(3)
    out = out.sort_values(["region", "pot", "quarter"], kind="stable").reset_index(drop=True)
    out.attrs["illustrative"] = True
    return out
