from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Consultation, Document, Question, Section, Statement


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "organiser", "phase", "closes_at", "audience"]
    list_filter = ["phase", "audience"]
    search_fields = ["title", "organiser__legal_name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organiser"]
    inlines = [SectionInline, DocumentInline]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["label", "consultation", "kind", "version", "retired"]
    list_filter = ["kind", "retired"]
    readonly_fields = ["version", "retired"]


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["text", "consultation", "hidden", "generated"]
    list_filter = ["hidden"]
    actions = ["hide"]

    @admin.action(description=_("Hide the selected statements"))
    def hide(self, request, queryset):
        queryset.update(hidden=True)
