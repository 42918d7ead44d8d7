"""Region pages (NUTS 0 to 2): the region's clusters, events, specialisations and indicators,
linked from the map."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from clusterhub.insights.models import Employment, Indicator, IndicatorValue
from clusterhub.reference.models import NutsRegion
from tests import factories as f

pytestmark = pytest.mark.django_db

GERMAN = ["DE11", "DE12", "DE13", "DE14", "DE21", "DE22", "DE23", "DE24", "DE25"]


def test_a_region_gathers_its_clusters_events_specialisations_and_indicators(client):
    rhone = NutsRegion.objects.get(code="FRK26")
    f.ClusterOrganisationFactory(organisation__legal_name="Plastipolis",
                                 organisation__nuts_region=rhone)  # fmt: skip
    f.EventFactory(title="Clusters meet Regions", nuts_region=rhone)
    # ten regions; FRK2 lives on plastics (division 22)
    for code in GERMAN:
        Employment.objects.create(region=code, sector="22", year=2014, persons=100)
        Employment.objects.create(region=code, sector="10", year=2014, persons=900)
    Employment.objects.create(region="FRK2", sector="22", year=2014, persons=800)
    Employment.objects.create(region="FRK2", sector="10", year=2014, persons=200)
    region = Indicator.objects.create(
        region=NutsRegion.objects.get(code="FRK"),
        name="Companies",
        unit="companies",
        source="Region",
    )
    IndicatorValue.objects.create(indicator=region, period=datetime.date(2023, 1, 1),
                                  value=Decimal(22000), note="More than 22,000.")  # fmt: skip
    page = client.get(reverse("insights:region", args=["FRK2"])).content.decode()
    assert "Rhône-Alpes" in page and "Plastipolis" in page and "Clusters meet Regions" in page
    assert "Specialisations (2014)" in page and "★ specialisation" in page
    assert "Source: Eurostat (sbs_r_nuts06_r2)" in page
    assert "EuroGeographics" in page
    assert 'href="/regions/FRK/"' in page  # the larger region
    larger = client.get(reverse("insights:region", args=["FRK"])).content.decode()
    assert "Companies</a>: <strong>22,000</strong> companies" in larger
    assert 'href="/regions/FRK2/"' in larger and 'href="/regions/FRK1/"' in larger
    assert client.get(reverse("insights:region", args=["FR"])).status_code == 200
    assert client.get(reverse("insights:region", args=["FRK26"])).status_code == 404  # level 3
    assert client.get(reverse("insights:region", args=["ZZ99"])).status_code == 404


def test_the_map_links_to_region_pages(client):
    f.ClusterOrganisationFactory(organisation__nuts_region=NutsRegion.objects.get(code="FRK26"))
    page = client.get(reverse("registry:map")).content.decode()
    assert 'href="/regions/FRK2/"' in page


def test_the_specialisation_page_table_map_and_csv_agree(client):
    for code in GERMAN:
        Employment.objects.create(region=code, sector="22", year=2014, persons=100)
        Employment.objects.create(region=code, sector="10", year=2014, persons=900)
    Employment.objects.create(region="FRK2", sector="22", year=2014, persons=800)
    Employment.objects.create(region="FRK2", sector="10", year=2014, persons=200)
    Employment.objects.create(region="FR71", sector="22", year=2014, persons=10)
    page = client.get(reverse("insights:specialisation"), {"sector": "22"}).content.decode()
    # FRK2: 80% of its jobs in 22, against 1,710 of 10,010 overall → LQ 4.68
    assert '<td class="num" data-label="Location quotient">4.68</td>' in page
    assert 'data-code="FRK2"' in page and 'data-code="FR71"' not in page
    assert "1 region uses a code of an earlier NUTS version" in page
    response = client.get(reverse("insights:specialisation"), {"sector": "22", "format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    frk2 = next(line for line in lines if line.startswith("FRK2,"))
    assert (
        frk2
        == "FRK2,Rhône-Alpes,22,Manufacture of rubber and plastic products,2014,800,4.683,1,1,1"
    )
    assert lines[-1].startswith("Source: Eurostat")
    assert client.get(reverse("insights:specialisation"), {"sector": "ZZ"}).status_code == 404
    assert client.get(reverse("insights:specialisation"), {"year": "1999"}).status_code == 404
