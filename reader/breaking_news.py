"""The breaking-news banner, filled into every page as it is served (pagecache/fills.py).

Cached pages carry only a placeholder, so a banner appears and goes at once, whatever the age
of the page around it. What the banner shows is kept in the cache (in each worker's memory too,
with Redis) until a banner is saved or deleted: serving it costs no query. Every banner not yet
ended is kept, with its start and end, so one starting or ending later needs no retiring.
"""

import time

from django.template.loader import render_to_string

import pagecache
from curation.models import Banner

PLACEHOLDER = "<!--breaking-news-->"
BANNERS = "breaking-news"


def upcoming_banners():
    """[(starts, ends, html), ...] of every banner not yet ended, soonest first (timestamps)."""
    return [
        (
            banner.starts_at.timestamp(),
            banner.ends_at.timestamp(),
            render_to_string("includes/breaking_news.html", {"banner": banner}),
        )
        for banner in Banner.objects.not_ended()
    ]


def banner_html():
    """The banner showing now, as HTML, or "" (the newest to have started wins)."""
    now = time.time()
    showing = [
        (starts, html)
        for starts, ends, html in pagecache.cached_under(BANNERS, BANNERS, upcoming_banners)
        if starts <= now < ends
    ]
    return max(showing)[1] if showing else ""


def register():
    pagecache.fill_on_serve(PLACEHOLDER, banner_html)
    pagecache.invalidate_on_change(Banner, lambda banner: [BANNERS])
