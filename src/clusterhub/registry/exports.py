"""Exports of the organisation and cluster directories as CSV and XLSX.

``organisation_rows(queryset)`` and ``cluster_rows(queryset)`` give the rows (with their
column headers) in a few queries whatever the number of rows; ``export_csv`` and
``export_xlsx`` turn rows into a download. The headers are those the import understands, so an
exported file imports again without change (see :mod:`clusterhub.registry.imports`).

Cells that a spreadsheet would run as a formula (starting with ``= + - @``, a tab or a
carriage return) are written with a leading apostrophe in CSV and as plain text in XLSX; the
import strips that apostrophe again.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.text import get_valid_filename

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


class ExportRows:
    """An iterable of rows (lists of cell values) that knows its column headers."""

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        self.columns = list(columns)
        self._rows = rows

    def __iter__(self) -> Iterator[Sequence[Any]]:
        return iter(self._rows)


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


# Writing files --------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_safe(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula; numbers are left as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _resolve(rows, columns, filename) -> tuple[list[str], Iterable, str]:
    # export_csv(rows, "clusters") is accepted as well as export_csv(rows, columns).
    if isinstance(columns, str):
        columns, filename = None, columns
    if columns is None:
        columns = getattr(rows, "columns", None)
    if columns is None:
        rows = iter(rows)
        first = next(rows, None)
        if isinstance(first, dict):
            columns = list(first)
        else:
            raise ValueError("export needs its column headers")
        rows = _chain_first(first, rows)
    return list(columns), rows, get_valid_filename(filename or "export") or "export"


def _chain_first(first, rest):
    yield first
    yield from rest


def _values(row, columns: list[str]) -> Sequence[Any]:
    if isinstance(row, dict):
        return [row.get(c) for c in columns]
    return row


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(
    rows: Iterable, columns: Sequence[str] | str | None = None, filename: str = "export"
) -> StreamingHttpResponse:
    """Stream ``rows`` (sequences, or dicts keyed by column) as a UTF-8 CSV download.

    ``columns`` defaults to ``rows.columns`` (what ``organisation_rows`` gives); a string in
    its place is taken as the file name.
    """
    columns, rows, filename = _resolve(rows, columns, filename)

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([csv_safe(c) for c in columns])
        for row in rows:
            yield writer.writerow([csv_safe(v) for v in _values(row, columns)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx_cell(sheet, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    text = _ILLEGAL_XML.sub("", str(value))
    if text.startswith("=") or text in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # text, never a formula
        return cell
    return text


def export_xlsx(
    rows: Iterable, columns: Sequence[str] | str | None = None, filename: str = "export"
) -> FileResponse:
    """Write ``rows`` to an XLSX workbook (openpyxl's write-only mode, constant memory) kept
    in a temporary file, and send it in blocks."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    columns, rows, filename = _resolve(rows, columns, filename)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31] or "export")
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=_ILLEGAL_XML.sub("", column))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in _values(row, columns)])
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    name = filename if filename.endswith(".xlsx") else f"{filename}.xlsx"
    return FileResponse(
        output,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


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
