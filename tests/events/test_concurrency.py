"""Registrations racing for the last seats, in real threads with their own connections.

Transactional tests: each thread commits for real. On PostgreSQL the event row is locked with
SELECT … FOR UPDATE; on SQLite every write transaction starts with BEGIN IMMEDIATE and waits
for the previous one (busy timeout). Either way the capacity holds exactly.

    scripts/with-postgres.sh .venv/bin/pytest tests/events/test_concurrency.py -q
"""

import threading
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from clusterhub.events import services
from clusterhub.events.models import Event, Registration, RegistrationStatus
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_database")]

THREADS = 40
CAPACITY = 20


def details(email: str) -> dict:
    return {
        "first_name": "Ada",
        "last_name": email.split("@")[0],
        "email": email,
        "organisation_name": "Polyméris",
        "organisation_kind": "company",
        "country_id": "FR",
    }


def run_at_once(event: Event, emails: list[str]) -> tuple[list, list]:
    """Register each address in its own thread, all released together; (statuses, errors)."""
    barrier = threading.Barrier(len(emails))
    statuses, errors = [], []
    lock = threading.Lock()

    def worker(email: str) -> None:
        try:
            barrier.wait(timeout=30)
            registration = services.register_participant(event, **details(email))
            with lock:
                statuses.append(registration.status)
        except ValidationError as error:
            with lock:
                errors.append(error)
        except Exception as error:  # noqa: BLE001 - reported by the test below
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(email,)) for email in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a registration never finished"
    return statuses, errors


def test_forty_people_racing_for_twenty_seats():
    event = factories.EventFactory(title="Race for seats", capacity=CAPACITY)
    emails = [f"racer{i}@example.org" for i in range(THREADS)]

    statuses, errors = run_at_once(event, emails)

    assert errors == []
    assert Counter(statuses) == {
        RegistrationStatus.CONFIRMED: CAPACITY,
        RegistrationStatus.WAITLISTED: THREADS - CAPACITY,
    }
    rows = Registration.objects.filter(event=event)
    assert rows.count() == THREADS  # no lost registration
    assert sorted(rows.values_list("email", flat=True)) == sorted(emails)  # no duplicate
    assert rows.filter(status=RegistrationStatus.CONFIRMED).count() == CAPACITY
    assert rows.filter(status=RegistrationStatus.WAITLISTED).count() == THREADS - CAPACITY


def test_the_same_person_registering_twice_at_once_gets_one_registration():
    event = factories.EventFactory(title="Race for seats", capacity=CAPACITY)

    statuses, errors = run_at_once(event, ["twice@example.org", "TWICE@example.org"] * 3)

    assert statuses == [RegistrationStatus.CONFIRMED]
    assert len(errors) == 5
    assert all(isinstance(e, ValidationError) and "already registered" in str(e) for e in errors)
    assert Registration.objects.filter(event=event).count() == 1


def test_cancellations_and_registrations_at_once_keep_the_capacity():
    """Confirmed people cancel while newcomers register: the waiting list moves up, and the
    event never holds more confirmed people than seats."""
    event = factories.EventFactory(title="Race for seats", capacity=10)
    seated = [
        services.register_participant(event, **details(f"s{i}@example.org")) for i in range(10)
    ]
    for i in range(10):
        services.register_participant(event, **details(f"w{i}@example.org"))
    barrier = threading.Barrier(20)
    errors = []

    def cancel(registration):
        try:
            barrier.wait(timeout=30)
            services.cancel_registration(registration)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    def newcomer(i):
        try:
            barrier.wait(timeout=30)
            services.register_participant(event, **details(f"n{i}@example.org"))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in seated[:10]]
    threads += [threading.Thread(target=newcomer, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    rows = Registration.objects.filter(event=event)
    counts = Counter(rows.values_list("status", flat=True))
    assert counts[RegistrationStatus.CANCELLED] == 10
    assert counts[RegistrationStatus.CONFIRMED] == 10
    assert counts[RegistrationStatus.WAITLISTED] == 10
    # The ten who waited before the race are the ones who moved up.
    assert set(
        rows.filter(status=RegistrationStatus.CONFIRMED).values_list("email", flat=True)
    ) == {f"w{i}@example.org" for i in range(10)}
