"""Creates the first administrator for `make run`, once, and says how to log in."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from clusterhub.core import services

ADMIN_EMAIL = "admin@clusterhub.local"
PASSWORD_FILE = "admin-password.txt"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


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
        services.create_verified_user(ADMIN_EMAIL, password, superuser=True)
        services.write_private_file(password_file(), password)
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
