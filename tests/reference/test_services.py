"""The reference data that ``services.load_all`` loads: countries, NUTS regions, vocabularies."""

import pytest

from clusterhub.reference import services
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.reference.selectors import resolve_country_code

pytestmark = pytest.mark.django_db


def test_countries_carry_eu_codes_and_status():
    greece = Country.objects.get(code="GR")
    assert greece.eu_code == "EL" and greece.status == Country.Status.MEMBER_STATE
    uk = Country.objects.get(code="GB")
    assert uk.eu_code == "UK" and uk.status == Country.Status.ASSOCIATED
    assert Country.objects.get(code="US").status == Country.Status.THIRD
    assert Country.objects.filter(status=Country.Status.MEMBER_STATE).count() == 27
    assert resolve_country_code("el") == "GR"
    assert resolve_country_code("UK") == "GB"
    assert resolve_country_code("ZZ") is None


def test_nuts_regions_at_four_levels_with_parents():
    assert NutsRegion.objects.count() == 2010
    counts = {lv: NutsRegion.objects.filter(level=lv).count() for lv in range(4)}
    assert counts == {0: 37, 1: 125, 2: 334, 3: 1514}
    ain = NutsRegion.objects.get(code="FRK21")
    assert ain.parent.code == "FRK2" and ain.parent.parent.parent.code == "FR"
    assert ain.country_id == "FR" and ain.svg_path.startswith("M")
    assert NutsRegion.objects.get(code="EL30").country_id == "GR"


def test_vocabularies():
    assert Ecosystem.objects.count() == 14
    assert Ecosystem.objects.filter(name="Proximity, social economy and civil security").exists()
    assert Technology.objects.filter(slug="artificial-intelligence").exists()
    assert NaceActivity.objects.filter(section=None).count() == 21
    assert NaceActivity.objects.get(code="22").section_id == "C"


def test_loading_twice_changes_nothing():
    before = (Country.objects.count(), NutsRegion.objects.count(), NaceActivity.objects.count())
    services.load_all()
    assert (
        Country.objects.count(),
        NutsRegion.objects.count(),
        NaceActivity.objects.count(),
    ) == before
