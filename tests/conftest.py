import pytest

from clusterhub.reference import services as reference_services
from clusterhub.reference.selectors import forget_region_index


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data (countries, NUTS, vocabularies) is loaded once into the test database."""
    with django_db_blocker.unblock():
        reference_services.load_all()
        forget_region_index()
    yield
