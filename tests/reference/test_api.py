"""Reference data through the JSON API: public, read-only, paginated."""

import pytest

from clusterhub.reference.models import Country, Ecosystem, NaceActivity, NutsRegion

pytestmark = pytest.mark.django_db

API = "/api/v1/reference"


def test_countries_are_paginated_and_filtered_by_status(client):
    everything = client.get(f"{API}/countries").json()
    members = client.get(f"{API}/countries", {"status": "member_state", "limit": 50}).json()

    assert everything["count"] == Country.objects.count()
    assert len(everything["items"]) == 100
    assert everything["next"] is not None
    assert members["count"] == 27
    greece = next(c for c in members["items"] if c["code"] == "GR")
    assert greece["eu_code"] == "EL"
    assert members["next"] is None


def test_nuts_regions_by_level_and_country(client):
    body = client.get(f"{API}/nuts", {"level": 2, "country": "be", "limit": 1000}).json()

    assert body["count"] == NutsRegion.objects.filter(level=2, country_id="BE").count() > 0
    assert all(r["code"].startswith("BE") and r["level"] == 2 for r in body["items"])
    assert "geometry" not in body["items"][0]


def test_nuts_pages_follow_each_other(client):
    page = client.get(f"{API}/nuts", {"limit": 1000}).json()
    codes = [r["code"] for r in page["items"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        assert page["previous"] is not None
        codes += [r["code"] for r in page["items"]]

    assert len(codes) == len(set(codes)) == NutsRegion.objects.count()


def test_nuts_region_by_code_in_any_case(client):
    response = client.get(f"{API}/nuts/fr101")

    assert response.status_code == 200
    assert response.json()["parent_id"] == "FR10"
    assert client.get(f"{API}/nuts/ZZ999").status_code == 404


def test_vocabularies(client):
    ecosystems = client.get(f"{API}/ecosystems").json()
    technologies = client.get(f"{API}/technologies").json()
    nace = client.get(f"{API}/nace", {"limit": 1000}).json()

    assert ecosystems["count"] == Ecosystem.objects.count() == 14
    assert {"slug": "digital", "name": "Digital"} in ecosystems["items"]
    assert technologies["count"] > 0
    assert nace["count"] == NaceActivity.objects.count()
    division = next(n for n in nace["items"] if n["code"] == "26")
    assert division["section_id"] == "C"


def test_page_size_is_bounded(client):
    response = client.get(f"{API}/nuts", {"limit": 100_000})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_reference_lists_do_not_query_per_row(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get(f"{API}/nuts", {"limit": 1000}).json()

    assert len(body["items"]) == 1000
