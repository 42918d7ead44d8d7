"""Read access to reference data for the other apps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from shapely.strtree import STRtree

from .models import Country, NutsRegion

_index: tuple[STRtree, list[str]] | None = None
_countries: dict[str, str] = {}


def _region_index() -> tuple[STRtree, list[str]]:
    """An R-tree over the most detailed NUTS polygons (level 3), built once per process."""
    global _index
    if _index is not None:
        return _index
    codes, shapes = [], []
    for code, geometry in NutsRegion.objects.filter(level=3).values_list("code", "geometry"):
        if geometry:
            codes.append(code)
            shapes.append(shapely.geometry.shape(geometry))
    built = (STRtree(shapes), codes)
    if codes:
        _index = built
    return built


def forget_region_index() -> None:
    global _index
    _index = None
    _countries.clear()


def regions_for_points(points: Sequence[tuple[float, float]]) -> list[str | None]:
    """The level-3 NUTS code containing each (lon, lat) point, or None (sea, outside NUTS).

    The 1:60M outlines are coarse: a coastal point that falls just outside every polygon
    takes the nearest region within ~15 km.
    """
    if not points:
        return []
    tree, codes = _region_index()
    if not codes:
        return [None] * len(points)
    geoms = shapely.points(np.asarray(points, dtype=float))
    result: list[str | None] = [None] * len(points)
    inside = tree.query(geoms, predicate="within")
    for point_i, shape_i in zip(inside[0], inside[1], strict=True):
        if result[point_i] is None:
            result[point_i] = codes[shape_i]
    missing = [i for i, code in enumerate(result) if code is None]
    if missing:
        near = tree.query_nearest(geoms[missing], max_distance=0.15, all_matches=False)
        for j, shape_i in zip(near[0], near[1], strict=True):
            result[missing[j]] = codes[shape_i]
    return result


def region_for_point(lon: float, lat: float) -> str | None:
    return regions_for_points([(lon, lat)])[0]


def _country_codes() -> dict[str, str]:
    if not _countries:
        for code, eu_code in Country.objects.values_list("code", "eu_code"):
            _countries[code] = code
            _countries[eu_code] = code
    return _countries


def resolve_country_code(value: str) -> str | None:
    """ISO code for an ISO or EU (CORDIS/NUTS) two-letter code, any case; None if unknown."""
    return _country_codes().get((value or "").strip().upper())
