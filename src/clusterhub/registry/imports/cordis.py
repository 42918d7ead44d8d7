"""The ``cordis`` import: CORDIS participation files (``organization.csv`` schema), optionally
with a projects file giving each project's call topic.

CORDIS is authoritative for names, kind and country; the rest only fills what a profile team
has left blank, and a cluster keeps being a cluster.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from clusterhub.reference.selectors import resolve_country_code

from .. import facets
from ..models import Participation, Project
from ..validators import sme_flag
from .columns import (
    CORDIS_COLUMNS,
    CORDIS_KINDS,
    CORDIS_PROJECT_COLUMNS,
    CORDIS_REQUIRED,
    CORDIS_ROLES,
    ROLE_RANK,
    map_columns,
    missing_columns,
)
from .matching import prepare_organisations
from .parsing import (
    Entry,
    cell,
    parse_bool,
    parse_count,
    parse_decimal,
    parse_float,
    website_error,
)
from .reading import Table
from .report import ImportReport
from .vocabulary import Vocabulary
from .writing import chunks, insert_objects, insert_rows, update_rows, write_organisations


def _cordis_website(text: str) -> str:
    if not text:
        return ""
    if not text.lower().startswith(("http://", "https://")):
        text = "http://" + text.lstrip("/")
    return "" if website_error(text) else text


def import_cordis(table: Table, projects: Table | None, report: ImportReport) -> None:
    # CORDIS files have many more columns than we keep: no warning for those.
    col = map_columns(table, CORDIS_COLUMNS, report, warn_unused=False)
    missing = missing_columns(col, CORDIS_REQUIRED, report)
    pcol: dict[str, int] = {}
    if projects is not None:
        prefix = "projects file: "
        pcol = map_columns(projects, CORDIS_PROJECT_COLUMNS, report, prefix, warn_unused=False)
        missing = missing_columns(pcol, ("project_id",), report, prefix) or missing
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
        project_id = cell(cells, col["project_id"])
        acronym = cell(cells, col["acronym"])
        pic = cell(cells, col["pic"]).replace(" ", "")
        name = cell(cells, col["name"])
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
        country_text = cell(cells, col["country"])
        country = resolve_country_code(country_text) if country_text else None
        if country is None:
            error(row, "country", f"unknown country code '{country_text}'")
        activity = cell(cells, get("activity_type")).upper()
        kind = CORDIS_KINDS.get(activity)
        if kind is None:
            error(
                row,
                "activityType",
                f"unknown activityType '{activity}' (expected PRC, HES, REC, PUB or OTH)",
            )
        sme_text = cell(cells, get("sme"))
        sme = parse_bool(sme_text)
        if sme is None:
            error(row, "SME", f"SME must be True or False (got '{sme_text}')")
        lat = lon = None
        geo = cell(cells, get("geolocation"))
        if geo:
            parts = geo.split(",")
            if len(parts) == 2:
                lat, lon = parse_float(parts[0]), parse_float(parts[1])
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                error(row, "geolocation", f"geolocation must be 'latitude,longitude' (got '{geo}')")
        role_text = cell(cells, col["role"])
        role = CORDIS_ROLES.get(role_text.lower().replace("_", "").replace(" ", ""))
        if role is None:
            error(
                row,
                "role",
                f"unknown role '{role_text}' (expected coordinator, participant, partner or "
                "thirdParty)",
            )
        order_text = cell(cells, get("order"))
        order = parse_count(order_text) if order_text else None
        if order_text and (order is None or order > 32767):
            error(row, "order", f"order must be a whole number ≥ 0 (got '{order_text}')")
        ec_text = cell(cells, get("ec_contribution"))
        contribution = parse_decimal(ec_text) if ec_text else None
        if ec_text and (contribution is None or abs(contribution) >= Decimal("1e12")):
            error(row, "ecContribution", f"ecContribution must be an amount (got '{ec_text}')")
        if report.error_count != before:
            continue

        stamp = cell(cells, get("updated"))
        known = orgs.get(pic)
        if known is None or stamp >= known[0]:
            given_website = cell(cells, get("website"))
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
                    "short_name": cell(cells, get("short_name"))[:100],
                    "kind": kind,
                    "is_sme": sme_flag(kind, sme),
                    "country_id": country,
                    "city": cell(cells, get("city"))[:120],
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
            project_id = cell(cells, pcol["project_id"])
            if not project_id:
                error(row, "projectID", "projects file: projectID is required")
                continue
            if len(project_id) > 20:
                error(row, "projectID", "projects file: projectID is longer than 20 characters")
                continue
            project = project_rows.setdefault(project_id, {})
            acronym = cell(cells, pget("acronym"))
            if acronym:
                project["acronym"] = acronym[:100]
            elif "acronym" not in project:
                error(row, "projectAcronym", "projects file: projectAcronym is required")
            for name, limit in (("title", 500), ("topic", 100), ("topic_title", 500)):
                if name in pcol:
                    project[name] = cell(cells, pcol[name])[:limit]
            if "programme" in pcol and cell(cells, pcol["programme"]):
                project["programme"] = cell(cells, pcol["programme"])[:50]
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
    prepare_organisations(entries, vocab, report)
    if not report.ok:
        return
    existing_projects = {}
    ids = list(project_rows)
    for chunk in chunks(ids):
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
        write_organisations(entries, report)
        facets.changed()
        project_fields = ["acronym", "title", "programme", "topic", "topic_title"]
        insert_objects(Project, ["cordis_id", *project_fields], new_projects, key="cordis_id")
        update_rows(Project, project_fields, old_projects)
        org_ids = {e.org.pic: e.org.pk for e in entries}
        project_ids = {cid: p.pk for cid, p in existing_projects.items()}
        stored = {}
        for chunk in chunks([p.pk for p in old_projects]):
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
        insert_rows(Participation, ["project", "organisation", *link_fields], new_links)
        update_rows(Participation, link_fields, old_links)
        report.counts["participations_created"] = len(new_links)
        report.counts["participations_updated"] = len(old_links)
