"""The knowledge base in the admin: read only. Articles change through the
workflow's steps (hotline.knowledge.actions), whose history is kept."""

from django.contrib import admin

from .models import Article, ArticleEvent, ArticleVersion


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "title", "state", "effective_on", "review_by", "drafted_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(ReadOnly):
    list_display = ["__str__", "unit", "published_version", "created_at"]
    list_filter = ["unit"]
    list_select_related = ["unit", "published_version"]
    inlines = [VersionInline]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ReadOnly):
    list_display = ["title", "number", "article", "state", "effective_on", "review_by"]
    list_filter = ["state", "article__unit"]
    list_select_related = ["article__published_version"]
    search_fields = ["title", "question", "keywords"]
    exclude = ["search_text"]


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnly):
    list_display = ["at", "action", "version", "actor", "unit", "note"]
    list_filter = ["action"]
    list_select_related = ["version", "actor", "unit"]
