"""In-process facet index of the directories.

Counting facets in SQL means one grouped query per facet, each re-applying every other filter;
at 100,000 organisations that costs hundreds of milliseconds. Instead each process keeps, per
directory, a compact column store of what the filters need (numpy arrays and bit masks),
rebuilt when the registry's change stamp moves. A directory request then costs one stamp read,
the full-text query when there is a term, set operations in memory and one query for the page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import F

from clusterhub.core import stamps
from clusterhub.core.search import normalise

from .models import (
    MEMBER_COUNT_FIELDS,
    SIZE_BANDS,
    ClusterLabel,
    ClusterOrganisation,
    Organisation,
)

STAMP = "registry"

# member_kind facet value -> cluster profile field counting such members
MEMBER_KIND_FIELDS = {
    "company": "members_companies",
    "sme": "members_smes",
    "research": "members_research",
    "higher_education": "members_universities",
    "public_authority": "members_public",
    "other": "members_other",
}
assert set(MEMBER_KIND_FIELDS.values()) == {*MEMBER_COUNT_FIELDS, "members_smes"}


@dataclass
class Column:
    """A single-valued attribute: one small integer code per row, and what each code means."""

    codes: np.ndarray
    keys: list[str]

    def mask(self, wanted: list[str]) -> np.ndarray:
        index = {k: i for i, k in enumerate(self.keys)}
        codes = [index[k] for k in wanted if k in index]
        return np.isin(self.codes, codes)

    def counts(self, rows: np.ndarray) -> dict[str, int]:
        bins = np.bincount(self.codes[rows], minlength=len(self.keys))
        return {self.keys[i]: int(bins[i]) for i in np.flatnonzero(bins) if self.keys[i]}


@dataclass
class DirectoryIndex:
    """Rows of one directory (cluster profiles or organisations), sorted by primary key."""

    token: str
    ids: np.ndarray  # primary keys of the directory's rows, ascending
    columns: dict[str, Column]  # single-valued facets
    sets: dict[str, dict[str, np.ndarray]]  # multi-valued facets: value -> boolean row mask
    orders: dict[str, np.ndarray]  # sort key -> row positions in that order
    names: list[str]  # normalised legal names, for relevance
    short_names: list[str]
    name_rank: np.ndarray  # each row's position in name order

    def __len__(self) -> int:
        return len(self.ids)

    def set_mask(self, facet: str, wanted: list[str]) -> np.ndarray:
        mask = np.zeros(len(self.ids), dtype=bool)
        for value in wanted:
            if value in self.sets.get(facet, {}):
                mask |= self.sets[facet][value]
        return mask

    def set_counts(self, facet: str, rows: np.ndarray) -> dict[str, int]:
        out = {}
        for value, mask in self.sets.get(facet, {}).items():
            n = int(np.count_nonzero(mask & rows))
            if n:
                out[value] = n
        return out


def _topic_sets(rows_by_org: dict[int, int], n: int, links) -> dict[str, np.ndarray]:
    sets: dict[str, np.ndarray] = {}
    for org_id, value in links:
        row = rows_by_org.get(org_id)
        if row is None:
            continue
        if value not in sets:
            sets[value] = np.zeros(n, dtype=bool)
        sets[value][row] = True
    return sets


def _column(values: list[str]) -> Column:
    keys = sorted(set(values))
    index = {k: i for i, k in enumerate(keys)}
    return Column(np.fromiter((index[v] for v in values), dtype=np.int32, count=len(values)), keys)


def _order(*keys) -> np.ndarray:
    """Row positions sorted by ``keys`` (first key most significant)."""
    return np.lexsort(tuple(reversed(keys))) if len(keys[0]) else np.zeros(0, dtype=np.int64)


def _rank(strings: list[str]) -> np.ndarray:
    """Each string's rank in sorted order, for use as a numeric sort key."""
    order = sorted(range(len(strings)), key=strings.__getitem__)
    rank = np.empty(len(strings), dtype=np.int64)
    rank[order] = np.arange(len(strings))
    return rank


def _build_organisations(token: str) -> DirectoryIndex:
    rows = list(
        Organisation.objects.order_by("id").values_list(
            "id",
            "legal_name",
            "short_name",
            "kind",
            "is_sme",
            "country_id",
            "country__name",
            "nuts_region_id",
            "updated",
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    rows_by_org = {r[0]: i for i, r in enumerate(rows)}
    names = [normalise(r[1]) for r in rows]
    kinds = [r[3] for r in rows]
    member_kind = {k: np.array([x == k for x in kinds], dtype=bool) for k in set(kinds)}
    member_kind["sme"] = np.fromiter((r[4] for r in rows), dtype=bool, count=n)
    name_rank = _rank(names)
    updated = np.array([r[8].timestamp() for r in rows], dtype=float)
    country_rank = _rank([normalise(r[6]) for r in rows])
    return DirectoryIndex(
        token=token,
        ids=ids,
        columns={
            "country": _column([r[5] for r in rows]),
            "nuts": _column([r[7] or "" for r in rows]),
        },
        sets={
            "member_kind": member_kind,
            "ecosystem": _topic_sets(
                rows_by_org,
                n,
                Organisation.ecosystems.through.objects.values_list(
                    "organisation_id", "ecosystem_id"
                ).iterator(chunk_size=20000),
            ),
            "technology": _topic_sets(
                rows_by_org,
                n,
                Organisation.technologies.through.objects.values_list(
                    "organisation_id", "technology_id"
                ).iterator(chunk_size=20000),
            ),
        },
        orders={
            "name": _order(name_rank),
            "country": _order(country_rank, name_rank),
            "-updated": _order(-updated),
        },
        names=names,
        short_names=[normalise(r[2]) for r in rows],
        name_rank=name_rank,
    )


def _build_clusters(token: str) -> DirectoryIndex:
    fields = list(MEMBER_KIND_FIELDS.values())
    rows = list(
        ClusterOrganisation.objects.order_by("id").values_list(
            "id",
            "organisation_id",
            F("organisation__legal_name"),
            F("organisation__short_name"),
            F("organisation__country_id"),
            F("organisation__nuts_region_id"),
            "members_total",
            "founding_year",
            "updated",
            *fields,
        )
    )
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    rows_by_org = {r[1]: i for i, r in enumerate(rows)}
    rows_by_id = {r[0]: i for i, r in enumerate(rows)}
    names = [normalise(r[2]) for r in rows]
    members_total = np.fromiter((r[6] for r in rows), dtype=np.int64, count=n)
    member_kind = {
        kind: np.fromiter((r[9 + i] > 0 for r in rows), dtype=bool, count=n)
        for i, kind in enumerate(MEMBER_KIND_FIELDS)
    }
    sizes = []
    for total in members_total.tolist():
        for band, (low, high) in SIZE_BANDS.items():
            if total >= low and (high is None or total <= high):
                sizes.append(str(band))
                break
    labels: dict[str, np.ndarray] = {}
    # Only verified labels count in the filter: a declared one is shown as such on the
    # cluster's page but does not make it findable as labelled.
    for cluster_id, scheme, level in ClusterLabel.objects.filter(
        verified_at__isnull=False
    ).values_list("cluster_id", "scheme", "level"):
        key = f"{scheme}-{level}"
        if key not in labels:
            labels[key] = np.zeros(n, dtype=bool)
        if cluster_id in rows_by_id:
            labels[key][rows_by_id[cluster_id]] = True
    name_rank = _rank(names)
    founded = np.array([r[7] if r[7] else 9999 for r in rows], dtype=np.int64)
    updated = np.array([r[8].timestamp() for r in rows], dtype=float)
    through_e = Organisation.ecosystems.through.objects.filter(
        organisation__cluster_profile__isnull=False
    )
    through_t = Organisation.technologies.through.objects.filter(
        organisation__cluster_profile__isnull=False
    )
    return DirectoryIndex(
        token=token,
        ids=ids,
        columns={
            "country": _column([r[4] for r in rows]),
            "nuts": _column([r[5] or "" for r in rows]),
            "size": _column(sizes),
        },
        sets={
            "member_kind": member_kind,
            "label": labels,
            "ecosystem": _topic_sets(
                rows_by_org, n, through_e.values_list("organisation_id", "ecosystem_id")
            ),
            "technology": _topic_sets(
                rows_by_org, n, through_t.values_list("organisation_id", "technology_id")
            ),
        },
        orders={
            "name": _order(name_rank),
            "-members": _order(-members_total, name_rank),
            "founded": _order(founded, name_rank),
            "-updated": _order(-updated),
        },
        names=names,
        short_names=[normalise(r[3]) for r in rows],
        name_rank=name_rank,
    )


_BUILDERS = {"organisations": _build_organisations, "clusters": _build_clusters}
_indexes: dict[str, DirectoryIndex] = {}
_lock = threading.Lock()


def index(kind: str) -> DirectoryIndex:
    """The current index of a directory ("organisations" or "clusters")."""
    token = stamps.current(STAMP)
    if not token:
        stamps.touch(STAMP)
        token = stamps.current(STAMP)
    cached = _indexes.get(kind)
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = _indexes.get(kind)
        if cached is not None and cached.token == token:
            return cached
        built = _BUILDERS[kind](token)
        _indexes[kind] = built
        return built


def forget() -> None:
    _indexes.clear()


def changed() -> None:
    """Mark the registry as changed (bulk writes call this; signals cover the rest)."""
    stamps.touch(STAMP)
