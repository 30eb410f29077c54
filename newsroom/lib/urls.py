import functools
from urllib.parse import quote, urljoin

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS


def absolute_url(path_or_url: str) -> str:
    """An address on this site made absolute with SITE_URL; absolute ones (and "") pass unchanged.

    SITE_URL, not the request's host: canonical links, feeds and partners' copies must name the
    public site whatever host a request arrived on.
    """
    if not path_or_url:
        return path_or_url
    return urljoin(settings.SITE_URL + "/", path_or_url)


_SLUG_PLACEHOLDER = "0slug0"


@functools.cache
def _slug_url_pattern(viewname: str, prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, kwargs={"slug": _SLUG_PLACEHOLDER}, urlconf=urlconf)


def reverse_slug(viewname: str, slug: str) -> str:
    """``reverse(viewname, kwargs={"slug": slug})``, at the cost of a string replacement.

    A listing page links to dozens of stories, sections and authors; the resolver's work is
    done once per URL name (and script prefix and URLconf), and the slug quoted as reverse()
    quotes it.
    """
    pattern = _slug_url_pattern(
        viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF
    )
    return pattern.replace(_SLUG_PLACEHOLDER, quote(slug, safe=RFC3986_SUBDELIMS + "/~:@"), 1)
