"""The top of the front page and of each section page, and the breaking-news banner: editors'.

One screen arranges a page: its lead and featured slots in a list editors reorder by dragging
or with the move buttons (static/js/admin/arrangement.js), each slot's story with what the page
shows of it instead, a preview as readers will see it, and a time it goes live. Every change is
in the admin's log (the object's history).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from curation.models import MAX_SLOTS, Arrangement, Banner, Slot


def without_related_links(formfield):
    """The bare widget: a story or section is chosen here, never added or edited."""
    widget = getattr(formfield, "widget", None)
    if isinstance(widget, RelatedFieldWidgetWrapper):
        formfield.widget = widget.widget
    return formfield


class SlotForm(forms.ModelForm):
    def has_changed(self):
        # An empty row the screen merely renumbered is still empty: not a slot to save. A saved
        # slot moved to another place has changed.
        if self.instance.pk is None:
            return bool(set(self.changed_data) - {"position"})
        return super().has_changed()


class SlotInline(admin.TabularInline):
    model = Slot
    form = SlotForm
    fields = ["position", "article", "headline", "dek", "crop", "expires_at"]
    autocomplete_fields = ["article"]
    ordering = ["position"]
    max_num = MAX_SLOTS
    classes = ["arrangement-slots"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "position":
            # Set by the order of the rows on the screen (dragged, or moved with the buttons).
            kwargs["widget"] = forms.HiddenInput(attrs={"class": "slot-position"})
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_extra(self, request, obj=None, **kwargs):
        return MAX_SLOTS - (obj.slots.count() if obj is not None else 0)


@admin.register(Arrangement)
class ArrangementAdmin(admin.ModelAdmin):
    inlines = [SlotInline]
    list_display = ["__str__", "page", "goes_live_at", "state", "created_by"]
    list_filter = ["section"]
    list_select_related = ["section", "created_by"]
    date_hierarchy = "goes_live_at"
    fields = ["section", "goes_live_at", "note"]
    save_as = True  # "Save as new": a copy to rework and schedule, the live one untouched
    change_form_template = "admin/curation/arrangement/change_form.html"

    class Media:
        css = {"all": ["css/admin-arrangement.css"]}
        js = ["js/admin/arrangement.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_superseded()

    @admin.display(description=gettext_lazy("page"))
    def page(self, arrangement):
        return arrangement.section.name if arrangement.section_id else _("Front page")

    @admin.display(description=gettext_lazy("state"))
    def state(self, arrangement):
        return {
            "draft": _("Draft"),
            "scheduled": _("Scheduled"),
            "live": _("Live"),
            "replaced": _("Replaced"),
        }[arrangement.state]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return without_related_links(super().formfield_for_dbfield(db_field, request, **kwargs))

    def get_readonly_fields(self, request, obj=None):
        # A page's arrangements stay that page's: its cached copies are the ones retired.
        return ["section"] if obj is not None or self.saving_as_new(request) else []

    def saving_as_new(self, request):
        return request.method == "POST" and "_saveasnew" in request.POST

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if self.saving_as_new(request):
            # A copy is for the same page, and waits to be previewed and scheduled: a time
            # already past would make it live at once, over the arrangement it was copied from.
            copied = Arrangement.objects.get(pk=request.resolver_match.kwargs["object_id"])
            obj.section = copied.section
            if obj.goes_live_at is not None and obj.goes_live_at <= timezone.now():
                obj.goes_live_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The first row on the screen is the lead, whatever numbers the rows were sent with.
        for number, slot in enumerate(form.instance.slots.order_by("position", "pk")):
            if slot.position != number:
                slot.position = number
                slot.save(update_fields=["position"])

    def get_urls(self):
        publish = self.admin_site.admin_view(self.publish_now_view)
        return [
            path("<path:object_id>/publish/", publish, name="curation_arrangement_publish"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        if obj is not None:
            context["preview_url"] = reverse("reader:arrangement-preview", args=[obj.pk])
            context["may_publish"] = self.has_change_permission(request, obj)
        return super().render_change_form(request, context, add, change, **kwargs)

    def publish_now_view(self, request, object_id):
        """Make the arrangement the one readers see, from now."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        arrangement = get_object_or_404(Arrangement, pk=object_id)
        if not self.has_change_permission(request, arrangement):
            raise PermissionDenied
        with transaction.atomic():
            arrangement.goes_live_at = timezone.now()
            arrangement.save(update_fields=["goes_live_at"])
            self.log_change(request, arrangement, [{"changed": {"fields": ["goes live at"]}}])
        messages.success(request, _("“%s” is live now.") % arrangement)
        return HttpResponseRedirect(reverse("admin:curation_arrangement_change", args=[object_id]))


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["text", "starts_at", "ends_at", "showing_now", "created_by"]
    list_select_related = ["created_by"]
    fields = ["text", "url", "starts_at", "ends_at"]
    search_fields = ["text"]

    @admin.display(description=gettext_lazy("showing now"), boolean=True)
    def showing_now(self, banner):
        return banner.starts_at <= timezone.now() < banner.ends_at

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
