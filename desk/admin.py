from contextlib import suppress
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, models, transaction
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_prose_editor.widgets import AdminProseEditorWidget
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.forms import TagField
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles import locks, revisions, workflow
from articles.models import (
    ATTRIBUTION_ELEMENTS,
    Article,
    ArticleTransition,
    Author,
    Byline,
    Correction,
    ImageCredit,
    PreviewLink,
    Publisher,
    RepublishedArticle,
    Section,
)
from desk.widgets import TagAutocompleteWidget
from photos.metadata import content_hash
from photos.renditions import RenditionStatus
from photos.tasks import retry_renditions
from photos.templatetags.photos import responsive_image
from photos.uploads import MetadataFreeUploadField, PhotoUploadField
from republication.reports import republication_summary
from republication.tasks import last_failure, request_flush

# The publisher's and each article's "partners must …" switches, in the terms' order.
ATTRIBUTION_FIELDS = [f"requires_{element}" for element, _label in ATTRIBUTION_ELEMENTS]


def thumbnail(image, size=80):
    if not image:
        return "—"
    # A class, not a style attribute: the Content-Security-Policy allows no inline styles.
    return format_html('<img src="{}" alt="" class="thumbnail thumbnail--{}">', image.url, size)


def rendition_state(photo):
    """What an editor needs to know about a photo's renditions, in a few words."""
    if photo.rendition_status == RenditionStatus.FAILED:
        return format_html(
            '<span class="rendition-state rendition-state--failed">{}</span>',
            _("Failed: %(error)s") % {"error": photo.rendition_error or _("unknown error")},
        )
    if photo.rendition_status == RenditionStatus.PROCESSING:
        return format_html(
            '<span class="rendition-state rendition-state--processing">{}</span>',
            _("Processing: the renditions are being made."),
        )
    return _("Ready")


def photo_preview(photo, **options):
    """The photo's renditions as a <picture>, or its state while it has none to show."""
    if photo is None:
        return ""
    return responsive_image(photo, **options) or rendition_state(photo)


# Logos and author photos are published as uploaded: check them and strip their metadata.
CHECKED_IMAGE_UPLOADS = {models.ImageField: {"form_class": MetadataFreeUploadField}}


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    formfield_overrides = CHECKED_IMAGE_UPLOADS
    fieldsets = [
        (None, {"fields": ["name", "logo", "site_url", "licensing_email"]}),
        (
            _("Republication terms"),
            {
                "fields": ["licence", "terms", *ATTRIBUTION_FIELDS],
            },
        ),
    ]

    def has_add_permission(self, request):
        # There is exactly one publisher; it is created on first use.
        return not Publisher.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


def republication_panel(model_admin, article):
    """Views of the article's republished copies: total, sites, pages and a 30-day chart."""
    if not article.pk:
        return "—"
    # What is stored, and a worker is asked to write what the pixel has gathered since.
    return render_to_string(
        "admin/articles/republication_panel.html",
        {
            "article": article,
            "counting_notes": counting_notes(request_flush(), last_failure()),
            **republication_summary(article),
        },
    )


def counting_notes(waiting, failure):
    """What an editor should know about numbers not yet written."""
    notes = []
    if waiting:
        notes.append(
            _(
                "Views counted in the last few minutes are being written; reload in a moment "
                "to see them."
            )
        )
    if failure:
        notes.append(
            _(
                "Writing the latest views failed (%(error)s). They are kept and written on the "
                "next try."
            )
            % {"error": failure}
        )
    return notes


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    formfield_overrides = CHECKED_IMAGE_UPLOADS
    list_display = ["photo_thumbnail", "name", "job_title", "affiliation", "tips_email", "user"]
    list_display_links = ["photo_thumbnail", "name"]
    search_fields = ["name", "job_title", "affiliation", "social_handle", "tips_email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]
    readonly_fields = ["photo_preview"]
    list_select_related = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "affiliation", "bio"]}),
        (_("Photo"), {"fields": ["photo", "photo_preview"]}),
        (_("Contact"), {"fields": ["social_network", "social_handle", "social_url", "tips_email"]}),
        (_("Login"), {"fields": ["user"]}),
    ]

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, author):
        return thumbnail(author.photo, 40)

    @admin.display(description=_("preview"))
    def photo_preview(self, author):
        return thumbnail(author.photo, 160)


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
                link = format_html(
                    '<a href="{}">{}</a>',
                    reverse("admin:articles_imagecredit_change", args=[existing.pk]),
                    existing,
                )
                self.add_error(
                    "image",
                    forms.ValidationError(
                        format_html(
                            "{} {} {}",
                            _("This photo is already in the library:"),
                            link,
                            _("Use that one, or choose the file again and tick “Upload anyway”."),
                        ),
                        code="duplicate",
                    ),
                )
        return cleaned_data


@admin.register(ImageCredit)
class ImageCreditAdmin(admin.ModelAdmin):
    form = ImageCreditForm
    list_display = [
        "image_thumbnail",
        "caption_excerpt",
        "credit_line",
        "reference_id",
        "may_republish",
        "use_count",
        "renditions_column",
        "created_at",
    ]
    list_display_links = ["image_thumbnail", "caption_excerpt"]
    list_filter = ["may_republish", "rendition_status", "agency", "created_at"]
    actions = ["make_renditions_again"]
    search_fields = ["caption", "alt_text", "photographer", "agency", "providers", "reference_id"]
    date_hierarchy = "created_at"
    # Newest first, in the list and in the lead-photo autocomplete (whose pages need an order).
    ordering = ["-created_at", "-pk"]
    readonly_fields = [
        "renditions_state",
        "renditions_state_and_retry",
        "focal_point_picker",
        "crop_previews",
        "credit_line",
        "width",
        "height",
        "original_link",
        "used_in",
        "same_file",
    ]
    fieldsets = [
        (None, {"fields": ["image", "upload_anyway", "alt_text", "caption"]}),
        (
            _("Focal point (the part every crop keeps)"),
            {"fields": ["focal_point_picker", "focal_x", "focal_y", "crop_previews"]},
        ),
        (
            _("Credit"),
            {
                "fields": [
                    "photographer",
                    "agency",
                    "providers",
                    "suffix",
                    "credit_override",
                    "credit_line",
                    "copyright_notice",
                ]
            },
        ),
        (
            _("For editors and partners (never shown to readers)"),
            {"fields": ["reference_id", "special_instructions", "may_republish"]},
        ),
        (
            _("File and use"),
            {"fields": ["width", "height", "original_link", "used_in", "same_file"]},
        ),
    ]

    class Media:
        css = {"all": ["css/admin-photos.css"]}
        js = ["js/focal-point.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("lead_articles"))

    def get_fieldsets(self, request, obj=None):
        """The renditions' state once there is a photo, and while they are not ready a button
        to make them again for those who may change the photo."""
        first = ["image", "upload_anyway"]
        if obj is not None and not self.has_change_permission(request, obj):
            first = []  # a read-only view: the original has no URL to show (see original_link)
        if obj is not None:
            may_retry = obj.rendition_status != RenditionStatus.READY
            may_retry = may_retry and self.has_change_permission(request, obj)
            first.append("renditions_state_and_retry" if may_retry else "renditions_state")
        first += ["alt_text", "caption"]
        return [(None, {"fields": first}), *self.fieldsets[1:]]

    def get_urls(self):
        original = path(
            "<path:object_id>/original/",
            self.admin_site.admin_view(self.original_view),
            name="articles_imagecredit_original",
        )
        renditions = path(
            "<path:object_id>/renditions/",
            self.admin_site.admin_view(self.renditions_view),
            name="articles_imagecredit_renditions",
        )
        return [original, renditions, *super().get_urls()]

    def renditions_view(self, request, object_id):
        """POST: make the photo's renditions again, for staff who may change the photo."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        photo = self.get_object(request, object_id)
        if photo is None:
            raise Http404
        if not self.has_change_permission(request, photo):
            raise PermissionDenied
        retry_renditions(photo)
        self.message_user(
            request,
            _("The renditions of “%(photo)s” are being made again.") % {"photo": photo},
            messages.SUCCESS,
        )
        return redirect("admin:articles_imagecredit_change", photo.pk)

    @admin.action(description=_("Make renditions again"), permissions=["change"])
    def make_renditions_again(self, request, queryset):
        photos = list(queryset)
        for photo in photos:
            retry_renditions(photo)
        self.message_user(
            request,
            ngettext(
                "The renditions of %(count)d photo are being made again.",
                "The renditions of %(count)d photos are being made again.",
                len(photos),
            )
            % {"count": len(photos)},
            messages.SUCCESS,
        )

    def original_view(self, request, object_id):
        """The private original, with its metadata, for signed-in staff who may view the photo."""
        photo = self.get_object(request, object_id)
        if photo is None or not self.has_view_permission(request, photo):
            raise Http404
        name = photo.image.name
        return FileResponse(
            photo.image.storage.open(name), as_attachment=True, filename=name.rsplit("/", 1)[-1]
        )

    @admin.display(description=_("photo"))
    def image_thumbnail(self, photo):
        return photo_preview(photo, sizes="80px", alt="", css_class="admin-thumbnail")

    @admin.display(description=_("renditions"), ordering="rendition_status")
    def renditions_column(self, photo):
        return rendition_state(photo)

    @admin.display(description=_("renditions"))
    def renditions_state(self, photo):
        state = rendition_state(photo)
        if photo.rendition_status == RenditionStatus.PROCESSING:
            return format_html(
                '{}<p class="help">{}</p>',
                state,
                _(
                    "Readers see the photo once they exist, usually within seconds; reload to "
                    "check. A story cannot be published with this photo until then."
                ),
            )
        return state

    @admin.display(description=_("renditions"))
    def renditions_state_and_retry(self, photo):
        # A submit button of the change form that posts it to the renditions view instead.
        return format_html(
            '{}<p><button type="submit" class="button" formaction="{}" formmethod="post" '
            'formnovalidate name="_make_renditions">{}</button></p>',
            self.renditions_state(photo),
            reverse("admin:articles_imagecredit_renditions", args=[photo.pk]),
            _("Make renditions again"),
        )

    @admin.display(description=_("caption"))
    def caption_excerpt(self, photo):
        return photo.caption[:100] or photo.alt_text[:100] or photo.image.name

    @admin.display(description=_("used in"), ordering="use_count")
    def use_count(self, photo):
        return photo.use_count

    @admin.display(description=_("photo"))
    def focal_point_picker(self, photo):
        if not photo.pk:
            return _("Save the photo first; then click on it to set its focal point.")
        if not photo.renditions_ready and not photo.sources("jpeg"):
            return _("Once its renditions are made, click on the photo to set its focal point.")
        return format_html(
            '<div class="focal-picker" data-focal-picker>{}'
            '<span class="focal-picker__marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            responsive_image(photo, sizes="480px", alt=photo.alt_text),
            _("Click on what matters most in the photo: crops keep it in view."),
        )

    @admin.display(description=_("crops"))
    def crop_previews(self, photo):
        """The crops for social cards and search engines, as saved (save to see a new point)."""
        crops = photo.crops() if photo.pk else []
        if not crops:
            return "—"
        return format_html_join(
            "",
            '<figure class="crop-preview"><img src="{}" srcset="{} {}w" sizes="160px" '
            'width="{}" height="{}" alt="" loading="lazy"><figcaption>{}</figcaption></figure>',
            ((c["url"], c["url"], c["width"], c["width"], c["height"], c["ratio"]) for c in crops),
        )

    @admin.display(description=_("original"))
    def original_link(self, photo):
        if not photo.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_imagecredit_original", args=[photo.pk]),
            _("Download the original, with its metadata (private)"),
        )

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        articles = photo.lead_articles.order_by("-publish_at", "-created_at") if photo.pk else []
        if not articles:
            return _("No article uses this photo yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:articles_article_change", args=[article.pk]),
                        article.headline,
                        article.get_status_display(),
                    )
                    for article in articles
                ),
            ),
        )

    @admin.display(description=_("same file as"))
    def same_file(self, photo):
        duplicates = photo.duplicates() if photo.pk else []
        if not duplicates:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            (
                (reverse("admin:articles_imagecredit_change", args=[other.pk]), other)
                for other in duplicates
            ),
        )


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]

    def get_queryset(self, request):
        # Each row's title names its author.
        return super().get_queryset(request).select_related("author")


# Headings, bold, italic, links, lists and block quotes; ProseMirror drops anything else on
# paste, and the server still sanitises whatever arrives (articles/sanitize.py).
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
    restoring = False  # likewise: saving a restored revision or a recovered article

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
        (A restored revision is checked against the article as it was before the restore.)
        """
        if self.restoring:
            return True
        return Article.objects.filter(pk=self.instance.pk, version=loaded).update(version=loaded)


def lock_notice(sessions):
    """'NAME has been editing this since HH:MM' for each other live edit session."""
    return " ".join(
        _("%(name)s has been editing this since %(time)s.")
        % {
            "name": workflow.display_name(session.user),
            "time": date_format(timezone.localtime(session.started_at), "H:i"),
        }
        for session in sessions
    )


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


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    list_display = [
        "photo_thumbnail",
        "headline",
        "section",
        "state",
        "publish_at",
        "author_names",
        "updated_at",
    ]
    list_display_links = ["photo_thumbnail", "headline"]
    list_filter = ["status", "section", "authors", "publish_at"]
    search_fields = ["headline", "dek", "slug", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo"]
    # State and publishing time change only through the workflow buttons (articles/workflow.py).
    readonly_fields = [
        "lead_photo_preview",
        "status",
        "publish_at",
        "created_at",
        "updated_at",
        "republication_panel",
    ]
    inlines = [BylineInline]
    formfield_overrides = {TaggableManager: {"form_class": BoundedTagField}}
    list_select_related = ["section", "lead_photo"]
    actions = ["submit_selected", "publish_selected"]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "dek", "section", "dateline"]}),
        (_("Story"), {"fields": ["body"]}),
        (_("Lead photo"), {"fields": ["lead_photo", "lead_photo_preview"]}),
        (_("Tags"), {"fields": ["tags"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created_at", "updated_at"]}),
        (
            _("Republication (leave empty to use the publisher's terms)"),
            {
                "fields": ["licence", "terms", *ATTRIBUTION_FIELDS, "licensing_email"],
                "classes": ["collapse"],
            },
        ),
        (_("Republished copies"), {"fields": ["republication_panel"]}),
    ]

    republication_panel = admin.display(description=_("views on partners' sites"))(
        republication_panel
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "tags":
            kwargs["widget"] = TagAutocompleteWidget(
                attrs={"data-autocomplete-url": reverse("admin:autocomplete")}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and self.has_change_permission(request, obj):
            fieldsets.append((None, {"fields": ["loaded_version"], "classes": ["hidden"]}))
        return fieldsets

    # --- who may do what (the object-level rules live in articles/workflow.py) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or workflow.can_edit(request.user, obj):
            return True
        # An author whose story moved on (submitted, returned, published) while they typed: their
        # save reaches the form, which refuses it and shows their text again, instead of a 403.
        return (
            request.method == "POST"
            and request.resolver_match is not None
            and request.resolver_match.url_name == "articles_article_change"
            and workflow.is_author(request.user, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.editing_user = request.user
        form.restoring = "_reverting_from" in request.__dict__ or hasattr(request, "_recovering")
        return form

    def has_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH)

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        if article is None:
            return None
        # Saves are checked against the version in the form: hold the row until we commit.
        if (
            request.method == "POST"
            and "_reverting_from" not in request.__dict__
            and transaction.get_connection().in_atomic_block
        ):
            article = self.get_queryset(request).select_for_update().get(pk=article.pk)
        state = getattr(request, "_reverting_from", None)
        if state is not None:
            # Restoring a revision brings back its content, never its workflow state: the state
            # (and version) stay those of the article as it is now.
            article.version = state["version"]
            article.status = state["status"]
            article.publish_at = state["publish_at"]
        elif getattr(request, "_recovering", False):
            article.status = Article.Status.DRAFT  # a recovered story goes back through review
        return article

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = Author.objects.filter(user=request.user).first()
        if not change and author and not article.bylines.filter(author=author).exists():
            # A reporter's new story carries their byline, so it is theirs to edit and submit.
            Byline.objects.create(article=article, author=author, position=article.bylines.count())

    # --- revisions ---

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request._reverting_from = (
            Article.objects.filter(pk=object_id).values("version", "status", "publish_at").first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not request.user.has_perm(workflow.EDIT_ANY):
            raise PermissionDenied
        request._recovering = True
        return super().recover_view(request, version_id, extra_context)

    def recoverlist_view(self, request, extra_context=None):
        if not request.user.has_perm(workflow.EDIT_ANY):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        versions = (
            Version.objects.get_for_object_reference(Article, object_id)
            .select_related("revision__user")
            .order_by("-revision__date_created")
        )
        context = {
            "versions": versions,
            "compare_url": reverse("admin:articles_article_compare", args=[object_id]),
        }
        return super().history_view(request, object_id, context | (extra_context or {}))

    def compare_view(self, request, object_id):
        article = self._article_for(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        chosen = [request.GET.get("older"), request.GET.get("newer")]
        try:
            picked = list(versions.filter(pk__in=[int(pk) for pk in chosen]))
        except (TypeError, ValueError):
            picked = []
        if len(picked) != 2:
            messages.error(request, _("Choose two different revisions to compare."))
            return redirect("admin:articles_article_history", article.pk)
        older, newer = sorted(picked, key=lambda version: version.revision.date_created)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": _("Compare revisions of “%(headline)s”") % {"headline": article.headline},
            "older": older,
            "newer": newer,
            "rows": revisions.compare(older, newer),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    # --- the workflow panel on the change page ---

    def get_urls(self):
        view = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/workflow/<slug:name>/",
                view(self.transition_view),
                name=f"{prefix}_transition",
            ),
            path(
                "<path:object_id>/corrections/",
                view(self.correction_view),
                name=f"{prefix}_correction",
            ),
            path(
                "<path:object_id>/preview-links/",
                view(self.preview_link_view),
                name=f"{prefix}_previewlink",
            ),
            path(
                "<path:object_id>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link_view),
                name=f"{prefix}_revokepreviewlink",
            ),
            path(
                "<path:object_id>/heartbeat/",
                view(self.heartbeat_view),
                name=f"{prefix}_heartbeat",
            ),
            path("<path:object_id>/compare/", view(self.compare_view), name=f"{prefix}_compare"),
            *super().get_urls(),
        ]

    def _article_for(self, request, object_id):
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404(_("No such article."))
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _back_to(self, article):
        return redirect("admin:articles_article_change", article.pk)

    @staticmethod
    def _local_time(value):
        """A time typed in the newsroom's zone (TIME_ZONE), as an aware datetime, or None."""
        try:
            moment = parse_datetime((value or "").strip())
        except ValueError:
            return None
        if moment is None:
            return None
        if timezone.is_naive(moment):
            try:
                moment = timezone.make_aware(moment)
            except (ValueError, OverflowError):
                return None
        return moment

    def transition_view(self, request, object_id, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        action = workflow.TRANSITIONS.get(name)
        if action is None:
            raise Http404(_("No such transition."))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            messages.error(request, _("The form was incomplete; reload the page and try again."))
            return self._back_to(article)
        options = {"note": request.POST.get("note", "")}
        if name == "schedule":
            options["publish_at"] = self._local_time(request.POST.get("publish_at"))
        try:
            article = action(article, request.user, version, **options)
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, self._transition_message(article))
        return self._back_to(article)

    @staticmethod
    def _transition_message(article):
        if article.is_scheduled:
            when = date_format(timezone.localtime(article.publish_at), "j M Y, H:i T")
            return _("Scheduled for %(when)s.") % {"when": when}
        return _("The article is now %(state)s.") % {"state": article.get_status_display().lower()}

    def correction_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        try:
            correction = workflow.add_correction(
                article, request.user, request.POST.get("kind", ""), request.POST.get("text", "")
            )
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(kind)s added to the article.") % {"kind": correction.get_kind_display()},
            )
        return self._back_to(article)

    def preview_link_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        try:
            link = workflow.create_preview_link(article, request.user)
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Preview link made, valid until %(when)s: %(url)s")
                % {
                    "when": date_format(timezone.localtime(link.expires_at), "j M Y, H:i T"),
                    "url": request.build_absolute_uri(link.get_absolute_url()),
                },
            )
        return self._back_to(article)

    def revoke_preview_link_view(self, request, object_id, link_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        try:
            workflow.revoke_preview_link(link, request.user)
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The preview link no longer works."))
        return self._back_to(article)

    def heartbeat_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_for(request, object_id)
        if not self.has_change_permission(request, article):
            return JsonResponse({"notice": ""}, status=403)
        try:
            others = locks.heartbeat(article, request.user)
        except OperationalError:
            # A busy database (SQLite under concurrent writes) may refuse a beat; the page simply
            # tries again at the next one. A soft lock must never break editing.
            return JsonResponse({"notice": None}, status=503)
        return JsonResponse({"notice": lock_notice(others)})

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context.update(self._workflow_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _workflow_context(self, request, article):
        user = request.user
        can_edit = self.has_change_permission(request, article)
        others = None
        # If the database is too busy to record the lock now, the page's heartbeat will.
        if can_edit and request.method == "GET":
            with suppress(OperationalError):
                others = locks.heartbeat(article, user)
        if others is None:
            others = locks.others_editing(article, user)
        schedule_at = article.publish_at if article.is_scheduled else None
        return {
            "workflow_transitions": workflow.available(user, article),
            "publish_blockers": workflow.publish_blockers(article),
            "transitions_history": article.transitions.select_related("actor"),
            "article_corrections": article.corrections.all(),
            "correction_kinds": Correction.Kind.choices,
            "can_correct": user.has_perm("articles.add_correction")
            and article.status == Article.Status.PUBLISHED
            and not article.is_scheduled,
            "can_share_preview": user.has_perm("articles.add_previewlink"),
            "can_revoke_preview": user.has_perm("articles.change_previewlink"),
            "preview_links": [
                (link, request.build_absolute_uri(link.get_absolute_url()))
                for link in article.preview_links.active()
            ],
            "lock_notice": lock_notice(others),
            "holds_edit_lock": can_edit,
            "edit_lock_interval": settings.EDIT_LOCK_HEARTBEAT,
            "schedule_default": (
                timezone.localtime(schedule_at).strftime("%Y-%m-%dT%H:%M") if schedule_at else ""
            ),
            "newsroom_time_zone": timezone.get_current_timezone_name(),
        }

    # --- bulk actions, through the same workflow functions ---

    def _bulk(self, request, queryset, name):
        done, refusals = 0, []
        for article in queryset:
            try:
                workflow.TRANSITIONS[name](article, request.user, article.version)
            except workflow.TransitionRefused as refusal:
                refusals.append(f"{article.headline}: {refusal}")
            else:
                done += 1
        if done:
            messages.success(
                request,
                ngettext("%(count)d article moved.", "%(count)d articles moved.", done)
                % {"count": done},
            )
        for refusal in refusals:
            messages.error(request, refusal)

    @admin.action(description=_("Submit the selected articles for review"), permissions=["change"])
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, "submit")

    @admin.action(description=_("Publish the selected articles now"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, "publish")

    # --- list columns ---

    @admin.display(description=_("state"), ordering="status")
    def state(self, article):
        if article.is_scheduled:
            when = date_format(timezone.localtime(article.publish_at), "j M Y, H:i T")
            return _("Scheduled for %(when)s") % {"when": when}
        return article.get_status_display()

    @admin.display(description=_("authors"))
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, article):
        return photo_preview(article.lead_photo, sizes="48px", alt="", css_class="admin-thumbnail")

    @admin.display(description=_("preview"))
    def lead_photo_preview(self, article):
        return photo_preview(article.lead_photo, sizes="320px", css_class="admin-preview")


# --- republication (issue 6) ---


@admin.register(RepublishedArticle)
class MostRepublishedAdmin(admin.ModelAdmin):
    """Articles ranked by views of their republished copies. Read-only."""

    list_display = ["story", "total_views", "views_last_30_days", "site_count", "publish_at"]
    list_display_links = None
    search_fields = ["headline"]
    list_per_page = 50

    def get_queryset(self, request):
        since = timezone.localdate() - timedelta(days=29)
        # Built here rather than by super(), which would order by the annotations before they exist.
        return (
            self.model._default_manager.annotate(
                total_views=Coalesce(Sum("republication_views__views"), 0),
                recent_views=Coalesce(
                    Sum(
                        "republication_views__views",
                        filter=Q(republication_views__day__gte=since),
                    ),
                    0,
                ),
                sites=Count("republication_views__site", distinct=True),
            )
            .filter(total_views__gt=0)
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["-total_views", "-publish_at"]

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            for message in counting_notes(request_flush(), last_failure()):
                messages.info(request, message)
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("story"), ordering="headline")
    def story(self, article):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_change", args=[article.pk]),
            article.headline,
        )

    @admin.display(description=_("views, all time"), ordering="total_views")
    def total_views(self, article):
        return article.total_views

    @admin.display(description=_("views, last 30 days"), ordering="recent_views")
    def views_last_30_days(self, article):
        return article.recent_views

    @admin.display(description=_("sites"), ordering="sites")
    def site_count(self, article):
        return article.sites

    def has_view_permission(self, request, obj=None):
        # Whoever may see articles in the admin may see how they travel.
        return request.user.has_perm("articles.view_article") or request.user.has_perm(
            "articles.change_article"
        )

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class ArticleTransitionAdmin(admin.ModelAdmin):
    """The workflow log, read-only: it records what happened."""

    list_display = ["created_at", "article", "actor", "from_status", "to_status", "note"]
    list_filter = ["to_status", "created_at"]
    search_fields = ["article__headline", "note"]
    list_select_related = ["article", "actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
