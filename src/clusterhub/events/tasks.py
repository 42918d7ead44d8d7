"""Background work of the events app: the e-mails about a registration, and the printed
outputs (participants' booklet, badges) built off the request as jobs.

``services._notify(registration, kind)`` enqueues :func:`send_registration_email` once the
transaction commits. Each kind has its plain-text template in ``events/email/<kind>.txt``;
dates are written in the event's own time zone.

:func:`start_booklet` and :func:`start_badges` record a :class:`~clusterhub.core.models.Job`
(see :mod:`clusterhub.core.jobs`) whose task stores the PDF as the job's result file; the
event's organisers (``events.manage_event``) see those jobs as well as whoever started them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import dateformat, translation
from django.utils.translation import gettext as _
from django_tasks import task

from clusterhub.core import jobs, mail
from clusterhub.core.models import Job

from . import outputs, selectors
from .models import Event, Registration, RegistrationStatus

BOOKLET = "events.booklet"
BADGES = "events.badges"

SUBJECTS = {
    "confirmed": "Your registration is confirmed: {event}",
    "waitlisted": "You are on the waiting list: {event}",
    "pending": "Your registration awaits the organisers' approval: {event}",
    "promoted": "A seat is free for you: {event}",
    "cancelled": "Your registration is cancelled: {event}",
    "rejected": "Your registration was declined: {event}",
    "reminder": "Reminder: {event} starts soon",
}

# The registration must still be in this state when the e-mail goes out: a registration
# confirmed and then cancelled before the worker ran gets only the cancellation.
STILL = {
    "confirmed": RegistrationStatus.CONFIRMED,
    "promoted": RegistrationStatus.CONFIRMED,
    "reminder": RegistrationStatus.CONFIRMED,
    "waitlisted": RegistrationStatus.WAITLISTED,
    "pending": RegistrationStatus.PENDING,
}


def event_dates(event: Event) -> str:
    """``Thursday 12 October 2023, 09:00 – Friday 13 October 2023, 17:30 (Europe/Paris)``."""
    start, end = event.start.astimezone(event.tz), event.end.astimezone(event.tz)
    with translation.override("en"):
        first = dateformat.format(start, "l j F Y, H:i")
        if start.date() == end.date():
            last = dateformat.format(end, "H:i")
        else:
            last = dateformat.format(end, "l j F Y, H:i")
    return f"{first} – {last} ({event.timezone})"


def where(event: Event) -> list[str]:
    """The venue lines and the online link, whichever the event has."""
    lines = []
    place = ", ".join(p for p in (event.venue, event.address, event.city) if p)
    if place:
        country = event.country.label if event.country_id else ""
        lines.append(f"Venue: {place}" + (f" ({country})" if country else ""))
    if event.online_url:
        lines.append(f"Online: {event.online_url}")
    return lines


def email_context(registration: Registration) -> dict:
    event = registration.event
    site = getattr(settings, "SITE_URL", "")
    return {
        "registration": registration,
        "event": event,
        "dates": event_dates(event),
        "where": where(event),
        "event_url": site + event.get_absolute_url(),
        "ticket_url": site + reverse("events:ticket", args=[registration.ticket_code]),
        "cancel_url": site + reverse("events:cancel", args=[registration.ticket_code]),
        "site_url": site,
    }


@task()
def send_registration_email(registration_pk: int, kind: str) -> None:
    """E-mail a participant about their registration; ``kind`` names the template."""
    if kind not in SUBJECTS:
        raise ValueError(f"Unknown registration e-mail: {kind}")
    registration = (
        Registration.objects.select_related("event", "event__country")
        .filter(pk=registration_pk)
        .first()
    )
    if registration is None:
        return
    if kind in STILL and registration.status != STILL[kind]:
        return
    mail.send(
        mail.Email(
            to=[registration.email],
            template=f"events/email/{kind}",
            context=email_context(registration),
            subject=SUBJECTS[kind].format(event=registration.event.title),
            language="en",
        )
    )


# Printed outputs as jobs ------------------------------------------------------------------------


def start_booklet(event: Event, user=None, *, key: str = "") -> Job:
    """Build the participants' booklet off the request (in the current language); ``key``
    names the state of the event it reflects (see ``views_outputs``). A booklet already being
    built for the same state is reused rather than started twice."""
    if key and (job := jobs.pending(BOOKLET, key=key)) is not None:
        return job
    return jobs.start(
        build_booklet,
        kind=BOOKLET,
        label=_("Participants' booklet – %(event)s") % {"event": event.title},
        user=user,
        arguments={"event": event.pk},
        target=event,
        permission="events.manage_event",
        key=key,
        return_url=event.get_absolute_url(),
    )


def start_badges(event: Event, user, *, key: str = "") -> Job:
    """Print the confirmed participants' badges off the request; organisers only."""
    if not user.has_perm("events.manage_event", event):
        raise PermissionDenied(_("Only the event's organisers can see this."))
    if key and (job := jobs.pending(BADGES, key=key)) is not None:
        return job
    return jobs.start(
        build_badges,
        kind=BADGES,
        label=_("Badges – %(event)s") % {"event": event.title},
        user=user,
        arguments={"event": event.pk},
        target=event,
        permission="events.manage_event",
        key=key,
        return_url=reverse("events:manage", args=[event.slug]),
    )


def _event(job: Job) -> Event:
    event = (
        Event.objects.select_related("host", "country").filter(pk=job.arguments["event"]).first()
    )
    if event is None:
        raise jobs.JobFailed(_("The event no longer exists."))
    return event


def _booklet(job: Job) -> None:
    event = _event(job)
    jobs.progress(job, 0, 2, _("Laying out the agenda, speakers and participants"))
    html = outputs.booklet_html(event)
    jobs.progress(job, 1, 2, _("Printing the PDF"))
    pdf = outputs.html_to_pdf(html)
    jobs.finish(
        job,
        content=pdf,
        filename=f"{event.slug}-booklet.pdf",
        message=_("The booklet is ready."),
        result={"event": event.pk, "bytes": len(pdf)},
    )
    jobs.forget_older(job)


def _badges(job: Job) -> None:
    event = _event(job)
    registrations = list(selectors.confirmed_registrations(event))
    jobs.progress(job, 0, 2, _("Laying out %(n)d badges") % {"n": len(registrations)})
    html = outputs.badges_html(event, registrations)
    jobs.progress(job, 1, 2, _("Printing the PDF"))
    pdf = outputs.html_to_pdf(html)
    jobs.finish(
        job,
        content=pdf,
        filename=f"{event.slug}-badges.pdf",
        message=_("The badges are ready."),
        result={"event": event.pk, "badges": len(registrations)},
    )
    jobs.forget_older(job)


@task()
def build_booklet(job_id: int) -> None:
    """The participants' booklet as the job's PDF file."""
    jobs.perform(job_id, _booklet)


@task()
def build_badges(job_id: int) -> None:
    """The badges of the confirmed participants as the job's PDF file."""
    jobs.perform(job_id, _badges)
