from django.contrib import admin

from .models import Article, Tag


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "publish_at"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    readonly_fields = ["body_html"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["tags", "ecosystems", "technologies", "regions"]
    raw_id_fields = ["events", "calls", "opportunities", "consultations", "author"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]
