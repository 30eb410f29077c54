"""Series: a named, ordered group of stories with its own page, arranged by editors."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from articles.models import Series, SeriesPart
from desk.admin.versioned import VersionCheckedAdmin


class SeriesPartInline(admin.TabularInline):
    model = SeriesPart
    extra = 1
    autocomplete_fields = ["article"]
    fields = ["position", "article", "state"]
    readonly_fields = ["state"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")

    @admin.display(description=_("state"))
    def state(self, part):
        # Readers count and link only the published parts: say which those are.
        if part.pk is None:
            return ""
        article = part.article
        if article.is_scheduled:
            return _("Scheduled")
        return article.get_status_display()


@admin.register(Series)
class SeriesAdmin(VersionCheckedAdmin):
    list_display = ["name", "slug", "part_count", "updated_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description"]
    inlines = [SeriesPartInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(part_count=Count("parts"))

    @admin.display(description=_("parts"), ordering="part_count")
    def part_count(self, series):
        return series.part_count
