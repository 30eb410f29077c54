"""Counting where partners' copies are read, without writing to the database on the way.

Counting never writes to the database on the pixel's request path. Each hit is checked
(referer, own site, editing screens, de-duplication) and added to a counter in Django's cache;
the counters are written to RepublicationView in bulk by flush_counts(). That runs as a task
(republication/tasks.py), queued at most once per REPUBLICATION_FLUSH_SECONDS after a pixel
response has been sent and when the desk shows the numbers, and directly from
`manage.py flush_republication_counts`. With a cache in each process's memory (locmem) a
worker could not see the counters, so that process flushes them itself, as the task would.

Counters live in "generations" so a flush never has to list cache keys (Redis and locmem
cannot do that portably): every counter registers itself once, in a numbered slot of the
current generation; a flush opens a new generation, then reads the slots of the old ones and
takes each counter's value with an atomic decrement, so hits that arrive during a flush are
never lost, only left for the next one. A flush whose write fails puts what it took back.
"""

import hashlib
import re
import time
from datetime import date
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import router, transaction
from django.utils import timezone

from articles.models import Article, RepublicationView

KEY_PREFIX = "republication"
# A flush waits this long for its lock holder before giving up (seconds).
FLUSH_LOCK_SECONDS = 60
# Counters and slots outlive several flush periods, so nothing expires before it is written.
COUNTER_TTL_FACTOR = 20
# Tracking parameters that would split one page into many.
TRACKING_PARAMETER = re.compile(r"^(utm_|fbclid$|gclid$|mc_[ce]id$)")


DEFAULT_PORTS = {"http": 80, "https": 443}
PAGE_URL_LENGTH = RepublicationView._meta.get_field("page_url").max_length


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
    return site, page[:PAGE_URL_LENGTH]


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()[:32]


def _generation() -> int:
    cache.add(f"{KEY_PREFIX}:generation", 1, timeout=None)
    generation: int = cache.get(f"{KEY_PREFIX}:generation", 1)
    return generation


def _counter_ttl() -> int:
    return max(settings.REPUBLICATION_FLUSH_SECONDS, 60) * COUNTER_TTL_FACTOR


def record_hit(
    article_id: int,
    referer: str,
    client_address: str = "",
    user_agent: str = "",
    request_host: str = "",
) -> bool:
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
    return _count(article_id, timezone.localdate(), site, page_url)


def _count(article_id: int, day: date, site: str, page_url: str, views: int = 1) -> bool:
    """Add views to the counter of one article, day and page in the current generation."""
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
        cache.incr(counter_key, views)
    except ValueError:  # evicted between add and incr: count it afresh next time
        return False
    return True


def cache_is_per_process() -> bool:
    """Whether the cache lives in this process's memory (locmem, without REDIS_URL): then only
    this process sees its counters, and only it can write them."""
    return isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache)


def counts_waiting() -> bool:
    """Whether hits were counted since the last flush (two cache reads)."""
    generation = cache.get(f"{KEY_PREFIX}:generation")
    return generation is not None and cache.get(f"{KEY_PREFIX}:slots:{generation}", 0) > 0


def flush_due() -> bool:
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


def _take(counter_key: str) -> int:
    """Read a counter and subtract what was read, atomically; hits arriving meanwhile stay."""
    value: int = cache.get(counter_key) or 0
    if value <= 0:
        return 0
    try:
        cache.decr(counter_key, value)
    except ValueError:
        return 0
    return value


def flush_counts() -> int:
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
        totals: dict[tuple[int, str, str, str], int] = {}
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
        try:
            return _write_counts(totals) if totals else 0
        except Exception:
            # Not written: back into the cache for the next flush, so nothing is lost.
            for (article_id, day, site, page_url), views in totals.items():
                _count(article_id, date.fromisoformat(day), site, page_url, views)
            raise
    finally:
        cache.delete(lock_key)


def _write_counts(totals: dict[tuple[int, str, str, str], int]) -> int:
    # From the primary database: a read replica may not have a story published moments ago.
    articles = Article.objects.db_manager(router.db_for_write(Article))
    known_articles = set(
        articles.filter(pk__in={key[0] for key in totals}).values_list("pk", flat=True)
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
