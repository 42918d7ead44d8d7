"""Read queries of the registry: the directories with their facets, profiles, map counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils.translation import gettext

from clusterhub.core.params import list_param
from clusterhub.core.search import id_set, matching_ids, normalise
from clusterhub.reference.models import Country, Ecosystem, NutsRegion, Technology
from clusterhub.reference.selectors import resolve_country_code

from . import facets as facet_index
from .models import (
    ClusterLabel,
    ClusterOrganisation,
    Organisation,
    OrganisationKind,
    Participation,
    SizeBand,
)

MEMBER_KIND_LABELS = {
    "company": OrganisationKind.COMPANY.label,
    "sme": "SMEs",
    "research": OrganisationKind.RESEARCH.label,
    "higher_education": OrganisationKind.HIGHER_EDUCATION.label,
    "public_authority": OrganisationKind.PUBLIC_AUTHORITY.label,
    "other": OrganisationKind.OTHER.label,
}

CLUSTER_SORTS = {
    "name": ("organisation__legal_name",),
    "-members": ("-members_total", "organisation__legal_name"),
    "founded": ("founding_year", "organisation__legal_name"),
    "-updated": ("-updated",),
}
ORGANISATION_SORTS = {
    "name": ("legal_name",),
    "country": ("country__name", "legal_name"),
    "-updated": ("-updated",),
}

# A result up to this size is handed to the database as a plain list of ids (planned well by
# both databases); a larger one as one array parameter.
MAX_LISTED_IDS = 5000
# Up to this size, a result queryset keeps the directory's own order (relevance included).
MAX_ORDERED = 1000

FACET_NAMES = (
    "country",
    "area",
    "region",
    "ecosystem",
    "technology",
    "label",
    "member_kind",
    "size",
)


@dataclass
class DirectoryQuery:
    """What a directory was asked for: a text term and facet values (each a list: OR)."""

    q: str = ""
    country: list[str] = field(default_factory=list)
    area: list[str] = field(default_factory=list)  # NUTS 1 (Auvergne-Rhône-Alpes: FRK)
    region: list[str] = field(default_factory=list)
    ecosystem: list[str] = field(default_factory=list)
    technology: list[str] = field(default_factory=list)
    label: list[str] = field(default_factory=list)
    member_kind: list[str] = field(default_factory=list)
    size: list[str] = field(default_factory=list)
    sort: str = ""

    @classmethod
    def from_params(cls, params: QueryDict | dict) -> DirectoryQuery:
        def many(name: str, upper: bool = False) -> list[str]:
            return list_param(params, name, upper=upper)

        return cls(
            q=str(params.get("q") or "").strip()[:200],
            country=[resolve_country_code(c) or c for c in many("country", upper=True)],
            area=many("area", upper=True),
            region=many("region", upper=True),
            ecosystem=many("ecosystem"),
            technology=many("technology"),
            label=many("label"),
            member_kind=many("member_kind"),
            size=many("size"),
            sort=str(params.get("sort") or ""),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or any(getattr(self, name) for name in FACET_NAMES))

    def selected(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in FACET_NAMES if getattr(self, name)}


class ResultSequence:
    """The ordered ids of a directory result, fetched a page at a time (for ``Paginator``)."""

    def __init__(self, ids: list[int], fetch):
        self.ids = ids
        self.fetch = fetch

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, item):
        ids = self.ids[item]
        if not isinstance(item, slice):
            return self.fetch([ids])[0]
        return self.fetch(ids)


class Directory:
    """A searchable, faceted list over organisations (prefix "") or cluster profiles.

    Filtering, facet counts and ordering run on the in-process index of ``facets``; the
    database serves the full-text match and the rows of the page shown.
    """

    def __init__(
        self, kind: str, base: QuerySet, org_prefix: str, sorts: dict, facets: tuple[str, ...]
    ):
        self.kind = kind
        self.base = base
        self.org = org_prefix
        self.sorts = sorts
        self.facets = facets
        self._index: facet_index.DirectoryIndex | None = None

    @property
    def index(self) -> facet_index.DirectoryIndex:
        if self._index is None:
            self._index = facet_index.index(self.kind)
        return self._index

    def _masks(self, query: DirectoryQuery) -> dict[str, np.ndarray]:
        idx = self.index
        masks: dict[str, np.ndarray] = {}
        if query.q:
            if self.org:  # cluster profiles of the matching cluster organisations
                ids = matching_ids(
                    Organisation,
                    query.q,
                    where=('"kind" = %s', [OrganisationKind.CLUSTER.value]),
                    via=(self.base.model._meta.db_table, "organisation_id"),
                )
            else:
                ids = matching_ids(Organisation, query.q)
            masks["q"] = np.isin(idx.ids, np.asarray(ids, dtype=np.int64))
        if query.country and "country" in self.facets:
            masks["country"] = idx.columns["country"].mask(query.country)
        if query.area and "area" in self.facets:
            nuts = idx.columns["nuts"]
            wanted = [k for k in nuts.keys if k and k.startswith(tuple(query.area))]
            masks["area"] = nuts.mask(wanted)
        if query.region and "region" in self.facets:
            nuts = idx.columns["nuts"]
            wanted = [k for k in nuts.keys if k and k.startswith(tuple(query.region))]
            masks["region"] = nuts.mask(wanted)
        for name in ("ecosystem", "technology", "label", "member_kind"):
            values = getattr(query, name)
            if values and name in self.facets:
                masks[name] = idx.set_mask(name, values)
        if query.size and "size" in self.facets:
            masks["size"] = idx.columns["size"].mask(query.size)
        return masks

    @staticmethod
    def _combine(n: int, masks: dict[str, np.ndarray], skip: str | None = None) -> np.ndarray:
        rows = np.ones(n, dtype=bool)
        for name, mask in masks.items():
            if name != skip:
                rows &= mask
        return rows

    def matching_ids(self, query: DirectoryQuery, masks=None) -> list[int]:
        """Primary keys of the result, in the order asked for."""
        idx = self.index
        masks = self._masks(query) if masks is None else masks
        rows = self._combine(len(idx), masks)
        if query.q and query.sort not in self.sorts:
            positions = np.flatnonzero(rows)
            term = normalise(query.q).strip()

            def tier(r: int) -> int:
                if term in (idx.short_names[r], idx.names[r]):
                    return 0
                return 1 if term in idx.names[r] or term in idx.short_names[r] else 2

            tiers = np.fromiter((tier(r) for r in positions.tolist()), dtype=np.int64)
            ordered = positions[np.lexsort((idx.name_rank[positions], tiers))]
        else:
            order = idx.orders[query.sort if query.sort in self.sorts else "name"]
            ordered = order[rows[order]]
        return idx.ids[ordered].tolist()

    def _page_rows(self, prefetch):
        """Fetches one page of rows by id, in the order of the ids."""

        def fetch(page_ids):
            objs = self.base.filter(id__in=list(page_ids)).prefetch_related(*prefetch).in_bulk()
            return [objs[i] for i in page_ids if i in objs]

        return fetch

    def results(self, query: DirectoryQuery) -> QuerySet:
        """The result as a queryset (API, exports), in the same order as the pages."""
        if query.is_empty and query.sort in ("", "name"):
            return self.base.order_by(*self.sorts["name"])
        ids = self.matching_ids(query)
        order = Case(
            *(When(id=pk, then=Value(i)) for i, pk in enumerate(ids[:MAX_ORDERED])),
            default=Value(len(ids)),
            output_field=IntegerField(),
        )
        qs = self.base.filter(id__in=ids if len(ids) <= MAX_LISTED_IDS else id_set(ids))
        if len(ids) <= MAX_ORDERED:
            return qs.annotate(position=order).order_by("position")
        return qs.order_by(*self.sorts.get(query.sort, self.sorts["name"]))

    def facet_counts(self, query: DirectoryQuery, masks=None) -> dict[str, list[dict]]:
        """Counts per facet value; each facet counts with every filter but its own."""
        idx = self.index
        masks = self._masks(query) if masks is None else masks
        n = len(idx)
        out: dict[str, list[dict]] = {}
        if "country" in self.facets:
            counts = idx.columns["country"].counts(self._combine(n, masks, "country"))
            names = {
                country.code: str(country)
                for country in Country.objects.filter(code__in=list(counts) + query.country).only(
                    "code", "name"
                )
            }
            out["country"] = self._options(counts, names, query.country)
        if "area" in self.facets:
            by_code = idx.columns["nuts"].counts(self._combine(n, masks, "area"))
            counts = {}
            for code, count in by_code.items():
                if len(code) >= 3:
                    counts[code[:3]] = counts.get(code[:3], 0) + count
            names = dict(
                NutsRegion.objects.filter(code__in=list(counts) + query.area).values_list(
                    "code", "name_latin"
                )
            )
            out["area"] = self._options(counts, names, query.area)
        if "region" in self.facets:
            by_code = idx.columns["nuts"].counts(self._combine(n, masks, "region"))
            counts: dict[str, int] = {}
            for code, count in by_code.items():
                counts[code[:4]] = counts.get(code[:4], 0) + count
            names = dict(
                NutsRegion.objects.filter(code__in=list(counts) + query.region).values_list(
                    "code", "name_latin"
                )
            )
            out["region"] = self._options(counts, names, query.region)
        for facet, model in (("ecosystem", Ecosystem), ("technology", Technology)):
            if facet in self.facets:
                counts = idx.set_counts(facet, self._combine(n, masks, facet))
                names = dict(model.objects.values_list("slug", "name"))
                out[facet] = self._options(counts, names, getattr(query, facet))
        if "label" in self.facets:
            counts = idx.set_counts("label", self._combine(n, masks, "label"))
            names = {
                key: ClusterLabel(scheme=scheme, level=level).short_name
                for key, (scheme, level) in ((k, k.split("-", 1)) for k in counts)
            }
            out["label"] = self._options(counts, names, query.label)
        if "member_kind" in self.facets:
            counts = idx.set_counts("member_kind", self._combine(n, masks, "member_kind"))
            names = {k: str(v) for k, v in MEMBER_KIND_LABELS.items()}
            names["cluster"] = str(OrganisationKind.CLUSTER.label)
            out["member_kind"] = self._options(counts, names, query.member_kind, by_count=False)
        if "size" in self.facets:
            counts = idx.columns["size"].counts(self._combine(n, masks, "size"))
            names = {b.value: str(b.label) for b in SizeBand}
            out["size"] = self._options(counts, names, query.size, order=names)
        return out

    def search(self, query: DirectoryQuery, prefetch=()) -> tuple[ResultSequence, dict]:
        """The result (as a page source) and the facet counts, sharing one text match."""
        masks = self._masks(query)
        ids = self.matching_ids(query, masks)
        return ResultSequence(ids, self._page_rows(prefetch)), self.facet_counts(query, masks)

    def counts_by_area(self, query: DirectoryQuery) -> tuple[dict[str, int], dict[str, int]]:
        """Rows per NUTS-2 region and per country code, for the map."""
        idx = self.index
        rows = self._combine(len(idx), self._masks(query))
        by_region: dict[str, int] = {}
        for code, count in idx.columns["nuts"].counts(rows).items():
            by_region[code[:4]] = by_region.get(code[:4], 0) + count
        return by_region, idx.columns["country"].counts(rows)

    @staticmethod
    def _options(counts, names, selected, by_count=True, order=None):
        keys = set(counts) | set(selected)
        options = [
            {
                "value": key,
                "label": str(names.get(key, key)),
                "count": counts.get(key, 0),
                "selected": key in selected,
            }
            for key in keys
        ]
        if order:
            rank = {k: i for i, k in enumerate(order)}
            options.sort(key=lambda o: rank.get(o["value"], 99))
        elif by_count:
            options.sort(key=lambda o: (-o["count"], o["label"]))
        else:
            options.sort(key=lambda o: o["label"])
        return options


def cluster_directory() -> Directory:
    base = ClusterOrganisation.objects.select_related(
        "organisation", "organisation__country", "organisation__nuts_region"
    ).defer(
        "organisation__search_document",
        "organisation__nuts_region__geometry",
        "organisation__nuts_region__svg_path",
    )
    return Directory("clusters", base, "organisation__", CLUSTER_SORTS, FACET_NAMES)


def organisation_directory() -> Directory:
    base = Organisation.objects.select_related("country", "nuts_region").defer(
        "search_document", "nuts_region__geometry", "nuts_region__svg_path"
    )
    return Directory(
        "organisations",
        base,
        "",
        ORGANISATION_SORTS,
        ("country", "area", "region", "ecosystem", "technology", "member_kind"),
    )


def page_prefetch(org_prefix: str = "") -> tuple[str, ...]:
    """What a page of results shows besides its rows: ecosystems, and labels for clusters."""
    return (f"{org_prefix}ecosystems", "labels") if org_prefix else ("ecosystems",)


def cluster_profile(slug: str) -> ClusterOrganisation:
    return (
        ClusterOrganisation.objects.select_related(
            "organisation", "organisation__country", "organisation__nuts_region__parent__parent"
        )
        .prefetch_related(
            "labels",
            "organisation__ecosystems",
            "organisation__technologies",
            "organisation__nace_activities",
            Prefetch(
                "memberships",
                queryset=ClusterOrganisation.memberships.rel.related_model.objects.select_related(
                    "member", "member__country"
                ).order_by("member__legal_name"),
            ),
        )
        .defer("organisation__nuts_region__geometry", "organisation__nuts_region__parent__geometry")
        .get(organisation__slug=slug)
    )


def organisation_profile(slug: str) -> Organisation:
    return (
        Organisation.objects.select_related("country", "nuts_region__parent__parent")
        .prefetch_related("ecosystems", "technologies", "nace_activities")
        .defer("nuts_region__geometry")
        .get(slug=slug)
    )


def public_people(org: Organisation):
    """People of an organisation who agreed to be shown publicly."""
    return org.people.filter(public_consent=True).order_by("last_name", "first_name")


def projects_of(org: Organisation, limit: int = 50):
    return (
        Participation.objects.filter(organisation=org)
        .select_related("project")
        .annotate(partners=Count("project__participations"))
        .order_by("-project__cordis_id")[:limit]
    )


def collaborators_of(org: Organisation, limit: int = 20) -> list[tuple[Organisation, int]]:
    """Organisations that worked with ``org`` in a project, most shared projects first."""
    rows = (
        Participation.objects.filter(
            project__in=Participation.objects.filter(organisation=org).values("project_id")
        )
        .exclude(organisation=org)
        .values("organisation_id")
        .annotate(n=Count("project_id", distinct=True))
        .order_by("-n")[:limit]
    )
    counts = {r["organisation_id"]: r["n"] for r in rows}
    orgs = Organisation.objects.select_related("country").in_bulk(list(counts))
    return [(orgs[pk], n) for pk, n in counts.items() if pk in orgs]


def map_counts(query: DirectoryQuery | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """Clusters per NUTS-2 region and per country, for the current directory filters."""
    return cluster_directory().counts_by_area(query or DirectoryQuery())


def registry_stats() -> dict[str, int]:
    return {
        "clusters": ClusterOrganisation.objects.count(),
        "organisations": Organisation.objects.count(),
        "countries": ClusterOrganisation.objects.values("organisation__country").distinct().count(),
        "projects": Participation.objects.values("project").distinct().count(),
    }


# Finding an organisation from what a person or a client typed -------------------------------

ORGANISATION_KEYS = ("pic", "slug", "legal_name__iexact", "short_name__iexact")


def organisations_named(text: str, *, keys: tuple[str, ...] = ORGANISATION_KEYS) -> list:
    """The organisations that ``text`` names, trying each key in turn: PIC, address (slug),
    legal name, short name (the last two ignore case). The first key that matches anything
    wins, so a PIC never competes with a name. At most two are returned: one means found,
    two means ambiguous, none means unknown."""
    text = (text or "").strip()
    if not text:
        return []
    base = Organisation.objects.select_related("country").defer("search_document")
    for key in keys:
        found = list(base.filter(**{key: text}).order_by("pk")[:2])
        if found:
            return found
    return []


def organisation_named(text: str, *, keys: tuple[str, ...] = ORGANISATION_KEYS):
    """The one organisation ``text`` names, or :class:`OrganisationNotFound` saying why."""
    found = organisations_named(text, keys=keys)
    if len(found) == 1:
        return found[0]
    raise OrganisationNotFound(text.strip(), ambiguous=bool(found))


class OrganisationNotFound(LookupError):
    """No organisation, or several, answer to a name: the message says which, in the user's
    language, and asks for the PIC or the address when the name is ambiguous."""

    def __init__(self, text: str, *, ambiguous: bool):
        self.text, self.ambiguous = text, ambiguous
        if ambiguous:
            message = gettext(
                "Several organisations are called “%(text)s”: give the PIC or the address."
            )
        elif text.isdigit() and len(text) != 9:
            message = gettext(
                "“%(text)s” is not a PIC: a PIC has 9 digits (this has %(n)d). Check the "
                "number on the Funding & Tenders Portal."
            )
        else:
            message = gettext("No organisation “%(text)s” in the registry. Add it first.")
        super().__init__(message % {"text": text, "n": len(text)})


API_KEYS = ("pic", "slug")


def organisations_by_key(keys: list[str], field: str) -> list:
    """The organisations a client names by PIC or address (slug), in order and without
    repeats; one :class:`ValidationError` naming ``field`` and every key that names none.
    (Clients name organisations exactly; names are for people, see ``organisation_named``.)"""
    wanted = list(dict.fromkeys(k.strip() for k in keys if k and k.strip()))
    found = {key: organisations_named(key, keys=API_KEYS) for key in wanted}
    unknown = [key for key, orgs in found.items() if len(orgs) != 1]
    if unknown:
        names = ", ".join(f"“{key}”" for key in unknown)
        raise ValidationError({field: [f"No organisation with address or PIC {names}."]})
    return [found[key][0] for key in wanted]


def organisation_by_key(key: str, field: str):
    """The one organisation a client names by PIC or address; 400 naming ``field``."""
    if not (key or "").strip():
        raise ValidationError({field: ["Give the address or PIC of an organisation."]})
    return organisations_by_key([key], field)[0]


# Insights ------------------------------------------------------------------------------------


def network_members(organisation: Organisation):
    """The ids of a network's organisations: itself and the members of its cluster."""
    from clusterhub.core.aggregates import Network

    from .models import Membership

    return Network(
        organisation.pk,
        Membership.objects.filter(cluster__organisation=organisation).values("member_id"),
    )


def scoped_organisations(organisation_ids=None, region: str | None = None):
    found = Organisation.objects.all()
    if organisation_ids is not None:
        from clusterhub.core.aggregates import among

        found = found.filter(among("pk", organisation_ids))
    if region:
        found = found.filter(nuts_region__code__startswith=region)
    return found


def insight_figures(organisation_ids=None, region: str | None = None) -> dict:
    """The registry's figures for a dashboard, a fixed number of aggregate queries: cluster
    organisations by NUTS 2 region, by ecosystem, by label and by size band, and the
    registry's growth by year (clusters and organisations added, cumulated)."""
    from django.db.models.functions import Substr

    from clusterhub.core.aggregates import year_of

    from .models import SIZE_BANDS, ClusterLabel, SizeBand

    organisations = scoped_organisations(organisation_ids, region)
    clusters = ClusterOrganisation.objects.all()
    if organisation_ids is not None:
        from clusterhub.core.aggregates import among

        clusters = clusters.filter(among("organisation_id", organisation_ids))
    if region:
        clusters = clusters.filter(organisation__nuts_region__code__startswith=region)
    by_region = dict(clusters.filter(organisation__nuts_region__isnull=False)
                     .annotate(code=Substr("organisation__nuts_region_id", 1, 4))
                     .values_list("code").annotate(n=Count("id")).order_by())  # fmt: skip
    names = dict(NutsRegion.objects.filter(level=2).values_list("code", "name_latin"))
    ecosystems = {e.slug: str(e) for e in Ecosystem.objects.all()}  # in the reader's language
    by_ecosystem = (
        clusters.filter(organisation__ecosystems__isnull=False)
        .values_list("organisation__ecosystems")
        .annotate(n=Count("id"))
        .order_by()
    )
    labels = (ClusterLabel.objects.filter(cluster__in=clusters, verified_at__isnull=False)
              .values_list("scheme", "level").annotate(n=Count("cluster", distinct=True))
              .order_by())  # fmt: skip
    scheme_names = dict(ClusterLabel._meta.get_field("scheme").choices)
    level_names = dict(ClusterLabel._meta.get_field("level").choices)
    bands = clusters.aggregate(**{
        band: Count("id", filter=Q(members_total__gte=low)
                    & (Q(members_total__lte=high) if high is not None else Q()))
        for band, (low, high) in SIZE_BANDS.items()})  # fmt: skip
    band_names = dict(SizeBand.choices)
    grown_clusters = dict(clusters.annotate(y=year_of("created")).values_list("y")
                          .annotate(n=Count("id")).order_by())  # fmt: skip
    grown_organisations = dict(organisations.annotate(y=year_of("created")).values_list("y")
                               .annotate(n=Count("id")).order_by())  # fmt: skip
    growth, total_c, total_o = [], 0, 0
    for year in sorted(set(grown_clusters) | set(grown_organisations)):
        total_c += grown_clusters.get(year, 0)
        total_o += grown_organisations.get(year, 0)
        growth.append((str(year), grown_clusters.get(year, 0), total_c,
                       grown_organisations.get(year, 0), total_o))  # fmt: skip
    return {
        "clusters": sum(bands.values()),
        "organisations": total_o,
        "by_region": sorted(((f"{names.get(code, '')} ({code})".strip(), n)
                             for code, n in by_region.items()), key=lambda r: (-r[1], r[0])),
        "by_ecosystem": sorted(((ecosystems.get(slug, slug), n) for slug, n in by_ecosystem),
                               key=lambda r: (-r[1], r[0])),
        "by_label": [(f"{scheme_names.get(s, s)}: {level_names.get(lv, lv)}", n)
                     for s, lv, n in sorted(labels, key=lambda r: -r[2])],
        "by_size": [(str(band_names[band]), bands[band]) for band in SIZE_BANDS],
        "growth": growth,
    }  # fmt: skip


def team_requests_for(organisation_ids) -> list:
    """Requests to join the profile teams of these organisations, waiting for an answer."""
    from .models import TeamRequest

    return list(
        TeamRequest.objects.filter(
            organisation_id__in=list(organisation_ids),
            kind=TeamRequest.Kind.JOIN,
            status=TeamRequest.Status.PENDING,
        )
        .select_related("organisation", "user")
        .order_by("created")
    )


def map_points(query: DirectoryQuery | None = None, limit: int = 2000) -> list[dict]:
    """The clusters matching the directory filters that have coordinates, as map points."""
    ids = cluster_directory().matching_ids(query or DirectoryQuery())[:limit]
    rows = (
        Organisation.objects.filter(
            cluster_profile__pk__in=ids, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("legal_name")
        .values("slug", "legal_name", "short_name", "latitude", "longitude", "city")
    )
    return list(rows)
