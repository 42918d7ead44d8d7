from django.contrib import admin

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
