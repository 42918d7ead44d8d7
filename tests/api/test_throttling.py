"""Request limits: per account when signed in, per address otherwise, and per address whoever
calls; writes have their own; refused tokens are limited per address. The counts live in the
shared cache (the database here), so every server process sees the same ones."""

import subprocess
import sys
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache

from clusterhub.core.models import ApiToken
from tests import factories

LIST = "/api/v1/reference/ecosystems"


def test_readers_past_their_limit_are_told_to_wait(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "3/min", "write": "100/min"}

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
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "100/min", "write": "1/min"}
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


def test_rotating_tokens_of_several_accounts_does_not_escape_the_address_limit(
    client, db, settings
):
    cache.clear()
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "100/min", "address": "4/min"}
    tokens = [ApiToken.issue(factories.UserFactory(), "rotate")[1] for _ in range(5)]
    statuses = [
        client.get(LIST, headers={"Authorization": f"Bearer {t}"}).status_code for t in tokens
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # From another address, the same accounts are served.
    other = client.get(
        LIST, headers={"Authorization": f"Bearer {tokens[0]}"}, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 200


def test_a_client_cannot_choose_its_address_with_a_forwarded_header(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "2/min"}
    statuses = [
        client.get(LIST, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_guessing_tokens_is_limited_per_address(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "failed_token": "3/min"}
    guesses = [
        client.get(LIST, headers={"Authorization": f"Bearer guess-{i}"}).status_code
        for i in range(4)
    ]
    assert guesses == [401, 401, 401, 429]
    # Even the right token waits, from that address: the guesser cannot tell which one works.
    token = ApiToken.issue(factories.UserFactory(), "real")[1]
    assert client.get(LIST, headers={"Authorization": f"Bearer {token}"}).status_code == 429
    assert (
        client.get(
            LIST, headers={"Authorization": f"Bearer {token}"}, REMOTE_ADDR="10.1.1.1"
        ).status_code
        == 200
    )


def test_the_counts_are_shared_by_every_process(transactional_db, settings):
    """Another process (a second server worker) sees the requests this one counted."""
    from django.db import connection
    from django.test import RequestFactory

    from clusterhub.core.api.throttling import ClientThrottle

    if connection.vendor == "sqlite":
        database = connection.settings_dict["NAME"]
        env_db = {"DATABASE_URL": f"sqlite:///{database}"}
    else:
        s = connection.settings_dict
        env_db = {
            "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
        }
    settings.API_RATE_LIMITS = {**settings.API_RATE_LIMITS, "read": "5/min"}
    request = RequestFactory().get(LIST, REMOTE_ADDR="203.0.113.9")
    request.user = AnonymousUser()
    throttle = ClientThrottle("read")
    for _ in range(3):
        assert throttle.allow_request(request)
    script = (
        f"import time; time.time = lambda: {time.time()};"  # the suite's clock
        "import django; django.setup();"
        "from django.contrib.auth.models import AnonymousUser;"
        "from django.test import RequestFactory;"
        "from django.conf import settings;"
        "settings.API_RATE_LIMITS['read'] = '5/min';"
        "from clusterhub.core.api.throttling import ClientThrottle;"
        f"r = RequestFactory().get('{LIST}', REMOTE_ADDR='203.0.113.9'); r.user = AnonymousUser();"
        "t = ClientThrottle('read');"
        "print([t.allow_request(r) for _ in range(3)])"
    )
    import os

    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env_db, "DJANGO_SETTINGS_MODULE": "clusterhub.settings"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "[True, True, False]"  # 3 here + 2 there = the 5 allowed
