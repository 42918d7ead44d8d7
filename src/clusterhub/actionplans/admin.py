from django.contrib import admin

from .models import (
    Action,
    Axis,
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    PlanPartner,
    Recommendation,
)


class PartnerInline(admin.TabularInline):
    model = PlanPartner
    autocomplete_fields = ["organisation"]
    extra = 0


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "starts_on", "ends_on", "published"]
    list_filter = ["published"]
    search_fields = ["title", "owner__legal_name"]
    autocomplete_fields = ["owner"]
    inlines = [PartnerInline, AxisInline]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "axis", "lead", "starts_on", "ends_on", "status"]
    list_filter = ["status", "nature"]
    search_fields = ["title"]
    autocomplete_fields = ["lead", "partners"]
    inlines = [FundingInline]


class ValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "measure", "baseline", "target"]
    inlines = [ValueInline]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "due_on", "reached_on"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["text", "plan", "author", "response"]
    list_filter = ["response"]
