"""Live coverage: editors open a story as live; reporters and editors add its entries.

Who may do what is live/workflow.py's; this module only offers each person what it allows and
checks it again on every save.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget

from articles.embeds import provider_for
from articles.models import Author
from desk.forms import BODY_EDITOR_CONFIG
from live import workflow
from live.models import LiveCoverage, LiveEntry

# The body's editor without its photo and embed figures: an entry has fields for those.
ENTRY_EDITOR_CONFIG = {
    "extensions": {
        name: options
        for name, options in BODY_EDITOR_CONFIG["extensions"].items()
        if name not in {"InlinePhoto", "Embed", "Heading"}
    }
}


@admin.register(LiveCoverage)
class LiveCoverageAdmin(admin.ModelAdmin):
    list_display = ["article", "started_at", "ended_at", "reporters_may_add", "add_entry_link"]
    list_select_related = ["article"]
    list_filter = ["reporters_may_add", ("ended_at", admin.EmptyFieldListFilter)]
    search_fields = ["article__headline"]
    autocomplete_fields = ["article"]
    fields = ["article", "started_at", "ended_at", "reporters_may_add"]

    def get_readonly_fields(self, request, obj=None):
        # A live story stays the story it was opened on: its entries were written for it.
        return ["article"] if obj is not None else []

    @admin.display(description=_("entries"))
    def add_entry_link(self, coverage):
        url = reverse("admin:live_liveentry_add") + f"?coverage={coverage.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Add an entry"))


class LiveEntryForm(forms.ModelForm):
    class Meta:
        model = LiveEntry
        fields = ["coverage", "text", "photo", "embed_url", "key_event", "pinned", "author"]
        widgets = {
            "text": AdminProseEditorWidget(config=ENTRY_EDITOR_CONFIG, preset="configurable"),
        }

    status = forms.ChoiceField(
        label=_("State"),
        choices=LiveEntry.Status.choices,
        initial=LiveEntry.Status.PUBLISHED,
        help_text=_("A draft is kept for later; a published entry is shown at once."),
    )
    editing_user = None  # set by LiveEntryAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["status"].initial = self.instance.status

    def clean_embed_url(self):
        url = self.cleaned_data.get("embed_url", "").strip()
        if url and provider_for(url) is None:
            raise ValidationError(
                _(
                    "This address cannot be embedded: paste the https address of a post, video, "
                    "document or chart from a provider the newsroom embeds."
                ),
                code="embed",
            )
        return url

    def clean(self):
        cleaned = super().clean()
        user = self.editing_user
        coverage = cleaned.get("coverage")
        if coverage is None or user is None:
            return cleaned
        if self.instance.pk is not None and not workflow.can_edit_entry(user, self.instance):
            raise ValidationError(
                _("You can no longer change this entry. Nothing was saved."), code="refused"
            )
        if not workflow.may_add_entry(user, coverage):
            raise ValidationError(
                _("This live story does not take entries from you now."), code="refused"
            )
        if cleaned.get("status") == LiveEntry.Status.PUBLISHED:
            entry = LiveEntry(
                text=cleaned.get("text") or "",
                photo=cleaned.get("photo"),
                embed_url=cleaned.get("embed_url") or "",
            )
            missing = workflow.entry_blockers(entry)
            if missing:
                raise ValidationError(
                    _("To publish this entry, add %(missing)s.") % {"missing": ", ".join(missing)},
                    code="incomplete",
                )
        return cleaned

    def save(self, commit=True):
        self.instance.status = self.cleaned_data["status"]
        return super().save(commit)


@admin.register(LiveEntry)
class LiveEntryAdmin(admin.ModelAdmin):
    form = LiveEntryForm
    list_display = [
        "excerpt",
        "coverage",
        "author",
        "status",
        "pinned",
        "key_event",
        "published_at",
    ]
    list_select_related = ["coverage__article", "author"]
    list_filter = ["status", "pinned", "key_event", "coverage"]
    search_fields = ["text", "coverage__article__headline"]
    autocomplete_fields = ["photo", "author"]
    readonly_fields = ["published_at", "created_at", "updated_at"]

    def get_fields(self, request, obj=None):
        fields = ["coverage", "text", "photo", "embed_url", "key_event", "status"]
        if workflow.may_pin(request.user):
            fields[5:5] = ["pinned", "author"]
        if obj is not None:
            fields += ["published_at", "updated_at"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = [
            name
            for name in self.get_fields(request, obj)
            if name not in {"published_at", "updated_at", "status"}
        ]
        form = super().get_form(request, obj, change=change, **kwargs)
        form.editing_user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "coverage":
            kwargs["queryset"] = workflow.open_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit_entry(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            if obj.author_id is None:
                obj.author = Author.objects.filter(user=request.user).first()
        super().save_model(request, obj, form, change)

    @admin.display(description=_("entry"))
    def excerpt(self, entry):
        return entry.excerpt
