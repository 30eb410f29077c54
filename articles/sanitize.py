"""
The one place where user-supplied HTML is cleaned.

Article bodies are sanitised with nh3 (the Ammonia HTML sanitiser) on every
save, against an allow-list of the tags a news story needs. Everything else a
user types is plain text and is escaped by the templates.
"""

import re
from html import escape, unescape
from urllib.parse import urlsplit

import nh3
from django.conf import settings

from articles.embeds import provider_for
from newsroom.lib.text import clean_text

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "cite",
    "q",
    "figure",
    "figcaption",
    "hr",
    "abbr",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    # Photos and embeds inside a story: only a reference, expanded when the story is shown
    # (see MEDIA_FIGURE below).
    "figure": {"data-photo-id", "data-embed"},
    "q": {"cite"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start", "reversed"},
}

# No javascript:, vbscript:, data: or other schemes that can run code or smuggle content.
# Links may also write an e-mail or call a number; every other address a story carries (a
# quotation's `cite`, anything a later tag adds) is a web page: http(s) only. Relative
# addresses ("/articles/…", "#notes") are this site's own pages and are kept everywhere.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
WEB_URL_SCHEMES = {"http", "https"}
URL_ATTRIBUTES = {"href": ALLOWED_URL_SCHEMES, "cite": WEB_URL_SCHEMES, "src": WEB_URL_SCHEMES}
# How a browser reads a scheme: ASCII whitespace and controls around and inside it are ignored.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")


def url_scheme(url):
    """The scheme a browser would follow `url` with, lower-case, or "" for a relative address."""
    match = SCHEME.match(IGNORED_IN_SCHEME.sub("", url).lower())
    return match.group(1) if match else ""


def keep_safe_urls(tag, attribute, value):
    """nh3's attribute filter: a URL-bearing attribute survives only with an allowed scheme."""
    schemes = URL_ATTRIBUTES.get(attribute)
    if schemes is None:
        return value
    scheme = url_scheme(value)
    return value if not scheme or scheme in schemes else None


def is_external(url):
    """True for absolute links that leave the newsroom's own site."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return False
    own_host = urlsplit(settings.SITE_URL).netloc
    return parts.netloc != own_host


# The serialiser always writes attributes double-quoted, with " escaped inside values,
# so an opening <a> tag can be matched exactly even when a value contains ">".
OPENING_LINK = re.compile(r'<a((?:\s+[\w:-]+="[^"]*")*)>')
HREF = re.compile(r'\shref="([^"]*)"')


def sanitize_html(html):
    """Clean ``html`` to the allow-list; external links get rel="noopener noreferrer"."""
    if not html:
        return ""
    cleaned = nh3.clean(
        clean_text(html),  # nh3 cannot read lone surrogates; control characters go anyway
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=keep_safe_urls,
    )
    cleaned = OPENING_LINK.sub(_mark_external_link, cleaned)
    if MEDIA_FIGURE.search(cleaned):
        cleaned = _clean_media_figures(cleaned)
    return cleaned.strip()


def _mark_external_link(match):
    attributes = match.group(1)
    href = HREF.search(attributes)
    if href and is_external(unescape(href.group(1))):
        attributes += ' rel="noopener noreferrer"'
    return f"<a{attributes}>"


# A figure standing for a photo of the library or an embed holds nothing but its reference.
MEDIA_FIGURE = re.compile(r'<figure((?:\s+[\w:-]+="[^"]*")+)>(.*?)</figure>', re.DOTALL)
PHOTO_ID = re.compile(r'\sdata-photo-id="(\d{1,18})"')
# An inline photo once sanitised: the whole figure, its id in the first group.
INLINE_PHOTO = re.compile(r'<figure data-photo-id="(\d+)"></figure>')
INLINE_PHOTO_ID = re.compile(r'<figure data-photo-id="(\d+)">')
INLINE_EMBED = re.compile(r'<figure data-embed="([^"]*)"></figure>')
EMBED_URL = re.compile(r'\sdata-embed="([^"]*)"')


def _clean_media_figures(html):
    """Keep a media figure's one valid reference and drop what it held; drop any other figure
    attributes. A URL of a provider not on the allow-list (articles/embeds.py) is dropped."""

    def clean(match):
        attributes = match.group(1)
        photo = PHOTO_ID.search(attributes)
        if photo:
            return f'<figure data-photo-id="{int(photo.group(1))}"></figure>'
        embed = EMBED_URL.search(attributes)
        url = unescape(embed.group(1)) if embed else ""
        if embed and provider_for(url):
            return f'<figure data-embed="{escape(url)}"></figure>'
        return f"<figure>{match.group(2)}</figure>"

    # Tidied again: dropping a media figure's content may leave a stray closing tag.
    return nh3.clean(
        MEDIA_FIGURE.sub(clean, html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
