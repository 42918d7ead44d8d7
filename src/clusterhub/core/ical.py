"""iCalendar files (RFC 5545): one calendar of events, whatever the app that lists them.

Times are written in UTC; each entry keeps a UID of its own (``uid("event", 12)``) so that
calendar programs update an entry instead of adding it twice; ``sequence`` tells them which
version of a moved entry is the newest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Clusterhub//Events//EN"


def uid(kind: str, pk) -> str:
    """A UID that stays with the object: ``<kind>-<pk>@<site host>``."""
    host = urlsplit(getattr(settings, "SITE_URL", "")).hostname or "clusterhub"
    return f"{kind}-{pk}@{host}"


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


@dataclass
class Entry:
    """One VEVENT. Empty optional fields are left out of the file."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    stamp: datetime | None = None  # when the entry last changed (now when unknown)
    url: str = ""
    location: str = ""
    description: Sequence[str] = ()  # paragraphs; empty ones are dropped
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    categories: Sequence[str] = field(default_factory=tuple)
    sequence: int | None = None


def _component(entry: Entry):
    from icalendar import Event as VEvent

    component = VEvent()
    component.add("uid", entry.uid)
    component.add("dtstamp", utc(entry.stamp or timezone.now()))
    component.add("dtstart", utc(entry.start))
    component.add("dtend", utc(entry.end))
    if entry.sequence is not None:
        component.add("sequence", entry.sequence)
    component.add("summary", entry.summary)
    if entry.url:
        component.add("url", entry.url)
    if entry.location:
        component.add("location", entry.location)
    paragraphs = [str(p) for p in entry.description if p]
    if paragraphs:
        component.add("description", "\n\n".join(paragraphs))
    component.add("status", entry.status)
    if entry.categories:
        component.add("categories", [str(c) for c in entry.categories])
    return component


def calendar(name: str, entries: Iterable[Entry]) -> bytes:
    """An iCalendar file named ``name`` holding ``entries``."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", str(name))
    for entry in entries:
        cal.add_component(_component(entry))
    return cal.to_ical()
