"""Every section's bare address answers: a page, or a redirect to the section's first page
(or to "My Clusterhub" for one's own applications, reviews, tickets and invitations)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/clusters/", "/organisations/", "/map/", "/events/", "/partnering/", "/opportunities/",
    "/funding-calls/", "/consortia/", "/calls/", "/consultations/", "/news/", "/action-plans/",
    "/account/", "/applications/", "/reviews/", "/tickets/", "/invitations/", "/juries/", "/me/",
])  # fmt: skip
def test_a_bare_section_address_answers(client, path):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(path, follow=True)
    assert response.status_code == 200, path
