from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from articles import images
from articles.models import (
    ATTRIBUTION_ELEMENTS,
    Article,
    Author,
    Byline,
    ImageCredit,
    Publisher,
    RepublishedArticle,
    Section,
)
from articles.republication import flush_counts, republication_summary
from articles.templatetags.photos import responsive_image
from articles.widgets import TagAutocompleteWidget

# The publisher's and each article's "partners must …" switches, in the terms' order.
ATTRIBUTION_FIELDS = [f"requires_{element}" for element, _label in ATTRIBUTION_ELEMENTS]


def thumbnail(image, size=80):
    if not image:
        return "—"
    return format_html(
        '<img src="{}" alt="" style="max-width:{}px;max-height:{}px;object-fit:cover">',
        image.url,
        size,
        size,
    )


# Logos and author photos are published as uploaded: check them and strip their metadata.
CHECKED_IMAGE_UPLOADS = {models.ImageField: {"form_class": images.MetadataFreeUploadField}}


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
    flush_counts()  # show what the pixel has gathered so far, not only what was last written
    return render_to_string(
        "admin/articles/republication_panel.html",
        {"article": article, **republication_summary(article)},
    )


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
        field_classes = {"image": images.PhotoUploadField}
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
                ImageCredit.objects.filter(content_hash=images.content_hash(upload))
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
        "created_at",
    ]
    list_display_links = ["image_thumbnail", "caption_excerpt"]
    list_filter = ["may_republish", "agency", "created_at"]
    search_fields = ["caption", "alt_text", "photographer", "agency", "providers", "reference_id"]
    date_hierarchy = "created_at"
    readonly_fields = [
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

    def get_urls(self):
        original = path(
            "<path:object_id>/original/",
            self.admin_site.admin_view(self.original_view),
            name="articles_imagecredit_original",
        )
        return [original, *super().get_urls()]

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
        return responsive_image(photo, sizes="80px", alt="", css_class="admin-thumbnail")

    @admin.display(description=_("caption"))
    def caption_excerpt(self, photo):
        return photo.caption[:100] or photo.alt_text[:100] or photo.image.name

    @admin.display(description=_("used in"), ordering="use_count")
    def use_count(self, photo):
        return photo.use_count

    @admin.display(description=_("photo"))
    def focal_point_picker(self, photo):
        if not photo.pk or not photo.renditions:
            return _("Save the photo first; then click on it to set its focal point.")
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


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    list_display = [
        "photo_thumbnail",
        "headline",
        "section",
        "status",
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
    readonly_fields = ["lead_photo_preview", "created_at", "updated_at", "republication_panel"]
    inlines = [BylineInline]
    list_select_related = ["section", "lead_photo"]
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

    @admin.display(description=_("authors"))
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, article):
        return responsive_image(
            article.lead_photo, sizes="48px", alt="", css_class="admin-thumbnail"
        )

    @admin.display(description=_("preview"))
    def lead_photo_preview(self, article):
        return responsive_image(article.lead_photo, sizes="320px", css_class="admin-preview")


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
        flush_counts()
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
