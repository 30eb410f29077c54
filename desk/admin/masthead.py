"""The masthead: the publisher with its republication terms, the sections and the authors."""

from django.contrib import admin
from django.db import models
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from articles.models import Author, Publisher, Section
from desk.admin.versioned import VersionCheckedAdmin
from desk.forms import ATTRIBUTION_FIELDS
from photos.uploads import MetadataFreeUploadField


def thumbnail(image, size=80):
    return render_to_string("desk/thumbnail.html", {"image": image, "size": size})


# Logos and author photos are published as uploaded: check them and strip their metadata.
CHECKED_IMAGE_UPLOADS = {models.ImageField: {"form_class": MetadataFreeUploadField}}


@admin.register(Publisher)
class PublisherAdmin(VersionCheckedAdmin):
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


@admin.register(Section)
class SectionAdmin(VersionCheckedAdmin):
    list_display = ["name", "slug", "order", "licence"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(VersionCheckedAdmin):
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
