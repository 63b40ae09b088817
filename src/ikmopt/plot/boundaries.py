"""The bundled boundaries of Indonesia's provinces and regencies (package data, no network).

``geo/provinces.geojson`` (38 provinces) and ``geo/regencies.geojson`` (514 kabupaten and
kota) hold one feature per region, keyed by its Kemendagri code (``"11"`` for Aceh,
``"11.01"`` for Kabupaten Aceh Selatan). They are simplified from cahyadsn/wilayah_boundaries
(MIT License: ``geo/LICENSE-boundaries.txt``; source, simplification and checks:
``geo/SOURCES.md``). Coordinates are WGS84 longitude and latitude in degrees.

The files are read with :mod:`json` (no geometry library) once per level and cached.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["CODE_PATTERNS", "FILES", "LEVELS", "Boundaries", "load"]

#: The file of each level, in ``ikmopt/plot/geo/``.
FILES = {"province": "provinces.geojson", "regency": "regencies.geojson"}
#: The levels a map can be drawn at.
LEVELS = tuple(FILES)
#: What a Kemendagri code looks like at each level: ``NN`` and ``NN.NN``.
CODE_PATTERNS = {"province": re.compile(r"\d{2}"), "regency": re.compile(r"\d{2}\.\d{2}")}


@dataclass(frozen=True)
class Boundaries:
    """The outlines of every region of one level (treat as read-only).

    Attributes
    ----------
    level : str
        ``"province"`` or ``"regency"``.
    codes : tuple of str
        Kemendagri codes, sorted.
    names : dict
        Name of each code (``"Kabupaten Aceh Selatan"``).
    rings : dict
        Per code, the closed rings of its polygons, each an ``(n, 2)`` array of longitude
        and latitude whose last point repeats the first. Outer rings run counter-clockwise
        and holes clockwise, so a path of all rings filled with the non-zero rule leaves
        the holes (an enclosed kota) empty.
    """

    level: str
    codes: tuple[str, ...]
    names: dict[str, str]
    rings: dict[str, tuple[np.ndarray, ...]]

    @functools.cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(west, south, east, north)`` in degrees, over every region."""
        points = np.concatenate([r for rings in self.rings.values() for r in rings])
        (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
        return float(west), float(south), float(east), float(north)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]))


def _oriented(ring: Any, outer: bool) -> np.ndarray:
    """The ring as an array, counter-clockwise if ``outer`` and clockwise if a hole."""
    points = np.asarray(ring, dtype=float)
    if not np.array_equal(points[0], points[-1]):
        points = np.vstack([points, points[:1]])
    return points[::-1] if (_signed_area(points) > 0) != outer else points


def _polygons(geometry: dict[str, Any]) -> list[Any]:
    kind = geometry["type"]
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"unexpected geometry type {kind!r}")  # pragma: no cover - bundled data


@functools.cache
def load(level: str) -> Boundaries:
    """The bundled boundaries of ``level`` (read once, then cached).

    Parameters
    ----------
    level : {"province", "regency"}

    Returns
    -------
    Boundaries

    Raises
    ------
    KeyError
        If ``level`` is not one of :data:`LEVELS`.
    """
    text = (resources.files("ikmopt.plot") / "geo" / FILES[level]).read_text(encoding="utf-8")
    features = json.loads(text)["features"]
    names: dict[str, str] = {}
    rings: dict[str, tuple[np.ndarray, ...]] = {}
    for feature in features:
        code = str(feature["properties"]["kemendagri_code"])
        names[code] = str(feature["properties"]["name"])
        rings[code] = tuple(_oriented(ring, outer=k == 0)
                            for polygon in _polygons(feature["geometry"])
                            for k, ring in enumerate(polygon))
    codes = tuple(sorted(rings))
    return Boundaries(level, codes, {c: names[c] for c in codes}, {c: rings[c] for c in codes})
