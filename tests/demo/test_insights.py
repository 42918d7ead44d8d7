"""The demo's insights: the AFPC figures, the Auvergne-Rhône-Alpes profile and the Eurostat
table behind the specialisation pages, with their sources."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusterhub.insights.models import Employment, Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_figures_and_the_specialisation_of_rhone_alpes(client):
    call_command("load_demo", stdout=StringIO())
    assert Employment.objects.count() > 100_000
    afpc = Indicator.objects.get(name="Members who coordinate European projects")
    page = client.get(afpc.get_absolute_url()).content.decode()
    assert "116" in page and "AFPC, Europe figures of the competitiveness clusters" in page
    region = client.get(reverse("insights:region", args=["FRK"])).content.decode()
    assert "Jobs in metallurgy</a>: <strong>85,000</strong> jobs" in region
    rhone = client.get(reverse("insights:region", args=["FRK2"])).content.decode()
    assert "Specialisations (2014)" in rhone and "Source: Eurostat (sbs_r_nuts06_r2)" in rhone
    plastics = client.get(reverse("insights:specialisation"), {"sector": "22"}).content.decode()
    assert 'data-code="FRK2"' in plastics and "EuroGeographics" in plastics
    call_command("load_demo", stdout=StringIO())
    assert Indicator.objects.filter(name=afpc.name).count() == 1
