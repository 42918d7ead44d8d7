"""The writes of ``core``: API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import ApiToken

# How stale ``last_used`` may be: a token used many times a minute is written once.
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def record_token_use(token: ApiToken) -> None:
    """Note that ``token`` was used now, at most once per ``TOKEN_USE_RESOLUTION``."""
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        token.last_used = now
