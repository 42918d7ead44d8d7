"""The full-text indexes follow their rows after every migration: on SQLite a migration that
rebuilds a table drops its triggers, and ``RestoreFullTextIndex`` must then follow it."""

import pytest
from django.db import connection

from clusterhub.core.search import matching_ids
from clusterhub.partnering.models import Opportunity
from clusterhub.registry.models import Organisation
from tests.factories import OpportunityFactory, OrganisationFactory


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 triggers")
@pytest.mark.django_db
def test_every_full_text_table_has_the_triggers_that_keep_it_in_step():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%\\_fts' ESCAPE '\\'"
        )
        tables = [row[0][: -len("_fts")] for row in cursor.fetchall()]
        cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert {"registry_organisation", "partnering_opportunity"} <= set(tables)
    for table in tables:
        assert {f"{table}_fts_ai", f"{table}_fts_ad", f"{table}_fts_au"} <= triggers, table


@pytest.mark.django_db
def test_new_rows_are_found_by_their_words():
    org = OrganisationFactory(legal_name="Polyméris Compounders")
    opp = OpportunityFactory(title="Recycled polymer foams")
    assert matching_ids(Organisation, "polymeris") == [org.pk]
    assert opp.pk in matching_ids(Opportunity, "foams")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored vector")
@pytest.mark.django_db
def test_postgresql_searches_a_stored_vector_through_its_index():
    """The vector is stored (generated from the search document), so a match re-parses
    nothing, and it follows every change of the document."""
    with connection.cursor() as cursor:
        for table in ("registry_organisation", "partnering_opportunity"):
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = 'search_vector'",
                [table],
            )
            assert cursor.fetchone() == ("ALWAYS",), table
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_fts"])
            assert "gin (search_vector)" in cursor.fetchone()[0]
    org = OrganisationFactory(legal_name="Vegepolys Valley")
    assert matching_ids(Organisation, "vegepol") == [org.pk]
    org.legal_name = "Terralia Valley"
    org.save()
    from clusterhub.registry import services

    services.refresh_search_document(org)
    assert matching_ids(Organisation, "vegepol") == []
    assert matching_ids(Organisation, "terralia") == [org.pk]
