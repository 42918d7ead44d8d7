"""Imports of the registry from CSV and XLSX files.

Three kinds of file:

- ``organisations``: one organisation a row (``legal_name``, ``kind``, ``country``, …);
- ``clusters``: cluster organisations with their profile (the organisation columns plus
  ``founding_year``, ``members_*``, ``management_fte``, ``labels``, …);
- ``cordis``: CORDIS participation files (``organization.csv`` schema), optionally with a
  projects file giving each project's call topic.

Every import is all-or-nothing: every row is checked first and the errors are collected as
``(row, column, reason)``, the row numbered as a spreadsheet shows it (the header is row 1).
If any row is wrong nothing is written; otherwise everything is written in one transaction
with bulk inserts (no query per row), so that 100,000 rows import in well under a minute.

Re-importing a file updates what it imported before: rows are matched by PIC when they have
one, else by legal name and country. A column that is absent from the file leaves the field
alone; a column that is present but empty on a row clears the field.

Public API: :func:`run_import` and :class:`ImportReport`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import connection, models, transaction
from django.utils import timezone, translation

from clusterhub.core.search import normalise
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.reference.selectors import regions_for_points, resolve_country_code

from . import facets
from .models import (
    ClusterLabel,
    ClusterOrganisation,
    LabelLevel,
    LabelScheme,
    Organisation,
    OrganisationKind,
    Participation,
    Project,
)
from .services import search_document_for
from .validators import validate_web_url

IMPORT_KINDS = ("organisations", "clusters", "cordis")
BATCH_SIZE = 1000
THROUGH_BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000

Row = int | None  # the row number as a spreadsheet shows it; None: the whole file


# The report ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    kind: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[tuple[Row, str, str]] = field(default_factory=list)
    warnings: list[tuple[Row, str, str]] = field(default_factory=list)
    # Further counts, e.g. projects_created / participations_created for CORDIS.
    counts: dict[str, int] = field(default_factory=dict)
    # Errors beyond MAX_REPORTED_ERRORS are counted, not listed.
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def error(self, row: Row, column: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((row, column, message))
        else:
            self.more_errors += 1

    def warn(self, row: Row, column: str, message: str) -> None:
        if len(self.warnings) < MAX_REPORTED_ERRORS:
            self.warnings.append((row, column, message))

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "counts": dict(self.counts),
            "error_count": self.error_count,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in self.errors],
            "warnings": [{"row": r, "column": c, "message": m} for r, c, m in self.warnings],
        }

    def summary(self) -> str:
        if not self.ok:
            return f"{self.error_count} error(s) in {self.rows} row(s); nothing was imported."
        verb = "would create" if self.dry_run else "created"
        verb2 = "would update" if self.dry_run else "updated"
        text = f"{self.rows} row(s): {verb} {self.created}, {verb2} {self.updated} organisation(s)"
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.counts.items())
        return f"{text}; {extra}." if extra else f"{text}."


class FileRejected(Exception):
    """The file as a whole cannot be read: wrong format, encoding, size, no header."""


# Reading files ------------------------------------------------------------------------------


@dataclass
class Table:
    name: str
    headers: list[str]  # as written in the file
    keys: list[str]  # normalised header names
    rows: list[tuple[int, list[str]]]  # (row number, cells), blank rows left out


_SIGNATURES = [
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old-style Excel (.xls) or Office file; save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_GUARD = re.compile(r"^'[=+\-@\t\r]")
ACCEPTED_SUFFIXES = {".csv", ".xlsx", ".txt", ".tsv", ""}


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _read_source(source: Any, limit: int) -> tuple[str, bytes]:
    """(file name, content) of a path, an uploaded file or a binary file object."""
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise FileRejected(f"file not found: {path}")
        size = path.stat().st_size
        if size > limit:
            raise FileRejected(f"the file is {_megabytes(size)}; the limit is {_megabytes(limit)}")
        return path.name, path.read_bytes()
    name = Path(getattr(source, "name", "") or "").name
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise FileRejected(f"the file is {_megabytes(size)}; the limit is {_megabytes(limit)}")
    if hasattr(source, "seek"):
        with contextlib.suppress(OSError, ValueError):
            source.seek(0)
    data = source.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > limit:
        raise FileRejected(f"the file is larger than the limit of {_megabytes(limit)}")
    return name, data


def normalise_header(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def _read_xlsx(name: str, data: bytes, limit: int) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise FileRejected(f"the XLSX file is damaged ({exc})") from None
    if unpacked > 20 * limit:
        raise FileRejected("the XLSX file unpacks to more data than the upload limit allows")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on bad files
        raise FileRejected(f"the XLSX file cannot be read ({exc})") from None
    try:
        if not workbook.worksheets:
            raise FileRejected("the XLSX file has no worksheet")
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if headers is None:
                if not any(cells):
                    continue
                while cells and not cells[-1]:
                    cells.pop()
                headers = cells
                continue
            if any(cells):
                rows.append((number, cells))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"the XLSX file cannot be read ({exc})") from None
    finally:
        workbook.close()
    if headers is None:
        raise FileRejected("the file is empty: the first worksheet has no header row")
    return Table(name, headers, [normalise_header(h) for h in headers], rows)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FileRejected("the file is not valid UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise FileRejected("the file is binary data, not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
            "save it as 'CSV UTF-8' or as XLSX"
        ) from None


def _read_csv(name: str, data: bytes) -> Table:
    text = _decode(data)
    sample = text[:65536]
    if _CONTROL.search(sample):
        raise FileRejected("the file is binary data, not a CSV text file")
    first_line = sample.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=lambda d: first_line.count(d))
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                headers = [c.strip() for c in cells]
                while headers and not headers[-1]:
                    headers.pop()
                if not headers:
                    raise FileRejected("the file is empty: row 1 should name the columns")
                continue
            if "".join(cells).strip():
                rows.append((number, cells))
    except csv.Error as exc:
        raise FileRejected(
            f"the CSV file cannot be read near line {reader.line_num}: {exc}"
        ) from None
    if headers is None:
        raise FileRejected("the file is empty: row 1 should name the columns")
    return Table(name, headers, [normalise_header(h) for h in headers], rows)


def read_table(source: Any, *, max_bytes: int | None = None) -> Table:
    """Read a CSV or XLSX file, recognised by its content (not by its name)."""
    limit = max_bytes or settings.CLUSTERHUB_MAX_UPLOAD_BYTES
    name, data = _read_source(source, limit)
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise FileRejected(f"'{name}' is not a CSV or XLSX file; upload a .csv or .xlsx file")
    if not data.strip():
        raise FileRejected("the file is empty")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise FileRejected("the file is a damaged ZIP archive, not an XLSX workbook") from None
        if "xl/workbook.xml" in names:
            return _read_xlsx(name, data, limit)
        if "content.xml" in names:
            raise FileRejected("the file is an OpenDocument spreadsheet; save it as .xlsx or CSV")
        raise FileRejected("the file is a ZIP archive, not an XLSX workbook")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise FileRejected(f"the file is {what}, not a CSV or XLSX file")
    return _read_csv(name, data)


# Reference vocabularies, loaded once per import ---------------------------------------------


class Vocabulary:
    """Lookup tables for one import: no query per row."""

    def __init__(self) -> None:
        self.country_names: dict[str, str] = {}
        self.countries_by_name: dict[str, str] = {}
        for code, name in Country.objects.values_list("code", "name"):
            self.country_names[code] = name
            self.countries_by_name[normalise(name)] = code
        self.nuts_country: dict[str, str] = dict(
            NutsRegion.objects.values_list("code", "country_id")
        )
        self.ecosystem_names: dict[str, str] = {}
        self.ecosystems: dict[str, str] = {}
        for slug, name in Ecosystem.objects.values_list("slug", "name"):
            self.ecosystem_names[slug] = name
            self.ecosystems[slug.lower()] = slug
            self.ecosystems[normalise(name)] = slug
        self.technology_names: dict[str, str] = {}
        self.technologies: dict[str, str] = {}
        for slug, name in Technology.objects.values_list("slug", "name"):
            self.technology_names[slug] = name
            self.technologies[slug.lower()] = slug
            self.technologies[normalise(name)] = slug
        self.nace: set[str] = set(NaceActivity.objects.values_list("code", flat=True))
        self.kinds: dict[str, str] = {}
        for value, label in OrganisationKind.choices:
            self.kinds[value] = value
            self.kinds[normalise(value.replace("_", " "))] = value
            for language, _name in settings.LANGUAGES:  # labels as exported in any language
                with translation.override(language):
                    self.kinds[normalise(str(label))] = value
        self.kinds.update(KIND_SYNONYMS)

    def country(self, text: str) -> str | None:
        return resolve_country_code(text) or self.countries_by_name.get(normalise(text.strip()))


KIND_SYNONYMS = {
    "sme": "company",
    "enterprise": "company",
    "business": "company",
    "private company": "company",
    "university": "higher_education",
    "higher education institution": "higher_education",
    "research": "research",
    "research organization": "research",
    "public": "public_authority",
    "public body": "public_authority",
    "public authority": "public_authority",
    "cluster": "cluster",
    "cluster organization": "cluster",
}

# The columns ---------------------------------------------------------------------------------

# canonical name -> other header names accepted (already normalised)
ORGANISATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "legal_name": ("legal_name", "organisation_name", "organization_name"),
    "short_name": ("short_name", "shortname", "acronym"),
    "kind": ("kind", "type", "organisation_kind", "organisation_type"),
    "is_sme": ("is_sme", "sme"),
    "country": ("country", "country_code"),
    "nuts_region": ("nuts_region", "nuts", "nuts_code", "nuts_region_code", "nuts3"),
    "city": ("city", "town"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng"),
    "website": ("website", "url", "web", "homepage", "web_site"),
    "description": ("description",),
    "ecosystems": ("ecosystems", "ecosystem", "industrial_ecosystems"),
    "technologies": ("technologies", "technology", "advanced_technologies"),
    "nace": ("nace", "nace_codes", "nace_activities", "nace_activity"),
    "pic": ("pic", "participant_identification_code"),
}
CLUSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "founding_year": ("founding_year", "founded", "year_founded"),
    "members_companies": ("members_companies", "member_companies", "companies"),
    "members_smes": ("members_smes", "of_which_smes", "smes"),
    "members_research": ("members_research", "research_organisations"),
    "members_universities": ("members_universities", "universities"),
    "members_public": ("members_public", "public_bodies"),
    "members_other": ("members_other", "other_members"),
    "management_fte": ("management_fte", "management_staff_fte"),
    "labels": ("labels", "label"),
    "support_programmes": ("support_programmes", "support_programs"),
    "languages": ("languages",),
    "contact_name": ("contact_name",),
    "contact_email": ("contact_email", "contact_e_mail"),
    "contact_phone": ("contact_phone",),
}
MEMBER_COLUMNS = (
    "members_companies",
    "members_smes",
    "members_research",
    "members_universities",
    "members_public",
    "members_other",
)
REQUIRED = {
    "organisations": ("legal_name", "kind", "country"),
    "clusters": ("legal_name", "country"),
}
MAX_LENGTHS = {
    "legal_name": 300,
    "short_name": 100,
    "city": 120,
    "website": 200,
    "languages": 200,
    "contact_name": 200,
    "contact_email": 254,
    "contact_phone": 40,
}

CORDIS_COLUMNS: dict[str, tuple[str, ...]] = {
    "project_id": ("projectid", "project_id"),
    "acronym": ("projectacronym", "project_acronym"),
    "pic": ("organisationid", "organizationid", "pic"),
    "name": ("name", "legal_name"),
    "short_name": ("shortname", "short_name"),
    "sme": ("sme",),
    "activity_type": ("activitytype", "activity_type"),
    "city": ("city",),
    "country": ("country",),
    "geolocation": ("geolocation",),
    "website": ("organizationurl", "organisationurl", "url"),
    "role": ("role",),
    "order": ("order",),
    "ec_contribution": ("eccontribution", "ec_contribution"),
    "updated": ("contentupdatedate",),
}
CORDIS_REQUIRED = ("project_id", "acronym", "pic", "name", "country", "role")
CORDIS_PROJECT_COLUMNS: dict[str, tuple[str, ...]] = {
    "project_id": ("projectid", "project_id", "id"),
    "acronym": ("projectacronym", "acronym"),
    "title": ("title",),
    "programme": ("frameworkprogramme", "programme"),
    "topic": ("topic", "topics"),
    "topic_title": ("topic_title", "topictitle"),
}
CORDIS_KINDS = {
    "PRC": OrganisationKind.COMPANY,
    "HES": OrganisationKind.HIGHER_EDUCATION,
    "REC": OrganisationKind.RESEARCH,
    "PUB": OrganisationKind.PUBLIC_AUTHORITY,
    "OTH": OrganisationKind.OTHER,
    "": OrganisationKind.OTHER,
}
CORDIS_ROLES = {
    "coordinator": Participation.Role.COORDINATOR,
    "participant": Participation.Role.PARTICIPANT,
    "partner": Participation.Role.PARTNER,
    "internationalpartner": Participation.Role.PARTNER,
    "associatedpartner": Participation.Role.PARTNER,
    "thirdparty": Participation.Role.THIRD_PARTY,
}
ROLE_RANK = {
    Participation.Role.COORDINATOR: 0,
    Participation.Role.PARTICIPANT: 1,
    Participation.Role.PARTNER: 2,
    Participation.Role.THIRD_PARTY: 3,
}


# Columns of our own exports that are derived, for reading: skipped without a warning.
SILENT_COLUMNS = {"name", "nuts_region_name", "members", "members_total", "validated", "slug"}


def _map_columns(
    table: Table,
    spec: dict[str, tuple[str, ...]],
    report: ImportReport,
    prefix: str = "",
    warn_unused: bool = True,
) -> dict[str, int]:
    """canonical column -> index in the row; unknown columns give a warning."""
    alias = {name: canonical for canonical, names in spec.items() for name in names}
    index: dict[str, int] = {}
    seen: dict[str, int] = {}
    for i, key in enumerate(table.keys):
        if not key:
            continue
        canonical = alias.get(key)
        if canonical is None and (key in SILENT_COLUMNS or not warn_unused):
            continue
        if canonical is None:
            report.warn(1, table.headers[i], f"{prefix}column '{table.headers[i]}' is not used")
            continue
        if canonical in index:
            report.error(
                1,
                table.headers[i],
                f"{prefix}column {canonical} appears twice (columns {seen[canonical]} and {i + 1})",
            )
            continue
        index[canonical] = i
        seen[canonical] = i + 1
    return index


def _missing_columns(
    index: dict[str, int], required: Iterable[str], report: ImportReport, prefix: str = ""
) -> bool:
    missing = [name for name in required if name not in index]
    for name in missing:
        report.error(1, name, f"{prefix}required column {name} is missing")
    return bool(missing)


# Parsing cells --------------------------------------------------------------------------------

TRUE = {"1", "true", "yes", "y", "x", "t", "oui", "ja", "si", "sí", "vrai", "wahr"}
FALSE = {"0", "false", "no", "n", "f", "", "non", "nein", "faux", "falsch", "-"}
_INT = re.compile(r"\+?\d+(?:\.0*)?")
_url_validator = URLValidator(schemes=["http", "https"])


def _cell(cells: list[str], i: int | None) -> str:
    if i is None or i >= len(cells):
        return ""
    value = cells[i].strip()
    if value and value[0] == "'" and _FORMULA_GUARD.match(value):
        value = value[1:]
    return value


def _parse_bool(text: str) -> bool | None:
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    return None


def _parse_float(text: str) -> float | None:
    t = text.replace(" ", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _parse_count(text: str) -> int | None:
    t = text.replace(" ", "")
    if not _INT.fullmatch(t):
        return None
    return int(t.split(".")[0])


def _parse_decimal(text: str) -> Decimal | None:
    t = text.replace(" ", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = Decimal(t)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def website_error(value: str) -> str | None:
    """Why ``value`` is not an acceptable website, or None."""
    if not value.lower().startswith(("http://", "https://")):
        return "website must start with http:// or https://"
    if len(value) > 200:
        return "website is longer than 200 characters"
    try:
        validate_web_url(value)
        _url_validator(value)
    except ValidationError:
        return f"website '{value}' is not a valid public web address"
    return None


def parse_labels(text: str) -> tuple[list[tuple[str, str, date | None]], str | None]:
    """``"ecei-gold:2025-12-31;pole-labelled"`` → [(scheme, level, valid until)], error."""
    labels = []
    for item in (part.strip() for part in text.split(";")):
        if not item:
            continue
        name, _sep, until = item.partition(":")
        scheme, _sep, level = name.strip().lower().partition("-")
        if scheme not in LabelScheme.values or level not in LabelLevel.values:
            return [], (
                f"unknown label '{item}': write scheme-level[:valid until], e.g. "
                f"ecei-gold:2025-12-31 (schemes: {', '.join(LabelScheme.values)}; "
                f"levels: {', '.join(LabelLevel.values)})"
            )
        valid_until = None
        if until.strip():
            try:
                valid_until = date.fromisoformat(until.strip())
            except ValueError:
                return [], f"label '{item}': '{until.strip()}' is not a date (YYYY-MM-DD)"
        labels.append((scheme, level, valid_until))
    return labels, None


# Organisation rows ----------------------------------------------------------------------------


class Entry:
    """One organisation to write: the fields given by the file and what follows from them."""

    __slots__ = (
        "row",
        "values",
        "ecosystems",
        "technologies",
        "nace",
        "profile",
        "labels",
        "fill_only",
        "org",
        "created",
        "before",
        "changed",
        "stored",
    )

    def __init__(self, row: int, values: dict[str, Any]) -> None:
        self.row = row
        self.values = values
        self.ecosystems: list[str] | None = None
        self.technologies: list[str] | None = None
        self.nace: list[str] | None = None
        self.profile: dict[str, Any] | None = None
        self.labels: list[tuple[str, str, date | None]] | None = None
        self.fill_only: frozenset[str] = frozenset()
        self.org: Organisation | None = None
        self.created = False
        self.before: list[Any] = []
        self.changed: list[str] = []
        self.stored: dict[str, list[str]] = {}


def _split_list(
    text: str, lookup: dict[str, str], what: str, row: int, column: str, report: ImportReport
) -> list[str] | None:
    found: list[str] = []
    for item in text.split(";"):
        item = item.strip()
        if not item:
            continue
        key = lookup.get(item.lower()) or lookup.get(normalise(item))
        if key is None:
            report.error(row, column, f"unknown {what} '{item}'")
            return None
        if key not in found:
            found.append(key)
    return found


def _parse_nace(text: str, codes: set[str], row: int, report: ImportReport) -> list[str] | None:
    found: list[str] = []
    for item in re.split(r"[;,]", text):
        item = item.strip().upper()
        if not item:
            continue
        code = item
        if code not in codes:
            # "C26", "26.11" -> the division "26"
            match = re.fullmatch(r"[A-U]?(\d{2})(?:\.\d*)?", code)
            code = match.group(1) if match else code
        if code not in codes:
            report.error(row, "nace", f"unknown NACE code '{item}'")
            return None
        if code not in found:
            found.append(code)
    return found


def _parse_organisation_row(
    row: int,
    cells: list[str],
    col: dict[str, int],
    vocab: Vocabulary,
    report: ImportReport,
    cluster: bool,
) -> Entry | None:
    errors_before = report.error_count
    values: dict[str, Any] = {}
    error = report.error
    get = col.get

    for name in ("legal_name", "short_name", "city", "description"):
        if name in col:
            text = _cell(cells, col[name])
            limit = MAX_LENGTHS.get(name)
            if limit and len(text) > limit:
                error(row, name, f"{name} is longer than {limit} characters ({len(text)})")
            values[name] = text
    if not values.get("legal_name"):
        error(row, "legal_name", "legal_name is required")

    if cluster:
        values["kind"] = OrganisationKind.CLUSTER
        values["is_sme"] = False
    else:
        text = _cell(cells, get("kind"))
        kind = vocab.kinds.get(text.lower()) or vocab.kinds.get(normalise(text))
        if not text:
            error(row, "kind", "kind is required")
        elif kind is None:
            error(
                row,
                "kind",
                f"unknown kind '{text}' (expected one of: {', '.join(OrganisationKind.values)})",
            )
        values["kind"] = kind
        if "is_sme" in col:
            text = _cell(cells, col["is_sme"])
            sme = _parse_bool(text)
            if sme is None:
                error(row, "is_sme", f"is_sme must be yes or no (got '{text}')")
            values["is_sme"] = bool(sme) and kind == OrganisationKind.COMPANY

    country_text = _cell(cells, get("country"))
    country = vocab.country(country_text) if country_text else None
    if not country_text:
        error(row, "country", "country is required")
    elif country is None:
        error(row, "country", f"unknown country code '{country_text}'")
    values["country_id"] = country

    if "nuts_region" in col:
        code = _cell(cells, col["nuts_region"]).upper().replace(" ", "")
        if code:
            region_country = vocab.nuts_country.get(code)
            if region_country is None:
                error(row, "nuts_region", f"unknown NUTS code '{code}'")
            elif country and region_country != country:
                error(
                    row,
                    "nuts_region",
                    f"NUTS region {code} is not in {vocab.country_names.get(country, country)}",
                )
        values["nuts_region_id"] = code or None

    if "latitude" in col or "longitude" in col:
        lat_text, lon_text = _cell(cells, get("latitude")), _cell(cells, get("longitude"))
        lat = lon = None
        if lat_text:
            lat = _parse_float(lat_text)
            if lat is None:
                error(row, "latitude", f"latitude must be a number (got '{lat_text}')")
            elif not -90 <= lat <= 90:
                error(row, "latitude", "latitude must be between -90 and 90")
        if lon_text:
            lon = _parse_float(lon_text)
            if lon is None:
                error(row, "longitude", f"longitude must be a number (got '{lon_text}')")
            elif not -180 <= lon <= 180:
                error(row, "longitude", "longitude must be between -180 and 180")
        if bool(lat_text) != bool(lon_text):
            missing = "longitude" if lat_text else "latitude"
            error(row, missing, f"{missing} is missing: give both latitude and longitude")
        values["latitude"], values["longitude"] = lat, lon

    if "website" in col:
        text = _cell(cells, col["website"])
        if text:
            problem = website_error(text)
            if problem:
                error(row, "website", problem)
        values["website"] = text

    if "pic" in col:
        text = _cell(cells, col["pic"]).replace(" ", "")
        if text and not (len(text) == 9 and text.isdigit()):
            error(row, "pic", f"PIC must be exactly 9 digits (got '{text}')")
        values["pic"] = text or None

    entry = Entry(row, values)
    if "ecosystems" in col:
        entry.ecosystems = _split_list(
            _cell(cells, col["ecosystems"]),
            vocab.ecosystems,
            "ecosystem",
            row,
            "ecosystems",
            report,
        )
    if "technologies" in col:
        entry.technologies = _split_list(
            _cell(cells, col["technologies"]),
            vocab.technologies,
            "technology",
            row,
            "technologies",
            report,
        )
    if "nace" in col:
        entry.nace = _parse_nace(_cell(cells, col["nace"]), vocab.nace, row, report)

    if cluster:
        _parse_profile(entry, cells, col, report)
    return entry if report.error_count == errors_before else None


def _parse_profile(entry: Entry, cells: list[str], col: dict[str, int], report: ImportReport):
    row, error = entry.row, report.error
    profile: dict[str, Any] = {}
    if "founding_year" in col:
        text = _cell(cells, col["founding_year"])
        year = _parse_count(text) if text else None
        if text and (year is None or not 1800 <= year <= 2100):
            error(
                row,
                "founding_year",
                f"founding_year must be a year between 1800 and 2100 (got '{text}')",
            )
        profile["founding_year"] = year
    for name in MEMBER_COLUMNS:
        if name in col:
            text = _cell(cells, col[name])
            count = _parse_count(text) if text else 0
            if count is None or count > 2_147_483_647:
                error(row, name, f"{name} must be a whole number ≥ 0 (got '{text}')")
            profile[name] = count or 0
    if "management_fte" in col:
        text = _cell(cells, col["management_fte"])
        fte = _parse_decimal(text) if text else Decimal("0")
        if fte is None or fte < 0 or fte >= 100_000:
            error(row, "management_fte", f"management_fte must be a number ≥ 0 (got '{text}')")
        elif fte != fte.quantize(Decimal("0.1")):
            error(row, "management_fte", "management_fte must have at most one decimal")
        profile["management_fte"] = fte
    if "labels" in col:
        labels, problem = parse_labels(_cell(cells, col["labels"]))
        if problem:
            error(row, "labels", problem)
        entry.labels = labels
    for name in ("support_programmes", "languages", "contact_name", "contact_phone"):
        if name in col:
            text = _cell(cells, col[name])
            limit = MAX_LENGTHS.get(name)
            if limit and len(text) > limit:
                error(row, name, f"{name} is longer than {limit} characters ({len(text)})")
            profile[name] = text
    if "contact_email" in col:
        text = _cell(cells, col["contact_email"])
        if text:
            try:
                validate_email(text)
            except ValidationError:
                error(row, "contact_email", f"contact_email '{text}' is not an e-mail address")
        profile["contact_email"] = text
    entry.profile = profile


# Matching and writing organisations ------------------------------------------------------------

ORG_WRITE_FIELDS = [
    "legal_name",
    "short_name",
    "kind",
    "is_sme",
    "country",
    "nuts_region",
    "city",
    "latitude",
    "longitude",
    "website",
    "description",
    "pic",
    "search_document",
    "updated",
]
PROFILE_WRITE_FIELDS = [
    "founding_year",
    *MEMBER_COLUMNS,
    "members_total",
    "management_fte",
    "support_programmes",
    "languages",
    "contact_name",
    "contact_email",
    "contact_phone",
    "is_validated",
    "updated",
]
ORG_INSERT_FIELDS = [*ORG_WRITE_FIELDS, "slug", "created"]
ORG_COMPARED_FIELDS = [name for name in ORG_WRITE_FIELDS if name != "updated"]
_ORG_ATTRS = {
    "legal_name",
    "short_name",
    "kind",
    "is_sme",
    "country_id",
    "nuts_region_id",
    "city",
    "latitude",
    "longitude",
    "website",
    "description",
    "pic",
}


def _name_key(name: str, country: str | None) -> tuple[str, str | None]:
    return (" ".join(name.casefold().split()), country)


def _chunks(items: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SlugMaker:
    """Unique slugs against a pre-loaded set, as ``services.unique_slug`` makes them, but
    remembering the last suffix per name so that many equal names stay fast."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.next_suffix: dict[str, int] = {}

    def __call__(self, name: str) -> str:
        base = Organisation.make_slug(name)
        candidate = base
        if candidate in self.taken:
            n = self.next_suffix.get(base, 2)
            candidate = Organisation.make_slug(name, str(n))
            while candidate in self.taken:
                n += 1
                candidate = Organisation.make_slug(name, str(n))
            self.next_suffix[base] = n + 1
        self.taken.add(candidate)
        return candidate


def _match_organisations(entries: list[Entry], report: ImportReport) -> dict[int, Organisation]:
    """Find the existing organisation of each entry; report rows that clash with each other."""
    by_pic: dict[str, int] = {}
    by_name: dict[tuple[str, str | None], tuple[int, str | None]] = {}
    for pk, pic, name, country in Organisation.objects.values_list(
        "id", "pic", "legal_name", "country_id"
    ).iterator(chunk_size=5000):
        if pic:
            by_pic[pic] = pk
        by_name.setdefault(_name_key(name, country), (pk, pic))

    pic_rows: dict[str, int] = {}
    name_rows: dict[tuple[str, str | None], int] = {}
    matched_rows: dict[int, int] = {}
    matches: dict[int, int] = {}  # entry index -> organisation id
    for i, entry in enumerate(entries):
        values = entry.values
        pic = values.get("pic")
        key = _name_key(values.get("legal_name", ""), values.get("country_id"))
        if pic:
            if pic in pic_rows:
                report.error(entry.row, "pic", f"duplicate PIC {pic} (also on row {pic_rows[pic]})")
                continue
            pic_rows[pic] = entry.row
        else:
            if key in name_rows:
                report.error(
                    entry.row,
                    "legal_name",
                    f"duplicate organisation '{values.get('legal_name')}' in the same country "
                    f"without a PIC (also on row {name_rows[key]})",
                )
                continue
            name_rows[key] = entry.row
        pk = by_pic.get(pic) if pic else None
        if pk is None:
            found = by_name.get(key)
            # by name and country, unless both have a PIC and the PICs differ
            if found and (not pic or not found[1] or found[1] == pic):
                pk = found[0]
        if pk is not None:
            if pk in matched_rows:
                report.error(
                    entry.row,
                    "legal_name",
                    f"this row and row {matched_rows[pk]} update the same organisation",
                )
                continue
            matched_rows[pk] = entry.row
            matches[i] = pk
    existing: dict[int, Organisation] = {}
    if matches and report.ok:
        pks = list(matches.values())
        for chunk in _chunks(pks):
            for org in Organisation.objects.filter(pk__in=chunk):
                existing[org.pk] = org
    return {i: existing[pk] for i, pk in matches.items() if pk in existing}


TOPIC_RELATIONS = (
    # relation on Organisation, Entry attribute, column of the through table
    ("ecosystems", "ecosystems", "ecosystem_id"),
    ("technologies", "technologies", "technology_id"),
    ("nace_activities", "nace", "naceactivity_id"),
)


def _existing_topics(relation: str, target: str, org_ids: list[int]) -> dict[int, list[str]]:
    m2m = Organisation._meta.get_field(relation)
    qn = connection.ops.quote_name
    source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    table = qn(m2m.remote_field.through._meta.db_table)
    topics: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(org_ids):
            cursor.execute(
                f"SELECT {qn(source)}, {qn(target)} FROM {table} "
                f"WHERE {qn(source)} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for org_id, value in cursor.fetchall():
                topics.setdefault(org_id, []).append(value)
    return topics


def _attnames(names: list[str]) -> list[str]:
    return [Organisation._meta.get_field(name).attname for name in names]


_COMPARED = _attnames(ORG_COMPARED_FIELDS)


def _prepare_organisations(entries: list[Entry], vocab: Vocabulary, report: ImportReport) -> None:
    """Build (unsaved) Organisation objects for the entries: matched, derived, validated."""
    matches = _match_organisations(entries, report)
    if not report.ok:
        return
    now = timezone.now()
    slugs: SlugMaker | None = None
    for i, entry in enumerate(entries):
        org = matches.get(i)
        values = entry.values
        if org is None:
            org = Organisation(**{k: v for k, v in values.items() if k in _ORG_ATTRS})
            if slugs is None:
                slugs = SlugMaker(set(Organisation.objects.values_list("slug", flat=True)))
            org.slug = slugs(org.short_name or org.legal_name)
            org.created = org.updated = now
            entry.created = True
        else:
            entry.before = [getattr(org, a) for a in _COMPARED]
            old_country = org.country_id
            for name, value in values.items():
                if name not in _ORG_ATTRS:
                    continue
                if name in entry.fill_only and getattr(org, name) not in (None, ""):
                    continue
                if name == "kind" and org.kind == OrganisationKind.CLUSTER != value:
                    # A cluster organisation stays one (its profile hangs on it).
                    continue
                setattr(org, name, value)
            if (
                "nuts_region_id" not in values
                and org.nuts_region_id
                and old_country != org.country_id
            ):
                org.nuts_region_id = None
        if org.kind != OrganisationKind.COMPANY:
            org.is_sme = False
        entry.org = org

    # The NUTS region from the coordinates, for every row at once.
    todo = [
        e.org
        for e in entries
        if e.org.nuts_region_id is None
        and e.org.latitude is not None
        and e.org.longitude is not None
    ]
    if todo:
        codes = regions_for_points([(o.longitude, o.latitude) for o in todo])
        for org, code in zip(todo, codes, strict=True):
            if code and vocab.nuts_country.get(code) == org.country_id:
                org.nuts_region_id = code

    # The search text, with the topic names (those already stored for updated rows).
    updated_ids = [e.org.pk for e in entries if not e.created]
    stored = {
        relation: _existing_topics(relation, target, updated_ids) if updated_ids else {}
        for relation, _attr, target in TOPIC_RELATIONS
    }
    eco_names, tech_names = vocab.ecosystem_names, vocab.technology_names
    for entry in entries:
        org = entry.org
        if not entry.created:
            entry.stored = {relation: stored[relation].get(org.pk, []) for relation in stored}
        ecos = entry.ecosystems
        if ecos is None:
            ecos = entry.stored.get("ecosystems", [])
        techs = entry.technologies
        if techs is None:
            techs = entry.stored.get("technologies", [])
        org.search_document = search_document_for(
            org, [eco_names[s] for s in ecos], [tech_names[s] for s in techs]
        )
        if not entry.created:
            # Only what changed is written (a re-import of the same file writes nothing).
            entry.changed = [
                name
                for name, attname, old in zip(
                    ORG_COMPARED_FIELDS, _COMPARED, entry.before, strict=True
                )
                if getattr(org, attname) != old
            ]
            if entry.changed:
                org.updated = now
    unchanged = sum(
        1
        for e in entries
        if not e.created
        and not e.changed
        and all(
            getattr(e, attr) is None or set(getattr(e, attr)) == set(e.stored[relation])
            for relation, attr, _target in TOPIC_RELATIONS
        )
    )
    if updated_ids:
        report.counts["unchanged"] = unchanged


_CONVERTED = (models.DateField, models.DecimalField, models.JSONField)  # DateTimeField too


def _db_rows(model, names: list[str], objs: Iterable, extra: tuple[str, ...] = ()) -> list:
    """Database values of ``objs`` for the fields ``names`` (then the attributes ``extra``)."""
    fields = [model._meta.get_field(name) for name in names]
    attnames = [f.attname for f in fields]
    converted = [(i, f) for i, f in enumerate(fields) if isinstance(f, _CONVERTED)]
    memo: dict[tuple[int, Any], Any] = {}
    rows = []
    for obj in objs:
        row = [getattr(obj, a) for a in attnames]
        for i, f in converted:
            value = row[i]
            if value is not None:
                key = (i, value)
                if key not in memo:
                    memo[key] = f.get_db_prep_save(value, connection)
                row[i] = memo[key]
        row.extend(getattr(obj, a) for a in extra)
        rows.append(row)
    return rows


def _insert_tuples(table: str, columns: list[str], rows: Iterable[list | tuple]) -> None:
    """INSERT many rows: executemany on SQLite (one prepared statement, a C loop), COPY on
    PostgreSQL, multi-row VALUES elsewhere."""
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    one = f"({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(head + one, rows)
            return
        if connection.vendor == "postgresql":
            names = ", ".join(qn(c) for c in columns)
            with cursor.cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per_statement = max(1, min(BATCH_SIZE, 60000 // len(columns)))
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) == per_statement:
                cursor.execute(head + ", ".join([one] * len(batch)), [v for r in batch for v in r])
                batch = []
        if batch:
            cursor.execute(head + ", ".join([one] * len(batch)), [v for r in batch for v in r])


def _insert_rows(model, names: list[str], objs: list) -> None:
    """INSERT objects in bulk, without Django's per-object statement compilation."""
    columns = [model._meta.get_field(n).column for n in names]
    for chunk in _chunks(objs, BATCH_SIZE):
        _insert_tuples(model._meta.db_table, columns, _db_rows(model, names, chunk))


def _insert_objects(model, names: list[str], objs: list, key: str) -> None:
    """INSERT objects and give them their ids: taken from the sequence beforehand on
    PostgreSQL, looked up by the unique field ``key`` afterwards elsewhere."""
    if not objs:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        _insert_rows(model, ["id", *names], objs)
    else:
        _insert_rows(model, names, objs)
        attname = model._meta.get_field(key).attname
        ids: dict[Any, int] = {}
        for chunk in _chunks([getattr(obj, attname) for obj in objs]):
            ids.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "id"))
        for obj in objs:
            obj.pk = ids[getattr(obj, attname)]
    for obj in objs:
        obj._state.adding = False


def _update_rows(model, names: list[str], objs: list) -> None:
    """UPDATE … WHERE id = … in bulk (executemany)."""
    if not objs:
        return
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(model._meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        for chunk in _chunks(objs, BATCH_SIZE):
            cursor.executemany(sql, _db_rows(model, names, chunk, extra=("pk",)))


def _write_organisations(entries: list[Entry], report: ImportReport) -> None:
    new = [e.org for e in entries if e.created]
    _insert_objects(Organisation, ORG_INSERT_FIELDS, new, key="slug")
    # Updates grouped by the fields that changed: no index or full-text work for the rest.
    groups: dict[tuple[str, ...], list[Organisation]] = {}
    for entry in entries:
        if not entry.created and entry.changed:
            groups.setdefault((*entry.changed, "updated"), []).append(entry.org)
    for fields, objs in groups.items():
        _update_rows(Organisation, list(fields), objs)
    report.created += len(new)
    report.updated += len(entries) - len(new)

    for relation, attr, _target in TOPIC_RELATIONS:
        given = [
            e
            for e in entries
            if getattr(e, attr) is not None
            and (e.created or set(getattr(e, attr)) != set(e.stored[relation]))
        ]
        if not given:
            continue
        m2m = Organisation._meta.get_field(relation)
        through = m2m.remote_field.through
        replaced = [e.org.pk for e in given if not e.created]
        for chunk in _chunks(replaced):
            through.objects.filter(organisation_id__in=chunk).delete()
        links = [(e.org.pk, value) for e in given for value in getattr(e, attr)]
        columns = [m2m.m2m_column_name(), m2m.m2m_reverse_name()]
        for chunk in _chunks(links, THROUGH_BATCH_SIZE):
            _insert_tuples(through._meta.db_table, columns, chunk)


# Cluster profiles -----------------------------------------------------------------------------


def _prepare_profiles(entries: list[Entry], report: ImportReport) -> None:
    existing: dict[int, ClusterOrganisation] = {}
    org_ids = [e.org.pk for e in entries if not e.created]
    for chunk in _chunks(org_ids):
        for profile in ClusterOrganisation.objects.filter(organisation_id__in=chunk):
            existing[profile.organisation_id] = profile
    now = timezone.now()
    for entry in entries:
        profile = None if entry.created else existing.get(entry.org.pk)
        if profile is None:
            profile = ClusterOrganisation()
        else:
            profile.updated = now
        for name, value in (entry.profile or {}).items():
            setattr(profile, name, value)
        if profile.members_smes > profile.members_companies:
            report.error(
                entry.row,
                "members_smes",
                f"members_smes ({profile.members_smes}) cannot exceed members_companies "
                f"({profile.members_companies}): SMEs are counted among the companies",
            )
        profile.organisation = entry.org
        profile.members_total = profile.compute_total()
        profile.is_validated = not profile.missing_criteria()
        entry.profile = profile  # type: ignore[assignment]


PROFILE_INSERT_FIELDS = [*PROFILE_WRITE_FIELDS, "organisation", "created"]
LABEL_FIELDS = ["cluster", "scheme", "level", "awarded_by", "valid_from", "valid_until"]


def _write_profiles(entries: list[Entry], report: ImportReport) -> None:
    new, old = [], []
    for entry in entries:
        profile: ClusterOrganisation = entry.profile  # type: ignore[assignment]
        profile.organisation_id = entry.org.pk
        (old if profile.pk else new).append(profile)
    now = timezone.now()
    for profile in new:
        profile.created = profile.updated = now
    _insert_objects(ClusterOrganisation, PROFILE_INSERT_FIELDS, new, key="organisation")
    _update_rows(ClusterOrganisation, PROFILE_WRITE_FIELDS, old)
    report.counts["profiles_created"] = len(new)
    report.counts["profiles_updated"] = len(old)

    given = [e for e in entries if e.labels is not None]
    replaced = {p.pk for p in old}
    for chunk in _chunks([e.profile.pk for e in given if e.profile.pk in replaced]):
        ClusterLabel.objects.filter(cluster_id__in=chunk).delete()
    labels = [
        ClusterLabel(cluster_id=e.profile.pk, scheme=scheme, level=level, valid_until=until)
        for e in given
        for scheme, level, until in e.labels
    ]
    _insert_rows(ClusterLabel, LABEL_FIELDS, labels)
    report.counts["labels"] = len(labels)


# The organisation and cluster imports ----------------------------------------------------------


def _import_organisations(table: Table, report: ImportReport, cluster: bool) -> None:
    spec = dict(ORGANISATION_COLUMNS)
    if cluster:
        spec.update(CLUSTER_COLUMNS)
        spec["kind"] = ()  # every row of a cluster file is a cluster organisation
    if "legal_name" not in table.keys and "name" in table.keys:
        spec["legal_name"] = (*spec["legal_name"], "name")
    col = _map_columns(table, spec, report)
    if _missing_columns(col, REQUIRED[report.kind], report) or not report.ok:
        return
    vocab = Vocabulary()
    entries = []
    for row, cells in table.rows:
        entry = _parse_organisation_row(row, cells, col, vocab, report, cluster)
        if entry is not None:
            entries.append(entry)
    report.rows = len(table.rows)
    if not report.ok:
        return
    _prepare_organisations(entries, vocab, report)
    if cluster and report.ok:
        _prepare_profiles(entries, report)
    if not report.ok:
        return
    if report.dry_run:
        report.created = sum(1 for e in entries if e.created)
        report.updated = len(entries) - report.created
        return
    with transaction.atomic():
        _write_organisations(entries, report)
        if cluster:
            _write_profiles(entries, report)
        facets.changed()  # bulk writes send no signals: the directory facets are rebuilt


# CORDIS ----------------------------------------------------------------------------------------


def _cordis_website(text: str) -> str:
    if not text:
        return ""
    if not text.lower().startswith(("http://", "https://")):
        text = "http://" + text.lstrip("/")
    return "" if website_error(text) else text


def _import_cordis(table: Table, projects: Table | None, report: ImportReport) -> None:
    # CORDIS files have many more columns than we keep: no warning for those.
    col = _map_columns(table, CORDIS_COLUMNS, report, warn_unused=False)
    missing = _missing_columns(col, CORDIS_REQUIRED, report)
    pcol: dict[str, int] = {}
    if projects is not None:
        prefix = "projects file: "
        pcol = _map_columns(projects, CORDIS_PROJECT_COLUMNS, report, prefix, warn_unused=False)
        missing = _missing_columns(pcol, ("project_id",), report, prefix) or missing
    if missing or not report.ok:
        return
    vocab = Vocabulary()
    error = report.error
    report.rows = len(table.rows)

    orgs: dict[str, tuple[str, int, dict[str, Any]]] = {}  # pic -> (updated, row, values)
    project_rows: dict[str, dict[str, Any]] = {}
    participations: dict[tuple[str, str], dict[str, Any]] = {}
    get = col.get
    for row, cells in table.rows:
        before = report.error_count
        project_id = _cell(cells, col["project_id"])
        acronym = _cell(cells, col["acronym"])
        pic = _cell(cells, col["pic"]).replace(" ", "")
        name = _cell(cells, col["name"])
        if not project_id:
            error(row, "projectID", "projectID is required")
        elif len(project_id) > 20:
            error(row, "projectID", f"projectID is longer than 20 characters ({project_id})")
        if not acronym:
            error(row, "projectAcronym", "projectAcronym is required")
        if not (len(pic) == 9 and pic.isdigit()):
            error(row, "organisationID", f"organisationID must be a 9-digit PIC (got '{pic}')")
        if not name:
            error(row, "name", "name is required")
        country_text = _cell(cells, col["country"])
        country = resolve_country_code(country_text) if country_text else None
        if country is None:
            error(row, "country", f"unknown country code '{country_text}'")
        activity = _cell(cells, get("activity_type")).upper()
        kind = CORDIS_KINDS.get(activity)
        if kind is None:
            error(
                row,
                "activityType",
                f"unknown activityType '{activity}' (expected PRC, HES, REC, PUB or OTH)",
            )
        sme_text = _cell(cells, get("sme"))
        sme = _parse_bool(sme_text)
        if sme is None:
            error(row, "SME", f"SME must be True or False (got '{sme_text}')")
        lat = lon = None
        geo = _cell(cells, get("geolocation"))
        if geo:
            parts = geo.split(",")
            if len(parts) == 2:
                lat, lon = _parse_float(parts[0]), _parse_float(parts[1])
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                error(row, "geolocation", f"geolocation must be 'latitude,longitude' (got '{geo}')")
        role_text = _cell(cells, col["role"])
        role = CORDIS_ROLES.get(role_text.lower().replace("_", "").replace(" ", ""))
        if role is None:
            error(
                row,
                "role",
                f"unknown role '{role_text}' (expected coordinator, participant, partner or "
                "thirdParty)",
            )
        order_text = _cell(cells, get("order"))
        order = _parse_count(order_text) if order_text else None
        if order_text and (order is None or order > 32767):
            error(row, "order", f"order must be a whole number ≥ 0 (got '{order_text}')")
        ec_text = _cell(cells, get("ec_contribution"))
        contribution = _parse_decimal(ec_text) if ec_text else None
        if ec_text and (contribution is None or abs(contribution) >= Decimal("1e12")):
            error(row, "ecContribution", f"ecContribution must be an amount (got '{ec_text}')")
        if report.error_count != before:
            continue

        stamp = _cell(cells, get("updated"))
        known = orgs.get(pic)
        if known is None or stamp >= known[0]:
            given_website = _cell(cells, get("website"))
            website = _cordis_website(given_website)
            if given_website and not website:
                report.warn(
                    row,
                    "organizationURL",
                    f"web address '{given_website}' left out: not a valid address",
                )
            orgs[pic] = (
                stamp,
                row,
                {
                    "legal_name": name[:300],
                    "short_name": _cell(cells, get("short_name"))[:100],
                    "kind": kind,
                    "is_sme": bool(sme) and kind == OrganisationKind.COMPANY,
                    "country_id": country,
                    "city": _cell(cells, get("city"))[:120],
                    "latitude": lat,
                    "longitude": lon,
                    "website": website,
                    "pic": pic,
                },
            )
        project = project_rows.setdefault(project_id, {"acronym": acronym[:100]})
        project["acronym"] = acronym[:100]
        if contribution is not None:
            contribution = contribution.quantize(Decimal("0.01"))
        key = (project_id, pic)
        previous = participations.get(key)
        if previous is None:
            participations[key] = {"role": role, "order": order, "ec_contribution": contribution}
        else:  # the same organisation twice in a project: keep one row, the senior role
            if ROLE_RANK[role] < ROLE_RANK[previous["role"]]:
                previous["role"] = role
            if order is not None and (previous["order"] is None or order < previous["order"]):
                previous["order"] = order
            if contribution is not None:
                previous["ec_contribution"] = (previous["ec_contribution"] or 0) + contribution

    if projects is not None:
        pget = pcol.get
        for row, cells in projects.rows:
            project_id = _cell(cells, pcol["project_id"])
            if not project_id:
                error(row, "projectID", "projects file: projectID is required")
                continue
            if len(project_id) > 20:
                error(row, "projectID", "projects file: projectID is longer than 20 characters")
                continue
            project = project_rows.setdefault(project_id, {})
            acronym = _cell(cells, pget("acronym"))
            if acronym:
                project["acronym"] = acronym[:100]
            elif "acronym" not in project:
                error(row, "projectAcronym", "projects file: projectAcronym is required")
            for name, limit in (("title", 500), ("topic", 100), ("topic_title", 500)):
                if name in pcol:
                    project[name] = _cell(cells, pcol[name])[:limit]
            if "programme" in pcol and _cell(cells, pcol["programme"]):
                project["programme"] = _cell(cells, pcol["programme"])[:50]
    if not report.ok:
        return

    # Organisations: CORDIS is authoritative for names, kind and country; the rest only fills
    # what a profile team has left blank. A cluster keeps being a cluster.
    entries = []
    for _stamp, row, values in orgs.values():
        entry = Entry(row, values)
        entry.fill_only = frozenset({"short_name", "city", "latitude", "longitude", "website"})
        entries.append(entry)
    entries.sort(key=lambda e: e.row)
    _prepare_organisations(entries, vocab, report)
    if not report.ok:
        return
    existing_projects = {}
    ids = list(project_rows)
    for chunk in _chunks(ids):
        for project in Project.objects.filter(cordis_id__in=chunk):
            existing_projects[project.cordis_id] = project
    new_projects, old_projects = [], []
    for project_id, values in project_rows.items():
        project = existing_projects.get(project_id)
        if project is None:
            project = Project(cordis_id=project_id)
            new_projects.append(project)
        else:
            old_projects.append(project)
        for name, value in values.items():
            setattr(project, name, value)
        existing_projects[project_id] = project
    report.counts["projects_created"] = len(new_projects)
    report.counts["projects_updated"] = len(old_projects)
    if report.dry_run:
        report.counts["participations"] = len(participations)
        report.created = sum(1 for e in entries if e.created)
        report.updated = len(entries) - report.created
        return

    with transaction.atomic():
        _write_organisations(entries, report)
        facets.changed()
        project_fields = ["acronym", "title", "programme", "topic", "topic_title"]
        _insert_objects(Project, ["cordis_id", *project_fields], new_projects, key="cordis_id")
        _update_rows(Project, project_fields, old_projects)
        org_ids = {e.org.pic: e.org.pk for e in entries}
        project_ids = {cid: p.pk for cid, p in existing_projects.items()}
        stored = {}
        for chunk in _chunks([p.pk for p in old_projects]):
            for pk, project_id, org_id in Participation.objects.filter(
                project_id__in=chunk
            ).values_list("id", "project_id", "organisation_id"):
                stored[(project_id, org_id)] = pk
        new_links, old_links = [], []
        for (project_id, pic), values in participations.items():
            link = Participation(
                project_id=project_ids[project_id], organisation_id=org_ids[pic], **values
            )
            link.pk = stored.get((link.project_id, link.organisation_id))
            (old_links if link.pk else new_links).append(link)
        link_fields = ["role", "order", "ec_contribution"]
        _insert_rows(Participation, ["project", "organisation", *link_fields], new_links)
        _update_rows(Participation, link_fields, old_links)
        report.counts["participations_created"] = len(new_links)
        report.counts["participations_updated"] = len(old_links)


# The entry point ---------------------------------------------------------------------------------


def run_import(
    kind: str,
    uploaded_file_or_path: Any,
    *,
    dry_run: bool = False,
    user=None,
    projects_file: Any = None,
) -> ImportReport:
    """Import a CSV or XLSX file of ``kind`` ("organisations", "clusters" or "cordis").

    ``uploaded_file_or_path``: a path, a Django ``UploadedFile`` or a binary file object.
    ``projects_file``: for CORDIS, the optional projects file (call topics).
    With ``dry_run`` everything is checked and counted, nothing is written.
    With ``user``, the user must hold ``registry.import_data`` (platform staff).
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {IMPORT_KINDS}")
    if user is not None and not user.has_perm("registry.import_data"):
        raise PermissionDenied("Only platform staff may import data.")
    report = ImportReport(kind=kind, dry_run=dry_run)
    try:
        table = read_table(uploaded_file_or_path)
    except FileRejected as exc:
        report.error(None, "", str(exc))
        return report
    projects = None
    if kind == "cordis" and projects_file is not None:
        try:
            projects = read_table(projects_file)
        except FileRejected as exc:
            report.error(None, "", f"projects file: {exc}")
            return report
    if kind == "cordis":
        _import_cordis(table, projects, report)
    else:
        _import_organisations(table, report, cluster=kind == "clusters")
    if not report.ok:
        report.created = report.updated = 0
    return report
