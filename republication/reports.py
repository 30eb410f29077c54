"""What the desk shows of a story's republication: views per site and page, and a daily chart."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from articles.models import Article, RepublicationView
from republication.partners import attribute_to_partners

CHART_DAYS = 30
CHART_WIDTH, CHART_HEIGHT, CHART_BASELINE = 300, 80, 66


def daily_views_svg(
    daily_totals: Mapping[date, int], last_day: date, days: int = CHART_DAYS
) -> SafeString:
    """A small bar chart of views per day, drawn on the server: no script, readable by all."""
    first_day = last_day - timedelta(days=days - 1)
    series = [
        (first_day + timedelta(days=n), daily_totals.get(first_day + timedelta(days=n), 0))
        for n in range(days)
    ]
    peak = max(views for _day, views in series)
    scale = (CHART_BASELINE - 4) / peak if peak else 0
    slot = CHART_WIDTH / days
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}: {}</title></rect>',
        (
            (
                f"{index * slot + 1:.1f}",
                f"{CHART_BASELINE - views * scale:.1f}",
                f"{slot - 2:.1f}",
                f"{views * scale:.1f}",
                date_format(day, "j M"),
                views,
            )
            for index, (day, views) in enumerate(series)
        ),
    )
    total = sum(views for _day, views in series)
    summary = _(
        "Views per day, %(first)s to %(last)s: %(total)s in all, at most %(peak)s a day."
    ) % {
        "first": date_format(first_day, "j M"),
        "last": date_format(last_day, "j M"),
        "total": total,
        "peak": peak,
    }
    return format_html(
        '<svg class="republication-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{summary}</title>'
        '<line x1="0" y1="{b}" x2="{w}" y2="{b}" stroke="currentColor" stroke-width="1"/>{bars}'
        '<text x="0" y="{h}" font-size="10" fill="#417690">{first}</text>'
        '<text x="{w}" y="{h}" font-size="10" fill="currentColor" text-anchor="end">{last}</text>'
        "</svg>",
        w=CHART_WIDTH,
        h=CHART_HEIGHT,
        b=CHART_BASELINE,
        summary=summary,
        bars=bars,
        first=date_format(first_day, "j M"),
        last=date_format(last_day, "j M"),
    )


def republication_summary(article: Article, page_limit: int = 50) -> dict[str, Any]:
    """Totals, sites, pages and the 30-day chart for one article's admin page."""
    views = RepublicationView.objects.filter(article=article)
    today = timezone.localdate()
    recent = views.since(today - timedelta(days=CHART_DAYS - 1))
    return {
        "total": views.aggregate(total=Sum("views"))["total"] or 0,
        "sites": attribute_to_partners(views.by_site()),
        "pages": list(views.by_page()[:page_limit]),
        "chart": daily_views_svg(recent.daily_totals(), today),
    }
