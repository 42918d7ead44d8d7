from django.contrib import admin

from .models import Application, Call, Category, Conflict, Criterion, Juror, Question


class CategoryInline(admin.StackedInline):
    model = Category
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "organiser", "status", "deadline"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "organiser__legal_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser"]
    raw_id_fields = ["results_session"]
    inlines = [CategoryInline, QuestionInline, CriterionInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["organisation", "call", "category", "status", "submitted_at", "round"]
    list_filter = ["status", "call"]
    search_fields = ["organisation__legal_name", "call__title"]
    readonly_fields = ["call", "category", "organisation", "status", "answers", "submitted_at",
                       "round", "receipt", "created_by"]  # fmt: skip

    def has_add_permission(self, request):
        return False  # applications are made by the applicants' teams, through the services


@admin.register(Juror)
class JurorAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "call", "organisation", "status", "capacity"]
    list_filter = ["status", "call"]
    search_fields = ["name", "email"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["juror", "application", "source", "reason", "lifted"]
    list_filter = ["source", "lifted"]
    readonly_fields = ["juror", "application", "source", "reason", "message", "params"]
