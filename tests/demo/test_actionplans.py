"""The demo's joint action plan: CLUSTERPLAST, with its seven axes, said to be illustrative."""

from io import StringIO

import pytest
from django.core.management import call_command

from clusterhub.actionplans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_clusterplast_plan_shows_its_axes_progress_and_the_lyon_event(client):
    call_command("load_demo", stdout=StringIO())
    plan = Plan.objects.get(slug="clusterplast-joint-action-plan")
    assert plan.axes.count() == 7
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Illustrative: the seven axes, the partners and the Lyon event are real" in page
    assert "Sharing of RTD infrastructures" in page and "Mutual learning and mentoring" in page
    # the final event is linked to the real demo event, which was held: the action is done
    assert "CLUSTERPLAST: toward a common European and regional strategy" in page
    assert "done: everything linked happened" in page
    assert "(Illustrative.)" in page
    # the partners' registry pages list the plan
    proplast = client.get(plan.partners.get(slug="proplast").get_absolute_url()).content.decode()
    assert 'CLUSTERPLAST joint action plan</a> <small class="muted">partner' in proplast
    call_command("load_demo", stdout=StringIO())
    assert Plan.objects.filter(slug=plan.slug).count() == 1
    # a refresh writes the plan again, whole
    call_command("load_demo", "--refresh", stdout=StringIO())
    again = Plan.objects.get(slug=plan.slug)
    assert again.axes.count() == 7 and again.actions.count() == 9
