"""The publisher's settings and the sections: shown on every page, read once per request."""

from django.utils.functional import SimpleLazyObject

import pagecache
from articles.models import Publisher, Section


def load_site_furniture():
    """From the cache while nothing on it has changed (the page cache's ``ALL`` generation)."""
    return pagecache.cached_under(
        "site-furniture",
        pagecache.ALL,
        lambda: {"publisher": Publisher.load(), "sections": list(Section.objects.all())},
    )


class SiteFurnitureMiddleware:
    """Gives every request ``request.site_furniture``: {"publisher", "sections"}, loaded lazily.

    Like ``request.user``, it is read at most once per request, however many views, templates
    and feeds ask.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.site_furniture = SimpleLazyObject(load_site_furniture)
        return self.get_response(request)


def site_furniture(request):
    """``request.site_furniture``, or loaded now for a request that did not pass the middleware."""
    furniture = getattr(request, "site_furniture", None)
    return furniture if furniture is not None else load_site_furniture()
