"""The partnering JSON API: opportunities, funding calls and consortium workspaces.

Same permissions as the pages: reading opportunities and calls is open to everyone (contacts
only to signed-in users or token holders, drafts only to the owner's team); writing needs a
token or a signed-in session; a consortium is visible only to the users who work in it (and
platform staff); anyone else gets 404. Every write goes through
:mod:`clusterhub.partnering.services`. Bad input answers 400 (422 for a body that does not
parse) with ``{"detail": …, "errors": [{"field": …, "message": …}]}``.

Filters that name nothing (an unknown country, ecosystem, technology or kind) answer 400
naming the filter, rather than an empty list, so that a typo is not mistaken for "no match".
"""

import zoneinfo
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from clusterhub.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    DateTime,
    FacetOption,
    Filters,
    InputSchema,
    Listing,
    Patch,
    paginated,
    read_auth,
    write_auth,
)
from clusterhub.core.timezones import aware, local
from clusterhub.reference.models import Country, Ecosystem, Technology
from clusterhub.reference.selectors import resolve_country_code
from clusterhub.registry.models import OrganisationKind
from clusterhub.registry.schemas import OrganisationRef
from clusterhub.registry.selectors import organisation_by_key

from . import eligibility, selectors, services
from .models import (
    ChecklistItem,
    Consortium,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    MemberRole,
    MemberStatus,
    Opportunity,
    OpportunityKind,
    PartnershipKind,
    PartnerSize,
    RoleSought,
)

router = Router(tags=["partnering"])


class PartnerRecommendationOut(Schema):
    """An organisation that could answer an opportunity or fill a consortium's gap."""

    organisation: OrganisationRef
    score: float
    reasons: list[str]


def _codes(field: str, model, values: list[str] | None) -> list | None:
    """Reference objects for codes, in order; 400 naming ``field`` for codes that name none."""
    if values is None:
        return None
    wanted = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if model is Country:
        resolved = {v: resolve_country_code(v) for v in wanted}
        unknown = [v for v, code in resolved.items() if code is None]
        wanted = list(dict.fromkeys(code for code in resolved.values() if code))
    else:
        unknown = []
    found = model.objects.in_bulk(wanted)
    unknown += [v for v in wanted if v not in found]
    if unknown:
        raise ValidationError({field: [f"Unknown code(s): {', '.join(unknown)}."]})
    return [found[v] for v in wanted]


# Opportunities ------------------------------------------------------------------------------


class OpportunityContactOut(Schema):
    name: str
    email: str | None = Field(description="Only when the contact chose to show it.")


class OpportunityOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    description: str
    partnership_kinds: list[str]
    partner_kinds: list[str]
    partner_size: str
    call_topic: str
    role_sought: str
    ecosystems: list[str] = Field(description="Slugs, see /reference/ecosystems.")
    technologies: list[str] = Field(description="Slugs, see /reference/technologies.")
    keywords: str
    target_countries: list[str] = Field(description="ISO codes; empty: any country.")
    deadline: date | None
    show_contact_email: bool
    status: str
    published_at: datetime | None
    expires_on: date | None
    owner: OrganisationRef
    contact: OpportunityContactOut | None = Field(
        None, description="Only for signed-in users and tokens."
    )
    url: str

    @staticmethod
    def resolve_ecosystems(obj) -> list[str]:
        return [e.slug for e in obj.ecosystems.all()]

    @staticmethod
    def resolve_technologies(obj) -> list[str]:
        return [t.slug for t in obj.technologies.all()]

    @staticmethod
    def resolve_target_countries(obj) -> list[str]:
        return [c.code for c in obj.target_countries.all()]

    @staticmethod
    def resolve_contact(obj, context) -> dict | None:
        user = getattr(context["request"], "user", None) if context else None
        if user is None or not user.is_authenticated:
            return None
        email = obj.contact.email if obj.show_contact_email else None
        return {"name": obj.contact.get_full_name(), "email": email}

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class OpportunityFacets(Schema):
    facets: dict[str, list[FacetOption]] | None = Field(
        None, description="Counts per facet value, with facets=true."
    )


class OpportunityFilters(Filters):
    q: str = Field("", description="Words of the title, summary, description, keywords.")
    kind: list[str] = Field([], description="Kinds of opportunity; repeat or separate by commas.")
    partnership_kind: list[str] = []
    partner_kind: list[str] = Field([], description="Kinds of organisation sought.")
    ecosystem: list[str] = []
    technology: list[str] = []
    target_country: list[str] = Field(
        [], description="ISO or EU codes; an unknown code answers 400."
    )
    owner_country: list[str] = []
    sort: Literal["", "deadline"] = ""
    facets: bool = Field(False, description="Include counts per facet value.")


class OpportunityIn(InputSchema):
    kind: Literal[tuple(OpportunityKind.values)]  # type: ignore[valid-type]
    title: Annotated[str, Field(max_length=300)]
    summary: Annotated[str, Field(max_length=600)]
    description: str = ""
    partnership_kinds: list[Literal[tuple(PartnershipKind.values)]] = []  # type: ignore[valid-type]
    partner_kinds: list[Literal[tuple(OrganisationKind.values)]] = []  # type: ignore[valid-type]
    partner_size: Literal[tuple(PartnerSize.values)] = "any"  # type: ignore[valid-type]
    call_topic: str = ""
    role_sought: Literal[("", *RoleSought.values)] = ""  # type: ignore[valid-type]
    ecosystems: list[str] = []
    technologies: list[str] = []
    keywords: str = ""
    target_countries: list[str] = []
    deadline: date | None = None
    show_contact_email: bool = Field(
        False, description="Show the contact's e-mail address to signed-in users."
    )


class OpportunityCreate(OpportunityIn):
    owner: str = Field(description="Address (slug) or PIC of the publishing organisation.")
    publish: bool = Field(False, description="Publish at once (else a draft).")


TOPICS = (("ecosystems", Ecosystem), ("technologies", Technology), ("target_countries", Country))


def _opportunities():
    return (
        Opportunity.objects.select_related("owner__country", "contact")
        .defer("search_document", "owner__search_document", "owner__description")
        .prefetch_related("ecosystems", "technologies", "target_countries")
    )


def _visible_opportunity(request, pk: int) -> Opportunity:
    opp = get_object_or_404(_opportunities(), pk=pk)
    if not selectors.may_see_opportunity(request.user, opp):
        raise Http404("No opportunity here.")
    return opp


def _owned_opportunity(request, pk: int) -> Opportunity:
    opp = _visible_opportunity(request, pk)
    if not request.user.has_perm("registry.change_organisation", opp.owner):
        raise PermissionDenied(f"Only the team of {opp.owner} may do this.")
    return opp


def _apply_opportunity(opp: Opportunity, data: dict) -> dict:
    topic_fields = [field for field, _model in TOPICS]
    for name in OpportunityIn.model_fields:
        if name in data and name not in topic_fields:
            value = data[name]
            setattr(opp, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    topics: dict[str, Any] = {}
    for field, model in TOPICS:
        try:
            topics[field] = _codes(field, model, data.get(field))
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return topics


@router.get("/opportunities", response={200: list[OpportunityOut], **READ_ERRORS}, auth=read_auth)
@paginated(extra=OpportunityFacets)
def list_opportunities(request, filters: Query[OpportunityFilters]):
    """Published opportunities, newest first, with the filters of the page."""
    query = selectors.OpportunityQuery.from_params(filters.dict())
    errors = query.errors()
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})
    qs = (
        selectors.opportunity_results(query, with_description=True)
        .select_related("contact")
        .prefetch_related("technologies")
    )
    facets = selectors.opportunity_facets(query) if filters.facets else None
    return Listing(qs, extra={"facets": facets})


@router.get("/opportunities/{pk}", response={200: OpportunityOut, **READ_ERRORS}, auth=read_auth)
def get_opportunity(request, pk: int):
    """Published, expired and closed opportunities; drafts only for the owner's team."""
    return _visible_opportunity(request, pk)


@router.post("/opportunities", response={201: OpportunityOut, **WRITE_ERRORS}, auth=write_auth)
def create_opportunity(request, payload: OpportunityCreate):
    """A draft (or, with publish=true, a published opportunity) of one of your organisations."""
    data = payload.dict()
    opp = Opportunity(owner=organisation_by_key(data["owner"], "owner"))
    topics = _apply_opportunity(opp, data)
    services.save_opportunity(opp, user=request.user, publish=data["publish"], **topics)
    return Status(201, _opportunities().get(pk=opp.pk))


@router.patch(
    "/opportunities/{pk}", response={200: OpportunityOut, **WRITE_ERRORS}, auth=write_auth
)
def update_opportunity(request, pk: int, payload: Patch[OpportunityIn]):
    """Change an opportunity; followers are told when it is published."""
    opp = _owned_opportunity(request, pk)
    topics = _apply_opportunity(opp, payload)
    services.save_opportunity(opp, user=request.user, **topics)
    return _opportunities().get(pk=opp.pk)


@router.post(
    "/opportunities/{pk}/publish", response={200: OpportunityOut, **WRITE_ERRORS}, auth=write_auth
)
def publish_opportunity(request, pk: int):
    """Publish a draft, or renew a published or expired opportunity for up to 12 months."""
    opp = _owned_opportunity(request, pk)
    services.publish_opportunity(opp, request.user)
    return _opportunities().get(pk=opp.pk)


@router.post(
    "/opportunities/{pk}/close", response={200: OpportunityOut, **WRITE_ERRORS}, auth=write_auth
)
def close_opportunity(request, pk: int):
    opp = _owned_opportunity(request, pk)
    services.close_opportunity(opp, request.user)
    return _opportunities().get(pk=opp.pk)


class OpportunityFollowOut(Schema):
    following: bool


@router.post(
    "/opportunities/{pk}/follow",
    response={200: OpportunityFollowOut, **WRITE_ERRORS},
    auth=write_auth,
)
def follow_opportunity(request, pk: int):
    """Changes to the opportunity reach you by e-mail."""
    services.follow(_visible_opportunity(request, pk), request.user, on=True)
    return {"following": True}


@router.delete(
    "/opportunities/{pk}/follow",
    response={200: OpportunityFollowOut, **WRITE_ERRORS},
    auth=write_auth,
)
def unfollow_opportunity(request, pk: int):
    services.follow(_visible_opportunity(request, pk), request.user, on=False)
    return {"following": False}


@router.get(
    "/opportunities/{pk}/recommendations",
    response={200: list[PartnerRecommendationOut], **READ_ERRORS},
    auth=read_auth,
)
def opportunity_recommendations(request, pk: int):
    """Organisations that could answer this opportunity, with the reasons."""
    return selectors.recommended_for_opportunity(_visible_opportunity(request, pk))


class PartnerRequest(Filters):
    text: str = Field(
        "",
        max_length=500,
        description="What the partners are for: a topic, a call's text, or a request such as "
        "“a plastics cluster in another country”.",
    )
    organisation: str = Field(
        "", description="Address or PIC of the organisation the partners are for (its history)."
    )
    call: int | None = Field(None, description="A funding call: its programme and text count.")
    kind: Literal[("", *OrganisationKind.values, "sme")] = ""  # type: ignore[valid-type]
    country: str = Field("", description="ISO or EU code of the country to keep.")
    k: int = Field(20, ge=1, le=100)


@router.get(
    "/partners",
    response={200: list[PartnerRecommendationOut], **READ_ERRORS},
    auth=read_auth,
)
def find_partners(request, filters: Query[PartnerRequest]):
    """Recommended partners for a request, best first, each with the reasons."""
    organisation = (
        organisation_by_key(filters.organisation, "organisation") if filters.organisation else None
    )
    call = None
    if filters.call is not None:
        call = FundingCall.objects.filter(pk=filters.call).first()
        if call is None:
            raise ValidationError({"call": [f"No funding call has the id {filters.call}."]})
    country = ""
    if filters.country:
        country = resolve_country_code(filters.country)
        if country is None:
            raise ValidationError({"country": [f"Unknown country code {filters.country!r}."]})
    return selectors.find_partners(
        filters.text, organisation, call, filters.kind, country, k=filters.k
    )


class ExpressionOfInterestOut(Schema):
    id: int
    organisation: OrganisationRef
    message: str
    answer: str
    answered_at: datetime | None
    created: datetime
    sender_email: str

    @staticmethod
    def resolve_sender_email(obj) -> str:
        return obj.user.email


class ExpressionOfInterestIn(InputSchema):
    organisation: str = Field(description="Address (slug) or PIC of the interested organisation.")
    message: str


class InterestAnswerIn(InputSchema):
    answer: str


@router.post(
    "/opportunities/{pk}/interests",
    response={201: ExpressionOfInterestOut, **WRITE_ERRORS},
    auth=write_auth,
)
def express_interest(request, pk: int, payload: ExpressionOfInterestIn):
    """Tell the owner one of your organisations is interested; they get its profile."""
    opp = _visible_opportunity(request, pk)
    organisation = organisation_by_key(payload.organisation, "organisation")
    interest = services.express_interest(opp, organisation, request.user, payload.message)
    return Status(201, selectors.interests_of(opp).get(pk=interest.pk))


@router.get(
    "/opportunities/{pk}/interests",
    response={200: list[ExpressionOfInterestOut], **WRITE_ERRORS},
    auth=write_auth,
)
@paginated()
def list_interests(request, pk: int):
    """Expressions of interest, newest first. The owner's team only."""
    opp = _owned_opportunity(request, pk)
    return selectors.interests_of(opp).order_by("-created", "-pk")


@router.post(
    "/opportunities/{pk}/interests/{interest_id}/answer",
    response={200: ExpressionOfInterestOut, **WRITE_ERRORS},
    auth=write_auth,
)
def answer_interest(request, pk: int, interest_id: int, payload: InterestAnswerIn):
    """Answer an expression of interest; the answer goes to its sender by e-mail."""
    opp = _owned_opportunity(request, pk)
    interest = get_object_or_404(ExpressionOfInterest, pk=interest_id, opportunity=opp)
    interest.opportunity = opp
    services.answer_interest(interest, payload.answer, request.user)
    return selectors.interests_of(opp).get(pk=interest.pk)


# Funding calls ------------------------------------------------------------------------------


class FundingCallOut(Schema):
    id: int
    programme: str
    identifier: str
    title: str
    description: str
    opens_at: datetime | None
    deadline: datetime
    timezone: str
    deadline_local: str = Field(description="The deadline in the call's time zone.")
    is_open: bool
    budget: Decimal | None
    url: str
    rules: dict[str, Any] = Field(description="Eligibility rules as data (see the call form).")
    rules_in_words: list[str]
    page: str

    @staticmethod
    def resolve_deadline_local(obj) -> str:
        return local(obj.deadline, zoneinfo.ZoneInfo(obj.timezone)).isoformat()

    @staticmethod
    def resolve_is_open(obj) -> bool:
        return obj.deadline > timezone.now()

    @staticmethod
    def resolve_rules_in_words(obj) -> list[str]:
        return selectors.rule_sentences(obj)

    @staticmethod
    def resolve_page(obj) -> str:
        return obj.get_absolute_url()


Budget = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
CallTime = Annotated[
    DateTime, Field(description="Without an offset, read in the call's time zone.")
]


class FundingCallIn(InputSchema):
    programme: Annotated[str, Field(max_length=100)]
    identifier: Annotated[str, Field(max_length=100)]
    title: Annotated[str, Field(max_length=400)]
    description: str = ""
    timezone: Annotated[str, Field(description="IANA name, e.g. Europe/Brussels.")] = (
        "Europe/Brussels"
    )
    opens_at: CallTime | None = None
    deadline: CallTime
    budget: Budget | None = None
    url: str = ""
    rules: dict[str, Any] = Field(
        default_factory=lambda: eligibility.HORIZON_EUROPE_DEFAULT.to_dict(),
        description="min_entities, min_countries, eligible_countries ('member_states', "
        "'member_states_and_associated' or a list of codes), min_from_member_states, "
        "required_kinds ([{kind, min, min_countries}]), max_partners, affiliated_count, "
        "associated_partners_count, require_coordinator. Default: Horizon Europe.",
    )


class FundingCallFilters(Filters):
    open: bool | None = Field(None, description="true: open calls only; false: closed only.")

    def filter_open(self, value: bool) -> Q:
        now = timezone.now()
        return Q(deadline__gt=now) if value else Q(deadline__lte=now)


def _apply_call(call: FundingCall, data: dict) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("programme", "identifier", "title", "description", "url", "budget"):
        if name in data:
            value = data[name]
            setattr(call, name, value.strip() if isinstance(value, str) else value)
    if "timezone" in data:
        if data["timezone"] not in zoneinfo.available_timezones():
            errors["timezone"] = [f"Unknown time zone “{data['timezone']}”."]
        else:
            call.timezone = data["timezone"]
    if not errors:
        tz = zoneinfo.ZoneInfo(call.timezone)
        for name in ("opens_at", "deadline"):
            if name in data:
                setattr(call, name, aware(data[name], tz))
    if "rules" in data:
        known = list(Country.objects.values_list("code", flat=True))
        try:
            rules = eligibility.Rules.from_dict(data["rules"], known_countries=known)
        except eligibility.RulesError as error:
            errors[f"rules.{error.field}"] = [str(error)]
        except (TypeError, ValueError) as error:
            errors["rules"] = [str(error)]
        else:
            call.rules = rules.to_dict()
    if errors:
        raise ValidationError(errors)


@router.get("/calls", response={200: list[FundingCallOut], **READ_ERRORS}, auth=read_auth)
@paginated()
def list_calls(request, filters: Query[FundingCallFilters]):
    """Open calls first (soonest deadline first), then closed ones."""
    return filters.filter(selectors.call_list())


@router.get("/calls/{pk}", response={200: FundingCallOut, **READ_ERRORS}, auth=read_auth)
def get_call(request, pk: int):
    return get_object_or_404(FundingCall, pk=pk)


@router.post("/calls", response={201: FundingCallOut, **WRITE_ERRORS}, auth=write_auth)
def create_call(request, payload: FundingCallIn):
    """Platform staff only. The deadline must be in the future."""
    if not request.user.has_perm("partnering.add_fundingcall"):
        raise PermissionDenied("Only platform staff may publish funding calls.")
    call = FundingCall()
    _apply_call(call, payload.dict())
    services.save_call(call, request.user)
    return Status(201, call)


@router.patch("/calls/{pk}", response={200: FundingCallOut, **WRITE_ERRORS}, auth=write_auth)
def update_call(request, pk: int, payload: Patch[FundingCallIn]):
    """Platform staff only."""
    if not request.user.has_perm("partnering.change_fundingcall"):
        raise PermissionDenied("Only platform staff may change funding calls.")
    call = get_object_or_404(FundingCall, pk=pk)
    _apply_call(call, payload)
    services.save_call(call, request.user)
    return call


# Consortia ----------------------------------------------------------------------------------


class FundingCallRef(Schema):
    id: int
    identifier: str
    title: str
    deadline: datetime
    timezone: str


class ConsortiumSummary(Schema):
    id: int
    acronym: str
    title: str
    call: FundingCallRef
    coordinator: OrganisationRef
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ConsortiumMemberOut(Schema):
    id: int
    organisation: OrganisationRef
    role: str
    status: str
    affiliated_to: int | None = Field(None, alias="affiliated_to_id")
    work_packages: str
    contact_email: str


class EligibilityProblemOut(Schema):
    rule: str
    message: str
    fix: str


class ConsortiumGapOut(Schema):
    need: dict[str, Any]
    description: str
    recommendations: list[PartnerRecommendationOut]


class ConsortiumChecklistItemOut(Schema):
    id: int
    text: str
    done: bool


def _workspace_members(consortium: Consortium) -> list[ConsortiumMember]:
    """The members, read once per consortium shown (for the list, the verdict and the gaps)."""
    if not hasattr(consortium, "_workspace_members"):
        consortium._workspace_members = selectors.workspace_members(consortium)
    return consortium._workspace_members


def _verdict(consortium: Consortium) -> dict | None:
    try:
        return services.verdict(consortium, _workspace_members(consortium)).to_dict()
    except ValidationError:
        return None


class ConsortiumOut(ConsortiumSummary):
    description: str
    note: str
    members: list[ConsortiumMemberOut]
    verdict: dict[str, Any] | None = Field(
        description="eligible, problems (message and fix), counts, notes, and projected (the "
        "verdict if every invited and interested member confirmed). None: malformed rules."
    )
    gaps: list[ConsortiumGapOut]
    checklist: list[ConsortiumChecklistItemOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return _workspace_members(obj)

    @staticmethod
    def resolve_verdict(obj) -> dict | None:
        return _verdict(obj)

    @staticmethod
    def resolve_gaps(obj) -> list:
        return selectors.gaps_of(obj, _workspace_members(obj))

    @staticmethod
    def resolve_checklist(obj) -> list:
        return selectors.checklist_of(obj)


class ConsortiumIn(InputSchema):
    call: int = Field(description="The funding call's id.")
    coordinator: str = Field(description="Address (slug) or PIC of your organisation.")
    acronym: str = Field(max_length=50)
    title: str = ""
    description: str = ""


class ConsortiumInviteIn(InputSchema):
    organisation: str = Field(description="Address (slug) or PIC.")
    role: Literal[tuple(MemberRole.values)] = MemberRole.BENEFICIARY.value  # type: ignore[valid-type]
    email: str = Field("", description="The address that receives the invitation.")
    affiliated_to: int | None = Field(None, description="Member id, for an affiliated entity.")


class ConsortiumMemberChangeIn(InputSchema):
    status: Literal[tuple(MemberStatus.values)]  # type: ignore[valid-type]
    role: Literal[tuple(MemberRole.values)]  # type: ignore[valid-type]
    work_packages: str


class ConsortiumMemberChangeOut(Schema):
    member: ConsortiumMemberOut
    broken: list[EligibilityProblemOut] = Field(
        description="Rules this change broke (told by e-mail)."
    )
    verdict: dict[str, Any] | None


class ConsortiumNoteIn(InputSchema):
    note: str


class ConsortiumNoteOut(Schema):
    note: str


class ConsortiumChecklistItemIn(InputSchema):
    text: str


class ConsortiumChecklistTickIn(InputSchema):
    done: bool


class ConsortiumAccessIn(InputSchema):
    email: str
    member: int | None = Field(None, description="The member seat the colleague works for.")


class ConsortiumAccessOut(Schema):
    email: str
    member: int | None = Field(alias="member_id")

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email


def _consortium(request, pk: int) -> Consortium:
    consortium = get_object_or_404(
        Consortium.objects.select_related("call", "coordinator__country"), pk=pk
    )
    if not request.user.has_perm("partnering.view_consortium", consortium):
        raise Http404("No consortium here.")
    return consortium


def _member(consortium: Consortium, member_id: int) -> ConsortiumMember:
    member = get_object_or_404(
        ConsortiumMember.objects.select_related("organisation__country"),
        pk=member_id,
        consortium=consortium,
    )
    member.consortium = consortium
    return member


def _seat(consortium: Consortium, field: str, member_id: int | None) -> ConsortiumMember | None:
    """A member seat of ``consortium`` named by the client; 400 naming ``field`` if none."""
    if member_id is None:
        return None
    member = ConsortiumMember.objects.filter(pk=member_id, consortium=consortium).first()
    if member is None:
        raise ValidationError({field: ["No such member in this consortium."]})
    return member


@router.get("/consortia", response={200: list[ConsortiumSummary], **READ_ERRORS}, auth=write_auth)
@paginated()
def list_consortia(request):
    """The consortia you work in."""
    return selectors.consortia_of(request.user)


@router.post("/consortia", response={201: ConsortiumOut, **WRITE_ERRORS}, auth=write_auth)
def create_consortium(request, payload: ConsortiumIn):
    """Open a workspace for a call, coordinated by one of your organisations."""
    call = FundingCall.objects.filter(pk=payload.call).first()
    if call is None:
        raise ValidationError({"call": [f"No funding call {payload.call}."]})
    coordinator = organisation_by_key(payload.coordinator, "coordinator")
    consortium = services.create_consortium(
        call,
        coordinator,
        request.user,
        acronym=payload.acronym,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _consortium(request, consortium.pk))


@router.get("/consortia/{pk}", response={200: ConsortiumOut, **READ_ERRORS}, auth=write_auth)
def get_consortium(request, pk: int):
    """Members, the eligibility verdict, the gaps with recommendations, note and checklist."""
    return _consortium(request, pk)


@router.post(
    "/consortia/{pk}/members", response={201: ConsortiumMemberOut, **WRITE_ERRORS}, auth=write_auth
)
def invite_member(request, pk: int, payload: ConsortiumInviteIn):
    """Invite an organisation (by e-mail when an address is given). Twice: 400."""
    consortium = _consortium(request, pk)
    organisation = organisation_by_key(payload.organisation, "organisation")
    affiliated_to = _seat(consortium, "affiliated_to", payload.affiliated_to)
    email = payload.email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({"email": error.messages}) from error
    member = services.invite_member(
        consortium,
        organisation,
        request.user,
        role=payload.role,
        email=email,
        affiliated_to=affiliated_to,
    )
    return Status(201, _member(consortium, member.pk))


@router.patch(
    "/consortia/{pk}/members/{member_id}",
    response={200: ConsortiumMemberChangeOut, **WRITE_ERRORS},
    auth=write_auth,
)
def change_member(request, pk: int, member_id: int, payload: Patch[ConsortiumMemberChangeIn]):
    """Change a member's status, role or work packages; answers the rules the change broke
    (allowed: the coordinator's side is told by e-mail) and the new verdict."""
    consortium = _consortium(request, pk)
    member = _member(consortium, member_id)
    broken = services.change_member(member, request.user, **payload)
    return {
        "member": next(m for m in _workspace_members(consortium) if m.pk == member.pk),
        "broken": broken,
        "verdict": _verdict(consortium),
    }


@router.put(
    "/consortia/{pk}/note", response={200: ConsortiumNoteOut, **WRITE_ERRORS}, auth=write_auth
)
def update_note(request, pk: int, payload: ConsortiumNoteIn):
    return services.update_note(_consortium(request, pk), payload.note, request.user)


@router.post(
    "/consortia/{pk}/checklist",
    response={201: ConsortiumChecklistItemOut, **WRITE_ERRORS},
    auth=write_auth,
)
def add_checklist_item(request, pk: int, payload: ConsortiumChecklistItemIn):
    item = services.add_checklist_item(_consortium(request, pk), payload.text, request.user)
    return Status(201, item)


@router.patch(
    "/consortia/{pk}/checklist/{item_id}",
    response={200: ConsortiumChecklistItemOut, **WRITE_ERRORS},
    auth=write_auth,
)
def tick_checklist_item(request, pk: int, item_id: int, payload: ConsortiumChecklistTickIn):
    consortium = _consortium(request, pk)
    item = get_object_or_404(ChecklistItem, pk=item_id, consortium=consortium)
    item.consortium = consortium
    return services.set_checklist_item(item, payload.done, request.user)


@router.post(
    "/consortia/{pk}/access", response={201: ConsortiumAccessOut, **WRITE_ERRORS}, auth=write_auth
)
def grant_access(request, pk: int, payload: ConsortiumAccessIn):
    """Let a colleague (an existing account, by e-mail) work in the consortium."""
    consortium = _consortium(request, pk)
    users = get_user_model().objects.filter(is_active=True)
    user = users.filter(email__iexact=payload.email.strip()).first()
    if user is None:
        raise ValidationError({"email": ["No Clusterhub account uses this address."]})
    member = _seat(consortium, "member", payload.member)
    return Status(201, services.grant_access(consortium, user, request.user, member))
