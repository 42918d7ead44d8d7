"""The error envelope: bad requests answer 4xx with a JSON body naming what is wrong."""

import pytest

from clusterhub.core.models import ApiToken
from tests import factories


@pytest.fixture
def staff_headers(db):
    staff = factories.UserFactory(staff=True)
    return {"Authorization": f"Bearer {ApiToken.issue(staff, 'errors')[1]}"}


def test_multipart_without_boundary_is_a_400_naming_the_header(client, staff_headers):
    response = client.post(
        "/api/v1/registry/imports/organisations",
        data=b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nname\r\n--x--\r\n",
        content_type="multipart/form-data",
        headers=staff_headers,
    )

    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "Content-Type"
    assert "boundary" in body["detail"]


def test_unknown_address_is_a_404_in_the_envelope(client, db):
    response = client.get("/api/v1/registry/clusters/no-such-cluster")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_body_that_does_not_parse_names_the_field(client, staff_headers):
    response = client.post(
        "/api/v1/registry/organisations",
        {"legal_name": "X", "country": "FR", "kind": "spaceship"},
        content_type="application/json",
        headers=staff_headers,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


@pytest.mark.parametrize("field", ["legal_name", "country", "kind", "is_sme", "ecosystems"])
def test_patch_with_null_for_a_field_that_cannot_be_empty_is_a_422_naming_it(
    client, staff_headers, field
):
    org = factories.OrganisationFactory()

    response = client.patch(
        f"/api/v1/registry/organisations/{org.slug}",
        {field: None},
        content_type="application/json",
        headers=staff_headers,
    )

    assert response.status_code == 422, response.json()
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_patch_with_null_where_empty_is_allowed_clears_it(client, staff_headers):
    org = factories.OrganisationFactory(latitude=48.1, longitude=11.5)

    response = client.patch(
        f"/api/v1/registry/organisations/{org.slug}",
        {"latitude": None, "longitude": None},
        content_type="application/json",
        headers=staff_headers,
    )

    assert response.status_code == 200, response.json()
    assert response.json()["latitude"] is None


CLUSTER_FIELDS = [
    "founding_year",
    "members_companies",
    "members_smes",
    "management_fte",
    "support_programmes",
    "languages",
    "contact_name",
    "contact_email",
    "contact_phone",
    "labels",
    "description",
    "website",
    "city",
]


@pytest.mark.parametrize("field", CLUSTER_FIELDS)
def test_patch_of_a_cluster_with_null(client, staff_headers, field):
    profile = factories.ClusterOrganisationFactory()

    response = client.patch(
        f"/api/v1/registry/clusters/{profile.organisation.slug}",
        {field: None},
        content_type="application/json",
        headers=staff_headers,
    )

    if field == "founding_year":  # may be unknown
        assert response.status_code == 200, response.json()
        assert response.json()["founding_year"] is None
    else:
        assert response.status_code == 422, response.json()
        assert [e["field"] for e in response.json()["errors"]] == [field]


def test_deleting_what_others_still_use_is_a_409_saying_what(client, staff_headers):
    consortium = factories.ConsortiumFactory()
    org = consortium.coordinator

    response = client.delete(f"/api/v1/registry/organisations/{org.slug}", headers=staff_headers)

    assert response.status_code == 409
    assert f"“{consortium}”" in response.json()["detail"]
    assert type(org).objects.filter(pk=org.pk).exists()


def test_a_nul_character_in_a_filter_is_a_422_naming_it(client, db):
    response = client.get("/api/v1/registry/clusters", {"q": "pla\x00stics"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["q"]


def test_a_time_with_any_offset_is_stored_as_the_same_instant(client, db):
    organiser = factories.UserFactory()
    event = factories.EventFactory(organiser=organiser)
    headers = {"Authorization": f"Bearer {ApiToken.issue(organiser, 'times')[1]}"}

    response = client.patch(
        f"/api/v1/events/{event.slug}",
        {"end": "2060-05-16T21:14:07-23:19"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.end.isoformat() == "2060-05-17T20:33:07+00:00"


def test_a_time_before_1970_is_a_422_naming_it(client, db):
    organiser = factories.UserFactory()
    event = factories.EventFactory(organiser=organiser)
    headers = {"Authorization": f"Bearer {ApiToken.issue(organiser, 'times')[1]}"}

    response = client.patch(
        f"/api/v1/events/{event.slug}",
        {"start": "0101-09-20T09:56:17-01:20"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["start"]


def test_writing_without_a_token_says_how_to_sign_in(client, db):
    response = client.post("/api/v1/registry/organisations", {}, content_type="application/json")

    assert response.status_code == 401
    assert "API token" in response.json()["detail"]
