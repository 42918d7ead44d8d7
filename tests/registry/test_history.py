"""The history page of an organisation: its team sees who changed what, in order, with the
changes before → after; strangers are refused; the page does not query per entry."""

import pytest
from django.urls import reverse

from clusterhub.core import audit
from clusterhub.registry import services
from clusterhub.registry.models import Organisation
from tests import factories

pytestmark = pytest.mark.django_db


def edit(org, user, **fields):
    org = Organisation.objects.get(pk=org.pk)
    for name, value in fields.items():
        setattr(org, name, value)
    with audit.acting(user, source="web"):
        services.save_organisation(org)


def test_the_team_sees_who_changed_what(client):
    user, org = factories.team_member(first_name="Ana", last_name="Lopes")
    edit(org, user, city="Lyon")
    client.force_login(user)
    detail = client.get(org.get_absolute_url()).content.decode()
    url = reverse("registry:history", args=[org.slug])
    assert url in detail
    page = client.get(url).content.decode()
    assert "Ana Lopes" in page and "saved the organisation" in page
    assert "Lyon" in page
    assert user.email not in page


def test_the_history_is_paginated_and_in_french(client):
    user, org = factories.team_member()
    for i in range(25):
        edit(org, user, city=f"Ville {i}")
    client.force_login(user)
    url = reverse("registry:history", args=[org.slug])
    first = client.get(url).content.decode()
    assert "Ville 24" in first and "Ville 3<" not in first and "Page 1 of 2" in first
    second = client.get(url + "?page=2").content.decode()
    assert "Ville 3" in second
    french = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Historique" in french and "a enregistré l’organisation" in french


def test_a_stranger_is_refused(client):
    _user, org = factories.team_member()
    url = reverse("registry:history", args=[org.slug])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403


def test_staff_see_the_history_with_the_address(client):
    user, org = factories.team_member()
    edit(org, user, city="Lyon")
    client.force_login(factories.UserFactory(staff=True, is_superuser=True))
    page = client.get(reverse("registry:history", args=[org.slug]))
    assert page.status_code == 200 and "Lyon" in page.content.decode()
