"""Sign-up with e-mail verification, log in and out, password reset, language switch."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from clusterhub.registry import services
from clusterhub.registry.models import Organisation, ProfileTeamMember, TeamInvitation

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


def test_sign_up_asks_for_the_names_the_pages_show(client):
    form = {"email": "anna@example.org", "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026"}  # fmt: skip
    page = client.post(reverse("account_signup"), form).content.decode()
    assert "Given name" in page and "This field is required." in page
    assert not get_user_model().objects.exists()
    client.post(
        reverse("account_signup"), {**form, "first_name": " Anna ", "last_name": "Kowalska"}
    )
    anna = get_user_model().objects.get()
    assert (anna.first_name, anna.last_name, anna.get_full_name()) == (
        "Anna",
        "Kowalska",
        "Anna Kowalska",
    )


def test_sign_up_needs_a_verified_email_then_logs_in(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Anna",
            "last_name": "Kowalska",
            "email": "anna@example.org",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["anna@example.org"]
    # Not verified yet: logging in sends the user back to verification.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": "a-Long-pass-2026"}
    )
    assert "_auth_user_id" not in client.session
    confirm = link_in(mail.outbox[0])
    client.post(confirm)
    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": "a-Long-pass-2026"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_an_invited_newcomer_signs_up_then_chooses_to_join(client):
    owner = get_user_model().objects.create_user("o", "owner@example.org", "pw", is_staff=True)
    org = services.save_organisation(
        Organisation(legal_name="Techtera", kind="cluster", country_id="FR")
    )
    services.add_team_member(org, "bob@example.org", owner)
    assert TeamInvitation.objects.count() == 1
    client.post(
        reverse("account_signup"),
        {
            "email": "bob@example.org",
            "first_name": "Bob",
            "last_name": "Martin",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
        },
    )
    assert not ProfileTeamMember.objects.filter(organisation=org).exists()
    response = client.post(link_in(mail.outbox[-1]), follow=True)
    bob = get_user_model().objects.get(email="bob@example.org")
    # Verifying the address joins nothing: it points to the invitation, which Bob accepts.
    assert not ProfileTeamMember.objects.filter(organisation=org, user=bob).exists()
    assert "You are invited to a profile team" in response.content.decode()
    client.force_login(bob)
    invitation = TeamInvitation.objects.get()
    client.post(reverse("registry:invitation", args=[invitation.token]), {"answer": "accept"})
    assert ProfileTeamMember.objects.filter(organisation=org, user=bob).exists()
    assert not TeamInvitation.objects.exists()


def test_password_reset_by_email(client):
    user = get_user_model().objects.create_user("c", "carla@example.org", "old-pass-123")
    user.emailaddress_set.create(email="carla@example.org", verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "carla@example.org"})
    assert len(mail.outbox) == 1
    response = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = (
        response.redirect_chain[-1][0] if response.redirect_chain else link_in(mail.outbox[0])
    )
    client.post(form_url, {"password1": "New-pass-2026!", "password2": "New-pass-2026!"})
    user.refresh_from_db()
    assert user.check_password("New-pass-2026!")


def test_language_switch_to_french(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/clusters/"})
    assert response.status_code == 302
    body = client.get("/clusters/").content.decode()
    assert '<html lang="fr">' in body
    assert "Organisations de clusters" in body


def test_the_next_address_given_at_sign_up_survives_verification_and_sign_in(client):
    target = "/calls/"
    client.post(
        f"{reverse('account_signup')}?next={target}",
        {
            "first_name": "Anna",
            "last_name": "Kowalska",
            "email": "anna@example.org",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "next": target,
        },
    )
    response = client.post(link_in(mail.outbox[-1]))
    assert response.url == f"{reverse('account_login')}?next=%2Fcalls%2F"
    login = client.get(response.url).content.decode()
    assert 'name="next" value="/calls/"' in login
    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": "a-Long-pass-2026"}
    )
    assert response.status_code == 302 and response.url == target


def test_a_next_address_elsewhere_is_not_followed(client):
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Anna",
            "last_name": "Kowalska",
            "email": "anna@example.org",
            "password1": "a-Long-pass-2026",
            "password2": "a-Long-pass-2026",
            "next": "https://elsewhere.example.com/",
        },
    )
    response = client.post(link_in(mail.outbox[-1]))
    assert response.url == reverse("account_login")
