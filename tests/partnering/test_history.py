"""History pages of an opportunity (its owners) and of a consortium (who works in it)."""

import pytest
from django.urls import reverse

from clusterhub.partnering import services
from tests import factories

pytestmark = pytest.mark.django_db


def test_owners_see_the_history_of_their_opportunity(client):
    user, org = factories.team_member(first_name="Ana", last_name="Lopes")
    opp = factories.OpportunityFactory(owner=org, user=user)
    services.close_opportunity(opp, user)
    client.force_login(user)
    detail = client.get(opp.get_absolute_url()).content.decode()
    url = reverse("partnering:opportunity-history", args=[opp.pk])
    assert url in detail
    page = client.get(url).content.decode()
    assert "Ana Lopes" in page and "closed the opportunity" in page
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code in (403, 404)


def test_consortium_members_see_its_history_and_strangers_do_not(client):
    user, org = factories.team_member(first_name="Bo", last_name="Berg")
    consortium = factories.ConsortiumFactory(coordinator=org, user=user)
    services.update_note(consortium, "Kick-off on Monday", user)
    client.force_login(user)
    url = reverse("partnering:consortium-history", args=[consortium.pk])
    assert (
        url in client.get(reverse("partnering:consortium", args=[consortium.pk])).content.decode()
    )
    page = client.get(url).content.decode()
    assert "Bo Berg" in page and "updated the note" in page and "Kick-off on Monday" in page
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 404
