"""
Republication: the partner's copy of a story, and counting where copies are read.

The copy (HTML and plain text) obeys the terms in force for the story: it carries the logo,
bylines with affiliations, the link back and the counting pixel, and leaves out any photo our
rights do not let partners reuse.

Counting never writes to the database on the pixel's request path. Each hit is checked
(referer, own site, editing screens, de-duplication) and added to a counter in Django's cache;
the counters are written to RepublicationView in bulk by flush_counts(), which runs at most
once per REPUBLICATION_FLUSH_SECONDS after a pixel response has been sent, whenever the
admin shows the numbers, and from `manage.py flush_republication_counts`.

Counters live in "generations" so a flush never has to list cache keys (Redis and locmem
cannot do that portably): every counter registers itself once, in a numbered slot of the
current generation; a flush opens a new generation, then reads the slots of the old ones and
takes each counter's value with an atomic decrement, so hits that arrive during a flush are
never lost, only left for the next one.
"""

import hashlib
import re
import time
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext as _

from articles.models import RepublicationView

# --- the partner's copy ---

# Sanitised HTML always has double-quoted attributes (see sanitize.py), so tags that carry a URL
# (links, and the cite of quotations) can be matched exactly even when a value contains ">".
TAG_WITH_URL = re.compile(r'<(?:a|blockquote|q)(?:\s+[\w:-]+="[^"]*")*\s*>')
URL_ATTRIBUTE = re.compile(r'(\s(?:href|cite)=")([^"]*)(")')


def absolute_url(path_or_url):
    return urljoin(settings.SITE_URL + "/", path_or_url)


def absolutize_links(html, base_url):
    """Every link in sanitised story HTML made absolute, so it still works on a partner's site."""

    def absolute_attribute(match):
        absolute = urljoin(base_url, unescape(match.group(2)))
        return match.group(1) + escape(absolute) + match.group(3)

    def absolute_tag(match):
        return URL_ATTRIBUTE.sub(absolute_attribute, match.group(0))

    return TAG_WITH_URL.sub(absolute_tag, html)


def pixel_url(article):
    # Named by id, the one thing about an article that never changes: copies live for years.
    return absolute_url(reverse("articles:republication-pixel", args=[article.pk]))


def photos_for_partners(article):
    """(photos partners may republish, how many were left out) among the story's photos.

    Only the lead photo today; any other photo a story gains must be sorted here too.
    """
    photos = [article.lead_photo] if article.lead_photo else []
    allowed = [photo for photo in photos if photo.may_republish]
    return allowed, len(photos) - len(allowed)


def republication_context(article, publisher, terms):
    """Everything the partner's copy and the notes beside it need."""
    canonical_url = absolute_url(article.get_absolute_url())
    photos, photos_omitted = photos_for_partners(article)
    context = {
        "article": article,
        "publisher": publisher,
        "terms": terms,
        "canonical_url": canonical_url,
        # HTML's <time> allows at most three digits of fractional seconds: give it none.
        "published_iso": timezone.localtime(article.publish_at).isoformat(timespec="seconds"),
        "logo_url": absolute_url(publisher.logo.url) if publisher.logo else "",
        "body": absolutize_links(article.body, canonical_url),
        "photos": [
            {
                "photo": photo,
                "rendition": photo.public_rendition,
                "url": absolute_url(photo.public_url),
            }
            for photo in photos
            if photo.public_rendition
        ],
        "photos_omitted": photos_omitted,
        "pixel_url": pixel_url(article),
        # Custom terms have no licence deed: the copy links to our terms page instead.
        "licence_url": terms.licence_url or absolute_url(reverse("articles:terms")),
        "licence_label": terms.licence_label if terms.licence_url else _("our republication terms"),
        "bylines": list(article.bylines.all()),
    }
    context["snippet_html"] = render_to_string("includes/republish_snippet.html", context).strip()
    context["snippet_text"] = render_to_string(
        "includes/republish_snippet.txt", context | {"body_text": html_to_text(context["body"])}
    ).strip()
    return context


class _TextWriter(HTMLParser):
    """Story HTML as plain text: paragraphs apart, list items marked, links followed by URL."""

    BLOCKS = {"p", "h2", "h3", "h4", "blockquote", "li", "pre", "figure", "table", "tr", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        if tag == "li":
            self.parts.append("- ")
        elif tag == "cite":
            self.parts.append(" ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        self.parts.append(data)

    def text(self):
        text = "".join(self.parts)
        paragraphs = (re.sub(r"[ \t]+", " ", part).strip() for part in text.split("\n\n"))
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def html_to_text(html):
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()


# --- counting ---

KEY_PREFIX = "republication"
# A flush waits this long for its lock holder before giving up (seconds).
FLUSH_LOCK_SECONDS = 60
# Counters and slots outlive several flush periods, so nothing expires before it is written.
COUNTER_TTL_FACTOR = 20
# Tracking parameters that would split one page into many.
TRACKING_PARAMETER = re.compile(r"^(utm_|fbclid$|gclid$|mc_[ce]id$)")


DEFAULT_PORTS = {"http": 80, "https": 443}


def _site_of(parts):
    """host, or host:port when the port is not the scheme's default (userinfo dropped)."""
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{parts.port}"
    return host


def own_sites(request_host=""):
    """Our own site (SITE_URL), the host the pixel was asked from, and any ignored hosts."""
    sites = {_site_of(urlsplit(settings.SITE_URL)), (request_host or "").lower()}
    sites.update(host.lower() for host in settings.REPUBLICATION_IGNORED_HOSTS)
    return {site.removesuffix(":80").removesuffix(":443") for site in sites if site}


def republishing_page(referer, request_host=""):
    """(site, page) for a referer, or None when the hit must not be counted.

    page is "" when only an origin was sent. Hits from our own site, from editing screens
    (admin, preview) and without an http(s) referer are not counted.
    """
    if not referer:
        return None
    try:
        parts = urlsplit(referer.strip())
        site = _site_of(parts)
    except ValueError:  # e.g. a port that is not a number
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    if site in own_sites(request_host) or parts.hostname.lower() in own_sites():
        return None
    lowered = referer.lower()
    if any(marker in lowered for marker in settings.REPUBLICATION_EDITING_SCREENS):
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMETER.match(k)]
    )
    path = parts.path if parts.path not in {"", "/"} or query else ""
    if not path:
        return site, ""
    page = urlunsplit((parts.scheme, site, path, query, ""))
    return site, page[: RepublicationView._meta.get_field("page_url").max_length]


def _digest(*parts):
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _generation():
    cache.add(f"{KEY_PREFIX}:generation", 1, timeout=None)
    return cache.get(f"{KEY_PREFIX}:generation", 1)


def _counter_ttl():
    return max(settings.REPUBLICATION_FLUSH_SECONDS, 60) * COUNTER_TTL_FACTOR


def client_address(request):
    """The reader's address: behind our proxy (BEHIND_PROXY), the one it appended last."""
    if settings.SECURE_PROXY_SSL_HEADER:
        forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "")


def record_hit(article_id, referer, client_address="", user_agent="", request_host=""):
    """Count one pixel hit in the cache. Returns True if it was counted. Never touches the DB."""
    page = republishing_page(referer, request_host)
    if page is None:
        return False
    site, page_url = page
    # One reader reloading one page within the window counts once. The reader is known only by
    # a salted hash of address and browser, kept in the cache for the window and never stored.
    reader = _digest(settings.SECRET_KEY, client_address, user_agent)
    seen_key = f"{KEY_PREFIX}:seen:{_digest(article_id, site, page_url, reader)}"
    if not cache.add(seen_key, 1, timeout=settings.REPUBLICATION_DEDUP_SECONDS):
        return False
    day = timezone.localdate()
    generation = _generation()
    counter_key = f"{KEY_PREFIX}:count:{generation}:{_digest(article_id, day, site, page_url)}"
    if cache.add(counter_key, 0, timeout=_counter_ttl()):
        slots_key = f"{KEY_PREFIX}:slots:{generation}"
        cache.add(slots_key, 0, timeout=_counter_ttl())
        slot = cache.incr(slots_key)
        cache.set(
            f"{KEY_PREFIX}:slot:{generation}:{slot}",
            (counter_key, article_id, day.isoformat(), site, page_url),
            timeout=_counter_ttl(),
        )
    try:
        cache.incr(counter_key)
    except ValueError:  # evicted between add and incr: count it afresh next time
        return False
    return True


def flush_due():
    """True for one caller once REPUBLICATION_FLUSH_SECONDS have passed since the last flush.

    The first hit only starts the clock, so a quiet site never writes on a single hit.
    """
    deadline_key = f"{KEY_PREFIX}:next-flush"
    now = time.time()
    deadline = cache.get(deadline_key)
    if deadline is None:
        cache.add(deadline_key, now + settings.REPUBLICATION_FLUSH_SECONDS, timeout=None)
        return False
    if now < deadline:
        return False
    # Several processes may see the deadline pass; the first to claim it flushes.
    if not cache.add(f"{deadline_key}:claimed:{deadline}", 1, timeout=FLUSH_LOCK_SECONDS):
        return False
    cache.set(deadline_key, now + settings.REPUBLICATION_FLUSH_SECONDS, timeout=None)
    return True


def _take(counter_key):
    """Read a counter and subtract what was read, atomically; hits arriving meanwhile stay."""
    value = cache.get(counter_key) or 0
    if value <= 0:
        return 0
    try:
        cache.decr(counter_key, value)
    except ValueError:
        return 0
    return value


def flush_counts():
    """Write the counts gathered in the cache to RepublicationView in bulk. Returns views written.

    The previous generation is read again on every flush: a hit that was counted into it while
    the generation changed is picked up then.
    """
    lock_key = f"{KEY_PREFIX}:flush-lock"
    if not cache.add(lock_key, 1, timeout=FLUSH_LOCK_SECONDS):
        return 0
    try:
        cache.add(f"{KEY_PREFIX}:generation", 1, timeout=None)
        current = cache.incr(f"{KEY_PREFIX}:generation")
        first = cache.get(f"{KEY_PREFIX}:oldest-open-generation", current - 1)
        totals = {}
        for generation in range(first, current):
            slot_count = cache.get(f"{KEY_PREFIX}:slots:{generation}", 0)
            slot_keys = [f"{KEY_PREFIX}:slot:{generation}:{n}" for n in range(1, slot_count + 1)]
            for slot in cache.get_many(slot_keys).values():
                counter_key, article_id, day, site, page_url = slot
                views = _take(counter_key)
                if views:
                    key = (article_id, day, site, page_url)
                    totals[key] = totals.get(key, 0) + views
        # The generation just closed is read once more next time; older ones are done.
        cache.set(f"{KEY_PREFIX}:oldest-open-generation", current - 1, timeout=None)
        return _write_counts(totals) if totals else 0
    finally:
        cache.delete(lock_key)


def _write_counts(totals):
    from articles.models import Article

    known_articles = set(
        Article.objects.filter(pk__in={key[0] for key in totals}).values_list("pk", flat=True)
    )
    totals = {key: views for key, views in totals.items() if key[0] in known_articles}
    with transaction.atomic():
        existing = {
            (row.article_id, row.day.isoformat(), row.site, row.page_url): row
            for row in RepublicationView.objects.select_for_update().filter(
                article_id__in={key[0] for key in totals},
                day__in={key[1] for key in totals},
            )
        }
        to_update, to_create = [], []
        for key, views in totals.items():
            row = existing.get(key)
            if row:
                row.views += views
                to_update.append(row)
            else:
                article_id, day, site, page_url = key
                to_create.append(
                    RepublicationView(
                        article_id=article_id, day=day, site=site, page_url=page_url, views=views
                    )
                )
        RepublicationView.objects.bulk_update(to_update, ["views"], batch_size=500)
        RepublicationView.objects.bulk_create(to_create, batch_size=500)
    return sum(totals.values())


# --- what the admin shows ---

CHART_DAYS = 30
CHART_WIDTH, CHART_HEIGHT, CHART_BASELINE = 300, 80, 66


def daily_views_svg(daily_totals, last_day, days=CHART_DAYS):
    """A small bar chart of views per day, drawn on the server: no script, readable by all."""
    first_day = last_day - timedelta(days=days - 1)
    series = [
        (first_day + timedelta(days=n), daily_totals.get(first_day + timedelta(days=n), 0))
        for n in range(days)
    ]
    peak = max(views for _day, views in series)
    scale = (CHART_BASELINE - 4) / peak if peak else 0
    slot = CHART_WIDTH / days
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}: {}</title></rect>',
        (
            (
                f"{index * slot + 1:.1f}",
                f"{CHART_BASELINE - views * scale:.1f}",
                f"{slot - 2:.1f}",
                f"{views * scale:.1f}",
                date_format(day, "j M"),
                views,
            )
            for index, (day, views) in enumerate(series)
        ),
    )
    total = sum(views for _day, views in series)
    summary = _(
        "Views per day, %(first)s to %(last)s: %(total)s in all, at most %(peak)s a day."
    ) % {
        "first": date_format(first_day, "j M"),
        "last": date_format(last_day, "j M"),
        "total": total,
        "peak": peak,
    }
    return format_html(
        '<svg class="republication-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' xmlns="http://www.w3.org/2000/svg"><title>{summary}</title>'
        '<line x1="0" y1="{b}" x2="{w}" y2="{b}" stroke="currentColor" stroke-width="1"/>{bars}'
        '<text x="0" y="{h}" font-size="10" fill="#417690">{first}</text>'
        '<text x="{w}" y="{h}" font-size="10" fill="currentColor" text-anchor="end">{last}</text>'
        "</svg>",
        w=CHART_WIDTH,
        h=CHART_HEIGHT,
        b=CHART_BASELINE,
        summary=summary,
        bars=bars,
        first=date_format(first_day, "j M"),
        last=date_format(last_day, "j M"),
    )


def republication_summary(article, page_limit=50):
    """Totals, sites, pages and the 30-day chart for one article's admin page."""
    views = RepublicationView.objects.filter(article=article)
    today = timezone.localdate()
    recent = views.since(today - timedelta(days=CHART_DAYS - 1))
    return {
        "total": views.aggregate(total=Sum("views"))["total"] or 0,
        "sites": list(views.by_site()),
        "pages": list(views.by_page()[:page_limit]),
        "chart": daily_views_svg(recent.daily_totals(), today),
    }
