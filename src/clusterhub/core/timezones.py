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
