"""Reads of insights used by its pages, the region pages and the benchmark."""

from __future__ import annotations

import numpy as np
from django.db.models import Count, Max

from clusterhub.reference.models import NaceActivity, NutsRegion

from . import specialisation
from .models import Employment, Indicator


def employment_years() -> list[int]:
    return list(Employment.objects.order_by("-year").values_list("year", flat=True).distinct())


def latest_year(region: str | None = None) -> int | None:
    """The year to show by default: for a region, the latest it has figures for; else the
    latest year whose figures are nearly as many as the fullest year's (a last year that
    only some countries have sent is not the default)."""
    if region is not None:
        return Employment.objects.filter(region=region).aggregate(year=Max("year"))["year"]
    counts = dict(Employment.objects.values_list("year").annotate(n=Count("id")).order_by())
    if not counts:
        return None
    fullest = max(counts.values())
    return max(year for year, n in counts.items() if n >= 0.9 * fullest)


def employment_matrix(year: int) -> tuple[list[str], list[str], np.ndarray]:
    """(region codes, sector codes, regions × sectors matrix with nan where missing)."""
    rows = list(Employment.objects.filter(year=year).values_list("region", "sector", "persons"))
    regions = sorted({r for r, _s, _p in rows})
    sectors = sorted({s for _r, s, _p in rows})
    ri = {r: i for i, r in enumerate(regions)}
    si = {s: i for i, s in enumerate(sectors)}
    matrix = np.full((len(regions), len(sectors)), np.nan)
    for region, sector, persons in rows:
        matrix[ri[region], si[sector]] = persons
    return regions, sectors, matrix


def _names() -> tuple[dict[str, str], dict[str, NutsRegion]]:
    sectors = dict(NaceActivity.objects.filter(section__isnull=False).values_list("code", "name"))
    regions = NutsRegion.objects.filter(level=2).only("code", "name_latin", "svg_path")
    return sectors, {r.code: r for r in regions}


def _rows(year: int) -> tuple[list[str], list[str], np.ndarray, specialisation.Specialisation]:
    regions, sectors, matrix = employment_matrix(year)
    return regions, sectors, matrix, specialisation.compute(matrix)


def _row(region, sector, r, c, matrix, spec, sector_names, region_index) -> dict:
    known = region_index.get(region)
    return {
        "region": region, "region_name": known.name_latin if known else "",
        "on_map": known is not None, "sector": sector,
        "sector_name": sector_names.get(sector, sector),
        "persons": int(matrix[r, c]), "lq": float(spec.lq[r, c]),
        "size": float(spec.size[r, c]), "focus": float(spec.focus[r, c]),
        "size_star": bool(spec.size_star[r, c]),
        "specialisation_star": bool(spec.specialisation_star[r, c]),
        "focus_star": bool(spec.focus_star[r, c]), "stars": int(spec.stars[r, c]),
    }  # fmt: skip


def sector_specialisations(sector: str, year: int) -> list[dict]:
    """Every region with a figure for ``sector``, highest quotient first."""
    regions, sectors, matrix, spec = _rows(year)
    if sector not in sectors:
        return []
    c = sectors.index(sector)
    sector_names, region_index = _names()
    rows = [_row(region, sector, r, c, matrix, spec, sector_names, region_index)
            for r, region in enumerate(regions) if not np.isnan(matrix[r, c])]  # fmt: skip
    return sorted(rows, key=lambda row: (-row["lq"], row["region"]))


def region_specialisations(region: str, year: int | None = None) -> list[dict]:
    """Every sector of ``region`` with a figure, most stars then highest quotient first."""
    year = year or latest_year(region)
    if year is None:
        return []
    regions, sectors, matrix, spec = _rows(year)
    if region not in regions:
        return []
    r = regions.index(region)
    sector_names, region_index = _names()
    rows = [_row(region, sector, r, c, matrix, spec, sector_names, region_index)
            for c, sector in enumerate(sectors) if not np.isnan(matrix[r, c])]  # fmt: skip
    return sorted(rows, key=lambda row: (-row["stars"], -row["lq"], row["sector"]))


def indicators_of(*, organisation=None, region=None):
    found = Indicator.objects.prefetch_related("values").select_related("organisation", "region")
    if organisation is not None:
        return found.filter(organisation=organisation)
    return found.filter(region=region)


def region_figures(region: NutsRegion) -> dict:
    """What a region's page shows of its indicators and specialisations: for a NUTS 2 region
    its sectors with stars (the latest year it has figures for), for any region its
    indicators with their latest value."""
    indicators = []
    for indicator in indicators_of(region=region):
        values = list(indicator.values.all())
        indicators.append({"indicator": indicator, "latest": values[-1] if values else None})
    stars = []
    year = None
    if region.level == 2:
        year = latest_year(region.code)
        stars = [r for r in region_specialisations(region.code, year) if r["stars"]][:10]
    return {"indicators": indicators, "specialisations": stars, "year": year}
