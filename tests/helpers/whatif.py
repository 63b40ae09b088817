"""Tables for what-if copies: a new region copied from an existing one."""

from __future__ import annotations

import pandas as pd

import ikmopt as ik


def new_province(data: ik.Dataset, like: str, name: str) -> dict[str, pd.DataFrame]:
    """A new region copied from an existing one (its tables, renamed)."""
    rename = {like: name}
    return {
        "regions": data.regions.loc[[like]].rename(index=rename),
        "impacts": data.impacts.xs(like, level="region", drop_level=False)
        .rename(index=rename, level="region"),
        "curves": data.curves.table.xs(like, level="region", drop_level=False)
        .rename(index=rename, level="region"),
    }
