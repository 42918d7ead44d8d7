"""Insights benchmark: the dashboards of a network and of a region at scale.

    python bench/insights.py [--db sqlite|postgresql|all] [--clusters N] [--organisations N]
                             [--events N] [--registrations N]

Builds, in a temporary database, N cluster organisations among N organisations (spread over
the NUTS 3 regions of the reference data, with ecosystems and verified labels), a network
whose cluster has a fifth of the organisations as members, N events with N confirmed
registrations (random triple-helix kind and country) and a thousand consortia. Defaults:
10,000 clusters, 100,000 organisations, 2,000 events, 200,000 registrations.

Figures, each measured in this run, for three pages (the whole platform, the network, the
region FR): p50/p95 of the page through the test client (target p95 ≤ 300 ms) and the ratio
of its p95 to the p95 of its bare queries (the SQL the page ran, executed again straight on
the database cursor, without the ORM, Python or the template); the number of queries of each
page at full size and with a tenth of the data (they must be equal). The last line is one
JSON object with all figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
TARGET_MS = 300
RUNS = 15
KINDS = ["company", "research", "higher_education", "public_authority", "cluster", "other"]


def build(clusters: int, organisations: int, events: int, registrations: int, seed: int) -> dict:
    from django.db import connection, transaction
    from django.db.models import F

    from clusterhub.events.models import Event, Registration
    from clusterhub.partnering.models import Consortium, ConsortiumMember, FundingCall
    from clusterhub.reference.models import Ecosystem, NutsRegion
    from clusterhub.registry.models import (
        ClusterLabel,
        ClusterOrganisation,
        Membership,
        Organisation,
    )

    rng = random.Random(seed)
    regions = list(NutsRegion.objects.filter(level=3).values_list("code", "country_id"))
    ecosystems = list(Ecosystem.objects.values_list("slug", flat=True))
    start = datetime(2015, 1, 1, tzinfo=UTC)
    with transaction.atomic():
        orgs = []
        for i in range(organisations):
            code, country = rng.choice(regions)
            orgs.append(Organisation(
                legal_name=f"Organisation {i}", slug=f"org-{i}", kind=rng.choice(KINDS),
                country_id=country, nuts_region_id=code))  # fmt: skip
        Organisation.objects.bulk_create(orgs, batch_size=5000)
        ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
        Organisation.objects.filter(pk__in=ids[:clusters]).update(kind="cluster")
        ClusterOrganisation.objects.bulk_create(
            (
                ClusterOrganisation(
                    organisation_id=pk, members_companies=rng.randint(5, 600), members_total=0
                )
                for pk in ids[:clusters]
            ),
            batch_size=5000,
        )
        profiles = dict(ClusterOrganisation.objects.values_list("organisation_id", "pk"))
        ClusterOrganisation.objects.update(members_total=F("members_companies"))
        through = Organisation.ecosystems.through
        through.objects.bulk_create(
            (through(organisation_id=pk, ecosystem_id=e) for pk in ids[:clusters]
             for e in rng.sample(ecosystems, 2)), batch_size=5000)  # fmt: skip
        ClusterLabel.objects.bulk_create(
            (ClusterLabel(cluster_id=profiles[pk], scheme="ecei", level=rng.choice(
                ["bronze", "silver", "gold"]), verified_at=start)
             for pk in ids[: clusters // 5]), batch_size=5000)  # fmt: skip
        network = ids[0]
        Membership.objects.bulk_create(
            (
                Membership(cluster_id=profiles[network], member_id=pk, status="accepted")
                for pk in rng.sample(ids[clusters:], organisations // 5)
            ),
            batch_size=5000,
        )
        event_rows = []
        for i in range(events):
            code, country = rng.choice(regions)
            day = start + timedelta(days=rng.randint(0, 3650))
            event_rows.append(Event(
                title=f"Event {i}", slug=f"event-{i}", kind="workshop", start=day,
                end=day + timedelta(hours=8), status="finished", host_id=rng.choice(ids),
                country_id=country, nuts_region_id=code))  # fmt: skip
        Event.objects.bulk_create(event_rows, batch_size=2000)
        event_ids = list(Event.objects.values_list("pk", flat=True))
        countries = sorted({c for _r, c in regions})
        Registration.objects.bulk_create(
            (Registration(event_id=rng.choice(event_ids), first_name="P", last_name=str(i),
                          email=f"p{i}@example.org", organisation_name="Org",
                          organisation_kind=rng.choice(KINDS), country_id=rng.choice(countries),
                          status="confirmed", ticket_code=f"t{i}")
             for i in range(registrations)), batch_size=5000)  # fmt: skip
        rules = {"min_entities": 3, "min_countries": 3}
        call = FundingCall.objects.create(
            programme="Horizon Europe",
            identifier="HORIZON-X",
            title="A call",
            deadline=start,
            rules=rules,
        )
        Consortium.objects.bulk_create(
            (Consortium(call=call, acronym=f"C{i}", coordinator_id=rng.choice(ids))
             for i in range(1000)), batch_size=1000)  # fmt: skip
        ConsortiumMember.objects.bulk_create(
            (ConsortiumMember(consortium_id=c, organisation_id=pk,
                              status=rng.choice(["confirmed", "invited"]))
             for c in Consortium.objects.values_list("pk", flat=True)
             for pk in rng.sample(ids, 3)),
            batch_size=3000)  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a settled database
    return {"network": Organisation.objects.get(pk=network).slug}


def measure(paths: dict[str, str]) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    figures = {}
    for name, path in paths.items():
        client.get(path)  # warm-up
        times = []
        for _ in range(RUNS):
            begin = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        sqls = [q["sql"] for q in captured.captured_queries]
        bare = []
        for _ in range(RUNS):
            begin = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in sqls:
                    cursor.execute(sql)
                    cursor.fetchall()
            bare.append((time.perf_counter() - begin) * 1000)
        p95 = statistics.quantiles(times, n=20)[18]
        bare95 = statistics.quantiles(bare, n=20)[18]
        figures[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(p95, 1),
            "p95_vs_target": round(p95 / TARGET_MS, 3),
            "bare_p95_ms": round(bare95, 1),
            "p95_vs_bare": round(p95 / bare95, 2),
            "queries": len(sqls),
        }
    return figures


def profile(args) -> None:
    """``--profile``: where the whole platform's dashboard spends its time."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    client.get("/insights/")
    with cProfile.Profile() as profiler:
        client.get("/insights/")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get("/insights/")
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:8]:
        print(query["time"], query["sql"][:400])


def run_one(args) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from clusterhub.reference import services as reference

    setup_test_environment()
    out = {}
    for label, scale in (("tenth", 10), ("full", 1)):
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        reference.load_all()
        begin = time.perf_counter()
        made = build(args.clusters // scale, args.organisations // scale, args.events // scale,
                     args.registrations // scale, args.seed)  # fmt: skip
        built = time.perf_counter() - begin
        paths = {"platform": "/insights/", "network": f"/insights/?network={made['network']}",
                 "region": "/insights/?region=FR"}  # fmt: skip
        out[label] = {"build_seconds": round(built, 1), **measure(paths)}
    if args.profile:
        profile(args)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", choices=["sqlite", "postgresql", "all", "current"], default="sqlite"
    )
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.db == "current":
        print("FIGURES " + json.dumps(run_one(args)))
        return
    flat = {
        "bench": "insights",
        "clusters": args.clusters,
        "organisations": args.organisations,
        "events": args.events,
        "registrations": args.registrations,
    }
    for db in ["sqlite", "postgresql"] if args.db == "all" else [args.db]:
        env = dict(os.environ)
        cmd = [
            sys.executable,
            __file__,
            "--db",
            "current",
            *(
                f"--{k}={getattr(args, k)}"
                for k in ("clusters", "organisations", "events", "registrations", "seed")
            ),
        ]
        with tempfile.TemporaryDirectory() as var:
            if db == "sqlite":
                env.pop("DATABASE_URL", None)
                env["CLUSTERHUB_VAR_DIR"] = var
            else:
                cmd = [str(ROOT / "scripts" / "with-postgres.sh"), *cmd]
            done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("FIGURES "))
        figures = json.loads(line.removeprefix("FIGURES "))
        full, tenth = figures["full"], figures["tenth"]
        print(f"[{db}] data built in {full['build_seconds']} s")
        for page in ("platform", "network", "region"):
            f, t = full[page], tenth[page]
            print(
                f"[{db}] {page} dashboard: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms = "
                f"{f['p95_vs_target']}× the {TARGET_MS} ms target, {f['p95_vs_bare']}× its "
                f"bare queries ({f['bare_p95_ms']} ms); {f['queries']} queries "
                f"({t['queries']} with a tenth of the data)"
            )
            flat.update({f"{db}_{page}_{k}": v for k, v in f.items()})
            flat[f"{db}_{page}_queries_tenth"] = t["queries"]
            flat[f"{db}_{page}_queries_constant"] = f["queries"] == t["queries"]
    print(json.dumps(flat))


if __name__ == "__main__":
    main()
