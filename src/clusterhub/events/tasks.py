"""Background work of the events app: the e-mails about a registration.

``services._notify(registration, kind)`` enqueues :func:`send_registration_email` once the
transaction commits. Each kind has its plain-text template in ``events/email/<kind>.txt``;
dates are written in the event's own time zone.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, translation
from django_tasks import task

from clusterhub.core import mail

from .models import Event, Registration, RegistrationStatus

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
        country = event.country.name if event.country_id else ""
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
