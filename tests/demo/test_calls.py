"""The demo's calls: the 2023 awards with an illustrative jury and published results."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from clusterhub.calls.models import Assignment, Call, Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_2023_awards_have_an_illustrative_jury_and_their_winners_page(client):
    call_command("load_demo", stdout=StringIO())
    call = Call.objects.get(slug="les-poles-pour-l-europe-2023")
    assert call.deadline.isoformat() == "2023-09-14T21:59:59+00:00"
    assert call.criteria.count() == 3
    for application in call.applications.all():
        assert Assignment.objects.filter(application=application).count() == 2
    assert Review.objects.filter(assignment__juror__call=call, submitted_at__isnull=False).exists()
    assert all("(illustrative)" in j.name for j in call.jurors.all())
    page = client.get(reverse("calls:results", args=[call.slug])).content.decode()
    assert "Polymeris" in page or "POLYMERIS" in page.upper()
    assert "(illustrative result)" in page
    # loading again adds nothing
    call_command("load_demo", stdout=StringIO())
    assert Review.objects.filter(assignment__juror__call=call).count() == len(
        Assignment.objects.filter(juror__call=call)
    )
