"""Read queries of the registry: the directories with their facets, profiles, map counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Substr
from django.http import QueryDict

from clusterhub.core.search import filter_text
from clusterhub.reference.models import Country, Ecosystem, NutsRegion, Technology

from .models import (
    SIZE_BANDS,
    ClusterLabel,
    ClusterOrganisation,
    Organisation,
    OrganisationKind,
    Participation,
    SizeBand,
)

MEMBER_KIND_FIELDS = {
    "company": "members_companies",
    "sme": "members_smes",
    "research": "members_research",
    "higher_education": "members_universities",
    "public_authority": "members_public",
    "other": "members_other",
}
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

FACET_NAMES = ("country", "region", "ecosystem", "technology", "label", "member_kind", "size")


@dataclass
class DirectoryQuery:
    """What a directory was asked for: a text term and facet values (each a list: OR)."""

    q: str = ""
    country: list[str] = field(default_factory=list)
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
            if isinstance(params, QueryDict):
                raw = params.getlist(name)
            else:
                value = params.get(name) or []
                raw = value if isinstance(value, list | tuple) else [value]
            values = []
            for item in raw:
                for part in str(item).split(","):
                    part = part.strip()
                    if part:
                        values.append(part.upper() if upper else part)
            return list(dict.fromkeys(values))[:50]

        return cls(
            q=str(params.get("q") or "").strip()[:200],
            country=many("country", upper=True),
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


class Directory:
    """A searchable, faceted list over organisations (prefix "") or cluster profiles."""

    def __init__(self, base: QuerySet, org_prefix: str, sorts: dict, facets: tuple[str, ...]):
        self.base = base
        self.org = org_prefix
        self.sorts = sorts
        self.facets = facets

    def _org_ids(self, qs: QuerySet) -> QuerySet:
        return qs.values(f"{self.org}id" if self.org else "id")

    def filtered(self, query: DirectoryQuery, skip: str | None = None) -> QuerySet:
        qs = self.base
        o = self.org
        if query.q:
            if o:
                qs = qs.filter(organisation__in=filter_text(Organisation.objects.all(), query.q))
            else:
                qs = filter_text(qs, query.q)
        if query.country and skip != "country":
            qs = qs.filter(**{f"{o}country_id__in": query.country})
        if query.region and skip != "region":
            qs = qs.filter(
                reduce(
                    or_, (Q(**{f"{o}nuts_region__code__startswith": code}) for code in query.region)
                )
            )
        if query.ecosystem and skip != "ecosystem":
            qs = qs.filter(
                **{
                    f"{o}id__in": Organisation.ecosystems.through.objects.filter(
                        ecosystem_id__in=query.ecosystem
                    ).values("organisation_id")
                }
            )
        if query.technology and skip != "technology":
            qs = qs.filter(
                **{
                    f"{o}id__in": Organisation.technologies.through.objects.filter(
                        technology_id__in=query.technology
                    ).values("organisation_id")
                }
            )
        if "label" in self.facets and query.label and skip != "label":
            wanted = [tuple(v.split("-", 1)) for v in query.label if "-" in v]
            if wanted:
                qs = qs.filter(
                    id__in=ClusterLabel.objects.filter(
                        reduce(or_, (Q(scheme=s, level=lv) for s, lv in wanted))
                    ).values("cluster_id")
                )
        if query.member_kind and skip != "member_kind":
            if "size" in self.facets:  # cluster profiles: has members of that kind
                conds = [
                    Q(**{f"{MEMBER_KIND_FIELDS[k]}__gt": 0})
                    for k in query.member_kind
                    if k in MEMBER_KIND_FIELDS
                ]
                if conds:
                    qs = qs.filter(reduce(or_, conds))
            else:  # organisations: of that kind
                conds = [Q(kind__in=query.member_kind)]
                if "sme" in query.member_kind:
                    conds.append(Q(is_sme=True))
                qs = qs.filter(reduce(or_, conds))
        if "size" in self.facets and query.size and skip != "size":
            conds = []
            for band in query.size:
                if band in SIZE_BANDS:
                    low, high = SIZE_BANDS[band]
                    cond = Q(members_total__gte=low)
                    if high is not None:
                        cond &= Q(members_total__lte=high)
                    conds.append(cond)
            if conds:
                qs = qs.filter(reduce(or_, conds))
        return qs

    def results(self, query: DirectoryQuery) -> QuerySet:
        qs = self.filtered(query)
        sort = self.sorts.get(query.sort)
        if sort is None and query.q:
            # Relevance: name matches first.
            name_field = f"{self.org}legal_name"
            short_field = f"{self.org}short_name"
            qs = qs.annotate(
                name_match=Case(
                    When(**{f"{short_field}__iexact": query.q}, then=Value(0)),
                    When(**{f"{name_field}__icontains": query.q}, then=Value(1)),
                    When(**{f"{short_field}__icontains": query.q}, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            return qs.order_by("name_match", *next(iter(self.sorts.values())))
        return qs.order_by(*(sort or next(iter(self.sorts.values()))))

    def facet_counts(self, query: DirectoryQuery) -> dict[str, list[dict]]:
        """Counts per facet value; each facet counts with every filter but its own."""
        o = self.org
        out: dict[str, list[dict]] = {}
        if "country" in self.facets:
            rows = (
                self.filtered(query, skip="country")
                .order_by()
                .values(f"{o}country_id")
                .annotate(n=Count("id"))
            )
            counts = {r[f"{o}country_id"]: r["n"] for r in rows}
            names = dict(Country.objects.filter(code__in=counts).values_list("code", "name"))
            out["country"] = self._options(counts, names, query.country)
        if "region" in self.facets:
            rows = (
                self.filtered(query, skip="region")
                .exclude(**{f"{o}nuts_region": None})
                .annotate(r2=Substr(f"{o}nuts_region_id", 1, 4))
                .order_by()
                .values("r2")
                .annotate(n=Count("id"))
            )
            counts = {r["r2"]: r["n"] for r in rows}
            names = dict(
                NutsRegion.objects.filter(code__in=list(counts) + query.region).values_list(
                    "code", "name_latin"
                )
            )
            out["region"] = self._options(counts, names, query.region)
        for facet, model, through_field in (
            ("ecosystem", Ecosystem, "ecosystem_id"),
            ("technology", Technology, "technology_id"),
        ):
            if facet not in self.facets:
                continue
            through = getattr(Organisation, f"{facet}s" if facet == "ecosystem" else "technologies")
            rows = (
                through.through.objects.filter(
                    organisation_id__in=self._org_ids(self.filtered(query, skip=facet))
                )
                .order_by()
                .values(through_field)
                .annotate(n=Count("id"))
            )
            counts = {r[through_field]: r["n"] for r in rows}
            names = dict(model.objects.values_list("slug", "name"))
            out[facet] = self._options(counts, names, getattr(query, facet), keep_all=names)
        if "label" in self.facets:
            rows = (
                ClusterLabel.objects.filter(cluster__in=self.filtered(query, skip="label"))
                .order_by()
                .values("scheme", "level")
                .annotate(n=Count("cluster", distinct=True))
            )
            counts = {f"{r['scheme']}-{r['level']}": r["n"] for r in rows}
            names = {
                key: ClusterLabel(scheme=s, level=lv).short_name
                for key, (s, lv) in ((k, k.split("-", 1)) for k in counts)
            }
            out["label"] = self._options(counts, names, query.label)
        if "member_kind" in self.facets:
            qs = self.filtered(query, skip="member_kind")
            if "size" in self.facets:
                agg = qs.aggregate(
                    **{
                        k: Count("id", filter=Q(**{f"{f}__gt": 0}))
                        for k, f in MEMBER_KIND_FIELDS.items()
                    }
                )
                counts = {k: v for k, v in agg.items() if v}
                names = {k: str(v) for k, v in MEMBER_KIND_LABELS.items()}
            else:
                counts = {
                    r["kind"]: r["n"] for r in qs.order_by().values("kind").annotate(n=Count("id"))
                }
                smes = qs.filter(is_sme=True).count()
                if smes:
                    counts["sme"] = smes
                names = {k: str(v) for k, v in MEMBER_KIND_LABELS.items()}
                names["cluster"] = str(OrganisationKind.CLUSTER.label)
            out["member_kind"] = self._options(counts, names, query.member_kind, by_count=False)
        if "size" in self.facets:
            qs = self.filtered(query, skip="size")
            agg = {}
            for band, (low, high) in SIZE_BANDS.items():
                cond = Q(members_total__gte=low)
                if high is not None:
                    cond &= Q(members_total__lte=high)
                agg[band.value] = Count("id", filter=cond)
            counts = {k: v for k, v in qs.aggregate(**agg).items() if v}
            names = {b.value: str(b.label) for b in SizeBand}
            out["size"] = self._options(counts, names, query.size, by_count=False, order=names)
        return out

    @staticmethod
    def _options(counts, names, selected, keep_all=None, by_count=True, order=None):
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
    return Directory(base, "organisation__", CLUSTER_SORTS, FACET_NAMES)


def organisation_directory() -> Directory:
    base = Organisation.objects.select_related("country", "nuts_region").defer(
        "search_document", "nuts_region__geometry", "nuts_region__svg_path"
    )
    return Directory(
        base,
        "",
        ORGANISATION_SORTS,
        ("country", "region", "ecosystem", "technology", "member_kind"),
    )


def with_topics(qs: QuerySet, org_prefix: str = "") -> QuerySet:
    """Prefetch ecosystems (and labels for clusters) for a page of results."""
    qs = qs.prefetch_related(f"{org_prefix}ecosystems")
    if org_prefix:
        qs = qs.prefetch_related("labels")
    return qs


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
    qs = cluster_directory().filtered(query or DirectoryQuery()).order_by()
    by_region = {
        r["r2"]: r["n"]
        for r in qs.exclude(organisation__nuts_region=None)
        .annotate(r2=Substr("organisation__nuts_region_id", 1, 4))
        .values("r2")
        .annotate(n=Count("id"))
    }
    by_country = {
        r["organisation__country_id"]: r["n"]
        for r in qs.values("organisation__country_id").annotate(n=Count("id"))
    }
    return by_region, by_country


def registry_stats() -> dict[str, int]:
    return {
        "clusters": ClusterOrganisation.objects.count(),
        "organisations": Organisation.objects.count(),
        "countries": ClusterOrganisation.objects.values("organisation__country").distinct().count(),
        "projects": Participation.objects.values("project").distinct().count(),
    }
