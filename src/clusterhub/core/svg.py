"""Server-side SVG helpers for maps and charts (no JavaScript, printable, work offline).

Maps use the Lambert azimuthal equal-area projection centred on Europe (as EPSG:3035),
on a sphere, in kilometres. The y axis points down as SVG wants it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

EARTH_RADIUS_KM = 6371.0
LAT0 = math.radians(52.0)
LON0 = math.radians(10.0)

# The part of the projected plane that shows Europe (x, y, width, height in km).
EUROPE_VIEWBOX = (-2900.0, -2250.0, 5500.0, 4300.0)


def project(lon: float, lat: float) -> tuple[float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    cos_c = math.sin(LAT0) * math.sin(phi) + math.cos(LAT0) * math.cos(phi) * math.cos(lam - LON0)
    k = math.sqrt(2.0 / (1.0 + cos_c))
    x = EARTH_RADIUS_KM * k * math.cos(phi) * math.sin(lam - LON0)
    y = (
        EARTH_RADIUS_KM
        * k
        * (math.cos(LAT0) * math.sin(phi) - math.sin(LAT0) * math.cos(phi) * math.cos(lam - LON0))
    )
    return x, -y


def _in_view(points: Sequence[tuple[float, float]]) -> bool:
    vx, vy, vw, vh = EUROPE_VIEWBOX
    return any(vx <= x <= vx + vw and vy <= y <= vy + vh for x, y in points)


def geometry_to_path(geometry: dict | None) -> str:
    """A GeoJSON Polygon/MultiPolygon as one SVG path, rings outside the map dropped."""
    if not geometry:
        return ""
    polygons = (
        [geometry["coordinates"]]
        if geometry["type"] == "Polygon"
        else geometry["coordinates"]
        if geometry["type"] == "MultiPolygon"
        else []
    )
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            if len(points) < 3 or not _in_view(points):
                continue
            coords = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
            parts.append(f"M{coords}Z")
    return "".join(parts)


# Sequential colour scale (light to dark teal), colour-blind safe.
SCALE = ["#e6f4f1", "#b8e0d8", "#7cc5b8", "#3fa597", "#1b7f74", "#0b5a52"]
EMPTY = "#f3f4f6"


def colour_steps(max_value: int, steps: int = len(SCALE)) -> list[int]:
    """Upper bounds of each colour step, growing geometrically so small counts stay visible."""
    if max_value <= 0:
        return []
    bounds: list[int] = []
    for i in range(1, steps + 1):
        bound = max(1, round(max_value ** (i / steps)))
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def colour_for(value: int, bounds: Sequence[int]) -> str:
    if value <= 0:
        return EMPTY
    for i, bound in enumerate(bounds):
        if value <= bound:
            return SCALE[min(i, len(SCALE) - 1) + len(SCALE) - len(bounds)]
    return SCALE[-1]


def legend(bounds: Sequence[int]) -> list[tuple[str, str]]:
    """(colour, label) pairs for a map legend."""
    items, low = [], 1
    for bound in bounds:
        label = str(bound) if bound == low else f"{low}–{bound}"
        items.append((colour_for(bound, bounds), label))
        low = bound + 1
    return items


def bar_chart(rows: Iterable[tuple[str, int]], width: int = 480, bar_height: int = 22) -> str:
    """A horizontal bar chart as an SVG string (labels and values as text, so it reads in PDFs)."""
    from django.utils.html import escape

    rows = list(rows)
    peak = max((value for _, value in rows), default=0) or 1
    label_w, gap = 180, 6
    height = len(rows) * (bar_height + gap)
    # Its text alternative is its data, so that a screen reader reads what the bars show.
    alternative = escape("; ".join(f"{label}: {value}" for label, value in rows))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{alternative}" class="chart" width="{width}" height="{height}">'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * (bar_height + gap)
        w = (width - label_w - 50) * value / peak
        out.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7:.0f}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#1b7f74">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7:.0f}">{value}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# Series colours of grouped bars: light then dark teal (colour-blind safe, print in greyscale).
SERIES = ["#7cc5b8", "#0b5a52", "#f59e0b", "#64748b"]


def grouped_bar_chart(
    rows: Iterable[tuple[str, Sequence[int]]],
    series: Sequence[str],
    width: int = 520,
    bar_height: int = 12,
) -> str:
    """Horizontal bars grouped by label, one bar per series (e.g. registered vs attended), with
    a legend; values are written as text so the chart reads in PDFs and screen readers."""
    from django.utils.html import escape

    rows = [(label, list(values)) for label, values in rows]
    peak = max((v for _, values in rows for v in values), default=0) or 1
    label_w, gap, legend_h = 180, 10, 22
    group_h = bar_height * len(series) + gap
    height = legend_h + len(rows) * group_h
    alternative = escape(
        "; ".join(
            f"{label}: " + ", ".join(f"{name} {v}" for name, v in zip(series, values, strict=False))
            for label, values in rows
        )
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{alternative}" class="chart" width="{width}" height="{height}">'
    ]
    x = label_w
    for i, name in enumerate(series):
        colour = SERIES[i % len(SERIES)]
        out.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"></rect>'
            f'<text x="{x + 16}" y="14">{escape(name)}</text>'
        )
        x += 16 + 8 * len(str(name)) + 20
    for r, (label, values) in enumerate(rows):
        top = legend_h + r * group_h
        out.append(
            f'<text x="{label_w - 8}" y="{top + bar_height * len(series) / 2 + 4:.0f}" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        for i, value in enumerate(values):
            y = top + i * bar_height
            w = (width - label_w - 50) * value / peak
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height - 1}" '
                f'fill="{SERIES[i % len(SERIES)]}"><title>{escape(label)}, '
                f"{escape(series[i])}: {value}</title></rect>"
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 2}" '
                f'font-size="11">{value}</text>'
            )
    out.append("</svg>")
    return "".join(out)
