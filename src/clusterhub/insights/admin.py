from django.contrib import admin

from .models import Indicator, IndicatorValue


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "region", "unit", "source"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]
    inlines = [ValueInline]
