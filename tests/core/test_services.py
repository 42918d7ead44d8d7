"""Core writes: personal API tokens and accounts the platform creates itself."""

import stat

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError

from clusterhub.core import services
from clusterhub.core.models import ApiToken
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_is_named_and_shown_once():
    user = UserFactory()
    token, raw = services.issue_api_token(user, "  nightly export  " + "x" * 200)
    assert token.name == ("nightly export  " + "x" * 200)[:100]
    assert token.digest == ApiToken.hash(raw) and token.prefix == raw[:8]


@pytest.mark.parametrize("name", ["", "   ", None])
def test_a_token_needs_a_name(name):
    with pytest.raises(ValidationError) as caught:
        services.issue_api_token(UserFactory(), name)
    assert "name" in caught.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_gone():
    token, _raw = services.issue_api_token(UserFactory(), "script")
    services.revoke_api_token(token)
    assert not ApiToken.objects.exists()


def test_a_created_user_has_a_verified_primary_address(tmp_path):
    user = services.create_verified_user("team@example.org", "secret-enough", superuser=True)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("team@example.org", True, True)
    assert user.is_superuser and user.check_password("secret-enough")

    path = tmp_path / "var" / "password.txt"
    services.write_private_file(path, "secret-enough")
    assert path.read_text() == "secret-enough\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
