"""What the events app prints and exports: the participants' booklet and the badges (PDF through
WeasyPrint), iCalendar documents, the participant export rows and the attendance sentence.

These are builders: data in, document out, no request. The reads come from
:mod:`clusterhub.events.selectors`. Personal data follows consent: the booklet lists only
confirmed participants who agreed to be listed (never an e-mail), and names a speaker only when
the registry person agreed to be shown publicly (otherwise their organisation stands in).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clusterhub.core import ical
from clusterhub.core.exports import ExportRows
from clusterhub.registry.models import OrganisationKind

from . import selectors
from .models import Event, Registration, Session, SessionSpeaker

# Speakers and chairs ----------------------------------------------------------------------------


def _organisation_name(organisation) -> str:
    return organisation.name if organisation is not None else ""


def speaker_label(speaker: SessionSpeaker) -> dict:
    """How a speaker appears in public outputs: the name only with the person's consent."""
    person = speaker.person
    organisation = _organisation_name(speaker.organisation or person.organisation)
    if person.public_consent:
        return {
            "name": f"{person.first_name} {person.last_name}",
            "organisation": organisation,
            "role": speaker.role,
            "talk_title": speaker.talk_title,
        }
    return {
        "name": organisation or _("A speaker"),
        "organisation": "",
        "role": speaker.role,
        "talk_title": speaker.talk_title,
    }


def chair_label(person) -> str:
    if person is None:
        return ""
    if person.public_consent:
        organisation = _organisation_name(person.organisation)
        name = f"{person.first_name} {person.last_name}"
        return f"{name} ({organisation})" if organisation else name
    return _organisation_name(person.organisation)


# The booklet ------------------------------------------------------------------------------------


@dataclass
class AgendaDay:
    day: date
    sessions: list[dict] = field(default_factory=list)


def agenda_days(sessions: Iterable[Session], tz) -> list[AgendaDay]:
    """Sessions grouped by day in the event's time zone, speakers resolved for print."""
    days: dict[date, AgendaDay] = {}
    for session in sessions:
        start = timezone.localtime(session.start, tz)
        end = timezone.localtime(session.end, tz)
        days.setdefault(start.date(), AgendaDay(start.date())).sessions.append(
            {
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "title": session.title,
                "kind": session.get_kind_display(),
                "kind_value": session.kind,
                "room": session.room,
                "description": session.description,
                "chair": chair_label(session.chair),
                "speakers": [speaker_label(s) for s in session.speakers.all()],
            }
        )
    return [days[d] for d in sorted(days)]


@dataclass
class OrganisationGroup:
    name: str
    kinds: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)


_SPACES = re.compile(r"\s+")


def participants_by_organisation(registrations: Iterable[Registration]) -> list[OrganisationGroup]:
    """Consenting participants grouped by organisation (the registry's when the registration is
    linked to it, else the name typed), organisations and people in alphabetical order."""
    kind_labels = dict(OrganisationKind.choices)
    groups: dict[str, OrganisationGroup] = {}
    for r in registrations:
        name = r.organisation.legal_name if r.organisation_id else r.organisation_name
        name = _SPACES.sub(" ", name).strip() or _("Other participants")
        group = groups.setdefault(name.casefold(), OrganisationGroup(name))
        kind = str(kind_labels.get(r.organisation_kind, r.organisation_kind))
        if kind not in group.kinds:
            group.kinds.append(kind)
        country = r.country.label if r.country_id else ""
        if country and country not in group.countries:
            group.countries.append(country)
        group.people.append(
            {
                "name": f"{r.first_name} {r.last_name}",
                "job_title": r.job_title,
                "country": country,
                "sort": (r.last_name.casefold(), r.first_name.casefold()),
            }
        )
    ordered = sorted(groups.values(), key=lambda g: g.name.casefold())
    for group in ordered:
        group.people.sort(key=lambda p: p["sort"])
    return ordered


def event_organisers(event: Event) -> list[str]:
    names = [event.host.name] if event.host_id else []
    names += [o.name for o in event.co_organisers.all() if o.pk != event.host_id]
    return names


def event_place(event: Event) -> str:
    parts = [event.venue, event.address, event.city]
    if event.country_id:
        parts.append(event.country.label)
    place = ", ".join(p for p in parts if p)
    if event.online_url:
        place = f"{place} · {_('online')}" if place else _("Online")
    return place


def booklet_html(event: Event) -> str:
    """The booklet as one HTML document (inline print CSS, no fetched resource)."""
    tz = event.tz
    sessions = list(selectors.agenda_sessions(event))
    groups = participants_by_organisation(selectors.listed_participants(event))
    speakers: dict[int, dict] = {}
    for session in sessions:
        for s in session.speakers.all():
            if s.person.public_consent and s.person_id not in speakers:
                speakers[s.person_id] = speaker_label(s) | {"bio": s.person.bio}
    with timezone.override(tz):
        return render_to_string(
            "events/print/booklet.html",
            {
                "event": event,
                "start": timezone.localtime(event.start, tz),
                "end": timezone.localtime(event.end, tz),
                "place": event_place(event),
                "organisers": event_organisers(event),
                "days": agenda_days(sessions, tz),
                "speakers": sorted(speakers.values(), key=lambda s: s["name"].casefold()),
                "groups": groups,
                "participant_count": sum(len(g.people) for g in groups),
            },
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def booklet_pdf(event: Event) -> bytes:
    """The participants' booklet: cover, agenda by day, speakers, consenting participants."""
    return html_to_pdf(booklet_html(event))


# Badges -----------------------------------------------------------------------------------------

BADGES_PER_SHEET = 8


def qr_svg_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (vector: sharp on paper at any size)."""
    import segno

    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=2)


def badges_html(event: Event, registrations: Iterable[Registration]) -> str:
    badges = [
        {
            "name": r.name,
            "long": len(r.name) > 24,
            "organisation": r.organisation.name if r.organisation_id else r.organisation_name,
            "country": r.country.label if r.country_id else "",
            "qr": qr_svg_data_uri(r.ticket_code),
            "code": r.ticket_code,
        }
        for r in registrations
    ]
    sheets = [badges[i : i + BADGES_PER_SHEET] for i in range(0, len(badges), BADGES_PER_SHEET)]
    with timezone.override(event.tz):
        return render_to_string(
            "events/print/badges.html",
            {"event": event, "start": timezone.localtime(event.start, event.tz), "sheets": sheets},
        )


def badges_pdf(event: Event, registrations: Iterable[Registration]) -> bytes:
    """A4 sheets of eight badges (name, organisation, country, event, QR of the ticket code)."""
    return html_to_pdf(badges_html(event, registrations))


# iCalendar --------------------------------------------------------------------------------------

ICS_CONTENT_TYPE = ical.CONTENT_TYPE


def event_uid(event: Event) -> str:
    return ical.uid("event", event.pk)


def session_uid(session: Session) -> str:
    return ical.uid("session", session.pk)


def _status(event: Event) -> str:
    return "CANCELLED" if event.status == "cancelled" else "CONFIRMED"


def _event_entry(event: Event, base_url: str) -> ical.Entry:
    url = base_url + event.get_absolute_url()
    lines = [event.topic, event.description]
    if event.context:
        lines.append(_("In the framework of %(context)s") % {"context": event.context})
    if event.online_url:  # the link itself goes to confirmed participants only
        lines.append(_("Online participation: the link comes with your registration."))
    lines.append(url)
    return ical.Entry(
        uid=event_uid(event),
        stamp=event.updated,
        start=event.start,
        end=event.end,
        summary=event.title,
        url=url,
        location=event_place(event),
        description=lines,
        status=_status(event),
        categories=[event.get_kind_display()],
    )


def event_ics(event: Event, base_url: str) -> bytes:
    """The event as an iCalendar file (times in UTC, a UID that stays with the event)."""
    return ical.calendar(event.title, [_event_entry(event, base_url)])


def session_ics(session: Session, base_url: str) -> bytes:
    """One session of the agenda as an iCalendar file."""
    event = session.event
    lines = [session.description]
    speakers = [speaker_label(s) for s in session.speakers.all()]
    if speakers:
        lines.append(
            _("Speakers: %(names)s")
            % {
                "names": "; ".join(
                    ", ".join(p for p in (s["name"], s["organisation"], s["role"]) if p)
                    for s in speakers
                )
            }
        )
    chair = chair_label(session.chair)
    if chair:
        lines.append(_("Chair: %(chair)s") % {"chair": chair})
    url = base_url + event.get_absolute_url()
    lines.append(url)
    entry = ical.Entry(
        uid=session_uid(session),
        stamp=event.updated,
        start=session.start,
        end=session.end,
        summary=f"{session.title} – {event.title}",
        url=url,
        location=", ".join(p for p in (session.room, event_place(event)) if p),
        description=lines,
        status=_status(event),
    )
    return ical.calendar(event.title, [entry])


def feed_ics(events: Iterable[Event], base_url: str) -> bytes:
    """The public calendar feed: one VEVENT per event."""
    return ical.calendar(
        _("Clusterhub events"), (_event_entry(event, base_url) for event in events)
    )


# Participant export -----------------------------------------------------------------------------

EXPORT_HEADERS = [
    gettext_lazy("First name"),
    gettext_lazy("Last name"),
    gettext_lazy("E-mail"),
    gettext_lazy("Organisation"),
    gettext_lazy("Kind of organisation"),
    gettext_lazy("Country"),
    gettext_lazy("Job title"),
    gettext_lazy("Status"),
    gettext_lazy("Registered at"),
    gettext_lazy("Checked in at"),
    gettext_lazy("Dietary needs"),
    gettext_lazy("Accessibility needs"),
    gettext_lazy("Listing consent"),
    gettext_lazy("Listing consent given at"),
]


def _local(value: datetime | None, tz) -> str:
    return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _answer(value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def participant_rows(event: Event, registrations: Iterable[Registration]) -> ExportRows:
    """One row per registration (every status), the organisers' questions as last columns;
    times in the event's time zone."""
    tz = event.tz
    questions = list(event.questions.all())
    kinds = dict(OrganisationKind.choices)
    columns = [str(h) for h in EXPORT_HEADERS] + [q.label for q in questions]

    def rows():
        for r in registrations:
            yield [
                r.first_name,
                r.last_name,
                r.email,
                r.organisation_name,
                str(kinds.get(r.organisation_kind, r.organisation_kind)),
                r.country.label if r.country_id else "",
                r.job_title,
                str(r.get_status_display()),
                _local(r.created, tz),
                _local(r.checked_in_at, tz),
                r.dietary_needs,
                r.accessibility_needs,
                _answer(r.listing_consent),
                _local(r.listing_consent_at, tz),
                *(_answer((r.answers or {}).get(str(q.pk))) for q in questions),
            ]

    return ExportRows(columns, rows())


# Attendance -------------------------------------------------------------------------------------


def _kind_phrase(kind: str, label: str, n: int) -> str:
    """How each kind reads in the attendance sentence ("24 from cluster organisations")."""
    # Literal ngettext calls so that makemessages finds every phrase.
    phrases = {
        OrganisationKind.CLUSTER: lambda: ngettext(
            "%(n)d from a cluster organisation", "%(n)d from cluster organisations", n
        ),
        OrganisationKind.COMPANY: lambda: ngettext(
            "%(n)d from a company", "%(n)d from companies", n
        ),
        OrganisationKind.PUBLIC_AUTHORITY: lambda: ngettext(
            "%(n)d from a public authority", "%(n)d from public authorities", n
        ),
        OrganisationKind.RESEARCH: lambda: ngettext(
            "%(n)d from a research organisation", "%(n)d from research organisations", n
        ),
        OrganisationKind.HIGHER_EDUCATION: lambda: ngettext(
            "%(n)d from a university or college", "%(n)d from universities and colleges", n
        ),
        OrganisationKind.OTHER: lambda: ngettext(
            "%(n)d from another organisation", "%(n)d from other organisations", n
        ),
    }
    phrase = phrases.get(kind)
    if phrase is None:
        return _("%(n)d: %(label)s") % {"n": n, "label": label}
    return phrase() % {"n": n}


def attendance_basis(stats: dict) -> str:
    """``"attended"`` once anyone is checked in, else ``"confirmed"``."""
    return "attended" if stats["attended"] else "confirmed"


def attendance_sentence(stats: dict) -> str:
    """The attendance in one sentence, e.g. "93 participants attended: 24 from cluster
    organisations, 16 from companies and …", from the check-ins when there are any, else from
    the confirmed registrations (and it says so)."""
    basis = attendance_basis(stats)
    index = 3 if basis == "attended" else 2
    total = stats["attended"] if basis == "attended" else stats["registered"]
    parts = sorted(
        ((row[index], row[0], row[1]) for row in stats["by_kind"] if row[index]),
        key=lambda item: (-item[0], item[2]),
    )
    countries = sum(1 for row in stats["by_country"] if row[index])
    if basis == "attended":
        head = ngettext("%(n)d participant attended", "%(n)d participants attended", total) % {
            "n": total
        }
    else:
        head = ngettext(
            "%(n)d confirmed participant (no check-ins yet)",
            "%(n)d confirmed participants (no check-ins yet)",
            total,
        ) % {"n": total}
    if not total:
        return head + "."
    detail = get_text_list([_kind_phrase(kind, label, n) for n, kind, label in parts], _("and"))
    where = ngettext("from %(n)d country", "from %(n)d countries", countries) % {"n": countries}
    return f"{head}: {detail}; {where}."


def chart_rows(rows: Sequence[tuple], limit: int | None = None) -> list[tuple[str, list[int]]]:
    """(label, [registered, attended]) rows for :func:`clusterhub.core.svg.grouped_bar_chart`."""
    out = [(str(row[1]), [row[2], row[3]]) for row in rows]
    return out[:limit] if limit else out
