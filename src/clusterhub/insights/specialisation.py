"""Regional specialisation from employment by region and sector (pure: numpy, no Django).

``E`` is a regions × sectors matrix of persons employed in one year, ``nan`` where the source
has no figure. The computation uses the cells that have one: a region's total ``E_r`` and a
sector's total ``E_c`` add up the known cells of its row or column, and ``E`` adds up every
known cell, so that missing figures count as neither zero nor anything else.

- Location quotient: ``LQ_rc = (E_rc / E_r) / (E_c / E)``, the sector's share of the region's
  employment over its share of all employment. It keeps the identity
  ``Σ_r (E_r / E) · LQ_rc = 1`` exactly for every sector with a figure (the employment-
  weighted mean of a sector's quotients is one: the sum is ``Σ_r E_rc / E_c``), missing
  cells or not; :func:`lq_identity` computes it.
- The European Cluster Observatory's three stars for a region and sector:
  *size*, the region's share of the sector's employment ``E_rc / E_c`` is in the top 10% of
  regions for that sector; *specialisation*, ``LQ_rc ≥ 2``; *focus*, the sector's share of
  the region's employment ``E_rc / E_r`` is in the top 10% of regions for that sector. "Top
  10%" of ``n`` regions with a figure for the sector means among the ``⌈n / 10⌉`` largest
  values (at least one region; ties with the last one included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOP_SHARE = 0.10
SPECIALISED = 2.0


@dataclass
class Specialisation:
    lq: np.ndarray  # regions × sectors, nan where unknown
    size: np.ndarray  # E_rc / E_c
    focus: np.ndarray  # E_rc / E_r
    size_star: np.ndarray  # bool
    specialisation_star: np.ndarray
    focus_star: np.ndarray

    @property
    def stars(self) -> np.ndarray:
        return (self.size_star.astype(int) + self.specialisation_star.astype(int)
                + self.focus_star.astype(int))  # fmt: skip


def _top(values: np.ndarray) -> np.ndarray:
    """Per column, whether a known value is among the ⌈n / 10⌉ largest (ties included)."""
    out = np.zeros(values.shape, dtype=bool)
    for c in range(values.shape[1]):
        column = values[:, c]
        known = ~np.isnan(column)
        n = int(known.sum())
        if n:
            k = max(1, math.ceil(TOP_SHARE * n))
            threshold = np.sort(column[known])[::-1][k - 1]
            out[known, c] = column[known] >= threshold
    return out


def compute(employment: np.ndarray) -> Specialisation:
    E = np.asarray(employment, dtype=float)
    known = ~np.isnan(E)
    filled = np.where(known, E, 0.0)
    region_total = filled.sum(axis=1, keepdims=True)
    sector_total = filled.sum(axis=0, keepdims=True)
    total = filled.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        focus = np.where(known & (region_total > 0), filled / region_total, np.nan)
        size = np.where(known & (sector_total > 0), filled / sector_total, np.nan)
        lq = focus / (sector_total / total) if total > 0 else np.full(E.shape, np.nan)
    lq = np.where(known, lq, np.nan)
    return Specialisation(
        lq=lq, size=size, focus=focus,
        size_star=_top(size) & (filled > 0),
        specialisation_star=np.where(known, np.nan_to_num(lq) >= SPECIALISED, False),
        focus_star=_top(focus) & (filled > 0),
    )  # fmt: skip


def lq_identity(employment: np.ndarray) -> np.ndarray:
    """``Σ_r (E_r / E) · LQ_rc`` per sector: ones when every figure is known."""
    E = np.asarray(employment, dtype=float)
    filled = np.nan_to_num(E)
    lq = compute(E).lq
    region_share = filled.sum(axis=1, keepdims=True) / filled.sum()
    return np.nansum(region_share * lq, axis=0)
