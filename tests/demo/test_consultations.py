"""The demo consultation: Régions de France, closed on 7 March 2022, generated answers said so."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_consultation_shows_its_generated_results(client):
    from clusterhub.consultations.models import Consultation

    call_command("load_demo", stdout=StringIO())
    consultation = Consultation.objects.get(slug="future-of-clusters-policy")
    assert consultation.closes_at.isoformat().startswith("2022-03-07T22:59")
    assert consultation.sections.count() == 4
    page = client.get(reverse("consultations:results", args=[consultation.slug])).content.decode()
    assert "300</strong> respondents" in page
    assert "generated for the demonstration" in page
    statements = client.get(reverse("consultations:statements", args=[consultation.slug]))
    assert "What every group agrees on" in statements.content.decode()
    call_command("load_demo", stdout=StringIO())  # a second run adds nothing
    assert consultation.responses.count() == 300
