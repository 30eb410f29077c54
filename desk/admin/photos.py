"""The photo library."""

import logging

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from articles import workflow
from articles.models import Article, ImageCredit
from desk import body_media
from desk.admin.versioned import VersionCheckedAdmin
from desk.forms import ImageCreditForm
from photos.renditions import RenditionStatus
from photos.tasks import retry_renditions
from photos.templatetags.photos import responsive_image

logger = logging.getLogger(__name__)


def rendition_state(photo, *, detail=False, retry=False):
    """What an editor needs to know about a photo's renditions, in a few words; with ``detail``
    what that means for publishing, with ``retry`` a button that makes them again."""
    return render_to_string(
        "desk/rendition_state.html",
        {"photo": photo, "statuses": RenditionStatus, "detail": detail, "retry": retry},
    )


def photo_preview(photo, **options):
    """The photo's renditions as a <picture>, or its state while it has none to show."""
    if photo is None:
        return ""
    return responsive_image(photo, **options) or rendition_state(photo)


@admin.register(ImageCredit)
class ImageCreditAdmin(VersionCheckedAdmin):
    form = ImageCreditForm
    change_list_template = "admin/articles/imagecredit/change_list.html"
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
        return [
            (None, {"fields": first}),
            *self.fieldsets[1:],
            *self.version_fieldset(request, obj),
        ]

    # --- who may do what (the rules live in articles/workflow.py) ---

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_change_photo(request.user, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        photo = self.get_object(request, unquote(object_id)) if request.method == "GET" else None
        read_only = photo is not None and not self.has_change_permission(request, photo)
        if read_only and photo.is_published_content:
            self.message_user(
                request,
                _("A story that has left draft uses this photo: only an editor can change it."),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not workflow.may_decide_republication(request.user):
            readonly.append("may_republish")
        return readonly

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "may_republish" in form.changed_data:
            self.log_republication_decision(request, obj)

    def log_republication_decision(self, request, photo):
        """Partners' right to reuse the photo, recorded in its history as an editor's decision."""
        if photo.may_republish:
            decision = _("Partners may republish this photo: decided by %(name)s.")
        else:
            decision = _("Partners may not republish this photo: decided by %(name)s.")
        message = decision % {"name": workflow.display_name(request.user)}
        self.log_change(request, photo, message)
        logger.info("photo %s: %s", photo.pk, message)

    def get_urls(self):
        original = path(
            "<path:object_id>/original/",
            self.admin_site.admin_view(self.original_view),
            name="articles_imagecredit_original",
        )
        renditions = path(
            "<path:object_id>/renditions/",
            self.admin_site.admin_view(require_POST(self.renditions_view)),
            name="articles_imagecredit_renditions",
        )
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="articles_imagecredit_picker",
        )
        picker_upload = path(
            "picker/upload/",
            self.admin_site.admin_view(require_POST(self.picker_upload_view)),
            name="articles_imagecredit_picker_upload",
        )
        return [original, renditions, picker, picker_upload, *super().get_urls()]

    def picker_view(self, request):
        """The body editor's photo search (JSON), for staff who may see the library."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return body_media.photo_picker(request)

    def picker_upload_view(self, request):
        """POST: a photo uploaded from the body editor (JSON), for staff who may add photos."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        return body_media.photo_upload(request)

    def renditions_view(self, request, object_id):
        """POST: make the photo's renditions again, for staff who may change the photo."""
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
        chosen = list(queryset)
        photos = [photo for photo in chosen if self.has_change_permission(request, photo)]
        if len(photos) < len(chosen):
            self.message_user(
                request,
                _("Photos in stories that have left draft are left to an editor."),
                messages.WARNING,
            )
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
        return rendition_state(photo, detail=True)

    @admin.display(description=_("renditions"))
    def renditions_state_and_retry(self, photo):
        return rendition_state(photo, detail=True, retry=True)

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
        return render_to_string("desk/photo_focal_picker.html", {"photo": photo})

    @admin.display(description=_("crops"))
    def crop_previews(self, photo):
        """The crops for social cards and search engines, as saved (save to see a new point)."""
        crops = photo.crops() if photo.pk else []
        if not crops:
            return "—"
        return render_to_string("desk/photo_crops.html", {"crops": crops})

    @admin.display(description=_("original"))
    def original_link(self, photo):
        if not photo.pk:
            return "—"
        return render_to_string("desk/photo_original_link.html", {"photo": photo})

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        articles = (
            Article.objects.filter(Q(lead_photo=photo) | Q(inline_photos=photo))
            .distinct()
            .order_by("-publish_at", "-created_at")
            if photo.pk
            else []
        )
        if not articles:
            return _("No article uses this photo yet.")
        return render_to_string("desk/photo_used_in.html", {"articles": articles})

    @admin.display(description=_("same file as"))
    def same_file(self, photo):
        duplicates = photo.duplicates() if photo.pk else []
        if not duplicates:
            return "—"
        return render_to_string("desk/photo_same_file.html", {"duplicates": duplicates})
