""" "My Clusterhub": what a signed-in person has, and what waits for them first, in one page
whose queries do not grow with what they have; the home page greets them with it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterhub.calls.models import Application
from clusterhub.partnering.models import ConsortiumMember, OpportunityFollower
from clusterhub.registry import services
from tests import factories as f
from tests.calls.test_applications import make_call

pytestmark = pytest.mark.django_db


def test_the_workspace_lists_what_is_mine_and_what_waits_for_me(client):
    cluster = f.ClusterOrganisationFactory(organisation__legal_name="Polymeris",
                                           management_fte=0)  # fmt: skip
    user, org = f.team_member(cluster.organisation, first_name="Julie", last_name="Campbell")
    event = f.EventFactory(title="Clusters meet Regions")
    f.RegistrationFactory(event=event, user=user)
    consortium = f.ConsortiumFactory(acronym="PLASTLOOP")
    f.ConsortiumMemberFactory(consortium=consortium, organisation=org)
    opportunity = f.OpportunityFactory(title="Recycled polymers for packaging")
    OpportunityFollower.objects.create(opportunity=opportunity, user=user)
    call = make_call(title="Les pôles pour l'Europe")
    Application.objects.create(call=call, organisation=org, created_by=user)
    newcomer = f.UserFactory(first_name="Anna", last_name="Rossi")
    services.request_team_seat(org, newcomer, role="Project manager")
    client.force_login(user)
    page = client.get(reverse("me")).content.decode()
    assert "Anna Rossi asks to join the profile team of Polymeris" in page
    assert "Answer the invitation of Polymeris to the consortium PLASTLOOP" in page
    assert "Finish and submit the application to “Les pôles pour l&#x27;Europe”" in page
    assert "Complete the profile of Polymeris: At least" in page
    assert "Clusters meet Regions" in page and "Recycled polymers for packaging" in page
    assert "You do not receive the digest." in page
    home = client.get("/").content.decode()
    assert "Welcome back, Julie Campbell" in home and "PLASTLOOP" in home
    # once answered, the invitation no longer waits
    ConsortiumMember.objects.filter(organisation=org).update(status="confirmed")
    assert "PLASTLOOP" not in client.get("/").content.decode()


def test_the_workspace_needs_an_account_and_its_queries_do_not_grow(client):
    assert client.get(reverse("me")).status_code == 302
    user, org = f.team_member()
    client.force_login(user)

    def add(k):
        for _ in range(k):
            f.RegistrationFactory(event=f.EventFactory(), user=user)
            f.ConsortiumMemberFactory(organisation=org)
            OpportunityFollower.objects.create(opportunity=f.OpportunityFactory(), user=user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("me")).status_code == 200
        return len(queries)

    add(1)
    few = count()
    add(4)
    assert count() == few


def test_the_workspace_in_french(client):
    user, _org = f.team_member()
    client.force_login(user)
    page = client.get(reverse("me"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Mon Clusterhub" in page and "Ce qui vous attend" in page


def test_team_pages_name_people_and_keep_the_address_second(client):
    owner, org = f.team_member(first_name="Julie", last_name="Campbell", email="jc@example.org")
    f.ProfileTeamMemberFactory(
        organisation=org,
        user=f.UserFactory(first_name="", last_name="", email="noname@example.org"),
    )
    client.force_login(owner)
    page = client.get(reverse("registry:team", args=[org.slug])).content.decode()
    assert '<td>Julie Campbell<br><small class="muted">jc@example.org</small></td>' in page
    assert "<td>noname@example.org</td>" in page  # no name given: the address stands in
