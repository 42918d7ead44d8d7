"""Demo partnering: two funding calls with their eligibility rules, opportunities of the demo
profile team, and a consortium it coordinates. The calls' deadlines move with the clock so that
the demo always has open calls; every text says it is illustrative."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from clusterhub.partnering import eligibility, services
from clusterhub.partnering.models import (
    ConsortiumMember,
    FundingCall,
    MemberRole,
    MemberStatus,
    Opportunity,
    OpportunityKind,
    PartnershipKind,
    RoleSought,
)
from clusterhub.reference.models import Ecosystem, Technology
from clusterhub.registry.models import Organisation

from . import registry_data as data
from .base import DemoResult

NOTE = "(Illustrative call for the demo: check the programme's own call text.)"

CALLS = [
    # identifier, programme, title, description, days to the deadline, rules
    (
        "SMP-COSME-DEMO-ESCP-4X",
        "Single Market Programme (SMP COSME)",
        "European Strategic Cluster Partnerships for Excellence",
        "Partnerships of cluster organisations from several countries that develop joint "
        "strategies and services for their SME members, in one or more industrial ecosystems.",
        150,
        eligibility.ESCP_LIKE_EXAMPLE.to_dict(),
    ),
    (
        "HORIZON-CL4-DEMO-RESILIENCE-01",
        "Horizon Europe, Cluster 4",
        "Circular plastics: sorting and recycling of multilayer packaging",
        "Research and innovation actions on the sorting, delamination and recycling of "
        "multilayer plastic packaging, with industrial demonstrators.",
        230,
        eligibility.HORIZON_EUROPE_DEFAULT.to_dict()
        | {"required_kinds": [{"kind": "sme", "min": 1}], "require_coordinator": True},
    ),
]

OPPORTUNITIES = [
    # kind, title, summary, partnership kinds, partner kinds, ecosystems, technologies, keywords
    (
        OpportunityKind.RD_REQUEST,
        "Partners sought for recycled multilayer films (Horizon Europe)",
        "A polymer cluster seeks a research organisation and two SMEs with sorting or "
        "compatibilisation know-how for a proposal on multilayer packaging.",
        [PartnershipKind.RESEARCH],
        ["research", "company"],
        ["energy-intensive"],
        ["advanced-materials"],
        "recycling, multilayer, packaging, compatibiliser",
    ),
    (
        OpportunityKind.TECHNOLOGY_OFFER,
        "Shared injection-moulding pilot line open to members of partner clusters",
        "Time on an instrumented injection-moulding line, with a technician, for prototypes "
        "made of recycled or bio-based polymers.",
        [PartnershipKind.TECHNICAL, PartnershipKind.COMMERCIAL],
        ["company"],
        ["energy-intensive", "mobility-transport-automotive"],
        ["advanced-manufacturing"],
        "injection moulding, pilot line, prototypes",
    ),
    (
        OpportunityKind.BUSINESS_REQUEST,
        "Cluster partners for an internationalisation mission to Ohio",
        "Cluster organisations of the plastics and composites value chain to co-organise a "
        "business mission with their SMEs.",
        [PartnershipKind.COMMERCIAL],
        ["cluster"],
        ["energy-intensive"],
        [],
        "internationalisation, business mission, composites",
    ),
]

CONSORTIUM = (
    "CIRCPACK",
    "Circular multilayer packaging",
    ["plastipolis", "proplast"],
    ["pool-net"],
)


def ensure_partnering(refresh: bool, result: DemoResult) -> None:
    team_org = Organisation.objects.filter(slug=data.TEAM_ORGANISATION).first()
    user = get_user_model().objects.filter(email__iexact=data.TEAM_EMAIL).first()
    if team_org is None or user is None:
        return
    now = timezone.now()
    calls = []
    for identifier, programme, title, description, days, rules in CALLS:
        deadline = (now + dt.timedelta(days=days)).replace(hour=17, minute=0, second=0)
        call, created = FundingCall.objects.update_or_create(
            identifier=identifier,
            defaults={
                "programme": programme,
                "title": title,
                "description": f"{description}\n\n{NOTE}",
                "opens_at": now - dt.timedelta(days=30),
                "deadline": deadline.replace(microsecond=0),
                "rules": rules,
            },
        )
        result.created["funding calls"] += int(created)
        calls.append(call)
    if refresh:
        Opportunity.objects.filter(owner=team_org, title__in=[o[1] for o in OPPORTUNITIES]).delete()
    ecosystems, technologies = Ecosystem.objects.in_bulk(), Technology.objects.in_bulk()
    for kind, title, summary, partnerships, partners, ecos, techs, keywords in OPPORTUNITIES:
        if Opportunity.objects.filter(owner=team_org, title=title).exists():
            continue
        opportunity = Opportunity(
            kind=kind,
            title=title,
            summary=summary,
            description=f"{summary}\n\n(Illustrative opportunity for the demo.)",
            partnership_kinds=[str(k) for k in partnerships],
            partner_kinds=partners,
            call_topic=calls[1].identifier if kind == OpportunityKind.RD_REQUEST else "",
            role_sought=RoleSought.PARTNER,
            keywords=keywords,
            owner=team_org,
        )
        services.save_opportunity(
            opportunity,
            user=user,
            ecosystems=[ecosystems[e] for e in ecos if e in ecosystems],
            technologies=[technologies[t] for t in techs if t in technologies],
            publish=True,
        )
        result.created["opportunities"] += 1
    acronym, title, confirmed, invited = CONSORTIUM
    if team_org.coordinated_consortia.filter(acronym=acronym).exists():
        return
    consortium = services.create_consortium(
        calls[0],
        team_org,
        user,
        acronym=acronym,
        title=title,
        description="Three polymer clusters preparing a cluster partnership. (Illustrative.)",
    )
    others = Organisation.objects.in_bulk(confirmed + invited, field_name="slug")
    for slug in confirmed + invited:
        if slug in others:
            ConsortiumMember.objects.create(
                consortium=consortium,
                organisation=others[slug],
                role=MemberRole.BENEFICIARY,
                status=MemberStatus.CONFIRMED if slug in confirmed else MemberStatus.INVITED,
                invited_by=user,
            )
    result.created["consortia"] += 1
