"""Matching the rows with the records already stored, and deriving what follows from them.

Rows are matched by PIC when they have one, else by legal name and country; rows that clash
with each other are reported. Each row then becomes an unsaved model object with its slug, NUTS
region (from the coordinates, for every row at once), search text and the fields that changed;
cluster profiles are checked by the model's own rules (``ClusterOrganisation.clean``, the SME
rule included), as the form, the services and the admin check them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from clusterhub.core.slugs import SlugMaker
from clusterhub.reference.selectors import regions_for_points

from ..models import (
    ORGANISATION_SLUG_FALLBACK,
    ClusterOrganisation,
    Organisation,
    OrganisationKind,
)
from ..services import search_document_for
from ..validators import sme_flag
from .parsing import Entry
from .report import ImportReport
from .vocabulary import Vocabulary
from .writing import ORG_COMPARED_FIELDS, TOPIC_RELATIONS, chunks

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


def name_key(name: str, country: str | None) -> tuple[str, str | None]:
    return (" ".join(name.casefold().split()), country)


def match_organisations(entries: list[Entry], report: ImportReport) -> dict[int, Organisation]:
    """Find the existing organisation of each entry; report rows that clash with each other."""
    by_pic: dict[str, int] = {}
    by_name: dict[tuple[str, str | None], tuple[int, str | None]] = {}
    for pk, pic, name, country in Organisation.objects.values_list(
        "id", "pic", "legal_name", "country_id"
    ).iterator(chunk_size=5000):
        if pic:
            by_pic[pic] = pk
        by_name.setdefault(name_key(name, country), (pk, pic))

    pic_rows: dict[str, int] = {}
    name_rows: dict[tuple[str, str | None], int] = {}
    matched_rows: dict[int, int] = {}
    matches: dict[int, int] = {}  # entry index -> organisation id
    for i, entry in enumerate(entries):
        values = entry.values
        pic = values.get("pic")
        key = name_key(values.get("legal_name", ""), values.get("country_id"))
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
        for chunk in chunks(pks):
            for org in Organisation.objects.filter(pk__in=chunk):
                existing[org.pk] = org
    return {i: existing[pk] for i, pk in matches.items() if pk in existing}


def existing_topics(relation: str, target: str, org_ids: list[int]) -> dict[int, list[str]]:
    m2m = Organisation._meta.get_field(relation)
    qn = connection.ops.quote_name
    source, target = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    table = qn(m2m.remote_field.through._meta.db_table)
    topics: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        for chunk in chunks(org_ids):
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


def prepare_organisations(entries: list[Entry], vocab: Vocabulary, report: ImportReport) -> None:
    """Build (unsaved) Organisation objects for the entries: matched, derived, validated."""
    matches = match_organisations(entries, report)
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
                slugs = SlugMaker(
                    set(Organisation.objects.values_list("slug", flat=True)),
                    fallback=ORGANISATION_SLUG_FALLBACK,
                )
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
        org.is_sme = sme_flag(org.kind, org.is_sme)
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
        relation: existing_topics(relation, target, updated_ids) if updated_ids else {}
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


# How the import words the models' errors, by their code: in the file's column names, with the
# row's values. Any other error is reported with the model's own message.
MODEL_ERRORS = {
    "smes_within_companies": (
        "members_smes ({smes}) cannot exceed members_companies ({companies}): "
        "SMEs are counted among the companies"
    ),
}


def report_invalid(report: ImportReport, row: int, exc: ValidationError) -> None:
    """Report a model's ValidationError as (row, column, reason) errors."""
    by_column = exc.error_dict if hasattr(exc, "error_dict") else {"": exc.error_list}
    for column, errors in by_column.items():
        for error in errors:
            wording = MODEL_ERRORS.get(error.code)
            if wording is not None:
                report.error(row, column, wording.format(**(error.params or {})))
            else:
                report.error(row, column, "; ".join(error.messages))


def prepare_profiles(entries: list[Entry], report: ImportReport) -> None:
    existing: dict[int, ClusterOrganisation] = {}
    org_ids = [e.org.pk for e in entries if not e.created]
    for chunk in chunks(org_ids):
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
        try:
            profile.clean()  # the model's rules, as the form, the services and the admin run them
        except ValidationError as exc:
            report_invalid(report, entry.row, exc)
        profile.organisation = entry.org
        profile.members_total = profile.compute_total()
        profile.is_validated = not profile.missing_criteria()
        entry.profile = profile  # type: ignore[assignment]
