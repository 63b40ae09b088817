"""Choropleth maps of a plan at province or regency level, from the bundled boundaries.

No network and no tiles: the boundaries ship with the package (see
:mod:`ikmopt.plot.boundaries`) and are drawn as matplotlib paths, one patch per region, with
holes (a kota enclosed by its kabupaten) left open.

Projection
    Equirectangular (plate carrée) on the equator: x is longitude and y latitude, in degrees,
    drawn with aspect 1. Indonesia lies between 11° S and 6° N, where this projection
    stretches east-west distances by at most 1/cos(11°), under 2 %; Mercator would stretch
    both directions by as much and areas by up to 4 %, for no visible gain.

Outlines
    Regions are filled and edged in thin white. Each island group (Sumatera, Jawa,
    Bali-Nusa Tenggara, Kalimantan, Sulawesi, Maluku, Papua: the ``island_group`` of the
    bundled ``indonesia-provinces`` regions, looked up by Kemendagri code) is outlined
    by a thick dark line along its outer edge: the line is drawn around the group's
    provinces *under* the fills, so only its outer half shows and the borders inside the
    group stay thin. On a regency map the province borders are drawn on top in medium grey.
"""

from __future__ import annotations

import functools
import io
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from ikmopt.core.errors import PolicyError
from ikmopt.data.datasets import load as load_dataset
from ikmopt.data.metadata import ILLUSTRATIVE_MARK
from ikmopt.plot import boundaries
from ikmopt.plot.figures import axes
from ikmopt.plot.mapdata import CODE_COLUMN, MapValues, map_values

if TYPE_CHECKING:
    import pandas as pd

    from ikmopt.data.dataset import Dataset
    from ikmopt.solving.evaluate import Evaluation
    from ikmopt.solving.result import Result

__all__ = ["FIGSIZE", "NO_DATA", "island_groups", "map", "map_svg", "region_paths"]

#: Size of a new map's figure, inches.
FIGSIZE = (10.0, 4.6)
#: Fill of a region without a value.
NO_DATA = "#d0d0d0"
#: Colour maps: values of one sign, and values of both signs (centred on zero).
SEQUENTIAL, DIVERGING = "YlGnBu", "RdBu"
#: Colour and width (points) of the region edges, of the province borders on a regency map
#: and of the island-group outlines.
EDGE = {"province": ("#7f7f7f", 0.3), "regency": ("white", 0.15)}
PROVINCE_BORDER = ("#595959", 0.45)
ISLAND_GROUP_OUTLINE = ("#262626", 1.6)
#: Degrees of sea around the country.
MARGIN = 0.5
#: Salt of the SVG ids (clip paths) of :func:`map_svg`.
SVG_SALT = "ikmopt-map"
#: Decimals of the SVG path coordinates, in points (0.1 pt is 0.006°, 700 m, on a map
#: 10 inches wide, a fifth of a pixel on a screen that shows it 1,000 pixels wide).
SVG_DECIMALS = 1
_PATH_DATA = re.compile(r'(?<= d=")[^"]*')
_COMMAND = re.compile(r"([A-Za-z])([^A-Za-z]*)")


def _path(rings: tuple[np.ndarray, ...]) -> Any:
    """One compound path of all ``rings`` (move to the first point of each, then lines)."""
    from matplotlib.path import Path  # heavy, optional (ikmopt[plot]): loaded with the map

    vertices = np.concatenate(rings)
    codes = np.full(len(vertices), Path.LINETO, dtype=Path.code_type)
    codes[np.cumsum([0] + [len(r) for r in rings[:-1]])] = Path.MOVETO
    return Path(vertices, codes)


@functools.cache
def region_paths(level: str) -> dict[str, Any]:
    """The matplotlib path of every region of ``level``, by Kemendagri code (cached).

    Outer rings run counter-clockwise and holes clockwise, so a filled path leaves its holes
    open under matplotlib's non-zero fill rule.
    """
    outlines = boundaries.load(level)
    return {code: _path(outlines.rings[code]) for code in outlines.codes}


@functools.cache
def island_groups() -> dict[str, tuple[str, ...]]:
    """The Kemendagri codes of the provinces of each island group, in the dataset's order.

    Looked up in the bundled ``indonesia-provinces`` regions table (``kemendagri_code`` and
    ``island_group``).
    """
    regions = load_dataset("indonesia-provinces").regions
    groups: dict[str, list[str]] = {}
    for code, group in zip(regions[CODE_COLUMN].astype(str), regions["island_group"].astype(str),
                           strict=True):
        groups.setdefault(group, []).append(code)
    return {group: tuple(codes) for group, codes in groups.items()}


def _scale(values: np.ndarray, cmap: Any, vmin: float | None, vmax: float | None
           ) -> tuple[Any, Any]:
    """The norm and colour map: symmetric about zero for values of both signs."""
    import matplotlib  # heavy, optional (ikmopt[plot]): loaded with the map
    from matplotlib.colors import Normalize  # heavy, optional: loaded with the map

    finite = values[np.isfinite(values)]
    low, high = float(finite.min()), float(finite.max())
    diverging = vmin is None and vmax is None and low < 0 < high
    if diverging:
        low, high = -max(-low, high), max(-low, high)
    norm = Normalize(low if vmin is None else vmin, high if vmax is None else vmax)
    if cmap is None:
        cmap = DIVERGING if diverging else SEQUENTIAL
    return norm, matplotlib.colormaps.get_cmap(cmap)


def _fills(ax: Any, shown: MapValues, norm: Any, cmap: Any) -> int:
    """One patch per region of the level; returns how many have no value."""
    from matplotlib.patches import PathPatch  # heavy, optional: loaded with the map

    values = shown.values.reindex(boundaries.load(shown.level).codes)
    colours = cmap(norm(values.to_numpy()))
    missing = ~np.isfinite(values.to_numpy())
    edge, width = EDGE[shown.level]
    paths = region_paths(shown.level)
    for k, code in enumerate(values.index):
        face = NO_DATA if missing[k] else tuple(colours[k])
        ax.add_artist(PathPatch(paths[code], facecolor=face, edgecolor=edge, linewidth=width,
                                zorder=2, gid=f"region-{code}"))
    return int(missing.sum())


def _outlines(ax: Any, level: str) -> None:
    """Island-group outlines under the fills; province borders over a regency map's fills."""
    from matplotlib.patches import PathPatch  # heavy, optional: loaded with the map

    provinces = boundaries.load("province")
    colour, width = ISLAND_GROUP_OUTLINE
    for group, codes in island_groups().items():
        rings = tuple(r for code in codes if code in provinces.rings for r in provinces.rings[code])
        name = re.sub(r"[^A-Za-z0-9]+", "-", group).strip("-")
        ax.add_artist(PathPatch(_path(rings), facecolor="none", edgecolor=colour,
                                linewidth=width, joinstyle="round", capstyle="round",
                                zorder=1, gid=f"island-group-{name}"))
    if level == "regency":
        colour, width = PROVINCE_BORDER
        for code, path in region_paths("province").items():
            ax.add_artist(PathPatch(path, facecolor="none", edgecolor=colour, linewidth=width,
                                    joinstyle="round", zorder=3, gid=f"province-border-{code}"))


def _legend(ax: Any, missing: int, level: str, outlines: bool) -> None:
    from matplotlib.lines import Line2D  # heavy, optional: loaded with the map
    from matplotlib.patches import Patch  # heavy, optional: loaded with the map

    handles: list[Any] = []
    if missing:
        handles.append(Patch(facecolor=NO_DATA, edgecolor="#a0a0a0", linewidth=0.5,
                             label="no data"))
    if outlines:
        colour, width = ISLAND_GROUP_OUTLINE
        handles.append(Line2D([], [], color=colour, linewidth=width, label="island group"))
        if level == "regency":
            colour, width = PROVINCE_BORDER
            handles.append(Line2D([], [], color=colour, linewidth=width, label="province"))
    if handles:
        ax.legend(handles=handles, loc="lower left", fontsize="small", frameon=False)


def _extent(shown: MapValues, extent: str | tuple[float, float, float, float]
            ) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of the area shown, in degrees."""
    if not isinstance(extent, str):
        west, south, east, north = (float(v) for v in extent)
        if not (west < east and south < north):
            raise PolicyError(f"plot.map: extent={tuple(extent)} must be (west, south, east, "
                              "north) with west < east and south < north")
        return west, south, east, north
    if extent == "all":
        west, south, east, north = boundaries.load(shown.level).bounds
    elif extent == "data":
        paths = region_paths(shown.level)
        shown_codes = shown.values.index[np.isfinite(shown.values.to_numpy())]
        points = np.concatenate([paths[code].vertices for code in shown_codes])
        (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
    else:
        raise PolicyError(f"plot.map: extent='{extent}' must be 'all', 'data' or "
                          "(west, south, east, north)")
    return (float(west) - MARGIN, float(south) - MARGIN, float(east) + MARGIN,
            float(north) + MARGIN)


def map(source: Result | Evaluation | pd.Series | pd.DataFrame, column: str | None = None,
        *, per_capita: bool = False,
        data: Dataset | Result | Evaluation | pd.DataFrame | None = None,
        level: str | None = None, ax: Any = None, cmap: Any = None,
        vmin: float | None = None, vmax: float | None = None, title: str | None = None,
        unit: str | None = None, outlines: bool = True,
        extent: str | tuple[float, float, float, float] = "all") -> Any:
    """A choropleth map of a plan, an outcome, a per-capita value or a change, by region.

    Drawn from the bundled boundaries of the 38 provinces or the 514 regencies (no
    network). Each region's value is looked up by its Kemendagri code, taken from the
    ``kemendagri_code`` column of the regions table (never derived from a BPS code or a
    name), or given directly as the index of a Series.

    Parameters
    ----------
    source : Result, Evaluation, pandas.Series or pandas.DataFrame
        A plan or an evaluated allocation: ``column`` of ``source.by("region")`` (``spend``,
        a metric, ``share``, ``spend_rp_per_capita`` ...) or, with ``per_capita``, of
        ``source.per_capita``. Or a table (``column`` of it, e.g. ``result.rakor()``'s
        ``change``) or a Series, indexed by region label (then give ``data``) or by
        Kemendagri code (``"11"`` or ``"11.01"``).
    column : str, optional
        The column to draw; default ``"spend"``. For a Series, only the name shown
        (default the Series' name).
    per_capita : bool, default False
        Draw ``source.per_capita`` (Rp per inhabitant for spend, a metric per 100,000
        inhabitants).
    data : Dataset, Result, Evaluation or pandas.DataFrame, optional
        For a Series or a table indexed by region label: the dataset (or its regions table)
        whose ``kemendagri_code`` column gives each region's code. Without it the index
        must be Kemendagri codes.
    level : {"province", "regency"}, optional
        Default: from the codes (``NN`` for provinces, ``NN.NN`` for regencies).
    ax : matplotlib.axes.Axes, optional
        Draw here; default a new figure of :data:`FIGSIZE` inches.
    cmap : str or matplotlib.colors.Colormap, optional
        Default ``"YlGnBu"``; ``"RdBu"`` centred on zero when the values have both signs
        (a change) and neither ``vmin`` nor ``vmax`` is given.
    vmin, vmax : float, optional
        Ends of the colour scale; default the smallest and largest value (or
        ``-m`` and ``m`` with ``m`` the largest absolute value, for both signs).
    title : str, optional
        Default e.g. ``"Spend by province"``.
    unit : str, optional
        The values' unit for the colour bar's label. Default: ``Rp bn`` for spend and other
        money columns, the dataset's unit of a metric, ``Rp per inhabitant`` for spend per
        capita, ``<unit> per 100,000 inhabitants`` for a metric per capita, ``%`` for
        ``change_pct``; none for other columns of a Series or table. ``""`` shows none.
    outlines : bool, default True
        Draw the island-group outlines (and, on a regency map, the province borders).
    extent : "all", "data" or tuple of float, default "all"
        The area shown: the whole country, the regions that have a value, or
        ``(west, south, east, north)`` in degrees; with a margin of :data:`MARGIN` degrees
        around the first two.

    Returns
    -------
    matplotlib.axes.Axes
        One patch per region of the level, its ``gid`` ``"region-<code>"``, filled
        ``cmap(norm(value))`` or :data:`NO_DATA` grey where the region has no value (``NaN``
        or absent), with a "no data" legend entry if any; a horizontal colour bar labelled
        ``"<column> (<unit>)"``; ``ILLUSTRATIVE data`` in the corner when the dataset is
        illustrative; axes hidden. Save with ``ax.figure.savefig("map.png")``, or use
        :func:`map_svg`.

    Raises
    ------
    DataError
        If a region has no Kemendagri code (or the regions table has no such column), a code
        has no boundary at the level, two values share a code (an error, not a warning:
        one region cannot show two values), the codes mix levels, the values are not
        numbers, some are infinite or none is given.
    PolicyError
        If ``column``, ``level`` or ``extent`` is unknown, ``per_capita`` is asked of a
        table, or ``data`` is given with a Result.

    Notes
    -----
    Projection: equirectangular (plate carrée) on the equator, x = longitude and y =
    latitude in degrees, aspect 1. Between 11° S and 6° N it stretches east-west distances
    by at most 1/cos 11°, under 2 %.

    Outlines: thin region edges; a thick outline along the outer edge of each island group
    (the ``island_group`` of the bundled ``indonesia-provinces`` regions), drawn under the
    fills so that the borders inside a group stay thin; on a regency map, the province
    borders over the fills.

    Examples
    --------
    >>> import ikmopt as ik
    >>> from ikmopt import plot
    >>> result = ik.optimize(ik.datasets.load(), ik.default_policy())
    >>> ax = plot.map(result, "jobs", per_capita=True)
    >>> ax.figure.savefig("jobs-per-capita.png")  # doctest: +SKIP
    """
    shown = map_values(source, column, per_capita=per_capita, data=data, level=level,
                       unit=unit)
    ax = axes(ax, FIGSIZE)
    norm, colours = _scale(shown.values.to_numpy(), cmap, vmin, vmax)
    missing = _fills(ax, shown, norm, colours)
    if outlines:
        _outlines(ax, shown.level)
    _legend(ax, missing, shown.level, outlines)
    west, south, east, north = _extent(shown, extent)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(shown.title if title is None else title)
    if shown.illustrative:
        ax.text(0.995, 0.01, ILLUSTRATIVE_MARK, transform=ax.transAxes, ha="right",
                va="bottom", fontsize="small", color="#a50f15")
    from matplotlib.cm import ScalarMappable  # heavy, optional: loaded with the map

    ax.get_figure().colorbar(ScalarMappable(norm=norm, cmap=colours), ax=ax,
                             orientation="horizontal", shrink=0.5, aspect=40, pad=0.02,
                             label=shown.label)
    return ax


def map_svg(source: Result | Evaluation | pd.Series | pd.DataFrame, column: str | None = None,
            *, figsize: tuple[float, float] = FIGSIZE, salt: str = SVG_SALT,
            **options: Any) -> str:
    """The map of :func:`map` as SVG text, the same bytes for the same input.

    Drawn on its own figure (no pyplot state), with text kept as text, no metadata (no
    date, no creator) and the ids of clip paths salted with ``salt``. The text starts at
    ``<svg`` (no XML prolog), so it can be written to a ``.svg`` file or put into an HTML
    page as it is; each region is a ``<g id="region-<code>">``.

    Parameters
    ----------
    source, column
        As for :func:`map`.
    figsize : tuple of float, default :data:`FIGSIZE`
        Inches.
    salt : str, default "ikmopt-map"
        Give each map of one HTML page its own salt.
    **options
        Any other keyword of :func:`map` but ``ax``.

    Returns
    -------
    str

    Raises
    ------
    DataError, PolicyError
        As :func:`map`.
    """
    import matplotlib  # heavy, optional (ikmopt[plot]): loaded with the map
    from matplotlib.figure import Figure  # heavy, optional: loaded with the map

    figure = Figure(figsize=figsize, layout="constrained")
    map(source, column, ax=figure.add_subplot(), **options)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        figure.savefig(buffer, format="svg",
                       metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    return _PATH_DATA.sub(_compact_path, text[text.index("<svg"):])


def _compact_path(match: re.Match[str]) -> str:
    """An SVG path's data on one line, rounded to :data:`SVG_DECIMALS`, repeats dropped.

    matplotlib writes six decimals and a line per point (a regency map would be 3 MB); a
    line after a move or a line needs no ``L`` (SVG's implicit line-to).
    """
    parts, last = [], None
    for command, numbers in _COMMAND.findall(match.group(0)):
        values = " ".join(f"{float(v):.{SVG_DECIMALS}f}".rstrip("0").rstrip(".")
                          for v in numbers.split())
        if command == "L" and last is not None:
            if values != last:
                parts.append(values)
                last = values
            continue
        last = values if command in "ML" else None
        parts.append(f"{command}{values}" if values else command)
    return " ".join(parts)
