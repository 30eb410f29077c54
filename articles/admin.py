from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from taggit.forms import TagField
from taggit.managers import TaggableManager
from taggit.models import Tag

from articles.models import Article, Author, Byline, ImageCredit, Publisher, Section


def thumbnail(image, size=80):
    if not image:
        return "—"
    # A class, not a style attribute: the Content-Security-Policy allows no inline styles.
    return format_html('<img src="{}" alt="" class="thumbnail thumbnail--{}">', image.url, size)


@admin.register(Publisher)
class PublisherAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["name", "logo", "site_url", "licensing_email"]}),
        (
            _("Republication terms"),
            {
                "fields": [
                    "licence",
                    "terms",
                    "requires_logo",
                    "requires_byline",
                    "requires_affiliation",
                    "requires_link_back",
                    "requires_pixel",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # There is exactly one publisher; it is created on first use.
        return not Publisher.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
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


@admin.register(ImageCredit)
class ImageCreditAdmin(admin.ModelAdmin):
    list_display = [
        "image_thumbnail",
        "caption_excerpt",
        "credit_line",
        "reference_id",
        "may_republish",
        "created_at",
    ]
    list_display_links = ["image_thumbnail", "caption_excerpt"]
    list_filter = ["may_republish", "agency", "created_at"]
    search_fields = ["caption", "alt_text", "photographer", "agency", "providers", "reference_id"]
    date_hierarchy = "created_at"
    readonly_fields = ["image_preview", "credit_line", "width", "height"]
    fieldsets = [
        (None, {"fields": ["image", "image_preview", "alt_text", "caption"]}),
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
    ]

    @admin.display(description=_("photo"))
    def image_thumbnail(self, photo):
        return thumbnail(photo.image)

    @admin.display(description=_("preview"))
    def image_preview(self, photo):
        return thumbnail(photo.image, 400)

    @admin.display(description=_("caption"))
    def caption_excerpt(self, photo):
        return photo.caption[:100] or photo.alt_text[:100] or photo.image.name


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "role", "position"]


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
    readonly_fields = ["lead_photo_preview", "created_at", "updated_at"]
    inlines = [BylineInline]
    formfield_overrides = {TaggableManager: {"form_class": BoundedTagField}}
    list_select_related = ["section", "lead_photo"]
    fieldsets = [
        (None, {"fields": ["kicker", "headline", "slug", "dek", "section", "dateline"]}),
        (_("Story"), {"fields": ["body"]}),
        (_("Lead photo"), {"fields": ["lead_photo", "lead_photo_preview"]}),
        (_("Tags"), {"fields": ["tags"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "created_at", "updated_at"]}),
        (
            _("Republication (leave empty to use the publisher's terms)"),
            {"fields": ["licence", "terms"], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("bylines", queryset=Byline.objects.select_related("author")))
        )

    @admin.display(description=_("authors"))
    def author_names(self, article):
        return ", ".join(byline.author.name for byline in article.bylines.all())

    @admin.display(description=_("photo"))
    def photo_thumbnail(self, article):
        return thumbnail(article.lead_photo.image if article.lead_photo else None, 48)

    @admin.display(description=_("preview"))
    def lead_photo_preview(self, article):
        return thumbnail(article.lead_photo.image if article.lead_photo else None, 320)
