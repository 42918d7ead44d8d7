import pytest

from clusterhub.core.slugs import SlugMaker, make_slug, unique_slug
from clusterhub.reference.models import Country
from clusterhub.registry.models import Organisation


def test_make_slug_cuts_the_base_and_keeps_the_suffix():
    assert make_slug("Pôle Véhicule du Futur") == "pole-vehicule-du-futur"
    assert make_slug("x" * 150, "12") == "x" * 100 + "-12"
    assert make_slug("???", fallback="event") == "event"


def test_unique_slug_against_a_set_a_function_and_a_table():
    taken = {"agri-food", "agri-food-2"}
    assert unique_slug("Agri Food", taken) == "agri-food-3"
    assert unique_slug("Agri Food", taken.__contains__) == "agri-food-3"
    assert unique_slug("Other", taken) == "other"


@pytest.mark.django_db
def test_unique_slug_against_a_table_leaves_out_the_row_renamed():
    Country.objects.get_or_create(code="FR", defaults={"name": "France"})
    org = Organisation.objects.create(legal_name="Agri Food", slug="agri-food", country_id="FR")
    rows = Organisation.objects.all()
    assert unique_slug("Agri Food", rows) == "agri-food-2"
    assert unique_slug("Agri Food", rows, exclude_pk=org.pk) == "agri-food"


def test_slug_maker_gives_the_same_slugs_as_unique_slug():
    taken = {"a", "a-2"}
    make = SlugMaker(set(taken))
    made = [make("A") for _ in range(3)]
    assert made == ["a-3", "a-4", "a-5"]
    assert unique_slug("A", taken | {"a-3", "a-4"}) == "a-5"
