"""Writing the prepared rows in bulk: raw INSERT/UPDATE statements (executemany on SQLite, COPY
on PostgreSQL), no query and no statement compilation per row.

Everything written here has been checked before by the parsing and by the models' own rules
(:mod:`.matching` runs ``ClusterOrganisation.clean``); these functions only write, inside the
caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connection, models
from django.utils import timezone

from ..models import ClusterLabel, ClusterOrganisation, Organisation
from .columns import MEMBER_COLUMNS
from .parsing import Entry
from .report import ImportReport

BATCH_SIZE = 1000
THROUGH_BATCH_SIZE = 2000


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


def chunks(items: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


TOPIC_RELATIONS = (
    # relation on Organisation, Entry attribute, column of the through table
    ("ecosystems", "ecosystems", "ecosystem_id"),
    ("technologies", "technologies", "technology_id"),
    ("nace_activities", "nace", "naceactivity_id"),
)


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


def insert_tuples(table: str, columns: list[str], rows: Iterable[list | tuple]) -> None:
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


def insert_rows(model, names: list[str], objs: list) -> None:
    """INSERT objects in bulk, without Django's per-object statement compilation."""
    columns = [model._meta.get_field(n).column for n in names]
    for chunk in chunks(objs, BATCH_SIZE):
        insert_tuples(model._meta.db_table, columns, _db_rows(model, names, chunk))


def insert_objects(model, names: list[str], objs: list, key: str) -> None:
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
        insert_rows(model, ["id", *names], objs)
    else:
        insert_rows(model, names, objs)
        attname = model._meta.get_field(key).attname
        ids: dict[Any, int] = {}
        for chunk in chunks([getattr(obj, attname) for obj in objs]):
            ids.update(model.objects.filter(**{f"{key}__in": chunk}).values_list(key, "id"))
        for obj in objs:
            obj.pk = ids[getattr(obj, attname)]
    for obj in objs:
        obj._state.adding = False


def update_rows(model, names: list[str], objs: list) -> None:
    """UPDATE … WHERE id = … in bulk (executemany)."""
    if not objs:
        return
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(model._meta.get_field(n).column)} = %s" for n in names)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {assignments} WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        for chunk in chunks(objs, BATCH_SIZE):
            cursor.executemany(sql, _db_rows(model, names, chunk, extra=("pk",)))


def write_organisations(entries: list[Entry], report: ImportReport) -> None:
    new = [e.org for e in entries if e.created]
    insert_objects(Organisation, ORG_INSERT_FIELDS, new, key="slug")
    # Updates grouped by the fields that changed: no index or full-text work for the rest.
    groups: dict[tuple[str, ...], list[Organisation]] = {}
    for entry in entries:
        if not entry.created and entry.changed:
            groups.setdefault((*entry.changed, "updated"), []).append(entry.org)
    for fields, objs in groups.items():
        update_rows(Organisation, list(fields), objs)
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
        for chunk in chunks(replaced):
            through.objects.filter(organisation_id__in=chunk).delete()
        links = [(e.org.pk, value) for e in given for value in getattr(e, attr)]
        columns = [m2m.m2m_column_name(), m2m.m2m_reverse_name()]
        for chunk in chunks(links, THROUGH_BATCH_SIZE):
            insert_tuples(through._meta.db_table, columns, chunk)


PROFILE_INSERT_FIELDS = [*PROFILE_WRITE_FIELDS, "organisation", "created"]
LABEL_FIELDS = [
    "cluster",
    "scheme",
    "level",
    "awarded_by",
    "valid_from",
    "valid_until",
    "verified_at",
]


def write_profiles(entries: list[Entry], report: ImportReport) -> None:
    new, old = [], []
    for entry in entries:
        profile: ClusterOrganisation = entry.profile  # type: ignore[assignment]
        profile.organisation_id = entry.org.pk
        (old if profile.pk else new).append(profile)
    now = timezone.now()
    for profile in new:
        profile.created = profile.updated = now
    insert_objects(ClusterOrganisation, PROFILE_INSERT_FIELDS, new, key="organisation")
    update_rows(ClusterOrganisation, PROFILE_WRITE_FIELDS, old)
    report.counts["profiles_created"] = len(new)
    report.counts["profiles_updated"] = len(old)

    given = [e for e in entries if e.labels is not None]
    replaced = {p.pk for p in old}
    for chunk in chunks([e.profile.pk for e in given if e.profile.pk in replaced]):
        ClusterLabel.objects.filter(cluster_id__in=chunk).delete()
    imported_at = timezone.now()  # imports are run by platform staff: their labels are verified
    labels = [
        ClusterLabel(
            cluster_id=e.profile.pk,
            scheme=scheme,
            level=level,
            valid_until=until,
            verified_at=imported_at,
        )
        for e in given
        for scheme, level, until in e.labels
    ]
    insert_rows(ClusterLabel, LABEL_FIELDS, labels)
    report.counts["labels"] = len(labels)
