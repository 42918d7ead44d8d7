from django.contrib import admin
from django.db import transaction

from . import audit
from .models import ApiToken, AuditEntry


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owners (account page); staff may rename or revoke them.
    Only the prefix is shown: the digest never leaves the database."""

    list_display = ("name", "user", "prefix", "created", "last_used")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username", "user__email")
    date_hierarchy = "created"
    fields = ("user", "name", "prefix", "created", "last_used")
    readonly_fields = ("user", "prefix", "created", "last_used")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("digest")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail, read-only: entries are written by the services only."""

    list_display = ("created", "action", "object_repr", "actor", "actor_label", "source")
    list_select_related = ("actor", "object_type")
    list_filter = ("action", "source", "object_type", "created")
    search_fields = ("action", "object_repr", "actor__username", "actor__email", "actor_label")
    date_hierarchy = "created"
    fields = (
        "created",
        "action",
        "actor",
        "actor_label",
        "source",
        "object_type",
        "object_id",
        "object_repr",
        "scope_type",
        "scope_id",
        "changes",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """For the admins whose saves and deletions are plain model writes (no service): each one
    leaves an audit entry, ``<app>.<model>.saved`` / ``.deleted``; ``audit_scope`` names the
    attribute leading to the object whose team reads it (e.g. ``"consortium"``)."""

    audit_scope: str | None = None

    def _audit_action(self, obj, verb: str) -> str:
        return f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}"

    def _audit_scope(self, obj):
        return getattr(obj, self.audit_scope) if self.audit_scope else None

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.stored(obj) if change else None
            super().save_model(request, obj, form, change)
            changes = audit.diff(obj, before, audit.stored(obj))
            if before is None or changes:
                audit.record(
                    self._audit_action(obj, "saved"),
                    obj,
                    scope=self._audit_scope(obj),
                    changes=changes,
                    by=request.user,
                )

    def delete_model(self, request, obj):
        with transaction.atomic():
            before, scope, pk = audit.stored(obj), self._audit_scope(obj), obj.pk
            super().delete_model(request, obj)
            audit.record(
                self._audit_action(obj, "deleted"),
                obj,
                scope=scope,
                changes=audit.diff(obj, before, None) if before else {},
                by=request.user,
                object_id=pk,
            )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
