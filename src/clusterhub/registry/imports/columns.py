"""The columns each kind of file may have, the names accepted for them, and the mapping of a
file's header row onto them.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import OrganisationKind, Participation
from .reading import Table
from .report import ImportReport

IMPORT_KINDS = ("organisations", "clusters", "cordis", "network")


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


def map_columns(
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


def missing_columns(
    index: dict[str, int], required: Iterable[str], report: ImportReport, prefix: str = ""
) -> bool:
    missing = [name for name in required if name not in index]
    for name in missing:
        report.error(1, name, f"{prefix}required column {name} is missing")
    return bool(missing)
