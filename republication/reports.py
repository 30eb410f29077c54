"""What the desk shows of a story's republication: views per site and page, a daily chart, and
the daily views per story and site as CSV for funders' reports."""

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from articles.models import Article, RepublicationView
from newsroom.lib.urls import absolute_url
from republication.partners import attribute_to_partners, partner_for_site, partners_by_host

CHART_DAYS = 30
# Sites and pages listed by name on a story's admin page; the rest are summed up as "others".
SITE_LIMIT = 20
PAGE_LIMIT = 50
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


def republication_summary(
    article: Article, site_limit: int = SITE_LIMIT, page_limit: int = PAGE_LIMIT
) -> dict[str, Any]:
    """Totals, the top sites and pages with what is left summed up as "others", and the 30-day
    chart, for one article's admin page: the same few queries however many sites there are."""
    views = RepublicationView.objects.filter(article=article)
    today = timezone.localdate()
    recent = views.since(today - timedelta(days=CHART_DAYS - 1))
    totals = views.aggregate(
        total=Coalesce(Sum("views"), 0),
        sites=Count("site", distinct=True),
        # Pages as by_page() groups them: each address, and each site that sent only itself.
        pages=Count("page_url", distinct=True, filter=~Q(page_url=""))
        + Count("site", distinct=True, filter=Q(page_url="")),
    )
    sites = list(views.by_site()[:site_limit])
    pages = list(views.by_page()[:page_limit])
    return {
        "total": totals["total"],
        "sites": attribute_to_partners(sites),
        "other_sites": {
            "count": totals["sites"] - len(sites),
            "total": totals["total"] - sum(row["total"] for row in sites),
        },
        "pages": pages,
        "other_pages": {
            "count": totals["pages"] - len(pages),
            "total": totals["total"] - sum(row["total"] for row in pages),
        },
        "chart": daily_views_svg(recent.daily_totals(), today),
    }


CSV_HEADER = ["day", "story_id", "headline", "story_url", "site", "pages", "views", "partner"]
# The site column of views whose browser sent no referer; hosts never look like this.
UNKNOWN_SITE_LABEL = "(unknown site)"
# A cell a spreadsheet would run as a formula (CSV injection): headlines are typed by people.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_START) else text


def daily_views_by_site(
    since: date, until: date, article_ids: Iterable[int] | None = None
) -> QuerySet[Any, Any]:
    """Views per day, story and republishing site (the host), oldest first: the rows of the CSV.

    Keyed by the site's host, so that views can later be grouped by the partner a host belongs to.
    """
    views = RepublicationView.objects.filter(day__range=(since, until))
    if article_ids is not None:
        views = views.filter(article_id__in=list(article_ids))
    return (
        views.values("day", "article_id", "article__headline", "article__slug", "site")
        .annotate(
            total=Sum("views"), pages=Count("page_url", distinct=True, filter=~Q(page_url=""))
        )
        .order_by("day", "article_id", "site")
    )


class _Echo:
    """csv.writer writes each row here, which hands it straight back to be streamed."""

    def write(self, value: str) -> str:
        return value


def views_csv_lines(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The CSV, line by line (streamed: a year of a busy site need not fit in memory)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    partners = partners_by_host()
    for row in rows:
        partner = partner_for_site(row["site"] or "", partners)
        url = absolute_url(reverse("reader:article-detail", kwargs={"slug": row["article__slug"]}))
        yield writer.writerow(
            [
                row["day"].isoformat(),
                row["article_id"],
                spreadsheet_safe(row["article__headline"]),
                url,
                row["site"] or UNKNOWN_SITE_LABEL,
                row["pages"],
                row["total"],
                spreadsheet_safe(partner.organisation) if partner else "",
            ]
        )
