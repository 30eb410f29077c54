"""The forms staff fill in on the desk, with their fields and widgets."""

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.forms import TagField
from taggit.models import Tag

from articles import workflow
from articles.models import ATTRIBUTION_ELEMENTS, Article, Correction, ImageCredit
from newsroom.lib.text import clean_text
from photos.metadata import content_hash
from photos.uploads import PhotoUploadField

# The publisher's and each article's "partners must …" switches, in the terms' order.
ATTRIBUTION_FIELDS = [f"requires_{element}" for element, _label in ATTRIBUTION_ELEMENTS]


class PrivateOriginalInput(forms.ClearableFileInput):
    """The upload input without the usual link to the current file: originals have no URL."""

    def is_initial(self, value):
        return False


class VersionCheckedForm(forms.ModelForm):
    """A change form that carries the version its row was loaded at and refuses a stale save.

    If someone saved the row after this form was opened, nothing is saved and the form comes
    back with what this person typed, to merge by hand. The desk's VersionCheckedAdmin puts
    the hidden field on the page for those who may change the row.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "loaded_version" in self.fields and self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and "loaded_version" in self.fields:
            loaded = cleaned_data.get("loaded_version")
            if loaded != self.instance.version or not self._claim(loaded):
                current = type(self.instance)._default_manager.get(pk=self.instance.pk)
                raise ValidationError(self.stale_message(current, loaded), code="stale-version")
        return cleaned_data

    def _claim(self, loaded):
        """Take the row for this save if it is still at `loaded`, on any database.

        A write that changes nothing, inside the admin's transaction: PostgreSQL locks the row,
        SQLite takes its write lock, so nobody can save in between the check and our save.
        """
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk, version=loaded)
        return rows.update(version=loaded)

    def stale_message(self, current, loaded_version):
        """Who saved the row after it was loaded, and when, from the admin's log."""
        latest = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(current),
                object_id=str(current.pk),
            )
            .select_related("user")
            .order_by("-action_time", "-pk")
            .first()
        )
        who = workflow.display_name(latest.user) if latest else _("someone")
        when = timezone.localtime(latest.action_time if latest else timezone.now())
        return _(
            "%(who)s saved this %(thing)s at %(when)s, after you opened it. Nothing you did was "
            "saved. Your changes are still here: copy what you need, open it again to see "
            "their version, and merge."
        ) % {
            "who": who,
            "thing": current._meta.verbose_name,
            "when": date_format(when, "SHORT_DATETIME_FORMAT"),
        }


class ImageCreditForm(VersionCheckedForm):
    upload_anyway = forms.BooleanField(
        label=_("Upload anyway"),
        required=False,
        help_text=_("Tick to keep a second copy of a photo that is already in the library."),
    )

    class Meta:
        model = ImageCredit
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown
        field_classes = {"image": PhotoUploadField}
        widgets = {
            "image": PrivateOriginalInput,
            "focal_x": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
            "focal_y": forms.NumberInput(attrs={"step": "0.001", "min": 0, "max": 1}),
        }

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("image")
        if isinstance(upload, UploadedFile) and not cleaned_data.get("upload_anyway"):
            existing = (
                ImageCredit.objects.filter(content_hash=content_hash(upload))
                .exclude(pk=self.instance.pk)
                .first()
            )
            if existing:
                message = render_to_string("desk/photo_duplicate_error.html", {"photo": existing})
                self.add_error("image", forms.ValidationError(message, code="duplicate"))
        return cleaned_data


# Headings, bold, italic, links, lists, block quotes, photos of the library and embeds
# (static/js/admin/body-media.js); ProseMirror drops anything else on paste, and the server
# still sanitises whatever arrives (articles/sanitize.py).
BODY_EDITOR_CONFIG = {
    "extensions": {
        "Heading": {"levels": [2, 3, 4]},
        "Bold": True,
        "Italic": True,
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto", "tel"]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HardBreak": True,
        "History": True,
        "InlinePhoto": {
            "pickerUrl": reverse_lazy("admin:articles_imagecredit_picker"),
            "uploadUrl": reverse_lazy("admin:articles_imagecredit_picker_upload"),
            "libraryUrl": reverse_lazy("admin:articles_imagecredit_changelist"),
            "stylesheet": lazy(static, str)("css/admin-body-media.css"),
        },
        "Embed": {"checkUrl": reverse_lazy("admin:articles_article_embedcheck")},
    }
}


class ArticleAdminForm(VersionCheckedForm):
    """The edit form of a story: only for those who may edit it now, and never stale."""

    class Meta:
        model = Article
        fields = [
            "kicker",
            "headline",
            "slug",
            "dek",
            "section",
            "dateline",
            "body",
            "lead_photo",
            "tags",
            "licence",
            "terms",
            *ATTRIBUTION_FIELDS,
            "licensing_email",
            "seo_headline",
            "seo_description",
            "social_image",
        ]
        widgets = {
            "body": AdminProseEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable"),
            # A headline wraps on the screen instead of scrolling out of sight; one line saved.
            "headline": forms.Textarea(attrs={"rows": 1, "maxlength": 300}),
            "seo_description": forms.Textarea(attrs={"rows": 3}),
        }

    editing_user = None  # set by ArticleAdmin.get_form

    def clean_headline(self):
        return " ".join(self.cleaned_data["headline"].split())

    def clean(self):
        if self.instance.pk is not None and not workflow.can_edit(self.editing_user, self.instance):
            raise ValidationError(
                _(
                    "This article is now %(state)s and you can no longer edit it. Nothing was "
                    "saved; your text is still here to copy."
                )
                % {"state": self.instance.get_status_display().lower()},
                code="not-editable",
            )
        return super().clean()

    def stale_message(self, current, loaded_version):
        return workflow.stale_message(current, loaded_version)


class CorrectionForm(VersionCheckedForm):
    """A correction's text can be fixed; a mistaken one is retracted with a note, never deleted."""

    class Meta:
        model = Correction
        fields = ["kind", "text", "retraction_note"]


class MergeTagsForm(forms.Form):
    name = forms.CharField(
        label=_("Merge into the tag"),
        max_length=Tag._meta.get_field("name").max_length,
        help_text=_(
            "An existing tag's name or a new one. Every story carrying a selected tag carries "
            "this one instead; the other selected tags are deleted."
        ),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Name the tag to merge into."))
        return name


class BoundedTagField(TagField):
    """Tags, each within the length the database stores (PostgreSQL refuses longer ones).

    Names are cleaned as the database will store them (clean_text) before taggit looks them up
    by name, so a tag typed with a stray control character finds the tag it stands for."""

    def clean(self, value):
        tags = [name for tag in super().clean(value) if (name := clean_text(tag).strip())]
        limit = Tag._meta.get_field("name").max_length
        if any(len(tag) > limit for tag in tags):
            raise ValidationError(
                _("Each tag can be at most %(limit)d characters long."), params={"limit": limit}
            )
        return tags
