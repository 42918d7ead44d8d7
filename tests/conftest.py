import pytest

from clusterhub.reference import services as reference_services
from clusterhub.reference.selectors import forget_region_index
from clusterhub.registry import facets


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


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    """Files that tests store (job results, uploads) go to a temporary media directory."""
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
