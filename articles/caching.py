"""Whole-page caching for anonymous readers, invalidated by exactly what changes.

Every cached page depends on a few *tags*, decided from its URL alone so the cache is consulted
before any database query:

- ``site``: the publisher's settings and the section navigation, on every page;
- ``article:<slug>``: the article page and its partner copy;
- ``listings``: every other public page (front, section, tag, author, search, feeds, sitemaps).

Each tag has a *generation* token in the cache. A page is stored together with the generations it
was rendered under and served only while they are all still current; changing something replaces
the tokens of the tags it shows on (``invalidate_articles``), so stale copies are never served and
simply age out. Pages that list articles are also never kept past the next scheduled
``publish_at``.

Other models hook in with one line, as corrections do::

    invalidate_on_change(Correction, lambda correction: [correction.article])

and ``invalidate_on_change(SomeSiteWideModel)`` refreshes every page.
"""

import contextlib
import functools
import hashlib
import logging
import math
import secrets
import threading
import time
import weakref

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from taggit.models import Tag

from articles.models import Article, Author, Byline, Correction, ImageCredit, Publisher, Section
from newsroom.cache import near_cache

logger = logging.getLogger(__name__)

SITE = "site"
LISTINGS = "listings"
# URL names whose page shows one article, found by the "slug" in its URL.
ARTICLE_PAGES = {
    "articles:article-detail",
    "articles:article-republish",
    "articles:article-republish-panel",
    "articles:article-ninjs",
}
# Never cached: the desk, and anything a view marks with @page_cache_exempt.
EXEMPT_NAMESPACES = {"admin"}
# Cookies that mean the reader is, or may be, someone in particular.
PERSONAL_COOKIES = {"messages"}
UNCACHEABLE_DIRECTIVES = {"private", "no-cache", "no-store"}


def article_tag(slug):
    # Hashed: a slug taken from a URL may be any length or script, a cache key may not.
    return f"article:{hashlib.sha256(slug.encode()).hexdigest()[:32]}"


def page_cache_exempt(view):
    """Marks a view whose responses the page cache must neither serve nor store."""
    view.page_cache_exempt = True
    return view


def page_tags(match):
    """What a page shows, from its resolved URL alone (no database)."""
    if match.view_name in ARTICLE_PAGES and "slug" in match.kwargs:
        return (SITE, article_tag(match.kwargs["slug"]))
    return (SITE, LISTINGS)


def _cache():
    # With Redis, each worker keeps the pages it serves in its own memory, kept exact by Redis.
    return near_cache(settings.PAGE_CACHE_ALIAS, "page", settings.PAGE_CACHE_LOCAL_ENTRIES)


def _generation_key(tag):
    return f"page-generation:{tag}"


_last_warning = 0.0


def _warn_unreachable(error):
    """The cache is an optimisation: log its failure (once a minute) and carry on without it."""
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("Page cache unavailable, serving from the database: %s", error)


# --- invalidation ---


def _replace_generations(tags):
    try:
        _cache().set_many({_generation_key(tag): secrets.token_hex(8) for tag in tags}, None)
    except Exception as error:  # noqa: BLE001 - an unreachable cache must not fail a save
        _warn_unreachable(error)


def invalidate(*tags):
    """Retire every cached page that shows any of these tags.

    Done now and again once the transaction commits, so a reader who renders the page between the
    two cannot store the old version under the new generation.
    """
    tags = set(tags)
    if not tags:
        return
    _replace_generations(tags)
    transaction.on_commit(lambda: _replace_generations(tags))


def invalidate_articles(articles):
    """Refresh the pages of these articles and every listing, if any of them is (or will be) public.

    Drafts, stories in review and withdrawn ones show nowhere, so changing them costs nothing.
    """
    slugs = {article.slug for article in articles if article.status == Article.Status.PUBLISHED}
    if slugs:
        invalidate(LISTINGS, *(article_tag(slug) for slug in slugs))


def invalidate_on_change(model, articles=None):
    """Saving or deleting a ``model`` row refreshes the pages of ``articles(row)`` (or all)."""

    def refresh(sender, instance, **kwargs):
        if articles is None:
            invalidate(SITE)
        else:
            invalidate_articles(articles(instance))

    uid = f"page-cache:{model._meta.label}"
    post_save.connect(refresh, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(refresh, sender=model, weak=False, dispatch_uid=uid)


def _remember_public_state(sender, instance, raw=False, **kwargs):
    """Before an article is saved, note how the public saw it: its old address and status."""
    instance._public_before = None
    if instance.pk and not raw:
        instance._public_before = (
            sender.objects.filter(pk=instance.pk).values_list("slug", "status").first()
        )


def _article_changed(sender, instance, **kwargs):
    changed = [instance]
    before = getattr(instance, "_public_before", None)
    if before:
        # A withdrawal, or a story's new slug, must also retire what was shown before.
        changed.append(Article(slug=before[0], status=before[1]))
    invalidate_articles(changed)


def _tags_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Article):
        invalidate_articles([instance])
    else:
        invalidate_articles(Article.objects.filter(tags=instance).only("slug", "status"))


def connect_signals():
    pre_save.connect(_remember_public_state, sender=Article, dispatch_uid="page-cache:pre")
    post_save.connect(_article_changed, sender=Article, dispatch_uid="page-cache:article")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="page-cache:article")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="page-cache:tags")

    def articles_of(field, attribute=None):
        def articles(row):
            value = getattr(row, attribute) if attribute else row
            return Article.objects.filter(**{field: value}).only("slug", "status")

        return articles

    # By id: once a byline is deleted, no article is found "through" it any more.
    invalidate_on_change(Byline, articles_of(field="pk", attribute="article_id"))
    invalidate_on_change(ImageCredit, articles_of(field="lead_photo"))
    invalidate_on_change(Author, articles_of(field="authors"))
    invalidate_on_change(Tag, articles_of(field="tags"))
    invalidate_on_change(Correction, lambda correction: [correction.article])
    invalidate_on_change(Section)
    invalidate_on_change(Publisher)


# --- serving ---


def site_furniture(request):
    """The publisher's settings and the sections, shown on every page: one cache read per request.

    Kept under the ``site`` generation like a page, so a change shows at once.
    """
    if hasattr(request, "_site_furniture"):
        return request._site_furniture
    key, generation_key = "page-site-furniture", _generation_key(SITE)
    generation = None
    try:
        found = _cache().get_many([key, generation_key])
        generation = found.get(generation_key)
        furniture = found.get(key)
        if furniture is not None and generation and furniture["generation"] == generation:
            request._site_furniture = furniture
            return furniture
        if not generation:
            _cache().add(generation_key, secrets.token_hex(8), None)
            generation = _cache().get(generation_key)
    except Exception as error:  # noqa: BLE001 - the site outlives its cache
        _warn_unreachable(error)
    furniture = {
        "publisher": Publisher.load(),
        "sections": list(Section.objects.all()),
        "generation": generation,
    }
    if generation:
        try:
            _cache().set(key, furniture, settings.PAGE_CACHE_SECONDS)
        except Exception as error:  # noqa: BLE001
            _warn_unreachable(error)
    request._site_furniture = furniture
    return furniture


def next_scheduled_publication(listing_generation):
    """When the next scheduled story goes out (a timestamp), or None; one query per generation."""
    key = f"page-next-publication:{listing_generation}"
    now = time.time()
    cached = _cache().get(key)
    if cached is not None and (cached == 0 or cached > now):
        return cached or None
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    timestamp = upcoming.timestamp() if upcoming else 0
    _cache().set(key, timestamp, settings.PAGE_CACHE_SECONDS)
    return timestamp or None


class PageCacheMiddleware:
    """Serves anonymous readers whole pages from the cache, before any database query.

    Requests carrying a session or messages cookie (staff, someone just logged out) bypass it, and
    their responses are marked private. A response is stored only if it is a plain 200 to an
    anonymous GET that sets no cookie, uses no CSP nonce and was not marked private, no-cache or
    no-store by its view (previews, the counting pixel). Every public response gets an ETag and
    Last-Modified (conditional GETs answer 304) and a Cache-Control for a CDN in front.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.personal_cookies = PERSONAL_COOKIES | {settings.SESSION_COOKIE_NAME}

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if self.personal_cookies & request.COOKIES.keys():
            return self._private(self.get_response(request))
        urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
        tags = _tags_for_path(urlconf, request.path_info)
        if tags is None:
            return self.get_response(request)
        if not settings.PAGE_CACHE:
            return self._render(request, None, tags, None)
        key = "page:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        entry, generations = self._lookup(key, tags)
        if entry is not None:
            return self._from_entry(request, entry)
        if generations is None:  # the cache is unreachable: no copy to wait for
            return self._render(request, key, tags, None)
        # A busy page that has just changed would otherwise be rendered by every request that
        # arrives before the first copy is stored: here one renders it, the rest wait for it.
        with _render_lock(key):
            entry, generations = self._lookup(key, tags)  # stored while we waited?
            if entry is not None:
                return self._from_entry(request, entry)
            return self._render(request, key, tags, generations)

    def _render(self, request, key, tags, generations):
        response = self.get_response(request)
        if not self._storable(request, response):
            return response
        if generations is None:  # caching off, or the cache is unreachable
            return self._public(request, response, settings.PAGE_CACHE_SECONDS)
        return self._store(request, response, key, tags, generations)

    def _lookup(self, key, tags):
        """The stored page if still current, and the generations a fresh copy is stored under."""
        generation_keys = [_generation_key(tag) for tag in tags]
        try:
            found = _cache().get_many([key, *generation_keys])
            generations = [found.get(generation_key) for generation_key in generation_keys]
            entry = found.get(key)
            current = entry is not None and entry["generations"] == generations
            if current and entry["expires"] > time.time():
                return entry, generations
            missing = [
                gk for gk, value in zip(generation_keys, generations, strict=True) if not value
            ]
            for generation_key in missing:
                # A generation the cache lost (evicted, flushed) starts afresh, never from a value
                # an old page could still carry.
                _cache().add(generation_key, secrets.token_hex(8), None)
            if missing:
                found = _cache().get_many(generation_keys)
                generations = [found.get(generation_key) for generation_key in generation_keys]
            return None, generations
        except Exception as error:  # noqa: BLE001 - the site outlives its cache
            _warn_unreachable(error)
            return None, None

    def _storable(self, request, response):
        if request.method != "GET" or response.status_code != 200 or response.streaming:
            return False
        if response.cookies or getattr(request, "_csp_nonce", None):
            return False
        directives = {
            part.split("=")[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if directives & UNCACHEABLE_DIRECTIVES:
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    def _store(self, request, response, key, tags, generations):
        now = time.time()
        lifetime = settings.PAGE_CACHE_SECONDS
        try:
            if LISTINGS in tags:
                upcoming = next_scheduled_publication(generations[tags.index(LISTINGS)])
                if upcoming:
                    lifetime = min(lifetime, math.floor(upcoming - now))
            if lifetime <= 0:
                return response
            entry = {
                "content": response.content,
                "status": response.status_code,
                "headers": [
                    (name, value)
                    for name, value in response.items()
                    if name.lower() not in {"date", "cache-control", "etag", "last-modified"}
                ],
                "etag": f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"',
                "last_modified": http_date(now),
                "expires": now + lifetime,
                "generations": generations,
            }
            _cache().set(key, entry, lifetime)
        except Exception as error:  # noqa: BLE001 - the site outlives its cache
            _warn_unreachable(error)
            return self._public(request, response, lifetime)
        return self._from_entry(request, entry, response)

    def _from_entry(self, request, entry, response=None):
        if response is None:
            response = HttpResponse(entry["content"], status=entry["status"])
            for name, value in entry["headers"]:
                response[name] = value
        response["ETag"] = entry["etag"]
        response["Last-Modified"] = entry["last_modified"]
        remaining = max(0, math.floor(entry["expires"] - time.time()))
        return self._public(request, response, remaining)

    def _public(self, request, response, lifetime):
        """Cache-Control for browsers and a CDN, and a 304 if the reader's copy is current."""
        if response.status_code != 200 or "Cache-Control" in response:
            return response
        response["Cache-Control"] = (
            f"public, max-age={min(settings.PAGE_CACHE_BROWSER_SECONDS, lifetime)}, "
            f"s-maxage={min(settings.PAGE_CACHE_CDN_SECONDS, lifetime)}, "
            f"stale-while-revalidate={settings.PAGE_CACHE_STALE_SECONDS}"
        )
        if "ETag" not in response and not response.streaming:
            response["ETag"] = (
                f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
            )
        conditional = request.META.keys() & {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}
        if not conditional:
            return response
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=_parse_date(response.get("Last-Modified")),
            response=response,
        )

    def _private(self, response):
        if "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_cache=True)
        return response


# How long a request waits for another one in this process to render the same page; after that
# it renders the page itself.
RENDER_WAIT_SECONDS = 5
_render_locks = weakref.WeakValueDictionary()  # a lock lives while requests hold it
_render_locks_guard = threading.Lock()


@contextlib.contextmanager
def _render_lock(key):
    """This process's lock for rendering one page, or nothing after RENDER_WAIT_SECONDS."""
    with _render_locks_guard:
        lock = _render_locks.get(key)
        if lock is None:
            lock = _render_locks[key] = threading.Lock()
    acquired = lock.acquire(timeout=RENDER_WAIT_SECONDS)
    try:
        yield
    finally:
        if acquired:
            lock.release()


@functools.lru_cache(maxsize=4096)
def _tags_for_path(urlconf, path):
    """page_tags() for a path, or None if it is never cached (remembered: URLs are fixed)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    if match.namespace in EXEMPT_NAMESPACES or getattr(match.func, "page_cache_exempt", False):
        return None
    return page_tags(match)


def _parse_date(value):
    return parse_http_date_safe(value) if value else None
