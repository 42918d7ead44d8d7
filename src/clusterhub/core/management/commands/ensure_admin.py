"""Creates the first administrator for `make run`, once, and says how to log in."""

import os
import secrets
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

ADMIN_EMAIL = "admin@clusterhub.local"
PASSWORD_FILE = "admin-password.txt"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


def _write_password(path: Path, password: str) -> None:
    """Writes the password readable by its owner only (mode 600 from the start)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)


class Command(BaseCommand):
    help = (
        f"Create the superuser {ADMIN_EMAIL} with a random password if no superuser exists, "
        "and print the login."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        existing = User.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self._report_existing(existing)
            return

        password = secrets.token_urlsafe(12)
        with transaction.atomic():
            user = User.objects.create_superuser(
                username=ADMIN_EMAIL, email=ADMIN_EMAIL, password=password
            )
            EmailAddress.objects.update_or_create(
                user=user, email=ADMIN_EMAIL, defaults={"verified": True, "primary": True}
            )
        _write_password(password_file(), password)
        self.stdout.write(f"Admin login: {ADMIN_EMAIL} / {password}")

    def _report_existing(self, user) -> None:
        path = password_file()
        email = user.email or user.get_username()
        password = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
        if password and user.get_username() == ADMIN_EMAIL and user.check_password(password):
            self.stdout.write(f"Admin login: {ADMIN_EMAIL} / {password} (created earlier)")
        else:
            self.stdout.write(
                f"Admin login: {email} (created earlier; its password has been changed or is "
                f"not stored in {path})"
            )
