"""Reference data is loaded by ``manage.py load_reference``: the admin shows it, lets staff
correct a name, and neither adds nor deletes (other tables point at it)."""

from django.contrib import admin

from clusterhub.core.admin import AuditedAdmin

from .models import Country, Ecosystem, NaceActivity, NutsRegion, Technology


class ReferenceAdmin(AuditedAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ("code", "eu_code", "name", "status")
    list_filter = ("status",)
    search_fields = ("code", "eu_code", "name")
    readonly_fields = ("code", "eu_code")


@admin.register(NutsRegion)
class NutsRegionAdmin(ReferenceAdmin):
    list_display = ("code", "name_latin", "name", "level", "country")
    list_filter = ("level", ("country", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("country",)
    search_fields = ("code", "name", "name_latin")
    fields = ("code", "name", "name_latin", "level", "parent", "country", "label_lon", "label_lat")
    readonly_fields = ("code", "level", "parent", "country", "label_lon", "label_lat")

    def get_queryset(self, request):
        # The outlines are large: never load them for lists or autocompletes.
        return super().get_queryset(request).defer("geometry", "svg_path")


@admin.register(Ecosystem)
class EcosystemAdmin(ReferenceAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug", "name")
    readonly_fields = ("slug",)


@admin.register(Technology)
class TechnologyAdmin(ReferenceAdmin):
    list_display = ("slug", "name")
    search_fields = ("slug", "name")
    readonly_fields = ("slug",)


@admin.register(NaceActivity)
class NaceActivityAdmin(ReferenceAdmin):
    list_display = ("code", "name", "section")
    list_filter = (("section", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("section",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "section")
