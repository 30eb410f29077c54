"""The record of what happened to stories: corrections and workflow transitions."""

from django.contrib import admin

from articles.models import ArticleTransition, Correction
from desk.admin.readonly import ReadOnlyAdmin


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    """Corrections are added from the article's page; here they are listed and can be fixed."""

    list_display = ["created_at", "kind", "article", "text", "created_by"]
    list_filter = ["kind", "created_at"]
    search_fields = ["text", "article__headline"]
    list_select_related = ["article", "created_by"]
    readonly_fields = ["article", "created_at", "created_by"]
    fields = ["article", "kind", "text", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(ReadOnlyAdmin):
    """The workflow log, read-only: it records what happened."""

    list_display = ["created_at", "article", "actor", "from_status", "to_status", "note"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["article__headline", "note"]
    list_select_related = ["article", "actor"]
