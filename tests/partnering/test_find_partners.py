"""Finding partners: the page and the API, on the demo registry with the CORDIS sample."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusterhub.partnering import recommendations
from clusterhub.registry.models import Organisation, ProfileTeamMember
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("partnering:find-partners")
API = "/api/v1/partnering/partners"


@pytest.fixture
def demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    recommendations.forget()
    yield
    recommendations.forget()


def shown(response) -> list[str]:
    """The organisations the results list names, in order."""
    html = response.content.decode()
    section = html.split('id="results"', 1)[1]
    return re.findall(r'<li>\s*<a href="/(?:clusters|organisations)/[^"]+">([^<]+)</a>', section)


def test_a_plastics_cluster_in_another_country(client, demo):
    polymeris = Organisation.objects.get(slug="polymeris")
    user = UserFactory()
    ProfileTeamMember.objects.create(user=user, organisation=polymeris)
    client.force_login(user)
    response = client.get(
        PAGE, {"q": "a plastics cluster in another country", "organisation": "polymeris"}
    )
    assert response.status_code == 200
    names = shown(response)
    plastics_clusters_abroad = {
        "Plastival",
        "Plastics Cluster Upper Austria",
        "Pool-Net",
        "Proplast",
    }
    assert set(names[:4]) == plastics_clusters_abroad
    assert "Plastipolis" not in names and "Polymeris" not in names  # French, like Polymeris
    assert "shares topics: plastics" in response.content.decode()
    assert "Past projects: CORDIS, European Commission." in response.content.decode()


def test_the_page_asks_for_something_and_offers_only_ones_own_organisations(client, demo):
    response = client.get(PAGE, {"q": ""})
    assert "Say what the partners are for" in response.content.decode()
    assert 'id="results"' not in response.content.decode()
    # a visitor cannot ask in an organisation's name
    response = client.get(PAGE, {"q": "plastics", "organisation": "polymeris"})
    assert "Select a valid choice" in response.content.decode()


def test_the_page_in_french(client, demo):
    response = client.get(PAGE, {"q": "recyclage des plastiques"}, HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert "Trouver des partenaires" in html
    assert "Que doivent faire les partenaires" in html
    assert shown(response)


def test_the_api_recommends_with_reasons_and_names_bad_input(client, demo):
    found = client.get(API, {"text": "plastics cluster", "organisation": "polymeris", "k": 5})
    assert found.status_code == 200, found.content
    body = found.json()
    assert len(body) == 5
    assert all(item["reasons"] for item in body)
    assert body[0]["organisation"]["slug"] != "polymeris"
    bad = client.get(API, {"text": "plastics", "country": "Atlantis"})
    assert bad.status_code == 400
    assert "country" in bad.content.decode()
    nothing = client.get(API, {})
    assert nothing.status_code == 400
    assert "Say what the partners are for" in nothing.content.decode()
