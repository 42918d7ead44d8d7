import pytest

from clusterhub.reference import services as reference_services
from clusterhub.reference.selectors import forget_region_index
from clusterhub.registry import facets


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
def _default_language():
    """Each test starts in the default language: a request with ``Accept-Language: fr`` leaves
    French active in the thread, which would leak into the next test's messages."""
    from django.utils import translation

    yield
    translation.deactivate()
