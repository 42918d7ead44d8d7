"""Exports of the organisation and cluster directories as CSV and XLSX.

``organisation_rows(queryset)`` and ``cluster_rows(queryset)`` give the rows (with their
column headers) in a few queries whatever the number of rows; ``export_csv`` and
``export_xlsx`` turn rows into a download. The headers are those the import understands, so an
exported file imports again without change (see :mod:`clusterhub.registry.imports`).

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
carriage return) are written with a leading apostrophe in CSV and as plain text in XLSX (see
:mod:`clusterhub.core.exports`); the import strips that apostrophe again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from clusterhub.core.exports import ExportRows, csv_safe, export_csv, export_xlsx
from clusterhub.reference.models import Ecosystem, NaceActivity, Technology

from .models import ClusterLabel, ClusterOrganisation, Organisation

CHUNK_SIZE = 2000

ORGANISATION_HEADERS = [
    "Name",
    "Legal name",
    "Short name",
    "Kind",
    "SME",
    "Country",
    "NUTS region",
    "NUTS region name",
    "City",
    "Latitude",
    "Longitude",
    "Website",
    "Ecosystems",
    "Technologies",
    "NACE",
    "PIC",
]
CLUSTER_HEADERS = [
    *ORGANISATION_HEADERS,
    "Founding year",
    "Member companies",
    "Of which SMEs",
    "Research organisations",
    "Universities",
    "Public bodies",
    "Other members",
    "Members",
    "Management staff (FTE)",
    "Labels",
    "Validated",
]
# Headers that describe a row but are not imported (derived or shown for reading).
EXPORT_ONLY_HEADERS = ("name", "nuts_region_name", "members", "validated")

# The generic writers live in clusterhub.core.exports; these names stay importable from here.
__all__ = [
    "CLUSTER_HEADERS",
    "EXPORT_ONLY_HEADERS",
    "ORGANISATION_HEADERS",
    "ExportRows",
    "cluster_rows",
    "csv_safe",
    "export_clusters",
    "export_csv",
    "export_organisations",
    "export_xlsx",
    "label_text",
    "organisation_rows",
]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _organisation_cells(org: Organisation) -> list[Any]:
    region = org.nuts_region
    return [
        org.name,
        org.legal_name,
        org.short_name,
        str(org.get_kind_display()),
        _yes_no(org.is_sme),
        org.country_id,
        region.code if region else "",
        region.name_latin if region else "",
        org.city,
        org.latitude,
        org.longitude,
        org.website,
        "; ".join(e.name for e in org.ecosystems.all()),
        "; ".join(t.name for t in org.technologies.all()),
        "; ".join(n.code for n in org.nace_activities.all()),
        org.pic or "",
    ]


def _topic_prefetches(prefix: str = "") -> list[Prefetch]:
    return [
        Prefetch(f"{prefix}ecosystems", queryset=Ecosystem.objects.only("slug", "name")),
        Prefetch(f"{prefix}technologies", queryset=Technology.objects.only("slug", "name")),
        Prefetch(f"{prefix}nace_activities", queryset=NaceActivity.objects.only("code")),
    ]


def organisation_rows(queryset: QuerySet[Organisation]) -> ExportRows:
    """Rows of an organisation queryset (kept in its order), topics prefetched per chunk."""
    qs = (
        queryset.select_related("country", "nuts_region")
        .defer("search_document", "description", "nuts_region__geometry", "nuts_region__svg_path")
        .prefetch_related(*_topic_prefetches())
    )

    def rows() -> Iterator[list[Any]]:
        for org in qs.iterator(chunk_size=CHUNK_SIZE):
            yield _organisation_cells(org)

    return ExportRows(ORGANISATION_HEADERS, rows())


def label_text(labels: Iterable[ClusterLabel]) -> str:
    """``ecei-gold:2025-12-31;pole-labelled``: the form the cluster import reads."""
    parts = []
    for label in labels:
        text = f"{label.scheme}-{label.level}"
        if label.valid_until:
            text += f":{label.valid_until.isoformat()}"
        parts.append(text)
    return ";".join(parts)


def cluster_rows(queryset: QuerySet) -> ExportRows:
    """Rows of a queryset of cluster profiles (or of their organisations)."""
    if queryset.model is Organisation:
        queryset = ClusterOrganisation.objects.filter(organisation__in=queryset).order_by(
            "organisation__legal_name"
        )
    qs = (
        queryset.select_related("organisation__country", "organisation__nuts_region")
        .defer(
            "organisation__search_document",
            "organisation__description",
            "organisation__nuts_region__geometry",
            "organisation__nuts_region__svg_path",
        )
        .prefetch_related("labels", *_topic_prefetches("organisation__"))
    )

    def rows() -> Iterator[list[Any]]:
        for profile in qs.iterator(chunk_size=CHUNK_SIZE):
            yield [
                *_organisation_cells(profile.organisation),
                profile.founding_year,
                profile.members_companies,
                profile.members_smes,
                profile.members_research,
                profile.members_universities,
                profile.members_public,
                profile.members_other,
                profile.members_total,
                profile.management_fte,
                label_text(profile.labels.all()),
                _yes_no(profile.is_validated),
            ]

    return ExportRows(CLUSTER_HEADERS, rows())


def export_organisations(queryset: QuerySet[Organisation], fmt: str, filename="organisations"):
    """The organisation directory as a ``csv`` or ``xlsx`` download."""
    rows = organisation_rows(queryset)
    return (
        export_xlsx(rows, filename=filename) if fmt == "xlsx" else export_csv(rows, None, filename)
    )


def export_clusters(queryset: QuerySet, fmt: str, filename="clusters"):
    """The cluster directory as a ``csv`` or ``xlsx`` download."""
    rows = cluster_rows(queryset)
    return (
        export_xlsx(rows, filename=filename) if fmt == "xlsx" else export_csv(rows, None, filename)
    )
