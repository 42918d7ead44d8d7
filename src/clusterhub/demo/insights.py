"""Demo content of insights: the French association of competitiveness clusters' Europe figures
and the Auvergne-Rhône-Alpes profile, as the seeds give them (each value with its source and
"more than" or "nearly" kept in its note), and Eurostat's employment table behind the
specialisation pages (imported once from the shared data, when it is there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from clusterhub.insights.imports import import_employment
from clusterhub.insights.models import Employment, Indicator, IndicatorValue
from clusterhub.reference.models import NutsRegion
from clusterhub.registry.models import Organisation

from .base import DemoLoadError, DemoResult

EUROSTAT = Path("eurostat-sbs") / "sbs_r_nuts06_r2.tsv.gz"
AFPC_SOURCE = "AFPC, Europe figures of the competitiveness clusters (2023)"
REGION_SOURCE = "Clusters meet Regions, Lyon 2023: regional focus"
AFPC = [  # name, unit, value, note
    ("Projects submitted to European programmes since 2019", "projects", 1500,
     "More than 1,500; about 15% more each year."),
    ("Recruitments in the Europe teams", "people", 120, "More than 120."),
    ("Members who coordinate European projects", "members", 116, ""),
    ("Members planning to recruit in their Europe team in 2023", "%", 60, ""),
]  # fmt: skip
REGION = [
    ("Companies", "companies", 22000, "More than 22,000."),
    ("Share of France's manufacturing employment", "%", 20, "Nearly 20%."),
    ("Manufacturing employees", "people", 500000, ""),
    ("Jobs in metallurgy", "jobs", 85000, "More than 85,000."),
    ("Jobs in manufacturing machinery", "jobs", 48000, "More than 48,000."),
    ("Jobs in the food industry", "jobs", 43000, "More than 43,000."),
    ("Jobs in polymers (plastics and textile)", "jobs", 40000, "More than 40,000."),
]


def _ensure(owner: dict, source: str, rows, result: DemoResult) -> None:
    for name, unit, value, note in rows:
        indicator, created = Indicator.objects.get_or_create(
            name=name, **owner, defaults={"unit": unit, "source": source}
        )
        result.created["indicators"] += created
        IndicatorValue.objects.get_or_create(
            indicator=indicator,
            period=date(2023, 1, 1),
            defaults={"value": Decimal(value), "note": note},
        )


def ensure_insights(refresh: bool, result: DemoResult) -> None:
    afpc = Organisation.objects.filter(slug="afpc").first()
    if afpc is not None:
        _ensure({"organisation": afpc}, AFPC_SOURCE, AFPC, result)
    region = NutsRegion.objects.filter(code="FRK").first()
    if region is not None:
        _ensure({"region": region}, REGION_SOURCE, REGION, result)
    path = Path(settings.SHARED_DATA_DIR) / EUROSTAT
    if path.exists() and (refresh or not Employment.objects.exists()):
        report = import_employment(path)
        if not report.ok:
            raise DemoLoadError(f"The Eurostat table could not be imported: {report.errors[:3]}")
        result.created["employment figures"] += report.created
