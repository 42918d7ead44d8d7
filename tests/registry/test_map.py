import pytest
from django.urls import reverse

from clusterhub.registry import services
from clusterhub.registry.models import ClusterOrganisation, Organisation

pytestmark = pytest.mark.django_db


def cluster(name, country, lat, lon):
    org = services.save_organisation(
        Organisation(
            legal_name=name, kind="cluster", country_id=country, latitude=lat, longitude=lon
        )
    )
    services.save_cluster_profile(ClusterOrganisation(organisation=org))


def test_map_colours_regions_by_cluster_count_and_links_to_the_directory(client):
    cluster("Techtera", "FR", 45.76, 4.83)
    cluster("Polymeris", "FR", 46.26, 5.65)
    cluster("Silicon Saxony", "DE", 51.05, 13.74)
    response = client.get(reverse("registry:map"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="FRK2" data-count="2"' in body
    assert 'data-code="DED2" data-count="1"' in body
    assert 'data-code="ITC4" data-count="0"' in body
    assert "/clusters/?region=FRK2" in body
    assert "© EuroGeographics for the administrative boundaries." in body
    # Regions with clusters get a colour of the scale, empty ones the neutral grey.
    shapes = {s["code"]: s for s in response.context["shapes"]}
    assert shapes["FRK2"]["fill"] != shapes["ITC4"]["fill"]
    assert shapes["FRK2"]["fill"] != shapes["DED2"]["fill"]


def test_map_by_country_and_with_filters(client):
    cluster("Techtera", "FR", 45.76, 4.83)
    cluster("Silicon Saxony", "DE", 51.05, 13.74)
    body = client.get(reverse("registry:map"), {"by": "country"}).content.decode()
    assert 'data-code="FR" data-count="1"' in body
    assert "/clusters/?country=FR" in body
    body = client.get(reverse("registry:map"), {"country": "DE"}).content.decode()
    assert 'data-code="FRK2" data-count="0"' in body
    assert 'data-code="DED2" data-count="1"' in body


def test_clusters_outside_the_map_are_listed(client):
    org = services.save_organisation(
        Organisation(legal_name="Aichi cluster", kind="cluster", country_id="JP")
    )
    services.save_cluster_profile(ClusterOrganisation(organisation=org))
    response = client.get(reverse("registry:map"))
    assert ("JP", 1) in response.context["elsewhere"]


def test_clusters_are_points_and_a_region_keeps_the_filters(client):
    cluster("Techtera", "FR", 45.76, 4.83)
    cluster("Silicon Saxony", "DE", 51.05, 13.74)
    org = services.save_organisation(Organisation(legal_name="No address", kind="cluster",
                                                  country_id="FR"))  # fmt: skip
    services.save_cluster_profile(ClusterOrganisation(organisation=org))
    response = client.get(reverse("registry:map"), {"q": "techtera", "ecosystem": "textiles"})
    # Filters that match nothing leave no point; the region links keep them.
    assert response.context["points"] == []
    assert (
        "/clusters/?q=techtera&amp;ecosystem=textiles&amp;region=FRK2" in response.content.decode()
    )
    response = client.get(reverse("registry:map"), {"country": "FR"})
    points = response.context["points"]
    assert [p["name"] for p in points] == ["Techtera"]  # the one without coordinates is no point
    body = response.content.decode()
    assert "<title>Techtera" in body and 'href="/clusters/techtera/"' in body
    # the region chosen replaces the country filter rather than adding to it
    assert 'href="/clusters/?region=FRK2"' in body and "country=FR&amp;region" not in body
