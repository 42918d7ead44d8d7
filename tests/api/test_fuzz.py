"""A bounded fuzz run of the whole OpenAPI document (schemathesis): as anonymous, as an
ordinary user and as staff, no operation answers a server error, and every response is one
the document describes (status, content type, body).

``API_FUZZ_EXAMPLES`` sets the examples per operation and role (default 6; ``make test``
runs the default, a longer run is ``API_FUZZ_EXAMPLES=200 pytest tests/api/test_fuzz.py``).
"""

import os
import zlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clusterhub.core.models import ApiToken
from tests import factories

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def known_records(db):
    """Records for the generated requests to meet, by ``app.collection.parameter`` (or
    ``app.parameter``): an organisation with a profile team, a cluster, a person; an event
    with B2B meetings and a session; an opportunity, a funding call, a consortium."""
    owner = factories.UserFactory(username="fuzz-owner")
    cluster = factories.ClusterOrganisationFactory(organisation__legal_name="Fuzz Cluster")
    factories.ProfileTeamMemberFactory(organisation=cluster.organisation, user=owner)
    person = factories.PersonFactory(organisation=cluster.organisation)
    slug = cluster.organisation.slug
    matchmaking = factories.MatchmakingFactory()
    factories.MatchmakingSessionFactory(matchmaking=matchmaking)
    event = matchmaking.event
    session = factories.SessionFactory(event=event)
    opportunity = factories.OpportunityFactory(owner=cluster.organisation, user=owner)
    consortium = factories.ConsortiumFactory(coordinator=cluster.organisation, user=owner)
    return {
        "registry.slug": slug,
        "registry.person_id": person.pk,
        "registry.member_slug": slug,
        "events.slug": event.slug,
        "events.session_id": session.pk,
        "matchmaking.slug": event.slug,
        "partnering.opportunities.pk": opportunity.pk,
        "partnering.calls.pk": consortium.call_id,
        "partnering.consortia.pk": consortium.pk,
    }


def known(records: dict, path: str, name: str, value):
    app, collection = (path.split("/") + ["", ""])[3:5]
    return records.get(f"{app}.{collection}.{name}", records.get(f"{app}.{name}", value))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections after each request; the test's
    transaction must outlive it (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def headers_for(db, settings):
    settings.API_RATE_LIMITS = {
        **settings.API_RATE_LIMITS,
        "read": "100000/min",
        "write": "100000/min",
        "address": "100000/min",
    }
    tokens = {}
    for role, traits in (("user", {}), ("staff", {"staff": True})):
        user = factories.UserFactory(username=f"fuzz-{role}", **traits)
        tokens[role] = {"Authorization": f"Bearer {ApiToken.issue(user, 'fuzz')[1]}"}
    tokens["anonymous"] = {}
    return tokens


@pytest.mark.parametrize("role", ["anonymous", "user", "staff"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, role, headers_for, known_records):
    # Half the examples address the known records, so the fuzz reaches past the 404.
    if case.path_parameters and zlib.crc32(repr(case.path_parameters).encode()) % 2 == 0:
        case.path_parameters = {
            name: known(known_records, case.path, name, value)
            for name, value in case.path_parameters.items()
        }
    case.call_and_validate(headers=headers_for[role], checks=CHECKS)
