"""Reads of the calls app, and the registry's facts its rules need."""

from __future__ import annotations

from clusterhub.registry.models import (
    ClusterLabel,
    Membership,
    MembershipStatus,
    Organisation,
    ProfileTeamMember,
)

from . import eligibility
from .models import Call


def on_team(user, organisation_id: int) -> bool:
    return bool(
        user
        and user.is_authenticated
        and ProfileTeamMember.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def form_questions(call: Call) -> list:
    return [q.as_spec() for q in call.questions.select_related("category")]


def applicant_facts(organisation: Organisation) -> eligibility.Applicant:
    """What the registry says about an organisation, as the eligibility rules read it: its
    labels (verified or only declared) and the networks it is an accepted member of."""
    labels = tuple(
        eligibility.Label(
            scheme=label.scheme,
            level=label.level,
            valid_from=label.valid_from,
            valid_until=label.valid_until,
            verified=label.verified_at is not None,
        )
        for label in ClusterLabel.objects.filter(cluster__organisation=organisation)
    )
    networks = frozenset(
        Membership.objects.filter(
            member=organisation, status=MembershipStatus.ACCEPTED
        ).values_list("cluster__organisation__slug", flat=True)
    )
    return eligibility.Applicant(
        name=organisation.name,
        kind=organisation.kind,
        country=organisation.country_id or "",
        region=organisation.nuts_region_id or "",
        labels=labels,
        networks=networks,
    )


def published_calls():
    from .models import CallStatus

    return Call.objects.filter(status=CallStatus.PUBLISHED).select_related("organiser")


def my_applications(user, call: Call):
    from .models import Application

    if not user.is_authenticated:
        return Application.objects.none()
    return (
        Application.objects.filter(call=call, organisation__team_members__user=user)
        .select_related("organisation", "category")
        .distinct()
    )


def rule_sentences(rules: list, gettext) -> list[str]:
    """The rules of a call or category, as sentences in the reader's language."""
    from clusterhub.registry.models import LabelLevel, LabelScheme, OrganisationKind

    names = {
        **{k: str(v).lower() for k, v in OrganisationKind.choices},
        **{k: str(v) for k, v in LabelScheme.choices},
        **{k: str(v) for k, v in LabelLevel.choices},
    }
    return [
        eligibility.describe(rule, gettext, names)
        for rule in eligibility.Rules.from_data(rules).rules
    ]
