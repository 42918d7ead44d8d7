"""“Do you work here?” is a path: a request to join goes to the profile team, a claim of an
organisation without a team goes to platform staff; the person gets a seat only once they
say yes, and is told either way."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from clusterhub.registry import services
from clusterhub.registry.models import ProfileTeamMember, TeamRequest
from tests.factories import OrganisationFactory, UserFactory, team_member

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_colleague_asks_to_join_and_the_team_accepts(client, django_capture_on_commit_callbacks):
    lead, org = team_member(OrganisationFactory(legal_name="Polymeris"), email="lead@poly.example")
    newcomer = UserFactory(email="anna@poly.example", first_name="Anna", last_name="Rossi")
    client.force_login(newcomer)
    profile = page_text(client.get(org.get_absolute_url()))
    assert "Do you work here? Join the profile team" in profile

    join = reverse("registry:team-join", args=[org.slug])
    response = client.post(join, {"role": "", "message": ""})
    assert "This field is required." in page_text(response)
    assert not TeamRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join, {"role": "Project manager", "message": "Lab 2"}, follow=True)
    page = page_text(response)
    assert "Your request was sent to the profile team." in page
    assert "Your request to join the profile team is waiting for its answer." in page
    assert [m.to for m in mail.outbox] == [["lead@poly.example"]]
    assert "Anna Rossi (anna@poly.example) asks for a seat" in mail.outbox[0].body
    # Asking twice keeps one request.
    client.post(join, {"role": "Project manager"})
    assert TeamRequest.objects.count() == 1

    # The newcomer cannot answer their own request, nor open the team page.
    assert client.get(reverse("registry:team", args=[org.slug])).status_code == 403

    client.force_login(lead)
    team = page_text(client.get(reverse("registry:team", args=[org.slug])))
    assert "Waiting for your answer" in team and "Anna Rossi" in team and "Project manager" in team
    mail.outbox.clear()
    request = TeamRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:team", args=[org.slug]),
            {"request": request.pk, "answer": "accept"},
            follow=True,
        )
    assert "Anna Rossi joined the team." in page_text(response)
    assert ProfileTeamMember.objects.filter(organisation=org, user=newcomer).exists()
    assert [m.to for m in mail.outbox] == [["anna@poly.example"]]
    assert "You are on the profile team of “Polymeris”" in mail.outbox[0].subject
    client.force_login(newcomer)
    assert "Edit profile" in page_text(client.get(org.get_absolute_url()))


def test_a_refused_request_gives_no_seat_and_the_person_is_told(django_capture_on_commit_callbacks):
    lead, org = team_member()
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_team_seat(org, person, role="Intern")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_team_request(request, lead, accept=False)
    assert not ProfileTeamMember.objects.filter(user=person).exists()
    assert "was refused" in mail.outbox[0].subject
    # Answered once is answered.
    with pytest.raises(Exception, match="already answered"):
        services.answer_team_request(request, lead, accept=True)


def test_an_organisation_without_a_team_is_claimed_and_staff_confirm(
    client, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(legal_name="Kunststoff-Cluster")
    staff = UserFactory(staff=True, email="staff@hub.example")
    claimant = UserFactory(email="eva@kc.example")
    client.force_login(claimant)
    assert "Claim this organisation" in page_text(client.get(org.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:team-join", args=[org.slug]), {"role": "Cluster manager"}, follow=True
        )
    assert "Your claim was sent to platform staff." in page_text(response)
    request = TeamRequest.objects.get()
    assert request.kind == "claim"
    assert [m.to for m in mail.outbox] == [["staff@hub.example"]]

    # Someone who merely joined the team meanwhile cannot confirm a claim: staff do.
    other, _org = team_member(org)
    with pytest.raises(PermissionDenied):
        services.answer_team_request(request, other, accept=True)
    client.force_login(staff)
    team = page_text(client.get(reverse("registry:team", args=[org.slug])))
    assert "Claim: the organisation has no team" in team
    client.post(
        reverse("registry:team", args=[org.slug]), {"request": request.pk, "answer": "accept"}
    )
    assert ProfileTeamMember.objects.filter(organisation=org, user=claimant).exists()


def test_visitors_are_asked_to_sign_in_first(client):
    org = OrganisationFactory()
    page = page_text(client.get(org.get_absolute_url()))
    assert "Do you work here? Sign in to edit this profile" in page
    response = client.get(reverse("registry:team-join", args=[org.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
