"""Full-text search behind one function, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

A searchable model keeps a denormalised ``search_document`` column, written through
:func:`normalise`. The index is created by :class:`CreateFullTextIndex` in the model's
migration: on SQLite an FTS5 table kept in step by triggers, on PostgreSQL a stored
``search_vector`` column (generated from ``search_document``, so nothing computes it at query
time) with a GIN index (:class:`StoreSearchVector`). Queries match every word of the term,
the last ones as prefixes, without regard to case or accents ("polymeris" finds "Polyméris").
"""

from __future__ import annotations

import json
import re
import unicodedata

from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"[a-z0-9]+")


def normalise(*texts: str) -> str:
    """Lower-case, accent-free text: what is stored in ``search_document``."""
    text = " ".join(t for t in texts if t)
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def words(term: str) -> list[str]:
    return _WORD.findall(normalise(term))[:12]


def filter_text(queryset: QuerySet, term: str) -> QuerySet:
    """Rows of ``queryset`` whose search document holds every word of ``term``."""
    return queryset.filter(pk__in=text_match(queryset.model, term))


def id_set(ids: list[int]) -> RawSQL:
    """A set of ids as one query parameter, usable as ``pk__in=id_set(ids)``.

    Unlike ``pk__in=[...]`` it does not grow the SQL with the list (SQLite limits the number
    of parameters), so a result set computed once can be reused by several queries.
    """
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def matching_ids(
    model,
    term: str,
    *,
    where: tuple[str, list] | None = None,
    via: tuple[str, str] | None = None,
) -> list[int]:
    """Primary keys of the ``model`` rows matching ``term``, straight from the index.

    ``where=(sql, params)`` narrows the matching rows further (e.g. ``("kind = %s", [...])``),
    which lets the database combine that condition's index with the full-text one.
    ``via=(table, column)`` returns instead the ids of the rows of ``table`` whose ``column``
    points to a matching row (e.g. the cluster profiles of matching organisations).
    """
    match = text_match(model, term)
    sql, params = match.sql, list(match.params)
    if where is not None:
        table, pk = model._meta.db_table, model._meta.pk.column
        sql = f'SELECT "{pk}" FROM "{table}" WHERE {where[0]} AND "{pk}" IN ({sql})'
        params = list(where[1]) + params
    if via is not None:
        table, column = via
        sql = f'SELECT "id" FROM "{table}" WHERE "{column}" IN ({sql})'
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def text_match(model, term: str) -> RawSQL:
    """A subquery of the primary keys of ``model`` rows matching ``term``."""
    tokens = words(term)
    table = model._meta.db_table
    pk = model._meta.pk.column
    if not tokens:
        return RawSQL(f'SELECT "{pk}" FROM "{table}"', [])
    if connection.vendor == "postgresql":
        query = " & ".join(f"{t}:*" for t in tokens)
        sql = f'SELECT "{pk}" FROM "{table}" WHERE search_vector @@ to_tsquery(\'simple\', %s)'
    else:
        query = " AND ".join(f'"{t}"*' for t in tokens)
        sql = f'SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH %s'
    return RawSQL(sql, [query])


class _TableOperation(Operation):
    """A migration operation on the full-text index of one table (no model state of its own)."""

    reversible = True

    def __init__(self, table: str):
        self.table = table

    def state_forwards(self, app_label, state):
        pass


class CreateFullTextIndex(_TableOperation):
    """Migration operation: the full-text index over ``search_document`` of one table."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        t = self.table
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{t}_fts" ON "{t}" '
                f"USING gin (to_tsvector('simple', search_document))"
            )
            return
        schema_editor.execute(
            f'CREATE VIRTUAL TABLE "{t}_fts" USING fts5(search_document, content="{t}", '
            f'content_rowid="id", tokenize="unicode61 remove_diacritics 2")'
        )
        for sql in sqlite_triggers(t):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        t = self.table
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{t}_fts"')
            return
        drop_sqlite_triggers(schema_editor, t)
        schema_editor.execute(f'DROP TABLE IF EXISTS "{t}_fts"')

    def describe(self):
        return f"Create the full-text index of {self.table}"


class RestoreFullTextIndex(_TableOperation):
    """Migration operation, after any change that makes SQLite rebuild the table (adding a
    field with a default, changing a field): SQLite drops a table's triggers with the table, so
    the index would stop following the rows. Re-creates the triggers and rebuilds the index;
    nothing to do on PostgreSQL, whose index survives ``ALTER TABLE``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        t = self.table
        if schema_editor.connection.vendor == "postgresql":
            return
        drop_sqlite_triggers(schema_editor, t)
        for sql in sqlite_triggers(t):
            schema_editor.execute(sql)
        schema_editor.execute(f'INSERT INTO "{t}_fts"("{t}_fts") VALUES (\'rebuild\')')

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.database_forwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Restore the full-text index of {self.table}"


def drop_sqlite_triggers(schema_editor, t: str) -> None:
    for suffix in ("ai", "ad", "au"):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{t}_fts_{suffix}"')


def sqlite_triggers(t: str) -> list[str]:
    """The triggers that keep the FTS5 table ``{t}_fts`` in step with the rows of ``t``."""
    return [
        f'CREATE TRIGGER "{t}_fts_ai" AFTER INSERT ON "{t}" BEGIN '
        f'INSERT INTO "{t}_fts"(rowid, search_document) '
        f"VALUES (new.id, new.search_document); END",
        f'CREATE TRIGGER "{t}_fts_ad" AFTER DELETE ON "{t}" BEGIN '
        f'INSERT INTO "{t}_fts"("{t}_fts", rowid, search_document) '
        f"VALUES ('delete', old.id, old.search_document); END",
        f'CREATE TRIGGER "{t}_fts_au" AFTER UPDATE OF search_document ON "{t}" BEGIN '
        f'INSERT INTO "{t}_fts"("{t}_fts", rowid, search_document) '
        f"VALUES ('delete', old.id, old.search_document); "
        f'INSERT INTO "{t}_fts"(rowid, search_document) '
        f"VALUES (new.id, new.search_document); END",
    ]


class StoreSearchVector(_TableOperation):
    """Migration operation (PostgreSQL; nothing to do on SQLite, whose FTS5 table is stored
    already): replace the index over ``to_tsvector(search_document)`` by a stored, generated
    ``search_vector`` column with a GIN index, so that matching rows are not re-parsed when
    the index is checked against them."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        t = self.table
        schema_editor.execute(f'DROP INDEX IF EXISTS "{t}_fts"')
        schema_editor.execute(
            f'ALTER TABLE "{t}" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
            f"(to_tsvector('simple', coalesce(search_document, ''))) STORED"
        )
        schema_editor.execute(f'CREATE INDEX "{t}_fts" ON "{t}" USING gin (search_vector)')

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        t = self.table
        schema_editor.execute(f'DROP INDEX IF EXISTS "{t}_fts"')
        schema_editor.execute(f'ALTER TABLE "{t}" DROP COLUMN IF EXISTS search_vector')
        schema_editor.execute(
            f'CREATE INDEX "{t}_fts" ON "{t}" USING gin (to_tsvector(\'simple\', search_document))'
        )

    def describe(self):
        return f"Store the search vector of {self.table}"
