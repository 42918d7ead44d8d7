"""The registry's JSON API: organisations, cluster organisations, members, people, teams.

Reading is open to everyone (a bearer token is recognised when sent); writing needs a token
or a signed-in session, and the permission of :mod:`clusterhub.registry.rules`. Every write
goes through :mod:`clusterhub.registry.services`; bad input answers 400 (or 422 for a body that
does not parse) with ``{"detail": …, "errors": [{"field": …, "message": …}]}``.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from clusterhub.core import jobs
from clusterhub.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorBody,
    FacetOption,
    Filters,
    FiniteDecimal,
    FiniteFloat,
    InputSchema,
    Listing,
    Patch,
    paginated,
    read_auth,
    write_auth,
)
from clusterhub.core.jobs_api import JobOut, accepted
from clusterhub.core.models import JobStatus
from clusterhub.reference.models import Ecosystem, NaceActivity, Technology
from clusterhub.reference.selectors import resolve_country_code

from . import selectors, services, tasks
from .models import (
    ClusterLabel,
    ClusterOrganisation,
    LabelLevel,
    LabelScheme,
    Membership,
    Organisation,
    OrganisationKind,
    Participation,
    Person,
    ProfileTeamMember,
    TeamInvitation,
)
from .schemas import OrganisationRef

router = Router(tags=["registry"])


def require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied("You may not do this.")


def can_change(request, org: Organisation) -> bool:
    """Whether the caller is on ``org``'s profile team (or staff); asked once per request."""
    seen = request.__dict__.setdefault("_registry_can_change", {})
    if org.pk not in seen:
        user = request.user
        seen[org.pk] = user.is_authenticated and user.has_perm("registry.change_organisation", org)
    return seen[org.pk]


def get_organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.defer("search_document"), slug=slug)


def get_cluster(slug: str) -> ClusterOrganisation:
    return get_object_or_404(
        ClusterOrganisation.objects.select_related("organisation"), organisation__slug=slug
    )


# Schemas ------------------------------------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str
    legal_name: str
    short_name: str
    kind: str
    is_sme: bool
    country: str = Field(alias="country_id", description="ISO 3166 code.")
    country_name: str
    nuts_region: str | None = Field(None, alias="nuts_region_id")
    region_name: str | None = None
    city: str
    latitude: float | None
    longitude: float | None
    website: str
    description: str
    pic: str | None
    ecosystems: list[str] = Field(description="Slugs, see /reference/ecosystems.")
    technologies: list[str] = Field(description="Slugs, see /reference/technologies.")
    nace: list[str] = Field(description="NACE codes, see /reference/nace.")
    url: str
    created: datetime
    updated: datetime

    @staticmethod
    def resolve_country_name(obj) -> str:
        return obj.country.name

    @staticmethod
    def resolve_region_name(obj) -> str | None:
        return obj.nuts_region.name_latin if obj.nuts_region_id else None

    @staticmethod
    def resolve_ecosystems(obj) -> list[str]:
        return [e.slug for e in obj.ecosystems.all()]

    @staticmethod
    def resolve_technologies(obj) -> list[str]:
        return [t.slug for t in obj.technologies.all()]

    @staticmethod
    def resolve_nace(obj) -> list[str]:
        return [n.code for n in obj.nace_activities.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class WithFacets(Schema):
    facets: dict[str, list[FacetOption]] | None = Field(
        None, description="Counts per facet value, with facets=true."
    )


class OrganisationFields(InputSchema):
    """Fields shared by organisations and cluster organisations on input."""

    legal_name: str = Field(max_length=300)
    short_name: str = ""
    country: str = Field(description="ISO or EU code (EL and UK are understood).")
    nuts_region: str | None = Field(None, description="NUTS code (any level).")
    city: str = ""
    latitude: FiniteFloat | None = None
    longitude: FiniteFloat | None = None
    website: str = ""
    description: str = ""
    pic: str | None = None
    ecosystems: list[str] = Field([], description="Slugs, see /reference/ecosystems.")
    technologies: list[str] = Field([], description="Slugs, see /reference/technologies.")
    nace: list[str] = Field([], description="NACE codes, see /reference/nace.")


class OrganisationIn(OrganisationFields):
    kind: Literal[tuple(OrganisationKind.values)]  # type: ignore[valid-type]
    is_sme: bool = False


class LabelSchema(InputSchema):
    scheme: Literal[tuple(LabelScheme.values)]  # type: ignore[valid-type]
    level: Literal[tuple(LabelLevel.values)]  # type: ignore[valid-type]
    awarded_by: str = ""
    valid_from: date | None = None
    valid_until: date | None = None


class LabelOut(Schema):
    scheme: str
    level: str
    awarded_by: str
    valid_from: date | None
    valid_until: date | None
    verified: bool = Field(
        description="Verified by platform staff; otherwise declared by the cluster's team."
    )
    verified_at: datetime | None


class ValidationOut(Schema):
    is_validated: bool
    missing_criteria: list[str]


class ClusterOut(Schema):
    slug: str
    name: str
    organisation: OrganisationOut
    founding_year: int | None
    members_companies: int
    members_smes: int
    members_research: int
    members_universities: int
    members_public: int
    members_other: int
    members_total: int
    size_band: str
    management_fte: float
    support_programmes: str
    languages: str
    contact_name: str
    contact_email: str
    contact_phone: str
    labels: list[LabelOut]
    validation: ValidationOut
    url: str

    @staticmethod
    def resolve_slug(obj) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_labels(obj) -> list:
        return list(obj.labels.all())

    @staticmethod
    def resolve_validation(obj) -> dict:
        return {
            "is_validated": obj.is_validated,
            "missing_criteria": [str(m) for m in obj.missing_criteria()],
        }

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("registry:cluster-detail", args=[obj.organisation.slug])


class ClusterIn(OrganisationFields):
    founding_year: int | None = None
    members_companies: int = 0
    members_smes: int = 0
    members_research: int = 0
    members_universities: int = 0
    members_public: int = 0
    members_other: int = 0
    management_fte: FiniteDecimal = Decimal("0")
    support_programmes: str = ""
    languages: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    labels: list[LabelSchema] = []


ORGANISATION_FIELDS = (
    "legal_name",
    "short_name",
    "city",
    "latitude",
    "longitude",
    "website",
    "description",
    "pic",
    "kind",
    "is_sme",
)
PROFILE_FIELDS = (
    "founding_year",
    "members_companies",
    "members_smes",
    "members_research",
    "members_universities",
    "members_public",
    "members_other",
    "management_fte",
    "support_programmes",
    "languages",
    "contact_name",
    "contact_email",
    "contact_phone",
)
TOPICS = (
    ("ecosystems", Ecosystem, "ecosystems"),
    ("technologies", Technology, "technologies"),
    ("nace", NaceActivity, "nace_activities"),
)


# Applying input to models -------------------------------------------------------------------


def apply_organisation(org: Organisation, data: dict) -> dict:
    """Copy input onto ``org``; returns the topics for ``save_organisation``.

    Codes that name nothing (country, region, topics) are reported together, field by field.
    """
    errors: dict[str, list[str]] = {}
    if (
        org.pk
        and data.get("kind", org.kind) != OrganisationKind.CLUSTER
        and ClusterOrganisation.objects.filter(organisation=org).exists()
    ):
        errors["kind"] = ["This organisation manages a cluster: its kind stays “cluster”."]
    for name in ORGANISATION_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str) and name not in ("description",):
                value = value.strip()
            setattr(org, name, value)
    if "country" in data:
        code = resolve_country_code(data["country"] or "")
        if code is None:
            errors["country"] = [f"Unknown country code “{data['country']}”."]
        else:
            org.country_id = code
    if "nuts_region" in data:
        org.nuts_region_id = (data["nuts_region"] or "").strip().upper() or None
    topics = {}
    for field, model, argument in TOPICS:
        if field not in data or data[field] is None:
            continue
        wanted = list(dict.fromkeys(v.strip() for v in data[field] if v and v.strip()))
        found = {obj.pk: obj for obj in model.objects.filter(pk__in=wanted)}
        unknown = [v for v in wanted if v not in found]
        if unknown:
            errors[field] = [f"Unknown {field} code(s): {', '.join(unknown)}."]
        topics[argument] = [found[v] for v in wanted if v in found]
    if errors:
        raise ValidationError(errors)
    return topics


def apply_profile(profile: ClusterOrganisation, data: dict) -> list[ClusterLabel] | None:
    for name in PROFILE_FIELDS:
        if name in data:
            value = data[name]
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if "labels" not in data or data["labels"] is None:
        return None
    labels = []
    for i, item in enumerate(data["labels"]):
        label = ClusterLabel(**item)
        try:
            label.full_clean(exclude=["cluster"])
        except ValidationError as error:
            messages = [str(m) for ms in error.message_dict.values() for m in ms]
            raise ValidationError({f"labels.{i}": messages}) from error
        labels.append(label)
    return labels


def cluster_detail_object(slug: str) -> ClusterOrganisation:
    try:
        return selectors.cluster_profile(slug)
    except ClusterOrganisation.DoesNotExist:
        raise Http404("No cluster organisation at this address.") from None


def organisation_detail_object(slug: str) -> Organisation:
    try:
        return selectors.organisation_profile(slug)
    except Organisation.DoesNotExist:
        raise Http404("No organisation at this address.") from None


# Organisations ------------------------------------------------------------------------------


class OrganisationFilters(Filters):
    q: str = Field("", description="Words of the name, city, description or topics.")
    country: list[str] = Field([], description="ISO codes; repeat or separate with commas.")
    region: list[str] = Field([], description="NUTS codes (a region and all inside it).")
    ecosystem: list[str] = []
    technology: list[str] = []
    member_kind: list[str] = Field([], description="Kinds of organisation, or sme.")
    sort: Literal["", "name", "country", "-updated"] = ""
    facets: bool = Field(False, description="Include counts per facet value.")


class ClusterFilters(Filters):
    q: str = ""
    country: list[str] = []
    region: list[str] = []
    ecosystem: list[str] = []
    technology: list[str] = []
    label: list[str] = Field([], description="scheme-level, e.g. ecei-gold.")
    member_kind: list[str] = Field([], description="Has members of that kind.")
    size: list[str] = Field([], description="small, medium, large, very_large.")
    sort: Literal["", "name", "-members", "founded", "-updated"] = ""
    facets: bool = False


def with_all_topics(qs, prefix: str = ""):
    return qs.prefetch_related(
        f"{prefix}ecosystems", f"{prefix}technologies", f"{prefix}nace_activities"
    )


@router.get("/organisations", response={200: list[OrganisationOut], **READ_ERRORS}, auth=read_auth)
@paginated(extra=WithFacets)
def list_organisations(request, filters: Query[OrganisationFilters]):
    """The organisation directory, with the same filters as its page."""
    query = selectors.DirectoryQuery.from_params(filters.dict())
    directory = selectors.organisation_directory()
    facets = directory.facet_counts(query) if filters.facets else None
    return Listing(with_all_topics(directory.results(query)), extra={"facets": facets})


@router.get("/organisations/{slug}", response={200: OrganisationOut, **READ_ERRORS}, auth=read_auth)
def get_organisation_detail(request, slug: str):
    return organisation_detail_object(slug)


@router.post("/organisations", response={201: OrganisationOut, **WRITE_ERRORS}, auth=write_auth)
def create_organisation(request, payload: OrganisationIn):
    """Add an organisation; its creator joins its profile team."""
    require(request, "registry.add_organisation")
    org = Organisation()
    topics = apply_organisation(org, payload.dict())
    services.create_organisation_with_team(org, request.user, **topics)
    return Status(201, organisation_detail_object(org.slug))


@router.put(
    "/organisations/{slug}", response={200: OrganisationOut, **WRITE_ERRORS}, auth=write_auth
)
def replace_organisation(request, slug: str, payload: OrganisationIn):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    topics = apply_organisation(org, payload.dict())
    services.save_organisation(org, **topics)
    return organisation_detail_object(org.slug)


@router.patch(
    "/organisations/{slug}", response={200: OrganisationOut, **WRITE_ERRORS}, auth=write_auth
)
def update_organisation(request, slug: str, payload: Patch[OrganisationIn]):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    topics = apply_organisation(org, payload)
    services.save_organisation(org, **topics)
    return organisation_detail_object(org.slug)


@router.delete("/organisations/{slug}", response={204: None, **WRITE_ERRORS}, auth=write_auth)
def delete_organisation(request, slug: str):
    """Platform staff only."""
    org = get_organisation(slug)
    services.delete_organisation(org, request.user)
    return Status(204, None)


# Cluster organisations ----------------------------------------------------------------------


@router.get("/clusters", response={200: list[ClusterOut], **READ_ERRORS}, auth=read_auth)
@paginated(extra=WithFacets)
def list_clusters(request, filters: Query[ClusterFilters]):
    """The cluster directory, with the same filters as its page."""
    query = selectors.DirectoryQuery.from_params(filters.dict())
    directory = selectors.cluster_directory()
    qs = with_all_topics(directory.results(query), "organisation__").prefetch_related("labels")
    facets = directory.facet_counts(query) if filters.facets else None
    return Listing(qs, extra={"facets": facets})


@router.get("/clusters/{slug}", response={200: ClusterOut, **READ_ERRORS}, auth=read_auth)
def get_cluster_detail(request, slug: str):
    return cluster_detail_object(slug)


@router.post("/clusters", response={201: ClusterOut, **WRITE_ERRORS}, auth=write_auth)
def create_cluster(request, payload: ClusterIn):
    """Add a cluster organisation and its profile at once; its creator joins the team."""
    require(request, "registry.add_organisation")
    data = payload.dict()
    org = Organisation(kind=OrganisationKind.CLUSTER)
    topics = apply_organisation(org, data)
    profile = ClusterOrganisation()
    labels = apply_profile(profile, data)
    services.create_organisation_with_team(
        org, request.user, profile=profile, labels=labels, **topics
    )
    return Status(201, cluster_detail_object(org.slug))


def _update_cluster(request, slug: str, data: dict):
    profile = get_cluster(slug)
    require(request, "registry.change_clusterorganisation", profile)
    topics = apply_organisation(profile.organisation, data)
    labels = apply_profile(profile, data)
    services.save_cluster(profile, labels=labels, **topics)
    return cluster_detail_object(slug)


@router.put("/clusters/{slug}", response={200: ClusterOut, **WRITE_ERRORS}, auth=write_auth)
def replace_cluster(request, slug: str, payload: ClusterIn):
    return _update_cluster(request, slug, payload.dict())


@router.patch("/clusters/{slug}", response={200: ClusterOut, **WRITE_ERRORS}, auth=write_auth)
def update_cluster(request, slug: str, payload: Patch[ClusterIn]):
    return _update_cluster(request, slug, payload)


@router.delete("/clusters/{slug}", response={204: None, **WRITE_ERRORS}, auth=write_auth)
def delete_cluster(request, slug: str):
    """Deletes the cluster organisation with its profile. Platform staff only."""
    profile = get_cluster(slug)
    services.delete_organisation(profile.organisation, request.user)
    return Status(204, None)


# Members of a cluster -----------------------------------------------------------------------


class ClusterMemberOut(Schema):
    organisation: OrganisationRef = Field(alias="member")
    since: int | None
    status: Literal["proposed", "accepted"] = Field(
        description="accepted: confirmed by the member's profile team (or entered by staff)."
    )


class MemberIn(InputSchema):
    organisation: str = Field(description="Address (slug) or PIC of the member organisation.")
    since: int | None = Field(None, description="Year the membership began.")


@router.get(
    "/clusters/{slug}/members",
    response={200: list[ClusterMemberOut], **READ_ERRORS},
    auth=read_auth,
)
@paginated()
def list_members(request, slug: str):
    profile = get_cluster(slug)
    return (
        Membership.objects.filter(cluster=profile)
        .select_related("member")
        .defer("member__search_document", "member__description")
        .order_by("member__legal_name", "pk")
    )


@router.post(
    "/clusters/{slug}/members", response={201: ClusterMemberOut, **WRITE_ERRORS}, auth=write_auth
)
def add_member(request, slug: str, payload: MemberIn):
    profile = get_cluster(slug)
    require(request, "registry.change_clusterorganisation", profile)
    member = selectors.organisation_by_key(payload.organisation, "organisation")
    membership = services.add_member(profile, member, request.user, since=payload.since)
    return Status(201, membership)


@router.delete(
    "/clusters/{slug}/members/{member_slug}", response={204: None, **WRITE_ERRORS}, auth=write_auth
)
def remove_member(request, slug: str, member_slug: str):
    profile = get_cluster(slug)
    require(request, "registry.change_clusterorganisation", profile)
    membership = get_object_or_404(Membership, cluster=profile, member__slug=member_slug)
    services.remove_member(membership, request.user)
    return Status(204, None)


# People -------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    role: str
    email: str | None = Field(None, description="Only for the organisation's profile team.")
    public_consent: bool
    public_consent_at: datetime | None

    @staticmethod
    def resolve_email(obj, context) -> str | None:
        return obj.email if can_change(context["request"], obj.organisation) else None


class PersonIn(InputSchema):
    first_name: str
    last_name: str
    role: str = ""
    email: str = ""
    public_consent: bool = Field(
        False, description="The person agreed to be shown publicly; the date is stored."
    )


@router.get(
    "/organisations/{slug}/people", response={200: list[PersonOut], **WRITE_ERRORS}, auth=read_auth
)
@paginated()
def list_people(
    request,
    slug: str,
    include_hidden: Annotated[
        bool, Query(description="Also people who did not consent (profile team only).")
    ] = False,
) -> dict:
    """People who agreed to be shown; e-mail addresses only for the profile team."""
    org = get_organisation(slug)
    team = can_change(request, org)
    if include_hidden and not team:
        raise PermissionDenied("Only the profile team sees people who did not consent.")
    qs = org.people.select_related("organisation").order_by("last_name", "first_name", "pk")
    return qs if include_hidden else qs.filter(public_consent=True)


@router.post(
    "/organisations/{slug}/people", response={201: PersonOut, **WRITE_ERRORS}, auth=write_auth
)
def add_person(request, slug: str, payload: PersonIn):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    data = payload.dict()
    consent = data.pop("public_consent")
    person = services.save_person(Person(organisation=org, **data), public_consent=consent)
    return Status(201, person)


@router.patch(
    "/organisations/{slug}/people/{person_id}",
    response={200: PersonOut, **WRITE_ERRORS},
    auth=write_auth,
)
def update_person(request, slug: str, person_id: int, payload: Patch[PersonIn]):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    person = get_object_or_404(Person, pk=person_id, organisation=org)
    consent = payload.pop("public_consent", None)
    for name, value in payload.items():
        setattr(person, name, value.strip() if isinstance(value, str) else value)
    return services.save_person(person, public_consent=consent)


@router.delete(
    "/organisations/{slug}/people/{person_id}",
    response={204: None, **WRITE_ERRORS},
    auth=write_auth,
)
def delete_person(request, slug: str, person_id: int):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    person = get_object_or_404(Person, pk=person_id, organisation=org)
    services.delete_person(person, request.user)
    return Status(204, None)


# Profile team -------------------------------------------------------------------------------


class TeamSeatOut(Schema):
    """A seat on the profile team, or a pending invitation to one."""

    id: int | None = Field(description="Seat number; none for a pending invitation.")
    email: str
    name: str
    status: Literal["member", "invited"]
    since: datetime

    @staticmethod
    def resolve_id(obj) -> int | None:
        return None if isinstance(obj, TeamInvitation) else obj.pk

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.email if isinstance(obj, TeamInvitation) else obj.user.email

    @staticmethod
    def resolve_name(obj) -> str:
        return "" if isinstance(obj, TeamInvitation) else obj.user.get_full_name()

    @staticmethod
    def resolve_status(obj) -> str:
        return "invited" if isinstance(obj, TeamInvitation) else "member"

    @staticmethod
    def resolve_since(obj) -> datetime:
        return obj.created if isinstance(obj, TeamInvitation) else obj.added_at


class TeamIn(InputSchema):
    email: str


@router.get(
    "/organisations/{slug}/team", response={200: list[TeamSeatOut], **WRITE_ERRORS}, auth=write_auth
)
@paginated()
def list_team(request, slug: str):
    """Who may edit the profile, and who is invited. Profile team and staff only."""
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    seats = list(org.team_members.select_related("user").order_by("added_at", "pk"))
    return seats + list(org.team_invitations.order_by("created", "pk"))


@router.post(
    "/organisations/{slug}/team", response={201: TeamSeatOut, **WRITE_ERRORS}, auth=write_auth
)
def add_to_team(request, slug: str, payload: TeamIn):
    """Invite a colleague by e-mail. They join once they accept, signed in with that address;
    the answer is the same whether or not the address has an account."""
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    email = payload.email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    return Status(201, services.add_team_member(org, email, request.user))


@router.delete(
    "/organisations/{slug}/team/{seat_id}", response={204: None, **WRITE_ERRORS}, auth=write_auth
)
def remove_from_team(request, slug: str, seat_id: int):
    org = get_organisation(slug)
    require(request, "registry.change_organisation", org)
    seat = get_object_or_404(ProfileTeamMember, pk=seat_id, organisation=org)
    services.remove_team_member(seat, request.user)
    return Status(204, None)


# Projects and collaboration -----------------------------------------------------------------


class ProjectOut(Schema):
    cordis_id: str
    acronym: str
    title: str
    programme: str
    topic: str
    role: str
    order: int | None
    ec_contribution: Decimal | None = Field(description="EU contribution to this organisation.")
    partners: int = Field(description="Organisations in the project.")

    @staticmethod
    def resolve_cordis_id(obj) -> str:
        return obj.project.cordis_id

    @staticmethod
    def resolve_acronym(obj) -> str:
        return obj.project.acronym

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.project.title

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.project.programme

    @staticmethod
    def resolve_topic(obj) -> str:
        return obj.project.topic


class CollaboratorOut(Schema):
    """An organisation and the number of projects it shared (a ``(organisation, n)`` pair)."""

    organisation: OrganisationRef
    shared_projects: int

    @staticmethod
    def resolve_organisation(obj):
        return obj[0]

    @staticmethod
    def resolve_shared_projects(obj) -> int:
        return obj[1]


@router.get(
    "/organisations/{slug}/projects",
    response={200: list[ProjectOut], **READ_ERRORS},
    auth=read_auth,
)
@paginated()
def list_projects(request, slug: str):
    """Funded projects of the organisation (CORDIS), newest first."""
    org = get_organisation(slug)
    count = Participation.objects.filter(organisation=org).count()
    return Listing(selectors.projects_of(org, limit=None), count=count)


@router.get(
    "/organisations/{slug}/collaborators",
    response={200: list[CollaboratorOut], **READ_ERRORS},
    auth=read_auth,
)
@paginated(pass_parameter="page")
def list_collaborators(request, slug: str, **kwargs):
    """Organisations that shared projects with this one, most shared projects first."""
    org = get_organisation(slug)
    count = (
        Participation.objects.filter(
            project__in=Participation.objects.filter(organisation=org).values("project_id")
        )
        .exclude(organisation=org)
        .values("organisation_id")
        .distinct()
        .count()
    )
    page = kwargs["page"]  # only what this page needs is ranked
    return Listing(selectors.collaborators_of(org, limit=page.offset + page.limit), count=count)


# Imports ------------------------------------------------------------------------------------


class ImportIssue(Schema):
    row: int | None = Field(description="Row as a spreadsheet shows it (header: 1); none: file.")
    column: str
    message: str


class ImportReportOut(Schema):
    kind: str
    ok: bool
    dry_run: bool
    rows: int
    created: int
    updated: int
    counts: dict[str, int]
    error_count: int
    errors: list[ImportIssue]
    warnings: list[ImportIssue]


@router.post(
    "/imports/{kind}",
    response={
        **WRITE_ERRORS,
        200: ImportReportOut,
        202: JobOut,
        400: ImportReportOut | ErrorBody,  # the report of a wrong file, or a request unread
    },
    auth=write_auth,
)
def import_file(
    request,
    response: HttpResponse,
    kind: Literal["organisations", "clusters", "cordis"],
    file: Annotated[UploadedFile, File(description="CSV or XLSX; row 1 names the columns.")],
    projects_file: Annotated[
        UploadedFile | None, File(description="CORDIS only: the projects file (call topics).")
    ] = None,
    dry_run: Annotated[bool, Form(description="Check and count, write nothing.")] = False,
):
    """Import a CSV or XLSX file. Platform staff only.

    All or nothing: 200 with the report when every row is right, else 400 with the report
    listing each wrong row, column and reason, and nothing written. Where imports run in a
    worker, the answer is 202 with the job (``Location``: poll it until it is done; its
    ``result`` is the same report).
    """
    require(request, "registry.import_data")
    job = jobs.refreshed(
        tasks.start_import(
            kind, file, user=request.user, dry_run=dry_run, projects_file=projects_file
        )
    )
    if job.status == JobStatus.DONE:
        return Status(200, job.result)
    if job.status == JobStatus.FAILED and job.result:
        return Status(400, job.result)
    return accepted(request, response, job)
