"""How stories travel: the republication panel on an article and the most republished stories."""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import RepublishedArticle
from desk.admin.readonly import ReadOnlyAdmin
from republication.reports import republication_summary
from republication.tasks import last_failure, request_flush


def republication_panel(model_admin, article):
    """Views of the article's republished copies: total, sites, pages and a 30-day chart."""
    if not article.pk:
        return "—"
    # What is stored, and a worker is asked to write what the pixel has gathered since.
    return render_to_string(
        "desk/republication_panel.html",
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


@admin.register(RepublishedArticle)
class MostRepublishedAdmin(ReadOnlyAdmin):
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
