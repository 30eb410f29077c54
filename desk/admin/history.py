"""The record of what happened to stories: corrections and workflow transitions."""

from django.contrib import admin

from articles import workflow
from articles.models import ArticleTransition, Correction
from desk.admin.readonly import ReadOnlyAdmin
from desk.admin.versioned import VersionCheckedAdmin
from desk.forms import CorrectionForm


@admin.register(Correction)
class CorrectionAdmin(VersionCheckedAdmin):
    """Corrections are added from the article's page; here they are listed and can be fixed.

    A mistaken one is retracted with a note readers see beside it: never deleted, by anyone.
    """

    form = CorrectionForm
    list_display = ["created_at", "kind", "article", "text", "created_by", "retracted_at"]
    list_filter = ["kind", "created_at", ("retracted_at", admin.EmptyFieldListFilter)]
    search_fields = ["text", "article__headline"]
    list_select_related = ["article", "created_by"]
    fields = [
        "article",
        "kind",
        "text",
        "created_at",
        "created_by",
        "retraction_note",
        "retracted_at",
        "retracted_by",
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["article", "created_at", "created_by", "retracted_at", "retracted_by"]
        if obj is not None and obj.is_retracted:
            # What readers were told, and why it was retracted, stays as they saw it.
            readonly += ["kind", "text", "retraction_note"]
        return readonly

    def save_model(self, request, obj, form, change):
        if "retraction_note" in form.changed_data and obj.retraction_note:
            workflow.retract_correction(obj, request.user, obj.retraction_note)
        else:
            super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(ReadOnlyAdmin):
    """The workflow log, read-only: it records what happened."""

    list_display = ["created_at", "article", "actor", "from_status", "to_status", "note"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["article__headline", "note"]
    list_select_related = ["article", "actor"]
