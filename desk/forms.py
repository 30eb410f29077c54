"""The forms staff fill in on the desk, with their fields and widgets."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.forms import TagField
from taggit.models import Tag

from articles import workflow
from articles.models import ATTRIBUTION_ELEMENTS, Article, ImageCredit
from photos.metadata import content_hash
from photos.uploads import PhotoUploadField

# The publisher's and each article's "partners must …" switches, in the terms' order.
ATTRIBUTION_FIELDS = [f"requires_{element}" for element, _label in ATTRIBUTION_ELEMENTS]


class PrivateOriginalInput(forms.ClearableFileInput):
    """The upload input without the usual link to the current file: originals have no URL."""

    def is_initial(self, value):
        return False


class ImageCreditForm(forms.ModelForm):
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


class ArticleAdminForm(forms.ModelForm):
    """The edit form carries the version it was loaded from; a stale save is refused."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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
        ]
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR_CONFIG, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "loaded_version" in self.fields and self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    editing_user = None  # set by ArticleAdmin.get_form

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and not workflow.can_edit(self.editing_user, self.instance):
            raise ValidationError(
                _(
                    "This article is now %(state)s and you can no longer edit it. Nothing was "
                    "saved; your text is still here to copy."
                )
                % {"state": self.instance.get_status_display().lower()},
                code="not-editable",
            )
        if self.instance.pk is not None and "loaded_version" in self.fields:
            loaded = cleaned_data.get("loaded_version")
            if loaded != self.instance.version or not self._claim(loaded):
                current = Article.objects.get(pk=self.instance.pk)
                raise ValidationError(workflow.stale_message(current, loaded), code="stale-version")
        return cleaned_data

    def _claim(self, loaded):
        """Take the article's row for this save if it is still at `loaded`, on any database.

        A write that changes nothing, inside the admin's transaction: PostgreSQL locks the row,
        SQLite takes its write lock, so nobody can save in between the check and our save.
        """
        return Article.objects.filter(pk=self.instance.pk, version=loaded).update(version=loaded)


class BoundedTagField(TagField):
    """Tags, each within the length the database stores (PostgreSQL refuses longer ones)."""

    def clean(self, value):
        tags = super().clean(value)
        limit = Tag._meta.get_field("name").max_length
        if any(len(tag) > limit for tag in tags):
            raise ValidationError(
                _("Each tag can be at most %(limit)d characters long."), params={"limit": limit}
            )
        return tags
