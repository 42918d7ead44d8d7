"""Read queries of the partnering app: the opportunity list with its facets, similar
opportunities, funding calls, consortia, the rules in words, exports, and the recommendation
hooks (``recommended_for_opportunity``, ``recommended_for_gap``).

The facets are counted by the database (a few grouped queries), not by an in-process index:
the published opportunities are few compared with the registry's organisations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterhub.core.params import list_param
from clusterhub.core.search import text_match
from clusterhub.reference.models import Country, Ecosystem, Technology
from clusterhub.reference.selectors import resolve_country_code
from clusterhub.registry.models import Organisation, OrganisationKind

from . import eligibility, recommendations, recommender
from .models import (
    Consortium,
    ConsortiumAccess,
    ConsortiumMember,
    ExpressionOfInterest,
    FundingCall,
    MemberStatus,
    Opportunity,
    OpportunityKind,
    OpportunityStatus,
    PartnershipKind,
)

# Opportunities ------------------------------------------------------------------------------

FACET_NAMES = (
    "kind",
    "partnership_kind",
    "partner_kind",
    "ecosystem",
    "technology",
    "target_country",
    "owner_country",
)
SORTS = ("", "deadline")
MAX_VALUES = 50

# "Opportunities like this one" look in the same family: offers and requests of one subject.
KIND_FAMILIES = {
    OpportunityKind.BUSINESS_OFFER: "business",
    OpportunityKind.BUSINESS_REQUEST: "business",
    OpportunityKind.TECHNOLOGY_OFFER: "technology",
    OpportunityKind.TECHNOLOGY_REQUEST: "technology",
    OpportunityKind.RD_REQUEST: "rd",
}


@dataclass
class OpportunityQuery:
    """What the opportunity list was asked for: words, facet values (OR within a facet, AND
    across facets) and a sort ("" newest first, "deadline" soonest deadline first)."""

    q: str = ""
    kind: list[str] = field(default_factory=list)
    partnership_kind: list[str] = field(default_factory=list)
    partner_kind: list[str] = field(default_factory=list)
    ecosystem: list[str] = field(default_factory=list)
    technology: list[str] = field(default_factory=list)
    target_country: list[str] = field(default_factory=list)
    owner_country: list[str] = field(default_factory=list)
    sort: str = ""

    @classmethod
    def from_params(cls, params: QueryDict | dict) -> OpportunityQuery:
        def many(name: str, upper: bool = False) -> list[str]:
            return list_param(params, name, upper=upper, limit=MAX_VALUES)

        def countries(name: str) -> list[str]:
            # EU codes (EL, UK) are understood; an unknown code is kept as given, so that it
            # matches nothing here and ``errors()`` can name it.
            return list(dict.fromkeys(resolve_country_code(c) or c for c in many(name, True)))

        sort = str(params.get("sort") or "")
        return cls(
            q=str(params.get("q") or "").strip()[:200],
            kind=many("kind"),
            partnership_kind=many("partnership_kind"),
            partner_kind=many("partner_kind"),
            ecosystem=many("ecosystem"),
            technology=many("technology"),
            target_country=countries("target_country"),
            owner_country=countries("owner_country"),
            sort=sort if sort in SORTS else "",
        )

    @property
    def is_empty(self) -> bool:
        return not (self.q or any(getattr(self, name) for name in FACET_NAMES))

    def errors(self) -> dict[str, str]:
        """Values that name nothing, by field (the API answers them with 400)."""
        errors: dict[str, str] = {}

        def check(name: str, known, what: str) -> None:
            unknown = [v for v in getattr(self, name) if v not in known]
            if unknown:
                errors[name] = _("Unknown %(what)s: %(values)s.") % {
                    "what": what,
                    "values": ", ".join(unknown),
                }

        check("kind", set(OpportunityKind.values), _("kind of opportunity"))
        check("partnership_kind", set(PartnershipKind.values), _("kind of partnership"))
        check("partner_kind", set(OrganisationKind.values), _("kind of partner"))
        if self.ecosystem:
            check("ecosystem", set(Ecosystem.objects.values_list("slug", flat=True)), "ecosystem")
        if self.technology:
            known = set(Technology.objects.values_list("slug", flat=True))
            check("technology", known, _("technology"))
        for name in ("target_country", "owner_country"):
            if getattr(self, name):
                check(name, {c for c in getattr(self, name) if resolve_country_code(c)}, "country")
        return errors


def visible_opportunities(today=None) -> QuerySet[Opportunity]:
    """Published opportunities not past their expiry date (even before the nightly command
    has marked them expired)."""
    today = today or timezone.localdate()
    return Opportunity.objects.filter(status=OpportunityStatus.PUBLISHED).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def _json_has_any(field_name: str, values: list[str]) -> Q:
    # The JSON lists hold plain tokens; a quoted token is found in the stored text on both
    # SQLite and PostgreSQL (``__contains`` on a JSON list is not available on SQLite).
    match = Q()
    for value in values:
        match |= Q(**{f"{field_name}__icontains": f'"{value}"'})
    return match


def _filtered(base: QuerySet, query: OpportunityQuery, skip: str | None = None) -> QuerySet:
    qs = base
    if query.q:
        qs = qs.filter(pk__in=text_match(Opportunity, query.q))
    if query.kind and skip != "kind":
        qs = qs.filter(kind__in=query.kind)
    if query.partnership_kind and skip != "partnership_kind":
        qs = qs.filter(_json_has_any("partnership_kinds", query.partnership_kind))
    if query.partner_kind and skip != "partner_kind":
        qs = qs.filter(_json_has_any("partner_kinds", query.partner_kind))
    for name, relation, column in (
        ("ecosystem", Opportunity.ecosystems, "ecosystem_id"),
        ("technology", Opportunity.technologies, "technology_id"),
        ("target_country", Opportunity.target_countries, "country_id"),
    ):
        values = getattr(query, name)
        if values and skip != name:
            through = relation.through.objects.filter(**{f"{column}__in": values})
            qs = qs.filter(pk__in=through.values("opportunity_id"))
    if query.owner_country and skip != "owner_country":
        qs = qs.filter(owner__country_id__in=query.owner_country)
    return qs


def opportunity_results(
    query: OpportunityQuery, base: QuerySet | None = None, *, with_description: bool = False
) -> QuerySet:
    """The opportunities matching ``query``, with what a list shows (owner, ecosystems)."""
    base = visible_opportunities() if base is None else base
    qs = _filtered(base, query)
    if query.sort == "deadline":
        qs = qs.order_by(F("deadline").asc(nulls_last=True), "-published_at", "-pk")
    else:
        qs = qs.order_by("-published_at", "-pk")
    heavy = ["search_document", "owner__search_document", "owner__description"]
    if not with_description:
        heavy.append("description")
    return (
        qs.select_related("owner__country")
        .defer(*heavy)
        .prefetch_related("ecosystems", "target_countries")
    )


def _options(counts: dict[str, int], names: dict[str, str], selected: list[str], order=None):
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
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        options.sort(key=lambda o: rank.get(o["value"], len(rank)))
    else:
        options.sort(key=lambda o: (-o["count"], o["label"]))
    return options


def opportunity_facets(
    query: OpportunityQuery, base: QuerySet | None = None
) -> dict[str, list[dict]]:
    """Counts per facet value; each facet counts with every filter but its own (one grouped
    query per facet)."""
    base = visible_opportunities() if base is None else base
    out: dict[str, list[dict]] = {}

    rows = _filtered(base, query, "kind").values("kind").annotate(n=Count("pk")).order_by()
    out["kind"] = _options(
        {r["kind"]: r["n"] for r in rows},
        dict(OpportunityKind.choices),
        query.kind,
        order=OpportunityKind.values,
    )
    for name, field_name, choices in (
        ("partnership_kind", "partnership_kinds", PartnershipKind),
        ("partner_kind", "partner_kinds", OrganisationKind),
    ):
        counted = _filtered(base, query, name).aggregate(
            **{
                value: Count("pk", filter=_json_has_any(field_name, [value]))
                for value in choices.values
            }
        )
        out[name] = _options(
            {k: n for k, n in counted.items() if n},
            dict(choices.choices),
            getattr(query, name),
            order=choices.values,
        )
    for name, relation, column, label in (
        ("ecosystem", Opportunity.ecosystems, "ecosystem_id", "ecosystem__name"),
        ("technology", Opportunity.technologies, "technology_id", "technology__name"),
        ("target_country", Opportunity.target_countries, "country_id", "country__name"),
    ):
        matching = _filtered(base, query, name).values("pk")
        rows = (
            relation.through.objects.filter(opportunity_id__in=matching)
            .values(column, label)
            .annotate(n=Count("opportunity_id"))
            .order_by()
        )
        counts = {r[column]: r["n"] for r in rows}
        names = {r[column]: r[label] for r in rows}
        missing = [v for v in getattr(query, name) if v not in names]
        if missing:
            model = {"ecosystem": Ecosystem, "technology": Technology}.get(name, Country)
            key = "code" if model is Country else "slug"
            names |= dict(model.objects.filter(**{f"{key}__in": missing}).values_list(key, "name"))
        out[name] = _options(counts, names, getattr(query, name))
    rows = (
        _filtered(base, query, "owner_country")
        .values("owner__country_id", "owner__country__name")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["owner__country_id"]: r["n"] for r in rows}
    names = {r["owner__country_id"]: r["owner__country__name"] for r in rows}
    missing = [v for v in query.owner_country if v not in names]
    if missing:
        names |= dict(Country.objects.filter(code__in=missing).values_list("code", "name"))
    out["owner_country"] = _options(counts, names, query.owner_country)
    return out


def opportunity_page(pk: int) -> Opportunity:
    """An opportunity with what its page shows (raises ``Opportunity.DoesNotExist``)."""
    return (
        Opportunity.objects.select_related("owner__country", "contact")
        .defer("owner__search_document")
        .prefetch_related("ecosystems", "technologies", "target_countries")
        .get(pk=pk)
    )


def may_see_opportunity(user, opp: Opportunity) -> bool:
    """Drafts are for the owner's team (and staff); published, expired and closed
    opportunities are public (followers get links to them)."""
    if opp.status != OpportunityStatus.DRAFT:
        return True
    return user.is_authenticated and user.has_perm("registry.change_organisation", opp.owner)


def interests_of(opp: Opportunity) -> QuerySet[ExpressionOfInterest]:
    return opp.interests.select_related("organisation__country", "user").defer(
        "organisation__search_document"
    )


def similar_opportunities(opp: Opportunity, limit: int = 5) -> list[Opportunity]:
    """Published opportunities of the same kind family sharing ecosystems, technologies or
    keywords with ``opp``, most shared first (one query)."""
    family = KIND_FAMILIES.get(opp.kind)
    kinds = [k for k, f in KIND_FAMILIES.items() if f == family]
    ecosystems = [e.pk for e in opp.ecosystems.all()]
    technologies = [t.pk for t in opp.technologies.all()]
    keywords = [k.strip() for k in opp.keywords.split(",") if k.strip()][:5]

    def shared(relation, column: str, values: list[str]):
        rows = (
            relation.through.objects.filter(
                opportunity_id=OuterRef("pk"), **{f"{column}__in": values}
            )
            .values("opportunity_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))

    score: Any = Value(0)
    if ecosystems:
        score = score + shared(Opportunity.ecosystems, "ecosystem_id", ecosystems)
    if technologies:
        score = score + shared(Opportunity.technologies, "technology_id", technologies)
    for keyword in keywords:
        score = score + Case(
            When(pk__in=text_match(Opportunity, keyword), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    if not (ecosystems or technologies or keywords):
        return []
    return list(
        visible_opportunities()
        .filter(kind__in=kinds)
        .exclude(pk=opp.pk)
        .annotate(score=score)
        .filter(score__gt=0)
        .select_related("owner__country")
        .defer("search_document", "description", "owner__search_document", "owner__description")
        .order_by("-score", "-published_at", "-pk")[:limit]
    )


def team_organisations(user) -> QuerySet[Organisation]:
    """The organisations on whose profile team ``user`` is: those they may speak for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(team_members__user=user)
        .select_related("country")
        .defer("search_document")
        .order_by("legal_name")
        .distinct()
    )


def recommended_for_opportunity(opportunity: Opportunity, k: int = 8) -> list[dict]:
    """Who could answer this opportunity: organisations like the ones it seeks, with reasons."""
    text = " ".join(
        [
            opportunity.title,
            opportunity.summary,
            opportunity.keywords,
            opportunity.call_topic,
            *(e.name for e in opportunity.ecosystems.all()),
            *(t.name for t in opportunity.technologies.all()),
        ]
    )
    kinds = list(opportunity.partner_kinds or [])
    if opportunity.partner_size == "sme":
        kinds = kinds or ["sme"]
    countries = [c.code for c in opportunity.target_countries.all()] or None
    return recommendations.recommend(
        text,
        [opportunity.owner_id],
        programmes=recommender.programme_parts_for(opportunity.call_topic),
        kinds=kinds or None,
        countries=countries,
        exclude=list(opportunity.interests.values_list("organisation_id", flat=True)),
        k=k,
    )


def find_partners(
    text: str = "",
    organisation=None,
    call: FundingCall | None = None,
    kind: str = "",
    country: str = "",
    k: int = 20,
) -> list[dict]:
    """Partners for a free request: its text, the organisation asking (its history and
    country), the call (its programme parts and text), a kind and a country to keep."""
    programmes: tuple[str, ...] = ()
    if call is not None:
        text = " ".join([text, call.title, call.description])
        programmes = recommender.programme_parts_for(call.identifier, call.programme)
    return recommendations.recommend(
        text.strip(),
        [organisation.pk] if organisation is not None else [],
        programmes=programmes,
        kinds=[kind] if kind else None,
        countries=[country] if country else None,
        k=k,
    )


# Funding calls ------------------------------------------------------------------------------


def call_list(now=None) -> QuerySet[FundingCall]:
    """Open calls first, soonest deadline first; then closed calls, latest deadline first."""
    now = now or timezone.now()
    return FundingCall.objects.annotate(
        closed=Case(When(deadline__gt=now, then=Value(0)), default=Value(1)),
        open_deadline=Case(When(deadline__gt=now, then=F("deadline")), default=None),
        consortium_count=Count("consortia"),
    ).order_by("closed", F("open_deadline").asc(nulls_last=True), "-deadline", "pk")


def call_rules(call: FundingCall) -> eligibility.Rules | None:
    """The call's rules, or None when the stored rules are malformed (shown as such)."""
    try:
        return eligibility.Rules.from_dict(call.rules or {})
    except (eligibility.RulesError, TypeError, ValueError):
        return None


def describe_rules(rules: eligibility.Rules, country_names: dict[str, str] | None = None):
    """The rules in plain sentences, one per rule, for the call page, the API and the PDF."""
    where = rules.countries_plural()
    sentences: list[str] = []
    if isinstance(rules.eligible_countries, tuple):
        names = [(country_names or {}).get(c, c) for c in rules.eligible_countries]
        sentences.append(_("Eligible countries: %(list)s.") % {"list": ", ".join(names)})
    elif rules.eligible_countries == "member_states":
        sentences.append(_("Only organisations established in an EU Member State count."))
    else:
        sentences.append(
            _("Organisations established in an EU Member State or an associated country count.")
        )
    if rules.min_countries > 1:
        entities = ngettext(
            "At least %(n)d independent legal entity must take part from %(countries)d "
            "different %(where)s.",
            "At least %(n)d independent legal entities must take part from %(countries)d "
            "different %(where)s.",
            rules.min_entities,
        ) % {"n": rules.min_entities, "countries": rules.min_countries, "where": where}
    else:
        entities = ngettext(
            "At least %(n)d independent legal entity must take part.",
            "At least %(n)d independent legal entities must take part.",
            rules.min_entities,
        ) % {"n": rules.min_entities}
    sentences.append(entities)
    if rules.min_from_member_states:
        sentences.append(
            ngettext(
                "At least %(n)d of them must be established in an EU Member State.",
                "At least %(n)d of them must be established in EU Member States.",
                rules.min_from_member_states,
            )
            % {"n": rules.min_from_member_states}
        )
    for req in rules.required_kinds:
        kind = {"n": req.min_count, "kind": req.label_for(req.min_count)}
        if req.min_countries:
            text = _("At least %(n)d %(kind)s from %(countries)d different countries.") % (
                kind | {"countries": req.min_countries}
            )
        else:
            text = _("At least %(n)d %(kind)s.") % kind
        sentences.append(text)
    if rules.max_partners is not None:
        sentences.append(
            ngettext(
                "At most %(n)d partner may take part.",
                "At most %(n)d partners may take part.",
                rules.max_partners,
            )
            % {"n": rules.max_partners}
        )
    sentences.append(
        _("Affiliated entities count towards these conditions.")
        if rules.affiliated_count
        else _("Affiliated entities may take part but do not count towards these conditions.")
    )
    sentences.append(
        _("Associated partners count towards these conditions.")
        if rules.associated_partners_count
        else _("Associated partners may take part but do not count towards these conditions.")
    )
    if rules.require_coordinator:
        sentences.append(_("Exactly one member is the coordinator."))
    return sentences


def rule_sentences(call: FundingCall) -> list[str]:
    rules = call_rules(call)
    if rules is None:
        return [_("The eligibility rules of this call are malformed; staff must fix them.")]
    names = {}
    if isinstance(rules.eligible_countries, tuple):
        names = {
            country.code: str(country)
            for country in Country.objects.filter(code__in=rules.eligible_countries)
        }
    return describe_rules(rules, names)


# Consortia ----------------------------------------------------------------------------------


def consortia_of(user) -> QuerySet[Consortium]:
    """The consortia whose workspace ``user`` may open (their own access, not staff's)."""
    if not user.is_authenticated:
        return Consortium.objects.none()
    active = Q(members__status__in=[MemberStatus.CONFIRMED, MemberStatus.INTERESTED])
    return (
        Consortium.objects.filter(
            pk__in=ConsortiumAccess.objects.filter(user=user).values("consortium_id")
        )
        .select_related("call", "coordinator__country")
        .defer("coordinator__search_document", "coordinator__description", "call__description")
        .annotate(
            member_count=Count("members", filter=active, distinct=True),
        )
        .order_by("-created", "-pk")
    )


def consortium_page(pk: int) -> Consortium:
    return (
        Consortium.objects.select_related("call", "coordinator__country", "created_by")
        .defer("coordinator__search_document")
        .get(pk=pk)
    )


def workspace_members(consortium: Consortium) -> list[ConsortiumMember]:
    """The members with what the table, the verdict and the exports need (one query)."""
    return list(
        consortium.members.select_related("organisation__country", "affiliated_to__organisation")
        .defer("organisation__search_document", "organisation__description")
        .order_by("created", "id")
    )


def checklist_of(consortium: Consortium):
    return list(consortium.checklist.all())


def pending_invitation(consortium: Consortium, user) -> ConsortiumMember | None:
    """The unanswered invitation of ``consortium`` addressed to ``user`` (by e-mail, or to
    the invited organisation's profile team), if any. Once a seat is answered, more colleagues
    need access given from inside the workspace."""
    if not user.is_authenticated:
        return None
    seats = consortium.members.filter(status=MemberStatus.INVITED).filter(
        Q(contact_email__iexact=user.email or "-") | Q(organisation__team_members__user=user)
    )
    return seats.select_related("organisation").first()


@dataclass
class Gap:
    """A need of the consortium ("missing: a research organisation") and who could fill it."""

    need: dict
    description: str
    recommendations: list = field(default_factory=list)


def gaps_of(consortium: Consortium, members: list[ConsortiumMember]) -> list[Gap]:
    from . import services

    rules = call_rules(consortium.call)
    if rules is None:
        return []
    needs = eligibility.gaps(rules, [services.eligibility_member(m) for m in members])
    return [Gap(need, need["description"], recommended_for_gap(consortium, need)) for need in needs]


def recommended_for_gap(consortium: Consortium, gap: dict, k: int = 5) -> list[dict]:
    """Organisations that would close one gap of the consortium, for its call and topic."""
    call = consortium.call
    text = " ".join([consortium.title, consortium.description, call.title, call.description])
    seats = list(consortium.members.values_list("organisation_id", "status"))
    members = [org for org, status in seats if status not in ("declined", "left")]
    # the coordinator first: the recommender asks about the consortium from its side
    members.sort(key=lambda org: org != consortium.coordinator_id)
    found = recommendations.recommend(
        text.strip(),
        members,
        programmes=recommender.programme_parts_for(call.identifier, call.programme),
        gaps=[gap],
        kinds=gap.get("kinds") if gap.get("need") == "kind" else None,
        exclude=[org for org, _status in seats],
        k=k * 4,
    )
    return [r for r in found if _closes(gap, r["organisation"])][:k]


def _closes(gap: dict, org: Organisation) -> bool:
    """Whether ``org`` could fill the gap as far as its country goes."""
    if org.country_id in (gap.get("exclude") or []):
        return False
    eligible = gap.get("eligible")
    status = org.country.status
    if gap.get("need") == "member_state" or eligible == "member_states":
        return status == "member_state"
    if eligible == "member_states_and_associated":
        return status in ("member_state", "associated")
    if isinstance(eligible, list | tuple):
        return org.country_id in eligible
    return True


EXPORT_COLUMNS = [
    "Organisation",
    "Legal name",
    "PIC",
    "Country",
    "Country status",
    "Kind",
    "SME",
    "Role",
    "Affiliated to",
    "Status",
    "Work packages led",
    "Contact e-mail",
    "Profile",
]


def consortium_rows(members: list[ConsortiumMember], site_url: str = "") -> list[list]:
    """One row per member, in the columns of ``EXPORT_COLUMNS``."""
    rows = []
    for m in members:
        org = m.organisation
        rows.append(
            [
                org.name,
                org.legal_name,
                org.pic or "",
                org.country_id,
                org.country.get_status_display(),
                org.get_kind_display(),
                "yes" if org.is_sme else "no",
                m.get_role_display(),
                m.affiliated_to.organisation.name if m.affiliated_to_id else "",
                m.get_status_display(),
                m.work_packages,
                m.contact_email,
                site_url + org.get_absolute_url(),
            ]
        )
    return rows


def consortium_colleagues(consortium: Consortium):
    return (
        ConsortiumAccess.objects.filter(consortium=consortium)
        .select_related("user", "member__organisation")
        .order_by("pk")
    )


def consortium_facts(consortium_ids) -> dict[int, dict]:
    """``{id: {"title", "url", "formed", "members"}}``: a consortium is formed once it has at
    least two confirmed members (its coordinator among them or not)."""
    rows = Consortium.objects.filter(pk__in=list(consortium_ids)).annotate(
        confirmed=Count("members", filter=Q(members__status=MemberStatus.CONFIRMED))
    ).only("pk", "acronym", "title")  # fmt: skip
    return {c.pk: {"title": c.acronym, "url": c.get_absolute_url(), "formed": c.confirmed >= 2,
                   "members": c.confirmed} for c in rows}  # fmt: skip


def opportunity_facts(opportunity_ids) -> dict[int, dict]:
    """``{id: {"title", "url", "published", "interests"}}`` (expressions of interest sent)."""
    rows = Opportunity.objects.filter(pk__in=list(opportunity_ids)).annotate(
        n=Count("interests")).only("pk", "title", "status")  # fmt: skip
    return {o.pk: {"title": o.title, "url": o.get_absolute_url(),
                   "published": o.status != OpportunityStatus.DRAFT, "interests": o.n}
            for o in rows}  # fmt: skip


def consortia_with(organisation_ids) -> QuerySet[Consortium]:
    """Consortia these organisations coordinate or sit in, newest first."""
    return (
        Consortium.objects.filter(Q(coordinator_id__in=organisation_ids)
                                  | Q(members__organisation_id__in=organisation_ids))
        .distinct().order_by("-created").only("pk", "acronym", "title")
    )  # fmt: skip


def opportunities_of(organisation_ids) -> QuerySet[Opportunity]:
    """Opportunities these organisations published (drafts left out), newest first."""
    return (Opportunity.objects.filter(owner_id__in=organisation_ids)
            .exclude(status=OpportunityStatus.DRAFT).order_by("-created")
            .only("pk", "title"))  # fmt: skip


def workspace_of(user) -> dict:
    """For "My Clusterhub": the user's consortia, the invitations waiting for their answer,
    the opportunities of their organisations and those they follow."""
    from .models import OpportunityFollower

    teams = team_organisations(user).values("pk")
    invitations = list(
        ConsortiumMember.objects.filter(status=MemberStatus.INVITED)
        .filter(Q(contact_email__iexact=user.email or "-") | Q(organisation__in=teams))
        .select_related("consortium", "organisation").order_by("-created")[:20]
    )  # fmt: skip
    return {
        "consortia": list(consortia_of(user)[:20]),
        "invitations": invitations,
        "opportunities": list(Opportunity.objects.filter(owner__in=teams)
                              .select_related("owner").order_by("-created")[:20]),
        "followed": list(Opportunity.objects.filter(
            pk__in=OpportunityFollower.objects.filter(user=user).values("opportunity_id"))
            .select_related("owner").order_by("deadline", "-created")[:20]),
    }  # fmt: skip


def insight_figures(organisation_ids=None, region: str | None = None) -> dict:
    """Partnering for a dashboard: opportunities by kind, expressions of interest, consortia
    and how many meet their call's rules with their confirmed members today (one pass over
    the consortia's members, the rules parsed once per call)."""
    from clusterhub.core.aggregates import among

    from . import services

    opportunities = Opportunity.objects.exclude(status=OpportunityStatus.DRAFT)
    consortia = Consortium.objects.all()
    if organisation_ids is not None:
        opportunities = opportunities.filter(among("owner_id", organisation_ids))
        consortia = consortia.filter(among("coordinator_id", organisation_ids))
    if region:
        opportunities = opportunities.filter(owner__nuts_region__code__startswith=region)
        consortia = consortia.filter(coordinator__nuts_region__code__startswith=region)
    kinds = dict(OpportunityKind.choices)
    by_kind = opportunities.values_list("kind").annotate(n=Count("id")).order_by()
    interests = ExpressionOfInterest.objects.filter(opportunity__in=opportunities.values("pk"))
    eligible = total = 0
    rules_of: dict[int, Any] = {}
    rows = (ConsortiumMember.objects.filter(consortium__in=consortia.values("pk"))
            .order_by("consortium_id", "created", "id")
            .values_list("consortium_id", "organisation_id", "organisation__legal_name",
                         "organisation__country_id", "organisation__country__status",
                         "organisation__kind", "organisation__is_sme", "role", "status",
                         "affiliated_to__organisation_id"))  # fmt: skip
    grouped: dict[int, list] = {}
    for cid, oid, name, country, status, kind, sme, role, seat, parent in rows:
        grouped.setdefault(cid, []).append(eligibility.Member(
            name=name, country=country, country_status=status, kind=kind, is_sme=sme,
            role=role, status=seat, group=str(parent or oid), id=oid))  # fmt: skip
    for pk, call_id, rules in consortia.values_list("pk", "call_id", "call__rules"):
        total += 1
        if call_id not in rules_of:
            try:
                rules_of[call_id] = services.parse_rules(rules)
            except (eligibility.RulesError, ValidationError, ValueError, TypeError):
                rules_of[call_id] = None  # a call whose rules cannot be read counts no one
        if (
            rules_of[call_id] is not None
            and eligibility.check(rules_of[call_id], grouped.get(pk, [])).eligible
        ):
            eligible += 1
    return {
        "opportunities": sum(n for _k, n in by_kind),
        "by_kind": sorted(((str(kinds.get(k, k)), n) for k, n in by_kind),
                          key=lambda r: (-r[1], r[0])),
        "interests": interests.count(),
        "consortia": total,
        "eligible": eligible,
    }  # fmt: skip
