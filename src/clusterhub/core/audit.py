"""The audit trail: every write made through a service leaves one :class:`AuditEntry`.

Who acted comes from the service's explicit ``by``/``user`` argument when it has one, else
from the context set by :class:`AuditMiddleware` (the signed-in user, or the API token's
user), by the job runner (the user who started the job) and by :func:`acting` (commands).
What changed is a diff of the object's stored field values before and after the write; a
creation lists the new values, a deletion keeps the last ones. Secrets are never stored.
Many-row operations record one entry with counts.

Readers go through :func:`history_for`; core imports no app, so each app registers the
sentence of its actions with :func:`describe` (or ``@audited(..., label=...)``).
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import inspect
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, AuditSource

SENSITIVE = ("password", "digest", "token", "secret", "code", "hash", "key")
NOISE = {"search_document", "updated", "created"}


@dataclass(frozen=True)
class Context:
    user: Any = None
    label: str = ""
    source: str = AuditSource.COMMAND
    request: Any = None


_context: ContextVar[Context | None] = ContextVar("audit_context", default=None)
_labels: dict[str, Any] = {}
_inside: ContextVar[bool] = ContextVar("audit_inside", default=False)


def describe(action: str, label) -> None:
    """Register the translatable sentence shown for ``action`` on the history pages."""
    _labels[action] = label


def label_for(action: str):
    return _labels.get(action, action)


@contextlib.contextmanager
def acting(user=None, *, source: str = AuditSource.COMMAND, label: str = "", request=None):
    """Writes inside the block are made by ``user`` (or by ``label``) from ``source``."""
    token = _context.set(Context(user=user, label=label, source=source, request=request))
    try:
        yield
    finally:
        _context.reset(token)


class AuditMiddleware:
    """Sets the audit context for each request: the user is read when a write is recorded,
    so the API's token authentication (which sets ``request.user`` later) is seen too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            source = AuditSource.API
        elif path.startswith("/admin/"):
            source = AuditSource.ADMIN
        else:
            source = AuditSource.WEB
        with acting(source=source, request=request):
            return self.get_response(request)


def _is_user(value) -> bool:
    return value is not None and getattr(value, "is_authenticated", False) is True


def current_actor(by=None) -> tuple[Any, str, str]:
    """(user or None, label, source) of the write being made now."""
    context = _context.get() or Context(label="system")
    user = by if _is_user(by) else context.user
    if not _is_user(user) and context.request is not None:
        request_user = getattr(context.request, "user", None)
        user = request_user if _is_user(request_user) else None
    if not _is_user(user):
        user = None
    label = context.label or ("" if user is not None else "system")
    return user, label, context.source


# Values -------------------------------------------------------------------------------------


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return {"id": value.pk, "repr": str(value)[:200]}
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    return str(value)


def _fields(model) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key
        and f.name not in NOISE
        and not any(word in f.name.lower() for word in SENSITIVE)
    ]


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The stored-to-be field values of ``obj`` (foreign keys as ids)."""
    return {f.name: f.value_from_object(obj) for f in _fields(type(obj))}


def stored(obj: models.Model) -> dict[str, Any] | None:
    """The field values of ``obj``'s row as stored now (None for a new object)."""
    if obj is None or obj.pk is None:
        return None
    fields = _fields(type(obj))
    row = type(obj)._base_manager.filter(pk=obj.pk).values(*[f.attname for f in fields]).first()
    if row is None:
        return None
    return {f.name: row[f.attname] for f in fields}


def _render(obj, field, value):
    if field.is_relation and value is not None:
        related = getattr(obj, field.name, None) if obj is not None else None
        if related is not None and related.pk == value:
            return {"id": value, "repr": str(related)[:200]}
        return {"id": value}
    if field.choices and value is not None:
        return json_safe(value)
    return json_safe(value)


def diff(obj, before: dict | None, after: dict | None) -> dict[str, list]:
    """{field: [old, new]} of the fields that changed (values JSON-safe)."""
    model = type(obj)
    changes = {}
    for f in _fields(model):
        old = before.get(f.name) if before is not None else None
        new = after.get(f.name) if after is not None else None
        if before is not None and after is not None and old == new:
            continue
        if before is None and new in (None, "", False) and after is not None:
            continue
        if after is None and old in (None, "") and before is not None:
            continue
        changes[f.name] = [
            _render(None, f, old) if before is not None else None,
            _render(obj, f, new) if after is not None else None,
        ]
        if after is None:
            changes[f.name][0] = _render(obj, f, old)
    return changes


# Recording ----------------------------------------------------------------------------------


def _type_and_id(obj) -> tuple[ContentType | None, str]:
    if obj is None:
        return None, ""
    return ContentType.objects.get_for_model(type(obj)), str(obj.pk if obj.pk is not None else "")


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    scope: models.Model | None = None,
    changes: dict | None = None,
    by=None,
    object_id: Any = None,
) -> AuditEntry:
    """Record one write: ``action`` on ``obj`` (readable by ``scope``'s team)."""
    user, label, source = current_actor(by)
    object_type, oid = _type_and_id(obj)
    scope_type, scope_id = _type_and_id(scope if scope is not None else obj)
    return AuditEntry.objects.create(
        actor=user,
        actor_label=label[:100],
        source=source,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else oid,
        object_repr=_repr(obj),
        scope_type=scope_type,
        scope_id=scope_id,
        changes=json_safe(changes or {}),
    )


def _repr(obj) -> str:
    """What the object was called; for an account only its number (no e-mail address)."""
    if obj is None:
        return ""
    if isinstance(obj, get_user_model()):
        return f"#{obj.pk}"
    return str(obj)[:300]


def _instance(value):
    if isinstance(value, tuple) and value and isinstance(value[0], models.Model):
        return value[0]
    return value if isinstance(value, models.Model) else None


def audited(
    action: str,
    *,
    target: str | None = None,
    scope: Callable[[Any], Any] | None = None,
    by: str | None = None,
    label=None,
    counts: Callable[[Any], dict] | None = None,
    deletes: bool | None = None,
    returns: bool = False,
):
    """Record one entry for each call of the decorated service.

    ``target`` names the argument holding the object written (default: the first argument;
    the return value when it is an object and no argument is); ``scope`` maps that object to
    the one whose team reads the entry; ``by`` names the actor argument; ``counts`` turns the
    result of a many-row operation into the ``changes`` recorded (and the object is the
    target). ``deletes`` (default: the action ends in ``.deleted`` or ``.removed``) keeps the
    last values. ``returns`` records the object the service returns (it creates one).
    """
    if label is not None:
        describe(action, label)
    deleting = deletes if deletes is not None else action.endswith((".deleted", ".removed"))

    def decorate(func):
        signature = inspect.signature(func)
        names = list(signature.parameters)
        target_name = target or (names[0] if names else None)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if _inside.get():  # the outer service records the whole write
                return func(*args, **kwargs)
            token = _inside.set(True)
            try:
                return _call(args, kwargs)
            finally:
                _inside.reset(token)

        def _call(args, kwargs):
            bound = signature.bind_partial(*args, **kwargs)
            obj = bound.arguments.get(target_name) if target_name and not returns else None
            obj = obj if isinstance(obj, models.Model) else None
            actor = bound.arguments.get(by) if by else None
            with transaction.atomic():
                before = stored(obj) if counts is None and obj is not None else None
                scope_obj = scope(obj) if (scope and obj is not None and deleting) else None
                object_id = obj.pk if obj is not None else None
                result = func(*args, **kwargs)
                if counts is not None:
                    written = obj if obj is not None else _instance(result)
                    record(
                        action,
                        written,
                        scope=scope(written) if scope and written is not None else None,
                        changes=counts(result, bound.arguments),
                        by=actor,
                    )
                    return result
                written = obj if obj is not None else _instance(result)
                if written is None:
                    return result
                if deleting:
                    changes = diff(written, before, None) if before is not None else {}
                    record(
                        action,
                        written,
                        scope=scope_obj,
                        changes=changes,
                        by=actor,
                        object_id=object_id,
                    )
                    return result
                after = stored(written)
                changes = diff(written, before, after)
                if before is not None and not changes:
                    return result
                record(
                    action,
                    written,
                    scope=scope(written) if scope else None,
                    changes=changes,
                    by=actor,
                )
            return result

        return wrapper

    return decorate


# Reading ------------------------------------------------------------------------------------


def history_for(scope: models.Model):
    """Entries about ``scope`` or scoped to it, newest first, with their actors."""
    content_type = ContentType.objects.get_for_model(type(scope))
    pk = str(scope.pk)
    return (
        AuditEntry.objects.filter(
            models.Q(scope_type=content_type, scope_id=pk)
            | models.Q(object_type=content_type, object_id=pk)
        )
        .select_related("actor")
        .order_by("-created", "-id")
    )


def actor_name(entry: AuditEntry, *, staff: bool = False) -> str:
    """Who made the write, as the history pages show it (no e-mail address to non-staff)."""
    if entry.actor is not None:
        name = entry.actor.get_full_name().strip()
        if staff and not name:
            return entry.actor.email
        return name or str(_("A user"))
    if entry.actor_label == "system":
        return str(_("system"))
    if entry.actor_label:
        return entry.actor_label
    return str(_("Deleted user"))


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "id" in value:
        return str(value.get("repr") or f"#{value['id']}")
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _field_label(model, name: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:  # a field removed since, or a count
            pass
    return name.replace("_", " ")


def history_page(request, scope: models.Model, per_page: int = 20):
    """One page of the history of ``scope`` for its history page: each entry gets ``who``,
    ``what`` and ``rows`` (field, before, after) to show."""
    from django.core.paginator import Paginator

    page = Paginator(history_for(scope).select_related("object_type"), per_page).get_page(
        request.GET.get("page")
    )
    staff = request.user.is_staff
    for entry in page.object_list:
        model = entry.object_type.model_class() if entry.object_type else None
        entry.who = actor_name(entry, staff=staff)
        entry.what = label_for(entry.action)
        rows = []
        for name, value in (entry.changes or {}).items():
            if isinstance(value, list) and len(value) == 2:
                rows.append((_field_label(model, name), _shown(value[0]), _shown(value[1])))
            else:
                rows.append((_field_label(model, name), "", _shown(value)))
        entry.rows = rows
    return page
