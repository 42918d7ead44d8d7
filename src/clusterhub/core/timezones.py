"""Times in a place's own time zone (an event's, a call's): shown there, read there."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def local(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """``value`` as a clock on the wall of ``tz`` shows it."""
    return value.astimezone(tz) if value else None


def aware(value: datetime | None, tz: ZoneInfo) -> datetime | None:
    """Input times without an offset are read in ``tz``; those with one are kept."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, tz)
    return value


def written(value: datetime, tz: ZoneInfo | None = None) -> str:
    """A moment as every page, e-mail and PDF writes it in the reader's language ("3 Dec 2026,
    17:00"), on the clock of ``tz`` when given; seconds only when there are any."""
    from django.utils.formats import date_format, get_format

    if tz is not None:
        value = value.astimezone(tz)
    pattern = get_format("DATETIME_FORMAT") + (":s" if value.second else "")
    return date_format(value, pattern)
