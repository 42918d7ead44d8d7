"""The ``network`` import: the H2020 collaboration network (one row per project and
organisation: project, role, pic, kind, country, start_year, end_year, programme_parts), with
an optional organisations file (pic, name, short_name, city…) that gives the names.

Names are repaired as they are read (mojibake, doubled quotes: ``names.repair``) and kept in
the case the register wrote them; pages show them in ordinary case. An organisation the
organisations file does not name is stored as "PIC <code>" and is never recommended. CORDIS
is authoritative for kind and country; names only fill what is blank or a placeholder, and a
cluster stays a cluster. All or nothing, like every import.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from clusterhub.reference.selectors import resolve_country_code

from .. import facets, names
from ..models import Participation, Project
from .columns import CORDIS_KINDS, CORDIS_ROLES, ROLE_RANK, map_columns, missing_columns
from .matching import prepare_organisations
from .parsing import Entry, cell
from .reading import Table
from .report import ImportReport
from .vocabulary import Vocabulary
from .writing import chunks, insert_objects, insert_rows, update_rows, write_organisations

NETWORK_COLUMNS: dict[str, tuple[str, ...]] = {
    "project": ("project", "project_id", "projectid", "rcn"),
    "role": ("role",),
    "pic": ("pic", "organisationid", "organisation_id", "organizationid"),
    "kind": ("kind", "activitytype", "activity_type"),
    "country": ("country",),
    "start_year": ("start_year", "startyear"),
    "end_year": ("end_year", "endyear"),
    "programme_parts": ("programme_parts", "programmes", "programme"),
}
NETWORK_REQUIRED = ("project", "role", "pic", "kind", "country", "start_year")
NAME_COLUMNS: dict[str, tuple[str, ...]] = {
    "pic": ("pic", "organisationid", "organisation_id"),
    "name": ("name", "legal_name"),
    "short_name": ("short_name", "shortname"),
    "city": ("city",),
}
PLACEHOLDER_PREFIX = "PIC "
PROJECT_PREFIX = "rcn:"  # CORDIS record numbers, apart from grant numbers


def placeholder_name(pic: str) -> str:
    return f"{PLACEHOLDER_PREFIX}{pic}"


def _year(text: str) -> int | None:
    return int(text) if text.isdigit() and 1950 <= int(text) <= 2100 else None


def import_network(table: Table, organisations: Table | None, report: ImportReport) -> None:
    col = map_columns(table, NETWORK_COLUMNS, report, warn_unused=False)
    missing = missing_columns(col, NETWORK_REQUIRED, report)
    ncol: dict[str, int] = {}
    if organisations is not None:
        prefix = "organisations file: "
        ncol = map_columns(organisations, NAME_COLUMNS, report, prefix, warn_unused=False)
        missing = missing_columns(ncol, ("pic", "name"), report, prefix) or missing
    if missing or not report.ok:
        return
    error = report.error
    report.rows = len(table.rows)

    named: dict[str, dict[str, str]] = {}
    if organisations is not None:
        for row, cells in organisations.rows:
            pic = cell(cells, ncol["pic"]).replace(" ", "")
            name = names.repair(cell(cells, ncol["name"]))
            if not pic:
                report.warn(
                    row,
                    "pic",
                    "organisations file: no PIC, so no project can be linked to this name; "
                    "left out",
                )  # noqa: E501
                continue
            if not (len(pic) == 9 and pic.isdigit()):
                error(row, "pic", f"organisations file: pic must be a 9-digit PIC (got '{pic}')")
                continue
            if not name:
                error(row, "name", "organisations file: name is required")
                continue
            named[pic] = {
                "legal_name": name[:300],
                "short_name": names.repair(cell(cells, ncol.get("short_name")))[:100],
                "city": names.repair(cell(cells, ncol.get("city")))[:120],
            }

    orgs: dict[str, tuple[int, dict[str, Any]]] = {}
    projects: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], str] = {}
    get = col.get
    for row, cells in table.rows:
        before = report.error_count
        project_id = cell(cells, col["project"])
        pic = cell(cells, col["pic"]).replace(" ", "")
        if not project_id or len(project_id) > 16:
            error(
                row,
                "project",
                f"project must be an identifier of 1 to 16 characters (got '{project_id}')",
            )
        if not (len(pic) == 9 and pic.isdigit()):
            error(row, "pic", f"pic must be a 9-digit PIC (got '{pic}')")
        country_text = cell(cells, col["country"])
        country = resolve_country_code(country_text) if country_text else None
        if country is None:
            error(row, "country", f"unknown country code '{country_text}'")
        kind_text = cell(cells, col["kind"]).upper()
        kind = CORDIS_KINDS.get(kind_text)
        if kind is None:
            error(row, "kind", f"unknown kind '{kind_text}' (expected PRC, HES, REC, PUB or OTH)")
        role_text = cell(cells, col["role"])
        role = CORDIS_ROLES.get(role_text.lower().replace("_", "").replace(" ", ""))
        if role is None:
            error(
                row,
                "role",
                f"unknown role '{role_text}' (expected coordinator, participant, partner or "
                "thirdParty)",
            )  # noqa: E501
        start_text = cell(cells, col["start_year"])
        start = _year(start_text)
        if start is None:
            error(row, "start_year", f"start_year must be a year (got '{start_text}')")
        end_text = cell(cells, get("end_year"))
        end = _year(end_text)
        if end_text and end_text.upper() not in ("NA", "N/A") and end is None:
            error(row, "end_year", f"end_year must be a year or empty (got '{end_text}')")
        parts = ";".join(
            p.strip() for p in cell(cells, get("programme_parts")).split(";") if p.strip()
        )
        if len(parts) > 200:
            error(row, "programme_parts", "programme_parts is longer than 200 characters")
        if report.error_count != before:
            continue
        if pic not in orgs:
            values = {"kind": kind, "country_id": country, "pic": pic, "is_sme": False}
            values |= named.get(pic) or {"legal_name": placeholder_name(pic)}
            orgs[pic] = (row, values)
        key = PROJECT_PREFIX + project_id
        project = projects.setdefault(key, {"start_year": start, "end_year": end})
        project["programme_parts"] = parts or project.get("programme_parts", "")
        previous = links.get((key, pic))
        if previous is None or ROLE_RANK[role] < ROLE_RANK[previous]:
            links[(key, pic)] = role
    if not report.ok:
        return

    entries = []
    for row, values in orgs.values():
        entry = Entry(row, values)
        # Names fill what is blank; a placeholder never replaces a name.
        entry.fill_only = frozenset({"short_name", "city", "is_sme"})
        if values["legal_name"].startswith(PLACEHOLDER_PREFIX):
            entry.fill_only |= {"legal_name"}
        entries.append(entry)
    entries.sort(key=lambda e: e.row)
    prepare_organisations(entries, Vocabulary(), report)
    if not report.ok:
        return
    stored = {}
    for chunk in chunks(list(projects)):
        for project in Project.objects.filter(cordis_id__in=chunk):
            stored[project.cordis_id] = project
    new_projects, old_projects = [], []
    for key, values in projects.items():
        project = stored.get(key)
        if project is None:
            project = stored[key] = Project(cordis_id=key, acronym="", programme="H2020")
            new_projects.append(project)
        else:
            old_projects.append(project)
        for name, value in values.items():
            setattr(project, name, value)
    report.counts["projects_created"] = len(new_projects)
    report.counts["projects_updated"] = len(old_projects)
    report.counts["unnamed_organisations"] = sum(
        1 for e in entries if e.values["legal_name"].startswith(PLACEHOLDER_PREFIX)
    )
    if report.dry_run:
        report.counts["participations"] = len(links)
        report.created = sum(1 for e in entries if e.created)
        report.updated = len(entries) - report.created
        return

    with transaction.atomic():
        write_organisations(entries, report)
        facets.changed()
        fields = [
            "acronym",
            "title",
            "topic",
            "topic_title",
            "programme",
            "start_year",
            "end_year",
            "programme_parts",
        ]
        insert_objects(Project, ["cordis_id", *fields], new_projects, key="cordis_id")
        update_rows(Project, ["start_year", "end_year", "programme_parts"], old_projects)
        org_ids = {e.org.pic: e.org.pk for e in entries}
        existing = {}
        for chunk in chunks([p.pk for p in old_projects]):
            for pk, project_id, org_id in Participation.objects.filter(
                project_id__in=chunk
            ).values_list("id", "project_id", "organisation_id"):
                existing[(project_id, org_id)] = pk
        new_links, old_links = [], []
        for (key, pic), role in links.items():
            link = Participation(project_id=stored[key].pk, organisation_id=org_ids[pic], role=role)
            link.pk = existing.get((link.project_id, link.organisation_id))
            (old_links if link.pk else new_links).append(link)
        insert_rows(Participation, ["project", "organisation", "role"], new_links)
        update_rows(Participation, ["role"], old_links)
        report.counts["participations_created"] = len(new_links)
        report.counts["participations_updated"] = len(old_links)
