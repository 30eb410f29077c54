"""Live stories for the tests: real rows, as the desk would make them."""

from datetime import timedelta

from django.utils import timezone

from live.models import LiveCoverage, LiveEntry
from tests.factories import make_article


def make_live_story(reporters_may_add=True, ended=False, **article_fields):
    """A published story (unless told otherwise) with live coverage that began an hour ago."""
    article = make_article(**article_fields)
    now = timezone.now()
    return LiveCoverage.objects.create(
        article=article,
        started_at=now - timedelta(hours=1),
        ended_at=now - timedelta(minutes=1) if ended else None,
        reporters_may_add=reporters_may_add,
    )


def add_entry(coverage, text="<p>An update.</p>", minutes_ago=None, **fields):
    """A published entry (unless told otherwise), ``minutes_ago`` if given, else now."""
    if minutes_ago is not None:
        fields.setdefault("published_at", timezone.now() - timedelta(minutes=minutes_ago))
    return LiveEntry.objects.create(coverage=coverage, text=text, **fields)
