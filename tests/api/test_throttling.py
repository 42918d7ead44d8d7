"""Request limits: per account when signed in, per address otherwise; writes have their own."""

from django.core.cache import cache

from clusterhub.core.models import ApiToken
from tests import factories

LIST = "/api/v1/reference/ecosystems"


def test_readers_past_their_limit_are_told_to_wait(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {"read": "3/min", "write": "100/min"}

    statuses = [client.get(LIST).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get(LIST)
    assert "try again" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= 1
    # Another account is counted on its own.
    user = factories.UserFactory()
    token = ApiToken.issue(user, "limits")[1]
    assert client.get(LIST, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_writes_are_limited_apart_from_reads(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {"read": "100/min", "write": "1/min"}
    user = factories.UserFactory()
    headers = {"Authorization": f"Bearer {ApiToken.issue(user, 'limits')[1]}"}
    body = {"legal_name": "Limited GmbH", "country": "DE", "kind": "company"}

    first = client.post(
        "/api/v1/registry/organisations", body, content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/registry/organisations", body, content_type="application/json", headers=headers
    )

    assert first.status_code == 201
    assert second.status_code == 429
    assert client.get(LIST, headers=headers).status_code == 200
