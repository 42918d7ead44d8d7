import sqlite3
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
import time_machine

from clusterhub.reference import services as reference_services
from clusterhub.reference.selectors import forget_region_index
from clusterhub.registry import facets
from tests import clock, msgfmt
from tests.queries import own_queries

LOCALE = Path(__file__).resolve().parent.parent / "src" / "clusterhub" / "locale"


def pytest_configure(config):
    """Compile the translations (.po → .mo) that are missing or older than their .po, so a fresh
    checkout's tests see the French pages without ``make`` or GNU gettext."""
    msgfmt.compile_stale(LOCALE)
    config.addinivalue_line(
        "markers", "real_clock: runs on the real clock instead of tests/clock.py's NOW"
    )


@pytest.fixture(autouse=True)
def _clock(request):
    """Every test runs at ``tests.clock.NOW`` (ticking), except browser tests (the browser keeps
    the real time: cookies would expire) and tests marked ``real_clock``."""
    if "live_server" in request.fixturenames or request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(clock.NOW, tick=True):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite: the test database is a file (not memory), so that a ``db_worker`` process started
    by a test (``tests/workers.py``) can open it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, NUTS, vocabularies) is loaded once into the test database."""
    with django_db_blocker.unblock():
        reference_services.load_all()
        forget_region_index()
    yield


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Reload reference data for transactional tests (``live_server`` too): their database is
    flushed after each test, reference data included."""
    facets.forget()
    if "live_server" not in request.fixturenames and "transactional_db" not in (
        request.fixturenames
    ):
        yield
        return
    request.getfixturevalue("transactional_db")
    from clusterhub.reference.models import NutsRegion

    if not NutsRegion.objects.exists():
        reference_services.load_all()
    forget_region_index()
    yield
    forget_region_index()


# Every API response the suite receives is checked against the OpenAPI document ------------


@pytest.fixture(scope="session")
def openapi_document():
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    from clusterhub.api import api
    from tests.api.openapi import OpenApiDocument

    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return OpenApiDocument(json.loads(json.dumps(document, cls=DjangoJSONEncoder)))


@pytest.fixture(autouse=True)
def _responses_match_the_openapi_document(request, monkeypatch):
    """A test that calls /api/v1/ fails when a response is not what the document says."""
    from django.test.client import Client

    document = request.getfixturevalue("openapi_document")
    problems: list[str] = []
    plain_request = Client.request

    def checked_request(self, **environ):
        response = plain_request(self, **environ)
        problems.extend(
            document.problems(
                environ.get("REQUEST_METHOD", "GET"),
                environ.get("PATH_INFO", ""),
                response.status_code,
                response.get("Content-Type", ""),
                getattr(response, "content", b"") if not response.streaming else b"",
            )
        )
        return response

    monkeypatch.setattr(Client, "request", checked_request)
    yield
    assert not problems, "Responses that the OpenAPI document does not describe:\n" + "\n".join(
        problems
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Files that tests store (job results, uploads) go to a temporary media directory."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with ``Accept-Language: fr`` leaves
    French active in the thread, which would leak into the next test's messages."""
    from django.utils import translation

    yield
    translation.deactivate()


@contextmanager
def _assert_queries(num: int, exact: bool, connection=None, info=None):
    from django.db import connection as default_connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection or default_connection) as context:
        yield context
    own = own_queries(context.captured_queries)
    failed = len(own) != num if exact else len(own) > num
    if failed:
        sqls = "\n".join(f"{i}. {q['sql']}" for i, q in enumerate(own, 1))
        expected = f"{num}" if exact else f"at most {num}"
        extra = f"\n{info}" if info else ""
        pytest.fail(f"Expected {expected} queries, {len(own)} were made:{extra}\n{sqls}")


@pytest.fixture
def django_assert_num_queries():
    return partial(_assert_queries, exact=True)


@pytest.fixture
def django_assert_max_num_queries():
    return partial(_assert_queries, exact=False)


@pytest.fixture
def race_database(transactional_db, _reference_data, tmp_path):
    """Threads that race for real, each with its own connection and committing transactions.

    On PostgreSQL nothing changes. On SQLite, pytest-django's test database lives in memory,
    shared between threads through SQLite's shared cache, whose table locks fail at once
    ("database table is locked") instead of waiting like a file database's locks (BEGIN
    IMMEDIATE + busy timeout, as in production). So the test runs on a file copy (SQLite's
    backup API, as Django's own test cloning does) made once the reference data is loaded, and
    the in-memory database, untouched, comes back afterwards.
    """
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    settings_dict = connection.settings_dict  # shared with the threads' connections
    memory_name = settings_dict["NAME"]
    connection.ensure_connection()
    memory = connection.connection  # stays open: the in-memory database lives while it does
    copy = sqlite3.connect(tmp_path / "race.sqlite3")
    memory.backup(copy)
    copy.close()
    connection.connection = None  # the next query connects to the file
    settings_dict["NAME"] = str(tmp_path / "race.sqlite3")
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = memory_name
        connection.connection = memory
