"""Story cards: the part of the public pages rendered many times over.

A front page shows about fifty cards and a listing twenty. Django's template language spends
microseconds on every variable, filter and include, which made the cards half of the front
page's time; the card is therefore a Jinja2 template (compiled to Python once), rendered by the
``{% story_card %}`` tag from the Django templates around it. Its output is escaped exactly as
Django escapes (``escape_as_django``), so a reader gets the same HTML byte for byte
(tests/reader/test_html_snapshots.py).
"""

import functools
import html

from django.conf import settings
from django.template import engines
from django.utils import dateformat, formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from jinja2 import Environment
from markupsafe import Markup

from photos.templatetags.photos import responsive_image
from reader import structured_data
from reader.templatetags.resilience import rendered_or_left_out

CARD_TEMPLATE = "includes/story_card.html"
LEAD_SIZES = "(min-width: 48rem) 43rem, 100vw"
CARD_SIZES = "(min-width: 36rem) 24rem, 100vw"


def environment(**options):
    """The Jinja2 environment of settings.TEMPLATES: Django's escaping, the cards' helpers."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, finalize=escape_as_django, **options)
    env.globals.update(card_photo=card_photo, w3c_datetime=w3c_datetime, local_date=local_date)
    return env


def render_card(article, pick=None, is_lead=False, hide_section=False):
    """The card of a story (``pick``: as an editor arranged it, see curation.models.Pick)."""
    context = {
        "article": article,
        "pick": pick,
        "is_lead": is_lead,
        "hide_section": hide_section,
    }
    return mark_safe(card_template().render(context))  # noqa: S308 - rendered with autoescape


def card_template():
    if settings.DEBUG:  # an edited template shows at once while developing (auto_reload)
        return engines["jinja2"].get_template(CARD_TEMPLATE).template
    return _compiled_card_template()


@functools.cache
def _compiled_card_template():
    return engines["jinja2"].get_template(CARD_TEMPLATE).template


def card_photo(article, pick, is_lead):
    """The card's picture: the editor's crop, else the responsive photo. A photo that cannot be
    shown (storage down, renditions gone) costs the card its picture, not the page."""
    return rendered_or_left_out(lambda: _card_photo(article, pick, is_lead))


def _card_photo(article, pick, is_lead):
    crop = pick.photo_crop if pick else None
    if crop:
        loading = 'loading="eager" fetchpriority="high"' if is_lead else 'loading="lazy"'
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="" ' + loading + ' decoding="async">',
            crop["url"],
            crop["width"],
            crop["height"],
        )
    if is_lead:
        return responsive_image(
            article.lead_photo, alt="", sizes=LEAD_SIZES, loading="eager", priority="high"
        )
    return responsive_image(article.lead_photo, alt="", sizes=CARD_SIZES)


def escape_as_django(value):
    """Text escaped as Django's escape() does it (html.escape: &#x27; and &quot;, where
    MarkupSafe would write &#39; and &#34;); what is already HTML is left as it is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))  # noqa: S704 - escaped here


def w3c_datetime(moment):
    """2026-11-25T16:05:00+00:00: what sitemaps and machines expect (also a Django filter)."""
    return structured_data.iso_datetime(moment) if moment else ""


def local_date(moment):
    """What ``{{ moment|date:"DATE_FORMAT" }}`` shows: the date in the site's time zone."""
    if not moment:
        return ""
    day = timezone.localtime(moment).date()
    return _date_text(day, formats.get_format("DATE_FORMAT"), translation.get_language())


@functools.lru_cache(maxsize=4096)
def _date_text(day, date_format, language):
    # Cards on a page share a few days; formatting one is most of a card's Python. The
    # language is in the key because the month's name is translated.
    return dateformat.format(day, date_format)
