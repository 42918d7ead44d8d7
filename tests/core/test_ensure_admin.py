import stat
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db

EMAIL = "admin@clusterhub.local"


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


def run() -> str:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue().strip()


def test_creates_a_verified_superuser_and_prints_its_password(var_dir):
    output = run()

    assert output.startswith(f"Admin login: {EMAIL} / ")
    password = output.removeprefix(f"Admin login: {EMAIL} / ")
    assert len(password) >= 16
    user = get_user_model().objects.get()
    assert user.username == EMAIL
    assert user.email == EMAIL
    assert user.is_superuser and user.is_staff and user.is_active
    assert user.check_password(password)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (EMAIL, True, True)


def test_stores_the_password_for_the_owner_only(var_dir):
    password = run().rsplit(" / ", 1)[1]

    path = var_dir / "admin-password.txt"
    assert path.read_text().strip() == password
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_second_run_prints_the_same_login_and_creates_nothing(var_dir):
    first_password = run().rsplit(" / ", 1)[1]

    output = run()

    assert output == f"Admin login: {EMAIL} / {first_password} (created earlier)"
    assert get_user_model().objects.count() == 1
    assert EmailAddress.objects.count() == 1


def test_each_installation_gets_its_own_password(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "one"
    first = run().rsplit(" / ", 1)[1]
    get_user_model().objects.all().delete()
    settings.VAR_DIR = tmp_path / "two"
    second = run().rsplit(" / ", 1)[1]

    assert first != second


def test_an_existing_superuser_is_kept_and_no_password_is_invented(var_dir):
    get_user_model().objects.create_superuser("boss@example.org", "boss@example.org", "s3cret-pw!")

    output = run()

    assert output.startswith("Admin login: boss@example.org (created earlier;")
    assert get_user_model().objects.count() == 1
    assert not (var_dir / "admin-password.txt").exists()


def test_a_changed_password_is_not_printed(var_dir):
    old = run().rsplit(" / ", 1)[1]
    user = get_user_model().objects.get()
    user.set_password("a-new-password-42")
    user.save()

    output = run()

    assert old not in output
    assert "has been changed" in output
