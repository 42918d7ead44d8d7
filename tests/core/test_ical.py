from datetime import UTC, datetime, timedelta, timezone

import icalendar

from clusterhub.core import ical

PARIS_SUMMER = timezone(timedelta(hours=2))


def test_calendar_writes_utc_times_and_leaves_out_empty_fields(settings):
    settings.SITE_URL = "https://hub.example.org"
    entry = ical.Entry(
        uid=ical.uid("meeting", 7),
        start=datetime(2027, 6, 1, 9, 0, tzinfo=PARIS_SUMMER),
        end=datetime(2027, 6, 1, 9, 30, tzinfo=PARIS_SUMMER),
        summary="Meeting",
        description=["First", "", "Second"],
        status="TENTATIVE",
        sequence=3,
    )
    calendar = icalendar.Calendar.from_ical(ical.calendar("My agenda", [entry]))

    assert str(calendar["x-wr-calname"]) == "My agenda"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["uid"]) == "meeting-7@hub.example.org"
    assert vevent.decoded("dtstart") == datetime(2027, 6, 1, 7, 0, tzinfo=UTC)
    assert vevent.decoded("dtend") == datetime(2027, 6, 1, 7, 30, tzinfo=UTC)
    assert str(vevent["description"]) == "First\n\nSecond"
    assert str(vevent["status"]) == "TENTATIVE"
    assert vevent.decoded("sequence") == 3
    assert "url" not in vevent and "location" not in vevent and "categories" not in vevent


def test_uid_without_a_site_url(settings):
    settings.SITE_URL = ""
    assert ical.uid("event", 1) == "event-1@clusterhub"
