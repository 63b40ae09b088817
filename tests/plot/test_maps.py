"""Choropleth maps: every region drawn once, in the colour of its value, as PNG and SVG."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from importlib import resources
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import ikmopt as ik
from ikmopt import plot
from ikmopt.plot import boundaries, maps

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]
#: The regency table of the shared data folder, where this checkout sits beside it.
REGENCIES_CSV = ROOT.parent / "shared" / "data" / "regencies" / "regencies.csv"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(scope="module")
def result(provinces):
    return ik.optimize(provinces, ik.default_policy())


@pytest.fixture(scope="module")
def regencies() -> pd.DataFrame:
    """The 514 regencies: ``kemendagri_code``, ``name`` and ``population``.

    From ``shared/data/regencies/regencies.csv`` where it exists; elsewhere from the bundled
    boundaries with made-up populations.
    """
    if REGENCIES_CSV.exists():
        table = pd.read_csv(REGENCIES_CSV, dtype={"kemendagri_code": str})
        return table[["kemendagri_code", "name", "population"]]
    outlines = boundaries.load("regency")
    return pd.DataFrame({"kemendagri_code": list(outlines.codes),
                         "name": [outlines.names[c] for c in outlines.codes],
                         "population": 1000.0 + np.arange(len(outlines.codes))})


def region_patches(ax) -> dict[str, list]:
    """The region patches of a map by Kemendagri code (from their ``gid``)."""
    found: dict[str, list] = {}
    for patch in ax.patches:
        gid = patch.get_gid() or ""
        if gid.startswith("region-"):
            found.setdefault(gid.removeprefix("region-"), []).append(patch)
    return found


def colourbar(ax):
    (bar,) = [other for other in ax.figure.axes if other is not ax]
    return bar


def expected_colours(values: pd.Series, cmap: str, vmin: float, vmax: float) -> pd.Series:
    norm = matplotlib.colors.Normalize(vmin, vmax)
    colours = matplotlib.colormaps[cmap](norm(values.to_numpy()))
    return pd.Series(list(map(tuple, colours)), index=values.index)


def assert_coloured(ax, values: pd.Series, cmap: str, vmin: float, vmax: float) -> None:
    patches = region_patches(ax)
    for code, colour in expected_colours(values, cmap, vmin, vmax).items():
        assert patches[code][0].get_facecolor() == pytest.approx(colour), code


def svg_region_ids(svg: str) -> list[str]:
    return re.findall(r'<g id="region-([0-9.]+)"', svg)


# ---------------------------------------------------------------- province maps


def test_province_map_of_a_plan(result, provinces):
    ax = plot.map(result)
    patches = region_patches(ax)
    assert sorted(patches) == sorted(boundaries.load("province").codes)
    assert all(len(drawn) == 1 for drawn in patches.values())  # every province once
    spend = result.by("region")["spend"]
    codes = provinces.regions["kemendagri_code"].reindex(spend.index)
    by_code = pd.Series(spend.to_numpy(), index=codes.to_numpy())
    assert_coloured(ax, by_code, "YlGnBu", by_code.min(), by_code.max())
    bar = colourbar(ax)
    assert bar.get_xlabel() == "spend (Rp bn)"
    assert bar.get_xlim() == pytest.approx((by_code.min(), by_code.max()))
    assert ax.get_title() == "Spend by province"
    assert ax.get_aspect() == 1.0  # equirectangular, aspect 1
    assert any(t.get_text() == "ILLUSTRATIVE data" for t in ax.texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["island group"]  # every province has a value: no "no data" entry


def test_codes_are_looked_up_not_derived(result, provinces):
    # Papua's BPS code is not its Kemendagri code: the map uses the Kemendagri one
    regions = provinces.regions
    assert regions.loc["Papua", "bps_code"] != regions.loc["Papua", "kemendagri_code"]
    ax = plot.map(result, "jobs")
    jobs = result.by("region")["jobs"]
    colours = expected_colours(jobs, "YlGnBu", jobs.min(), jobs.max())
    drawn = region_patches(ax)[regions.loc["Papua", "kemendagri_code"]][0]
    assert drawn.get_facecolor() == pytest.approx(colours["Papua"])
    assert colourbar(ax).get_xlabel() == "jobs (jobs)"


def test_per_capita_map(result, provinces):
    ax = plot.map(result, "jobs", per_capita=True)
    per_capita = result.per_capita["jobs"]
    per_capita.index = provinces.regions["kemendagri_code"].reindex(per_capita.index)
    assert_coloured(ax, per_capita, "YlGnBu", per_capita.min(), per_capita.max())
    assert colourbar(ax).get_xlabel() == "jobs (jobs per 100,000 inhabitants)"
    assert ax.get_title() == "Jobs per 100,000 inhabitants by province"
    spend = plot.map(result, per_capita=True)
    assert colourbar(spend).get_xlabel() == "spend (Rp per inhabitant)"
    assert spend.get_title() == "Spend per inhabitant by province"


def test_change_map_is_centred_on_zero(result, provinces):
    spend = result.by("region")["spend"]
    change = (spend - spend.mean()).rename("change")
    table = change.to_frame()
    ax = plot.map(table, "change", data=provinces)
    by_code = pd.Series(change.to_numpy(),
                        index=provinces.regions["kemendagri_code"].reindex(change.index))
    largest = by_code.abs().max()
    assert_coloured(ax, by_code, "RdBu", -largest, largest)
    assert colourbar(ax).get_xlim() == pytest.approx((-largest, largest))
    assert colourbar(ax).get_xlabel() == "change (Rp bn)"
    # limits given: as given, and the sequential colour map
    fixed = plot.map(table, "change", data=provinces, vmin=-5, vmax=5, cmap="viridis")
    assert_coloured(fixed, by_code.clip(-5, 5), "viridis", -5, 5)


def test_missing_values_are_grey_with_a_legend_entry(result, provinces):
    spend = result.by("region")["spend"].copy()
    spend["Aceh"] = np.nan
    spend = spend.drop(index="Bali")
    ax = plot.map(spend, data=result, unit="Rp bn", title="Some provinces")
    patches = region_patches(ax)
    assert len(patches) == 38
    grey = matplotlib.colors.to_rgba(maps.NO_DATA)
    for region in ("Aceh", "Bali"):
        code = provinces.regions.loc[region, "kemendagri_code"]
        assert patches[code][0].get_facecolor() == pytest.approx(grey)
    others = [p[0].get_facecolor() for c, p in patches.items() if c not in ("11", "51")]
    assert all(colour != pytest.approx(grey) for colour in others)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["no data", "island group"]
    assert ax.get_title() == "Some provinces"
    assert colourbar(ax).get_xlabel() == "spend (Rp bn)"


def test_a_series_by_code_needs_no_dataset():
    values = pd.Series({"31": 1.0, "91": 3.0}, name="units")
    ax = plot.map(values, unit="")
    patches = region_patches(ax)
    assert len(patches) == 38
    assert_coloured(ax, values, "YlGnBu", 1.0, 3.0)
    assert colourbar(ax).get_xlabel() == "units"  # no unit known, none shown
    assert not any(t.get_text() == "ILLUSTRATIVE data" for t in ax.texts)


def test_island_group_outlines(result, provinces):
    ax = plot.map(result)
    outlines = [p.get_gid() for p in ax.patches if (p.get_gid() or "").startswith("island-")]
    groups = list(dict.fromkeys(provinces.regions["island_group"]))
    assert outlines == ["island-group-" + re.sub(r"[^A-Za-z0-9]+", "-", g) for g in groups]
    codes = [c for members in maps.island_groups().values() for c in members]
    assert sorted(codes) == sorted(boundaries.load("province").codes)
    plain = plot.map(result, outlines=False)
    assert not [p for p in plain.patches if not p.get_gid().startswith("region-")]


# ---------------------------------------------------------------- regency maps


def test_regency_map_by_code(regencies):
    values = regencies.set_index("kemendagri_code")["population"]
    ax = plot.map(values, unit="persons")
    patches = region_patches(ax)
    assert sorted(patches) == sorted(values.index) == list(boundaries.load("regency").codes)
    assert all(len(drawn) == 1 for drawn in patches.values())
    assert_coloured(ax, values, "YlGnBu", values.min(), values.max())
    borders = [p for p in ax.patches if (p.get_gid() or "").startswith("province-border-")]
    assert len(borders) == 38
    assert ax.get_title() == "Population by regency"
    assert colourbar(ax).get_xlabel() == "population (persons)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["island group", "province"]


def test_regency_map_by_label_through_a_regions_table(regencies):
    regions = regencies.set_index("name")[["kemendagri_code"]]
    values = regencies.set_index("name")["population"].iloc[::2]  # half of them
    ax = plot.map(values, data=regions, level="regency")
    patches = region_patches(ax)
    assert len(patches) == 514
    codes = regions["kemendagri_code"].reindex(values.index)
    assert_coloured(ax, pd.Series(values.to_numpy(), index=codes.to_numpy()), "YlGnBu",
                    values.min(), values.max())
    grey = matplotlib.colors.to_rgba(maps.NO_DATA)
    undrawn = set(regencies["kemendagri_code"]) - set(codes)
    assert len(undrawn) == 257
    assert all(patches[c][0].get_facecolor() == pytest.approx(grey) for c in undrawn)
    assert "no data" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_extent(regencies):
    values = pd.Series({"33.01": 1.0, "33.72": 2.0, "34.71": np.nan})
    ax = plot.map(values, extent="data")
    paths = maps.region_paths("regency")
    points = np.concatenate([paths[c].vertices for c in ("33.01", "33.72")])
    assert ax.get_xlim() == pytest.approx((points[:, 0].min() - maps.MARGIN,
                                           points[:, 0].max() + maps.MARGIN))
    assert ax.get_ylim() == pytest.approx((points[:, 1].min() - maps.MARGIN,
                                           points[:, 1].max() + maps.MARGIN))
    assert len(region_patches(ax)) == 514  # the others are still drawn, outside the view
    everything = plot.map(values)
    west, south, east, north = boundaries.load("regency").bounds
    assert everything.get_xlim() == pytest.approx((west - maps.MARGIN, east + maps.MARGIN))
    assert everything.get_ylim() == pytest.approx((south - maps.MARGIN, north + maps.MARGIN))
    box = plot.map(values, extent=(105, -9, 115, -5))
    assert (box.get_xlim(), box.get_ylim()) == ((105, 115), (-9, -5))
    with pytest.raises(ik.PolicyError, match="extent='java'"):
        plot.map(values, extent="java")
    with pytest.raises(ik.PolicyError, match="west < east"):
        plot.map(values, extent=(115, -9, 105, -5))


def test_the_shared_regency_table_matches_the_bundled_boundaries():
    if not REGENCIES_CSV.exists():
        pytest.skip("no shared/data/regencies/regencies.csv beside this checkout")
    table = pd.read_csv(REGENCIES_CSV, dtype={"kemendagri_code": str})
    outlines = boundaries.load("regency")
    assert sorted(table["kemendagri_code"]) == list(outlines.codes)
    assert dict(zip(table["kemendagri_code"], table["name"], strict=True)) == outlines.names


# ---------------------------------------------------------------- geometry


def test_rings_are_oriented_and_closed():
    for level in boundaries.LEVELS:
        outlines = boundaries.load(level)
        for rings in outlines.rings.values():
            for ring in rings:
                assert np.array_equal(ring[0], ring[-1])
        west, south, east, north = outlines.bounds
        assert 94.9 < west < 95.1 and 141 < east < 141.1 and south > -11.1 and north < 6.1


def _largest_hole() -> tuple[str, np.ndarray]:
    holes = []
    for code, rings in boundaries.load("regency").rings.items():
        for ring in rings:
            x, y = ring[:, 0], ring[:, 1]
            area = 0.5 * (np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))
            if area < 0:
                holes.append((-area, code, ring))
    assert len(holes) >= 10  # kota enclosed by their kabupaten
    _, code, ring = max(holes, key=lambda h: h[0])
    return code, ring


def test_holes_stay_open():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    code, hole = _largest_hole()
    path = maps.region_paths("regency")[code]
    fig = Figure(figsize=(4, 4), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.add_patch(PathPatch(path, facecolor="red", edgecolor="none"))
    ax.set_xlim(hole[:, 0].min() - 0.05, hole[:, 0].max() + 0.05)
    ax.set_ylim(hole[:, 1].min() - 0.05, hole[:, 1].max() + 0.05)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())

    def pixel(point):
        x, y = ax.transData.transform(point)
        return tuple(int(v) for v in pixels[int(fig.bbox.height - y), int(x), :3])

    centre = hole[:-1].mean(axis=0)
    assert MplPath(hole).contains_point(centre)
    assert pixel(centre) == (255, 255, 255)  # the hole is not filled
    # just outside the hole, away from its centre, the regency is filled
    outside = [v + 0.02 * (v - centre) / np.linalg.norm(v - centre) for v in hole[:-1]]
    outside = [q for q in outside if path.contains_point(q)
               and not MplPath(hole).contains_point(q)]
    assert outside
    assert pixel(outside[len(outside) // 2]) == (255, 0, 0)


# ---------------------------------------------------------------- PNG and SVG


@pytest.mark.parametrize("level", ["province", "regency"])
def test_every_level_renders_to_png_and_svg(level, regencies, result):
    if level == "province":
        source, options = result, {}
    else:
        source = regencies.set_index("kemendagri_code")["population"]
        options = {"unit": "persons"}
    ax = plot.map(source, **options)
    png = io.BytesIO()
    ax.figure.savefig(png, format="png", dpi=60)
    assert png.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    svg = plot.map_svg(source, **options)
    ids = svg_region_ids(svg)
    codes = boundaries.load(level).codes
    assert sorted(ids) == list(codes)  # every region once: none missing, none twice
    assert svg.startswith("<svg")
    assert plot.map_svg(source, **options) == svg  # byte-identical for the same input
    assert "<metadata" not in svg and "dc:date" not in svg
    other_salt = plot.map_svg(source, salt="another", **options)
    assert sorted(svg_region_ids(other_salt)) == list(codes)


def test_the_png_shows_the_colour_of_each_value(result, provinces):
    ax = plot.map(result, "jobs")
    ax.figure.canvas.draw()
    pixels = np.asarray(ax.figure.canvas.buffer_rgba())
    height = ax.figure.bbox.height
    jobs = result.by("region")["jobs"]
    colours = expected_colours(jobs, "YlGnBu", jobs.min(), jobs.max())
    for region in ("Kalimantan Tengah", "Papua Pegunungan", "Jawa Tengah"):
        path = maps.region_paths("province")[provinces.regions.loc[region, "kemendagri_code"]]
        middle = np.median(path.vertices, axis=0)
        assert path.contains_point(middle), region
        x, y = ax.transData.transform(middle)
        drawn = pixels[int(height - y), int(x), :3] / 255
        assert drawn == pytest.approx(colours[region][:3], abs=2 / 255), region


def test_svg_coordinates_are_compact():
    svg = plot.map_svg(pd.Series({"31": 1.0, "32": 2.0}))
    paths = re.findall(r' d="([^"]*)"', svg)
    assert paths and not any("\n" in d for d in paths)
    numbers = [n for d in paths for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    assert max(len(n.partition(".")[2]) for n in numbers) == 1


# ---------------------------------------------------------------- errors


def test_unknown_codes_are_named():
    with pytest.raises(ik.DataError, match=r"no regency boundary.*'99\.99'") as err:
        plot.map(pd.Series({"11.01": 1.0, "99.99": 2.0}))
    assert err.value.failure_cases["label"].tolist() == ["99.99"]
    with pytest.raises(ik.DataError, match=r"no province boundary.*'11\.01'"):
        plot.map(pd.Series({"11.01": 1.0}), level="province")
    with pytest.raises(ik.DataError, match="both province and regency codes"):
        plot.map(pd.Series({"11": 1.0, "11.01": 2.0}))
    with pytest.raises(ik.DataError, match=r"pass data=.*\['Aceh'\]|\['Aceh'\].*pass data="):
        plot.map(pd.Series({"Aceh": 1.0}))


def test_regions_without_a_kemendagri_code_are_named(provinces):
    spend = pd.Series(1.0, index=provinces.regions.index, name="spend")
    with pytest.raises(ik.DataError, match="kemendagri_code"):
        plot.map(spend, data=provinces.regions.drop(columns="kemendagri_code"))
    regions = provinces.regions.copy()
    regions.loc[["Bali", "Papua"], "kemendagri_code"] = np.nan
    with pytest.raises(ik.DataError, match="missing Kemendagri code at 'Bali', 'Papua'"):
        plot.map(spend, data=regions)
    with pytest.raises(ik.DataError,
                       match=r"not a region .*'Acehh' \(did you mean 'Aceh'\?\)\] at 'Acehh'"):
        plot.map(pd.Series({"Acehh": 1.0}), data=provinces)


def test_a_dataset_without_codes_cannot_be_mapped(tiny):
    plan = ik.optimize(tiny, ik.Policy(budget=ik.Budget(total=60)))
    with pytest.raises(ik.DataError, match="column 'kemendagri_code': no Kemendagri code"):
        plot.map(plan)


def test_duplicate_codes_are_an_error(provinces):
    regions = provinces.regions.copy()
    regions.loc["Papua Tengah", "kemendagri_code"] = "91"
    spend = pd.Series(1.0, index=regions.index)
    with pytest.raises(ik.DataError, match=r"drawn twice.*'91' \(Papua and Papua Tengah\)"):
        plot.map(spend, data=regions)
    with pytest.raises(ik.DataError, match=r"drawn twice.*'31'"):
        plot.map(pd.Series([1.0, 2.0], index=["31", "31"]))


def test_bad_values_and_arguments(result, provinces):
    with pytest.raises(ik.PolicyError, match="did you mean 'jobs'"):
        plot.map(result, "job")
    with pytest.raises(ik.PolicyError, match="per_capita"):
        plot.map(pd.Series({"11": 1.0}), per_capita=True)
    with pytest.raises(ik.PolicyError, match="level='kabupaten'"):
        plot.map(pd.Series({"11": 1.0}), level="kabupaten")
    with pytest.raises(ik.PolicyError, match="data="):
        plot.map(result, data=provinces)
    with pytest.raises(ik.PolicyError, match="cannot draw a list"):
        plot.map([1.0, 2.0])
    with pytest.raises(ik.DataError, match="no value to draw"):
        plot.map(pd.Series({"11": np.nan, "12": np.nan}))
    with pytest.raises(ik.DataError, match=r"not numbers at \['12'\]"):
        plot.map(pd.Series({"11": 1.0, "12": "many"}))
    with pytest.raises(ik.DataError, match=r"infinite at \['12'\]"):
        plot.map(pd.Series({"11": 1.0, "12": np.inf}))


# ---------------------------------------------------------------- packaging


def test_importing_ikmopt_loads_no_matplotlib():
    code = ("import sys, ikmopt, ikmopt.plot, ikmopt.plot.maps; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_boundaries_are_package_data():
    geo = resources.files("ikmopt.plot") / "geo"
    files = sorted(f.name for f in geo.iterdir() if f.is_file())
    assert files == ["LICENSE-boundaries.txt", "SOURCES.md", "provinces.geojson",
                     "regencies.geojson"]
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["ikmopt"]
    for name in files:
        assert any(fnmatch(f"plot/geo/{name}", p) for p in patterns), name
    assert "MIT License" in (geo / "LICENSE-boundaries.txt").read_text(encoding="utf-8")
