import functools

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.functional import SimpleLazyObject

from newsroom.lib.urls import reverse_fixed
from reader.furniture import site_furniture

# The site's fixed addresses that every page links to (header, footer, feed links), by the
# name templates use: {{ site_links.feed_rss }}.
SITE_LINKS = {
    "front_page": "reader:front-page",
    "search": "reader:search",
    "corrections": "reader:corrections",
    "republication_terms": "republication:terms",
    "feed_rss": "reader:feed-rss",
    "feed_atom": "reader:feed-atom",
    "feed_json": "reader:feed-json",
}


@functools.cache
def _site_links(prefix, urlconf):
    return {name: reverse_fixed(viewname) for name, viewname in SITE_LINKS.items()}


def site_links():
    """SITE_LINKS' addresses, reversed once per process (and script prefix and URLconf)."""
    return _site_links(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


def newsroom(request):
    """The publisher and the section navigation, loaded only by templates that use them, and
    the site's fixed addresses."""
    return {
        "publisher": SimpleLazyObject(lambda: site_furniture(request)["publisher"]),
        "nav_sections": SimpleLazyObject(lambda: site_furniture(request)["sections"]),
        "site_url": settings.SITE_URL,
        "site_links": site_links(),
    }
