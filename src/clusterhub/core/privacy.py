"""A person's control over their data: "download my data" and "delete my account".

Core imports no app: each app contributes a ``privacy.py`` module that calls :func:`register`
with two functions, ``export(user) -> dict`` (everything the app holds about the user, never
another person's personal data) and ``forget(user)`` (run inside the deletion's transaction:
what must outlive the account, such as a registration that counts in an event's figures, is
kept without anything that names the person). ``forget`` returns the rows it anonymised or
removed, so that the audit trail's record of their old values is emptied too. The modules are
found by :func:`discover` when the platform starts.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .audit import record
from .models import ApiToken, AuditEntry


@dataclass(frozen=True)
class Provider:
    name: str
    export: Callable[[object], dict]
    forget: Callable[[object], None]
    order: int  # forgetting runs in this order (what hangs off a registration before it)


_providers: dict[str, Provider] = {}


def register(name: str, *, export: Callable, forget: Callable, order: int = 50) -> None:
    _providers[name] = Provider(name, export, forget, order)


def discover() -> None:
    autodiscover_modules("privacy")


def _account(user) -> dict:
    from allauth.account.models import EmailAddress

    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "api_tokens": [  # names and dates only: the secret is never stored
            {"name": t.name, "created": t.created, "last_used": t.last_used}
            for t in ApiToken.objects.filter(user=user).order_by("created")
        ],
        "actions": [
            {"when": e.created, "action": e.action, "object": e.object_repr, "source": e.source}
            for e in AuditEntry.objects.filter(actor=user).order_by("created")[:10000]
        ],
    }


def personal_data(user) -> dict[str, dict]:
    """Everything about ``user``, by section."""
    sections = {"account": _account(user)}
    for name, provider in sorted(_providers.items()):
        sections[name] = provider.export(user)
    return sections


def export_zip(user) -> bytes:
    """A ZIP of JSON files, one per section, and a README that explains them."""
    sections = personal_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            render_to_string(
                "core/personal_data_readme.txt",
                {"user": user, "sections": sorted(sections), "now": timezone.now()},
            ),
        )
        for name, data in sections.items():
            archive.writestr(
                f"{name}.json",
                json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
    return buffer.getvalue()


@transaction.atomic
def delete_account(user) -> None:
    """Delete the account of ``user``; what others still need is kept without their name."""
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(
            _("A staff account is closed by another member of the platform's staff.")
        )
    record(
        "core.account.deleted", None, object_id=user.pk, changes={"account": ["open", "deleted"]}
    )
    forgotten: list = []
    for provider in sorted(_providers.values(), key=lambda p: p.order):
        forgotten.extend(provider.forget(user) or [])
    _scrub_history(forgotten)
    AuditEntry.objects.filter(actor=user).update(actor=None, actor_label="deleted user")
    user.delete()


def _scrub_history(rows) -> None:
    """Empty the audit trail's before/after values of rows that named a deleted person: the
    entries stay (who did what, when), their personal content goes."""
    from django.contrib.contenttypes.models import ContentType

    by_type: dict = {}
    for row in rows:
        by_type.setdefault(type(row), []).append(str(row.pk))
    for model, pks in by_type.items():
        AuditEntry.objects.filter(
            object_type=ContentType.objects.get_for_model(model), object_id__in=pks
        ).update(changes={"personal data": ["removed", None]}, object_repr="")
