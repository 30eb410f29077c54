"""Tags. A story's tags are set on the story's own page, by whoever may edit the story; here
editors rename, merge and delete tags across the site, each change recorded in the tag's history
and retiring the cached pages it changes (articles/tags.py)."""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from articles.models import Article
from articles.tags import delete_tags, merge_tags
from desk.forms import MergeTagsForm

# taggit's own admin edits any object's tags through a generic inline, and merges tags from a
# view that checks no permission: ours replaces it.
admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "story_count"]
    ordering = ["name", "slug"]
    search_fields = ["name"]  # also the story form's tag suggestions (admin:autocomplete)
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "stories"]
    readonly_fields = ["stories"]
    actions = ["merge_tags"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(uses=Count("taggit_taggeditem_items"))

    def delete_model(self, request, obj):
        delete_tags([obj])

    def delete_queryset(self, request, queryset):
        delete_tags(queryset)

    @admin.action(description=_("Merge the selected tags"), permissions=["change", "delete"])
    def merge_tags(self, request, queryset):
        tags = list(queryset)
        form = MergeTagsForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            target = merge_tags(tags, form.cleaned_data["name"])
            merged = [tag for tag in tags if tag.pk != target.pk]
            names = ", ".join(f"“{tag.name}”" for tag in merged)
            self.log_change(
                request, target, _("Merged %(names)s into this tag.") % {"names": names}
            )
            for tag in merged:
                self.log_change(request, tag, _("Merged into “%(name)s”.") % {"name": target})
            self.message_user(
                request,
                ngettext(
                    "%(count)d tag merged into “%(name)s”.",
                    "%(count)d tags merged into “%(name)s”.",
                    len(merged),
                )
                % {"count": len(merged), "name": target},
                messages.SUCCESS,
            )
            return None
        if not form.is_bound:
            form = MergeTagsForm(initial={"name": tags[0].name})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.opts,
            "tags": tags,
            "form": form,
            "story_count": Article.objects.filter(tags__in=tags).distinct().count(),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge_tags.html", context)

    @admin.display(description=_("stories"), ordering="uses")
    def story_count(self, tag):
        return tag.uses

    @admin.display(description=_("stories"))
    def stories(self, tag):
        articles = Article.objects.filter(tags=tag).order_by("-publish_at", "-created_at")
        if not articles:
            return _("No story carries this tag.")
        return render_to_string("desk/photo_used_in.html", {"articles": articles})
