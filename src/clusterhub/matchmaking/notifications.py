"""The e-mails of B2B matchmaking.

``services._notify(kind, **ids)`` enqueues ``tasks.notify(kind, ids)`` once the transaction
commits, which calls :func:`send`. Each kind has its plain-text template in
``matchmaking/email/<kind>.txt``; times are written in the event's own time zone. An e-mail
whose request has moved on before the worker ran (e.g. a request withdrawn right after it was
sent) is not sent.

:func:`send_followups` asks, months after the event, how the meetings went (the
``send_meeting_followups`` command runs it daily).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from clusterhub.core import mail
from clusterhub.events.models import RegistrationStatus
from clusterhub.events.tasks import event_dates

from . import selectors
from .models import (
    Matchmaking,
    MeetingRequest,
    Outcome,
    Participant,
    RequestStatus,
    ScheduleState,
)

SUBJECTS = {
    "request_sent": "{name} would like to meet you at {event}",
    "slot_proposed": "{name} proposes another time for your meeting at {event}",
    "request_accepted": "Meeting confirmed with {name} at {event}",
    "request_declined": "Your meeting request to {name} was declined: {event}",
    "request_declined_proposal": "No meeting with {name} at {event}",
    "request_expired": "A meeting request expired without an answer: {event}",
    "request_cancelled": "Meeting with {name} cancelled: {event}",
    "agenda_published": "Your {state} B2B agenda for {event}",
    "agenda_changed": "Your B2B agenda changed: {event}",
    "followup": "How did your meetings at {event} go?",
}

STILL = {
    "request_sent": [RequestStatus.PENDING],
    "slot_proposed": [RequestStatus.PENDING],
    "request_answered": [RequestStatus.ACCEPTED, RequestStatus.DECLINED],
    "request_expired": [RequestStatus.EXPIRED],
    "request_cancelled": [RequestStatus.CANCELLED],
}


def _site() -> str:
    return getattr(settings, "SITE_URL", "")


def _url(name: str, event) -> str:
    return _site() + reverse(f"matchmaking:{name}", args=[event.slug])


def _when(start: dt.datetime | None, end: dt.datetime | None, tz) -> str:
    if start is None:
        return "not scheduled"
    start, end = start.astimezone(tz), end.astimezone(tz)
    with translation.override("en"):
        return f"{dateformat.format(start, 'l j F Y, H:i')}–{dateformat.format(end, 'H:i')}"


def _moment(value: dt.datetime, tz) -> str:
    with translation.override("en"):
        return dateformat.format(value.astimezone(tz), "l j F Y, H:i")


def _who(participant: Participant) -> str:
    registration = participant.registration
    organisation = (
        registration.organisation.name if registration.organisation_id else None
    ) or registration.organisation_name
    parts = [registration.name, organisation]
    if registration.country_id:
        parts.append(registration.country.label)
    return ", ".join(p for p in parts if p)


def _message(participant: Participant, template: str, subject: str, context: dict):
    event = participant.matchmaking.event
    context = {
        "person": participant.registration,
        "event": event,
        "dates": event_dates(event),
        "home_url": _url("home", event),
        "requests_url": _url("requests", event),
        "agenda_url": _url("agenda", event),
        "follow_up_url": _url("follow-up", event),
        "site_url": _site(),
        **context,
    }
    return mail.Email(
        to=[participant.registration.email],
        template=f"matchmaking/email/{template}",
        context=context,
        subject=subject,
        language="en",
    )


def _active(participant: Participant) -> bool:
    return participant.registration.status == RegistrationStatus.CONFIRMED


# Requests -------------------------------------------------------------------------------------


def _request(pk: int) -> MeetingRequest | None:
    related = ("registration", "registration__country", "registration__organisation", "type")
    return (
        MeetingRequest.objects.select_related(
            "matchmaking__event",
            "proposed_slot",
            *(f"sender__{r}" for r in related),
            *(f"recipient__{r}" for r in related),
        )
        .filter(pk=pk)
        .first()
    )


def _request_messages(kind: str, request: MeetingRequest) -> list[mail.Email]:
    event = request.matchmaking.event
    tz = event.tz
    sender, recipient = request.sender, request.recipient
    for person in (sender, recipient):
        person.matchmaking = request.matchmaking
    context = {
        "request": request,
        "sender": _who(sender),
        "recipient": _who(recipient),
        "pitch": sender.pitch,
        "expires": _moment(request.expires_at, tz) if request.expires_at else "",
        "proposed": _when(request.proposed_slot.start, request.proposed_slot.end, tz)
        if request.proposed_slot
        else "",
        "timezone": event.timezone,
    }

    def to(person: Participant, other: Participant, template: str, subject_key: str):
        subject = SUBJECTS[subject_key].format(name=other.registration.name, event=event.title)
        return _message(person, template, subject, {**context, "other": _who(other)})

    if kind == "request_sent":
        return [to(recipient, sender, "request_sent", "request_sent")]
    if kind == "slot_proposed":
        return [to(sender, recipient, "slot_proposed", "slot_proposed")]
    if kind == "request_answered":
        if request.status == RequestStatus.ACCEPTED:
            return [
                to(sender, recipient, "request_accepted", "request_accepted"),
                to(recipient, sender, "request_accepted", "request_accepted"),
            ]
        if request.proposed_slot_id is None:
            return [to(sender, recipient, "request_declined", "request_declined")]
        # declined after a counter-proposal: we do not know who said no; both are told
        return [
            to(sender, recipient, "request_declined_proposal", "request_declined_proposal"),
            to(recipient, sender, "request_declined_proposal", "request_declined_proposal"),
        ]
    if kind == "request_expired":
        return [
            to(sender, recipient, "request_expired", "request_expired"),
            to(recipient, sender, "request_expired", "request_expired"),
        ]
    if kind == "request_cancelled":
        return [
            to(sender, recipient, "request_cancelled", "request_cancelled"),
            to(recipient, sender, "request_cancelled", "request_cancelled"),
        ]
    raise ValueError(f"Unknown matchmaking e-mail: {kind}")


# Agendas --------------------------------------------------------------------------------------


def _agenda_lines(entries: list[selectors.AgendaEntry], tz) -> list[dict]:
    lines = []
    for entry in entries:
        line = selectors.agenda_line(entry, tz)
        lines.append(
            {
                "when": _when(line["start"], line["end"], tz),
                "where": line["place"],
                "who": _who(entry.other),
                "changed": entry.changed,
                "scheduled": entry.slot is not None,
            }
        )
    return lines


def agenda_messages(matchmaking: Matchmaking, changed: list[int]) -> list[mail.Email]:
    """Everyone with meetings gets their agenda; those whose meetings moved, or were taken out
    of the schedule, get "your agenda changed" with the new time and table."""
    event = matchmaking.event
    tz = event.tz
    changed_ids = set(changed or [])
    state = "final" if matchmaking.schedule_state == ScheduleState.FINAL else "preliminary"
    out = []
    for person, entries in selectors.agendas_by_participant(matchmaking).values():
        if not _active(person):
            continue
        person.matchmaking = matchmaking
        for entry in entries:
            entry.changed = entry.meeting.pk in changed_ids
        mine_changed = any(e.changed for e in entries)
        scheduled = [e for e in entries if e.slot is not None]
        if not scheduled and not mine_changed:
            continue
        subject = SUBJECTS["agenda_changed" if mine_changed else "agenda_published"].format(
            state=state, event=event.title
        )
        out.append(
            _message(
                person,
                "agenda_published",
                subject,
                {
                    "state": state,
                    "changed": mine_changed,
                    "lines": _agenda_lines(scheduled, tz),
                    "removed": _agenda_lines(
                        [e for e in entries if e.slot is None and e.changed], tz
                    ),
                    "timezone": event.timezone,
                    "pdf_url": _url("agenda-pdf", event),
                    "ics_url": _url("agenda-ics", event),
                },
            )
        )
    return out


# Entry point of tasks.notify ------------------------------------------------------------------


def send(kind: str, ids: dict) -> int:
    """Send the e-mails of one event in the life of a request or of the agendas; returns how
    many went out."""
    if kind == "agendas_published":
        matchmaking = (
            Matchmaking.objects.select_related("event").filter(pk=ids.get("matchmaking")).first()
        )
        if matchmaking is None or matchmaking.schedule_state == ScheduleState.NOT_PUBLISHED:
            return 0
        return mail.send(agenda_messages(matchmaking, ids.get("changed") or []))
    if kind not in STILL:
        raise ValueError(f"Unknown matchmaking e-mail: {kind}")
    request = _request(ids.get("request"))
    if request is None or request.status not in STILL[kind]:
        return 0
    return mail.send(_request_messages(kind, request))


# Months after the event -----------------------------------------------------------------------


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the month's last day when
    that month is shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def followup_messages(matchmaking: Matchmaking) -> list[mail.Email]:
    """One e-mail per participant whose meetings were scheduled: how did they go?"""
    event = matchmaking.event
    tz = event.tz
    out = []
    for person, entries in selectors.agendas_by_participant(matchmaking).values():
        held = [e for e in entries if e.slot is not None]
        if not held or not _active(person):
            continue
        person.matchmaking = matchmaking
        lines = _agenda_lines(held, tz)
        labels = dict(Outcome.choices)
        for line, entry in zip(lines, held, strict=True):
            line["outcome"] = str(labels.get(entry.outcome, "")) if entry.outcome else ""
        out.append(
            _message(
                person,
                "followup",
                SUBJECTS["followup"].format(event=event.title),
                {"lines": lines, "timezone": event.timezone},
            )
        )
    return out


def send_followups(months: int = 3, *, now: dt.datetime | None = None, days: int = 1) -> int:
    """Ask the participants of the events that ended ``months`` months ago (within a window
    of ``days`` days, so that a daily run asks each event once) how their meetings went."""
    now = now or timezone.now()
    until = months_before(now, months)
    since = until - dt.timedelta(days=days)
    sent = 0
    matchmakings = Matchmaking.objects.select_related("event").filter(
        event__end__gte=since, event__end__lt=until
    )
    for matchmaking in matchmakings.exclude(schedule_state=ScheduleState.NOT_PUBLISHED):
        sent += mail.send(followup_messages(matchmaking))
    return sent
