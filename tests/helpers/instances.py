"""Generated instances: small datasets with a policy drawn by Hypothesis.

2-6 regions x 1-4 programs with a budget, region bounds, a KTI share, a program/channel share,
a value-added target and a ``Maximize`` or ``Weighted`` objective; no sectors or years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import ikmopt as ik


@st.composite
def instances(draw: st.DrawFn) -> tuple[ik.Dataset, ik.Policy]:
    n_regions = draw(st.integers(2, 6))
    n_programs = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    regions = pd.DataFrame(
        {
            "region": [f"R{i}" for i in range(n_regions)],
            "population": rng.integers(100_000, 5_000_000, n_regions),
            "kti": rng.random(n_regions) < 0.5,
            "island": rng.choice(["west", "east", "north"], n_regions),
        }
    )
    programs = pd.DataFrame(
        {"program": [f"P{j}" for j in range(n_programs)],
         "channel": rng.choice(["DAK", "TP"], n_programs)}
    )
    n = n_regions * n_programs
    impacts = pd.DataFrame(
        {
            "region": np.repeat(regions["region"], n_programs).to_numpy(),
            "program": np.tile(programs["program"], n_regions),
            "jobs": np.round(rng.uniform(0, 20, n), 3),
            "value_added": np.round(rng.uniform(0, 5, n), 3),
            "capacity": np.round(rng.uniform(0, 50, n) * (rng.random(n) > 0.15), 2),
        }
    )
    data = ik.Dataset(regions, programs, impacts)
    cap_total = float(impacts["capacity"].sum())
    total = round(draw(st.floats(0.05, 1.2)) * max(cap_total, 1.0), 3)
    spend_all = draw(st.booleans()) and total <= cap_total
    by = None
    if draw(st.booleans()):
        by = {"program": {"P0": round(total * draw(st.floats(0.1, 0.8)), 3)}}
    constraints: list[ik.Constraint] = []
    if draw(st.booleans()):
        constraints.append(ik.RegionBounds(min_share=draw(st.sampled_from([0.0, 0.01, 0.05]))))
    if draw(st.booleans()):
        constraints.append(ik.RegionBounds(max=round(total * draw(st.floats(0.2, 0.9)), 3)))
    if regions["kti"].any() and draw(st.booleans()):
        constraints.append(ik.GroupShare("kti", min=round(draw(st.floats(0.0, 0.7)), 3)))
    if draw(st.booleans()):
        dak = round(draw(st.floats(0, 0.5)), 3)
        constraints.append(ik.ProgramShare(by="channel", min={"DAK": dak})
                           if "DAK" in set(programs["channel"]) else
                           ik.ProgramShare("P0", max=round(draw(st.floats(0.3, 1.0)), 3)))
    if draw(st.booleans()):
        constraints.append(ik.Target("value_added", min=round(total * draw(st.floats(0, 2)), 3)))
    objective = draw(
        st.sampled_from(
            [ik.Maximize("jobs"), ik.Maximize("value_added"),
             ik.Weighted(jobs=1.0, value_added=0.5)]
        )
    )
    policy = ik.Policy(ik.Budget(total=total, by=by, spend_all=spend_all), constraints, objective)
    return data, policy
