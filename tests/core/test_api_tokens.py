"""Personal API tokens: ``Authorization: Bearer <token>`` on the JSON API."""

import pytest
from django.test import Client
from django.urls import reverse

from clusterhub.core.models import ApiToken
from clusterhub.registry.models import Organisation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_ORG = {"legal_name": "Token Test GmbH", "kind": "company", "country": "DE"}


@pytest.fixture
def user():
    return UserFactory(username="t@example.org", email="t@example.org")


def create_org(client, raw_token=None, header=None):
    headers = {}
    if raw_token is not None:
        headers["Authorization"] = f"Bearer {raw_token}"
    if header is not None:
        headers["Authorization"] = header
    return client.post(
        "/api/v1/registry/organisations", NEW_ORG, content_type="application/json", headers=headers
    )


def test_a_token_authenticates_writes_and_records_its_use(client, user):
    token, raw = ApiToken.issue(user, "script")

    response = create_org(client, raw)

    assert response.status_code == 201, response.json()
    token.refresh_from_db()
    assert token.last_used is not None
    assert Organisation.objects.get(slug=response.json()["slug"]).team_members.get().user == user


def test_only_the_digest_is_stored(user):
    token, raw = ApiToken.issue(user, "script")

    assert raw.startswith("ch_") and len(raw) > 40
    assert token.digest == ApiToken.hash(raw) != raw
    assert token.prefix == raw[:8]
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_writing_without_a_token_is_unauthorised(client):
    response = create_org(client)

    assert response.status_code == 401
    assert response.json()["detail"]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "header",
    ["Bearer ch_not-a-token-we-ever-issued", "Bearer ", "Basic dXNlcjpwYXNz", "ch_no_scheme"],
)
def test_unknown_or_malformed_tokens_are_unauthorised(client, header):
    assert create_org(client, header=header).status_code == 401
    assert not Organisation.objects.exists()


def test_a_revoked_token_no_longer_works(client, user):
    _token, raw = ApiToken.issue(user, "script")
    assert create_org(client, raw).status_code == 201
    token = ApiToken.objects.get(user=user)

    browser = Client()
    browser.force_login(user)
    revoked = browser.post(reverse("api-tokens"), {"revoke": token.pk})

    assert revoked.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    response = client.patch(
        "/api/v1/registry/organisations/token-test-gmbh",
        {"city": "Köln"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client, user):
    _token, raw = ApiToken.issue(user, "script")
    user.is_active = False
    user.save()

    assert create_org(client, raw).status_code == 401


def test_reads_are_public_but_a_bad_token_is_still_refused(client, user):
    _token, raw = ApiToken.issue(user, "script")

    anonymous = client.get("/api/v1/registry/organisations")
    with_token = client.get(
        "/api/v1/registry/organisations", headers={"Authorization": f"Bearer {raw}"}
    )
    bad_token = client.get(
        "/api/v1/registry/organisations", headers={"Authorization": "Bearer ch_revoked-or-mistyped"}
    )

    assert anonymous.status_code == 200
    assert with_token.status_code == 200
    assert bad_token.status_code == 401


def test_a_token_needs_no_csrf_token(user):
    _token, raw = ApiToken.issue(user, "script")
    strict = Client(enforce_csrf_checks=True)

    response = create_org(strict, raw)

    assert response.status_code == 201


def test_a_session_needs_a_csrf_token_to_write(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)

    response = create_org(browser)

    assert response.status_code == 403
    assert not Organisation.objects.exists()
    # Reading with the session is fine.
    assert browser.get("/api/v1/registry/organisations").status_code == 200


def test_the_openapi_document_declares_bearer_tokens(client):
    document = client.get("/api/v1/openapi.json").json()

    schemes = document["components"]["securitySchemes"]
    assert any(s == {"type": "http", "scheme": "bearer"} for s in schemes.values())
    post = document["paths"]["/api/v1/registry/organisations"]["post"]
    assert post["security"]


def test_a_session_with_a_csrf_token_writes(user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    secret = "a" * 32
    browser.cookies["csrftoken"] = secret

    response = browser.post(
        "/api/v1/registry/organisations",
        NEW_ORG,
        content_type="application/json",
        headers={"X-CSRFToken": secret},
    )

    assert response.status_code == 201, response.json()
