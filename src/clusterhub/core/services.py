"""Writes of the core app: personal API tokens (and their use) and user accounts created by
the platform itself (the first administrator of ``make run``, the demo's profile team).

Every function here writes in one transaction; views and commands call them and write nothing
on their own.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import audited
from .models import ApiToken

TOKEN_NAME_LENGTH = ApiToken._meta.get_field("name").max_length


# API tokens ------------------------------------------------------------------------------------


@audited("core.token.issued", returns=True, by="user", label=gettext_lazy("issued an API token"))
def issue_api_token(user, name: str) -> tuple[ApiToken, str]:
    """A new personal token of ``user`` and its raw value, which is shown once.

    The name is trimmed and cut to the field's length; a blank name is a ValidationError.
    """
    name = (name or "").strip()[:TOKEN_NAME_LENGTH]
    if not name:
        raise ValidationError(
            {"name": _("Give the token a name, e.g. the script that will use it.")}
        )
    raw = "ch_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(raw), prefix=raw[:8])
    return token, raw


@audited("core.token.revoked", deletes=True, label=gettext_lazy("revoked an API token"))
def revoke_api_token(token: ApiToken) -> None:
    """Delete the token: the API refuses it from now on."""
    token.delete()


# How stale ``last_used`` may be: a token used many times a minute is written once.
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def record_token_use(token: ApiToken) -> None:
    """Note that ``token`` was used now, at most once per ``TOKEN_USE_RESOLUTION``."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now


# Accounts --------------------------------------------------------------------------------------


@audited("core.user.created", returns=True, counts=lambda r, a: {})
@transaction.atomic
def create_verified_user(email: str, password: str, *, superuser: bool = False):
    """A user named by ``email`` whose address is verified and primary (no e-mail is sent)."""
    User = get_user_model()
    create = User.objects.create_superuser if superuser else User.objects.create_user
    user = create(username=email, email=email, password=password)
    verify_email(user, email)
    return user


@audited("core.user.email_verified", target="user", counts=lambda r, a: {})
def verify_email(user, email: str) -> None:
    """Record ``email`` as the user's verified, primary address (created or updated)."""
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` readable by its owner only (mode 600 from the start): a generated
    password shown by ``make run``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)
