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


def team_addresses(organisation: Organisation) -> list[str]:
    """The e-mail addresses of an organisation's profile team (who receive its call mail)."""
    return sorted(
        {
            email
            for email in ProfileTeamMember.objects.filter(organisation=organisation).values_list(
                "user__email", flat=True
            )
            if email
        }
    )


def _answer_text(answers: dict) -> str:
    return " ".join(str(v) for v in (answers or {}).values() if isinstance(v, str))


def affinity_matrix(jurors: list, applications: list):
    """Jurors × applications affinity (0–1) from the jurors' stated expertise and the
    applications' answers and applicants' profiles (see ``affinity``)."""
    from . import affinity
    from .models import Juror

    juror_ecosystems: dict[int, set] = {}
    juror_technologies: dict[int, set] = {}
    for j_id, e_id in Juror.ecosystems.through.objects.filter(juror__in=jurors).values_list(
        "juror_id", "ecosystem_id"
    ):
        juror_ecosystems.setdefault(j_id, set()).add(e_id)
    for j_id, t_id in Juror.technologies.through.objects.filter(juror__in=jurors).values_list(
        "juror_id", "technology_id"
    ):
        juror_technologies.setdefault(j_id, set()).add(t_id)
    organisations = {a.organisation_id for a in applications}
    org_ecosystems: dict[int, set] = {}
    org_technologies: dict[int, set] = {}
    for o_id, e_id in Organisation.ecosystems.through.objects.filter(
        organisation_id__in=organisations
    ).values_list("organisation_id", "ecosystem_id"):
        org_ecosystems.setdefault(o_id, set()).add(e_id)
    for o_id, t_id in Organisation.technologies.through.objects.filter(
        organisation_id__in=organisations
    ).values_list("organisation_id", "technology_id"):
        org_technologies.setdefault(o_id, set()).add(t_id)
    return affinity.matrix(
        [
            affinity.Profile(frozenset(juror_ecosystems.get(j.pk, ())),
                             frozenset(juror_technologies.get(j.pk, ())), j.expertise)
            for j in jurors
        ],
        [
            affinity.Profile(
                frozenset(org_ecosystems.get(a.organisation_id, ())),
                frozenset(org_technologies.get(a.organisation_id, ())),
                _answer_text(a.answers) + " " + (a.organisation.description or ""),
            )
            for a in applications
        ],
    )  # fmt: skip


def reviews_of(call: Call) -> list:
    """Submitted reviews as the scoring module reads them."""
    from . import scoring
    from .models import Review

    return [
        scoring.Review(juror, application, total)
        for juror, application, total in Review.objects.filter(
            assignment__juror__call=call, submitted_at__isnull=False
        ).values_list("assignment__juror_id", "assignment__application_id", "total")
    ]


def ranking(call: Call):
    """The calibrated ranking with rank intervals, or None before two applications have
    reviews from jurors who can be compared."""
    from . import scoring

    reviews = reviews_of(call)
    if len({r.application for r in reviews}) < 2:
        return None
    result = scoring.rank_intervals(reviews, top=call.shortlist_size, resamples=500)
    raw = scoring.raw_means(reviews)
    z = scoring.z_scores(reviews)
    counts: dict = {}
    for r in reviews:
        counts[r.application] = counts.get(r.application, 0) + 1
    return result, raw, z, counts


def progress(call: Call):
    """Per juror: (juror, assigned, submitted); per application: {id: (assigned, submitted)}."""
    from django.db.models import Count, Q

    from .models import Application

    jurors = call.jurors.annotate(
        assigned=Count("assignments", distinct=True),
        submitted=Count(
            "assignments", filter=Q(assignments__review__submitted_at__isnull=False), distinct=True
        ),
    ).order_by("name")
    applications = {
        row["pk"]: (row["assigned"], row["submitted"])
        for row in Application.objects.filter(call=call)
        .annotate(
            assigned=Count("assignments", distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(assignments__review__submitted_at__isnull=False),
                distinct=True,
            ),
        )
        .values("pk", "assigned", "submitted")
    }
    return jurors, applications


def organised_calls(user):
    """The calls (drafts included) of the organisations on whose team ``user`` is; None for
    someone on no team (who cannot run a call)."""
    if not user.is_authenticated:
        return None
    teams = ProfileTeamMember.objects.filter(user=user).values("organisation_id")
    if not teams.exists():
        return None
    return Call.objects.filter(organiser_id__in=teams).select_related("organiser")


def assignment_problems(call: Call) -> list[str]:
    """What breaks the assignment rules in the call's current assignment (after hand changes):
    conflicts, applications without k jurors, loads uneven or over a juror's capacity."""
    from django.utils.translation import gettext as _

    from .models import Application, ApplicationStatus, Assignment, Conflict, JurorStatus

    assigned = Assignment.objects.filter(juror__call=call)
    pairs = list(assigned.values_list("juror_id", "application_id"))
    if not pairs:
        return []
    jurors = {j.pk: j for j in call.jurors.filter(status=JurorStatus.ACCEPTED)}
    applications = {
        a.pk: a for a in Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED)
        .select_related("organisation")
    }  # fmt: skip
    k = call.reviews_per_application
    problems = []
    conflicted = set(Conflict.objects.filter(juror__call=call, lifted=False)
                     .values_list("juror_id", "application_id"))  # fmt: skip
    for juror_id, application_id in sorted(set(pairs) & conflicted):
        if juror_id in jurors and application_id in applications:
            problems.append(_("%(juror)s has a conflict with %(applicant)s.") % {
                "juror": jurors[juror_id].name,
                "applicant": applications[application_id].organisation.name})  # fmt: skip
    per_application: dict[int, int] = {}
    loads = {pk: 0 for pk in jurors}
    for juror_id, application_id in pairs:
        per_application[application_id] = per_application.get(application_id, 0) + 1
        if juror_id in loads:
            loads[juror_id] += 1
    for pk, application in applications.items():
        count = per_application.get(pk, 0)
        if count != k:
            problems.append(_("%(applicant)s has %(count)s of the %(k)s jurors it needs.") % {
                "applicant": application.organisation.name, "count": count, "k": k})  # fmt: skip
    for pk, juror in jurors.items():
        if juror.capacity and loads[pk] > juror.capacity:
            problems.append(_("%(juror)s has %(load)s applications; at most %(capacity)s.") % {
                "juror": juror.name, "load": loads[pk], "capacity": juror.capacity})  # fmt: skip
    if loads and not any(j.capacity for j in jurors.values()):
        low, high = min(loads.values()), max(loads.values())
        if high - low > 1:
            problems.append(_("Loads range from %(low)s to %(high)s applications per juror; "
                              "they should be within one of each other.")
                            % {"low": low, "high": high})  # fmt: skip
    return problems


def call_facts(call_ids) -> dict[int, dict]:
    """``{id: {"title", "url", "published", "applications"}}`` (applications submitted)."""
    from django.db.models import Count, Q

    from .models import ApplicationStatus, CallStatus

    rows = Call.objects.filter(pk__in=list(call_ids)).annotate(
        n=Count("applications", filter=Q(applications__status=ApplicationStatus.SUBMITTED))
    ).only("pk", "title", "slug", "status")  # fmt: skip
    return {c.pk: {"title": c.title, "url": c.get_absolute_url(),
                   "published": c.status == CallStatus.PUBLISHED, "applications": c.n}
            for c in rows}  # fmt: skip


def calls_of(organisation_ids):
    """Calls these organisations run (drafts left out), newest first."""
    from .models import CallStatus

    return (Call.objects.filter(organiser_id__in=organisation_ids)
            .exclude(status=CallStatus.DRAFT).order_by("-created").only("pk", "title"))  # fmt: skip


def workspace_of(user, team_ids) -> dict:
    """For "My Clusterhub": the applications of the user's organisations (drafts before their
    deadline need finishing) and the reviews assigned to them as a juror."""
    from .models import Application, Assignment

    applications = list(
        Application.objects.filter(organisation_id__in=team_ids)
        .select_related("call", "organisation").order_by("-call__deadline", "-pk")[:20]
    )  # fmt: skip
    reviews = list(
        Assignment.objects.filter(juror__user=user, juror__status="accepted")
        .select_related("application__call", "juror", "review")
        .order_by("application__call__deadline", "pk")[:50]
    )  # fmt: skip
    return {"applications": applications, "reviews": reviews}


def insight_figures(organisation_ids=None, region: str | None = None) -> dict:
    """Calls and applications for a dashboard: published calls run by the scope's
    organisations, and their applications by status."""
    from django.db.models import Count

    from .models import Application, ApplicationStatus, CallStatus

    calls = Call.objects.filter(status=CallStatus.PUBLISHED)
    if organisation_ids is not None:
        from clusterhub.core.aggregates import among

        calls = calls.filter(among("organiser_id", organisation_ids))
    if region:
        calls = calls.filter(organiser__nuts_region__code__startswith=region)
    statuses = dict(ApplicationStatus.choices)
    by_status = dict(Application.objects.filter(call__in=calls.values("pk"))
                     .values_list("status").annotate(n=Count("id")).order_by())  # fmt: skip
    return {
        "calls": calls.count(),
        "by_status": [(str(statuses[s]), by_status.get(s, 0)) for s in statuses],
    }
