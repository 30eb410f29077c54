"""The live part of a story's page (templates/reader/live_coverage.html)."""

from django import template

from live.models import coverage_of
from reader.live import entries_page

register = template.Library()


@register.simple_tag(takes_context=True)
def live_coverage(context, article):
    """The page of entries this request asks for, or None for a story that is not live."""
    coverage = coverage_of(article)
    if coverage is None:
        return None
    page = context["request"].GET.get("page")
    return entries_page(coverage, page, preview=context.get("is_preview", False))
