import functools
from urllib.parse import quote, urljoin, urlsplit

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
    if path_or_url[0] == "/" and not path_or_url.startswith("//") and "/." not in path_or_url:
        # A path such as reverse() gives (no dot segments to resolve): the site's origin and the
        # path, as urljoin would give them, for less work.
        return _origin(settings.SITE_URL) + path_or_url
    return urljoin(settings.SITE_URL + "/", path_or_url)


@functools.cache
def _origin(site_url: str) -> str:
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}"


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


@functools.cache
def _fixed_url(viewname: str, prefix: str, urlconf: str | None) -> str:
    return reverse(viewname, urlconf=urlconf)


def reverse_fixed(viewname: str) -> str:
    """``reverse(viewname)`` of an address without arguments, worked out once per URL name
    (and script prefix and URLconf): the site's fixed addresses appear on every page."""
    return _fixed_url(viewname, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
