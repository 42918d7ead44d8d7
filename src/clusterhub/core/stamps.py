"""Change stamps: a cheap way for in-process caches to know that data changed.

``touch(name)`` gives the stamp a new random token (random, not a counter, so that a rolled-back
transaction can never make an old token current again); ``current(name)`` reads it.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from .models import Stamp


def touch(name: str) -> None:
    token = uuid.uuid4().hex
    updated = Stamp.objects.filter(name=name).update(token=token)
    if not updated:
        with transaction.atomic():
            Stamp.objects.update_or_create(name=name, defaults={"token": token})


def current(name: str) -> str:
    return Stamp.objects.filter(name=name).values_list("token", flat=True).first() or ""
