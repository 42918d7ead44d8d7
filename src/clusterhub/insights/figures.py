"""What a region's page shows of its indicators and specialisations."""

from __future__ import annotations


def region_figures(region) -> dict:
    """The context of ``insights/figures/_region.html`` for a NUTS region (levels 0 to 2)."""
    return {"indicators": [], "specialisations": []}
