"""Two organisers running the scheduler at once while a participant cancels a meeting, in real
threads with their own connections: nobody is booked twice in a slot, no table holds two
meetings, and the cancelled meeting holds no slot.

Transactional tests: each thread commits for real. On PostgreSQL the event's Matchmaking row is
locked with SELECT … FOR UPDATE; on SQLite every write transaction waits for the previous one.

    scripts/with-postgres.sh .venv/bin/pytest tests/matchmaking/test_concurrency.py -q
"""

import contextlib
import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from clusterhub.events.services import add_organiser
from clusterhub.matchmaking import services
from clusterhub.matchmaking.models import Booking, Meeting, RequestStatus
from tests import factories
from tests.matchmaking.test_manage import (
    add_session,
    check_schedule,
    join,
    make_event,
    meet,
    set_up,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_database")]

ROUNDS = 3


def at_once(*jobs) -> list[Exception]:
    """Run each job in its own thread, released together; the errors they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker(job) -> None:
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as error:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return errors


@pytest.fixture
def crowded():
    """Fourteen people, 22 accepted meetings for 4 slots × 3 tables: the scheduler has to
    choose, so two runs could disagree about who sits where."""
    organiser = factories.UserFactory(email="organiser@example.org")
    other_organiser = factories.UserFactory(email="second@example.org")
    event = make_event(organiser=organiser)
    add_organiser(event, other_organiser, organiser)
    matchmaking = set_up(event, organiser, minutes=30, tables=3)
    add_session(matchmaking, organiser, start="14:00", end="16:00")
    people = [join(event, n) for n in range(14)]
    pairs = [(i, (i + k) % 14) for k in (1, 3) for i in range(14) if i < (i + k) % 14]
    meetings = [meet(people[a], people[b]) for a, b in pairs[:22]]
    return {
        "event": event,
        "matchmaking": matchmaking,
        "organisers": (organiser, other_organiser),
        "meetings": meetings,
    }


def assert_consistent(matchmaking) -> None:
    check_schedule(matchmaking)
    seats = Counter(Booking.objects.values_list("participant_id", "slot_id"))
    assert max(seats.values(), default=1) == 1
    tables = Counter(
        Meeting.objects.filter(slot__isnull=False).exclude(table="").values_list("slot_id", "table")
    )
    assert max(tables.values(), default=1) == 1


def test_two_runs_and_a_cancellation_at_once_never_double_book(crowded):
    matchmaking = crowded["matchmaking"]
    first, second = crowded["organisers"]
    services.run_scheduler(matchmaking, by=first)
    assert_consistent(matchmaking)

    for round_ in range(ROUNDS):
        # Cancel a meeting that holds a slot now, while both organisers schedule again.
        victim = (
            Meeting.objects.filter(
                matchmaking=matchmaking,
                slot__isnull=False,
                request__status=RequestStatus.ACCEPTED,
            )
            .select_related("request__sender")
            .order_by("pk")[round_]
        )
        request, by = victim.request, victim.request.sender

        errors = at_once(
            lambda: services.run_scheduler(matchmaking, by=first),
            lambda: services.run_scheduler(matchmaking, by=second),
            lambda request=request, by=by: services.cancel_request(request, by),
        )

        assert errors == []
        victim.refresh_from_db()
        assert victim.request.status == RequestStatus.CANCELLED
        assert victim.slot is None and victim.table == ""
        assert not Booking.objects.filter(meeting=victim).exists()
        assert_consistent(matchmaking)

    scheduled = Meeting.objects.filter(matchmaking=matchmaking, slot__isnull=False).count()
    assert 0 < scheduled <= 12  # 4 slots × 3 tables


def test_a_move_racing_a_run_never_double_books(crowded):
    matchmaking = crowded["matchmaking"]
    first, second = crowded["organisers"]
    services.run_scheduler(matchmaking, by=first)
    unscheduled = Meeting.objects.filter(matchmaking=matchmaking, slot__isnull=True).first()
    slot = matchmaking.sessions.get().slots.order_by("start").first()
    taken = set(
        Meeting.objects.filter(slot=slot).values_list("table", flat=True)
    )  # the move may be refused (busy person, table taken): that is fine, not a double booking

    def move():
        with contextlib.suppress(ValidationError):
            services.move_meeting(unscheduled, slot, "3" if "3" not in taken else "1", second)

    errors = at_once(lambda: services.run_scheduler(matchmaking, by=first), move)

    assert errors == []
    assert_consistent(matchmaking)
