""" "My Clusterhub": what a signed-in person has on the platform, and what waits for them first.

It reads every app through its selectors (the project package sits above the apps), a fixed
number of queries whatever the person has.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterhub.actionplans import selectors as actionplans
from clusterhub.calls import selectors as calls
from clusterhub.core.templatetags.clusterhub import person
from clusterhub.events import selectors as events
from clusterhub.events.models import ACTIVE_STATUSES
from clusterhub.matchmaking import selectors as matchmaking
from clusterhub.news import selectors as news
from clusterhub.partnering import selectors as partnering
from clusterhub.registry import selectors as registry


@dataclass
class Todo:
    text: str
    url: str
    when: object = None  # a deadline or a date, when there is one


def gather(user, now=None) -> dict:
    now = now or timezone.now()
    teams = list(partnering.team_organisations(user).select_related("cluster_profile"))
    team_ids = [o.pk for o in teams]
    organisations = []
    for organisation in teams:
        profile = getattr(organisation, "cluster_profile", None)
        organisations.append(
            {
                "organisation": organisation,
                "profile": profile,
                "missing": profile.missing_criteria() if profile else [],
            }
        )
    registrations = list(
        events.registrations_of(user)
        .filter(event__end__gte=now, status__in=ACTIVE_STATUSES)
        .order_by("event__start")[:20]
    )
    b2b = matchmaking.workspace_of(user, now)
    partners = partnering.workspace_of(user)
    applications = calls.workspace_of(user, team_ids)
    todo: list[Todo] = []
    for request in registry.team_requests_for(team_ids):
        todo.append(
            Todo(
                _("%(name)s asks to join the profile team of %(organisation)s")
                % {"name": person(request.user), "organisation": request.organisation.name},
                reverse("registry:team", args=[request.organisation.slug]) + "#requests",
            )
        )
    for row in b2b["requests"]:
        todo.append(
            Todo(
                _("Answer %(name)s's meeting request (%(event)s)")
                % {"name": row["request"].sender, "event": row["event"].title},
                reverse("matchmaking:requests", args=[row["event"].slug]),
            )
        )
    for seat in partners["invitations"]:
        todo.append(Todo(_("Answer the invitation of %(organisation)s to the consortium "
                           "%(consortium)s") % {"organisation": seat.organisation.name,
                                                "consortium": seat.consortium.acronym},
                         seat.consortium.get_absolute_url()))  # fmt: skip
    for application in applications["applications"]:
        if application.status == "draft" and application.call.deadline > now:
            todo.append(Todo(_("Finish and submit the application to “%(call)s”")
                             % {"call": application.call.title},
                             reverse("calls:application", args=[application.pk]),
                             application.call.deadline))  # fmt: skip
    for assignment in applications["reviews"]:
        review = getattr(assignment, "review", None)
        if review is None or review.submitted_at is None:
            todo.append(Todo(_("Review an application to “%(call)s”")
                             % {"call": assignment.application.call.title},
                             reverse("calls:review", args=[assignment.pk])))  # fmt: skip
    for row in organisations:
        if row["missing"]:
            todo.append(Todo(_("Complete the profile of %(name)s: %(missing)s")
                             % {"name": row["organisation"].name,
                                "missing": " ".join(row["missing"])},
                             reverse("registry:cluster-edit",
                                     args=[row["organisation"].slug])))  # fmt: skip
    return {
        "todo": todo,
        "organisations": organisations,
        "registrations": registrations,
        "b2b": b2b,
        "partnering": partners,
        "calls": applications,
        "subscription": news.subscription_of(user),
        "plans": actionplans.plans_of(team_ids),
    }
