"""Load benchmark of the production stack: gunicorn, the worker, PostgreSQL and Redis on 127.0.0.1.

Run with ``make bench``, or ``python bench/load.py [--seconds 10]`` for a quick check. Without
``CLUSTERHUB_BASE_URL`` it starts the stack itself (scripts/with-postgres.sh and
scripts/with-production.sh; gunicorn with deploy/gunicorn.conf.py's default of 2 × cores + 1
workers unless WEB_CONCURRENCY is set) and runs inside it. The API's request limits are raised
for the run: all clients come from one address.

Figures, each measured in this run over HTTP:
- each page alone, one request at a time: p50 and its ratio to the static file's p50;
- 50 concurrent clients (``--clients``) for 60 s (``--seconds``), each going round the cluster
  directory with a search term and two facets, the events calendar, an event page, an API
  list and a fingerprinted static file: requests per second, p50 and p99 per page, errors
  (anything but 200; target 0), and each page's p99 as a ratio to the static file's p99;
- 300 concurrent registrations (``--registrations``) of 300 distinct signed-in accounts, each
  posting the real registration form with its CSRF token, for an event with 150 seats
  (``--seats``): confirmed, waitlisted, lost and 5xx counts; exactly 150 confirmed, 150
  waitlisted, none lost and no 5xx, else the run fails.
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

DIRECTORY_QUERY = {"q": "plastics", "country": "FR", "ecosystem": "energy-intensive"}
DEMO_EVENT = "clusters-meet-regions-demo-2027"


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 60))
    )
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", 50)))
    parser.add_argument(
        "--registrations", type=int, default=int(os.environ.get("BENCH_REGISTRATIONS", 300))
    )
    parser.add_argument("--seats", type=int, default=int(os.environ.get("BENCH_SEATS", 150)))
    return parser.parse_args()


def in_stack() -> int:
    """Start the production stack and run this script again inside it."""
    env = {
        **os.environ,
        "CLUSTERHUB_PYTHON": sys.executable,
        "API_READ_RATE": "1000000/min",
        "API_WRITE_RATE": "1000000/min",
        "API_ADDRESS_RATE": "1000000/min",
        "GUNICORN_ACCESS_LOG": os.environ.get("GUNICORN_ACCESS_LOG", "/dev/null"),
        # deploy/gunicorn.conf.py's default: 2 × cores + 1 workers.
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)),
    }
    command = [
        str(ROOT / "scripts" / "with-postgres.sh"),
        str(ROOT / "scripts" / "with-production.sh"),
        sys.executable,
        *sys.argv,
    ]
    return subprocess.call(command, env=env, cwd=ROOT)


# Set-up (in this process, on the stack's database) ----------------------------------------------


def setup(n_accounts: int, seats: int) -> tuple[str, list[tuple[str, str]]]:
    """The demo content; an event with ``seats`` seats; ``n_accounts`` signed-in accounts (their
    session cookies). Returns the event's slug and (e-mail, session key) pairs."""
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "load_demo", "--without-history"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db import connection
    from django.utils import timezone

    from clusterhub.core import services as core_services
    from clusterhub.events import services
    from clusterhub.events.models import Event, EventStatus

    # Fast hashing for the bench accounts only: they sign in by session, never by password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
    event = services.save_event(
        Event(
            title=f"Load bench {time.time_ns()}",
            kind="workshop",
            start=start,
            end=start + timedelta(days=1, hours=9),
            timezone="Europe/Paris",
            venue="Eurexpo",
            city="Lyon",
            country_id="FR",
            status=EventStatus.REGISTRATION_OPEN,
            capacity=seats,
        )
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    accounts = []
    for i in range(n_accounts):
        email = f"load-{i}-{event.pk}@bench.example.eu"
        user = core_services.create_verified_user(email, f"bench-{i}-password")
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        accounts.append((email, session.session_key))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return event.slug, accounts


def registration_counts(slug: str) -> dict[str, int]:
    from django.db.models import Count

    from clusterhub.events.models import Registration

    rows = Registration.objects.filter(event__slug=slug).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


# Load ---------------------------------------------------------------------------------------------


async def page_load(base: str, pages: dict[str, str], clients: int, seconds: float) -> dict:
    import httpx

    timings: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    names = list(pages)
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def visitor(offset: int) -> None:
            i = offset
            while time.perf_counter() < deadline:
                name = names[i % len(names)]
                i += 1
                started = time.perf_counter()
                try:
                    response = await client.get(pages[name])
                    await response.aread()
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                if ok:
                    timings[name].append(elapsed)
                else:
                    errors[name] += 1

        began = time.perf_counter()
        await asyncio.gather(*(visitor(n) for n in range(clients)))
        wall = time.perf_counter() - began

    static_p99 = percentile(timings["static"], 99) if timings["static"] else None
    figures = {}
    for name in names:
        values = timings[name]
        p99 = percentile(values, 99) if values else None
        figures[name] = {
            "requests": len(values) + errors[name],
            "per_s": round(len(values) / wall, 1),
            "p50_ms": round(percentile(values, 50), 1) if values else None,
            "p99_ms": round(p99, 1) if p99 is not None else None,
            "errors": errors[name],
            "p99_vs_static": round(p99 / static_p99, 1) if p99 and static_p99 else None,
        }
    return {
        "seconds": round(wall, 1),
        "clients": clients,
        "requests_per_s": round(sum(len(v) for v in timings.values()) / wall, 1),
        "errors": sum(errors.values()),
        "pages": figures,
    }


def idle(base: str, pages: dict[str, str], requests: int = 20) -> dict:
    """Each page alone, one request at a time: p50 in ms and its ratio to the static file's."""
    import httpx

    p50 = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for name, path in pages.items():
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, f"{path}: {response.status_code}"
            p50[name] = percentile(times, 50)
    return {
        name: {"p50_ms": round(value, 1), "p50_vs_static": round(value / p50["static"], 1)}
        for name, value in p50.items()
    }


async def registration_race(
    base: str, slug: str, accounts: list[tuple[str, str]], cookie: str
) -> dict:
    import httpx

    from tests.production.html import form_with

    statuses: dict[str, int] = defaultdict(int)
    url = f"/events/{slug}/register/"
    gate = asyncio.Event()
    arrived = [0]  # clients that have their form (or failed to get it)

    async def register(i: int, email: str, session_key: str) -> None:
        async with httpx.AsyncClient(
            base_url=base, timeout=300, cookies={cookie: session_key}
        ) as client:
            data = None
            try:
                page = await client.get(url)
                if page.status_code == 200:
                    data = form_with(page.text, "first_name")
                else:
                    statuses[f"form {page.status_code}"] += 1
            except httpx.HTTPError as exc:
                statuses[f"form {type(exc).__name__}"] += 1
            finally:
                arrived[0] += 1
            if data is None:
                return
            data.update(
                first_name="Load",
                last_name=f"Bench {i}",
                email=email,
                organisation_name=f"Bench organisation {i % 40}",
                organisation_kind="company",
                country="FR",
            )
            await gate.wait()  # every client has its form: all post at once
            try:
                response = await client.post(url, data=data, headers={"Referer": base + url})
                kind = "to ticket" if "/tickets/" in response.headers.get("Location", "") else ""
                statuses[f"{response.status_code} {kind}".strip()] += 1
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1

    tasks = [asyncio.create_task(register(i, *a)) for i, a in enumerate(accounts)]
    while arrived[0] < len(tasks):
        await asyncio.sleep(0.05)
    began = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    return {"seconds": round(time.perf_counter() - began, 2), "responses": dict(statuses)}


def main() -> int:
    args = options()
    base = os.environ.get("CLUSTERHUB_BASE_URL")
    if not base:
        return in_stack()
    import httpx

    started = time.perf_counter()
    slug, accounts = setup(args.registrations, args.seats)
    from django.conf import settings

    session_cookie = settings.SESSION_COOKIE_NAME
    setup_s = time.perf_counter() - started
    home = httpx.get(base + "/", timeout=30).text
    css = re.search(r'href="(/static/clusterhub/clusterhub\.[0-9a-f]{12}\.css)"', home).group(1)
    pages = {
        "directory": "/clusters/?" + "&".join(f"{k}={v}" for k, v in DIRECTORY_QUERY.items()),
        "calendar": "/events/",
        "event": f"/events/{DEMO_EVENT}/",
        "api_list": "/api/v1/registry/clusters?limit=20",
        "static": css,
    }
    for path in pages.values():  # warm every worker a little; fail early on a broken page
        response = httpx.get(base + path, timeout=60)
        assert response.status_code == 200, f"{path}: {response.status_code}"
    directory = httpx.get(base + pages["directory"], timeout=60).text
    hits = set(re.findall(r'href="/clusters/([a-z0-9-]+)/"', directory)) - {"new"}
    assert hits, "the directory search finds no cluster in the demo content"

    figures: dict = {"bench": "load", "setup_s": round(setup_s, 1), "directory_hits": len(hits)}
    figures["idle"] = idle(base, pages)
    figures["load"] = asyncio.run(page_load(base, pages, args.clients, args.seconds))
    race = asyncio.run(registration_race(base, slug, accounts, session_cookie))
    counts = registration_counts(slug)
    confirmed, waitlisted = counts.get("confirmed", 0), counts.get("waitlisted", 0)
    server_errors = sum(n for k, n in race["responses"].items() if k[:1] == "5" or "form 5" in k)
    figures["registrations"] = {
        "accounts": len(accounts),
        "seats": args.seats,
        "confirmed": confirmed,
        "waitlisted": waitlisted,
        "other": sum(counts.values()) - confirmed - waitlisted,
        "lost": len(accounts) - sum(counts.values()),
        "server_errors": server_errors,
        "seconds": race["seconds"],
        "per_s": round(len(accounts) / race["seconds"], 1) if race["seconds"] else None,
        "responses": race["responses"],
    }
    report(figures)
    expected = min(args.seats, len(accounts))
    ok = (
        figures["load"]["errors"] == 0
        and confirmed == expected
        and waitlisted == len(accounts) - expected
        and figures["registrations"]["lost"] == 0
        and server_errors == 0
    )
    print(json.dumps(figures))
    return 0 if ok else 1


def report(figures: dict) -> None:
    print(
        "One request at a time: "
        + ", ".join(
            f"{name} {page['p50_ms']} ms ({page['p50_vs_static']} × static)"
            for name, page in figures["idle"].items()
        )
    )
    load = figures["load"]
    print(f"The directory search shows {figures['directory_hits']} clusters.")
    print(
        f"{load['clients']} clients for {load['seconds']} s: {load['requests_per_s']} requests/s, "
        f"{load['errors']} errors (target 0)"
    )
    for name, page in load["pages"].items():
        print(
            f"  {name:10} {page['per_s']:7.1f}/s  p50 {page['p50_ms']} ms  p99 {page['p99_ms']} ms"
            f"  p99 = {page['p99_vs_static']} × static  errors {page['errors']}"
        )
    r = figures["registrations"]
    print(
        f"{r['accounts']} registrations at once for {r['seats']} seats in {r['seconds']} s: "
        f"{r['confirmed']} confirmed, {r['waitlisted']} waitlisted, {r['lost']} lost, "
        f"{r['server_errors']} 5xx; responses {r['responses']}"
    )


if __name__ == "__main__":
    sys.exit(main())
