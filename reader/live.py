"""Live stories on the reader's site: a page of entries, and the small answer pages poll.

Every entry shown comes from ``LiveEntry.objects.public()``. The poll's answer is one short HTML
fragment per story, kept whole by the page cache under the story's tag until an entry changes
(reader/pages.py), so thousands of readers polling cost one render per update.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from articles.models import Article
from live.models import LiveEntry, coverage_of

# How many of the newest entries a poll's answer carries; more new ones than that, and the
# reader's button reloads the page instead.
POLL_ENTRIES = 20


def public_entries(coverage):
    return LiveEntry.objects.public().filter(coverage=coverage).for_display().newest_first()


def entries_page(coverage, page_number, preview=False):
    """What a live story's page shows: the pinned entries (on the first page), then a page of
    the others, newest first. A preview of a story not yet public shows the entries that will be
    public with it (published ones, never drafts)."""
    entries = public_entries(coverage)
    if preview:
        entries = LiveEntry.objects.published().filter(coverage=coverage).for_display()
        entries = entries.newest_first()
    paginator = Paginator(entries.filter(pinned=False), settings.LIVE_ENTRIES_PER_PAGE)
    page = paginator.get_page(page_number)
    pinned = list(entries.filter(pinned=True)) if page.number == 1 else []
    return {
        "coverage": coverage,
        "pinned": pinned,
        "page": page,
        "paginator": paginator,
        "polls": coverage.is_running and page.number == 1 and not preview,
        "poll_seconds": settings.LIVE_POLL_SECONDS,
        "poll_entries": POLL_ENTRIES,
    }


@require_safe
def live_updates(request, slug):
    """The newest entries of a published live story, for its readers' pages to poll."""
    article = get_object_or_404(Article.objects.published().select_related("live"), slug=slug)
    coverage = coverage_of(article)
    if coverage is None:
        raise Http404("Not a live story.")
    entries = public_entries(coverage)[:POLL_ENTRIES]
    response = TemplateResponse(
        request, "reader/live_updates.html", {"coverage": coverage, "entries": entries}
    )
    # Browsers ask again each time (a 304 while nothing changed); a CDN keeps it a few seconds.
    response["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.LIVE_CDN_SECONDS}, "
        f"stale-while-revalidate={settings.LIVE_CDN_SECONDS}"
    )
    response["X-Robots-Tag"] = "noindex"
    return response
