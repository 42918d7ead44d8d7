from django.contrib import admin

from .models import ApiToken


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
