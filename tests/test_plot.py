"""Charts: frontiers, allocations, program mixes and Lorenz curves, drawn headless."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt import plot
from ikmopt.analysis.frontier import frontier

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def tiny_policy(*constraints: ik.Constraint) -> ik.Policy:
    return ik.Policy(budget=ik.Budget(total=60), constraints=constraints)


def test_frontier_plot(tiny, provinces):
    from matplotlib.axes import Axes

    fr = frontier(tiny, tiny_policy(), x="jobs", y="value_added", n=5)
    ax = fr.plot()
    assert isinstance(ax, Axes)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "frontier")
    assert line.get_xdata() == pytest.approx(fr.points["jobs"].to_numpy())
    assert line.get_ydata() == pytest.approx(fr.points["value_added"].to_numpy())
    assert ax.get_xlabel() == "jobs"
    assert ax.get_ylabel() == "value_added"  # the tiny data declares no units
    labelled = frontier(provinces, ik.default_policy(), x="jobs", y="value_added", n=3).plot()
    assert labelled.get_ylabel() == "value_added (Rp bn per year)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["frontier", "max value_added", "max jobs"]


def test_allocation_by_region(provinces):
    from matplotlib.axes import Axes

    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.allocation_by_region(result, top=10)
    assert isinstance(ax, Axes)
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top of the chart first
    widths = [b.get_width() for b in bars]
    expected = result.by("region")["spend"].sort_values(ascending=False).head(10)
    assert widths == pytest.approx(expected.to_numpy())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == list(expected.index)  # largest first, at the top
    groups = provinces.regions["island_group"].reindex(expected.index)
    colour_of = {}
    for bar, group in zip(bars, groups, strict=True):
        colour_of.setdefault(group, bar.get_facecolor())
        assert bar.get_facecolor() == colour_of[group]
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert legend == set(groups)
    # an Evaluation draws the same way, all regions by default
    ax = plot.allocation_by_region(ik.evaluate(provinces, result.allocation))
    assert len(ax.patches) == len(provinces.regions)


def test_program_mix(provinces, tiny):
    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.program_mix(result)
    heights = [p.get_height() for p in ax.patches]
    assert heights == pytest.approx(
        result.by("program")["spend"].reindex(provinces.programs.index).to_numpy()
    )
    stacked = plot.program_mix(result, stack="island_group")
    assert sum(p.get_height() for p in stacked.patches) == pytest.approx(result.outcomes["spend"])
    no_groups = ik.Dataset(
        tiny.regions.drop(columns="island_group").reset_index(),
        tiny.programs.reset_index(), tiny.impacts.reset_index(),
    )
    ax = plot.allocation_by_region(ik.optimize(no_groups, tiny_policy()))
    assert ax.get_legend() is None and len(ax.patches) == 3


@pytest.mark.parametrize("of", ["spend", "jobs"])
def test_lorenz_curve(provinces, of):
    from matplotlib.axes import Axes

    result = ik.optimize(provinces, ik.default_policy())
    ax = plot.lorenz(result, of=of)
    assert isinstance(ax, Axes)
    curve = next(ln for ln in ax.get_lines() if ln.get_label() == "Lorenz curve")
    x, y = np.asarray(curve.get_xdata()), np.asarray(curve.get_ydata())
    assert (x[0], y[0]) == (0.0, 0.0)
    assert (x[-1], y[-1]) == pytest.approx((1.0, 1.0), abs=1e-12)
    assert len(x) == len(provinces.regions) + 1
    slopes = np.diff(y) / np.diff(x)
    assert (np.diff(slopes) >= -1e-9 * slopes.max()).all()  # convex
    assert (y <= x + 1e-12).all()  # below the diagonal
    gini = result.equity[(of, "gini")]
    area_gini = 1 - np.sum(np.diff(x) * (y[1:] + y[:-1]))
    assert area_gini == pytest.approx(gini, rel=1e-9)
    assert f"Gini {gini:.3f}" in ax.get_title()
    assert any(ln.get_label() == "equality" for ln in ax.get_lines())


def test_lorenz_from_an_evaluation_and_bad_input(tiny):
    equal = pd.Series(1.0, index=tiny.cells)
    ev = ik.evaluate(tiny, equal)
    _, _, gini = plot.lorenz_points(ev)
    assert gini == pytest.approx(ev.equity[("spend", "gini")])
    assert plot.lorenz(ev).get_title().endswith(f"(Gini {gini:.3f})")
    with pytest.raises(ik.DataError, match="of='exports'"):
        plot.lorenz(ev, of="exports")
    with pytest.raises(ik.DataError, match="nothing to draw"):
        plot.lorenz(ik.evaluate(tiny, equal * 0))


def test_headless_backend_is_agg_unless_chosen():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    code = ("import ikmopt.plot as p, matplotlib; p.pyplot(); "
            "print(matplotlib.get_backend().lower())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.strip()
    if sys.platform.startswith("linux"):
        assert out == "agg"
    chosen = subprocess.run(
        [sys.executable, "-c", "import matplotlib; matplotlib.use('pdf'); " + code],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert chosen == "pdf"
