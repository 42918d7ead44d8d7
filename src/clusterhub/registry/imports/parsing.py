"""Parsing the cells of a row into field values, each problem reported as (row, column, reason).

An organisation or cluster row becomes an :class:`Entry`: the fields the file gives, checked
against the vocabularies and the same validators as the models (the SME flag through
``registry.validators.sme_flag``), ready for matching.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from clusterhub.core.search import normalise

from ..models import LabelLevel, LabelScheme, Organisation, OrganisationKind
from ..validators import sme_flag, validate_web_url
from .columns import MAX_LENGTHS, MEMBER_COLUMNS
from .report import ImportReport
from .vocabulary import Vocabulary

_FORMULA_GUARD = re.compile(r"^'[=+\-@\t\r]")


TRUE = {"1", "true", "yes", "y", "x", "t", "oui", "ja", "si", "sí", "vrai", "wahr"}
FALSE = {"0", "false", "no", "n", "f", "", "non", "nein", "faux", "falsch", "-"}
_INT = re.compile(r"\+?\d+(?:\.0*)?")
_url_validator = URLValidator(schemes=["http", "https"])


def cell(cells: list[str], i: int | None) -> str:
    if i is None or i >= len(cells):
        return ""
    value = cells[i].strip()
    if value and value[0] == "'" and _FORMULA_GUARD.match(value):
        value = value[1:]
    return value


def parse_bool(text: str) -> bool | None:
    low = text.lower()
    if low in TRUE:
        return True
    if low in FALSE:
        return False
    return None


def parse_float(text: str) -> float | None:
    t = text.replace(" ", "")
    if "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_count(text: str) -> int | None:
    t = text.replace(" ", "")
    if not _INT.fullmatch(t):
        return None
    return int(t.split(".")[0])


def parse_decimal(text: str) -> Decimal | None:
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


def parse_organisation_row(
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
            text = cell(cells, col[name])
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
        text = cell(cells, get("kind"))
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
            text = cell(cells, col["is_sme"])
            sme = parse_bool(text)
            if sme is None:
                error(row, "is_sme", f"is_sme must be yes or no (got '{text}')")
            values["is_sme"] = sme_flag(kind, sme)

    country_text = cell(cells, get("country"))
    country = vocab.country(country_text) if country_text else None
    if not country_text:
        error(row, "country", "country is required")
    elif country is None:
        error(row, "country", f"unknown country code '{country_text}'")
    values["country_id"] = country

    if "nuts_region" in col:
        code = cell(cells, col["nuts_region"]).upper().replace(" ", "")
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
        lat_text, lon_text = cell(cells, get("latitude")), cell(cells, get("longitude"))
        lat = lon = None
        if lat_text:
            lat = parse_float(lat_text)
            if lat is None:
                error(row, "latitude", f"latitude must be a number (got '{lat_text}')")
            elif not -90 <= lat <= 90:
                error(row, "latitude", "latitude must be between -90 and 90")
        if lon_text:
            lon = parse_float(lon_text)
            if lon is None:
                error(row, "longitude", f"longitude must be a number (got '{lon_text}')")
            elif not -180 <= lon <= 180:
                error(row, "longitude", "longitude must be between -180 and 180")
        if bool(lat_text) != bool(lon_text):
            missing = "longitude" if lat_text else "latitude"
            error(row, missing, f"{missing} is missing: give both latitude and longitude")
        values["latitude"], values["longitude"] = lat, lon

    if "website" in col:
        text = cell(cells, col["website"])
        if text:
            problem = website_error(text)
            if problem:
                error(row, "website", problem)
        values["website"] = text

    if "pic" in col:
        text = cell(cells, col["pic"]).replace(" ", "")
        if text and not (len(text) == 9 and text.isdigit()):
            error(row, "pic", f"PIC must be exactly 9 digits (got '{text}')")
        values["pic"] = text or None

    entry = Entry(row, values)
    if "ecosystems" in col:
        entry.ecosystems = _split_list(
            cell(cells, col["ecosystems"]),
            vocab.ecosystems,
            "ecosystem",
            row,
            "ecosystems",
            report,
        )
    if "technologies" in col:
        entry.technologies = _split_list(
            cell(cells, col["technologies"]),
            vocab.technologies,
            "technology",
            row,
            "technologies",
            report,
        )
    if "nace" in col:
        entry.nace = _parse_nace(cell(cells, col["nace"]), vocab.nace, row, report)

    if cluster:
        _parse_profile(entry, cells, col, report)
    return entry if report.error_count == errors_before else None


def _parse_profile(entry: Entry, cells: list[str], col: dict[str, int], report: ImportReport):
    row, error = entry.row, report.error
    profile: dict[str, Any] = {}
    if "founding_year" in col:
        text = cell(cells, col["founding_year"])
        year = parse_count(text) if text else None
        if text and (year is None or not 1800 <= year <= 2100):
            error(
                row,
                "founding_year",
                f"founding_year must be a year between 1800 and 2100 (got '{text}')",
            )
        profile["founding_year"] = year
    for name in MEMBER_COLUMNS:
        if name in col:
            text = cell(cells, col[name])
            count = parse_count(text) if text else 0
            if count is None or count > 2_147_483_647:
                error(row, name, f"{name} must be a whole number ≥ 0 (got '{text}')")
            profile[name] = count or 0
    if "management_fte" in col:
        text = cell(cells, col["management_fte"])
        fte = parse_decimal(text) if text else Decimal("0")
        if fte is None or fte < 0 or fte >= 100_000:
            error(row, "management_fte", f"management_fte must be a number ≥ 0 (got '{text}')")
        elif fte != fte.quantize(Decimal("0.1")):
            error(row, "management_fte", "management_fte must have at most one decimal")
        profile["management_fte"] = fte
    if "labels" in col:
        labels, problem = parse_labels(cell(cells, col["labels"]))
        if problem:
            error(row, "labels", problem)
        entry.labels = labels
    for name in ("support_programmes", "languages", "contact_name", "contact_phone"):
        if name in col:
            text = cell(cells, col[name])
            limit = MAX_LENGTHS.get(name)
            if limit and len(text) > limit:
                error(row, name, f"{name} is longer than {limit} characters ({len(text)})")
            profile[name] = text
    if "contact_email" in col:
        text = cell(cells, col["contact_email"])
        if text:
            try:
                validate_email(text)
            except ValidationError:
                error(row, "contact_email", f"contact_email '{text}' is not an e-mail address")
        profile["contact_email"] = text
    entry.profile = profile
