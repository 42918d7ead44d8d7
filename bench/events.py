"""Events benchmark: registrations racing for seats, the participants' booklet, the event page.

Run with ``make bench`` (after bench/registry.py), or ``python bench/events.py --db
sqlite|postgresql|current`` for one database (PostgreSQL through scripts/with-postgres.sh).

Figures, each measured in this run:
- 300 registrations for a 150-seat event at once, from 50 threads with their own database
  connections, through ``events.services.register_participant``: exactly 150 confirmed and 150
  waitlisted, none lost, none duplicated (else the run fails); registrations per second, and
  its ratio to the rate of one thread registering 100 people one after the other;
- the participants' booklet PDF for 1,000 consenting participants through the Django test
  client (route ``events:booklet``, as an organiser, so never from the cache): seconds (first
  request, with WeasyPrint's fonts still cold, then a second one) and pages; target ≤ 15 s;
- the event page (route ``events:detail``) with 50 sessions and 500 participants: p50/p95 in ms
  over the test client, and its number of queries; target p95 ≤ 100 ms.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_REGISTRATIONS = int(os.environ.get("BENCH_REGISTRATIONS", 300))
SEATS = int(os.environ.get("BENCH_SEATS", 150))
WORKERS = int(os.environ.get("BENCH_WORKERS", 50))  # PostgreSQL allows 100 connections here
N_BOOKLET = int(os.environ.get("BENCH_BOOKLET_PARTICIPANTS", 1000))
N_SESSIONS = int(os.environ.get("BENCH_SESSIONS", 50))
N_PAGE_PARTICIPANTS = int(os.environ.get("BENCH_PAGE_PARTICIPANTS", 500))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 100))
BOOKLET_TARGET_S = 15
PAGE_TARGET_MS = 100
COUNTRIES = ["FR", "DE", "IT", "ES", "PL", "NL", "BE", "AT", "SE", "PT", "CZ", "RO", "GR", "DK"]
KINDS = ["cluster", "company", "company", "research", "higher_education", "public_authority"]
FIRST = ["Anna", "Luca", "Marie", "Jan", "Sofia", "Pierre", "Eva", "Marco", "Inès", "Piotr"]
LAST = ["Novak", "Rossi", "Dubois", "Müller", "García", "Jansen", "Kowalski", "Silva", "Berg"]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# Data -----------------------------------------------------------------------------------------


def make_event(title: str, **fields):
    from django.utils import timezone

    from clusterhub.events import services
    from clusterhub.events.models import Event, EventStatus

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
    values = {
        "title": title,
        "kind": "workshop",
        "start": start,
        "end": start + timedelta(days=1, hours=9),
        "timezone": "Europe/Paris",
        "venue": "Eurexpo",
        "city": "Lyon",
        "country_id": "FR",
        "status": EventStatus.REGISTRATION_OPEN,
        **fields,
    }
    return services.save_event(Event(**values))


def make_organisations(n: int) -> list:
    from clusterhub.registry import services
    from clusterhub.registry.models import Organisation

    rng = random.Random(7)
    return [
        services.save_organisation(
            Organisation(
                legal_name=f"Bench organisation {i:03d}",
                kind=rng.choice(KINDS),
                country_id=rng.choice(COUNTRIES),
            )
        )
        for i in range(n)
    ]


def add_participants(event, n: int, organisations: list, consent: bool) -> None:
    """Confirmed participants, written at once (the race below goes through the services)."""
    from django.utils import timezone

    from clusterhub.events.models import Registration, RegistrationStatus

    rng = random.Random(n)
    now = timezone.now()
    rows = []
    for i in range(n):
        org = organisations[i % len(organisations)]
        rows.append(
            Registration(
                event=event,
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)} {i:04d}",
                email=f"participant{i}@{event.slug}.example.eu",
                job_title=rng.choice(["", "Cluster manager", "Project officer", "CEO"]),
                organisation=org if i % 4 else None,
                organisation_name=org.legal_name,
                organisation_kind=org.kind,
                country_id=org.country_id,
                listing_consent=consent,
                listing_consent_at=now if consent else None,
                status=RegistrationStatus.CONFIRMED,
            )
        )
    Registration.objects.bulk_create(rows, batch_size=500)


def add_agenda(event, n_sessions: int, organisations: list) -> None:
    """``n_sessions`` sessions over the event's two days in three rooms, two speakers each."""
    from django.utils import timezone

    from clusterhub.events import services
    from clusterhub.events.models import Material, Session
    from clusterhub.registry.models import Person

    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=FIRST[i % len(FIRST)],
                last_name=f"Speaker {i:03d}",
                organisation=organisations[i % len(organisations)],
                public_consent=i % 3 != 0,
                public_consent_at=now if i % 3 != 0 else None,
            )
            for i in range(n_sessions * 2)
        ]
    )
    rooms = ["Auditorium", "Room A", "Room B"]
    per_day = -(-n_sessions // 2)
    for i in range(n_sessions):
        day, slot = divmod(i, per_day)
        room = rooms[slot % len(rooms)]
        start = event.start + timedelta(days=day, minutes=30 * (slot // len(rooms)))
        session = services.save_session(
            Session(
                event=event,
                title=f"Session {i + 1}: clusters and regions",
                kind="panel" if i % 5 else "keynote",
                start=start,
                end=start + timedelta(minutes=30),
                room=room,
                chair=people[2 * i],
            )
        )
        services.set_speakers(
            session,
            [
                services.SpeakerInput(person=people[2 * i], role="Moderator"),
                services.SpeakerInput(person=people[2 * i + 1], role="Speaker"),
            ],
        )
        if i % 5 == 0:
            services.save_material(
                Material(
                    event=event,
                    session=session,
                    title=f"Slides {i + 1}",
                    url=f"https://example.eu/slides/{i + 1}",
                    published=True,
                )
            )


# Measures -------------------------------------------------------------------------------------


def serial_registrations(n: int = 100) -> float:
    """Registrations per second one after the other (one thread): the race's yardstick."""
    from clusterhub.events import services

    event = make_event("One at a time", capacity=n // 2)
    start = time.perf_counter()
    for i in range(n):
        services.register_participant(
            event,
            first_name="Bench",
            last_name=f"Serial {i}",
            email=f"serial{i}@bench.example.eu",
            organisation_name="Bench SA",
            organisation_kind="company",
            country_id="FR",
        )
    return n / (time.perf_counter() - start)


def race_for_seats() -> dict:
    """N_REGISTRATIONS people register at once for SEATS seats, from WORKERS threads."""
    from django.db import connections

    from clusterhub.events import services
    from clusterhub.events.models import Registration, RegistrationStatus

    event = make_event("Race for seats", capacity=SEATS)
    emails = [f"racer{i}@bench.example.eu" for i in range(N_REGISTRATIONS)]
    workers = min(WORKERS, N_REGISTRATIONS)
    started: list[float] = []
    barrier = threading.Barrier(workers, action=lambda: started.append(time.perf_counter()))
    statuses: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(mine: list[str]) -> None:
        try:
            barrier.wait(timeout=60)
            for email in mine:
                try:
                    registration = services.register_participant(
                        event,
                        first_name="Bench",
                        last_name=email.split("@")[0],
                        email=email,
                        organisation_name="Bench SA",
                        organisation_kind="company",
                        country_id="FR",
                    )
                    with lock:
                        statuses.append(registration.status)
                except Exception as error:  # noqa: BLE001 - counted below
                    with lock:
                        errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(emails[k::workers],)) for k in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started[0]

    rows = Registration.objects.filter(event=event)
    stored = list(rows.values_list("email", flat=True))
    confirmed = rows.filter(status=RegistrationStatus.CONFIRMED).count()
    waitlisted = rows.filter(status=RegistrationStatus.WAITLISTED).count()
    lost = len(set(emails) - set(stored))
    duplicated = len(stored) - len(set(stored))
    exact = (
        confirmed == SEATS
        and waitlisted == N_REGISTRATIONS - SEATS
        and lost == 0
        and duplicated == 0
        and not errors
    )
    return {
        "race_registrations": N_REGISTRATIONS,
        "race_seats": SEATS,
        "race_workers": workers,
        "race_confirmed": confirmed,
        "race_waitlisted": waitlisted,
        "race_lost": lost,
        "race_duplicated": duplicated,
        "race_errors": len(errors),
        "race_first_error": errors[0] if errors else None,
        "race_exact": exact,
        "race_seconds": round(seconds, 2),
        "registrations_per_s": round(N_REGISTRATIONS / seconds, 1),
    }


def booklet(client, organisations: list) -> dict:
    from django.urls import reverse
    from pypdf import PdfReader

    event = make_event("Booklet bench", capacity=None)
    add_agenda(event, 12, organisations)
    add_participants(event, N_BOOKLET, organisations, consent=True)
    url = reverse("events:booklet", args=[event.slug])
    timings, pages, problem = [], None, None
    for _ in range(2):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            problem = f"HTTP {response.status_code} {response.get('Content-Type', '')}"
            break
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
    if problem:
        return {"booklet_participants": N_BOOKLET, "booklet_unavailable": problem}
    return {
        "booklet_participants": N_BOOKLET,
        "booklet_cold_s": round(timings[0], 2),
        "booklet_s": round(timings[1], 2),
        "booklet_pages": pages,
        "booklet_vs_target": round(timings[1] / BOOKLET_TARGET_S, 2),
    }


def event_page(client, organisations: list) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    event = make_event("Page bench", capacity=800)
    add_agenda(event, N_SESSIONS, organisations)
    add_participants(event, N_PAGE_PARTICIPANTS, organisations, consent=True)
    url = reverse("events:detail", args=[event.slug])
    first = client.get(url)
    if first.status_code != 200:
        return {"page_unavailable": f"HTTP {first.status_code}"}
    connection.queries_log.clear()  # a full log (its maxlen) would count nothing
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return {
        "page_sessions": N_SESSIONS,
        "page_participants": N_PAGE_PARTICIPANTS,
        "page_queries": len(queries),
        "page_p50_ms": round(statistics.median(timings), 1),
        "page_p95_ms": round(percentile(timings, 95), 1),
        "page_p95_vs_target": round(percentile(timings, 95) / PAGE_TARGET_MS, 2),
    }


def run_one() -> dict:
    """Set up a fresh database (the current DATABASE_URL, or a temporary SQLite file)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from clusterhub.reference import services as reference

    setup_test_environment()  # e-mails to memory, not the console
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    reference.load_all()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    figures: dict = {"db": connection.vendor}
    serial = serial_registrations()
    figures.update(race_for_seats())
    figures["serial_registrations_per_s"] = round(serial, 1)
    figures["race_vs_serial"] = round(figures["registrations_per_s"] / serial, 2)
    organisations = make_organisations(150)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    figures.update(event_page(Client(), organisations))
    staff = get_user_model().objects.create_user(
        "bench-staff", "bench-staff@example.eu", is_staff=True
    )
    organiser = Client()
    organiser.force_login(staff)
    figures.update(booklet(organiser, organisations))
    return figures


def report(figures: dict) -> None:
    db = figures["db"]
    verdict = "exact" if figures["race_exact"] else "WRONG"
    print(
        f"[{db}] {figures['race_registrations']} registrations at once for "
        f"{figures['race_seats']} seats ({figures['race_workers']} threads): "
        f"{figures['race_confirmed']} confirmed, {figures['race_waitlisted']} waitlisted, "
        f"{figures['race_lost']} lost, {figures['race_duplicated']} duplicated, "
        f"{figures['race_errors']} errors ({verdict}); "
        f"{figures['registrations_per_s']} registrations/s "
        f"({figures['race_vs_serial']}× the {figures['serial_registrations_per_s']}/s of one "
        "thread registering one after the other)"
    )
    if figures.get("race_first_error"):
        print(f"[{db}]   first error: {figures['race_first_error']}")
    if "booklet_unavailable" in figures:
        print(f"[{db}] booklet: not available ({figures['booklet_unavailable']})")
    else:
        print(
            f"[{db}] booklet for {figures['booklet_participants']} participants: "
            f"{figures['booklet_s']} s ({figures['booklet_vs_target']}× the "
            f"{BOOKLET_TARGET_S} s bound; first request {figures['booklet_cold_s']} s), "
            f"{figures['booklet_pages']} pages"
        )
    if "page_unavailable" in figures:
        print(f"[{db}] event page: not available ({figures['page_unavailable']})")
    else:
        print(
            f"[{db}] event page ({figures['page_sessions']} sessions, "
            f"{figures['page_participants']} participants, {figures['page_queries']} queries): "
            f"p50 {figures['page_p50_ms']} ms, p95 {figures['page_p95_ms']} ms "
            f"({figures['page_p95_vs_target']}× the {PAGE_TARGET_MS} ms bound)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["all", "sqlite", "postgresql", "current"], default="all")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.chdir(ROOT)
    if args.db == "current":
        print("FIGURES " + json.dumps(run_one()))
        return
    results = {}
    wanted = ["sqlite", "postgresql"] if args.db == "all" else [args.db]
    for db in wanted:
        env = dict(os.environ)
        cmd = [sys.executable, __file__, "--db", "current"]
        with tempfile.TemporaryDirectory() as var:
            if db == "sqlite":
                env.pop("DATABASE_URL", None)
                env["CLUSTERHUB_VAR_DIR"] = var
            else:
                cmd = [str(ROOT / "scripts" / "with-postgres.sh"), *cmd]
            out = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"bench/events.py: the {db} run failed")
        line = next(x for x in out.stdout.splitlines() if x.startswith("FIGURES "))
        figures = json.loads(line.removeprefix("FIGURES "))
        report(figures)
        results[db] = figures
    flat = {
        "bench": "events",
        "registrations": N_REGISTRATIONS,
        "seats": SEATS,
        "booklet_participants": N_BOOKLET,
        "page_sessions": N_SESSIONS,
        "page_participants": N_PAGE_PARTICIPANTS,
    }
    for db, figures in results.items():
        flat.update(
            {
                f"{db}_{k}": v
                for k, v in figures.items()
                if k not in ("db", "race_registrations", "race_seats", "race_first_error")
                and k not in ("booklet_participants", "page_sessions", "page_participants")
            }
        )
    print(json.dumps(flat))
    if not all(figures["race_exact"] for figures in results.values()):
        raise SystemExit("bench/events.py: the registrations were not exact (see above)")


if __name__ == "__main__":
    main()
