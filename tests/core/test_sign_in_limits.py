"""Sign-in limits, shared by every process through the cache: the administration signs in
through the site's own limited sign-in; an attacker guessing a password locks the account's
sign-in for a while, but its owner can still reset the password and then sign in at once."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from clusterhub.core.services import create_verified_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-2026"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(client, email, password, address="192.0.2.10"):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_the_admin_sign_in_is_the_sites_limited_one(client):
    create_verified_user("admin@example.org", PASSWORD, superuser=True)
    response = client.get("/admin/login/?next=/admin/registry/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=/admin/registry/"
    # Posting credentials to the admin's address signs nobody in.
    client.post("/admin/login/", {"username": "admin@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
    # An outside "next" is not followed.
    response = client.get("/admin/login/?next=https://evil.example/")
    assert "evil.example" not in response["Location"]
    response = sign_in(client, "admin@example.org", PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_a_signed_in_account_without_access_is_told_so(client):
    user = create_verified_user("member@example.org", PASSWORD)
    client.force_login(user)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 403
    assert "no access to the administration" in response.content.decode()


def test_guessing_a_password_is_stopped_and_the_owner_resets_and_signs_in(client):
    create_verified_user("owner@example.org", PASSWORD)
    statuses = [sign_in(client, "owner@example.org", f"guess-{i}").status_code for i in range(5)]
    assert statuses == [200] * 5  # the form again, with its error
    # The sixth try is refused, from any address, even with the right password.
    locked = sign_in(client, "owner@example.org", PASSWORD, address="198.51.100.7")
    assert locked.status_code == 200, locked.status_code
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # The owner asks for a reset: it is not locked.
    response = client.post(reverse("account_reset_password"), {"email": "owner@example.org"})
    assert response.status_code == 302
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": "a-New-pass-2026!", "password2": "a-New-pass-2026!"},
    )
    response = sign_in(client, "owner@example.org", "a-New-pass-2026!")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_limit_counts_per_address_too(client):
    for i in range(12):
        sign_in(client, f"nobody{i}@example.org", "guess")
    create_verified_user("someone@example.org", PASSWORD)
    sign_in(client, "someone@example.org", PASSWORD)
    assert "_auth_user_id" not in client.session  # that address is slowed down
    sign_in(client, "someone@example.org", PASSWORD, address="203.0.113.50")
    assert client.session["_auth_user_id"]
