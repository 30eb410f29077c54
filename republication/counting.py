"""Counting where partners' copies are read, without writing to the database on the way.

Counting never writes to the database on the pixel's request path. Each hit is checked
(article id, referer, own site, editing screens, bots, de-duplication, what one address may
add) and added to a counter in the "counts" cache, which holds nothing else that could make
room by evicting it; the counters are written to RepublicationView in bulk by flush_counts().
That runs as a task (republication/tasks.py), queued at most once per
REPUBLICATION_FLUSH_SECONDS after a pixel response has been sent and when the desk shows the
numbers, and directly from `manage.py flush_republication_counts`. With a cache in each
process's memory (locmem) a worker could not see the counters, so that process flushes them
itself, as the task would.

Counters live in "generations" so a flush never has to list cache keys (Redis and locmem
cannot do that portably): every counter registers itself once, in a numbered slot of the
current generation; a flush opens a new generation, then reads the slots of the old ones and
takes each counter's value with an atomic decrement, so hits that arrive during a flush are
never lost, only left for the next one. What a flush took stays in its hands until the
database has it: a write that fails puts back whatever was not written. Counters carry no
expiry (a Redis evicting only keys that expire never drops them); a generation's keys are
deleted once it has been read for the last time.
"""

import functools
import hashlib
import ipaddress
import logging
import re
import time
from datetime import date
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, router, transaction
from django.utils import timezone

from articles.models import Article, RepublicationView

logger = logging.getLogger(__name__)

# The cache alias of the counts (settings.CACHES): apart from the pages', never evicted for them.
COUNTS_CACHE = "counts"
KEY_PREFIX = "republication"
# A flush waits this long for its lock holder before giving up (seconds).
FLUSH_LOCK_SECONDS = 60
# An unreachable cache is logged at most this often (seconds), not on every pixel hit.
WARNING_INTERVAL = 60
# Tracking parameters that would split one page into many.
TRACKING_PARAMETER = re.compile(r"^(utm_|fbclid$|gclid$|mc_[ce]id$)")


DEFAULT_PORTS = {"http": 80, "https": 443}
PAGE_URL_LENGTH: int = RepublicationView._meta.get_field("page_url").max_length or 500
SITE_LENGTH: int = RepublicationView._meta.get_field("site").max_length or 255
# What a referer's host may be: a DNS name (punycode, as browsers send it) or an IP address,
# with a port. Anything else, or longer than the column, is not a page a reader saw.
VALID_SITE = re.compile(r"^[a-z0-9_.:\[\]-]+$")
# Hits that carried no referer (a partner's page with a strict referrer policy, an app): counted
# as one "unknown site" per story.
UNKNOWN_SITE = ""

# User-Agents of link-preview bots, crawlers, uptime monitors and scripts: they fetch pages and
# pixels, but nobody reads. Browsers inside apps (Facebook's FBAN, Instagram) are readers and
# count. "bot" is matched as a word end, except in "Cubot", a phone maker.
IGNORED_AGENTS = (
    r"(?<!cu)bot\b",
    "crawl",
    "spider",
    "slurp",
    "facebookexternalhit",
    "facebookcatalog",
    "meta-externalagent",
    "whatsapp/",
    "skypeuripreview",
    "preview",
    "embedly",
    "iframely",
    "vkshare",
    "pinterest",
    "mastodon/",
    "cardyb",
    "google-inspectiontool",
    "feedfetcher",
    "chatgpt-user",
    "perplexity",
    "uptime",
    "pingdom",
    "statuscake",
    "site24x7",
    "monitor",
    "headlesschrome",
    "phantomjs",
    "lighthouse",
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "node-fetch",
    "axios/",
    "guzzlehttp",
    "http.rb",
    "scrapy",
    "wordpress/",
)


def _site_of(parts: SplitResult) -> str:
    """host, or host:port when the port is not the scheme's default (userinfo dropped)."""
    host = (parts.hostname or "").lower()
    if parts.port and parts.port != DEFAULT_PORTS.get(parts.scheme):
        return f"{host}:{parts.port}"
    return host


def own_sites(request_host: str = "") -> set[str]:
    """Our own site (SITE_URL), the host the pixel was asked from, and any ignored hosts."""
    sites = {_site_of(urlsplit(settings.SITE_URL)), (request_host or "").lower()}
    sites.update(host.lower() for host in settings.REPUBLICATION_IGNORED_HOSTS)
    return {site.removesuffix(":80").removesuffix(":443") for site in sites if site}


def republishing_page(referer: str, request_host: str = "") -> tuple[str, str] | None:
    """(site, page) for a referer, or None when the hit must not be counted.

    page is "" when only an origin was sent; site is UNKNOWN_SITE when no referer was. Hits from
    our own site, from editing screens (admin, preview), with a referer that is not http(s) or
    whose host could not be a real one are not counted.
    """
    referer = referer.strip()
    if not referer:
        return UNKNOWN_SITE, ""
    try:
        parts = urlsplit(referer)
        site = _site_of(parts)
    except ValueError:  # e.g. a port that is not a number
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname or not is_valid_site(site):
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
    page = urlunsplit((parts.scheme, site, path, query, ""))[:PAGE_URL_LENGTH]
    return (site, page) if is_valid_page_url(page) else None


def is_valid_site(site: str) -> bool:
    return len(site) <= SITE_LENGTH and (site == UNKNOWN_SITE or bool(VALID_SITE.match(site)))


def is_valid_page_url(page_url: str) -> bool:
    """Fits the column and holds no control character (which PostgreSQL's text refuses)."""
    return len(page_url) <= PAGE_URL_LENGTH and not any(ord(char) < 32 for char in page_url)


def is_valid_article_id(article_id: object) -> bool:
    """Whether the id could name an article: a whole number the primary key's column can hold.

    The pixel's address takes any number of digits; one too large for the column would make the
    whole flush fail.
    """
    if type(article_id) is not int:
        return False
    database = connections[router.db_for_write(Article)]
    _low, high = database.ops.integer_field_range(Article._meta.pk.get_internal_type())
    return 0 < article_id <= high


def is_ignored_agent(user_agent: str) -> bool:
    """Bots, crawlers, link previews, monitors and scripts; no User-Agent at all is not a reader."""
    if not user_agent.strip():
        return True
    pattern = _ignored_agents_pattern(tuple(settings.REPUBLICATION_IGNORED_AGENTS))
    return pattern.search(user_agent.lower()) is not None


@functools.cache
def _ignored_agents_pattern(extra_fragments: tuple[str, ...]) -> re.Pattern[str]:
    extra = [re.escape(fragment.lower()) for fragment in extra_fragments]
    return re.compile("|".join([*IGNORED_AGENTS, *extra]))


def counts_cache() -> BaseCache:
    return caches[COUNTS_CACHE]


_last_warning = 0.0


def warn_unreachable(error: Exception) -> None:
    """Log that the counts' cache failed, at most once every WARNING_INTERVAL seconds."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARNING_INTERVAL:
        _last_warning = now
        logger.warning("Republication counts: the cache is unreachable (%s).", error)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _generation() -> int:
    cache = counts_cache()
    cache.add(f"{KEY_PREFIX}:generation", 1, timeout=None)
    generation: int = cache.get(f"{KEY_PREFIX}:generation", 1)
    return generation


def record_hit(
    article_id: int,
    referer: str,
    client_address: str = "",
    user_agent: str = "",
    request_host: str = "",
) -> bool:
    """Count one pixel hit in the cache. Returns True if it was counted. Never touches the DB.

    A cache that cannot be reached costs the hit, never the pixel's answer.
    """
    if not is_valid_article_id(article_id) or is_ignored_agent(user_agent):
        return False
    page = republishing_page(referer, request_host)
    if page is None:
        return False
    site, page_url = page
    try:
        return _record(article_id, site, page_url, client_address, user_agent)
    except Exception as error:  # noqa: BLE001 - the pixel outlives its cache
        warn_unreachable(error)
        return False


def _record(
    article_id: int, site: str, page_url: str, client_address: str, user_agent: str
) -> bool:
    cache = counts_cache()
    window = settings.REPUBLICATION_DEDUP_SECONDS
    # One reader reloading one page within the window counts once. The reader is known only by
    # a salted hash of address and browser, kept in the cache for the window and never stored.
    reader = _digest(settings.SECRET_KEY, client_address, user_agent)
    seen_key = f"{KEY_PREFIX}:seen:{_digest(article_id, site, page_url, reader)}"
    if not cache.add(seen_key, 1, timeout=window):
        return False
    # However many browsers it claims to be and sites it names, one address (an IPv6 /64) adds
    # at most REPUBLICATION_ADDRESS_LIMIT views to one story per window.
    address = _digest(settings.SECRET_KEY, _network_of(client_address), article_id)
    limit_key = f"{KEY_PREFIX}:address:{address}"
    cache.add(limit_key, 0, timeout=window)
    try:
        added: int = cache.incr(limit_key)
    except ValueError:  # the window ended between add and incr: a new one starts
        cache.add(limit_key, 1, timeout=window)
        added = 1
    if added > settings.REPUBLICATION_ADDRESS_LIMIT:
        return False
    return _count(article_id, timezone.localdate(), site, page_url)


def _network_of(client_address: str) -> str:
    """The address, or for IPv6 its /64: one home or phone is given a whole /64 to rotate in."""
    try:
        address = ipaddress.ip_address(client_address)
        if address.version == 6:
            return str(ipaddress.ip_network(f"{address}/64", strict=False))
    except ValueError:  # not an address (a proxy's odd header): counted as it is
        pass
    return client_address


def _count(article_id: int, day: date, site: str, page_url: str, views: int = 1) -> bool:
    """Add views to the counter of one article, day and page in the current generation."""
    cache = counts_cache()
    generation = _generation()
    counter_key = f"{KEY_PREFIX}:count:{generation}:{_digest(article_id, day, site, page_url)}"
    if cache.add(counter_key, 0, timeout=None):
        slots_key = f"{KEY_PREFIX}:slots:{generation}"
        cache.add(slots_key, 0, timeout=None)
        slot = cache.incr(slots_key)
        cache.set(
            f"{KEY_PREFIX}:slot:{generation}:{slot}",
            (counter_key, article_id, day.isoformat(), site, page_url),
            timeout=None,
        )
    try:
        cache.incr(counter_key, views)
    except ValueError:  # deleted between add and incr (its generation ended): count it afresh
        return _count(article_id, day, site, page_url, views)
    return True


def cache_is_per_process() -> bool:
    """Whether the counts' cache lives in this process's memory (locmem, without REDIS_URL): then
    only this process sees its counters, and only it can write them."""
    return isinstance(counts_cache(), LocMemCache)


def counts_waiting() -> bool:
    """Whether hits were counted since the last flush (two cache reads)."""
    cache = counts_cache()
    generation = cache.get(f"{KEY_PREFIX}:generation")
    return generation is not None and cache.get(f"{KEY_PREFIX}:slots:{generation}", 0) > 0


def flush_due() -> bool:
    """True for one caller once REPUBLICATION_FLUSH_SECONDS have passed since the last flush.

    The first hit only starts the clock, so a quiet site never writes on a single hit. False
    while the cache cannot be reached.
    """
    try:
        return _claim_flush()
    except Exception as error:  # noqa: BLE001 - the pixel outlives its cache
        warn_unreachable(error)
        return False


def _claim_flush() -> bool:
    cache = counts_cache()
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


def _take(counter_key: str) -> int:
    """Read a counter and subtract what was read, atomically; hits arriving meanwhile stay."""
    cache = counts_cache()
    value: int = cache.get(counter_key) or 0
    if value <= 0:
        return 0
    try:
        cache.decr(counter_key, value)
    except ValueError:
        return 0
    return value


Totals = dict[tuple[int, str, str, str], int]


def flush_counts() -> int:
    """Write the counts gathered in the cache to RepublicationView in bulk. Returns views written.

    The previous generation is read again on every flush: a hit that was counted into it while
    the generation changed is picked up then; after that its keys are deleted.
    """
    cache = counts_cache()
    lock_key = f"{KEY_PREFIX}:flush-lock"
    if not cache.add(lock_key, 1, timeout=FLUSH_LOCK_SECONDS):
        return 0
    try:
        cache.add(f"{KEY_PREFIX}:generation", 1, timeout=None)
        current = cache.incr(f"{KEY_PREFIX}:generation")
        first = cache.get(f"{KEY_PREFIX}:oldest-open-generation", current - 1)
        pending: Totals = {}
        finished: list[str] = []
        for generation in range(first, current):
            slots_key = f"{KEY_PREFIX}:slots:{generation}"
            slot_count = cache.get(slots_key, 0)
            slot_keys = [f"{KEY_PREFIX}:slot:{generation}:{n}" for n in range(1, slot_count + 1)]
            counter_keys = []
            for slot in cache.get_many(slot_keys).values():
                counter_key, article_id, day, site, page_url = slot
                counter_keys.append(counter_key)
                views = _take(counter_key)
                if views:
                    key = (article_id, day, site, page_url)
                    pending[key] = pending.get(key, 0) + views
            if generation < current - 1:  # read for the last time
                finished += [slots_key, *slot_keys, *counter_keys]
        # The generation just closed is read once more next time; older ones are done.
        cache.set(f"{KEY_PREFIX}:oldest-open-generation", current - 1, timeout=None)
        cache.delete_many(finished)
        try:
            return _write_counts(pending) if pending else 0
        finally:
            # What the database did not take goes back into the cache for the next flush.
            for (article_id, day, site, page_url), views in pending.items():
                _count(article_id, date.fromisoformat(day), site, page_url, views)
    finally:
        cache.delete(lock_key)


def _writable(key: tuple[int, str, str, str]) -> bool:
    article_id, day, site, page_url = key
    return is_valid_article_id(article_id) and is_valid_site(site) and is_valid_page_url(page_url)


def _write_counts(pending: Totals) -> int:
    """Add the pending views to their rows in one transaction; each key leaves `pending` once the
    database has it, or once it is found to name no article or to be unwritable."""
    refused = [key for key in pending if not _writable(key)]
    for key in refused:
        # Counted before the pixel checked its input: writing it would fail every flush.
        logger.warning("Republication counts: dropped %s views of %r.", pending.pop(key), key)
    # From the primary database: a read replica may not have a story published moments ago.
    articles = Article.objects.db_manager(router.db_for_write(Article))
    known_articles = set(
        articles.filter(pk__in={key[0] for key in pending}).values_list("pk", flat=True)
    )
    totals = {key: views for key, views in pending.items() if key[0] in known_articles}
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
    pending.clear()  # written, or for articles that no longer exist
    return sum(totals.values())
