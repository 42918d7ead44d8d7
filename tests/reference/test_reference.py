import pytest

from clusterhub.core.svg import colour_steps, project
from clusterhub.reference import services
from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion, Technology
from clusterhub.reference.selectors import region_for_point, resolve_country_code

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


def test_region_for_point():
    assert region_for_point(4.83, 45.76) == "FRK26"  # Lyon, Rhône
    assert region_for_point(13.74, 51.05) == "DED21"  # Dresden
    assert region_for_point(-30.0, 45.0) is None  # the Atlantic


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


def test_projection_and_colour_scale():
    x, y = project(10.0, 52.0)
    assert abs(x) < 1e-6 and abs(y) < 1e-6
    paris, berlin = project(2.35, 48.86), project(13.4, 52.52)
    assert paris[0] < berlin[0] and paris[1] > berlin[1]  # west and south of Berlin
    assert colour_steps(0) == []
    steps = colour_steps(100)
    assert steps[-1] == 100 and steps == sorted(set(steps))
