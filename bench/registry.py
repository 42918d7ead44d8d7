"""Registry benchmark: imports and directory latency at 10,000 clusters and 100,000 organisations.

Run with ``make bench`` (SQLite, then PostgreSQL through scripts/with-postgres.sh), or
``python bench/registry.py --db sqlite|current`` for one database.

Figures, each measured in this run:
- import of 100,000 organisations and 10,000 cluster profiles through ``registry.imports``
  (rows per second; target ≥ 2,000 rows/s);
- the cluster directory with a text term and two facets through the Django test client:
  p50/p95 in ms (target p95 ≤ 50 ms), and the ratio of its p95 to the p95 of the same result
  query run as a bare SELECT on the same database (our overhead);
- the map page p95 (target ≤ 200 ms).
The last line is one JSON object with all figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", 100_000))
N_CLUSTERS = int(os.environ.get("BENCH_CLUSTERS", 10_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 200))
COUNTRIES = ["FR", "DE", "IT", "ES", "PL", "NL", "BE", "AT", "SE", "PT", "CZ", "RO", "EL", "DK"]
TOPICS = [
    "plastics",
    "composites",
    "textiles",
    "photonics",
    "robotics",
    "mechatronics",
    "biotech",
    "food",
    "wood",
    "aerospace",
    "automotive",
    "batteries",
    "hydrogen",
    "software",
    "cyber",
    "medtech",
    "tourism",
    "design",
    "packaging",
    "water",
    "logistics",
    "rail",
    "maritime",
]
SYLLABLES = [
    "po",
    "ly",
    "me",
    "ris",
    "tech",
    "te",
    "ra",
    "ci",
    "mes",
    "val",
    "plast",
    "tex",
    "no",
    "va",
    "bio",
    "lu",
    "mi",
    "na",
    "sol",
    "ar",
    "tis",
    "vi",
    "ta",
    "gen",
]
KINDS = ["company"] * 6 + ["research", "higher_education", "public_authority", "other"]
ECOSYSTEMS = [
    "digital",
    "health",
    "agri-food",
    "textiles",
    "energy-intensive",
    "electronics",
    "mobility-transport-automotive",
    "aerospace-defence",
    "construction",
    "tourism",
]
TECHNOLOGIES = ["advanced-materials", "artificial-intelligence", "robotics", "photonics", "iot"]
QUERY = {"q": "plastics", "country": "FR", "ecosystem": "digital"}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def write_files(
    directory: Path, anchors: dict[str, list[tuple[float, float]]]
) -> tuple[Path, Path]:
    rng = random.Random(2026)
    org_path, cluster_path = directory / "organisations.csv", directory / "clusters.csv"
    header = [
        "legal_name",
        "kind",
        "is_sme",
        "country",
        "city",
        "latitude",
        "longitude",
        "website",
        "description",
        "ecosystems",
        "technologies",
        "pic",
    ]
    with org_path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for i in range(N_ORGANISATIONS):
            country = rng.choice(COUNTRIES)
            lon, lat = rng.choice(anchors[country])
            kind = rng.choice(KINDS)
            topics = rng.sample(TOPICS, 3)
            out.writerow(
                [
                    f"{name(rng)} {rng.choice(['SA', 'GmbH', 'SRL', 'Lab', 'BV'])} {i}",
                    kind,
                    "yes" if kind == "company" and rng.random() < 0.8 else "no",
                    country,
                    name(rng),
                    f"{lat + rng.uniform(-0.02, 0.02):.5f}",
                    f"{lon + rng.uniform(-0.02, 0.02):.5f}",
                    f"https://www.org{i}.example.eu",
                    f"Works on {', '.join(topics)}.",
                    ";".join(rng.sample(ECOSYSTEMS, 2)),
                    rng.choice(TECHNOLOGIES),
                    str(900_000_000 + i),
                ]
            )
    with cluster_path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            header[:-1]
            + [
                "founding_year",
                "members_companies",
                "members_smes",
                "members_research",
                "members_universities",
                "management_fte",
                "labels",
            ]
        )
        for i in range(N_CLUSTERS):
            country = rng.choice(COUNTRIES)
            lon, lat = rng.choice(anchors[country])
            companies = rng.randint(5, 400)
            topics = rng.sample(TOPICS, 3)
            out.writerow(
                [
                    f"{name(rng)} cluster {i}",
                    "cluster",
                    "no",
                    country,
                    name(rng),
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    f"https://cluster{i}.example.eu",
                    f"Cluster for {', '.join(topics)}.",
                    ";".join(rng.sample(ECOSYSTEMS, 2)),
                    rng.choice(TECHNOLOGIES),
                    rng.randint(1990, 2024),
                    companies,
                    companies // 2,
                    rng.randint(0, 30),
                    rng.randint(0, 10),
                    f"{rng.uniform(0.2, 12):.1f}",
                    rng.choice(["", "", "ecei-bronze", "ecei-silver", "ecei-gold"]),
                ]
            )
    return org_path, cluster_path


def run_one() -> dict:
    """Set up a fresh database (the current DATABASE_URL, or a temporary SQLite file)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterhub.settings")
    # One file holds every organisation of the benchmark: above the default cap of an import.
    os.environ.setdefault("REGISTRY_IMPORT_MAX_ROWS", str(N_ORGANISATIONS + N_CLUSTERS))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from clusterhub.reference import services as reference
    from clusterhub.reference.models import NutsRegion
    from clusterhub.registry.imports import run_import
    from clusterhub.registry.models import ClusterOrganisation, Organisation

    setup_test_environment()
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    reference.load_all()
    anchors: dict[str, list[tuple[float, float]]] = {}
    for code, lon, lat in NutsRegion.objects.filter(level=3).values_list(
        "country__eu_code", "label_lon", "label_lat"
    ):
        anchors.setdefault(code, []).append((lon, lat))
    with tempfile.TemporaryDirectory() as tmp:
        org_file, cluster_file = write_files(Path(tmp), anchors)
        start = time.perf_counter()
        report = run_import("organisations", org_file)
        org_seconds = time.perf_counter() - start
        assert report.ok, report.summary()
        start = time.perf_counter()
        report = run_import("clusters", cluster_file)
        cluster_seconds = time.perf_counter() - start
        assert report.ok, report.summary()
    assert Organisation.objects.count() == N_ORGANISATIONS + N_CLUSTERS
    assert ClusterOrganisation.objects.count() == N_CLUSTERS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    url = "/clusters/"
    start = time.perf_counter()
    first = client.get(url, QUERY)  # builds the in-process facet index after the import
    cold_ms = (time.perf_counter() - start) * 1000
    assert first.status_code == 200
    hits = first.context["page"].paginator.count
    page_times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = client.get(url, QUERY)
        page_times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200

    # The same question as one hand-written SELECT: the first page of matching clusters.
    if connection.vendor == "postgresql":
        text = "o.search_vector @@ to_tsquery('simple', %s)"
        term = f"{QUERY['q']}:*"
    else:
        text = (
            "o.id IN (SELECT rowid FROM registry_organisation_fts "
            "WHERE registry_organisation_fts MATCH %s)"
        )
        term = f'"{QUERY["q"]}"*'
    sql = (
        "SELECT c.id, o.legal_name FROM registry_clusterorganisation c "
        "JOIN registry_organisation o ON o.id = c.organisation_id "
        f"WHERE {text} AND o.country_id = %s AND EXISTS (SELECT 1 FROM "
        "registry_organisation_ecosystems e WHERE e.organisation_id = o.id "
        "AND e.ecosystem_id = %s) ORDER BY o.legal_name LIMIT 20"
    )
    params = [term, QUERY["country"], QUERY["ecosystem"]]
    bare_times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        bare_times.append((time.perf_counter() - start) * 1000)

    map_times = []
    for _ in range(max(20, REQUESTS // 10)):
        start = time.perf_counter()
        assert client.get("/map/").status_code == 200
        map_times.append((time.perf_counter() - start) * 1000)

    n_orgs, n_clusters = N_ORGANISATIONS, N_CLUSTERS
    return {
        "db": connection.vendor,
        "import_org_rows_per_s": round(n_orgs / org_seconds),
        "import_cluster_rows_per_s": round(n_clusters / cluster_seconds),
        "import_org_vs_target": round(n_orgs / org_seconds / 2000, 2),
        "directory_hits": hits,
        "directory_cold_ms": round(cold_ms),
        "directory_p50_ms": round(statistics.median(page_times), 1),
        "directory_p95_ms": round(percentile(page_times, 95), 1),
        "directory_p95_vs_target": round(percentile(page_times, 95) / 50, 2),
        "bare_select_p95_ms": round(percentile(bare_times, 95), 2),
        "directory_over_bare_select": round(
            percentile(page_times, 95) / max(percentile(bare_times, 95), 1e-6), 1
        ),
        "map_p95_ms": round(percentile(map_times, 95), 1),
        "map_p95_vs_target": round(percentile(map_times, 95) / 200, 2),
    }


def report(figures: dict) -> None:
    db = figures["db"]
    print(
        f"[{db}] import: {figures['import_org_rows_per_s']} organisation rows/s "
        f"({figures['import_org_vs_target']}× the 2,000 rows/s target), "
        f"{figures['import_cluster_rows_per_s']} cluster rows/s"
    )
    print(
        f"[{db}] directory q+2 facets ({figures['directory_hits']} hits): "
        f"p50 {figures['directory_p50_ms']} ms, p95 {figures['directory_p95_ms']} ms "
        f"({figures['directory_p95_vs_target']}× the 50 ms bound); "
        f"bare SELECT p95 {figures['bare_select_p95_ms']} ms → overhead "
        f"{figures['directory_over_bare_select']}×"
    )
    print(
        f"[{db}] map page p95 {figures['map_p95_ms']} ms "
        f"({figures['map_p95_vs_target']}× the 200 ms bound)"
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
            out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("FIGURES "))
        figures = json.loads(line.removeprefix("FIGURES "))
        report(figures)
        results[db] = figures
    flat = {"bench": "registry", "organisations": N_ORGANISATIONS, "clusters": N_CLUSTERS}
    for db, figures in results.items():
        flat.update({f"{db}_{k}": v for k, v in figures.items() if k != "db"})
    print(json.dumps(flat))


if __name__ == "__main__":
    main()
