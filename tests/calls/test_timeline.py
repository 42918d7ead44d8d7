"""Openings, deadlines in the call's time zone, and quarterly cut-off rounds."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clusterhub.calls.timeline import accepting, rounds

PARIS = ZoneInfo("Europe/Paris")
# "Les pôles pour l'Europe": deadline 14 September 2023, end of the day in Paris.
DEADLINE = datetime(2023, 9, 14, 23, 59, 59, tzinfo=PARIS)


def test_one_second_after_the_deadline_is_refused_with_the_times_shown():
    assert accepting(DEADLINE, None, DEADLINE, "Europe/Paris").open
    late = accepting(DEADLINE + timedelta(seconds=1), None, DEADLINE, "Europe/Paris")
    assert not late.open
    assert late.sentence() == (
        "The deadline was 2023-09-14 23:59:59 (Europe/Paris); the application arrived at "
        "2023-09-15 00:00."
    )
    # the same instant seen from UTC is judged the same way
    assert not accepting(datetime(2023, 9, 14, 22, 0, 0, tzinfo=UTC), None, DEADLINE,
                         "Europe/Paris").open  # fmt: skip


def test_before_the_opening_the_call_says_when_it_opens():
    opens = datetime(2023, 6, 1, 9, 0, tzinfo=PARIS)
    early = accepting(opens - timedelta(minutes=1), opens, DEADLINE, "Europe/Paris")
    assert (
        not early.open and early.sentence() == "The call opens on 2023-06-01 09:00 (Europe/Paris)."
    )


def test_quarterly_rounds_end_on_the_last_day_of_each_quarter_in_the_calls_zone():
    opens = datetime(2024, 2, 10, 9, 0, tzinfo=PARIS)
    closes = datetime(2024, 12, 15, 12, 0, tzinfo=PARIS)
    found = rounds(opens, closes, "quarter", "Europe/Brussels")
    assert [(r.number, r.cut_off.astimezone(PARIS).isoformat()) for r in found] == [
        (1, "2024-03-31T23:59:59+02:00"),
        (2, "2024-06-30T23:59:59+02:00"),
        (3, "2024-09-30T23:59:59+02:00"),
        (4, "2024-12-15T12:00:00+01:00"),
    ]
    # the rounds follow each other without a gap
    for before, after in zip(found, found[1:], strict=False):
        assert after.opens - before.cut_off == timedelta(seconds=1)
    with pytest.raises(ValueError, match="every: must be one of"):
        rounds(opens, closes, "weekly", "Europe/Paris")
    with pytest.raises(ValueError, match="deadline must come after the opening"):
        rounds(closes, opens, "quarter", "Europe/Paris")
